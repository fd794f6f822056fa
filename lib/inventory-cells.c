/*
 * inventory-cells.c - a row of an export read cell by cell, with the same
 * findings as the whole row; see inventory-private.h for why that holds.
 *
 * Four parts. The context words of the rules, looked for in each cell (at
 * every byte that may start one: a byte table, then a table of the first
 * two bytes, then a three-byte hash, over its folded, lowercased text): a
 * word that decides whether a rule reports at all sends the row back whole;
 * one that only raises a confidence does so only when two rules may claim
 * the same bytes of a cell. Per table, for each column the rules that can
 * report in it. Per cell, one pass over its bytes (the context words, digit
 * groups and how they are joined, the first two bytes of literals, bytes of
 * other scripts) that proves which of those rules can fire, and a scanner
 * over just those, whose header gives each the context the whole row's
 * header would; scanners are kept by what they hold and shared by cells,
 * columns and tables, and which one a cell needs is remembered per column
 * by the cell's shape (a pension number column has one or two). And a
 * memo of cells already read, by column and bytes. Nothing is allocated per
 * row once the scanners are made.
 *
 * On the bench's export of persons (callgrind), about half of a row's
 * instructions are the scanner's own work on the cells some rule may fire
 * on, and a fifth are spent here.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inventory-private.h"
#include "normalize.h"
#include "rules-private.h"
#include "scan-private.h"
#include "util-private.h"

/* Scanners kept: one per kind of cell (the rules that may fire, the context its column gives). */
#define MAX_SCANNERS 64
/* Digit groups of a cell looked at one by one; past this any rule may fire. */
#define MAX_GROUPS 16

/*
 * The cell memo: a cell's findings by its column and bytes, so a value seen
 * before (a date of birth, a prefecture, a common name) costs a hash and a
 * comparison. Two-way, MEMO_BITS slots; cells of up to MEMO_CELL bytes
 * with up to MEMO_FINDINGS findings whose values fit beside them. A column
 * whose values hardly repeat (ids, e-mail addresses) stops using it after
 * MEMO_TRIAL lookups with fewer than one hit in MEMO_MIN_RATIO. The trial
 * is long because a column of some ten thousand values (dates of birth,
 * street addresses) repeats only once it has been seen through: after 4,096
 * rows such a column had a few percent of hits and was dropped, after
 * 65,536 it has two thirds and more for good, each one a scan saved.
 */
#define MEMO_BITS 16
#define MEMO_CELL 64
#define MEMO_DATA 128
#define MEMO_FINDINGS 4
#define MEMO_TRIAL 65536
#define MEMO_MIN_RATIO 16
#define MEMO_CONTEXT 0xff	/* nf of a cell holding a context word that finds */

/* What a cell tells about its row beyond its findings. */
enum {
	CELL_RAISES = 1,	/* it holds a context word that raises a confidence */
	CELL_TIES = 2,		/* two rules may fire on it, one whose confidence context raises */
};

#define GRAM_BITS 16
#define BUCKET_BITS 12
#define LIT_BITS 12

/*
 * The plan memo: per column, the scanner a cell needs by its shape (see
 * shape_key), direct-mapped. A column's values mostly share a few shapes
 * (a pension number is always four digits, a dash and six), so the rules
 * that may fire are worked out once per shape, not per cell.
 */
#define PLAN_BITS 8
#define PLAN_GROUPS 4		/* cells of more digit groups are planned each time */
#define PLAN_LITS 8		/* and so are those of columns with more literal rules */
#define PLAN_AFTER 64		/* cells planned one by one before a column gets its memo */

/* A rule the scanner runs (one that can reach the minimum), as the cells see it. */
struct crule {
	const bk_rule *r;
	size_t index;		/* in the ruleset */
	bool needs_ctx;		/* reports only with context */
	bool raises;		/* context only raises its confidence */
	unsigned min, most, seps;	/* DIGITS: the trigger's bounds, defaults filled in */
	uint32_t litbit;	/* LITERAL: its bit in bk__cells.lit1 and lit2 */
	char *litbuf;		/* LITERAL: the alternatives, NUL-separated */
	const char **alt;
	size_t *alen;
	size_t nalt;
};

/* A context word of 3 bytes or more, in its bucket of the first three bytes' hash. */
struct cword {
	const char *lower;
	size_t len;
	uint32_t hash;
	int32_t next;
	uint8_t cls;		/* WORD_* */
};

/*
 * What a context word can change: WORD_FINDS, whether a finding is made at
 * all (its rule needs context, or context opens its window); WORD_RAISES,
 * only a confidence, which matters only where two rules claim the same
 * bytes and the more confident wins.
 */
enum { WORD_FINDS = 1, WORD_RAISES = 2 };

/*
 * bk__cells.start[B]: the WORD_* of the one-byte words B is, and
 * START_LONGER when a longer word starts with B (either case of a letter).
 * bk__cells.pair[B0 B1], lowercased: the WORD_* of the two-byte words they
 * are, and PAIR_LONGER when a word of three bytes or more starts with them.
 */
enum { START_LONGER = 4, PAIR_LONGER = 4 };

/*
 * A scanner and its key: per rule, KEY_RUN (it is one of the scanner's
 * rules), KEY_COL (the column's name gives it context) and KEY_ROW (it is
 * triggered by context and some column's name gives it that). Two cells
 * with the same key get the same findings from the same scanner.
 */
enum { KEY_RUN = 1, KEY_COL = 2, KEY_ROW = 4 };

struct pooled {
	unsigned char *key;
	bk_scanner *sc;
};

struct memo_finding {
	const bk_rule *rule;
	const char *context;
	uint8_t start, end;	/* in the cell */
	uint8_t voff, vlen;	/* the value, in data */
	uint8_t confidence, why;
};

