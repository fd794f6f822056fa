/*
 * format-mysql.c - the logs of MySQL and MariaDB: the general query log
 * (mysql-general), the slow query log (mysql-slow), and MariaDB's
 * server_audit plugin log (mariadb-audit).
 *
 * General log. Entries are "TIME<TAB>ID COMMAND<TAB>ARGUMENT": MySQL 5.7 and
 * later write an RFC 3339 time on every line, MySQL 5.6 and MariaDB write
 * "221122 10:00:00" and leave the time out (only tabs) while the second does
 * not change, so the last time is carried. A query's own newlines are
 * written as they are: lines that start no entry continue the held one. The
 * user and host come only on the thread's Connect line ("app@10.0.0.5 on crm
 * using TCP/IP"; MariaDB may add "as PRIV"), so a bounded map from thread id
 * to user, host and database gives each later Query its actor and ip. Query
 * and Execute (MySQL logs it with the parameters in place) make statement
 * events; Connect a login (a failed one when the argument is "Access denied
 * for user ..."), Quit a logout; the rest (Prepare, Init DB, Close stmt,
 * Statistics, ...) none. The banner lines a server writes at start are
 * parsed and make none.
 *
 * Slow log. An entry is "# Time:" (MariaDB omits it within a second),
 * "# User@Host: user[priv] @ host [ip]", "# Query_time: ... Rows_sent: N
 * Rows_examined: M" and MariaDB's other "# Key: value" lines, then "use db;",
 * "SET timestamp=EPOCH;" (the time used, being exact and zoneless), and the
 * statement on as many lines as it takes. rows is Rows_sent (Rows_affected
 * when nothing was sent and it is logged); Rows_examined, Query_time and
 * Lock_time (seconds) are extras.
 *
 * server_audit. "TIME,SERVERHOST,USER,HOST,CONNID,QUERYID,OPERATION,DB,
 * OBJECT,RETCODE", the time "20261122 10:00:00" in local time; QUERY objects
 * are in single quotes with \' \\ \n \t \r escapes (older versions wrote raw
 * newlines: a quote left open continues on the next line); connection
 * events may carry one more field (the connection type). CONNECT and
 * CHANGEUSER are logins, FAILED_CONNECT a login with its error in status,
 * DISCONNECT a logout, QUERY a statement (status the error number, 0 for
 * success), READ and WRITE table events read and write on OBJECT (db.table).
 * The syslog output variant ("... mysql-server_auditing: SERVERHOST,...")
 * is read too, its time from the syslog header.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "format-util-private.h"

/* Copies S into the fixed field DST (truncating), NUL-terminated. */
#define COPY_FIELD(dst, s) copy_field((dst), sizeof(dst), (s))

static void
copy_field(char *dst, size_t cap, bk_span s)
{
	size_t n = s.ptr != NULL ? s.len : 0;

	if (n >= cap)
		n = cap - 1;
	if (n > 0)
		memcpy(dst, s.ptr, n);
	dst[n] = '\0';
}

static bk_span
cspan(const char *s)
{
	return bk__span(s, strlen(s));
}

static void
set_cstr(struct bk__evb *b, enum bk_event_str f, const char *s)
{
	if (s != NULL && *s != '\0')
		b->ev.str[f] = cspan(s);
}

/* The banner a server writes when it opens a log. */
static bool
banner(const char *s, size_t n)
{
	return (memmem(s, n, ", Version: ", 11) != NULL && memmem(s, n, "started with:", 13) != NULL) ||
	    bk__starts(s, n, "Tcp port: ") || bk__starts(s, n, "Time ") ||
	    bk__starts(s, n, "Time\t");
}

/* ---- mysql-general ---------------------------------------------------------- */

#define THREADS 4096
#define PROBE 8

struct thread {
	uint64_t id;		/* 0: a free slot */
	char user[64], host[128], db[64];
};

struct general {
	bk_timefmt *tf_iso, *tf_mysql;
	struct thread *threads;
	int64_t last_ts;

	bool active;
	uint64_t line, id;
	int64_t ts;
	char cmd[24];
	struct bk__text arg, raw;
	bool truncated;
	uint64_t ntruncated;

	struct bk__text tables;
	struct bk__evb evb;
};

static struct thread *
thread_find(struct general *g, uint64_t id, bool add)
{
	size_t h = (size_t)(id % THREADS);

	for (size_t i = 0; i < PROBE; i++) {
		struct thread *t = &g->threads[(h + i) % THREADS];

		if (t->id == id)
			return t;
		if (t->id == 0 && add) {
			t->id = id;
			return t;
		}
	}
	if (!add)
		return NULL;
	/* Full around the home slot: the oldest thread there gives way. */
	memset(&g->threads[h], 0, sizeof g->threads[h]);
	g->threads[h].id = id;
	return &g->threads[h];
}

