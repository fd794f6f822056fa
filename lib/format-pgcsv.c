/*
 * format-pgcsv.c - the PostgreSQL csvlog (log_destination = 'csvlog').
 *
 * One record per message, RFC 4180 quoting, fields with newlines spanning
 * lines (the record is gathered until its quotes close). The columns are
 * PostgreSQL's, told apart by their number: 23 up to version 12 (log_time,
 * user_name, database_name, process_id, connection_from, session_id,
 * session_line_num, command_tag, session_start_time,
 * virtual_transaction_id, transaction_id, error_severity, sql_state_code,
 * message, detail, hint, internal_query, internal_query_pos, context, query,
 * query_pos, location, application_name), 24 in 13 (backend_type), 26 from
 * 14 on (leader_pid, query_id). The message means what it means in the
 * stderr log: format-postgres.c turns it into the event (see there), and as
 * there a bare "duration: N ms" from the same process is attached to the
 * statement before it. csvlog gives the SQLSTATE of every message, so
 * errors carry it in extra sqlstate.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "format-pg-private.h"

#define PGCSV_MAXF 26

/* A record: its text, the fields into it (or into UNQ), its first line. */
struct rec {
	struct bk__text text, unq;
	bk_span f[PGCSV_MAXF];
	size_t nf;
	uint64_t line;
	bool truncated;
};

struct pgcsv {
	bk_timefmt *tf;
	struct rec r[2];
	struct rec *cur, *held;	/* being gathered; complete and waiting */
	bool open;		/* CUR is inside a quoted field */
	bool has_held;
	struct bk__pg_work work;
	struct bk__evb evb;
	uint64_t ntruncated;
};

enum {
	C_TIME, C_USER, C_DB, C_PID, C_FROM, C_SESSION, C_SESSION_LINE, C_TAG, C_SESSION_START,
	C_VXID, C_XID, C_SEV, C_STATE, C_MESSAGE, C_DETAIL, C_HINT, C_IQUERY, C_IQUERY_POS,
	C_CONTEXT, C_QUERY, C_QUERY_POS, C_LOCATION, C_APP,
};

/* connection_from is host:port, or [local]. */
static bk_span
host_of(bk_span s)
{
	size_t i = s.len;

	while (i > 0 && bk__is_digit(s.ptr[i - 1]))
		i--;
	if (i > 0 && i < s.len && s.ptr[i - 1] == ':')
		return bk__span(s.ptr, i - 1);
	return s;
}

static void
to_msg(const struct rec *r, struct bk__pg_msg *m)
{
	memset(m, 0, sizeof *m);
	m->line = r->line;
	m->user = r->f[C_USER];
	m->db = r->f[C_DB];
	m->pid = r->f[C_PID];
	m->host = host_of(r->f[C_FROM]);
	m->cmdtag = r->f[C_TAG];
	m->sev = r->f[C_SEV];
	m->sqlstate = r->f[C_STATE];
	m->body = r->f[C_MESSAGE];
	m->detail = r->f[C_DETAIL];
	m->context = r->f[C_CONTEXT];
	m->statement = r->f[C_QUERY];
	m->app = r->f[C_APP];
	m->raw = bk__span(r->text.data, r->text.len);
	m->truncated = r->truncated;
}

static int
emit_held(bk_parser *p, struct pgcsv *c, bk_span dur, bk_event_fn fn, void *ctx)
{
	struct bk__pg_msg m;
	int rc;

	if (!c->has_held)
		return BK_OK;
	c->has_held = false;
	to_msg(c->held, &m);
	m.ts = bk__time_span(p, c->tf, c->held->f[C_TIME]);
	m.duration = dur;
	rc = bk__pg_event(p, &c->work, &m, &c->evb);
	if (rc == 1)
		return fn(ctx, &c->evb.ev);
	return rc;
}

