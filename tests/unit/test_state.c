/*
 * test_state.c - unit tests of lib/state.c: scheduled runs over a log that
 * grows and is rotated every way logrotate rotates (create, compress,
 * delaycompress, copytruncate, copy), each line read exactly once with its
 * right number; the compressed-file fast path; the state file's format,
 * atomic replacement, strict loading and retention.
 *
 * Each "run" is what a tool does (scan() below): load the state, for each
 * file open, resume, read lines, record what was consumed, then save. The
 * lines read come back as one string, so a test states exactly what each run
 * must deliver. Rotations are done with rename, truncate and gzip(1), as
 * logrotate does them.
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

static char *dir;
static char *statepath;

static int
setup(void **state)
{
	(void)state;
	dir = tu_mkdtemp();
	assert_true(asprintf(&statepath, "%s/state", dir) > 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(statepath);
	tu_rmdir(dir);
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

/* DIR/NAME in one of a few rotating buffers, so calls can be nested in one statement. */
static const char *
at(const char *name)
{
	static char buf[8][4096];
	static unsigned next;
	char *p = buf[next++ % 8];

	assert_true((size_t)snprintf(p, sizeof buf[0], "%s/%s", dir, name) < sizeof buf[0]);
	return p;
}

/* Creates NAME or rewrites it in place (the same inode). */
static void
put(const char *name, const char *text)
{
	free(tu_write(dir, name, text, strlen(text)));
}

static void
append(const char *name, const char *text)
{
	int fd = open(at(name), O_WRONLY | O_APPEND);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
}

static void
move(const char *from, const char *to)
{
	assert_int_equal(rename(at(from), at(to)), 0);
}

/* Replaces NAME by a new file (a new inode), as an editor or a deploy does. */
static void
replace(const char *name, const char *text)
{
	put("replace.tmp", text);
	move("replace.tmp", name);
}

/* Copies FROM to a new file TO, as logrotate's copy and copytruncate do. */
static void
copy(const char *from, const char *to)
{
	char buf[65536];
	int in = open(at(from), O_RDONLY), out = open(at(to), O_WRONLY | O_CREAT | O_EXCL, 0644);
	ssize_t n;

	assert_true(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof buf)) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	assert_int_equal(n, 0);
	assert_int_equal(close(in), 0);
	assert_int_equal(close(out), 0);
}

static void
shrink(const char *name)
{
	assert_int_equal(truncate(at(name), 0), 0);
}

