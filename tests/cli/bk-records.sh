#!/bin/sh
# CLI tests of bk-records: every case in tests/cli/bk-records/ (see lib.sh).
. "$BK_SRCDIR/tests/cli/lib.sh"
run_cases "$BK_SRCDIR/tests/cli/bk-records"
