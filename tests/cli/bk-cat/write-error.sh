# A full disk is an error, never a silent truncation.
printf 'data\n' > a.log
bk-cat a.log > /dev/full
