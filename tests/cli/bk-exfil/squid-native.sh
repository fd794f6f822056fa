# Squid's native log from a real server (tests/data/real): the 8 beacons of
# 127.0.0.77 are found; its 3 uploads show only as uploads to a destination
# no other host uses (the native format logs no request sizes, and Squid cut
# the ".rar" query off); the five clerks' ordinary traffic raises nothing.
bk-exfil -f squid --format text "$BK_DATA/real/squid-access.log"
