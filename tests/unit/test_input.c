/*
 * test_input.c - unit tests of lib/input.c: compression found by magic bytes,
 * every decoder, multi-member files, damaged streams delivering what came
 * before the damage, peek and skip, stdin, and the errors a user sees.
 *
 * Compressed fixtures are made in memory by the real encoders (zlib, and
 * libzstd, liblzma, libbz2 when built in), so each test shows its input.
 */
#include "testutil.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <zlib.h>
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif
#ifdef HAVE_XZ
#include <lzma.h>
#endif
#ifdef HAVE_BZIP2
#include <bzlib.h>
#endif

/* One gzip member holding DATA; *OUTLEN gets its size. */
static unsigned char *
gzip_mem(const void *data, size_t len, size_t *outlen)
{
	z_stream z = { 0 };
	size_t cap = len + len / 100 + 64;
	unsigned char *out = malloc(cap);

	assert_non_null(out);
	assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (unsigned char *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

/* Opens PATH, reads it all into B, returns the final status; the handle stays open. */
static int
read_path(bk_input *in, const char *path, struct tu_buf *b)
{
	assert_int_equal(bk_input_open(in, path), BK_OK);
	return tu_drain(in, b);
}

static void
test_plain_and_empty(void **state)
{
	bk_input *in = bk_input_new();
	struct tu_buf b = { 0 };
	char *p = tu_write(tu_dir, "plain.log", "a\nb\n", 4);
	char *e = tu_write(tu_dir, "empty.log", "", 0);

	(void)state;
	assert_int_equal(read_path(in, p, &b), BK_EOF);
	assert_string_equal(b.data, "a\nb\n");
	assert_int_equal(bk_input_codec(in), BK_CODEC_PLAIN);
	assert_int_equal(bk_input_offset(in), 4);
	/* The same handle reads the next file. */
	assert_int_equal(bk_input_open(in, e), BK_OK);
	b.len = 0;
	assert_int_equal(tu_drain(in, &b), BK_EOF);
	assert_int_equal(b.len, 0);
	assert_int_equal(bk_input_offset(in), 0);
	bk_input_free(in);
	free(p);
	free(e);
	free(b.data);
}

static void
test_gzip_found_by_magic_not_name(void **state)
{
	size_t zlen;
	unsigned char *z = gzip_mem("secret\n", 7, &zlen);
	char *p = tu_write(tu_dir, "looks-plain.txt", z, zlen);
	bk_input *in = bk_input_new();
	struct tu_buf b = { 0 };

	(void)state;
	assert_int_equal(read_path(in, p, &b), BK_EOF);
	assert_int_equal(bk_input_codec(in), BK_CODEC_GZIP);
	assert_string_equal(b.data, "secret\n");
	assert_int_equal(bk_input_raw_offset(in), zlen);
	bk_input_free(in);
	free(z);
	free(p);
	free(b.data);
}

static void
test_gzip_multi_member_and_padding(void **state)
{
	size_t l1, l2;
	unsigned char *m1 = gzip_mem("first\n", 6, &l1);
	unsigned char *m2 = gzip_mem("second\n", 7, &l2);
	unsigned char cat[512];
	bk_input *in = bk_input_new();
	struct tu_buf b = { 0 };
	char *p;

	(void)state;
	/* `cat a.gz b.gz`, then 100 zero bytes of padding as tape tools add. */
	memcpy(cat, m1, l1);
	memcpy(cat + l1, m2, l2);
	memset(cat + l1 + l2, 0, 100);
	p = tu_write(tu_dir, "multi.gz", cat, l1 + l2 + 100);
	assert_int_equal(read_path(in, p, &b), BK_EOF);
	assert_string_equal(b.data, "first\nsecond\n");
	bk_input_free(in);
	free(m1);
	free(m2);
	free(p);
	free(b.data);
}

static void
test_gzip_trailing_garbage(void **state)
{
	size_t l;
	unsigned char *m = gzip_mem("kept\n", 5, &l);
	unsigned char buf[256];
	bk_input *in = bk_input_new();
	struct tu_buf b = { 0 };
	char *p;

	(void)state;
	memcpy(buf, m, l);
	memcpy(buf + l, "JUNK", 4);
	p = tu_write(tu_dir, "garbage.gz", buf, l + 4);
	assert_int_equal(read_path(in, p, &b), BK_ERROR);
	assert_string_equal(b.data, "kept\n");
	assert_string_equal(bk_input_error(in), "trailing garbage after gzip stream (5 bytes decoded)");
	bk_input_free(in);
	free(m);
	free(p);
	free(b.data);
}

/*
 * A gzip file cut anywhere delivers a prefix of the original, then says how
 * much it delivered. Cut inside the header, the deflate data and the trailer.
 */
static void
test_gzip_truncated_at_several_points(void **state)
{
	size_t len = 3 << 20, zlen;
	char *text = tu_text(len);
	unsigned char *z = gzip_mem(text, len, &zlen);
	size_t cuts[] = { 3, 10, 100, zlen / 3, zlen / 2, zlen - 8, zlen - 1 };
	bk_input *in = bk_input_new();

	(void)state;
	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		struct tu_buf b = { 0 };
		char *p = tu_write(tu_dir, "cut.gz", z, cuts[i]);
		char want[128];

		assert_int_equal(read_path(in, p, &b), BK_ERROR);
		assert_true(b.len <= len);
		assert_true(b.len == 0 || memcmp(b.data, text, b.len) == 0);
		snprintf(want, sizeof want, "truncated gzip stream after %zu bytes", b.len);
		assert_string_equal(bk_input_error(in), want);
		/* Nearly everything is there when only the trailer is missing. */
		if (cuts[i] >= zlen - 8)
			assert_int_equal(b.len, len);
		free(p);
		free(b.data);
	}
	bk_input_free(in);
	free(z);
	free(text);
}

static void
test_gzip_corrupt_checksum(void **state)
{
	size_t zlen;
	unsigned char *z = gzip_mem("abcdef\n", 7, &zlen);
	bk_input *in = bk_input_new();
	struct tu_buf b = { 0 };
	char *p;

	(void)state;
	z[zlen - 8] ^= 0xff;	/* the CRC-32 in the trailer */
	p = tu_write(tu_dir, "badcrc.gz", z, zlen);
	assert_int_equal(read_path(in, p, &b), BK_ERROR);
	assert_string_equal(b.data, "abcdef\n");
#ifdef HAVE_ISAL
	assert_string_equal(bk_input_error(in), "corrupt gzip stream after 7 bytes: checksum mismatch");
#else
	assert_string_equal(bk_input_error(in), "corrupt gzip stream after 7 bytes: incorrect data check");
#endif
	bk_input_free(in);
	free(z);
	free(p);
	free(b.data);
}

/*
 * A back-reference further back than the output (found by fuzz_input): no
 * byte of anything read before may come out, on either gzip engine. The
 * fixture is a fixed-Huffman block "AB", a length-258 match at distance 3,
 * then 2000 literals (so ISA-L takes its fast path).
 */
static void
test_gzip_bad_distance_leaks_nothing(void **state)
{
	const char secret[] = "SECRET OF THE FILE BEFORE\n";
	size_t zlen;
	unsigned char *z = gzip_mem(secret, sizeof secret - 1, &zlen);
	char *prev = tu_write(tu_dir, "prev.gz", z, zlen);
	bk_input *in = bk_input_new();
	struct tu_buf b = { 0 };

	(void)state;
	assert_int_equal(read_path(in, prev, &b), BK_EOF);
	b.len = 0;
	assert_int_equal(read_path(in, BK_TESTDATA "/input/bad-distance.gz", &b), BK_ERROR);
	assert_int_equal(b.len, 2);
	assert_memory_equal(b.data, "AB", 2);
	assert_string_equal(bk_input_error(in),
	    "corrupt gzip stream after 2 bytes: invalid distance too far back");
	bk_input_free(in);
	free(z);
	free(prev);
	free(b.data);
}

/*
 * A zstd legacy frame that libzstd refuses (found by fuzz_input): the
 * failing call moves its output position without writing, and none of the
 * buffer's old content (the file read before) may come out.
 */
static void
test_zstd_error_leaks_nothing(void **state)
{
	(void)state;
#ifdef HAVE_ZSTD
	const char secret[] = "SECRET OF THE FILE BEFORE\n";
	size_t zlen;
	unsigned char *z = gzip_mem(secret, sizeof secret - 1, &zlen);
	char *prev = tu_write(tu_dir, "prev2.gz", z, zlen);
	bk_input *in = bk_input_new();
	struct tu_buf b = { 0 };

	assert_int_equal(read_path(in, prev, &b), BK_EOF);
	b.len = 0;
	assert_int_equal(read_path(in, BK_TESTDATA "/input/zstd-legacy-error.zst", &b), BK_ERROR);
	assert_int_equal(b.len, 0);
	assert_string_equal(bk_input_error(in),
	    "corrupt zstd stream after 0 bytes: Unsupported frame parameter");
	bk_input_free(in);
	free(z);
	free(prev);
	free(b.data);
#else
	skip();
#endif
}

/*
 * Damage after 918 good bytes (found by fuzz_input): read as a file and
 * through a pipe, the same 918 bytes come out and the same error.
 */
static void
test_gzip_damage_same_from_pipe(void **state)
{
	const char *path = BK_TESTDATA "/input/bad-distance-after-918.gz";
	bk_input *in = bk_input_new();
	struct tu_buf a = { 0 }, b = { 0 };
	char err[256];
	int fds[2], fd;
	char buf[4096];
	ssize_t n;

	(void)state;
	assert_int_equal(read_path(in, path, &a), BK_ERROR);
	snprintf(err, sizeof err, "%s", bk_input_error(in));
	assert_int_equal(a.len, 918);
	/* The file is small enough for a pipe's buffer: write it all, then read. */
	assert_int_equal(pipe(fds), 0);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	while ((n = read(fd, buf, sizeof buf)) > 0)
		assert_int_equal(write(fds[1], buf, (size_t)n), n);
	close(fd);
	close(fds[1]);
	assert_int_equal(bk_input_open_fd(in, fds[0], "pipe"), BK_OK);
	assert_int_equal(tu_drain(in, &b), BK_ERROR);
	assert_int_equal(b.len, 918);
	assert_memory_equal(a.data, b.data, 918);
	assert_string_equal(bk_input_error(in), err);
	bk_input_free(in);
	free(a.data);
	free(b.data);
}

static void
test_large_roundtrip_plain_and_gzip(void **state)
{
	size_t len = 5 << 20, zlen;
	char *text = tu_text(len);
	unsigned char *z = gzip_mem(text, len, &zlen);
	char *pp = tu_write(tu_dir, "big.log", text, len);
	char *pz = tu_write(tu_dir, "big.log.gz", z, zlen);
	bk_input *in = bk_input_new();
	struct tu_buf b = { 0 };

	(void)state;
	assert_int_equal(read_path(in, pp, &b), BK_EOF);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, text, len);
	b.len = 0;
	assert_int_equal(read_path(in, pz, &b), BK_EOF);
	assert_int_equal(b.len, len);
	assert_memory_equal(b.data, text, len);
	assert_int_equal(bk_input_offset(in), len);
	bk_input_free(in);
	free(text);
	free(z);
	free(pp);
	free(pz);
	free(b.data);
}

