# --format html -o FILE: one self-contained page, mode 0600, a strict
# Content-Security-Policy, no scripts, nothing fetched, and the charts with
# one element per entity, alert and destination (counted by class).
d=$BK_SRCDIR/tests/cli/bk-report
cat "$d"/access-alerts.ndjson "$d"/exfil-alerts.ndjson "$d"/findings.ndjson "$d"/inventory.ndjson \
	"$d"/summaries.ndjson | bk-report -o report.html || echo "exit $?"
stat -c '%a' report.html
grep -o '<meta http-equiv="Content-Security-Policy" content="default-src '"'none'"'; style-src '"'sha256-[A-Za-z0-9+/=]*'"'; base-uri '"'none'"'; form-action '"'none'"'">' report.html | sed 's/sha256-[^'"'"']*/sha256-HASH/'
grep -c -i -E '<script|<link|<img|<iframe|src=|href=|url\(|@import' report.html || true
grep -o 'class="bk[^"]*"' report.html | sed 's/class="//; s/"//' | tr ' ' '\n' | grep '^bk-' | sort | uniq -c
