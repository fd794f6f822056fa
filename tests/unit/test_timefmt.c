/*
 * test_timefmt.c - unit tests of lib/timefmt.c: every named layout on the
 * forms servers really write, strptime-style layouts, malformed and truncated
 * text, dates that do not exist, the year guessed for syslog, and zones:
 * Europe/Berlin, America/New_York, Australia/Sydney and Asia/Tokyo across
 * their transitions (expected instants from `TZ=... date -d` and zdump),
 * fixed offsets, POSIX footer rules, and damaged TZif files; and the years
 * of yearless times read from --year across New Year, whole and in parts.
 */
#include "testutil.h"

#include <sys/stat.h>

#include "timefmt-private.h"
#include "timefmt.h"

/* 2026-11-22T10:00:00Z, in seconds: the examples' instant written as UTC. */
#define T0 INT64_C(1795341600)

/*
 * Parses TEXT (copied to a buffer of exactly its length, so ASan sees any
 * read past it) with LAYOUT; returns the bytes used and fills *T.
 */
static size_t
parse(const char *layout, const char *text, struct bk_tm *t)
{
	char *err = NULL;
	bk_timefmt *f = bk_timefmt_new(layout, &err);
	size_t len = strlen(text), n;
	char *copy = malloc(len ? len : 1);

	assert_non_null(f);
	assert_null(err);
	memcpy(copy, text, len);
	n = bk_timefmt_parse(f, copy, len, t);
	free(copy);
	bk_timefmt_free(f);
	return n;
}

/* TEXT in LAYOUT as UTC milliseconds (year 0, no zone); asserts it used USED bytes. */
static int64_t
ms(const char *layout, const char *text, size_t used)
{
	struct bk_tm t;

	assert_int_equal(parse(layout, text, &t), used);
	return bk_tm_to_ms(&t, NULL, 0);
}

