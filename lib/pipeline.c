/*
 * pipeline.c - ordered parallel processing of one input's lines; see
 * pipeline.h.
 *
 * A ring of 2 * JOBS slots: the main thread fills the slot after the last
 * one handed out (after writing the oldest, when all are in flight), the
 * workers take slots in order, and the main thread writes them in order as
 * they finish. A slot keeps its buffers from one chunk to the next, so a
 * long run allocates only while its chunks grow to their working size.
 *
 * The main thread is the one part that does not scale with the workers, so
 * it does as little per line as it can: it takes the input in blocks of
 * whole lines (bk_lines_next_block), each copied with one memcpy, and only
 * the odd line that needs the reader's care (straddling two input chunks,
 * cut at the maximum, the last without a newline) alone. The worker that
 * takes the chunk splits its blocks into lines, numbered and flagged as
 * the main reader would have done. Segments keep offsets into the slot's
 * buffer while it may still move.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "pipeline.h"
#include "util-private.h"

/* A block of lines or one line, as bk_lines_next_block gave it, at OFF in the slot's buffer. */
struct seg {
	size_t off, len;
	uint64_t lineno, offset;
	unsigned flags;
};

struct slot {
	char *buf;
	size_t len, cap;
	struct seg *segs;
	size_t nsegs, segcap;
	struct bk_line *lines;	/* the segments split, by the worker */
	size_t nlines, linecap;
	struct bk_chunk c;
	FILE *out;		/* the slot's memory stream, kept from chunk to chunk */
	char *text;		/* its buffer and length, as of the last fflush */
	size_t textlen;
	char *obuf;		/* the chunk's byte buffer, kept likewise */
	size_t ocap;
	bool done;
};

struct pipeline {
	struct slot ring[2 * BK_PIPELINE_MAX_JOBS];
	size_t ahead;
	uint64_t next;		/* the next slot a worker takes */
	uint64_t handed;	/* slots handed out so far */
	uint64_t written;	/* slots written so far */
	bool last;		/* nothing follows what was handed out */
	bool stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bk_pipeline_work_fn work;
	bk_pipeline_write_fn write;
	void *ctx;
	void *alone;		/* no thread could start: this worker's state, used here */
};

struct worker {
	struct pipeline *pl;
	void *state;
	pthread_t thread;
};

/*
 * Runs the worker on slot S. The slot's memory stream is rewound, not
 * made anew: its buffer, grown to the size of a chunk's output, is reused,
 * which spares the page faults of a fresh one per chunk.
 */
static int
push_line(struct slot *s, const struct bk_line *line)
{
	if (bk__grow(&s->lines, &s->linecap, s->nlines, sizeof *s->lines) != BK_OK)
		return BK_NOMEM;
	s->lines[s->nlines++] = *line;
	return BK_OK;
}

/*
 * The lines of a block (bk_lines_next_block) at G, as the reader would
 * have returned them: every one ends in '\n' and fits the maximum, so
 * each is its bytes up to the newline, less a '\r' before it (CRLF). The
 * newlines are found 32 bytes a step, the step's mask walked bit by bit: a
 * log line is a few hundred bytes, where a memchr call per line costs more
 * than the search. BK_OK or BK_NOMEM.
 */
static int
split_block(struct slot *s, const struct seg *g)
{
	const char *b = s->buf + g->off, *start = b, *p = b, *end = b + g->len;
	uint64_t lineno = g->lineno;

	while (p < end) {
		uint32_t m = 0;
		size_t n = 32;

#ifdef __SSE2__
		if (end - p >= 32) {
			const __m128i nl = _mm_set1_epi8('\n');
			const __m128i *v = (const __m128i *)(const void *)p;

			m = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(v), nl)) |
			    (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(v + 1), nl))
				<< 16;
			if (m == 0) {
				p += 32;
				continue;
			}
		} else
#endif
		{
			n = (size_t)(end - p) < 32 ? (size_t)(end - p) : 32;
			for (size_t k = 0; k < n; k++)
				m |= (uint32_t)(p[k] == '\n') << k;
		}
		for (; m != 0; m &= m - 1) {
			const char *nl = p + __builtin_ctz(m);
			size_t len = (size_t)(nl - start);
			unsigned flags = 0;
			struct bk_line *l;

			if (len > 0 && start[len - 1] == '\r') {
				len--;
				flags = BK_LINE_CRLF;
			}
			if (s->nlines == s->linecap &&
			    bk__grow(&s->lines, &s->linecap, s->nlines, sizeof *s->lines) != BK_OK)
				return BK_NOMEM;
			l = &s->lines[s->nlines++];
			l->data = start;
			l->len = len;
			l->lineno = lineno++;
			l->offset = g->offset + (uint64_t)(start - b);
			l->flags = flags;
			start = nl + 1;
		}
		p += n;
	}
	return BK_OK;
}

