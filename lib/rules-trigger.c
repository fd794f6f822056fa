/*
 * rules-trigger.c - derive a rule's default trigger from its pattern text:
 * the cheap pre-check (a required literal, a run of digits) that decides
 * where the scan engine bothers to run the pattern at all. See rules.c for
 * why the pattern is parsed here rather than left to pcre2_pattern_info, and
 * rules-private.h for what a trigger promises.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules-private.h"
#include "util-private.h"

/* ---- pattern analysis: the default trigger ------------------------------ */

/*
 * The pattern is parsed into a tree of sequences, alternations and
 * single-character items, each with its repetition. Only what the trigger
 * needs is kept: whether a character is an exact literal, a digit, or a
 * separator ('-' '.' '/' ' '). Anything whose meaning the parser is not sure
 * of makes it give up (\Q, verbs, conditionals, callouts, unknown escapes):
 * a wrong trigger loses findings silently, a missing one only costs time.
 * The pattern has compiled before it gets here, so its syntax is known good.
 */

enum pn_kind { PN_SEQ, PN_ALT, PN_CHAR, PN_SET, PN_ZERO };
enum pn_class { PC_OTHER, PC_DIGIT, PC_SEP, PC_GROUP };	/* GROUP: only in class_member */

#define REP_INF UINT_MAX

struct pnode {
	enum pn_kind kind;
	enum pn_class cls;	/* CHAR, SET: what one repetition matches */
	bool exact;		/* CHAR: only these bytes match (no caseless folding) */
	unsigned char len;
	char bytes[4];
	unsigned min, max;
	int child, last, next;	/* SEQ, ALT: children; every node: next sibling */
	bool opaque;		/* a call or back reference: its length is not known */
};

#define F_CASELESS 1u
#define F_EXTENDED 2u
#define F_EXTENDED_MORE 4u

struct pparse {
	const char *p, *end;
	struct pnode *nodes;
	size_t n, cap;
	int depth;
	bool gave_up;
	bool nomem;
};

static int
pn_new(struct pparse *pp, enum pn_kind kind, enum pn_class cls)
{
	struct pnode *nd;

	if (pp->n >= INT_MAX ||
	    bk__grow(&pp->nodes, &pp->cap, pp->n, sizeof *pp->nodes) != BK_OK) {
		pp->nomem = pp->n < INT_MAX;
		pp->gave_up = true;
		return -1;
	}
	nd = &pp->nodes[pp->n];
	memset(nd, 0, sizeof *nd);
	nd->kind = kind;
	nd->cls = cls;
	nd->min = nd->max = 1;
	nd->child = nd->last = nd->next = -1;
	return (int)pp->n++;
}

static void
pn_append(struct pparse *pp, int parent, int child)
{
	struct pnode *p = &pp->nodes[parent];

	if (p->last < 0)
		p->child = child;
	else
		pp->nodes[p->last].next = child;
	p->last = child;
}

static int
give_up(struct pparse *pp)
{
	pp->gave_up = true;
	return -1;
}

/* Past the first C at or after P, or NULL. */
static const char *
skip_past(const char *p, const char *end, char c)
{
	const char *q = memchr(p, c, (size_t)(end - p));

	return q != NULL ? q + 1 : NULL;
}

/* Skips what PCRE2 ignores between items: (?#...), and in extended mode white space and #... */
static void
skip_ignored(struct pparse *pp, unsigned flags)
{
	static const char *const uspace[] = {
		"\xc2\x85", "\xe2\x80\x8e", "\xe2\x80\x8f", "\xe2\x80\xa8", "\xe2\x80\xa9",
	};
	const char *p;
	size_t i;

	for (;;) {
		p = pp->p;
		if (pp->end - p >= 3 && memcmp(p, "(?#", 3) == 0) {
			p = skip_past(p, pp->end, ')');
			if (p == NULL) {
				give_up(pp);
				p = pp->end;
			}
			pp->p = p;
			continue;
		}
		if (!(flags & F_EXTENDED) || p >= pp->end)
			return;
		if (bk__is_space(*p) || *p == '\n') {
			pp->p++;
			continue;
		}
		if (*p == '#') {
			p = skip_past(p, pp->end, '\n');
			pp->p = p != NULL ? p : pp->end;
			continue;
		}
		for (i = 0; i < sizeof uspace / sizeof uspace[0]; i++) {
			size_t n = strlen(uspace[i]);

			if ((size_t)(pp->end - p) >= n && memcmp(p, uspace[i], n) == 0) {
				pp->p += n;
				break;
			}
		}
		if (i == sizeof uspace / sizeof uspace[0])
			return;
	}
}

