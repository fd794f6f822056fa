#!/bin/sh
# CLI tests of bk-exfil: every case in tests/cli/bk-exfil/ (see lib.sh).
. "$BK_SRCDIR/tests/cli/lib.sh"
run_cases "$BK_SRCDIR/tests/cli/bk-exfil"
