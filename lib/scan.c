/*
 * scan.c - find personal data in lines of text; see scan.h.
 *
 * The work per line is shaped by what logs look like: nearly every line is
 * ASCII, full of short digit groups (times, addresses, status codes, sizes)
 * and almost never personal. So a line is first folded (free for ASCII),
 * then walked once for digit runs long enough for some rule; only rules
 * whose trigger fired are run, and only in windows around what fired
 * (merged when they overlap), never over the whole line. Everything a line
 * needs is kept on the scanner and reused, so scanning allocates nothing
 * once warmed up.
 *
 * Findings of a line are collected first, then ordered and deduplicated
 * (several rules claiming the same bytes: the most confident wins), then
 * mapped back to original offsets and handed to the caller.
 */
#include "config.h"

#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include "normalize.h"
#include "rules-private.h"
#include "scan.h"
#include "scan-private.h"
#include "util-private.h"

/* How far around a trigger a match may start or end (bytes of folded text). */
#define DIGIT_MARGIN 64
#define LITERAL_MARGIN 256

/* A maximal run of ASCII digits in the folded line: [start, end). */
struct group {
	size_t start, end;
	unsigned join;		/* the BK__SEP_* bit of the one byte before the next group, or 0 */
};

struct span {
	size_t start, end;	/* a digit run [start, end) */
	unsigned digits;
	size_t g0, ng;		/* the groups it is made of */
};

/*
 * The digit runs of a line under one set of separators. Rules may narrow
 * the separators their numbers use (a pension number: dashes only), and
 * runs are built per set, so an IP address or a version string does not
 * wake a rule whose numbers never have dots.
 */
struct spanset {
	unsigned seps;		/* BK__SEP_* */
	bool built;		/* for the current line: sets are built when first used */
	unsigned min_digits;	/* the smallest trigger of the rules using it */
	struct span *spans;
	size_t nspans, spancap;
};

#define MAX_SPANSETS 16

struct window {
	size_t start, end;
};

struct hit {
	const bk_rule *rule;
	size_t order;		/* the rule's place in the set, for ties */
	size_t start, end;	/* the value in folded text */
	enum bk_confidence confidence;
	unsigned why;
	const char *context;
};

/*
 * The context index: every distinct context word of 3 bytes or more of the
 * rules in use, found in a line by one pass of a rolling hash over its
 * lowercased 3-byte windows (a 64 Ki-bit filter, then a bucket of words).
 * Context questions ("is a word of this rule within reach of that value?")
 * then scan the line's few occurrences instead of searching the text again
 * for every word of every rule around every candidate.
 */
#define GRAM_BITS 16
#define BUCKET_BITS 12

struct ctx_word {
	const char *lower;	/* points into the rule; ASCII-lowercased */
	size_t len;
	uint32_t hash;		/* of the first three bytes */
	int32_t next;		/* in its bucket, or -1 */
	uint32_t *rules;	/* the rules (indexes) that use it */
	size_t nrules, rulecap;
};

/*
 * The pair filter: before any context question is asked about a line, one
 * pass sets a bit for every pair of adjacent bytes in it (ASCII letters
 * lowercased). A context word can be in the line only if all its pairs are,
 * so a rule none of whose words can be there is skipped outright; in a log
 * of ASCII this answers nearly every question for kanji words and most for
 * English ones, for about a load and a store per byte.
 */
#define PAIR_BITS 12
#define WORD_PAIRS 8

struct word_pairs {
	uint16_t pair[WORD_PAIRS];	/* spread over the word; all must be in the line */
	unsigned n;			/* 0: too short to filter, always possible */
	bool high;			/* the word has a byte >= 0x80 */
};

struct occurrence {
	uint32_t word;
	uint32_t pos;
};

/* A literal trigger "A|B|C": any of the alternatives fires it. */
struct literals {
	char *buf;		/* the trigger text, '|' replaced by NUL */
	const char **alt;
	size_t *len;
	size_t n;
	bool ascii;		/* every alternative is ASCII: worth looking for in any line */
};

struct column {
	char *name;		/* the header field, ASCII-lowercased */
	size_t len;
	uint64_t rules;		/* bit i % 64: rule i has a context word naming it */
};

struct bk_scanner {
	enum bk_confidence min;
	struct group *groups;	/* the current line's digit groups */
	size_t ngroups, groupcap;
	size_t *margin;		/* [rule]: how far a match may reach past its trigger */
	uint8_t (*first)[32];	/* [rule]: first bytes (lowercased) of its context words */
	size_t *ctx_maxlen;	/* [rule]: its longest context word */
	struct word_pairs **wpairs;	/* [rule][context word] */
	uint8_t pairs[1u << PAIR_BITS];	/* == stamp: the pair is in the current line */
	uint64_t *key_rules;	/* [pair]: rules (bit i % 64) a word of which has it as rarest pair */
	uint64_t line_rules;	/* the current line's: rules whose words may all be there */
	uint64_t short_rules;	/* rules with a word too short to have a pair */
	uint8_t stamp;
	bool paired;
	bool no_context;	/* bk__scanner_no_context: no word is looked for */
	uint16_t pair_first[256], pair_second[256];
	signed char *maybe;	/* [rule]: a context word may be in the line; -1 not known */
	const bk_rule **rules;	/* the rules that can reach min, in set order */
	size_t nrules;
	bool *needs_ctx;	/* [rule]: reaches min only with context */
	struct literals *lits;	/* [rule]: the alternatives of a literal trigger */
	bool *hdr_ctx;		/* [rule]: a column header of the current file is context */
	struct spanset sets[MAX_SPANSETS];	/* one per separator set in use */
	size_t nsets;
	size_t *rule_set;	/* [rule]: its spanset, for digits triggers */

	struct bk__matcher matcher;
	pcre2_match_data *md;
	bk_norm *norm;

	struct window *wins;
	size_t nwins, wincap;
	struct hit *hits;
	size_t nhits, hitcap;

	struct ctx_word *words;	/* the context index */
	size_t nwords;
	uint32_t **rule_words;	/* [rule][context word]: index in words, or UINT32_MAX (short) */
	uint8_t gram[(1 << GRAM_BITS) / 8];
	int32_t bucket[1 << BUCKET_BITS];
	int high;		/* the current line has bytes >= 0x80: -1 not known yet */
	struct occurrence *occ;	/* the current line's, once indexed */
	size_t nocc, occcap;
	bool indexed;
	bool *present;		/* [rule]: a context word of it is somewhere in the line */
	bool *has_short;	/* [rule]: it has context words too short to index */

	struct column *cols;	/* set by bk_scanner_set_header */
	const char *line;	/* the current line as given (cells are counted in it) */
	size_t line_len;
	size_t ncols, colcap;
	char delim;

