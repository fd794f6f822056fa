/*
 * access-state.c - what a bk_access run hands on: `state` records out and
 * back in (--emit-state / --merge), the incidents as `alert` records with
 * their reasons, and the run's `summary`.
 *
 * A state record is one of four kinds, all {"type":"state","tool":
 * "bk-access","version":1,"kind":...}:
 *   bucket    one entity's bucket: "idx" (start / "width" ms), counters,
 *             "first"/"last" (ms), "distinct" (bk_distinct_encode), the
 *             numeric ids for runs ("seq": "C:ID:TS,..." with C an index
 *             into "colls", names joined by 0x1f), the evidence ("samples":
 *             "TS:F:LINE:ID" joined by 0x1e, F an index into "files"), and
 *             the collection named in alerts ("object", "object_ts")
 *   offhours  one entity's reads outside business hours over the run
 *   hit       one full-read or new-access event
 *   run       the totals: events, skipped, late, evicted, first, last and
 *             the distinct entities ("entities", encoded)
 * Times are integers (ms) so that nothing is lost on the way. Merging adds
 * each into a bk_access in DETECT (or LEARN) mode exactly as the events
 * would have been added, so windows, runs and evidence come out the same.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access-private.h"
#include "privacy.h"
#include "util-private.h"

#define TOOL "bk-access"
#define STATE_VERSION 1

/* ---- writing ------------------------------------------------------------ */

static void
begin(bk_access *a, const char *kind, const char *actor, const char *ip)
{
	bk_writer *w = a->state_out;

	bk_writer_begin(w, "state");
	bk_writer_cstr(w, "tool", TOOL);
	bk_writer_int(w, "version", STATE_VERSION);
	bk_writer_cstr(w, "kind", kind);
	if (actor != NULL)
		bk_writer_cstr(w, "actor", actor);
	if (ip != NULL)
		bk_writer_cstr(w, "ip", ip);
}

static int
end(bk_access *a)
{
	int rc = bk_writer_end(a->state_out);

	if (rc == BK_ERROR)
		snprintf(a->err, sizeof a->err, "%s", bk_writer_error(a->state_out));
	a->state_records++;
	return rc;
}

/* A growable text buffer; OOM sticks and is reported once at the end. */
struct sbuf {
	char *p;
	size_t n, cap;
	bool oom;
};