static void
test_civil(void **state)
{
	(void)state;
	assert_int_equal(bk_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(bk_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(bk_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(bk_days_from_civil(2024, 2, 29), 19782);
	assert_int_equal(bk_days_from_civil(1900, 3, 1), -25508);
	assert_int_equal(bk_days_from_civil(2026, 11, 22), 20779);
}

static void
test_clf(void **state)
{
	struct bk_tm t;

	(void)state;
	assert_int_equal(ms("clf", "22/Nov/2026:10:00:00 +0900", 26), (T0 - 9 * 3600) * 1000);
	assert_int_equal(ms("clf", "02/Jan/2026:23:59:59 -0500] \"GET / HTTP/1.1\"", 26),
	    INT64_C(1767416399000));
	assert_int_equal(ms("clf", "22/Nov/2026:10:00:00 +0530", 26), INT64_C(1795321800000));
	/* A fraction (Apache's %{msec_frac}t spliced in) and no zone. */
	assert_int_equal(ms("clf", "22/Nov/2026:10:00:00.250 +0000", 30), T0 * 1000 + 250);
	assert_int_equal(parse("clf", "22/Nov/2026:10:00:00] x", &t), 20);
	assert_false(t.has_off);
	assert_int_equal(t.year, 2026);
	assert_int_equal(t.mon, 11);
	assert_int_equal(bk_tm_to_ms(&t, NULL, 0), T0 * 1000);
	/* Month names in any case; a zone that is not four digits is not taken. */
	assert_int_equal(ms("clf", "22/NOV/2026:10:00:00 +09", 20), T0 * 1000);
	assert_int_equal(parse("clf", "22/Nov/2026:10:00", &t), 0);
	assert_int_equal(parse("clf", "22/Nvm/2026:10:00:00 +0900", &t), 0);
	assert_int_equal(parse("clf", "32/Nov/2026:10:00:00 +0900", &t), 0);
	assert_int_equal(parse("clf", "22/Nov/2026 10:00:00 +0900", &t), 0);
	assert_int_equal(parse("clf", "22/Nov/2026:25:00:00 +0900", &t), 0);
}

static void
test_iso8601(void **state)
{
	struct bk_tm t;

	(void)state;
	assert_int_equal(ms("iso8601", "2026-11-22T10:00:00Z", 20), T0 * 1000);
	assert_int_equal(ms("iso8601", "2026-11-22T10:00:00.123456+09:00", 32),
	    (T0 - 9 * 3600) * 1000 + 123);
	assert_int_equal(ms("iso8601", "2026-11-22t10:00:00z", 20), T0 * 1000);
	assert_int_equal(ms("iso8601", "2026-11-22T10:00:00+0900 next", 24), (T0 - 9 * 3600) * 1000);
	assert_int_equal(ms("iso8601", "2026-11-22T10:00:00-05", 22), (T0 + 5 * 3600) * 1000);
	assert_int_equal(ms("iso8601", "2026-11-22 10:00:00 +0900", 25), (T0 - 9 * 3600) * 1000);
	assert_int_equal(ms("iso8601", "2026-11-22 10:00:00,5 INFO", 21), T0 * 1000 + 500);
	assert_int_equal(ms("iso8601", "2026-11-22T10:00:00.1Z", 22), T0 * 1000 + 100);
	/* No zone: the caller's zone applies. A number after a space is not one. */
	assert_int_equal(parse("iso8601", "2026-11-22 10:00:00 0 [Note] x", &t), 19);
	assert_false(t.has_off);
	assert_int_equal(parse("iso8601", "2026-11-22 10:00:00 - alice", &t), 19);
	assert_int_equal(parse("iso8601", "2026-11-22 10:00:00 -05 x", &t), 19);
	assert_int_equal(bk_tm_to_ms(&t, NULL, 0), T0 * 1000);
	/* Out of range and malformed. */
	assert_int_equal(parse("iso8601", "2026-13-01T00:00:00Z", &t), 0);
	assert_int_equal(parse("iso8601", "2026-11-22T24:00:00Z", &t), 0);
	assert_int_equal(parse("iso8601", "2026-11-22T10:61:00Z", &t), 0);
	assert_int_equal(parse("iso8601", "2026-11-22T10:00:00+25:00", &t), 19);
	assert_int_equal(parse("iso8601", "2026-11-22T10:00", &t), 0);
	assert_int_equal(parse("iso8601", "2026-11-22", &t), 0);
	assert_int_equal(parse("iso8601", "2026/11/22T10:00:00Z", &t), 0);
	assert_int_equal(parse("iso8601", "2026-1x-22T10:00:00Z", &t), 0);
	assert_int_equal(parse("iso8601", "hello world, not a time", &t), 0);
	assert_int_equal(parse("iso8601", "", &t), 0);
}

static void
test_syslog(void **state)
{
	struct bk_tm t;
	int64_t saved = bk__timefmt_now;

	(void)state;
	assert_int_equal(parse("syslog", "Nov 22 10:00:00 db1 sshd[42]: Accepted", &t), 15);
	assert_false(t.has_year);
	assert_false(t.has_off);
	assert_int_equal(bk_tm_to_ms(&t, NULL, 2026), T0 * 1000);
	assert_int_equal(parse("syslog", "Nov  2 09:05:01 db1 x", &t), 15);
	assert_int_equal(t.mday, 2);
	assert_int_equal(t.hour, 9);
	assert_int_equal(parse("syslog", "Nov 22 10:00:00.250 x", &t), 19);
	assert_int_equal(t.msec, 250);
	assert_int_equal(parse("syslog", "Nov 2 10:00:00 db1", &t), 0);
	assert_int_equal(parse("syslog", "Nov 22 10:00", &t), 0);
	assert_int_equal(parse("syslog", "Xyz 22 10:00:00 db1", &t), 0);
	assert_int_equal(parse("syslog", "Nov 32 10:00:00 db1", &t), 0);

	/* The year: this one, unless the date would be over a day ahead. */
	bk__timefmt_now = INT64_C(1795348800000);	/* 2026-11-22T12:00:00Z */
	assert_int_equal(ms("syslog", "Nov 22 10:00:00", 15), T0 * 1000);
	assert_int_equal(ms("syslog", "Nov 23 11:00:00", 15), INT64_C(1795431600000));
	assert_int_equal(ms("syslog", "Dec 24 10:00:00", 15), INT64_C(1766570400000));
	assert_int_equal(ms("syslog", "Jan  1 00:00:00", 15), INT64_C(1767225600000));
	/* 29 February: neither 2026 nor 2025 has one; 2024 does. */
	assert_int_equal(ms("syslog", "Feb 29 10:00:00", 15), INT64_MIN);
	bk__timefmt_now = INT64_C(1740787200000);	/* 2025-03-01T00:00:00Z */
	assert_int_equal(ms("syslog", "Feb 29 10:00:00", 15), INT64_C(1709200800000));
	bk__timefmt_now = saved;
	/* A given year wins over the guess. */
	assert_int_equal(parse("syslog", "Feb 29 10:00:00", &t), 15);
	assert_int_equal(bk_tm_to_ms(&t, NULL, 2024), INT64_C(1709200800000));
	assert_int_equal(bk_tm_to_ms(&t, NULL, 2026), INT64_MIN);
}

static void
test_epoch(void **state)
{
	struct bk_tm t;

	(void)state;
	assert_int_equal(ms("epoch", "1763776800.123", 14), INT64_C(1763776800123));
	assert_int_equal(ms("epoch", "1763776800", 10), INT64_C(1763776800000));
	assert_int_equal(ms("epoch", "1763776800.5\t0 10.0.0.1", 12), INT64_C(1763776800500));
	assert_int_equal(ms("epoch", "1763776800.123456 CONNECT", 17), INT64_C(1763776800123));
	assert_int_equal(ms("epoch", "0", 1), 0);
	assert_int_equal(parse("epoch", "1763776800", &t), 10);
	assert_true(t.has_year);
	assert_true(t.has_off);
	assert_int_equal(t.year, 2025);
	assert_int_equal(t.mon, 11);
	assert_int_equal(t.mday, 22);
	assert_int_equal(t.hour, 2);
	/* Milliseconds since the epoch are not seconds; nor is text. */
	assert_int_equal(parse("epoch", "1763776800123", &t), 0);
	assert_int_equal(parse("epoch", "-5", &t), 0);
	assert_int_equal(parse("epoch", ".5", &t), 0);
	/* A '.' with no digits after it is not part of the time. */
	assert_int_equal(parse("epoch", "1763776800. x", &t), 10);
}

static void
test_pg(void **state)
{
	struct bk_tm t;

	(void)state;
	assert_int_equal(ms("pg", "2026-11-22 10:00:00.123 JST [4242] LOG:  statement", 27),
	    (T0 - 9 * 3600) * 1000 + 123);
	assert_int_equal(ms("pg", "2026-11-22 10:00:00 UTC [4242] LOG:", 23), T0 * 1000);
	assert_int_equal(ms("pg", "2026-11-22 10:00:00.000 GMT", 27), T0 * 1000);
	assert_int_equal(ms("pg", "2026-11-22 10:00:00.123 +09 [1]", 27), (T0 - 9 * 3600) * 1000 + 123);
	assert_int_equal(ms("pg", "2026-11-22 10:00:00 -03 [1]", 23), (T0 + 3 * 3600) * 1000);
	assert_int_equal(ms("pg", "2026-11-22 10:00:00 +0545 [1]", 25),
	    (T0 - 5 * 3600 - 45 * 60) * 1000);
	assert_int_equal(ms("pg", "2026-11-22 10:00:00 CEST [1]", 24), (T0 - 2 * 3600) * 1000);
	assert_int_equal(ms("pg", "2026-11-22 10:00:00 EST [1]", 23), (T0 + 5 * 3600) * 1000);
	/* Ambiguous abbreviations are read but leave the zone to the caller. */
	assert_int_equal(parse("pg", "2026-11-22 10:00:00 CST [1]", &t), 23);
	assert_false(t.has_off);
	assert_int_equal(parse("pg", "2026-11-22 10:00:00.5 IST", &t), 25);
	assert_false(t.has_off);
	assert_int_equal(parse("pg", "2026-11-22 10:00:00 BST", &t), 23);
	assert_false(t.has_off);
	assert_int_equal(parse("pg", "2026-11-22 10:00:00 PST", &t), 23);
	assert_false(t.has_off);
	/* PostgreSQL always writes a zone. */
	assert_int_equal(parse("pg", "2026-11-22 10:00:00.123 [1] LOG", &t), 0);
	assert_int_equal(parse("pg", "2026-11-22 10:00:00", &t), 0);
	assert_int_equal(parse("pg", "2026-11-22 10:00:00 LOGGING", &t), 0);
}

static void
test_mysql(void **state)
{
	struct bk_tm t;

	(void)state;
	/* MySQL 5.7+ and MariaDB: ISO 8601 in UTC, or with the system offset. */
	assert_int_equal(ms("mysql", "2026-11-22T10:00:00.123456Z\t   12 Query\tSELECT 1", 27),
	    T0 * 1000 + 123);
	assert_int_equal(ms("mysql", "2026-11-22T19:00:00.123456+09:00 12 Query", 32),
	    T0 * 1000 + 123);
	assert_int_equal(ms("mysql", "2026-11-22 10:00:00 0 [Note] mysqld", 19), T0 * 1000);
	/* The old general and slow log forms: yymmdd, the hour padded with a space. */
	assert_int_equal(ms("mysql", "261122 10:00:00\t   12 Connect", 15), T0 * 1000);
	assert_int_equal(ms("mysql", "261122  9:05:01\t   12 Query", 15), INT64_C(1795338301000));
	assert_int_equal(ms("mysql", "221122 10:00:00", 15), INT64_C(1669111200000));
	assert_int_equal(parse("mysql", "261322 10:00:00", &t), 0);
	assert_int_equal(parse("mysql", "261122 10:0:00", &t), 0);
	assert_int_equal(parse("mysql", "261122 1a:00:00", &t), 0);
	assert_int_equal(parse("mysql", "\t\t12 Query\tSELECT 1", &t), 0);
}

static void
test_auto(void **state)
{
	struct bk_tm t;

	(void)state;
	assert_int_equal(ms("auto", "22/Nov/2026:10:00:00 +0900", 26), (T0 - 9 * 3600) * 1000);
	assert_int_equal(ms("auto", "2026-11-22T10:00:00Z", 20), T0 * 1000);
	assert_int_equal(ms("auto", "2026-11-22 10:00:00.123 JST [1]", 27), (T0 - 9 * 3600) * 1000 + 123);
	assert_int_equal(ms("auto", "261122  9:05:01\t12 Query", 15), INT64_C(1795338301000));
	assert_int_equal(ms("auto", "1763776800.123    500 10.0.0.1", 14), INT64_C(1763776800123));
	assert_int_equal(parse("auto", "Nov 22 10:00:00 db1", &t), 15);
	/* A word after the time is not a zone, a short number not a time. */
	assert_int_equal(parse("auto", "2026-11-22 10:00:00 INFO started", &t), 19);
	assert_int_equal(parse("auto", "200 OK", &t), 0);
	assert_int_equal(parse("auto", "12345678901234", &t), 0);
	assert_int_equal(parse("auto", "GET /index.html", &t), 0);
}

static void
test_layouts(void **state)
{
	struct bk_tm t;

	(void)state;
	assert_int_equal(ms("%d/%b/%Y:%H:%M:%S %z", "22/Nov/2026:10:00:00 +0900", 26),
	    (T0 - 9 * 3600) * 1000);
	assert_int_equal(ms("%Y-%m-%dT%H:%M:%S.%f%z", "2026-11-22T10:00:00.987654Z", 27),
	    T0 * 1000 + 987);
	assert_int_equal(ms("%F %T", "2026-11-22 10:00:00", 19), T0 * 1000);
	/* Apache 2.4's error log. */
	assert_int_equal(ms("%a %b %d %H:%M:%S.%f %Y", "Sun Nov 22 10:00:00.123456 2026", 31),
	    T0 * 1000 + 123);
	assert_int_equal(ms("%A, %d %B %Y %H:%M:%S %Z", "Sunday, 22 November 2026 19:00:00 JST", 37),
	    T0 * 1000);
	/* A space in the layout takes any run of blanks; %e a padded day. */
	assert_int_equal(parse("%b %e %H:%M:%S", "Nov  2 10:00:00", &t), 15);
	assert_int_equal(t.mday, 2);
	assert_int_equal(parse("%b %d %H:%M:%S", "Nov \t 2 10:00:00", &t), 16);
	/* 12-hour clock. */
	assert_int_equal(ms("%m/%d/%y %I:%M:%S %p", "11/22/26 10:00:00 AM", 20), T0 * 1000);
	assert_int_equal(ms("%m/%d/%y %I:%M:%S %p", "11/22/26 12:30:00 am", 20),
	    (T0 - 10 * 3600 + 1800) * 1000);
	assert_int_equal(ms("%m/%d/%y %I:%M:%S %p", "11/22/26 12:30:00 PM", 20),
	    (T0 + 2 * 3600 + 1800) * 1000);
	assert_int_equal(ms("%m/%d/%y %I:%M:%S %p", "11/21/26 10:00:00 PM", 20),
	    (T0 - 12 * 3600) * 1000);
	assert_int_equal(parse("%m/%d/%y %I:%M:%S %p", "11/22/26 13:00:00 PM", &t), 0);
	/* Day of the year, epoch seconds, a literal percent sign, compact digits. */
	assert_int_equal(ms("%Y.%j %H:%M:%S", "2026.326 10:00:00", 17), T0 * 1000);
	assert_int_equal(ms("%Y.%j %H:%M:%S", "2024.366 00:00:00", 17), INT64_C(1735603200000));
	assert_int_equal(parse("%Y.%j %H:%M:%S", "2026.366 00:00:00", &t), 0);
	assert_int_equal(ms("@%s", "@1763776800.25", 14), INT64_C(1763776800250));
	assert_int_equal(ms("%Y%m%d%H%M%S%%", "20261122100000%", 15), T0 * 1000);
	assert_int_equal(parse("%Y%m%d%H%M%S%%", "20261122100000", &t), 0);
	assert_int_equal(parse("[%d/%b/%Y:%H:%M:%S %z]", "[22/Nov/2026:10:00:00 +0900", &t), 0);
}

static void
test_layout_errors(void **state)
{
	static const struct {
		const char *layout, *err;
	} bad[] = {
		{"", "empty time layout"},
		{"%Y-%m-%d %Q", "time layout \"%Y-%m-%d %Q\": unknown escape %Q"},
		{"%Y-%m-%d %", "time layout \"%Y-%m-%d %\": ends with a lone %"},
		{"%H:%M:%S", "time layout \"%H:%M:%S\": no date in it (needs %m or %b with %d, "
			     "%j with %Y, or %s)"},
		{"%j %H:%M", "time layout \"%j %H:%M\": no date in it (needs %m or %b with %d, "
			     "%j with %Y, or %s)"},
	};
	char *err;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err = NULL;
		assert_null(bk_timefmt_new(bad[i].layout, &err));
		assert_non_null(err);
		assert_string_equal(err, bad[i].err);
		free(err);
	}
	assert_null(bk_timefmt_new("%Q", NULL));
}

static void
test_to_ms(void **state)
{
	struct bk_tm t = {.year = 2024, .mon = 2, .mday = 29, .has_year = true};

	(void)state;
	assert_int_equal(bk_tm_to_ms(&t, NULL, 0), INT64_C(1709164800000));
	t.year = 2026;
	assert_int_equal(bk_tm_to_ms(&t, NULL, 0), INT64_MIN);
	t.year = 2000;		/* divisible by 400: a leap year */
	assert_int_equal(bk_tm_to_ms(&t, NULL, 0), INT64_C(951782400000));
	t.year = 1900;		/* divisible by 100: not */
	assert_int_equal(bk_tm_to_ms(&t, NULL, 0), INT64_MIN);
	t = (struct bk_tm){.year = 2026, .mon = 4, .mday = 31, .has_year = true};
	assert_int_equal(bk_tm_to_ms(&t, NULL, 0), INT64_MIN);
	t = (struct bk_tm){.year = 2026, .mon = 2, .mday = 31, .has_year = true};
	assert_int_equal(bk_tm_to_ms(&t, NULL, 0), INT64_MIN);
	t = (struct bk_tm){.year = 1969, .mon = 12, .mday = 31, .hour = 23, .min = 59,
		.sec = 59, .msec = 500, .has_year = true};
	assert_int_equal(bk_tm_to_ms(&t, NULL, 0), -500);
	/* A leap second reads as the first second after it. */
	t = (struct bk_tm){.year = 2016, .mon = 12, .mday = 31, .hour = 23, .min = 59,
		.sec = 60, .has_year = true};
	assert_int_equal(bk_tm_to_ms(&t, NULL, 0), INT64_C(1483228800000));
	/* Fields out of range, however they were made. */
	t = (struct bk_tm){.year = 2026, .mon = 13, .mday = 1, .has_year = true};
	assert_int_equal(bk_tm_to_ms(&t, NULL, 0), INT64_MIN);
	t = (struct bk_tm){.year = 2026, .mon = 1, .mday = 1, .msec = 1000, .has_year = true};
	assert_int_equal(bk_tm_to_ms(&t, NULL, 0), INT64_MIN);
	t = (struct bk_tm){.year = 2026, .mon = 1, .mday = 1, .off = 100000, .has_off = true,
		.has_year = true};
	assert_int_equal(bk_tm_to_ms(&t, NULL, 0), INT64_MIN);
	t = (struct bk_tm){.year = 2026, .mon = 1, .mday = 0, .has_year = true};
	assert_int_equal(bk_tm_to_ms(&t, NULL, 0), INT64_MIN);
}

/* LOCAL ("2026-03-29 02:30:00") read in zone TZ, as UTC seconds. */
static int64_t
local_in(const bk_tz *tz, const char *local)
{
	struct bk_tm t;
	int64_t v;

	assert_int_equal(parse("%F %T", local, &t), 19);
	v = bk_tm_to_ms(&t, tz, 0);
	assert_int_not_equal(v, INT64_MIN);
	assert_int_equal(v % 1000, 0);
	return v / 1000;
}

static bk_tz *
open_tz(const char *name)
{
	char *err = NULL;
	bk_tz *tz = bk_tz_open(name, &err);

	if (tz == NULL)
		fail_msg("%s: %s", name, err ? err : "(no message)");
	assert_null(err);
	return tz;
}

static void
test_tz_berlin(void **state)
{
	bk_tz *tz = open_tz("Europe/Berlin");

	(void)state;
	/* zdump: 2026-03-29 01:00:00 UT CET -> CEST; 2026-10-25 01:00:00 UT back. */
	assert_int_equal(bk_tz_offset(tz, INT64_C(1774745999) * 1000), 3600);
	assert_int_equal(bk_tz_offset(tz, INT64_C(1774746000) * 1000), 7200);
	assert_int_equal(bk_tz_offset(tz, INT64_C(1792889999) * 1000), 7200);
	assert_int_equal(bk_tz_offset(tz, INT64_C(1792890000) * 1000), 3600);
	assert_int_equal(local_in(tz, "2026-03-29 01:59:59"), 1774745999);
	assert_int_equal(local_in(tz, "2026-03-29 03:00:00"), 1774746000);
	/* In the gap, the offset before it (CET): 02:30 is 01:30 UT. */
	assert_int_equal(local_in(tz, "2026-03-29 02:30:00"), 1774747800);
	/* In the overlap, the offset before it (CEST): the first 02:30. */
	assert_int_equal(local_in(tz, "2026-10-25 02:30:00"), 1792888200);
	assert_int_equal(local_in(tz, "2026-10-25 01:59:59"), 1792886399);
	assert_int_equal(local_in(tz, "2026-10-25 03:00:00"), 1792893600);
	/* History from the table, and the footer rule beyond it. */
	assert_int_equal(local_in(tz, "1990-07-01 12:00:00"), 646826400);
	assert_int_equal(local_in(tz, "2100-07-01 12:00:00"), 4118119200);
	assert_int_equal(local_in(tz, "2100-12-01 12:00:00"), 4131342000);
	/* A time with its own offset ignores the zone. */
	assert_int_equal(ms("iso8601", "2026-07-01T12:00:00Z", 20), INT64_C(1782907200000));
	bk_tz_free(tz);
}

static void
test_tz_new_york(void **state)
{
	bk_tz *tz = open_tz("America/New_York");

	(void)state;
	assert_int_equal(local_in(tz, "2026-03-08 01:59:59"), 1772953199);
	assert_int_equal(local_in(tz, "2026-03-08 03:00:00"), 1772953200);
	assert_int_equal(local_in(tz, "2026-03-08 02:30:00"), 1772955000);	/* gap: EST */
	assert_int_equal(local_in(tz, "2026-11-01 00:59:59"), 1793509199);
	assert_int_equal(local_in(tz, "2026-11-01 01:30:00"), 1793511000);	/* overlap: EDT */
	assert_int_equal(local_in(tz, "2026-11-01 02:00:00"), 1793516400);
	assert_int_equal(local_in(tz, "2026-07-04 12:00:00"), 1783180800);
	assert_int_equal(local_in(tz, "1970-01-01 00:00:00"), 18000);
	assert_int_equal(bk_tz_offset(tz, INT64_C(1793512799) * 1000), -4 * 3600);
	assert_int_equal(bk_tz_offset(tz, INT64_C(1793512800) * 1000), -5 * 3600);
	bk_tz_free(tz);
}

static void
test_tz_tokyo_sydney(void **state)
{
	bk_tz *tz = open_tz("Asia/Tokyo");
	struct bk_tm t;

	(void)state;
	assert_int_equal(local_in(tz, "2026-11-22 10:00:00"), 1795309200);
	assert_int_equal(local_in(tz, "1950-07-01 12:00:00"), -615506400);	/* DST then */
	assert_int_equal(bk_tz_offset(tz, T0 * 1000), 9 * 3600);
	/* A syslog time in Tokyo. */
	assert_int_equal(parse("syslog", "Nov 22 10:00:00 db1", &t), 15);
	assert_int_equal(bk_tm_to_ms(&t, tz, 2026), INT64_C(1795309200000));
	bk_tz_free(tz);

	tz = open_tz("Australia/Sydney");
	assert_int_equal(local_in(tz, "2026-01-15 12:00:00"), 1768438800);
	assert_int_equal(local_in(tz, "2026-07-15 12:00:00"), 1784080800);
	assert_int_equal(bk_tz_offset(tz, INT64_C(1775318399) * 1000), 11 * 3600);
	assert_int_equal(bk_tz_offset(tz, INT64_C(1775318400) * 1000), 10 * 3600);
	bk_tz_free(tz);
}

static void
test_tz_fixed(void **state)
{
	static const struct {
		const char *name;
		int off;
	} ok[] = {
		{"UTC", 0}, {"+09:00", 9 * 3600}, {"-0530", -(5 * 3600 + 1800)}, {"+09", 9 * 3600},
		{"-00:00", 0}, {"+05:45", 5 * 3600 + 45 * 60},
	};
	static const char *const bad[] = {"+9", "+25:00", "+09:60", "+09:0", "+0900x", "-"};
	char *err;
	bk_tz *tz;

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		tz = open_tz(ok[i].name);
		assert_int_equal(bk_tz_offset(tz, T0 * 1000), ok[i].off);
		assert_int_equal(bk_tz_local_offset(tz, T0 * 1000), ok[i].off);
		assert_int_equal(local_in(tz, "2026-11-22 10:00:00"), T0 - ok[i].off);
		bk_tz_free(tz);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err = NULL;
		assert_null(bk_tz_open(bad[i], &err));
		assert_non_null(strstr(err, ": not an offset (+hh:mm, +hhmm or +hh)"));
		free(err);
	}
	assert_int_equal(bk_tz_offset(NULL, T0 * 1000), 0);
	assert_int_equal(bk_tz_local_offset(NULL, T0 * 1000), 0);
	bk_tz_free(NULL);
}

static void
test_tz_unknown(void **state)
{
	char *err = NULL;

	(void)state;
	assert_null(bk_tz_open("Nowhere/Atlantis", &err));
	assert_non_null(err);
	assert_true(strncmp(err, "Nowhere/Atlantis: unknown zone (", 32) == 0);
	assert_non_null(strstr(err, "Nowhere/Atlantis: No such file or directory)"));
	free(err);
	err = NULL;
	assert_null(bk_tz_open("../../etc/passwd", &err));
	assert_string_equal(err, "../../etc/passwd: not a zone name");
	free(err);
	err = NULL;
	assert_null(bk_tz_open("Asia/../../../etc/passwd", &err));
	assert_string_equal(err, "Asia/../../../etc/passwd: not a zone name");
	free(err);
	err = NULL;
	assert_null(bk_tz_open("", &err));
	assert_string_equal(err, "empty zone name");
	free(err);
	assert_null(bk_tz_open("Nowhere/Atlantis", NULL));
}

/* ---- TZif files written by the test ---- */

struct tzif {
	unsigned char b[4096];
	size_t n;
};

static void
put(struct tzif *z, const void *p, size_t n)
{
	assert_true(z->n + n <= sizeof z->b);
	if (n == 0)
		return;
	memcpy(z->b + z->n, p, n);
	z->n += n;
}

static void
put32(struct tzif *z, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16),
		(unsigned char)(v >> 8), (unsigned char)v};

	put(z, b, 4);
}

