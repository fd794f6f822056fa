/*
 * access.h - bulk personal-record access: the detectors behind bk-access.
 *
 * After a breach the question is which account or host read far more
 * personal records than it should, and when. This module answers it from
 * a stream of events (event.h), whatever log they came from, with six
 * detectors, each per entity (an actor, an address, or the pair):
 *
 *   bulk-distinct  distinct records touched in a sliding window at or above
 *                  a threshold (and, with a baseline, far above the entity's
 *                  own and its peers' usual hour)
 *   full-read      an unfiltered read of a personal table, COPY ... TO,
 *                  INTO OUTFILE, a dump client, an export endpoint
 *   enumeration    a run of sequential or near-sequential numeric ids
 *   volume         rows or bytes sent to the entity in a window
 *   off-hours      personal-record reads outside business hours, as a
 *                  pattern per entity (distinct records), not per event
 *   new-access     a sensitive object the entity never touched in the
 *                  baseline period
 *
 * Windows slide in steps of a quarter window: each entity's events fall in
 * buckets of window/4 (distinct ids in a bk_distinct, numeric ids for runs,
 * counters), and every run of four buckets is a window. Buckets are
 * evaluated once the stream's clock has passed them by the reorder
 * tolerance, so events out of order by less than it count as if in order;
 * later ones still count, in a bucket of their own. Alerts are merged into
 * one incident per entity and detector (first, last, totals, the largest
 * window figure) rather than one per window.
 *
 * Memory is bounded: at most state.max_entities entities are held, the
 * least recently active is evaluated and dropped when a new one needs room
 * (counted in bk_access_evicted), and each distinct counter is exact up to
 * state.exact values and a HyperLogLog beyond.
 *
 * Partial runs merge: in state mode nothing is evaluated; buckets and
 * per-event findings are written as `state` records (evicted entities at
 * once, the rest at the end), and any number of such streams fed back
 * through bk_access_merge give the alerts one pass over all the input gives.
 */
#ifndef BK_ACCESS_H
#define BK_ACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "base.h"
#include "baseline.h"
#include "detectconf.h"
#include "event.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The settings bk-access reads from patterns/detect/access.conf (defaults as shipped). */
extern const bk_conf_key bk_access_keys[];
extern const size_t bk_access_nkeys;

enum bk_access_mode {
	BK_ACCESS_DETECT,	/* evaluate windows, keep incidents */
	BK_ACCESS_LEARN,	/* evaluate windows into a baseline (observations, seen objects) */
	BK_ACCESS_STATE,	/* evaluate nothing; write state records */
};

typedef struct bk_access bk_access;

/*
 * A detector run with the settings of CONF (read once here), scoring
 * against BASE (may be NULL: absolute thresholds only) in DETECT mode, or
 * learning into BASE in LEARN mode. In STATE mode, state records go to
 * STATE_OUT (required then). NULL with *ERR set (malloc'd) when a setting
 * does not fit (an unknown zone, a bad peer group), or NULL with *ERR NULL
 * on OOM.
 */
bk_access *bk_access_new(const bk_detectconf *conf, enum bk_access_mode mode, bk_baseline *base,
			 bk_writer *state_out, char **err);

/* Accepts NULL. */
void bk_access_free(bk_access *a);

/*
 * Keeps every entity's hourly activity for bk_access_write_summary (memory
 * grows with entities x active hours, so only when a summary is wanted).
 * Call before the first event.
 */
void bk_access_keep_activity(bk_access *a);

/*
 * Marks the objects named by a bk-scan `finding` or bk-records `inventory`
 * record (its "table" and "file") as sensitive. Other records are ignored.
 */
void bk_access_sensitive_record(bk_access *a, const bk_record *rec);

/* Marks OBJECT (a table name, URL prefix or path) as sensitive. BK_OK or BK_NOMEM. */
int bk_access_sensitive_add(bk_access *a, const char *object);

/*
 * Counts one event. Events without a time or a usable entity are counted
 * and skipped. BK_OK, BK_NOMEM, or BK_ERROR when a state record could not
 * be written (bk_access_error()).
 */
int bk_access_add(bk_access *a, const bk_event *ev);

/*
 * Folds in one `state` record from bk_access in STATE mode. BK_OK, BK_NOMEM,
 * or BK_ERROR when REC is not a bk-access state record or is malformed
 * (bk_access_error() says what).
 */
int bk_access_merge(bk_access *a, const bk_record *rec);

/*
 * Events made ready on one thread and counted on another. Half the work of
 * counting an event depends on the event alone (its entity's key, its
 * collection, whether it is sensitive, its ids' hashes): a tool that parses
 * on worker threads does that half there, into a batch, and the thread that
 * owns the run replays the batches in input order with
 * bk_access_add_batch, which counts exactly as bk_access_add would have
 * counted the same events one by one.
 */
typedef struct bk_access_batch bk_access_batch;

/* An empty batch; NULL on OOM. */
bk_access_batch *bk_access_batch_new(void);

/* Accepts NULL. */
void bk_access_batch_free(bk_access_batch *b);

/* Empties B, keeping its memory for the next events. */
void bk_access_batch_clear(bk_access_batch *b);

/*
 * Adds EV, made ready for A, to B. A is only read (its settings), so this
 * may run on any thread while another adds events or batches to A, but
 * not while A is being set up (bk_access_sensitive_add). BK_OK or BK_NOMEM.
 */
int bk_access_batch_add(bk_access_batch *b, const bk_access *a, const bk_event *ev);

/*
 * B's events as bytes (*LEN of them) holding no pointer: they may be copied
 * anywhere 8-byte aligned and given to bk_access_add_batch. Valid until B
 * changes.
 */
const void *bk_access_batch_data(const bk_access_batch *b, size_t *len);

/*
 * Counts the events of DATA (LEN bytes of bk_access_batch_data, made for
 * A) in order. Returns what bk_access_add returns for the first event that
 * fails, with its line in *LINE (0 otherwise), or BK_ERROR when DATA is not
 * a batch's bytes.
 */
int bk_access_add_batch(bk_access *a, const void *data, size_t len, uint64_t *line);

/* Ends the run: evaluates (or, in STATE mode, writes out) everything held. */
int bk_access_finish(bk_access *a);

/*
 * The incidents after bk_access_finish, ordered by first time, then
 * entity, then detector; valid until the handle is freed.
 */
size_t bk_access_alerts(const bk_access *a, const bk_alert *const **alerts);

/*
 * Writes alert I (of bk_access_alerts) to W: bk_alert_begin, then the
 * detector's own keys (the enumeration's "run_first", "run_last" - masked
 * unless SHOW_VALUES - and "rate"; full-read's "kinds"; new-access's
 * "objects"), then bk_writer_end, whose result it returns.
 */
int bk_access_write_alert(const bk_access *a, size_t i, bk_writer *w, bool show_values);

/*
 * The `summary` record of the run (contracts: events, entities, alerts,
 * first, last, and the hourly activity of the 20 busiest entities).
 */
int bk_access_write_summary(const bk_access *a, bk_writer *w);

/* Counts for the tool's messages. */
uint64_t bk_access_events(const bk_access *a);	/* events counted */
uint64_t bk_access_skipped(const bk_access *a);	/* without time or entity */
uint64_t bk_access_evicted(const bk_access *a);	/* entities dropped for the limit */
uint64_t bk_access_late(const bk_access *a);	/* events later than the tolerance */

const char *bk_access_error(const bk_access *a);

#ifdef __cplusplus
}
#endif
#endif /* BK_ACCESS_H */
