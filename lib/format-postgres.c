/*
 * format-postgres.c - the PostgreSQL server log written to stderr (by the
 * logging collector, as Debian's postgresql-common sets it up), with any
 * log_line_prefix; and what a PostgreSQL message means as an event, shared
 * with the csvlog parser (format-pgcsv.c).
 *
 * The prefix is compiled from the user's log_line_prefix (--pg-prefix;
 * otherwise the common ones, see auto_prefixes) into a list of literals and
 * escapes and matched left to right: times with timefmt's "pg" layout, the
 * numeric escapes as digits, the free text ones (%u %d %a %h %r %i %b) up to
 * the literal that follows them. %q ends the prefix early when what follows
 * is already the severity (background processes print nothing after %q).
 *
 * An entry is a message line ("LOG:  ", "ERROR:  ", ...), the lines that
 * continue it (PostgreSQL writes each newline of a message as a newline and
 * a TAB), and the DETAIL, CONTEXT, STATEMENT, HINT lines that follow it. It
 * is held until the next message starts or the input ends, and emitted as
 * one event. A bare "duration: N ms" (log_duration) from the same process
 * is attached to the statement held before it instead of making an event.
 *
 * What becomes an event:
 *   statement: / execute NAME: (parameters from the DETAIL substituted for
 *     $1.. so that ids come out) / duration: N ms  statement|execute ...
 *     -> stmt, object, ids, where, action from the sql module; duration_ms.
 *     The parse and bind steps the extended protocol logs make no event
 *     (each execute makes one, so a statement is counted once).
 *   AUDIT: (pgaudit SESSION or OBJECT) -> object = the audited relation,
 *     method = the command, rows = the count pgaudit.log_rows appends after
 *     the parameter field (not for COPY, which pgaudit logs as 0), action from the statement's kind, or from the
 *     class (READ read, WRITE write or delete) when it was not logged.
 *   connection authorized -> action login; disconnection -> logout;
 *     without %h/%r in the prefix, a session's events take the address
 *     its "connection received" line named (by process id);
 *     FATAL password authentication failed / no pg_hba.conf entry / role
 *     does not exist -> action login with status 1.
 *   ERROR, FATAL, PANIC -> status 1 (PostgreSQL's codes are not numbers:
 *     the SQLSTATE, from %e or the verbose form, goes to extra sqlstate),
 *     the STATEMENT part classified.
 * Other messages (checkpoints, connection received, ...) are parsed but make
 * no event. Actions: select read; copy-out, select-into-outfile and
 * dump-client export; insert, update write; delete delete.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "format-pg-private.h"

/*
 * Without --pg-prefix, the prefixes found in the wild are tried, most
 * specific first: Debian's default with and without the client host, the
 * upstream default, pgBadger's recommended forms and Amazon RDS's. Each
 * message line rules out those it does not fit (a line of a background
 * process, cut short by %q, fits many), and it is parsed with the first
 * that fits every line so far; a line no remaining candidate fits does not
 * parse. The parser thus settles on the site's prefix from its first
 * session line, without the user knowing it.
 */
static const char *const auto_prefixes[] = {
	"%m [%p] %q%u@%d %h ",
	"%m [%p] %q%u@%d ",
	"%t [%p] %q%u@%d %h ",
	"%t [%p] %q%u@%d ",
	"%m [%p] %q[%l-1] user=%u,db=%d,app=%a,client=%r ",
	"%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%r ",
	"%t [%p]: user=%u,db=%d,app=%a,client=%r ",
	"%t [%p]: [%l-1] ",
	"%t:%r:%u@%d:[%p]:",
	"%m [%p] ",
	"%t [%p] ",
	"%m ",
	"%t ",
};
#define PG_NAUTO (sizeof auto_prefixes / sizeof *auto_prefixes)

/* ---- severities ----------------------------------------------------------- */

static const char *const primary_sev[] = {
	"LOG", "ERROR", "FATAL", "PANIC", "WARNING", "NOTICE", "INFO", "DEBUG", "DEBUG1", "DEBUG2",
	"DEBUG3", "DEBUG4", "DEBUG5", NULL,
};

static const char *const secondary_sev[] = {
	"DETAIL", "HINT", "CONTEXT", "STATEMENT", "QUERY", "LOCATION", "BACKTRACE", NULL,
};

static bool
in_list(const char *const *list, const char *s, size_t n)
{
	for (; *list != NULL; list++)
		if (strlen(*list) == n && memcmp(*list, s, n) == 0)
			return true;
	return false;
}

bool
bk__pg_primary(const char *s, size_t n)
{
	return in_list(primary_sev, s, n);
}

bool
bk__pg_secondary(const char *s, size_t n)
{
	return in_list(secondary_sev, s, n);
}

/* The length of "SEV:  " at S when S starts with a known severity, else 0. */
static size_t
severity_at(const char *s, size_t n, size_t *wordlen)
{
	size_t i = 0;

	while (i < n && i < 10 && ((s[i] >= 'A' && s[i] <= 'Z') || bk__is_digit(s[i])))
		i++;
	if (i == 0 || n - i < 3 || s[i] != ':' || s[i + 1] != ' ' || s[i + 2] != ' ')
		return 0;
	if (!bk__pg_primary(s, i) && !bk__pg_secondary(s, i))
		return 0;
	*wordlen = i;
	return i + 3;
}

