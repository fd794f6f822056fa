/*
 * exfil-detect.c - bk-exfil's detectors over the tables exfil-agg.c fills,
 * the incidents they merge into, and the records around them: summary,
 * state (written and merged back) and the baseline learnt from a quiet
 * period.
 *
 * Each pair (source -> destination) is put to every pair detector; the
 * source-wide ones (all bytes sent in a window, the upload/download ratio)
 * join the incident of the pair that carried most of the source's bytes
 * when that pair carried at least half of them, and stand alone otherwise;
 * DNS entries (source -> registered domain) are their own incidents. An
 * incident's alert carries the strongest detector (by severity, then by the
 * order of the detectors list below) and a reason made of every detector's
 * sentence, the strongest first.
 */
#include "config.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exfil-private.h"
#include "record-private.h"
#include "util-private.h"

#define HOUR_MS INT64_C(3600000)
#define DAY_MS (24 * HOUR_MS)

/* Detectors, strongest first when severities tie. */
enum det {
	D_ARCHIVE, D_DNS, D_BEACON, D_VOLUME, D_AFTER, D_LONG, D_RARE, D_NDET
};

static const char *const det_names[D_NDET] = {
	"archive-upload", "dns-tunnel", "beacon", "outbound-volume", "after-hours",
	"long-connection", "rare-destination",
};

struct fired {
	bool on;
	enum bk_severity sev;
	double score;
	const char *metric;
	double value, threshold;
	int64_t first, last;
	char text[512];
};

struct item {
	bk_exfil_incident inc;
	char reason[2048];
};

/* ---- wording ------------------------------------------------------------- */

static const char *
bytes(char *buf, uint64_t n)
{
	return bk_fmt_bytes(buf, 32, n);
}

static const char *
count(char *buf, uint64_t n)
{
	return bk_fmt_count(buf, 32, n);
}

/* "between 12:49:20 and 12:50:02 UTC" or, across days, with dates. */
static void
between(char *buf, size_t size, int64_t first, int64_t last)
{
	time_t a = (time_t)(first / 1000), b = (time_t)(last / 1000);
	struct tm ta, tb;
	char sa[32], sb[32];

	gmtime_r(&a, &ta);
	gmtime_r(&b, &tb);
	if (ta.tm_year == tb.tm_year && ta.tm_yday == tb.tm_yday) {
		strftime(sa, sizeof sa, "%Y-%m-%d %H:%M:%S", &ta);
		strftime(sb, sizeof sb, "%H:%M:%S", &tb);
	} else {
		strftime(sa, sizeof sa, "%Y-%m-%d %H:%M", &ta);
		strftime(sb, sizeof sb, "%Y-%m-%d %H:%M", &tb);
	}
	snprintf(buf, size, "between %s and %s UTC", sa, sb);
}

/* "2026-11-22 12:00 UTC". */
static const char *
stamp(char *buf, size_t size, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm);
	return buf;
}

static double
over_score(double value, double threshold)
{
	if (!(threshold > 0) || value <= threshold)
		return 0.5;
	return 0.5 + 0.5 * (1 - threshold / value);
}

/* The methods of P's uploads: "POSTs", "PUTs" or "uploads". */
static const char *
upload_word(const struct pextra *p)
{
	if (p->posts == p->uploads)
		return p->uploads == 1 ? "POST" : "POSTs";
	if (p->puts == p->uploads)
		return p->uploads == 1 ? "PUT" : "PUTs";
	return p->uploads == 1 ? "upload" : "uploads";
}

/* ---- windows ------------------------------------------------------------- */

/* The busiest run of W consecutive hours in the sorted buckets; its first hour in *AT. */
static uint64_t
max_window_pair(const struct pagg *p, int64_t w, int32_t *at)
{
	uint64_t best = 0, sum = 0;
	uint32_t lo = 0;

	*at = 0;
	for (uint32_t hi = 0; hi < p->nb; hi++) {
		sum += p->b[hi].in;
		while ((int64_t)p->b[hi].hour - p->b[lo].hour >= w)
			sum -= p->b[lo++].in;
		if (sum > best) {
			best = sum;
			*at = p->b[lo].hour;
		}
	}
	return best;
}

