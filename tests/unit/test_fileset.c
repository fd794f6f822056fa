/*
 * test_fileset.c - unit tests of lib/fileset.c.
 *
 * Two halves: bk_rotation_cmp on names alone (orders, edge cases, and that
 * it is a total order qsort can trust), and file sets over real trees built
 * in a fresh mkdtemp directory under /tmp. Tree tests chdir into that
 * directory so every listed path and every error message is short and can
 * be compared exactly.
 */
#include "config.h"

/* Before cmocka.h, which redefines malloc and free under UNIT_TESTING. */
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

/* ---- helpers ------------------------------------------------------------ */

static char tmpdir[] = "/tmp/bk-fileset-XXXXXX";
static char oldcwd[PATH_MAX];

struct errs {
	int n;
	char msg[8][256];	/* "path: message" */
};

static void
on_error(void *ctx, const char *path, const char *message)
{
	struct errs *e = ctx;

	assert_true(e->n < 8);
	snprintf(e->msg[e->n++], sizeof e->msg[0], "%s: %s", path, message);
}

static bk_fileset *
new_set(bool recursive, struct errs *e)
{
	bk_fileset *fs = bk_fileset_new();

	assert_non_null(fs);
	bk_fileset_set_recursive(fs, recursive);
	memset(e, 0, sizeof *e);
	bk_fileset_on_error(fs, on_error, e);
	return fs;
}

/* The set's paths in order, separated by spaces. */
static const char *
listing(const bk_fileset *fs)
{
	static char buf[4096];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < bk_fileset_count(fs); i++) {
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i > 0 ? " " : "",
					bk_fileset_path(fs, i));
		assert_true(len < sizeof buf);
	}
	return buf;
}

static void
touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x\n", 2), 2);
	assert_int_equal(close(fd), 0);
}

static void
make_dir(const char *path)
{
	assert_int_equal(mkdir(path, 0755), 0);
}

static void
link_to(const char *target, const char *path)
{
	assert_int_equal(symlink(target, path), 0);
}

static void
add_all(bk_fileset *fs, const char *const *paths, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(bk_fileset_add(fs, paths[i]), BK_OK);
}

