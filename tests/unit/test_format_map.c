/*
 * test_format_map.c - unit tests of the generic json and csv formats
 * (format-json.c, format-csv.c) and the shared field map: default names,
 * --map overriding them, dotted paths, extras, SQL, epoch milliseconds,
 * escapes, RFC 4180 quoting across lines, separators, damage, bad specs.
 */
#include "eventstr.h"

extern const struct bk__parser_ops bk__json_ops, bk__csv_ops;

static void
test_json_defaults(void **state)
{
	(void)state;
	tu_expect(&bk__json_ops, NULL,
	    "{\"@timestamp\":\"2026-11-22T10:00:00.123Z\",\"user\":\"app\","
	    "\"client\":{\"ip\":\"10.0.0.5\"},\"action\":\"export\",\"object\":\"persons\","
	    "\"rows\":3000,\"tags\":[\"a\",{\"b\":1}],\"n\":null}\n"
	    "\n"
	    "{\"user\":\"\\u00e9t\\u00e9\",\"path\":\"/a\\/b\",\"status\":\"404\","
	    "\"ts\":1795341600}\r\n"
	    "{\"user\":\"x\",}\n"
	    "not json\n"
	    "[1,2]\n",
	    "L1 2026-11-22T10:00:00.123Z actor=app ip=10.0.0.5 action=export object=persons "
	    "rows=3000\n"
	    "L3 2026-11-22T10:00:00.000Z actor=\xc3\xa9t\xc3\xa9 object=/a/b status=404\n",
	    "4 5 6");
}

/*
 * nginx's JSON logs under a site's own key names: $request is split into
 * method, protocol, object and ids (and a web server's action), as in the
 * nginx formats; a key the map names wins over the request's parts.
 */
static void
test_json_request(void **state)
{
	bk_parse_opts o = {.map = "object=route"};

	(void)state;
	tu_expect(&bk__json_ops, NULL,
	    "{\"time\":\"2026-11-22T21:49:16+09:00\",\"remote_addr\":\"127.0.0.11\","
	    "\"remote_user\":\"clerk01\",\"request\":\"GET /api/persons/2649?x=1 HTTP/1.1\","
	    "\"status\":200,\"http_user_agent\":\"curl/7.88.1\"}\n"
	    "{\"request\":\"DELETE http://h.example/api/persons/7 HTTP/1.1\"}\n"
	    "{\"request\":\"\\u0016\\u0003\\u0001\"}\n",
	    "L1 2026-11-22T12:49:16.000Z actor=clerk01 ip=127.0.0.11 action=read "
	    "object=/api/persons/2649 method=GET status=200 ids=2649 +protocol:HTTP/1.1 "
	    "+user_agent:curl/7.88.1\n"
	    "L2 action=delete object=/api/persons/7 method=DELETE ids=7 +protocol:HTTP/1.1\n"
	    "L3\n",
	    "");
	tu_expect(&bk__json_ops, &o,
	    "{\"route\":\"persons.show\",\"request\":\"POST /api/persons/12 HTTP/2.0\"}\n",
	    "L1 action=write object=persons.show method=POST ids=12 +protocol:HTTP/2.0\n",
	    "");
}

static void
test_json_map(void **state)
{
	bk_parse_opts o = {.map = "actor=usr.login,ts=when,sql=q,country=geo.country,ids=refs"};

	(void)state;
	tu_expect(&bk__json_ops, &o,
	    "{\"when\":1795341600123,\"user\":\"ignored\",\"usr\":{\"login\":\"bob\"},"
	    "\"q\":\"SELECT * FROM persons WHERE id = 5\",\"geo\":{\"country\":\"JP\"},"
	    "\"refs\":[\"a1\", 7]}\n",
	    "L1 2026-11-22T10:00:00.123Z actor=bob action=read object=persons stmt=select "
	    "where=1 ids=5|a1|7 +country:JP\n",
	    "");
}

static void
test_map_errors(void **state)
{
	bk_parser p = {.ops = &bk__json_ops, .opts = {.map = "user"}};
	char *err = NULL;

	(void)state;
	assert_int_not_equal(bk__json_ops.init(&p, &err), BK_OK);
	assert_string_equal(err, "json: --map: expected TARGET=SOURCE, got 'user'");
	free(err);
	p.opts.map = "ts=a,bad-target=x";
	assert_int_not_equal(bk__json_ops.init(&p, &err), BK_OK);
	assert_true(strncmp(err, "json: --map: 'bad-target' is not a target (", 43) == 0);
	free(err);
	p.ops = &bk__csv_ops;
	p.opts.map = "=x";
	assert_int_not_equal(bk__csv_ops.init(&p, &err), BK_OK);
	assert_string_equal(err, "csv: --map: expected TARGET=SOURCE, got '=x'");
	free(err);
}

static void
test_csv(void **state)
{
	bk_parse_opts o = {.map = "note_text=note"};

	(void)state;
	tu_expect(&bk__csv_ops, &o,
	    "\xef\xbb\xbftime;user;client_ip;action;object;rows;note\r\n"
	    "2026-11-22T10:00:00Z;app;10.0.0.5;export;persons;3000;\"multi\n"
	    "line; with \"\"quotes\"\"\"\n"
	    "2026-11-22T10:00:01Z;bob;10.0.0.6;read;persons;1;plain\r\n"
	    "2026-11-22T10:00:02Z;too;few\n"
	    "\n",
	    "L2 2026-11-22T10:00:00.000Z actor=app ip=10.0.0.5 action=export object=persons "
	    "rows=3000 +note_text:multi\nline; with \"quotes\"\n"
	    "L4 2026-11-22T10:00:01.000Z actor=bob ip=10.0.0.6 action=read object=persons "
	    "rows=1 +note_text:plain\n",
	    "5");
	/* Comma by default; an open quote at the end is emitted, marked. */
	tu_expect(&bk__csv_ops, NULL,
	    "user,query\n"
	    "eve,\"SELECT * FROM persons\n"
	    "WHERE id IN (1, 2)",
	    "L2 actor=eve action=read object=persons stmt=select where=1 ids=1|2 "
	    "+truncated=true\n",
	    "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_defaults),
		cmocka_unit_test(test_json_request),
		cmocka_unit_test(test_json_map),
		cmocka_unit_test(test_map_errors),
		cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
