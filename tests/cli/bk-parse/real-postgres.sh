# PostgreSQL 15 + pgaudit's own logs (tests/data/real): the stderr log with
# the prefix of its postgresql.conf, and the csvlog of the same run. Nothing
# unparsed, the events of both the same in number, and the fields of chosen
# entries exactly: a clerk's lookup (statement, pgaudit entry with its rows,
# duration), clerk07's prepared walk (the id from the DETAIL parameters),
# the full-table SELECT (no WHERE, pgaudit's 10000 rows), \copy and pg_dump's
# COPY (exports; pgaudit's 0 rows for COPY is no count, so no rows).
r=$BK_DATA/real
cp "$r"/postgresql.log "$r"/postgresql.csv .
prefix=$(sed -n "s/^log_line_prefix = '\(.*\)'\$/\1/p" "$r/postgresql.conf")
echo "prefix: '$prefix'"
bk-parse -f postgres --pg-prefix "$prefix" postgresql.log > l.json
bk-parse -f postgres-csv postgresql.csv > c.json
wc -l < l.json
wc -l < c.json
pick() { grep -F "\"line\":$2," "$1"; }
echo "-- clerk01's first lookup: statement, pgaudit, duration"
pick l.json 46
pick l.json 47
pick l.json 48
echo "-- clerk07's walk: the first execute (parameters in its DETAIL), its pgaudit entry"
pick l.json 297
pick l.json 299
echo "-- the full-table SELECT, the copy psql made, pg_dump's COPY"
pick l.json 1201
pick l.json 1202
pick l.json 1207
pick l.json 1208
pick l.json 1357
echo "-- the same in the csvlog"
grep -F '"stmt":"copy-out"' c.json
grep -F '"stmt":"dump-client"' c.json
echo "-- the failed login, the mistyped table"
grep -F '"actor":"clerk04","ip":"127.0.0.14","action":"login","status":1' l.json
grep -F '"object":"person",' l.json
echo "-- each clerk's distinct ids read from persons (truth: 23 29 19 25 21; clerk07 300)"
for f in l c; do
	for u in clerk01 clerk02 clerk03 clerk04 clerk05 clerk07; do
		grep -F "\"actor\":\"$u\"," $f.json | grep -F '"action":"read","object":"persons","ids":[' |
			grep -v -F '"status":' | sed 's/.*"ids":\[\([^]]*\)\].*/\1/' | tr ',' '\n' |
			sort -u | wc -l
	done | tr '\n' ' '
	echo
done
