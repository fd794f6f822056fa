/*
 * report-private.h - the report model's insides, shared by the model
 * (report.c) and its renderers (report-text.c, report-html.c, and the JSON
 * writer in report.c); not installed.
 *
 * Everything here is built by bk_report_add and put in order by
 * bk_report_finish; the renderers only read it. Strings are owned by the
 * model (malloc'd, at most BK__STR_MAX bytes, cut at a UTF-8 boundary).
 */
#ifndef BK_REPORT_PRIVATE_H
#define BK_REPORT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"

#define BK__STR_MAX 512			/* longer strings are cut */
#define BK__INCIDENT_ITEMS 4		/* the strongest alert of up to 4 detectors */
#define BK__INCIDENT_OBJECTS 4
#define BK__INCIDENT_FILES 4
#define BK__INCIDENT_DETECTORS 8
#define BK__KINDS 6			/* identifier kinds shown per exposure */
#define BK__NO_TIME INT64_MIN

/* One alert as kept: the strongest of its detector in its incident. */
struct bk__ralert {
	char *detector, *reason, *object, *metric, *window;
	enum bk_severity severity;
	double score;			/* NAN when absent */
	int64_t first, last;		/* ms */
	double value, threshold;	/* NAN when absent */
	double own_median, peer_median;	/* NAN when absent */
	uint64_t records, bytes;	/* what it counts towards the headline */
	struct bk__incident *incident;	/* back pointer, for the timeline */
};

/* What one detector contributes to an incident's figures. */
struct bk__detsum {
	char *detector;
	uint64_t records, rows, bytes;
};

/* Alerts about one entity, merged. */
struct bk__incident {
	char *actor, *ip, *dst;		/* NULL when the alerts leave it out */
	enum bk_severity severity;	/* the highest */
	double score;			/* the highest; NAN when no alert had one */
	int64_t first, last;
	uint64_t alerts;
	struct bk__ralert items[BK__INCIDENT_ITEMS];
	size_t nitems;
	char *objects[BK__INCIDENT_OBJECTS];
	size_t nobjects;
	uint64_t objects_more;
	char *files[BK__INCIDENT_FILES];
	size_t nfiles;
	struct bk__detsum det[BK__INCIDENT_DETECTORS];
	size_t ndet;
	uint64_t records, bytes;	/* set by finish: the largest detector's sums (rows
					   when no detector counted distinct records) */
	unsigned rank;			/* 1-based, set by finish */
};

/* An actor/ip pair seen in summaries' activity or in alerts. */
struct bk__entity {
	char *actor, *ip;
	uint64_t events, hours, rows, bytes_up;	/* from activity */
	uint64_t alerts;
	enum bk_severity severity;	/* of its alerts; valid when alerts > 0 */
};

/* A count per identifier kind or rule. */
struct bk__kind {
	char *name;
	uint64_t n;
};

/* A file or table that holds personal data. */
struct bk__exposure {
	char *file, *table, *format, *encoding;
	bool inventoried;		/* an inventory record described it */
	int64_t rows, rows_with_pii;	/* -1: unknown */
	int64_t subjects;		/* distinct people; -1: unknown */
	bool subjects_exact;
	uint64_t findings;		/* bk-scan findings (counted or summarised) */
	int64_t distinct;		/* bk-scan summary's distinct values; -1 */
	bool scan_summary;		/* FINDINGS came from a summary record */
	enum bk_severity severity;	/* of its findings; valid when findings > 0 */
	bool has_severity;
	struct bk__kind kinds[BK__KINDS];
	size_t nkinds;
	uint64_t kinds_other;		/* values of kinds that did not fit */
	char *classes[BK__KINDS];	/* column classes of an inventory */
	size_t nclasses;
};

struct bk__point {
	int64_t t;			/* ms, the hour's start */
	double v;
};

/* An entity's hourly activity from a detector's summary, for the charts. */
struct bk__series {
	char *actor, *ip;
	const char *tool;		/* "bk-access" or "bk-exfil" */
	const char *unit;		/* "records", "events" or "bytes up" */
	struct bk__point *pts;
	size_t n, cap;
	uint64_t dropped;		/* hours past BK_REPORT_MAX_HOURS */
};

struct bk__destination {
	char *dst;
	uint64_t bytes_in, connections, sources;
	bool alerted;			/* an incident names it; set by finish */
};

struct bk_report {
	char *error;

	/* Records read. */
	uint64_t n_alerts, n_findings, n_inventories, n_summaries, n_ignored, n_bad, n_invalid;
	uint64_t alerts_sev[4], findings_sev[4];

	/* The period the detectors' summaries cover, and their event counts. */
	int64_t first, last;
	uint64_t events;

	/* People: bk-records summaries if any, else the largest inventory. */
	uint64_t people_summaries, people_sum;
	bool people_sum_exact;
	int64_t people_max_inventory;
	bool people_max_exact;
	struct bk__kind people_kinds[BK__KINDS];
	size_t npeople_kinds;

	struct bk__incident *incidents;
	size_t nincidents;
	uint64_t incidents_more;	/* alerts about entities past the cap */

	struct bk__ralert **timeline;	/* set by finish, by time */
	size_t ntimeline;

	struct bk__entity *entities;
	size_t nentities;
	uint64_t entities_more;

	struct bk__exposure *exposures;
	size_t nexposures;
	uint64_t exposures_more;

	struct bk__series *series;
	size_t nseries;
	uint64_t series_more;

	struct bk__destination *dests;
	size_t ndests;
	uint64_t dests_more;
	bool dests_from_summary;

	/* Headline, set by finish. */
	uint64_t records_read, bytes_out;
	bool finished;
};

/* Sets R's error message (bk_report_error). */
void bk__report_set_error(bk_report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The people figure and whether it is exact. */
uint64_t bk__report_people(const bk_report *r, bool *exact, bool *known);

/* "clerk07 @ 10.20.3.41 -> upload.example": an entity for people, into BUF. */
void bk__report_entity_label(const char *actor, const char *ip, const char *dst, char *buf,
    size_t size);

/*
 * An alert's measured figure for people into BUF: "3,012 distinct records",
 * "1.90 GB out" (a metric naming bytes); "" when it has none.
 */
void bk__report_figure(const struct bk__ralert *a, char *buf, size_t size);

/* "2015-05-08 01:02" (UTC) into BUF (at least 17 bytes); "-" for no time. */
void bk__report_time_short(int64_t ms, char *buf, size_t size);

#endif /* BK_REPORT_PRIVATE_H */
