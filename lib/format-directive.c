/*
 * format-directive.c - the servers' own log format notations, compiled into
 * layouts, and the config files they live in.
 *
 * Responders hold the server's config, not a regex, so the parser is derived
 * from the directive itself: nginx `log_format NAME [escape=...] '...';`,
 * Apache `LogFormat "..." NAME`, Squid `logformat NAME ...`. Each variable or
 * format code maps to an event field (the client address to ip, the request
 * size to bytes_in, ...) or, when it has no event field, to an extra named
 * after it, so nothing the server logged is lost. The predefined formats of
 * each server (as Debian ships them) need no config file.
 */
#include "config.h"

#include <errno.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format-private.h"
#include "util-private.h"

/* ---- building a layout -------------------------------------------------- */

struct build {
	struct bk__layout *lo;
	char *lit;		/* the literal being collected */
	size_t litlen, litcap;
	enum bk__escape esc;
	char **err;
	int rc;
};

static void fail(struct build *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct build *b, const char *fmt, ...)
{
	va_list ap;

	if (b->rc != BK_OK)
		return;
	va_start(ap, fmt);
	*b->err = bk__verrf(fmt, ap);
	b->rc = *b->err != NULL ? BK_ERROR : BK_NOMEM;
	va_end(ap);
}

static void
lit_add(struct build *b, const char *s, size_t n)
{
	if (b->rc != BK_OK)
		return;
	if (bk__grow(&b->lit, &b->litcap, b->litlen + n, 1) != BK_OK) {
		b->rc = BK_NOMEM;
		return;
	}
	memcpy(b->lit + b->litlen, s, n);
	b->litlen += n;
}

/* Ends the literal collected so far: it follows the last field, or leads. */
static void
lit_close(struct build *b)
{
	struct bk__layout *lo = b->lo;
	char *copy;

	if (b->rc != BK_OK)
		return;
	if ((copy = bk__dup_bytes(b->lit != NULL ? b->lit : "", b->litlen)) == NULL) {
		b->rc = BK_NOMEM;
		return;
	}
	if (lo->n == 0) {
		free(lo->lead);
		lo->lead = copy;
		lo->leadlen = b->litlen;
	} else {
		free(lo->f[lo->n - 1].lit);
		lo->f[lo->n - 1].lit = copy;
		lo->f[lo->n - 1].litlen = b->litlen;
	}
	b->litlen = 0;
}

/* Appends a field; NAME is copied (an extra's key or a time layout). */
static struct bk__lfield *
field_add(struct build *b, enum bk__target t, const char *name, const char *what)
{
	struct bk__layout *lo = b->lo;
	struct bk__lfield *f;

	if (b->rc != BK_OK)
		return NULL;
	if (lo->n > 0 && b->litlen == 0) {
		fail(b, "%s follows the previous field with nothing between them", what);
		return NULL;
	}
	lit_close(b);
	if (b->rc != BK_OK || bk__grow(&lo->f, &lo->cap, lo->n, sizeof *lo->f) != BK_OK) {
		b->rc = BK_NOMEM;
		return NULL;
	}
	f = &lo->f[lo->n++];
	memset(f, 0, sizeof *f);
	f->target = (uint8_t)t;
	f->dash = true;
	if (name != NULL && (f->name = strdup(name)) == NULL)
		b->rc = BK_NOMEM;
	return f;
}

/* An extra's key from a header or variable name: lower case, '-' to '_'. */
static void
key_of(const char *prefix, const char *s, size_t n, char *out, size_t size)
{
	size_t k = strlen(prefix);

	if (k >= size)
		k = size - 1;
	memcpy(out, prefix, k);
	for (size_t i = 0; i < n && k + 1 < size; i++) {
		char c = bk__lower(s[i]);
		out[k++] = (bk__is_alpha(c) || bk__is_digit(c)) ? c : '_';
	}
	out[k] = '\0';
}

/* Well-known request headers get short keys of their own. */
static const char *
header_key(const char *h, size_t n)
{
	static const struct {
		const char *h, *key;
	} known[] = {
		{ "referer", "referer" },
		{ "user-agent", "user_agent" },
		{ "user_agent", "user_agent" },
		{ "x-forwarded-for", "x_forwarded_for" },
		{ "x_forwarded_for", "x_forwarded_for" },
	};

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strlen(known[i].h) == n && strncasecmp(known[i].h, h, n) == 0)
			return known[i].key;
	return NULL;
}

/*
 * Marks the fields between '"' literals as quoted, with the notation's
 * escaping, and finishes the layout.
 */
static void
finish(struct build *b)
{
	struct bk__layout *lo = b->lo;

	lit_close(b);
	if (b->rc != BK_OK)
		return;
	if (lo->n == 0) {
		fail(b, "no fields in the format");
		return;
	}
	for (size_t i = 0; i < lo->n; i++) {
		const char *before = i == 0 ? lo->lead : lo->f[i - 1].lit;
		size_t blen = i == 0 ? lo->leadlen : lo->f[i - 1].litlen;
		struct bk__lfield *f = &lo->f[i];

		if (blen > 0 && before[blen - 1] == '"' && f->litlen > 0 && f->lit[0] == '"') {
			f->quoted = true;
			f->esc = (uint8_t)b->esc;
		}
	}
}

