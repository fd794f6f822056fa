# A value straddling the input layer's 256 KiB read boundary is found, at
# the right offset, at every position across the boundary.
i=0 ok=0
while [ $i -le 16 ]; do
	head -c $((262144 - 8 + i)) /dev/zero | tr '\0' 'x' > f
	printf ' 090-3817-2946 \n' >> f
	got=$(bk-scan --format tsv --rules jp.phone f | awk -F '\t' 'NR == 2 { print $3 }')
	[ "$got" = $((262144 - 8 + i + 1)) ] && ok=$((ok + 1))
	i=$((i + 1))
done
echo "$ok of 17 positions found at the right offset"
