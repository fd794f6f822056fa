# The labelled corpus (tests/data/pii): every rule's precision and recall
# against the planted values, and the thresholds overall: precision
# at least 0.99, recall at least 0.98. A false positive names the look-alike
# class it fell for (lookalikes.tsv), a false negative the value it missed.
cd "$BK_DATA/pii/corpus"
status=0
bk-scan -r --show-values --format tsv --exclude '*.tsv' . > "$OLDPWD/found.tsv" || status=$?
[ "$status" -eq 0 ] || echo "bk-scan exited $status"
cd "$OLDPWD"
awk -F '\t' '
FILENAME == ARGV[1] { want[$1 FS $2 FS $3 FS $4]++; rules[$3]; next }
FILENAME == ARGV[2] { look[$1 FS $2] = $3; next }
FNR == 1 { next }	# the header
{
	f = $1; sub(/^\.\//, "", f)
	k = f FS $2 FS $4 FS $8
	rules[$4]
	if (want[k] > 0) { want[k]--; tp[$4]++ }
	else { fp[$4]++; fps[++nfp] = f ":" $2 " " $4 " " $8 " (" (f FS $2 in look ? look[f FS $2] : "not a planted look-alike") ")" }
}
END {
	for (k in want) if (want[k] > 0) {
		split(k, p, FS); fn[p[3]] += want[k]
		fns[++nfn] = p[1] ":" p[2] " " p[3] " " p[4]
	}
	n = 0; for (r in rules) names[++n] = r
	for (i = 2; i <= n; i++) for (j = i; j > 1 && names[j - 1] > names[j]; j--) { t = names[j]; names[j] = names[j - 1]; names[j - 1] = t }
	printf "%-26s %6s %5s %5s %9s %7s\n", "rule", "tp", "fp", "fn", "precision", "recall"
	for (i = 1; i <= n; i++) {
		r = names[i]; T += tp[r]; F += fp[r]; N += fn[r]
		printf "%-26s %6d %5d %5d %9.4f %7.4f\n", r, tp[r], fp[r], fn[r], tp[r] + fp[r] ? tp[r] / (tp[r] + fp[r]) : 1, tp[r] + fn[r] ? tp[r] / (tp[r] + fn[r]) : 1
	}
	P = T + F ? T / (T + F) : 1; R = T + N ? T / (T + N) : 1
	printf "%-26s %6d %5d %5d %9.4f %7.4f\n", "overall", T, F, N, P, R
	for (i = 1; i <= nfp && i <= 40; i++) print "false positive: " fps[i]
	for (i = 1; i <= nfn && i <= 40; i++) print "false negative: " fns[i]
	if (P < 0.99 || R < 0.98) { print "below the thresholds (precision 0.99, recall 0.98)"; exit 1 }
}' "$BK_DATA/pii/corpus/expected.tsv" "$BK_DATA/pii/corpus/lookalikes.tsv" found.tsv
