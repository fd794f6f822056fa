# Lines that do not parse are counted and reported per file, never lost
# silently; --keep-unparsed writes them as records. Empty lines do not count.
cp "$BK_DATA/formats/mixed-nginx.log" .
bk-parse -f nginx --format tsv mixed-nginx.log
echo "-- kept"
bk-parse -f nginx --keep-unparsed --format json mixed-nginx.log | grep '"unparsed"'
