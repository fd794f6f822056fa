#!/bin/sh
# make-corpus.sh - regenerate the seed corpora in tests/fuzz/corpus/NAME/.
#
# Seeds are made by the real tools, so they are what the library meets in
# the field: gzip, zstd, xz and bzip2 for compressed inputs (whole, cut short,
# concatenated, padded), iconv for CP932 and EUC-JP text, and bk-cat itself
# for state files (it writes them with --state; device, inode, mtime and path
# are then set to fixed values so the files do not depend on the machine).
# Output is deterministic for given tool versions (gzip -n stores no name or
# time).
#
# Only the named seeds written here are replaced; inputs the fuzzer found and
# `make fuzz-merge` added (named by their SHA-1) are left alone.
#
# Usage: BK_BUILDDIR=/path/to/build sh tests/fuzz/make-corpus.sh
#    or: BK_CAT=/path/to/bk-cat sh tests/fuzz/make-corpus.sh
set -eu
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
corpus=$here/corpus
bk_cat=${BK_CAT:-${BK_BUILDDIR:-.}/tools/bk-cat}
if [ ! -x "$bk_cat" ]; then
	echo "make-corpus.sh: no bk-cat at $bk_cat (set BK_BUILDDIR or BK_CAT)" >&2
	exit 2
fi
for tool in gzip zstd xz bzip2 iconv awk; do
	command -v "$tool" >/dev/null || { echo "make-corpus.sh: $tool is needed" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/bk-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT

# N log lines that look like a web server's.
log_lines() {
	i=1
	while [ "$i" -le "$1" ]; do
		printf '10.0.%d.%d - user%d [08/May/2015:01:%02d:%02d +0900] "GET /api/persons/%d HTTP/1.1" 200 %d\n' \
		    $((i % 256)) $((i * 7 % 254 + 1)) $((i % 17)) $((i / 60 % 60)) $((i % 60)) \
		    $((1000 + i)) $((i * 37 % 5000))
		i=$((i + 1))
	done
}

# The first N bytes of a file, and a file without its last N bytes.
first() { head -c "$1" "$2"; }
cut_last() { f=$1; n=$(wc -c <"$f"); head -c $((n - $2)) "$f"; }

# ---- input: every decoder, whole and damaged ------------------------------
d=$corpus/input
mkdir -p "$d"
log_lines 20 >"$work/log"
log_lines 8 >"$work/log2"
cp "$work/log" "$d/plain-log"
: >"$d/empty"
gzip -n -c "$work/log" >"$d/gzip"
{ gzip -n -c "$work/log"; gzip -n -c "$work/log2"; } >"$d/gzip-multi-member"
cut_last "$d/gzip" 20 >"$d/gzip-truncated"
cut_last "$d/gzip" 4 >"$d/gzip-truncated-trailer"
{ cat "$d/gzip"; head -c 512 /dev/zero; } >"$d/gzip-zero-padded"
{ cat "$d/gzip"; printf 'trailing garbage\n'; } >"$d/gzip-trailing-garbage"
{ cut_last "$d/gzip" 8; printf '\001\002\003\004\005\006\007\010'; } >"$d/gzip-bad-trailer"
printf '\037\213\010' >"$d/gzip-magic-only"
# Decodes to 600 KB: several output chunks of the 256 KiB buffer.
log_lines 300 | awk '{ for (i = 0; i < 30; i++) print }' | head -c 600000 | gzip -n -9 \
    >"$d/gzip-large"
zstd -q -c "$work/log" >"$d/zstd"
{ zstd -q -c "$work/log"; zstd -q -c "$work/log2"; } >"$d/zstd-multi-frame"
{ printf '\120\052\115\030\004\000\000\000skip'; zstd -q -c "$work/log2"; } \
    >"$d/zstd-skippable-frame"
cut_last "$d/zstd" 10 >"$d/zstd-truncated"
xz -c "$work/log" >"$d/xz"
{ xz -c "$work/log"; xz -c "$work/log2"; } >"$d/xz-concatenated"
cut_last "$d/xz" 16 >"$d/xz-truncated"
bzip2 -c "$work/log" >"$d/bzip2"
{ bzip2 -c "$work/log"; bzip2 -c "$work/log2"; } >"$d/bzip2-multi-stream"
cut_last "$d/bzip2" 10 >"$d/bzip2-truncated"
{ printf '\004\042\115\030'; first 32 "$work/log"; } >"$d/lz4-magic"
{ printf '\037\235'; first 32 "$work/log"; } >"$d/compress-magic"

# ---- lines: terminators, NULs, long lines, odd chunk boundaries ------------
d=$corpus/lines
mkdir -p "$d"
printf 'GET / HTTP/1.1\r\nHost: example.org\r\n\r\nbody\r\n' >"$d/crlf"
printf 'one\000two\nthree\000\000\n\000\n' >"$d/nul"
{ awk 'BEGIN { for (i = 0; i < 5000; i++) printf "a"; print "" }'; printf 'short\n'; } \
    >"$d/long-line"
printf 'first\nsecond\nno final newline' >"$d/no-final-newline"
printf '\n\n\n' >"$d/empty-lines"
printf 'a\rb\r\r\n\r' >"$d/lone-cr"
printf 'x' >"$d/one-byte"
# gzip members end output chunks: a CRLF cut between two members, a long
# line spread over three.
{ printf 'line one\r' | gzip -n; printf '\nline two\r\n' | gzip -n; } >"$d/gzip-crlf-across-members"
{ printf 'start of a long line ' | gzip -n; printf 'that goes on ' | gzip -n;
  printf 'and ends\nnext\n' | gzip -n; } >"$d/gzip-line-across-members"
cp "$corpus/input/gzip-large" "$d/gzip-large"

# ---- charset: Japanese text in each encoding, and junk ---------------------
d=$corpus/charset
mkdir -p "$d"
cat >"$work/ja" <<'EOF'
2015-05-08 01:15:02 利用者 田中太郎 様の年金記録を照会しました
住所: 東京都千代田区霞が関１－２－３ 電話 ０３－１２３４－５６７８
カタカナ ひらがな 漢字 ① ㈱ 髙橋 ～ ｶﾀｶﾅ
EOF
iconv -f UTF-8 -t CP932 "$work/ja" >"$d/cp932"
iconv -f UTF-8 -t EUC-JP-MS "$work/ja" >"$d/euc-jp"
printf '森鷗外 丂\n' | iconv -f UTF-8 -t EUC-JP >"$d/euc-jp-jisx0212"
printf 'ｶﾀｶﾅ ﾃｽﾄ\n' | iconv -f UTF-8 -t CP932 >"$d/cp932-halfwidth"
{ printf '\357\273\277'; cat "$work/ja"; } >"$d/utf8-bom"
cp "$work/ja" "$d/utf8"
# A line ending inside a character, and CRLF.
{ printf '漢字' | iconv -f UTF-8 -t CP932; printf '\203\r\nnext\r\n'; } >"$d/cp932-cut-character"
{ printf '漢字' | iconv -f UTF-8 -t EUC-JP; printf '\244\n\217\241\n'; } >"$d/euc-jp-cut-character"
awk 'BEGIN { for (i = 128; i < 256; i++) printf "%c", i; printf "\n" }' >"$d/junk-high-bytes"

# ---- state: files bk-cat wrote, then damaged ------------------------------
# fuzz_state.c resumes "fuzz state line 0001\n" ... "0300\n"; these states
# were written after reading all of it, its first 100 lines, and a gzip copy,
# so their fingerprints match that input.
d=$corpus/state
mkdir -p "$d"
i=1
while [ "$i" -le 300 ]; do
	printf 'fuzz state line %04d\n' "$i"
	i=$((i + 1))
done >"$work/content"
head -n 100 "$work/content" >"$work/partial"
gzip -n -c "$work/content" >"$work/content.gz"

# bk-cat's state after reading FILE..., with machine-specific fields fixed.
state_of() {
	rm -f "$work/state"
	"$bk_cat" --state="$work/state" "$@" >/dev/null
	awk -F '\t' 'BEGIN { OFS = "\t" }
	    NR > 2 { $1 = 2049; $2 = 131000 + NR; $4 = "1431047702123456789";
	             n = split($11, p, "/"); $11 = "/var/log/fuzz/" p[n] }
	    { print }' "$work/state"
}
state_of "$work/content" >"$d/valid-full"
state_of "$work/partial" >"$d/valid-partial"
state_of "$work/content.gz" >"$d/valid-gzip-complete"
state_of "$work/partial" "$work/content" "$work/content.gz" >"$d/valid-three-entries"
head -n 2 "$d/valid-full" >"$d/header-only"
entry=$(sed -n 3p "$d/valid-partial")
{ head -n 2 "$d/valid-full"; printf '\n# a comment\n\n%s\n' "$entry"; } >"$d/comments-and-blank-lines"
sed 's/$/\r/' "$d/valid-partial" >"$d/crlf"
awk -F '\t' 'BEGIN { OFS = "\t" } NR == 3 { $11 = "/var/log/a\\\\b\\tc\\nd\\re" } { print }' \
    "$d/valid-partial" >"$d/path-escapes"
: >"$d/empty"
printf 'not a state file\n' >"$d/not-a-state-file"
sed '1s/ 1$/ 2/' "$d/valid-full" >"$d/wrong-version"
printf '%s' "$(cat "$d/valid-full")" >"$d/last-line-unterminated"
# One damaged field each: FIELD VALUE NAME.
while read -r field value name; do
	# Through the environment: awk -v would interpret the backslashes.
	F=$field V=$value awk -F '\t' 'BEGIN { OFS = "\t"; f = ENVIRON["F"]; v = ENVIRON["V"] }
	    NR == 3 { $f = (v == "-" ? "" : v) } { print }' "$d/valid-partial" >"$d/$name"
done <<'EOF'
1 12x bad-device
4 -9223372036854775808 mtime-minimum
5 lz4 unknown-codec
6 4097 fingerprint-too-long
6 0 fingerprint-empty
7 123 fingerprint-short
7 zzzzzzzzzzzzzzzz fingerprint-not-hex
8 18446744073709551615 offset-maximum
8 18446744073709551616 offset-overflow
8 2105 offset-mid-line
8 999999 offset-past-end
9 0 lineno-zero
10 2 complete-two
11 - path-empty
11 /var/log/bad\x path-bad-escape
11 /var/log/trailing\ path-trailing-backslash
EOF
awk -F '\t' 'NR == 3 { s = $1; for (i = 2; i < NF; i++) s = s "\t" $i; print s; next } { print }' \
    "$d/valid-partial" >"$d/ten-fields"
awk 'NR == 3 { print $0 "\textra"; next } { print }' "$d/valid-partial" >"$d/twelve-fields"
{ awk -F '\t' 'NR == 3 { for (i = 1; i < NF; i++) printf "%s\t", $i; next } { print }' \
      "$d/valid-partial"; printf '/var/log/nul\000x\n'; } >"$d/path-with-nul"

# ---- record: NDJSON, good and bad ----------------------------------------
d=$corpus/record
mkdir -p "$d"
cat >"$d/events" <<'EOF'
{"type":"event","ts":"2015-05-08T01:15:02.123Z","format":"nginx","file":"access.log","line":1,"actor":"tanaka","ip":"10.0.0.7","action":"read","object":"/api/persons/1001","rows":1,"bytes_out":5120,"status":200}
{"type":"finding","file":"export.csv","line":12,"offset":40,"rule":"jp-my-number","category":"national_id","severity":"high","confidence":0.93,"value":"********1234"}
{"type":"alert","detector":"bulk-read","severity":"critical","score":41.5,"actor":"tanaka","first":"2015-05-08T01:15:02.123Z","last":"2015-05-08T03:00:00.000Z","reason":"read 125000 records in 2 hours, 40 times the usual","evidence":{"files":["access.log"],"lines":[1,2,3]}}
EOF
cat >"$d/nested" <<'EOF'
{"type":"inventory","file":"persons.csv","columns":[{"name":"name","kind":"person_name"},{"name":"pension_no","kind":"pension_number","counts":{"valid":100,"invalid":[1,2,{"x":null}]}}],"subjects":{"distinct":99,"error":0.01,"empty":{},"list":[]}}
EOF
printf '%s\n' '{"type":"event","s":"caf\u00e9 \u65e5\u672c \ud83d\ude00","nul":"a\u0000b","ctl":"\u0001\u001f\t\n\r\"\\/"}' \
    '{"type":"a\u0000b","\u00e9":1}' >"$d/escapes"
printf '%s\n' '{"type":"event","lone":"\ud800"}' '{"type":"event","low":"\udc00x"}' \
    '{"type":"event","ok":1}' >"$d/invalid-unicode-escapes"
printf '{"type":"event","raw":"\377\376 caf\303"}\n{"type":"event","ok":true}\n' >"$d/invalid-utf8"
printf '%s\n' '{"type":"event",' '[1,2,3]' '42' '"string"' '{"type":"event"} trailing' \
    '{"a":1}' '{"type":' '}' >"$d/invalid-json"
printf '\357\273\277{"type":"event","bom":1}\r\n\r\n   \n\t\n{"type":"event","after":"blank"}\r\n' \
    >"$d/bom-crlf-blank-lines"
printf '%s\n' '{"type":"event","k":1,"k":2,"type":"alert","k":3}' >"$d/duplicate-keys"
printf '%s\n' '{"type":"event","big":9223372036854775807,"small":-9223372036854775808,"over":9223372036854775808}' \
    '{"type":"event","d":[0.1,-0.0,1e308,5e-324,1E5,2.5e-3,123456789012345678901234567890.0]}' \
    '{"type":"event","inf":1e400}' >"$d/numbers"
awk 'BEGIN { s = ""; for (i = 0; i < 40; i++) s = s "["; s = s "1";
    for (i = 0; i < 40; i++) s = s "]"; printf "{\"type\":\"event\",\"deep\":%s}\n", s }' >"$d/deep-nesting"
