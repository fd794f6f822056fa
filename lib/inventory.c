/*
 * inventory.c - column classification and distinct data subjects over the
 * rows of exports (see inventory.h).
 *
 * Each row is laid out as one tab-separated line in its table's column
 * order (tabs, line breaks and quotes inside values become spaces) and
 * scanned with the table's column names set as the scanner's CSV header,
 * so a column named 生年月日 or 氏名 gives its values the context those
 * rules need. Where that gives the same findings (no context word in the
 * row) the row is read cell by cell instead, each cell by only the rules
 * that may fire on it (inventory-cells.c). Findings are mapped back to
 * columns by offset.
 *
 * Work on a row has two halves: scanning it (pure: a scanner, the line, the
 * header) gives its findings (rule, column) and the hashes of its
 * identifiers; counting them touches the tables and the distinct counters,
 * in row order. With a worker thread (bk_inventory_set_threads) rows go in
 * batches, and the batches, not the stages, are split between the threads:
 * reading and counting a row costs a fraction of scanning it, so a worker
 * that only scanned would be the bottleneck while the caller's thread
 * waited. A full batch goes to the worker when fewer than two wait for
 * it, else the caller's thread scans it itself; batches are counted in the
 * order they were filled whoever scanned them (a kind's first appearance
 * decides where it is listed). Without a worker, each row is scanned and
 * counted at once. Nothing is allocated per row once the buffers have
 * grown.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash-private.h"
#include "inventory.h"
#include "inventory-private.h"
#include "rules-private.h"
#include "scan.h"
#include "util-private.h"

/* Subject tiers, strongest first; 0: the rule does not identify a person. */
enum { TIER_NONE, TIER_NATIONAL, TIER_PENSION, TIER_EMAIL, TIER_PHONE, TIER_NAME, TIER_DOB };

#define MAX_IDS 32		/* identifiers kept per row */
#define ID_BYTES 128		/* a canonical identifier is cut here */

struct icol {
	char *name;
	size_t len;
	uint64_t values;
	uint64_t *hits;		/* [rule]: values the rule found */
	uint64_t *stamp;	/* [rule]: the row that last counted a hit (one per value) */
};

struct itab {
	char *name;		/* NULL: the input is the table */
	struct icol *cols;
	size_t ncols, ccap;
	uint64_t rows, pii;
	uint64_t *kinds;	/* [rule] */
	bk_distinct *subjects;
	struct bk_inventory_column *out;
	struct bk_inventory_kind *kout;
};

struct skind {
	char *name;
	const char *seen;	/* the last pointer it was asked for by: no strcmp next time */
	bk_distinct *d;
};

struct ident {
	int tier;
	const char *kind;
	uint64_t kfnv;		/* FNV state after the kind and its NUL (see subject_hash) */
	char val[ID_BYTES];
	size_t len;
	uint64_t hash;		/* subject_hash, once computed */
};

/* A finding a row's scan hands to the counters: its rule and its column. */
struct rhit {
	uint32_t rule, col;
};

/* An identifier of a row for a kind's distinct counter. */
struct radd {
	const char *kind;
	uint64_t hash;
};

/* A row to scan: its table, its line (cells in column order, a tab between). */
struct rin {
	size_t tab, ncols;
	size_t line, len;	/* in the batch's bytes */
	size_t sizes;		/* its cell offsets, then lengths: 2 * ncols in the batch's sizes */
	uint64_t ver;		/* the version of the header it is read under */
	size_t hdr, hlen;	/* that header, on the first row read under it (hdr SIZE_MAX: none) */
};

/* What its scan found: hits and adds in the batch's arrays, and the subject. */
struct rout {
	size_t h0, nh, a0, na;
	bool subject;
	uint64_t shash;
	int rc;
};

/*
 * Rows on their way to a scanner: filled by the caller's thread, scanned
 * by the worker, applied to the counters by the caller again, in order.
 */
struct batch {
	struct rin *in;
	struct rout *out;
	size_t n, cap;
	char *bytes;
	size_t blen, bcap;
	size_t *sizes;
	size_t slen, scap;
	struct rhit *hits;
	size_t nh, hcap;
	struct radd *adds;
	size_t na, acap;
	bool done;		/* scanned: set under the mutex when the worker did it */
};

/* What scans rows: the caller's, and the worker's when there is one. */
struct rscan {
	const struct bk_inventory *inv;
	bk_scanner *sc;
	bk__cells *cells;	/* the same scan, cell by cell where it gives the same */
	uint64_t ver;		/* of the header the scanners have */
	struct batch *b;	/* where hits and adds go */
	const size_t *coff;
	size_t ncols;
	struct ident ids[MAX_IDS];
	size_t nids;
	bool named;		/* a name is among the ids */
	bool err;
};

/* Rows per batch, and bytes: a worker gets rows in batches this big. */
#define BATCH_ROWS 512
#define BATCH_BYTES ((size_t)4 << 20)
/*
 * Batches in the ring: one being filled, one the worker scans, one waiting
 * for it, and the caller's own, which may be scanned before the worker's
 * earlier ones are and wait to be counted after them. On a loaded machine
 * the worker may sit unscheduled for a while: the caller goes on scanning
 * until the ring is full (16 batches are about 2 MB for rows of a couple
 * of hundred bytes; a batch holds at most BATCH_BYTES of rows).
 */
#define NBATCH 16
/*
 * Batches that may wait for the worker. With one, the worker idles from
 * the moment it finishes until the caller, busy scanning a batch of its
 * own, fills the next; with two, one is still waiting then.
 */
#define TODO_MAX 2

struct bk_inventory {
	const bk_ruleset *rs;
	size_t nrules;
	const bk_rule **rules;
	int *tier;
	const char **kind;	/* [rule]: the subject kind of tiers 1-4 */
	uint64_t *kind_fnv;	/* [rule]: the FNV state after its kind (subject_hash) */
	uint64_t both_fnv;	/* the same for "name+date_of_birth" */
	/* The index of a rule by its address, open addressing: findings name rules by address. */
	const bk_rule **rmap;
	uint32_t *rmap_index;
	size_t rmap_mask;
	const bk_hasher *hasher;
	size_t exact_max;
	unsigned precision;

