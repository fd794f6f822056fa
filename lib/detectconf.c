/*
 * detectconf.c - detector settings from a conf file and the command line;
 * see detectconf.h.
 *
 * Detectors declare a few dozen keys at most, so a key is found by a linear
 * scan over the declared table: nothing here runs per event (tools read the
 * typed values once into their own structs before reading any input).
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "detectconf.h"
#include "util-private.h"

union conf_val {
	int64_t i;
	double d;
	uint64_t u;
	bool b;
	int hm[2];
	unsigned days;
};

struct conf_slot {
	char *text;		/* the value as set, trimmed */
	union conf_val v;
	char **items;		/* BK_CONF_LIST: pointers into ITEMBUF */
	char *itembuf;
	size_t nitems;
	bool set;
};

struct bk_detectconf {
	const bk_conf_key *keys;
	size_t nkeys;
	struct conf_slot *slots;
	char err[1024];
};

/* ---- value syntax --------------------------------------------------------- */

/* S without its leading and trailing spaces: *LEN bytes from the returned pointer. */
static const char *
trim(const char *s, size_t *len)
{
	size_t n = strlen(s);

	while (n > 0 && bk__is_space(*s))
		s++, n--;
	while (n > 0 && bk__is_space(s[n - 1]))
		n--;
	*len = n;
	return s;
}

/* A trimmed NUL-terminated copy of S in BUF (SIZE bytes); false when it does not fit or is empty. */
static bool
trimmed(const char *s, char *buf, size_t size)
{
	size_t n;

	s = trim(s, &n);
	if (n == 0 || n >= size)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

int
bk_conf_parse_int(const char *s, int64_t *out)
{
	char buf[64], *end;
	long long v;

	if (!trimmed(s, buf, sizeof buf))
		return BK_ERROR;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno != 0 || *end != '\0' || !(bk__is_digit(buf[0]) || buf[0] == '-'))
		return BK_ERROR;
	*out = v;
	return BK_OK;
}

int
bk_conf_parse_double(const char *s, double *out)
{
	char buf[64], *end;
	double v;

	if (!trimmed(s, buf, sizeof buf))
		return BK_ERROR;
	errno = 0;
	v = strtod(buf, &end);
	if (errno != 0 || *end != '\0' || !isfinite(v) ||
	    !(bk__is_digit(buf[0]) || buf[0] == '-' || buf[0] == '.'))
		return BK_ERROR;
	*out = v;
	return BK_OK;
}

/* A non-negative decimal number at the start of BUF, its end in *END. */
static bool
leading_number(const char *buf, double *v, char **end)
{
	if (!bk__is_digit(buf[0]) && buf[0] != '.')
		return false;
	errno = 0;
	*v = strtod(buf, end);
	return errno == 0 && *end != buf && isfinite(*v) && *v >= 0;
}

int
bk_conf_parse_duration(const char *s, int64_t *ms)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {
		{ "ms", 1 }, { "s", 1e3 }, { "m", 60e3 }, { "h", 3600e3 }, { "d", 86400e3 },
		{ "w", 7 * 86400e3 },
	};
	char buf[64], *end;
	double v;

	if (!trimmed(s, buf, sizeof buf) || !leading_number(buf, &v, &end))
		return BK_ERROR;
	if (*end == '\0') {
		if (v != 0)
			return BK_ERROR;	/* a bare number other than 0 has no unit */
		*ms = 0;
		return BK_OK;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(end, units[i].unit) == 0) {
			double r = v * units[i].ms;

			if (r > 9.0e15)
				return BK_ERROR;
			*ms = (int64_t)llround(r);
			return BK_OK;
		}
	return BK_ERROR;
}

int
bk_conf_parse_bytes(const char *s, uint64_t *out)
{
	static const struct {
		const char *unit;
		double mult;
	} units[] = {
		{ "B", 1 }, { "kB", 1e3 }, { "KB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 },
		{ "TB", 1e12 }, { "KiB", 1024.0 }, { "MiB", 1048576.0 },
		{ "GiB", 1073741824.0 }, { "TiB", 1099511627776.0 },
	};
	char buf[64], *end;
	double v;

	if (!trimmed(s, buf, sizeof buf) || !leading_number(buf, &v, &end))
		return BK_ERROR;
	while (*end == ' ')
		end++;
	if (*end == '\0') {
		if (v != floor(v))
			return BK_ERROR;	/* a fraction of a byte */
		*out = (uint64_t)v;
		return BK_OK;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(end, units[i].unit) == 0) {
			double r = v * units[i].mult;

			if (r > 1.8e19)
				return BK_ERROR;
			*out = (uint64_t)llround(r);
			return BK_OK;
		}
	return BK_ERROR;
}

int
bk_conf_parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	char buf[16];

	if (!trimmed(s, buf, sizeof buf))
		return BK_ERROR;
	for (size_t i = 0; i < 4; i++) {
		if (strcmp(buf, yes[i]) == 0)
			return *out = true, BK_OK;
		if (strcmp(buf, no[i]) == 0)
			return *out = false, BK_OK;
	}
	return BK_ERROR;
}