/*
 * A header of version VER and one data block with TSZ-byte times: NT
 * transitions at TIMES to types IDX; NTYPE offsets OFFS.
 */
static void
put_block(struct tzif *z, char ver, int tsz, size_t nt, const int64_t *times, const unsigned char *idx,
    size_t ntype, const int32_t *offs)
{
	put(z, "TZif", 4);
	put(z, &ver, 1);
	put(z, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 15);
	put32(z, 0);			/* isut */
	put32(z, 0);			/* isstd */
	put32(z, 0);			/* leap */
	put32(z, (uint32_t)nt);
	put32(z, (uint32_t)ntype);
	put32(z, 4);			/* "ZZZ\0" */
	for (size_t i = 0; i < nt; i++) {
		if (tsz == 8)
			put32(z, (uint32_t)((uint64_t)times[i] >> 32));
		put32(z, (uint32_t)times[i]);
	}
	put(z, idx, nt);
	for (size_t i = 0; i < ntype; i++) {
		put32(z, (uint32_t)offs[i]);
		put(z, "\0\0", 2);	/* isdst, abbreviation index */
	}
	put(z, "ZZZ", 4);
}

/* A v2 file: the same data in both blocks, then FOOTER. */
static void
tzif_v2(struct tzif *z, size_t nt, const int64_t *times, const unsigned char *idx,
    size_t ntype, const int32_t *offs, const char *footer)
{
	z->n = 0;
	put_block(z, '2', 4, nt, times, idx, ntype, offs);
	put_block(z, '2', 8, nt, times, idx, ntype, offs);
	put(z, "\n", 1);
	put(z, footer, strlen(footer));
	put(z, "\n", 1);
}

