/*
 * report.c - the report model: records in, a bounded picture of the
 * incident out (see report.h); the renderers are report-text.c,
 * report-json.c and report-html.c.
 *
 * Records are read through jansson (the reader's record is a json_t); each
 * kind goes to its own adder. Lists are plain arrays searched linearly:
 * they are capped at a few hundred entries, and alerts, inventories and
 * summaries are few next to the events they stand for. Findings can be
 * many, so the exposure they count towards is looked up from the last one
 * first (findings of a file come together).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alert.h"
#include "record-private.h"
#include "report-private.h"
#include "timefmt.h"
#include "util-private.h"

/* ---- small helpers ------------------------------------------------------ */

void
bk__report_set_error(bk_report *r, const char *fmt, ...)
{
	va_list ap;

	free(r->error);
	va_start(ap, fmt);
	r->error = bk__verrf(fmt, ap);
	va_end(ap);
}


/* A copy of S cut to BK__STR_MAX bytes at a character boundary; NULL for NULL or OOM. */
static char *
dup_capped(const char *s)
{
	size_t len;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	if (len > BK__STR_MAX) {
		len = BK__STR_MAX;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
	}
	return bk__dup_bytes(s, len);
}

/* Whether a copy of S was wanted and failed. */
static bool
lost(const char *s, const char *copy)
{
	return s != NULL && copy == NULL;
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) && json_string_length(v) > 0 ? json_string_value(v) : NULL;
}

/* A non-negative integer (or integral real) field, else -1. */
static int64_t
juint(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		return json_integer_value(v) >= 0 ? json_integer_value(v) : -1;
	if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) < 9e18)
		return (int64_t)json_real_value(v);
	return -1;
}

/* A number field; NAN when absent or beyond what any figure can be (|v| >= 1e15). */
static double
jnum(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	double d = json_is_number(v) ? json_number_value(v) : NAN;

	return isfinite(d) && fabs(d) < 1e15 ? d : NAN;
}

static bool
same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static uint64_t
add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/*
 * An RFC 3339 time as the tools write it ("2015-05-08T01:15:02.123Z"; any
 * fraction, 'Z' or a numeric offset, 't' and ' ' accepted) to ms into *MS.
 */
static bool
parse_time(const char *s, int64_t *ms)
{
	int v[6], lens[6] = { 4, 2, 2, 2, 2, 2 };
	const char seps[6] = { '-', '-', 'T', ':', ':', '\0' };
	const char *p = s;
	int64_t frac = 0, scale = 100, off = 0;

	if (s == NULL)
		return false;
	for (int i = 0; i < 6; i++) {
		v[i] = 0;
		for (int k = 0; k < lens[i]; k++, p++) {
			if (!bk__is_digit(*p))
				return false;
			v[i] = v[i] * 10 + (*p - '0');
		}
		if (i < 5) {
			if (*p != seps[i] && !(i == 2 && (*p == 't' || *p == ' ')))
				return false;
			p++;
		}
	}
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > mdays[v[1] - 1] || v[3] > 23 ||
	    v[4] > 59 || v[5] > 60)
		return false;
	if (v[1] == 2 && v[2] == 29 && (v[0] % 4 != 0 || (v[0] % 100 == 0 && v[0] % 400 != 0)))
		return false;
	if (*p == '.') {
		if (!bk__is_digit(*++p))
			return false;
		for (; bk__is_digit(*p); p++, scale /= 10)
			frac += (*p - '0') * scale;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if ((*p == '+' || *p == '-') && bk__is_digit(p[1]) && bk__is_digit(p[2]) &&
	    p[3] == ':' && bk__is_digit(p[4]) && bk__is_digit(p[5])) {
		off = ((p[1] - '0') * 10 + (p[2] - '0')) * 60 + (p[4] - '0') * 10 + (p[5] - '0');
		off = (*p == '-' ? -off : off) * 60000;
		p += 6;
	} else {
		return false;
	}
	if (*p != '\0')
		return false;
	*ms = ((bk_days_from_civil(v[0], v[1], v[2]) * 24 + v[3]) * 60 + v[4]) * 60000 +
	    (int64_t)v[5] * 1000 + frac - off;
	return true;
}

static void
cover(bk_report *r, int64_t first, int64_t last)
{
	if (first != BK__NO_TIME && (r->first == BK__NO_TIME || first < r->first))
		r->first = first;
	if (last != BK__NO_TIME && (r->last == BK__NO_TIME || last > r->last))
		r->last = last;
}

/* ---- life cycle --------------------------------------------------------- */

bk_report *
bk_report_new(void)
{
	bk_report *r = calloc(1, sizeof *r);

	if (r == NULL)
		return NULL;
	r->first = r->last = BK__NO_TIME;
	r->people_max_inventory = -1;
	r->people_sum_exact = true;
	return r;
}

static void
free_item(struct bk__ralert *a)
{
	free(a->detector);
	free(a->reason);
	free(a->object);
	free(a->metric);
	free(a->window);
}

static void
free_kinds(struct bk__kind *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(k[i].name);
}

