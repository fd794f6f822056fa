#!/bin/sh
# regen.sh - make the export fixtures in tests/data/exports/ with the real tools.
#
# WHY: bk-records must read what pg_dump, mysqldump (MariaDB's), sqlite3 and
# psql really write, not what we believe they write. This script makes one
# small synthetic pension database (every person, number and address below is
# made up), loads it into PostgreSQL 15, MariaDB and SQLite, each server
# started by hand as an unprivileged user in a private temporary directory on
# a Unix socket only (no TCP), dumps it with the real dump tools, exports the
# persons table as CSV (psql \copy, then a UTF-8 BOM added as Excel writes it),
# as NDJSON (row_to_json), as EUC-JP (iconv) and, with Japanese headers,
# era dates and full-width digits, as Shift_JIS (iconv -t CP932).
#
# THE TRUTH: persons has 30 people (pension number, name, birth date, email,
# phone, address); benefits has 45 payments to 15 of them (by pension number);
# inquiries has 10 rows from 8 other people (email and phone). So every dump
# holds 85 rows and 38 distinct people, and all fixtures together still 38:
# 30 with pension numbers, 38 emails, 38 phones, 30 name+birth-date pairs.
#
# USAGE: run as root on Debian 12:  sh tests/data/exports/regen.sh
#   BK_EXPORTS_OUT=DIR  write the fixtures there instead of next to this script
#   BK_REAL_USER=NAME   unprivileged user to run the servers as (nobody)
# Needs: postgresql (15), mariadb-server, mariadb-client, sqlite3, iconv, setpriv.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${BK_EXPORTS_OUT:-$here}
runas=${BK_REAL_USER:-nobody}
rungrp=$(id -gn "$runas")
LC_ALL=C.UTF-8
export LC_ALL