	const bk_rule **limited;
	size_t nlimited, limcap;
};

/* ---- helpers ------------------------------------------------------------ */

/* The BK__SEP_* bit of C, or 0 for a byte that is no separator. */
static unsigned
sep_bit(unsigned char c)
{
	return c == '-' ? BK__SEP_DASH : c == '.' ? BK__SEP_DOT : c == '/' ? BK__SEP_SLASH :
	    c == ' ' ? BK__SEP_SPACE : c == '(' || c == ')' ? BK__SEP_PAREN : 0;
}

/* Moves OFF back to the start of the UTF-8 character it is in. */
static size_t
char_start(const char *t, size_t off)
{
	while (off > 0 && ((unsigned char)t[off] & 0xc0) == 0x80)
		off--;
	return off;
}

/* The offset N characters before OFF (or 0). */
static size_t
back_chars(const char *t, size_t off, unsigned n)
{
	while (off > 0 && n > 0) {
		off--;
		if (((unsigned char)t[off] & 0xc0) != 0x80)
			n--;
	}
	return char_start(t, off);
}

/* The offset N characters after OFF (or LEN). */
static size_t
fwd_chars(const char *t, size_t len, size_t off, unsigned n)
{
	while (off < len && n > 0) {
		off++;
		while (off < len && ((unsigned char)t[off] & 0xc0) == 0x80)
			off++;
		n--;
	}
	return off;
}

/*
 * WORD (already lowercased) in H[0, N), ASCII letters of H compared
 * lowercased. Candidates for the first byte are found with memchr, once for
 * each case, so a line without the word costs two or three fast passes.
 */
static bool
contains_ci(const char *h, size_t n, const char *word, size_t len)
{
	unsigned char lo = (unsigned char)word[0];
	unsigned char up = lo >= 'a' && lo <= 'z' ? lo - 32 : lo;
	const char *end = h + n, *pl = NULL, *pu = NULL;
	bool lo_done = false, up_done = up == lo;

	if (len == 0 || len > n)
		return len == 0;
	end -= len - 1;	/* one past the last place the word can start */
	for (const char *p = h; p < end;) {
		if (!lo_done && (pl == NULL || pl < p))
			lo_done = (pl = memchr(p, lo, (size_t)(end - p))) == NULL;
		if (!up_done && (pu == NULL || pu < p))
			up_done = (pu = memchr(p, up, (size_t)(end - p))) == NULL;
		const char *c = lo_done ? NULL : pl;
		if (!up_done && (c == NULL || pu < c))
			c = pu;
		if (c == NULL)
			return false;
		size_t j = 1;
		while (j < len && (unsigned char)bk__lower(c[j]) == (unsigned char)word[j])
			j++;
		if (j == len)
			return true;
		p = c + 1;
	}
	return false;
}

/* ---- the pair filter --------------------------------------------------- */

static inline bool
cw_fits(const struct bk__context_word *cw, size_t n)
{
	return cw->len <= n;
}

static inline unsigned char
fold_byte(unsigned char c)
{
	return (unsigned char)(c | ((unsigned)(c - 'A') < 26u) << 5);
}

/* The two halves of a pair's hash, by table: a letter pair never collides with another. */
static void
pair_tables(bk_scanner *sc)
{
	for (unsigned c = 0; c < 256; c++) {
		sc->pair_first[c] = (uint16_t)((fold_byte((unsigned char)c) & 0x7fu) << 5);
		sc->pair_second[c] = (uint16_t)(fold_byte((unsigned char)c) & 0x1fu);
	}
}

/*
 * How common byte C is in log text, roughly: letters by their frequency in
 * English, the punctuation of URLs and timestamps very common, bytes of
 * other scripts rare in the ASCII logs where speed matters most.
 */
static unsigned
commonness(unsigned char c)
{
	static const char order[] = "etaoinsrhldcumfpgwybvkxjqz";
	const char *at;

	if (c >= 0x80)
		return 1;
	if (c == ' ' || c == '/' || c == '.' || c == '-' || c == ':' || bk__is_digit((char)c))
		return 40;
	if (c >= 'a' && c <= 'z' && (at = strchr(order, c)) != NULL)
		return 30 - (unsigned)(at - order);
	return 6;	/* = _ and other punctuation */
}

/* The pairs of context word CW worth checking: spread evenly when there are many. */
static void
word_pairs_of(const bk_scanner *sc, const struct bk__context_word *cw, struct word_pairs *wp)
{
	size_t npairs = cw->len - 1;

	wp->n = 0;
	wp->high = false;
	for (size_t k = 0; k < cw->len; k++)
		wp->high = wp->high || (unsigned char)cw->lower[k] >= 0x80;
	if (cw->len < 2)
		return;
	for (size_t k = 0; k < WORD_PAIRS && k < npairs; k++) {
		size_t at = npairs <= WORD_PAIRS ? k : k * (npairs - 1) / (WORD_PAIRS - 1);

		wp->pair[wp->n++] = (uint16_t)(sc->pair_first[(unsigned char)cw->lower[at]] |
		    sc->pair_second[(unsigned char)cw->lower[at + 1]]);
	}
	/* The rarest pair first: most words are ruled out by it alone. */
	unsigned best = 0, score = UINT_MAX;

	for (unsigned k = 0; k < wp->n; k++) {
		size_t at = npairs <= WORD_PAIRS ? k : k * (npairs - 1) / (WORD_PAIRS - 1);
		unsigned sc2 = commonness((unsigned char)cw->lower[at]) +
		    commonness((unsigned char)cw->lower[at + 1]);

		if (sc2 < score)
			score = sc2, best = k;
	}
	uint16_t t = wp->pair[0];
	wp->pair[0] = wp->pair[best];
	wp->pair[best] = t;
}

static void
pair_line(bk_scanner *sc, const char *t, size_t n)
{
	const unsigned char *p = (const unsigned char *)t;

	/* A new stamp per line instead of clearing; the table is cleared when it wraps. */
	if (++sc->stamp == 0) {
		memset(sc->pairs, 0, sizeof sc->pairs);
		sc->stamp = 1;
	}
	if (n >= 2) {
		unsigned high = p[0];
		uint64_t rules = 0;

		for (size_t i = 1; i < n; i++) {
			unsigned h = sc->pair_first[p[i - 1]] | sc->pair_second[p[i]];

			sc->pairs[h] = sc->stamp;
			rules |= sc->key_rules[h];
			high |= p[i];
		}
		sc->line_rules = rules | sc->short_rules;
		if (sc->high < 0)
			sc->high = (high & 0x80) != 0;
	}
	if (n < 2)
		sc->line_rules = sc->short_rules;
	sc->paired = true;
	memset(sc->maybe, -1, sc->nrules);
}

