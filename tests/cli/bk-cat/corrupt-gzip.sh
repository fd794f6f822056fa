# Garbage after a gzip member is reported once its data was delivered.
printf 'good\n' | gzip -c > bad.gz
printf 'not gzip at all' >> bad.gz
bk-cat bad.gz
