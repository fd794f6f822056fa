/*
 * test_event_json.c - unit tests of lib/event-json.c: the direct decoder of
 * event lines reads every line it accepts exactly as jansson and
 * bk_event_from_record do, and bk_reader_next_event gives what
 * bk_reader_next gives.
 *
 * The proof is differential: each line is decoded both ways, and wherever
 * the decoder accepts it, jansson must accept it too and the two events
 * must be identical field by field. The lines are every event record the
 * fixtures hold (the CLI tests' expected output, the fuzz corpus, every
 * format's examples, the real servers' logs parsed afresh), hand-made edge
 * cases, and every one-byte change and cut of a few seed lines.
 */
#include "testutil.h"

#include <dirent.h>
#include <sys/stat.h>

#include "event-json-private.h"
#include "../fuzz/event-eq.h"

#define IDCAP 3

static bk_reader *rd;
static struct bk__strbuf scratch;

static int
setup(void **state)
{
	(void)state;
	rd = bk_reader_new();
	return rd == NULL;
}

static int
teardown(void **state)
{
	(void)state;
	bk_reader_free(rd);
	bk__strbuf_free(&scratch);
	return 0;
}

/*
 * Decodes LINE both ways. Returns whether the decoder took it; when it
 * did, jansson must have read an event record and the events must agree.
 */
static bool
check(const char *line, size_t len)
{
	bk_event fast, slow;
	bk_span fids[IDCAP], sids[IDCAP];
	size_t fdrop = 99, sdrop = 99;
	const bk_record *rec;
	bool took = bk__event_json_decode(line, len, &scratch, &fast, fids, IDCAP, &fdrop);
	int rc = bk__reader_parse(rd, line, len, 1, &rec);

	if (!took)
		return false;
	if (rc != BK_OK)
		fail_msg("decoded a line jansson refuses: %.*s", (int)len, line);
	assert_string_equal(bk_record_type(rec), "event");
	assert_int_equal(bk_event_from_record(rec, &slow, sids, IDCAP, &sdrop), BK_OK);
	if (!event_eq(&fast, &slow) || fdrop != sdrop)
		fail_msg("decoded differently: %.*s", (int)len, line);
	return true;
}

static bool
check_str(const char *line)
{
	return check(line, strlen(line));
}

/* Checks every line of TEXT (LEN bytes); returns how many the decoder took. */
static size_t
check_lines(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t took = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		took += check(p, n);
		p += n + 1;
	}
	return took;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Checks every line of every file under DIR, recursively; returns how many were taken. */
static size_t
check_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t took = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char *path;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		assert_true(asprintf(&path, "%s/%s", dir, de->d_name) > 0);
		assert_int_equal(stat(path, &st), 0);
		if (S_ISDIR(st.st_mode)) {
			took += check_tree(path);
		} else if (S_ISREG(st.st_mode)) {
			size_t len;
			char *text = slurp(path, &len);

			took += check_lines(text, len);
			free(text);
		}
		free(path);
	}
	closedir(d);
	return took;
}

/* The event records in the CLI tests' expected output and the fuzz corpus. */
static void
test_fixtures(void **state)
{
	(void)state;
	/* bk-parse's expected output alone holds over 50 event lines. */
	assert_true(check_tree(BK_SRCDIR "/tests/cli") >= 50);
	assert_true(check_tree(BK_SRCDIR "/tests/fuzz/corpus/record") >= 5);
}

/* Writes EV into the memstream CTX's writer and keeps going. */
static int
write_event(void *ctx, const bk_event *ev)
{
	assert_int_equal(bk_event_write(ctx, ev), BK_OK);
	return 0;
}

/*
 * The events of TEXT (LEN bytes of FILE) read as FORMAT, written as bk-parse
 * writes them, raw text kept: the decoder takes every one. Returns how
 * many, or 0 when FORMAT needs options to make a parser.
 */
