/*
 * access-private.h - the state of a bk_access run, shared by access.c (the
 * events, windows and detectors) and access-state.c (state records in and
 * out, the summary).
 *
 * Per entity, events fall in buckets of a quarter window, kept sorted by
 * start; a window is four consecutive buckets. A bucket holds what every
 * windowed detector needs and nothing per event: a distinct counter of
 * (collection, id) hashes, the numeric ids with their times for runs (up
 * to a cap), counters, and the earliest few events as evidence. Entities
 * live in a hash table and two lists: by recency (for eviction) and those
 * with buckets still to evaluate (for the sweeps).
 */
#ifndef BK_ACCESS_PRIVATE_H
#define BK_ACCESS_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access.h"
#include "sketch.h"
#include "timefmt.h"
#include "valueset.h"

#define BK__ACC_K 4		/* buckets per window */
#define BK__ACC_SAMPLES 4	/* evidence events per bucket */
#define BK__ACC_EVIDENCE 16	/* evidence events per incident */
#define BK__ACC_ID_MAX 40	/* bytes of an evidence id kept */
#define BK__ACC_SEQ_MAX 4096	/* numeric ids per bucket kept for runs */
#define BK__ACC_TOP 20		/* entities in the summary's activity */

enum bk__acc_det {
	BK__DET_BULK, BK__DET_FULL, BK__DET_ENUM, BK__DET_VOLUME, BK__DET_OFF, BK__DET_NEW,
	BK__DET_N
};

/* A name kept once (file names, collections); index into bk__strtab. */
struct bk__strtab {
	char **s;
	size_t n, cap;
	size_t *slots;
	size_t nslots;
};

/* One event kept as evidence: ordered by (ts, file name, line). */
struct bk__sample {
	int64_t ts;
	uint32_t file;
	uint64_t line;
	uint8_t idlen;
	char id[BK__ACC_ID_MAX];
};

struct bk__seqid {
	uint64_t id;
	int64_t ts;
	uint32_t coll;
};

/*
 * Most buckets hold an event or two: their distinct (collection, id)
 * hashes stay in FEW, and a bk_distinct is taken only for a fifth (always
 * in STATE mode, whose records carry the counter). Either way, the
 * bk__acc_bucket_* functions count, merge and read them.
 */
#define BK__ACC_FEW 4
#define BK__ACC_SEQ_IN 2	/* numeric ids a bucket holds before it needs an array */

struct bk__bucket {
	int64_t idx;			/* start / width */
	uint64_t events, rows, bytes;
	int64_t first, last;
	bk_distinct *d;			/* NULL while the hashes fit in FEW */
	uint64_t few[BK__ACC_FEW];
	unsigned nfew;
	unsigned flags;			/* 1 << detector: windows over it alerted */
	size_t nseq;			/* numeric ids kept: SEQ_IN, then SEQ (bk__acc_seq_at) */
	struct bk__seqid seq_in[BK__ACC_SEQ_IN];
	struct bk__seqid *seq;		/* the ones past SEQ_IN; NULL until needed */
	size_t seqcap;			/* of SEQ */
	bool seq_full;
	uint32_t coll;			/* the collection of the earliest event with ids; UINT32_MAX none */
	int64_t coll_ts;
	size_t nsmp;
	struct bk__sample smp[BK__ACC_SAMPLES];
};

struct bk__hour {
	int32_t hour;			/* hours since the epoch */
	uint32_t events, distinct;
	uint64_t rows, bytes;
};

/*
 * What every event touches comes first (the key, the buckets, the recency
 * links), so that finding an entity and its current bucket costs as few
 * cache lines as it can; the key is allocated with the entity.
 */
#define BK__ACC_KEY_IN 32		/* key bytes held inside the entity */

/*
 * What every event touches comes first and fits two cache lines (entities
 * are allocated on a line's boundary): the key, the buckets, the count and
 * the pending list; the key is inside for the usual short one.
 */
