/*
 * baseline.c - robust per-entity and per-group statistics kept in a file;
 * see baseline.h.
 *
 * Three string-keyed tables, each an array in insertion order (so a saved
 * file lists things in the order they were first seen, and two runs over
 * the same input write the same file) with an open-addressing index over
 * it: entities (name, group), series (entity and metric: learnt values and
 * statistics), peers (group and metric: statistics), and the seen set
 * (entity, kind, value). Keys join their parts with a 0x1f byte, which
 * names in logs do not hold and the file format escapes anyway.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "atomic-private.h"
#include "baseline.h"
#include "hash-private.h"
#include "util-private.h"

#define SEP '\x1f'

/* ---- a string-keyed table ------------------------------------------------- */

struct strmap {
	char **keys;		/* NUL-terminated copies */
	size_t *lens;
	size_t n, cap, lcap;
	size_t *slots;		/* index + 1; 0 empty */
	size_t nslots;
};

static size_t
map_slot(const struct strmap *m, const char *k, size_t len)
{
	size_t j = (size_t)bk__hash64(k, len) & (m->nslots - 1);

	while (m->slots[j] != 0) {
		size_t i = m->slots[j] - 1;

		if (m->lens[i] == len && memcmp(m->keys[i], k, len) == 0)
			break;
		j = (j + 1) & (m->nslots - 1);
	}
	return j;
}

/* The index of K, or -1. */
static ssize_t
map_find(const struct strmap *m, const char *k, size_t len)
{
	size_t j;

	if (m->nslots == 0)
		return -1;
	j = map_slot(m, k, len);
	return m->slots[j] == 0 ? -1 : (ssize_t)(m->slots[j] - 1);
}

/* The index of K, added when missing (*ADDED says so). -1 on OOM. */
static ssize_t
map_put(struct strmap *m, const char *k, size_t len, bool *added)
{
	ssize_t i = map_find(m, k, len);
	char *copy;

	*added = false;
	if (i >= 0)
		return i;
	if ((m->n + 1) * 2 > m->nslots) {
		size_t n = m->nslots > 0 ? m->nslots * 2 : 256, *old = m->slots;

		if ((m->slots = calloc(n, sizeof *m->slots)) == NULL) {
			m->slots = old;
			return -1;
		}
		m->nslots = n;
		for (size_t x = 0; x < m->n; x++)
			m->slots[map_slot(m, m->keys[x], m->lens[x])] = x + 1;
		free(old);
	}
	if (bk__grow(&m->keys, &m->cap, m->n, sizeof *m->keys) != BK_OK ||
	    bk__grow(&m->lens, &m->lcap, m->n, sizeof *m->lens) != BK_OK ||
	    (copy = bk__dup_bytes(k, len)) == NULL)
		return -1;
	m->keys[m->n] = copy;
	m->lens[m->n] = len;
	m->slots[map_slot(m, k, len)] = m->n + 1;
	*added = true;
	return (ssize_t)m->n++;
}

static void
map_free(struct strmap *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->lens);
	free(m->slots);
}

/* ---- the baseline ------------------------------------------------------- */

struct entity {
	char *group;		/* NULL: none */
};

struct series {
	size_t entity;		/* index into the entity table */
	double *vals;		/* learnt values (a reservoir past the maximum) */
	size_t n, cap;
	uint64_t seen;		/* values observed */
	uint64_t rng;
	bk_stats st;
	bool has_st;
};

struct bk_baseline {
	struct strmap ent_map, ser_map, peer_map, seen_map;
	struct entity *ents;
	size_t ents_cap;
	struct series *sers;
	size_t sers_cap;
	bk_stats *peers;
	size_t peers_cap;
	int64_t first, last;
	bool has_period;
	char err[512];
};

bk_baseline *
bk_baseline_new(void)
{
	return calloc(1, sizeof(bk_baseline));
}

void
bk_baseline_free(bk_baseline *b)
{
	if (b == NULL)
		return;
	for (size_t i = 0; i < b->ent_map.n; i++)
		free(b->ents[i].group);
	for (size_t i = 0; i < b->ser_map.n; i++)
		free(b->sers[i].vals);
	free(b->ents);
	free(b->sers);
	free(b->peers);
	map_free(&b->ent_map);
	map_free(&b->ser_map);
	map_free(&b->peer_map);
	map_free(&b->seen_map);
	free(b);
}