static uint64_t
max_window_source(const struct source *s, int64_t w, int32_t *at)
{
	uint64_t best = 0, sum = 0;
	uint32_t lo = 0;

	*at = 0;
	for (uint32_t hi = 0; hi < s->nhours; hi++) {
		sum += s->hours[hi].in;
		while ((int64_t)s->hours[hi].hour - s->hours[lo].hour >= w)
			sum -= s->hours[lo++].in;
		if (sum > best) {
			best = sum;
			*at = s->hours[lo].hour;
		}
	}
	return best;
}

/* ---- baselines ----------------------------------------------------------- */

#define GROUP "sources"

/* Whether VALUE (bytes in one hour) is far enough above SRC's baseline; fills the alert's baseline. */
static bool
beats_baseline(const bk_exfil *x, const char *src, double value, bk_alert *a, char *note,
    size_t size)
{
	bk_stats own, peer;
	bool has_own, has_peer;
	char b1[32];
	double z;

	note[0] = '\0';
	if (x->base == NULL)
		return true;
	has_own = bk_baseline_entity(x->base, src, "bytes_out", &own);
	has_peer = bk_baseline_peer(x->base, GROUP, "bytes_out", &peer);
	if (has_own) {
		a->own_median = own.median;
		a->own_mad = own.mad;
	}
	if (has_peer) {
		a->peer_median = peer.median;
		a->peer_mad = peer.mad;
	}
	if (!has_own && !has_peer)
		return true;
	z = bk_robust_z(value, has_own ? &own : &peer, x->set.mad_floor);
	snprintf(note, size, ", against %s hourly median of %s (robust z %.1f)",
	    has_own ? "its own" : "its peers'", bytes(b1, (uint64_t)(has_own ? own.median :
	    peer.median)), z);
	return z >= x->set.min_z;
}

/* "; it sent 40.0 MB in the previous 30 days" when the baseline knows SRC. */
static void
history(const bk_exfil *x, const char *src, const char *dst, char *buf, size_t size)
{
	bk_stats total;
	int64_t first, last;
	char b1[32];

	buf[0] = '\0';
	if (x->base == NULL || !bk_baseline_entity(x->base, src, "sent_total", &total))
		return;
	if (!bk_baseline_get_period(x->base, &first, &last))
		return;
	snprintf(buf, size, "; it sent %s in the previous %lld days",
	    bytes(b1, (uint64_t)total.median), (long long)((last - first + DAY_MS - 1) / DAY_MS));
	if (dst != NULL && !bk_baseline_seen(x->base, src, "dst", dst, strlen(dst)))
		snprintf(buf + strlen(buf), size - strlen(buf), " and never contacted %s", dst);
}

/* ---- the pair detectors -------------------------------------------------- */

/* Whether D, contacted by NSRC sources, is rare. */
static bool
rare(const bk_exfil *x, const struct dest *d, uint64_t nsrc)
{
	if ((int64_t)nsrc > x->set.rare_sources ||
	    (int64_t)x->nsrc < x->set.rare_population)
		return false;
	return x->base == NULL || !bk_baseline_seen(x->base, "*", "dst", d->name, d->len);
}

/* The pair detectors over P, whose destination NSRC sources contacted. */
/*
 * The hourly figures are only counted for a pair that could reach a
 * volume or after-hours threshold or be a beacon; for the others *LAZY is
 * set and the caller asks pair_window when it needs the window's bytes.
 */