/* gzip(1) NAME into NAME.gz, removing NAME, as logrotate's compress does. */
static void
gzip(const char *name)
{
	char *cmd;

	assert_true(asprintf(&cmd, "gzip -n '%s'", at(name)) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

/*
 * One scheduled run over the files named (NULL-terminated), as a tool does
 * it. Returns what was read: "NAME:LINENO:TEXT" per line, "NAME: nothing new"
 * when resume says so, "NAME: error" when an input fails. An unterminated
 * last line of a plain file is left for the next run, as tools do.
 */
static char *
scan(const char *name, ...)
{
	bk_state *st = bk_state_new(statepath);
	bk_input *in = bk_input_new();
	bk_lines *lr = bk_lines_new(0);
	struct tu_buf out = { 0 };
	va_list ap;

	assert_non_null(st);
	assert_non_null(in);
	assert_non_null(lr);
	assert_int_equal(bk_state_load(st), BK_OK);
	tu_buf_add(&out, "", 0);
	va_start(ap, name);
	for (; name != NULL; name = va_arg(ap, const char *)) {
		struct bk_line line;
		uint64_t lineno, next;
		bool plain;
		char head[256];
		int rc;

		assert_int_equal(bk_input_open(in, at(name)), BK_OK);
		rc = bk_state_resume(st, in, &lineno);
		if (rc != BK_OK) {
			snprintf(head, sizeof head, "%s: %s\n", name,
			    rc == BK_EOF ? "nothing new" : "error");
			tu_buf_add(&out, head, strlen(head));
			bk_input_close(in);
			continue;
		}
		plain = bk_input_codec(in) == BK_CODEC_PLAIN;
		next = lineno;
		bk_lines_reset(lr, in, lineno);
		while ((rc = bk_lines_next(lr, &line)) == BK_OK) {
			if ((line.flags & BK_LINE_NOEOL) && plain)
				continue;
			snprintf(head, sizeof head, "%s:%llu:", name, (unsigned long long)line.lineno);
			tu_buf_add(&out, head, strlen(head));
			tu_buf_add(&out, line.data, line.len);
			tu_buf_add(&out, "\n", 1);
			if (!(line.flags & BK_LINE_NOEOL))
				next = line.lineno + 1;
		}
		if (rc != BK_EOF) {
			snprintf(head, sizeof head, "%s: error\n", name);
			tu_buf_add(&out, head, strlen(head));
		}
		assert_int_equal(bk_state_consumed(st, in, bk_lines_offset(lr), next,
		    !plain && rc == BK_EOF), BK_OK);
		bk_input_close(in);
	}
	va_end(ap);
	assert_int_equal(bk_state_save(st), BK_OK);
	assert_string_equal(bk_state_error(st), "");
	bk_lines_free(lr);
	bk_input_free(in);
	bk_state_free(st);
	return out.data;
}

#define expect_scan(expected, ...)						\
	do {									\
		char *got_ = scan(__VA_ARGS__, (const char *)NULL);		\
		assert_string_equal(got_, expected);				\
		free(got_);							\
	} while (0)

/* The whole state file. */
static char *
slurp(const char *path)
{
	struct tu_buf b = { 0 };
	char chunk[4096];
	FILE *fp = fopen(path, "rb");
	size_t n;

	assert_non_null(fp);
	tu_buf_add(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
		tu_buf_add(&b, chunk, n);
	assert_int_equal(fclose(fp), 0);
	return b.data;
}

/*
 * The state file's entries as "NAME codec fp_len offset line complete", one
 * per line, NAME without the directory: what a test needs to say about them.
 */
static char *
entries(void)
{
	char *text = slurp(statepath), *line, *save = NULL;
	struct tu_buf b = { 0 };
	size_t dirlen = strlen(dir);

	tu_buf_add(&b, "", 0);
	assert_true(strncmp(text, "breachkit-state 1\n", 18) == 0);
	for (line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
		char *f[11], *save2 = NULL, row[512];
		int n = 0;

		if (line[0] == '#' || strncmp(line, "breachkit-state", 15) == 0)
			continue;
		for (char *t = strtok_r(line, "\t", &save2); t != NULL && n < 11;
		    t = strtok_r(NULL, "\t", &save2))
			f[n++] = t;
		assert_int_equal(n, 11);
		assert_true(strncmp(f[10], dir, dirlen) == 0 && f[10][dirlen] == '/');
		snprintf(row, sizeof row, "%s %s %s %s %s %s\n", f[10] + dirlen + 1, f[4], f[5],
		    f[7], f[8], f[9]);
		tu_buf_add(&b, row, strlen(row));
	}
	free(text);
	return b.data;
}

#define expect_entries(expected)						\
	do {									\
		char *got_ = entries();						\
		assert_string_equal(got_, expected);				\
		free(got_);							\
	} while (0)

/* TEXT's lines as scan() shows them when read from line FIRST on. */
static char *
numbered(const char *name, const char *text, unsigned long first)
{
	struct tu_buf b = { 0 };
	char head[128];

	tu_buf_add(&b, "", 0);
	for (const char *p = text, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		snprintf(head, sizeof head, "%s:%lu:", name, first++);
		tu_buf_add(&b, head, strlen(head));
		tu_buf_add(&b, p, (size_t)(nl - p) + 1);
	}
	return b.data;
}

/* ---- growing files ------------------------------------------------------ */

static void
test_first_run_reads_all_then_nothing(void **state)
{
	(void)state;
	put("app.log", "a1\na2\n");
	expect_scan("app.log:1:a1\napp.log:2:a2\n", "app.log");
	expect_scan("app.log: nothing new\n", "app.log");
	expect_entries("app.log plain 6 6 3 0\n");
}

static void
test_append_reads_only_new_lines(void **state)
{
	(void)state;
	put("app.log", "a1\na2\n");
	expect_scan("app.log:1:a1\napp.log:2:a2\n", "app.log");
	append("app.log", "a3\na4\n");
	expect_scan("app.log:3:a3\napp.log:4:a4\n", "app.log");
	append("app.log", "a5\n");
	expect_scan("app.log:5:a5\n", "app.log");
	expect_scan("app.log: nothing new\n", "app.log");
	/* The fingerprint grew with the file: 12 bytes now, not the first run's 6. */
	expect_entries("app.log plain 15 15 6 0\n");
}

static void
test_unterminated_line_waits_until_complete(void **state)
{
	(void)state;
	put("app.log", "a1\na2");
	expect_scan("app.log:1:a1\n", "app.log");
	expect_entries("app.log plain 5 3 2 0\n");
	/* Still being written: looked at again, not delivered, not consumed. */
	expect_scan("", "app.log");
	expect_entries("app.log plain 5 3 2 0\n");
	append("app.log", "-end\na3\n");
	expect_scan("app.log:2:a2-end\napp.log:3:a3\n", "app.log");
}

static unsigned long
count_lines(const char *text)
{
	unsigned long n = 0;

	for (; *text != '\0'; text++)
		n += *text == '\n';
	return n;
}

static void
test_large_file_grows(void **state)
{
	char *text = tu_text(20000), *want = numbered("big.log", text, 1), *row;
	unsigned long lines = count_lines(text);

	(void)state;
	put("big.log", text);
	expect_scan(want, "big.log");
	free(want);
	append("big.log", "tail 1\ntail 2\n");
	want = numbered("big.log", "tail 1\ntail 2\n", lines + 1);
	expect_scan(want, "big.log");
	/* Fingerprinted by its first 4 KiB; line numbers went on from the count. */
	assert_true(asprintf(&row, "big.log plain 4096 %zu %lu 0\n", strlen(text) + 14,
	    lines + 3) > 0);
	expect_entries(row);
	free(row);
	free(want);
	free(text);
}

/* ---- rotation ----------------------------------------------------------- */

static void
test_rotate_create(void **state)
{
	(void)state;
	put("access.log", "a1\na2\n");
	expect_scan("access.log:1:a1\naccess.log:2:a2\n", "access.log");
	append("access.log", "a3\n");
	move("access.log", "access.log.1");
	put("access.log", "b1\n");
	expect_scan("access.log.1:3:a3\naccess.log:1:b1\n", "access.log.1", "access.log");
	expect_scan("access.log.1: nothing new\naccess.log: nothing new\n",
	    "access.log.1", "access.log");
	expect_entries("access.log.1 plain 9 9 4 0\naccess.log plain 3 3 2 0\n");
}

static void
test_rotate_create_compress(void **state)
{
	char *text = tu_text(20000), *head, *want;
	unsigned long lines = count_lines(text);

	(void)state;
	put("access.log", text);
	free(scan("access.log", (const char *)NULL));
	/* Written after the last run, before the rotation: read from the .gz. */
	append("access.log", "tail 1\ntail 2\n");
	move("access.log", "access.log.1");
	gzip("access.log.1");
	put("access.log", "b1\n");
	head = numbered("access.log.1.gz", "tail 1\ntail 2\n", lines + 1);
	assert_true(asprintf(&want, "%saccess.log:1:b1\n", head) > 0);
	expect_scan(want, "access.log.1.gz", "access.log");
	/* Read whole, so known by inode, size and time from now on. */
	expect_scan("access.log.1.gz: nothing new\naccess.log: nothing new\n",
	    "access.log.1.gz", "access.log");
	free(want);
	assert_true(asprintf(&want, "access.log.1.gz gzip 4096 %zu %lu 1\n"
	    "access.log plain 3 3 2 0\n", strlen(text) + 14, lines + 3) > 0);
	expect_entries(want);
	free(want);
	free(head);
	free(text);
}

static void
test_rotate_delaycompress_twice(void **state)
{
	(void)state;
	put("access.log", "a1\n");
	expect_scan("access.log:1:a1\n", "access.log");
	append("access.log", "a2\n");
	/* First rotation: renamed, not compressed yet. */
	move("access.log", "access.log.1");
	put("access.log", "b1\n");
	expect_scan("access.log.1:2:a2\naccess.log:1:b1\n", "access.log.1", "access.log");
	append("access.log", "b2\n");
	/* Second: the previous one compressed, the live one renamed. */
	gzip("access.log.1");
	move("access.log.1.gz", "access.log.2.gz");
	move("access.log", "access.log.1");
	put("access.log", "c1\n");
	expect_scan("access.log.1:2:b2\naccess.log:1:c1\n",
	    "access.log.2.gz", "access.log.1", "access.log");
	expect_scan("access.log.2.gz: nothing new\naccess.log.1: nothing new\n"
	    "access.log: nothing new\n", "access.log.2.gz", "access.log.1", "access.log");
	/* The entry of the a-file's old inode (now gone) was dropped. */
	expect_entries("access.log.1 plain 6 6 3 0\naccess.log.2.gz gzip 6 6 3 1\n"
	    "access.log plain 3 3 2 0\n");
}

static void
test_rotate_copytruncate(void **state)
{
	(void)state;
	put("access.log", "a1\na2\na3\n");
	expect_scan("access.log:1:a1\naccess.log:2:a2\naccess.log:3:a3\n", "access.log");
	/* Written between the last run and the rotation: read once, from the copy. */
	append("access.log", "a4\na5\n");
	copy("access.log", "access.log.1");
	shrink("access.log");
	append("access.log", "b1\n");
	expect_scan("access.log.1:4:a4\naccess.log.1:5:a5\naccess.log:1:b1\n",
	    "access.log.1", "access.log");
	expect_scan("access.log.1: nothing new\naccess.log: nothing new\n",
	    "access.log.1", "access.log");
	/* The truncated inode's old entry gave way to the new content's. */
	expect_entries("access.log.1 plain 15 15 6 0\naccess.log plain 3 3 2 0\n");
}

static void
test_rotate_copytruncate_empty_original(void **state)
{
	(void)state;
	put("access.log", "a1\n");
	expect_scan("access.log:1:a1\n", "access.log");
	append("access.log", "a2\n");
	copy("access.log", "access.log.1");
	shrink("access.log");
	expect_scan("access.log.1:2:a2\n", "access.log.1", "access.log");
	append("access.log", "b1\n");
	expect_scan("access.log.1: nothing new\naccess.log:1:b1\n", "access.log.1", "access.log");
}

static void
test_rotate_copy_keeps_original(void **state)
{
	(void)state;
	/* logrotate's copy: a snapshot is taken, the original goes on growing. */
	put("access.log", "a1\na2\n");
	expect_scan("access.log:1:a1\naccess.log:2:a2\n", "access.log");
	append("access.log", "a3\n");
	copy("access.log", "access.log.1");
	append("access.log", "a4\n");
	expect_scan("access.log.1:3:a3\naccess.log:4:a4\n", "access.log.1", "access.log");
	expect_scan("access.log.1: nothing new\naccess.log: nothing new\n",
	    "access.log.1", "access.log");
	append("access.log", "a5\n");
	expect_scan("access.log.1: nothing new\naccess.log:5:a5\n", "access.log.1", "access.log");
}

static void
test_copytruncate_while_scanning(void **state)
{
	char *text = tu_text(6000), *want;

	(void)state;
	/*
	 * A run between logrotate's copy and its truncate read past the copy's
	 * end. The copy is known by its first 4 KiB, so it must have that many
	 * (a copy shorter than the fingerprint of what was read is read again).
	 */
	put("access.log", text);
	copy("access.log", "access.log.1");
	append("access.log", "a3\n");
	free(scan("access.log", (const char *)NULL));
	shrink("access.log");
	append("access.log", "b1\n");
	expect_scan("access.log.1: nothing new\naccess.log:1:b1\n", "access.log.1", "access.log");
	expect_scan("access.log.1: nothing new\naccess.log: nothing new\n",
	    "access.log.1", "access.log");
	/* Compressed later, the copy still holds nothing new. */
	gzip("access.log.1");
	expect_scan("access.log.1.gz: nothing new\n", "access.log.1.gz");
	assert_true(asprintf(&want, "access.log plain 4096 %zu %lu 0\naccess.log plain 3 3 2 0\n",
	    strlen(text) + 3, count_lines(text) + 2) > 0);
	expect_entries(want);
	free(want);
	free(text);
}

static void
test_compression_in_progress(void **state)
{
	char *text = tu_text(20000), *full, *want;
	size_t len;
	struct stat sb;

	(void)state;
	put("access.log", text);
	free(scan("access.log", (const char *)NULL));
	append("access.log", "tail 1\ntail 2\n");
	move("access.log", "access.log.1");
	gzip("access.log.1");
	/* Seen while gzip is still writing it: only the first half is there. */
	full = slurp(at("access.log.1.gz"));
	assert_int_equal(stat(at("access.log.1.gz"), &sb), 0);
	len = (size_t)sb.st_size;
	assert_int_equal(truncate(at("access.log.1.gz"), (off_t)len / 2), 0);
	expect_scan("access.log.1.gz: error\n", "access.log.1.gz");
	/* Finished: the tail is read once, and the file is known as complete. */
	{
		int fd = open(at("access.log.1.gz"), O_WRONLY);

		assert_true(fd >= 0);
		assert_int_equal(pwrite(fd, full, len, 0), (ssize_t)len);
		assert_int_equal(close(fd), 0);
	}
	want = numbered("access.log.1.gz", "tail 1\ntail 2\n", count_lines(text) + 1);
	expect_scan(want, "access.log.1.gz");
	expect_scan("access.log.1.gz: nothing new\n", "access.log.1.gz");
	free(want);
	free(full);
	free(text);
}

static void
test_replaced_by_same_length(void **state)
{
	(void)state;
	put("app.log", "alpha 1\n");
	expect_scan("app.log:1:alpha 1\n", "app.log");
	replace("app.log", "bravo 2\n");
	expect_scan("app.log:1:bravo 2\n", "app.log");
	/* Rewritten in place: the same inode, the same size, other bytes. */
	put("app.log", "charl 3\n");
	expect_scan("app.log:1:charl 3\n", "app.log");
	expect_entries("app.log plain 8 8 2 0\n");
}

static void
test_identical_content_read_once(void **state)
{
	(void)state;
	/* Content is what is tracked: a second file with the same bytes adds nothing. */
	put("a.log", "same 1\nsame 2\n");
	put("b.log", "same 1\nsame 2\n");
	expect_scan("a.log:1:same 1\na.log:2:same 2\nb.log: nothing new\n", "a.log", "b.log");
	append("b.log", "b only\n");
	expect_scan("a.log: nothing new\nb.log:3:b only\n", "a.log", "b.log");
}

static void
test_empty_file(void **state)
{
	(void)state;
	put("app.log", "");
	put("other.log", "o1\n");
	expect_scan("other.log:1:o1\n", "app.log", "other.log");
	expect_scan("app.log: nothing new\nother.log: nothing new\n", "app.log", "other.log");
	append("app.log", "a1\n");
	expect_scan("app.log:1:a1\n", "app.log");
}

/* One run over TEXT arriving on a pipe, as "zcat x.gz | bk-tool --state F" gets it. */
static char *
scan_pipe(const char *text)
{
	bk_state *st = bk_state_new(statepath);
	bk_input *in = bk_input_new();
	bk_lines *lr = bk_lines_new(0);
	struct tu_buf out = { 0 };
	struct bk_line line;
	uint64_t lineno, next;
	int fds[2], rc;

	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fds[1]), 0);
	assert_int_equal(bk_state_load(st), BK_OK);
	assert_int_equal(bk_input_open_fd(in, fds[0], "pipe"), BK_OK);
	tu_buf_add(&out, "", 0);
	rc = bk_state_resume(st, in, &lineno);
	if (rc == BK_OK) {
		next = lineno;
		bk_lines_reset(lr, in, lineno);
		while (bk_lines_next(lr, &line) == BK_OK && !(line.flags & BK_LINE_NOEOL)) {
			char head[32];

			snprintf(head, sizeof head, "%llu:", (unsigned long long)line.lineno);
			tu_buf_add(&out, head, strlen(head));
			tu_buf_add(&out, line.data, line.len);
			tu_buf_add(&out, "\n", 1);
			next = line.lineno + 1;
		}
		assert_int_equal(bk_state_consumed(st, in, bk_lines_offset(lr), next, false), BK_OK);
	} else {
		assert_int_equal(rc, BK_EOF);
		tu_buf_add(&out, "nothing new\n", 12);
	}
	assert_int_equal(bk_input_close(in), BK_OK);
	assert_int_equal(bk_state_save(st), BK_OK);
	bk_lines_free(lr);
	bk_input_free(in);
	bk_state_free(st);
	return out.data;
}

static void
test_pipe_input(void **state)
{
	char *text = tu_text(8000), *more, *got;
	unsigned long lines = count_lines(text);

	(void)state;
	/* No inode to go by: the content alone says what was read. */
	got = scan_pipe(text);
	assert_int_equal(count_lines(got), lines);
	free(got);
	got = scan_pipe(text);
	assert_string_equal(got, "");
	free(got);
	assert_true(asprintf(&more, "%sp1\np2\n", text) > 0);
	got = scan_pipe(more);
	free(more);
	assert_true(asprintf(&more, "%lu:p1\n%lu:p2\n", lines + 1, lines + 2) > 0);
	assert_string_equal(got, more);
	free(got);
	free(more);
	/* Shorter than what was read: a snapshot of it, nothing new. */
	text[4500] = '\0';
	got = scan_pipe(text);
	assert_string_equal(got, "nothing new\n");
	free(got);
	free(text);
}

/* ---- the compressed fast path ------------------------------------------- */

static void
test_complete_gz_skipped_without_decoding(void **state)
{
	char *text = tu_text(50000), *want = numbered("old.log.gz", text, 1), *got;
	struct stat sb;
	struct timespec times[2];
	int fd;

	(void)state;
	put("old.log", text);
	gzip("old.log");
	expect_scan(want, "old.log.gz");

	/* Damage the deflate data; keep the size and restore the time. */
	assert_int_equal(stat(at("old.log.gz"), &sb), 0);
	fd = open(at("old.log.gz"), O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, "\xff\xff\xff\xff\xff\xff\xff\xff", 8, 20), 8);
	assert_int_equal(close(fd), 0);
	times[0] = sb.st_atim;
	times[1] = sb.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, at("old.log.gz"), times, 0), 0);
	expect_scan("old.log.gz: nothing new\n", "old.log.gz");

	/* With another time it is decoded again, and the damage shows. */
	times[1].tv_sec -= 3600;
	assert_int_equal(utimensat(AT_FDCWD, at("old.log.gz"), times, 0), 0);
	got = scan("old.log.gz", (const char *)NULL);
	assert_non_null(strstr(got, "old.log.gz: error\n"));
	free(got);
	free(want);
	free(text);
}

