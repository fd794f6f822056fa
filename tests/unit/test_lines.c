/*
 * test_lines.c - unit tests of lib/lines.c: terminators, NUL bytes, lines
 * across input chunks, lines past the maximum split with flags, offsets for
 * resuming, and the lines before a damaged stream's fault.
 */
#include "testutil.h"

#include <zlib.h>

/*
 * Reads the lines of DATA (written to a file) with a reader of maximum MAX
 * and renders them one per output line as "LINENO@OFFSET[flags]:data" so a
 * test states the whole expected result as one string. Returns the final
 * status in *RC.
 */
/* Renders the lines LR reads into OUT; returns the final status, *LAST the last line number. */
static int
render_lines(bk_lines *lr, struct tu_buf *out, uint64_t *last)
{
	struct bk_line line;
	int rc;

	while ((rc = bk_lines_next(lr, &line)) == BK_OK) {
		char head[96];

		snprintf(head, sizeof head, "%llu@%llu%s%s%s%s:", (unsigned long long)line.lineno,
		    (unsigned long long)line.offset, line.flags & BK_LINE_CRLF ? "[crlf]" : "",
		    line.flags & BK_LINE_NOEOL ? "[noeol]" : "",
		    line.flags & BK_LINE_SPLIT ? "[split]" : "",
		    line.flags & BK_LINE_CONT ? "[cont]" : "");
		tu_buf_add(out, head, strlen(head));
		for (size_t i = 0; i < line.len; i++)
			tu_buf_add(out, line.data[i] == '\0' ? "\\0" : &line.data[i],
			    line.data[i] == '\0' ? 2 : 1);
		tu_buf_add(out, "\n", 1);
		if (last != NULL)
			*last = line.lineno;
	}
	return rc;
}

static char *
render(const void *data, size_t len, size_t max, int *rc)
{
	char *p = tu_write(tu_dir, "lines.txt", data, len);
	bk_input *in = bk_input_new();
	bk_lines *lr = bk_lines_new(max);
	struct tu_buf out = { 0 };
	struct bk_line line;

	assert_int_equal(bk_input_open(in, p), BK_OK);
	bk_lines_reset(lr, in, 0);
	while ((*rc = bk_lines_next(lr, &line)) == BK_OK) {
		char head[96];

		snprintf(head, sizeof head, "%llu@%llu%s%s%s%s:", (unsigned long long)line.lineno,
		    (unsigned long long)line.offset, line.flags & BK_LINE_CRLF ? "[crlf]" : "",
		    line.flags & BK_LINE_NOEOL ? "[noeol]" : "",
		    line.flags & BK_LINE_SPLIT ? "[split]" : "",
		    line.flags & BK_LINE_CONT ? "[cont]" : "");
		tu_buf_add(&out, head, strlen(head));
		for (size_t i = 0; i < line.len; i++)
			tu_buf_add(&out, line.data[i] == '\0' ? "\\0" : &line.data[i],
			    line.data[i] == '\0' ? 2 : 1);
		tu_buf_add(&out, "\n", 1);
	}
	if (out.data == NULL)
		tu_buf_add(&out, "", 0);
	bk_lines_free(lr);
	bk_input_free(in);
	free(p);
	return out.data;
}

static void
check(const char *input, size_t len, size_t max, const char *want, int want_rc)
{
	int rc;
	char *got = render(input, len, max, &rc);

	assert_string_equal(got, want);
	assert_int_equal(rc, want_rc);
	free(got);
}

static void
test_lf_lines(void **state)
{
	(void)state;
	check("alpha\nbeta\n\ngamma\n", 18, 0, "1@0:alpha\n2@6:beta\n3@11:\n4@12:gamma\n", BK_EOF);
}

static void
test_crlf_lines(void **state)
{
	(void)state;
	/* A lone CR inside a line is data; only CR LF is a terminator. */
	check("a\r\nb\rc\r\n\r\n", 10, 0, "1@0[crlf]:a\n2@3[crlf]:b\rc\n3@8[crlf]:\n", BK_EOF);
}

static void
test_final_line_without_newline(void **state)
{
	(void)state;
	check("one\ntwo", 7, 0, "1@0:one\n2@4[noeol]:two\n", BK_EOF);
}

static void
test_empty_input(void **state)
{
	(void)state;
	check("", 0, 0, "", BK_EOF);
}

static void
test_nul_bytes_are_data(void **state)
{
	(void)state;
	check("a\0b\n\0\n", 6, 0, "1@0:a\\0b\n2@4:\\0\n", BK_EOF);
}