enum esc_kind { E_CHAR, E_DIGIT, E_SET, E_ZERO, E_NONE };

struct esc {
	enum esc_kind kind;
	unsigned char len;
	char bytes[4];
};

static int
hex_value(char c)
{
	if (bk__is_digit(c))
		return c - '0';
	c = bk__lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static const char *
esc_byte(struct esc *e, unsigned v, const char *p)
{
	/* A NUL or non-ASCII code point is kept out of literals: it is not one byte. */
	if (v == 0 || v >= 0x80)
		return p;
	e->kind = E_CHAR;
	e->len = 1;
	e->bytes[0] = (char)v;
	return p;
}

/*
 * Reads the escape after a backslash at P: E_CHAR with its bytes, \d, a
 * zero-width assertion, an escape of something else, or \E (nothing).
 * Returns the end of the escape, or NULL to give up.
 */
static const char *
parse_escape(const char *p, const char *end, struct esc *e)
{
	unsigned v;
	int h;
	char c;

	e->kind = E_SET;
	e->len = 0;
	if (p >= end)
		return NULL;
	c = *p;
	if ((unsigned char)c >= 0x80) {
		size_t n = bk__utf8_char((const unsigned char *)p, (size_t)(end - p));

		if (n == 0)
			return NULL;
		e->kind = E_CHAR;
		e->len = (unsigned char)n;
		memcpy(e->bytes, p, n);
		return p + n;
	}
	if (!bk__is_digit(c) && !bk__is_alpha(c))
		return esc_byte(e, (unsigned char)c, p + 1);
	p++;
	switch (c) {
	case 'd':
		e->kind = E_DIGIT;
		return p;
	case 'D': case 'h': case 'H': case 's': case 'S': case 'v': case 'V': case 'w': case 'W':
	case 'R': case 'X':
		return p;
	case 'N':
		return p < end && *p == '{' ? skip_past(p, end, '}') : p;
	case 'A': case 'b': case 'B': case 'G': case 'K': case 'z': case 'Z':
		e->kind = E_ZERO;
		return p;
	case 'a':
		return esc_byte(e, 7, p);
	case 'e':
		return esc_byte(e, 27, p);
	case 'f':
		return esc_byte(e, 12, p);
	case 'n':
		return esc_byte(e, 10, p);
	case 'r':
		return esc_byte(e, 13, p);
	case 't':
		return esc_byte(e, 9, p);
	case 'x':
		v = 0;
		if (p < end && *p == '{') {
			for (p++; p < end && (h = hex_value(*p)) >= 0; p++)
				v = v < 0x110000 ? v * 16 + (unsigned)h : v;
			if (p >= end || *p != '}')
				return NULL;
			return esc_byte(e, v, p + 1);
		}
		for (h = 0; h < 2 && p < end && hex_value(*p) >= 0; h++, p++)
			v = v * 16 + (unsigned)hex_value(*p);
		return esc_byte(e, v, p);
	case 'o':
		return p < end && *p == '{' ? skip_past(p, end, '}') : NULL;
	case '0':
		for (h = 0; h < 2 && p < end && *p >= '0' && *p <= '7'; h++)
			p++;
		return p;
	case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
		/* A back reference or an octal escape: either way not a literal. */
		while (p < end && bk__is_digit(*p))
			p++;
		return p;
	case 'g':
		if (p < end && *p == '{')
			return skip_past(p, end, '}');
		if (p < end && *p == '<')
			return skip_past(p, end, '>');
		if (p < end && *p == '\'')
			return skip_past(p + 1, end, '\'');
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || !bk__is_digit(*p))
			return NULL;
		while (p < end && bk__is_digit(*p))
			p++;
		return p;
	case 'k':
		if (p < end && *p == '{')
			return skip_past(p, end, '}');
		if (p < end && *p == '<')
			return skip_past(p, end, '>');
		if (p < end && *p == '\'')
			return skip_past(p + 1, end, '\'');
		return NULL;
	case 'p': case 'P':
		if (p < end && *p == '{')
			return skip_past(p, end, '}');
		return p < end ? p + 1 : NULL;
	case 'c':
		return p < end ? p + 1 : NULL;
	case 'E':
		e->kind = E_NONE;
		return p;
	default:
		/* \Q...\E and anything newer than this parser. */
		return NULL;
	}
}

