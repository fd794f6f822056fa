/*
 * record.c - NDJSON records: the writer every tool's output goes through and
 * the reader of the tools downstream; see record.h for the contract.
 *
 * The writer is on the hot path of every tool (millions of records per run),
 * so it does not build a tree: each call appends JSON text to one growable
 * buffer, with a small stack of open objects and arrays to place commas and
 * to check that keys are given exactly where they belong. bk_writer_end hands
 * the finished line to stdio in one fwrite, so stdio never holds part of a
 * record, and a failed write is reported at the record that met it.
 *
 * Log lines are bytes, JSON strings are UTF-8, and DESIGN.md promises valid
 * JSON whatever the input held. The escaper therefore validates UTF-8 as it
 * copies and replaces each maximal invalid subpart with U+FFFD, the practice
 * the Unicode standard recommends (chapter 3, "U+FFFD Substitution of Maximal
 * Subparts") and browsers follow (the WHATWG Encoding Standard): a broken
 * sequence costs one replacement character and never swallows the valid
 * byte after it.
 *
 * A record is mostly short strings (keys, rule names, paths, masked values)
 * that need no escape, and a CSV of personal data gives five or six records
 * a line, so the writer's cost is per call more than per byte. Room for a
 * string copied as it is is reserved once; strings up to 32 bytes are
 * checked and copied with a few overlapping loads and stores, longer ones
 * 16 bytes at a time (SSE2, 8 elsewhere), and the multibyte characters in
 * either are validated where they stand; a key goes out with its comma,
 * quotes and colon in one piece; integers two digits at a time. Only an
 * escape or a replacement takes the slow road, and the output is byte for
 * byte what a byte-at-a-time escaper makes (the unit tests hold it to one).
 *
 * The reader leaves parsing to jansson, one object per line. Duplicate keys
 * are accepted, the last value winning at the first key's place (jansson's
 * behaviour without JSON_REJECT_DUPLICATES): refusing a whole record over a
 * sloppy producer would lose more than it protects. Strings may hold NUL
 * (JSON_ALLOW_NUL), since the writer turns NUL bytes from logs into \u0000
 * and we must read our own output. Pass-through (bk_writer_fields) walks the
 * parsed tree with the writer's own escaper and number formatting rather than
 * jansson's dumper, whose %.17g would turn 0.1 into 0.10000000000000001 and
 * so change records that merely pass through a tool.
 */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"
#include "record-private.h"
#include "util-private.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Nesting the code may open with bk_writer_*_begin, the record itself included. */
#define MAX_DEPTH 32

#define BOM "\xEF\xBB\xBF" /* U+FEFF in UTF-8 */

#define MS_PER_DAY INT64_C(86400000)
/* RFC 3339 has four-digit years: 0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z. */
#define TIME_MIN INT64_C(-62167219200000)
#define TIME_MAX INT64_C(253402300799999)

/* ---- growable buffer ---------------------------------------------------- */

void
bk__strbuf_free(struct bk__strbuf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->failed = false;
}

int
bk__strbuf_grow(struct bk__strbuf *b, size_t more)
{
	size_t cap;
	char *p;

	if (more > SIZE_MAX / 2 - b->len)
		goto fail;
	cap = b->cap != 0 ? b->cap : 256;
	while (cap - b->len < more)
		cap *= 2;
	p = realloc(b->data, cap);
	if (p == NULL)
		goto fail;
	b->data = p;
	b->cap = cap;
	return BK_OK;
fail:
	b->failed = true;
	return BK_NOMEM;
}

static inline void
put(struct bk__strbuf *b, const void *s, size_t n)
{
	char *o = bk__strbuf_reserve(b, n);

	if (o != NULL) {
		memcpy(o, s, n);
		b->len += n;
	}
}

static inline void
put_char(struct bk__strbuf *b, char c)
{
	char *o = bk__strbuf_reserve(b, 1);

	if (o != NULL) {
		*o = c;
		b->len++;
	}
}

/* ---- strings ------------------------------------------------------------ */

/* Bytes the copy loop stops at: control bytes, '"', '\\', and every non-ASCII byte. */
/* clang-format off */
static const unsigned char special[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x00 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x10 */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x20 '"' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,	/* 0x50 '\\' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x70 (DEL may pass) */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 0x80 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};
/* clang-format on */

/* The letter of the short escape for control bytes that have one. */
static const char short_escape[32] = {
    ['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f', ['\r'] = 'r'};

/*
 * The escaper copies BLOCK bytes at a time and asks which of them are
 * special: sixteen with SSE2 (which every x86-64 has), where a signed
 * comparison with 0x20 finds control and non-ASCII bytes at once and the
 * answer is exact; elsewhere eight, with bk__json_special8 saying whether and
 * the table saying where.
 */
#ifdef __SSE2__
#define BLOCK 16

/* A bit per special byte of the sixteen in V (bit 0 for the first). */
static inline unsigned
special16(__m128i v)
{
	__m128i low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)); /* signed: 0x80 and up too */
	__m128i q = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
	__m128i bs = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));

	return (unsigned)_mm_movemask_epi8(_mm_or_si128(low, _mm_or_si128(q, bs)));
}

