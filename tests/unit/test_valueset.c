/*
 * test_valueset.c - unit tests of lib/valueset.c: adding and finding, loading
 * with comments and the canonical form, exact errors, and an atomic save
 * with mode 0600 that loads back the same.
 */
#include "testutil.h"

#include <sys/stat.h>

static void
test_add_and_has(void **state)
{
	bk_valueset *vs = bk_valueset_new();
	char key[16];

	(void)state;
	assert_false(bk_valueset_has(vs, "a", 1));
	/* Enough entries to grow the table several times. */
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		assert_int_equal(bk_valueset_add(vs, key, strlen(key)), BK_OK);
	}
	assert_int_equal(bk_valueset_add(vs, "k42", 3), BK_OK);	/* already there */
	assert_int_equal(bk_valueset_count(vs), 5000);
	assert_true(bk_valueset_has(vs, "k4999", 5));
	assert_false(bk_valueset_has(vs, "k5000", 5));
	assert_false(bk_valueset_has(vs, "k4", 1));	/* a prefix is another entry */
	bk_valueset_free(vs);
	bk_valueset_free(NULL);
}

static void
test_load_save(void **state)
{
	const char text[] = "# test values\n4111 1111 1111 1111\r\n\nHANAKO@Example.COM  \n";
	char *in = tu_write(tu_dir, "allow.txt", text, sizeof text - 1);
	char *out, *missing;
	bk_valueset *vs = bk_valueset_new(), *back = bk_valueset_new();
	struct stat sb;

	(void)state;
	assert_int_equal(bk_valueset_load(vs, in, BK_VALUESET_CANONICAL), BK_OK);
	assert_int_equal(bk_valueset_count(vs), 2);
	assert_true(bk_valueset_has(vs, "4111111111111111", 16));
	assert_true(bk_valueset_has(vs, "hanako@examplecom", 17));	/* canonical: dots dropped */
	assert_true(asprintf(&out, "%s/saved", tu_dir) > 0);
	assert_int_equal(bk_valueset_save(vs, out, "breachkit allow list"), BK_OK);
	assert_int_equal(stat(out, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(bk_valueset_load(back, out, 0), BK_OK);
	assert_int_equal(bk_valueset_count(back), 2);
	assert_true(bk_valueset_has(back, "4111111111111111", 16));
	/* A missing file: an error, or an empty set when allowed. */
	assert_true(asprintf(&missing, "%s/none", tu_dir) > 0);
	assert_int_equal(bk_valueset_load(back, missing, BK_VALUESET_MISSING_OK), BK_OK);
	assert_int_equal(bk_valueset_load(back, missing, 0), BK_ERROR);
	assert_non_null(strstr(bk_valueset_error(back), "/none: No such file or directory"));
	bk_valueset_free(vs);
	bk_valueset_free(back);
	free(in);
	free(out);
	free(missing);
}

static void
test_load_errors(void **state)
{
	char *bad = tu_write(tu_dir, "bad.txt", "ok\nnul\0here\n", 12);
	bk_valueset *vs = bk_valueset_new();
	char want[512];

	(void)state;
	assert_int_equal(bk_valueset_load(vs, bad, 0), BK_ERROR);
	snprintf(want, sizeof want, "%s:2: NUL byte in an entry", bad);
	assert_string_equal(bk_valueset_error(vs), want);
	bk_valueset_free(vs);
	free(bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_has),
		cmocka_unit_test(test_load_save),
		cmocka_unit_test(test_load_errors),
	};
	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
