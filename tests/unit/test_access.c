/*
 * test_access.c - unit tests of lib/access.c on constructed event streams:
 * each detector exactly at its threshold and one below, the edges of the
 * quarter-stepped window, events out of order within the tolerance and
 * beyond it, business hours in a zone without DST, baselines, the entity
 * limit, and state records merged back into the same alerts.
 */
#include "testutil.h"

#include <math.h>

#include "access.h"

#define T0 INT64_C(1795420800000)	/* 2026-11-23T08:00:00Z, a Monday: 17:00 in Tokyo */
#define MIN INT64_C(60000)

struct ev {
	int64_t ts;
	const char *actor, *ip, *action, *object, *stmt;
	const char *ids;	/* comma-separated */
	int64_t rows, bytes;
	int where;
	const char *method;
};

static bk_detectconf *
conf_with(const char *const *sets)
{
	bk_detectconf *c = bk_detectconf_new(bk_access_keys, bk_access_nkeys, NULL);

	assert_non_null(c);
	for (; sets != NULL && *sets != NULL; sets++)
		assert_int_equal(bk_detectconf_set_arg(c, *sets), BK_OK);
	return c;
}

/* X, the I-th event of a stream, as a bk_event (its ids in IDS, room for 64). */
static void
make_event(const struct ev *x, size_t i, bk_event *ev, bk_span *ids)
{
	size_t nids = 0;

	bk_event_clear(ev);
	ev->format = "test";
	ev->file = "t.log";
	ev->line = i + 1;
	ev->ts = x->ts;
#define S(f, v) ev->str[f] = (v) != NULL ? (bk_span){ (v), strlen(v) } : (bk_span){ NULL, 0 }
	S(BK_EV_ACTOR, x->actor);
	S(BK_EV_IP, x->ip);
	S(BK_EV_ACTION, x->action != NULL ? x->action : "read");
	S(BK_EV_OBJECT, x->object != NULL ? x->object : "persons");
	S(BK_EV_STMT, x->stmt);
	S(BK_EV_METHOD, x->method);
#undef S
	ev->rows = x->rows != 0 ? x->rows : BK_EVENT_NONE;
	ev->bytes_out = x->bytes != 0 ? x->bytes : BK_EVENT_NONE;
	ev->where = x->where;
	for (const char *p = x->ids; p != NULL && *p != '\0';) {
		size_t len = strcspn(p, ",");

		ids[nids++] = (bk_span){ p, len };
		p += len + (p[len] == ',');
	}
	ev->ids = ids;
	ev->nids = nids;
}

static void
feed(bk_access *a, const struct ev *evs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		bk_span ids[64];
		bk_event ev;

		make_event(&evs[i], i, &ev, ids);
		assert_int_equal(bk_access_add(a, &ev), BK_OK);
	}
}

/* "detector=value" of every alert, joined by spaces, into BUF. */
static const char *
alerts_of(bk_access *a, char *buf, size_t size)
{
	const bk_alert *const *al;
	size_t n = bk_access_alerts(a, &al), len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s=%g", i ? " " : "",
		    al[i]->detector, al[i]->value);
	return buf;
}

/* Runs EVS through a detector set up with SETS; the alerts as alerts_of gives them. */
static const char *
run(const char *const *sets, const struct ev *evs, size_t n, char *buf, size_t size)
{
	bk_detectconf *c = conf_with(sets);
	bk_access *a = bk_access_new(c, BK_ACCESS_DETECT, NULL, NULL, NULL);

	assert_non_null(a);
	feed(a, evs, n);
	assert_int_equal(bk_access_finish(a), BK_OK);
	alerts_of(a, buf, size);
	bk_access_free(a);
	bk_detectconf_free(c);
	return buf;
}