void
bk_report_free(bk_report *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nincidents; i++) {
		struct bk__incident *in = &r->incidents[i];

		free(in->actor);
		free(in->ip);
		free(in->dst);
		for (size_t k = 0; k < in->nitems; k++)
			free_item(&in->items[k]);
		for (size_t k = 0; k < in->nobjects; k++)
			free(in->objects[k]);
		for (size_t k = 0; k < in->nfiles; k++)
			free(in->files[k]);
		for (size_t k = 0; k < in->ndet; k++)
			free(in->det[k].detector);
	}
	free(r->incidents);
	free(r->timeline);
	for (size_t i = 0; i < r->nentities; i++) {
		free(r->entities[i].actor);
		free(r->entities[i].ip);
	}
	free(r->entities);
	for (size_t i = 0; i < r->nexposures; i++) {
		struct bk__exposure *e = &r->exposures[i];

		free(e->file);
		free(e->table);
		free(e->format);
		free(e->encoding);
		free_kinds(e->kinds, e->nkinds);
		for (size_t k = 0; k < e->nclasses; k++)
			free(e->classes[k]);
	}
	free(r->exposures);
	for (size_t i = 0; i < r->nseries; i++) {
		free(r->series[i].actor);
		free(r->series[i].ip);
		free(r->series[i].pts);
	}
	free(r->series);
	for (size_t i = 0; i < r->ndests; i++)
		free(r->dests[i].dst);
	free(r->dests);
	free_kinds(r->people_kinds, r->npeople_kinds);
	free(r->error);
	free(r);
}

const char *
bk_report_error(const bk_report *r)
{
	return r->error != NULL ? r->error : "out of memory";
}

void
bk_report_bad_line(bk_report *r)
{
	r->n_bad++;
}

/* ---- entities ----------------------------------------------------------- */

/* The entity ACTOR/IP, made when missing and there is room; NULL otherwise. */
static struct bk__entity *
entity_get(bk_report *r, const char *actor, const char *ip, int *rc)
{
	struct bk__entity *e;

	for (size_t i = 0; i < r->nentities; i++)
		if (same(r->entities[i].actor, actor) && same(r->entities[i].ip, ip))
			return &r->entities[i];
	if (r->nentities == BK_REPORT_MAX_ENTITIES) {
		r->entities_more++;
		return NULL;
	}
	if (r->entities == NULL &&
	    (r->entities = calloc(BK_REPORT_MAX_ENTITIES, sizeof *r->entities)) == NULL) {
		*rc = BK_NOMEM;
		return NULL;
	}
	e = &r->entities[r->nentities];
	*e = (struct bk__entity){ .actor = dup_capped(actor), .ip = dup_capped(ip) };
	if (lost(actor, e->actor) || lost(ip, e->ip)) {
		free(e->actor);
		free(e->ip);
		*rc = BK_NOMEM;
		return NULL;
	}
	r->nentities++;
	return e;
}

/* ---- alerts ------------------------------------------------------------- */

static int
item_fill(struct bk__ralert *a, json_t *o, enum bk_severity sev, int64_t first, int64_t last)
{
	json_t *base = json_object_get(o, "baseline");
	const char *s;

	*a = (struct bk__ralert){ .severity = sev, .first = first, .last = last };
	a->score = jnum(o, "score");
	a->value = jnum(o, "value");
	a->threshold = jnum(o, "threshold");
	a->own_median = json_is_object(base) ? jnum(base, "own_median") : NAN;
	a->peer_median = json_is_object(base) ? jnum(base, "peer_median") : NAN;
	a->detector = dup_capped(s = jstr(o, "detector") ? jstr(o, "detector") : "alert");
	a->reason = dup_capped(jstr(o, "reason"));
	a->object = dup_capped(jstr(o, "object"));
	a->metric = dup_capped(jstr(o, "metric"));
	a->window = dup_capped(jstr(o, "window"));
	if (a->detector == NULL || lost(jstr(o, "reason"), a->reason) ||
	    lost(jstr(o, "object"), a->object) || lost(jstr(o, "metric"), a->metric) ||
	    lost(jstr(o, "window"), a->window)) {
		free_item(a);
		return BK_NOMEM;
	}
	return BK_OK;
}

/* Whether alert A outranks B (severity, then score, then value). */
static bool
stronger(const struct bk__ralert *a, const struct bk__ralert *b)
{
	double sa = isnan(a->score) ? -1 : a->score, sb = isnan(b->score) ? -1 : b->score;
	double va = isnan(a->value) ? -1 : a->value, vb = isnan(b->value) ? -1 : b->value;

	if (a->severity != b->severity)
		return a->severity > b->severity;
	if (sa != sb)
		return sa > sb;
	return va > vb;
}