/* ---- nginx -------------------------------------------------------------- */

struct var {
	const char *name;
	uint8_t target;
	const char *key;	/* extra key or time layout */
	bool nodash;		/* nginx never writes "-" here */
	int prio;
	int scale;
};

static const struct var nginx_vars[] = {
	{ "args", BK__T_QUERY, NULL, false, 0, 0 },
	{ "body_bytes_sent", BK__T_BYTES_OUT, NULL, true, 1, 0 },
	{ "bytes_sent", BK__T_BYTES_OUT, NULL, true, 2, 0 },
	{ "connection", BK__T_EXTRA_NUM, "connection", true, 0, 0 },
	{ "connection_requests", BK__T_EXTRA_NUM, "connection_requests", true, 0, 0 },
	{ "document_uri", BK__T_OBJECT, NULL, false, 0, 0 },
	{ "host", BK__T_EXTRA, "host", false, 0, 0 },
	{ "http_referer", BK__T_EXTRA, "referer", false, 0, 0 },
	{ "http_user_agent", BK__T_EXTRA, "user_agent", false, 0, 0 },
	{ "http_x_forwarded_for", BK__T_EXTRA, "x_forwarded_for", false, 0, 0 },
	{ "msec", BK__T_TS, "epoch", true, 0, 0 },
	{ "query_string", BK__T_QUERY, NULL, false, 0, 0 },
	{ "remote_addr", BK__T_IP, NULL, false, 0, 0 },
	{ "remote_user", BK__T_ACTOR, NULL, false, 0, 0 },
	{ "request", BK__T_REQUEST, NULL, false, 0, 0 },
	{ "request_length", BK__T_BYTES_IN, NULL, true, 0, 0 },
	{ "request_method", BK__T_METHOD, NULL, false, 0, 0 },
	{ "request_time", BK__T_DURATION, NULL, true, 0, BK__DUR_S },
	{ "request_uri", BK__T_URL, NULL, false, 0, 0 },
	{ "server_protocol", BK__T_EXTRA, "protocol", false, 0, 0 },
	{ "status", BK__T_STATUS, NULL, true, 0, 0 },
	{ "time_iso8601", BK__T_TS, "iso8601", true, 0, 0 },
	{ "time_local", BK__T_TS, "clf", true, 0, 0 },
	{ "uri", BK__T_OBJECT, NULL, false, 0, 0 },
};

static const struct var *
var_find(const struct var *tab, size_t n, const char *name, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(tab[i].name) == len && memcmp(tab[i].name, name, len) == 0)
			return &tab[i];
	return NULL;
}

static void
field_from_var(struct build *b, const struct var *v, const char *what)
{
	struct bk__lfield *f = field_add(b, v->target, v->key, what);

	if (f == NULL)
		return;
	f->dash = !v->nodash;
	f->prio = v->prio;
	f->scale = v->scale;
}

static void
compile_nginx(struct build *b, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && b->rc == BK_OK) {
		size_t start, nlen;
		const char *name;
		bool braced;
		char key[128], what[140];
		const struct var *v;

		if (s[i] != '$') {
			lit_add(b, &s[i++], 1);
			continue;
		}
		braced = i + 1 < len && s[i + 1] == '{';
		start = i + 1 + braced;
		i = start;
		while (i < len && (bk__is_alpha(s[i]) || bk__is_digit(s[i]) || s[i] == '_'))
			i++;
		name = s + start;
		nlen = i - start;
		if (braced) {
			if (i >= len || s[i] != '}') {
				fail(b, "unterminated ${...} at column %zu", start - 1);
				return;
			}
			i++;
		}
		if (nlen == 0) {
			lit_add(b, "$", 1);	/* a lone dollar is text, as nginx has it */
			i = start - braced;
			continue;
		}
		snprintf(what, sizeof what, "$%.*s", (int)(nlen < 120 ? nlen : 120), name);
		if ((v = var_find(nginx_vars, sizeof nginx_vars / sizeof nginx_vars[0], name, nlen)) !=
		    NULL) {
			field_from_var(b, v, what);
		} else if (nlen > 5 && memcmp(name, "http_", 5) == 0) {
			const char *k = header_key(name + 5, nlen - 5);

			if (k == NULL)
				key_of("", name + 5, nlen - 5, key, sizeof key);
			field_add(b, BK__T_EXTRA, k != NULL ? k : key, what);
		} else {
			key_of("", name, nlen, key, sizeof key);
			field_add(b, BK__T_EXTRA, key, what);
		}
	}
}

/*
 * A server's format code and what it fills: a target, an extra's key, a
 * duration's scale, and for bytes sent the priority among codes that say
 * it (%O, what went on the wire, over %b and %B).
 */
struct code {
	const char *code;
	uint8_t target;
	const char *key;
	int scale;
	int prio;
};