/* Copies the BLOCK bytes at P to O; a bit per special byte among them. */
static inline unsigned
block_copy(char *o, const unsigned char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);

	_mm_storeu_si128((__m128i *)(void *)o, v);
	return special16(v);
}
#else
#define BLOCK 8

static inline unsigned
block_copy(char *o, const unsigned char *p)
{
	uint64_t x;
	unsigned m = 0, i;

	memcpy(&x, p, 8);
	memcpy(o, &x, 8);
	if (bk__json_special8(x) == 0)
		return 0;
	for (i = 0; i < 8; i++)
		m |= (unsigned)special[p[i]] << i;
	return m;
}

/* Whether any byte of the words A and B is special. */
static inline bool
words_special(uint64_t a, uint64_t b)
{
	return (bk__json_special8(a) | bk__json_special8(b)) != 0;
}
#endif

/*
 * The length of the well-formed UTF-8 sequence at P (a byte >= 0x80, before
 * END), or minus that of its maximal subpart, as bk__utf8_check: a three-byte
 * character whose lead byte allows any continuation byte (all of CJK) is told
 * first, in a few instructions.
 */
static inline int
utf8_seq(const unsigned char *p, const unsigned char *end)
{
	if (p[0] >= 0xE1 && p[0] <= 0xEF && p[0] != 0xED && end - p >= 3 &&
	    (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80)
		return 3;
	return bk__utf8_check(p, end);
}

/* The strings short_copy takes: keys, rule names, paths, most values. */
#define SHORT_MAX 32

/*
 * Copies the N bytes at P (N <= SHORT_MAX) to O and returns a bit for each
 * special one (bit I for P[I]), setting *HIGH to those of them outside
 * ASCII. Whatever N, a few loads that may overlap look at every byte and as
 * many stores put them back, so the short strings a record is mostly made
 * of cost neither a loop nor a call to memcpy.
 */
static inline __attribute__((always_inline)) uint32_t
short_copy(char *o, const unsigned char *p, size_t n, uint32_t *high)
{
	uint32_t m = 0, h = 0;
	size_t i;

#ifdef __SSE2__
	if (n >= 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
		__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(p + n - 16));

		_mm_storeu_si128((__m128i *)(void *)o, x);
		_mm_storeu_si128((__m128i *)(void *)(o + n - 16), y);
		if ((special16(x) | special16(y)) == 0)
			return 0; /* the common case, told first */
		*high = (uint32_t)_mm_movemask_epi8(x) | (uint32_t)_mm_movemask_epi8(y) << (n - 16);
		return special16(x) | special16(y) << (n - 16);
	}
	if (n >= 4) {
		uint64_t a, z;
		uint32_t a4, z4;
		__m128i v;
		unsigned half = n >= 8 ? 8 : 4; /* bytes per load */

		if (n >= 8) {
			memcpy(&a, p, 8);
			memcpy(&z, p + n - 8, 8);
			memcpy(o, &a, 8);
			memcpy(o + n - 8, &z, 8);
		} else {
			memcpy(&a4, p, 4);
			memcpy(&z4, p + n - 4, 4);
			memcpy(o, &a4, 4);
			memcpy(o + n - 4, &z4, 4);
			a = a4 | (uint64_t)z4 << 32;
			z = a;
		}
		v = _mm_set_epi64x((long long)z, (long long)a);
		/* Bits 0 to HALF - 1 are P's first bytes, the next HALF its last. */
		if ((m = special16(v)) == 0)
			return 0;
		h = (uint32_t)_mm_movemask_epi8(v);
		m = (m & ((1u << half) - 1)) | (m >> half & ((1u << half) - 1)) << (n - half);
		*high = (h & ((1u << half) - 1)) | (h >> half & ((1u << half) - 1)) << (n - half);
		return m;
	}
#else
	if (n >= 8) {
		uint64_t a, z;

		memcpy(&a, p, 8);
		memcpy(&z, p + n - 8, 8);
		if (n <= 16 && !words_special(a, z)) {
			memcpy(o, &a, 8);
			memcpy(o + n - 8, &z, 8);
			*high = 0;
			return 0;
		}
	}
#endif
	for (i = 0; i < n; i++) {
		o[i] = (char)p[i];
		m |= (uint32_t)special[p[i]] << i;
		h |= (uint32_t)(p[i] >> 7) << i;
	}
	*high = h;
	return m;
}

