#!/bin/sh
# CLI tests of bk-cat: every case in tests/cli/bk-cat/ (see lib.sh).
. "$BK_SRCDIR/tests/cli/lib.sh"
run_cases "$BK_SRCDIR/tests/cli/bk-cat"