/*
 * "user@host on db using TCP/IP", "user@host as priv on db using Socket",
 * "user@host on " (no database).
 */
static void
connect_arg(bk_span a, bk_span *user, bk_span *host, bk_span *db)
{
	const char *at = memchr(a.ptr, '@', a.len), *sp, *on, *end = a.ptr + a.len, *u;

	*user = *host = *db = bk__span(NULL, 0);
	if (at == NULL)
		return;
	*user = bk__span(a.ptr, (size_t)(at - a.ptr));
	sp = memchr(at, ' ', (size_t)(end - at));
	*host = bk__span(at + 1, (size_t)((sp != NULL ? sp : end) - at - 1));
	if (sp == NULL)
		return;
	on = memmem(sp, (size_t)(end - sp), " on ", 4);
	if (on == NULL)
		return;
	on += 4;
	u = memmem(on, (size_t)(end - on), " using ", 7);
	*db = bk__trim(bk__span(on, (size_t)((u != NULL ? u : end) - on)));
}

static int
general_emit(bk_parser *p, struct general *g, bk_event_fn fn, void *ctx)
{
	struct bk__evb *b = &g->evb;
	bk_span arg = bk__span(g->arg.data, g->arg.len), user, host, db, q;
	struct thread *t;

	if (!g->active)
		return BK_OK;
	g->active = false;
	bk__evb_reset(b, p, g->line);
	b->ev.ts = g->ts;
	g->tables.len = 0;
	if (strcmp(g->cmd, "Connect") == 0 || strcmp(g->cmd, "Change user") == 0) {
		b->ev.str[BK_EV_ACTION] = cspan("login");
		if (bk__starts(arg.ptr, arg.len, "Access denied for user '")) {
			/* Access denied for user 'x'@'host' (using password: YES) */
			q = bk__span(arg.ptr + 24, arg.len - 24);
			user = bk__span(q.ptr, q.len);
			for (size_t i = 0; i < q.len; i++)
				if (q.ptr[i] == '\'') {
					user.len = i;
					break;
				}
			b->ev.str[BK_EV_ACTOR] = user;
			if (q.len > user.len + 3 && q.ptr[user.len + 1] == '@' &&
			    q.ptr[user.len + 2] == '\'') {
				const char *h = q.ptr + user.len + 3;
				const char *e = memchr(h, '\'', q.len - user.len - 3);

				if (e != NULL)
					b->ev.str[BK_EV_IP] = bk__span(h, (size_t)(e - h));
			}
			b->ev.status = 1;
		} else {
			connect_arg(arg, &user, &host, &db);
			if (user.ptr != NULL && (t = thread_find(g, g->id, true)) != NULL) {
				COPY_FIELD(t->user, user);
				COPY_FIELD(t->host, host);
				COPY_FIELD(t->db, db);
				set_cstr(b, BK_EV_ACTOR, t->user);
				set_cstr(b, BK_EV_IP, t->host);
				if (t->db[0] != '\0')
					bk__evb_extra(b, "db", cspan(t->db), false);
			}
		}
	} else if (strcmp(g->cmd, "Init DB") == 0) {
		if ((t = thread_find(g, g->id, false)) != NULL)
			COPY_FIELD(t->db, bk__trim(arg));
		return BK_OK;
	} else if (strcmp(g->cmd, "Quit") == 0) {
		b->ev.str[BK_EV_ACTION] = cspan("logout");
		if ((t = thread_find(g, g->id, false)) != NULL) {
			set_cstr(b, BK_EV_ACTOR, t->user);
			set_cstr(b, BK_EV_IP, t->host);
			t->id = 0;
		}
	} else if (strcmp(g->cmd, "Query") == 0 || strcmp(g->cmd, "Execute") == 0) {
		if ((t = thread_find(g, g->id, false)) != NULL) {
			set_cstr(b, BK_EV_ACTOR, t->user);
			set_cstr(b, BK_EV_IP, t->host);
			if (t->db[0] != '\0')
				bk__evb_extra(b, "db", cspan(t->db), false);
		}
		if (bk__evb_sql(b, arg.ptr, arg.len, &g->tables) != BK_OK)
			return BK_NOMEM;
	} else {
		return BK_OK;
	}
	bk__evb_extra_num(b, "thread_id", (int64_t)g->id);
	if (g->truncated)
		bk__evb_extra(b, "truncated", cspan("true"), true);
	if (p->opts.keep_raw)
		b->ev.raw = bk__span(g->raw.data, g->raw.len);
	return fn(ctx, &b->ev);
}

