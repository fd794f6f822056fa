/*
 * test_exfil.c - unit tests of lib/exfil.c and lib/exfil-agg.c on
 * constructed series: a perfect beacon, a jittered one, one with gaps and
 * extra connections, a person browsing (must not score); DNS tunnel names
 * against long but legitimate CDN names; registered domains; archives
 * named whole and in parts; the allow-list; and the detectors end to end on
 * made-up events (an archive upload, an allow-listed backup), and within a
 * small pair bound (quiet pairs evicted, a beacon that outgrows its samples
 * and an upload too big for them still found).
 */
#include "testutil.h"

#include <math.h>

/* A small deterministic generator, so the series are the same on every machine. */
static uint64_t rng_state;

static double
rnd(void)
{
	rng_state = rng_state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return (double)(rng_state >> 11) / 9007199254740992.0;
}

#define T0 INT64_C(1795351755000)	/* 2026-11-22T12:49:15Z */
#define HOUR INT64_C(3600000)

/* ---- beacons ------------------------------------------------------------- */

static void
test_perfect_beacon(void **state)
{
	int64_t ts[288], sz[288];
	bk_beacon b;

	(void)state;
	/* Every 5 minutes for a day, 290 bytes each. */
	for (int i = 0; i < 288; i++) {
		ts[i] = T0 + (int64_t)i * 300000;
		sz[i] = 290;
	}
	assert_int_equal(bk_beacon_analyze(ts, sz, 288, NULL, T0, T0 + 24 * HOUR, &b), BK_OK);
	assert_true(b.score > 0.99);
	assert_true(fabs(b.period - 300) < 1e-9);
	assert_true(b.jitter == 0);
	assert_true(b.ts_skew == 0 && b.ds_skew == 0);
	assert_true(b.size == 290);
	/* Order does not matter. */
	{
		int64_t t = ts[3];

		ts[3] = ts[200];
		ts[200] = t;
	}
	assert_int_equal(bk_beacon_analyze(ts, sz, 288, NULL, T0, T0 + 24 * HOUR, &b), BK_OK);
	assert_true(b.score > 0.99);
	/* Too few connections to say anything. */
	assert_int_equal(bk_beacon_analyze(ts, sz, 2, NULL, T0, T0 + 24 * HOUR, &b), BK_OK);
	assert_true(b.score == 0);
}

static void
test_jittered_beacon(void **state)
{
	int64_t ts[500], sz[500];
	bk_beacon b;

	(void)state;
	rng_state = 1;
	/* 60 s +- 10 s uniformly, sizes 300..340. */
	ts[0] = T0;
	for (int i = 1; i < 500; i++)
		ts[i] = ts[i - 1] + 50000 + (int64_t)(rnd() * 20000);
	for (int i = 0; i < 500; i++)
		sz[i] = 300 + (int64_t)(rnd() * 40);
	assert_int_equal(bk_beacon_analyze(ts, sz, 500, NULL, ts[0], ts[499], &b), BK_OK);
	assert_true(b.score > 0.85);
	assert_true(fabs(b.period - 60) < 2);
	assert_true(b.jitter > 3 && b.jitter < 7);
}

static void
test_beacon_gaps(void **state)
{
	int64_t ts[400], sz[400];
	size_t n = 0;
	bk_beacon b;

	(void)state;
	rng_state = 7;
	/* Every 2 minutes, but the laptop sleeps 20:00-08:00 over three days, and
	 * the user opens the same site by hand a few times. */
	for (int64_t t = T0; t < T0 + 72 * HOUR && n < 390; t += 120000) {
		int hour = (int)((t / HOUR) % 24);

		if (hour >= 20 || hour < 8)
			continue;
		ts[n] = t;
		sz[n++] = 512;
	}
	for (int i = 0; i < 8; i++) {
		ts[n] = T0 + (int64_t)(rnd() * 72 * HOUR);
		sz[n++] = 20000 + (int64_t)(rnd() * 50000);
	}
	assert_int_equal(bk_beacon_analyze(ts, sz, n, NULL, T0, T0 + 72 * HOUR, &b), BK_OK);
	assert_true(b.score > 0.85);
	assert_true(fabs(b.period - 120) < 1);
}

static void
test_human_browsing(void **state)
{
	int64_t ts[300], sz[300], t = T0;
	bk_beacon b;

	(void)state;
	rng_state = 42;
	/* Bursts of page loads (a page and its parts within seconds), then reading for minutes. */
	for (int i = 0; i < 300; i++) {
		if (rnd() < 0.3)
			t += (int64_t)(-log(1 - rnd()) * 240000);	/* reading */
		else
			t += (int64_t)(rnd() * 3000);			/* the page's parts */
		ts[i] = t;
		sz[i] = 500 + (int64_t)(-log(1 - rnd()) * 30000);
	}
	assert_int_equal(bk_beacon_analyze(ts, sz, 300, NULL, T0, T0 + 24 * HOUR, &b), BK_OK);
	assert_true(b.score < 0.6);
}