/* N events of ACTOR each reading one id, FIRST_ID + i*STEP, at TS + i seconds. */
static struct ev *
walk(const char *actor, int64_t ts, int first_id, int step, int n, char (*idbuf)[16])
{
	struct ev *evs = calloc((size_t)n, sizeof *evs);

	for (int i = 0; i < n; i++) {
		snprintf(idbuf[i], 16, "%d", first_id + i * step);
		evs[i] = (struct ev){ .ts = ts + i * 1000, .actor = actor, .ip = "10.0.0.1",
			.ids = idbuf[i], .where = 1 };
	}
	return evs;
}

static const char *const quiet[] = { "enumeration.min_run=0", "off_hours.threshold=0",
	"volume.rows=0", NULL };

static void
test_bulk_threshold(void **state)
{
	const char *const sets[] = { "bulk_distinct.threshold=10", "enumeration.min_run=0",
		"off_hours.threshold=0", NULL };
	char ids[16][16], buf[256];
	struct ev *evs = walk("clerk", T0, 100, 7, 10, ids);

	(void)state;
	assert_string_equal(run(sets, evs, 10, buf, sizeof buf), "bulk-distinct=10");
	assert_string_equal(run(sets, evs, 9, buf, sizeof buf), "");
	/* The same id again is not another record. */
	evs[9].ids = evs[8].ids;
	assert_string_equal(run(sets, evs, 10, buf, sizeof buf), "");
	/* Nor is a failed read counted. */
	evs[9].ids = ids[9];
	evs[9].action = "write";
	assert_string_equal(run(sets, evs, 10, buf, sizeof buf), "");
	free(evs);
	(void)quiet;
}

static void
test_window_edges(void **state)
{
	const char *const sets[] = { "bulk_distinct.threshold=10", "bulk_distinct.window=1h",
		"enumeration.min_run=0", "off_hours.threshold=0", NULL };
	char ids[16][16], buf[256];
	struct ev *evs = walk("clerk", T0, 1, 10, 10, ids);

	(void)state;
	/* Five at 08:00:00, five at 08:59:59.999: one window. */
	for (int i = 5; i < 10; i++)
		evs[i].ts = T0 + 60 * MIN - 1;
	assert_string_equal(run(sets, evs, 10, buf, sizeof buf), "bulk-distinct=10");
	/* The second five at 09:00:00: two windows of five. */
	for (int i = 5; i < 10; i++)
		evs[i].ts = T0 + 60 * MIN;
	assert_string_equal(run(sets, evs, 10, buf, sizeof buf), "");
	/* Windows step by a quarter: 08:14 and 09:00 share the window from 08:00... */
	for (int i = 0; i < 5; i++)
		evs[i].ts = T0 + 14 * MIN;
	for (int i = 5; i < 10; i++)
		evs[i].ts = T0 + 59 * MIN;
	assert_string_equal(run(sets, evs, 10, buf, sizeof buf), "bulk-distinct=10");
	/* ... but 08:14 and 09:14 share none, though they are less than an hour apart. */
	for (int i = 5; i < 10; i++)
		evs[i].ts = T0 + 74 * MIN;
	assert_string_equal(run(sets, evs, 10, buf, sizeof buf), "");
	free(evs);
}

static void
test_out_of_order(void **state)
{
	const char *const sets[] = { "bulk_distinct.threshold=10", "state.tolerance=15m",
		"enumeration.min_run=0", "off_hours.threshold=0", NULL };
	char ids[16][16], buf[256];
	struct ev *evs = walk("clerk", T0, 1, 10, 12, ids);
	bk_detectconf *c;
	bk_access *a;

	(void)state;
	/* Ten reads between 08:50 and 08:59, then someone else's at 09:40 pushes the clock on,
	 * then two of the first clerk's, logged late (08:40, 08:45), within 15 minutes. */
	for (int i = 0; i < 10; i++)
		evs[i].ts = T0 + (50 + i) * MIN;
	evs[10] = (struct ev){ .ts = T0 + 100 * MIN, .actor = "other", .ip = "10.0.0.2",
		.ids = "5" };
	evs[11].ts = T0 + 40 * MIN;
	evs[11].ids = ids[10];
	assert_string_equal(run(sets, evs, 12, buf, sizeof buf), "bulk-distinct=11");
	/* Beyond the tolerance it is counted late, in a window of its own. */
	c = conf_with((const char *const[]){ "bulk_distinct.threshold=11", "state.tolerance=5m",
	    "enumeration.min_run=0", "off_hours.threshold=0", NULL });
	a = bk_access_new(c, BK_ACCESS_DETECT, NULL, NULL, NULL);
	evs[10].ts = T0 + 200 * MIN;
	feed(a, evs, 12);
	assert_int_equal(bk_access_finish(a), BK_OK);
	assert_int_equal(bk_access_late(a), 1);
	assert_string_equal(alerts_of(a, buf, sizeof buf), "");
	bk_access_free(a);
	bk_detectconf_free(c);
	free(evs);
}

