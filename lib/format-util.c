/*
 * format-util.c - the helpers the code formats share (see
 * format-util-private.h): event building, SQL and times through the sql and
 * timefmt modules, a CSV splitter, a JSON leaf walker and the field maps of
 * the generic json and csv formats. Nothing here allocates per line: the
 * buffers grow to the largest entry and are reused.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format-util-private.h"

/* ---- growable text ------------------------------------------------------ */

void
bk__text_free(struct bk__text *t)
{
	free(t->data);
	t->data = NULL;
	t->len = t->cap = 0;
}

int
bk__text_reserve(struct bk__text *t, size_t n)
{
	size_t want, cap;
	char *p;

	if (t->cap - t->len >= n)
		return BK_OK;
	if (n > SIZE_MAX / 2 - t->len)
		return BK_NOMEM;
	want = t->len + n;
	cap = t->cap != 0 ? t->cap : 256;
	while (cap < want)
		cap *= 2;
	p = realloc(t->data, cap);
	if (p == NULL)
		return BK_NOMEM;
	t->data = p;
	t->cap = cap;
	return BK_OK;
}

int
bk__text_add(struct bk__text *t, const void *s, size_t n)
{
	if (bk__text_reserve(t, n) != BK_OK)
		return BK_NOMEM;
	if (n > 0)
		memcpy(t->data + t->len, s, n);
	t->len += n;
	return BK_OK;
}

/* ---- spans ----------------------------------------------------------------- */

bk_span
bk__trim(bk_span s)
{
	if (s.ptr == NULL)
		return s;
	while (s.len > 0 && (s.ptr[0] == ' ' || s.ptr[0] == '\t'))
		s.ptr++, s.len--;
	while (s.len > 0 && (s.ptr[s.len - 1] == ' ' || s.ptr[s.len - 1] == '\t'))
		s.len--;
	return s;
}

int64_t
bk__span_uint(bk_span s)
{
	int64_t v = 0;

	if (s.ptr == NULL || s.len == 0 || s.len > 18)
		return -1;
	for (size_t i = 0; i < s.len; i++) {
		if (!bk__is_digit(s.ptr[i]))
			return -1;
		v = v * 10 + (s.ptr[i] - '0');
	}
	return v;
}

/* ---- building events --------------------------------------------------- */

void
bk__evb_reset(struct bk__evb *b, const bk_parser *p, uint64_t line)
{
	bk_event_clear(&b->ev);
	b->ev.format = p->ops->name;
	b->ev.file = p->file;
	b->ev.line = line;
	b->ev.extra = b->extra;
	b->ev.ids = b->ids;
	b->nnum = 0;
	b->url = (bk_span){ NULL, 0 };
}

void
bk__evb_url(struct bk__evb *b, const bk_urlids *ux)
{
	const char *s = b->url.ptr, *end = s + b->url.len, *q;

	if (s == NULL)
		return;
	/* An absolute URL (a proxy's): the path starts after the host. */
	if ((q = memmem(s, b->url.len, "://", 3)) != NULL) {
		const char *host = q + 3, *slash = memchr(host, '/', (size_t)(end - host));

		s = slash != NULL ? slash : end;
	}
	for (q = s; q < end && *q != '?' && *q != '#'; q++)
		;
	if (b->ev.str[BK_EV_OBJECT].ptr == NULL && q > s)
		b->ev.str[BK_EV_OBJECT] = (bk_span){ s, (size_t)(q - s) };
	if (b->ev.str[BK_EV_ACTION].ptr == NULL && b->ev.str[BK_EV_METHOD].ptr != NULL) {
		bk_span m = b->ev.str[BK_EV_METHOD];

		for (const struct bk__method_action *t = bk__web_actions; t->method != NULL; t++)
			if (strlen(t->method) == m.len && memcmp(t->method, m.ptr, m.len) == 0) {
				b->ev.str[BK_EV_ACTION] = bk__span(t->action, strlen(t->action));
				break;
			}
	}
	if (b->ev.nids == 0 && ux != NULL && end > s) {
		size_t n = bk_urlids_find(ux, s, (size_t)(end - s), b->ids, BK__EVB_IDS);

		b->ev.nids = n < BK__EVB_IDS ? n : BK__EVB_IDS;
	}
}