static int
setup_tree(void **state)
{
	(void)state;
	memcpy(tmpdir + sizeof tmpdir - 7, "XXXXXX", 6);
	if (mkdtemp(tmpdir) == NULL || getcwd(oldcwd, sizeof oldcwd) == NULL)
		return -1;
	return chdir(tmpdir);
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
teardown_tree(void **state)
{
	(void)state;
	/* A test that failed midway may have left its directory unreadable. */
	(void)chmod("t/locked", 0755);
	if (chdir(oldcwd) != 0)
		return -1;
	return nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#define TREE_TEST(f) cmocka_unit_test_setup_teardown(f, setup_tree, teardown_tree)

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

static int
cmp_names(const void *x, const void *y)
{
	return bk_rotation_cmp(*(const char *const *)x, *(const char *const *)y);
}

/* ---- bk_rotation_cmp ---------------------------------------------------- */

static void
test_rotation_sorts_shuffled_list(void **state)
{
	static const char *const want[] = {
		"access.log-20150501.gz",
		"access.log-2015050112",
		"access.log.2015-05-02",
		"access.log-2015-05-03.zst",
		"access.log.12.gz",
		"access.log.2.gz",
		"access.log.1",
		"access.log.1.gz",
		"access.log",
		"error.log.3.xz",
		"error.log.2",
		"error.log.1.bz2",
		"error.log",
		"file2.log",
		"file10.log.1",
		"file10.log",
	};
	/* The two access/error sets interleaved, dates and numbers scrambled. */
	static const size_t shuffle[] = { 8, 12, 1, 10, 15, 4, 0, 11, 6, 13, 3, 9, 7, 2, 14, 5 };
	const char *got[16];
	size_t i;

	(void)state;
	for (i = 0; i < 16; i++)
		got[i] = want[shuffle[i]];
	qsort(got, 16, sizeof got[0], cmp_names);
	for (i = 0; i < 16; i++)
		assert_string_equal(got[i], want[i]);
	for (i = 0; i < 16; i++)
		got[i] = want[15 - i];
	qsort(got, 16, sizeof got[0], cmp_names);
	for (i = 0; i < 16; i++)
		assert_string_equal(got[i], want[i]);
}

static void
test_rotation_plain_and_compressed_member_tie_by_name(void **state)
{
	(void)state;
	assert_true(bk_rotation_cmp("access.log.1", "access.log.1.gz") < 0);
	assert_true(bk_rotation_cmp("access.log.1.gz", "access.log.1") > 0);
	/* Both sit between the older .2 and the live file. */
	assert_true(bk_rotation_cmp("access.log.2", "access.log.1.gz") < 0);
	assert_true(bk_rotation_cmp("access.log.1.gz", "access.log") < 0);
	assert_true(bk_rotation_cmp("x", "x.gz") < 0);
	assert_true(bk_rotation_cmp("x.gz", "x.1") > 0);
}

static void
test_rotation_number_must_end_the_name(void **state)
{
	(void)state;
	/* Read as set "x", number 2015, it would sort before x.1; it is its own set after "x". */
	assert_true(bk_rotation_cmp("x.2015.log", "x.1") > 0);
	assert_true(bk_rotation_cmp("x.2015.log", "x.2015.log.1") > 0);
	assert_true(bk_rotation_cmp("x.2015.log", "x.2016.log") < 0);
}

static void
test_rotation_digit_only_names(void **state)
{
	(void)state;
	assert_true(bk_rotation_cmp("3", "12") < 0);
	assert_true(bk_rotation_cmp("12.1", "12") < 0);
	assert_true(bk_rotation_cmp("1.10", "1.2") < 0);
	assert_true(bk_rotation_cmp("12", "12") == 0);
}

static void
test_rotation_names_without_dot(void **state)
{
	(void)state;
	assert_true(bk_rotation_cmp("messages-20150508", "messages") < 0);
	assert_true(bk_rotation_cmp("messages", "messages.1") > 0);
	assert_true(bk_rotation_cmp("messages", "syslog") < 0);
	assert_true(bk_rotation_cmp("syslog-20150508.gz", "syslog-20150509") < 0);
}

static void
test_rotation_suffix_alone_is_a_name(void **state)
{
	(void)state;
	assert_true(bk_rotation_cmp(".gz", ".gz") == 0);
	assert_true(bk_rotation_cmp(".gz.1", ".gz") < 0);
	/* Numbered members of one set would put .2 first; two names put .1 first. */
	assert_true(bk_rotation_cmp(".1", ".2") < 0);
	assert_true(bk_rotation_cmp("", "a") < 0);
}

static void
test_rotation_long_numbers_do_not_overflow(void **state)
{
	(void)state;
	/* 2^64 + 1 wraps to 1 in a uint64_t parse, which would make it newer than .2. */
	assert_true(bk_rotation_cmp("a.18446744073709551617", "a.2") < 0);
	assert_true(bk_rotation_cmp("a.100000000000000000000000", "a.99999999999999999999999") < 0);
	/* Leading zeros: by value, not by length. */
	assert_true(bk_rotation_cmp("a.0009", "a.10") > 0);
	assert_true(bk_rotation_cmp("a.007", "a.7") < 0);
	assert_true(bk_rotation_cmp("a.7", "a.007") > 0);
	assert_true(bk_rotation_cmp("file99999999999999999999", "file100000000000000000000") < 0);
	assert_true(bk_rotation_cmp("file007", "file7") < 0);
}

static void
test_rotation_zip_is_not_a_stream(void **state)
{
	static const char *const streams[] = { "x.gz", "x.zst", "x.xz", "x.bz2", "x.Z", "x.lz4" };
	size_t i;

	(void)state;
	/* "x.a" sorts between set "x" and set "x.zip". */
	for (i = 0; i < sizeof streams / sizeof streams[0]; i++)
		assert_true(bk_rotation_cmp(streams[i], "x.a") < 0);
	assert_true(bk_rotation_cmp("x.zip", "x.a") > 0);
	assert_true(bk_rotation_cmp("x.1.zip", "x.2") > 0);
}

static void
test_rotation_dates(void **state)
{
	(void)state;
	assert_true(bk_rotation_cmp("a-20150508", "a-2015050812") < 0);
	assert_true(bk_rotation_cmp("a-2015050812", "a-201505081230") < 0);
	assert_true(bk_rotation_cmp("a-201505081230", "a-20150508123059") < 0);
	assert_true(bk_rotation_cmp("a-20150508235959", "a-20150509") < 0);
	assert_true(bk_rotation_cmp("a.2015-05-08", "a-20150509") < 0);
	assert_true(bk_rotation_cmp("a-2015-05-10", "a-20150509") > 0);
	assert_true(bk_rotation_cmp("a-20991231", "a.1") < 0);
	/* Not dates: the name is its own set, after "a". */
	assert_true(bk_rotation_cmp("a-20151301", "a") > 0);
	assert_true(bk_rotation_cmp("a-20150532", "a") > 0);
	assert_true(bk_rotation_cmp("a-12345678", "a") > 0);
	assert_true(bk_rotation_cmp("a-201505081", "a") > 0);
	assert_true(bk_rotation_cmp("a.2015-13-01", "a") > 0);
}

static void
test_rotation_order_is_total(void **state)
{
	static const char *const names[] = {
		"access.log", "access.log.1", "access.log.1.gz", "access.log.01",
		"access.log.2.gz", "access.log.10", "access.log-20150508",
		"access.log-2015050812", "access.log.2015-05-08", "access.log-foo",
		"access.log.zip", "access.log.x", "x.2015.log", "x.1", "x", "12",
		"3", ".gz", ".1", "", "file2", "file10", "file010", "a0b", "a00b",
		"a-b", "a.b", "a1", "a.1", "a-20150508", "-20150508", "Z", "z.Z",
	};
	size_t n = sizeof names / sizeof names[0], i, j, k;
	int ij, jk;

	(void)state;
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			ij = bk_rotation_cmp(names[i], names[j]);
			assert_int_equal(sign(ij), -sign(bk_rotation_cmp(names[j], names[i])));
			assert_int_equal(ij == 0, i == j);
			for (k = 0; k < n; k++) {
				jk = bk_rotation_cmp(names[j], names[k]);
				if (ij < 0 && jk < 0)
					assert_true(bk_rotation_cmp(names[i], names[k]) < 0);
			}
		}
	}
}

