/*
 * test_sql.c - unit tests of lib/sql.c: a table of statements (what psql,
 * applications, pg_dump, mysqldump, mydumper and pgaudit-logged sessions
 * send, multi-line and commented ones, strings holding keywords) with the
 * kind, tables, filter, limit and record ids each must give; truncated and
 * garbage text read within its length; and the id cap. Then record ids in
 * URLs: the default rules, templates and query parameters from a spec, and
 * malformed specs.
 */
#include "testutil.h"

#include "sql.h"

struct sql_case {
	const char *sql;
	enum bk_stmt_kind kind;
	const char *tables;	/* space-separated, in order */
	bool where, limit;
	const char *ids;	/* space-separated */
	const char *range;	/* "lo hi", or NULL */
};

#define SEL BK_STMT_SELECT
#define CPO BK_STMT_COPY_OUT
#define OUTF BK_STMT_OUTFILE
#define INS BK_STMT_INSERT
#define UPD BK_STMT_UPDATE
#define DEL BK_STMT_DELETE
#define DDL BK_STMT_DDL
#define DUMP BK_STMT_DUMP
#define OTH BK_STMT_OTHER

static const struct sql_case cases[] = {
	/* Bulk reads and their filtered forms. */
	{"SELECT * FROM persons", SEL, "persons", false, false, "", NULL},
	{"select * from persons;", SEL, "persons", false, false, "", NULL},
	{"SELECT * FROM persons WHERE id = 42", SEL, "persons", true, false, "42", NULL},
	{"SELECT name FROM persons LIMIT 10", SEL, "persons", false, true, "", NULL},
	{"SELECT name FROM persons ORDER BY id LIMIT 10 OFFSET 20", SEL, "persons", false, true, "",
	    NULL},
	{"SELECT * FROM persons FETCH FIRST 5 ROWS ONLY", SEL, "persons", false, true, "", NULL},
	{"SELECT TOP 10 * FROM persons", SEL, "persons", false, true, "", NULL},
	{"SELECT * FROM public.persons p WHERE p.id = '42'", SEL, "public.persons", true, false,
	    "42", NULL},
	{"SELECT * FROM persons WHERE persons.id = '42'", SEL, "persons", true, false, "42", NULL},
	{"SELECT * FROM persons WHERE person_id IN (1, 2, 3)", SEL, "persons", true, false,
	    "1 2 3", NULL},
	{"SELECT * FROM persons WHERE id BETWEEN 100 AND 200", SEL, "persons", true, false, "",
	    "100 200"},
	{"SELECT * FROM persons WHERE id > 5", SEL, "persons", true, false, "", NULL},
	{"SELECT * FROM persons WHERE name = 'x'", SEL, "persons", true, false, "", NULL},
	{"SELECT * FROM persons WHERE id = $1", SEL, "persons", true, false, "", NULL},
	{"SELECT * FROM persons WHERE id = ?", SEL, "persons", true, false, "", NULL},
	{"SELECT * FROM persons WHERE id = :id", SEL, "persons", true, false, "", NULL},
	{"SELECT * FROM persons WHERE id NOT IN (1, 2)", SEL, "persons", true, false, "", NULL},
	{"SELECT * FROM persons WHERE id <> 7 AND account_id != 8", SEL, "persons", true, false, "",
	    NULL},
	{"SELECT * FROM persons WHERE id = 4 + 1", SEL, "persons", true, false, "", NULL},
	{"SELECT * FROM persons WHERE \"id\" = 9 AND tenant_id = 'acme'", SEL, "persons", true,
	    false, "9 acme", NULL},
	{"SELECT * FROM persons WHERE id BETWEEN 'a' AND 'z'", SEL, "persons", true, false, "", NULL},
	{"SELECT * FROM persons WHERE (id = 1 OR id = 2) AND NOT deleted", SEL, "persons", true,
	    false, "1 2", NULL},
	{"SELECT * FROM persons WHERE id IN ('0b0e7c1e-8f3a-4c55-9d2c-6f1b2a3c4d5e')", SEL,
	    "persons", true, false, "0b0e7c1e-8f3a-4c55-9d2c-6f1b2a3c4d5e", NULL},
	{"SELECT * FROM persons WHERE id = 42::bigint", SEL, "persons", true, false, "42", NULL},
	/* A statement whose bind parameters the parser already substituted. */
	{"SELECT p.name, p.email FROM persons p WHERE p.id = 1234 AND p.tenant_id = 7", SEL,
	    "persons", true, false, "1234 7", NULL},
	/* Joins, lists, subqueries, CTEs. */
	{"SELECT p.*, a.city FROM persons p JOIN addresses a ON a.person_id = p.id", SEL,
	    "persons addresses", false, false, "", NULL},
	{"SELECT * FROM persons p LEFT OUTER JOIN addresses AS a USING (person_id) "
	 "INNER JOIN cities c ON c.id = a.city_id WHERE c.id = 3",
	    SEL, "persons addresses cities", true, false, "3", NULL},
	{"SELECT * FROM persons, addresses a, public.cities AS c", SEL,
	    "persons addresses public.cities", false, false, "", NULL},
	{"SELECT * FROM (SELECT * FROM persons WHERE id = 5) AS x", SEL, "persons", false, false,
	    "5", NULL},
	{"SELECT * FROM (SELECT * FROM persons) x, accounts WHERE x.id = accounts.person_id", SEL,
	    "persons accounts", true, false, "", NULL},
	{"SELECT count(*) FROM persons WHERE id IN (SELECT person_id FROM orders WHERE total > 9)",
	    SEL, "persons orders", true, false, "", NULL},
	{"SELECT * FROM persons WHERE EXISTS (SELECT 1 FROM orders o WHERE o.person_id = 77)", SEL,
	    "persons orders", true, false, "77", NULL},
	{"WITH recent AS (SELECT * FROM orders WHERE created > now() - interval '1 day') "
	 "SELECT * FROM recent JOIN persons ON persons.id = recent.person_id",
	    SEL, "orders persons", false, false, "", NULL},
	{"WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 9) SELECT * FROM t",
	    SEL, "", false, false, "", NULL},
	{"(SELECT * FROM persons WHERE id = 1) UNION (SELECT * FROM staff)", SEL, "persons staff",
	    true, false, "1", NULL},
	{"SELECT extract(year FROM birth_date), trim(both ' ' from name) FROM persons", SEL,
	    "persons", false, false, "", NULL},
	{"SELECT * FROM generate_series(1, 10) g", SEL, "", false, false, "", NULL},
	{"SELECT a IS DISTINCT FROM b FROM persons", SEL, "persons", false, false, "", NULL},
	{"SELECT 1 FROM DUAL", SEL, "", false, false, "", NULL},
	{"TABLE persons", SEL, "persons", false, false, "", NULL},
	{"SELECT * FROM `shop`.`customers` WHERE `customer_id` = 12", SEL, "`shop`.`customers`",
	    true, false, "12", NULL},
	{"SELECT * FROM \"Persons\"", SEL, "Persons", false, false, "", NULL},
	{"SELECT * FROM persons FOR UPDATE", SEL, "persons", false, false, "", NULL},
	/* Strings and comments that hold keywords. */
	{"SELECT 'FROM x WHERE id = 1' AS s FROM persons", SEL, "persons", false, false, "", NULL},
	{"SELECT 'it''s FROM y' FROM persons", SEL, "persons", false, false, "", NULL},
	{"SELECT 'back\\'slash FROM z' FROM persons", SEL, "persons", false, false, "", NULL},
	{"SELECT $$ FROM inside $$, $tag$ WHERE $tag$ FROM persons", SEL, "persons", false, false,
	    "", NULL},
	{"SELECT * -- FROM hidden WHERE id = 1\nFROM persons", SEL, "persons", false, false, "",
	    NULL},
	{"SELECT * /* FROM hidden WHERE */ FROM persons # LIMIT 5\n", SEL, "persons", false, false,
	    "", NULL},
	{"/* app=billing */ SELECT * FROM invoices", SEL, "invoices", false, false, "", NULL},
	{"  \n\t-- leading comment\n  SELECT *\n    FROM persons\n   WHERE id = 3\n", SEL, "persons",
	    true, false, "3", NULL},
	{"SELECT data #> '{a}' FROM docs", SEL, "docs", false, false, "", NULL},
	/* Exports. */
	{"COPY persons TO '/tmp/persons.csv' WITH (FORMAT csv)", CPO, "persons", false, false, "",
	    NULL},
	{"COPY persons TO STDOUT", CPO, "persons", false, false, "", NULL},
	{"\\copy persons to 'persons.csv' csv header", CPO, "persons", false, false, "", NULL},
	{"COPY (SELECT * FROM persons WHERE id < 100) TO STDOUT WITH CSV", CPO, "persons", true,
	    false, "", NULL},
	{"COPY (SELECT name, email FROM persons) TO PROGRAM 'gzip > /tmp/p.gz'", CPO, "persons",
	    false, false, "", NULL},
	{"COPY persons (id, name) FROM STDIN", INS, "persons", false, false, "", NULL},
	{"SELECT * FROM persons INTO OUTFILE '/tmp/persons.txt'", OUTF, "persons", false, false, "",
	    NULL},
	{"SELECT id, email INTO OUTFILE '/var/lib/mysql-files/p.csv' FIELDS TERMINATED BY ',' "
	 "FROM persons",
	    OUTF, "persons", false, false, "", NULL},
	{"SELECT * FROM persons WHERE id = 1 INTO DUMPFILE '/tmp/one'", OUTF, "persons", true,
	    false, "1", NULL},
	/* Dump clients: pg_dump, mysqldump, mydumper. */
	{"COPY public.persons (id, name, email) TO stdout;", DUMP, "public.persons", false, false,
	    "", NULL},
	{"COPY public.\"Persons\" (id, \"Name\") TO stdout;", DUMP, "public.\"Persons\"", false,
	    false, "", NULL},
	{"DECLARE _pg_dump_cursor CURSOR FOR SELECT * FROM ONLY public.persons", DUMP,
	    "public.persons", false, false, "", NULL},
	{"FETCH 100 FROM _pg_dump_cursor", OTH, "", false, false, "", NULL},
	{"LOCK TABLE public.persons IN ACCESS SHARE MODE", OTH, "", false, false, "", NULL},
	{"SELECT /*!40001 SQL_NO_CACHE */ * FROM `persons`", DUMP, "persons", false, false, "",
	    NULL},
	{"SELECT /*!40001 SQL_NO_CACHE */ * FROM `shop`.`orders` WHERE (`id` >= 1 AND `id` < 5000)",
	    DUMP, "`shop`.`orders`", true, false, "", NULL},
	{"SELECT SQL_NO_CACHE * FROM persons", SEL, "persons", false, false, "", NULL},
	/* MariaDB 10.11's mariadb-dump names the columns (tests/data/real). */
	{"SELECT /*!40001 SQL_NO_CACHE */ `id`, `name` FROM `persons`", DUMP, "persons", false,
	    false, "", NULL},
	{"SELECT /*!40001 SQL_NO_CACHE */ `id` FROM `db`.`t` FORCE INDEX (`PRIMARY`) "
	 "WHERE `id` IS NOT NULL ORDER BY `id` LIMIT 1",
	    SEL, "`db`.`t`", true, true, "", NULL},
	{"/*!40100 SET @@SQL_MODE='' */", OTH, "", false, false, "", NULL},
	{"/*!40101 SET NAMES utf8mb4 */", OTH, "", false, false, "", NULL},
	/* As pgaudit logs them (the parser has taken the statement out of the CSV). */
	{"SELECT id, name FROM public.persons WHERE id = 1", SEL, "public.persons", true, false,
	    "1", NULL},
	{"COPY public.persons TO '/tmp/persons.csv'", CPO, "public.persons", false, false, "", NULL},
	{"CREATE TABLE public.persons_copy AS TABLE public.persons", DDL,
	    "public.persons_copy public.persons", false, false, "", NULL},
	{"Select\n  p.id,\n  p.name\nFrom\n  persons p\nWhere\n  p.id In (10,\n 20)\n", SEL,
	    "persons", true, false, "10 20", NULL},
	{"/*!50001 CREATE ALGORITHM=UNDEFINED VIEW `v` AS select 1 */", DDL, "", false, false, "",
	    NULL},
	/* Writes. */
	{"INSERT INTO persons (name, email) VALUES ('a', 'b')", INS, "persons", false, false, "",
	    NULL},
	{"INSERT INTO archive SELECT * FROM persons WHERE id = 9", INS, "archive persons", true,
	    false, "9", NULL},
	{"INSERT IGNORE INTO t VALUES (1) ON DUPLICATE KEY UPDATE person_id = 5", INS, "t", false,
	    false, "", NULL},
	{"INSERT INTO t (id) VALUES (1) ON CONFLICT (id) DO UPDATE SET n = 2", INS, "t", false,
	    false, "", NULL},
	{"REPLACE INTO persons VALUES (1, 'x')", INS, "persons", false, false, "", NULL},
	{"REPLACE persons VALUES (1, 'x')", INS, "persons", false, false, "", NULL},
	{"LOAD DATA LOCAL INFILE '/tmp/p.csv' INTO TABLE persons FIELDS TERMINATED BY ','", INS,
	    "persons", false, false, "", NULL},
	{"UPDATE persons SET person_id = 5, name = 'x' WHERE id = 42", UPD, "persons", true, false,
	    "42", NULL},
	{"UPDATE LOW_PRIORITY persons p, accounts a SET p.x = a.y WHERE p.id = a.person_id", UPD,
	    "persons accounts", true, false, "", NULL},
	{"UPDATE persons SET active = false", UPD, "persons", false, false, "", NULL},
	{"UPDATE persons SET x = 1 WHERE id = 1 LIMIT 1", UPD, "persons", true, true, "1", NULL},
	{"MERGE INTO persons p USING staging s ON p.id = s.id WHEN MATCHED THEN UPDATE SET x = 1",
	    UPD, "persons staging", false, false, "", NULL},
	{"DELETE FROM persons WHERE id IN (7, 8)", DEL, "persons", true, false, "7 8", NULL},
	{"DELETE FROM persons", DEL, "persons", false, false, "", NULL},
	{"DELETE p FROM persons p JOIN bans b ON b.person_id = p.id", DEL, "p persons bans", false,
	    false, "", NULL},
	{"DELETE FROM persons USING bans WHERE bans.person_id = persons.id", DEL, "persons bans",
	    true, false, "", NULL},
	{"TRUNCATE TABLE persons, accounts", DEL, "persons accounts", false, false, "", NULL},
	{"TRUNCATE persons", DEL, "persons", false, false, "", NULL},
	/* DDL and the rest. */
	{"CREATE TABLE backup AS SELECT * FROM persons", DDL, "backup persons", false, false, "",
	    NULL},
	{"CREATE TEMP TABLE IF NOT EXISTS x (id int)", DDL, "x", false, false, "", NULL},
	{"DROP TABLE IF EXISTS persons", DDL, "persons", false, false, "", NULL},
	{"ALTER TABLE persons ADD COLUMN note text", DDL, "persons", false, false, "", NULL},
	{"GRANT SELECT ON TABLE persons TO analyst", DDL, "persons", false, false, "", NULL},
	{"EXPLAIN SELECT * FROM persons", OTH, "", false, false, "", NULL},
	{"EXPLAIN ANALYZE SELECT * FROM persons", OTH, "", false, false, "", NULL},
	{"SHOW TABLES FROM shop", OTH, "", false, false, "", NULL},
	{"SET search_path = public", OTH, "", false, false, "", NULL},
	{"BEGIN", OTH, "", false, false, "", NULL},
	{"SELECT pg_catalog.set_config('search_path', '', false);", SEL, "", false, false, "", NULL},
	/* Only the first of several statements. */
	{"SELECT * FROM a WHERE id = 1; SELECT * FROM b", SEL, "a", true, false, "1", NULL},
	{"BEGIN; SELECT * FROM persons", OTH, "", false, false, "", NULL},
	/* Not SQL, or cut short. */
	{"", OTH, "", false, false, "", NULL},
	{"   ", OTH, "", false, false, "", NULL},
	{"-- only a comment", OTH, "", false, false, "", NULL},
	{"GET /index.html HTTP/1.1", OTH, "", false, false, "", NULL},
	{"SELECT * FROM", SEL, "", false, false, "", NULL},
	{"SELECT * FROM persons WHERE id =", SEL, "persons", true, false, "", NULL},
	{"SELECT * FROM persons WHERE id IN (1, 2", SEL, "persons", true, false, "", NULL},
	{"SELECT * FROM persons WHERE name = 'unterminated", SEL, "persons", true, false, "", NULL},
	{"SELECT * FROM persons /* unterminated", SEL, "persons", false, false, "", NULL},
	{"SELECT * FROM \"unterminated", SEL, "unterminated", false, false, "", NULL},
	{"SELECT $x$ never closed", SEL, "", false, false, "", NULL},
	{"((((", OTH, "", false, false, "", NULL},
	{"))) SELECT", OTH, "", false, false, "", NULL},
	{"SELECT * FROM a WHERE id IN (SELECT (((( FROM", SEL, "a", true, false, "", NULL},
};