static int
pair_detect(bk_exfil *x, const struct pair *p, uint64_t nsrc, struct fired f[D_NDET],
    bk_exfil_incident *inc, int64_t span_first, int64_t span_last, bool *lazy)
{
	const struct source *s = &x->src[p->src];
	const struct dest *d = &x->dst[p->dst];
	const struct pextra *u = bk__pair_extra_of(x, p);
	const struct pagg *ag = NULL;
	bool is_rare = rare(x, d, nsrc);
	char b1[32], b2[32], when[96], note[160];
	int32_t at;
	int rc;

	*lazy = p->bytes_in < x->set.pair_threshold && p->bytes_in < x->set.after_bytes &&
	    (int64_t)p->events < x->set.beacon_min;
	if (!*lazy && (rc = bk__pair_agg(x, p, &ag)) != BK_OK)
		return rc;

	/* archive-upload */
	if ((u->archive_n > 0 && (u->archive_bytes >= x->set.archive_min_bytes || p->sized == 0)) ||
	    (is_rare && u->large_n > 0 && u->large_bytes >= x->set.archive_min_bytes)) {
		struct fired *a = &f[D_ARCHIVE];
		bool named = u->archive_n > 0 && (u->archive_bytes >= x->set.archive_min_bytes ||
		    p->sized == 0);
		uint64_t b = named ? u->archive_bytes : u->large_bytes;
		uint64_t n = named ? u->archive_n : u->large_n;
		char kinds[64] = "";

		for (unsigned i = 0; bk__exfil_kind_name(i) != NULL; i++)
			if (u->archive_kinds & (1u << i))
				snprintf(kinds + strlen(kinds), sizeof kinds - strlen(kinds), "%s.%s",
				    kinds[0] ? "/" : "", bk__exfil_kind_name(i));
		a->on = true;
		a->sev = is_rare ? BK_SEVERITY_CRITICAL : BK_SEVERITY_HIGH;
		a->metric = "bytes";
		a->value = (double)b;
		a->threshold = (double)x->set.archive_min_bytes;
		a->score = over_score(a->value, a->threshold);
		a->first = u->up_first;
		a->last = u->up_last;
		between(when, sizeof when, u->up_first, u->up_last);
		if (named && p->sized == 0)
			snprintf(a->text, sizeof a->text, "%s uploaded %s %s of %s files%s to %s %s "
			    "(sizes not logged)", s->name, count(b1, n), upload_word(u), kinds,
			    u->archive_part ? " in parts" : "", d->name, when);
		else
			snprintf(a->text, sizeof a->text, "%s uploaded %s in %s %s%s%s%s to %s%s %s",
			    s->name, bytes(b2, b), count(b1, n), named ? "" : "large ", upload_word(u),
			    named ? " of " : "", named ? kinds : "", d->name,
			    named && u->archive_part ? " (an archive split in parts)" : "", when);
		if (is_rare)
			snprintf(a->text + strlen(a->text), sizeof a->text - strlen(a->text),
			    ", a destination no other host uses");
		inc->archive_uploads = (int64_t)u->archive_n;
		inc->archive_bytes = (int64_t)u->archive_bytes;
	}

	/* outbound-volume, this pair */
	if (ag != NULL) {
		uint64_t wb = max_window_pair(ag, x->set.window_ms / HOUR_MS, &at);

		inc->window_bytes = (int64_t)wb;
		if (wb >= x->set.pair_threshold &&
		    beats_baseline(x, s->name, (double)wb / (double)(x->set.window_ms / HOUR_MS),
		    &inc->alert, note, sizeof note)) {
			struct fired *v = &f[D_VOLUME];

			v->on = true;
			v->sev = BK_SEVERITY_HIGH;
			v->metric = "bytes";
			v->value = (double)wb;
			v->threshold = (double)x->set.pair_threshold;
			v->score = over_score(v->value, v->threshold);
			v->first = (int64_t)at * HOUR_MS;
			v->last = v->first + x->set.window_ms - 1;
			snprintf(v->text, sizeof v->text, "%s sent %s to %s within %s from %s (threshold "
			    "%s%s)", s->name, bytes(b1, wb), d->name, x->set.window_text,
			    stamp(when, sizeof when, v->first),
			    bytes(b2, x->set.pair_threshold), note);
		}
	}

	/*
	 * beacon. A destination that most sources contact (antivirus and OS
	 * updates, time, telemetry) keeps many hosts to the same rhythm: that
	 * is infrastructure, not one host's command channel. Only with enough
	 * sources to tell (rare_population).
	 */
	bool common = (int64_t)x->nsrc >= x->set.rare_population &&
	    (double)nsrc > x->set.beacon_share * (double)x->nsrc;

	if ((int64_t)p->events >= x->set.beacon_min && !common) {
		int64_t *sz = NULL;
		size_t c = x->captimes;

		if (bk__grow(&x->times, &c, p->ns, sizeof *x->times) != BK_OK)
			return BK_NOMEM;
		x->captimes = c;
		for (uint32_t i = 0; i < p->ns; i++)
			x->times[i] = p->s[i].ts;
		if (p->has_size) {
			c = x->capsizes;
			if (bk__grow(&x->sizes, &c, p->ns, sizeof *x->sizes) != BK_OK)
				return BK_NOMEM;
			x->capsizes = c;
			sz = x->sizes;
			for (uint32_t i = 0; i < p->ns; i++)
				sz[i] = (int64_t)p->s[i].in + p->s[i].out;
		}
		rc = bk_beacon_analyze(x->times, sz, p->ns, ag->hod, span_first, span_last,
		    &inc->beacon);
		if (rc != BK_OK)
			return rc;
		/* Traffic spread evenly all day scores well on hours and coverage:
		 * a beacon must also keep to its period. */
		if (inc->beacon.score < x->set.beacon_score ||
		    inc->beacon.ts_dispersion > x->set.beacon_jitter)
			memset(&inc->beacon, 0, sizeof inc->beacon);
		else {
			struct fired *b = &f[D_BEACON];

			b->on = true;
			b->sev = inc->beacon.score >= 0.9 ? BK_SEVERITY_HIGH : BK_SEVERITY_MEDIUM;
			b->metric = "score";
			b->value = inc->beacon.score;
			b->threshold = x->set.beacon_score;
			b->score = inc->beacon.score;
			b->first = p->first;
			b->last = p->last;
			between(when, sizeof when, p->first, p->last);
			snprintf(b->text, sizeof b->text, "%s contacted %s %s times, every %.1f s "
			    "(jitter %.1f s%s%s%s), %s; beacon score %.2f", s->name, d->name,
			    count(b1, p->events), inc->beacon.period, inc->beacon.jitter,
			    p->has_size ? ", " : "", p->has_size ? bytes(b2, (uint64_t)inc->beacon.size) :
			    "", p->has_size ? " each" : "", when, inc->beacon.score);
		}
	}

	/* long-connection */
	if (u->long_n > 0 && u->long_ms >= x->set.long_threshold) {
		struct fired *l = &f[D_LONG];

		l->on = true;
		l->sev = BK_SEVERITY_MEDIUM;
		l->metric = "seconds";
		l->value = (double)u->long_ms / 1000;
		l->threshold = (double)x->set.long_threshold / 1000;
		l->score = over_score(l->value, l->threshold);
		l->first = p->first;
		l->last = p->last;
		snprintf(l->text, sizeof l->text, "%s kept %s sessions to %s open for %.1f h in all",
		    s->name, count(b1, u->long_n), d->name, (double)u->long_ms / 3600000.0);
		inc->long_sessions = (int64_t)u->long_n;
		inc->long_ms = u->long_ms;
	}

	/* rare-destination */
	if (is_rare && (p->bytes_in >= x->set.rare_bytes ||
	    (p->sized == 0 && (int64_t)u->uploads >= x->set.rare_uploads))) {
		struct fired *r = &f[D_RARE];

		r->on = true;
		r->sev = BK_SEVERITY_MEDIUM;
		r->first = p->first;
		r->last = p->last;
		if (p->sized == 0) {
			r->metric = "uploads";
			r->value = (double)u->uploads;
			r->threshold = (double)x->set.rare_uploads;
			snprintf(r->text, sizeof r->text, "%s made %s uploads to %s, which no other of "
			    "the %s sources contacted", s->name, count(b1, u->uploads), d->name,
			    count(b2, x->nsrc));
		} else {
			r->metric = "bytes";
			r->value = (double)p->bytes_in;
			r->threshold = (double)x->set.rare_bytes;
			snprintf(r->text, sizeof r->text, "%s sent %s to %s, which no other of the %s "
			    "sources contacted", s->name, bytes(b1, p->bytes_in), d->name,
			    count(b2, x->nsrc));
		}
		r->score = over_score(r->value, r->threshold);
	}

	/* after-hours */
	if (ag != NULL && ag->after_bytes >= x->set.after_bytes && ag->after_n > 0) {
		struct fired *a = &f[D_AFTER];

		a->on = true;
		a->sev = BK_SEVERITY_MEDIUM;
		a->metric = "bytes";
		a->value = (double)ag->after_bytes;
		a->threshold = (double)x->set.after_bytes;
		a->score = over_score(a->value, a->threshold);
		a->first = ag->after_first;
		a->last = ag->after_last;
		between(when, sizeof when, ag->after_first, ag->after_last);
		snprintf(a->text, sizeof a->text, "%s sent %s to %s outside working hours (%02d:%02d-"
		    "%02d:%02d on working days, %s) %s", s->name, bytes(b1, ag->after_bytes), d->name,
		    x->set.work_start / 60, x->set.work_start % 60, x->set.work_end / 60,
		    x->set.work_end % 60, x->set.tz_name, when);
		inc->after_bytes = (int64_t)ag->after_bytes;
	}
	return BK_OK;
}

