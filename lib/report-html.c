/*
 * report-html.c - the report as one self-contained HTML page for people
 * who will not read a terminal: the text report's content plus three
 * charts drawn as inline SVG; see report.h.
 *
 * Self-contained and inert: no scripts at all, no fonts, images or
 * anything else fetched; the page carries a Content-Security-Policy that
 * forbids everything but its own style sheet, pinned by its SHA-256 (so
 * not even an injected <style> would apply). Every string from the records
 * is escaped: they are log contents an attacker may have chosen. Chart
 * elements have fixed class names (bk-chart-activity, bk-activity-row,
 * bk-series, bk-alert-span, bk-chart-baseline, bk-bar-value, bk-mark-own,
 * bk-mark-peer, bk-mark-threshold, bk-chart-destinations, bk-bar-dst), so
 * tests can count what was drawn.
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <sodium.h>

#include "alert.h"
#include "report-private.h"
#include "util-private.h"

static const char css[] =
    "body{font-family:system-ui,\"Noto Sans CJK JP\",\"Hiragino Sans\",\"Yu Gothic\",Meiryo,"
    "sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;"
    "color:#1d2430;background:#fff;line-height:1.4}"
    "h1{margin-bottom:.2em}h2{border-bottom:1px solid #ccd;padding-bottom:.2em;margin-top:1.6em}"
    ".period{color:#556}"
    ".headline{display:flex;flex-wrap:wrap;gap:1em;margin:1em 0}"
    ".fig{border:1px solid #ccd;border-radius:6px;padding:.6em 1em;min-width:12em}"
    ".fig .n{display:block;font-size:2em;font-weight:600}.fig .l{color:#556}"
    ".sev{display:inline-block;border-radius:3px;padding:0 .4em;font-size:.85em;font-weight:600;"
    "text-transform:uppercase;color:#fff;background:#889}"
    ".sev-critical{background:#8b0000}.sev-high{background:#d0342c}"
    ".sev-medium{background:#d98c00}.sev-low{background:#6b7a8f}"
    ".incident{margin:.8em 0;padding:.6em .9em;border-left:4px solid #ccd;background:#f6f7fa}"
    ".incident.critical{border-color:#8b0000}.incident.high{border-color:#d0342c}"
    ".incident.medium{border-color:#d98c00}"
    ".incident .who{font-weight:600}.incident .when,.incident .what,.note{color:#556}"
    ".incident ul{margin:.3em 0 .2em 1.2em;padding:0}"
    "table{border-collapse:collapse;width:100%;font-size:.92em}"
    "th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #e3e5ea;vertical-align:top}"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}"
    "svg.bk-chart{width:100%;height:auto;display:block;margin:.5em 0 1em}"
    "svg text{font-family:inherit;font-size:12px;fill:#1d2430}"
    "svg .bk-tick{fill:#556;font-size:11px}svg .bk-axis{stroke:#aab;stroke-width:1}"
    "svg .bk-row-bg{fill:#f6f7fa}"
    "svg .bk-series{stroke:#3a6ea5;fill:none}"
    "svg .bk-alert-span{fill:#d0342c;fill-opacity:.28;stroke:#d0342c;stroke-width:1}"
    "svg .bk-alert-span.critical{fill:#8b0000;stroke:#8b0000}"
    "svg .bk-alert-span.medium,svg .bk-alert-span.low{fill:#d98c00;stroke:#d98c00}"
    "svg .bk-bar-value{fill:#d0342c}"
    "svg .bk-mark-own{stroke:#3a6ea5;stroke-width:3}"
    "svg .bk-mark-peer{stroke:#2e8b57;stroke-width:3}"
    "svg .bk-mark-threshold{stroke:#1d2430;stroke-width:2;stroke-dasharray:4 3}"
    "svg .bk-bar-dst{fill:#8fa3bf}svg .bk-bar-dst.bk-alerted{fill:#d0342c}"
    "svg .bk-legend-own{fill:#3a6ea5}svg .bk-legend-peer{fill:#2e8b57}"
    "svg .bk-legend-threshold{fill:#1d2430}svg .bk-legend-value{fill:#d0342c}"
    "footer{margin-top:2em;color:#778;font-size:.85em}";

/* ---- escaping ----------------------------------------------------------- */

