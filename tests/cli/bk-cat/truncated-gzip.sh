# A cut gzip file gives up everything before the cut, says so, and the run
# goes on with the next input; the exit status is 2. The cut falls inside a
# second member, so what was decoded before it is exact.
seq 1 100 | gzip -c > cut.gz
seq 101 200 | gzip -c | head -c 15 >> cut.gz
printf 'after\n' > next.log
bk-cat cut.gz next.log
