/*
 * export.h - read database exports row by row: CSV/TSV, SQL dumps, NDJSON.
 *
 * An incident responder is handed what left the building: a spreadsheet
 * saved as CSV (often Shift_JIS from Excel), a mysqldump or pg_dump file, a
 * SQLite .dump, an NDJSON export of an API. To say what they hold, every row
 * is wanted as (table, column names, values), whatever the container. A
 * reader streams the input once (plain or compressed, through input.h),
 * decodes it to UTF-8 line by line (charset.h) and hands each row to a
 * callback. Values point into the reader's own buffer, which is reused from
 * row to row: nothing is allocated per row once the buffers have grown.
 *
 * What is understood:
 *   csv, tsv   the dialect is sniffed from the first 64 KiB (delimiter among
 *              , TAB ; |, and whether the first record is a header); RFC 4180
 *              quoting with "" and line breaks inside quoted fields.
 *   mysqldump  CREATE TABLE for column names, INSERT/REPLACE INTO t [(cols)]
 *              VALUES (...),(...); with MySQL's backslash escapes.
 *   pg_dump    plain format: COPY t (cols) FROM stdin; blocks with COPY's
 *              escapes (\N, \t, \n, \\, octal, \x) up to "\.", and the
 *              INSERT mode (--inserts, --column-inserts) with '' and E''.
 *   sqlite     sqlite3's .dump: CREATE TABLE and INSERT INTO t VALUES(...);
 *              replace('..','\n',char(10)) values read as their text.
 *   ndjson     one JSON object per line; nested objects become dotted
 *              column names ("address.city"), array elements "key[]".
 *
 * Damage (an unterminated quoted field, a field longer than the limit, a
 * dump cut off inside a statement or COPY block, bytes that are not in the
 * input's charset, a line that is not JSON) goes to the error callback with
 * the line it was seen on; reading goes on where it can, so everything
 * readable is still counted.
 */
#ifndef BK_EXPORT_H
#define BK_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "charset.h"
#include "input.h"

#ifdef __cplusplus
extern "C" {
#endif

enum bk_export_format {
	BK_EXPORT_AUTO,
	BK_EXPORT_CSV,
	BK_EXPORT_TSV,
	BK_EXPORT_MYSQLDUMP,
	BK_EXPORT_PGDUMP,
	BK_EXPORT_SQLITE,
	BK_EXPORT_NDJSON,
};

/* "auto", "csv", "tsv", "mysqldump", "pg_dump", "sqlite", "ndjson". */
const char *bk_export_format_name(enum bk_export_format f);

/* The names above back to the enum: BK_OK, or BK_ERROR for an unknown name. */
int bk_export_format_parse(const char *name, enum bk_export_format *f);

/* Fields longer than this are cut (and reported) unless set otherwise. */
#define BK_EXPORT_DEFAULT_MAX_FIELD ((size_t)1 << 20)

/*
 * One row. TABLE is NULL for CSV and NDJSON (the file is the table). TABLE_ID
 * numbers the tables of one input from 0 in order of first appearance, so a
 * caller can keep per-table state in an array. NAMES and VALUES have NCOLS
 * entries, not NUL-terminated (their lengths beside them); a SQL NULL or JSON
 * null is an empty value with IS_NULL set. Everything points into the
 * reader and is valid only during the callback.
 */
struct bk_export_row {
	const char *table;
	size_t table_len;
	unsigned table_id;
	size_t ncols;
	const char *const *names;
	const size_t *name_lens;
	const char *const *values;
	const size_t *value_lens;
	const bool *is_null;
	uint64_t lineno;	/* the line the row starts on */
};

/* Receives each row; nonzero stops the reading and is returned by bk_export_read. */
typedef int (*bk_export_row_fn)(void *ctx, const struct bk_export_row *row);

/* Receives each problem, with the line it was seen on (0: the whole input). */
typedef void (*bk_export_error_fn)(void *ctx, uint64_t line, const char *message);

typedef struct bk_export bk_export;

/* A reader; NULL on OOM. */
bk_export *bk_export_new(void);

/* Accepts NULL. */
void bk_export_free(bk_export *x);

/* Fields longer than MAX bytes are cut to MAX and reported (0: the default). */
void bk_export_set_max_field(bk_export *x, size_t max);

/*
 * Reads IN (open, at its start) to the end as FORMAT (BK_EXPORT_AUTO: decided
 * from the first bytes) in charset CS (BK_CHARSET_AUTO: detected), calling
 * ROW for every row and ERR (may be NULL) for every problem. Returns BK_OK
 * when the input was read whole without a problem, BK_ERROR when problems
 * were reported (the rows around them were still delivered), BK_NOMEM, or
 * the nonzero value ROW returned.
 */
int bk_export_read(bk_export *x, bk_input *in, enum bk_export_format format,
    enum bk_charset cs, bk_export_row_fn row, bk_export_error_fn err, void *ctx);

/* The format and charset the last read used (detected ones included). */
enum bk_export_format bk_export_last_format(const bk_export *x);
enum bk_charset bk_export_last_charset(const bk_export *x);

/* The name of table ID of the last read (NULL for CSV/NDJSON or out of range). */
const char *bk_export_table_name(const bk_export *x, unsigned id);

/* Lines read by the last read. */
uint64_t bk_export_lines(const bk_export *x);

#ifdef __cplusplus
}
#endif
#endif /* BK_EXPORT_H */
