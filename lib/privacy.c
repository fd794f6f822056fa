/*
 * privacy.c - masking and keyed hashing of personal values; see privacy.h.
 *
 * Masking works on characters, not bytes, so a multibyte character becomes
 * one '*' and a masked Japanese name does not betray its byte length three
 * times over. The hash key is derived from the key file by hashing it, so any
 * sufficiently long file of random bytes is a key and no format can be got
 * wrong; libsodium wipes it from memory when the hasher goes.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "privacy.h"

#define KEY_MIN 16		/* bytes of key file, at least */
#define KEY_FILE_MAX (1 << 20)	/* a key file is small; a bigger one is a wrong path */

struct bk_hasher {
	unsigned char key[crypto_generichash_KEYBYTES];
	bool have_key;
	char err[256];
};

/*
 * What bk_mask asks of a byte, one table lookup for all of it: letters and
 * digits (counted, and kept at the end), separators (kept), the bytes that
 * may make the value an email, and those outside ASCII.
 */
enum { M_ALNUM = 1, M_SEP = 2, M_AT = 4, M_PCT = 8, M_HIGH = 16 };

#define H16 M_HIGH, M_HIGH, M_HIGH, M_HIGH, M_HIGH, M_HIGH, M_HIGH, M_HIGH, \
	M_HIGH, M_HIGH, M_HIGH, M_HIGH, M_HIGH, M_HIGH, M_HIGH, M_HIGH

/* clang-format off */
static const unsigned char mask_class[256] = {
	[' '] = M_SEP, ['-'] = M_SEP, ['.'] = M_SEP, ['/'] = M_SEP, [':'] = M_SEP,
	['('] = M_SEP, [')'] = M_SEP, ['+'] = M_SEP, ['@'] = M_AT, ['%'] = M_PCT,
	['0'] = M_ALNUM, ['1'] = M_ALNUM, ['2'] = M_ALNUM, ['3'] = M_ALNUM, ['4'] = M_ALNUM,
	['5'] = M_ALNUM, ['6'] = M_ALNUM, ['7'] = M_ALNUM, ['8'] = M_ALNUM, ['9'] = M_ALNUM,
	['A'] = M_ALNUM, ['B'] = M_ALNUM, ['C'] = M_ALNUM, ['D'] = M_ALNUM, ['E'] = M_ALNUM,
	['F'] = M_ALNUM, ['G'] = M_ALNUM, ['H'] = M_ALNUM, ['I'] = M_ALNUM, ['J'] = M_ALNUM,
	['K'] = M_ALNUM, ['L'] = M_ALNUM, ['M'] = M_ALNUM, ['N'] = M_ALNUM, ['O'] = M_ALNUM,
	['P'] = M_ALNUM, ['Q'] = M_ALNUM, ['R'] = M_ALNUM, ['S'] = M_ALNUM, ['T'] = M_ALNUM,
	['U'] = M_ALNUM, ['V'] = M_ALNUM, ['W'] = M_ALNUM, ['X'] = M_ALNUM, ['Y'] = M_ALNUM,
	['Z'] = M_ALNUM,
	['a'] = M_ALNUM, ['b'] = M_ALNUM, ['c'] = M_ALNUM, ['d'] = M_ALNUM, ['e'] = M_ALNUM,
	['f'] = M_ALNUM, ['g'] = M_ALNUM, ['h'] = M_ALNUM, ['i'] = M_ALNUM, ['j'] = M_ALNUM,
	['k'] = M_ALNUM, ['l'] = M_ALNUM, ['m'] = M_ALNUM, ['n'] = M_ALNUM, ['o'] = M_ALNUM,
	['p'] = M_ALNUM, ['q'] = M_ALNUM, ['r'] = M_ALNUM, ['s'] = M_ALNUM, ['t'] = M_ALNUM,
	['u'] = M_ALNUM, ['v'] = M_ALNUM, ['w'] = M_ALNUM, ['x'] = M_ALNUM, ['y'] = M_ALNUM,
	['z'] = M_ALNUM,
	[0x80] = H16, H16, H16, H16, H16, H16, H16, H16,
};
/* clang-format on */

/*
 * Length of the UTF-8 character starting at P (1 for invalid bytes), within
 * N: the lead byte's length when the continuation bytes follow, whatever
 * they encode.
 */
static inline size_t
char_len(const unsigned char *p, size_t n)
{
	size_t want = *p < 0xc2 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : *p < 0xf5 ? 4 : 1;

	if (want == 1 || want > n || (p[1] & 0xc0) != 0x80)
		return 1;
	if (want == 2)
		return 2;
	if ((p[2] & 0xc0) != 0x80)
		return 1;
	if (want == 3)
		return 3;
	return (p[3] & 0xc0) == 0x80 ? 4 : 1;
}