static struct bk__incident *
incident_get(bk_report *r, const char *actor, const char *ip, const char *dst, int *rc)
{
	struct bk__incident *in;

	for (size_t i = 0; i < r->nincidents; i++) {
		in = &r->incidents[i];
		if (same(in->actor, actor) && same(in->ip, ip) && same(in->dst, dst))
			return in;
	}
	if (r->nincidents == BK_REPORT_MAX_INCIDENTS)
		return NULL;
	if (r->incidents == NULL &&
	    (r->incidents = calloc(BK_REPORT_MAX_INCIDENTS, sizeof *r->incidents)) == NULL) {
		*rc = BK_NOMEM;
		return NULL;
	}
	in = &r->incidents[r->nincidents];
	*in = (struct bk__incident){ .actor = dup_capped(actor), .ip = dup_capped(ip),
		.dst = dup_capped(dst), .score = NAN, .first = BK__NO_TIME, .last = BK__NO_TIME };
	if (lost(actor, in->actor) || lost(ip, in->ip) || lost(dst, in->dst)) {
		free(in->actor);
		free(in->ip);
		free(in->dst);
		*rc = BK_NOMEM;
		return NULL;
	}
	r->nincidents++;
	return in;
}

/* Adds S to the set LIST (N of CAP), counting what does not fit in *MORE. */
static int
set_add(char **list, size_t *n, size_t cap, uint64_t *more, const char *s)
{
	if (s == NULL)
		return BK_OK;
	for (size_t i = 0; i < *n; i++)
		if (strcmp(list[i], s) == 0)
			return BK_OK;
	if (*n == cap) {
		if (more != NULL)
			(*more)++;
		return BK_OK;
	}
	if ((list[*n] = dup_capped(s)) == NULL)
		return BK_NOMEM;
	(*n)++;
	return BK_OK;
}

/*
 * The figures an alert adds to the headline: distinct records read, rows
 * read (which stand in when no detector counted distinct records), bytes
 * sent out.
 */
static void
alert_figures(json_t *o, const char *dst, uint64_t *records, uint64_t *rows, uint64_t *bytes)
{
	const char *metric = jstr(o, "metric");
	double value = jnum(o, "value");
	int64_t b = juint(o, "bytes");

	*records = *rows = *bytes = 0;
	if (metric != NULL && strcmp(metric, "distinct_records") == 0 && value >= 0)
		*records = (uint64_t)value;
	if (metric != NULL && strcmp(metric, "rows") == 0 && value >= 0)
		*rows = (uint64_t)value;
	/* Only what went to a destination left the organisation. */
	if (dst == NULL)
		return;
	if (b >= 0)
		*bytes = (uint64_t)b;
	else if (metric != NULL && strstr(metric, "bytes") != NULL && value >= 0)
		*bytes = (uint64_t)value;
}

static int
add_alert(bk_report *r, json_t *o)
{
	const char *actor = jstr(o, "actor"), *ip = jstr(o, "ip"), *dst = jstr(o, "dst");
	const char *sevname = jstr(o, "severity"), *det;
	enum bk_severity sev;
	int64_t first, last;
	struct bk__incident *in;
	struct bk__entity *ent;
	struct bk__ralert item;
	uint64_t records, rows, bytes;
	int rc = BK_OK;
	json_t *ev, *files;

	if (sevname == NULL || bk_severity_parse(sevname, &sev) != BK_OK) {
		bk__report_set_error(
		    r, "alert without a known severity (low, medium, high, critical)");
		return BK_ERROR;
	}
	if (!parse_time(jstr(o, "first"), &first)) {
		bk__report_set_error(r, "alert without a valid 'first' time");
		return BK_ERROR;
	}
	if (!json_object_get(o, "last"))
		last = first;
	else if (!parse_time(jstr(o, "last"), &last) || last < first) {
		bk__report_set_error(r, "alert with a bad 'last' time");
		return BK_ERROR;
	}
	r->n_alerts++;
	r->alerts_sev[sev]++;
	if (actor != NULL || ip != NULL) {
		if ((ent = entity_get(r, actor, ip, &rc)) != NULL) {
			if (ent->alerts == 0 || sev > ent->severity)
				ent->severity = sev;
			ent->alerts++;
		} else if (rc != BK_OK) {
			return rc;
		}
	}
	in = incident_get(r, actor, ip, dst, &rc);
	if (in == NULL) {
		if (rc == BK_OK)
			r->incidents_more++;
		return rc;
	}
	alert_figures(o, dst, &records, &rows, &bytes);
	if ((rc = item_fill(&item, o, sev, first, last)) != BK_OK)
		return rc;
	item.records = records;
	item.bytes = bytes;
	if (in->alerts == 0 || sev > in->severity)
		in->severity = sev;
	if (!isnan(item.score) && (isnan(in->score) || item.score > in->score))
		in->score = item.score;
	if (in->first == BK__NO_TIME || first < in->first)
		in->first = first;
	if (in->last == BK__NO_TIME || last > in->last)
		in->last = last;
	in->alerts++;

	/* Each detector's sums; the headline takes the largest (they see the same traffic). */
	det = item.detector;
	size_t d;
	for (d = 0; d < in->ndet && strcmp(in->det[d].detector, det) != 0; d++)
		;
	if (d == in->ndet && in->ndet < BK__INCIDENT_DETECTORS) {
		if ((in->det[d].detector = strdup(det)) == NULL) {
			free_item(&item);
			return BK_NOMEM;
		}
		in->ndet++;
	}
	if (d == BK__INCIDENT_DETECTORS)
		d--;	/* more detectors than slots: the last slot takes the rest */
	in->det[d].records = add_sat(in->det[d].records, records);
	in->det[d].rows = add_sat(in->det[d].rows, rows);
	in->det[d].bytes = add_sat(in->det[d].bytes, bytes);

	if (set_add(in->objects, &in->nobjects, BK__INCIDENT_OBJECTS, &in->objects_more,
		jstr(o, "object")) != BK_OK)
		rc = BK_NOMEM;
	ev = json_object_get(o, "evidence");
	files = json_is_object(ev) ? json_object_get(ev, "files") : NULL;
	for (size_t i = 0; json_is_array(files) && i < json_array_size(files); i++) {
		json_t *f = json_array_get(files, i);

		if (json_is_string(f) && set_add(in->files, &in->nfiles, BK__INCIDENT_FILES, NULL,
		                             json_string_value(f)) != BK_OK)
			rc = BK_NOMEM;
	}

	/* The strongest alert of each detector is kept whole; the rest are counted. */
	size_t k;
	for (k = 0; k < in->nitems && strcmp(in->items[k].detector, det) != 0; k++)
		;
	if (k < in->nitems) {
		if (stronger(&item, &in->items[k])) {
			free_item(&in->items[k]);
			in->items[k] = item;
		} else {
			free_item(&item);
		}
	} else if (in->nitems < BK__INCIDENT_ITEMS) {
		in->items[in->nitems++] = item;
	} else {
		size_t weakest = 0;

		for (k = 1; k < in->nitems; k++)
			if (stronger(&in->items[weakest], &in->items[k]))
				weakest = k;
		if (stronger(&item, &in->items[weakest])) {
			free_item(&in->items[weakest]);
			in->items[weakest] = item;
		} else {
			free_item(&item);
		}
	}
	return rc;
}

