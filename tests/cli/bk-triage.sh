#!/bin/sh
# CLI tests of bk-triage: see tests/cli/lib.sh.
. "$BK_SRCDIR/tests/cli/lib.sh"
run_cases "$BK_SRCDIR/tests/cli/bk-triage"
