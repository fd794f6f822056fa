/*
 * valueset.c - a set of short strings kept in a file; see valueset.h.
 *
 * Entries are kept once each in an array (for saving, in the order they came)
 * and found through an open-addressing table of their hashes, so a baseline
 * of millions of findings answers in constant time.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic-private.h"
#include "hash-private.h"
#include "privacy.h"
#include "util-private.h"
#include "valueset.h"

#define ENTRY_MAX 4096

struct bk_valueset {
	char **items;
	size_t *lens;
	size_t n, cap, lencap;
	size_t *slots;		/* index + 1 into items; 0 = empty */
	size_t nslots;
	char err[512];
};

bk_valueset *
bk_valueset_new(void)
{
	return calloc(1, sizeof(bk_valueset));
}

void
bk_valueset_free(bk_valueset *vs)
{
	if (vs == NULL)
		return;
	for (size_t i = 0; i < vs->n; i++)
		free(vs->items[i]);
	free(vs->items);
	free(vs->lens);
	free(vs->slots);
	free(vs);
}

static size_t
slot_of(const bk_valueset *vs, const char *s, size_t len)
{
	size_t j = (size_t)bk__hash64(s, len) & (vs->nslots - 1);

	while (vs->slots[j] != 0) {
		size_t k = vs->slots[j] - 1;

		if (vs->lens[k] == len && memcmp(vs->items[k], s, len) == 0)
			break;
		j = (j + 1) & (vs->nslots - 1);
	}
	return j;
}

bool
bk_valueset_has(const bk_valueset *vs, const char *s, size_t len)
{
	return vs->nslots > 0 && vs->slots[slot_of(vs, s, len)] != 0;
}

/* Doubles the table (from nothing: 1024 slots) and puts every entry back. */
static int
rehash(bk_valueset *vs)
{
	size_t n = vs->nslots > 0 ? vs->nslots * 2 : 1024;
	size_t *old = vs->slots;

	if ((vs->slots = calloc(n, sizeof *vs->slots)) == NULL) {
		vs->slots = old;
		return BK_NOMEM;
	}
	vs->nslots = n;
	for (size_t k = 0; k < vs->n; k++)
		vs->slots[slot_of(vs, vs->items[k], vs->lens[k])] = k + 1;
	free(old);
	return BK_OK;
}

int
bk_valueset_add(bk_valueset *vs, const char *s, size_t len)
{
	char *copy;

	if (bk_valueset_has(vs, s, len))
		return BK_OK;
	if ((vs->n + 1) * 2 > vs->nslots && rehash(vs) != BK_OK)
		return BK_NOMEM;
	if (bk__grow(&vs->items, &vs->cap, vs->n, sizeof *vs->items) != BK_OK ||
	    bk__grow(&vs->lens, &vs->lencap, vs->n, sizeof *vs->lens) != BK_OK ||
	    (copy = bk__dup_bytes(s, len)) == NULL)
		return BK_NOMEM;
	vs->items[vs->n] = copy;
	vs->lens[vs->n] = len;
	vs->slots[slot_of(vs, s, len)] = vs->n + 1;
	vs->n++;
	return BK_OK;
}

size_t
bk_valueset_count(const bk_valueset *vs)
{
	return vs->n;
}

int
bk_valueset_load(bk_valueset *vs, const char *path, unsigned flags)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int rc = BK_OK;

	if (fp == NULL) {
		if (errno == ENOENT && (flags & BK_VALUESET_MISSING_OK))
			return BK_OK;
		snprintf(vs->err, sizeof vs->err, "%s: %s", path, strerror(errno));
		return BK_ERROR;
	}
	while ((n = getline(&line, &cap, fp)) >= 0) {
		size_t len = (size_t)n;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		while (len > 0 && bk__is_space(line[len - 1]))
			len--;
		if (len == 0 || line[0] == '#')
			continue;
		if (len > ENTRY_MAX || memchr(line, '\0', len) != NULL) {
			snprintf(vs->err, sizeof vs->err, "%s:%lu: %s", path, lineno,
			    len > ENTRY_MAX ? "entry longer than 4 KiB" : "NUL byte in an entry");
			rc = BK_ERROR;
			break;
		}
		if (flags & BK_VALUESET_CANONICAL)
			len = bk_canonical(line, len, line);	/* never longer: in place */
		if ((rc = bk_valueset_add(vs, line, len)) != BK_OK)
			break;
	}
	if (rc == BK_OK && ferror(fp)) {
		snprintf(vs->err, sizeof vs->err, "%s: %s", path, strerror(errno));
		rc = BK_ERROR;
	}
	free(line);
	fclose(fp);
	return rc;
}

struct save_ctx {
	const bk_valueset *vs;
	const char *header;
};

static void
write_entries(void *ctx, FILE *fp)
{
	const struct save_ctx *c = ctx;

	if (c->header != NULL)
		fprintf(fp, "# %s\n", c->header);
	for (size_t i = 0; i < c->vs->n; i++) {
		fwrite(c->vs->items[i], 1, c->vs->lens[i], fp);
		putc('\n', fp);
	}
}

int
bk_valueset_save(bk_valueset *vs, const char *path, const char *header)
{
	struct save_ctx c = { vs, header };

	return bk__atomic_write(path, write_entries, &c, vs->err, sizeof vs->err);
}

const char *
bk_valueset_error(const bk_valueset *vs)
{
	return vs->err;
}
