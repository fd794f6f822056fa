/*
 * fuzz_lines.c - libFuzzer harness of the line reader (lib/lines.c).
 *
 * The bytes are a file read through bk_input (so gzip and the others give the
 * reader chunk boundaries in odd places: every gzip member ends a chunk) and
 * split by bk_lines twice: with a small maximum line length, 1 to 64 bytes
 * as the data decides, so lines are cut into pieces, and with the default.
 *
 * Every line is checked against lines.h: no piece is longer than the
 * maximum, a SPLIT piece is exactly that long and a CONT piece follows one,
 * line numbers count physical lines, offsets strictly increase, and
 * bk_lines_offset() / bk_lines_next_lineno() point just past the last
 * terminator. Above all, the lines with their terminators put back ("\r\n"
 * for CRLF, nothing after SPLIT or NOEOL, "\n" otherwise) must be the decoded
 * input exactly, byte for byte and ending the same way; the reference is a
 * second bk_input over the same bytes. Blocks of lines
 * (bk_lines_next_block), read back, must be the lines bk_lines_next reads. The two handles read different
 * primers first (primer.h), so the reference is independent of what the
 * reader's handle read before.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "breachkit.h"
#include "fuzz.h"
#include "primer.h"

/* Decoded bytes and pieces checked per run at most, against compression bombs. */
#define CHECK_MAX ((uint64_t)1 << 20)
#define PIECES_MAX 65536

/* The decoded input as the reference: a cursor into a second bk_input. */
struct ref {
	bk_input *in;
	const char *p;
	size_t n;
};

/* The next LEN bytes of the reference must be S. */
static void
ref_expect(struct ref *r, const char *s, size_t len)
{
	while (len > 0) {
		size_t k;

		if (r->n == 0)
			FUZZ_CHECK(bk_input_next(r->in, &r->p, &r->n) == BK_OK);
		k = len < r->n ? len : r->n;
		FUZZ_CHECK(memcmp(s, r->p, k) == 0);
		s += k;
		len -= k;
		r->p += k;
		r->n -= k;
	}
}

static void
check_lines(const uint8_t *data, size_t size, size_t max)
{
	size_t limit = max > 0 ? max : BK_LINES_DEFAULT_MAX;
	bk_input *in = bk_input_new(), *refin = bk_input_new();
	bk_lines *lr = bk_lines_new(max);
	struct ref ref = { refin, NULL, 0 };
	struct bk_line line;
	uint64_t pos = 0, lineno = 1, mark = 0, mark_lineno = 1;
	bool split = false, last = false, any = false;
	uint64_t prev_offset = 0;
	size_t pieces = 0;
	const char *p;
	size_t n;
	int rc;

	FUZZ_CHECK(in != NULL && refin != NULL && lr != NULL);
	fuzz_prime(in, 0);
	fuzz_prime(refin, 1);
	if (bk_input_open_fd(in, fuzz_memfd(data, size), "fuzz-lines") != BK_OK)
		goto out;
	FUZZ_CHECK(bk_input_open_fd(refin, fuzz_memfd(data, size), "fuzz-lines-ref") == BK_OK);
	bk_lines_reset(lr, in, 1);
	FUZZ_CHECK(bk_lines_offset(lr) == 0 && bk_lines_next_lineno(lr) == 1);

	while ((rc = bk_lines_next(lr, &line)) == BK_OK) {
		unsigned f = line.flags;
		const char *term = (f & BK_LINE_CRLF) ? "\r\n" :
		    (f & (BK_LINE_SPLIT | BK_LINE_NOEOL)) ? "" : "\n";

		FUZZ_CHECK(!last);	/* nothing after the unterminated last line */
		FUZZ_CHECK(line.len <= limit);
		FUZZ_CHECK(line.offset == pos);
		FUZZ_CHECK(!any || line.offset > prev_offset);
		FUZZ_CHECK(line.lineno == lineno);
		FUZZ_CHECK(((f & BK_LINE_CONT) != 0) == split);
		FUZZ_CHECK((f & ~(unsigned)(BK_LINE_CRLF | BK_LINE_NOEOL | BK_LINE_SPLIT |
		    BK_LINE_CONT)) == 0);
		if (f & BK_LINE_SPLIT)
			FUZZ_CHECK(line.len == limit && !(f & (BK_LINE_CRLF | BK_LINE_NOEOL)));
		if (f & BK_LINE_NOEOL)
			FUZZ_CHECK(line.len > 0 && !(f & BK_LINE_CRLF));

		ref_expect(&ref, line.data, line.len);
		ref_expect(&ref, term, strlen(term));
		pos += line.len + strlen(term);
		split = (f & BK_LINE_SPLIT) != 0;
		last = (f & BK_LINE_NOEOL) != 0;
		if (!split)
			lineno++;
		if (*term != '\0') {
			mark = pos;
			mark_lineno = lineno;
		}
		FUZZ_CHECK(bk_lines_offset(lr) == mark);
		FUZZ_CHECK(bk_lines_next_lineno(lr) == mark_lineno);
		prev_offset = line.offset;
		any = true;
		if (pos > CHECK_MAX || ++pieces > PIECES_MAX)
			goto out;
	}

	/* The reader ended where the input did, and the same way. */
	FUZZ_CHECK(rc == BK_EOF || rc == BK_ERROR || rc == BK_NOMEM);
	if (rc == BK_NOMEM)
		goto out;
	FUZZ_CHECK(!split);
	FUZZ_CHECK(ref.n == 0);
	FUZZ_CHECK(bk_input_next(refin, &p, &n) == rc);
	FUZZ_CHECK(bk_lines_next(lr, &line) == rc);
	FUZZ_CHECK(bk_lines_offset(lr) == mark);
out:
	bk_lines_free(lr);
	bk_input_free(in);
	bk_input_free(refin);
}

