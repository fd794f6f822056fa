/*
 * test_format.c - unit tests of the format engine (lib/format.c) and the
 * directive compilers (lib/format-directive.c).
 *
 * Lines go through a parser and the events come back as JSON, compared
 * whole; layouts are compiled straight from each notation to check each
 * variable, code and escape; bad input (garbage, every cut of a good
 * line, a 100 MB line) must give "unparsed", never a crash.
 */
#include "testutil.h"

#include <sys/stat.h>

#include "event.h"
#include "format-private.h"
#include "sql.h"

static bk_formats *fs;

static int
setup(void **state)
{
	const char *dirs[] = { BK_SRCDIR "/patterns" };
	char *err = NULL;

	tu_setup_dir(state);
	fs = bk_formats_load(dirs, 1, &err);
	if (fs == NULL)
		fprintf(stderr, "%s\n", err != NULL ? err : "out of memory");
	return fs == NULL;
}

static int
teardown(void **state)
{
	bk_formats_free(fs);
	return tu_teardown_dir(state);
}

static int
to_json(void *ctx, const bk_event *ev)
{
	return bk_event_write(ctx, ev) == BK_OK ? 0 : 1;
}

/* The JSON events format NAME gives for LINE (one line), or NULL when it does not parse. */
static char *
parse(const char *name, const char *line, size_t len)
{
	char *text = NULL, *err = NULL;
	size_t n = 0;
	FILE *mem = open_memstream(&text, &n);
	bk_writer *w = bk_writer_new(mem);
	bk_parser *p = bk_parser_new(fs, name, NULL, &err);
	int rc;

	assert_non_null(p);
	bk_parser_begin(p, "t");
	rc = bk_parser_line(p, line, len, 1, to_json, w);
	assert_int_equal(bk_parser_finish(p, to_json, w), BK_OK);
	bk_parser_free(p);
	bk_writer_free(w);
	fclose(mem);
	if (rc != BK_OK) {
		assert_int_equal(rc, 1);
		assert_int_equal(n, 0);
		free(text);
		return NULL;
	}
	return text;
}