void
bk__evb_extra(struct bk__evb *b, const char *key, bk_span s, bool number)
{
	bk_event_extra *x;

	if (s.ptr == NULL || s.len == 0 || b->ev.nextra >= BK__EVB_EXTRA)
		return;
	x = &b->extra[b->ev.nextra++];
	x->key = key;
	x->val = s;
	x->number = number;
}

void
bk__evb_extra_num(struct bk__evb *b, const char *key, int64_t v)
{
	int n;

	if (b->nnum >= sizeof b->num / sizeof b->num[0])
		return;
	n = snprintf(b->num[b->nnum], sizeof b->num[0], "%lld", (long long)v);
	bk__evb_extra(b, key, bk__span(b->num[b->nnum], (size_t)n), true);
	b->nnum++;
}

void
bk__evb_id(struct bk__evb *b, bk_span id)
{
	if (id.ptr != NULL && id.len > 0 && b->ev.nids < BK__EVB_IDS)
		b->ids[b->ev.nids++] = id;
}

const char *
bk__stmt_action(enum bk_stmt_kind k)
{
	switch (k) {
	case BK_STMT_SELECT:
		return "read";
	case BK_STMT_COPY_OUT:
	case BK_STMT_OUTFILE:
	case BK_STMT_DUMP:
		return "export";
	case BK_STMT_INSERT:
	case BK_STMT_UPDATE:
		return "write";
	case BK_STMT_DELETE:
		return "delete";
	case BK_STMT_DDL:
	case BK_STMT_OTHER:
		break;
	}
	return NULL;
}

int
bk__evb_sql(struct bk__evb *b, const char *sql, size_t len, struct bk__text *tables)
{
	struct bk_sql_info info;
	const char *name, *action;

	bk_sql_classify(sql, len, &info, b->ids + b->ev.nids, BK__EVB_IDS - b->ev.nids);
	b->ev.nids += info.nids;
	name = bk_stmt_name(info.kind);
	b->ev.str[BK_EV_STMT] = bk__span(name, strlen(name));
	action = bk__stmt_action(info.kind);
	if (action != NULL && b->ev.str[BK_EV_ACTION].ptr == NULL)
		b->ev.str[BK_EV_ACTION] = bk__span(action, strlen(action));
	b->ev.where = info.where || info.limit;
	if (info.ntables > 0 && b->ev.str[BK_EV_OBJECT].ptr == NULL)
		b->ev.str[BK_EV_OBJECT] = info.tables[0];
	if (info.ntables > 1) {
		size_t need = 0, start;

		for (size_t i = 0; i < info.ntables; i++)
			need += info.tables[i].len + 1;
		/* Reserved whole first: earlier spans into TABLES must not move. */
		if (bk__text_reserve(tables, need) != BK_OK)
			return BK_NOMEM;
		start = tables->len;
		for (size_t i = 0; i < info.ntables; i++) {
			if (i > 0)
				tables->data[tables->len++] = ',';
			memcpy(tables->data + tables->len, info.tables[i].ptr, info.tables[i].len);
			tables->len += info.tables[i].len;
		}
		bk__evb_extra(b, "tables", bk__span(tables->data + start, tables->len - start), false);
	}
	if (info.has_range) {
		bk__evb_extra_num(b, "id_from", info.range_lo);
		bk__evb_extra_num(b, "id_to", info.range_hi);
	}
	return BK_OK;
}

size_t
bk__time(const bk_parser *p, const bk_timefmt *f, const char *s, size_t len, int64_t *ms)
{
	struct bk_tm tm;
	size_t used;

	memset(&tm, 0, sizeof tm);
	used = bk_timefmt_parse(f, s, len, &tm);
	if (used == 0)
		return 0;
	*ms = bk_years_to_ms(p->years, &tm, p->tz);
	bk__clock_note(p->clock, &tm);
	return used;
}