/* An email keeps its local part's first character and its domain ('@' or %40). */
static size_t
mask_email(const char *v, size_t len, const char *at, char *out)
{
	size_t first = char_len((const unsigned char *)v, len);
	size_t o = 0;

	if (at == v)
		first = 0;
	memcpy(out, v, first);
	o = first;
	memcpy(out + o, "***", 3);
	o += 3;
	memcpy(out + o, at, len - (size_t)(at - v));
	return o + len - (size_t)(at - v);
}

#ifdef __SSE2__
/* The classes of 16 bytes, a bit per byte, and the bytes masked as if none were kept. */
struct classes16 {
	unsigned alnum, email, high;
	__m128i masked;
};

static inline struct classes16
classify16(__m128i v)
{
	__m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
	/* Signed comparisons: bytes from 0x80 are below everything here. */
	__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
	    _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
	__m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
	    _mm_cmplt_epi8(lower, _mm_set1_epi8('z' + 1)));
	/* ( ) + - . / are the separators among ( ) * + , - . / */
	__m128i punct = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('(' - 1)),
	    _mm_cmplt_epi8(v, _mm_set1_epi8('/' + 1)));
	__m128i not_sep = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('*')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
	__m128i sep = _mm_or_si128(_mm_andnot_si128(not_sep, punct),
	    _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8(':'))));
	__m128i email = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')),
	    _mm_cmpeq_epi8(v, _mm_set1_epi8('%')));
	struct classes16 c;

	c.alnum = (unsigned)_mm_movemask_epi8(_mm_or_si128(digit, alpha));
	c.email = (unsigned)_mm_movemask_epi8(email);
	c.high = (unsigned)_mm_movemask_epi8(v);
	c.masked = _mm_or_si128(_mm_and_si128(sep, v), _mm_andnot_si128(sep, _mm_set1_epi8('*')));
	return c;
}

/* The bits set in the low 16 of X. */
static inline unsigned
popcount16(unsigned x)
{
	x = x - ((x >> 1) & 0x5555);
	x = (x & 0x3333) + ((x >> 2) & 0x3333);
	x = (x + (x >> 4)) & 0x0F0F;
	return (x + (x >> 8)) & 0x1F;
}

/*
 * The first pass of bk_mask over the LEN >= 8 bytes at V, sixteen at a time
 * (the last block, or for fewer than 16 bytes two words, overlapping what
 * came before: stores write the same bytes twice, counts leave the overlap
 * out). Returns the letters and digits; *ANY gets M_AT, M_PCT (either, for
 * '@' or '%') and M_HIGH.
 */
static size_t
classify(const unsigned char *v, size_t len, char *out, unsigned char *any)
{
	struct classes16 c;
	unsigned email = 0, high = 0;
	size_t alnum = 0, i;
	uint64_t a, z;

	if (len < 16) {
		memcpy(&a, v, 8);
		memcpy(&z, v + len - 8, 8);
		c = classify16(_mm_set_epi64x((long long)z, (long long)a));
		_mm_storel_epi64((__m128i *)(void *)out, c.masked);
		_mm_storel_epi64((__m128i *)(void *)(out + len - 8), _mm_srli_si128(c.masked, 8));
		alnum = popcount16(c.alnum & 0xFF) + popcount16(c.alnum >> 8 >> (16 - len));
		email = c.email;
		high = c.high;
	} else {
		for (i = 0; i + 16 <= len; i += 16) {
			c = classify16(_mm_loadu_si128((const __m128i *)(const void *)(v + i)));
			_mm_storeu_si128((__m128i *)(void *)(out + i), c.masked);
			alnum += popcount16(c.alnum);
			email |= c.email;
			high |= c.high;
		}
		if (i < len) {
			c = classify16(_mm_loadu_si128((const __m128i *)(const void *)(v + len - 16)));
			_mm_storeu_si128((__m128i *)(void *)(out + len - 16), c.masked);
			alnum += popcount16(c.alnum >> (16 - (len - i)));
			email |= c.email;
			high |= c.high;
		}
	}
	*any = (unsigned char)((email != 0 ? M_AT : 0) | (high != 0 ? M_HIGH : 0));
	return alnum;
}
#endif

/*
 * A value is short, and masked for every finding printed, so one pass does
 * most of the work: it classifies the bytes, counts letters and digits and
 * writes the mask of an ASCII value as if none were kept (with SSE2 sixteen
 * bytes at a time). The last few letters and digits are then put back from
 * the end. An '@' or a '%' sends the value the careful way: an '@' anywhere
 * makes an email, and only without one does the first "%40"; multibyte
 * characters, which count as one each, take a second pass.
 */
