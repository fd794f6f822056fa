/*
 * charset.c - decode Shift_JIS (CP932) and EUC-JP lines to UTF-8, and guess
 * which of the three an input is written in.
 *
 * The matching tools work on UTF-8 only, but the systems behind a Japanese
 * breach (the 2015 Japan Pension Service case among them) write their logs and
 * exports in CP932 or EUC-JP. Conversion is left to iconv(3), the C library's
 * own tables; this file adds what iconv lacks for a search tool: it never
 * stops at a bad byte (each one becomes U+FFFD and is counted, so a damaged
 * line is still searched), it owns one output buffer sized by the longest
 * line, and it passes UTF-8 and pure ASCII lines through without copying,
 * which is what most log lines are. Detection looks only at a sample of an
 * input's first bytes, in linear time, without allocating.
 */
#include "config.h"

#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "charset.h"

#define NO_ICONV ((iconv_t)-1)

static const char utf8_bom[3] = { '\xEF', '\xBB', '\xBF' };
static const char replacement[3] = { '\xEF', '\xBF', '\xBD' };	/* U+FFFD */

/* ---- names -------------------------------------------------------------- */

static const struct {
	const char *name;
	enum bk_charset cs;
} charset_names[] = {
	{ "auto", BK_CHARSET_AUTO },
	{ "utf-8", BK_CHARSET_UTF8 },
	{ "utf8", BK_CHARSET_UTF8 },
	{ "cp932", BK_CHARSET_SJIS },
	{ "windows-31j", BK_CHARSET_SJIS },
	{ "ms932", BK_CHARSET_SJIS },
	{ "shift_jis", BK_CHARSET_SHIFT_JIS },
	{ "shift-jis", BK_CHARSET_SHIFT_JIS },
	{ "sjis", BK_CHARSET_SHIFT_JIS },
	{ "euc-jp", BK_CHARSET_EUCJP },
	{ "eucjp", BK_CHARSET_EUCJP },
};

/*
 * What iconv_open is asked for, best first. Plain Shift_JIS tables would turn
 * the NEC and IBM extensions Windows writes (①, ㈱, 髙) into errors and read
 * 0x5C as a yen sign, which breaks paths; "CP932" is glibc's and GNU
 * libiconv's name for what Windows really writes.
 *
 * For EUC-JP, glibc's "EUC-JP-MS" (eucJP-ms) is preferred to "EUC-JP": it
 * decodes every sequence EUC-JP does, plus the NEC row 13 and IBM extensions
 * that EUC files made on or for Windows carry, and it reads the seven
 * characters JIS and Microsoft disagree on (A1C1 wave dash, A1C2, A1DD, A1F1,
 * A1F2, A2CC, 8FA2C3) as the code points CP932 gives them. The cost is that
 * A1C1 decodes to U+FF5E rather than JIS's U+301C; for a search tool it is
 * worth more that a pattern written once matches text from either encoding.
 * Plain EUC-JP is the fallback for C libraries without eucJP-ms.
 */
static const char *const cp932_iconv_names[] = { "CP932", "WINDOWS-31J", NULL };
/* Asked for by name only: it is what the JIS standard says, not what Windows writes. */
static const char *const shift_jis_iconv_names[] = { "SHIFT_JIS", "SJIS", NULL };
static const char *const eucjp_iconv_names[] = { "EUC-JP-MS", "EUC-JP", NULL };

int
bk_charset_parse(const char *name, enum bk_charset *cs)
{
	size_t i;

	if (name == NULL)
		return BK_ERROR;
	for (i = 0; i < sizeof charset_names / sizeof charset_names[0]; i++) {
		if (strcasecmp(name, charset_names[i].name) == 0) {
			*cs = charset_names[i].cs;
			return BK_OK;
		}
	}
	return BK_ERROR;
}

const char *
bk_charset_name(enum bk_charset cs)
{
	switch (cs) {
	case BK_CHARSET_AUTO:
		return "auto";
	case BK_CHARSET_UTF8:
		return "utf-8";
	case BK_CHARSET_SJIS:
		return "cp932";
	case BK_CHARSET_EUCJP:
		return "euc-jp";
	case BK_CHARSET_SHIFT_JIS:
		return "shift_jis";
	}
	return "unknown";
}

