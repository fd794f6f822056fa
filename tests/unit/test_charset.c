/*
 * test_charset.c - unit tests of lib/charset.c.
 *
 * Expected output is exact bytes: either the UTF-8 source a fixture was made
 * from with iconv(1) (tests/data/charset/make.sh), or literals written here.
 * The source file is UTF-8, so literals such as "髙" are the bytes expected.
 */
#include "config.h"

/* Before cmocka.h, which redefines malloc and free under UNIT_TESTING. */
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define FFFD "\xEF\xBF\xBD"
#define BOM "\xEF\xBB\xBF"

/* The realistic record: line 3 of the pension fixtures. */
static const char pension_line[] =
	"2015-05-08T01:15:03Z 氏名=髙橋 一郎 ﾌﾘｶﾞﾅ=ﾀｶﾊｼ ｲﾁﾛｳ 基礎年金番号=1234-567890 "
	"生年月日=昭和45年3月1日 住所=東京都杉並区高井戸東3-25-1 勤務先=㈱日本年金サービス 区分=①";

struct file {
	char *data;
	size_t len;
};

static struct file
slurp(const char *name)
{
	char path[4096];
	struct file f = { NULL, 0 };
	FILE *fp;
	long n;

	snprintf(path, sizeof path, "%s/charset/%s", BK_TESTDATA, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	f.len = (size_t)n;
	f.data = malloc(f.len);
	assert_non_null(f.data);
	assert_int_equal(fread(f.data, 1, f.len, fp), f.len);
	fclose(fp);
	return f;
}

/* The next line of F from *POS, without its newline; false at the end. */
static bool
next_line(const struct file *f, size_t *pos, const char **line, size_t *len)
{
	const char *nl;

	if (*pos >= f->len)
		return false;
	*line = f->data + *pos;
	nl = memchr(*line, '\n', f->len - *pos);
	*len = nl != NULL ? (size_t)(nl - *line) : f->len - *pos;
	*pos += *len + 1;
	return true;
}

/* Decodes one line and checks the result against EXPECT (a C string). */
static void
decode_is(bk_decoder *d, const char *in, size_t len, const char *expect)
{
	const char *out = NULL;
	size_t outlen = 0;

	assert_int_equal(bk_decoder_line(d, in, len, &out, &outlen), BK_OK);
	assert_int_equal(outlen, strlen(expect));
	assert_memory_equal(out, expect, outlen);
}

#define DECODE_IS(d, lit, expect) decode_is((d), (lit), sizeof(lit) - 1, (expect))

/* ---- names -------------------------------------------------------------- */

static void
test_parse(void **state)
{
	static const struct {
		const char *name;
		enum bk_charset cs;
	} cases[] = {
		{ "auto", BK_CHARSET_AUTO },		{ "AUTO", BK_CHARSET_AUTO },
		{ "utf-8", BK_CHARSET_UTF8 },		{ "UTF-8", BK_CHARSET_UTF8 },
		{ "utf8", BK_CHARSET_UTF8 },		{ "Utf8", BK_CHARSET_UTF8 },
		{ "cp932", BK_CHARSET_SJIS },		{ "CP932", BK_CHARSET_SJIS },
		{ "windows-31j", BK_CHARSET_SJIS },	{ "Windows-31J", BK_CHARSET_SJIS },
		{ "ms932", BK_CHARSET_SJIS },		{ "MS932", BK_CHARSET_SJIS },
		/* Strict Shift_JIS is its own encoding, not an alias of CP932. */
		{ "sjis", BK_CHARSET_SHIFT_JIS },	{ "SJIS", BK_CHARSET_SHIFT_JIS },
		{ "shift_jis", BK_CHARSET_SHIFT_JIS },	{ "Shift_JIS", BK_CHARSET_SHIFT_JIS },
		{ "shift-jis", BK_CHARSET_SHIFT_JIS },
		{ "euc-jp", BK_CHARSET_EUCJP },		{ "EUC-JP", BK_CHARSET_EUCJP },
		{ "eucjp", BK_CHARSET_EUCJP },		{ "eucJP", BK_CHARSET_EUCJP },
	};
	static const char *const unknown[] = { "latin1", "", "utf", "euc-jp ", "shift-jis2", "cp9320" };
	enum bk_charset cs;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cs = (enum bk_charset)99;
		assert_int_equal(bk_charset_parse(cases[i].name, &cs), BK_OK);
		assert_int_equal(cs, cases[i].cs);
	}
	for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		cs = BK_CHARSET_EUCJP;
		assert_int_equal(bk_charset_parse(unknown[i], &cs), BK_ERROR);
		assert_int_equal(cs, BK_CHARSET_EUCJP);	/* untouched on error */
	}
	assert_int_equal(bk_charset_parse(NULL, &cs), BK_ERROR);
}

