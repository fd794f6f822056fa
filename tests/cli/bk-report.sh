#!/bin/sh
# CLI tests of bk-report: every case in tests/cli/bk-report/ (see lib.sh).
. "$BK_SRCDIR/tests/cli/lib.sh"
run_cases "$BK_SRCDIR/tests/cli/bk-report"
