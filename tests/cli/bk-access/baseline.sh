# --learn on the quiet part (the clerks' morning, before clerk07 starts),
# then scoring everything against it: the figures stated beside the
# baseline, the peer median for clerk07 who has none of its own, and
# new-access for the table it never touched. The file is mode 0600.
r=$BK_DATA/real
cp "$r"/postgresql.log .
prefix=$(sed -n "s/^log_line_prefix = '\(.*\)'\$/\1/p" "$r/postgresql.conf")
bk-parse -f postgres --pg-prefix "$prefix" postgresql.log > events.json
first=$(grep -n '"actor":"clerk07"' events.json | head -n 1 | cut -d: -f1)
head -n $((first - 1)) events.json > quiet.json
bk-access --learn --baseline base.txt --window 4s quiet.json
echo "status $?"
stat -c %a base.txt
grep -c '^entity' base.txt
grep '^peer' base.txt
grep '^seen' base.txt
bk-access --baseline base.txt --window 4s --threshold 50 --format text events.json
echo "status $?"
bk-access --baseline /nonexistent/base.txt events.json || echo "status $?"
bk-access --learn events.json || echo "status $?"