static void
test_name(void **state)
{
	static const enum bk_charset all[] = {
		BK_CHARSET_AUTO, BK_CHARSET_UTF8, BK_CHARSET_SJIS, BK_CHARSET_EUCJP,
		BK_CHARSET_SHIFT_JIS,
	};
	enum bk_charset cs;
	size_t i;

	(void)state;
	assert_string_equal(bk_charset_name(BK_CHARSET_AUTO), "auto");
	assert_string_equal(bk_charset_name(BK_CHARSET_UTF8), "utf-8");
	assert_string_equal(bk_charset_name(BK_CHARSET_SJIS), "cp932");
	assert_string_equal(bk_charset_name(BK_CHARSET_EUCJP), "euc-jp");
	assert_string_equal(bk_charset_name(BK_CHARSET_SHIFT_JIS), "shift_jis");
	for (i = 0; i < sizeof all / sizeof all[0]; i++) {
		assert_int_equal(bk_charset_parse(bk_charset_name(all[i]), &cs), BK_OK);
		assert_int_equal(cs, all[i]);
	}
}

/* ---- decoding fixtures ---------------------------------------------------- */

/* Decodes ENCODED line by line as CS and compares with its UTF-8 source. */
static void
decode_fixture(enum bk_charset cs, const char *encoded, const char *source)
{
	struct file enc = slurp(encoded), src = slurp(source);
	size_t epos = 0, spos = 0, elen, slen, outlen, lines = 0;
	const char *eline, *sline, *out;
	bk_decoder *d = bk_decoder_new(cs);

	assert_non_null(d);
	bk_decoder_reset(d, NULL, 0);
	assert_int_equal(bk_decoder_charset(d), cs);
	while (next_line(&enc, &epos, &eline, &elen)) {
		assert_true(next_line(&src, &spos, &sline, &slen));
		assert_int_equal(bk_decoder_line(d, eline, elen, &out, &outlen), BK_OK);
		assert_int_equal(outlen, slen);
		assert_memory_equal(out, sline, slen);
		lines++;
	}
	assert_false(next_line(&src, &spos, &sline, &slen));
	assert_true(lines >= 2);
	assert_int_equal(bk_decoder_replaced(d), 0);
	bk_decoder_free(d);
	free(enc.data);
	free(src.data);
}

static void
test_decode_cp932_fixture(void **state)
{
	(void)state;
	decode_fixture(BK_CHARSET_SJIS, "pension.cp932.txt", "pension.utf8.txt");
	/* A strict Shift_JIS encoder's output is CP932 too. */
	decode_fixture(BK_CHARSET_SJIS, "jis.sjis.txt", "jis.utf8.txt");
}

static void
test_decode_eucjp_fixture(void **state)
{
	(void)state;
	decode_fixture(BK_CHARSET_EUCJP, "pension.eucjp.txt", "pension.utf8.txt");
	decode_fixture(BK_CHARSET_EUCJP, "jis.eucjp.txt", "jis.utf8.txt");
}

/* Finds the Nth line (from 0) of a fixture; the caller frees F.data. */
static void
fixture_line(const char *name, int n, struct file *f, const char **line, size_t *len)
{
	size_t pos = 0;

	*f = slurp(name);
	do
		assert_true(next_line(f, &pos, line, len));
	while (n-- > 0);
}

static bool
contains(const char *hay, size_t haylen, const char *needle, size_t len)
{
	return memmem(hay, haylen, needle, len) != NULL;
}

