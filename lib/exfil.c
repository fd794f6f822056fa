/*
 * exfil.c - beacon scoring, DNS features, registered domains, archive
 * recognition and the allow-list (see exfil.h for the reasoning). Nothing
 * here keeps state between calls except the allow-list; the aggregation
 * that feeds these functions lives in exfil-agg.c.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exfil.h"
#include "util-private.h"

/* ---- robust statistics --------------------------------------------------- */

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The Q-quantile of SORTED by linear interpolation between order statistics. */
static double
quantile(const double *sorted, size_t n, double q)
{
	double pos, frac;
	size_t i;

	if (n == 0)
		return 0;
	pos = q * (double)(n - 1);
	i = (size_t)pos;
	frac = pos - (double)i;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + frac * (sorted[i + 1] - sorted[i]);
}

static double
median_sorted(const double *sorted, size_t n)
{
	return quantile(sorted, n, 0.5);
}

double
bk_bowley(const double *sorted, size_t n)
{
	double q1 = quantile(sorted, n, 0.25), q2 = quantile(sorted, n, 0.5);
	double q3 = quantile(sorted, n, 0.75);

	if (q3 - q1 <= 0)
		return 0;
	return (q3 + q1 - 2 * q2) / (q3 - q1);
}

/* The median absolute deviation of the N values V around MEDIAN; SCRATCH holds N. */
static double
mad_of(const double *v, size_t n, double median, double *scratch)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		scratch[i] = fabs(v[i] - median);
	qsort(scratch, n, sizeof *scratch, cmp_double);
	return quantile(scratch, n, 0.5);
}

static double
clamp01(double x)
{
	return x < 0 ? 0 : x > 1 ? 1 : x;
}

/* ---- beacons ------------------------------------------------------------- */

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/*
 * How evenly the connections fall over the hours of the day: half the
 * share of the hour-of-day bins the pair's span touches that saw a
 * connection (a beacon fills every one; a laptop asleep at night leaves
 * some empty), half the normalised entropy of the counts in the busy bins
 * (a beacon fills them alike; a person has busy and quiet hours).
 */
static double
hours_part(const uint32_t hours[24], int64_t first, int64_t last)
{
	const int64_t hour = 3600000;
	int64_t h0 = first / hour, h1 = last / hour;
	unsigned touched = h1 - h0 >= 23 ? 24 : (unsigned)(h1 - h0 + 1), busy = 0;
	double total = 0, ent = 0;

	for (int i = 0; i < 24; i++)
		total += hours[i];
	if (total == 0)
		return 0;
	for (int i = 0; i < 24; i++)
		if (hours[i] > 0) {
			double p = hours[i] / total;

			busy++;
			ent -= p * log(p);
		}
	if (busy > touched)
		touched = busy;
	return 0.5 * (double)busy / touched + 0.5 * (busy > 1 ? ent / log((double)busy) : 1.0);
}

int
bk_beacon_analyze(const int64_t *ts, const int64_t *sizes, size_t n, const uint32_t *hours,
		  int64_t span_first, int64_t span_last, bk_beacon *out)
{
	int64_t *t = NULL;
	double *d = NULL, *scratch = NULL, med, span;
	uint32_t own[24] = { 0 };
	size_t m;

	memset(out, 0, sizeof *out);
	out->n = n;
	if (n < 3)
		return BK_OK;
	t = malloc(n * sizeof *t);
	d = malloc(n * sizeof *d);
	scratch = malloc(n * sizeof *scratch);
	if (t == NULL || d == NULL || scratch == NULL) {
		free(t);
		free(d);
		free(scratch);
		return BK_NOMEM;
	}
	memcpy(t, ts, n * sizeof *t);
	qsort(t, n, sizeof *t, cmp_i64);

	/* Intervals, in seconds; simultaneous connections are one. */
	m = 0;
	for (size_t i = 1; i < n; i++)
		if (t[i] > t[i - 1])
			d[m++] = (double)(t[i] - t[i - 1]) / 1000.0;
	if (m >= 2) {
		qsort(d, m, sizeof *d, cmp_double);
		med = median_sorted(d, m);
		out->period = med;
		out->ts_skew = bk_bowley(d, m);
		out->jitter = mad_of(d, m, med, scratch);
		out->ts_dispersion = med > 0 ? out->jitter / med : 1;
	} else {
		out->ts_skew = 1;
		out->ts_dispersion = 1;
	}

	if (sizes != NULL) {
		for (size_t i = 0; i < n; i++)
			d[i] = (double)sizes[i];
		qsort(d, n, sizeof *d, cmp_double);
		med = median_sorted(d, n);
		out->size = med;
		out->ds_skew = bk_bowley(d, n);
		out->ds_dispersion = mad_of(d, n, med, scratch) / (med >= 1 ? med : 1);
	}

	if (hours == NULL) {
		for (size_t i = 0; i < n; i++)
			own[(t[i] / 3600000 % 24 + 24) % 24]++;
		hours = own;
	}
	out->hours = hours_part(hours, t[0], t[n - 1]);
	span = (double)(span_last - span_first);
	out->coverage = span > 0 ? clamp01((double)(t[n - 1] - t[0]) / span) : 1;

	out->score = 0.20 * (1 - fabs(out->ts_skew)) + 0.30 * (1 - clamp01(out->ts_dispersion)) +
	    0.15 * out->hours + 0.15 * out->coverage;
	if (sizes != NULL)
		out->score += 0.10 * (1 - fabs(out->ds_skew)) + 0.10 * (1 - clamp01(out->ds_dispersion));
	else
		out->score += 0.10;
	out->score = clamp01(out->score);
	free(t);
	free(d);
	free(scratch);
	return BK_OK;
}

