#!/bin/sh
# bk-access benchmark: events per second against the awk one-liner a
# responder would otherwise write, on the same data, measured in one run.
#
# Makes an nginx combined log of BK_BENCH_EVENTS (default 10,000,000)
# requests from BK_BENCH_ENTITIES (default 50,000) clients (each an address
# with an account), over a working week (4-8 May 2015, 08:00-20:00 UTC) in
# time order, mostly /api/persons/ID reads with a few static files, 404s and
# exports, and ten clients that walk ids in bulk; and bk-parse's NDJSON of
# it. Then prints events/s for
#   bk-access -f nginx LOG                 vs  mawk over LOG
#   bk-access EVENTS.json                  vs  mawk over EVENTS.json
# where the awk counts distinct ids per IP per hour (seen[ip,hour,id], the
# table emptied each hour so its memory stays bounded too) and prints the
# pairs at 200 or more - bulk-distinct's figure; bk-access runs every
# detector. Also bk-access's peak RSS (GNU time) beside its configured entity
# limit. Best of BK_BENCH_RUNS (default 3). Ratios, not absolute times: the
# machines are shared and noisy.
# Targets: both ratios >= 3; peak RSS < 1 GiB with 100,000 entities allowed.
# Exits 1 if a target was missed.
set -eu

: "${BK_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
BKACCESS=$BK_BUILDDIR/tools/bk-access
BKPARSE=$BK_BUILDDIR/tools/bk-parse
EVENTS=${BK_BENCH_EVENTS:-10000000}
ENTITIES=${BK_BENCH_ENTITIES:-50000}
RUNS=${BK_BENCH_RUNS:-3}
LIMIT=${BK_BENCH_LIMIT:-100000}
DIR=${BK_BENCH_DIR:-${TMPDIR:-/tmp}/bk-bench}
LOG=$DIR/access-week-$EVENTS-$ENTITIES.log
JSON=$DIR/access-week-$EVENTS-$ENTITIES.json

[ -x "$BKACCESS" ] || { echo "bk-access.sh: build first ($BKACCESS missing)" >&2; exit 2; }
command -v mawk >/dev/null || { echo "bk-access.sh: needs mawk" >&2; exit 2; }
mkdir -p "$DIR"

# A deterministic generator (Park and Miller's, exact in awk's doubles).
# Client k is 10.x.y.z with account uK; most clients read a few records an
# hour; one request in fifty comes from one of ten walkers (k = 7 mod 1000,
# below 10,000), each walking ids in order, over 300 an hour.
gen_log() {
	mawk -v n="$EVENTS" -v ents="$ENTITIES" '
	function rnd(m) { seed = (seed * 48271) % 2147483647; return int(seed / 2147483647 * m) }
	BEGIN {
		seed = 4711
		day = 12 * 3600
		for (i = 0; i < n; i++) {
			s = int(i / n * 5 * day)
			t = int(s / day) * 86400 + 3 * 86400 + 8 * 3600 + s % day
			r = rnd(1000)
			k = r < 20 ? 1000 * rnd(10) + 7 : rnd(ents)
			if (k % 1000 == 7)
				path = "/api/persons/" (100000 + k * 1000 + (walked[k]++) % 100000)
			else if (r < 850)
				path = "/api/persons/" (rnd(2000000) + 1)
			else if (r < 950)
				path = "/static/app.js"
			else if (r < 995)
				path = "/api/search?q=" rnd(1000)
			else
				path = "/export/persons.csv"
			code = r < 980 ? 200 : 404
			printf "10.%d.%d.%d - u%d [%02d/May/2015:%02d:%02d:%02d +0000] \"GET %s HTTP/1.1\" %d %d \"-\" \"curl/7.88.1\"\n",
			    int(k / 65536) % 256, int(k / 256) % 256, k % 256, k,
			    int(t / 86400) + 1, int(t / 3600) % 24, int(t / 60) % 60, t % 60,
			    path, code, 200 + r
		}
	}' > "$LOG.tmp" && mv "$LOG.tmp" "$LOG"
}

[ -s "$LOG" ] || { echo "generating $EVENTS requests from $ENTITIES clients in $DIR ..." >&2; gen_log; }
[ -s "$JSON" ] || { "$BKPARSE" --no-progress -f nginx --format json "$LOG" > "$JSON.tmp" &&
	mv "$JSON.tmp" "$JSON"; }

. "$(dirname "$0")/lib.sh"

