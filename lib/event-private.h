/*
 * event-private.h - how a parser is built, for the modules that implement
 * formats. Not installed.
 *
 * A bk_parser is a small vtable plus state. Formats described as data
 * (patterns/formats/, compiled by format.c) and formats that are code
 * (format-zeek.c, format-json.c, format-csv.c, format-mysql.c,
 * format-pgcsv.c, ...) fill the same ops, and format.c's registry makes
 * bk_parser_new find either by name. Code formats register themselves in the
 * bk__code_formats table (format-code.c) with their name and an example line.
 */
#ifndef BK_EVENT_PRIVATE_H
#define BK_EVENT_PRIVATE_H

#include "event.h"
#include "timefmt.h"

struct bk__parser_ops {
	const char *name;
	const char *description;	/* one line, for --list-formats */
	/*
	 * One entry of real log text, for --list-formats, the man page and
	 * --check-formats: lines separated by '\n' where an entry spans
	 * several or needs the header before it (Zeek, CSV, the slow log).
	 */
	const char *example;
	int priority;		/* breaks detection ties; generic formats below 0 */
	bool independent;	/* each line parses alone: no header, no entry of several lines */
	/* Sets up p->impl; nonzero with *err (malloc'd) set when opts don't fit. */
	int (*init)(bk_parser *p, char **err);
	void (*begin)(bk_parser *p);	/* a new file starts; may be NULL */
	int (*line)(bk_parser *p, const char *s, size_t n, uint64_t lineno,
		    bk_event_fn fn, void *ctx);
	int (*finish)(bk_parser *p, bk_event_fn fn, void *ctx);	/* may be NULL */
	void (*free)(bk_parser *p);	/* frees p->impl; may be NULL */
};

struct bk_parser {
	const struct bk__parser_ops *ops;
	const bk_formats *fs;
	const char *file;	/* the current input's name */
	bk_parse_opts opts;	/* copied strings owned by the parser */
	bk_tz *tz;		/* opts.tz opened, or NULL for UTC */
	void *impl;
	/*
	 * What the times read said of zone and year (bk_parser_clock), through
	 * a pointer because the code that reads times holds the parser const.
	 */
	bk_clock *clock, clock_store;
	/* The years of the input's yearless times (opts.year), the same way. */
	bk_years *years, years_store;
};

/*
 * "METHOD URL PROTOCOL" (or "METHOD URL") split into its parts; false when
 * it is not a request line. The layout engine and the field maps share it
 * (format-util.c).
 */
bool bk__split_request(const char *s, size_t n, bk_span *method, bk_span *url, bk_span *proto);

/*
 * What an HTTP method means when a format says nothing else: a web
 * server's view and a proxy's (where a client's POST is an upload).
 * Terminated by a NULL method (format-util.c).
 */
struct bk__method_action {
	const char *method, *action;
};
extern const struct bk__method_action bk__web_actions[], bk__proxy_actions[];

/* Counts time T in clock tally C (bk_parser_clock; format-util.c). */
void bk__clock_note(bk_clock *c, const struct bk_tm *t);

/* The formats that are code, NULL-terminated (format-code.c). */
extern const struct bk__parser_ops *const bk__code_formats[];

#endif /* BK_EVENT_PRIVATE_H */