static void
sb_add(struct sbuf *b, const char *s, size_t len)
{
	if (b->oom)
		return;
	if (bk__grow(&b->p, &b->cap, b->n + len + 1, 1) != BK_OK) {
		b->oom = true;
		return;
	}
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

static void
sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Index of NAME in the list L of N names (added when missing). */
static size_t
name_index(const char **l, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (l[i] == name)
			return i;
	l[*n] = name;
	return (*n)++;
}

/* "samples" and "files" of the N samples S. */
static void
put_samples(bk_access *a, const struct bk__sample *s, size_t n)
{
	const char *files[BK__ACC_EVIDENCE];
	size_t nf = 0;
	struct sbuf sb = { 0 }, fb = { 0 };

	for (size_t i = 0; i < n; i++) {
		size_t f = name_index(files, &nf, a->files.s[s[i].file]);

		if (i > 0)
			sb_add(&sb, "\x1e", 1);
		sb_printf(&sb, "%" PRId64 ":%zu:%" PRIu64 ":", s[i].ts, f, s[i].line);
		sb_add(&sb, s[i].id, s[i].idlen);
	}
	for (size_t i = 0; i < nf; i++) {
		if (i > 0)
			sb_add(&fb, "\x1f", 1);
		sb_add(&fb, files[i], strlen(files[i]));
	}
	bk_writer_str(a->state_out, "samples", sb.p != NULL ? sb.p : "", sb.n);
	bk_writer_str(a->state_out, "files", fb.p != NULL ? fb.p : "", fb.n);
	free(sb.p);
	free(fb.p);
}

static int
write_bucket(bk_access *a, const struct bk__entity *e, const struct bk__bucket *b)
{
	bk_writer *w = a->state_out;
	char *enc = bk_distinct_encode(b->d);
	struct sbuf seq = { 0 }, cb = { 0 };
	const char **colls = NULL;
	size_t nc = 0;
	int rc;

	if (enc == NULL || (b->nseq > 0 && (colls = calloc(b->nseq, sizeof *colls)) == NULL)) {
		free(enc);
		return BK_NOMEM;
	}
	for (size_t i = 0; i < b->nseq; i++) {
		const struct bk__seqid *x = bk__acc_seq_at(b, i);
		size_t c = name_index(colls, &nc, a->colls.s[x->coll]);

		sb_printf(&seq, "%s%zu:%" PRIu64 ":%" PRId64, i > 0 ? "," : "", c, x->id, x->ts);
	}
	for (size_t i = 0; i < nc; i++) {
		if (i > 0)
			sb_add(&cb, "\x1f", 1);
		sb_add(&cb, colls[i], strlen(colls[i]));
	}
	begin(a, "bucket", e->actor, e->ip);
	bk_writer_int(w, "width", a->bw);
	bk_writer_int(w, "idx", b->idx);
	bk_writer_uint(w, "events", b->events);
	bk_writer_uint(w, "rows", b->rows);
	bk_writer_uint(w, "bytes", b->bytes);
	bk_writer_int(w, "first", b->first);
	bk_writer_int(w, "last", b->last);
	if (b->coll != UINT32_MAX) {
		bk_writer_cstr(w, "object", a->colls.s[b->coll]);
		bk_writer_int(w, "object_ts", b->coll_ts);
	}
	bk_writer_cstr(w, "distinct", enc);
	if (b->nseq > 0) {
		bk_writer_str(w, "seq", seq.p != NULL ? seq.p : "", seq.n);
		bk_writer_str(w, "colls", cb.p != NULL ? cb.p : "", cb.n);
	}
	if (b->seq_full)
		bk_writer_bool(w, "seq_full", true);
	put_samples(a, b->smp, b->nsmp);
	rc = seq.oom || cb.oom ? BK_NOMEM : end(a);
	free(enc);
	free(colls);
	free(seq.p);
	free(cb.p);
	return rc;
}

int
bk__acc_write_buckets(bk_access *a, struct bk__entity *e, int64_t upto)
{
	int rc;

	while (e->nb > 0 && e->b[0].idx < upto) {
		if ((rc = write_bucket(a, e, &e->b[0])) != BK_OK)
			return rc;
		bk__acc_drop_first(a, e);
	}
	if (upto == INT64_MAX && e->off_events > 0) {
		char *enc = bk_distinct_encode(e->off);

		if (enc == NULL)
			return BK_NOMEM;
		begin(a, "offhours", e->actor, e->ip);
		bk_writer_uint(a->state_out, "events", e->off_events);
		bk_writer_int(a->state_out, "first", e->off_first);
		bk_writer_int(a->state_out, "last", e->off_last);
		bk_writer_cstr(a->state_out, "distinct", enc);
		if (e->off_coll != UINT32_MAX) {
			bk_writer_cstr(a->state_out, "object", a->colls.s[e->off_coll]);
			bk_writer_int(a->state_out, "object_ts", e->off_coll_ts);
		}
		put_samples(a, e->off_smp, e->off_nsmp);
		free(enc);
		e->off_events = 0;
		return end(a);
	}
	return BK_OK;
}

int
bk__acc_write_hit(bk_access *a, const struct bk__entity *e, enum bk__acc_det det, int64_t ts,
    uint32_t file, uint64_t line, const char *object, int64_t rows, int64_t bytes, unsigned kinds,
    const char *id, size_t idlen)
{
	bk_writer *w = a->state_out;

	begin(a, "hit", e->actor, e->ip);
	bk_writer_cstr(w, "detector", bk__acc_det_name(det));
	bk_writer_int(w, "ts", ts);
	bk_writer_cstr(w, "file", a->files.s[file]);
	bk_writer_uint(w, "line", line);
	if (object != NULL)
		bk_writer_cstr(w, "object", object);
	if (rows >= 0 && rows != BK_EVENT_NONE)
		bk_writer_int(w, "rows", rows);
	if (bytes >= 0 && bytes != BK_EVENT_NONE)
		bk_writer_int(w, "bytes", bytes);
	if (kinds != 0)
		bk_writer_uint(w, "kinds", kinds);
	if (id != NULL)
		bk_writer_str(w, "id", id, idlen);
	return end(a);
}

int
bk__acc_write_run(bk_access *a)
{
	bk_writer *w = a->state_out;
	char *enc = bk_distinct_encode(a->entities_seen);

	if (enc == NULL)
		return BK_NOMEM;
	begin(a, "run", NULL, NULL);
	bk_writer_int(w, "width", a->bw);
	bk_writer_uint(w, "events", a->events);
	bk_writer_uint(w, "skipped", a->skipped);
	bk_writer_uint(w, "late", a->late);
	bk_writer_uint(w, "evicted", a->evicted);
	if (a->any) {
		bk_writer_int(w, "first", a->first);
		bk_writer_int(w, "last", a->last);
	}
	bk_writer_cstr(w, "entities", enc);
	free(enc);
	return end(a);
}

/* ---- merging ------------------------------------------------------------ */

static int
bad(bk_access *a, const char *what)
{
	snprintf(a->err, sizeof a->err, "bad bk-access state record: %s", what);
	return BK_ERROR;
}

/* The 0x1f-separated part I of S (LEN bytes): its start, length in *N; NULL when missing. */
static const char *
part(const char *s, size_t len, size_t i, size_t *n)
{
	const char *p = s, *e = s + len;

	while (i-- > 0) {
		const char *q = memchr(p, '\x1f', (size_t)(e - p));

		if (q == NULL)
			return NULL;
		p = q + 1;
	}
	{
		const char *q = memchr(p, '\x1f', (size_t)(e - p));

		*n = (size_t)((q != NULL ? q : e) - p);
	}
	return p;
}

static bool
num(const char **p, const char *end, int64_t *v, char stop)
{
	char *q;
	long long x;

	if (*p >= end)
		return false;
	errno = 0;
	x = strtoll(*p, &q, 10);
	if (errno != 0 || q == *p || q > end || (q < end && *q != stop) || (q == end && stop != 0))
		return false;
	*v = x;
	*p = q < end ? q + 1 : q;
	return true;
}

/* "samples"/"files" of REC into SMP (N of them, kept the MAX earliest). */
static int
read_samples(bk_access *a, const bk_record *rec, struct bk__sample *smp, size_t *n, size_t max)
{
	size_t slen, flen;
	const char *s = bk_record_strn(rec, "samples", &slen);
	const char *f = bk_record_strn(rec, "files", &flen);
	const char *p, *end;

	if (s == NULL || f == NULL)
		return bad(a, "no samples");
	for (p = s, end = s + slen; p < end;) {
		const char *q = memchr(p, '\x1e', (size_t)(end - p)), *stop = q != NULL ? q : end;
		struct bk__sample x = { 0 };
		int64_t ts, fi, line;
		const char *name;
		size_t nlen;
		uint32_t id;

		if (!num(&p, stop, &ts, ':') || !num(&p, stop, &fi, ':') || !num(&p, stop, &line, ':') ||
		    fi < 0 || line < 0 || (name = part(f, flen, (size_t)fi, &nlen)) == NULL)
			return bad(a, "bad samples");
		if ((id = bk__acc_intern(&a->files, name, nlen)) == UINT32_MAX)
			return BK_NOMEM;
		x.ts = ts;
		x.file = id;
		x.line = (uint64_t)line;
		x.idlen = (uint8_t)((size_t)(stop - p) < BK__ACC_ID_MAX ? (size_t)(stop - p) :
		    BK__ACC_ID_MAX);
		memcpy(x.id, p, x.idlen);
		bk__acc_sample_add(a, smp, n, max, &x);
		p = q != NULL ? q + 1 : end;
	}
	return BK_OK;
}

static int
get_int(const bk_record *rec, const char *key, int64_t *v)
{
	return bk_record_int(rec, key, v);
}

static int
merge_bucket(bk_access *a, struct bk__entity *e, const bk_record *rec)
{
	int64_t width, idx, events, rows, bytes, first, last, ots;
	size_t dlen, slen, clen;
	const char *d, *seq, *colls, *obj;
	struct bk__bucket *b;
	int rc;

	if (get_int(rec, "width", &width) != BK_OK || get_int(rec, "idx", &idx) != BK_OK ||
	    get_int(rec, "events", &events) != BK_OK || get_int(rec, "rows", &rows) != BK_OK ||
	    get_int(rec, "bytes", &bytes) != BK_OK || get_int(rec, "first", &first) != BK_OK ||
	    get_int(rec, "last", &last) != BK_OK ||
	    (d = bk_record_strn(rec, "distinct", &dlen)) == NULL)
		return bad(a, "bucket fields missing");
	if (width != a->bw)
		return bad(a, "made with another window");
	if ((b = bk__acc_bucket(a, e, idx)) == NULL)
		return BK_NOMEM;
	if (bk__acc_bucket_d(a, b) == NULL)
		return BK_NOMEM;
	if ((rc = bk_distinct_decode(b->d, d, dlen)) != BK_OK)
		return rc == BK_ERROR ? bad(a, "bad distinct") : rc;
	b->events += (uint64_t)events;
	b->rows += (uint64_t)rows;
	b->bytes += (uint64_t)bytes;
	b->first = first < b->first ? first : b->first;
	b->last = last > b->last ? last : b->last;
	e->events += (uint64_t)events;
	if ((obj = bk_record_str(rec, "object")) != NULL && get_int(rec, "object_ts", &ots) == BK_OK) {
		uint32_t ci = bk__acc_intern(&a->colls, obj, strlen(obj));

		if (ci == UINT32_MAX)
			return BK_NOMEM;
		bk__acc_coll_offer(a, b, ci, ots);
	}
	if (bk_record_has(rec, "seq_full"))
		b->seq_full = true;
	if ((seq = bk_record_strn(rec, "seq", &slen)) != NULL) {
		const char *p = seq, *end = seq + slen;

		if ((colls = bk_record_strn(rec, "colls", &clen)) == NULL)
			return bad(a, "seq without colls");
		while (p < end) {
			const char *q = memchr(p, ',', (size_t)(end - p)), *stop = q != NULL ? q : end;
			int64_t c, id, ts;
			const char *name;
			size_t nlen;
			uint32_t ci;

			if (!num(&p, stop, &c, ':') || !num(&p, stop, &id, ':') ||
			    !num(&p, stop, &ts, 0) || c < 0 || id < 0 ||
			    (name = part(colls, clen, (size_t)c, &nlen)) == NULL)
				return bad(a, "bad seq");
			if ((ci = bk__acc_intern(&a->colls, name, nlen)) == UINT32_MAX ||
			    bk__acc_seq_add(a, b, (uint64_t)id, ts, ci) != BK_OK)
				return BK_NOMEM;
			p = q != NULL ? q + 1 : end;
		}
	}
	return read_samples(a, rec, b->smp, &b->nsmp, BK__ACC_SAMPLES);
}

static int
merge_offhours(bk_access *a, struct bk__entity *e, const bk_record *rec)
{
	int64_t events, first, last;
	size_t dlen;
	const char *d;
	int rc;

	if (get_int(rec, "events", &events) != BK_OK || get_int(rec, "first", &first) != BK_OK ||
	    get_int(rec, "last", &last) != BK_OK ||
	    (d = bk_record_strn(rec, "distinct", &dlen)) == NULL)
		return bad(a, "offhours fields missing");
	if (e->off == NULL && (e->off = bk__acc_off_sketch(a)) == NULL)
		return BK_NOMEM;
	if ((rc = bk_distinct_decode(e->off, d, dlen)) != BK_OK)
		return rc == BK_ERROR ? bad(a, "bad distinct") : rc;
	if (e->off_events == 0 || first < e->off_first)
		e->off_first = first;
	if (e->off_events == 0 || last > e->off_last)
		e->off_last = last;
	e->off_events += (uint64_t)events;
	{
		const char *obj = bk_record_str(rec, "object");
		int64_t ots;

		if (obj != NULL && get_int(rec, "object_ts", &ots) == BK_OK) {
			uint32_t ci = bk__acc_intern(&a->colls, obj, strlen(obj));

			if (ci == UINT32_MAX)
				return BK_NOMEM;
			bk__acc_off_coll(a, e, ci, ots);
		}
	}
	return read_samples(a, rec, e->off_smp, &e->off_nsmp, BK__ACC_SAMPLES);
}

static int
merge_hit(bk_access *a, struct bk__entity *e, const bk_record *rec)
{
	const char *det = bk_record_str(rec, "detector"), *file = bk_record_str(rec, "file"), *id;
	int64_t ts, line, rows = -1, bytes = -1, kinds = 0;
	size_t idlen = 0;
	uint32_t fi;
	int d;

	if (det == NULL || (d = bk__acc_det_parse(det)) < 0 || file == NULL ||
	    get_int(rec, "ts", &ts) != BK_OK || get_int(rec, "line", &line) != BK_OK || line < 0)
		return bad(a, "hit fields missing");
	(void)get_int(rec, "rows", &rows);
	(void)get_int(rec, "bytes", &bytes);
	(void)get_int(rec, "kinds", &kinds);
	id = bk_record_strn(rec, "id", &idlen);
	if ((fi = bk__acc_intern(&a->files, file, strlen(file))) == UINT32_MAX)
		return BK_NOMEM;
	return bk__acc_hit(a, e, (enum bk__acc_det)d, ts, fi, (uint64_t)line,
	    bk_record_str(rec, "object"), rows, bytes, (unsigned)kinds, id, idlen);
}

static int
merge_run(bk_access *a, const bk_record *rec)
{
	int64_t width, events, skipped, late, evicted, first, last;
	size_t dlen;
	const char *d;
	int rc;

	if (get_int(rec, "width", &width) != BK_OK || get_int(rec, "events", &events) != BK_OK ||
	    get_int(rec, "skipped", &skipped) != BK_OK || get_int(rec, "late", &late) != BK_OK ||
	    get_int(rec, "evicted", &evicted) != BK_OK ||
	    (d = bk_record_strn(rec, "entities", &dlen)) == NULL)
		return bad(a, "run fields missing");
	if (width != a->bw)
		return bad(a, "made with another window");
	if ((rc = bk_distinct_decode(a->entities_seen, d, dlen)) != BK_OK)
		return rc == BK_ERROR ? bad(a, "bad entities") : rc;
	a->events += (uint64_t)events;
	a->skipped += (uint64_t)skipped;
	a->late += (uint64_t)late;
	a->evicted += (uint64_t)evicted;
	if (get_int(rec, "first", &first) == BK_OK && get_int(rec, "last", &last) == BK_OK) {
		if (!a->any || first < a->first)
			a->first = first;
		if (!a->any || last > a->last)
			a->last = last;
		a->any = true;
	}
	return BK_OK;
}

int
bk_access_merge(bk_access *a, const bk_record *rec)
{
	const char *tool = bk_record_str(rec, "tool"), *kind = bk_record_str(rec, "kind");
	const char *actor, *ip;
	size_t alen = 0, ilen = 0;
	struct bk__entity *e;
	int64_t version;

	if (strcmp(bk_record_type(rec), "state") != 0 || tool == NULL || strcmp(tool, TOOL) != 0)
		return bad(a, "not a bk-access state record");
	if (bk_record_int(rec, "version", &version) != BK_OK || version != STATE_VERSION)
		return bad(a, "unknown version");
	if (kind == NULL)
		return bad(a, "no kind");
	if (strcmp(kind, "run") == 0)
		return merge_run(a, rec);
	actor = bk_record_strn(rec, "actor", &alen);
	ip = bk_record_strn(rec, "ip", &ilen);
	if (actor == NULL && ip == NULL)
		return bad(a, "no entity");
	if ((e = bk__acc_entity(a, actor, alen, ip, ilen)) == NULL)
		return BK_NOMEM;
	if (strcmp(kind, "bucket") == 0)
		return merge_bucket(a, e, rec);
	if (strcmp(kind, "offhours") == 0)
		return merge_offhours(a, e, rec);
	if (strcmp(kind, "hit") == 0)
		return merge_hit(a, e, rec);
	return bad(a, "unknown kind");
}

/* ---- alerts ------------------------------------------------------------- */

/* MS as a person says it: "1 h", "15 min", "0.6 s". */
static const char *
dur_text(char *buf, size_t size, int64_t ms)
{
	if (ms >= 86400000 && ms % 86400000 == 0)
		snprintf(buf, size, "%" PRId64 " d", ms / 86400000);
	else if (ms >= 3600000 && ms % 3600000 == 0)
		snprintf(buf, size, "%" PRId64 " h", ms / 3600000);
	else if (ms >= 60000 && ms % 60000 == 0)
		snprintf(buf, size, "%" PRId64 " min", ms / 60000);
	else if (ms >= 3600000)
		snprintf(buf, size, "%.1f h", (double)ms / 3600000);
	else if (ms >= 60000)
		snprintf(buf, size, "%.1f min", (double)ms / 60000);
	else if (ms < 1000)
		snprintf(buf, size, "%" PRId64 " ms", ms);
	else if (ms % 1000 == 0)
		snprintf(buf, size, "%" PRId64 " s", ms / 1000);
	else
		snprintf(buf, size, "%.1f s", (double)ms / 1000);
	return buf;
}

/* A baseline figure: "14", "14.5". */
static const char *
fig(char *buf, size_t size, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, size, "%.0f", v);
	else
		snprintf(buf, size, "%.1f", v);
	return buf;
}

