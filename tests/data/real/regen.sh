#!/bin/sh
# regen.sh - make the fixtures in tests/data/real/ with the real servers from Debian 12.
#
# WHY: bk-parse (issue 4) must read what servers really write, not what we believe they
# write, and bk-access (issue 5) needs an end-to-end case whose answer is known. So this
# script installs PostgreSQL 15 + pgaudit, MariaDB (server_audit), nginx and Squid from
# Debian, starts each one by hand as an unprivileged user in a private temporary directory
# (own config, data, logs, ports on loopback only; the system services are never started),
# drives a small synthetic pension-agency workload through them with the real clients,
# stops them, and copies the logs here under stable names with the configs that made them.
# Every person, account, password, host name and number below is made up.
#
# THE STORY: five clerks (clerk01..clerk05, each on their own PC 127.0.0.11..15) look up a
# few dozen people one at a time. The account clerk07, used from the PC 127.0.0.77, walks
# person ids BULK_FIRST..BULK_LAST one by one with a prepared statement, reads the whole
# table (SELECT *, COPY/INTO OUTFILE, pg_dump/mariadb-dump), walks the web API over the
# same ids and downloads the CSV export; that PC also calls home through the proxy at a
# fixed interval and uploads a few MB. The truth figures go to truth.txt; they are computed
# from what was driven and then checked against the logs (the script fails on a mismatch).
#
# USAGE: run as root on Debian 12:  sh tests/data/real/regen.sh
#   BK_REAL_OUT=DIR     write the fixtures there instead of next to this script
#   BK_REAL_USER=NAME   unprivileged user to run the servers and clients as (nobody)
#   BK_REAL_KEEP=1      keep the temporary directory (its path is printed)
#   BK_REAL_NO_INSTALL=1  do not call apt-get (the packages must be there)
# Needs: apt-get, setpriv, unshare (util-linux), awk, and what it installs. About a minute.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${BK_REAL_OUT:-$here}
runas=${BK_REAL_USER:-nobody}
LC_ALL=C.UTF-8
TZ=Asia/Tokyo			# the agency's servers run on Japan time
export LC_ALL TZ

# Ports on 127.0.0.1 that nothing else is likely to use.
PG_PORT=25432
MY_PORT=23306
WEB_PORT=28080			# the portal (Basic auth, logged in three formats)
APP_PORT=28081			# the API backend behind the portal (not logged)
EXT_PORT=28090			# stands for "the Internet" behind the proxy (not logged)
PROXY_PORT=23128

# The people in the story. Clerk N sits at 127.0.0.(10+N) and looks up CLERK_LOOKUPS[N]
# people; the planted reader is clerk07 at 127.0.0.77.
CLERKS="1 2 3 4 5"
clerk_lookups() { set -- "$1" 24 30 20 26 22; shift "$1"; echo "$1"; }
BULK_USER=clerk07
BULK_IP=127.0.0.77
BULK_FIRST=1001
BULK_LAST=1300
PERSONS=10000
EXPORT_ROWS=3000		# rows in the portal's CSV export
BEACONS=8			# call-home requests through the proxy ...
BEACON_EVERY=2			# ... this many seconds apart
UPLOADS="2097152 3145728 4194304"	# bodies POSTed out through the proxy, bytes
PW_SUFFIX=synthetic-pw		# every account's password is NAME-synthetic-pw

need_pkgs="postgresql postgresql-15-pgaudit mariadb-server mariadb-client nginx squid
curl netcat-openbsd libdbd-pg-perl libdbd-mariadb-perl iproute2 util-linux"