static void
assert_parses(const char *name, const char *line, const char *want)
{
	char *got = parse(name, line, strlen(line));

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void
test_names(void **state)
{
	const char *const *n = bk_formats_names(fs);
	size_t k = 0;

	(void)state;
	for (; n[k] != NULL; k++)
		if (k > 0)
			assert_true(strcmp(n[k - 1], n[k]) < 0);
	assert_true(k >= 10);
	assert_non_null(bk_formats_example(fs, "nginx"));
	assert_null(bk_formats_example(fs, "nosuch"));
	assert_string_equal(bk_formats_notation(fs, "squid"), "squid");
	assert_null(bk_formats_notation(fs, "syslog"));
}

static void
test_nginx_escapes(void **state)
{
	const char *line;

	(void)state;
	/* \x22 is a quote inside the field; \x5C a backslash; a raw backslash stays. */
	assert_parses("nginx",
	    "10.0.0.1 - bob [22/Nov/2026:10:00:00 +0000] \"GET /a?id=7 HTTP/1.1\" 200 0 \"-\" "
	    "\"say \\x22hi\\x22 \\x5C \\q\"",
	    "{\"type\":\"event\",\"ts\":\"2026-11-22T10:00:00.000Z\",\"format\":\"nginx\","
	    "\"file\":\"t\",\"line\":1,\"actor\":\"bob\",\"ip\":\"10.0.0.1\",\"action\":\"read\","
	    "\"object\":\"/a\",\"ids\":[\"7\"],\"bytes_out\":0,\"status\":200,\"method\":\"GET\","
	    "\"protocol\":\"HTTP/1.1\",\"user_agent\":\"say \\\"hi\\\" \\\\ \\\\q\"}\n");
	/* nginx never logs "-" for its numbers: such a line is Apache's, not nginx's. */
	line = "10.0.0.1 - - [22/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 304 - \"-\" \"x\"";
	assert_null(parse("nginx", line, strlen(line)));
}

static void
test_apache_escapes(void **state)
{
	(void)state;
	assert_parses("apache",
	    "10.0.0.1 - - [22/Nov/2026:10:00:00 +0000] \"GET /q?x=\\\"a\\\" HTTP/1.1\" 304 - "
	    "\"-\" \"ua \\\\ \\\"z\\\"\"",
	    "{\"type\":\"event\",\"ts\":\"2026-11-22T10:00:00.000Z\",\"format\":\"apache\","
	    "\"file\":\"t\",\"line\":1,\"ip\":\"10.0.0.1\",\"action\":\"read\",\"object\":\"/q\","
	    "\"status\":304,\"method\":\"GET\",\"protocol\":\"HTTP/1.1\","
	    "\"user_agent\":\"ua \\\\ \\\"z\\\"\"}\n");
}

/* Every cut of a good line, and garbage: unparsed or parsed, never a crash. */
static void
test_truncated_and_garbage(void **state)
{
	const char *names[] = { "nginx", "apache", "squid", "syslog", "samba", "nginx-json" };
	const char *lines[] = {
		"203.0.113.7 - alice [22/Nov/2026:10:00:00 +0900] \"GET /api/persons/1234 HTTP/1.1\" "
		"200 5120 \"-\" \"curl/8.5.0\" 0.1 0.2 300",
		"1795309200.123    245 192.168.10.21 TCP_MISS/200 5120 GET http://h/a alice "
		"HIER_DIRECT/1.2.3.4 text/html",
		"Nov 22 11:00:01 fs01 smbd_audit: a|1.2.3.4|m|s|openat|ok|r|x",
		"\"\"\"\\\\\\\\[[[]]]]    ---- %%%% $$$$ \x01\x02\xff\xfe",
	};
	const char *line;

	(void)state;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		for (size_t l = 0; l < sizeof lines / sizeof lines[0]; l++)
			for (size_t cut = 0; cut <= strlen(lines[l]); cut++) {
				char *copy = malloc(cut + 1);	/* exact size: ASan sees overreads */

				memcpy(copy, lines[l], cut);
				free(parse(names[i], copy, cut));
				free(copy);
			}
	line = "203.0.113.7 - alice [22/Nov/2026:10:00:00 +0900] \"GET / HTTP/1.1\" 200 5120 \"-";
	assert_null(parse("nginx", line, strlen(line)));
}

static void
test_huge_line(void **state)
{
	size_t n = (size_t)100 << 20;
	char *line = malloc(n);
	const char *head = "10.0.0.1 - - [22/Nov/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"";
	char *got;

	(void)state;
	assert_non_null(line);
	memset(line, 'a', n);
	assert_null(parse("nginx", line, n));
	free(parse("syslog", line, n));
	/* A valid line with a 100 MB user agent. */
	memcpy(line, head, strlen(head));
	line[n - 1] = '"';
	got = parse("nginx", line, n);
	assert_non_null(got);
	assert_true(strlen(got) > n - 1000);
	free(got);
	free(line);
}

static void
test_compile(void **state)
{
	struct bk__layout lo;
	char *err = NULL;
	const char *text;

	(void)state;
	memset(&lo, 0, sizeof lo);
	text = "$remote_addr$status";
	assert_int_equal(bk__layout_compile(&lo, BK__NOTE_NGINX, BK__ESC_HEX, text, strlen(text), &err),
	    BK_ERROR);
	assert_string_equal(err, "$status follows the previous field with nothing between them");
	free(err);
	text = "${remote_addr";
	assert_int_equal(bk__layout_compile(&lo, BK__NOTE_NGINX, BK__ESC_HEX, text, strlen(text), &err),
	    BK_ERROR);
	assert_string_equal(err, "unterminated ${...} at column 1");
	free(err);
	text = "%h %{Referer";
	assert_int_equal(bk__layout_compile(&lo, BK__NOTE_APACHE, BK__ESC_BACKSLASH, text, strlen(text),
	    &err), BK_ERROR);
	free(err);
	text = "%>a %zz";
	assert_int_equal(bk__layout_compile(&lo, BK__NOTE_SQUID, BK__ESC_BACKSLASH, text, strlen(text),
	    &err), BK_ERROR);
	assert_string_equal(err, "unknown Squid format code %zz");
	free(err);
	/* Apache: %t brings its brackets; quoted fields know their escaping. */
	text = "%h %t \"%r\" %>s %b %{X-Forwarded-For}i";
	assert_int_equal(bk__layout_compile(&lo, BK__NOTE_APACHE, BK__ESC_BACKSLASH, text, strlen(text),
	    &err), BK_OK);
	assert_int_equal(lo.n, 6);
	assert_string_equal(lo.f[0].lit, " [");
	assert_int_equal(lo.f[1].target, BK__T_TS);
	assert_string_equal(lo.f[1].lit, "] \"");
	assert_true(lo.f[2].quoted);
	assert_int_equal(lo.f[2].target, BK__T_REQUEST);
	assert_int_equal(lo.f[5].target, BK__T_EXTRA);
	assert_string_equal(lo.f[5].name, "x_forwarded_for");
	bk__layout_free(&lo);
	/* Squid: %ts.%03tu is one time; widths pad. */
	text = "%ts.%03tu %6tr %>a %>st";
	assert_int_equal(bk__layout_compile(&lo, BK__NOTE_SQUID, BK__ESC_BACKSLASH, text, strlen(text),
	    &err), BK_OK);
	assert_int_equal(lo.n, 4);
	assert_int_equal(lo.f[0].target, BK__T_TS);
	assert_true(lo.f[1].pad);
	assert_int_equal(lo.f[3].target, BK__T_BYTES_IN);
	bk__layout_free(&lo);
}

static void
test_define(void **state)
{
	char *err = NULL, *conf;
	const char *name, *text, *line;
	char *got;

	(void)state;
	/* nginx: include lines followed; escape=json. */
	text = "http {\n  include sub/*.conf;\n}\n";
	conf = tu_write(tu_dir, "nginx.conf", text, strlen(text));
	{
		char *sub;

		assert_true(asprintf(&sub, "%s/sub", tu_dir) > 0);
		assert_int_equal(mkdir(sub, 0700), 0);
		free(sub);
	}
	text = "log_format j escape=json '{\"ip\":\"$remote_addr\",\"ua\":\"$http_user_agent\",'\n"
	       "  '\"n\":$request_length}';\n";
	free(tu_write(tu_dir, "sub/j.conf", text, strlen(text)));
	name = bk_formats_define(fs, "nginx", conf, "j", &err);
	assert_non_null(name);
	assert_string_equal(name, "nginx:j");
	line = "{\"ip\":\"1.2.3.4\",\"ua\":\"a\\\"b\\u00e9\\ud83d\\ude00\",\"n\":77}";
	got = parse(name, line, strlen(line));
	assert_non_null(got);
	assert_string_equal(got, "{\"type\":\"event\",\"format\":\"nginx:j\",\"file\":\"t\",\"line\":1,"
				 "\"ip\":\"1.2.3.4\",\"bytes_in\":77,\"user_agent\":\"a\\\"b\xC3\xA9\xF0\x9F\x98\x80\"}\n");
	free(got);
	assert_null(bk_formats_define(fs, "nginx", conf, "nosuch", &err));
	assert_non_null(err);
	free(err);
	free(conf);
	/* Apache's predefined formats as Debian has them; Squid's %>st. */
	name = bk_formats_define(fs, "apache", NULL, "vhost_combined", &err);
	assert_string_equal(name, "apache:vhost_combined");
	name = bk_formats_define(fs, "squid", NULL, "%ts.%03tu %>a %rm %ru %>st %<st", &err);
	assert_string_equal(name, "squid:custom");
	assert_parses(name, "1795309200.000 10.0.0.9 PUT https://x.example/up/5?id=9 2048 10",
	    "{\"type\":\"event\",\"ts\":\"2026-11-22T01:00:00.000Z\",\"format\":\"squid:custom\","
	    "\"file\":\"t\",\"line\":1,\"ip\":\"10.0.0.9\",\"dst\":\"x.example\",\"action\":\"upload\","
	    "\"object\":\"/up/5\",\"ids\":[\"5\",\"9\"],\"bytes_in\":2048,\"bytes_out\":10,\"method\":\"PUT\"}\n");
}

/* S as a span. */
static bk_span
text_span(const char *s)
{
	return (bk_span){ s, strlen(s) };
}

static void
test_detect(void **state)
{
	bk_span lines[3];
	double score;
	const char *nginx = "203.0.113.7 - - [22/Nov/2026:10:00:00 +0900] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\"";
	const char *apache = "203.0.113.7 - - [22/Nov/2026:10:00:00 +0900] \"GET / HTTP/1.1\" 304 - \"-\" \"x\"";
	const char *common = "203.0.113.7 - - [22/Nov/2026:10:00:00 +0900] \"GET / HTTP/1.1\" 304 -";

	(void)state;
	lines[0] = (bk_span){ nginx, strlen(nginx) };
	lines[1] = lines[0];
	lines[2] = (bk_span){ "garbage", 7 };
	assert_string_equal(bk_formats_detect(fs, lines, 3, &score), "nginx");
	assert_true(score > 0.66 && score < 0.67);
	lines[2] = (bk_span){ apache, strlen(apache) };
	assert_string_equal(bk_formats_detect(fs, lines, 3, &score), "apache");
	lines[0] = lines[1] = lines[2] = (bk_span){ common, strlen(common) };
	assert_string_equal(bk_formats_detect(fs, lines, 3, NULL), "apache-common");
	lines[0] = lines[1] = lines[2] = (bk_span){ "garbage", 7 };
	assert_null(bk_formats_detect(fs, lines, 3, &score));
	/* Generic CSV takes any text as a header and rows; it must name a known column. */
	lines[0] = text_span("Dear all, the report");
	lines[1] = text_span("is late, sorry");
	lines[2] = text_span("again, today");
	assert_null(bk_formats_detect(fs, lines, 3, &score));
	lines[0] = text_span("time,user,object");
	lines[1] = text_span("2026-11-22T10:00:00Z,app,persons");
	lines[2] = text_span("2026-11-22T10:00:01Z,app,persons");
	assert_string_equal(bk_formats_detect(fs, lines, 3, &score), "csv");
	/* Zeek's JSON is JSON too: the specific format wins the tie. */
	lines[0] = lines[1] = lines[2] =
	    text_span("{\"ts\":1763805600.1,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.5\"}");
	assert_string_equal(bk_formats_detect(fs, lines, 3, &score), "zeek-json");
}

static void
test_load_errors(void **state)
{
	const char *dirs[1];
	char *err = NULL, *path;
	bk_formats *bad;

	(void)state;
	path = tu_write(tu_dir, "x.fmt", "format a\nlayout nginx $remote_addr - $status\ntail\n", 50);
	dirs[0] = tu_dir;
	bad = bk_formats_load(dirs, 1, &err);
	assert_null(bad);
	assert_non_null(strstr(err, "x.fmt:3: tail needs the format text"));
	free(err);
	free(path);
	path = tu_write(tu_dir, "x.fmt", "format a\nregex ^(?<ts>\\S+)$\nexample x\n", 37);
	bad = bk_formats_load(dirs, 1, &err);
	assert_null(bad);
	assert_non_null(strstr(err, "x.fmt:2: a ts group needs a time line before the regex"));
	free(err);
	path = (free(path), tu_write(tu_dir, "x.fmt", "format a\nlayout nginx $remote_addr $status\n", 43));
	bad = bk_formats_load(dirs, 1, &err);
	assert_null(bad);
	assert_non_null(strstr(err, "x.fmt:3: format a has no example line"));
	free(err);
	unlink(path);
	free(path);
}

static int
ignore(void *ctx, const bk_event *ev)
{
	(void)ctx;
	(void)ev;
	return 0;
}

/* Feeds LINES (NULL-terminated) to a fresh parser for NAME and returns its clock tally. */
static bk_clock
clock_of(const char *name, const char *const *lines)
{
	char *err = NULL;
	bk_parser *p = bk_parser_new(fs, name, NULL, &err);
	bk_clock c;

	assert_non_null(p);
	bk_parser_begin(p, "t");
	for (uint64_t i = 0; lines[i] != NULL; i++)
		assert_int_equal(bk_parser_line(p, lines[i], strlen(lines[i]), i + 1, ignore, NULL),
		    BK_OK);
	bk_parser_finish(p, ignore, NULL);
	bk_parser_clock(p, &c);
	/* A new input starts a new tally. */
	bk_parser_begin(p, "u");
	{
		bk_clock z;

		bk_parser_clock(p, &z);
		assert_int_equal(z.zoned + z.naive + z.yearless + z.offsets[0].n, 0);
	}
	bk_parser_free(p);
	return c;
}

/*
 * The clock tally says which times had a zone and a year: nginx writes an
 * offset (the same line twice hits the time cache, and counts twice),
 * syslog neither, Squid epoch seconds (an instant: neither zoned nor
 * naive). The most common offset wins, but a nonzero one before UTC.
 */
static void
test_clock(void **state)
{
	const char *nginx[] = {
		"10.0.0.1 - - [22/Nov/2026:10:00:00 +0900] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\"",
		"10.0.0.1 - - [22/Nov/2026:10:00:00 +0900] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\"",
		"10.0.0.1 - - [22/Nov/2026:10:00:01 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\"",
		NULL };
	const char *syslog[] = {
		"Nov 22 10:00:00 host sshd[1]: Accepted password for bob from 10.0.0.1 port 22 ssh2",
		NULL };
	const char *squid[] = {
		"1795351755.258      2 127.0.0.77 TCP_MISS/200 290 GET http://a.example/ - "
		"HIER_DIRECT/127.0.0.1 image/gif",
		NULL };
	bk_clock c, sum = { 0 };
	int off = 1;

	(void)state;
	c = clock_of("nginx", nginx);
	assert_int_equal(c.zoned, 3);
	assert_int_equal(c.naive, 0);
	assert_int_equal(c.yearless, 0);
	assert_true(bk_clock_offset(&c, &off));
	assert_int_equal(off, 9 * 3600);
	bk_clock_add(&sum, &c);

	c = clock_of("syslog", syslog);
	assert_int_equal(c.zoned, 0);
	assert_int_equal(c.naive, 1);
	assert_int_equal(c.yearless, 1);
	assert_false(bk_clock_offset(&c, &off));
	bk_clock_add(&sum, &c);

	c = clock_of("squid", squid);
	assert_int_equal(c.zoned + c.naive + c.yearless, 0);
	bk_clock_add(&sum, &c);

	assert_int_equal(sum.zoned, 3);
	assert_int_equal(sum.naive, 1);
	assert_int_equal(sum.yearless, 1);
	assert_int_equal(sum.offsets[0].off, 9 * 3600);
	assert_int_equal(sum.offsets[0].n, 2);
	assert_int_equal(sum.offsets[1].off, 0);
	assert_int_equal(sum.offsets[1].n, 1);
	/* Many more UTC times still lose to the local offset. */
	sum.offsets[1].n = 1000;
	assert_true(bk_clock_offset(&sum, &off));
	assert_int_equal(off, 9 * 3600);
}

/* ---- the engine's shortcuts give what the plain paths give ---------------- */

/*
 * Every event of LINES (NULL-ended) parsed in turn by one parser of format
 * NAME with options O, as JSON lines ("-" for a line that does not parse);
 * FRESH: a new parser for each line, so nothing is remembered between them.
 */
static char *
parse_lines(const char *name, const bk_parse_opts *o, const char *const *lines, bool fresh)
{
	char *text = NULL, *err = NULL;
	size_t n = 0;
	FILE *mem = open_memstream(&text, &n);
	bk_writer *w = bk_writer_new(mem);
	bk_parser *p = NULL;

	for (size_t i = 0; lines[i] != NULL; i++) {
		if (p == NULL) {
			p = bk_parser_new(fs, name, o, &err);
			assert_non_null(p);
			bk_parser_begin(p, "t");
		}
		if (bk_parser_line(p, lines[i], strlen(lines[i]), i + 1, to_json, w) != BK_OK)
			fputs("-\n", mem);
		if (fresh) {
			bk_parser_free(p);
			p = NULL;
		}
	}
	bk_parser_free(p);
	bk_writer_free(w);
	fclose(mem);
	return text;
}

/*
 * A time that differs from the last one read only in its seconds is taken
 * from it without reading it again; what comes out must be what a parser
 * that remembers nothing makes of each line: leap seconds, seconds that
 * are no number or too large, a new minute, times without a zone read in
 * UTC and in --tz (whose changes may fall inside a minute).
 */
static void
test_time_cache(void **state)
{
	static const char *const secs[] = { "00", "01", "59", "09", "60", "05", "5x", "99", "61",
		"07", "07", "17", NULL };
	static const char *const iso[] = { "2026-03-29T01:59:58", "2026-03-29T01:59:59",
		"2026-03-29T02:00:00", "2026-03-29T03:00:01", "2026-03-29T03:00:02",
		"2026-03-29T03:00:02+02:00", "2026-03-29T03:00:03+02:00", "2026-10-25T02:59:59",
		"2026-10-25T02:59:58", NULL };
	const char *lines[32];
	char buf[32][160];
	bk_parse_opts berlin = { .tz = "Europe/Berlin" };
	const char *isofmt;
	char *err = NULL, *a, *b;
	size_t n = 0;

	(void)state;
	for (size_t i = 0; secs[i] != NULL; i++, n++) {
		snprintf(buf[n], sizeof buf[n], "10.0.0.1 - - [22/Nov/2026:10:0%zu:%s +0900] "
		    "\"GET / HTTP/1.1\" 200 1 \"-\" \"x\"", i / 6, secs[i]);
		lines[n] = buf[n];
	}
	lines[n] = NULL;
	a = parse_lines("nginx", NULL, lines, false);
	b = parse_lines("nginx", NULL, lines, true);
	assert_string_equal(a, b);
	/* The bad seconds do not parse; the leap second is the next minute's first. */
	assert_non_null(strstr(a, "\n-\n-\n-\n"));
	assert_non_null(strstr(a, "\"ts\":\"2026-11-22T01:01:00.000Z\",\"format\":\"nginx\","
				  "\"file\":\"t\",\"line\":5,"));
	free(a);
	free(b);
	/* Times of 32 bytes and more (a fraction) are compared another way. */
	for (n = 0; secs[n] != NULL; n++) {
		snprintf(buf[n], sizeof buf[n], "10.0.0.1 - - [22/Nov/2026:10:00:%s.25%04zu -0130] "
		    "\"GET / HTTP/1.1\" 200 1 \"-\" \"x\"", secs[n], n / 4);
		lines[n] = buf[n];
	}
	a = parse_lines("nginx", NULL, lines, false);
	b = parse_lines("nginx", NULL, lines, true);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "\"ts\":\"2026-11-22T11:30:59.250Z\""));
	free(a);
	free(b);

	isofmt = bk_formats_define(fs, "nginx", NULL, "$time_iso8601 $status", &err);
	assert_non_null(isofmt);
	for (n = 0; iso[n] != NULL; n++) {
		snprintf(buf[n], sizeof buf[n], "%s 200", iso[n]);
		lines[n] = buf[n];
	}
	lines[n] = NULL;
	a = parse_lines(isofmt, NULL, lines, false);
	b = parse_lines(isofmt, NULL, lines, true);
	assert_string_equal(a, b);
	free(a);
	free(b);
	a = parse_lines(isofmt, &berlin, lines, false);
	b = parse_lines(isofmt, &berlin, lines, true);
	assert_string_equal(a, b);
	/* 02:00 local is in the gap; 03:00:01 CEST is 01:00:01 UTC. */
	assert_non_null(strstr(a, "\"ts\":\"2026-03-29T01:00:01.000Z\""));
	free(a);
	free(b);
}

