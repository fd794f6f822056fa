/*
 * exfil-state.c - what bk-exfil writes besides alerts: the summary record
 * for bk-report's charts, the baseline it learns, and its partial aggregate
 * as `state` records that another run merges (--emit-state / --merge).
 *
 * State records, one per table entry, times in milliseconds (exact, unlike
 * RFC 3339 strings of a lower resolution), distinct counts as
 * bk_distinct_encode strings:
 *   {"type":"state","tool":"bk-exfil","version":2,"kind":"run","events":N,"allowed":N,
 *    "skipped":N,"dropped":N,"evicted":N,"evicted_events":N,"first":MS,"last":MS}
 *   {..."kind":"source","src":S,"actor":A,"events":N,"bytes_in":N,"bytes_out":N,"first":MS,
 *    "last":MS,"dsts":"e:...","hours":[[HOUR,EVENTS,IN,OUT],...]}
 *   {..."kind":"dest","dst":D,"events":N,"bytes_in":N,"uploads":N,"srcs":"e:..."}
 *   {..."kind":"pair","src":S,"dst":D, counters..., "hod":[24 counts],
 *    "samples":[[MS,IN,OUT],...],"whole":true,"buckets":[[HOUR,IN],...],
 *    "ev_up":[[MS,FILE,LINE]],"ev_any":[...]}
 *   {..."kind":"dns","src":S,"domain":D, counters...,"subs":"h12:...","ev":[...]}
 * A pair or DNS record names its source and destination, which the merge
 * creates when they are new, so records may come in any order. "whole"
 * says the samples are every connection of the pair (exact sizes): merged
 * into a pair that is whole too and with room, the samples alone carry
 * the hourly figures (see struct pagg). Version 1 wrote samples as
 * [MS,SIZE] and no "whole"; it is still read.
 */
#include "config.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "exfil-private.h"
#include "record-private.h"
#include "util-private.h"

#define HOUR_MS INT64_C(3600000)

/* ---- summary --------------------------------------------------------------- */

static int
cmp_desc_u64(uint64_t a, uint64_t b)
{
	return (a < b) - (a > b);
}

static const bk_exfil *sort_x;	/* qsort has no context argument */

static int
cmp_dst_bytes(const void *a, const void *b)
{
	const struct dest *x = &sort_x->dst[*(const uint32_t *)a];
	const struct dest *y = &sort_x->dst[*(const uint32_t *)b];
	int c = cmp_desc_u64(x->bytes_in, y->bytes_in);

	if (c == 0)
		c = cmp_desc_u64(x->events, y->events);
	return c != 0 ? c : strcmp(x->name, y->name);
}

static int
cmp_src_events(const void *a, const void *b)
{
	const struct source *x = &sort_x->src[*(const uint32_t *)a];
	const struct source *y = &sort_x->src[*(const uint32_t *)b];
	int c = cmp_desc_u64(x->events, y->events);

	return c != 0 ? c : strcmp(x->name, y->name);
}

#define SUMMARY_TOP 20

