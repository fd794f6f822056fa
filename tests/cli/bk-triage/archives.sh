# Evidence as it often arrives: archives. A tar.gz of rotated logs (real
# nginx and Squid logs), a zip of an export, a tar holding a tgz holding a
# PostgreSQL log (archives in archives), and a tar.gz cut short (what could
# be unpacked is used; errors.txt says what was not; exit 2). Unpacked files
# are kept under DIR/unpacked/PATH:/ and named so in the records.
for t in zip unzip; do
	command -v $t >/dev/null || { echo "$t not installed" >&2; exit 77; }
done
r=$BK_DATA/real
mkdir -p src/web src/proxy src/db ev
cp "$r/nginx-combined.log" src/web/access.log
cp "$r/squid-access.log" src/proxy/access.log.1
cp "$r/postgresql.log" src/db/postgresql-15-main.log
cp "$BK_DATA/exports/persons-sjis.csv" src/
(cd src && tar -czf ../ev/logs.tar.gz web proxy)
(cd src && zip -q ../ev/export.zip persons-sjis.csv)
(cd src && tar -czf inner.tgz db && tar -cf ../ev/outer.tar inner.tgz)
head -c 600 ev/logs.tar.gz > ev/cut.tar.gz
x=0
bk-triage -o out --tz Asia/Tokyo ev > /dev/null 2> stderr.txt || x=$?
# (from a directory of its own, so '..' is still this test's: runs in parallel share /tmp)
cp ev/logs.tar.gz ev-up.tgz
mkdir -p sub
y=0; (cd sub && bk-triage -o ../out2 --tz Asia/Tokyo ../ev-up.tgz > /dev/null 2>&1) || y=$?
echo "exit $x"
echo "-- unpacked"
(cd out/unpacked && find . -type f | LC_ALL=C sort)
echo "-- an archive outside the current directory (exit $y): '..' kept inside"
(cd out2/unpacked && find . -type f | LC_ALL=C sort)
echo "-- events per file"
grep -o '"file":"[^"]*"' out/events.ndjson | LC_ALL=C sort | uniq -c
echo "-- inventory"
grep -o '"type":"inventory","file":"[^"]*"' out/inventory.ndjson
echo "-- errors.txt"
sed 's/^  tar: .*/  tar: .../' out/errors.txt | uniq