/*
 * Squid's %ts.%03tu differs on every line in its milliseconds: those are
 * taken from the cached second, which must give what a parser that
 * remembers nothing gives, for fractions of other widths and bad digits
 * too. Durations are written as numbers of milliseconds, fraction trimmed.
 */
static void
test_fraction_cache(void **state)
{
	static const char *const ts[] = { "1795309200.123", "1795309200.124", "1795309200.999",
		"1795309201.000", "1795309200.12x", "1795309200.5", "1795309200.1234",
		"179530920.123", "1795309201.007", "1795309201.090", "1795309201.900", NULL };
	static const char *const dur[] = { "0", "5", "245", "60012", "1000", NULL };
	static const char *const rt[] = { "0.001", "1.250", "12", "0.0005", "3.1", "0.000",
		"10.010", "99999999.999", NULL };
	const char *lines[16];
	char buf[16][200];
	const char *rtfmt;
	char *err = NULL, *a, *b;
	size_t n;

	(void)state;
	for (n = 0; ts[n] != NULL; n++) {
		snprintf(buf[n], sizeof buf[n], "%s %6s 192.168.10.21 TCP_MISS/200 5120 GET "
		    "http://files.example.net/a - HIER_DIRECT/203.0.113.80 text/html", ts[n],
		    dur[n % 5]);
		lines[n] = buf[n];
	}
	lines[n] = NULL;
	a = parse_lines("squid", NULL, lines, false);
	b = parse_lines("squid", NULL, lines, true);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "\"ts\":\"2026-11-22T01:00:00.123Z\""));
	assert_non_null(strstr(a, "\"ts\":\"2026-11-22T01:00:00.999Z\""));
	assert_non_null(strstr(a, "\"ts\":\"2026-11-22T01:00:01.000Z\""));
	assert_non_null(strstr(a, "\"ts\":\"2026-11-22T01:00:00.500Z\""));
	assert_non_null(strstr(a, "\"ts\":\"2026-11-22T01:00:00.123Z\",\"format\":\"squid\","
				  "\"file\":\"t\",\"line\":7,"));
	assert_non_null(strstr(a, "\"ts\":\"2026-11-22T01:00:01.090Z\""));
	assert_non_null(strstr(a, "\"ts\":\"2026-11-22T01:00:01.900Z\""));
	assert_non_null(strstr(a, "\"duration_ms\":60012,"));
	assert_non_null(strstr(a, "\"duration_ms\":0,"));
	assert_null(strstr(a, "\"ts\":\"2026-11-22T01:00:00.120Z\""));	/* .12x does not read */
	free(a);
	free(b);

	rtfmt = bk_formats_define(fs, "nginx", NULL, "$request_time $status", &err);
	assert_non_null(rtfmt);
	for (n = 0; rt[n] != NULL; n++) {
		snprintf(buf[n], sizeof buf[n], "%s 200", rt[n]);
		lines[n] = buf[n];
	}
	lines[n] = NULL;
	a = parse_lines(rtfmt, NULL, lines, false);
	assert_non_null(strstr(a, "\"duration_ms\":1}"));
	assert_non_null(strstr(a, "\"duration_ms\":1250}"));
	assert_non_null(strstr(a, "\"duration_ms\":12000}"));
	assert_non_null(strstr(a, "\"duration_ms\":0.5}"));
	assert_non_null(strstr(a, "\"duration_ms\":3100}"));
	assert_non_null(strstr(a, "\"duration_ms\":0}"));
	assert_non_null(strstr(a, "\"duration_ms\":10010}"));
	assert_non_null(strstr(a, "\"duration_ms\":99999999999}"));
	free(a);
}

