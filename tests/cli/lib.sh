# lib.sh - the CLI test runner, sourced by tests/cli/TOOL.sh.
#
# run_cases DIR runs every case DIR/NAME.sh with `sh -eu` in a fresh
# temporary directory, with LC_ALL=C, TZ=UTC, no colour, and the built tools
# first on PATH, then compares what it printed and its exit status with
# NAME.sh.stdout, NAME.sh.stderr and NAME.sh.exit beside it (a missing file
# means: empty output, exit 0). A case that exits 77 was skipped (it said
# why on stderr). Cases may use $BK_DATA (tests/data), $BK_SRCDIR,
# `requires_decoder NAME` and `check_manpage TOOL`. The last line is the
# summary CI reads:
# "N passed, N failed, N skipped".

: "${BK_SRCDIR:?run through make check}" "${BK_BUILDDIR:?run through make check}"
PATH=$BK_BUILDDIR/tools:$PATH
LC_ALL=C
TZ=UTC
BK_DATA=$BK_SRCDIR/tests/data
export PATH LC_ALL TZ BK_DATA
unset NO_COLOR BK_PATTERNS

# check_manpage TOOL: --help and the man page list the same options (curl's
# test1139 idea), and the page has every section a user looks for.
check_manpage() {
	man=$BK_SRCDIR/tools/$1.1
	"$1" --help | grep -o -E '(^|[ ,])--?[a-zA-Z][a-z-]*' | tr -d ' ,' | sort -u > help.opts
	sed -n 's/^\.It //p' "$man" | grep -o 'Fl [\\-]*[a-zA-Z][a-z-]*' |
		sed 's/^Fl //; s/\\//g; s/^-\(.*\)/--\1/; s/^\([a-zA-Z]\)$/-\1/' | sort -u > man.opts
	diff help.opts man.opts
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS 'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
		grep -q "^\.Sh $s\$" "$man" || echo "missing section $s"
	done
}

run_cases() {
	dir=$1
	passed=0 failed=0 skipped=0
	for case in "$dir"/*.sh; do
		name=${case#"$BK_SRCDIR"/tests/cli/}
		name=${name%.sh}
		work=$(mktemp -d "${TMPDIR:-/tmp}/bk-cli.XXXXXX")
		(
			cd "$work" || exit 99
			requires_decoder() {
				case " $BK_DECODERS " in
				*" $1 "*) ;;
				*) echo "$1 support not built in" >&2; exit 77 ;;
				esac
			}
			set -eu
			. "$case"
		) >"$work/.stdout" 2>"$work/.stderr" </dev/null
		status=$?
		if [ "$status" -eq 77 ]; then
			skipped=$((skipped + 1))
			echo "SKIP: $name ($(cat "$work/.stderr"))"
			rm -rf "$work"
			continue
		fi
		want_exit=0
		[ -f "$case.exit" ] && want_exit=$(cat "$case.exit")
		ok=yes
		for stream in stdout stderr; do
			if [ -f "$case.$stream" ]; then
				want=$case.$stream
			else
				want=/dev/null
			fi
			if ! cmp -s "$want" "$work/.$stream"; then
				ok=no
				echo "--- $name: $stream differs (expected, then actual):"
				diff -u "$want" "$work/.$stream" | head -n 40
			fi
		done
		if [ "$status" != "$want_exit" ]; then
			ok=no
			echo "--- $name: exit status $status, expected $want_exit"
		fi
		if [ $ok = yes ]; then
			passed=$((passed + 1))
			echo "PASS: $name"
		else
			failed=$((failed + 1))
			echo "FAIL: $name"
		fi
		rm -rf "$work"
	done
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
}
