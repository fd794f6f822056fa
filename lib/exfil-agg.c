/*
 * exfil-agg.c - bk-exfil's aggregation and detectors (see exfil.h).
 *
 * Events go into four tables: sources, destinations, source -> destination
 * pairs and source -> registered-domain DNS entries, each an array of
 * structs found through an open-addressing index (struct table). Nothing is
 * allocated per event once an entity exists: counters are added, the
 * source's hourly bucket is bumped (the latest one in the common case of
 * input in time order), and a beacon sample (time, bytes each way) is
 * appended until the pair holds beacon.max_samples. A pair's hourly figures
 * are counted from its samples while they hold every connection, and kept
 * apart only for the pairs that outgrow them (struct pagg); uploads,
 * archives and long sessions live in a record only the pairs that have
 * them get (struct pextra). Memory is therefore bounded by limits.max_pairs
 * pairs of 224 bytes and their samples, and the sources and destinations
 * they name; at the bound quiet pairs are evicted (sweep()).
 *
 * Everything kept is mergeable and independent of input order, so that
 * --emit-state / --merge over any split gives one pass's incidents: sums;
 * hourly buckets; the earliest samples and evidence lines (by time, then
 * file name and line); distinct counts in sketch.h counters; entropy summed
 * in integer micro-bits so that addition order cannot change a digit.
 */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "exfil-private.h"
#include "hash-private.h"
#include "record-private.h"
#include "sketch.h"
#include "timefmt.h"
#include "util-private.h"

#define HOUR_MS INT64_C(3600000)
#define DAY_MS (24 * HOUR_MS)

/* ---- settings ------------------------------------------------------------ */

static const bk_conf_key conf_keys[] = {
	{ "outbound_volume.window", BK_CONF_DURATION, "1h",
	  "window the bytes sent are summed over (whole hours)" },
	{ "outbound_volume.pair_threshold", BK_CONF_BYTES, "100MB",
	  "bytes one source may send one destination in a window" },
	{ "outbound_volume.source_threshold", BK_CONF_BYTES, "500MB",
	  "bytes one source may send in all in a window" },
	{ "outbound_volume.min_z", BK_CONF_DOUBLE, "3.5",
	  "with a baseline: robust z-score the window must also reach" },
	{ "outbound_volume.mad_floor", BK_CONF_BYTES, "1MB",
	  "smallest MAD of a baseline, so a quiet source is not infinitely surprising" },
	{ "outbound_volume.ratio", BK_CONF_DOUBLE, "1.0",
	  "a source sending more than this times what it receives is an anomaly" },
	{ "outbound_volume.ratio_min_bytes", BK_CONF_BYTES, "5MB",
	  "...when it sent at least this much" },
	{ "archive_upload.min_bytes", BK_CONF_BYTES, "1MB",
	  "bytes of archive uploads (or large uploads to a rare destination) per pair" },
	{ "archive_upload.large", BK_CONF_BYTES, "1MB",
	  "an upload this large counts even without an archive's name" },
	{ "beacon.min_connections", BK_CONF_INT, "8", "connections a pair needs to be scored" },
	{ "beacon.min_score", BK_CONF_DOUBLE, "0.85", "score from which a pair is a beacon" },
	{ "beacon.max_jitter", BK_CONF_DOUBLE, "0.25",
	  "largest jitter (MAD of the intervals) as a share of the period" },
	{ "beacon.max_source_share", BK_CONF_DOUBLE, "0.5",
	  "share of all sources above which a destination they keep to a rhythm is infrastructure" },
	{ "beacon.max_samples", BK_CONF_INT, "1000",
	  "connection times kept per pair (the earliest)" },
	{ "long_connection.min_session", BK_CONF_DURATION, "10m",
	  "sessions at least this long are summed per pair" },
	{ "long_connection.threshold", BK_CONF_DURATION, "1h",
	  "summed duration from which a pair is reported" },
	{ "dns_tunnel.min_distinct", BK_CONF_INT, "100",
	  "distinct subdomains of one domain queried by one source" },
	{ "dns_tunnel.min_length", BK_CONF_DOUBLE, "20",
	  "mean subdomain length (characters)" },
	{ "dns_tunnel.min_entropy", BK_CONF_DOUBLE, "3.3",
	  "mean subdomain entropy (bits per character)" },
	{ "rare_destination.max_sources", BK_CONF_INT, "1",
	  "a destination contacted by at most this many sources is rare" },
	{ "rare_destination.min_population", BK_CONF_INT, "5",
	  "...when at least this many sources were seen in all" },
	{ "rare_destination.min_bytes", BK_CONF_BYTES, "1MB",
	  "bytes sent to a rare destination that matter" },
	{ "rare_destination.min_uploads", BK_CONF_INT, "3",
	  "uploads that matter when the log has no request sizes" },
	{ "after_hours.hours", BK_CONF_HOURS, "08:00-20:00", "working hours" },
	{ "after_hours.days", BK_CONF_DAYS, "Mon-Fri", "working days" },
	{ "after_hours.tz", BK_CONF_STRING, "UTC", "zone of the working hours" },
	{ "after_hours.min_bytes", BK_CONF_BYTES, "50MB",
	  "bytes sent outside working hours per pair" },
	{ "limits.max_pairs", BK_CONF_INT, "1000000",
	  "source -> destination pairs kept; at the bound quiet ones are evicted for new ones" },
};

const bk_conf_key *
bk_exfil_conf_keys(size_t *n)
{
	*n = sizeof conf_keys / sizeof conf_keys[0];
	return conf_keys;
}

static const char *const archive_kinds[] = { "rar", "7z", "zip", "tar", "gz", "bz2", "xz",
	"cab", "zst", "lzh", "arj" };
#define NKINDS (sizeof archive_kinds / sizeof archive_kinds[0])

uint32_t
bk__exfil_kind_bit(const char *k)
{
	for (size_t i = 0; i < NKINDS; i++)
		if (strcmp(archive_kinds[i], k) == 0)
			return UINT32_C(1) << i;
	return 0;
}

