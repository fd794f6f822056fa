#!/bin/sh
# bk-cat benchmark: throughput against the standard tools, in one run.
#
# Makes a realistic nginx access log of BK_BENCH_MB megabytes (default 1100,
# i.e. over 1 GiB; kept in BK_BENCH_DIR between runs), gzips it, then times
#   on the .gz:   bk-cat, zcat, pigz -dc
#   on the plain: bk-cat, cat
# each writing to /dev/null, best of BK_BENCH_RUNS (default 5) runs, and
# prints MB/s of decompressed output, the ratios the targets are stated in,
# and bk-cat's peak RSS. Ratios, not absolute times: the machines are shared.
# Targets: gzip >= 1.0 x pigz -dc; plain >= 0.9 x cat; peak RSS < 32 MiB.
# Exits 1 if a target was missed.
set -eu

: "${BK_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
BKCAT=$BK_BUILDDIR/tools/bk-cat
MB=${BK_BENCH_MB:-1100}
RUNS=${BK_BENCH_RUNS:-5}
DIR=${BK_BENCH_DIR:-${TMPDIR:-/tmp}/bk-bench}
LOG=$DIR/access-$MB.log

[ -x "$BKCAT" ] || { echo "bk-cat.sh: build first ($BKCAT missing)" >&2; exit 2; }
command -v pigz >/dev/null || { echo "bk-cat.sh: needs pigz (apt-get install pigz)" >&2; exit 2; }
mkdir -p "$DIR"

# A deterministic combined-format log: internal clients, person-record API
# walks, static files, a realistic spread of sizes, agents and statuses.
if [ ! -s "$LOG.gz" ]; then
	echo "generating $MB MB of access log in $DIR ..." >&2
	awk -v target=$((MB * 1000000)) 'BEGIN {
		seed = 12345
		split("/api/persons/ /records/person/ /static/app.js /index.html /api/search?q= /img/logo.png /api/pension/", paths, " ")
		split("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36|curl/7.88.1|Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0", agents, "|")
		split("200 200 200 200 304 404 200 302", codes, " ")
		split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", mon, " ")
		size = 0; t = 0
		while (size < target) {
			seed = (seed * 1103515245 + 12345) % 2147483648
			r = seed
			p = paths[r % 7 + 1]
			if (p ~ /\/$|=$/) p = p (r % 2000000 + 1)
			t += (r % 3 == 0)
			line = sprintf("10.%d.%d.%d - %s [%02d/May/2015:%02d:%02d:%02d +0900] \"GET %s HTTP/1.1\" %s %d \"-\" \"%s\"",
			    r % 8, (r / 8) % 256, (r / 2048) % 254 + 1, (r % 5 ? "-" : "tanaka.k"),
			    int(t / 86400) % 28 + 1, int(t / 3600) % 24, int(t / 60) % 60, t % 60,
			    p, codes[r % 8 + 1], (r / 7) % 90000 + 100, agents[r % 3 + 1])
			print line
			size += length(line) + 1
		}
	}' > "$LOG.tmp" && mv "$LOG.tmp" "$LOG"
	pigz -6 -c "$LOG" > "$LOG.gz.tmp" && mv "$LOG.gz.tmp" "$LOG.gz"
fi
[ -s "$LOG" ] || { pigz -dc "$LOG.gz" > "$LOG.tmp" && mv "$LOG.tmp" "$LOG"; }

bytes=$(wc -c < "$LOG")

. "$(dirname "$0")/lib.sh"

t_bk_gz=$(best_of "$BKCAT" "$LOG.gz")
t_zcat=$(best_of zcat "$LOG.gz")
t_pigz=$(best_of pigz -dc "$LOG.gz")
t_bk_plain=$(best_of "$BKCAT" "$LOG")
t_cat=$(best_of cat "$LOG")
rss_gz=$(rss_kib "$BKCAT" "$LOG.gz")
rss_plain=$(rss_kib "$BKCAT" "$LOG")

echo "bk-cat benchmark: $bytes bytes decompressed ($(wc -c < "$LOG.gz") gzipped), best of $RUNS"
echo "decoders: $("$BKCAT" --version | sed -n 's/^decoders: //p')"
printf '%-22s %10s\n' "command" "MB/s"
printf '%-22s %10s\n' "bk-cat FILE.gz" "$(mbps "$bytes" "$t_bk_gz")"
printf '%-22s %10s\n' "zcat FILE.gz" "$(mbps "$bytes" "$t_zcat")"
printf '%-22s %10s\n' "pigz -dc FILE.gz" "$(mbps "$bytes" "$t_pigz")"
printf '%-22s %10s\n' "bk-cat FILE" "$(mbps "$bytes" "$t_bk_plain")"
printf '%-22s %10s\n' "cat FILE" "$(mbps "$bytes" "$t_cat")"

r_pigz=$(ratio "$t_pigz" "$t_bk_gz")
r_zcat=$(ratio "$t_zcat" "$t_bk_gz")
r_cat=$(ratio "$t_cat" "$t_bk_plain")
echo "ratio gzip  bk-cat/pigz -dc: $r_pigz (target >= 1.0)"
echo "ratio gzip  bk-cat/zcat:     $r_zcat"
echo "ratio plain bk-cat/cat:      $r_cat (target >= 0.9)"
echo "peak RSS bk-cat: $rss_gz KiB on .gz, $rss_plain KiB on plain (target < 32768)"

missed=0
[ "$(calc "$r_pigz >= 1.0")" = 1 ] || { echo "MISSED: gzip throughput"; missed=1; }
[ "$(calc "$r_cat >= 0.9")" = 1 ] || { echo "MISSED: plain throughput"; missed=1; }
[ "$rss_gz" -lt 32768 ] && [ "$rss_plain" -lt 32768 ] || { echo "MISSED: memory"; missed=1; }
[ $missed = 0 ] && echo "all targets met"
exit $missed
