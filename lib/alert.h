/*
 * alert.h - the `alert` record: a detector's verdict, as bk-access and
 * bk-exfil write it and bk-report reads it.
 *
 * One writer for every detector keeps the record's shape a contract rather
 * than a habit: the same keys, in the same order, with the same units, so
 * bk-report can rank, merge and chart alerts from any detector without
 * knowing it. The shape (DESIGN.md, Records):
 *
 *   {"type":"alert","detector":"bulk-distinct","severity":"high","score":0.97,
 *    "actor":"clerk07","ip":"10.20.3.41","dst":null-or-absent,"object":"persons",
 *    "first":"2015-05-08T10:02:11.000Z","last":"2015-05-08T11:40:09.000Z",
 *    "metric":"distinct_records","value":3012,"threshold":500,
 *    "baseline":{"own_median":14,"own_mad":3,"peer_median":11,"peer_mad":4},
 *    "window":"1h","count":3020,"bytes":0,"rows":3012,
 *    "reason":"clerk07 read 3,012 distinct persons records in 1 h; own median 14, peer median 11",
 *    "evidence":{"files":["db/postgresql.log"],"lines":[120,4410],"ids":["****1001"]},
 *    ...detector-specific extras}
 *
 * Absent parts are left out, never written as null. Times are RFC 3339 UTC
 * milliseconds; "value", "threshold" and the baseline figures are in the
 * unit "metric" names (records, rows, bytes, events, seconds, score).
 * Evidence ids are masked with bk_mask unless the caller reveals them.
 */
#ifndef BK_ALERT_H
#define BK_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "record.h"
#include "rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Not measured, for the double fields of bk_alert (a NaN). */
#define BK_ALERT_NONE (__builtin_nan(""))

/* At most this many files, lines and ids are kept as evidence per alert. */
#define BK_ALERT_EVIDENCE_MAX 16

typedef struct bk_alert {
	const char *detector;		/* "bulk-distinct", "beacon", ... */
	enum bk_severity severity;	/* rules.h's scale */
	double score;			/* in [0, 1]; BK_ALERT_NONE */
	const char *actor, *ip, *dst;	/* the entity; NULL when not part of it */
	const char *object;		/* table, URL prefix, path, domain; NULL */
	int64_t first, last;		/* ms since the epoch */
	const char *metric;		/* what VALUE counts: "distinct_records", "bytes", ... */
	double value, threshold;	/* threshold: BK_ALERT_NONE when none applied */
	double own_median, own_mad;	/* the entity's baseline; BK_ALERT_NONE */
	double peer_median, peer_mad;	/* its peers' baseline; BK_ALERT_NONE */
	const char *window;		/* "1h" as the user gave it; NULL */
	int64_t count;			/* events behind the alert; < 0 absent */
	int64_t rows, bytes;		/* rows read, bytes moved; < 0 absent */
	const char *reason;		/* one sentence a person can read */
	const char *files[BK_ALERT_EVIDENCE_MAX];
	size_t nfiles;
	uint64_t lines[BK_ALERT_EVIDENCE_MAX];
	size_t nlines;
	const char *ids[BK_ALERT_EVIDENCE_MAX];	/* as seen; masked on output */
	size_t nids;
} bk_alert;

/* An alert with everything absent (severity low, doubles BK_ALERT_NONE, counts -1). */
void bk_alert_clear(bk_alert *a);

/*
 * Starts A's record on W with the fields above in the documented order;
 * ids are masked unless SHOW_VALUES. The caller may add detector-specific
 * fields and must then call bk_writer_end.
 */
void bk_alert_begin(bk_writer *w, const bk_alert *a, bool show_values);

/* bk_alert_begin and bk_writer_end in one; returns what bk_writer_end returns. */
int bk_alert_write(bk_writer *w, const bk_alert *a, bool show_values);

/*
 * Human figures for reasons and reports, written NUL-terminated into BUF of
 * SIZE bytes (32 is always enough) and returned: a count with thousands
 * separators ("3,012"), and bytes in decimal units with three significant
 * digits ("1.90 GB", "40.0 MB", "512 B").
 */
const char *bk_fmt_count(char *buf, size_t size, uint64_t n);
const char *bk_fmt_bytes(char *buf, size_t size, uint64_t n);

#ifdef __cplusplus
}
#endif
#endif /* BK_ALERT_H */