/* Checks SQL's TEXT (space-separated items) against N spans. */
static void
check_spans(const char *sql, const char *what, const char *want, const bk_span *got, size_t n)
{
	char buf[1024];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%.*s", i ? " " : "",
		    (int)got[i].len, got[i].ptr);
	if (strcmp(buf, want) != 0)
		fail_msg("%s\n  %s: got \"%s\", want \"%s\"", sql, what, buf, want);
}

static void
test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct sql_case *c = &cases[i];
		size_t len = strlen(c->sql);
		/* An exact-size copy: ASan catches a read past LEN. */
		char *copy = malloc(len ? len : 1);
		struct bk_sql_info info;
		bk_span ids[16];
		char range[64];

		memcpy(copy, c->sql, len);
		bk_sql_classify(copy, len, &info, ids, 16);
		if (info.kind != c->kind)
			fail_msg("%s\n  kind: got %s, want %s", c->sql, bk_stmt_name(info.kind),
			    bk_stmt_name(c->kind));
		check_spans(c->sql, "tables", c->tables, info.tables, info.ntables);
		check_spans(c->sql, "ids", c->ids, ids, info.nids);
		if (info.where != c->where)
			fail_msg("%s\n  where: got %d", c->sql, info.where);
		if (info.limit != c->limit)
			fail_msg("%s\n  limit: got %d", c->sql, info.limit);
		snprintf(range, sizeof range, "%lld %lld", (long long)info.range_lo,
		    (long long)info.range_hi);
		if (info.has_range != (c->range != NULL) ||
		    (c->range != NULL && strcmp(range, c->range) != 0))
			fail_msg("%s\n  range: got %d %s", c->sql, info.has_range, range);
		assert_int_equal(info.ids_dropped, 0);
		free(copy);
	}
}

