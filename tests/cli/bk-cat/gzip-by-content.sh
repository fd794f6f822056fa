# Compression is recognised by content, whatever the name says.
printf 'one\ntwo\n' | gzip -c > notes.txt
bk-cat notes.txt
