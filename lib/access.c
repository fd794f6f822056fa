/*
 * access.c - bulk personal-record access detectors; see access.h and, for
 * the data structures, access-private.h.
 *
 * An event goes to its entity (found by hash, created when new, the least
 * recent one evicted when the table is full) and to the bucket of its time;
 * per-event detectors (full-read, new-access) record a hit at once. Each
 * time the stream's clock, less the reorder tolerance, passes a bucket
 * boundary, a sweep evaluates the windows that are now complete - those
 * that start at a bucket with events: a window starting at an empty bucket
 * holds no more than the one starting at the next busy bucket - and drops
 * their first bucket. A window that alerts flags its buckets, and when a
 * flagged bucket is dropped its events, rows, bytes and evidence go to the
 * entity's incident for that detector, so overlapping windows count each
 * event once.
 *
 * The tables themselves (names, entities, lists, pools) are access-table.c;
 * state records, alerts and the summary are access-state.c.
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access-private.h"
#include "hash-private.h"
#include "privacy.h"
#include "util-private.h"

#define MS_HOUR INT64_C(3600000)
#define MS_DAY INT64_C(86400000)
#define HOURS_MAX 744		/* activity hours kept per entity (31 days) */

const bk_conf_key bk_access_keys[] = {
	{ "entity.by", BK_CONF_STRING, "both", "what an entity is: actor, ip or both" },
	{ "bulk_distinct.threshold", BK_CONF_INT, "200",
	    "distinct records in a window that alert (at or above)" },
	{ "bulk_distinct.window", BK_CONF_DURATION, "1h", "the sliding window (steps of 1/4)" },
	{ "full_read.endpoints", BK_CONF_LIST, "/export/, /download/, /dump/",
	    "URL prefixes that hand out whole tables" },
	{ "enumeration.min_run", BK_CONF_INT, "50", "sequential ids in a run that alert" },
	{ "enumeration.max_gap", BK_CONF_INT, "2", "largest step between ids of one run" },
	{ "volume.rows", BK_CONF_INT, "5000", "rows sent to an entity in a window that alert" },
	{ "volume.bytes", BK_CONF_BYTES, "100MB", "bytes sent to an entity in a window that alert" },
	{ "off_hours.tz", BK_CONF_STRING, "UTC", "zone of the business hours" },
	{ "off_hours.hours", BK_CONF_HOURS, "08:00-20:00", "business hours" },
	{ "off_hours.workdays", BK_CONF_DAYS, "Mon-Fri", "business days" },
	{ "off_hours.threshold", BK_CONF_INT, "50",
	    "distinct records read outside business hours that alert" },
	{ "new_access.enabled", BK_CONF_BOOL, "true", "with a baseline, report objects never touched" },
	{ "sensitive.tables", BK_CONF_LIST, "persons", "tables holding personal data" },
	{ "sensitive.url_prefixes", BK_CONF_LIST, "/api/persons", "URL prefixes of personal data" },
	{ "sensitive.paths", BK_CONF_LIST, "", "file paths (prefixes) holding personal data" },
	{ "baseline.z", BK_CONF_DOUBLE, "3.5", "robust z-score above the baseline that alerts" },
	{ "baseline.mad_floor", BK_CONF_DOUBLE, "1", "smallest MAD used in a z-score" },
	{ "baseline.min_samples", BK_CONF_INT, "3", "windows an entity needs for its own baseline" },
	{ "baseline.peer_groups", BK_CONF_LIST, "",
	    "PATTERN=GROUP pairs (shell patterns on the entity name)" },
	{ "state.max_entities", BK_CONF_INT, "100000", "entities held at once" },
	{ "state.exact", BK_CONF_INT, "1024", "distinct values counted exactly per counter" },
	{ "state.precision", BK_CONF_INT, "12", "HyperLogLog precision past that (4-18)" },
	{ "state.tolerance", BK_CONF_DURATION, "5m", "how far out of order events may come" },
};
const size_t bk_access_nkeys = sizeof bk_access_keys / sizeof bk_access_keys[0];

static const char *const det_names[BK__DET_N] = {
	"bulk-distinct", "full-read", "enumeration", "volume", "off-hours", "new-access",
};

const char *
bk__acc_det_name(enum bk__acc_det d)
{
	return det_names[d];
}

int
bk__acc_det_parse(const char *name)
{
	for (int i = 0; i < BK__DET_N; i++)
		if (strcmp(name, det_names[i]) == 0)
			return i;
	return -1;
}

/* Full-read kinds, for the reason and the "kinds" key. */
const char *const bk__acc_full_kinds[BK__ACC_NFULLKINDS] = {
	"select-all", "copy-out", "select-into-outfile", "dump-client", "export",
};

/* ---- setup -------------------------------------------------------------- */

static char *
xdup(const char *s)
{
	return s != NULL ? bk__dup_bytes(s, strlen(s)) : NULL;
}