	struct itab *tabs;
	size_t ntabs, tcap;
	size_t *idmap;		/* export table id -> tabs index + 1 (0: none yet) */
	size_t idcap;
	size_t hdr_tab;		/* the table whose header hdr is; SIZE_MAX: none */
	uint64_t hdr_ver;	/* bumped whenever hdr changes */
	uint64_t sent_ver;	/* the last version a batched row carried */

	/* row scratch */
	char *line;
	size_t llen, lcap;
	size_t *coff;		/* [col]: where the column's cell starts in line */
	size_t *cmap;		/* [cell]: its column */
	const char **cval;
	size_t *cvlen;
	size_t scap;		/* of cmap */
	size_t ocap;		/* of coff, cval and cvlen */
	char *hdr;
	size_t hlen, hcap;
	uint64_t applied;	/* rows counted: a column counts a rule once per row */

	struct rscan mine;	/* scans on the caller's thread */
	struct batch one;	/* the caller's single row */

	/* the worker, when there is one */
	bool threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct rscan theirs;
	struct batch b[NBATCH];	/* a ring: scanned batches are counted from HEAD on */
	unsigned head;		/* the oldest batch not counted yet */
	unsigned pending;	/* batches handed on (to either thread), not counted yet */
	struct batch *todo[TODO_MAX];	/* handed to the worker, not taken yet, oldest first */
	unsigned ntodo;
	bool quit;

	bk_distinct *all;
	struct skind *skinds;
	size_t nsk, skcap;
	uint64_t total_tables, total_rows;
};

/* ---- rules to subject kinds ---------------------------------------------- */

static bool
has(const char *s, const char *w)
{
	return strstr(s, w) != NULL;
}

static void
classify_rule(const bk_rule *r, int *tier, const char **kind)
{
	const char *id = bk_rule_id(r), *cat = bk_rule_category(r);

	*tier = TIER_NONE;
	*kind = id;
	if (strcmp(cat, "national_id") == 0) {
		/* A company's number or an insurer's is not a person's. */
		if (has(id, "corporate") || has(id, "health_insurance"))
			return;
		if (has(id, "pension")) {
			*tier = TIER_PENSION;
			*kind = "jp.pension_number";
		} else {
			*tier = TIER_NATIONAL;
		}
	} else if (strcmp(cat, "contact") == 0) {
		if (has(id, "mail"))
			*tier = TIER_EMAIL, *kind = "email";
		else if (has(id, "phone"))
			*tier = TIER_PHONE, *kind = "phone";
	} else if (strcmp(cat, "name") == 0) {
		*tier = TIER_NAME;
	} else if (strcmp(cat, "date_of_birth") == 0) {
		*tier = TIER_DOB;
	}
}

#define BOTH_KIND "name+date_of_birth"

/*
 * The FNV-1a state after KIND and the NUL that ends it: the first half of
 * every subject_hash of the kind, worked out once instead of per value.
 */
static uint64_t
kind_fnv(const char *kind)
{
	uint64_t h = BK__FNV_BASIS;
	size_t kl = strlen(kind);

	for (size_t i = 0; i <= kl; i++)
		h = (h ^ (unsigned char)kind[i]) * BK__FNV_PRIME;
	return h;
}

/* Where rule R's address starts looking in the map of rules (MASK + 1 slots). */
static size_t
rule_slot(const bk_rule *r, size_t mask)
{
	return (size_t)(((uintptr_t)r >> 4) * UINT64_C(0x9e3779b97f4a7c15) >> 32) & mask;
}

static int
rscan_init(struct rscan *s, const bk_inventory *inv)
{
	s->inv = inv;
	s->sc = bk_scanner_new(inv->rs, BK_CONFIDENCE_MEDIUM);
	s->cells = bk__cells_new(inv->rs, BK_CONFIDENCE_MEDIUM);
	return s->sc == NULL || s->cells == NULL ? BK_NOMEM : BK_OK;
}

static void
rscan_fini(struct rscan *s)
{
	bk_scanner_free(s->sc);
	bk__cells_free(s->cells);
}

bk_inventory *
bk_inventory_new(const bk_ruleset *rs, size_t exact_max, unsigned precision)
{
	bk_inventory *inv = calloc(1, sizeof *inv);

	if (inv == NULL)
		return NULL;
	inv->rs = rs;
	inv->nrules = bk_ruleset_count(rs);
	inv->exact_max = exact_max;
	inv->precision = precision;
	inv->hdr_tab = SIZE_MAX;
	inv->rules = calloc(inv->nrules + 1, sizeof *inv->rules);
	inv->tier = calloc(inv->nrules + 1, sizeof *inv->tier);
	inv->kind = calloc(inv->nrules + 1, sizeof *inv->kind);
	inv->kind_fnv = calloc(inv->nrules + 1, sizeof *inv->kind_fnv);
	for (inv->rmap_mask = 15; inv->rmap_mask < 2 * inv->nrules; inv->rmap_mask = 2 * inv->rmap_mask + 1)
		;
	inv->rmap = calloc(inv->rmap_mask + 1, sizeof *inv->rmap);
	inv->rmap_index = calloc(inv->rmap_mask + 1, sizeof *inv->rmap_index);
	inv->all = bk_distinct_new(exact_max, precision);
	if (inv->rules == NULL || inv->tier == NULL || inv->kind == NULL || inv->all == NULL ||
	    inv->kind_fnv == NULL || inv->rmap == NULL || inv->rmap_index == NULL ||
	    rscan_init(&inv->mine, inv) != BK_OK) {
		bk_inventory_free(inv);
		return NULL;
	}
	for (size_t i = 0; i < inv->nrules; i++) {
		inv->rules[i] = bk_ruleset_rule(rs, i);
		classify_rule(inv->rules[i], &inv->tier[i], &inv->kind[i]);
		inv->kind_fnv[i] = kind_fnv(inv->kind[i]);
		size_t k = rule_slot(inv->rules[i], inv->rmap_mask);
		while (inv->rmap[k] != NULL)
			k = (k + 1) & inv->rmap_mask;
		inv->rmap[k] = inv->rules[i];
		inv->rmap_index[k] = (uint32_t)i;
	}
	inv->both_fnv = kind_fnv(BOTH_KIND);
	return inv;
}