int
bk_exfil_summary_write(bk_exfil *x, bk_writer *w, uint64_t alerts)
{
	size_t n = x->ndst > x->nsrc ? x->ndst : x->nsrc;
	uint32_t *order = malloc((n ? n : 1) * sizeof *order);

	if (order == NULL)
		return BK_NOMEM;
	sort_x = x;
	bk_writer_begin(w, "summary");
	bk_writer_cstr(w, "tool", "bk-exfil");
	bk_writer_uint(w, "events", x->events);
	bk_writer_uint(w, "sources", x->nsrc);
	bk_writer_uint(w, "alerts", alerts);
	if (x->first <= x->last) {
		bk_writer_time(w, "first", x->first);
		bk_writer_time(w, "last", x->last);
	}
	for (size_t i = 0; i < x->ndst; i++)
		order[i] = (uint32_t)i;
	if (x->ndst > 1)
		qsort(order, x->ndst, sizeof *order, cmp_dst_bytes);
	bk_writer_array_begin(w, "destinations");
	for (size_t i = 0; i < x->ndst && i < SUMMARY_TOP; i++) {
		const struct dest *d = &x->dst[order[i]];

		bk_writer_object_begin(w, NULL);
		bk_writer_cstr(w, "dst", d->name);
		bk_writer_uint(w, "bytes_in", d->bytes_in);
		bk_writer_uint(w, "connections", d->events);
		bk_writer_uint(w, "sources", bk_distinct_count(d->srcs));
		bk_writer_object_end(w);
	}
	bk_writer_array_end(w);
	for (size_t i = 0; i < x->nsrc; i++)
		order[i] = (uint32_t)i;
	if (x->nsrc > 1)
		qsort(order, x->nsrc, sizeof *order, cmp_src_events);
	bk_writer_array_begin(w, "activity");
	for (size_t i = 0; i < x->nsrc && i < SUMMARY_TOP; i++) {
		const struct source *s = &x->src[order[i]];

		bk_writer_object_begin(w, NULL);
		bk_writer_cstr(w, "ip", s->name);
		bk_writer_array_begin(w, "hours");
		for (uint32_t h = 0; h < s->nhours; h++) {
			bk_writer_object_begin(w, NULL);
			bk_writer_time(w, "t", (int64_t)s->hours[h].hour * HOUR_MS);
			bk_writer_uint(w, "events", s->hours[h].events);
			bk_writer_uint(w, "bytes_in", s->hours[h].in);
			bk_writer_uint(w, "bytes_out", s->hours[h].out);
			bk_writer_object_end(w);
		}
		bk_writer_array_end(w);
		bk_writer_object_end(w);
	}
	bk_writer_array_end(w);
	free(order);
	return bk_writer_end(w);
}

/* ---- learning ---------------------------------------------------------------- */

#define GROUP "sources"

int
bk_exfil_learn(bk_exfil *x, bk_baseline *b)
{
	for (size_t i = 0; i < x->nsrc; i++) {
		const struct source *s = &x->src[i];

		for (uint32_t h = 0; h < s->nhours; h++)
			if (bk_baseline_observe(b, s->name, GROUP, "bytes_out",
			    (double)s->hours[h].in) != BK_OK ||
			    bk_baseline_observe(b, s->name, GROUP, "connections",
			    (double)s->hours[h].events) != BK_OK)
				return BK_NOMEM;
		if (bk_baseline_observe(b, s->name, GROUP, "destinations",
		    (double)bk_distinct_count(s->dsts)) != BK_OK ||
		    bk_baseline_observe(b, s->name, GROUP, "sent_total", (double)s->bytes_in) != BK_OK)
			return BK_NOMEM;
	}
	for (size_t i = 0; i < x->npair; i++) {
		const struct pair *p = &x->pair[i];
		const struct dest *d = &x->dst[p->dst];

		if (bk_baseline_seen_add(b, x->src[p->src].name, "dst", d->name, d->len) != BK_OK ||
		    bk_baseline_seen_add(b, "*", "dst", d->name, d->len) != BK_OK)
			return BK_NOMEM;
	}
	if (x->first <= x->last)
		bk_baseline_period(b, x->first, x->last);
	return BK_OK;
}

/* ---- writing state ------------------------------------------------------------ */

static void
state_begin(bk_writer *w, const char *kind)
{
	bk_writer_begin(w, "state");
	bk_writer_cstr(w, "tool", "bk-exfil");
	bk_writer_int(w, "version", 2);
	bk_writer_cstr(w, "kind", kind);
}

static int
put_distinct(bk_writer *w, const char *key, const bk_distinct *d)
{
	char *s = bk_distinct_encode(d);

	if (s == NULL)
		return BK_NOMEM;
	bk_writer_cstr(w, key, s);
	free(s);
	return BK_OK;
}

