# nginx 1.22's own logs (tests/data/real): the predefined combined format,
# "extra" and the escape=json format read from the site's nginx.conf. Nothing
# unparsed (bk-parse says so on stderr at the end), every request an event,
# and the fields of chosen requests exactly: one of clerk07's 300 API reads,
# the export download, the POST with a body. Figures from truth.txt.
r=$BK_DATA/real
cp "$r"/nginx-combined.log "$r"/nginx-extra.log "$r"/nginx-json.log .
# pick FILE LINE: the event of that line.
pick() { grep -F "\"line\":$2," "$1"; }
bk-parse -f nginx nginx-combined.log > c.json
bk-parse --nginx-conf "$r/nginx.conf" --log-format extra nginx-extra.log > e.json
bk-parse --nginx-conf "$r/nginx.conf" --log-format json nginx-json.log > j.json
wc -l < nginx-combined.log
wc -l < c.json
wc -l < e.json
wc -l < j.json
echo "-- clerk07's first API read, combined"
pick c.json 74
echo "-- the export (truth: 3000 rows, 301671 bytes), each format"
grep -F '"object":"/export/persons.csv"' c.json | grep -F '"actor":"clerk07"'
grep -F '"object":"/export/persons.csv"' e.json | grep -F '"actor":"clerk07"'
grep -F '"object":"/export/persons.csv"' j.json | grep -F '"actor":"clerk07"'
echo "-- the search POST (\$request_length 308), extra and json"
pick e.json 62
pick j.json 62
echo "-- clerk07's distinct ids over /api/persons/ (truth: 300), each format"
for f in c e j; do
	sed -n 's/.*"actor":"clerk07","ip":"127.0.0.77","action":"read","object":"\/api\/persons\/[0-9]*","ids":\["\([0-9]*\)"\].*/\1/p' \
	    $f.json | sort -u | wc -l
done