/*
 * Whether the bytes of the N at P marked in HIGH (all of those outside
 * ASCII) make well-formed UTF-8: a short string of Japanese needs no more
 * than this look at each character.
 */
static inline bool
short_utf8(const unsigned char *p, size_t n, uint32_t high)
{
	int k;
	unsigned i;

	while (high != 0) {
		i = (unsigned)__builtin_ctz(high);
		if ((k = utf8_seq(p + i, p + n)) <= 0)
			return false;
		high &= ~(uint32_t)(((UINT64_C(1) << k) - 1) << i);
	}
	return true;
}

static const char hex_digit[] = "0123456789abcdef";

/* Writes the escape of the ASCII byte C at O (room for 6); returns its length. */
static inline size_t
write_escape(char *o, unsigned char c)
{
	o[0] = '\\';
	if (c == '"' || c == '\\') {
		o[1] = (char)c;
		return 2;
	}
	if (short_escape[c] != 0) {
		o[1] = short_escape[c];
		return 2;
	}
	memcpy(o + 1, "u00", 3);
	o[4] = hex_digit[c >> 4];
	o[5] = hex_digit[c & 0xF];
	return 6;
}

int
bk__utf8_fix(struct bk__strbuf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len, *run = p;

	while (p < end) {
		int n;

		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((n = bk__utf8_check(p, end)) > 0) {
			p += n;
			continue;
		}
		put(b, run, (size_t)(p - run));
		put(b, "\xEF\xBF\xBD", 3);
		p += -n;
		run = p;
	}
	put(b, run, (size_t)(p - run));
	return b->failed ? BK_NOMEM : BK_OK;
}

/*
 * bk__json_escape of a string longer than SHORT_MAX bytes, or of a short one
 * that needs an escape or a replacement. Most strings need neither, so the
 * output is the input in quotes: room for that is reserved once and bytes
 * are copied a block at a time before they are checked. Only an escape or a
 * replacement, which make the output longer than the input, asks for more
 * room. Throughout, O has room for the rest of the input, the closing quote
 * and BLOCK bytes more, so a whole block may be stored at the end without a
 * bounds check; bytes stored past what was checked are overwritten by what
 * comes next.
 */
static __attribute__((noinline)) int
escape_long(struct bk__strbuf *b, const char *s, size_t len)
{
	const unsigned char *p, *end, *run;
	char *o;
	size_t back;
	unsigned m;
	int n = 0;

	if ((o = bk__strbuf_reserve(b, len + 2 + BLOCK)) == NULL)
		return BK_NOMEM;
	*o++ = '"';
	p = (const unsigned char *)s;
	end = p + len;
	run = p; /* where the bytes copied as they are began */
	for (;;) {
		while (end - p >= BLOCK) {
			if ((m = block_copy(o, p)) != 0)
				goto stop;
			p += BLOCK;
			o += BLOCK;
		}
		if (p == end)
			break;
		/*
		 * Fewer than BLOCK bytes left, and BLOCK before the end were
		 * copied as they are: the last BLOCK, copied and checked as
		 * one, rewrite some output bytes with what they already hold.
		 */
		if (end - run >= BLOCK) {
			back = BLOCK - (size_t)(end - p);
			m = block_copy(o - back, end - BLOCK) >> back;
			if (m == 0) {
				o += end - p;
				break;
			}
			goto stop;
		}
		while (p < end && !special[*p])
			*o++ = (char)*p++;
		if (p == end)
			break;
		goto special;
	stop:
		/* M has a bit for each special byte from P on; bytes before the first are copied. */
		p += __builtin_ctz(m);
		o += __builtin_ctz(m);
	special:
		if (*p >= 0x80) {
			/* A run of multibyte characters, as Japanese text is. */
			while ((n = utf8_seq(p, end)) > 0) {
				o[0] = (char)p[0];
				o[1] = (char)p[1];
				if (n > 2) {
					o[2] = (char)p[2];
					if (n > 3)
						o[3] = (char)p[3];
				}
				p += n;
				o += n;
				if (p == end || *p < 0x80)
					break;
			}
			if (n > 0) {
				if (p == end)
					break;
				continue;
			}
		}
		/* An escape or a replacement: up to six bytes for one. */
		b->len = (size_t)(o - b->data);
		if ((o = bk__strbuf_reserve(b, (size_t)(end - p) + 6 + 1 + BLOCK)) == NULL)
			return BK_NOMEM;
		if (*p >= 0x80) {
			memcpy(o, "\xEF\xBF\xBD", 3);
			o += 3;
			p += -n;
		} else {
			o += write_escape(o, *p);
			p++;
		}
		run = p;
	}
	*o++ = '"';
	b->len = (size_t)(o - b->data);
	return b->failed ? BK_NOMEM : BK_OK;
}

