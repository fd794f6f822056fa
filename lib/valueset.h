/*
 * valueset.h - a set of short strings kept in a file: the keyed hashes of
 * findings a scheduled scan has already reported (bk-scan --baseline), or
 * the values a responder knows are harmless (--allow: test card numbers,
 * the company's own switchboard).
 *
 * The file is text, one entry per line; '#' starts a comment line and blank
 * lines are ignored. Saving writes a temporary file in the same directory
 * with mode 0600, syncs it and renames it over the old one, so a crash never
 * leaves half a baseline.
 */
#ifndef BK_VALUESET_H
#define BK_VALUESET_H

#include <stdbool.h>
#include <stddef.h>

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bk_valueset bk_valueset;

/* An empty set; NULL on OOM. */
bk_valueset *bk_valueset_new(void);

/* Accepts NULL. */
void bk_valueset_free(bk_valueset *vs);

enum {
	BK_VALUESET_MISSING_OK = 1 << 0,	/* a missing file is an empty set (a first run) */
	BK_VALUESET_CANONICAL = 1 << 1,		/* keep entries in privacy.h's canonical form */
};

/*
 * Adds the entries of PATH, as FLAGS say. BK_OK, BK_NOMEM, or BK_ERROR with
 * bk_valueset_error() naming the file (and line: an entry holding a NUL or
 * longer than 4 KiB).
 */
int bk_valueset_load(bk_valueset *vs, const char *path, unsigned flags);

/* Adds S (LEN bytes); BK_OK or BK_NOMEM. Adding a present entry changes nothing. */
int bk_valueset_add(bk_valueset *vs, const char *s, size_t len);

bool bk_valueset_has(const bk_valueset *vs, const char *s, size_t len);

size_t bk_valueset_count(const bk_valueset *vs);

/*
 * Writes every entry to PATH, after the comment line HEADER (may be NULL),
 * atomically and with mode 0600. BK_OK or BK_ERROR.
 */
int bk_valueset_save(bk_valueset *vs, const char *path, const char *header);

const char *bk_valueset_error(const bk_valueset *vs);

#ifdef __cplusplus
}
#endif
#endif /* BK_VALUESET_H */
