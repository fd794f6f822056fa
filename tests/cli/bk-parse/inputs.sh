# Compressed input, standard input, an unreadable file among good ones (the
# others are still read, status 2), a file no format fits, an empty file
# (nothing found: status 1).
cp "$BK_DATA/formats/squid-access.log" .
gzip -c squid-access.log > squid.log.gz
bk-parse -f squid --format tsv squid.log.gz
bk-parse -f squid --format tsv - < squid-access.log
printf 'hello\nworld\n' > prose.txt
bk-parse --format tsv squid.log.gz missing.log prose.txt squid-access.log || echo "status $?"
: > empty.log
bk-parse -f nginx empty.log || echo "status $?"
