#!/bin/sh
# bk-records benchmark: throughput against the tool a responder would use
# otherwise to count distinct people in an export, measured in one run.
#
# Makes BK_BENCH_RECORDS_MB (default 520) megabytes of a CSV export of
# persons (Japanese headers: name, kana, pension number, era birth date,
# address, phone, email, note), about 5 million people each once, from Park
# and Miller's generator (the same file on every run), and its gzip; then
# prints MB/s for
#   bk-records (full inventory: every column classified, every row scanned
#   with the default rules, distinct subjects)  vs
#   mlr --icsv --ojson count-distinct -f 基礎年金番号  (or awk -F, counting
#   distinct values of that column where mlr is absent)
# on the same file, the ratio (target >= 3x), bk-records on the .gz, and
# bk-records' peak RSS with the subjects far past its exact bound (default
# 1,000,000; BK_BENCH_EXACT_MAX to change), where the HyperLogLog keeps
# memory bounded. Best of BK_BENCH_RUNS (default 1: the mlr run is long).
# Ratios, not absolute times: the machines are shared and noisy; the CPU
# seconds (user + system) of the last plain run of each tool are printed too,
# since on a loaded machine they say more about the work than wall time.
# bk-records runs with its default -j (a second thread on two processors).
# Exits 1 if the ratio target was missed.
set -eu

: "${BK_BUILDDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
BKREC=$BK_BUILDDIR/tools/bk-records
MB=${BK_BENCH_RECORDS_MB:-520}
RUNS=${BK_BENCH_RUNS:-1}
EXACT=${BK_BENCH_EXACT_MAX:-1000000}
DIR=${BK_BENCH_DIR:-${TMPDIR:-/tmp}/bk-bench}
CSV=$DIR/persons-$MB.csv

[ -x "$BKREC" ] || { echo "bk-records.sh: build first ($BKREC missing)" >&2; exit 2; }
mkdir -p "$DIR"

gen_csv() {
	awk -v target=$((MB * 1000000)) '
	function rnd(n) { seed = (seed * 48271) % 2147483647; return int(seed / 2147483647 * n) }
	function digits(n,   s, i) { s = ""; for (i = 0; i < n; i++) s = s rnd(10); return s }
	BEGIN {
		seed = 4711
		split("佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤", sn, " ")
		split("サトウ スズキ タカハシ タナカ イトウ ワタナベ ヤマモト ナカムラ コバヤシ カトウ", sk, " ")
		split("sato suzuki takahashi tanaka ito watanabe yamamoto nakamura kobayashi kato", sr, " ")
		split("花子 太郎 一郎 美咲 健太 陽子 翔太 愛 大輔 真由美", gn, " ")
		split("ハナコ タロウ イチロウ ミサキ ケンタ ヨウコ ショウタ アイ ダイスケ マユミ", gk, " ")
		split("東京都千代田区 大阪府大阪市北区 北海道札幌市中央区 福岡県福岡市博多区 愛知県名古屋市中区", addr, " ")
		print "氏名,フリガナ,基礎年金番号,生年月日,住所,電話番号,メールアドレス,備考"
		size = 0
		while (size < target) {
			a = rnd(10); b = rnd(10); n++
			line = sprintf("%s %s,%s %s,%d-%s,昭和%d年%d月%d日,%s%d-%d-%d,090-%d%s-%d%s,%s%d@example.jp,\"受付 %s, 窓口\"",
			    sn[a + 1], gn[b + 1], sk[a + 1], gk[b + 1], 1000 + rnd(9000), digits(6),
			    rnd(63) + 1, rnd(12) + 1, rnd(28) + 1, addr[rnd(5) + 1], rnd(9) + 1, rnd(20) + 1, rnd(30) + 1,
			    2 + rnd(8), digits(3), 2 + rnd(8), digits(3), sr[a + 1], n, digits(8))
			print line
			size += length(line) + 1
		}
	}' > "$CSV.tmp" && mv "$CSV.tmp" "$CSV"
}

[ -s "$CSV" ] || { echo "generating $MB MB of CSV in $DIR ..." >&2; gen_csv; }
[ -s "$CSV.gz" ] || { gzip -1 -c "$CSV" > "$CSV.gz.tmp" && mv "$CSV.gz.tmp" "$CSV.gz"; }

. "$(dirname "$0")/lib.sh"

bytes=$(wc -c < "$CSV")
rows=$(($(wc -l < "$CSV") - 1))

# cpu_of FILE CMD...: CMD under GNU time writing "user system" to FILE (as is without it).
cpu_of() {
	f=$1
	shift
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f "%U %S" -o "$f" "$@"
	else
		echo "0 0" > "$f"
		"$@"
	fi
}
t_bk=$(best_of cpu_of "$DIR/cpu-bk.txt" "$BKREC" --no-progress --format json --exact-max "$EXACT" "$CSV")
t_gz=$(best_of "$BKREC" --no-progress --format json --exact-max "$EXACT" "$CSV.gz")
if command -v mlr > /dev/null; then
	other="mlr --icsv --ojson count-distinct -f 基礎年金番号"
	t_other=$(best_of cpu_of "$DIR/cpu-other.txt" mlr --icsv --ojson count-distinct -f 基礎年金番号 "$CSV")
else
	other="awk -F, distinct column 3"
	t_other=$(best_of cpu_of "$DIR/cpu-other.txt" awk -F, 'NR > 1 && !seen[$3]++ { n++ } END { print n }' "$CSV")
fi
# One more run for the peak RSS and the figures it printed.
if [ -x /usr/bin/time ]; then
	/usr/bin/time -f %M -o "$DIR/rss.txt" "$BKREC" --no-progress --format json --exact-max "$EXACT" \
		"$CSV" > "$DIR/records.json" || [ $? -eq 1 ]
	rss=$(tail -n 1 "$DIR/rss.txt")
else
	"$BKREC" --no-progress --format json --exact-max "$EXACT" "$CSV" > "$DIR/records.json" || [ $? -eq 1 ]
	rss=0
fi
subjects=$(sed -n 's/.*"type":"summary".*"subjects":\([0-9]*\),"subjects_exact":\([a-z]*\),"subjects_error":\([0-9.e-]*\).*/\1 exact=\2 error=\3/p' "$DIR/records.json")

r=$(ratio "$t_other" "$t_bk")
c_bk=$(tail -n 1 "$DIR/cpu-bk.txt" | awk '{ print $1 + $2 }')
c_other=$(tail -n 1 "$DIR/cpu-other.txt" | awk '{ print $1 + $2 }')
echo "bk-records benchmark: $bytes bytes, $rows rows of CSV (best of $RUNS)"
echo "  bk-records             $(mbps "$bytes" "$t_bk") MB/s"
echo "  bk-records on .gz      $(mbps "$bytes" "$t_gz") MB/s (decompressed bytes)"
echo "  $other  $(mbps "$bytes" "$t_other") MB/s"
echo "  ratio                  ${r}x (target >= 3x)"
if [ "$(calc "$c_bk > 0 && $c_other > 0")" = 1 ]; then
	echo "  CPU seconds            bk-records $c_bk, $other $c_other (ratio $(ratio "$c_other" "$c_bk")x)"
fi
echo "  subjects               $subjects (exact bound $EXACT)"
echo "  peak RSS               $((rss / 1024)) MiB"
[ "$(calc "$r >= 3")" = 1 ] || { echo "  MISSED: ratio below 3x"; exit 1; }
