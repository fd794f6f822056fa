/*
 * detectconf.h - detector settings: thresholds, windows, business hours.
 *
 * Every detector (bk-access, bk-exfil) reads its thresholds from a plain
 * text file, patterns/detect/NAME.conf, and lets the user override any of
 * them on the command line, either with a named option (--window 1h) or with
 * --set KEY=VALUE. The file is `#` comments, blank lines and `key = value`
 * lines, keys dotted by detector (`bulk_distinct.threshold = 500`).
 *
 * The tool declares its keys up front - name, type and default - so a
 * misspelt key in a file is an error naming the file and line instead of a
 * setting silently ignored, and so every value is checked once when it is
 * set: the typed getters never fail. Values are kept as text too, so an
 * alert can say "1h" as the user wrote it.
 *
 * Value syntax, shared with the tools' named options through the
 * bk_conf_parse_* functions:
 *   integer    -12, 500
 *   double     0.5, 3, 1e3
 *   duration   30s 5m 1h 7d 2w 250ms (a number and a unit; 0 alone is zero)
 *   bytes      512, 10MB, 1.5GiB (B kB/KB MB GB TB decimal; KiB MiB GiB TiB binary)
 *   string     anything, surrounding spaces dropped
 *   list       comma-separated strings, each trimmed; empty items dropped
 *   bool       true/false, yes/no, on/off, 1/0
 *   hours      HH:MM-HH:MM, a time-of-day range; it may wrap past midnight
 *              (22:00-06:00); 24:00 is allowed as an end
 *   days       weekdays: Mon-Fri, Sat,Sun, Fri-Mon (wraps), or a mix
 */
#ifndef BK_DETECTCONF_H
#define BK_DETECTCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

enum bk_conf_type {
	BK_CONF_INT,
	BK_CONF_DOUBLE,
	BK_CONF_DURATION,	/* milliseconds */
	BK_CONF_BYTES,
	BK_CONF_STRING,
	BK_CONF_LIST,
	BK_CONF_BOOL,
	BK_CONF_HOURS,		/* minutes of the day, start and end */
	BK_CONF_DAYS,		/* bit N set: weekday N, 0 = Sunday (as struct tm) */
};

/* One key a tool accepts. DEF is its default value as text (checked by bk_detectconf_new). */
typedef struct bk_conf_key {
	const char *name;	/* "bulk_distinct.threshold" */
	enum bk_conf_type type;
	const char *def;
	const char *help;	/* one line, for --list-settings; may be NULL */
} bk_conf_key;

typedef struct bk_detectconf bk_detectconf;

/*
 * Settings for the NKEYS keys of KEYS (the array must outlive the handle),
 * each at its default. NULL on OOM, or when a default does not parse (a bug
 * in the tool: *ERR, which may be NULL, then gets a malloc'd message).
 */
bk_detectconf *bk_detectconf_new(const bk_conf_key *keys, size_t nkeys, char **err);

/* Accepts NULL. */
void bk_detectconf_free(bk_detectconf *c);

/*
 * Reads PATH's settings over the current ones. BK_OK, BK_NOMEM, or BK_ERROR
 * at the first bad line, with bk_detectconf_error() saying
 * "PATH:LINE: unknown key 'x'", "PATH:LINE: bad duration '1x'" or
 * "PATH:LINE: expected 'key = value'" (or "PATH: strerror" when it cannot
 * be read). Settings before the bad line stay applied.
 */
int bk_detectconf_load(bk_detectconf *c, const char *path);

/*
 * Sets KEY to VALUE, as a file line would. ORIGIN names where it came from
 * for the error message ("--set", "--window"); the message is then
 * "ORIGIN: bad duration '1x'" or "ORIGIN: unknown key 'x'".
 */
int bk_detectconf_set(bk_detectconf *c, const char *key, const char *value, const char *origin);

/* "KEY=VALUE" as given to --set; BK_ERROR "--set: expected KEY=VALUE" without '='. */
int bk_detectconf_set_arg(bk_detectconf *c, const char *arg);

const char *bk_detectconf_error(const bk_detectconf *c);

/* Whether KEY was set by a file or bk_detectconf_set, rather than left at its default. */
bool bk_detectconf_is_set(const bk_detectconf *c, const char *key);

/*
 * The typed getters. KEY must be one of the declared keys with that type
 * (anything else is a bug in the tool and aborts).
 */
int64_t bk_detectconf_int(const bk_detectconf *c, const char *key);
double bk_detectconf_double(const bk_detectconf *c, const char *key);
int64_t bk_detectconf_duration(const bk_detectconf *c, const char *key);
uint64_t bk_detectconf_bytes(const bk_detectconf *c, const char *key);
bool bk_detectconf_bool(const bk_detectconf *c, const char *key);
/* Valid until KEY is set again. */
const char *bk_detectconf_str(const bk_detectconf *c, const char *key);
/* The items in *ITEMS (valid until KEY is set again); returns how many. */
size_t bk_detectconf_list(const bk_detectconf *c, const char *key, const char *const **items);
void bk_detectconf_hours(const bk_detectconf *c, const char *key, int *start, int *end);
unsigned bk_detectconf_days(const bk_detectconf *c, const char *key);

/* The value of any key as text, as last set ("1h"); NULL for an unknown key. */
const char *bk_detectconf_text(const bk_detectconf *c, const char *key);

/* The declared keys (for --list-settings); *N gets how many. */
const bk_conf_key *bk_detectconf_keys(const bk_detectconf *c, size_t *n);

/*
 * The value parsers, for named options that take the same syntax. Each
 * reads the whole of S (surrounding spaces allowed) and returns BK_OK, or
 * BK_ERROR leaving *OUT unchanged.
 */
int bk_conf_parse_int(const char *s, int64_t *out);
int bk_conf_parse_double(const char *s, double *out);
int bk_conf_parse_duration(const char *s, int64_t *ms);
int bk_conf_parse_bytes(const char *s, uint64_t *out);
int bk_conf_parse_bool(const char *s, bool *out);
int bk_conf_parse_hours(const char *s, int *start, int *end);
int bk_conf_parse_days(const char *s, unsigned *mask);

/* Whether minute-of-day MINUTE (0..1439) falls in [START, END) (wrapping when END <= START). */
bool bk_conf_hours_contain(int start, int end, int minute);

/* The type's name as error messages use it: "duration", "byte size", ... */
const char *bk_conf_type_name(enum bk_conf_type t);

#ifdef __cplusplus
}
#endif
#endif /* BK_DETECTCONF_H */