static enum pn_class
byte_class(unsigned char c)
{
	if (bk__is_digit((char)c))
		return PC_DIGIT;
	if (c == '-' || c == '.' || c == '/' || c == ' ')
		return PC_SEP;
	return PC_OTHER;
}

static int
char_node(struct pparse *pp, const char *bytes, size_t len, unsigned flags)
{
	int i = pn_new(pp, PN_CHAR, len == 1 ? byte_class((unsigned char)bytes[0]) : PC_OTHER);
	struct pnode *nd;

	if (i < 0)
		return -1;
	nd = &pp->nodes[i];
	memcpy(nd->bytes, bytes, len);
	nd->len = (unsigned char)len;
	/* Caseless, a letter (or any non-ASCII character, Unicode folding) matches more than itself. */
	nd->exact = !(flags & F_CASELESS) || (len == 1 && !bk__is_alpha(bytes[0]));
	return i;
}

/*
 * One member of a character class at P: *LO is its byte (ASCII) or -1, and
 * *SET says it was \d (PC_DIGIT), another escape class (PC_OTHER), or a
 * single character (PC_GROUP, meaning "look at *LO"). NULL to give up.
 */
static const char *
class_member(const char *p, const char *end, int *lo, enum pn_class *set)
{
	struct esc e;
	size_t n;

	*lo = -1;
	*set = PC_GROUP;
	if (*p == '\\') {
		p = parse_escape(p + 1, end, &e);
		if (p == NULL)
			return NULL;
		if (e.kind == E_DIGIT)
			*set = PC_DIGIT;
		else if (e.kind == E_CHAR && e.len == 1)
			*lo = (unsigned char)e.bytes[0];
		else if (e.kind != E_CHAR)
			*set = PC_OTHER;
		return p;
	}
	n = bk__utf8_char((const unsigned char *)p, (size_t)(end - p));
	if (n == 0)
		return NULL;
	if (n == 1)
		*lo = (unsigned char)*p;
	return p + n;
}

/* [...]: a set that is all digits, all separators, or other. */
static int
parse_class(struct pparse *pp, unsigned flags)
{
	const char *p = pp->p + 1, *end = pp->end, *q;
	bool neg = false, first = true, digits = true, seps = true;
	enum pn_class set, set2;
	int lo, hi;

	if (p < end && *p == '^')
		neg = true, p++;
	for (;;) {
		if (p >= end)
			return give_up(pp);
		if (*p == ']' && !first) {
			p++;
			break;
		}
		first = false;
		if ((flags & F_EXTENDED_MORE) && (*p == ' ' || *p == '\t')) {
			p++;
			continue;
		}
		if (*p == '\\' && p + 1 < end && p[1] == 'E') {
			p += 2;
			continue;
		}
		if (*p == '[' && p + 1 < end && p[1] == ':') {
			q = p + 2;
			while (q + 1 < end && !(q[0] == ':' && q[1] == ']'))
				q++;
			if (q + 1 >= end)
				return give_up(pp);
			if (q - p == 7 && memcmp(p + 2, "digit", 5) == 0)
				seps = false;
			else
				digits = seps = false;
			p = q + 2;
			continue;
		}
		p = class_member(p, end, &lo, &set);
		if (p == NULL)
			return give_up(pp);
		if (set != PC_GROUP) {
			if (set == PC_DIGIT)
				seps = false;
			else
				digits = seps = false;
			continue;
		}
		if (p + 1 < end && *p == '-' && p[1] != ']') {
			p = class_member(p + 1, end, &hi, &set2);
			if (p == NULL || set2 != PC_GROUP)
				return give_up(pp);
			if (lo >= '0' && hi <= '9' && lo <= hi)
				seps = false;
			else
				digits = seps = false;
			continue;
		}
		set = lo >= 0 ? byte_class((unsigned char)lo) : PC_OTHER;
		if (set != PC_DIGIT)
			digits = false;
		if (set != PC_SEP)
			seps = false;
	}
	pp->p = p;
	return pn_new(pp, PN_SET, neg || digits == seps ? PC_OTHER : digits ? PC_DIGIT : PC_SEP);
}

