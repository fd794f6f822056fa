# logrotate copytruncate: the copy holds the unread tail, the truncated
# original starts afresh.
printf 'x1\nx2\n' > app.log
bk-cat --rotated --state st app.log*
printf 'x3\n' >> app.log
cp app.log app.log.1
: > app.log
printf 'y1\n' >> app.log
echo "-- after rotation"
bk-cat -H --rotated --state st app.log*