static void
test_split_at_maximum(void **state)
{
	(void)state;
	/* Maximum 4: a 4-byte line fits, longer ones come in pieces. */
	check("abcd\nabcdefghij\nxy\n", 19, 4,
	    "1@0:abcd\n"
	    "2@5[split]:abcd\n"
	    "2@9[split][cont]:efgh\n"
	    "2@13[cont]:ij\n"
	    "3@16:xy\n", BK_EOF);
	/* A split line ending exactly at a piece boundary, without a newline. */
	check("abcdefgh", 8, 4, "1@0[split]:abcd\n1@4[noeol][cont]:efgh\n", BK_EOF);
}

/* A line longer than one input chunk but under the maximum is kept whole. */
static void
test_long_line_across_chunks(void **state)
{
	size_t big = 3 << 20;
	char *data = malloc(big + 16);
	struct bk_line line;
	char *p;
	bk_input *in = bk_input_new();
	bk_lines *lr = bk_lines_new(0);

	(void)state;
	memcpy(data, "head\n", 5);
	memset(data + 5, 'x', big);
	memcpy(data + 5 + big, "\r\ntail\n", 7);
	p = tu_write(tu_dir, "long.txt", data, big + 12);
	assert_int_equal(bk_input_open(in, p), BK_OK);
	bk_lines_reset(lr, in, 0);
	assert_int_equal(bk_lines_next(lr, &line), BK_OK);
	assert_int_equal(line.len, 4);
	assert_int_equal(bk_lines_next(lr, &line), BK_OK);
	assert_int_equal(line.len, big);
	assert_int_equal(line.lineno, 2);
	assert_int_equal(line.offset, 5);
	assert_int_equal(line.flags, BK_LINE_CRLF);
	assert_memory_equal(line.data, data + 5, big);
	assert_int_equal(bk_lines_next(lr, &line), BK_OK);
	assert_int_equal(line.len, 4);
	assert_memory_equal(line.data, "tail", 4);
	assert_int_equal(bk_lines_next(lr, &line), BK_EOF);
	bk_lines_free(lr);
	bk_input_free(in);
	free(p);
	free(data);
}

/* Many lines over several chunks come back intact and in order. */
static void
test_many_lines_match_input(void **state)
{
	size_t len = 4 << 20;
	char *text = tu_text(len);
	size_t n = strlen(text);
	char *p = tu_write(tu_dir, "many.txt", text, n);
	bk_input *in = bk_input_new();
	bk_lines *lr = bk_lines_new(0);
	struct tu_buf back = { 0 };
	struct bk_line line;
	uint64_t count = 0;

	(void)state;
	assert_int_equal(bk_input_open(in, p), BK_OK);
	bk_lines_reset(lr, in, 0);
	while (bk_lines_next(lr, &line) == BK_OK) {
		assert_int_equal(line.offset, back.len);
		tu_buf_add(&back, line.data, line.len);
		tu_buf_add(&back, "\n", 1);
		assert_int_equal(line.lineno, ++count);
	}
	assert_int_equal(back.len, n);
	assert_memory_equal(back.data, text, n);
	assert_int_equal(bk_lines_offset(lr), n);
	bk_lines_free(lr);
	bk_input_free(in);
	free(back.data);
	free(text);
	free(p);
}

/* The resume offset stops before an unterminated last line. */
static void
test_offset_and_resume(void **state)
{
	char *p = tu_write(tu_dir, "live.log", "l1\nl2\npartial", 13);
	bk_input *in = bk_input_new();
	bk_lines *lr = bk_lines_new(0);
	struct bk_line line;

	(void)state;
	assert_int_equal(bk_input_open(in, p), BK_OK);
	bk_lines_reset(lr, in, 0);
	assert_int_equal(bk_lines_offset(lr), 0);
	assert_int_equal(bk_lines_next(lr, &line), BK_OK);
	assert_int_equal(bk_lines_offset(lr), 3);
	assert_int_equal(bk_lines_next(lr, &line), BK_OK);
	assert_int_equal(bk_lines_next(lr, &line), BK_OK);
	assert_int_equal(line.flags, BK_LINE_NOEOL);
	assert_int_equal(bk_lines_next(lr, &line), BK_EOF);
	assert_int_equal(bk_lines_offset(lr), 6);
	assert_int_equal(bk_lines_next_lineno(lr), 3);
	assert_int_equal(bk_lines_next(lr, &line), BK_EOF);

	/* A resumed read starts where the offset said, with the line number given. */
	assert_int_equal(bk_input_open(in, p), BK_OK);
	assert_int_equal(bk_input_skip(in, 6), BK_OK);
	bk_lines_reset(lr, in, 3);
	assert_int_equal(bk_lines_next(lr, &line), BK_OK);
	assert_int_equal(line.lineno, 3);
	assert_int_equal(line.offset, 6);
	assert_memory_equal(line.data, "partial", 7);
	bk_lines_free(lr);
	bk_input_free(in);
	free(p);
}

