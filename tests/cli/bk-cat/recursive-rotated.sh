# A directory of rotated logs reads oldest first, subdirectories included.
mkdir -p logs/web
printf 'day 1\n' | gzip -c > logs/web/access.log.3.gz
printf 'day 2\n' | gzip -c > logs/web/access.log.2.gz
printf 'day 3\n' > logs/web/access.log.1
printf 'day 4\n' > logs/web/access.log
printf 'error day 2\n' > logs/web/error.log.1
printf 'error day 3\n' > logs/web/error.log
bk-cat -r logs
