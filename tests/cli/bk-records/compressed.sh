# A compressed dump reads as the plain one; tsv lists one line per column.
gzip -c "$BK_DATA/exports/mysqldump.sql" > dump.sql.gz
bk-records --format tsv dump.sql.gz
