/*
 * privacy.h - keep our own output from becoming the next leak.
 *
 * Every personal value a tool prints is masked unless the user asked for it
 * (--show-values): enough stays to tell values apart and to recognise one a
 * responder already knows (the last four digits, an email's first letter and
 * domain, a name's first character), nothing that identifies a person by
 * itself. For counting and correlating without revealing, a keyed hash
 * (--hash-key FILE) gives each value a stable pseudonym: BLAKE2b from
 * libsodium, keyed with a secret that never leaves the responder's machine,
 * over a canonical form so that 090-1234-5678 and 09012345678 agree.
 */
#ifndef BK_PRIVACY_H
#define BK_PRIVACY_H

#include <stddef.h>

#include "base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes a masked value may need beyond the value's own length. */
#define BK_MASK_EXTRA 8

/*
 * Writes a masked copy of VALUE (UTF-8, LEN bytes) to OUT, which must hold
 * LEN + BK_MASK_EXTRA bytes; returns its length (OUT is not NUL-terminated).
 * Separators (space - . / : ( ) +) stay; of the letters and digits, the last
 * four stay when there are eight or more (fewer for shorter values, none
 * for values of two or fewer); the rest become '*'. An email keeps the first
 * character of its local part and its domain. A value with characters
 * outside ASCII (names, addresses, era dates) keeps its first character.
 */
size_t bk_mask(const char *value, size_t len, char *out);

/*
 * The canonical form used for hashing and comparing values: ASCII letters
 * lowercased, separators (space - . / ( )) dropped. OUT holds LEN bytes;
 * returns the length.
 */
size_t bk_canonical(const char *value, size_t len, char *out);

#define BK_HASH_HEX 32	/* hex digits of a keyed hash (128 bits) */

typedef struct bk_hasher bk_hasher;

/* A hasher without a key; NULL on OOM. */
bk_hasher *bk_hasher_new(void);

/* Accepts NULL; wipes the key. */
void bk_hasher_free(bk_hasher *h);

/*
 * Reads the key from PATH: any file of at least 16 bytes (e.g. `head -c 32
 * /dev/urandom > FILE`); the key is the BLAKE2b hash of its content. BK_OK,
 * or BK_ERROR with bk_hasher_error() saying why.
 */
int bk_hasher_load_key(bk_hasher *h, const char *path);

/*
 * The keyed hash of VALUE's canonical form, for identifier kind KIND (a rule
 * category or id: the same number as a phone and as an account must not
 * collide), as BK_HASH_HEX lowercase hex digits and a NUL into OUT.
 */
void bk_hasher_hash(const bk_hasher *h, const char *kind, const char *value, size_t len,
    char out[BK_HASH_HEX + 1]);

const char *bk_hasher_error(const bk_hasher *h);

#ifdef __cplusplus
}
#endif
#endif /* BK_PRIVACY_H */