static int parse_alt(struct pparse *pp, unsigned *flags);

/* A group the parser does not look into but knows the end of: a call or a back reference. */
static int
opaque(struct pparse *pp, const char *p)
{
	p = skip_past(p, pp->end, ')');
	if (p == NULL)
		return give_up(pp);
	pp->p = p;
	int i = pn_new(pp, PN_SET, PC_OTHER);
	if (i >= 0)
		pp->nodes[i].opaque = true;
	return i;
}

/*
 * (...) in all its forms. Option settings change *FLAGS for the rest of the
 * enclosing group, as in PCRE2 (including later alternatives), and return -1
 * with nothing to add. Lookarounds are zero-width: what they hold is not
 * part of the match.
 */
static int
parse_group(struct pparse *pp, unsigned *flags)
{
	const char *p = pp->p + 1, *end = pp->end;
	unsigned local = *flags, nf;
	bool look = false, neg = false;
	int node;

	if (p < end && *p == '?') {
		if (++p >= end)
			return give_up(pp);
		switch (*p) {
		case ':': case '|': case '>':
			p++;
			break;
		case '=': case '!':
			look = true;
			p++;
			break;
		case '<':
			if (p + 1 < end && (p[1] == '=' || p[1] == '!')) {
				look = true;
				p += 2;
			} else {
				p = skip_past(p, end, '>');
			}
			break;
		case '\'':
			p = skip_past(p + 1, end, '\'');
			break;
		case 'P':
			if (p + 1 < end && p[1] == '<') {
				p = skip_past(p, end, '>');
				break;
			}
			return opaque(pp, p);
		case 'R': case '&': case '+':
		case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			return opaque(pp, p);
		default:
			if (*p == '-' && p + 1 < end && bk__is_digit(p[1]))
				return opaque(pp, p);
			nf = *flags;
			if (*p == '^') {
				nf &= ~(F_CASELESS | F_EXTENDED | F_EXTENDED_MORE);
				p++;
			}
			for (; p < end; p++) {
				if (*p == '-') {
					neg = true;
				} else if (*p == 'i') {
					nf = neg ? nf & ~F_CASELESS : nf | F_CASELESS;
				} else if (*p == 'x') {
					if (neg)
						nf &= ~(F_EXTENDED | F_EXTENDED_MORE);
					else if (p + 1 < end && p[1] == 'x')
						nf |= F_EXTENDED | F_EXTENDED_MORE, p++;
					else
						nf |= F_EXTENDED;
				} else if (strchr("mnsJU", *p) == NULL || *p == '\0') {
					break;
				}
			}
			if (p < end && *p == ')') {
				*flags = nf;
				pp->p = p + 1;
				return -1;
			}
			if (p >= end || *p != ':')
				return give_up(pp);	/* (?( conditionals, (?C callouts, newer syntax */
			local = nf;
			p++;
			break;
		}
	} else if (p < end && *p == '*') {
		return give_up(pp);	/* verbs and (*pla: style assertions */
	}
	if (p == NULL || ++pp->depth > 250)
		return give_up(pp);
	pp->p = p;
	node = parse_alt(pp, &local);
	pp->depth--;
	if (pp->gave_up || pp->p >= pp->end || *pp->p != ')')
		return give_up(pp);
	pp->p++;
	return look ? pn_new(pp, PN_ZERO, PC_OTHER) : node;
}

static int
parse_item(struct pparse *pp, unsigned *flags)
{
	const char *p = pp->p;
	struct esc e;
	size_t n;

	switch (*p) {
	case '(':
		return parse_group(pp, flags);
	case '[':
		return parse_class(pp, *flags);
	case '.':
		pp->p++;
		return pn_new(pp, PN_SET, PC_OTHER);
	case '^': case '$':
		pp->p++;
		return pn_new(pp, PN_ZERO, PC_OTHER);
	case '*': case '+': case '?':
		return give_up(pp);
	case '\\':
		p = parse_escape(p + 1, pp->end, &e);
		if (p == NULL)
			return give_up(pp);
		pp->p = p;
		switch (e.kind) {
		case E_CHAR:
			return char_node(pp, e.bytes, e.len, *flags);
		case E_DIGIT:
			return pn_new(pp, PN_SET, PC_DIGIT);
		case E_ZERO:
			return pn_new(pp, PN_ZERO, PC_OTHER);
		case E_NONE:
			return -1;
		case E_SET:
			break;
		}
		return pn_new(pp, PN_SET, PC_OTHER);
	default:
		n = bk__utf8_char((const unsigned char *)p, (size_t)(pp->end - p));
		if (n == 0)
			return give_up(pp);
		pp->p += n;
		return char_node(pp, p, n, *flags);
	}
}