/* "   12 Query\t..." at S: the id, the command, where the argument starts. */
static bool
general_entry(const char *s, size_t n, uint64_t *id, bk_span *cmd, size_t *arg)
{
	size_t i = 0, c;
	uint64_t v = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i == n || !bk__is_digit(s[i]))
		return false;
	for (; i < n && bk__is_digit(s[i]) && v < UINT64_MAX / 10; i++)
		v = v * 10 + (uint64_t)(s[i] - '0');
	if (i == n || s[i] != ' ')
		return false;
	c = ++i;
	if (i == n || !(s[i] >= 'A' && s[i] <= 'Z'))
		return false;
	while (i < n && i - c < 24 && (bk__is_alpha(s[i]) || s[i] == ' ' || s[i] == '_'))
		i++;
	if (i < n && s[i] != '\t')
		return false;
	*id = v;
	*cmd = bk__trim(bk__span(s + c, i - c));
	*arg = i < n ? i + 1 : n;
	return true;
}

static int
general_line(bk_parser *p, const char *s, size_t n, uint64_t lineno, bk_event_fn fn, void *ctx)
{
	struct general *g = p->impl;
	size_t used = 0, arg;
	int64_t ms = BK_EVENT_NONE;
	bk_span cmd;
	uint64_t id;
	int rc;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n > 0 && bk__is_digit(s[0])) {
		used = bk__time(p, g->tf_iso, s, n, &ms);
		if (used == 0)
			used = bk__time(p, g->tf_mysql, s, n, &ms);
	}
	if ((used > 0 || (n > 0 && (s[0] == '\t' || s[0] == ' '))) &&
	    general_entry(s + used, n - used, &id, &cmd, &arg)) {
		if ((rc = general_emit(p, g, fn, ctx)) != BK_OK)
			return rc;
		if (used > 0)
			g->last_ts = ms;
		arg += used;
		g->active = true;
		g->line = lineno;
		g->id = id;
		g->ts = g->last_ts;
		COPY_FIELD(g->cmd, cmd);
		g->arg.len = g->raw.len = 0;
		g->truncated = false;
		if (bk__text_add(&g->arg, s + arg, n - arg) != BK_OK ||
		    (p->opts.keep_raw && bk__text_add(&g->raw, s, n) != BK_OK))
			return BK_NOMEM;
		return BK_OK;
	}
	if (banner(s, n)) {
		if ((rc = general_emit(p, g, fn, ctx)) != BK_OK)
			return rc;
		return BK_OK;
	}
	if (!g->active)
		return 1;
	/* The held query goes on. */
	if (g->arg.len + n + 1 > BK__ENTRY_MAX) {
		if (!g->truncated)
			g->ntruncated++;
		g->truncated = true;
		return BK_OK;
	}
	if (bk__text_add(&g->arg, "\n", 1) != BK_OK || bk__text_add(&g->arg, s, n) != BK_OK)
		return BK_NOMEM;
	if (p->opts.keep_raw &&
	    (bk__text_add(&g->raw, "\n", 1) != BK_OK || bk__text_add(&g->raw, s, n) != BK_OK))
		return BK_NOMEM;
	return BK_OK;
}

static int
general_finish(bk_parser *p, bk_event_fn fn, void *ctx)
{
	return general_emit(p, p->impl, fn, ctx);
}

static void
general_begin(bk_parser *p)
{
	struct general *g = p->impl;

	g->active = false;
	g->last_ts = BK_EVENT_NONE;
	memset(g->threads, 0, THREADS * sizeof *g->threads);
}

static void
general_free(bk_parser *p)
{
	struct general *g = p->impl;

	if (g == NULL)
		return;
	bk_timefmt_free(g->tf_iso);
	bk_timefmt_free(g->tf_mysql);
	free(g->threads);
	bk__text_free(&g->arg);
	bk__text_free(&g->raw);
	bk__text_free(&g->tables);
	free(g);
	p->impl = NULL;
}

static int
general_init(bk_parser *p, char **err)
{
	struct general *g = calloc(1, sizeof *g);

	*err = NULL;
	if (g == NULL)
		return BK_NOMEM;
	p->impl = g;
	g->last_ts = BK_EVENT_NONE;
	g->threads = calloc(THREADS, sizeof *g->threads);
	if (g->threads == NULL)
		goto fail;
	if ((g->tf_iso = bk_timefmt_new("iso8601", err)) == NULL ||
	    (g->tf_mysql = bk_timefmt_new("mysql", err)) == NULL)
		goto fail;
	return BK_OK;
fail:
	if (*err == NULL)
		*err = bk__errf("mysql-general: out of memory");
	general_free(p);
	return BK_ERROR;
}