static void
test_bowley(void **state)
{
	double sym[] = { 1, 2, 3, 4, 5 }, right[] = { 1, 1, 1, 2, 10, 20, 30 }, same[] = { 4, 4, 4 };

	(void)state;
	assert_true(fabs(bk_bowley(sym, 5)) < 1e-12);
	assert_true(bk_bowley(right, 7) > 0.5);
	assert_true(bk_bowley(same, 3) == 0);
}

/* ---- DNS ----------------------------------------------------------------- */

static void
expect_domain(const char *name, const char *want)
{
	bk_span s = bk_registered_domain(name, strlen(name));

	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.ptr, want, s.len);
}

static void
test_registered_domain(void **state)
{
	(void)state;
	expect_domain("www.example.com", "example.com");
	expect_domain("example.com", "example.com");
	expect_domain("a.b.c.example.com.", "example.com");
	expect_domain("www.nenkin.go.jp", "nenkin.go.jp");
	expect_domain("mail.example.co.jp", "example.co.jp");
	expect_domain("x.y.provider.NE.JP", "provider.NE.JP");
	expect_domain("shop.example.or.jp", "example.or.jp");
	expect_domain("news.bbc.co.uk", "bbc.co.uk");
	expect_domain("www.abc.net.au", "abc.net.au");
	expect_domain("cdn.example.com.au", "example.com.au");
	expect_domain("co.jp", "co.jp");
	expect_domain("localhost", "localhost");
	expect_domain("203.0.113.7", "203.0.113.7");
	expect_domain("2001:db8::1", "2001:db8::1");
}

static void
test_entropy(void **state)
{
	(void)state;
	assert_true(bk_entropy("", 0) == 0);
	assert_true(bk_entropy("aaaa", 4) == 0);
	assert_true(fabs(bk_entropy("abab", 4) - 1) < 1e-12);
	assert_true(fabs(bk_entropy("0123456789abcdef", 16) - 4) < 1e-12);
}

/* ---- archives ------------------------------------------------------------ */

static void
expect_archive(const char *s, const char *kind, bool part)
{
	bool p = !part;
	const char *k = bk_archive_kind(s, strlen(s), &p);

	if (kind == NULL) {
		assert_null(k);
		return;
	}
	assert_non_null(k);
	assert_string_equal(k, kind);
	assert_true(p == part);
}

static void
test_archive(void **state)
{
	(void)state;
	expect_archive("/upload/data.rar", "rar", false);
	expect_archive("/api/v1/put?name=part1.rar", "rar", false);
	expect_archive("/files/backup.part3.rar", "rar", true);
	expect_archive("/f/x.R01", "rar", true);
	expect_archive("/f/x.7z.001", "7z", true);
	expect_archive("/f/x.zip.002?sig=abc", "zip", true);
	expect_archive("/f/x.z03", "zip", true);
	expect_archive("/dump.TAR.GZ", "gz", false);
	expect_archive("/x.tgz", "gz", false);
	expect_archive("/setup.cab", "cab", false);
	expect_archive("/index.html", NULL, false);
	expect_archive("/api/v1/put", NULL, false);
	expect_archive("/rar", NULL, false);
	expect_archive("/.zip", NULL, false);
	expect_archive("/report.001", NULL, false);
	assert_string_equal(bk_archive_mime("application/x-rar-compressed", 28), "rar");
	assert_string_equal(bk_archive_mime("application/zip; charset=binary", 31), "zip");
	assert_null(bk_archive_mime("application/octet-stream", 24));
}

/* ---- allow-list ---------------------------------------------------------- */

