/*
 * exfil-private.h - the tables behind bk_exfil, shared by exfil-agg.c
 * (settings, tables, adding events) and exfil-detect.c (the detectors,
 * incidents, summary, state records and baselines). Not installed.
 */
#ifndef BK_EXFIL_PRIVATE_H
#define BK_EXFIL_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exfil.h"
#include "sketch.h"
#include "timefmt.h"

/* Evidence lines kept per pair (uploads, any) and per DNS entry: the earliest. */
#define NEVID 8

struct settings {
	int64_t window_ms;
	char *window_text;
	uint64_t pair_threshold, source_threshold, ratio_min_bytes;
	double min_z, mad_floor, ratio;
	uint64_t archive_min_bytes, large;
	int64_t beacon_min, max_samples;
	double beacon_score, beacon_jitter, beacon_share;
	int64_t long_session, long_threshold;
	int64_t dns_distinct;
	double dns_length, dns_entropy;
	int64_t rare_sources, rare_population, rare_uploads;
	uint64_t rare_bytes;
	int work_start, work_end;
	unsigned work_days;
	char *tz_name;
	bk_tz *tz;
	uint64_t after_bytes;
	int64_t max_pairs;
};

/* A chunked string arena: names live as long as the detector. */
struct bk__chunk {
	struct bk__chunk *next;
	size_t size, used;
	char data[];
};

struct bk__arena {
	struct bk__chunk *head;
};

void bk__arena_free(struct bk__arena *a);
const char *bk__arena_str(struct bk__arena *a, const char *s, size_t len);

/* An open-addressing index: slots hold entry index + 1, 0 is empty. */
/*
 * An open-addressed index: each slot the entry's index + 1 in its low half
 * and the low half of the entry's hash in its high half (0: empty). The
 * hash kept beside the index spares looking at the entries a probe passes
 * over and rehashing them on growth: with hundreds of thousands of pairs
 * each of those is a cache miss.
 */
struct table {
	uint64_t *slots;
	size_t cap, n;
};

struct hourb {
	int32_t hour;		/* hours since the epoch */
	uint32_t events;
	uint64_t in, out;
};

struct pbuck {
	int32_t hour;
	uint64_t in;
};

/*
 * A line of evidence: its time, then the file (index into bk_exfil.files,
 * the top 24 bits of AT) and the line (the low 40 bits). 16 bytes, not 24:
 * every pair keeps NEVID of them.
 */
struct evid {
	int64_t ts;
	uint64_t at;
};

#define EVID_LINE_BITS 40
#define EVID_LINE_MAX ((UINT64_C(1) << EVID_LINE_BITS) - 1)
#define EVID_MAX_FILES (UINT32_C(1) << (64 - EVID_LINE_BITS))

static inline struct evid
bk__evid(int64_t ts, uint32_t file, uint64_t line)
{
	return (struct evid){ ts, (uint64_t)file << EVID_LINE_BITS |
	    (line < EVID_LINE_MAX ? line : EVID_LINE_MAX) };
}

static inline uint32_t
bk__evid_file(const struct evid *e)
{
	return (uint32_t)(e->at >> EVID_LINE_BITS);
}

static inline uint64_t
bk__evid_line(const struct evid *e)
{
	return e->at & EVID_LINE_MAX;
}

struct source {
	const char *name, *actor;
	size_t len;
	uint64_t h, events, bytes_in, bytes_out;
	int64_t first, last;
	bk_distinct *dsts;
	struct hourb *hours;	/* sorted by hour */
	uint32_t nhours, caphours;
};

struct dest {
	const char *name;
	size_t len;
	uint64_t h, events, bytes_in, uploads;
	bk_distinct *srcs;
};

/*
 * What few pairs have - uploads, archives, long sessions - kept apart in
 * bk_exfil.ext so that the many pairs of plain browsing do not carry it.
 */
struct pextra {
	uint64_t uploads, posts, puts;
	int64_t up_first, up_last;
	uint64_t archive_n, archive_bytes, large_n, large_bytes;
	uint32_t archive_kinds;
	bool archive_part;
	uint8_t nev_up;
	uint64_t long_n;
	int64_t long_ms;
	struct evid ev_up[NEVID];
};

