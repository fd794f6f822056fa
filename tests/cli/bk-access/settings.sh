# Settings: the shipped file, named options and --set in order; errors name
# the file and line, or the option.
bk-access --list-settings --window 30m --set bulk_distinct.threshold=10 --tz Asia/Tokyo |
	grep -E '^(bulk_distinct|off_hours.tz)'
printf 'bulk_distinct.threshold = 5\n# comment\n\nbulk_distinct.treshold = 3\n' > bad.conf
bk-access --config bad.conf /dev/null || echo "status $?"
printf 'off_hours.hours = 8-20\n' > bad2.conf
bk-access --config bad2.conf /dev/null || echo "status $?"
bk-access --window 1x /dev/null || echo "status $?"
bk-access --set nosuch=1 /dev/null || echo "status $?"
bk-access --set bulk_distinct.threshold /dev/null || echo "status $?"
bk-access --by host /dev/null || echo "status $?"
bk-access --tz Mars/Olympus /dev/null || echo "status $?"
bk-access --learn --merge /dev/null || echo "status $?"
bk-access --format tsv /dev/null || echo "status $?"