const char *
bk__exfil_kind_name(unsigned i)
{
	return i < NKINDS ? archive_kinds[i] : NULL;
}

bk_exfil *
bk_exfil_new(const bk_detectconf *c, char **err)
{
	bk_exfil *x = calloc(1, sizeof *x);
	struct settings *s;

	*err = NULL;
	if (x == NULL)
		return NULL;
	s = &x->set;
	s->window_ms = bk_detectconf_duration(c, "outbound_volume.window");
	s->window_text = bk__dup_bytes(bk_detectconf_text(c, "outbound_volume.window"),
	    strlen(bk_detectconf_text(c, "outbound_volume.window")));
	s->pair_threshold = bk_detectconf_bytes(c, "outbound_volume.pair_threshold");
	s->source_threshold = bk_detectconf_bytes(c, "outbound_volume.source_threshold");
	s->min_z = bk_detectconf_double(c, "outbound_volume.min_z");
	s->mad_floor = (double)bk_detectconf_bytes(c, "outbound_volume.mad_floor");
	s->ratio = bk_detectconf_double(c, "outbound_volume.ratio");
	s->ratio_min_bytes = bk_detectconf_bytes(c, "outbound_volume.ratio_min_bytes");
	s->archive_min_bytes = bk_detectconf_bytes(c, "archive_upload.min_bytes");
	s->large = bk_detectconf_bytes(c, "archive_upload.large");
	s->beacon_min = bk_detectconf_int(c, "beacon.min_connections");
	s->beacon_score = bk_detectconf_double(c, "beacon.min_score");
	s->max_samples = bk_detectconf_int(c, "beacon.max_samples");
	s->beacon_jitter = bk_detectconf_double(c, "beacon.max_jitter");
	s->beacon_share = bk_detectconf_double(c, "beacon.max_source_share");
	s->long_session = bk_detectconf_duration(c, "long_connection.min_session");
	s->long_threshold = bk_detectconf_duration(c, "long_connection.threshold");
	s->dns_distinct = bk_detectconf_int(c, "dns_tunnel.min_distinct");
	s->dns_length = bk_detectconf_double(c, "dns_tunnel.min_length");
	s->dns_entropy = bk_detectconf_double(c, "dns_tunnel.min_entropy");
	s->rare_sources = bk_detectconf_int(c, "rare_destination.max_sources");
	s->rare_population = bk_detectconf_int(c, "rare_destination.min_population");
	s->rare_bytes = bk_detectconf_bytes(c, "rare_destination.min_bytes");
	s->rare_uploads = bk_detectconf_int(c, "rare_destination.min_uploads");
	bk_detectconf_hours(c, "after_hours.hours", &s->work_start, &s->work_end);
	s->work_days = bk_detectconf_days(c, "after_hours.days");
	s->after_bytes = bk_detectconf_bytes(c, "after_hours.min_bytes");
	s->max_pairs = bk_detectconf_int(c, "limits.max_pairs");
	s->tz_name = bk__dup_bytes(bk_detectconf_str(c, "after_hours.tz"),
	    strlen(bk_detectconf_str(c, "after_hours.tz")));
	if (s->window_text == NULL || s->tz_name == NULL)
		goto nomem;
	if (s->window_ms < HOUR_MS || s->window_ms % HOUR_MS != 0) {
		*err = bk__errf("outbound_volume.window: whole hours, not '%s'", s->window_text);
		goto fail;
	}
	if (s->beacon_min < 3 || s->max_samples < s->beacon_min || s->max_samples > 1000000) {
		*err = bk__errf("beacon.min_connections must be at least 3 and beacon.max_samples "
				"from it to 1000000");
		goto fail;
	}
	if (s->max_pairs < 1 || s->max_pairs > UINT32_MAX / 2) {
		*err = bk__errf("limits.max_pairs: from 1 to %u", UINT32_MAX / 2);
		goto fail;
	}
	if ((s->tz = bk_tz_open(s->tz_name, err)) == NULL)
		goto fail;
	x->first = INT64_MAX;
	x->last = INT64_MIN;
	x->cached_hour = INT64_MIN;
	return x;
nomem:
	*err = NULL;
fail:
	bk_exfil_free(x);
	return NULL;
}

static void
free_table(struct table *t)
{
	free(t->slots);
}

void
bk_exfil_free(bk_exfil *x)
{
	if (x == NULL)
		return;
	for (size_t i = 0; i < x->nsrc; i++) {
		bk_distinct_free(x->src[i].dsts);
		free(x->src[i].hours);
	}
	for (size_t i = 0; i < x->ndst; i++)
		bk_distinct_free(x->dst[i].srcs);
	for (size_t i = 0; i < x->npair; i++) {
		free(x->pair[i].s);
		if (x->pair[i].agg != NULL)
			free(x->pair[i].agg->b);
		free(x->pair[i].agg);
	}
	free(x->ext);
	free(x->scratch.b);
	free(x->times);
	free(x->sizes);
	for (size_t i = 0; i < x->ndns; i++)
		bk_distinct_free(x->dns[i].subs);
	for (size_t i = 0; i < x->nfiles; i++)
		free(x->files[i]);
	free(x->files);
	free(x->src);
	free(x->dst);
	free(x->pair);
	free(x->dns);
	free_table(&x->tsrc);
	free_table(&x->tdst);
	free_table(&x->tpair);
	free_table(&x->tdns);
	bk__arena_free(&x->arena);
	bk_tz_free(x->set.tz);
	free(x->set.window_text);
	free(x->set.tz_name);
	free(x->err);
	free(x);
}

void
bk_exfil_set_allow(bk_exfil *x, const bk_allow *a)
{
	x->allow = a;
}

void
bk_exfil_set_baseline(bk_exfil *x, const bk_baseline *b)
{
	x->base = b;
}

const char *
bk_exfil_error(const bk_exfil *x)
{
	return x->err != NULL ? x->err : "";
}

