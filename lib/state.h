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
 * bk_state_error() naming the line ("state.txt:3: bad offset").
 */
int bk_state_load(bk_state *st);

/*
 * Identifies the freshly opened input IN and moves it past what earlier runs
 * read (bk_input_skip). *LINENO receives the line number the unread part
 * starts at (1 for a new file). Returns BK_OK, BK_EOF when nothing new is
 * there, or BK_ERROR (input failure; message in bk_input_error()).
 * Must be called before anything is read from IN.
 */
int bk_state_resume(bk_state *st, bk_input *in, uint64_t *lineno);

/*
 * Records that the input last passed to bk_state_resume() has been consumed
 * up to decoded OFFSET, the start of line LINENO (normally bk_lines_offset()
 * and the next line number). COMPLETE says the whole input was read and it
 * cannot grow (a compressed file), so later runs may skip it by its size and
 * time without decoding. BK_OK or BK_NOMEM.
 */
int bk_state_consumed(bk_state *st, bk_input *in, uint64_t offset, uint64_t lineno, bool complete);

/*
 * Writes the state atomically. Entries for files that were neither seen in
 * this run nor still exist at their recorded path are dropped. BK_OK or
 * BK_ERROR with the reason.
 */
int bk_state_save(bk_state *st);

/* Why the last call failed. */
const char *bk_state_error(const bk_state *st);

#ifdef __cplusplus
}
#endif
#endif /* BK_STATE_H */