/* Opens the image Z written to tu_dir/NAME; returns the zone or NULL with *ERR. */
static bk_tz *
open_image(const struct tzif *z, const char *name, char **err)
{
	char *path = tu_write(tu_dir, name, z->b, z->n);
	bk_tz *tz;

	*err = NULL;
	tz = bk_tz_open(path, err);
	free(path);
	return tz;
}

static void
test_tz_footer_rules(void **state)
{
	static const int32_t cet[] = {3600}, est[] = {-5 * 3600};
	struct tzif z;
	char *err;
	bk_tz *tz;

	(void)state;
	/* A "slim" zone file: no transitions, only the rule. */
	tzif_v2(&z, 0, NULL, NULL, 1, cet, "CET-1CEST,M3.5.0,M10.5.0/3");
	tz = open_image(&z, "berlin-slim", &err);
	assert_non_null(tz);
	assert_int_equal(local_in(tz, "2026-03-29 01:59:59"), 1774745999);
	assert_int_equal(local_in(tz, "2026-03-29 03:00:00"), 1774746000);
	assert_int_equal(local_in(tz, "2026-03-29 02:30:00"), 1774747800);
	assert_int_equal(local_in(tz, "2026-10-25 02:30:00"), 1792888200);
	assert_int_equal(local_in(tz, "2026-10-25 03:00:00"), 1792893600);
	assert_int_equal(local_in(tz, "1990-07-01 12:00:00"), 646826400);
	bk_tz_free(tz);

	tzif_v2(&z, 0, NULL, NULL, 1, est, "EST5EDT,M3.2.0,M11.1.0");
	tz = open_image(&z, "ny-slim", &err);
	assert_non_null(tz);
	assert_int_equal(local_in(tz, "2026-03-08 01:59:59"), 1772953199);
	assert_int_equal(local_in(tz, "2026-03-08 03:00:00"), 1772953200);
	assert_int_equal(local_in(tz, "2026-11-01 01:30:00"), 1793511000);
	assert_int_equal(local_in(tz, "2026-11-01 02:00:00"), 1793516400);
	bk_tz_free(tz);

	/* Southern hemisphere, quoted names, a time past 24 h, Julian days. */
	tzif_v2(&z, 0, NULL, NULL, 1, cet, "AEST-10AEDT,M10.1.0,M4.1.0/3");
	tz = open_image(&z, "sydney-slim", &err);
	assert_non_null(tz);
	assert_int_equal(local_in(tz, "2026-01-15 12:00:00"), 1768438800);
	assert_int_equal(local_in(tz, "2026-07-15 12:00:00"), 1784080800);
	bk_tz_free(tz);
	tzif_v2(&z, 0, NULL, NULL, 1, cet, "<+0545>-5:45");
	tz = open_image(&z, "kathmandu-slim", &err);
	assert_non_null(tz);
	assert_int_equal(bk_tz_offset(tz, T0 * 1000), 5 * 3600 + 45 * 60);
	bk_tz_free(tz);
	tzif_v2(&z, 0, NULL, NULL, 1, cet, "IST-2IDT,M3.4.4/26,M10.5.0");
	tz = open_image(&z, "jerusalem-slim", &err);
	assert_non_null(tz);
	/* 2026: Friday 27 March 02:00 to Sunday 25 October 02:00. */
	assert_int_equal(local_in(tz, "2026-03-27 01:59:59"), INT64_C(1774569599));
	assert_int_equal(local_in(tz, "2026-03-27 03:00:00"), INT64_C(1774569600));
	bk_tz_free(tz);
	tzif_v2(&z, 0, NULL, NULL, 1, cet, "XXX-3YYY,J60/0,300");
	tz = open_image(&z, "julian", &err);
	assert_non_null(tz);
	/* J60 is 1 March in every year; day 300 (from 0) is 28 October in 2026. */
	assert_int_equal(bk_tz_offset(tz, INT64_C(1772323200) * 1000 - 10800 * 1000 - 1000), 3 * 3600);
	assert_int_equal(bk_tz_offset(tz, INT64_C(1772323200) * 1000 - 10800 * 1000), 4 * 3600);
	bk_tz_free(tz);
	/* A file with no footer rule keeps the last transition's offset. */
	{
		static const int64_t times[] = {0, 1000000000};
		static const unsigned char idx[] = {1, 0};
		static const int32_t offs[] = {3600, 7200};

		tzif_v2(&z, 2, times, idx, 2, offs, "");
		tz = open_image(&z, "no-rule", &err);
		assert_non_null(tz);
		assert_int_equal(bk_tz_offset(tz, -1000), 3600);
		assert_int_equal(bk_tz_offset(tz, 0), 7200);
		assert_int_equal(bk_tz_offset(tz, INT64_C(999999999999)), 7200);
		assert_int_equal(bk_tz_offset(tz, INT64_C(1000000000000)), 3600);
		assert_int_equal(bk_tz_offset(tz, T0 * 1000), 3600);
		bk_tz_free(tz);
	}
}