struct memo {
	uint64_t hash;
	uint32_t epoch;		/* of the table it was made for; 0: empty */
	uint32_t stamp;		/* the row that last used it: a row never overwrites its own */
	uint32_t col;
	uint8_t len;		/* the cell's bytes, at the start of data */
	uint8_t nf;		/* findings, or MEMO_CONTEXT */
	uint8_t used;		/* bytes of data in use */
	uint8_t flags;		/* CELL_* */
	/*
	 * The cell's bytes right after the key, so telling a hit from a miss
	 * reads one cache line for cells of up to 40 bytes; the findings,
	 * read only on a hit, after them. 256 bytes in all, aligned to them.
	 */
	char data[MEMO_DATA];
	struct memo_finding f[MEMO_FINDINGS];
	char pad[256 - 24 - MEMO_DATA - MEMO_FINDINGS * sizeof(struct memo_finding)];
};
_Static_assert(sizeof(struct memo) == 256, "a memo slot is 256 bytes");

struct plan {
	uint64_t k0, k1;	/* the shape; k1 0: empty */
	bk_scanner *sc;		/* NULL: no rule may fire */
	unsigned flags;		/* CELL_TIES where it applies */
};

struct ccol {
	const char *name;	/* in thdr */
	size_t len;
	unsigned char *ctx;	/* [rule]: its name gives the rule context */
	uint32_t *elig;		/* the rules that can report in the column */
	size_t nelig;
	/* What a cell's shape is made of in this column (see shape_key). */
	struct plan *plans;	/* [1 << PLAN_BITS]; NULL: cells are planned one by one */
	unsigned planned;	/* cells planned, up to PLAN_AFTER */
	uint8_t fclass[10];	/* a group's first digit, as the column's digit rules tell them apart */
	uint8_t bclass[257];	/* the byte before a group (256: none), likewise */
	uint32_t lit[PLAN_LITS];	/* the column's literal rules */
	size_t nlit;
	unsigned char *lkey;	/* the key of the column's last scanner */
	bk_scanner *lsc;
	bool memo;		/* its values repeat enough to be remembered */
	uint64_t looks, hits;
};

struct bk__cells {
	enum bk_confidence min;
	const bk_ruleset *rs;
	struct crule *rules;
	size_t nrules;
	bool usable;		/* no tab in any word, literal or "after" set */

	struct cword *words;	/* context words that can change a finding */
	size_t nwords;
	uint8_t gram[(1u << GRAM_BITS) / 8];
	int32_t bucket[1u << BUCKET_BITS];
	uint8_t *pair;			/* [1 << 16]: see START_LONGER */
	uint8_t start[256];
	unsigned char low[256];
	/*
	 * Literal alternatives by how they start: LITKIND[B] says whether
	 * one is the byte B (LIT1[B]: their rules' bits) or starts with it
	 * (LIT2[lit_hash(B, next)]: by their first two bytes, so a kanji
	 * alternative is not looked for after every kanji of its block).
	 */
	uint8_t litkind[256];
	uint32_t lit1[256];
	uint32_t lit2[1u << LIT_BITS];
	size_t nlit;
	bool digit_words;		/* some word starts with an ASCII digit */
	uint8_t byte_cls[256];		/* nonzero: a digit, or a literal or word may start with it */
	uint32_t digit_lits;		/* litbits of the alternatives starting with an ASCII digit */

	bk_norm *norm;
	struct pooled pool[MAX_SCANNERS];
	size_t npool;
	bool *use;		/* scratch: [ruleset index] */

	/* the current table */
	char *thdr;		/* its header */
	size_t thcap;
	struct ccol *cols;
	size_t ncols, ccap;
	bool ok;		/* its rows can be read cell by cell */
	unsigned char *row_ctx;	/* [rule]: some column's name gives it context */
	size_t *provider;	/* [rule]: such a column */
	unsigned char *key;	/* scratch: [rule] */
	bk_scanner **cellsc;	/* scratch: [column] the scanner of the row's cell */
	struct memo **cellhit;	/* scratch: [column] the memo of the row's cell, found */
	struct memo **cellfill;	/* scratch: [column] the memo the scan of the cell fills */
	struct memo *memo;	/* [1 << MEMO_BITS] */
	uint32_t epoch;
	uint32_t rowno;
	char *name;		/* scratch: a folded, lowercased name */
	size_t namecap;
	char *hdr;		/* scratch: a scanner's header */
	size_t hcap;

	/* the cell being scanned */
	struct memo *fill;
	size_t base;
	bk_finding_fn fn;
	void *fctx;
};

/* ---- setup -------------------------------------------------------------- */

/* The highest confidence R can give (as the scanner decides which rules to run). */
static enum bk_confidence
best_confidence(const bk_rule *r)
{
	if (r->ncontext > 0 && r->context_confidence > r->confidence)
		return r->context_confidence;
	return r->require_context ? r->context_confidence : r->confidence;
}

static uint32_t
gram_hash(uint32_t three)
{
	return (three * 2654435761u) >> (32 - GRAM_BITS);
}

/* Marks byte C as starting a word with FLAGS, in both cases when it is a letter. */
static void
mark_start(bk__cells *cs, unsigned char c, uint8_t flags)
{
	cs->start[c] |= flags;
	cs->digit_words = cs->digit_words || (c >= '0' && c <= '9');
	if (c >= 'a' && c <= 'z')
		cs->start[c - 'a' + 'A'] |= flags;
}

static bool
add_word(bk__cells *cs, const struct bk__context_word *cw, size_t *cap, uint8_t cls)
{
	const unsigned char *w = (const unsigned char *)cw->lower;

	if (memchr(cw->lower, '\t', cw->len) != NULL)
		cs->usable = false;
	if (cw->len == 1) {
		mark_start(cs, w[0], cls);
		return true;
	}
	mark_start(cs, w[0], START_LONGER);
	unsigned k = (unsigned)w[0] << 8 | w[1];
	if (cw->len == 2) {
		cs->pair[k] |= cls;
		return true;
	}
	cs->pair[k] |= PAIR_LONGER;
	if (bk__grow(&cs->words, cap, cs->nwords, sizeof *cs->words) != BK_OK)
		return false;
	uint32_t h = gram_hash((uint32_t)w[0] << 16 | (uint32_t)w[1] << 8 | w[2]);
	uint32_t b = h >> (GRAM_BITS - BUCKET_BITS);

	cs->words[cs->nwords] = (struct cword){ cw->lower, cw->len, h, cs->bucket[b], cls };
	cs->bucket[b] = (int32_t)cs->nwords++;
	cs->gram[h >> 3] |= (uint8_t)(1u << (h & 7));
	return true;
}

