/*
 * report.h - the incident picture: alert, finding, inventory and summary
 * records read into one bounded model, rendered as text, JSON or HTML.
 *
 * bk-report (and bk-triage through it) is where the other tools' records
 * become "who, what, when, how much, how many people". The model keeps:
 *
 *   - incidents: alerts merged by entity (actor, ip, dst as the alert names
 *     them), ranked by severity, then score, then the records or bytes
 *     involved; each keeps the strongest alert of each detector (its reason
 *     is the sentence shown) and aggregates the rest;
 *   - a timeline of those alerts, and the period the detectors' summaries cover;
 *   - entities (actor and ip pairs) with their activity from the detectors'
 *     summary records and their alerts;
 *   - exposures: exported files and tables (inventory records) and files
 *     holding personal data (bk-scan's finding and summary records);
 *   - destinations of uploads (bk-exfil's summary, else its alerts);
 *   - headline totals: people affected (inventories' distinct subjects),
 *     records read in bulk and bytes out (from the alerts).
 *
 * Memory is bounded whatever the input: every list has a cap (below) and
 * what does not fit is counted, and said, never silently dropped from the
 * totals. Strings are kept as the records carry them: the tools mask
 * personal values before they write records, and nothing here unmasks.
 * Renderers escape every string for their medium (the strings come from
 * logs an attacker could write to).
 */
#ifndef BK_REPORT_H
#define BK_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base.h"
#include "record.h"
#include "rules.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caps of the model's lists; past them records still count in the totals. */
#define BK_REPORT_MAX_INCIDENTS 256
#define BK_REPORT_MAX_ENTITIES 256
#define BK_REPORT_MAX_EXPOSURES 256
#define BK_REPORT_MAX_DESTINATIONS 64
#define BK_REPORT_MAX_SERIES 48		/* activity series (entities) for the charts */
#define BK_REPORT_MAX_HOURS 1488	/* hours per series: 62 days */

typedef struct bk_report bk_report;

/* An empty model; NULL on OOM. */
bk_report *bk_report_new(void);

/* Accepts NULL. */
void bk_report_free(bk_report *r);

/*
 * Adds one record. Returns BK_OK when it was taken in or is of a kind the
 * report does not use (event, state, ...: counted as ignored), BK_ERROR when
 * it is one of the kinds read but breaks the contract (an alert without a
 * valid severity or time, an inventory without a file, ...: nothing of it
 * is kept; a summary with a malformed activity or destination entry: the
 * rest of it is kept) and bk_report_error() says what is wrong; BK_NOMEM
 * when memory ran out (the model stays consistent, the record may be
 * partly counted).
 */
int bk_report_add(bk_report *r, const bk_record *rec);

/* Why the last bk_report_add failed. */
const char *bk_report_error(const bk_report *r);

/*
 * Counts a line the caller could not read as a record, so the report can
 * say that its figures miss something.
 */
void bk_report_bad_line(bk_report *r);

/*
 * Ranks and sorts what was added; call once, after the last bk_report_add
 * and before rendering.
 */
void bk_report_finish(bk_report *r);

/*
 * Whether any alert or finding is at SEVERITY or above: what --fail-on
 * tests, so cron can page on it.
 */
bool bk_report_reaches(const bk_report *r, enum bk_severity severity);

/* How the text report looks. */
struct bk_report_text_opts {
	unsigned width;		/* columns to fit in; 0: 100 */
	bool color;		/* ANSI colours (a terminal, and no NO_COLOR) */
};

/*
 * Renders the finished model to OUT: a report for people (text), one
 * `summary` record (json), or one self-contained HTML page with inline SVG
 * charts and a strict Content-Security-Policy (html). They return BK_OK, or
 * BK_ERROR when writing failed (errno is kept), or BK_NOMEM.
 */
int bk_report_text(const bk_report *r, FILE *out, const struct bk_report_text_opts *opts);
int bk_report_json(const bk_report *r, FILE *out);
int bk_report_html(const bk_report *r, FILE *out);

enum bk_report_format { BK_REPORT_TEXT, BK_REPORT_JSON, BK_REPORT_HTML };

/*
 * Renders the report in FORMAT into the file PATH, which is replaced
 * atomically and created with mode 0600 (a report says who was exposed; it
 * is no file for everyone to read). OPTS is for text and may be NULL.
 * BK_OK, BK_NOMEM, or BK_ERROR with the reason in bk_report_error().
 */
int bk_report_save(bk_report *r, enum bk_report_format format,
    const struct bk_report_text_opts *opts, const char *path);

/*
 * The number of terminal columns the UTF-8 string S (LEN bytes) takes:
 * East Asian wide and fullwidth characters take two, combining marks none,
 * everything else one (an invalid byte counts as one).
 */
size_t bk_display_width(const char *s, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* BK_REPORT_H */
