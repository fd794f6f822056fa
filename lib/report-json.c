/*
 * report-json.c - the report as one `summary` record for machines (a SIEM,
 * a ticket), and saving any rendering to a file; see report.h.
 *
 * The record goes through the library's record writer, so it is valid
 * UTF-8 JSON whatever the records held, and its keys are the model's:
 * headline figures, counts per severity, then the incidents, entities,
 * exposures and destinations as itemised (with the number left out past
 * the bounds).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "atomic-private.h"
#include "report-private.h"
#include "util-private.h"

/* ---- JSON --------------------------------------------------------------- */

static void
put_str(bk_writer *w, const char *key, const char *s)
{
	if (s != NULL)
		bk_writer_cstr(w, key, s);
}

static void
put_kinds(bk_writer *w, const char *key, const struct bk__kind *k, size_t n, uint64_t other)
{
	bk_writer_object_begin(w, key);
	for (size_t i = 0; i < n; i++)
		bk_writer_uint(w, k[i].name, k[i].n);
	if (other > 0)
		bk_writer_uint(w, "other", other);
	bk_writer_object_end(w);
}

int
bk_report_json(const bk_report *r, FILE *out)
{
	bk_writer *w = bk_writer_new(out);
	bool exact, known;
	uint64_t people = bk__report_people(r, &exact, &known);
	int rc;

	if (w == NULL)
		return BK_NOMEM;
	bk_writer_begin(w, "summary");
	bk_writer_cstr(w, "tool", "bk-report");
	bk_writer_object_begin(w, "records");
	bk_writer_uint(w, "alerts", r->n_alerts);
	bk_writer_uint(w, "findings", r->n_findings);
	bk_writer_uint(w, "inventories", r->n_inventories);
	bk_writer_uint(w, "summaries", r->n_summaries);
	bk_writer_uint(w, "ignored", r->n_ignored);
	bk_writer_uint(w, "invalid", r->n_invalid + r->n_bad);
	bk_writer_object_end(w);
	if (r->first != BK__NO_TIME) {
		bk_writer_time(w, "first", r->first);
		bk_writer_time(w, "last", r->last);
	}
	if (r->events > 0)
		bk_writer_uint(w, "events", r->events);
	if (known) {
		bk_writer_uint(w, "people", people);
		bk_writer_bool(w, "people_exact", exact);
	}
	if (r->npeople_kinds > 0)
		put_kinds(w, "people_by_kind", r->people_kinds, r->npeople_kinds, 0);
	bk_writer_uint(w, "records_read", r->records_read);
	bk_writer_uint(w, "bytes_out", r->bytes_out);
	bk_writer_object_begin(w, "alerts");
	for (int s = BK_SEVERITY_CRITICAL; s >= BK_SEVERITY_LOW; s--)
		bk_writer_uint(w, bk_severity_name((enum bk_severity)s), r->alerts_sev[s]);
	bk_writer_object_end(w);
	bk_writer_object_begin(w, "findings");
	for (int s = BK_SEVERITY_CRITICAL; s >= BK_SEVERITY_LOW; s--)
		bk_writer_uint(w, bk_severity_name((enum bk_severity)s), r->findings_sev[s]);
	bk_writer_object_end(w);

	bk_writer_array_begin(w, "incidents");
	for (size_t i = 0; i < r->nincidents; i++) {
		const struct bk__incident *in = &r->incidents[i];

		bk_writer_object_begin(w, NULL);
		bk_writer_uint(w, "rank", in->rank);
		bk_writer_cstr(w, "severity", bk_severity_name(in->severity));
		bk_writer_figure(w, "score", in->score);
		put_str(w, "actor", in->actor);
		put_str(w, "ip", in->ip);
		put_str(w, "dst", in->dst);
		bk_writer_time(w, "first", in->first);
		bk_writer_time(w, "last", in->last);
		bk_writer_uint(w, "alerts", in->alerts);
		bk_writer_uint(w, "records", in->records);
		bk_writer_uint(w, "bytes", in->bytes);
		bk_writer_array_begin(w, "objects");
		for (size_t k = 0; k < in->nobjects; k++)
			bk_writer_cstr(w, NULL, in->objects[k]);
		bk_writer_array_end(w);
		bk_writer_array_begin(w, "files");
		for (size_t k = 0; k < in->nfiles; k++)
			bk_writer_cstr(w, NULL, in->files[k]);
		bk_writer_array_end(w);
		bk_writer_array_begin(w, "detectors");
		for (size_t k = 0; k < in->nitems; k++) {
			const struct bk__ralert *a = &in->items[k];

			bk_writer_object_begin(w, NULL);
			bk_writer_cstr(w, "detector", a->detector);
			bk_writer_cstr(w, "severity", bk_severity_name(a->severity));
			bk_writer_time(w, "first", a->first);
			bk_writer_time(w, "last", a->last);
			put_str(w, "metric", a->metric);
			bk_writer_figure(w, "value", a->value);
			bk_writer_figure(w, "threshold", a->threshold);
			bk_writer_figure(w, "own_median", a->own_median);
			bk_writer_figure(w, "peer_median", a->peer_median);
			put_str(w, "reason", a->reason);
			bk_writer_object_end(w);
		}
		bk_writer_array_end(w);
		bk_writer_object_end(w);
	}
	bk_writer_array_end(w);
	if (r->incidents_more > 0)
		bk_writer_uint(w, "alerts_not_itemised", r->incidents_more);

	bk_writer_array_begin(w, "entities");
	for (size_t i = 0; i < r->nentities; i++) {
		const struct bk__entity *e = &r->entities[i];

		bk_writer_object_begin(w, NULL);
		put_str(w, "actor", e->actor);
		put_str(w, "ip", e->ip);
		bk_writer_uint(w, "events", e->events);
		bk_writer_uint(w, "active_hours", e->hours);
		bk_writer_uint(w, "rows", e->rows);
		bk_writer_uint(w, "bytes_up", e->bytes_up);
		bk_writer_uint(w, "alerts", e->alerts);
		if (e->alerts > 0)
			bk_writer_cstr(w, "severity", bk_severity_name(e->severity));
		bk_writer_object_end(w);
	}
	bk_writer_array_end(w);
	if (r->entities_more > 0)
		bk_writer_uint(w, "entities_not_itemised", r->entities_more);

	bk_writer_array_begin(w, "exposures");
	for (size_t i = 0; i < r->nexposures; i++) {
		const struct bk__exposure *e = &r->exposures[i];

		bk_writer_object_begin(w, NULL);
		bk_writer_cstr(w, "file", e->file);
		put_str(w, "table", e->table);
		put_str(w, "format", e->format);
		put_str(w, "encoding", e->encoding);
		if (e->rows >= 0)
			bk_writer_int(w, "rows", e->rows);
		if (e->rows_with_pii >= 0)
			bk_writer_int(w, "rows_with_pii", e->rows_with_pii);
		if (e->subjects >= 0) {
			bk_writer_int(w, "subjects", e->subjects);
			bk_writer_bool(w, "subjects_exact", e->subjects_exact);
		}
		if (e->findings > 0 || e->scan_summary)
			bk_writer_uint(w, "findings", e->findings);
		if (e->distinct >= 0)
			bk_writer_int(w, "distinct", e->distinct);
		if (e->has_severity)
			bk_writer_cstr(w, "severity", bk_severity_name(e->severity));
		if (e->nclasses > 0) {
			bk_writer_array_begin(w, "classes");
			for (size_t k = 0; k < e->nclasses; k++)
				bk_writer_cstr(w, NULL, e->classes[k]);
			bk_writer_array_end(w);
		}
		put_kinds(w, "kinds", e->kinds, e->nkinds, e->kinds_other);
		bk_writer_object_end(w);
	}
	bk_writer_array_end(w);
	if (r->exposures_more > 0)
		bk_writer_uint(w, "exposures_not_itemised", r->exposures_more);

	bk_writer_array_begin(w, "destinations");
	for (size_t i = 0; i < r->ndests; i++) {
		const struct bk__destination *d = &r->dests[i];

		bk_writer_object_begin(w, NULL);
		bk_writer_cstr(w, "dst", d->dst);
		bk_writer_uint(w, "bytes_in", d->bytes_in);
		if (r->dests_from_summary) {
			bk_writer_uint(w, "connections", d->connections);
			bk_writer_uint(w, "sources", d->sources);
		}
		bk_writer_bool(w, "alerted", d->alerted);
		bk_writer_object_end(w);
	}
	bk_writer_array_end(w);
	rc = bk_writer_end(w);
	bk_writer_free(w);
	return rc;
}

/* ---- saving ------------------------------------------------------------- */

struct save_ctx {
	bk_report *r;
	enum bk_report_format format;
	const struct bk_report_text_opts *opts;
	int rc;
};

static void
save_write(void *ctx, FILE *fp)
{
	struct save_ctx *c = ctx;

	switch (c->format) {
	case BK_REPORT_TEXT:
		c->rc = bk_report_text(c->r, fp, c->opts);
		break;
	case BK_REPORT_JSON:
		c->rc = bk_report_json(c->r, fp);
		break;
	case BK_REPORT_HTML:
		c->rc = bk_report_html(c->r, fp);
		break;
	}
}

int
bk_report_save(bk_report *r, enum bk_report_format format,
    const struct bk_report_text_opts *opts, const char *path)
{
	struct save_ctx c = { r, format, opts, BK_OK };
	char err[512];
	int rc = bk__atomic_write(path, save_write, &c, err, sizeof err);

	if (rc == BK_ERROR)
		bk__report_set_error(r, "%s", err);
	else if (rc == BK_OK && c.rc != BK_OK)
		bk__report_set_error(r, "%s: cannot write the report", path);
	return rc != BK_OK ? rc : c.rc;
}
