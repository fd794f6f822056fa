/*
 * input.c - open a file or stdin and deliver its decompressed bytes.
 *
 * Everything that reads evidence goes through here, so it is built for
 * throughput: the raw file is read 256 KiB at a time, plain data is handed
 * out straight from that buffer, and compressed data is decoded into a second
 * buffer of the same size and handed out from there. Nothing is allocated
 * after the first open, so one handle reads a whole file set.
 *
 * Both buffers hold a "window" of bytes not yet consumed: bk_input_next()
 * hands out the whole window, bk_input_peek() makes sure the window holds
 * enough bytes (moving it to the front of its buffer first), bk_input_skip()
 * consumes without handing out. Decoding errors are deferred until the bytes
 * decoded before them were delivered, because a responder would rather have
 * 99% of a damaged log than none of it.
 *
 * gzip is decoded by ISA-L when built in (about three times zlib's speed on
 * x86) for regular files, by zlib for pipes and in builds without ISA-L; the
 * output before any damage is the same, byte for byte, either way.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>
#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif
#ifdef HAVE_ZSTD
#include <zstd.h>
#endif
#ifdef HAVE_XZ
#include <lzma.h>
#endif
#ifdef HAVE_BZIP2
#include <bzlib.h>
#endif

#include "input-private.h"

#define RAW_SIZE ((size_t)256 << 10)
#define OUT_SIZE ((size_t)256 << 10)
#define PEEK_MAX ((size_t)64 << 10)
#define BUF_ALIGN ((size_t)4096)
/* xz streams needing more than this (a 64 MiB dictionary needs ~65 MiB) are refused. */
#define XZ_MEMLIMIT ((uint64_t)256 << 20)

enum phase {
	PHASE_CLOSED,
	PHASE_OPEN,	/* more may come */
	PHASE_END,	/* the decoder or file has no more; the window may still hold bytes */
	PHASE_FAILED,	/* as PHASE_END, and then the error in err */
};

struct bk_input {
	int fd;
	bool own_fd;
	char *name;
	struct stat st;
	enum bk_codec codec;
	enum phase phase;

	unsigned char *raw;	/* raw file bytes: window raw[raw_pos, raw_len) */
	size_t raw_pos, raw_len;
	bool raw_eof;		/* read() returned 0 */
	uint64_t raw_offset;

	unsigned char *out;	/* decoded bytes: window out[out_pos, out_len) */
	size_t out_pos, out_len;
	uint64_t decoded;	/* bytes decoded so far (window included) */
	uint64_t offset;	/* bytes consumed by next/skip */

	/* Per-codec decoder state, created on first use and kept across files. */
	bool fresh;		/* the decoder must be (re)initialised before its next step */
	bool gzip_zlib;		/* this file is decoded by zlib (always, or after ISA-L failed) */
	uint64_t zlib_skip;	/* decoded bytes zlib must drop: ISA-L delivered them already */
	z_stream *z;
#ifdef HAVE_ISAL
	struct inflate_state *isal;
#endif
#ifdef HAVE_ZSTD
	ZSTD_DStream *zstd;
	size_t zstd_hint;	/* ZSTD_decompressStream's last return */
#endif
#ifdef HAVE_XZ
	lzma_stream *xz;
#endif
#ifdef HAVE_BZIP2
	bz_stream *bz;
	bool bz_live;
#endif

	char err[512];
};

static const char *const codec_names[] = {
	[BK_CODEC_PLAIN] = "plain",
	[BK_CODEC_GZIP] = "gzip",
	[BK_CODEC_ZSTD] = "zstd",
	[BK_CODEC_XZ] = "xz",
	[BK_CODEC_BZIP2] = "bzip2",
};

const char *
bk_codec_name(enum bk_codec codec)
{
	if ((size_t)codec < sizeof codec_names / sizeof codec_names[0])
		return codec_names[codec];
	return "unknown";
}