static void
test_allow(void **state)
{
	bk_allow *a = bk_allow_new();
	char *path, *err = NULL;
	FILE *f;

	(void)state;
	assert_non_null(a);
	assert_true(asprintf(&path, "%s/allow", tu_dir) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("# backups and updates\n10.9.0.0/16\n\n  2001:db8::/32\nbackup.example.com\n"
	      "*.windowsupdate.example\nua:Veeam Agent\n", f);
	fclose(f);
	assert_int_equal(bk_allow_load(a, path, &err), BK_OK);
	assert_null(err);
	assert_int_equal(bk_allow_count(a), 5);
	assert_true(bk_allow_addr(a, "10.9.3.4", 8));
	assert_false(bk_allow_addr(a, "10.10.3.4", 9));
	assert_true(bk_allow_addr(a, "2001:db8::5", 11));
	assert_false(bk_allow_addr(a, "backup.example.com", 18));
	assert_true(bk_allow_host(a, "backup.example.com", 18));
	assert_true(bk_allow_host(a, "eu.backup.example.com", 21));
	assert_false(bk_allow_host(a, "notbackup.example.com", 21));
	assert_true(bk_allow_host(a, "dl.windowsupdate.example", 24));
	assert_true(bk_allow_host(a, "windowsupdate.example", 21));
	assert_true(bk_allow_agent(a, "Mozilla/5.0 veeam agent/12", 26));
	assert_false(bk_allow_agent(a, "curl/7.88.1", 11));

	f = fopen(path, "w");
	fputs("10.0.0.0/8\nhttp://bad entry\n", f);
	fclose(f);
	assert_int_equal(bk_allow_load(a, path, &err), BK_ERROR);
	assert_non_null(err);
	assert_non_null(strstr(err, "allow:2: not an address, network, host or ua: entry: "
				    "'http://bad entry'"));
	free(err);
	free(path);
	bk_allow_free(a);
}


/* ---- the detectors on constructed events ---------------------------------- */

struct got {
	char detectors[8][128];
	int64_t window[8];
	size_t n;
};

static int
collect(void *ctx, const bk_exfil_incident *inc)
{
	struct got *g = ctx;

	if (g->n < 8) {
		snprintf(g->detectors[g->n], sizeof g->detectors[0], "%s %s %s", inc->alert.detector,
			 inc->alert.ip, inc->alert.dst != NULL ? inc->alert.dst : "-");
		g->window[g->n] = inc->window_bytes;
		g->n++;
	}
	return 0;
}

/* A detector with the shipped defaults, and SET ("key=value", may be NULL) over them. */
static bk_exfil *
new_exfil_set(const char *const *set)
{
	size_t n;
	const bk_conf_key *keys = bk_exfil_conf_keys(&n);
	bk_detectconf *c = bk_detectconf_new(keys, n, NULL);
	char *err = NULL;
	bk_exfil *x;

	assert_non_null(c);
	for (size_t i = 0; set != NULL && set[i] != NULL; i++)
		assert_int_equal(bk_detectconf_set_arg(c, set[i]), BK_OK);
	x = bk_exfil_new(c, &err);
	assert_non_null(x);
	bk_detectconf_free(c);
	return x;
}

static bk_exfil *
new_exfil(void)
{
	return new_exfil_set(NULL);
}

static void
event(bk_exfil *x, int64_t ts, const char *ip, const char *dst, const char *action,
      const char *method, const char *object, int64_t in)
{
	bk_event ev;

	bk_event_clear(&ev);
	ev.file = "t.log";
	ev.line = 1;
	ev.ts = ts;
	ev.str[BK_EV_IP] = (bk_span){ ip, strlen(ip) };
	ev.str[BK_EV_DST] = (bk_span){ dst, strlen(dst) };
	if (action != NULL)
		ev.str[BK_EV_ACTION] = (bk_span){ action, strlen(action) };
	if (method != NULL)
		ev.str[BK_EV_METHOD] = (bk_span){ method, strlen(method) };
	if (object != NULL)
		ev.str[BK_EV_OBJECT] = (bk_span){ object, strlen(object) };
	ev.bytes_in = in;
	assert_true(bk_exfil_add(x, &ev) >= 0);
}

static void
test_dns_tunnel_vs_cdn(void **state)
{
	bk_exfil *x = new_exfil();
	struct got g = { .n = 0 };
	char name[256], label[64];

	(void)state;
	rng_state = 3;
	for (int i = 0; i < 400; i++) {
		/* A tunnel: 48 base32 characters of data per query. */
		for (int k = 0; k < 48; k++)
			label[k] = "abcdefghijklmnopqrstuvwxyz234567"[(int)(rnd() * 32)];
		label[48] = '\0';
		snprintf(name, sizeof name, "%s.%d.t.exfil-tunnel.co.jp", label, i);
		event(x, T0 + i * 1000, "10.0.0.9", name, "dns", NULL, name, BK_EVENT_NONE);
		/* CDN names: long and hashed, but a few dozen hosts asked again and again. */
		snprintf(name, sizeof name, "r%d---sn-5hne6nsz%02d.googlevideo.com", i % 30, i % 7);
		event(x, T0 + i * 1000, "10.0.0.8", name, "dns", NULL, name, BK_EVENT_NONE);
		snprintf(name, sizeof name, "e%06d.dscb.akamaiedge-cdn.net", (i * 7919) % 90);
		event(x, T0 + i * 1000, "10.0.0.8", name, "dns", NULL, name, BK_EVENT_NONE);
	}
	assert_int_equal(bk_exfil_incidents(x, collect, &g), 1);
	assert_string_equal(g.detectors[0], "dns-tunnel 10.0.0.9 exfil-tunnel.co.jp");
	bk_exfil_free(x);
}

static void
test_archive_parts_and_backup(void **state)
{
	bk_exfil *x = new_exfil();
	bk_allow *a = bk_allow_new();
	struct got g = { .n = 0 };
	char obj[64];

	(void)state;
	assert_int_equal(bk_allow_add(a, "backup.example.com", 18), BK_OK);
	bk_exfil_set_allow(x, a);
	/* Five ordinary sources so that rarity means something. */
	for (int i = 0; i < 5; i++) {
		char ip[16];

		snprintf(ip, sizeof ip, "10.0.1.%d", i + 1);
		event(x, T0 + i * 60000, ip, "www.example.com", "read", "GET", "/", 400);
	}
	/* A workstation sends a split archive; the backup server sends 20 GB, allowed. */
	for (int i = 0; i < 4; i++) {
		snprintf(obj, sizeof obj, "/u/dump.part%d.rar", i + 1);
		event(x, T0 + HOUR + i * 60000, "10.0.2.7", "files.example.net", "upload", "PUT", obj,
		      700000);
		event(x, T0 + HOUR + i * 60000, "10.0.3.1", "backup.example.com", "upload", "PUT",
		      "/vault/full.tar.gz", INT64_C(5000000000));
	}
	assert_int_equal(bk_exfil_incidents(x, collect, &g), 1);
	assert_string_equal(g.detectors[0], "archive-upload 10.0.2.7 files.example.net");
	bk_exfil_free(x);
	bk_allow_free(a);
}

static void
test_pair_bound(void **state)
{
	static const char *const set[] = { "limits.max_pairs=4", "beacon.max_samples=200", NULL };
	bk_exfil *x = new_exfil_set(set);
	struct got g = { .n = 0 };
	bk_exfil_counts c;
	char ip[16], obj[64];

	(void)state;
	/* A beacon every 5 minutes for a day: 288 connections, 200 samples kept. */
	for (int i = 0; i < 288; i++)
		event(x, T0 + i * 300000, "10.0.9.9", "c2.example", "read", "GET", "/c", 300);
	/* Twenty sources that each look at one page once: quiet, evicted at the bound. */
	for (int i = 0; i < 20; i++) {
		snprintf(ip, sizeof ip, "10.0.1.%d", i + 1);
		event(x, T0 + i * 60000, ip, "www.example.com", "read", "GET", "/", 400);
	}
	/* An archive in parts to a host no one else uses, and one upload of 5 GB. */
	for (int i = 0; i < 4; i++) {
		snprintf(obj, sizeof obj, "/u/dump.part%d.rar", i + 1);
		event(x, T0 + HOUR + i * 60000, "10.0.2.7", "files.example.net", "upload", "PUT", obj,
		      700000);
	}
	event(x, T0 + 2 * HOUR, "10.0.4.4", "big.example", "upload", "PUT", "/x.bin",
	      INT64_C(5000000000));
	bk_exfil_get_counts(x, &c);
	assert_true(c.evicted >= 16);
	assert_int_equal(c.evicted_events, c.evicted);
	assert_int_equal(c.dropped, 0);
	assert_int_equal(bk_exfil_incidents(x, collect, &g), 3);
	assert_string_equal(g.detectors[0], "archive-upload 10.0.2.7 files.example.net");
	assert_string_equal(g.detectors[1], "archive-upload 10.0.4.4 big.example");
	/* The 5 GB counted whole in the hourly window, not as a sample clamped at 4 GiB. */
	assert_int_equal(g.window[1], INT64_C(5000000000));
	assert_string_equal(g.detectors[2], "beacon 10.0.9.9 c2.example");
	bk_exfil_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_perfect_beacon),
		cmocka_unit_test(test_jittered_beacon),
		cmocka_unit_test(test_beacon_gaps),
		cmocka_unit_test(test_human_browsing),
		cmocka_unit_test(test_bowley),
		cmocka_unit_test(test_registered_domain),
		cmocka_unit_test(test_entropy),
		cmocka_unit_test(test_archive),
		cmocka_unit_test(test_allow),
		cmocka_unit_test(test_dns_tunnel_vs_cdn),
		cmocka_unit_test(test_archive_parts_and_backup),
		cmocka_unit_test(test_pair_bound),
	};

	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
