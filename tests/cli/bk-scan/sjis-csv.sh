# A CP932 (Shift_JIS) CSV export: decoded automatically, the header names
# the columns (a bare 10-digit pension number counts under 基礎年金番号), and
# offsets count the file's own bytes.
printf '氏名,基礎年金番号,電話番号\r\n山田 太郎,7511669041,03-5281-7764\r\n' | iconv -f UTF-8 -t CP932 > meibo.csv
bk-scan --show-values --format tsv meibo.csv
# The pension number really is at that offset in the file.
off=$(bk-scan --format tsv --rules jp.pension_number.bare meibo.csv | awk -F '\t' 'NR == 2 { print $3 }')
dd if=meibo.csv bs=1 skip="$off" count=10 2>/dev/null; echo
# Shared out among threads, the header is decoded just the same.
bk-scan -j 1 --format tsv meibo.csv > one.tsv
bk-scan -j 2 --format tsv meibo.csv > two.tsv
cmp one.tsv two.tsv && echo "-j 2: same ($(wc -l < two.tsv) lines)"
