# split -> --emit-state each -> --merge gives what one pass gives: the real
# logs' events cut in five, each part its own state, merged in reverse order.
r=$BK_DATA/real
cp "$r"/postgresql.log "$r"/nginx-combined.log .
prefix=$(sed -n "s/^log_line_prefix = '\(.*\)'\$/\1/p" "$r/postgresql.conf")
{
	bk-parse -f postgres --pg-prefix "$prefix" postgresql.log
	bk-parse -f nginx nginx-combined.log
} > events.json
bk-access --format json --summary events.json > one.json
split -l 300 events.json part.
for p in part.*; do
	bk-access --emit-state "$p" > "$p.state"
done
ls part.*.state | wc -l
ls part.*.state | sort -r | xargs cat | bk-access --merge --format json --summary > merged.json
cmp one.json merged.json && echo "merged = one pass"
grep -c '"type":"alert"' merged.json
# The state records say what they are.
head -n 1 part.aa.state | cut -c 1-80
# A state record without --merge is an error; so is a bad one.
bk-access part.aa.state > /dev/null || echo "status $?"
echo '{"type":"state","tool":"bk-access","version":1,"kind":"bucket","actor":"x"}' |
	bk-access --merge || echo "status $?"