static void
test_pension_record(void **state)
{
	struct file f;
	const char *line;
	size_t len;
	bk_decoder *d = bk_decoder_new(BK_CHARSET_SJIS);

	(void)state;
	assert_non_null(d);
	fixture_line("pension.cp932.txt", 2, &f, &line, &len);
	/* The encoder wrote the Windows-only codes, not substitutes. */
	assert_true(contains(line, len, "\x87\x40", 2));	/* ① NEC row 13 */
	assert_true(contains(line, len, "\x87\x8A", 2));	/* ㈱ */
	assert_true(contains(line, len, "\xFB\xFC", 2));	/* 髙 IBM extension */
	assert_true(contains(line, len, "\xCC\xD8\xB6\xDE\xC5", 5));	/* ﾌﾘｶﾞﾅ, one byte each */
	decode_is(d, line, len, pension_line);
	free(f.data);
	bk_decoder_free(d);

	d = bk_decoder_new(BK_CHARSET_EUCJP);
	assert_non_null(d);
	fixture_line("pension.eucjp.txt", 2, &f, &line, &len);
	assert_true(contains(line, len, "\xAD\xA1", 2));	/* ① */
	assert_true(contains(line, len, "\x8F\xF4\xFB", 3));	/* 髙 */
	assert_true(contains(line, len, "\x8E\xCC\x8E\xD8", 4));	/* ﾌﾘ after SS2 */
	decode_is(d, line, len, pension_line);
	free(f.data);
	bk_decoder_free(d);
}

/* 0x5C is a trail byte of 表 and ソ in CP932, and a backslash elsewhere. */
static void
test_cp932_0x5c(void **state)
{
	bk_decoder *d = bk_decoder_new(BK_CHARSET_SJIS);

	(void)state;
	assert_non_null(d);
	DECODE_IS(d, "C:\\share\\\x94\x4E\x8B\xE0\x8B\x4C\x98\x5E\x95\x5C.csv \x83\x5C\x83\x74\x83\x67",
	    "C:\\share\\年金記録表.csv ソフト");
	bk_decoder_free(d);
}

/* glibc's CP932 against bytes Windows writes, both ways. */
static void
test_cp932_extensions(void **state)
{
	static const char utf8[] = "①㈱髙﨑№ⅰⅢ㈲";
	static const char cp932[] = "\x87\x40\x87\x8A\xFB\xFC\xFA\xB1\x87\x82\xFA\x40\x87\x56\x87\x8B";
	char enc[64], *src = enc, *dst;
	const char *in = utf8;
	size_t inleft = sizeof utf8 - 1, outleft = sizeof enc;
	iconv_t cd = iconv_open("CP932", "UTF-8");
	bk_decoder *d = bk_decoder_new(BK_CHARSET_SJIS);

	(void)state;
	assert_non_null(d);
	assert_true(cd != (iconv_t)-1);
	dst = enc;
	memcpy(&src, &in, sizeof src);
	assert_int_equal(iconv(cd, &src, &inleft, &dst, &outleft), 0);
	assert_int_equal((size_t)(dst - enc), sizeof cp932 - 1);
	assert_memory_equal(enc, cp932, sizeof cp932 - 1);
	decode_is(d, enc, (size_t)(dst - enc), utf8);
	/* Windows also writes 髙 in the NEC-selected IBM rows (EE E0). */
	DECODE_IS(d, "\xEE\xE0\xFB\xFC", "髙髙");
	assert_int_equal(bk_decoder_replaced(d), 0);
	iconv_close(cd);
	bk_decoder_free(d);
}

/* eucJP-ms maps the disputed characters as CP932 does, and has its extensions. */
static void
test_eucjp_ms(void **state)
{
	bk_decoder *euc = bk_decoder_new(BK_CHARSET_EUCJP);
	bk_decoder *sjis = bk_decoder_new(BK_CHARSET_SJIS);

	(void)state;
	assert_non_null(euc);
	assert_non_null(sjis);
	DECODE_IS(euc, "\xA1\xC1\xA1\xDD", "～－");	/* U+FF5E U+FF0D, not U+301C U+2212 */
	DECODE_IS(sjis, "\x81\x60\x81\x7C", "～－");
	DECODE_IS(euc, "\xAD\xA1\xAD\xEA\x8F\xF4\xFB\x8E\xB6", "①㈱髙ｶ");
	DECODE_IS(euc, "\x8F\xA2\xB7", "～");		/* JIS X 0212 */
	assert_int_equal(bk_decoder_replaced(euc), 0);
	bk_decoder_free(euc);
	bk_decoder_free(sjis);
}