static size_t
check_parsed(const bk_formats *fs, const char *format, const char *file, const char *text,
    size_t len)
{
	bk_parse_opts o = { .keep_raw = true, .tz = "Asia/Tokyo", .year = 2024 };
	char *err = NULL, *out = NULL;
	size_t outlen = 0, events = 0;
	uint64_t lineno = 0;
	FILE *mem;
	bk_writer *w;
	bk_parser *p = bk_parser_new(fs, format, &o, &err);
	const char *s, *end;

	if (p == NULL) {
		free(err);
		return 0;
	}
	mem = open_memstream(&out, &outlen);
	assert_non_null(mem);
	w = bk_writer_new(mem);
	assert_non_null(w);
	bk_parser_begin(p, file);
	for (s = text, end = text + len; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl != NULL ? (size_t)(nl - s) : (size_t)(end - s);

		bk_parser_line(p, s, n, ++lineno, write_event, w);
		s += n + 1;
	}
	bk_parser_finish(p, write_event, w);
	bk_parser_free(p);
	bk_writer_free(w);
	assert_int_equal(fclose(mem), 0);
	for (s = out; s < out + outlen; s++)
		events += *s == '\n';
	assert_int_equal(check_lines(out, outlen), events);
	free(out);
	return events;
}

static void
check_log(const bk_formats *fs, const char *format, const char *log)
{
	size_t len;
	char *text = slurp(log, &len);

	assert_true(check_parsed(fs, format, log, text, len) > 0);
	free(text);
}

/* Every format's examples, and the real servers' logs, through bk_event_write and back. */
static void
test_formats(void **state)
{
	const char *dirs[] = { BK_SRCDIR "/patterns" };
	char *err = NULL;
	bk_formats *fs = bk_formats_load(dirs, 1, &err);
	const char *const *names;
	size_t formats = 0;

	(void)state;
	assert_non_null(fs);
	for (names = bk_formats_names(fs); *names != NULL; names++) {
		const char *const *lines, *const *expect;
		size_t n = bk_formats_examples(fs, *names, &lines, &expect), events = 0;

		for (size_t i = 0; i < n; i++)
			events += check_parsed(fs, *names, "example", lines[i], strlen(lines[i]));
		formats += events > 0;
	}
	/* All but the formats that need options (a prefix, a header) gave events. */
	assert_true(formats >= 20);
	check_log(fs, "nginx", BK_TESTDATA "/real/nginx-combined.log");
	check_log(fs, "squid", BK_TESTDATA "/real/squid-access.log");
	check_log(fs, "postgres-csv", BK_TESTDATA "/real/postgresql.csv");
	check_log(fs, "mariadb-audit", BK_TESTDATA "/real/mariadb-audit.log");
	check_log(fs, "mysql-general", BK_TESTDATA "/real/mariadb-general.log");
	check_log(fs, "apache", BK_TESTDATA "/formats/crlf-latin1.log");
	bk_formats_free(fs);
}

