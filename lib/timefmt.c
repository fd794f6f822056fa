/*
 * timefmt.c - compiled time layouts, zoneinfo files and calendar arithmetic;
 * see timefmt.h.
 *
 * Three parts. Layouts: the named ones ("clf", "iso8601", ...) are written
 * out as straight-line readers, and a strptime-style layout is compiled into
 * an array of small ops run by one loop; either way a time costs a few dozen
 * byte compares, no library call. Zones: a TZif file (RFC 8536) is read once
 * into a sorted array of transition instants with the offset after each, and
 * its footer's POSIX TZ rule answers for instants after the last transition.
 * Calendar: days from a civil date and back with the era arithmetic that is
 * exact for the proleptic Gregorian calendar in both directions of the epoch.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timefmt-private.h"
#include "timefmt.h"
#include "util-private.h"

int64_t bk__timefmt_now;

/* ---- calendar ------------------------------------------------------------ */

/*
 * Days are counted in 400-year eras starting on 1 March, so the leap day is
 * the last day of a year and every era has the same 146097 days.
 */
int64_t
bk_days_from_civil(int year, int mon, int mday)
{
	int64_t y = (int64_t)year - (mon <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;			/* 0..399 */
	int64_t mp = (mon + 9) % 12;			/* March 0 .. February 11 */
	int64_t doy = (153 * mp + 2) / 5 + mday - 1;	/* 0..365 */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* The civil date of day DAYS since 1970-01-01. */
static void
civil_from_days(int64_t days, int *year, int *mon, int *mday)
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);

	*year = (int)(yoe + era * 400 + (m <= 2));
	*mon = m;
	*mday = (int)(doy - (153 * mp + 2) / 5 + 1);
}

static bool
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int
days_in_month(int64_t y, int mon)
{
	static const unsigned char dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	return mon == 2 && is_leap(y) ? 29 : dim[mon - 1];
}

/* Floor division, for instants before 1970. */
static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* ---- zones: fixed, TZif, POSIX rules ------------------------------------- */

/* When a POSIX rule switches: Jn (1..365, no leap day), n (0..365) or Mm.w.d. */
struct tz_when {
	char kind;		/* 'J', 'D' or 'M' */
	int n, m, w, d;
	int32_t time;		/* seconds after local midnight; may be <0 or >24h */
};

/* A POSIX TZ string: STD offset, optionally DST with its own and the rules. */
struct tz_rule {
	int32_t std, dst;	/* seconds east of UTC */
	bool has_dst;
	struct tz_when start, end;
};

struct bk_tz {
	size_t n;		/* transitions */
	int64_t *times;		/* ascending, seconds since the epoch */
	int32_t *offs;		/* the offset from each transition on */
	int32_t off0;		/* before the first transition, or the fixed offset */
	bool has_rule;		/* RULE applies from the last transition on */
	struct tz_rule rule;
};

/* The day (since the epoch) on which W falls in YEAR. */
static int64_t
when_day(const struct tz_when *w, int year)
{
	int64_t jan1 = bk_days_from_civil(year, 1, 1), first, day;
	int wday;

	switch (w->kind) {
	case 'J':
		return jan1 + w->n - 1 + (is_leap(year) && w->n >= 60);
	case 'D':
		return jan1 + w->n;
	default:
		first = bk_days_from_civil(year, w->m, 1);
		wday = (int)(((first + 4) % 7 + 7) % 7);	/* 1970-01-01 was a Thursday */
		day = first + (w->d - wday + 7) % 7 + (int64_t)(w->w - 1) * 7;
		while (day >= first + days_in_month(year, w->m))
			day -= 7;
		return day;
	}
}

/* The offset RULE gives at instant T (seconds). */
static int32_t
rule_offset(const struct tz_rule *r, int64_t t)
{
	int64_t start, end;
	int year, mon, mday;

	if (!r->has_dst)
		return r->std;
	civil_from_days(floor_div(t + r->std, 86400), &year, &mon, &mday);
	/* Each switch happens at a local time read on the clock then in use. */
	start = when_day(&r->start, year) * 86400 + r->start.time - r->std;
	end = when_day(&r->end, year) * 86400 + r->end.time - r->dst;
	if (start < end)
		return t >= start && t < end ? r->dst : r->std;
	/* Southern hemisphere: daylight time spans the new year. */
	return t >= end && t < start ? r->std : r->dst;
}