/* ---- invalid input -------------------------------------------------------- */

static void
test_invalid_mid_line(void **state)
{
	bk_decoder *d = bk_decoder_new(BK_CHARSET_SJIS);

	(void)state;
	assert_non_null(d);
	DECODE_IS(d, "ab\x80" "cd", "ab" FFFD "cd");
	assert_int_equal(bk_decoder_replaced(d), 1);
	/* A lead byte with an ASCII byte after it: the ASCII byte survives. */
	DECODE_IS(d, "\x82\xA0\x82 x", "あ" FFFD " x");
	assert_int_equal(bk_decoder_replaced(d), 2);
	DECODE_IS(d, "\x82\xA0\xFF\x82\xA2\xFD\xFE\x8A\xBF", "あ" FFFD "い" FFFD FFFD "漢");
	assert_int_equal(bk_decoder_replaced(d), 5);
	bk_decoder_free(d);

	d = bk_decoder_new(BK_CHARSET_EUCJP);
	assert_non_null(d);
	DECODE_IS(d, "\xA4\x41\xA4\xA2", FFFD "Aあ");
	DECODE_IS(d, "x\xFFy\x8E\xE0z", "x" FFFD "y" FFFD FFFD "z");
	assert_int_equal(bk_decoder_replaced(d), 4);
	bk_decoder_free(d);
}

static void
test_invalid_line_end(void **state)
{
	bk_decoder *d = bk_decoder_new(BK_CHARSET_SJIS);

	(void)state;
	assert_non_null(d);
	DECODE_IS(d, "abc\x82", "abc" FFFD);
	assert_int_equal(bk_decoder_replaced(d), 1);
	/* Nothing carries over: the next line starts clean. */
	DECODE_IS(d, "\xA0\x82\xA0", FFFD "あ");
	assert_int_equal(bk_decoder_replaced(d), 2);
	bk_decoder_free(d);

	d = bk_decoder_new(BK_CHARSET_EUCJP);
	assert_non_null(d);
	DECODE_IS(d, "\xA4\xA2x\x8F\xA2", "あx" FFFD);	/* two bytes, one U+FFFD */
	assert_int_equal(bk_decoder_replaced(d), 2);
	DECODE_IS(d, "\xA4", FFFD);
	assert_int_equal(bk_decoder_replaced(d), 3);
	bk_decoder_reset(d, NULL, 0);
	assert_int_equal(bk_decoder_replaced(d), 0);
	bk_decoder_free(d);
}

/* ---- UTF-8, ASCII and the byte-order mark ---------------------------------- */

static void
test_utf8_zero_copy(void **state)
{
	static const char line[] = "氏名 \xFF\xC0 invalid bytes pass untouched";
	const char *out = NULL;
	size_t outlen = 0;
	bk_decoder *d = bk_decoder_new(BK_CHARSET_UTF8);

	(void)state;
	assert_non_null(d);
	assert_int_equal(bk_decoder_line(d, line, sizeof line - 1, &out, &outlen), BK_OK);
	assert_ptr_equal(out, line);
	assert_int_equal(outlen, sizeof line - 1);
	assert_int_equal(bk_decoder_replaced(d), 0);
	bk_decoder_free(d);
}

static void
test_ascii_zero_copy(void **state)
{
	static const char line[] = "GET /a\\b~c HTTP/1.1 200 \t 1234-567890";
	const char *out = NULL;
	size_t outlen = 0;
	bk_decoder *d = bk_decoder_new(BK_CHARSET_EUCJP);

	(void)state;
	assert_non_null(d);
	assert_int_equal(bk_decoder_line(d, line, sizeof line - 1, &out, &outlen), BK_OK);
	assert_ptr_equal(out, line);
	assert_int_equal(outlen, sizeof line - 1);
	assert_int_equal(bk_decoder_line(d, line, 0, &out, &outlen), BK_OK);
	assert_int_equal(outlen, 0);
	bk_decoder_free(d);
}