/* Opening Z must fail with WHY. */
static void
bad_image(const struct tzif *z, const char *why)
{
	char *err;
	bk_tz *tz = open_image(z, "bad", &err);

	assert_null(tz);
	assert_non_null(err);
	if (strstr(err, why) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err, why);
	free(err);
}

static void
test_tz_damaged(void **state)
{
	static const int64_t times[] = {0, 1000000000};
	static const unsigned char idx[] = {1, 0};
	static const int32_t offs[] = {3600, 7200};
	struct tzif z, real;
	FILE *fp;
	char *err;
	bk_tz *tz;

	(void)state;
	/* Every prefix of a real zone file is refused, without a crash. */
	fp = fopen("/usr/share/zoneinfo/Europe/Berlin", "rb");
	assert_non_null(fp);
	real.n = fread(real.b, 1, sizeof real.b, fp);
	fclose(fp);
	assert_true(real.n > 1000 && real.n < sizeof real.b);
	for (size_t n = 0; n < real.n; n++) {
		z = real;
		z.n = n;
		tz = open_image(&z, "prefix", &err);
		assert_null(tz);
		assert_non_null(err);
		free(err);
	}
	tz = open_image(&real, "whole", &err);
	assert_non_null(tz);
	bk_tz_free(tz);

	z = real;
	z.b[0] = 'X';
	bad_image(&z, ": not a TZif file");
	/* A count that runs past the end. */
	tzif_v2(&z, 2, times, idx, 2, offs, "");
	z.b[35] = 0xff;
	bad_image(&z, ": truncated");
	tzif_v2(&z, 2, times, idx, 2, offs, "");
	z.b[44 + 26 + 44 + 16] = 7;	/* second block, first type index */
	bad_image(&z, ": local time type index out of range");
	{
		static const int64_t backwards[] = {1000000000, 0};

		tzif_v2(&z, 2, backwards, idx, 2, offs, "");
		bad_image(&z, ": transition times out of order");
	}
	{
		static const int32_t wild[] = {3600, 100000};

		tzif_v2(&z, 2, times, idx, 2, wild, "");
		bad_image(&z, ": UT offset out of range");
	}
	tzif_v2(&z, 0, NULL, NULL, 0, offs, "");
	bad_image(&z, ": bad number of local time types");
	tzif_v2(&z, 0, NULL, NULL, 1, offs, "CET-1CEST");
	bad_image(&z, ": footer TZ string not understood");
	tzif_v2(&z, 0, NULL, NULL, 1, offs, "CET-1CEST,M13.5.0,M10.5.0");
	bad_image(&z, ": footer TZ string not understood");
	tzif_v2(&z, 0, NULL, NULL, 1, offs, "C-1");
	bad_image(&z, ": footer TZ string not understood");
	tzif_v2(&z, 0, NULL, NULL, 1, offs, "CET-1CEST,M3.5.0,M10.5.0/3x");
	bad_image(&z, ": footer TZ string not understood");
	tzif_v2(&z, 0, NULL, NULL, 1, offs, "");
	z.n--;
	bad_image(&z, ": footer not terminated");
	/* A v1 file: the 32-bit block and no footer. */
	z.n = 0;
	put_block(&z, '\0', 4, 2, times, idx, 2, offs);
	tz = open_image(&z, "v1", &err);
	assert_non_null(tz);
	assert_int_equal(bk_tz_offset(tz, T0 * 1000), 3600);
	assert_int_equal(bk_tz_offset(tz, 500), 7200);
	bk_tz_free(tz);
	/* Not a regular file. */
	assert_null(bk_tz_open(tu_dir, &err));
	assert_non_null(err);
	free(err);
}

