# The text report over alerts of both detectors, findings, inventories and
# summaries: ranked incidents, timeline, entities, exposures, destinations.
# A critical alert reaches the default --fail-on (high): exit 3.
d=$BK_SRCDIR/tests/cli/bk-report
bk-report --format text "$d/access-alerts.ndjson" "$d/exfil-alerts.ndjson" "$d/findings.ndjson" \
	"$d/inventory.ndjson" "$d/summaries.ndjson"