/*
 * A file cut at any line boundary into chunks in memory reads as the whole
 * file does (numbers, offsets, flags, pieces of long lines); so does a
 * memory prefix followed by the rest of the input.
 */
static void
test_memory_chunks_read_as_whole(void **state)
{
	static const char text[] = "a\r\nbb\nxxxxxxxxxxxxxxxxxxxxxxxxx\n\n\0z\r\nccc";
	size_t n = sizeof text - 1;
	char *p = tu_write(tu_dir, "mem.txt", text, n);
	bk_input *in = bk_input_new();
	bk_lines *lr = bk_lines_new(10);
	int rc;
	char *whole = render(text, n, 10, &rc);

	(void)state;
	for (size_t k = 1; k < n; k++) {
		struct tu_buf a = { 0 }, b = { 0 };
		uint64_t last = 0;

		if (text[k - 1] != '\n')
			continue;
		/* Two chunks: [0, k) and [k, n), the second numbered on. */
		bk_lines_reset_mem(lr, text, k, 0, 1, NULL);
		assert_int_equal(render_lines(lr, &a, &last), BK_EOF);
		bk_lines_reset_mem(lr, text + k, n - k, k, last + 1, NULL);
		assert_int_equal(render_lines(lr, &a, NULL), BK_EOF);
		tu_buf_add(&a, "", 0);
		assert_string_equal(a.data, whole);
		/* [0, k) in memory, then the input from k. */
		assert_int_equal(bk_input_open(in, p), BK_OK);
		assert_int_equal(bk_input_skip(in, k), BK_OK);
		bk_lines_reset_mem(lr, text, k, 0, 1, in);
		assert_int_equal(render_lines(lr, &b, NULL), BK_EOF);
		tu_buf_add(&b, "", 0);
		assert_string_equal(b.data, whole);
		free(a.data);
		free(b.data);
	}
	free(whole);
	bk_lines_free(lr);
	bk_input_free(in);
	free(p);
}

/* Lines before a fault come out, the cut last line too, then the error. */
static void
test_truncated_gzip_delivers_lines(void **state)
{
	const char *text = "first line\nsecond line\nthird, cut";
	unsigned char z[256];
	z_stream zs = { 0 };
	char *p;
	bk_input *in = bk_input_new();
	bk_lines *lr = bk_lines_new(0);
	struct bk_line line;

	(void)state;
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (unsigned char *)(uintptr_t)text;
	zs.avail_in = (uInt)strlen(text);
	zs.next_out = z;
	zs.avail_out = sizeof z;
	assert_int_equal(deflate(&zs, Z_FULL_FLUSH), Z_OK);	/* no final block, no trailer */
	p = tu_write(tu_dir, "cut.gz", z, sizeof z - zs.avail_out);
	deflateEnd(&zs);
	assert_int_equal(bk_input_open(in, p), BK_OK);
	bk_lines_reset(lr, in, 0);
	assert_int_equal(bk_lines_next(lr, &line), BK_OK);
	assert_memory_equal(line.data, "first line", line.len);
	assert_int_equal(bk_lines_next(lr, &line), BK_OK);
	assert_int_equal(bk_lines_next(lr, &line), BK_OK);
	assert_int_equal(line.flags, BK_LINE_NOEOL);
	assert_int_equal(line.len, 10);
	assert_memory_equal(line.data, "third, cut", 10);
	assert_int_equal(bk_lines_next(lr, &line), BK_ERROR);
	assert_string_equal(bk_input_error(in), "truncated gzip stream after 33 bytes");
	assert_int_equal(bk_lines_next(lr, &line), BK_ERROR);
	bk_lines_free(lr);
	bk_input_free(in);
	free(p);
}

/*
 * render() through bk_lines_next_block: each block read back with a reader
 * over its memory, from its offset and line number, as pipeline.c's
 * workers take it. Also checks that blocks hold whole lines only.
 */
