# A compressed file read while it is still being written (logrotate's
# compress running during the scan): the run reports the cut, holds back the
# cut last line, and the next run goes on from the last whole line.
seq 1 5000 | sed 's/^/line /' > full
gzip -n -c full > access.log.1.gz
cp access.log.1.gz whole.gz
head -c 12000 whole.gz > access.log.1.gz
bk-cat --state st access.log.1.gz > first || echo "first run: $?"
cp whole.gz access.log.1.gz
bk-cat --state st access.log.1.gz > second
cat first second | cmp - full && echo "every line exactly once"
tail -n 1 first | grep -q '^line [0-9]*$' && echo "first run ends on a whole line"