static int32_t
offset_at(const bk_tz *tz, int64_t t)
{
	size_t lo, hi;

	if (tz->n == 0)
		return tz->has_rule ? rule_offset(&tz->rule, t) : tz->off0;
	if (t < tz->times[0])
		return tz->off0;
	if (t >= tz->times[tz->n - 1] && tz->has_rule)
		return rule_offset(&tz->rule, t);
	/* The last transition at or before T. */
	lo = 0;
	hi = tz->n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (tz->times[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->offs[lo];
}

int
bk_tz_offset(const bk_tz *tz, int64_t utc_ms)
{
	if (tz == NULL)
		return 0;
	return offset_at(tz, floor_div(utc_ms, 1000));
}

/*
 * Local time L could mean two instants around a transition: L - P with the
 * offset P before it, or L - Q with the offset Q after it. Each reading is
 * right when the zone agrees with it at that instant; in a gap neither is,
 * in an overlap both are, and then the earlier offset wins, as the header
 * promises. Zones change offset at most once in two days, so the offsets a
 * day either side are the two candidates.
 */
int
bk_tz_local_offset(const bk_tz *tz, int64_t local_ms)
{
	int64_t l;
	int32_t p, q;

	if (tz == NULL)
		return 0;
	if (tz->n == 0 && !tz->has_rule)
		return tz->off0;
	l = floor_div(local_ms, 1000);
	p = offset_at(tz, l - 86400);
	q = offset_at(tz, l + 86400);
	if (p == q)
		return p;
	if (offset_at(tz, l - p) == p)
		return p;
	if (offset_at(tz, l - q) == q)
		return q;
	return p;
}

/*
 * [+-]hh[:mm[:ss]] at *PP, up to MAXH hours, into *SECS (the sign as
 * written); advances *PP. POSIX offsets and rule times share this form.
 */
static bool
posix_hms(const char **pp, int maxh, int32_t *secs)
{
	const char *p = *pp;
	int sign = 1, part[3] = {0, 0, 0}, i;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		int v = 0, nd = 0;

		if (i > 0) {
			if (*p != ':')
				break;
			p++;
		}
		while (bk__is_digit(*p) && nd < 3)
			v = v * 10 + (*p++ - '0'), nd++;
		if (nd == 0 || (i > 0 && (nd != 2 || v > 59)))
			return false;
		part[i] = v;
	}
	if (part[0] > maxh)
		return false;
	*secs = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	*pp = p;
	return true;
}

/* A zone abbreviation in a TZ string: three or more letters, or <...>. */
static bool
posix_name(const char **pp)
{
	const char *p = *pp;
	size_t n = 0;

	if (*p == '<') {
		while (*++p != '>') {
			if (*p == '\0')
				return false;
			n++;
		}
		p++;
	} else {
		while (bk__is_alpha(*p))
			p++, n++;
	}
	if (n < 3)
		return false;
	*pp = p;
	return true;
}

static bool
posix_when(const char **pp, struct tz_when *w)
{
	const char *p = *pp;
	int v;

	memset(w, 0, sizeof *w);
	w->time = 7200;		/* 02:00 unless given */
	if (*p == 'M') {
		int *field[3] = {&w->m, &w->w, &w->d};

		w->kind = 'M';
		p++;
		for (int i = 0; i < 3; i++) {
			if (i > 0 && *p++ != '.')
				return false;
			if (!bk__is_digit(*p))
				return false;
			v = 0;
			while (bk__is_digit(*p) && v < 100)
				v = v * 10 + (*p++ - '0');
			*field[i] = v;
		}
		if (w->m < 1 || w->m > 12 || w->w < 1 || w->w > 5 || w->d > 6)
			return false;
	} else {
		w->kind = 'D';
		if (*p == 'J')
			w->kind = 'J', p++;
		if (!bk__is_digit(*p))
			return false;
		v = 0;
		while (bk__is_digit(*p) && v < 1000)
			v = v * 10 + (*p++ - '0');
		if (w->kind == 'J' ? v < 1 || v > 365 : v > 365)
			return false;
		w->n = v;
	}
	/* RFC 8536 lets the time run from -167 to 167 hours. */
	if (*p == '/') {
		p++;
		if (!posix_hms(&p, 167, &w->time))
			return false;
	}
	*pp = p;
	return true;
}

/* Parses a POSIX TZ string ("CET-1CEST,M3.5.0,M10.5.0/3") into *R. */
static bool
posix_rule(const char *s, struct tz_rule *r)
{
	const char *p = s;
	int32_t west;

	memset(r, 0, sizeof *r);
	if (!posix_name(&p) || !posix_hms(&p, 24, &west))
		return false;
	r->std = -west;		/* POSIX counts west of Greenwich */
	if (*p == '\0')
		return true;
	if (!posix_name(&p))
		return false;
	r->has_dst = true;
	r->dst = r->std + 3600;
	if (*p != ',' && *p != '\0') {
		if (!posix_hms(&p, 24, &west))
			return false;
		r->dst = -west;
	}
	/* A DST name without rules is left to the implementation: not read. */
	if (*p++ != ',' || !posix_when(&p, &r->start) || *p++ != ',' ||
	    !posix_when(&p, &r->end))
		return false;
	return *p == '\0';
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

#define TZIF_HEADER 44
#define TZIF_MAX (1 << 20)	/* real zone files are a few KiB */
#define MAX_OFFSET 93600	/* 26 hours, well beyond any zone in use */

/* The six counts of a TZif header, in file order. */
struct tzif_counts {
	uint64_t isut, isstd, leap, time, type, chars;
};

static void
tzif_counts(const unsigned char *h, struct tzif_counts *c)
{
	c->isut = be32(h + 20);
	c->isstd = be32(h + 24);
	c->leap = be32(h + 28);
	c->time = be32(h + 32);
	c->type = be32(h + 36);
	c->chars = be32(h + 40);
}

/* The size of a data block whose times take TSZ bytes. */
static uint64_t
tzif_block(const struct tzif_counts *c, unsigned tsz)
{
	return c->time * tsz + c->time + c->type * 6 + c->chars + c->leap * (tsz + 4) +
	    c->isstd + c->isut;
}

/*
 * Reads the TZif image B (N bytes) into TZ. Every count is checked against
 * the bytes there are before it is used. NULL when well-formed, otherwise
 * what is wrong.
 */
static const char *
tzif_parse(bk_tz *tz, const unsigned char *b, size_t n)
{
	struct tzif_counts c;
	const unsigned char *d, *idx, *types;
	unsigned tsz = 4;
	uint64_t size;

	if (n < TZIF_HEADER || memcmp(b, "TZif", 4) != 0)
		return "not a TZif file";
	tzif_counts(b, &c);
	size = tzif_block(&c, 4);
	d = b + TZIF_HEADER;
	if (b[4] >= '2') {
		/* Skip the 32-bit block: the 64-bit one after it has every time. */
		if (size > n - TZIF_HEADER || n - TZIF_HEADER - size < TZIF_HEADER)
			return "truncated";
		d += size;
		if (memcmp(d, "TZif", 4) != 0)
			return "second header missing";
		tzif_counts(d, &c);
		d += TZIF_HEADER;
		tsz = 8;
		size = tzif_block(&c, 8);
	}
	if (size > (uint64_t)(b + n - d))
		return "truncated";
	if (c.type == 0 || c.type > 256)
		return "bad number of local time types";
	if ((c.isstd != 0 && c.isstd != c.type) || (c.isut != 0 && c.isut != c.type))
		return "bad standard/UT indicator counts";
	idx = d + c.time * tsz;
	types = idx + c.time;
	for (uint64_t i = 0; i < c.type; i++) {
		int32_t off = (int32_t)be32(types + i * 6);

		if (off <= -MAX_OFFSET || off >= MAX_OFFSET)
			return "UT offset out of range";
		if (types[i * 6 + 5] >= c.chars)
			return "abbreviation index out of range";
	}
	tz->times = malloc((c.time ? c.time : 1) * sizeof *tz->times);
	tz->offs = malloc((c.time ? c.time : 1) * sizeof *tz->offs);
	if (tz->times == NULL || tz->offs == NULL)
		return "out of memory";
	for (uint64_t i = 0; i < c.time; i++) {
		int64_t t = tsz == 8 ? be64(d + i * 8) : (int32_t)be32(d + i * 4);

		if (i > 0 && t <= tz->times[i - 1])
			return "transition times out of order";
		if (idx[i] >= c.type)
			return "local time type index out of range";
		tz->times[i] = t;
		tz->offs[i] = (int32_t)be32(types + idx[i] * 6);
	}
	tz->n = c.time;
	tz->off0 = (int32_t)be32(types);
	if (tsz == 8) {
		/* The footer: the rule for instants after the last transition. */
		const unsigned char *f = d + size, *nl;
		char rule[256];

		if (f >= b + n || *f != '\n')
			return "footer missing";
		nl = memchr(f + 1, '\n', (size_t)(b + n - f - 1));
		if (nl == NULL)
			return "footer not terminated";
		if ((size_t)(nl - f - 1) >= sizeof rule)
			return "footer too long";
		memcpy(rule, f + 1, (size_t)(nl - f - 1));
		rule[nl - f - 1] = '\0';
		if (rule[0] != '\0') {
			if (memchr(rule, '\0', (size_t)(nl - f - 1)) != NULL ||
			    !posix_rule(rule, &tz->rule))
				return "footer TZ string not understood";
			tz->has_rule = true;
		}
	}
	return NULL;
}

/* A fixed offset "+09:00", "-0530" or "+09" into *OFF. */
static bool
fixed_offset(const char *s, int32_t *off)
{
	size_t n = strlen(s);
	int h, m = 0;

	if ((s[0] != '+' && s[0] != '-') || !bk__is_digit(s[1]) || !bk__is_digit(s[2]))
		return false;
	h = (s[1] - '0') * 10 + s[2] - '0';
	if (n == 6 && s[3] == ':' && bk__is_digit(s[4]) && bk__is_digit(s[5]))
		m = (s[4] - '0') * 10 + s[5] - '0';
	else if (n == 5 && bk__is_digit(s[3]) && bk__is_digit(s[4]))
		m = (s[3] - '0') * 10 + s[4] - '0';
	else if (n != 3)
		return false;
	if (h > 23 || m > 59)
		return false;
	*off = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
	return true;
}

/* Reads PATH whole into *BUF (malloc'd); NULL or why it could not. */
static const char *
read_small_file(const char *path, unsigned char **buf, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *b;
	size_t n;

	if (fp == NULL)
		return strerror(errno);
	b = malloc(TZIF_MAX + 1);
	if (b == NULL) {
		fclose(fp);
		return "out of memory";
	}
	n = fread(b, 1, TZIF_MAX + 1, fp);
	if (ferror(fp)) {
		fclose(fp);
		free(b);
		return "read error";
	}
	fclose(fp);
	if (n > TZIF_MAX) {
		free(b);
		return "too large for a zone file";
	}
	*buf = b;
	*len = n;
	return NULL;
}

bk_tz *
bk_tz_open(const char *name, char **err)
{
	bk_tz *tz;
	const char *dir, *why;
	char *path = NULL;
	unsigned char *buf = NULL;
	size_t n = 0;
	int32_t off;

	if (err != NULL)
		*err = NULL;
	if (name == NULL || *name == '\0') {
		bk__set_err(err, "empty zone name");
		return NULL;
	}
	tz = calloc(1, sizeof *tz);
	if (tz == NULL)
		return NULL;
	if (strcmp(name, "UTC") == 0 || strcmp(name, "Z") == 0)
		return tz;
	if (name[0] == '+' || name[0] == '-') {
		if (fixed_offset(name, &off)) {
			tz->off0 = off;
			return tz;
		}
		bk__set_err(err, "%s: not an offset (+hh:mm, +hhmm or +hh)", name);
		goto fail;
	}
	/* Names stay inside the zoneinfo directory; absolute paths are files. */
	if (strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
	    strstr(name, "/../") != NULL ||
	    (strlen(name) >= 3 && strcmp(name + strlen(name) - 3, "/..") == 0)) {
		bk__set_err(err, "%s: not a zone name", name);
		goto fail;
	}
	if (name[0] == '/') {
		path = strdup(name);
	} else {
		dir = getenv("TZDIR");
		if (dir == NULL || *dir == '\0')
			dir = "/usr/share/zoneinfo";
		if (asprintf(&path, "%s/%s", dir, name) < 0)
			path = NULL;
	}
	if (path == NULL)
		goto fail;
	why = read_small_file(path, &buf, &n);
	if (why != NULL) {
		bk__set_err(err, "%s: unknown zone (%s: %s)", name, path, why);
		goto fail;
	}
	why = tzif_parse(tz, buf, n);
	if (why != NULL) {
		bk__set_err(err, "%s: bad zone file %s: %s", name, path, why);
		goto fail;
	}
	free(buf);
	free(path);
	return tz;
fail:
	free(buf);
	free(path);
	bk_tz_free(tz);
	return NULL;
}

void
bk_tz_free(bk_tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->times);
	free(tz->offs);
	free(tz);
}

/* ---- zone abbreviations -------------------------------------------------- */

#define ABBR(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/*
 * Abbreviations that name one offset wherever current tzdata uses them.
 * Left out on purpose: CST (US Central, China, Cuba), IST (India, Israel,
 * Ireland), BST (British summer, Bangladesh), AST (Atlantic, Arabia), CDT,
 * ADT, SST, and PST/PDT (Asia/Manila writes PST for +08).
 */
static const struct {
	uint32_t key;
	int32_t off;
} zone_abbrs[] = {
	{ABBR(0, 'U', 'T', 'C'), 0},
	{ABBR(0, 'G', 'M', 'T'), 0},
	{ABBR(0, 0, 0, 'Z'), 0},
	{ABBR(0, 0, 'U', 'T'), 0},
	{ABBR(0, 'J', 'S', 'T'), 9 * 3600},
	{ABBR(0, 'K', 'S', 'T'), 9 * 3600},
	{ABBR(0, 'H', 'K', 'T'), 8 * 3600},
	{ABBR('A', 'W', 'S', 'T'), 8 * 3600},
	{ABBR('A', 'C', 'S', 'T'), 9 * 3600 + 1800},
	{ABBR('A', 'C', 'D', 'T'), 10 * 3600 + 1800},
	{ABBR('A', 'E', 'S', 'T'), 10 * 3600},
	{ABBR('A', 'E', 'D', 'T'), 11 * 3600},
	{ABBR('N', 'Z', 'S', 'T'), 12 * 3600},
	{ABBR('N', 'Z', 'D', 'T'), 13 * 3600},
	{ABBR(0, 'W', 'I', 'B'), 7 * 3600},
	{ABBR('W', 'I', 'T', 'A'), 8 * 3600},
	{ABBR(0, 'W', 'I', 'T'), 9 * 3600},
	{ABBR(0, 'P', 'K', 'T'), 5 * 3600},
	{ABBR(0, 'M', 'S', 'K'), 3 * 3600},
	{ABBR('S', 'A', 'S', 'T'), 2 * 3600},
	{ABBR(0, 'W', 'E', 'T'), 0},
	{ABBR('W', 'E', 'S', 'T'), 1 * 3600},
	{ABBR(0, 'C', 'E', 'T'), 1 * 3600},
	{ABBR('C', 'E', 'S', 'T'), 2 * 3600},
	{ABBR(0, 'M', 'E', 'T'), 1 * 3600},
	{ABBR('M', 'E', 'S', 'T'), 2 * 3600},
	{ABBR(0, 'E', 'E', 'T'), 2 * 3600},
	{ABBR('E', 'E', 'S', 'T'), 3 * 3600},
	{ABBR(0, 'E', 'S', 'T'), -5 * 3600},
	{ABBR(0, 'E', 'D', 'T'), -4 * 3600},
	{ABBR(0, 'M', 'S', 'T'), -7 * 3600},
	{ABBR(0, 'M', 'D', 'T'), -6 * 3600},
	{ABBR('A', 'K', 'S', 'T'), -9 * 3600},
	{ABBR('A', 'K', 'D', 'T'), -8 * 3600},
	{ABBR(0, 'H', 'S', 'T'), -10 * 3600},
};

/* The offset of the N-letter abbreviation S, when known without doubt. */
static bool
zone_abbr(const char *s, size_t n, int *off)
{
	uint32_t key = 0;

	if (n == 0 || n > 4)
		return false;
	for (size_t i = 0; i < n; i++)
		key = key << 8 | (unsigned char)(s[i] & ~0x20);	/* upper case */
	for (size_t i = 0; i < sizeof zone_abbrs / sizeof zone_abbrs[0]; i++)
		if (zone_abbrs[i].key == key) {
			*off = zone_abbrs[i].off;
			return true;
		}
	return false;
}

/* ---- reading fields ------------------------------------------------------ */

/* N digits at P as a number, or -1. */
static inline int
digits(const char *p, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		unsigned d = (unsigned)(unsigned char)p[i] - '0';

		if (d > 9)
			return -1;
		v = v * 10 + (int)d;
	}
	return v;
}