static void
batch_fini(struct batch *b)
{
	free(b->in);
	free(b->out);
	free(b->bytes);
	free(b->sizes);
	free(b->hits);
	free(b->adds);
}

static int flush(bk_inventory *inv);

static void
free_table(struct itab *t)
{
	for (size_t c = 0; c < t->ncols; c++) {
		free(t->cols[c].name);
		free(t->cols[c].hits);
		free(t->cols[c].stamp);
	}
	free(t->cols);
	free(t->name);
	free(t->kinds);
	free(t->out);
	free(t->kout);
	bk_distinct_free(t->subjects);
}

void
bk_inventory_begin(bk_inventory *inv)
{
	/* An error of the last input's rows goes with them: bk_inventory_end reports it. */
	(void)flush(inv);
	for (size_t i = 0; i < inv->ntabs; i++)
		free_table(&inv->tabs[i]);
	inv->ntabs = 0;
	if (inv->idmap != NULL)
		memset(inv->idmap, 0, inv->idcap * sizeof *inv->idmap);
	inv->hdr_tab = SIZE_MAX;
}

void
bk_inventory_free(bk_inventory *inv)
{
	if (inv == NULL)
		return;
	bk_inventory_begin(inv);
	if (inv->threaded) {
		pthread_mutex_lock(&inv->mu);
		inv->quit = true;
		pthread_cond_broadcast(&inv->cv);
		pthread_mutex_unlock(&inv->mu);
		pthread_join(inv->thread, NULL);
		pthread_mutex_destroy(&inv->mu);
		pthread_cond_destroy(&inv->cv);
		rscan_fini(&inv->theirs);
	}
	rscan_fini(&inv->mine);
	batch_fini(&inv->one);
	for (size_t i = 0; i < NBATCH; i++)
		batch_fini(&inv->b[i]);
	free(inv->tabs);
	free(inv->idmap);
	free(inv->rules);
	free(inv->tier);
	free(inv->kind);
	free(inv->kind_fnv);
	free(inv->rmap);
	free(inv->rmap_index);
	free(inv->line);
	free(inv->coff);
	free(inv->cmap);
	free(inv->cval);
	free(inv->cvlen);
	free(inv->hdr);
	bk_distinct_free(inv->all);
	for (size_t i = 0; i < inv->nsk; i++) {
		free(inv->skinds[i].name);
		bk_distinct_free(inv->skinds[i].d);
	}
	free(inv->skinds);
	free(inv);
}

void
bk_inventory_set_hasher(bk_inventory *inv, const bk_hasher *h)
{
	inv->hasher = h;
}

/* ---- canonical identifiers ---------------------------------------------- */

/* Phone numbers as international digits: 090-1234-5678 and +81 90 1234 5678 agree. */
static size_t
canon_phone(const char *v, size_t n, char *out)
{
	size_t k = 0, i = 0;
	bool plus = false;

	while (i < n && v[i] == ' ')
		i++;
	plus = i < n && v[i] == '+';
	for (; i < n && k < ID_BYTES - 2; i++)
		if (bk__is_digit(v[i]))
			out[k++] = v[i];
	if (!plus && k >= 2 && out[0] == '0' && out[1] != '0') {
		memmove(out + 2, out + 1, k - 1);
		out[0] = '8', out[1] = '1';
		k++;
	}
	return k;
}

static size_t
digits_only(const char *v, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < ID_BYTES; i++)
		if (bk__is_digit(v[i]))
			out[k++] = v[i];
	return k;
}

/* V in decimal, zero-padded to WIDTH digits (as printf's %0*ld) at OUT; the length. */
static size_t
put_num(char *out, long v, int width)
{
	char tmp[24];
	int k = 0;

	do {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (k < width)
		tmp[k++] = '0';
	for (int i = 0; i < k; i++)
		out[i] = tmp[k - 1 - i];
	return (size_t)k;
}

/* Y, M and D as YYYYMMDD (wider fields stay whole, as printf would write them). */
static size_t
put_date(char *out, long y, long m, long d)
{
	size_t k = put_num(out, y, 4);

	k += put_num(out + k, m, 2);
	return k + put_num(out + k, d, 2);
}

/*
 * A date as YYYYMMDD: 1970-03-01, 1970/3/1, 1970年3月1日, 19700301, era
 * dates (昭和45年3月1日, S45.3.1, 平成元年1月8日); D/M/Y and M/D/Y keep their
 * order after the year (they cannot be told apart).
 */
static size_t
canon_date(const char *v, size_t n, char *out)
{
	static const struct { const char *name; char letter; int base; } eras[] = {
		{ "明治", 'M', 1867 }, { "大正", 'T', 1911 }, { "昭和", 'S', 1925 },
		{ "平成", 'H', 1988 }, { "令和", 'R', 2018 },
	};
	long num[3] = { 0, 0, 0 };
	int nn = 0, base = 0, ndig0 = 0;
	size_t i = 0;

	for (size_t e = 0; e < sizeof eras / sizeof eras[0]; e++) {
		size_t l = strlen(eras[e].name);

		if (n >= l && memcmp(v, eras[e].name, l) == 0) {
			base = eras[e].base, i = l;
			break;
		}
		if (n >= 2 && v[0] == eras[e].letter && bk__is_digit(v[1]) + (v[1] == ' ')) {
			base = eras[e].base, i = 1;
			break;
		}
	}
	for (; i < n && nn < 3; i++) {
		if (bk__is_digit(v[i])) {
			int d = 0;

			while (i < n && bk__is_digit(v[i]) && d < 8)
				num[nn] = num[nn] * 10 + (v[i++] - '0'), d++;
			if (nn == 0)
				ndig0 = d;
			nn++;
			i--;
		} else if (base != 0 && nn == 0 && n - i >= 3 && memcmp(v + i, "元", 3) == 0) {
			num[nn++] = 1;
			i += 2;
		}
	}
	if (nn == 1 && ndig0 == 8)
		return put_num(out, num[0], 8);
	if (nn < 3)
		return 0;
	if (base != 0)
		return put_date(out, base + num[0], num[1], num[2]);
	if (num[0] >= 1000)
		return put_date(out, num[0], num[1], num[2]);
	return put_date(out, num[2], num[0], num[1]);
}

/*
 * Whether bk_canonical keeps a byte of V's first N bytes as canon cuts them
 * (not all are separators): 1, else 0.
 */
static size_t
keeps_a_byte(const char *v, size_t n)
{
	if (n > ID_BYTES * 4)
		n = ID_BYTES * 4;
	for (size_t i = 0; i < n; i++)
		if (strchr(" -./()", v[i]) == NULL || v[i] == '\0')
			return 1;
	return 0;
}

static size_t
canon(int tier, const char *v, size_t n, char *out)
{
	char tmp[ID_BYTES * 4];

	switch (tier) {
	case TIER_PHONE:
		return canon_phone(v, n, out);
	case TIER_PENSION:
		return digits_only(v, n, out);
	case TIER_DOB:
		return canon_date(v, n, out);
	default:
		if (n > sizeof tmp)
			n = sizeof tmp;
		n = bk_canonical(v, n, tmp);
		if (n > ID_BYTES)
			n = ID_BYTES;
		memcpy(out, tmp, n);
		return n;
	}
}

/*
 * The 64-bit hash a distinct counter gets for identifier V of KIND, whose
 * kind_fnv is KFNV: FNV-1a over the kind, a NUL and the value, finished
 * (the counts of runs with and without threads, and of earlier versions,
 * depend on these exact values once a counter is a HyperLogLog).
 */
static uint64_t
subject_hash(const bk_inventory *inv, const char *kind, uint64_t kfnv, const char *v, size_t n)
{
	if (inv->hasher != NULL) {
		char hex[BK_HASH_HEX + 1];
		uint64_t h = 0;

		bk_hasher_hash(inv->hasher, kind, v, n, hex);
		for (int i = 0; i < 16; i++)
			h = h << 4 | (uint64_t)(hex[i] <= '9' ? hex[i] - '0' : hex[i] - 'a' + 10);
		return h;
	}
	uint64_t h = kfnv;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)v[i]) * BK__FNV_PRIME;
	return bk__hash_finish(h, strlen(kind) + 1 + n);
}

