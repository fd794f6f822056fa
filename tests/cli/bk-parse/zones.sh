# Times without a zone or year take --tz and --year; times with one keep it.
cp "$BK_DATA/formats/auth.log" .
bk-parse -f syslog --tz Asia/Tokyo --year 2025 --format tsv auth.log | cut -f1-6
printf '2026-07-01T10:00:00.5+02:00 host sshd[1]: Invalid user x from 192.0.2.1 port 22\n' |
	bk-parse -f syslog --tz Asia/Tokyo --format tsv | cut -f1,5,6,8,14
bk-parse -f syslog --tz Mars/Olympus auth.log || echo "status $?"
