# Files that look binary are skipped unless --binary is given.
printf 'mail hanako@example.com\000\001\002\n' > blob.bin
bk-scan --format text blob.bin || echo "skipped: $?"
bk-scan --format text --binary blob.bin
