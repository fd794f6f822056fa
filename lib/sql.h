/*
 * sql.h - what an SQL statement does, without parsing SQL.
 *
 * Bulk reads show in database logs as statements: a SELECT without WHERE or
 * LIMIT on a table of persons, COPY ... TO, SELECT ... INTO OUTFILE, the
 * statements pg_dump and mysqldump send. A tokenizer that knows quotes,
 * comments (including MySQL's executable comments) and identifiers is enough
 * to tell the kind, the tables touched, whether a filter is present, and the
 * record ids of simple predicates (id = 42, id IN (1, 2), id BETWEEN 1 AND 9).
 * It never allocates and never fails: text it cannot read is kind "other".
 */
#ifndef BK_SQL_H
#define BK_SQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#ifdef __cplusplus
extern "C" {
#endif

enum bk_stmt_kind {
	BK_STMT_OTHER,		/* "other": SET, BEGIN, SHOW, unreadable text */
	BK_STMT_SELECT,		/* "select" */
	BK_STMT_COPY_OUT,	/* "copy-out": COPY ... TO, \copy ... to */
	BK_STMT_OUTFILE,	/* "select-into-outfile": also INTO DUMPFILE */
	BK_STMT_INSERT,		/* "insert": also REPLACE, COPY ... FROM */
	BK_STMT_UPDATE,		/* "update" */
	BK_STMT_DELETE,		/* "delete": also TRUNCATE */
	BK_STMT_DDL,		/* "ddl": CREATE, ALTER, DROP, GRANT, ... */
	BK_STMT_DUMP,		/* "dump-client": what pg_dump / mysqldump send */
};

/* The kind's name as it appears in event records ("copy-out"). */
const char *bk_stmt_name(enum bk_stmt_kind k);

#define BK_SQL_MAX_TABLES 8

struct bk_sql_info {
	enum bk_stmt_kind kind;
	bool where;		/* a WHERE clause on the outermost statement */
	bool limit;		/* LIMIT / FETCH FIRST / TOP */
	/*
	 * As written, schema-qualified (public.persons); unquoted when the name
	 * is one part ("Persons" gives Persons), kept as written when a
	 * qualified name has quoted parts (`shop`.`orders`): a span cannot
	 * drop quotes from the middle of a name.
	 */
	bk_span tables[BK_SQL_MAX_TABLES];
	size_t ntables;
	size_t nids;		/* ids written to the caller's array */
	size_t ids_dropped;	/* ids that did not fit */
	bool has_range;		/* id BETWEEN range_lo AND range_hi */
	int64_t range_lo, range_hi;
};

/*
 * Classifies the statement SQL (LEN bytes; the first statement when several
 * are given). Record ids of equality and IN predicates on a column named id
 * or ending in _id are stored in IDS (up to CAP) as spans into SQL, quotes
 * stripped; a numeric BETWEEN on such a column sets the range instead.
 */
void bk_sql_classify(const char *sql, size_t len, struct bk_sql_info *info,
		     bk_span *ids, size_t cap);

typedef struct bk_urlids bk_urlids;

/*
 * Record-id extractors for URLs. SPEC NULL gives the defaults: numeric or
 * UUID path segments that follow a word segment (/api/persons/1234), and the
 * values of query parameters named id, ids (comma-separated) or ending in _id
 * or Id. Otherwise SPEC is a comma-separated list of "path:/api/persons/{id}"
 * templates (`*` matches one segment) and "query:NAME" parameters, replacing
 * the defaults. NULL with *ERR set (malloc'd) when SPEC is malformed.
 */
bk_urlids *bk_urlids_new(const char *spec, char **err);
void bk_urlids_free(bk_urlids *x);

/*
 * Record ids in URL (LEN bytes, as logged: path and query, percent-encoding
 * kept). Spans into URL, up to CAP; returns how many were found in all.
 */
size_t bk_urlids_find(const bk_urlids *x, const char *url, size_t len,
		      bk_span *ids, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* BK_SQL_H */
