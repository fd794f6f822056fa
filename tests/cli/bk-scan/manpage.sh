# --help and the man page list the same options (curl's test1139 idea), and
# the man page has every section a user looks for.
man=$BK_SRCDIR/tools/bk-scan.1
bk-scan --help | grep -o -E '(^|[ ,])--?[a-zA-Z][a-z-]*' | tr -d ' ,' | sort -u > help.opts
sed -n 's/^\.It //p' "$man" | grep -o 'Fl [\\-]*[a-zA-Z][a-z-]*' |
	sed 's/^Fl //; s/\\//g; s/^-\(.*\)/--\1/; s/^\([a-zA-Z]\)$/-\1/' | sort -u > man.opts
diff help.opts man.opts
for s in NAME SYNOPSIS DESCRIPTION OPTIONS 'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
	grep -q "^\.Sh $s\$" "$man" || echo "missing section $s"
done