/* A SQLSTATE as log_error_verbosity=verbose puts it: "42P01: ". */
static bool
sqlstate_at(const char *s, size_t n)
{
	if (n < 7 || s[5] != ':' || s[6] != ' ')
		return false;
	for (int i = 0; i < 5; i++)
		if (!bk__is_digit(s[i]) && !(s[i] >= 'A' && s[i] <= 'Z'))
			return false;
	/* Classes are two digits, or one of F0 HV P0 XX: "AUDIT: " is not one. */
	return bk__is_digit(s[0]) || bk__starts(s, 2, "F0") || bk__starts(s, 2, "HV") ||
	    bk__starts(s, 2, "P0") || bk__starts(s, 2, "XX");
}

/* ---- messages as events ------------------------------------------------- */

void
bk__pg_work_free(struct bk__pg_work *w)
{
	bk__text_free(&w->sub);
	bk__text_free(&w->tables);
	bk__text_free(&w->unq);
}

/* After PREFIX at the start of S, or a NULL span. */
static bk_span
after(bk_span s, const char *prefix)
{
	size_t k = strlen(prefix);

	if (s.ptr == NULL || s.len < k || memcmp(s.ptr, prefix, k) != 0)
		return bk__span(NULL, 0);
	return bk__span(s.ptr + k, s.len - k);
}

/* The first occurrence of the NUL-terminated NEEDLE in S, or NULL. */
static const char *
find(bk_span s, const char *needle)
{
	return s.ptr != NULL ? memmem(s.ptr, s.len, needle, strlen(needle)) : NULL;
}

/* S from P on. */
static bk_span
from(bk_span s, const char *p)
{
	return bk__span(p, s.len - (size_t)(p - s.ptr));
}

#define PG_MAXPARAM 64

/*
 * The values of "$1 = '1001', $2 = NULL, ..." (PostgreSQL's DETAIL of an
 * execute), quotes kept, by number into VALS; returns the highest number.
 */
static size_t
pg_params(bk_span s, bk_span *vals)
{
	const char *p = s.ptr, *end = s.ptr + s.len;
	size_t max = 0;

	while (p < end && *p == '$') {
		size_t num = 0;
		const char *v;

		for (p++; p < end && bk__is_digit(*p); p++)
			num = num * 10 + (size_t)(*p - '0');
		if (end - p < 3 || memcmp(p, " = ", 3) != 0)
			break;
		v = p += 3;
		if (p < end && *p == '\'') {
			for (p++; p < end; p++) {
				if (*p == '\'') {
					if (p + 1 < end && p[1] == '\'')
						p++;
					else
						break;
				}
			}
			if (p < end)
				p++;
		} else {
			while (p < end && !(*p == ',' && end - p > 2 && p[1] == ' ' && p[2] == '$'))
				p++;
		}
		if (num >= 1 && num <= PG_MAXPARAM) {
			vals[num - 1] = bk__span(v, (size_t)(p - v));
			if (num > max)
				max = num;
		}
		if (end - p >= 2 && p[0] == ',' && p[1] == ' ')
			p += 2;
		else
			break;
	}
	return max;
}

static bool
ident_char(char c)
{
	return bk__is_alpha(c) || bk__is_digit(c) || c == '_' || (unsigned char)c >= 0x80;
}

/*
 * SQL with each $N outside quotes replaced by VALS[N-1] (wrapped in single
 * quotes, inner ones doubled, when QUOTE) into OUT. *RES is the result, or
 * SQL itself when there is nothing to replace.
 */
static int
substitute(struct bk__text *out, bk_span sql, const bk_span *vals, size_t nvals, bool quote,
    bk_span *res)
{
	size_t need = 0, start = 0;	/* set in pass 1; 0 keeps gcc -O1 with sanitizers quiet */

	*res = sql;
	if (nvals == 0)
		return BK_OK;
	for (int pass = 0; pass < 2; pass++) {
		char inq = 0;
		size_t i = 0;

		if (pass == 1) {
			if (bk__text_reserve(out, need) != BK_OK)
				return BK_NOMEM;
			start = out->len;
		}
		while (i < sql.len) {
			char c = sql.ptr[i];
			size_t j = i + 1, num = 0;

			if (inq != 0) {
				if (c == inq)
					inq = 0;
			} else if (c == '\'' || c == '"') {
				inq = c;
			} else if (c == '$' && j < sql.len && bk__is_digit(sql.ptr[j]) &&
			    (i == 0 || !ident_char(sql.ptr[i - 1]))) {
				while (j < sql.len && bk__is_digit(sql.ptr[j]) && num < 100000)
					num = num * 10 + (size_t)(sql.ptr[j++] - '0');
				if (num >= 1 && num <= nvals && vals[num - 1].ptr != NULL &&
				    (j == sql.len || !ident_char(sql.ptr[j]))) {
					bk_span v = vals[num - 1];

					if (pass == 0) {
						need += quote ? v.len * 2 + 2 : v.len;
					} else if (!quote) {
						memcpy(out->data + out->len, v.ptr, v.len);
						out->len += v.len;
					} else {
						out->data[out->len++] = '\'';
						for (size_t k = 0; k < v.len; k++) {
							if (v.ptr[k] == '\'')
								out->data[out->len++] = '\'';
							out->data[out->len++] = v.ptr[k];
						}
						out->data[out->len++] = '\'';
					}
					i = j;
					continue;
				}
			}
			if (pass == 0)
				need++;
			else
				out->data[out->len++] = c;
			i++;
		}
	}
	*res = bk__span(out->data + start, out->len - start);
	return BK_OK;
}

static bool
known(bk_span s)
{
	return s.ptr != NULL && s.len > 0 && !bk__span_is(s, "[unknown]");
}

