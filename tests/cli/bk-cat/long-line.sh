# With -H a line past --max-line is split, with a warning naming the line;
# without -H the bytes come out unchanged.
printf 'short\n0123456789abcdef\nend\n' > a.log
bk-cat -H --max-line 8 a.log
bk-cat --max-line 8 --state st a.log
