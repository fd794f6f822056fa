/*
 * test_sketch.c - unit tests of lib/sketch.c: exact counts up to the bound,
 * the HyperLogLog's estimate within three standard errors beyond it, merges
 * that give what one counter over all the values gives, folding between
 * precisions, the text form of state records, malformed ones included, and
 * prefetching that changes nothing.
 */
#include "testutil.h"

#include <math.h>

/* Distinct, well-mixed hashes for the values 0, 1, 2, ... (splitmix64). */
static uint64_t
mix(uint64_t i)
{
	uint64_t z = (i + 1) * UINT64_C(0x9e3779b97f4a7c15);

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void
add_range(bk_distinct *d, uint64_t from, uint64_t to)
{
	for (uint64_t i = from; i < to; i++)
		assert_int_equal(bk_distinct_add(d, mix(i)), BK_OK);
}

/* Whether the estimate is within three standard errors of N. */
static void
assert_near(const bk_distinct *d, uint64_t n)
{
	double got = (double)bk_distinct_count(d);

	assert_false(bk_distinct_is_exact(d));
	if (fabs(got - (double)n) > 3 * bk_distinct_error(d) * (double)n + 1)
		fail_msg("estimate %.0f for %llu distinct", got, (unsigned long long)n);
}

static void
test_exact(void **state)
{
	bk_distinct *d = bk_distinct_new(5001, 12);

	(void)state;
	assert_int_equal(bk_distinct_count(d), 0);
	add_range(d, 0, 5000);
	add_range(d, 0, 5000);	/* seen: no change, and no sketch */
	assert_int_equal(bk_distinct_add(d, 0), BK_OK);	/* 0 is a hash like any other */
	assert_int_equal(bk_distinct_add(d, 0), BK_OK);
	assert_true(bk_distinct_is_exact(d));
	assert_int_equal(bk_distinct_count(d), 5001);
	assert_true(bk_distinct_error(d) == 0);
	/* A full set takes a value it holds without turning into a sketch. */
	bk_distinct_clear(d);
	assert_int_equal(bk_distinct_count(d), 0);
	add_range(d, 0, 5001);
	add_range(d, 4990, 5001);
	assert_true(bk_distinct_is_exact(d));
	add_range(d, 5001, 5002);
	assert_false(bk_distinct_is_exact(d));
	assert_near(d, 5002);
	bk_distinct_free(d);
	bk_distinct_free(NULL);
}

static void
test_estimate(void **state)
{
	static const uint64_t sizes[] = { 1, 10, 100, 1000, 40000, 200000, 3000000 };
	bk_distinct *d;

	(void)state;
	for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
		d = bk_distinct_new(0, BK_SKETCH_DEFAULT_PRECISION);
		add_range(d, 1000 * i, 1000 * i + sizes[i]);
		assert_near(d, sizes[i]);
		assert_int_equal(bk_distinct_memory(d), 16384);
		bk_distinct_free(d);
	}
	/* Out-of-range precisions are clamped. */
	d = bk_distinct_new(0, 1);
	add_range(d, 0, 10);
	assert_int_equal(bk_distinct_memory(d), 1 << BK_SKETCH_MIN_PRECISION);
	bk_distinct_free(d);
}

static void
test_memory_bounded(void **state)
{
	bk_distinct *d = bk_distinct_new(1000, 10);

	(void)state;
	add_range(d, 0, 1000);
	assert_true(bk_distinct_memory(d) <= 1000 * 16 * 2);
	add_range(d, 1000, 500000);
	assert_int_equal(bk_distinct_memory(d), 1024);
	assert_near(d, 500000);
	assert_true(fabs(bk_distinct_error(d) - 1.04 / 32) < 1e-12);
	bk_distinct_free(d);
}

static void
test_merge(void **state)
{
	bk_distinct *a = bk_distinct_new(10000, 12), *b = bk_distinct_new(10000, 12);
	bk_distinct *big = bk_distinct_new(100, 12), *all = bk_distinct_new(0, 12);
	char *ea, *eb;

	(void)state;
	/* Exact and exact, overlapping: the exact union. */
	add_range(a, 0, 3000);
	add_range(b, 2000, 6000);
	assert_int_equal(bk_distinct_merge(a, b), BK_OK);
	assert_true(bk_distinct_is_exact(a));
	assert_int_equal(bk_distinct_count(a), 6000);
	/* A sketch merged in: the same registers as one sketch over everything. */
	add_range(big, 5000, 20000);
	assert_int_equal(bk_distinct_merge(a, big), BK_OK);
	add_range(all, 0, 20000);
	ea = bk_distinct_encode(a);
	eb = bk_distinct_encode(all);
	assert_string_equal(ea, eb);
	assert_near(a, 20000);
	free(ea);
	free(eb);
	/* An exact set merged into a sketch. */
	bk_distinct_clear(b);
	add_range(b, 20000, 21000);
	assert_int_equal(bk_distinct_merge(all, b), BK_OK);
	add_range(a, 20000, 21000);
	ea = bk_distinct_encode(a);
	eb = bk_distinct_encode(all);
	assert_string_equal(ea, eb);
	free(ea);
	free(eb);
	bk_distinct_free(a);
	bk_distinct_free(b);
	bk_distinct_free(big);
	bk_distinct_free(all);
}

