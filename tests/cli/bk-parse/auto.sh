# -f auto picks a format per file from its first lines and says which.
for f in apache-access auth samba-audit squid-access; do cp "$BK_DATA/formats/$f.log" .; done
bk-parse --year 2026 --format tsv apache-access.log auth.log samba-audit.log squid-access.log
