# A damaged state file stops the run instead of reading everything again.
printf 'not a state file\n' > st
printf 'x\n' > a.log
bk-cat --state st a.log
