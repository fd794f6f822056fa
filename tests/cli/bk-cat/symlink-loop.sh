# A symlink loop under -r is reported (exit 2, as grep -r); every file is
# still read once.
mkdir -p d/sub
printf 'x\n' > d/sub/a.log
ln -s .. d/sub/up
bk-cat -r d
