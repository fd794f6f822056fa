# NUL bytes, invalid UTF-8, binary junk and CRLF pass through unchanged.
printf 'a\000b\r\n\377\376 \300\257\n' > odd.log
head -c 4096 /dev/urandom > junk.bin
printf '\n' > nl
bk-cat odd.log junk.bin > out
# junk.bin may not end in a newline; bk-cat then adds one.
if [ "$(tail -c 1 junk.bin | od -An -tx1 | tr -d ' ')" = 0a ]; then
	cat odd.log junk.bin | cmp - out
else
	cat odd.log junk.bin nl | cmp - out
fi
gzip -c odd.log | bk-cat -H > h
printf '(standard input):a\000b\r\n(standard input):\377\376 \300\257\n' | cmp - h