/* The value of KEY= in a "user=x database=y" message, up to the next space. */
static bk_span
kv(bk_span s, const char *key)
{
	const char *p = find(s, key), *e;

	if (p == NULL)
		return bk__span(NULL, 0);
	p += strlen(key);
	e = memchr(p, ' ', s.len - (size_t)(p - s.ptr));
	return bk__span(p, e != NULL ? (size_t)(e - p) : s.len - (size_t)(p - s.ptr));
}

/* The text between the first pair of double quotes after NEEDLE. */
static bk_span
quoted_after(bk_span s, const char *needle)
{
	const char *p = find(s, needle), *e;

	if (p == NULL)
		return bk__span(NULL, 0);
	p += strlen(needle);
	if (p >= s.ptr + s.len || *p != '"')
		return bk__span(NULL, 0);
	p++;
	e = memchr(p, '"', s.len - (size_t)(p - s.ptr));
	return e != NULL ? bk__span(p, (size_t)(e - p)) : bk__span(NULL, 0);
}

bool
bk__pg_bare_duration(const struct bk__pg_msg *m, bk_span *dur)
{
	bk_span d = after(m->body, "duration: ");
	const char *ms;

	if (d.ptr == NULL || !bk__span_is(m->sev, "LOG"))
		return false;
	ms = find(d, " ms");
	if (ms == NULL || ms + 3 != d.ptr + d.len)
		return false;
	*dur = bk__span(d.ptr, (size_t)(ms - d.ptr));
	return true;
}

bool
bk__pg_wants_duration(const struct bk__pg_msg *m)
{
	return m->duration.ptr == NULL && bk__span_is(m->sev, "LOG") &&
	    (after(m->body, "statement: ").ptr != NULL || after(m->body, "execute ").ptr != NULL);
}

static void
set_str(struct bk__evb *b, enum bk_event_str f, const char *s)
{
	b->ev.str[f] = bk__span(s, strlen(s));
}

/* A pgaudit entry: AUDIT_TYPE,STATEMENT_ID,SUBSTATEMENT_ID,CLASS,COMMAND,... */
static int
pgaudit(struct bk__pg_work *w, bk_span a, struct bk__evb *b)
{
	bk_span f[12], params[PG_MAXPARAM], sql;
	size_t nf, np = 0;
	int64_t rows;

	if (bk__text_reserve(&w->unq, a.len * 2) != BK_OK)
		return BK_NOMEM;
	nf = bk__csv_split(a.ptr, a.len, ',', '"', f, 12, &w->unq);
	if (nf < 9 || !(bk__span_is(f[0], "SESSION") || bk__span_is(f[0], "OBJECT")))
		return 0;
	bk__evb_str(b, BK_EV_METHOD, f[4]);
	bk__evb_str(b, BK_EV_OBJECT, f[6]);
	sql = f[7];
	if (sql.len > 0 && !bk__span_is(sql, "<not logged>") &&
	    !bk__span_is(sql, "<previously logged>")) {
		if (!bk__span_is(f[8], "<not logged>") && !bk__span_is(f[8], "<none>") &&
		    f[8].len > 0) {
			np = bk__csv_split(f[8].ptr, f[8].len, ',', '"', params, PG_MAXPARAM,
			    &w->unq);
			if (np > PG_MAXPARAM)
				np = PG_MAXPARAM;
		}
		if (substitute(&w->sub, sql, params, np, true, &sql) != BK_OK ||
		    bk__evb_sql(b, sql.ptr, sql.len, &w->tables) != BK_OK)
			return BK_NOMEM;
	}
	if (b->ev.str[BK_EV_ACTION].ptr == NULL) {
		if (bk__span_is(f[3], "READ"))
			set_str(b, BK_EV_ACTION, "read");
		else if (bk__span_is(f[3], "WRITE"))
			set_str(b, BK_EV_ACTION,
			    bk__span_is(f[4], "DELETE") || bk__span_is(f[4], "TRUNCATE TABLE") ?
			    "delete" : "write");
	}
	/*
	 * pgaudit counts the rows the executor hands back; COPY goes around
	 * it, so pgaudit 1.7 logs 0 for every COPY (tests/data/real: a
	 * 10000-row table copied out). That 0 is not a count: rows stay
	 * unknown rather than say nothing left the database.
	 */
	if (nf >= 10 && !bk__span_is(f[4], "COPY") && (rows = bk__span_uint(bk__trim(f[9]))) >= 0)
		b->ev.rows = rows;
	bk__evb_extra(b, "audit", f[0], false);
	bk__evb_extra(b, "audit_class", f[3], false);
	if (bk__span_uint(f[1]) >= 0)
		bk__evb_extra(b, "statement_id", f[1], true);
	if (bk__span_uint(f[2]) >= 0)
		bk__evb_extra(b, "substatement_id", f[2], true);
	return 1;
}

int
bk__pg_event(const bk_parser *p, struct bk__pg_work *w, const struct bk__pg_msg *m,
    struct bk__evb *b)
{
	bk_span body = m->body, dur = m->duration, sql = {NULL, 0}, params, x, vals[PG_MAXPARAM];
	bool error = bk__span_is(m->sev, "ERROR") || bk__span_is(m->sev, "FATAL") ||
	    bk__span_is(m->sev, "PANIC");
	const char *q;
	size_t nvals = 0;
	int rc;

