/*
 * inventory.c - column classification and distinct data subjects over the
 * rows of exports (see inventory.h).
 *
 * Each row is laid out as one tab-separated line in its table's column
 * order (tabs, line breaks and quotes inside values become spaces) and
 * scanned with the table's column names set as the scanner's CSV header:
 * the scanner's prefilters then do the work once per row, and a column
 * named 生年月日 or 氏名 gives its values the context those rules need.
 * Findings are mapped back to columns by offset. Nothing is allocated per
 * row once the scratch buffers have grown.
 */
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
	char val[ID_BYTES];
	size_t len;
};

struct bk_inventory {
	const bk_ruleset *rs;
	size_t nrules;
	const bk_rule **rules;
	int *tier;
	const char **kind;	/* [rule]: the subject kind of tiers 1-4 */
	bk_scanner *sc;
	bk__cells *cells;	/* the same scan, cell by cell where it gives the same */
	const bk_hasher *hasher;
	size_t exact_max;
	unsigned precision;

	struct itab *tabs;
	size_t ntabs, tcap;
	size_t *idmap;		/* export table id -> tabs index + 1 (0: none yet) */
	size_t idcap;
	size_t hdr_tab;		/* the table whose header the scanner has; SIZE_MAX: none */

	/* row scratch */
	char *line;
	size_t llen, lcap;
	size_t *coff;		/* [col]: where the column's cell starts in line */
	size_t *cmap;		/* [cell]: its column */
	const char **cval;
	size_t *cvlen;
	size_t scap;
	char *hdr;
	size_t hcap;
	struct itab *cur;
	uint64_t rowno;
	bool row_pii;
	struct ident ids[MAX_IDS];
	size_t nids;
	size_t last_rule;

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
	inv->sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);
	inv->cells = bk__cells_new(rs, BK_CONFIDENCE_MEDIUM);
	inv->all = bk_distinct_new(exact_max, precision);
	if (inv->rules == NULL || inv->tier == NULL || inv->kind == NULL || inv->sc == NULL ||
	    inv->cells == NULL ||
	    inv->all == NULL) {
		bk_inventory_free(inv);
		return NULL;
	}
	for (size_t i = 0; i < inv->nrules; i++) {
		inv->rules[i] = bk_ruleset_rule(rs, i);
		classify_rule(inv->rules[i], &inv->tier[i], &inv->kind[i]);
	}
	return inv;
}

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
	for (size_t i = 0; i < inv->ntabs; i++)
		free_table(&inv->tabs[i]);
	inv->ntabs = 0;
	if (inv->idmap != NULL)
		memset(inv->idmap, 0, inv->idcap * sizeof *inv->idmap);
	inv->hdr_tab = SIZE_MAX;
	inv->cur = NULL;
	bk_scanner_set_header(inv->sc, NULL, 0, 0);
}

void
bk_inventory_free(bk_inventory *inv)
{
	if (inv == NULL)
		return;
	bk_inventory_begin(inv);
	free(inv->tabs);
	free(inv->idmap);
	free(inv->rules);
	free(inv->tier);
	free(inv->kind);
	bk_scanner_free(inv->sc);
	bk__cells_free(inv->cells);
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

/* The 64-bit hash a distinct counter gets for identifier V of KIND. */
static uint64_t
subject_hash(const bk_inventory *inv, const char *kind, const char *v, size_t n)
{
	if (inv->hasher != NULL) {
		char hex[BK_HASH_HEX + 1];
		uint64_t h = 0;

		bk_hasher_hash(inv->hasher, kind, v, n, hex);
		for (int i = 0; i < 16; i++)
			h = h << 4 | (uint64_t)(hex[i] <= '9' ? hex[i] - '0' : hex[i] - 'a' + 10);
		return h;
	}
	uint64_t h = BK__FNV_BASIS;
	size_t kl = strlen(kind);

	for (size_t i = 0; i <= kl; i++)	/* the NUL separates kind and value */
		h = (h ^ (unsigned char)kind[i]) * BK__FNV_PRIME;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)v[i]) * BK__FNV_PRIME;
	return bk__hash_finish(h, kl + 1 + n);
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

/* ---- rows ---------------------------------------------------------------- */

