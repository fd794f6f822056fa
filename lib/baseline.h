/*
 * baseline.h - what is normal for an entity and its peers, learnt from a
 * quiet period and kept in a file.
 *
 * A fixed threshold cannot tell a clerk who reads 300 records an hour every
 * day from one who never read more than 10 and suddenly reads 300. The
 * detectors therefore learn (bk-access --learn --baseline FILE) per-entity
 * hourly series - distinct records, rows, bytes, events, active hours a day;
 * bk-exfil's bytes_out, connections, destinations - and keep robust
 * statistics of them: the median and the median absolute deviation (MAD),
 * which a few wild hours in the learning period do not drag. Scoring then
 * uses the robust z-score, 0.6745 (x - median) / MAD, against the entity's
 * own history and against its peer group's (a configured group, or by
 * default every entity of the same kind). The MAD is floored by the caller
 * so a perfectly regular entity (MAD 0) does not make every hour infinite.
 *
 * Peer statistics are the median and MAD of the group members' medians: one
 * vote per entity, so one busy member cannot make the group look busy.
 *
 * Besides numbers a baseline keeps sets of things each entity was seen
 * touching (objects, destinations), for "never touched before" detectors.
 *
 * Metric, kind and group names are plain strings chosen by the tool, so
 * every detector shares one file format:
 *
 *   # breachkit baseline 1
 *   period	FIRST_MS	LAST_MS
 *   entity	NAME	GROUP	METRIC	N	MEDIAN	MAD
 *   peer	GROUP	METRIC	N	MEDIAN	MAD
 *   seen	NAME	KIND	VALUE
 *
 * fields separated by tabs, with backslash, tab, newline and carriage return
 * in names written as \\ \t \n \r. The file is written atomically with mode
 * 0600 (it names accounts and hosts).
 */
#ifndef BK_BASELINE_H
#define BK_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Samples kept per series while learning; beyond it a uniform sample (reservoir) is kept. */
#define BK_BASELINE_SAMPLES_MAX 8192

/* Robust statistics of one series. */
typedef struct bk_stats {
	uint64_t n;		/* values the statistics summarise (0: none) */
	double median;
	double mad;		/* median absolute deviation, unscaled */
} bk_stats;

typedef struct bk_baseline bk_baseline;

/* An empty baseline; NULL on OOM. */
bk_baseline *bk_baseline_new(void);

/* Accepts NULL. */
void bk_baseline_free(bk_baseline *b);

/* ---- learning ------------------------------------------------------------ */

/*
 * Adds one hourly (or daily, as the metric means) value of METRIC for ENTITY,
 * a member of GROUP (NULL or "" for none). The group is the one given last
 * for the entity. BK_OK or BK_NOMEM.
 */
int bk_baseline_observe(bk_baseline *b, const char *entity, const char *group,
			const char *metric, double value);

/* Records that ENTITY touched VALUE (LEN bytes) of KIND ("object", "dst"). BK_OK or BK_NOMEM. */
int bk_baseline_seen_add(bk_baseline *b, const char *entity, const char *kind,
			 const char *value, size_t len);

/* Widens the learnt period to cover FIRST..LAST (ms since the epoch). */
void bk_baseline_period(bk_baseline *b, int64_t first, int64_t last);

/*
 * Turns the observed values into statistics (replacing loaded statistics of
 * the same entity and metric) and recomputes every peer group from its
 * members. Saving does it first; call it before querying a baseline that
 * was learnt rather than loaded. BK_OK or BK_NOMEM.
 */
int bk_baseline_finish(bk_baseline *b);

/* ---- the file ----------------------------------------------------------- */

/* Writes B (finished first) to PATH atomically, mode 0600. BK_OK, BK_NOMEM or BK_ERROR. */
int bk_baseline_save(bk_baseline *b, const char *path);

/*
 * Adds PATH's statistics and seen sets to B. BK_OK, BK_NOMEM, or BK_ERROR
 * with bk_baseline_error() saying "PATH:LINE: what is wrong" or "PATH: strerror".
 */
int bk_baseline_load(bk_baseline *b, const char *path);

const char *bk_baseline_error(const bk_baseline *b);

/* ---- queries ------------------------------------------------------------ */

/* ENTITY's statistics of METRIC into *S; false (and *S zeroed) when it has none. */
bool bk_baseline_entity(const bk_baseline *b, const char *entity, const char *metric,
			bk_stats *s);

/* GROUP's statistics of METRIC into *S; false when the group is unknown. */
bool bk_baseline_peer(const bk_baseline *b, const char *group, const char *metric,
		      bk_stats *s);

/* The group ENTITY belonged to when learnt, or NULL (unknown entity, or none). */
const char *bk_baseline_group(const bk_baseline *b, const char *entity);

/* Whether ENTITY was seen touching VALUE of KIND. */
bool bk_baseline_seen(const bk_baseline *b, const char *entity, const char *kind,
		      const char *value, size_t len);

/* Whether ENTITY has any statistics or seen entries at all. */
bool bk_baseline_knows(const bk_baseline *b, const char *entity);

/* The learnt period; false when none was recorded. */
bool bk_baseline_get_period(const bk_baseline *b, int64_t *first, int64_t *last);

/* How many entities have statistics. */
size_t bk_baseline_entities(const bk_baseline *b);

/* ---- statistics ------------------------------------------------------- */

/* The median of the N values of V (reordered in place); 0 for none. */
double bk_median(double *v, size_t n);

/* The median absolute deviation of V around MEDIAN (V is overwritten); 0 for none. */
double bk_mad(double *v, size_t n, double median);

/* Median and MAD of V (overwritten) into *S. */
void bk_stats_of(double *v, size_t n, bk_stats *s);

/* 0.6745 (X - median) / max(MAD, MAD_FLOOR); MAD_FLOOR must be > 0. */
double bk_robust_z(double x, const bk_stats *s, double mad_floor);

#ifdef __cplusplus
}
#endif
#endif /* BK_BASELINE_H */
