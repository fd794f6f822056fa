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

#include "base.h"
#include "event.h"

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

#ifdef __cplusplus
}
#endif
#endif /* BK_EXFIL_H */
