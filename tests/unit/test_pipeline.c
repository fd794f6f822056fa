/*
 * test_pipeline.c - unit tests of lib/pipeline.c: with any number of
 * workers and any chunk size the output is what one pass writes, line
 * numbers, flags and the pieces of over-long lines included; a writer or a
 * worker that stops the run stops it after the chunks before; an input
 * that fails has every line before the fault processed, then BK_ERROR;
 * output put in the chunks' buffers comes out as output put in their
 * streams.
 */
#include "testutil.h"

#include <zlib.h>

/* What the worker makes of a line: its number, length, flags and bytes. */
static void
describe(FILE *out, const struct bk_line *l)
{
	fprintf(out, "%llu %zu %u [%.*s]\n", (unsigned long long)l->lineno, l->len, l->flags,
	    (int)l->len, l->data);
}

struct worker {
	int fail_at;		/* a line number that makes the worker fail, or 0 */
	int chunks;
};

static int
work(void *state, struct bk_chunk *c)
{
	struct worker *w = state;

	w->chunks++;
	c->stats[0] = c->nlines;
	for (size_t i = 0; i < c->nlines; i++) {
		describe(c->out, &c->lines[i]);
		if (w->fail_at != 0 && c->lines[i].lineno == (uint64_t)w->fail_at)
			return BK_ERROR;
	}
	c->data = strdup("mine");
	return 0;
}

struct sink {
	struct tu_buf b;
	uint64_t lines, chunks;
	uint64_t stop_after;	/* chunks, or 0 */
};

static int
write_chunk(void *ctx, struct bk_chunk *c)
{
	struct sink *s = ctx;

	tu_buf_add(&s->b, c->text, c->len);
	if (c->status == 0)
		assert_string_equal(c->data, "mine");
	free(c->data);
	s->lines += c->stats[0];
	return ++s->chunks == s->stop_after;
}

/* One pass over the same text, for comparison. */
static char *
reference(const char *text, size_t len, size_t max)
{
	bk_lines *lr = bk_lines_new(max);
	struct bk_line l;
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	bk_lines_reset_mem(lr, text, len, 0, 1, NULL);
	while (bk_lines_next(lr, &l) == BK_OK)
		describe(f, &l);
	fclose(f);
	bk_lines_free(lr);
	return out;
}

static int
run(const char *text, size_t len, size_t max, size_t jobs, size_t chunk, struct sink *s,
    struct worker *w)
{
	bk_lines *lr = bk_lines_new(max);
	void *states[8];
	int rc;

	for (size_t i = 0; i < jobs; i++)
		states[i] = &w[i];
	bk_lines_reset_mem(lr, text, len, 0, 1, NULL);
	rc = bk_pipeline_run(lr, jobs, states, work, write_chunk, s, chunk);
	bk_lines_free(lr);
	return rc;
}

static void
test_same_as_one_pass(void **state)
{
	static const size_t jobs[] = { 1, 2, 3, 8 };
	static const size_t chunks[] = { 1, 7, 100, 1 << 20 };
	struct tu_buf text = { 0 };
	char *want;
	uint64_t nwant = 0;

	(void)state;
	/* Short and long lines, empty ones, CRLF, a NUL, lines past the maximum, no last newline. */
	for (int i = 0; i < 500; i++) {
		char line[400];
		int n = snprintf(line, sizeof line, "line %d %.*s", i, (i * 37) % 300,
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");

		tu_buf_add(&text, line, (size_t)n);
		tu_buf_add(&text, i % 5 == 0 ? "\r\n" : i % 7 == 0 ? "\n\n" : "\n",
		    i % 5 == 0 ? 2 : i % 7 == 0 ? 2 : 1);
	}
	tu_buf_add(&text, "nul\0byte\nno newline", 19);
	want = reference(text.data, text.len, 200);
	for (const char *c = want; *c != '\0'; c++)
		nwant += *c == '\n';
	assert_true(nwant > 600);	/* pieces of long lines and empty lines count */
	for (size_t j = 0; j < sizeof jobs / sizeof *jobs; j++) {
		for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
			struct sink s = { 0 };
			struct worker w[8] = { 0 };
			int total = 0;

			assert_int_equal(run(text.data, text.len, 200, jobs[j], chunks[c], &s, w), BK_OK);
			assert_string_equal(s.b.data, want);
			assert_int_equal(s.lines, nwant);
			for (size_t i = 0; i < jobs[j]; i++)
				total += w[i].chunks;
			assert_int_equal(total, s.chunks);
			free(s.b.data);
		}
	}
	/* Nothing at all: no chunk, no call. */
	{
		struct sink s = { 0 };
		struct worker w[2] = { 0 };

		assert_int_equal(run("", 0, 0, 2, 10, &s, w), BK_OK);
		assert_int_equal(s.chunks, 0);
	}
	free(want);
	free(text.data);
}