/* ---- exposures: findings, inventories, bk-scan summaries ---------------- */

static struct bk__exposure *
exposure_get(bk_report *r, const char *file, const char *table, int *rc)
{
	struct bk__exposure *e;

	/* From the last one back: a file's findings come together. */
	for (size_t i = r->nexposures; i-- > 0;)
		if (strcmp(r->exposures[i].file, file) == 0 && same(r->exposures[i].table, table))
			return &r->exposures[i];
	if (r->nexposures == BK_REPORT_MAX_EXPOSURES) {
		r->exposures_more++;
		return NULL;
	}
	if (r->exposures == NULL &&
	    (r->exposures = calloc(BK_REPORT_MAX_EXPOSURES, sizeof *r->exposures)) == NULL) {
		*rc = BK_NOMEM;
		return NULL;
	}
	e = &r->exposures[r->nexposures];
	*e = (struct bk__exposure){ .file = dup_capped(file), .table = dup_capped(table),
		.rows = -1, .rows_with_pii = -1, .subjects = -1, .distinct = -1 };
	if (e->file == NULL || lost(table, e->table)) {
		free(e->file);
		free(e->table);
		*rc = BK_NOMEM;
		return NULL;
	}
	r->nexposures++;
	return e;
}

/* Adds N to kind NAME of the list, or to *OTHER when the list is full. */
static int
kind_add(struct bk__kind *k, size_t *nk, uint64_t *other, const char *name, uint64_t n)
{
	for (size_t i = 0; i < *nk; i++)
		if (strcmp(k[i].name, name) == 0) {
			k[i].n = add_sat(k[i].n, n);
			return BK_OK;
		}
	if (*nk == BK__KINDS) {
		/* Full: a bigger kind takes the smallest one's place. */
		size_t least = 0;

		for (size_t i = 1; i < *nk; i++)
			if (k[i].n < k[least].n)
				least = i;
		if (k[least].n >= n) {
			*other = add_sat(*other, n);
			return BK_OK;
		}
		char *copy = dup_capped(name);
		if (copy == NULL)
			return BK_NOMEM;
		*other = add_sat(*other, k[least].n);
		free(k[least].name);
		k[least] = (struct bk__kind){ copy, n };
		return BK_OK;
	}
	if ((k[*nk].name = dup_capped(name)) == NULL)
		return BK_NOMEM;
	k[(*nk)++].n = n;
	return BK_OK;
}

static int
add_finding(bk_report *r, json_t *o)
{
	const char *file = jstr(o, "file"), *rule = jstr(o, "rule"), *sevname = jstr(o, "severity");
	enum bk_severity sev;
	struct bk__exposure *e;
	int rc = BK_OK;

	if (file == NULL) {
		bk__report_set_error(r, "finding without a 'file'");
		return BK_ERROR;
	}
	if (sevname == NULL || bk_severity_parse(sevname, &sev) != BK_OK) {
		bk__report_set_error(
		    r, "finding without a known severity (low, medium, high, critical)");
		return BK_ERROR;
	}
	r->n_findings++;
	r->findings_sev[sev]++;
	if ((e = exposure_get(r, file, NULL, &rc)) == NULL)
		return rc;
	if (!e->has_severity || sev > e->severity)
		e->severity = sev;
	e->has_severity = true;
	if (e->scan_summary)
		return BK_OK;	/* the summary's counts already cover it */
	e->findings++;
	return kind_add(e->kinds, &e->nkinds, &e->kinds_other, rule != NULL ? rule : "?", 1);
}

