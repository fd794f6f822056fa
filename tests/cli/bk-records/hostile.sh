# Damaged exports: each problem is reported with file and line, the rest is
# still counted, and the exit status is 2.
e=$BK_DATA/exports
# an unterminated quoted field: the rows before it count
{ head -n 5 "$e/persons-bom.csv"; printf '99,"山田 次郎,1970-01-01\n100,x\n'; } > quote.csv
# a field of 50 MB (cut to --max-field), then a row that still counts
{ echo 'id,email,note'; printf '1,a1@example.jp,'; head -c 50000000 /dev/zero | tr '\0' x; \
  printf '\n2,b2@example.jp,short\n'; } > big.csv
# Shift_JIS lines inside a UTF-8 file
{ head -n 3 "$e/persons-bom.csv"; sed -n 2p "$e/persons-sjis.csv"; } > mixed.csv
# dumps cut off inside an INSERT and inside a COPY block
head -c 3000 "$e/mysqldump.sql" > cut-my.sql
grep -n 'COPY public.persons' "$e/pg_dump.sql" | cut -d: -f1 > n
head -n $(($(cat n) + 10)) "$e/pg_dump.sql" > cut-pg.sql
status=0
bk-records --format json quote.csv big.csv mixed.csv cut-my.sql cut-pg.sql > out.json 2> err || status=$?
echo "exit $status"
cat err
grep -o '"file":"[^"]*","format":"[a-z_]*","encoding":"[a-z0-9-]*","rows":[0-9]*,"rows_with_pii":[0-9]*' out.json
grep -o '"table":"[^"]*","format":"[a-z_]*","encoding":"[a-z0-9-]*","rows":[0-9]*' out.json
