/*
 * normalize.c - fold full-width forms and dash look-alikes to ASCII, with a
 * map back to the original offsets; see normalize.h.
 *
 * Every character this module folds is three bytes of UTF-8 that become one
 * ASCII byte, and all of them start with E2, E3 or EF. Those bytes can never
 * be UTF-8 continuation bytes, so a foldable sequence is recognised by its own
 * three bytes wherever it stands, even right after invalid input: the module
 * needs no decoder, and everything that is not one of the sequences below is
 * copied byte for byte.
 *
 * Most lines hold nothing to fold, so the scan looks for the next foldable
 * sequence a block at a time (16 bytes with SSE2, else 8): a block of ASCII
 * is skipped with one test; otherwise the block is tested for the lead,
 * second and third bytes of a foldable sequence at once, which passes over
 * the kana, kanji and CJK punctuation that share the lead bytes without a
 * branch per character. Only when something folds is the line copied, into a
 * buffer that grows to the longest line folded and is then reused.
 *
 * The offset map records runs of folded characters that are adjacent in the
 * output: a run starts at output offset OUT with FOLDS characters folded
 * before it. Each fold shortens the text by two bytes, so an output offset
 * maps back by adding twice the folds before it, found by a binary search over
 * the runs. A line of full-width digits and dashes is one run; a line with no
 * fold has none and maps to itself.
 */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"

struct run {
	size_t out;	/* output offset of the run's first folded character */
	size_t folds;	/* characters folded before it */
};

struct bk_norm {
	char *buf;	/* folded text, when it differs from the input */
	size_t cap;

	struct run *runs;	/* the last call's map, in output order */
	size_t nruns, runs_cap;
	size_t folds;	/* characters folded in the last call */
	size_t len, outlen;	/* the last call's input and output lengths */
};

bk_norm *
bk_norm_new(void)
{
	return calloc(1, sizeof(bk_norm));
}

void
bk_norm_free(bk_norm *n)
{
	if (n == NULL)
		return;
	free(n->buf);
	free(n->runs);
	free(n);
}

/* ---- recognising foldable sequences ------------------------------------ */

/* Whether P[0, 3) is a full-width digit, U+FF10..FF19. */
static inline int
fullwidth_digit(const unsigned char *p)
{
	return p[0] == 0xEF && p[1] == 0xBC && p[2] >= 0x90 && p[2] <= 0x99;
}

/*
 * Whether the prolonged sound mark at S[I, I+3) stands between two digits.
 * The character before counts as it reads after folding: an ASCII digit or a
 * full-width one. Neither can be the tail of another character, so the bytes
 * just before I tell, without decoding the line from its start.
 */
static int
between_digits(const unsigned char *s, size_t len, size_t i)
{
	size_t next = i + 3;
	int before = (i >= 1 && (unsigned)(s[i - 1] - '0') < 10) ||
	    (i >= 3 && fullwidth_digit(s + i - 3));

	if (!before)
		return 0;
	return (next < len && (unsigned)(s[next] - '0') < 10) ||
	    (len - next >= 3 && fullwidth_digit(s + next));
}

/*
 * The ASCII byte the sequence at S[I] folds to, or 0 when it does not fold.
 *
 *   E2 80 90..95  U+2010..2015  hyphen, non-breaking hyphen, figure dash, en
 *                               dash, em dash, horizontal bar      -> '-'
 *   E2 88 92      U+2212        minus sign                         -> '-'
 *   E3 80 80      U+3000        ideographic space                  -> ' '
 *   E3 83 BC      U+30FC        katakana prolonged sound mark      -> '-' *
 *   EF B9 98      U+FE58        small em dash                      -> '-'
 *   EF B9 A3      U+FE63        small hyphen-minus                 -> '-'
 *   EF BC 81..BF  U+FF01..FF3F  full-width ! .. _                  -> 21..5F
 *   EF BD 80..9E  U+FF40..FF5E  full-width ` .. ~                  -> 60..7E
 *   EF BD B0      U+FF70        half-width prolonged sound mark    -> '-' *
 *
 * (* only between digits.) The wave dash U+301C is not folded: it reads
 * "from ... to" in ranges, not a minus, and CP932 data writes it as U+FF5E,
 * which folds to '~' with the rest of the full-width forms.
 */
