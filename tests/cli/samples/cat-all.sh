# bk-cat reads the whole evidence folder without an error, rotated logs in
# time order (the README's first command shows the same).
cd "$BK_SRCDIR"
bk-cat -H -r samples/logs | cut -d: -f1 | uniq -c
