/*
 * test_baseline.c - unit tests of lib/baseline.c: median, MAD and the robust
 * z-score on known series, per-entity and per-peer statistics, seen sets,
 * a save with mode 0600 that loads back the same file, and exact errors on
 * bad lines.
 */
#include "testutil.h"

#include <math.h>
#include <sys/stat.h>

#include "baseline.h"

static void
test_stats(void **state)
{
	double v[] = { 14, 9, 12, 15, 100, 13, 11 };
	double even[] = { 4, 1, 3, 2 };
	bk_stats s;

	(void)state;
	/* Sorted: 9 11 12 13 14 15 100: median 13; deviations 4 2 1 0 1 2 87: MAD 2. */
	bk_stats_of(v, 7, &s);
	assert_int_equal(s.n, 7);
	assert_true(s.median == 13);
	assert_true(s.mad == 2);
	assert_true(bk_median(even, 4) == 2.5);
	assert_true(bk_median(NULL, 0) == 0);
	/* 0.6745 * (300 - 13) / 2 */
	assert_true(fabs(bk_robust_z(300, &s, 1) - 96.79075) < 1e-9);
	/* The floor applies when the MAD is smaller. */
	s.mad = 0;
	assert_true(fabs(bk_robust_z(23, &s, 5) - 1.349) < 1e-12);
}

static void
test_learn(void **state)
{
	bk_baseline *b = bk_baseline_new();
	bk_stats s;

	(void)state;
	/* Three clerks: hourly distinct records. */
	for (int h = 0; h < 10; h++) {
		assert_int_equal(bk_baseline_observe(b, "clerk01", "actor", "distinct", 10 + h % 3),
		    BK_OK);
		assert_int_equal(bk_baseline_observe(b, "clerk02", "actor", "distinct", 20), BK_OK);
		assert_int_equal(bk_baseline_observe(b, "clerk03", "actor", "distinct", 14 + h),
		    BK_OK);
	}
	assert_int_equal(bk_baseline_observe(b, "10.0.0.1", "ip", "distinct", 7), BK_OK);
	assert_int_equal(bk_baseline_seen_add(b, "clerk01", "object", "persons", 7), BK_OK);
	assert_int_equal(bk_baseline_finish(b), BK_OK);

	assert_true(bk_baseline_entity(b, "clerk01", "distinct", &s));
	assert_int_equal(s.n, 10);
	/* 10 11 12 10 11 12 10 11 12 10: median 11, deviations 1 0 1 ...: MAD 1. */
	assert_true(s.median == 11);
	assert_true(s.mad == 1);
	assert_true(bk_baseline_entity(b, "clerk03", "distinct", &s));
	assert_true(s.median == 18.5);
	assert_false(bk_baseline_entity(b, "clerk03", "rows", &s));
	assert_false(bk_baseline_entity(b, "clerk09", "distinct", &s));
	assert_int_equal(s.n, 0);
	/* Peers: medians 11, 20, 18.5: median 18.5, deviations 7.5 1.5 0: MAD 1.5. */
	assert_true(bk_baseline_peer(b, "actor", "distinct", &s));
	assert_int_equal(s.n, 3);
	assert_true(s.median == 18.5);
	assert_true(s.mad == 1.5);
	assert_true(bk_baseline_peer(b, "ip", "distinct", &s));
	assert_true(s.median == 7);
	assert_false(bk_baseline_peer(b, "host", "distinct", &s));
	assert_string_equal(bk_baseline_group(b, "clerk02"), "actor");
	assert_null(bk_baseline_group(b, "nobody"));
	assert_true(bk_baseline_seen(b, "clerk01", "object", "persons", 7));
	assert_false(bk_baseline_seen(b, "clerk02", "object", "persons", 7));
	assert_false(bk_baseline_seen(b, "clerk01", "object", "person", 6));
	assert_true(bk_baseline_knows(b, "clerk01"));
	assert_false(bk_baseline_knows(b, "clerk07"));
	assert_int_equal(bk_baseline_entities(b), 4);
	bk_baseline_free(b);
	bk_baseline_free(NULL);
}

