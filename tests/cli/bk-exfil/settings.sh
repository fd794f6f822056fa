# Thresholds come from patterns/detect/exfil.conf and --set; mistakes are named.
bk-exfil --set beacon.min_score=0.95 --list-settings | grep '^beacon\.'
bk-exfil --set beacon.min_connections=9 --format text -f squid "$BK_DATA/real/squid-access.log"
bk-exfil --set after_hours.min_bytes=1MB --set after_hours.tz=Asia/Tokyo --format text \
	--squid-conf "$BK_DATA/real/squid.conf" --log-format bkx "$BK_DATA/real/squid-custom.log" |
	grep -o 'outside working hours[^;]*'
bk-exfil --set beacon.min_score=high /dev/null || echo "exit $?"
bk-exfil --set outbound_volume.window=90m /dev/null || echo "exit $?"
