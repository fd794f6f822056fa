/*
 * test_export.c - unit tests of lib/export.c: each reader's rows as a
 * string ("table|name=value|..." per row, NULL as \N), so the cases read as
 * the dump text and the rows it must give: CSV dialects, quoting across
 * lines, MySQL and COPY escapes, E'' strings, sqlite's replace(), NDJSON
 * nesting, and the problems reported for damaged inputs.
 */
#include "testutil.h"

#include "export.h"

struct got {
	struct tu_buf rows;
	struct tu_buf errs;
};

static int
on_row(void *ctx, const struct bk_export_row *row)
{
	struct got *g = ctx;

	if (row->table != NULL)
		tu_buf_add(&g->rows, row->table, row->table_len);
	for (size_t i = 0; i < row->ncols; i++) {
		tu_buf_add(&g->rows, "|", 1);
		tu_buf_add(&g->rows, row->names[i], row->name_lens[i]);
		tu_buf_add(&g->rows, "=", 1);
		if (row->is_null[i])
			tu_buf_add(&g->rows, "\\N", 2);
		else
			tu_buf_add(&g->rows, row->values[i], row->value_lens[i]);
	}
	tu_buf_add(&g->rows, "\n", 1);
	return 0;
}

static void
on_err(void *ctx, uint64_t line, const char *msg)
{
	struct got *g = ctx;
	char buf[600];
	int n = snprintf(buf, sizeof buf, "%llu: %s\n", (unsigned long long)line, msg);

	tu_buf_add(&g->errs, buf, (size_t)n);
}

/* Reads TEXT as FORMAT; checks the rows, the problems and the return code. */
static void
check(enum bk_export_format format, const char *text, const char *rows, const char *errs, int want)
{
	char *path = tu_write(tu_dir, "in", text, strlen(text));
	bk_input *in = bk_input_new();
	bk_export *x = bk_export_new();
	struct got g = { 0 };

	assert_int_equal(bk_input_open(in, path), BK_OK);
	assert_int_equal(bk_export_read(x, in, format, BK_CHARSET_AUTO, on_row, on_err, &g), want);
	tu_buf_add(&g.rows, "", 1);
	tu_buf_add(&g.errs, "", 1);
	assert_string_equal(g.rows.data, rows);
	assert_string_equal(g.errs.data, errs);
	free(g.rows.data);
	free(g.errs.data);
	bk_export_free(x);
	bk_input_free(in);
	free(path);
}

static void
test_csv(void **state)
{
	(void)state;
	check(BK_EXPORT_AUTO, "name,memo\r\n\"Yamada, Taro\",\"two\r\nlines \"\"quoted\"\"\"\r\n\r\nx,\r\n",
	    "|name=Yamada, Taro|memo=two\nlines \"quoted\"\n|name=x|memo=\n", "", BK_OK);
	/* semicolons, and a first line of data: no header */
	check(BK_EXPORT_AUTO, "1;a@example.jp;x\n2;b@example.jp;y\n",
	    "|col1=1|col2=a@example.jp|col3=x\n|col1=2|col2=b@example.jp|col3=y\n", "", BK_OK);
	check(BK_EXPORT_AUTO, "a\tb\n1\t2\n", "|a=1|b=2\n", "", BK_OK);
	check(BK_EXPORT_CSV, "a,b\n1,\"open\n2,3\n", "|a=1|b=open\n2,3\n\n",
	    "2: quoted field never closed (read to the end of the input)\n", BK_ERROR);
}

static void
test_mysqldump(void **state)
{
	(void)state;
	check(BK_EXPORT_AUTO, "-- MariaDB dump 10.19\n/*!40101 SET NAMES utf8mb4 */;\n"
	    "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  `s` varchar(9) DEFAULT 'a,b',\n"
	    "  PRIMARY KEY (`id`)\n) ENGINE=InnoDB;\n"
	    "INSERT INTO `t` VALUES (1,'O\\'Brien\\n\\\\'),(2,NULL),(3,'a;b');\n"
	    "INSERT INTO `t` (`s`, `id`) VALUES ('x',4);\n",
	    "t|id=1|s=O'Brien\n\\\nt|id=2|s=\\N\nt|id=3|s=a;b\nt|s=x|id=4\n", "", BK_OK);
	check(BK_EXPORT_MYSQLDUMP, "CREATE TABLE t (a text);\nINSERT INTO t VALUES ('x'),('y",
	    "t|a=x\n", "2: INSERT INTO t (from line 2) cut off; its last row is not counted\n",
	    BK_ERROR);
}

