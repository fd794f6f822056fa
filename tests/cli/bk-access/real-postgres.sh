# PostgreSQL 15 + pgaudit's own log (tests/data/real): read raw with -f and
# the prefix of its postgresql.conf, and as bk-parse's events: the same
# alerts. The planted reader clerk07 (127.0.0.77) walks ids 1001..1300 and
# dumps the table; truth.txt's pg.bulk_start/_end bound every alert. The
# normal clerks clerk01..05 (23 to 29 distinct ids each) raise nothing.
r=$BK_DATA/real
cp "$r"/postgresql.log .
prefix=$(sed -n "s/^log_line_prefix = '\(.*\)'\$/\1/p" "$r/postgresql.conf")
bk-access -f postgres --pg-prefix "$prefix" --format text postgresql.log
bk-access -f postgres --pg-prefix "$prefix" --format json postgresql.log > raw.json
bk-parse -f postgres --pg-prefix "$prefix" postgresql.log | bk-access --format json > events.json
cmp raw.json events.json && echo "raw log and events: the same alerts"
echo "-- json"
cat raw.json
echo "-- entities alerted"
sed 's/.*"actor":"\([^"]*\)","ip":"\([^"]*\)".*/\1 \2/' raw.json | sort | uniq -c
echo "-- inside truth's window"
sed -n 's/^pg\.bulk_\(start\|end\)=//p' "$r/truth.txt"
