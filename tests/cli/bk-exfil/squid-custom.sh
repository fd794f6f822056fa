# The same run's custom log with %>st (request sizes): the 3 uploads,
# 9,437,184 body bytes plus 240 bytes of headers each, are an archive-upload
# incident to a destination no other host uses; the beacon as before.
cd "$BK_DATA/real"
bk-exfil --squid-conf squid.conf --log-format bkx --format json squid-custom.log
