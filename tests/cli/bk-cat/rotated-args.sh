# --rotated puts a shell glob's order (access.log access.log.1 access.log.10.gz
# access.log.2.gz) right; without it the order given is kept.
printf 'live\n' > access.log
printf 'one\n' > access.log.1
printf 'two\n' | gzip -c > access.log.2.gz
printf 'ten\n' | gzip -c > access.log.10.gz
bk-cat access.log*
echo --
bk-cat --rotated access.log*