/*
 * bk__json_escape, inline where the writer calls it: a short string with
 * nothing to escape, which most are, is copied with its quotes at once, and
 * so is one whose only special bytes make valid UTF-8.
 */
static inline __attribute__((always_inline)) int
escape(struct bk__strbuf *b, const char *s, size_t len)
{
	uint32_t m, high;
	char *o;

	if (len <= SHORT_MAX) {
		if ((o = bk__strbuf_reserve(b, len + 2)) == NULL)
			return BK_NOMEM;
		assert(s != NULL || len == 0);
		m = short_copy(o + 1, (const unsigned char *)s, len, &high);
		if (m == 0 || (m == high && short_utf8((const unsigned char *)s, len, high))) {
			o[0] = '"';
			o[len + 1] = '"';
			b->len += len + 2;
			return b->failed ? BK_NOMEM : BK_OK;
		}
	}
	return escape_long(b, s, len);
}

int
bk__json_escape(struct bk__strbuf *b, const char *s, size_t len)
{
	return escape(b, s, len);
}

/* put_key for a key that is long or needs an escape. */
static __attribute__((noinline)) void
put_key_long(struct bk__strbuf *b, bool comma, const char *key, size_t n)
{
	if (comma)
		put_char(b, ',');
	escape_long(b, key, n);
	put_char(b, ':');
}

/*
 * ,"KEY": (the comma when COMMA), in one piece when KEY is short and needs
 * no escape, as the keys tools write always are.
 */
static inline __attribute__((always_inline)) void
put_key(struct bk__strbuf *b, bool comma, const char *key)
{
	size_t n = strlen(key);
	uint32_t high;
	char *o;

	if (n <= SHORT_MAX && (o = bk__strbuf_reserve(b, n + 4)) != NULL) {
		o[0] = ',';
		o += comma;
		if (short_copy(o + 1, (const unsigned char *)key, n, &high) == 0) {
			o[0] = '"';
			o[n + 1] = '"';
			o[n + 2] = ':';
			b->len += n + 3 + comma;
			return;
		}
	}
	put_key_long(b, comma, key, n);
}

/* ---- numbers and times -------------------------------------------------- */

/* "00" to "99": integers are written two digits at a time. */
static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* The number of decimal digits of V. */
static inline unsigned
count_digits(uint64_t v)
{
	unsigned n = 1;

	for (; v >= 10000; v /= 10000)
		n += 4;
	return n + (v >= 10) + (v >= 100) + (v >= 1000);
}

/* Writes the N digits of V (N as count_digits says) to O, two at a time. */
static inline void
write_digits32(char *o, unsigned n, uint32_t v)
{
	char *t = o + n;

	for (; v >= 100; v /= 100) {
		t -= 2;
		memcpy(t, digit_pairs + 2 * (v % 100), 2);
	}
	if (v >= 10)
		memcpy(t - 2, digit_pairs + 2 * v, 2);
	else
		t[-1] = (char)('0' + v);
}

/* The same for any V: the 64-bit divisions only while it is 2^32 or more (line numbers and offsets never are). */
static inline void
write_digits64(char *o, unsigned n, uint64_t v)
{
	char *t = o + n;

	for (; v > UINT32_MAX; v /= 100) {
		t -= 2;
		memcpy(t, digit_pairs + 2 * (v % 100), 2);
	}
	write_digits32(o, (unsigned)(t - o), (uint32_t)v);
}

static inline __attribute__((always_inline)) void
put_u64(struct bk__strbuf *b, uint64_t v, bool negative)
{
	unsigned n = count_digits(v);
	char *o = bk__strbuf_reserve(b, n + negative);

	if (o == NULL)
		return;
	*o = '-';
	o += negative;
	if (v <= UINT32_MAX)
		write_digits32(o, n, (uint32_t)v);
	else
		write_digits64(o, n, v);
	b->len += n + negative;
}

