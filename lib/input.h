/*
 * input.h - open a file or stdin and deliver its decompressed bytes.
 *
 * Compression is recognised by magic bytes, never by the file name: gzip
 * (every member of a multi-member or concatenated file), zstd, xz and bzip2
 * when built in, plain otherwise. Bytes come out in chunks that point into the
 * handle's own buffer (no copy), at least 128 KiB read at a time.
 *
 * A damaged stream is not fatal to what came before it: every byte decoded
 * before the fault is delivered first (and never a byte that is not the
 * file's: no decoder's scratch or another file's data), then bk_input_next() returns BK_ERROR
 * and bk_input_error() says e.g. "truncated gzip stream after 1048576 bytes".
 *
 * One handle is reused for many files: open, read to BK_EOF or BK_ERROR,
 * close, open the next.
 */
#ifndef BK_INPUT_H
#define BK_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bk_input bk_input;

enum bk_codec {
	BK_CODEC_PLAIN,
	BK_CODEC_GZIP,
	BK_CODEC_ZSTD,
	BK_CODEC_XZ,
	BK_CODEC_BZIP2,
};

/* "plain", "gzip", "zstd", "xz", "bzip2". */
const char *bk_codec_name(enum bk_codec codec);

/*
 * The decoders this build has, space separated, with the gzip engine named:
 * e.g. "gzip(isa-l) zstd xz bzip2". For --version.
 */
const char *bk_input_decoders(void);

/* A new, closed handle; NULL when out of memory. */
bk_input *bk_input_new(void);

/* Closes the handle if open and frees it. Accepts NULL. */
void bk_input_free(bk_input *in);

/*
 * Opens PATH ("-" is standard input) and detects its compression from the
 * first bytes. Returns BK_OK, or BK_ERROR with the reason in bk_input_error()
 * (e.g. "No such file or directory", "Is a directory", "zstd compressed, but
 * this build has no zstd support"). The handle must be closed.
 */
int bk_input_open(bk_input *in, const char *path);

/*
 * As bk_input_open() on an open descriptor. The handle owns FD and closes it,
 * except for standard input (fd 0), which it leaves open. NAME is used in
 * messages; it is copied.
 */
int bk_input_open_fd(bk_input *in, int fd, const char *name);

/*
 * The next chunk of decoded bytes: *DATA points into the handle and stays
 * valid until the next call on it. Returns BK_OK with *LEN > 0, BK_EOF at the
 * clean end, or BK_ERROR once everything readable was delivered.
 */
int bk_input_next(bk_input *in, const char **data, size_t *len);

/*
 * Looks at up to WANT decoded bytes at the current position without consuming
 * them (WANT at most 64 KiB). *LEN is less than WANT only at the end of the
 * input. Returns BK_OK, or BK_ERROR if the stream fails within those bytes
 * (what was decoded is still peeked and delivered).
 */
int bk_input_peek(bk_input *in, size_t want, const char **data, size_t *len);

/*
 * Discards the next N decoded bytes (a seek for plain regular files).
 * Returns BK_OK, BK_EOF if the input ended first (bk_input_offset() tells
 * where), or BK_ERROR.
 */
int bk_input_skip(bk_input *in, uint64_t n);

/* Decoded bytes consumed so far (delivered by next or skipped). */
uint64_t bk_input_offset(const bk_input *in);

/* Raw (compressed) bytes read from the file so far, for progress. */
uint64_t bk_input_raw_offset(const bk_input *in);

/* The name given to open ("-" shows as "(standard input)"). */
const char *bk_input_name(const bk_input *in);

/* The codec detected at open. */
enum bk_codec bk_input_codec(const bk_input *in);

/* fstat() of the open file, taken at open. */
const struct stat *bk_input_stat(const bk_input *in);

/* Why the last call failed; "" if it did not. */
const char *bk_input_error(const bk_input *in);

/*
 * Closes the file (keeps the buffers for the next open). Returns BK_OK, or
 * BK_ERROR if close() failed. Safe on a closed handle.
 */
int bk_input_close(bk_input *in);

#ifdef __cplusplus
}
#endif
#endif /* BK_INPUT_H */
