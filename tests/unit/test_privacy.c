/*
 * test_privacy.c - unit tests of lib/privacy.c: what a masked value keeps,
 * the canonical form, and keyed hashes that agree across spellings and
 * differ across keys and kinds.
 */
#include "testutil.h"

static void
check_mask(const char *value, const char *want)
{
	char out[256];
	size_t n = bk_mask(value, strlen(value), out);

	assert_true(n <= strlen(value) + BK_MASK_EXTRA);
	out[n] = '\0';
	assert_string_equal(out, want);
}

static void
test_mask_numbers_keep_last_four(void **state)
{
	(void)state;
	check_mask("1234-5678-9018", "****-****-9018");
	check_mask("090-1234-5678", "***-****-5678");
	check_mask("4111 1111 1111 1111", "**** **** **** 1111");
	check_mask("+81-90-1234-5678", "+**-**-****-5678");
	check_mask("GB82WEST12345698765432", "******************5432");
}

static void
test_mask_short_values_keep_less(void **state)
{
	(void)state;
	check_mask("100-0005", "***-**05");	/* 7 alphanumerics: 2 kept */
	check_mask("123", "**3");
	check_mask("12", "**");
	check_mask("", "");
}

static void
test_mask_email(void **state)
{
	(void)state;
	check_mask("tanaka.k@nenkin.example", "t***@nenkin.example");
	check_mask("@x.example", "***@x.example");
	check_mask("hanako%40example.com", "h***%40example.com");
}

static void
test_mask_non_ascii_keeps_first_character(void **state)
{
	(void)state;
	check_mask("田中 花子", "田* **");
	check_mask("東京都千代田区1-2-3", "東*******-*-3");
	check_mask("昭和45年3月1日", "昭******1*");
	/* An invalid byte is one character, masked like any other. */
	check_mask("\xff" "abc", "***c");
}

/*
 * bk_mask as first written, one byte class at a time, kept here as the
 * reference for the faster one: each value below must be masked alike.
 */
static size_t
ref_char_len(const unsigned char *p, size_t n)
{
	size_t want = *p < 0xc2 ? 1 : *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : *p < 0xf5 ? 4 : 1;

	if (want > n)
		return 1;
	for (size_t i = 1; i < want; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 1;
	return want;
}

static int
ref_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t
ref_mask(const char *value, size_t len, char *out)
{
	const unsigned char *v = (const unsigned char *)value;
	const char *at = memchr(value, '@', len);
	size_t alnum = 0, keep, seen = 0, o = 0, i, n;
	int ascii = 1;

	for (i = 0; at == NULL && i + 3 <= len; i++)
		if (memcmp(value + i, "%40", 3) == 0)
			at = value + i;
	if (at != NULL) {
		n = at == value ? 0 : ref_char_len(v, len);
		memcpy(out, value, n);
		memcpy(out + n, "***", 3);
		memcpy(out + n + 3, at, len - (size_t)(at - value));
		return n + 3 + len - (size_t)(at - value);
	}
	for (i = 0; i < len; i++) {
		alnum += ref_alnum(v[i]);
		ascii = ascii && v[i] < 0x80;
	}
	keep = alnum >= 8 ? 4 : alnum >= 3 ? alnum / 3 : 0;
	for (i = 0; i < len; i += n) {
		n = ref_char_len(v + i, len - i);
		if (i == 0 && !ascii && n > 1) {
			memcpy(out, v, n);
			o = n;
		} else if (n == 1 && v[i] != 0 && strchr(" -./:()+", v[i]) != NULL) {
			out[o++] = (char)v[i];
		} else if (n == 1 && ref_alnum(v[i])) {
			seen++;
			out[o++] = seen > alnum - keep ? (char)v[i] : '*';
		} else {
			out[o++] = '*';
		}
	}
	return o;
}

static void
check_against_ref(const char *value, size_t len)
{
	char got[128], want[128];
	size_t n = bk_mask(value, len, got), m = ref_mask(value, len, want);

	if (n != m || memcmp(got, want, n) != 0)
		fail_msg("%.*s: got %.*s want %.*s", (int)len, value, (int)n, got, (int)m, want);
}

/*
 * Values of every length to 60 (a 16-byte block and its overlapping last
 * one, two words below 16, byte by byte below 8) made of pieces that each
 * matter to the mask: digits, letters of both cases and the bytes next to
 * them, each separator and the punctuation between them, '@', "%40" and
 * near misses, multibyte characters, truncated and invalid sequences, NUL.
 */
static void
test_mask_matches_reference(void **state)
{
	static const char *const pieces[] = {
	    "0", "9", "a", "z", "A", "Z", "/", ":", "@", "[", "`", "{", " ", "-", ".", "(",
	    ")", "+", "*", ",", "'", ";", "%", "%4", "%40", "%41", "_", "\x7f", "\t",
	    "\xe7\x94\xb0", "\xe3\x82\xa2", "\xc3\xa9", "\xf0\x9f\x98\x80", "\xe3\x82",
	    "\x80", "\xff", "\xc1", "\xf5", "1-2", "090", "\0"};
	char value[80];
	uint64_t seed = 0x2545F4914F6CDD1DULL;
	size_t len, n, k, pl;
	int round;

	(void)state;
	for (round = 0; round < 200000; round++) {
		len = 0;
		n = (size_t)(seed % 61);
		while (len < n) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			/* Mostly digits and letters, as values are. */
			if (seed % 3 == 0)
				k = (size_t)(seed >> 8) % (sizeof pieces / sizeof pieces[0]);
			else
				k = (size_t)(seed >> 8) % 6;
			pl = k == sizeof pieces / sizeof pieces[0] - 1 ? 1 : strlen(pieces[k]);
			if (len + pl > n)
				break;
			memcpy(value + len, pieces[k], pl);
			len += pl;
		}
		check_against_ref(value, len);
		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
	}
}

