/*
 * event.h - one parsed log entry, and the parsers that make them.
 *
 * Every log format, whether described as data in patterns/formats/ (a layout
 * in the server's own notation, or a regex with named groups) or parsed by
 * code in lib/ (Zeek headers, CSV, JSON, multi-line SQL logs), ends in the
 * same struct bk_event, so bk-access, bk-exfil and bk-report never look at raw
 * log text again. An event is the `event` record of DESIGN.md; it borrows its
 * strings from the line or from the parser's scratch space and is valid only
 * for the duration of the callback that receives it.
 *
 * A parser is fed whole lines (bk_lines splits them) and hands each finished
 * event to a callback. Formats that span lines (a PostgreSQL statement
 * continued on the next lines, a MySQL slow-log entry) hold the entry back
 * until the next one starts or bk_parser_finish is called, so an event may
 * come out during a later line than its own; ev->line is always its first.
 */
#ifndef BK_EVENT_H
#define BK_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "record.h"
#include "timefmt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Unknown, for every numeric field of an event. */
#define BK_EVENT_NONE INT64_MIN

/* A borrowed string: LEN bytes at PTR, not NUL-terminated; PTR NULL means absent. */
typedef struct bk_span {
	const char *ptr;
	size_t len;
} bk_span;

/* The string fields of an event, by index into bk_event.str. */
enum bk_event_str {
	BK_EV_ACTOR,	/* user / account / role */
	BK_EV_IP,	/* the client's address as logged */
	BK_EV_DST,	/* the remote host (proxy destination, outbound peer) */
	BK_EV_ACTION,	/* read, write, export, login, upload, delete, ... */
	BK_EV_OBJECT,	/* table, URL path, file path */
	BK_EV_METHOD,	/* HTTP method, SQL command tag, syscall-like verb */
	BK_EV_STMT,	/* SQL statement kind (sql.h) */
	BK_EV_NSTR
};

/* A format-specific field kept beside the standard ones (user_agent, db, ...). */
typedef struct bk_event_extra {
	const char *key;	/* snake_case, NUL-terminated */
	bk_span val;
	bool number;		/* VAL is a JSON number as written; otherwise a string */
} bk_event_extra;

typedef struct bk_event {
	const char *format;	/* the format's name, e.g. "nginx" */
	const char *file;	/* the input's name as the user gave it */
	uint64_t line;		/* 1-based number of the entry's first line */
	int64_t ts;		/* milliseconds since the epoch, UTC; BK_EVENT_NONE */
	bk_span str[BK_EV_NSTR];
	int64_t status;		/* HTTP status, SQL error code, ...; BK_EVENT_NONE */
	int64_t rows;		/* rows returned or affected, where logged */
	int64_t bytes_in;	/* what the logging server received */
	int64_t bytes_out;	/* what it sent back */
	int where;		/* SQL: 1 a WHERE/LIMIT was present, 0 not, -1 unknown */
	const bk_span *ids;	/* record identifiers touched */
	size_t nids;
	const bk_event_extra *extra;
	size_t nextra;
	bk_span raw;		/* the entry's text, for --keep-raw; PTR NULL if not kept */
} bk_event;

/* An event with every field unknown. */
void bk_event_clear(bk_event *ev);

/*
 * Writes EV as one `event` record (keys in DESIGN.md order, absent fields
 * left out, the raw text under "raw" when present). Returns what
 * bk_writer_end returns.
 */
int bk_event_write(bk_writer *w, const bk_event *ev);

/*
 * Reads an `event` record back (bk-access, bk-exfil reading a pipe). EV's
 * spans point into REC and live as long as it; ids beyond IDS_CAP are
 * dropped and counted in *IDS_DROPPED (may be NULL). BK_ERROR when REC is not
 * an event.
 */
int bk_event_from_record(const bk_record *rec, bk_event *ev, bk_span *ids,
			 size_t ids_cap, size_t *ids_dropped);

/*
 * The header line of bk_event_tsv's columns, newline included: ts, format,
 * file, line, actor, ip, dst, action, object, ids (comma-separated), rows,
 * bytes_in, bytes_out, status, method, stmt, where. Absent fields are empty.
 */
const char *bk_event_tsv_header(void);

/*
 * EV as one TSV line (bk_event_tsv) or one line for people, "FILE:LINE: TS
 * key=value ..." with the extras (bk_event_text), newline included, into BUF
 * of SIZE bytes. Returns the length the line needs; when that exceeds SIZE,
 * BUF holds only a cut line and the caller retries with a larger one, as
 * with snprintf (no NUL is written). Control bytes in values become spaces.
 */
size_t bk_event_tsv(const bk_event *ev, char *buf, size_t size);
size_t bk_event_text(const bk_event *ev, char *buf, size_t size);

/* Receives each event; nonzero stops the parser (returned by feed/finish). */
typedef int (*bk_event_fn)(void *ctx, const bk_event *ev);

/* How a parser is set up; zero is the default for every member. */
typedef struct bk_parse_opts {
	const char *pg_prefix;	/* PostgreSQL log_line_prefix, e.g. "%m [%p] " */
	const char *map;	/* json/csv field map, "user=username,ts=@timestamp" */
	const char *tz;		/* zone for times without one (IANA name); UTC if NULL */
	int year;		/* year of an input's first time without one (bk_years); 0: this year */
	bool keep_raw;		/* fill ev->raw */
	const char *ids;	/* URL record-id extractors (sql.h bk_urlids_new); NULL: defaults */
	bool no_ids;		/* the caller reads no ids: a parser may leave ev->ids empty */
} bk_parse_opts;

typedef struct bk_parser bk_parser;
typedef struct bk_formats bk_formats;