/* MIN..MAX digits at P (before E) into *V; the end, or NULL. */
static inline const char *
num(const char *p, const char *e, int min, int max, int *v)
{
	int n = 0, x = 0;

	while (n < max && p < e && bk__is_digit(*p))
		x = x * 10 + (*p++ - '0'), n++;
	if (n < min)
		return NULL;
	*v = x;
	return p;
}

/* One or two digits at P (before E) into *V: the end, or NULL. */
static inline const char *
num12(const char *p, const char *e, int *v)
{
	unsigned d0, d1;

	if (p >= e || (d0 = (unsigned)(unsigned char)*p - '0') > 9)
		return NULL;
	if (e - p >= 2 && (d1 = (unsigned)(unsigned char)p[1] - '0') <= 9) {
		*v = (int)(d0 * 10 + d1);
		return p + 2;
	}
	*v = (int)d0;
	return p + 1;
}

/* The month of the three letters at P (any case), or 0. */
static inline int
month_abbr(const char *p)
{
	uint32_t k = (uint32_t)(unsigned char)(p[0] | 0x20) << 16 |
	    (uint32_t)(unsigned char)(p[1] | 0x20) << 8 | (unsigned char)(p[2] | 0x20);

	switch (k) {
	case 'j' << 16 | 'a' << 8 | 'n': return 1;
	case 'f' << 16 | 'e' << 8 | 'b': return 2;
	case 'm' << 16 | 'a' << 8 | 'r': return 3;
	case 'a' << 16 | 'p' << 8 | 'r': return 4;
	case 'm' << 16 | 'a' << 8 | 'y': return 5;
	case 'j' << 16 | 'u' << 8 | 'n': return 6;
	case 'j' << 16 | 'u' << 8 | 'l': return 7;
	case 'a' << 16 | 'u' << 8 | 'g': return 8;
	case 's' << 16 | 'e' << 8 | 'p': return 9;
	case 'o' << 16 | 'c' << 8 | 't': return 10;
	case 'n' << 16 | 'o' << 8 | 'v': return 11;
	case 'd' << 16 | 'e' << 8 | 'c': return 12;
	default: return 0;
	}
}

