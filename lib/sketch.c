/*
 * sketch.c - exact-then-HyperLogLog distinct counters; see sketch.h.
 *
 * The exact phase is an open-addressing set of the hashes themselves (0
 * marks an empty slot, so a hash of 0 is stored as 1: one value in 2^64
 * merges with another, far below the sketch's error). It stays at most
 * half full, so a lookup probes about two slots. The HyperLogLog takes a
 * hash's top PRECISION bits as its register and the rank of the first set
 * bit of the rest as the value, and keeps each register's maximum.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "sketch.h"

struct bk_distinct {
	size_t exact_max;
	unsigned precision;	/* of the HyperLogLog it becomes */
	uint64_t *slots;	/* exact phase; NULL once it is a sketch */
	size_t nslots, used;
	unsigned char *reg;	/* 2^hll_p registers once it is a sketch */
	unsigned hll_p;
};

bk_distinct *
bk_distinct_new(size_t exact_max, unsigned precision)
{
	bk_distinct *d = calloc(1, sizeof *d);

	if (d == NULL)
		return NULL;
	if (precision < BK_SKETCH_MIN_PRECISION)
		precision = BK_SKETCH_MIN_PRECISION;
	if (precision > BK_SKETCH_MAX_PRECISION)
		precision = BK_SKETCH_MAX_PRECISION;
	d->exact_max = exact_max;
	d->precision = precision;
	return d;
}

void
bk_distinct_free(bk_distinct *d)
{
	if (d == NULL)
		return;
	free(d->slots);
	free(d->reg);
	free(d);
}

void
bk_distinct_clear(bk_distinct *d)
{
	free(d->reg);
	d->reg = NULL;
	d->hll_p = 0;
	if (d->used > 0)
		memset(d->slots, 0, d->nslots * sizeof *d->slots);
	d->used = 0;
}

/* ---- the HyperLogLog ---------------------------------------------------- */

static void
hll_add(unsigned char *reg, unsigned p, uint64_t hash)
{
	uint64_t rest = hash << p;
	unsigned rank = rest == 0 ? 64 - p + 1 : (unsigned)__builtin_clzll(rest) + 1;
	size_t i = (size_t)(hash >> (64 - p));

	if (reg[i] < rank)
		reg[i] = (unsigned char)rank;
}

/*
 * Folds registers of precision P into NEW of precision Q < P, as if the
 * hashes had been added at Q: the P - Q index bits dropped become the
 * leading bits of the rest, so a register whose dropped bits are not all
 * zero has its rank among them, and one whose are adds their count.
 */
static void
hll_fold(const unsigned char *reg, unsigned p, unsigned char *out, unsigned q)
{
	unsigned shift = p - q;
	size_t n = (size_t)1 << p;

	for (size_t i = 0; i < n; i++) {
		size_t low = i & (((size_t)1 << shift) - 1);
		unsigned rank;

		if (reg[i] == 0)
			continue;
		if (low != 0)
			rank = shift - (unsigned)(64 - __builtin_clzll(low)) + 1;
		else
			rank = reg[i] + shift;
		if (out[i >> shift] < rank)
			out[i >> shift] = (unsigned char)rank;
	}
}

/* Ertl's sigma: sum over k >= 1 of x^(2^k) 2^(k-1), plus x. */
static double
ertl_sigma(double x)
{
	double y = 1, z = x, prev;

	if (x == 1)
		return INFINITY;
	do {
		x *= x;
		prev = z;
		z += x * y;
		y += y;
	} while (z != prev);
	return z;
}

/* Ertl's tau. */
static double
ertl_tau(double x)
{
	double y = 1, z = 1 - x, prev;

	if (x == 0 || x == 1)
		return 0;
	do {
		x = sqrt(x);
		prev = z;
		y *= 0.5;
		z -= (1 - x) * (1 - x) * y;
	} while (z != prev);
	return z / 3;
}