/* Apache's one-letter codes that need nothing more than this table. */
static const struct code apache_codes[] = {
	{ "h", BK__T_IP, NULL, 0, 0 },
	{ "a", BK__T_IP, NULL, 0, 0 },
	{ "A", BK__T_EXTRA, "server_ip", 0, 0 },
	{ "l", BK__T_EXTRA, "ident", 0, 0 },
	{ "u", BK__T_ACTOR, NULL, 0, 0 },
	{ "r", BK__T_REQUEST, NULL, 0, 0 },
	{ "m", BK__T_METHOD, NULL, 0, 0 },
	{ "U", BK__T_OBJECT, NULL, 0, 0 },
	{ "q", BK__T_QUERY, NULL, 0, 0 },
	{ "H", BK__T_EXTRA, "protocol", 0, 0 },
	{ "s", BK__T_STATUS, NULL, 0, 0 },
	{ "b", BK__T_BYTES_OUT, NULL, 0, 1 },
	{ "B", BK__T_BYTES_OUT, NULL, 0, 1 },
	{ "O", BK__T_BYTES_OUT, NULL, 0, 2 },
	{ "I", BK__T_BYTES_IN, NULL, 0, 0 },
	{ "S", BK__T_EXTRA_NUM, "bytes_transferred", 0, 0 },
	{ "D", BK__T_DURATION, NULL, BK__DUR_US, 0 },
	{ "v", BK__T_EXTRA, "vhost", 0, 0 },
	{ "V", BK__T_EXTRA, "server_name", 0, 0 },
	{ "p", BK__T_EXTRA_NUM, "port", 0, 0 },
	{ "P", BK__T_EXTRA_NUM, "pid", 0, 0 },
	{ "k", BK__T_EXTRA_NUM, "keepalive", 0, 0 },
	{ "X", BK__T_EXTRA, "connection_status", 0, 0 },
	{ "L", BK__T_EXTRA, "log_id", 0, 0 },
	{ "R", BK__T_EXTRA, "handler", 0, 0 },
	{ "f", BK__T_EXTRA, "filename", 0, 0 },
};

/* ---- Apache ------------------------------------------------------------- */

static void
apache_time(struct build *b, const char *arg, size_t alen, const char *what)
{
	char layout[256];

	if (arg == NULL) {
		/* %t writes [22/Nov/2026:10:00:00 +0900], brackets included. */
		lit_add(b, "[", 1);
		field_add(b, BK__T_TS, "clf", what);
		lit_add(b, "]", 1);
		return;
	}
	if (alen >= 6 && memcmp(arg, "begin:", 6) == 0)
		arg += 6, alen -= 6;
	else if (alen >= 4 && memcmp(arg, "end:", 4) == 0)
		arg += 4, alen -= 4;
	if (alen == 3 && memcmp(arg, "sec", 3) == 0)
		field_add(b, BK__T_TS, "epoch", what);
	else if (alen == 4 && memcmp(arg, "msec", 4) == 0)
		field_add(b, BK__T_TS_MS, NULL, what);
	else if (alen == 4 && memcmp(arg, "usec", 4) == 0)
		field_add(b, BK__T_TS_US, NULL, what);
	else if (alen > 5 && memcmp(arg + alen - 5, "_frac", 5) == 0)
		field_add(b, BK__T_SKIP, NULL, what);
	else if (alen < sizeof layout) {
		memcpy(layout, arg, alen);
		layout[alen] = '\0';
		field_add(b, BK__T_TS, layout, what);
	} else
		fail(b, "%s: time layout too long", what);
}