bk_access *
bk_access_new(const bk_detectconf *conf, enum bk_access_mode mode, bk_baseline *base,
    bk_writer *state_out, char **err)
{
	bk_access *a = calloc(1, sizeof *a);
	const char *by, *const *pg;
	size_t npg;

	if (err != NULL)
		*err = NULL;
	if (a == NULL)
		return NULL;
	a->mode = mode;
	a->base = base;
	a->state_out = state_out;
	a->conf = conf;
	by = bk_detectconf_str(conf, "entity.by");
	if (strcmp(by, "both") == 0)
		a->by = 0;
	else if (strcmp(by, "actor") == 0)
		a->by = 1;
	else if (strcmp(by, "ip") == 0)
		a->by = 2;
	else {
		bk__set_err(err, "entity.by: expected actor, ip or both, not '%s'", by);
		goto fail;
	}
	a->window = bk_detectconf_duration(conf, "bulk_distinct.window");
	if (a->window < BK__ACC_K * 1000 || a->window % BK__ACC_K != 0) {
		bk__set_err(err, "bulk_distinct.window: at least 4 s, in whole milliseconds / 4");
		goto fail;
	}
	a->bw = a->window / BK__ACC_K;
	a->window_text = xdup(bk_detectconf_text(conf, "bulk_distinct.window"));
	a->tolerance = bk_detectconf_duration(conf, "state.tolerance");
	a->bulk_threshold = bk_detectconf_int(conf, "bulk_distinct.threshold");
	a->enum_min_run = bk_detectconf_int(conf, "enumeration.min_run");
	a->enum_max_gap = bk_detectconf_int(conf, "enumeration.max_gap");
	if (a->enum_max_gap < 1)
		a->enum_max_gap = 1;
	a->vol_rows = (uint64_t)bk_detectconf_int(conf, "volume.rows");
	a->vol_bytes = bk_detectconf_bytes(conf, "volume.bytes");
	a->off_threshold = bk_detectconf_int(conf, "off_hours.threshold");
	a->zmin = bk_detectconf_double(conf, "baseline.z");
	a->mad_floor = bk_detectconf_double(conf, "baseline.mad_floor");
	if (a->mad_floor <= 0)
		a->mad_floor = 1e-9;
	a->min_samples = bk_detectconf_int(conf, "baseline.min_samples");
	a->new_access = bk_detectconf_bool(conf, "new_access.enabled");
	if ((a->tz = bk_tz_open(bk_detectconf_str(conf, "off_hours.tz"), err)) == NULL) {
		if (err != NULL && *err != NULL) {
			char *m = bk__errf("off_hours.tz: %s", *err);

			free(*err);
			*err = m;
		}
		goto fail;
	}
	bk_detectconf_hours(conf, "off_hours.hours", &a->hours_start, &a->hours_end);
	a->workdays = bk_detectconf_days(conf, "off_hours.workdays");
	a->hours_text = xdup(bk_detectconf_text(conf, "off_hours.hours"));
	a->ntables = bk_detectconf_list(conf, "sensitive.tables", &a->tables);
	a->nprefixes = bk_detectconf_list(conf, "sensitive.url_prefixes", &a->prefixes);
	a->npaths = bk_detectconf_list(conf, "sensitive.paths", &a->paths);
	a->nendpoints = bk_detectconf_list(conf, "full_read.endpoints", &a->endpoints);
	if ((a->lens = calloc(a->ntables + a->nprefixes + a->npaths + a->nendpoints + 1,
	    sizeof *a->lens)) == NULL)
		goto fail;
	a->table_len = a->lens;
	a->prefix_len = a->table_len + a->ntables;
	a->path_len = a->prefix_len + a->nprefixes;
	a->endpoint_len = a->path_len + a->npaths;
	for (size_t i = 0; i < a->ntables; i++)
		a->table_len[i] = strlen(a->tables[i]);
	for (size_t i = 0; i < a->nprefixes; i++)
		a->prefix_len[i] = strlen(a->prefixes[i]);
	for (size_t i = 0; i < a->npaths; i++)
		a->path_len[i] = strlen(a->paths[i]);
	for (size_t i = 0; i < a->nendpoints; i++)
		a->endpoint_len[i] = strlen(a->endpoints[i]);
	npg = bk_detectconf_list(conf, "baseline.peer_groups", &pg);
	if (npg > 0 && ((a->peer_pat = calloc(npg, sizeof(char *))) == NULL ||
	    (a->peer_grp = calloc(npg, sizeof(char *))) == NULL))
		goto fail;
	for (size_t i = 0; i < npg; i++) {
		const char *eq = strrchr(pg[i], '=');

		if (eq == NULL || eq == pg[i] || eq[1] == '\0') {
			bk__set_err(err, "baseline.peer_groups: expected PATTERN=GROUP, not '%s'",
			    pg[i]);
			goto fail;
		}
		a->peer_pat[i] = bk__dup_bytes(pg[i], (size_t)(eq - pg[i]));
		a->peer_grp[i] = xdup(eq + 1);
		a->npeers++;
		if (a->peer_pat[i] == NULL || a->peer_grp[i] == NULL)
			goto fail;
	}
	a->max_entities = (size_t)bk_detectconf_int(conf, "state.max_entities");
	if (a->max_entities < 1)
		a->max_entities = 1;
	a->exact = (size_t)bk_detectconf_int(conf, "state.exact");
	a->precision = (unsigned)bk_detectconf_int(conf, "state.precision");
	if ((a->sensitive = bk_valueset_new()) == NULL ||
	    (a->entities_seen = bk_distinct_new(4096, 14)) == NULL || a->window_text == NULL ||
	    a->hours_text == NULL)
		goto fail;
	a->swept = INT64_MIN;
	a->sweep_at = INT64_MIN;
	a->bcur_start = a->bcur_end = INT64_MIN;
	a->last_file = UINT32_MAX;
	a->lru_first = a->lru_last = UINT32_MAX;
	return a;
fail:
	bk_access_free(a);
	return NULL;
}

void
bk_access_free(bk_access *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->nslots; i++)
		if (a->slots[i].e != NULL)
			bk__acc_entity_free(a, a->slots[i].e);
	bk__acc_pools_free(a);
	free(a->slots);
	free(a->byid);
	free(a->lru);
	free(a->freeids);
	for (size_t i = 0; i < a->ninc; i++) {
		struct bk__incident *in = a->inc[i];

		free(in->key);
		free(in->actor);
		free(in->ip);
		free(in->name);
		free(in->object);
		free(in->reason);
		for (size_t j = 0; j < in->nobjects; j++)
			free(in->objects[j]);
		free(in);
	}
	free(a->inc);
	free(a->alerts);
	for (size_t i = 0; i < a->ntop; i++) {
		free(a->top[i].actor);
		free(a->top[i].ip);
		free(a->top[i].hours);
	}
	for (size_t i = 0; i < a->nspare; i++)
		bk_distinct_free(a->spare[i]);
	free(a->spare);
	for (size_t i = 0; i < a->nspare_seq; i++)
		free(a->spare_seq[i]);
	free(a->spare_seq);
	free(a->spare_seqcap);
	free(a->scratch);
	free(a->idscratch);
	free(a->lens);
	for (size_t i = 0; i < a->npeers; i++) {
		free(a->peer_pat[i]);
		free(a->peer_grp[i]);
	}
	free(a->peer_pat);
	free(a->peer_grp);
	bk__acc_tab_free(&a->files);
	bk__acc_tab_free(&a->colls);
	bk_tz_free(a->tz);
	bk_valueset_free(a->sensitive);
	bk_distinct_free(a->entities_seen);
	free(a->window_text);
	free(a->hours_text);
	free(a);
}

void
bk_access_keep_activity(bk_access *a)
{
	a->activity = true;
}

const char *
bk_access_error(const bk_access *a)
{
	return a->err;
}

uint64_t
bk_access_events(const bk_access *a)
{
	return a->events;
}

uint64_t
bk_access_skipped(const bk_access *a)
{
	return a->skipped;
}

uint64_t
bk_access_evicted(const bk_access *a)
{
	return a->evicted;
}

uint64_t
bk_access_late(const bk_access *a)
{
	return a->late;
}

/* ---- sensitive objects -------------------------------------------------- */

/* Lower-cased NAME into the sensitive set. */
int
bk_access_sensitive_add(bk_access *a, const char *object)
{
	size_t n = strlen(object);
	char *low = bk__dup_bytes(object, n);
	int rc;

	if (low == NULL)
		return BK_NOMEM;
	for (size_t i = 0; i < n; i++)
		low[i] = bk__lower(low[i]);
	rc = bk_valueset_add(a->sensitive, low, n);
	free(low);
	return rc;
}