const struct bk__parser_ops bk__mysql_general_ops = {
	.name = "mysql-general",
	.description = "MySQL/MariaDB general query log (connects and every statement)",
	.example = "2026-11-22T10:00:00.123456Z\t   12 Query\tSELECT * FROM persons WHERE id = 1001",
	.init = general_init,
	.begin = general_begin,
	.line = general_line,
	.finish = general_finish,
	.free = general_free,
};

/* ---- mysql-slow --------------------------------------------------------------- */

struct slow {
	bk_timefmt *tf_iso, *tf_mysql, *tf_epoch;

	bool active, has_user, has_stmt;
	uint64_t line;
	int64_t ts, set_ts;
	char user[64], host[128], ip[64], db[64], thread[24];
	char query_time[24], lock_time[24], rows_sent[24], rows_examined[24], rows_affected[24],
	    bytes_sent[24];
	struct bk__text stmt, raw;
	bool truncated;
	uint64_t ntruncated;

	struct bk__text tables;
	struct bk__evb evb;
};

static void
slow_reset(struct slow *w, uint64_t line, int64_t ts)
{
	w->active = true;
	w->has_user = w->has_stmt = w->truncated = false;
	w->line = line;
	w->ts = ts;
	w->set_ts = BK_EVENT_NONE;
	w->user[0] = w->host[0] = w->ip[0] = w->db[0] = w->thread[0] = '\0';
	w->query_time[0] = w->lock_time[0] = w->rows_sent[0] = w->rows_examined[0] = '\0';
	w->rows_affected[0] = w->bytes_sent[0] = '\0';
	w->stmt.len = w->raw.len = 0;
}

static int
slow_emit(bk_parser *p, struct slow *w, bk_event_fn fn, void *ctx)
{
	struct bk__evb *b = &w->evb;
	int64_t rows;

	if (!w->active)
		return BK_OK;
	w->active = false;
	if (!w->has_stmt)
		return BK_OK;	/* headers without a statement: nothing happened */
	bk__evb_reset(b, p, w->line);
	w->tables.len = 0;
	b->ev.ts = w->set_ts != BK_EVENT_NONE ? w->set_ts : w->ts;
	set_cstr(b, BK_EV_ACTOR, w->user);
	set_cstr(b, BK_EV_IP, w->ip[0] != '\0' ? w->ip : w->host);
	/* The statement without the ";" the log ends it with. */
	while (w->stmt.len > 0 && (w->stmt.data[w->stmt.len - 1] == ';' ||
	    w->stmt.data[w->stmt.len - 1] == ' '))
		w->stmt.len--;
	if (bk__evb_sql(b, w->stmt.data, w->stmt.len, &w->tables) != BK_OK)
		return BK_NOMEM;
	rows = bk__span_uint(cspan(w->rows_sent));
	if (rows == 0 && bk__span_uint(cspan(w->rows_affected)) > 0)
		rows = bk__span_uint(cspan(w->rows_affected));
	if (rows >= 0)
		b->ev.rows = rows;
	if (bk__span_uint(cspan(w->bytes_sent)) >= 0)
		b->ev.bytes_out = bk__span_uint(cspan(w->bytes_sent));
	if (w->db[0] != '\0')
		bk__evb_extra(b, "db", cspan(w->db), false);
	if (bk__span_uint(cspan(w->rows_examined)) >= 0)
		bk__evb_extra(b, "rows_examined", cspan(w->rows_examined), true);
	if (w->query_time[0] != '\0')
		bk__evb_extra(b, "query_time", cspan(w->query_time), true);
	if (w->lock_time[0] != '\0')
		bk__evb_extra(b, "lock_time", cspan(w->lock_time), true);
	if (bk__span_uint(cspan(w->thread)) >= 0)
		bk__evb_extra(b, "thread_id", cspan(w->thread), true);
	if (w->truncated)
		bk__evb_extra(b, "truncated", cspan("true"), true);
	if (p->opts.keep_raw)
		b->ev.raw = bk__span(w->raw.data, w->raw.len);
	return fn(ctx, &b->ev);
}

/* Whether S is a number as MySQL writes them (digits, one dot). */
static bool
number(bk_span s)
{
	bool dot = false;

	if (s.len == 0 || !bk__is_digit(s.ptr[0]))
		return false;
	for (size_t i = 0; i < s.len; i++) {
		if (s.ptr[i] == '.' && !dot)
			dot = true;
		else if (!bk__is_digit(s.ptr[i]))
			return false;
	}
	return true;
}

