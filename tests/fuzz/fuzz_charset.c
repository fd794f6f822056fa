/*
 * fuzz_charset.c - libFuzzer harness of charset detection and decoding
 * (lib/charset.c).
 *
 * The bytes are a sample for bk_charset_detect, whole and cut in the middle
 * (a cut multibyte character is allowed at the end of a sample), and then an
 * input's lines: split at "\n" with a trailing "\r" dropped, as bk_lines
 * does, they go through a decoder of each charset, AUTO included with the
 * bytes as its sample.
 *
 * The contract checked: detection never answers AUTO and AUTO decodes as
 * detection said; CP932 and EUC-JP output is always valid UTF-8 (the
 * validator below is strict: no overlongs, surrogates or code points past
 * U+10FFFF), whatever the line held, and pure ASCII lines are passed through
 * without a copy; UTF-8 lines are passed through untouched but for a
 * byte-order mark on the first line; the replaced-byte count only grows, by
 * at most the bytes of the line.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "breachkit.h"
#include "fuzz.h"

/* Strict UTF-8, RFC 3629. */
static bool
valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp, min;
		size_t more;

		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xE0) == 0xC0) {
			more = 1, cp = c & 0x1Fu, min = 0x80;
		} else if ((c & 0xF0) == 0xE0) {
			more = 2, cp = c & 0x0Fu, min = 0x800;
		} else if ((c & 0xF8) == 0xF0) {
			more = 3, cp = c & 0x07u, min = 0x10000;
		} else {
			return false;
		}
		if (n - i - 1 < more)
			return false;
		for (size_t k = 1; k <= more; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3Fu);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += more + 1;
	}
	return true;
}

static bool
all_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

static void
decode_lines(enum bk_charset cs, enum bk_charset detected, const char *data, size_t size)
{
	bk_decoder *d = bk_decoder_new(cs);
	const char *p = data, *end = data + size, *out;
	size_t outlen, replaced = 0;
	bool first = true;
	enum bk_charset used;

	if (d == NULL)
		return;		/* this C library's iconv lacks the charset */
	bk_decoder_reset(d, data, size);
	used = bk_decoder_charset(d);
	FUZZ_CHECK(used == (cs == BK_CHARSET_AUTO ? detected : cs));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl != NULL ? nl : end) - p);

		if (nl != NULL && len > 0 && p[len - 1] == '\r')
			len--;
		FUZZ_CHECK(bk_decoder_line(d, p, len, &out, &outlen) == BK_OK);
		if (used == BK_CHARSET_UTF8) {
			size_t bom = first && len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;

			FUZZ_CHECK(out == p + bom && outlen == len - bom);
		} else {
			FUZZ_CHECK(valid_utf8((const unsigned char *)out, outlen));
			if (all_ascii(p, len))
				FUZZ_CHECK(out == p && outlen == len);
		}
		FUZZ_CHECK(bk_decoder_replaced(d) >= replaced);
		FUZZ_CHECK(bk_decoder_replaced(d) - replaced <= len);
		replaced = bk_decoder_replaced(d);
		first = false;
		p = nl != NULL ? nl + 1 : end;
	}
	bk_decoder_free(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum bk_charset all[] = {
		BK_CHARSET_UTF8, BK_CHARSET_SJIS, BK_CHARSET_EUCJP, BK_CHARSET_AUTO,
	};
	enum bk_charset detected = bk_charset_detect(data, size);
	enum bk_charset half = bk_charset_detect(data, size / 2);

	FUZZ_CHECK(detected == BK_CHARSET_UTF8 || detected == BK_CHARSET_SJIS ||
	    detected == BK_CHARSET_EUCJP);
	FUZZ_CHECK(half == BK_CHARSET_UTF8 || half == BK_CHARSET_SJIS ||
	    half == BK_CHARSET_EUCJP);
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		decode_lines(all[i], detected, (const char *)data, size);
	return 0;
}