/*
 * Whether a full read is a scheduled job: seen on three or more days, each
 * time within half an hour of the same time of day (from the evidence
 * kept, the first reads). Nightly backups (pg_dump by postgres at 02:00)
 * look like this; a thief's dump rarely does. *TOD gets that time of day,
 * in minutes after midnight UTC.
 */
static bool
scheduled(const struct bk__incident *in, int *tod)
{
	const int64_t day = 86400000, half = 1800000;
	int64_t lo = INT64_MAX, hi = INT64_MIN, lo2 = INT64_MAX, hi2 = INT64_MIN;

	if (in->det != BK__DET_FULL || in->nev < 3)
		return false;
	for (size_t i = 0; i < in->nev; i++) {
		int64_t t = ((in->ev[i].ts % day) + day) % day;
		int64_t t2 = (t + day / 2) % day;	/* the same, for times around midnight */

		if (i > 0 && in->ev[i].ts - in->ev[i - 1].ts < 20 * 3600000)
			return false;	/* twice in a day: no daily job */
		lo = t < lo ? t : lo, hi = t > hi ? t : hi;
		lo2 = t2 < lo2 ? t2 : lo2, hi2 = t2 > hi2 ? t2 : hi2;
	}
	if (hi - lo <= half)
		*tod = (int)(lo / 60000);
	else if (hi2 - lo2 <= half)
		*tod = (int)(((lo2 + day / 2) % day) / 60000);
	else
		return false;
	return true;
}