/* "HH:MM:SS" at P (8 bytes available) into T. */
static inline bool
hms(const char *p, struct bk_tm *t)
{
	t->hour = digits(p, 2);
	t->min = digits(p + 3, 2);
	t->sec = digits(p + 6, 2);
	return p[2] == ':' && p[5] == ':' && (t->hour | t->min | t->sec) >= 0;
}

/* The digits of a fraction of a second at P into T->msec (truncated). */
static inline const char *
frac_digits(const char *p, const char *e, struct bk_tm *t)
{
	int scale = 100;

	for (; p < e && bk__is_digit(*p); p++, scale /= 10)
		t->msec += (*p - '0') * scale;
	return p;
}

/* An optional fraction (".123456", or ",123" when COMMA) into T->msec. */
static inline const char *
frac(const char *p, const char *e, struct bk_tm *t, bool comma)
{
	if (e - p < 2 || !(*p == '.' || (comma && *p == ',')) || !bk__is_digit(p[1]))
		return p;
	return frac_digits(p + 1, e, t);
}

/*
 * A numeric offset at P: "Z" (when Z), or [+-]hh, [+-]hhmm, [+-]hh:mm
 * (hh alone only when BARE). Returns the end, or NULL.
 */
static const char *
offset(const char *p, const char *e, struct bk_tm *t, bool z, bool bare)
{
	int h, m = 0, sign;

	if (z && p < e && (*p == 'Z' || *p == 'z')) {
		t->off = 0;
		t->has_off = true;
		return p + 1;
	}
	if (e - p < 3 || (*p != '+' && *p != '-') || (h = digits(p + 1, 2)) < 0)
		return NULL;
	sign = *p == '-' ? -1 : 1;
	p += 3;
	if (e - p >= 3 && *p == ':' && (m = digits(p + 1, 2)) >= 0)
		p += 3;
	else if (e - p >= 2 && (m = digits(p, 2)) >= 0)
		p += 2;
	else if (!bare)
		return NULL;
	else
		m = 0;
	if (h > 23 || m > 59)
		return NULL;
	t->off = sign * (h * 3600 + m * 60);
	t->has_off = true;
	return p;
}

