# A folder of evidence as a responder gets it, with awkward names: real
# servers' logs (tests/data/real: PostgreSQL with pgaudit, nginx, Squid),
# one of them gzipped, in a directory whose name has a space
# and a file whose name has a quote and a newline; an export (CSV); a note
# no log format fits (scanned for personal data); a hidden file with
# personal data in it (skipped: .git is no evidence).
r=$BK_DATA/real
mkdir -p "ev/db server" "ev/web" "ev/proxy" "ev/exports" ev/.git
cp "$r/postgresql.log" "ev/db server/postgresql-15-main.log"
gzip -c "$r/nginx-combined.log" > "ev/web/access.log.1.gz"
cp "$r/squid-access.log" "ev/proxy/it's
access.log"
cp "$BK_DATA/exports/persons-sjis.csv" "$BK_DATA/exports/pg_dump.sql" ev/exports/
printf '基礎年金番号 2713-122754 の方から電話: 090-2033-7112\n' > ev/note.txt
printf 'pension 2713-122754\n' > ev/.git/config	# would be a finding, were it read
x=0
bk-triage -o out --tz Asia/Tokyo ev > report.txt 2> stderr.txt || x=$?
echo "exit $x"
ls out
echo "-- what went where"
grep -c '"type":"event"' out/events.ndjson
grep -o '"file":"[^"]*"' out/events.ndjson | LC_ALL=C sort | uniq -c
grep -o '"type":"inventory","file":"[^"]*"' out/inventory.ndjson
grep -o '"type":"summary","file":"[^"]*","lines":[0-9]*,"findings":[0-9]*' out/findings.ndjson
echo "-- events in time order"
grep -o '"ts":"[^"]*"' out/events.ndjson | LC_ALL=C sort -c && echo sorted
echo "-- alerts: detector, severity"
sed 's/.*"detector":"\([^"]*\)".*"severity":"\([^"]*\)".*/\1 \2/' out/alerts.ndjson | LC_ALL=C sort | uniq -c
echo "-- the report's headline"
sed -n '1,9p' report.txt
echo "-- errors.txt"
cat out/errors.txt
cat stderr.txt
