# A line longer than --max-line is scanned in pieces, with a warning naming
# the line; values in each piece are still found.
printf 'mail hanako@example.com %s mail taro@example.com\n' "$(head -c 200 /dev/zero | tr '\0' x)" > long.txt
printf 'mail jiro@example.com\n' >> long.txt
bk-scan --max-line 128 --format text long.txt
