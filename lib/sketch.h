/*
 * sketch.h - mergeable distinct counts: exact up to a bound, HyperLogLog
 * beyond it, with the error stated.
 *
 * The aggregating tools (bk-access, bk-exfil, bk-records) count distinct
 * things - records touched, subjects exposed, destinations contacted - per
 * entity, per window, per file, and must merge partial counts made on other
 * cores or machines (--emit-state / --merge) into the figure one pass would
 * have given. A counter takes 64-bit hashes of the values (never the values:
 * callers hash with hash-private.h's hash or a keyed hash from privacy.h).
 * It keeps them in a set while there are at most EXACT_MAX of them, so small
 * counts - most entities, most windows - are exact and cheap; past that it
 * turns into a HyperLogLog of 2^PRECISION one-byte registers, whose relative
 * standard error is 1.04 / sqrt(2^PRECISION), and never grows again.
 * Memory per counter is therefore bounded by the larger of about
 * 16 * EXACT_MAX bytes and 2^PRECISION bytes, whatever the input.
 *
 * Merging is exact while the union of two exact sets stays within the
 * bound, and otherwise as good as one HyperLogLog over all the values: the
 * register-wise maximum. The estimator is Ertl's improved raw estimator
 * ("New cardinality estimation algorithms for HyperLogLog sketches", 2017),
 * which needs neither bias tables nor a switch to linear counting.
 */
#ifndef BK_SKETCH_H
#define BK_SKETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BK_SKETCH_MIN_PRECISION 4
#define BK_SKETCH_MAX_PRECISION 18
#define BK_SKETCH_DEFAULT_PRECISION 14	/* 16 KiB, 0.81 % */

typedef struct bk_distinct bk_distinct;

/*
 * An empty counter, exact up to EXACT_MAX distinct hashes and a HyperLogLog
 * of 2^PRECISION registers beyond (PRECISION is clamped to the MIN..MAX
 * range). NULL on OOM.
 */
bk_distinct *bk_distinct_new(size_t exact_max, unsigned precision);

/* Accepts NULL. */
void bk_distinct_free(bk_distinct *d);

/* Forgets every value; the counter is exact again and keeps its settings. */
void bk_distinct_clear(bk_distinct *d);

/* Counts HASH. BK_OK or BK_NOMEM (the counter then still holds what it had). */
int bk_distinct_add(bk_distinct *d, uint64_t hash);

/*
 * Asks the processor to fetch where bk_distinct_add(D, HASH) will look,
 * without waiting for it: an exact set of a million hashes is tens of
 * megabytes and every add misses the cache, so a caller that knows its next
 * hashes a little ahead issues this for them first. Changes nothing.
 */
void bk_distinct_prefetch(const bk_distinct *d, uint64_t hash);

/* The number of distinct hashes added: exact, or the estimate. */
uint64_t bk_distinct_count(const bk_distinct *d);

/* Whether bk_distinct_count() is exact. */
bool bk_distinct_is_exact(const bk_distinct *d);

/* The relative standard error of the count: 0 when exact. */
double bk_distinct_error(const bk_distinct *d);

/* Bytes held by the counter's tables (what the bound above bounds). */
size_t bk_distinct_memory(const bk_distinct *d);

/*
 * Adds everything FROM counted into INTO. A HyperLogLog of a higher
 * precision is folded down to the lower one of the two. BK_OK, or BK_NOMEM
 * when INTO could take only part of FROM.
 */
int bk_distinct_merge(bk_distinct *into, const bk_distinct *from);

/*
 * The counter as a NUL-terminated ASCII string for a state record, to be
 * freed by the caller: "e:" and the base64 of the hashes when exact,
 * "h14:" and the base64 of the registers otherwise. NULL on OOM.
 */
char *bk_distinct_encode(const bk_distinct *d);

/*
 * Merges the counter encoded in S (LEN bytes) into D. BK_OK, BK_NOMEM (as
 * for bk_distinct_merge), or BK_ERROR when S is not such an encoding (D is
 * then unchanged).
 */
int bk_distinct_decode(bk_distinct *d, const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* BK_SKETCH_H */
