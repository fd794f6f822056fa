/*
 * report-text.c - the report for people at a terminal: headline figures,
 * incidents ranked with their reasons, a timeline, entities, exposed files
 * and tables, destinations; see report.h.
 *
 * Every line fits the width asked for, measured in display columns (a
 * Japanese character takes two), so the report survives an 80- or
 * 100-column terminal and a mail. Strings from the records are logs'
 * contents, which an attacker may have written: control characters
 * (escape sequences could drive the terminal) and bidirectional overrides
 * (they could reorder what is shown) are printed as '?'. Colour is only the
 * caller's choice (a terminal without NO_COLOR).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "alert.h"
#include "report-private.h"
#include "util-private.h"

#define LIST_INCIDENTS 20
#define LIST_TIMELINE 30
#define LIST_ENTITIES 20
#define LIST_EXPOSURES 20
#define LIST_DESTS 10

struct tx {
	FILE *out;
	size_t width;
	bool color;
};

static const char *const sev_color[] = { "\033[2m", "\033[33m", "\033[31m", "\033[1;31m" };

static void
on(struct tx *t, const char *sgr)
{
	if (t->color)
		fputs(sgr, t->out);
}

static void
off(struct tx *t)
{
	if (t->color)
		fputs("\033[0m", t->out);
}

/* Whether code point C must not reach a terminal. */
static bool
unsafe(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f;
}

/*
 * Writes S made safe, in at most MAXW columns (cut with "..." when longer);
 * returns the columns written.
 */
static size_t
put(struct tx *t, const char *s, size_t maxw)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
	size_t w = 0, total = bk_display_width(s, strlen(s));
	size_t limit = total <= maxw ? maxw : maxw >= 3 ? maxw - 3 : 0;

	while (p < end) {
		size_t n = bk__utf8_char(p, (size_t)(end - p)), cw;
		uint32_t c;

		if (n == 0)
			n = 1;
		c = n == 1 ? p[0] : p[0] & (0xff >> (n + 1));
		for (size_t i = 1; i < n; i++)
			c = c << 6 | (p[i] & 0x3f);
		cw = unsafe(c) ? 1 : bk_display_width((const char *)p, n);
		if (w + cw > limit)
			break;
		if (unsafe(c))
			fputc('?', t->out);
		else
			fwrite(p, 1, n, t->out);
		w += cw;
		p += n;
	}
	if (total > maxw) {
		size_t dots = maxw - w < 3 ? maxw - w : 3;

		fwrite("...", 1, dots, t->out);
		w += dots;
	}
	return w;
}

/* Appends to the NUL-terminated BUF of SIZE bytes, cutting what does not fit. */
static void app(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
app(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n >= size - len) {
		/* Cut: no half character at the end. */
		len = size - 1;
		while (len > 0 && ((unsigned char)buf[len - 1] & 0xc0) == 0x80)
			len--;
		if (len > 0 && (unsigned char)buf[len - 1] >= 0xc0)
			len--;
		buf[len] = '\0';
	}
}

static void
pad(struct tx *t, size_t n)
{
	while (n-- > 0)
		fputc(' ', t->out);
}

/* S left-aligned in a cell of W columns. */
static void
cell(struct tx *t, const char *s, size_t w)
{
	pad(t, w - put(t, s, w));
}

/* S right-aligned in a cell of W columns. */
static void
rcell(struct tx *t, const char *s, size_t w)
{
	size_t sw = bk_display_width(s, strlen(s));

	if (sw < w)
		pad(t, w - sw);
	put(t, s, w);
}

/*
 * TEXT word-wrapped into lines of the report's width after INDENT spaces
 * (FIRST for the first line: a bullet, say); words longer than a line, and
 * text without spaces (Japanese), are broken between characters.
 */
static void
wrap(struct tx *t, const char *first, size_t indent, const char *text)
{
	const char *p = text;
	size_t avail = t->width > indent + 10 ? t->width - indent : 10;
	char line[4096 + 8];	/* 1000 columns of 4-byte characters */

	fputs(first, t->out);
	pad(t, indent - strlen(first));
	while (*p != '\0') {
		size_t len = 0, w = 0, cut = 0, cut_w = 0;

		/* As many characters as fit; remember the last space to break at. */
		while (p[len] != '\0') {
			size_t n = bk__utf8_char((const unsigned char *)p + len, strlen(p + len));
			size_t cw;

			if (n == 0)
				n = 1;
			cw = bk_display_width(p + len, n);
			if (w + cw > avail)
				break;
			if (p[len] == ' ') {
				cut = len;
				cut_w = w;
			}
			w += cw;
			len += n;
		}
		/* Break at the last space unless that wastes half the line (Japanese). */
		if (p[len] != '\0' && cut > 0 && cut_w >= avail / 2)
			len = cut;
		if (len >= sizeof line)
			len = sizeof line - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		put(t, line, avail);
		fputc('\n', t->out);
		p += len;
		while (*p == ' ')
			p++;
		if (*p != '\0')
			pad(t, indent);
	}
	if (*text == '\0')
		fputc('\n', t->out);
}

