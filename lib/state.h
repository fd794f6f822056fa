/*
 * state.h - incremental reading for scheduled scans: read only what is new.
 *
 * A state file remembers, per file content, how far earlier runs read. A file
 * is known by device, inode and a fingerprint (a hash of its first decoded
 * bytes, up to BK_STATE_FP_LEN), so it is recognised after logrotate renamed
 * it, compressed it (a new inode, the same decoded content) or, with
 * copytruncate, copied it away and truncated the original (the same inode,
 * new content). Reading a rotated set in time order with a state therefore
 * reads the unread tail of the old file first, then the new file, never a byte
 * twice and none skipped. Offsets are decoded offsets and always at line ends,
 * so an unterminated last line of a live file is read again, whole, next time.
 *
 * The state file is text, written atomically (temporary file, fsync, rename)
 * with mode 0600; callers save only after their output was flushed.
 */
#ifndef BK_STATE_H
#define BK_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "base.h"
#include "input.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BK_STATE_FP_LEN 4096

typedef struct bk_state bk_state;

/* A state bound to the file PATH (not read yet); NULL on OOM. */
bk_state *bk_state_new(const char *path);

/* Accepts NULL. Does not save. */
void bk_state_free(bk_state *st);

/*
 * Reads the state file. A missing file is an empty state (a first run).
 * Returns BK_OK, or BK_ERROR for an unreadable or malformed file, with
 * bk_state_error() naming the line ("state.txt:3: bad offset '12x'"), or
 * BK_NOMEM. On failure the state keeps what it held before.
 */
int bk_state_load(bk_state *st);

/*
 * Identifies the freshly opened input IN and moves it past what earlier runs
 * read (bk_input_skip). *LINENO receives the line number the unread part
 * starts at (1 for a new file). Must be called before anything is read from
 * IN. Inputs of a rotated set must be resumed oldest first (the file set's
 * order), so the unread tail of a rotated file comes before its successor.
 *
 * Returns BK_OK: read on, then call bk_state_consumed(). BK_EOF: nothing new
 * is there - a compressed file read whole before and unchanged since (known
 * without decoding it), a plain file read up to its end, or a copy of content
 * read further elsewhere (logrotate's copy, a copytruncate copy taken while a
 * scan ran). BK_ERROR: the input failed within its first BK_STATE_FP_LEN
 * decoded bytes, so it cannot be identified, or before the offset to skip to
 * (a compressed file still being written, or damaged); bk_input_error() says
 * why. Or BK_NOMEM. After anything but BK_OK, bk_state_consumed() does
 * nothing.
 */
int bk_state_resume(bk_state *st, bk_input *in, uint64_t *lineno);

/*
 * Records that the input last passed to bk_state_resume() has been consumed
 * up to decoded OFFSET, the start of line LINENO (normally bk_lines_offset()
 * and the number after the last terminated line). COMPLETE says the whole
 * input was read and it cannot grow (a compressed file), so later runs may
 * skip it by its size and time without decoding. May be called again for the
 * same input (a checkpoint during a long read); an OFFSET before where the
 * resume started is taken as that start. BK_OK or BK_NOMEM.
 */
int bk_state_consumed(bk_state *st, bk_input *in, uint64_t offset, uint64_t lineno, bool complete);

/*
 * Writes the state atomically: PATH.tmp.XXXXXX beside it, mode 0600, fsync,
 * rename over PATH, fsync of the directory. Entries used in this run are
 * kept; others only while their file is still at the recorded path (same
 * device and inode) and no other entry was found at that inode in this run
 * (it then holds new content). BK_OK, BK_ERROR with the reason, or BK_NOMEM.
 */
int bk_state_save(bk_state *st);

/* Why the last load or save failed; "" if it did not. */
const char *bk_state_error(const bk_state *st);

#ifdef __cplusplus
}
#endif
#endif /* BK_STATE_H */