/* The top kinds of a {"kind":N,...} object, or of {"rule":{"findings":N},...} with SUB. */
static int
kinds_from(struct bk__kind *k, size_t *nk, uint64_t *other, json_t *map, const char *sub)
{
	const char *key;
	json_t *v;

	if (!json_is_object(map))
		return BK_OK;
	json_object_foreach(map, key, v) {
		int64_t n = sub != NULL ? (json_is_object(v) ? juint(v, sub) : -1) :
		    json_is_integer(v) ? json_integer_value(v) : -1;

		if (n > 0 && kind_add(k, nk, other, key, (uint64_t)n) != BK_OK)
			return BK_NOMEM;
	}
	return BK_OK;
}

static int
add_inventory(bk_report *r, json_t *o)
{
	const char *file = jstr(o, "file");
	struct bk__exposure *e;
	json_t *cols = json_object_get(o, "columns");
	int rc = BK_OK;
	int64_t subjects = juint(o, "subjects");
	bool exact = !json_is_false(json_object_get(o, "subjects_exact"));

	if (file == NULL) {
		bk__report_set_error(r, "inventory without a 'file'");
		return BK_ERROR;
	}
	r->n_inventories++;
	if (subjects > r->people_max_inventory) {
		r->people_max_inventory = subjects;
		r->people_max_exact = exact;
	}
	if ((e = exposure_get(r, file, jstr(o, "table"), &rc)) == NULL)
		return rc;
	e->inventoried = true;
	e->rows = juint(o, "rows");
	e->rows_with_pii = juint(o, "rows_with_pii");
	e->subjects = subjects;
	e->subjects_exact = exact;
	if (e->format == NULL && jstr(o, "format") != NULL &&
	    (e->format = dup_capped(jstr(o, "format"))) == NULL)
		return BK_NOMEM;
	if (e->encoding == NULL && jstr(o, "encoding") != NULL &&
	    (e->encoding = dup_capped(jstr(o, "encoding"))) == NULL)
		return BK_NOMEM;
	for (size_t i = 0; json_is_array(cols) && i < json_array_size(cols); i++) {
		json_t *c = json_array_get(cols, i);

		if (json_is_object(c) && set_add(e->classes, &e->nclasses, BK__KINDS, NULL,
			jstr(c, "class")) != BK_OK)
			return BK_NOMEM;
	}
	return kinds_from(e->kinds, &e->nkinds, &e->kinds_other, json_object_get(o, "kinds"), NULL);
}

/* bk-scan's per-file summary:
 * {"type":"summary","file":...,"findings":N,"distinct":N,"rules":{...}}. */
static int
add_scan_summary(bk_report *r, json_t *o, const char *file)
{
	struct bk__exposure *e;
	int rc = BK_OK;
	int64_t findings = juint(o, "findings");

	if ((e = exposure_get(r, file, NULL, &rc)) == NULL)
		return rc;
	/* The summary counts the whole file: it replaces findings counted one by one. */
	free_kinds(e->kinds, e->nkinds);
	e->nkinds = 0;
	e->kinds_other = 0;
	e->scan_summary = true;
	e->findings = findings > 0 ? (uint64_t)findings : 0;
	e->distinct = juint(o, "distinct");
	return kinds_from(e->kinds, &e->nkinds, &e->kinds_other, json_object_get(o, "rules"),
	    "findings");
}

/* ---- detector summaries: activity and destinations ---------------------- */

