# Standard input: by default, and as - among paths. The same file given
# twice is read once (aggregating tools must not count it twice).
printf 'piped\n' | gzip -c | bk-cat
printf 'file\n' > f
printf 'dash\n' | bk-cat f - f