size_t
bk_mask(const char *value, size_t len, char *out)
{
	const unsigned char *v = (const unsigned char *)value;
	const char *at;
	size_t alnum = 0, keep, seen = 0, o = 0, thr, i;
	unsigned char any = 0, cls;

#ifdef __SSE2__
	if (len >= 8)
		alnum = classify(v, len, out, &any);
	else
#endif
		for (i = 0; i < len; i++) {
			cls = mask_class[v[i]];
			out[i] = cls & M_SEP ? (char)v[i] : '*';
			alnum += cls & M_ALNUM;
			any |= cls;
		}
	if (any & (M_AT | M_PCT)) {
		at = memchr(value, '@', len);
		for (i = 0; at == NULL && i + 3 <= len; i++)
			if (value[i] == '%' && value[i + 1] == '4' && value[i + 2] == '0')
				at = value + i; /* URL-encoded, as in query strings */
		if (at != NULL)
			return mask_email(value, len, at, out);
	}
	keep = alnum >= 8 ? 4 : alnum >= 3 ? alnum / 3 : 0;
	if (!(any & M_HIGH)) {
		for (i = len; keep > 0; i--) {
			if (mask_class[v[i - 1]] & M_ALNUM) {
				out[i - 1] = (char)v[i - 1];
				keep--;
			}
		}
		return len;
	}
	thr = alnum - keep; /* letters and digits from this one on stay */
	/* Names and addresses: the first character tells them apart. */
	if ((i = char_len(v, len)) > 1) {
		for (o = 0; o < i; o++)
			out[o] = (char)v[o];
	}
	if (i == 1)
		i = 0;
	while (i < len) {
		if (v[i] < 0x80) {
			cls = mask_class[v[i]];
			if ((cls & M_SEP) || ((cls & M_ALNUM) && seen >= thr))
				out[o++] = (char)v[i];
			else
				out[o++] = '*';
			seen += cls & M_ALNUM;
			i++;
		} else {
			out[o++] = '*';
			i += char_len(v + i, len - i);
		}
	}
	return o;
}

size_t
bk_canonical(const char *value, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];

		if (c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')')
			continue;
		out[o++] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
	}
	return o;
}

bk_hasher *
bk_hasher_new(void)
{
	if (sodium_init() < 0)
		return NULL;
	return calloc(1, sizeof(bk_hasher));
}

void
bk_hasher_free(bk_hasher *h)
{
	if (h == NULL)
		return;
	sodium_memzero(h->key, sizeof h->key);
	free(h);
}

int
bk_hasher_load_key(bk_hasher *h, const char *path)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd, rc = BK_ERROR;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(h->err, sizeof h->err, "%s", strerror(errno));
		return BK_ERROR;
	}
	buf = malloc(KEY_FILE_MAX + 1);
	if (buf == NULL) {
		close(fd);
		return BK_NOMEM;
	}
	while (len <= KEY_FILE_MAX &&
	    (n = read(fd, buf + len, KEY_FILE_MAX + 1 - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(h->err, sizeof h->err, "%s", strerror(errno));
			goto out;
		}
		len += (size_t)n;
	}
	if (len < KEY_MIN) {
		snprintf(h->err, sizeof h->err,
		    "a key file needs at least %d bytes (make one with: head -c 32 /dev/urandom > FILE)",
		    KEY_MIN);
		goto out;
	}
	if (len > KEY_FILE_MAX) {
		snprintf(h->err, sizeof h->err, "too large for a key file (over 1 MiB)");
		goto out;
	}
	crypto_generichash(h->key, sizeof h->key, buf, len, NULL, 0);
	h->have_key = true;
	rc = BK_OK;
out:
	sodium_memzero(buf, len);
	free(buf);
	close(fd);
	return rc;
}

void
bk_hasher_hash(const bk_hasher *h, const char *kind, const char *value, size_t len,
    char out[BK_HASH_HEX + 1])
{
	crypto_generichash_state st;
	unsigned char digest[BK_HASH_HEX / 2];
	char canon[256];
	size_t done = 0;

	crypto_generichash_init(&st, h->key, h->have_key ? sizeof h->key : 0, sizeof digest);
	/* The kind and a NUL first: the same digits as two kinds hash apart. */
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
	while (done < len) {
		size_t take = len - done < sizeof canon ? len - done : sizeof canon;
		size_t n = bk_canonical(value + done, take, canon);

		crypto_generichash_update(&st, (const unsigned char *)canon, n);
		done += take;
	}
	crypto_generichash_final(&st, digest, sizeof digest);
	sodium_bin2hex(out, BK_HASH_HEX + 1, digest, sizeof digest);
}

const char *
bk_hasher_error(const bk_hasher *h)
{
	return h->err;
}
