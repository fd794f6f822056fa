# lib.sh - what the benchmark scripts share: arithmetic through awk (no bc
# on a fresh Debian), best-of-N wall times, throughput, ratios, peak RSS.
# Sourced by tests/bench/TOOL.sh, which sets RUNS.

# calc EXPR: floating-point arithmetic and comparisons (1 or 0).
calc() { awk "BEGIN { print ($1) }"; }

# best_of CMD...: the best wall time in seconds over RUNS runs, output to
# BENCH_OUT (default /dev/null); exit status 1 ("nothing found") is not a
# failure. GNU grep stops at the first match when its output is /dev/null, so
# benchmarks that time grep send output to a real file.
best_of() {
	best=
	i=0
	while [ $i -lt "$RUNS" ]; do
		start=$(date +%s.%N)
		"$@" > "${BENCH_OUT:-/dev/null}" || [ $? -eq 1 ]
		end=$(date +%s.%N)
		t=$(calc "$end - $start")
		if [ -z "$best" ] || [ "$(calc "$t < $best")" = 1 ]; then best=$t; fi
		i=$((i + 1))
	done
	echo "$best"
}

# mbps BYTES SECONDS: megabytes (10^6) per second.
mbps() { awk "BEGIN { printf \"%.1f\", $1 / 1000000 / $2 }"; }

# ratio A B: A / B to two decimals.
ratio() { awk "BEGIN { printf \"%.2f\", $1 / $2 }"; }

# rss_kib CMD...: peak resident set of one run in KiB, from GNU time.
rss_kib() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1
	else
		echo 0
	fi
}