void
bk_access_sensitive_record(bk_access *a, const bk_record *rec)
{
	const char *type = bk_record_type(rec), *s;

	if (strcmp(type, "finding") != 0 && strcmp(type, "inventory") != 0)
		return;
	if ((s = bk_record_str(rec, "table")) != NULL && *s != '\0') {
		const char *dot = strrchr(s, '.');

		bk_access_sensitive_add(a, dot != NULL ? dot + 1 : s);
	}
	if ((s = bk_record_str(rec, "file")) != NULL && *s != '\0')
		bk_access_sensitive_add(a, s);
}

/*
 * The bytes left out of a collection's name, a bit each: quotes and
 * brackets, and NUL, so that a name is a C string whose bytes are all of
 * it (names are interned, compared and written as such).
 */
static const uint64_t coll_drop[4] = {
	UINT64_C(1) << 0 | UINT64_C(1) << '"',
	UINT64_C(1) << ('[' - 64) | UINT64_C(1) << (']' - 64) | UINT64_C(1) << ('`' - 64),
	0, 0
};

/*
 * The collection an event's records belong to, into BUF (CAP bytes): a
 * table's last name part, lower-cased and unquoted (public.persons:
 * persons); for a URL or path, the last segment that is not a record id,
 * without its extension (/api/persons/1001: persons).
 */
static size_t
collection(const bk_event *ev, char *buf, size_t cap)
{
	const char *o = ev->str[BK_EV_OBJECT].ptr, *end, *seg = NULL;
	size_t len = ev->str[BK_EV_OBJECT].len, n = 0;

	if (o == NULL || len == 0)
		return 0;
	if (o[0] == '/') {
		const char *q = memchr(o, '?', len);

		end = q != NULL ? q : o + len;
		while (end > o) {
			const char *s = end;
			bool is_id = false;

			const char *slash = memrchr(o, '/', (size_t)(end - o));

			s = slash != NULL ? slash + 1 : o;
			for (size_t i = 0; i < ev->nids && !is_id; i++)
				is_id = ev->ids[i].len == (size_t)(end - s) &&
				    memcmp(ev->ids[i].ptr, s, ev->ids[i].len) == 0;
			if (end > s && !is_id && !bk__is_digit(*s)) {
				const char *dot = memchr(s, '.', (size_t)(end - s));

				seg = s;
				if (dot != NULL && dot > s)
					end = dot;
				break;
			}
			end = s > o ? s - 1 : o;
		}
		if (seg == NULL)
			return 0;
		o = seg;
		len = (size_t)(end - seg);
	} else {
		for (size_t i = len; i > 0; i--)
			if (o[i - 1] == '.') {
				o += i;
				len -= i;
				break;
			}
	}
	/* Every byte is written, and kept unless dropped: no branch per byte. */
	for (size_t i = 0; i < len && n + 1 < cap; i++) {
		unsigned char c = (unsigned char)o[i];

		buf[n] = bk__lower((char)c);
		n += !((coll_drop[c >> 6] >> (c & 63)) & 1);
	}
	return n;
}

static bool
span_is(const bk_span *s, const char *w)
{
	return s->ptr != NULL && s->len == strlen(w) && memcmp(s->ptr, w, s->len) == 0;
}

/*
 * Whether S starts with P of N bytes (an empty P never matches). Every
 * event is tried against each configured prefix, and URL prefixes all
 * start with '/': their first eight bytes are compared as one word, which
 * tells most of them apart at once, and a short one byte by byte rather
 * than through a call to memcmp.
 */
static inline bool
has_prefix(const bk_span *s, const char *p, size_t n)
{
	uint64_t x, y;
	size_t i = 0;

	if (n == 0 || s->len < n)
		return false;
	if (n >= 8) {
		memcpy(&x, s->ptr, 8);
		memcpy(&y, p, 8);
		if (x != y)
			return false;
		i = 8;
	}
	for (; i < n; i++)
		if (s->ptr[i] != p[i])
			return false;
	return true;
}

/* Whether the event's object holds personal data. */
static bool
sensitive(const bk_access *a, const bk_event *ev, const char *coll, size_t clen)
{
	const bk_span *o = &ev->str[BK_EV_OBJECT];

	if (o->ptr == NULL)
		return false;
	if (o->len > 0 && o->ptr[0] == '/') {
		for (size_t i = 0; i < a->nprefixes; i++)
			if (has_prefix(o, a->prefixes[i], a->prefix_len[i]))
				return true;
		for (size_t i = 0; i < a->npaths; i++)
			if (has_prefix(o, a->paths[i], a->path_len[i]))
				return true;
		for (size_t i = 0; i < a->nendpoints; i++)
			if (has_prefix(o, a->endpoints[i], a->endpoint_len[i]))
				return true;
	} else {
		for (size_t i = 0; i < a->ntables; i++)
			if (a->table_len[i] == clen && strncasecmp(a->tables[i], coll, clen) == 0)
				return true;
	}
	if (bk_valueset_count(a->sensitive) > 0) {
		char low[512];
		size_t n = o->len < sizeof low ? o->len : sizeof low;

		for (size_t i = 0; i < n; i++)
			low[i] = bk__lower(o->ptr[i]);
		if (bk_valueset_has(a->sensitive, coll, clen) || bk_valueset_has(a->sensitive, low, n))
			return true;
	}
	return false;
}

/* The full-read kind of EV (bit in the kinds mask), or 0. */
static unsigned
full_kind(const bk_access *a, const bk_event *ev)
{
	const bk_span *st = &ev->str[BK_EV_STMT], *m = &ev->str[BK_EV_METHOD];
	const bk_span *o = &ev->str[BK_EV_OBJECT];

	if (st->ptr != NULL) {
		for (size_t k = 1; k < 4; k++)
			if (span_is(st, bk__acc_full_kinds[k]))
				return 1u << k;
		if (st->len == 6 && memcmp(st->ptr, "select", 6) == 0 && ev->where == 0)
			return 1u << 0;
	}
	if (o->ptr != NULL && o->len > 0 && o->ptr[0] == '/') {
		if (m->ptr != NULL && m->len == 4 && memcmp(m->ptr, "HEAD", 4) == 0)
			return 0;
		if (ev->bytes_out == 0)
			return 0;
		for (size_t i = 0; i < a->nendpoints; i++)
			if (has_prefix(o, a->endpoints[i], a->endpoint_len[i]))
				return 1u << 4;
	}
	return 0;
}

/* ---- incidents ---------------------------------------------------------- */

