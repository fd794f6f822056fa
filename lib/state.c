/*
 * state.c - incremental reading state: what earlier runs read, and how far.
 *
 * A scheduled scan must read every log line once, although between two runs
 * logrotate may have renamed the file it read (same inode), compressed it (a
 * new inode holding the same decoded bytes), or copied it away and truncated
 * it (the same inode holding new bytes). Neither the path nor the inode names
 * the content, so an entry names it by a fingerprint: a hash of the first
 * decoded bytes (up to BK_STATE_FP_LEN). Log lines carry times and addresses,
 * so two files whose first 4 KiB agree are taken to hold one stream, one a
 * prefix of the other (a renamed file, its compressed copy, a copy taken by
 * copytruncate). Device and inode only say where an entry's content lived
 * when it was read; they make the compressed-file fast path possible and
 * decide which entries may be forgotten.
 *
 * Matching follows from the one-stream view. Every entry with the input's
 * fingerprint records how far some file of that stream was read, so the input
 * continues after the furthest such point it actually contains. If every
 * match lies beyond the input's end, the input is a snapshot of a stream read
 * further elsewhere (logrotate's copy, or a copytruncate copy taken while a
 * scan ran): nothing in it is new. An input matched through another file's
 * entry gets an entry of its own when consumed; the other stays, because the
 * file it describes may still be read later in the run.
 *
 * The limits of that view. Content is recognised by its first bytes only: a
 * copy shorter than the fingerprint of what was read (possible only for a log
 * under 4 KiB, copied while a scan ran) is not recognised and is read again.
 * The fingerprint is taken when the input is opened: a file under 4 KiB then
 * that grows during the read keeps the shorter one until the next run.
 *
 * The file is text so it can be read and repaired by hand:
 *
 *	breachkit-state 1
 *	# dev  ino  size  mtime_ns  codec  fp_len  fp_hash  offset  line  complete  path
 *	2049	1835011	18234	1431047702123456789	plain	4096	9b1f...	18234	153	0	/var/log/x
 *
 * one entry per line, tab-separated, the path last with "\\", tab, newline and
 * carriage return escaped. Empty lines and lines starting with "#" after the
 * first are ignored.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-private.h"
#include "hash-private.h"
#include "state.h"

#define STATE_MAGIC "breachkit-state"
#define STATE_VERSION "1"
#define STATE_FIELDS 11
/* A bound on what load reads, so a wrong path cannot exhaust memory. */
#define STATE_MAX_SIZE ((size_t)256 << 20)
#define NO_ENTRY SIZE_MAX

struct entry {
	uint64_t dev, ino;
	uint64_t size;		/* raw size at the last read */
	int64_t mtime;		/* nanoseconds since the epoch */
	enum bk_codec codec;
	uint32_t fp_len;	/* bytes the fingerprint covers */
	uint64_t fp_hash;
	uint64_t offset;	/* decoded bytes read, always at a line end */
	uint64_t lineno;	/* the number of the line starting at offset */
	bool complete;		/* read to the end and cannot grow */
	char *path;		/* where it was last seen */
	bool used;		/* matched or recorded in this run: save keeps it */
	bool claims;		/* seen at its dev+ino in this run: that inode is its */
	uint64_t seen;		/* serial of the last resume it matched */
};

struct entries {
	struct entry *v;
	size_t n, cap;
};

struct bk_state {
	char *path;
	struct entries e;
	uint64_t serial;	/* resumes so far, so "matched by this one" is one compare */
	struct {
		bool active;	/* a resume returned BK_OK: consumed() records */
		size_t chosen;	/* the entry skipped by, or NO_ENTRY */
		uint32_t fp_len;
		uint64_t fp_hash;
		uint64_t start, start_line;
	} cur;
	uint64_t *prefix;	/* prefix[i]: fingerprint of the input's first i bytes */
	char err[1024];
};

__attribute__((format(printf, 2, 3)))
static int
set_error(bk_state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(st->err, sizeof st->err, fmt, ap);
	va_end(ap);
	return BK_ERROR;
}

static void
entry_clear(struct entry *e)
{
	free(e->path);
	e->path = NULL;
}