struct bk__entity {
	char *key;			/* actor 0x1f ip: in KIN, or allocated apart when longer */
	uint32_t klen;			/* at most 1001 (names are cut at 500) */
	uint32_t id;			/* its place in the recency list (bk_access.lru) */
	uint64_t hash;
	char kin[BK__ACC_KEY_IN];
	/*
	 * The buckets, oldest first: NB of them from B, in an array of BCAP from
	 * BBASE. The oldest is dropped by moving B up, not the rest down.
	 */
	struct bk__bucket *b;
	struct bk__bucket *bbase;
	size_t nb, bcap;
	uint64_t events;		/* counted, for the summary */
	struct bk__entity *pend_prev, *pend_next;	/* the pending list */
	bool pending;
	/* the rest */
	char *actor, *ip;		/* NULL when not part of the entity */
	char *name;			/* for baselines and reasons: actor, ip or actor@ip */
	/* off-hours reads, over the whole run */
	bk_distinct *off;
	uint64_t off_events;
	int64_t off_first, off_last;
	struct bk__sample off_smp[BK__ACC_SAMPLES];
	size_t off_nsmp;
	uint32_t off_coll;		/* collection of the earliest off-hours read with ids */
	int64_t off_coll_ts;
	/* activity for the summary */
	struct bk__hour *hours;
	size_t nh, hcap;
	bk_distinct *hour_d;
	/* learning: the current tumbling window and day */
	int64_t lwin;
	bk_distinct *lacc;
	uint64_t lev, lrows, lbytes;
	int64_t lday;
	uint32_t lhours;		/* bit per hour of LDAY with events */
	struct bk__incident *inc[BK__DET_N];	/* this entity's incidents, once found */
};

/*
 * Blocks of one size for the state every event touches (entities, bucket
 * arrays), carved from 2 MiB chunks the kernel is asked to back with huge
 * pages: tens of thousands of entities touched at random otherwise cost a
 * TLB miss on top of each cache miss. Freed blocks are reused, never given
 * back before the run ends, so the pool is as large as the most that was
 * held at once: bounded by state.max_entities like everything else.
 */
struct bk__pool {
	size_t size;			/* of a block, a multiple of 16 */
	void *free;			/* freed blocks, linked through their first bytes */
	char *next, *end;		/* what the newest chunk has left */
	void **chunks;
	size_t nchunks, chunkcap;
};

/* A busy entity's activity, kept for the summary. */
struct bk__top {
	char *actor, *ip;
	uint64_t events;
	struct bk__hour *hours;
	size_t nh;
};

/* An incident: one per entity and detector. */
struct bk__incident {
	bk_alert a;			/* strings point into the fields below */
	enum bk__acc_det det;
	char *key, *actor, *ip, *name;
	char *object, *reason;
	struct bk__sample ev[BK__ACC_EVIDENCE];
	size_t nev;
	char idbuf[BK__ACC_EVIDENCE][BK__ACC_ID_MAX + 1];
	int64_t first, last;
	uint64_t count, rows, bytes;
	bool has_rows, has_bytes;
	double value;			/* the largest window figure */
	const char *metric;
	double threshold;
	bk_stats own, peer;
	bool has_own, has_peer;
	/* enumeration: the longest run */
	uint64_t run_lo, run_hi;
	int64_t run_t0, run_t1;
	/* full-read kinds (bit per bk__acc_fullkind), new-access objects */
	unsigned kinds;
	char *objects[8];
	size_t nobjects;
};

struct bk_access {
	enum bk_access_mode mode;
	bk_baseline *base;
	bk_writer *state_out;
	/* settings */
	int by;				/* 0 both, 1 actor, 2 ip */
	int64_t window, bw, tolerance;
	char *window_text;
	int64_t bulk_threshold, enum_min_run, enum_max_gap, off_threshold;
	uint64_t vol_rows, vol_bytes;
	double zmin, mad_floor;
	int64_t min_samples;
	bool new_access;
	bk_tz *tz;
	int hours_start, hours_end;
	unsigned workdays;
	char *hours_text;
	const char *const *tables, *const *prefixes, *const *paths, *const *endpoints;
	size_t ntables, nprefixes, npaths, nendpoints;
	/* their lengths, in one block (LENS), measured once rather than per event */
	size_t *lens, *table_len, *prefix_len, *path_len, *endpoint_len;
	char **peer_pat, **peer_grp;
	size_t npeers;
	size_t max_entities, exact;
	unsigned precision;
	bk_valueset *sensitive;		/* from --sensitive-from and bk_access_sensitive_add */
	const bk_detectconf *conf;
	struct bk__pool ent_pool, bucket_pool;	/* entities; arrays of BUCKETS_KEPT buckets */
	/* entities: open addressing, each slot's hash beside its entity */
	struct bk__slot {
		uint64_t hash;
		struct bk__entity *e;
	} *slots;
	size_t nslots, nent;
	/*
	 * Recency, for eviction: a list through a side array indexed by entity
	 * id rather than through the entities, so that moving one to the head
	 * touches a few bytes that stay in cache, not two other entities.
	 */
	struct bk__entity **byid;
	struct bk__lru {
		uint32_t prev, next;
	} *lru;
	uint32_t *freeids;		/* ids of removed entities, for new ones */
	size_t nids, idcap, nfree, freecap;
	uint32_t lru_first, lru_last;	/* most and least recent; UINT32_MAX: none */
	struct bk__entity *pend_head, *pend_tail;	/* by first bucket, roughly */
	bool activity;			/* keep hourly activity for the summary */
	bk_distinct *entities_seen;
	/* time */
	int64_t first, last, max_ts;
	int64_t swept;			/* bucket index the last sweep reached */
	int64_t sweep_at;		/* the clock (max_ts) of the next sweep; INT64_MIN: unknown */
	int64_t bcur, bcur_start, bcur_end;	/* the last event's bucket index, its times */
	bool any;
	/* incidents */
	struct bk__incident **inc;
	size_t ninc, inccap;
	const bk_alert **alerts;
	/* names, and the ones the last event used (logs repeat them) */
	struct bk__strtab files, colls;
	uint32_t last_file;
	/*
	 * The collections the last events named, most recent first, by their
	 * hash (bk__acc_ev.chash): logs take turns among a few (an API's
	 * records, its static files, its search), so one name compared beats
	 * interning. A slot with LEN 0 is empty.
	 */
	struct bk__acc_recent {
		uint64_t h;
		size_t len;
		uint32_t i;
	} recent_coll[4];
	/* spare buckets' counters, reused */
	bk_distinct **spare;
	size_t nspare, sparecap;
	struct bk__seqid **spare_seq;	/* dropped buckets' id arrays, with their capacities */
	size_t *spare_seqcap;
	size_t nspare_seq, spare_seqalloc;
	struct bk__seqid *scratch;	/* a window's ids, sorted for runs */
	size_t scratchcap;
	struct bk__acc_id *idscratch;	/* bk_access_add's event's ids, prepared */
	size_t idscratchcap;
	/* top entities for the summary */
	struct bk__top top[BK__ACC_TOP];
	size_t ntop;
	/* counts */
	uint64_t events, skipped, evicted, late, state_records;
	bool finished;
	char err[512];
};