/* ---- walking directories ------------------------------------------------ */

static void
test_directory_sorted_and_walked_depth_first(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_dir("logs");
	make_dir("logs/a");
	make_dir("logs/b");
	make_dir("logs/c2");
	make_dir("logs/c10");
	touch("logs/access.log");
	touch("logs/access.log.1");
	touch("logs/access.log.2.gz");
	touch("logs/access.log-20150501");
	touch("logs/a/y.log");
	touch("logs/a/y.log.1");
	touch("logs/b/x.log");
	touch("logs/c2/z");
	touch("logs/c10/z");
	fs = new_set(true, &e);
	assert_int_equal(bk_fileset_add(fs, "logs"), BK_OK);
	bk_fileset_finish(fs);
	assert_string_equal(listing(fs),
			    "logs/a/y.log.1 logs/a/y.log logs/access.log-20150501 "
			    "logs/access.log.2.gz logs/access.log.1 logs/access.log "
			    "logs/b/x.log logs/c2/z logs/c10/z");
	assert_int_equal(e.n, 0);
	assert_int_equal(bk_fileset_errors(fs), 0);
	bk_fileset_free(fs);
}

static void
test_directory_without_recursive_is_error(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_dir("logs");
	touch("logs/a.log");
	fs = new_set(false, &e);
	assert_int_equal(bk_fileset_add(fs, "logs"), BK_ERROR);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "logs: Is a directory");
	assert_int_equal(bk_fileset_count(fs), 0);
	assert_int_equal(bk_fileset_errors(fs), 1);
	bk_fileset_free(fs);
}

static void
test_missing_path_reported_and_others_kept(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	touch("a.log");
	fs = new_set(true, &e);
	assert_int_equal(bk_fileset_add(fs, "nope.log"), BK_ERROR);
	assert_int_equal(bk_fileset_add(fs, "a.log"), BK_OK);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "nope.log: No such file or directory");
	assert_string_equal(listing(fs), "a.log");
	assert_int_equal(bk_fileset_errors(fs), 1);
	bk_fileset_free(fs);
}