/* ---- consumed ----------------------------------------------------------- */

static void
test_consumed_checkpoints_and_never_goes_back(void **state)
{
	bk_state *st = bk_state_new(statepath);
	bk_input *in = bk_input_new();
	uint64_t lineno = 0;

	(void)state;
	put("app.log", "a1\na2\n");
	assert_int_equal(bk_state_load(st), BK_OK);
	assert_int_equal(bk_input_open(in, at("app.log")), BK_OK);
	assert_int_equal(bk_state_resume(st, in, &lineno), BK_OK);
	assert_int_equal(lineno, 1);
	assert_int_equal(bk_state_consumed(st, in, 3, 2, false), BK_OK);
	assert_int_equal(bk_state_consumed(st, in, 6, 3, false), BK_OK);
	assert_int_equal(bk_state_save(st), BK_OK);
	expect_entries("app.log plain 6 6 3 0\n");

	append("app.log", "a3\n");
	assert_int_equal(bk_input_open(in, at("app.log")), BK_OK);
	assert_int_equal(bk_state_resume(st, in, &lineno), BK_OK);
	assert_int_equal(lineno, 3);
	assert_int_equal(bk_input_offset(in), 6);
	assert_int_equal(bk_state_consumed(st, in, 0, 1, false), BK_OK);
	assert_int_equal(bk_state_save(st), BK_OK);
	expect_entries("app.log plain 9 6 3 0\n");

	/* Read to the end; then nothing new, and consumed() after BK_EOF changes nothing. */
	assert_int_equal(bk_input_open(in, at("app.log")), BK_OK);
	assert_int_equal(bk_state_resume(st, in, &lineno), BK_OK);
	assert_int_equal(bk_state_consumed(st, in, 9, 4, false), BK_OK);
	assert_int_equal(bk_input_open(in, at("app.log")), BK_OK);
	assert_int_equal(bk_state_resume(st, in, &lineno), BK_EOF);
	assert_int_equal(bk_state_consumed(st, in, 0, 1, false), BK_OK);
	assert_int_equal(bk_state_save(st), BK_OK);
	expect_entries("app.log plain 9 9 4 0\n");

	bk_input_free(in);
	bk_state_free(st);
}