static char *
reason(bk_access *a, struct bk__incident *in, const char *who)
{
	char n1[32], n2[32], n3[32], d1[32], base[160] = "";
	const char *obj = in->object != NULL ? in->object : "";
	const char *days = bk_detectconf_text(a->conf, "off_hours.workdays");
	const char *tz = bk_detectconf_str(a->conf, "off_hours.tz");
	char *r = NULL;
	int n = -1;

	if (in->has_own || in->has_peer) {
		snprintf(base, sizeof base, "%s%s%s%s%s", in->has_own ? "; own median " : "",
		    in->has_own ? fig(n2, sizeof n2, in->own.median) : "",
		    in->has_peer ? (in->has_own ? ", peer median " : "; peer median ") : "",
		    in->has_peer ? fig(n3, sizeof n3, in->peer.median) : "",
		    !in->has_own && in->has_peer ? " (no own baseline)" : "");
	} else if (!isnan(in->threshold)) {
		snprintf(base, sizeof base, " (threshold %s)",
		    in->metric != NULL && strcmp(in->metric, "bytes") == 0 ?
		    bk_fmt_bytes(n2, sizeof n2, (uint64_t)in->threshold) :
		    bk_fmt_count(n2, sizeof n2, (uint64_t)in->threshold));
	}
	switch (in->det) {
	case BK__DET_BULK:
		n = asprintf(&r, "%s read %s distinct %s records in %s%s", who,
		    bk_fmt_count(n1, sizeof n1, (uint64_t)in->value), obj,
		    dur_text(d1, sizeof d1, a->window), base);
		break;
	case BK__DET_VOLUME:
		if (strcmp(in->metric, "rows") == 0)
			n = asprintf(&r, "%s received %s rows in %s%s", who,
			    bk_fmt_count(n1, sizeof n1, (uint64_t)in->value),
			    dur_text(d1, sizeof d1, a->window), base);
		else
			n = asprintf(&r, "%s received %s in %s%s", who,
			    bk_fmt_bytes(n1, sizeof n1, (uint64_t)in->value),
			    dur_text(d1, sizeof d1, a->window), base);
		break;
	case BK__DET_ENUM: {
		int64_t span = in->run_t1 - in->run_t0;
		char rate[48] = "";

		if (span > 0)
			snprintf(rate, sizeof rate, ", %s a second",
			    bk_fmt_count(n2, sizeof n2,
			    (uint64_t)llround(in->value * 1000 / (double)span)));
		n = asprintf(&r, "%s walked %s near-sequential %s ids in %s%s%s", who,
		    bk_fmt_count(n1, sizeof n1, (uint64_t)in->value), obj,
		    dur_text(d1, sizeof d1, span), rate, base);
		break;
	}
	case BK__DET_FULL: {
		char kinds[128] = "", rows[64] = "", bytes[64] = "";

		for (size_t k = 0; k < BK__ACC_NFULLKINDS; k++)
			if (in->kinds & (1u << k)) {
				if (kinds[0] != '\0')
					strcat(kinds, ", ");
				strcat(kinds, bk__acc_full_kinds[k]);
			}
		if (in->has_rows && in->rows > 0)
			snprintf(rows, sizeof rows, "; %s rows", bk_fmt_count(n2, sizeof n2, in->rows));
		if (in->has_bytes && in->bytes > 0)
			snprintf(bytes, sizeof bytes, "%s %s", rows[0] != '\0' ? "," : ";",
			    bk_fmt_bytes(n3, sizeof n3, in->bytes));
		int tod;
		char sched[96] = "";

		if (scheduled(in, &tod))
			snprintf(sched, sizeof sched, "; daily at %02d:%02d UTC, as a scheduled job "
			    "does (a backup?)", tod / 60, tod % 60);
		n = asprintf(&r, "%s read the whole of %s %s %s (%s)%s%s%s", who, obj,
		    bk_fmt_count(n1, sizeof n1, in->count), in->count == 1 ? "time" : "times", kinds,
		    rows, bytes, sched);
		break;
	}
	case BK__DET_OFF:
		n = asprintf(&r, "%s read %s distinct %s%srecords outside business hours (%s %s, %s)%s",
		    who, bk_fmt_count(n1, sizeof n1, (uint64_t)in->value), obj, *obj != '\0' ? " " : "",
		    a->hours_text, days, tz, base);
		break;
	case BK__DET_NEW: {
		char objs[256] = "";

		for (size_t i = 0; i < in->nobjects; i++) {
			if (i > 0)
				strncat(objs, ", ", sizeof objs - strlen(objs) - 1);
			strncat(objs, in->objects[i], sizeof objs - strlen(objs) - 1);
		}
		n = asprintf(&r, "%s touched %s, never touched in the baseline period", who, objs);
		break;
	}
	case BK__DET_N:
		break;
	}
	return n < 0 ? NULL : r;
}