static void
compile_apache(struct build *b, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && b->rc == BK_OK) {
		const char *arg = NULL;
		size_t alen = 0, start = i;
		char c, key[160], what[200];
		size_t ci;
		struct bk__lfield *f = NULL;

		if (s[i] != '%') {
			lit_add(b, &s[i++], 1);
			continue;
		}
		i++;
		if (i < len && s[i] == '%') {
			lit_add(b, "%", 1);
			i++;
			continue;
		}
		/* Modifiers: < > (original or final request), !, status lists. */
		while (i < len && (s[i] == '<' || s[i] == '>' || s[i] == '!' || s[i] == ',' ||
				      bk__is_digit(s[i])))
			i++;
		if (i < len && s[i] == '{') {
			const char *close = memchr(s + i, '}', len - i);

			if (close == NULL) {
				fail(b, "unterminated %%{...} at column %zu", start + 1);
				return;
			}
			arg = s + i + 1;
			alen = (size_t)(close - arg);
			i = (size_t)(close - s) + 1;
		}
		if (i >= len) {
			fail(b, "format ends inside a %% code");
			return;
		}
		c = s[i++];
		if (c == '^' && i + 1 < len)	/* %^ti, %^to: trailers */
			c = 0, i += 2;
		snprintf(what, sizeof what, "%.*s", (int)(i - start < 150 ? i - start : 150), s + start);
		for (ci = 0; ci < sizeof apache_codes / sizeof apache_codes[0]; ci++)
			if (apache_codes[ci].code[0] == c)
				break;
		if (ci < sizeof apache_codes / sizeof apache_codes[0]) {
			const struct code *ac = &apache_codes[ci];

			if ((f = field_add(b, (enum bk__target)ac->target, ac->key, what)) != NULL) {
				f->scale = ac->scale;
				f->prio = ac->prio;
			}
			continue;
		}
		switch (c) {
		case 't':
			apache_time(b, arg, alen, what);
			break;
		case 'T':
			if ((f = field_add(b, BK__T_DURATION, NULL, what)) != NULL)
				f->scale = arg == NULL ? BK__DUR_S :
				    alen == 2 && memcmp(arg, "ms", 2) == 0 ? BK__DUR_MS :
				    alen == 2 && memcmp(arg, "us", 2) == 0 ? BK__DUR_US : BK__DUR_S;
			break;
		case 'i': {
			const char *k = arg != NULL ? header_key(arg, alen) : NULL;

			if (arg == NULL) {
				fail(b, "%s needs a header name, as %%{Referer}i", what);
				break;
			}
			if (k == NULL)
				key_of("", arg, alen, key, sizeof key);
			f = field_add(b, BK__T_EXTRA, k != NULL ? k : key, what);
			break;
		}
		case 'o':
		case 'C':
		case 'e':
		case 'n':
		case 'x':
			if (arg == NULL) {
				fail(b, "%s needs a name in braces", what);
				break;
			}
			key_of(c == 'o' ? "resp_" : c == 'C' ? "cookie_" : c == 'e' ? "env_" :
			    c == 'n' ? "note_" : "x_", arg, alen, key, sizeof key);
			f = field_add(b, BK__T_EXTRA, key, what);
			break;
		default:
			fail(b, "unknown Apache format code %s", what);
			break;
		}
		(void)f;
	}
}

/* ---- Squid -------------------------------------------------------------- */


/* Longest codes first where one is a prefix of another. */
static const struct code squid_codes[] = {
	{ ">Hs", BK__T_STATUS, NULL, 0, 0 },
	{ "<Hs", BK__T_EXTRA_NUM, "upstream_status", 0, 0 },
	{ "Hs", BK__T_STATUS, NULL, 0, 0 },
	{ ">st", BK__T_BYTES_IN, NULL, 0, 0 },
	{ "<st", BK__T_BYTES_OUT, NULL, 0, 0 },
	{ "st", BK__T_EXTRA_NUM, "bytes_total", 0, 0 },
	{ ">sh", BK__T_EXTRA_NUM, "request_header_bytes", 0, 0 },
	{ "<sh", BK__T_EXTRA_NUM, "reply_header_bytes", 0, 0 },
	{ ">rd", BK__T_DST, NULL, 0, 0 },
	{ "<rd", BK__T_DST, NULL, 0, 0 },
	{ ">rm", BK__T_METHOD, NULL, 0, 0 },
	{ "<rm", BK__T_METHOD, NULL, 0, 0 },
	{ ">ru", BK__T_URL, NULL, 0, 0 },
	{ "<ru", BK__T_URL, NULL, 0, 0 },
	{ ">rp", BK__T_OBJECT, NULL, 0, 0 },
	{ ">rs", BK__T_EXTRA, "scheme", 0, 0 },
	{ ">rP", BK__T_EXTRA_NUM, "dst_port", 0, 0 },
	{ ">rv", BK__T_EXTRA, "protocol", 0, 0 },
	{ ">la", BK__T_EXTRA, "local_ip", 0, 0 },
	{ ">lp", BK__T_EXTRA_NUM, "local_port", 0, 0 },
	{ "<la", BK__T_EXTRA, "upstream_local_ip", 0, 0 },
	{ "<lp", BK__T_EXTRA_NUM, "upstream_local_port", 0, 0 },
	{ ">eui", BK__T_EXTRA, "client_eui", 0, 0 },
	{ ">a", BK__T_IP, NULL, 0, 0 },
	{ ">A", BK__T_EXTRA, "client_fqdn", 0, 0 },
	{ ">p", BK__T_EXTRA_NUM, "client_port", 0, 0 },
	{ "<a", BK__T_EXTRA, "server_ip", 0, 0 },
	{ "<A", BK__T_EXTRA, "server", 0, 0 },
	{ "<p", BK__T_EXTRA_NUM, "server_port", 0, 0 },
	{ "la", BK__T_EXTRA, "local_ip", 0, 0 },
	{ "lp", BK__T_EXTRA_NUM, "local_port", 0, 0 },
	{ "ts", BK__T_TS, "epoch", 0, 0 },
	{ "tu", BK__T_SKIP, NULL, 0, 0 },
	{ "tl", BK__T_TS, "clf", 0, 0 },
	{ "tg", BK__T_TS, "clf", 0, 0 },
	{ "tr", BK__T_DURATION, NULL, BK__DUR_MS, 0 },
	{ "dt", BK__T_EXTRA_NUM, "dns_ms", 0, 0 },
	{ "un", BK__T_ACTOR, NULL, 0, 0 },
	{ "ul", BK__T_ACTOR, NULL, 0, 0 },
	{ "ue", BK__T_ACTOR, NULL, 0, 0 },
	{ "us", BK__T_ACTOR, NULL, 0, 0 },
	{ "ui", BK__T_EXTRA, "ident", 0, 0 },
	{ "Ss", BK__T_EXTRA, "squid_status", 0, 0 },
	{ "Sh", BK__T_EXTRA, "hierarchy", 0, 0 },
	{ "mt", BK__T_EXTRA, "mime_type", 0, 0 },
	{ "rm", BK__T_METHOD, NULL, 0, 0 },
	{ "ru", BK__T_URL, NULL, 0, 0 },
	{ "rp", BK__T_OBJECT, NULL, 0, 0 },
	{ "rv", BK__T_EXTRA, "protocol", 0, 0 },
	{ "rd", BK__T_DST, NULL, 0, 0 },
	{ "sn", BK__T_EXTRA_NUM, "sequence", 0, 0 },
	{ "err_code", BK__T_EXTRA, "err_code", 0, 0 },
	{ "err_detail", BK__T_EXTRA, "err_detail", 0, 0 },
	{ "ea", BK__T_EXTRA, "external_acl", 0, 0 },
};