/* The counter of KIND when there is one already (no new one is made). */
static bk_distinct *
kind_known(const bk_inventory *inv, const char *kind)
{
	for (size_t i = 0; i < inv->nsk; i++)
		if (inv->skinds[i].seen == kind)
			return inv->skinds[i].d;
	return NULL;
}

static bk_distinct *
kind_counter(bk_inventory *inv, const char *kind)
{
	for (size_t i = 0; i < inv->nsk; i++)
		if (inv->skinds[i].seen == kind)
			return inv->skinds[i].d;
	for (size_t i = 0; i < inv->nsk; i++)
		if (strcmp(inv->skinds[i].name, kind) == 0) {
			inv->skinds[i].seen = kind;
			return inv->skinds[i].d;
		}
	if (bk__grow(&inv->skinds, &inv->skcap, inv->nsk, sizeof *inv->skinds) != BK_OK)
		return NULL;
	struct skind *s = &inv->skinds[inv->nsk];
	s->name = bk__dup_bytes(kind, strlen(kind));
	s->seen = kind;
	s->d = bk_distinct_new(inv->exact_max, inv->precision);
	if (s->name == NULL || s->d == NULL) {
		free(s->name);
		bk_distinct_free(s->d);
		return NULL;
	}
	inv->nsk++;
	return s->d;
}

/* ---- scanning a row ----------------------------------------------------- */

static size_t
rule_index(const bk_inventory *inv, const bk_rule *r)
{
	for (size_t k = rule_slot(r, inv->rmap_mask); inv->rmap[k] != NULL; k = (k + 1) & inv->rmap_mask)
		if (inv->rmap[k] == r)
			return inv->rmap_index[k];
	return SIZE_MAX;
}

/* A finding of the row: its rule and column for the counters, its identifier for the subject. */
static int
on_finding(void *ctx, const struct bk_finding *f)
{
	struct rscan *s = ctx;
	const bk_inventory *inv = s->inv;
	struct batch *b = s->b;
	size_t r = rule_index(inv, f->rule);

	if (r == SIZE_MAX)
		return 0;
	/* The column: the last cell starting at or before the finding. */
	size_t lo = 0, hi = s->ncols;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (s->coff[mid] <= f->start)
			lo = mid;
		else
			hi = mid;
	}
	if (bk__grow(&b->hits, &b->hcap, b->nh, sizeof *b->hits) != BK_OK) {
		s->err = true;
		return BK_NOMEM;
	}
	b->hits[b->nh++] = (struct rhit){ (uint32_t)r, (uint32_t)lo };
	if (inv->tier[r] != TIER_NONE && s->nids < MAX_IDS) {
		struct ident *id = &s->ids[s->nids];

		id->tier = inv->tier[r];
		id->kind = inv->kind[r];
		id->kfnv = inv->kind_fnv[r];
		/*
		 * Only a row's first name counts (subjects), but every one takes
		 * a place among the MAX_IDS: a later one is only checked to be
		 * non-empty once canonical (a byte bk_canonical keeps), not
		 * canonicalised.
		 */
		if (id->tier == TIER_NAME && s->named)
			id->len = keeps_a_byte(f->value, f->value_len);
		else
			id->len = canon(id->tier, f->value, f->value_len, id->val);
		if (id->len > 0) {
			s->named = s->named || id->tier == TIER_NAME;
			s->nids++;
		}
	}
	return 0;
}

static int
add_id(struct batch *b, const char *kind, uint64_t hash)
{
	if (bk__grow(&b->adds, &b->acap, b->na, sizeof *b->adds) != BK_OK)
		return BK_NOMEM;
	b->adds[b->na++] = (struct radd){ kind, hash };
	return BK_OK;
}

