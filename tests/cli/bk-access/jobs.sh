# A raw log parsed on worker threads (-j) gives what one thread gives: the
# same alerts, state records, summary and messages. 40,000 requests (over
# 4 MB: chunks of about 1 MiB, so several threads each take some) from 400
# clients over two hours, one request in eight from u7, which walks ids
# from 5001 after 08:30; unparsed lines and blank lines between.
awk 'BEGIN {
	for (i = 0; i < 40000; i++) {
		t = 8 * 3600 + int(i * 7200 / 40000)
		k = i % 8 == 3 ? 7 : i % 400
		if (k == 7 && t >= 8 * 3600 + 1800)
			path = "/api/persons/" (5001 + w++)
		else
			path = "/api/persons/" ((i * 7919) % 100000)
		printf "10.0.0.%d - u%d [04/May/2015:%02d:%02d:%02d +0000] \"GET %s HTTP/1.1\" %d %d \"-\" \"curl/7.88.1\"\n",
		    k, k, int(t / 3600), int(t / 60) % 60, t % 60, path, i % 97 == 0 ? 404 : 200, 200 + i % 300
		if (i % 9973 == 5)
			print "garbage line " i
		if (i % 12345 == 0)
			print ""
	}
}' > access.log
wc -l < access.log
for j in 1 2 3; do
	bk-access -j $j -f nginx --format json --summary access.log > alerts-$j.json 2> err-$j.txt ||
		echo "status $?"
	bk-access -j $j -f nginx --emit-state access.log > state-$j.json 2>/dev/null
done
grep '"type":"alert"' alerts-2.json
tail -n 1 alerts-2.json | sed 's/"activity".*//'
cat err-2.txt
cmp alerts-1.json alerts-2.json && cmp alerts-1.json alerts-3.json && echo "alerts: the same on 1, 2 and 3 threads"
cmp err-1.txt err-2.txt && cmp err-1.txt err-3.txt && echo "messages: the same"
cmp state-1.json state-2.json && cmp state-1.json state-3.json && echo "state: the same"
grep -c '"type":"state"' state-2.json
# The merged state of the threaded run alerts as the single pass does.
bk-access --merge --format json --summary state-2.json | cmp - alerts-1.json && echo "merged: the same"
