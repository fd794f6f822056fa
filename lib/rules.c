/*
 * rules.c - personal-data rules: parse rule files, compile their patterns
 * once, and derive the cheap pre-check (trigger) that decides where each
 * pattern is worth running; see rules.h for the file format and
 * rules-private.h for what the scan engine reads.
 *
 * Rule files are written by people, so the parser is strict and talkative:
 * every problem is reported with the file and line it is on, the rule in
 * error is dropped and loading goes on, so one run shows every mistake of a
 * file. A stanza is collected first (keys, values, continuation lines) and
 * checked as a whole when the next [id] or the end of the file closes it:
 * that is what lets "missing key" errors point at the [id] line and lets the
 * order of keys inside a stanza not matter.
 *
 * Patterns are compiled with PCRE2_MATCH_INVALID_UTF, because the subject is
 * whatever bytes a log held (normalised, not validated) and a match must
 * never fail on them, and with PCRE2_NEVER_UCP, so that \d and \w stay ASCII:
 * normalisation already turned full-width digits into ASCII, and \d matching
 * Devanagari or Arabic-Indic digits would only make false positives. JIT is
 * used when PCRE2 has it and silently skipped when it does not.
 *
 * The default trigger comes from a small conservative parser of the pattern
 * text (the "pattern analysis" section): it finds the longest literal every
 * match contains and the longest run of digits every match contains, and
 * gives up (falling back to what pcre2_pattern_info knows) on anything it does
 * not fully understand. PCRE2's own "last code unit" is a single byte, which
 * for a character like 〒 (E3 80 92) is a byte that half of all Japanese text
 * contains; the parser keeps the whole character and its neighbours.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules-private.h"
#include "util-private.h"

#ifndef PCRE2_MATCH_INVALID_UTF
#error "PCRE2 10.34 or later is required (PCRE2_MATCH_INVALID_UTF)"
#endif

/* A rule file larger than this is not a rule file. */
#define RULES_FILE_MAX (16u << 20)

struct bk_ruleset {
	bk_rule **rules;
	size_t n, cap;
	char **files;		/* names the rules' file pointers point into */
	size_t nfiles, capfiles;
	bk_rules_error_fn on_error;
	void *ctx;
};

static const char *const categories[] = {
	"national_id", "contact", "financial", "name", "address", "date_of_birth", "network",
	"credential",
};
#define NCATEGORIES (sizeof categories / sizeof categories[0])

/* ---- small helpers ------------------------------------------------------ */

/* Edit distance with transpositions, for "did you mean"; large when either is long. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[33][33];

	if (la > 32 || lb > 32)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1], v = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

/*
 * The candidate WORD was most likely meant as, or NULL when none is close:
 * at most two edits, and fewer than half of the word's letters.
 */
struct suggester {
	const char *word;
	const char *best;
	size_t dist;
};

static void
suggest_try(struct suggester *sg, const char *cand)
{
	size_t d = edit_distance(sg->word, cand);

	if (d > 0 && d <= 2 && d * 2 < strlen(sg->word) && (sg->best == NULL || d < sg->dist)) {
		sg->best = cand;
		sg->dist = d;
	}
}

/*
 * A value for a message: at most 48 bytes of S, cut at a character boundary,
 * with "..." when cut. BUF has room for 52 bytes.
 */
static const char *
shown(const char *s, char *buf)
{
	size_t n = strlen(s);

	if (n <= 48)
		return s;
	n = 48;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}

/* ---- names -------------------------------------------------------------- */

static const char *const severity_names[] = {"low", "medium", "high", "critical"};
static const char *const confidence_names[] = {"low", "medium", "high"};

const char *
bk_severity_name(enum bk_severity s)
{
	if ((unsigned)s >= sizeof severity_names / sizeof severity_names[0])
		return "unknown";
	return severity_names[s];
}

const char *
bk_confidence_name(enum bk_confidence c)
{
	if (c < BK_CONFIDENCE_LOW || c > BK_CONFIDENCE_HIGH)
		return "unknown";
	return confidence_names[c - BK_CONFIDENCE_LOW];
}

int
bk_severity_parse(const char *name, enum bk_severity *s)
{
	unsigned i;

	for (i = 0; i < sizeof severity_names / sizeof severity_names[0]; i++)
		if (strcmp(name, severity_names[i]) == 0) {
			*s = (enum bk_severity)i;
			return BK_OK;
		}
	return BK_ERROR;
}

int
bk_confidence_parse(const char *name, enum bk_confidence *c)
{
	unsigned i;

	for (i = 0; i < sizeof confidence_names / sizeof confidence_names[0]; i++)
		if (strcmp(name, confidence_names[i]) == 0) {
			*c = (enum bk_confidence)(BK_CONFIDENCE_LOW + (int)i);
			return BK_OK;
		}
	return BK_ERROR;
}

/* ---- the set and its rules ---------------------------------------------- */

void
bk__trigger_fini(struct bk__trigger *t)
{
	free(t->literal);
	t->literal = NULL;
	t->len = 0;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
rule_free(bk_rule *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->id);
	free(r->description);
	free(r->pattern);
	pcre2_code_free(r->code);
	bk__trigger_fini(&r->trigger);
	for (i = 0; i < r->ncontext; i++) {
		free(r->context[i].word);
		free(r->context[i].lower);
	}
	free(r->context);
	strv_free(r->examples, r->nexamples);
	strv_free(r->counterexamples, r->ncounterexamples);
	free(r);
}

bk_ruleset *
bk_ruleset_new(void)
{
	return calloc(1, sizeof(bk_ruleset));
}

void
bk_ruleset_free(bk_ruleset *rs)
{
	size_t i;

	if (rs == NULL)
		return;
	for (i = 0; i < rs->n; i++)
		rule_free(rs->rules[i]);
	free(rs->rules);
	strv_free(rs->files, rs->nfiles);
	free(rs);
}

void
bk_ruleset_on_error(bk_ruleset *rs, bk_rules_error_fn fn, void *ctx)
{
	rs->on_error = fn;
	rs->ctx = ctx;
}

size_t
bk_ruleset_count(const bk_ruleset *rs)
{
	return rs->n;
}

const bk_rule *
bk_ruleset_rule(const bk_ruleset *rs, size_t i)
{
	return i < rs->n ? rs->rules[i] : NULL;
}

static bk_rule **
find_slot(const bk_ruleset *rs, const char *id)
{
	size_t i;

	/* Sets hold tens of rules, looked up at load time only: a scan is enough. */
	for (i = 0; i < rs->n; i++)
		if (strcmp(rs->rules[i]->id, id) == 0)
			return &rs->rules[i];
	return NULL;
}

const bk_rule *
bk_ruleset_find(const bk_ruleset *rs, const char *id)
{
	bk_rule **slot = find_slot(rs, id);

	return slot != NULL ? *slot : NULL;
}