/*
 * A pair's figures by hour: connections per hour of the day, bytes sent
 * per hour (sorted, only hours with some) and after working hours. While a
 * pair's samples hold every one of its connections these are counted from
 * the samples when asked for (bk__pair_agg); a pair whose connections
 * outgrow beacon.max_samples (or a size its samples cannot hold) gets its
 * own, counted from the samples then and kept up from there on.
 */
struct pagg {
	uint32_t hod[24];	/* connections per UTC hour of the day */
	uint64_t after_n, after_bytes;
	int64_t after_first, after_last;
	struct pbuck *b;
	uint32_t nb, capb;
};

/*
 * A source -> destination pair: 224 bytes, and 16 bytes per sample. The
 * samples are the earliest beacon.max_samples connections (by time, then
 * size): time (ms), bytes sent and received (clamped at 4 GiB; a pair that
 * meets a bigger one keeps its own pagg). One sample in one cache line, as
 * adding touches it and the latest: not three arrays.
 */
struct sample {
	int64_t ts;
	uint32_t in, out;
};

struct pair {
	uint32_t src, dst;
	uint32_t ext;		/* its pextra in bk_exfil.ext, + 1; 0 for none */
	uint32_t ns, caps, maxs;	/* samples held, room, the latest */
	uint8_t nev_any;
	bool has_size;
	uint64_t events, sized, bytes_in, bytes_out;
	int64_t first, last;
	struct sample *s;
	struct pagg *agg;	/* NULL while the samples hold every connection */
	struct evid ev_any[NEVID];
};

struct dns {
	uint32_t src;
	const char *domain;
	size_t len;
	uint64_t h, queries, named, len_sum, qbytes;
	int64_t ent_sum;	/* micro-bits per character, summed */
	uint32_t max_len;
	int64_t first, last;
	bk_distinct *subs;
	struct evid ev[NEVID];
	uint8_t nev;
};

struct bk_exfil {
	struct settings set;
	const bk_allow *allow;
	const bk_baseline *base;
	struct bk__arena arena;
	struct source *src;
	size_t nsrc, capsrc;
	struct dest *dst;
	size_t ndst, capdst;
	struct pair *pair;
	size_t npair, cappair;
	struct pextra *ext;
	size_t next, capext;
	struct pagg scratch;	/* bk__pair_agg's answer for pairs without their own */
	int64_t *times, *sizes;	/* the beacon's series, for the pair being detected */
	size_t captimes, capsizes;
	struct dns *dns;
	size_t ndns, capdns;
	struct table tsrc, tdst, tpair, tdns;
	char **files;
	size_t nfiles, capfiles;
	uint32_t lastfile;
	uint64_t events, allowed, skipped, dropped;
	uint64_t evicted, evicted_events;	/* quiet pairs swept out, their events */
	uint64_t sweep_wait;	/* new pairs to leave out before the next sweep */
	int64_t first, last;
	int64_t cached_hour;
	int cached_off;
	char *err;
};

/* Shared by adding, merging and detecting. */
void bk__evid_add(const bk_exfil *x, struct evid *e, uint8_t *n, struct evid ev);
int bk__sample_add(bk_exfil *x, struct pair *p, int64_t ts, uint64_t in, uint64_t out);
int bk__pbuck_add(struct pagg *a, int32_t h, uint64_t v);
int bk__pair_spill(bk_exfil *x, struct pair *p);
int bk__pair_agg(bk_exfil *x, const struct pair *p, const struct pagg **out);
struct pextra *bk__pair_extra(bk_exfil *x, struct pair *p);
const struct pextra *bk__pair_extra_of(const bk_exfil *x, const struct pair *p);
struct hourb *bk__hourb_of(struct source *s, int32_t h);
int64_t bk__exfil_source(bk_exfil *x, const char *name, size_t len);
int64_t bk__exfil_dest(bk_exfil *x, const char *name, size_t len);
int64_t bk__exfil_pair(bk_exfil *x, uint32_t src, uint32_t dst, bool *created);
int64_t bk__exfil_dns(bk_exfil *x, uint32_t src, const char *dom, size_t len);
uint32_t bk__exfil_file(bk_exfil *x, const char *name, size_t len);
uint32_t bk__exfil_kind_bit(const char *kind);
const char *bk__exfil_kind_name(unsigned i);

#endif /* BK_EXFIL_PRIVATE_H */