static struct bk__incident *
incident(bk_access *a, struct bk__entity *e, enum bk__acc_det det)
{
	struct bk__incident *in;

	if (e->inc[det] != NULL)
		return e->inc[det];
	/* An entity evicted and back again finds its incident by name. */
	for (size_t i = a->ninc; i > 0; i--) {
		in = a->inc[i - 1];
		if (in->det == det && strcmp(in->name, e->name) == 0 &&
		    ((in->actor == NULL) == (e->actor == NULL)) &&
		    ((in->ip == NULL) == (e->ip == NULL)))
			return e->inc[det] = in;
	}
	if (bk__grow(&a->inc, &a->inccap, a->ninc, sizeof *a->inc) != BK_OK ||
	    (in = calloc(1, sizeof *in)) == NULL)
		return NULL;
	in->det = det;
	in->name = xdup(e->name);
	in->actor = xdup(e->actor);
	in->ip = xdup(e->ip);
	in->first = INT64_MAX;
	in->last = INT64_MIN;
	in->value = -1;
	in->threshold = BK_ALERT_NONE;
	if (in->name == NULL || (e->actor != NULL && in->actor == NULL) ||
	    (e->ip != NULL && in->ip == NULL)) {
		free(in->name);
		free(in->actor);
		free(in->ip);
		free(in);
		return NULL;
	}
	a->inc[a->ninc++] = in;
	e->inc[det] = in;
	return in;
}

static void
incident_samples(bk_access *a, struct bk__incident *in, const struct bk__sample *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		bk__acc_sample_add(a, in->ev, &in->nev, BK__ACC_EVIDENCE, &s[i]);
}

int
bk__acc_hit(bk_access *a, struct bk__entity *e, enum bk__acc_det det, int64_t ts, uint32_t file,
    uint64_t line, const char *object, int64_t rows, int64_t bytes, unsigned kinds, const char *id,
    size_t idlen)
{
	struct bk__incident *in;
	struct bk__sample s = { .ts = ts, .file = file, .line = line };

	if (a->mode == BK_ACCESS_STATE)
		return bk__acc_write_hit(a, e, det, ts, file, line, object, rows, bytes, kinds, id,
		    idlen);
	if ((in = incident(a, e, det)) == NULL)
		return BK_NOMEM;
	if (ts < in->first)
		in->first = ts;
	if (ts > in->last)
		in->last = ts;
	in->count++;
	if (rows >= 0 && rows != BK_EVENT_NONE) {
		in->rows += (uint64_t)rows;
		in->has_rows = true;
	}
	if (bytes >= 0 && bytes != BK_EVENT_NONE) {
		in->bytes += (uint64_t)bytes;
		in->has_bytes = true;
	}
	in->kinds |= kinds;
	if (object != NULL) {
		bool have = false;

		for (size_t i = 0; i < in->nobjects && !have; i++)
			have = strcmp(in->objects[i], object) == 0;
		if (!have && in->nobjects < sizeof in->objects / sizeof in->objects[0]) {
			/* Kept sorted, so the order of arrival does not matter. */
			size_t i = in->nobjects;
			char *copy = xdup(object);

			if (copy == NULL)
				return BK_NOMEM;
			while (i > 0 && strcmp(in->objects[i - 1], copy) > 0) {
				in->objects[i] = in->objects[i - 1];
				i--;
			}
			in->objects[i] = copy;
			in->nobjects++;
		}
	}
	if (idlen > BK__ACC_ID_MAX)
		idlen = BK__ACC_ID_MAX;
	if (id != NULL) {
		memcpy(s.id, id, idlen);
		s.idlen = (uint8_t)idlen;
	}
	bk__acc_sample_add(a, in->ev, &in->nev, BK__ACC_EVIDENCE, &s);
	return BK_OK;
}

/* ---- windows ------------------------------------------------------------ */

/* The peer group of E: the first configured pattern matching its name, else its kind. */
static const char *
peer_group(const bk_access *a, const struct bk__entity *e)
{
	for (size_t i = 0; i < a->npeers; i++)
		if (fnmatch(a->peer_pat[i], e->name, 0) == 0)
			return a->peer_grp[i];
	if (e->actor != NULL && e->ip != NULL)
		return "actor+ip";
	return e->actor != NULL ? "actor" : "ip";
}

struct score {
	bk_stats own, peer;
	bool has_own, has_peer;
};

/* Whether VALUE of METRIC is far enough above E's baseline (true without one). */
static bool
above_baseline(const bk_access *a, const struct bk__entity *e, const char *metric, double value,
    struct score *sc)
{
	memset(sc, 0, sizeof *sc);
	if (a->base == NULL)
		return true;
	sc->has_own = bk_baseline_entity(a->base, e->name, metric, &sc->own) &&
	    sc->own.n >= (uint64_t)a->min_samples;
	sc->has_peer = bk_baseline_peer(a->base, peer_group(a, e), metric, &sc->peer);
	if (sc->has_own)
		return bk_robust_z(value, &sc->own, a->mad_floor) >= a->zmin;
	if (sc->has_peer)
		return bk_robust_z(value, &sc->peer, a->mad_floor) >= a->zmin;
	return true;
}

/* Records a window of E (buckets 0..N-1) that alerted for DET with VALUE. */
static int
window_alert(bk_access *a, struct bk__entity *e, size_t n, enum bk__acc_det det,
    const char *metric, double value, double threshold, const struct score *sc)
{
	struct bk__incident *in = incident(a, e, det);

	if (in == NULL)
		return BK_NOMEM;
	for (size_t i = 0; i < n; i++)
		e->b[i].flags |= 1u << det;
	if (value > in->value) {
		in->value = value;
		in->metric = metric;
		in->threshold = threshold;
		in->own = sc->own;
		in->peer = sc->peer;
		in->has_own = sc->has_own;
		in->has_peer = sc->has_peer;
	}
	if (in->object == NULL) {
		for (size_t i = 0; i < n; i++)
			if (e->b[i].coll != UINT32_MAX) {
				if ((in->object = xdup(a->colls.s[e->b[i].coll])) == NULL)
					return BK_NOMEM;
				break;
			}
	}
	return BK_OK;
}

static int
cmp_seq(const void *x, const void *y)
{
	const struct bk__seqid *p = x, *q = y;

	if (p->coll != q->coll)
		return p->coll < q->coll ? -1 : 1;
	if (p->id != q->id)
		return p->id < q->id ? -1 : 1;
	return (p->ts > q->ts) - (p->ts < q->ts);
}

struct run {
	uint64_t len, lo, hi;
	int64_t t0, t1;
	uint32_t coll;
};

/*
 * The longest run of near-sequential ids over buckets 0..N-1 of E: ids of
 * one collection, sorted, each at most MAX_GAP above the one before (repeats
 * do not lengthen a run). Order of arrival does not matter, so a walk split
 * over several inputs is the same walk.
 */
static int
longest_run(bk_access *a, const struct bk__entity *e, size_t n, uint64_t max_gap,
    struct run *best)
{
	size_t total = 0, k = 0;
	struct bk__seqid *all;
	struct run cur = { 0 };

