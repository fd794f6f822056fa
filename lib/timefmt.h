/*
 * timefmt.h - reading the times servers write, and the zones they mean.
 *
 * Logs write time in a dozen layouts (CLF's 22/Nov/2026:10:00:00 +0900,
 * syslog's Nov 22 10:00:00 with no year or zone, PostgreSQL's
 * 2026-11-22 10:00:00.123 JST, epoch seconds with decimals, RFC 3339) and
 * events carry UTC milliseconds. A layout is compiled once into a small
 * program that reads digits directly: strptime and mktime per line would cost
 * more than the rest of the parse. Zones come from the system's zoneinfo
 * files (TZif), read once, so a log without offsets is converted with the
 * rules of the zone it was written in, daylight saving included, without
 * touching the process-wide TZ.
 */
#ifndef BK_TIMEFMT_H
#define BK_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A time as read from a log, before zone and year are applied. */
struct bk_tm {
	int year, mon, mday;	/* mon 1..12 */
	int hour, min, sec;
	int msec;		/* 0..999; finer digits are truncated */
	int off;		/* seconds east of UTC, when has_off */
	bool has_year, has_off;
	bool epoch;		/* an instant (epoch seconds), not a wall time */
};

typedef struct bk_timefmt bk_timefmt;
typedef struct bk_tz bk_tz;

/*
 * A layout in strptime notation (%Y %m %d %e %H %M %S %b %y %j %z %Z %p %I,
 * plus %f for a fraction of a second of any length and %s for epoch seconds
 * with an optional fraction) or one of the names "clf", "iso8601", "syslog",
 * "epoch", "pg", "mysql", "auto" (any of those). NULL with *ERR set (malloc'd)
 * when the layout is malformed.
 */
bk_timefmt *bk_timefmt_new(const char *layout, char **err);
void bk_timefmt_free(bk_timefmt *f);

/*
 * Reads a time at S (at most LEN bytes) into *T. Returns the number of bytes
 * used, or 0 when S does not start with a time in F's layout. Zone
 * abbreviations (%Z) known without doubt (UTC, GMT, Z, JST, ...) set an
 * offset; others leave has_off false so the caller's zone applies.
 */
size_t bk_timefmt_parse(const bk_timefmt *f, const char *s, size_t len, struct bk_tm *t);

/*
 * Milliseconds since the epoch, UTC, for T: its own offset when it has one,
 * otherwise local time in TZ (NULL: UTC); YEAR when T has none (0: the
 * current year, or the previous one for a date that would be in the future).
 * BK_ERROR-free: an impossible date (31 Feb) returns INT64_MIN.
 */
int64_t bk_tm_to_ms(const struct bk_tm *t, const bk_tz *tz, int year);

/*
 * The zone NAME: an IANA name from the system zoneinfo ("Asia/Tokyo"),
 * "UTC", or a fixed offset ("+09:00"). NULL with *ERR set when unknown.
 */
bk_tz *bk_tz_open(const char *name, char **err);
void bk_tz_free(bk_tz *tz);

/* Seconds east of UTC in TZ at the instant UTC_MS. */
int bk_tz_offset(const bk_tz *tz, int64_t utc_ms);

/*
 * The offset that applies to local wall time LOCAL_MS (milliseconds as if
 * the local time were UTC): in a gap or overlap, the offset before the
 * transition.
 */
int bk_tz_local_offset(const bk_tz *tz, int64_t local_ms);

/* Days since 1970-01-01 for a proleptic Gregorian date (mon 1..12). */
int64_t bk_days_from_civil(int year, int mon, int mday);

#ifdef __cplusplus
}
#endif

#endif /* BK_TIMEFMT_H */
