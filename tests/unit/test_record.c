/*
 * test_record.c - unit tests of lib/record.c: the NDJSON writer and reader.
 *
 * Writer output is compared byte for byte with the expected line, and every
 * line the writer produces is also parsed back with jansson (see output()),
 * so a test fails both when the bytes change and when they stop being JSON.
 * The UTF-8 repair is checked twice: against hand-written cases taken from
 * the Unicode standard's description of maximal subparts, and against a
 * reference built the slow, obvious way (by encoding every code point) on
 * many pseudo-random byte strings.
 */
#include "testutil.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <time.h>

#include <jansson.h>

#include "record-private.h"

#define R "\xEF\xBF\xBD" /* U+FFFD as UTF-8 */

/* ---- helpers ------------------------------------------------------------ */

struct sink {
	FILE *f;
	bk_writer *w;
	char text[4 << 20];
};

static struct sink the_sink;

static int
setup_sink(void **state)
{
	the_sink.f = tmpfile();
	if (the_sink.f == NULL)
		return -1;
	the_sink.w = bk_writer_new(the_sink.f);
	if (the_sink.w == NULL)
		return -1;
	*state = &the_sink;
	return 0;
}

static int
teardown_sink(void **state)
{
	struct sink *s = *state;

	bk_writer_free(s->w);
	fclose(s->f);
	return 0;
}

/* Fails the test unless each line of TEXT (N bytes) is a JSON object to jansson. */
static void
assert_lines_parse(const char *text, size_t n)
{
	const char *p = text, *end = text + n, *nl;
	json_error_t jerr;
	json_t *j;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		assert_non_null(nl);
		j = json_loadb(p, (size_t)(nl - p), JSON_ALLOW_NUL, &jerr);
		if (j == NULL)
			fail_msg("not JSON (%s): %.*s", jerr.text, (int)(nl - p), p);
		assert_true(json_is_object(j));
		json_decref(j);
		p = nl + 1;
	}
}

/* Everything written since the last call, after checking that it parses. */
static const char *
output(struct sink *s)
{
	size_t n;

	assert_int_equal(fflush(s->f), 0);
	rewind(s->f);
	n = fread(s->text, 1, sizeof s->text - 1, s->f);
	assert_false(ferror(s->f));
	s->text[n] = '\0';
	assert_int_equal(ftruncate(fileno(s->f), 0), 0);
	rewind(s->f);
	assert_lines_parse(s->text, n);
	return s->text;
}

static void
expect_record(struct sink *s, const char *expected)
{
	assert_int_equal(bk_writer_end(s->w), BK_OK);
	assert_string_equal(output(s), expected);
}

/* The JSON the writer makes of the string IN (LEN bytes), without the record around it. */
static const char *
str_json(struct sink *s, const char *in, size_t len)
{
	static const char head[] = "{\"type\":\"t\",\"s\":";
	const char *line;
	size_t n;

	bk_writer_begin(s->w, "t");
	bk_writer_str(s->w, "s", in, len);
	assert_int_equal(bk_writer_end(s->w), BK_OK);
	line = output(s);
	n = strlen(line);
	assert_true(n >= sizeof head + 2);
	assert_memory_equal(line, head, sizeof head - 1);
	assert_memory_equal(line + n - 2, "}\n", 2);
	s->text[n - 2] = '\0';
	return line + sizeof head - 1;
}

#define STR(s) (s), (sizeof(s) - 1)

/* ---- writer: field kinds and structure ---------------------------------- */

static void
test_writer_kinds(void **state)
{
	struct sink *s = *state;

	bk_writer_begin(s->w, "event");
	bk_writer_str(s->w, "file", STR("access.log"));
	bk_writer_str(s->w, "empty", NULL, 0);
	bk_writer_cstr(s->w, "actor", "alice");
	bk_writer_cstr(s->w, "none", NULL);
	bk_writer_int(s->w, "line", 42);
	bk_writer_int(s->w, "neg", -7);
	bk_writer_int(s->w, "zero", 0);
	bk_writer_int(s->w, "min", INT64_MIN);
	bk_writer_int(s->w, "max", INT64_MAX);
	bk_writer_uint(s->w, "bytes_out", 1234567890123ULL);
	bk_writer_double(s->w, "score", 0.75);
	bk_writer_bool(s->w, "where", true);
	bk_writer_bool(s->w, "ok", false);
	bk_writer_null(s->w, "dst");
	bk_writer_time(s->w, "ts", 1431047702123);
	expect_record(s, "{\"type\":\"event\",\"file\":\"access.log\",\"empty\":\"\","
	                 "\"actor\":\"alice\",\"none\":null,\"line\":42,\"neg\":-7,\"zero\":0,"
	                 "\"min\":-9223372036854775808,\"max\":9223372036854775807,"
	                 "\"bytes_out\":1234567890123,\"score\":0.75,\"where\":true,\"ok\":false,"
	                 "\"dst\":null,\"ts\":\"2015-05-08T01:15:02.123Z\"}\n");
}

static void
test_writer_type_only(void **state)
{
	struct sink *s = *state;

	bk_writer_begin(s->w, "summary");
	expect_record(s, "{\"type\":\"summary\"}\n");
}

/* Figures: integers as integers, fractions as doubles, NaN (not known) left out. */
static void
test_writer_figure(void **state)
{
	struct sink *s = *state;

	bk_writer_begin(s->w, "t");
	bk_writer_figure(s->w, "n", 3012.0);
	bk_writer_figure(s->w, "neg", -14.0);
	bk_writer_figure(s->w, "f", 0.93);
	bk_writer_figure(s->w, "unknown", NAN);
	bk_writer_figure(s->w, "big", 1e16);
	expect_record(s, "{\"type\":\"t\",\"n\":3012,\"neg\":-14,\"f\":0.93,\"big\":1e+16}\n");
}

/* Integers past INT64_MAX are written exactly; jansson (our reader) refuses them, as documented. */
static void
test_writer_uint_max(void **state)
{
	struct sink *s = *state;
	json_error_t jerr;
	const char *line;

	bk_writer_begin(s->w, "t");
	bk_writer_uint(s->w, "u", UINT64_MAX);
	assert_int_equal(bk_writer_end(s->w), BK_OK);
	assert_int_equal(fflush(s->f), 0);
	rewind(s->f);
	assert_non_null(fgets(s->text, 100, s->f));
	line = s->text;
	assert_string_equal(line, "{\"type\":\"t\",\"u\":18446744073709551615}\n");
	assert_null(json_loads(line, 0, &jerr));
	assert_int_equal(ftruncate(fileno(s->f), 0), 0);
	rewind(s->f);
}