/* The slot's segments into lines, in the worker: BK_OK or BK_NOMEM. */
static int
split_lines(struct slot *s)
{
	s->nlines = 0;
	for (size_t i = 0; i < s->nsegs; i++) {
		const struct seg *g = &s->segs[i];

		if (g->flags & BK_LINE_BLOCK) {
			if (split_block(s, g) != BK_OK)
				return BK_NOMEM;
		} else if (push_line(s, &(struct bk_line){ s->buf + g->off, g->len, g->lineno,
				   g->offset, g->flags }) != BK_OK) {
			return BK_NOMEM;
		}
	}
	return BK_OK;
}

char *
bk_chunk_room(struct bk_chunk *c, size_t n)
{
	if (c->bufcap - c->buflen < n) {
		size_t cap = c->bufcap != 0 ? c->bufcap : 65536;
		char *b;

		while (cap - c->buflen < n) {
			if (cap > SIZE_MAX / 2)
				return NULL;
			cap *= 2;
		}
		if ((b = realloc(c->buf, cap)) == NULL)
			return NULL;
		c->buf = b;
		c->bufcap = cap;
	}
	return c->buf + c->buflen;
}

static void
run_chunk(struct pipeline *pl, void *state, struct slot *s)
{
	memset(s->c.stats, 0, sizeof s->c.stats);
	s->c.data = NULL;
	s->c.buf = s->obuf;
	s->c.bufcap = s->ocap;
	s->c.buflen = 0;
	if (split_lines(s) != BK_OK) {
		s->c.status = BK_NOMEM;
		return;
	}
	s->c.lines = s->lines;
	s->c.nlines = s->nlines;
	if (s->out == NULL && (s->out = open_memstream(&s->text, &s->textlen)) == NULL) {
		s->c.status = BK_NOMEM;
		return;
	}
	if (fseeko(s->out, 0, SEEK_SET) != 0) {
		s->c.status = BK_NOMEM;
		return;
	}
	s->c.out = s->out;
	s->c.status = pl->work(state, &s->c);
	/* The length is the stream's position: what this chunk wrote. */
	if (fflush(s->out) != 0 && s->c.status == 0)
		s->c.status = BK_NOMEM;
	s->c.out = NULL;
	s->obuf = s->c.buf;
	s->ocap = s->c.bufcap;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct pipeline *pl = w->pl;

	pthread_mutex_lock(&pl->lock);
	for (;;) {
		while (!pl->stop && pl->next >= pl->handed && !pl->last)
			pthread_cond_wait(&pl->cond, &pl->lock);
		if (pl->stop || pl->next >= pl->handed)
			break;
		struct slot *s = &pl->ring[pl->next++ % pl->ahead];

		pthread_mutex_unlock(&pl->lock);
		run_chunk(pl, w->state, s);
		pthread_mutex_lock(&pl->lock);
		s->done = true;
		pthread_cond_broadcast(&pl->cond);
	}
	pthread_mutex_unlock(&pl->lock);
	return NULL;
}

/* Writes the oldest slot in flight once it is done. Nonzero: stop. */
static int
write_next(struct pipeline *pl)
{
	struct slot *s = &pl->ring[pl->written % pl->ahead];
	int stop;

	pthread_mutex_lock(&pl->lock);
	while (!s->done)
		pthread_cond_wait(&pl->cond, &pl->lock);
	pthread_mutex_unlock(&pl->lock);
	if (s->c.buflen > 0) {
		s->c.text = s->c.buf;
		s->c.len = s->c.buflen;
	} else {
		s->c.text = s->text != NULL ? s->text : "";
		s->c.len = s->textlen;
	}
	stop = pl->write(pl->ctx, &s->c);
	if (stop == 0 && s->c.status != 0)
		stop = 1;
	pthread_mutex_lock(&pl->lock);
	pl->written++;
	if (stop != 0)
		pl->stop = true;
	stop = pl->stop;
	pthread_cond_broadcast(&pl->cond);
	pthread_mutex_unlock(&pl->lock);
	return stop;
}