/* S as HTML text or attribute value: markup characters as entities, controls as '?'. */
static void
esc(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");

	while (*p != '\0') {
		size_t n = bk__utf8_char(p, strlen((const char *)p));

		if (n == 0) {
			fputs("\xef\xbf\xbd", out);	/* cannot happen for jansson's strings */
			p++;
			continue;
		}
		if (n == 1) {
			switch (*p) {
			case '&': fputs("&amp;", out); break;
			case '<': fputs("&lt;", out); break;
			case '>': fputs("&gt;", out); break;
			case '"': fputs("&quot;", out); break;
			case '\'': fputs("&#39;", out); break;
			default: fputc(*p < 0x20 || *p == 0x7f ? '?' : *p, out); break;
			}
		} else if (n == 2 && p[0] == 0xc2 && p[1] <= 0x9f) {
			fputc('?', out);	/* C1 controls */
		} else if (n == 3 && p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa && p[2] <= 0xae) {
			fputc('?', out);	/* bidirectional embeddings and overrides */
		} else if (n == 3 && p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9) {
			fputc('?', out);	/* bidirectional isolates */
		} else {
			fwrite(p, 1, n, out);
		}
		p += n;
	}
}

/* S escaped and cut to MAXW display columns with an ellipsis: labels beside a chart. */
static void
esc_cut(FILE *out, const char *s, size_t maxw)
{
	char buf[4 * BK__STR_MAX + 8];
	size_t len = strlen(s), w = 0, o = 0;

	if (bk_display_width(s, len) <= maxw) {
		esc(out, s);
		return;
	}
	while (o < len && o < sizeof buf - 4) {
		size_t n = bk__utf8_char((const unsigned char *)s + o, len - o);

		n = n == 0 ? 1 : n;
		if (w + bk_display_width(s + o, n) > maxw - 1)
			break;
		w += bk_display_width(s + o, n);
		o += n;
	}
	memcpy(buf, s, o);
	memcpy(buf + o, "\xe2\x80\xa6", 4);	/* U+2026 and the NUL */
	esc(out, buf);
}

static void
sev_badge(FILE *out, enum bk_severity s)
{
	fprintf(
	    out, "<span class=\"sev sev-%s\">%s</span>", bk_severity_name(s), bk_severity_name(s));
}

static void
entity(FILE *out, const char *actor, const char *ip, const char *dst)
{
	char label[3 * BK__STR_MAX + 16];

	bk__report_entity_label(actor, ip, dst, label, sizeof label);
	esc(out, label);
}

/* The entity as a chart's row label: what fits left of the plot. */
static void
entity_cut(FILE *out, const char *actor, const char *ip, const char *dst)
{
	char label[3 * BK__STR_MAX + 16];

	bk__report_entity_label(actor, ip, dst, label, sizeof label);
	esc_cut(out, label, 34);
}

static void
when(FILE *out, int64_t ms)
{
	char buf[32];

	bk__report_time_short(ms, buf, sizeof buf);
	fputs(buf, out);
}

/* ---- charts ------------------------------------------------------------- */

#define CHART_W 960.0
#define LABEL_W 230.0
#define PLOT_X (LABEL_W + 10)
#define PLOT_W (CHART_W - PLOT_X - 20)

/* Whether series S is the activity of incident IN's entity. */
static bool
series_matches(const struct bk__series *s, const struct bk__incident *in)
{
	bool actor = s->actor == NULL ? in->actor == NULL :
	    in->actor != NULL && strcmp(s->actor, in->actor) == 0;
	bool ip = s->ip == NULL || in->ip == NULL || strcmp(s->ip, in->ip) == 0;

	return actor && ip;
}

static double
xpos(int64_t t, int64_t t0, int64_t t1)
{
	return PLOT_X + PLOT_W * (double)(t - t0) / (double)(t1 - t0);
}

static void
alert_spans(FILE *out, const bk_report *r, const struct bk__incident *in, double y, double h,
    int64_t t0, int64_t t1)
{
	(void)r;
	for (size_t k = 0; k < in->nitems; k++) {
		const struct bk__ralert *a = &in->items[k];
		double x0 = xpos(a->first, t0, t1), x1 = xpos(a->last, t0, t1);

		if (x1 - x0 < 3)
			x1 = x0 + 3;
		fprintf(out,
		    "<rect class=\"bk-alert-span %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\"><title>",
		    bk_severity_name(a->severity), x0, y, x1 - x0, h);
		esc(out, a->reason != NULL ? a->reason : a->detector);
		fputs("</title></rect>\n", out);
	}
}