uint32_t
bk__ruleset_max_captures(const bk_ruleset *rs)
{
	uint32_t max = 0;
	size_t i;

	for (i = 0; i < rs->n; i++)
		if (rs->rules[i]->captures > max)
			max = rs->rules[i]->captures;
	return max;
}

const char *
bk_rule_id(const bk_rule *r)
{
	return r->id;
}

const char *
bk_rule_description(const bk_rule *r)
{
	return r->description;
}

const char *
bk_rule_category(const bk_rule *r)
{
	return r->category;
}

enum bk_severity
bk_rule_severity(const bk_rule *r)
{
	return r->severity;
}

enum bk_confidence
bk_rule_confidence(const bk_rule *r)
{
	return r->confidence;
}

enum bk_confidence
bk_rule_context_confidence(const bk_rule *r)
{
	return r->context_confidence;
}

bool
bk_rule_requires_context(const bk_rule *r)
{
	return r->require_context;
}

const struct bk_validator *
bk_rule_validator(const bk_rule *r)
{
	return r->validator;
}

const char *
bk_rule_pattern(const bk_rule *r)
{
	return r->pattern;
}

enum bk_trigger
bk_rule_trigger(const bk_rule *r)
{
	return r->trigger.kind;
}

/* Writes SET at BUF + O as a trigger's "after" is written (A-Z, +); the new O. */
static size_t
byteset_text(const uint8_t set[32], char *buf, size_t size, size_t o)
{
	for (int c = '!'; c < 0x7f && o < size; c++) {
		int e = c;

		if (!(set[c >> 3] & (1u << (c & 7))))
			continue;
		while (e + 1 < 0x7f && (set[(e + 1) >> 3] & (1u << ((e + 1) & 7))))
			e++;
		/* A run of three or more as a range, the way it is written: A-Z. */
		if (e - c >= 2)
			o += (size_t)snprintf(buf + o, size - o, "%c-%c", c, e);
		else
			o += (size_t)snprintf(buf + o, size - o, "%.*s", e - c + 1,
			    (const char[]){ (char)c, (char)(c + 1) });
		c = e;
	}
	return o;
}

const char *
bk_rule_trigger_text(const bk_rule *r, char *buf, size_t size)
{
	switch (r->trigger.kind) {
	case BK_TRIGGER_DIGITS: {
		static const char *const names[] = { " dash", " dot", " slash", " space", " paren", " none" };
		size_t o = (size_t)snprintf(buf, size, "digits %u", r->trigger.digits);

		if (r->trigger.max_digits > 0 && o < size)
			o += (size_t)snprintf(buf + o, size - o, "-%u", r->trigger.max_digits);
		if (r->trigger.seps != BK__SEP_ALL && o < size) {
			o += (size_t)snprintf(buf + o, size - o, " sep");
			for (int k = 0; k < 6; k++)
				if ((r->trigger.seps & (1u << k)) && o < size)
					o += (size_t)snprintf(buf + o, size - o, "%s", names[k]);
		}
		if (r->trigger.first != 0 && o < size) {
			o += (size_t)snprintf(buf + o, size - o, " first ");
			for (int d = 0; d < 10; d++)
				if ((r->trigger.first & (1u << d)) && o < size)
					o += (size_t)snprintf(buf + o, size - o, "%c", '0' + d);
		}
		if (r->trigger.has_after && o < size) {
			o += (size_t)snprintf(buf + o, size - o, " after ");
			if (r->trigger.has_after2) {
				o = byteset_text(r->trigger.after2, buf, size, o);
				if (o < size)
					o += (size_t)snprintf(buf + o, size - o, " ");
			}
			o = byteset_text(r->trigger.after, buf, size, o);
		}
		if (r->trigger.min_groups > 0 && o < size) {
			o += (size_t)snprintf(buf + o, size - o, " groups %u", r->trigger.min_groups);
			if (r->trigger.max_groups != r->trigger.min_groups && o < size)
				o += (size_t)snprintf(buf + o, size - o, "-%u", r->trigger.max_groups);
		}
		if (r->trigger.whole && o < size)
			snprintf(buf + o, size - o, " whole");
		break;
	}
	case BK_TRIGGER_LITERAL:
		snprintf(buf, size, "literal %s", r->trigger.literal);
		break;
	case BK_TRIGGER_CONTEXT:
		snprintf(buf, size, "context");
		break;
	case BK_TRIGGER_ALWAYS:
		snprintf(buf, size, "always");
		break;
	case BK_TRIGGER_NONASCII:
		snprintf(buf, size, "nonascii");
		break;
	}
	return buf;
}

const char *
bk_rule_file(const bk_rule *r)
{
	return r->file;
}

unsigned long
bk_rule_line(const bk_rule *r)
{
	return r->line;
}

const char *const *
bk_rule_examples(const bk_rule *r, size_t *n)
{
	*n = r->nexamples;
	return (const char *const *)r->examples;
}

const char *const *
bk_rule_counterexamples(const bk_rule *r, size_t *n)
{
	*n = r->ncounterexamples;
	return (const char *const *)r->counterexamples;
}

/* ---- matching resources ------------------------------------------------- */

int
bk__matcher_init(struct bk__matcher *m)
{
	uint32_t jit = 0;

	m->jit_stack = NULL;
	m->mctx = pcre2_match_context_create(NULL);
	if (m->mctx == NULL)
		return BK_NOMEM;
	pcre2_set_match_limit(m->mctx, BK__MATCH_LIMIT);
	pcre2_set_heap_limit(m->mctx, BK__HEAP_LIMIT_KIB);
	if (pcre2_config(PCRE2_CONFIG_JIT, &jit) == 0 && jit) {
		m->jit_stack = pcre2_jit_stack_create(BK__JIT_STACK_MIN, BK__JIT_STACK_MAX, NULL);
		if (m->jit_stack == NULL) {
			bk__matcher_fini(m);
			return BK_NOMEM;
		}
		pcre2_jit_stack_assign(m->mctx, NULL, m->jit_stack);
	}
	return BK_OK;
}

void
bk__matcher_fini(struct bk__matcher *m)
{
	pcre2_match_context_free(m->mctx);
	pcre2_jit_stack_free(m->jit_stack);
	m->mctx = NULL;
	m->jit_stack = NULL;
}

/* ---- loading: lines and stanzas ----------------------------------------- */

enum key {
	K_DESCRIPTION, K_CATEGORY, K_SEVERITY, K_CONFIDENCE, K_CONTEXT_CONFIDENCE,
	K_REQUIRE_CONTEXT, K_PATTERN, K_VALIDATOR, K_CONTEXT, K_DISTANCE, K_TRIGGER,
	K_EXAMPLE, K_COUNTEREXAMPLE, NKEYS
};

