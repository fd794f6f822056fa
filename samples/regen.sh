#!/bin/sh
# regen.sh - make the sample incident under samples/ with real servers, on a clock set to May 2015.
#
# WHY: samples/ must show what servers really write when a pension agency is breached, so
# that bk-triage and the tools under it can be shown and tested on it. This script installs
# PostgreSQL 15 + pgaudit, nginx, Squid, Samba (vfs_full_audit) and rsyslog from Debian 12,
# starts each by hand on its own configuration in a temporary directory, inside private
# network, UTS and mount namespaces (nothing can leave the machine; the system services are
# never started), and drives five days of a made-up agency through them with real clients
# (a Perl driver speaking HTTP, DBD::Pg, psql, pg_dump, smbclient). Every server runs under
# libfaketime, whose clock the driver sets before each event, so the servers write May 2015
# themselves and nothing in a log is rewritten afterwards. samples/README.md tells the
# story, the settings and the ground truth; the script checks its figures against the logs.
# Every person, account, password, host name and number in it is made up.
#
# USAGE: as root on Debian 12:  sh samples/regen.sh
#   BK_SAMPLES_OUT=DIR      write logs/ and exports/ there instead of next to this script
#   BK_SAMPLES_KEEP=1       keep the temporary directory (its path is printed)
#   BK_SAMPLES_NO_INSTALL=1 do not call apt-get (the packages must be there)
# Needs: apt-get, unshare and setpriv (util-linux), awk, gzip, iconv. About five minutes.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${BK_SAMPLES_OUT:-$here}
LC_ALL=C.UTF-8
TZ=Asia/Tokyo			# the agency's servers run on Japan time
export LC_ALL TZ

need_pkgs="postgresql postgresql-15-pgaudit nginx squid samba samba-vfs-modules smbclient
rsyslog libfaketime libdbd-pg-perl iproute2 util-linux"