static void
axis(FILE *out, double y, int64_t t0, int64_t t1)
{
	fprintf(out, "<line class=\"bk-axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
	    PLOT_X, y, PLOT_X + PLOT_W, y);
	for (int i = 0; i <= 4; i++) {
		int64_t t = t0 + (t1 - t0) * i / 4;
		char buf[32];

		bk__report_time_short(t, buf, sizeof buf);
		fprintf(out,
		    "<text class=\"bk-tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>\n",
		    xpos(t, t0, t1), y + 15,
		    i == 0   ? "start"
		    : i == 4 ? "end"
		             : "middle",
		    buf + 5);
	}
}

/* Activity over time, one row per entity, the alerts' periods marked. */
static void
chart_activity(FILE *out, const bk_report *r)
{
	const double row_h = 44;
	int64_t t0 = INT64_MAX, t1 = INT64_MIN;
	bool orphan[BK_REPORT_MAX_INCIDENTS] = { false };
	size_t rows = r->nseries, norphans = 0;
	double y;
	char buf[32];

	for (size_t i = 0; i < r->nseries; i++)
		for (size_t k = 0; k < r->series[i].n; k++) {
			int64_t t = r->series[i].pts[k].t;

			t0 = t < t0 ? t : t0;
			t1 = t + 3600000 > t1 ? t + 3600000 : t1;
		}
	for (size_t i = 0; i < r->nincidents; i++) {
		const struct bk__incident *in = &r->incidents[i];
		bool matched = false;

		for (size_t k = 0; k < r->nseries && !matched; k++)
			matched = series_matches(&r->series[k], in);
		if (!matched && rows < BK_REPORT_MAX_SERIES) {
			orphan[i] = true;
			rows++;
			norphans++;
		}
		if (!matched && !orphan[i])
			continue;
		t0 = in->first < t0 ? in->first : t0;
		t1 = in->last > t1 ? in->last : t1;
	}
	if (rows == 0)
		return;
	if (t0 == INT64_MAX)	/* no hour and no alert had a time */
		t0 = 0;
	if (t1 <= t0)
		t1 = t0 + 3600000;
	fprintf(out, "<h3>Activity over time, alerts marked</h3>\n"
	    "<svg class=\"bk-chart bk-chart-activity\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	    "xmlns=\"http://www.w3.org/2000/svg\">\n", CHART_W, rows * row_h + 30);
	y = 4;
	for (size_t i = 0; i < r->nseries; i++, y += row_h) {
		const struct bk__series *s = &r->series[i];
		double peak = 0, step = PLOT_W * 3600000.0 / (double)(t1 - t0);

		for (size_t k = 0; k < s->n; k++)
			peak = s->pts[k].v > peak ? s->pts[k].v : peak;
		fputs("<g class=\"bk-activity-row\">\n", out);
		fprintf(out, "<rect class=\"bk-row-bg\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\"/>\n", PLOT_X, y, PLOT_W, row_h - 6);
		fprintf(out, "<text x=\"0\" y=\"%.1f\">", y + 16);
		entity_cut(out, s->actor, s->ip, NULL);
		fprintf(out,
		    "</text>\n<text class=\"bk-tick\" x=\"0\" y=\"%.1f\">%s, peak %s/h</text>\n",
		    y + 31, s->tool,
		    strcmp(s->unit, "bytes up") == 0
		        ? bk_fmt_bytes(buf, sizeof buf, (uint64_t)peak)
		        : bk_fmt_count(buf, sizeof buf, (uint64_t)peak));
		fprintf(out, "<path class=\"bk-series\" stroke-width=\"%.2f\" d=\"",
		    step > 1 ? step * 0.8 : 1);
		for (size_t k = 0; k < s->n; k++) {
			double h = peak > 0 ? (row_h - 10) * s->pts[k].v / peak : 0;
			double x = xpos(s->pts[k].t, t0, t1) + step / 2;

			if (h > 0)
				fprintf(
				    out, "M%.1f %.1fV%.1f", x, y + row_h - 6, y + row_h - 6 - h);
		}
		fputs("\"/>\n", out);
		for (size_t k = 0; k < r->nincidents; k++)
			if (series_matches(s, &r->incidents[k]))
				alert_spans(out, r, &r->incidents[k], y, row_h - 6, t0, t1);
		fputs("</g>\n", out);
	}
	for (size_t i = 0; i < r->nincidents; i++) {
		const struct bk__incident *in = &r->incidents[i];

		if (!orphan[i])
			continue;
		fputs("<g class=\"bk-activity-row\">\n", out);
		fprintf(out, "<rect class=\"bk-row-bg\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\"/>\n", PLOT_X, y, PLOT_W, row_h - 6);
		fprintf(out, "<text x=\"0\" y=\"%.1f\">", y + 16);
		entity_cut(out, in->actor, in->ip, in->dst);
		fprintf(out,
		    "</text>\n<text class=\"bk-tick\" x=\"0\" y=\"%.1f\">alerts only</text>\n",
		    y + 31);
		alert_spans(out, r, in, y, row_h - 6, t0, t1);
		fputs("</g>\n", out);
		y += row_h;
	}
	axis(out, y, t0, t1);
	fputs("</svg>\n", out);
	fprintf(out, "<p class=\"note\">Bars: each entity's hourly activity (records read for "
	    "database users, bytes uploaded for workstations), scaled to its own peak; red: "
	    "the periods of its alerts (hover for the reason, UTC).</p>\n");
}