/* Whether a context word of rule I may be in the line: false is certain. */
static bool
maybe_context(bk_scanner *sc, size_t i, const char *t, size_t n)
{
	const bk_rule *r = sc->rules[i];

	if (sc->no_context)
		return false;

	if (!sc->paired)
		pair_line(sc, t, n);
	if (sc->maybe[i] >= 0)
		return sc->maybe[i];
	sc->maybe[i] = 0;
	if (!(sc->line_rules >> (i & 63) & 1))
		return false;	/* not even the rarest pair of one of its words is there */
	for (size_t w = 0; w < r->ncontext; w++) {
		const struct word_pairs *wp = &sc->wpairs[i][w];
		unsigned k = 0;

		if (wp->high && sc->high == 0)
			continue;

		while (k < wp->n && sc->pairs[wp->pair[k]] == sc->stamp)
			k++;
		if (k == wp->n && cw_fits(&r->context[w], n))
			return (sc->maybe[i] = 1);
	}
	return false;
}

/* ---- the context index ------------------------------------------------- */

static uint32_t
gram_hash(uint32_t three)
{
	return (three * 2654435761u) >> (32 - GRAM_BITS);
}

/* Adds the context words of rule I to the index; RW receives each word's index. */
static bool
index_words(bk_scanner *sc, size_t i, uint32_t *rw)
{
	const bk_rule *r = sc->rules[i];

	for (size_t w = 0; w < r->ncontext; w++) {
		const struct bk__context_word *cw = &r->context[w];
		size_t k;

		rw[w] = UINT32_MAX;
		if (cw->len < 3) {
			sc->has_short[i] = true;
			continue;	/* searched directly: too short to index */
		}
		for (k = 0; k < sc->nwords; k++)
			if (sc->words[k].len == cw->len && memcmp(sc->words[k].lower, cw->lower, cw->len) == 0)
				break;
		if (k == sc->nwords) {
			size_t cap = sc->nwords;

			if (bk__grow(&sc->words, &cap, sc->nwords, sizeof *sc->words) != BK_OK)
				return false;
			uint32_t three = (uint32_t)(unsigned char)cw->lower[0] << 16 |
			    (uint32_t)(unsigned char)cw->lower[1] << 8 | (unsigned char)cw->lower[2];
			uint32_t h = gram_hash(three);
			uint32_t b = h >> (GRAM_BITS - BUCKET_BITS);

			sc->words[k] = (struct ctx_word){ cw->lower, cw->len, h, sc->bucket[b], NULL, 0, 0 };
			sc->bucket[b] = (int32_t)k;
			sc->gram[h >> 3] |= (uint8_t)(1u << (h & 7));
			sc->nwords++;
		}
		rw[w] = (uint32_t)k;
		struct ctx_word *x = &sc->words[k];
		if (x->nrules == 0 || x->rules[x->nrules - 1] != i) {
			if (bk__grow(&x->rules, &x->rulecap, x->nrules, sizeof *x->rules) != BK_OK)
				return false;
			x->rules[x->nrules++] = (uint32_t)i;
		}
	}
	return true;
}

/* Finds every indexed word in T, once per line. */
static bool
index_line(bk_scanner *sc, const char *t, size_t n)
{
	const unsigned char *p = (const unsigned char *)t;
	uint32_t three = 0;

	sc->indexed = true;
	sc->nocc = 0;
	memset(sc->present, 0, sc->nrules * sizeof *sc->present);
	for (size_t r = 0; r < sc->nrules; r++) {
		if (!sc->has_short[r])
			continue;
		for (size_t w = 0; w < sc->rules[r]->ncontext && !sc->present[r]; w++) {
			const struct bk__context_word *cw = &sc->rules[r]->context[w];

			sc->present[r] = cw->len < 3 && contains_ci(t, n, cw->lower, cw->len);
		}
	}
	if (sc->nwords == 0 || n < 3)
		return true;
	three = (uint32_t)(unsigned char)bk__lower((char)p[0]) << 8 | (unsigned char)bk__lower((char)p[1]);
	for (size_t i = 2; i < n; i++) {
		three = (three << 8 | (unsigned char)bk__lower((char)p[i])) & 0xffffff;
		uint32_t h = gram_hash(three);

		if (!(sc->gram[h >> 3] & (1u << (h & 7))))
			continue;
		size_t at = i - 2;
		for (int32_t w = sc->bucket[h >> (GRAM_BITS - BUCKET_BITS)]; w >= 0;
		    w = sc->words[w].next) {
			const struct ctx_word *cw = &sc->words[w];
			size_t j = 3;

			if (cw->hash != h || at + cw->len > n)
				continue;
			while (j < cw->len && (unsigned char)bk__lower(t[at + j]) == (unsigned char)cw->lower[j])
				j++;
			if (j < cw->len || (unsigned char)bk__lower(t[at]) != (unsigned char)cw->lower[0] ||
			    (unsigned char)bk__lower(t[at + 1]) != (unsigned char)cw->lower[1] ||
			    (unsigned char)bk__lower(t[at + 2]) != (unsigned char)cw->lower[2])
				continue;
			if (bk__grow(&sc->occ, &sc->occcap, sc->nocc, sizeof *sc->occ) != BK_OK)
				return false;
			sc->occ[sc->nocc++] = (struct occurrence){ (uint32_t)w, (uint32_t)at };
			for (size_t k = 0; k < cw->nrules; k++)
				sc->present[cw->rules[k]] = true;
		}
	}
	return true;
}

/* Where a context word must lie relative to [FROM, TO). */
enum placement {
	OVERLAPS,	/* any part of it inside */
	ENDS_IN,	/* its end inside: (FROM, TO] */
	STARTS_IN,	/* its start inside: [FROM, TO) */
};

static bool
placed(size_t pos, size_t len, size_t from, size_t to, enum placement where)
{
	switch (where) {
	case OVERLAPS:
		return pos + len > from && pos < to;
	case ENDS_IN:
		return pos + len > from && pos + len <= to;
	case STARTS_IN:
		return pos >= from && pos < to;
	}
	return false;
}

/*
 * A context word of rule I placed WHERE relative to [FROM, TO) of T: from the
 * line's occurrences for indexed words, by a direct search for short ones.
 * NULL if none.
 */
static const char *
find_context(bk_scanner *sc, size_t i, const char *t, size_t n, size_t from, size_t to,
    enum placement where)
{
	const bk_rule *r = sc->rules[i];