say() { printf 'regen: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run me as root (I install packages and use namespaces)"

# ---------------------------------------------------------------- packages
# Install what is missing; a policy-rc.d that says "no" keeps the package scripts from
# starting the system services (removed again; one already there is left alone).
install_pkgs() {
	missing=
	for p in $need_pkgs; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	say "installing:$missing"
	made=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		made=1
	fi
	apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$missing >&2 || { [ -z "$made" ] || rm -f /usr/sbin/policy-rc.d; exit 1; }
	[ -z "$made" ] || rm -f /usr/sbin/policy-rc.d
}
if [ -z "${BK_SAMPLES_INNER:-}" ]; then
	[ "${BK_SAMPLES_NO_INSTALL:-0}" = 1 ] || install_pkgs
	# A network namespace with only a loopback (every host of the story gets its address
	# there, so each client really comes from its PC's address), a UTS namespace for the
	# host name rsyslog writes, and a mount namespace for the users Samba needs, the
	# share's path and the syslog socket, none of which touch the real system.
	BK_SAMPLES_INNER=1 exec unshare --net --uts --mount --propagation private -- \
		sh "$here/$(basename "$0")"
fi

# ---------------------------------------------------------------- the private world
FAKETIME_LIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
[ -f "$FAKETIME_LIB" ] || FAKETIME_LIB=$(find /usr/lib -name libfaketimeMT.so.1 | head -n 1)
[ -f "$FAKETIME_LIB" ] || die "libfaketime not found"
# shellcheck disable=SC2012	# the names are Debian's version numbers
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
[ -x "$PGBIN/postgres" ] || die "no PostgreSQL server under /usr/lib/postgresql"

T=$(mktemp -d /tmp/bk-samples.XXXXXX)
chmod 755 "$T"
pg_pid='' web_pid='' proxy_pid='' smb_pid='' log_pid='' drive_pid=''

stop() {	# pid variable name, signal
	eval "p=\$$1"
	[ -n "$p" ] || return 0
	kill "-$2" "$p" 2>/dev/null || :
	i=0
	while kill -0 "$p" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	eval "$1=''"
}
cleanup() {
	st=$?
	trap - EXIT INT TERM
	touch "$T/collected"
	stop drive_pid TERM
	stop smb_pid TERM
	stop proxy_pid TERM
	stop web_pid QUIT
	stop pg_pid INT
	stop log_pid TERM
	# $T/dev holds a bind of the real /dev: unmount it first, and never cross into it.
	[ ! -d "$T/dev" ] || umount -R -l "$T/dev" 2>/dev/null || :
	if [ "${BK_SAMPLES_KEEP:-0}" = 1 ]; then say "kept $T"; else rm -rf --one-file-system "$T"; fi
	exit "$st"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

hostname nenkin-fs01
ip link set lo up
# Servers, PCs and "the Internet" (documentation addresses, reachable only in here).
HOSTS="10.20.0.5 10.20.0.21 10.20.0.22 10.20.0.23 10.20.0.24 10.20.0.31 10.20.3.41
203.0.113.7 203.0.113.45 198.51.100.23 198.51.100.40 192.0.2.10 192.0.2.20"
for n in 11 12 13 14 15 16 17 18 19 20 21; do HOSTS="$HOSTS 10.20.3.$n"; done
for a in $HOSTS; do ip addr add "$a/32" dev lo; done

# The clock: a file holding the offset from the real time; every server reads it on each
# clock call (FAKETIME_NO_CACHE), and the driver rewrites it before each event.
echo "+0" > "$T/clock"
chmod 644 "$T/clock"
FT="LD_PRELOAD=$FAKETIME_LIB FAKETIME_TIMESTAMP_FILE=$T/clock FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1"
setclock() {	# JST "YYYY-MM-DD HH:MM:SS"
	echo "$(($(date -d "$1" +%s) - $(date +%s)))" > "$T/clock.new"
	mv "$T/clock.new" "$T/clock"
}
setclock '2015-05-05 21:00:00'		# set-up day; its logs are not kept

# Users for Samba exist only in this mount namespace, and so does /srv/samba.
mkdir -p "$T/etc" "$T/srv/samba/pension"
cp /etc/passwd /etc/group "$T/etc/"
CLERKS="sato.m:11 suzuki.h:12 takahashi.y:13 watanabe.s:14 ito.a:15 yamamoto.t:16
nakamura.e:17 kobayashi.r:18 kato.n:19 yoshida.m:20 yamada.h:21 tanaka.k:41"
uid=3000
echo "kanri:x:3000:" >> "$T/etc/group"
for c in $CLERKS; do
	uid=$((uid + 1))
	echo "${c%%:*}:x:$uid:3000:clerk:/nonexistent:/usr/sbin/nologin" >> "$T/etc/passwd"
done
mount --bind "$T/etc/passwd" /etc/passwd
mount --bind "$T/etc/group" /etc/group
mount --bind "$T/srv" /srv
# glibc's syslog() (Samba's audit) writes to /dev/log, and rsyslogd makes that socket.
# The real /dev must not get it (nor lose a socket already there): mount a private /dev
# (a tmpfs with binds of the few nodes the servers use) in this mount namespace.
mkdir -p "$T/dev"
mount --rbind /dev "$T/dev"
mount -t tmpfs -o mode=755 tmpfs /dev
for n in null zero full random urandom tty; do
	touch "/dev/$n"
	mount --bind "$T/dev/$n" "/dev/$n"
done
mkdir -p /dev/shm /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr

wait_for_log() {	# file, pattern
	i=0
	until [ -f "$1" ] && grep -q "$2" "$1"; do
		i=$((i + 1))
		[ "$i" -le 600 ] || { tail -n 20 "$1" >&2 || :; die "timed out waiting for $1"; }
		sleep 0.1
	done
}

# Run as nobody (PostgreSQL refuses root); "exec" so that $! is the server itself.
as_nobody() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups -- \
		env HOME="$T" TZ="$TZ" LC_ALL="$LC_ALL" PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# ================================================================ data
mkdir -p "$T/data" "$T/pg" "$T/web/logs" "$T/web/tmp" "$T/web/www" "$T/proxy" "$T/fs" \
	"$T/log" "$T/out/exports"
cp "$here/regen.pl" "$T/drive.pl"
chown -R nobody:nogroup "$T/web/tmp"
perl "$T/drive.pl" "$T" data

# ================================================================ rsyslog (for Samba)
cat > "$T/log/rsyslog.conf" <<EOF
# rsyslog for nenkin-fs01: Samba's audit facility to its own file, traditional format.
# The kernel's receive time (UseSysTimeStamp) would be the real clock: use rsyslog's own.
global(workDirectory="$T/log")
module(load="imuxsock" SysSock.UseSysTimeStamp="off")
local5.*	$T/log/audit.log;RSYSLOG_TraditionalFileFormat
EOF
(eval "exec env $FT rsyslogd -n -f '$T/log/rsyslog.conf' -i '$T/log/rsyslogd.pid'") \
	> "$T/log/rsyslogd.out" 2>&1 &
log_pid=$!
i=0; until [ -S /dev/log ] || [ "$i" -gt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S /dev/log ] || die "rsyslogd made no /dev/log"

# ================================================================ PostgreSQL (nenkin-db01)
# Debian's paths (they show in the log: pg_hba.conf's path in "connection authenticated"),
# bind-mounted from the temporary directory in the mount namespace.
mkdir -p "$T/pglib/15" "$T/pgetc/15/main"
mount --bind "$T/pglib" /var/lib/postgresql
mount --bind "$T/pgetc" /etc/postgresql
PGDATA=/var/lib/postgresql/15/main
chown -R nobody:nogroup "$T/pg" "$T/pglib" "$T/pgetc"
as_nobody "$PGBIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
	--auth-local=trust --auth-host=scram-sha-256 --no-sync > "$T/pg/initdb.log"
cat > "$PGDATA/nenkin.conf" <<EOF
listen_addresses = '*'
port = 5432
unix_socket_directories = '$T/pg'
shared_preload_libraries = 'pgaudit'
logging_collector = on
log_directory = 'log'
log_filename = 'postgresql-%Y-%m-%d.log'
log_rotation_age = 0
log_rotation_size = 0
log_line_prefix = '%m [%p] %q%u@%d '
log_timezone = 'Asia/Tokyo'
log_connections = on
log_disconnections = on
lc_messages = 'C'
pgaudit.log = 'read, write, ddl, role'
pgaudit.log_catalog = off
pgaudit.log_parameter = off
pgaudit.log_relation = off
pgaudit.log_rows = on
EOF
echo "hba_file = '/etc/postgresql/15/main/pg_hba.conf'" >> "$PGDATA/nenkin.conf"
echo "include = 'nenkin.conf'" >> "$PGDATA/postgresql.conf"
{ grep -v '^#' "$PGDATA/pg_hba.conf" | grep . ; echo "host all all 10.20.0.0/16 scram-sha-256"; } \
	> /etc/postgresql/15/main/pg_hba.conf
rm "$PGDATA/pg_hba.conf"
chown nobody:nogroup "$PGDATA/nenkin.conf" /etc/postgresql/15/main/pg_hba.conf
(eval "exec setpriv --reuid=nobody --regid=nogroup --clear-groups -- env $FT TZ=$TZ \
	LC_ALL=$LC_ALL '$PGBIN/postgres' -D '$PGDATA'") > "$T/pg/startup.log" 2>&1 &
pg_pid=$!
wait_for_log "$PGDATA/log/postgresql-2015-05-05.log" 'ready to accept connections'

# ================================================================ nginx (nenkin-app01 and "the Internet")
cat > "$T/web/nginx.conf" <<EOF
worker_processes 1;
user nobody nogroup;
daemon off;
pid $T/web/nginx.pid;
error_log $T/web/logs/error.log notice;
events { worker_connections 256; }
# nginx clears its workers' environment: keep libfaketime's settings (see README.md).
env LD_PRELOAD;
env FAKETIME_TIMESTAMP_FILE;
env FAKETIME_NO_CACHE;
env FAKETIME_DONT_FAKE_MONOTONIC;
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	client_max_body_size 64m;
	client_body_temp_path $T/web/tmp/body;
	proxy_temp_path $T/web/tmp/proxy;
	fastcgi_temp_path $T/web/tmp/fastcgi;
	uwsgi_temp_path $T/web/tmp/uwsgi;
	scgi_temp_path $T/web/tmp/scgi;
	access_log off;

	# Person ids that exist (100001..225000).
	map \$uri \$person_ok {
		"~^/api/persons/(1000(0[1-9]|[1-9][0-9])|100[1-9][0-9][0-9]|10[1-9][0-9][0-9][0-9]|1[1-9][0-9][0-9][0-9][0-9]|2[01][0-9][0-9][0-9][0-9]|22[0-4][0-9][0-9][0-9]|225000)\$" 1;
		default 0;
	}

	# nenkin-app01: the clerks' web app (HTTP Basic auth against the directory).
	server {
		listen 10.20.0.21:80;
		server_name nenkin-app01;
		root $T/web/www;
		access_log $T/web/logs/access.log combined;
		auth_basic "nenkin";
		auth_basic_user_file $T/web/htpasswd;
		location = /healthz { auth_basic off; return 200 "ok\n"; }
		location ~ ^/records/person/([0-9]+)\$ {
			default_type text/html;
			return 200 "<!DOCTYPE html><html><head><title>\$1</title></head><body><h1>被保険者記録 \$1</h1><table id=\"record\"></table><script src=\"/static/record.js\"></script></body></html>\n";
		}
		location = /records/search { default_type text/html; return 200 "<!DOCTYPE html><html><body><ul class=\"hits\"></ul></body></html>\n"; }
		location = /records/batch { default_type text/html; return 200 "<!DOCTYPE html><html><body onload=\"print()\"><div class=\"batch\"></div></body></html>\n"; }
		location ~ ^/api/persons/([0-9]+)\$ {
			default_type application/json;
			if (\$person_ok = 0) { return 404 '{"error":"not found"}\n'; }
			return 200 '{"id":\$1,"kiso_nenkin_no":"","shimei":"","furigana":"","seinengappi":"","jusho":"","denwa":""}\n';
		}
	}
	# "The Internet", reached only through the proxy; not logged.
	server {
		listen 203.0.113.45:80;
		location /cgi-bin/check.cgi { default_type text/html; return 200 "<html><head><meta http-equiv=\"refresh\" content=\"300\"></head><body><!-- 0 --></body></html>\n"; }
		location / { root $T/web/ext/update-check; }
	}
	server {
		listen 198.51.100.23:80;
		location = /u/put.php { proxy_pass http://127.0.0.1:8089/sink; }
		location / { default_type text/html; return 200 "<!DOCTYPE html><html><head><title>filedrop</title></head><body><form method=\"post\" action=\"/u/put.php\" enctype=\"multipart/form-data\"><input type=\"file\" name=\"f\"></form></body></html>\n"; }
	}
	server {
		listen 127.0.0.1:8089;
		location = /sink { default_type text/plain; return 200 "OK\n"; }
	}
	server {
		listen 198.51.100.40:80;
		location / { default_type text/plain; return 200 "version=20150507.2\nstatus=current\n"; }
	}
	server {
		listen 203.0.113.7:80;
		location / { root $T/web/ext/docs-share; }
	}
	server {
		listen 192.0.2.10:80;
		listen 192.0.2.20:80;
		location / { default_type text/html; return 200 "<!DOCTYPE html><html><body><p>news</p></body></html>\n"; }
	}
}
EOF
(eval "exec env $FT nginx -c '$T/web/nginx.conf' -e '$T/web/logs/error.log'") &
web_pid=$!
wait_for_log "$T/web/logs/error.log" 'start worker process'

# ================================================================ Squid (proxy)
cat > "$T/proxy/squid.conf" <<EOF
http_port 10.20.0.24:3128
acl lan src 10.20.0.0/16
http_access allow lan
http_access deny all
cache deny all
cache_mem 8 MB
cache_effective_user nobody
hosts_file $T/proxy/hosts
dns_nameservers 127.0.0.1
visible_hostname proxy.nenkin.example
pid_filename $T/proxy/squid.pid
cache_log $T/proxy/cache.log
coredump_dir $T/proxy
netdb_filename none
pinger_enable off
shutdown_lifetime 1 seconds
logfile_rotate 0
logformat squidup %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt %>st
access_log stdio:$T/proxy/access.log squidup
EOF
cat > "$T/proxy/hosts" <<EOF
203.0.113.45 update-check.example
198.51.100.23 upload.filedrop.example
198.51.100.40 av-update.example
203.0.113.7 docs-share.example
192.0.2.10 www.example.com
192.0.2.20 news.example.org
EOF
chown -R nobody:nogroup "$T/proxy"
(eval "exec env $FT squid -N -f '$T/proxy/squid.conf'") > "$T/proxy/stderr.log" 2>&1 &
proxy_pid=$!
wait_for_log "$T/proxy/cache.log" 'Accepting HTTP Socket connections'

# ================================================================ Samba (nenkin-fs01)
mkdir -p "$T/fs/lock" "$T/fs/state" "$T/fs/cache" "$T/fs/private" "$T/fs/pid" "$T/fs/log"
cat > "$T/fs/smb.conf" <<EOF
[global]
	server role = standalone server
	workgroup = NENKIN
	netbios name = NENKIN-FS01
	smb ports = 445 139
	lock directory = $T/fs/lock
	state directory = $T/fs/state
	cache directory = $T/fs/cache
	private dir = $T/fs/private
	pid directory = $T/fs/pid
	ncalrpc dir = $T/fs/state/ncalrpc
	log file = $T/fs/log/smbd.log
	passdb backend = tdbsam:$T/fs/private/passdb.tdb
	load printers = no
	printcap name = /dev/null
	disable spoolss = yes
	unix charset = UTF-8

[pension]
	path = /srv/samba/pension
	read only = no
	force group = kanri
	create mask = 0664
	directory mask = 0775
	vfs objects = full_audit
	full_audit:prefix = %u|%I|%m|%S
	full_audit:success = connect disconnect openat renameat unlinkat mkdirat
	full_audit:failure = openat
	full_audit:facility = LOCAL5
	full_audit:priority = NOTICE
EOF
printf '[global]\n\tclient min protocol = SMB2\n' > "$T/fs/client.conf"
for c in $CLERKS; do
	u=${c%%:*}
	printf '%s\n%s\n' "$u-synthetic-pw" "$u-synthetic-pw" |
		smbpasswd -c "$T/fs/smb.conf" -s -a "$u" > /dev/null
done
chgrp -R kanri /srv/samba/pension
chmod -R g+rwX /srv/samba/pension
# smbd leads its own process group (it signals that group when it stops).
(eval "exec env $FT smbd -F -s '$T/fs/smb.conf'") > "$T/fs/stdout.log" 2>&1 &
smb_pid=$!
wait_for_log "$T/fs/log/smbd.log" 'daemon.*started\|smbd version'
sleep 1

# ================================================================ the five days
say "servers up in $T; driving the story"
BK_PGBIN=$PGBIN BK_PGDATA=$PGDATA BK_WEB_PID=$web_pid BK_PROXY_PID=$proxy_pid \
	perl "$T/drive.pl" "$T" run &
drive_pid=$!
until [ -e "$T/driven" ]; do
	kill -0 "$drive_pid" 2>/dev/null || { wait "$drive_pid" || :; die "the driver failed"; }
	sleep 0.5
done
# Mon 11 May 08:00: the evidence is collected from the running servers (as a responder
# would); they are stopped afterwards, so their shutdown messages are not in the samples
# (PostgreSQL's postmaster would stamp its own with the real time, see README.md).
setclock '2015-05-11 08:00:00'
sleep 1

# ================================================================ the samples
# Rotated names as Debian's logrotate leaves them (daily, compress, delaycompress) for
# nginx and Squid; PostgreSQL's own daily files, older ones gzipped by a cron job.
o=$T/out
mkdir -p "$o/logs/web" "$o/logs/proxy" "$o/logs/db" "$o/logs/fileserver"
rot() {	# dir, base name in $T, destination dir
	n=0
	for d in 11 10 09 08 07 06; do
		f=$1/$2.201505$d
		[ "$d" != 11 ] || f=$1/$2
		case $n in
		0) cp "$f" "$3/$2" ;;
		1) cp "$f" "$3/$2.1" ;;
		*) gzip -9n < "$f" > "$3/$2.$n.gz" ;;
		esac
		n=$((n + 1))
	done
}
rot "$T/web/logs" access.log "$o/logs/web"
rot "$T/proxy" access.log "$o/logs/proxy"
for d in 06 07 08 09 10 11; do
	f=$PGDATA/log/postgresql-2015-05-$d.log
	case $d in
	0[678]) gzip -9n < "$f" > "$o/logs/db/postgresql-2015-05-$d.log.gz" ;;
	*) cp "$f" "$o/logs/db/" ;;
	esac
