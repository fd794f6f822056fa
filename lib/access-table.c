/*
 * access-table.c - where a bk_access run keeps its state: interned names,
 * the entity table (open addressing with backward-shift deletion, the hash
 * beside each slot), the recency and pending lists, pools of dropped
 * buckets' counters and id arrays, buckets in order, and evidence samples
 * kept earliest-first. See access-private.h for the structures and access.c
 * for what is done with them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "access-private.h"
#include "hash-private.h"
#include "util-private.h"

static char *
xdup(const char *s)
{
	return s != NULL ? bk__dup_bytes(s, strlen(s)) : NULL;
}

/* ---- pools -------------------------------------------------------------- */

#define POOL_CHUNK ((size_t)2 << 20)

static void *
pool_get(struct bk__pool *p, size_t size)
{
	void *b;

	if (p->free != NULL) {
		b = p->free;
		memcpy(&p->free, b, sizeof p->free);
		return b;
	}
	if (p->size == 0)
		p->size = (size + 15) / 16 * 16;
	if ((size_t)(p->end - p->next) < p->size) {
		char *c;

		if (bk__grow(&p->chunks, &p->chunkcap, p->nchunks, sizeof *p->chunks) != BK_OK ||
		    (c = aligned_alloc(POOL_CHUNK, POOL_CHUNK)) == NULL)
			return NULL;
#ifdef MADV_HUGEPAGE
		(void)madvise(c, POOL_CHUNK, MADV_HUGEPAGE);	/* a hint; fine if refused */
#endif
		p->chunks[p->nchunks++] = c;
		p->next = c;
		p->end = c + POOL_CHUNK;
	}
	b = p->next;
	p->next += p->size;
	return b;
}

static void
pool_put(struct bk__pool *p, void *b)
{
	memcpy(b, &p->free, sizeof p->free);
	p->free = b;
}

static void
pool_free(struct bk__pool *p)
{
	for (size_t i = 0; i < p->nchunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	memset(p, 0, sizeof *p);
}

void
bk__acc_pools_free(bk_access *a)
{
	pool_free(&a->ent_pool);
	pool_free(&a->bucket_pool);
}

/* ---- names -------------------------------------------------------------- */

static size_t
tab_slot(const struct bk__strtab *t, const char *s, size_t len)
{
	size_t j = (size_t)bk__hash64(s, len) & (t->nslots - 1);

	while (t->slots[j] != 0) {
		const char *x = t->s[t->slots[j] - 1];

		if (strncmp(x, s, len) == 0 && x[len] == '\0')
			break;
		j = (j + 1) & (t->nslots - 1);
	}
	return j;
}

uint32_t
bk__acc_intern(struct bk__strtab *t, const char *s, size_t len)
{
	size_t j;
	char *copy;

	if (t->nslots > 0 && t->slots[j = tab_slot(t, s, len)] != 0)
		return (uint32_t)(t->slots[j] - 1);
	if ((t->n + 1) * 2 > t->nslots) {
		size_t n = t->nslots ? t->nslots * 2 : 64, *old = t->slots;

		if ((t->slots = calloc(n, sizeof *t->slots)) == NULL) {
			t->slots = old;
			return UINT32_MAX;
		}
		t->nslots = n;
		for (size_t i = 0; i < t->n; i++)
			t->slots[tab_slot(t, t->s[i], strlen(t->s[i]))] = i + 1;
		free(old);
	}
	if (bk__grow(&t->s, &t->cap, t->n, sizeof *t->s) != BK_OK ||
	    (copy = bk__dup_bytes(s, len)) == NULL)
		return UINT32_MAX;
	t->s[t->n] = copy;
	t->slots[tab_slot(t, s, len)] = t->n + 1;
	return (uint32_t)t->n++;
}

void
bk__acc_tab_free(struct bk__strtab *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->s[i]);
	free(t->s);
	free(t->slots);
}

/* ---- entities ----------------------------------------------------------- */

/* Buckets an entity's array starts with and keeps while idle: a window's and two. */
#define BUCKETS_KEPT (BK__ACC_K + 2)

#define NO_ID UINT32_MAX

static void
lru_unlink(bk_access *a, struct bk__entity *e)
{
	struct bk__lru *l = a->lru;
	uint32_t i = e->id, p = l[i].prev, n = l[i].next;

	if (p != NO_ID)
		l[p].next = n;
	else
		a->lru_first = n;
	if (n != NO_ID)
		l[n].prev = p;
	else
		a->lru_last = p;
	l[i].prev = l[i].next = NO_ID;
}