/* ---- the state file ----------------------------------------------------- */

static void
test_state_file_round_trip(void **state)
{
	static const char *const names[] = { "tab\there", "new\nline", "back\\slash", "cr\rx" };
	char *before, *after;
	struct stat sb1, sb2;
	bk_state *st;
	DIR *d;
	struct dirent *de;

	(void)state;
	for (size_t i = 0; i < 4; i++)
		put(names[i], names[i]);
	for (size_t i = 0; i < 4; i++)
		append(names[i], "\n");
	free(scan(names[0], names[1], names[2], names[3], (const char *)NULL));
	before = slurp(statepath);
	assert_non_null(strstr(before, "/tab\\there\n"));
	assert_non_null(strstr(before, "/new\\nline\n"));
	assert_non_null(strstr(before, "/back\\\\slash\n"));
	assert_non_null(strstr(before, "/cr\\rx\n"));
	assert_int_equal(strncmp(before, "breachkit-state 1\n#", 19), 0);

	/* Loaded and saved again: the same bytes, in a new file of mode 0600. */
	assert_int_equal(chmod(statepath, 0644), 0);
	assert_int_equal(stat(statepath, &sb1), 0);
	st = bk_state_new(statepath);
	assert_int_equal(bk_state_load(st), BK_OK);
	assert_int_equal(bk_state_save(st), BK_OK);
	bk_state_free(st);
	assert_int_equal(stat(statepath, &sb2), 0);
	assert_int_equal(sb2.st_mode & 07777, 0600);
	assert_true(sb1.st_ino != sb2.st_ino);
	after = slurp(statepath);
	assert_string_equal(after, before);

	/* And no temporary file is left behind. */
	d = opendir(dir);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		assert_null(strstr(de->d_name, ".tmp."));
	closedir(d);

	/* The paths came back whole: every file is recognised. */
	expect_scan("tab\there: nothing new\nnew\nline: nothing new\n"
	    "back\\slash: nothing new\ncr\rx: nothing new\n",
	    names[0], names[1], names[2], names[3]);
	free(before);
	free(after);
}

