# The uploader allow-listed (as a backup host would be): its incidents go,
# and nothing else fires; exit 1.
printf '# backups\nupload.example.net\n127.0.0.0/30\nua:MSIE 8.0\n' > allow.txt
bk-exfil --squid-conf "$BK_DATA/real/squid.conf" --log-format bkx --format text \
	--allow allow.txt "$BK_DATA/real/squid-custom.log"
