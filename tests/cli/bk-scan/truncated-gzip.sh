# A cut gzip file: findings before the cut are reported, then the error.
printf 'mail hanako@example.com\n' | gzip -c > cut.gz
printf 'mail taro@example.com\n' | gzip -c | head -c 15 >> cut.gz
bk-scan --format text cut.gz
