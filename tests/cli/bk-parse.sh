#!/bin/sh
# CLI tests of bk-parse: every case in tests/cli/bk-parse/ (see lib.sh).
. "$BK_SRCDIR/tests/cli/lib.sh"
run_cases "$BK_SRCDIR/tests/cli/bk-parse"
