# MariaDB 10.11's own logs (tests/data/real): the general query log, the
# slow query log and the server_audit log, local time with no zone (--tz).
# Nothing unparsed, the number of events, and the fields of chosen entries
# exactly: a clerk's lookup, clerk07's first prepared execute, the
# full-table SELECT (10000 rows in the slow log), the INTO OUTFILE export,
# mariadb-dump's SELECT (a dump, though it names the columns).
r=$BK_DATA/real
cp "$r"/mariadb-general.log "$r"/mariadb-slow.log "$r"/mariadb-audit.log .
bk-parse -f mysql-general --tz Asia/Tokyo mariadb-general.log > g.json
bk-parse -f mysql-slow --tz Asia/Tokyo mariadb-slow.log > s.json
bk-parse -f mariadb-audit --tz Asia/Tokyo mariadb-audit.log > a.json
wc -l < g.json
wc -l < s.json
wc -l < a.json
for f in g s a; do
	echo "-- $f: clerk02's first lookup, clerk07's first execute, SELECT *, INTO OUTFILE, the dump"
	grep -F '"actor":"clerk02",' $f.json | grep -m1 -F '"ids":['
	grep -F '"actor":"clerk07",' $f.json | grep -m1 -F '"ids":["1001"]'
	grep -F '"actor":"clerk07",' $f.json | grep -F '"stmt":"select","where":false'
	grep -F '"stmt":"select-into-outfile"' $f.json
	grep -F '"stmt":"dump-client"' $f.json
done
echo "-- clerk07's distinct ids (truth: 300), each log"
for f in g s a; do
	grep -F '"actor":"clerk07",' $f.json | grep -F '"ids":[' | sed 's/.*"ids":\[\([^]]*\)\].*/\1/' |
		tr ',' '\n' | sort -u | wc -l
done