static void
put_i64(struct bk__strbuf *b, int64_t v)
{
	/* Negating in unsigned arithmetic is defined for INT64_MIN too. */
	put_u64(b, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
}

/*
 * The fast path of put_double, for the short decimals that scores, ratios
 * and rates mostly are: printf and strtod cost some 350 ns a number. If V is
 * M / 10^K in double arithmetic (M and 10^K exact, the division correctly
 * rounded, as strtod's result is), the decimal "M with K decimals" reads back
 * as V; with the smallest such K and at most 15 significant digits it is also
 * what %.15g prints. Below 1e-4, where %g would use an exponent, a value of
 * at most nine decimals is still written this way (a lock time of 0.000062
 * s reads as the log wrote it, not as 6.2e-05); the rest, and from 1e15 on,
 * go the slow way.
 */
static bool
put_double_short(struct bk__strbuf *b, double v)
{
	static const double scale[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
	char tmp[32], *t = tmp + sizeof tmp;
	double a = fabs(v), s;
	unsigned k, i;
	int64_t m;

	if (a < 1e-9)
		return false;
	for (k = 0; k < sizeof scale / sizeof scale[0]; k++) {
		s = a * scale[k];
		if (s >= 1e15)
			return false; /* more than 15 digits, or (k = 0) an exponent */
		m = (int64_t)(s + 0.5);
		if ((double)m / scale[k] == a)
			break;
	}
	if (k == sizeof scale / sizeof scale[0])
		return false;
	if (k == 0) {
		*--t = '0';
		*--t = '.';
	}
	i = 0;
	do {
		*--t = (char)('0' + m % 10);
		m /= 10;
		if (++i == k)
			*--t = '.';
	} while (m != 0 || i <= k); /* zeros up to the point and one before it */
	if (v < 0)
		*--t = '-';
	put(b, t, (size_t)(tmp + sizeof tmp - t));
	return true;
}

/*
 * The shortest of %.15g, %.16g and %.17g that reads back as V (17 digits
 * always do). A real always shows as one (".0" added to "1"), so its type
 * survives a round trip, as jansson does. The decimal point comes from the
 * locale in printf; whatever it is, JSON's is '.'.
 */
static void
put_double(struct bk__strbuf *b, double v)
{
	char tmp[48], *o;
	size_t i, n, k;
	bool real = false, in_point = false;
	int prec;

	if (!isfinite(v)) {
		put(b, "null", 4);
		return;
	}
	if (put_double_short(b, v))
		return;
	for (prec = 15;; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, v);
		if (prec == 17 || strtod(tmp, NULL) == v)
			break;
	}
	n = strlen(tmp);
	o = bk__strbuf_reserve(b, n + 2);
	if (o == NULL)
		return;
	for (i = 0, k = 0; i < n; i++) {
		unsigned char c = (unsigned char)tmp[i];

		if ((c >= '0' && c <= '9') || c == '-' || c == '+') {
			o[k++] = (char)c;
			in_point = false;
		} else if (c == 'e') {
			o[k++] = 'e';
			real = true;
			in_point = false;
		} else if (!in_point) {
			o[k++] = '.'; /* the locale's point, however many bytes */
			real = true;
			in_point = true;
		}
	}
	if (!real) {
		o[k++] = '.';
		o[k++] = '0';
	}
	b->len += k;
}

static void
put_2digits(char *o, unsigned v)
{
	o[0] = (char)('0' + v / 10);
	o[1] = (char)('0' + v % 10);
}

/*
 * The proleptic Gregorian date of DAYS since 1970-01-01. Counted from
 * 0000-03-01, every leap day is the last day of a year, so the days fall into
 * 400-year cycles of four centuries of 36524 days (the fourth has one more,
 * the cycle's 29 February), centuries into 4-year blocks of 1461 days (the
 * last a day short, except in the fourth century), blocks into years of 365
 * days (the fourth has the leap day). Months from March repeat the lengths
 * 31 30 31 30 31, 153 days, so a day of the year maps to its month by a
 * linear formula, February falling at the end.
 */
static void
civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
	int64_t z = days + 719468; /* 0000-03-01 is day -719468 */
	int64_t cycle = (z >= 0 ? z : z - 146096) / 146097;
	unsigned r = (unsigned)(z - cycle * 146097); /* day of the cycle, 0..146096 */
	unsigned century, block, y, m;

	century = r / 36524;
	if (century == 4)
		century = 3; /* the cycle's last day, a 29 February */
	r -= century * 36524;
	block = r / 1461;
	r -= block * 1461;
	y = r / 365;
	if (y == 4)
		y = 3;         /* a block's last day, a 29 February */
	r -= y * 365;          /* day of the March-based year, 0..365 */
	m = (5 * r + 2) / 153; /* 0 is March, 11 February */
	*day = r - (153 * m + 2) / 5 + 1;
	*month = m < 10 ? m + 3 : m - 9;
	*year = cycle * 400 + century * 100 + block * 4 + y + (*month <= 2);
}

size_t
bk_time_rfc3339(char *buf, int64_t ms)
{
	size_t n = bk__time_rfc3339(buf, ms);

	if (n > 0)
		buf[n] = '\0';
	return n;
}