	if (sc->no_context)
		return NULL;
	if (!sc->indexed && !index_line(sc, t, n))
		return NULL;	/* out of memory: as if no context, never a crash */
	for (size_t w = 0; w < r->ncontext; w++) {
		const struct bk__context_word *cw = &r->context[w];
		uint32_t id = sc->rule_words[i][w];

		if (id == UINT32_MAX) {
			/* Widen the searched range so a placed word lies wholly inside it. */
			size_t a = where == STARTS_IN ? from : from > cw->len - 1 ? from - (cw->len - 1) : 0;
			size_t b = where == ENDS_IN ? to : to + cw->len - 1 < n ? to + cw->len - 1 : n;

			if (b > a && contains_ci(t + a, b - a, cw->lower, cw->len))
				return cw->word;
			continue;
		}
		for (size_t k = 0; k < sc->nocc; k++)
			if (sc->occ[k].word == id && placed(sc->occ[k].pos, cw->len, from, to, where))
				return cw->word;
	}
	return NULL;
}

/* Splits rule I's literal trigger into its alternatives. */
static bool
split_literals(bk_scanner *sc, size_t i)
{
	const bk_rule *r = sc->rules[i];
	struct literals *l = &sc->lits[i];
	size_t n = 1;

	if (r->trigger.kind != BK_TRIGGER_LITERAL)
		return true;
	for (size_t k = 0; k < r->trigger.len; k++)
		n += r->trigger.literal[k] == '|';
	l->ascii = true;
	l->buf = bk__dup_bytes(r->trigger.literal, r->trigger.len);
	l->alt = calloc(n, sizeof *l->alt);
	l->len = calloc(n, sizeof *l->len);
	if (l->buf == NULL || l->alt == NULL || l->len == NULL)
		return false;
	for (char *p = l->buf, *bar;; p = bar + 1) {
		bar = strchr(p, '|');
		if (bar != NULL)
			*bar = '\0';
		if (*p != '\0') {
			l->alt[l->n] = p;
			l->len[l->n++] = strlen(p);
		}
		for (const char *q = p; *q != '\0'; q++)
			l->ascii = l->ascii && (unsigned char)*q < 0x80;
		if (bar == NULL)
			break;
	}
	return true;
}

/* ---- setup -------------------------------------------------------------- */

/* The highest confidence RULE can give: with context if it has any. */
static enum bk_confidence
best_confidence(const bk_rule *r)
{
	if (r->ncontext > 0 && r->context_confidence > r->confidence)
		return r->context_confidence;
	return r->require_context ? r->context_confidence : r->confidence;
}

bk_scanner *
bk_scanner_new(const bk_ruleset *rs, enum bk_confidence min)
{
	return bk__scanner_new_subset(rs, min, NULL);
}

bk_scanner *
bk__scanner_new_subset(const bk_ruleset *rs, enum bk_confidence min, const bool *use)
{
	bk_scanner *sc = calloc(1, sizeof *sc);
	size_t n = bk_ruleset_count(rs);

	if (sc == NULL)
		return NULL;
	sc->min = min;
	pair_tables(sc);
	sc->rules = calloc(n > 0 ? n : 1, sizeof *sc->rules);
	sc->needs_ctx = calloc(n > 0 ? n : 1, sizeof *sc->needs_ctx);
	sc->rule_words = calloc(n > 0 ? n : 1, sizeof *sc->rule_words);
	sc->present = calloc(n > 0 ? n : 1, sizeof *sc->present);
	sc->lits = calloc(n > 0 ? n : 1, sizeof *sc->lits);
	sc->rule_set = calloc(n > 0 ? n : 1, sizeof *sc->rule_set);
	sc->has_short = calloc(n > 0 ? n : 1, sizeof *sc->has_short);
	memset(sc->bucket, 0xff, sizeof sc->bucket);
	sc->hdr_ctx = calloc(n > 0 ? n : 1, sizeof *sc->hdr_ctx);
	sc->margin = calloc(n > 0 ? n : 1, sizeof *sc->margin);
	sc->first = calloc(n > 0 ? n : 1, sizeof *sc->first);
	sc->ctx_maxlen = calloc(n > 0 ? n : 1, sizeof *sc->ctx_maxlen);
	sc->wpairs = calloc(n > 0 ? n : 1, sizeof *sc->wpairs);
	sc->maybe = calloc(n > 0 ? n : 1, sizeof *sc->maybe);
	sc->key_rules = calloc(1u << PAIR_BITS, sizeof *sc->key_rules);
	sc->norm = bk_norm_new();
	sc->md = pcre2_match_data_create(bk__ruleset_max_captures(rs) + 1, NULL);
	if (sc->rules == NULL || sc->needs_ctx == NULL || sc->hdr_ctx == NULL ||
	    sc->rule_words == NULL || sc->present == NULL || sc->has_short == NULL || sc->lits == NULL ||
	    sc->rule_set == NULL || sc->margin == NULL || sc->first == NULL || sc->ctx_maxlen == NULL ||
	    sc->wpairs == NULL || sc->maybe == NULL || sc->key_rules == NULL ||
	    sc->norm == NULL ||
	    sc->md == NULL ||
	    bk__matcher_init(&sc->matcher) != BK_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const bk_rule *r = bk_ruleset_rule(rs, i);

		/* A rule that cannot reach the minimum costs nothing: it is never run. */
		if (best_confidence(r) < min || (use != NULL && !use[i]))
			continue;
		/*
		 * A rule that reaches the minimum only with context (a bare
		 * 12-digit number, a name) first looks for a context word near a
		 * candidate, which is far cheaper than running its pattern.
		 */
		sc->needs_ctx[sc->nrules] = r->require_context || r->confidence < min;
		sc->rule_words[sc->nrules] = calloc(r->ncontext > 0 ? r->ncontext : 1, sizeof(uint32_t));
		sc->rules[sc->nrules++] = r;	/* counted now, so a failure frees it */
		/* The longest match bounds how far from its trigger the pattern is tried. */
		sc->margin[sc->nrules - 1] = r->reach > 0 && r->reach < DIGIT_MARGIN ? r->reach : DIGIT_MARGIN;
		sc->wpairs[sc->nrules - 1] = calloc(r->ncontext > 0 ? r->ncontext : 1, sizeof **sc->wpairs);
		if (sc->wpairs[sc->nrules - 1] == NULL)
			goto fail;
		for (size_t w = 0; w < r->ncontext; w++) {
			unsigned char c = (unsigned char)r->context[w].lower[0];

			struct word_pairs *wp = &sc->wpairs[sc->nrules - 1][w];

			word_pairs_of(sc, &r->context[w], wp);
			if (wp->n > 0)
				sc->key_rules[wp->pair[0]] |= UINT64_C(1) << ((sc->nrules - 1) & 63);
			else
				sc->short_rules |= UINT64_C(1) << ((sc->nrules - 1) & 63);
			sc->first[sc->nrules - 1][c >> 3] |= (uint8_t)(1u << (c & 7));
			if (r->context[w].len > sc->ctx_maxlen[sc->nrules - 1])
				sc->ctx_maxlen[sc->nrules - 1] = r->context[w].len;
		}
		if (sc->rule_words[sc->nrules - 1] == NULL ||
		    !index_words(sc, sc->nrules - 1, sc->rule_words[sc->nrules - 1]) ||
		    !split_literals(sc, sc->nrules - 1))
			goto fail;
		if (r->trigger.kind == BK_TRIGGER_DIGITS) {
			unsigned seps = r->trigger.seps != 0 ? r->trigger.seps : BK__SEP_ALL;
			unsigned need = r->trigger.digits > 0 ? r->trigger.digits : 1;
			size_t k;

			for (k = 0; k < sc->nsets && sc->sets[k].seps != seps; k++)
				;
			if (k == sc->nsets)	/* at most 16 sets exist: 4 separators */
				sc->sets[sc->nsets++] = (struct spanset){ .seps = seps, .min_digits = need };
			if (need < sc->sets[k].min_digits)
				sc->sets[k].min_digits = need;
			sc->rule_set[sc->nrules - 1] = k;
		}
	}
	return sc;
fail:
	bk_scanner_free(sc);
	return NULL;
}