static void
test_names(void **state)
{
	static const char *const want[] = {"other", "select", "copy-out", "select-into-outfile",
		"insert", "update", "delete", "ddl", "dump-client"};

	(void)state;
	for (int k = BK_STMT_OTHER; k <= BK_STMT_DUMP; k++)
		assert_string_equal(bk_stmt_name((enum bk_stmt_kind)k), want[k]);
}

static void
test_id_cap(void **state)
{
	const char *sql = "SELECT * FROM persons WHERE id IN (1, 2, 3, 4, 5) OR person_id = 6";
	struct bk_sql_info info;
	bk_span ids[3];

	(void)state;
	bk_sql_classify(sql, strlen(sql), &info, ids, 3);
	assert_int_equal(info.nids, 3);
	assert_int_equal(info.ids_dropped, 3);
	check_spans(sql, "ids", "1 2 3", ids, info.nids);
	/* No array: every id is counted as dropped. */
	bk_sql_classify(sql, strlen(sql), &info, NULL, 0);
	assert_int_equal(info.nids, 0);
	assert_int_equal(info.ids_dropped, 6);
	/* Repeats are one id. */
	sql = "SELECT * FROM t WHERE id = 5 OR id = 5 OR id IN (5, 6)";
	bk_sql_classify(sql, strlen(sql), &info, ids, 3);
	check_spans(sql, "ids", "5 6", ids, info.nids);
}