say() { printf 'regen: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "run me as root (I install packages and drop to $runas)"

# ---------------------------------------------------------------- packages
# Install what is missing. A policy-rc.d that says "no" keeps the package scripts from
# starting the system services (it is removed again; one already there is left alone).
policy_made=
install_pkgs() {
	missing=
	for p in $need_pkgs; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	say "installing:$missing"
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		policy_made=1
	fi
	apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		$missing >&2
	if [ -n "$policy_made" ]; then
		rm -f /usr/sbin/policy-rc.d
		policy_made=
	fi
}
if [ -z "${BK_REAL_INNER:-}" ]; then
	[ "${BK_REAL_NO_INSTALL:-0}" = 1 ] || install_pkgs
	# Everything else runs in a private network namespace (only a loopback, so no traffic
	# can leave the machine) with its own host name (server_audit logs it). Each PC of
	# the story gets its loopback address: a client that connects to 127.0.0.77 there
	# comes from 127.0.0.77, which is how libpq and the MariaDB clients, that cannot
	# choose their source address, show up from the right "PC".
	BK_REAL_INNER=1 exec unshare --net --uts -- sh "$here/$(basename "$0")"
fi
hostname localhost
ip link set lo up
for a in 127.0.0.11 127.0.0.12 127.0.0.13 127.0.0.14 127.0.0.15 127.0.0.77; do
	ip addr add "$a/32" dev lo
done

# shellcheck disable=SC2012	# the names are Debian's version numbers
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
[ -x "$PGBIN/postgres" ] || die "no PostgreSQL server under /usr/lib/postgresql"

# ---------------------------------------------------------------- the private world
T=$(mktemp -d /tmp/bk-real.XXXXXX)
rungrp=$(id -gn "$runas")
pg_pid='' my_pid='' web_pid='' proxy_pid='' beacon_pid=''

# Stop what we started, by pid, in reverse order; remove the temporary directory.
cleanup() {
	st=$?
	trap - EXIT INT TERM
	[ -z "$beacon_pid" ] || kill "$beacon_pid" 2>/dev/null || :
	stop_proxy || :
	stop_web || :
	stop_my || :
	stop_pg || :
	[ -z "$policy_made" ] || rm -f /usr/sbin/policy-rc.d
	if [ "${BK_REAL_KEEP:-0}" = 1 ]; then say "kept $T"; else rm -rf "$T"; fi
	exit "$st"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$T/home" "$T/pg" "$T/my/files" "$T/web/logs" "$T/web/tmp" "$T/web/www/export" \
	"$T/proxy" "$T/data"
chown -R "$runas:$rungrp" "$T"

# Run a command as the unprivileged user.
as_user() {
	setpriv --reuid="$runas" --regid="$rungrp" --clear-groups -- \
		env HOME="$T/home" TZ="$TZ" LC_ALL="$LC_ALL" PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
# The same in place of the calling (sub)shell: "(exec_as_user server ...) &" makes $! the
# server's own pid (setpriv and env exec too), so we can stop exactly what we started.
exec_as_user() {
	exec setpriv --reuid="$runas" --regid="$rungrp" --clear-groups -- \
		env HOME="$T/home" TZ="$TZ" LC_ALL="$LC_ALL" PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}

# Wait until FILE contains PATTERN (a server said it is ready), at most 60 s.
wait_for_log() {
	i=0
	until [ -f "$1" ] && grep -q "$2" "$1"; do
		i=$((i + 1))
		[ "$i" -le 600 ] || { tail -n 20 "$1" >&2 || :; die "timed out waiting for $1"; }
		sleep 0.1
	done
}

stamp() { date -u +%Y-%m-%dT%H:%M:%S.%3NZ; }

# ---------------------------------------------------------------- synthetic people
# persons.tsv: id, name, kana, birth_date, pension_no (basic pension number, 4-6 digits),
# address. Deterministic: every run makes the same 10,000 people.
awk -v n="$PERSONS" 'BEGIN {
	OFS = "\t"
	nf = split("山田 佐藤 鈴木 高橋 田中 伊藤 渡辺 中村 小林 加藤 吉田 山本 松本 井上 木村 林 清水", fam, " ")
	split("ヤマダ サトウ スズキ タカハシ タナカ イトウ ワタナベ ナカムラ コバヤシ カトウ ヨシダ ヤマモト マツモト イノウエ キムラ ハヤシ シミズ", famk, " ")
	ng = split("太郎 花子 一郎 次郎 美咲 健太 陽子 翔 直樹 由美 大輔 恵子", giv, " ")
	split("タロウ ハナコ イチロウ ジロウ ミサキ ケンタ ヨウコ ショウ ナオキ ユミ ダイスケ ケイコ", givk, " ")
	np = split("東京都 大阪府 神奈川県 愛知県 福岡県 北海道 埼玉県 千葉県", pref, " ")
	nc = split("桜台市 若葉市 緑ヶ丘市 青葉台市 ひばり野市", city, " ")
	nt = split("本町 栄町 旭町 幸町 港町 緑町", town, " ")
	for (id = 1; id <= n; id++) {
		f = id % nf + 1; g = int(id / nf) % ng + 1
		birth = sprintf("%04d-%02d-%02d", 1940 + (id * 7) % 60, 1 + (id * 5) % 12, 1 + (id * 3) % 28)
		pno = sprintf("%04d-%06d", 1101 + (id * 13) % 8800, id * 97)
		addr = sprintf("%s%s%s%d丁目%d-%d", pref[id % np + 1], city[id % nc + 1], \
			town[id % nt + 1], 1 + id % 5, 1 + id % 23, 1 + id % 17)
		print id, fam[f] giv[g], famk[f] " " givk[g], birth, pno, addr
	}
}' > "$T/data/persons.tsv"

# The ids clerk $1 looks up, in order: $2 lookups, the last one a second look at the first.
clerk_ids() {
	awk -v c="$1" -v k="$2" 'BEGIN {
		for (i = 1; i < k; i++) print (c * 7919 + i * 4729) % 10000 + 1
		print (c * 7919 + 4729) % 10000 + 1
	}'
}

# SQL for half $3 (1 or 2) of clerk $1's lookups; every fourth spans several lines.
clerk_sql() {
	clerk_ids "$1" "$2" | awk -v h="$3" -v k="$2" '
	(h == 1 && NR <= int(k / 2)) || (h == 2 && NR > int(k / 2)) {
		if (NR % 4 == 0)
			printf "SELECT id, name, kana, birth_date,\n       pension_no, address\n  FROM persons\n WHERE id = %d;\n", $1
		else
			printf "SELECT id, name, kana, birth_date, pension_no, address FROM persons WHERE id = %d;\n", $1
	}'
}

pw() { echo "$1-$PW_SUFFIX"; }

# A client that walks ids with one server-side prepared statement, as an application
# (or a script written by an intruder) would: DBD::Pg logs "execute ... $1" with the
# parameters, DBD::MariaDB a Prepare and one Execute per id.
cat > "$T/walk.pl" <<'EOF'
use strict;
use warnings;
use DBI;
my ($dsn, $user, $pass, $sql, $first, $last) = @ARGV;
my $dbh = DBI->connect($dsn, $user, $pass, { RaiseError => 1, PrintError => 0 });
my $sth = $dbh->prepare($sql);
my $rows = 0;
for my $id ($first .. $last) {
	$sth->execute($id);
	while (my @r = $sth->fetchrow_array) { $rows++; }
}
$dbh->disconnect;
print "$rows\n";
EOF

# ================================================================ PostgreSQL
PGDATA=$T/pg/data
start_pg() {
	as_user "$PGBIN/initdb" -D "$PGDATA" -U postgres -E UTF8 --locale=C.UTF-8 \
		--auth-local=trust --auth-host=scram-sha-256 --no-sync > "$T/pg/initdb.log"
	cat > "$T/pg/bk.conf" <<EOF
# Logging directives the fixtures were made with (included from postgresql.conf).
listen_addresses = '127.0.0.1,127.0.0.11,127.0.0.12,127.0.0.13,127.0.0.14,127.0.0.15,$BULK_IP'
port = $PG_PORT
unix_socket_directories = '@WORKDIR@/pg'
shared_preload_libraries = 'pgaudit'
logging_collector = on
log_destination = 'stderr,csvlog'
log_directory = 'log'
log_filename = 'postgresql.log'
log_rotation_age = 0
log_rotation_size = 0
log_line_prefix = '%m [%p] %q%u@%d %h '
log_timezone = 'Asia/Tokyo'
log_statement = 'all'
log_connections = on
log_disconnections = on
lc_messages = 'C'
pgaudit.log = 'read,write'
pgaudit.log_rows = on
pgaudit.log_parameter = on
pgaudit.log_catalog = off
pgaudit.log_relation = off
EOF
	sed "s|@WORKDIR@|$T|g" "$T/pg/bk.conf" > "$PGDATA/bk.conf"
	echo "include = 'bk.conf'" >> "$PGDATA/postgresql.conf"
	echo "host all all 127.0.0.0/8 scram-sha-256" >> "$PGDATA/pg_hba.conf"
	chown "$runas:$rungrp" "$PGDATA/bk.conf"
	(exec_as_user "$PGBIN/postgres" -D "$PGDATA") > "$T/pg/startup.log" 2>&1 &
	pg_pid=$!
	wait_for_log "$PGDATA/log/postgresql.log" 'database system is ready to accept connections'
}
stop_pg() {	# SIGINT: the "fast" shutdown
	[ -n "$pg_pid" ] || return 0
	kill -INT "$pg_pid" 2>/dev/null || :
	wait "$pg_pid" 2>/dev/null || :
	pg_pid=
}

# psql as user $1 from address $2 (postgres: the admin, over the Unix socket).
pg_psql() {
	if [ "$1" = postgres ]; then
		as_user psql -X -q -v ON_ERROR_STOP=1 -h "$T/pg" -p "$PG_PORT" -U postgres -d "$3"
	else
		as_user env PGPASSWORD="$(pw "$1")" PGAPPNAME=psql \
			psql -X -q -h "$2" -p "$PG_PORT" -U "$1" -d pension
	fi
}

pg_setup() {
	echo "CREATE DATABASE pension;" | pg_psql postgres - postgres > /dev/null
	{
		cat <<EOF
CREATE TABLE persons (
	id integer PRIMARY KEY,
	name text NOT NULL,
	kana text NOT NULL,
	birth_date date NOT NULL,
	pension_no char(11) NOT NULL UNIQUE,
	address text NOT NULL
);
\\copy persons FROM '$T/data/persons.tsv'
EOF
		for u in clerk01 clerk02 clerk03 clerk04 clerk05 "$BULK_USER"; do
			echo "CREATE ROLE $u LOGIN PASSWORD '$(pw "$u")';"
			echo "GRANT SELECT ON persons TO $u;"
		done
		# Some sessions also log every statement's duration.
		echo "ALTER ROLE clerk01 SET log_min_duration_statement = 0;"
		echo "ALTER ROLE clerk03 SET log_min_duration_statement = 0;"
	} | pg_psql postgres - pension > /dev/null
}

# Half $1 of every clerk's day, plus the odd things clerks do.
pg_clerks() {
	for c in $CLERKS; do
		u=clerk0$c ip=127.0.0.1$c
		{
			clerk_sql "$c" "$(clerk_lookups "$c")" "$1"
			if [ "$1" = 1 ] && [ "$c" = 1 ]; then
				echo "SELECT id, name, birth_date FROM persons WHERE name = '山田太郎' ORDER BY id LIMIT 5;"
			fi
			if [ "$1" = 1 ] && [ "$c" = 3 ]; then
				echo "SELECT name FROM person WHERE id = 42;"	# a typo: an ERROR
			fi
			if [ "$1" = 2 ] && [ "$c" = 2 ]; then
				echo "SELECT id, name FROM persons WHERE pension_no = '$(awk -F'\t' '$1 == 77 { print $5 }' "$T/data/persons.tsv")';"
			fi
		} | pg_psql "$u" "$ip" > /dev/null 2>> "$T/pg/client-errors.log" ||
			{ cat "$T/pg/client-errors.log" >&2; die "psql as $u failed"; }
	done
	if [ "$1" = 1 ]; then
		# clerk04 mistypes the password once: a FATAL.
		as_user env PGPASSWORD=wrong psql -X -q -h 127.0.0.14 -p "$PG_PORT" -U clerk04 \
			-d pension -c 'SELECT 1' > /dev/null 2>&1 || :
	fi
}

pg_bulk() {
	pg_bulk_start=$(stamp)
	rows=$(as_user perl "$T/walk.pl" "dbi:Pg:dbname=pension;host=$BULK_IP;port=$PG_PORT" \
		"$BULK_USER" "$(pw "$BULK_USER")" \
		'SELECT id, name, kana, birth_date, pension_no, address FROM persons WHERE id = ?' \
		"$BULK_FIRST" "$BULK_LAST")
	[ "$rows" = $((BULK_LAST - BULK_FIRST + 1)) ] || die "pg walk returned $rows rows"
	echo 'SELECT * FROM persons;' | pg_psql "$BULK_USER" "$BULK_IP" > /dev/null
	printf '%s\n' "\\copy persons TO '$T/pg/persons.copy'" | pg_psql "$BULK_USER" "$BULK_IP" > /dev/null
	as_user env PGPASSWORD="$(pw "$BULK_USER")" "$PGBIN/pg_dump" -h "$BULK_IP" -p "$PG_PORT" \
		-U "$BULK_USER" -t persons pension > "$T/pg/persons.sql"
	pg_bulk_end=$(stamp)
	[ "$(wc -l < "$T/pg/persons.copy")" = "$PERSONS" ] || die "COPY did not give $PERSONS rows"
}

# ================================================================ MariaDB
MYDATA=$T/my/data
start_my() {
	cat > "$T/my/mariadb.cnf" <<EOF
# The MariaDB server's whole configuration (mariadbd --defaults-file).
[mariadbd]
datadir = @WORKDIR@/my/data
socket = @WORKDIR@/my/sock
pid-file = @WORKDIR@/my/mariadbd.pid
log-error = @WORKDIR@/my/error.log
port = $MY_PORT
bind-address = 127.0.0.1,127.0.0.11,127.0.0.12,127.0.0.13,127.0.0.14,127.0.0.15,$BULK_IP
skip-name-resolve
character-set-server = utf8mb4
innodb_buffer_pool_size = 64M
secure_file_priv = @WORKDIR@/my/files
log_output = FILE
general_log = ON
general_log_file = general.log
slow_query_log = ON
slow_query_log_file = slow.log
long_query_time = 0
log_slow_admin_statements = ON
plugin_load_add = server_audit
server_audit_logging = ON
server_audit_output_type = file
server_audit_file_path = audit.log
server_audit_events = CONNECT,QUERY,TABLE
EOF
	sed "s|@WORKDIR@|$T|g" "$T/my/mariadb.cnf" > "$T/my/real.cnf"
	chown "$runas:$rungrp" "$T/my/real.cnf"
	# Bootstrap without the config: its statements would fill the logs.
	as_user mariadb-install-db --no-defaults --datadir="$MYDATA" --skip-test-db \
		--auth-root-authentication-method=normal > "$T/my/install.log" 2>&1 ||
		{ tail -n 20 "$T/my/install.log" >&2; die "mariadb-install-db failed"; }
	(exec_as_user mariadbd --defaults-file="$T/my/real.cnf") 2> "$T/my/stderr.log" &
	my_pid=$!
	wait_for_log "$T/my/error.log" 'ready for connections'
}
stop_my() {
	[ -n "$my_pid" ] || return 0
	kill "$my_pid" 2>/dev/null || :
	wait "$my_pid" 2>/dev/null || :
	my_pid=
}

my_sql() {
	if [ "$1" = root ]; then
		shift
		as_user mariadb --socket="$T/my/sock" -u root "$@"
	else
		u=$1 ip=$2
		shift 2
		as_user mariadb -h "$ip" -P "$MY_PORT" -u "$u" -p"$(pw "$u")" pension "$@"
	fi
}

my_setup() {
	{
		cat <<EOF
CREATE DATABASE pension CHARACTER SET utf8mb4;
USE pension;
CREATE TABLE persons (
	id int PRIMARY KEY,
	name varchar(64) NOT NULL,
	kana varchar(64) NOT NULL,
	birth_date date NOT NULL,
	pension_no char(11) NOT NULL UNIQUE,
	address varchar(255) NOT NULL
);
LOAD DATA INFILE '$T/my/files/persons.tsv' INTO TABLE persons CHARACTER SET utf8mb4;
EOF
		for u in clerk01 clerk02 clerk03 clerk04 clerk05 "$BULK_USER"; do
			echo "CREATE USER '$u'@'127.0.0.%' IDENTIFIED BY '$(pw "$u")';"
			echo "GRANT SELECT ON pension.persons TO '$u'@'127.0.0.%';"
		done
		echo "GRANT LOCK TABLES ON pension.* TO '$BULK_USER'@'127.0.0.%';"
		echo "GRANT FILE ON *.* TO '$BULK_USER'@'127.0.0.%';"
	} | my_sql root
}

my_clerks() {
	for c in $CLERKS; do
		u=clerk0$c ip=127.0.0.1$c
		{
			clerk_sql "$c" "$(clerk_lookups "$c")" "$1"
			if [ "$1" = 1 ] && [ "$c" = 1 ]; then
				echo "SELECT id, name, birth_date FROM persons WHERE name = '山田太郎' ORDER BY id LIMIT 5;"
			fi
			if [ "$1" = 1 ] && [ "$c" = 3 ]; then
				echo "SELECT name FROM person WHERE id = 42;"	# a typo: an error
			fi
			if [ "$1" = 2 ] && [ "$c" = 2 ]; then
				echo "SELECT id, name FROM persons WHERE pension_no = '$(awk -F'\t' '$1 == 77 { print $5 }' "$T/data/persons.tsv")';"
			fi
		} | my_sql "$u" "$ip" --force > /dev/null 2>> "$T/my/client-errors.log" ||
			{ cat "$T/my/client-errors.log" >&2; die "mariadb as $u failed"; }
	done
	if [ "$1" = 1 ]; then
		as_user mariadb -h 127.0.0.14 -P "$MY_PORT" -u clerk04 -pwrong pension \
			-e 'SELECT 1' > /dev/null 2>&1 || :
	fi
}

my_bulk() {
	my_bulk_start=$(stamp)
	rows=$(as_user perl "$T/walk.pl" \
		"dbi:MariaDB:database=pension;host=$BULK_IP;port=$MY_PORT;mariadb_server_prepare=1" \
		"$BULK_USER" "$(pw "$BULK_USER")" \
		'SELECT id, name, kana, birth_date, pension_no, address FROM persons WHERE id = ?' \
		"$BULK_FIRST" "$BULK_LAST")
	[ "$rows" = $((BULK_LAST - BULK_FIRST + 1)) ] || die "mariadb walk returned $rows rows"
	echo 'SELECT * FROM persons;' | my_sql "$BULK_USER" "$BULK_IP" > /dev/null
	echo "SELECT * INTO OUTFILE '$T/my/files/persons-out.tsv' FROM persons;" |
		my_sql "$BULK_USER" "$BULK_IP"
	as_user mariadb-dump -h "$BULK_IP" -P "$MY_PORT" -u "$BULK_USER" -p"$(pw "$BULK_USER")" \
		--single-transaction --no-tablespaces --skip-triggers pension persons \
		> "$T/my/persons.sql"
	my_bulk_end=$(stamp)
	[ "$(wc -l < "$T/my/files/persons-out.tsv")" = "$PERSONS" ] ||
		die "INTO OUTFILE did not give $PERSONS rows"
}

# ================================================================ nginx
start_web() {
	cat > "$T/web/nginx.conf" <<EOF
# The nginx configuration the fixtures were made with (nginx -p @WORKDIR@/web/).
worker_processes 1;
daemon off;
pid logs/nginx.pid;
error_log logs/error.log notice;
events { worker_connections 64; }
http {
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	client_max_body_size 64m;
	client_body_temp_path tmp/body;
	proxy_temp_path tmp/proxy;
	fastcgi_temp_path tmp/fastcgi;
	uwsgi_temp_path tmp/uwsgi;
	scgi_temp_path tmp/scgi;

	log_format extra '\$remote_addr - \$remote_user [\$time_local] "\$request" '
		'\$status \$body_bytes_sent "\$http_referer" "\$http_user_agent" '
		'\$request_time \$request_length \$upstream_response_time';
	log_format json escape=json '{"time":"\$time_iso8601","remote_addr":"\$remote_addr",'
		'"remote_user":"\$remote_user","request":"\$request","status":\$status,'
		'"body_bytes_sent":\$body_bytes_sent,"request_time":\$request_time,'
		'"request_length":\$request_length,"upstream_response_time":"\$upstream_response_time",'
		'"http_referer":"\$http_referer","http_user_agent":"\$http_user_agent",'
		'"http_x_forwarded_for":"\$http_x_forwarded_for"}';

	# The clerks' portal.
	server {
		listen 127.0.0.1:$WEB_PORT;
		server_name portal.pension.example;
		root www;
		access_log logs/combined.log combined;
		access_log logs/extra.log extra;
		access_log logs/json.log json;
		auth_basic "pension portal";
		auth_basic_user_file htpasswd;
		location /api/persons/ {
			proxy_pass http://127.0.0.1:$APP_PORT;
		}
		location /export/ {
		}
		location = /health {
			auth_basic off;
			return 200 "ok\n";
		}
	}
	# The application behind it.
	server {
		listen 127.0.0.1:$APP_PORT;
		access_log off;
		location ~ ^/api/persons/([0-9]+)\$ {
			default_type application/json;
			return 200 '{"id":\$1,"status":"found"}\n';
		}
		location = /api/persons/search {
			default_type application/json;
			return 200 '[]\n';
		}
		location = /sink {
			return 201;
		}
	}
	# "The Internet", reached only through the proxy. Uploads are read in full (proxied
	# to a sink) so the client is never cut off mid-body.
	server {
		listen 127.0.0.1:$EXT_PORT;
		access_log off;
		location / {
			default_type text/plain;
			return 200 "ok\n";
		}
		location /api/v1/put {
			proxy_pass http://127.0.0.1:$APP_PORT/sink;
		}
	}
}
EOF
	sed "s|@WORKDIR@|$T|g" "$T/web/nginx.conf" > "$T/web/real.conf"
	for c in $CLERKS; do
		echo "clerk0$c:{PLAIN}$(pw "clerk0$c")"
	done > "$T/web/htpasswd"
	echo "$BULK_USER:{PLAIN}$(pw "$BULK_USER")" >> "$T/web/htpasswd"
	{
		echo 'id,name,kana,birth_date,pension_no,address'
		awk -F'\t' -v OFS=, -v n="$EXPORT_ROWS" '$1 <= n { print $1, $2, $3, $4, $5, $6 }' \
			"$T/data/persons.tsv"
	} > "$T/web/www/export/persons.csv"
	chown -R "$runas:$rungrp" "$T/web"
	(exec_as_user nginx -p "$T/web/" -c "$T/web/real.conf" -e logs/error.log) &
	web_pid=$!
	wait_for_log "$T/web/logs/error.log" 'start worker process'
}
stop_web() {
	[ -n "$web_pid" ] || return 0
	kill -QUIT "$web_pid" 2>/dev/null || :
	wait "$web_pid" 2>/dev/null || :
	web_pid=
}

PORTAL=http://127.0.0.1:$WEB_PORT
CLERK_UA='Mozilla/5.0 (Windows NT 10.0; Win64; x64) PensionDesk/2.3'
# curl as clerk $1 from 127.0.0.1$1, more curl arguments follow.
web_get() {
	c=$1
	shift
	as_user curl -sS -o /dev/null --interface "127.0.0.1$c" -u "clerk0$c:$(pw "clerk0$c")" \
		-A "$CLERK_UA" "$@"
}

web_clerks() {
	for c in $CLERKS; do
		clerk_ids "$c" "$(clerk_lookups "$c")" |
			awk -v h="$1" -v k="$(clerk_lookups "$c")" \
				'(h == 1 && NR <= int(k / 2)) || (h == 2 && NR > int(k / 2))' |
			while read -r id; do
				web_get "$c" "$PORTAL/api/persons/$id"
			done
	done
	[ "$1" = 1 ] || return 0
	# The odd requests real logs have.
	web_get 1 -H 'Content-Type: application/json' \
		--data '{"name":"山田太郎","birth_date":"1961-04-02"}' "$PORTAL/api/persons/search"
	web_get 2 "$PORTAL/api/person/4242"				# 404
	web_get 2 -I "$PORTAL/export/persons.csv"			# HEAD
	web_get 3 -e "$PORTAL/menu?tab=search&q=%E5%B1%B1%E7%94%B0" "$PORTAL/nothing-here?q=a%20b"
	as_user curl -sS -o /dev/null --interface 127.0.0.14 -u clerk04:wrong -A "$CLERK_UA" \
		"$PORTAL/api/persons/77"				# 401, user still logged
	web_get 5 -A 'Mozilla/5.0 (X11; Linux x86_64) "Quoted" back\slash\ agent' \
		"$PORTAL/api/persons/search?kana=%E3%83%A4%E3%83%9E%E3%83%80"	# quote, backslash
	web_get 5 -A '' "$PORTAL/health"				# no User-Agent
	web_get 5 --request-target '/api/persons/1"x' "$PORTAL/"	# a quote in the target
	as_user curl -sS -o /dev/null --interface 127.0.0.15 "$PORTAL/health"	# no auth
	# Not HTTP at all: a TLS ClientHello, garbage, and a raw UTF-8 request line.
	printf '\026\003\001\000\245\001\000\000\241\003\003\107\107\107\r\n\r\n' |
		as_user nc -N -w 2 -s 127.0.0.13 127.0.0.1 "$WEB_PORT" > /dev/null || :
	printf 'HELLO WORLD\r\n\r\n' |
		as_user nc -N -w 2 -s 127.0.0.13 127.0.0.1 "$WEB_PORT" > /dev/null || :
	printf 'GET /api/persons/search?name=山田太郎 HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n\r\n' |
		as_user nc -N -w 2 -s 127.0.0.13 127.0.0.1 "$WEB_PORT" > /dev/null || :
}

web_bulk() {
	web_bulk_start=$(stamp)
	as_user curl -sS -u "$BULK_USER:$(pw "$BULK_USER")" --interface "$BULK_IP" \
		-A 'python-requests/2.31.0' "$PORTAL/api/persons/[$BULK_FIRST-$BULK_LAST]" > /dev/null
	as_user curl -sS -o /dev/null -u "$BULK_USER:$(pw "$BULK_USER")" --interface "$BULK_IP" \
		-A 'python-requests/2.31.0' "$PORTAL/export/persons.csv"
	web_bulk_end=$(stamp)
}

# ================================================================ Squid
start_proxy() {
	cat > "$T/proxy/squid.conf" <<EOF
# The Squid configuration the fixtures were made with (squid -N -f).
http_port 127.0.0.1:$PROXY_PORT
acl lan src 127.0.0.0/8
acl blocked dstdomain .blocked.example
http_access deny blocked
http_access allow lan
http_access deny all
cache deny all
cache_mem 8 MB
hosts_file @WORKDIR@/proxy/hosts
dns_nameservers 127.0.0.1
visible_hostname proxy.pension.example
pid_filename @WORKDIR@/proxy/squid.pid
cache_log @WORKDIR@/proxy/cache.log
coredump_dir @WORKDIR@/proxy
netdb_filename none
pinger_enable off
shutdown_lifetime 1 seconds
logformat bkx %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %>st %rm %ru %[un %Sh/%<a %mt "%{User-Agent}>h"
access_log stdio:@WORKDIR@/proxy/access.log squid
access_log stdio:@WORKDIR@/proxy/custom.log bkx
EOF
	sed "s|@WORKDIR@|$T|g" "$T/proxy/squid.conf" > "$T/proxy/real.conf"
	cat > "$T/proxy/hosts" <<EOF
127.0.0.1 www.example.com news.example.org upload.example.net cdn-metrics.example.org
127.0.0.1 www.blocked.example
EOF
	chown -R "$runas:$rungrp" "$T/proxy"
	(exec_as_user squid -N -f "$T/proxy/real.conf") &
	proxy_pid=$!
	wait_for_log "$T/proxy/cache.log" 'Accepting HTTP Socket connections'
}
stop_proxy() {
	[ -n "$proxy_pid" ] || return 0
	kill "$proxy_pid" 2>/dev/null || :
	wait "$proxy_pid" 2>/dev/null || :
	proxy_pid=
}

PROXY=http://127.0.0.1:$PROXY_PORT
proxy_beacons() {
	i=1
	while [ "$i" -le "$BEACONS" ]; do
		as_user curl -sS -o /dev/null -x "$PROXY" --interface "$BULK_IP" \
			-A 'Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1)' \
			"http://cdn-metrics.example.org:$EXT_PORT/pixel.gif?u=ws77&n=$i"
		[ "$i" = "$BEACONS" ] || sleep "$BEACON_EVERY"
		i=$((i + 1))
	done
}

proxy_clerks() {
	for c in $CLERKS; do
		for page in "www.example.com:$EXT_PORT/" "news.example.org:$EXT_PORT/today?lang=ja" \
			"news.example.org:$EXT_PORT/article/$c"; do
			as_user curl -sS -o /dev/null -x "$PROXY" --interface "127.0.0.1$c" \
				-A "$CLERK_UA" "http://$page"
		done
	done
	# A small form post, a blocked site (403) and a site that is down (503).
	as_user curl -sS -o /dev/null -x "$PROXY" --interface 127.0.0.12 -A "$CLERK_UA" \
		--data 'q=%E5%B9%B4%E9%87%91&page=2' "http://www.example.com:$EXT_PORT/search"
	as_user curl -sS -o /dev/null -x "$PROXY" --interface 127.0.0.13 -A "$CLERK_UA" \
		"http://www.blocked.example:$EXT_PORT/"
	as_user curl -sS -o /dev/null -x "$PROXY" --interface 127.0.0.14 -A "$CLERK_UA" \
		"http://www.example.com:28099/"
}

proxy_uploads() {
	proxy_up_start=$(stamp)
	n=1
	for size in $UPLOADS; do
		head -c "$size" /dev/zero > "$T/proxy/part$n.rar"
		chown "$runas" "$T/proxy/part$n.rar"
		as_user curl -sS -o /dev/null -x "$PROXY" --interface "$BULK_IP" -H 'Expect:' \
			-H 'Content-Type: application/octet-stream' --data-binary "@$T/proxy/part$n.rar" \
			"http://upload.example.net:$EXT_PORT/api/v1/put?name=part$n.rar"
		n=$((n + 1))
	done
	proxy_up_end=$(stamp)
}

# ================================================================ the day
say "workdir $T"
cp "$T/data/persons.tsv" "$T/my/files/persons.tsv"
chown "$runas:$rungrp" "$T/my/files/persons.tsv"
start_pg
start_my
start_web
start_proxy
say "servers up; driving the workload"
pg_setup
my_setup

proxy_beacons &
beacon_pid=$!
beacon_start=$(stamp)

pg_clerks 1
my_clerks 1
web_clerks 1
proxy_clerks
sleep 1
pg_bulk
my_bulk
web_bulk
proxy_uploads
sleep 1
pg_clerks 2
my_clerks 2
web_clerks 2
wait "$beacon_pid"
beacon_pid=
beacon_end=$(stamp)

stop_proxy
stop_web
stop_my
stop_pg

# ================================================================ the fixtures
mkdir -p "$out"
put() { cp "$1" "$out/$2" && chmod 644 "$out/$2"; }
put "$PGDATA/log/postgresql.log" postgresql.log
put "$PGDATA/log/postgresql.csv" postgresql.csv
put "$MYDATA/general.log" mariadb-general.log
put "$MYDATA/slow.log" mariadb-slow.log
put "$MYDATA/audit.log" mariadb-audit.log
put "$T/web/logs/combined.log" nginx-combined.log
put "$T/web/logs/extra.log" nginx-extra.log
put "$T/web/logs/json.log" nginx-json.log
put "$T/proxy/access.log" squid-access.log
put "$T/proxy/custom.log" squid-custom.log
put "$T/pg/bk.conf" postgresql.conf
put "$T/my/mariadb.cnf" mariadb.cnf
put "$T/web/nginx.conf" nginx.conf
put "$T/proxy/squid.conf" squid.conf
# The temporary directory's random name shows in a few lines (paths of COPY, OUTFILE,
# sockets); make it the same in every run so the fixtures only differ in times and pids.
sed -i "s|$T|/tmp/bk-real.XXXXXX|g" "$out"/postgresql.log "$out"/postgresql.csv \
	"$out"/mariadb-*.log

{
	printf 'postgresql=%s\n' "$("$PGBIN/postgres" --version | sed 's/^postgres (PostgreSQL) //')"
	printf 'pgaudit=%s\n' "$(dpkg-query -W -f='${Version}' postgresql-15-pgaudit)"
	printf 'mariadb=%s\n' "$(mariadbd --version 2>/dev/null | sed 's/.*Ver \([^ ]*\).*/\1/')"
	printf 'nginx=%s\n' "$(nginx -v 2>&1 | sed 's|.*/||')"
	printf 'squid=%s\n' "$(squid -v | sed -n '1s/.*Version //p')"
	printf 'curl=%s\n' "$(curl --version | sed -n '1s/^curl \([^ ]*\).*/\1/p')"
} > "$out/versions.txt"

# ================================================================ the truth
# What was driven, then the same figures read back from the logs.
bulk_n=$((BULK_LAST - BULK_FIRST + 1))
{
	echo "# What regen.sh planted and drove; keys ending in _start/_end differ between runs."
	echo "tz=$TZ"
	echo "persons=$PERSONS"
	echo "clerks=clerk01,clerk02,clerk03,clerk04,clerk05"
	for c in $CLERKS; do
		k=$(clerk_lookups "$c")
		echo "clerk0$c.ip=127.0.0.1$c"
		echo "clerk0$c.id_lookups=$k"
		echo "clerk0$c.distinct_ids=$(clerk_ids "$c" "$k" | sort -u | wc -l)"
	done
	echo "bulk.actor=$BULK_USER"
	echo "bulk.ip=$BULK_IP"
	echo "bulk.id_first=$BULK_FIRST"
	echo "bulk.id_last=$BULK_LAST"
	echo "bulk.distinct_ids=$bulk_n"
	echo "pg.bulk.prepared_executes=$bulk_n"
	echo "pg.bulk.full_select_rows=$PERSONS"
	echo "pg.bulk.copy_rows=$PERSONS"
	echo "pg.bulk.pg_dump_rows=$PERSONS"
	echo "pg.bulk_start=$pg_bulk_start"
	echo "pg.bulk_end=$pg_bulk_end"
	echo "mariadb.bulk.prepared_executes=$bulk_n"
	echo "mariadb.bulk.full_select_rows=$PERSONS"
	echo "mariadb.bulk.outfile_rows=$PERSONS"
	echo "mariadb.bulk.dump_rows=$PERSONS"
	echo "mariadb.bulk_start=$my_bulk_start"
	echo "mariadb.bulk_end=$my_bulk_end"
	echo "nginx.bulk.api_requests=$bulk_n"
	echo "nginx.bulk.export_rows=$EXPORT_ROWS"
	echo "nginx.bulk.export_bytes=$(wc -c < "$T/web/www/export/persons.csv")"
	echo "nginx.bulk_start=$web_bulk_start"
	echo "nginx.bulk_end=$web_bulk_end"
	echo "squid.beacon.ip=$BULK_IP"
	echo "squid.beacon.host=cdn-metrics.example.org"
	echo "squid.beacon.count=$BEACONS"
	echo "squid.beacon.interval_s=$BEACON_EVERY"
	echo "squid.beacon_start=$beacon_start"
	echo "squid.beacon_end=$beacon_end"
	echo "squid.upload.ip=$BULK_IP"
	echo "squid.upload.host=upload.example.net"
	echo "squid.upload.count=$(echo "$UPLOADS" | awk '{ print NF }')"
	echo "squid.upload.body_bytes=$(echo "$UPLOADS" | awk '{ for (i = 1; i <= NF; i++) s += $i; print s }')"
	echo "squid.upload_start=$proxy_up_start"
	echo "squid.upload_end=$proxy_up_end"
} > "$out/truth.txt"

# ---------------------------------------------------------------- check the logs agree
fail=0
check() {	# name, expected, got
	if [ "$2" = "$3" ]; then
		say "ok   $1 = $3"
	else
		say "FAIL $1: expected $2, the logs say $3"
		fail=1
	fi
}
tv() { sed -n "s/^$1=//p" "$out/truth.txt"; }

# PostgreSQL: the parameters of the reader's prepared statement; each clerk's audited reads.
check pg.bulk.distinct_ids "$bulk_n $BULK_FIRST $BULK_LAST" "$(awk -v u="$BULK_USER@pension" '
	$5 == u && $7 == "DETAIL:" && $9 == "$1" { v = $11; gsub("\047", "", v); if (!(v in s)) { s[v]; n++ }
		if (min == "" || v + 0 < min) min = v + 0; if (v + 0 > max) max = v + 0 }
	END { print n, min, max }' "$out/postgresql.log")"
for c in $CLERKS; do
	case $c in 1|2) extra=1 ;; *) extra=0 ;; esac	# the name and pension_no searches
	check "pg.clerk0$c.audited_selects" $(($(tv "clerk0$c.id_lookups") + extra)) \
		"$(grep -c "clerk0$c@pension 127.0.0.1$c LOG:  AUDIT: SESSION,[0-9]*,1,READ,SELECT" \
			"$out/postgresql.log")"