/* The row's identifiers per kind, and its subject by the strongest. */
static int
subjects(struct rscan *s, struct rout *out)
{
	const struct ident *best = NULL, *name = NULL, *dob = NULL;

	for (size_t i = 0; i < s->nids; i++) {
		struct ident *id = &s->ids[i];

		if (id->tier == TIER_NAME) {
			if (name == NULL)
				name = id;
			continue;
		}
		if (id->tier == TIER_DOB) {
			if (dob == NULL)
				dob = id;
			continue;
		}
		id->hash = subject_hash(s->inv, id->kind, id->kfnv, id->val, id->len);
		if (add_id(s->b, id->kind, id->hash) != BK_OK)
			return BK_NOMEM;
		if (best == NULL || id->tier < best->tier)
			best = id;
	}
	struct ident both;
	if (name != NULL && dob != NULL) {
		both.tier = TIER_NAME;
		both.kind = BOTH_KIND;
		both.kfnv = s->inv->both_fnv;
		/* "name|date", cut to the buffer as snprintf would. */
		size_t nl = name->len < 100 ? name->len : 100, dl = dob->len;

		memcpy(both.val, name->val, nl);
		both.val[nl] = '|';
		if (nl + 1 + dl > sizeof both.val - 1)
			dl = sizeof both.val - 1 - (nl + 1);
		memcpy(both.val + nl + 1, dob->val, dl);
		both.len = nl + 1 + dl;
		both.hash = subject_hash(s->inv, both.kind, both.kfnv, both.val, both.len);
		if (add_id(s->b, both.kind, both.hash) != BK_OK)
			return BK_NOMEM;
		if (best == NULL)
			best = &both;
	}
	if (best != NULL) {
		out->subject = true;
		out->shash = best->hash;
	}
	return BK_OK;
}

/*
 * Scans one row (LINE: NCOLS cells at COFF, CLEN bytes each) under header
 * version VER (HDR, HLEN: the header, needed when the version is new to S)
 * into OUT and S's batch.
 */
static void
scan_row(struct rscan *s, const char *line, size_t len, const size_t *coff, const size_t *clen,
    size_t ncols, uint64_t ver, const char *hdr, size_t hlen, struct rout *out)
{
	struct batch *b = s->b;
	int rc = BK_OK;

	*out = (struct rout){ .h0 = b->nh, .a0 = b->na };
	if (s->ver != ver) {
		if (bk_scanner_set_header(s->sc, hdr, hlen, '\t') != BK_OK ||
		    bk__cells_table(s->cells, hdr, hlen) != BK_OK) {
			out->rc = BK_NOMEM;
			return;
		}
		s->ver = ver;
	}
	s->coff = coff;
	s->ncols = ncols;
	s->nids = 0;
	s->named = false;
	s->err = false;
	bool whole;
	rc = bk__cells_row(s->cells, line, len, coff, clen, ncols, on_finding, s, &whole);
	if (rc == BK_OK && whole)
		rc = bk_scanner_line(s->sc, line, len, on_finding, s);
	if (rc == BK_OK)
		rc = subjects(s, out);
	out->nh = b->nh - out->h0;
	out->na = b->na - out->a0;
	out->rc = s->err ? BK_NOMEM : rc;
}

/* Counts what the scan of a row of table TAB found. */
static int
apply(bk_inventory *inv, size_t tab, const struct rout *out, const struct batch *b)
{
	struct itab *t = &inv->tabs[tab];
	bk_distinct *d;

	if (out->rc != BK_OK)
		return out->rc;
	inv->applied++;
	for (size_t k = 0; k < out->nh; k++) {
		const struct rhit *h = &b->hits[out->h0 + k];
		struct icol *c = &t->cols[h->col];

		t->kinds[h->rule]++;
		if (c->stamp[h->rule] != inv->applied) {
			c->stamp[h->rule] = inv->applied;
			c->hits[h->rule]++;
		}
	}
	if (out->nh > 0)
		t->pii++;
	for (size_t k = 0; k < out->na; k++) {
		const struct radd *a = &b->adds[out->a0 + k];

		if ((d = kind_counter(inv, a->kind)) == NULL || bk_distinct_add(d, a->hash) != BK_OK)
			return BK_NOMEM;
	}
	if (out->subject && (bk_distinct_add(t->subjects, out->shash) != BK_OK ||
	    bk_distinct_add(inv->all, out->shash) != BK_OK))
		return BK_NOMEM;
	return BK_OK;
}

/*
 * Fetches ahead the slots the counting of a row will touch: the distinct
 * counters are far larger than the caches until they turn into sketches.
 */
static void
prefetch(const bk_inventory *inv, size_t tab, const struct rout *out, const struct batch *b)
{
	const bk_distinct *d;

	if (out->rc != BK_OK)
		return;
	for (size_t k = 0; k < out->na; k++) {
		const struct radd *a = &b->adds[out->a0 + k];

		if ((d = kind_known(inv, a->kind)) != NULL)
			bk_distinct_prefetch(d, a->hash);
	}
	if (out->subject) {
		bk_distinct_prefetch(inv->tabs[tab].subjects, out->shash);
		bk_distinct_prefetch(inv->all, out->shash);
	}
}

/* Rows ahead of the one counted whose counters' slots are fetched. */
#define PREFETCH_ROWS 4

/* ---- the worker --------------------------------------------------------- */

static void
scan_batch(struct rscan *s, struct batch *b)
{
	s->b = b;
	b->nh = b->na = 0;
	for (size_t i = 0; i < b->n; i++) {
		const struct rin *in = &b->in[i];
		const size_t *sz = b->sizes + in->sizes;

		scan_row(s, b->bytes + in->line, in->len, sz, sz + in->ncols, in->ncols, in->ver,
		    in->hdr != SIZE_MAX ? b->bytes + in->hdr : NULL, in->hlen, &b->out[i]);
	}
}

static void *
worker(void *arg)
{
	bk_inventory *inv = arg;

	pthread_mutex_lock(&inv->mu);
	for (;;) {
		while (!inv->quit && inv->ntodo == 0)
			pthread_cond_wait(&inv->cv, &inv->mu);
		if (inv->ntodo == 0)
			break;
		struct batch *b = inv->todo[0];
		memmove(inv->todo, inv->todo + 1, --inv->ntodo * sizeof *inv->todo);
		pthread_mutex_unlock(&inv->mu);
		scan_batch(&inv->theirs, b);
		pthread_mutex_lock(&inv->mu);
		b->done = true;
		pthread_cond_broadcast(&inv->cv);
	}
	pthread_mutex_unlock(&inv->mu);
	return NULL;
}

