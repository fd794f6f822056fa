/*
 * fileset.h - the list of inputs a tool reads, in the order to read them.
 *
 * Users hand tools paths, directories and "-". A file set expands directories
 * (when recursive; symlink loops are detected and reported, each file is
 * listed once), applies include/exclude globs to file names, and orders
 * rotated logs chronologically: within one directory "access.log.12.gz ...
 * access.log.2.gz access.log.1 access.log" (highest number oldest, the live
 * file last), and dated sets ("access.log-20150507.gz access.log-20150508")
 * by date, so a folder of rotated logs reads in time order.
 *
 * Problems with one path (missing, unreadable directory, loop) go to the error
 * callback and never stop the others.
 */
#ifndef BK_FILESET_H
#define BK_FILESET_H

#include <stdbool.h>
#include <stddef.h>

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bk_fileset bk_fileset;

/* Called once per problem: PATH as given or found, MESSAGE e.g. "Permission denied". */
typedef void (*bk_fileset_error_fn)(void *ctx, const char *path, const char *message);

/* An empty set; NULL on OOM. */
bk_fileset *bk_fileset_new(void);

/* Accepts NULL. */
void bk_fileset_free(bk_fileset *fs);

/* Where problems are reported (default: nowhere; they are still counted). */
void bk_fileset_on_error(bk_fileset *fs, bk_fileset_error_fn fn, void *ctx);

/* Descend into directories. Without it a directory is an error ("Is a directory"). */
void bk_fileset_set_recursive(bk_fileset *fs, bool on);

/* Order rotated sets chronologically (directories always are; this also reorders the paths given). */
void bk_fileset_set_rotated(bk_fileset *fs, bool on);

/*
 * Only files whose base name matches one of the include globs (fnmatch(3);
 * none given: all), and none of the exclude globs. Applies to files found in
 * directories and to paths given directly. BK_OK or BK_NOMEM.
 */
int bk_fileset_include(bk_fileset *fs, const char *glob);
int bk_fileset_exclude(bk_fileset *fs, const char *glob);

/*
 * Adds PATH: a file, a directory (expanded now), or "-" for standard input.
 * Returns BK_OK, BK_ERROR (reported through the callback), or BK_NOMEM.
 * Set the options above first.
 */
int bk_fileset_add(bk_fileset *fs, const char *path);

/* Puts the set in reading order. Call once after the last add. */
void bk_fileset_finish(bk_fileset *fs);

/* The number of paths, and the Ith in reading order (valid while the set lives). */
size_t bk_fileset_count(const bk_fileset *fs);
const char *bk_fileset_path(const bk_fileset *fs, size_t i);

/* Problems reported so far. */
size_t bk_fileset_errors(const bk_fileset *fs);

/*
 * Compares two file names for rotation order (base names, no directory):
 * negative when A was written before B. Exposed for tests and for tools that
 * order names they did not get from a set.
 */
int bk_rotation_cmp(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif /* BK_FILESET_H */
