/*
 * test_detectconf.c - unit tests of lib/detectconf.c: each value syntax at
 * its edges, a conf file with comments and every type, the exact error
 * messages for unknown keys and bad values, and --set overrides.
 */
#include "testutil.h"

#include "detectconf.h"

static const bk_conf_key keys[] = {
	{ "bulk_distinct.threshold", BK_CONF_INT, "500", "distinct records" },
	{ "bulk_distinct.window", BK_CONF_DURATION, "1h", NULL },
	{ "bulk_distinct.z", BK_CONF_DOUBLE, "3.5", NULL },
	{ "volume.bytes", BK_CONF_BYTES, "100MB", NULL },
	{ "sensitive.tables", BK_CONF_LIST, "persons, accounts", NULL },
	{ "off_hours.tz", BK_CONF_STRING, "UTC", NULL },
	{ "off_hours.hours", BK_CONF_HOURS, "08:00-20:00", NULL },
	{ "off_hours.workdays", BK_CONF_DAYS, "Mon-Fri", NULL },
	{ "full_read.enabled", BK_CONF_BOOL, "yes", NULL },
};

#define NKEYS (sizeof keys / sizeof keys[0])
#define DAY(d) (1u << (d))

static void
test_durations(void **state)
{
	int64_t ms = -1;

	(void)state;
	assert_int_equal(bk_conf_parse_duration("30s", &ms), BK_OK);
	assert_int_equal(ms, 30000);
	assert_int_equal(bk_conf_parse_duration(" 5m ", &ms), BK_OK);
	assert_int_equal(ms, 300000);
	assert_int_equal(bk_conf_parse_duration("1h", &ms), BK_OK);
	assert_int_equal(ms, 3600000);
	assert_int_equal(bk_conf_parse_duration("7d", &ms), BK_OK);
	assert_int_equal(ms, 7 * 86400000LL);
	assert_int_equal(bk_conf_parse_duration("1.5h", &ms), BK_OK);
	assert_int_equal(ms, 5400000);
	assert_int_equal(bk_conf_parse_duration("250ms", &ms), BK_OK);
	assert_int_equal(ms, 250);
	assert_int_equal(bk_conf_parse_duration("0", &ms), BK_OK);
	assert_int_equal(ms, 0);
	ms = 42;
	assert_int_equal(bk_conf_parse_duration("1x", &ms), BK_ERROR);
	assert_int_equal(bk_conf_parse_duration("10", &ms), BK_ERROR);	/* no unit */
	assert_int_equal(bk_conf_parse_duration("-1h", &ms), BK_ERROR);
	assert_int_equal(bk_conf_parse_duration("h", &ms), BK_ERROR);
	assert_int_equal(bk_conf_parse_duration("", &ms), BK_ERROR);
	assert_int_equal(ms, 42);
}

static void
test_bytes_numbers(void **state)
{
	uint64_t u = 0;
	int64_t i = 0;
	double d = 0;
	bool b = false;

	(void)state;
	assert_int_equal(bk_conf_parse_bytes("512", &u), BK_OK);
	assert_int_equal(u, 512);
	assert_int_equal(bk_conf_parse_bytes("10MB", &u), BK_OK);
	assert_int_equal(u, 10000000);
	assert_int_equal(bk_conf_parse_bytes("1.5GiB", &u), BK_OK);
	assert_int_equal(u, 1610612736);
	assert_int_equal(bk_conf_parse_bytes("2 KiB", &u), BK_OK);
	assert_int_equal(u, 2048);
	assert_int_equal(bk_conf_parse_bytes("1.5", &u), BK_ERROR);
	assert_int_equal(bk_conf_parse_bytes("10MiBs", &u), BK_ERROR);
	assert_int_equal(bk_conf_parse_int("-12", &i), BK_OK);
	assert_int_equal(i, -12);
	assert_int_equal(bk_conf_parse_int("12a", &i), BK_ERROR);
	assert_int_equal(bk_conf_parse_int("+1", &i), BK_ERROR);
	assert_int_equal(bk_conf_parse_double("1e3", &d), BK_OK);
	assert_true(d == 1000.0);
	assert_int_equal(bk_conf_parse_double("nan", &d), BK_ERROR);
	assert_int_equal(bk_conf_parse_bool("off", &b), BK_OK);
	assert_false(b);
	assert_int_equal(bk_conf_parse_bool("Yes", &b), BK_ERROR);
}

