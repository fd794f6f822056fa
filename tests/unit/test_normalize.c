/*
 * test_normalize.c - unit tests of lib/normalize.c: every foldable code point
 * and its neighbours that must stay, the prolonged sound marks in and out of
 * numbers, invalid UTF-8, zero-copy identity, the offset map at every output
 * offset, word-boundary positions, a 1 MiB line, and random lines checked
 * against a model that folds each character on its own.
 *
 * `test_normalize --bench` instead prints the throughput on ASCII and
 * Japanese lines; it is not a test (these machines are shared and noisy).
 */
#include "testutil.h"

#include <time.h>

/* ---- helpers ------------------------------------------------------------- */

/* Writes the UTF-8 encoding of CP to B; returns its length. */
static size_t
utf8(unsigned long cp, char *b)
{
	if (cp < 0x80) {
		b[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = (char)(0xC0 | (cp >> 6));
		b[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	b[0] = (char)(0xE0 | (cp >> 12));
	b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	b[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

static bk_norm *
new_norm(void)
{
	bk_norm *n = bk_norm_new();

	assert_non_null(n);
	return n;
}

/* Folds IN (a C string) and checks the output is WANT; returns the output. */
static const char *
fold_is(bk_norm *n, const char *in, const char *want)
{
	const char *out = NULL;
	size_t outlen = 0;

	assert_int_equal(bk_norm_fold(n, in, strlen(in), &out, &outlen), BK_OK);
	assert_int_equal(outlen, strlen(want));
	assert_memory_equal(out, want, outlen);
	return out;
}

/* Checks origin() of every output offset 0..outlen, given as WANT[0..count). */
static void
origins_are(const bk_norm *n, const size_t *want, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		if (bk_norm_origin(n, i) != want[i])
			fail_msg("origin(%zu) = %zu, want %zu", i, bk_norm_origin(n, i), want[i]);
	}
}

/* Checks IN comes back as itself, without a copy, mapping every offset to itself. */
static void
unchanged(bk_norm *n, const char *in, size_t len)
{
	const char *out = NULL;
	size_t outlen = 0;

	assert_int_equal(bk_norm_fold(n, in, len, &out, &outlen), BK_OK);
	assert_ptr_equal(out, in);
	assert_int_equal(outlen, len);
	for (size_t i = 0; i <= len; i++)
		assert_int_equal(bk_norm_origin(n, i), i);
}

/*
 * FILL repeated BEFORE times, the character IN, FILL AFTER times: IN becomes
 * OUT (NULL: stays, without a copy) and offsets map around it.
 */
static void
check_between(bk_norm *n, const char *fill, size_t before, const char *in, const char *out,
    size_t after)
{
	struct tu_buf line = { 0 }, want = { 0 };
	size_t at;

	tu_buf_add(&line, "", 0);
	for (size_t i = 0; i < before; i++)
		tu_buf_add(&line, fill, strlen(fill));
	at = line.len;
	tu_buf_add(&want, line.data, line.len);
	tu_buf_add(&line, in, strlen(in));
	tu_buf_add(&want, out != NULL ? out : in, strlen(out != NULL ? out : in));
	for (size_t i = 0; i < after; i++) {
		tu_buf_add(&line, fill, strlen(fill));
		tu_buf_add(&want, fill, strlen(fill));
	}
	if (out == NULL) {
		unchanged(n, line.data, line.len);
	} else {
		fold_is(n, line.data, want.data);
		assert_int_equal(bk_norm_origin(n, at), at);
		assert_int_equal(bk_norm_origin(n, at + 1), at + 3);
		assert_int_equal(bk_norm_origin(n, want.len), line.len);
	}
	free(line.data);
	free(want.data);
}

/* ---- every foldable character and its neighbours ------------------------- */

static void
test_fullwidth_ascii(void **state)
{
	bk_norm *n = new_norm();

	(void)state;
	for (unsigned long cp = 0xFF01; cp <= 0xFF5E; cp++) {
		char in[8], want[4] = { 'a', (char)(cp - 0xFEE0), 'b', '\0' };
		char one[2] = { want[1], '\0' };
		size_t l = utf8(cp, in + 1);
		const size_t org[] = { 0, 1, 4, 5 };

		in[0] = 'a';
		in[l + 1] = 'b';
		in[l + 2] = '\0';
		fold_is(n, in, want);
		origins_are(n, org, 4);
		/* The same in lines long enough for the 8- and 16-byte block tests. */
		in[l + 1] = '\0';
		check_between(n, "a", 8, in + 1, one, 2);
		check_between(n, "a", 20, in + 1, one, 5);
	}
	bk_norm_free(n);
}

static void
test_dashes(void **state)
{
	static const unsigned long dashes[] = { 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015,
		0x2212, 0xFE58, 0xFE63, 0xFF0D };
	bk_norm *n = new_norm();

	(void)state;
	for (size_t i = 0; i < sizeof dashes / sizeof dashes[0]; i++) {
		char in[16];
		size_t l = utf8(dashes[i], in + 2);
		const size_t org[] = { 0, 1, 2, 5, 6, 7 };

		memcpy(in, "12", 2);
		memcpy(in + 2 + l, "34", 3);
		fold_is(n, in, "12-34");
		origins_are(n, org, 6);
		in[2 + l] = '\0';
		check_between(n, "5", 8, in + 2, "-", 2);
		check_between(n, "5", 20, in + 2, "-", 5);
	}
	bk_norm_free(n);
}

static void
test_ideographic_space(void **state)
{
	bk_norm *n = new_norm();
	const size_t org[] = { 0, 3, 6, 9, 12 };

	(void)state;
	/* 山田　太郎: the space folds, the kanji stay. */
	fold_is(n, "山田\u3000太郎", "山田 太郎");
	assert_int_equal(bk_norm_origin(n, 6), 6);
	assert_int_equal(bk_norm_origin(n, 7), 9);
	assert_int_equal(bk_norm_origin(n, 13), 15);
	fold_is(n, "\u3000\u3000\u3000\u3000", "    ");
	origins_are(n, org, 5);
	bk_norm_free(n);
}

static void
test_neighbours_stay(void **state)
{
	/*
	 * Next to the folded ranges, and look-alikes deliberately left alone:
	 * U+FF00 (unassigned), the white parentheses and half-width katakana
	 * after U+FF5E, the double vertical line, the katakana middle dot, the
	 * wave dash (a range "from ... to", not a minus), the prolonged sound
	 * mark outside numbers, and the neighbours of each dash.
	 */
	static const unsigned long stay[] = { 0xFF00, 0xFF5F, 0xFF60, 0xFF61, 0xFF6F, 0xFF71,
		0xFF9E, 0xFFE0, 0xFFE3, 0xFFE5, 0xFEFF, 0x200F, 0x2016, 0x2017, 0x2211, 0x2213,
		0x2043, 0x2E3A, 0xFE57, 0xFE59, 0xFE62, 0xFE64, 0x3001, 0x3002, 0x301C, 0x30FB,
		0x30FC, 0x30FD, 0xFF70, 0x2500, 0x00AD, 0x00A0, 0x2000, 0x2003, 0x00B7 };
	bk_norm *n = new_norm();

	(void)state;
	for (size_t i = 0; i < sizeof stay / sizeof stay[0]; i++) {
		char in[16];
		size_t l = utf8(stay[i], in + 1);

		in[0] = 'x';
		in[1 + l] = '1';
		unchanged(n, in, l + 2);
		in[1 + l] = '\0';
		check_between(n, "x", 8, in + 1, NULL, 2);
		check_between(n, "x", 20, in + 1, NULL, 5);
	}
	bk_norm_free(n);
}

/* ---- numbers as Japanese data writes them -------------------------------- */

static void
test_fullwidth_phone(void **state)
{
	bk_norm *n = new_norm();
	size_t org[14];

	(void)state;
	fold_is(n, "０９０－１２３４－５６７８", "090-1234-5678");
	for (size_t i = 0; i < 14; i++)
		org[i] = 3 * i;
	origins_are(n, org, 14);

	/* With ASCII and kanji around it: the shift applies only after the folds. */
	fold_is(n, "電話:０３ー１２３４ end", "電話:03-1234 end");
	{
		const size_t org2[] = { 0, 1, 2, 3, 4, 5, 6, 7, 10, 13, 16, 19, 22, 25, 28, 29, 30,
			31, 32 };

		origins_are(n, org2, 19);
	}
	bk_norm_free(n);
}

static void
test_prolonged_marks(void **state)
{
	bk_norm *n = new_norm();

	(void)state;
	/* Between digits, ASCII or full-width, either mark is a dash. */
	fold_is(n, "090ー1234", "090-1234");
	assert_int_equal(bk_norm_origin(n, 3), 3);
	assert_int_equal(bk_norm_origin(n, 4), 6);
	fold_is(n, "090ｰ1234", "090-1234");
	fold_is(n, "０９０ー１２３４", "090-1234");
	assert_int_equal(bk_norm_origin(n, 3), 9);
	assert_int_equal(bk_norm_origin(n, 4), 12);
	fold_is(n, "０９０ｰ１２３４", "090-1234");
	fold_is(n, "1ー０", "1-0");
	fold_is(n, "１ー0", "1-0");

	/* In katakana words they are letters. */
	unchanged(n, "タナカ ケーコ", strlen("タナカ ケーコ"));
	unchanged(n, "ｹｰｺ ﾃﾞｰﾀ", strlen("ｹｰｺ ﾃﾞｰﾀ"));
	unchanged(n, "サーバー2ー", strlen("サーバー2ー"));
	/* At the start or end of the line there is no digit on one side. */
	unchanged(n, "ー1", strlen("ー1"));
	unchanged(n, "1ー", strlen("1ー"));
	unchanged(n, "ｰ1", strlen("ｰ1"));
	unchanged(n, "1ｰ", strlen("1ｰ"));
	/* A letter, a mark or a folded dash on one side is not a digit. */
	unchanged(n, "aー1", strlen("aー1"));
	unchanged(n, "1ーa", strlen("1ーa"));
	unchanged(n, "1ーー2", strlen("1ーー2"));
	unchanged(n, "1ｰｰ2", strlen("1ｰｰ2"));
	fold_is(n, "1－ー2", "1-ー2");
	fold_is(n, "１ーＡ", "1ーA");
	fold_is(n, "Ａー１", "Aー1");
	/* A lone lead byte or a truncated full-width digit is no digit either. */
	unchanged(n, "1ー\xEF\xBC", 6);
	unchanged(n, "\xBC\x90ー1", 6);
	/* Lines of 11 to 18 bytes, where the 8-byte word test finds the mark. */
	for (size_t k = 0; k < 8; k++) {
		char in[32], want[32];

		snprintf(in, sizeof in, "%.*s0ー9yyyyyy", (int)k, "xxxxxxxx");
		snprintf(want, sizeof want, "%.*s0-9yyyyyy", (int)k, "xxxxxxxx");
		fold_is(n, in, want);
		snprintf(in, sizeof in, "%.*s1ー２yyy", (int)k, "xxxxxxxx");
		snprintf(want, sizeof want, "%.*s1-2yyy", (int)k, "xxxxxxxx");
		fold_is(n, in, want);
		snprintf(in, sizeof in, "%.*s1ーayyyyy", (int)k, "xxxxxxxx");
		unchanged(n, in, strlen(in));
	}
	/* Mixed: the word keeps its marks, the number gets dashes. */
	fold_is(n, "データ ０９０ー１２３４ーｰ５", "データ 090-1234ーｰ5");
	bk_norm_free(n);
}

static void
test_mixed_lines(void **state)
{
	bk_norm *n = new_norm();
	const char *in = "2015-05-08 氏名：山田　太郎（ﾔﾏﾀﾞ）　ＴＥＬ：０３−１２３４―５６７８ ok";
	const char *want = "2015-05-08 氏名:山田 太郎(ﾔﾏﾀﾞ) TEL:03-1234-5678 ok";
	const char *out;

	(void)state;
	out = fold_is(n, in, want);
	/* Each output character maps to the start of its original. */
	for (size_t i = 0, j = 0; i < strlen(want);) {
		if ((unsigned char)want[i] < 0x80 && (unsigned char)in[j] >= 0x80) {
			assert_int_equal(bk_norm_origin(n, i), j);
			i++;
			j += 3;
		} else {
			assert_int_equal(bk_norm_origin(n, i), j);
			assert_int_equal(out[i], in[j]);
			i++;
			j++;
		}
	}
	assert_int_equal(bk_norm_origin(n, strlen(want)), strlen(in));
	bk_norm_free(n);
}

/* ---- bytes that are not UTF-8 --------------------------------------------- */

static void
test_invalid_utf8(void **state)
{
	bk_norm *n = new_norm();
	const char *out;
	size_t outlen;

	(void)state;
	/* A lone lead byte, a truncated full-width form at the end, a truncated kana. */
	unchanged(n, "a\xE3" "b", 3);
	unchanged(n, "12\xEF\xBC", 4);
	unchanged(n, "\xE3\x81" "z", 3);
	unchanged(n, "\xEF\xBC\xC0\xEF\xBD\xFF\xE2\x80\x7F\x80\xBC\x91", 12);

	/* Around folds: the invalid bytes are copied, offsets still map. */
	assert_int_equal(bk_norm_fold(n, "\xE3\xEF\xBC\x91\xE3\x81" "z\xEF\xBC", 9, &out, &outlen),
	    BK_OK);
	assert_int_equal(outlen, 7);
	assert_memory_equal(out, "\xE3" "1\xE3\x81" "z\xEF\xBC", 7);
	{
		const size_t org[] = { 0, 1, 4, 5, 6, 7, 8, 9 };

		origins_are(n, org, 8);
	}
	/* A lead byte cut short right before a foldable sequence does not hide it. */
	assert_int_equal(bk_norm_fold(n, "\xE3\xE3\x80\x80\xEF\xBC\xEF\xBC\x8D", 9, &out, &outlen),
	    BK_OK);
	assert_int_equal(outlen, 5);
	assert_memory_equal(out, "\xE3 \xEF\xBC-", 5);
	{
		const size_t org[] = { 0, 1, 4, 5, 6, 9 };

		origins_are(n, org, 6);
	}
	/* NUL bytes are data. */
	assert_int_equal(bk_norm_fold(n, "\0１\0", 5, &out, &outlen), BK_OK);
	assert_int_equal(outlen, 3);
	assert_memory_equal(out, "\0" "1\0", 3);
	bk_norm_free(n);
}

/* ---- zero copy, the map's ends, buffer reuse ------------------------------ */

static void
test_zero_copy(void **state)
{
	static const char ascii[] = "10.0.0.1 - - [08/May/2015:01:15:02 +0900] \"GET /persons/1 "
				    "HTTP/1.1\" 200 512 \"-\" \"curl/7.0\"";
	/* Kana, kanji, CJK punctuation, the wave dash and marks inside words: nothing folds. */
	static const char japanese[] = "2015/05/08 山田太郎さんのデータをエクスポートしました。"
				       "サーバー【東京】「完了」・〜、ﾃﾞｰﾀ 〒100-0001 ½ é";
	bk_norm *n = new_norm();

	(void)state;
	/* Every length, so every word and tail position is covered. */
	for (size_t len = 0; len <= sizeof ascii - 1; len++)
		unchanged(n, ascii, len);
	for (size_t len = 0; len <= sizeof japanese - 1; len++)
		unchanged(n, japanese, len);
	unchanged(n, NULL, 0);
	bk_norm_free(n);
}

static void
test_origin_ends(void **state)
{
	bk_norm *n = new_norm();

	(void)state;
	fold_is(n, "１", "1");
	assert_int_equal(bk_norm_origin(n, 0), 0);
	assert_int_equal(bk_norm_origin(n, 1), 3);
	fold_is(n, "a１", "a1");
	assert_int_equal(bk_norm_origin(n, 0), 0);
	assert_int_equal(bk_norm_origin(n, 1), 1);
	assert_int_equal(bk_norm_origin(n, 2), 4);
	fold_is(n, "１a", "1a");
	assert_int_equal(bk_norm_origin(n, 1), 3);
	assert_int_equal(bk_norm_origin(n, 2), 4);
	/* Past the end is the end. */
	assert_int_equal(bk_norm_origin(n, 3), 4);
	assert_int_equal(bk_norm_origin(n, (size_t)-1), 4);
	/* A fresh normaliser maps the empty text. */
	bk_norm_free(n);
	n = new_norm();
	assert_int_equal(bk_norm_origin(n, 0), 0);
	bk_norm_free(n);
}

static void
test_buffer_reused(void **state)
{
	bk_norm *n = new_norm();
	const char *first, *again;

	(void)state;
	first = fold_is(n, "０９０－１２３４－５６７８", "090-1234-5678");
	/* A line no longer than one seen before goes to the same buffer. */
	again = fold_is(n, "Ａ", "A");
	assert_ptr_equal(again, first);
	unchanged(n, "abc", 3);
	again = fold_is(n, "x０９０－１２３４－５６７", "x090-1234-567");
	assert_ptr_equal(again, first);
	/* A longer one needs a bigger buffer, kept from then on. */
	first = fold_is(n, "x０９０－１２３４－５６７８", "x090-1234-5678");
	again = fold_is(n, "０", "0");
	assert_ptr_equal(again, first);
	bk_norm_free(n);
}

/* ---- positions in the word-at-a-time scan --------------------------------- */

static void
test_every_position(void **state)
{
	/* Filler that is ASCII, or Japanese that must not fold (ー not in a number). */
	static const char *const fillers[] = { "x", "あ", "ー", "漢", "\xE3" };
	static const char *const folds[][2] = { { "０", "0" }, { "　", " " }, { "‐", "-" },
		{ "−", "-" }, { "｡", NULL }, { "〜", NULL } };
	const size_t nf = sizeof fillers / sizeof fillers[0], nk = sizeof folds / sizeof folds[0];
	bk_norm *n = new_norm();

	(void)state;
	/* Lines of 1 to 99 bytes: every offset in the 8- and 16-byte blocks and the tails. */
	for (size_t t = 0; t < nf * nk * 20 * 12; t++) {
		size_t f = t / (nk * 20 * 12), k = t / (20 * 12) % nk;

		check_between(n, fillers[f], t / 12 % 20, folds[k][0], folds[k][1], t % 12);
	}
	/* Marks between ASCII and full-width digits, at every offset and line end. */
	for (size_t t = 0; t < 20 * 4; t++) {
		struct tu_buf in = { 0 }, want = { 0 };
		size_t before = t / 4;

		tu_buf_add(&in, "", 0);
		for (size_t i = 0; i < before; i++)
			tu_buf_add(&in, "x", 1);
		tu_buf_add(&want, in.data, in.len);
		tu_buf_add(&in, "１ー２ｰ3ー4", strlen("１ー２ｰ3ー4"));
		tu_buf_add(&want, "1-2-3-4", 7);
		for (size_t i = 0; i < t % 4; i++) {
			tu_buf_add(&in, "ー", strlen("ー"));
			tu_buf_add(&want, "ー", strlen("ー"));
		}
		fold_is(n, in.data, want.data);
		assert_int_equal(bk_norm_origin(n, before + 1), before + 3);
		assert_int_equal(bk_norm_origin(n, before + 3), before + 9);
		assert_int_equal(bk_norm_origin(n, before + 4), before + 12);
		assert_int_equal(bk_norm_origin(n, before + 5), before + 13);
		assert_int_equal(bk_norm_origin(n, before + 6), before + 16);
		free(in.data);
		free(want.data);
	}
	bk_norm_free(n);
}

static void
test_one_mib_line(void **state)
{
	enum { BLOCK = 29 };
	size_t len = 1 << 20, i;
	char *in = malloc(len), *want = malloc(len);
	bk_norm *n = new_norm();
	const char *out;
	size_t outlen, o = 0;

	(void)state;
	assert_non_null(in);
	assert_non_null(want);
	/* ASCII with one fold at the very end: the scan must reach it. */
	memset(in, 'a', len);
	memcpy(in + len - 3, "＠", 3);
	assert_int_equal(bk_norm_fold(n, in, len, &out, &outlen), BK_OK);
	assert_int_equal(outlen, len - 2);
	assert_int_equal(out[outlen - 1], '@');
	assert_memory_equal(out, in, outlen - 1);
	assert_int_equal(bk_norm_origin(n, outlen - 1), len - 3);
	assert_int_equal(bk_norm_origin(n, outlen), len);
	unchanged(n, in, len - 3);

	/* Blocks of "tel ０９０－１２３４ " (29 bytes) until the line is full. */
	for (i = 0; i + BLOCK <= len; i += BLOCK) {
		memcpy(in + i, "tel ０９０－１２３４ ", BLOCK);
		memcpy(want + o, "tel 090-1234 ", 13);
		o += 13;
	}
	memset(in + i, 'z', len - i);
	memset(want + o, 'z', len - i);
	o += len - i;
	assert_int_equal(bk_norm_fold(n, in, len, &out, &outlen), BK_OK);
	assert_int_equal(outlen, o);
	assert_memory_equal(out, want, o);
	for (size_t b = 0; b < i / BLOCK; b += 97) {
		/* "tel " maps one to one, then each folded character to 3 bytes. */
		assert_int_equal(bk_norm_origin(n, b * 13 + 3), b * BLOCK + 3);
		assert_int_equal(bk_norm_origin(n, b * 13 + 4), b * BLOCK + 4);
		assert_int_equal(bk_norm_origin(n, b * 13 + 11), b * BLOCK + 25);
		assert_int_equal(bk_norm_origin(n, b * 13 + 12), b * BLOCK + 28);
	}
	assert_int_equal(bk_norm_origin(n, o), len);
	assert_int_equal(bk_norm_origin(n, o - 1), len - 1);
	free(in);
	free(want);
	bk_norm_free(n);
}

/* ---- random lines against a per-character model --------------------------- */

struct piece {
	const char *in;		/* original bytes */
	const char *out;	/* folded bytes, NULL: unchanged */
	int digit;		/* reads as a digit after folding */
	int mark;		/* a prolonged sound mark: a dash only between digits */
};

static const struct piece pieces[] = {
	{ "a", NULL, 0, 0 }, { "Z", NULL, 0, 0 }, { " ", NULL, 0, 0 }, { "-", NULL, 0, 0 },
	{ "0", NULL, 1, 0 }, { "7", NULL, 1, 0 }, { "9", NULL, 1, 0 }, { "\t", NULL, 0, 0 },
	{ "０", "0", 1, 0 }, { "５", "5", 1, 0 }, { "９", "9", 1, 0 }, { "Ａ", "A", 0, 0 },
	{ "ｚ", "z", 0, 0 }, { "＠", "@", 0, 0 }, { "！", "!", 0, 0 }, { "～", "~", 0, 0 },
	{ "（", "(", 0, 0 }, { "）", ")", 0, 0 }, { "．", ".", 0, 0 }, { "／", "/", 0, 0 },
	{ "：", ":", 0, 0 }, { "＋", "+", 0, 0 }, { "－", "-", 0, 0 }, { "‐", "-", 0, 0 },
	{ "‑", "-", 0, 0 }, { "‒", "-", 0, 0 }, { "–", "-", 0, 0 }, { "—", "-", 0, 0 },
	{ "―", "-", 0, 0 }, { "−", "-", 0, 0 }, { "﹣", "-", 0, 0 }, { "﹘", "-", 0, 0 },
	{ "　", " ", 0, 0 }, { "ー", NULL, 0, 1 }, { "ｰ", NULL, 0, 1 }, { "あ", NULL, 0, 0 },
	{ "ン", NULL, 0, 0 }, { "ヴ", NULL, 0, 0 }, { "・", NULL, 0, 0 }, { "〜", NULL, 0, 0 },
	{ "、", NULL, 0, 0 }, { "漢", NULL, 0, 0 }, { "｟", NULL, 0, 0 }, { "｠", NULL, 0, 0 },
	{ "ｱ", NULL, 0, 0 }, { "‖", NULL, 0, 0 }, { "é", NULL, 0, 0 }, { "€", NULL, 0, 0 },
	{ "😀", NULL, 0, 0 }, { "\xE3", NULL, 0, 0 }, { "\xEF\xBC", NULL, 0, 0 },
	{ "\xE3\x81", NULL, 0, 0 }, { "\xFF", NULL, 0, 0 }, { "\xE2\x80", NULL, 0, 0 },
};

#define NPIECES (sizeof pieces / sizeof pieces[0])

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint64_t
rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void
test_random_lines(void **state)
{
	bk_norm *n = new_norm();
	size_t idx[200], in_at[201], out_at[201];

	(void)state;
	for (int iter = 0; iter < 20000; iter++) {
		struct tu_buf in = { 0 }, want = { 0 };
		size_t count = (size_t)(rng() % 200), i;
		/* Runs of ASCII letters now and then, so the scan skips whole words. */
		unsigned ascii_bias = (unsigned)(rng() % 4);
		const char *out;
		size_t outlen;

		for (i = 0; i < count; i++)
			idx[i] = (rng() % 4 < ascii_bias) ? 0 : (size_t)(rng() % NPIECES);
		tu_buf_add(&in, "", 0);
		tu_buf_add(&want, "", 0);
		for (i = 0; i < count; i++) {
			const struct piece *p = &pieces[idx[i]];
			const char *o = p->out != NULL ? p->out : p->in;

			if (p->mark && i > 0 && pieces[idx[i - 1]].digit && i + 1 < count &&
			    pieces[idx[i + 1]].digit)
				o = "-";
			in_at[i] = in.len;
			out_at[i] = want.len;
			tu_buf_add(&in, p->in, strlen(p->in));
			tu_buf_add(&want, o, strlen(o));
		}
		in_at[count] = in.len;
		out_at[count] = want.len;

		assert_int_equal(bk_norm_fold(n, in.data, in.len, &out, &outlen), BK_OK);
		assert_int_equal(outlen, want.len);
		assert_memory_equal(out, want.data, outlen);
		if (want.len == in.len)
			assert_ptr_equal(out, in.data);
		for (i = 0; i <= count; i++) {
			size_t olen = i < count ? out_at[i + 1] - out_at[i] : 0;

			assert_int_equal(bk_norm_origin(n, out_at[i]), in_at[i]);
			/* Inside a character copied unchanged, the bytes map one to one. */
			if (i < count && olen == in_at[i + 1] - in_at[i])
				for (size_t t = 1; t < olen; t++)
					assert_int_equal(bk_norm_origin(n, out_at[i] + t),
					    in_at[i] + t);
		}
		free(in.data);
		free(want.data);
	}
	bk_norm_free(n);
}

/* ---- benchmark (by hand: test_normalize --bench) --------------------------- */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Lines of about LINE bytes from the phrases in WORDS, to TOTAL bytes. */
static char *
bench_text(const char *const *words, size_t nwords, size_t total, size_t line)
{
	char *t = malloc(total + 256);
	size_t off = 0, w = 0, start = 0;

	assert_non_null(t);
	while (off < total) {
		size_t l = strlen(words[w % nwords]);

		memcpy(t + off, words[w % nwords], l);
		off += l;
		w = w * 7 + 3;
		if (off - start >= line) {
			t[off++] = '\n';
			start = off;
		}
	}
	return t;
}

/* Keeps the baseline's copies from being optimised away. */
static volatile unsigned char bench_sink;

/* Seconds to split TEXT into lines and hand each to FOLD (NULL: copy it, the baseline). */
static double
bench_lines(bk_norm *n, const char *text, size_t total, size_t *copied)
{
	static char copy[4096];
	const char *p = text, *end = text + total, *nl, *out;
	double t0 = now();
	size_t outlen;

	*copied = 0;
	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		if (n == NULL) {
			size_t l = (size_t)(nl - p) < sizeof copy ? (size_t)(nl - p) : sizeof copy;

			memcpy(copy, p, l);
			bench_sink += (unsigned char)copy[l / 2];
			continue;
		}
		assert_int_equal(bk_norm_fold(n, p, (size_t)(nl - p), &out, &outlen), BK_OK);
		*copied += out != p;
	}
	return now() - t0;
}

static void
bench_one(const char *name, const char *text, size_t total)
{
	bk_norm *n = new_norm();
	double lines = 1e9, whole = 1e9, base = 1e9, t;
	size_t copied = 0, ignored;
	const char *out;
	size_t outlen;

	for (int rep = 0; rep < 5; rep++) {
		if ((t = bench_lines(NULL, text, total, &ignored)) < base)
			base = t;
		if ((t = bench_lines(n, text, total, &copied)) < lines)
			lines = t;
		t = now();
		assert_int_equal(bk_norm_fold(n, text, total, &out, &outlen), BK_OK);
		if ((t = now() - t) < whole)
			whole = t;
	}
	printf("%-31s %6.0f MB/s per line (split+memcpy %6.0f MB/s), %6.0f MB/s whole; "
	       "%zu lines copied\n",
	    name, (double)total / lines / 1e6, (double)total / base / 1e6,
	    (double)total / whole / 1e6, copied);
	bk_norm_free(n);
}

static int
bench(void)
{
	static const char *const ascii[] = { "10.0.3.7 ", "- - ", "[08/May/2015:01:15:02 +0900] ",
		"\"GET /api/persons/1042 HTTP/1.1\" ", "200 ", "5123 ", "\"-\" ",
		"\"Mozilla/5.0 (X11; Linux x86_64)\" ", "user=tanaka ", "id=8812 " };
	static const char *const japanese[] = { "山田太郎", "さんの", "データを", "エクスポート",
		"しました。", "東京都千代田区", "、", "サーバー", "ログイン", "年金記録", "の照会",
		"「完了」", "ユーザー", " ", "2015/05/08 ", "ok " };
	static const char *const fullwidth[] = { "山田太郎", "さんの", "電話：", "０９０－１２３４－５６７８",
		"、", "東京都千代田区", "丸の内１ー２ー３", "　", "ユーザー", "ＩＤ：", "ａｂｃ１２３" };
	size_t total = (size_t)64 << 20;
	char *t;

	printf("bk_norm_fold, %zu MiB, best of 5, lines of about 120 bytes\n", total >> 20);
	t = bench_text(ascii, sizeof ascii / sizeof ascii[0], total, 120);
	bench_one("ASCII log lines", t, total);
	free(t);
	t = bench_text(japanese, sizeof japanese / sizeof japanese[0], total, 120);
	bench_one("Japanese, nothing to fold", t, total);
	free(t);
	t = bench_text(fullwidth, sizeof fullwidth / sizeof fullwidth[0], total, 120);
	bench_one("Japanese with full-width forms", t, total);
	free(t);
	return 0;
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fullwidth_ascii),
		cmocka_unit_test(test_dashes),
		cmocka_unit_test(test_ideographic_space),
		cmocka_unit_test(test_neighbours_stay),
		cmocka_unit_test(test_fullwidth_phone),
		cmocka_unit_test(test_prolonged_marks),
		cmocka_unit_test(test_mixed_lines),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_zero_copy),
		cmocka_unit_test(test_origin_ends),
		cmocka_unit_test(test_buffer_reused),
		cmocka_unit_test(test_every_position),
		cmocka_unit_test(test_one_mib_line),
		cmocka_unit_test(test_random_lines),
	};

	if (argc > 1 && strcmp(argv[1], "--bench") == 0)
		return bench();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