void
bk__clock_note(bk_clock *c, const struct bk_tm *t)
{
	if (!t->has_year)
		c->yearless++;
	if (t->epoch)
		return;
	if (!t->has_off) {
		c->naive++;
		return;
	}
	c->zoned++;
	for (size_t i = 0; i < BK_CLOCK_OFFSETS; i++) {
		if (c->offsets[i].n == 0)
			c->offsets[i].off = t->off;
		if (c->offsets[i].off == t->off) {
			c->offsets[i].n++;
			return;
		}
	}
	/* A fifth offset in one input: too rare to weigh. */
}

int64_t
bk__time_span(const bk_parser *p, const bk_timefmt *f, bk_span s)
{
	int64_t ms = BK_EVENT_NONE;

	if (s.ptr == NULL || s.len == 0 || bk__time(p, f, s.ptr, s.len, &ms) != s.len)
		return BK_EVENT_NONE;
	return ms;
}

/* ---- CSV ----------------------------------------------------------------- */

bool
bk__csv_open(const char *s, size_t n, char quote, char sep, bool in_quote)
{
	bool field_start = !in_quote;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (in_quote) {
			if (c == quote) {
				if (i + 1 < n && s[i + 1] == quote)
					i++;
				else
					in_quote = false;
			}
		} else if (c == quote && field_start) {
			in_quote = true;
		}
		field_start = !in_quote && c == sep;
	}
	return in_quote;
}

size_t
bk__csv_split(const char *s, size_t n, char sep, char quote, bk_span *fields, size_t cap,
    struct bk__text *unq)
{
	size_t i = 0, nf = 0;

	for (;;) {
		bk_span f;

		if (i < n && s[i] == quote) {
			size_t j = i + 1;
			bool doubled = false;

			while (j < n) {
				if (s[j] == quote) {
					if (j + 1 < n && s[j + 1] == quote) {
						doubled = true;
						j += 2;
						continue;
					}
					break;
				}
				j++;
			}
			if (j + 1 < n && s[j + 1] != sep) {
				/* Text after the closing quote: the field as written. */
				const char *e = memchr(s + j, sep, n - j);

				j = e != NULL ? (size_t)(e - s) : n;
				f = bk__span(s + i, j - i);
				i = j;
			} else {
				f = bk__span(s + i + 1, (j < n ? j : n) - i - 1);
				if (doubled) {
					char *o = unq->data + unq->len;
					size_t k = 0;

					for (size_t m = 0; m < f.len; m++) {
						o[k++] = f.ptr[m];
						if (f.ptr[m] == quote && m + 1 < f.len && f.ptr[m + 1] == quote)
							m++;
					}
					unq->len += k;
					f = bk__span(o, k);
				}
				i = j < n ? j + 1 : n;
			}
		} else {
			const char *e = memchr(s + i, sep, n - i);
			size_t j = e != NULL ? (size_t)(e - s) : n;

			f = bk__span(s + i, j - i);
			i = j;
		}
		if (nf < cap)
			fields[nf] = f;
		nf++;
		if (i >= n)
			break;
		i++;	/* the separator */
		if (i == n) {
			/* A trailing separator: one more, empty field. */
			if (nf < cap)
				fields[nf] = bk__span(s + n, 0);
			nf++;
			break;
		}
	}
	return nf;
}

/* ---- JSON ----------------------------------------------------------------- */

struct jwalk {
	const char *s, *end;
	struct bk__text *unq;
	bk__json_leaf_fn fn;
	void *ctx;
	char path[256];
	size_t plen;
	int depth;
	bool skip;		/* the current path did not fit */
};

static void
jw_space(struct jwalk *w)
{
	while (w->s < w->end && (*w->s == ' ' || *w->s == '\t' || *w->s == '\r' || *w->s == '\n'))
		w->s++;
}

