# A reader that stops early (| head) ends bk-cat quietly with status 0.
seq 1 200000 | gzip -c > big.gz
{ bk-cat big.gz; echo "status $?" >&2; } | head -n 2
