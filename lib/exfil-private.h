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
struct table {
	uint32_t *slots;
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

struct sample {
	int64_t ts, size;
};

struct evid {
	int64_t ts;
	uint32_t file;
	uint64_t line;
};

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

struct pair {
	uint32_t src, dst;
	uint64_t h;
	uint64_t events, uploads, posts, puts, sized, bytes_in, bytes_out;
	int64_t first, last, up_first, up_last;
	uint64_t archive_n, archive_bytes, large_n, large_bytes;
	uint32_t archive_kinds;
	bool archive_part, has_size;
	uint64_t long_n;
	int64_t long_ms;
	uint64_t after_n, after_bytes;
	int64_t after_first, after_last;
	uint32_t hours[24];	/* connections per UTC hour of the day */
	struct sample *s;	/* the earliest max_samples */
	uint32_t ns, caps, maxs;
	struct pbuck *b;	/* bytes sent per hour, sorted, only hours with some */
	uint32_t nb, capb;
	struct evid ev_up[NEVID], ev_any[NEVID];
	uint8_t nev_up, nev_any;
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
	struct dns *dns;
	size_t ndns, capdns;
	struct table tsrc, tdst, tpair, tdns;
	char **files;
	size_t nfiles, capfiles;
	uint32_t lastfile;
	uint64_t events, allowed, skipped, dropped;
	int64_t first, last;
	int64_t cached_hour;
	int cached_off;
	char *err;
};

/* Shared by adding and merging. */
void bk__evid_add(const bk_exfil *x, struct evid *e, uint8_t *n, struct evid ev);
int bk__sample_add(bk_exfil *x, struct pair *p, int64_t ts, int64_t size);
int bk__pbuck_add(struct pair *p, int32_t h, uint64_t v);
struct hourb *bk__hourb_of(struct source *s, int32_t h);
int64_t bk__exfil_source(bk_exfil *x, const char *name, size_t len);
int64_t bk__exfil_dest(bk_exfil *x, const char *name, size_t len);
int64_t bk__exfil_pair(bk_exfil *x, uint32_t src, uint32_t dst);
int64_t bk__exfil_dns(bk_exfil *x, uint32_t src, const char *dom, size_t len);
uint32_t bk__exfil_file(bk_exfil *x, const char *name, size_t len);
uint32_t bk__exfil_kind_bit(const char *kind);
const char *bk__exfil_kind_name(unsigned i);

#endif /* BK_EXFIL_PRIVATE_H */