static int
cmp_incident(const void *x, const void *y)
{
	const struct bk__incident *p = *(struct bk__incident *const *)x;
	const struct bk__incident *q = *(struct bk__incident *const *)y;
	int c;

	if (p->first != q->first)
		return p->first < q->first ? -1 : 1;
	if ((c = strcmp(p->name, q->name)) != 0)
		return c;
	return (int)p->det - (int)q->det;
}

static double
score_of(double value, double threshold)
{
	if (isnan(threshold) || threshold <= 0 || value <= 0)
		return 0.9;
	return fmin(0.99, 1 - threshold / (2 * value));
}

int
bk__acc_build_alerts(bk_access *a)
{
	if (a->ninc > 0)
		qsort(a->inc, a->ninc, sizeof *a->inc, cmp_incident);
	if ((a->alerts = calloc(a->ninc + 1, sizeof *a->alerts)) == NULL)
		return BK_NOMEM;
	for (size_t i = 0; i < a->ninc; i++) {
		struct bk__incident *in = a->inc[i];
		bk_alert *al = &in->a;
		char who[512];

		if (in->actor != NULL && in->ip != NULL)
			snprintf(who, sizeof who, "%s (%s)", in->actor, in->ip);
		else
			snprintf(who, sizeof who, "%s", in->name);
		if (in->det == BK__DET_FULL || in->det == BK__DET_NEW) {
			free(in->object);
			in->object = in->nobjects > 0 ? strdup(in->objects[0]) : NULL;
		}
		bk_alert_clear(al);
		al->detector = bk__acc_det_name(in->det);
		al->actor = in->actor;
		al->ip = in->ip;
		al->object = in->object;
		al->first = in->first;
		al->last = in->last;
		al->count = (int64_t)in->count;
		if (in->has_rows)
			al->rows = (int64_t)in->rows;
		if (in->has_bytes)
			al->bytes = (int64_t)in->bytes;
		switch (in->det) {
		case BK__DET_FULL: {
			int tod;

			al->metric = "events";
			al->value = (double)in->count;
			al->severity = in->rows >= 1000 ? BK_SEVERITY_CRITICAL : BK_SEVERITY_HIGH;
			/* A nightly job is worth a line, not a page. */
			if (scheduled(in, &tod))
				al->severity = BK_SEVERITY_LOW;
			break;
		}
		case BK__DET_NEW:
			al->metric = "objects";
			al->value = (double)in->nobjects;
			al->severity = BK_SEVERITY_MEDIUM;
			break;
		default:
			al->metric = in->metric;
			al->value = in->value;
			al->threshold = in->threshold;
			al->severity = in->det == BK__DET_OFF ? BK_SEVERITY_MEDIUM :
			    in->det == BK__DET_VOLUME ? BK_SEVERITY_MEDIUM : BK_SEVERITY_HIGH;
			if (in->value >= 10 * in->threshold && in->det != BK__DET_OFF &&
			    al->severity < BK_SEVERITY_CRITICAL)
				al->severity = (enum bk_severity)(al->severity + 1);
			if (in->det != BK__DET_OFF)
				al->window = a->window_text;
			break;
		}
		al->score = score_of(al->value, al->threshold);
		if (in->has_own) {
			al->own_median = in->own.median;
			al->own_mad = in->own.mad;
		}
		if (in->has_peer) {
			al->peer_median = in->peer.median;
			al->peer_mad = in->peer.mad;
		}
		if ((in->reason = reason(a, in, who)) == NULL)
			return BK_NOMEM;
		al->reason = in->reason;
		for (size_t j = 0; j < in->nev; j++) {
			const char *f = a->files.s[in->ev[j].file];
			bool have = false;

			for (size_t k = 0; k < al->nfiles && !have; k++)
				have = strcmp(al->files[k], f) == 0;
			if (!have)
				al->files[al->nfiles++] = f;
			al->lines[al->nlines++] = in->ev[j].line;
			if (in->ev[j].idlen > 0) {
				memcpy(in->idbuf[j], in->ev[j].id, in->ev[j].idlen);
				in->idbuf[j][in->ev[j].idlen] = '\0';
				have = false;
				for (size_t k = 0; k < al->nids && !have; k++)
					have = strcmp(al->ids[k], in->idbuf[j]) == 0;
				if (!have)
					al->ids[al->nids++] = in->idbuf[j];
			}
		}
		a->alerts[i] = al;
	}
	return BK_OK;
}