static void
test_reservoir(void **state)
{
	bk_baseline *b = bk_baseline_new();
	bk_stats s;

	(void)state;
	/* More values than are kept: a uniform sample still finds the median of 0..N-1. */
	for (int i = 0; i < 4 * BK_BASELINE_SAMPLES_MAX; i++)
		assert_int_equal(bk_baseline_observe(b, "e", NULL, "m", i % 100), BK_OK);
	assert_int_equal(bk_baseline_finish(b), BK_OK);
	assert_true(bk_baseline_entity(b, "e", "m", &s));
	assert_int_equal(s.n, 4 * BK_BASELINE_SAMPLES_MAX);
	assert_true(s.median >= 47 && s.median <= 52);
	assert_null(bk_baseline_group(b, "e"));
	bk_baseline_free(b);
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 65536);

	assert_non_null(fp);
	assert_true(fread(buf, 1, 65535, fp) > 0);
	fclose(fp);
	return buf;
}

static void
test_save_load(void **state)
{
	bk_baseline *b = bk_baseline_new(), *back = bk_baseline_new();
	char *path, *path2, *text, *text2;
	struct stat sb;
	int64_t first, last;
	bk_stats s;

	(void)state;
	assert_true(asprintf(&path, "%s/base.txt", tu_dir) > 0);
	assert_true(asprintf(&path2, "%s/base2.txt", tu_dir) > 0);
	bk_baseline_period(b, 2000, 5000);
	bk_baseline_period(b, 1000, 3000);
	assert_int_equal(bk_baseline_observe(b, "we\tird\\name", "g 1", "rows", 3), BK_OK);
	assert_int_equal(bk_baseline_observe(b, "we\tird\\name", "g 1", "rows", 5), BK_OK);
	assert_int_equal(bk_baseline_observe(b, "plain", "g 1", "rows", 0.1), BK_OK);
	assert_int_equal(bk_baseline_seen_add(b, "plain", "object", "/api/persons\n", 13), BK_OK);
	assert_int_equal(bk_baseline_save(b, path), BK_OK);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	text = slurp(path);
	assert_string_equal(text, "# breachkit baseline 1\n"
				  "period\t1000\t5000\n"
				  "entity\twe\\tird\\\\name\tg 1\trows\t2\t4\t1\n"
				  "entity\tplain\tg 1\trows\t1\t0.1\t0\n"
				  "peer\tg 1\trows\t2\t2.05\t1.95\n"
				  "seen\tplain\tobject\t/api/persons\\n\n");
	assert_int_equal(bk_baseline_load(back, path), BK_OK);
	assert_true(bk_baseline_entity(back, "we\tird\\name", "rows", &s));
	assert_true(s.median == 4 && s.mad == 1 && s.n == 2);
	assert_true(bk_baseline_seen(back, "plain", "object", "/api/persons\n", 13));
	assert_true(bk_baseline_get_period(back, &first, &last));
	assert_int_equal(first, 1000);
	assert_int_equal(last, 5000);
	/* What was loaded saves to the same file. */
	assert_int_equal(bk_baseline_save(back, path2), BK_OK);
	text2 = slurp(path2);
	assert_string_equal(text, text2);
	bk_baseline_free(b);
	bk_baseline_free(back);
	free(text);
	free(text2);
	free(path);
	free(path2);
}

static void
test_bad_files(void **state)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "# x\nentity\ta\tg\tm\t1\t2\n", ":2: entity needs 6 fields" },
		{ "peer\tg\tm\t1\tx\t0\n", ":1: bad statistics" },
		{ "peer\tg\tm\t1\t1\t-1\n", ":1: bad statistics" },
		{ "seen\ta\\qb\tobject\tx\n", ":1: bad escape" },
		{ "mystery\t1\n", ":1: unknown line kind" },
		{ "period\t1\n", ":1: period needs 2 fields" },
		{ "entity\ta\tg\tm\t1\t2\t3\t4\t5\n", ":1: too many fields" },
	};
	char *missing;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		bk_baseline *b = bk_baseline_new();
		char *p = tu_write(tu_dir, "bad.txt", cases[i].text, strlen(cases[i].text));
		char *want;

		assert_int_equal(bk_baseline_load(b, p), BK_ERROR);
		assert_true(asprintf(&want, "%s%s", p, cases[i].err) > 0);
		assert_string_equal(bk_baseline_error(b), want);
		free(want);
		free(p);
		bk_baseline_free(b);
	}
	assert_true(asprintf(&missing, "%s/none", tu_dir) > 0);
	{
		bk_baseline *b = bk_baseline_new();

		assert_int_equal(bk_baseline_load(b, missing), BK_ERROR);
		assert_non_null(strstr(bk_baseline_error(b), "/none: No such file or directory"));
		bk_baseline_free(b);
	}
	free(missing);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_learn),
		cmocka_unit_test(test_reservoir),
		cmocka_unit_test(test_save_load),
		cmocka_unit_test(test_bad_files),
	};

	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
