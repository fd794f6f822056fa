/*
 * pipeline.h - one input's lines shared out to worker threads, the results
 * written back in input order.
 *
 * A tool whose work per line does not depend on the lines before it (a
 * one-line log format parsed into events, a line scanned for personal data)
 * can use every core on a single input - the one big log a responder gets -
 * and still write exactly what one pass writes. The main thread reads lines
 * with a bk_lines reader (so numbering, CRLF, NUL bytes and the pieces of
 * over-long lines are the reader's, unchanged), copies them into chunks of
 * about CHUNK_BYTES, and hands each chunk to the next free worker. A worker
 * writes its output into the chunk's memory stream or its byte buffer; the
 * main thread passes finished chunks to the writer strictly in input order.
 * At most two chunks per worker are in flight, so memory is bounded by the
 * chunk size and the longest line, whatever the input's size.
 */
#ifndef BK_PIPELINE_H
#define BK_PIPELINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base.h"
#include "lines.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BK_PIPELINE_CHUNK ((size_t)4 << 20)	/* a good CHUNK_BYTES: 4 MiB */
#define BK_PIPELINE_MAX_JOBS 64
#define BK_PIPELINE_NSTATS 8

/* A chunk of lines, as the worker and then the writer see it. */
struct bk_chunk {
	const struct bk_line *lines;	/* copies, valid until the writer returns */
	size_t nlines;
	FILE *out;			/* worker: where its output goes (a memory stream) */
	/*
	 * Worker: or output put straight into this buffer (bk_chunk_room),
	 * which spares stdio's copying for output already formatted in
	 * bulk. A chunk's output goes to OUT or here, not both.
	 */
	char *buf;
	size_t buflen, bufcap;
	const char *text;		/* writer: what the worker wrote to OUT or BUF */
	size_t len;
	int status;			/* writer: what the worker returned */
	uint64_t stats[BK_PIPELINE_NSTATS];	/* the worker's counters, zeroed for it */
	void *data;			/* the worker's own; the writer frees it */
};

/*
 * WORKER (one of the WORKERS given to bk_pipeline_run) processes chunk C in
 * a worker thread, writing to C->out; nonzero stops the run (after the
 * chunks before it are written, and this one).
 */
typedef int (*bk_pipeline_work_fn)(void *worker, struct bk_chunk *c);

/*
 * Room for N more bytes at C->buf + C->buflen, the buffer grown as needed
 * (it is kept from chunk to chunk); the worker writes there and adds what
 * it wrote to C->buflen. NULL when memory ran out.
 */
char *bk_chunk_room(struct bk_chunk *c, size_t n);

/*
 * Called in the main thread for each chunk, in input order; nonzero stops
 * the run (a closed pipe, a full disk).
 */
typedef int (*bk_pipeline_write_fn)(void *ctx, struct bk_chunk *c);

/*
 * Reads LR to its end with JOBS worker threads (1 to BK_PIPELINE_MAX_JOBS),
 * WORKERS[i] being the state of the i-th, in chunks of about CHUNK_BYTES.
 * Returns BK_OK at the end of the input, BK_ERROR when it failed (every line
 * before the fault was processed and written; bk_input_error() of the input
 * says why), BK_NOMEM, or 1 when a worker or the writer stopped it. When no
 * thread can be started, the calling thread does the work of WORKERS[0].
 */
int bk_pipeline_run(bk_lines *lr, size_t jobs, void *const *workers, bk_pipeline_work_fn work,
		    bk_pipeline_write_fn write, void *ctx, size_t chunk_bytes);

#ifdef __cplusplus
}
#endif
#endif /* BK_PIPELINE_H */
