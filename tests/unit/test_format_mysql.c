/*
 * test_format_mysql.c - unit tests of format-mysql.c: the general query log
 * as MySQL 8 and MariaDB write it (times carried, threads' users carried to
 * their queries, multi-line queries, failed logins), the slow query log in
 * both dialects, and MariaDB's server_audit log with its escapes and its
 * older raw newlines.
 */
#include "eventstr.h"

extern const struct bk__parser_ops bk__mysql_general_ops, bk__mysql_slow_ops,
    bk__mariadb_audit_ops;

static void
test_general_mysql(void **state)
{
	size_t len;
	char *text = tu_slurp("mysql-general.log", &len);

	(void)state;
	tu_expect(&bk__mysql_general_ops, NULL, text,
	    "L4 2026-11-22T10:00:00.100Z actor=app ip=10.0.0.5 action=login +db:crm "
	    "+thread_id=12\n"
	    "L5 2026-11-22T10:00:00.200Z actor=app ip=10.0.0.5 action=read object=persons "
	    "stmt=select where=1 ids=1001|1002 +db:crm +thread_id=12\n"
	    "L7 2026-11-22T10:00:00.300Z actor=mallory ip=10.0.0.66 action=login status=1 "
	    "+thread_id=13\n"
	    "L8 2026-11-22T10:00:00.400Z actor=app ip=10.0.0.5 action=export object=persons "
	    "stmt=select-into-outfile where=0 +db:crm +thread_id=12\n"
	    "L9 2026-11-22T10:00:00.500Z actor=app ip=10.0.0.5 action=logout +thread_id=12\n",
	    "");
	free(text);
}

static void
test_general_mariadb(void **state)
{
	size_t len;
	char *text = tu_slurp("mariadb-general.log", &len);

	(void)state;
	tu_expect(&bk__mysql_general_ops, NULL, text,
	    "L4 2026-11-22T10:00:00.000Z actor=app ip=localhost action=login +db:crm "
	    "+thread_id=21\n"
	    "L5 2026-11-22T10:00:00.000Z actor=app ip=localhost action=read object=persons "
	    "stmt=select where=1 ids=5 +db:crm +thread_id=21\n"
	    "L7 2026-11-22T10:00:01.000Z actor=app ip=localhost action=delete object=persons "
	    "stmt=delete where=1 ids=6 +db:crm2 +thread_id=21\n"
	    "L8 2026-11-22T10:00:01.000Z actor=app ip=localhost action=logout +thread_id=21\n",
	    "");
	free(text);
	/* A query of a thread whose Connect was not seen; a stray line before any entry. */
	tu_expect(&bk__mysql_general_ops, NULL,
	    "stray\n"
	    "2026-11-22T10:00:00.000000Z\t   99 Query\tSELECT 1\r\n",
	    "L2 2026-11-22T10:00:00.000Z action=read stmt=select where=0 +thread_id=99\n",
	    "1");
}

static void
test_slow(void **state)
{
	size_t len;
	char *text = tu_slurp("mysql-slow.log", &len);

	(void)state;
	tu_expect(&bk__mysql_slow_ops, NULL, text,
	    "L4 2026-11-22T10:00:00.000Z actor=app ip=10.0.0.5 action=read object=persons "
	    "stmt=select rows=3000 where=0 +db:crm +rows_examined=10000 +query_time=2.500122 "
	    "+lock_time=0.000112 +thread_id=12\n"
	    "L11 2026-11-22T10:00:04.000Z actor=app ip=10.0.0.5 action=write object=persons "
	    "stmt=update rows=0 where=1 ids=42 +rows_examined=1 +query_time=0.100000 "
	    "+lock_time=0.000010 +thread_id=12\n"
	    "L16 2026-11-22T10:00:06.000Z actor=report ip=localhost action=read object=persons "
	    "stmt=select rows=500 out=40960 where=1 +db:crm +rows_examined=500 "
	    "+query_time=1.000000 +lock_time=0.000000 +thread_id=30\n"
	    "L23 2026-11-22T10:00:06.000Z actor=report ip=localhost action=delete "
	    "object=persons stmt=delete rows=7 out=52 where=1 +id_from=1 +id_to=7 +db:crm "
	    "+rows_examined=0 +query_time=0.500000 +lock_time=0.000000 +thread_id=30\n",
	    "");
	free(text);
}

static void
test_audit(void **state)
{
	size_t len;
	char *text = tu_slurp("server_audit.log", &len);

	(void)state;
	tu_expect(&bk__mariadb_audit_ops, NULL, text,
	    "L1 2026-11-22T10:00:00.000Z actor=app ip=10.0.0.5 action=login method=CONNECT "
	    "status=0 +db:crm +connection_id=12\n"
	    "L2 2026-11-22T10:00:01.000Z actor=app ip=10.0.0.5 action=read object=persons "
	    "method=QUERY stmt=select status=0 where=1 ids=9 +db:crm +connection_id=12 "
	    "+query_id=101\n"
	    "L3 2026-11-22T10:00:01.000Z actor=app ip=10.0.0.5 action=read object=persons "
	    "method=READ +db:crm +connection_id=12 +query_id=101\n"
	    "L4 2026-11-22T10:00:02.000Z actor=app ip=10.0.0.5 action=delete object=persons "
	    "method=QUERY stmt=delete status=1146 where=1 ids=10 +db:crm +connection_id=12 "
	    "+query_id=102\n"
	    "L5 2026-11-22T10:00:03.000Z actor=mallory ip=10.0.0.66 action=login "
	    "method=FAILED_CONNECT status=1045 +connection_id=13\n"
	    "L6 2026-11-22T10:00:04.000Z actor=app ip=10.0.0.5 action=read object=persons "
	    "method=QUERY stmt=select status=0 where=0 +db:crm +connection_id=12 +query_id=103\n"
	    "L9 2026-11-22T10:00:05.000Z actor=app ip=10.0.0.5 action=logout method=DISCONNECT "
	    "status=0 +db:crm +connection_id=12\n",
	    "8");
	free(text);
}

/* The syslog output variant, and a quote that never closes. */
static void
test_audit_syslog_and_bounds(void **state)
{
	bk_parse_opts o = {.year = 2026};

	(void)state;
	tu_expect(&bk__mariadb_audit_ops, &o,
	    "Nov 22 10:00:00 db1 mysql-server_auditing: db1,app,10.0.0.5,12,7,QUERY,crm,"
	    "'SELECT * FROM persons',0\n"
	    "20261122 10:00:01,db1,app,10.0.0.5,12,8,QUERY,crm,'SELECT * FROM persons WHERE id = 3",
	    "L1 2026-11-22T10:00:00.000Z actor=app ip=10.0.0.5 action=read object=persons "
	    "method=QUERY stmt=select status=0 where=0 +db:crm +connection_id=12 +query_id=7\n"
	    "L2 2026-11-22T10:00:01.000Z actor=app ip=10.0.0.5 action=read object=persons "
	    "method=QUERY stmt=select where=1 ids=3 +db:crm +connection_id=12 +query_id=8 "
	    "+truncated=true\n",
	    "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_general_mysql),
		cmocka_unit_test(test_general_mariadb),
		cmocka_unit_test(test_slow),
		cmocka_unit_test(test_audit),
		cmocka_unit_test(test_audit_syslog_and_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