static size_t
put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A string at w->s (the opening quote), unescaped when it has escapes. */
static int
jw_string(struct jwalk *w, bk_span *out)
{
	const char *p = w->s + 1, *start = p;
	bool esc = false;
	char *o;
	size_t k = 0;

	while (p < w->end && *p != '"') {
		if (*p == '\\') {
			esc = true;
			p++;
		}
		p++;
	}
	if (p >= w->end)
		return BK_ERROR;
	w->s = p + 1;
	if (!esc) {
		*out = bk__span(start, (size_t)(p - start));
		return BK_OK;
	}
	o = w->unq->data + w->unq->len;
	for (const char *q = start; q < p; q++) {
		uint32_t cp;
		int h;

		if (*q != '\\') {
			o[k++] = *q;
			continue;
		}
		switch (*++q) {
		case 'b': o[k++] = '\b'; break;
		case 'f': o[k++] = '\f'; break;
		case 'n': o[k++] = '\n'; break;
		case 'r': o[k++] = '\r'; break;
		case 't': o[k++] = '\t'; break;
		case 'u':
			if (p - q < 5 || (h = bk__hex4(q + 1)) < 0)
				return BK_ERROR;
			q += 4;
			cp = (uint32_t)h;
			if (cp >= 0xd800 && cp <= 0xdbff && p - q >= 7 && q[1] == '\\' &&
			    q[2] == 'u' && (h = bk__hex4(q + 3)) >= 0xdc00 && h <= 0xdfff) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + ((uint32_t)h - 0xdc00);
				q += 6;
			} else if (cp >= 0xd800 && cp <= 0xdfff) {
				cp = 0xfffd;	/* a lone surrogate */
			}
			k += put_utf8(o + k, cp);
			break;
		default:
			o[k++] = *q;	/* \" \\ \/ and, leniently, anything */
			break;
		}
	}
	w->unq->len += k;
	*out = bk__span(o, k);
	return BK_OK;
}

/* Skips a balanced array at w->s ('['), strings respected. */
static int
jw_skip_array(struct jwalk *w)
{
	int depth = 0;

	for (const char *p = w->s; p < w->end; p++) {
		if (*p == '"') {
			for (p++; p < w->end && *p != '"'; p++)
				if (*p == '\\')
					p++;
			if (p >= w->end)
				return BK_ERROR;
		} else if (*p == '[' || *p == '{') {
			depth++;
		} else if (*p == ']' || *p == '}') {
			if (--depth == 0) {
				w->s = p + 1;
				return BK_OK;
			}
		}
	}
	return BK_ERROR;
}

static int jw_object(struct jwalk *w);

static int
jw_leaf(struct jwalk *w, bk_span v, enum bk__json_type t)
{
	if (w->skip)
		return BK_OK;
	return w->fn(w->ctx, w->path, w->plen, v, t);
}

static int
jw_value(struct jwalk *w)
{
	const char *start = w->s;
	bk_span v;
	int rc;

	if (w->s >= w->end)
		return BK_ERROR;
	switch (*w->s) {
	case '"':
		if ((rc = jw_string(w, &v)) != BK_OK)
			return rc;
		return jw_leaf(w, v, BK__JSON_STRING);
	case '{':
		return jw_object(w);
	case '[':
		if ((rc = jw_skip_array(w)) != BK_OK)
			return rc;
		return jw_leaf(w, bk__span(start, (size_t)(w->s - start)), BK__JSON_ARRAY);
	case 't':
		if (w->end - w->s < 4 || memcmp(w->s, "true", 4) != 0)
			return BK_ERROR;
		w->s += 4;
		return jw_leaf(w, bk__span(start, 4), BK__JSON_TRUE);
	case 'f':
		if (w->end - w->s < 5 || memcmp(w->s, "false", 5) != 0)
			return BK_ERROR;
		w->s += 5;
		return jw_leaf(w, bk__span(start, 5), BK__JSON_FALSE);
	case 'n':
		if (w->end - w->s < 4 || memcmp(w->s, "null", 4) != 0)
			return BK_ERROR;
		w->s += 4;
		return jw_leaf(w, bk__span(start, 4), BK__JSON_NULL);
	default:
		if (*w->s == '-')
			w->s++;
		if (w->s >= w->end || !bk__is_digit(*w->s))
			return BK_ERROR;
		while (w->s < w->end && (bk__is_digit(*w->s) || *w->s == '.' || *w->s == 'e' ||
		    *w->s == 'E' || *w->s == '+' || *w->s == '-'))
			w->s++;
		return jw_leaf(w, bk__span(start, (size_t)(w->s - start)), BK__JSON_NUMBER);
	}
}

