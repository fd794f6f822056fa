/*
 * test_alert.c - unit tests of lib/alert.c: the alert record's exact shape
 * (order, absent parts left out, integers kept integral, ids masked unless
 * revealed), and the human figures used in reasons.
 */
#include "testutil.h"

/* Writes A with bk_alert_write and returns the line (static buffer). */
static const char *
render(const bk_alert *a, bool show)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof buf, "w");
	bk_writer *w = bk_writer_new(f);

	assert_int_equal(bk_alert_write(w, a, show), BK_OK);
	bk_writer_free(w);
	fclose(f);
	return buf;
}

static void
test_shape(void **state)
{
	bk_alert a;

	(void)state;
	bk_alert_clear(&a);
	a.detector = "bulk-distinct";
	a.first = a.last = 0;
	assert_string_equal(render(&a, false),
			    "{\"type\":\"alert\",\"detector\":\"bulk-distinct\",\"severity\":\"low\","
			    "\"first\":\"1970-01-01T00:00:00.000Z\",\"last\":\"1970-01-01T00:00:00.000Z\"}\n");
	a.severity = BK_SEVERITY_HIGH;
	a.score = 0.5;
	a.actor = "clerk07";
	a.ip = "127.0.0.77";
	a.object = "persons";
	a.first = INT64_C(1431047102123);
	a.last = INT64_C(1431050702000);
	a.metric = "distinct_records";
	a.value = 300;
	a.threshold = 100;
	a.own_median = 14;
	a.peer_median = 11.5;
	a.window = "1h";
	a.count = 302;
	a.rows = 300;
	a.reason = "clerk07 read 300 distinct persons records in 1 h";
	a.files[a.nfiles++] = "pg.log";
	a.lines[a.nlines++] = 12;
	a.lines[a.nlines++] = 4410;
	a.ids[a.nids++] = "1234567890";
	assert_string_equal(render(&a, false),
			    "{\"type\":\"alert\",\"detector\":\"bulk-distinct\",\"severity\":\"high\","
			    "\"score\":0.5,\"actor\":\"clerk07\",\"ip\":\"127.0.0.77\",\"object\":\"persons\","
			    "\"first\":\"2015-05-08T01:05:02.123Z\",\"last\":\"2015-05-08T02:05:02.000Z\","
			    "\"metric\":\"distinct_records\",\"value\":300,\"threshold\":100,"
			    "\"baseline\":{\"own_median\":14,\"peer_median\":11.5},\"window\":\"1h\","
			    "\"count\":302,\"rows\":300,"
			    "\"reason\":\"clerk07 read 300 distinct persons records in 1 h\","
			    "\"evidence\":{\"files\":[\"pg.log\"],\"lines\":[12,4410],\"ids\":[\"******7890\"]}}\n");
	assert_non_null(strstr(render(&a, true), "\"ids\":[\"1234567890\"]"));
}

static void
test_figures(void **state)
{
	char buf[32];

	(void)state;
	assert_string_equal(bk_fmt_count(buf, sizeof buf, 0), "0");
	assert_string_equal(bk_fmt_count(buf, sizeof buf, 999), "999");
	assert_string_equal(bk_fmt_count(buf, sizeof buf, 3012), "3,012");
	assert_string_equal(bk_fmt_count(buf, sizeof buf, 1250000), "1,250,000");
	assert_string_equal(bk_fmt_count(buf, sizeof buf, UINT64_MAX), "18,446,744,073,709,551,615");
	assert_string_equal(bk_fmt_bytes(buf, sizeof buf, 512), "512 B");
	assert_string_equal(bk_fmt_bytes(buf, sizeof buf, 1000), "1.00 kB");
	assert_string_equal(bk_fmt_bytes(buf, sizeof buf, 9437184), "9.44 MB");
	assert_string_equal(bk_fmt_bytes(buf, sizeof buf, 40000000), "40.0 MB");
	assert_string_equal(bk_fmt_bytes(buf, sizeof buf, 999999), "1.00 MB");
	assert_string_equal(bk_fmt_bytes(buf, sizeof buf, 1900000000), "1.90 GB");
	assert_string_equal(bk_fmt_bytes(buf, sizeof buf, 250000000000), "250 GB");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shape),
		cmocka_unit_test(test_figures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
