/*
 * fuzz.h - what the libFuzzer harnesses in tests/fuzz/ share.
 *
 * Each harness fuzz_NAME.c defines LLVMFuzzerTestOneInput and is linked two
 * ways: with libFuzzer into tests/fuzz/fuzz_NAME (`make fuzz`, clang only),
 * and with replay.c into tests/fuzz/replay_NAME, which `make check` runs over
 * the committed corpus in every build. A harness reports a broken contract
 * with FUZZ_CHECK, which aborts: to both drivers that is a crash, the same as
 * a sanitizer report.
 *
 * The library reads descriptors, so the helpers here turn the fuzzer's bytes
 * into one: a memfd, which is a regular file (bk_input_skip seeks, fstat has
 * a size), or a pipe, which is not (skip has to read, the way it does on
 * standard input).
 */
#ifndef BK_FUZZ_H
#define BK_FUZZ_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

/* The entry point both drivers call; declared for -Wmissing-prototypes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			fuzz_fail(__FILE__, __LINE__, #cond); \
	} while (0)

static inline _Noreturn void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	abort();
}

/* Writes all of DATA to FD; false on EAGAIN (a full non-blocking pipe). */
static inline bool
fuzz_write_all(int fd, const uint8_t *data, size_t size)
{
	while (size > 0) {
		ssize_t n = write(fd, data, size);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return false;
		if (n <= 0)
			fuzz_fail(__FILE__, __LINE__, "write");
		data += n;
		size -= (size_t)n;
	}
	return true;
}

/* A memfd holding DATA, positioned at its start. Never fails quietly. */
static inline int
fuzz_memfd(const uint8_t *data, size_t size)
{
	int fd = memfd_create("bk-fuzz", MFD_CLOEXEC);

	if (fd < 0)
		fuzz_fail(__FILE__, __LINE__, "memfd_create");
	if (!fuzz_write_all(fd, data, size) || lseek(fd, 0, SEEK_SET) != 0)
		fuzz_fail(__FILE__, __LINE__, "writing the memfd");
	return fd;
}

/*
 * The read end of a pipe that holds DATA, its write end closed; -1 when DATA
 * does not fit in a pipe buffer (64 KiB by default, up to pipe-max-size).
 */
static inline int
fuzz_pipe(const uint8_t *data, size_t size)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) != 0)
		fuzz_fail(__FILE__, __LINE__, "pipe2");
	if (size > 65536 && size <= INT32_MAX)
		(void)fcntl(fds[1], F_SETPIPE_SZ, (int)size);
	if (fcntl(fds[1], F_SETFL, O_NONBLOCK) != 0 || !fuzz_write_all(fds[1], data, size)) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	close(fds[1]);
	return fds[0];
}

/*
 * A number in [0, LIMIT] that depends on every byte of DATA and on SALT: a
 * size or count the input decides without giving up bytes of its own for it
 * (a compressed input must stay a valid stream). FNV-1a, then a final mix.
 */
static inline uint64_t
fuzz_pick(const uint8_t *data, size_t size, uint64_t salt, uint64_t limit)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325) ^ (salt * UINT64_C(0x9e3779b97f4a7c15));

	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * UINT64_C(0x100000001b3);
	h ^= h >> 29;
	h *= UINT64_C(0xbf58476d1ce4e5b9);
	h ^= h >> 32;
	return limit == UINT64_MAX ? h : h % (limit + 1);
}

#endif /* BK_FUZZ_H */