/*
 * Counts the rows of the batches at the head of the ring that are scanned,
 * in order; with WAIT, waits for the oldest first (to free its place). The
 * first error.
 */
static int
land(bk_inventory *inv, bool wait)
{
	int rc = BK_OK;

	while (inv->pending > 0) {
		struct batch *b = &inv->b[inv->head];

		pthread_mutex_lock(&inv->mu);
		while (wait && !b->done)
			pthread_cond_wait(&inv->cv, &inv->mu);
		bool done = b->done;
		pthread_mutex_unlock(&inv->mu);
		if (!done)
			break;
		for (size_t i = 0; i < b->n; i++) {
			if (i + PREFETCH_ROWS < b->n)
				prefetch(inv, b->in[i + PREFETCH_ROWS].tab, &b->out[i + PREFETCH_ROWS], b);
			int r = apply(inv, b->in[i].tab, &b->out[i], b);

			if (rc == BK_OK)
				rc = r;
		}
		b->n = b->blen = b->slen = 0;
		inv->head = (inv->head + 1) % NBATCH;
		inv->pending--;
		wait = false;
	}
	return rc;
}

/*
 * Hands on the batch being filled: to the worker when fewer than TODO_MAX
 * wait for it, else scanned here and now. Then counts what is ready,
 * waiting when the ring is full.
 */
static int
launch(bk_inventory *inv)
{
	struct batch *b = &inv->b[(inv->head + inv->pending) % NBATCH];
	bool give;

	if (b->n == 0)
		return BK_OK;
	pthread_mutex_lock(&inv->mu);
	b->done = false;
	give = inv->ntodo < TODO_MAX;
	if (give) {
		inv->todo[inv->ntodo++] = b;
		pthread_cond_broadcast(&inv->cv);
	}
	pthread_mutex_unlock(&inv->mu);
	if (!give) {
		scan_batch(&inv->mine, b);
		b->done = true;	/* only this thread knows of it */
	}
	inv->pending++;
	inv->sent_ver = 0;	/* the next batch carries its header again */
	return land(inv, inv->pending == NBATCH);
}

/* Every row given so far counted. */
static int
flush(bk_inventory *inv)
{
	if (!inv->threaded)
		return BK_OK;
	int rc = launch(inv);

	while (inv->pending > 0) {
		int r = land(inv, true);

		if (rc == BK_OK)
			rc = r;
	}
	return rc;
}

int
bk_inventory_set_threads(bk_inventory *inv, unsigned n)
{
	if (n < 2 || inv->threaded)
		return BK_OK;
	if (rscan_init(&inv->theirs, inv) != BK_OK) {
		rscan_fini(&inv->theirs);
		memset(&inv->theirs, 0, sizeof inv->theirs);
		return BK_NOMEM;
	}
	if (pthread_mutex_init(&inv->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&inv->cv, NULL) != 0) {
		pthread_mutex_destroy(&inv->mu);
		goto fail;
	}
	if (pthread_create(&inv->thread, NULL, worker, inv) != 0) {
		pthread_cond_destroy(&inv->cv);
		pthread_mutex_destroy(&inv->mu);
		goto fail;
	}
	inv->threaded = true;
	return BK_OK;
fail:
	rscan_fini(&inv->theirs);
	memset(&inv->theirs, 0, sizeof inv->theirs);
	return BK_ERROR;
}

int
bk_inventory_end(bk_inventory *inv)
{
	return flush(inv);
}

/* Queues the row in inv->line for the worker. */
static int
queue(bk_inventory *inv, size_t tab, size_t ncols)
{
	struct batch *b = &inv->b[(inv->head + inv->pending) % NBATCH];
	/* Either thread may scan the batch: its first row carries the header. */
	bool newhdr = inv->sent_ver != inv->hdr_ver;
	size_t need = inv->llen + (newhdr ? inv->hlen : 0);
	int rc = BK_OK;

	if (bk__grow(&b->in, &b->cap, b->n, sizeof *b->in) != BK_OK)
		return BK_NOMEM;
	size_t cap = b->cap;
	struct rout *o = realloc(b->out, cap * sizeof *o);
	if (o == NULL)
		return BK_NOMEM;
	b->out = o;
	if (bk__grow(&b->bytes, &b->bcap, b->blen + need, 1) != BK_OK ||
	    bk__grow(&b->sizes, &b->scap, b->slen + 2 * ncols, sizeof *b->sizes) != BK_OK)
		return BK_NOMEM;
	struct rin *in = &b->in[b->n++];
	*in = (struct rin){ tab, ncols, b->blen, inv->llen, b->slen, inv->hdr_ver, SIZE_MAX, 0 };
	memcpy(b->bytes + b->blen, inv->line, inv->llen);
	b->blen += inv->llen;
	if (newhdr) {
		in->hdr = b->blen;
		in->hlen = inv->hlen;
		memcpy(b->bytes + b->blen, inv->hdr, inv->hlen);
		b->blen += inv->hlen;
		inv->sent_ver = inv->hdr_ver;
	}
	memcpy(b->sizes + b->slen, inv->coff, ncols * sizeof *b->sizes);
	memcpy(b->sizes + b->slen + ncols, inv->cvlen, ncols * sizeof *b->sizes);
	b->slen += 2 * ncols;
	if (b->n >= BATCH_ROWS || b->blen >= BATCH_BYTES)
		rc = launch(inv);
	return rc;
}

/* ---- rows ---------------------------------------------------------------- */

