/*
 * lines.h - split an input into lines without allocating per line.
 *
 * Lines are returned without their terminator ("\n" or "\r\n"); a final line
 * without a newline is returned too. NUL bytes are ordinary bytes. A line
 * that lies inside one input chunk points straight into it; only a line that
 * straddles chunks is assembled in the reader's buffer, which grows up to the
 * maximum line length (default 64 MiB). A longer line is returned in pieces
 * of that size: the first carries BK_LINE_SPLIT, the following ones
 * BK_LINE_CONT, all with the same line number, so the caller can warn once
 * and say where.
 */
#ifndef BK_LINES_H
#define BK_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "input.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BK_LINES_DEFAULT_MAX ((size_t)64 << 20)

enum {
	BK_LINE_CRLF = 1 << 0,	/* the line ended in "\r\n" (the "\r" is not in data) */
	BK_LINE_NOEOL = 1 << 1,	/* the last line of the input, with no newline */
	BK_LINE_SPLIT = 1 << 2,	/* cut at the maximum length; the rest follows */
	BK_LINE_CONT = 1 << 3,	/* a later piece of a split line */
	BK_LINE_BLOCK = 1 << 4,	/* bk_lines_next_block: whole lines, terminators kept */
};

struct bk_line {
	const char *data;	/* the bytes, not NUL-terminated */
	size_t len;		/* without the terminator */
	uint64_t lineno;	/* 1-based physical line number */
	uint64_t offset;	/* decoded offset of data[0] in the input */
	unsigned flags;		/* BK_LINE_* */
};

typedef struct bk_lines bk_lines;

/* A reader whose lines are at most MAX bytes (0: BK_LINES_DEFAULT_MAX). NULL on OOM. */
bk_lines *bk_lines_new(size_t max);

/* Accepts NULL. Does not touch the input. */
void bk_lines_free(bk_lines *lr);

/*
 * Starts reading IN from its current position, which counts as line 1 unless
 * FIRST_LINENO says otherwise (a resumed file). The input stays owned by the
 * caller and must outlive the reading.
 */
void bk_lines_reset(bk_lines *lr, bk_input *in, uint64_t first_lineno);

/*
 * Starts reading the LEN bytes at DATA (which must outlive the reading), whose
 * first byte is at decoded offset OFFSET of its input and starts line
 * FIRST_LINENO; when they are done, THEN (may be NULL) is read on from its
 * current position, which must be OFFSET + LEN. A file cut into chunks at
 * line boundaries reads the same lines, numbered and flagged the same, as
 * the whole file would.
 */
void bk_lines_reset_mem(bk_lines *lr, const char *data, size_t len, uint64_t offset,
    uint64_t first_lineno, bk_input *then);

/*
 * The next line into *LINE, valid until the next call. Returns BK_OK, BK_EOF,
 * BK_NOMEM, or BK_ERROR when the input failed (after every complete line
 * before the fault, and the partial last one, were returned; the message is
 * bk_input_error() of the input).
 */
int bk_lines_next(bk_lines *lr, struct bk_line *line);

/*
 * bk_lines_next for a caller that hands lines on in bulk (pipeline.c):
 * when the lines ahead lie whole in the input chunk being read, as many of
 * them as end within MOST bytes (and within the maximum line length) come
 * at once, flagged BK_LINE_BLOCK: DATA and LEN cover them with their
 * terminators, the last one's included; LINENO and OFFSET are the first
 * one's. bk_lines_reset_mem over the block, with that offset and line
 * number, reads back exactly the lines bk_lines_next would have returned.
 * Anything else (a line that straddles chunks, the last one without a
 * newline, the pieces of an over-long line, a first line longer than MOST)
 * comes alone, as bk_lines_next returns it. Same return values.
 */
int bk_lines_next_block(bk_lines *lr, struct bk_line *line, size_t most);

/*
 * Decoded offset just past the terminator of the last line returned that had
 * one: where a resumed read should start so that no line is read twice and
 * an unterminated last line is read again whole once it is complete.
 */
uint64_t bk_lines_offset(const bk_lines *lr);

/* The number of the line that starts at bk_lines_offset(). */
uint64_t bk_lines_next_lineno(const bk_lines *lr);

#ifdef __cplusplus
}
#endif
#endif /* BK_LINES_H */