void
bk_exfil_get_counts(const bk_exfil *x, bk_exfil_counts *c)
{
	c->events = x->events;
	c->allowed = x->allowed;
	c->skipped = x->skipped;
	c->dropped = x->dropped;
	c->evicted = x->evicted;
	c->evicted_events = x->evicted_events;
	c->first = x->first;
	c->last = x->last;
}

/* ---- the arena and the tables -------------------------------------------- */

void
bk__arena_free(struct bk__arena *a)
{
	while (a->head != NULL) {
		struct bk__chunk *c = a->head;

		a->head = c->next;
		free(c);
	}
}

const char *
bk__arena_str(struct bk__arena *a, const char *s, size_t len)
{
	struct bk__chunk *c = a->head;
	char *p;

	if (c == NULL || c->size - c->used < len + 1) {
		size_t size = len + 1 > 65536 - sizeof *c ? len + 1 : 65536 - sizeof *c;

		if ((c = malloc(sizeof *c + size)) == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	memcpy(p, s, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

/*
 * Asks for huge pages under the LEN bytes at P, where the kernel gives
 * them on request (transparent huge pages in "madvise" mode). The pair
 * index and the pairs are hundreds of megabytes read at random, once per
 * event: with 4 KiB pages nearly every event misses the TLB as well as
 * the cache. Only the whole 2 MiB pages inside are asked for; a refusal
 * changes nothing.
 */
static void
want_huge(void *p, size_t len)
{
#ifdef MADV_HUGEPAGE
	const uintptr_t huge = (uintptr_t)2 << 20;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), e = ((uintptr_t)p + len) & ~(huge - 1);

	if (e > a)
		(void)madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
	(void)p;
	(void)len;
#endif
}

/* A slot's value: entry index + 1 (I1), with hash H's low half. */
static inline uint64_t
slot_make(uint32_t i1, uint64_t h)
{
	return (uint64_t)(uint32_t)h << 32 | i1;
}

/* The entry index + 1 a slot holds (0: empty). */
static inline uint32_t
slot_index(uint64_t v)
{
	return (uint32_t)v;
}

/*
 * The slot for hash H in T: one holding an index EQ accepts, or an empty
 * one (0) where it would go. Only entries whose kept hash is H's are
 * looked at.
 */
static uint64_t *
slot_of(struct table *t, uint64_t h, bool (*eq)(const bk_exfil *, uint32_t, const void *),
    const bk_exfil *x, const void *key)
{
	size_t mask = t->cap - 1, i = (size_t)h & mask;
	uint32_t tag = (uint32_t)h;

	for (;;) {
		uint64_t v = t->slots[i];

		if (v == 0 || ((uint32_t)(v >> 32) == tag && eq(x, slot_index(v) - 1, key)))
			return &t->slots[i];
		i = (i + 1) & mask;
	}
}

/*
 * Makes room for one more entry. The slots move by the hash they keep
 * (its low half, which is all a table of up to 2^32 slots uses).
 */
static int
table_reserve(struct table *t)
{
	uint64_t *old = t->slots;
	size_t oldcap = t->cap;

	if ((t->n + 1) * 2 <= t->cap)
		return BK_OK;
	t->cap = oldcap ? oldcap * 2 : 1024;
	if ((t->slots = calloc(t->cap, sizeof *t->slots)) == NULL) {
		t->slots = old;
		t->cap = oldcap;
		return BK_NOMEM;
	}
	want_huge(t->slots, t->cap * sizeof *t->slots);
	for (size_t i = 0; i < oldcap; i++)
		if (old[i] != 0) {
			size_t mask = t->cap - 1, j = (size_t)(old[i] >> 32) & mask;

			while (t->slots[j] != 0)
				j = (j + 1) & mask;
			t->slots[j] = old[i];
		}
	free(old);
	return BK_OK;
}

struct strkey {
	const char *s;
	size_t len;
};

/* The pair's hash from its two indexes. */
static uint64_t
pair_key_hash(uint32_t src, uint32_t dst)
{
	return bk__hash_finish(((uint64_t)src << 32 | dst) * UINT64_C(0x9e3779b97f4a7c15), 8);
}

static bool
src_eq(const bk_exfil *x, uint32_t i, const void *k)
{
	const struct strkey *s = k;

	return x->src[i].len == s->len && memcmp(x->src[i].name, s->s, s->len) == 0;
}

static bool
dst_eq(const bk_exfil *x, uint32_t i, const void *k)
{
	const struct strkey *s = k;

	return x->dst[i].len == s->len && memcmp(x->dst[i].name, s->s, s->len) == 0;
}

static bool
pair_eq(const bk_exfil *x, uint32_t i, const void *k)
{
	const uint32_t *sd = k;

	return x->pair[i].src == sd[0] && x->pair[i].dst == sd[1];
}

struct dnskey {
	uint32_t src;
	struct strkey dom;
};

static bool
dns_eq(const bk_exfil *x, uint32_t i, const void *k)
{
	const struct dnskey *d = k;

	return x->dns[i].src == d->src && x->dns[i].len == d->dom.len &&
	    memcmp(x->dns[i].domain, d->dom.s, d->dom.len) == 0;
}

/* Source NAME's index, created when new; -1 on OOM. */
int64_t
bk__exfil_source(bk_exfil *x, const char *name, size_t len)
{
	struct strkey k = { name, len };
	uint64_t h = bk__hash64(name, len);
	uint64_t *slot;
	struct source *s;

	if (table_reserve(&x->tsrc) != BK_OK)
		return -1;
	slot = slot_of(&x->tsrc, h, src_eq, x, &k);
	if (*slot != 0)
		return slot_index(*slot) - 1;
	if (bk__grow(&x->src, &x->capsrc, x->nsrc + 1, sizeof *x->src) != BK_OK)
		return -1;
	s = &x->src[x->nsrc];
	memset(s, 0, sizeof *s);
	if ((s->name = bk__arena_str(&x->arena, name, len)) == NULL ||
	    (s->dsts = bk_distinct_new(64, 10)) == NULL) {
		bk_distinct_free(s->dsts);
		return -1;
	}
	s->len = len;
	s->h = h;
	s->first = INT64_MAX;
	s->last = INT64_MIN;
	*slot = slot_make((uint32_t)++x->nsrc, h);
	x->tsrc.n++;
	return x->nsrc - 1;
}

int64_t
bk__exfil_dest(bk_exfil *x, const char *name, size_t len)
{
	struct strkey k = { name, len };
	uint64_t h = bk__hash64(name, len);
	uint64_t *slot;
	struct dest *d;

	if (table_reserve(&x->tdst) != BK_OK)
		return -1;
	slot = slot_of(&x->tdst, h, dst_eq, x, &k);
	if (*slot != 0)
		return slot_index(*slot) - 1;
	if (bk__grow(&x->dst, &x->capdst, x->ndst + 1, sizeof *x->dst) != BK_OK)
		return -1;
	d = &x->dst[x->ndst];
	memset(d, 0, sizeof *d);
	if ((d->name = bk__arena_str(&x->arena, name, len)) == NULL ||
	    (d->srcs = bk_distinct_new(32, 10)) == NULL) {
		bk_distinct_free(d->srcs);
		return -1;
	}
	d->len = len;
	d->h = h;
	*slot = slot_make((uint32_t)++x->ndst, h);
	x->tdst.n++;
	return x->ndst - 1;
}

/*
 * Whether pair P is quiet: no upload or long session, fewer connections
 * than a beacon needs, fewer bytes sent than any threshold, its samples
 * still every connection. No detector can fire on it as it stands.
 */
static bool
quiet(const bk_exfil *x, const struct pair *p)
{
	const struct settings *s = &x->set;
	uint64_t least = s->rare_bytes;

	if (s->pair_threshold < least)
		least = s->pair_threshold;
	if (s->after_bytes < least)
		least = s->after_bytes;
	if (s->archive_min_bytes < least)
		least = s->archive_min_bytes;
	return p->ext == 0 && p->agg == NULL && (int64_t)p->events < s->beacon_min &&
	    p->bytes_in < least;
}

/*
 * The eviction policy, when limits.max_pairs pairs are kept and a new one
 * comes: the quiet pairs go (their events counted in bk_exfil_counts'
 * evicted), the others stay, and the index is rebuilt. A pair that comes
 * back starts afresh. When a sweep frees less than a sixteenth of the
 * bound, new pairs are left out (dropped) for a quarter of the bound
 * before the next sweep, so that a table of busy pairs is not swept for
 * every event. Returns the number of pairs freed.
 */
static size_t
sweep(bk_exfil *x)
{
	size_t j = 0, freed;

	for (size_t i = 0; i < x->npair; i++) {
		struct pair *p = &x->pair[i];

		if (quiet(x, p)) {
			x->evicted++;
			x->evicted_events += p->events;
			free(p->s);
			continue;
		}
		if (j != i)
			x->pair[j] = *p;
		j++;
	}
	freed = x->npair - j;
	x->npair = j;
	memset(x->tpair.slots, 0, x->tpair.cap * sizeof *x->tpair.slots);
	for (size_t i = 0; i < x->npair; i++) {
		uint64_t h = pair_key_hash(x->pair[i].src, x->pair[i].dst);
		size_t mask = x->tpair.cap - 1, k = (size_t)h & mask;

		while (x->tpair.slots[k] != 0)
			k = (k + 1) & mask;
		x->tpair.slots[k] = slot_make((uint32_t)(i + 1), h);
	}
	x->tpair.n = x->npair;
	if (freed < (size_t)x->set.max_pairs / 16)
		x->sweep_wait = (uint64_t)x->set.max_pairs / 4;
	return freed;
}

/* Starts loading the index slot where pair SRC -> DST is, for bk__exfil_pair soon after. */
static inline void
pair_prefetch(const bk_exfil *x, uint32_t src, uint32_t dst)
{
	if (x->tpair.cap > 0)
		__builtin_prefetch(&x->tpair.slots[pair_key_hash(src, dst) & (x->tpair.cap - 1)]);
}

/* The pair's index; -1 on OOM, -2 when the bound is reached and nothing could be evicted. */
int64_t
bk__exfil_pair(bk_exfil *x, uint32_t src, uint32_t dst, bool *created)
{
	uint32_t k[2] = { src, dst };
	uint64_t h = pair_key_hash(src, dst);
	uint64_t *slot;
	struct pair *p;

	*created = false;
	if (table_reserve(&x->tpair) != BK_OK)
		return -1;
	slot = slot_of(&x->tpair, h, pair_eq, x, k);
	if (*slot != 0)
		return slot_index(*slot) - 1;
	if ((int64_t)x->npair >= x->set.max_pairs) {
		if (x->sweep_wait > 0) {
			x->sweep_wait--;
			return -2;
		}
		if (sweep(x) == 0)
			return -2;
		slot = slot_of(&x->tpair, h, pair_eq, x, k);
	}
	if (x->npair == x->cappair) {
		if (bk__grow(&x->pair, &x->cappair, x->npair + 1, sizeof *x->pair) != BK_OK)
			return -1;
		want_huge(x->pair, x->cappair * sizeof *x->pair);
	}
	p = &x->pair[x->npair];
	memset(p, 0, sizeof *p);
	p->src = src;
	p->dst = dst;
	p->first = INT64_MAX;
	p->last = INT64_MIN;
	*slot = slot_make((uint32_t)++x->npair, h);
	x->tpair.n++;
	*created = true;
	return x->npair - 1;
}

int64_t
bk__exfil_dns(bk_exfil *x, uint32_t src, const char *dom, size_t len)
{
	struct dnskey k = { src, { dom, len } };
	uint64_t h = bk__hash64(dom, len) ^ ((uint64_t)src * UINT64_C(0x9e3779b97f4a7c15));
	uint64_t *slot;
	struct dns *d;

	if (table_reserve(&x->tdns) != BK_OK)
		return -1;
	slot = slot_of(&x->tdns, h, dns_eq, x, &k);
	if (*slot != 0)
		return slot_index(*slot) - 1;
	if (bk__grow(&x->dns, &x->capdns, x->ndns + 1, sizeof *x->dns) != BK_OK)
		return -1;
	d = &x->dns[x->ndns];
	memset(d, 0, sizeof *d);
	if ((d->domain = bk__arena_str(&x->arena, dom, len)) == NULL ||
	    (d->subs = bk_distinct_new(64, 12)) == NULL) {
		bk_distinct_free(d->subs);
		return -1;
	}
	d->src = src;
	d->len = len;
	d->h = h;
	d->first = INT64_MAX;
	d->last = INT64_MIN;
	*slot = slot_make((uint32_t)++x->ndns, h);
	x->tdns.n++;
	return x->ndns - 1;
}

/* The index of file NAME in the file table; UINT32_MAX on OOM. */
uint32_t
bk__exfil_file(bk_exfil *x, const char *name, size_t len)
{
	char *d;

	if (x->lastfile < x->nfiles && strlen(x->files[x->lastfile]) == len &&
	    memcmp(x->files[x->lastfile], name, len) == 0)
		return x->lastfile;
	for (size_t i = 0; i < x->nfiles; i++)
		if (strlen(x->files[i]) == len && memcmp(x->files[i], name, len) == 0)
			return x->lastfile = (uint32_t)i;
	if (x->nfiles >= EVID_MAX_FILES - 1 ||
	    bk__grow(&x->files, &x->capfiles, x->nfiles + 1, sizeof *x->files) != BK_OK ||
	    (d = bk__dup_bytes(name, len)) == NULL)
		return UINT32_MAX;
	x->files[x->nfiles] = d;
	return x->lastfile = (uint32_t)x->nfiles++;
}

/* ---- adding events ------------------------------------------------------- */

/* Whether evidence A comes before B: by time, then file name, then line. */
static bool
evid_before(const bk_exfil *x, const struct evid *a, const struct evid *b)
{
	int c;

	uint32_t fa = bk__evid_file(a), fb = bk__evid_file(b);

	if (a->ts != b->ts)
		return a->ts < b->ts;
	if (fa != fb && (c = strcmp(x->files[fa], x->files[fb])) != 0)
		return c < 0;
	return bk__evid_line(a) < bk__evid_line(b);
}

/* Keeps the NEVID earliest of the evidence in E (*N of them, sorted) and EV. */
void
bk__evid_add(const bk_exfil *x, struct evid *e, uint8_t *n, struct evid ev)
{
	size_t i;

	if (*n == NEVID && !evid_before(x, &ev, &e[NEVID - 1]))
		return;
	for (i = 0; i < *n; i++) {
		if (e[i].ts == ev.ts && e[i].at == ev.at)
			return;
		if (evid_before(x, &ev, &e[i]))
			break;
	}
	if (*n < NEVID)
		(*n)++;
	memmove(&e[i + 1], &e[i], (*n - 1 - i) * sizeof *e);
	e[i] = ev;
}

static uint32_t
clamp32(uint64_t v)
{
	return v < UINT32_MAX ? (uint32_t)v : UINT32_MAX;
}

/* Room for N samples in P. */
static int
sample_room(struct pair *p, uint32_t n)
{
	struct sample *s;

	if ((s = realloc(p->s, (size_t)n * sizeof *s)) == NULL)
		return BK_NOMEM;
	p->s = s;
	p->caps = n;
	return BK_OK;
}

static uint64_t
sample_size(const struct sample *s)
{
	return (uint64_t)s->in + s->out;
}

/*
 * Keeps the earliest max_samples samples of P (by time, then size);
 * BK_OK or BK_NOMEM. A pair whose samples are full is spilled (it has its
 * pagg) before more are offered, so replacing one loses nothing counted.
 */
int
bk__sample_add(bk_exfil *x, struct pair *p, int64_t ts, uint64_t in, uint64_t out)
{
	uint32_t cap = (uint32_t)x->set.max_samples;
	struct sample n = { ts, clamp32(in), clamp32(out) }, *m;

	if (p->ns < cap) {
		if (p->ns == p->caps) {
			uint32_t c = p->caps ? p->caps * 2 : 4;

			if (sample_room(p, c < cap ? c : cap) != BK_OK)
				return BK_NOMEM;
		}
		p->s[p->ns++] = n;
		m = &p->s[p->maxs];
		if (p->ns == 1 || ts > m->ts || (ts == m->ts && sample_size(&n) > sample_size(m)))
			p->maxs = p->ns - 1;
		return BK_OK;
	}
	/* Full: replace the latest when this one is earlier. */
	m = &p->s[p->maxs];
	if (ts > m->ts || (ts == m->ts && sample_size(&n) >= sample_size(m)))
		return BK_OK;
	*m = n;
	for (uint32_t i = 0; i < p->ns; i++) {
		m = &p->s[p->maxs];
		if (p->s[i].ts > m->ts || (p->s[i].ts == m->ts &&
		    sample_size(&p->s[i]) > sample_size(m)))
			p->maxs = i;
	}
	return BK_OK;
}

/* Adds V to the bucket of hour H in the sorted bucket array. */
int
bk__pbuck_add(struct pagg *p, int32_t h, uint64_t v)
{
	uint32_t lo = 0, hi = p->nb;

	if (p->nb > 0 && p->b[p->nb - 1].hour == h) {
		p->b[p->nb - 1].in += v;
		return BK_OK;
	}
	if (p->nb == 0 || p->b[p->nb - 1].hour < h)
		lo = hi = p->nb;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (p->b[mid].hour < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < p->nb && p->b[lo].hour == h) {
		p->b[lo].in += v;
		return BK_OK;
	}
	if (p->nb == p->capb) {
		size_t c = p->capb;

		if (bk__grow(&p->b, &c, p->nb + 1, sizeof *p->b) != BK_OK)
			return BK_NOMEM;
		p->capb = (uint32_t)c;
	}
	memmove(&p->b[lo + 1], &p->b[lo], (p->nb - lo) * sizeof *p->b);
	p->b[lo] = (struct pbuck){ h, v };
	p->nb++;
	return BK_OK;
}

static bool after_hours(bk_exfil *x, int64_t ts);
static int32_t hour_of(int64_t ts);

/* Counts one connection at TS that sent IN bytes into A. */
static int
agg_event(bk_exfil *x, struct pagg *a, int64_t ts, uint64_t in)
{
	a->hod[(ts / HOUR_MS % 24 + 24) % 24]++;
	if (in == 0)
		return BK_OK;
	if (bk__pbuck_add(a, hour_of(ts), in) != BK_OK)
		return BK_NOMEM;
	if (after_hours(x, ts)) {
		a->after_n++;
		a->after_bytes += in;
		if (ts < a->after_first)
			a->after_first = ts;
		if (ts > a->after_last)
			a->after_last = ts;
	}
	return BK_OK;
}

/* A's figures counted afresh from the samples of P, which hold every connection. */
static int
agg_from_samples(bk_exfil *x, const struct pair *p, struct pagg *a)
{

	memset(a->hod, 0, sizeof a->hod);
	a->after_n = a->after_bytes = 0;
	a->after_first = INT64_MAX;
	a->after_last = INT64_MIN;
	a->nb = 0;
	for (uint32_t i = 0; i < p->ns; i++)
		if (agg_event(x, a, p->s[i].ts, p->s[i].in) != BK_OK)
			return BK_NOMEM;
	return BK_OK;
}

/*
 * Gives P its own pagg, counted from its samples, before they stop holding
 * every connection; BK_OK (also when it has one) or BK_NOMEM.
 */
int
bk__pair_spill(bk_exfil *x, struct pair *p)
{
	struct pagg *a;

	if (p->agg != NULL)
		return BK_OK;
	if ((a = calloc(1, sizeof *a)) == NULL)
		return BK_NOMEM;
	if (agg_from_samples(x, p, a) != BK_OK) {
		free(a->b);
		free(a);
		return BK_NOMEM;
	}
	p->agg = a;
	return BK_OK;
}

/*
 * P's figures by hour in *OUT: its own pagg, or one counted from its
 * samples into the detector's scratch (valid until the next call).
 */
int
bk__pair_agg(bk_exfil *x, const struct pair *p, const struct pagg **out)
{
	if (p->agg != NULL) {
		*out = p->agg;
		return BK_OK;
	}
	*out = &x->scratch;
	return agg_from_samples(x, p, &x->scratch);
}

static const struct pextra no_extra = { .up_first = INT64_MAX, .up_last = INT64_MIN };

/* P's pextra, made when it has none; NULL on OOM. Moves the others. */
struct pextra *
bk__pair_extra(bk_exfil *x, struct pair *p)
{
	if (p->ext != 0)
		return &x->ext[p->ext - 1];
	if (x->next >= UINT32_MAX - 1 ||
	    bk__grow(&x->ext, &x->capext, x->next + 1, sizeof *x->ext) != BK_OK)
		return NULL;
	x->ext[x->next] = no_extra;
	p->ext = (uint32_t)++x->next;
	return &x->ext[x->next - 1];
}

/* P's pextra, or one with nothing in it. */
const struct pextra *
bk__pair_extra_of(const bk_exfil *x, const struct pair *p)
{
	return p->ext != 0 ? &x->ext[p->ext - 1] : &no_extra;
}

/* The source's bucket of hour H (created); NULL on OOM. */
struct hourb *
bk__hourb_of(struct source *s, int32_t h)
{
	uint32_t lo = 0, hi = s->nhours;

	if (s->nhours > 0 && s->hours[s->nhours - 1].hour == h)
		return &s->hours[s->nhours - 1];
	if (s->nhours == 0 || s->hours[s->nhours - 1].hour < h)
		lo = hi = s->nhours;
	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (s->hours[mid].hour < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < s->nhours && s->hours[lo].hour == h)
		return &s->hours[lo];
	if (s->nhours == s->caphours) {
		size_t c = s->caphours;

		if (bk__grow(&s->hours, &c, s->nhours + 1, sizeof *s->hours) != BK_OK)
			return NULL;
		s->caphours = (uint32_t)c;
	}
	memmove(&s->hours[lo + 1], &s->hours[lo], (s->nhours - lo) * sizeof *s->hours);
	memset(&s->hours[lo], 0, sizeof *s->hours);
	s->hours[lo].hour = h;
	s->nhours++;
	return &s->hours[lo];
}

static bool
span_is(bk_span s, const char *t)
{
	size_t n = strlen(t);

	return s.ptr != NULL && s.len == n && memcmp(s.ptr, t, n) == 0;
}

/* The extras bk_exfil_add looks at, found in one pass over the event's. */
struct extras {
	bk_span duration, duration_ms, mime, filename, agent;
};

static void
set_once(bk_span *s, bk_span v)
{
	if (s->ptr == NULL)
		*s = v;
}

static void
get_extras(const bk_event *ev, struct extras *e)
{
	memset(e, 0, sizeof *e);
	for (size_t i = 0; i < ev->nextra; i++) {
		const char *k = ev->extra[i].key;

		switch (k[0]) {
		case 'd':
			if (strcmp(k, "duration") == 0)
				set_once(&e->duration, ev->extra[i].val);
			else if (strcmp(k, "duration_ms") == 0)
				set_once(&e->duration_ms, ev->extra[i].val);
			break;
		case 'f':
			if (strcmp(k, "filename") == 0)
				set_once(&e->filename, ev->extra[i].val);
			break;
		case 'm':
			if (strcmp(k, "mime_type") == 0)
				set_once(&e->mime, ev->extra[i].val);
			break;
		case 'u':
			if (strcmp(k, "user_agent") == 0)
				set_once(&e->agent, ev->extra[i].val);
			break;
		}
	}
}

/*
 * A duration extra in milliseconds: "duration" (seconds) or "duration_ms";
 * -1 when absent. Plain digits (Squid's elapsed time) are read here,
 * anything else by strtod.
 */
static int64_t
duration_ms(const struct extras *e)
{
	char buf[32];
	bk_span s = e->duration;
	double scale = 1000;
	char *end;
	double v;

	if (s.ptr == NULL) {
		s = e->duration_ms;
		scale = 1;
	}
	if (s.ptr == NULL || s.len == 0 || s.len >= sizeof buf)
		return -1;
	if (s.len <= 15) {
		int64_t n = 0;
		size_t i;

		for (i = 0; i < s.len && s.ptr[i] >= '0' && s.ptr[i] <= '9'; i++)
			n = n * 10 + (s.ptr[i] - '0');
		if (i == s.len)
			return scale == 1 ? n : n * 1000;
	}
	memcpy(buf, s.ptr, s.len);
	buf[s.len] = '\0';
	v = strtod(buf, &end);
	if (end == buf || *end != '\0' || !(v >= 0) || v > 1e15)
		return -1;
	return (int64_t)(v * scale + 0.5);
}

/* Whether the instant TS falls outside the working hours and days. */
static bool
after_hours(bk_exfil *x, int64_t ts)
{
	int64_t hour = ts >= 0 ? ts / HOUR_MS : (ts - HOUR_MS + 1) / HOUR_MS, local, days;
	int minute, wday;

	if (hour != x->cached_hour) {
		x->cached_hour = hour;
		x->cached_off = bk_tz_offset(x->set.tz, ts);
	}
	local = ts + (int64_t)x->cached_off * 1000;
	days = local >= 0 ? local / DAY_MS : (local - DAY_MS + 1) / DAY_MS;
	minute = (int)((local - days * DAY_MS) / 60000);
	wday = (int)(((days + 4) % 7 + 7) % 7);	/* 1970-01-01 was a Thursday */
	if (!(x->set.work_days & (1u << wday)))
		return true;
	return !bk_conf_hours_contain(x->set.work_start, x->set.work_end, minute);
}

static int32_t
hour_of(int64_t ts)
{
	return (int32_t)(ts >= 0 ? ts / HOUR_MS : (ts - HOUR_MS + 1) / HOUR_MS);
}

static int
add_dns(bk_exfil *x, uint32_t si, const bk_event *ev, struct evid e)
{
	bk_span q = ev->str[BK_EV_OBJECT].ptr != NULL ? ev->str[BK_EV_OBJECT] : ev->str[BK_EV_DST];
	bk_span dom;
	size_t qlen = q.len, sublen;
	int64_t di;
	struct dns *d;

	if (q.ptr == NULL || q.len == 0)
		return BK_OK;
	if (q.ptr[qlen - 1] == '.')
		qlen--;
	dom = bk_registered_domain(q.ptr, qlen);
	if ((di = bk__exfil_dns(x, si, dom.ptr, dom.len)) < 0)
		return BK_NOMEM;
	d = &x->dns[di];
	d->queries++;
	if (ev->ts < d->first)
		d->first = ev->ts;
	if (ev->ts > d->last)
		d->last = ev->ts;
	sublen = dom.ptr > q.ptr ? (size_t)(dom.ptr - q.ptr) - 1 : 0;
	if (sublen > 0) {
		double ent = 0;
		size_t letters = 0;

		if (bk_distinct_add(d->subs, bk__hash64(q.ptr, sublen)) != BK_OK)
			return BK_NOMEM;
		/* Length and entropy of the characters, dots aside. */
		{
			char buf[256];

			for (size_t i = 0; i < sublen && letters < sizeof buf; i++)
				if (q.ptr[i] != '.')
					buf[letters++] = bk__lower(q.ptr[i]);
			ent = bk_entropy(buf, letters);
		}
		d->named++;
		d->len_sum += letters;
		d->qbytes += sublen;
		d->ent_sum += (int64_t)llround(ent * 1e6);
		if (letters > d->max_len)
			d->max_len = (uint32_t)letters;
	}
	bk__evid_add(x, d->ev, &d->nev, e);
	return BK_OK;
}

/*
 * The account seen behind a source address: the smallest name seen, so that
 * the choice does not depend on the order events come in.
 */
static int
set_actor(bk_exfil *x, struct source *s, const bk_event *ev)
{
	bk_span a = ev->str[BK_EV_ACTOR];

	if (a.ptr == NULL || a.len == 0 || ev->str[BK_EV_IP].ptr == NULL || span_is(a, "-"))
		return BK_OK;
	if (s->actor != NULL) {
		size_t n = strlen(s->actor);
		int c = memcmp(a.ptr, s->actor, a.len < n ? a.len : n);

		if (c > 0 || (c == 0 && a.len >= n))
			return BK_OK;
	}
	return (s->actor = bk__arena_str(&x->arena, a.ptr, a.len)) == NULL ? BK_NOMEM : BK_OK;
}

/* An upload to pair P: its methods, archives and size, in the pair's pextra. */
static int
add_upload(bk_exfil *x, struct pair *p, const bk_event *ev, const struct extras *xe,
    uint64_t in, struct evid e)
{
	bk_span obj = ev->str[BK_EV_OBJECT], method = ev->str[BK_EV_METHOD];
	bool part = false;
	const char *kind = obj.ptr != NULL ? bk_archive_kind(obj.ptr, obj.len, &part) : NULL;
	struct pextra *u;

	if (kind == NULL && span_is(ev->str[BK_EV_ACTION], "upload") && xe->mime.ptr != NULL)
		kind = bk_archive_mime(xe->mime.ptr, xe->mime.len);
	if (kind == NULL && xe->filename.ptr != NULL)
		kind = bk_archive_kind(xe->filename.ptr, xe->filename.len, &part);
	if ((u = bk__pair_extra(x, p)) == NULL)
		return BK_NOMEM;
	u->uploads++;
	u->posts += span_is(method, "POST");
	u->puts += span_is(method, "PUT");
	if (ev->ts < u->up_first)
		u->up_first = ev->ts;
	if (ev->ts > u->up_last)
		u->up_last = ev->ts;
	if (kind != NULL) {
		u->archive_n++;
		u->archive_bytes += in;
		u->archive_kinds |= bk__exfil_kind_bit(kind);
		u->archive_part |= part;
	}
	if (in >= x->set.large) {
		u->large_n++;
		u->large_bytes += in;
	}
	bk__evid_add(x, u->ev_up, &u->nev_up, e);
	return BK_OK;
}

int
bk_exfil_add(bk_exfil *x, const bk_event *ev)
{
	bk_span src = ev->str[BK_EV_IP], dst = ev->str[BK_EV_DST], method;
	int64_t si, di = -1, pi, in = ev->bytes_in, out = ev->bytes_out, dur;
	struct source *s;
	struct pair *p;
	struct hourb *hb;
	struct extras xe;
	struct evid e;
	bool upload, dns;
	uint32_t fi;
	bool created;

	x->events++;
	if (src.ptr == NULL || src.len == 0)
		src = ev->str[BK_EV_ACTOR];
	if (src.ptr == NULL || src.len == 0 || ev->ts == BK_EVENT_NONE) {
		x->skipped++;
		return 1;
	}
	get_extras(ev, &xe);
	if (x->allow != NULL) {
		if (bk_allow_addr(x->allow, src.ptr, src.len) ||
		    (dst.ptr != NULL && (bk_allow_addr(x->allow, dst.ptr, dst.len) ||
		    bk_allow_host(x->allow, dst.ptr, dst.len))) ||
		    (xe.agent.ptr != NULL && bk_allow_agent(x->allow, xe.agent.ptr, xe.agent.len))) {
			x->allowed++;
			return 1;
		}
	}
	if (ev->ts < x->first)
		x->first = ev->ts;
	if (ev->ts > x->last)
		x->last = ev->ts;
	if (in < 0)
		in = 0;
	if (out < 0)
		out = 0;
	if ((si = bk__exfil_source(x, src.ptr, src.len)) < 0)
		return BK_NOMEM;
	/*
	 * The destination (a small table, in cache) at once, and the pair's
	 * index slot asked for: with hundreds of thousands of pairs it is a
	 * cache miss, which then overlaps the source's bookkeeping below.
	 */
	dns = span_is(ev->str[BK_EV_ACTION], "dns");
	if (!dns && dst.ptr != NULL && dst.len > 0) {
		if ((di = bk__exfil_dest(x, dst.ptr, dst.len)) < 0)
			return BK_NOMEM;
		pair_prefetch(x, (uint32_t)si, (uint32_t)di);
	}
	if ((fi = bk__exfil_file(x, ev->file != NULL ? ev->file : "-",
	    ev->file != NULL ? strlen(ev->file) : 1)) == UINT32_MAX)
		return BK_NOMEM;
	e = bk__evid(ev->ts, fi, ev->line);
	s = &x->src[si];
	s->events++;
	s->bytes_in += (uint64_t)in;
	s->bytes_out += (uint64_t)out;
	if (ev->ts < s->first)
		s->first = ev->ts;
	if (ev->ts > s->last)
		s->last = ev->ts;
	if ((hb = bk__hourb_of(s, hour_of(ev->ts))) == NULL)
		return BK_NOMEM;
	hb->events++;
	hb->in += (uint64_t)in;
	hb->out += (uint64_t)out;

	if (dns)
		return add_dns(x, (uint32_t)si, ev, e);
	if (dst.ptr == NULL || dst.len == 0)
		return BK_OK;
	s = &x->src[si];
	pi = bk__exfil_pair(x, (uint32_t)si, (uint32_t)di, &created);
	if (pi == -1)
		return BK_NOMEM;
	/* A pair already kept has been counted in both distinct counts. */
	if ((pi < 0 || created) &&
	    (bk_distinct_add(x->dst[di].srcs, s->h) != BK_OK ||
	    bk_distinct_add(s->dsts, x->dst[di].h) != BK_OK))
		return BK_NOMEM;
	method = ev->str[BK_EV_METHOD];
	upload = span_is(method, "POST") || span_is(method, "PUT") ||
	    span_is(ev->str[BK_EV_ACTION], "upload");
	x->dst[di].events++;
	x->dst[di].bytes_in += (uint64_t)in;
	x->dst[di].uploads += upload;
	if (pi == -2) {
		x->dropped++;
		return BK_OK;
	}
	p = &x->pair[pi];
	p->events++;
	p->bytes_in += (uint64_t)in;
	p->bytes_out += (uint64_t)out;
	p->sized += ev->bytes_in != BK_EVENT_NONE;
	if (ev->bytes_in != BK_EVENT_NONE || ev->bytes_out != BK_EVENT_NONE)
		p->has_size = true;
	if (ev->ts < p->first)
		p->first = ev->ts;
	if (ev->ts > p->last)
		p->last = ev->ts;
	/* The hourly figures: counted from the samples while they hold every connection. */
	if (p->agg == NULL && (p->ns == (uint32_t)x->set.max_samples || in > UINT32_MAX ||
	    out > UINT32_MAX) && bk__pair_spill(x, p) != BK_OK)
		return BK_NOMEM;
	if (p->agg != NULL && agg_event(x, p->agg, ev->ts, (uint64_t)in) != BK_OK)
		return BK_NOMEM;
	if (bk__sample_add(x, p, ev->ts, (uint64_t)in, (uint64_t)out) != BK_OK)
		return BK_NOMEM;
	bk__evid_add(x, p->ev_any, &p->nev_any, e);
	if (upload && add_upload(x, p, ev, &xe, (uint64_t)in, e) != BK_OK)
		return BK_NOMEM;
	if ((dur = duration_ms(&xe)) >= 0 && dur >= x->set.long_session) {
		struct pextra *u = bk__pair_extra(x, p);

		if (u == NULL)
			return BK_NOMEM;
		u->long_n++;
		u->long_ms += dur;
	}
	return set_actor(x, s, ev);
}