static void
free_columns(bk_scanner *sc)
{
	for (size_t i = 0; i < sc->ncols; i++)
		free(sc->cols[i].name);
	sc->ncols = 0;
}

void
bk_scanner_free(bk_scanner *sc)
{
	if (sc == NULL)
		return;
	free_columns(sc);
	free(sc->cols);
	bk__matcher_fini(&sc->matcher);
	pcre2_match_data_free(sc->md);
	bk_norm_free(sc->norm);
	for (size_t i = 0; i < sc->nrules; i++) {
		free(sc->rule_words[i]);
		if (sc->wpairs != NULL)
			free(sc->wpairs[i]);
		if (sc->lits != NULL) {
			free(sc->lits[i].buf);
			free(sc->lits[i].alt);
			free(sc->lits[i].len);
		}
	}
	free(sc->lits);
	free(sc->rule_words);
	for (size_t k = 0; k < sc->nwords; k++)
		free(sc->words[k].rules);
	free(sc->words);
	free(sc->present);
	free(sc->has_short);
	free(sc->occ);
	free(sc->rules);
	free(sc->needs_ctx);
	free(sc->hdr_ctx);
	for (size_t k = 0; k < sc->nsets; k++)
		free(sc->sets[k].spans);
	free(sc->rule_set);
	free(sc->groups);
	free(sc->margin);
	free(sc->first);
	free(sc->ctx_maxlen);
	free(sc->wpairs);
	free(sc->maybe);
	free(sc->key_rules);
	free(sc->wins);
	free(sc->hits);
	free(sc->limited);
	free(sc);
}

void
bk__scanner_no_context(bk_scanner *sc, bool on)
{
	sc->no_context = on;
}

const bk_rule *const *
bk_scanner_limited(const bk_scanner *sc, size_t *n)
{
	*n = sc->nlimited;
	return sc->limited;
}

/* ---- delimited files ---------------------------------------------------- */

static const char *column_context(const bk_rule *r, const struct column *c);

/*
 * Walks the fields of LINE up to offset AT (quote-aware, RFC 4180) and
 * returns the index of the field AT is in.
 */
static size_t
column_of(const char *line, size_t at, char delim)
{
	size_t col = 0;
	bool quoted = false;

	for (size_t i = 0; i < at; i++) {
		if (line[i] == '"')
			quoted = !quoted;
		else if (line[i] == delim && !quoted)
			col++;
	}
	return col;
}

int
bk_scanner_set_header(bk_scanner *sc, const char *header, size_t len, char delim)
{
	size_t start = 0;
	bool quoted = false;

	free_columns(sc);
	memset(sc->hdr_ctx, 0, sc->nrules * sizeof *sc->hdr_ctx);
	if (header == NULL)
		return BK_OK;
	sc->delim = delim;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && header[i] == '"') {
			quoted = !quoted;
			continue;
		}
		if (i < len && (header[i] != delim || quoted))
			continue;
		if (bk__grow(&sc->cols, &sc->colcap, sc->ncols + 1, sizeof *sc->cols))
			return BK_NOMEM;
		struct column *c = &sc->cols[sc->ncols];
		const char *f = header + start;

		c->rules = 0;
		size_t n = i - start;

		/* Header names match context words folded and lowercased, quotes stripped. */
		if (n >= 2 && f[0] == '"' && f[n - 1] == '"')
			f++, n -= 2;
		const char *folded;
		size_t flen;
		if (bk_norm_fold(sc->norm, f, n, &folded, &flen) != BK_OK)
			return BK_NOMEM;
		if ((c->name = malloc(flen + 1)) == NULL)
			return BK_NOMEM;
		for (size_t k = 0; k < flen; k++)
			c->name[k] = (char)bk__lower((char)folded[k]);
		c->name[flen] = '\0';
		c->len = flen;
		sc->ncols++;
		start = i + 1;
	}
	for (size_t r = 0; r < sc->nrules; r++)
		for (size_t k = 0; k < sc->ncols; k++)
			if (column_context(sc->rules[r], &sc->cols[k]) != NULL) {
				sc->hdr_ctx[r] = true;
				sc->cols[k].rules |= UINT64_C(1) << (r & 63);
			}
	return BK_OK;
}

/* The context word of R that column C is named by, or NULL. */
static const char *
column_context(const bk_rule *r, const struct column *c)
{
	for (size_t w = 0; w < r->ncontext; w++)
		if (contains_ci(c->name, c->len, r->context[w].lower, r->context[w].len))
			return r->context[w].word;
	return NULL;
}

/* The context word of R that the CSV column at ORIGIN (in LINE) is named by. */
static const char *
header_context(const bk_scanner *sc, const bk_rule *r, const char *line, size_t origin)
{
	size_t col;

	if (sc->ncols == 0)
		return NULL;
	col = column_of(line, origin, sc->delim);
	if (col >= sc->ncols)
		return NULL;
	return column_context(r, &sc->cols[col]);
}

/* ---- candidates --------------------------------------------------------- */

/*
 * Collects the digit groups of T, once per line: every separator set's runs
 * are then made of whole groups, so the bytes are looked at once however
 * many sets the rules use.
 */
