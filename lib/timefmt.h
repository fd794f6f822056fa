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
 * The years of an input's times written without one, when the caller knows
 * the year the input starts in (--year): a log that runs from December into
 * January must date its January lines in the next year, not eleven months
 * before the December ones. The first yearless time is in FIRST; a time
 * more than BK_YEARS_SLACK earlier than the latest one so far starts the
 * next year; a time within the slack before the latest one, or after it,
 * stays in its year (lines a little out of order), and one that is within
 * the slack before the latest one when read in the year before is from the
 * year before (a late line of 31 December after midnight), which starts
 * nothing. Dates no year has (31 April) change nothing; 29 February counts
 * as the day it falls on, and reads only in a leap year.
 *
 * Part of an input can be read on a guess of what came before it
 * (bk_years_guess: bk-parse -j shares an input's lines out in chunks, and a
 * chunk cannot know the years of those still being parsed), and then
 * joined to it (bk_years_join), which says whether the guess held.
 *
 * The members are private: a plain struct so that it can be copied from
 * one reader to another.
 */
#define BK_YEARS_SLACK (INT64_C(7) * 86400000)	/* milliseconds */

typedef struct bk_years {
	int first;		/* the year the input starts in; 0: each from the clock */
	int year;		/* the year of LATEST */
	int64_t latest;		/* the latest time so far, as ms of wall time; INT64_MIN: none */
	/* Reading from a guess: */
	bool guessed;
	bool settled;		/* a new year started: what follows owes nothing to the guess */
	struct bk_tm head;	/* the part's first yearless time */
	int base;		/* the year it was read in */
	int64_t from;		/* it, taken to be the latest before it; INT64_MIN: none yet */
	int64_t own;		/* the part's latest time before it settled, INT64_MIN: none */
	int64_t above, upto;	/* the years read hold for a latest time before in (above, upto] */
} bk_years;

/* Starts an input whose first yearless time is in FIRST (0: every one from the clock). */
void bk_years_start(bk_years *ys, int first);

/*
 * Starts reading a part of the input YS was started for (bk_years_start
 * with its FIRST), not from its beginning, on a guess: that the yearless
 * times before the part ended about as those BEFORE read did (a state of
 * the same input at some earlier point, as recent as the caller has; NULL
 * or one that read none: the part holds the input's first). The guess
 * picks the year of the part's first yearless time; bk_years_join tells
 * whether it held.
 */
void bk_years_guess(bk_years *ys, const bk_years *before);

/*
 * bk_tm_to_ms for T, which is the next time of the input: the year from YS
 * when T has none (advancing YS), T's own otherwise. YS is read only when
 * T lacks a year and YS's FIRST is not 0; INT64_MIN as bk_tm_to_ms.
 */
int64_t bk_years_to_ms(bk_years *ys, const struct bk_tm *t, const bk_tz *tz);

/*
 * Joins PART (read from bk_years_guess) to YS, which read every time
 * before it: true when the guess held, so PART's times have the years they
 * would have had read after YS's, and YS then stands after PART's too;
 * false, YS untouched, when they must be read again after YS's.
 */
bool bk_years_join(bk_years *ys, const bk_years *part);

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