static const struct keydef {
	const char *name;
	bool required;
	bool repeatable;
} keydefs[NKEYS] = {
	[K_DESCRIPTION] = {"description", true, false},
	[K_CATEGORY] = {"category", true, false},
	[K_SEVERITY] = {"severity", true, false},
	[K_CONFIDENCE] = {"confidence", false, false},
	[K_CONTEXT_CONFIDENCE] = {"context-confidence", false, false},
	[K_REQUIRE_CONTEXT] = {"require-context", false, false},
	[K_PATTERN] = {"pattern", true, false},
	[K_VALIDATOR] = {"validator", false, false},
	[K_CONTEXT] = {"context", false, false},
	[K_DISTANCE] = {"distance", false, false},
	[K_TRIGGER] = {"trigger", false, false},
	[K_EXAMPLE] = {"example", false, true},
	[K_COUNTEREXAMPLE] = {"counterexample", false, true},
};

struct entry {
	enum key key;
	unsigned long line;
	char *value;		/* NUL-terminated */
	size_t len, cap;
};

struct held {
	unsigned long line;
	char *msg;
};

struct stanza {
	bool open;		/* an [id] line was read */
	bool skip;		/* ...but its id was bad: the stanza is ignored */
	char *id;
	unsigned long line;
	unsigned long errors;
	struct entry *e;
	size_t n, cap;
	struct held *held;	/* its messages, given out in line order when it closes */
	size_t nheld, capheld;
};

struct seen_id {
	char *id;
	unsigned long line;
};

/* Where a continuation line goes: an entry's index, or one of these. */
#define TARGET_NONE (-1)	/* nowhere: the line is an error */
#define TARGET_DISCARD (-2)	/* the line before was in error: ignore quietly */

struct loader {
	bk_ruleset *rs;
	const char *path;
	unsigned long line;
	unsigned long errors;
	bool nomem;
	long target;
	struct stanza st;
	struct seen_id *ids;	/* ids of this file, to catch a rule written twice */
	size_t nids, capids;
};

static void
report_to(const bk_ruleset *rs, const char *path, unsigned long line, const char *msg)
{
	if (rs->on_error != NULL)
		rs->on_error(rs->ctx, path, line, msg);
}

/*
 * Messages about lines inside a rule name the rule (the line alone may be
 * far from its [id]) and are held until the rule is complete: some are found
 * while reading lines, some only when the whole stanza is known, and a person
 * reads them best in line order. Without memory to hold one, it goes out at
 * once.
 */
static void report(struct loader *ld, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
report(struct loader *ld, unsigned long line, const char *fmt, ...)
{
	struct stanza *st = &ld->st;
	char msg[1024];
	size_t off = 0;
	va_list ap;
	int n;

	ld->errors++;
	if (st->open && !st->skip) {
		st->errors++;
		n = snprintf(msg, sizeof msg, "rule %.128s: ", st->id);
		off = n > 0 ? (size_t)n : 0;
	}
	va_start(ap, fmt);
	vsnprintf(msg + off, sizeof msg - off, fmt, ap);
	va_end(ap);
	if (st->open && !st->skip &&
	    bk__grow(&st->held, &st->capheld, st->nheld, sizeof *st->held) == BK_OK &&
	    (st->held[st->nheld].msg = strdup(msg)) != NULL) {
		st->held[st->nheld++].line = line;
		return;
	}
	report_to(ld->rs, ld->path, line, msg);
}

/* Gives out the stanza's messages, sorted by line (stable: same line, order found). */
static void
release_held(struct loader *ld)
{
	struct stanza *st = &ld->st;
	struct held h;
	size_t i, j;

	for (i = 1; i < st->nheld; i++) {
		h = st->held[i];
		for (j = i; j > 0 && st->held[j - 1].line > h.line; j--)
			st->held[j] = st->held[j - 1];
		st->held[j] = h;
	}
	for (i = 0; i < st->nheld; i++) {
		report_to(ld->rs, ld->path, st->held[i].line, st->held[i].msg);
		free(st->held[i].msg);
	}
	st->nheld = 0;
}

static int
buf_add(struct entry *e, const char *s, size_t n)
{
	char *p;
	size_t cap;

	if (e->len + n + 1 > e->cap) {
		cap = (e->len + n + 1) * 2;
		p = realloc(e->value, cap);
		if (p == NULL)
			return BK_NOMEM;
		e->value = p;
		e->cap = cap;
	}
	memcpy(e->value + e->len, s, n);
	e->len += n;
	e->value[e->len] = '\0';
	return BK_OK;
}

static void
stanza_reset(struct stanza *st)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		free(st->e[i].value);
	free(st->e);
	free(st->id);
	for (i = 0; i < st->nheld; i++)
		free(st->held[i].msg);
	free(st->held);
	memset(st, 0, sizeof *st);
}

/* ---- loading: one rule -------------------------------------------------- */

static int
strv_push(char ***v, size_t *n, const char *s, size_t len)
{
	char **p, *copy;

	/* One at a time: a rule has a handful of examples. */
	copy = bk__dup_bytes(s, len);
	if (copy == NULL)
		return BK_NOMEM;
	p = realloc(*v, (*n + 1) * sizeof **v);
	if (p == NULL) {
		free(copy);
		return BK_NOMEM;
	}
	p[(*n)++] = copy;
	*v = p;
	return BK_OK;
}

static int
compile(struct loader *ld, bk_rule *r, const struct entry *e)
{
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	uint32_t empty = 0;
	size_t jitsize = 0;
	int err, n;

	r->pattern = bk__dup_bytes(e->value, e->len);
	if (r->pattern == NULL)
		return BK_NOMEM;
	r->code = pcre2_compile((PCRE2_SPTR)e->value, e->len, BK__PCRE2_OPTIONS, &err, &off, NULL);
	if (r->code == NULL) {
		if (err == PCRE2_ERROR_HEAP_FAILED)
			return BK_NOMEM;
		if (pcre2_get_error_message(err, msg, sizeof msg) < 0)
			snprintf((char *)msg, sizeof msg, "error %d", err);
		report(ld, e->line, "pattern error at offset %zu: %s", (size_t)off, (char *)msg);
		return BK_OK;
	}
	/* Without JIT (not built in, or no executable memory) the interpreter is slower, not wrong. */
	(void)pcre2_jit_compile(r->code, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(r->code, PCRE2_INFO_JITSIZE, &jitsize);
	r->jit = jitsize > 0;
	pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &r->captures);
	pcre2_pattern_info(r->code, PCRE2_INFO_MAXLOOKBEHIND, &r->max_lookbehind);
	r->reach = bk__pattern_reach(r->pattern);
	pcre2_pattern_info(r->code, PCRE2_INFO_MATCHEMPTY, &empty);
	if (empty)
		report(ld, e->line, "pattern can match an empty string");
	n = pcre2_substring_number_from_name(r->code, (PCRE2_SPTR) "value");
	if (n > 0)
		r->value_group = (uint32_t)n;
	else if (n == PCRE2_ERROR_NOUNIQUESUBSTRING)
		report(ld, e->line, "more than one group is named 'value'");
	return BK_OK;
}

