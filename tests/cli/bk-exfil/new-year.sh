# Raw logs read with -f and --year go through the same years as bk-parse:
# a syslog file that crosses New Year dates its January lines in the next
# year, a late line of 31 December stays in its own, and each file starts
# again at --year (jan.log: its January is 2015's). The summary's first
# and last times and hours show it.
printf '%s\n' 'Dec 31 23:59:58 db1 sshd[1]: Accepted password for alice from 10.0.0.1 port 22 ssh2' \
	'Jan  1 00:00:03 db1 sshd[2]: Accepted password for bob from 10.0.0.2 port 22 ssh2' \
	'Dec 31 23:59:59 db1 sshd[3]: Accepted password for carol from 10.0.0.1 port 22 ssh2' \
	'Jan  1 01:00:00 db1 sshd[4]: Accepted password for bob from 10.0.0.2 port 22 ssh2' > ny.log
printf '%s\n' 'Jan  3 10:00:00 db2 sshd[5]: Accepted password for erin from 10.0.0.3 port 22 ssh2' > jan.log
x=0; bk-exfil -f syslog --year 2015 --format json --summary ny.log > summary.json || x=$?
echo "status $x"; cat summary.json
x=0; bk-exfil -f syslog --year 2015 --format json --summary ny.log jan.log > summary.json || x=$?
echo "status $x"; cat summary.json
