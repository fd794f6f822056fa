/*
 * format-code.c - the registry of formats that are code rather than data
 * (patterns/formats/): format.c's bk_parser_new looks names up here.
 */
#include "config.h"

#include "event-private.h"

extern const struct bk__parser_ops bk__csv_ops, bk__json_ops, bk__mariadb_audit_ops,
    bk__mysql_general_ops, bk__mysql_slow_ops, bk__pgcsv_ops, bk__postgres_ops, bk__zeek_ops,
    bk__zeek_json_ops;

const struct bk__parser_ops *const bk__code_formats[] = {
	&bk__csv_ops,
	&bk__json_ops,
	&bk__mariadb_audit_ops,
	&bk__mysql_general_ops,
	&bk__mysql_slow_ops,
	&bk__postgres_ops,
	&bk__pgcsv_ops,
	&bk__zeek_ops,
	&bk__zeek_json_ops,
	NULL,
};
