# Log contents are an attacker's: control characters and bidirectional
# overrides never reach the terminal (shown as '?'), and HTML gets every
# string escaped (no element or attribute from the records).
d=$BK_SRCDIR/tests/cli/bk-report
bk-report --format text --fail-on critical "$d/evil.ndjson" | grep -E 'script|read |img' || true
bk-report --format html --fail-on critical "$d/evil.ndjson" >r.html
grep -c '<script' r.html || true
grep -c 'onerror=alert(3)>' r.html || true
grep -c '&lt;script&gt;alert(1)&lt;/script&gt;' r.html
grep -o 'read ?\[31mred?\[0m &amp; ?gnp.exe &lt;b&gt;bold&lt;/b&gt;?' r.html | head -n 1
grep -o '10.0.0.1&quot; onmouseover=&quot;x' r.html | head -n 1