static void
test_many_tables(void **state)
{
	const char *sql = "SELECT * FROM a, b, c, d, e, f, g, h, i, j JOIN k ON 1 = 1";
	struct bk_sql_info info;

	(void)state;
	bk_sql_classify(sql, strlen(sql), &info, NULL, 0);
	assert_int_equal(info.ntables, BK_SQL_MAX_TABLES);
	check_spans(sql, "tables", "a b c d e f g h", info.tables, info.ntables);
	/* The same table named twice, in other case, is one. */
	sql = "SELECT * FROM persons JOIN PERSONS p2 ON 1 = 1";
	bk_sql_classify(sql, strlen(sql), &info, NULL, 0);
	check_spans(sql, "tables", "persons", info.tables, info.ntables);
}

/* Every prefix of every case, and deep nesting: no crash, no read past the end. */
static void
test_prefixes(void **state)
{
	struct bk_sql_info info;
	bk_span ids[4];
	char *deep;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t len = strlen(cases[i].sql);

		for (size_t n = 0; n <= len; n++) {
			char *copy = malloc(n ? n : 1);

			memcpy(copy, cases[i].sql, n);
			bk_sql_classify(copy, n, &info, ids, 4);
			assert_true(info.ntables <= BK_SQL_MAX_TABLES);
			assert_true(info.nids <= 4);
			for (size_t k = 0; k < info.ntables; k++)
				assert_true(info.tables[k].ptr >= copy &&
				    info.tables[k].ptr + info.tables[k].len <= copy + n);
			for (size_t k = 0; k < info.nids; k++)
				assert_true(ids[k].ptr >= copy && ids[k].ptr + ids[k].len <= copy + n);
			free(copy);
		}
	}
	deep = malloc(20000);
	memcpy(deep, "SELECT * FROM t WHERE ", 22);
	memset(deep + 22, '(', 10000);
	memcpy(deep + 10022, "id = 1", 6);
	memset(deep + 10028, ')', 9972);
	bk_sql_classify(deep, 20000, &info, ids, 4);
	assert_int_equal(info.kind, BK_STMT_SELECT);
	assert_true(info.where);
	bk_sql_classify(NULL, 0, &info, ids, 4);
	assert_int_equal(info.kind, BK_STMT_OTHER);
	free(deep);
}

