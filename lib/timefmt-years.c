/*
 * timefmt-years.c - the years of times written without one, across New
 * Year; see bk_years in timefmt.h.
 *
 * Syslog (RFC 3164) and the logs that borrow its stamp write "Dec 31
 * 23:59:58" and then "Jan  1 00:00:03": a responder who says --year 2015
 * means the year the log starts in, and the January lines are 2016's.
 * The rule works on wall times as milliseconds, each read in a candidate
 * year: LATEST is the latest time so far (not the last one, so a run of
 * lines each a little behind the one before cannot walk the year back),
 * and a time is read in LATEST's year, or the year before when that puts
 * it just behind LATEST (a late line from before midnight), or the year
 * after when neither is within the slack. It costs a few multiplications
 * a time, and only for times without a year.
 *
 * A part of an input read from a guess (bk-parse -j: each chunk is parsed
 * while the ones before it still are) takes the time before it to be at
 * its own first time, in the guessed year. Each reading of one of its
 * times compared it with max(C, OWN) - slack, where C is the latest time
 * before the part and OWN the part's own latest so far; the reading holds
 * for any other C of the same year that falls the same side of every
 * comparison where OWN did not decide it, which makes an interval of C:
 * (ABOVE, UPTO]. Once the part started a new year, LATEST is its own and
 * nothing after depends on C. So a join is a few compares, and a part is
 * read again only when the guess was wrong: right after a New Year the
 * other chunks had not yet seen, or at the start of an input.
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "timefmt.h"

/* Years whose wall times bk_tm_to_ms reads, less one either side for the rule's candidates. */
#define YEAR_MAX 999998

/* T's wall time read in YEAR, as milliseconds; 29 February of a common year is 1 March. */
static int64_t
wall(const struct bk_tm *t, int year)
{
	return (bk_days_from_civil(year, t->mon, t->mday) * 86400 + t->hour * 3600 +
		   t->min * 60 + t->sec) * 1000 + t->msec;
}

/* Whether some year has T's day: 29 February does, 30 February does not. */
static bool
day_exists(const struct bk_tm *t)
{
	static const unsigned char most[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return t->mon >= 1 && t->mon <= 12 && t->mday >= 1 && t->mday <= most[t->mon - 1] &&
	    t->hour >= 0 && t->hour <= 23 && t->min >= 0 && t->min <= 59 && t->sec >= 0 &&
	    t->sec <= 60 && t->msec >= 0 && t->msec <= 999;
}

void
bk_years_start(bk_years *ys, int first)
{
	memset(ys, 0, sizeof *ys);
	ys->first = first;
	ys->year = first;
	ys->latest = INT64_MIN;
	ys->from = ys->own = ys->above = INT64_MIN;
	ys->upto = INT64_MAX;
}

void
bk_years_guess(bk_years *ys, const bk_years *before)
{
	int year = before != NULL ? before->year : ys->first;
	int64_t latest = before != NULL ? before->latest : INT64_MIN;

	bk_years_start(ys, ys->first);
	ys->guessed = true;
	/* Until the part's first yearless time, what came before (FROM tells them apart). */
	ys->year = latest != INT64_MIN ? year : ys->first;
	ys->latest = latest;
}

/*
 * Which year T is in after the times up to LATEST (in YEAR): -1 the year
 * before, 0 YEAR, 1 the next. *PREV and *W get T's wall time read in the
 * year before and in YEAR.
 */
static int
pick(const struct bk_tm *t, int year, int64_t latest, int64_t *prev, int64_t *w)
{
	/* A year's wall times lie between the year before's and the next's: no overflow. */
	*prev = wall(t, year - 1);
	*w = wall(t, year);
	if (*prev >= latest - BK_YEARS_SLACK && year > 1)
		return -1;	/* just behind the latest when read in the year before */
	return *w >= latest - BK_YEARS_SLACK ? 0 : 1;
}

int64_t
bk_years_to_ms(bk_years *ys, const struct bk_tm *t, const bk_tz *tz)
{
	int64_t w, prev;
	bool track;
	int y;

	if (t->has_year || ys->first == 0)
		return bk_tm_to_ms(t, tz, ys->first);
	if (ys->year < 1 || ys->year > YEAR_MAX || !day_exists(t))
		return INT64_MIN;
	if (ys->guessed ? ys->from == INT64_MIN : ys->latest == INT64_MIN) {
		/*
		 * The input's first yearless time is in FIRST. A part's first
		 * is where the guess takes it to be after the times before,
		 * and the part is read as if the time before were this one.
		 */
		y = ys->first;
		if (ys->guessed && ys->latest != INT64_MIN) {
			y = ys->year + pick(t, ys->year, ys->latest, &prev, &w);
			if (y < 1 || y > YEAR_MAX)
				return INT64_MIN;
		}
		ys->year = ys->base = y;
		ys->latest = wall(t, y);
		if (ys->guessed) {
			ys->from = ys->latest;
			ys->head = *t;
		}
	}
	y = ys->year;
	track = ys->guessed && !ys->settled;
	switch (pick(t, y, ys->latest, &prev, &w)) {
	case -1:
		/* From before New Year: the latest stays. */
		if (track && prev + BK_YEARS_SLACK < ys->upto)
			ys->upto = prev + BK_YEARS_SLACK;
		return bk_tm_to_ms(t, tz, y - 1);
	case 0:
		/* Not from the year before, whatever came before, unless the part's own times said so. */
		if (track) {
			if (!(prev + BK_YEARS_SLACK < ys->own) && prev + BK_YEARS_SLACK > ys->above)
				ys->above = prev + BK_YEARS_SLACK;
			if (w + BK_YEARS_SLACK < ys->upto)
				ys->upto = w + BK_YEARS_SLACK;
			if (w > ys->own)
				ys->own = w;
		}
		if (w > ys->latest)
			ys->latest = w;
		return bk_tm_to_ms(t, tz, y);
	default:
		/* Gone back past the slack: the next year, and the part's own from here on. */
		if (track && !(w + BK_YEARS_SLACK < ys->own) && w + BK_YEARS_SLACK > ys->above)
			ys->above = w + BK_YEARS_SLACK;
		ys->year = y + 1;
		ys->latest = wall(t, y + 1);
		ys->settled = ys->guessed;
		return bk_tm_to_ms(t, tz, y + 1);
	}
}

bool
bk_years_join(bk_years *ys, const bk_years *part)
{
	int year = ys->year;
	int64_t c = ys->latest, prev, w;

	if (ys->first == 0 || !part->guessed || part->from == INT64_MIN)
		return true;	/* no yearless time in the part, or none read by the rule */
	if (c == INT64_MIN) {
		/* The part holds the input's first one: its year is FIRST, the guess its own time. */
		year = ys->first;
		c = part->from;
	} else if (year + 1 == part->base && pick(&part->head, year, c, &prev, &w) == 1) {
		/*
		 * The part's first time starts the next year after the times
		 * before, as the guess took it to: from there on, the part's.
		 */
		ys->year = part->year;
		ys->latest = part->latest;
		return true;
	}
	if (year != part->base || c <= part->above || c > part->upto)
		return false;
	if (part->settled) {
		ys->year = part->year;
		ys->latest = part->latest;
	} else {
		ys->year = year;
		ys->latest = c > part->own ? c : part->own;
	}
	return true;
}
