/*
 * format-util-private.h - what the code formats share: building an event
 * without allocating per line, SQL and time through the sql and timefmt
 * modules, and the two tokenizers several formats need (CSV with its
 * quoting, JSON walked leaf by leaf with dotted paths). Not installed.
 *
 * The formats that are code (format-postgres.c, format-pgcsv.c,
 * format-mysql.c, format-zeek.c, format-json.c, format-csv.c) each keep one
 * struct bk__evb in their state: the event plus fixed room for its extras and
 * ids, reset per entry. Text an event needs that is not in the line as
 * written (an SQL statement with its $1 parameters substituted, a CSV field
 * with "" undone, an entry joined from several lines) goes to a struct
 * bk__text owned by the parser and reused: it grows to the largest entry
 * seen and is never freed before the parser is.
 */
#ifndef BK_FORMAT_UTIL_PRIVATE_H
#define BK_FORMAT_UTIL_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "event-private.h"
#include "sql.h"
#include "timefmt.h"
#include "util-private.h"

/* An entry held across lines is cut here, emitted marked truncated. */
#define BK__ENTRY_MAX ((size_t)1 << 20)

/* ---- growable text ------------------------------------------------------ */

/* A reusable byte buffer; zero-initialise, bk__text_free releases. */
struct bk__text {
	char *data;
	size_t len, cap;
};

void bk__text_free(struct bk__text *t);

/* Room for N more bytes at data + len: BK_OK or BK_NOMEM (contents kept). */
int bk__text_reserve(struct bk__text *t, size_t n);

/* Appends N bytes: BK_OK or BK_NOMEM (nothing appended). */
int bk__text_add(struct bk__text *t, const void *s, size_t n);

/* ---- spans ----------------------------------------------------------------- */

static inline bk_span
bk__span(const char *p, size_t n)
{
	bk_span s = {p, n};
	return s;
}

/* Whether S is exactly the NUL-terminated C. */
static inline bool
bk__span_is(bk_span s, const char *c)
{
	size_t n = strlen(c);
	return s.ptr != NULL && s.len == n && memcmp(s.ptr, c, n) == 0;
}