/* Random bytes drawn from SQL's alphabet: no crash, spans inside the input. */
static void
test_garbage(void **state)
{
	static const char alpha[] = "SELECT FROM WHERE id IN ( ) , ; ' \" ` $ $$ -- /* */ /*! # \\ "
				    "\n 1 2 . = ? @ : E' x_id";
	struct bk_sql_info info;
	bk_span ids[4];
	unsigned seed = 12345;
	char buf[96];

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n = (seed = seed * 1103515245 + 12345) % sizeof buf;
		char *copy;

		for (size_t i = 0; i < n; i++)
			buf[i] = alpha[((seed = seed * 1103515245 + 12345) >> 16) % (sizeof alpha - 1)];
		copy = malloc(n ? n : 1);
		memcpy(copy, buf, n);
		bk_sql_classify(copy, n, &info, ids, 4);
		for (size_t k = 0; k < info.ntables; k++)
			assert_true(info.tables[k].ptr >= copy &&
			    info.tables[k].ptr + info.tables[k].len <= copy + n);
		for (size_t k = 0; k < info.nids; k++)
			assert_true(ids[k].ptr >= copy && ids[k].ptr + ids[k].len <= copy + n);
		free(copy);
	}
}

/* The ids X finds in URL, space-separated, must be WANT; returns the count. */
static size_t
url_ids(const bk_urlids *x, const char *url, const char *want, size_t cap)
{
	size_t len = strlen(url), n;
	char *copy = malloc(len ? len : 1);
	bk_span ids[16];
	char buf[512];
	size_t off = 0;

	assert_true(cap <= 16);
	memcpy(copy, url, len);
	n = bk_urlids_find(x, copy, len, ids, cap);
	buf[0] = '\0';
	for (size_t i = 0; i < n && i < cap; i++) {
		assert_true(ids[i].ptr >= copy && ids[i].ptr + ids[i].len <= copy + len);
		off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%.*s", i ? " " : "",
		    (int)ids[i].len, ids[i].ptr);
	}
	if (strcmp(buf, want) != 0)
		fail_msg("%s: got \"%s\", want \"%s\"", url, buf, want);
	free(copy);
	return n;
}

