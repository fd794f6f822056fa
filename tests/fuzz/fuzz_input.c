/*
 * fuzz_input.c - libFuzzer harness of the input layer (lib/input.c).
 *
 * The bytes are a file, so whatever magic they start with picks the decoder:
 * gzip, zstd, xz and bzip2 as built (the corpus seeds each, whole, cut short
 * and concatenated), plain otherwise. Pass one opens them from a memfd,
 * peeks a data-derived amount and drains with bk_input_next; pass two opens
 * them again on the same handle (reuse across files is the normal case),
 * from a pipe or a memfd, and first skips a data-derived number of decoded
 * bytes, which a pipe has to read and a plain memfd seeks over. Before each
 * pass the handle reads a different primer (primer.h), so a decoder that
 * lets a previous file's bytes through makes the passes disagree.
 *
 * Beyond what the sanitizers catch, it holds input.h to its word: peeked
 * bytes are the next ones delivered, BK_OK never comes with an empty chunk,
 * offsets count exactly what was delivered or skipped, a plain input comes
 * out byte for byte, a failure has a message, and both passes see the same
 * decoded bytes and, when the stream is sound, the same end. Each pass stops
 * after DRAIN_MAX decoded bytes, so a small compression bomb cannot hit the
 * fuzzer's time limit.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "breachkit.h"
#include "fuzz.h"
#include "primer.h"

#define DRAIN_MAX ((uint64_t)1 << 20)
#define PEEK_MAX ((size_t)64 << 10)

struct pass {
	int rc;			/* the final status; BK_OK when cut at DRAIN_MAX */
	uint64_t end;		/* bk_input_offset() at the end */
	char *tail;		/* pass one: the decoded bytes from the skip amount on */
	size_t tail_len;
};

/*
 * Reads IN to its end. A plain input must be DATA itself; the first PLEN
 * decoded bytes must be PREFIX (what was peeked). Bytes from offset FROM on
 * are kept in PS->tail when REF is NULL (pass one), else they must be what
 * REF kept, as far as REF got.
 */