static void
lru_push(bk_access *a, struct bk__entity *e)
{
	struct bk__lru *l = a->lru;
	uint32_t i = e->id;

	l[i].next = a->lru_first;
	l[i].prev = NO_ID;
	if (a->lru_first != NO_ID)
		l[a->lru_first].prev = i;
	a->lru_first = i;
	if (a->lru_last == NO_ID)
		a->lru_last = i;
}

struct bk__entity *
bk__acc_lru_last(const bk_access *a)
{
	return a->nids > 0 && a->lru_last != NO_ID ? a->byid[a->lru_last] : NULL;
}

/* An id for E (one given back, or the next), with room in the side arrays. BK_OK or BK_NOMEM. */
static int
id_take(bk_access *a, struct bk__entity *e)
{
	if (a->nfree > 0) {
		e->id = a->freeids[--a->nfree];
	} else {
		size_t cap = a->idcap, cap2 = a->idcap;

		if (a->nids >= NO_ID ||
		    bk__grow(&a->byid, &cap, a->nids, sizeof *a->byid) != BK_OK ||
		    bk__grow(&a->lru, &cap2, a->nids, sizeof *a->lru) != BK_OK)
			return BK_NOMEM;
		a->idcap = cap < cap2 ? cap : cap2;
		e->id = (uint32_t)a->nids++;
	}
	a->byid[e->id] = e;
	return BK_OK;
}

/* Gives E's id back for the next entity. */
static void
id_put(bk_access *a, struct bk__entity *e)
{
	if (bk__grow(&a->freeids, &a->freecap, a->nfree, sizeof *a->freeids) != BK_OK)
		return;	/* the id is lost: one id fewer to reuse, nothing worse */
	a->freeids[a->nfree++] = e->id;
}

/* E into the pending list (at its tail: buckets come roughly in time order) or out of it. */
void
bk__acc_pend_set(bk_access *a, struct bk__entity *e, bool on)
{
	if (on == e->pending)
		return;
	if (on) {
		e->pend_prev = a->pend_tail;
		e->pend_next = NULL;
		if (a->pend_tail != NULL)
			a->pend_tail->pend_next = e;
		else
			a->pend_head = e;
		a->pend_tail = e;
	} else {
		if (e->pend_prev != NULL)
			e->pend_prev->pend_next = e->pend_next;
		else
			a->pend_head = e->pend_next;
		if (e->pend_next != NULL)
			e->pend_next->pend_prev = e->pend_prev;
		else
			a->pend_tail = e->pend_prev;
		e->pend_prev = e->pend_next = NULL;
	}
	e->pending = on;
}

/*
 * E holds no bucket: off the pending list, and a bucket array larger than
 * a window and the tolerance need given back (kept otherwise: most
 * entities come back within the hour).
 */
void
bk__acc_idle(bk_access *a, struct bk__entity *e)
{
	bk__acc_pend_set(a, e, false);
	e->b = e->bbase;
	if (e->bcap > BUCKETS_KEPT) {
		free(e->bbase);		/* only the pool's arrays are BUCKETS_KEPT long */
		e->b = e->bbase = NULL;
		e->bcap = 0;
	}
}

/*
 * Counters and id arrays of dropped buckets kept for new ones: up to one
 * per entity allowed (a sweep drops about one bucket per active entity and
 * the next quarter window makes as many), so that buckets come and go
 * without malloc; bounded by state.max_entities like the rest.
 */
#define SPARE_MIN 16384

static size_t
spare_max(const bk_access *a)
{
	return a->max_entities > SPARE_MIN ? a->max_entities : SPARE_MIN;
}

void
bk__acc_spare_put(bk_access *a, bk_distinct *d)
{
	if (d == NULL)
		return;
	/* Small ones are kept for the next buckets; a large table is given back. */
	if (a->nspare < spare_max(a) && bk_distinct_memory(d) <= 1024 &&
	    bk__grow(&a->spare, &a->sparecap, a->nspare, sizeof *a->spare) == BK_OK) {
		bk_distinct_clear(d);
		a->spare[a->nspare++] = d;
	} else {
		bk_distinct_free(d);
	}
}