static bool
find_groups(bk_scanner *sc, const char *t, size_t n)
{
	const unsigned char *p = (const unsigned char *)t;
	size_t i = 0;

	sc->ngroups = 0;
	for (;;) {
		/* Skip a word at a time while no byte of it is a digit. */
		for (; i + 8 <= n; i += 8) {
			uint64_t w, lo, hi;

			memcpy(&w, p + i, 8);
			/* Bytes 0x30..0x39: >= 0x30 and < 0x3a, high bit clear. */
			lo = (w | UINT64_C(0x8080808080808080)) - UINT64_C(0x3030303030303030);
			hi = (w | UINT64_C(0x8080808080808080)) - UINT64_C(0x3a3a3a3a3a3a3a3a);
			if ((lo & ~hi & ~w & UINT64_C(0x8080808080808080)) != 0)
				break;
		}
		while (i < n && !bk__is_digit((char)p[i]))
			i++;
		if (i >= n)
			return true;
		size_t start = i;

		while (i < n && bk__is_digit((char)p[i]))
			i++;
		if (bk__grow(&sc->groups, &sc->groupcap, sc->ngroups, sizeof *sc->groups))
			return false;
		if (sc->ngroups > 0 && sc->groups[sc->ngroups - 1].end + 1 == start)
			sc->groups[sc->ngroups - 1].join = sep_bit(p[start - 1]);
		sc->groups[sc->ngroups++] = (struct group){ start, i, 0 };
	}
}

/*
 * The runs of S: consecutive groups joined where one separator of S->seps
 * lies between them, kept when they hold at least S->min_digits digits:
 * the shape the digits triggers promise (rules-private.h).
 */
static bool
find_spans(bk_scanner *sc, struct spanset *set)
{
	const struct group *g = sc->groups;
	size_t a = 0;

	set->nspans = 0;
	while (a < sc->ngroups) {
		size_t b = a;
		unsigned digits = (unsigned)(g[a].end - g[a].start);

		while (g[b].join & set->seps) {
			b++;
			digits += (unsigned)(g[b].end - g[b].start);
		}
		if (digits >= set->min_digits) {
			if (bk__grow(&set->spans, &set->spancap, set->nspans, sizeof *set->spans))
				return false;
			set->spans[set->nspans++] = (struct span){ g[a].start, g[b].end, digits, a, b - a + 1 };
		}
		a = b + 1;
	}
	return true;
}

/* Adds [A, B) to the windows, merging with the last one when it follows and touches it. */
static bool
add_window(bk_scanner *sc, size_t a, size_t b)
{
	if (sc->nwins > 0 && a >= sc->wins[sc->nwins - 1].start && a <= sc->wins[sc->nwins - 1].end) {
		if (b > sc->wins[sc->nwins - 1].end)
			sc->wins[sc->nwins - 1].end = b;
		return true;
	}
	if (bk__grow(&sc->wins, &sc->wincap, sc->nwins + 1, sizeof *sc->wins))
		return false;
	sc->wins[sc->nwins++] = (struct window){ a, b };
	return true;
}

/*
 * Whether a context word of rule I overlaps [FROM, TO) of T, by trying every
 * place one could start. Around one candidate the range is a few dozen
 * bytes, and this costs less than indexing the whole line would.
 */
static bool
context_in(const bk_scanner *sc, size_t i, const char *t, size_t n, size_t from, size_t to)
{
	const bk_rule *r = sc->rules[i];
	const uint8_t *first = sc->first[i];
	size_t p = from >= sc->ctx_maxlen[i] ? from - sc->ctx_maxlen[i] + 1 : 0;

	if (to > n)
		to = n;
	for (; p < to; p++) {
		unsigned char c = (unsigned char)bk__lower(t[p]);

		if (!(first[c >> 3] & (1u << (c & 7))))
			continue;
		for (size_t w = 0; w < r->ncontext; w++) {
			const struct bk__context_word *cw = &r->context[w];
			size_t j = 1;

			if ((unsigned char)cw->lower[0] != c || p + cw->len > n || p + cw->len <= from)
				continue;
			while (j < cw->len && (unsigned char)bk__lower(t[p + j]) == (unsigned char)cw->lower[j])
				j++;
			if (j == cw->len)
				return true;
		}
	}
	return false;
}

/*
 * Whether a context word of rule I occurs in T around [A, B), as far out as
 * a context word of a value there may be: the rule's distance in characters
 * beyond the margin the value itself may lie from the trigger.
 */
static bool
context_around(bk_scanner *sc, size_t i, const char *t, size_t n, size_t a, size_t b,
    size_t margin)
{
	const bk_rule *r = sc->rules[i];
	size_t from, to;

	if (sc->no_context)
		return false;
	from = back_chars(t, a > margin ? a - margin : 0, r->distance);
	to = fwd_chars(t, n, b + margin < n ? b + margin : n, r->distance);
	if (sc->indexed)
		return find_context(sc, i, t, n, from, to, OVERLAPS) != NULL;
	return context_in(sc, i, t, n, from, to);
}

/*
 * LIT in H[0, N): memchr for its first byte, then a comparison. For the
 * short needles of triggers this beats memmem, which sets up a two-way
 * search on every call.
 */
static const char *
find_literal(const char *h, size_t n, const char *lit, size_t len)
{
	const char *end = h + n;

	if (len == 0 || len > n)
		return NULL;
	end -= len - 1;
	for (const char *p = h; p < end; p++) {
		p = memchr(p, lit[0], (size_t)(end - p));
		if (p == NULL)
			return NULL;
		if (memcmp(p + 1, lit + 1, len - 1) == 0)
			return p;
	}
	return NULL;
}

/* Whether T holds a byte >= 0x80, found a word at a time and remembered for the line. */
static bool
line_has_high(bk_scanner *sc, const char *t, size_t n)
{
	size_t i = 0;

	if (sc->high >= 0)
		return sc->high;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, t + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			return (sc->high = 1);
	}
	for (; i < n; i++)
		if ((unsigned char)t[i] >= 0x80)
			return (sc->high = 1);
	return (sc->high = 0);
}

