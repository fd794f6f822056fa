/*
 * test_format_pg.c - unit tests of the PostgreSQL parsers: the stderr log
 * (format-postgres.c) with Debian's default prefix and others, multi-line
 * statements, parameters, durations, pgaudit, logins, errors; the csvlog
 * (format-pgcsv.c) with its quoted multi-line fields and column variants;
 * and the bounds and damage every parser must survive.
 */
#include "eventstr.h"

extern const struct bk__parser_ops bk__postgres_ops, bk__pgcsv_ops, bk__postgres_syslog_ops;

/*
 * Debian's default prefix has no client address: the session's events take
 * the one its "connection received" line named (pid 5001), others have none.
 */
static void
test_stderr_default_prefix(void **state)
{
	size_t len;
	char *text = tu_slurp("pg-stderr.log", &len);

	(void)state;
	tu_expect(&bk__postgres_ops, NULL, text,
	    "L3 2026-11-22T10:00:01.010Z actor=app ip=10.0.0.5 action=login +db:crm +pid=5001\n"
	    "L4 2026-11-22T10:00:02.500Z actor=app ip=10.0.0.5 action=read object=persons stmt=select "
	    "where=1 ids=1001 +db:crm +duration_ms=12.345 +pid=5001\n"
	    "L8 2026-11-22T10:00:03.000Z actor=app action=read object=persons stmt=select "
	    "where=1 ids=1002 +db:crm +pid=5002\n"
	    "L10 2026-11-22T10:00:04.000Z actor=app ip=10.0.0.5 action=export object=persons stmt=copy-out "
	    "where=0 +db:crm +duration_ms=2500.100 +pid=5001\n"
	    "L11 2026-11-22T10:00:05.000Z actor=app ip=10.0.0.5 action=read object=persns stmt=select status=1 where=0 "
	    "+db:crm +pid=5001\n"
	    "L13 2026-11-22T10:00:06.000Z actor=app action=read object=public.persons "
	    "method=SELECT stmt=select rows=3 where=1 ids=1|2|3 +audit:SESSION "
	    "+audit_class:READ +statement_id=1 +substatement_id=1 +db:crm +pid=5003\n"
	    "L15 2026-11-22T10:00:07.000Z actor=mallory action=login status=1 +db:crm "
	    "+pid=5004\n"
	    "L18 2026-11-22T10:00:08.000Z actor=app ip=10.0.0.5 action=logout +db:crm "
	    "+pid=5001\n",
	    "17");
	free(text);
}

/*
 * Through syslog: [N-M] pieces, #011 (rsyslog's TAB) or a TAB starting a
 * message's next line, a line cut by syslog joined again, no sequence
 * numbers, and a line that is no syslog line.
 */
static void
test_syslog(void **state)
{
	bk_parse_opts o = {.pg_prefix = "%m [%p] %q%u@%d "};

	(void)state;
	tu_expect(&bk__postgres_syslog_ops, &o,
	    "Nov 22 10:00:01 db1 postgres[5001]: [3-1] 2026-11-22 10:00:01.000 UTC [5001] app@crm "
	    "LOG:  statement: SELECT *\n"
	    "Nov 22 10:00:01 db1 postgres[5001]: [3-2] #011FROM persons\n"
	    "Nov 22 10:00:01 db1 postgres[5001]: [3-3] \tWHERE id = 1001\n"
	    "Nov 22 10:00:02 db1 postgres[5002]: [4-1] 2026-11-22 10:00:02.000 UTC [5002] app@crm "
	    "LOG:  statement: SELECT * FROM pers\n"
	    "Nov 22 10:00:02 db1 postgres[5002]: [4-2] ons WHERE id = 1002\n"
	    "2026-11-22T10:00:03.000+00:00 db1 postgres[5003]: 2026-11-22 10:00:03.000 UTC [5003] "
	    "app@crm LOG:  statement: COPY persons TO STDOUT\n"
	    "2026-11-22T10:00:03.000+00:00 db1 postgres[5003]: #011WITH CSV\n"
	    "not a syslog line\n",
	    "L1 2026-11-22T10:00:01.000Z actor=app action=read object=persons stmt=select "
	    "where=1 ids=1001 +db:crm +pid=5001\n"
	    "L4 2026-11-22T10:00:02.000Z actor=app action=read object=persons stmt=select "
	    "where=1 ids=1002 +db:crm +pid=5002\n"
	    "L6 2026-11-22T10:00:03.000Z actor=app action=export object=persons stmt=copy-out "
	    "where=0 +db:crm +pid=5003\n",
	    "8");
}

