# Usage mistakes exit 2 with a pointer to --help; --help matches the man page.
check_manpage bk-records
bk-records --emit-subjects x.csv 2>&1 || echo "exit $?"
bk-records -t xml x.csv 2>&1 || echo "exit $?"
printf 'a,b\n1,2\n' | bk-records --format json || echo "exit $?"
bk-records -j 0 x.csv 2>&1 || echo "exit $?"