/* access.c, for access-state.c */
#define BK__ACC_NFULLKINDS 5
extern const char *const bk__acc_full_kinds[BK__ACC_NFULLKINDS];
uint32_t bk__acc_intern(struct bk__strtab *t, const char *s, size_t len);
struct bk__entity *bk__acc_entity(bk_access *a, const char *actor, size_t alen, const char *ip,
    size_t ilen);
/*
 * access-table.c: an entity's key (actor 0x1f ip, each cut at 500 bytes)
 * and its hash, made ahead of the lookup. ACTOR and IP point into S, or
 * are NULL when not part of the entity.
 */
#define BK__ACC_KEY_MAX 1024
struct bk__acc_key {
	const char *s;
	size_t len, alen, ilen;
	uint64_t h;
	const char *actor, *ip;
};
/* The key of ACTOR and IP (either NULL: not part of it) into BUF (BK__ACC_KEY_MAX bytes). */
void bk__acc_key(struct bk__acc_key *k, char *buf, const char *actor, size_t alen,
    const char *ip, size_t ilen);
/* Starts fetching the table slot of key hash H, a cache miss in a large table. */
static inline void
bk__acc_prefetch(const bk_access *a, uint64_t h)
{
	if (a->nslots > 0)
		__builtin_prefetch(&a->slots[(size_t)h & (a->nslots - 1)]);
}
struct bk__entity *bk__acc_entity_at(bk_access *a, const struct bk__acc_key *k);

/*
 * An event as the detectors count it, worked out from the event and the
 * run's settings alone (bk__acc_prepare writes nothing of the run), so that
 * another thread can do this part while the run counts earlier events
 * (access-batch.c). Strings point into the event or the caller's buffers.
 */
#define BK__ACC_EV_SKIP 1u	/* no time or no entity: counted and skipped */
#define BK__ACC_EV_COUNT 2u	/* a successful read or export: into the windows */
#define BK__ACC_EV_SENS 4u	/* its object holds personal data */
#define BK__ACC_EV_OFF 8u	/* a sensitive read outside business hours (not when learning) */
#define BK__ACC_NOT_NUM UINT64_MAX	/* bk__acc_id.v of an id that is not a number */
#define BK__ACC_COLL_MAX 256	/* bytes of a collection name, NUL included */

struct bk__acc_id {
	uint64_t h;		/* of the collection's name and the id: what is counted distinct */
	uint64_t v;		/* the id's number, for runs; BK__ACC_NOT_NUM */
};

struct bk__acc_ev {
	int64_t ts;
	uint64_t line;
	int64_t rows, bytes_out;
	unsigned flags;
	unsigned kind;			/* full-read kind bit, when sensitive */
	const char *file;		/* NUL-terminated */
	struct bk__acc_key key;		/* with BK__ACC_EV_COUNT */
	const char *coll;		/* NUL-terminated; CLEN 0: none */
	size_t clen;
	uint64_t chash;			/* what the ids' hashes start from */
	const char *id;			/* the first id, cut to BK__ACC_ID_MAX, for evidence */
	size_t idlen;
	const struct bk__acc_id *ids;
	size_t nids;
};

