/*
 * format-private.h - the data formats' internals shared by format.c (the
 * registry, the loader and the per-line engine) and format-directive.c (the
 * servers' own format notations and config files). Not installed.
 *
 * A layout is what a server's format directive says, compiled: a leading
 * literal, then fields, each followed by the literal that ends it. Matching
 * is delimiter-driven: a field runs to the next occurrence of the literal
 * after it (past escaped quotes for quoted fields), so a line is read in one
 * pass with memchr and no regex and no allocation.
 */
#ifndef BK_FORMAT_PRIVATE_H
#define BK_FORMAT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "event-private.h"

/*
 * The first C in [P, END), or END; BASE (<= P) is where readable memory
 * starts (the line). Log fields are mostly short, where memchr's call and
 * setup cost more than the search: 16 bytes at a time inline, with SSE2
 * where the compiler has it (every x86-64); the last few bytes by one load
 * ending at END, reaching back before P when the line allows (the bytes
 * before P are masked off), so short fields need no byte loop.
 */
static inline const char *
bk__find_byte(const char *base, const char *p, const char *end, char c)
{
#ifdef __SSE2__
	const __m128i needle = _mm_set1_epi8(c);

	while (end - p >= 16) {
		int m = _mm_movemask_epi8(
		    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), needle));

		if (m != 0)
			return p + __builtin_ctz((unsigned)m);
		p += 16;
	}
	if (p < end && end - base >= 16) {
		const char *b = end - 16;
		unsigned m = (unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)b), needle)) >>
		    (p - b);

		return m != 0 ? p + __builtin_ctz(m) : end;
	}
#else
	(void)base;
#endif
	while (p < end && *p != c)
		p++;
	return p;
}

/* The first C, D or E in [P, END), or END: bk__find_byte for three bytes at once. */
static inline const char *
bk__find_byte3(const char *base, const char *p, const char *end, char c, char d, char e)
{
#ifdef __SSE2__
	const __m128i nc = _mm_set1_epi8(c), nd = _mm_set1_epi8(d), ne = _mm_set1_epi8(e);

	while (end - p >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		int m = _mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(x, nc), _mm_cmpeq_epi8(x, nd)), _mm_cmpeq_epi8(x, ne)));

		if (m != 0)
			return p + __builtin_ctz((unsigned)m);
		p += 16;
	}
	if (p < end && end - base >= 16) {
		const char *b = end - 16;
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)b);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(x, nc), _mm_cmpeq_epi8(x, nd)), _mm_cmpeq_epi8(x, ne))) >>
		    (p - b);

		return m != 0 ? p + __builtin_ctz(m) : end;
	}
#else
	(void)base;
#endif
	while (p < end && *p != c && *p != d && *p != e)
		p++;
	return p;
}

/* The first C or D in [P, END), or END: bk__find_byte for two bytes at once. */
static inline const char *
bk__find_byte2(const char *base, const char *p, const char *end, char c, char d)
{
	return bk__find_byte3(base, p, end, c, d, d);
}

/*
 * Tests: true sends every layout through the general matcher, never one
 * specialised for its fields (format.c), so the two can be compared.
 * Read when a parser is made.
 */
extern bool bk__layout_general_only;

/* The notations a layout can be written in. */
enum bk__notation {
	BK__NOTE_NGINX,		/* $remote_addr - $remote_user [$time_local] ... */
	BK__NOTE_APACHE,	/* %h %l %u %t \"%r\" %>s %b */
	BK__NOTE_SQUID,		/* %ts.%03tu %6tr %>a %Ss/%03>Hs ... */
};

/* How a quoted field escapes the quote (what the server writes). */
enum bk__escape {
	BK__ESC_NONE,		/* nothing is escaped: the field ends at the next quote */
	BK__ESC_HEX,		/* nginx default: '"' as \x22, '\' as \x5C */
	BK__ESC_BACKSLASH,	/* Apache, Squid: \" \\ \xhh \n \t */
	BK__ESC_JSON,		/* nginx escape=json: \" \\ \uXXXX */
};