/* "# Key: value  Key2: value2" */
static void
slow_pairs(struct slow *w, const char *s, size_t n)
{
	size_t i = 2;

	while (i < n) {
		size_t k, v;
		bk_span key, val;

		while (i < n && s[i] == ' ')
			i++;
		k = i;
		while (i < n && s[i] != ':' && s[i] != ' ')
			i++;
		if (i >= n || s[i] != ':')
			return;
		key = bk__span(s + k, i - k);
		i++;
		while (i < n && s[i] == ' ')
			i++;
		v = i;
		while (i < n && s[i] != ' ')
			i++;
		val = bk__span(s + v, i - v);
		if (bk__span_is(key, "Query_time") && number(val))
			COPY_FIELD(w->query_time, val);
		else if (bk__span_is(key, "Lock_time") && number(val))
			COPY_FIELD(w->lock_time, val);
		else if (bk__span_is(key, "Rows_sent"))
			COPY_FIELD(w->rows_sent, val);
		else if (bk__span_is(key, "Rows_examined"))
			COPY_FIELD(w->rows_examined, val);
		else if (bk__span_is(key, "Rows_affected"))
			COPY_FIELD(w->rows_affected, val);
		else if (bk__span_is(key, "Bytes_sent"))
			COPY_FIELD(w->bytes_sent, val);
		else if (bk__span_is(key, "Thread_id") || bk__span_is(key, "Id"))
			COPY_FIELD(w->thread, val);
		else if (bk__span_is(key, "Schema"))
			COPY_FIELD(w->db, val);
	}
}

/* "# User@Host: user[priv] @ host [ip]  Id:    12" */
static void
slow_user(struct slow *w, const char *s, size_t n)
{
	bk_span rest = bk__trim(bk__span(s + 13, n - 13));
	const char *br = memchr(rest.ptr, '[', rest.len), *at, *lb, *rb, *end = rest.ptr + rest.len;

	w->has_user = true;
	if (br == NULL)
		return;
	COPY_FIELD(w->user, bk__span(rest.ptr, (size_t)(br - rest.ptr)));
	at = memmem(br, (size_t)(end - br), " @ ", 3);
	if (at == NULL)
		return;
	at += 3;
	lb = memchr(at, '[', (size_t)(end - at));
	if (lb == NULL)
		return;
	COPY_FIELD(w->host, bk__trim(bk__span(at, (size_t)(lb - at))));
	rb = memchr(lb, ']', (size_t)(end - lb));
	if (rb == NULL)
		return;
	COPY_FIELD(w->ip, bk__span(lb + 1, (size_t)(rb - lb - 1)));
	at = memmem(rb, (size_t)(end - rb), "Id:", 3);
	if (at != NULL)
		COPY_FIELD(w->thread, bk__trim(bk__span(at + 3, (size_t)(end - at - 3))));
}

static int
slow_add(const bk_parser *p, struct slow *w, struct bk__text *t, const char *s, size_t n)
{
	if (w->stmt.len + w->raw.len + n + 1 > BK__ENTRY_MAX) {
		if (!w->truncated)
			w->ntruncated++;
		w->truncated = true;
		return BK_OK;
	}
	if (t == &w->raw && !p->opts.keep_raw)
		return BK_OK;
	if (t->len > 0 && bk__text_add(t, "\n", 1) != BK_OK)
		return BK_NOMEM;
	return bk__text_add(t, s, n);
}