done
check pg.csv.records_match_log \
	"$(grep -Ec '^[0-9-]+ [0-9:.]+ JST \[[0-9]+\] ([^ ]*@[^ ]* [^ ]* )?(LOG|ERROR|FATAL|WARNING):' \
		"$out/postgresql.log")" \
	"$(grep -c '^[0-9-]* [0-9:.]* JST,' "$out/postgresql.csv")"

# MariaDB: Execute lines of the reader's threads in the general log.
check mariadb.bulk.distinct_ids "$bulk_n $BULK_FIRST $BULK_LAST" "$(awk -v u="$BULK_USER@$BULK_IP" '
	{ line = $0; sub(/^[0-9][0-9][0-9][0-9][0-9][0-9] [ 0-9][0-9]:[0-9][0-9]:[0-9][0-9]/, "", line)
		sub(/^[ \t]+/, "", line); split(line, a, /[ \t]+/); t = a[1] }
	a[2] == "Connect" { who[t] = (index(line, u " on ") > 0) }
	a[2] == "Execute" {
		if (who[t]) { v = line; sub(/.*id = /, "", v); gsub("\047", "", v); v += 0; if (!(v in s)) { s[v]; n++ }
			if (min == "" || v < min) min = v; if (v > max) max = v } }
	END { print n, min, max }' "$out/mariadb-general.log")"