/*
 * EV made ready into P: BUF (BK__ACC_KEY_MAX + BK__ACC_COLL_MAX bytes)
 * gets the entity key and right after it the collection's name with its
 * NUL, and IDS (room for ev->nids) the ids' hashes and numbers; P points
 * there and into EV's own strings. Reads only A's settings: any thread may
 * call it while another counts events.
 */
void bk__acc_prepare(const bk_access *a, const bk_event *ev, struct bk__acc_ev *p, char *buf,
    struct bk__acc_id *ids);
/* Counts P, as bk_access_add counts its event. */
int bk__acc_apply(bk_access *a, const struct bk__acc_ev *p);
struct bk__bucket *bk__acc_bucket(bk_access *a, struct bk__entity *e, int64_t idx);
void bk__acc_sample_add(const bk_access *a, struct bk__sample *smp, size_t *n, size_t max,
    const struct bk__sample *s);
int bk__acc_seq_add(bk_access *a, struct bk__bucket *b, uint64_t id, int64_t ts, uint32_t coll);

/* Numeric id I (below b->nseq) of bucket B. */
static inline const struct bk__seqid *
bk__acc_seq_at(const struct bk__bucket *b, size_t i)
{
	return i < BK__ACC_SEQ_IN ? &b->seq_in[i] : &b->seq[i - BK__ACC_SEQ_IN];
}
void bk__acc_off_coll(const bk_access *a, struct bk__entity *e, uint32_t coll, int64_t ts);
void bk__acc_coll_offer(const bk_access *a, struct bk__bucket *b, uint32_t coll, int64_t ts);
int bk__acc_hit(bk_access *a, struct bk__entity *e, enum bk__acc_det det, int64_t ts,
    uint32_t file, uint64_t line, const char *object, int64_t rows, int64_t bytes,
    unsigned kinds, const char *id, size_t idlen);
const char *bk__acc_det_name(enum bk__acc_det d);
bk_distinct *bk__acc_off_sketch(const bk_access *a);
int bk__acc_det_parse(const char *name);

/* access-table.c */
/* Counts hash H among B's distinct records. BK_OK or BK_NOMEM. */
int bk__acc_bucket_add(bk_access *a, struct bk__bucket *b, uint64_t h);
/* B's counter, made from its few hashes when it had none; NULL on OOM. */
bk_distinct *bk__acc_bucket_d(bk_access *a, struct bk__bucket *b);
/* What B counted: how many, whether exactly, and into another counter. */
uint64_t bk__acc_bucket_count(const struct bk__bucket *b);
bool bk__acc_bucket_exact(const struct bk__bucket *b);
int bk__acc_bucket_merge(bk_distinct *into, const struct bk__bucket *b);
void bk__acc_tab_free(struct bk__strtab *t);
void bk__acc_pools_free(bk_access *a);
void bk__acc_pend_set(bk_access *a, struct bk__entity *e, bool on);
void bk__acc_idle(bk_access *a, struct bk__entity *e);
void bk__acc_spare_put(bk_access *a, bk_distinct *d);
bk_distinct *bk__acc_spare_get(bk_access *a);
void bk__acc_seq_put(bk_access *a, struct bk__bucket *b);
void bk__acc_entity_free(bk_access *a, struct bk__entity *e);
void bk__acc_remove(bk_access *a, struct bk__entity *e);	/* out of the table and lists */
void bk__acc_pop_first(bk_access *a, struct bk__entity *e);	/* drops the oldest bucket */
struct bk__entity *bk__acc_lru_last(const bk_access *a);	/* the least recent, or NULL */
/* access.c: evaluates what E holds (the eviction of E calls it) */
int bk__acc_finalize(bk_access *a, struct bk__entity *e);

/* access-state.c */
/* Writes and drops E's buckets before index UPTO; INT64_MAX: all, and its off-hours reads. */
int bk__acc_write_buckets(bk_access *a, struct bk__entity *e, int64_t upto);
int bk__acc_write_hit(bk_access *a, const struct bk__entity *e, enum bk__acc_det det, int64_t ts,
    uint32_t file, uint64_t line, const char *object, int64_t rows, int64_t bytes,
    unsigned kinds, const char *id, size_t idlen);
int bk__acc_write_run(bk_access *a);
int bk__acc_build_alerts(bk_access *a);
int bk__acc_drop_first(bk_access *a, struct bk__entity *e);	/* the first bucket, unevaluated */

#endif /* BK_ACCESS_PRIVATE_H */
