# The main job on the bundled incident (what the README's first command and
# `make demo` run, with no options): bk-triage finds what samples/README.md
# says was planted, and nothing false. The file share's syslog writes no
# year and no zone: they are taken from the other logs (2015, +09:00, as
# nginx and PostgreSQL write them), and bk-triage says so on stderr. The
# incidents, most severe first: the clerk account tanaka.k reading persons
# in bulk at night (bulk-distinct, the walk of /api/persons/100001..103000,
# 125,000 rows, full reads); the RAR uploads from its PC to the file-drop
# site; the app account's export query the intruder set off; the beacon to
# update-check.example; and, as low, the nightly pg_dump backup (a scheduled
# job). The hourly antivirus checks of every PC are no beacon; the clerks'
# own work raises nothing.
x=0
(cd "$BK_SRCDIR" && bk-triage -o "$OLDPWD/out" samples/) > report.txt || x=$?
echo "exit $x"
sed -n '1,9p' report.txt
grep -E '^  [0-9]+ (CRITICAL|HIGH|MEDIUM|LOW) ' report.txt
echo "-- the beacon in the timeline, with its score"
grep -E '^  2015-[0-9-]+ [0-9:]+  high .*beacon: ' report.txt
echo "-- alerts: detector, severity, entity"
sed 's/.*"detector":"\([^"]*\)","severity":"\([^"]*\)".*/\1 \2/' out/alerts.ndjson | LC_ALL=C sort | uniq -c
grep -o '"detector":"[^"]*","severity":"[^"]*","score":[0-9.]*,\("actor":"[^"]*",\)\{0,1\}\("ip":"[^"]*",\)\{0,1\}\("dst":"[^"]*",\)\{0,1\}' out/alerts.ndjson |
	sed 's/"score":[0-9.]*,//' | LC_ALL=C sort
echo "-- errors.txt"
cat out/errors.txt
