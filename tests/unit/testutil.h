/*
 * testutil.h - what every cmocka unit test needs: the cmocka includes in the
 * order cmocka demands, the library, and helpers for temporary files and for
 * reading a whole input back, so each test states only its case.
 */
#ifndef BK_TESTUTIL_H
#define BK_TESTUTIL_H

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "breachkit.h"

/* A fresh directory under $TMPDIR (or /tmp), removed by tu_rmdir. */
static inline char *
tu_mkdtemp(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	assert_true(asprintf(&dir, "%s/bk-test.XXXXXX", tmp) > 0);
	assert_non_null(mkdtemp(dir));
	return dir;
}

/* Removes DIR and everything in it, and frees the name. */
static inline void
tu_rmdir(char *dir)
{
	char *cmd;

	assert_true(asprintf(&cmd, "rm -rf '%s'", dir) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(dir);
}

/* A temporary directory shared by a group of tests, made and removed by the group's setup and teardown. */
static char *tu_dir;

static inline int
tu_setup_dir(void **state)
{
	(void)state;
	tu_dir = tu_mkdtemp();
	return 0;
}

static inline int
tu_teardown_dir(void **state)
{
	(void)state;
	tu_rmdir(tu_dir);
	tu_dir = NULL;
	return 0;
}

/* Writes LEN bytes to DIR/NAME and returns the path (caller frees). */
static inline char *
tu_write(const char *dir, const char *name, const void *data, size_t len)
{
	char *path;
	FILE *fp;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* A growable byte string for collecting output. */
struct tu_buf {
	char *data;
	size_t len, cap;
};

static inline void
tu_buf_add(struct tu_buf *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->data = realloc(b->data, b->cap);
		assert_non_null(b->data);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/*
 * Reads IN to the end into B with bk_input_next; returns the final status
 * (BK_EOF or BK_ERROR).
 */
static inline int
tu_drain(bk_input *in, struct tu_buf *b)
{
	const char *d;
	size_t n;
	int rc;

	while ((rc = bk_input_next(in, &d, &n)) == BK_OK) {
		assert_true(n > 0);
		tu_buf_add(b, d, n);
	}
	return rc;
}

/* Deterministic text of LEN bytes: numbered log-like lines. */
static inline char *
tu_text(size_t len)
{
	char *p = malloc(len + 64);
	size_t off = 0;
	unsigned long i = 0;

	assert_non_null(p);
	while (off < len)
		off += (size_t)sprintf(p + off, "10.0.%lu.%lu GET /api/persons/%lu 200\n",
		    i % 256, (i * 7) % 254 + 1, 1000 + i), i++;
	return p;
}

#endif
