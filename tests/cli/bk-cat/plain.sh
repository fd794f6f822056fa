# Plain text comes out as it went in.
printf 'GET /a\nGET /b\n' > access.log
bk-cat access.log