/* Keeps a dropped bucket's id array for the next bucket (no malloc per bucket). */
void
bk__acc_seq_put(bk_access *a, struct bk__bucket *b)
{
	b->nseq = 0;
	if (b->seq == NULL)
		return;
	if (a->nspare_seq == a->spare_seqalloc && a->nspare_seq < spare_max(a)) {
		/* Both arrays grow together; the capacity counts for the two. */
		size_t cap = a->spare_seqalloc, cap2 = cap;

		if (bk__grow(&a->spare_seq, &cap, a->nspare_seq, sizeof *a->spare_seq) == BK_OK &&
		    bk__grow(&a->spare_seqcap, &cap2, a->nspare_seq, sizeof *a->spare_seqcap) == BK_OK)
			a->spare_seqalloc = cap < cap2 ? cap : cap2;
	}
	if (a->nspare_seq < a->spare_seqalloc && b->seqcap <= 64) {
		a->spare_seq[a->nspare_seq] = b->seq;
		a->spare_seqcap[a->nspare_seq++] = b->seqcap;
	} else {
		free(b->seq);
	}
	b->seq = NULL;
	b->seqcap = b->nseq = 0;
}

static void
seq_get(bk_access *a, struct bk__bucket *b)
{
	if (a->nspare_seq > 0) {
		a->nspare_seq--;
		b->seq = a->spare_seq[a->nspare_seq];
		b->seqcap = a->spare_seqcap[a->nspare_seq];
	}
}

bk_distinct *
bk__acc_spare_get(bk_access *a)
{
	if (a->nspare > 0)
		return a->spare[--a->nspare];
	return bk_distinct_new(a->exact, a->precision);
}

void
bk__acc_entity_free(bk_access *a, struct bk__entity *e)
{
	for (size_t i = 0; i < e->nb; i++) {
		bk__acc_spare_put(a, e->b[i].d);
		free(e->b[i].seq);
	}
	if (e->bcap == BUCKETS_KEPT)
		pool_put(&a->bucket_pool, e->bbase);
	else
		free(e->bbase);
	bk_distinct_free(e->off);
	bk_distinct_free(e->hour_d);
	bk_distinct_free(e->lacc);
	free(e->hours);
	free(e->actor);
	free(e->ip);
	free(e->name);
	if (e->key != e->kin)
		free(e->key);
	pool_put(&a->ent_pool, e);
}

/*
 * Whether the N bytes at X and Y are the same: keys are a few words long
 * and every event compares one, so a word at a time and no call.
 */
static inline bool
key_eq(const char *x, const char *y, size_t n)
{
	uint64_t u, v;

	for (; n >= 8; x += 8, y += 8, n -= 8) {
		memcpy(&u, x, 8);
		memcpy(&v, y, 8);
		if (u != v)
			return false;
	}
	for (; n > 0; x++, y++, n--)
		if (*x != *y)
			return false;
	return true;
}

/* The slot of the entity with KEY, or of the empty slot where it would go. */
static size_t
ent_slot(const bk_access *a, const char *key, size_t len, uint64_t h)
{
	size_t j = (size_t)h & (a->nslots - 1);

	while (a->slots[j].e != NULL) {
		const struct bk__entity *e = a->slots[j].e;

		/* The hash beside the pointer: no visit to an entity that cannot match. */
		if (a->slots[j].hash == h && e->klen == len && key_eq(e->key, key, len))
			break;
		j = (j + 1) & (a->nslots - 1);
	}
	return j;
}

/* Takes E out of the table (backward-shift deletion keeps probe chains whole). */
void
bk__acc_remove(bk_access *a, struct bk__entity *e)
{
	size_t mask = a->nslots - 1, i = ent_slot(a, e->key, e->klen, e->hash), j = i;

	a->slots[i].e = NULL;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (a->slots[j].e == NULL)
			break;
		home = (size_t)a->slots[j].hash & mask;
		if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
			a->slots[i] = a->slots[j];
			a->slots[j].e = NULL;
			i = j;
		}
	}
	a->nent--;
	lru_unlink(a, e);
	id_put(a, e);
	bk__acc_pend_set(a, e, false);
}

/*
 * The table's hash of an entity key: eight bytes at a time, then
 * MurmurHash3's finaliser. The keys are short and every event hashes one,
 * so this is quicker than the byte-wise FNV of hash-private.h (which the
 * count of entities seen keeps, as state and summaries have always had it).
 */