/* A key of the parts A, B (and C, when not NULL) joined by SEP, malloc'd; its length in *LEN. */
static char *
join(const char *a, const char *b, const char *c, size_t clen, size_t *len)
{
	size_t la = strlen(a), lb = strlen(b), n = la + 1 + lb + (c != NULL ? 1 + clen : 0);
	char *k = malloc(n + 1);

	if (k == NULL)
		return NULL;
	memcpy(k, a, la);
	k[la] = SEP;
	memcpy(k + la + 1, b, lb);
	if (c != NULL) {
		k[la + 1 + lb] = SEP;
		memcpy(k + la + 2 + lb, c, clen);
	}
	k[n] = '\0';
	*len = n;
	return k;
}

/* The index of ENTITY, added when missing; its group set to GROUP when GROUP is not NULL. */
static ssize_t
entity_put(bk_baseline *b, const char *entity, const char *group)
{
	bool added;
	ssize_t i;

	/* Room first, so a key is never in the table without its entry. */
	if (bk__grow(&b->ents, &b->ents_cap, b->ent_map.n, sizeof *b->ents) != BK_OK ||
	    (i = map_put(&b->ent_map, entity, strlen(entity), &added)) < 0)
		return -1;
	if (added)
		b->ents[i].group = NULL;
	if (group != NULL) {
		char *g = NULL;

		if (*group != '\0' && (g = bk__dup_bytes(group, strlen(group))) == NULL)
			return -1;
		free(b->ents[i].group);
		b->ents[i].group = g;
	}
	return i;
}

/* The series of ENTITY's METRIC, added when missing. */
static struct series *
series_put(bk_baseline *b, const char *entity, const char *group, const char *metric)
{
	ssize_t e = entity_put(b, entity, group), i;
	size_t len;
	char *key;
	bool added;

	if (e < 0 || bk__grow(&b->sers, &b->sers_cap, b->ser_map.n, sizeof *b->sers) != BK_OK ||
	    (key = join(entity, metric, NULL, 0, &len)) == NULL)
		return NULL;
	i = map_put(&b->ser_map, key, len, &added);
	free(key);
	if (i < 0)
		return NULL;
	if (added) {
		memset(&b->sers[i], 0, sizeof b->sers[i]);
		b->sers[i].entity = (size_t)e;
		b->sers[i].rng = UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)i;
	}
	return &b->sers[i];
}

int
bk_baseline_observe(bk_baseline *b, const char *entity, const char *group, const char *metric,
    double value)
{
	struct series *s = series_put(b, entity, group != NULL ? group : "", metric);

	if (s == NULL)
		return BK_NOMEM;
	s->seen++;
	if (s->n < BK_BASELINE_SAMPLES_MAX) {
		if (bk__grow(&s->vals, &s->cap, s->n, sizeof *s->vals) != BK_OK)
			return BK_NOMEM;
		s->vals[s->n++] = value;
	} else {
		uint64_t j;

		/* xorshift64: a fixed sequence, so a run is reproducible. */
		s->rng ^= s->rng << 13;
		s->rng ^= s->rng >> 7;
		s->rng ^= s->rng << 17;
		j = s->rng % s->seen;
		if (j < BK_BASELINE_SAMPLES_MAX)
			s->vals[j] = value;
	}
	return BK_OK;
}

int
bk_baseline_seen_add(bk_baseline *b, const char *entity, const char *kind, const char *value,
    size_t len)
{
	size_t klen;
	char *key;
	bool added;
	ssize_t i;

	if (entity_put(b, entity, NULL) < 0 || (key = join(entity, kind, value, len, &klen)) == NULL)
		return BK_NOMEM;
	i = map_put(&b->seen_map, key, klen, &added);
	free(key);
	return i < 0 ? BK_NOMEM : BK_OK;
}

void
bk_baseline_period(bk_baseline *b, int64_t first, int64_t last)
{
	if (!b->has_period || first < b->first)
		b->first = first;
	if (!b->has_period || last > b->last)
		b->last = last;
	b->has_period = true;
}