/* What a field fills in the event. */
enum bk__target {
	BK__T_SKIP,		/* read past, not kept */
	BK__T_TS,		/* the time, in the field's time layout */
	BK__T_TS_MS,		/* epoch milliseconds as an integer */
	BK__T_TS_US,		/* epoch microseconds as an integer */
	BK__T_ACTOR,
	BK__T_IP,
	BK__T_DST,
	BK__T_ACTION,
	BK__T_OBJECT,		/* a path as it is (no ids, no query) */
	BK__T_METHOD,
	BK__T_STATUS,
	BK__T_BYTES_IN,
	BK__T_BYTES_OUT,
	BK__T_ROWS,
	BK__T_REQUEST,		/* "METHOD URL PROTOCOL": method, object, dst, ids */
	BK__T_URL,		/* path?query or an absolute URL: object, dst, ids */
	BK__T_QUERY,		/* a query string alone, for ids */
	BK__T_DURATION,		/* extra duration_ms; scale says the unit */
	BK__T_EXTRA,		/* extra NAME, a string */
	BK__T_EXTRA_NUM,	/* extra NAME, a number when it reads as one */
};

/* Units of a BK__T_DURATION field, in microseconds. */
enum { BK__DUR_S = 1000000, BK__DUR_MS = 1000, BK__DUR_US = 1 };

struct bk__lfield {
	uint8_t target;		/* enum bk__target */
	uint8_t esc;		/* enum bk__escape, for quoted fields */
	bool quoted;		/* between '"' literals */
	bool pad;		/* may start with padding spaces (Squid widths) */
	bool dash;		/* "-" means absent (numeric fields reject it otherwise) */
	int prio;		/* when two fields fill one slot, the higher wins */
	int scale;		/* BK__T_DURATION: microseconds per unit */
	char *name;		/* BK__T_EXTRA*: the extra's key; BK__T_TS: the time layout */
	char *lit;		/* the literal after the field ("" at the end) */
	size_t litlen;
	bk_timefmt *tf;		/* BK__T_TS: NAME compiled (by format.c) */
	/* Derived by bk__layout_compile, for the matcher's inner loop: */
	bool scan2;		/* find the literal and '\\' at once (a quoted field that escapes) */
	bool counted;		/* a quote after an odd run of backslashes is escaped */
	uint32_t litw, litm;	/* a literal of 4 bytes or fewer as a word, and its mask */
};

struct bk__layout {
	enum bk__notation note;
	char *lead;		/* the literal before the first field */
	size_t leadlen;
	struct bk__lfield *f;
	size_t n, cap;
};

/*
 * Compiles TEXT (LEN bytes: the format string as the server's config holds
 * it after its own quoting is undone) in notation NOTE with escaping ESC into
 * LO (zeroed by the caller). BK_OK, BK_ERROR with *ERR (malloc'd) saying
 * what is wrong, or BK_NOMEM.
 */
int bk__layout_compile(struct bk__layout *lo, enum bk__notation note, enum bk__escape esc,
		       const char *text, size_t len, char **err);
void bk__layout_free(struct bk__layout *lo);

/* "nginx", "apache", "squid" to a notation; -1 when unknown. */
int bk__notation_parse(const char *s);
const char *bk__notation_name(enum bk__notation note);

/*
 * Finds the format called NAME in notation NOTE: in CONF (a server config
 * file, following its include lines) when CONF is not NULL, else among the
 * server's predefined formats (nginx combined; Apache combined, common,
 * vhost_combined, referer, agent; Squid squid, common, combined, referrer,
 * useragent). Sets *TEXT (malloc'd, the server's quoting undone) and *ESC.
 * BK_OK, BK_EOF when there is no such format (no *ERR), BK_ERROR with *ERR
 * when CONF cannot be read or is malformed, BK_NOMEM.
 */
int bk__directive_find(enum bk__notation note, const char *conf, const char *name, char **text,
		       enum bk__escape *esc, char **err);

/* The default escaping of quoted fields in notation NOTE. */
enum bk__escape bk__notation_escape(enum bk__notation note);

/*
 * bk_urlids_find (urlids.c) for a URL the engine has already cut: PATH
 * starts with '/', MARK is its first '?' or '#' (END when it has neither),
 * END its end; the same ids, without looking for those again. BASE (<=
 * PATH) is where readable memory starts: the line the URL is in.
 */
struct bk_urlids;
size_t bk__urlids_find_path(const struct bk_urlids *x, const char *base, const char *path,
			    const char *mark, const char *end, bk_span *ids, size_t cap);

#endif /* BK_FORMAT_PRIVATE_H */
