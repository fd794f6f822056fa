/*
 * exfil.h - the mathematics of finding data leaving: beacon scoring,
 * DNS-tunnel features, registered domains, archive recognition, and the
 * allow-list of known-good traffic.
 *
 * bk-exfil keeps, per source -> destination pair, counters and a bounded
 * sample of connection times and sizes (exfil-agg.c, bk_exfil_* in
 * exfil-agg.h); when the input is read, the functions here turn those
 * figures into verdicts. They are pure: no state, no output, the same
 * answer for the same numbers, so each can be tested on constructed series
 * (a perfect beacon, a jittered one, one with gaps, a person browsing).
 *
 * Beacon score. Malware calling home shows as connections at a regular
 * interval and of a regular size, all day, for as long as the logs run. As
 * RITA does, regularity is measured with statistics that a few odd values
 * do not move: the Bowley (quartile) skewness of the inter-arrival times
 * and of the sizes, (Q3 + Q1 - 2 Q2) / (Q3 - Q1), which is 0 for a
 * symmetric spread and +-1 for a lopsided one, and their median absolute
 * deviation relative to the median. A laptop that sleeps adds one long gap
 * and a few extra connections add a few short ones: the quartiles, median
 * and MAD barely change. Two more signs: how evenly the connections fall
 * over the hours of the day they could have fallen in, and how much of the
 * observed span of the whole input the pair covers. The score is a weighted
 * mean of the six parts, each in [0, 1]:
 *   0.20 (1 - |skew of intervals|) + 0.30 (1 - MAD/median of intervals)
 * + 0.10 (1 - |skew of sizes|)     + 0.10 (1 - MAD/median of sizes)
 * + 0.15 hours of the day          + 0.15 coverage of the span.
 * The period is the median interval, the jitter its MAD.
 */
#ifndef BK_EXFIL_H
#define BK_EXFIL_H

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

/* ---- beacons ------------------------------------------------------------ */

typedef struct bk_beacon {
	size_t n;		/* connections analysed */
	double score;		/* in [0, 1] */
	double period;		/* seconds: the median interval */
	double jitter;		/* seconds: the MAD of the intervals */
	double ts_skew;		/* Bowley skewness of the intervals, -1..1 */
	double ts_dispersion;	/* MAD / median of the intervals, >= 0 */
	double ds_skew;		/* the same for the sizes */
	double ds_dispersion;
	double size;		/* bytes: the median size */
	double hours;		/* hour-of-day part, 0..1 */
	double coverage;	/* span part, 0..1 */
} bk_beacon;

/*
 * Scores the N connections at times TS (ms since the epoch, any order) with
 * SIZES (bytes each, or NULL when sizes are unknown: the size parts then
 * count as neither regular nor irregular, 0.5 each). HOURS (may be NULL) is
 * the pair's count of connections per UTC hour of the day, when TS is only a
 * sample of them; otherwise it is counted from TS. SPAN_FIRST..SPAN_LAST is
 * the time the whole input covers (for the coverage part; 1 when it is
 * empty). Fewer than 3 connections give a score of 0. BK_OK or BK_NOMEM.
 * TS and SIZES are not changed.
 */
int bk_beacon_analyze(const int64_t *ts, const int64_t *sizes, size_t n, const uint32_t *hours,
		      int64_t span_first, int64_t span_last, bk_beacon *out);

/* Bowley skewness of the N values SORTED (ascending): 0 when the quartiles coincide. */
double bk_bowley(const double *sorted, size_t n);

/* ---- DNS ---------------------------------------------------------------- */

/*
 * The registered domain of the host NAME (LEN bytes, any case, a trailing
 * dot allowed): the public suffix and one label before it, using a small
 * built-in list of multi-label suffixes (co.jp, ne.jp, or.jp, go.jp, co.uk,
 * com.au, ...) and otherwise the last label as the suffix. A span inside
 * NAME (without the trailing dot). A name that is an IP address, or has a
 * single label, is its own registered domain.
 */