static void
compile_squid(struct build *b, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && b->rc == BK_OK) {
		const char *arg = NULL;
		size_t alen = 0, start = i;
		bool pad = false, dquote = false;
		const struct code *c = NULL;
		char key[160], what[200];
		struct bk__lfield *f;

		if (s[i] != '%') {
			lit_add(b, &s[i++], 1);
			continue;
		}
		i++;
		if (i < len && s[i] == '%') {
			lit_add(b, "%", 1);
			i++;
			continue;
		}
		/* % [encoding] [-] [[0]width] [.max] [{arg}] code [{arg}] */
		if (i < len && strchr("\"['#/", s[i]) != NULL && s[i] != '\0')
			dquote = s[i++] == '"';
		if (i < len && s[i] == '-')
			i++;
		while (i < len && bk__is_digit(s[i]))
			pad = true, i++;
		if (i < len && s[i] == '.')
			for (i++; i < len && bk__is_digit(s[i]); i++)
				;
		if (i < len && s[i] == '{') {
			const char *close = memchr(s + i, '}', len - i);

			if (close == NULL) {
				fail(b, "unterminated %%{...} at column %zu", start + 1);
				return;
			}
			arg = s + i + 1;
			alen = (size_t)(close - arg);
			i = (size_t)(close - s) + 1;
		}
		if (i + 2 <= len && (s[i] == '>' || s[i] == '<') && s[i + 1] == 'h') {
			/* %{Header}>h, %{Header}<h: request and reply headers. */
			const char *k = arg != NULL && s[i] == '>' ? header_key(arg, alen) : NULL;

			i += 2;
			if (arg == NULL)
				snprintf(key, sizeof key, "%s", s[i - 2] == '>' ? "request_headers" :
				    "reply_headers");
			else if (k == NULL)
				key_of(s[i - 2] == '>' ? "" : "resp_", arg, alen, key, sizeof key);
			snprintf(what, sizeof what, "%.*s", (int)(i - start < 150 ? i - start : 150),
			    s + start);
			if (dquote)
				lit_add(b, "\"", 1);
			if ((f = field_add(b, BK__T_EXTRA, k != NULL ? k : key, what)) != NULL)
				f->pad = pad;
			if (dquote)
				lit_add(b, "\"", 1);
			continue;
		}
		for (size_t k = 0; k < sizeof squid_codes / sizeof squid_codes[0]; k++) {
			size_t n = strlen(squid_codes[k].code);

			if (n <= len - i && memcmp(s + i, squid_codes[k].code, n) == 0 &&
			    (c == NULL || n > strlen(c->code)))
				c = &squid_codes[k];
		}
		if (c == NULL) {
			size_t e = i;

			while (e < len && !bk__is_space(s[e]) && e - i < 20)
				e++;
			fail(b, "unknown Squid format code %%%.*s", (int)(e - start - 1), s + start + 1);
			return;
		}
		i += strlen(c->code);
		if (i < len && s[i] == '{') {	/* the argument may follow the code */
			const char *close = memchr(s + i, '}', len - i);

			if (close != NULL)
				i = (size_t)(close - s) + 1;
		}
		snprintf(what, sizeof what, "%.*s", (int)(i - start < 150 ? i - start : 150), s + start);
		/* %ts.%03tu is one time: seconds and milliseconds. */
		if (strcmp(c->code, "ts") == 0) {
			static const char *const ms[] = { ".%03tu", ".%tu", ".%3tu" };

			for (size_t k = 0; k < 3; k++)
				if (len - i >= strlen(ms[k]) && memcmp(s + i, ms[k], strlen(ms[k])) == 0) {
					i += strlen(ms[k]);
					break;
				}
		}
		if (dquote)
			lit_add(b, "\"", 1);
		if ((f = field_add(b, c->target, c->key, what)) != NULL) {
			f->pad = pad || c->target == BK__T_TS;	/* %9ld.%03d: padded */
			f->scale = c->scale;
		}
		if (dquote)
			lit_add(b, "\"", 1);
	}
}