/* A literal's first two bytes, as LIT2 is indexed. */
static inline unsigned
lit_hash(unsigned char b0, unsigned char b1)
{
	return (((unsigned)b0 << 8 | b1) * 40503u & 0xffffu) >> (16 - LIT_BITS);
}

static bool
split_literals(bk__cells *cs, struct crule *c)
{
	const struct bk__trigger *t = &c->r->trigger;
	size_t n = 1;

	for (size_t k = 0; k < t->len; k++)
		n += t->literal[k] == '|';
	if (memchr(t->literal, '\t', t->len) != NULL)
		cs->usable = false;
	/* Past 32 literal rules, bits are shared: a cell is then looked at for more of them. */
	c->litbit = UINT32_C(1) << (cs->nlit++ % 32);
	c->litbuf = bk__dup_bytes(t->literal, t->len);
	c->alt = calloc(n, sizeof *c->alt);
	c->alen = calloc(n, sizeof *c->alen);
	if (c->litbuf == NULL || c->alt == NULL || c->alen == NULL)
		return false;
	for (char *p = c->litbuf, *bar;; p = bar + 1) {
		if ((bar = strchr(p, '|')) != NULL)
			*bar = '\0';
		if (*p != '\0') {
			c->alt[c->nalt] = p;
			c->alen[c->nalt++] = strlen(p);
			unsigned char b0 = (unsigned char)p[0];

			if (p[1] == '\0') {
				cs->litkind[b0] |= 1;
				cs->lit1[b0] |= c->litbit;
			} else {
				cs->litkind[b0] |= 2;
				cs->lit2[lit_hash(b0, (unsigned char)p[1])] |= c->litbit;
			}
			if (*p >= '0' && *p <= '9')
				cs->digit_lits |= c->litbit;
		}
		if (bar == NULL)
			break;
	}
	return true;
}

bk__cells *
bk__cells_new(const bk_ruleset *rs, enum bk_confidence min)
{
	bk__cells *cs = calloc(1, sizeof *cs);
	size_t n = bk_ruleset_count(rs), wcap = 0;

	if (cs == NULL)
		return NULL;
	cs->min = min;
	cs->rs = rs;
	cs->usable = true;
	memset(cs->bucket, 0xff, sizeof cs->bucket);
	for (unsigned c = 0; c < 256; c++)
		cs->low[c] = (unsigned char)bk__lower((char)c);
	cs->rules = calloc(n + 1, sizeof *cs->rules);
	cs->key = calloc(n + 1, 1);
	cs->row_ctx = calloc(n + 1, 1);
	cs->provider = calloc(n + 1, sizeof *cs->provider);
	cs->use = calloc(n + 1, sizeof *cs->use);
	cs->norm = bk_norm_new();
	cs->memo = aligned_alloc(256, ((size_t)1 << MEMO_BITS) * sizeof *cs->memo);
	if (cs->memo != NULL)
		memset(cs->memo, 0, ((size_t)1 << MEMO_BITS) * sizeof *cs->memo);
	cs->pair = calloc((size_t)1 << 16, 1);
	if (cs->rules == NULL || cs->key == NULL || cs->row_ctx == NULL || cs->provider == NULL ||
	    cs->use == NULL || cs->norm == NULL || cs->memo == NULL || cs->pair == NULL)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const bk_rule *r = bk_ruleset_rule(rs, i);
		struct crule *c = &cs->rules[cs->nrules];

		if (best_confidence(r) < min)
			continue;	/* the scanner never runs it */
		cs->nrules++;
		c->r = r;
		c->index = i;
		c->needs_ctx = r->require_context || r->confidence < min;
		/*
		 * Context matters to a finding when the rule needs it or when
		 * it opens the rule's window; else when it raises the
		 * confidence (which decides between two rules claiming the same
		 * bytes); else not at all.
		 */
		uint8_t cls = 0;
		if (c->needs_ctx || r->trigger.kind == BK_TRIGGER_CONTEXT)
			cls = WORD_FINDS;
		else if (r->context_confidence != r->confidence)
			cls = WORD_RAISES;
		c->raises = cls == WORD_RAISES && r->ncontext > 0;
		for (size_t w = 0; cls != 0 && w < r->ncontext; w++)
			if (!add_word(cs, &r->context[w], &wcap, cls))
				goto fail;
		if (r->trigger.kind == BK_TRIGGER_LITERAL && !split_literals(cs, c))
			goto fail;
		c->min = r->trigger.digits > 0 ? r->trigger.digits : 1;
		c->most = r->trigger.max_digits > 0 ? r->trigger.max_digits :
		    r->trigger.whole ? BK__DIGITS_MAX : UINT_MAX;
		c->seps = r->trigger.seps != 0 ? r->trigger.seps : BK__SEP_ALL;
		if (r->trigger.kind == BK_TRIGGER_DIGITS && r->trigger.has_after &&
		    (r->trigger.after['\t' >> 3] >> ('\t' & 7) & 1))
			cs->usable = false;
	}
	for (unsigned b = 0; b < 256; b++)
		cs->byte_cls[b] = (uint8_t)(cs->litkind[b] | cs->start[b] | (b >= '0' && b <= '9'));
	return cs;
fail:
	bk__cells_free(cs);
	return NULL;
}

void
bk__cells_free(bk__cells *cs)
{
	if (cs == NULL)
		return;
	for (size_t i = 0; i < cs->nrules; i++) {
		free(cs->rules[i].litbuf);
		free(cs->rules[i].alt);
		free(cs->rules[i].alen);
	}
	for (size_t i = 0; i < cs->npool; i++) {
		free(cs->pool[i].key);
		bk_scanner_free(cs->pool[i].sc);
	}
	for (size_t c = 0; c < cs->ccap; c++) {
		free(cs->cols[c].ctx);
		free(cs->cols[c].elig);
		free(cs->cols[c].lkey);
		free(cs->cols[c].plans);
	}
	free(cs->cols);
	free(cs->cellsc);
	free(cs->cellhit);
	free(cs->cellfill);
	free(cs->memo);
	free(cs->pair);
	free(cs->rules);
	free(cs->words);
	free(cs->key);
	free(cs->row_ctx);
	free(cs->provider);
	free(cs->use);
	free(cs->thdr);
	free(cs->name);
	free(cs->hdr);
	bk_norm_free(cs->norm);
	free(cs);
}