static void
test_urlids_defaults(void **state)
{
	char unset[] = "unset", *err = unset;
	bk_urlids *x = bk_urlids_new(NULL, &err);

	(void)state;
	assert_non_null(x);
	assert_null(err);
	url_ids(x, "/api/persons/1234", "1234", 16);
	url_ids(x, "/api/v1/persons/1234/orders/5678?x=1", "1234 5678", 16);
	url_ids(x, "/persons/0B0E7C1E-8f3a-4c55-9d2c-6f1b2a3c4d5e/", "0B0E7C1E-8f3a-4c55-9d2c-6f1b2a3c4d5e", 16);
	url_ids(x, "/persons/1234;jsessionid=A1B2", "1234", 16);
	url_ids(x, "http://shop.example:8080/api/persons/99?id=99", "99", 16);
	url_ids(x, "/persons/12#section?id=3", "12", 16);
	/* Not ids: a leading number, dates, file names, versions, encoded digits. */
	url_ids(x, "/1234", "", 16);
	url_ids(x, "/2026/11/22/news", "", 16);
	url_ids(x, "/images/1234.png", "", 16);
	url_ids(x, "/api/v1", "", 16);
	url_ids(x, "/api/persons/%31%32", "", 16);
	url_ids(x, "/persons/0b0e7c1e8f3a4c559d2c6f1b2a3c4d5e", "", 16);
	url_ids(x, "http://shop.example:8080", "", 16);
	url_ids(x, "", "", 16);
	/* Query parameters: id, ids (a list), *_id, camelCase *Id; not paid, valid. */
	url_ids(x, "/search?id=42&personId=7&paid=1&valid=2&account_ID=x9&ids=1,2%2C3&q=a",
	    "42 7 x9 1 2 3", 16);
	url_ids(x, "/api/persons?ids[]=5&ids%5B%5D=6&ID=7", "5 6 7", 16);
	url_ids(x, "/persons/5?id=&ids=,,", "5", 16);
	url_ids(x, "/x?UserId=3&userID=4&Id=5", "3 5", 16);
	/* Only CAP are kept; the count is of all. */
	assert_int_equal(url_ids(x, "/a/1/b/2/c/3?ids=4,5", "1 2", 2), 5);
	assert_int_equal(bk_urlids_find(x, "/a/1/b/2", 8, NULL, 0), 2);
	bk_urlids_free(x);
	bk_urlids_free(NULL);
}