static unsigned
read_number(const char **pp, const char *end)
{
	const char *p = *pp;
	unsigned v = 0;

	for (; p < end && bk__is_digit(*p); p++)
		v = v < 100000 ? v * 10 + (unsigned)(*p - '0') : v;
	*pp = p;
	return v;
}

/*
 * {n}, {n,}, {n,m} at P; NULL when it is not a quantifier (then PCRE2 reads
 * '{' as a literal). The forms PCRE2 10.43 added ({,m}, spaces inside) are
 * taken as {0,}: whichever way this PCRE2 reads them, that claims nothing.
 */
static const char *
parse_braces(const char *p, const char *end, unsigned *min, unsigned *max)
{
	const char *q = p + 1, *d;
	bool any = false;

	d = q;
	*min = read_number(&q, end);
	if (q > d && q < end && *q == '}') {
		*max = *min;
		return q + 1;
	}
	if (q > d && q < end && *q == ',') {
		d = ++q;
		*max = read_number(&q, end);
		if (q < end && *q == '}') {
			if (q == d)
				*max = REP_INF;
			return q + 1;
		}
	}
	for (q = p + 1; q < end && *q != '}'; q++) {
		if (bk__is_digit(*q))
			any = true;
		else if (*q != ',' && *q != ' ' && *q != '\t')
			return NULL;
	}
	if (q >= end || !any)
		return NULL;
	*min = 0;
	*max = REP_INF;
	return q + 1;
}

static bool
parse_quant(struct pparse *pp, unsigned *min, unsigned *max)
{
	const char *p = pp->p, *end = pp->end;

	if (p >= end)
		return false;
	switch (*p) {
	case '?':
		*min = 0, *max = 1, p++;
		break;
	case '*':
		*min = 0, *max = REP_INF, p++;
		break;
	case '+':
		*min = 1, *max = REP_INF, p++;
		break;
	case '{':
		p = parse_braces(p, end, min, max);
		if (p == NULL)
			return false;
		break;
	default:
		return false;
	}
	if (p < end && (*p == '+' || *p == '?'))
		p++;	/* possessive or lazy: the same strings match */
	pp->p = p;
	return true;
}

static int
parse_seq(struct pparse *pp, unsigned *flags)
{
	int seq = pn_new(pp, PN_SEQ, PC_OTHER), item;
	unsigned min, max;

	while (seq >= 0 && !pp->gave_up) {
		skip_ignored(pp, *flags);
		if (pp->p >= pp->end || *pp->p == '|' || *pp->p == ')')
			break;
		item = parse_item(pp, flags);
		if (item < 0)
			continue;
		skip_ignored(pp, *flags);
		if (parse_quant(pp, &min, &max)) {
			pp->nodes[item].min = min;
			pp->nodes[item].max = max;
			skip_ignored(pp, *flags);
			/* A second quantifier: whatever it means, this parser does not claim to know. */
			if (parse_quant(pp, &min, &max))
				return give_up(pp);
		}
		pn_append(pp, seq, item);
	}
	return pp->gave_up ? -1 : seq;
}

static int
parse_alt(struct pparse *pp, unsigned *flags)
{
	int first = parse_seq(pp, flags), alt, branch;

	if (first < 0 || pp->p >= pp->end || *pp->p != '|')
		return first;
	alt = pn_new(pp, PN_ALT, PC_OTHER);
	if (alt < 0)
		return -1;
	pn_append(pp, alt, first);
	while (pp->p < pp->end && *pp->p == '|') {
		pp->p++;
		branch = parse_seq(pp, flags);
		if (branch < 0)
			return -1;
		pn_append(pp, alt, branch);
	}
	return alt;
}

