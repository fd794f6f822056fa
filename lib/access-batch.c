/*
 * access-batch.c - events made ready for a bk_access run on another thread;
 * see access.h.
 *
 * Counting an event is two parts (access.c): what depends on the event
 * alone - its entity's key and hash, its collection, whether it is
 * sensitive, a full read or off-hours, its ids' hashes and numbers - and
 * what changes the run's state. The first part is as much work as the
 * second, so a tool that parses a log on a worker thread does it there too
 * and hands the main thread only the result: a batch, records of bytes
 * that hold no pointer (so it can be copied into a pipeline chunk as it
 * is) and replay through bk__acc_apply exactly as bk_access_add would have
 * counted the events, in the same order.
 *
 * A batch is one byte array, grown by doubling and kept from one use to
 * the next, so a long run allocates only while its batches grow to their
 * working size. Each record starts on 8 bytes: a header (struct rec), then
 * the ids' hashes and numbers, the entity key, the collection with its NUL
 * and the first id. A file name is a record of its own, written when it
 * changes; the events after it are of that file.
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "access-private.h"
#include "util-private.h"

#define REC_FILE 0x100u		/* a file name record, not an event */
#define HAS_ACTOR 1u
#define HAS_IP 2u

struct rec {
	uint32_t size;		/* of the record, header and padding included */
	uint32_t flags;		/* BK__ACC_EV_*, or REC_FILE */
	int64_t ts;
	uint64_t line;
	int64_t rows, bytes_out;
	uint64_t khash, chash;
	uint32_t kind, nids;
	uint16_t klen, alen, ilen, clen;
	uint8_t key, idlen;	/* HAS_ACTOR | HAS_IP; the first id's bytes */
};

struct bk_access_batch {
	char *buf;
	size_t len, cap;
	size_t file;		/* offset of the current file name's bytes; SIZE_MAX: none */
};

#define ALIGN8(n) (((n) + 7) & ~(size_t)7)

bk_access_batch *
bk_access_batch_new(void)
{
	bk_access_batch *b = calloc(1, sizeof *b);

	if (b != NULL)
		b->file = SIZE_MAX;
	return b;
}

void
bk_access_batch_free(bk_access_batch *b)
{
	if (b == NULL)
		return;
	free(b->buf);
	free(b);
}

void
bk_access_batch_clear(bk_access_batch *b)
{
	b->len = 0;
	b->file = SIZE_MAX;
}

const void *
bk_access_batch_data(const bk_access_batch *b, size_t *len)
{
	*len = b->len;
	return b->buf;
}

/* Room for a record of N bytes (a multiple of 8) at the end; NULL on OOM. */
static char *
room(bk_access_batch *b, size_t n)
{
	/* bk__grow makes room for more than its N bytes: LEN + N - 1 leaves N. */
	if (n > 0 && bk__grow(&b->buf, &b->cap, b->len + n - 1, 1) != BK_OK)
		return NULL;
	return b->buf + b->len;
}

/* FILE as the current file name, unless it is already. BK_OK or BK_NOMEM. */
static int
set_file(bk_access_batch *b, const char *file)
{
	size_t n, size;
	struct rec *r;
	char *p;

	if (b->file != SIZE_MAX && strcmp(b->buf + b->file, file) == 0)
		return BK_OK;
	n = strlen(file);
	size = ALIGN8(sizeof(struct rec) + n + 1);
	if (size > UINT32_MAX || (p = room(b, size)) == NULL)
		return BK_NOMEM;
	r = (struct rec *)(void *)p;
	memset(r, 0, sizeof *r);
	r->size = (uint32_t)size;
	r->flags = REC_FILE;
	memcpy(p + sizeof *r, file, n + 1);
	b->file = b->len + sizeof *r;
	b->len += size;
	return BK_OK;
}

int
bk_access_batch_add(bk_access_batch *b, const bk_access *a, const bk_event *ev)
{
	struct bk__acc_ev p;
	size_t ids = ev->nids * sizeof(struct bk__acc_id), size;
	struct rec *r;
	char *q;

	/*
	 * The file's record first, then room for the most this event can take:
	 * bk__acc_prepare writes its ids, key and collection in place.
	 */
	if (set_file(b, ev->file != NULL ? ev->file : "-") != BK_OK)
		return BK_NOMEM;
	size = sizeof *r + BK__ACC_KEY_MAX + BK__ACC_COLL_MAX + BK__ACC_ID_MAX + 8;
	if (ev->nids > UINT32_MAX || ids / sizeof(struct bk__acc_id) != ev->nids ||
	    ids > UINT32_MAX - size || (q = room(b, size + ids)) == NULL)
		return BK_NOMEM;
	r = (struct rec *)(void *)q;
	q += sizeof *r;
	bk__acc_prepare(a, ev, &p, q + ids, (struct bk__acc_id *)(void *)q);
	if (!(p.flags & BK__ACC_EV_COUNT)) {
		/* Skipped or not a read: its time is all that counts. */
		memset(r, 0, sizeof *r);
		r->size = sizeof *r;
		r->flags = p.flags;
		r->ts = p.ts;
		r->line = p.line;
		b->len += sizeof *r;
		return BK_OK;
	}
	size = ALIGN8(sizeof *r + ids + p.key.len + p.clen + 1 + p.idlen);
	r->size = (uint32_t)size;
	r->flags = p.flags;
	r->ts = p.ts;
	r->line = p.line;
	r->rows = p.rows;
	r->bytes_out = p.bytes_out;
	r->khash = p.key.h;
	r->chash = p.chash;
	r->kind = p.kind;
	r->nids = (uint32_t)p.nids;
	r->klen = (uint16_t)p.key.len;
	r->alen = (uint16_t)p.key.alen;
	r->ilen = (uint16_t)p.key.ilen;
	r->clen = (uint16_t)p.clen;
	r->key = (p.key.actor != NULL ? HAS_ACTOR : 0) | (p.key.ip != NULL ? HAS_IP : 0);
	r->idlen = (uint8_t)p.idlen;
	if (p.idlen > 0)
		memcpy(q + ids + p.key.len + p.clen + 1, p.id, p.idlen);
	b->len += size;
	return BK_OK;
}