static void
test_state_file_missing_and_unwritable(void **state)
{
	bk_state *st;
	char *nowhere;

	(void)state;
	bk_state_free(NULL);
	st = bk_state_new(statepath);
	assert_int_equal(bk_state_load(st), BK_OK);	/* a first run */
	assert_int_equal(bk_state_save(st), BK_OK);
	bk_state_free(st);
	expect_entries("");

	assert_true(asprintf(&nowhere, "%s/no/such/dir/state", dir) > 0);
	st = bk_state_new(nowhere);
	assert_int_equal(bk_state_load(st), BK_OK);
	assert_int_equal(bk_state_save(st), BK_ERROR);
	{
		char *msg;

		assert_true(asprintf(&msg, "%s: cannot create a temporary file: %s", nowhere,
		    strerror(ENOENT)) > 0);
		assert_string_equal(bk_state_error(st), msg);
		free(msg);
	}
	bk_state_free(st);
	free(nowhere);

	/* A directory where the file should be. */
	st = bk_state_new(dir);
	assert_int_equal(bk_state_load(st), BK_ERROR);
	{
		char *msg;

		assert_true(asprintf(&msg, "%s: %s", dir, strerror(EISDIR)) > 0);
		assert_string_equal(bk_state_error(st), msg);
		free(msg);
	}
	bk_state_free(st);
}

