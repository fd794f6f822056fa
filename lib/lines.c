/*
 * lines.c - split an input into lines without allocating per line.
 *
 * The reader hands out lines that lie inside one input chunk as pointers into
 * that chunk, found with memchr, so the common case costs one memchr and no
 * copy. Only a line that straddles two chunks is assembled in the reader's
 * own buffer, which grows geometrically but never past the maximum line
 * length: memory stays bounded whatever the input holds. A line longer than
 * the maximum comes out in pieces, flagged so the caller can say where.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "lines.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

struct bk_lines {
	bk_input *in;		/* NULL: only the memory given to bk_lines_reset_mem */
	bk_input *then;		/* read once the memory is done, or NULL */
	size_t max;

	const char *chunk;	/* the current input chunk: chunk[pos, clen) unread */
	size_t clen, pos;
	uint64_t chunk_off;	/* decoded offset of chunk[0] */

	char *buf;		/* a line being assembled across chunks */
	size_t len, cap;
	uint64_t start_off;	/* decoded offset of the line (or piece) being assembled */
	bool cont;		/* the current line was split; later pieces follow */

	uint64_t lineno;	/* number of the line being read */
	uint64_t consumed;	/* offset past the last newline handed out */
	uint64_t consumed_lineno;	/* the number of the line starting there */
	bool done;
	int final_rc;
};

bk_lines *
bk_lines_new(size_t max)
{
	bk_lines *lr = calloc(1, sizeof *lr);

	if (lr == NULL)
		return NULL;
	lr->max = max > 0 ? max : BK_LINES_DEFAULT_MAX;
	return lr;
}

void
bk_lines_free(bk_lines *lr)
{
	if (lr == NULL)
		return;
	free(lr->buf);
	free(lr);
}

static void
reset(bk_lines *lr, uint64_t off, uint64_t first_lineno)
{
	lr->chunk = NULL;
	lr->clen = lr->pos = 0;
	lr->chunk_off = lr->consumed = lr->start_off = off;
	lr->len = 0;
	lr->cont = false;
	lr->lineno = lr->consumed_lineno = first_lineno > 0 ? first_lineno : 1;
	lr->done = false;
	lr->final_rc = BK_EOF;
}

void
bk_lines_reset(bk_lines *lr, bk_input *in, uint64_t first_lineno)
{
	reset(lr, bk_input_offset(in), first_lineno);
	lr->in = in;
	lr->then = NULL;
}

void
bk_lines_reset_mem(bk_lines *lr, const char *data, size_t len, uint64_t offset,
    uint64_t first_lineno, bk_input *then)
{
	reset(lr, offset, first_lineno);
	lr->in = NULL;
	lr->then = then;
	lr->chunk = data;
	lr->clen = len;
}

uint64_t
bk_lines_offset(const bk_lines *lr)
{
	return lr->consumed;
}

uint64_t
bk_lines_next_lineno(const bk_lines *lr)
{
	return lr->consumed_lineno;
}

/* Appends N bytes to the assembly buffer; the caller has checked N against max. */
static int
append(bk_lines *lr, const char *p, size_t n)
{
	if (lr->len + n > lr->cap) {
		size_t cap = lr->cap > 0 ? lr->cap : 4096;

		while (cap < lr->len + n)
			cap *= 2;
		if (cap > lr->max)
			cap = lr->max;
		char *nb = realloc(lr->buf, cap);
		if (nb == NULL)
			return BK_NOMEM;
		lr->buf = nb;
		lr->cap = cap;
	}
	memcpy(lr->buf + lr->len, p, n);
	lr->len += n;
	return BK_OK;
}

/* Fills in LINE for DATA/LEN, which started at decoded offset OFF. */
static void
emit(bk_lines *lr, struct bk_line *line, const char *data, size_t len, uint64_t off,
    unsigned flags)
{
	if (lr->cont)
		flags |= BK_LINE_CONT;
	line->data = data;
	line->len = len;
	line->offset = off;
	line->lineno = lr->lineno;
	line->flags = flags;
}