static bool
counts_records(const struct bk__ralert *a)
{
	return a->metric != NULL && !isnan(a->value) && a->value >= 0 &&
	    (strcmp(a->metric, "distinct_records") == 0 || strcmp(a->metric, "rows") == 0);
}

/* Records read per entity (the alert's figure) against its baselines, on a log scale. */
static void
chart_baseline(FILE *out, const bk_report *r)
{
	const double row_h = 34;
	const struct bk__ralert *rows[BK_REPORT_MAX_INCIDENTS];
	size_t n = 0;
	double top = 10, y;
	char buf[32];

	for (size_t i = 0; i < r->nincidents; i++) {
		const struct bk__ralert *best = NULL;

		for (size_t k = 0; k < r->incidents[i].nitems; k++) {
			const struct bk__ralert *a = &r->incidents[i].items[k];

			if (counts_records(a) && (best == NULL || a->value > best->value))
				best = a;
		}
		if (best == NULL)
			continue;
		rows[n++] = best;
		top = fmax(top, fmax(best->value, isnan(best->threshold) ? 0 : best->threshold));
		top = fmax(top, fmax(isnan(best->own_median) ? 0 : best->own_median,
		    isnan(best->peer_median) ? 0 : best->peer_median));
	}
	if (n == 0)
		return;
	double decades = ceil(log10(top * 1.2));
	if (decades < 1)
		decades = 1;
#define LX(v) (PLOT_X + PLOT_W * log10(fmax((v), 1.0)) / decades)
	fprintf(out, "<h3>Records read against the baseline</h3>\n"
	    "<svg class=\"bk-chart bk-chart-baseline\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	    "xmlns=\"http://www.w3.org/2000/svg\">\n", CHART_W, n * row_h + 50);
	y = 4;
	for (size_t i = 0; i < n; i++, y += row_h) {
		const struct bk__ralert *a = rows[i];
		const struct bk__incident *in = a->incident;

		fprintf(out, "<text x=\"0\" y=\"%.1f\">", y + 17);
		entity_cut(out, in->actor, in->ip, in->dst);
		fputs("</text>\n", out);
		fprintf(out, "<rect class=\"bk-bar-value\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\"><title>", PLOT_X, y + 6, LX(a->value) - PLOT_X, row_h - 14);
		esc(out, a->reason != NULL ? a->reason : a->detector);
		fprintf(out, "</title></rect>\n<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
		    fmin(LX(a->value) + 6, CHART_W - 60), y + 17,
		    bk_fmt_count(buf, sizeof buf, (uint64_t)a->value));
		if (!isnan(a->own_median))
			fprintf(out,
			    "<line class=\"bk-mark-own\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\"/>\n",
			    LX(a->own_median), y + 2, LX(a->own_median), y + row_h - 4);
		if (!isnan(a->peer_median))
			fprintf(out,
			    "<line class=\"bk-mark-peer\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			    "y2=\"%.1f\"/>\n",
			    LX(a->peer_median), y + 2, LX(a->peer_median), y + row_h - 4);
		if (!isnan(a->threshold))
			fprintf(out, "<line class=\"bk-mark-threshold\" x1=\"%.1f\" y1=\"%.1f\" "
			    "x2=\"%.1f\" y2=\"%.1f\"/>\n", LX(a->threshold), y, LX(a->threshold),
			    y + row_h - 2);
	}
	fprintf(out, "<line class=\"bk-axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
	    PLOT_X, y, PLOT_X + PLOT_W, y);
	for (int d = 0; d <= (int)decades; d++)
		fprintf(out,
		    "<text class=\"bk-tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s"
		    "</text>\n",
		    PLOT_X + PLOT_W * d / decades, y + 15,
		    bk_fmt_count(buf, sizeof buf, (uint64_t)pow(10, d)));
	fprintf(out,
	    "<rect class=\"bk-legend-value\" x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"8\"/>"
	    "<text x=\"%.1f\" y=\"%.1f\">records read</text>\n"
	    "<rect class=\"bk-legend-own\" x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"8\"/>"
	    "<text x=\"%.1f\" y=\"%.1f\">own median</text>\n"
	    "<rect class=\"bk-legend-peer\" x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"8\"/>"
	    "<text x=\"%.1f\" y=\"%.1f\">peer median</text>\n"
	    "<rect class=\"bk-legend-threshold\" x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"8\"/>"
	    "<text x=\"%.1f\" y=\"%.1f\">threshold</text>\n",
	    PLOT_X, y + 28, PLOT_X + 16, y + 36, PLOT_X + 130, y + 28, PLOT_X + 146, y + 36,
	    PLOT_X + 250, y + 28, PLOT_X + 266, y + 36, PLOT_X + 370, y + 28, PLOT_X + 386, y + 36);
	fputs("</svg>\n", out);
#undef LX
}

