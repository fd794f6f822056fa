# --format json: one summary record with the same content, for machines.
d=$BK_SRCDIR/tests/cli/bk-report
cat "$d/summaries.ndjson" "$d/inventory.ndjson" "$d/findings.ndjson" "$d/exfil-alerts.ndjson" \
	"$d/access-alerts.ndjson" | bk-report --format json