/* The root node, or -1 when the parser gave up (or ran out of memory). */
static int
pattern_parse(struct pparse *pp, const char *pattern)
{
	unsigned flags = 0;
	int root;

	pp->p = pattern;
	pp->end = pattern + strlen(pattern);
	root = parse_alt(pp, &flags);
	if (root >= 0 && pp->p != pp->end)
		return give_up(pp);
	return root;
}

/*
 * Required literals. A literal is "strong" when it is at least three bytes or
 * holds a byte that is rare in logs ('@', '$', '〒', ...): such a literal
 * beats a digits trigger; a lone '-' or '.' does not.
 */
struct lit {
	char s[BK__LITERAL_MAX];
	size_t len;
};

static bool
lit_strong(const struct lit *l)
{
	static const char weak[] = " \t.,:;/\\-_=&?%()[]'\"+*#!~|<>{}";
	size_t i;

	if (l->len >= 3)
		return true;
	for (i = 0; i < l->len; i++)
		if (!bk__is_digit(l->s[i]) && !bk__is_alpha(l->s[i]) && strchr(weak, l->s[i]) == NULL)
			return true;
	return false;
}

static void
lit_offer(struct lit *best, const struct lit *cand)
{
	bool cs, bs;

	if (cand->len == 0)
		return;
	cs = lit_strong(cand);
	bs = lit_strong(best);
	if (best->len == 0 || (cs && !bs) || (cs == bs && cand->len > best->len))
		*best = *cand;
}

/* Appends S to RUN; false when it did not fit and RUN restarted with it. */
static bool
lit_add(struct lit *run, struct lit *best, const char *s, size_t n)
{
	bool fit = run->len + n <= BK__LITERAL_MAX;

	if (!fit) {
		lit_offer(best, run);
		run->len = 0;
		if (n > BK__LITERAL_MAX) {
			/* Any part of a required string is required; keep whole characters. */
			n = BK__LITERAL_MAX;
			while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
				n--;
		}
	}
	memcpy(run->s + run->len, s, n);
	run->len += n;
	return fit;
}

struct litres {
	bool fixed;		/* every match of one repetition is exactly FIX */
	struct lit fix;
	struct lit best;	/* the best literal every match of one repetition holds */
};

static void
lit_node(const struct pparse *pp, int i, struct litres *out)
{
	const struct pnode *nd = &pp->nodes[i], *cn;
	struct litres r;
	struct lit run;
	bool fixed = true;
	int c;

	memset(out, 0, sizeof *out);
	switch (nd->kind) {
	case PN_CHAR:
		if (nd->exact) {
			out->fixed = true;
			memcpy(out->fix.s, nd->bytes, nd->len);
			out->fix.len = nd->len;
		}
		return;
	case PN_ZERO:
		out->fixed = true;
		return;
	case PN_SET:
	case PN_ALT:
		/* Branches could share a literal; finding it is not worth the risk. */
		return;
	case PN_SEQ:
		break;
	}
	run.len = 0;
	for (c = nd->child; c >= 0; c = cn->next) {
		cn = &pp->nodes[c];
		if (cn->max == 0)
			continue;
		lit_node(pp, c, &r);
		if (cn->min == 0 || !r.fixed) {
			fixed = false;
			if (cn->min > 0)
				lit_offer(&out->best, &r.best);
			lit_offer(&out->best, &run);
			run.len = 0;
			continue;
		}
		if (!lit_add(&run, &out->best, r.fix.s, r.fix.len))
			fixed = false;
		if (cn->min != 1 || cn->max != 1) {
			/* The first copy follows what came before, the last one precedes what follows. */
			fixed = false;
			lit_offer(&out->best, &run);
			run = r.fix;
		}
	}
	lit_offer(&out->best, &run);
	if (fixed) {
		out->fixed = true;
		out->fix = run;
	}
}

/*
 * Digit runs. CUR counts the digits of the run being read, SEP_LAST says the
 * text read so far may end with a separator (so another one would make two
 * in a row, which ends a run), BEST is the longest run proven so far. An
 * alternation is read once per branch from the same state and the results
 * merged into what holds whichever branch matched: the smallest of each
 * count, and "may end with a separator" if any branch may. BUDGET bounds the
 * work of unrolling repetitions and branches.
 */
struct drun {
	unsigned cur, best;
	bool sep_last;
	unsigned budget;
};

static void
drun_end(struct drun *d)
{
	if (d->cur > d->best)
		d->best = d->cur;
	d->cur = 0;
	d->sep_last = false;
}