/*
 * Where in S (N bytes of valid UTF-8) the first character is that
 * normalisation replaces (normalize.h: full-width ASCII, dash look-alikes,
 * the ideographic space), with its length and its ASCII replacement; N when
 * there is none. Context words and literal triggers are compared with
 * normalised text, so such a character in them could never be seen.
 */
static size_t
folded_char(const char *s, size_t n, size_t *len, char *ascii)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t i;

	for (i = 0; i < n; i += *len) {
		*len = bk__utf8_char(u + i, n - i);
		if (*len != 3)
			continue;
		cp = (uint32_t)(u[i] & 0x0f) << 12 | (uint32_t)(u[i + 1] & 0x3f) << 6 | (u[i + 2] & 0x3f);
		if (cp >= 0xff01 && cp <= 0xff5e) {
			*ascii = (char)(cp - 0xfee0);
			return i;
		}
		if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0xfe63 || cp == 0x3000) {
			*ascii = cp == 0x3000 ? ' ' : '-';
			return i;
		}
	}
	return n;
}

static bool
check_folded(struct loader *ld, unsigned long line, const char *what, const char *s, size_t n)
{
	char buf[52], ascii;
	size_t at, len;

	at = folded_char(s, n, &len, &ascii);
	if (at == n)
		return true;
	report(ld, line, "%s '%s' is never seen as written: text is matched after "
	    "normalisation, where '%.*s' is '%c'", what, shown(s, buf), (int)len, s + at, ascii);
	return false;
}

