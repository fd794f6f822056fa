# --summary gives one record per file; --min-count keeps only the files
# holding at least N distinct identifiers (the file-server sweep).
printf 'a@example.com\nb@example.com\na@example.com\n' > three.txt
printf 'c@example.com\n' > one.txt
bk-scan --summary --format tsv three.txt one.txt
echo "-- min-count 2"
bk-scan --min-count 2 --format tsv three.txt one.txt
echo "-- -l"
bk-scan -l three.txt one.txt clean.txt 2>/dev/null || true
