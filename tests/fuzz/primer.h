/*
 * primer.h - give a bk_input handle a history before the input under test.
 *
 * Tools read a whole file set through one handle, so when a file is opened
 * the decoder state and buffers still hold the previous file's bytes. A
 * decoder that lets any of that through comes out differently depending on
 * what was read before; on a fresh handle the stray bytes are zeros or
 * uninitialised memory, which no check can tell from data (see
 * findings/README.md for the case that made this header). So fuzz_input and
 * fuzz_lines read one of two fixed gzip files on a handle first, and require
 * that the input under test decodes to the same bytes after either.
 *
 * The primers are 40 KiB of distinct numbered lines (more than deflate's
 * 32 KiB window), compressed once with zlib.
 */
#ifndef BK_FUZZ_PRIMER_H
#define BK_FUZZ_PRIMER_H

#include <zlib.h>

#include "breachkit.h"
#include "fuzz.h"

#define PRIMER_SIZE ((size_t)40 << 10)

/* Opens primer WHICH (0 or 1) on IN and reads it to the end. */
static inline void
fuzz_prime(bk_input *in, int which)
{
	static unsigned char *gz[2];
	static size_t gzlen[2];
	const char *p;
	size_t n;
	int rc;

	if (gz[which] == NULL) {
		char *text = malloc(PRIMER_SIZE + 64);
		size_t len = 0;
		z_stream z = { 0 };

		FUZZ_CHECK(text != NULL);
		for (unsigned long i = 0; len < PRIMER_SIZE; i++)
			len += (size_t)snprintf(text + len, 64, "primer %c line %06lu %08lx\n",
			    'A' + which, i, (i + 1) * (which ? 2654435761UL : 40503UL));
		FUZZ_CHECK(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
		    Z_DEFAULT_STRATEGY) == Z_OK);
		gzlen[which] = deflateBound(&z, (uLong)len);
		gz[which] = malloc(gzlen[which]);
		FUZZ_CHECK(gz[which] != NULL);
		z.next_in = (unsigned char *)text;
		z.avail_in = (uInt)len;
		z.next_out = gz[which];
		z.avail_out = (uInt)gzlen[which];
		FUZZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
		gzlen[which] = z.total_out;
		deflateEnd(&z);
		free(text);
	}
	FUZZ_CHECK(bk_input_open_fd(in, fuzz_memfd(gz[which], gzlen[which]), "primer") == BK_OK);
	while ((rc = bk_input_next(in, &p, &n)) == BK_OK)
		;
	FUZZ_CHECK(rc == BK_EOF);
}

#endif /* BK_FUZZ_PRIMER_H */