static void
test_stops(void **state)
{
	char text[4000];
	size_t len = 0;

	(void)state;
	for (int i = 1; i <= 400; i++)
		len += (size_t)snprintf(text + len, sizeof text - len, "%d\n", i);
	/* The writer stops after its second chunk: two chunks are written, no more. */
	{
		struct sink s = { .stop_after = 2 };
		struct worker w[3] = { 0 };

		assert_int_equal(run(text, len, 0, 3, 30, &s, w), 1);
		assert_int_equal(s.chunks, 2);
		assert_true(strncmp(s.b.data, "1 1 0 [1]\n2 1 0 [2]\n", 20) == 0);
		free(s.b.data);
	}
	/* A worker fails at line 200: the chunks before and its own are written. */
	{
		struct sink s = { 0 };
		struct worker w[2] = { { .fail_at = 200 }, { .fail_at = 200 } };
		const char *tail;

		assert_int_equal(run(text, len, 0, 2, 30, &s, w), 1);
		tail = s.b.data + s.b.len - strlen("200 3 0 [200]\n");
		assert_string_equal(tail, "200 3 0 [200]\n");
		free(s.b.data);
	}
}

static void
test_input_fault(void **state)
{
	const char *text = "first line\nsecond line\nthird, cut";
	unsigned char z[256];
	z_stream zs = { 0 };
	char *p;
	bk_input *in = bk_input_new();
	bk_lines *lr = bk_lines_new(0);
	struct sink s = { 0 };
	struct worker w[2] = { 0 };
	void *states[2] = { &w[0], &w[1] };

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
	bk_lines_reset(lr, in, 1);
	assert_int_equal(bk_pipeline_run(lr, 2, states, work, write_chunk, &s, 1), BK_ERROR);
	assert_string_equal(s.b.data, "1 10 0 [first line]\n2 11 0 [second line]\n"
				      "3 10 2 [third, cut]\n");
	assert_string_equal(bk_input_error(in), "truncated gzip stream after 33 bytes");
	free(s.b.data);
	bk_lines_free(lr);
	bk_input_free(in);
	free(p);
}

/* The worker of work() writing into the chunk's buffer instead of its stream. */
static int
work_buf(void *state, struct bk_chunk *c)
{
	struct worker *w = state;

	w->chunks++;
	c->stats[0] = c->nlines;
	for (size_t i = 0; i < c->nlines; i++) {
		const struct bk_line *l = &c->lines[i];
		char head[64];
		int n = snprintf(head, sizeof head, "%llu %zu %u [", (unsigned long long)l->lineno,
		    l->len, l->flags);
		char *room = bk_chunk_room(c, (size_t)n + l->len + 2);

		assert_non_null(room);
		memcpy(room, head, (size_t)n);
		memcpy(room + n, l->data, l->len);
		memcpy(room + n + l->len, "]\n", 2);
		c->buflen += (size_t)n + l->len + 2;
	}
	c->data = strdup("mine");
	return 0;
}

/*
 * A file larger than the input's chunks, so lines straddle them, read with
 * the workers writing into their chunks' buffers: the same as one pass.
 */
static void
test_file_into_buffers(void **state)
{
	static const size_t chunks[] = { 1, 1000, 1 << 16 };
	struct tu_buf text = { 0 };
	char *want, *path;

	(void)state;
	for (int i = 0; text.len < (700u << 10); i++) {
		char line[600];
		int n = snprintf(line, sizeof line, "%d:%.*s", i, (i * 53) % 500,
		    "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
		    "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
		    "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
		    "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
		    "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
		    "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
		    "0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz");

		tu_buf_add(&text, line, (size_t)n);
		tu_buf_add(&text, i % 3 == 0 ? "\r\n" : "\n", i % 3 == 0 ? 2 : 1);
	}
	tu_buf_add(&text, "end", 3);
	want = reference(text.data, text.len, 400);
	path = tu_write(tu_dir, "big.txt", text.data, text.len);
	for (size_t c = 0; c < sizeof chunks / sizeof *chunks; c++) {
		bk_input *in = bk_input_new();
		bk_lines *lr = bk_lines_new(400);
		struct sink s = { 0 };
		struct worker w[2] = { 0 };
		void *states[2] = { &w[0], &w[1] };

		assert_int_equal(bk_input_open(in, path), BK_OK);
		bk_lines_reset(lr, in, 1);
		assert_int_equal(bk_pipeline_run(lr, 2, states, work_buf, write_chunk, &s, chunks[c]),
		    BK_OK);
		assert_string_equal(s.b.data, want);
		free(s.b.data);
		bk_lines_free(lr);
		bk_input_free(in);
	}
	free(path);
	free(want);
	free(text.data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_as_one_pass),
		cmocka_unit_test(test_stops),
		cmocka_unit_test(test_input_fault),
		cmocka_unit_test(test_file_into_buffers),
	};

	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