static char *
render_blocks(const char *path, size_t max, size_t most, uint64_t *blocks)
{
	bk_input *in = bk_input_new();
	bk_lines *lr = bk_lines_new(max), *back = bk_lines_new(0);
	struct tu_buf out = { 0 };
	struct bk_line line;

	assert_int_equal(bk_input_open(in, path), BK_OK);
	bk_lines_reset(lr, in, 0);
	*blocks = 0;
	while (bk_lines_next_block(lr, &line, most) == BK_OK) {
		if (!(line.flags & BK_LINE_BLOCK)) {
			/* One line alone: rendered as it came (its flags are its own). */
			char head[96];

			snprintf(head, sizeof head, "%llu@%llu%s%s%s%s:",
			    (unsigned long long)line.lineno, (unsigned long long)line.offset,
			    line.flags & BK_LINE_CRLF ? "[crlf]" : "",
			    line.flags & BK_LINE_NOEOL ? "[noeol]" : "",
			    line.flags & BK_LINE_SPLIT ? "[split]" : "",
			    line.flags & BK_LINE_CONT ? "[cont]" : "");
			tu_buf_add(&out, head, strlen(head));
			for (size_t i = 0; i < line.len; i++)
				tu_buf_add(&out, line.data[i] == '\0' ? "\\0" : &line.data[i],
				    line.data[i] == '\0' ? 2 : 1);
			tu_buf_add(&out, "\n", 1);
			continue;
		}
		(*blocks)++;
		assert_true(line.len > 0 && line.len <= most);
		assert_int_equal(line.data[line.len - 1], '\n');
		assert_int_equal(bk_lines_offset(lr), line.offset + line.len);
		bk_lines_reset_mem(back, line.data, line.len, line.offset, line.lineno, NULL);
		assert_int_equal(render_lines(back, &out, NULL), BK_EOF);
	}
	if (out.data == NULL)
		tu_buf_add(&out, "", 0);
	bk_lines_free(back);
	bk_lines_free(lr);
	bk_input_free(in);
	return out.data;
}

/*
 * Blocks give the lines, numbers, offsets and flags that bk_lines_next
 * gives: CRLF, NUL bytes, invalid UTF-8, empty lines, lines past the
 * maximum, lines across the input's 256 KiB chunks, no last newline.
 */
static void
test_blocks_read_as_lines(void **state)
{
	static const size_t maxes[] = { 0, 300 };
	static const size_t mosts[] = { 1, 7, 100, 4096, (size_t)1 << 20 };
	struct tu_buf text = { 0 };
	char letters[1001], *path;

	(void)state;
	for (size_t i = 0; i < 1000; i++)
		letters[i] = (char)('a' + i % 26);
	letters[1000] = '\0';
	for (int i = 0; text.len < (600u << 10); i++) {
		char line[1200];
		int n = snprintf(line, sizeof line, "%d %.*s", i, (i * 131) % 1000, letters);

		tu_buf_add(&text, line, (size_t)n);
		if (i % 11 == 0)
			tu_buf_add(&text, "\0\xff\xfe", 3);
		tu_buf_add(&text, i % 5 == 0 ? "\r\n" : i % 7 == 0 ? "\n\n" : "\n",
		    i % 5 == 0 || i % 7 == 0 ? 2 : 1);
	}
	tu_buf_add(&text, "last, no newline\r", 18);
	path = tu_write(tu_dir, "blocks.txt", text.data, text.len);
	for (size_t m = 0; m < sizeof maxes / sizeof *maxes; m++) {
		int rc;
		char *want = render(text.data, text.len, maxes[m], &rc);

		assert_int_equal(rc, BK_EOF);
		for (size_t k = 0; k < sizeof mosts / sizeof *mosts; k++) {
			uint64_t blocks;
			char *got = render_blocks(path, maxes[m], mosts[k], &blocks);

			assert_string_equal(got, want);
			if (mosts[k] >= 100)
				assert_true(blocks > 0);
			free(got);
		}
		free(want);
	}
	free(path);
	free(text.data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lf_lines),
		cmocka_unit_test(test_crlf_lines),
		cmocka_unit_test(test_final_line_without_newline),
		cmocka_unit_test(test_empty_input),
		cmocka_unit_test(test_nul_bytes_are_data),
		cmocka_unit_test(test_split_at_maximum),
		cmocka_unit_test(test_long_line_across_chunks),
		cmocka_unit_test(test_many_lines_match_input),
		cmocka_unit_test(test_offset_and_resume),
		cmocka_unit_test(test_memory_chunks_read_as_whole),
		cmocka_unit_test(test_truncated_gzip_delivers_lines),
		cmocka_unit_test(test_blocks_read_as_lines),
	};
	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
