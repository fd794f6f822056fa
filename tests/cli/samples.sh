#!/bin/sh
# CLI tests of the bundled sample incident: every case in tests/cli/samples/.
. "$BK_SRCDIR/tests/cli/lib.sh"
run_cases "$BK_SRCDIR/tests/cli/samples"