size_t
bk__time_rfc3339(char *buf, int64_t ms)
{
	int64_t days, rem, year;
	unsigned month, day, sec;

	if (ms < TIME_MIN || ms > TIME_MAX)
		return 0;
	days = ms / MS_PER_DAY;
	rem = ms % MS_PER_DAY;
	if (rem < 0) {
		rem += MS_PER_DAY; /* division truncates; days must round down */
		days--;
	}
	civil_from_days(days, &year, &month, &day);
	put_2digits(buf, (unsigned)(year / 100));
	put_2digits(buf + 2, (unsigned)(year % 100));
	buf[4] = '-';
	put_2digits(buf + 5, month);
	buf[7] = '-';
	put_2digits(buf + 8, day);
	buf[10] = 'T';
	sec = (unsigned)(rem / 1000);
	put_2digits(buf + 11, sec / 3600);
	buf[13] = ':';
	put_2digits(buf + 14, sec / 60 % 60);
	buf[16] = ':';
	put_2digits(buf + 17, sec % 60);
	buf[19] = '.';
	buf[20] = (char)('0' + rem % 1000 / 100);
	put_2digits(buf + 21, (unsigned)(rem % 100));
	buf[23] = 'Z';
	buf[24] = '\0';
	return 24;
}

static void
put_time(struct bk__strbuf *b, int64_t ms)
{
	/* Quotes around 24 characters; the NUL written after them becomes the closing one. */
	char *o = bk__strbuf_reserve(b, 26);

	if (o == NULL)
		return;
	o[0] = '"';
	if (bk__time_rfc3339(o + 1, ms) == 0) {
		put(b, "null", 4);
		return;
	}
	o[25] = '"';
	b->len += 26;
}

/* A jansson value as JSON, through the writer's own escaping and numbers. */
static void
put_json(struct bk__strbuf *b, json_t *v)
{
	const char *key;
	json_t *m;
	size_t i;
	bool first = true;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		put_char(b, '{');
		json_object_foreach(v, key, m) {
			if (!first)
				put_char(b, ',');
			first = false;
			/* The parser refuses NUL in keys, so strlen is the key's length. */
			bk__json_escape(b, key, strlen(key));
			put_char(b, ':');
			put_json(b, m);
		}
		put_char(b, '}');
		break;
	case JSON_ARRAY:
		put_char(b, '[');
		json_array_foreach(v, i, m) {
			if (i > 0)
				put_char(b, ',');
			put_json(b, m);
		}
		put_char(b, ']');
		break;
	case JSON_STRING:
		bk__json_escape(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		put_i64(b, (int64_t)json_integer_value(v));
		break;
	case JSON_REAL:
		put_double(b, json_real_value(v));
		break;
	case JSON_TRUE:
		put(b, "true", 4);
		break;
	case JSON_FALSE:
		put(b, "false", 5);
		break;
	case JSON_NULL:
		put(b, "null", 4);
		break;
	}
}

/* ---- the writer --------------------------------------------------------- */

struct level {
	bool array;
	bool nonempty; /* a comma goes before the next member */
};

struct bk_writer {
	FILE *out;
	struct bk__strbuf buf;
	unsigned depth; /* 0 between records */
	struct level level[MAX_DEPTH];
	char error[128];
};

bk_writer *
bk_writer_new(FILE *out)
{
	bk_writer *w;

	w = calloc(1, sizeof *w);
	if (w == NULL)
		return NULL;
	w->out = out;
	return w;
}

void
bk_writer_free(bk_writer *w)
{
	if (w == NULL)
		return;
	bk__strbuf_free(&w->buf);
	free(w);
}

/*
 * Starts a member of the innermost container: the comma, and the key where
 * one belongs. A key in an array, or none in an object, is a bug in the
 * calling code, not something the data can cause.
 */
static inline __attribute__((always_inline)) void
field(bk_writer *w, const char *key)
{
	struct level *l;

	assert(w->depth > 0);
	l = &w->level[w->depth - 1];
	if (l->array) {
		assert(key == NULL);
		if (l->nonempty)
			put_char(&w->buf, ',');
		l->nonempty = true;
		return;
	}
	assert(key != NULL);
	put_key(&w->buf, l->nonempty, key);
	l->nonempty = true;
}

void
bk_writer_begin(bk_writer *w, const char *type)
{
	assert(w->depth == 0 && type != NULL);
	w->buf.len = 0;
	w->buf.failed = false;
	put(&w->buf, "{\"type\":", 8);
	escape(&w->buf, type, strlen(type));
	w->level[0].array = false;
	w->level[0].nonempty = true;
	w->depth = 1;
}

void
bk_writer_str(bk_writer *w, const char *key, const char *s, size_t len)
{
	field(w, key);
	escape(&w->buf, s, len);
}

void
bk_writer_cstr(bk_writer *w, const char *key, const char *s)
{
	field(w, key);
	if (s == NULL)
		put(&w->buf, "null", 4);
	else
		escape(&w->buf, s, strlen(s));
}

void
bk_writer_int(bk_writer *w, const char *key, int64_t v)
{
	field(w, key);
	put_i64(&w->buf, v);
}

void
bk_writer_uint(bk_writer *w, const char *key, uint64_t v)
{
	field(w, key);
	put_u64(&w->buf, v, false);
}

