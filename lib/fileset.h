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

/*
 * Order rotated sets chronologically. Directories always are; this also
 * reorders the files given by name: the members of one rotated set (same
 * directory, same stem as bk_rotation_cmp sees it) are brought together, in
 * rotation order, where the set first appeared. Other paths, "-" and the
 * files found in directories keep their places. Applied by
 * bk_fileset_finish().
 */
void bk_fileset_set_rotated(bk_fileset *fs, bool on);

/*
 * Only files whose base name matches one of the include globs (fnmatch(3),
 * no flags; none given: all), and none of the exclude globs (exclude wins).
 * Applies to files found in directories and to files given by name, not to
 * directories and not to "-". The glob is copied. BK_OK or BK_NOMEM.
 */
int bk_fileset_include(bk_fileset *fs, const char *glob);
int bk_fileset_exclude(bk_fileset *fs, const char *glob);

/*
 * Adds PATH: a file, a directory (expanded now), or "-" for standard input.
 * Set the options above first.
 *
 * Symlinks are followed. Each file is listed once, however many names reach
 * it (device and inode; the first name found is kept); "-" is listed every
 * time it is added. A directory's entries are listed in bk_rotation_cmp
 * order, descending into subdirectories where they sort. Inside directories
 * only regular files are listed (fifos, sockets and devices are skipped
 * silently); anything but a directory given by name is listed as given, so a
 * fifo from <(...) can be read.
 *
 * Problems go to the callback with the path as given or found and a message:
 * the strerror(3) text ("No such file or directory", "Permission denied"),
 * "Is a directory" (a directory without recursion), or "symlink loop" (once
 * per link that leads back to a directory being walked). The rest of the
 * tree is still walked. Returns BK_OK, BK_ERROR when anything was reported
 * during this call, or BK_NOMEM (the set may then be incomplete).
 */
int bk_fileset_add(bk_fileset *fs, const char *path);

/* Puts the set in reading order (see bk_fileset_set_rotated). Call once after the last add. */
void bk_fileset_finish(bk_fileset *fs);

/*
 * The number of paths, and the Ith in reading order (valid while the set
 * lives; NULL past the end).
 */
size_t bk_fileset_count(const bk_fileset *fs);
const char *bk_fileset_path(const bk_fileset *fs, size_t i);

/* Problems reported so far. */
size_t bk_fileset_errors(const bk_fileset *fs);

/*
 * Compares two file names for rotation order (base names, no directory):
 * negative when A was written before B, zero only when they are equal.
 * Exposed for tests and for tools that order names they did not get from a
 * set.
 *
 * A name is read as STEM, a rotation suffix, then a compression suffix (.gz
 * .zst .xz .bz2 .Z .lz4; not .zip, an archive). Rotation suffixes: ".N"
 * (logrotate's default), "-YYYYMMDD" with optional HH, HHMM or HHMMSS
 * (dateext), ".YYYY-MM-DD" and "-YYYY-MM-DD"; a name that would be only a
 * suffix (".gz", ".1") is all stem. Names with the same stem form one set:
 * dated members by date, then numbered members from the highest number down,
 * then the live file; one member twice ("x.1", "x.1.gz") by full name.
 * Different sets compare by stem in natural order ("file2" before "file10").
 * Numbers of any length compare without overflow.
 */
int bk_rotation_cmp(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif /* BK_FILESET_H */
