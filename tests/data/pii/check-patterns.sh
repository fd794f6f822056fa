#!/bin/sh
# check-patterns.sh - run every rule's pattern over its own examples and
# counterexamples with pcre2test, at the regex level only.
#
# Usage: sh tests/data/pii/check-patterns.sh [-v] [RULES-FILE-OR-DIR...]
#        (default: patterns/pii of the repository this script is in)
#        -v also prints what each example matched (the (?<value>) group when
#        the pattern has one)
#
# What it checks, for each rule of each *.rules file:
#   - every `example` matches the pattern (after the text is normalised the way
#     bk-scan normalises it: full-width forms and dash look-alikes to ASCII, the
#     ideographic space to ' ', ー/ｰ between digits to '-');
#   - an example of a rule that needs context (require-context, or base
#     confidence low) contains one of the rule's context words;
#   - which `counterexample` lines the pattern matches anyway. Those are not
#     errors: the validator or the missing context has to reject them, and they
#     are listed under "relies on validator/context" so a reader can see which
#     counterexamples the regex alone does not keep out.
# Validators, distances and confidence are not evaluated here (the engine's
# `make check` does that); this is the check a rule author can run without a
# build. Needs pcre2test (Debian: pcre2-utils) and a POSIX sh and awk.
#
# Exit status: 0 all examples match, 1 some example failed, 2 usage or tool error.
set -eu
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
command -v pcre2test >/dev/null 2>&1 || {
	echo "check-patterns.sh: pcre2test not found (Debian: apt-get install pcre2-utils)" >&2
	exit 2
}
verbose=0
if [ "${1:-}" = "-v" ]; then verbose=1; shift; fi
[ $# -gt 0 ] || set -- "$top/patterns/pii"
files=
for a in "$@"; do
	if [ -d "$a" ]; then
		for f in "$a"/*.rules; do [ -f "$f" ] && files="$files $f"; done
	elif [ -f "$a" ]; then
		files="$files $a"
	else
		echo "check-patterns.sh: $a: no such file or directory" >&2
		exit 2
	fi
done
[ -n "$files" ] || { echo "check-patterns.sh: no rule files" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/check-patterns.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
trap 'exit 2' HUP INT TERM

# ---------------------------------------------------------------- awk library
# fold(s): the normalisation of normalize.h, on UTF-8 bytes (LC_ALL=C).
# unesc(s): pcre2test prints characters above U+007F as \x{hex}; back to UTF-8.
cat > "$work/lib.awk" <<'AWK'
function chr(n) { return sprintf("%c", n) }
function utf8(cp) {
	if (cp < 128) return chr(cp)
	if (cp < 2048) return chr(192 + int(cp / 64)) chr(128 + cp % 64)
	if (cp < 65536) return chr(224 + int(cp / 4096)) chr(128 + int(cp / 64) % 64) chr(128 + cp % 64)
	return chr(240 + int(cp / 262144)) chr(128 + int(cp / 4096) % 64) chr(128 + int(cp / 64) % 64) chr(128 + cp % 64)
}
function initfold(   cp) {
	for (cp = 65281; cp <= 65374; cp++) FOLD[utf8(cp)] = chr(cp - 65248)	# U+FF01-FF5E
	for (cp = 8208; cp <= 8213; cp++) FOLD[utf8(cp)] = "-"			# U+2010-2015
	FOLD[utf8(8722)] = "-"; FOLD[utf8(65123)] = "-"; FOLD[utf8(12288)] = " "
	PSM1 = utf8(12540); PSM2 = utf8(65392)					# ー ｰ
	HEX = "0123456789abcdef"
}
function fold(s,   out, i, n, c, t) {
	out = ""; n = length(s)
	for (i = 1; i <= n; i++) {
		c = substr(s, i, 1)
		if (c >= "\340" && c <= "\357" && i + 2 <= n) {
			t = substr(s, i, 3)
			if (t in FOLD) { out = out FOLD[t]; i += 2; continue }
			out = out t; i += 2; continue
		}
		out = out c
	}
	# prolonged sound marks between two digits
	n = length(out)
	for (i = 2; i + 3 <= n; i++) {
		t = substr(out, i, 3)
		if ((t == PSM1 || t == PSM2) && substr(out, i - 1, 1) ~ /[0-9]/ && substr(out, i + 3, 1) ~ /[0-9]/) {
			out = substr(out, 1, i - 1) "-" substr(out, i + 3); n = length(out)
		}
	}
	return out
}
function unesc(s,   out, p, q, h, cp, k) {
	out = ""
	while ((p = index(s, "\\x{")) > 0) {
		q = index(substr(s, p), "}")
		if (q == 0) break
		h = tolower(substr(s, p + 3, q - 4)); cp = 0
		for (k = 1; k <= length(h); k++) cp = cp * 16 + index(HEX, substr(h, k, 1)) - 1
		out = out substr(s, 1, p - 1) utf8(cp); s = substr(s, p + q)
	}
	return out s
}
AWK

# ------------------------------------------------------------ rules to tests
# For each rule: $work/N.id, N.pat (the pcre2test input), N.ctx (context
# words, one per line), N.need (1 if an example needs a context word).
# Continuation lines (starting with whitespace) are joined with a space:
# multi-line patterns are written with (?x).
for f in $files; do
	awk -v W="$work" -v F="$f" -f "$work/lib.awk" -f - "$f" <<'AWK'
BEGIN { initfold(); n = 0; if ((getline c < (W "/count")) > 0) n = c + 0; close(W "/count") }
function flush() {
	if (id == "") return
	n++
	print F "\t" id > (W "/" n ".id")
	print pat > (W "/" n ".rawpat")
	dl = ""
	split("/ ! % ~ ` @ ; , \" '", cand, " ")
	for (k = 1; k <= 10; k++) if (index(pat, cand[k]) == 0) { dl = cand[k]; break }
	hasval = index(pat, "(?<value>") > 0
	out = W "/" n ".pat"
	print dl pat dl "g,utf" > out
	for (k = 1; k <= nex; k++) print subj(ex[k]) (hasval ? "\\=copy=value" : "") > out
	print "" > out
	print dl pat dl "g,utf" > out
	for (k = 1; k <= ncx; k++) print subj(cx[k]) (hasval ? "\\=copy=value" : "") > out
	close(out)
	for (k = 1; k <= nex; k++) print ex[k] > (W "/" n ".ex")
	for (k = 1; k <= ncx; k++) print cx[k] > (W "/" n ".cx")
	if (nex) close(W "/" n ".ex")
	if (ncx) close(W "/" n ".cx")
	printf "" > (W "/" n ".ctx")
	for (k = 1; k <= nctx; k++) print ctx[k] > (W "/" n ".ctx")
	close(W "/" n ".ctx")
	print ((conf == "low" || req == "yes") ? 1 : 0) > (W "/" n ".need")
	close(W "/" n ".need")
	close(W "/" n ".id"); close(W "/" n ".rawpat")
	id = ""
}
# a subject line for pcre2test: backslashes doubled, edge blanks escaped
function subj(s,   t) {
	t = fold(s)
	gsub(/\\/, "\\\\", t)
	if (t ~ /^[ \t]/) t = "\\x20" substr(t, 2)
	if (t ~ /[ \t]$/) t = substr(t, 1, length(t) - 1) "\\x20"
	gsub(/\t/, "\\t", t)
	return t
}
function ctxwords(s,   w) {
	nctx = 0
	while (s != "") {
		sub(/^[ \t]+/, "", s)
		if (s == "") break
		if (substr(s, 1, 1) == "\"") {
			s = substr(s, 2); w = substr(s, 1, index(s, "\"") - 1); s = substr(s, index(s, "\"") + 1)
		} else if (match(s, /[ \t]/)) {
			w = substr(s, 1, RSTART - 1); s = substr(s, RSTART)
		} else { w = s; s = "" }
		ctx[++nctx] = w
	}
}
/^[ \t]*#/ || /^[ \t]*$/ { last = ""; next }
/^\[/ { flush(); id = $0; gsub(/^\[|\].*$/, "", id); pat = ""; nex = ncx = nctx = 0; conf = "medium"; req = "no"; last = ""; next }
/^[ \t]/ { if (last == "pattern") { t = $0; sub(/^[ \t]+/, "", t); pat = pat " " t }; next }
{
	key = $0; sub(/[ \t]*=.*$/, "", key)
	val = $0; sub(/^[^=]*=[ \t]?/, "", val); sub(/^[ \t]+/, "", val)
	last = key
	if (key == "pattern") pat = val
	else if (key == "example") ex[++nex] = val
	else if (key == "counterexample") cx[++ncx] = val
	else if (key == "confidence") conf = val
	else if (key == "require-context") req = val
	else if (key == "context") ctxwords(val)
}
END { flush(); print n > (W "/count") }
AWK
done

# ------------------------------------------------------------------- run them
n=$(cat "$work/count")
fails=0 relies=0 nex=0 ncx=0 nrules=0 i=1
: > "$work/relies"
while [ "$i" -le "$n" ]; do
	nrules=$((nrules + 1))
	if ! pcre2test "$work/$i.pat" > "$work/$i.out" 2>&1 || grep -q "^\(Failed: \|\*\* \)" "$work/$i.out"; then
		echo "FAIL $(cut -f2 "$work/$i.id") ($(cut -f1 "$work/$i.id")): pattern does not compile:"
		grep "^\(Failed\|\*\*\)" "$work/$i.out" | head -5
		fails=$((fails + 1)); i=$((i + 1)); continue
	fi
	# Walk the output: the two pattern blocks, one subject after another.
	awk -v W="$work" -v N="$i" -v V="$verbose" -f "$work/lib.awk" -f - "$work/$i.out" <<'AWK'
BEGIN {
	initfold()
	while ((getline l < (W "/" N ".ex")) > 0) ex[++nex] = l
	while ((getline l < (W "/" N ".cx")) > 0) cx[++ncx] = l
	while ((getline l < (W "/" N ".ctx")) > 0) ctx[++nctx] = tolower(l)
	getline need < (W "/" N ".need")
	getline idl < (W "/" N ".id"); split(idl, ida, "\t"); id = ida[2]
	block = 0; s = 0; bad = 0
}
# a pattern line starts a block; the next lines are subjects, each followed by
# its result lines (indented " 0:", " 1:", "  C", "No match", "Copy ...")
NR == 1 { next }
/^[^ ]/ && !/^No match/ && !/^Copy substring/ && !/^Failed/ {
	if (block == 0 || s >= (block == 1 ? nex : ncx)) { finish(); block++; s = 0; next }
	finish(); s++; m = ""; matched = 0; next
}
# with a (?<value>) group, "  C text (len) value (group N)" follows each " 0:"
/^ 0: / { keep(); matched = 1; m0 = unesc(substr($0, 5)); next }
/^  C / { v = $0; sub(/^  C /, "", v); sub(/ \([0-9]+\) value \(group [0-9]+\)$/, "", v); m0 = unesc(v); next }
function keep() { if (m0 != "") m = m (m == "" ? "" : " | ") m0; m0 = "" }
function finish(   t, k, found) {
	keep()
	if (s == 0 || block == 0) return
	if (block == 1) {
		t = ex[s]
		if (!matched) { print "FAIL " id ": example does not match: " t; bad++ }
		else if (need == 1 && nctx > 0) {
			found = 0; t = tolower(fold(t))
			for (k = 1; k <= nctx; k++) if (index(t, ctx[k])) found = 1
			if (!found) { print "FAIL " id ": example has no context word (cannot reach medium): " ex[s]; bad++ }
		}
		if (matched && V) print "ok   " id ": " ex[s] "  -> " m
	} else if (matched) {
		print id "\t" cx[s] "\t-> " m >> (W "/relies")
	}
	matched = 0; m = ""
}
END { finish(); print bad > (W "/" N ".bad"); print nex "\t" ncx > (W "/" N ".nn") }
AWK
	fails=$((fails + $(cat "$work/$i.bad")))
	nex=$((nex + $(cut -f1 "$work/$i.nn"))) ncx=$((ncx + $(cut -f2 "$work/$i.nn")))
	i=$((i + 1))
done
relies=$(wc -l < "$work/relies" | tr -d ' ')
if [ "$relies" -gt 0 ]; then
	echo "relies on validator/context ($relies counterexamples match the regex):"
	awk -F '\t' '{ printf "  %-26s %s  %s\n", $1, $2, $3 }' "$work/relies"
fi
echo "$nrules rules, $nex examples, $ncx counterexamples: $fails failed, $relies counterexamples left to the validator or context"
[ "$fails" -eq 0 ]