static int
slow_line(bk_parser *p, const char *s, size_t n, uint64_t lineno, bk_event_fn fn, void *ctx)
{
	struct slow *w = p->impl;
	int64_t ms = BK_EVENT_NONE, carried;
	size_t used;
	int rc;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (bk__starts(s, n, "# Time: ")) {
		bk_span t = bk__trim(bk__span(s + 8, n - 8));

		if ((rc = slow_emit(p, w, fn, ctx)) != BK_OK)
			return rc;
		used = bk__time(p, w->tf_iso, t.ptr, t.len, &ms);
		if (used == 0)
			used = bk__time(p, w->tf_mysql, t.ptr, t.len, &ms);
		if (used == 0)
			return 1;
		slow_reset(w, lineno, ms);
		return slow_add(p, w, &w->raw, s, n);
	}
	if (bk__starts(s, n, "# User@Host: ")) {
		/* MariaDB leaves # Time out within the same second. */
		if (!w->active || w->has_user || w->has_stmt) {
			carried = w->ts;
			if ((rc = slow_emit(p, w, fn, ctx)) != BK_OK)
				return rc;
			slow_reset(w, lineno, carried);
		}
		slow_user(w, s, n);
		return slow_add(p, w, &w->raw, s, n);
	}
	if (banner(s, n)) {
		if ((rc = slow_emit(p, w, fn, ctx)) != BK_OK)
			return rc;
		return BK_OK;
	}
	if (!w->active)
		return 1;
	if (bk__starts(s, n, "# ") && !w->has_stmt) {
		slow_pairs(w, s, n);
		return slow_add(p, w, &w->raw, s, n);
	}
	if (!w->has_stmt && bk__starts(s, n, "SET timestamp=")) {
		bk_span t = bk__span(s + 14, n - 14);

		if (t.len > 0 && t.ptr[t.len - 1] == ';')
			t.len--;
		w->set_ts = bk__time_span(p, w->tf_epoch, t);
		return slow_add(p, w, &w->raw, s, n);
	}
	if (!w->has_stmt && bk__starts(s, n, "use ") && n > 5 && s[n - 1] == ';') {
		COPY_FIELD(w->db, bk__span(s + 4, n - 5));
		return slow_add(p, w, &w->raw, s, n);
	}
	w->has_stmt = true;
	if ((rc = slow_add(p, w, &w->stmt, s, n)) != BK_OK)
		return rc;
	return slow_add(p, w, &w->raw, s, n);
}

static int
slow_finish(bk_parser *p, bk_event_fn fn, void *ctx)
{
	return slow_emit(p, p->impl, fn, ctx);
}

static void
slow_begin(bk_parser *p)
{
	struct slow *w = p->impl;

	w->active = false;
	w->ts = BK_EVENT_NONE;
}

static void
slow_free(bk_parser *p)
{
	struct slow *w = p->impl;

	if (w == NULL)
		return;
	bk_timefmt_free(w->tf_iso);
	bk_timefmt_free(w->tf_mysql);
	bk_timefmt_free(w->tf_epoch);
	bk__text_free(&w->stmt);
	bk__text_free(&w->raw);
	bk__text_free(&w->tables);
	free(w);
	p->impl = NULL;
}

static int
slow_init(bk_parser *p, char **err)
{
	struct slow *w = calloc(1, sizeof *w);

	*err = NULL;
	if (w == NULL)
		return BK_NOMEM;
	p->impl = w;
	w->ts = BK_EVENT_NONE;
	if ((w->tf_iso = bk_timefmt_new("iso8601", err)) == NULL ||
	    (w->tf_mysql = bk_timefmt_new("mysql", err)) == NULL ||
	    (w->tf_epoch = bk_timefmt_new("epoch", err)) == NULL) {
		if (*err == NULL)
			*err = bk__errf("mysql-slow: out of memory");
		slow_free(p);
		return BK_ERROR;
	}
	return BK_OK;
}

const struct bk__parser_ops bk__mysql_slow_ops = {
	.name = "mysql-slow",
	.description = "MySQL/MariaDB slow query log (Rows_sent and Rows_examined become rows)",
	/* An entry is several lines; the statement ends it. */
	.example = "# Time: 2026-11-22T10:00:00.123456Z\n"
		   "# User@Host: app[app] @ web1 [10.0.0.5]  Id:    12\n"
		   "# Query_time: 2.500122  Lock_time: 0.000112 Rows_sent: 3000  Rows_examined: 10000\n"
		   "SET timestamp=1795341600;\n"
		   "SELECT * FROM persons;",
	.init = slow_init,
	.begin = slow_begin,
	.line = slow_line,
	.finish = slow_finish,
	.free = slow_free,
};

/* ---- mariadb-audit -------------------------------------------------------------- */

struct audit {
	bk_timefmt *tf, *tf_syslog;
	bool open;		/* a quoted object continues on the next line */
	uint64_t line;
	struct bk__text rec, obj, tables;
	bool truncated;
	uint64_t ntruncated;
	struct bk__evb evb;
};

/*
 * Where the quoted object starting at S[i] (a quote) ends: the index just
 * past its closing quote, or N when it does not close on this text.
 */
static size_t
quoted_end(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '\'')
			return i + 1;
	}
	return n + 1;
}

/* Undoes server_audit's escapes of the quoted text Q into OUT (room for it). */
static bk_span
unescape(bk_span q, struct bk__text *out)
{
	char *o = out->data + out->len;
	size_t k = 0;

	for (size_t i = 0; i < q.len; i++) {
		char c = q.ptr[i];

		if (c == '\\' && i + 1 < q.len) {
			c = q.ptr[++i];
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'b' ? '\b' :
			    c == 'f' ? '\f' : c;
		}
		o[k++] = c;
	}
	out->len += k;
	return bk__span(o, k);
}