static void
put_evid(const bk_exfil *x, bk_writer *w, const char *key, const struct evid *e, uint8_t n)
{
	bk_writer_array_begin(w, key);
	for (uint8_t i = 0; i < n; i++) {
		bk_writer_array_begin(w, NULL);
		bk_writer_int(w, NULL, e[i].ts);
		bk_writer_cstr(w, NULL, x->files[bk__evid_file(&e[i])]);
		bk_writer_uint(w, NULL, bk__evid_line(&e[i]));
		bk_writer_array_end(w);
	}
	bk_writer_array_end(w);
}

int
bk_exfil_state_write(bk_exfil *x, bk_writer *w)
{
	int rc;

	state_begin(w, "run");
	bk_writer_uint(w, "events", x->events);
	bk_writer_uint(w, "allowed", x->allowed);
	bk_writer_uint(w, "skipped", x->skipped);
	bk_writer_uint(w, "dropped", x->dropped);
	bk_writer_uint(w, "evicted", x->evicted);
	bk_writer_uint(w, "evicted_events", x->evicted_events);
	if (x->first <= x->last) {
		bk_writer_int(w, "first", x->first);
		bk_writer_int(w, "last", x->last);
	}
	if ((rc = bk_writer_end(w)) != BK_OK)
		return rc;
	for (size_t i = 0; i < x->nsrc; i++) {
		const struct source *s = &x->src[i];

		state_begin(w, "source");
		bk_writer_cstr(w, "src", s->name);
		if (s->actor != NULL)
			bk_writer_cstr(w, "actor", s->actor);
		bk_writer_uint(w, "events", s->events);
		bk_writer_uint(w, "bytes_in", s->bytes_in);
		bk_writer_uint(w, "bytes_out", s->bytes_out);
		bk_writer_int(w, "first", s->first);
		bk_writer_int(w, "last", s->last);
		if (put_distinct(w, "dsts", s->dsts) != BK_OK)
			return BK_NOMEM;
		bk_writer_array_begin(w, "hours");
		for (uint32_t h = 0; h < s->nhours; h++) {
			bk_writer_array_begin(w, NULL);
			bk_writer_int(w, NULL, s->hours[h].hour);
			bk_writer_uint(w, NULL, s->hours[h].events);
			bk_writer_uint(w, NULL, s->hours[h].in);
			bk_writer_uint(w, NULL, s->hours[h].out);
			bk_writer_array_end(w);
		}
		bk_writer_array_end(w);
		if ((rc = bk_writer_end(w)) != BK_OK)
			return rc;
	}
	for (size_t i = 0; i < x->ndst; i++) {
		const struct dest *d = &x->dst[i];

		state_begin(w, "dest");
		bk_writer_cstr(w, "dst", d->name);
		bk_writer_uint(w, "events", d->events);
		bk_writer_uint(w, "bytes_in", d->bytes_in);
		bk_writer_uint(w, "uploads", d->uploads);
		if (put_distinct(w, "srcs", d->srcs) != BK_OK)
			return BK_NOMEM;
		if ((rc = bk_writer_end(w)) != BK_OK)
			return rc;
	}
	for (size_t i = 0; i < x->npair; i++) {
		const struct pair *p = &x->pair[i];
		const struct pextra *u = bk__pair_extra_of(x, p);
		const struct pagg *ag;

		if (bk__pair_agg(x, p, &ag) != BK_OK)
			return BK_NOMEM;
		state_begin(w, "pair");
		bk_writer_cstr(w, "src", x->src[p->src].name);
		bk_writer_cstr(w, "dst", x->dst[p->dst].name);
		bk_writer_array_begin(w, "n");
		{
			const uint64_t v[] = { p->events, u->uploads, u->posts, u->puts, p->sized,
				p->bytes_in, p->bytes_out, u->archive_n, u->archive_bytes, u->large_n,
				u->large_bytes, u->archive_kinds, u->archive_part, p->has_size,
				u->long_n, (uint64_t)u->long_ms, ag->after_n, ag->after_bytes };

			for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
				bk_writer_uint(w, NULL, v[k]);
		}
		bk_writer_array_end(w);
		bk_writer_array_begin(w, "t");
		{
			const int64_t v[] = { p->first, p->last, u->up_first, u->up_last,
				ag->after_first, ag->after_last };

			for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
				bk_writer_int(w, NULL, v[k]);
		}
		bk_writer_array_end(w);
		bk_writer_array_begin(w, "hod");
		for (int h = 0; h < 24; h++)
			bk_writer_uint(w, NULL, ag->hod[h]);
		bk_writer_array_end(w);
		bk_writer_array_begin(w, "samples");
		for (uint32_t k = 0; k < p->ns; k++) {
			bk_writer_array_begin(w, NULL);
			bk_writer_int(w, NULL, p->s[k].ts);
			bk_writer_uint(w, NULL, p->s[k].in);
			bk_writer_uint(w, NULL, p->s[k].out);
			bk_writer_array_end(w);
		}
		bk_writer_array_end(w);
		if (p->agg == NULL)
			bk_writer_bool(w, "whole", true);
		bk_writer_array_begin(w, "buckets");
		for (uint32_t k = 0; k < ag->nb; k++) {
			bk_writer_array_begin(w, NULL);
			bk_writer_int(w, NULL, ag->b[k].hour);
			bk_writer_uint(w, NULL, ag->b[k].in);
			bk_writer_array_end(w);
		}
		bk_writer_array_end(w);
		put_evid(x, w, "ev_up", u->ev_up, u->nev_up);
		put_evid(x, w, "ev_any", p->ev_any, p->nev_any);
		if ((rc = bk_writer_end(w)) != BK_OK)
			return rc;
	}
	for (size_t i = 0; i < x->ndns; i++) {
		const struct dns *d = &x->dns[i];

		state_begin(w, "dns");
		bk_writer_cstr(w, "src", x->src[d->src].name);
		bk_writer_cstr(w, "domain", d->domain);
		bk_writer_array_begin(w, "n");
		{
			const int64_t v[] = { (int64_t)d->queries, (int64_t)d->named,
				(int64_t)d->len_sum, (int64_t)d->qbytes, d->ent_sum, d->max_len,
				d->first, d->last };

			for (size_t k = 0; k < sizeof v / sizeof v[0]; k++)
				bk_writer_int(w, NULL, v[k]);
		}
		bk_writer_array_end(w);
		if (put_distinct(w, "subs", d->subs) != BK_OK)
			return BK_NOMEM;
		put_evid(x, w, "ev", d->ev, d->nev);
		if ((rc = bk_writer_end(w)) != BK_OK)
			return rc;
	}
	return BK_OK;
}