size_t
bk_access_alerts(const bk_access *a, const bk_alert *const **alerts)
{
	*alerts = a->alerts;
	return a->alerts != NULL ? a->ninc : 0;
}

int
bk_access_write_alert(const bk_access *a, size_t i, bk_writer *w, bool show_values)
{
	const struct bk__incident *in = a->inc[i];

	bk_alert_begin(w, &in->a, show_values);
	if (in->det == BK__DET_ENUM) {
		char lo[32], hi[32], m[64];
		int nlo = snprintf(lo, sizeof lo, "%" PRIu64, in->run_lo);
		int nhi = snprintf(hi, sizeof hi, "%" PRIu64, in->run_hi);

		if (show_values) {
			bk_writer_str(w, "run_first", lo, (size_t)nlo);
			bk_writer_str(w, "run_last", hi, (size_t)nhi);
		} else {
			bk_writer_str(w, "run_first", m, bk_mask(lo, (size_t)nlo, m));
			bk_writer_str(w, "run_last", m, bk_mask(hi, (size_t)nhi, m));
		}
		bk_writer_time(w, "run_start", in->run_t0);
		bk_writer_time(w, "run_end", in->run_t1);
	}
	if (in->det == BK__DET_FULL) {
		bk_writer_array_begin(w, "kinds");
		for (size_t k = 0; k < BK__ACC_NFULLKINDS; k++)
			if (in->kinds & (1u << k))
				bk_writer_cstr(w, NULL, bk__acc_full_kinds[k]);
		bk_writer_array_end(w);
	}
	if (in->det == BK__DET_NEW) {
		bk_writer_array_begin(w, "objects");
		for (size_t k = 0; k < in->nobjects; k++)
			bk_writer_cstr(w, NULL, in->objects[k]);
		bk_writer_array_end(w);
	}
	return bk_writer_end(w);
}

