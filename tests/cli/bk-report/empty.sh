# Nothing read: the report says so; nothing reaches --fail-on: exit 0.
bk-report --format text </dev/null
bk-report --format json </dev/null