	bk__evb_reset(b, p, m->line);
	w->sub.len = w->tables.len = w->unq.len = 0;
	b->ev.ts = m->ts;
	if (known(m->user))
		b->ev.str[BK_EV_ACTOR] = m->user;
	if (known(m->host)) {
		/* %r is host(port) */
		q = memchr(m->host.ptr, '(', m->host.len);
		b->ev.str[BK_EV_IP] = q != NULL && q != m->host.ptr && m->host.ptr[m->host.len - 1] == ')'
		    ? bk__span(m->host.ptr, (size_t)(q - m->host.ptr)) : m->host;
	}

	if ((x = after(body, "duration: ")).ptr != NULL && (q = find(x, " ms")) != NULL) {
		dur = bk__span(x.ptr, (size_t)(q - x.ptr));
		body = bk__trim(from(x, q + 3));
	}
	if ((x = after(body, "statement: ")).ptr != NULL) {
		sql = x;
	} else if ((x = after(body, "execute ")).ptr != NULL && (q = find(x, ": ")) != NULL) {
		sql = from(x, q + 2);
	} else if (after(body, "parse ").ptr != NULL || after(body, "bind ").ptr != NULL) {
		return 0;
	} else if ((x = after(body, "AUDIT: ")).ptr != NULL) {
		if ((rc = pgaudit(w, x, b)) <= 0)
			return rc;
	} else if ((x = after(body, "connection authorized: ")).ptr != NULL ||
	    (x = after(body, "replication connection authorized: ")).ptr != NULL) {
		set_str(b, BK_EV_ACTION, "login");
		bk__evb_str(b, BK_EV_ACTOR, kv(x, "user="));
	} else if ((x = after(body, "disconnection: ")).ptr != NULL) {
		set_str(b, BK_EV_ACTION, "logout");
		bk__evb_str(b, BK_EV_ACTOR, kv(x, "user="));
		bk__evb_str(b, BK_EV_IP, kv(x, "host="));
	} else if (bk__span_is(m->sev, "FATAL") &&
	    ((x = quoted_after(body, "authentication failed for user ")).ptr != NULL ||
		(x = quoted_after(body, ", user ")).ptr != NULL ||
		(x = quoted_after(body, "role ")).ptr != NULL)) {
		set_str(b, BK_EV_ACTION, "login");
		b->ev.str[BK_EV_ACTOR] = x;
		bk__evb_str(b, BK_EV_IP, quoted_after(body, "no pg_hba.conf entry for host "));
	} else if (!error && dur.ptr == NULL) {
		return 0;
	}
	if (error) {
		b->ev.status = 1;
		if (sql.ptr == NULL && b->ev.str[BK_EV_ACTION].ptr == NULL)
			sql = m->statement;
	}
	if (sql.ptr != NULL && sql.len > 0) {
		params = after(m->detail, "parameters: ");
		if (params.ptr == NULL)
			params = after(m->detail, "Parameters: ");
		if (params.ptr == NULL && (q = find(m->context, "with parameters: ")) != NULL)
			params = from(m->context, q + strlen("with parameters: "));
		if (params.ptr != NULL) {
			memset(vals, 0, sizeof vals);
			nvals = pg_params(params, vals);
		}
		if (substitute(&w->sub, sql, vals, nvals, false, &sql) != BK_OK ||
		    bk__evb_sql(b, sql.ptr, sql.len, &w->tables) != BK_OK)
			return BK_NOMEM;
		/*
		 * The command tag (%i, csvlog's command_tag) names a statement's
		 * command (SELECT, COPY) when it is upper case; the states in
		 * lower case (idle, idle in transaction, authentication: the
		 * process's state when the statement was logged, before it ran)
		 * name none.
		 */
		if (known(m->cmdtag) && m->cmdtag.ptr[0] >= 'A' && m->cmdtag.ptr[0] <= 'Z' &&
		    b->ev.str[BK_EV_METHOD].ptr == NULL)
			b->ev.str[BK_EV_METHOD] = m->cmdtag;
	}
	if (known(m->db))
		bk__evb_extra(b, "db", m->db, false);
	if (dur.ptr != NULL && dur.len > 0)
		bk__evb_extra(b, "duration_ms", dur, true);
	if (error && m->sqlstate.len == 5)
		bk__evb_extra(b, "sqlstate", m->sqlstate, false);
	if (bk__span_uint(m->pid) > 0)
		bk__evb_extra(b, "pid", m->pid, true);
	if (m->truncated)
		bk__evb_extra(b, "truncated", bk__span("true", 4), true);
	if (p->opts.keep_raw)
		b->ev.raw = m->raw;
	return 1;
}

/* ---- the log_line_prefix ------------------------------------------------ */

struct pg_item {
	char esc;		/* the escape letter, or 0 for a literal */
	bool pad;		/* %-10u and the like: the value is padded with spaces */
	const char *lit;	/* for literals */
	size_t len;
};

#define PG_MAXITEMS 64

/* The values a prefix gave, as spans into the line. */
struct pfx {
	int64_t ts;
	bk_span user, db, host, app, pid, sqlstate, cmdtag;
	size_t end;		/* where the prefix ends */
};

/* An entry's parts, each gathered from its lines. */
enum part { P_BODY, P_DETAIL, P_CONTEXT, P_STATEMENT, P_NPARTS };

/* A compiled log_line_prefix. */
struct pg_prefix {
	char *text;		/* the literals point into it */
	struct pg_item item[PG_MAXITEMS];
	size_t nitem;
};

struct pg {
	struct pg_prefix *pfx;	/* the user's, or the candidates */
	size_t npfx;
	uint32_t alive;		/* the candidates every message line so far fitted */
	bk_timefmt *tf_pg, *tf_epoch;