static int
window_cmp(const void *a, const void *b)
{
	const struct window *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Orders the windows and merges those that touch. */
static void
sort_windows(bk_scanner *sc)
{
	size_t o = 0;

	qsort(sc->wins, sc->nwins, sizeof *sc->wins, window_cmp);
	for (size_t i = 1; i < sc->nwins; i++) {
		if (sc->wins[i].start <= sc->wins[o].end) {
			if (sc->wins[i].end > sc->wins[o].end)
				sc->wins[o].end = sc->wins[i].end;
		} else {
			sc->wins[++o] = sc->wins[i];
		}
	}
	sc->nwins = o + 1;
}

/* Whether a run at T[AT] starts with a digit, and after a byte, that trigger T allows. */
static inline bool
starts_well(const struct bk__trigger *tr, const char *t, size_t at)
{
	unsigned char d = (unsigned char)t[at] - '0', b = at > 0 ? (unsigned char)t[at - 1] : 0;

	if (tr->first != 0 && !(tr->first >> d & 1))
		return false;
	return !tr->has_after || (at > 0 && (tr->after[b >> 3] >> (b & 7) & 1));
}

/*
 * A candidate [A, B) of rule I: a window MARGIN bytes around it, unless the
 * rule needs context (CHECK_CTX) and none is within its distance. The
 * window always reaches as far as the rule's longest match.
 */
static bool
candidate(bk_scanner *sc, size_t i, const char *t, size_t n, size_t a, size_t b, size_t margin,
    bool check_ctx)
{
	size_t reach = sc->margin[i];

	if (check_ctx && !context_around(sc, i, t, n, a, b, margin))
		return true;
	return add_window(sc, a > reach ? a - reach : 0, b + reach < n ? b + reach : n);
}

/* The offset in the folded text of the byte at ORIGIN of the line: the first that maps there. */
static size_t
folded_at(const bk_scanner *sc, size_t origin, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bk_norm_origin(sc->norm, mid) < origin)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Windows over the cells of the columns whose header is a context word of
 * rule I: with no context word in the line, a value anywhere else could not
 * be reported, and a value does not run on into the next cell.
 */
static bool
header_windows(bk_scanner *sc, size_t i, size_t n)
{
	const char *line = sc->line;
	size_t col = 0, start = 0;
	bool quoted = false;

	for (size_t k = 0; k <= sc->line_len && col < sc->ncols; k++) {
		if (k < sc->line_len && line[k] == '"') {
			quoted = !quoted;
			continue;
		}
		if (k < sc->line_len && (line[k] != sc->delim || quoted))
			continue;
		if (sc->cols[col].rules >> (i & 63) & 1) {
			size_t a = folded_at(sc, start, n), b = folded_at(sc, k, n);

			if (!add_window(sc, a, b))
				return false;
		}
		col++;
		start = k + 1;
	}
	return true;
}

/* The window of a rule whose trigger is the line itself: all of it, or its header's cells. */
static bool
whole_line(bk_scanner *sc, size_t i, const char *t, size_t n, bool check_ctx)
{
	if (check_ctx && find_context(sc, i, t, n, 0, n, OVERLAPS) == NULL)
		return true;
	/* Only a header can give context here: only its columns are worth trying. */
	if (sc->needs_ctx[i] && sc->hdr_ctx[i] && !maybe_context(sc, i, t, n))
		return header_windows(sc, i, n);
	return add_window(sc, 0, n);
}

/* Where rule I's pattern is worth trying in T, as merged windows. */
static bool
windows_for(bk_scanner *sc, size_t i_rule, const char *t, size_t n)
{
	const bk_rule *r = sc->rules[i_rule];
	/* Without context in reach there is nothing this rule may report. */
	bool check_ctx = sc->needs_ctx[i_rule] && !sc->hdr_ctx[i_rule];
	size_t margin = sc->margin[i_rule];

	sc->nwins = 0;
	/* Digits and literals ask once they have a candidate: most lines have none. */
	if (check_ctx && r->trigger.kind != BK_TRIGGER_DIGITS && r->trigger.kind != BK_TRIGGER_LITERAL &&
	    !maybe_context(sc, i_rule, t, n))
		return true;	/* no context word can be in the line */
	if (check_ctx && (r->trigger.kind == BK_TRIGGER_ALWAYS || r->trigger.kind == BK_TRIGGER_NONASCII)) {
		if (sc->no_context)
			return true;
		if (!sc->indexed && !index_line(sc, t, n))
			return false;
		if (!sc->present[i_rule])
			return true;	/* no context word anywhere in the line */
	}
	switch (r->trigger.kind) {
	case BK_TRIGGER_DIGITS: {
		struct spanset *set = &sc->sets[sc->rule_set[i_rule]];
		unsigned min = r->trigger.digits, max = r->trigger.max_digits;

		if (check_ctx && !maybe_context(sc, i_rule, t, n))
			return true;
		if (!set->built) {
			if (!find_spans(sc, set))
				return false;
			set->built = true;
		}

		for (size_t i = 0; i < set->nspans; i++) {
			const struct span *s = &set->spans[i];

			if (s->digits < min)
				continue;
			if (!r->trigger.whole && (max == 0 || s->digits <= max) &&
			    r->trigger.first == 0 && !r->trigger.has_after) {
				if (!candidate(sc, i_rule, t, n, s->start, s->end, margin, check_ctx))
					return false;
				continue;
			}
			/*
			 * Runs of whole groups of the span with MIN..MAX digits. A
			 * match holding a run that starts at group A lies within
			 * the rule's reach of A, so without "whole" the first run
			 * from each A is all it takes; with it, each run is
			 * validated, up to BK__DIGITS_MAX digits when MAX is open.
			 */
			unsigned most = max > 0 ? max : r->trigger.whole ? BK__DIGITS_MAX : UINT_MAX;

			for (size_t a = s->g0; a < s->g0 + s->ng; a++) {
				unsigned digits = 0;

				for (size_t b = a; b < s->g0 + s->ng; b++) {
					size_t cs = sc->groups[a].start, ce = sc->groups[b].end;

					digits += (unsigned)(sc->groups[b].end - sc->groups[b].start);
					if (digits > most)
						break;
					if (digits < min)
						continue;
					if (!starts_well(&r->trigger, t, cs))
						break;	/* the same start for every B */
					if (r->trigger.whole && !r->validator->fn(t + cs, ce - cs))
						continue;
					if (!candidate(sc, i_rule, t, n, cs, ce,
					    r->trigger.whole ? 0 : margin, check_ctx))
						return false;
					if (!r->trigger.whole)
						break;
				}
			}
		}
		if (sc->nwins > 1)
			sort_windows(sc);
		return true;
	}
	case BK_TRIGGER_LITERAL:
		margin = r->reach > 0 && r->reach < LITERAL_MARGIN ? r->reach : LITERAL_MARGIN;
		/* A kanji literal cannot be in a line of ASCII. */
		if (!sc->lits[i_rule].ascii && !line_has_high(sc, t, n))
			return true;
		for (size_t k = 0; k < sc->lits[i_rule].n; k++) {
			const char *lit = sc->lits[i_rule].alt[k], *p = t, *end = t + n;
			size_t len = sc->lits[i_rule].len[k];

			while ((p = find_literal(p, (size_t)(end - p), lit, len)) != NULL) {
				size_t at = (size_t)(p - t);

				p += len;
				if (check_ctx && (!maybe_context(sc, i_rule, t, n) ||
				    !context_around(sc, i_rule, t, n, at, at + len, margin)))
					continue;
				if (!add_window(sc, at > margin ? at - margin : 0,
					at + len + margin < n ? at + len + margin : n))
					return false;
			}
		}
		/* Alternatives found out of order: put the windows in order, merged. */
		if (sc->lits[i_rule].n > 1 && sc->nwins > 1)
			sort_windows(sc);
		return true;
	case BK_TRIGGER_CONTEXT:
		if (!sc->hdr_ctx[i_rule] && !maybe_context(sc, i_rule, t, n))
			return true;
		if (sc->hdr_ctx[i_rule] || find_context(sc, i_rule, t, n, 0, n, OVERLAPS) != NULL)
			return add_window(sc, 0, n);
		return true;
	case BK_TRIGGER_NONASCII:
		if (!line_has_high(sc, t, n))
			return true;
		return whole_line(sc, i_rule, t, n, check_ctx);
	case BK_TRIGGER_ALWAYS:
		return whole_line(sc, i_rule, t, n, check_ctx);
	}
	return true;
}

/* ---- matching ----------------------------------------------------------- */

/*
 * The context word of rule I within its distance of the value [VS, VE) in
 * T: one that ends at most DISTANCE characters before the value, or starts
 * at most DISTANCE characters after it. The value itself does not count.
 */
static const char *
near_context(bk_scanner *sc, size_t i, const char *t, size_t n, size_t vs, size_t ve)
{
	const bk_rule *r = sc->rules[i];
	const char *w;
	size_t a, b;

	if (r->ncontext == 0)
		return NULL;
	a = back_chars(t, vs, r->distance);
	b = fwd_chars(t, n, ve, r->distance);
	w = find_context(sc, i, t, n, a, vs, ENDS_IN);
	return w != NULL ? w : find_context(sc, i, t, n, ve, b, STARTS_IN);
}

static void
note_limited(bk_scanner *sc, const bk_rule *r)
{
	for (size_t i = 0; i < sc->nlimited; i++)
		if (sc->limited[i] == r)
			return;
	if (bk__grow(&sc->limited, &sc->limcap, sc->nlimited + 1, sizeof *sc->limited) == BK_OK)
		sc->limited[sc->nlimited++] = r;
}

/* Judges one match of R: validator, context, confidence; keeps it as a hit. */
static bool
judge(bk_scanner *sc, const bk_rule *r, size_t order, const char *line, const char *t,
    size_t n, size_t vs, size_t ve)
{
	unsigned why = BK_WHY_PATTERN;
	const char *ctx;
	enum bk_confidence conf;

	if (ve <= vs)
		return true;
	if (r->validator != NULL) {
		if (!r->validator->fn(t + vs, ve - vs))
			return true;
		why |= BK_WHY_VALIDATOR;
	}
	ctx = near_context(sc, order, t, n, vs, ve);
	if (ctx != NULL) {
		why |= BK_WHY_CONTEXT;
	} else if ((ctx = header_context(sc, r, line, bk_norm_origin(sc->norm, vs))) != NULL) {
		why |= BK_WHY_HEADER;
	}
	if (ctx == NULL && r->require_context)
		return true;
	conf = ctx != NULL ? r->context_confidence : r->confidence;
	if (conf < sc->min)
		return true;
	if (bk__grow(&sc->hits, &sc->hitcap, sc->nhits + 1, sizeof *sc->hits))
		return false;
	sc->hits[sc->nhits++] = (struct hit){ r, order, vs, ve, conf, why, ctx };
	return true;
}

/* Runs R's pattern over window W of T. */
static bool
match_window(bk_scanner *sc, const bk_rule *r, size_t order, const char *line, const char *t,
    size_t n, const struct window *w)
{
	size_t end = w->end, off;

	/* Do not cut a number or word in two at the window's end. */
	while (end < n && (bk__is_digit(t[end]) || bk__is_alpha(t[end])))
		end++;
	off = char_start(t, w->start);
	while (off < end) {
		int rc = pcre2_match(r->code, (PCRE2_SPTR)t, end, off, 0, sc->md,
		    sc->matcher.mctx);

		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
		    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
			note_limited(sc, r);
			break;
		}
		if (rc < 0)
			break;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);
		size_t ms = ov[0], me = ov[1], vs = ms, ve = me;

		if (r->value_group > 0 && (uint32_t)rc > r->value_group &&
		    ov[2 * r->value_group] != PCRE2_UNSET) {
			vs = ov[2 * r->value_group];
			ve = ov[2 * r->value_group + 1];
		}
		if (!judge(sc, r, order, line, t, n, vs, ve))
			return false;
		off = me > ms ? me : fwd_chars(t, end, ms, 1);
	}
	return true;
}