static void
test_enumeration(void **state)
{
	const char *const sets[] = { "bulk_distinct.threshold=0", "enumeration.min_run=50",
		"enumeration.max_gap=2", "off_hours.threshold=0", NULL };
	char ids[64][16], buf[256];
	struct ev *evs = walk("clerk", T0, 1001, 1, 50, ids);
	bk_detectconf *c;
	bk_access *a;
	const bk_alert *const *al;

	(void)state;
	assert_string_equal(run(sets, evs, 50, buf, sizeof buf), "enumeration=50");
	assert_string_equal(run(sets, evs, 49, buf, sizeof buf), "");
	free(evs);
	/* Steps of 2 are near-sequential; of 3 they are not. */
	evs = walk("clerk", T0, 1001, 2, 50, ids);
	assert_string_equal(run(sets, evs, 50, buf, sizeof buf), "enumeration=50");
	free(evs);
	evs = walk("clerk", T0, 1001, 3, 50, ids);
	assert_string_equal(run(sets, evs, 50, buf, sizeof buf), "");
	free(evs);
	/* Backwards is a walk too; the range and timing are reported. */
	evs = walk("clerk", T0, 1100, -1, 60, ids);
	c = conf_with(sets);
	a = bk_access_new(c, BK_ACCESS_DETECT, NULL, NULL, NULL);
	feed(a, evs, 60);
	assert_int_equal(bk_access_finish(a), BK_OK);
	assert_int_equal(bk_access_alerts(a, &al), 1);
	assert_true(al[0]->value == 60);
	assert_int_equal(al[0]->first, T0);
	assert_int_equal(al[0]->last, T0 + 59000);
	assert_string_equal(al[0]->reason,
	    "clerk (10.0.0.1) walked 60 near-sequential persons ids in 59 s, 1 a second "
	    "(threshold 50)");
	bk_access_free(a);
	bk_detectconf_free(c);
	free(evs);
}

static void
test_full_read(void **state)
{
	const struct ev evs[] = {
		{ T0, "dba", "10.0.0.9", "read", "public.persons", "select", NULL, 10000, 0, 0, NULL },
		{ T0 + 1000, "dba", "10.0.0.9", "export", "persons", "copy-out", NULL, 0, 0, 0, NULL },
		{ T0 + 2000, "dba", "10.0.0.9", "read", "app_logs", "select", NULL, 9, 0, 0, NULL },
		{ T0 + 3000, "web", "10.0.0.8", "read", "/export/persons.csv", NULL, NULL, 0, 0, -1,
		    "HEAD" },
		{ T0 + 4000, "web", "10.0.0.8", "read", "/export/persons.csv", NULL, NULL, 0, 5000, -1,
		    "GET" },
		{ T0 + 5000, "web", "10.0.0.8", "read", "persons", "select", "7", 1, 0, 1, NULL },
	};
	char buf[256];
	bk_detectconf *c = conf_with(quiet);
	bk_access *a = bk_access_new(c, BK_ACCESS_DETECT, NULL, NULL, NULL);
	const bk_alert *const *al;

	(void)state;
	feed(a, evs, sizeof evs / sizeof evs[0]);
	assert_int_equal(bk_access_finish(a), BK_OK);
	assert_string_equal(alerts_of(a, buf, sizeof buf), "full-read=2 full-read=1");
	assert_int_equal(bk_access_alerts(a, &al), 2);
	assert_string_equal(al[0]->reason, "dba (10.0.0.9) read the whole of persons 2 times "
					   "(select-all, copy-out); 10,000 rows");
	assert_int_equal(al[0]->rows, 10000);
	assert_string_equal(al[1]->reason,
	    "web (10.0.0.8) read the whole of persons 1 time (export); 5.00 kB");
	assert_int_equal(al[1]->lines[0], 5);
	bk_access_free(a);
	bk_detectconf_free(c);
}

