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
		cmocka_unit_test(test_canonical),
		cmocka_unit_test(test_keyed_hash),
	};
	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