static uint64_t
hll_estimate(const unsigned char *reg, unsigned p)
{
	unsigned q = 64 - p;
	size_t m = (size_t)1 << p;
	uint64_t hist[66] = { 0 };
	double z;

	for (size_t i = 0; i < m; i++)
		hist[reg[i]]++;
	z = (double)m * ertl_tau(1 - (double)hist[q + 1] / (double)m);
	for (unsigned k = q; k >= 1; k--)
		z = 0.5 * (z + (double)hist[k]);
	z += (double)m * ertl_sigma((double)hist[0] / (double)m);
	return (uint64_t)llround((double)m * (double)m / (2 * log(2)) / z);
}

/* ---- the exact set ------------------------------------------------------ */

static bool
set_insert(uint64_t *slots, size_t nslots, uint64_t h)
{
	size_t mask = nslots - 1;

	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		if (slots[i] == h)
			return false;
		if (slots[i] == 0) {
			slots[i] = h;
			return true;
		}
	}
}

static int
set_grow(bk_distinct *d)
{
	size_t n = d->nslots != 0 ? d->nslots * 2 : 16;
	uint64_t *slots = calloc(n, sizeof *slots);

	if (slots == NULL)
		return BK_NOMEM;
	for (size_t i = 0; i < d->nslots; i++)
		if (d->slots[i] != 0)
			set_insert(slots, n, d->slots[i]);
	free(d->slots);
	d->slots = slots;
	d->nslots = n;
	return BK_OK;
}

/* Turns D into a HyperLogLog of precision P holding the set's hashes. */
static int
to_sketch(bk_distinct *d, unsigned p)
{
	unsigned char *reg = calloc((size_t)1 << p, 1);

	if (reg == NULL)
		return BK_NOMEM;
	for (size_t i = 0; i < d->nslots; i++)
		if (d->slots[i] != 0)
			hll_add(reg, p, d->slots[i]);
	free(d->slots);
	d->slots = NULL;
	d->nslots = d->used = 0;
	d->reg = reg;
	d->hll_p = p;
	return BK_OK;
}

int
bk_distinct_add(bk_distinct *d, uint64_t hash)
{
	if (d->reg != NULL) {
		hll_add(d->reg, d->hll_p, hash);
		return BK_OK;
	}
	if (hash == 0)
		hash = 1;
	if (d->used >= d->exact_max) {
		/* Full: the sketch takes over only for a value not seen yet. */
		if (d->nslots > 0) {
			size_t mask = d->nslots - 1;

			for (size_t i = (size_t)hash & mask; d->slots[i] != 0; i = (i + 1) & mask)
				if (d->slots[i] == hash)
					return BK_OK;
		}
		if (to_sketch(d, d->precision) != BK_OK)
			return BK_NOMEM;
		hll_add(d->reg, d->hll_p, hash);
		return BK_OK;
	}
	if ((d->used + 1) * 2 > d->nslots && set_grow(d) != BK_OK)
		return BK_NOMEM;
	if (set_insert(d->slots, d->nslots, hash))
		d->used++;
	return BK_OK;
}

void
bk_distinct_prefetch(const bk_distinct *d, uint64_t hash)
{
	if (d->reg != NULL)
		__builtin_prefetch(&d->reg[hash >> (64 - d->hll_p)], 1);
	else if (d->nslots > 0)
		__builtin_prefetch(&d->slots[(size_t)(hash == 0 ? 1 : hash) & (d->nslots - 1)], 1);
}

uint64_t
bk_distinct_count(const bk_distinct *d)
{
	return d->reg != NULL ? hll_estimate(d->reg, d->hll_p) : d->used;
}

bool
bk_distinct_is_exact(const bk_distinct *d)
{
	return d->reg == NULL;
}

double
bk_distinct_error(const bk_distinct *d)
{
	return d->reg != NULL ? 1.04 / sqrt((double)((size_t)1 << d->hll_p)) : 0;
}

size_t
bk_distinct_memory(const bk_distinct *d)
{
	return d->reg != NULL ? (size_t)1 << d->hll_p : d->nslots * sizeof *d->slots;
}

/* Makes D a sketch of precision at most P (folding one of a higher precision). */
static int
sketch_at_most(bk_distinct *d, unsigned p)
{
	unsigned char *reg;

	if (d->reg == NULL)
		return to_sketch(d, d->precision < p ? d->precision : p);
	if (d->hll_p <= p)
		return BK_OK;
	reg = calloc((size_t)1 << p, 1);
	if (reg == NULL)
		return BK_NOMEM;
	hll_fold(d->reg, d->hll_p, reg, p);
	free(d->reg);
	d->reg = reg;
	d->hll_p = p;
	return BK_OK;
}