static void
test_writer_nesting(void **state)
{
	struct sink *s = *state;

	bk_writer_begin(s->w, "alert");
	bk_writer_object_begin(s->w, "evidence");
	bk_writer_array_begin(s->w, "files");
	bk_writer_cstr(s->w, NULL, "a.log");
	bk_writer_cstr(s->w, NULL, "b.log");
	bk_writer_array_end(s->w);
	bk_writer_array_begin(s->w, "lines");
	bk_writer_array_begin(s->w, NULL);
	bk_writer_int(s->w, NULL, 1);
	bk_writer_int(s->w, NULL, 2);
	bk_writer_array_end(s->w);
	bk_writer_array_begin(s->w, NULL);
	bk_writer_array_end(s->w);
	bk_writer_object_begin(s->w, NULL);
	bk_writer_bool(s->w, "x", true);
	bk_writer_object_end(s->w);
	bk_writer_object_begin(s->w, NULL);
	bk_writer_object_end(s->w);
	bk_writer_null(s->w, NULL);
	bk_writer_array_end(s->w);
	bk_writer_object_end(s->w);
	bk_writer_object_begin(s->w, "empty");
	bk_writer_object_end(s->w);
	bk_writer_array_begin(s->w, "none");
	bk_writer_array_end(s->w);
	bk_writer_int(s->w, "after", 3);
	expect_record(s, "{\"type\":\"alert\",\"evidence\":{\"files\":[\"a.log\",\"b.log\"],"
	                 "\"lines\":[[1,2],[],{\"x\":true},{},null]},"
	                 "\"empty\":{},\"none\":[],\"after\":3}\n");
}

static void
test_writer_deep(void **state)
{
	struct sink *s = *state;
	char expected[256];
	int i;

	/* The record and 31 containers: the deepest the writer allows. */
	bk_writer_begin(s->w, "t");
	bk_writer_array_begin(s->w, "a");
	for (i = 0; i < 30; i++)
		bk_writer_array_begin(s->w, NULL);
	for (i = 0; i < 31; i++)
		bk_writer_array_end(s->w);
	strcpy(expected, "{\"type\":\"t\",\"a\":");
	for (i = 0; i < 31; i++)
		strcat(expected, "[");
	for (i = 0; i < 31; i++)
		strcat(expected, "]");
	strcat(expected, "}\n");
	expect_record(s, expected);
}

static void
test_writer_many_records(void **state)
{
	struct sink *s = *state;
	int i;

	for (i = 0; i < 3; i++) {
		bk_writer_begin(s->w, "event");
		bk_writer_int(s->w, "line", i);
		assert_int_equal(bk_writer_end(s->w), BK_OK);
	}
	assert_string_equal(output(s),
	    "{\"type\":\"event\",\"line\":0}\n"
	    "{\"type\":\"event\",\"line\":1}\n{\"type\":\"event\",\"line\":2}\n");
}

static void
test_writer_keys_escaped(void **state)
{
	struct sink *s = *state;

	bk_writer_begin(s->w, "t\"y");
	bk_writer_int(s->w, "a\"b\\c\n", 1);
	expect_record(s, "{\"type\":\"t\\\"y\",\"a\\\"b\\\\c\\n\":1}\n");
}

/* ---- writer: strings ---------------------------------------------------- */

/* clang-format off */
static void
test_writer_controls(void **state)
{
	struct sink *s = *state;
	char in[40];
	int i;

	for (i = 0; i < 32; i++)
		in[i] = (char)i;
	memcpy(in + 32, "\"\\/\x7f" "end", 7);
	assert_string_equal(str_json(s, in, 39),
		"\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007"
		"\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f"
		"\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017"
		"\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"
		"\\\"\\\\/\x7f" "end\"");
}
/* clang-format on */

static void
test_writer_escapes_in_long_runs(void **state)
{
	struct sink *s = *state;

	/* Specials at every position of an 8-byte word, between long plain runs. */
	assert_string_equal(str_json(s, STR("0123456789abcdef\"0123456\\01234567\n")),
	    "\"0123456789abcdef\\\"0123456\\\\01234567\\n\"");
	assert_string_equal(
	    str_json(s, STR("a\tb\tc\td\te\tf\tg\th\ti")), "\"a\\tb\\tc\\td\\te\\tf\\tg\\th\\ti\"");
	assert_string_equal(
	    str_json(s, STR("GET /index.html?q=1 HTTP/1.1")), "\"GET /index.html?q=1 HTTP/1.1\"");
	assert_string_equal(str_json(s, STR("1234567\x01")), "\"1234567\\u0001\"");
	assert_string_equal(str_json(s, STR("12345678\x1f")), "\"12345678\\u001f\"");
}

static void
test_writer_nul(void **state)
{
	struct sink *s = *state;

	assert_string_equal(str_json(s, STR("a\0b")), "\"a\\u0000b\"");
	assert_string_equal(str_json(s, STR("\0")), "\"\\u0000\"");
}

/* clang-format off */
static void
test_writer_utf8_valid(void **state)
{
	struct sink *s = *state;
	static const char *const ok[] = {
		"\xC2\x80",		/* U+0080, the first two-byte */
		"\xDF\xBF",		/* U+07FF */
		"\xE0\xA0\x80",		/* U+0800 */
		"\xED\x9F\xBF",		/* U+D7FF, just below the surrogates */
		"\xEE\x80\x80",		/* U+E000, just above */
		"\xEF\xBB\xBF",		/* a byte-order mark is a character */
		"\xEF\xBF\xBD",		/* U+FFFD itself */
		"\xEF\xBF\xBF",		/* U+FFFF */
		"\xF0\x90\x80\x80",	/* U+10000 */
		"\xF4\x8F\xBF\xBF",	/* U+10FFFF, the last */
		("M\xC3\xBCller, \xE5\xB1\xB1\xE7\x94\xB0 \xF0\x9F\x98\x80 "
		    "\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD"),	/* one string, split for width */
	};
	char expected[128];
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		snprintf(expected, sizeof expected, "\"%s\"", ok[i]);
		assert_string_equal(str_json(s, ok[i], strlen(ok[i])), expected);
	}
}
/* clang-format on */

/* clang-format off */
struct repair {
	const char *in;
	size_t len;
	const char *out;	/* without the quotes */
};
#define REPAIR(in, out) { (in), sizeof(in) - 1, (out) }

static void
test_writer_utf8_invalid(void **state)
{
	struct sink *s = *state;
	static const struct repair cases[] = {
		/* lone continuation bytes */
		REPAIR("\x80", R),
		REPAIR("a\x80" "b", "a" R "b"),
		REPAIR("\xBF\x80", R R),
		/* truncated at the end of the string */
		REPAIR("x\xC3", "x" R),
		REPAIR("x\xE2\x82", "x" R),
		REPAIR("x\xE2", "x" R),
		REPAIR("x\xF0\x9F\x98", "x" R),
		REPAIR("x\xF0\x9F", "x" R),
		REPAIR("x\xF0", "x" R),
		/* truncated in the middle: the byte after is kept */
		REPAIR("\xC3" "x", R "x"),
		REPAIR("\xE2\x82" "x", R "x"),
		REPAIR("\xF0\x9F\x98" "x", R "x"),
		REPAIR("\xC3\xC3\xA4", R "\xC3\xA4"),
		REPAIR("\xF0\x9F\x98\xF0\x9F\x98\x80", R "\xF0\x9F\x98\x80"),
		/* overlongs: C0, C1 never start anything; E0 and F0 lose their second byte */
		REPAIR("\xC0\xAF", R R),
		REPAIR("\xC1\xBF", R R),
		REPAIR("\xE0\x80\xAF", R R R),
		REPAIR("\xF0\x80\x80\xAF", R R R R),
		/* surrogates */
		REPAIR("\xED\xA0\x80", R R R),
		REPAIR("\xED\xBF\xBF", R R R),
		/* bytes that never occur */
		REPAIR("\xF5\xF6\xF7\xF8\xF9\xFA\xFB\xFC\xFD\xFE\xFF", R R R R R R R R R R R),
		REPAIR("\xF8\x88\x80\x80\x80", R R R R R),
		/* above U+10FFFF */
		REPAIR("\xF4\x90\x80\x80", R R R R),
		/* the Unicode standard's own example (table 3-8) */
		REPAIR("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64",
			"a" R R R "b" R "c" R R "d"),
		/* found by the word-at-a-time scan after a long plain run */
		REPAIR("abcdefghijklmnop\xFFqrstuvwxyz", "abcdefghijklmnop" R "qrstuvwxyz"),
		REPAIR("abcdefg\xE2\x82", "abcdefg" R),
		/* a control byte inside a broken sequence ends it */
		REPAIR("\xE2\n", R "\\n"),
		REPAIR("\xE2\"", R "\\\""),
	};
	char expected[128];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(expected, sizeof expected, "\"%s\"", cases[i].out);
		assert_string_equal(str_json(s, cases[i].in, cases[i].len), expected);
	}
}
/* clang-format on */