const char *
bk_input_decoders(void)
{
	return
#ifdef HAVE_ISAL
	    "gzip(isa-l)"
#else
	    "gzip(zlib)"
#endif
#ifdef HAVE_ZSTD
	    " zstd"
#endif
#ifdef HAVE_XZ
	    " xz"
#endif
#ifdef HAVE_BZIP2
	    " bzip2"
#endif
	    ;
}

static int set_error(bk_input *in, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
set_error(bk_input *in, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(in->err, sizeof in->err, fmt, ap);
	va_end(ap);
	return BK_ERROR;
}

/* The stream failed: what was decoded is still delivered, then the error. */
static void
fail(bk_input *in, const char *what)
{
	set_error(in, "%s %s stream after %llu bytes", what, bk_codec_name(in->codec),
	    (unsigned long long)in->decoded);
	in->phase = PHASE_FAILED;
}

static void
fail_detail(bk_input *in, const char *what, const char *detail)
{
	set_error(in, "%s %s stream after %llu bytes: %s", what, bk_codec_name(in->codec),
	    (unsigned long long)in->decoded, detail);
	in->phase = PHASE_FAILED;
}

bk_input *
bk_input_new(void)
{
	bk_input *in = calloc(1, sizeof *in);

	if (in == NULL)
		return NULL;
	in->fd = -1;
	/*
	 * Page-aligned: the kernel copies file data into a misaligned buffer up
	 * to six times slower on some CPUs (measured on AMD EPYC: 2 vs 10 GB/s).
	 */
	in->raw = aligned_alloc(BUF_ALIGN, RAW_SIZE);
	in->out = aligned_alloc(BUF_ALIGN, OUT_SIZE);
	if (in->raw == NULL || in->out == NULL) {
		bk_input_free(in);
		return NULL;
	}
	return in;
}

void
bk_input_free(bk_input *in)
{
	if (in == NULL)
		return;
	bk_input_close(in);
	if (in->z != NULL) {
		inflateEnd(in->z);
		free(in->z);
	}
#ifdef HAVE_ISAL
	free(in->isal);
#endif
#ifdef HAVE_ZSTD
	ZSTD_freeDStream(in->zstd);
#endif
#ifdef HAVE_XZ
	if (in->xz != NULL) {
		lzma_end(in->xz);
		free(in->xz);
	}
#endif
#ifdef HAVE_BZIP2
	if (in->bz != NULL) {
		if (in->bz_live)
			BZ2_bzDecompressEnd(in->bz);
		free(in->bz);
	}
#endif
	free(in->raw);
	free(in->out);
	free(in->name);
	free(in);
}

/* ---- raw reading -------------------------------------------------------- */

/*
 * Reads more raw bytes after the window, moving the window to the front when
 * the buffer's tail is used up. Returns BK_OK (something read), BK_EOF, or
 * BK_ERROR.
 */
static int
raw_fill(bk_input *in)
{
	ssize_t n;

	if (in->raw_eof)
		return BK_EOF;
	if (in->raw_pos == in->raw_len)
		in->raw_pos = in->raw_len = 0;
	else if (in->raw_len == RAW_SIZE) {
		memmove(in->raw, in->raw + in->raw_pos, in->raw_len - in->raw_pos);
		in->raw_len -= in->raw_pos;
		in->raw_pos = 0;
	}
	do
		n = read(in->fd, in->raw + in->raw_len, RAW_SIZE - in->raw_len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return set_error(in, "read error after %llu bytes: %s",
		    (unsigned long long)in->raw_offset, strerror(errno));
	if (n == 0) {
		in->raw_eof = true;
		return BK_EOF;
	}
	in->raw_len += (size_t)n;
	in->raw_offset += (uint64_t)n;
	return BK_OK;
}

/* ---- decoders ----------------------------------------------------------- */
/*
 * A codec's step runs its decoder once over the raw window (empty at the end
 * of the file, so buffered output still drains) into the free space after
 * out_len, and says whether a member or the whole stream ended. decode()
 * drives the steps: it refills the raw window, starts the next member of a
 * concatenated file, and calls a stream that ends without its end marker
 * truncated. A damaged stream sets PHASE_FAILED inside the step.
 */

enum step { STEP_OK, STEP_MEMBER_END, STEP_DONE, STEP_NOMEM };

/* Records the result of one decoder call. */
static void
advance(bk_input *in, size_t used, size_t made)
{
	in->raw_pos += used;
	in->out_len += made;
	in->decoded += made;
}

static bool
gzip_magic(const unsigned char *p, size_t n)
{
	return n >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8;
}

#ifdef HAVE_ISAL
static enum step
step_gzip_isal(bk_input *in, bool eof)
{
	struct inflate_state *s = in->isal;

	(void)eof;
	if (s == NULL && (s = in->isal = malloc(sizeof *s)) == NULL)
		return STEP_NOMEM;
	if (in->fresh) {
		isal_inflate_init(s);
		s->crc_flag = ISAL_GZIP;
		in->fresh = false;
	}
	s->next_in = in->raw + in->raw_pos;
	s->avail_in = (uint32_t)(in->raw_len - in->raw_pos);
	s->next_out = in->out + in->out_len;
	s->avail_out = (uint32_t)(OUT_SIZE - in->out_len);
	int ret = isal_inflate(s);
	size_t made = (size_t)(s->next_out - (in->out + in->out_len));

	/*
	 * On invalid data ISA-L may already have written the bytes of the bad
	 * back-reference, copied from its history: another file's content on a
	 * reused handle. What the failing call wrote is dropped. A checksum
	 * mismatch is different: those bytes are the file's own.
	 */
	if (ret != ISAL_DECOMP_OK && ret != ISAL_INCORRECT_CHECKSUM) {
		/*
		 * The valid bytes of the failing call are lost with the rest; a
		 * regular file is read again by zlib, which stops exactly at the
		 * damage, dropping what was delivered already.
		 */
		if (S_ISREG(in->st.st_mode) && lseek(in->fd, 0, SEEK_SET) == 0) {
			in->gzip_zlib = true;
			in->zlib_skip = in->decoded;
			in->raw_pos = in->raw_len = 0;
			in->raw_eof = false;
			in->raw_offset = 0;
			in->fresh = true;
			return STEP_OK;
		}
		made = 0;
	}
	advance(in, (size_t)(s->next_in - (in->raw + in->raw_pos)), made);
	if (ret != ISAL_DECOMP_OK) {
		fail_detail(in, "corrupt",
		    ret == ISAL_INCORRECT_CHECKSUM ? "checksum mismatch" :
		    ret == ISAL_INVALID_WRAPPER ? "bad gzip header" :
		    ret == ISAL_UNSUPPORTED_METHOD ? "unsupported method" :
		    "invalid compressed data");
		return STEP_OK;
	}
	if (s->block_state == ISAL_BLOCK_FINISH) {
		in->fresh = true;
		return STEP_MEMBER_END;
	}
	return STEP_OK;
}
#endif

/*
 * zlib: the engine of builds without ISA-L, and of a file ISA-L found damaged
 * (see step_gzip_isal), re-read from its start so the output stops exactly
 * where the damage is.
 */
static enum step
step_gzip_zlib(bk_input *in, bool eof)
{
	z_stream *z = in->z;

	(void)eof;
	if (z == NULL) {
		if ((z = calloc(1, sizeof *z)) == NULL)
			return STEP_NOMEM;
		if (inflateInit2(z, 16 + MAX_WBITS) != Z_OK) {
			free(z);
			return STEP_NOMEM;
		}
		in->z = z;
		in->fresh = false;
	}
	if (in->fresh) {
		inflateReset(z);
		in->fresh = false;
	}
	z->next_in = in->raw + in->raw_pos;
	z->avail_in = (uInt)(in->raw_len - in->raw_pos);
	z->next_out = in->out + in->out_len;
	z->avail_out = (uInt)(OUT_SIZE - in->out_len);
	int ret = inflate(z, Z_NO_FLUSH);
	size_t made = (size_t)(z->next_out - (in->out + in->out_len));

	if (in->zlib_skip > 0) {
		size_t drop = made < in->zlib_skip ? made : (size_t)in->zlib_skip;

		memmove(in->out + in->out_len, in->out + in->out_len + drop, made - drop);
		made -= drop;
		in->zlib_skip -= drop;
	}
	advance(in, (size_t)(z->next_in - (in->raw + in->raw_pos)), made);
	switch (ret) {
	case Z_OK:
	case Z_BUF_ERROR:
		return STEP_OK;
	case Z_STREAM_END:
		in->fresh = true;
		return STEP_MEMBER_END;
	case Z_MEM_ERROR:
		return STEP_NOMEM;
	default:
		fail_detail(in, "corrupt", z->msg != NULL ? z->msg : "invalid compressed data");
		return STEP_OK;
	}
}

#ifdef HAVE_ZSTD
static enum step
step_zstd(bk_input *in, bool eof)
{
	if (in->zstd == NULL) {
		if ((in->zstd = ZSTD_createDStream()) == NULL)
			return STEP_NOMEM;
		in->fresh = true;
	}
	if (in->fresh) {
		ZSTD_initDStream(in->zstd);
		in->fresh = false;
		in->zstd_hint = 1;
	}
	/* 0 means the last frame was complete and flushed; frames follow each other freely. */
	if (eof && in->raw_pos == in->raw_len && in->zstd_hint == 0)
		return STEP_DONE;
	ZSTD_inBuffer src = { in->raw + in->raw_pos, in->raw_len - in->raw_pos, 0 };
	ZSTD_outBuffer dst = { in->out + in->out_len, OUT_SIZE - in->out_len, 0 };
	size_t ret = ZSTD_decompressStream(in->zstd, &dst, &src);

	/*
	 * On some errors (legacy frames) libzstd moves the output position
	 * without writing: what the failing call "produced" is never delivered,
	 * or the buffer's old content (another file's) would be.
	 */
	advance(in, src.pos, ZSTD_isError(ret) ? 0 : dst.pos);
	if (ZSTD_isError(ret)) {
		fail_detail(in, "corrupt", ZSTD_getErrorName(ret));
		return STEP_OK;
	}
	in->zstd_hint = ret;
	return STEP_OK;
}
#endif

#ifdef HAVE_XZ
static enum step
step_xz(bk_input *in, bool eof)
{
	lzma_stream *x = in->xz;

	x->next_in = in->raw + in->raw_pos;
	x->avail_in = in->raw_len - in->raw_pos;
	x->next_out = in->out + in->out_len;
	x->avail_out = OUT_SIZE - in->out_len;
	lzma_ret ret = lzma_code(x, eof ? LZMA_FINISH : LZMA_RUN);
	advance(in, (size_t)(x->next_in - (in->raw + in->raw_pos)),
	    (size_t)(x->next_out - (in->out + in->out_len)));
	switch (ret) {
	case LZMA_OK:
		return STEP_OK;
	case LZMA_STREAM_END:	/* LZMA_CONCATENATED: every stream of the file is done */
		return STEP_DONE;
	case LZMA_BUF_ERROR:
		return STEP_OK;	/* no progress: decode() calls it truncated at the end */
	case LZMA_MEM_ERROR:
		return STEP_NOMEM;
	case LZMA_MEMLIMIT_ERROR:
		fail_detail(in, "unreadable", "it needs more than 256 MiB of memory to decode");
		return STEP_OK;
	case LZMA_FORMAT_ERROR:
	case LZMA_OPTIONS_ERROR:
		fail_detail(in, "corrupt", "bad xz header");
		return STEP_OK;
	default:
		fail_detail(in, "corrupt", "invalid compressed data");
		return STEP_OK;
	}
}
#endif

#ifdef HAVE_BZIP2
static enum step
step_bzip2(bk_input *in, bool eof)
{
	bz_stream *b = in->bz;

	(void)eof;
	if (b == NULL && (b = in->bz = calloc(1, sizeof *b)) == NULL)
		return STEP_NOMEM;
	if (!in->bz_live) {
		memset(b, 0, sizeof *b);
		if (BZ2_bzDecompressInit(b, 0, 0) != BZ_OK)
			return STEP_NOMEM;
		in->bz_live = true;
	}
	b->next_in = (char *)in->raw + in->raw_pos;
	b->avail_in = (unsigned)(in->raw_len - in->raw_pos);
	b->next_out = (char *)in->out + in->out_len;
	b->avail_out = (unsigned)(OUT_SIZE - in->out_len);
	int ret = BZ2_bzDecompress(b);
	advance(in, (size_t)((unsigned char *)b->next_in - (in->raw + in->raw_pos)),
	    (size_t)((unsigned char *)b->next_out - (in->out + in->out_len)));
	switch (ret) {
	case BZ_OK:
		return STEP_OK;
	case BZ_STREAM_END:
		BZ2_bzDecompressEnd(b);
		in->bz_live = false;
		return STEP_MEMBER_END;
	case BZ_MEM_ERROR:
		return STEP_NOMEM;
	default:
		fail_detail(in, "corrupt", "invalid compressed data");
		return STEP_OK;
	}
}
#endif

/*
 * After a gzip member or bzip2 stream: another one (concatenated files, pigz,
 * pbzip2), zero padding (tape and some transfer tools pad blocks), the end,
 * or garbage, which is reported after the data before it was delivered.
 */
static void
next_member(bk_input *in)
{
	for (;;) {
		if (in->codec == BK_CODEC_GZIP)
			while (in->raw_pos < in->raw_len && in->raw[in->raw_pos] == 0)
				in->raw_pos++;
		if (in->raw_len - in->raw_pos >= 3)
			break;
		int r = raw_fill(in);
		if (r == BK_ERROR) {
			in->phase = PHASE_FAILED;
			return;
		}
		if (r == BK_EOF) {
			if (in->raw_pos < in->raw_len)
				break;
			in->phase = PHASE_END;
			return;
		}
	}
	const unsigned char *p = in->raw + in->raw_pos;
	size_t n = in->raw_len - in->raw_pos;

	if (in->codec == BK_CODEC_GZIP ? gzip_magic(p, n) : memcmp(p, "BZh", 3) == 0)
		return;
	set_error(in, "trailing garbage after %s stream (%llu bytes decoded)",
	    bk_codec_name(in->codec), (unsigned long long)in->decoded);
	in->phase = PHASE_FAILED;
}

static enum step
step(bk_input *in, bool eof)
{
	switch (in->codec) {
	case BK_CODEC_GZIP:
#ifdef HAVE_ISAL
		if (!in->gzip_zlib)
			return step_gzip_isal(in, eof);
#endif
		return step_gzip_zlib(in, eof);
#ifdef HAVE_ZSTD
	case BK_CODEC_ZSTD:
		return step_zstd(in, eof);
#endif
#ifdef HAVE_XZ
	case BK_CODEC_XZ:
		return step_xz(in, eof);
#endif
#ifdef HAVE_BZIP2
	case BK_CODEC_BZIP2:
		return step_bzip2(in, eof);
#endif
	default:
		set_error(in, "no decoder for %s", bk_codec_name(in->codec));
		in->phase = PHASE_FAILED;
		return STEP_OK;
	}
}

/*
 * Decodes until some bytes were appended to the out window, the stream ended
 * or failed. The window must have room after out_len. BK_OK or BK_NOMEM.
 */
static int
decode(bk_input *in)
{
	size_t before = in->out_len;

	while (in->out_len == before && in->phase == PHASE_OPEN) {
		bool eof = false;

		if (in->raw_pos == in->raw_len) {
			int r = raw_fill(in);

			if (r == BK_ERROR) {
				in->phase = PHASE_FAILED;
				break;
			}
			eof = r == BK_EOF;
		}
		size_t used_before = in->raw_pos;
		enum step st = step(in, eof);

		if (st == STEP_NOMEM)
			return BK_NOMEM;
		if (in->phase != PHASE_OPEN)
			break;
		if (st == STEP_DONE) {
			in->phase = PHASE_END;
		} else if (st == STEP_MEMBER_END) {
			next_member(in);
		} else if (in->out_len == before && in->raw_pos == used_before) {
			/* No progress: at the end of the file that is a cut-off stream. */
			if (eof || in->raw_eof)
				fail(in, "truncated");
			else if (raw_fill(in) == BK_ERROR)
				in->phase = PHASE_FAILED;
		}
	}
	return BK_OK;
}

/*
 * Makes the window non-empty if more can be had. Returns BK_OK with bytes in
 * the window, BK_EOF, BK_ERROR (window empty, error pending), BK_NOMEM.
 */
static int
fill(bk_input *in)
{
	int rc = BK_OK;

	if (in->codec == BK_CODEC_PLAIN) {
		if (in->raw_pos < in->raw_len)
			return BK_OK;
		if (in->phase == PHASE_OPEN) {
			rc = raw_fill(in);
			if (rc == BK_OK) {
				in->decoded += in->raw_len - in->raw_pos;
				return BK_OK;
			}
			in->phase = rc == BK_EOF ? PHASE_END : PHASE_FAILED;
		}
		return in->phase == PHASE_FAILED ? BK_ERROR : BK_EOF;
	}
	if (in->out_pos < in->out_len)
		return BK_OK;
	in->out_pos = in->out_len = 0;
	if (in->phase == PHASE_OPEN) {
		rc = decode(in);
		if (rc != BK_OK)
			return rc;
		if (in->out_len > 0)
			return BK_OK;
	}
	return in->phase == PHASE_FAILED ? BK_ERROR : BK_EOF;
}

/* ---- opening ------------------------------------------------------------ */

static int
detect(bk_input *in)
{
	const unsigned char *p;
	size_t n;

	/* A pipe may deliver a few bytes at a time; the longest magic is 6 bytes. */
	while (in->raw_len < 16) {
		int r = raw_fill(in);
		if (r == BK_ERROR)
			return r;
		if (r == BK_EOF)
			break;
	}
	p = in->raw;
	n = in->raw_len;
	if (gzip_magic(p, n))
		in->codec = BK_CODEC_GZIP;
	else if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		in->codec = BK_CODEC_ZSTD;
	else if (n >= 4 && (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18)
		in->codec = BK_CODEC_ZSTD;	/* starts with a skippable frame */
	else if (n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
		in->codec = BK_CODEC_XZ;
	else if (n >= 10 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9' &&
	    (memcmp(p + 4, "\x31\x41\x59\x26\x53\x59", 6) == 0 ||
		memcmp(p + 4, "\x17\x72\x45\x38\x50\x90", 6) == 0))
		in->codec = BK_CODEC_BZIP2;
	else if (n >= 4 && p[0] == 0x04 && p[1] == 0x22 && p[2] == 0x4d && p[3] == 0x18)
		return set_error(in, "lz4 compressed, which is not supported (decompress with lz4 -dc)");
	else if (n >= 2 && p[0] == 0x1f && p[1] == 0x9d)
		return set_error(in, "compress(1) .Z data, which is not supported (use zcat)");
	else
		in->codec = BK_CODEC_PLAIN;

	bool built_in = true;
#ifndef HAVE_ZSTD
	built_in = built_in && in->codec != BK_CODEC_ZSTD;
#endif
#ifndef HAVE_XZ
	built_in = built_in && in->codec != BK_CODEC_XZ;
#endif
#ifndef HAVE_BZIP2
	built_in = built_in && in->codec != BK_CODEC_BZIP2;
#endif
	if (!built_in)
		return set_error(in, "%s compressed, but this build has no %s support",
		    bk_codec_name(in->codec), bk_codec_name(in->codec));
	if (in->codec == BK_CODEC_PLAIN)
		in->decoded = in->raw_len;
	return BK_OK;
}

static void
reset_decoders(bk_input *in)
{
	in->fresh = true;
	in->gzip_zlib = false;
	in->zlib_skip = 0;
#ifdef HAVE_BZIP2
	if (in->bz_live) {
		BZ2_bzDecompressEnd(in->bz);
		in->bz_live = false;
	}
#endif
}

int
bk_input_open_fd(bk_input *in, int fd, const char *name)
{
	int rc;

	bk_input_close(in);
	in->err[0] = '\0';
	free(in->name);
	in->name = strdup(name);
	if (in->name == NULL) {
		if (fd != STDIN_FILENO)
			close(fd);
		return BK_NOMEM;
	}
	in->fd = fd;
	in->own_fd = fd != STDIN_FILENO;
	in->phase = PHASE_OPEN;
	in->raw_pos = in->raw_len = in->out_pos = in->out_len = 0;
	in->raw_eof = false;
	in->raw_offset = in->decoded = in->offset = 0;
	in->codec = BK_CODEC_PLAIN;
	reset_decoders(in);

	if (fstat(fd, &in->st) != 0) {
		rc = set_error(in, "%s", strerror(errno));
		goto fail;
	}
	if (S_ISDIR(in->st.st_mode)) {
		rc = set_error(in, "%s", strerror(EISDIR));
		goto fail;
	}
	if (S_ISREG(in->st.st_mode))
		(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	/*
	 * ISA-L cannot say which of the bytes it produced before a fault are
	 * good, so a damaged file is read again by zlib from its start. A pipe
	 * cannot be read again: it is decoded by zlib from the first byte, and
	 * stops exactly at any damage too.
	 */
	in->gzip_zlib = !S_ISREG(in->st.st_mode);
	rc = detect(in);
	if (rc != BK_OK)
		goto fail;
#ifdef HAVE_XZ
	if (in->codec == BK_CODEC_XZ) {
		if (in->xz == NULL && (in->xz = calloc(1, sizeof *in->xz)) == NULL) {
			rc = BK_NOMEM;
			goto fail;
		}
		lzma_end(in->xz);
		memset(in->xz, 0, sizeof *in->xz);
		if (lzma_stream_decoder(in->xz, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK) {
			rc = BK_NOMEM;
			goto fail;
		}
	}
#endif
	return BK_OK;
fail:
	in->phase = PHASE_FAILED;
	return rc;
}

int
bk_input_open(bk_input *in, const char *path)
{
	int fd;

	if (strcmp(path, "-") == 0)
		return bk_input_open_fd(in, STDIN_FILENO, "(standard input)");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int err = errno;

		bk_input_close(in);
		free(in->name);
		in->name = strdup(path);
		in->phase = PHASE_FAILED;
		return set_error(in, "%s", strerror(err));
	}
	return bk_input_open_fd(in, fd, path);
}

int
bk_input_close(bk_input *in)
{
	int rc = BK_OK;

	if (in->fd >= 0 && in->own_fd && close(in->fd) != 0)
		rc = set_error(in, "close: %s", strerror(errno));
	in->fd = -1;
	in->phase = PHASE_CLOSED;
	return rc;
}

/* ---- reading ------------------------------------------------------------ */

int
bk_input_next(bk_input *in, const char **data, size_t *len)
{
	int rc;

	if (in->phase == PHASE_CLOSED) {
		set_error(in, "not open");
		return BK_ERROR;
	}
	rc = fill(in);
	if (rc != BK_OK) {
		*data = NULL;
		*len = 0;
		return rc;
	}
	if (in->codec == BK_CODEC_PLAIN) {
		*data = (const char *)in->raw + in->raw_pos;
		*len = in->raw_len - in->raw_pos;
		in->raw_pos = in->raw_len;
	} else {
		*data = (const char *)in->out + in->out_pos;
		*len = in->out_len - in->out_pos;
		in->out_pos = in->out_len;
	}
	in->offset += *len;
	return BK_OK;
}

int
bk_input_peek(bk_input *in, size_t want, const char **data, size_t *len)
{
	unsigned char *buf;
	size_t *pos, *end;

	if (want > PEEK_MAX)
		want = PEEK_MAX;
	if (in->codec == BK_CODEC_PLAIN) {
		buf = in->raw, pos = &in->raw_pos, end = &in->raw_len;
	} else {
		buf = in->out, pos = &in->out_pos, end = &in->out_len;
	}
	/* Move the window to the front so `want` bytes fit after it. */
	if (*pos > 0 && *end - *pos < want) {
		memmove(buf, buf + *pos, *end - *pos);
		*end -= *pos;
		*pos = 0;
	}
	while (*end - *pos < want && in->phase == PHASE_OPEN) {
		if (in->codec == BK_CODEC_PLAIN) {
			size_t had = in->raw_len;
			int r = raw_fill(in);

			if (r == BK_OK)
				in->decoded += in->raw_len - had;
			else
				in->phase = r == BK_EOF ? PHASE_END : PHASE_FAILED;
		} else {
			int r = decode(in);

			if (r == BK_NOMEM)
				return r;
		}
	}
	*data = (const char *)buf + *pos;
	*len = *end - *pos < want ? *end - *pos : want;
	if (*len < want && in->phase == PHASE_FAILED)
		return BK_ERROR;
	return BK_OK;
}

int
bk_input_skip(bk_input *in, uint64_t n)
{
	while (n > 0) {
		size_t *pos, *end;

		if (in->codec == BK_CODEC_PLAIN) {
			pos = &in->raw_pos, end = &in->raw_len;
			/* Regular files seek instead of reading what is skipped. */
			if (*end - *pos < n && S_ISREG(in->st.st_mode) && in->phase == PHASE_OPEN) {
				uint64_t ahead = n - (*end - *pos);
				struct stat st;
				off_t here = lseek(in->fd, 0, SEEK_CUR);

				if (here >= 0 && fstat(in->fd, &st) == 0) {
					uint64_t room = st.st_size > here ? (uint64_t)(st.st_size - here) : 0;
					uint64_t go = ahead < room ? ahead : room;

					if (lseek(in->fd, (off_t)go, SEEK_CUR) >= 0) {
						in->offset += *end - *pos + go;
						in->decoded += go;
						in->raw_offset += go;
						n -= *end - *pos + go;
						*pos = *end = 0;
						if (n > 0)
							return BK_EOF;
						return BK_OK;
					}
				}
			}
		} else {
			pos = &in->out_pos, end = &in->out_len;
		}
		int rc = fill(in);
		if (rc != BK_OK)
			return rc;
		size_t have = *end - *pos;
		size_t take = have < n ? have : (size_t)n;
		*pos += take;
		in->offset += take;
		n -= take;
	}
	return BK_OK;
}

uint64_t
bk_input_offset(const bk_input *in)
{
	return in->offset;
}

uint64_t
bk_input_raw_offset(const bk_input *in)
{
	return in->raw_offset;
}

const char *
bk_input_name(const bk_input *in)
{
	return in->name != NULL ? in->name : "";
}

enum bk_codec
bk_input_codec(const bk_input *in)
{
	return in->codec;
}

const struct stat *
bk_input_stat(const bk_input *in)
{
	return &in->st;
}

const char *
bk_input_error(const bk_input *in)
{
	return in->err;
}
