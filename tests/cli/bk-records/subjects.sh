# Counters from two "machines" (the dumps on one, the CSV exports on the
# other) merge into the count one run over everything gives, with no value in
# the state records.
head -c 32 /dev/zero | tr '\0' k > key
cd "$BK_DATA/exports"
bk-records --hash-key "$OLDPWD/key" --emit-subjects pg_dump.sql mysqldump.sql > "$OLDPWD/a.state"
bk-records --hash-key "$OLDPWD/key" --emit-subjects persons-sjis.csv persons.ndjson > "$OLDPWD/b.state"
cd "$OLDPWD"
grep -c '"type":"state"' a.state b.state
! grep -E 'example|4[0-9]{3}-[0-9]{6}' a.state b.state
bk-records --count-subjects --format json a.state b.state
bk-records --count-subjects --format text a.state b.state