static int
series_add(bk_report *r, json_t *ent, const char *tool, bool *bad)
{
	const char *actor = jstr(ent, "actor"), *ip = jstr(ent, "ip");
	json_t *hours = json_object_get(ent, "hours");
	struct bk__series *s = NULL;
	struct bk__entity *e;
	int rc = BK_OK;
	bool has_distinct = false;

	if ((actor == NULL && ip == NULL) || !json_is_array(hours)) {
		*bad = true;
		return BK_OK;
	}
	for (size_t i = 0; i < json_array_size(hours); i++)
		if (json_is_object(json_array_get(hours, i)) &&
		    juint(json_array_get(hours, i), "distinct") >= 0)
			has_distinct = true;
	if ((e = entity_get(r, actor, ip, &rc)) == NULL && rc != BK_OK)
		return rc;
	for (size_t i = 0; i < r->nseries; i++)
		if (same(r->series[i].actor, actor) && same(r->series[i].ip, ip) &&
		    strcmp(r->series[i].tool, tool) == 0)
			s = &r->series[i];
	if (s == NULL && r->nseries < BK_REPORT_MAX_SERIES) {
		if (r->series == NULL &&
		    (r->series = calloc(BK_REPORT_MAX_SERIES, sizeof *r->series)) == NULL)
			return BK_NOMEM;
		s = &r->series[r->nseries];
		*s = (struct bk__series){ .actor = dup_capped(actor), .ip = dup_capped(ip),
			.tool = tool };
		if (lost(actor, s->actor) || lost(ip, s->ip)) {
			free(s->actor);
			free(s->ip);
			return BK_NOMEM;
		}
		s->unit = strcmp(tool, "bk-exfil") == 0 ? "bytes up"
		          : has_distinct                ? "records"
		                                        : "events";
		r->nseries++;
	} else if (s == NULL) {
		r->series_more++;
	}
	for (size_t i = 0; i < json_array_size(hours); i++) {
		json_t *h = json_array_get(hours, i);
		int64_t t, events, rows, up, v;

		if (!json_is_object(h) || !parse_time(jstr(h, "t"), &t)) {
			*bad = true;
			continue;
		}
		events = juint(h, "events");
		rows = juint(h, "rows");
		up = juint(h, "bytes_in");
		if (e != NULL) {
			e->hours++;
			e->events = add_sat(e->events, events > 0 ? (uint64_t)events : 0);
			if (strcmp(tool, "bk-access") == 0)
				e->rows = add_sat(e->rows, rows > 0 ? (uint64_t)rows : 0);
			else
				e->bytes_up = add_sat(e->bytes_up, up > 0 ? (uint64_t)up : 0);
		}
		if (s == NULL)
			continue;
		v = strcmp(s->unit, "bytes up") == 0 ? up : strcmp(s->unit, "records") == 0 ?
		    juint(h, "distinct") : events;
		if (s->n == BK_REPORT_MAX_HOURS) {
			s->dropped++;
			continue;
		}
		if (bk__grow(&s->pts, &s->cap, s->n, sizeof *s->pts) != BK_OK)
			return BK_NOMEM;
		s->pts[s->n++] = (struct bk__point){ t, v > 0 ? (double)v : 0 };
	}
	return BK_OK;
}

static int
dest_add(bk_report *r, const char *dst, uint64_t bytes_in, uint64_t conns, uint64_t sources)
{
	struct bk__destination *d = NULL;

	for (size_t i = 0; i < r->ndests; i++)
		if (strcmp(r->dests[i].dst, dst) == 0)
			d = &r->dests[i];
	if (d == NULL) {
		if (r->ndests == BK_REPORT_MAX_DESTINATIONS) {
			r->dests_more++;
			return BK_OK;
		}
		if (r->dests == NULL &&
		    (r->dests = calloc(BK_REPORT_MAX_DESTINATIONS, sizeof *r->dests)) == NULL)
			return BK_NOMEM;
		d = &r->dests[r->ndests];
		*d = (struct bk__destination){ .dst = dup_capped(dst) };
		if (d->dst == NULL)
			return BK_NOMEM;
		r->ndests++;
	}
	d->bytes_in = add_sat(d->bytes_in, bytes_in);
	d->connections = add_sat(d->connections, conns);
	d->sources = sources > d->sources ? sources : d->sources;
	return BK_OK;
}

static int
add_detector_summary(bk_report *r, json_t *o, const char *tool)
{
	json_t *act = json_object_get(o, "activity"), *dests = json_object_get(o, "destinations");
	int64_t first, last, events = juint(o, "events");
	bool bad = false;
	int rc;

	if (parse_time(jstr(o, "first"), &first) && parse_time(jstr(o, "last"), &last))
		cover(r, first, last);
	if (events > 0 && strcmp(tool, "bk-access") == 0)
		r->events = add_sat(r->events, (uint64_t)events);
	for (size_t i = 0; json_is_array(act) && i < json_array_size(act); i++)
		if ((rc = series_add(r, json_array_get(act, i), tool, &bad)) != BK_OK)
			return rc;
	/* Destinations measured by a summary; only without one do alerts stand in (finish). */
	if (json_is_array(dests))
		r->dests_from_summary = true;
	for (size_t i = 0; json_is_array(dests) && i < json_array_size(dests); i++) {
		json_t *d = json_array_get(dests, i);
		int64_t b, c, s;

		if (!json_is_object(d) || jstr(d, "dst") == NULL) {
			bad = true;
			continue;
		}
		b = juint(d, "bytes_in");
		c = juint(d, "connections");
		s = juint(d, "sources");
		if ((rc = dest_add(r, jstr(d, "dst"), b > 0 ? (uint64_t)b : 0,
		         c > 0 ? (uint64_t)c : 0, s > 0 ? (uint64_t)s : 0)) != BK_OK)
			return rc;
	}
	if (act != NULL && !json_is_array(act))
		bad = true;
	if (bad) {
		bk__report_set_error(r,
		    "%s summary: a malformed entry in 'activity' or 'destinations' was "
		    "skipped",
		    tool);
		return BK_ERROR;
	}
	return BK_OK;
}

