# --summary: after each file, what it gave and what its times stated. nginx
# writes +0900 and a year; MariaDB's audit log local times without a zone
# (the counts are of times read: here one an entry); Squid
# epoch seconds, neither zoned nor naive; Samba through syslog (from
# samples/) neither zone nor year. The same with -j 2, in text, and TSV,
# which has no room for it.
r=$BK_DATA/real
cp "$BK_SRCDIR/samples/logs/fileserver/audit.log" samba.log
bk-parse --format json --summary --year 2015 "$r/nginx-combined.log" "$r/mariadb-audit.log" \
	"$r/squid-access.log" samba.log 2>/dev/null | grep '"type":"summary"' |
	sed "s|$r/||"
echo "-- -j 2"
bk-parse --format json --summary -j 2 "$r/nginx-combined.log" 2>/dev/null | tail -n 1 | sed "s|$r/||"
echo "-- text"
bk-parse --format text --summary --tz +09:00 --year 2015 samba.log 2>/dev/null | tail -n 1
echo "-- tsv"
x=0; bk-parse --format tsv --summary samba.log 2>&1 || x=$?
echo "exit $x"
