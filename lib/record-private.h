/*
 * record-private.h - internals of the record module that other library
 * modules and the unit tests may use; not installed.
 *
 * The JSON string escaper is here because every module that emits JSON
 * (records, state, reports) must make the same promise the writer makes:
 * valid UTF-8 JSON whatever bytes came in. It appends to a bk__strbuf, a
 * growable byte buffer whose allocation failure is sticky, so a caller can
 * append a whole record and check once at the end.
 */
#ifndef BK_RECORD_PRIVATE_H
#define BK_RECORD_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "record.h"

/* A record is a parsed JSON object; the reader owns the reference. */
struct bk_record {
	json_t *json;
};

/* The jansson object behind REC, borrowed: valid as long as REC is. */
json_t *bk__record_json(const bk_record *rec);

/*
 * A growable buffer. Zero-initialise it; bk__strbuf_free releases it. Once
 * an allocation failed, FAILED stays set (until the caller clears it) and
 * the contents are incomplete.
 */
struct bk__strbuf {
	char *data;
	size_t len;
	size_t cap;
	bool failed;
};

void bk__strbuf_free(struct bk__strbuf *b);

/* The slow path of bk__strbuf_reserve; BK_OK or BK_NOMEM (and sets FAILED). */
int bk__strbuf_grow(struct bk__strbuf *b, size_t more);

/*
 * Room for MORE bytes at data + len, or NULL when memory ran out. The caller
 * writes there and adds what it wrote to len.
 */
static inline char *
bk__strbuf_reserve(struct bk__strbuf *b, size_t more)
{
	if (b->cap - b->len >= more)
		return b->data + b->len;
	return bk__strbuf_grow(b, more) == BK_OK ? b->data + b->len : NULL;
}

/*
 * Appends S (LEN bytes, any bytes at all) as a quoted JSON string: '"' and
 * '\\' and control bytes escaped (\b \t \n \f \r short, the rest and NUL as
 * \u00XX), DEL and valid UTF-8 copied, each maximal invalid UTF-8 subpart
 * replaced by U+FFFD (as the bytes EF BF BD). Returns BK_OK or BK_NOMEM.
 */
int bk__json_escape(struct bk__strbuf *b, const char *s, size_t len);

/*
 * MS milliseconds since the Unix epoch as "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC,
 * proleptic Gregorian) into BUF, which has room for 25 bytes: 24 and a NUL.
 * Returns 24, or 0 (BUF untouched) outside the years 0000-9999.
 */
size_t bk__time_rfc3339(char *buf, int64_t ms);

/*
 * Writes the jansson value V as a field (KEY as for the other bk_writer_*
 * calls), with the writer's own escaping and number formatting.
 */
void bk__writer_json(bk_writer *w, const char *key, json_t *v);

/*
 * Parses LINE (LEN bytes, no terminator) as a record of line LINENO, as
 * bk_reader_next() does for each line it reads: BK_OK with *REC valid until
 * the next call on RD, BK_ERROR with bk_reader_error() set, or BK_NOMEM.
 * Blank lines are not special here.
 */
int bk__reader_parse(
    bk_reader *rd, const char *line, size_t len, uint64_t lineno, const bk_record **rec);

#endif /* BK_RECORD_PRIVATE_H */