/* ---- the public face of this file -------------------------------------- */

int
bk__notation_parse(const char *s)
{
	if (strcmp(s, "nginx") == 0)
		return BK__NOTE_NGINX;
	if (strcmp(s, "apache") == 0)
		return BK__NOTE_APACHE;
	if (strcmp(s, "squid") == 0)
		return BK__NOTE_SQUID;
	return -1;
}

const char *
bk__notation_name(enum bk__notation note)
{
	return note == BK__NOTE_NGINX ? "nginx" : note == BK__NOTE_APACHE ? "apache" : "squid";
}

enum bk__escape
bk__notation_escape(enum bk__notation note)
{
	return note == BK__NOTE_NGINX ? BK__ESC_HEX : BK__ESC_BACKSLASH;
}

void
bk__layout_free(struct bk__layout *lo)
{
	if (lo == NULL)
		return;
	for (size_t i = 0; i < lo->n; i++) {
		free(lo->f[i].name);
		free(lo->f[i].lit);
	}
	free(lo->f);
	free(lo->lead);
	memset(lo, 0, sizeof *lo);
}

int
bk__layout_compile(struct bk__layout *lo, enum bk__notation note, enum bk__escape esc,
    const char *text, size_t len, char **err)
{
	struct build b = { .lo = lo, .esc = esc, .err = err, .rc = BK_OK };

	*err = NULL;
	lo->note = note;
	switch (note) {
	case BK__NOTE_NGINX:
		compile_nginx(&b, text, len);
		break;
	case BK__NOTE_APACHE:
		compile_apache(&b, text, len);
		break;
	case BK__NOTE_SQUID:
		compile_squid(&b, text, len);
		break;
	}
	finish(&b);
	free(b.lit);
	if (b.rc != BK_OK) {
		bk__layout_free(lo);
		return b.rc;
	}
	for (size_t i = 0; i < lo->n; i++) {
		struct bk__lfield *f = &lo->f[i];

		f->counted = f->quoted && (f->esc == BK__ESC_BACKSLASH || f->esc == BK__ESC_JSON);
		f->scan2 = f->quoted && f->esc != BK__ESC_NONE && f->litlen > 0 && f->lit[0] != '\\';
		f->litw = f->litm = 0;
		if (f->litlen <= 4) {
			memcpy(&f->litw, f->lit, f->litlen);
			memset(&f->litm, 0xFF, f->litlen);
		}
	}
	return BK_OK;
}

/* ---- predefined formats ------------------------------------------------- */