/*
 * A zone word as %Z and PostgreSQL write it: letters (an abbreviation, which
 * sets the offset only when zone_abbr knows it) or a numeric offset "+09".
 * With KNOWN, unknown words are not taken. Returns the end, or NULL.
 */
static const char *
zone_word(const char *p, const char *e, struct bk_tm *t, bool known)
{
	const char *q = p;
	int off;

	if (p < e && (*p == '+' || *p == '-'))
		return offset(p, e, t, false, true);
	while (q < e && bk__is_alpha(*q) && q - p < 6)
		q++;
	if (q == p || (q < e && bk__is_alpha(*q)))
		return NULL;
	if (zone_abbr(p, (size_t)(q - p), &off)) {
		t->off = off;
		t->has_off = true;
	} else if (known) {
		return NULL;
	}
	return q;
}

/* Coarse checks that need no year; bk_tm_to_ms checks the day of month. */
static inline bool
fields_ok(const struct bk_tm *t)
{
	return t->mon >= 1 && t->mon <= 12 && t->mday >= 1 && t->mday <= 31 && t->hour >= 0 &&
	    t->hour <= 23 && t->min >= 0 && t->min <= 59 && t->sec >= 0 && t->sec <= 60;
}

/* Fills T from epoch SECS and the milliseconds MS. */
static void
from_epoch(int64_t secs, int ms, struct bk_tm *t)
{
	int64_t days = floor_div(secs, 86400), rem = secs - days * 86400;

	civil_from_days(days, &t->year, &t->mon, &t->mday);
	t->hour = (int)(rem / 3600);
	t->min = (int)(rem / 60 % 60);
	t->sec = (int)(rem % 60);
	t->msec = ms;
	t->off = 0;
	t->has_year = t->has_off = t->epoch = true;
}

/* Epoch seconds, 1 to MAXD integer digits, optional fraction. */
static const char *
epoch(const char *p, const char *e, struct bk_tm *t, int mind, int maxd)
{
	int64_t secs = 0;
	int n = 0;

	while (p < e && bk__is_digit(*p) && n <= maxd)
		secs = secs * 10 + (*p++ - '0'), n++;
	if (n < mind || n > maxd)
		return NULL;
	t->msec = 0;
	p = frac(p, e, t, false);
	from_epoch(secs, t->msec, t);
	return p;
}

/* ---- the named layouts --------------------------------------------------- */

/* 22/Nov/2026:10:00:00 +0900 (a fraction after the seconds is read too). */
static size_t
parse_clf(const char *s, size_t len, struct bk_tm *t)
{
	const char *p = s, *e = s + len, *q;

	if (len < 20 || s[2] != '/' || s[6] != '/' || s[11] != ':')
		return 0;
	t->mday = digits(s, 2);
	t->mon = month_abbr(s + 3);
	t->year = digits(s + 7, 4);
	if (t->year < 0 || !hms(s + 12, t))
		return 0;
	t->has_year = true;
	p = frac(s + 20, e, t, false);
	if (e - p > 1 && *p == ' ' && (q = offset(p + 1, e, t, false, false)) != NULL)
		p = q;
	return fields_ok(t) ? (size_t)(p - s) : 0;
}

/*
 * 2026-11-22T10:00:00[.frac]: T, t or a space between date and time, a
 * fraction after '.' or ','. The end, or NULL.
 */
static inline const char *
iso_datetime(const char *s, size_t len, struct bk_tm *t)
{
	if (len < 19 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != ' ' && s[10] != 't'))
		return NULL;
	t->year = digits(s, 4);
	t->mon = digits(s + 5, 2);
	t->mday = digits(s + 8, 2);
	if (t->year < 0 || !hms(s + 11, t))
		return NULL;
	t->has_year = true;
	return frac(s + 19, s + len, t, true);
}

/*
 * ISO 8601 / RFC 3339: iso_datetime, then an optional zone: Z, +hh:mm,
 * +hhmm or +hh, or " +hh:mm" / " +hhmm" after one space.
 */
static size_t
parse_iso(const char *s, size_t len, struct bk_tm *t)
{
	const char *p = iso_datetime(s, len, t), *e = s + len, *q;

	if (p == NULL)
		return 0;
	if ((q = offset(p, e, t, true, true)) != NULL)
		p = q;
	else if (e - p > 1 && *p == ' ' && (q = offset(p + 1, e, t, false, false)) != NULL)
		p = q;
	return fields_ok(t) ? (size_t)(p - s) : 0;
}