static void
drun_merge(struct drun *acc, const struct drun *b, bool first)
{
	unsigned proven = b->best > b->cur ? b->best : b->cur;

	if (first || proven < acc->best)
		acc->best = proven;
	if (first || b->cur < acc->cur)
		acc->cur = b->cur;
	acc->sep_last = (!first && acc->sep_last) || b->sep_last;
	acc->budget = b->budget;
}

static void dig_node(const struct pparse *pp, int i, struct drun *d);

/* One repetition of node I, continuing the run in D. */
static void
dig_once(const struct pparse *pp, int i, struct drun *d)
{
	const struct pnode *nd = &pp->nodes[i];
	struct drun in, b;
	int c;

	if (d->budget == 0) {
		drun_end(d);
		return;
	}
	d->budget--;
	switch (nd->kind) {
	case PN_ZERO:
		return;
	case PN_CHAR:
	case PN_SET:
		if (nd->cls == PC_DIGIT) {
			d->cur = d->cur < UINT_MAX ? d->cur + 1 : d->cur;
			d->sep_last = false;
		} else if (nd->cls == PC_SEP) {
			if (d->sep_last)
				drun_end(d);
			d->sep_last = true;
		} else {
			drun_end(d);
		}
		return;
	case PN_SEQ:
		for (c = nd->child; c >= 0; c = pp->nodes[c].next)
			dig_node(pp, c, d);
		return;
	case PN_ALT:
		in = *d;
		for (c = nd->child; c >= 0; c = pp->nodes[c].next) {
			b = in;
			b.budget = d->budget;
			dig_node(pp, c, &b);
			drun_merge(d, &b, c == nd->child);
		}
		return;
	}
}

/* Node I with its repetition. */
static void
dig_node(const struct pparse *pp, int i, struct drun *d)
{
	const struct pnode *nd = &pp->nodes[i];
	struct drun absent, b;
	unsigned n, j;

	if (nd->max == 0 || nd->kind == PN_ZERO)
		return;
	if ((nd->kind == PN_CHAR || nd->kind == PN_SET) && nd->cls == PC_DIGIT) {
		/* Digits never break a run, however many there are. */
		if (nd->min > 0) {
			d->cur = d->cur + nd->min < d->cur ? UINT_MAX : d->cur + nd->min;
			d->sep_last = false;
		}
		return;
	}
	if (nd->min == 0) {
		/* Absent, or present once and then whatever further copies do. */
		absent = *d;
		b = *d;
		dig_once(pp, i, &b);
		if (nd->max > 1)
			drun_end(&b);
		absent.budget = b.budget;
		drun_merge(d, &absent, true);
		drun_merge(d, &b, false);
		return;
	}
	/* The first copies follow what came before; copies past MIN may or may not be there. */
	n = nd->min < 16 ? nd->min : 16;
	for (j = 0; j < n; j++)
		dig_once(pp, i, d);
	if (nd->max != n)
		drun_end(d);
}

/* The longest run of digits every match of the pattern holds. */
static unsigned
dig_best(const struct pparse *pp, int root)
{
	struct drun d = {0, 0, false, 4096};

	dig_node(pp, root, &d);
	drun_end(&d);
	return d.best;
}

/* PCRE2's own view, for patterns the parser gave up on: does every match start with a digit? */
static bool
starts_with_digit(const pcre2_code *code)
{
	const uint8_t *map = NULL;
	uint32_t type = 0, unit = 0;
	unsigned i;

	if (pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODETYPE, &type) != 0)
		return false;
	if (type == 1)
		return pcre2_pattern_info(code, PCRE2_INFO_FIRSTCODEUNIT, &unit) == 0 &&
		    unit >= '0' && unit <= '9';
	if (type != 0 || pcre2_pattern_info(code, PCRE2_INFO_FIRSTBITMAP, &map) != 0 || map == NULL)
		return false;
	for (i = 0; i < 256; i++)
		if ((map[i / 8] & (1u << (i % 8))) && !(i >= '0' && i <= '9'))
			return false;
	return true;
}

/*
 * PCRE2's required code unit, for patterns the parser gave up on: only ASCII
 * punctuation is taken (a letter may be caseless, a byte of a multibyte
 * character is everywhere in Japanese text).
 */