	memset(best, 0, sizeof *best);
	for (size_t i = 0; i < n; i++)
		total += e->b[i].nseq;
	if (total == 0)
		return BK_OK;
	if (total == 1) {
		/* One id: a run of one, no sorting. */
		for (size_t i = 0; i < n; i++)
			if (e->b[i].nseq == 1) {
				const struct bk__seqid *x = bk__acc_seq_at(&e->b[i], 0);

				*best = (struct run){ 1, x->id, x->id, x->ts, x->ts, x->coll };
			}
		return BK_OK;
	}
	if (bk__grow(&a->scratch, &a->scratchcap, total, sizeof *a->scratch) != BK_OK)
		return BK_NOMEM;
	all = a->scratch;
	for (size_t i = 0; i < n; i++) {
		if (e->b[i].nseq == 0)
			continue;
		for (size_t j = 0; j < e->b[i].nseq; j++)
			all[k + j] = *bk__acc_seq_at(&e->b[i], j);
		k += e->b[i].nseq;
	}
	qsort(all, total, sizeof *all, cmp_seq);
	for (size_t i = 0; i < total; i++) {
		const struct bk__seqid *s = &all[i];

		if (cur.len > 0 && s->coll == cur.coll && s->id == cur.hi) {
			cur.t0 = s->ts < cur.t0 ? s->ts : cur.t0;
			cur.t1 = s->ts > cur.t1 ? s->ts : cur.t1;
			continue;
		}
		if (cur.len > 0 && s->coll == cur.coll && s->id - cur.hi <= max_gap) {
			cur.len++;
			cur.hi = s->id;
			cur.t0 = s->ts < cur.t0 ? s->ts : cur.t0;
			cur.t1 = s->ts > cur.t1 ? s->ts : cur.t1;
		} else {
			cur = (struct run){ 1, s->id, s->id, s->ts, s->ts, s->coll };
		}
		if (cur.len > best->len)
			*best = cur;
	}
	return BK_OK;
}

/* Evaluates the window of E that starts at its first bucket. */
static int
eval_window(bk_access *a, struct bk__entity *e, bk_distinct **tmp)
{
	size_t n = 0;
	uint64_t distinct, rows = 0, bytes = 0, nseq = 0;
	bool exact = true;
	struct score sc;
	struct run run;
	int rc;

	while (n < e->nb && e->b[n].idx < e->b[0].idx + BK__ACC_K)
		n++;
	/*
	 * The buckets' counts added up bound the union: merge only when it
	 * could alert. One pass over the buckets for every sum; most windows
	 * end here, below every threshold.
	 */
	distinct = 0;
	for (size_t i = 0; i < n; i++) {
		const struct bk__bucket *b = &e->b[i];

		if (b->d == NULL) {
			distinct += b->nfew;
		} else {
			distinct += bk_distinct_count(b->d);
			exact = exact && bk_distinct_is_exact(b->d);
		}
		rows += b->rows;
		bytes += b->bytes;
		nseq += b->nseq;
	}
	if (n > 1 && a->bulk_threshold > 0 &&
	    (distinct >= (uint64_t)a->bulk_threshold || !exact)) {
		/* The caller's scratch counter, taken on first need: most windows never merge. */
		if (*tmp == NULL && (*tmp = bk__acc_spare_get(a)) == NULL)
			return BK_NOMEM;
		bk_distinct_clear(*tmp);
		for (size_t i = 0; i < n; i++)
			if ((rc = bk__acc_bucket_merge(*tmp, &e->b[i])) != BK_OK)
				return rc;
		distinct = bk_distinct_count(*tmp);
	}
	if (a->bulk_threshold > 0 && distinct >= (uint64_t)a->bulk_threshold &&
	    above_baseline(a, e, "distinct", (double)distinct, &sc) &&
	    (rc = window_alert(a, e, n, BK__DET_BULK, "distinct_records", (double)distinct,
	    (double)a->bulk_threshold, &sc)) != BK_OK)
		return rc;
	if (a->vol_rows > 0 && rows >= a->vol_rows && above_baseline(a, e, "rows", (double)rows, &sc)) {
		if ((rc = window_alert(a, e, n, BK__DET_VOLUME, "rows", (double)rows,
		    (double)a->vol_rows, &sc)) != BK_OK)
			return rc;
	} else if (a->vol_bytes > 0 && bytes >= a->vol_bytes &&
	    above_baseline(a, e, "bytes", (double)bytes, &sc)) {
		if ((rc = window_alert(a, e, n, BK__DET_VOLUME, "bytes", (double)bytes,
		    (double)a->vol_bytes, &sc)) != BK_OK)
			return rc;
	}
	if (a->enum_min_run > 0 && nseq >= (uint64_t)a->enum_min_run) {
		if ((rc = longest_run(a, e, n, (uint64_t)a->enum_max_gap, &run)) != BK_OK)
			return rc;
		if (run.len >= (uint64_t)a->enum_min_run) {
			struct bk__incident *in;
			double before;

			memset(&sc, 0, sizeof sc);
			in = incident(a, e, BK__DET_ENUM);
			if (in == NULL)
				return BK_NOMEM;
			before = in->value;
			if ((rc = window_alert(a, e, n, BK__DET_ENUM, "run_length", (double)run.len,
			    (double)a->enum_min_run, &sc)) != BK_OK)
				return rc;
			if ((double)run.len > before) {
				in->run_lo = run.lo;
				in->run_hi = run.hi;
				in->run_t0 = run.t0;
				in->run_t1 = run.t1;
				free(in->object);
				if ((in->object = xdup(a->colls.s[run.coll])) == NULL)
					return BK_NOMEM;
			}
		}
	}
	return BK_OK;
}

/* Ends E's current learning window and day into the baseline. */
static int
learn_flush(bk_access *a, struct bk__entity *e, int64_t win, int64_t day)
{
	const char *g = peer_group(a, e);
	int rc = BK_OK;

	if (e->lwin != INT64_MIN && win != e->lwin) {
		if ((rc = bk_baseline_observe(a->base, e->name, g, "distinct",
		    (double)bk_distinct_count(e->lacc))) != BK_OK ||
		    (rc = bk_baseline_observe(a->base, e->name, g, "rows", (double)e->lrows)) != BK_OK ||
		    (rc = bk_baseline_observe(a->base, e->name, g, "bytes", (double)e->lbytes)) !=
		    BK_OK ||
		    (rc = bk_baseline_observe(a->base, e->name, g, "events", (double)e->lev)) != BK_OK)
			return rc;
		bk_distinct_clear(e->lacc);
		e->lev = e->lrows = e->lbytes = 0;
	}
	if (e->lday != INT64_MIN && day != e->lday) {
		if ((rc = bk_baseline_observe(a->base, e->name, g, "active_hours",
		    (double)__builtin_popcount(e->lhours))) != BK_OK)
			return rc;
		e->lhours = 0;
	}
	e->lwin = win;
	e->lday = day;
	return rc;
}

