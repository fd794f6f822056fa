# bk-parse reads every sample log with the invocations samples/README.md gives,
# with no unparsed line (it would say so on stderr), and the planted figures
# of the README's ground truth come out of its records.
cd "$BK_SRCDIR/samples"
bk-parse -f nginx --format tsv logs/web/access.log.5.gz logs/web/access.log.4.gz \
	logs/web/access.log.3.gz logs/web/access.log.2.gz logs/web/access.log.1 logs/web/access.log > "$OLDPWD/web.tsv"
bk-parse -f squid --format tsv logs/proxy/access.log.5.gz logs/proxy/access.log.4.gz \
	logs/proxy/access.log.3.gz logs/proxy/access.log.2.gz logs/proxy/access.log.1 logs/proxy/access.log > "$OLDPWD/proxy.tsv"
bk-parse -f postgres --pg-prefix '%m [%p] %q%u@%d ' --format tsv logs/db/postgresql-2015-05-*.log* \
	> "$OLDPWD/db.tsv"
bk-parse -f samba --year 2015 --tz Asia/Tokyo --format tsv logs/fileserver/audit.log > "$OLDPWD/fs.tsv"
cd "$OLDPWD"
# Columns: 1 ts, 5 actor, 6 ip, 7 dst, 8 action, 9 object, 10 ids, 11 rows, 12 bytes_in,
# 13 bytes_out, 14 status, 15 method.
echo "web events: $(($(wc -l < web.tsv) - 1))"
awk -F'\t' '$5 == "tanaka.k" && $9 ~ /^\/api\/persons\// && $14 == 200 { n[$10]++; if (!f) f = substr($1, 1, 19); l = substr($1, 1, 19) }
	END { k = 0; for (i in n) k++; print "api walk: " k " distinct ids, " f " to " l }' web.tsv
awk -F'\t' '$9 == "/export/persons.csv" { print "export: " $13 " bytes at " substr($1, 1, 19) }' web.tsv
echo "proxy events: $(($(wc -l < proxy.tsv) - 1))"
awk -F'\t' '$7 == "update-check.example" && $9 == "/cgi-bin/check.cgi" { n++; if (!f) f = substr($1, 1, 19); l = substr($1, 1, 19) }
	END { print "beacons: " n " from " f " to " l }' proxy.tsv
awk -F'\t' '$7 == "upload.filedrop.example" && $15 == "POST" { n++; s += $12 }
	END { print "uploads: " n " requests, " s " bytes in" }' proxy.tsv
awk -F'\t' '$7 == "update-check.example" || $7 == "upload.filedrop.example" { ip[$6]++ }
	END { for (i in ip) print "talks to them: " i }' proxy.tsv
echo "db events: $(($(wc -l < db.tsv) - 1))"
awk -F'\t' '$5 == "tanaka.k" && $11 == 125000 { print "tanaka.k read " $11 " rows of " $9 " at " substr($1, 1, 19) }' db.tsv
awk -F'\t' '$5 == "nenkin_app" && $11 == 125000 { print "nenkin_app read " $11 " rows of " $9 " at " substr($1, 1, 19) }' db.tsv
echo "fileserver events: $(($(wc -l < fs.tsv) - 1))"
# The sweep opened 163 files; one has a CP932 (not UTF-8) name, whose bytes
# bk-parse writes as U+FFFD, the rest of the path kept.
awk -F'\t' '$5 == "tanaka.k" && $8 == "read" && $1 >= "2015-05-08T09:55" && $1 < "2015-05-08T10:07" &&
	$9 ~ /\.(xlsx|csv|sql)$/ { n[$9]++ } END { k = 0; for (i in n) k++; print "share sweep: " k " distinct files read" }' fs.tsv
