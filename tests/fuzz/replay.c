/*
 * replay.c - run a libFuzzer harness without libFuzzer.
 *
 * Linked with one tests/fuzz/fuzz_NAME.c into tests/fuzz/replay_NAME, this
 * main calls the harness's LLVMFuzzerTestOneInput on a few edge inputs built
 * in (empty, single bytes, 64 KiB of 0xFF) and then on every file named on
 * the command line, or found in a directory named there (in name order, not
 * descending, dot files skipped). Without arguments it replays the committed
 * corpus FUZZ_CORPUS (tests/fuzz/corpus/NAME, compiled in the way unit tests
 * get BK_TESTDATA), which is how `make check` runs it: no wrapper script, and
 * the same binary replays a crash file by hand
 * (tests/fuzz/replay_lines tests/fuzz/findings/lines/crash-...).
 *
 * Harnesses report bugs by crashing or aborting, which fails the test; so
 * the seed corpora and every fixed crash stay regression tests in any build,
 * gcc or clang, with sanitizers or without. Each input is read into a buffer
 * of exactly its size, as libFuzzer passes it, so AddressSanitizer sees a
 * harness or library reading past the end. Prints the inputs as it goes and
 * "replayed N inputs"; exits 0, or 1 if a file or directory cannot be read.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FUZZ_CORPUS
#error "FUZZ_CORPUS must name the harness's corpus directory"
#endif

static unsigned long replayed;

/* Runs the harness on a copy of DATA in a buffer of exactly SIZE bytes. */
static void
run(const char *label, const void *data, size_t size)
{
	uint8_t *copy = malloc(size > 0 ? size : 1);

	if (copy == NULL) {
		fprintf(stderr, "replay: out of memory for %s\n", label);
		exit(1);
	}
	printf("  %s (%zu bytes)\n", label, size);
	fflush(stdout);
	memcpy(copy, data, size);
	(void)LLVMFuzzerTestOneInput(copy, size);
	free(copy);
	replayed++;
}

static int
run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (fp == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			char *grown = realloc(buf, cap = cap > 0 ? cap * 2 : 65536);

			if (grown == NULL) {
				fprintf(stderr, "replay: %s: out of memory\n", path);
				exit(1);
			}
			buf = grown;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	if (ferror(fp)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		fclose(fp);
		free(buf);
		return -1;
	}
	fclose(fp);
	run(path, buf, len);
	free(buf);
	return 0;
}

static int
visible(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

/* Every regular file in DIR, or DIR itself when it is a file. */
static int
run_path(const char *path)
{
	struct dirent **names;
	struct stat sb;
	int n, rc = 0;

	if (stat(path, &sb) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(sb.st_mode))
		return run_file(path);
	if ((n = scandir(path, &names, visible, alphasort)) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *file;

		if (asprintf(&file, "%s/%s", path, names[i]->d_name) < 0) {
			fprintf(stderr, "replay: out of memory\n");
			exit(1);
		}
		if (stat(file, &sb) == 0 && S_ISREG(sb.st_mode) && run_file(file) != 0)
			rc = -1;
		free(file);
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	static uint8_t ff[64 << 10];
	int status = 0;

	run("(empty)", "", 0);
	run("(NUL byte)", "", 1);
	run("(newline)", "\n", 1);
	run("(0xFF byte)", "\xff", 1);
	memset(ff, 0xFF, sizeof ff);
	run("(64 KiB of 0xFF)", ff, sizeof ff);

	if (argc < 2 && run_path(FUZZ_CORPUS) != 0)
		status = 1;
	for (int i = 1; i < argc; i++) {
		if (run_path(argv[i]) != 0)
			status = 1;
	}
	printf("replayed %lu inputs\n", replayed);
	return status;
}