static uint64_t
key_hash(const char *s, size_t n)
{
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) * (n + 1), x;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&x, s, 8);
		h = (h ^ x) * UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 29;
	}
	x = 0;
	memcpy(&x, s, n);
	return bk__hash_finish(h ^ x, n);
}

void
bk__acc_key(struct bk__acc_key *k, char *buf, const char *actor, size_t alen, const char *ip,
    size_t ilen)
{
	/* Names past 500 bytes are cut: a hostile log line must not stop the run. */
	if (alen > 500)
		alen = 500;
	if (ilen > 500)
		ilen = 500;
	k->len = 0;
	if (actor != NULL)
		memcpy(buf, actor, alen);
	k->len = actor != NULL ? alen : 0;
	buf[k->len++] = '\x1f';
	if (ip != NULL)
		memcpy(buf + k->len, ip, ilen);
	k->s = buf;
	k->actor = actor != NULL ? buf : NULL;
	k->alen = actor != NULL ? alen : 0;
	k->ip = ip != NULL ? buf + k->len : NULL;
	k->ilen = ip != NULL ? ilen : 0;
	k->len += ip != NULL ? ilen : 0;
	k->h = key_hash(k->s, k->len);
}

struct bk__entity *
bk__acc_entity(bk_access *a, const char *actor, size_t alen, const char *ip, size_t ilen)
{
	struct bk__acc_key k;
	char buf[BK__ACC_KEY_MAX];

	bk__acc_key(&k, buf, actor, alen, ip, ilen);
	return bk__acc_entity_at(a, &k);
}

struct bk__entity *
bk__acc_entity_at(bk_access *a, const struct bk__acc_key *k)
{
	const char *key = k->s, *actor = k->actor, *ip = k->ip;
	size_t len = k->len, alen = k->alen, ilen = k->ilen;
	uint64_t h = k->h;
	struct bk__entity *e;

	if (a->nslots > 0 && (e = a->slots[ent_slot(a, key, len, h)].e) != NULL) {
		if (a->lru_first != e->id) {
			lru_unlink(a, e);
			lru_push(a, e);
		}
		return e;
	}
	if (a->nent >= a->max_entities && a->lru_last != NO_ID) {
		struct bk__entity *old = a->byid[a->lru_last];

		bk__acc_remove(a, old);
		bk__acc_finalize(a, old);
		bk__acc_entity_free(a, old);
		a->evicted++;
	}
	if ((a->nent + 1) * 2 > a->nslots) {
		size_t n = a->nslots ? a->nslots * 2 : 1024;
		struct bk__slot *old = a->slots;
		size_t on = a->nslots;

		if ((a->slots = calloc(n, sizeof *a->slots)) == NULL) {
			a->slots = old;
			return NULL;
		}
		a->nslots = n;
		for (size_t i = 0; i < on; i++)
			if (old[i].e != NULL)
				a->slots[ent_slot(a, old[i].e->key, old[i].e->klen, old[i].hash)] = old[i];
		free(old);
	}
	/* On a cache line's boundary; a short key in its first line, a long one apart. */
	if ((e = pool_get(&a->ent_pool, (sizeof *e + 63) / 64 * 64)) == NULL)
		return NULL;
	memset(e, 0, sizeof *e);
	e->key = len < BK__ACC_KEY_IN ? e->kin : malloc(len + 1);
	if (e->key == NULL) {
		pool_put(&a->ent_pool, e);
		return NULL;
	}
	memcpy(e->key, key, len);
	e->klen = (uint32_t)len;
	e->hash = h;
	e->actor = actor != NULL ? bk__dup_bytes(actor, alen) : NULL;
	e->ip = ip != NULL ? bk__dup_bytes(ip, ilen) : NULL;
	if (e->actor != NULL && e->ip != NULL) {
		if (asprintf(&e->name, "%s@%s", e->actor, e->ip) < 0)
			e->name = NULL;
	} else {
		e->name = xdup(e->actor != NULL ? e->actor : e->ip != NULL ? e->ip : "");
	}
	if (e->name == NULL || (actor != NULL && e->actor == NULL) ||
	    (ip != NULL && e->ip == NULL) || id_take(a, e) != BK_OK) {
		free(e->actor);
		free(e->ip);
		free(e->name);
		if (e->key != e->kin)
			free(e->key);
		pool_put(&a->ent_pool, e);
		return NULL;
	}
	e->lday = INT64_MIN;
	e->lwin = INT64_MIN;
	e->off_coll = UINT32_MAX;
	{
		size_t j = ent_slot(a, key, len, h);

		a->slots[j] = (struct bk__slot){ h, e };
	}
	a->nent++;
	lru_push(a, e);
	bk_distinct_add(a->entities_seen, bk__hash64(key, len));
	return e;
}