/* ---- statistics ------------------------------------------------------- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
bk_median(double *v, size_t n)
{
	if (n == 0)
		return 0;
	qsort(v, n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double
bk_mad(double *v, size_t n, double median)
{
	for (size_t i = 0; i < n; i++)
		v[i] = fabs(v[i] - median);
	return bk_median(v, n);
}

void
bk_stats_of(double *v, size_t n, bk_stats *s)
{
	s->n = n;
	s->median = bk_median(v, n);
	s->mad = bk_mad(v, n, s->median);
}

double
bk_robust_z(double x, const bk_stats *s, double mad_floor)
{
	double mad = s->mad > mad_floor ? s->mad : mad_floor;

	return 0.6745 * (x - s->median) / mad;
}

/* The statistics of GROUP's METRIC, added when missing. */
static bk_stats *
peer_put(bk_baseline *b, const char *group, const char *metric)
{
	size_t len;
	char *key = join(group, metric, NULL, 0, &len);
	bool added;
	ssize_t i;

	if (key == NULL ||
	    bk__grow(&b->peers, &b->peers_cap, b->peer_map.n, sizeof *b->peers) != BK_OK) {
		free(key);
		return NULL;
	}
	i = map_put(&b->peer_map, key, len, &added);
	free(key);
	if (i < 0)
		return NULL;
	if (added)
		memset(&b->peers[i], 0, sizeof b->peers[i]);
	return &b->peers[i];
}

int
bk_baseline_finish(bk_baseline *b)
{
	double *tmp = NULL, *meds = NULL;
	size_t tcap = 0, mcap = 0;
	int rc = BK_OK;

	for (size_t i = 0; i < b->ser_map.n; i++) {
		struct series *s = &b->sers[i];

		if (s->n == 0)
			continue;
		if (bk__grow(&tmp, &tcap, s->n, sizeof *tmp) != BK_OK) {
			rc = BK_NOMEM;
			goto out;
		}
		memcpy(tmp, s->vals, s->n * sizeof *tmp);
		bk_stats_of(tmp, s->n, &s->st);
		s->st.n = s->seen;
		s->has_st = true;
		free(s->vals);
		s->vals = NULL;
		s->n = s->cap = 0;
		s->seen = 0;
	}
	/* Peers: per group and metric, the members' medians. Quadratic in groups x metrics only. */
	for (size_t i = 0; i < b->ser_map.n; i++) {
		const struct series *s = &b->sers[i];
		const char *g = b->ents[s->entity].group, *metric;
		bool done = false;
		size_t n = 0;
		bk_stats *p;

		if (!s->has_st || g == NULL)
			continue;
		metric = strchr(b->ser_map.keys[i], SEP) + 1;
		/* Skip when an earlier series of the same group and metric did it. */
		for (size_t j = 0; j < i && !done; j++) {
			const struct series *t = &b->sers[j];
			const char *tg = b->ents[t->entity].group;

			done = t->has_st && tg != NULL && strcmp(tg, g) == 0 &&
			    strcmp(strchr(b->ser_map.keys[j], SEP) + 1, metric) == 0;
		}
		if (done)
			continue;
		for (size_t j = i; j < b->ser_map.n; j++) {
			const struct series *t = &b->sers[j];
			const char *tg = b->ents[t->entity].group;

			if (!t->has_st || tg == NULL || strcmp(tg, g) != 0 ||
			    strcmp(strchr(b->ser_map.keys[j], SEP) + 1, metric) != 0)
				continue;
			if (bk__grow(&meds, &mcap, n, sizeof *meds) != BK_OK) {
				rc = BK_NOMEM;
				goto out;
			}
			meds[n++] = t->st.median;
		}
		if ((p = peer_put(b, g, metric)) == NULL) {
			rc = BK_NOMEM;
			goto out;
		}
		bk_stats_of(meds, n, p);
	}
out:
	free(tmp);
	free(meds);
	return rc;
}

/* ---- queries ------------------------------------------------------------ */

bool
bk_baseline_entity(const bk_baseline *b, const char *entity, const char *metric, bk_stats *s)
{
	size_t len;
	char *key = join(entity, metric, NULL, 0, &len);
	ssize_t i = key != NULL ? map_find(&b->ser_map, key, len) : -1;

	free(key);
	if (i < 0 || !b->sers[i].has_st) {
		memset(s, 0, sizeof *s);
		return false;
	}
	*s = b->sers[i].st;
	return true;
}

bool
bk_baseline_peer(const bk_baseline *b, const char *group, const char *metric, bk_stats *s)
{
	size_t len;
	char *key = join(group, metric, NULL, 0, &len);
	ssize_t i = key != NULL ? map_find(&b->peer_map, key, len) : -1;

	free(key);
	if (i < 0) {
		memset(s, 0, sizeof *s);
		return false;
	}
	*s = b->peers[i];
	return true;
}