#define GOOD_ENTRY "2049\t1835011\t18234\t1431047702123456789\tplain\t4096\t" \
	"9b1f00aa12cd34ef\t18234\t153\t0\t/var/log/x"

static void
test_state_file_malformed(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		const char *message;
	} cases[] = {
#define C(text, message) { text, sizeof text - 1, message }
		C("", "1: not a breachkit state file"),
		C("hello\n", "1: not a breachkit state file"),
		C("\x7f" "ELF\x02\x01\x01\x00\x00\n", "1: not a breachkit state file"),
		C("breachkit-state 2\n", "1: unsupported state version '2' (this build reads 1)"),
		C("breachkit-state \x01\n", "1: unsupported state version '?' (this build reads 1)"),
		C("breachkit-state 1", "1: last line not terminated (truncated file?)"),
		C("breachkit-state 1\n" GOOD_ENTRY, "2: last line not terminated (truncated file?)"),
		C("breachkit-state 1\n1\t2\t3\n", "2: 3 fields, expected 11"),
		C("breachkit-state 1\n" GOOD_ENTRY "\tmore\n", "2: 12 fields, expected 11"),
		C("breachkit-state 1\n\n# note\nx1\t1\t2\t3\tplain\t0\t0000000000000000\t0\t1\t0\t/a\n",
		  "4: bad device 'x1'"),
		C("breachkit-state 1\n1\t-5\t2\t3\tplain\t0\t0000000000000000\t0\t1\t0\t/a\n",
		  "2: bad inode '-5'"),
		C("breachkit-state 1\n1\t1\t\t3\tplain\t0\t0000000000000000\t0\t1\t0\t/a\n",
		  "2: bad size ''"),
		C("breachkit-state 1\n1\t1\t2\t1.5\tplain\t0\t0000000000000000\t0\t1\t0\t/a\n",
		  "2: bad mtime '1.5'"),
		C("breachkit-state 1\n1\t1\t2\t3\tlz4\t0\t0000000000000000\t0\t1\t0\t/a\n",
		  "2: unknown codec 'lz4'"),
		C("breachkit-state 1\n1\t1\t2\t3\tgzip\t4097\t0000000000000000\t0\t1\t0\t/a\n",
		  "2: bad fingerprint length '4097'"),
		C("breachkit-state 1\n1\t1\t2\t3\tgzip\t1\t12345\t0\t1\t0\t/a\n",
		  "2: bad fingerprint '12345'"),
		C("breachkit-state 1\n1\t1\t2\t3\tgzip\t1\t000000000000000g\t0\t1\t0\t/a\n",
		  "2: bad fingerprint '000000000000000g'"),
		C("breachkit-state 1\n1\t1\t2\t3\tplain\t0\t0000000000000000\t12x\t1\t0\t/a\n",
		  "2: bad offset '12x'"),
		C("breachkit-state 1\n1\t1\t2\t3\tplain\t0\t0000000000000000\t"
		  "18446744073709551616\t1\t0\t/a\n", "2: bad offset '18446744073709551616'"),
		C("breachkit-state 1\n1\t1\t2\t3\tplain\t0\t0000000000000000\t0\t0\t0\t/a\n",
		  "2: bad line number '0'"),
		C("breachkit-state 1\n1\t1\t2\t3\tplain\t0\t0000000000000000\t0\t1\t2\t/a\n",
		  "2: bad complete flag '2'"),
		C("breachkit-state 1\n1\t1\t2\t3\tplain\t0\t0000000000000000\t0\t1\t0\t\n",
		  "2: empty path"),
		C("breachkit-state 1\n1\t1\t2\t3\tplain\t0\t0000000000000000\t0\t1\t0\t/a\\qb\n",
		  "2: bad escape in path"),
		C("breachkit-state 1\n1\t1\t2\t3\tplain\t0\t0000000000000000\t0\t1\t0\t/a\\\n",
		  "2: bad escape in path"),
		C("breachkit-state 1\n1\t1\t2\t3\tplain\t0\t0000000000000000\t0\t1\t0\t/a\0b\n",
		  "2: NUL byte in path"),
#undef C
	};
	bk_state *st = bk_state_new(statepath);
	char *msg;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		free(tu_write(dir, "state", cases[i].text, cases[i].len));
		assert_int_equal(bk_state_load(st), BK_ERROR);
		assert_true(asprintf(&msg, "%s:%s", statepath, cases[i].message) > 0);
		assert_string_equal(bk_state_error(st), msg);
		free(msg);
	}

	/* Comments, blank lines and CRLF are accepted; a good load clears the error. */
	put("state", "breachkit-state 1\r\n# hand-edited\n\n" GOOD_ENTRY "\r\n");
	assert_int_equal(bk_state_load(st), BK_OK);
	assert_string_equal(bk_state_error(st), "");
	bk_state_free(st);
}

