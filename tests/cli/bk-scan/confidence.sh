# A 12-digit number that passes the My Number check digit is low confidence
# on its own (one random number in ten does); a context word makes it high.
printf 'order 391504276812 shipped\n個人番号: 391504276812\n' > mixed.txt
bk-scan --format text mixed.txt
echo "-- low"
bk-scan --format text --min-confidence low mixed.txt
