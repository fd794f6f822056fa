/*
 * events.h - where a detector's events come from, for bk-access and bk-exfil:
 * event records (bk-parse's output, a pipe) or raw logs through a parser of
 * the library, the same code bk-parse runs, so the pipe is a convenience and
 * never a performance tax. Records that are not events (state records for
 * --merge, findings) go back to the tool, which knows what they mean to it.
 * bk-parse shares with them how the end of reading a log is said.
 *
 * Not part of libbreachkit: tools link it as a convenience library.
 */
#ifndef BK_TOOL_EVENTS_H
#define BK_TOOL_EVENTS_H

#include "breachkit.h"

struct tool_source {
	const char *path;		/* the input's name, for messages and events without one */
	bk_event_fn on_event;		/* each event; its return value is ignored */
	void *ctx;
	/* Each record that is not an event, with its line; NULL: skipped in silence. */
	void (*on_record)(void *ctx, const bk_record *rec, uint64_t line);
	bk_span *ids;			/* room for an event record's ids */
	size_t idcap;
};

/* A record reader's "LINE: what" as "PATH:LINE: what" (an input failure has no line). */
void tool_reader_error(const char *path, const bk_reader *rd);

/*
 * Reads the records of IN with RD: events to S->on_event, decoded without
 * a JSON tree where they can be (bk_reader_next_event), bad lines reported
 * as PATH:LINE: ..., the rest to S->on_record. Stops the tool when memory
 * runs out.
 */
void tool_read_records(const struct tool_source *s, bk_input *in, bk_reader *rd);

/*
 * Reads IN's lines with LR through the parser P, events to S->on_event,
 * and says how many lines did not parse ("N of M lines unparsed (first at
 * line K)"), as bk-parse does; pieces of lines past the maximum do not.
 */
void tool_read_log(const struct tool_source *s, bk_input *in, bk_lines *lr, bk_parser *p);

/*
 * What reading a log at PATH ended with, said on stderr: IN's error when
 * bk_lines_next returned RC BK_ERROR, or being out of memory, and how many
 * of its LINES did not parse (UNPARSED, the first at line FIRST). Every
 * tool that parses logs says it in the same words.
 */
void tool_log_end(const char *path, int rc, bk_input *in, uint64_t lines, uint64_t unparsed,
    uint64_t first);

/*
 * Which server's notation a format string given alone (--log-format without
 * a config file) is written in: nginx ($variables), Squid (its own %
 * codes), else Apache.
 */
const char *tool_guess_notation(const char *s);

#endif /* BK_TOOL_EVENTS_H */
