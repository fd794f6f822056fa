# --include and --exclude match file names found in directories.
mkdir d
printf 'a\n' > d/app.log
printf 'b\n' | gzip -c > d/app.log.1.gz
printf 'c\n' > d/notes.txt
bk-cat -r --include '*.log*' --exclude '*.gz' d
