# Missing paths and directories without -r are errors; the rest is read.
printf 'kept\n' > ok.log
mkdir logs
bk-cat missing.log logs ok.log
