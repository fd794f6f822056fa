# Squid 5.7's own logs (tests/data/real): the native format, and the site's
# logformat bkx from its squid.conf, which adds %>st (the request size, so
# uploads show) and the User-Agent. Nothing unparsed, every request an event,
# and clerk07's PC's uploads with their sizes: truth.txt's 9437184 body
# bytes plus 240 bytes of request headers each.
r=$BK_DATA/real
cp "$r"/squid-access.log "$r"/squid-custom.log .
bk-parse -f squid squid-access.log > n.json
bk-parse --squid-conf "$r/squid.conf" --log-format bkx squid-custom.log > c.json
wc -l < squid-access.log
wc -l < n.json
wc -l < c.json
echo "-- the first upload, native (no request size) and bkx"
grep -F '"line":22,' n.json
grep -F '"line":22,' c.json
echo "-- uploads to upload.example.net: count and bytes_in"
grep -F '"dst":"upload.example.net","action":"upload"' c.json |
	sed 's/.*"bytes_in":\([0-9]*\),.*/\1/' | awk '{ n++; s += $1 } END { print n, s }'
echo "-- the denied site and the beacons"
grep -F '"status":403' c.json
grep -c -F '"ip":"127.0.0.77","dst":"cdn-metrics.example.org","action":"read","object":"/pixel.gif"' c.json