/* ---- merging state -------------------------------------------------------------- */

static int
fail(bk_exfil *x, const char *what)
{
	free(x->err);
	x->err = bk__errf("bad bk-exfil state record: %s", what);
	return x->err == NULL ? BK_NOMEM : BK_ERROR;
}

static bool
get_str(json_t *o, const char *key, const char **s, size_t *len)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_string(v))
		return false;
	*s = json_string_value(v);
	*len = json_string_length(v);
	return true;
}

static bool
get_i64(json_t *o, const char *key, int64_t *v)
{
	json_t *j = json_object_get(o, key);

	if (!json_is_integer(j))
		return false;
	*v = json_integer_value(j);
	return true;
}

/* The N integers of array A into V; false unless A holds exactly N integers. */
static bool
get_ints(json_t *a, int64_t *v, size_t n)
{
	if (!json_is_array(a) || json_array_size(a) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(a, i);

		if (!json_is_integer(e))
			return false;
		v[i] = json_integer_value(e);
	}
	return true;
}

static int
merge_distinct(bk_exfil *x, bk_distinct *d, json_t *o, const char *key)
{
	const char *s;
	size_t len;
	int rc;

	if (!get_str(o, key, &s, &len))
		return fail(x, key);
	rc = bk_distinct_decode(d, s, len);
	return rc == BK_ERROR ? fail(x, key) : rc;
}

