#!/bin/sh
# generate.sh - regenerate the synthetic pension-agency incident under samples/.
#
# THE STORY (invented; every person, account, host name, number and address is fictional).
# A pension agency's clerks look people up in an internal web app (nginx on nenkin-app01,
# HTTP Basic auth, so nginx logs the clerk's account) backed by PostgreSQL 15 with pgaudit
# (nenkin-db01); they keep lists on a Samba share "pension" (nenkin-fs01) and reach the
# Internet through a Squid proxy.  Wed 6 May 2015 is a public holiday (振替休日), Thu 7 and
# Fri 8 are workdays, then a weekend; the evidence was collected Mon 11 May 08:00 JST.
# On Thu 7 May at 10:12 the clerk tanaka.k opens a link in a phishing mail; his PC
# 10.20.3.41 downloads a dropper and from 10:14 calls home to update-check.example every
# ~300 s (+-30 s jitter) until the end of the logs.  On Fri 8 May, after he has gone home,
# the intruder uses his PC and his credentials: sweeps 162 files off the share (18:55),
# walks the app's JSON API over person ids 100001..103000 (19:33-20:14), downloads the
# app's full CSV export (20:31), reads the whole persons table straight from the database
# with psql and COPY (20:46-20:58), and uploads five RAR volumes to upload.filedrop.example
# through the proxy (21:25-22:17).  samples/README.md has the timeline and expected findings.
#
# WHAT EACH FILE SHOWS
#   logs/web/access.log*            nginx "combined"; daily logrotate with delaycompress:
#                                   .4.gz=May 6 .3.gz=May 7 .2.gz=May 8 .1=May 9 access.log=10-11
#   logs/db/postgresql-*.log[.gz]   PostgreSQL stderr log, prefix '%m [%p] %q%u@%d ', pgaudit
#                                   (log=read,write,ddl,role; log_rows=on; log_relation=off)
#   logs/fileserver/audit.log       Samba vfs_full_audit (prefix %u|%I|%S) via rsyslog,
#                                   traditional syslog timestamps (no year, no zone)
#   logs/proxy/access.log[.1.gz]    Squid native format plus one field, %>st (request size)
#   exports/                        what left: a merged UTF-8 list, the clerks' CP932 list,
#                                   and a pg_dump --inserts file found on the share
#
# HOW: one awk program writes every event with a sort key (milliseconds since 2015-05-06
# 00:00 JST and a sequence number) into one stream per server; each stream is then sorted
# and cut into the files the server would have left.  Randomness comes from a Park-Miller
# LCG written below (awk's own rand() differs between mawk and gawk), so the output is
# byte-identical on every run.  Needs only POSIX sh, awk, sort, iconv and gzip.
set -eu
LC_ALL=C
export LC_ALL