/* Nov 22 10:00:00, Nov  2 10:00:00 (an optional fraction after it). */
static size_t
parse_syslog(const char *s, size_t len, struct bk_tm *t)
{
	const char *p;

	if (len < 15 || s[3] != ' ' || s[6] != ' ')
		return 0;
	t->mon = month_abbr(s);
	t->mday = s[4] == ' ' ? digits(s + 5, 1) : digits(s + 4, 2);
	if (!hms(s + 7, t))
		return 0;
	p = frac(s + 15, s + len, t, false);
	return fields_ok(t) ? (size_t)(p - s) : 0;
}

/*
 * PostgreSQL's %m and %t: 2026-11-22 10:00:00.123 JST, ... UTC, ... +09.
 * The zone is required; with KNOWN, only one zone_abbr knows or a number.
 */
static size_t
parse_pg(const char *s, size_t len, struct bk_tm *t, bool known)
{
	const char *p = iso_datetime(s, len, t), *e = s + len;

	if (p == NULL || e - p < 2 || *p != ' ' || (p = zone_word(p + 1, e, t, known)) == NULL)
		return 0;
	return fields_ok(t) ? (size_t)(p - s) : 0;
}

/* MySQL: ISO 8601, or the old 221122 10:00:00 / 221122  9:05:01. */
static size_t
parse_mysql(const char *s, size_t len, struct bk_tm *t)
{
	if (len >= 15 && s[6] == ' ' && s[12] == ':' && (s[7] == ' ' || bk__is_digit(s[7]))) {
		t->year = digits(s, 2);
		t->mon = digits(s + 2, 2);
		t->mday = digits(s + 4, 2);
		t->hour = s[7] == ' ' ? digits(s + 8, 1) : digits(s + 7, 2);
		t->min = digits(s + 10, 2);
		t->sec = digits(s + 13, 2);
		if (s[9] != ':' || (t->year | t->hour | t->min | t->sec) < 0)
			return 0;
		t->year += 2000;
		t->has_year = true;
		return fields_ok(t) ? 15 : 0;
	}
	return parse_iso(s, len, t);
}

enum named { NAMED_NONE, NAMED_CLF, NAMED_ISO, NAMED_SYSLOG, NAMED_EPOCH, NAMED_PG,
	NAMED_MYSQL, NAMED_AUTO };

static size_t
parse_named(enum named which, const char *s, size_t len, struct bk_tm *t)
{
	const char *p;

	switch (which) {
	case NAMED_CLF:
		return parse_clf(s, len, t);
	case NAMED_ISO:
		return parse_iso(s, len, t);
	case NAMED_SYSLOG:
		return parse_syslog(s, len, t);
	case NAMED_EPOCH:
		p = epoch(s, s + len, t, 1, 12);
		return p != NULL ? (size_t)(p - s) : 0;
	case NAMED_PG:
		return parse_pg(s, len, t, false);
	case NAMED_MYSQL:
		return parse_mysql(s, len, t);
	default:
		return 0;
	}
}

/*
 * "auto": every named layout, the longest reading wins (the first on a tie).
 * Epoch seconds count only with 9 or 10 digits (2001 to 2286), and
 * PostgreSQL's zone only when it is known, so a number or a word after a
 * time is not taken for either.
 */
static size_t
parse_auto(const char *s, size_t len, struct bk_tm *t)
{
	static const enum named order[] = {NAMED_ISO, NAMED_CLF, NAMED_SYSLOG, NAMED_MYSQL};
	struct bk_tm cur;
	size_t best = 0, n;
	const char *p;

	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
		memset(&cur, 0, sizeof cur);
		n = parse_named(order[i], s, len, &cur);
		if (n > best)
			best = n, *t = cur;
	}
	memset(&cur, 0, sizeof cur);
	n = parse_pg(s, len, &cur, true);
	if (n > best)
		best = n, *t = cur;
	memset(&cur, 0, sizeof cur);
	p = epoch(s, s + len, &cur, 9, 10);
	if (p != NULL && (size_t)(p - s) > best)
		best = (size_t)(p - s), *t = cur;
	return best;
}

/* ---- strptime-style layouts ---------------------------------------------- */

enum op_kind {
	OP_LIT, OP_SPACE, OP_YEAR, OP_YEAR2, OP_MON, OP_MONNAME, OP_DAY, OP_DAYSP, OP_YDAY,
	OP_HOUR, OP_HOUR12, OP_MIN, OP_SEC, OP_FRAC, OP_AMPM, OP_WDAY, OP_OFF, OP_ZONE,
	OP_EPOCH,
};

/*
 * One step of a compiled layout. A literal or a run of blanks that follows a
 * step is folded into it as AFTER (' ' standing for the run), which halves
 * the steps of a typical layout and so the dispatches per time.
 */
struct op {
	unsigned char kind;
	char c;			/* OP_LIT */
	char after;		/* 0, a literal, or ' ' for one or more blanks */
};

struct bk_timefmt {
	enum named named;
	size_t n;
	struct op ops[];
};

/* Skips a weekday name (three letters, or the full name). */
static const char *
weekday(const char *p, const char *e)
{
	static const char *const names[] = {"sunday", "monday", "tuesday", "wednesday",
		"thursday", "friday", "saturday"};

	for (size_t i = 0; i < 7; i++) {
		size_t k = 0, full = strlen(names[i]);

		while (k < full && p + k < e && (p[k] | 0x20) == names[i][k])
			k++;
		if (k == full || (k == 3 && !(p + 3 < e && bk__is_alpha(p[3]))))
			return p + k;
	}
	return NULL;
}

/* A month name: three letters, or the full name ("November"). */
static const char *
month_name(const char *p, const char *e, int *mon)
{
	static const char *const rest[] = {"uary", "ruary", "ch", "il", "", "e", "y", "ust",
		"tember", "ober", "ember", "ember"};
	const char *r;
	size_t k, i = 0;

	if (e - p < 3 || (*mon = month_abbr(p)) == 0)
		return NULL;
	p += 3;
	if (p >= e || !bk__is_alpha(*p))
		return p;
	r = rest[*mon - 1];
	k = strlen(r);
	while (i < k && p + i < e && (p[i] | 0x20) == r[i])
		i++;
	return i == k ? p + k : p;
}