static void
entries_free(struct entries *es)
{
	for (size_t i = 0; i < es->n; i++)
		entry_clear(&es->v[i]);
	free(es->v);
	es->v = NULL;
	es->n = es->cap = 0;
}

/* A zeroed entry at the end of ES, or NULL on OOM. */
static struct entry *
entries_add(struct entries *es)
{
	if (es->n == es->cap) {
		size_t cap = es->cap ? es->cap * 2 : 16;
		struct entry *v = realloc(es->v, cap * sizeof *v);

		if (v == NULL)
			return NULL;
		es->v = v;
		es->cap = cap;
	}
	memset(&es->v[es->n], 0, sizeof es->v[es->n]);
	return &es->v[es->n++];
}

bk_state *
bk_state_new(const char *path)
{
	bk_state *st = calloc(1, sizeof *st);

	if (st == NULL)
		return NULL;
	st->path = strdup(path);
	st->prefix = malloc((BK_STATE_FP_LEN + 1) * sizeof *st->prefix);
	if (st->path == NULL || st->prefix == NULL) {
		bk_state_free(st);
		return NULL;
	}
	st->cur.chosen = NO_ENTRY;
	return st;
}

void
bk_state_free(bk_state *st)
{
	if (st == NULL)
		return;
	entries_free(&st->e);
	free(st->prefix);
	free(st->path);
	free(st);
}

const char *
bk_state_error(const bk_state *st)
{
	return st->err;
}

/* ---- fingerprints ------------------------------------------------------- */

/*
 * The library's hash (hash-private.h), byte at a time on purpose: one pass
 * yields the hash of every prefix, which is what matching against entries of
 * different fingerprint lengths needs.
 */
/* Fills st->prefix[0..len] for the peeked bytes. */
static void
fp_prefixes(bk_state *st, const unsigned char *p, size_t len)
{
	uint64_t h = BK__FNV_BASIS;

	st->prefix[0] = bk__hash_finish(h, 0);
	for (size_t i = 0; i < len; i++) {
		h = (h ^ p[i]) * BK__FNV_PRIME;
		st->prefix[i + 1] = bk__hash_finish(h, i + 1);
	}
}

/* ---- matching ----------------------------------------------------------- */