const char *
bk_baseline_group(const bk_baseline *b, const char *entity)
{
	ssize_t i = map_find(&b->ent_map, entity, strlen(entity));

	return i < 0 ? NULL : b->ents[i].group;
}

bool
bk_baseline_seen(const bk_baseline *b, const char *entity, const char *kind, const char *value,
    size_t len)
{
	size_t klen;
	char *key = join(entity, kind, value, len, &klen);
	bool r = key != NULL && map_find(&b->seen_map, key, klen) >= 0;

	free(key);
	return r;
}

bool
bk_baseline_knows(const bk_baseline *b, const char *entity)
{
	return map_find(&b->ent_map, entity, strlen(entity)) >= 0;
}

bool
bk_baseline_get_period(const bk_baseline *b, int64_t *first, int64_t *last)
{
	*first = b->first;
	*last = b->last;
	return b->has_period;
}

size_t
bk_baseline_entities(const bk_baseline *b)
{
	size_t n = 0;
	bool *has = calloc(b->ent_map.n + 1, sizeof *has);

	if (has == NULL)
		return 0;
	for (size_t i = 0; i < b->ser_map.n; i++)
		if (b->sers[i].has_st && !has[b->sers[i].entity]) {
			has[b->sers[i].entity] = true;
			n++;
		}
	free(has);
	return n;
}

/* ---- the file ----------------------------------------------------------- */

