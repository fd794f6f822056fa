# nginx's combined log read raw, with bk-parse's --ids: the API walk and the
# export, by address only (--by ip). The clerks' HEAD of the export and
# their 401s are not reads.
r=$BK_DATA/real
cp "$r"/nginx-combined.log .
bk-access -f nginx --ids 'path:/api/persons/{id}' --by ip --format json nginx-combined.log
echo "status $?"
# A threshold above 300: no bulk-distinct.
bk-access -f nginx --by ip --threshold 301 --format text nginx-combined.log | grep -c bulk-distinct ||
	echo "no bulk-distinct at 301"
