# Bad records are named with their line, the rest is still read, exit 2.
printf 'not json\n{"type":"state","tool":"bk-exfil","version":1,"kind":"pair","src":"a"}\n{"type":"event","ts":"2026-11-22T00:00:00.000Z","ip":"10.0.0.1","dst":"x.example"}\n' |
	bk-exfil --format text --summary