/* The busiest window's bytes of P, for a pair pair_detect left lazy. */
static int
pair_window(bk_exfil *x, const struct pair *p, bk_exfil_incident *inc)
{
	const struct pagg *ag;
	int32_t at;
	int rc;

	if ((rc = bk__pair_agg(x, p, &ag)) != BK_OK)
		return rc;
	inc->window_bytes = (int64_t)max_window_pair(ag, x->set.window_ms / HOUR_MS, &at);
	return BK_OK;
}

/* The source-wide detectors; fire into F (its D_VOLUME slot, text appended). */
static bool
source_detect(bk_exfil *x, const struct source *s, struct fired *f, bk_exfil_incident *inc)
{
	char b1[32], b2[32], when[96], note[160];
	int32_t at;
	uint64_t wb = max_window_source(s, x->set.window_ms / HOUR_MS, &at);
	bool on = false;

	f->text[0] = '\0';
	if (wb >= x->set.source_threshold &&
	    beats_baseline(x, s->name, (double)wb / (double)(x->set.window_ms / HOUR_MS),
	    &inc->alert, note, sizeof note)) {
		on = true;
		f->metric = "bytes";
		f->value = (double)wb;
		f->threshold = (double)x->set.source_threshold;
		f->first = (int64_t)at * HOUR_MS;
		f->last = f->first + x->set.window_ms - 1;
		snprintf(f->text, sizeof f->text, "%s sent %s in all within %s from %s (threshold %s%s)",
		    s->name, bytes(b1, wb), x->set.window_text, stamp(when, sizeof when, f->first),
		    bytes(b2, x->set.source_threshold), note);
		inc->window_bytes = (int64_t)wb;
	}
	if (s->bytes_in >= x->set.ratio_min_bytes &&
	    (double)s->bytes_in > x->set.ratio * (double)s->bytes_out) {
		size_t n = strlen(f->text);

		if (!on) {
			f->metric = "bytes";
			f->value = (double)s->bytes_in;
			f->threshold = (double)x->set.ratio_min_bytes;
			f->first = s->first;
			f->last = s->last;
		}
		on = true;
		snprintf(f->text + n, sizeof f->text - n, "%s%s sent %s and received %s in all",
		    n > 0 ? "; " : "", s->name, bytes(b1, s->bytes_in), bytes(b2, s->bytes_out));
	}
	if (on) {
		f->on = true;
		f->sev = BK_SEVERITY_HIGH;
		f->score = over_score(f->value, f->threshold);
	}
	return on;
}

