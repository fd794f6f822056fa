# Concatenated gzip files (cat a.gz b.gz, pigz, logrotate) are read whole.
printf 'first\n' | gzip -c > a.gz
printf 'second\n' | gzip -c > b.gz
cat a.gz b.gz > both.gz
bk-cat both.gz