static void
heading(struct tx *t, const char *title)
{
	fputc('\n', t->out);
	on(t, "\033[1m");
	fputs(title, t->out);
	off(t);
	fputc('\n', t->out);
}

static void
severity(struct tx *t, enum bk_severity s, size_t w, bool upper)
{
	char name[16];
	size_t i;

	snprintf(name, sizeof name, "%s", bk_severity_name(s));
	for (i = 0; upper && name[i] != '\0'; i++)
		name[i] = (char)(name[i] - 'a' + 'A');
	on(t, sev_color[s]);
	fputs(name, t->out);
	off(t);
	pad(t, w > strlen(name) ? w - strlen(name) : 0);
}

static void
more(struct tx *t, size_t shown, size_t kept, uint64_t dropped, const char *what)
{
	char line[160];

	if (kept > shown) {
		snprintf(line, sizeof line, "... and %zu more %s (see --format json or html)",
		    kept - shown, what);
		wrap(t, "  ", 2, line);
	}
	if (dropped > 0) {
		snprintf(line, sizeof line, "... and %llu more %s past the report's memory bound",
		    (unsigned long long)dropped, what);
		wrap(t, "  ", 2, line);
	}
}

/* ---- display width ------------------------------------------------------ */

/* Wide (two-column) ranges: East Asian Wide and Fullwidth, the common blocks. */
static bool
wide(uint32_t c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
	    (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	    (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	    (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	    (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd);
}

static bool
zero_width(uint32_t c)
{
	return (c >= 0x300 && c <= 0x36f) || (c >= 0x200b && c <= 0x200f) ||
	    (c >= 0x3099 && c <= 0x309a) || (c >= 0xfe00 && c <= 0xfe0f) || c == 0xfeff;
}

size_t
bk_display_width(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t w = 0;

	while (p < end) {
		size_t n = bk__utf8_char(p, (size_t)(end - p));
		uint32_t c;

		if (n <= 1) {
			w++;
			p++;
			continue;
		}
		c = p[0] & (0xff >> (n + 1));
		for (size_t i = 1; i < n; i++)
			c = c << 6 | (p[i] & 0x3f);
		w += wide(c) ? 2 : zero_width(c) ? 0 : 1;
		p += n;
	}
	return w;
}

/* ---- sections ----------------------------------------------------------- */

static void
headline(struct tx *t, const bk_report *r)
{
	char a[32], b[32], c[32], line[256];
	bool exact, known;
	uint64_t people = bk__report_people(r, &exact, &known);
	uint64_t alerts = 0, findings = 0, bad = r->n_invalid + r->n_bad;

	on(t, "\033[1m");
	fputs("breachkit report", t->out);
	off(t);
	fputc('\n', t->out);
	if (r->first != BK__NO_TIME) {
		bk__report_time_short(r->first, a, sizeof a);
		bk__report_time_short(r->last, b, sizeof b);
		snprintf(line, sizeof line, "Logs from %s to %s UTC%s%s%s", a, b,
		    r->events > 0 ? ", " : "",
		    r->events > 0 ? bk_fmt_count(c, sizeof c, r->events) : "",
		    r->events > 0 ? " events" : "");
		wrap(t, "", 0, line);
	}
	fputc('\n', t->out);
	if (known)
		fprintf(t->out, "  %11s%s people affected%s\n", bk_fmt_count(a, sizeof a, people),
		    exact ? "" : "~", exact ? "" : " (estimate)");
	else
		fprintf(t->out, "  %11s people affected (no inventory read)\n", "?");
	fprintf(
	    t->out, "  %11s records read in bulk\n", bk_fmt_count(a, sizeof a, r->records_read));
	fprintf(t->out, "  %11s sent out\n", bk_fmt_bytes(a, sizeof a, r->bytes_out));
	fputc('\n', t->out);
	for (int s = 0; s < 4; s++) {
		alerts += r->alerts_sev[s];
		findings += r->findings_sev[s];
	}
	line[0] = '\0';
	app(line, sizeof line, "%llu incident%s from %llu alert%s",
	    (unsigned long long)r->nincidents, r->nincidents == 1 ? "" : "s",
	    (unsigned long long)alerts, alerts == 1 ? "" : "s");
	const char *sep = " (";
	for (int s = BK_SEVERITY_CRITICAL; s >= BK_SEVERITY_LOW; s--) {
		if (r->alerts_sev[s] == 0)
			continue;
		app(line, sizeof line, "%s%llu %s", sep,
		    (unsigned long long)r->alerts_sev[s], bk_severity_name((enum bk_severity)s));
		sep = ", ";
	}
	app(line, sizeof line, "%s", *sep == ',' ? ")" : "");
	wrap(t, "  ", 2, line);
	line[0] = '\0';
	app(line, sizeof line, "%llu finding%s, %llu inventor%s, %llu summar%s read",
	    (unsigned long long)findings, findings == 1 ? "" : "s",
	    (unsigned long long)r->n_inventories, r->n_inventories == 1 ? "y" : "ies",
	    (unsigned long long)r->n_summaries, r->n_summaries == 1 ? "y" : "ies");
	if (bad > 0)
		app(line, sizeof line, "; %llu bad record%s skipped",
		    (unsigned long long)bad, bad == 1 ? "" : "s");
	wrap(t, "  ", 2, line);
}

static void
incidents(struct tx *t, const bk_report *r)
{
	char label[3 * BK__STR_MAX + 16], a[32], b[32], line[6 * BK__STR_MAX];
	size_t n = r->nincidents < LIST_INCIDENTS ? r->nincidents : LIST_INCIDENTS;

	if (r->nincidents == 0 && r->incidents_more == 0)
		return;
	heading(t, "Incidents, most severe first");
	for (size_t i = 0; i < n; i++) {
		const struct bk__incident *in = &r->incidents[i];
		size_t used;

		bk__report_entity_label(in->actor, in->ip, in->dst, label, sizeof label);
		bk__report_time_short(in->first, a, sizeof a);
		bk__report_time_short(in->last, b, sizeof b);
		fprintf(t->out, "%3u ", in->rank);
		severity(t, in->severity, 9, true);
		used = 4 + 9;
		/* The period takes the right end: "2015-05-08 01:02 .. 2015-05-08 02:40". */
		size_t period = strlen(a) + 4 + strlen(b);
		size_t room = t->width > used + period + 2 ? t->width - used - period - 2 : 10;
		on(t, "\033[1m");
		size_t lw = put(t, label, room);
		off(t);
		pad(t, room - lw + 2);
		fprintf(t->out, "%s .. %s\n", a, b);

		/* What was touched and how much. */
		line[0] = '\0';
		if (in->nobjects > 0) {
			app(line, sizeof line, "on ");
			for (size_t k = 0; k < in->nobjects; k++)
				app(line, sizeof line, "%s%s", k > 0 ? ", " : "", in->objects[k]);
			if (in->objects_more > 0)
				app(line, sizeof line, " and %llu more",
				    (unsigned long long)in->objects_more);
			app(line, sizeof line, "; ");
		}
		if (in->records > 0)
			app(line, sizeof line, "%s records read; ",
			    bk_fmt_count(a, sizeof a, in->records));
		if (in->bytes > 0)
			app(line, sizeof line, "%s sent; ", bk_fmt_bytes(a, sizeof a, in->bytes));
		app(line, sizeof line, "%llu alert%s from ", (unsigned long long)in->alerts,
		    in->alerts == 1 ? "" : "s");
		for (size_t k = 0; k < in->nitems; k++)
			app(line, sizeof line, "%s%s", k > 0 ? ", " : "", in->items[k].detector);
		wrap(t, "", 4, line);
		for (size_t k = 0; k < in->nitems; k++)
			wrap(t, "    - ", 6, in->items[k].reason != NULL ? in->items[k].reason :
			    in->items[k].detector);
		if (in->nfiles > 0) {
			line[0] = '\0';
			app(line, sizeof line, "evidence: ");
			for (size_t k = 0; k < in->nfiles; k++)
				app(line, sizeof line, "%s%s", k > 0 ? ", " : "", in->files[k]);
			wrap(t, "", 4, line);
		}
	}
	more(t, n, r->nincidents, 0, "incidents");
	if (r->incidents_more > 0)
		fprintf(t->out, "  ... and %llu more alerts about entities past the report's "
		    "memory bound\n", (unsigned long long)r->incidents_more);
}

static void
timeline(struct tx *t, const bk_report *r)
{
	char when[32], label[3 * BK__STR_MAX + 16], what[BK__STR_MAX + 64], fig[64];
	size_t n = r->ntimeline < LIST_TIMELINE ? r->ntimeline : LIST_TIMELINE;
	size_t room = t->width - 30, ew = 0;

	if (r->ntimeline == 0 && r->first == BK__NO_TIME)
		return;
	/* The entity column is as wide as its widest entry, at most half of what is left. */
	for (size_t i = 0; i < n; i++) {
		const struct bk__incident *in = r->timeline[i]->incident;
		size_t lw;

		bk__report_entity_label(in->actor, in->ip, in->dst, label, sizeof label);
		lw = bk_display_width(label, strlen(label));
		ew = lw > ew ? lw : ew;
	}
	ew = ew < room / 2 ? ew : room / 2;
	heading(t, "Timeline (UTC)");
	if (r->first != BK__NO_TIME) {
		bk__report_time_short(r->first, when, sizeof when);
		fprintf(t->out, "  %-16s  %-10slogs begin\n", when, "");
	}
	for (size_t i = 0; i < n; i++) {
		const struct bk__ralert *a = r->timeline[i];
		const struct bk__incident *in = a->incident;

		bk__report_time_short(a->first, when, sizeof when);
		bk__report_entity_label(in->actor, in->ip, in->dst, label, sizeof label);
		bk__report_figure(a, fig, sizeof fig);
		snprintf(what, sizeof what, "%s%s%s%s%s", a->detector,
		    a->object != NULL ? " on " : "", a->object != NULL ? a->object : "",
		    *fig != '\0' ? ": " : "", fig);
		fprintf(t->out, "  %-16s  ", when);
		severity(t, a->severity, 10, false);
		cell(t, label, ew);
		fputs("  ", t->out);
		put(t, what, room - ew - 2);
		fputc('\n', t->out);
	}
	more(t, n, r->ntimeline, 0, "events");
	if (r->last != BK__NO_TIME) {
		bk__report_time_short(r->last, when, sizeof when);
		fprintf(t->out, "  %-16s  %-10slogs end\n", when, "");
	}
}

static void
entities(struct tx *t, const bk_report *r)
{
	char buf[32], label[2 * BK__STR_MAX + 8];
	size_t n = r->nentities < LIST_ENTITIES ? r->nentities : LIST_ENTITIES;
	/* indent 2, events 8, hours 6, rows 10, bytes up 9, alerts 7, gap 2, "critical" 8 */
	int x = t->width >= 90 ? 1 : 0;	/* roomier columns when there is room */
	size_t fixed = 2 + 8 + 6 + 10 + 9 + 7 + 5 * (size_t)x + 2 + 8;
	size_t ew = t->width > fixed + 8 ? t->width - fixed : 8;

	if (r->nentities == 0)
		return;
	heading(t, "Entities");
	fputs("  ", t->out);
	cell(t, "actor @ ip", ew);
	fprintf(t->out, "%*s%*s%*s%*s%*s  %s\n", 8 + x, "events", 6 + x, "hours", 10 + x,
	    "rows read", 9 + x, "bytes up", 7 + x, "alerts", "severity");
	for (size_t i = 0; i < n; i++) {
		const struct bk__entity *e = &r->entities[i];

		bk__report_entity_label(e->actor, e->ip, NULL, label, sizeof label);
		fputs("  ", t->out);
		cell(t, label, ew);
		rcell(t, bk_fmt_count(buf, sizeof buf, e->events), 8 + (size_t)x);
		rcell(t, bk_fmt_count(buf, sizeof buf, e->hours), 6 + (size_t)x);
		rcell(t, bk_fmt_count(buf, sizeof buf, e->rows), 10 + (size_t)x);
		rcell(t, e->bytes_up > 0 ? bk_fmt_bytes(buf, sizeof buf, e->bytes_up) : "0",
		    9 + (size_t)x);
		rcell(t, bk_fmt_count(buf, sizeof buf, e->alerts), 7 + (size_t)x);
		fputs("  ", t->out);
		if (e->alerts > 0)
			severity(t, e->severity, 0, false);
		else
			fputc('-', t->out);
		fputc('\n', t->out);
	}
	more(t, n, r->nentities, r->entities_more, "entities");
}

static void
exposures(struct tx *t, const bk_report *r)
{
	char line[12 * BK__STR_MAX], a[32], b[32];
	size_t n = r->nexposures < LIST_EXPOSURES ? r->nexposures : LIST_EXPOSURES;

	if (r->nexposures == 0)
		return;
	heading(t, "Exposed files and tables");
	for (size_t i = 0; i < n; i++) {
		const struct bk__exposure *e = &r->exposures[i];

		line[0] = '\0';
		app(line, sizeof line, "%s%s%s", e->file, e->table != NULL ? " table " : "",
		    e->table != NULL ? e->table : "");
		fputs("  ", t->out);
		put(t, line, t->width - 2 - (e->has_severity ? 10 : 0));
		if (e->has_severity) {
			fputs("  ", t->out);
			severity(t, e->severity, 0, false);
		}
		fputc('\n', t->out);
		line[0] = '\0';
		if (e->format != NULL)
			app(line, sizeof line, "%s%s%s; ", e->format,
			    e->encoding != NULL ? ", " : "",
			    e->encoding != NULL ? e->encoding : "");
		if (e->rows >= 0)
			app(line, sizeof line, "%s rows",
			    bk_fmt_count(a, sizeof a, (uint64_t)e->rows));
		if (e->rows_with_pii >= 0)
			app(line, sizeof line, ", %s with personal data",
			    bk_fmt_count(a, sizeof a, (uint64_t)e->rows_with_pii));
		if (e->rows >= 0 || e->rows_with_pii >= 0)
			app(line, sizeof line, "; ");
		if (e->subjects >= 0)
			app(line, sizeof line, "%s%s people; ",
			    bk_fmt_count(a, sizeof a, (uint64_t)e->subjects),
			    e->subjects_exact ? "" : "~");
		if (e->findings > 0 || e->scan_summary)
			app(line, sizeof line, "%s finding%s%s%s%s; ",
			    bk_fmt_count(a, sizeof a, e->findings), e->findings == 1 ? "" : "s",
			    e->distinct >= 0 ? ", " : "",
			    e->distinct >= 0 ? bk_fmt_count(b, sizeof b, (uint64_t)e->distinct)
			                     : "",
			    e->distinct >= 0 ? " distinct values" : "");
		for (size_t k = 0; k < e->nclasses; k++)
			app(line, sizeof line, "%s%s", k > 0 ? ", " : "", e->classes[k]);
		size_t len = strlen(line);
		if (len >= 2 && line[len - 2] == ';')
			line[len - 2] = '\0';
		wrap(t, "", 6, line);
		line[0] = '\0';
		for (size_t k = 0; k < e->nkinds; k++)
			app(line, sizeof line, "%s%s %s", k > 0 ? ", " : "",
			    e->kinds[k].name, bk_fmt_count(a, sizeof a, e->kinds[k].n));
		if (e->kinds_other > 0)
			app(line, sizeof line, ", other %s",
			    bk_fmt_count(a, sizeof a, e->kinds_other));
		if (line[0] != '\0')
			wrap(t, "", 6, line);
	}
	more(t, n, r->nexposures, r->exposures_more, "files and tables");
}

static void
destinations(struct tx *t, const bk_report *r)
{
	char buf[32];
	size_t n = r->ndests < LIST_DESTS ? r->ndests : LIST_DESTS;
	size_t dw = t->width > 60 ? t->width - 44 : 16;

	if (r->ndests == 0)
		return;
	heading(t, r->dests_from_summary ? "Uploads by destination (all proxy traffic)" :
	    "Uploads by destination (from alerts)");
	for (size_t i = 0; i < n; i++) {
		const struct bk__destination *d = &r->dests[i];

		fputs("  ", t->out);
		cell(t, d->dst, dw);
		rcell(t, bk_fmt_bytes(buf, sizeof buf, d->bytes_in), 10);
		if (r->dests_from_summary) {
			rcell(t, bk_fmt_count(buf, sizeof buf, d->connections), 8);
			fputs(" conn.", t->out);
			rcell(t, bk_fmt_count(buf, sizeof buf, d->sources), 5);
			fputs(" src.", t->out);
		}
		if (d->alerted) {
			fputs("  ", t->out);
			on(t, sev_color[BK_SEVERITY_HIGH]);
			fputs("alert", t->out);
			off(t);
		}
		fputc('\n', t->out);
	}
	more(t, n, r->ndests, r->dests_more, "destinations");
}

int
bk_report_text(const bk_report *r, FILE *out, const struct bk_report_text_opts *opts)
{
	struct tx t = { .out = out, .width = opts != NULL && opts->width >= 60 ? opts->width : 100,
		.color = opts != NULL && opts->color };

	if (opts != NULL && opts->width > 0 && opts->width < 60)
		t.width = 60;
	headline(&t, r);
	incidents(&t, r);
	timeline(&t, r);
	entities(&t, r);
	exposures(&t, r);
	destinations(&t, r);
	if (r->nincidents == 0 && r->nexposures == 0) {
		fputc('\n', out);
		wrap(&t, "", 0, "Nothing to report: no alerts, findings or inventories were read.");
	}
	if (fflush(out) != 0 || ferror(out))
		return BK_ERROR;
	return BK_OK;
}