bk_span bk_registered_domain(const char *name, size_t len);

/* Shannon entropy of the bytes of S in bits per byte; 0 for an empty S. */
double bk_entropy(const char *s, size_t len);

/* ---- archives ----------------------------------------------------------- */

/*
 * The kind of archive ("rar", "7z", "zip", "tar", "gz", "bz2", "xz", "cab")
 * a URL, path or file name (S, LEN bytes) names, looking at the extension
 * of every path segment and query value ("/put?name=part1.rar"), split
 * parts included ("x.part2.rar", "x.r01", "x.7z.001", "x.z02"); NULL when
 * none. *PART (may be NULL) is set when it names a part of a split archive.
 */
const char *bk_archive_kind(const char *s, size_t len, bool *part);

/* The kind of archive a MIME type names (application/x-rar-compressed, ...), or NULL. */
const char *bk_archive_mime(const char *s, size_t len);

/* ---- allow-list --------------------------------------------------------- */

/*
 * Known-good traffic that must stay silent: backup servers, update mirrors,
 * agents. A file of lines, '#' comments and blank lines ignored:
 *   10.1.2.0/24, 2001:db8::/32, 10.9.9.9   an address or network (either end)
 *   backup.example.com, .example.net       a host and its subdomains
 *   ua:Veeam                               a user agent containing this text
 */
typedef struct bk_allow bk_allow;

/* An empty list; NULL on OOM. */
bk_allow *bk_allow_new(void);

/* Accepts NULL. */
void bk_allow_free(bk_allow *a);

/*
 * Adds the entries of PATH. BK_OK, BK_NOMEM, or BK_ERROR with *ERR set
 * (malloc'd, "PATH:LINE: what is wrong" or the system's reason).
 */
int bk_allow_load(bk_allow *a, const char *path, char **err);

/* Adds one entry as written in the file; BK_OK, BK_NOMEM, or BK_ERROR (not an entry). */
int bk_allow_add(bk_allow *a, const char *s, size_t len);

/* Whether an address (as text), host name or user agent is allowed. */
bool bk_allow_addr(const bk_allow *a, const char *s, size_t len);
bool bk_allow_host(const bk_allow *a, const char *s, size_t len);
bool bk_allow_agent(const bk_allow *a, const char *s, size_t len);

/* Number of entries. */
size_t bk_allow_count(const bk_allow *a);

/* ---- the detectors (exfil-agg.c) ---------------------------------------- */

/*
 * bk_exfil reads events and keeps, with memory bounded by its settings,
 * per source (the client address, else the account), per destination, per
 * source -> destination pair and per source -> registered domain queried:
 * counts, bytes each way, hourly volumes, upload and archive tallies,
 * session durations, a sample of connection times and sizes (the earliest
 * beacon.max_samples), and distinct counts (sketch.h). At the end it runs
 * the detectors - outbound-volume, archive-upload, beacon, long-connection,
 * dns-tunnel, rare-destination, after-hours - and merges what fired into
 * incidents, one per source and destination (or per source, or per source
 * and queried domain). Its partial aggregate can be written as `state`
 * records and merged, giving the same incidents as one pass over all of
 * the input in any split and order.
 */
typedef struct bk_exfil bk_exfil;

/* The settings bk-exfil declares (patterns/detect/exfil.conf); *N gets how many. */
const bk_conf_key *bk_exfil_conf_keys(size_t *n);

/*
 * A detector with the settings of CONF (made from bk_exfil_conf_keys; read
 * at once, CONF may then go). NULL with *ERR set (malloc'd) when a setting
 * is out of range or the zone unknown; NULL with *ERR NULL on OOM.
 */
bk_exfil *bk_exfil_new(const bk_detectconf *conf, char **err);

/* Accepts NULL. */
void bk_exfil_free(bk_exfil *x);