/* The length of the word separator at P: space, tab, or the ideographic space U+3000. */
static size_t
word_sep(const char *p, const char *end)
{
	if (p < end && bk__is_space(*p))
		return 1;
	if (end - p >= 3 && memcmp(p, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

static int
add_context_word(bk_rule *r, const char *w, size_t n)
{
	struct bk__context_word *v, *cw;
	size_t i;

	v = realloc(r->context, (r->ncontext + 1) * sizeof *v);
	if (v == NULL)
		return BK_NOMEM;
	r->context = v;
	cw = &v[r->ncontext];
	cw->word = bk__dup_bytes(w, n);
	cw->lower = bk__dup_bytes(w, n);
	if (cw->word == NULL || cw->lower == NULL) {
		free(cw->word);
		free(cw->lower);
		return BK_NOMEM;
	}
	for (i = 0; i < n; i++)
		cw->lower[i] = bk__lower(cw->lower[i]);
	cw->len = n;
	r->ncontext++;
	return BK_OK;
}

/* Words separated by spaces; "double quotes" for words with spaces, \" and \\ inside them. */
static int
parse_context(struct loader *ld, bk_rule *r, const struct entry *e)
{
	const char *p = e->value, *end = e->value + e->len;
	char *w = malloc(e->len + 1);
	size_t n, k;
	int rc = BK_OK;

	if (w == NULL)
		return BK_NOMEM;
	for (;;) {
		while ((k = word_sep(p, end)) > 0)
			p += k;
		if (p >= end)
			break;
		n = 0;
		if (*p == '"') {
			for (p++;; p++) {
				if (p >= end) {
					report(ld, e->line, "unterminated quote in context");
					goto out;
				}
				if (*p == '"')
					break;
				if (*p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\'))
					p++;
				w[n++] = *p;
			}
			p++;
			if (p < end && word_sep(p, end) == 0) {
				report(ld, e->line, "context: a space must follow the closing quote");
				goto out;
			}
			if (n == 0) {
				report(ld, e->line, "empty word in context");
				goto out;
			}
		} else {
			for (; p < end && word_sep(p, end) == 0; p++) {
				if (*p == '"') {
					report(ld, e->line,
					    "context: '\"' inside a word (quote the whole word)");
					goto out;
				}
				w[n++] = *p;
			}
		}
		w[n] = '\0';
		if (!check_folded(ld, e->line, "context word", w, n))
			continue;
		rc = add_context_word(r, w, n);
		if (rc != BK_OK)
			break;
	}
out:
	free(w);
	return rc;
}

static bool
word_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

/*
 * The words of a digits trigger: a token after "after" that is none of
 * them is a second set of bytes, not the next part of the trigger.
 */
static bool
trigger_word(const char *s, size_t n)
{
	static const char *const words[] = {
		"sep", "whole", "first", "after", "groups", "dash", "dot", "slash", "space", "paren", "none",
	};

	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (word_is(s, n, words[i]))
			return true;
	return false;
}

/*
 * The set S (N bytes) of a trigger's "first" (digits: "08") or "after"
 * (ASCII bytes, with ranges as "A-Z"). False if it is empty or not that.
 */
static bool
parse_byteset(const char *s, size_t n, bool digits_only, struct bk__trigger *t)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char lo = (unsigned char)s[i], hi = lo;

		if (i + 2 < n && s[i + 1] == '-') {
			hi = (unsigned char)s[i + 2];
			i += 2;
		}
		if (lo > hi || hi >= 0x80 || lo <= ' ')
			return false;
		for (unsigned c = lo; c <= hi; c++) {
			if (digits_only) {
				if (!bk__is_digit((char)c))
					return false;
				t->first |= (uint16_t)(1u << (c - '0'));
			} else {
				t->after[c >> 3] |= (uint8_t)(1u << (c & 7));
				t->has_after = true;
			}
		}
	}
	return true;
}

static int
parse_trigger(struct loader *ld, bk_rule *r, const struct entry *e)
{
	const char *v = e->value, *arg;
	char buf[52];
	size_t wl = 0, al;
	unsigned long n;
	char *endp;

	while (wl < e->len && !bk__is_space(v[wl]))
		wl++;
	for (arg = v + wl; *arg != '\0' && bk__is_space(*arg); arg++)
		;
	al = strlen(arg);
	if (word_is(v, wl, "always") && al == 0) {
		r->trigger.kind = BK_TRIGGER_ALWAYS;
	} else if (word_is(v, wl, "nonascii") && al == 0) {
		r->trigger.kind = BK_TRIGGER_NONASCII;
	} else if (word_is(v, wl, "context") && al == 0) {
		r->trigger.kind = BK_TRIGGER_CONTEXT;
	} else if (word_is(v, wl, "digits")) {
		unsigned long m = 0;
		unsigned seps = BK__SEP_ALL;
		bool whole = false;

		errno = 0;
		n = bk__is_digit(*arg) ? strtoul(arg, &endp, 10) : 0;
		if (n >= 1 && errno == 0 && *endp == '-')
			m = bk__is_digit(endp[1]) ? strtoul(endp + 1, &endp, 10) : 0;
		if (n < 1 || n > BK__DIGITS_MAX || errno != 0 || (m != 0 && m < n) ||
		    m > BK__DIGITS_MAX || (*endp != '\0' && !bk__is_space(*endp))) {
			report(ld, e->line, "trigger digits needs a number N from 1 to %d, or N-M",
			    BK__DIGITS_MAX);
			return BK_OK;
		}
		/*
		 * "sep dash dot slash space": the separators allowed between
		 * digits ("sep none": a single group); "whole": the value is a
		 * run of whole digit groups.
		 */
		for (bool in_sep = false;;) {
			size_t k;

			while (*endp != '\0' && bk__is_space(*endp))
				endp++;
			for (k = 0; endp[k] != '\0' && !bk__is_space(endp[k]); k++)
				;
			if (k == 0)
				break;
			unsigned bit = word_is(endp, k, "dash") ? BK__SEP_DASH :
			    word_is(endp, k, "dot") ? BK__SEP_DOT :
			    word_is(endp, k, "slash") ? BK__SEP_SLASH :
			    word_is(endp, k, "space") ? BK__SEP_SPACE :
			    word_is(endp, k, "paren") ? BK__SEP_PAREN :
			    word_is(endp, k, "none") ? BK__SEP_NONE : 0;
			if (word_is(endp, k, "whole")) {
				whole = true;
				in_sep = false;
			} else if (word_is(endp, k, "groups")) {
				unsigned long lo = 0, hi = 0;
				char *g = endp + k;

				while (*g != '\0' && bk__is_space(*g))
					g++;
				errno = 0;
				if (bk__is_digit(*g))
					lo = hi = strtoul(g, &g, 10);
				if (lo >= 1 && errno == 0 && *g == '-')
					hi = bk__is_digit(g[1]) ? strtoul(g + 1, &g, 10) : 0;
				if (lo < 1 || hi < lo || hi > BK__DIGITS_MAX || errno != 0 ||
				    (*g != '\0' && !bk__is_space(*g))) {
					report(ld, e->line, "trigger digits: 'groups' needs a number N from 1 to %d, "
					    "or N-M (groups 2)", BK__DIGITS_MAX);
					return BK_OK;
				}
				r->trigger.min_groups = (unsigned)lo;
				r->trigger.max_groups = (unsigned)hi;
				in_sep = false;
				endp = g;
				continue;
			} else if (word_is(endp, k, "first") || word_is(endp, k, "after")) {
				bool is_first = endp[0] == 'f';
				char *a = endp + k;
				size_t al2;

				while (*a != '\0' && bk__is_space(*a))
					a++;
				for (al2 = 0; a[al2] != '\0' && !bk__is_space(a[al2]); al2++)
					;
				if (!parse_byteset(a, al2, is_first, &r->trigger)) {
					report(ld, e->line, is_first ?
					    "trigger digits: 'first' needs the digits a run may start with (first 08)" :
					    "trigger digits: 'after' needs the ASCII bytes that may come before a run "
					    "(after +, after A-Z)");
					return BK_OK;
				}
				in_sep = false;
				endp = a + al2;
				/* "after A-Z A-Z": the first set is for the byte two before the run. */
				char *b = endp;
				size_t bl;

				while (*b != '\0' && bk__is_space(*b))
					b++;
				for (bl = 0; b[bl] != '\0' && !bk__is_space(b[bl]); bl++)
					;
				if (is_first || bl == 0 || trigger_word(b, bl))
					continue;
				struct bk__trigger last = { 0 };
				if (r->trigger.has_after2 || !parse_byteset(b, bl, false, &last)) {
					report(ld, e->line, "trigger digits: 'after' takes one or two sets of "
					    "bytes (after A-Z A-Z), not '%s'", shown(b, buf));
					return BK_OK;
				}
				memcpy(r->trigger.after2, r->trigger.after, sizeof r->trigger.after);
				memcpy(r->trigger.after, last.after, sizeof last.after);
				r->trigger.has_after2 = true;
				endp = b + bl;
				continue;
			} else if (word_is(endp, k, "sep") && seps == BK__SEP_ALL) {
				seps = 0;
				in_sep = true;
			} else if (in_sep && bit != 0) {
				seps |= bit;
			} else {
				if (in_sep)
					report(ld, e->line, "trigger digits: unknown separator '%.*s' "
					    "(dash, dot, slash, space, paren, none)", (int)k, endp);
				else
					report(ld, e->line, "trigger digits: expected 'sep' and separator "
					    "names, 'first', 'after', 'groups' or 'whole', not '%s'", shown(endp, buf));
				return BK_OK;
			}
			endp += k;
		}
		if (seps == 0) {
			report(ld, e->line, "trigger digits: 'sep' needs at least one separator name");
			return BK_OK;
		}
		if ((seps & BK__SEP_NONE) && seps != BK__SEP_NONE) {
			report(ld, e->line, "trigger digits: 'sep none' takes no other separator");
			return BK_OK;
		}
		r->trigger.kind = BK_TRIGGER_DIGITS;
		r->trigger.digits = (unsigned)n;
		r->trigger.max_digits = (unsigned)m;
		r->trigger.seps = seps;
		r->trigger.whole = whole;
	} else if (word_is(v, wl, "literal")) {
		if (al == 0) {
			report(ld, e->line, "trigger literal needs a text");
			return BK_OK;
		}
		if (!check_folded(ld, e->line, "trigger literal", arg, al))
			return BK_OK;
		r->trigger.literal = bk__dup_bytes(arg, al);
		if (r->trigger.literal == NULL)
			return BK_NOMEM;
		r->trigger.kind = BK_TRIGGER_LITERAL;
		r->trigger.len = al;
	} else {
		report(ld, e->line, "bad trigger '%s' (digits N, literal TEXT, context, nonascii or always)",
		    shown(v, buf));
	}
	return BK_OK;
}

static int
set_key(struct loader *ld, bk_rule *r, const struct entry *e)
{
	const char *v = e->value;
	const struct bk_validator *all;
	struct suggester sg;
	char buf[52];
	size_t i, n;
	unsigned long d;
	char *endp;

	switch (e->key) {
	case K_DESCRIPTION:
		r->description = bk__dup_bytes(v, e->len);
		return r->description != NULL ? BK_OK : BK_NOMEM;
	case K_CATEGORY:
		for (i = 0; i < NCATEGORIES; i++)
			if (strcmp(v, categories[i]) == 0)
				r->category = categories[i];
		if (r->category == NULL)
			report(ld, e->line, "unknown category '%s' (national_id, contact, financial, "
			    "name, address, date_of_birth, network or credential)", shown(v, buf));
		return BK_OK;
	case K_SEVERITY:
		if (bk_severity_parse(v, &r->severity) != BK_OK)
			report(ld, e->line, "bad severity '%s' (low, medium, high or critical)",
			    shown(v, buf));
		return BK_OK;
	case K_CONFIDENCE:
	case K_CONTEXT_CONFIDENCE:
		if (bk_confidence_parse(v, e->key == K_CONFIDENCE ? &r->confidence :
			&r->context_confidence) != BK_OK)
			report(ld, e->line, "bad %s '%s' (low, medium or high)", keydefs[e->key].name,
			    shown(v, buf));
		return BK_OK;
	case K_REQUIRE_CONTEXT:
		if (strcmp(v, "yes") == 0 || strcmp(v, "no") == 0)
			r->require_context = v[0] == 'y';
		else
			report(ld, e->line, "require-context must be yes or no, not '%s'",
			    shown(v, buf));
		return BK_OK;
	case K_PATTERN:
		return compile(ld, r, e);
	case K_VALIDATOR:
		r->validator = bk_validator_find(v);
		if (r->validator != NULL)
			return BK_OK;
		sg.word = v;
		sg.best = NULL;
		all = bk_validators(&n);
		for (i = 0; i < n; i++)
			suggest_try(&sg, all[i].name);
		if (sg.best != NULL)
			report(ld, e->line, "unknown validator '%s' (did you mean '%s'?)",
			    shown(v, buf), sg.best);
		else
			report(ld, e->line, "unknown validator '%s'", shown(v, buf));
		return BK_OK;
	case K_CONTEXT:
		return parse_context(ld, r, e);
	case K_DISTANCE:
		errno = 0;
		d = bk__is_digit(v[0]) ? strtoul(v, &endp, 10) : ULONG_MAX;
		if (d > BK__DISTANCE_MAX || errno != 0 || *endp != '\0')
			report(ld, e->line, "distance must be a whole number from 0 to %d, not '%s'",
			    BK__DISTANCE_MAX, shown(v, buf));
		else
			r->distance = (unsigned)d;
		return BK_OK;
	case K_TRIGGER:
		return parse_trigger(ld, r, e);
	case K_EXAMPLE:
		return strv_push(&r->examples, &r->nexamples, v, e->len);
	case K_COUNTEREXAMPLE:
		return strv_push(&r->counterexamples, &r->ncounterexamples, v, e->len);
	case NKEYS:
		break;
	}
	return BK_OK;
}

static int
insert(bk_ruleset *rs, bk_rule *r)
{
	bk_rule **slot = find_slot(rs, r->id);

	if (slot != NULL) {
		/* A user's rule overrides a shipped one where the shipped one stood. */
		rule_free(*slot);
		*slot = r;
		return BK_OK;
	}
	if (bk__grow(&rs->rules, &rs->cap, rs->n, sizeof *rs->rules) != BK_OK)
		return BK_NOMEM;
	rs->rules[rs->n++] = r;
	return BK_OK;
}

/* The stanza as a whole: each key, then what is missing, then what keys say of each other. */
static int
build_rule(struct loader *ld)
{
	struct stanza *st = &ld->st;
	unsigned long seen[NKEYS] = {0};
	const struct entry *e;
	bk_rule *r;
	size_t i;
	int rc = BK_OK;

	r = calloc(1, sizeof *r);
	if (r == NULL)
		return BK_NOMEM;
	r->confidence = BK_CONFIDENCE_MEDIUM;
	r->distance = BK__DISTANCE_DEFAULT;
	for (i = 0; i < st->n && rc == BK_OK; i++) {
		e = &st->e[i];
		if (seen[e->key] != 0 && !keydefs[e->key].repeatable) {
			report(ld, e->line, "duplicate key '%s' (first on line %lu)",
			    keydefs[e->key].name, seen[e->key]);
			continue;
		}
		if (seen[e->key] == 0)
			seen[e->key] = e->line;
		if (e->len == 0)
			report(ld, e->line, "empty value for '%s'", keydefs[e->key].name);
		else
			rc = set_key(ld, r, e);
	}
	if (rc != BK_OK)
		goto out;
	for (i = 0; i < NKEYS; i++)
		if (keydefs[i].required && seen[i] == 0)
			report(ld, st->line, "missing required key '%s'", keydefs[i].name);
	if (r->require_context && seen[K_CONTEXT] == 0)
		report(ld, seen[K_REQUIRE_CONTEXT], "require-context needs a context key");
	if (r->trigger.kind == BK_TRIGGER_CONTEXT && seen[K_TRIGGER] != 0 && seen[K_CONTEXT] == 0)
		report(ld, seen[K_TRIGGER], "trigger 'context' needs a context key");
	if (r->trigger.whole && r->validator == NULL)
		report(ld, seen[K_TRIGGER], "trigger digits ... whole needs a validator");
	if (r->context_confidence == 0)
		r->context_confidence = r->confidence < BK_CONFIDENCE_HIGH ?
		    (enum bk_confidence)(r->confidence + 1) : BK_CONFIDENCE_HIGH;
	else if (r->context_confidence < r->confidence)
		report(ld, seen[K_CONTEXT_CONFIDENCE], "context-confidence %s is below confidence %s",
		    bk_confidence_name(r->context_confidence), bk_confidence_name(r->confidence));
	if (st->errors > 0)
		goto out;
	if (seen[K_TRIGGER] == 0) {
		rc = bk__trigger_derive(r->pattern, r->code, &r->trigger);
		if (rc != BK_OK)
			goto out;
	}
	if (r->trigger.kind == BK_TRIGGER_DIGITS && r->trigger.seps == 0)
		r->trigger.seps = BK__SEP_ALL;	/* derived triggers allow every separator */
	r->id = st->id;
	st->id = NULL;
	r->file = ld->path;
	r->line = st->line;
	rc = insert(ld->rs, r);
	if (rc == BK_OK)
		return BK_OK;
out:
	rule_free(r);
	return rc;
}

static void
stanza_close(struct loader *ld)
{
	if (ld->st.open && !ld->st.skip && build_rule(ld) != BK_OK)
		ld->nomem = true;
	release_held(ld);
	stanza_reset(&ld->st);
}

/* ---- loading: lines ----------------------------------------------------- */

static bool
valid_id(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || bk__is_digit(c) || c == '_' || c == '.'))
			return false;
		if (c == '.' && s[i + 1] == '.')
			return false;
	}
	return true;
}