	/* The entry held back. */
	bool active;
	uint64_t line;
	struct pfx v;		/* spans into line0 */
	bk_span sev;		/* into line0 */
	struct bk__text line0, part[P_NPARTS], raw;
	int cur;		/* the part continuation lines go to, or -1 */
	size_t total;
	bool truncated;

	struct bk__pg_work work;
	struct bk__evb evb;
	uint64_t ntruncated;
	struct pg_client *clients;	/* [PG_CLIENTS], by process id; NULL until needed */
	struct bk__text scratch;	/* postgres-syslog: a continuation line rebuilt */
};

static int
compile_prefix(struct pg_prefix *g, const char *prefix, char **err)
{
	char *s;

	g->text = s = strdup(prefix);
	if (s == NULL)
		return BK_NOMEM;
	while (*s != '\0') {
		struct pg_item *it;

		if (g->nitem >= PG_MAXITEMS) {
			*err = bk__errf("postgres: --pg-prefix: more than %d parts", PG_MAXITEMS);
			return BK_ERROR;
		}
		it = &g->item[g->nitem];
		memset(it, 0, sizeof *it);
		if (*s != '%' || s[1] == '%') {
			/* A literal runs to the next escape; %% is one '%'. */
			it->lit = s;
			if (*s == '%') {
				it->len = 1;
				s += 2;
			} else {
				while (s[it->len] != '\0' && s[it->len] != '%')
					it->len++;
				s += it->len;
			}
			if (g->nitem > 0 && g->item[g->nitem - 1].esc == 0 &&
			    g->item[g->nitem - 1].lit + g->item[g->nitem - 1].len == it->lit) {
				g->item[g->nitem - 1].len += it->len;
				continue;
			}
			g->nitem++;
			continue;
		}
		s++;
		if (*s == '-')
			s++, it->pad = true;
		while (bk__is_digit(*s))
			s++, it->pad = true;
		if (*s == '\0' || strchr("audrhbpPtmnieclsvxqQ", *s) == NULL) {
			*err = bk__errf("postgres: --pg-prefix: unknown escape %%%c (known: %%a %%u "
			    "%%d %%r %%h %%b %%p %%P %%t %%m %%n %%i %%e %%c %%l %%s %%v %%x %%q "
			    "%%Q %%%%)", *s != '\0' ? *s : '?');
			return BK_ERROR;
		}
		it->esc = *s++;
		g->nitem++;
	}
	return BK_OK;
}

/* Backend types (%b) with a space in them, longest first. */
static const char *const backend_types[] = {
	"logical replication launcher", "logical replication worker", "autovacuum launcher",
	"autovacuum worker", "standalone backend", "background writer", "background worker",
	"client backend", "parallel worker", "slotsync worker", "wal summarizer", "wal receiver",
	"wal sender", "wal writer", "io worker", NULL,
};

static size_t
span_while(const char *s, size_t n, const char *set)
{
	size_t i = 0;

	while (i < n && s[i] != '\0' && strchr(set, s[i]) != NULL)
		i++;
	return i;
}