/* Each class of byte at each offset of plain values of every length to 40. */
static void
test_mask_every_offset(void **state)
{
	static const char *const odd[] = {"@", "%40", "%", " ", "-", "*", "a", "\xe7\x94\xb0",
	    "\x80", "\xe3\x82", "\0"};
	char value[64];
	size_t len, k, o, pl;

	(void)state;
	for (len = 0; len <= 40; len++) {
		for (o = 0; o < sizeof odd / sizeof odd[0]; o++) {
			pl = o == sizeof odd / sizeof odd[0] - 1 ? 1 : strlen(odd[o]);
			for (k = 0; k + pl <= len; k++) {
				for (size_t i = 0; i < len; i++)
					value[i] = (char)('0' + i % 10);
				memcpy(value + k, odd[o], pl);
				check_against_ref(value, len);
			}
		}
	}
}

static void
test_canonical(void **state)
{
	char out[64];
	size_t n = bk_canonical("090-1234 (5678)./AbC", 20, out);

	(void)state;
	assert_int_equal(n, 14);
	assert_memory_equal(out, "09012345678abc", 14);
}

static void
test_keyed_hash(void **state)
{
	char *k1 = tu_write(tu_dir, "k1", "0123456789abcdef0123", 20);
	char *k2 = tu_write(tu_dir, "k2", "another secret key!!", 20);
	char *shortkey = tu_write(tu_dir, "short", "tiny", 4);
	bk_hasher *h1 = bk_hasher_new(), *h2 = bk_hasher_new();
	char a[BK_HASH_HEX + 1], b[BK_HASH_HEX + 1], c[BK_HASH_HEX + 1], d[BK_HASH_HEX + 1];

	(void)state;
	assert_int_equal(bk_hasher_load_key(h1, k1), BK_OK);
	assert_int_equal(bk_hasher_load_key(h2, k2), BK_OK);
	bk_hasher_hash(h1, "contact", "090-1234-5678", 13, a);
	bk_hasher_hash(h1, "contact", "09012345678", 11, b);
	assert_int_equal(strlen(a), BK_HASH_HEX);
	assert_string_equal(a, b);		/* spellings agree */
	bk_hasher_hash(h2, "contact", "09012345678", 11, c);
	assert_string_not_equal(a, c);		/* keys differ */
	bk_hasher_hash(h1, "national_id", "09012345678", 11, d);
	assert_string_not_equal(a, d);		/* kinds differ */
	assert_int_equal(bk_hasher_load_key(h1, shortkey), BK_ERROR);
	assert_string_equal(bk_hasher_error(h1),
	    "a key file needs at least 16 bytes (make one with: head -c 32 /dev/urandom > FILE)");
	assert_int_equal(bk_hasher_load_key(h1, "/nonexistent/key"), BK_ERROR);
	assert_string_equal(bk_hasher_error(h1), "No such file or directory");
	bk_hasher_free(h1);
	bk_hasher_free(h2);
	bk_hasher_free(NULL);
	free(k1);
	free(k2);
	free(shortkey);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_numbers_keep_last_four),
		cmocka_unit_test(test_mask_short_values_keep_less),
		cmocka_unit_test(test_mask_email),
		cmocka_unit_test(test_mask_non_ascii_keeps_first_character),
		cmocka_unit_test(test_mask_matches_reference),
		cmocka_unit_test(test_mask_every_offset),
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_keyed_hash),
	};
	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
