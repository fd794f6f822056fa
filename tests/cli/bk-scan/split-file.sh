# One large file with -j 2 is shared out in chunks: the output must be byte
# for byte that of one pass (line numbers, offsets, order, summary, -l, the
# warnings of lines cut at --max-line, the baseline), whatever lands on a
# chunk's edge. 20 MB of lines of varying length, a CSV header, CRLF on some
# lines, personal data on about one line in fifty, and no final newline.
awk 'BEGIN {
	print "name,phone,mail"
	for (i = 1; size < 20000000; i++) {
		line = sprintf("row%d,%0" (i % 40 + 1) "d,x", i, i)
		if (i % 50 == 0) line = line ",tel 090-" (3000 + i % 6000) "-" (1000 + i % 8000) " mail u" i "@example.com"
		if (i % 7 == 0) line = line "\r"
		if (i % 999 == 0) line = line sprintf("%0900d", i)
		printf "%s%s", line, (size + length(line) + 1 < 20000000 ? "\n" : "")
		size += length(line) + 1
	}
}' > big.csv
head -c 32 /dev/zero > key
for opts in "--format json" "--format tsv --hash-key key" "--summary --format json" "-l" "--max-line 800 --format json"; do
	one=0; bk-scan -j 1 --no-progress $opts big.csv > one.out 2> one.err || one=$?
	two=0; bk-scan -j 2 --no-progress $opts big.csv > two.out 2> two.err || two=$?
	if cmp -s one.out two.out && cmp -s one.err two.err && [ $one = $two ]; then
		echo "$opts: same ($(wc -l < one.out) lines out, $(wc -l < one.err) warnings, exit $one)"
	else
		echo "$opts: DIFFERENT"
	fi
done
rm -f b1 b2
bk-scan -j 1 --no-progress --hash-key key --baseline b1 big.csv | wc -l
bk-scan -j 2 --no-progress --hash-key key --baseline b2 big.csv | wc -l
cmp b1 b2 && echo "baselines: same"
# Compressed, or through a pipe, the main thread reads and hands out the
# text; a cut stream still gives everything before the damage, then the error.
gzip -c big.csv > big.csv.gz
head -c 1500000 big.csv.gz > cut.csv.gz
for f in big.csv.gz cut.csv.gz; do
	one=0; bk-scan -j 1 --no-progress --format json $f > one.out 2> one.err || one=$?
	two=0; bk-scan -j 2 --no-progress --format json $f > two.out 2> two.err || two=$?
	if cmp -s one.out two.out && cmp -s one.err two.err && [ $one = $two ]; then
		echo "$f: same ($(wc -l < one.out) lines out, exit $one)"
	else
		echo "$f: DIFFERENT"
	fi
done
bk-scan -j 1 --no-progress --format json - < big.csv > one.out
bk-scan -j 2 --no-progress --format json - < big.csv > two.out
cmp -s one.out two.out && echo "stdin: same"
