# --year is the year a log starts in: a yearless time more than 7 days
# behind the latest one before it starts the next year, per file. big.log
# runs from 29 December, a line every 10 s, in about four 1 MiB chunks
# for -j, New Year in the third, and out of order within a minute around
# midnight: late lines of 31 December stay in it, the year moves once.
# soon.log crosses New Year in its first lines, so -j's later chunks
# cannot know the year from the chunks before them; jan.log starts in
# January. -j 1, -j 2 and the default give the same bytes.
awk 'BEGIN {
	split("Dec 29,Dec 30,Dec 31,Jan  1,Jan  2", day, ",")
	for (i = 0; i < 40000; i++) {
		t = i * 10
		printf "%s %02d:%02d:%02d db1 sshd[%d]: Accepted password for u%d from 10.0.%d.%d port 22 ssh2\n",
		    day[int(t / 86400) + 1], int(t / 3600) % 24, int(t / 60) % 60, t % 60, i, i % 40,
		    i % 200, i % 250
		if (t == 259200)	# Jan 1 00:00:00, then two late lines
			print "Dec 31 23:59:58 db1 sshd[1]: Accepted password for late1 from 10.0.0.1 port 22 ssh2\nDec 31 23:59:59 db1 sshd[1]: Accepted password for late2 from 10.0.0.1 port 22 ssh2"
	}
}' > big.log
awk 'BEGIN {
	for (i = 0; i < 30000; i++) {
		t = 86400 * 3 - 30 + i * 10
		printf "%s %02d:%02d:%02d fs1 sshd[%d]: Accepted publickey for svc from 192.0.2.%d port 22 ssh2\n",
		    t < 86400 * 3 ? "Dec 31" : "Jan  " int(t / 86400 - 2), int(t / 3600) % 24,
		    int(t / 60) % 60, t % 60, i, i % 250
	}
}' > soon.log
printf '%s\n' 'Jan  1 00:00:05 db2 sshd[7]: Accepted password for carol from 10.0.0.7 port 22 ssh2' \
	'Dec 31 23:59:59 db2 sshd[7]: Accepted password for dave from 10.0.0.8 port 22 ssh2' \
	'Jan  2 09:00:00 db2 sshd[7]: Accepted password for erin from 10.0.0.9 port 22 ssh2' > jan.log
wc -c big.log soon.log
tsv() { bk-parse -f syslog --year 2015 --format tsv "$@" big.log soon.log jan.log; }
tsv -j 1 > one.tsv
# Events per file and year, then the lines around big.log's midnight.
awk -F '\t' 'NR > 1 { n[$3 " " substr($1, 1, 4)]++ } END { for (k in n) print k, n[k] }' one.tsv | sort
awk -F '\t' '$3 == "big.log" && $4 >= 25919 && $4 <= 25925 { print $4, $1, $5 }' one.tsv
awk -F '\t' '$3 == "soon.log" && $4 <= 4 || $3 == "jan.log" { print $3, $4, $1 }' one.tsv
tsv -j 2 > many.tsv
cmp one.tsv many.tsv && echo "tsv -j 2: same"
tsv > many.tsv
cmp one.tsv many.tsv && echo "tsv, default -j: same"
json() { bk-parse -f syslog --year 2015 --format json --summary --keep-unparsed "$@" big.log soon.log jan.log; }
json -j 1 > one.json
json -j 2 > many.json
cmp one.json many.json && echo "json -j 2: same"
bk-parse -f syslog --year 2015 --format text --summary -j 2 big.log soon.log jan.log | grep -v '^[a-z.]*:[0-9]'