static void
test_bom(void **state)
{
	static const char first[] = BOM "id,氏名";
	static const char second[] = BOM "x";
	const char *out = NULL;
	size_t outlen = 0;
	bk_decoder *d = bk_decoder_new(BK_CHARSET_UTF8);

	(void)state;
	assert_non_null(d);
	bk_decoder_reset(d, NULL, 0);
	assert_int_equal(bk_decoder_line(d, first, sizeof first - 1, &out, &outlen), BK_OK);
	assert_ptr_equal(out, first + 3);
	assert_int_equal(outlen, sizeof first - 4);
	/* Only the first line of an input. */
	assert_int_equal(bk_decoder_line(d, second, sizeof second - 1, &out, &outlen), BK_OK);
	assert_ptr_equal(out, second);
	assert_int_equal(outlen, sizeof second - 1);
	/* A new input checks again; a line of nothing but the mark is empty. */
	bk_decoder_reset(d, NULL, 0);
	DECODE_IS(d, BOM, "");
	DECODE_IS(d, BOM, BOM);
	/* A first line without a mark uses up the check. */
	bk_decoder_reset(d, NULL, 0);
	DECODE_IS(d, "a", "a");
	DECODE_IS(d, BOM "b", BOM "b");
	bk_decoder_free(d);

	/* Auto mode: a mark means UTF-8, even before bytes that are not. */
	d = bk_decoder_new(BK_CHARSET_AUTO);
	assert_non_null(d);
	bk_decoder_reset(d, BOM "\x82\xA0", 5);
	assert_int_equal(bk_decoder_charset(d), BK_CHARSET_UTF8);
	DECODE_IS(d, BOM "\x82\xA0", "\x82\xA0");
	bk_decoder_free(d);

	/* Told CP932, the decoder reads the mark's bytes as CP932. */
	d = bk_decoder_new(BK_CHARSET_SJIS);
	assert_non_null(d);
	DECODE_IS(d, BOM "ab", FFFD "ｻｿab");
	bk_decoder_free(d);
}

/* ---- detection ------------------------------------------------------------ */

static void
test_detect_fixtures(void **state)
{
	static const struct {
		const char *name;
		enum bk_charset cs;
	} cases[] = {
		{ "pension.utf8.txt", BK_CHARSET_UTF8 },
		{ "pension.cp932.txt", BK_CHARSET_SJIS },
		{ "pension.eucjp.txt", BK_CHARSET_EUCJP },
		{ "jis.utf8.txt", BK_CHARSET_UTF8 },
		{ "jis.sjis.txt", BK_CHARSET_SJIS },
		{ "jis.eucjp.txt", BK_CHARSET_EUCJP },
	};
	struct file f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		f = slurp(cases[i].name);
		assert_int_equal(bk_charset_detect(f.data, f.len), cases[i].cs);
		free(f.data);
	}
}

static void
test_detect_ascii(void **state)
{
	static const char log[] = "10.0.0.1 - - [08/May/2015:10:15:02 +0900] \"GET / HTTP/1.1\" 200 512\n";

	(void)state;
	assert_int_equal(bk_charset_detect(log, sizeof log - 1), BK_CHARSET_UTF8);
	assert_int_equal(bk_charset_detect("", 0), BK_CHARSET_UTF8);
	assert_int_equal(bk_charset_detect(NULL, 0), BK_CHARSET_UTF8);
}

/*
 * Samples cut anywhere: every prefix of the pension record line that holds
 * two bytes of its first multibyte character is detected as the whole file
 * is. (One byte alone is a tie, and goes to CP932; see the next test.)
 */