static void
test_errors_counted_without_callback(void **state)
{
	bk_fileset *fs = bk_fileset_new();

	(void)state;
	assert_non_null(fs);
	assert_int_equal(bk_fileset_add(fs, "nope.log"), BK_ERROR);
	make_dir("d");
	assert_int_equal(bk_fileset_add(fs, "d"), BK_ERROR);
	assert_int_equal(bk_fileset_errors(fs), 2);
	assert_int_equal(bk_fileset_count(fs), 0);
	bk_fileset_free(fs);
}

static void
test_symlink_loop_reported_once(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_dir("tree");
	make_dir("tree/sub");
	touch("tree/a.log");
	touch("tree/sub/b.log");
	link_to("..", "tree/sub/up");
	/* A second way into sub: walked once, so the loop is not reported twice. */
	link_to("sub", "tree/sub2");
	fs = new_set(true, &e);
	assert_int_equal(bk_fileset_add(fs, "tree"), BK_ERROR);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "tree/sub/up: symlink loop");
	assert_string_equal(listing(fs), "tree/a.log tree/sub/b.log");
	assert_int_equal(bk_fileset_errors(fs), 1);
	bk_fileset_free(fs);
}

static void
test_symlink_to_file_listed_once(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_dir("d");
	touch("d/real.log");
	link_to("real.log", "d/alias.log");
	fs = new_set(true, &e);
	assert_int_equal(bk_fileset_add(fs, "d"), BK_OK);
	assert_int_equal(bk_fileset_add(fs, "d/real.log"), BK_OK);
	assert_string_equal(listing(fs), "d/alias.log");
	assert_int_equal(e.n, 0);
	bk_fileset_free(fs);
}

static void
test_same_file_given_twice_listed_once(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	touch("a.log");
	fs = new_set(false, &e);
	assert_int_equal(bk_fileset_add(fs, "a.log"), BK_OK);
	assert_int_equal(bk_fileset_add(fs, "./a.log"), BK_OK);
	assert_int_equal(bk_fileset_add(fs, "a.log"), BK_OK);
	assert_string_equal(listing(fs), "a.log");
	bk_fileset_free(fs);
}

static void
test_broken_links_in_directory_reported(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_dir("d");
	touch("d/a.log");
	link_to("nowhere", "d/b.log");
	link_to("c.log", "d/c.log");
	fs = new_set(true, &e);
	assert_int_equal(bk_fileset_add(fs, "d"), BK_ERROR);
	assert_int_equal(e.n, 2);
	assert_string_equal(e.msg[0], "d/b.log: No such file or directory");
	assert_string_equal(e.msg[1], "d/c.log: Too many levels of symbolic links");
	assert_string_equal(listing(fs), "d/a.log");
	bk_fileset_free(fs);
}

static void
test_unreadable_directory_reported_and_walk_continues(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_dir("t");
	make_dir("t/locked");
	touch("t/a.log");
	touch("t/locked/x.log");
	touch("t/z.log");
	assert_int_equal(chmod("t/locked", 0), 0);
	if (access("t/locked", R_OK) == 0) {
		/* root (CAP_DAC_OVERRIDE) reads a mode 000 directory: nothing to test */
		print_message("skipped: mode 000 does not deny reading to this user (root?)\n");
		skip();
	}
	fs = new_set(true, &e);
	assert_int_equal(bk_fileset_add(fs, "t"), BK_ERROR);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.msg[0], "t/locked: Permission denied");
	assert_string_equal(listing(fs), "t/a.log t/z.log");
	assert_int_equal(bk_fileset_errors(fs), 1);
	bk_fileset_free(fs);
}

static void
test_fifo_in_directory_skipped(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_dir("d");
	touch("d/a.log");
	assert_int_equal(mkfifo("d/b.log", 0644), 0);
	fs = new_set(true, &e);
	assert_int_equal(bk_fileset_add(fs, "d"), BK_OK);
	assert_string_equal(listing(fs), "d/a.log");
	assert_int_equal(e.n, 0);
	bk_fileset_free(fs);
}

static void
test_fifo_given_by_name_listed(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	assert_int_equal(mkfifo("pipe", 0644), 0);
	fs = new_set(true, &e);
	assert_int_equal(bk_fileset_add(fs, "pipe"), BK_OK);
	assert_string_equal(listing(fs), "pipe");
	assert_int_equal(e.n, 0);
	bk_fileset_free(fs);
}

