# A malformed rule file names the file and line, and nothing is scanned.
mkdir rules
printf '[t.x]\ndescription = x\ncategory = contact\nsevrity = high\npattern = ab(\n' > rules/bad.rules
printf 'x\n' > a.txt
bk-scan --patterns rules a.txt