/* Bytes uploaded per destination, the ones alerts name in red. */
static void
chart_destinations(FILE *out, const bk_report *r)
{
	const double row_h = 26;
	size_t n = r->ndests < 10 ? r->ndests : 10;
	double top = 1, y = 4;
	char buf[32];

	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++)
		top = fmax(top, (double)r->dests[i].bytes_in);
	fprintf(out, "<h3>Bytes uploaded per destination</h3>\n"
	    "<svg class=\"bk-chart bk-chart-destinations\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
	    "xmlns=\"http://www.w3.org/2000/svg\">\n", CHART_W, n * row_h + 10);
	for (size_t i = 0; i < n; i++, y += row_h) {
		const struct bk__destination *d = &r->dests[i];
		double w = fmax(PLOT_W * 0.85 * (double)d->bytes_in / top, 1);

		fprintf(out, "<text x=\"0\" y=\"%.1f\">", y + 14);
		esc_cut(out, d->dst, 34);
		fprintf(out,
		    "</text>\n<rect class=\"bk-bar-dst%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\"/>\n<text x=\"%.1f\" y=\"%.1f\">%s%s</text>\n",
		    d->alerted ? " bk-alerted" : "", PLOT_X, y + 3, w, row_h - 8, PLOT_X + w + 6,
		    y + 14, bk_fmt_bytes(buf, sizeof buf, d->bytes_in),
		    d->alerted ? " (alert)" : "");
	}
	fputs("</svg>\n", out);
}

/* ---- sections ----------------------------------------------------------- */

static void
headline(FILE *out, const bk_report *r)
{
	char a[32], b[32];
	bool exact, known;
	uint64_t people = bk__report_people(r, &exact, &known);

	fputs("<header><h1>breachkit report</h1>\n", out);
	if (r->first != BK__NO_TIME) {
		bk__report_time_short(r->first, a, sizeof a);
		bk__report_time_short(r->last, b, sizeof b);
		fprintf(out, "<p class=\"period\">Logs from %s to %s UTC", a, b);
		if (r->events > 0)
			fprintf(out, ", %s events", bk_fmt_count(a, sizeof a, r->events));
		fputs("</p>\n", out);
	}
	fputs("</header>\n<section class=\"headline\">\n", out);
	fprintf(out,
	    "<div class=\"fig\"><span class=\"n\">%s%s</span><span class=\"l\">people "
	    "affected%s</span></div>\n",
	    known ? bk_fmt_count(a, sizeof a, people) : "?", known && !exact ? "~" : "",
	    !known  ? " (no inventory read)"
	    : exact ? ""
	            : " (estimate)");
	fprintf(out, "<div class=\"fig\"><span class=\"n\">%s</span><span class=\"l\">records read "
	    "in bulk</span></div>\n", bk_fmt_count(a, sizeof a, r->records_read));
	fprintf(out, "<div class=\"fig\"><span class=\"n\">%s</span><span class=\"l\">sent out"
	    "</span></div>\n", bk_fmt_bytes(a, sizeof a, r->bytes_out));
	fprintf(out, "<div class=\"fig\"><span class=\"n\">%zu</span><span class=\"l\">incidents "
	    "from %llu alerts</span></div>\n", r->nincidents,
	    (unsigned long long)(r->alerts_sev[0] + r->alerts_sev[1] + r->alerts_sev[2] +
	    r->alerts_sev[3]));
	fputs("</section>\n", out);
	if (r->npeople_kinds > 0) {
		fputs("<p class=\"note\">People by identifier kind: ", out);
		for (size_t i = 0; i < r->npeople_kinds; i++) {
			fputs(i > 0 ? ", " : "", out);
			esc(out, r->people_kinds[i].name);
			fprintf(out, " %s", bk_fmt_count(a, sizeof a, r->people_kinds[i].n));
		}
		fputs("</p>\n", out);
	}
	if (r->n_invalid + r->n_bad > 0)
		fprintf(out,
		    "<p class=\"note\">%llu bad input records were skipped; the figures may "
		    "miss what they held.</p>\n",
		    (unsigned long long)(r->n_invalid + r->n_bad));
}