/* ---- tables ------------------------------------------------------------- */

/* CTX[i]: a context word of rule i is in the column name N (L bytes), as the scanner matches headers. */
static int
name_context(bk__cells *cs, const char *n, size_t l, unsigned char *ctx)
{
	const char *f;
	size_t fl;

	if (bk_norm_fold(cs->norm, n, l, &f, &fl) != BK_OK ||
	    bk__grow(&cs->name, &cs->namecap, fl, 1) != BK_OK)
		return BK_NOMEM;
	for (size_t k = 0; k < fl; k++)
		cs->name[k] = bk__lower(f[k]);
	for (size_t i = 0; i < cs->nrules; i++) {
		const bk_rule *r = cs->rules[i].r;

		ctx[i] = 0;
		for (size_t w = 0; w < r->ncontext && !ctx[i]; w++)
			ctx[i] = memmem(cs->name, fl, r->context[w].lower, r->context[w].len) != NULL;
	}
	return BK_OK;
}

/* Column C of the table gets its arrays. */
static int
column_init(bk__cells *cs, struct ccol *col)
{
	free(col->ctx);
	free(col->elig);
	free(col->lkey);
	col->ctx = calloc(cs->nrules + 1, 1);
	col->elig = calloc(cs->nrules + 1, sizeof *col->elig);
	col->lkey = calloc(cs->nrules + 1, 1);
	col->lsc = NULL;
	col->nelig = 0;
	col->memo = true;
	col->looks = col->hits = 0;
	col->nlit = 0;
	col->planned = 0;
	free(col->plans);
	col->plans = NULL;
	return col->ctx == NULL || col->elig == NULL || col->lkey == NULL ? BK_NOMEM : BK_OK;
}

/*
 * Numbers the distinct values of SIG[0, N) in order of first appearance
 * into CLS; false when there are more than 256. There are seldom more than
 * a few, so each value is looked for among those seen: this runs again at
 * every switch of table, which a dump may do at every row.
 */
static bool
classes(const uint64_t *sig, size_t n, uint8_t *cls)
{
	uint64_t seen[256];
	size_t nseen = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j = 0;

		while (j < nseen && seen[j] != sig[i])
			j++;
		if (j == nseen) {
			if (nseen == 256)
				return false;
			seen[nseen++] = sig[i];
		}
		cls[i] = (uint8_t)j;
	}
	return true;
}

/*
 * Readies the plan memo of COL: which first digits and bytes before a
 * group its digit rules treat alike. A digit rule looks at a group's first
 * digit only through its FIRST set and at the byte before only through its
 * AFTER set, so two digits (bytes) in the same sets of every such rule are
 * one class and the shape need not tell them apart. Columns whose rules do
 * not fit the key are left without a memo.
 */
static int
plan_init(bk__cells *cs, struct ccol *col)
{
	uint64_t fsig[10] = { 0 }, bsig[257] = { 0 };
	size_t ndig = 0;

	for (size_t k = 0; k < col->nelig; k++) {
		const struct crule *cr = &cs->rules[col->elig[k]];
		const struct bk__trigger *tr = &cr->r->trigger;

		if (tr->kind == BK_TRIGGER_LITERAL) {
			if (col->nlit == PLAN_LITS)
				return BK_OK;
			col->lit[col->nlit++] = col->elig[k];
		}
		if (tr->kind != BK_TRIGGER_DIGITS)
			continue;
		if (ndig == 64)
			return BK_OK;
		for (unsigned d = 0; tr->first != 0 && d < 10; d++)
			if (tr->first >> d & 1)
				fsig[d] |= UINT64_C(1) << ndig;
		for (unsigned b = 0; tr->has_after && b < 256; b++)
			if (tr->after[b >> 3] >> (b & 7) & 1)
				bsig[b] |= UINT64_C(1) << ndig;
		ndig++;
	}
	if (!classes(fsig, 10, col->fclass) || !classes(bsig, 257, col->bclass))
		return BK_OK;
	col->plans = calloc((size_t)1 << PLAN_BITS, sizeof *col->plans);
	return col->plans == NULL ? BK_NOMEM : BK_OK;
}

int
bk__cells_table(bk__cells *cs, const char *hdr, size_t len)
{
	size_t ncols = 1;

	cs->ok = false;
	if (!cs->usable)
		return BK_OK;
	for (size_t i = 0; i < len; i++)
		ncols += hdr[i] == '\t';
	if (ncols > cs->ccap) {
		size_t old = cs->ccap;

		if (bk__grow(&cs->cols, &cs->ccap, ncols, sizeof *cs->cols) != BK_OK)
			return BK_NOMEM;
		memset(cs->cols + old, 0, (cs->ccap - old) * sizeof *cs->cols);
		free(cs->cellsc);
		free(cs->cellhit);
		free(cs->cellfill);
		cs->cellsc = calloc(cs->ccap, sizeof *cs->cellsc);
		cs->cellhit = calloc(cs->ccap, sizeof *cs->cellhit);
		cs->cellfill = calloc(cs->ccap, sizeof *cs->cellfill);
		if (cs->cellsc == NULL || cs->cellhit == NULL || cs->cellfill == NULL)
			return BK_NOMEM;
	}
	if (bk__grow(&cs->thdr, &cs->thcap, len, 1) != BK_OK)
		return BK_NOMEM;
	memcpy(cs->thdr, hdr, len);
	cs->ncols = ncols;
	/* What was remembered of another table's cells no longer holds. */
	if (++cs->epoch == 0) {
		memset(cs->memo, 0, ((size_t)1 << MEMO_BITS) * sizeof *cs->memo);
		cs->epoch = 1;
	}
	memset(cs->row_ctx, 0, cs->nrules);
	const char *p = cs->thdr, *end = cs->thdr + len;
	for (size_t c = 0; c < ncols; c++) {
		struct ccol *col = &cs->cols[c];
		const char *tab = memchr(p, '\t', (size_t)(end - p));

		col->name = p;
		col->len = (size_t)((tab != NULL ? tab : end) - p);
		p = tab != NULL ? tab + 1 : end;
		if (column_init(cs, col) != BK_OK || name_context(cs, col->name, col->len, col->ctx) != BK_OK)
			return BK_NOMEM;
		for (size_t i = 0; i < cs->nrules; i++)
			if (col->ctx[i] && !cs->row_ctx[i]) {
				cs->row_ctx[i] = 1;
				cs->provider[i] = c;
			}
	}
	for (size_t c = 0; c < ncols; c++) {
		struct ccol *col = &cs->cols[c];

		for (size_t i = 0; i < cs->nrules; i++) {
			bool may = !cs->rules[i].needs_ctx || col->ctx[i];

			/* Without a context word in the row, only a column's name opens its window. */
			if (cs->rules[i].r->trigger.kind == BK_TRIGGER_CONTEXT)
				may = may && cs->row_ctx[i];
			if (may)
				col->elig[col->nelig++] = (uint32_t)i;
		}
	}
	cs->ok = true;
	return BK_OK;
}