static void
pcre2_literal(const pcre2_code *code, struct lit *l)
{
	static const uint32_t what[2][2] = {
		{PCRE2_INFO_LASTCODETYPE, PCRE2_INFO_LASTCODEUNIT},
		{PCRE2_INFO_FIRSTCODETYPE, PCRE2_INFO_FIRSTCODEUNIT},
	};
	uint32_t type, unit;
	unsigned i;

	for (i = 0; i < 2; i++)
		if (pcre2_pattern_info(code, what[i][0], &type) == 0 && type == 1 &&
		    pcre2_pattern_info(code, what[i][1], &unit) == 0 && unit > ' ' && unit < 0x7f &&
		    !bk__is_alpha((char)unit) && !bk__is_digit((char)unit)) {
			l->s[0] = (char)unit;
			l->len = 1;
			return;
		}
}

/* ---- the longest match ------------------------------------------------ */

static unsigned
sat_mul(unsigned a, unsigned b)
{
	return a != 0 && b > UINT_MAX / a ? UINT_MAX : a * b;
}

static unsigned
sat_add(unsigned a, unsigned b)
{
	return a > UINT_MAX - b ? UINT_MAX : a + b;
}

/* The most bytes node I with its repetition can match; UINT_MAX if unbounded. */
static unsigned
max_bytes(const struct pparse *pp, int i)
{
	const struct pnode *nd = &pp->nodes[i];
	unsigned one = 0;

	if (nd->kind == PN_ZERO || nd->max == 0)
		return 0;
	switch (nd->kind) {
	case PN_ZERO:
		return 0;
	case PN_CHAR:
		/* Caseless, a letter may match a longer character (K and the Kelvin sign). */
		one = nd->exact || nd->len >= 4 ? nd->len : 4;
		break;
	case PN_SET:
		/* A class of unknown members may match any character: 4 bytes of UTF-8. */
		one = nd->opaque ? UINT_MAX : nd->cls == PC_DIGIT || nd->cls == PC_SEP ? 1 : 4;
		break;
	case PN_SEQ:
		for (int c = nd->child; c >= 0; c = pp->nodes[c].next)
			one = sat_add(one, max_bytes(pp, c));
		break;
	case PN_ALT:
		for (int c = nd->child; c >= 0; c = pp->nodes[c].next) {
			unsigned b = max_bytes(pp, c);

			one = b > one ? b : one;
		}
		break;
	}
	if (one == UINT_MAX || nd->max == REP_INF)
		return one == 0 ? 0 : UINT_MAX;
	return sat_mul(one, nd->max);
}

unsigned
bk__pattern_reach(const char *pattern)
{
	struct pparse pp;
	unsigned n = 0;
	int root;

	memset(&pp, 0, sizeof pp);
	root = pattern_parse(&pp, pattern);
	if (root >= 0 && !pp.nomem)
		n = max_bytes(&pp, root);
	free(pp.nodes);
	return n == UINT_MAX ? 0 : n;
}

int
bk__trigger_derive(const char *pattern, const pcre2_code *code, struct bk__trigger *t)
{
	struct pparse pp;
	struct litres lr;
	struct lit lit;
	unsigned digits = 0;
	int root;

	memset(&pp, 0, sizeof pp);
	memset(t, 0, sizeof *t);
	lit.len = 0;
	t->derived = true;
	root = pattern_parse(&pp, pattern);
	if (pp.nomem) {
		free(pp.nodes);
		return BK_NOMEM;
	}
	if (root >= 0) {
		lit_node(&pp, root, &lr);
		lit = lr.best;
		digits = dig_best(&pp, root);
	} else if (code != NULL) {
		pcre2_literal(code, &lit);
	}
	free(pp.nodes);
	if (digits == 0 && code != NULL && starts_with_digit(code))
		digits = 1;
	if (lit.len > 0 && (lit_strong(&lit) || digits == 0)) {
		t->literal = bk__dup_bytes(lit.s, lit.len);
		if (t->literal == NULL)
			return BK_NOMEM;
		t->kind = BK_TRIGGER_LITERAL;
		t->len = lit.len;
	} else if (digits > 0) {
		t->kind = BK_TRIGGER_DIGITS;
		t->digits = digits < BK__DIGITS_MAX ? digits : BK__DIGITS_MAX;
	} else {
		t->kind = BK_TRIGGER_ALWAYS;
	}
	return BK_OK;
}

