#!/bin/sh
# live-pg.sh - make a PostgreSQL log with a real server, for CI to parse on the spot.
#
# WHY: the fixtures next to this script were made once, by one PostgreSQL release; CI runs
# this to check that bk-parse still reads what the PostgreSQL installed today writes. It
# starts a real server (Debian's, installed if missing and run as root) on 127.0.0.1 in a
# temporary directory, with the fixtures' log_line_prefix and stderr sent to a file (no
# logging collector: the other way regen.sh does not use), pgaudit when it is installed,
# drives a short synthetic workload, stops the server, and prints the log's path.
#
# USAGE: sh tests/data/real/live-pg.sh [DIR]
#   Writes DIR/postgresql.log (DIR defaults to a new temporary directory) and prints that
#   path on stdout; everything else goes to stderr. The server's data directory is removed.
#   Run as root, it installs postgresql (and pgaudit) with apt-get if missing and runs the
#   server as BK_REAL_USER (nobody); run as anyone else, PostgreSQL must be installed.
#   BK_PG_PORT sets the port (25433).
set -eu

port=${BK_PG_PORT:-25433}
runas=${BK_REAL_USER:-nobody}
LC_ALL=C.UTF-8
TZ=Asia/Tokyo
export LC_ALL TZ

say() { printf 'live-pg: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

if [ "$(id -u)" = 0 ] && [ "${BK_REAL_NO_INSTALL:-0}" != 1 ]; then
	missing=
	for p in postgresql postgresql-15-pgaudit; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		say "installing:$missing"
		made=
		if [ ! -e /usr/sbin/policy-rc.d ]; then	# keep the system cluster stopped
			printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
			chmod 755 /usr/sbin/policy-rc.d
			made=1
		fi
		apt-get update -qq >&2
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			$missing >&2
		[ -z "$made" ] || rm -f /usr/sbin/policy-rc.d
	fi
fi
# shellcheck disable=SC2012	# the names are Debian's version numbers
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/postgres" ]; then
	die "no PostgreSQL server under /usr/lib/postgresql"
fi

out=${1:-}
if [ -z "$out" ]; then
	out=$(mktemp -d "${TMPDIR:-/tmp}/bk-live-pg.XXXXXX")
	chmod 755 "$out"
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
log=$out/postgresql.log
T=$(mktemp -d "${TMPDIR:-/tmp}/bk-live-pg-data.XXXXXX")

if [ "$(id -u)" = 0 ]; then
	rungrp=$(id -gn "$runas")
	chown "$runas:$rungrp" "$T"
	run() {
		setpriv --reuid="$runas" --regid="$rungrp" --clear-groups -- \
			env HOME="$T" TZ="$TZ" LC_ALL="$LC_ALL" "$@"
	}
	# As run, in place of the calling subshell, so $! is the server's pid.
	exec_run() {
		exec setpriv --reuid="$runas" --regid="$rungrp" --clear-groups -- \
			env HOME="$T" TZ="$TZ" LC_ALL="$LC_ALL" "$@"
	}
else
	run() { env HOME="$T" "$@"; }
	exec_run() { exec env HOME="$T" "$@"; }
fi

pid=
cleanup() {
	st=$?
	trap - EXIT INT TERM
	if [ -n "$pid" ]; then
		kill -INT "$pid" 2>/dev/null || :	# "fast" shutdown
		wait "$pid" 2>/dev/null || :
	fi
	rm -rf "$T"
	exit "$st"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run "$PGBIN/initdb" -D "$T/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust \
	--auth-host=scram-sha-256 --no-sync > "$T/initdb.log" 2>&1 ||
	{ cat "$T/initdb.log" >&2; die "initdb failed"; }
audit=
[ ! -f "$("$PGBIN/pg_config" --pkglibdir 2>/dev/null || echo /usr/lib/postgresql/15/lib)/pgaudit.so" ] ||
	audit=1
{
	echo "listen_addresses = '127.0.0.1'"
	echo "port = $port"
	echo "unix_socket_directories = '$T'"
	echo "logging_collector = off"
	echo "log_destination = 'stderr'"
	echo "log_line_prefix = '%m [%p] %q%u@%d %h '"
	echo "log_timezone = 'Asia/Tokyo'"
	echo "log_statement = 'all'"
	echo "log_connections = on"
	echo "log_disconnections = on"
	echo "lc_messages = 'C'"
	if [ -n "$audit" ]; then
		echo "shared_preload_libraries = 'pgaudit'"
		echo "pgaudit.log = 'read,write'"
		echo "pgaudit.log_rows = on"
		echo "pgaudit.log_parameter = on"
		echo "pgaudit.log_catalog = off"
		echo "pgaudit.log_relation = off"
	fi
} >> "$T/data/postgresql.conf"

: > "$log"
[ "$(id -u)" != 0 ] || chown "$runas" "$log"
(exec_run "$PGBIN/postgres" -D "$T/data") 2>> "$log" &
pid=$!
i=0
until grep -q 'ready to accept connections' "$log"; do
	i=$((i + 1))
	[ "$i" -le 300 ] || { cat "$log" >&2; die "the server did not start"; }
	kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "the server did not start"; }
	sleep 0.1
done

psql_admin() { run "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$T" -p "$port" -U postgres "$@"; }
psql_clerk() {
	run env PGPASSWORD="$1-synthetic-pw" "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$port" -U "$1" \
		-d pension
}

psql_admin -d postgres -c 'CREATE DATABASE pension' > /dev/null
psql_admin -d pension > /dev/null <<'EOF'
CREATE TABLE persons (
	id integer PRIMARY KEY,
	name text NOT NULL,
	birth_date date NOT NULL,
	pension_no char(11) NOT NULL
);
INSERT INTO persons
SELECT i, (ARRAY['山田太郎','佐藤花子','鈴木一郎','高橋美咲'])[i % 4 + 1],
       date '1950-01-01' + i * 37, lpad((1100 + i % 800)::text, 4, '0') || '-' || lpad((i * 97)::text, 6, '0')
  FROM generate_series(1, 200) AS i;
CREATE ROLE clerk01 LOGIN PASSWORD 'clerk01-synthetic-pw';
CREATE ROLE clerk07 LOGIN PASSWORD 'clerk07-synthetic-pw';
GRANT SELECT ON persons TO clerk01, clerk07;
ALTER ROLE clerk01 SET log_min_duration_statement = 0;
EOF

psql_clerk clerk01 > /dev/null 2>> "$T/client.log" <<'EOF'
SELECT id, name, birth_date, pension_no FROM persons WHERE id = 17;
SELECT id, name, birth_date, pension_no
  FROM persons
 WHERE id = 42;
SELECT id, name FROM persons WHERE name = '山田太郎' ORDER BY id LIMIT 3;
SELECT name FROM person WHERE id = 1;
EOF
psql_clerk clerk07 > /dev/null 2>> "$T/client.log" <<'EOF'
PREPARE one(int) AS SELECT id, name, birth_date, pension_no FROM persons WHERE id = $1;
EXECUTE one(101);
EXECUTE one(102);
EXECUTE one(103);
SELECT * FROM persons;
\copy persons TO '/dev/null'
EOF
run env PGPASSWORD=wrong "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$port" -U clerk01 -d pension \
	-c 'SELECT 1' > /dev/null 2>&1 || :

kill -INT "$pid"
wait "$pid" || :
pid=
grep -q 'database system is shut down' "$log" || die "the server did not stop cleanly: $log"
printf '%s\n' "$log"
