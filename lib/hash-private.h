/*
 * hash-private.h - the library's one non-cryptographic hash, for
 * fingerprints (state.c) and distinct counting (summary.c). FNV-1a over the
 * bytes, then a 64-bit finaliser (MurmurHash3's fmix64 constants) with the
 * length folded in, because FNV-1a alone mixes its last bytes into the high
 * bits only. Not meant to resist crafted collisions: keyed hashes of values
 * that must not be guessed are privacy.h's business.
 */
#ifndef BK_HASH_PRIVATE_H
#define BK_HASH_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#define BK__FNV_BASIS UINT64_C(0xcbf29ce484222325)
#define BK__FNV_PRIME UINT64_C(0x100000001b3)

/* The finaliser over an FNV-1a state H of LEN bytes. */
static inline uint64_t
bk__hash_finish(uint64_t h, uint64_t len)
{
	h ^= len * UINT64_C(0x9e3779b97f4a7c15);
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

static inline uint64_t
bk__hash64(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = BK__FNV_BASIS;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * BK__FNV_PRIME;
	return bk__hash_finish(h, len);
}

#endif /* BK_HASH_PRIVATE_H */