/*
 * no_ids: the same events without their ids; a bad --ids spec is still an
 * error.
 */
static void
test_no_ids(void **state)
{
	static const char *const lines[] = { "10.0.0.1 - - [22/Nov/2026:10:00:00 +0900] "
		"\"GET /api/persons/1234 HTTP/1.1\" 200 1 \"-\" \"x\"", NULL };
	bk_parse_opts none = { .no_ids = true }, bad = { .no_ids = true, .ids = "nonsense" };
	char *a, *b, *err = NULL;

	(void)state;
	a = parse_lines("nginx", NULL, lines, true);
	b = parse_lines("nginx", &none, lines, true);
	assert_non_null(strstr(a, ",\"ids\":[\"1234\"],"));
	assert_null(strstr(b, "\"ids\""));
	assert_null(bk_parser_new(fs, "nginx", &bad, &err));
	assert_non_null(err);
	free(err);
	free(a);
	free(b);
}

/* The JSON events of format NAME for the N lines in LINES (LENS bytes each), "-" for a line that does not parse. */
static char *
parse_each(const char *name, const char *const *lines, const size_t *lens, size_t n)
{
	char *text = NULL, *err = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	bk_writer *w = bk_writer_new(mem);
	bk_parser *p = bk_parser_new(fs, name, NULL, &err);

	assert_non_null(p);
	bk_parser_begin(p, "t");
	for (size_t i = 0; i < n; i++)
		if (bk_parser_line(p, lines[i], lens[i], i + 1, to_json, w) != BK_OK)
			fputs("-\n", mem);
	bk_parser_free(p);
	bk_writer_free(w);
	fclose(mem);
	return text;
}