static void
test_detect_truncated(void **state)
{
	static const struct {
		const char *name;
		enum bk_charset cs;
	} cases[] = {
		{ "pension.utf8.txt", BK_CHARSET_UTF8 },
		{ "pension.cp932.txt", BK_CHARSET_SJIS },
		{ "pension.eucjp.txt", BK_CHARSET_EUCJP },
	};
	struct file f;
	const char *line;
	size_t i, n, len, first;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fixture_line(cases[i].name, 2, &f, &line, &len);
		for (first = 0; (unsigned char)line[first] < 0x80; first++)
			;
		for (n = first + 2; n <= len; n++)
			assert_int_equal(bk_charset_detect(line, n), cases[i].cs);
		free(f.data);
	}
	/* UTF-8 cut inside a character, at both possible places. */
	assert_int_equal(bk_charset_detect("日本\xE8", 7), BK_CHARSET_UTF8);
	assert_int_equal(bk_charset_detect("日本\xE8\xAA", 8), BK_CHARSET_UTF8);
	assert_int_equal(bk_charset_detect("\xF0\x9F\x98", 3), BK_CHARSET_UTF8);
	/* The same bytes are no longer UTF-8 once something follows them. */
	assert_int_equal(bk_charset_detect("日本\xE8\xAA.", 9), BK_CHARSET_SJIS);
	/* CP932 and EUC-JP cut after a lead byte. */
	assert_int_equal(bk_charset_detect("\x82\xA0\x82", 3), BK_CHARSET_SJIS);
	assert_int_equal(bk_charset_detect("\xA4\xA2\xA4\xA4\xA4", 5), BK_CHARSET_EUCJP);
	assert_int_equal(bk_charset_detect("\xA4\xA2\x8F\xA2", 4), BK_CHARSET_EUCJP);
}

/*
 * The ambiguous cases charset.c documents, pinned down: what is returned here
 * is the documented rule, not necessarily the truth about the sample.
 */
static void
test_detect_ambiguous(void **state)
{
	(void)state;
	/* EUC-JP "あ" or CP932 half-width "､｢": kana beats punctuation. */
	assert_int_equal(bk_charset_detect("\xA4\xA2", 2), BK_CHARSET_EUCJP);
	/* CP932 half-width "ｱｲｳｴ" pairs up as EUC-JP kanji: taken for EUC-JP. */
	assert_int_equal(bk_charset_detect("\xB1\xB2\xB3\xB4", 4), BK_CHARSET_EUCJP);
	/* EUC-JP "山田": its bytes are also four CP932 half-width kana. */
	assert_int_equal(bk_charset_detect("\xBB\xB3\xC5\xC4", 4), BK_CHARSET_EUCJP);
	/* EUC-JP half-width "ﾀｶﾊｼ ｲﾁﾛｳ" would be CP932 kanji 8E xx. */
	assert_int_equal(bk_charset_detect("\x8E\xC0\x8E\xB6\x8E\xCA\x8E\xBC \x8E\xB2\x8E\xC1"
	    "\x8E\xDB\x8E\xB3", 17), BK_CHARSET_EUCJP);
	/* CP932 "ｼｮｯﾄ": ｮｯ (AE AF) falls in an empty EUC-JP row, so CP932. */
	assert_int_equal(bk_charset_detect("\xBC\xAE\xAF\xC4", 4), BK_CHARSET_SJIS);
	/* An odd run ("ｱｲｳ ") leaves EUC-JP a lead byte without a trail. */
	assert_int_equal(bk_charset_detect("\xB1\xB2\xB3 ", 4), BK_CHARSET_SJIS);
	assert_int_equal(bk_charset_detect("\xCC\xD8\xB6\xDE\xC5 \xC0\xB6\xCA\xBC", 10),
	    BK_CHARSET_SJIS);
	/* EUC-JP "典" (C5 B5) is also valid UTF-8 ("ŵ"), and UTF-8 wins. */
	assert_int_equal(bk_charset_detect("\xC5\xB5", 2), BK_CHARSET_UTF8);
	/* A lone lead byte, or nothing that decodes either way: CP932. */
	assert_int_equal(bk_charset_detect("\xBB", 1), BK_CHARSET_SJIS);
	assert_int_equal(bk_charset_detect("\xFF", 1), BK_CHARSET_SJIS);
	assert_int_equal(bk_charset_detect("\x80\xFF", 2), BK_CHARSET_SJIS);
	/* One CP932 character is enough when EUC-JP cannot read it. */
	assert_int_equal(bk_charset_detect("\x82\xA0", 2), BK_CHARSET_SJIS);
	assert_int_equal(bk_charset_detect("\x93\xFA\x96\x7B", 4), BK_CHARSET_SJIS);	/* 日本 */
}

