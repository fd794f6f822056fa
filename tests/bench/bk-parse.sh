#!/bin/sh
# bk-parse benchmark: throughput against the tools a responder would use
# otherwise on an nginx access log, measured in one run.
#
# Makes BK_BENCH_MB (default 1100) megabytes of realistic nginx combined
# logs (API, static and search requests, logged-in users now and then,
# three user agents, 404s and 304s), then prints MB/s, lines/s and ratios for
#   bk-parse -f nginx --format tsv   vs  awk '{print $1, $4, $7, $9, $10}'
#   (mawk, Debian's default awk, and gawk when installed), bk-parse with one
#   thread and with -j (BK_BENCH_JOBS, default the number of cores: the
#   DESIGN's "work split across cores where it pays"; the target is judged
#   on -j, the one-thread ratio is printed beside it);
#   bk-parse -f nginx --format json  vs  jq -c . merely reading that NDJSON
#   (jq gets a tenth of it, scaled: it is slow);
# and bk-parse's peak RSS. Best of BK_BENCH_RUNS (default 3). Ratios, not
# absolute times: the machines are shared and noisy.
# Targets: tsv >= 2 x mawk; json >= 1.5 x jq; peak RSS < 64 MiB.
# Exits 1 if a target was missed.
set -eu

: "${BK_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
BKPARSE=$BK_BUILDDIR/tools/bk-parse
MB=${BK_BENCH_MB:-1100}
RUNS=${BK_BENCH_RUNS:-3}
DIR=${BK_BENCH_DIR:-${TMPDIR:-/tmp}/bk-bench}
LOG=$DIR/nginx-access-$MB.log

[ -x "$BKPARSE" ] || { echo "bk-parse.sh: build first ($BKPARSE missing)" >&2; exit 2; }
for t in mawk jq; do
	command -v $t >/dev/null || { echo "bk-parse.sh: needs $t (apt-get install $t)" >&2; exit 2; }
done
mkdir -p "$DIR"

# A deterministic generator (Park and Miller's, exact in awk's doubles, its
# high bits used) drives everything, so runs are comparable.
gen_log() {
	mawk -v target=$((MB * 1000000)) '
	function rnd(n) { seed = (seed * 48271) % 2147483647; return int(seed / 2147483647 * n) }
	BEGIN {
		seed = 4711
		split("/api/persons/ /records/person/ /static/app.js /index.html /api/search?q= /img/logo.png /api/pension/ /api/persons/search?id=", paths, " ")
		split("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.109 Safari/537.36|curl/7.88.1|Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0", agents, "|")
		split("200 200 200 200 304 404 200 302", codes, " ")
		split("- - - - - - alice bob", users, " ")
		split("https://intra.example.jp/ - - https://intra.example.jp/search", refs, " ")
		split("GET GET GET GET GET POST GET HEAD", methods, " ")
		size = 0; t = 0
		while (size < target) {
			r = rnd(2147483647)
			p = paths[r % 8 + 1]
			if (p ~ /\/$|=$/) p = p (r % 2000000 + 1)
			t += (r % 3 == 0)
			c = codes[r % 8 + 1]
			line = sprintf("10.%d.%d.%d - %s [%02d/May/2015:%02d:%02d:%02d +0900] \"%s %s HTTP/1.1\" %s %d \"%s\" \"%s\"",
			    r % 8, int(r / 8) % 256, int(r / 2048) % 254 + 1, users[int(r / 7) % 8 + 1],
			    int(t / 86400) % 28 + 1, int(t / 3600) % 24, int(t / 60) % 60, t % 60,
			    methods[int(r / 3) % 8 + 1], p, c, c == 304 ? 0 : int(r / 7) % 90000 + 100,
			    refs[int(r / 5) % 4 + 1], agents[r % 3 + 1])
			print line
			size += length(line) + 1
		}
	}' > "$LOG.tmp" && mv "$LOG.tmp" "$LOG"
}

[ -s "$LOG" ] || { echo "generating $MB MB of nginx access log in $DIR ..." >&2; gen_log; }

. "$(dirname "$0")/lib.sh"