say() { printf 'regen: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }
[ "$(id -u)" = 0 ] || die "run me as root (I drop to $runas for the servers)"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
[ -x "$PGBIN/postgres" ] || die "no PostgreSQL server under /usr/lib/postgresql"
for t in mariadbd mariadb-install-db mariadb mariadb-dump sqlite3 iconv setpriv; do
	command -v "$t" > /dev/null || die "missing $t"
done

T=$(mktemp -d /tmp/bk-exports.XXXXXX)
pg_pid='' my_pid=''
cleanup() {
	st=$?
	trap - EXIT INT TERM
	if [ -n "$my_pid" ]; then kill "$my_pid" 2>/dev/null || :; wait "$my_pid" 2>/dev/null || :; fi
	if [ -n "$pg_pid" ]; then kill -INT "$pg_pid" 2>/dev/null || :; wait "$pg_pid" 2>/dev/null || :; fi
	rm -rf "$T"
	exit "$st"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$T/home" "$T/pg" "$T/my"
chown -R "$runas:$rungrp" "$T"
as_user() {
	setpriv --reuid="$runas" --regid="$rungrp" --clear-groups -- \
		env HOME="$T/home" TZ=UTC LC_ALL="$LC_ALL" PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
exec_as_user() {
	exec setpriv --reuid="$runas" --regid="$rungrp" --clear-groups -- \
		env HOME="$T/home" TZ=UTC LC_ALL="$LC_ALL" PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
wait_for() {	# FILE PATTERN: until the server says it is ready, at most 60 s
	i=0
	until [ -f "$1" ] && grep -q "$2" "$1"; do
		i=$((i + 1)); [ "$i" -le 600 ] || { tail -n 20 "$1" >&2 || :; die "timed out on $1"; }
		sleep 0.1
	done
}

# ---------------------------------------------------------------- the data
# One SQL script every engine reads: standard quoting ('' inside strings, no
# backslash escapes; MariaDB loads it with NO_BACKSLASH_ESCAPES). Park-Miller
# numbers make it the same on every run.
gen() {
	awk -v mode="$1" '
	function rnd(n) { seed = (seed * 48271) % 2147483647; return int(seed / 2147483647 * n) }
	function d(n, w,   s) { s = ""; while (w-- > 0) { s = s rnd(10) } return s }
	function fw(s,   r, k, c) {	# full-width digits and dashes, as typed in Japanese Excel
		r = ""
		for (k = 1; k <= length(s); k++) {
			c = substr(s, k, 1)
			r = r (c ~ /[0-9]/ ? fwd[c + 1] : c == "-" ? "－" : c)
		}
		return r
	}
	function phone() { return "090-" (2 + rnd(8)) d(0, 3) "-" (2 + rnd(8)) d(0, 3) }
	BEGIN {
		seed = 20150508
		split("０ １ ２ ３ ４ ５ ６ ７ ８ ９", fwd, " ")
		split("山田 佐藤 鈴木 高橋 田中 伊藤 渡辺 中村 小林 加藤", fam, " ")
		split("ヤマダ サトウ スズキ タカハシ タナカ イトウ ワタナベ ナカムラ コバヤシ カトウ", fk, " ")
		split("yamada sato suzuki takahashi tanaka ito watanabe nakamura kobayashi kato", fr, " ")
		split("太郎 花子 一郎 美咲 健太 陽子 翔 愛 大輔 直美", giv, " ")
		split("タロウ ハナコ イチロウ ミサキ ケンタ ヨウコ ショウ アイ ダイスケ ナオミ", gk, " ")
		split("taro hanako ichiro misaki kenta yoko sho ai daisuke naomi", gr, " ")
		split("千代田区霞が関 新宿区西新宿 港区芝公園 大阪市北区梅田 横浜市中区本町", town, " ")
		if (mode == "sql") {
			print "CREATE TABLE persons (id integer PRIMARY KEY, shimei varchar(40), kana_name varchar(60), seinengappi date, kiso_nenkin_no varchar(12), email varchar(80), phone varchar(20), jusho varchar(120), memo text);"
			print "CREATE TABLE benefits (id integer PRIMARY KEY, kiso_nenkin_no varchar(12), paid_on date, amount integer);"
			print "CREATE TABLE inquiries (id integer PRIMARY KEY, email varchar(80), phone varchar(20), body text);"
		}
		for (i = 0; i < 30; i++) {
			f = i % 10 + 1; g = (int(i / 10) + i) % 10 + 1
			y = 1940 + rnd(50); m = 1 + rnd(12); dd = 1 + rnd(28)
			pen[i] = (1000 + rnd(9000)) "-" d(0, 6)
			mail = fr[f] "." gr[g] (i + 1) "@example.jp"
			tel = phone()
			addr = "東京都" town[i % 5 + 1] (1 + rnd(9)) "-" (1 + rnd(20)) "-" (1 + rnd(30))
			memo = "NULL"
			if (i == 0) memo = "'\''O''Brien'' said \"hi\"\nsecond line, with comma\tand tab \\ backslash'\''"
			if (i == 1) memo = "'\''窓口で確認; 本人'\''"
			if (i == 2) memo = "'\'''\''"
			if (mode == "sql")
				printf "INSERT INTO persons VALUES (%d, '\''%s %s'\'', '\''%s %s'\'', '\''%04d-%02d-%02d'\'', '\''%s'\'', '\''%s'\'', '\''%s'\'', '\''%s'\'', %s);\n", \
				    i + 1, fam[f], giv[g], fk[f], gk[g], y, m, dd, pen[i], mail, tel, addr, memo
			if (mode == "sjis") {
				era = y >= 1989 ? sprintf("平成%d年%d月%d日", y - 1988, m, dd) : sprintf("昭和%d年%d月%d日", y - 1925, m, dd)
				if (i == 0) print "氏名,フリガナ,生年月日,基礎年金番号,電話番号,メールアドレス,住所"
				printf "%s %s,%s %s,%s,%s,%s,%s,%s\r\n", fam[f], giv[g], fk[f], gk[g], era, fw(pen[i]), fw(tel), mail, addr
			}
		}
		if (mode != "sql")
			exit
		for (k = 0; k < 45; k++)
			printf "INSERT INTO benefits VALUES (%d, '\''%s'\'', '\''2015-%02d-15'\'', %d);\n", k + 1, pen[k % 15], 1 + int(k / 15) * 2, 50000 + rnd(100) * 1000
		for (k = 0; k < 10; k++) {
			j = k < 8 ? k : k - 8
			if (k < 8) { gm[k] = "guest" (k + 1) "@example.net"; gt[k] = phone() }
			printf "INSERT INTO inquiries VALUES (%d, '\''%s'\'', '\''%s'\'', '\''問い合わせ %d'\'');\n", k + 1, gm[j], gt[j], k + 1
		}
	}'
}
gen sql > "$T/data.sql"
chown "$runas:$rungrp" "$T/data.sql"

# ---------------------------------------------------------------- PostgreSQL
as_user "$PGBIN/initdb" -D "$T/pg/data" -U postgres -E UTF8 --locale=C.UTF-8 \
	--auth-local=trust --no-sync > "$T/pg/initdb.log"
(exec_as_user "$PGBIN/postgres" -D "$T/pg/data" -c listen_addresses= \
	-c unix_socket_directories="$T/pg") > "$T/pg/server.log" 2>&1 &
pg_pid=$!
wait_for "$T/pg/server.log" 'ready to accept connections'
pg() { as_user psql -X -q -v ON_ERROR_STOP=1 -h "$T/pg" -U postgres "$@"; }
echo "CREATE DATABASE pension;" | pg -d postgres
pg -d pension -f "$T/data.sql"
as_user pg_dump -h "$T/pg" -U postgres --no-owner pension > "$out/pg_dump.sql"
as_user pg_dump -h "$T/pg" -U postgres --no-owner --inserts pension > "$out/pg_dump-inserts.sql"
as_user pg_dump -h "$T/pg" -U postgres --no-owner --column-inserts -t inquiries pension \
	> "$out/pg_dump-column-inserts.sql"
pg -d pension -c "\\copy (SELECT * FROM persons ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)" \
	> "$T/persons.csv"
printf '\357\273\277' | cat - "$T/persons.csv" > "$out/persons-bom.csv"
iconv -f UTF-8 -t EUC-JP "$T/persons.csv" > "$out/persons-eucjp.csv"
pg -d pension -At -c "SELECT row_to_json(p) FROM persons p ORDER BY id" > "$out/persons.ndjson"
pg -d pension -c "\\copy (SELECT id, email, phone, body FROM inquiries ORDER BY id) TO STDOUT WITH (FORMAT text, HEADER)" \
	> "$out/inquiries.tsv"
kill -INT "$pg_pid"; wait "$pg_pid" || :; pg_pid=

# ---------------------------------------------------------------- MariaDB
as_user mariadb-install-db --no-defaults --datadir="$T/my/data" --skip-test-db \
	--auth-root-authentication-method=normal > "$T/my/install.log" 2>&1 ||
	{ tail -n 20 "$T/my/install.log" >&2; die "mariadb-install-db failed"; }
(exec_as_user mariadbd --no-defaults --datadir="$T/my/data" --socket="$T/my/sock" \
	--skip-networking --log-error="$T/my/error.log" --character-set-server=utf8mb4) &
my_pid=$!
wait_for "$T/my/error.log" 'ready for connections'
my() { as_user mariadb --socket="$T/my/sock" -u root --default-character-set=utf8mb4 "$@"; }
echo "CREATE DATABASE pension CHARACTER SET utf8mb4;" | my
{ echo "SET sql_mode='NO_BACKSLASH_ESCAPES';"; cat "$T/data.sql"; } | my pension
as_user mariadb-dump --socket="$T/my/sock" -u root --default-character-set=utf8mb4 --skip-dump-date \
	pension > "$out/mysqldump.sql"
as_user mariadb-dump --socket="$T/my/sock" -u root --default-character-set=utf8mb4 --skip-dump-date \
	--skip-extended-insert --complete-insert pension > "$out/mysqldump-single.sql"
kill "$my_pid"; wait "$my_pid" || :; my_pid=

# ---------------------------------------------------------------- SQLite
as_user sqlite3 "$T/pension.db" < "$T/data.sql"
as_user sqlite3 "$T/pension.db" .dump > "$out/sqlite.sql"

# ---------------------------------------------------------------- Shift_JIS CSV
gen sjis | iconv -f UTF-8 -t CP932 > "$out/persons-sjis.csv"

{
	printf 'postgresql=%s\n' "$("$PGBIN/postgres" --version | sed 's/^postgres (PostgreSQL) //')"
	printf 'mariadb=%s\n' "$(mariadbd --version 2>/dev/null | sed 's/.*Ver \([^ ]*\).*/\1/')"
	printf 'sqlite3=%s\n' "$(sqlite3 --version | cut -d' ' -f1)"
} > "$out/versions.txt"
say "fixtures written to $out"