done
cp "$T/log/audit.log" "$o/logs/fileserver/audit.log"
# The temporary directory must show in no log (the share is /srv/samba/pension and
# PostgreSQL's files are under Debian's paths, in the mount namespace).
for f in "$o"/logs/*/*; do
	if gzip -dcf "$f" | grep -q -F "$T"; then die "$f shows $T"; fi
done

touch "$T/collected"		# the driver closes the app's connections and exits
wait "$drive_pid"
drive_pid=
stop smb_pid TERM
stop proxy_pid TERM
stop web_pid QUIT
stop pg_pid INT
stop log_pid TERM

perl "$T/drive.pl" "$T" check
mkdir -p "$out"
rm -rf "$out/logs" "$out/exports"
cp -R "$o/logs" "$o/exports" "$out/"
chmod -R u=rwX,go=rX "$out/logs" "$out/exports"
{
	printf 'postgresql=%s\n' "$("$PGBIN/postgres" --version | sed 's/^postgres (PostgreSQL) //')"
	printf 'pgaudit=%s\n' "$(dpkg-query -W -f='${Version}' postgresql-15-pgaudit)"
	printf 'nginx=%s\n' "$(nginx -v 2>&1 | sed 's|.*/||')"
	printf 'squid=%s\n' "$(squid -v | sed -n '1s/.*Version //p')"
	printf 'samba=%s\n' "$(smbd -V | sed 's/^Version //')"
	printf 'rsyslog=%s\n' "$(dpkg-query -W -f='${Version}' rsyslog)"
	printf 'libfaketime=%s\n' "$(dpkg-query -W -f='${Version}' libfaketime)"
} > "$out/versions.txt"
say "samples written to $out"
(cd "$out" && find logs exports -type f | LC_ALL=C sort | xargs wc -c) >&2