bytes=$(wc -c < "$LOG")
lines=$(wc -l < "$LOG")
# The NDJSON jq reads: bk-parse's own output for a tenth of the log.
head -c $((bytes / 10)) "$LOG" | sed '$d' > "$DIR/nginx-tenth.log"
tenth=$(wc -c < "$DIR/nginx-tenth.log")
"$BKPARSE" -f nginx --format json "$DIR/nginx-tenth.log" > "$DIR/nginx-tenth.json"
json_bytes=$(wc -c < "$DIR/nginx-tenth.json")

t_tsv=$(best_of "$BKPARSE" --no-progress -f nginx --format tsv "$LOG")
# The same with the file's lines shared out to as many threads as there are cores.
JOBS=${BK_BENCH_JOBS:-$(nproc 2>/dev/null || echo 2)}
t_tsvj=$(best_of "$BKPARSE" --no-progress -j "$JOBS" -f nginx --format tsv "$LOG")
t_mawk=$(best_of mawk '{print $1, $4, $7, $9, $10}' "$LOG")
if command -v gawk >/dev/null; then
	t_gawk=$(best_of gawk '{print $1, $4, $7, $9, $10}' "$LOG")
fi
t_json=$(best_of "$BKPARSE" --no-progress -f nginx --format json "$LOG")
t_jq=$(best_of jq -c . "$DIR/nginx-tenth.json")
rss=$(rss_kib "$BKPARSE" --no-progress -f nginx --format json "$LOG")
rssj=$(rss_kib "$BKPARSE" --no-progress -j "$JOBS" -f nginx --format tsv "$LOG")

lps() { awk "BEGIN { printf \"%.2f\", $1 / $2 / 1000000 }"; }
echo "bk-parse benchmark: $bytes bytes, $lines lines of nginx combined log, best of $RUNS"
printf '%-40s %10s %12s\n' "command" "MB/s" "Mlines/s"
printf '%-40s %10s %12s\n' "bk-parse -f nginx --format tsv" "$(mbps "$bytes" "$t_tsv")" "$(lps "$lines" "$t_tsv")"
printf '%-40s %10s %12s\n' "bk-parse -j $JOBS -f nginx --format tsv" "$(mbps "$bytes" "$t_tsvj")" "$(lps "$lines" "$t_tsvj")"
printf '%-40s %10s %12s\n' "mawk '{print \$1, \$4, \$7, \$9, \$10}'" "$(mbps "$bytes" "$t_mawk")" "$(lps "$lines" "$t_mawk")"
if [ -n "${t_gawk:-}" ]; then
	printf '%-40s %10s %12s\n' "gawk '{print \$1, \$4, \$7, \$9, \$10}'" "$(mbps "$bytes" "$t_gawk")" "$(lps "$lines" "$t_gawk")"
fi
printf '%-40s %10s %12s\n' "bk-parse -f nginx --format json" "$(mbps "$bytes" "$t_json")" "$(lps "$lines" "$t_json")"
# jq's rate in log lines: the NDJSON of a tenth of the log, scaled.
jq_lines=$(wc -l < "$DIR/nginx-tenth.json")
printf '%-40s %10s %12s\n' "jq -c . (NDJSON of a tenth, log MB/s)" "$(mbps "$tenth" "$t_jq")" "$(lps "$jq_lines" "$t_jq")"

r_awk1=$(ratio "$t_mawk" "$t_tsv")
r_awk=$(ratio "$t_mawk" "$t_tsvj")
r_jq=$(calc "($lines / $t_json) / ($jq_lines / $t_jq)")
echo "ratio bk-parse tsv / mawk:     $r_awk1 with one thread, $r_awk with -j $JOBS (target >= 2.0)"
printf 'ratio bk-parse json / jq:      %.2f (target >= 1.5; jq read %s bytes of JSON)\n' "$r_jq" "$json_bytes"
echo "peak RSS bk-parse: $rss KiB, $rssj KiB with -j $JOBS (target < 65536)"

missed=0
[ "$(calc "$r_awk >= 2.0")" = 1 ] || { echo "MISSED: tsv vs mawk"; missed=1; }
[ "$(calc "$r_jq >= 1.5")" = 1 ] || { echo "MISSED: json vs jq"; missed=1; }
[ "$rss" -lt 65536 ] && [ "$rssj" -lt 65536 ] || { echo "MISSED: memory"; missed=1; }
[ $missed = 0 ] && echo "all targets met"
exit $missed
