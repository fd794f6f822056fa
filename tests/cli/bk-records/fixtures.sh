# Every fixture made by the real tools (tests/data/exports/regen.sh): exact
# inventories, and 38 distinct people over all of them.
cd "$BK_DATA/exports"
bk-records --format json pg_dump.sql pg_dump-inserts.sql pg_dump-column-inserts.sql \
	mysqldump.sql mysqldump-single.sql sqlite.sql persons-bom.csv persons-eucjp.csv \
	persons-sjis.csv persons.ndjson inquiries.tsv