static void
header_line(struct loader *ld, const char *s, size_t n)
{
	const char *id = s + 1;
	size_t idn, i;

	stanza_close(ld);
	if (ld->nomem)
		return;
	ld->st.open = true;
	ld->st.skip = true;
	ld->st.line = ld->line;
	ld->target = TARGET_DISCARD;
	if (s[n - 1] != ']') {
		report(ld, ld->line, "expected ']' at the end of the rule's [id]");
		return;
	}
	for (idn = n - 2; idn > 0 && bk__is_space(*id); id++, idn--)
		;
	while (idn > 0 && bk__is_space(id[idn - 1]))
		idn--;
	if (!valid_id(id, idn)) {
		report(ld, ld->line, "bad rule id '%.*s': ids are lowercase dotted words "
		    "(a-z, 0-9, _ and .)", (int)(idn < 64 ? idn : 64), id);
		return;
	}
	for (i = 0; i < ld->nids; i++)
		if (word_is(id, idn, ld->ids[i].id)) {
			report(ld, ld->line, "rule %.*s: already defined on line %lu", (int)idn, id,
			    ld->ids[i].line);
			return;
		}
	ld->st.id = bk__dup_bytes(id, idn);
	if (ld->st.id == NULL ||
	    bk__grow(&ld->ids, &ld->capids, ld->nids, sizeof *ld->ids) != BK_OK) {
		ld->nomem = true;
		return;
	}
	ld->ids[ld->nids].id = bk__dup_bytes(id, idn);
	if (ld->ids[ld->nids].id == NULL) {
		ld->nomem = true;
		return;
	}
	ld->ids[ld->nids++].line = ld->line;
	ld->st.skip = false;
	ld->target = TARGET_NONE;
}