static void
test_stderr_prefixes(void **state)
{
	bk_parse_opts o = {.pg_prefix = "%m [%p] %q%u@%d %h %e "};
	bk_parse_opts pgbadger = {
	    .pg_prefix = "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%r "};
	bk_parse_opts verbose = {.pg_prefix = "%m [%p] "};

	(void)state;
	tu_expect(&bk__postgres_ops, &o,
	    "2026-11-22 10:00:00.000 UTC [77] app@crm 10.0.0.5 00000 LOG:  statement: "
	    "DELETE FROM persons\r\n"
	    "2026-11-22 10:00:01.000 UTC [77] app@crm 10.0.0.5 42501 ERROR:  permission denied "
	    "for table salaries\n"
	    "2026-11-22 10:00:01.000 UTC [77] app@crm 10.0.0.5 42501 STATEMENT:  "
	    "SELECT * FROM salaries\n"
	    "2026-11-22 10:00:02.000 UTC [78] LOG:  checkpoint complete\n",
	    "L1 2026-11-22T10:00:00.000Z actor=app ip=10.0.0.5 action=delete object=persons "
	    "stmt=delete where=0 +db:crm +pid=77\n"
	    "L2 2026-11-22T10:00:01.000Z actor=app ip=10.0.0.5 action=read object=salaries "
	    "stmt=select "
	    "status=1 where=0 +db:crm +sqlstate:42501 +pid=77\n",
	    "");
	/* %t in a named zone, %r with its port, %a with a space-free name. */
	tu_expect(&bk__postgres_ops, &pgbadger,
	    "2026-11-22 19:00:00 JST [900]: [3-1] user=app,db=crm,app=psql,client=10.0.0.5(51234)"
	    " LOG:  statement: SELECT * FROM persons LIMIT 10\n",
	    "L1 2026-11-22T10:00:00.000Z actor=app ip=10.0.0.5 action=read object=persons "
	    "stmt=select where=1 +db:crm +pid=900\n",
	    "");
	/* log_error_verbosity = verbose puts the SQLSTATE after the severity. */
	tu_expect(&bk__postgres_ops, &verbose,
	    "2026-11-22 10:00:00.000 UTC [80] ERROR:  42P01: relation \"x\" does not exist\n"
	    "2026-11-22 10:00:00.000 UTC [80] STATEMENT:  SELECT 1 FROM x\n"
	    "2026-11-22 10:00:00.000 UTC [81] LOG:  AUDIT: OBJECT,2,1,WRITE,DELETE,TABLE,"
	    "public.persons,DELETE FROM persons WHERE id = 5,<not logged>,1\n",
	    "L1 2026-11-22T10:00:00.000Z action=read object=x stmt=select status=1 where=0 +sqlstate:42P01 "
	    "+pid=80\n"
	    "L3 2026-11-22T10:00:00.000Z action=delete object=public.persons method=DELETE "
	    "stmt=delete rows=1 where=1 ids=5 +audit:OBJECT +audit_class:WRITE +statement_id=2 "
	    "+substatement_id=1 +pid=81\n",
	    "");
}

/*
 * Without --pg-prefix: the common prefixes are tried, and each message
 * line rules out those it does not fit. A background process's line (cut
 * short by %q) fits several; the session line after it settles on one.
 */