static void
test_trailing_slash_not_doubled(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_dir("d");
	touch("d/a.log");
	fs = new_set(true, &e);
	assert_int_equal(bk_fileset_add(fs, "d/"), BK_OK);
	assert_string_equal(listing(fs), "d/a.log");
	bk_fileset_free(fs);
}

/* ---- include and exclude ------------------------------------------------ */

static void
make_glob_tree(void)
{
	make_dir("d");
	make_dir("d/sub");
	touch("d/access.log");
	touch("d/error.log");
	touch("d/notes.txt");
	touch("d/x.log.1");
	touch("d/sub/app.log");
}

static void
test_include_globs_select_files_not_directories(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_glob_tree();
	fs = new_set(true, &e);
	assert_int_equal(bk_fileset_include(fs, "*.log"), BK_OK);
	assert_int_equal(bk_fileset_include(fs, "*.log.[0-9]"), BK_OK);
	assert_int_equal(bk_fileset_add(fs, "d"), BK_OK);
	assert_string_equal(listing(fs), "d/access.log d/error.log d/sub/app.log d/x.log.1");
	bk_fileset_free(fs);
}

static void
test_exclude_wins_over_include(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_glob_tree();
	fs = new_set(true, &e);
	assert_int_equal(bk_fileset_include(fs, "*.log"), BK_OK);
	assert_int_equal(bk_fileset_exclude(fs, "error*"), BK_OK);
	assert_int_equal(bk_fileset_exclude(fs, "app.*"), BK_OK);
	assert_int_equal(bk_fileset_add(fs, "d"), BK_OK);
	assert_string_equal(listing(fs), "d/access.log");
	bk_fileset_free(fs);
}

static void
test_globs_apply_to_files_given_by_name(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_glob_tree();
	fs = new_set(false, &e);
	assert_int_equal(bk_fileset_include(fs, "*.log"), BK_OK);
	assert_int_equal(bk_fileset_exclude(fs, "error.log"), BK_OK);
	assert_int_equal(bk_fileset_add(fs, "d/notes.txt"), BK_OK);
	assert_int_equal(bk_fileset_add(fs, "d/error.log"), BK_OK);
	assert_int_equal(bk_fileset_add(fs, "d/access.log"), BK_OK);
	assert_string_equal(listing(fs), "d/access.log");
	assert_int_equal(e.n, 0);
	bk_fileset_free(fs);
}

static void
test_stdin_kept_unfiltered_and_never_deduplicated(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	touch("a.log");
	fs = new_set(true, &e);
	assert_int_equal(bk_fileset_include(fs, "*.log"), BK_OK);
	assert_int_equal(bk_fileset_exclude(fs, "-"), BK_OK);
	assert_int_equal(bk_fileset_add(fs, "-"), BK_OK);
	assert_int_equal(bk_fileset_add(fs, "a.log"), BK_OK);
	assert_int_equal(bk_fileset_add(fs, "-"), BK_OK);
	bk_fileset_finish(fs);
	assert_string_equal(listing(fs), "- a.log -");
	assert_int_equal(e.n, 0);
	bk_fileset_free(fs);
}

/* ---- order of paths given by name --------------------------------------- */

static const char *const given[] = {
	"access.log", "error.log.1", "-", "access.log.2.gz", "other.txt",
	"error.log", "access.log.1", "access.log-20150501",
};

static void
make_given(void)
{
	size_t i;

	for (i = 0; i < sizeof given / sizeof given[0]; i++)
		if (strcmp(given[i], "-") != 0)
			touch(given[i]);
}

static void
test_paths_given_keep_their_order(void **state)
{
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_given();
	fs = new_set(false, &e);
	add_all(fs, given, sizeof given / sizeof given[0]);
	bk_fileset_finish(fs);
	assert_string_equal(listing(fs), "access.log error.log.1 - access.log.2.gz other.txt "
				 "error.log access.log.1 access.log-20150501");
	bk_fileset_free(fs);
}