static void
test_tzdir(void **state)
{
	static const int32_t jst[] = {9 * 3600};
	struct tzif z;
	char *dir, *path, *err = NULL, *old = getenv("TZDIR");
	bk_tz *tz;

	(void)state;
	old = old ? strdup(old) : NULL;
	tzif_v2(&z, 0, NULL, NULL, 1, jst, "JST-9");
	assert_true(asprintf(&dir, "%s/Test", tu_dir) > 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	path = tu_write(dir, "Zone", z.b, z.n);
	assert_int_equal(setenv("TZDIR", tu_dir, 1), 0);
	tz = bk_tz_open("Test/Zone", &err);
	assert_non_null(tz);
	assert_int_equal(bk_tz_offset(tz, 0), 9 * 3600);
	bk_tz_free(tz);
	if (old != NULL)
		setenv("TZDIR", old, 1);
	else
		unsetenv("TZDIR");
	free(old);
	free(path);
	free(dir);
}

/*
 * Where a layout puts the seconds (a parser's cache moves a time by its
 * seconds alone there): for each layout that has such a place, every
 * seconds value written there reads as the same time with those seconds,
 * whatever else the text holds (a fraction, a zone, a one-digit day).
 */
static void
test_sec_at(void **state)
{
	static const struct {
		const char *layout, *text;
		int at;
	} cases[] = {
		{ "clf", "22/Nov/2026:10:00:00 +0900", 18 },
		{ "clf", "02/Nov/2026:10:00:00.250 -0130", 18 },
		{ "iso8601", "2026-11-22T10:00:00Z", 17 },
		{ "iso8601", "2026-11-22 10:00:00,5", 17 },
		{ "pg", "2026-11-22 10:00:00.123 JST", 17 },
		{ "syslog", "Nov  2 10:00:00", 13 },
		{ "syslog", "Nov 22 10:00:00.5", 13 },
		{ "mysql", "221122 10:00:00", -1 },
		{ "epoch", "1795341600", -1 },
		{ "auto", "2026-11-22T10:00:00Z", -1 },
		{ "%d/%m/%Y %H:%M:%S", "22/11/2026 10:00:00", -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *err = NULL, text[64];
		bk_timefmt *f = bk_timefmt_new(cases[i].layout, &err);
		struct bk_tm t0, t;
		int at;

		assert_non_null(f);
		at = bk__timefmt_sec_at(f);
		assert_int_equal(at, cases[i].at);
		bk_timefmt_free(f);
		if (at < 0)
			continue;
		strcpy(text, cases[i].text);
		assert_int_equal(parse(cases[i].layout, text, &t0), strlen(text));
		for (int sec = 0; sec <= 59; sec++) {
			text[at] = (char)('0' + sec / 10);
			text[at + 1] = (char)('0' + sec % 10);
			assert_int_equal(parse(cases[i].layout, text, &t), strlen(text));
			assert_int_equal(t.sec, sec);
			t.sec = t0.sec;
			assert_memory_equal(&t, &t0, sizeof t);
		}
	}
}

/* ---- the years of yearless times (timefmt-years.c) ----------------------- */

/*
 * Reads the syslog times TEXTS in turn through YS, writing each as RFC
 * 3339 (or "-" for none) on a line of OUT.
 */
static void
years_read(bk_years *ys, const char *const *texts, size_t n, char *out, size_t size)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		struct bk_tm t;
		char ts[32] = "-";
		int64_t ms;

		assert_int_not_equal(parse("syslog", texts[i], &t), 0);
		ms = bk_years_to_ms(ys, &t, NULL);
		if (ms != INT64_MIN)
			ts[bk_time_rfc3339(ts, ms)] = '\0';
		len += (size_t)snprintf(out + len, size - len, "%s\n", ts);
		assert_true(len < size);
	}
}