static void
test_peek_then_next(void **state)
{
	size_t len = 1 << 20, zlen;
	char *text = tu_text(len);
	unsigned char *z = gzip_mem(text, len, &zlen);
	char *paths[2] = { tu_write(tu_dir, "pk.log", text, len), tu_write(tu_dir, "pk.gz", z, zlen) };
	bk_input *in = bk_input_new();

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct tu_buf b = { 0 };
		const char *d;
		size_t n;

		assert_int_equal(bk_input_open(in, paths[i]), BK_OK);
		assert_int_equal(bk_input_peek(in, 4096, &d, &n), BK_OK);
		assert_int_equal(n, 4096);
		assert_memory_equal(d, text, 4096);
		assert_int_equal(bk_input_offset(in), 0);
		/* Peeking past what is buffered pulls more in without losing anything. */
		assert_int_equal(bk_input_peek(in, 65536, &d, &n), BK_OK);
		assert_int_equal(n, 65536);
		assert_memory_equal(d, text, 65536);
		assert_int_equal(tu_drain(in, &b), BK_EOF);
		assert_int_equal(b.len, len);
		assert_memory_equal(b.data, text, len);
		free(b.data);
		free(paths[i]);
	}
	bk_input_free(in);
	free(text);
	free(z);
}

static void
test_peek_short_input(void **state)
{
	char *p = tu_write(tu_dir, "short.log", "abc", 3);
	bk_input *in = bk_input_new();
	const char *d;
	size_t n;

	(void)state;
	assert_int_equal(bk_input_open(in, p), BK_OK);
	assert_int_equal(bk_input_peek(in, 4096, &d, &n), BK_OK);
	assert_int_equal(n, 3);
	assert_memory_equal(d, "abc", 3);
	bk_input_free(in);
	free(p);
}

