/*
 * urlids.c - record ids in request URLs; see bk_urlids_* in sql.h.
 *
 * Web and proxy logs show a bulk read as many requests for consecutive
 * records (/api/persons/1001, /api/persons/1002, ...) or one request naming
 * many (?ids=1,2,3). The ids are taken as spans of the URL as logged, percent
 * encoding kept, so they can be counted and compared without copies.
 *
 * The defaults, and what they leave out on purpose:
 *  - a path segment is an id when it is all digits or a UUID
 *    (8-4-4-4-12 hex digits) and the segment before it is a word (holds a
 *    letter and is no id itself): /api/persons/1234, /v2/orders/<uuid>. So a
 *    leading number (/2026/11/22/...) and the segments after it are not ids,
 *    nor are file names (1234.png), versions (v1) or anything with a letter;
 *    a ";param" after the segment (;jsessionid=...) is not part of it;
 *  - query parameters named id or ids (any case) or ending in _id (any case)
 *    or Id (camelCase: personId; not "paid" or "valid"), with "[]" or
 *    "%5B%5D" after the name allowed (ids[]=1&ids[]=2); every value of ids,
 *    and of parameters given in a spec, is split at commas, plain or %2C.
 * A spec replaces the defaults: "path:" templates match the leading segments
 * of the path (more may follow), literally, with `*` for any one segment and
 * {id} for the id, which may have a literal prefix and suffix in its segment
 * (/export/{id}.csv); "query:NAME" takes the parameter NAME (exact case).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "format-private.h"
#include "sql.h"
#include "util-private.h"

/* One segment of a path template. */
struct seg {
	enum { SEG_LIT, SEG_ANY, SEG_ID } kind;
	const char *lit;	/* SEG_LIT: the segment; SEG_ID: the prefix */
	size_t litlen;
	const char *suf;	/* SEG_ID: what follows {id} in the segment */
	size_t suflen;
};

struct tmpl {
	struct seg *segs;
	size_t n;
};

struct bk_urlids {
	bool defaults;
	struct tmpl *tmpls;
	size_t ntmpls;
	bk_span *params;	/* query: names */
	size_t nparams;
	char *text;		/* the spec, copied; segments and names point into it */
};

void
bk_urlids_free(bk_urlids *x)
{
	if (x == NULL)
		return;
	for (size_t i = 0; i < x->ntmpls; i++)
		free(x->tmpls[i].segs);
	free(x->tmpls);
	free(x->params);
	free(x->text);
	free(x);
}

/* Compiles the template P (N bytes, starting with '/') into *T; NULL or why not. */
static const char *
compile_path(const char *p, size_t n, struct tmpl *t)
{
	const char *e = p + n;
	size_t nseg = 0, ids = 0;

	if (n == 0 || *p != '/')
		return "a path template starts with /";
	for (const char *q = p; q < e; q++)
		nseg += *q == '/';
	t->segs = calloc(nseg, sizeof *t->segs);
	if (t->segs == NULL)
		return "out of memory";
	t->n = 0;
	while (p < e) {
		const char *s = ++p, *brace;
		struct seg *g;
		size_t len;

		while (p < e && *p != '/')
			p++;
		len = (size_t)(p - s);
		if (len == 0)
			continue;	/* "//" or a trailing '/' */
		g = &t->segs[t->n++];
		brace = memchr(s, '{', len);
		if (len == 1 && *s == '*') {
			g->kind = SEG_ANY;
		} else if (brace != NULL) {
			if ((size_t)(s + len - brace) < 4 || memcmp(brace, "{id}", 4) != 0)
				return "only {id} may be written in braces";
			g->kind = SEG_ID;
			g->lit = s;
			g->litlen = (size_t)(brace - s);
			g->suf = brace + 4;
			g->suflen = (size_t)(s + len - g->suf);
			if (memchr(g->suf, '{', g->suflen) != NULL)
				return "one {id} per segment";
			ids++;
		} else {
			if (memchr(s, '}', len) != NULL)
				return "a } without its {";
			g->kind = SEG_LIT;
			g->lit = s;
			g->litlen = len;
		}
	}
	if (ids == 0)
		return "the template has no {id}";
	return NULL;
}