static void
dns_detect(bk_exfil *x, const struct dns *d, struct fired *f, bk_exfil_incident *inc)
{
	double distinct = (double)bk_distinct_count(d->subs);
	double mlen = d->named ? (double)d->len_sum / (double)d->named : 0;
	double ment = d->named ? (double)d->ent_sum / 1e6 / (double)d->named : 0;
	char b1[32], b2[32], b3[32], when[96];

	inc->dns_distinct = distinct;
	inc->dns_mean_length = mlen;
	inc->dns_mean_entropy = ment;
	inc->dns_queries = (int64_t)d->queries;
	inc->dns_name_bytes = (int64_t)d->qbytes;
	if (distinct < (double)x->set.dns_distinct || mlen < x->set.dns_length ||
	    ment < x->set.dns_entropy)
		return;
	f->on = true;
	f->sev = BK_SEVERITY_HIGH;
	f->metric = "distinct_subdomains";
	f->value = distinct;
	f->threshold = (double)x->set.dns_distinct;
	f->score = over_score(f->value, f->threshold);
	f->first = d->first;
	f->last = d->last;
	between(when, sizeof when, d->first, d->last);
	snprintf(f->text, sizeof f->text, "%s queried %s%s distinct names under %s (mean length "
	    "%.0f, entropy %.1f bits per character, %s of names in %s queries) %s",
	    x->src[d->src].name, bk_distinct_is_exact(d->subs) ? "" : "about ",
	    count(b1, (uint64_t)distinct), d->domain, mlen, ment, bytes(b2, d->qbytes),
	    count(b3, d->queries), when);
}

/* ---- incidents ------------------------------------------------------------ */

static void
incident_clear(bk_exfil_incident *inc)
{
	memset(inc, 0, sizeof *inc);
	bk_alert_clear(&inc->alert);
	inc->bytes_in = inc->bytes_out = inc->uploads = -1;
	inc->archive_uploads = inc->archive_bytes = -1;
	inc->dns_distinct = inc->dns_mean_length = inc->dns_mean_entropy = BK_ALERT_NONE;
	inc->dns_queries = inc->dns_name_bytes = -1;
	inc->long_sessions = inc->long_ms = inc->after_bytes = inc->window_bytes = -1;
	inc->dst_sources = -1;
}