/*
 * nginx's combined and Squid's native layouts have matchers of their own:
 * they must make of every line what the general one makes of it - escapes,
 * absent and bad values, truncated lines, NUL bytes, invalid UTF-8, very
 * long lines, appended fields known and unknown.
 */
static void
test_specialised_matchers(void **state)
{
	static const char *const nginx[] = {
		"203.0.113.7 - alice [22/Nov/2026:10:00:00 +0900] \"GET /api/persons/1234?fields=name HTTP/1.1\" 200 5120 \"https://intra.example.jp/search\" \"Mozilla/5.0\"",
		"203.0.113.7 - - [22/Nov/2026:10:00:01 +0900] \"GET /search?q=\\x22tanaka\\x22&id=77 HTTP/1.1\" 200 612 \"-\" \"Mo\\x22zilla\" \"10.1.2.3, 10.0.0.1\"",
		"203.0.113.7 - - [22/Nov/2026:10:00:02 +0900] \"GET /a\\b\\\\ HTTP/1.1\" 304 0 \"-\" \"-\"",
		"192.0.2.44 - - [22/Nov/2026:10:00:02 +0900] \"\\x16\\x03\\x01\\x02\\x00\" 400 157 \"-\" \"-\"",
		"192.0.2.44 - - [22/Nov/2026:10:00:03 +0900] \"GET /\" 200 1 \"-\" \"x\" 0.250 0.248 1873",
		"192.0.2.44 - - [22/Nov/2026:10:00:03 +0900] \"GET / HTTP/1.1\" - 1 \"-\" \"x\"",
		"192.0.2.44 - - [22/Nov/2026:10:00:03 +0900] \"GET / HTTP/1.1\" 200 - \"-\" \"x\"",
		"192.0.2.44 - - [22/Nov/2026:10:00:03 +0900] \"GET / HTTP/1.1\" 2x0 1 \"-\" \"x\"",
		"192.0.2.44 - - [22/Nov/2026:10:00:03 +0900] \"GET / HTT",
		"192.0.2.44 - - [22/Nov/2026:10:00:03 +0900] \"GET / HTTP/1.1\" 200",
		"192.0.2.44 - - [22/Nov/2026:10:00:03 +0900] \"GET / HTTP/1.1\" 200 1 \"-\" \"unclosed",
		"192.0.2.44 - - [99/Xyz/2026:10:00:03 +0900] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\"",
		"192.0.2.44 - - [22/Nov/2026:10:00:03 +0900] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\" rt=0.1 uct=\"0.0\" uht=\"0.1\" urt=\"0.1\"",
		"192.0.2.44 - - [22/Nov/2026:10:00:03 +0900] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\" something else",
		" - - [22/Nov/2026:10:00:03 +0900] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\"",
		"192.0.2.44 - bob [22/Nov/2026:10:00:03 +0900] \"POST http://other.example/x?id=5 HTTP/1.1\" 201 1 \"\" \"\"\r",
		"garbage",
		"",
	};
	static const char *const squid[] = {
		"1795309200.123    245 192.168.10.21 TCP_MISS/200 5120 GET http://files.example.net/shared/report.pdf alice HIER_DIRECT/203.0.113.80 application/pdf",
		"1795309201.007  60012 192.168.10.21 TCP_TUNNEL/200 18342 CONNECT upload.example.org:443 - HIER_DIRECT/198.51.100.9 -",
		"1795309202.440     18 192.168.10.22 TCP_MISS/201 512 POST https://upload.example.org/api/files?id=5512 bob HIER_DIRECT/198.51.100.9 application/json 10485760",
		"1795309202.440 18 192.168.10.22 TCP_MISS/201 512 POST https://u.example.org/ - HIER_DIRECT/198.51.100.9 text/html 10 extra",
		"1795309202.440     x8 192.168.10.22 TCP_MISS/201 512 POST https://u.example.org/ - HIER_DIRECT/198.51.100.9 text/html",
		"1795309202.440     18 192.168.10.22 TCP_MISS/201 512 POST nourl - HIER_DIRECT/198.51.100.9 text/html",
		"1795309202.440     18 192.168.10.22 TCP_MISS/201 512 9 https://u.example.org/ - HIER_DIRECT/198.51.100.9 text/html",
		"1795309202.440     18 192.168.10.22 TCP_MISS/-",
		"17953x9202.440     18 192.168.10.22 TCP_MISS/201 512 GET https://u.example.org/ - HIER_DIRECT/198.51.100.9 text/html",
		"1795309202.440     18 192.168.10.22 TCP_DENIED/403 0 GET http://u.example.org/\\\"q - HIER_NONE/- -",
	};
	const char *lines[32];
	size_t lens[32], n = 0;
	char nul[200], bad[200], *longline;
	char *a, *b;

	(void)state;
	for (size_t i = 0; i < sizeof nginx / sizeof *nginx; i++, n++) {
		lines[n] = nginx[i];
		lens[n] = strlen(nginx[i]);
	}
	memcpy(nul, nginx[0], strlen(nginx[0]) + 1);
	nul[strlen(nul) - 4] = '\0';	/* a NUL in the user agent */
	lines[n] = nul;
	lens[n++] = strlen(nginx[0]);
	memcpy(bad, nginx[0], strlen(nginx[0]) + 1);
	bad[strlen(bad) - 5] = '\xff';	/* invalid UTF-8 there */
	bad[strlen(bad) - 4] = '\xfe';
	lines[n] = bad;
	lens[n++] = strlen(bad);
	longline = malloc(200000);
	assert_non_null(longline);
	n += 0;
	{
		int k = snprintf(longline, 200000, "10.0.0.1 - - [22/Nov/2026:10:00:03 +0900] \"GET /");

		memset(longline + k, 'a', 150000);
		k += 150000;
		k += snprintf(longline + k, 200000 - (size_t)k, " HTTP/1.1\" 200 1 \"-\" \"x\"");
		lines[n] = longline;
		lens[n++] = (size_t)k;
	}
	bk__layout_general_only = true;
	a = parse_each("nginx", lines, lens, n);
	bk__layout_general_only = false;
	b = parse_each("nginx", lines, lens, n);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "\"user_agent\":\"Mo\\\"zilla\""));
	free(a);
	free(b);

	for (n = 0; n < sizeof squid / sizeof *squid; n++) {
		lines[n] = squid[n];
		lens[n] = strlen(squid[n]);
	}
	bk__layout_general_only = true;
	a = parse_each("squid", lines, lens, n);
	bk__layout_general_only = false;
	b = parse_each("squid", lines, lens, n);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "\"bytes_in\":10485760"));
	free(a);
	free(b);
	free(longline);
}