/*
 * The scanner for the key in cs->key and column COL: a kept one, or a new
 * one over the key's rules whose header is the column's name and the names
 * that give the rules triggered by context their context in the row. NULL
 * when as many are kept as may be, or on OOM (*RC).
 */
static bk_scanner *
scanner_for(bk__cells *cs, const struct ccol *col, int *rc)
{
	for (size_t i = 0; i < cs->npool; i++)
		if (memcmp(cs->pool[i].key, cs->key, cs->nrules) == 0)
			return cs->pool[i].sc;
	if (cs->npool == MAX_SCANNERS)
		return NULL;
	size_t k = col->len, need = col->len;
	for (size_t i = 0; i < cs->nrules; i++)
		if (cs->key[i] & KEY_ROW)
			need += 1 + cs->cols[cs->provider[i]].len;
	if (bk__grow(&cs->hdr, &cs->hcap, need, 1) != BK_OK)
		goto nomem;
	memcpy(cs->hdr, col->name, col->len);
	memset(cs->use, 0, bk_ruleset_count(cs->rs) * sizeof *cs->use);
	for (size_t i = 0; i < cs->nrules; i++) {
		const struct ccol *pc = &cs->cols[cs->provider[i]];

		cs->use[cs->rules[i].index] = (cs->key[i] & KEY_RUN) != 0;
		if (!(cs->key[i] & KEY_ROW))
			continue;
		cs->hdr[k++] = '\t';
		memcpy(cs->hdr + k, pc->name, pc->len);
		k += pc->len;
	}
	struct pooled *p = &cs->pool[cs->npool];
	p->key = malloc(cs->nrules + 1);
	p->sc = bk__scanner_new_subset(cs->rs, cs->min, cs->use);
	if (p->key == NULL || p->sc == NULL || bk_scanner_set_header(p->sc, cs->hdr, k, '\t') != BK_OK) {
		free(p->key);
		bk_scanner_free(p->sc);
		goto nomem;
	}
	bk__scanner_no_context(p->sc, true);
	memcpy(p->key, cs->key, cs->nrules);
	cs->npool++;
	return p->sc;
nomem:
	*rc = BK_NOMEM;
	return NULL;
}

/* ---- rows --------------------------------------------------------------- */

/* A digit group of a cell: a maximal run of ASCII digits. */
struct dgroup {
	unsigned len;
	unsigned char first;	/* its first digit */
	unsigned char before;	/* the byte before it */
	bool has_before;
	unsigned join;		/* BK__SEP_* of the one byte between it and the next group, or 0 */
};

/* What a cell's bytes look like: enough to rule most triggers out. */
struct digits {
	unsigned count;		/* ASCII digits */
	size_t ngroups;		/* MAX_GROUPS + 1: too many to list */
	struct dgroup g[MAX_GROUPS];
	bool high;		/* a byte >= 0x80 */
	uint32_t lits;		/* litbits of the literal rules whose alternatives may be here */
};

/* The BK__SEP_* bit of C, as the scanner joins digit groups. */
static unsigned
sep_bit(unsigned char c)
{
	return c == '-' ? BK__SEP_DASH : c == '.' ? BK__SEP_DOT : c == '/' ? BK__SEP_SLASH :
	    c == ' ' ? BK__SEP_SPACE : c == '(' || c == ')' ? BK__SEP_PAREN : 0;
}

/*
 * The WORD_* of the context words starting at T[I] (T folded, N bytes),
 * ASCII letters compared lowercased, where cs->start said one may.
 */
static unsigned
words_at(const bk__cells *cs, const unsigned char *p, size_t i, size_t n)
{
	unsigned found = cs->start[p[i]] & (WORD_FINDS | WORD_RAISES);

	if (!(cs->start[p[i]] & START_LONGER) || i + 1 >= n)
		return found;
	unsigned two = (unsigned)cs->low[p[i]] << 8 | cs->low[p[i + 1]];
	found |= cs->pair[two] & (WORD_FINDS | WORD_RAISES);
	if (!(cs->pair[two] & PAIR_LONGER) || i + 2 >= n || (found & WORD_FINDS))
		return found;
	uint32_t h = gram_hash((uint32_t)two << 8 | cs->low[p[i + 2]]);
	if (!(cs->gram[h >> 3] >> (h & 7) & 1))
		return found;
	for (int32_t w = cs->bucket[h >> (GRAM_BITS - BUCKET_BITS)]; w >= 0; w = cs->words[w].next) {
		const struct cword *cw = &cs->words[w];
		size_t j = 0;

		if (cw->hash != h || i + cw->len > n)
			continue;
		while (j < cw->len && cs->low[p[i + j]] == (unsigned char)cw->lower[j])
			j++;
		if (j == cw->len)
			found |= cw->cls;
	}
	return found;
}