# Distinct ids per address per hour: the raw log's fields, and the NDJSON's.
AWK_LOG='{ h = substr($4, 2, 14); if (h != last) { flush(); last = h }
	n = split($7, p, "/"); k = $1 SUBSEP p[n]; if (!(k in seen)) { seen[k] = 1; c[$1]++ } }
	function flush() { for (ip in c) if (c[ip] >= 200) print last, ip, c[ip]; delete seen; delete c }
	END { flush() }'
AWK_JSON='{ ip = ""; id = ""; ts = ""
	for (i = 2; i < NF; i += 2) {
		if ($i == "ip") ip = $(i + 2); else if ($i == "ts") ts = $(i + 2)
		else if ($i == "ids") { id = $(i + 2); break }
	}
	h = substr(ts, 1, 13); if (h != last) { flush(); last = h }
	if (id != "") { k = ip SUBSEP id; if (!(k in seen)) { seen[k] = 1; c[ip]++ } } }
	function flush() { for (x in c) if (c[x] >= 200) print last, x, c[x]; delete seen; delete c }
	END { flush() }'

bytes=$(wc -c < "$LOG")
jbytes=$(wc -c < "$JSON")
t_raw=$(BENCH_OUT=$DIR/alerts.json best_of "$BKACCESS" --no-progress -f nginx \
    --max-entities "$LIMIT" --format json "$LOG")
t_awk=$(BENCH_OUT=$DIR/pairs.txt best_of mawk "$AWK_LOG" "$LOG")
t_json=$(best_of "$BKACCESS" --no-progress --max-entities "$LIMIT" --format json "$JSON")
t_awkj=$(best_of mawk -F'"' "$AWK_JSON" "$JSON")
rss=$(rss_kib "$BKACCESS" --no-progress -f nginx --max-entities "$LIMIT" --format json "$LOG")
rssj=$(rss_kib "$BKACCESS" --no-progress --max-entities "$LIMIT" --format json "$JSON")
alerts=$(wc -l < "$DIR/alerts.json")
pairs=$(wc -l < "$DIR/pairs.txt")

eps() { awk "BEGIN { printf \"%.0f\", $1 / $2 }"; }
echo "bk-access benchmark: $EVENTS events from $ENTITIES clients, best of $RUNS"
echo "  raw log $bytes bytes, NDJSON $jbytes bytes"
printf '%-46s %12s %8s\n' "command" "events/s" "MB/s"
printf '%-46s %12s %8s\n' "bk-access -f nginx (raw log)" "$(eps "$EVENTS" "$t_raw")" "$(mbps "$bytes" "$t_raw")"
printf '%-46s %12s %8s\n' "mawk distinct ids per ip per hour (raw log)" "$(eps "$EVENTS" "$t_awk")" "$(mbps "$bytes" "$t_awk")"
printf '%-46s %12s %8s\n' "bk-access (NDJSON events)" "$(eps "$EVENTS" "$t_json")" "$(mbps "$jbytes" "$t_json")"
printf '%-46s %12s %8s\n' "mawk distinct ids per ip per hour (NDJSON)" "$(eps "$EVENTS" "$t_awkj")" "$(mbps "$jbytes" "$t_awkj")"
r_raw=$(ratio "$t_awk" "$t_raw")
r_json=$(ratio "$t_awkj" "$t_json")
echo "ratio bk-access / mawk, raw log: $r_raw (target >= 3.0)"
echo "ratio bk-access / mawk, NDJSON:  $r_json (target >= 3.0)"
echo "alerts: $alerts from bk-access; $pairs address-hours at 200+ from mawk"
echo "peak RSS bk-access: $rss KiB raw, $rssj KiB NDJSON (target < 1048576 KiB)"
echo "state limit: state.max_entities = $LIMIT (--max-entities; $ENTITIES entities in the data)," \
    "each distinct count exact to state.exact, then a HyperLogLog"

missed=0
[ "$(calc "$r_raw >= 3.0")" = 1 ] || { echo "MISSED: raw log vs mawk"; missed=1; }
[ "$(calc "$r_json >= 3.0")" = 1 ] || { echo "MISSED: NDJSON vs mawk"; missed=1; }
[ "$rss" -lt 1048576 ] && [ "$rssj" -lt 1048576 ] || { echo "MISSED: memory"; missed=1; }
[ $missed = 0 ] && echo "all targets met"
exit $missed