/*
 * The format definitions in DIRS (each a patterns/ tree: DIR/formats/ *),
 * later directories overriding earlier ones by name. NULL with *ERR set (a
 * malloc'd "FILE:LINE: what is wrong") on a malformed definition; NULL with
 * *ERR NULL on OOM.
 */
bk_formats *bk_formats_load(const char *const *dirs, size_t ndirs, char **err);
void bk_formats_free(bk_formats *fs);

/* The names of every known format, code and data, sorted; NULL-terminated. */
const char *const *bk_formats_names(const bk_formats *fs);

/*
 * Example text for NAME (for --list-formats and the man page): one line, or
 * for a code format whose entries span lines or need a header before them
 * (Zeek, CSV, the slow query log) one whole entry, lines separated by '\n'.
 */
const char *bk_formats_example(const bk_formats *fs, const char *name);

/* A one-line description of NAME; "" when it has none, NULL when NAME is unknown. */
const char *bk_formats_description(const bk_formats *fs, const char *name);

/*
 * Every example line of NAME (a data format's `example` lines; a code
 * format's one example, possibly of several lines: see bk_formats_example),
 * into *LINES, and beside each in *EXPECT the event
 * record it must give (NULL when the definition states none), as
 * bk_event_write writes it for file "example" and line N (1-based, the
 * example's rank). Returns how many. The arrays live as long as FS.
 */
size_t bk_formats_examples(const bk_formats *fs, const char *name, const char *const **lines,
			   const char *const **expect);

/*
 * Adds a format derived from a server's own directive and returns its name
 * (owned by FS), e.g. "nginx:main". NOTATION is "nginx", "apache" or
 * "squid". LOG_FORMAT is either the name of a format (looked up in CONF, a
 * server config file whose include lines are followed, or among the
 * server's predefined ones when CONF is NULL) or, when it holds a '$' or
 * '%', the format string itself. NULL with *ERR set (malloc'd) when the
 * format cannot be found or compiled; NULL with *ERR NULL on OOM.
 */
const char *bk_formats_define(bk_formats *fs, const char *notation, const char *conf,
			      const char *log_format, char **err);

/* The notation ("nginx", "apache", "squid") NAME is written in, or NULL (regex and code formats). */
const char *bk_formats_notation(const bk_formats *fs, const char *name);

/*
 * A parser for format NAME with options O (NULL for defaults). NULL with
 * *ERR set when NAME is unknown or an option does not fit it.
 */
bk_parser *bk_parser_new(const bk_formats *fs, const char *name,
			 const bk_parse_opts *o, char **err);
void bk_parser_free(bk_parser *p);

/* Starts a new input FILE (resets headers and pending multi-line entries). */
void bk_parser_begin(bk_parser *p, const char *file);

/*
 * Whether each line parses on its own, with no header before it and no
 * entry spanning lines (the layout and regex formats, JSON lines): the
 * lines of one input may then be shared out among several parsers
 * (bk-parse -j) and give the same events.
 */
bool bk_parser_independent(const bk_parser *p);

/*
 * Parses one line (without its newline). Returns BK_OK when the line was
 * (part of) an entry, 1 when it did not parse, or the callback's nonzero
 * return.
 */
int bk_parser_line(bk_parser *p, const char *line, size_t len, uint64_t lineno,
		   bk_event_fn fn, void *ctx);

/*
 * What the times of an input said about their zone and year. A log written
 * in local time without a year (syslog, the MySQL general log) is read with
 * opts.tz and opts.year, which the caller may not know; the logs beside it
 * that do state an offset tell what they most likely are (bk-triage infers
 * both this way). Counts are of times read; epoch times are instants and
 * count as neither zoned nor naive.
 */
#define BK_CLOCK_OFFSETS 4
typedef struct bk_clock {
	uint64_t zoned;		/* with a written offset or known zone name */
	uint64_t naive;		/* wall time with no zone: read in opts.tz */
	uint64_t yearless;	/* no year: opts.year, or the current one */
	struct {
		int off;	/* seconds east of UTC */
		uint64_t n;	/* zoned times that wrote it */
	} offsets[BK_CLOCK_OFFSETS];	/* the first distinct ones seen; n 0 ends */
} bk_clock;

/* The clock tally of the input begun last (bk_parser_begin resets it). */
void bk_parser_clock(const bk_parser *p, bk_clock *c);

/* Adds tally B to A (the parsers that shared one input, bk-parse -j). */
void bk_clock_add(bk_clock *a, const bk_clock *b);

/*
 * The offset most of C's zoned times wrote, preferring a nonzero one: UTC
 * is how machines log (Zeek, JSON), local offsets are how people's servers
 * do. False when no time was zoned.
 */
bool bk_clock_offset(const bk_clock *c, int *off);

/*
 * How P reads the years of the current input's times written without one
 * (opts.year; bk_years in timefmt.h), which bk_parser_begin starts again.
 * The caller may read it, or overwrite it to read a part of an input from
 * a guess (bk_years_guess) or to go on from where another parser stopped
 * (bk-parse -j). Lives as long as P.
 */
bk_years *bk_parser_years(bk_parser *p);

/* Emits the entry still held back, if any; call at the end of each input. */
int bk_parser_finish(bk_parser *p, bk_event_fn fn, void *ctx);

/*
 * Picks the format that parses most of the N sample LINES (NULL when none
 * parses at least half). *SCORE (may be NULL) gets the share parsed, 0..1.
 */
const char *bk_formats_detect(const bk_formats *fs, const bk_span *lines,
			      size_t n, double *score);

#ifdef __cplusplus
}
#endif

#endif /* BK_EVENT_H */