static size_t
parse_ops(const bk_timefmt *f, const char *s, size_t len, struct bk_tm *t)
{
	const char *p = s, *e = s + len;
	int yday = -1, ampm = -1, v = 0;
	bool h12 = false;

	for (const struct op *o = f->ops; o < f->ops + f->n; o++) {
		switch ((enum op_kind)o->kind) {
		case OP_LIT:
			p = p < e && *p == o->c ? p + 1 : NULL;
			break;
		case OP_SPACE:
			if (p >= e || (*p != ' ' && *p != '\t'))
				return 0;
			while (p < e && (*p == ' ' || *p == '\t'))
				p++;
			break;
		case OP_YEAR:
			if (e - p < 4 || (t->year = digits(p, 4)) < 0)
				return 0;
			p += 4;
			t->has_year = true;
			break;
		case OP_YEAR2:
			/* POSIX: 69-99 are 1969-1999, 00-68 are 2000-2068. */
			p = num(p, e, 2, 2, &v);
			t->year = v < 69 ? 2000 + v : 1900 + v;
			t->has_year = true;
			break;
		case OP_MON:
			p = num12(p, e, &t->mon);
			break;
		case OP_MONNAME:
			p = month_name(p, e, &t->mon);
			break;
		case OP_DAYSP:
			if (p < e && *p == ' ')
				p++;
			p = num12(p, e, &t->mday);
			break;
		case OP_DAY:
			p = num12(p, e, &t->mday);
			break;
		case OP_YDAY:
			p = num(p, e, 1, 3, &yday);
			break;
		case OP_HOUR:
			p = num12(p, e, &t->hour);
			break;
		case OP_HOUR12:
			p = num12(p, e, &t->hour);
			h12 = true;
			break;
		case OP_MIN:
			p = num12(p, e, &t->min);
			break;
		case OP_SEC:
			p = num12(p, e, &t->sec);
			break;
		case OP_FRAC:
			/* %f: the digits of a fraction; the '.' is the layout's. */
			if (p >= e || !bk__is_digit(*p))
				return 0;
			p = frac_digits(p, e, t);
			break;
		case OP_AMPM:
			if (e - p < 2 || (p[1] | 0x20) != 'm')
				return 0;
			ampm = (p[0] | 0x20) == 'a' ? 0 : (p[0] | 0x20) == 'p' ? 1 : -1;
			p = ampm < 0 ? NULL : p + 2;
			break;
		case OP_WDAY:
			p = weekday(p, e);
			break;
		case OP_OFF:
			p = offset(p, e, t, true, true);
			break;
		case OP_ZONE:
			p = zone_word(p, e, t, false);
			break;
		case OP_EPOCH:
			p = epoch(p, e, t, 1, 12);
			break;
		}
		if (p == NULL)
			return 0;
		if (o->after == ' ') {
			if (p >= e || (*p != ' ' && *p != '\t'))
				return 0;
			while (p < e && (*p == ' ' || *p == '\t'))
				p++;
		} else if (o->after != 0) {
			if (p >= e || *p != o->after)
				return 0;
			p++;
		}
	}
	if (p == NULL)
		return 0;
	if (yday >= 0) {
		if (!t->has_year || yday < 1 || yday > (is_leap(t->year) ? 366 : 365))
			return 0;
		for (t->mon = 1; yday > days_in_month(t->year, t->mon); t->mon++)
			yday -= days_in_month(t->year, t->mon);
		t->mday = yday;
	}
	if (h12) {
		if (t->hour < 1 || t->hour > 12)
			return 0;
		if (t->hour == 12)
			t->hour = 0;
	}
	if (ampm == 1 && t->hour < 12)
		t->hour += 12;
	else if (ampm == 0 && !h12 && t->hour == 12)
		t->hour = 0;
	return fields_ok(t) ? (size_t)(p - s) : 0;
}

static const struct {
	const char *name;
	enum named which;
} named_layouts[] = {
	{"clf", NAMED_CLF}, {"iso8601", NAMED_ISO}, {"syslog", NAMED_SYSLOG},
	{"epoch", NAMED_EPOCH}, {"pg", NAMED_PG}, {"mysql", NAMED_MYSQL}, {"auto", NAMED_AUTO},
};

/* The op for the escape C, or -1. %T and %F are expanded by the caller. */
static int
escape_op(char c)
{
	switch (c) {
	case 'Y': return OP_YEAR;
	case 'y': return OP_YEAR2;
	case 'm': return OP_MON;
	case 'b': case 'B': case 'h': return OP_MONNAME;
	case 'd': return OP_DAY;
	case 'e': return OP_DAYSP;
	case 'j': return OP_YDAY;
	case 'H': return OP_HOUR;
	case 'I': return OP_HOUR12;
	case 'M': return OP_MIN;
	case 'S': return OP_SEC;
	case 'f': return OP_FRAC;
	case 'p': return OP_AMPM;
	case 'a': case 'A': return OP_WDAY;
	case 'z': return OP_OFF;
	case 'Z': return OP_ZONE;
	case 's': return OP_EPOCH;
	default: return -1;
	}
}

