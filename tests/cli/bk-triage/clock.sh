# Times written without a zone or a year take what the other logs state.
# Real servers' logs: nginx writes +0900 and 2026; MariaDB's general and
# audit logs write local times without a zone; Samba's audit through syslog
# (from samples/) writes neither zone nor year; Squid writes epoch seconds,
# which tell nothing of a zone. Shown: the notes on stderr and each file's
# first event time, then the same with --tz and --year given (no notes,
# the options' zone and year), then evidence that states no zone at all.
r=$BK_DATA/real
mkdir ev
cp "$r/nginx-combined.log" ev/access.log
cp "$r/mariadb-general.log" "$r/mariadb-audit.log" "$r/squid-access.log" ev/
cp "$BK_SRCDIR/samples/logs/fileserver/audit.log" ev/samba-audit.log
first() {
	for f in access.log mariadb-general.log mariadb-audit.log samba-audit.log squid-access.log; do
		printf '%s ' "$f"
		grep -m 1 -o "\"ts\":\"[^\"]*\",\"format\":\"[^\"]*\",\"file\":\"ev/$f\"" "$1/events.ndjson" |
			cut -d, -f1 | grep . || echo none
	done
}
x=0; bk-triage -o out ev > /dev/null 2> err.txt || x=$?
echo "inferred: exit $x"; cat err.txt; first out
x=0; bk-triage -o out2 --tz UTC --year 2014 ev > /dev/null 2> err.txt || x=$?
echo "given: exit $x"; cat err.txt; first out2
rm ev/access.log
x=0; bk-triage -o out3 ev > /dev/null 2> err.txt || x=$?
echo "no zone stated: exit $x"; cat err.txt; first out3
