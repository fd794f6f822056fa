# Bad lines and records that break the contract are reported as FILE:LINE,
# skipped, and counted; the report is still written; exit 2 at the end.
# Records of other kinds (event) are ignored.
cp "$BK_SRCDIR/tests/cli/bk-report/bad.ndjson" .
bk-report --format json bad.ndjson missing.ndjson || echo "exit $?"