/* CUR is a whole record: split it, then emit or hold it. */
static int
complete(bk_parser *p, struct pgcsv *c, bk_event_fn fn, void *ctx)
{
	struct rec *r = c->cur, *t;
	struct bk__pg_msg m, held;
	bk_span dur;
	int rc;

	r->unq.len = 0;
	if (bk__text_reserve(&r->unq, r->text.len) != BK_OK)
		return BK_NOMEM;
	memset(r->f, 0, sizeof r->f);
	r->nf = bk__csv_split(r->text.data, r->text.len, ',', '"', r->f, PGCSV_MAXF, &r->unq);
	/* A record cut short still says what its message was. */
	if (r->nf != 23 && r->nf != 24 && r->nf != 26 && !(r->truncated && r->nf > C_MESSAGE))
		return 1;
	if (c->has_held) {
		to_msg(r, &m);
		to_msg(c->held, &held);
		if (bk__pg_bare_duration(&m, &dur) && bk__pg_wants_duration(&held) &&
		    bk__span_eq(m.pid, held.pid))
			return emit_held(p, c, dur, fn, ctx);
	}
	if ((rc = emit_held(p, c, bk__span(NULL, 0), fn, ctx)) != BK_OK)
		return rc;
	t = c->held;
	c->held = c->cur;
	c->cur = t;
	c->has_held = true;
	return BK_OK;
}

static int
pgcsv_line(bk_parser *p, const char *s, size_t n, uint64_t lineno, bk_event_fn fn, void *ctx)
{
	struct pgcsv *c = p->impl;
	struct rec *r = c->cur;
	int64_t ms;
	int rc;

	if (n > 0 && s[n - 1] == '\r' && !c->open)
		n--;
	if (!c->open) {
		/* A record starts with its log_time. */
		if (bk__time(p, c->tf, s, n, &ms) == 0)
			return 1;
		r->text.len = 0;
		r->line = lineno;
		r->truncated = false;
	} else if (r->text.len + n + 1 > BK__ENTRY_MAX) {
		/* A field that never closes: what there is goes out, marked. */
		if (!r->truncated)
			c->ntruncated++;
		r->truncated = true;
		c->open = false;
		rc = complete(p, c, fn, ctx);
		return rc == 1 ? BK_OK : rc;
	} else if (bk__text_add(&r->text, "\n", 1) != BK_OK) {
		return BK_NOMEM;
	}
	if (bk__text_add(&r->text, s, n) != BK_OK)
		return BK_NOMEM;
	c->open = bk__csv_open(s, n, '"', ',', c->open);
	if (c->open)
		return BK_OK;
	return complete(p, c, fn, ctx);
}

static int
pgcsv_finish(bk_parser *p, bk_event_fn fn, void *ctx)
{
	struct pgcsv *c = p->impl;
	int rc;

	if (c->open) {
		/* The input ended inside a quoted field. */
		c->open = false;
		c->cur->truncated = true;
		c->ntruncated++;
		rc = complete(p, c, fn, ctx);
		if (rc != BK_OK && rc != 1)
			return rc;
	}
	return emit_held(p, c, bk__span(NULL, 0), fn, ctx);
}

static void
pgcsv_begin(bk_parser *p)
{
	struct pgcsv *c = p->impl;

	c->open = false;
	c->has_held = false;
}

static void
pgcsv_free(bk_parser *p)
{
	struct pgcsv *c = p->impl;

	if (c == NULL)
		return;
	bk_timefmt_free(c->tf);
	for (int i = 0; i < 2; i++) {
		bk__text_free(&c->r[i].text);
		bk__text_free(&c->r[i].unq);
	}
	bk__pg_work_free(&c->work);
	free(c);
	p->impl = NULL;
}

static int
pgcsv_init(bk_parser *p, char **err)
{
	struct pgcsv *c = calloc(1, sizeof *c);

	*err = NULL;
	if (c == NULL)
		return BK_NOMEM;
	p->impl = c;
	c->cur = &c->r[0];
	c->held = &c->r[1];
	c->tf = bk_timefmt_new("pg", err);
	if (c->tf == NULL) {
		pgcsv_free(p);
		return BK_ERROR;
	}
	return BK_OK;
}

const struct bk__parser_ops bk__pgcsv_ops = {
	.name = "postgres-csv",
	.description = "PostgreSQL csvlog (log_destination = csvlog); pgaudit entries",
	.example = "2026-11-22 10:00:00.123 JST,\"app\",\"crm\",4242,\"10.0.0.5:51234\","
		   "6740a1b0.1092,3,\"SELECT\",2026-11-22 09:59:58 JST,3/17,0,LOG,00000,"
		   "\"statement: SELECT * FROM persons\",,,,,,,,,\"psql\",\"client backend\",,0",
	.init = pgcsv_init,
	.begin = pgcsv_begin,
	.line = pgcsv_line,
	.finish = pgcsv_finish,
	.free = pgcsv_free,
};