/* ---- DNS ----------------------------------------------------------------- */

/*
 * Second-level labels under which registrations happen, per country code
 * (a small, deliberate subset of the Public Suffix List's ICANN section:
 * the suffixes an incident in Japan, the UK or Australia meets most).
 */
static const char *const multi_suffixes[] = {
	"ac.jp", "ad.jp", "co.jp", "ed.jp", "go.jp", "gr.jp", "lg.jp", "ne.jp", "or.jp",
	"ac.uk", "co.uk", "gov.uk", "ltd.uk", "me.uk", "net.uk", "nhs.uk", "org.uk", "plc.uk",
	"sch.uk", "asn.au", "com.au", "edu.au", "gov.au", "id.au", "net.au", "org.au",
	"ac.nz", "co.nz", "govt.nz", "net.nz", "org.nz", "com.br", "com.cn", "net.cn", "org.cn",
	"co.in", "net.in", "org.in", "co.kr", "or.kr", "com.sg", "com.tw", "co.za", "com.mx",
	"co.id", "co.th", "com.hk", "com.my", "com.ph", "com.vn",
};

static bool
is_ip_literal(const char *s, size_t len)
{
	char buf[64];
	unsigned char addr[16];

	if (len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET, buf, addr) == 1 || inet_pton(AF_INET6, buf, addr) == 1;
}

/* Whether the LEN bytes at S equal the lowercase C string T, ignoring ASCII case. */
static bool
eq_fold(const char *s, size_t len, const char *t)
{
	size_t n = strlen(t);

	if (n != len)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != t[i])
			return false;
	}
	return true;
}

bk_span
bk_registered_domain(const char *name, size_t len)
{
	size_t dots[3], ndots = 0, keep;

	if (len > 0 && name[len - 1] == '.')
		len--;
	if (is_ip_literal(name, len))
		return (bk_span){ name, len };
	/* The last three dots, right to left. */
	for (size_t i = len; i-- > 0 && ndots < 3;)
		if (name[i] == '.')
			dots[ndots++] = i;
	if (ndots == 0)
		return (bk_span){ name, len };
	keep = 2;
	if (ndots >= 1) {
		size_t from = ndots >= 2 ? dots[1] + 1 : 0;

		for (size_t i = 0; i < sizeof multi_suffixes / sizeof multi_suffixes[0]; i++)
			if (eq_fold(name + from, len - from, multi_suffixes[i])) {
				keep = 3;
				break;
			}
	}
	if (ndots < keep)
		return (bk_span){ name, len };
	return (bk_span){ name + dots[keep - 1] + 1, len - dots[keep - 1] - 1 };
}

double
bk_entropy(const char *s, size_t len)
{
	unsigned counts[256] = { 0 };
	double h = 0;

	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		counts[(unsigned char)s[i]]++;
	for (int c = 0; c < 256; c++)
		if (counts[c] > 0) {
			double p = (double)counts[c] / (double)len;

			h -= p * log2(p);
		}
	return h;
}

/* ---- archives ------------------------------------------------------------ */

static const struct {
	const char *ext, *kind;
} archive_exts[] = {
	{ "rar", "rar" }, { "7z", "7z" }, { "zip", "zip" }, { "tar", "tar" }, { "tgz", "gz" },
	{ "gz", "gz" }, { "tbz2", "bz2" }, { "bz2", "bz2" }, { "txz", "xz" }, { "xz", "xz" },
	{ "cab", "cab" }, { "zst", "zst" }, { "lzh", "lzh" }, { "arj", "arj" },
};