/*
 * bk_event_tsv and bk_event_text at every buffer size: the length needed
 * whatever the size, nothing written past it, and the whole line, the same
 * bytes as the unchecked writer's, once it fits. Values of every length up to 40 with a control byte
 * at each place (a space in the output) and none, for the word-at-a-time
 * cleaning; numbers of every width.
 */
static void
test_writer_sizes(void **state)
{
	static const int64_t nums[] = { 0, 7, 10, 99, 100, 12345, 999999999, 1000000000,
		INT64_C(9223372036854775807), -1, -12345 };
	char val[48], want[48], full[1024], cut[1024];
	size_t (*const fmt[])(const bk_event *, char *, size_t) = { bk_event_tsv, bk_event_text };
	bk_event_extra extra = { "note", { "a\tb", 3 }, false };
	bk_span ids[2] = { { "12", 2 }, { "3\n4", 3 } };

	(void)state;
	for (size_t len = 0; len <= 40; len++) {
		for (size_t ctl = 0; ctl <= len; ctl++) {
			bk_event ev;

			for (size_t i = 0; i < len; i++)
				val[i] = want[i] = (char)('a' + i % 26);
			if (ctl < len) {
				val[ctl] = (char)(ctl % 2 ? '\t' : 0x01);
				want[ctl] = ' ';
			}
			bk_event_clear(&ev);
			ev.ts = INT64_C(1795351755258) + (int64_t)(len * 997);
			ev.format = "nginx";
			ev.file = "dir/access.log";
			ev.line = (uint64_t)nums[len % 9];
			ev.str[BK_EV_ACTOR] = (bk_span){ val, len };
			ev.str[BK_EV_OBJECT] = (bk_span){ val, len / 2 };
			ev.str[BK_EV_STMT] = (bk_span){ "select", 6 };
			ev.status = nums[len % 11];
			ev.bytes_out = nums[(len + 3) % 11];
			ev.where = (int)(len % 3) - 1;
			ev.ids = ids;
			ev.nids = len % 3;
			ev.extra = &extra;
			ev.nextra = 1;
			for (size_t k = 0; k < 2; k++) {
				size_t n = fmt[k](&ev, full, sizeof full);

				assert_true(n < sizeof full);
				/* The actor's value, cleaned, is in the line. */
				assert_non_null(memmem(full, n, want, len));
				if (k == 1)
					assert_null(memchr(full, '\t', n));
				for (size_t size = 0; size <= n + 1; size++) {
					memset(cut, '#', sizeof cut);
					assert_int_equal(fmt[k](&ev, cut, size), n);
					/* Pieces that fit are in their place; nothing past SIZE. */
					for (size_t i = 0; i < size && i < n; i++)
						assert_true(cut[i] == '#' || cut[i] == full[i]);
					if (size >= n)
						assert_memory_equal(cut, full, n);
					assert_int_equal(cut[size], '#');
				}
			}
		}
	}
}

