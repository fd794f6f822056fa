# -f auto picks a format per file from its first lines and says which.
for f in apache-access auth samba-audit squid-access; do cp "$BK_DATA/formats/$f.log" .; done
bk-parse --year 2026 --format tsv apache-access.log auth.log samba-audit.log squid-access.log
# Real servers' logs: PostgreSQL with a prefix nobody named (Debian's plus
# %h) is recognised; Squid with the site's own logformat (%>st added after
# %<st) fits no built-in layout, and is refused rather than misread.
r=$BK_DATA/real
cp "$r"/postgresql.log "$r"/squid-custom.log .
bk-parse postgresql.log | head -n 1
x=0; bk-parse squid-custom.log || x=$?
echo "exit $x"
