/*
 * fuzz_state.c - libFuzzer harness of the state file reader (lib/state.c).
 *
 * The bytes are the content of a state file, written to a file in a private
 * directory made once (under $TMPDIR, else /dev/shm, else /tmp: save fsyncs,
 * and on tmpfs that costs nothing) and loaded with bk_state_load. A failed
 * load must say why, naming the file; a state file too long or broken is
 * never a crash. Whatever loaded then meets one known input: resumed from a
 * memfd (plain regular files skip by seeking and compare lengths) and from a
 * pipe (skip by reading), read with bk_lines to the end and recorded with
 * bk_state_consumed, so entries with odd offsets, line numbers and lengths
 * drive the matching and skipping code. Finally the state is saved, and what
 * save wrote must load again.
 *
 * The known input is CONTENT: "fuzz state line 0001\n" ... "0300\n", 6300
 * bytes. make-corpus.sh has bk-cat read files made of its first lines, so
 * the seed state files hold fingerprints this harness's input matches.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "breachkit.h"
#include "fuzz.h"

#define CONTENT_LINES 300

static char *dir, *state_path;
static char content[CONTENT_LINES * 21 + 1];
static size_t content_len;

static void
cleanup(void)
{
	unlink(state_path);
	rmdir(dir);
}

static void
setup(void)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL || *tmp == '\0')
		tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	FUZZ_CHECK(asprintf(&dir, "%s/bk-fuzz-state.XXXXXX", tmp) > 0);
	FUZZ_CHECK(mkdtemp(dir) != NULL);
	FUZZ_CHECK(asprintf(&state_path, "%s/state", dir) > 0);
	atexit(cleanup);
	for (int i = 1; i <= CONTENT_LINES; i++)
		content_len += (size_t)snprintf(content + content_len,
		    sizeof content - content_len, "fuzz state line %04d\n", i);
}

/* Resumes CONTENT from FD, reads the rest and records it as consumed. */
static void
resume(bk_state *st, int fd)
{
	bk_input *in = bk_input_new();
	bk_lines *lr = bk_lines_new(0);
	struct bk_line line;
	uint64_t lineno = 0;
	int rc;

	FUZZ_CHECK(in != NULL && lr != NULL);
	FUZZ_CHECK(bk_input_open_fd(in, fd, "fuzz-state-input") == BK_OK);
	rc = bk_state_resume(st, in, &lineno);
	/* A plain input that reads cleanly never gives BK_ERROR. */
	FUZZ_CHECK(rc == BK_OK || rc == BK_EOF);
	FUZZ_CHECK(lineno >= 1);
	if (rc == BK_OK) {
		FUZZ_CHECK(bk_input_offset(in) <= content_len);
		bk_lines_reset(lr, in, lineno);
		while (bk_lines_next(lr, &line) == BK_OK)
			FUZZ_CHECK(line.offset + line.len <= content_len &&
			    memcmp(line.data, content + line.offset, line.len) == 0);
	}
	/* After BK_EOF this does nothing; after BK_OK it records. */
	FUZZ_CHECK(bk_state_consumed(st, in, bk_lines_offset(lr), bk_lines_next_lineno(lr),
	    false) == BK_OK);
	bk_lines_free(lr);
	bk_input_free(in);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bk_state *st, *again;
	FILE *fp;
	int rc, fd;

	if (dir == NULL)
		setup();
	fp = fopen(state_path, "wb");
	FUZZ_CHECK(fp != NULL);
	FUZZ_CHECK(fwrite(data, 1, size, fp) == size && fclose(fp) == 0);

	st = bk_state_new(state_path);
	FUZZ_CHECK(st != NULL);
	rc = bk_state_load(st);
	FUZZ_CHECK(rc == BK_OK || rc == BK_ERROR);
	if (rc == BK_ERROR) {
		size_t n = strlen(state_path);

		FUZZ_CHECK(strncmp(bk_state_error(st), state_path, n) == 0 &&
		    bk_state_error(st)[n] == ':');
	}

	resume(st, fuzz_memfd((const uint8_t *)content, content_len));
	fd = fuzz_pipe((const uint8_t *)content, content_len);
	FUZZ_CHECK(fd >= 0);
	resume(st, fd);

	/* What save writes, load reads. */
	FUZZ_CHECK(bk_state_save(st) == BK_OK);
	again = bk_state_new(state_path);
	FUZZ_CHECK(again != NULL);
	FUZZ_CHECK(bk_state_load(again) == BK_OK);
	bk_state_free(again);
	bk_state_free(st);
	return 0;
}
