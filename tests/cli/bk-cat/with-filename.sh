# -H names the file on every line, like grep; CRLF endings are kept.
printf 'a\r\nb\n' > win.log
printf 'c\n' | gzip -c > z.gz
bk-cat -H win.log z.gz
printf 'd\n' | bk-cat -H