void
bk_writer_double(bk_writer *w, const char *key, double v)
{
	field(w, key);
	put_double(&w->buf, v);
}

void
bk_writer_figure(bk_writer *w, const char *key, double v)
{
	if (isnan(v))
		return;
	if (v == floor(v) && fabs(v) < 9e15)
		bk_writer_int(w, key, (int64_t)v);
	else
		bk_writer_double(w, key, v);
}

void
bk_writer_bool(bk_writer *w, const char *key, bool v)
{
	field(w, key);
	if (v)
		put(&w->buf, "true", 4);
	else
		put(&w->buf, "false", 5);
}

void
bk_writer_null(bk_writer *w, const char *key)
{
	field(w, key);
	put(&w->buf, "null", 4);
}

void
bk_writer_time(bk_writer *w, const char *key, int64_t ms)
{
	field(w, key);
	put_time(&w->buf, ms);
}

static void
open_container(bk_writer *w, const char *key, bool array)
{
	field(w, key);
	assert(w->depth < MAX_DEPTH);
	put_char(&w->buf, array ? '[' : '{');
	w->level[w->depth].array = array;
	w->level[w->depth].nonempty = false;
	w->depth++;
}

static void
close_container(bk_writer *w, bool array)
{
	assert(w->depth > 1 && w->level[w->depth - 1].array == array);
	put_char(&w->buf, array ? ']' : '}');
	w->depth--;
}

void
bk_writer_object_begin(bk_writer *w, const char *key)
{
	open_container(w, key, false);
}

void
bk_writer_object_end(bk_writer *w)
{
	close_container(w, false);
}

void
bk_writer_array_begin(bk_writer *w, const char *key)
{
	open_container(w, key, true);
}

void
bk_writer_array_end(bk_writer *w)
{
	close_container(w, true);
}

void
bk__writer_json(bk_writer *w, const char *key, json_t *v)
{
	field(w, key);
	put_json(&w->buf, v);
}

void
bk_writer_fields(bk_writer *w, const bk_record *rec)
{
	const char *key;
	json_t *v;

	json_object_foreach(rec->json, key, v) {
		if (strcmp(key, "type") != 0)
			bk__writer_json(w, key, v);
	}
}

int
bk_writer_end(bk_writer *w)
{
	int rc = BK_OK, err = 0;

	assert(w->depth == 1);
	put(&w->buf, "}\n", 2);
	w->depth = 0;
	if (w->buf.failed) {
		rc = BK_NOMEM;
		err = ENOMEM;
		goto out;
	}
	errno = 0;
	if (fwrite(w->buf.data, 1, w->buf.len, w->out) != w->buf.len || ferror(w->out)) {
		/* An error flag left by an earlier write has no errno of its own. */
		err = errno != 0 ? errno : EIO;
		rc = BK_ERROR;
	}
out:
	w->buf.len = 0;
	w->buf.failed = false;
	if (rc != BK_OK) {
		snprintf(w->error, sizeof w->error, "%s", strerror(err));
		errno = err;
	}
	return rc;
}

const char *
bk_writer_error(const bk_writer *w)
{
	return w->error;
}

/* ---- the reader --------------------------------------------------------- */

struct bk_reader {
	bk_lines *lines;
	bk_input *in;
	struct bk_record rec; /* rec.json is ours, or NULL */
	uint64_t lineno;
	bool done; /* the input ended or failed: BK_EOF from now on */
	struct bk__strbuf scratch; /* for decoders of the line read (bk__reader_scratch) */
	char error[256];
};

bk_reader *
bk_reader_new(void)
{
	bk_reader *rd;

	rd = calloc(1, sizeof *rd);
	if (rd == NULL)
		return NULL;
	rd->lines = bk_lines_new(0);
	if (rd->lines == NULL) {
		free(rd);
		return NULL;
	}
	rd->done = true; /* nothing to read before a reset */
	return rd;
}

static void
drop_record(bk_reader *rd)
{
	json_decref(rd->rec.json);
	rd->rec.json = NULL;
}

void
bk_reader_free(bk_reader *rd)
{
	if (rd == NULL)
		return;
	drop_record(rd);
	bk_lines_free(rd->lines);
	bk__strbuf_free(&rd->scratch);
	free(rd);
}

void
bk_reader_reset(bk_reader *rd, bk_input *in)
{
	drop_record(rd);
	bk_lines_reset(rd->lines, in, 1);
	rd->in = in;
	rd->lineno = 0;
	rd->done = false;
	rd->error[0] = '\0';
}

/*
 * The message, with every byte outside printable ASCII made '?': jansson
 * quotes the offending input ("invalid token near '...'"), and input bytes
 * must not reach a terminal as escape sequences.
 */
