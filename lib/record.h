/*
 * record.h - NDJSON records, the contract between the tools.
 *
 * Every tool speaks one JSON object per line (see DESIGN.md, Records). The
 * writer builds a record field by field into its own buffer and writes whole
 * lines, so a record is never half written; its output is valid UTF-8 JSON
 * whatever bytes it was given (invalid UTF-8 becomes U+FFFD, control bytes
 * and NUL are escaped). The reader parses records with jansson and keeps
 * fields it does not know, so downstream tools can pass them through.
 */
#ifndef BK_RECORD_H
#define BK_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base.h"
#include "input.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- writing ---------------------------------------------------------- */

typedef struct bk_writer bk_writer;
typedef struct bk_record bk_record;

/* A writer to OUT (not closed by the writer); NULL on OOM. */
bk_writer *bk_writer_new(FILE *out);

/* Accepts NULL. Does not flush OUT. */
void bk_writer_free(bk_writer *w);

/*
 * Starts a record {"type":TYPE, ... Fields follow in call order. Inside an
 * array, KEY must be NULL; elsewhere it is required (a mistake here is a bug
 * and trips an assertion). Strings take a length (use bk_writer_cstr for
 * NUL-terminated ones; its NULL writes null). Objects and arrays nest up to
 * 31 levels below the record.
 */
void bk_writer_begin(bk_writer *w, const char *type);
void bk_writer_str(bk_writer *w, const char *key, const char *s, size_t len);
void bk_writer_cstr(bk_writer *w, const char *key, const char *s);
void bk_writer_int(bk_writer *w, const char *key, int64_t v);
/* Exact; but jansson, hence bk_reader, rejects a line holding an integer above INT64_MAX. */
void bk_writer_uint(bk_writer *w, const char *key, uint64_t v);
/* The shortest of 15 to 17 digits that reads back exactly, "1.0" for 1; non-finite: null. */
void bk_writer_double(bk_writer *w, const char *key, double v);
/*
 * A figure: an integer when it is one, so counts stay "3012", not "3012.0"
 * (below 9e15, where doubles still hold every integer); a fraction as
 * bk_writer_double. NaN, which stands for "not known", writes nothing.
 */
void bk_writer_figure(bk_writer *w, const char *key, double v);
void bk_writer_bool(bk_writer *w, const char *key, bool v);
void bk_writer_null(bk_writer *w, const char *key);
/*
 * MS milliseconds since the Unix epoch as RFC 3339 UTC: "2015-05-08T01:15:02.123Z".
 * Outside the years 0000-9999, which RFC 3339 cannot express, null.
 */
void bk_writer_time(bk_writer *w, const char *key, int64_t ms);
/*
 * MS as bk_writer_time writes it, NUL-terminated, into BUF (room for 25
 * bytes), for text meant for people. Returns 24, or 0 outside 0000-9999.
 */
size_t bk_time_rfc3339(char *buf, int64_t ms);
void bk_writer_object_begin(bk_writer *w, const char *key);
void bk_writer_object_end(bk_writer *w);
void bk_writer_array_begin(bk_writer *w, const char *key);
void bk_writer_array_end(bk_writer *w);
/*
 * Every field of REC except "type" (which begin wrote), in REC's order: how
 * a tool passes through what it does not know.
 */
void bk_writer_fields(bk_writer *w, const bk_record *rec);

/*
 * Closes the record and writes it with its newline in one fwrite. Returns
 * BK_OK, BK_ERROR when the write failed or OUT already had its error flag
 * set (bk_writer_error() has strerror, errno is kept, so EPIPE can be told
 * apart), or BK_NOMEM when the record could not be built (nothing was
 * written). Either way the writer is ready for the next record.
 */
int bk_writer_end(bk_writer *w);

/* Why the last failed bk_writer_end failed; "" before any failure. */
const char *bk_writer_error(const bk_writer *w);

/* ---- reading ---------------------------------------------------------- */

typedef struct bk_reader bk_reader;

/* A reader; NULL on OOM. */
bk_reader *bk_reader_new(void);

/* Accepts NULL. */
void bk_reader_free(bk_reader *rd);

/* Starts reading records from IN (owned by the caller) at line 1. */
void bk_reader_reset(bk_reader *rd, bk_input *in);

/*
 * The next record into *REC, valid until the next call (or the reset or
 * free). Blank lines (only spaces, tabs, "\r") and a UTF-8 byte-order mark
 * at the start of the input are skipped. Duplicate keys are accepted: the
 * last value wins, in the place of the first. Returns:
 *   BK_OK     a record;
 *   BK_EOF    the end of the input (and after an input failure);
 *   BK_ERROR  a bad line: bk_reader_error() says "LINE: invalid JSON: TEXT
 *             (column C)" (TEXT is jansson's), "LINE: not a JSON object" or
 *             "LINE: line longer than N bytes", and the next call goes on with
 *             the following line; or the input failed: the message is
 *             bk_input_error()'s, without a line, and the next call gives BK_EOF;
 *   BK_NOMEM  out of memory.
 * Bytes other than printable ASCII in the message (jansson quotes the input)
 * are shown as '?'.
 */
int bk_reader_next(bk_reader *rd, const bk_record **rec);

/* The line number of the last record or error. */
uint64_t bk_reader_lineno(const bk_reader *rd);

const char *bk_reader_error(const bk_reader *rd);

/* ---- records ---------------------------------------------------------- */

/* The "type" field, or "" when absent. */
const char *bk_record_type(const bk_record *rec);

/*
 * A string field, or NULL when absent or not a string. A string with NUL
 * (\u0000) in it ends at the first one here; bk_record_strn gives the
 * whole string and its length in *LEN (LEN may be NULL).
 */
const char *bk_record_str(const bk_record *rec, const char *key);
const char *bk_record_strn(const bk_record *rec, const char *key, size_t *len);

/* An integer field into *V: BK_OK, or BK_ERROR when absent or not an integer. */
int bk_record_int(const bk_record *rec, const char *key, int64_t *v);

/* A number (integer or real) field into *V: BK_OK or BK_ERROR. */
int bk_record_double(const bk_record *rec, const char *key, double *v);

/* Whether the field is present, whatever its value (null included). */
bool bk_record_has(const bk_record *rec, const char *key);

#ifdef __cplusplus
}
#endif
#endif /* BK_RECORD_H */