/* ---- detection ---------------------------------------------------------- */

/* The length of P's leading run of ASCII bytes, a word at a time. */
static size_t
ascii_prefix(const unsigned char *p, size_t len)
{
	uint64_t w;
	size_t i;

	for (i = 0; i + sizeof w <= len; i += sizeof w) {
		memcpy(&w, p + i, sizeof w);
		if (w & UINT64_C(0x8080808080808080))
			break;
	}
	while (i < len && p[i] < 0x80)
		i++;
	return i;
}

/* Strict UTF-8 (no overlongs, surrogates or code points past U+10FFFF). */
static bool
utf8_valid(const unsigned char *p, size_t len)
{
	size_t i = 0, n, k;
	unsigned char c, lo, hi;

	while ((i += ascii_prefix(p + i, len - i)) < len) {
		c = p[i++];
		lo = 0x80;
		hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 2;
			lo = c == 0xE0 ? 0xA0 : 0x80;
			hi = c == 0xED ? 0x9F : 0xBF;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 3;
			lo = c == 0xF0 ? 0x90 : 0x80;
			hi = c == 0xF4 ? 0x8F : 0xBF;
		} else {
			return false;
		}
		for (k = 0; k < n; k++, i++) {
			if (i == len)
				return true;	/* cut by the end of the sample */
			if (p[i] < lo || p[i] > hi)
				return false;
			lo = 0x80;
			hi = 0xBF;
		}
	}
	return true;
}

/*
 * How well one reading explains a sample: bytes it cannot decode, and points
 * for characters that real Japanese text is made of. Both readings score
 * JIS X 0208 characters by row, so that they are weighed alike.
 */
struct reading {
	size_t errors;
	size_t points;
};

/*
 * Kana (rows 4-5) and level-1 kanji (16-47) are most of any Japanese text;
 * symbols, full-width letters (1-3) and level-2 kanji (48-84) are plausible.
 * Half-width kana, worth half a symbol, is real in Japanese business data
 * (furigana fields) but rarer than any of those, so that EUC-JP kanji whose
 * two bytes CP932 reads as two half-width kana still score more as kanji.
 * NEC and IBM extensions, user-defined areas and JIS X 0212 score nothing.
 */
#define HALFWIDTH_POINTS 1

static size_t
jis_row_points(unsigned row)
{
	if (row == 4 || row == 5)
		return 6;
	if (row >= 16 && row <= 47)
		return 4;
	if ((row >= 1 && row <= 3) || (row >= 48 && row <= 84))
		return 2;
	return 0;
}

static void
read_eucjp(const unsigned char *p, size_t len, struct reading *r)
{
	size_t i = 0, n, k;
	unsigned char c, hi;

	while ((i += ascii_prefix(p + i, len - i)) < len) {
		c = p[i];
		n = c == 0x8F ? 2 : 1;		/* SS3: two bytes of JIS X 0212 */
		hi = c == 0x8E ? 0xDF : 0xFE;	/* SS2: one half-width kana */
		if (c != 0x8E && c != 0x8F && (c < 0xA1 || c == 0xFF)) {
			r->errors++;
			i++;
			continue;
		}
		for (k = 1; k <= n; k++) {
			if (i + k == len)
				return;		/* cut by the end of the sample */
			if (p[i + k] < 0xA1 || p[i + k] > hi)
				break;
		}
		if (k <= n) {
			r->errors++;
			i++;
			continue;
		}
		if (c == 0x8E)
			r->points += HALFWIDTH_POINTS;
		else if (c != 0x8F)	/* JIS X 0212 is rare: nothing */
			r->points += jis_row_points(c - 0xA0u);
		i += n + 1;
	}
}