static void
add_evidence(const bk_exfil *x, bk_alert *a, const struct evid *e, uint8_t n)
{
	for (uint8_t i = 0; i < n && a->nlines < BK_ALERT_EVIDENCE_MAX; i++) {
		const char *f = x->files[bk__evid_file(&e[i])];
		size_t j;

		for (j = 0; j < a->nfiles; j++)
			if (strcmp(a->files[j], f) == 0)
				break;
		if (j == a->nfiles && a->nfiles < BK_ALERT_EVIDENCE_MAX)
			a->files[a->nfiles++] = f;
		a->lines[a->nlines++] = bk__evid_line(&e[i]);
	}
}

/* Makes IT's alert from the detectors that fired; false when none did. */
static bool
settle(const bk_exfil *x, struct item *it, struct fired f[D_NDET], const char *src,
    const char *dst)
{
	bk_exfil_incident *inc = &it->inc;
	int main = -1;
	size_t len;

	for (int i = 0; i < D_NDET; i++)
		if (f[i].on && (main < 0 || f[i].sev > f[main].sev))
			main = i;
	if (main < 0)
		return false;
	inc->alert.detector = det_names[main];
	inc->alert.severity = f[main].sev;
	inc->alert.score = f[main].score;
	inc->alert.metric = f[main].metric;
	inc->alert.value = f[main].value;
	inc->alert.threshold = f[main].threshold;
	inc->alert.first = f[main].first;
	inc->alert.last = f[main].last;
	if (main == D_VOLUME)
		inc->alert.window = x->set.window_text;
	inc->detectors[inc->ndetectors++] = det_names[main];
	snprintf(it->reason, sizeof it->reason, "%s", f[main].text);
	for (int i = 0; i < D_NDET; i++) {
		if (!f[i].on || i == main)
			continue;
		inc->detectors[inc->ndetectors++] = det_names[i];
		if (f[i].first < inc->alert.first)
			inc->alert.first = f[i].first;
		if (f[i].last > inc->alert.last)
			inc->alert.last = f[i].last;
		len = strlen(it->reason);
		/* "SRC sent ..." reads "it sent ..." after the first sentence. */
		if (strncmp(f[i].text, src, strlen(src)) == 0 && f[i].text[strlen(src)] == ' ')
			snprintf(it->reason + len, sizeof it->reason - len, "; it%s",
			    f[i].text + strlen(src));
		else
			snprintf(it->reason + len, sizeof it->reason - len, "; %s", f[i].text);
	}
	len = strlen(it->reason);
	history(x, src, dst, it->reason + len, sizeof it->reason - len);
	inc->alert.reason = it->reason;
	return true;
}

static int
cmp_item(const void *a, const void *b)
{
	const bk_exfil_incident *x = &((const struct item *)a)->inc;
	const bk_exfil_incident *y = &((const struct item *)b)->inc;
	int c;

	if (x->alert.severity != y->alert.severity)
		return x->alert.severity > y->alert.severity ? -1 : 1;
	if (x->alert.first != y->alert.first)
		return x->alert.first < y->alert.first ? -1 : 1;
	if ((c = strcmp(x->alert.ip, y->alert.ip)) != 0)
		return c;
	return strcmp(x->alert.dst != NULL ? x->alert.dst : "", y->alert.dst != NULL ?
	    y->alert.dst : "");
}

/* A fresh candidate incident in IT (the reason is written by settle). */
static void
candidate(struct item *it, struct fired f[D_NDET])
{
	incident_clear(&it->inc);
	it->reason[0] = '\0';
	for (int i = 0; i < D_NDET; i++)
		f[i].on = false;
}

/*
 * Appends the settled candidate IT to the incidents. Only incidents are
 * copied: the candidates of the many quiet pairs stay in one scratch item.
 */
static int
keep(struct item **items, size_t *n, size_t *cap, const struct item *it)
{
	if (bk__grow(items, cap, *n + 1, sizeof **items) != BK_OK)
		return BK_NOMEM;
	(*items)[(*n)++] = *it;
	return BK_OK;
}