static void
test_skip(void **state)
{
	size_t len = 2 << 20, zlen;
	char *text = tu_text(len);
	unsigned char *z = gzip_mem(text, len, &zlen);
	char *paths[2] = { tu_write(tu_dir, "sk.log", text, len), tu_write(tu_dir, "sk.gz", z, zlen) };
	bk_input *in = bk_input_new();

	(void)state;
	for (int i = 0; i < 2; i++) {
		struct tu_buf b = { 0 };
		const char *d;
		size_t n;
		uint64_t at = 1500007;	/* past the first buffers, not on a boundary */

		assert_int_equal(bk_input_open(in, paths[i]), BK_OK);
		assert_int_equal(bk_input_peek(in, 100, &d, &n), BK_OK);
		assert_int_equal(bk_input_skip(in, at), BK_OK);
		assert_int_equal(bk_input_offset(in), at);
		assert_int_equal(tu_drain(in, &b), BK_EOF);
		assert_int_equal(b.len, len - at);
		assert_memory_equal(b.data, text + at, len - at);
		/* Skipping past the end stops at the end. */
		assert_int_equal(bk_input_open(in, paths[i]), BK_OK);
		assert_int_equal(bk_input_skip(in, (uint64_t)len + 10), BK_EOF);
		assert_int_equal(bk_input_offset(in), len);
		free(b.data);
		free(paths[i]);
	}
	bk_input_free(in);
	free(text);
	free(z);
}