static void
test_failed_load_keeps_state(void **state)
{
	bk_state *st = bk_state_new(statepath);

	(void)state;
	put("app.log", "a1\n");
	free(scan("app.log", (const char *)NULL));
	assert_int_equal(bk_state_load(st), BK_OK);
	put("state", "garbage\n");
	assert_int_equal(bk_state_load(st), BK_ERROR);
	assert_int_equal(bk_state_save(st), BK_OK);
	bk_state_free(st);
	expect_entries("app.log plain 3 3 2 0\n");
}

/* Random bytes and random damage to a good file: an error or a state, never a crash. */
static void
test_state_file_junk(void **state)
{
	static const char good[] = "breachkit-state 1\n# c\n" GOOD_ENTRY "\n" GOOD_ENTRY "\n";
	bk_state *st = bk_state_new(statepath);
	uint32_t x = 12345;
	char buf[256];

	(void)state;
	for (int round = 0; round < 2000; round++) {
		size_t len;
		int rc;

		if (round % 2 == 0) {
			len = (x = x * 1103515245 + 12345) % sizeof buf;
			for (size_t i = 0; i < len; i++)
				buf[i] = (char)((x = x * 1103515245 + 12345) >> 16);
			if (round % 4 == 0 && len > 18)
				memcpy(buf, "breachkit-state 1\n", 18);
		} else {
			len = sizeof good - 1;
			memcpy(buf, good, len);
			for (int k = 0; k < 3; k++) {
				x = x * 1103515245 + 12345;
				buf[(x >> 8) % len] = (char)(x >> 20);
			}
		}
		free(tu_write(dir, "state", buf, len));
		rc = bk_state_load(st);
		assert_true(rc == BK_OK || rc == BK_ERROR);
		if (rc == BK_ERROR)
			assert_int_equal(strncmp(bk_state_error(st), statepath, strlen(statepath)), 0);
	}
	bk_state_free(st);
}