static inline int
fold_at(const unsigned char *s, size_t len, size_t i)
{
	unsigned c1, c2;

	if (len - i < 3)
		return 0;
	c1 = s[i + 1];
	c2 = s[i + 2];
	switch (s[i]) {
	case 0xE2:
		if ((c1 == 0x80 && c2 >= 0x90 && c2 <= 0x95) || (c1 == 0x88 && c2 == 0x92))
			return '-';
		return 0;
	case 0xE3:
		if (c1 == 0x80 && c2 == 0x80)
			return ' ';
		if (c1 == 0x83 && c2 == 0xBC && between_digits(s, len, i))
			return '-';
		return 0;
	case 0xEF:
		if (c1 == 0xBC && c2 >= 0x81 && c2 <= 0xBF)
			return (int)c2 - 0x60;
		if (c1 == 0xBD && c2 >= 0x80 && c2 <= 0x9E)
			return (int)c2 - 0x20;
		if (c1 == 0xBD && c2 == 0xB0 && between_digits(s, len, i))
			return '-';
		if (c1 == 0xB9 && (c2 == 0x98 || c2 == 0xA3))
			return '-';
		return 0;
	default:
		return 0;
	}
}

/* ---- scanning a block at a time ---------------------------------------- */

/*
 * A block is tested for the byte triples that can fold: E3 80 80, E2 80
 * 90..97, E2 88 92, EF B9/BC/BD xx, and E3 83 BC followed by an ASCII digit
 * or EF. That is a little wider than the table above (fold_at has the last
 * word) but narrow enough that Japanese text rarely costs a call to fold_at,
 * even with the prolonged sound marks of katakana words (サーバー). SSE2 is
 * part of every x86-64; elsewhere, and for lines too short for a 16-byte
 * block, the same test runs on 64-bit words.
 */

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS (ONES * 0x80)
#define LOWS (ONES * 0x7F)
#define B(x) (ONES * (x))

static inline uint64_t
load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

/* 0x80 in each byte of V that is zero, 0 elsewhere (exact: no borrow crosses bytes). */
static inline uint64_t
zero_bytes(uint64_t v)
{
	return ~(((v & LOWS) + LOWS) | v | LOWS);
}

/*
 * 0x80 in each byte of the word at P that may start a foldable sequence.
 * Reads P[0, 11).
 */
static inline uint64_t
word_candidates(const unsigned char *p)
{
	uint64_t a = load64(p), b, c, d, b80, e3, e2, ef, next;

	/* No byte >= E0 (all three top bits set): ASCII or two-byte characters. */
	if ((a & (a << 1) & (a << 2) & HIGHS) == 0)
		return 0;
	b = load64(p + 1);
	c = load64(p + 2);
	d = load64(p + 3);
	b80 = zero_bytes(b ^ B(0x80));
	/* D is an ASCII digit (3x with x <= 9) or EF. */
	next = zero_bytes(((d ^ B(0x30)) & B(0xF0)) | (((d & B(0x0F)) + B(0x06)) & B(0x10))) |
	    zero_bytes(d ^ B(0xEF));
	e3 = zero_bytes(a ^ B(0xE3)) &
	    ((b80 & zero_bytes(c ^ B(0x80))) |
		(zero_bytes(b ^ B(0x83)) & zero_bytes(c ^ B(0xBC)) & next));
	e2 = zero_bytes(a ^ B(0xE2)) &
	    ((b80 & zero_bytes((c ^ B(0x90)) & B(0xF8))) |
		(zero_bytes(b ^ B(0x88)) & zero_bytes(c ^ B(0x92))));
	ef = zero_bytes(a ^ B(0xEF)) &
	    (zero_bytes(b ^ B(0xB9)) | zero_bytes((b ^ B(0xBC)) & B(0xFE)));
	return e3 | e2 | ef;
}

#if defined(__SSE2__) && defined(__GNUC__)
#define USE_SSE2 1
#include <emmintrin.h>

#define EQ(x, v) _mm_cmpeq_epi8((x), _mm_set1_epi8((char)(v)))