static int
jw_object(struct jwalk *w)
{
	size_t plen0 = w->plen;
	bool skip0 = w->skip;
	int rc;

	if (++w->depth > 16)
		return BK_ERROR;
	w->s++;	/* '{' */
	jw_space(w);
	if (w->s < w->end && *w->s == '}') {
		w->s++;
		w->depth--;
		return BK_OK;
	}
	for (;;) {
		bk_span key;
		size_t need;

		jw_space(w);
		if (w->s >= w->end || *w->s != '"')
			return BK_ERROR;
		if ((rc = jw_string(w, &key)) != BK_OK)
			return rc;
		need = plen0 + (plen0 > 0) + key.len;
		w->skip = skip0 || need >= sizeof w->path;
		if (!w->skip) {
			if (plen0 > 0)
				w->path[plen0] = '.';
			memcpy(w->path + plen0 + (plen0 > 0), key.ptr, key.len);
			w->plen = need;
		}
		jw_space(w);
		if (w->s >= w->end || *w->s != ':')
			return BK_ERROR;
		w->s++;
		jw_space(w);
		if ((rc = jw_value(w)) != BK_OK)
			return rc;
		w->plen = plen0;
		w->skip = skip0;
		jw_space(w);
		if (w->s < w->end && *w->s == ',') {
			w->s++;
			continue;
		}
		if (w->s < w->end && *w->s == '}') {
			w->s++;
			w->depth--;
			return BK_OK;
		}
		return BK_ERROR;
	}
}

int
bk__json_walk(const char *s, size_t n, struct bk__text *unq, bk__json_leaf_fn fn, void *ctx)
{
	struct jwalk w = {.s = s, .end = s + n, .unq = unq, .fn = fn, .ctx = ctx};
	int rc;

	jw_space(&w);
	if (w.s >= w.end || *w.s != '{')
		return BK_ERROR;
	if ((rc = jw_object(&w)) != BK_OK)
		return rc;
	jw_space(&w);
	return w.s == w.end ? BK_OK : BK_ERROR;
}

/* The action map used when a definition gives none: a web server's view. */
const struct bk__method_action bk__web_actions[] = {
	{ "GET", "read" }, { "HEAD", "read" }, { "POST", "write" }, { "PUT", "write" },
	{ "PATCH", "write" }, { "DELETE", "delete" }, { "PROPFIND", "read" }, { "COPY", "write" },
	{ "MOVE", "write" }, { "MKCOL", "write" }, { NULL, NULL },
};

/* A proxy's: what a client sends to a remote host is an upload. */
const struct bk__method_action bk__proxy_actions[] = {
	{ "GET", "read" }, { "HEAD", "read" }, { "POST", "upload" }, { "PUT", "upload" },
	{ "PATCH", "upload" }, { "DELETE", "delete" }, { "CONNECT", "connect" }, { NULL, NULL },
};

bool
bk__split_request(const char *s, size_t n, bk_span *method, bk_span *url, bk_span *proto)
{
	const char *last;
	size_t m = 0;

	/* The method: capitals, '-' and '_', up to the first space. */
	while (m < n && ((s[m] >= 'A' && s[m] <= 'Z') || s[m] == '-' || s[m] == '_'))
		m++;
	if (m == 0 || m == n || s[m] != ' ')
		return false;
	*method = (bk_span){ s, m };
	s += m + 1, n -= m + 1;
	/*
	 * The protocol after the last space: "HTTP/1.1" (most requests) seen
	 * at once, else looked for from the end.
	 */
	if (n >= 9 && s[n - 9] == ' ' && memcmp(s + n - 8, "HTTP/", 5) == 0 && s[n - 3] != ' ' &&
	    s[n - 2] != ' ' && s[n - 1] != ' ') {
		last = s + n - 9;
	} else {
		last = s + n;
		while (last > s && last[-1] != ' ')
			last--;
		last = last > s ? last - 1 : NULL;
	}
	if (last != NULL && (size_t)(s + n - last) > 5 && memcmp(last + 1, "HTTP/", 5) == 0) {
		*url = (bk_span){ s, (size_t)(last - s) };
		*proto = (bk_span){ last + 1, (size_t)(s + n - last - 1) };
	} else {
		*url = (bk_span){ s, n };
		*proto = (bk_span){ NULL, 0 };
	}
	return url->len > 0;
}