/* Matches the prefix at S: true with *V set, or false. */
static bool
match_prefix(const struct pg *pg, const struct pg_prefix *g, const bk_parser *p, const char *s,
    size_t n, struct pfx *v)
{
	size_t pos = 0, wl;

	memset(v, 0, sizeof *v);
	v->ts = BK_EVENT_NONE;
	for (size_t i = 0; i < g->nitem; i++) {
		const struct pg_item *it = &g->item[i];
		size_t len = 0, used;
		int64_t ms;
		bk_span val;

		if (it->esc == 0) {
			if (n - pos < it->len || memcmp(s + pos, it->lit, it->len) != 0)
				return false;
			pos += it->len;
			continue;
		}
		if (it->esc == 'q') {
			if (severity_at(s + pos, n - pos, &wl) != 0)
				break;
			continue;
		}
		if (it->pad)
			pos += span_while(s + pos, n - pos, " ");
		switch (it->esc) {
		case 'm':
		case 't':
		case 's':
		case 'n':
			used = bk__time(p, it->esc == 'n' ? pg->tf_epoch : pg->tf_pg, s + pos, n - pos,
			    &ms);
			if (used == 0)
				return false;
			if (it->esc != 's' && v->ts == BK_EVENT_NONE)
				v->ts = ms;
			len = used;
			break;
		case 'p':
		case 'P':
		case 'l':
		case 'x':
		case 'Q':
			/* Only a query id (%Q) may be negative. */
			len = it->esc == 'Q' && pos < n && s[pos] == '-' ? 1 : 0;
			len += span_while(s + pos + len, n - pos - len, "0123456789");
			break;
		case 'e':
			len = span_while(s + pos, n - pos, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ");
			break;
		case 'c':
			len = span_while(s + pos, n - pos, "0123456789abcdef.");
			break;
		case 'v':
			len = span_while(s + pos, n - pos, "0123456789/");
			break;
		default: {
			const struct pg_item *next = i + 1 < g->nitem ? &g->item[i + 1] : NULL;
			const char *e = NULL;

			if (it->esc == 'b' && next != NULL && next->esc == 0 && next->lit[0] == ' ') {
				for (const char *const *t = backend_types; *t != NULL; t++) {
					size_t tl = strlen(*t);

					if (bk__starts(s + pos, n - pos, *t) && n - pos >= tl + next->len &&
					    memcmp(s + pos + tl, next->lit, next->len) == 0) {
						e = s + pos + tl;
						break;
					}
				}
			}
			if (e == NULL && next != NULL && next->esc == 0)
				e = memmem(s + pos, n - pos, next->lit, next->len);
			else if (e == NULL)
				e = memchr(s + pos, ' ', n - pos);
			len = e != NULL ? (size_t)(e - (s + pos)) : n - pos;
			break;
		}
		}
		val = bk__span(s + pos, len);
		if (it->pad)
			val = bk__trim(val);
		switch (it->esc) {
		case 'u': v->user = val; break;
		case 'd': v->db = val; break;
		case 'a': v->app = val; break;
		case 'h':
		case 'r':
			if (v->host.ptr == NULL)
				v->host = val;
			break;
		case 'p': v->pid = val; break;
		case 'e': v->sqlstate = val; break;
		case 'i': v->cmdtag = val; break;
		default: break;
		}
		pos += len;
		if (it->pad)
			pos += span_while(s + pos, n - pos, " ");
	}
	v->end = pos;
	return true;
}

/* ---- entries ---------------------------------------------------------------- */

static void
rebase(bk_span *s, const char *from_, const char *to)
{
	if (s->ptr != NULL)
		s->ptr = to + (s->ptr - from_);
}

/* Appends to part K, or drops it once the entry reached its bound. */
static int
add_part(struct pg *g, int k, const char *s, size_t n, bool newline)
{
	if (k < 0)
		return BK_OK;
	if (g->total + n + 1 > BK__ENTRY_MAX) {
		if (!g->truncated)
			g->ntruncated++;
		g->truncated = true;
		return BK_OK;
	}
	g->total += n + 1;
	if (newline && g->part[k].len > 0 && bk__text_add(&g->part[k], "\n", 1) != BK_OK)
		return BK_NOMEM;
	return bk__text_add(&g->part[k], s, n);
}

static int
add_raw(const bk_parser *p, struct pg *g, const char *s, size_t n)
{
	if (!p->opts.keep_raw || g->truncated)
		return BK_OK;
	if (g->raw.len > 0 && bk__text_add(&g->raw, "\n", 1) != BK_OK)
		return BK_NOMEM;
	return bk__text_add(&g->raw, s, n);
}

static bk_span
part(const struct pg *g, int k)
{
	return g->part[k].len > 0 ? bk__span(g->part[k].data, g->part[k].len) : bk__span(NULL, 0);
}

/*
 * Where each backend's client came from. A prefix without %h or %r leaves
 * a session's statements without an address, but the "connection
 * received: host=... port=..." line before its login names it, with the
 * backend's process id: kept here, by pid, so the session's events carry
 * it. Direct-mapped: a pid that lands on another's slot takes it, and the
 * old session's later events go without (a bounded table, not a lost line).
 */
#define PG_CLIENTS 1024
#define PG_HOST_MAX 64

struct pg_client {
	int64_t pid;		/* 0: empty */
	unsigned char len;
	char host[PG_HOST_MAX];
};

static struct pg_client *
client_slot(struct pg *g, bk_span pid, int64_t *num)
{
	*num = bk__span_uint(pid);
	if (*num <= 0)
		return NULL;
	if (g->clients == NULL && (g->clients = calloc(PG_CLIENTS, sizeof *g->clients)) == NULL)
		return NULL;
	return &g->clients[*num % PG_CLIENTS];
}

/* Notes a connection's client, or fills M's missing host from the note. */
static void
client_host(struct pg *g, struct bk__pg_msg *m)
{
	static const char rcvd[] = "connection received: host=";
	struct pg_client *c;
	int64_t pid;

	if (m->pid.ptr == NULL || m->host.ptr != NULL)
		return;
	if (m->body.len > sizeof rcvd - 1 && memcmp(m->body.ptr, rcvd, sizeof rcvd - 1) == 0) {
		const char *h = m->body.ptr + sizeof rcvd - 1, *e = h;
		const char *end = m->body.ptr + m->body.len;

		while (e < end && *e != ' ')
			e++;
		if ((c = client_slot(g, m->pid, &pid)) != NULL && (size_t)(e - h) < PG_HOST_MAX) {
			c->pid = pid;
			c->len = (unsigned char)(e - h);
			memcpy(c->host, h, c->len);
		}
		return;
	}
	if (g->clients != NULL && (c = client_slot(g, m->pid, &pid)) != NULL && c->pid == pid)
		m->host = bk__span(c->host, c->len);
}

/* Emits the held entry (DUR: a duration line to attach, or a NULL span). */
static int
emit(bk_parser *p, struct pg *g, bk_span dur, bk_event_fn fn, void *ctx)
{
	struct bk__pg_msg m;
	int rc;

	if (!g->active)
		return BK_OK;
	g->active = false;
	memset(&m, 0, sizeof m);
	m.line = g->line;
	m.ts = g->v.ts;
	m.user = g->v.user;
	m.db = g->v.db;
	m.host = g->v.host;
	m.app = g->v.app;
	m.pid = g->v.pid;
	m.sqlstate = g->v.sqlstate;
	m.cmdtag = g->v.cmdtag;
	m.sev = g->sev;
	m.body = part(g, P_BODY);
	m.detail = part(g, P_DETAIL);
	m.context = part(g, P_CONTEXT);
	m.statement = part(g, P_STATEMENT);
	m.raw = bk__span(g->raw.data, g->raw.len);
	m.truncated = g->truncated;
	m.duration = dur;
	if (m.body.ptr == NULL)
		m.body = bk__span("", 0);
	client_host(g, &m);
	rc = bk__pg_event(p, &g->work, &m, &g->evb);
	if (rc == 1)
		return fn(ctx, &g->evb.ev);
	return rc;
}

/*
 * Whether S starts a message line: the length of its severity and what
 * follows up to the text (0 when it is not one), *V the prefix's values and
 * *WL the severity word's length. Candidates the line does not fit are
 * ruled out, unless none fits: the line then simply does not parse.
 */
static size_t
message_start(struct pg *g, const bk_parser *p, const char *s, size_t n, struct pfx *v, size_t *wl)
{
	uint32_t fits = 0;
	size_t sl = 0;
	struct pfx tv;
	size_t twl, tsl;

	for (size_t i = 0; i < g->npfx; i++) {
		if (!(g->alive & (UINT32_C(1) << i)))
			continue;
		if (!match_prefix(g, &g->pfx[i], p, s, n, &tv) ||
		    (tsl = severity_at(s + tv.end, n - tv.end, &twl)) == 0)
			continue;
		if (fits == 0) {
			*v = tv;
			*wl = twl;
			sl = tsl;
		}
		fits |= UINT32_C(1) << i;
	}
	if (fits != 0)
		g->alive = fits;
	return sl;
}

static int
pg_line(bk_parser *p, const char *s, size_t n, uint64_t lineno, bk_event_fn fn, void *ctx)
{
	struct pg *g = p->impl;
	struct pfx v;
	size_t sl, wl = 0, body;
	int rc, k;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n > 0 && s[0] == '\t') {
		/* A message's next line: the TAB stands for the newline's place. */
		if (!g->active)
			return 1;
		if ((rc = add_part(g, g->cur, s + 1, n - 1, true)) != BK_OK ||
		    (rc = add_raw(p, g, s, n)) != BK_OK)
			return rc;
		return BK_OK;
	}
	if ((sl = message_start(g, p, s, n, &v, &wl)) == 0)
		return 1;
	body = v.end + sl;
	if (sqlstate_at(s + body, n - body)) {
		if (v.sqlstate.ptr == NULL)
			v.sqlstate = bk__span(s + body, 5);
		body += 7;
	}
	if (bk__pg_secondary(s + v.end, wl)) {
		if (!g->active)
			return 1;
		k = bk__starts(s + v.end, wl, "DETAIL") ? P_DETAIL :
		    bk__starts(s + v.end, wl, "CONTEXT") ? P_CONTEXT :
		    bk__starts(s + v.end, wl, "STATEMENT") ? P_STATEMENT : -1;
		g->cur = k;
		if ((rc = add_part(g, k, s + body, n - body, true)) != BK_OK ||
		    (rc = add_raw(p, g, s, n)) != BK_OK)
			return rc;
		return BK_OK;
	}
	if (g->active && wl == 3 && memcmp(s + v.end, "LOG", 3) == 0) {
		struct bk__pg_msg m = {.sev = bk__span("LOG", 3), .body = bk__span(s + body, n - body)};
		struct bk__pg_msg held = {.sev = g->sev, .body = part(g, P_BODY)};
		bk_span dur;

		if (held.body.ptr != NULL && bk__pg_bare_duration(&m, &dur) &&
		    bk__pg_wants_duration(&held) &&
		    bk__span_eq(v.pid, g->v.pid))
			return emit(p, g, dur, fn, ctx);
	}
	if ((rc = emit(p, g, bk__span(NULL, 0), fn, ctx)) != BK_OK)
		return rc;

	/* A new entry: its first line is kept whole, the prefix's spans into it. */
	g->line0.len = g->raw.len = g->total = 0;
	for (k = 0; k < P_NPARTS; k++)
		g->part[k].len = 0;
	g->truncated = false;
	if (bk__text_add(&g->line0, s, n) != BK_OK)
		return BK_NOMEM;
	g->v = v;
	rebase(&g->v.user, s, g->line0.data);
	rebase(&g->v.db, s, g->line0.data);
	rebase(&g->v.host, s, g->line0.data);
	rebase(&g->v.app, s, g->line0.data);
	rebase(&g->v.pid, s, g->line0.data);
	rebase(&g->v.sqlstate, s, g->line0.data);
	rebase(&g->v.cmdtag, s, g->line0.data);
	g->sev = bk__span(g->line0.data + v.end, wl);
	g->line = lineno;
	g->cur = P_BODY;
	g->active = true;
	if ((rc = add_part(g, P_BODY, s + body, n - body, false)) != BK_OK ||
	    (rc = add_raw(p, g, s, n)) != BK_OK)
		return rc;
	return BK_OK;
}

