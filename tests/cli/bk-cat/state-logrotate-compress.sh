# logrotate create+compress: lines written after the last run but before the
# rotation are read from the compressed file, then the new file; nothing twice.
printf 'a1\na2\n' > access.log
bk-cat --rotated --state st access.log*
printf 'a3\n' >> access.log
mv access.log access.log.1
gzip access.log.1
printf 'b1\n' > access.log
echo "-- after rotation"
bk-cat --rotated --state st access.log*
echo "-- again"
bk-cat --rotated --state st access.log*