/*
 * bk_lines_next_block with at most MOST bytes a block, each block read back
 * line by line over its memory (as the pipeline's workers do), must give
 * the lines of bk_lines_next over the same bytes: the same bytes, numbers,
 * offsets and flags, and the same end.
 */
static void
check_blocks(const uint8_t *data, size_t size, size_t max, size_t most)
{
	bk_input *in = bk_input_new(), *refin = bk_input_new();
	bk_lines *lr = bk_lines_new(max), *ref = bk_lines_new(max), *back = bk_lines_new(0);
	struct bk_line b, l, want;
	size_t pieces = 0;
	int rc, wrc;

	FUZZ_CHECK(in != NULL && refin != NULL && lr != NULL && ref != NULL && back != NULL);
	fuzz_prime(in, 0);
	fuzz_prime(refin, 1);
	if (bk_input_open_fd(in, fuzz_memfd(data, size), "fuzz-blocks") != BK_OK)
		goto out;
	FUZZ_CHECK(bk_input_open_fd(refin, fuzz_memfd(data, size), "fuzz-blocks-ref") == BK_OK);
	bk_lines_reset(lr, in, 1);
	bk_lines_reset(ref, refin, 1);
	while ((rc = bk_lines_next_block(lr, &b, most)) == BK_OK) {
		bool block = (b.flags & BK_LINE_BLOCK) != 0;

		if (block) {
			FUZZ_CHECK(b.len > 0 && b.len <= most && b.data[b.len - 1] == '\n');
			bk_lines_reset_mem(back, b.data, b.len, b.offset, b.lineno, NULL);
		}
		while (block ? bk_lines_next(back, &l) == BK_OK : (l = b, true)) {
			FUZZ_CHECK(bk_lines_next(ref, &want) == BK_OK);
			FUZZ_CHECK(l.len == want.len && memcmp(l.data, want.data, l.len) == 0);
			FUZZ_CHECK(l.lineno == want.lineno && l.offset == want.offset &&
			    l.flags == want.flags);
			if (++pieces > PIECES_MAX)
				goto out;
			if (!block)
				break;
		}
		FUZZ_CHECK(bk_lines_offset(lr) == bk_lines_offset(ref));
		FUZZ_CHECK(bk_lines_next_lineno(lr) == bk_lines_next_lineno(ref));
		if (bk_lines_offset(lr) > CHECK_MAX)
			goto out;
	}
	wrc = bk_lines_next(ref, &want);
	FUZZ_CHECK(rc == wrc || rc == BK_NOMEM || wrc == BK_NOMEM);
out:
	bk_lines_free(back);
	bk_lines_free(ref);
	bk_lines_free(lr);
	bk_input_free(in);
	bk_input_free(refin);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t max = 1 + (size_t)fuzz_pick(data, size, 1, 63);

	check_lines(data, size, max);
	check_lines(data, size, 0);
	check_blocks(data, size, max, 1 + (size_t)fuzz_pick(data, size, 2, 200));
	check_blocks(data, size, 0, (size_t)1 << 20);
	return 0;
}
