# A compressed file read while it is still being written (logrotate's
# compress running during the scan): the run reports the cut, holds back the
# cut last line, and the next run goes on from the last whole line.
seq 1 5000 | sed 's/^/line /' > full
gzip -n -c full > access.log.1.gz
cp access.log.1.gz whole.gz
head -c $(($(wc -c < whole.gz) / 2)) whole.gz > access.log.1.gz
bk-cat --state st access.log.1.gz > first 2> err || echo "first run: $?"
# ISA-L and zlib stop a byte apart inside a cut deflate block.
sed 's/after [0-9]* bytes/after N bytes/' err
cp whole.gz access.log.1.gz
bk-cat --state st access.log.1.gz > second
cat first second | cmp - full && echo "every line exactly once"
tail -n 1 first | grep -q '^line [0-9]*$' && echo "first run ends on a whole line"