/* Hands out the slot being filled. Nonzero: stop. */
static int
hand_out(struct pipeline *pl, struct slot *s)
{
	if (pl->alone != NULL) {
		run_chunk(pl, pl->alone, s);
		pl->handed++;
		s->done = true;
		return write_next(pl);
	}
	pthread_mutex_lock(&pl->lock);
	s->done = false;
	pl->handed++;
	pthread_cond_broadcast(&pl->cond);
	pthread_mutex_unlock(&pl->lock);
	while (pl->handed - pl->written >= pl->ahead)
		if (write_next(pl) != 0)
			return 1;
	return 0;
}

/* Copies a block or a line (LINE) into slot S. BK_OK or BK_NOMEM. */
static int
add_seg(struct slot *s, const struct bk_line *line)
{
	if (bk__grow(&s->segs, &s->segcap, s->nsegs, sizeof *s->segs) != BK_OK)
		return BK_NOMEM;
	if (s->cap - s->len < line->len) {
		size_t cap = s->cap != 0 ? s->cap : 4096;
		char *b;

		while (cap - s->len < line->len) {
			if (cap > SIZE_MAX / 2)
				return BK_NOMEM;
			cap *= 2;
		}
		if ((b = realloc(s->buf, cap)) == NULL)
			return BK_NOMEM;
		s->buf = b;
		s->cap = cap;
	}
	if (line->len > 0)
		memcpy(s->buf + s->len, line->data, line->len);
	s->segs[s->nsegs++] = (struct seg){ s->len, line->len, line->lineno, line->offset,
		line->flags };
	s->len += line->len;
	return BK_OK;
}

int
bk_pipeline_run(bk_lines *lr, size_t jobs, void *const *workers, bk_pipeline_work_fn work,
		bk_pipeline_write_fn write, void *ctx, size_t chunk_bytes)
{
	struct pipeline *pl = calloc(1, sizeof *pl);
	struct worker *w;
	struct bk_line line;
	struct slot *s;
	size_t started = 0;
	int rc = BK_OK, stop = 0;

	if (jobs < 1)
		jobs = 1;
	if (jobs > BK_PIPELINE_MAX_JOBS)
		jobs = BK_PIPELINE_MAX_JOBS;
	w = calloc(jobs, sizeof *w);
	if (pl == NULL || w == NULL) {
		free(pl);
		free(w);
		return BK_NOMEM;
	}
	pthread_mutex_init(&pl->lock, NULL);
	pthread_cond_init(&pl->cond, NULL);
	pl->ahead = 2 * jobs;
	pl->work = work;
	pl->write = write;
	pl->ctx = ctx;
	for (size_t i = 0; i < jobs; i++) {
		w[i].pl = pl;
		w[i].state = workers[i];
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0)
			break;
		started++;
	}
	if (started == 0)
		pl->alone = workers[0];	/* slower, but the same output */
	s = &pl->ring[0];
	if (chunk_bytes < 1)
		chunk_bytes = 1;
	while ((rc = bk_lines_next_block(lr, &line, chunk_bytes - s->len)) == BK_OK) {
		if (add_seg(s, &line) != BK_OK) {
			rc = BK_NOMEM;
			break;
		}
		if (s->len < chunk_bytes)
			continue;
		if ((stop = hand_out(pl, s)) != 0)
			break;
		s = &pl->ring[pl->handed % pl->ahead];
		s->len = s->nsegs = 0;
	}
	if (stop == 0 && s->nsegs > 0)
		stop = hand_out(pl, s);
	pthread_mutex_lock(&pl->lock);
	pl->last = true;
	pthread_cond_broadcast(&pl->cond);
	pthread_mutex_unlock(&pl->lock);
	while (stop == 0 && pl->written < pl->handed)
		stop = write_next(pl);
	if (stop != 0)
		rc = 1;
	else if (rc == BK_EOF)
		rc = BK_OK;
	pthread_mutex_lock(&pl->lock);
	pl->stop = true;	/* workers waiting for more go home */
	pthread_cond_broadcast(&pl->cond);
	pthread_mutex_unlock(&pl->lock);
	for (size_t i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
	for (; pl->written < pl->handed; pl->written++) {
		/* Stopped: what was done and never written is dropped. */
		s = &pl->ring[pl->written % pl->ahead];
		if (s->done)
			free(s->c.data);
	}
	for (size_t i = 0; i < pl->ahead; i++) {
		if (pl->ring[i].out != NULL)
			fclose(pl->ring[i].out);
		free(pl->ring[i].text);
		free(pl->ring[i].buf);
		free(pl->ring[i].lines);
		free(pl->ring[i].segs);
		free(pl->ring[i].obuf);
	}
	pthread_mutex_destroy(&pl->lock);
	pthread_cond_destroy(&pl->cond);
	free(pl);
	free(w);
	return rc;
}