/* ---- a line ------------------------------------------------------------- */

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->confidence != y->confidence)
		return x->confidence > y->confidence ? -1 : 1;
	if (x->rule->severity != y->rule->severity)
		return x->rule->severity > y->rule->severity ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

int
bk_scanner_line(bk_scanner *sc, const char *line, size_t len, bk_finding_fn fn, void *ctx)
{
	const char *t;
	size_t n;

	if (sc->nrules == 0)
		return BK_OK;
	sc->line = line;
	sc->line_len = len;
	if (bk_norm_fold(sc->norm, line, len, &t, &n) != BK_OK)
		return BK_NOMEM;
	if (!find_groups(sc, t, n))
		return BK_NOMEM;
	for (size_t k = 0; k < sc->nsets; k++)
		sc->sets[k].built = false;
	sc->indexed = false;	/* the context index is built when first asked */
	sc->paired = false;	/* and so are the pairs */
	sc->high = -1;
	sc->nhits = 0;
	for (size_t i = 0; i < sc->nrules; i++) {
		const bk_rule *r = sc->rules[i];

		if (r->trigger.kind == BK_TRIGGER_DIGITS && sc->ngroups == 0)
			continue;
		if (!windows_for(sc, i, t, n))
			return BK_NOMEM;
		for (size_t w = 0; w < sc->nwins; w++)
			if (!match_window(sc, r, i, line, t, n, &sc->wins[w]))
				return BK_NOMEM;
	}
	if (sc->nhits == 0)
		return BK_OK;
	qsort(sc->hits, sc->nhits, sizeof *sc->hits, hit_cmp);
	for (size_t i = 0; i < sc->nhits; i++) {
		const struct hit *h = &sc->hits[i];
		struct bk_finding f;
		int rc;

		/* The same bytes claimed twice (two windows, or two rules): the first is best. */
		if (i > 0 && h->start == sc->hits[i - 1].start && h->end == sc->hits[i - 1].end)
			continue;
		f.rule = h->rule;
		f.start = bk_norm_origin(sc->norm, h->start);
		f.end = bk_norm_origin(sc->norm, h->end);
		f.value = t + h->start;
		f.value_len = h->end - h->start;
		f.confidence = h->confidence;
		f.why = h->why;
		f.context = h->context;
		if ((rc = fn(ctx, &f)) != 0)
			return rc;
	}
	return BK_OK;
}