/* The bucket IDX of E, created (in order) when missing. */
struct bk__bucket *
bk__acc_bucket(bk_access *a, struct bk__entity *e, int64_t idx)
{
	size_t i = e->nb;
	struct bk__bucket *b;
	bk_distinct *d = NULL;

	if (e->nb > 0 && e->b[e->nb - 1].idx == idx)
		return &e->b[e->nb - 1];
	while (i > 0 && e->b[i - 1].idx > idx)
		i--;
	if (i > 0 && e->b[i - 1].idx == idx)
		return &e->b[i - 1];
	if (e->b != e->bbase && (size_t)(e->b - e->bbase) + e->nb == e->bcap) {
		/* No room past the newest: the buckets back to the start of the array. */
		memmove(e->bbase, e->b, e->nb * sizeof *e->b);
		e->b = e->bbase;
	}
	if (e->nb == e->bcap) {
		/*
		 * Room at once for a window's buckets and the tolerance's, from
		 * the pool; doubling past that, from malloc.
		 */
		struct bk__bucket *nb;

		if (e->bcap == 0) {
			if ((nb = pool_get(&a->bucket_pool, BUCKETS_KEPT * sizeof *nb)) == NULL)
				return NULL;
		} else if (e->bcap == BUCKETS_KEPT) {
			if ((nb = malloc(2 * BUCKETS_KEPT * sizeof *nb)) == NULL)
				return NULL;
			memcpy(nb, e->bbase, e->nb * sizeof *nb);
			pool_put(&a->bucket_pool, e->bbase);
		} else if ((nb = realloc(e->bbase, 2 * e->bcap * sizeof *nb)) == NULL) {
			return NULL;
		}
		e->b = e->bbase = nb;
		e->bcap = e->bcap == 0 ? BUCKETS_KEPT : 2 * e->bcap;
	}
	/* STATE mode writes every bucket's counter, empty or not: it has one from the start. */
	if (a->mode == BK_ACCESS_STATE && (d = bk__acc_spare_get(a)) == NULL)
		return NULL;
	memmove(&e->b[i + 1], &e->b[i], (e->nb - i) * sizeof *e->b);
	b = &e->b[i];
	/* Field by field: the evidence samples need no clearing, and they are most of it. */
	b->idx = idx;
	b->events = b->rows = b->bytes = 0;
	b->first = INT64_MAX;
	b->last = INT64_MIN;
	b->d = d;
	b->nfew = 0;
	b->flags = 0;
	b->seq = NULL;
	b->nseq = b->seqcap = 0;
	b->seq_full = false;
	b->coll = UINT32_MAX;
	b->coll_ts = 0;
	b->nsmp = 0;
	e->nb++;
	bk__acc_pend_set(a, e, true);
	return b;
}

/* ---- a bucket's distinct records ---------------------------------------- */

int
bk__acc_bucket_add(bk_access *a, struct bk__bucket *b, uint64_t h)
{
	/* FEW hashes are exact, as the counter would be: only when state.exact allows as many. */
	if (b->d == NULL && a->mode != BK_ACCESS_STATE && a->exact >= BK__ACC_FEW) {
		uint64_t x = h != 0 ? h : 1;	/* as the counter's set stores it */

		for (unsigned i = 0; i < b->nfew; i++)
			if (b->few[i] == x)
				return BK_OK;
		if (b->nfew < BK__ACC_FEW) {
			b->few[b->nfew++] = x;
			return BK_OK;
		}
	}
	if (bk__acc_bucket_d(a, b) == NULL)
		return BK_NOMEM;
	return bk_distinct_add(b->d, h);
}

bk_distinct *
bk__acc_bucket_d(bk_access *a, struct bk__bucket *b)
{
	bk_distinct *d;

	if (b->d != NULL)
		return b->d;
	if ((d = bk__acc_spare_get(a)) == NULL)
		return NULL;
	for (unsigned i = 0; i < b->nfew; i++)
		if (bk_distinct_add(d, b->few[i]) != BK_OK) {
			bk_distinct_free(d);
			return NULL;
		}
	b->nfew = 0;
	return b->d = d;
}

