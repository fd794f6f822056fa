/*
 * normalize.h - fold the look-alikes Japanese data is full of, keeping a map
 * back to the original bytes.
 *
 * Japanese forms and exports write digits and letters full-width
 * (０９０－１２３４－５６７８) and use many dash look-alikes: U+FF0D, U+2010-2015,
 * U+2212, U+FE63, and the katakana prolonged sound marks U+30FC and U+FF70
 * between digits. NFKC alone misses several. A normaliser folds full-width
 * ASCII (U+FF01-FF5E) to ASCII, every dash look-alike to '-', the ideographic
 * space U+3000 to ' ', and leaves everything else as it is, so patterns are
 * written once in ASCII. The prolonged sound marks are folded only between
 * two digits (ASCII or full-width): in katakana names (タナカ ケーコ) they are
 * letters. The wave dash U+301C (a range, "from ... to") is left alone; the
 * full-width tilde U+FF5E that CP932 writes for it folds to '~'. Offsets in
 * the folded text map back to the original, so findings point at the bytes
 * that were really there.
 */
#ifndef BK_NORMALIZE_H
#define BK_NORMALIZE_H

#include <stddef.h>

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bk_norm bk_norm;

/* A normaliser; NULL on OOM. */
bk_norm *bk_norm_new(void);

/* Accepts NULL. */
void bk_norm_free(bk_norm *n);

/*
 * Folds IN (UTF-8, LEN bytes; invalid sequences are copied as they are).
 * *OUT is IN itself when there is nothing to fold (no copy: pure ASCII is
 * detected a word at a time, and so is Japanese text with nothing to fold),
 * else the normaliser's buffer, valid until the next call; *OUTLEN is at most
 * LEN. The buffer grows to the longest line folded and the offset map to the
 * most runs of folded characters seen; both are kept, so a warmed normaliser
 * does not allocate. Folds are decided on IN alone (a prolonged sound mark
 * looks at the characters on either side), so a line folds the same whatever
 * came before it. Returns BK_OK, or BK_NOMEM with *OUT and *OUTLEN untouched.
 */
int bk_norm_fold(bk_norm *n, const char *in, size_t len, const char **out, size_t *outlen);

/*
 * The offset in the last IN that corresponds to OFF in the last *OUT (OFF
 * may equal *OUTLEN: the end, which maps to LEN; larger values are taken as
 * the end). A folded character maps to the start of the original character;
 * the end of a match maps past its last original byte when given as the
 * offset after it. A binary search over the runs of folded characters: O(1)
 * for a line that needed no copy.
 */
size_t bk_norm_origin(const bk_norm *n, size_t off);

#ifdef __cplusplus
}
#endif
#endif /* BK_NORMALIZE_H */
