/*
 * atomic-private.h - files the library writes (state, baselines) replace the
 * old ones atomically: written to a temporary file beside them with mode
 * 0600, synced, renamed over the old one, and the directory synced, so a
 * crash leaves the old file or the new one, never half of either, and
 * nobody else can read what it holds.
 */
#ifndef BK_ATOMIC_PRIVATE_H
#define BK_ATOMIC_PRIVATE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Writes PATH: WRITE(CTX, FP) fills the temporary file. BK_OK, BK_NOMEM, or
 * BK_ERROR with the reason ("PATH: cannot create a temporary file: ...") in
 * ERR (SIZE bytes).
 */
int bk__atomic_write(const char *path, void (*write)(void *ctx, FILE *fp), void *ctx, char *err,
    size_t size);

#endif /* BK_ATOMIC_PRIVATE_H */
