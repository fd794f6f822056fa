# --allow silences listed values in any spelling; --baseline reports only
# what earlier runs did not, and keeps keyed hashes, never values.
head -c 32 /dev/urandom > key
printf '# test data\n4111 1111 1111 1111\n' > allow.txt
printf 'card 4111-1111-1111-1111\nmail hanako@example.com\n' > day1.log
bk-scan --format text --allow allow.txt day1.log
echo "-- first scheduled run"
bk-scan --format text --hash-key key --baseline seen day1.log
echo "-- second run, one new line"
printf 'mail hanako@example.com\nmail taro@example.com\n' > day2.log
bk-scan --format text --hash-key key --baseline seen day2.log
echo "-- third run, nothing new"
bk-scan --format text --hash-key key --baseline seen day2.log || echo "status $?"
stat -c %a seen
grep -c -i -e hanako -e taro seen || true
grep -v '^#' seen | awk '{ print length($0) }' | sort -u
echo "-- without a key"
bk-scan --baseline seen day2.log 2>&1 || echo "status $?"