/*
 * Prefetching. An event's entity, table slot and bucket are cache misses
 * in a large table (50,000 entities hold over 100 MB), and counting one
 * event waits for each in turn. With the events of a batch known ahead,
 * each miss is started some events before it is needed, in three stages
 * that each use what the one before fetched: the slot (from the hash), the
 * entity (from the slot), its newest bucket and the room after it (from
 * the entity). A prefetch is only a hint, so a guess that turns out wrong
 * (the entity is elsewhere in its probe chain, or not there yet) costs a
 * wasted fetch, never a wrong count.
 */
#define AHEAD_SLOT 8
#define AHEAD_ENTITY 4
#define AHEAD_BUCKET 2

/* The record after the one at P, or END when there is none (or P is malformed). */
static const char *
next_rec(const char *p, const char *end)
{
	const struct rec *r = (const struct rec *)(const void *)p;

	if (p >= end || (size_t)(end - p) < sizeof *r || r->size < sizeof *r ||
	    r->size > (size_t)(end - p))
		return end;
	return p + r->size;
}

/* The entity the slot of hash H holds, when it is the one with that hash. */
static const struct bk__entity *
slot_entity(const bk_access *a, uint64_t h)
{
	const struct bk__slot *sl;

	if (a->nslots == 0)
		return NULL;
	sl = &a->slots[(size_t)h & (a->nslots - 1)];
	return sl->hash == h ? sl->e : NULL;
}

static void
prefetch(const bk_access *a, const char *p, const char *end, int stage)
{
	const struct rec *r = (const struct rec *)(const void *)p;
	const struct bk__entity *e;

	if (p >= end || !(r->flags & BK__ACC_EV_COUNT))
		return;
	if (stage == 0) {
		bk__acc_prefetch(a, r->khash);
		return;
	}
	if ((e = slot_entity(a, r->khash)) == NULL)
		return;
	if (stage == 1) {
		__builtin_prefetch(e);
		__builtin_prefetch((const char *)e + 64);
		return;
	}
	if (e->nb > 0)
		__builtin_prefetch(&e->b[e->nb - 1]);
	if (e->b != NULL && e->b + e->nb < e->bbase + e->bcap) {
		/* A new bucket: its counters and first evidence sample are written. */
		const char *nb = (const char *)&e->b[e->nb];

		for (size_t off = 0; off < offsetof(struct bk__bucket, smp) + 64; off += 64)
			__builtin_prefetch(nb + off, 1);
	}
}

int
bk_access_add_batch(bk_access *a, const void *data, size_t len, uint64_t *line)
{
	const char *d = data, *end = d + len, *file = "-";
	const char *ahead[3] = { d, d, d };
	static const int dist[3] = { AHEAD_SLOT, AHEAD_ENTITY, AHEAD_BUCKET };
	int rc;

	*line = 0;
	/* Each stage's cursor starts its distance ahead, prefetching on its way. */
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < dist[k] && ahead[k] < end; i++) {
			prefetch(a, ahead[k], end, k);
			ahead[k] = next_rec(ahead[k], end);
		}
	while (d < end) {
		const struct rec *r = (const struct rec *)(const void *)d;
		struct bk__acc_ev p;
		const char *q = d + sizeof *r;

		if ((size_t)(end - d) < sizeof *r || r->size < sizeof *r ||
		    r->size > (size_t)(end - d))
			return BK_ERROR;	/* not a batch's bytes */
		for (int k = 0; k < 3; k++)
			if (ahead[k] < end) {
				prefetch(a, ahead[k], end, k);
				ahead[k] = next_rec(ahead[k], end);
			}
		d += r->size;
		if (r->flags & REC_FILE) {
			file = q;
			continue;
		}
		p.ts = r->ts;
		p.line = r->line;
		p.flags = r->flags;
		if (p.flags & BK__ACC_EV_COUNT) {
			p.rows = r->rows;
			p.bytes_out = r->bytes_out;
			p.kind = r->kind;
			p.file = file;
			p.ids = (const struct bk__acc_id *)(const void *)q;
			p.nids = r->nids;
			q += r->nids * sizeof *p.ids;
			p.key.s = q;
			p.key.len = r->klen;
			p.key.alen = r->alen;
			p.key.ilen = r->ilen;
			p.key.h = r->khash;
			p.key.actor = (r->key & HAS_ACTOR) ? q : NULL;
			p.key.ip = (r->key & HAS_IP) ? q + r->klen - r->ilen : NULL;
			q += r->klen;
			p.coll = q;
			p.clen = r->clen;
			p.chash = r->chash;
			q += r->clen + 1;
			p.id = q;
			p.idlen = r->idlen;
		}
		if ((rc = bk__acc_apply(a, &p)) != BK_OK) {
			*line = r->line;
			return rc;
		}
	}
	return BK_OK;
}