static int
add_records_summary(bk_report *r, json_t *o)
{
	int64_t subjects = juint(o, "subjects");
	uint64_t other = 0;

	if (subjects < 0) {
		bk__report_set_error(r, "bk-records summary without 'subjects'");
		return BK_ERROR;
	}
	r->people_summaries++;
	r->people_sum = add_sat(r->people_sum, (uint64_t)subjects);
	if (json_is_false(json_object_get(o, "subjects_exact")) || r->people_summaries > 1)
		r->people_sum_exact = false;
	return kinds_from(r->people_kinds, &r->npeople_kinds, &other,
	    json_object_get(o, "subjects_by_kind"), NULL);
}

static int
add_summary(bk_report *r, json_t *o)
{
	const char *tool = jstr(o, "tool");

	if (tool == NULL && jstr(o, "file") != NULL) {
		r->n_summaries++;
		return add_scan_summary(r, o, jstr(o, "file"));
	}
	if (tool == NULL) {
		r->n_ignored++;
		return BK_OK;
	}
	if (strcmp(tool, "bk-access") == 0 || strcmp(tool, "bk-exfil") == 0) {
		r->n_summaries++;
		return add_detector_summary(r, o, strcmp(tool, "bk-access") == 0 ? "bk-access" :
		    "bk-exfil");
	}
	if (strcmp(tool, "bk-records") == 0) {
		r->n_summaries++;
		return add_records_summary(r, o);
	}
	r->n_ignored++;	/* bk-report's own, or a tool it does not know */
	return BK_OK;
}

int
bk_report_add(bk_report *r, const bk_record *rec)
{
	json_t *o = bk__record_json(rec);
	const char *type = bk_record_type(rec);
	int rc;

	if (strcmp(type, "alert") == 0)
		rc = add_alert(r, o);
	else if (strcmp(type, "finding") == 0)
		rc = add_finding(r, o);
	else if (strcmp(type, "inventory") == 0)
		rc = add_inventory(r, o);
	else if (strcmp(type, "summary") == 0)
		rc = add_summary(r, o);
	else {
		r->n_ignored++;
		rc = BK_OK;
	}
	if (rc == BK_ERROR)
		r->n_invalid++;
	if (rc == BK_NOMEM)
		bk__report_set_error(r, "out of memory");
	return rc;
}

/* ---- finishing ---------------------------------------------------------- */

static int
cmp_incidents(const void *pa, const void *pb)
{
	const struct bk__incident *a = pa, *b = pb;
	double sa = isnan(a->score) ? -1 : a->score, sb = isnan(b->score) ? -1 : b->score;

	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (sa != sb)
		return sa > sb ? -1 : 1;
	if (a->records + a->bytes != b->records + b->bytes)
		return a->records + a->bytes > b->records + b->bytes ? -1 : 1;
	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return 0;
}

static int
cmp_items(const void *pa, const void *pb)
{
	const struct bk__ralert *a = *(const struct bk__ralert *const *)pa;
	const struct bk__ralert *b = *(const struct bk__ralert *const *)pb;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	if (a->incident->rank != b->incident->rank)
		return a->incident->rank < b->incident->rank ? -1 : 1;
	return strcmp(a->detector, b->detector);
}

static int
cmp_exposures(const void *pa, const void *pb)
{
	const struct bk__exposure *a = pa, *b = pb;

	if (a->subjects != b->subjects)
		return a->subjects > b->subjects ? -1 : 1;
	if (a->findings != b->findings)
		return a->findings > b->findings ? -1 : 1;
	if (a->rows_with_pii != b->rows_with_pii)
		return a->rows_with_pii > b->rows_with_pii ? -1 : 1;
	int c = strcmp(a->file, b->file);
	return c != 0 ? c : strcmp(a->table ? a->table : "", b->table ? b->table : "");
}

static int
cmp_entities(const void *pa, const void *pb)
{
	const struct bk__entity *a = pa, *b = pb;
	int sa = a->alerts > 0 ? (int)a->severity : -1, sb = b->alerts > 0 ? (int)b->severity : -1;

	if (sa != sb)
		return sa > sb ? -1 : 1;
	if (a->alerts != b->alerts)
		return a->alerts > b->alerts ? -1 : 1;
	if (a->events != b->events)
		return a->events > b->events ? -1 : 1;
	int c = strcmp(a->actor ? a->actor : "", b->actor ? b->actor : "");
	return c != 0 ? c : strcmp(a->ip ? a->ip : "", b->ip ? b->ip : "");
}

static int
cmp_dests(const void *pa, const void *pb)
{
	const struct bk__destination *a = pa, *b = pb;

	if (a->bytes_in != b->bytes_in)
		return a->bytes_in > b->bytes_in ? -1 : 1;
	return strcmp(a->dst, b->dst);
}

static int
cmp_kinds(const void *pa, const void *pb)
{
	const struct bk__kind *a = pa, *b = pb;

	if (a->n != b->n)
		return a->n > b->n ? -1 : 1;
	return strcmp(a->name, b->name);
}

