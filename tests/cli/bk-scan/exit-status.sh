# Exit 0 when something is found, 1 when nothing is, 2 on errors (after
# scanning everything else).
printf 'nothing personal here\n' > clean.log
printf 'mail: hanako@example.com\n' > dirty.log
bk-scan --format text clean.log || echo "clean: $?"
bk-scan --format text missing.log dirty.log || echo "missing: $?"