/* TEXTS read from the start of an input whose first yearless time is in FIRST. */
static void
years_expect(int first, const char *const *texts, size_t n, const char *want)
{
	bk_years ys;
	char got[2048];

	bk_years_start(&ys, first);
	years_read(&ys, texts, n, got, sizeof got);
	assert_string_equal(got, want);
}

#define N(a) (sizeof (a) / sizeof (a)[0])

static void
test_years_new_year(void **state)
{
	/* Two New Years, and 29 February in the leap year after the second. */
	static const char *const two[] = {
		"Nov 30 08:00:00", "Dec 31 23:59:58", "Jan  1 00:00:03", "Jun 15 12:00:00",
		"Dec 31 23:00:00", "Jan  2 00:00:00", "Feb 29 10:00:00", "Mar  1 10:00:00",
	};
	/* Out of order within a minute around midnight: the year advances once. */
	static const char *const midnight[] = {
		"Dec 31 23:59:50", "Jan  1 00:00:01", "Dec 31 23:59:59", "Jan  1 00:00:00",
		"Dec 31 23:59:58", "Jan  1 00:00:30", "Jan  1 00:01:00", "Jan  1 00:00:59",
	};
	/* A log that starts in January is in the year given, not the next. */
	static const char *const january[] = {
		"Jan  3 10:00:00", "Jan  3 09:59:00", "Dec 31 23:59:59", "Jan  5 00:00:00",
	};

	(void)state;
	years_expect(2014, two, N(two),
	    "2014-11-30T08:00:00.000Z\n2014-12-31T23:59:58.000Z\n2015-01-01T00:00:03.000Z\n"
	    "2015-06-15T12:00:00.000Z\n2015-12-31T23:00:00.000Z\n2016-01-02T00:00:00.000Z\n"
	    "2016-02-29T10:00:00.000Z\n2016-03-01T10:00:00.000Z\n");
	years_expect(2015, midnight, N(midnight),
	    "2015-12-31T23:59:50.000Z\n2016-01-01T00:00:01.000Z\n2015-12-31T23:59:59.000Z\n"
	    "2016-01-01T00:00:00.000Z\n2015-12-31T23:59:58.000Z\n2016-01-01T00:00:30.000Z\n"
	    "2016-01-01T00:01:00.000Z\n2016-01-01T00:00:59.000Z\n");
	/* The late December line there is the year before's, the one given notwithstanding. */
	years_expect(2016, january, N(january),
	    "2016-01-03T10:00:00.000Z\n2016-01-03T09:59:00.000Z\n2015-12-31T23:59:59.000Z\n"
	    "2016-01-05T00:00:00.000Z\n");
}

static void
test_years_slack(void **state)
{
	/* Back by less than the slack stays; back by more starts the next year. */
	static const char *const back[] = {
		"Jun 20 10:00:00", "Jun 13 10:00:01", "Jun 21 10:00:00", "Jun 14 09:59:59",
		"Jun 15 10:00:00",
	};
	/* Days no year has change nothing; 29 February counts, but reads only in a leap year. */
	static const char *const bad[] = {
		"Dec 20 10:00:00", "Apr 31 10:00:00", "Feb 30 10:00:00", "Dec 21 10:00:00",
		"Feb 29 10:00:00", "Mar  1 10:00:00",
	};
	struct bk_tm t;
	bk_years ys;
	int64_t saved = bk__timefmt_now;

	(void)state;
	years_expect(2015, back, N(back),
	    "2015-06-20T10:00:00.000Z\n2015-06-13T10:00:01.000Z\n2015-06-21T10:00:00.000Z\n"
	    "2016-06-14T09:59:59.000Z\n2016-06-15T10:00:00.000Z\n");
	years_expect(2014, bad, N(bad),
	    "2014-12-20T10:00:00.000Z\n-\n-\n2014-12-21T10:00:00.000Z\n-\n2015-03-01T10:00:00.000Z\n");
	years_expect(2015, bad, N(bad),
	    "2015-12-20T10:00:00.000Z\n-\n-\n2015-12-21T10:00:00.000Z\n2016-02-29T10:00:00.000Z\n"
	    "2016-03-01T10:00:00.000Z\n");

	/* A time with its own year keeps it and moves nothing. */
	bk_years_start(&ys, 2015);
	assert_int_equal(parse("iso8601", "2030-01-01T00:00:00Z", &t), 20);
	assert_int_equal(bk_years_to_ms(&ys, &t, NULL), INT64_C(1893456000000));
	assert_int_equal(ys.latest, INT64_MIN);
	/* No first year: each from the clock, as bk_tm_to_ms with 0. */
	bk__timefmt_now = INT64_C(1795348800000);	/* 2026-11-22T12:00:00Z */
	bk_years_start(&ys, 0);
	assert_int_equal(parse("syslog", "Dec 24 10:00:00", &t), 15);
	assert_int_equal(bk_years_to_ms(&ys, &t, NULL), INT64_C(1766570400000));
	assert_int_equal(parse("syslog", "Jan  1 00:00:00", &t), 15);
	assert_int_equal(bk_years_to_ms(&ys, &t, NULL), INT64_C(1767225600000));
	bk__timefmt_now = saved;
	/* Years no wall time is read in, rather than a wrong one. */
	assert_int_equal(parse("syslog", "Jan  1 00:00:00", &t), 15);
	bk_years_start(&ys, -5);
	assert_int_equal(bk_years_to_ms(&ys, &t, NULL), INT64_MIN);
	bk_years_start(&ys, 1000000);
	assert_int_equal(bk_years_to_ms(&ys, &t, NULL), INT64_MIN);
}

