# On a terminal (a pseudo-terminal from script(1)) the default is text with
# colour; NO_COLOR turns the colour off; a pipe gets JSON and no colour.
command -v script >/dev/null 2>&1 || { echo "script(1) not installed" >&2; exit 77; }
in=$BK_SRCDIR/tests/cli/bk-report/access-alerts.ndjson
script -qec "bk-report '$in'" /dev/null </dev/null >tty.out || true
NO_COLOR=1 script -qec "bk-report '$in'" /dev/null </dev/null >nocolor.out || true
esc=$(printf '\033')
head -n 1 tty.out | tr -d '\r' | sed "s/$esc/ESC/g"
grep -c "$esc\[31mHIGH$esc\[0m" tty.out
grep -c "$esc" nocolor.out || true
head -n 1 nocolor.out | tr -d '\r'
bk-report "$in" | head -c 30; echo
