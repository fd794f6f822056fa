# -j shares one file's lines out to threads; the output is the same bytes as
# one thread (-j 1), whatever the chunks: about 12 MB of nginx log (a dozen
# chunks), with CRLF lines, lines that do not parse (kept with
# --keep-unparsed), read plain, gzipped and from standard input; JSON lines;
# and a PostgreSQL log, whose entries span lines, parsed by one thread.
# Without -j, as many threads as CPUs: the same bytes again.
r=$BK_DATA/real
awk -v n=100000 'BEGIN { srand(7) }
	{ line[NR] = $0 } END {
	for (i = 0; i < n; i++) {
		l = line[1 + i % NR]
		if (i % 1000 == 0) print "junk line " i
		else if (i % 7 == 0) printf "%s\r\n", l
		else print l
	}
}' "$r/nginx-combined.log" > big.log
gzip -c big.log > big.log.gz
wc -l < big.log
# The file column aside (big.log.gz, standard input), the same rows.
tsv() { bk-parse "$@" -f nginx --format tsv --keep-unparsed | cut -f 1,2,4-; }
tsv -j 1 big.log > one.tsv
tsv big.log > many.tsv
cmp one.tsv many.tsv && echo "tsv, default -j: same"
for j in 2 3; do
	tsv -j $j big.log > many.tsv
	cmp one.tsv many.tsv && echo "tsv -j $j: same"
	tsv -j $j big.log.gz > many.tsv
	cmp one.tsv many.tsv && echo "tsv -j $j gzip: same"
	tsv -j $j - < big.log > many.tsv
	cmp one.tsv many.tsv && echo "tsv -j $j stdin: same"
done
bk-parse -j 1 --format json big.log 2> one.err > one.json
bk-parse -j 2 --format json big.log 2> many.err > many.json
cmp one.json many.json && echo "json -j 2: same"
cmp one.err many.err && cat many.err
wc -l < one.json
awk '{ print "{\"time\":\"2026-11-22T10:00:00Z\",\"user\":\"u" NR % 50 "\",\"request\":\"GET /api/persons/" NR " HTTP/1.1\"}" }' big.log > app.jsonl
bk-parse -j 1 -f json app.jsonl > one.json
bk-parse -j 2 -f json app.jsonl > many.json
cmp one.json many.json && echo "json lines -j 2: same"
bk-parse -j 1 -f postgres "$r/postgresql.log" > one.json
bk-parse -j 2 -f postgres "$r/postgresql.log" > many.json
cmp one.json many.json && echo "postgres -j 2: same"