/*
 * A log of New Years, lines out of order, gaps, bad and leap days, cut
 * into parts at every place and read on every guess a caller could make
 * (none, the exact state before, any earlier one): a part whose join
 * holds has the times of one pass, and one whose join fails, read again
 * after the join's state, too.
 */
static void
test_years_parts(void **state)
{
	static const char *const log[] = {
		"Dec 30 10:00:00", "Dec 31 23:59:58", "Jan  1 00:00:02", "Dec 31 23:59:59",
		"Jan  1 00:00:03", "Jan  1 00:00:01", "Mar  3 08:00:00", "Apr 31 08:00:00",
		"Feb 28 08:00:00", "Aug  8 08:00:00", "Aug  2 08:00:00", "Dec 31 23:00:00",
		"Feb 29 01:00:00", "Jan  2 01:00:00", "Jan  1 23:00:00", "Dec 27 10:00:00",
		"Jan  9 10:00:00", "Jan  3 10:00:00",
	};
	enum { L = N(log) };
	char one[L][32], want[2048], got[2048];
	bk_years states[L + 1], ys, rd, actual;
	size_t accepted = 0, rejected = 0;

	(void)state;
	/* One pass: each line's time, and the state before each line. */
	bk_years_start(&ys, 2015);
	for (size_t i = 0; i < L; i++) {
		states[i] = ys;
		years_read(&ys, log + i, 1, one[i], sizeof one[i]);
	}
	states[L] = ys;
	for (size_t cut = 1; cut < L; cut++)
		for (size_t end = cut + 1; end <= L; end++)
			for (size_t g = 0; g <= cut + 1; g++) {
				/* Lines CUT to END on a guess from the state before line G (CUT + 1: none). */
				rd = states[0];
				bk_years_guess(&rd, g <= cut ? &states[g] : NULL);
				years_read(&rd, log + cut, end - cut, got, sizeof got);
				actual = states[cut];
				if (bk_years_join(&actual, &rd)) {
					accepted++;
				} else {
					/*
					 * The exact state before is a guess that holds,
					 * unless the part starts with a late line of the
					 * year before (lines 3 and 15).
					 */
					assert_true(g != cut || cut == 3 || cut == 15);
					rejected++;
					assert_memory_equal(&actual, &states[cut], sizeof actual);
					rd = actual;
					years_read(&rd, log + cut, end - cut, got, sizeof got);
					actual = rd;
				}
				want[0] = '\0';
				for (size_t i = cut; i < end; i++)
					strcat(want, one[i]);
				assert_string_equal(got, want);
				assert_int_equal(actual.year, states[end].year);
				assert_int_equal(actual.latest, states[end].latest);
			}
	/* A stale guess or none holds where the years did not move since. */
	assert_true(accepted > rejected);
	assert_true(rejected > 0);
}

static void
test_years_join(void **state)
{
	static const char *const dec[] = { "Dec 20 10:00:00", "Dec 31 23:00:00" };
	static const char *const jan[] = { "Jan  1 00:10:00", "Jan  2 00:00:00" };
	bk_years ys, part, none;
	char out[256];

	(void)state;
	bk_years_start(&ys, 2015);
	years_read(&ys, dec, 2, out, sizeof out);
	/* January after a December the guess knew: the next year, and the join holds. */
	part = ys;
	bk_years_guess(&part, &ys);
	years_read(&part, jan, 2, out, sizeof out);
	assert_string_equal(out, "2016-01-01T00:10:00.000Z\n2016-01-02T00:00:00.000Z\n");
	none = ys;
	assert_true(bk_years_join(&ys, &part));
	assert_int_equal(ys.year, 2016);
	/* Guessed knowing nothing: read in 2015, which the December before refutes. */
	part = none;
	bk_years_guess(&part, NULL);
	years_read(&part, jan, 2, out, sizeof out);
	assert_string_equal(out, "2015-01-01T00:10:00.000Z\n2015-01-02T00:00:00.000Z\n");
	ys = none;
	assert_false(bk_years_join(&ys, &part));
	assert_memory_equal(&ys, &none, sizeof ys);
	/* ... but holds for the input's first part: January is then the year given. */
	bk_years_start(&ys, 2015);
	assert_true(bk_years_join(&ys, &part));
	assert_int_equal(ys.year, 2015);
	/* A part with no yearless time joins as nothing. */
	bk_years_guess(&part, NULL);
	ys = none;
	assert_true(bk_years_join(&ys, &part));
	assert_memory_equal(&ys, &none, sizeof ys);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil),
		cmocka_unit_test(test_clf),
		cmocka_unit_test(test_iso8601),
		cmocka_unit_test(test_syslog),
		cmocka_unit_test(test_epoch),
		cmocka_unit_test(test_pg),
		cmocka_unit_test(test_mysql),
		cmocka_unit_test(test_auto),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_layout_errors),
		cmocka_unit_test(test_to_ms),
		cmocka_unit_test(test_tz_berlin),
		cmocka_unit_test(test_tz_new_york),
		cmocka_unit_test(test_tz_tokyo_sydney),
		cmocka_unit_test(test_tz_fixed),
		cmocka_unit_test(test_tz_unknown),
		cmocka_unit_test(test_tz_footer_rules),
		cmocka_unit_test(test_tz_damaged),
		cmocka_unit_test(test_tzdir),
		cmocka_unit_test(test_sec_at),
		cmocka_unit_test(test_years_new_year),
		cmocka_unit_test(test_years_slack),
		cmocka_unit_test(test_years_parts),
		cmocka_unit_test(test_years_join),
	};

	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