int
bk_lines_next(bk_lines *lr, struct bk_line *line)
{
	if (lr->done)
		return lr->final_rc;
	for (;;) {
		if (lr->pos < lr->clen) {
			const char *start = lr->chunk + lr->pos;
			size_t rem = lr->clen - lr->pos;
			size_t room = lr->max - lr->len;	/* bytes the line may still take */
			size_t scan = rem <= room ? rem : room + 1;
			const char *nl = memchr(start, '\n', scan);
			const char *data;
			size_t len;
			uint64_t off;
			unsigned flags = 0;

			if (lr->len == 0)
				lr->start_off = lr->chunk_off + lr->pos;
			off = lr->start_off;
			if (nl != NULL) {
				size_t n = (size_t)(nl - start);

				if (lr->len == 0) {
					data = start;
					len = n;
				} else {
					if (append(lr, start, n) != BK_OK)
						return BK_NOMEM;
					data = lr->buf;
					len = lr->len;
				}
				lr->pos += n + 1;
				if (len > 0 && data[len - 1] == '\r') {
					len--;
					flags |= BK_LINE_CRLF;
				}
				emit(lr, line, data, len, off, flags);
				lr->len = 0;
				lr->cont = false;
				lr->lineno++;
				lr->consumed = lr->chunk_off + lr->pos;
				lr->consumed_lineno = lr->lineno;
				return BK_OK;
			}
			if (rem <= room) {
				/* The line goes on in the next chunk. */
				if (append(lr, start, rem) != BK_OK)
					return BK_NOMEM;
				lr->pos = lr->clen;
				continue;
			}
			/* Longer than the maximum: hand out a piece of exactly max bytes. */
			if (lr->len == 0) {
				data = start;
			} else {
				if (append(lr, start, room) != BK_OK)
					return BK_NOMEM;
				data = lr->buf;
			}
			lr->pos += room;
			emit(lr, line, data, lr->max, off, BK_LINE_SPLIT);
			lr->len = 0;
			lr->cont = true;
			return BK_OK;
		}

		if (lr->in == NULL && lr->then != NULL) {
			/* The memory is done: the input it was taken from goes on. */
			lr->in = lr->then;
			lr->then = NULL;
		}
		int rc = lr->in != NULL ? bk_input_next(lr->in, &lr->chunk, &lr->clen) : BK_EOF;

		lr->pos = 0;
		if (rc == BK_OK) {
			lr->chunk_off = bk_input_offset(lr->in) - lr->clen;
			continue;
		}
		lr->chunk = NULL;
		lr->clen = 0;
		if (rc == BK_NOMEM)
			return rc;
		lr->done = true;
		lr->final_rc = rc;
		if (lr->len > 0) {
			/* The last line had no newline; it is still a line. */
			emit(lr, line, lr->buf, lr->len, lr->start_off, BK_LINE_NOEOL);
			lr->len = 0;
			lr->cont = false;
			lr->lineno++;
			return BK_OK;
		}
		return rc;
	}
}

/*
 * The newlines in the N bytes at S. A block of lines is counted once, in
 * the main thread, for its line numbers: 64 bytes a step, the compare
 * results (0 or -1 a byte) summed bytewise for at most 63 steps (252 a
 * byte) before they could wrap.
 */
static uint64_t
count_newlines(const char *s, size_t n)
{
	uint64_t count = 0;
	size_t i = 0;

#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();

	while (n - i >= 64) {
		__m128i acc = zero;
		size_t steps = (n - i) / 64;

		if (steps > 63)
			steps = 63;
		for (size_t k = 0; k < steps; k++, i += 64) {
			const __m128i *v = (const __m128i *)(const void *)(s + i);

			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128(v), nl));
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128(v + 1), nl));
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128(v + 2), nl));
			acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128(v + 3), nl));
		}
		acc = _mm_sad_epu8(acc, zero);
		count += (uint64_t)_mm_cvtsi128_si32(acc) +
		    (uint64_t)_mm_cvtsi128_si32(_mm_srli_si128(acc, 8));
	}
#endif
	for (; i < n; i++)
		count += s[i] == '\n';
	return count;
}

int
bk_lines_next_block(bk_lines *lr, struct bk_line *line, size_t most)
{
	/* Not inside a line being assembled or split, and the chunk has bytes left. */
	if (!lr->done && lr->len == 0 && !lr->cont && lr->pos < lr->clen) {
		const char *start = lr->chunk + lr->pos, *nl;
		size_t lim = lr->clen - lr->pos;

		/* A line of the maximum length and its newline still fit: max + 1. */
		if (lim > most)
			lim = most;
		if (lim > lr->max)
			lim = lr->max + 1 > lr->max ? lr->max + 1 : lr->max;
		if ((nl = memrchr(start, '\n', lim)) != NULL) {
			size_t n = (size_t)(nl - start) + 1;

			line->data = start;
			line->len = n;
			line->lineno = lr->lineno;
			line->offset = lr->chunk_off + lr->pos;
			line->flags = BK_LINE_BLOCK;
			lr->pos += n;
			lr->lineno += count_newlines(start, n);
			lr->consumed = lr->chunk_off + lr->pos;
			lr->consumed_lineno = lr->lineno;
			return BK_OK;
		}
	}
	return bk_lines_next(lr, line);
}