static int
pg_finish(bk_parser *p, bk_event_fn fn, void *ctx)
{
	return emit(p, p->impl, bk__span(NULL, 0), fn, ctx);
}

static void
pg_begin(bk_parser *p)
{
	struct pg *g = p->impl;

	g->active = false;
	g->alive = (UINT32_C(1) << g->npfx) - 1;	/* each file may have its own prefix */
	if (g->clients != NULL)
		memset(g->clients, 0, PG_CLIENTS * sizeof *g->clients);
}

static void
pg_free(bk_parser *p)
{
	struct pg *g = p->impl;

	if (g == NULL)
		return;
	for (size_t i = 0; i < g->npfx; i++)
		free(g->pfx[i].text);
	free(g->pfx);
	free(g->clients);
	bk_timefmt_free(g->tf_pg);
	bk_timefmt_free(g->tf_epoch);
	bk__text_free(&g->line0);
	bk__text_free(&g->raw);
	bk__text_free(&g->scratch);
	for (int k = 0; k < P_NPARTS; k++)
		bk__text_free(&g->part[k]);
	bk__pg_work_free(&g->work);
	free(g);
	p->impl = NULL;
}

static int
pg_init(bk_parser *p, char **err)
{
	struct pg *g = calloc(1, sizeof *g);
	const char *const *prefixes = p->opts.pg_prefix != NULL ? &p->opts.pg_prefix : auto_prefixes;
	size_t n = p->opts.pg_prefix != NULL ? 1 : PG_NAUTO;
	int rc;

	*err = NULL;
	if (g == NULL)
		return BK_NOMEM;
	p->impl = g;
	g->tf_pg = bk_timefmt_new("pg", err);
	if (g->tf_pg == NULL)
		goto fail;
	g->tf_epoch = bk_timefmt_new("epoch", err);
	if (g->tf_epoch == NULL)
		goto fail;
	if ((g->pfx = calloc(n, sizeof *g->pfx)) == NULL)
		goto fail;
	for (; g->npfx < n; g->npfx++)
		if ((rc = compile_prefix(&g->pfx[g->npfx], prefixes[g->npfx], err)) != BK_OK) {
			g->npfx++;
			goto fail;
		}
	g->alive = (UINT32_C(1) << g->npfx) - 1;
	return BK_OK;
fail:
	if (*err == NULL)
		*err = bk__errf("postgres: out of memory");
	pg_free(p);
	return BK_ERROR;
}

