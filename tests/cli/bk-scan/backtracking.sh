# A rule that backtracks catastrophically hits PCRE2's match limit: one
# warning naming the rule, and the other rules still find what they find.
mkdir rules
printf '[t.slow]\ndescription = d\ncategory = contact\nseverity = low\ntrigger = always\npattern = (?:a+)+[xy]\n' > rules/slow.rules
{
	i=0
	while [ $i -lt 3 ]; do
		printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa mail hanako@example.com\n'
		i=$((i + 1))
	done
} > input.txt
bk-scan --patterns rules --rules 't.slow,email' --format text input.txt
