#!/bin/sh
# bk-exfil benchmark: throughput against awk summing bytes per
# source -> destination pair on the same Squid log, measured in one run.
#
# Makes BK_BENCH_LINES (default 10,000,000) lines of Squid's native log
# (%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru ...) with a %>st request size
# appended (as sites that log uploads do): 2,000 workstations browsing 400
# sites over a day with bursty timing, plus planted activity - three
# beacons (every 60 s +- 5 s, every 300 s, every 17 s with gaps) and two
# uploaders (.rar parts to a host no one else uses; large POSTs at night).
# Then prints events/s and the ratio for
#   bk-exfil -f squid --format json   (every detector on)
#   mawk '{ b[$3 " " $7] += $NF } END { for (k in b) print k, b[k] }'
# and bk-exfil's peak RSS with the number of pairs, and checks that the
# planted activity was found.
# Best of BK_BENCH_RUNS (default 3). Target: >= 3 x mawk.
# Exits 1 if the target was missed or a planted incident was not found.
set -eu

: "${BK_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$(dirname "$0")/lib.sh"
EXFIL=$BK_BUILDDIR/tools/bk-exfil
LINES=${BK_BENCH_LINES:-10000000}
RUNS=${BK_BENCH_RUNS:-3}
DIR=${BK_BENCH_DIR:-${TMPDIR:-/tmp}/bk-bench}
LOG=$DIR/squid-exfil-$LINES.log

[ -x "$EXFIL" ] || { echo "bk-exfil.sh: build first ($EXFIL missing)" >&2; exit 2; }
command -v mawk >/dev/null || { echo "bk-exfil.sh: needs mawk" >&2; exit 2; }
mkdir -p "$DIR"

# Park and Miller's generator in awk's doubles: the same log every time.
gen_log() {
	mawk -v lines="$LINES" '
	function rnd(n) { seed = (seed * 48271) % 2147483647; return int(seed / 2147483647 * n) }
	function line(t, ip, meth, url, req, resp, mime) {
		printf "%.3f %6d %s TCP_MISS/200 %d %s %s - HIER_DIRECT/203.0.113.%d %s %d\n",
		    t, rnd(900) + 10, ip, resp, meth, url, rnd(250) + 1, mime, req
	}
	BEGIN {
		seed = 4711
		t0 = 1795305600	# 2026-11-22T00:00:00Z
		planted = 0
		for (i = 0; i < lines; i++) {
			# The planted traffic, about one line in a hundred and fifty.
			if (i % 150 == 0) {
				k = int(i / 150)
				if (k % 4 == 0 && bt1 < 86400) {
					bt1 += 55 + rnd(11)
					line(t0 + bt1, "10.1.7.77", "GET", "http://cdn-metrics.example.org/pixel.gif", 310, 290, "image/gif")
					continue
				}
				if (k % 4 == 1 && bt2 < 86400) {
					bt2 += 300
					line(t0 + bt2, "10.1.9.23", "GET", "http://telemetry.bad.example/c", 280, 120, "text/plain")
					continue
				}
				if (k % 4 == 2 && bt3 < 86400) {
					bt3 += 17
					if (int(bt3 / 3600) % 8 == 3) bt3 += 3600
					line(t0 + bt3, "10.1.4.4", "POST", "http://api.c2.example/u", 600, 90, "text/plain")
					continue
				}
				if (k % 4 == 3 && up < 23) {
					up++
					line(t0 + 4200 + up * 230, "10.2.3.4", "POST", "http://203.0.113.7/up/data.part" up ".rar", 83000000, 300, "text/plain")
					continue
				}
			}
			t = t0 + i * 86400 / lines
			ip = "10.0." int(rnd(2000) / 250) "." rnd(250) + 1
			site = rnd(400)
			if (rnd(10) < 6) site = rnd(20)
			if (rnd(1000) == 0) {
				line(t, ip, "POST", "http://www" site ".example.com/form", 1200 + rnd(8000), 500, "text/html")
				continue
			}
			line(t, ip, "GET", "http://www" site ".example.com/page/" rnd(5000), 350 + rnd(300), 2000 + rnd(60000), "text/html")
		}
	}'
}

if [ ! -s "$LOG" ]; then
	echo "generating $LINES Squid lines in $LOG ..."
	gen_log > "$LOG"
fi
bytes=$(wc -c < "$LOG")
lines=$(wc -l < "$LOG")
echo "input: $lines lines, $(calc "$bytes / 1000000") MB"

EXFIL_ARGS="-f squid --format json"
t_bk=$(BENCH_OUT=$DIR/exfil.out best_of "$EXFIL" $EXFIL_ARGS "$LOG")
t_awk=$(best_of mawk '{ b[$3 " " $7] += $NF } END { for (k in b) print k, b[k] }' "$LOG")
rss=$(rss_kib "$EXFIL" $EXFIL_ARGS "$LOG")

echo "bk-exfil (all detectors): $t_bk s, $(calc "int($lines / $t_bk)") events/s"
echo "mawk (bytes per pair):    $t_awk s, $(calc "int($lines / $t_awk)") events/s"
r=$(ratio "$t_awk" "$t_bk")
echo "ratio bk-exfil/mawk: $r (target >= 3)"
# Source -> destination-host pairs, to put the memory in proportion.
pairs=$(mawk '{ split($7, u, "/"); k = $3 " " u[3]; if (!(k in seen)) { seen[k]; n++ } }
	END { print n + 0 }' "$LOG")
echo "bk-exfil peak RSS: $(calc "int($rss / 1024)") MiB for $pairs pairs" \
	"($(calc "int($rss * 1024 / $pairs)") bytes a pair, samples included)"

status=0
for want in '"ip":"10.2.3.4","dst":"203.0.113.7"' \
	'"detector":"beacon","severity":"[a-z]*","score":[0-9.]*,"ip":"10.1.7.77"' \
	'"ip":"10.1.9.23","dst":"telemetry.bad.example"' '"ip":"10.1.4.4","dst":"api.c2.example"'; do
	if grep -q "$want" "$DIR/exfil.out"; then
		echo "found: $want"
	else
		echo "MISSED: $want"; status=1
	fi
done
echo "alerts: $(wc -l < "$DIR/exfil.out")"
[ "$(calc "$r >= 3")" = 1 ] || status=1
exit $status