/* S (LEN bytes) with \ TAB LF CR escaped. */
static void
put_escaped(FILE *fp, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		switch (s[i]) {
		case '\\':
			fputs("\\\\", fp);
			break;
		case '\t':
			fputs("\\t", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		default:
			putc(s[i], fp);
		}
}

/* The parts of a joined key, escaped and separated by tabs. */
static void
put_key(FILE *fp, const char *k, size_t len)
{
	size_t start = 0;

	for (size_t i = 0; i <= len; i++)
		if (i == len || k[i] == SEP) {
			if (start > 0)
				putc('\t', fp);
			put_escaped(fp, k + start, i - start);
			start = i + 1;
		}
}

/* V in the shortest of 15 to 17 significant digits that reads back exactly. */
static void
put_num(FILE *fp, double v)
{
	char buf[40];

	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(buf, fp);
}

/* "\tN\tMEDIAN\tMAD\n" */
static void
put_stats(FILE *fp, const bk_stats *s)
{
	fprintf(fp, "\t%" PRIu64 "\t", s->n);
	put_num(fp, s->median);
	putc('\t', fp);
	put_num(fp, s->mad);
	putc('\n', fp);
}

static void
write_baseline(void *ctx, FILE *fp)
{
	const bk_baseline *b = ctx;

	fputs("# breachkit baseline 1\n", fp);
	if (b->has_period)
		fprintf(fp, "period\t%" PRId64 "\t%" PRId64 "\n", b->first, b->last);
	for (size_t i = 0; i < b->ser_map.n; i++) {
		const struct series *s = &b->sers[i];
		const char *k = b->ser_map.keys[i], *sep = strchr(k, SEP);
		const char *g = b->ents[s->entity].group;

		if (!s->has_st)
			continue;
		fputs("entity\t", fp);
		put_escaped(fp, k, (size_t)(sep - k));
		putc('\t', fp);
		if (g != NULL)
			put_escaped(fp, g, strlen(g));
		putc('\t', fp);
		put_escaped(fp, sep + 1, strlen(sep + 1));
		put_stats(fp, &s->st);
	}
	for (size_t i = 0; i < b->peer_map.n; i++) {
		fputs("peer\t", fp);
		put_key(fp, b->peer_map.keys[i], b->peer_map.lens[i]);
		put_stats(fp, &b->peers[i]);
	}
	for (size_t i = 0; i < b->seen_map.n; i++) {
		fputs("seen\t", fp);
		put_key(fp, b->seen_map.keys[i], b->seen_map.lens[i]);
		putc('\n', fp);
	}
}

int
bk_baseline_save(bk_baseline *b, const char *path)
{
	int rc = bk_baseline_finish(b);

	if (rc != BK_OK)
		return rc;
	return bk__atomic_write(path, write_baseline, b, b->err, sizeof b->err);
}

/* Splits LINE at tabs into at most MAX fields, unescaping in place; returns how many, or -1 on a bad escape. */
static int
split_fields(char *line, char **f, int max)
{
	int n = 0;
	char *r = line, *w = line;

	f[n++] = w;
	for (; *r != '\0'; r++) {
		if (*r == '\t') {
			*w++ = '\0';
			if (n == max)
				return max + 1;
			f[n++] = w;
			continue;
		}
		if (*r == '\\') {
			r++;
			switch (*r) {
			case '\\':
				*w++ = '\\';
				break;
			case 't':
				*w++ = '\t';
				break;
			case 'n':
				*w++ = '\n';
				break;
			case 'r':
				*w++ = '\r';
				break;
			default:
				return -1;
			}
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
	return n;
}

static bool
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!bk__is_digit(*s))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0';
}

static bool
parse_num(const char *s, double *v)
{
	char *end;

	if (*s == '\0')
		return false;
	errno = 0;
	*v = strtod(s, &end);
	return errno == 0 && *end == '\0' && isfinite(*v);
}

/* One line's fields F (N of them) into B: BK_OK, BK_NOMEM, or BK_ERROR with WHAT set. */
static int
load_fields(bk_baseline *b, char **f, int n, const char **what)
{
	bk_stats st;
	uint64_t u;

	if (strcmp(f[0], "period") == 0) {
		int64_t a, z;
		char *e1, *e2;

		if (n != 3)
			return *what = "period needs 2 fields", BK_ERROR;
		errno = 0;
		a = strtoll(f[1], &e1, 10);
		z = strtoll(f[2], &e2, 10);
		if (errno != 0 || *e1 != '\0' || *e2 != '\0' || f[1][0] == '\0' || f[2][0] == '\0')
			return *what = "bad period", BK_ERROR;
		bk_baseline_period(b, a, z);
		return BK_OK;
	}
	if (strcmp(f[0], "entity") == 0 || strcmp(f[0], "peer") == 0) {
		bool ent = f[0][0] == 'e';
		int k = ent ? 4 : 3;	/* index of N */

		if (n != k + 3)
			return *what = ent ? "entity needs 6 fields" : "peer needs 5 fields",
			    BK_ERROR;
		if (!parse_u64(f[k], &u) || !parse_num(f[k + 1], &st.median) ||
		    !parse_num(f[k + 2], &st.mad) || st.mad < 0)
			return *what = "bad statistics", BK_ERROR;
		st.n = u;
		if (ent) {
			struct series *s = series_put(b, f[1], f[2], f[3]);

			if (s == NULL)
				return BK_NOMEM;
			s->st = st;
			s->has_st = true;
		} else {
			bk_stats *p = peer_put(b, f[1], f[2]);

			if (p == NULL)
				return BK_NOMEM;
			*p = st;
		}
		return BK_OK;
	}
	if (strcmp(f[0], "seen") == 0) {
		if (n != 4)
			return *what = "seen needs 3 fields", BK_ERROR;
		return bk_baseline_seen_add(b, f[1], f[2], f[3], strlen(f[3]));
	}
	return *what = "unknown line kind", BK_ERROR;
}

int
bk_baseline_load(bk_baseline *b, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *f[8];
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	int rc = BK_OK;

	if (fp == NULL) {
		snprintf(b->err, sizeof b->err, "%s: %s", path, strerror(errno));
		return BK_ERROR;
	}
	while ((len = getline(&line, &cap, fp)) >= 0) {
		const char *what = NULL;
		int n;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		line[len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (memchr(line, '\0', (size_t)len) != NULL || memchr(line, SEP, (size_t)len) != NULL)
			what = "control byte in a field";
		else if ((n = split_fields(line, f, 7)) < 0)
			what = "bad escape";
		else if (n > 7)
			what = "too many fields";
		else
			rc = load_fields(b, f, n, &what);
		if (what != NULL || rc != BK_OK) {
			if (what != NULL) {
				snprintf(b->err, sizeof b->err, "%s:%lu: %s", path, lineno, what);
				rc = BK_ERROR;
			}
			break;
		}
	}
	if (rc == BK_OK && ferror(fp)) {
		snprintf(b->err, sizeof b->err, "%s: %s", path, strerror(errno));
		rc = BK_ERROR;
	}
	free(line);
	fclose(fp);
	return rc;
}

const char *
bk_baseline_error(const bk_baseline *b)
{
	return b->err;
}