/* A sketch of precision 14 folded to 10 equals one built at 10, either way round. */
static void
test_fold(void **state)
{
	bk_distinct *hi = bk_distinct_new(0, 14), *lo = bk_distinct_new(0, 10);
	bk_distinct *into = bk_distinct_new(0, 10), *direct = bk_distinct_new(0, 10);
	char *e1, *e2, *e3;

	(void)state;
	add_range(hi, 0, 50000);
	add_range(lo, 50000, 60000);
	add_range(direct, 0, 60000);
	assert_int_equal(bk_distinct_merge(into, hi), BK_OK);	/* fold FROM */
	assert_int_equal(bk_distinct_merge(into, lo), BK_OK);
	assert_int_equal(bk_distinct_merge(hi, lo), BK_OK);	/* fold INTO */
	e1 = bk_distinct_encode(into);
	e2 = bk_distinct_encode(direct);
	e3 = bk_distinct_encode(hi);
	assert_memory_equal(e1, "h10:", 4);
	assert_string_equal(e1, e2);
	assert_string_equal(e3, e2);
	free(e1);
	free(e2);
	free(e3);
	bk_distinct_free(hi);
	bk_distinct_free(lo);
	bk_distinct_free(into);
	bk_distinct_free(direct);
}

static void
test_encode_decode(void **state)
{
	bk_distinct *d = bk_distinct_new(100, 8), *back = bk_distinct_new(100, 8);
	static const char *bad[] = { "", ":", "x:AAAA", "e:AAAA", "e:!!!!!!!!!!!", "h:AAAA", "h3:AAAA",
				     "h99:AAAA", "h8:AAAA", "h1x:AAAA", "e" };
	char *s;

	(void)state;
	s = bk_distinct_encode(d);
	assert_string_equal(s, "e:");
	assert_int_equal(bk_distinct_decode(back, s, strlen(s)), BK_OK);
	assert_int_equal(bk_distinct_count(back), 0);
	free(s);
	assert_int_equal(bk_distinct_add(d, UINT64_C(0x0102030405060708)), BK_OK);
	s = bk_distinct_encode(d);
	assert_string_equal(s, "e:CAcGBQQDAgE=");	/* little-endian */
	free(s);
	add_range(d, 0, 80);
	s = bk_distinct_encode(d);
	assert_int_equal(bk_distinct_decode(back, s, strlen(s)), BK_OK);
	assert_true(bk_distinct_is_exact(back));
	assert_int_equal(bk_distinct_count(back), 81);
	free(s);
	add_range(d, 80, 1000);
	s = bk_distinct_encode(d);
	assert_memory_equal(s, "h8:", 3);
	assert_int_equal(bk_distinct_decode(back, s, strlen(s)), BK_OK);
	assert_int_equal(bk_distinct_count(back), bk_distinct_count(d));
	free(s);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (bk_distinct_decode(back, bad[i], strlen(bad[i])) != BK_ERROR)
			fail_msg("decoded \"%s\"", bad[i]);
	}
	bk_distinct_free(d);
	bk_distinct_free(back);
}

/*
 * Prefetching changes nothing: on a new counter (no slots yet), an exact
 * one, a sketch, and for the hash 0 (stored as 1), the counts are those of
 * a counter that was never asked to.
 */
static void
test_prefetch(void **state)
{
	bk_distinct *a = bk_distinct_new(100, 10), *b = bk_distinct_new(100, 10);

	(void)state;
	for (uint64_t i = 0; i < 500; i++) {
		uint64_t h = i == 7 ? 0 : mix(i % 300);

		bk_distinct_prefetch(a, h);
		bk_distinct_prefetch(a, mix(i + 1));
		assert_int_equal(bk_distinct_add(a, h), BK_OK);
		assert_int_equal(bk_distinct_add(b, h), BK_OK);
		assert_int_equal(bk_distinct_count(a), bk_distinct_count(b));
		assert_true(bk_distinct_is_exact(a) == bk_distinct_is_exact(b));
	}
	assert_false(bk_distinct_is_exact(a));
	bk_distinct_free(a);
	bk_distinct_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_estimate),
		cmocka_unit_test(test_memory_bounded),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_fold),
		cmocka_unit_test(test_encode_decode),
		cmocka_unit_test(test_prefetch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
