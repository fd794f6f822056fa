# bk-scan finds the planted personal data in the three exports (UTF-8 CSV,
# CP932 CSV with CRLF, pg_dump --inserts): per file and rule, findings and
# distinct values, as samples/README.md states them.
cd "$BK_SRCDIR/samples"
bk-scan --summary --format tsv -r exports | LC_ALL=C sort