static void
read_cp932(const unsigned char *p, size_t len, struct reading *r)
{
	size_t i = 0;
	unsigned char c, t;
	unsigned row;

	while ((i += ascii_prefix(p + i, len - i)) < len) {
		c = p[i];
		if (c >= 0xA1 && c <= 0xDF) {
			r->points += HALFWIDTH_POINTS;
			i++;
			continue;
		}
		if (!((c >= 0x81 && c <= 0x9F) || (c >= 0xE0 && c <= 0xFC))) {
			r->errors++;
			i++;
			continue;
		}
		if (i + 1 == len)
			return;			/* cut by the end of the sample */
		t = p[i + 1];
		if (t < 0x40 || t == 0x7F || t > 0xFC) {
			r->errors++;
			i++;
			continue;
		}
		/*
		 * Shift_JIS packs two JIS rows into each lead byte. 8E A1-DF
		 * and 8F A1-FE, common kanji here, are also how EUC-JP starts
		 * half-width kana and JIS X 0212 characters; a sample EUC-JP
		 * reads without error that holds them is far likelier EUC-JP,
		 * so they earn CP932 nothing.
		 */
		row = (c <= 0x9F ? c - 0x81u : c - 0xC1u) * 2 + (t >= 0x9F ? 2 : 1);
		if (!((c == 0x8E && t >= 0xA1 && t <= 0xDF) || (c == 0x8F && t >= 0xA1)))
			r->points += jis_row_points(row);
		i += 2;
	}
}

/*
 * The rule: a BOM or valid UTF-8 means UTF-8. Otherwise the reading with
 * fewer undecodable bytes wins, then the one with more points, then CP932.
 * Errors settle nearly every real sample: CP932 kana, level-1 kanji and
 * symbols use lead bytes 81-9F, which are errors in EUC-JP, and runs of CP932
 * half-width kana of odd length leave an EUC-JP lead byte without its trail.
 * What remains ambiguous is a sample whose high bytes all pair up within
 * A1-FE: it is read as EUC-JP when that makes kana and kanji of it (A4 A2 is
 * EUC-JP "あ", not CP932 half-width "､｢"), so a short CP932 sample of only
 * half-width kana in even runs is taken for EUC-JP; EUC-JP half-width kana
 * (8E xx) would be CP932 kanji but for the exception in read_cp932. Ties (a single
 * byte, or only undecodable ones) go to CP932, by far the more common on the
 * systems that write Japanese logs.
 */
enum bk_charset
bk_charset_detect(const void *sample, size_t len)
{
	const unsigned char *p = sample;
	struct reading sjis = { 0, 0 }, euc = { 0, 0 };

	if (len == 0 || (len >= 3 && memcmp(p, utf8_bom, 3) == 0) || utf8_valid(p, len))
		return BK_CHARSET_UTF8;
	read_cp932(p, len, &sjis);
	read_eucjp(p, len, &euc);
	if (sjis.errors != euc.errors)
		return euc.errors < sjis.errors ? BK_CHARSET_EUCJP : BK_CHARSET_SJIS;
	return euc.points > sjis.points ? BK_CHARSET_EUCJP : BK_CHARSET_SJIS;
}

/* ---- decoder ------------------------------------------------------------ */

struct bk_decoder {
	enum bk_charset mode;	/* as created: AUTO decides again at every reset */
	enum bk_charset cs;	/* the current input's, never AUTO */
	iconv_t sjis, eucjp;	/* NO_ICONV unless MODE can need it */
	char *buf;		/* converted line */
	size_t cap;
	size_t replaced;
	bool bom_pending;	/* the next line is the input's first */
	size_t bom_skipped;	/* bytes of BOM dropped from the last line */
};

static iconv_t
open_iconv(const char *const *names)
{
	iconv_t cd = NO_ICONV;

	for (; *names != NULL && cd == NO_ICONV; names++)
		cd = iconv_open("UTF-8", *names);
	return cd;
}

bk_decoder *
bk_decoder_new(enum bk_charset cs)
{
	bk_decoder *d;

	if (cs != BK_CHARSET_AUTO && cs != BK_CHARSET_UTF8 && cs != BK_CHARSET_SJIS &&
	    cs != BK_CHARSET_EUCJP && cs != BK_CHARSET_SHIFT_JIS)
		return NULL;
	d = calloc(1, sizeof *d);
	if (d == NULL)
		return NULL;
	d->mode = cs;
	d->sjis = d->eucjp = NO_ICONV;
	/* Auto mode opens both now: reset has no way to report a failure. */
	/* One Shift_JIS-family table: CP932, or strict Shift_JIS when named. */
	if (cs == BK_CHARSET_SJIS || cs == BK_CHARSET_AUTO || cs == BK_CHARSET_SHIFT_JIS) {
		d->sjis = open_iconv(cs == BK_CHARSET_SHIFT_JIS ? shift_jis_iconv_names :
		    cp932_iconv_names);
		if (d->sjis == NO_ICONV)
			goto fail;
	}
	if (cs == BK_CHARSET_EUCJP || cs == BK_CHARSET_AUTO) {
		d->eucjp = open_iconv(eucjp_iconv_names);
		if (d->eucjp == NO_ICONV)
			goto fail;
	}
	bk_decoder_reset(d, NULL, 0);
	return d;
fail:
	bk_decoder_free(d);
	return NULL;
}

