# Usage mistakes: a message, the usage on stderr, exit 2, nothing written.
x=0; bk-triage 2>err.txt || x=$?; echo "no evidence: exit $x"; head -n 1 err.txt
x=0; bk-triage --colour ev 2>err.txt || x=$?; echo "unknown option: exit $x"; head -n 1 err.txt
x=0; bk-triage -j 0 . 2>err.txt || x=$?; echo "bad jobs: exit $x"; cat err.txt
x=0; bk-triage --fail-on severe . 2>err.txt || x=$?; echo "bad severity: exit $x"; cat err.txt
x=0; bk-triage -o out nosuch 2>err.txt || x=$?; echo "missing evidence: exit $x"; cat err.txt
x=0; bk-triage --tz 2>err.txt || x=$?; echo "no value: exit $x"; cat err.txt
ls