static void
test_volume(void **state)
{
	const char *const sets[] = { "volume.rows=5000", "volume.bytes=1MB",
		"enumeration.min_run=0", "off_hours.threshold=0", NULL };
	struct ev evs[] = {
		{ T0, "app", NULL, "read", "orders", "select", NULL, 3000, 0, 1, NULL },
		{ T0 + 30 * MIN, "app", NULL, "read", "orders", "select", NULL, 2000, 0, 1, NULL },
		{ T0, "web", NULL, "read", "/reports/x", NULL, NULL, 0, 999999, -1, "GET" },
		{ T0 + MIN, "web", NULL, "read", "/reports/y", NULL, NULL, 0, 1, -1, "GET" },
	};
	char buf[256];

	(void)state;
	assert_string_equal(run(sets, evs, 4, buf, sizeof buf), "volume=5000 volume=1e+06");
	evs[1].rows = 1999;
	evs[3].bytes = 0;
	assert_string_equal(run(sets, evs, 4, buf, sizeof buf), "");
}

static void
test_off_hours(void **state)
{
	const char *const sets[] = { "off_hours.tz=Asia/Tokyo", "off_hours.hours=08:00-20:00",
		"off_hours.workdays=Mon-Fri", "off_hours.threshold=3", "enumeration.min_run=0", NULL };
	/* 10:59:59.999Z is 19:59:59.999 in Tokyo, inside; 11:00Z is 20:00, outside. */
	struct ev evs[] = {
		{ T0 + 179 * MIN + 59999, "c", NULL, NULL, NULL, NULL, "1", 0, 0, 1, NULL },
		{ T0 + 180 * MIN, "c", NULL, NULL, NULL, NULL, "2", 0, 0, 1, NULL },
		{ T0 + 181 * MIN, "c", NULL, NULL, NULL, NULL, "3", 0, 0, 1, NULL },
		{ T0 + 182 * MIN, "c", NULL, NULL, NULL, NULL, "4", 0, 0, 1, NULL },
	};
	char buf[256];

	(void)state;
	assert_string_equal(run(sets, evs, 4, buf, sizeof buf), "off-hours=3");
	/* Three reads of the same record are one record. */
	evs[3].ids = "3";
	assert_string_equal(run(sets, evs, 4, buf, sizeof buf), "");
	/* A Saturday (T0 - 2 days), at noon in Tokyo: outside business days. */
	for (int i = 0; i < 4; i++)
		evs[i].ts = T0 - 2 * 1440 * MIN - 5 * 60 * MIN + i * MIN;
	evs[3].ids = "4";
	assert_string_equal(run(sets, evs, 4, buf, sizeof buf), "off-hours=4");
}