/* ---- auto mode, long lines, construction ----------------------------------- */

static void
test_auto(void **state)
{
	struct file sjis = slurp("pension.cp932.txt"), euc = slurp("pension.eucjp.txt");
	bk_decoder *d = bk_decoder_new(BK_CHARSET_AUTO);

	(void)state;
	assert_non_null(d);
	assert_int_equal(bk_decoder_charset(d), BK_CHARSET_UTF8);
	bk_decoder_reset(d, sjis.data, sjis.len);
	assert_int_equal(bk_decoder_charset(d), BK_CHARSET_SJIS);
	DECODE_IS(d, "\x82\xA0\xFF", "あ" FFFD);
	assert_int_equal(bk_decoder_replaced(d), 1);
	bk_decoder_reset(d, euc.data, euc.len);
	assert_int_equal(bk_decoder_charset(d), BK_CHARSET_EUCJP);
	assert_int_equal(bk_decoder_replaced(d), 0);
	DECODE_IS(d, "\xA4\xA2", "あ");
	bk_decoder_reset(d, NULL, 0);
	assert_int_equal(bk_decoder_charset(d), BK_CHARSET_UTF8);
	bk_decoder_reset(d, "plain ascii", 11);
	assert_int_equal(bk_decoder_charset(d), BK_CHARSET_UTF8);
	bk_decoder_free(d);
	free(sjis.data);
	free(euc.data);
}

static void
test_long_line(void **state)
{
	enum { UNIT = 3, COUNT = (1 << 20) / UNIT };	/* "あｶ" in CP932 */
	static const char unit_utf8[] = "あｶ";
	size_t len = (size_t)COUNT * UNIT + 2, outlen, i;
	char *line = malloc(len);
	const char *out;
	bk_decoder *d = bk_decoder_new(BK_CHARSET_SJIS);

	(void)state;
	assert_non_null(line);
	assert_non_null(d);
	DECODE_IS(d, "\x82\xA0", "あ");		/* a small buffer first */
	for (i = 0; i < COUNT; i++)
		memcpy(line + i * UNIT, "\x82\xA0\xB6", UNIT);
	memcpy(line + len - 2, "x\x82", 2);	/* ends inside a character */
	assert_true(len >= 1 << 20);
	assert_int_equal(bk_decoder_line(d, line, len, &out, &outlen), BK_OK);
	assert_int_equal(outlen, (size_t)COUNT * 6 + 1 + 3);
	for (i = 0; i < COUNT; i++)
		assert_memory_equal(out + i * 6, unit_utf8, 6);
	assert_memory_equal(out + (size_t)COUNT * 6, "x" FFFD, 4);
	assert_int_equal(bk_decoder_replaced(d), 1);
	DECODE_IS(d, "\x82\xA2", "い");		/* and short lines after it */
	bk_decoder_free(d);
	free(line);
}

static void
test_new(void **state)
{
	(void)state;
	assert_null(bk_decoder_new((enum bk_charset)42));
	bk_decoder_free(NULL);
}

/*
 * Offsets in decoded text map back to the original bytes: a finding in a
 * CP932 or EUC-JP file points at the bytes that are really there.
 */
static void
check_origin(enum bk_charset cs, const char *utf8_line, const char *needle)
{
	iconv_t to = iconv_open(cs == BK_CHARSET_SJIS ? "CP932" : "EUC-JP-MS", "UTF-8");
	char enc[256], *src = (char *)(uintptr_t)utf8_line, *dst = enc;
	size_t inleft = strlen(utf8_line), outleft = sizeof enc, outlen, at;
	const char *out, *hit, *orig;
	bk_decoder *d = bk_decoder_new(cs);

	assert_true(to != (iconv_t)-1);
	assert_int_not_equal(iconv(to, &src, &inleft, &dst, &outleft), (size_t)-1);
	iconv_close(to);
	bk_decoder_reset(d, NULL, 0);
	assert_int_equal(bk_decoder_line(d, enc, (size_t)(dst - enc), &out, &outlen), BK_OK);
	hit = memmem(out, outlen, needle, strlen(needle));
	assert_non_null(hit);
	at = bk_decoder_origin(d, enc, (size_t)(dst - enc), (size_t)(hit - out));
	orig = memmem(enc, (size_t)(dst - enc), needle, strlen(needle));
	assert_non_null(orig);
	assert_int_equal(at, (size_t)(orig - enc));
	assert_int_equal(bk_decoder_origin(d, enc, (size_t)(dst - enc), outlen), (size_t)(dst - enc));
	bk_decoder_free(d);
}