void
bk_report_finish(bk_report *r)
{
	size_t n = 0;

	if (r->finished)
		return;
	r->finished = true;
	for (size_t i = 0; i < r->nincidents; i++) {
		struct bk__incident *in = &r->incidents[i];
		uint64_t rows = 0;

		for (size_t d = 0; d < in->ndet; d++) {
			if (in->det[d].records > in->records)
				in->records = in->det[d].records;
			if (in->det[d].rows > rows)
				rows = in->det[d].rows;
			if (in->det[d].bytes > in->bytes)
				in->bytes = in->det[d].bytes;
		}
		if (in->records == 0)
			in->records = rows;
	}
	if (r->nincidents > 0)
		qsort(r->incidents, r->nincidents, sizeof *r->incidents, cmp_incidents);
	for (size_t i = 0; i < r->nincidents; i++) {
		struct bk__incident *in = &r->incidents[i];

		in->rank = (unsigned)i + 1;
		r->records_read = add_sat(r->records_read, in->records);
		r->bytes_out = add_sat(r->bytes_out, in->bytes);
		n += in->nitems;
		for (size_t k = 0; k < in->nitems; k++)
			in->items[k].incident = in;
		/* Destinations named by alerts: marked, or counted when no summary measured them.
		 */
		if (in->dst != NULL) {
			if (!r->dests_from_summary &&
			    dest_add(r, in->dst, in->bytes, 0, 0) != BK_OK)
				continue;
			for (size_t d = 0; d < r->ndests; d++)
				if (strcmp(r->dests[d].dst, in->dst) == 0)
					r->dests[d].alerted = true;
		}
	}
	if (n > 0 && (r->timeline = malloc(n * sizeof *r->timeline)) != NULL) {
		for (size_t i = 0; i < r->nincidents; i++)
			for (size_t k = 0; k < r->incidents[i].nitems; k++)
				r->timeline[r->ntimeline++] = &r->incidents[i].items[k];
		qsort(r->timeline, r->ntimeline, sizeof *r->timeline, cmp_items);
	}
	if (r->nexposures > 0)
		qsort(r->exposures, r->nexposures, sizeof *r->exposures, cmp_exposures);
	for (size_t i = 0; i < r->nexposures; i++)
		if (r->exposures[i].nkinds > 0)
			qsort(r->exposures[i].kinds, r->exposures[i].nkinds,
			    sizeof(struct bk__kind), cmp_kinds);
	if (r->npeople_kinds > 0)
		qsort(r->people_kinds, r->npeople_kinds, sizeof *r->people_kinds, cmp_kinds);
	if (r->nentities > 0)
		qsort(r->entities, r->nentities, sizeof *r->entities, cmp_entities);
	if (r->ndests > 0)
		qsort(r->dests, r->ndests, sizeof *r->dests, cmp_dests);
}

bool
bk_report_reaches(const bk_report *r, enum bk_severity severity)
{
	for (int s = (int)severity; s <= BK_SEVERITY_CRITICAL; s++)
		if (r->alerts_sev[s] > 0 || r->findings_sev[s] > 0)
			return true;
	return false;
}

uint64_t
bk__report_people(const bk_report *r, bool *exact, bool *known)
{
	*known = true;
	if (r->people_summaries > 0) {
		*exact = r->people_sum_exact;
		return r->people_sum;
	}
	if (r->people_max_inventory >= 0) {
		/* Inventories may share people: the largest is a lower bound when there are more.
		 */
		*exact = r->people_max_exact && r->n_inventories == 1;
		return (uint64_t)r->people_max_inventory;
	}
	*known = false;
	*exact = true;
	return 0;
}

void
bk__report_entity_label(const char *actor, const char *ip, const char *dst, char *buf,
    size_t size)
{
	snprintf(buf, size, "%s%s%s%s%s", actor != NULL ? actor : "",
	    actor != NULL && ip != NULL ? " @ " : "", ip != NULL ? ip : "",
	    dst != NULL ? (actor != NULL || ip != NULL ? " -> " : "-> ") : "",
	    dst != NULL ? dst : "");
	if (*buf == '\0')
		snprintf(buf, size, "(no entity)");
}

void
bk__report_figure(const struct bk__ralert *a, char *buf, size_t size)
{
	char num[32];
	size_t o;

	*buf = '\0';
	if (isnan(a->value) || a->metric == NULL || a->value < 0 || a->value >= 1e18)
		return;
	if (strstr(a->metric, "bytes") != NULL) {
		snprintf(buf, size, "%s", bk_fmt_bytes(num, sizeof num, (uint64_t)a->value));
		return;
	}
	if (a->value < 1000 && a->value != floor(a->value)) {
		/* A score or a ratio (a beacon's 0.93): not a count. */
		snprintf(buf, size, "%s %.2f", a->metric, a->value);
		return;
	}
	snprintf(buf, size, "%s %s", bk_fmt_count(num, sizeof num, (uint64_t)a->value), a->metric);
	for (o = strlen(num); buf[o] != '\0'; o++)
		if (buf[o] == '_')
			buf[o] = ' ';
}

void
bk__report_time_short(int64_t ms, char *buf, size_t size)
{
	char full[25];

	if (ms == BK__NO_TIME || bk__time_rfc3339(full, ms) == 0) {
		snprintf(buf, size, "-");
		return;
	}
	snprintf(buf, size, "%.10s %.5s", full, full + 11);
}