static bool
all_digits(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* The archive a single name (no '/', '?', '&', '=') ends in. */
static const char *
name_kind(const char *s, size_t len, bool *part)
{
	size_t dot, prev;
	const char *ext;
	size_t elen;

	for (dot = len; dot > 0 && s[dot - 1] != '.'; dot--)
		;
	if (dot <= 1)
		return NULL;
	ext = s + dot;
	elen = len - dot;
	for (size_t i = 0; i < sizeof archive_exts / sizeof archive_exts[0]; i++)
		if (eq_fold(ext, elen, archive_exts[i].ext)) {
			/* "x.part2.rar" is a part too. */
			for (prev = dot - 1; prev > 0 && s[prev - 1] != '.'; prev--)
				;
			if (prev > 0 && dot - 1 - prev > 4 && eq_fold(s + prev, 4, "part") &&
			    all_digits(s + prev + 4, dot - 1 - prev - 4))
				*part = true;
			return archive_exts[i].kind;
		}
	/* RAR's old volumes .r00 .r01, zip's .z01, and numbered parts "x.7z.001". */
	if (elen == 3 && (ext[0] == 'r' || ext[0] == 'R') && all_digits(ext + 1, 2)) {
		*part = true;
		return "rar";
	}
	if (elen == 3 && (ext[0] == 'z' || ext[0] == 'Z') && all_digits(ext + 1, 2)) {
		*part = true;
		return "zip";
	}
	if (all_digits(ext, elen) && elen == 3) {
		const char *k = name_kind(s, dot - 1, part);

		if (k != NULL)
			*part = true;
		return k;
	}
	return NULL;
}

const char *
bk_archive_kind(const char *s, size_t len, bool *part)
{
	bool dummy = false;
	size_t start = 0;

	if (part == NULL)
		part = &dummy;
	*part = false;
	for (size_t i = 0; i <= len; i++)
		if (i == len || s[i] == '/' || s[i] == '?' || s[i] == '&' || s[i] == '=' ||
		    s[i] == ';' || s[i] == '#') {
			const char *k = i > start ? name_kind(s + start, i - start, part) : NULL;

			if (k != NULL)
				return k;
			start = i + 1;
		}
	return NULL;
}

const char *
bk_archive_mime(const char *s, size_t len)
{
	static const struct {
		const char *mime, *kind;
	} mimes[] = {
		{ "application/zip", "zip" }, { "application/x-zip-compressed", "zip" },
		{ "application/vnd.rar", "rar" }, { "application/x-rar-compressed", "rar" },
		{ "application/x-rar", "rar" }, { "application/x-7z-compressed", "7z" },
		{ "application/x-tar", "tar" }, { "application/gzip", "gz" },
		{ "application/x-gzip", "gz" }, { "application/x-bzip2", "bz2" },
		{ "application/x-xz", "xz" }, { "application/vnd.ms-cab-compressed", "cab" },
		{ "application/zstd", "zst" },
	};
	size_t n = 0;

	while (n < len && s[n] != ';' && s[n] != ' ')
		n++;
	for (size_t i = 0; i < sizeof mimes / sizeof mimes[0]; i++)
		if (eq_fold(s, n, mimes[i].mime))
			return mimes[i].kind;
	return NULL;
}

/* ---- allow-list ---------------------------------------------------------- */

struct net {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned bits;
};

struct bk_allow {
	struct net *nets;
	size_t nnets, capnets;
	char **hosts;		/* lowercase; a leading '.' means subdomains only */
	size_t nhosts, caphosts;
	char **agents;		/* lowercase substrings */
	size_t nagents, capagents;
};

bk_allow *
bk_allow_new(void)
{
	return calloc(1, sizeof(bk_allow));
}

void
bk_allow_free(bk_allow *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->nhosts; i++)
		free(a->hosts[i]);
	for (size_t i = 0; i < a->nagents; i++)
		free(a->agents[i]);
	free(a->hosts);
	free(a->agents);
	free(a->nets);
	free(a);
}

size_t
bk_allow_count(const bk_allow *a)
{
	return a->nnets + a->nhosts + a->nagents;
}

static int
grow(void **arr, size_t *cap, size_t n, size_t size)
{
	void *p;
	size_t c;

	if (n < *cap)
		return BK_OK;
	c = *cap ? *cap * 2 : 8;
	if ((p = realloc(*arr, c * size)) == NULL)
		return BK_NOMEM;
	*arr = p;
	*cap = c;
	return BK_OK;
}

static char *
lower_dup(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (d == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++)
		d[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
	d[len] = '\0';
	return d;
}

/* Parses "ADDR" or "ADDR/BITS" into *N; false when it is neither. */
static bool
parse_net(const char *s, size_t len, struct net *n)
{
	char buf[64], *slash, *end;
	long bits = -1;

	if (len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end != '\0' || bits < 0)
			return false;
	}
	memset(n, 0, sizeof *n);
	if (inet_pton(AF_INET, buf, n->addr) == 1) {
		n->family = AF_INET;
		if (bits > 32)
			return false;
		n->bits = bits < 0 ? 32 : (unsigned)bits;
	} else if (inet_pton(AF_INET6, buf, n->addr) == 1) {
		n->family = AF_INET6;
		if (bits > 128)
			return false;
		n->bits = bits < 0 ? 128 : (unsigned)bits;
	} else
		return false;
	return true;
}

