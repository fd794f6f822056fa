/*
 * format.c - log formats: the registry, the loader of patterns/formats/, the
 * engine that turns a line of a data format into an event, and detection.
 *
 * Line-oriented formats are data (patterns/formats/ *.fmt, syntax in that
 * directory's README.md), so a user adds one without recompiling: either a
 * layout in a server's own notation (compiled by format-directive.c into a
 * delimiter-driven matcher: one pass with memchr, no regex, no allocation
 * per line) or PCRE2 regexes with named groups for irregular lines (syslog).
 * Structurally different inputs are code (bk__code_formats); the registry
 * finds both by name, so bk_parser_new does not care which a format is.
 *
 * Mapping to events is the same for both kinds: a field's target says which
 * event field it fills; "-" means absent; the request line gives method,
 * object and record ids; an absolute URL (a proxy's) gives dst; the action
 * comes from the method through the format's action map; what has no event
 * field becomes an extra named after it.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "format-private.h"
#include "record-private.h"
#include "sql.h"
#include "timefmt-private.h"
#include "util-private.h"

#define MAX_EXTRA 48
#define MAX_IDS 64
#define MAX_TAILS 16
#define TCACHE 48	/* longest time text kept in the per-parser cache */

/* ---- definitions -------------------------------------------------------- */

struct setval {
	uint8_t target;
	char *key;		/* extras */
	char *val;
};

/* A named group of a regex and what it fills. */
struct group {
	uint8_t target;
	char *key;
	int scale;
	uint32_t num[8];	/* group numbers (duplicate names allowed) */
	int nnum;
};

struct rx {
	pcre2_code *code;
	struct group *g;
	size_t ng;
	struct setval *set;
	size_t nset;
};

struct amap {
	char *method;
	char *action;
	size_t mlen, alen;
};

struct datafmt {
	char *name;
	char *description;
	char *origin;		/* the file it came from, or the directive's description */
	bool is_layout;
	struct bk__layout layout;
	struct bk__layout tails[MAX_TAILS];
	size_t ntails;
	char *prefix;
	struct rx *rx;
	size_t nrx, caprx;
	char *time;		/* regex formats: the layout of the ts group */
	bk_timefmt *tf;
	struct amap *act;
	size_t nact, capact;
	bool own_actions;
	int priority;
	char **examples, **expects;
	size_t nex, capex;
};

struct bk_formats {
	struct datafmt **d;
	size_t nd, capd;
	const char **names;	/* sorted, data and code; rebuilt when a format is added */
	char *cname;		/* scratch for bk_formats_define names */
};

static void
datafmt_free(struct datafmt *df)
{
	if (df == NULL)
		return;
	free(df->name);
	free(df->description);
	free(df->origin);
	for (size_t i = 0; i < df->layout.n; i++)
		bk_timefmt_free(df->layout.f[i].tf);
	bk__layout_free(&df->layout);
	for (size_t t = 0; t < df->ntails; t++) {
		for (size_t i = 0; i < df->tails[t].n; i++)
			bk_timefmt_free(df->tails[t].f[i].tf);
		bk__layout_free(&df->tails[t]);
	}
	free(df->prefix);
	for (size_t i = 0; i < df->nrx; i++) {
		pcre2_code_free(df->rx[i].code);
		for (size_t k = 0; k < df->rx[i].ng; k++)
			free(df->rx[i].g[k].key);
		free(df->rx[i].g);
		for (size_t k = 0; k < df->rx[i].nset; k++) {
			free(df->rx[i].set[k].key);
			free(df->rx[i].set[k].val);
		}
		free(df->rx[i].set);
	}
	free(df->rx);
	free(df->time);
	bk_timefmt_free(df->tf);
	for (size_t i = 0; i < df->nact; i++) {
		free(df->act[i].method);
		free(df->act[i].action);
	}
	free(df->act);
	for (size_t i = 0; i < df->nex; i++) {
		free(df->examples[i]);
		free(df->expects[i]);
	}
	free(df->examples);
	free(df->expects);
	free(df);
}

static int
add_action(struct datafmt *df, const char *method, size_t mlen, const char *action, size_t alen)
{
	struct amap *a;

	if (bk__grow(&df->act, &df->capact, df->nact, sizeof *df->act) != BK_OK)
		return BK_NOMEM;
	a = &df->act[df->nact];
	a->method = bk__dup_bytes(method, mlen);
	a->action = bk__dup_bytes(action, alen);
	a->mlen = mlen;
	a->alen = alen;
	if (a->method == NULL || a->action == NULL) {
		free(a->method);
		free(a->action);
		return BK_NOMEM;
	}
	df->nact++;
	return BK_OK;
}

static int
default_actions(struct datafmt *df, bool proxy)
{
	const struct bk__method_action *t = proxy ? bk__proxy_actions : bk__web_actions;

	for (size_t i = 0; t[i].method != NULL; i++) {
		const char *m = t[i].method, *a = t[i].action;

		if (add_action(df, m, strlen(m), a, strlen(a)) != BK_OK)
			return BK_NOMEM;
	}
	return BK_OK;
}

/* Compiles the time layouts of LO's time fields. */
static int
layout_times(struct bk__layout *lo, char **err)
{
	for (size_t i = 0; i < lo->n; i++) {
		struct bk__lfield *f = &lo->f[i];

		if (f->target != BK__T_TS)
			continue;
		if ((f->tf = bk_timefmt_new(f->name, err)) == NULL)
			return *err != NULL ? BK_ERROR : BK_NOMEM;
	}
	return BK_OK;
}

/* ---- targets by name (regex groups, set lines) ------------------------- */

static const struct {
	const char *name;
	uint8_t target;
	int scale;
} target_names[] = {
	{ "ts", BK__T_TS, 0 },
	{ "ts_ms", BK__T_TS_MS, 0 },
	{ "actor", BK__T_ACTOR, 0 },
	{ "ip", BK__T_IP, 0 },
	{ "dst", BK__T_DST, 0 },
	{ "action", BK__T_ACTION, 0 },
	{ "object", BK__T_OBJECT, 0 },
	{ "method", BK__T_METHOD, 0 },
	{ "status", BK__T_STATUS, 0 },
	{ "bytes_in", BK__T_BYTES_IN, 0 },
	{ "bytes_out", BK__T_BYTES_OUT, 0 },
	{ "rows", BK__T_ROWS, 0 },
	{ "request", BK__T_REQUEST, 0 },
	{ "url", BK__T_URL, 0 },
	{ "query", BK__T_QUERY, 0 },
	{ "duration_s", BK__T_DURATION, BK__DUR_S },
	{ "duration_ms", BK__T_DURATION, BK__DUR_MS },
	{ "duration_us", BK__T_DURATION, BK__DUR_US },
};

/* The target of NAME (N bytes); extras for names that are no event field. */
static uint8_t
target_of(const char *name, size_t n, int *scale)
{
	*scale = 0;
	for (size_t i = 0; i < sizeof target_names / sizeof target_names[0]; i++)
		if (strlen(target_names[i].name) == n && memcmp(target_names[i].name, name, n) == 0) {
			*scale = target_names[i].scale;
			return target_names[i].target;
		}
	return BK__T_EXTRA_NUM;	/* a number when it reads as one */
}

