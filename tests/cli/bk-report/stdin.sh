# Standard input with '-' or no file at all; text by default with -o NAME.txt.
d=$BK_SRCDIR/tests/cli/bk-report
bk-report --format json <"$d/access-alerts.ndjson" | head -c 120; echo
bk-report --format json - <"$d/exfil-alerts.ndjson" | head -c 120; echo
bk-report -o report.txt <"$d/access-alerts.ndjson" || echo "exit $?"
head -n 4 report.txt