static void
test_urlids_spec(void **state)
{
	char *err = NULL;
	bk_urlids *x = bk_urlids_new(" path:/api/persons/{id} , query:member,"
				     "path:/export/{id}.csv,path:/orgs/*/members/{id}", &err);

	(void)state;
	assert_non_null(x);
	assert_null(err);
	url_ids(x, "/api/persons/abc-1/orders?member=7,8&id=9", "abc-1 7 8", 16);
	url_ids(x, "/api/persons", "", 16);
	url_ids(x, "/api/people/5", "", 16);
	url_ids(x, "/export/2026.csv", "2026", 16);
	url_ids(x, "/export/.csv", "", 16);
	url_ids(x, "/export/2026.json", "", 16);
	url_ids(x, "/orgs/acme/members/42", "42", 16);
	url_ids(x, "/orgs/acme/staff/42", "", 16);
	/* The defaults are replaced. */
	url_ids(x, "/persons/5?id=6", "", 16);
	bk_urlids_free(x);
}

static void
test_urlids_errors(void **state)
{
	static const struct {
		const char *spec, *err;
	} bad[] = {
		{"", "URL id spec \"\": an empty item"},
		{"query:a,,query:b", "URL id spec \"query:a,,query:b\": an empty item"},
		{"path:api/{id}", "URL id spec \"path:api/{id}\": path:api/{id}: a path template "
				  "starts with /"},
		{"path:/a/b", "URL id spec \"path:/a/b\": path:/a/b: the template has no {id}"},
		{"path:/a/{name}", "URL id spec \"path:/a/{name}\": path:/a/{name}: only {id} may "
				   "be written in braces"},
		{"path:/a/{id}{id}", "URL id spec \"path:/a/{id}{id}\": path:/a/{id}{id}: one {id} "
				     "per segment"},
		{"path:/a/x}/{id}", "URL id spec \"path:/a/x}/{id}\": path:/a/x}/{id}: a } without "
				    "its {"},
		{"query:", "URL id spec \"query:\": query:: not a parameter name"},
		{"query:a=b", "URL id spec \"query:a=b\": query:a=b: not a parameter name"},
		{"id", "URL id spec \"id\": id: not path:/TEMPLATE or query:NAME"},
	};
	char *err;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err = NULL;
		assert_null(bk_urlids_new(bad[i].spec, &err));
		assert_non_null(err);
		assert_string_equal(err, bad[i].err);
		free(err);
	}
	assert_null(bk_urlids_new("path:x", NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_id_cap),
		cmocka_unit_test(test_many_tables),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_urlids_defaults),
		cmocka_unit_test(test_urlids_spec),
		cmocka_unit_test(test_urlids_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
