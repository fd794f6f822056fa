# -j 2 finds exactly what -j 1 finds, and a file's records stay together.
for i in 1 2 3 4 5 6; do
	printf 'mail user%d@example.com\ntel 090-3817-294%d\n' $i $i > f$i.log
done
bk-scan -j 1 --format tsv f*.log > one
bk-scan -j 2 --format tsv f*.log > two
sort one | cmp - "$(sort two > sorted; echo sorted)" && echo "same findings"
wc -l < two
# Each file's two findings are adjacent in the -j 2 output.
awk -F '\t' 'NR > 1 { if ($1 != last) files++; last = $1 } END { print files " runs of files" }' two