static void
drain(bk_input *in, const uint8_t *data, size_t size, const char *prefix, size_t plen,
    uint64_t from, struct pass *ps, const struct pass *ref)
{
	uint64_t at = bk_input_offset(in);
	const char *p;
	size_t n;
	int rc;

	ps->tail = NULL;
	ps->tail_len = 0;
	if (ref == NULL) {
		ps->tail = malloc(DRAIN_MAX);
		FUZZ_CHECK(ps->tail != NULL);
	}
	while ((rc = bk_input_next(in, &p, &n)) == BK_OK) {
		FUZZ_CHECK(n > 0);
		if (bk_input_codec(in) == BK_CODEC_PLAIN)
			FUZZ_CHECK(at + n <= size && memcmp(p, data + at, n) == 0);
		if (at < plen) {
			size_t k = plen - at < n ? (size_t)(plen - at) : n;

			FUZZ_CHECK(memcmp(p, prefix + at, k) == 0);
		}
		if (at + n > from) {
			size_t skip = at < from ? (size_t)(from - at) : 0;
			size_t k = n - skip, off = (size_t)(at + skip - from);

			if (ref == NULL) {
				if (off < DRAIN_MAX) {
					if (k > DRAIN_MAX - off)
						k = DRAIN_MAX - off;
					memcpy(ps->tail + off, p + skip, k);
					ps->tail_len = off + k;
				}
			} else if (off < ref->tail_len) {
				if (k > ref->tail_len - off)
					k = ref->tail_len - off;
				FUZZ_CHECK(memcmp(p + skip, ref->tail + off, k) == 0);
			}
		}
		at += n;
		FUZZ_CHECK(bk_input_offset(in) == at);
		if (at >= DRAIN_MAX) {
			ps->rc = BK_OK;
			ps->end = at;
			return;
		}
	}
	FUZZ_CHECK(rc == BK_EOF || rc == BK_ERROR || rc == BK_NOMEM);
	FUZZ_CHECK(bk_input_offset(in) == at);
	if (rc == BK_ERROR)
		FUZZ_CHECK(bk_input_error(in)[0] != '\0');
	if (rc == BK_EOF) {
		FUZZ_CHECK(bk_input_next(in, &p, &n) == BK_EOF);
		if (bk_input_codec(in) == BK_CODEC_PLAIN)
			FUZZ_CHECK(at == size);
	}
	ps->rc = rc;
	ps->end = at;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t want = (size_t)fuzz_pick(data, size, 1, PEEK_MAX);
	uint64_t skip = fuzz_pick(data, size, 2, (uint64_t)size * 4 + 4096);
	bool use_pipe = fuzz_pick(data, size, 3, 1) == 1;
	bk_input *in = bk_input_new();
	struct pass one = { 0 }, two = { 0 };
	const char *p;
	char *peeked = NULL;
	size_t n, n2;
	int rc, open_rc, fd;

	FUZZ_CHECK(in != NULL);

	/* Pass one: peek, then drain. */
	fuzz_prime(in, 0);
	open_rc = bk_input_open_fd(in, fuzz_memfd(data, size), "fuzz-input");
	if (open_rc != BK_OK) {
		FUZZ_CHECK(open_rc == BK_ERROR && bk_input_error(in)[0] != '\0');
		goto out;
	}
	rc = bk_input_peek(in, want, &p, &n);
	FUZZ_CHECK(rc == BK_OK || rc == BK_ERROR || rc == BK_NOMEM);
	if (rc == BK_NOMEM)
		goto out;
	FUZZ_CHECK(n <= want && bk_input_offset(in) == 0);
	peeked = malloc(n + 1);
	FUZZ_CHECK(peeked != NULL);
	memcpy(peeked, p, n);
	/* A shorter peek sees the same bytes. */
	FUZZ_CHECK(bk_input_peek(in, want / 2, &p, &n2) == (n >= want / 2 ? BK_OK : rc));
	FUZZ_CHECK(n2 == (n < want / 2 ? n : want / 2) && memcmp(p, peeked, n2) == 0);
	drain(in, data, size, peeked, n, skip, &one, NULL);
	/* Less than asked for only at the end: then that was all there is. */
	if (n < want && one.rc != BK_NOMEM) {
		FUZZ_CHECK(one.end == n);
		FUZZ_CHECK(one.rc == (rc == BK_OK ? BK_EOF : BK_ERROR));
	}
	FUZZ_CHECK(bk_input_raw_offset(in) <= size);

	/* Pass two: the same handle after another primer, skip first. */
	fuzz_prime(in, 1);
	fd = use_pipe ? fuzz_pipe(data, size) : -1;
	if (fd < 0)
		fd = fuzz_memfd(data, size);
	FUZZ_CHECK(bk_input_open_fd(in, fd, "fuzz-input-again") == BK_OK);
	rc = bk_input_skip(in, skip);
	FUZZ_CHECK(rc == BK_OK || rc == BK_EOF || rc == BK_ERROR || rc == BK_NOMEM);
	if (rc == BK_OK)
		FUZZ_CHECK(bk_input_offset(in) == skip);
	if (rc == BK_EOF)
		FUZZ_CHECK(bk_input_offset(in) < skip);
	drain(in, data, size, NULL, 0, skip, &two, &one);

	/*
	 * Both passes read one stream (drain compared the bytes), unless one was
	 * cut short. How much of a damaged stream comes out before the error may
	 * depend on where buffers were cut (libbz2 notices a bad block only on
	 * the call after the output buffer filled; from a pipe, an ISA-L build
	 * drops what the failing call decoded), so only a clean end must agree.
	 */
	if (one.rc != BK_OK && one.rc != BK_NOMEM && two.rc != BK_OK && two.rc != BK_NOMEM &&
	    rc != BK_NOMEM) {
		FUZZ_CHECK(one.rc == two.rc);
		if (one.rc == BK_EOF)
			FUZZ_CHECK(one.end == two.end);
	}
out:
	free(peeked);
	free(one.tail);
	bk_input_close(in);
	bk_input_free(in);
	return 0;
}
