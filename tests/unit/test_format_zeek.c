/*
 * test_format_zeek.c - unit tests of format-zeek.c: conn, http, dns and
 * files logs in the TSV writer's format keyed on their #fields header
 * (escapes, unset and empty fields, sets, a line with the wrong number of
 * columns), a header that reorders columns, and the JSON writer's lines.
 */
#include "eventstr.h"

extern const struct bk__parser_ops bk__zeek_ops, bk__zeek_json_ops;

static void
expect_file(const struct bk__parser_ops *ops, const char *name, const char *want,
    const char *unparsed)
{
	size_t len;
	char *text = tu_slurp(name, &len);

	tu_expect(ops, NULL, text, want, unparsed);
	free(text);
}

static void
test_conn(void **state)
{
	(void)state;
	expect_file(&bk__zeek_ops, "conn.log",
	    "L9 2026-11-22T10:00:00.123Z ip=10.0.0.5 dst=203.0.113.9 in=52428800 out=4096 "
	    "+uid:CHhAvVGS1DHFjwGM9 +src_port=51234 +dst_port=443 +proto:tcp +service:ssl "
	    "+duration=61.500000 +conn_state:SF +log:conn\n"
	    "L10 2026-11-22T10:00:01.000Z ip=10.0.0.6 dst=10.0.0.53 +uid:C2 +src_port=53000 "
	    "+dst_port=53 +proto:udp +service:dns +conn_state:S0 +log:conn\n",
	    "");
}

static void
test_http(void **state)
{
	(void)state;
	expect_file(&bk__zeek_ops, "http.log",
	    "L9 2026-11-22T10:00:02.500Z actor=alice ip=10.0.0.5 dst=crm.example "
	    "object=/api/persons/1001?fields=name method=GET status=200 in=0 out=5120 ids=1001 "
	    "+dst_ip:10.0.0.9 +uid:C3 +src_port=51300 +dst_port=80 +user_agent:curl/8.5.0 "
	    "+log:http\n"
	    "L10 2026-11-22T10:00:03.000Z ip=10.0.0.7 dst=crm.example object=/upload\tx "
	    "method=POST status=201 in=1048576 out=12 +dst_ip:10.0.0.9 +uid:C4 +src_port=51301 "
	    "+dst_port=80 +log:http\n",
	    "11");
}

static void
test_dns_files(void **state)
{
	(void)state;
	expect_file(&bk__zeek_ops, "dns.log",
	    "L9 2026-11-22T10:00:05.000Z ip=10.0.0.6 dst=exfil.example.net action=dns "
	    "object=exfil.example.net +dns_server:10.0.0.53 +uid:C6 +src_port=53000 "
	    "+dst_port=53 +proto:udp +qtype:TXT +rcode:NOERROR +log:dns\n",
	    "");
	expect_file(&bk__zeek_ops, "files.log",
	    "L9 2026-11-22T10:00:06.000Z ip=10.0.0.5 dst=203.0.113.9 action=upload "
	    "object=persons.csv in=2097152 +duration=0.5 +fuid:FakeF1 +source:HTTP "
	    "+mime_type:text/csv +log:files\n"
	    "L10 2026-11-22T10:00:07.000Z ip=10.0.0.5 dst=10.0.0.9 action=download "
	    "object=application/pdf out=1000 +duration=0.1 +fuid:FakeF2 +source:HTTP "
	    "+log:files\n",
	    "");
}

/* Columns are found by name: another order, other separators, no header at all. */
static void
test_header(void **state)
{
	(void)state;
	tu_expect(&bk__zeek_ops, NULL,
	    "1795341600.0\tC1\n"
	    "#separator \\x7c\n"
	    "#unset_field|NONE\n"
	    "#path|conn\n"
	    "#fields|resp_bytes|id.resp_h|ts|id.orig_h|orig_bytes\n"
	    "10|10.0.0.9|1795341600.5|10.0.0.5|NONE\n"
	    "#bogus|x\n",
	    "L6 2026-11-22T10:00:00.500Z ip=10.0.0.5 dst=10.0.0.9 out=10 +log:conn\n",
	    "1 7");
}

static void
test_json(void **state)
{
	(void)state;
	expect_file(&bk__zeek_json_ops, "zeek.json",
	    "L1 2026-11-22T10:00:02.500Z actor=alice ip=10.0.0.5 dst=crm.example "
	    "object=/api/persons/1001 method=GET status=200 in=0 out=5120 ids=1001 "
	    "+dst_ip:10.0.0.9 +uid:C3 +src_port=51300 +dst_port=80 +log:http\n"
	    "L2 2026-11-22T10:00:05.000Z ip=10.0.0.6 dst=exfil.example.net action=dns "
	    "object=exfil.example.net +dns_server:10.0.0.53 +uid:C6 +src_port=53000 "
	    "+dst_port=53 +proto:udp +qtype:TXT +rcode:NOERROR +log:dns\n"
	    "L3 2026-11-22T10:00:06.000Z ip=10.0.0.5 dst=203.0.113.9 action=upload "
	    "object=persons.csv in=2097152 +uid:C7 +src_port=51300 +dst_port=443 "
	    "+fuid:FakeF1 +source:HTTP +mime_type:text/csv +log:files\n"
	    "L4 2026-11-22T10:00:00.100Z ip=10.0.0.5 dst=203.0.113.9 in=52428800 out=4096 "
	    "+uid:C1 +src_port=51234 +dst_port=443 +proto:tcp +duration=61.5 +conn_state:SF "
	    "+log:conn\n",
	    "5");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conn),
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_dns_files),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