bk_urlids *
bk_urlids_new(const char *spec, char **err)
{
	bk_urlids *x;
	const char *why = NULL;
	char *p, *item;

	if (err != NULL)
		*err = NULL;
	x = calloc(1, sizeof *x);
	if (x == NULL)
		return NULL;
	if (spec == NULL) {
		x->defaults = true;
		return x;
	}
	x->text = strdup(spec);
	if (x->text == NULL)
		goto nomem;
	/* Items can be no more than the commas allow. */
	{
		size_t most = 1;

		for (const char *q = spec; *q; q++)
			most += *q == ',';
		x->tmpls = calloc(most, sizeof *x->tmpls);
		x->params = calloc(most, sizeof *x->params);
		if (x->tmpls == NULL || x->params == NULL)
			goto nomem;
	}
	for (p = x->text; p != NULL;) {
		char *end = strchr(p, ','), *s;
		size_t n;

		item = p;
		p = end != NULL ? end + 1 : NULL;
		if (end != NULL)
			*end = '\0';
		while (bk__is_space(*item))
			item++;
		n = strlen(item);
		while (n > 0 && bk__is_space(item[n - 1]))
			item[--n] = '\0';
		if (n == 0) {
			bk__set_err(err, "URL id spec \"%s\": an empty item", spec);
			goto fail;
		}
		if (strncmp(item, "path:", 5) == 0) {
			s = item + 5;
			why = compile_path(s, strlen(s), &x->tmpls[x->ntmpls++]);
			if (why != NULL) {
				bk__set_err(err, "URL id spec \"%s\": %s: %s", spec, item, why);
				goto fail;
			}
		} else if (strncmp(item, "query:", 6) == 0) {
			s = item + 6;
			if (*s == '\0' || strpbrk(s, "&=?#/ ") != NULL) {
				bk__set_err(err, "URL id spec \"%s\": %s: not a parameter name", spec, item);
				goto fail;
			}
			x->params[x->nparams++] = (bk_span){s, strlen(s)};
		} else {
			bk__set_err(err, "URL id spec \"%s\": %s: not path:/TEMPLATE or query:NAME", spec,
			    item);
			goto fail;
		}
	}
	return x;
nomem:
	bk__set_err(err, "out of memory");
fail:
	bk_urlids_free(x);
	return NULL;
}

/* ---- finding ------------------------------------------------------------- */

struct found {
	bk_span *ids;
	size_t cap, n, total;
};

static void
found_add(struct found *f, const char *p, size_t n)
{
	if (n == 0)
		return;
	for (size_t i = 0; i < f->n; i++)
		if (f->ids[i].len == n && memcmp(f->ids[i].ptr, p, n) == 0)
			return;
	f->total++;
	if (f->n < f->cap)
		f->ids[f->n++] = (bk_span){p, n};
}

static bool
is_hex(char c)
{
	return bk__is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

static inline bool
is_uuid(const char *p, size_t n)
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? p[i] != '-' : !is_hex(p[i]))
			return false;
	return true;
}

/* The next path segment from *P (before E), without its ";params"; false at the end. */
static bool
next_seg(const char **pp, const char *e, bk_span *seg)
{
	const char *p = *pp, *s, *semi;

	while (p < e && *p == '/')
		p++;
	if (p >= e)
		return false;
	s = p;
	while (p < e && *p != '/')
		p++;
	*pp = p;
	semi = memchr(s, ';', (size_t)(p - s));
	*seg = (bk_span){s, (size_t)((semi ? semi : p) - s)};
	return true;
}

/*
 * What a segment makes of what follows: an id when all digits (20 at most)
 * or a UUID, after a segment that is a word (has a letter and is no id).
 * Returns whether this one is a word.
 */
static inline bool
take_seg(const char *s, size_t len, bool digits, bool letter, bool prev_word, struct found *f)
{
	bool id = (digits && len >= 1 && len <= 20) || is_uuid(s, len);

	if (id && prev_word)
		found_add(f, s, len);
	return !id && letter;
}

/* The segments of the path P..E one byte at a time (what next_seg gives, ";params" passed over). */
static void
path_bytes(const char *p, const char *e, struct found *f)
{
	bool prev_word = false;

	while (p < e) {
		const char *s = p;
		bool digits = true, letter = false;

		if (*p == '/') {
			p++;
			continue;
		}
		for (; p < e && *p != '/' && *p != ';'; p++) {
			digits = digits && bk__is_digit(*p);
			letter = letter || bk__is_alpha(*p);
		}
		prev_word = take_seg(s, (size_t)(p - s), digits, letter, prev_word, f);
		while (p < e && *p != '/')
			p++;
	}
}

#ifdef __SSE2__
/* Bit i set where byte i of X is C. */
static inline uint64_t
eq_mask(__m128i x, char c)
{
	return (uint64_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(c)));
}