static void
test_pg_dump(void **state)
{
	(void)state;
	check(BK_EXPORT_AUTO, "--\n-- PostgreSQL database dump\n--\n\\restrict abc\n"
	    "COPY public.t (id, s) FROM stdin;\n1\ta\\tb\\\\c\n2\t\\N\n\\.\n"
	    "INSERT INTO public.t VALUES (3, 'it''s\nmultiline'), (4, E'e\\nx');\n",
	    "public.t|id=1|s=a\tb\\c\npublic.t|id=2|s=\\N\npublic.t|id=3|s=it's\nmultiline\n"
	    "public.t|id=4|s=e\nx\n", "", BK_OK);
	check(BK_EXPORT_PGDUMP, "COPY t (a) FROM stdin;\nx\n", "t|a=x\n",
	    "2: COPY of t not ended by \\. (the dump is cut off)\n", BK_ERROR);
}

static void
test_sqlite(void **state)
{
	(void)state;
	check(BK_EXPORT_AUTO, "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
	    "CREATE TABLE p(id INTEGER PRIMARY KEY, note TEXT);\n"
	    "INSERT INTO p VALUES(1,replace('a\\nb','\\n',char(10)));\nCOMMIT;\n",
	    "p|id=1|note=a\\nb\n", "", BK_OK);
}

static void
test_ndjson(void **state)
{
	(void)state;
	check(BK_EXPORT_AUTO, "{\"a\":\"x\\u00e9\",\"b\":{\"c\":1,\"d\":[\"p\",null]}}\nnot json\n",
	    "|a=x\xc3\xa9|b.c=1|b.d[]=p|b.d[]=\\N\n",
	    "2: not a JSON object (column 1); line skipped\n", BK_ERROR);
	check(BK_EXPORT_NDJSON, "{\"a\":1}\n{\"a\":\n", "|a=1\n",
	    "2: invalid JSON (column 6); line skipped\n", BK_ERROR);
}

static void
test_names(void **state)
{
	enum bk_export_format f;

	(void)state;
	assert_int_equal(bk_export_format_parse("pg_dump", &f), BK_OK);
	assert_int_equal(f, BK_EXPORT_PGDUMP);
	assert_string_equal(bk_export_format_name(BK_EXPORT_SQLITE), "sqlite");
	assert_int_equal(bk_export_format_parse("xml", &f), BK_ERROR);
}

/*
 * One reader over inputs ever wider: its cell arrays grow with the rows.
 * (They once shared a capacity with the array handed to the caller, which
 * could then outgrow them: a write past their end, which the sanitizer
 * build catches.)
 */
static void
test_wider(void **state)
{
	bk_export *x = bk_export_new();
	char text[4096];

	(void)state;
	for (int cols = 1; cols <= 70; cols += 3) {
		size_t n = 0;

		for (int pass = 0; pass < 2; pass++) {
			for (int c = 0; c < cols; c++)
				n += (size_t)snprintf(text + n, sizeof text - n, "%s%c%d", c > 0 ? "," : "",
				    pass == 0 ? 'h' : 'v', c);
			text[n++] = '\n';
		}
		text[n] = '\0';
		char *path = tu_write(tu_dir, "in", text, n);
		bk_input *in = bk_input_new();
		struct got g = { 0 };

		assert_int_equal(bk_input_open(in, path), BK_OK);
		assert_int_equal(bk_export_read(x, in, BK_EXPORT_CSV, BK_CHARSET_AUTO, on_row, on_err,
		    &g), BK_OK);
		tu_buf_add(&g.rows, "", 1);
		assert_non_null(strstr(g.rows.data, "=v0"));
		free(g.rows.data);
		free(g.errs.data);
		bk_input_free(in);
		free(path);
	}
	bk_export_free(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_mysqldump),
		cmocka_unit_test(test_pg_dump),
		cmocka_unit_test(test_sqlite),
		cmocka_unit_test(test_ndjson),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_wider),
	};
	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