/* Traffic to leave out (borrowed; NULL for none). */
void bk_exfil_set_allow(bk_exfil *x, const bk_allow *a);

/* What is normal, for the z-scores, "previous N days" and "new destination" (borrowed). */
void bk_exfil_set_baseline(bk_exfil *x, const bk_baseline *b);

/*
 * Counts one event. BK_OK; 1 when the event was left out (allowed, or
 * without a source or a time: see bk_exfil_counts); BK_NOMEM.
 */
int bk_exfil_add(bk_exfil *x, const bk_event *ev);

/*
 * What the input gave: events counted, allowed, left out for want of a
 * source or time, events of new pairs left out at the bound (dropped), and
 * the quiet pairs evicted at the bound with their events (see
 * limits.max_pairs in exfil-agg.c).
 */
typedef struct bk_exfil_counts {
	uint64_t events, allowed, skipped, dropped, evicted, evicted_events;
	int64_t first, last;	/* ms; INT64_MAX / INT64_MIN before any event */
} bk_exfil_counts;

void bk_exfil_get_counts(const bk_exfil *x, bk_exfil_counts *c);

/* ---- results ---- */

#define BK_EXFIL_MAX_DETECTORS 8

/*
 * One incident: the alert (its detector the strongest that fired), every
 * detector that fired, and the figures behind them (NaN or -1 when absent).
 */
typedef struct bk_exfil_incident {
	bk_alert alert;
	const char *detectors[BK_EXFIL_MAX_DETECTORS];
	size_t ndetectors;
	int64_t bytes_in, bytes_out;	/* the pair's (or source's) totals */
	int64_t uploads;
	bk_beacon beacon;		/* beacon.n 0 when not analysed */
	const char *archive_kinds;	/* "rar,7z" or NULL */
	int64_t archive_uploads, archive_bytes;
	double dns_distinct, dns_mean_length, dns_mean_entropy;
	int64_t dns_queries, dns_name_bytes;
	int64_t long_sessions, long_ms;
	int64_t after_bytes;
	int64_t window_bytes;		/* the busiest window's bytes sent */
	int64_t dst_sources;		/* sources that contacted the destination */
} bk_exfil_incident;

typedef int (*bk_exfil_incident_fn)(void *ctx, const bk_exfil_incident *inc);

/*
 * Runs the detectors and calls FN for each incident, most severe first
 * (then earliest, then by source and destination). The incident lives for
 * the call. Returns the number of incidents (>= 0), FN's nonzero return
 * (negated when positive), or BK_NOMEM.
 */
int bk_exfil_incidents(bk_exfil *x, bk_exfil_incident_fn fn, void *ctx);

/* Writes INC as an alert record with its extras; returns what bk_writer_end returns. */
int bk_exfil_incident_write(bk_writer *w, const bk_exfil_incident *inc, bool show_values);

/* The contract's summary record, with ALERTS alerts written. */
int bk_exfil_summary_write(bk_exfil *x, bk_writer *w, uint64_t alerts);

/* ---- state and baselines ---- */

/* Writes the partial aggregate as state records; BK_OK or what bk_writer_end returned. */
int bk_exfil_state_write(bk_exfil *x, bk_writer *w);

/*
 * Merges one state record of bk-exfil into X. BK_OK, BK_NOMEM, or BK_ERROR
 * with bk_exfil_error() saying what is wrong with it.
 */
int bk_exfil_state_merge(bk_exfil *x, const bk_record *rec);

/*
 * Adds what was read to baseline B: per source the hourly "bytes_out"
 * (bytes sent), "connections" and "destinations", its "sent_total", and
 * the destinations it contacted ("dst"; every source's under entity "*").
 */
int bk_exfil_learn(bk_exfil *x, bk_baseline *b);

const char *bk_exfil_error(const bk_exfil *x);

#ifdef __cplusplus
}
#endif
#endif /* BK_EXFIL_H */