/* Bit i set where byte i of X is in LO..LO+SPAN (unsigned: min(x - lo, span) == x - lo). */
static inline uint64_t
range_mask(__m128i x, char lo, char span)
{
	__m128i d = _mm_sub_epi8(x, _mm_set1_epi8(lo));

	return (uint64_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(span)), d));
}
#endif

#ifdef __SSE2__
/* The four masks of the 16 bytes at B, shifted right by DROP (bytes before the path). */
static inline void
path_masks(const char *b, unsigned drop, uint64_t *slash, uint64_t *semi, uint64_t *digit,
    uint64_t *alpha)
{
	__m128i x = _mm_loadu_si128((const __m128i *)(const void *)b);

	*slash = eq_mask(x, '/') >> drop;
	*semi = eq_mask(x, ';') >> drop;
	*digit = range_mask(x, '0', 9) >> drop;
	*alpha = range_mask(_mm_or_si128(x, _mm_set1_epi8(0x20)), 'a', 25) >> drop;
}
#endif

/*
 * The default path rule over P..E (BASE <= P: where readable memory
 * starts). A path of up to 64 bytes (most) is classed whole first: a bit
 * mask each of its slashes, semicolons, digits and letters, 16 bytes a
 * load (the last load ending at E, reaching back before P for a short path
 * when BASE allows), and its segments are then read off the masks. Others
 * go byte by byte.
 */
static void
default_path(const char *base, const char *p, const char *e, struct found *f)
{
#ifdef __SSE2__
	size_t len = (size_t)(e - p);
	uint64_t slash = 0, semi = 0, digit = 0, alpha = 0, ends;
	bool prev_word = false;

	if (len == 0)
		return;
	if (len < 16 && e - base >= 16) {
		path_masks(e - 16, 16 - (unsigned)len, &slash, &semi, &digit, &alpha);
	} else if (len >= 16 && len <= 64) {
		for (size_t o = 0; o < len; o += 16) {
			size_t at = o + 16 <= len ? o : len - 16;
			uint64_t s1, s2, d, a;

			path_masks(p + at, 0, &s1, &s2, &d, &a);
			slash |= s1 << at;
			semi |= s2 << at;
			digit |= d << at;
			alpha |= a << at;
		}
	} else {
		path_bytes(p, e, f);
		return;
	}
	ends = slash | semi;
	for (size_t i = 0; i < len;) {
		uint64_t rest, want;
		size_t n;

		if (slash >> i & 1) {
			i++;
			continue;
		}
		rest = ends >> i;
		n = rest != 0 ? (size_t)__builtin_ctzll(rest) : len - i;
		want = (n < 64 ? ((uint64_t)1 << n) - 1 : ~(uint64_t)0) << i;
		prev_word = take_seg(p + i, n, (digit & want) == want, (alpha & want) != 0, prev_word,
		    f);
		i += n;
		if (i < len && (semi >> i & 1)) {
			rest = slash >> i;
			i = rest != 0 ? i + (size_t)__builtin_ctzll(rest) : len;
		}
	}
#else
	(void)base;
	path_bytes(p, e, f);
#endif
}

static void
template_path(const struct tmpl *t, const char *p, const char *e, struct found *f)
{
	bk_span seg, got[16];
	size_t ngot = 0;

	for (size_t i = 0; i < t->n; i++) {
		const struct seg *g = &t->segs[i];

		if (!next_seg(&p, e, &seg))
			return;
		switch (g->kind) {
		case SEG_ANY:
			break;
		case SEG_LIT:
			if (seg.len != g->litlen || memcmp(seg.ptr, g->lit, seg.len) != 0)
				return;
			break;
		case SEG_ID:
			if (seg.len <= g->litlen + g->suflen || memcmp(seg.ptr, g->lit, g->litlen) != 0 ||
			    memcmp(seg.ptr + seg.len - g->suflen, g->suf, g->suflen) != 0)
				return;
			if (ngot < sizeof got / sizeof got[0])
				got[ngot++] = (bk_span){seg.ptr + g->litlen,
				    seg.len - g->litlen - g->suflen};
			break;
		}
	}
	for (size_t i = 0; i < ngot; i++)
		found_add(f, got[i].ptr, got[i].len);
}

/* Adds each comma-separated piece (',' or %2C) of the value P..E. */
static void
add_list(const char *p, const char *e, struct found *f)
{
	const char *s = p;

	while (p < e) {
		if (*p == ',') {
			found_add(f, s, (size_t)(p - s));
			s = ++p;
		} else if (*p == '%' && e - p >= 3 && p[1] == '2' && (p[2] | 0x20) == 'c') {
			found_add(f, s, (size_t)(p - s));
			s = p += 3;
		} else {
			p++;
		}
	}
	found_add(f, s, (size_t)(e - s));
}