static void set_error(bk_reader *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
set_error(bk_reader *rd, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	vsnprintf(rd->error, sizeof rd->error, fmt, ap);
	va_end(ap);
	for (p = rd->error; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7F)
			*p = '?';
	}
}

int
bk__reader_parse(
    bk_reader *rd, const char *line, size_t len, uint64_t lineno, const bk_record **rec)
{
	json_error_t jerr;
	json_t *j;

	drop_record(rd);
	*rec = NULL;
	rd->lineno = lineno;
	/* DECODE_ANY: a scalar such as 42 is valid JSON and deserves the exact complaint. */
	j = json_loadb(line, len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &jerr);
	if (j == NULL) {
		if (json_error_code(&jerr) == json_error_out_of_memory) {
			set_error(rd, "%" PRIu64 ": out of memory", lineno);
			return BK_NOMEM;
		}
		set_error(rd, "%" PRIu64 ": invalid JSON: %s (column %d)", lineno, jerr.text,
		    jerr.column);
		return BK_ERROR;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		set_error(rd, "%" PRIu64 ": not a JSON object", lineno);
		return BK_ERROR;
	}
	rd->rec.json = j;
	*rec = &rd->rec;
	return BK_OK;
}

/* Only JSON whitespace (a stray "\r" included): nothing to parse. */
static bool
blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return false;
	}
	return true;
}

int
bk__reader_line(bk_reader *rd, const char **data, size_t *len)
{
	struct bk_line line;
	int rc;

	drop_record(rd);
	while (!rd->done) {
		rc = bk_lines_next(rd->lines, &line);
		if (rc == BK_EOF) {
			rd->done = true;
			break;
		}
		if (rc == BK_ERROR) {
			rd->done = true;
			set_error(rd, "%s", bk_input_error(rd->in));
			return BK_ERROR;
		}
		if (rc != BK_OK) {
			set_error(rd, "%" PRIu64 ": out of memory", rd->lineno + 1);
			return BK_NOMEM;
		}
		if (line.flags & BK_LINE_CONT)
			continue; /* the rest of a line already reported as too long */
		if (line.flags & BK_LINE_SPLIT) {
			rd->lineno = line.lineno;
			set_error(rd, "%" PRIu64 ": line longer than %zu bytes", line.lineno,
			    BK_LINES_DEFAULT_MAX);
			return BK_ERROR;
		}
		/* A byte-order mark, as Windows tools write them, starts the input. */
		if (line.offset == 0 && line.len >= 3 && memcmp(line.data, BOM, 3) == 0) {
			line.data += 3;
			line.len -= 3;
		}
		if (blank(line.data, line.len))
			continue;
		rd->lineno = line.lineno;
		*data = line.data;
		*len = line.len;
		return BK_OK;
	}
	return BK_EOF;
}

int
bk_reader_next(bk_reader *rd, const bk_record **rec)
{
	const char *line;
	size_t len;
	int rc;

	*rec = NULL;
	if ((rc = bk__reader_line(rd, &line, &len)) != BK_OK)
		return rc;
	return bk__reader_parse(rd, line, len, rd->lineno, rec);
}

struct bk__strbuf *
bk__reader_scratch(bk_reader *rd)
{
	return &rd->scratch;
}

uint64_t
bk_reader_lineno(const bk_reader *rd)
{
	return rd->lineno;
}

const char *
bk_reader_error(const bk_reader *rd)
{
	return rd->error;
}

/* ---- records ------------------------------------------------------------ */

json_t *
bk__record_json(const bk_record *rec)
{
	return rec->json;
}

const char *
bk_record_type(const bk_record *rec)
{
	const char *type = bk_record_str(rec, "type");

	return type != NULL ? type : "";
}

const char *
bk_record_str(const bk_record *rec, const char *key)
{
	return bk_record_strn(rec, key, NULL);
}

const char *
bk_record_strn(const bk_record *rec, const char *key, size_t *len)
{
	json_t *v = json_object_get(rec->json, key);

	if (!json_is_string(v))
		return NULL;
	if (len != NULL)
		*len = json_string_length(v);
	return json_string_value(v);
}

int
bk_record_int(const bk_record *rec, const char *key, int64_t *v)
{
	json_t *j = json_object_get(rec->json, key);

	if (!json_is_integer(j))
		return BK_ERROR;
	*v = (int64_t)json_integer_value(j);
	return BK_OK;
}

int
bk_record_double(const bk_record *rec, const char *key, double *v)
{
	json_t *j = json_object_get(rec->json, key);

	if (!json_is_number(j))
		return BK_ERROR;
	*v = json_number_value(j);
	return BK_OK;
}

bool
bk_record_has(const bk_record *rec, const char *key)
{
	return json_object_get(rec->json, key) != NULL;
}