static void
test_origin(void **state)
{
	bk_decoder *d = bk_decoder_new(BK_CHARSET_UTF8);
	const char *out;
	size_t outlen;

	(void)state;
	check_origin(BK_CHARSET_SJIS, "氏名:田中 ﾀﾅｶ 基礎年金番号 1234-567890 §", "1234-567890");
	check_origin(BK_CHARSET_EUCJP, "住所:東京都千代田区 電話 090-1234-5678", "090");
	/* A UTF-8 byte-order mark dropped from the first line shifts offsets by three. */
	bk_decoder_reset(d, NULL, 0);
	assert_int_equal(bk_decoder_line(d, "\xEF\xBB\xBF" "abc", 6, &out, &outlen), BK_OK);
	assert_int_equal(outlen, 3);
	assert_int_equal(bk_decoder_origin(d, "\xEF\xBB\xBF" "abc", 6, 1), 4);
	bk_decoder_free(d);
}

/*
 * Where Shift_JIS and CP932 disagree, each decodes as itself: 0x5C is a yen
 * sign in Shift_JIS and a backslash in CP932, 0x7E an overline and a tilde,
 * 0x817C U+2212 and U+FF0D, 0x8160 U+301C and U+FF5E; CP932's extension ①
 * (0x8740) is not Shift_JIS at all. Offsets still map back exactly.
 */
static void
test_shift_jis_is_not_cp932(void **state)
{
	const char in[] = "\x5C\x7E\x81\x7C\x81\x60\x87\x40";
	bk_decoder *sj = bk_decoder_new(BK_CHARSET_SHIFT_JIS), *cp = bk_decoder_new(BK_CHARSET_SJIS);
	const char *out;
	size_t len;

	(void)state;
	assert_non_null(sj);
	assert_non_null(cp);
	bk_decoder_reset(sj, NULL, 0);
	bk_decoder_reset(cp, NULL, 0);
	assert_int_equal(bk_decoder_charset(sj), BK_CHARSET_SHIFT_JIS);
	assert_int_equal(bk_decoder_line(cp, in, 8, &out, &len), BK_OK);
	assert_int_equal(len, 11);
	assert_memory_equal(out, "\\~\xEF\xBC\x8D\xEF\xBD\x9E\xE2\x91\xA0", 11);
	assert_int_equal(bk_decoder_line(sj, in, 8, &out, &len), BK_OK);
	/* ¥, ‾, −, 〜, then U+FFFD for the lead byte of ① and its trail '@'. */
	assert_int_equal(len, 15);
	assert_memory_equal(out, "\xC2\xA5\xE2\x80\xBE\xE2\x88\x92\xE3\x80\x9C\xEF\xBF\xBD@", 15);
	/* The − (output offset 5) is the file's bytes 2-3. */
	assert_int_equal(bk_decoder_origin(sj, in, 8, 5), 2);
	bk_decoder_free(sj);
	bk_decoder_free(cp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_decode_cp932_fixture),
		cmocka_unit_test(test_decode_eucjp_fixture),
		cmocka_unit_test(test_pension_record),
		cmocka_unit_test(test_cp932_0x5c),
		cmocka_unit_test(test_cp932_extensions),
		cmocka_unit_test(test_eucjp_ms),
		cmocka_unit_test(test_invalid_mid_line),
		cmocka_unit_test(test_invalid_line_end),
		cmocka_unit_test(test_utf8_zero_copy),
		cmocka_unit_test(test_ascii_zero_copy),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_detect_fixtures),
		cmocka_unit_test(test_detect_ascii),
		cmocka_unit_test(test_detect_truncated),
		cmocka_unit_test(test_detect_ambiguous),
		cmocka_unit_test(test_auto),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_shift_jis_is_not_cp932),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