/* "HH:MM" at *P into minutes of the day, up to MAX; advances *P. */
static bool
clock_time(const char **p, int max, int *minutes)
{
	const char *s = *p;
	int h = 0, m;

	if (!bk__is_digit(s[0]))
		return false;
	h = s[0] - '0';
	s++;
	if (bk__is_digit(s[0]))
		h = h * 10 + (*s++ - '0');
	if (s[0] != ':' || !bk__is_digit(s[1]) || !bk__is_digit(s[2]))
		return false;
	m = (s[1] - '0') * 10 + (s[2] - '0');
	if (m > 59 || h * 60 + m > max)
		return false;
	*minutes = h * 60 + m;
	*p = s + 3;
	return true;
}

int
bk_conf_parse_hours(const char *s, int *start, int *end)
{
	char buf[32];
	const char *p = buf;
	int a, b;

	if (!trimmed(s, buf, sizeof buf) || !clock_time(&p, 1439, &a))
		return BK_ERROR;
	while (*p == ' ')
		p++;
	if (*p++ != '-')
		return BK_ERROR;
	while (*p == ' ')
		p++;
	if (!clock_time(&p, 1440, &b) || *p != '\0' || a == b)
		return BK_ERROR;
	*start = a;
	*end = b;
	return BK_OK;
}

bool
bk_conf_hours_contain(int start, int end, int minute)
{
	if (start < end)
		return minute >= start && minute < end;
	return minute >= start || minute < end;
}

/* The weekday named by the LEN bytes at S (three letters or the full English name), or -1. */
static int
weekday(const char *s, size_t len)
{
	static const char *const names[] = { "sunday", "monday", "tuesday", "wednesday",
		"thursday", "friday", "saturday" };
	char low[16];

	if (len < 3 || len >= sizeof low)
		return -1;
	for (size_t i = 0; i < len; i++)
		low[i] = bk__lower(s[i]);
	for (int d = 0; d < 7; d++)
		if (strncmp(low, names[d], len) == 0 && (len == 3 || names[d][len] == '\0'))
			return d;
	return -1;
}

int
bk_conf_parse_days(const char *s, unsigned *mask)
{
	char buf[128];
	const char *p = buf;
	unsigned m = 0;

	if (!trimmed(s, buf, sizeof buf))
		return BK_ERROR;
	for (;;) {
		const char *q;
		int a, b;

		while (*p == ' ')
			p++;
		for (q = p; bk__is_alpha(*q); q++)
			;
		if ((a = weekday(p, (size_t)(q - p))) < 0)
			return BK_ERROR;
		b = a;
		p = q;
		while (*p == ' ')
			p++;
		if (*p == '-') {
			p++;
			while (*p == ' ')
				p++;
			for (q = p; bk__is_alpha(*q); q++)
				;
			if ((b = weekday(p, (size_t)(q - p))) < 0)
				return BK_ERROR;
			p = q;
		}
		for (int d = a;; d = (d + 1) % 7) {
			m |= 1u << d;
			if (d == b)
				break;
		}
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (*p++ != ',')
			return BK_ERROR;
	}
	*mask = m;
	return BK_OK;
}

const char *
bk_conf_type_name(enum bk_conf_type t)
{
	switch (t) {
	case BK_CONF_INT:
		return "integer";
	case BK_CONF_DOUBLE:
		return "number";
	case BK_CONF_DURATION:
		return "duration";
	case BK_CONF_BYTES:
		return "byte size";
	case BK_CONF_STRING:
		return "string";
	case BK_CONF_LIST:
		return "list";
	case BK_CONF_BOOL:
		return "boolean";
	case BK_CONF_HOURS:
		return "time range";
	case BK_CONF_DAYS:
		return "weekday range";
	}
	return "value";
}

/* ---- the settings ------------------------------------------------------- */

static void
slot_free(struct conf_slot *s)
{
	free(s->text);
	free(s->items);
	free(s->itembuf);
}