static struct itab *
table_for(bk_inventory *inv, const struct bk_export_row *row)
{
	unsigned id = row->table_id;

	size_t old = inv->idcap;

	if (bk__grow(&inv->idmap, &inv->idcap, id, sizeof *inv->idmap) != BK_OK)
		return NULL;
	if (inv->idcap > old)	/* bk__grow leaves the new part uninitialised */
		memset(inv->idmap + old, 0, (inv->idcap - old) * sizeof *inv->idmap);
	if (inv->idmap[id] != 0)
		return &inv->tabs[inv->idmap[id] - 1];
	if (bk__grow(&inv->tabs, &inv->tcap, inv->ntabs, sizeof *inv->tabs) != BK_OK)
		return NULL;
	struct itab *t = &inv->tabs[inv->ntabs];
	memset(t, 0, sizeof *t);
	t->kinds = calloc(inv->nrules + 1, sizeof *t->kinds);
	t->subjects = bk_distinct_new(inv->exact_max, inv->precision);
	if (row->table != NULL)
		t->name = bk__dup_bytes(row->table, row->table_len);
	if (t->kinds == NULL || t->subjects == NULL || (row->table != NULL && t->name == NULL)) {
		free_table(t);
		return NULL;
	}
	inv->ntabs++;
	inv->total_tables++;
	inv->idmap[id] = inv->ntabs;
	return t;
}

static int
add_column(bk_inventory *inv, struct itab *t, const char *name, size_t len)
{
	if (bk__grow(&t->cols, &t->ccap, t->ncols, sizeof *t->cols) != BK_OK)
		return BK_NOMEM;
	struct icol *c = &t->cols[t->ncols];
	memset(c, 0, sizeof *c);
	c->name = bk__dup_bytes(name, len);
	c->len = len;
	c->hits = calloc(inv->nrules + 1, sizeof *c->hits);
	c->stamp = calloc(inv->nrules + 1, sizeof *c->stamp);
	if (c->name == NULL || c->hits == NULL || c->stamp == NULL) {
		free(c->name);
		free(c->hits);
		free(c->stamp);
		return BK_NOMEM;
	}
	t->ncols++;
	return BK_OK;
}

/* Maps the row's cells to the table's columns (adding new ones) into inv->cmap. */
static int
map_columns(bk_inventory *inv, struct itab *t, const struct bk_export_row *row, bool *changed)
{
	bool same = t->ncols == row->ncols;

	for (size_t i = 0; same && i < row->ncols; i++)
		same = t->cols[i].len == row->name_lens[i] &&
		    memcmp(t->cols[i].name, row->names[i], row->name_lens[i]) == 0;
	for (size_t i = 0; i < row->ncols; i++) {
		if (same) {
			inv->cmap[i] = i;
			continue;
		}
		size_t c;
		for (c = 0; c < t->ncols; c++)
			if (t->cols[c].len == row->name_lens[i] &&
			    memcmp(t->cols[c].name, row->names[i], row->name_lens[i]) == 0)
				break;
		if (c == t->ncols) {
			if (add_column(inv, t, row->names[i], row->name_lens[i]) != BK_OK)
				return BK_NOMEM;
			*changed = true;
		}
		inv->cmap[i] = c;
	}
	return BK_OK;
}

/* Each byte as put_clean writes it: tabs, line breaks and quotes become spaces. */
static const unsigned char clean_byte[256] = {
#define C4(b) (b), (b) + 1, (b) + 2, (b) + 3
#define C16(b) C4(b), C4((b) + 4), C4((b) + 8), C4((b) + 12)
#define C64(b) C16(b), C16((b) + 16), C16((b) + 32), C16((b) + 48)
	0, 1, 2, 3, 4, 5, 6, 7, 8, ' ', ' ', 11, 12, ' ', 14, 15,
	C16(16), 32, 33, ' ', 35, C4(36), C4(40), C4(44),
	C16(48), C64(64), C64(128), C64(192)
#undef C64
#undef C16
#undef C4
};

#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

/*
 * Appends N bytes of P to the line with tabs, line breaks and quotes as
 * spaces. Cells seldom hold any, and all four are below '#': eight bytes
 * with none below it (the classic test for a byte less than N, exact for
 * N <= 128) are copied as they are.
 */
static void
put_clean(char *dst, const char *p, size_t n)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		if (((w - ONES * '#') & ~w & HIGHS) == 0) {
			memcpy(dst + i, &w, 8);
			continue;
		}
		for (size_t k = i; k < i + 8; k++)
			dst[k] = (char)clean_byte[(unsigned char)p[k]];
	}
	for (; i < n; i++)
		dst[i] = (char)clean_byte[(unsigned char)p[i]];
}

/* The table's column names as a tab-separated header for the scanners: a new version. */
static int
set_header(bk_inventory *inv, struct itab *t)
{
	size_t need = t->ncols + 1;

	for (size_t c = 0; c < t->ncols; c++)
		need += t->cols[c].len;
	if (bk__grow(&inv->hdr, &inv->hcap, need, 1) != BK_OK)
		return BK_NOMEM;
	size_t k = 0;
	for (size_t c = 0; c < t->ncols; c++) {
		if (c > 0)
			inv->hdr[k++] = '\t';
		put_clean(inv->hdr + k, t->cols[c].name, t->cols[c].len);
		k += t->cols[c].len;
	}
	inv->hlen = k;
	inv->hdr_ver++;
	return BK_OK;
}

