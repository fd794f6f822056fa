# Record ids in URLs: the defaults (a number after a word segment, id and
# *_id parameters), then --ids templates and parameters instead of them,
# and a malformed --ids named as such.
cat > access.log <<'LOG'
192.0.2.10 - alice [22/Nov/2026:10:00:00 +0900] "GET /api/persons/1234?person_id=77 HTTP/1.1" 200 10 "-" "ua"
192.0.2.10 - alice [22/Nov/2026:10:00:01 +0900] "GET /v2/people/P-9912/card?pid=42&id=5 HTTP/1.1" 200 10 "-" "ua"
LOG
for spec in "" "path:/v2/people/{id}/card" "query:pid" "path:/api/*/{id},query:pid"; do
	echo "--ids '$spec':"
	if [ -z "$spec" ]; then
		bk-parse -f nginx --format json access.log
	else
		bk-parse -f nginx --ids "$spec" --format json access.log
	fi | sed -n 's/.*"object":"\([^"]*\)".*"ids":\(\[[^]]*\]\).*/  \1 \2/p; /"ids"/!s/.*"object":"\([^"]*\)".*/  \1 (none)/p'
done
bk-parse -f nginx --ids 'paths:/x' access.log 2>&1 >/dev/null || echo "exit $?"