/*
 * One pass over the folded cell T (N bytes): its digit groups and the
 * literal rules that may fire into *D, and the WORD_* of the context words
 * in it (WORD_FINDS alone as soon as one is seen: the row is read whole and
 * the rest does not matter). A word is looked for at every byte that may
 * start one, not only at character starts: in invalid UTF-8 a word may
 * follow a lead byte whose character never came, and the scanner would
 * find it there.
 */
static unsigned
look(const bk__cells *cs, const char *t, size_t n, struct digits *d)
{
	const unsigned char *p = (const unsigned char *)t;
	size_t end = 0;		/* where the last group ended */
	unsigned found = 0, high = 0;
	uint32_t lits = 0;

	d->count = 0;
	d->ngroups = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		high |= c;
		/* Most bytes (continuation bytes, most letters) matter to nothing here. */
		if (cs->byte_cls[c] == 0)
			continue;
		if (cs->litkind[c] != 0) {
			if (cs->litkind[c] & 1)
				lits |= cs->lit1[c];
			if ((cs->litkind[c] & 2) && i + 1 < n)
				lits |= cs->lit2[lit_hash(c, p[i + 1])];
		}
		if (cs->start[c] != 0) {
			/* Most starts of a longer word are lead bytes of kanji: the pair decides. */
			found |= cs->start[c] & (WORD_FINDS | WORD_RAISES);
			if ((cs->start[c] & START_LONGER) && i + 1 < n &&
			    cs->pair[(unsigned)cs->low[c] << 8 | cs->low[p[i + 1]]] != 0)
				found |= words_at(cs, p, i, n);
			if (found & WORD_FINDS)
				return WORD_FINDS;
		}
		if ((unsigned)(c - '0') >= 10u)
			continue;
		size_t start = i;

		if (!cs->digit_words) {
			while (i + 1 < n && (unsigned)(p[i + 1] - '0') < 10u)
				i++;
		} else {
			/* Rare: a word that starts with a digit (a user's rules may have one). */
			while (i + 1 < n && (unsigned)(p[i + 1] - '0') < 10u) {
				i++;
				if (cs->start[p[i]] != 0 && ((found |= words_at(cs, p, i, n)) & WORD_FINDS))
					return WORD_FINDS;
			}
		}
		lits |= cs->digit_lits;
		d->count += (unsigned)(i + 1 - start);
		if (d->ngroups < MAX_GROUPS) {
			struct dgroup *g = &d->g[d->ngroups];

			if (d->ngroups > 0 && end + 1 == start)
				d->g[d->ngroups - 1].join = sep_bit(p[start - 1]);
			*g = (struct dgroup){ (unsigned)(i + 1 - start), c, start > 0 ? p[start - 1] : 0,
				start > 0, 0 };
		}
		if (d->ngroups <= MAX_GROUPS)
			d->ngroups++;
		end = i + 1;
	}
	d->high = (high & 0x80) != 0;
	d->lits = lits;
	return found;
}

/* LIT in H[0, N). */
static bool
has_literal(const char *h, size_t n, const char *lit, size_t len)
{
	const char *end = h + n;

	if (len == 0 || len > n)
		return false;
	end -= len - 1;
	for (const char *p = h; p < end; p++) {
		if ((p = memchr(p, lit[0], (size_t)(end - p))) == NULL)
			return false;
		if (memcmp(p + 1, lit + 1, len - 1) == 0)
			return true;
	}
	return false;
}

/* Whether rule C's trigger may fire on the folded cell T (false is certain). */
static bool
may_fire(const struct crule *c, const char *t, size_t n, const struct digits *d)
{
	const struct bk__trigger *tr = &c->r->trigger;

	switch (tr->kind) {
	case BK_TRIGGER_DIGITS: {
		unsigned min = c->min, most = c->most, seps = c->seps;

		if (d->count < min)
			return false;
		if (d->ngroups > MAX_GROUPS)
			return true;
		/*
		 * A candidate is a run of whole groups, one separator the rule
		 * allows between two, with MIN to MOST digits, starting with a
		 * digit and after a byte the rule allows.
		 */
		for (size_t a = 0; a < d->ngroups; a++) {
			const struct dgroup *g = &d->g[a];
			unsigned digits = 0;

			if (tr->first != 0 && !(tr->first >> (g->first - '0') & 1))
				continue;
			if (tr->has_after && (!g->has_before ||
			    !(tr->after[g->before >> 3] >> (g->before & 7) & 1)))
				continue;
			for (size_t b = a; b < d->ngroups; b++) {
				digits += d->g[b].len;
				if (digits > most)
					break;
				if (digits >= min)
					return true;
				if (!(d->g[b].join & seps))
					break;
			}
		}
		return false;
	}
	case BK_TRIGGER_LITERAL:
		/* No byte of the cell starts one of its alternatives: nothing to look for. */
		if (!(d->lits & c->litbit))
			return false;
		for (size_t k = 0; k < c->nalt; k++)
			if (has_literal(t, n, c->alt[k], c->alen[k]))
				return true;
		return false;
	case BK_TRIGGER_NONASCII:
		return d->high;
	case BK_TRIGGER_CONTEXT:
	case BK_TRIGGER_ALWAYS:
		return true;
	}
	return true;
}

/* ---- the memo ----------------------------------------------------------- */

static uint64_t
cell_hash(const char *p, size_t n, size_t col)
{
	uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ (col * UINT64_C(0xff51afd7ed558ccd)) ^ n;

	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		h = (h ^ w) * UINT64_C(0x9fb21c651e98df25);
		h ^= h >> 29;
	}
	if (n > 0) {
		uint64_t w = 0;

		memcpy(&w, p, n);
		h = (h ^ w) * UINT64_C(0x9fb21c651e98df25);
		h ^= h >> 29;
	}
	return h;
}

/*
 * Column C's cell P (N bytes) in the memo: *HIT when it is there, else
 * *FILL, the slot it may take (NULL: not worth remembering, or the slot is
 * in use by this row).
 */