bk_timefmt *
bk_timefmt_new(const char *layout, char **err)
{
	bk_timefmt *f;
	size_t n = 0, len;
	unsigned seen = 0;
	const char *p;

	if (err != NULL)
		*err = NULL;
	if (layout == NULL || *layout == '\0') {
		bk__set_err(err, "empty time layout");
		return NULL;
	}
	for (size_t i = 0; i < sizeof named_layouts / sizeof named_layouts[0]; i++)
		if (strcmp(layout, named_layouts[i].name) == 0) {
			f = calloc(1, sizeof *f);
			if (f != NULL)
				f->named = named_layouts[i].which;
			return f;
		}
	/* Each layout byte makes at most three ops (%T). */
	len = strlen(layout);
	f = calloc(1, sizeof *f + 3 * len * sizeof f->ops[0]);
	if (f == NULL)
		return NULL;
	for (p = layout; *p != '\0'; p++) {
		int k;

		if (*p == ' ' || *p == '\t') {
			while (p[1] == ' ' || p[1] == '\t')
				p++;
			f->ops[n++].kind = OP_SPACE;
			continue;
		}
		if (*p != '%') {
			f->ops[n].kind = OP_LIT;
			f->ops[n++].c = *p;
			continue;
		}
		p++;
		if (*p == '%') {
			f->ops[n].kind = OP_LIT;
			f->ops[n++].c = '%';
			continue;
		}
		if (*p == 'n' || *p == 't') {
			f->ops[n++].kind = OP_SPACE;
			continue;
		}
		if (*p == 'T' || *p == 'F') {
			static const struct op hms_ops[] = {{OP_HOUR, 0, 0}, {OP_LIT, ':', 0},
				{OP_MIN, 0, 0}, {OP_LIT, ':', 0}, {OP_SEC, 0, 0}};
			static const struct op ymd_ops[] = {{OP_YEAR, 0, 0}, {OP_LIT, '-', 0},
				{OP_MON, 0, 0}, {OP_LIT, '-', 0}, {OP_DAY, 0, 0}};

			memcpy(f->ops + n, *p == 'T' ? hms_ops : ymd_ops, sizeof hms_ops);
			n += 5;
			seen |= *p == 'F' ? 1u << OP_YEAR | 1u << OP_MON | 1u << OP_DAY : 0;
			continue;
		}
		k = *p == '\0' ? -1 : escape_op(*p);
		if (k < 0) {
			if (*p == '\0')
				bk__set_err(err, "time layout \"%s\": ends with a lone %%", layout);
			else
				bk__set_err(err, "time layout \"%s\": unknown escape %%%c", layout, *p);
			free(f);
			return NULL;
		}
		seen |= 1u << k;
		f->ops[n++].kind = (unsigned char)k;
	}
	/* Fold each literal or blank run into the step before it. */
	for (size_t r = 0; r < n; r++) {
		struct op o = f->ops[r];

		if (f->n > 0 && f->ops[f->n - 1].after == 0 &&
		    (o.kind == OP_LIT || o.kind == OP_SPACE))
			f->ops[f->n - 1].after = o.kind == OP_SPACE ? ' ' : o.c;
		else
			f->ops[f->n++] = o;
	}
	if (!(seen & 1u << OP_EPOCH) &&
	    !((seen & (1u << OP_MON | 1u << OP_MONNAME)) &&
		(seen & (1u << OP_DAY | 1u << OP_DAYSP))) &&
	    !((seen & 1u << OP_YDAY) && (seen & (1u << OP_YEAR | 1u << OP_YEAR2)))) {
		bk__set_err(err, "time layout \"%s\": no date in it (needs %%m or %%b with %%d, "
			     "%%j with %%Y, or %%s)", layout);
		free(f);
		return NULL;
	}
	if ((seen & 1u << OP_YDAY) && !(seen & (1u << OP_YEAR | 1u << OP_YEAR2))) {
		bk__set_err(err, "time layout \"%s\": %%j needs %%Y or %%y", layout);
		free(f);
		return NULL;
	}
	return f;
}

void
bk_timefmt_free(bk_timefmt *f)
{
	free(f);
}

size_t
bk_timefmt_parse(const bk_timefmt *f, const char *s, size_t len, struct bk_tm *t)
{
	size_t n;

	memset(t, 0, sizeof *t);
	if (f->named == NAMED_AUTO)
		n = parse_auto(s, len, t);
	else if (f->named != NAMED_NONE)
		n = parse_named(f->named, s, len, t);
	else
		n = parse_ops(f, s, len, t);
	if (n == 0)
		memset(t, 0, sizeof *t);
	return n;
}

int
bk__timefmt_sec_at(const bk_timefmt *f)
{
	/* Fixed by each layout's checks: dd/Mon/yyyy:HH:MM:SS, yyyy-mm-ddTHH:MM:SS, Mon dd HH:MM:SS */
	switch (f->named) {
	case NAMED_CLF:
		return 18;
	case NAMED_ISO:
	case NAMED_PG:
		return 17;
	case NAMED_SYSLOG:
		return 13;
	default:
		/* MySQL has two forms; strptime fields are one or two digits wide. */
		return -1;
	}
}

/* ---- to UTC milliseconds ------------------------------------------------- */

static int64_t
now_ms(void)
{
	struct timespec ts;

	if (bk__timefmt_now != 0)
		return bk__timefmt_now;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* T's wall time in YEAR as milliseconds, or INT64_MIN for a day that is not. */
static int64_t
wall_ms(const struct bk_tm *t, int year)
{
	if (t->mday > days_in_month(year, t->mon))
		return INT64_MIN;
	return (bk_days_from_civil(year, t->mon, t->mday) * 86400 + t->hour * 3600 +
		   t->min * 60 + t->sec) * 1000 + t->msec;
}

/* Wall time LOCAL to UTC with T's own offset, or TZ's. */
static int64_t
to_utc(const struct bk_tm *t, const bk_tz *tz, int64_t local)
{
	if (t->has_off)
		return local - (int64_t)t->off * 1000;
	return local - (int64_t)bk_tz_local_offset(tz, local) * 1000;
}

int64_t
bk_tm_to_ms(const struct bk_tm *t, const bk_tz *tz, int year)
{
	int64_t ms, now;
	int y, m, d;

	if (!fields_ok(t) || t->msec < 0 || t->msec > 999 ||
	    (t->has_off && (t->off <= -MAX_OFFSET || t->off >= MAX_OFFSET)))
		return INT64_MIN;
	if (t->has_year || year != 0) {
		y = t->has_year ? t->year : year;
		if (y < -999999 || y > 999999)
			return INT64_MIN;
		ms = wall_ms(t, y);
		return ms == INT64_MIN ? ms : to_utc(t, tz, ms);
	}
	/* No year: this year where the log was written, unless that is ahead. */
	now = now_ms();
	civil_from_days(floor_div(now / 1000 + (t->has_off ? t->off : bk_tz_offset(tz, now)),
			    86400), &y, &m, &d);
	ms = wall_ms(t, y);
	if (ms != INT64_MIN)
		ms = to_utc(t, tz, ms);
	if (ms == INT64_MIN || ms > now + 86400000) {
		ms = wall_ms(t, y - 1);
		if (ms != INT64_MIN)
			ms = to_utc(t, tz, ms);
	}
	return ms;
}