static void
test_stderr_auto_prefix(void **state)
{
	(void)state;
	tu_expect(&bk__postgres_ops, NULL,
	    "2026-11-22 10:00:00.000 JST [70] LOG:  database system is ready to accept connections\n"
	    "2026-11-22 10:00:01.000 JST [77] app@crm 10.0.0.5 LOG:  statement: SELECT * FROM persons\n"
	    "2026-11-22 10:00:02.000 JST [77] app@crm LOG:  statement: SELECT 1\n"
	    "2026-11-22 10:00:03.000 JST [77] app@crm 10.0.0.5 LOG:  statement: DELETE FROM persons\n",
	    "L2 2026-11-22T01:00:01.000Z actor=app ip=10.0.0.5 action=read object=persons "
	    "stmt=select where=0 +db:crm +pid=77\n"
	    "L4 2026-11-22T01:00:03.000Z actor=app ip=10.0.0.5 action=delete object=persons "
	    "stmt=delete where=0 +db:crm +pid=77\n",
	    "3");
	tu_expect(&bk__postgres_ops, NULL,
	    "2026-11-22 10:00:00.000 UTC [77] app@crm LOG:  statement: SELECT * FROM persons\n",
	    "L1 2026-11-22T10:00:00.000Z actor=app action=read object=persons stmt=select where=0 "
	    "+db:crm +pid=77\n",
	    "");
	tu_expect(&bk__postgres_ops, NULL,
	    "2026-11-22 19:00:00 JST [900]: [3-1] user=app,db=crm,app=psql,client=10.0.0.5(51234)"
	    " LOG:  statement: SELECT * FROM persons LIMIT 10\n",
	    "L1 2026-11-22T10:00:00.000Z actor=app ip=10.0.0.5 action=read object=persons "
	    "stmt=select where=1 +db:crm +pid=900\n",
	    "");
	tu_expect(&bk__postgres_ops, NULL,
	    "2026-11-22 10:00:00 UTC:10.0.0.5(40212):app@crm:[900]:LOG:  statement: "
	    "SELECT * FROM persons\n",
	    "L1 2026-11-22T10:00:00.000Z actor=app ip=10.0.0.5 action=read object=persons "
	    "stmt=select where=0 +db:crm +pid=900\n",
	    "");
	tu_expect(&bk__postgres_ops, NULL,
	    "2026-11-22 10:00:00.000 UTC [80] LOG:  statement: SELECT * FROM persons\n",
	    "L1 2026-11-22T10:00:00.000Z action=read object=persons stmt=select where=0 +pid=80\n",
	    "");
}

static void
test_stderr_bad_prefix(void **state)
{
	bk_parser p = {.ops = &bk__postgres_ops, .opts = {.pg_prefix = "%m %z "}};
	char *err = NULL;

	(void)state;
	assert_int_not_equal(bk__postgres_ops.init(&p, &err), BK_OK);
	assert_non_null(err);
	assert_true(strncmp(err, "postgres: --pg-prefix: unknown escape %z (known:", 48) == 0);
	free(err);
	assert_null(p.impl);
}

/* A statement that never ends is cut at the bound, emitted, and marked. */
static void
test_stderr_bounds(void **state)
{
	bk_parser *p = tu_parser(&bk__postgres_ops, NULL);
	struct tu_buf out = {0};
	char line[1001];
	const char *head = "2026-11-22 10:00:00.000 UTC [1] app@crm LOG:  statement: SELECT 1";

	(void)state;
	assert_int_equal(p->ops->line(p, head, strlen(head), 1, tu_collect, &out), BK_OK);
	memset(line, 'x', sizeof line);
	line[0] = '\t';
	for (uint64_t i = 2; i < 1200; i++)
		assert_int_equal(p->ops->line(p, line, sizeof line, i, tu_collect, &out), BK_OK);
	assert_null(out.data);
	/* Damage never crashes and never parses. */
	assert_int_equal(p->ops->line(p, "\xff\xfe\x00garbage", 10, 1200, tu_collect, &out), 1);
	assert_int_equal(p->ops->line(p, "", 0, 1201, tu_collect, &out), 1);
	assert_int_equal(p->ops->finish(p, tu_collect, &out), BK_OK);
	assert_non_null(out.data);
	assert_string_equal(out.data,
	    "L1 2026-11-22T10:00:00.000Z actor=app action=read stmt=select where=0 +db:crm +pid=1 "
	    "+truncated=true\n");
	free(out.data);
	tu_parser_free(p);
}

