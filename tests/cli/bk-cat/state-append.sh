# With --state a second run reads only what was added; an unterminated last
# line waits until it is complete. The state file is private (0600).
printf 'l1\nl2\n' > app.log
bk-cat --state st app.log
echo "-- nothing new"
bk-cat --state st app.log
echo "-- appended, last line unfinished"
printf 'l3\nl4 partial' >> app.log
bk-cat --state st app.log
echo "-- finished"
printf ' done\n' >> app.log
bk-cat --state st app.log
stat -c %a st
