# Any split of the input, emitted as state and merged in any order, gives
# one pass's alerts (evidence aside: it names the split files and lines).
log=$BK_DATA/real/squid-custom.log
conf="--squid-conf $BK_DATA/real/squid.conf --log-format bkx"
head -n 12 "$log" > a.log
tail -n +13 "$log" > b.log
bk-exfil $conf --format json "$log" | sed 's/"evidence":{[^}]*},//' > one.out
bk-exfil $conf --emit-state b.log > b.state
bk-exfil $conf --emit-state a.log > a.state
cat b.state a.state | bk-exfil --merge --format json | sed 's/"evidence":{[^}]*},//' > merged.out
cmp one.out merged.out && echo same
grep -c '"kind":"pair"' a.state b.state