static int64_t
floor_div(int64_t x, int64_t y)
{
	int64_t q = x / y;

	return (x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q;
}

/* Closes E's current activity hour: its distinct count. */
static void
hour_close(struct bk__entity *e)
{
	if (e->nh > 0 && e->hour_d != NULL) {
		e->hours[e->nh - 1].distinct = (uint32_t)bk_distinct_count(e->hour_d);
		bk_distinct_clear(e->hour_d);
	}
}

/* Drops E's first bucket: into incidents it was flagged for, activity, learning. */
static int
drop_bucket(bk_access *a, struct bk__entity *e)
{
	struct bk__bucket *b = &e->b[0];
	int64_t start = b->idx * a->bw;
	int32_t hour = a->activity ? (int32_t)floor_div(start, MS_HOUR) : 0;
	int rc = BK_OK;

	for (int d = 0; b->flags != 0 && d < BK__DET_N; d++) {
		struct bk__incident *in;

		if (!(b->flags & (1u << d)))
			continue;
		if ((in = incident(a, e, (enum bk__acc_det)d)) == NULL)
			return BK_NOMEM;
		in->first = b->first < in->first ? b->first : in->first;
		in->last = b->last > in->last ? b->last : in->last;
		in->count += b->events;
		in->rows += b->rows;
		in->bytes += b->bytes;
		in->has_rows |= b->rows > 0;
		in->has_bytes |= b->bytes > 0;
		incident_samples(a, in, b->smp, b->nsmp);
	}
	/* Activity by hour, for the summary. */
	if (a->activity && (e->nh == 0 || e->hours[e->nh - 1].hour != hour)) {
		hour_close(e);
		if (e->nh < HOURS_MAX &&
		    bk__grow(&e->hours, &e->hcap, e->nh, sizeof *e->hours) == BK_OK)
			e->hours[e->nh++] = (struct bk__hour){ .hour = hour };
	}
	if (a->activity && e->nh > 0 && e->hours[e->nh - 1].hour == hour) {
		struct bk__hour *h = &e->hours[e->nh - 1];

		h->events += (uint32_t)b->events;
		h->rows += b->rows;
		h->bytes += b->bytes;
		if (e->hour_d == NULL)
			e->hour_d = bk_distinct_new(a->exact, a->precision);
		if (e->hour_d != NULL)
			bk__acc_bucket_merge(e->hour_d, b);
	}
	if (a->mode == BK_ACCESS_LEARN) {
		int64_t day = floor_div(start, MS_DAY);

		if (e->lacc == NULL && (e->lacc = bk_distinct_new(a->exact, a->precision)) == NULL)
			return BK_NOMEM;
		if ((rc = learn_flush(a, e, floor_div(b->idx, BK__ACC_K), day)) != BK_OK)
			return rc;
		bk__acc_bucket_merge(e->lacc, b);
		e->lev += b->events;
		e->lrows += b->rows;
		e->lbytes += b->bytes;
		e->lhours |= 1u << (int)((start - day * MS_DAY) / MS_HOUR);
	}
	bk__acc_pop_first(a, e);
	return rc;
}

/*
 * Evaluates and drops E's buckets whose windows are complete: every window
 * starting before bucket index UPTO - 3, or all of them when UPTO is
 * INT64_MAX. In STATE mode, writes out the buckets before UPTO instead.
 */
static int
evaluate(bk_access *a, struct bk__entity *e, int64_t upto)
{
	bk_distinct *tmp = NULL;
	int rc = BK_OK;

	if (a->mode == BK_ACCESS_STATE)
		return bk__acc_write_buckets(a, e, upto);
	while (e->nb > 0) {
		if (upto != INT64_MAX && e->b[0].idx + BK__ACC_K > upto)
			break;
		if (a->mode == BK_ACCESS_DETECT && (rc = eval_window(a, e, &tmp)) != BK_OK)
			break;
		if ((rc = drop_bucket(a, e)) != BK_OK)
			break;
	}
	if (tmp != NULL)
		bk__acc_spare_put(a, tmp);
	return rc;
}

/* Whether top entry T ranks below E: fewer events, or as many and a later name. */
static bool
top_less(const struct bk__top *x, const struct bk__entity *e)
{
	int c;

	if (x->events != e->events)
		return x->events < e->events;
	c = strcmp(x->actor != NULL ? x->actor : "", e->actor != NULL ? e->actor : "");
	if (c == 0)
		c = strcmp(x->ip != NULL ? x->ip : "", e->ip != NULL ? e->ip : "");
	return c > 0;
}

/* Keeps E's activity when it is among the busiest (for the summary). */
static void
top_offer(bk_access *a, struct bk__entity *e)
{
	size_t i;

	if (e->events == 0 || e->nh == 0)
		return;
	if (a->ntop == BK__ACC_TOP) {
		if (!top_less(&a->top[BK__ACC_TOP - 1], e))
			return;
		free(a->top[BK__ACC_TOP - 1].actor);
		free(a->top[BK__ACC_TOP - 1].ip);
		free(a->top[BK__ACC_TOP - 1].hours);
		a->ntop--;
	}
	i = a->ntop;
	while (i > 0 && top_less(&a->top[i - 1], e)) {
		a->top[i] = a->top[i - 1];
		i--;
	}
	a->top[i].actor = xdup(e->actor);
	a->top[i].ip = xdup(e->ip);
	a->top[i].events = e->events;
	a->top[i].hours = e->hours;
	a->top[i].nh = e->nh;
	e->hours = NULL;
	e->nh = e->hcap = 0;
	a->ntop++;
}

/* Everything E still holds: its windows, its off-hours pattern, learning, the summary. */
int
bk__acc_finalize(bk_access *a, struct bk__entity *e)
{
	int rc = evaluate(a, e, INT64_MAX);

	if (rc != BK_OK)
		return rc;
	if (a->mode == BK_ACCESS_STATE)
		return BK_OK;
	hour_close(e);
	if (a->mode == BK_ACCESS_LEARN && e->lwin != INT64_MIN)
		rc = learn_flush(a, e, INT64_MAX, INT64_MAX);
	if (a->mode == BK_ACCESS_DETECT && e->off != NULL && a->off_threshold > 0 &&
	    bk_distinct_count(e->off) >= (uint64_t)a->off_threshold) {
		struct bk__incident *in = incident(a, e, BK__DET_OFF);

		if (in == NULL)
			return BK_NOMEM;
		in->first = e->off_first;
		in->last = e->off_last;
		in->count = e->off_events;
		in->value = (double)bk_distinct_count(e->off);
		in->metric = "distinct_records";
		in->threshold = (double)a->off_threshold;
		if (e->off_coll != UINT32_MAX && in->object == NULL &&
		    (in->object = xdup(a->colls.s[e->off_coll])) == NULL)
			return BK_NOMEM;
		incident_samples(a, in, e->off_smp, e->off_nsmp);
	}
	top_offer(a, e);
	return rc;
}

/* ---- events ------------------------------------------------------------- */

/* Whether the event failed (an SQL error, an HTTP status of 400 or more). */
static bool
failed(const bk_event *ev)
{
	return ev->status != BK_EVENT_NONE && ev->status != 0 &&
	    (ev->status < 100 || ev->status >= 400);
}

/*
 * An entity's off-hours counter: it lives as long as the entity, so past
 * state.exact values it is a HyperLogLog of 2^10 registers (1 KiB, 3.3 %)
 * whatever state.precision says.
 */
bk_distinct *
bk__acc_off_sketch(const bk_access *a)
{
	return bk_distinct_new(a->exact, a->precision < 10 ? a->precision : 10);
}

#define off_sketch bk__acc_off_sketch

/* Whether TS falls outside business hours. */
static bool
off_hours(const bk_access *a, int64_t ts)
{
	int64_t local = ts + (int64_t)bk_tz_offset(a->tz, ts) * 1000;
	int64_t day = floor_div(local, MS_DAY);
	int wday = (int)((day % 7 + 7 + 4) % 7);	/* 1970-01-01 was a Thursday */
	int minute = (int)((local - day * MS_DAY) / 60000);

	if (!(a->workdays & (1u << wday)))
		return true;
	return !bk_conf_hours_contain(a->hours_start, a->hours_end, minute);
}

/*
 * Evaluates pending entities up to the clock, when it crossed a bucket
 * boundary. The pending list is in the order entities got their first
 * bucket, which is time order but for late events; the sweep stops at the
 * first entity not yet due, and one that still has buckets after its turn
 * goes to the tail. A late bucket may so wait behind a later one: it is
 * evaluated a little later (or at the end), never wrongly.
 */
static int
sweep(bk_access *a)
{
	int64_t upto, need = a->mode == BK_ACCESS_STATE ? 1 : BK__ACC_K;
	struct bk__entity *e, *stop = NULL;
	int rc;

	/* Every event asks; the clock crosses a boundary once per quarter window. */
	if (a->max_ts < a->sweep_at)
		return BK_OK;
	upto = floor_div(a->max_ts - a->tolerance, a->bw);
	if (upto <= a->swept)
		return BK_OK;
	a->swept = upto;
	/* The clock's next boundary, where it cannot overflow (else: ask each time). */
	a->sweep_at = INT64_MIN;
	if (a->tolerance >= 0 && upto < INT64_MAX / a->bw - 1 && upto > INT64_MIN / a->bw + 1 &&
	    (upto + 1) * a->bw <= INT64_MAX - a->tolerance)
		a->sweep_at = (upto + 1) * a->bw + a->tolerance;
	while ((e = a->pend_head) != NULL && e != stop) {
		if (e->nb > 0 && e->b[0].idx + need > upto)
			break;
		if ((rc = evaluate(a, e, upto)) != BK_OK)
			return rc;
		if (e->pending) {
			/* Still holding buckets: to the tail, and stop when it comes round. */
			bk__acc_pend_set(a, e, false);
			bk__acc_pend_set(a, e, true);
			if (stop == NULL)
				stop = e;
		}
	}
	return BK_OK;
}

void
bk__acc_prepare(const bk_access *a, const bk_event *ev, struct bk__acc_ev *p, char *buf,
    struct bk__acc_id *ids)
{
	char *collbuf;
	const bk_span *actor = &ev->str[BK_EV_ACTOR], *ip = &ev->str[BK_EV_IP];
	const bk_span *act = &ev->str[BK_EV_ACTION];
	bool use_actor = a->by != 2 && actor->ptr != NULL && actor->len > 0 &&
	    !(actor->len == 1 && actor->ptr[0] == '-');
	bool use_ip = a->by != 1 && ip->ptr != NULL && ip->len > 0 &&
	    !(ip->len == 1 && ip->ptr[0] == '-');
	size_t clen;

	p->ts = ev->ts;
	p->line = ev->line;
	p->flags = 0;
	if (ev->ts == BK_EVENT_NONE || (!use_actor && !use_ip)) {
		p->flags = BK__ACC_EV_SKIP;
		return;
	}
	if (failed(ev) || !(span_is(act, "read") || span_is(act, "export") ||
	    (act->ptr == NULL && ev->nids > 0)))
		return;
	p->flags = BK__ACC_EV_COUNT;
	p->rows = ev->rows;
	p->bytes_out = ev->bytes_out;
	p->file = ev->file != NULL ? ev->file : "-";
	bk__acc_key(&p->key, buf, use_actor ? actor->ptr : NULL, actor->len,
	    use_ip ? ip->ptr : NULL, ip->len);
	collbuf = buf + p->key.len;
	clen = collection(ev, collbuf, BK__ACC_COLL_MAX);
	collbuf[clen] = '\0';
	p->coll = collbuf;
	p->clen = clen;
	/* The collection's name, not its index, so that two runs hash alike. */
	p->chash = bk__hash64(collbuf, clen) * UINT64_C(0x100000001b3);
	p->kind = 0;
	if (clen > 0 && sensitive(a, ev, collbuf, clen)) {
		p->flags |= BK__ACC_EV_SENS;
		p->kind = full_kind(a, ev);
		if (a->mode != BK_ACCESS_LEARN && off_hours(a, ev->ts))
			p->flags |= BK__ACC_EV_OFF;
	}
	p->id = NULL;
	p->idlen = 0;
	if (ev->nids > 0) {
		p->id = ev->ids[0].ptr;
		p->idlen = ev->ids[0].len < BK__ACC_ID_MAX ? ev->ids[0].len : BK__ACC_ID_MAX;
	}
	for (size_t i = 0; i < ev->nids; i++) {
		const unsigned char *x = (const unsigned char *)ev->ids[i].ptr;
		size_t len = ev->ids[i].len;
		uint64_t h = BK__FNV_BASIS, v = 0;
		bool num = len > 0 && len <= 18;

		/* Its bk__hash64, and its number when it is all decimal digits (18 at most). */
		for (size_t k = 0; k < len; k++) {
			h = (h ^ x[k]) * BK__FNV_PRIME;
			num = num && bk__is_digit((char)x[k]);
			v = v * 10 + (uint64_t)(x[k] - '0');
		}
		ids[i].h = p->chash ^ bk__hash_finish(h, len);
		ids[i].v = num ? v : BK__ACC_NOT_NUM;
	}
	p->ids = ids;
	p->nids = ev->nids;
}

/* The index of P's collection, from the recent ones or interned; UINT32_MAX on OOM. */
static uint32_t
recent_coll(bk_access *a, const struct bk__acc_ev *p)
{
	struct bk__acc_recent *r = a->recent_coll, hit;
	size_t n = sizeof a->recent_coll / sizeof a->recent_coll[0], k;

	for (k = 0; k < n; k++)
		if (r[k].len == p->clen && r[k].h == p->chash &&
		    memcmp(a->colls.s[r[k].i], p->coll, p->clen) == 0)
			break;
	if (k < n) {
		hit = r[k];
	} else {
		if ((hit.i = bk__acc_intern(&a->colls, p->coll, p->clen)) == UINT32_MAX)
			return UINT32_MAX;
		hit.h = p->chash;
		hit.len = p->clen;
		k = n - 1;	/* the least recent makes room */
	}
	memmove(&r[1], &r[0], k * sizeof *r);
	r[0] = hit;
	return hit.i;
}

int
bk__acc_apply(bk_access *a, const struct bk__acc_ev *p)
{
	struct bk__entity *e;
	struct bk__bucket *b;
	uint32_t ci = UINT32_MAX, fi;
	bool sens = p->flags & BK__ACC_EV_SENS, off = p->flags & BK__ACC_EV_OFF;
	int64_t ts = p->ts;
	int rc;

	a->events++;
	if (p->flags & BK__ACC_EV_SKIP) {
		a->skipped++;
		return BK_OK;
	}
	if (!a->any || ts < a->first)
		a->first = ts;
	if (!a->any || ts > a->last)
		a->last = ts;
	if (!a->any || ts > a->max_ts)
		a->max_ts = ts;
	a->any = true;
	if (ts < a->max_ts - a->tolerance)
		a->late++;
	if (!(p->flags & BK__ACC_EV_COUNT))
		return sweep(a);
	/* The entity's slot is fetched while the event's names are looked up. */
	bk__acc_prefetch(a, p->key.h);
	if (p->clen > 0 && (ci = recent_coll(a, p)) == UINT32_MAX)
		return BK_NOMEM;
	/* Most events name the file the one before named. */
	if (a->last_file != UINT32_MAX && strcmp(a->files.s[a->last_file], p->file) == 0)
		fi = a->last_file;
	else if ((fi = a->last_file = bk__acc_intern(&a->files, p->file, strlen(p->file))) ==
	    UINT32_MAX)
		return BK_NOMEM;
	if ((e = bk__acc_entity_at(a, &p->key)) == NULL)
		return BK_NOMEM;
	e->events++;
	if (sens && a->mode == BK_ACCESS_LEARN &&
	    (rc = bk_baseline_seen_add(a->base, e->name, "object", p->coll, p->clen)) != BK_OK)
		return rc;
	if (sens && p->kind != 0 &&
	    (rc = bk__acc_hit(a, e, BK__DET_FULL, ts, fi, p->line, p->coll, p->rows,
	    p->bytes_out, p->kind, NULL, 0)) != BK_OK)
		return rc;
	if (sens && a->new_access && a->base != NULL && a->mode != BK_ACCESS_LEARN &&
	    !bk_baseline_seen(a->base, e->name, "object", p->coll, p->clen) &&
	    (rc = bk__acc_hit(a, e, BK__DET_NEW, ts, fi, p->line, p->coll, -1, -1, 0, NULL, 0)) !=
	    BK_OK)
		return rc;
	if (ts < a->bcur_start || ts >= a->bcur_end) {
		/* Events come in time order: most fall in the bucket the one before fell in. */
		a->bcur = floor_div(ts, a->bw);
		a->bcur_start = a->bcur_end = INT64_MIN;
		if (ts > INT64_MIN + a->bw && ts < INT64_MAX - a->bw) {
			a->bcur_start = a->bcur * a->bw;
			a->bcur_end = a->bcur_start + a->bw;
		}
	}
	if ((b = bk__acc_bucket(a, e, a->bcur)) == NULL)
		return BK_NOMEM;
	b->events++;
	if (p->rows > 0)
		b->rows += (uint64_t)p->rows;
	if (p->bytes_out > 0)
		b->bytes += (uint64_t)p->bytes_out;
	b->first = ts < b->first ? ts : b->first;
	b->last = ts > b->last ? ts : b->last;
	if (off) {
		if (e->off == NULL && (e->off = off_sketch(a)) == NULL)
			return BK_NOMEM;
		if (e->off_events == 0 || ts < e->off_first)
			e->off_first = ts;
		if (e->off_events == 0 || ts > e->off_last)
			e->off_last = ts;
		e->off_events++;
	}
	{
		struct bk__sample s = { .ts = ts, .file = fi, .line = p->line };

		if (p->idlen > 0)
			memcpy(s.id, p->id, p->idlen);
		s.idlen = (uint8_t)p->idlen;
		bk__acc_sample_add(a, b->smp, &b->nsmp, BK__ACC_SAMPLES, &s);
		if (off)
			bk__acc_sample_add(a, e->off_smp, &e->off_nsmp, BK__ACC_SAMPLES, &s);
	}
	if (p->nids > 0) {
		bk__acc_coll_offer(a, b, ci, ts);
		if (off)
			bk__acc_off_coll(a, e, ci, ts);
	}
	for (size_t i = 0; i < p->nids; i++) {
		uint64_t h = p->ids[i].h;

		if ((rc = bk__acc_bucket_add(a, b, h)) != BK_OK)
			return rc;
		if (off && (rc = bk_distinct_add(e->off, h)) != BK_OK)
			return rc;
		if (p->ids[i].v != BK__ACC_NOT_NUM &&
		    (rc = bk__acc_seq_add(a, b, p->ids[i].v, ts, ci)) != BK_OK)
			return rc;
	}
	return sweep(a);
}

int
bk_access_add(bk_access *a, const bk_event *ev)
{
	struct bk__acc_ev p;
	char buf[BK__ACC_KEY_MAX + BK__ACC_COLL_MAX];

	if (ev->nids > a->idscratchcap &&
	    bk__grow(&a->idscratch, &a->idscratchcap, ev->nids - 1, sizeof *a->idscratch) != BK_OK)
		return BK_NOMEM;
	bk__acc_prepare(a, ev, &p, buf, a->idscratch);
	return bk__acc_apply(a, &p);
}

int
bk_access_finish(bk_access *a)
{
	int rc = BK_OK;

	if (a->finished)
		return BK_OK;
	a->finished = true;
	/* Least recent first, as eviction would have taken them. */
	while (bk__acc_lru_last(a) != NULL) {
		struct bk__entity *e = bk__acc_lru_last(a);

		bk__acc_remove(a, e);
		if (rc == BK_OK)
			rc = bk__acc_finalize(a, e);
		bk__acc_entity_free(a, e);
	}
	if (rc == BK_OK && a->mode == BK_ACCESS_STATE)
		rc = bk__acc_write_run(a);
	if (rc == BK_OK && a->mode == BK_ACCESS_DETECT)
		rc = bk__acc_build_alerts(a);
	if (rc == BK_OK && a->mode == BK_ACCESS_LEARN) {
		if (a->any)
			bk_baseline_period(a->base, a->first, a->last);
		rc = bk_baseline_finish(a->base);
	}
	return rc;
}

int
bk__acc_drop_first(bk_access *a, struct bk__entity *e)
{
	bk__acc_pop_first(a, e);
	return BK_OK;
}