static void
test_stderr_raw(void **state)
{
	bk_parse_opts o = {.keep_raw = true};

	(void)state;
	tu_expect(&bk__postgres_ops, &o,
	    "2026-11-22 10:00:00.000 UTC [1] a@b LOG:  statement: SELECT *\n"
	    "\tFROM t\n",
	    "L1 2026-11-22T10:00:00.000Z actor=a action=read object=t stmt=select where=0 +db:b "
	    "+pid=1 raw=[2026-11-22 10:00:00.000 UTC [1] a@b LOG:  statement: SELECT *\n"
	    "\tFROM t]\n",
	    "");
}

static void
test_csvlog(void **state)
{
	size_t len;
	char *text = tu_slurp("pg.csv", &len);

	(void)state;
	tu_expect(&bk__pgcsv_ops, NULL, text,
	    "L1 2026-11-22T10:00:00.000Z actor=app ip=10.0.0.5 action=login +db:crm +pid=5001\n"
	    "L2 2026-11-22T10:00:02.500Z actor=app ip=10.0.0.5 action=read object=persons "
	    "method=SELECT stmt=select where=1 ids=1001 +db:crm +duration_ms=12.345 +pid=5001\n"
	    "L6 2026-11-22T10:00:03.000Z actor=app ip=10.0.0.6 action=read object=persons "
	    "method=SELECT stmt=select where=1 ids=1002 +db:crm +pid=5002\n"
	    "L7 2026-11-22T10:00:05.000Z actor=app ip=10.0.0.5 action=read object=salaries "
	    "method=SELECT "
	    "stmt=select status=1 where=0 +db:crm +sqlstate:42501 +pid=5001\n"
	    "L9 2026-11-22T10:00:06.000Z actor=app ip=[local] action=export object=persons "
	    "method=COPY stmt=copy-out where=0 +audit:SESSION +audit_class:READ "
	    "+statement_id=1 +substatement_id=1 +db:crm +pid=5003\n",
	    "8");
	free(text);
}

/* A quoted field left open at the end of the input is emitted, marked. */
static void
test_csvlog_unterminated(void **state)
{
	(void)state;
	tu_expect(&bk__pgcsv_ops, NULL,
	    "2026-11-22 10:00:00.000 UTC,\"app\",\"crm\",9,\"10.0.0.5:1\",x.1,1,\"SELECT\","
	    "2026-11-22 10:00:00 UTC,3/1,0,LOG,00000,\"statement: SELECT * FROM persons\n"
	    "WHERE id = 7",
	    "L1 2026-11-22T10:00:00.000Z actor=app ip=10.0.0.5 action=read object=persons "
	    "method=SELECT stmt=select where=1 ids=7 +db:crm +pid=9 +truncated=true\n",
	    "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stderr_default_prefix),
		cmocka_unit_test(test_stderr_prefixes),
		cmocka_unit_test(test_stderr_auto_prefix),
		cmocka_unit_test(test_syslog),
		cmocka_unit_test(test_stderr_bad_prefix),
		cmocka_unit_test(test_stderr_bounds),
		cmocka_unit_test(test_stderr_raw),
		cmocka_unit_test(test_csvlog),
		cmocka_unit_test(test_csvlog_unterminated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