static void
pair_figures(const bk_exfil *x, bk_exfil_incident *inc, const struct pair *p, uint64_t nsrc,
    bool uploads_first)
{
	const struct source *s = &x->src[p->src];
	const struct pextra *u = bk__pair_extra_of(x, p);

	inc->alert.ip = s->name;
	inc->alert.actor = s->actor;
	inc->alert.dst = x->dst[p->dst].name;
	inc->alert.count = (int64_t)p->events;
	inc->alert.bytes = (int64_t)p->bytes_in;
	inc->bytes_in = (int64_t)p->bytes_in;
	inc->bytes_out = (int64_t)p->bytes_out;
	inc->uploads = (int64_t)u->uploads;
	inc->dst_sources = (int64_t)nsrc;
	if (uploads_first && u->nev_up > 0)
		add_evidence(x, &inc->alert, u->ev_up, u->nev_up);
	else
		add_evidence(x, &inc->alert, p->ev_any, p->nev_any);
}

int
bk_exfil_incidents(bk_exfil *x, bk_exfil_incident_fn fn, void *ctx)
{
	struct item *items = NULL, *it;
	size_t n = 0, cap = 0;
	uint32_t *top = NULL;	/* per source: its pair with the most bytes sent */
	uint64_t *nsrc = NULL;	/* per destination: the sources that contacted it */
	struct fired f[D_NDET];
	int rc = BK_OK;

	/* The candidate, and the counts every pair of a destination asks for, once. */
	it = malloc(sizeof *it);
	top = malloc((x->nsrc ? x->nsrc : 1) * sizeof *top);
	nsrc = malloc((x->ndst ? x->ndst : 1) * sizeof *nsrc);
	if (it == NULL || top == NULL || nsrc == NULL) {
		rc = BK_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < x->ndst; i++)
		nsrc[i] = bk_distinct_count(x->dst[i].srcs);
	for (size_t i = 0; i < x->nsrc; i++)
		top[i] = UINT32_MAX;
	for (size_t i = 0; i < x->npair; i++) {
		const struct pair *p = &x->pair[i];

		if (top[p->src] == UINT32_MAX || p->bytes_in > x->pair[top[p->src]].bytes_in)
			top[p->src] = (uint32_t)i;
	}

	for (size_t i = 0; i < x->npair && rc == BK_OK; i++) {
		const struct pair *p = &x->pair[i];
		const struct source *s = &x->src[p->src];
		struct fired sf;
		bool lazy, joins, on = false;

		candidate(it, f);
		if ((rc = pair_detect(x, p, nsrc[p->dst], f, &it->inc, x->first, x->last, &lazy)) !=
		    BK_OK)
			break;
		/* The source-wide verdict joins its biggest pair when that pair carried half. */
		joins = top[p->src] == i && 2 * p->bytes_in >= s->bytes_in;
		for (int k = 0; k < D_NDET; k++)
			on |= f[k].on;
		if (lazy && (on || joins) && (rc = pair_window(x, p, &it->inc)) != BK_OK)
			break;
		if (joins) {
			memset(&sf, 0, sizeof sf);
			if (source_detect(x, s, &sf, &it->inc)) {
				if (f[D_VOLUME].on) {
					size_t len = strlen(f[D_VOLUME].text);

					snprintf(f[D_VOLUME].text + len, sizeof f[D_VOLUME].text - len,
					    "; %s", sf.text);
				} else
					f[D_VOLUME] = sf;
			}
			top[p->src] = UINT32_MAX - 1;	/* settled */
		}
		if (!settle(x, it, f, s->name, x->dst[p->dst].name))
			continue;
		pair_figures(x, &it->inc, p, nsrc[p->dst],
		    f[D_ARCHIVE].on || f[D_RARE].on || f[D_AFTER].on);
		rc = keep(&items, &n, &cap, it);
	}
	/* Sources whose source-wide verdict no pair took. */
	for (size_t i = 0; i < x->nsrc && rc == BK_OK; i++) {
		const struct source *s = &x->src[i];

		if (top[i] == UINT32_MAX - 1)
			continue;
		candidate(it, f);
		if (!source_detect(x, s, &f[D_VOLUME], &it->inc) ||
		    !settle(x, it, f, s->name, NULL))
			continue;
		it->inc.alert.ip = s->name;
		it->inc.alert.actor = s->actor;
		it->inc.alert.count = (int64_t)s->events;
		it->inc.alert.bytes = (int64_t)s->bytes_in;
		it->inc.bytes_in = (int64_t)s->bytes_in;
		it->inc.bytes_out = (int64_t)s->bytes_out;
		rc = keep(&items, &n, &cap, it);
	}
	for (size_t i = 0; i < x->ndns && rc == BK_OK; i++) {
		const struct dns *d = &x->dns[i];

		candidate(it, f);
		dns_detect(x, d, &f[D_DNS], &it->inc);
		if (!settle(x, it, f, x->src[d->src].name, NULL))
			continue;
		it->inc.alert.ip = x->src[d->src].name;
		it->inc.alert.actor = x->src[d->src].actor;
		it->inc.alert.dst = d->domain;
		it->inc.alert.object = d->domain;
		it->inc.alert.count = (int64_t)d->queries;
		it->inc.alert.bytes = (int64_t)d->qbytes;
		add_evidence(x, &it->inc.alert, d->ev, d->nev);
		rc = keep(&items, &n, &cap, it);
	}
out:
	free(it);
	free(nsrc);
	free(top);
	if (rc != BK_OK) {
		free(items);
		return rc;
	}
	if (n > 1)
		qsort(items, n, sizeof *items, cmp_item);
	for (size_t i = 0; i < n; i++) {
		items[i].inc.alert.reason = items[i].reason;	/* moved by qsort */
		if ((rc = fn(ctx, &items[i].inc)) != 0)
			break;
	}
	free(items);
	if (rc != 0)
		return rc > 0 ? -rc : rc;
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

int
bk_exfil_incident_write(bk_writer *w, const bk_exfil_incident *inc, bool show_values)
{
	const bk_beacon *b = &inc->beacon;

	bk_alert_begin(w, &inc->alert, show_values);
	bk_writer_array_begin(w, "detectors");
	for (size_t i = 0; i < inc->ndetectors; i++)
		bk_writer_cstr(w, NULL, inc->detectors[i]);
	bk_writer_array_end(w);
	if (inc->bytes_in >= 0)
		bk_writer_int(w, "bytes_in", inc->bytes_in);
	if (inc->bytes_out >= 0)
		bk_writer_int(w, "bytes_out", inc->bytes_out);
	if (inc->uploads > 0)
		bk_writer_int(w, "uploads", inc->uploads);
	if (inc->dst_sources >= 0)
		bk_writer_int(w, "dst_sources", inc->dst_sources);
	if (inc->window_bytes > 0)
		bk_writer_int(w, "window_bytes", inc->window_bytes);
	if (b->n >= 3 && b->score > 0) {
		bk_writer_object_begin(w, "beacon");
		bk_writer_double(w, "score", round(b->score * 1000) / 1000);
		bk_writer_double(w, "period", round(b->period * 1000) / 1000);
		bk_writer_double(w, "jitter", round(b->jitter * 1000) / 1000);
		bk_writer_int(w, "connections", (int64_t)b->n);
		bk_writer_double(w, "ts_skew", round(b->ts_skew * 1000) / 1000);
		bk_writer_double(w, "ts_dispersion", round(b->ts_dispersion * 1000) / 1000);
		bk_writer_double(w, "ds_skew", round(b->ds_skew * 1000) / 1000);
		bk_writer_double(w, "ds_dispersion", round(b->ds_dispersion * 1000) / 1000);
		bk_writer_double(w, "hours", round(b->hours * 1000) / 1000);
		bk_writer_double(w, "coverage", round(b->coverage * 1000) / 1000);
		bk_writer_object_end(w);
	}
	if (inc->archive_uploads > 0) {
		bk_writer_object_begin(w, "archive");
		bk_writer_int(w, "uploads", inc->archive_uploads);
		bk_writer_int(w, "bytes", inc->archive_bytes);
		bk_writer_object_end(w);
	}
	if (inc->dns_queries >= 0) {
		bk_writer_object_begin(w, "dns");
		bk_writer_double(w, "distinct", inc->dns_distinct);
		bk_writer_double(w, "mean_length", round(inc->dns_mean_length * 10) / 10);
		bk_writer_double(w, "mean_entropy", round(inc->dns_mean_entropy * 100) / 100);
		bk_writer_int(w, "queries", inc->dns_queries);
		bk_writer_int(w, "name_bytes", inc->dns_name_bytes);
		bk_writer_object_end(w);
	}
	if (inc->long_sessions > 0) {
		bk_writer_int(w, "long_sessions", inc->long_sessions);
		bk_writer_int(w, "long_seconds", inc->long_ms / 1000);
	}
	if (inc->after_bytes > 0)
		bk_writer_int(w, "after_hours_bytes", inc->after_bytes);
	return bk_writer_end(w);
}