/*
 * The default URL id rule as it is written (DESIGN: numbers or UUIDs after
 * a word segment), byte by byte, against the library's, which classes a
 * path of 16 to 64 bytes from masks: paths of every length around those
 * bounds, with parameters after segments, UUIDs, long numbers, a query.
 */
static size_t
ids_by_hand(const char *path, char out[][64])
{
	size_t n = 0;
	bool prev_word = false;
	const char *p = path, *e = path + strcspn(path, "?#");

	while (p < e) {
		const char *s;
		size_t len, digits = 0, letters = 0, uuid = 0;
		bool id;

		if (*p == '/') {
			p++;
			continue;
		}
		for (s = p; p < e && *p != '/' && *p != ';'; p++) {
			digits += *p >= '0' && *p <= '9';
			letters += (*p | 0x20) >= 'a' && (*p | 0x20) <= 'z';
			size_t at = (size_t)(p - s);

			uuid += (at == 8 || at == 13 || at == 18 || at == 23) ? *p == '-' :
			    (*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'f');
		}
		len = (size_t)(p - s);
		id = (len > 0 && digits == len && len <= 20) || (len == 36 && uuid == 36);
		/* Each id once, as the library keeps them. */
		for (size_t i = 0; id && prev_word && i < n; i++)
			if (strlen(out[i]) == len && memcmp(out[i], s, len) == 0)
				len = 0;
		if (id && prev_word && len > 0)
			snprintf(out[n++], 64, "%.*s", (int)len, s);
		prev_word = !id && letters > 0;
		while (p < e && *p != '/')
			p++;
	}
	return n;
}

