/*
 * alert.c - writing `alert` records and the figures in their reasons; see
 * alert.h.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alert.h"
#include "privacy.h"

void
bk_alert_clear(bk_alert *a)
{
	*a = (bk_alert){
		.severity = BK_SEVERITY_LOW,
		.score = BK_ALERT_NONE,
		.value = BK_ALERT_NONE,
		.threshold = BK_ALERT_NONE,
		.own_median = BK_ALERT_NONE,
		.own_mad = BK_ALERT_NONE,
		.peer_median = BK_ALERT_NONE,
		.peer_mad = BK_ALERT_NONE,
		.count = -1,
		.rows = -1,
		.bytes = -1,
	};
}

static void
put_cstr(bk_writer *w, const char *key, const char *s)
{
	if (s != NULL)
		bk_writer_cstr(w, key, s);
}

void
bk_alert_begin(bk_writer *w, const bk_alert *a, bool show_values)
{
	bool baseline = !isnan(a->own_median) || !isnan(a->peer_median);

	bk_writer_begin(w, "alert");
	put_cstr(w, "detector", a->detector);
	bk_writer_cstr(w, "severity", bk_severity_name(a->severity));
	bk_writer_figure(w, "score", a->score);
	put_cstr(w, "actor", a->actor);
	put_cstr(w, "ip", a->ip);
	put_cstr(w, "dst", a->dst);
	put_cstr(w, "object", a->object);
	bk_writer_time(w, "first", a->first);
	bk_writer_time(w, "last", a->last);
	put_cstr(w, "metric", a->metric);
	bk_writer_figure(w, "value", a->value);
	bk_writer_figure(w, "threshold", a->threshold);
	if (baseline) {
		bk_writer_object_begin(w, "baseline");
		bk_writer_figure(w, "own_median", a->own_median);
		bk_writer_figure(w, "own_mad", a->own_mad);
		bk_writer_figure(w, "peer_median", a->peer_median);
		bk_writer_figure(w, "peer_mad", a->peer_mad);
		bk_writer_object_end(w);
	}
	put_cstr(w, "window", a->window);
	if (a->count >= 0)
		bk_writer_int(w, "count", a->count);
	if (a->rows >= 0)
		bk_writer_int(w, "rows", a->rows);
	if (a->bytes >= 0)
		bk_writer_int(w, "bytes", a->bytes);
	put_cstr(w, "reason", a->reason);
	if (a->nfiles + a->nlines + a->nids == 0)
		return;
	bk_writer_object_begin(w, "evidence");
	if (a->nfiles > 0) {
		bk_writer_array_begin(w, "files");
		for (size_t i = 0; i < a->nfiles && i < BK_ALERT_EVIDENCE_MAX; i++)
			bk_writer_cstr(w, NULL, a->files[i]);
		bk_writer_array_end(w);
	}
	if (a->nlines > 0) {
		bk_writer_array_begin(w, "lines");
		for (size_t i = 0; i < a->nlines && i < BK_ALERT_EVIDENCE_MAX; i++)
			bk_writer_uint(w, NULL, a->lines[i]);
		bk_writer_array_end(w);
	}
	if (a->nids > 0) {
		bk_writer_array_begin(w, "ids");
		for (size_t i = 0; i < a->nids && i < BK_ALERT_EVIDENCE_MAX; i++) {
			const char *id = a->ids[i];
			size_t len = strlen(id);
			char masked[256 + BK_MASK_EXTRA];

			if (show_values)
				bk_writer_str(w, NULL, id, len);
			else	/* an id past 256 bytes is no id: its head is enough */
				bk_writer_str(w, NULL, masked, bk_mask(id, len < 256 ? len : 256, masked));
		}
		bk_writer_array_end(w);
	}
	bk_writer_object_end(w);
}

int
bk_alert_write(bk_writer *w, const bk_alert *a, bool show_values)
{
	bk_alert_begin(w, a, show_values);
	return bk_writer_end(w);
}

const char *
bk_fmt_count(char *buf, size_t size, uint64_t n)
{
	char digits[24];
	int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
	size_t o = 0;

	for (int i = 0; i < len && o + 1 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0 && o + 2 < size)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	if (size > 0)
		buf[o] = '\0';
	return buf;
}

const char *
bk_fmt_bytes(char *buf, size_t size, uint64_t n)
{
	static const char *const units[] = { "kB", "MB", "GB", "TB", "PB", "EB" };
	double v = (double)n;
	int u = -1;

	if (n < 1000) {
		snprintf(buf, size, "%llu B", (unsigned long long)n);
		return buf;
	}
	while (v >= 999.5 && u < 5) {
		v /= 1000;
		u++;
	}
	snprintf(buf, size, v >= 99.95 ? "%.0f %s" : v >= 9.995 ? "%.1f %s" : "%.2f %s", v, units[u]);
	return buf;
}
