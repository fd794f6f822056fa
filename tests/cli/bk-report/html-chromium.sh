# The HTML report as a browser shows it: headless Chromium (Debian's
# chromium, no network, no sandbox as root in CI) loads the page with no
# console message (a Content-Security-Policy violation or any error would
# be one), and the DOM it built has the charts' elements: one row per
# entity or alerted entity, one span per alert, one bar per destination.
# Skipped when Chromium is not installed.
browser=
for b in chromium chromium-browser google-chrome; do
	command -v "$b" >/dev/null 2>&1 && { browser=$b; break; }
done
[ -n "$browser" ] || { echo "chromium not installed" >&2; exit 77; }
d=$BK_SRCDIR/tests/cli/bk-report
cat "$d"/access-alerts.ndjson "$d"/exfil-alerts.ndjson "$d"/findings.ndjson "$d"/inventory.ndjson \
	"$d"/summaries.ndjson "$d"/evil.ndjson | bk-report -o report.html || echo "bk-report: exit $?"
run() {
	HOME=$PWD timeout 120 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
		--no-default-browser-check --disable-extensions --disable-background-networking \
		--disable-sync --disable-component-update --proxy-server=127.0.0.1:9 \
		--user-data-dir="$PWD/profile" --enable-logging=stderr --v=0 "$@" \
		"file://$PWD/report.html" 2>>chromium.log
}
run --dump-dom >dom.html
run --window-size=1200,2600 --screenshot="$PWD/report.png" >/dev/null
[ -s report.png ] && echo "screenshot taken"
# What the page logged to the console (CSP violations, errors): nothing.
grep ':CONSOLE' chromium.log || echo "no console messages"
# What the browser built: the page's elements by class, and no element from the records.
grep -c '<script' dom.html || true
grep -o 'class="[^"]*"' dom.html | sed 's/class="//; s/"//' | tr ' ' '\n' | grep '^bk-' |
	sort | uniq -c
if [ -n "${BK_KEEP_SCREENSHOT:-}" ]; then cp report.png report.html "$BK_KEEP_SCREENSHOT"/; fi