static void
test_baseline(void **state)
{
	const char *const sets[] = { "bulk_distinct.threshold=10", "enumeration.min_run=0",
		"off_hours.threshold=0", "baseline.z=3.5", NULL };
	char ids[64][16], buf[256];
	bk_detectconf *c = conf_with(sets);
	bk_baseline *base = bk_baseline_new();
	bk_access *a;
	struct ev *evs;
	const bk_alert *const *al;

	(void)state;
	/* clerk usually reads 30 an hour (MAD 2): 31 is normal for it, 40 is not. */
	for (int h = 0; h < 10; h++)
		bk_baseline_observe(base, "clerk@10.0.0.1", "actor+ip", "distinct", 28 + h % 5);
	bk_baseline_seen_add(base, "clerk@10.0.0.1", "object", "persons", 7);
	assert_int_equal(bk_baseline_finish(base), BK_OK);
	evs = walk("clerk", T0, 1, 5, 40, ids);
	a = bk_access_new(c, BK_ACCESS_DETECT, base, NULL, NULL);
	feed(a, evs, 31);
	assert_int_equal(bk_access_finish(a), BK_OK);
	assert_string_equal(alerts_of(a, buf, sizeof buf), "");
	bk_access_free(a);
	a = bk_access_new(c, BK_ACCESS_DETECT, base, NULL, NULL);
	feed(a, evs, 40);
	assert_int_equal(bk_access_finish(a), BK_OK);
	assert_int_equal(bk_access_alerts(a, &al), 1);
	assert_string_equal(al[0]->reason, "clerk (10.0.0.1) read 40 distinct persons records "
					   "in 1 h; own median 30, peer median 30");
	assert_true(al[0]->own_mad == 1);
	bk_access_free(a);
	/* A newcomer has no own baseline and is scored against its peers; it also touches
	 * persons for the first time. */
	for (int i = 0; i < 40; i++)
		evs[i].actor = "newbie";
	a = bk_access_new(c, BK_ACCESS_DETECT, base, NULL, NULL);
	feed(a, evs, 40);
	assert_int_equal(bk_access_finish(a), BK_OK);
	assert_string_equal(alerts_of(a, buf, sizeof buf), "bulk-distinct=40 new-access=1");
	assert_int_equal(bk_access_alerts(a, &al), 2);
	assert_string_equal(al[0]->reason, "newbie (10.0.0.1) read 40 distinct persons records "
					   "in 1 h; peer median 30 (no own baseline)");
	assert_string_equal(al[1]->reason,
	    "newbie (10.0.0.1) touched persons, never touched in the baseline period");
	bk_access_free(a);
	bk_baseline_free(base);
	bk_detectconf_free(c);
	free(evs);
}

static void
test_learn(void **state)
{
	char ids[64][16];
	bk_detectconf *c = conf_with(quiet);
	bk_baseline *base = bk_baseline_new();
	bk_access *a = bk_access_new(c, BK_ACCESS_LEARN, base, NULL, NULL);
	struct ev *evs = walk("clerk", T0, 1, 1, 60, ids);
	bk_stats s;

	(void)state;
	/* 60 reads a minute apart: windows 08:00-09:00 get 60 ids. Then 5 the next hour. */
	feed(a, evs, 60);
	for (int i = 0; i < 5; i++)
		evs[i].ts = T0 + 60 * MIN + i * MIN;
	feed(a, evs, 5);
	assert_int_equal(bk_access_finish(a), BK_OK);
	assert_true(bk_baseline_entity(base, "clerk@10.0.0.1", "distinct", &s));
	assert_int_equal(s.n, 2);
	assert_true(s.median == 32.5);
	assert_true(bk_baseline_entity(base, "clerk@10.0.0.1", "active_hours", &s));
	assert_true(s.median == 2);
	assert_true(bk_baseline_seen(base, "clerk@10.0.0.1", "object", "persons", 7));
	bk_access_free(a);
	bk_baseline_free(base);
	bk_detectconf_free(c);
	free(evs);
}

static void
test_eviction(void **state)
{
	const char *const sets[] = { "bulk_distinct.threshold=3", "state.max_entities=2",
		"enumeration.min_run=0", "off_hours.threshold=0", NULL };
	const struct ev evs[] = {
		{ T0, "a", NULL, NULL, NULL, NULL, "1,2,3", 0, 0, 1, NULL },
		{ T0 + 1, "b", NULL, NULL, NULL, NULL, "1", 0, 0, 1, NULL },
		{ T0 + 2, "c", NULL, NULL, NULL, NULL, "1,2,3", 0, 0, 1, NULL },
		{ T0 + 3, "b", NULL, NULL, NULL, NULL, "2", 0, 0, 1, NULL },
	};
	char buf[256];
	bk_detectconf *c = conf_with(sets);
	bk_access *a = bk_access_new(c, BK_ACCESS_DETECT, NULL, NULL, NULL);

	(void)state;
	feed(a, evs, 4);
	assert_int_equal(bk_access_finish(a), BK_OK);
	/* "a" was evaluated when "c" came, and still alerts. */
	assert_int_equal(bk_access_evicted(a), 1);
	assert_string_equal(alerts_of(a, buf, sizeof buf), "bulk-distinct=3 bulk-distinct=3");
	bk_access_free(a);
	bk_detectconf_free(c);
}