static void
test_stdin(void **state)
{
	int fds[2], saved = dup(STDIN_FILENO);
	size_t zlen;
	unsigned char *z = gzip_mem("from a pipe\n", 12, &zlen);
	bk_input *in = bk_input_new();
	struct tu_buf b = { 0 };

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], z, zlen), (ssize_t)zlen);
	close(fds[1]);
	assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
	close(fds[0]);
	assert_int_equal(read_path(in, "-", &b), BK_EOF);
	assert_string_equal(b.data, "from a pipe\n");
	assert_string_equal(bk_input_name(in), "(standard input)");
	assert_int_equal(bk_input_close(in), BK_OK);
	/* Standard input is left open for whoever comes next. */
	assert_true(fcntl(STDIN_FILENO, F_GETFD) >= 0);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	bk_input_free(in);
	free(z);
	free(b.data);
}

static void
test_open_errors(void **state)
{
	bk_input *in = bk_input_new();
	const char *d;
	size_t n;
	char *missing, *lz4 = tu_write(tu_dir, "x.lz4", "\x04\x22\x4d\x18\x64\x40\xa7", 7);
	char *dotz = tu_write(tu_dir, "x.Z", "\x1f\x9d\x90", 3);

	(void)state;
	assert_true(asprintf(&missing, "%s/no-such-file", tu_dir) > 0);
	assert_int_equal(bk_input_open(in, missing), BK_ERROR);
	assert_string_equal(bk_input_error(in), "No such file or directory");
	assert_int_equal(bk_input_next(in, &d, &n), BK_ERROR);
	assert_int_equal(bk_input_open(in, tu_dir), BK_ERROR);
	assert_string_equal(bk_input_error(in), "Is a directory");
	assert_int_equal(bk_input_open(in, lz4), BK_ERROR);
	assert_string_equal(bk_input_error(in),
	    "lz4 compressed, which is not supported (decompress with lz4 -dc)");
	assert_int_equal(bk_input_open(in, dotz), BK_ERROR);
	assert_string_equal(bk_input_error(in), "compress(1) .Z data, which is not supported (use zcat)");
	bk_input_free(in);
	free(missing);
	free(lz4);
	free(dotz);
}

/* ---- optional decoders -------------------------------------------------- */

/*
 * Checks one compressed form: the whole stream twice concatenated decodes to
 * the text twice, and a cut stream delivers a prefix and the exact message.
 */
static void __attribute__((unused))
check_codec(const char *name, enum bk_codec codec, const unsigned char *c, size_t clen,
    const char *text, size_t len)
{
	unsigned char *twice = malloc(2 * clen);
	bk_input *in = bk_input_new();
	struct tu_buf b = { 0 };
	char *p, want[128];

	memcpy(twice, c, clen);
	memcpy(twice + clen, c, clen);
	p = tu_write(tu_dir, name, twice, 2 * clen);
	assert_int_equal(read_path(in, p, &b), BK_EOF);
	assert_int_equal(bk_input_codec(in), codec);
	assert_int_equal(b.len, 2 * len);
	assert_memory_equal(b.data, text, len);
	assert_memory_equal(b.data + len, text, len);
	free(p);

	b.len = 0;
	p = tu_write(tu_dir, name, c, clen / 2);
	assert_int_equal(read_path(in, p, &b), BK_ERROR);
	assert_true(b.len < len);
	assert_memory_equal(b.data, text, b.len);
	snprintf(want, sizeof want, "truncated %s stream after %zu bytes", bk_codec_name(codec), b.len);
	assert_string_equal(bk_input_error(in), want);
	free(p);
	free(b.data);
	free(twice);
	bk_input_free(in);
}