static int
merge_evid(bk_exfil *x, json_t *o, const char *key, struct evid *e, uint8_t *n)
{
	json_t *a = json_object_get(o, key), *v;
	size_t i;

	if (!json_is_array(a))
		return fail(x, key);
	json_array_foreach(a, i, v) {
		json_t *f = json_array_get(v, 1);
		int64_t ts, line;
		uint32_t fi;

		if (!json_is_array(v) || json_array_size(v) != 3 || !json_is_string(f) ||
		    !json_is_integer(json_array_get(v, 0)) || !json_is_integer(json_array_get(v, 2)))
			return fail(x, key);
		ts = json_integer_value(json_array_get(v, 0));
		line = json_integer_value(json_array_get(v, 2));
		if ((fi = bk__exfil_file(x, json_string_value(f), json_string_length(f))) == UINT32_MAX)
			return BK_NOMEM;
		bk__evid_add(x, e, n, bk__evid(ts, fi, (uint64_t)line));
	}
	return BK_OK;
}

static int64_t
min64(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

static int64_t
max64(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int
merge_source(bk_exfil *x, json_t *o)
{
	const char *name, *actor;
	size_t len, alen;
	int64_t si, v[4];
	struct source *s;
	json_t *hours, *h;
	size_t i;
	int rc;

	if (!get_str(o, "src", &name, &len) || !get_i64(o, "events", &v[0]) ||
	    !get_i64(o, "bytes_in", &v[1]) || !get_i64(o, "bytes_out", &v[2]))
		return fail(x, "source");
	if ((si = bk__exfil_source(x, name, len)) < 0)
		return BK_NOMEM;
	s = &x->src[si];
	s->events += (uint64_t)v[0];
	s->bytes_in += (uint64_t)v[1];
	s->bytes_out += (uint64_t)v[2];
	if (get_i64(o, "first", &v[3]))
		s->first = min64(s->first, v[3]);
	if (get_i64(o, "last", &v[3]))
		s->last = max64(s->last, v[3]);
	if (get_str(o, "actor", &actor, &alen) &&
	    (s->actor == NULL || strcmp(actor, s->actor) < 0) &&
	    (s->actor = bk__arena_str(&x->arena, actor, alen)) == NULL)
		return BK_NOMEM;
	if ((rc = merge_distinct(x, s->dsts, o, "dsts")) != BK_OK)
		return rc;
	hours = json_object_get(o, "hours");
	if (!json_is_array(hours))
		return fail(x, "hours");
	json_array_foreach(hours, i, h) {
		struct hourb *b;

		if (!get_ints(h, v, 4))
			return fail(x, "hours");
		if ((b = bk__hourb_of(s, (int32_t)v[0])) == NULL)
			return BK_NOMEM;
		b->events += (uint32_t)v[1];
		b->in += (uint64_t)v[2];
		b->out += (uint64_t)v[3];
	}
	return BK_OK;
}

static int
merge_dest(bk_exfil *x, json_t *o)
{
	const char *name;
	size_t len;
	int64_t di, v[3];
	struct dest *d;

	if (!get_str(o, "dst", &name, &len) || !get_i64(o, "events", &v[0]) ||
	    !get_i64(o, "bytes_in", &v[1]) || !get_i64(o, "uploads", &v[2]))
		return fail(x, "dest");
	if ((di = bk__exfil_dest(x, name, len)) < 0)
		return BK_NOMEM;
	d = &x->dst[di];
	d->events += (uint64_t)v[0];
	d->bytes_in += (uint64_t)v[1];
	d->uploads += (uint64_t)v[2];
	return merge_distinct(x, d->srcs, o, "srcs");
}

/* Whether the state record O's samples are [MS,IN,OUT] and every connection of its pair. */
static bool
whole(json_t *o, json_t *samples, int64_t events)
{
	json_t *first = json_array_get(samples, 0);

	return json_is_true(json_object_get(o, "whole")) &&
	    json_array_size(samples) == (size_t)events &&
	    (first == NULL || json_array_size(first) == 3);
}

static int
merge_pair(bk_exfil *x, json_t *o)
{
	const char *sn, *dn;
	size_t sl, dl, i;
	bool created;
	int64_t si, di, pi, n[18], t[6], hod[24], v[3];
	struct pair *p;
	struct pagg *ag;
	json_t *a, *e, *ev_up;
	int rc;

	if (!get_str(o, "src", &sn, &sl) || !get_str(o, "dst", &dn, &dl) ||
	    !get_ints(json_object_get(o, "n"), n, 18) || !get_ints(json_object_get(o, "t"), t, 6) ||
	    !get_ints(json_object_get(o, "hod"), hod, 24))
		return fail(x, "pair");
	a = json_object_get(o, "samples");
	ev_up = json_object_get(o, "ev_up");
	if (!json_is_array(a))
		return fail(x, "samples");
	if ((si = bk__exfil_source(x, sn, sl)) < 0 || (di = bk__exfil_dest(x, dn, dl)) < 0)
		return BK_NOMEM;
	pi = bk__exfil_pair(x, (uint32_t)si, (uint32_t)di, &created);
	if (pi == -1)
		return BK_NOMEM;
	/* As bk_exfil_add: a pair kept has been counted in both distinct counts. */
	if ((pi < 0 || created) &&
	    (bk_distinct_add(x->dst[di].srcs, x->src[si].h) != BK_OK ||
	    bk_distinct_add(x->src[si].dsts, x->dst[di].h) != BK_OK))
		return BK_NOMEM;
	if (pi == -2) {
		x->dropped += (uint64_t)n[0];
		return BK_OK;
	}
	p = &x->pair[pi];
	if (n[1] != 0 || n[14] != 0 || n[15] != 0 || json_array_size(ev_up) > 0) {
		struct pextra *u = bk__pair_extra(x, p);

		if (u == NULL)
			return BK_NOMEM;
		u->uploads += (uint64_t)n[1];
		u->posts += (uint64_t)n[2];
		u->puts += (uint64_t)n[3];
		u->archive_n += (uint64_t)n[7];
		u->archive_bytes += (uint64_t)n[8];
		u->large_n += (uint64_t)n[9];
		u->large_bytes += (uint64_t)n[10];
		u->archive_kinds |= (uint32_t)n[11];
		u->archive_part |= n[12] != 0;
		u->long_n += (uint64_t)n[14];
		u->long_ms += n[15];
		u->up_first = min64(u->up_first, t[2]);
		u->up_last = max64(u->up_last, t[3]);
		if ((rc = merge_evid(x, o, "ev_up", u->ev_up, &u->nev_up)) != BK_OK)
			return rc;
	}
	p->sized += (uint64_t)n[4];
	p->bytes_in += (uint64_t)n[5];
	p->bytes_out += (uint64_t)n[6];
	p->has_size |= n[13] != 0;
	p->first = min64(p->first, t[0]);
	p->last = max64(p->last, t[1]);
	/*
	 * The hourly figures: in the samples while both sides hold every
	 * connection and there is room; otherwise in the pair's own pagg.
	 */
	if (p->agg != NULL || !whole(o, a, n[0]) ||
	    p->ns + json_array_size(a) > (uint64_t)x->set.max_samples) {
		if (bk__pair_spill(x, p) != BK_OK)
			return BK_NOMEM;
		ag = p->agg;
		for (int h = 0; h < 24; h++)
			ag->hod[h] += (uint32_t)hod[h];
		ag->after_n += (uint64_t)n[16];
		ag->after_bytes += (uint64_t)n[17];
		ag->after_first = min64(ag->after_first, t[4]);
		ag->after_last = max64(ag->after_last, t[5]);
		e = json_object_get(o, "buckets");
		if (!json_is_array(e))
			return fail(x, "buckets");
		json_array_foreach(json_object_get(o, "buckets"), i, e) {
			if (!get_ints(e, v, 2))
				return fail(x, "buckets");
			if (bk__pbuck_add(ag, (int32_t)v[0], (uint64_t)v[1]) != BK_OK)
				return BK_NOMEM;
		}
	}
	p->events += (uint64_t)n[0];
	json_array_foreach(a, i, e) {
		/* [MS,IN,OUT], or version 1's [MS,SIZE]. */
		if (!get_ints(e, v, 3)) {
			if (!get_ints(e, v, 2))
				return fail(x, "samples");
			v[2] = 0;
		}
		if (v[1] < 0 || v[2] < 0)
			return fail(x, "samples");
		if (bk__sample_add(x, p, v[0], (uint64_t)v[1], (uint64_t)v[2]) != BK_OK)
			return BK_NOMEM;
	}
	return merge_evid(x, o, "ev_any", p->ev_any, &p->nev_any);
}

static int
merge_dns(bk_exfil *x, json_t *o)
{
	const char *sn, *dn;
	size_t sl, dl;
	int64_t si, di, n[8];
	struct dns *d;
	int rc;

	if (!get_str(o, "src", &sn, &sl) || !get_str(o, "domain", &dn, &dl) ||
	    !get_ints(json_object_get(o, "n"), n, 8))
		return fail(x, "dns");
	if ((si = bk__exfil_source(x, sn, sl)) < 0 || (di = bk__exfil_dns(x, (uint32_t)si, dn, dl)) < 0)
		return BK_NOMEM;
	d = &x->dns[di];
	d->queries += (uint64_t)n[0];
	d->named += (uint64_t)n[1];
	d->len_sum += (uint64_t)n[2];
	d->qbytes += (uint64_t)n[3];
	d->ent_sum += n[4];
	if ((uint32_t)n[5] > d->max_len)
		d->max_len = (uint32_t)n[5];
	d->first = min64(d->first, n[6]);
	d->last = max64(d->last, n[7]);
	if ((rc = merge_distinct(x, d->subs, o, "subs")) != BK_OK)
		return rc;
	return merge_evid(x, o, "ev", d->ev, &d->nev);
}

int
bk_exfil_state_merge(bk_exfil *x, const bk_record *rec)
{
	json_t *o = bk__record_json(rec);
	const char *tool = bk_record_str(rec, "tool"), *kind = bk_record_str(rec, "kind");
	int64_t version, v;

	if (strcmp(bk_record_type(rec), "state") != 0 || tool == NULL ||
	    strcmp(tool, "bk-exfil") != 0)
		return fail(x, "not a bk-exfil state record");
	if (!get_i64(o, "version", &version) || version < 1 || version > 2)
		return fail(x, "unknown version");
	if (kind == NULL)
		return fail(x, "no kind");
	if (strcmp(kind, "run") == 0) {
		if (get_i64(o, "events", &v))
			x->events += (uint64_t)v;
		if (get_i64(o, "allowed", &v))
			x->allowed += (uint64_t)v;
		if (get_i64(o, "skipped", &v))
			x->skipped += (uint64_t)v;
		if (get_i64(o, "dropped", &v))
			x->dropped += (uint64_t)v;
		if (get_i64(o, "evicted", &v))
			x->evicted += (uint64_t)v;
		if (get_i64(o, "evicted_events", &v))
			x->evicted_events += (uint64_t)v;
		if (get_i64(o, "first", &v))
			x->first = min64(x->first, v);
		if (get_i64(o, "last", &v))
			x->last = max64(x->last, v);
		return BK_OK;
	}
	if (strcmp(kind, "source") == 0)
		return merge_source(x, o);
	if (strcmp(kind, "dest") == 0)
		return merge_dest(x, o);
	if (strcmp(kind, "pair") == 0)
		return merge_pair(x, o);
	if (strcmp(kind, "dns") == 0)
		return merge_dns(x, o);
	return fail(x, "unknown kind");
}