/* ---- field maps ------------------------------------------------------------ */

struct target_name {
	const char *name;
	enum bk__target target;
	int idx;
};

static const struct target_name targets[] = {
	{"action", BK__T_STR, BK_EV_ACTION},
	{"actor", BK__T_STR, BK_EV_ACTOR},
	{"bytes_in", BK__T_BYTES_IN, 0},
	{"bytes_out", BK__T_BYTES_OUT, 0},
	{"dst", BK__T_STR, BK_EV_DST},
	{"id", BK__T_IDS, 0},
	{"ids", BK__T_IDS, 0},
	{"ip", BK__T_STR, BK_EV_IP},
	{"method", BK__T_STR, BK_EV_METHOD},
	{"object", BK__T_STR, BK_EV_OBJECT},
	{"request", BK__T_REQUEST, 0},
	{"rows", BK__T_ROWS, 0},
	{"sql", BK__T_SQL, 0},
	{"status", BK__T_STATUS, 0},
	{"stmt", BK__T_STR, BK_EV_STMT},
	{"time", BK__T_TS, 0},
	{"ts", BK__T_TS, 0},
	{"user", BK__T_STR, BK_EV_ACTOR},
	{"where", BK__T_WHERE, 0},
};

/*
 * The source names each target takes when the user's map says nothing
 * about them, in priority order: the names common in application JSON logs,
 * Elastic Common Schema's dotted ones, and CSV exports' headers.
 */
static const struct {
	const char *target;
	const char *src;
} defaults[] = {
	{"ts", "ts"}, {"ts", "@timestamp"}, {"ts", "timestamp"}, {"ts", "time"},
	{"ts", "datetime"}, {"ts", "date"}, {"ts", "eventTime"},
	{"actor", "user"}, {"actor", "username"}, {"actor", "user_name"}, {"actor", "userName"},
	{"actor", "user.name"}, {"actor", "actor"}, {"actor", "login"}, {"actor", "account"},
	{"actor", "remote_user"},
	{"ip", "ip"}, {"ip", "client_ip"}, {"ip", "clientip"}, {"ip", "client.ip"},
	{"ip", "remote_addr"}, {"ip", "remote_ip"}, {"ip", "src_ip"}, {"ip", "source.ip"},
	{"ip", "sourceIPAddress"}, {"ip", "src"},
	{"dst", "dst"}, {"dst", "dst_ip"}, {"dst", "dest_ip"}, {"dst", "destination.ip"},
	{"dst", "server_ip"},
	{"action", "action"}, {"action", "event.action"}, {"action", "operation"},
	{"object", "object"}, {"object", "path"}, {"object", "uri"}, {"object", "url"},
	{"object", "request_uri"}, {"object", "url.path"}, {"object", "url.original"},
	{"object", "table"}, {"object", "file"}, {"object", "resource"},
	{"method", "method"}, {"method", "request_method"}, {"method", "http.request.method"},
	{"method", "verb"},
	{"status", "status"}, {"status", "status_code"}, {"status", "http.response.status_code"},
	{"status", "response_code"},
	{"rows", "rows"}, {"rows", "row_count"}, {"rows", "rows_sent"},
	{"bytes_in", "bytes_in"}, {"bytes_in", "request_length"}, {"bytes_in", "bytes_received"},
	{"bytes_in", "http.request.bytes"},
	{"bytes_out", "bytes_out"}, {"bytes_out", "bytes_sent"}, {"bytes_out", "body_bytes_sent"},
	{"bytes_out", "http.response.bytes"}, {"bytes_out", "response_size"},
	{"sql", "sql"}, {"sql", "query"}, {"sql", "statement"},
	{"request", "request"}, {"request", "http_request"},
	{"user_agent", "http_user_agent"}, {"user_agent", "user_agent"}, {"user_agent", "userAgent"},
	{"user_agent", "user_agent.original"},
};