/* Bit J set when P[J] may start a foldable sequence, for J < 16. Reads P[0, 19). */
static inline unsigned
block_candidates(const unsigned char *p)
{
	__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p), b, c, d, b80, e3, e2, ef, m;

	if (_mm_movemask_epi8(a) == 0)
		return 0;
	b = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
	c = _mm_loadu_si128((const __m128i *)(const void *)(p + 2));
	d = _mm_loadu_si128((const __m128i *)(const void *)(p + 3));
	b80 = EQ(b, 0x80);
	/* The byte after a prolonged sound mark: D - '0' <= 9 (unsigned), or EF. */
	m = _mm_sub_epi8(d, _mm_set1_epi8('0'));
	m = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(m, _mm_set1_epi8(9)), m), EQ(d, 0xEF));
	e3 = _mm_and_si128(EQ(a, 0xE3),
	    _mm_or_si128(_mm_and_si128(b80, EQ(c, 0x80)),
		_mm_and_si128(_mm_and_si128(EQ(b, 0x83), EQ(c, 0xBC)), m)));
	e2 = _mm_and_si128(EQ(a, 0xE2),
	    _mm_or_si128(_mm_and_si128(b80, EQ(_mm_and_si128(c, _mm_set1_epi8((char)0xF8)), 0x90)),
		_mm_and_si128(EQ(b, 0x88), EQ(c, 0x92))));
	ef = _mm_and_si128(EQ(a, 0xEF),
	    _mm_or_si128(EQ(b, 0xB9), EQ(_mm_or_si128(b, _mm_set1_epi8(1)), 0xBD)));
	m = _mm_or_si128(e3, _mm_or_si128(e2, ef));
	return (unsigned)_mm_movemask_epi8(m);
}

/* The first candidate in MASK (bit J: S[BASE + J]) that folds, or LEN. */
static inline size_t
pick_block(const unsigned char *s, size_t len, size_t base, unsigned mask, int *c)
{
	while (mask != 0) {
		unsigned j = (unsigned)__builtin_ctz(mask);

		mask &= mask - 1;
		if ((*c = fold_at(s, len, base + j)) != 0)
			return base + j;
	}
	return len;
}
#endif

/* The first candidate in a word's MASK (0x80 in byte J: S[BASE + J]) that folds, or LEN. */
static inline size_t
pick_word(const unsigned char *s, size_t len, size_t base, uint64_t mask, int *c)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	while (mask != 0) {
		unsigned j = (unsigned)__builtin_ctzll(mask) / 8;

		mask &= mask - 1;
		if ((*c = fold_at(s, len, base + j)) != 0)
			return base + j;
	}
#else
	/* Where the byte order is unknown, the word's bytes are tried in turn. */
	if (mask != 0)
		for (size_t j = base; j < base + 8; j++)
			if (s[j] >= 0xE2 && (*c = fold_at(s, len, j)) != 0)
				return j;
#endif
	return len;
}

/*
 * The offset of the first foldable sequence at or after I, storing what it
 * folds to in *C; LEN when there is none.
 */
static size_t
next_fold(const unsigned char *s, size_t len, size_t i, int *c)
{
	size_t p;

#ifdef USE_SSE2
	if (len >= 19) {
		for (; len - i >= 19; i += 16)
			if ((p = pick_block(s, len, i, block_candidates(s + i), c)) < len)
				return p;
		/*
		 * The rest is read as one block overlapping the one before, up to
		 * LEN - 4, and LEN - 3, the last offset where three bytes fit,
		 * on its own.
		 */
		if (i >= len - 2)
			return len;
		p = len - 19;
		p = pick_block(s, len, p, block_candidates(s + p) & (~0u << (i - p)), c);
		if (p < len)
			return p;
		return s[len - 3] >= 0xE2 && (*c = fold_at(s, len, len - 3)) != 0 ? len - 3 : len;
	}
#endif
	for (; len - i >= 11; i += 8)
		if ((p = pick_word(s, len, i, word_candidates(s + i), c)) < len)
			return p;
	for (; i < len; i++)
		if (s[i] >= 0xE2 && (*c = fold_at(s, len, i)) != 0)
			return i;
	return len;
}