void
bk_decoder_free(bk_decoder *d)
{
	if (d == NULL)
		return;
	if (d->sjis != NO_ICONV)
		iconv_close(d->sjis);
	if (d->eucjp != NO_ICONV)
		iconv_close(d->eucjp);
	free(d->buf);
	free(d);
}

void
bk_decoder_reset(bk_decoder *d, const void *sample, size_t len)
{
	if (d->mode != BK_CHARSET_AUTO)
		d->cs = d->mode;
	else if (sample == NULL)
		d->cs = BK_CHARSET_UTF8;
	else
		d->cs = bk_charset_detect(sample, len);
	d->replaced = 0;
	d->bom_pending = true;
}

enum bk_charset
bk_decoder_charset(const bk_decoder *d)
{
	return d->cs;
}

size_t
bk_decoder_replaced(const bk_decoder *d)
{
	return d->replaced;
}

/*
 * Makes room for EXTRA more bytes after the first USED of the buffer. Growth
 * doubles, so a run of long lines costs few reallocations, and stops at what
 * was asked for, so the buffer stays near the longest line's need.
 */
static int
reserve(bk_decoder *d, size_t used, size_t extra)
{
	size_t need, cap;
	char *buf;

	if (extra > SIZE_MAX - used)
		return BK_NOMEM;
	need = used + extra;
	if (need <= d->cap)
		return BK_OK;
	cap = d->cap > SIZE_MAX / 2 ? SIZE_MAX : d->cap * 2;
	if (cap < need)
		cap = need;
	buf = realloc(d->buf, cap);
	if (buf == NULL)
		return BK_NOMEM;
	d->buf = buf;
	d->cap = cap;
	return BK_OK;
}

/*
 * Converts IN, whose first ASCII bytes are plain copies, into the buffer.
 * Every CP932 or EUC-JP byte turns into at most three bytes of UTF-8 (U+FFFD
 * included), so reserving three per byte up front means iconv never runs out
 * of room in practice; E2BIG is still handled for iconvs that disagree.
 */
static int
convert(bk_decoder *d, iconv_t cd, const char *in, size_t len, size_t ascii,
    const char **out, size_t *outlen)
{
	char *src, *dst;
	size_t inleft, outleft, used, skip;
	int rc = BK_NOMEM, err;

	if (len > (SIZE_MAX - 16) / 3)
		goto out;
	rc = reserve(d, 0, len * 3 + 16);
	if (rc != BK_OK)
		goto out;
	memcpy(d->buf, in, ascii);
	/* iconv's prototype predates const; it never writes through its input. */
	src = (char *)(uintptr_t)(in + ascii);
	inleft = len - ascii;
	dst = d->buf + ascii;
	outleft = d->cap - ascii;
	/* Lines are independent: a bad line must not leave state for the next. */
	iconv(cd, NULL, NULL, NULL, NULL);
	while (inleft > 0) {
		if (iconv(cd, &src, &inleft, &dst, &outleft) != (size_t)-1)
			break;
		err = errno;
		used = (size_t)(dst - d->buf);
		if (err == E2BIG || outleft < sizeof replacement) {
			/* On E2BIG, ask for more than is left, or the loop would spin. */
			rc = reserve(d, used, inleft * 3 + 16 + (err == E2BIG ? outleft : 0));
			if (rc != BK_OK)
				goto out;
			dst = d->buf + used;
			outleft = d->cap - used;
			if (err == E2BIG)
				continue;
		}
		/*
		 * EILSEQ: skip one byte, so a bad lead byte cannot swallow the
		 * good character after it. EINVAL: the line ends inside a
		 * character, and all that is left of it is replaced.
		 */
		skip = err == EINVAL ? inleft : 1;
		memcpy(dst, replacement, sizeof replacement);
		dst += sizeof replacement;
		outleft -= sizeof replacement;
		src += skip;
		inleft -= skip;
		d->replaced += skip;
	}
	*out = d->buf;
	*outlen = (size_t)(dst - d->buf);
out:
	return rc;
}