printf '%s\n' '{"no_type":1}' '{"type":5}' '{"type":null,"x":[true,false,null]}' '{}' >"$d/type-variants"
gzip -n -c "$d/events" >"$d/events-gzip"

# ---- rotation: name pairs (and triples) separated by NUL --------------------
d=$corpus/rotation
mkdir -p "$d"
pair() { name=$1; shift; printf '%s' "$1" >"$d/$name"; shift;
	for n in "$@"; do printf '\000%s' "$n" >>"$d/$name"; done; }
pair numbered access.log.2.gz access.log.1
pair numbered-live syslog syslog.1 syslog.1.gz
pair dated access.log-20150507.gz access.log-20150508
pair dated-hours app.log-2015050701 app.log-20150507 app.log-201505070130
pair dated-iso app.log.2015-05-07 app.log-2015-05-08.gz app.log.2015-13-01
pair date-implausible x-20151399 x-20150101 x-12345678
pair natural file2 file10 file010
pair leading-zeros a01 a1 a001
pair suffix-only .gz .1 .1.gz
pair long-numbers x.99999999999999999999999 x.100000000000000000000000 x.0
pair mixed-sets access.log.1 error.log access.log
pair compression-suffixes x.log.zst x.log.bz2 x.log.zip
printf 'access.logaccess.log.1' >"$d/no-separator"

echo "make-corpus.sh: seeds written to $corpus"