static bool
target_of(const char *name, struct bk__map_entry *e)
{
	for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
		if (strcmp(targets[i].name, name) == 0) {
			e->target = targets[i].target;
			e->idx = targets[i].idx;
			return true;
		}
	}
	for (const char *c = name; *c != '\0'; c++)
		if (!(bk__is_alpha(*c) || bk__is_digit(*c) || *c == '_'))
			return false;
	e->target = *name != '\0' ? BK__T_EXTRA : BK__T_NONE;
	e->idx = 0;
	return *name != '\0';
}

static int
map_add(struct bk__map *map, size_t *cap, const char *dst, size_t dlen, const char *src,
    size_t slen)
{
	struct bk__map_entry *e;

	if (bk__grow(&map->e, cap, map->n, sizeof *map->e) != BK_OK)
		return BK_NOMEM;
	e = &map->e[map->n];
	e->dst = bk__dup_bytes(dst, dlen);
	e->src = bk__dup_bytes(src, slen);
	if (e->dst == NULL || e->src == NULL) {
		free(e->dst);
		free(e->src);
		return BK_NOMEM;
	}
	if (!target_of(e->dst, e)) {
		free(e->dst);
		free(e->src);
		return BK_ERROR;
	}
	map->n++;
	return BK_OK;
}

int
bk__map_init(struct bk__map *map, const char *spec, const char *format, char **err)
{
	size_t cap = 0;
	const char *s = spec != NULL ? spec : "";

	memset(map, 0, sizeof *map);
	*err = NULL;
	while (*s != '\0') {
		const char *end = strchr(s, ','), *eq;
		size_t len;
		int rc;

		if (end == NULL)
			end = s + strlen(s);
		len = (size_t)(end - s);
		eq = memchr(s, '=', len);
		if (len == 0) {
			s = *end != '\0' ? end + 1 : end;
			continue;
		}
		if (eq == NULL || eq == s || eq + 1 == end) {
			*err = bk__errf("%s: --map: expected TARGET=SOURCE, got '%.*s'", format,
			    (int)len, s);
			goto fail;
		}
		rc = map_add(map, &cap, s, (size_t)(eq - s), eq + 1, (size_t)(end - eq - 1));
		if (rc == BK_ERROR) {
			*err = bk__errf("%s: --map: '%.*s' is not a target (ts, actor, ip, dst, "
			    "action, object, method, stmt, sql, request, status, rows, bytes_in, "
			    "bytes_out, ids, where, or a snake_case extra name)", format, (int)(eq - s), s);
			goto fail;
		}
		if (rc != BK_OK)
			goto fail;
		s = *end != '\0' ? end + 1 : end;
	}
	map->nuser = map->n;
	for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++) {
		bool taken = false;

		/* A source the user mapped keeps the user's meaning only. */
		for (size_t k = 0; k < map->nuser; k++)
			taken |= strcmp(map->e[k].src, defaults[i].src) == 0;
		if (!taken && map_add(map, &cap, defaults[i].target, strlen(defaults[i].target),
		    defaults[i].src, strlen(defaults[i].src)) != BK_OK)
			goto fail;
	}
	return BK_OK;
fail:
	bk__map_free(map);
	return BK_ERROR;
}

void
bk__map_free(struct bk__map *map)
{
	for (size_t i = 0; i < map->n; i++) {
		free(map->e[i].src);
		free(map->e[i].dst);
	}
	free(map->e);
	memset(map, 0, sizeof *map);
}