static void
test_writer_large_string(void **state)
{
	struct sink *s = *state;
	static char big[1 << 20];
	const char *got;
	size_t i;

	/* Plain text with a tab every 1000 bytes, past any initial buffer size. */
	for (i = 0; i < sizeof big; i++)
		big[i] = i % 1000 == 999 ? '\t' : (char)('a' + i % 26);
	got = str_json(s, big, sizeof big);
	assert_int_equal(strlen(got), sizeof big + sizeof big / 1000 + 2);
	assert_memory_equal(got, "\"abcdefghij", 11);
	assert_memory_equal(got + 1 + 998, "k\\tm", 4);
	assert_string_equal(got + strlen(got) - 5, "stuv\"");
}

/*
 * The reference repair: a byte sequence is a prefix of a well-formed one if
 * encoding some code point produces it. Tables of every such prefix of one,
 * two and three bytes are filled by encoding all code points.
 */
static unsigned char ref_len[256]; /* the sequence length a first byte starts */
static unsigned char ref_pre2[1 << 16];
static unsigned char ref_pre3[1 << 21]; /* a bit per three-byte prefix */

static void
ref_init(void)
{
	unsigned char e[4];
	uint32_t cp, k;
	int n;

	if (ref_len[0xC2] != 0)
		return;
	for (cp = 0x80; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		if (cp < 0x800) {
			e[0] = (unsigned char)(0xC0 | cp >> 6);
			e[1] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 2;
		} else if (cp < 0x10000) {
			e[0] = (unsigned char)(0xE0 | cp >> 12);
			e[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
			e[2] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 3;
		} else {
			e[0] = (unsigned char)(0xF0 | cp >> 18);
			e[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
			e[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
			e[3] = (unsigned char)(0x80 | (cp & 0x3F));
			n = 4;
		}
		ref_len[e[0]] = (unsigned char)n;
		ref_pre2[e[0] << 8 | e[1]] = 1;
		if (n >= 3) {
			k = (uint32_t)e[0] << 16 | (uint32_t)e[1] << 8 | e[2];
			ref_pre3[k >> 3] |= (unsigned char)(1u << (k & 7));
		}
	}
}

/* Whether the first M bytes of P (M <= 4) begin some well-formed sequence. */
static int
ref_prefix(const unsigned char *p, size_t m)
{
	uint32_t k;

	switch (m) {
	case 1:
		return ref_len[p[0]] != 0;
	case 2:
		return ref_pre2[p[0] << 8 | p[1]];
	case 3:
		k = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
		return ref_pre3[k >> 3] >> (k & 7) & 1;
	default:
		return ref_prefix(p, 3) && (p[3] & 0xC0) == 0x80;
	}
}

static size_t
ref_escape(const unsigned char *p, size_t n, char *out)
{
	size_t i = 0, o = 0, k, want;

	out[o++] = '"';
	while (i < n) {
		unsigned char c = p[i];

		if (c == '"' || c == '\\') {
			o += (size_t)sprintf(out + o, "\\%c", c);
			i++;
		} else if (c < 0x20) {
			const char *names = "btn?fr";

			if (c >= 8 && c <= 13 && c != 11)
				o += (size_t)sprintf(out + o, "\\%c", names[c - 8]);
			else
				o += (size_t)sprintf(out + o, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			out[o++] = (char)c;
			i++;
		} else {
			want = ref_len[c];
			for (k = 0; k < want && i + k < n && ref_prefix(p + i, k + 1); k++)
				;
			if (k > 0 && k == want) {
				memcpy(out + o, p + i, k);
				o += k;
				i += k;
			} else {
				memcpy(out + o, R, 3);
				o += 3;
				i += k > 0 ? k : 1;
			}
		}
	}
	out[o++] = '"';
	return o;
}

static uint64_t
rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static void
test_escape_matches_reference(void **state)
{
	static const unsigned char leads[] = {0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF4, 0xF5};
	unsigned char in[64];
	char ref[64 * 6 + 2];
	struct bk__strbuf b = {0};
	uint64_t seed = 0x9E3779B97F4A7C15ULL;
	json_error_t jerr;
	json_t *j;
	size_t n, i, len;
	int round;

	(void)state;
	ref_init();
	for (round = 0; round < 50000; round++) {
		n = rnd(&seed) % sizeof in;
		for (i = 0; i < n; i++) {
			uint64_t r = rnd(&seed);

			switch (r % 8) {
			case 0:
			case 1:
			case 2:
				in[i] = (unsigned char)(' ' + (r >> 8) % 95);
				break;
			case 3:
				in[i] = (unsigned char)((r >> 8) % 0x20);
				break;
			case 4:
				in[i] = (r >> 8) & 1 ? '"' : '\\';
				break;
			case 5:
				in[i] = leads[(r >> 8) % sizeof leads];
				break;
			case 6:
				in[i] = (unsigned char)(0x80 + (r >> 8) % 0x40);
				break;
			default:
				in[i] = (unsigned char)(0x80 + (r >> 8) % 0x80);
				break;
			}
		}
		b.len = 0;
		assert_int_equal(bk__json_escape(&b, (const char *)in, n), BK_OK);
		len = ref_escape(in, n, ref);
		if (b.len != len || memcmp(b.data, ref, len) != 0)
			fail_msg("round %d: got %.*s want %.*s", round, (int)b.len, b.data,
			    (int)len, ref);
		j = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
		if (j == NULL)
			fail_msg("round %d: not JSON: %s", round, jerr.text);
		json_decref(j);
	}
	bk__strbuf_free(&b);
}

/*
 * The escaper copies plain strings up to 32 bytes with overlapping loads,
 * longer ones 16 bytes (8 without SSE2) at a time with an overlapping last
 * block, and asks for more room only at an escape or a replacement. Each
 * piece below is put at every offset of strings of every length across
 * those sizes, between plain ASCII or between multibyte characters, with
 * the output buffer already holding a prefix of varying length so that its
 * growth falls at every point; the result must be the reference's.
 */
static const struct {
	const char *bytes;
	size_t len;
} pieces[] = {
    {"\"", 1}, {"\\", 1}, {"\0", 1}, {"\x01", 1}, {"\b", 1}, {"\t", 1}, {"\n", 1},
    {"\x0b", 1}, {"\f", 1}, {"\r", 1}, {"\x1f", 1}, {"\x7f", 1}, {" ", 1}, {"/", 1},
    {"\xc3\xa9", 2},		/* é */
    {"\xe3\x81\x82", 3},	/* あ */
    {"\xe0\xa0\x80", 3},	/* U+0800, E0's least */
    {"\xed\x9f\xbf", 3},	/* U+D7FF, ED's most */
    {"\xf0\x9f\x98\x80", 4},	/* U+1F600 */
    {"\xf4\x8f\xbf\xbf", 4},	/* U+10FFFF */
    {"\x80", 1}, {"\xbf", 1}, {"\xc0", 1}, {"\xc1\xbf", 2}, {"\xc2", 1},
    {"\xe0\x80\x80", 3},	/* overlong */
    {"\xed\xa0\x80", 3},	/* a surrogate */
    {"\xe3\x81", 2},		/* truncated */
    {"\xe3\x81" "a", 3},	/* cut short by ASCII */
    {"\xf0\x9f\x98", 3},	/* truncated */
    {"\xf4\x90\x80\x80", 4},	/* above U+10FFFF */
    {"\xf5\x80", 2}, {"\xff", 1}, {"\xfe\xff", 2},
};

/* Escapes IN (N bytes) after a prefix of PRE bytes and compares with the reference. */
static void
check_escape(struct bk__strbuf *b, const unsigned char *in, size_t n, size_t pre)
{
	static char ref[200 * 6 + 2];
	size_t len;

	b->len = 0;
	if (pre > 0 && bk__strbuf_reserve(b, pre) == NULL)
		fail();
	while (b->len < pre)
		b->data[b->len++] = '#';
	assert_int_equal(bk__json_escape(b, (const char *)in, n), BK_OK);
	len = ref_escape(in, n, ref);
	for (size_t i = 0; i < pre; i++)
		assert_int_equal(b->data[i], '#');
	if (b->len - pre != len || memcmp(b->data + pre, ref, len) != 0)
		fail_msg("length %zu after %zu: got %.*s want %.*s", n, pre, (int)(b->len - pre),
		    b->data + pre, (int)len, ref);
}

static void
test_escape_pieces_everywhere(void **state)
{
	static const char kana[] = "\xe3\x81\x82"; /* あ */
	unsigned char in[200];
	struct bk__strbuf b = {0};
	size_t n, k, i, p, pre = 0;
	int filler;

	(void)state;
	ref_init();
	for (filler = 0; filler < 2; filler++) {
		for (n = 0; n <= 70; n++) {
			for (p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
				for (k = 0; k + pieces[p].len <= n; k++) {
					/* Plain ASCII, or kana cut where the length falls. */
					for (i = 0; i < n; i++)
						in[i] = filler ? (unsigned char)kana[i % 3] :
								 (unsigned char)('a' + i % 26);
					memcpy(in + k, pieces[p].bytes, pieces[p].len);
					/* Grown from nothing sometimes, else from any fill. */
					if (pre++ % 7 == 0)
						bk__strbuf_free(&b);
					check_escape(&b, in, n, pre % 300);
				}
			}
		}
	}
	bk__strbuf_free(&b);
}

/* Long runs: plain ASCII and kana of every length to 600, one special at their end. */
static void
test_escape_long_runs(void **state)
{
	static unsigned char in[620];
	struct bk__strbuf b = {0};
	size_t n, i;

	(void)state;
	ref_init();
	for (n = 0; n <= 600; n++) {
		for (i = 0; i < n; i++)
			in[i] = (unsigned char)('0' + i % 75);
		in[n] = '\\';
		check_escape(&b, in, n, 0);
		check_escape(&b, in, n + 1, n % 17);
		for (i = 0; i < n; i++)
			in[i] = (unsigned char)"\xe6\x97\xa5"[i % 3]; /* 日, cut at the end */
		in[n] = '\n';
		check_escape(&b, in, n, 0);
		check_escape(&b, in, n + 1, n % 13);
	}
	bk__strbuf_free(&b);
}

/*
 * Keys are written with their comma, quotes and colon in one piece when
 * short and plain: keys of every length to 40, plain and with a piece at
 * each offset, must come out as the escaper makes them.
 */
static void
test_writer_keys_every_length(void **state)
{
	struct sink *s = *state;
	char key[48], want[1300], ref[300];
	size_t n, k, p, len;

	ref_init();
	for (n = 1; n <= 40; n++) {
		for (p = 0; p <= 3; p++) {
			for (k = 0; k < n; k++) {
				for (size_t i = 0; i < n; i++)
					key[i] = (char)('a' + i % 26);
				key[n] = '\0';
				if (p == 1)
					key[k] = '"';
				else if (p == 2)
					key[k] = '\n';
				else if (p == 3)
					key[k] = '\xff';
				bk_writer_begin(s->w, "t");
				bk_writer_int(s->w, "a", 1);
				bk_writer_cstr(s->w, key, key);
				bk_writer_object_begin(s->w, key);
				bk_writer_uint(s->w, key, n);
				bk_writer_object_end(s->w);
				assert_int_equal(bk_writer_end(s->w), BK_OK);
				len = ref_escape((const unsigned char *)key, n, ref);
				ref[len] = '\0';
				snprintf(want, sizeof want, "{\"type\":\"t\",\"a\":1,%s:%s,%s:{%s:%zu}}\n",
				    ref, ref, ref, ref, n);
				assert_string_equal(output(s), want);
				if (p == 0)
					break; /* one plain key of each length */
			}
		}
	}
}

/* Integers at every digit count and both sides of 2^32, against printf. */
static void
test_writer_integers(void **state)
{
	struct sink *s = *state;
	char want[200];
	uint64_t u, p10;
	int64_t i;
	int d;

	for (d = 0, p10 = 1; d <= 20; d++, p10 *= 10) {
		uint64_t cases[] = {p10 - 1, p10, p10 + 1, p10 * 5 + 3};

		for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
			u = d == 20 ? UINT64_MAX - c : cases[c];
			i = (int64_t)u;
			bk_writer_begin(s->w, "t");
			bk_writer_uint(s->w, "u", u);
			bk_writer_int(s->w, "i", i);
			bk_writer_int(s->w, "n", i < 0 ? i : -i);
			assert_int_equal(bk_writer_end(s->w), BK_OK);
			snprintf(want, sizeof want, "{\"type\":\"t\",\"u\":%" PRIu64 ",\"i\":%" PRId64
			    ",\"n\":%" PRId64 "}\n", u, i, i < 0 ? i : -i);
			/* Past INT64_MAX jansson refuses the line: compare without parsing. */
			assert_int_equal(fflush(s->f), 0);
			rewind(s->f);
			assert_non_null(fgets(s->text, 200, s->f));
			assert_string_equal(s->text, want);
			assert_int_equal(ftruncate(fileno(s->f), 0), 0);
			rewind(s->f);
		}
	}
	for (u = UINT32_MAX - 3; u <= (uint64_t)UINT32_MAX + 3; u++) {
		bk_writer_begin(s->w, "t");
		bk_writer_uint(s->w, "u", u);
		snprintf(want, sizeof want, "{\"type\":\"t\",\"u\":%" PRIu64 "}\n", u);
		expect_record(s, want);
	}
	bk_writer_begin(s->w, "t");
	bk_writer_int(s->w, "min", INT64_MIN);
	bk_writer_int(s->w, "zero", 0);
	bk_writer_int(s->w, "m1", -1);
	expect_record(s, "{\"type\":\"t\",\"min\":-9223372036854775808,\"zero\":0,\"m1\":-1}\n");
}

/* ---- writer: numbers and times ------------------------------------------ */

static void
test_writer_doubles(void **state)
{
	struct sink *s = *state;
	static const struct {
		double v;
		const char *out;
	} cases[] = {
	    {0.1, "0.1"},
	    {0.75, "0.75"},
	    {1.0, "1.0"},
	    {100.0, "100.0"},
	    {-1234.5678, "-1234.5678"},
	    {0.0, "0.0"},
	    {-0.0, "-0.0"},
	    {1.0 / 3.0, "0.3333333333333333"},  /* 16 digits */
	    {0.1 + 0.2, "0.30000000000000004"}, /* 17 digits */
	    {9007199254740992.0, "9007199254740992.0"},
	    {1e15, "1e+15"},
	    {1e21, "1e+21"},
	    {1e-7, "0.0000001"},		/* fixed down to nine decimals */
	    {0.000062, "0.000062"},
	    {1.5e-9, "1.5e-09"},		/* ten decimals: an exponent */
	    {1e-10, "1e-10"},
	    {1.7976931348623157e308, "1.7976931348623157e+308"},
	    {5e-324, "4.94065645841247e-324"},
	};
	char expected[128];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bk_writer_begin(s->w, "t");
		bk_writer_double(s->w, "d", cases[i].v);
		snprintf(expected, sizeof expected, "{\"type\":\"t\",\"d\":%s}\n", cases[i].out);
		expect_record(s, expected);
	}
	bk_writer_begin(s->w, "t");
	bk_writer_double(s->w, "nan", NAN);
	bk_writer_double(s->w, "inf", INFINITY);
	bk_writer_double(s->w, "ninf", -INFINITY);
	expect_record(s, "{\"type\":\"t\",\"nan\":null,\"inf\":null,\"ninf\":null}\n");
}

/*
 * The contract spelled out the slow way: the first of 15, 16, 17 digits that
 * reads back; but below 1e-4, where that has an exponent, the fixed form
 * when nine decimals or fewer read back.
 */
static void
ref_double(double v, char *out, size_t size)
{
	int prec;

	if (fabs(v) < 1e-4 && fabs(v) >= 1e-9) {
		for (prec = 5; prec <= 9; prec++) {
			snprintf(out, size, "%.*f", prec, v);
			if (strtod(out, NULL) == v)
				return;
		}
	}

	for (prec = 15;; prec++) {
		snprintf(out, size, "%.*g", prec, v);
		if (prec == 17 || strtod(out, NULL) == v)
			break;
	}
	if (strpbrk(out, ".e") == NULL)
		strcat(out, ".0");
}

/* V written, read back as the same double, and spelled as ref_double spells it. */
static void
check_double(struct sink *s, bk_reader *rd, double v)
{
	char want[64], line[128];
	const bk_record *rec;
	double back;

	bk_writer_begin(s->w, "t");
	bk_writer_double(s->w, "d", v);
	assert_int_equal(bk_writer_end(s->w), BK_OK);
	ref_double(v, want, sizeof want);
	snprintf(line, sizeof line, "{\"type\":\"t\",\"d\":%s}\n", want);
	assert_string_equal(output(s), line);
	assert_int_equal(bk__reader_parse(rd, line, strlen(line) - 1, 1, &rec), BK_OK);
	assert_int_equal(bk_record_double(rec, "d", &back), BK_OK);
	if (memcmp(&back, &v, sizeof v) != 0)
		fail_msg("%s read back as %.17g", line, back);
}

static void
test_writer_doubles_random(void **state)
{
	static const double edges[] = {1e-4, 9.9999999999999991e-5, 1.5e-4, 999999999999999.0,
	    999999999999999.9, 1e15 - 0.5, 123456.7890125, 0.1234565, 4503599627370495.5,
	    0.000123456789};
	struct sink *s = *state;
	uint64_t seed = 12345, bits, m;
	bk_reader *rd;
	double v, scale;
	size_t i;
	int k;

	rd = bk_reader_new();
	assert_non_null(rd);
	for (i = 0; i < sizeof edges / sizeof edges[0]; i++) {
		check_double(s, rd, edges[i]);
		check_double(s, rd, -edges[i]);
	}
	/* Any bit pattern... */
	for (i = 0; i < 3000; i++) {
		bits = rnd(&seed);
		memcpy(&v, &bits, sizeof v);
		if (isfinite(v))
			check_double(s, rd, v);
	}
	/* ...and the short decimals the fast path is for, at every magnitude. */
	for (i = 0; i < 20000; i++) {
		m = rnd(&seed) % (UINT64_C(1) << (rnd(&seed) % 53));
		k = (int)(rnd(&seed) % 12);
		for (scale = 1; k > 0; k--)
			scale *= 10;
		v = (double)m / scale;
		check_double(s, rd, i % 2 ? v : -v);
	}
	bk_reader_free(rd);
}

static const char *
fmt_time(int64_t ms)
{
	static char buf[32];

	if (bk__time_rfc3339(buf, ms) == 0)
		return "out of range";
	return buf;
}

static void
test_writer_time(void **state)
{
	struct sink *s = *state;

	assert_string_equal(fmt_time(0), "1970-01-01T00:00:00.000Z");
	assert_string_equal(fmt_time(-1), "1969-12-31T23:59:59.999Z");
	assert_string_equal(fmt_time(-86400000), "1969-12-31T00:00:00.000Z");
	assert_string_equal(fmt_time(-86400001), "1969-12-30T23:59:59.999Z");
	assert_string_equal(fmt_time(1431047702123), "2015-05-08T01:15:02.123Z");
	assert_string_equal(fmt_time(1456790399999), "2016-02-29T23:59:59.999Z");
	assert_string_equal(fmt_time(1456790400000), "2016-03-01T00:00:00.000Z");
	assert_string_equal(fmt_time(951825600000), "2000-02-29T12:00:00.000Z");
	assert_string_equal(fmt_time(-2203891200000), "1900-03-01T00:00:00.000Z");
	assert_string_equal(fmt_time(-2203891200001), "1900-02-28T23:59:59.999Z");
	assert_string_equal(fmt_time(-11670976371991), "1600-02-29T06:07:08.009Z");
	assert_string_equal(fmt_time(253402300799999), "9999-12-31T23:59:59.999Z");
	assert_string_equal(fmt_time(253402300800000), "out of range");
	assert_string_equal(fmt_time(-62167219200000), "0000-01-01T00:00:00.000Z");
	assert_string_equal(fmt_time(-62167219200001), "out of range");
	assert_string_equal(fmt_time(INT64_MIN), "out of range");
	assert_string_equal(fmt_time(INT64_MAX), "out of range");

	bk_writer_begin(s->w, "t");
	bk_writer_time(s->w, "first", -62167219200000);
	bk_writer_time(s->w, "leap", 1456790399999);
	bk_writer_time(s->w, "last", 253402300799999);
	bk_writer_time(s->w, "far", INT64_MAX);
	bk_writer_time(s->w, "before", INT64_MIN);
	expect_record(s,
	    "{\"type\":\"t\",\"first\":\"0000-01-01T00:00:00.000Z\","
	    "\"leap\":\"2016-02-29T23:59:59.999Z\",\"last\":\"9999-12-31T23:59:59.999Z\","
	    "\"far\":null,\"before\":null}\n");
}

static void
check_time_against_libc(int64_t sec, int ms)
{
	char want[64];
	time_t t = (time_t)sec;
	struct tm tm;

	assert_non_null(gmtime_r(&t, &tm));
	snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	assert_string_equal(fmt_time(sec * 1000 + ms), want);
}

static void
test_writer_time_against_libc(void **state)
{
	int64_t sec;
	int64_t day;

	(void)state;
	if (sizeof(time_t) < 8)
		skip();
	/* Across the whole range, at an odd stride so times of day vary. */
	for (sec = -62167219200; sec <= 253402300799; sec += 3 * 86400 + 3607)
		check_time_against_libc(sec, (int)((sec % 1000 + 1000) % 1000));
	/* Every day from 1890 to 2110, around the epoch and three century years. */
	for (day = -29220; day <= 51136; day++)
		check_time_against_libc(day * 86400 + (day % 86400 + 86400) % 86400, 999);
	check_time_against_libc(253402300799, 999);
	check_time_against_libc(-62167219200, 0);
}

/* ---- writer: errors ----------------------------------------------------- */

static void
test_writer_dev_full(void **state)
{
	bk_writer *w;
	FILE *f;
	int rc;

	(void)state;
	f = fopen("/dev/full", "w");
	if (f == NULL)
		skip();
	assert_int_equal(setvbuf(f, NULL, _IONBF, 0), 0);
	w = bk_writer_new(f);
	assert_non_null(w);
	assert_string_equal(bk_writer_error(w), "");
	bk_writer_begin(w, "event");
	bk_writer_int(w, "line", 1);
	errno = 0;
	rc = bk_writer_end(w);
	assert_int_equal(rc, BK_ERROR);
	assert_int_equal(errno, ENOSPC);
	assert_string_equal(bk_writer_error(w), strerror(ENOSPC));
	/* The writer is ready for the next record, which fails too. */
	bk_writer_begin(w, "event");
	assert_int_equal(bk_writer_end(w), BK_ERROR);
	bk_writer_free(w);
	fclose(f);
}

/* Through stdio's buffer the failure shows up when the buffer is flushed. */
static void
test_writer_dev_full_buffered(void **state)
{
	bk_writer *w;
	FILE *f;
	int i, rc = BK_OK;

	(void)state;
	f = fopen("/dev/full", "w");
	if (f == NULL)
		skip();
	w = bk_writer_new(f);
	assert_non_null(w);
	for (i = 0; i < 100000 && rc == BK_OK; i++) {
		bk_writer_begin(w, "event");
		bk_writer_cstr(w, "object", "/some/path/that/makes/the/record/long");
		errno = 0;
		rc = bk_writer_end(w);
	}
	assert_int_equal(rc, BK_ERROR);
	assert_int_equal(errno, ENOSPC);
	assert_string_equal(bk_writer_error(w), strerror(ENOSPC));
	/* The stream keeps its error flag; later records are refused, not lost quietly. */
	bk_writer_begin(w, "event");
	assert_int_equal(bk_writer_end(w), BK_ERROR);
	bk_writer_free(w);
	fclose(f);
}

/* ---- records: parsing and accessors ------------------------------------- */

static void
test_parse_accessors(void **state)
{
	static const char line[] =
	    "{\"type\":\"event\",\"actor\":\"bob\",\"rows\":12,"
	    "\"score\":2.5,\"neg\":-9223372036854775808,\"nul\":\"a\\u0000b\",\"none\":null,"
	    "\"flag\":true,\"obj\":{\"k\":1}}";
	const bk_record *rec;
	bk_reader *rd;
	int64_t i;
	double d;
	size_t len;
	const char *str;

	(void)state;
	rd = bk_reader_new();
	assert_non_null(rd);
	assert_int_equal(bk__reader_parse(rd, line, sizeof line - 1, 3, &rec), BK_OK);
	assert_non_null(rec);
	assert_int_equal(bk_reader_lineno(rd), 3);
	assert_string_equal(bk_record_type(rec), "event");
	assert_string_equal(bk_record_str(rec, "actor"), "bob");
	assert_null(bk_record_str(rec, "rows"));
	assert_null(bk_record_str(rec, "missing"));
	assert_null(bk_record_str(rec, "none"));

	str = bk_record_strn(rec, "nul", &len);
	assert_int_equal(len, 3);
	assert_memory_equal(str, "a\0b", 3);
	assert_string_equal(bk_record_str(rec, "nul"), "a");
	assert_null(bk_record_strn(rec, "rows", &len));

	assert_int_equal(bk_record_int(rec, "rows", &i), BK_OK);
	assert_int_equal(i, 12);
	assert_int_equal(bk_record_int(rec, "neg", &i), BK_OK);
	assert_true(i == INT64_MIN);
	i = 77;
	/* A real is not an integer. */
	assert_int_equal(bk_record_int(rec, "score", &i), BK_ERROR);
	assert_int_equal(bk_record_int(rec, "actor", &i), BK_ERROR);
	assert_int_equal(bk_record_int(rec, "missing", &i), BK_ERROR);
	assert_int_equal(i, 77);

	assert_int_equal(bk_record_double(rec, "score", &d), BK_OK);
	assert_true(d == 2.5);
	assert_int_equal(bk_record_double(rec, "rows", &d), BK_OK);
	assert_true(d == 12.0);
	assert_int_equal(bk_record_double(rec, "flag", &d), BK_ERROR);
	assert_int_equal(bk_record_double(rec, "none", &d), BK_ERROR);

	assert_true(bk_record_has(rec, "none"));
	assert_true(bk_record_has(rec, "obj"));
	assert_false(bk_record_has(rec, "k"));
	assert_false(bk_record_has(rec, "missing"));
	assert_true(json_is_object(bk__record_json(rec)));

	assert_int_equal(bk__reader_parse(rd, STR("{\"n\":1}"), 4, &rec), BK_OK);
	assert_string_equal(bk_record_type(rec), "");
	assert_int_equal(bk__reader_parse(rd, STR("{\"type\":7}"), 5, &rec), BK_OK);
	assert_string_equal(bk_record_type(rec), "");
	bk_reader_free(rd);
}

static void
test_parse_errors(void **state)
{
	const bk_record *rec;
	bk_reader *rd;

	(void)state;
	rd = bk_reader_new();
	assert_non_null(rd);
	assert_int_equal(bk__reader_parse(rd, STR("{\"a\":1,}"), 7, &rec), BK_ERROR);
	assert_null(rec);
	assert_int_equal(bk_reader_lineno(rd), 7);
	assert_string_equal(
	    bk_reader_error(rd), "7: invalid JSON: string or '}' expected near '}' (column 8)");
	assert_int_equal(bk__reader_parse(rd, STR("{\"a\":1}"), 8, &rec), BK_OK);
	assert_int_equal(bk_reader_lineno(rd), 8);

	assert_int_equal(bk__reader_parse(rd, STR("{\"a\":1} x"), 9, &rec), BK_ERROR);
	assert_string_equal(
	    bk_reader_error(rd), "9: invalid JSON: end of file expected near 'x' (column 9)");
	assert_int_equal(bk__reader_parse(rd, STR("{\"a\":\"\xFF\"}"), 10, &rec), BK_ERROR);
	assert_string_equal(bk_reader_error(rd),
	    "10: invalid JSON: unable to decode byte 0xff near '\"' (column 6)");
	assert_int_equal(bk__reader_parse(rd, STR("{\"a\":1,\"b\"}"), 11, &rec), BK_ERROR);
	assert_string_equal(
	    bk_reader_error(rd), "11: invalid JSON: ':' expected near '}' (column 11)");

	assert_int_equal(bk__reader_parse(rd, STR("[1,2]"), 12, &rec), BK_ERROR);
	assert_null(rec);
	assert_string_equal(bk_reader_error(rd), "12: not a JSON object");
	assert_int_equal(bk__reader_parse(rd, STR("42"), 13, &rec), BK_ERROR);
	assert_string_equal(bk_reader_error(rd), "13: not a JSON object");
	assert_int_equal(bk__reader_parse(rd, STR("\"str\""), 14, &rec), BK_ERROR);
	assert_string_equal(bk_reader_error(rd), "14: not a JSON object");

	/* Input bytes quoted by jansson reach the message only as printable ASCII. */
	assert_int_equal(bk__reader_parse(rd, STR("{\"a\":\x1b[31m}"), 15, &rec), BK_ERROR);
	assert_string_equal(
	    bk_reader_error(rd), "15: invalid JSON: invalid token near '?' (column 6)");
	assert_int_equal(bk__reader_parse(rd, STR("\xEF\xBB\xBF{}"), 16, &rec), BK_ERROR);
	assert_string_equal(
	    bk_reader_error(rd), "16: invalid JSON: invalid token near '?\?\?' (column 1)");
	bk_reader_free(rd);
}

/* ---- pass-through ------------------------------------------------------- */

static void
passthrough(struct sink *s, bk_reader *rd, const char *line, const char *expected)
{
	const bk_record *rec;

	assert_int_equal(bk__reader_parse(rd, line, strlen(line), 1, &rec), BK_OK);
	bk_writer_begin(s->w, bk_record_type(rec));
	bk_writer_fields(s->w, rec);
	expect_record(s, expected);
}

static void
test_writer_fields(void **state)
{
	static const char line[] =
	    "{\"type\":\"event\",\"ts\":\"2015-05-08T01:15:02.123Z\","
	    "\"ext\":{\"a\":[1,2.5,{\"b\":null,\"c\":[]}],\"d\":\"M\xC3\xBCller\",\"e\":{}},"
	    "\"tab\":\"x\\ty\\u0000\",\"neg\":-3,\"t\":true,\"f\":false,\"r\":0.1,"
	    "\"big\":1e+300,"
	    "\"one\":1.0,\"q\":\"\\\"\\\\\"}";
	struct sink *s = *state;
	const bk_record *rec;
	bk_reader *rd;

	rd = bk_reader_new();
	assert_non_null(rd);
	passthrough(s, rd, line,
	    "{\"type\":\"event\",\"ts\":\"2015-05-08T01:15:02.123Z\","
	    "\"ext\":{\"a\":[1,2.5,{\"b\":null,\"c\":[]}],\"d\":\"M\xC3\xBCller\",\"e\":{}},"
	    "\"tab\":\"x\\ty\\u0000\",\"neg\":-3,\"t\":true,\"f\":false,\"r\":0.1,"
	    "\"big\":1e+300,"
	    "\"one\":1.0,\"q\":\"\\\"\\\\\"}\n");

	/* "type" comes first wherever it was; a repeated key keeps its last value, first place. */
	passthrough(s, rd, "{\"a\":1,\"type\":\"x\",\"b\":2,\"a\":3}",
	    "{\"type\":\"x\",\"a\":3,\"b\":2}\n");
	/* Escapes are normalised: \u00e9 becomes the character, \/ a plain slash. */
	passthrough(s, rd, "{\"type\":\"x\",\"p\":\"caf\\u00e9 a\\/b \\ud83d\\ude00\"}",
	    "{\"type\":\"x\",\"p\":\"caf\xC3\xA9 a/b \xF0\x9F\x98\x80\"}\n");

	/* A tool adds its own fields around the passed ones, and may nest them. */
	assert_int_equal(
	    bk__reader_parse(rd, STR("{\"type\":\"event\",\"k\":[1]}"), 2, &rec), BK_OK);
	bk_writer_begin(s->w, "alert");
	bk_writer_int(s->w, "score", 9);
	bk_writer_object_begin(s->w, "source");
	bk_writer_fields(s->w, rec);
	bk_writer_object_end(s->w);
	bk__writer_json(s->w, "k_again", json_object_get(bk__record_json(rec), "k"));
	expect_record(
	    s, "{\"type\":\"alert\",\"score\":9,\"source\":{\"k\":[1]},\"k_again\":[1]}\n");
	bk_reader_free(rd);
}

/* ---- the reader over an input ------------------------------------------- */

/* A temporary file holding LEN bytes of DATA; its path goes into PATH. */
static void
make_file(char *path, size_t size, const void *data, size_t len)
{
	const char *dir = getenv("TMPDIR");
	int fd;

	snprintf(path, size, "%s/test_record.XXXXXX", dir != NULL && *dir != '\0' ? dir : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void
test_reader_lines(void **state)
{
	static const char data[] = "\xEF\xBB\xBF{\"type\":\"a\",\"n\":1}\r\n" /* 1: BOM, CRLF */
	                           "\r\n"                                     /* 2: empty */
	                           "  \t \r\n"                                /* 3: whitespace */
	                           "{bad\n"                                   /* 4 */
	                           "[1,2]\r\n"                                /* 5 */
	                           "{\"type\":\"b\"}\n"                       /* 6 */
	                           "\n"                                       /* 7 */
	                           "\r\r\n"                                   /* 8: a stray CR */
	                           "{\"type\":\"c\",\"s\":\"x\\r\"}"; /* 9: no final newline */
	char path[4096];
	const bk_record *rec;
	bk_reader *rd;
	bk_input *in;
	int64_t n;

	(void)state;
	make_file(path, sizeof path, data, sizeof data - 1);
	in = bk_input_new();
	rd = bk_reader_new();
	assert_non_null(in);
	assert_non_null(rd);
	assert_int_equal(bk_reader_next(rd, &rec), BK_EOF); /* not reset yet */
	assert_int_equal(bk_input_open(in, path), BK_OK);
	bk_reader_reset(rd, in);

	assert_int_equal(bk_reader_next(rd, &rec), BK_OK);
	assert_string_equal(bk_record_type(rec), "a");
	assert_int_equal(bk_record_int(rec, "n", &n), BK_OK);
	assert_int_equal(n, 1);
	assert_int_equal(bk_reader_lineno(rd), 1);

	assert_int_equal(bk_reader_next(rd, &rec), BK_ERROR);
	assert_null(rec);
	assert_int_equal(bk_reader_lineno(rd), 4);
	assert_string_equal(
	    bk_reader_error(rd), "4: invalid JSON: string or '}' expected near 'bad' (column 4)");

	assert_int_equal(bk_reader_next(rd, &rec), BK_ERROR);
	assert_string_equal(bk_reader_error(rd), "5: not a JSON object");

	assert_int_equal(bk_reader_next(rd, &rec), BK_OK);
	assert_string_equal(bk_record_type(rec), "b");
	assert_int_equal(bk_reader_lineno(rd), 6);

	assert_int_equal(bk_reader_next(rd, &rec), BK_OK);
	assert_string_equal(bk_record_type(rec), "c");
	assert_string_equal(bk_record_str(rec, "s"), "x\r");
	assert_int_equal(bk_reader_lineno(rd), 9);

	assert_int_equal(bk_reader_next(rd, &rec), BK_EOF);
	assert_null(rec);
	assert_int_equal(bk_reader_next(rd, &rec), BK_EOF);
	assert_int_equal(bk_input_close(in), BK_OK);

	/* The same reader and input again, from the start. */
	assert_int_equal(bk_input_open(in, path), BK_OK);
	bk_reader_reset(rd, in);
	assert_int_equal(bk_reader_next(rd, &rec), BK_OK);
	assert_string_equal(bk_record_type(rec), "a");
	assert_int_equal(bk_reader_lineno(rd), 1);
	assert_int_equal(bk_input_close(in), BK_OK);

	bk_reader_free(rd);
	bk_input_free(in);
	unlink(path);
}

/* Read records, write them back with bk_writer_fields: the same bytes. */
static void
test_reader_passthrough(void **state)
{
	static const char data[] =
	    "{\"type\":\"event\",\"ts\":\"2015-05-08T01:15:02.123Z\",\"format\":\"nginx\","
	    "\"file\":\"access.log\",\"line\":1,\"ip\":\"192.0.2.7\",\"bytes_out\":5120,"
	    "\"x_vendor\":{\"trace\":[\"a\",{\"deep\":[1.5,null,true]}],"
	    "\"note\":\"caf\xC3\xA9\"}}\n"
	    "{\"type\":\"finding\",\"rule\":\"iban\",\"confidence\":0.95,"
	    "\"value\":\"****1234\","
	    "\"unknown\":[[],{},\"\\u001b\"]}\n"
	    "{\"type\":\"summary\"}\n";
	struct sink *s = *state;
	char path[4096];
	const bk_record *rec;
	bk_reader *rd;
	bk_input *in;
	int rc;

	make_file(path, sizeof path, data, sizeof data - 1);
	in = bk_input_new();
	rd = bk_reader_new();
	assert_non_null(in);
	assert_non_null(rd);
	assert_int_equal(bk_input_open(in, path), BK_OK);
	bk_reader_reset(rd, in);
	while ((rc = bk_reader_next(rd, &rec)) == BK_OK) {
		bk_writer_begin(s->w, bk_record_type(rec));
		bk_writer_fields(s->w, rec);
		assert_int_equal(bk_writer_end(s->w), BK_OK);
	}
	assert_int_equal(rc, BK_EOF);
	assert_string_equal(output(s), data);
	assert_int_equal(bk_input_close(in), BK_OK);
	bk_reader_free(rd);
	bk_input_free(in);
	unlink(path);
}

/* A damaged input: the records before the damage, then the input's error, then the end. */
static void
test_reader_input_error(void **state)
{
	/* gzip of two records, its last four bytes (the length in the trailer) cut off. */
	static const unsigned char gz[] = {
	    0x1f,
	    0x8b,
	    0x08,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x00,
	    0x02,
	    0x03,
	    0xab,
	    0x56,
	    0x2a,
	    0xa9,
	    0x2c,
	    0x48,
	    0x55,
	    0xb2,
	    0x52,
	    0x4a,
	    0x54,
	    0xd2,
	    0x51,
	    0xca,
	    0x53,
	    0xb2,
	    0x32,
	    0xac,
	    0xe5,
	    0xaa,
	    0x86,
	    0x09,
	    0x25,
	    0x41,
	    0x84,
	    0x8c,
	    0x6a,
	    0xb9,
	    0x00,
	    0x00,
	    0xfc,
	    0x60,
	    0x05,
	};
	char path[4096];
	const bk_record *rec;
	bk_reader *rd;
	bk_input *in;

	(void)state;
	make_file(path, sizeof path, gz, sizeof gz);
	in = bk_input_new();
	rd = bk_reader_new();
	assert_non_null(in);
	assert_non_null(rd);
	assert_int_equal(bk_input_open(in, path), BK_OK);
	bk_reader_reset(rd, in);
	assert_int_equal(bk_reader_next(rd, &rec), BK_OK);
	assert_string_equal(bk_record_type(rec), "a");
	assert_int_equal(bk_reader_next(rd, &rec), BK_OK);
	assert_string_equal(bk_record_type(rec), "b");
	assert_int_equal(bk_reader_next(rd, &rec), BK_ERROR);
	assert_null(rec);
	assert_string_not_equal(bk_reader_error(rd), "");
	assert_string_equal(bk_reader_error(rd), bk_input_error(in));
	assert_int_equal(bk_reader_next(rd, &rec), BK_EOF);
	bk_input_close(in);
	bk_reader_free(rd);
	bk_input_free(in);
	unlink(path);
}

/* A test that writes through the_sink. */
#define SINK_TEST(f) cmocka_unit_test_setup_teardown(f, setup_sink, teardown_sink)

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    SINK_TEST(test_writer_kinds),
	    SINK_TEST(test_writer_type_only),
	    SINK_TEST(test_writer_figure),
	    SINK_TEST(test_writer_uint_max),
	    SINK_TEST(test_writer_nesting),
	    SINK_TEST(test_writer_deep),
	    SINK_TEST(test_writer_many_records),
	    SINK_TEST(test_writer_keys_escaped),
	    SINK_TEST(test_writer_controls),
	    SINK_TEST(test_writer_escapes_in_long_runs),
	    SINK_TEST(test_writer_nul),
	    SINK_TEST(test_writer_utf8_valid),
	    SINK_TEST(test_writer_utf8_invalid),
	    SINK_TEST(test_writer_large_string),
	    cmocka_unit_test(test_escape_matches_reference),
	    cmocka_unit_test(test_escape_pieces_everywhere),
	    cmocka_unit_test(test_escape_long_runs),
	    SINK_TEST(test_writer_keys_every_length),
	    SINK_TEST(test_writer_integers),
	    SINK_TEST(test_writer_doubles),
	    SINK_TEST(test_writer_doubles_random),
	    SINK_TEST(test_writer_time),
	    cmocka_unit_test(test_writer_time_against_libc),
	    cmocka_unit_test(test_writer_dev_full),
	    cmocka_unit_test(test_writer_dev_full_buffered),
	    cmocka_unit_test(test_parse_accessors),
	    cmocka_unit_test(test_parse_errors),
	    SINK_TEST(test_writer_fields),
	    cmocka_unit_test(test_reader_lines),
	    SINK_TEST(test_reader_passthrough),
	    cmocka_unit_test(test_reader_input_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
