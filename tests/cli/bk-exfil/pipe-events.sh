# Events from bk-parse give the same alerts as reading the raw log.
cd "$BK_DATA/real"
bk-parse --squid-conf squid.conf --log-format bkx --format json squid-custom.log > ev.ndjson
bk-exfil --squid-conf squid.conf --log-format bkx --format json squid-custom.log > raw.out
bk-exfil --format json ev.ndjson > pipe.out
cmp raw.out pipe.out && echo same
rm -f ev.ndjson raw.out pipe.out