int
bk_decoder_line(bk_decoder *d, const char *in, size_t len, const char **out, size_t *outlen)
{
	size_t ascii;

	d->bom_skipped = 0;
	if (d->bom_pending) {
		d->bom_pending = false;
		if (d->cs == BK_CHARSET_UTF8 && len >= 3 && memcmp(in, utf8_bom, 3) == 0) {
			in += 3;
			len -= 3;
			d->bom_skipped = 3;
		}
	}
	/*
	 * CP932 and eucJP-ms map 00-7F to ASCII (0x5C stays a backslash, as
	 * it does not in JIS X 0201), so ASCII bytes are already UTF-8.
	 */
	ascii = d->cs == BK_CHARSET_UTF8 ? len : ascii_prefix((const unsigned char *)in, len);
	/* In JIS X 0201, 0x5C is a yen sign and 0x7E an overline: not ASCII. */
	if (d->cs == BK_CHARSET_SHIFT_JIS)
		for (size_t i = 0; i < ascii; i++)
			if (in[i] == 0x5c || in[i] == 0x7e) {
				ascii = i;
				break;
			}
	if (ascii == len) {
		*out = in;
		*outlen = len;
		return BK_OK;
	}
	return convert(d, d->cs == BK_CHARSET_EUCJP ? d->eucjp : d->sjis, in, len, ascii, out,
	    outlen);
}

/* How many bytes the character at P (of N) takes in the current charset. */
static size_t
mb_len(enum bk_charset cs, const unsigned char *p, size_t n)
{
	size_t want = 1;

	if ((cs == BK_CHARSET_SJIS || cs == BK_CHARSET_SHIFT_JIS) &&
	    ((p[0] >= 0x81 && p[0] <= 0x9f) || (p[0] >= 0xe0 && p[0] <= 0xfc)))
		want = 2;
	else if (cs == BK_CHARSET_EUCJP && p[0] == 0x8f)
		want = 3;
	else if (cs == BK_CHARSET_EUCJP && (p[0] == 0x8e || (p[0] >= 0xa1 && p[0] <= 0xfe)))
		want = 2;
	return want <= n ? want : n;
}

size_t
bk_decoder_origin(bk_decoder *d, const char *in, size_t len, size_t off)
{
	const unsigned char *p = (const unsigned char *)in + d->bom_skipped;
	size_t n = len - d->bom_skipped, i = 0, o = 0;
	iconv_t cd = d->cs == BK_CHARSET_EUCJP ? d->eucjp : d->sjis;

	if (d->cs == BK_CHARSET_UTF8)
		return off + d->bom_skipped < len ? off + d->bom_skipped : len;
	/* Walk the line as convert() did: one character, or one bad byte, at a time. */
	while (i < n && o < off) {
		size_t k = p[i] < 0x80 ? 1 : mb_len(d->cs, p + i, n - i);
		char tmp[16], *src = (char *)(uintptr_t)(p + i), *dst = tmp;
		size_t inleft = k, outleft = sizeof tmp;

		if (k > 1) {
			iconv(cd, NULL, NULL, NULL, NULL);
			if (iconv(cd, &src, &inleft, &dst, &outleft) == (size_t)-1 || inleft > 0) {
				k = 1;	/* convert() replaced the lead byte alone */
				dst = tmp + sizeof replacement;
			}
		} else if (d->cs == BK_CHARSET_SHIFT_JIS && (p[i] == 0x5c || p[i] == 0x7e)) {
			dst = tmp + (p[i] == 0x5c ? 2 : 3);	/* ¥ U+00A5, ‾ U+203E */
		} else {
			dst = tmp + (p[i] < 0x80 ? 1 : sizeof replacement);
		}
		o += (size_t)(dst - tmp);
		i += k;
	}
	return i + d->bom_skipped;
}