static const struct {
	enum bk__notation note;
	const char *name, *text;
} predefined[] = {
	{ BK__NOTE_NGINX, "combined",
	    "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
	    "\"$http_referer\" \"$http_user_agent\"" },
	/* As Debian's /etc/apache2/apache2.conf defines them (%O, not %b). */
	{ BK__NOTE_APACHE, "vhost_combined",
	    "%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" },
	{ BK__NOTE_APACHE, "combined", "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"" },
	{ BK__NOTE_APACHE, "common", "%h %l %u %t \"%r\" %>s %O" },
	{ BK__NOTE_APACHE, "referer", "%{Referer}i -> %U" },
	{ BK__NOTE_APACHE, "agent", "%{User-agent}i" },
	{ BK__NOTE_SQUID, "squid", "%ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt" },
	{ BK__NOTE_SQUID, "common", "%>a %[ui %[un [%tl] \"%rm %ru HTTP/%rv\" %>Hs %<st %Ss:%Sh" },
	{ BK__NOTE_SQUID, "combined",
	    "%>a %[ui %[un [%tl] \"%rm %ru HTTP/%rv\" %>Hs %<st \"%{Referer}>h\" "
	    "\"%{User-Agent}>h\" %Ss:%Sh" },
	{ BK__NOTE_SQUID, "referrer", "%ts.%03tu %>a %{Referer}>h %ru" },
	{ BK__NOTE_SQUID, "useragent", "%>a [%tl] \"%{User-Agent}>h\"" },
};

/* ---- config files ------------------------------------------------------- */

#define MAX_DEPTH 16
#define MAX_CONF ((size_t)64 << 20)

struct find {
	enum bk__notation note;
	const char *name;
	char *text;		/* found */
	enum bk__escape esc;
	char **err;
	int rc;			/* BK_EOF until found */
};

static int set_err(char **err, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
set_err(char **err, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*err = bk__verrf(fmt, ap);
	va_end(ap);
	return *err != NULL ? rc : BK_NOMEM;
}

/* Reads PATH whole (NUL-terminated); BK_OK, BK_ERROR with *ERR, BK_NOMEM. */
static int
slurp(const char *path, char **data, size_t *len, char **err)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0, got;

	if (fp == NULL)
		return set_err(err, BK_ERROR, "%s: %s", path, strerror(errno));
	do {
		if (bk__grow(&buf, &cap, n + 65536, 1) != BK_OK) {
			fclose(fp);
			free(buf);
			return BK_NOMEM;
		}
		got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
	} while (got > 0 && n < MAX_CONF);
	if (ferror(fp)) {
		int e = errno;

		fclose(fp);
		free(buf);
		return set_err(err, BK_ERROR, "%s: %s", path, strerror(e));
	}
	fclose(fp);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return BK_OK;
}

static void conf_file(struct find *fd, const char *path, int depth);

/* An include: a glob, relative to the directory of the including file. */
static void
conf_include(struct find *fd, const char *from, const char *pattern, int depth)
{
	char *full = NULL;
	glob_t g;

	if (pattern[0] == '/')
		full = strdup(pattern);
	else {
		const char *slash = strrchr(from, '/');
		int dl = slash != NULL ? (int)(slash - from) : 1;

		if (asprintf(&full, "%.*s/%s", dl, slash != NULL ? from : ".", pattern) < 0)
			full = NULL;
	}
	if (full == NULL) {
		fd->rc = BK_NOMEM;
		return;
	}
	if (glob(full, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && fd->rc == BK_EOF; i++)
			conf_file(fd, g.gl_pathv[i], depth + 1);
		globfree(&g);
	}
	free(full);
}

/*
 * The next nginx token at *P: a word, a quoted string (quotes removed,
 * \" \' \\ undone) or one of ; { }. Comments are skipped. Writes the token
 * to OUT (its size is the config's length + 1, enough for any token).
 */
static int
nginx_token(const char **pp, char *out, bool *quoted)
{
	const char *p = *pp;
	size_t n = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (*p != '#')
			break;
		while (*p != '\0' && *p != '\n')
			p++;
	}
	*quoted = false;
	if (*p == '\0')
		return 0;
	if (*p == ';' || *p == '{' || *p == '}') {
		out[0] = *p++;
		out[1] = '\0';
		*pp = p;
		return 1;
	}
	if (*p == '"' || *p == '\'') {
		char q = *p++;

		*quoted = true;
		while (*p != '\0' && *p != q) {
			if (*p == '\\' && (p[1] == q || p[1] == '\\' || p[1] == '"' || p[1] == '\''))
				p++;
			out[n++] = *p++;
		}
		if (*p == q)
			p++;
	} else {
		while (*p != '\0' && !bk__is_space(*p) && *p != '\n' && *p != ';' && *p != '{' &&
		    *p != '}')
			out[n++] = *p++;
	}
	out[n] = '\0';
	*pp = p;
	return 1;
}

static void
conf_nginx(struct find *fd, const char *path, const char *data, size_t len, int depth)
{
	char *tok = malloc(len + 2), *text = NULL;
	const char *p = data;
	size_t tlen = 0;
	int argc = -1;	/* -1: expecting a directive name */
	enum { NONE, INCLUDE, LOGFMT, LOGFMT_OTHER } what = NONE;
	bool quoted;

	if (tok == NULL) {
		fd->rc = BK_NOMEM;
		return;
	}
	while (fd->rc == BK_EOF && nginx_token(&p, tok, &quoted)) {
		if (!quoted && (strcmp(tok, ";") == 0 || strcmp(tok, "{") == 0 ||
				   strcmp(tok, "}") == 0)) {
			if (what == LOGFMT && text != NULL) {
				fd->text = text;
				text = NULL;
				fd->rc = BK_OK;
			}
			argc = -1;
			what = NONE;
			continue;
		}
		argc++;
		if (argc == 0) {
			what = strcmp(tok, "include") == 0 ? INCLUDE :
			    strcmp(tok, "log_format") == 0 ? LOGFMT_OTHER : NONE;
			continue;
		}
		if (what == INCLUDE && argc == 1)
			conf_include(fd, path, tok, depth);
		else if (what == LOGFMT_OTHER && argc == 1 && strcmp(tok, fd->name) == 0) {
			what = LOGFMT;
			fd->esc = BK__ESC_HEX;
			free(text);
			text = NULL;
			tlen = 0;
		} else if (what == LOGFMT && argc == 2 && !quoted && strncmp(tok, "escape=", 7) == 0) {
			fd->esc = strcmp(tok + 7, "json") == 0 ? BK__ESC_JSON :
			    strcmp(tok + 7, "none") == 0 ? BK__ESC_NONE : BK__ESC_HEX;
		} else if (what == LOGFMT) {
			size_t n = strlen(tok);
			char *t = realloc(text, tlen + n + 1);

			if (t == NULL) {
				fd->rc = BK_NOMEM;
				break;
			}
			text = t;
			memcpy(text + tlen, tok, n + 1);
			tlen += n;
		}
	}
	free(text);
	free(tok);
}