cd "$(dirname "$0")"
work=$(mktemp -d "${TMPDIR:-/tmp}/bk-samples.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

cat > "$work/gen.awk" <<'AWK'
# ------------------------------------------------------------------ random numbers, time
# Park-Miller "minimal standard" generator; every product stays below 2^53, so all awks agree.
function seed(x) { S = x % 2147483646 + 1 }
function rnd() { S = (S * 48271) % 2147483647; return S / 2147483647 }
function ri(n) { return int(rnd() * n) }                   # 0 .. n-1
function rr(a, b) { return a + ri(b - a + 1) }             # a .. b
function pick(list,   a, n) { n = split(list, a, " "); return a[ri(n) + 1] }

# Days since 1970-01-01 from a civil date and back (proleptic Gregorian calendar).
function dfc(y, m, d,   era, yoe, doy, doe) {
	y -= (m <= 2); era = int(y / 400); yoe = y - era * 400
	doy = int((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}
function cfd(z,   era, doe, yoe, doy, mp) {                 # sets CY CM CD
	z += 719468; era = int(z / 146097); doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153)
	CD = doy - int((153 * mp + 2) / 5) + 1; CM = mp < 10 ? mp + 3 : mp - 9
	CY = yoe + era * 400 + (CM <= 2)
}
# Times are integer milliseconds since 2015-05-06 00:00:00 JST; day 0 is Wed 6 May.
function at(day, h, m, s) { return (((day * 24 + h) * 60 + m) * 60 + s) * 1000 }
function hour(ms) { return int(ms % 86400000 / 3600000) }
function jst(ms,   s) {
	s = int(ms / 1000); MS = ms % 1000; cfd(T0DAY + int(s / 86400)); s %= 86400
	HH = int(s / 3600); MI = int(s % 3600 / 60); SS = s % 60
}
function t_nginx(ms) { jst(ms); return sprintf("%02d/%s/%d:%02d:%02d:%02d +0900", CD, MON[CM], CY, HH, MI, SS) }
function t_pg(ms) { jst(ms); return sprintf("%d-%02d-%02d %02d:%02d:%02d.%03d JST", CY, CM, CD, HH, MI, SS, MS) }
function t_syslog(ms) { jst(ms); return sprintf("%s %2d %02d:%02d:%02d", MON[CM], CD, HH, MI, SS) }
function t_squid(ms) { return sprintf("%d.%03d", T0EPOCH + int(ms / 1000), ms % 1000) }
function emit(stream, ms, line) { printf "%010d%07d %s\n", ms, ++SEQ, line > (W "/" stream) }

function urlencode(s,   i, c, out) {                        # UTF-8 bytes -> %XX
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		out = out (c ~ /[A-Za-z0-9._~-]/ ? c : sprintf("%%%02X", ORD[c]))
	}
	return out
}

# ------------------------------------------------------------------------ fictional people
# person(id): every field derives from the id alone (the main PRNG state is saved and
# restored), so the API walk, the dump and the exports agree on who person 100123 is.
# Pension numbers come from the id through two affine maps mod 10^10 with the digits
# reversed in between; each step is a bijection, so no two ids share a number.
function person(id,   keep, k, pn) {
	keep = S; seed(id * 7919 + 17); rnd()
	k = ri(NSUR) + 1; P_SUR = SUR[k]; P_SURK = SURK[k]
	k = ri(NGIV) + 1; P_GIV = GIV[k]; P_GIVK = GIVK[k]
	cfd(DAY1935 + ri(DAY1995 - DAY1935))
	if (id == 101701) cfd(dfc(1989, 1, 7))                  # last day of Showa (昭和64年)
	if (id == 101702) cfd(dfc(1989, 1, 8))                  # first day of Heisei (平成元年)
	P_Y = CY; P_M = CM; P_D = CD
	pn = reverse(sprintf("%010.0f", (id * 6364136223 + 2718281) % 10000000000)) + 0
	pn = (pn * 104729 + 3141592653) % 10000000000
	P_PN = sprintf("%04d-%06d", int(pn / 1000000), pn % 1000000)
	P_TEL = sprintf("%s-%04d-%04d", ri(4) ? "090" : "080", rr(1000, 9999), ri(10000))
	address()
	S = keep
}
function reverse(s,   r, i) { r = ""; for (i = length(s); i > 0; i--) r = r substr(s, i, 1); return r }
function address() { P_PLACE = PLACE[ri(NPLACE) + 1]; P_TOWN = pick(TOWNS); P_C = rr(1, 5); P_B = rr(1, 30); P_G = rr(1, 25) }
function wareki(y, m, d,   n, e) {                           # Japanese era date
	if (y * 10000 + m * 100 + d >= 19890108) { e = "平成"; n = y - 1988 } else { e = "昭和"; n = y - 1925 }
	return e (n == 1 ? "元" : n) "年" m "月" d "日"
}
# Rows as the app's API gives them (ASCII space, 1970/03/01, 2-14-3) ...
function row_api(id) {
	person(id)
	return P_SUR " " P_GIV "," P_SURK " " P_GIVK "," P_PN "," sprintf("%d/%02d/%02d", P_Y, P_M, P_D) \
	    "," P_PLACE P_TOWN P_C "-" P_B "-" P_G "," P_TEL
}
# ... and as the clerks type them in Excel (ideographic space, era dates, 2丁目14番3号).
function row_list(id, moved,   keep) {
	person(id)
	if (moved) { keep = S; seed(id * 31 + 5); address(); S = keep }
	return P_SUR "　" P_GIV "," P_SURK "　" P_GIVK "," P_PN "," wareki(P_Y, P_M, P_D) \
	    "," P_PLACE P_TOWN P_C "丁目" P_B "番" P_G "号," P_TEL
}

function gen_exports(   f, sj, id, k, hdr, line) {
	hdr = "氏名,フリガナ,基礎年金番号,生年月日,住所,電話番号"
	f = "exports/meibo_merged_utf8.csv"; sj = W "/list.csv"
	print hdr > f; printf "%s\r\n", hdr > sj
	for (id = 100001; id <= 101700; id++) print row_api(id) > f
	# The clerks' list: 240 people the API part lacks, and 60 it already has (20 of them moved).
	seed(4242)
	for (k = 0; k < 60; k++) DUP[100001 + k * 28 + ri(28)] = (k % 3 == 0)
	for (id = 100001; id <= 101940; id++) {
		if (id <= 101700 && !(id in DUP)) continue
		line = row_list(id, (id in DUP) && DUP[id])
		print line > f; printf "%s\r\n", line > sj
	}
	close(f); close(sj)

	f = "exports/persons_dump_20150401.sql"
	printf "--\n-- PostgreSQL database dump\n--\n\n" > f
	printf "-- Dumped from database version 15.12 (Debian 15.12-0+deb12u2)\n" > f
	printf "-- Dumped by pg_dump version 15.12 (Debian 15.12-0+deb12u2)\n\n" > f
	printf "SET statement_timeout = 0;\nSET lock_timeout = 0;\nSET idle_in_transaction_session_timeout = 0;\n" > f
	printf "SET client_encoding = 'UTF8';\nSET standard_conforming_strings = on;\n" > f
	printf "SELECT pg_catalog.set_config('search_path', '', false);\nSET check_function_bodies = false;\n" > f
	printf "SET xmloption = content;\nSET client_min_messages = warning;\nSET row_security = off;\n\n" > f
	printf "SET default_tablespace = '';\n\nSET default_table_access_method = heap;\n\n" > f
	printf "--\n-- Name: persons; Type: TABLE; Schema: public; Owner: nenkin_owner\n--\n\n" > f
	printf "CREATE TABLE public.persons (\n    id integer NOT NULL,\n" > f
	printf "    kiso_nenkin_no character(11) NOT NULL,\n    name_kanji text NOT NULL,\n" > f
	printf "    name_kana text NOT NULL,\n    birth_date date NOT NULL,\n    address text,\n" > f
	printf "    phone text,\n    updated_at timestamp without time zone DEFAULT now() NOT NULL\n);\n\n\n" > f
	printf "ALTER TABLE public.persons OWNER TO nenkin_owner;\n\n" > f
	printf "--\n-- Data for Name: persons; Type: TABLE DATA; Schema: public; Owner: nenkin_owner\n--\n\n" > f
	seed(401)
	for (id = 100001; id <= 100200; id++) {
		person(id)
		printf "INSERT INTO public.persons VALUES (%d, '%s', '%s', '%s', '%d-%02d-%02d', '%s', '%s', '2015-03-%02d %02d:%02d:%02d');\n", \
		    id, P_PN, P_SUR " " P_GIV, P_SURK " " P_GIVK, P_Y, P_M, P_D, \
		    P_PLACE P_TOWN P_C "-" P_B "-" P_G, P_TEL, rr(2, 31), rr(9, 17), ri(60), ri(60) > f
	}
	printf "\n\n--\n-- Name: persons persons_pkey; Type: CONSTRAINT; Schema: public; Owner: nenkin_owner\n--\n\n" > f
	printf "ALTER TABLE ONLY public.persons\n    ADD CONSTRAINT persons_pkey PRIMARY KEY (id);\n\n\n" > f
	printf "--\n-- PostgreSQL database dump complete\n--\n\n" > f
	close(f)
}

# --------------------------------------------------------------- web app and its database
function web(ms, ip, user, req, status, bytes, ref, ua) {
	emit("web", ms, sprintf("%s - %s [%s] \"%s\" %d %d \"%s\" \"%s\"", ip, user, t_nginx(ms), req, status, bytes, ref, ua))
}
# pgaudit quotes a CSV field only if it holds a comma, a quote, CR or LF.  Inside the
# streams LF and CR travel as \001 and \002 so that sort sees one line per entry.
function csvq(s) {
	if (!(index(s, ",") || index(s, "\"") || index(s, "\001") || index(s, "\002"))) return s
	gsub(/"/, "\"\"", s); return "\"" s "\""
}
function pglog(ms, pid, who, level, msg) { emit("db", ms, sprintf("%s [%d] %s%s:  %s", t_pg(ms), pid, who, level, msg)) }
function audit(ms, pid, who, stmt, cls, cmd, text, rows) {
	pglog(ms, pid, who, "LOG", sprintf("AUDIT: SESSION,%s,1,%s,%s,,,%s,<not logged>,%d", stmt, cls, cmd, csvq(text), rows))
}
# The statement number pgaudit counts per backend is filled in after sorting (\003 below).
function appq(ms, text, rows,   b, cmd) {                   # one statement on a pooled connection
	b = ri(4) + 1; cmd = substr(text, 1, index(text, " ") - 1)
	if (cmd == "UPDATE") DIRTY[int((ms - CKPT0) / 300000)]++
	audit(ms, POOL_PID[b], "nenkin_app@nenkin ", "\003", cmd == "SELECT" ? "READ" : "WRITE", cmd, text, rows)
}
function newpid(ms) { return 18000 + int(ms / 60000) * 2 + ri(2) }  # pids grow with time
function connect(ms, pid, user, port, app) {
	pglog(ms, pid, "[unknown]@[unknown] ", "LOG", "connection received: host=" (port ? "10.20.3.41 port=" port : "[local]"))
	pglog(ms + rr(15, 60), pid, user "@nenkin ", "LOG", "connection authorized: user=" user " database=nenkin" \
	    (app != "" ? " application_name=" app : "") \
	    (port ? " SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)" : ""))
}
function disconnect(ms, start, pid, user, port,   d) {
	d = ms - start
	pglog(ms, pid, user "@nenkin ", "LOG", sprintf("disconnection: session time: %d:%02d:%02d.%03d user=%s database=nenkin host=%s", \
	    int(d / 3600000), int(d / 60000) % 60, int(d / 1000) % 60, d % 1000, user, port ? "10.20.3.41 port=" port : "[local]"))
}
function view(ms, ip, user, id, ref) {                     # one person page: two queries
	appq(ms, Q_PERSON, 1); appq(ms + rr(2, 9), Q_NOFU, rr(60, 480))
	web(ms + rr(25, 140), ip, user, "GET /records/person/" id " HTTP/1.1", 200, rr(8200, 14500), ref, UA_IE)
}
function clerk_app(c, day, gap,   t, end, u, ip, k, q, id, r) {
	u = CL_USER[c]; ip = CL_IP[c]; t = ARR[c, day] + rr(120, 900) * 1000; end = LEAVE[c, day] - 300000
	web(t, ip, "-", "GET / HTTP/1.1", 401, 195, "-", UA_IE)     # the browser learns it needs Basic auth
	t += rr(4000, 15000)
	web(t, ip, u, "GET / HTTP/1.1", 200, 3412, "-", UA_IE)
	web(t + 180, ip, u, "GET /static/app.css HTTP/1.1", 304, 0, HOME, UA_IE)
	web(t + 205, ip, u, "GET /static/app.js HTTP/1.1", 304, 0, HOME, UA_IE)
	while (1) {
		t += (int(gap / 4) + ri(int(gap * 3 / 2))) * 1000 + ri(1000)
		if (hour(t) == 12 && t < at(day, 12, 50, 0)) t = at(day, 12, 50, 0) + ri(900000)  # lunch
		if (t >= end) break
		r = ri(100); id = rr(100001, 225000)
		if (r < 25) {
			k = ri(NSUR) + 1; q = "/records/search?q=" urlencode(SURK[k])
			appq(t, Q_SEARCH, rr(3, 50)); web(t + rr(30, 200), ip, u, "GET " q " HTTP/1.1", 200, rr(4000, 21000), HOME, UA_IE)
			t += rr(5, 40) * 1000; view(t, ip, u, id, "http://nenkin-app01" q)
		} else if (r < 95) {
			view(t, ip, u, id, HOME)
		} else {                                     # a change of address
			view(t, ip, u, id, HOME); t += rr(30, 180) * 1000
			appq(t, Q_UPDATE, 1)
			web(t + rr(20, 60), ip, u, "POST /records/person/" id " HTTP/1.1", 303, 0, "http://nenkin-app01/records/person/" id, UA_IE)
			view(t + rr(300, 600), ip, u, id, "http://nenkin-app01/records/person/" id)
		}
	}
}
function gen_app(   c, d, t, id, pid, s, ids, probe, b, est, dist, n, w) {
	seed(1001)
	for (t = at(0, 0, 1, 17); t < END_MS; t += 300000)          # the monitoring server
		web(t, "10.20.0.5", "-", "GET /healthz HTTP/1.1", 200, 2, "-", "Zabbix")
	for (c = 1; c <= NCL; c++) for (d = 0; d <= 2; d++)
		if ((c, d) in ARR) clerk_app(c, d, d == 0 ? 1500 : 900)
	# Thu 7 May: a legacy batch client sends a Shift_JIS query (タナカ), once percent-encoded and
	# once raw; nginx writes bytes above 0x7e as \xXX, so the log itself stays ASCII.
	t = at(1, 11, 5, 33) + 412
	web(t, "10.20.5.17", "batch01", "GET /records/search?q=%83%5E%83i%83J HTTP/1.1", 400, 166, "-", "Java/1.6.0_45")
	web(t + 2207, "10.20.5.17", "batch01", "GET /records/search?q=\\x83^\\x83i\\x83J HTTP/1.0", 400, 166, "-", "Java/1.6.0_45")
	# Thu 7 May 14:22: yamamoto.t prints notices for 900 people: one very long, benign URL.
	seed(714); ids = ""; id = 100000
	for (n = 0; n < 900; n++) { id += rr(1, 250); ids = ids (n ? "," : "") id }
	t = at(1, 14, 22, 10) + 96
	appq(t, Q_BATCH, 900)
	web(t + 1840, CL_IP[7], CL_USER[7], "GET /records/batch?ids=" ids "&fmt=print HTTP/1.1", 200, 1288754, HOME "records/batch", UA_IE)

	# ---- Fri 8 May, the intruder on 10.20.3.41 with tanaka.k's password: probe, walk, export
	seed(808); t = at(2, 19, 33, 48) + 127
	split("1 1000 100000", probe, " ")
	for (n = 1; n <= 3; n++) {
		appq(t, Q_PERSON, 0)
		web(t + rr(8, 30), A_IP, A_USER, "GET /api/persons/" probe[n] " HTTP/1.1", 404, 27, "-", UA_BOT)
		t += rr(2000, 9000)
	}
	for (id = 100001; id <= 103000; id++) {
		appq(t, Q_PERSON, 1); web(t + rr(8, 30), A_IP, A_USER, "GET /api/persons/" id " HTTP/1.1", 200, rr(372, 468), "-", UA_BOT)
		t += rr(550, 1050)
	}
	t = at(2, 20, 30, 58) + 305
	appq(t, Q_EXPORT, 125000)
	web(t + 9312, A_IP, A_USER, "GET /export/persons.csv?scope=all HTTP/1.1", 200, EXPORT_BYTES, "-", UA_BOT)
	# ---- then straight to the database: psql, a typo, a full read; a second tool runs COPY.
	s = at(2, 20, 46, 12) + 88; pid = newpid(s)
	connect(s, pid, A_USER, 50213, "psql")
	audit(at(2, 20, 46, 40) + 511, pid, A_USER "@nenkin ", 1, "READ", "SELECT", "SELECT count(*) FROM persons;", 1)
	pglog(at(2, 20, 47, 5) + 20, pid, A_USER "@nenkin ", "ERROR", "relation \"person\" does not exist at character 15")
	pglog(at(2, 20, 47, 5) + 20, pid, A_USER "@nenkin ", "STATEMENT", "SELECT * FROM person LIMIT 5;")
	audit(at(2, 20, 47, 19) + 302, pid, A_USER "@nenkin ", 2, "READ", "SELECT", "SELECT * FROM persons LIMIT 5;", 5)
	audit(at(2, 20, 48, 3) + 744, pid, A_USER "@nenkin ", 3, "READ", "SELECT", "SELECT * FROM persons;", 125000)
	disconnect(at(2, 20, 52, 30) + 15, s, pid, A_USER, 50213)
	s = at(2, 20, 58, 3) + 610; pid = newpid(s)          # a Windows tool: its SQL ends lines in CRLF
	connect(s, pid, A_USER, 50388, "")
	audit(at(2, 20, 58, 24) + 77, pid, A_USER "@nenkin ", 1, "READ", "COPY", "COPY persons\002\001  TO STDOUT", 0)
	disconnect(at(2, 20, 58, 25) + 301, s, pid, A_USER, 50388)

	# ---- every night at 02:00 the backup job dumps the database over the local socket
	for (d = 0; d <= 5; d++) {
		s = at(d, 2, 0, 1) + ri(900); pid = newpid(s); t = s + rr(900, 1500)
		connect(s, pid, "postgres", 0, "pg_dump")
		for (n = 1; n <= 3; n++) {
			t += rr(300, 2000) + (n == 3 ? 14000 : 0)
			audit(t, pid, "postgres@nenkin ", n, "READ", "COPY", DUMP_COPY[n], 0)
		}
		disconnect(t + rr(200, 600), s, pid, "postgres", 0)
	}
	# ---- log_checkpoints: a timed checkpoint every 5 minutes, only after something was written
	est = 1830
	for (b = 0; b * 300000 < END_MS; b++) {
		if (!(b in DIRTY)) continue
		t = CKPT0 + (b + 1) * 300000 + ri(5); n = DIRTY[b] * 3 + rr(1, 4)
		dist = DIRTY[b] * rr(9, 17); est = est < dist ? dist : int(0.9 * est + 0.1 * dist)
		w = (n - 1) * 100 + rr(2, 9)
		pglog(t, CKPT_PID, "", "LOG", "checkpoint starting: time")
		pglog(t + w + 14, CKPT_PID, "", "LOG", sprintf("checkpoint complete: wrote %d buffers (0.0%%); " \
		    "0 WAL file(s) added, 0 removed, 0 recycled; write=%d.%03d s, sync=0.%03d s, total=%d.%03d s; " \
		    "sync files=%d, longest=0.%03d s, average=0.%03d s; distance=%d kB, estimate=%d kB",
		    n, int(w / 1000), w % 1000, 3 + ri(5), int((w + 14) / 1000), (w + 14) % 1000, n > 6 ? 6 : n, 2 + ri(2), 1, dist, est))
	}
}

# -------------------------------------------------------------------------- file server
function smb(ms, u, ip, op, res, arg) {
	emit("fs", ms, sprintf("%s nenkin-fs01 smbd_audit: %s|%s|pension|%s|%s|%s", t_syslog(ms), u, ip, op, res, arg))
}
function gen_fileserver(   c, d, n, k, t, u, ip, f, m, dir) {
	seed(2002)
	for (c = 1; c <= NCL; c++) for (d = 0; d <= 2; d++) {
		if (!((c, d) in ARR)) continue
		u = CL_USER[c]; ip = CL_IP[c]
		smb(ARR[c, d] + rr(60, 300) * 1000, u, ip, "connect", "ok", "pension")
		for (n = rr(2, 8); n > 0; n--) {
			t = ARR[c, d] + 600000 + ri(LEAVE[c, d] - ARR[c, d] - 1200000); f = pick(DOCS)
			smb(t, u, ip, "openat", "ok", (ri(10) < 3 && f ~ /^gyomu/ ? "w|" : "r|") ROOT f)
		}
		smb(LEAVE[c, d] + rr(600, 900) * 1000, u, ip, "disconnect", "ok", "pension")
	}
	# Fri 8 May 18:55: the sweep.  Windows Explorer also asks for desktop.ini in each folder.
	u = A_USER; ip = A_IP; t = at(2, 18, 55, 12) + 530
	smb(t, u, ip, "connect", "ok", "pension")
	split("kanri kanri/2015", dir, " ")
	for (k = 1; k <= 2; k++) { t += rr(400, 1500); smb(t, u, ip, "openat", "ok", "r|" ROOT dir[k]) }
	for (m = 1; m <= 5; m++) {
		f = ROOT sprintf("kanri/2015/%02d", m)
		t += rr(800, 2500); smb(t, u, ip, "openat", "ok", "r|" f)
		t += rr(40, 200); smb(t, u, ip, "openat", "fail (No such file or directory)", "r|" f "/desktop.ini")
		for (n = 1; n <= 16; n++) {
			t += rr(1500, 6000); smb(t, u, ip, "openat", "ok", "r|" f sprintf("/加入者台帳_2015%02d_%02d.xlsx", m, n))
			t += rr(1500, 6000); smb(t, u, ip, "openat", "ok", "r|" f sprintf("/kojin_meibo_2015%02d_%02d.csv", m, n))
		}
	}
	# A legacy file whose name is still Shift_JIS bytes on disk (旧名簿.csv): invalid UTF-8.
	t += rr(2000, 5000); smb(t, u, ip, "openat", "ok", "r|" ROOT "kanri/old")
	t += rr(1500, 4000); smb(t, u, ip, "openat", "ok", "r|" ROOT "kanri/old/\213\214\226\274\225\353.csv")
	split("system system/dev", dir, " ")
	for (k = 1; k <= 2; k++) { t += rr(1500, 4000); smb(t, u, ip, "openat", "ok", "r|" ROOT dir[k]) }
	t += rr(1500, 4000); smb(t, u, ip, "openat", "ok", "r|" ROOT "system/dev/persons_dump_20150401.sql")
	smb(t + rr(30000, 90000), u, ip, "disconnect", "ok", "pension")
}

# -------------------------------------------------------------------------------- proxy
# logformat squidup %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt %>st
function sq(ms, el, ip, code, st, bytes, method, url, hier, type, req) {
	emit("proxy", ms, sprintf("%s %6d %s %s/%03d %d %s %s - %s %s %d", t_squid(ms), el, ip, code, st, bytes, method, url, hier, type, req))
}
function page(t, ip,   k, n, a, r, f) {                    # one page and its assets
	k = ri(NSITE) + 1; split(SITE[k], a, " ")
	if (ri(100) == 0) {
		sq(t, rr(0, 3), ip, "TCP_DENIED", 403, 3921, "GET", "http://video.streaming.example/", "HIER_NONE/-", "text/html", rr(380, 520)); return
	}
	if (a[3] == "https") {
		r = rr(2000, 120000)
		sq(t + r, r, ip, "TCP_TUNNEL", 200, rr(4000, 250000), "CONNECT", a[1] ":443", "HIER_DIRECT/" a[2], "-", rr(900, 30000)); return
	}
	t += rr(60, 900)
	sq(t, rr(60, 900), ip, "TCP_MISS", 200, rr(6000, 60000), "GET", "http://" a[1] "/" pick(PATHS), "HIER_DIRECT/" a[2], "text/html", rr(380, 720))
	for (n = rr(2, 8); n > 0; n--) {
		t += rr(20, 400); r = ri(10); split(pick(ASSETS), f, ":")
		sq(t, rr(0, 300), ip, r < 4 ? "TCP_MEM_HIT" : r < 7 ? "TCP_MISS" : "TCP_REFRESH_UNMODIFIED", r < 7 ? 200 : 304, \
		    r < 7 ? f[3] + rr(290, 330) : rr(240, 300), "GET", "http://cdn.example.net/" f[1], \
		    r < 4 ? "HIER_NONE/-" : "HIER_DIRECT/198.51.100.20", f[2], rr(380, 640))
	}
}
function gen_proxy(   c, d, t, end, ip, part) {
	seed(3003)
	for (c = 1; c <= NCL; c++) for (d = 0; d <= 2; d++) {
		if (!((c, d) in ARR)) continue
		ip = CL_IP[c]
		for (t = ARR[c, d] + rr(60, 600) * 1000; t < LEAVE[c, d]; t += int(rr(300, 2400) * 1000 / (hour(t) == 12 ? 3 : 1)))
			page(t, ip)
		# hourly antivirus definition checks while the PC is on; from Thursday on 10.20.3.41
		# is never switched off again, so Thursday's run of checks lasts to the end
		if (ip == A_IP && d == 2) continue
		end = (ip == A_IP && d == 1) ? END_MS : LEAVE[c, d]
		for (t = ARR[c, d] + rr(30, 3000) * 1000; t < end; t += 3600000 + ri(2000))
			sq(t, rr(40, 200), ip, "TCP_MISS", 200, rr(610, 640), "GET", "http://av-update.example/defs/v3/latest.ver",
			    "HIER_DIRECT/198.51.100.40", "text/plain", rr(300, 330))
	}
	# Thu 7 May: the phishing link, the dropper's second stage, then the beacon, to the end.
	t = at(1, 10, 12, 41) + 230
	sq(t, 1874, A_IP, "TCP_MISS", 200, 318912, "GET", "http://docs-share.example/dl/0507/kikin_minaoshi_shian.lzh",
	    "HIER_DIRECT/203.0.113.80", "application/octet-stream", 512)
	sq(at(1, 10, 31, 18) + 902, 3311, A_IP, "TCP_MISS", 200, 187392, "GET", "http://update-check.example/images/top_bg.jpg",
	    "HIER_DIRECT/203.0.113.45", "image/jpeg", 287)
	for (t = at(1, 10, 14, 2) + 417; t < END_MS; t += (300 + rr(-30, 30)) * 1000 + ri(1000))
		sq(t, rr(90, 450), A_IP, "TCP_MISS", 200, rr(388, 436), "GET", "http://update-check.example/cgi-bin/check.cgi?",
		    "HIER_DIRECT/203.0.113.45", "text/html", rr(296, 318))
	# Fri 8 May: five RAR volumes leave by HTTP POST (sizes are request sizes, %>st).
	sq(at(2, 21, 25, 58) + 180, 212, A_IP, "TCP_MISS", 200, 1874, "GET", "http://upload.filedrop.example/", "HIER_DIRECT/198.51.100.23", "text/html", 402)
	split("21:26:41 21:37:12 21:48:55 22:03:30 22:17:02", part, " ")
	for (c = 1; c <= 5; c++) {
		t = at(2, substr(part[c], 1, 2) + 0, substr(part[c], 4, 2) + 0, substr(part[c], 7, 2) + 0) + ri(1000)
		sq(t, c < 5 ? rr(24000, 41000) : rr(8000, 12000), A_IP, "TCP_MISS", 200, 297, "POST", "http://upload.filedrop.example/u/put.php", \
		    "HIER_DIRECT/198.51.100.23", "text/plain", c < 5 ? 10486378 : 3617921)
	}
}

# ------------------------------------------------------------------------------ set-up
function lists(   i, n, a, b) {
	n = split("佐藤:サトウ 鈴木:スズキ 高橋:タカハシ 田中:タナカ 伊藤:イトウ 渡辺:ワタナベ 山本:ヤマモト 中村:ナカムラ " \
	    "小林:コバヤシ 加藤:カトウ 吉田:ヨシダ 山田:ヤマダ 佐々木:ササキ 山口:ヤマグチ 松本:マツモト 井上:イノウエ " \
	    "木村:キムラ 林:ハヤシ 斎藤:サイトウ 清水:シミズ 山崎:ヤマザキ 森:モリ 池田:イケダ 橋本:ハシモト 阿部:アベ " \
	    "石川:イシカワ 山下:ヤマシタ 中島:ナカジマ 小川:オガワ 前田:マエダ 岡田:オカダ 長谷川:ハセガワ 藤田:フジタ " \
	    "後藤:ゴトウ 近藤:コンドウ 村上:ムラカミ 遠藤:エンドウ 青木:アオキ 坂本:サカモト 福田:フクダ", a, " ")
	for (i = 1; i <= n; i++) { split(a[i], b, ":"); SUR[i] = b[1]; SURK[i] = b[2] }
	NSUR = n
	n = split("博:ヒロシ 誠:マコト 健一:ケンイチ 浩二:コウジ 隆:タカシ 茂:シゲル 清:キヨシ 大輔:ダイスケ 翔太:ショウタ " \
	    "拓也:タクヤ 和夫:カズオ 正:タダシ 健太:ケンタ 直樹:ナオキ 修:オサム 勇:イサム 昭:アキラ 聡:サトシ 哲也:テツヤ " \
	    "達也:タツヤ 花子:ハナコ 恵子:ケイコ 幸子:サチコ 洋子:ヨウコ 京子:キョウコ 裕子:ユウコ 美香:ミカ 直美:ナオミ " \
	    "久美子:クミコ 由美子:ユミコ 明美:アケミ 真由美:マユミ 智子:トモコ 陽子:ヨウコ 和子:カズコ 節子:セツコ 愛:アイ " \
	    "舞:マイ 彩:アヤ 恵:メグミ", a, " ")
	for (i = 1; i <= n; i++) { split(a[i], b, ":"); GIV[i] = b[1]; GIVK[i] = b[2] }
	NGIV = n
	# populous places are listed more than once: a crude weighting
	NPLACE = split("東京都世田谷区 東京都練馬区 東京都大田区 東京都足立区 東京都江戸川区 東京都杉並区 東京都八王子市 " \
	    "東京都町田市 神奈川県横浜市港北区 神奈川県川崎市中原区 神奈川県相模原市中央区 神奈川県藤沢市 大阪府大阪市北区 " \
	    "大阪府堺市堺区 大阪府豊中市 大阪府吹田市 埼玉県さいたま市浦和区 埼玉県川口市 埼玉県所沢市 千葉県千葉市中央区 " \
	    "千葉県船橋市 千葉県柏市 愛知県名古屋市中区 愛知県豊田市 愛知県岡崎市 北海道札幌市中央区 北海道旭川市 " \
	    "福岡県福岡市博多区 福岡県北九州市小倉北区 兵庫県神戸市中央区 兵庫県姫路市 静岡県静岡市葵区 静岡県浜松市中区 " \
	    "宮城県仙台市青葉区 広島県広島市中区 京都府京都市左京区 新潟県新潟市中央区 沖縄県那覇市 東京都世田谷区 " \
	    "神奈川県横浜市港北区 大阪府大阪市北区 埼玉県川口市 愛知県名古屋市中区", PLACE, " ")
	TOWNS = "本町 中央 栄町 緑町 旭町 幸町 東町 西町 南町 北町 若葉 桜台 富士見 大和町 松が丘 新町 住吉町 昭和町 泉町 青葉台"
	NCL = split("sato.m:10.20.3.11 suzuki.h:10.20.3.12 takahashi.y:10.20.3.15 watanabe.a:10.20.3.22 " \
	    "ito.s:10.20.3.23 nakamura.e:10.20.3.30 yamamoto.t:10.20.3.27 kobayashi.r:10.20.3.33 " \
	    "kato.n:10.20.3.35 yoshida.j:10.20.3.38 tanaka.k:10.20.3.41 yamada.k:10.20.3.44", a, " ")
	for (i = 1; i <= NCL; i++) { split(a[i], b, ":"); CL_USER[i] = b[1]; CL_IP[i] = b[2] }
	A_USER = "tanaka.k"; A_IP = "10.20.3.41"
	# who is at work when: Wed 6 May (holiday) two clerks on duty, Thu and Fri everyone
	seed(99)
	for (i = 1; i <= NCL; i++) for (n = 0; n <= 2; n++) {
		if (n == 0 && CL_USER[i] != "sato.m" && CL_USER[i] != "kato.n") continue
		ARR[i, n] = n == 0 ? at(0, 9, 30, 0) + ri(1800000) : at(n, 8, 20, 0) + ri(3000000)
		LEAVE[i, n] = n == 0 ? at(0, 15, 0, 0) + ri(1800000) : at(n, 17, 30, 0) + ri(4200000)
		if (CL_USER[i] == A_USER && n == 2) LEAVE[i, n] = at(2, 17, 41, 0) + 12345
	}
	UA_IE = "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko"
	UA_BOT = "Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 6.1; Trident/4.0)"
	HOME = "http://nenkin-app01/"
	Q_PERSON = "SELECT id, kiso_nenkin_no, name_kanji, name_kana, birth_date, address, phone FROM persons WHERE id = $1"
	Q_NOFU = "SELECT ym, amount FROM nofu_kiroku WHERE person_id = $1 ORDER BY ym"
	Q_SEARCH = "SELECT id, name_kanji, name_kana, birth_date FROM persons WHERE name_kana LIKE $1 ORDER BY name_kana LIMIT 50"
	Q_UPDATE = "UPDATE persons SET address = $1, phone = $2, updated_at = now() WHERE id = $3"
	Q_BATCH = "SELECT id, kiso_nenkin_no, name_kanji, name_kana, birth_date, address, phone FROM persons WHERE id = ANY($1)"
	Q_EXPORT = "SELECT id, kiso_nenkin_no, name_kanji, name_kana, birth_date, address, phone FROM persons ORDER BY id"
	DUMP_COPY[1] = "COPY public.jimusho (id, code, name) TO stdout;"
	DUMP_COPY[2] = "COPY public.nofu_kiroku (id, person_id, ym, amount) TO stdout;"
	DUMP_COPY[3] = "COPY public.persons (id, kiso_nenkin_no, name_kanji, name_kana, birth_date, address, phone, updated_at) TO stdout;"
	EXPORT_BYTES = 15530471
	split("1342 1343 1345 1348", POOL_PID, " ")
	CKPT_PID = 604; CKPT0 = at(0, 0, 2, 37) + 118
	ROOT = "/srv/samba/pension/"
	DOCS = "gyomu/業務連絡_201505.docx gyomu/窓口対応マニュアル_v3.pdf gyomu/シフト表_5月.xlsx " \
	    "kanri/2015/05/加入者台帳_201505_03.xlsx kanri/2015/05/kojin_meibo_201505_07.csv " \
	    "gyomu/様式/住所変更届.docx gyomu/会議資料/0507_課内会議.pptx kanri/2015/04/加入者台帳_201504_11.xlsx"
	NSITE = split("www.mhlw.example 192.0.2.20 http|www.nenkin.example 192.0.2.21 http|" \
	    "www.e-gov.example 192.0.2.22 https|www.news.example 192.0.2.30 http|weather.example 192.0.2.31 http|" \
	    "search.example 198.51.100.10 https|mail.example.org 198.51.100.50 https|map.example 198.51.100.30 https|" \
	    "www.example.com 192.0.2.40 http", SITE, "|")
	PATHS = "index.html news/ topics/201505.html seisaku/nenkin/ tenki/13/ kurashi/index.html"
	ASSETS = "img/logo.png:image/png:8421 img/banner_0501.png:image/png:48730 css/common.css:text/css:21877 " \
	    "js/jquery.min.js:application/javascript:95931 img/icon_new.gif:image/gif:1093"
}

BEGIN {
	split("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec", MON, " ")
	for (i = 1; i < 256; i++) ORD[sprintf("%c", i)] = i
	T0DAY = dfc(2015, 5, 6); T0EPOCH = T0DAY * 86400 - 9 * 3600      # 1430838000
	DAY1935 = dfc(1935, 1, 1); DAY1995 = dfc(1995, 1, 1)
	END_MS = at(5, 8, 0, 0)                                           # Mon 11 May 08:00 JST
	lists()
	gen_exports()
	gen_app()
	gen_fileserver()
	gen_proxy()
}
AWK

rm -rf logs exports
mkdir -p logs/web logs/db logs/fileserver logs/proxy exports
: > "$work/web"; : > "$work/db"; : > "$work/fs"; : > "$work/proxy"
awk -v W="$work" -f "$work/gen.awk"
iconv -f UTF-8 -t CP932 "$work/list.csv" > exports/kojin_meibo_201505_01_sjis.csv

# Sort one stream by time and write each entry to the file its server would have left
# it in; undo the \001 (LF) and \002 (CR) stand-ins of multi-line entries, and number
# the app's pooled statements per backend in time order (pgaudit's STATEMENT_ID).
split_stream() {
	sort "$work/$1" | awk -v S="$1" -v pool="1342:48211 1343:47990 1345:48467 1348:48102" '
	BEGIN { n = split(pool, p, " "); for (i = 1; i <= n; i++) { split(p[i], q, ":"); stmt["[" q[1] "]"] = q[2] } }
	function file(day) {
		if (S == "web") return "logs/web/access.log" (day < 4 ? "." (4 - day) : "")
		if (S == "db") return sprintf("logs/db/postgresql-2015-05-%02d.log", 6 + day)
		if (S == "fs") return "logs/fileserver/audit.log"
		return "logs/proxy/access.log" (day < 4 ? ".1" : "")   # weekly rotation, Sun 00:00
	}
	{
		day = int(substr($0, 1, 10) / 86400000); line = substr($0, 19)
		if (index(line, "\003")) { split(line, f, " "); sub(/\003/, ++stmt[f[4]], line) }
		gsub(/\001/, "\n", line); gsub(/\002/, "\r", line)
		print line > file(day)
	}'
}
for s in web db fs proxy; do split_stream "$s"; done
gzip -n -9 logs/web/access.log.2 logs/web/access.log.3 logs/web/access.log.4 \
	logs/db/postgresql-2015-05-06.log logs/db/postgresql-2015-05-07.log \
	logs/db/postgresql-2015-05-08.log logs/proxy/access.log.1
