# The parser derived from the servers' own format directives: nginx
# log_format (include lines followed, escape=json), Apache LogFormat
# (continued lines, \" quoting), Squid logformat (%>st: upload volume).
d=$BK_DATA/formats
cp "$d"/nginx-main.log "$d"/nginx-timing.log "$d"/nginx-json.log "$d"/squid-withsize.log .
bk-parse --format json --nginx-conf "$d/nginx-conf/nginx.conf" --log-format main nginx-main.log
bk-parse --format json --nginx-conf "$d/nginx-conf/nginx.conf" --log-format timing nginx-timing.log
bk-parse --format json --nginx-conf "$d/nginx-conf/nginx.conf" --log-format jsonlog nginx-json.log
bk-parse --format json --squid-conf "$d/squid.conf" --log-format withsize squid-withsize.log
echo "-- a format string, Apache's notation from -f"
printf '192.0.2.9 - - [22/Nov/2026:10:00:00 +0900] "GET /x HTTP/1.1" 200 - 1234\n' > a.log
bk-parse --format json -f apache --log-format '%h %l %u %t \"%r\" %>s %b %D' a.log
echo "-- Apache's LogFormat from its config: a continued line, %{...}t, %I, %O, %D"
cp "$d/apache-io.log" .
bk-parse --format json --apache-conf "$d/apache2.conf" --log-format io --tz Asia/Tokyo apache-io.log
