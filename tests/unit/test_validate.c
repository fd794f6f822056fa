/* test_validate.c - unit tests of lib/validate.c (registry only so far; vectors follow). */
#include "testutil.h"

static void
test_registry(void **state)
{
	size_t n;
	const struct bk_validator *v = bk_validators(&n);

	(void)state;
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		assert_ptr_equal(bk_validator_find(v[i].name), &v[i]);
		if (i > 0)
			assert_true(strcmp(v[i - 1].name, v[i].name) < 0);
	}
	assert_null(bk_validator_find("no_such_validator"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