/*
 * The same log sent to syslog (log_destination = syslog): each line is
 * "... postgres[PID]: [N-M] TEXT", where N numbers the message and M its
 * pieces. A message's next line comes as a piece starting with a TAB (which
 * rsyslog writes as #011); a line longer than syslog takes is cut into
 * pieces without one, and those join the line before them. Without
 * syslog_sequence_numbers the [N-M] is absent and only the TAB tells.
 */
static int
pgsys_line(bk_parser *p, const char *s, size_t n, uint64_t lineno, bk_event_fn fn, void *ctx)
{
	struct pg *g = p->impl;
	const char *end = s + n, *q = NULL, *rest;
	unsigned long part = 1;
	int rc;

	if (n > 0 && s[n - 1] == '\r')
		end--;
	/* The syslog header ends at the first "]: " (ident[pid]: ). */
	for (const char *c = s; c + 3 <= end; c++)
		if (c[0] == ']' && c[1] == ':' && c[2] == ' ') {
			q = c + 3;
			break;
		}
	if (q == NULL)
		return 1;
	rest = q;
	if (rest < end && *rest == '[') {
		const char *c = rest + 1;
		unsigned long num = 0;
		bool digits = false;

		while (c < end && bk__is_digit(*c))
			digits = true, num = num * 10 + (unsigned long)(*c++ - '0');
		if (digits && c < end && *c == '-') {
			part = 0;
			c++;
			while (c < end && bk__is_digit(*c))
				part = part * 10 + (unsigned long)(*c++ - '0');
			if (part > 0 && c < end && *c == ']') {
				rest = c + 1 < end && c[1] == ' ' ? c + 2 : c + 1;
			} else {
				part = 1;
			}
		}
		(void)num;
	}
	bool tab = rest < end && *rest == '\t';
	bool esc = end - rest >= 4 && memcmp(rest, "#011", 4) == 0;

	if (tab || esc) {
		/* A message's next line: the parser knows it by its TAB. */
		g->scratch.len = 0;
		if (bk__text_add(&g->scratch, "\t", 1) != BK_OK ||
		    bk__text_add(&g->scratch, rest + (esc ? 4 : 1), (size_t)(end - rest) - (esc ? 4 : 1)) != BK_OK)
			return BK_NOMEM;
		return pg_line(p, g->scratch.data, g->scratch.len, lineno, fn, ctx);
	}
	if (part > 1) {
		/* The rest of a line syslog cut: it joins the line before. */
		if (!g->active)
			return 1;
		if ((rc = add_part(g, g->cur, rest, (size_t)(end - rest), false)) != BK_OK ||
		    (rc = add_raw(p, g, s, n)) != BK_OK)
			return rc;
		return BK_OK;
	}
	return pg_line(p, rest, (size_t)(end - rest), lineno, fn, ctx);
}

const struct bk__parser_ops bk__postgres_syslog_ops = {
	.name = "postgres-syslog",
	.description = "PostgreSQL log sent to syslog ([N-M] pieces, #011 continuations), --pg-prefix",
	.example = "Nov 22 10:00:00 db1 postgres[4242]: [7-1] 2026-11-22 10:00:00.123 JST [4242] "
		   "app@crm LOG:  statement: SELECT * FROM persons\n"
		   "Nov 22 10:00:00 db1 postgres[4242]: [7-2] #011WHERE id = 1001",
	.init = pg_init,
	.begin = pg_begin,
	.line = pgsys_line,
	.finish = pg_finish,
	.free = pg_free,
};

const struct bk__parser_ops bk__postgres_ops = {
	.name = "postgres",
	.description = "PostgreSQL stderr/syslog log, --pg-prefix (common prefixes recognised without it); pgaudit entries",
	.example = "2026-11-22 10:00:00.123 JST [4242] app@crm LOG:  statement: "
		   "SELECT * FROM persons WHERE id = 1001",
	.init = pg_init,
	.begin = pg_begin,
	.line = pg_line,
	.finish = pg_finish,
	.free = pg_free,
};