/* Lines the decoder takes, with the event each must give (checked against jansson). */
static void
test_taken(void **state)
{
	static const char *const lines[] = {
		"{\"type\":\"event\"}",
		" \t{ \"type\" : \"event\" , \"line\" : 3 }\r ",
		"{\"line\":3,\"type\":\"event\"}",
		"{\"type\":\"event\",\"ts\":\"2015-05-08T01:15:02.123Z\",\"format\":\"nginx\","
		"\"file\":\"a.log\",\"line\":7,\"actor\":\"alice\",\"ip\":\"203.0.113.7\","
		"\"dst\":\"x\",\"action\":\"read\",\"object\":\"/api/persons/1\",\"ids\":[\"1\",\"2\"],"
		"\"rows\":-1,\"bytes_in\":0,\"bytes_out\":9223372036854775807,"
		"\"status\":-9223372036854775808,\"method\":\"GET\",\"stmt\":\"select\","
		"\"where\":false,\"user_agent\":\"curl\",\"dur\":0.25,\"raw\":\"GET /\"}",
		/* escapes of every kind, NUL included, and a surrogate pair */
		"{\"type\":\"event\",\"actor\":\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\","
		"\"object\":\"\\u0041\\u00e9\\u20AC\\ud83d\\ude00\",\"ip\":\"x\\u0000y\","
		"\"file\":\"f\\u0000g\",\"format\":\"n\\u0067inx\",\"ids\":[\"\\u0031\",\"2\"]}",
		/* UTF-8 of every length, DEL */
		"{\"type\":\"event\",\"actor\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x7f\"}",
		/* fields of the wrong type are absent */
		"{\"type\":\"event\",\"ts\":5,\"line\":\"7\",\"rows\":1.5,\"status\":null,"
		"\"actor\":[],\"where\":\"yes\",\"ids\":\"1\",\"format\":{},\"raw\":true}",
		"{\"type\":\"event\",\"line\":0,\"ts\":\"yesterday\",\"where\":true}",
		"{\"type\":\"event\",\"line\":-4,\"ts\":\"2015-05-08T01:15:02Z\"}",
		/* ids: more than the room, not strings, empty */
		"{\"type\":\"event\",\"ids\":[\"1\",2,\"3\",null,\"4\",{\"a\":[1]},\"5\",[\"6\"]]}",
		"{\"type\":\"event\",\"ids\":[]}",
		"{\"type\":\"event\",\"ids\":[ ]}",
		/* values skipped: nested, every number form, empty containers */
		"{\"type\":\"event\",\"x\":{\"a\":[1,-0,0.5,-12.25]},\"y\":[],\"z\":{},\"n\":null,"
		"\"t\":true,\"f\":false,\"caf\xc3\xa9\":1}",
		"{\"type\":\"event\",\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
		/* a key read twice is left to jansson, but not a key it skips */
		"{\"type\":\"event\",\"x\":1,\"x\":[2]}",
		"{\"type\":\"event\",\"big\":9223372036854775807,\"small\":-9223372036854775808}",
	};
	size_t n = sizeof lines / sizeof lines[0];

	(void)state;
	for (size_t i = 0; i < n; i++)
		if (!check_str(lines[i]))
			fail_msg("declined: %s", lines[i]);
}