/* Merges registers REG of precision P into the sketch D. */
static int
merge_registers(bk_distinct *d, const unsigned char *reg, unsigned p)
{
	size_t n;

	if (sketch_at_most(d, p) != BK_OK)
		return BK_NOMEM;
	if (d->hll_p < p) {
		hll_fold(reg, p, d->reg, d->hll_p);
		return BK_OK;
	}
	n = (size_t)1 << p;
	for (size_t i = 0; i < n; i++)
		if (d->reg[i] < reg[i])
			d->reg[i] = reg[i];
	return BK_OK;
}

int
bk_distinct_merge(bk_distinct *into, const bk_distinct *from)
{
	if (from->reg != NULL)
		return merge_registers(into, from->reg, from->hll_p);
	for (size_t i = 0; i < from->nslots; i++)
		if (from->slots[i] != 0 && bk_distinct_add(into, from->slots[i]) != BK_OK)
			return BK_NOMEM;
	return BK_OK;
}

/* ---- the text form ------------------------------------------------------ */

static char *
encode(const char *prefix, const unsigned char *bin, size_t len)
{
	size_t plen = strlen(prefix);
	size_t blen = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *s = malloc(plen + blen);

	if (s == NULL)
		return NULL;
	memcpy(s, prefix, plen);
	sodium_bin2base64(s + plen, blen, bin, len, sodium_base64_VARIANT_ORIGINAL);
	return s;
}

char *
bk_distinct_encode(const bk_distinct *d)
{
	unsigned char *bin;
	size_t n = 0;
	char *s, prefix[8];

	if (d->reg != NULL) {
		snprintf(prefix, sizeof prefix, "h%u:", d->hll_p);
		return encode(prefix, d->reg, (size_t)1 << d->hll_p);
	}
	bin = malloc(d->used * 8 + 1);
	if (bin == NULL)
		return NULL;
	for (size_t i = 0; i < d->nslots; i++) {
		uint64_t h = d->slots[i];

		if (h == 0)
			continue;
		for (int b = 0; b < 8; b++)
			bin[n++] = (unsigned char)(h >> (8 * b));
	}
	s = encode("e:", bin, n);
	free(bin);
	return s;
}

int
bk_distinct_decode(bk_distinct *d, const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	size_t blen, maxlen;
	unsigned char *bin;
	unsigned p = 0;
	int rc = BK_ERROR;

	if (colon == NULL || colon == s)
		return BK_ERROR;
	if (s[0] == 'h') {
		for (const char *q = s + 1; q < colon; q++) {
			if (*q < '0' || *q > '9' || p > 100)
				return BK_ERROR;
			p = p * 10 + (unsigned)(*q - '0');
		}
		if (colon == s + 1 || p < BK_SKETCH_MIN_PRECISION || p > BK_SKETCH_MAX_PRECISION)
			return BK_ERROR;
	} else if (!(s[0] == 'e' && colon == s + 1)) {
		return BK_ERROR;
	}
	maxlen = (len - (size_t)(colon + 1 - s)) / 4 * 3 + 3;
	bin = malloc(maxlen);
	if (bin == NULL)
		return BK_NOMEM;
	if (sodium_base642bin(bin, maxlen, colon + 1, len - (size_t)(colon + 1 - s), NULL, &blen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0)
		goto out;
	if (p != 0) {
		size_t n = (size_t)1 << p;

		if (blen != n)
			goto out;
		for (size_t i = 0; i < n; i++)
			if (bin[i] > 64 - p + 1)
				goto out;
		rc = merge_registers(d, bin, p);
	} else {
		if (blen % 8 != 0)
			goto out;
		rc = BK_OK;
		for (size_t i = 0; i < blen && rc == BK_OK; i += 8) {
			uint64_t h = 0;

			for (int b = 0; b < 8; b++)
				h |= (uint64_t)bin[i + (size_t)b] << (8 * b);
			rc = bk_distinct_add(d, h);
		}
	}
out:
	free(bin);
	return rc;
}