static void
test_hours_days(void **state)
{
	int a = -1, z = -1;
	unsigned m = 0;

	(void)state;
	assert_int_equal(bk_conf_parse_hours("08:00-20:00", &a, &z), BK_OK);
	assert_int_equal(a, 480);
	assert_int_equal(z, 1200);
	assert_true(bk_conf_hours_contain(a, z, 480));	/* the start is inside */
	assert_false(bk_conf_hours_contain(a, z, 1200));	/* the end is not */
	assert_false(bk_conf_hours_contain(a, z, 479));
	assert_int_equal(bk_conf_parse_hours("22:00 - 6:30", &a, &z), BK_OK);
	assert_int_equal(a, 1320);
	assert_int_equal(z, 390);
	assert_true(bk_conf_hours_contain(a, z, 23 * 60));
	assert_true(bk_conf_hours_contain(a, z, 0));
	assert_false(bk_conf_hours_contain(a, z, 390));
	assert_int_equal(bk_conf_parse_hours("00:00-24:00", &a, &z), BK_OK);
	assert_int_equal(z, 1440);
	assert_int_equal(bk_conf_parse_hours("24:00-08:00", &a, &z), BK_ERROR);
	assert_int_equal(bk_conf_parse_hours("08:60-09:00", &a, &z), BK_ERROR);
	assert_int_equal(bk_conf_parse_hours("08:00-08:00", &a, &z), BK_ERROR);
	assert_int_equal(bk_conf_parse_hours("08:00", &a, &z), BK_ERROR);

	assert_int_equal(bk_conf_parse_days("Mon-Fri", &m), BK_OK);
	assert_int_equal(m, DAY(1) | DAY(2) | DAY(3) | DAY(4) | DAY(5));
	assert_int_equal(bk_conf_parse_days("sat, Sunday", &m), BK_OK);
	assert_int_equal(m, DAY(0) | DAY(6));
	assert_int_equal(bk_conf_parse_days("Fri-Mon", &m), BK_OK);	/* wraps */
	assert_int_equal(m, DAY(5) | DAY(6) | DAY(0) | DAY(1));
	assert_int_equal(bk_conf_parse_days("Mon-Wed,Fri", &m), BK_OK);
	assert_int_equal(m, DAY(1) | DAY(2) | DAY(3) | DAY(5));
	assert_int_equal(bk_conf_parse_days("Mo-Fr", &m), BK_ERROR);
	assert_int_equal(bk_conf_parse_days("Mon,", &m), BK_ERROR);
}

static void
test_defaults_and_set(void **state)
{
	char *err = NULL;
	bk_detectconf *c = bk_detectconf_new(keys, NKEYS, &err);
	const char *const *items;
	int a, z;

	(void)state;
	assert_non_null(c);
	assert_null(err);
	assert_int_equal(bk_detectconf_int(c, "bulk_distinct.threshold"), 500);
	assert_int_equal(bk_detectconf_duration(c, "bulk_distinct.window"), 3600000);
	assert_string_equal(bk_detectconf_text(c, "bulk_distinct.window"), "1h");
	assert_int_equal(bk_detectconf_bytes(c, "volume.bytes"), 100000000);
	assert_int_equal(bk_detectconf_list(c, "sensitive.tables", &items), 2);
	assert_string_equal(items[0], "persons");
	assert_string_equal(items[1], "accounts");
	assert_false(bk_detectconf_is_set(c, "bulk_distinct.window"));

	assert_int_equal(bk_detectconf_set_arg(c, "bulk_distinct.window = 30m"), BK_OK);
	assert_int_equal(bk_detectconf_duration(c, "bulk_distinct.window"), 1800000);
	assert_string_equal(bk_detectconf_text(c, "bulk_distinct.window"), "30m");
	assert_true(bk_detectconf_is_set(c, "bulk_distinct.window"));
	assert_int_equal(bk_detectconf_set(c, "off_hours.hours", "09:00-17:30", "--hours"), BK_OK);
	bk_detectconf_hours(c, "off_hours.hours", &a, &z);
	assert_int_equal(a, 540);
	assert_int_equal(z, 1050);

	assert_int_equal(bk_detectconf_set_arg(c, "bulk_distinct.window=1x"), BK_ERROR);
	assert_string_equal(bk_detectconf_error(c), "--set: bad duration '1x'");
	assert_int_equal(bk_detectconf_duration(c, "bulk_distinct.window"), 1800000);
	assert_int_equal(bk_detectconf_set_arg(c, "nope=1"), BK_ERROR);
	assert_string_equal(bk_detectconf_error(c), "--set: unknown key 'nope'");
	assert_int_equal(bk_detectconf_set_arg(c, "nope"), BK_ERROR);
	assert_string_equal(bk_detectconf_error(c), "--set: expected KEY=VALUE, not 'nope'");
	assert_int_equal(bk_detectconf_set(c, "off_hours.workdays", "Xyz", "--workdays"),
	    BK_ERROR);
	assert_string_equal(bk_detectconf_error(c), "--workdays: bad weekday range 'Xyz'");
	bk_detectconf_free(c);
	bk_detectconf_free(NULL);
}