static int64_t
mtime_ns(const struct stat *sb)
{
	return (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
}

static bool
same_file(const struct entry *e, const struct stat *sb)
{
	return e->dev == (uint64_t)sb->st_dev && e->ino == (uint64_t)sb->st_ino;
}

/* Best effort: the path only serves messages and the retention check. */
static void
entry_rename(struct entry *e, const char *name)
{
	char *p;

	if (e->path != NULL && strcmp(e->path, name) == 0)
		return;
	if ((p = strdup(name)) != NULL) {
		free(e->path);
		e->path = p;
	}
}

/*
 * Whether candidate A is a better place to continue from than B. An entry
 * whose offset lies within the input comes first (a plain file's length is
 * known before reading; a compressed one's is not, so all of its matches
 * count as within). Then the furthest read, then the same inode.
 */
static bool
better(const struct entry *a, bool a_fits, bool a_same,
    const struct entry *b, bool b_fits, bool b_same)
{
	if (a_fits != b_fits)
		return a_fits;
	if (a->offset != b->offset)
		return a->offset > b->offset;
	return a_same && !b_same;
}

/* The fast path: a compressed file read whole before, untouched since. */
static struct entry *
find_complete(bk_state *st, const struct stat *sb)
{
	if (!S_ISREG(sb->st_mode))
		return NULL;
	for (size_t i = 0; i < st->e.n; i++) {
		struct entry *e = &st->e.v[i];

		if (e->complete && same_file(e, sb) && e->size == (uint64_t)sb->st_size &&
		    e->mtime == mtime_ns(sb))
			return e;
	}
	return NULL;
}

int
bk_state_resume(bk_state *st, bk_input *in, uint64_t *lineno)
{
	const struct stat *sb = bk_input_stat(in);
	bool plain_file = S_ISREG(sb->st_mode) && bk_input_codec(in) == BK_CODEC_PLAIN;
	uint64_t length = (uint64_t)sb->st_size;
	const char *data = NULL;
	size_t len = 0, best = NO_ENTRY;
	bool best_fits = false, best_same = false;
	struct entry *e;
	int rc;

	st->cur.active = false;
	st->cur.chosen = NO_ENTRY;
	st->serial++;
	*lineno = 1;

	if ((e = find_complete(st, sb)) != NULL) {
		e->used = e->claims = true;
		entry_rename(e, bk_input_name(in));
		*lineno = e->lineno;
		return BK_EOF;
	}

	/*
	 * An input that fails this early cannot be identified; reading it from
	 * the start could repeat what an earlier run delivered.
	 */
	rc = bk_input_peek(in, BK_STATE_FP_LEN, &data, &len);
	if (rc != BK_OK)
		return rc;
	fp_prefixes(st, (const unsigned char *)data, len);

	for (size_t i = 0; i < st->e.n; i++) {
		bool same, fits;

		e = &st->e.v[i];
		if (e->fp_len > len || st->prefix[e->fp_len] != e->fp_hash)
			continue;
		same = same_file(e, sb);
		/* Nothing was read of an empty file; it says nothing about others. */
		if (e->fp_len == 0 && !same)
			continue;
		e->seen = st->serial;
		fits = !plain_file || e->offset <= length;
		if (best == NO_ENTRY ||
		    better(e, fits, same, &st->e.v[best], best_fits, best_same)) {
			best = i;
			best_fits = fits;
			best_same = same;
		}
	}

	st->cur.fp_len = (uint32_t)len;
	st->cur.fp_hash = st->prefix[len];
	st->cur.start = 0;
	st->cur.start_line = 1;
	if (best == NO_ENTRY) {
		st->cur.active = true;
		return BK_OK;
	}

	e = &st->e.v[best];
	e->used = true;
	if (best_same) {
		e->claims = true;
		entry_rename(e, bk_input_name(in));
	}
	*lineno = e->lineno;
	/* Read up to or past this file's end: nothing new (or a snapshot). */
	if (plain_file && e->offset >= length)
		return BK_EOF;
	rc = bk_input_skip(in, e->offset);
	if (rc != BK_OK)
		return rc;	/* BK_EOF: a compressed snapshot; BK_ERROR: damaged */
	st->cur.active = true;
	st->cur.chosen = best;
	st->cur.start = e->offset;
	st->cur.start_line = e->lineno;
	return BK_OK;
}

int
bk_state_consumed(bk_state *st, bk_input *in, uint64_t offset, uint64_t lineno, bool complete)
{
	const struct stat *sb = bk_input_stat(in);
	const char *name = bk_input_name(in);
	struct entry *e = NULL;
	char *path = NULL;

	if (!st->cur.active)
		return BK_OK;

	/*
	 * The entry of this very file continues; one matched through another
	 * file (a renamed original, a copy) stays as it is, since that file may
	 * still be read in this run or a later one.
	 */
	if (st->cur.chosen != NO_ENTRY && same_file(&st->e.v[st->cur.chosen], sb))
		e = &st->e.v[st->cur.chosen];
	for (size_t i = 0; e == NULL && i < st->e.n; i++) {
		if (st->e.v[i].seen == st->serial && same_file(&st->e.v[i], sb))
			e = &st->e.v[i];
	}
	if (e == NULL || strcmp(e->path, name) != 0) {
		if ((path = strdup(name)) == NULL)
			return BK_NOMEM;
	}
	if (e == NULL) {
		if ((e = entries_add(&st->e)) == NULL) {
			free(path);
			return BK_NOMEM;
		}
		e->seen = st->serial;	/* a second call updates, not adds */
	}
	if (path != NULL) {
		free(e->path);
		e->path = path;
	}

	/* Never behind where this run started: that part was read before. */
	if (offset < st->cur.start) {
		offset = st->cur.start;
		lineno = st->cur.start_line;
	}
	e->dev = (uint64_t)sb->st_dev;
	e->ino = (uint64_t)sb->st_ino;
	e->size = (uint64_t)sb->st_size;
	e->mtime = mtime_ns(sb);
	e->codec = bk_input_codec(in);
	e->fp_len = st->cur.fp_len;
	e->fp_hash = st->cur.fp_hash;
	e->offset = offset;
	e->lineno = lineno > 0 ? lineno : 1;
	e->complete = complete;
	e->used = e->claims = true;
	return BK_OK;
}

/* ---- loading ------------------------------------------------------------ */

/* VALUE shown in a message: at most 40 bytes, non-printing ones as '?'. */
static const char *
shown(char *buf, size_t size, const char *value, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 4 < size && i < 40; i++)
		buf[n++] = value[i] >= 0x20 && value[i] < 0x7f ? value[i] : '?';
	if (len > 40 && n + 4 < size) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

static bool
parse_u64(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;

	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';

		if (d > 9 || x > (UINT64_MAX - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return true;
}

static bool
parse_i64(const char *s, size_t len, int64_t *v)
{
	bool neg = len > 0 && s[0] == '-';
	uint64_t x;

	if (!parse_u64(s + neg, len - neg, &x) || x > (uint64_t)INT64_MAX + neg)
		return false;
	*v = neg ? (int64_t)(0 - x) : (int64_t)x;
	return true;
}

static bool
parse_hex64(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;

	if (len != 16)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		x = x << 4 | d;
	}
	*v = x;
	return true;
}

static bool
parse_codec(const char *s, size_t len, enum bk_codec *v)
{
	for (int c = BK_CODEC_PLAIN; c <= BK_CODEC_BZIP2; c++) {
		const char *name = bk_codec_name((enum bk_codec)c);

		if (strlen(name) == len && memcmp(name, s, len) == 0) {
			*v = (enum bk_codec)c;
			return true;
		}
	}
	return false;
}

/* The escaped path, NUL-terminated in a new string; NULL with *BAD set or on OOM. */
static char *
unescape(const char *s, size_t len, bool *bad)
{
	char *p = malloc(len + 1), *q = p;

	*bad = false;
	if (p == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\\') {
			*q++ = s[i];
			continue;
		}
		if (++i == len)
			goto bad;
		switch (s[i]) {
		case '\\':
			*q++ = '\\';
			break;
		case 't':
			*q++ = '\t';
			break;
		case 'n':
			*q++ = '\n';
			break;
		case 'r':
			*q++ = '\r';
			break;
		default:
			goto bad;
		}
	}
	*q = '\0';
	return p;
bad:
	free(p);
	*bad = true;
	return NULL;
}

/* Parses one entry line into E; BK_OK, BK_ERROR (message set) or BK_NOMEM. */
static int
parse_entry(bk_state *st, uint64_t line, const char *s, size_t len, struct entry *e)
{
	static const char *const names[STATE_FIELDS - 1] = {
		"device", "inode", "size", "mtime", "codec", "fingerprint length",
		"fingerprint", "offset", "line number", "complete flag",
	};
	const char *f[STATE_FIELDS];
	size_t flen[STATE_FIELDS], nf = 0;
	const char *p = s, *end = s + len;
	char buf[64];
	uint64_t fp_len = 0;
	bool bad = false;
	size_t i;

	while (nf < STATE_FIELDS) {
		const char *tab = nf < STATE_FIELDS - 1 ? memchr(p, '\t', (size_t)(end - p)) : NULL;

		f[nf] = p;
		flen[nf] = (size_t)((tab != NULL ? tab : end) - p);
		nf++;
		if (tab == NULL)
			break;
		p = tab + 1;
	}
	if (nf < STATE_FIELDS || memchr(f[STATE_FIELDS - 1], '\t', flen[STATE_FIELDS - 1])) {
		size_t tabs = 0;

		for (p = s; p < end; p++)
			tabs += *p == '\t';
		return set_error(st, "%s:%" PRIu64 ": %zu fields, expected %d", st->path, line,
		    tabs + 1, STATE_FIELDS);
	}

	/* The first field that does not parse, if any. */
	if (!parse_u64(f[0], flen[0], &e->dev))
		i = 0;
	else if (!parse_u64(f[1], flen[1], &e->ino))
		i = 1;
	else if (!parse_u64(f[2], flen[2], &e->size))
		i = 2;
	else if (!parse_i64(f[3], flen[3], &e->mtime))
		i = 3;
	else if (!parse_codec(f[4], flen[4], &e->codec))
		i = 4;
	else if (!parse_u64(f[5], flen[5], &fp_len) || fp_len > BK_STATE_FP_LEN)
		i = 5;
	else if (!parse_hex64(f[6], flen[6], &e->fp_hash))
		i = 6;
	else if (!parse_u64(f[7], flen[7], &e->offset))
		i = 7;
	else if (!parse_u64(f[8], flen[8], &e->lineno) || e->lineno == 0)
		i = 8;
	else if (flen[9] != 1 || (f[9][0] != '0' && f[9][0] != '1'))
		i = 9;
	else
		i = STATE_FIELDS;
	if (i < STATE_FIELDS)
		return set_error(st, "%s:%" PRIu64 ": %s %s '%s'", st->path, line,
		    i == 4 ? "unknown" : "bad", names[i], shown(buf, sizeof buf, f[i], flen[i]));
	e->fp_len = (uint32_t)fp_len;
	e->complete = f[9][0] == '1';
	if (flen[STATE_FIELDS - 1] == 0)
		return set_error(st, "%s:%" PRIu64 ": empty path", st->path, line);
	if (memchr(f[STATE_FIELDS - 1], '\0', flen[STATE_FIELDS - 1]) != NULL)
		return set_error(st, "%s:%" PRIu64 ": NUL byte in path", st->path, line);
	e->path = unescape(f[STATE_FIELDS - 1], flen[STATE_FIELDS - 1], &bad);
	if (bad)
		return set_error(st, "%s:%" PRIu64 ": bad escape in path", st->path, line);
	return e->path != NULL ? BK_OK : BK_NOMEM;
}

/* Reads the whole file at FD into *BUF (bounded by STATE_MAX_SIZE). */
static int
read_all(bk_state *st, int fd, char **buf, size_t *len)
{
	size_t cap = 0, n = 0;
	char *p = NULL;
	int rc = BK_OK;

	for (;;) {
		ssize_t got;

		if (n == cap) {
			char *q;

			if (cap >= STATE_MAX_SIZE) {
				rc = set_error(st, "%s: too large for a state file", st->path);
				goto out;
			}
			cap = cap ? cap * 2 : 8192;
			if ((q = realloc(p, cap)) == NULL) {
				rc = BK_NOMEM;
				goto out;
			}
			p = q;
		}
		got = read(fd, p + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			rc = set_error(st, "%s: %s", st->path, strerror(errno));
			goto out;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	*buf = p;
	*len = n;
	p = NULL;
out:
	free(p);
	return rc;
}

int
bk_state_load(bk_state *st)
{
	struct entries es = { 0 };
	struct stat sb;
	char *buf = NULL, shownbuf[64];
	size_t len = 0, pos = 0;
	uint64_t line = 0;
	int fd, rc;

	st->err[0] = '\0';
	fd = open(st->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT) {
		rc = BK_OK;	/* a first run */
		goto done;
	}
	if (fd < 0) {
		rc = set_error(st, "%s: %s", st->path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &sb) != 0) {
		rc = set_error(st, "%s: %s", st->path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode)) {
		rc = set_error(st, "%s: %s", st->path,
		    S_ISDIR(sb.st_mode) ? strerror(EISDIR) : "not a regular file");
		goto out;
	}
	if ((rc = read_all(st, fd, &buf, &len)) != BK_OK)
		goto out;

	while (pos < len || line == 0) {
		const char *s = buf != NULL ? buf + pos : "";
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - s) : len - pos;

		line++;
		if (nl != NULL && n > 0 && s[n - 1] == '\r')
			n--;	/* a hand edit on another system */
		if (line == 1) {
			size_t ml = strlen(STATE_MAGIC);

			if (n > ml && memcmp(s, STATE_MAGIC " ", ml + 1) == 0) {
				if (n != ml + 1 + strlen(STATE_VERSION) ||
				    memcmp(s + ml + 1, STATE_VERSION, n - ml - 1) != 0) {
					rc = set_error(st, "%s:1: unsupported state version '%s' "
					    "(this build reads %s)", st->path,
					    shown(shownbuf, sizeof shownbuf, s + ml + 1, n - ml - 1),
					    STATE_VERSION);
					goto out;
				}
			} else {
				rc = set_error(st, "%s:1: not a breachkit state file", st->path);
				goto out;
			}
		}
		if (nl == NULL) {
			/* Saves are atomic, so a cut line means something else wrote it. */
			rc = set_error(st, "%s:%" PRIu64 ": last line not terminated "
			    "(truncated file?)", st->path, line);
			goto out;
		}
		pos = (size_t)(nl - buf) + 1;
		if (line == 1 || n == 0 || s[0] == '#')
			continue;

		struct entry *e = entries_add(&es);

		if (e == NULL) {
			rc = BK_NOMEM;
			goto out;
		}
		if ((rc = parse_entry(st, line, s, n, e)) != BK_OK)
			goto out;
	}
	rc = BK_OK;
done:
	/* Replaced only on success, so a failed load leaves the state as it was. */
	entries_free(&st->e);
	st->e = es;
	es.v = NULL;
	es.n = es.cap = 0;
	st->cur.active = false;
	st->cur.chosen = NO_ENTRY;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	entries_free(&es);
	return rc;
}

/* ---- saving ------------------------------------------------------------- */

struct key {
	uint64_t dev, ino;
};

static int
key_cmp(const void *a, const void *b)
{
	const struct key *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return 0;
}

/*
 * Whether an entry not used in this run is worth keeping: its file is still
 * at its path (a file the run did not cover), and no entry found at that
 * inode in this run claims it (the inode then holds other content: truncated,
 * replaced). An entry used only through another file's fingerprint claims
 * nothing: its own inode may have been reused meanwhile.
 */
static bool
keep_unused(const struct entry *e, const struct key *claimed, size_t nclaimed)
{
	struct key k = { e->dev, e->ino };
	struct stat sb;

	if (bsearch(&k, claimed, nclaimed, sizeof *claimed, key_cmp) != NULL)
		return false;
	return stat(e->path, &sb) == 0 && same_file(e, &sb);
}

static void
write_path(FILE *fp, const char *p)
{
	for (; *p != '\0'; p++) {
		if (*p == '\\')
			fputs("\\\\", fp);
		else if (*p == '\t')
			fputs("\\t", fp);
		else if (*p == '\n')
			fputs("\\n", fp);
		else if (*p == '\r')
			fputs("\\r", fp);
		else
			putc(*p, fp);
	}
}

static void
write_entry(FILE *fp, const struct entry *e)
{
	fprintf(fp, "%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRId64 "\t%s\t%" PRIu32
	    "\t%016" PRIx64 "\t%" PRIu64 "\t%" PRIu64 "\t%d\t",
	    e->dev, e->ino, e->size, e->mtime, bk_codec_name(e->codec), e->fp_len,
	    e->fp_hash, e->offset, e->lineno, e->complete ? 1 : 0);
	write_path(fp, e->path);
	putc('\n', fp);
}

/* What the state file holds, for bk__atomic_write. */
struct save_ctx {
	const bk_state *st;
	const struct key *claimed;
	size_t nclaimed;
};

static void
write_state(void *ctx, FILE *fp)
{
	const struct save_ctx *c = ctx;

	fputs(STATE_MAGIC " " STATE_VERSION "\n"
	    "# dev\tino\tsize\tmtime_ns\tcodec\tfp_len\tfp_hash\toffset\tline\tcomplete\tpath\n",
	    fp);
	for (size_t i = 0; i < c->st->e.n; i++) {
		const struct entry *e = &c->st->e.v[i];

		if (e->used || keep_unused(e, c->claimed, c->nclaimed))
			write_entry(fp, e);
	}
}

int
bk_state_save(bk_state *st)
{
	struct key *claimed;
	size_t nclaimed = 0;
	int rc;

	st->err[0] = '\0';
	if ((claimed = malloc((st->e.n + 1) * sizeof *claimed)) == NULL)
		return BK_NOMEM;
	for (size_t i = 0; i < st->e.n; i++) {
		if (st->e.v[i].claims)
			claimed[nclaimed++] = (struct key){ st->e.v[i].dev, st->e.v[i].ino };
	}
	qsort(claimed, nclaimed, sizeof *claimed, key_cmp);
	struct save_ctx c = { st, claimed, nclaimed };
	rc = bk__atomic_write(st->path, write_state, &c, st->err, sizeof st->err);
	free(claimed);
	return rc;
}
