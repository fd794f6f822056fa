# The three output forms; --keep-raw; CRLF line ends and invalid UTF-8
# (the JSON is repaired, TSV keeps bytes but never a control character).
cp "$BK_DATA/formats/crlf-latin1.log" .
bk-parse -f nginx --format json crlf-latin1.log
bk-parse -f nginx --format tsv --keep-raw crlf-latin1.log | tr '\351\001' '?!' 
bk-parse -f nginx --format text crlf-latin1.log | tr '\351' '?'
