# Usage mistakes and unknown names: a message and exit status 2.
printf 'x\n' > x.log
bk-parse -f nosuch x.log || echo "status $?"
bk-parse --year 85 x.log || echo "status $?"
bk-parse --nginx-conf /dev/null x.log || echo "status $?"
cp -r "$BK_DATA/formats/nginx-conf" .
bk-parse --nginx-conf nginx-conf/nginx.conf --log-format nosuch x.log || echo "status $?"
bk-parse --nginx-conf /nonexistent/nginx.conf --log-format main x.log || echo "status $?"
bk-parse --log-format '%h %Q' -f apache x.log || echo "status $?"
bk-parse --format yaml x.log || echo "status $?"
bk-parse -j 65 x.log || echo "status $?"