for c in $CLERKS; do
	check "mariadb.clerk0$c.slow_log_lookups" "$(tv "clerk0$c.id_lookups")" \
		"$(awk -v u="# User@Host: clerk0${c}[clerk0${c}] @  [127.0.0.1${c}]" '
			index($0, u) == 1 { mine = 1; next } /^# User@Host:/ { mine = 0 }
			mine && /^ WHERE id = [0-9]+;$|FROM persons WHERE id = [0-9]+;$/ { n++ }
			END { print n + 0 }' "$out/mariadb-slow.log")"
done
check mariadb.audit.server_host localhost "$(awk -F, 'NR == 1 { print $2 }' "$out/mariadb-audit.log")"

# nginx: the reader's API requests and each clerk's.
check nginx.bulk.distinct_ids "$bulk_n $BULK_FIRST $BULK_LAST" "$(awk -v ip="$BULK_IP" -v u="$BULK_USER" '
	$1 == ip && $3 == u && $7 ~ /^\/api\/persons\/[0-9]+$/ && $9 == 200 { v = $7; sub(/.*\//, "", v)
		if (!(v in s)) { s[v]; n++ }
		if (min == "" || v + 0 < min) min = v + 0; if (v + 0 > max) max = v + 0 }
	END { print n, min, max }' "$out/nginx-combined.log")"
for c in $CLERKS; do
	check "nginx.clerk0$c.api_lookups" "$(tv "clerk0$c.id_lookups")" \
		"$(awk -v ip="127.0.0.1$c" -v u="clerk0$c" '$1 == ip && $3 == u && $6 == "\"GET" &&
			$7 ~ /^\/api\/persons\/[0-9]+$/ && $9 == 200 { n++ } END { print n + 0 }' \
			"$out/nginx-combined.log")"
done
for f in extra json; do
	check "nginx.$f.lines" "$(wc -l < "$out/nginx-combined.log")" "$(wc -l < "$out/nginx-$f.log")"
done

# Squid: the beacons and the uploads (%>st counts the request's headers too).
check squid.beacon.count "$BEACONS" "$(awk -v ip="$BULK_IP" '$3 == ip && $7 ~ /\/pixel\.gif/ { n++ }
	END { print n + 0 }' "$out/squid-access.log")"
check squid.upload.count_and_body "$(tv squid.upload.count) yes" "$(awk -v ip="$BULK_IP" \
	-v body="$(tv squid.upload.body_bytes)" '$3 == ip && $7 == "POST" && $4 ~ /\/20[01]$/ { n++; s += $6 }
	END { print n + 0, (s > body && s < body + 4096 * n) ? "yes" : "no" }' "$out/squid-custom.log")"

[ "$fail" = 0 ] || die "the logs do not agree with what was driven (see FAIL above)"
say "fixtures written to $out:"
(cd "$out" && wc -lc postgresql.log postgresql.csv mariadb-*.log nginx-*.log squid-*.log) >&2
cat "$out/truth.txt"