/* ---- folding ------------------------------------------------------------- */

static int
grow_runs(bk_norm *n)
{
	size_t cap = n->runs_cap > 0 ? n->runs_cap * 2 : 64;
	struct run *r = realloc(n->runs, cap * sizeof *r);

	if (r == NULL)
		return BK_NOMEM;
	n->runs = r;
	n->runs_cap = cap;
	return BK_OK;
}

/*
 * Whether S[0, LEN) is all ASCII: nothing then folds, and nearly every log
 * line is. Sixteen bytes ORed at a time, one test at the end.
 */
static bool
all_ascii(const unsigned char *s, size_t len)
{
	size_t i = 0;
	unsigned high = 0;

#ifdef USE_SSE2
	if (len >= 16) {
		__m128i acc = _mm_setzero_si128();

		for (; i + 16 <= len; i += 16)
			acc = _mm_or_si128(acc, _mm_loadu_si128((const __m128i *)(const void *)(s + i)));
		/* The rest as the last 16 bytes, read again in part. */
		acc = _mm_or_si128(acc, _mm_loadu_si128((const __m128i *)(const void *)(s + len - 16)));
		return _mm_movemask_epi8(acc) == 0;
	}
#endif
	for (; i < len; i++)
		high |= s[i];
	return high < 0x80;
}

int
bk_norm_fold(bk_norm *n, const char *in, size_t len, const char **out, size_t *outlen)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t p, from = 0, o = 0, nruns = 0, folds = 0, run_end = SIZE_MAX;
	char *buf;
	int c;

	n->nruns = 0;
	n->folds = 0;
	n->len = n->outlen = len;
	if (all_ascii(s, len) || (p = next_fold(s, len, 0, &c)) == len) {
		*out = in;
		*outlen = len;
		return BK_OK;
	}

	/* Folding only shortens, so LEN bytes always suffice. The old text is not kept. */
	if (len > n->cap) {
		free(n->buf);
		n->cap = 0;
		if ((n->buf = malloc(len)) == NULL)
			goto nomem;
		n->cap = len;
	}
	/* Locals, not N's fields: stores to BUF could alias them and force reloads. */
	buf = n->buf;
	do {
		size_t span = p - from;

		/* Between folds of full-width text the spans are short; skip the call. */
		if (span <= 16)
			for (size_t k = 0; k < span; k++)
				buf[o + k] = (char)s[from + k];
		else
			memcpy(buf + o, s + from, span);
		o += span;
		/* A fold right after the previous one extends its run. */
		if (o != run_end) {
			if (nruns == n->runs_cap && grow_runs(n) != BK_OK)
				goto nomem;
			n->runs[nruns].out = o;
			n->runs[nruns].folds = folds;
			nruns++;
		}
		buf[o++] = (char)c;
		run_end = o;
		folds++;
		from = p + 3;
		/* Full-width text comes in runs: try the next character before scanning. */
		if (from < len && s[from] >= 0xE2 && (c = fold_at(s, len, from)) != 0)
			p = from;
		else
			p = next_fold(s, len, from, &c);
	} while (p < len);
	memcpy(buf + o, s + from, len - from);
	o += len - from;

	n->nruns = nruns;
	n->folds = folds;
	n->outlen = o;
	*out = buf;
	*outlen = o;
	return BK_OK;

nomem:
	/* The map falls back to the identity of an empty text. */
	n->len = n->outlen = 0;
	return BK_NOMEM;
}

size_t
bk_norm_origin(const bk_norm *n, size_t off)
{
	size_t lo = 0, hi = n->nruns, k;
	const struct run *r;

	if (off >= n->outlen)
		return n->len;
	/* The last run starting at or before OFF: runs[lo - 1]. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (n->runs[mid].out <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return off;
	r = &n->runs[lo - 1];
	/* Folds in the run before OFF; the run ends where the next one's count starts. */
	k = off - r->out;
	if (lo < n->nruns) {
		if (k > n->runs[lo].folds - r->folds)
			k = n->runs[lo].folds - r->folds;
	} else if (k > n->folds - r->folds) {
		k = n->folds - r->folds;
	}
	return off + 2 * (r->folds + k);
}