const struct bk__map_entry *
bk__map_find(const struct bk__map *map, const char *key, size_t klen)
{
	for (size_t i = 0; i < map->n; i++) {
		const char *src = map->e[i].src;

		if (src[0] == key[0] && strncmp(src, key, klen) == 0 && src[klen] == '\0')
			return &map->e[i];
	}
	return NULL;
}

/* An integer at the start of S (a JSON number or a string holding one). */
static int64_t
leading_int(bk_span s)
{
	int64_t v = 0;
	size_t i = 0;

	s = bk__trim(s);
	if (s.len == 0 || !bk__is_digit(s.ptr[0]))
		return BK_EVENT_NONE;
	for (; i < s.len && i < 18 && bk__is_digit(s.ptr[i]); i++)
		v = v * 10 + (s.ptr[i] - '0');
	return i == s.len || s.ptr[i] == '.' ? v : BK_EVENT_NONE;
}

/* Element spans of the JSON array text S, quotes stripped, into B's ids. */
static void
array_ids(struct bk__evb *b, bk_span s)
{
	const char *p = s.ptr + 1, *end = s.ptr + s.len - 1;

	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		bk_span v;

		if (c == NULL)
			c = end;
		v = bk__trim(bk__span(p, (size_t)(c - p)));
		if (v.len >= 2 && v.ptr[0] == '"' && v.ptr[v.len - 1] == '"')
			v = bk__span(v.ptr + 1, v.len - 2);
		bk__evb_id(b, v);
		p = c + 1;
	}
}

void
bk__map_apply(const bk_parser *p, const bk_timefmt *f, struct bk__evb *b,
    const struct bk__map_entry *e, size_t prio, size_t *prios, bk_span val, enum bk__json_type type,
    struct bk__text *tables)
{
	size_t slot = e->target == BK__T_STR ? BK__T_EXTRA + (size_t)e->idx : (size_t)e->target;
	int64_t v;

	if (type == BK__JSON_NULL || val.len == 0)
		return;
	if (e->target != BK__T_EXTRA && e->target != BK__T_IDS) {
		if (prios[slot] <= prio)
			return;
		prios[slot] = prio;
	}
	switch (e->target) {
	case BK__T_NONE:
		break;
	case BK__T_STR:
		b->ev.str[e->idx] = val;
		break;
	case BK__T_TS:
		v = leading_int(val);
		/* Epoch milliseconds as a bare number: 13 digits, years 2001-2286. */
		if (v != BK_EVENT_NONE && v >= 1000000000000 && v < 10000000000000 &&
		    (val.len == 13 || val.ptr[13] == '.'))
			b->ev.ts = v;
		else
			b->ev.ts = bk__time_span(p, f, bk__trim(val));
		break;
	case BK__T_STATUS:
		b->ev.status = leading_int(val);
		break;
	case BK__T_ROWS:
		b->ev.rows = leading_int(val);
		break;
	case BK__T_BYTES_IN:
		b->ev.bytes_in = leading_int(val);
		break;
	case BK__T_BYTES_OUT:
		b->ev.bytes_out = leading_int(val);
		break;
	case BK__T_IDS:
		if (type == BK__JSON_ARRAY)
			array_ids(b, val);
		else
			bk__evb_id(b, val);
		break;
	case BK__T_WHERE:
		b->ev.where = type == BK__JSON_TRUE || bk__span_is(val, "1") ||
		    bk__span_is(val, "true") ? 1 : 0;
		break;
	case BK__T_SQL:
		(void)bk__evb_sql(b, val.ptr, val.len, tables);
		break;
	case BK__T_REQUEST: {
		bk_span m, url, proto;

		if (!bk__split_request(val.ptr, val.len, &m, &url, &proto))
			break;
		if (b->ev.str[BK_EV_METHOD].ptr == NULL)
			b->ev.str[BK_EV_METHOD] = m;
		b->url = url;
		bk__evb_extra(b, "protocol", proto, false);
		break;
	}
	case BK__T_EXTRA:
		bk__evb_extra(b, e->dst, val, type == BK__JSON_NUMBER);
		break;
	}
}
