/*
 * eventstr.h - what the format unit tests share: a parser built straight
 * from its ops (no registry needed), fed lines or a whole file, and each
 * event rendered to one compact line so a test compares everything a parser
 * emitted with one exact string.
 */
#ifndef BK_EVENTSTR_H
#define BK_EVENTSTR_H

#include "testutil.h"

#include "event-private.h"
#include "record-private.h"

/* A parser for OPS with options O (NULL: defaults), its file named "t". */
static inline bk_parser *
tu_parser(const struct bk__parser_ops *ops, const bk_parse_opts *o)
{
	bk_parser *p = calloc(1, sizeof *p);
	char *err = NULL;

	assert_non_null(p);
	p->ops = ops;
	p->file = "t";
	p->clock = &p->clock_store;	/* as bk_parser_new sets them */
	p->years = &p->years_store;
	if (o != NULL)
		p->opts = *o;
	bk_years_start(p->years, p->opts.year);
	if (o != NULL && o->tz != NULL)
		assert_non_null(p->tz = bk_tz_open(o->tz, &err));
	if (ops->init(p, &err) != BK_OK) {
		print_error("init: %s\n", err != NULL ? err : "?");
		fail();
	}
	if (ops->begin != NULL)
		ops->begin(p);
	return p;
}

static inline void
tu_parser_free(bk_parser *p)
{
	if (p->ops->free != NULL)
		p->ops->free(p);
	bk_tz_free(p->tz);
	free(p);
}

static inline void
tu_span(struct tu_buf *b, const char *key, bk_span s)
{
	if (s.ptr == NULL)
		return;
	tu_buf_add(b, " ", 1);
	tu_buf_add(b, key, strlen(key));
	tu_buf_add(b, "=", 1);
	tu_buf_add(b, s.ptr, s.len);
}

static inline void
tu_num(struct tu_buf *b, const char *key, int64_t v)
{
	char n[40];

	if (v == BK_EVENT_NONE)
		return;
	snprintf(n, sizeof n, " %s=%lld", key, (long long)v);
	tu_buf_add(b, n, strlen(n));
}

/*
 * One line per event: "L<line> <time> actor=... ip=... dst=... action=...
 * object=... method=... stmt=... status=... rows=... in=... out=...
 * where=... ids=a|b +key=value ...", absent fields left out.
 */
static inline int
tu_collect(void *ctx, const bk_event *ev)
{
	static const char *const names[BK_EV_NSTR] = {
		"actor", "ip", "dst", "action", "object", "method", "stmt",
	};
	struct tu_buf *b = ctx;
	char t[32];

	snprintf(t, sizeof t, "L%llu", (unsigned long long)ev->line);
	tu_buf_add(b, t, strlen(t));
	if (ev->ts != BK_EVENT_NONE) {
		size_t n = bk__time_rfc3339(t + 1, ev->ts);

		t[0] = ' ';
		tu_buf_add(b, t, n + 1);
	}
	for (int i = 0; i < BK_EV_NSTR; i++)
		tu_span(b, names[i], ev->str[i]);
	tu_num(b, "status", ev->status);
	tu_num(b, "rows", ev->rows);
	tu_num(b, "in", ev->bytes_in);
	tu_num(b, "out", ev->bytes_out);
	if (ev->where >= 0)
		tu_num(b, "where", ev->where);
	for (size_t i = 0; i < ev->nids; i++) {
		tu_buf_add(b, i == 0 ? " ids=" : "|", i == 0 ? 5 : 1);
		tu_buf_add(b, ev->ids[i].ptr, ev->ids[i].len);
	}
	for (size_t i = 0; i < ev->nextra; i++) {
		tu_buf_add(b, " +", 2);
		tu_buf_add(b, ev->extra[i].key, strlen(ev->extra[i].key));
		tu_buf_add(b, ev->extra[i].number ? "=" : ":", 1);
		tu_buf_add(b, ev->extra[i].val.ptr, ev->extra[i].val.len);
	}
	if (ev->raw.ptr != NULL) {
		tu_buf_add(b, " raw=[", 6);
		tu_buf_add(b, ev->raw.ptr, ev->raw.len);
		tu_buf_add(b, "]", 1);
	}
	tu_buf_add(b, "\n", 1);
	return 0;
}

/*
 * Feeds TEXT line by line (split at "\n", the last line's newline
 * optional), then finishes; the events land in OUT. Returns the number of
 * lines that did not parse; the line numbers of those go to UNPARSED
 * (space-separated) when it is not NULL.
 */
static inline int
tu_feed(bk_parser *p, const char *text, size_t len, struct tu_buf *out, struct tu_buf *unparsed)
{
	const char *s = text, *end = text + len;
	uint64_t lineno = 0;
	int bad = 0, rc;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = (size_t)((nl != NULL ? nl : end) - s);

		rc = p->ops->line(p, s, n, ++lineno, tu_collect, out);
		assert_true(rc == BK_OK || rc == 1);
		if (rc == 1) {
			char num[24];

			bad++;
			snprintf(num, sizeof num, bad > 1 ? " %llu" : "%llu",
			    (unsigned long long)lineno);
			if (unparsed != NULL)
				tu_buf_add(unparsed, num, strlen(num));
		}
		s = nl != NULL ? nl + 1 : end;
	}
	if (p->ops->finish != NULL)
		assert_int_equal(p->ops->finish(p, tu_collect, out), BK_OK);
	if (out->data == NULL)
		tu_buf_add(out, "", 0);
	return bad;
}

/* The whole of tests/data/formats-code/NAME (caller frees), its size in *LEN. */
static inline char *
tu_slurp(const char *name, size_t *len)
{
	char *path, *data;
	FILE *fp;
	long n;

	assert_true(asprintf(&path, "%s/formats-code/%s", BK_TESTDATA, name) > 0);
	fp = fopen(path, "rb");
	if (fp == NULL) {
		print_error("%s: cannot open\n", path);
		fail();
	}
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, fp), (size_t)n);
	data[n] = '\0';
	fclose(fp);
	free(path);
	*len = (size_t)n;
	return data;
}

/* Parses TEXT with a fresh parser for OPS and O; checks events and unparsed lines. */
static inline void
tu_expect(const struct bk__parser_ops *ops, const bk_parse_opts *o, const char *text,
    const char *want, const char *want_unparsed)
{
	bk_parser *p = tu_parser(ops, o);
	struct tu_buf out = {0}, bad = {0};

	tu_buf_add(&bad, "", 0);
	tu_feed(p, text, strlen(text), &out, &bad);
	assert_string_equal(out.data, want);
	assert_string_equal(bad.data, want_unparsed);
	free(out.data);
	free(bad.data);
	tu_parser_free(p);
}

#endif /* BK_EVENTSTR_H */
