#!/bin/sh
# CLI tests of bk-access: every case in tests/cli/bk-access/ (see lib.sh).
. "$BK_SRCDIR/tests/cli/lib.sh"
run_cases "$BK_SRCDIR/tests/cli/bk-access"
