# The exit status for cron: 3 when an alert or finding is at --fail-on's
# severity or above (default high), else 0; 2 for a usage error.
d=$BK_SRCDIR/tests/cli/bk-report
status() { "$@" >/dev/null && echo "$*: 0" || echo "$*: $?"; }
cd "$d"
status bk-report --format json access-alerts.ndjson
status bk-report --format json --fail-on critical access-alerts.ndjson
status bk-report --format json --fail-on critical access-alerts.ndjson exfil-alerts.ndjson
status bk-report --format json --fail-on medium inventory.ndjson summaries.ndjson
status bk-report --format json --fail-on critical findings.ndjson
status bk-report --format json --fail-on low /dev/null
status bk-report --fail-on severe /dev/null 2>/dev/null