static bool
valid_key(const char *s, size_t n)
{
	if (n == 0 || n > 64 || !(bk__is_alpha(s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(bk__lower(s[i]) == s[i] && (bk__is_alpha(s[i]) || bk__is_digit(s[i]) ||
		    s[i] == '_')))
			return false;
	return true;
}

/* ---- the loader --------------------------------------------------------- */

struct loader {
	const char *path;
	unsigned long lineno;
	char **err;
	int rc;
};

static void
lerr(struct loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
lerr(struct loader *ld, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (ld->rc != BK_OK)
		return;
	va_start(ap, fmt);
	msg = bk__verrf(fmt, ap);
	va_end(ap);
	*ld->err = msg != NULL ? bk__errf("%s:%lu: %s", ld->path, ld->lineno, msg) : NULL;
	ld->rc = *ld->err != NULL ? BK_ERROR : BK_NOMEM;
	free(msg);
}

static void
compile_rx(struct loader *ld, struct datafmt *df, const char *src)
{
	char *full;
	int errcode;
	PCRE2_SIZE off;
	struct rx *r;
	uint32_t count, size;
	PCRE2_SPTR table;

	if (asprintf(&full, "%s%s", df->prefix != NULL ? df->prefix : "", src) < 0) {
		ld->rc = BK_NOMEM;
		return;
	}
	if (bk__grow(&df->rx, &df->caprx, df->nrx, sizeof *df->rx) != BK_OK) {
		free(full);
		ld->rc = BK_NOMEM;
		return;
	}
	r = &df->rx[df->nrx];
	memset(r, 0, sizeof *r);
	r->code = pcre2_compile((PCRE2_SPTR)full, PCRE2_ZERO_TERMINATED,
	    PCRE2_DUPNAMES | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &errcode, &off, NULL);
	if (r->code == NULL) {
		PCRE2_UCHAR msg[160];

		pcre2_get_error_message(errcode, msg, sizeof msg);
		lerr(ld, "regex (with prefix) at offset %zu: %s", (size_t)off, (char *)msg);
		free(full);
		return;
	}
	free(full);
	df->nrx++;
	(void)pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(r->code, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(r->code, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(r->code, PCRE2_INFO_NAMETABLE, &table);
	if ((r->g = calloc(count + 1, sizeof *r->g)) == NULL) {
		ld->rc = BK_NOMEM;
		return;
	}
	for (uint32_t i = 0; i < count; i++) {
		const unsigned char *e = table + (size_t)i * size;
		uint32_t num = (uint32_t)(e[0] << 8 | e[1]);
		const char *name = (const char *)e + 2;
		struct group *g = NULL;

		for (size_t k = 0; k < r->ng; k++)
			if (strcmp(r->g[k].key, name) == 0)
				g = &r->g[k];
		if (g == NULL) {
			g = &r->g[r->ng++];
			g->target = target_of(name, strlen(name), &g->scale);
			if ((g->key = strdup(name)) == NULL) {
				ld->rc = BK_NOMEM;
				return;
			}
			if (g->target == BK__T_TS && df->time == NULL) {
				lerr(ld, "a ts group needs a time line before the regex");
				return;
			}
		}
		if (g->nnum < 8)
			g->num[g->nnum++] = num;
	}
}

/* "field=value ..." for the last regex. */
static void
parse_set(struct loader *ld, struct datafmt *df, const char *s)
{
	struct rx *r;

	if (df->nrx == 0) {
		lerr(ld, "set must follow a regex line");
		return;
	}
	r = &df->rx[df->nrx - 1];
	while (*s != '\0' && ld->rc == BK_OK) {
		const char *eq, *end;
		struct setval *v;
		int scale;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		end = s + strcspn(s, " \t");
		eq = memchr(s, '=', (size_t)(end - s));
		if (eq == NULL || eq == s || eq + 1 == end) {
			lerr(ld, "set: expected field=value, not \"%.*s\"", (int)(end - s), s);
			return;
		}
		if (!valid_key(s, (size_t)(eq - s))) {
			lerr(ld, "set: \"%.*s\" is not a field name", (int)(eq - s), s);
			return;
		}
		v = realloc(r->set, (r->nset + 1) * sizeof *r->set);
		if (v == NULL) {
			ld->rc = BK_NOMEM;
			return;
		}
		r->set = v;
		v = &r->set[r->nset];
		v->target = target_of(s, (size_t)(eq - s), &scale);
		if (v->target == BK__T_TS || v->target == BK__T_TS_MS || v->target == BK__T_REQUEST ||
		    v->target == BK__T_URL || v->target == BK__T_QUERY ||
		    v->target == BK__T_DURATION) {
			lerr(ld, "set: %.*s cannot be a constant", (int)(eq - s), s);
			return;
		}
		v->key = bk__dup_bytes(s, (size_t)(eq - s));
		v->val = bk__dup_bytes(eq + 1, (size_t)(end - eq - 1));
		if (v->key == NULL || v->val == NULL) {
			free(v->key);
			free(v->val);
			ld->rc = BK_NOMEM;
			return;
		}
		r->nset++;
		s = end;
	}
}

/* "GET,HEAD=read POST=write ..." */
static void
parse_actions(struct loader *ld, struct datafmt *df, const char *s)
{
	if (!df->own_actions) {
		for (size_t i = 0; i < df->nact; i++) {
			free(df->act[i].method);
			free(df->act[i].action);
		}
		df->nact = 0;
		df->own_actions = true;
	}
	while (*s != '\0' && ld->rc == BK_OK) {
		const char *eq, *end, *m;

		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '\0')
			break;
		end = s + strcspn(s, " \t");
		eq = memchr(s, '=', (size_t)(end - s));
		if (eq == NULL || eq == s || eq + 1 == end) {
			lerr(ld, "actions: expected METHOD[,METHOD]=ACTION, not \"%.*s\"",
			    (int)(end - s), s);
			return;
		}
		for (m = s; m < eq && ld->rc == BK_OK;) {
			const char *c = memchr(m, ',', (size_t)(eq - m));

			if (c == NULL)
				c = eq;
			if (c > m && add_action(df, m, (size_t)(c - m), eq + 1,
					 (size_t)(end - eq - 1)) != BK_OK)
				ld->rc = BK_NOMEM;
			m = c + 1;
		}
		s = end;
	}
}

static int
add_example(struct datafmt *df, const char *line, size_t len)
{
	if (bk__grow(&df->examples, &df->capex, df->nex, sizeof *df->examples) != BK_OK)
		return BK_NOMEM;
	{
		size_t cap = df->capex;	/* expects grows with examples */
		char **e = realloc(df->expects, cap * sizeof *e);

		if (e == NULL)
			return BK_NOMEM;
		df->expects = e;
	}
	if ((df->examples[df->nex] = bk__dup_bytes(line, len)) == NULL)
		return BK_NOMEM;
	df->expects[df->nex++] = NULL;
	return BK_OK;
}

/* Checks a finished definition; compiles what is left to compile. */
static void
finish_def(struct loader *ld, struct datafmt *df)
{
	if (ld->rc != BK_OK || df == NULL)
		return;
	if (!df->is_layout && df->nrx == 0)
		lerr(ld, "format %s has neither a layout nor a regex line", df->name);
	else if (df->nex == 0)
		lerr(ld, "format %s has no example line", df->name);
}

static int
add_format(bk_formats *fs, struct datafmt *df)
{
	for (size_t i = 0; i < fs->nd; i++)
		if (strcmp(fs->d[i]->name, df->name) == 0) {
			datafmt_free(fs->d[i]);
			fs->d[i] = df;
			return BK_OK;
		}
	if (bk__grow(&fs->d, &fs->capd, fs->nd, sizeof *fs->d) != BK_OK)
		return BK_NOMEM;
	fs->d[fs->nd++] = df;
	return BK_OK;
}

/* One keyword line; DF is the definition being read (NULL before any). */
static void
load_line(struct loader *ld, bk_formats *fs, struct datafmt **cur, char *line)
{
	struct datafmt *df = *cur;
	char *kw = line, *arg;
	size_t kwlen;

	kwlen = strcspn(kw, " \t");
	arg = kw + kwlen;
	if (*arg != '\0')
		*arg++ = '\0';
	if (strcmp(kw, "format") == 0) {
		finish_def(ld, df);
		if (ld->rc != BK_OK)
			return;
		while (*arg == ' ' || *arg == '\t')
			arg++;
		if (*arg == '\0' || strcspn(arg, " \t:") != strlen(arg)) {
			lerr(ld, "format needs a name (no spaces or colons)");
			return;
		}
		if ((df = calloc(1, sizeof *df)) == NULL || (df->name = strdup(arg)) == NULL ||
		    (df->origin = strdup(ld->path)) == NULL || default_actions(df, false) != BK_OK ||
		    add_format(fs, df) != BK_OK) {
			datafmt_free(df);
			ld->rc = BK_NOMEM;
			return;
		}
		*cur = df;
		return;
	}
	if (df == NULL) {
		lerr(ld, "%s before the first format line", kw);
		return;
	}
	/* Examples and layouts keep their spaces; the others drop leading ones. */
	if (strcmp(kw, "example") == 0 || strcmp(kw, "expect") == 0) {
		if (*arg == '\0') {
			lerr(ld, "%s needs a line", kw);
			return;
		}
		if (kw[1] == 'x' && kw[2] == 'a') {
			if (add_example(df, arg, strlen(arg)) != BK_OK)
				ld->rc = BK_NOMEM;
		} else if (df->nex == 0 || df->expects[df->nex - 1] != NULL)
			lerr(ld, "expect must follow an example line");
		else if ((df->expects[df->nex - 1] = strdup(arg)) == NULL)
			ld->rc = BK_NOMEM;
		return;
	}
	while (*arg == ' ' || *arg == '\t')
		arg++;
	if (strcmp(kw, "description") == 0) {
		free(df->description);
		if ((df->description = strdup(arg)) == NULL)
			ld->rc = BK_NOMEM;
	} else if (strcmp(kw, "layout") == 0 || strcmp(kw, "tail") == 0) {
		bool tail = kw[0] == 't';
		size_t nlen = strcspn(arg, " \t");
		char note[16], *err = NULL;
		enum bk__escape esc;
		int n, rc;
		struct bk__layout *lo;

		if (tail) {
			if (!df->is_layout) {
				lerr(ld, "tail must follow a layout line");
				return;
			}
			if (df->ntails == MAX_TAILS) {
				lerr(ld, "more than %d tail lines", MAX_TAILS);
				return;
			}
			n = df->layout.note;
			lo = &df->tails[df->ntails];
		} else {
			if (df->is_layout || df->nrx > 0) {
				lerr(ld, "a format has one layout, or regex lines, not both");
				return;
			}
			snprintf(note, sizeof note, "%.*s", (int)(nlen < 15 ? nlen : 15), arg);
			if ((n = bk__notation_parse(note)) < 0) {
				lerr(ld, "layout: unknown notation \"%s\" (nginx, apache or squid)", note);
				return;
			}
			arg += nlen;
			while (*arg == ' ' || *arg == '\t')
				arg++;
			lo = &df->layout;
			/* A proxy's action map, unless the definition gave its own. */
			if (n == BK__NOTE_SQUID && !df->own_actions) {
				for (size_t i = 0; i < df->nact; i++) {
					free(df->act[i].method);
					free(df->act[i].action);
				}
				df->nact = 0;
				if (default_actions(df, true) != BK_OK) {
					ld->rc = BK_NOMEM;
					return;
				}
			}
		}
		esc = bk__notation_escape((enum bk__notation)n);
		if (strncmp(arg, "escape=", 7) == 0) {
			size_t elen = strcspn(arg + 7, " \t");

			esc = elen == 4 && memcmp(arg + 7, "json", 4) == 0 ? BK__ESC_JSON :
			    elen == 4 && memcmp(arg + 7, "none", 4) == 0 ? BK__ESC_NONE :
			    elen == 7 && memcmp(arg + 7, "default", 7) == 0 ? esc : (enum bk__escape)-1;
			if ((int)esc < 0) {
				lerr(ld, "unknown escape=%.*s (default, json or none)", (int)elen, arg + 7);
				return;
			}
			arg += 7 + elen;
			while (*arg == ' ' || *arg == '\t')
				arg++;
		}
		if (*arg == '\0') {
			lerr(ld, "%s needs the format text", kw);
			return;
		}
		rc = bk__layout_compile(lo, (enum bk__notation)n, esc, arg, strlen(arg), &err);
		if (rc == BK_OK)
			rc = layout_times(lo, &err);
		if (rc == BK_NOMEM || (rc != BK_OK && err == NULL)) {
			ld->rc = BK_NOMEM;
		} else if (rc != BK_OK) {
			lerr(ld, "%s", err);
			free(err);
		}
		if (rc != BK_OK) {
			for (size_t i = 0; i < lo->n; i++)
				bk_timefmt_free(lo->f[i].tf);
			bk__layout_free(lo);
			return;
		}
		if (tail)
			df->ntails++;
		else
			df->is_layout = true;
	} else if (strcmp(kw, "prefix") == 0) {
		if (df->nrx > 0) {
			lerr(ld, "prefix must come before the regex lines");
			return;
		}
		free(df->prefix);
		if ((df->prefix = strdup(arg)) == NULL)
			ld->rc = BK_NOMEM;
	} else if (strcmp(kw, "regex") == 0) {
		if (df->is_layout) {
			lerr(ld, "a format has one layout, or regex lines, not both");
			return;
		}
		if (*arg == '\0') {
			lerr(ld, "regex needs a pattern");
			return;
		}
		compile_rx(ld, df, arg);
	} else if (strcmp(kw, "set") == 0) {
		parse_set(ld, df, arg);
	} else if (strcmp(kw, "time") == 0) {
		char *err = NULL;

		if (df->nrx > 0) {
			lerr(ld, "time must come before the regex lines");
			return;
		}
		bk_timefmt_free(df->tf);
		free(df->time);
		df->time = strdup(arg);
		if (df->time == NULL)
			ld->rc = BK_NOMEM;
		else if ((df->tf = bk_timefmt_new(arg, &err)) == NULL) {
			if (err == NULL)
				ld->rc = BK_NOMEM;
			else
				lerr(ld, "time: %s", err);
			free(err);
		}
	} else if (strcmp(kw, "actions") == 0) {
		parse_actions(ld, df, arg);
	} else if (strcmp(kw, "priority") == 0) {
		char *end;
		long v = strtol(arg, &end, 10);

		if (end == arg || *end != '\0' || v < -100 || v > 100)
			lerr(ld, "priority: a number from -100 to 100");
		else
			df->priority = (int)v;
	} else
		lerr(ld, "unknown keyword \"%s\"", kw);
}

static int
load_file(bk_formats *fs, const char *path, char **err)
{
	struct loader ld = { .path = path, .err = err, .rc = BK_OK };
	struct datafmt *cur = NULL;
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (fp == NULL) {
		if (asprintf(err, "%s: %s", path, strerror(errno)) < 0) {
			*err = NULL;
			return BK_NOMEM;
		}
		return BK_ERROR;
	}
	while (ld.rc == BK_OK && (n = getline(&line, &cap, fp)) >= 0) {
		ld.lineno++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (line[0] == ' ' || line[0] == '\t') {
			size_t k = strspn(line, " \t");

			if (line[k] == '\0' || line[k] == '#')
				continue;
			lerr(&ld, "lines start with a keyword, not with spaces");
			break;
		}
		load_line(&ld, fs, &cur, line);
	}
	ld.lineno++;
	finish_def(&ld, cur);
	free(line);
	fclose(fp);
	return ld.rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The sorted list of names, data and code, without duplicates. */
static int
rebuild_names(bk_formats *fs)
{
	size_t ncode = 0, n = 0;
	const char **names;

	while (bk__code_formats[ncode] != NULL)
		ncode++;
	names = malloc((fs->nd + ncode + 1) * sizeof *names);
	if (names == NULL)
		return BK_NOMEM;
	for (size_t i = 0; i < fs->nd; i++)
		names[n++] = fs->d[i]->name;
	for (size_t i = 0; i < ncode; i++) {
		bool dup = false;

		for (size_t k = 0; k < fs->nd && !dup; k++)
			dup = strcmp(fs->d[k]->name, bk__code_formats[i]->name) == 0;
		if (!dup)
			names[n++] = bk__code_formats[i]->name;
	}
	qsort(names, n, sizeof *names, cmp_str);
	names[n] = NULL;
	free(fs->names);
	fs->names = names;
	return BK_OK;
}

static int
load_dir(bk_formats *fs, const char *dir, char **err)
{
	char *sub, **files = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct stat sb;
	DIR *d;
	int rc = BK_OK;

	/* DIR/formats/ *.fmt, or DIR/ *.fmt when DIR is a formats directory itself. */
	if (asprintf(&sub, "%s/formats", dir) < 0)
		return BK_NOMEM;
	if (stat(sub, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		free(sub);
		if ((sub = strdup(dir)) == NULL)
			return BK_NOMEM;
	}
	if ((d = opendir(sub)) == NULL) {
		rc = asprintf(err, "%s: %s", sub, strerror(errno)) < 0 ? BK_NOMEM : BK_ERROR;
		if (rc == BK_NOMEM)
			*err = NULL;
		free(sub);
		return rc;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 5 || strcmp(de->d_name + len - 4, ".fmt") != 0 || de->d_name[0] == '.')
			continue;
		if (bk__grow(&files, &cap, n, sizeof *files) != BK_OK ||
		    asprintf(&files[n], "%s/%s", sub, de->d_name) < 0) {
			rc = BK_NOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	qsort(files, n, sizeof *files, cmp_str);
	for (size_t i = 0; i < n && rc == BK_OK; i++)
		rc = load_file(fs, files[i], err);
	for (size_t i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(sub);
	return rc;
}

bk_formats *
bk_formats_load(const char *const *dirs, size_t ndirs, char **err)
{
	bk_formats *fs = calloc(1, sizeof *fs);
	int rc = BK_OK;

	*err = NULL;
	if (fs == NULL)
		return NULL;
	for (size_t i = 0; i < ndirs && rc == BK_OK; i++)
		rc = load_dir(fs, dirs[i], err);
	if (rc == BK_OK)
		rc = rebuild_names(fs);
	if (rc != BK_OK) {
		if (rc == BK_NOMEM) {
			free(*err);
			*err = NULL;
		}
		bk_formats_free(fs);
		return NULL;
	}
	return fs;
}

void
bk_formats_free(bk_formats *fs)
{
	if (fs == NULL)
		return;
	for (size_t i = 0; i < fs->nd; i++)
		datafmt_free(fs->d[i]);
	free(fs->d);
	free(fs->names);
	free(fs->cname);
	free(fs);
}

static const struct datafmt *
find_data(const bk_formats *fs, const char *name)
{
	for (size_t i = 0; i < fs->nd; i++)
		if (strcmp(fs->d[i]->name, name) == 0)
			return fs->d[i];
	return NULL;
}

static const struct bk__parser_ops *
find_code(const char *name)
{
	for (size_t i = 0; bk__code_formats[i] != NULL; i++)
		if (strcmp(bk__code_formats[i]->name, name) == 0)
			return bk__code_formats[i];
	return NULL;
}

const char *const *
bk_formats_names(const bk_formats *fs)
{
	return fs->names;
}

const char *
bk_formats_example(const bk_formats *fs, const char *name)
{
	const struct datafmt *df = find_data(fs, name);
	const struct bk__parser_ops *ops;

	if (df != NULL)
		return df->nex > 0 ? df->examples[0] : "";
	ops = find_code(name);
	return ops != NULL ? ops->example : NULL;
}

const char *
bk_formats_description(const bk_formats *fs, const char *name)
{
	const struct datafmt *df = find_data(fs, name);
	const struct bk__parser_ops *ops;

	if (df != NULL)
		return df->description != NULL ? df->description : "";
	if ((ops = find_code(name)) == NULL)
		return NULL;
	return ops->description != NULL ? ops->description : "";
}

const char *
bk_formats_notation(const bk_formats *fs, const char *name)
{
	const struct datafmt *df = find_data(fs, name);

	return df != NULL && df->is_layout ? bk__notation_name(df->layout.note) : NULL;
}

size_t
bk_formats_examples(const bk_formats *fs, const char *name, const char *const **lines,
    const char *const **expect)
{
	const struct datafmt *df = find_data(fs, name);
	const struct bk__parser_ops *ops;
	static const char *const none[1] = { NULL };

	if (df != NULL) {
		*lines = (const char *const *)df->examples;
		*expect = (const char *const *)df->expects;
		return df->nex;
	}
	if ((ops = find_code(name)) == NULL || ops->example == NULL)
		return 0;
	*lines = &ops->example;
	*expect = none;
	return 1;
}

/* ---- the per-line engine ------------------------------------------------ */

struct linestate;

struct dparser {
	const struct datafmt *df;
	/* The layout's matcher: match_layout, or one specialised for its fields. */
	bool (*match)(bk_parser *p, struct dparser *dp, struct linestate *ls,
	    const struct bk__layout *lo, const char *base, const char **pp, const char *end,
	    bool full, size_t ntails);
	bk_urlids *ux;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	char *scratch;		/* unescaped values, numbers written, joined URLs */
	size_t scap, slen;
	bk_event_extra extra[MAX_EXTRA];
	bk_span ids[MAX_IDS];
	/*
	 * The last time text read and what it gave: logs repeat the same
	 * second, and the next differs in the seconds' digits alone (at
	 * TCSEC, -1 when that cannot be taken so: see read_time).
	 */
	const bk_timefmt *tcf;
	char tctext[TCACHE];
	size_t tclen;
	int64_t tcms;
	int tcsec;
	/*
	 * The cached text ends in ".ddd" that gave its milliseconds (Squid's
	 * %ts.%03tu): a text that differs from it in those three digits alone
	 * is the same second, and every proxy line differs so.
	 */
	bool tcfrac;
	struct bk_tm tctm;	/* for the clock tally */
	uint64_t exact;		/* lines matched with nothing left over (for detect) */
	struct bk__strbuf fixed;	/* a line with invalid UTF-8 mended, for the regexes */
	bk_event blank;		/* bk_event_clear's, copied at each line's start */
};

/* What one line collected before it becomes an event. */
struct linestate {
	bk_event ev;
	size_t nextra;
	int prio_out;
	bk_span url;		/* path?query or absolute URL, for object, dst and ids */
	bk_span path;		/* a bare path (%U, $uri) */
	bk_span query;		/* a bare query (%q, $args) */
	const char *line, *line_end;	/* the text matched: spans in it may be read around */
};

static char *
scratch_take(struct dparser *dp, size_t n)
{
	char *p;

	if (dp->slen + n > dp->scap)
		return NULL;	/* sized at the start of the line: cannot happen */
	p = dp->scratch + dp->slen;
	dp->slen += n;
	return p;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = bk__lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Undoes the server's escaping of S into scratch; S itself when there is none. */
static bk_span
unescape(struct dparser *dp, enum bk__escape esc, const char *s, size_t n)
{
	char *o, *start;
	size_t i = 0;

	if (esc == BK__ESC_NONE || memchr(s, '\\', n) == NULL)
		return (bk_span){ s, n };
	if ((start = o = scratch_take(dp, n)) == NULL)
		return (bk_span){ s, n };
	while (i < n) {
		char c = s[i];

		if (c != '\\' || i + 1 >= n) {
			*o++ = c;
			i++;
			continue;
		}
		c = s[i + 1];
		if (c == 'x' && i + 3 < n && hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0 &&
		    esc != BK__ESC_JSON) {
			*o++ = (char)(hexval(s[i + 2]) << 4 | hexval(s[i + 3]));
			i += 4;
		} else if (esc == BK__ESC_HEX) {
			*o++ = '\\';
			i++;
		} else if (c == 'u' && esc == BK__ESC_JSON && i + 5 < n) {
			unsigned cp = 0;
			bool ok = true;

			for (int k = 2; k < 6; k++) {
				int h = hexval(s[i + k]);

				ok = ok && h >= 0;
				cp = cp << 4 | (unsigned)(h < 0 ? 0 : h);
			}
			if (!ok) {
				*o++ = '\\';
				i++;
				continue;
			}
			i += 6;
			/* Surrogates alone are kept as they are: the writer repairs them. */
			if (cp >= 0xD800 && cp <= 0xDBFF && i + 5 < n && s[i] == '\\' && s[i + 1] == 'u') {
				unsigned lo = 0;

				for (int k = 2; k < 6; k++) {
					int h = hexval(s[i + k]);
					lo = lo << 4 | (unsigned)(h < 0 ? 0 : h);
				}
				if (lo >= 0xDC00 && lo <= 0xDFFF) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					i += 6;
				}
			}
			/* At most 4 bytes for 6 read: fits in place. */
			if (cp < 0x80)
				*o++ = (char)cp;
			else if (cp < 0x800) {
				*o++ = (char)(0xC0 | cp >> 6);
				*o++ = (char)(0x80 | (cp & 0x3F));
			} else if (cp < 0x10000) {
				*o++ = (char)(0xE0 | cp >> 12);
				*o++ = (char)(0x80 | (cp >> 6 & 0x3F));
				*o++ = (char)(0x80 | (cp & 0x3F));
			} else {
				*o++ = (char)(0xF0 | cp >> 18);
				*o++ = (char)(0x80 | (cp >> 12 & 0x3F));
				*o++ = (char)(0x80 | (cp >> 6 & 0x3F));
				*o++ = (char)(0x80 | (cp & 0x3F));
			}
		} else {
			switch (c) {
			case 'n': *o++ = '\n'; break;
			case 't': *o++ = '\t'; break;
			case 'r': *o++ = '\r'; break;
			case 'b': *o++ = '\b'; break;
			case 'f': *o++ = '\f'; break;
			default: *o++ = c; break;	/* \" \\ \/ */
			}
			i += 2;
		}
	}
	return (bk_span){ start, (size_t)(o - start) };
}

/* Digits only, at most 18 of them. */
static bool
parse_uint(const char *s, size_t n, int64_t *v)
{
	int64_t x = 0;

	if (n == 0 || n > 18)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return true;
}

/* "12.345" in units of SCALE microseconds, to whole microseconds. */
static bool
parse_duration(const char *s, size_t n, int scale, int64_t *us)
{
	int64_t whole = 0, frac = 0, div = 1;
	size_t i = 0;

	if (n == 0)
		return false;
	for (; i < n && bk__is_digit(s[i]) && i < 15; i++)
		whole = whole * 10 + (s[i] - '0');
	if (i == 0)
		return false;
	if (i < n && s[i] == '.') {
		for (i++; i < n && bk__is_digit(s[i]); i++)
			if (div < 1000000) {
				frac = frac * 10 + (s[i] - '0');
				div *= 10;
			}
	}
	if (i != n)
		return false;
	*us = whole * scale + frac * scale / div;
	return true;
}

/*
 * MS milliseconds and US (0 to 999) microseconds at O as "12" or "12.34"
 * (no trailing zeros), as snprintf's "%lld.%03lld" trimmed would write
 * them; the length. A proxy logs a duration on every line, where snprintf
 * cost more than the rest of the field's work.
 */
static int
put_ms(char *o, int64_t ms, int us)
{
	char digits[20];
	int n = 0, len = 0;

	do {
		digits[n++] = (char)('0' + ms % 10);
		ms /= 10;
	} while (ms > 0);
	while (n > 0)
		o[len++] = digits[--n];
	if (us != 0) {
		o[len++] = '.';
		o[len++] = (char)('0' + us / 100);
		o[len++] = (char)('0' + us / 10 % 10);
		o[len++] = (char)('0' + us % 10);
		while (o[len - 1] == '0')
			len--;
	}
	return len;
}

static void
put_extra(struct dparser *dp, struct linestate *ls, const char *key, bk_span v, bool number)
{
	if (ls->nextra == MAX_EXTRA)
		return;
	dp->extra[ls->nextra++] = (bk_event_extra){ key, v, number };
}

/* A number as extra only when it is written as one (no leading zero, which ids have). */
static bool
looks_number(const char *s, size_t n)
{
	size_t i = 0, digits = 0;
	bool point = false;

	if (n == 0 || n > 24)
		return false;
	if (s[0] == '-')
		i++;
	if (i < n && s[i] == '0' && i + 1 < n && s[i + 1] != '.')
		return false;
	for (; i < n; i++) {
		if (bk__is_digit(s[i]))
			digits++;
		else if (s[i] == '.' && !point && digits > 0)
			point = true;
		else
			return false;
	}
	return digits > 0 && s[n - 1] != '.';
}

/* An HTTP method or the like: a letter, then letters, digits, '_' or '-'. */
static bool
looks_method(const char *s, size_t n)
{
	if (n == 0 || !bk__is_alpha(s[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!bk__is_alpha(s[i]) && !bk__is_digit(s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

static bool
is_absent(const char *s, size_t n)
{
	return n == 0 || (n == 1 && s[0] == '-');
}

/*
 * Where the N bytes at A and B differ: bit i for byte i, when N is 16 to 31
 * (times are 20 to 30 bytes: two loads each, the second ending at N); 0 or
 * UINT32_MAX (differ somewhere, look byte by byte) otherwise.
 */
static inline uint32_t
text_diff(const char *a, const char *b, size_t n)
{
#ifdef __SSE2__
	if (n >= 16 && n < 32) {
		uint32_t lo = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)a),
		    _mm_loadu_si128((const __m128i *)(const void *)b)));
		uint32_t hi = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(a + n - 16)),
		    _mm_loadu_si128((const __m128i *)(const void *)(b + n - 16))));

		return (lo ^ 0xFFFF) | (hi ^ 0xFFFF) << (n - 16);
	}
#endif
	return memcmp(a, b, n) == 0 ? 0 : UINT32_MAX;
}

/* The number 000 to 999 written at S, or -1. */
static int
three_digits(const char *s)
{
	unsigned d0 = (unsigned)(unsigned char)s[0] - '0', d1 = (unsigned)(unsigned char)s[1] - '0',
		 d2 = (unsigned)(unsigned char)s[2] - '0';

	return d0 <= 9 && d1 <= 9 && d2 <= 9 ? (int)(d0 * 100 + d1 * 10 + d2) : -1;
}

/* The seconds 00 to 59 written at S, or -1. */
static int
two_digit_sec(const char *s)
{
	unsigned d0 = (unsigned)(unsigned char)s[0] - '0', d1 = (unsigned)(unsigned char)s[1] - '0';

	return d0 <= 5 && d1 <= 9 ? (int)(d0 * 10 + d1) : -1;
}

/*
 * Milliseconds for time text S in layout TF, through the one-entry cache:
 * the same text gives the same time, and a text that differs from the
 * cached one only in the seconds' two digits is the cached time moved by
 * as many seconds. That holds where the layout puts the seconds at a fixed
 * place (bk__timefmt_sec_at) and the time's offset cannot change within
 * the minute: written in the text, or UTC (a --tz zone's change could fall
 * within one), and the year is in the text (one inferred could change).
 * Leap seconds (:60) are read in full.
 */
static bool
read_time(bk_parser *p, struct dparser *dp, const bk_timefmt *tf, const char *s, size_t n,
    int64_t *ms)
{
	struct bk_tm tm;

	if (n <= TCACHE && n == dp->tclen && tf == dp->tcf) {
		int k = dp->tcsec, sec, msec;
		uint32_t diff = text_diff(s, dp->tctext, n);

		if (diff == 0) {
			/*
			 * A time without a year in --year's input goes through
			 * its years again: the same time twice has the same
			 * year, but not after the parser moved to another part
			 * of an input (bk-parse -j).
			 */
			*ms = dp->tctm.has_year || p->opts.year == 0 ? dp->tcms :
			    bk_years_to_ms(p->years, &dp->tctm, p->tz);
			if (*ms == INT64_MIN)
				return false;
			bk__clock_note(p->clock, &dp->tctm);
			return true;
		}
		if (k >= 0 && (sec = two_digit_sec(s + k)) >= 0 &&
		    (diff != UINT32_MAX ? (diff & ~(UINT32_C(3) << k)) == 0 :
			memcmp(s, dp->tctext, (size_t)k) == 0 &&
			memcmp(s + k + 2, dp->tctext + k + 2, n - (size_t)k - 2) == 0)) {
			dp->tcms += (int64_t)(sec - dp->tctm.sec) * 1000;
			dp->tctm.sec = sec;
			memcpy(dp->tctext + k, s + k, 2);
			*ms = dp->tcms;
			bk__clock_note(p->clock, &dp->tctm);
			return true;
		}
		if (dp->tcfrac && (msec = three_digits(s + n - 3)) >= 0 &&
		    memcmp(s, dp->tctext, n - 3) == 0) {
			dp->tcms += msec - dp->tctm.msec;
			dp->tctm.msec = msec;
			memcpy(dp->tctext + n - 3, s + n - 3, 3);
			*ms = dp->tcms;
			bk__clock_note(p->clock, &dp->tctm);
			return true;
		}
	}
	memset(&tm, 0, sizeof tm);
	if (bk_timefmt_parse(tf, s, n, &tm) != n)
		return false;
	*ms = bk_years_to_ms(p->years, &tm, p->tz);
	if (*ms == INT64_MIN)
		return false;
	bk__clock_note(p->clock, &tm);
	if (n <= TCACHE) {
		int k = bk__timefmt_sec_at(tf);

		dp->tctm = tm;
		memcpy(dp->tctext, s, n);
		dp->tclen = n;
		dp->tcf = tf;
		dp->tcms = *ms;
		/* The cached text's own seconds must be where the layout says, and 00 to 59. */
		dp->tcsec = k >= 0 && (size_t)k + 2 <= n && tm.has_year && !tm.epoch &&
				    (tm.has_off || p->tz == NULL) && two_digit_sec(s + k) == tm.sec ?
		    k : -1;
		/* Milliseconds add to the time as they are (a zone changes on whole seconds). */
		dp->tcfrac = n >= 5 && s[n - 4] == '.' && three_digits(s + n - 3) == tm.msec &&
		    tm.has_year && (tm.has_off || p->tz == NULL);
	}
	return true;
}

/*
 * Fills one field. False when the value does not fit the field (a number
 * that is not one, a time that does not read): the line does not parse.
 * Inlined into the field loops, where most arguments are constants of the
 * layout and the call would cost more than most fields' work.
 */
static inline __attribute__((always_inline)) bool
apply(bk_parser *p, struct dparser *dp, struct linestate *ls, uint8_t target, const char *key,
    int scale, const bk_timefmt *tf, bool dash, int prio, bk_span v)
{
	bk_event *ev = &ls->ev;
	int64_t x;

	if (is_absent(v.ptr, v.len)) {
		/* Numbers: nginx never writes "-" where it logs a number. */
		switch (target) {
		case BK__T_STATUS:
		case BK__T_BYTES_IN:
		case BK__T_BYTES_OUT:
		case BK__T_ROWS:
		case BK__T_DURATION:
		case BK__T_TS:
		case BK__T_TS_MS:
		case BK__T_TS_US:
			return dash && v.len == 1;
		default:
			return true;
		}
	}
	switch (target) {
	case BK__T_SKIP:
		break;
	case BK__T_TS:
		if (tf == NULL || !read_time(p, dp, tf, v.ptr, v.len, &ev->ts))
			return false;
		break;
	case BK__T_TS_MS:
	case BK__T_TS_US:
		if (!parse_uint(v.ptr, v.len, &x))
			return false;
		ev->ts = target == BK__T_TS_MS ? x : x / 1000;
		break;
	case BK__T_ACTOR:
		ev->str[BK_EV_ACTOR] = v;
		break;
	case BK__T_IP:
		ev->str[BK_EV_IP] = v;
		break;
	case BK__T_DST:
		ev->str[BK_EV_DST] = v;
		break;
	case BK__T_ACTION:
		ev->str[BK_EV_ACTION] = v;
		break;
	case BK__T_OBJECT:
		ls->path = v;
		break;
	case BK__T_METHOD:
		/* A method is a word: a number here means the layout is not the line's. */
		if (!looks_method(v.ptr, v.len))
			return false;
		ev->str[BK_EV_METHOD] = v;
		break;
	case BK__T_STATUS:
		if (!parse_uint(v.ptr, v.len, &ev->status))
			return false;
		break;
	case BK__T_BYTES_IN:
		if (!parse_uint(v.ptr, v.len, &ev->bytes_in))
			return false;
		break;
	case BK__T_BYTES_OUT:
		if (!parse_uint(v.ptr, v.len, &x))
			return false;
		if (prio >= ls->prio_out) {
			ev->bytes_out = x;
			ls->prio_out = prio;
		}
		break;
	case BK__T_ROWS:
		if (!parse_uint(v.ptr, v.len, &ev->rows))
			return false;
		break;
	case BK__T_REQUEST: {
		/*
		 * Split straight into the event, the URL and the next extra: a
		 * span the call stores as two words and that is then copied as
		 * one would wait for those stores (three times a line).
		 */
		bk_span m = ev->str[BK_EV_METHOD], url = ls->url, spare;
		bool room = ls->nextra < MAX_EXTRA;
		bk_span *proto = room ? &dp->extra[ls->nextra].val : &spare;

		if (bk__split_request(v.ptr, v.len, &ev->str[BK_EV_METHOD], &ls->url, proto)) {
			if (proto->ptr != NULL && room) {
				dp->extra[ls->nextra].key = "protocol";
				dp->extra[ls->nextra].number = false;
				ls->nextra++;
			}
		} else {
			ev->str[BK_EV_METHOD] = m;
			ls->url = url;
			put_extra(dp, ls, "request", v, false);	/* a TLS handshake on port 80, ... */
		}
		break;
	}
	case BK__T_URL:
		/* A path, an absolute URL, CONNECT's host:port, or OPTIONS' '*'. */
		if (memchr(v.ptr, '/', v.len) == NULL && memchr(v.ptr, ':', v.len) == NULL &&
		    !(v.len == 1 && v.ptr[0] == '*'))
			return false;
		ls->url = v;
		break;
	case BK__T_QUERY:
		ls->query = v;
		break;
	case BK__T_DURATION: {
		char *o;
		int64_t us, ms;
		int len;

		if (!parse_duration(v.ptr, v.len, scale, &us))
			return false;
		if ((o = scratch_take(dp, 32)) == NULL)
			return true;
		ms = us / 1000;
		us %= 1000;
		if (ms >= 0 && us >= 0)
			len = put_ms(o, ms, (int)us);
		else if (us == 0)
			len = snprintf(o, 32, "%lld", (long long)ms);
		else {
			len = snprintf(o, 32, "%lld.%03lld", (long long)ms, (long long)us);
			while (o[len - 1] == '0')
				len--;
		}
		put_extra(dp, ls, "duration_ms", (bk_span){ o, (size_t)len }, true);
		break;
	}
	case BK__T_EXTRA:
		put_extra(dp, ls, key, v, false);
		break;
	case BK__T_EXTRA_NUM:
		put_extra(dp, ls, key, v, looks_number(v.ptr, v.len));
		break;
	}
	return true;
}

/* The first ':' in the first 12 bytes of S (N long), where a URL's scheme ends; or NULL. */
static inline const char *
scheme_colon(const char *s, size_t n)
{
	size_t lim = n < 12 ? n : 12;

#ifdef __SSE2__
	if (n >= 16) {
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)s), _mm_set1_epi8(':')));

		m &= (1u << lim) - 1;
		return m != 0 ? s + __builtin_ctz(m) : NULL;
	}
#endif
	return memchr(s, ':', lim);
}

/*
 * Object, dst and ids from what the line gave: an absolute URL (a proxy's
 * request) names the remote host; CONNECT's target is host:port.
 */
static void
resolve_url(struct dparser *dp, struct linestate *ls)
{
	bk_event *ev = &ls->ev;
	const char *s = ls->url.ptr, *end, *q = NULL, *pathstart = NULL;
	size_t n = ls->url.len;
	bk_span idsrc = { NULL, 0 };
	/*
	 * Where reading may start: the line, when the URL is in it (not
	 * unescaped elsewhere), so short searches load 16 bytes ending at
	 * the URL's end instead of going byte by byte.
	 */
	uintptr_t u = (uintptr_t)s, from = (uintptr_t)ls->line, to = (uintptr_t)ls->line_end;
	const char *base = u >= from && u < to ? ls->line : s;

	if (s != NULL) {
		end = s + n;
		const char *colon = scheme_colon(s, n);

		if (colon != NULL && colon + 2 < end && colon[1] == '/' && colon[2] == '/') {
			const char *h = colon + 3, *he = bk__find_byte3(base, h, end, '/', '?', '#'), *at,
				   *port;

			at = memrchr(h, '@', (size_t)(he - h));
			if (at != NULL)
				h = at + 1;
			port = he;
			if (h < he && *h == '[') {
				const char *rb = memchr(h, ']', (size_t)(he - h));
				if (rb != NULL)
					port = rb + 1;
			} else if ((port = memchr(h, ':', (size_t)(he - h))) == NULL)
				port = he;
			if (ev->str[BK_EV_DST].ptr == NULL && port > h)
				ev->str[BK_EV_DST] = (bk_span){ h, (size_t)(port - h) };
			pathstart = he;
		} else if (s[0] != '/' && memchr(s, '/', n) == NULL) {
			/* CONNECT host:443, or a bare name: no path. */
			const char *c = memrchr(s, ':', n);

			if (ev->str[BK_EV_DST].ptr == NULL)
				ev->str[BK_EV_DST] = (bk_span){ s, c != NULL ? (size_t)(c - s) : n };
			pathstart = end;
		} else
			pathstart = s;
		q = bk__find_byte2(base, pathstart, end, '?', '#');
		if (q > pathstart && ev->str[BK_EV_OBJECT].ptr == NULL)
			ev->str[BK_EV_OBJECT] = (bk_span){ pathstart, (size_t)(q - pathstart) };
		idsrc = (bk_span){ pathstart, (size_t)(end - pathstart) };
	} else if (ls->path.ptr != NULL || ls->query.ptr != NULL) {
		size_t pl = ls->path.len, ql = ls->query.len;

		if (ls->path.ptr != NULL)
			ev->str[BK_EV_OBJECT] = ls->path;
		/* %U and %q are logged apart: ids are looked for in them joined. */
		if (ls->query.ptr != NULL && ql > 0) {
			char *o = scratch_take(dp, pl + ql + 1);

			if (o != NULL) {
				if (pl > 0)
					memcpy(o, ls->path.ptr, pl);
				if (ls->query.ptr[0] != '?')
					o[pl++] = '?';
				memcpy(o + pl, ls->query.ptr, ql);
				idsrc = (bk_span){ o, pl + ql };
			}
		} else
			idsrc = ls->path;
	}
	if (idsrc.len > 0 && dp->ux != NULL) {
		/* A path (most requests): cut already. */
		size_t found = idsrc.ptr == pathstart && *pathstart == '/' ?
		    bk__urlids_find_path(dp->ux, base, pathstart, q, idsrc.ptr + idsrc.len, dp->ids,
			MAX_IDS) :
		    bk_urlids_find(dp->ux, idsrc.ptr, idsrc.len, dp->ids, MAX_IDS);

		ev->ids = dp->ids;
		ev->nids = found < MAX_IDS ? found : MAX_IDS;
	}
}

static void
derive_action(const struct datafmt *df, bk_event *ev)
{
	bk_span m = ev->str[BK_EV_METHOD];

	if (ev->str[BK_EV_ACTION].ptr != NULL || m.ptr == NULL)
		return;
	for (size_t i = 0; i < df->nact; i++) {
		const struct amap *a = &df->act[i];
		size_t k = 0;

		if (a->mlen != m.len)
			continue;
		/* As the map writes it (most logs), then in any case. */
		while (k < m.len && a->method[k] == m.ptr[k])
			k++;
		while (k < m.len && bk__lower(a->method[k]) == bk__lower(m.ptr[k]))
			k++;
		if (k == m.len) {
			ev->str[BK_EV_ACTION] = (bk_span){ a->action, a->alen };
			return;
		}
	}
}

/* Literals are a few bytes: compared inline. */
static inline bool
lit_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/*
 * The end of a field at P: the next occurrence of its literal (LIT, LITLEN)
 * that matches whole, past escaped quotes for quoted fields. NULL when the
 * literal does not occur. BASE is the start of the line. *PLAIN is set when
 * the field is seen to hold no backslash, so it has nothing to unescape:
 * quoted fields are searched for the quote and the backslash at once.
 */
static inline __attribute__((always_inline)) const char *
field_end(const struct bk__lfield *f, const char *base, const char *p, const char *end,
    bool *plain, bool scan2, bool counted)
{
	const char *q = p;
	char c0 = f->lit[0];

	*plain = scan2;
	for (;;) {
		if (*plain) {
			if ((q = bk__find_byte2(base, q, end, c0, '\\')) == end)
				return NULL;
			if (*q == '\\') {
				*plain = false;
				continue;
			}
		} else if ((q = bk__find_byte(base, q, end, c0)) == end)
			return NULL;
		if (counted && !*plain) {
			size_t bs = 0;

			while (q - bs > p && q[-1 - (ptrdiff_t)bs] == '\\')
				bs++;
			if (bs & 1) {
				q++;
				continue;
			}
		}
		if (end - q >= 4 && f->litlen <= 4) {
			/* A short literal (most are) compared as one word. */
			uint32_t w;

			memcpy(&w, q, 4);
			if ((w & f->litm) == f->litw)
				return q;
		} else if ((size_t)(end - q) >= f->litlen &&
		    lit_eq(q + 1, f->lit + 1, f->litlen - 1)) {
			/* Its first byte is C0: the rest. */
			return q;
		}
		q++;
	}
}

static bool
is_numeric_target(uint8_t t)
{
	return t == BK__T_STATUS || t == BK__T_BYTES_IN || t == BK__T_BYTES_OUT ||
	       t == BK__T_ROWS || t == BK__T_DURATION || t == BK__T_EXTRA_NUM ||
	       t == BK__T_TS_MS || t == BK__T_TS_US;
}

/*
 * One field of a layout at *SP: found, applied, and *SP moved past its
 * literal. False when the line does not fit. TARGET, QUOTED, PAD, HASLIT,
 * SCAN2 and COUNTED are F's own (f->target, ...; HASLIT: f->litlen > 0),
 * passed apart so that a caller that knows them as constants (the
 * specialised matchers below) gets this compiled for that field alone,
 * its tests and apply()'s switch folded away; match_layout passes F's.
 */
static inline __attribute__((always_inline)) bool
field_step(bk_parser *p, struct dparser *dp, struct linestate *ls, const struct bk__lfield *f,
    const char *base, const char **sp, const char *end, bool full, size_t ntails, uint8_t target,
    bool quoted, bool pad, bool haslit, bool scan2, bool counted)
{
	const char *s = *sp, *q;
	bool plain = false;
	bk_span v;

	if (pad)
		while (s < end && *s == ' ')
			s++;
	if (haslit) {
		if ((q = field_end(f, base, s, end, &plain, scan2, counted)) == NULL)
			return false;
	} else if (!full && !quoted && (is_numeric_target(target) || ntails > 0)) {
		/*
		 * The last field: a number, or any field of a format that
		 * knows appended fields, ends at a space; more may follow.
		 */
		q = memchr(s, ' ', (size_t)(end - s));
		if (q == NULL)
			q = end;
	} else
		q = end;
	v = (bk_span){ s, (size_t)(q - s) };
	if (quoted && !plain)
		v = unescape(dp, (enum bk__escape)f->esc, v.ptr, v.len);
	if (!apply(p, dp, ls, target, f->name, f->scale, f->tf, f->dash, f->prio, v))
		return false;
	*sp = q + f->litlen;
	return true;
}

/*
 * Matches LO at *PP (END the end of the line) and applies its fields.
 * FULL: the layout must use the whole text; otherwise more may follow its
 * last field (NTAILS: the format knows appended fields). On success *PP is
 * past what was used.
 */
static bool
match_layout(bk_parser *p, struct dparser *dp, struct linestate *ls, const struct bk__layout *lo,
    const char *base, const char **pp, const char *end, bool full, size_t ntails)
{
	const char *s = *pp;

	if ((size_t)(end - s) < lo->leadlen || !lit_eq(s, lo->lead, lo->leadlen))
		return false;
	s += lo->leadlen;
	for (size_t i = 0; i < lo->n; i++) {
		const struct bk__lfield *f = &lo->f[i];

		if (!field_step(p, dp, ls, f, base, &s, end, full, ntails, f->target, f->quoted,
			f->pad, f->litlen > 0, f->scan2, f->counted))
			return false;
	}
	*pp = s;
	return true;
}

/*
 * ---- specialised matchers ----
 *
 * The layouts nearly every log is in - nginx's combined and Squid's native
 * format - get a matcher each: match_layout's loop written out for their
 * fields, with each field's kind a constant, so that each field's code is
 * only what that field needs and the loop's per-field dispatch (a branch
 * the processor mispredicts field after field) is gone. The code is
 * field_step's, as match_layout runs it: the output cannot differ. A
 * layout is given one only when its fields are exactly those listed
 * (layout_shape), whatever file or directive it came from; any other goes
 * through match_layout.
 *
 * Each list: X(target, quoted, pad, haslit, scan2, counted), in order.
 */
#define NGINX_COMBINED(X)                                                                  \
	X(BK__T_IP, false, false, true, false, false)                                      \
	X(BK__T_ACTOR, false, false, true, false, false)                                   \
	X(BK__T_TS, false, false, true, false, false)                                      \
	X(BK__T_REQUEST, true, false, true, true, false)                                   \
	X(BK__T_STATUS, false, false, true, false, false)                                  \
	X(BK__T_BYTES_OUT, false, false, true, false, false)                               \
	X(BK__T_EXTRA, true, false, true, true, false)                                     \
	X(BK__T_EXTRA, true, false, true, true, false)

#define SQUID_NATIVE(X)                                                                    \
	X(BK__T_TS, false, true, true, false, false)                                       \
	X(BK__T_DURATION, false, true, true, false, false)                                 \
	X(BK__T_IP, false, false, true, false, false)                                      \
	X(BK__T_EXTRA, false, false, true, false, false)                                   \
	X(BK__T_STATUS, false, true, true, false, false)                                   \
	X(BK__T_BYTES_OUT, false, false, true, false, false)                               \
	X(BK__T_METHOD, false, false, true, false, false)                                  \
	X(BK__T_URL, false, false, true, false, false)                                     \
	X(BK__T_ACTOR, false, false, true, false, false)                                   \
	X(BK__T_EXTRA, false, false, true, false, false)                                   \
	X(BK__T_EXTRA, false, false, true, false, false)                                   \
	X(BK__T_EXTRA, false, false, false, false, false)

struct shape {
	uint8_t target;
	bool quoted, pad, haslit, scan2, counted;
};

#define SHAPE_ROW(t, q, pd, hl, s2, c) { t, q, pd, hl, s2, c },
static const struct shape nginx_combined[] = { NGINX_COMBINED(SHAPE_ROW) };
static const struct shape squid_native[] = { SQUID_NATIVE(SHAPE_ROW) };
#undef SHAPE_ROW

/* Whether LO's fields are those of SH (N of them), kind for kind. */
static bool
layout_shape(const struct bk__layout *lo, const struct shape *sh, size_t n)
{
	if (lo->n != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct bk__lfield *f = &lo->f[i];

		if (f->target != sh[i].target || f->quoted != sh[i].quoted || f->pad != sh[i].pad ||
		    (f->litlen > 0) != sh[i].haslit || f->scan2 != sh[i].scan2 ||
		    f->counted != sh[i].counted)
			return false;
	}
	return true;
}

/* One field of a written-out list: the I-th, counted by the caller's local I. */
#define FIELD_STEP(t, q, pd, hl, s2, c)                                                    \
	if (!field_step(p, dp, ls, &lo->f[i++], base, &s, end, full, ntails, t, q, pd, hl, s2,  \
		c))                                                                        \
		return false;

#define SPECIALISED(name, list)                                                            \
	static bool name(bk_parser *p, struct dparser *dp, struct linestate *ls,           \
	    const struct bk__layout *lo, const char *base, const char **pp, const char *end,   \
	    bool full, size_t ntails)                                                      \
	{                                                                                  \
		const char *s = *pp;                                                       \
		size_t i = 0;                                                              \
                                                                                           \
		if ((size_t)(end - s) < lo->leadlen || !lit_eq(s, lo->lead, lo->leadlen))  \
			return false;                                                      \
		s += lo->leadlen;                                                          \
		list(FIELD_STEP)                                                           \
		*pp = s;                                                                   \
		return true;                                                               \
	}

SPECIALISED(match_nginx_combined, NGINX_COMBINED)
SPECIALISED(match_squid_native, SQUID_NATIVE)
#undef SPECIALISED
#undef FIELD_STEP

/* The matcher for LO: a specialised one when its fields are one's, else match_layout. */
typedef bool (*matcher_fn)(bk_parser *, struct dparser *, struct linestate *,
    const struct bk__layout *, const char *, const char **, const char *, bool, size_t);

bool bk__layout_general_only;

static matcher_fn
matcher_for(const struct bk__layout *lo)
{
	if (bk__layout_general_only)
		return match_layout;
	if (layout_shape(lo, nginx_combined, sizeof nginx_combined / sizeof *nginx_combined))
		return match_nginx_combined;
	if (layout_shape(lo, squid_native, sizeof squid_native / sizeof *squid_native))
		return match_squid_native;
	return match_layout;
}

static void
line_begin(struct dparser *dp, struct linestate *ls, bk_parser *p, uint64_t lineno,
    const char *s, size_t n)
{
	ls->ev = dp->blank;
	ls->ev.format = dp->df->name;
	ls->ev.file = p->file;
	ls->ev.line = lineno;
	ls->nextra = 0;
	ls->prio_out = -1;
	/* Each on its own: a chain of assignments goes through a temporary the stores must reach first. */
	ls->url = (bk_span){ NULL, 0 };
	ls->path = (bk_span){ NULL, 0 };
	ls->query = (bk_span){ NULL, 0 };
	ls->line = s;
	ls->line_end = s + n;
	dp->slen = 0;
}

static int
line_end(bk_parser *p, struct dparser *dp, struct linestate *ls, const char *s, size_t n,
    bk_event_fn fn, void *ctx)
{
	resolve_url(dp, ls);
	derive_action(dp->df, &ls->ev);
	ls->ev.extra = dp->extra;
	ls->ev.nextra = ls->nextra;
	if (p->opts.keep_raw)
		ls->ev.raw = (bk_span){ s, n };
	return fn(ctx, &ls->ev);
}

static int
parse_layout(bk_parser *p, struct dparser *dp, const char *s, size_t n, uint64_t lineno,
    bk_event_fn fn, void *ctx)
{
	const struct datafmt *df = dp->df;
	const char *pos = s, *end = s + n;
	struct linestate ls;

	line_begin(dp, &ls, p, lineno, s, n);
	if (!dp->match(p, dp, &ls, &df->layout, s, &pos, end, false, df->ntails))
		return 1;
	if (pos == end) {
		dp->exact++;
	} else {
		/* Fields appended to the layout: a known tail, or kept as they are. */
		bool done = false;

		while (pos < end && *pos == ' ')
			pos++;

		for (size_t t = 0; t < df->ntails && !done; t++) {
			const char *tp = pos;
			size_t nextra = ls.nextra, slen = dp->slen;

			if (match_layout(p, dp, &ls, &df->tails[t], s, &tp, end, true, 0) &&
			    tp == end)
				done = true;
			else {
				ls.nextra = nextra;
				dp->slen = slen;
			}
		}
		if (!done) {
			if (pos < end)
				put_extra(dp, &ls, "trailing", (bk_span){ pos, (size_t)(end - pos) },
				    false);
		}
	}
	return line_end(p, dp, &ls, s, n, fn, ctx);
}

static int
parse_regex(bk_parser *p, struct dparser *dp, const char *s, size_t n, uint64_t lineno,
    bk_event_fn fn, void *ctx)
{
	const struct datafmt *df = dp->df;
	const char *raw = s;
	size_t rawlen = n;
	struct linestate ls;

	/*
	 * The regexes run in UTF mode, where nothing matches an invalid byte:
	 * a raw CP932 file name would end '.*' before it. Such a line is
	 * matched mended instead, its bad bytes U+FFFD as they would be
	 * written out anyway.
	 */
	if (!bk__ascii(s, n) && !bk__utf8_valid(s, n)) {
		dp->fixed.len = 0;
		dp->fixed.failed = false;
		if (bk__utf8_fix(&dp->fixed, s, n) != BK_OK)
			return BK_NOMEM;
		s = dp->fixed.data;
		n = dp->fixed.len;
	}
	for (size_t r = 0; r < df->nrx; r++) {
		const struct rx *rx = &df->rx[r];
		PCRE2_SIZE *ov;
		int rc;
		bool ok = true;

		rc = pcre2_match(rx->code, (PCRE2_SPTR)s, n, 0, 0, dp->md, dp->mctx);
		if (rc < 0)
			continue;
		ov = pcre2_get_ovector_pointer(dp->md);
		line_begin(dp, &ls, p, lineno, s, n);
		for (size_t g = 0; g < rx->ng && ok; g++) {
			const struct group *gr = &rx->g[g];

			for (int k = 0; k < gr->nnum; k++) {
				uint32_t num = gr->num[k];

				if ((int)num >= rc || ov[2 * num] == PCRE2_UNSET)
					continue;
				ok = apply(p, dp, &ls, gr->target, gr->key, gr->scale, df->tf, true, 0,
				    (bk_span){ s + ov[2 * num], ov[2 * num + 1] - ov[2 * num] });
				break;
			}
		}
		if (!ok)
			continue;
		for (size_t k = 0; k < rx->nset; k++) {
			const struct setval *sv = &rx->set[k];
			bk_span v = { sv->val, strlen(sv->val) };

			(void)apply(p, dp, &ls, sv->target, sv->key, 0, NULL, true, 0, v);
		}
		dp->exact++;
		return line_end(p, dp, &ls, raw, rawlen, fn, ctx);
	}
	return 1;
}

static int
data_line(bk_parser *p, const char *s, size_t n, uint64_t lineno, bk_event_fn fn, void *ctx)
{
	struct dparser *dp = p->impl;

	/* Scratch never needs more than twice the line: size it once per longer line. */
	if (dp->scap < 2 * n + 1024) {
		size_t cap = 2 * n + 1024;
		char *b = malloc(cap);

		if (b == NULL)
			return 1;
		free(dp->scratch);
		dp->scratch = b;
		dp->scap = cap;
	}
	return dp->df->is_layout ? parse_layout(p, dp, s, n, lineno, fn, ctx) :
				   parse_regex(p, dp, s, n, lineno, fn, ctx);
}

static void
data_free(bk_parser *p)
{
	struct dparser *dp = p->impl;

	if (dp == NULL)
		return;
	bk_urlids_free(dp->ux);
	pcre2_match_data_free(dp->md);
	pcre2_match_context_free(dp->mctx);
	free(dp->scratch);
	free(dp->fixed.data);
	free(dp);
	p->impl = NULL;
}

static int
data_init(bk_parser *p, char **err)
{
	const struct datafmt *df = p->impl;
	struct dparser *dp = calloc(1, sizeof *dp);

	*err = NULL;
	p->impl = dp;
	if (dp == NULL)
		return BK_NOMEM;
	dp->df = df;
	if (df->is_layout)
		dp->match = matcher_for(&df->layout);
	bk_event_clear(&dp->blank);
	/* The spec is checked even when its ids are not wanted: a bad one is still an error. */
	if ((dp->ux = bk_urlids_new(p->opts.ids, err)) == NULL)
		return *err != NULL ? BK_ERROR : BK_NOMEM;
	if (p->opts.no_ids) {
		bk_urlids_free(dp->ux);
		dp->ux = NULL;	/* resolve_url looks for none */
	}
	if (!df->is_layout) {
		uint32_t most = 1;

		for (size_t i = 0; i < df->nrx; i++) {
			uint32_t c;

			pcre2_pattern_info(df->rx[i].code, PCRE2_INFO_CAPTURECOUNT, &c);
			if (c + 1 > most)
				most = c + 1;
		}
		dp->md = pcre2_match_data_create(most, NULL);
		dp->mctx = pcre2_match_context_create(NULL);
		if (dp->md == NULL || dp->mctx == NULL)
			return BK_NOMEM;
		pcre2_set_match_limit(dp->mctx, 1000000u);
	}
	return BK_OK;
}

static const struct bk__parser_ops data_ops = {
	.independent = true,
	.name = "data",
	.init = data_init,
	.line = data_line,
	.free = data_free,
};

/* ---- parsers ------------------------------------------------------------ */

static int set_error(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
set_error(char **err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	*err = bk__verrf(fmt, ap);
	va_end(ap);
	return BK_ERROR;
}

bk_parser *
bk_parser_new(const bk_formats *fs, const char *name, const bk_parse_opts *o, char **err)
{
	const struct datafmt *df = find_data(fs, name);
	const struct bk__parser_ops *ops = df != NULL ? &data_ops : find_code(name);
	bk_parser *p;

	*err = NULL;
	if (ops == NULL) {
		set_error(err, "unknown format \"%s\" (bk-parse --list-formats lists them)", name);
		return NULL;
	}
	if ((p = calloc(1, sizeof *p)) == NULL)
		return NULL;
	p->ops = ops;
	p->fs = fs;
	p->file = "-";
	p->clock = &p->clock_store;
	p->years = &p->years_store;
	if (o != NULL) {
		p->opts = *o;
		p->opts.pg_prefix = NULL;
		p->opts.map = NULL;
		p->opts.tz = NULL;
		p->opts.ids = NULL;
		if ((o->pg_prefix != NULL && (p->opts.pg_prefix = strdup(o->pg_prefix)) == NULL) ||
		    (o->ids != NULL && (p->opts.ids = strdup(o->ids)) == NULL) ||
		    (o->map != NULL && (p->opts.map = strdup(o->map)) == NULL) ||
		    (o->tz != NULL && (p->opts.tz = strdup(o->tz)) == NULL)) {
			bk_parser_free(p);
			return NULL;
		}
		if (o->tz != NULL && (p->tz = bk_tz_open(o->tz, err)) == NULL) {
			bk_parser_free(p);
			return NULL;
		}
	}
	bk_years_start(p->years, p->opts.year);
	p->impl = (void *)(uintptr_t)df;	/* data_init replaces it with its state */
	if (ops->init != NULL && ops->init(p, err) != BK_OK) {
		bk_parser_free(p);
		return NULL;
	}
	return p;
}

bool
bk_parser_independent(const bk_parser *p)
{
	return p->ops->independent;
}

void
bk_parser_free(bk_parser *p)
{
	if (p == NULL)
		return;
	if (p->ops->free != NULL && p->impl != NULL)
		p->ops->free(p);
	bk_tz_free(p->tz);
	/* The parser's own copies (see bk_parser_new), const only in the options' type. */
	free((void *)(uintptr_t)p->opts.pg_prefix);
	free((void *)(uintptr_t)p->opts.map);
	free((void *)(uintptr_t)p->opts.tz);
	free((void *)(uintptr_t)p->opts.ids);
	free(p);
}

void
bk_parser_begin(bk_parser *p, const char *file)
{
	p->file = file;
	memset(p->clock, 0, sizeof *p->clock);
	bk_years_start(p->years, p->opts.year);
	if (p->ops->begin != NULL)
		p->ops->begin(p);
}

bk_years *
bk_parser_years(bk_parser *p)
{
	return p->years;
}

void
bk_parser_clock(const bk_parser *p, bk_clock *c)
{
	*c = *p->clock;
}

void
bk_clock_add(bk_clock *a, const bk_clock *b)
{
	a->zoned += b->zoned;
	a->naive += b->naive;
	a->yearless += b->yearless;
	for (size_t i = 0; i < BK_CLOCK_OFFSETS && b->offsets[i].n > 0; i++)
		for (size_t j = 0; j < BK_CLOCK_OFFSETS; j++) {
			if (a->offsets[j].n == 0)
				a->offsets[j].off = b->offsets[i].off;
			if (a->offsets[j].off == b->offsets[i].off) {
				a->offsets[j].n += b->offsets[i].n;
				break;
			}
		}
}

bool
bk_clock_offset(const bk_clock *c, int *off)
{
	size_t best = BK_CLOCK_OFFSETS;

	for (size_t i = 0; i < BK_CLOCK_OFFSETS && c->offsets[i].n > 0; i++)
		if (best == BK_CLOCK_OFFSETS ||
		    (c->offsets[i].off != 0) > (c->offsets[best].off != 0) ||
		    ((c->offsets[i].off != 0) == (c->offsets[best].off != 0) &&
		     c->offsets[i].n > c->offsets[best].n))
			best = i;
	if (best == BK_CLOCK_OFFSETS)
		return false;
	*off = c->offsets[best].off;
	return true;
}

int
bk_parser_line(bk_parser *p, const char *line, size_t len, uint64_t lineno, bk_event_fn fn,
    void *ctx)
{
	return p->ops->line(p, line, len, lineno, fn, ctx);
}

int
bk_parser_finish(bk_parser *p, bk_event_fn fn, void *ctx)
{
	return p->ops->finish != NULL ? p->ops->finish(p, fn, ctx) : BK_OK;
}

/* ---- directives --------------------------------------------------------- */

const char *
bk_formats_define(bk_formats *fs, const char *notation, const char *conf, const char *log_format,
    char **err)
{
	int note = bk__notation_parse(notation);
	enum bk__escape esc;
	char *text = NULL, *name = NULL, *lerr = NULL;
	const char *label;
	struct datafmt *df = NULL;
	int rc;

	*err = NULL;
	if (note < 0) {
		set_error(err, "unknown notation \"%s\" (nginx, apache or squid)", notation);
		return NULL;
	}
	esc = bk__notation_escape((enum bk__notation)note);
	if (strchr(log_format, '$') != NULL || strchr(log_format, '%') != NULL) {
		const char *s = log_format;

		/* nginx: "escape=json '...'" as in the directive; the quotes are optional. */
		if (note == BK__NOTE_NGINX && strncmp(s, "escape=", 7) == 0) {
			size_t elen = strcspn(s + 7, " \t");

			esc = elen == 4 && memcmp(s + 7, "json", 4) == 0 ? BK__ESC_JSON :
			    elen == 4 && memcmp(s + 7, "none", 4) == 0 ? BK__ESC_NONE : BK__ESC_HEX;
			s += 7 + elen;
			while (*s == ' ' || *s == '\t')
				s++;
		}
		if ((text = strdup(s)) == NULL)
			return NULL;
		/* As pasted from a config: Apache's \" and the outer quotes of nginx's strings. */
		if (note == BK__NOTE_APACHE) {
			char *o = text;

			for (const char *i = text; *i != '\0'; i++) {
				if (*i == '\\' && (i[1] == '"' || i[1] == '\\'))
					i++;
				*o++ = *i;
			}
			*o = '\0';
		}
		label = "custom";
	} else {
		rc = bk__directive_find((enum bk__notation)note, conf, log_format, &text, &esc, err);
		if (rc == BK_EOF) {
			if (conf != NULL)
				set_error(err, "%s: no %s named \"%s\"", conf,
				    note == BK__NOTE_NGINX ? "log_format" :
				    note == BK__NOTE_APACHE ? "LogFormat" : "logformat", log_format);
			else
				set_error(err, "no predefined %s format \"%s\" (give the config file)",
				    notation, log_format);
		}
		if (rc != BK_OK)
			return NULL;
		label = log_format;
	}
	if ((df = calloc(1, sizeof *df)) == NULL || asprintf(&name, "%s:%s", notation, label) < 0)
		goto nomem;
	df->name = name;
	if (asprintf(&df->description, "%s format %s%s%s", notation, label,
		conf != NULL ? " from " : "", conf != NULL ? conf : "") < 0) {
		df->description = NULL;
		goto nomem;
	}
	if ((df->origin = strdup(conf != NULL ? conf : "command line")) == NULL ||
	    default_actions(df, note == BK__NOTE_SQUID) != BK_OK)
		goto nomem;
	rc = bk__layout_compile(&df->layout, (enum bk__notation)note, esc, text, strlen(text), &lerr);
	if (rc == BK_OK)
		rc = layout_times(&df->layout, &lerr);
	if (rc != BK_OK) {
		if (lerr == NULL)
			goto nomem;
		set_error(err, "%s format %s: %s", notation, label, lerr);
		free(lerr);
		free(text);
		datafmt_free(df);
		return NULL;
	}
	df->is_layout = true;
	free(text);
	if (add_format(fs, df) != BK_OK) {
		datafmt_free(df);
		return NULL;
	}
	if (rebuild_names(fs) != BK_OK)
		return NULL;
	return df->name;
nomem:
	free(text);
	datafmt_free(df);
	return NULL;
}

/* ---- detection ---------------------------------------------------------- */

/* What detection learns from the events a candidate emits. */
struct detect_count {
	uint64_t events;
	uint64_t informed;	/* events that carry at least one field */
};

static bool
event_informed(const bk_event *ev)
{
	if (ev->ts != BK_EVENT_NONE || ev->status != BK_EVENT_NONE || ev->rows != BK_EVENT_NONE ||
	    ev->bytes_in != BK_EVENT_NONE || ev->bytes_out != BK_EVENT_NONE || ev->nids > 0 ||
	    ev->nextra > 0)
		return true;
	for (size_t i = 0; i < BK_EV_NSTR; i++)
		if (ev->str[i].len > 0)
			return true;
	return false;
}

static int
count_event(void *ctx, const bk_event *ev)
{
	struct detect_count *dc = ctx;

	dc->events++;
	dc->informed += event_informed(ev);
	return 0;
}

const char *
bk_formats_detect(const bk_formats *fs, const bk_span *lines, size_t n, double *score)
{
	const char *best = NULL;
	size_t best_ok = 0;
	uint64_t best_exact = 0;
	int best_prio = 0;

	if (score != NULL)
		*score = 0;
	for (const char *const *name = fs->names; *name != NULL; name++) {
		const struct datafmt *df = find_data(fs, *name);
		char *err = NULL;
		bk_parser *p;
		size_t ok = 0;
		struct detect_count dc = { 0, 0 };
		uint64_t exact;
		int prio;

		/* Formats derived from a directive are asked for by name, never guessed. */
		if (df != NULL && strchr(df->name, ':') != NULL)
			continue;
		if ((p = bk_parser_new(fs, *name, NULL, &err)) == NULL) {
			free(err);
			continue;
		}
		prio = df != NULL ? df->priority : p->ops->priority;
		bk_parser_begin(p, "detect");
		for (size_t i = 0; i < n; i++)
			if (lines[i].len > 0 &&
			    bk_parser_line(p, lines[i].ptr, lines[i].len, i + 1, count_event, &dc) ==
				BK_OK)
				ok++;
		bk_parser_finish(p, count_event, &dc);
		exact = df != NULL ? ((struct dparser *)p->impl)->exact : ok;
		bk_parser_free(p);
		/*
		 * A code format that took the lines but made nothing of them
		 * (a CSV whose "header" is a log line names no known column,
		 * so every record maps to an empty event) has not recognised
		 * them: generic CSV would otherwise accept any text at all.
		 */
		if (df == NULL && dc.informed == 0)
			continue;
		/*
		 * Lines parsed exactly count twice: a format that reads a line
		 * whole beats one that reads its start and keeps the rest as
		 * trailing (combined over common, a cut line kept out). Then
		 * the definition's priority (generic code formats, csv and
		 * json, have a negative one: the specific format wins a tie).
		 */
		if (ok + exact > best_ok + best_exact ||
		    (ok + exact == best_ok + best_exact && ok > 0 && (best == NULL || prio > best_prio))) {
			best = *name;
			best_ok = ok;
			best_exact = exact;
			best_prio = prio;
		}
	}
	{
		size_t nonblank = 0;

		for (size_t i = 0; i < n; i++)
			nonblank += lines[i].len > 0;
		if (best == NULL || nonblank == 0 || best_ok * 2 < nonblank)
			return NULL;
		if (score != NULL)
			*score = (double)best_ok / (double)nonblank;
	}
	return best;
}