static int
key_lookup(const char *s, size_t n)
{
	int k;

	for (k = 0; k < NKEYS; k++)
		if (word_is(s, n, keydefs[k].name))
			return k;
	return -1;
}

static void
key_line(struct loader *ld, const char *s, size_t n)
{
	const char *eq = memchr(s, '=', n), *v;
	struct suggester sg;
	struct entry *e;
	char key[33];
	size_t kn, vn;
	int k;

	ld->target = TARGET_DISCARD;
	if (eq == NULL) {
		report(ld, ld->line, "expected 'key = value', '[id]' or a comment");
		return;
	}
	for (kn = (size_t)(eq - s); kn > 0 && bk__is_space(s[kn - 1]); kn--)
		;
	for (v = eq + 1, vn = n - (size_t)(v - s); vn > 0 && bk__is_space(*v); v++, vn--)
		;
	if (!ld->st.open) {
		report(ld, ld->line, "key '%.*s' before the first [id]", (int)(kn < 32 ? kn : 32), s);
		return;
	}
	if (ld->st.skip)
		return;
	k = key_lookup(s, kn);
	if (k < 0) {
		snprintf(key, sizeof key, "%.*s", (int)(kn < 32 ? kn : 32), s);
		sg.word = key;
		sg.best = NULL;
		for (k = 0; k < NKEYS; k++)
			suggest_try(&sg, keydefs[k].name);
		if (sg.best != NULL)
			report(ld, ld->line, "unknown key '%s' (did you mean '%s'?)", key, sg.best);
		else
			report(ld, ld->line, "unknown key '%s'", key);
		return;
	}
	if (bk__grow(&ld->st.e, &ld->st.cap, ld->st.n, sizeof *ld->st.e) != BK_OK) {
		ld->nomem = true;
		return;
	}
	e = &ld->st.e[ld->st.n];
	memset(e, 0, sizeof *e);
	e->key = (enum key)k;
	e->line = ld->line;
	ld->st.n++;
	if (buf_add(e, v, vn) != BK_OK) {
		ld->nomem = true;
		return;
	}
	ld->target = (long)ld->st.n - 1;
}

/*
 * A line starting with white space continues the value before it. A pattern
 * gets the line as it is (minus that white space): only the rule's author
 * knows where spaces belong in a regular expression. Other values are text,
 * joined with one space.
 */
static void
continuation_line(struct loader *ld, const char *s, size_t n)
{
	struct entry *e;

	if (ld->target == TARGET_DISCARD)
		return;
	if (ld->target == TARGET_NONE) {
		report(ld, ld->line, "continuation line with no key before it");
		ld->target = TARGET_DISCARD;
		return;
	}
	e = &ld->st.e[ld->target];
	if ((e->key != K_PATTERN && e->len > 0 && buf_add(e, " ", 1) != BK_OK) ||
	    buf_add(e, s, n) != BK_OK)
		ld->nomem = true;
}

static void
do_line(struct loader *ld, const char *s, size_t n)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = s[i] != '\0' ? bk__utf8_char((const unsigned char *)s + i, n - i) : 0;
		if (k == 0) {
			if (s[i] == '\0')
				report(ld, ld->line, "NUL byte at column %zu", i + 1);
			else
				report(ld, ld->line, "invalid UTF-8 at column %zu (rule files are UTF-8)",
				    i + 1);
			ld->target = TARGET_DISCARD;
			return;
		}
	}
	while (n > 0 && bk__is_space(s[n - 1]))
		n--;
	for (i = 0; i < n && bk__is_space(s[i]); i++)
		;
	if (i == n || s[i] == '#')
		return;		/* blank lines and comments do not end a value */
	if (i > 0)
		continuation_line(ld, s + i, n - i);
	else if (s[0] == '[')
		header_line(ld, s, n);
	else
		key_line(ld, s, n);
}

static const char *
intern(bk_ruleset *rs, const char *name)
{
	size_t i;

	for (i = 0; i < rs->nfiles; i++)
		if (strcmp(rs->files[i], name) == 0)
			return rs->files[i];
	if (bk__grow(&rs->files, &rs->capfiles, rs->nfiles, sizeof *rs->files) != BK_OK)
		return NULL;
	rs->files[rs->nfiles] = strdup(name);
	return rs->files[rs->nfiles] != NULL ? rs->files[rs->nfiles++] : NULL;
}

int
bk_ruleset_load_string(bk_ruleset *rs, const char *name, const char *text, size_t len)
{
	const char *p = text, *end = text + len, *nl;
	struct loader ld;
	size_t i;

	memset(&ld, 0, sizeof ld);
	ld.rs = rs;
	ld.target = TARGET_NONE;
	ld.path = intern(rs, name);
	if (ld.path == NULL)
		return BK_NOMEM;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;		/* Windows editors start UTF-8 files with a byte order mark */
	while (p < end && !ld.nomem) {
		nl = memchr(p, '\n', (size_t)(end - p));
		ld.line++;
		do_line(&ld, p, (size_t)((nl != NULL ? nl : end) - p));
		p = nl != NULL ? nl + 1 : end;
	}
	if (!ld.nomem)
		stanza_close(&ld);
	stanza_reset(&ld.st);
	for (i = 0; i < ld.nids; i++)
		free(ld.ids[i].id);
	free(ld.ids);
	if (ld.nomem)
		return BK_NOMEM;
	return ld.errors > 0 ? BK_ERROR : BK_OK;
}