static void
test_bad_default(void **state)
{
	static const bk_conf_key bad[] = { { "x.window", BK_CONF_DURATION, "1 hour", NULL } };
	char *err = NULL;

	(void)state;
	assert_null(bk_detectconf_new(bad, 1, &err));
	assert_string_equal(err, "default of x.window: bad duration '1 hour'");
	free(err);
}

static void
test_load(void **state)
{
	const char good[] = "# access thresholds\n"
			    "\n"
			    "bulk_distinct.threshold = 300\n"
			    "   bulk_distinct.z=4.5   \r\n"
			    "sensitive.tables = persons,, public.accounts ,\n"
			    "off_hours.tz = Asia/Tokyo\n"
			    "off_hours.workdays = Mon-Sat\n"
			    "full_read.enabled = false\n"
			    "volume.bytes = 1.5GiB\n";
	const char bad_key[] = "bulk_distinct.threshold = 10\n# x\nbulk_distinct.treshold = 5\n";
	const char bad_val[] = "\nbulk_distinct.window = 1x\n";
	const char no_eq[] = "bulk_distinct.window\n";
	char *p1 = tu_write(tu_dir, "good.conf", good, sizeof good - 1);
	char *p2 = tu_write(tu_dir, "key.conf", bad_key, sizeof bad_key - 1);
	char *p3 = tu_write(tu_dir, "val.conf", bad_val, sizeof bad_val - 1);
	char *p4 = tu_write(tu_dir, "eq.conf", no_eq, sizeof no_eq - 1);
	bk_detectconf *c = bk_detectconf_new(keys, NKEYS, NULL);
	const char *const *items;
	char *want;

	(void)state;
	assert_int_equal(bk_detectconf_load(c, p1), BK_OK);
	assert_int_equal(bk_detectconf_int(c, "bulk_distinct.threshold"), 300);
	assert_true(bk_detectconf_double(c, "bulk_distinct.z") == 4.5);
	assert_int_equal(bk_detectconf_list(c, "sensitive.tables", &items), 2);
	assert_string_equal(items[1], "public.accounts");
	assert_string_equal(bk_detectconf_str(c, "off_hours.tz"), "Asia/Tokyo");
	assert_int_equal(bk_detectconf_days(c, "off_hours.workdays"), 0x7e);
	assert_false(bk_detectconf_bool(c, "full_read.enabled"));
	assert_int_equal(bk_detectconf_bytes(c, "volume.bytes"), 1610612736);

	assert_int_equal(bk_detectconf_load(c, p2), BK_ERROR);
	assert_true(asprintf(&want, "%s:3: unknown key 'bulk_distinct.treshold'", p2) > 0);
	assert_string_equal(bk_detectconf_error(c), want);
	free(want);
	/* Lines before the bad one stay applied. */
	assert_int_equal(bk_detectconf_int(c, "bulk_distinct.threshold"), 10);

	assert_int_equal(bk_detectconf_load(c, p3), BK_ERROR);
	assert_true(asprintf(&want, "%s:2: bad duration '1x'", p3) > 0);
	assert_string_equal(bk_detectconf_error(c), want);
	free(want);
	assert_int_equal(bk_detectconf_load(c, p4), BK_ERROR);
	assert_true(asprintf(&want, "%s:1: expected 'key = value'", p4) > 0);
	assert_string_equal(bk_detectconf_error(c), want);
	free(want);
	free(p4);
	assert_true(asprintf(&p4, "%s/missing.conf", tu_dir) > 0);
	assert_int_equal(bk_detectconf_load(c, p4), BK_ERROR);
	assert_non_null(strstr(bk_detectconf_error(c), "missing.conf: No such file or directory"));
	bk_detectconf_free(c);
	free(p1);
	free(p2);
	free(p3);
	free(p4);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_bytes_numbers),
		cmocka_unit_test(test_hours_days),
		cmocka_unit_test(test_defaults_and_set),
		cmocka_unit_test(test_bad_default),
		cmocka_unit_test(test_load),
	};

	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