/* Lines the decoder must leave to jansson, valid or not. */
static void
test_declined(void **state)
{
	static const char *const lines[] = {
		"", "{", "}", "[]", "42", "\"event\"", "{}", "{\"type\":\"finding\"}",
		"{\"type\":\"ev\\u0065nt\"}", "{\"type\":\"event\\u0000\"}", "{\"typ\\u0065\":\"event\"}",
		"{\"type\":5}", "{\"type\":\"event\",\"type\":\"event\"}",
		"{\"type\":\"event\",\"line\":1,\"line\":2}",
		"{\"type\":\"event\",\"ids\":[\"1\"],\"ids\":[\"2\"]}",
		"{\"type\":\"event\"} x", "{\"type\":\"event\"}}", "{\"type\":\"event\",}",
		"{\"type\":\"event\" \"line\":1}", "{\"type\":\"event\",\"line\"1}",
		"{\"type\":\"event\",\"line\":01}", "{\"type\":\"event\",\"line\":-}",
		"{\"type\":\"event\",\"line\":1.}", "{\"type\":\"event\",\"line\":.5}",
		"{\"type\":\"event\",\"line\":+1}", "{\"type\":\"event\",\"x\":1e5}",
		"{\"type\":\"event\",\"x\":1E400}", "{\"type\":\"event\",\"x\":[0.5,-12.25e0]}",
		"{\"type\":\"event\",\"k\\u0000\":2}", "{\"type\":\"event\",\"k\\u0041\":2}",
		"{\"type\":\"event\",\"x\":-2.5e-3}",
		"{\"type\":\"event\",\"line\":9223372036854775808}",
		"{\"type\":\"event\",\"line\":-9223372036854775809}",
		"{\"type\":\"event\",\"line\":99999999999999999999}",
		"{\"type\":\"event\",\"where\":tru}", "{\"type\":\"event\",\"where\":truex}",
		"{\"type\":\"event\",\"x\":nul}", "{\"type\":\"event\",\"x\":NaN}",
		"{\"type\":\"event\",\"actor\":\"a\tb\"}", "{\"type\":\"event\",\"actor\":\"a\x01\"}",
		"{\"type\":\"event\",\"actor\":\"\\x\"}", "{\"type\":\"event\",\"actor\":\"\\u12\"}",
		"{\"type\":\"event\",\"actor\":\"\\u12g4\"}", "{\"type\":\"event\",\"actor\":\"\\ud800\"}",
		"{\"type\":\"event\",\"actor\":\"\\udc00\"}",
		"{\"type\":\"event\",\"actor\":\"\\ud800\\u0041\"}",
		"{\"type\":\"event\",\"actor\":\"\\ud800x\"}", "{\"type\":\"event\",\"actor\":\"ab",
		"{\"type\":\"event\",\"actor\":\"\xc3\"}", "{\"type\":\"event\",\"actor\":\"\xc0\xaf\"}",
		"{\"type\":\"event\",\"actor\":\"\xed\xa0\x80\"}",
		"{\"type\":\"event\",\"actor\":\"\xf4\x90\x80\x80\"}",
		"{\"type\":\"event\",\"actor\":\"\xff\"}", "{\"type\":\"event\",\"act\xff\":1}",
		"{\"type\":\"event\",\"x\":{\"a\\u0000\":1}}", "{\"type\":\"event\",\"x\":{1:2}}",
		"{\"type\":\"event\",\"x\":[1,]}", "{\"type\":\"event\",\"x\":[1 2]}",
		"{\"type\":\"event\",\"x\":{\"a\":1,}}", "{\"type\":\"event\",\"x\":'a'}",
		"{\"type\":\"event\",\"ids\":[\"1\",]}", "{\"type\":\"event\",\"ids\":[\"1\"",
		"{\"type\":\"event\",\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
		"\xef\xbb\xbf{\"type\":\"event\"}", "{\"type\":\"event\"}\x0b",
	};
	size_t n = sizeof lines / sizeof lines[0];

	(void)state;
	for (size_t i = 0; i < n; i++)
		if (check_str(lines[i]))
			fail_msg("taken: %s", lines[i]);
	/* NUL bytes in the line itself */
	assert_false(check("{\"type\":\"event\"}\0", 17));
	assert_false(check("{\"type\":\"event\",\"actor\":\"a\0b\"}", 30));
}

/* Every one-byte change and every cut of some seed lines: taken only as jansson reads them. */
static void
test_mutations(void **state)
{
	static const char *const seeds[] = {
		"{\"type\":\"event\",\"ts\":\"2015-05-08T01:15:02.123Z\",\"line\":12,\"actor\":\"a\\u00e9\","
		"\"ids\":[\"10\",\"11\",\"12\",\"13\"],\"rows\":-3,\"where\":true,\"x\":{\"y\":[0.5,null]}}",
		"{\"type\":\"event\",\"object\":\"\\ud83d\\ude00\xc3\xa9\",\"status\":200,\"file\":\"f\"}",
	};
	static const char repl[] = { '"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', '9', '-', '.',
		'e', 'u', 'd', 'D', 't', 'n', 'x', '\0', '\t', '\x7f', '\x80', '\xc3', '\xff' };
	size_t took = 0;

	(void)state;
	for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
		size_t len = strlen(seeds[s]);
		char *buf = malloc(len + 2);

		assert_non_null(buf);
		for (size_t i = 0; i <= len; i++)
			took += check(seeds[s], i);
		for (size_t i = 0; i < len; i++) {
			for (size_t r = 0; r < sizeof repl; r++) {
				memcpy(buf, seeds[s], len);
				buf[i] = repl[r];
				took += check(buf, len);
			}
			/* a byte dropped, a byte doubled */
			memcpy(buf, seeds[s], i);
			memcpy(buf + i, seeds[s] + i + 1, len - i - 1);
			took += check(buf, len - 1);
			memcpy(buf, seeds[s], i + 1);
			memcpy(buf + i + 1, seeds[s] + i, len - i);
			took += check(buf, len + 1);
		}
		free(buf);
	}
	assert_true(took > 100);
}

