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
#include <string.h>

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
 * At P (a byte >= 0x80, before END): the length of the well-formed UTF-8
 * sequence starting there, or minus the length of its maximal subpart, the
 * longest prefix of some well-formed sequence (at least the one byte). The
 * second-byte ranges are those of the Unicode standard's table 3-7, which
 * exclude overlong forms, surrogates and code points above U+10FFFF.
 */
static inline int
bk__utf8_check(const unsigned char *p, const unsigned char *end)
{
	unsigned char lo = 0x80, hi = 0xBF;
	int need, i;

	if (p[0] < 0xC2)
		return -1; /* a continuation byte, or C0/C1 which only start overlongs */
	if (p[0] < 0xE0) {
		need = 1;
	} else if (p[0] < 0xF0) {
		need = 2;
		if (p[0] == 0xE0)
			lo = 0xA0;
		else if (p[0] == 0xED)
			hi = 0x9F;
	} else if (p[0] < 0xF5) {
		need = 3;
		if (p[0] == 0xF0)
			lo = 0x90;
		else if (p[0] == 0xF4)
			hi = 0x8F;
	} else {
		return -1;
	}
	for (i = 1; i <= need; i++) {
		if (end - p <= i || p[i] < lo || p[i] > hi)
			return -i;
		lo = 0x80;
		hi = 0xBF;
	}
	return need + 1;
}

/* Whether the N bytes at S are all ASCII (eight at a time). */
static inline bool
bk__ascii(const char *s, size_t n)
{
	uint64_t acc = 0, x;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&x, s + i, 8);
		acc |= x;
	}
	for (; i < n; i++)
		acc |= (unsigned char)s[i];
	return (acc & UINT64_C(0x8080808080808080)) == 0;
}

/* Whether the N bytes at S are valid UTF-8. */
static inline bool
bk__utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	int k;

	while (p < end) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if ((k = bk__utf8_check(p, end)) <= 0)
			return false;
		p += k;
	}
	return true;
}

/*
 * Appends S (LEN bytes) with each maximal invalid UTF-8 subpart replaced by
 * U+FFFD, as bk__json_escape does: for matchers that see only valid UTF-8.
 * BK_OK or BK_NOMEM.
 */
int bk__utf8_fix(struct bk__strbuf *b, const char *s, size_t len);

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

/*
 * The next line bk_reader_next would parse, unparsed: BK_OK with *DATA and
 * *LEN (valid until the next call on RD) and bk_reader_lineno() its line,
 * after skipping blank lines and the byte-order mark; otherwise what
 * bk_reader_next returns for the end, a failed input, a line too long or
 * OOM. Drops the record read before. For decoders that read some lines
 * without building a record (event-json.c) and hand the rest to
 * bk__reader_parse.
 */
int bk__reader_line(bk_reader *rd, const char **data, size_t *len);

/* A buffer of RD's that such a decoder may fill; RD frees it. */
struct bk__strbuf *bk__reader_scratch(bk_reader *rd);

#endif /* BK_RECORD_PRIVATE_H */
