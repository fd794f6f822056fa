# A log line with personal data in its query string: findings as records,
# values masked, offsets counting the file's bytes.
printf '10.0.0.1 - - [08/May/2015:20:13:58 +0900] "GET /api/search?tel=090-3817-2946&mail=hanako%%40example.com HTTP/1.1" 200 512\n' > access.log
printf '10.0.0.2 - - [08/May/2015:20:14:01 +0900] "GET /index.html HTTP/1.1" 200 1024\n' >> access.log
bk-scan --format json access.log
