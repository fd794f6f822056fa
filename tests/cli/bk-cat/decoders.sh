# zstd, xz and bzip2 when built in, recognised by content.
requires_decoder zstd
requires_decoder xz
requires_decoder bzip2
printf 'zs\n' | zstd -q -c > a
printf 'xz\n' | xz -c > b
printf 'bz\n' | bzip2 -c > c
bk-cat a b c
