/* test_validate.c - unit tests of lib/validate.c (placeholder until the module lands). */
#include "testutil.h"

static void
test_pending(void **state)
{
	(void)state;
	skip();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pending),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