uint64_t
bk__acc_bucket_count(const struct bk__bucket *b)
{
	return b->d != NULL ? bk_distinct_count(b->d) : b->nfew;
}

bool
bk__acc_bucket_exact(const struct bk__bucket *b)
{
	return b->d == NULL || bk_distinct_is_exact(b->d);
}

int
bk__acc_bucket_merge(bk_distinct *into, const struct bk__bucket *b)
{
	int rc = BK_OK;

	if (b->d != NULL)
		return bk_distinct_merge(into, b->d);
	for (unsigned i = 0; i < b->nfew && rc == BK_OK; i++)
		rc = bk_distinct_add(into, b->few[i]);
	return rc;
}

/* ---- evidence ----------------------------------------------------------- */

void
bk__acc_pop_first(bk_access *a, struct bk__entity *e)
{
	/* Most buckets have neither a counter nor an id array to give back. */
	if (e->b[0].d != NULL)
		bk__acc_spare_put(a, e->b[0].d);
	if (e->b[0].seq != NULL)
		bk__acc_seq_put(a, &e->b[0]);
	e->b++;
	e->nb--;
	if (e->nb == 0)
		bk__acc_idle(a, e);
}

/* Whether sample X comes before Y: time, then file name, then line. */
static bool
sample_before(const bk_access *a, const struct bk__sample *x, const struct bk__sample *y)
{
	int c;

	if (x->ts != y->ts)
		return x->ts < y->ts;
	if (x->file != y->file && (c = strcmp(a->files.s[x->file], a->files.s[y->file])) != 0)
		return c < 0;
	if (x->line != y->line)
		return x->line < y->line;
	return x->idlen != y->idlen ? x->idlen < y->idlen : memcmp(x->id, y->id, x->idlen) < 0;
}

/* Keeps the MAX earliest samples in SMP (N of them, sorted), S among them if it is one. */
void
bk__acc_sample_add(const bk_access *a, struct bk__sample *smp, size_t *n, size_t max,
    const struct bk__sample *s)
{
	size_t i = *n;

	if (i == max && !sample_before(a, s, &smp[max - 1]))
		return;
	if (i == max)
		i--;
	else
		(*n)++;
	while (i > 0 && sample_before(a, s, &smp[i - 1])) {
		smp[i] = smp[i - 1];
		i--;
	}
	if (i > 0 && memcmp(&smp[i - 1], s, sizeof *s) == 0) {
		/* The same event again (merging a state twice): keep one. */
		memmove(&smp[i], &smp[i + 1], (*n - i - 1) * sizeof *s);
		(*n)--;
		return;
	}
	smp[i] = *s;
}

int
bk__acc_seq_add(bk_access *a, struct bk__bucket *b, uint64_t id, int64_t ts, uint32_t coll)
{
	if (b->nseq >= BK__ACC_SEQ_MAX) {
		b->seq_full = true;
		return BK_OK;
	}
	if (b->nseq < BK__ACC_SEQ_IN) {
		b->seq_in[b->nseq++] = (struct bk__seqid){ id, ts, coll };
		return BK_OK;
	}
	if (b->seq == NULL)
		seq_get(a, b);
	if (bk__grow(&b->seq, &b->seqcap, b->nseq - BK__ACC_SEQ_IN, sizeof *b->seq) != BK_OK)
		return BK_NOMEM;
	b->seq[b->nseq - BK__ACC_SEQ_IN] = (struct bk__seqid){ id, ts, coll };
	b->nseq++;
	return BK_OK;
}

void
bk__acc_coll_offer(const bk_access *a, struct bk__bucket *b, uint32_t coll, int64_t ts)
{
	if (coll == UINT32_MAX)
		return;
	if (b->coll == UINT32_MAX || ts < b->coll_ts ||
	    (ts == b->coll_ts && strcmp(a->colls.s[coll], a->colls.s[b->coll]) < 0)) {
		b->coll = coll;
		b->coll_ts = ts;
	}
}

void
bk__acc_off_coll(const bk_access *a, struct bk__entity *e, uint32_t coll, int64_t ts)
{
	if (coll == UINT32_MAX)
		return;
	if (e->off_coll == UINT32_MAX || ts < e->off_coll_ts ||
	    (ts == e->off_coll_ts && strcmp(a->colls.s[coll], a->colls.s[e->off_coll]) < 0)) {
		e->off_coll = coll;
		e->off_coll_ts = ts;
	}
}