/* Whether A and B hold the same bytes (two absent spans are equal). */
static inline bool
bk__span_eq(bk_span a, bk_span b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* Whether the N bytes at S start with the NUL-terminated PREFIX. */
static inline bool
bk__starts(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(s, prefix, k) == 0;
}

/* The value of hex digit C, or -1. */
static inline int
bk__hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* S without leading and trailing spaces and tabs. */
bk_span bk__trim(bk_span s);

/*
 * The unsigned decimal number that is all of S (at most 18 digits), or -1.
 */
int64_t bk__span_uint(bk_span s);

/* ---- building events --------------------------------------------------- */

#define BK__EVB_EXTRA 24
#define BK__EVB_IDS 64

/*
 * An event being built, with the fixed room its arrays point into. NUM
 * holds numbers the builder formatted itself (bk__evb_extra_num).
 */
struct bk__evb {
	bk_event ev;
	bk_span url;		/* a request's URL (map target "request"), for bk__evb_url */
	bk_event_extra extra[BK__EVB_EXTRA];
	bk_span ids[BK__EVB_IDS];
	char num[8][24];
	size_t nnum;
};

/* Every field unknown; format, file and line set from P and LINE. */
void bk__evb_reset(struct bk__evb *b, const bk_parser *p, uint64_t line);

/* Sets string field F to S when S is present and not empty. */
static inline void
bk__evb_str(struct bk__evb *b, enum bk_event_str f, bk_span s)
{
	if (s.ptr != NULL && s.len > 0)
		b->ev.str[f] = s;
}

/*
 * Adds extra KEY (a static string) = S when S is present and not empty;
 * NUMBER when S is a JSON number as written. Extras past the room are
 * dropped (formats keep far fewer).
 */
void bk__evb_extra(struct bk__evb *b, const char *key, bk_span s, bool number);

/* Adds extra KEY = V as a number. */
void bk__evb_extra_num(struct bk__evb *b, const char *key, int64_t v);

/* Adds an id (a span that lives as long as the event). */
void bk__evb_id(struct bk__evb *b, bk_span id);

/*
 * The URL of an HTTP request line the map found (b->url): its path becomes
 * the object, its record ids the ids (UX's extractors) and its method a web
 * server's action, where the map gave none of them. Call once the whole record was mapped.
 */
void bk__evb_url(struct bk__evb *b, const bk_urlids *ux);

/*
 * Classifies the statement SQL (LEN bytes, which must live as long as the
 * event) with bk_sql_classify and fills stmt, where, ids, object (the first
 * table; "tables" extra with all of them when there are several, joined in
 * TABLES), and action (bk__stmt_action). The id range of a BETWEEN goes to
 * extras id_from and id_to. BK_NOMEM when TABLES could not grow.
 */
int bk__evb_sql(struct bk__evb *b, const char *sql, size_t len, struct bk__text *tables);

/*
 * The action a statement kind stands for, or NULL: select read; copy-out,
 * select-into-outfile and dump-client export; insert and update write;
 * delete delete; ddl and other none (the stmt field says it).
 */
const char *bk__stmt_action(enum bk_stmt_kind k);

/*
 * Reads a time in layout F at S (LEN bytes) and converts it with the
 * parser's zone and year. Returns the bytes used (0: no time there) and the
 * time in *MS (BK_EVENT_NONE for an impossible date).
 */
size_t bk__time(const bk_parser *p, const bk_timefmt *f, const char *s, size_t len, int64_t *ms);

/* The same for a whole span: the time, or BK_EVENT_NONE unless all of S is one. */
int64_t bk__time_span(const bk_parser *p, const bk_timefmt *f, bk_span s);

/* ---- CSV ----------------------------------------------------------------- */

/*
 * Whether a CSV record whose text so far is S (N bytes) stands inside a
 * quoted field at its end, having started inside one when IN_QUOTE (for
 * records that span lines). A quote only opens a field at the start of it.
 */
bool bk__csv_open(const char *s, size_t n, char quote, char sep, bool in_quote);

/*
 * Splits the CSV record S (N bytes) at SEP into up to CAP FIELDS, with QUOTE
 * quoting and doubled quotes inside. Fields with doubled quotes are undone
 * into UNQ, which must have room for N bytes (its len is advanced; nothing
 * reallocates, so spans stay valid). A field quoted only partly is taken as
 * written. Returns the number of fields in the record (which may exceed CAP:
 * the rest are not stored).
 */
size_t bk__csv_split(const char *s, size_t n, char sep, char quote, bk_span *fields, size_t cap,
    struct bk__text *unq);

/* ---- JSON ----------------------------------------------------------------- */

enum bk__json_type {
	BK__JSON_STRING,
	BK__JSON_NUMBER,
	BK__JSON_TRUE,
	BK__JSON_FALSE,
	BK__JSON_NULL,
	BK__JSON_ARRAY,	/* the raw text of the array, brackets included */
};

/*
 * Receives one leaf of a JSON object: PATH (PLEN bytes) is the dotted key
 * ("client.ip" for {"client":{"ip":...}}), VAL the string unescaped or the
 * value's text. Nonzero stops the walk.
 */
typedef int (*bk__json_leaf_fn)(void *ctx, const char *path, size_t plen, bk_span val,
    enum bk__json_type type);

/*
 * Walks the JSON object S (N bytes; spaces around allowed), calling FN for
 * each leaf in order; objects nest up to 16 levels and their keys join with
 * '.', paths longer than 255 bytes are skipped. Strings with escapes are
 * undone into UNQ, which must have room for N bytes (nothing reallocates).
 * Returns BK_OK, BK_ERROR when S is not one well-formed JSON object, or FN's
 * nonzero return.
 */
int bk__json_walk(const char *s, size_t n, struct bk__text *unq, bk__json_leaf_fn fn, void *ctx);

/* ---- field maps ------------------------------------------------------------ */

/*
 * What a source field becomes: one of the event's string fields, its time,
 * a number, its ids, or an extra under the target's own name.
 */
enum bk__target {
	BK__T_NONE,
	BK__T_STR,	/* str[idx] */
	BK__T_TS,
	BK__T_STATUS,
	BK__T_ROWS,
	BK__T_BYTES_IN,
	BK__T_BYTES_OUT,
	BK__T_IDS,
	BK__T_WHERE,
	BK__T_SQL,	/* a statement: classified into stmt, object, ids, ... */
	BK__T_REQUEST,	/* an HTTP request line: method, protocol, and b->url */
	BK__T_EXTRA,
};

struct bk__map_entry {
	char *src;		/* source key, dotted for JSON, a header name for CSV */
	char *dst;		/* target name as given (extra key for BK__T_EXTRA) */
	enum bk__target target;
	int idx;		/* for BK__T_STR */
};

/*
 * A field map: the user's --map (SPEC "target=source,...") followed by the
 * well-known source names each target takes by default (ts, timestamp,
 * @timestamp, time; user, username, ...; see format-json.c), those after the
 * user's so the user's win.
 */
struct bk__map {
	struct bk__map_entry *e;
	size_t n;
	size_t nuser;		/* the first NUSER come from SPEC */
};

/* Builds MAP from SPEC (may be NULL). Nonzero with *ERR set on a bad spec. */
int bk__map_init(struct bk__map *map, const char *spec, const char *format, char **err);
void bk__map_free(struct bk__map *map);

/* The entry for source key KEY (KLEN bytes), or NULL. */
const struct bk__map_entry *bk__map_find(const struct bk__map *map, const char *key, size_t klen);

/*
 * Stores VAL (of JSON type TYPE, or a string for CSV) in B as entry E says.
 * Times go through F (layout "auto"); a field set already by an earlier,
 * higher-priority entry (lower index) is kept. PRIO is E's index, recorded
 * per field in PRIOS (BK__T_EXTRA + BK_EV_NSTR slots, reset to SIZE_MAX by
 * the caller per event). SQLTEXT receives table names for a BK__T_SQL.
 */
void bk__map_apply(const bk_parser *p, const bk_timefmt *f, struct bk__evb *b,
    const struct bk__map_entry *e, size_t prio, size_t *prios, bk_span val, enum bk__json_type type,
    struct bk__text *tables);

#define BK__MAP_NPRIO (BK__T_EXTRA + BK_EV_NSTR)

#endif /* BK_FORMAT_UTIL_PRIVATE_H */
