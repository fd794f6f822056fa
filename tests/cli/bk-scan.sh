#!/bin/sh
# CLI tests of bk-scan: every case in tests/cli/bk-scan/ (see lib.sh).
. "$BK_SRCDIR/tests/cli/lib.sh"
run_cases "$BK_SRCDIR/tests/cli/bk-scan"