static bool
net_contains(const struct net *n, int family, const unsigned char *addr)
{
	unsigned full = n->bits / 8, rest = n->bits % 8;

	if (n->family != family)
		return false;
	if (memcmp(n->addr, addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((n->addr[full] ^ addr[full]) & (unsigned char)(0xFF << (8 - rest))) == 0;
}

int
bk_allow_add(bk_allow *a, const char *s, size_t len)
{
	struct net n;

	while (len > 0 && (s[0] == ' ' || s[0] == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		len--;
	if (len == 0)
		return BK_ERROR;
	if (len > 3 && eq_fold(s, 3, "ua:")) {
		char *d;

		s += 3, len -= 3;
		while (len > 0 && s[0] == ' ')
			s++, len--;
		if (len == 0)
			return BK_ERROR;
		if (grow((void **)&a->agents, &a->capagents, a->nagents, sizeof *a->agents) != BK_OK ||
		    (d = lower_dup(s, len)) == NULL)
			return BK_NOMEM;
		a->agents[a->nagents++] = d;
		return BK_OK;
	}
	if (parse_net(s, len, &n)) {
		if (grow((void **)&a->nets, &a->capnets, a->nnets, sizeof *a->nets) != BK_OK)
			return BK_NOMEM;
		a->nets[a->nnets++] = n;
		return BK_OK;
	}
	for (size_t i = 0; i < len; i++)
		if (!(s[i] == '.' || s[i] == '-' || s[i] == '_' || s[i] == '*' ||
		    (s[i] >= '0' && s[i] <= '9') || ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z')))
			return BK_ERROR;
	if (len > 2 && s[0] == '*' && s[1] == '.')
		s++, len--;	/* "*.example.com" as ".example.com" */
	if (memchr(s, '*', len) != NULL) {
		return BK_ERROR;
	}
	{
		char *d;

		if (grow((void **)&a->hosts, &a->caphosts, a->nhosts, sizeof *a->hosts) != BK_OK ||
		    (d = lower_dup(s, len)) == NULL)
			return BK_NOMEM;
		a->hosts[a->nhosts++] = d;
	}
	return BK_OK;
}

int
bk_allow_load(bk_allow *a, const char *path, char **err)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = BK_OK;

	*err = NULL;
	if (f == NULL) {
		*err = bk__errf("%s: %s", path, strerror(errno));
		return BK_ERROR;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		size_t len = (size_t)n, i = 0;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len || line[i] == '#')
			continue;
		rc = bk_allow_add(a, line + i, len - i);
		if (rc == BK_ERROR) {
			*err = bk__errf("%s:%zu: not an address, network, host or ua: entry: '%.*s'",
			    path, lineno, (int)(len - i > 80 ? 80 : len - i), line + i);
			break;
		}
		if (rc != BK_OK)
			break;
	}
	free(line);
	fclose(f);
	return rc;
}

bool
bk_allow_addr(const bk_allow *a, const char *s, size_t len)
{
	char buf[64];
	unsigned char addr[16];
	int family;

	if (a == NULL || a->nnets == 0 || len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, buf, addr) == 1)
		family = AF_INET6;
	else
		return false;
	for (size_t i = 0; i < a->nnets; i++)
		if (net_contains(&a->nets[i], family, addr))
			return true;
	return false;
}

bool
bk_allow_host(const bk_allow *a, const char *s, size_t len)
{
	if (a == NULL || len == 0)
		return false;
	if (s[len - 1] == '.')
		len--;
	for (size_t i = 0; i < a->nhosts; i++) {
		const char *h = a->hosts[i];
		size_t hl = strlen(h);

		if (h[0] == '.') {
			/* ".example.net": its subdomains and example.net itself. */
			if (eq_fold(s, len, h + 1))
				return true;
			if (len > hl && eq_fold(s + len - hl, hl, h))
				return true;
		} else if (eq_fold(s, len, h) ||
		    (len > hl && s[len - hl - 1] == '.' && eq_fold(s + len - hl, hl, h)))
			return true;
	}
	return false;
}

bool
bk_allow_agent(const bk_allow *a, const char *s, size_t len)
{
	if (a == NULL)
		return false;
	for (size_t i = 0; i < a->nagents; i++) {
		const char *g = a->agents[i];
		size_t gl = strlen(g);

		for (size_t j = 0; j + gl <= len; j++)
			if (eq_fold(s + j, gl, g))
				return true;
	}
	return false;
}