/* ---- loading: files and directories ------------------------------------- */

/* Reads PATH whole into *BUF; BK_OK, BK_ERROR with errno set, or BK_NOMEM. */
static int
read_all(const char *path, char **buf, size_t *len)
{
	size_t cap = 8192, n = 0;
	char *p = NULL, *q;
	ssize_t got;
	int fd, saved;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return BK_ERROR;
	for (;;) {
		if (n == cap || p == NULL) {
			if (p != NULL)
				cap *= 2;
			if (cap > RULES_FILE_MAX + 1)
				cap = RULES_FILE_MAX + 1;
			q = realloc(p, cap);
			if (q == NULL) {
				free(p);
				close(fd);
				return BK_NOMEM;
			}
			p = q;
		}
		got = read(fd, p + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			saved = errno;
			free(p);
			close(fd);
			errno = saved;
			return BK_ERROR;
		}
		if (got == 0)
			break;
		n += (size_t)got;
		if (n > RULES_FILE_MAX) {
			free(p);
			close(fd);
			errno = EFBIG;
			return BK_ERROR;
		}
	}
	close(fd);
	*buf = p;
	*len = n;
	return BK_OK;
}

int
bk_ruleset_load_file(bk_ruleset *rs, const char *path)
{
	char *text;
	size_t len;
	int rc;

	rc = read_all(path, &text, &len);
	if (rc == BK_ERROR)
		report_to(rs, path, 0, errno == EFBIG ? "too large for a rule file (over 16 MiB)" :
		    strerror(errno));
	if (rc != BK_OK)
		return rc;
	rc = bk_ruleset_load_string(rs, path, text, len);
	free(text);
	return rc;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
is_rules_name(const char *name)
{
	size_t n = strlen(name);

	/* Like the shell's *.rules: hidden files are not rule files. */
	return name[0] != '.' && n > 6 && strcmp(name + n - 6, ".rules") == 0;
}

int
bk_ruleset_load_dir(bk_ruleset *rs, const char *dir)
{
	char **names = NULL, *path;
	size_t n = 0, cap = 0, i, dl = strlen(dir);
	struct dirent *de;
	struct stat st;
	int rc = BK_OK, r;
	DIR *d;

	d = opendir(dir);
	if (d == NULL) {
		report_to(rs, dir, 0, strerror(errno));
		return BK_ERROR;
	}
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (de == NULL) {
			if (errno != 0) {
				report_to(rs, dir, 0, strerror(errno));
				rc = BK_ERROR;
			}
			break;
		}
		if (!is_rules_name(de->d_name))
			continue;
		if (bk__grow(&names, &cap, n, sizeof *names) != BK_OK ||
		    (names[n] = strdup(de->d_name)) == NULL) {
			rc = BK_NOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	/* Byte order, not the locale's: the same files load in the same order everywhere. */
	if (n > 1)
		qsort(names, n, sizeof *names, name_cmp);
	while (dl > 1 && dir[dl - 1] == '/')
		dl--;
	for (i = 0; i < n && rc != BK_NOMEM; i++) {
		path = malloc(dl + strlen(names[i]) + 2);
		if (path == NULL) {
			rc = BK_NOMEM;
			break;
		}
		/* "dir/x.rules" whether DIR ends in '/' or not; "/x.rules" for the root. */
		sprintf(path, "%.*s/%s", dl == 1 && dir[0] == '/' ? 0 : (int)dl, dir, names[i]);
		if (stat(path, &st) != 0) {
			report_to(rs, path, 0, strerror(errno));
			rc = BK_ERROR;
		} else if (S_ISREG(st.st_mode)) {
			r = bk_ruleset_load_file(rs, path);
			if (r != BK_OK)
				rc = r;
		}
		free(path);
	}
	strv_free(names, n);
	return rc;
}

/* ---- selection ---------------------------------------------------------- */

static void
select_report(bk_ruleset *rs, const char *item, const char *glob, bool empty)
{
	char msg[256], buf[52];
	struct suggester sg;
	size_t i, j;

	if (empty) {
		snprintf(msg, sizeof msg, "empty item '%s' in the rule list", item);
	} else {
		sg.word = glob;
		sg.best = NULL;
		for (i = 0; i < rs->n; i++)
			suggest_try(&sg, rs->rules[i]->id);
		for (j = 0; j < NCATEGORIES; j++)
			suggest_try(&sg, categories[j]);
		if (sg.best != NULL)
			snprintf(msg, sizeof msg, "no rule matches '%s' (did you mean '%s'?)",
			    shown(glob, buf), sg.best);
		else
			snprintf(msg, sizeof msg, "no rule matches '%s'", shown(glob, buf));
	}
	report_to(rs, NULL, 0, msg);
}

static char *
trim(char *s)
{
	char *e;

	while (bk__is_space(*s))
		s++;
	for (e = s + strlen(s); e > s && bk__is_space(e[-1]); e--)
		;
	*e = '\0';
	return s;
}

int
bk_ruleset_select(bk_ruleset *rs, const char *list)
{
	char *copy, *item, *glob, *save = NULL;
	bool *keep, any_positive = false, neg, matched;
	size_t i, j;
	int rc = BK_OK;

	copy = strdup(list);
	keep = calloc(rs->n + 1, sizeof *keep);
	if (copy == NULL || keep == NULL) {
		free(copy);
		free(keep);
		return BK_NOMEM;
	}
	/* Only exclusions: start from every rule. Any inclusion: start from none. */
	for (item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save))
		if (*(item = trim(item)) != '\0' && *item != '-')
			any_positive = true;
	for (i = 0; i < rs->n; i++)
		keep[i] = !any_positive;
	strcpy(copy, list);
	for (item = strtok_r(copy, ",", &save); item != NULL; item = strtok_r(NULL, ",", &save)) {
		item = trim(item);
		if (*item == '\0')
			continue;
		neg = *item == '-';
		glob = neg ? trim(item + 1) : item;
		if (*glob == '\0') {
			select_report(rs, item, glob, true);
			rc = BK_ERROR;
			continue;
		}
		matched = false;
		for (i = 0; i < rs->n; i++)
			if (fnmatch(glob, rs->rules[i]->id, 0) == 0 ||
			    fnmatch(glob, rs->rules[i]->category, 0) == 0) {
				keep[i] = !neg;
				matched = true;
			}
		if (!matched) {
			select_report(rs, item, glob, false);
			rc = BK_ERROR;
		}
	}
	for (i = j = 0; i < rs->n; i++) {
		if (keep[i])
			rs->rules[j++] = rs->rules[i];
		else
			rule_free(rs->rules[i]);
	}
	rs->n = j;
	free(keep);
	free(copy);
	return rc;
}