/* ---- summary ------------------------------------------------------------ */

int
bk_access_write_summary(const bk_access *a, bk_writer *w)
{
	bk_writer_begin(w, "summary");
	bk_writer_cstr(w, "tool", TOOL);
	bk_writer_uint(w, "events", a->events);
	bk_writer_uint(w, "entities", bk_distinct_count(a->entities_seen));
	bk_writer_uint(w, "alerts", a->alerts != NULL ? a->ninc : 0);
	if (a->any) {
		bk_writer_time(w, "first", a->first);
		bk_writer_time(w, "last", a->last);
	}
	bk_writer_uint(w, "skipped", a->skipped);
	bk_writer_uint(w, "evicted", a->evicted);
	bk_writer_uint(w, "late", a->late);
	bk_writer_array_begin(w, "activity");
	for (size_t i = 0; i < a->ntop; i++) {
		const struct bk__top *t = &a->top[i];

		bk_writer_object_begin(w, NULL);
		if (t->actor != NULL)
			bk_writer_cstr(w, "actor", t->actor);
		if (t->ip != NULL)
			bk_writer_cstr(w, "ip", t->ip);
		bk_writer_array_begin(w, "hours");
		for (size_t j = 0; j < t->nh; j++) {
			bk_writer_object_begin(w, NULL);
			bk_writer_time(w, "t", (int64_t)t->hours[j].hour * 3600000);
			bk_writer_uint(w, "events", t->hours[j].events);
			bk_writer_uint(w, "distinct", t->hours[j].distinct);
			bk_writer_uint(w, "rows", t->hours[j].rows);
			bk_writer_uint(w, "bytes_out", t->hours[j].bytes);
			bk_writer_object_end(w);
		}
		bk_writer_array_end(w);
		bk_writer_object_end(w);
	}
	bk_writer_array_end(w);
	return bk_writer_end(w);
}
