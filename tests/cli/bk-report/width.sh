# Japanese text takes two columns a character: lines are wrapped and cut by
# display width, so everything fits --width (here the default 100, and 60).
d=$BK_SRCDIR/tests/cli/bk-report
bk-report --format text "$d/japanese.ndjson" || echo "exit $?"
bk-report --format text --width 60 --fail-on critical "$d/japanese.ndjson" | sed -n '/^Incidents/,/^$/p'