/* A build without a decoder names the format instead of passing the bytes off as text. */
static void __attribute__((unused))
not_built_in(const char *name, const char *magic, size_t len, const char *want)
{
	char *p = tu_write(tu_dir, name, magic, len);
	bk_input *in = bk_input_new();

	assert_int_equal(bk_input_open(in, p), BK_ERROR);
	assert_string_equal(bk_input_error(in), want);
	bk_input_free(in);
	free(p);
}

static void
test_zstd(void **state)
{
	(void)state;
#ifdef HAVE_ZSTD
	size_t len = 1 << 20;
	char *text = tu_text(len);
	size_t cap = ZSTD_compressBound(len);
	unsigned char *c = malloc(cap);
	size_t clen = ZSTD_compress(c, cap, text, len, 3);

	assert_false(ZSTD_isError(clen));
	check_codec("z.zst", BK_CODEC_ZSTD, c, clen, text, len);
	free(c);
	free(text);
#else
	not_built_in("z.zst", "\x28\xb5\x2f\xfd\x20\x00\x01\x00\x00", 9,
	    "zstd compressed, but this build has no zstd support");
#endif
}

static void
test_xz(void **state)
{
	(void)state;
#ifdef HAVE_XZ
	size_t len = 1 << 20, clen = 0;
	char *text = tu_text(len);
	size_t cap = lzma_stream_buffer_bound(len);
	unsigned char *c = malloc(cap);

	assert_int_equal(lzma_easy_buffer_encode(1, LZMA_CHECK_CRC64, NULL,
	    (const uint8_t *)text, len, c, &clen, cap), LZMA_OK);
	check_codec("z.xz", BK_CODEC_XZ, c, clen, text, len);
	free(c);
	free(text);
#else
	not_built_in("z.xz", "\xfd" "7zXZ\0\0\x04", 8, "xz compressed, but this build has no xz support");
#endif
}

static void
test_bzip2(void **state)
{
	(void)state;
#ifdef HAVE_BZIP2
	size_t len = 1 << 20;
	char *text = tu_text(len);
	unsigned int clen = (unsigned int)(len + len / 100 + 600);
	char *c = malloc(clen);

	assert_int_equal(BZ2_bzBuffToBuffCompress(c, &clen, text, (unsigned int)len, 1, 0, 0), BZ_OK);
	check_codec("z.bz2", BK_CODEC_BZIP2, (unsigned char *)c, clen, text, len);
	free(c);
	free(text);
#else
	not_built_in("z.bz2", "BZh91AY&SY\0\0", 12, "bzip2 compressed, but this build has no bzip2 support");
#endif
}

static void
test_decoders_listed(void **state)
{
	const char *d = bk_input_decoders();

	(void)state;
#ifdef HAVE_ISAL
	assert_non_null(strstr(d, "gzip(isa-l)"));
#else
	assert_non_null(strstr(d, "gzip(zlib)"));
#endif
#ifdef HAVE_ZSTD
	assert_non_null(strstr(d, " zstd"));
#else
	assert_null(strstr(d, "zstd"));
#endif
#ifdef HAVE_XZ
	assert_non_null(strstr(d, " xz"));
#endif
#ifdef HAVE_BZIP2
	assert_non_null(strstr(d, " bzip2"));
#endif
	assert_string_equal(bk_codec_name(BK_CODEC_GZIP), "gzip");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_and_empty),
		cmocka_unit_test(test_gzip_found_by_magic_not_name),
		cmocka_unit_test(test_gzip_multi_member_and_padding),
		cmocka_unit_test(test_gzip_trailing_garbage),
		cmocka_unit_test(test_gzip_truncated_at_several_points),
		cmocka_unit_test(test_gzip_corrupt_checksum),
		cmocka_unit_test(test_gzip_bad_distance_leaks_nothing),
		cmocka_unit_test(test_zstd_error_leaks_nothing),
		cmocka_unit_test(test_gzip_damage_same_from_pipe),
		cmocka_unit_test(test_large_roundtrip_plain_and_gzip),
		cmocka_unit_test(test_peek_then_next),
		cmocka_unit_test(test_peek_short_input),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_zstd),
		cmocka_unit_test(test_xz),
		cmocka_unit_test(test_bzip2),
		cmocka_unit_test(test_decoders_listed),
	};
	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
