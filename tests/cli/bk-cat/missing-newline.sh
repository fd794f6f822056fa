# An input whose last line has no newline does not run into the next one.
printf 'no newline' > one
printf 'next\n' > two
bk-cat one two
