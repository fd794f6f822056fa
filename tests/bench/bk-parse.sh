#!/bin/sh
# bk-parse benchmark: throughput against the tools a responder would use
# otherwise on an nginx access log, measured in one run.
#
# Makes BK_BENCH_MB (default 1100) megabytes of realistic nginx combined
# logs (API, static and search requests, logged-in users now and then,
# three user agents, 404s and 304s), then prints MB/s, lines/s and ratios for
#   bk-parse -f nginx --format tsv   vs  awk '{print $1, $4, $7, $9, $10}'
#   (mawk, Debian's default awk, and gawk when installed), bk-parse with
#   one thread (-j 1) and with its default -j (the online CPUs, at most 8;
#   BK_BENCH_JOBS sets another): the DESIGN's "work split across cores where
#   it pays". The target is judged on the default, the one-thread ratio is
#   printed beside it;
#   bk-parse -f nginx --format json (default -j) vs jq -c . merely reading
#   that NDJSON (jq gets a tenth of it, scaled: it is slow);
# and bk-parse's peak RSS with one thread and with the default -j. Each
# round runs every command once, in turn, and each keeps its best of
# BK_BENCH_RUNS (default 3) rounds: the machines are shared and noisy, and
# taking turns lets a busy spell hurt every command alike. Ratios, not
# absolute times.
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

# The default -j, as bk-parse works it out; BK_BENCH_JOBS passes one.
if [ -n "${BK_BENCH_JOBS:-}" ]; then
	JOBS=$BK_BENCH_JOBS
	JOPT="-j $JOBS"
	JWHAT="-j $JOBS"
else
	JOBS=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
	[ "$JOBS" -le 8 ] || JOBS=8
	JOPT=
	JWHAT="default -j ($JOBS)"
fi

# time_once CMD...: one run's wall time in seconds, output to /dev/null.
time_once() {
	start=$(date +%s.%N)
	"$@" > /dev/null || [ $? -eq 1 ]
	end=$(date +%s.%N)
	calc "$end - $start"
}
# keep VAR SECONDS: VAR becomes the smaller of its value and SECONDS.
keep() {
	eval "cur=\${$1:-}"
	if [ -z "$cur" ] || [ "$(calc "$2 < $cur")" = 1 ]; then eval "$1=$2"; fi
}

t_tsv= t_tsvj= t_mawk= t_gawk= t_json= t_jq=
round=0
while [ $round -lt "$RUNS" ]; do
	keep t_tsv "$(time_once "$BKPARSE" --no-progress -j 1 -f nginx --format tsv "$LOG")"
	# shellcheck disable=SC2086
	keep t_tsvj "$(time_once "$BKPARSE" --no-progress $JOPT -f nginx --format tsv "$LOG")"
	keep t_mawk "$(time_once mawk '{print $1, $4, $7, $9, $10}' "$LOG")"
	if command -v gawk >/dev/null; then
		keep t_gawk "$(time_once gawk '{print $1, $4, $7, $9, $10}' "$LOG")"
	fi
	# shellcheck disable=SC2086
	keep t_json "$(time_once "$BKPARSE" --no-progress $JOPT -f nginx --format json "$LOG")"
	keep t_jq "$(time_once jq -c . "$DIR/nginx-tenth.json")"
	round=$((round + 1))
done
rss1=$(rss_kib "$BKPARSE" --no-progress -j 1 -f nginx --format tsv "$LOG")
# shellcheck disable=SC2086
rsst=$(rss_kib "$BKPARSE" --no-progress $JOPT -f nginx --format tsv "$LOG")
# shellcheck disable=SC2086
rssj=$(rss_kib "$BKPARSE" --no-progress $JOPT -f nginx --format json "$LOG")

lps() { awk "BEGIN { printf \"%.2f\", $1 / $2 / 1000000 }"; }
echo "bk-parse benchmark: $bytes bytes, $lines lines of nginx combined log, best of $RUNS rounds"
printf '%-52s %10s %12s\n' "command" "MB/s" "Mlines/s"
printf '%-52s %10s %12s\n' "bk-parse -j 1 -f nginx --format tsv" "$(mbps "$bytes" "$t_tsv")" "$(lps "$lines" "$t_tsv")"
printf '%-52s %10s %12s\n' "bk-parse -f nginx --format tsv, $JWHAT" "$(mbps "$bytes" "$t_tsvj")" "$(lps "$lines" "$t_tsvj")"
printf '%-52s %10s %12s\n' "mawk '{print \$1, \$4, \$7, \$9, \$10}'" "$(mbps "$bytes" "$t_mawk")" "$(lps "$lines" "$t_mawk")"
if [ -n "${t_gawk:-}" ]; then
	printf '%-52s %10s %12s\n' "gawk '{print \$1, \$4, \$7, \$9, \$10}'" "$(mbps "$bytes" "$t_gawk")" "$(lps "$lines" "$t_gawk")"
fi
printf '%-52s %10s %12s\n' "bk-parse -f nginx --format json, $JWHAT" "$(mbps "$bytes" "$t_json")" "$(lps "$lines" "$t_json")"
# jq's rate in log lines: the NDJSON of a tenth of the log, scaled.
jq_lines=$(wc -l < "$DIR/nginx-tenth.json")
printf '%-52s %10s %12s\n' "jq -c . (NDJSON of a tenth, log MB/s)" "$(mbps "$tenth" "$t_jq")" "$(lps "$jq_lines" "$t_jq")"

r_awk1=$(ratio "$t_mawk" "$t_tsv")
r_awk=$(ratio "$t_mawk" "$t_tsvj")
r_jq=$(calc "($lines / $t_json) / ($jq_lines / $t_jq)")
echo "ratio bk-parse tsv / mawk:     $r_awk with $JWHAT (target >= 2.0), $r_awk1 with -j 1"
printf 'ratio bk-parse json / jq:      %.2f with %s (target >= 1.5; jq read %s bytes of JSON)\n' "$r_jq" "$JWHAT" "$json_bytes"
echo "peak RSS bk-parse: $rss1 KiB tsv -j 1, $rsst KiB tsv and $rssj KiB json with $JWHAT (target < 65536)"

missed=0
[ "$(calc "$r_awk >= 2.0")" = 1 ] || { echo "MISSED: tsv vs mawk"; missed=1; }
[ "$(calc "$r_jq >= 1.5")" = 1 ] || { echo "MISSED: json vs jq"; missed=1; }
[ "$rss1" -lt 65536 ] && [ "$rsst" -lt 65536 ] && [ "$rssj" -lt 65536 ] ||
	{ echo "MISSED: memory"; missed=1; }
[ $missed = 0 ] && echo "all targets met"
exit $missed