/* Apache arguments: words, or "..." with \" and \\ undone. */
static size_t
apache_args(char *line, char **argv, size_t max)
{
	size_t argc = 0;
	char *p = line;

	while (argc < max) {
		char *out;

		while (bk__is_space(*p))
			p++;
		if (*p == '\0' || *p == '#')
			break;
		argv[argc++] = out = p;
		if (*p == '"') {
			p++;
			argv[argc - 1] = out = p;
			while (*p != '\0' && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				*out++ = *p++;
			}
		} else {
			while (*p != '\0' && !bk__is_space(*p))
				*out++ = *p++;
		}
		if (*p != '\0')
			p++;
		*out = '\0';
	}
	return argc;
}

static void
conf_lines(struct find *fd, const char *path, char *data, int depth)
{
	char *line = data;

	while (line != NULL && fd->rc == BK_EOF) {
		char *nl = strchr(line, '\n'), *argv[4];
		size_t argc;

		/*
		 * Apache continues a line that ends in a backslash: the backslash,
		 * the line end and the next line's indentation go.
		 */
		while (fd->note == BK__NOTE_APACHE && nl != NULL && nl > line &&
		    (nl[-1] == '\\' || (nl[-1] == '\r' && nl - 1 > line && nl[-2] == '\\'))) {
			char *bs = nl[-1] == '\\' ? nl - 1 : nl - 2, *next = nl + 1;

			while (*next == ' ' || *next == '\t')
				next++;
			memmove(bs, next, strlen(next) + 1);
			nl = strchr(bs, '\n');
		}
		if (nl != NULL)
			*nl = '\0';
		if (fd->note == BK__NOTE_SQUID) {
			char *p = line, *name, *e;

			while (bk__is_space(*p))
				p++;
			if (strncmp(p, "include", 7) == 0 && bk__is_space(p[7])) {
				for (p += 8; bk__is_space(*p); p++)
					;
				for (e = p + strlen(p); e > p && bk__is_space(e[-1]); e--)
					*(e - 1) = '\0';
				conf_include(fd, path, p, depth);
			} else if (strncmp(p, "logformat", 9) == 0 && bk__is_space(p[9])) {
				for (p += 10; bk__is_space(*p); p++)
					;
				name = p;
				while (*p != '\0' && !bk__is_space(*p))
					p++;
				if (*p != '\0')
					*p++ = '\0';
				while (bk__is_space(*p))
					p++;
				for (e = p + strlen(p); e > p && bk__is_space(e[-1]); e--)
					*(e - 1) = '\0';
				if (strcmp(name, fd->name) == 0) {
					if ((fd->text = strdup(p)) == NULL)
						fd->rc = BK_NOMEM;
					else {
						fd->esc = BK__ESC_BACKSLASH;
						fd->rc = BK_OK;
					}
				}
			}
		} else {
			argc = apache_args(line, argv, 4);
			if (argc >= 2 && (strcasecmp(argv[0], "Include") == 0 ||
					     strcasecmp(argv[0], "IncludeOptional") == 0))
				conf_include(fd, path, argv[1], depth);
			else if (argc >= 3 && strcasecmp(argv[0], "LogFormat") == 0 &&
			    strcmp(argv[2], fd->name) == 0) {
				if ((fd->text = strdup(argv[1])) == NULL)
					fd->rc = BK_NOMEM;
				else {
					fd->esc = BK__ESC_BACKSLASH;
					fd->rc = BK_OK;
				}
			}
		}
		line = nl != NULL ? nl + 1 : NULL;
	}
}

static void
conf_file(struct find *fd, const char *path, int depth)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (depth > MAX_DEPTH) {
		fd->rc = set_err(fd->err, BK_ERROR, "%s: includes nested too deep", path);
		return;
	}
	if ((rc = slurp(path, &data, &len, fd->err)) != BK_OK) {
		/* An unreadable included file is skipped, as the servers' globs do; the main one is an error. */
		if (depth == 0 || rc == BK_NOMEM)
			fd->rc = rc;
		else {
			free(*fd->err);
			*fd->err = NULL;
		}
		return;
	}
	if (fd->note == BK__NOTE_NGINX)
		conf_nginx(fd, path, data, len, depth);
	else
		conf_lines(fd, path, data, depth);
	free(data);
}

int
bk__directive_find(enum bk__notation note, const char *conf, const char *name, char **text,
    enum bk__escape *esc, char **err)
{
	struct find fd = { .note = note, .name = name, .err = err, .rc = BK_EOF };

	*err = NULL;
	*text = NULL;
	if (conf != NULL) {
		conf_file(&fd, conf, 0);
		if (fd.rc == BK_OK) {
			*text = fd.text;
			*esc = fd.esc;
		}
		/* nginx's combined is built in and may be used without being defined. */
		if (fd.rc != BK_EOF || !(note == BK__NOTE_NGINX && strcmp(name, "combined") == 0))
			return fd.rc;
	}
	for (size_t i = 0; i < sizeof predefined / sizeof predefined[0]; i++)
		if (predefined[i].note == note && strcmp(predefined[i].name, name) == 0) {
			if ((*text = strdup(predefined[i].text)) == NULL)
				return BK_NOMEM;
			*esc = bk__notation_escape(note);
			return BK_OK;
		}
	return BK_EOF;
}
