# Sensitive tables from bk-records/bk-scan output: a dump of "staff" is a
# full-read only once an inventory says staff holds personal data. Bad
# input lines are reported with their line and the rest is still read.
cat > events.json <<'E'
{"type":"event","ts":"2026-01-05T10:00:00.000Z","format":"postgres","file":"db.log","line":7,"actor":"ops","ip":"10.1.1.1","action":"export","object":"hr.staff","stmt":"copy-out","where":false}
not json
{"type":"finding","file":"x"}
{"type":"event","ts":"2026-01-05T10:00:01.000Z","format":"postgres","file":"db.log","line":9,"actor":"ops","ip":"10.1.1.1","action":"read","object":"staff","rows":800,"stmt":"select","where":false}
E
bk-access --format text events.json || echo "status $?"
echo '{"type":"inventory","file":"exports/staff.csv","table":"hr.staff","rows":800}' > inv.json
bk-access --sensitive-from inv.json --format text events.json || echo "status $?"