static void
incidents(FILE *out, const bk_report *r)
{
	char a[32];

	if (r->nincidents == 0)
		return;
	fputs("<section id=\"incidents\"><h2>Incidents, most severe first</h2>\n", out);
	for (size_t i = 0; i < r->nincidents; i++) {
		const struct bk__incident *in = &r->incidents[i];

		fprintf(out, "<div class=\"incident %s\">#%u ", bk_severity_name(in->severity),
		    in->rank);
		sev_badge(out, in->severity);
		fputs(" <span class=\"who\">", out);
		entity(out, in->actor, in->ip, in->dst);
		fputs("</span> <span class=\"when\">", out);
		when(out, in->first);
		fputs(" .. ", out);
		when(out, in->last);
		fputs(" UTC</span><div class=\"what\">", out);
		if (in->nobjects > 0) {
			fputs("on ", out);
			for (size_t k = 0; k < in->nobjects; k++) {
				fputs(k > 0 ? ", " : "", out);
				esc(out, in->objects[k]);
			}
			if (in->objects_more > 0)
				fprintf(
				    out, " and %llu more", (unsigned long long)in->objects_more);
			fputs("; ", out);
		}
		if (in->records > 0)
			fprintf(out, "%s records read; ", bk_fmt_count(a, sizeof a, in->records));
		if (in->bytes > 0)
			fprintf(out, "%s sent; ", bk_fmt_bytes(a, sizeof a, in->bytes));
		fprintf(out, "%llu alert%s", (unsigned long long)in->alerts,
		    in->alerts == 1 ? "" : "s");
		if (in->nfiles > 0) {
			fputs("; evidence: ", out);
			for (size_t k = 0; k < in->nfiles; k++) {
				fputs(k > 0 ? ", " : "", out);
				esc(out, in->files[k]);
			}
		}
		fputs("</div><ul>\n", out);
		for (size_t k = 0; k < in->nitems; k++) {
			fputs("<li>", out);
			esc(out, in->items[k].reason != NULL ? in->items[k].reason
			                                     : in->items[k].detector);
			fputs(" <span class=\"note\">(", out);
			esc(out, in->items[k].detector);
			fputs(")</span></li>\n", out);
		}
		fputs("</ul></div>\n", out);
	}
	if (r->incidents_more > 0)
		fprintf(out,
		    "<p class=\"note\">%llu more alerts about entities past the report's memory "
		    "bound.</p>\n",
		    (unsigned long long)r->incidents_more);
	fputs("</section>\n", out);
}

static void
charts(FILE *out, const bk_report *r)
{
	if (r->nseries == 0 && r->nincidents == 0 && r->ndests == 0)
		return;
	fputs("<section id=\"charts\"><h2>Charts</h2>\n", out);
	chart_activity(out, r);
	chart_baseline(out, r);
	chart_destinations(out, r);
	fputs("</section>\n", out);
}

