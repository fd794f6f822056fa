# --help and the man page agree, the page has the usual sections, and it
# lists every format with the example line --list-formats shows (the line
# --check-formats parses).
check_manpage bk-parse
man=$BK_SRCDIR/tools/bk-parse.1
bk-parse --list-formats | while IFS= read -r line; do
	case $line in
	"	"*)
		ex=${line#	}
		sed -n 's/^\\&//p' "$man" | sed 's/\\e/\\/g' | grep -q -F -x -e "$ex" ||
			echo "example missing from the man page: $ex" ;;
	*)
		name=${line%%	*}
		grep -q -x -F ".It Cm $name" "$man" || echo "format missing from the man page: $name" ;;
	esac
done