/* bk_reader_next_event over a mixed input gives what bk_reader_next gives. */
static void
test_reader(void **state)
{
	static const char text[] =
	    "\xef\xbb\xbf{\"type\":\"event\",\"line\":1,\"ids\":[\"a\",\"b\",\"c\",\"d\"]}\n"
	    "\n  \r\n"
	    "{\"type\":\"finding\",\"rule\":\"x\"}\n"
	    "{\"type\":\"event\",\"line\":2,\"x\":1e5}\n"
	    "not json\n"
	    "{\"type\":\"event\",\"line\":3,\"actor\":\"\\ud800\"}\n"
	    "[1]\n"
	    "{\"type\":\"event\",\"line\":4,\"actor\":\"b\"}";
	char *dir = tu_mkdtemp(), *path = tu_write(dir, "mixed.json", text, sizeof text - 1);
	bk_input *in = bk_input_new();
	const bk_record *rec;
	bk_event ev;
	bk_span ids[IDCAP];
	size_t dropped;

	(void)state;
	assert_non_null(in);
	assert_int_equal(bk_input_open(in, path), BK_OK);
	bk_reader_reset(rd, in);
	assert_int_equal(bk_reader_next_event(rd, &rec, &ev, ids, IDCAP, &dropped), BK_OK);
	assert_null(rec);
	assert_int_equal(bk_reader_lineno(rd), 1);
	assert_int_equal(ev.line, 1);
	assert_int_equal(ev.nids, 3);
	assert_int_equal(dropped, 1);
	assert_int_equal(bk_reader_next_event(rd, &rec, &ev, ids, IDCAP, &dropped), BK_OK);
	assert_non_null(rec);
	assert_int_equal(bk_reader_lineno(rd), 4);
	assert_string_equal(bk_record_str(rec, "rule"), "x");
	/* An event the decoder leaves to jansson still comes decoded. */
	assert_int_equal(bk_reader_next_event(rd, &rec, &ev, ids, IDCAP, &dropped), BK_OK);
	assert_null(rec);
	assert_int_equal(ev.line, 2);
	assert_int_equal(bk_reader_next_event(rd, &rec, &ev, ids, IDCAP, &dropped), BK_ERROR);
	assert_string_equal(bk_reader_error(rd), "6: invalid JSON: invalid token near 'not' (column 3)");
	assert_int_equal(bk_reader_next_event(rd, &rec, &ev, ids, IDCAP, &dropped), BK_ERROR);
	assert_int_equal(bk_reader_lineno(rd), 7);
	assert_non_null(strstr(bk_reader_error(rd), "7: invalid JSON: invalid Unicode"));
	assert_int_equal(bk_reader_next_event(rd, &rec, &ev, ids, IDCAP, &dropped), BK_ERROR);
	assert_string_equal(bk_reader_error(rd), "8: not a JSON object");
	assert_int_equal(bk_reader_next_event(rd, &rec, &ev, ids, IDCAP, &dropped), BK_OK);
	assert_null(rec);
	assert_int_equal(ev.line, 4);
	assert_true(ev.str[BK_EV_ACTOR].len == 1 && ev.str[BK_EV_ACTOR].ptr[0] == 'b');
	assert_int_equal(bk_reader_next_event(rd, &rec, &ev, ids, IDCAP, &dropped), BK_EOF);
	assert_null(rec);
	bk_input_free(in);
	free(path);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_taken),
		cmocka_unit_test(test_declined),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_reader),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
