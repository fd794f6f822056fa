# Every database and web log of tests/data/real at once (bk-parse events,
# MariaDB's logs in Tokyo time): one incident per detector for clerk07, the
# same 300 records (persons 1001..1300) whether read through PostgreSQL,
# MariaDB or /api/persons/, and nothing for the clerks. Business hours in
# Tokyo: the run was on a Sunday evening there.
r=$BK_DATA/real
cp "$r"/postgresql.log "$r"/mariadb-general.log "$r"/mariadb-slow.log "$r"/mariadb-audit.log \
    "$r"/nginx-combined.log .
prefix=$(sed -n "s/^log_line_prefix = '\(.*\)'\$/\1/p" "$r/postgresql.conf")
{
	bk-parse -f postgres --pg-prefix "$prefix" postgresql.log
	bk-parse -f mysql-general --tz Asia/Tokyo mariadb-general.log
	bk-parse -f mysql-slow --tz Asia/Tokyo mariadb-slow.log
	bk-parse -f mariadb-audit --tz Asia/Tokyo mariadb-audit.log
	bk-parse -f nginx --ids 'path:/api/persons/{id}' nginx-combined.log
} > events.json
bk-access --tz Asia/Tokyo --format text events.json
echo "status $?"
bk-access --tz Asia/Tokyo --format json --summary events.json > alerts.json
grep -c '"type":"alert"' alerts.json
grep '"type":"alert"' alerts.json | grep -c 'clerk0[1-5]"' || echo "no clerk01..05 in any alert"
tail -n 1 alerts.json | sed 's/"activity".*//'
echo "-- with ids shown"
bk-access --tz Asia/Tokyo --format json --show-values events.json | grep '"enumeration"' |
	sed 's/.*\("run_first".*\)/\1/'