/* The alerts of A written as records, into a malloc'd string. */
static char *
written(bk_access *a)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	bk_writer *w = bk_writer_new(mem);
	const bk_alert *const *al;
	size_t n = bk_access_alerts(a, &al);

	for (size_t i = 0; i < n; i++)
		assert_int_equal(bk_access_write_alert(a, i, w, false), BK_OK);
	bk_writer_free(w);
	fclose(mem);
	return text;
}

static void
test_state_merge(void **state)
{
	const char *const sets[] = { "bulk_distinct.threshold=20", "enumeration.min_run=15",
		"off_hours.threshold=5", "off_hours.hours=00:00-09:00", NULL };
	char ids[64][16], *one, *merged, *st = NULL;
	size_t stlen = 0;
	struct ev *evs = walk("clerk", T0 + 200 * MIN, 1, 1, 40, ids);
	bk_detectconf *c = conf_with(sets);
	bk_access *a;
	FILE *mem;
	bk_writer *w;
	bk_input *in;
	bk_reader *rd;
	const bk_record *rec;

	(void)state;
	evs[3].stmt = "copy-out";
	evs[3].action = "export";
	a = bk_access_new(c, BK_ACCESS_DETECT, NULL, NULL, NULL);
	feed(a, evs, 40);
	assert_int_equal(bk_access_finish(a), BK_OK);
	one = written(a);
	bk_access_free(a);
	/* Three parts, each to state records, merged. */
	mem = open_memstream(&st, &stlen);
	w = bk_writer_new(mem);
	for (int p = 0; p < 3; p++) {
		size_t from = (size_t)p * 15, n = p < 2 ? 15 : 10;

		a = bk_access_new(c, BK_ACCESS_STATE, NULL, w, NULL);
		feed(a, evs + from, n);
		assert_int_equal(bk_access_finish(a), BK_OK);
		bk_access_free(a);
	}
	bk_writer_free(w);
	fclose(mem);
	a = bk_access_new(c, BK_ACCESS_DETECT, NULL, NULL, NULL);
	in = bk_input_new();
	rd = bk_reader_new();
	{
		char *path = tu_write(tu_dir, "state.json", st, stlen);

		assert_int_equal(bk_input_open(in, path), BK_OK);
		free(path);
	}
	bk_reader_reset(rd, in);
	while (bk_reader_next(rd, &rec) == BK_OK)
		assert_int_equal(bk_access_merge(a, rec), BK_OK);
	bk_input_close(in);
	assert_int_equal(bk_access_finish(a), BK_OK);
	merged = written(a);
	assert_non_null(strstr(one, "\"detector\":\"enumeration\""));
	assert_non_null(strstr(one, "\"detector\":\"full-read\""));
	assert_non_null(strstr(one, "\"detector\":\"bulk-distinct\""));
	assert_non_null(strstr(one, "\"detector\":\"off-hours\""));
	assert_string_equal(one, merged);
	assert_int_equal(bk_access_events(a), 40);
	bk_access_free(a);
	bk_reader_free(rd);
	bk_input_free(in);
	bk_detectconf_free(c);
	free(one);
	free(merged);
	free(st);
	free(evs);
}

/*
 * Events made ready in batches (bk_access_batch_add) and counted from a
 * copy of their bytes give the alerts, counts and state records that
 * bk_access_add gives, whatever the batches' sizes: skipped events, reads
 * that fail, several ids, URLs and tables, a second file, a name past the
 * 500 bytes kept.
 */
