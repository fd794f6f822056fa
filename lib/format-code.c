/*
 * format-code.c - the registry of formats that are code, not data.
 *
 * Structurally different inputs (Zeek's headers, CSV, JSON, multi-line SQL
 * logs) are parsed by code implementing struct bk__parser_ops in their own
 * lib/format-*.c files; each is listed here, once, so bk_parser_new,
 * bk_formats_names and detection find them beside the data formats of
 * patterns/formats/.
 */
#include "config.h"

#include "event-private.h"

extern const struct bk__parser_ops bk__csv_ops, bk__json_ops, bk__mariadb_audit_ops,
    bk__mysql_general_ops, bk__mysql_slow_ops, bk__pgcsv_ops, bk__postgres_ops,
    bk__postgres_syslog_ops, bk__zeek_ops,
    bk__zeek_json_ops;

const struct bk__parser_ops *const bk__code_formats[] = {
	&bk__csv_ops,
	&bk__json_ops,
	&bk__mariadb_audit_ops,
	&bk__mysql_general_ops,
	&bk__mysql_slow_ops,
	&bk__postgres_ops,
	&bk__pgcsv_ops,
	&bk__postgres_syslog_ops,
	&bk__zeek_ops,
	&bk__zeek_json_ops,
	NULL,
};