static bk_span
strip_port(bk_span h)
{
	const char *c = memchr(h.ptr, ':', h.len);

	/* host:port (MariaDB 12); an IPv6 address has more than one colon. */
	if (c != NULL && memchr(c + 1, ':', h.len - (size_t)(c + 1 - h.ptr)) == NULL &&
	    bk__span_uint(bk__span(c + 1, h.len - (size_t)(c + 1 - h.ptr))) >= 0)
		return bk__span(h.ptr, (size_t)(c - h.ptr));
	return h;
}

static int
audit_record(bk_parser *p, struct audit *a, const char *s, size_t n, bk_event_fn fn, void *ctx)
{
	struct bk__evb *b = &a->evb;
	bk_span f[8], obj, op, ret, sql;
	size_t i = 0, nf = 0, start, first;
	int64_t ms = BK_EVENT_NONE;
	const char *tag;

	/* The file output starts with its time; the syslog one with syslog's. */
	if ((tag = memmem(s, n < 256 ? n : 256, "server_auditing: ", 17)) != NULL) {
		if (bk__time(p, a->tf_syslog, s, n, &ms) == 0)
			return 1;
		i = (size_t)(tag - s) + 17;
		first = 1;
	} else {
		if ((i = bk__time(p, a->tf, s, n, &ms)) == 0 || i >= n || s[i] != ',')
			return 1;
		i++;
		first = 1;
	}
	f[0] = bk__span(s, i);
	for (nf = first; nf < 8; nf++) {
		const char *c = memchr(s + i, ',', n - i);

		if (c == NULL)
			return 1;
		f[nf] = bk__span(s + i, (size_t)(c - (s + i)));
		i = (size_t)(c - s) + 1;
	}
	op = f[6];
	if (bk__span_uint(f[4]) < 0)
		return 1;
	start = i;
	if (i < n && s[i] == '\'') {
		size_t e = quoted_end(s, n, i);

		if (e > n)
			return 1;
		obj = bk__span(s + start + 1, e - start - 2);
		i = e;
		a->obj.len = 0;
		if (bk__text_reserve(&a->obj, obj.len) != BK_OK)
			return BK_NOMEM;
		obj = unescape(obj, &a->obj);
	} else {
		const char *c = memchr(s + i, ',', n - i);

		i = c != NULL ? (size_t)(c - s) : n;
		obj = bk__span(s + start, i - start);
	}
	if (i < n && s[i] == ',')
		i++;
	{
		const char *c = memchr(s + i, ',', n - i);

		ret = bk__span(s + i, c != NULL ? (size_t)(c - (s + i)) : n - i);
	}

	bk__evb_reset(b, p, a->line);
	a->tables.len = 0;
	b->ev.ts = ms;
	bk__evb_str(b, BK_EV_ACTOR, f[2]);
	bk__evb_str(b, BK_EV_IP, strip_port(f[3]));
	if (bk__span_uint(ret) >= 0)
		b->ev.status = bk__span_uint(ret);
	if (bk__span_is(op, "CONNECT") || bk__span_is(op, "CHANGEUSER") ||
	    bk__span_is(op, "FAILED_CONNECT")) {
		b->ev.str[BK_EV_ACTION] = cspan("login");
		if (bk__span_is(op, "FAILED_CONNECT") && b->ev.status == 0)
			b->ev.status = 1;
	} else if (bk__span_is(op, "DISCONNECT")) {
		b->ev.str[BK_EV_ACTION] = cspan("logout");
	} else if (bk__span_is(op, "QUERY")) {
		sql = obj;
		if (bk__evb_sql(b, sql.ptr, sql.len, &a->tables) != BK_OK)
			return BK_NOMEM;
	} else if (bk__span_is(op, "READ") || bk__span_is(op, "WRITE") ||
	    bk__span_is(op, "CREATE") || bk__span_is(op, "ALTER") || bk__span_is(op, "DROP") ||
	    bk__span_is(op, "RENAME")) {
		bk__evb_str(b, BK_EV_OBJECT, obj);
		if (bk__span_is(op, "READ"))
			b->ev.str[BK_EV_ACTION] = cspan("read");
		else if (bk__span_is(op, "WRITE"))
			b->ev.str[BK_EV_ACTION] = cspan("write");
		b->ev.status = BK_EVENT_NONE;
	} else {
		bk__evb_str(b, BK_EV_OBJECT, obj);
	}
	bk__evb_str(b, BK_EV_METHOD, op);
	bk__evb_extra(b, "db", f[7], false);
	if (bk__span_uint(f[4]) >= 0)
		bk__evb_extra(b, "connection_id", f[4], true);
	if (bk__span_uint(f[5]) > 0)
		bk__evb_extra(b, "query_id", f[5], true);
	if (a->truncated)
		bk__evb_extra(b, "truncated", cspan("true"), true);
	if (p->opts.keep_raw)
		b->ev.raw = bk__span(s, n);
	return fn(ctx, &b->ev);
}