static void
test_retention(void **state)
{
	(void)state;
	put("a.log", "a1\n");
	put("b.log", "b1\n");
	put("c.log", "c1\n");
	put("d.log", "d1\n");
	free(scan("a.log", "b.log", "c.log", "d.log", (const char *)NULL));
	expect_entries("a.log plain 3 3 2 0\nb.log plain 3 3 2 0\nc.log plain 3 3 2 0\n"
	    "d.log plain 3 3 2 0\n");

	/* Not scanned now: b's path holds another file, c is gone, d is as it was. */
	move("b.log", "b.old");
	put("b.log", "new b\n");
	assert_int_equal(unlink(at("c.log")), 0);
	append("a.log", "a2\n");
	expect_scan("a.log:2:a2\n", "a.log");
	expect_entries("a.log plain 6 6 3 0\nd.log plain 3 3 2 0\n");

	/* d was kept, so it is still known. */
	expect_scan("d.log: nothing new\n", "d.log");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_first_run_reads_all_then_nothing),
		T(test_append_reads_only_new_lines),
		T(test_unterminated_line_waits_until_complete),
		T(test_large_file_grows),
		T(test_rotate_create),
		T(test_rotate_create_compress),
		T(test_rotate_delaycompress_twice),
		T(test_rotate_copytruncate),
		T(test_rotate_copytruncate_empty_original),
		T(test_rotate_copy_keeps_original),
		T(test_copytruncate_while_scanning),
		T(test_compression_in_progress),
		T(test_replaced_by_same_length),
		T(test_identical_content_read_once),
		T(test_empty_file),
		T(test_pipe_input),
		T(test_complete_gz_skipped_without_decoding),
		T(test_consumed_checkpoints_and_never_goes_back),
		T(test_state_file_round_trip),
		T(test_state_file_missing_and_unwritable),
		T(test_state_file_malformed),
		T(test_failed_load_keeps_state),
		T(test_state_file_junk),
		T(test_retention),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