static void
timeline(FILE *out, const bk_report *r)
{
	char fig[64];

	if (r->ntimeline == 0)
		return;
	fputs("<section id=\"timeline\"><h2>Timeline (UTC)</h2>\n<table><thead><tr><th>time</th>"
	    "<th>severity</th><th>entity</th><th>what</th></tr></thead><tbody>\n", out);
	if (r->first != BK__NO_TIME) {
		fputs("<tr><td class=\"t\">", out);
		when(out, r->first);
		fputs("</td><td></td><td></td><td>logs begin</td></tr>\n", out);
	}
	for (size_t i = 0; i < r->ntimeline; i++) {
		const struct bk__ralert *a = r->timeline[i];

		fputs("<tr><td class=\"t\">", out);
		when(out, a->first);
		fputs("</td><td>", out);
		sev_badge(out, a->severity);
		fputs("</td><td>", out);
		entity(out, a->incident->actor, a->incident->ip, a->incident->dst);
		fputs("</td><td>", out);
		esc(out, a->detector);
		if (a->object != NULL) {
			fputs(" on ", out);
			esc(out, a->object);
		}
		bk__report_figure(a, fig, sizeof fig);
		if (*fig != '\0') {
			fputs(": ", out);
			esc(out, fig);
		}
		fputs("</td></tr>\n", out);
	}
	if (r->last != BK__NO_TIME) {
		fputs("<tr><td class=\"t\">", out);
		when(out, r->last);
		fputs("</td><td></td><td></td><td>logs end</td></tr>\n", out);
	}
	fputs("</tbody></table></section>\n", out);
}