static void
memo_find(bk__cells *cs, struct ccol *col, size_t c, const char *p, size_t n,
    struct memo **hit, struct memo **fill)
{
	*hit = *fill = NULL;
	if (!col->memo || n > MEMO_CELL)
		return;
	uint64_t h = cell_hash(p, n, c);
	/* Two ways: a date of birth and an address that hash alike both stay. */
	struct memo *set = &cs->memo[h & (((size_t)1 << MEMO_BITS) - 2)], *m = NULL;

	col->looks++;
	for (int w = 0; w < 2; w++) {
		m = &set[w];
		if (m->epoch == cs->epoch && m->hash == h && m->col == c && m->len == n &&
		    memcmp(m->data, p, n) == 0) {
			col->hits++;
			m->stamp = cs->rowno;
			*hit = m;
			return;
		}
	}
	if (col->looks >= MEMO_TRIAL && col->hits * MEMO_MIN_RATIO < col->looks)
		col->memo = false;	/* too few repeat: remembering costs more than it saves */
	/*
	 * The way to take: never one this row found or took; else one of
	 * another table or left unfilled, else the one used longest ago.
	 */
	m = NULL;
	for (int w = 0; w < 2; w++) {
		struct memo *x = &set[w];

		if (x->stamp == cs->rowno)
			continue;
		if (m == NULL || (x->epoch != cs->epoch && m->epoch == cs->epoch) ||
		    ((x->epoch == cs->epoch) == (m->epoch == cs->epoch) &&
		    cs->rowno - x->stamp > cs->rowno - m->stamp))
			m = x;
	}
	if (m == NULL)
		return;
	m->epoch = 0;	/* taken: not valid until filled */
	m->hash = h;
	m->col = (uint32_t)c;
	m->len = (uint8_t)n;
	m->nf = 0;
	m->flags = 0;
	m->used = (uint8_t)n;
	m->stamp = cs->rowno;
	memcpy(m->data, p, n);
	*fill = m;
}

/* Keeps finding F (offsets in the cell) in M; false when it does not fit. */
static bool
memo_add(struct memo *m, const struct bk_finding *f)
{
	struct memo_finding *mf = &m->f[m->nf];

	if (m->nf == MEMO_FINDINGS || f->value_len > (size_t)(MEMO_DATA - m->used))
		return false;
	*mf = (struct memo_finding){ f->rule, f->context, (uint8_t)f->start, (uint8_t)f->end,
		m->used, (uint8_t)f->value_len, (uint8_t)f->confidence, (uint8_t)f->why };
	memcpy(m->data + m->used, f->value, f->value_len);
	m->used = (uint8_t)(m->used + f->value_len);
	m->nf++;
	return true;
}

/* ---- rows --------------------------------------------------------------- */

/* A cell's finding, moved to the row's offsets, and remembered. */
static int
on_cell_finding(void *ctx, const struct bk_finding *f)
{
	bk__cells *cs = ctx;
	struct bk_finding g = *f;

	if (cs->fill != NULL && !memo_add(cs->fill, f))
		cs->fill = NULL;	/* left unfilled: epoch 0 */
	g.start += cs->base;
	g.end += cs->base;
	return cs->fn(cs->fctx, &g);
}

/* The remembered findings of a cell at BASE of the row. */
static int
replay(bk__cells *cs, const struct memo *m, size_t base)
{
	for (size_t k = 0; k < m->nf; k++) {
		const struct memo_finding *mf = &m->f[k];
		struct bk_finding f = {
			.rule = mf->rule,
			.start = base + mf->start,
			.end = base + mf->end,
			.value = m->data + mf->voff,
			.value_len = mf->vlen,
			.confidence = (enum bk_confidence)mf->confidence,
			.why = mf->why,
			.context = mf->context,
		};
		int rc = cs->fn(cs->fctx, &f);

		if (rc != 0)
			return rc;
	}
	return BK_OK;
}

/* Forgets the slots the row took but did not fill (it is read whole instead). */
static void
drop_fills(bk__cells *cs, size_t ncols)
{
	for (size_t c = 0; c < ncols; c++) {
		if (cs->cellfill[c] != NULL)
			cs->cellfill[c]->epoch = 0;
		cs->cellfill[c] = NULL;
	}
}

/*
 * The shape of the folded cell T (N bytes, looked at into D) in column COL,
 * into *K0 and *K1: all that decides which of the column's rules may fire
 * on it. Per digit group its length, the class of its first digit and of
 * the byte before it, and its join to the next; whether it has a byte of
 * another script; which of the literal rules' alternatives it holds. False
 * when the cell does not fit (too many groups, a group too long).
 */
static bool
shape_key(const bk__cells *cs, const struct ccol *col, const char *t, size_t n,
    const struct digits *d, uint64_t *k0, uint64_t *k1)
{
	uint64_t key[2] = { 0, 0 };
	unsigned lits = 0;

	if (d->ngroups > PLAN_GROUPS)
		return false;
	for (size_t k = 0; k < d->ngroups; k++) {
		const struct dgroup *g = &d->g[k];

		if (g->len > 63)
			return false;
		/* 6 bits of length, 4 of first digit (10 classes at most), 8 of byte before, 5 of join */
		key[k / 2] |= ((uint64_t)g->len | (uint64_t)col->fclass[g->first - '0'] << 6 |
		    (uint64_t)col->bclass[g->has_before ? g->before : 256] << 10 |
		    (uint64_t)g->join << 18) << (23 * (k % 2));
	}
	for (size_t k = 0; k < col->nlit; k++) {
		const struct crule *cr = &cs->rules[col->lit[k]];

		if ((d->lits & cr->litbit) && may_fire(cr, t, n, d))
			lits |= 1u << k;
	}
	/* Two groups take 46 bits of a word; then the literals, the script, the group count. */
	*k0 = key[0] | (uint64_t)lits << 46 | (uint64_t)d->high << 54 | (uint64_t)d->ngroups << 55;
	*k1 = key[1] | UINT64_C(1) << 63;	/* never 0: 0 marks an empty slot */
	return true;
}

/*
 * The scanner cell C (folded: T, N bytes) needs, into cs->cellsc[c] (NULL:
 * no rule can fire on it), and CELL_TIES into *FLAGS where it applies.
 * BK_OK, BK_NOMEM, or BK_ERROR when no scanner is left for it.
 */