static void
test_url_id_lengths(void **state)
{
	static const char *const segs[] = { "api", "persons", "1234", "v2", "x;jsessionid=9",
		"2026", "ab12", "123e4567-e89b-12d3-a456-426614174000", "000000000000000000001",
		";p=1", "7;k", "", "Ab", "9" };
	const size_t nseg = sizeof segs / sizeof segs[0];
	bk_urlids *x = bk_urlids_new(NULL, NULL);
	uint32_t seed = 1;

	(void)state;
	assert_non_null(x);
	for (int round = 0; round < 4000; round++) {
		char path[200] = "", want[16][64];
		bk_span got[16];
		size_t nw, ng, k = 0;

		/* Segments until the path is about the length this round aims at. */
		size_t aim = 10 + (size_t)round % 60;

		while (strlen(path) < aim && k++ < 12) {
			seed = seed * 1103515245u + 12345u;
			strcat(path, "/");
			strcat(path, segs[(seed >> 16) % nseg]);
		}
		if (round % 5 == 0)
			strcat(path, "?q=1");
		nw = ids_by_hand(path, want);
		ng = bk_urlids_find(x, path, strlen(path), got, 16);
		assert_int_equal(ng, nw);
		for (size_t i = 0; i < nw; i++) {
			assert_int_equal(got[i].len, strlen(want[i]));
			assert_memory_equal(got[i].ptr, want[i], got[i].len);
		}
		/* In a request line, where the engine may read the line before a short path. */
		if (round % 7 == 0) {
			char line[400], ids[400] = "", *json;

			snprintf(line, sizeof line, "10.0.0.1 - - [22/Nov/2026:10:00:00 +0900] "
			    "\"GET %s HTTP/1.1\" 200 1 \"-\" \"x\"", path);
			for (size_t i = 0; i < nw; i++)
				snprintf(ids + strlen(ids), sizeof ids - strlen(ids), "%s\"%s\"",
				    i > 0 ? "," : ",\"ids\":[", want[i]);
			if (nw > 0)
				strcat(ids, "]");
			json = parse("nginx", line, strlen(line));
			assert_non_null(json);
			if (nw > 0)
				assert_non_null(strstr(json, ids));
			else
				assert_null(strstr(json, "\"ids\""));
			free(json);
		}
	}
	bk_urlids_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_nginx_escapes),
		cmocka_unit_test(test_apache_escapes),
		cmocka_unit_test(test_truncated_and_garbage),
		cmocka_unit_test(test_huge_line),
		cmocka_unit_test(test_compile),
		cmocka_unit_test(test_define),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_time_cache),
		cmocka_unit_test(test_fraction_cache),
		cmocka_unit_test(test_no_ids),
		cmocka_unit_test(test_specialised_matchers),
		cmocka_unit_test(test_writer_sizes),
		cmocka_unit_test(test_url_id_lengths),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