/* Whether the record text S leaves its quoted object open. */
static bool
audit_open(const char *s, size_t n)
{
	size_t commas = 0, i;

	/* The object is the ninth field (eight commas before it). */
	for (i = 0; i < n && commas < 8; i++)
		if (s[i] == ',')
			commas++;
	if (commas < 8 || i >= n || s[i] != '\'')
		return false;
	return quoted_end(s, n, i) > n;
}

static int
audit_line(bk_parser *p, const char *s, size_t n, uint64_t lineno, bk_event_fn fn, void *ctx)
{
	struct audit *a = p->impl;
	int rc;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (!a->open) {
		struct bk_tm tm = { 0 };

		/* A probe, not a time read: bk__time would count it in the clock. */
		if (bk_timefmt_parse(a->tf, s, n, &tm) == 0 &&
		    memmem(s, n < 256 ? n : 256, "server_auditing: ", 17) == NULL)
			return 1;
		a->line = lineno;
		a->truncated = false;
		if (memmem(s, n < 256 ? n : 256, "server_auditing: ", 17) == NULL && audit_open(s, n)) {
			a->rec.len = 0;
			if (bk__text_add(&a->rec, s, n) != BK_OK)
				return BK_NOMEM;
			a->open = true;
			return BK_OK;
		}
		return audit_record(p, a, s, n, fn, ctx);
	}
	if (a->rec.len + n + 1 > BK__ENTRY_MAX) {
		if (!a->truncated)
			a->ntruncated++;
		a->truncated = true;
		a->open = false;
		if (bk__text_add(&a->rec, "'", 1) != BK_OK)
			return BK_NOMEM;
		rc = audit_record(p, a, a->rec.data, a->rec.len, fn, ctx);
		return rc == 1 ? BK_OK : rc;
	}
	if (bk__text_add(&a->rec, "\n", 1) != BK_OK || bk__text_add(&a->rec, s, n) != BK_OK)
		return BK_NOMEM;
	if (audit_open(a->rec.data, a->rec.len))
		return BK_OK;
	a->open = false;
	rc = audit_record(p, a, a->rec.data, a->rec.len, fn, ctx);
	return rc == 1 ? BK_OK : rc;
}

static int
audit_finish(bk_parser *p, bk_event_fn fn, void *ctx)
{
	struct audit *a = p->impl;
	int rc;

	if (!a->open)
		return BK_OK;
	a->open = false;
	a->truncated = true;
	a->ntruncated++;
	if (bk__text_add(&a->rec, "'", 1) != BK_OK)
		return BK_NOMEM;
	rc = audit_record(p, a, a->rec.data, a->rec.len, fn, ctx);
	return rc == 1 ? BK_OK : rc;
}

static void
audit_begin(bk_parser *p)
{
	struct audit *a = p->impl;

	a->open = false;
}

static void
audit_free(bk_parser *p)
{
	struct audit *a = p->impl;

	if (a == NULL)
		return;
	bk_timefmt_free(a->tf);
	bk_timefmt_free(a->tf_syslog);
	bk__text_free(&a->rec);
	bk__text_free(&a->obj);
	bk__text_free(&a->tables);
	free(a);
	p->impl = NULL;
}

static int
audit_init(bk_parser *p, char **err)
{
	struct audit *a = calloc(1, sizeof *a);

	*err = NULL;
	if (a == NULL)
		return BK_NOMEM;
	p->impl = a;
	if ((a->tf = bk_timefmt_new("%Y%m%d %H:%M:%S", err)) == NULL ||
	    (a->tf_syslog = bk_timefmt_new("syslog", err)) == NULL) {
		if (*err == NULL)
			*err = bk__errf("mariadb-audit: out of memory");
		audit_free(p);
		return BK_ERROR;
	}
	return BK_OK;
}

const struct bk__parser_ops bk__mariadb_audit_ops = {
	.name = "mariadb-audit",
	.description = "MariaDB server_audit plugin log (CONNECT, QUERY, READ and WRITE entries)",
	.example = "20261122 10:00:00,db1,app,10.0.0.5,12,345,QUERY,crm,"
		   "'SELECT * FROM persons WHERE id = 1001',0",
	.init = audit_init,
	.begin = audit_begin,
	.line = audit_line,
	.finish = audit_finish,
	.free = audit_free,
};