static int
plan_cell(bk__cells *cs, size_t c, const char *t, size_t n, const struct digits *d,
    unsigned *flags)
{
	struct ccol *col = &cs->cols[c];
	bool fire = false, raises = false;
	unsigned nfire = 0;
	int rc = BK_ERROR;

	struct plan *pl = NULL;
	uint64_t k0, k1;

	cs->cellsc[c] = NULL;
	if (n == 0 || col->nelig == 0)
		return BK_OK;
	/*
	 * The plan memo is readied only for a column that has planned a few
	 * cells since its table came: a dump whose tables take turns row by
	 * row would otherwise ready it at every row and never use it.
	 */
	if (col->planned < PLAN_AFTER && ++col->planned == PLAN_AFTER &&
	    plan_init(cs, col) != BK_OK)
		return BK_NOMEM;
	if (col->plans != NULL && shape_key(cs, col, t, n, d, &k0, &k1)) {
		uint64_t h = (k0 ^ k1 * UINT64_C(0x9e3779b97f4a7c15)) * UINT64_C(0xff51afd7ed558ccd);

		pl = &col->plans[h >> (64 - PLAN_BITS)];
		if (pl->k0 == k0 && pl->k1 == k1) {
			cs->cellsc[c] = pl->sc;
			*flags |= pl->flags;
			return BK_OK;
		}
	}
	memset(cs->key, 0, cs->nrules);
	for (size_t k = 0; k < col->nelig; k++) {
		size_t i = col->elig[k];

		if (!may_fire(&cs->rules[i], t, n, d))
			continue;
		fire = true;
		nfire++;
		raises = raises || cs->rules[i].raises;
		cs->key[i] = KEY_RUN | (col->ctx[i] ? KEY_COL : 0) |
		    (cs->row_ctx[i] && cs->rules[i].r->trigger.kind == BK_TRIGGER_CONTEXT ? KEY_ROW : 0);
	}
	if (!fire) {
		if (pl != NULL)
			*pl = (struct plan){ k0, k1, NULL, 0 };
		return BK_OK;
	}
	unsigned ties = nfire > 1 && raises ? CELL_TIES : 0;
	*flags |= ties;
	if (col->lsc == NULL || memcmp(col->lkey, cs->key, cs->nrules) != 0) {
		if ((col->lsc = scanner_for(cs, col, &rc)) == NULL)
			return rc == BK_OK ? BK_ERROR : rc;
		memcpy(col->lkey, cs->key, cs->nrules);
	}
	cs->cellsc[c] = col->lsc;
	if (pl != NULL)
		*pl = (struct plan){ k0, k1, col->lsc, ties };
	return BK_OK;
}

int
bk__cells_row(bk__cells *cs, const char *line, size_t len, const size_t *off,
    const size_t *clen, size_t ncols, bk_finding_fn fn, void *ctx, bool *whole)
{
	int rc = BK_OK;

	(void)len;
	*whole = true;
	if (!cs->ok || ncols != cs->ncols)
		return BK_OK;
	cs->rowno++;
	/* First what each cell needs: a context word anywhere sends the row back whole. */
	unsigned row = 0;	/* CELL_* */
	for (size_t c = 0; c < ncols; c++) {
		const char *cell = line + off[c], *t;
		size_t n;
		unsigned flags = 0;

		cs->cellsc[c] = NULL;
		cs->cellhit[c] = cs->cellfill[c] = NULL;
		if (clen[c] == 0)
			continue;
		memo_find(cs, &cs->cols[c], c, cell, clen[c], &cs->cellhit[c], &cs->cellfill[c]);
		if (cs->cellhit[c] != NULL) {
			if (cs->cellhit[c]->nf == MEMO_CONTEXT)
				goto whole;
			row |= cs->cellhit[c]->flags;
			continue;
		}
		if (bk_norm_fold(cs->norm, cell, clen[c], &t, &n) != BK_OK) {
			rc = BK_NOMEM;
			goto whole;
		}
		struct digits d;
		unsigned words = look(cs, t, n, &d);
		if (words & WORD_FINDS) {
			if (cs->cellfill[c] != NULL) {
				cs->cellfill[c]->nf = MEMO_CONTEXT;
				cs->cellfill[c]->epoch = cs->epoch;
				cs->cellfill[c] = NULL;
			}
			goto whole;
		}
		if (words & WORD_RAISES)
			flags |= CELL_RAISES;
		if ((rc = plan_cell(cs, c, t, n, &d, &flags)) != BK_OK) {
			if (rc == BK_ERROR)
				rc = BK_OK;
			goto whole;
		}
		row |= flags;
		if (cs->cellfill[c] != NULL) {
			cs->cellfill[c]->flags = (uint8_t)flags;
			if (cs->cellsc[c] == NULL) {
				cs->cellfill[c]->epoch = cs->epoch;	/* no findings, remembered as such */
				cs->cellfill[c] = NULL;
			}
		}
	}
	/*
	 * A word that raises a confidence changes nothing unless two rules
	 * may claim the same bytes; then the row is read whole.
	 */
	if ((row & (CELL_RAISES | CELL_TIES)) == (CELL_RAISES | CELL_TIES))
		goto whole;
	*whole = false;
	cs->fn = fn;
	cs->fctx = ctx;
	for (size_t c = 0; c < ncols; c++) {
		if (cs->cellhit[c] != NULL) {
			rc = replay(cs, cs->cellhit[c], off[c]);
		} else if (cs->cellsc[c] != NULL) {
			cs->fill = cs->cellfill[c];
			cs->base = off[c];
			rc = bk_scanner_line(cs->cellsc[c], line + off[c], clen[c], on_cell_finding, cs);
			if (cs->fill != NULL)
				cs->fill->epoch = cs->epoch;	/* filled whole */
			cs->cellfill[c] = NULL;
		}
		if (rc != BK_OK) {
			drop_fills(cs, ncols);
			return rc;
		}
	}
	return BK_OK;
whole:
	drop_fills(cs, ncols);
	return rc;
}