/* Whether the default rules take the parameter NAME (N bytes); *LIST for ids. */
static bool
default_param(const char *name, size_t n, bool *list)
{
	/* ids[]=1&ids[]=2, raw or encoded */
	if (n > 2 && memcmp(name + n - 2, "[]", 2) == 0)
		n -= 2;
	else if (n > 6 && (memcmp(name + n - 6, "%5B%5D", 6) == 0 ||
			      memcmp(name + n - 6, "%5b%5d", 6) == 0))
		n -= 6;
	*list = n == 3 && bk__lower(name[0]) == 'i' && bk__lower(name[1]) == 'd' &&
	    bk__lower(name[2]) == 's';
	if (*list)
		return true;
	if (n == 2)
		return bk__lower(name[0]) == 'i' && bk__lower(name[1]) == 'd';
	if (n > 3 && name[n - 3] == '_' && bk__lower(name[n - 2]) == 'i' &&
	    bk__lower(name[n - 1]) == 'd')
		return true;
	return n > 2 && name[n - 2] == 'I' && name[n - 1] == 'd' && bk__is_alpha(name[n - 3]) &&
	    !(name[n - 3] >= 'A' && name[n - 3] <= 'Z');
}

static void
query(const bk_urlids *x, const char *p, const char *e, struct found *f)
{
	while (p < e) {
		const char *amp = memchr(p, '&', (size_t)(e - p));
		const char *end = amp ? amp : e;
		const char *eq = memchr(p, '=', (size_t)(end - p));
		bool list;

		if (eq != NULL && eq + 1 < end) {
			size_t n = (size_t)(eq - p);

			if (x->defaults) {
				if (default_param(p, n, &list)) {
					if (list)
						add_list(eq + 1, end, f);
					else
						found_add(f, eq + 1, (size_t)(end - eq - 1));
				}
			} else {
				for (size_t i = 0; i < x->nparams; i++)
					if (x->params[i].len == n &&
					    memcmp(x->params[i].ptr, p, n) == 0) {
						add_list(eq + 1, end, f);
						break;
					}
			}
		}
		p = end + 1;
	}
}

/*
 * The path P..Q (Q: its '?', or where it ends), then the query Q+1..E when
 * Q is a '?'; BASE (<= P) is where readable memory starts.
 */
static size_t
find_parts(const bk_urlids *x, const char *base, const char *p, const char *q, const char *e,
    bk_span *ids, size_t cap)
{
	struct found f = {ids, ids != NULL ? cap : 0, 0, 0};

	if (x->defaults)
		default_path(base, p, q, &f);
	for (size_t i = 0; i < x->ntmpls; i++)
		template_path(&x->tmpls[i], p, q, &f);
	if (q < e && *q == '?')
		query(x, q + 1, e, &f);
	return f.total;
}

size_t
bk__urlids_find_path(const bk_urlids *x, const char *base, const char *path, const char *mark,
    const char *end, bk_span *ids, size_t cap)
{
	if (mark < end && *mark == '?') {
		const char *hash = memchr(mark + 1, '#', (size_t)(end - mark - 1));

		return find_parts(x, base, path, mark, hash != NULL ? hash : end, ids, cap);
	}
	return find_parts(x, base, path, mark, mark, ids, cap);
}

size_t
bk_urlids_find(const bk_urlids *x, const char *url, size_t len, bk_span *ids, size_t cap)
{
	struct found f = {ids, ids != NULL ? cap : 0, 0, 0};
	const char *p = url, *e = url + len, *path, *q, *hash;

	if (url == NULL || len == 0)
		return 0;
	/* http://host[:port]/path...: the path starts at the first '/' after the host. */
	for (q = p; q < e && bk__is_alpha(*q); q++)
		;
	if (q > p && e - q >= 3 && memcmp(q, "://", 3) == 0) {
		p = q + 3;
		while (p < e && *p != '/' && *p != '?' && *p != '#')
			p++;
	}
	path = p;
	hash = memchr(p, '#', (size_t)(e - p));
	if (hash != NULL)
		e = hash;
	q = memchr(p, '?', (size_t)(e - p));
	if (x->defaults)
		default_path(path, path, q ? q : e, &f);
	for (size_t i = 0; i < x->ntmpls; i++)
		template_path(&x->tmpls[i], path, q ? q : e, &f);
	if (q != NULL)
		query(x, q + 1, e, &f);
	return f.total;
}