static void
entities(FILE *out, const bk_report *r)
{
	char a[32];

	if (r->nentities == 0)
		return;
	fputs(
	    "<section id=\"entities\"><h2>Entities</h2>\n<table><thead><tr><th>actor @ ip</th>"
	    "<th class=\"num\">events</th><th class=\"num\">active hours</th><th "
	    "class=\"num\">rows "
	    "read</th><th class=\"num\">bytes up</th><th class=\"num\">alerts</th><th>severity</th>"
	    "</tr></thead><tbody>\n",
	    out);
	for (size_t i = 0; i < r->nentities; i++) {
		const struct bk__entity *e = &r->entities[i];

		fputs("<tr><td>", out);
		entity(out, e->actor, e->ip, NULL);
		fprintf(
		    out, "</td><td class=\"num\">%s</td>", bk_fmt_count(a, sizeof a, e->events));
		fprintf(out, "<td class=\"num\">%s</td>", bk_fmt_count(a, sizeof a, e->hours));
		fprintf(out, "<td class=\"num\">%s</td>", bk_fmt_count(a, sizeof a, e->rows));
		fprintf(out, "<td class=\"num\">%s</td>", bk_fmt_bytes(a, sizeof a, e->bytes_up));
		fprintf(out, "<td class=\"num\">%s</td><td>", bk_fmt_count(a, sizeof a, e->alerts));
		if (e->alerts > 0)
			sev_badge(out, e->severity);
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
	if (r->entities_more > 0)
		fprintf(out,
		    "<p class=\"note\">%llu more entities past the report's memory bound.</p>\n",
		    (unsigned long long)r->entities_more);
	fputs("</section>\n", out);
}

static void
exposures(FILE *out, const bk_report *r)
{
	char a[32];

	if (r->nexposures == 0)
		return;
	fputs("<section id=\"exposures\"><h2>Exposed files and tables</h2>\n<table><thead><tr>"
	    "<th>file</th><th>table</th><th class=\"num\">rows</th><th class=\"num\">with personal "
	    "data</th><th class=\"num\">people</th><th class=\"num\">findings</th><th>holds</th>"
	    "</tr></thead><tbody>\n", out);
	for (size_t i = 0; i < r->nexposures; i++) {
		const struct bk__exposure *e = &r->exposures[i];

		fputs("<tr><td>", out);
		esc(out, e->file);
		if (e->format != NULL) {
			fputs(" <span class=\"note\">(", out);
			esc(out, e->format);
			if (e->encoding != NULL) {
				fputs(", ", out);
				esc(out, e->encoding);
			}
			fputs(")</span>", out);
		}
		fputs("</td><td>", out);
		esc(out, e->table);
		fprintf(out, "</td><td class=\"num\">%s</td>", e->rows >= 0 ?
		    bk_fmt_count(a, sizeof a, (uint64_t)e->rows) : "");
		fprintf(out, "<td class=\"num\">%s</td>", e->rows_with_pii >= 0 ?
		    bk_fmt_count(a, sizeof a, (uint64_t)e->rows_with_pii) : "");
		fprintf(out, "<td class=\"num\">%s%s</td>", e->subjects >= 0 ?
		    bk_fmt_count(a, sizeof a, (uint64_t)e->subjects) : "",
		    e->subjects >= 0 && !e->subjects_exact ? "~" : "");
		fprintf(out, "<td class=\"num\">%s</td><td>", e->findings > 0 || e->scan_summary ?
		    bk_fmt_count(a, sizeof a, e->findings) : "");
		if (e->has_severity) {
			sev_badge(out, e->severity);
			fputc(' ', out);
		}
		for (size_t k = 0; k < e->nclasses; k++) {
			fputs(k > 0 ? ", " : "", out);
			esc(out, e->classes[k]);
		}
		if (e->nclasses > 0 && e->nkinds > 0)
			fputs("; ", out);
		for (size_t k = 0; k < e->nkinds; k++) {
			fputs(k > 0 ? ", " : "", out);
			esc(out, e->kinds[k].name);
			fprintf(out, " %s", bk_fmt_count(a, sizeof a, e->kinds[k].n));
		}
		if (e->kinds_other > 0)
			fprintf(out, ", other %s", bk_fmt_count(a, sizeof a, e->kinds_other));
		fputs("</td></tr>\n", out);
	}
	fputs("</tbody></table>\n", out);
	if (r->exposures_more > 0)
		fprintf(out,
		    "<p class=\"note\">%llu more files and tables past the report's memory "
		    "bound.</p>\n",
		    (unsigned long long)r->exposures_more);
	fputs("</section>\n", out);
}

static void
destinations(FILE *out, const bk_report *r)
{
	char a[32];

	if (r->ndests == 0)
		return;
	fprintf(out,
	    "<section id=\"destinations\"><h2>Uploads by destination</h2>\n<p class=\"note\">"
	    "%s</p>\n<table><thead><tr><th>destination</th><th class=\"num\">bytes up</th>",
	    r->dests_from_summary ? "All proxy traffic, from bk-exfil's summary."
	                          : "From the alerts (no bk-exfil summary was read).");
	if (r->dests_from_summary)
		fputs("<th class=\"num\">connections</th><th class=\"num\">sources</th>", out);
	fputs("<th>alert</th></tr></thead><tbody>\n", out);
	for (size_t i = 0; i < r->ndests; i++) {
		const struct bk__destination *d = &r->dests[i];

		fputs("<tr><td>", out);
		esc(out, d->dst);
		fprintf(
		    out, "</td><td class=\"num\">%s</td>", bk_fmt_bytes(a, sizeof a, d->bytes_in));
		if (r->dests_from_summary) {
			fprintf(out, "<td class=\"num\">%s</td>",
			    bk_fmt_count(a, sizeof a, d->connections));
			fprintf(out, "<td class=\"num\">%s</td>",
			    bk_fmt_count(a, sizeof a, d->sources));
		}
		fprintf(out, "<td>%s</td></tr>\n", d->alerted ? "yes" : "");
	}
	fputs("</tbody></table>\n", out);
	if (r->dests_more > 0)
		fprintf(out, "<p class=\"note\">%llu more destinations past the report's memory "
		    "bound.</p>\n", (unsigned long long)r->dests_more);
	fputs("</section>\n", out);
}

int
bk_report_html(const bk_report *r, FILE *out)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(
	    crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];

	if (sodium_init() < 0)
		return BK_ERROR;
	crypto_hash_sha256(hash, (const unsigned char *)css, sizeof css - 1);
	sodium_bin2base64(b64, sizeof b64, hash, sizeof hash, sodium_base64_VARIANT_ORIGINAL);
	fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src 'sha256-%s'; base-uri 'none'; form-action 'none'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"bk-report (breachkit) %s\">\n"
	    "<title>breachkit report</title>\n<style>%s</style>\n</head><body>\n",
	    b64, bk_version(), css);
	headline(out, r);
	incidents(out, r);
	charts(out, r);
	timeline(out, r);
	entities(out, r);
	exposures(out, r);
	destinations(out, r);
	if (r->nincidents == 0 && r->nexposures == 0)
		fputs("<p>Nothing to report: no alerts, findings or inventories were read.</p>\n",
		    out);
	fputs("<footer>Made by bk-report (breachkit). Personal values are masked as the tools "
	    "wrote them.</footer>\n</body></html>\n", out);
	if (fflush(out) != 0 || ferror(out))
		return BK_ERROR;
	return BK_OK;
}