static void
test_rotated_orders_sets_where_they_first_appear(void **state)
{
	static const char *const want = "access.log-20150501 access.log.2.gz access.log.1 "
					"access.log error.log.1 error.log - other.txt";
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_given();
	fs = new_set(false, &e);
	bk_fileset_set_rotated(fs, true);
	add_all(fs, given, sizeof given / sizeof given[0]);
	bk_fileset_finish(fs);
	assert_string_equal(listing(fs), want);
	bk_fileset_finish(fs);
	assert_string_equal(listing(fs), want);
	bk_fileset_free(fs);
}

static void
test_rotated_keeps_directories_apart(void **state)
{
	static const char *const paths[] = {
		"s1/app.log", "s2/app.log", "s1/app.log.1", "s2/app.log.1",
	};
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_dir("s1");
	make_dir("s2");
	touch("s1/app.log");
	touch("s1/app.log.1");
	touch("s2/app.log");
	touch("s2/app.log.1");
	fs = new_set(false, &e);
	bk_fileset_set_rotated(fs, true);
	add_all(fs, paths, 4);
	bk_fileset_finish(fs);
	assert_string_equal(listing(fs), "s1/app.log.1 s1/app.log s2/app.log.1 s2/app.log");
	bk_fileset_free(fs);
}

static void
test_rotated_leaves_directory_contents_in_place(void **state)
{
	static const char *const paths[] = { "x.log", "d", "x.log.1" };
	struct errs e;
	bk_fileset *fs;

	(void)state;
	make_dir("d");
	touch("d/x.log");
	touch("d/x.log.1");
	touch("x.log");
	touch("x.log.1");
	fs = new_set(true, &e);
	bk_fileset_set_rotated(fs, true);
	add_all(fs, paths, 3);
	bk_fileset_finish(fs);
	assert_string_equal(listing(fs), "x.log.1 x.log d/x.log.1 d/x.log");
	bk_fileset_free(fs);
}

static void
test_empty_set(void **state)
{
	bk_fileset *fs = bk_fileset_new();

	(void)state;
	assert_non_null(fs);
	bk_fileset_finish(fs);
	assert_int_equal(bk_fileset_count(fs), 0);
	assert_null(bk_fileset_path(fs, 0));
	assert_int_equal(bk_fileset_errors(fs), 0);
	bk_fileset_free(fs);
	bk_fileset_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rotation_sorts_shuffled_list),
		cmocka_unit_test(test_rotation_plain_and_compressed_member_tie_by_name),
		cmocka_unit_test(test_rotation_number_must_end_the_name),
		cmocka_unit_test(test_rotation_digit_only_names),
		cmocka_unit_test(test_rotation_names_without_dot),
		cmocka_unit_test(test_rotation_suffix_alone_is_a_name),
		cmocka_unit_test(test_rotation_long_numbers_do_not_overflow),
		cmocka_unit_test(test_rotation_zip_is_not_a_stream),
		cmocka_unit_test(test_rotation_dates),
		cmocka_unit_test(test_rotation_order_is_total),
		TREE_TEST(test_directory_sorted_and_walked_depth_first),
		TREE_TEST(test_directory_without_recursive_is_error),
		TREE_TEST(test_missing_path_reported_and_others_kept),
		TREE_TEST(test_errors_counted_without_callback),
		TREE_TEST(test_symlink_loop_reported_once),
		TREE_TEST(test_symlink_to_file_listed_once),
		TREE_TEST(test_same_file_given_twice_listed_once),
		TREE_TEST(test_broken_links_in_directory_reported),
		TREE_TEST(test_unreadable_directory_reported_and_walk_continues),
		TREE_TEST(test_fifo_in_directory_skipped),
		TREE_TEST(test_fifo_given_by_name_listed),
		TREE_TEST(test_trailing_slash_not_doubled),
		TREE_TEST(test_include_globs_select_files_not_directories),
		TREE_TEST(test_exclude_wins_over_include),
		TREE_TEST(test_globs_apply_to_files_given_by_name),
		TREE_TEST(test_stdin_kept_unfiltered_and_never_deduplicated),
		TREE_TEST(test_paths_given_keep_their_order),
		TREE_TEST(test_rotated_orders_sets_where_they_first_appear),
		TREE_TEST(test_rotated_keeps_directories_apart),
		TREE_TEST(test_rotated_leaves_directory_contents_in_place),
		cmocka_unit_test(test_empty_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