static size_t
rule_index(bk_inventory *inv, const bk_rule *r)
{
	if (inv->last_rule < inv->nrules && inv->rules[inv->last_rule] == r)
		return inv->last_rule;
	for (size_t i = 0; i < inv->nrules; i++)
		if (inv->rules[i] == r)
			return inv->last_rule = i;
	return SIZE_MAX;
}

static int
on_finding(void *ctx, const struct bk_finding *f)
{
	bk_inventory *inv = ctx;
	struct itab *t = inv->cur;
	size_t r = rule_index(inv, f->rule);

	if (r == SIZE_MAX)
		return 0;
	inv->row_pii = true;
	t->kinds[r]++;
	/* The column: the last cell starting at or before the finding. */
	size_t lo = 0, hi = t->ncols;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (inv->coff[mid] <= f->start)
			lo = mid;
		else
			hi = mid;
	}
	struct icol *c = &t->cols[lo];
	if (c->stamp[r] != inv->rowno) {
		c->stamp[r] = inv->rowno;
		c->hits[r]++;
	}
	if (inv->tier[r] != TIER_NONE && inv->nids < MAX_IDS) {
		struct ident *id = &inv->ids[inv->nids];

		id->tier = inv->tier[r];
		id->kind = inv->kind[r];
		id->len = canon(id->tier, f->value, f->value_len, id->val);
		if (id->len > 0)
			inv->nids++;
	}
	return 0;
}

/* Counts the row's identifiers per kind and its subject by the strongest. */
static int
count_subjects(bk_inventory *inv, struct itab *t)
{
	const struct ident *best = NULL, *name = NULL, *dob = NULL;
	bk_distinct *d;

	for (size_t i = 0; i < inv->nids; i++) {
		const struct ident *id = &inv->ids[i];

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
		if ((d = kind_counter(inv, id->kind)) == NULL ||
		    bk_distinct_add(d, subject_hash(inv, id->kind, id->val, id->len)) != BK_OK)
			return BK_NOMEM;
		if (best == NULL || id->tier < best->tier)
			best = id;
	}
	struct ident both;
	if (name != NULL && dob != NULL) {
		both.tier = TIER_NAME;
		both.kind = "name+date_of_birth";
		/* "name|date", cut to the buffer as snprintf would. */
		size_t nl = name->len < 100 ? name->len : 100, dl = dob->len;

		memcpy(both.val, name->val, nl);
		both.val[nl] = '|';
		if (nl + 1 + dl > sizeof both.val - 1)
			dl = sizeof both.val - 1 - (nl + 1);
		memcpy(both.val + nl + 1, dob->val, dl);
		both.len = nl + 1 + dl;
		if ((d = kind_counter(inv, both.kind)) == NULL ||
		    bk_distinct_add(d, subject_hash(inv, both.kind, both.val, both.len)) != BK_OK)
			return BK_NOMEM;
		if (best == NULL)
			best = &both;
	}
	if (best == NULL)
		return BK_OK;
	uint64_t h = subject_hash(inv, best->kind, best->val, best->len);
	if (bk_distinct_add(t->subjects, h) != BK_OK || bk_distinct_add(inv->all, h) != BK_OK)
		return BK_NOMEM;
	return BK_OK;
}

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

/* Appends N bytes of P to the line with tabs, line breaks and quotes as spaces. */
static void
put_clean(char *dst, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char ch = p[i];

		dst[i] = ch == '\t' || ch == '\n' || ch == '\r' || ch == '"' ? ' ' : ch;
	}
}

/* The table's column names as a tab-separated header for the scanner. */
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
	if (bk_scanner_set_header(inv->sc, inv->hdr, k, '\t') != BK_OK)
		return BK_NOMEM;
	return bk__cells_table(inv->cells, inv->hdr, k);
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
	size_t cap = inv->scap;
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
	inv->rowno++;
	inv->cur = t;
	inv->row_pii = false;
	inv->nids = 0;
	bool whole;
	int rc = bk__cells_row(inv->cells, inv->line, inv->llen, inv->coff, inv->cvlen, t->ncols,
	    on_finding, inv, &whole);
	if (rc == BK_OK && whole)
		rc = bk_scanner_line(inv->sc, inv->line, inv->llen, on_finding, inv);
	if (rc != BK_OK)
		return rc;
	if (inv->row_pii)
		t->pii++;
	return count_subjects(inv, t);
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