static void
test_batch(void **state)
{
	const char *const sets[] = { "bulk_distinct.threshold=20", "enumeration.min_run=15",
		"off_hours.threshold=5", "off_hours.hours=00:00-09:00", NULL };
	char ids[64][16], longname[700], *one, *state_one = NULL, *state_two = NULL;
	size_t stlen = 0, n = 60;
	struct ev *evs = walk("clerk", T0 + 200 * MIN, 1, 1, (int)n, ids);
	bk_detectconf *c = conf_with(sets);
	bk_access *a;

	(void)state;
	memset(longname, 'x', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	evs[3].stmt = "copy-out";
	evs[3].action = "export";
	evs[5].actor = evs[5].ip = NULL;		/* no entity: skipped */
	evs[7].ts = BK_EVENT_NONE;			/* no time: skipped */
	evs[9].action = "write";			/* not a read */
	evs[11].ids = "7,8,x9";				/* three ids, one not a number */
	evs[13].object = "/api/persons/14";
	evs[15].object = "/api/persons/16?full=1";
	evs[17].actor = longname;
	evs[19].ids = NULL;
	for (size_t i = 40; i < n; i++)
		evs[i].actor = "other";
	for (int mode = 0; mode < 2; mode++) {
		enum bk_access_mode m = mode == 0 ? BK_ACCESS_DETECT : BK_ACCESS_STATE;
		FILE *mem = NULL;
		bk_writer *w = NULL;
		char *text = NULL;

		if (m == BK_ACCESS_STATE) {
			mem = open_memstream(&state_one, &stlen);
			w = bk_writer_new(mem);
		}
		a = bk_access_new(c, m, NULL, w, NULL);
		for (size_t k = 0; k < n; k++) {
			bk_span sp[64];
			bk_event ev;

			make_event(&evs[k], k, &ev, sp);
			if (k >= 30)
				ev.file = "u.log";
			assert_int_equal(bk_access_add(a, &ev), BK_OK);
		}
		assert_int_equal(bk_access_finish(a), BK_OK);
		one = m == BK_ACCESS_DETECT ? written(a) : NULL;
		assert_int_equal(bk_access_skipped(a), 2);
		bk_access_free(a);
		if (w != NULL) {
			bk_writer_free(w);
			fclose(mem);
		}
		/* Batches of 1, 7 and all the events. */
		for (size_t per = 1; per <= n; per = per == 1 ? 7 : per == 7 ? n : n + 1) {
			bk_access_batch *b = bk_access_batch_new();

			assert_non_null(b);
			if (m == BK_ACCESS_STATE) {
				mem = open_memstream(&state_two, &stlen);
				w = bk_writer_new(mem);
			}
			a = bk_access_new(c, m, NULL, w, NULL);
			for (size_t i = 0; i < n; i += per) {
				const void *data;
				size_t len;
				uint64_t line = 99;
				void *copy;

				bk_access_batch_clear(b);
				for (size_t k = i; k < i + per && k < n; k++) {
					bk_span sp[64];
					bk_event ev;

					make_event(&evs[k], k, &ev, sp);
					if (k >= 30)
						ev.file = "u.log";
					assert_int_equal(bk_access_batch_add(b, a, &ev), BK_OK);
				}
				data = bk_access_batch_data(b, &len);
				copy = malloc(len + 1);
				memcpy(copy, data, len);
				assert_int_equal(bk_access_add_batch(a, copy, len, &line), BK_OK);
				assert_int_equal(line, 0);
				free(copy);
			}
			assert_int_equal(bk_access_finish(a), BK_OK);
			assert_int_equal(bk_access_events(a), n);
			assert_int_equal(bk_access_skipped(a), 2);
			if (m == BK_ACCESS_DETECT) {
				text = written(a);
				assert_non_null(strstr(one, "\"detector\":\"enumeration\""));
				assert_non_null(strstr(one, "\"detector\":\"full-read\""));
				assert_non_null(strstr(one, "\"detector\":\"bulk-distinct\""));
				assert_non_null(strstr(one, "\"detector\":\"off-hours\""));
				assert_non_null(strstr(one, "u.log"));
				assert_string_equal(one, text);
			}
			bk_access_free(a);
			if (w != NULL) {
				bk_writer_free(w);
				fclose(mem);
				assert_non_null(strstr(state_one, "u.log"));
				assert_string_equal(state_one, state_two);
				free(state_two);
				state_two = NULL;
			}
			free(text);
			bk_access_batch_free(b);
		}
		free(one);
		free(state_one);
		state_one = NULL;
	}
	/* Bytes that are not a batch's are refused, not read past their end. */
	{
		bk_access_batch *b = bk_access_batch_new();
		bk_span sp[64];
		bk_event ev;
		const void *data;
		size_t len;
		uint64_t line;

		a = bk_access_new(c, BK_ACCESS_DETECT, NULL, NULL, NULL);
		make_event(&evs[0], 0, &ev, sp);
		assert_int_equal(bk_access_batch_add(b, a, &ev), BK_OK);
		data = bk_access_batch_data(b, &len);
		assert_int_equal(bk_access_add_batch(a, data, len - 1, &line), BK_ERROR);
		assert_int_equal(bk_access_add_batch(a, data, 3, &line), BK_ERROR);
		assert_int_equal(bk_access_add_batch(a, data, 0, &line), BK_OK);
		bk_access_free(a);
		bk_access_batch_free(b);
	}
	bk_detectconf_free(c);
	free(evs);
}

/*
 * A NUL byte in a URL (raw logs keep them) is left out of the collection's
 * name, which is then the same name however the events come (one by one
 * or in batches) and written whole.
 */
static void
test_nul_in_object(void **state)
{
	const char *const sets[] = { "bulk_distinct.threshold=10", "enumeration.min_run=0",
		"off_hours.threshold=0", NULL };
	static const char obj[] = "/api/per\0sons/";
	char ids[16][16], url[16][32], *text[2];
	struct ev *evs = walk("clerk", T0, 100, 7, 10, ids);
	bk_detectconf *c = conf_with(sets);

	(void)state;
	for (int way = 0; way < 2; way++) {
		bk_access *a = bk_access_new(c, BK_ACCESS_DETECT, NULL, NULL, NULL);
		bk_access_batch *b = bk_access_batch_new();
		const void *data;
		size_t len;
		uint64_t line;

		for (size_t i = 0; i < 10; i++) {
			bk_span sp[64];
			bk_event ev;
			size_t n = sizeof obj - 1, k = strlen(ids[i]);

			make_event(&evs[i], i, &ev, sp);
			memcpy(url[i], obj, n);
			memcpy(url[i] + n, ids[i], k);
			ev.str[BK_EV_OBJECT] = (bk_span){ url[i], n + k };
			if (way == 0)
				assert_int_equal(bk_access_add(a, &ev), BK_OK);
			else
				assert_int_equal(bk_access_batch_add(b, a, &ev), BK_OK);
		}
		data = bk_access_batch_data(b, &len);
		assert_int_equal(bk_access_add_batch(a, data, len, &line), BK_OK);
		assert_int_equal(bk_access_finish(a), BK_OK);
		text[way] = written(a);
		bk_access_free(a);
		bk_access_batch_free(b);
	}
	assert_non_null(strstr(text[0], "\"object\":\"persons\""));
	assert_non_null(strstr(text[0], "10 distinct persons records"));
	assert_string_equal(text[0], text[1]);
	free(text[0]);
	free(text[1]);
	bk_detectconf_free(c);
	free(evs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bulk_threshold),
		cmocka_unit_test(test_window_edges),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_enumeration),
		cmocka_unit_test(test_full_read),
		cmocka_unit_test(test_volume),
		cmocka_unit_test(test_off_hours),
		cmocka_unit_test(test_baseline),
		cmocka_unit_test(test_learn),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_state_merge),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_nul_in_object),
	};

	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