int
bk_inventory_row(void *ctx, const struct bk_export_row *row)
{
	bk_inventory *inv = ctx;
	struct itab *t = table_for(inv, row);
	bool changed = false;

	if (t == NULL)
		return BK_NOMEM;
	size_t most = row->ncols + t->ncols + 1;
	if (bk__grow(&inv->cmap, &inv->scap, most, sizeof *inv->cmap) != BK_OK)
		return BK_NOMEM;
	/* The other per-cell arrays follow cmap's capacity, grown only when it is. */
	size_t cap = inv->scap;
	if (inv->ocap != cap) {
		size_t *co = realloc(inv->coff, cap * sizeof *co);
		if (co == NULL)
			return BK_NOMEM;
		inv->coff = co;
		const char **cv = realloc(inv->cval, cap * sizeof *cv);
		if (cv == NULL)
			return BK_NOMEM;
		inv->cval = cv;
		size_t *cl = realloc(inv->cvlen, cap * sizeof *cl);
		if (cl == NULL)
			return BK_NOMEM;
		inv->cvlen = cl;
		inv->ocap = cap;
	}
	if (map_columns(inv, t, row, &changed) != BK_OK)
		return BK_NOMEM;
	size_t ti = (size_t)(t - inv->tabs);
	if (changed || inv->hdr_tab != ti) {
		if (set_header(inv, t) != BK_OK)
			return BK_NOMEM;
		inv->hdr_tab = ti;
	}

	/* The row in column order, one tab between cells. */
	size_t need = t->ncols;
	for (size_t c = 0; c < t->ncols; c++)
		inv->cval[c] = NULL, inv->cvlen[c] = 0;
	for (size_t i = 0; i < row->ncols; i++) {
		size_t c = inv->cmap[i];

		if (row->is_null[i] || row->value_lens[i] == 0)
			continue;
		inv->cval[c] = row->values[i];
		inv->cvlen[c] = row->value_lens[i];
		need += row->value_lens[i];
		t->cols[c].values++;
	}
	if (bk__grow(&inv->line, &inv->lcap, need, 1) != BK_OK)
		return BK_NOMEM;
	size_t k = 0;
	for (size_t c = 0; c < t->ncols; c++) {
		if (c > 0)
			inv->line[k++] = '\t';
		inv->coff[c] = k;
		put_clean(inv->line + k, inv->cval[c], inv->cvlen[c]);
		k += inv->cvlen[c];
	}
	inv->llen = k;

	t->rows++;
	inv->total_rows++;
	/* With a worker, an error of a row comes back with a later row, or at the end. */
	if (inv->threaded)
		return queue(inv, ti, t->ncols);
	struct rout out;
	inv->mine.b = &inv->one;
	inv->one.nh = inv->one.na = 0;
	scan_row(&inv->mine, inv->line, inv->llen, inv->coff, inv->cvlen, t->ncols, inv->hdr_ver,
	    inv->hdr, inv->hlen, &out);
	return apply(inv, ti, &out, &inv->one);
}

/* ---- results ------------------------------------------------------------- */

static bool
is_word_byte(char c)
{
	return bk__is_alpha(c) || bk__is_digit(c);
}

/* The first rule one of whose context words names the column (as a whole word for ASCII). */
static const bk_rule *
header_rule(const bk_inventory *inv, const struct icol *c)
{
	char low[256];
	size_t n = c->len < sizeof low ? c->len : sizeof low;

	for (size_t i = 0; i < n; i++)
		low[i] = bk__lower(c->name[i]);
	for (size_t r = 0; r < inv->nrules; r++) {
		const bk_rule *rule = inv->rules[r];

		for (size_t w = 0; w < rule->ncontext; w++) {
			const char *word = rule->context[w].lower;
			size_t wl = rule->context[w].len;
			bool ascii = (unsigned char)word[0] < 0x80 && (unsigned char)word[wl - 1] < 0x80;

			for (size_t i = 0; i + wl <= n; i++) {
				if (memcmp(low + i, word, wl) != 0)
					continue;
				if (!ascii || ((i == 0 || !is_word_byte(low[i - 1])) &&
				    (i + wl == n || !is_word_byte(low[i + wl]))))
					return rule;
			}
		}
	}
	return NULL;
}

size_t
bk_inventory_ntables(const bk_inventory *inv)
{
	return inv->ntabs;
}

int
bk_inventory_table(bk_inventory *inv, size_t i, struct bk_inventory_table *out)
{
	struct itab *t = &inv->tabs[i];
	size_t nk = 0;

	if (bk_inventory_end(inv) != BK_OK)
		return BK_NOMEM;
	free(t->out);
	free(t->kout);
	t->out = calloc(t->ncols + 1, sizeof *t->out);
	t->kout = calloc(inv->nrules + 1, sizeof *t->kout);
	if (t->out == NULL || t->kout == NULL)
		return BK_NOMEM;
	for (size_t c = 0; c < t->ncols; c++) {
		const struct icol *col = &t->cols[c];
		struct bk_inventory_column *o = &t->out[c];
		size_t best = SIZE_MAX;

		o->name = col->name;
		o->index = c;
		o->values = col->values;
		for (size_t r = 0; r < inv->nrules; r++)
			if (col->hits[r] > 0 && (best == SIZE_MAX || col->hits[r] > col->hits[best]))
				best = r;
		if (best != SIZE_MAX && col->values > 0 &&
		    (double)col->hits[best] / (double)col->values >= BK_INVENTORY_MIN_SUPPORT) {
			o->rule = inv->rules[best];
			o->support = (double)col->hits[best] / (double)col->values;
		} else if (col->values > 0 && (o->rule = header_rule(inv, col)) != NULL) {
			o->support = 1.0;
			o->by_header = true;
		}
		if (o->rule != NULL)
			o->category = bk_rule_category(o->rule);
	}
	for (size_t r = 0; r < inv->nrules; r++)
		if (t->kinds[r] > 0) {
			t->kout[nk].id = bk_rule_id(inv->rules[r]);
			t->kout[nk++].count = t->kinds[r];
		}
	*out = (struct bk_inventory_table){
		.table = t->name,
		.rows = t->rows,
		.rows_with_pii = t->pii,
		.ncols = t->ncols,
		.cols = t->out,
		.nkinds = nk,
		.kinds = t->kout,
		.subjects = bk_distinct_count(t->subjects),
		.subjects_exact = bk_distinct_is_exact(t->subjects),
		.subjects_error = bk_distinct_error(t->subjects),
	};
	return BK_OK;
}

uint64_t
bk_inventory_total_tables(const bk_inventory *inv)
{
	return inv->total_tables;
}

uint64_t
bk_inventory_total_rows(const bk_inventory *inv)
{
	return inv->total_rows;
}

const bk_distinct *
bk_inventory_subjects(const bk_inventory *inv)
{
	return inv->all;
}

size_t
bk_inventory_nkinds(const bk_inventory *inv)
{
	return inv->nsk;
}

const char *
bk_inventory_kind_name(const bk_inventory *inv, size_t i)
{
	return inv->skinds[i].name;
}

const bk_distinct *
bk_inventory_kind_count(const bk_inventory *inv, size_t i)
{
	return inv->skinds[i].d;
}