/* Splits TEXT at commas into S's list, items trimmed, empty ones dropped. */
static int
split_list(struct conf_slot *s, const char *text)
{
	size_t n = strlen(text), k = 0;
	char *buf = bk__dup_bytes(text, n), **items;
	char *p;

	if (buf == NULL || (items = calloc(n / 2 + 2, sizeof *items)) == NULL) {
		free(buf);
		return BK_NOMEM;
	}
	for (p = buf;;) {
		char *comma = strchr(p, ',');
		size_t len;

		if (comma != NULL)
			*comma = '\0';
		while (bk__is_space(*p))
			p++;
		len = strlen(p);
		while (len > 0 && bk__is_space(p[len - 1]))
			len--;
		if (len > 0) {
			p[len] = '\0';
			items[k++] = p;
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	free(s->items);
	free(s->itembuf);
	s->items = items;
	s->itembuf = buf;
	s->nitems = k;
	return BK_OK;
}

/* Parses VALUE as KEY's type into S. BK_OK, BK_NOMEM, or BK_ERROR (wrong syntax). */
static int
slot_set(struct conf_slot *s, const bk_conf_key *key, const char *value)
{
	union conf_val v;
	size_t len;
	const char *t = trim(value, &len);
	char *text;
	int rc = BK_OK;

	memset(&v, 0, sizeof v);
	switch (key->type) {
	case BK_CONF_INT:
		rc = bk_conf_parse_int(value, &v.i);
		break;
	case BK_CONF_DOUBLE:
		rc = bk_conf_parse_double(value, &v.d);
		break;
	case BK_CONF_DURATION:
		rc = bk_conf_parse_duration(value, &v.i);
		break;
	case BK_CONF_BYTES:
		rc = bk_conf_parse_bytes(value, &v.u);
		break;
	case BK_CONF_BOOL:
		rc = bk_conf_parse_bool(value, &v.b);
		break;
	case BK_CONF_HOURS:
		rc = bk_conf_parse_hours(value, &v.hm[0], &v.hm[1]);
		break;
	case BK_CONF_DAYS:
		rc = bk_conf_parse_days(value, &v.days);
		break;
	case BK_CONF_STRING:
		break;
	case BK_CONF_LIST:
		if (memchr(t, '\0', len) != NULL)
			rc = BK_ERROR;
		break;
	}
	if (rc != BK_OK)
		return rc;
	if ((text = bk__dup_bytes(t, len)) == NULL)
		return BK_NOMEM;
	if (key->type == BK_CONF_LIST && split_list(s, text) != BK_OK) {
		free(text);
		return BK_NOMEM;
	}
	free(s->text);
	s->text = text;
	s->v = v;
	return BK_OK;
}

bk_detectconf *
bk_detectconf_new(const bk_conf_key *keys, size_t nkeys, char **err)
{
	bk_detectconf *c = calloc(1, sizeof *c);

	if (err != NULL)
		*err = NULL;
	if (c == NULL || (c->slots = calloc(nkeys + 1, sizeof *c->slots)) == NULL) {
		free(c);
		return NULL;
	}
	c->keys = keys;
	c->nkeys = nkeys;
	for (size_t i = 0; i < nkeys; i++) {
		int rc = slot_set(&c->slots[i], &keys[i], keys[i].def != NULL ? keys[i].def : "");

		if (rc != BK_OK) {
			if (rc == BK_ERROR)
				bk__set_err(err, "default of %s: bad %s '%s'", keys[i].name,
				    bk_conf_type_name(keys[i].type), keys[i].def);
			bk_detectconf_free(c);
			return NULL;
		}
	}
	return c;
}

void
bk_detectconf_free(bk_detectconf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nkeys; i++)
		slot_free(&c->slots[i]);
	free(c->slots);
	free(c);
}

static ssize_t
find_key(const bk_detectconf *c, const char *name, size_t len)
{
	for (size_t i = 0; i < c->nkeys; i++)
		if (strlen(c->keys[i].name) == len && memcmp(c->keys[i].name, name, len) == 0)
			return (ssize_t)i;
	return -1;
}

/* The slot of KEY declared with TYPE; a mismatch is the caller's bug. */
static const struct conf_slot *
typed(const bk_detectconf *c, const char *key, enum bk_conf_type type)
{
	ssize_t i = find_key(c, key, strlen(key));

	if (i < 0 || c->keys[i].type != type) {
		fprintf(stderr, "breachkit: detectconf: no %s key '%s'\n", bk_conf_type_name(type),
		    key);
		abort();
	}
	return &c->slots[i];
}

/* Sets the NUL-free key of KLEN bytes at K; errors prefixed with WHERE ("FILE:LINE" or "--set"). */
static int
set_key(bk_detectconf *c, const char *k, size_t klen, const char *value, const char *where)
{
	ssize_t i = find_key(c, k, klen);
	int rc;

	if (i < 0) {
		snprintf(c->err, sizeof c->err, "%s: unknown key '%.*s'", where, (int)klen, k);
		return BK_ERROR;
	}
	rc = slot_set(&c->slots[i], &c->keys[i], value);
	if (rc == BK_ERROR) {
		size_t vlen;
		const char *v = trim(value, &vlen);

		snprintf(c->err, sizeof c->err, "%s: bad %s '%.*s'", where,
		    bk_conf_type_name(c->keys[i].type), (int)(vlen > 200 ? 200 : vlen), v);
	} else if (rc == BK_OK) {
		c->slots[i].set = true;
	}
	return rc;
}

int
bk_detectconf_set(bk_detectconf *c, const char *key, const char *value, const char *origin)
{
	size_t klen;
	const char *k = trim(key, &klen);

	return set_key(c, k, klen, value, origin != NULL ? origin : "--set");
}

int
bk_detectconf_set_arg(bk_detectconf *c, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t klen;
	const char *k;

	if (eq == NULL) {
		snprintf(c->err, sizeof c->err, "--set: expected KEY=VALUE, not '%s'", arg);
		return BK_ERROR;
	}
	k = arg;
	klen = (size_t)(eq - arg);
	while (klen > 0 && bk__is_space(*k))
		k++, klen--;
	while (klen > 0 && bk__is_space(k[klen - 1]))
		klen--;
	return set_key(c, k, klen, eq + 1, "--set");
}

int
bk_detectconf_load(bk_detectconf *c, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, where[480];
	size_t cap = 0;
	ssize_t n;
	unsigned long lineno = 0;
	int rc = BK_OK;

	if (fp == NULL) {
		snprintf(c->err, sizeof c->err, "%s: %s", path, strerror(errno));
		return BK_ERROR;
	}
	while ((n = getline(&line, &cap, fp)) >= 0) {
		size_t len = (size_t)n, klen;
		const char *k;
		char *eq;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		line[len] = '\0';
		k = trim(line, &klen);
		if (klen == 0 || *k == '#')
			continue;
		snprintf(where, sizeof where, "%.440s:%lu", path, lineno);
		if (memchr(line, '\0', len) != NULL || (eq = strchr(line, '=')) == NULL) {
			snprintf(c->err, sizeof c->err, "%s: expected 'key = value'", where);
			rc = BK_ERROR;
			break;
		}
		klen = (size_t)(eq - k);
		while (klen > 0 && bk__is_space(k[klen - 1]))
			klen--;
		if (klen == 0) {
			snprintf(c->err, sizeof c->err, "%s: expected 'key = value'", where);
			rc = BK_ERROR;
			break;
		}
		if ((rc = set_key(c, k, klen, eq + 1, where)) != BK_OK)
			break;
	}
	if (rc == BK_OK && ferror(fp)) {
		snprintf(c->err, sizeof c->err, "%s: %s", path, strerror(errno));
		rc = BK_ERROR;
	}
	free(line);
	fclose(fp);
	return rc;
}

const char *
bk_detectconf_error(const bk_detectconf *c)
{
	return c->err;
}

bool
bk_detectconf_is_set(const bk_detectconf *c, const char *key)
{
	ssize_t i = find_key(c, key, strlen(key));

	return i >= 0 && c->slots[i].set;
}

int64_t
bk_detectconf_int(const bk_detectconf *c, const char *key)
{
	return typed(c, key, BK_CONF_INT)->v.i;
}

double
bk_detectconf_double(const bk_detectconf *c, const char *key)
{
	return typed(c, key, BK_CONF_DOUBLE)->v.d;
}

int64_t
bk_detectconf_duration(const bk_detectconf *c, const char *key)
{
	return typed(c, key, BK_CONF_DURATION)->v.i;
}

uint64_t
bk_detectconf_bytes(const bk_detectconf *c, const char *key)
{
	return typed(c, key, BK_CONF_BYTES)->v.u;
}

bool
bk_detectconf_bool(const bk_detectconf *c, const char *key)
{
	return typed(c, key, BK_CONF_BOOL)->v.b;
}

const char *
bk_detectconf_str(const bk_detectconf *c, const char *key)
{
	return typed(c, key, BK_CONF_STRING)->text;
}

size_t
bk_detectconf_list(const bk_detectconf *c, const char *key, const char *const **items)
{
	const struct conf_slot *s = typed(c, key, BK_CONF_LIST);

	*items = (const char *const *)s->items;
	return s->nitems;
}

void
bk_detectconf_hours(const bk_detectconf *c, const char *key, int *start, int *end)
{
	const struct conf_slot *s = typed(c, key, BK_CONF_HOURS);

	*start = s->v.hm[0];
	*end = s->v.hm[1];
}

unsigned
bk_detectconf_days(const bk_detectconf *c, const char *key)
{
	return typed(c, key, BK_CONF_DAYS)->v.days;
}

const char *
bk_detectconf_text(const bk_detectconf *c, const char *key)
{
	ssize_t i = find_key(c, key, strlen(key));

	return i < 0 ? NULL : c->slots[i].text;
}

const bk_conf_key *
bk_detectconf_keys(const bk_detectconf *c, size_t *n)
{
	*n = c->nkeys;
	return c->keys;
}
