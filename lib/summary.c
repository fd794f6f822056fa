/*
 * summary.c - per-file counts of findings and distinct values; see summary.h.
 *
 * One open-addressing set of (rule, value hash) pairs serves every rule of a
 * file: the pair hashes to its slot, so two rules finding the same digits
 * count separately, as the kinds they are. The set is cleared, not freed,
 * between files: a sweep over a file server makes no allocation per file.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hash-private.h"
#include "privacy.h"
#include "rules-private.h"
#include "summary.h"

struct bk_summary {
	uint64_t lines, findings, distinct;
	bool capped;
	struct bk_summary_rule *rules;
	size_t nrules, rulecap;
	uint64_t *slots;	/* 0 = empty; a stored hash is never 0 */
	size_t nslots, used;
};

bk_summary *
bk_summary_new(void)
{
	return calloc(1, sizeof(bk_summary));
}

void
bk_summary_free(bk_summary *s)
{
	if (s == NULL)
		return;
	free(s->rules);
	free(s->slots);
	free(s);
}

void
bk_summary_reset(bk_summary *s)
{
	s->lines = s->findings = s->distinct = 0;
	s->capped = false;
	s->nrules = 0;
	if (s->used > 0)
		memset(s->slots, 0, s->nslots * sizeof *s->slots);
	s->used = 0;
}

void
bk_summary_line(bk_summary *s)
{
	s->lines++;
}

static struct bk_summary_rule *
rule_entry(bk_summary *s, const bk_rule *r)
{
	for (size_t i = 0; i < s->nrules; i++)
		if (s->rules[i].rule == r)
			return &s->rules[i];
	if (s->nrules == s->rulecap) {
		size_t cap = s->rulecap > 0 ? s->rulecap * 2 : 8;
		struct bk_summary_rule *nr = realloc(s->rules, cap * sizeof *nr);

		if (nr == NULL)
			return NULL;
		s->rules = nr;
		s->rulecap = cap;
	}
	s->rules[s->nrules] = (struct bk_summary_rule){ r, 0, 0 };
	return &s->rules[s->nrules++];
}

/* Doubles the set (from nothing: 4096 slots), rehashing what is in it. */
static bool
grow_set(bk_summary *s)
{
	size_t n = s->nslots > 0 ? s->nslots * 2 : 4096;
	uint64_t *slots = calloc(n, sizeof *slots);

	if (slots == NULL)
		return false;
	for (size_t i = 0; i < s->nslots; i++) {
		uint64_t h = s->slots[i];

		if (h == 0)
			continue;
		size_t j = (size_t)h & (n - 1);
		while (slots[j] != 0)
			j = (j + 1) & (n - 1);
		slots[j] = h;
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = n;
	return true;
}

/* Adds H to the set; true if it was new. */
static bool
insert(bk_summary *s, uint64_t h, bool *nomem)
{
	*nomem = false;
	if (s->used >= BK_SUMMARY_MAX_DISTINCT) {
		s->capped = true;
		return false;
	}
	if ((s->used + 1) * 2 > s->nslots && !grow_set(s)) {
		*nomem = true;
		return false;
	}
	size_t j = (size_t)h & (s->nslots - 1);
	while (s->slots[j] != 0) {
		if (s->slots[j] == h)
			return false;
		j = (j + 1) & (s->nslots - 1);
	}
	s->slots[j] = h;
	s->used++;
	return true;
}

int
bk_summary_add(bk_summary *s, const struct bk_finding *f)
{
	struct bk_summary_rule *e = rule_entry(s, f->rule);
	char buf[256];
	size_t n;
	uint64_t h;
	bool nomem;

	if (e == NULL)
		return BK_NOMEM;
	e->findings++;
	s->findings++;
	/* Values longer than 256 bytes are told apart by their first 256. */
	n = bk_canonical(f->value, f->value_len < sizeof buf ? f->value_len : sizeof buf, buf);
	h = bk__hash64(buf, n) ^ bk__hash64(f->rule->id, strlen(f->rule->id));
	if (h == 0)
		h = 1;
	if (insert(s, h, &nomem)) {
		e->distinct++;
		s->distinct++;
	}
	return nomem ? BK_NOMEM : BK_OK;
}

uint64_t
bk_summary_lines(const bk_summary *s)
{
	return s->lines;
}

uint64_t
bk_summary_findings(const bk_summary *s)
{
	return s->findings;
}

uint64_t
bk_summary_distinct(const bk_summary *s)
{
	return s->distinct;
}

bool
bk_summary_capped(const bk_summary *s)
{
	return s->capped;
}

const struct bk_summary_rule *
bk_summary_rules(const bk_summary *s, size_t *n)
{
	*n = s->nrules;
	return s->rules;
}
