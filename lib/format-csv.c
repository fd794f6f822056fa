/*
 * format-csv.c - generic CSV with a header row (exports, audit trails from
 * applications and SaaS consoles) and the field map of format-json.c.
 *
 * The first line of each input names the columns; the map (--map
 * TARGET=SOURCE with header names as sources, plus the well-known names
 * listed in format-json.c) says what each becomes. Quoting is RFC 4180's:
 * a field in double quotes may hold the separator, doubled quotes and
 * newlines, so a record may span lines (it is gathered until its quotes
 * close, bounded like every held entry). The separator is the one of comma,
 * semicolon, tab and '|' the header uses most (comma when none). A UTF-8
 * byte-order mark before the header is skipped. A record with another number
 * of fields than the header does not parse.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "format-util-private.h"

#define CSV_MAXCOLS 512

struct csvf {
	struct bk__map map;
	bk_timefmt *tf;
	bk_urlids *ux;		/* record ids in request URLs */
	bool has_header, open, truncated;
	char sep;
	const struct bk__map_entry *col[CSV_MAXCOLS];
	size_t ncols;
	struct bk__text header, rec, unq, tables;
	uint64_t line, ntruncated;
	bk_span f[CSV_MAXCOLS];
	struct bk__evb evb;
	size_t prios[BK__MAP_NPRIO];
};

static char
guess_sep(const char *s, size_t n)
{
	static const char cands[] = {',', ';', '\t', '|'};
	size_t best = 0;
	char sep = ',';

	for (size_t c = 0; c < sizeof cands; c++) {
		size_t k = 0;
		bool inq = false;

		for (size_t i = 0; i < n; i++) {
			if (s[i] == '"')
				inq = !inq;
			else if (!inq && s[i] == cands[c])
				k++;
		}
		if (k > best) {
			best = k;
			sep = cands[c];
		}
	}
	return sep;
}

static int
csv_header(struct csvf *c, const char *s, size_t n)
{
	size_t nf;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3, n -= 3;
	c->sep = guess_sep(s, n);
	c->header.len = c->unq.len = 0;
	if (bk__text_add(&c->header, s, n) != BK_OK || bk__text_reserve(&c->unq, n) != BK_OK)
		return BK_NOMEM;
	nf = bk__csv_split(c->header.data, c->header.len, c->sep, '"', c->f, CSV_MAXCOLS, &c->unq);
	if (nf > CSV_MAXCOLS)
		return 1;
	for (size_t i = 0; i < nf; i++) {
		bk_span h = bk__trim(c->f[i]);

		c->col[i] = h.len > 0 ? bk__map_find(&c->map, h.ptr, h.len) : NULL;
	}
	c->ncols = nf;
	c->has_header = true;
	return BK_OK;
}

static int
csv_record(bk_parser *p, struct csvf *c, bk_event_fn fn, void *ctx)
{
	struct bk__evb *b = &c->evb;
	size_t nf;

	c->unq.len = c->tables.len = 0;
	if (bk__text_reserve(&c->unq, c->rec.len) != BK_OK)
		return BK_NOMEM;
	nf = bk__csv_split(c->rec.data, c->rec.len, c->sep, '"', c->f, CSV_MAXCOLS, &c->unq);
	if (nf != c->ncols)
		return 1;
	bk__evb_reset(b, p, c->line);
	for (size_t i = 0; i < BK__MAP_NPRIO; i++)
		c->prios[i] = SIZE_MAX;
	for (size_t i = 0; i < nf; i++)
		if (c->col[i] != NULL)
			bk__map_apply(p, c->tf, b, c->col[i], (size_t)(c->col[i] - c->map.e), c->prios,
			    c->f[i], BK__JSON_STRING, &c->tables);
	bk__evb_url(b, c->ux);
	if (c->truncated)
		bk__evb_extra(b, "truncated", bk__span("true", 4), true);
	if (p->opts.keep_raw)
		b->ev.raw = bk__span(c->rec.data, c->rec.len);
	return fn(ctx, &b->ev);
}

static int
csv_line(bk_parser *p, const char *s, size_t n, uint64_t lineno, bk_event_fn fn, void *ctx)
{
	struct csvf *c = p->impl;

	if (!c->open && n > 0 && s[n - 1] == '\r')
		n--;
	if (!c->has_header)
		return csv_header(c, s, n);
	if (!c->open) {
		if (n == 0)
			return BK_OK;
		c->rec.len = 0;
		c->line = lineno;
		c->truncated = false;
	} else if (c->rec.len + n + 1 > BK__ENTRY_MAX) {
		int rc;

		if (!c->truncated)
			c->ntruncated++;
		c->truncated = true;
		c->open = false;
		rc = csv_record(p, c, fn, ctx);
		return rc == 1 ? BK_OK : rc;
	} else if (bk__text_add(&c->rec, "\n", 1) != BK_OK) {
		return BK_NOMEM;
	}
	if (bk__text_add(&c->rec, s, n) != BK_OK)
		return BK_NOMEM;
	c->open = bk__csv_open(s, n, '"', c->sep, c->open);
	if (c->open)
		return BK_OK;
	return csv_record(p, c, fn, ctx);
}

static int
csv_finish(bk_parser *p, bk_event_fn fn, void *ctx)
{
	struct csvf *c = p->impl;
	int rc;

	if (!c->open)
		return BK_OK;
	c->open = false;
	c->truncated = true;
	c->ntruncated++;
	rc = csv_record(p, c, fn, ctx);
	return rc == 1 ? BK_OK : rc;
}

static void
csv_begin(bk_parser *p)
{
	struct csvf *c = p->impl;

	c->has_header = c->open = false;
	c->ncols = 0;
}

static void
csv_free(bk_parser *p)
{
	struct csvf *c = p->impl;

	if (c == NULL)
		return;
	bk__map_free(&c->map);
	bk_timefmt_free(c->tf);
	bk_urlids_free(c->ux);
	bk__text_free(&c->header);
	bk__text_free(&c->rec);
	bk__text_free(&c->unq);
	bk__text_free(&c->tables);
	free(c);
	p->impl = NULL;
}

static int
csv_init(bk_parser *p, char **err)
{
	struct csvf *c = calloc(1, sizeof *c);

	*err = NULL;
	if (c == NULL)
		return BK_NOMEM;
	p->impl = c;
	if (bk__map_init(&c->map, p->opts.map, p->ops->name, err) != BK_OK ||
	    (c->tf = bk_timefmt_new("auto", err)) == NULL ||
	    (c->ux = bk_urlids_new(p->opts.ids, err)) == NULL) {
		if (*err == NULL)
			*err = bk__errf("%s: out of memory", p->ops->name);
		csv_free(p);
		return BK_ERROR;
	}
	return BK_OK;
}

const struct bk__parser_ops bk__csv_ops = {
	.name = "csv",
	.description = "CSV with a header row; columns become event fields by name or --map",
	.example = "time,user,client_ip,action,object,rows\n"
		   "2026-11-22T10:00:00.123Z,app,10.0.0.5,export,persons,3000",
	.priority = -10,
	.init = csv_init,
	.begin = csv_begin,
	.line = csv_line,
	.finish = csv_finish,
	.free = csv_free,
};
