/*
 * timefmt-private.h - the seams of timefmt.c that tests reach. Not installed.
 *
 * bk_tm_to_ms guesses the year of a syslog time from the clock; tests set
 * bk__timefmt_now so the guess is the same on every day the suite runs.
 */
#ifndef BK_TIMEFMT_PRIVATE_H
#define BK_TIMEFMT_PRIVATE_H

#include <stdint.h>

/*
 * Milliseconds since the epoch that bk_tm_to_ms takes as "now" when it
 * infers a missing year; 0 (the default) reads the real-time clock.
 */
extern int64_t bk__timefmt_now;

/*
 * Where the two digits of the seconds stand in every time F reads (the
 * bytes before them read alike whatever their values), or -1 when that
 * depends on the text. A parser that read a time can take one that differs
 * from it only there without reading it again.
 */
struct bk_timefmt;
int bk__timefmt_sec_at(const struct bk_timefmt *f);

#endif /* BK_TIMEFMT_PRIVATE_H */
