/*
 * event-json.c - `event` records read back: bk_event_from_record over a
 * record jansson parsed, and the direct decoder bk_reader_next_event tries
 * first; see event-json.h.
 *
 * The decoder is a strict scanner for one flat JSON object per line. It
 * accepts a line only when it can vouch that jansson, as bk_reader_next
 * calls it (JSON_ALLOW_NUL, duplicate keys allowed), would parse it into an
 * object of type "event", and that bk_event_from_record would make the same
 * event of that object. So it follows jansson's grammar and checks (UTF-8
 * validated as table 3-7 of the Unicode standard has it, no raw control
 * bytes in strings, \u escapes paired into surrogates or refused, no
 * leading zeros, integers within int64) and declines, leaving the line to
 * jansson, wherever matching jansson exactly would take more than the
 * records we write ever need: a key written with an escape or given twice
 * (jansson keeps the last value), a number with an exponent (it may
 * overflow a double, which jansson refuses), nesting deeper than 32.
 * Fields bk_event_from_record reads are taken with its rules (a field of the
 * wrong type is absent); every other key and value is checked and skipped.
 *
 * Strings point into the line when they hold no escape; the others, and
 * the NUL-terminated ones (format, file), are written to the reader's
 * scratch buffer, which holds the whole line's worth once it has grown to
 * the longest line: no allocation per line. An unescaped string is never
 * longer than its quoted source, so one reservation of the line's length
 * per line is enough and nothing moves while the event points into it.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <jansson.h>

#include "event-json-private.h"
#include "util-private.h"

/* Nesting of arrays and objects below the record that the decoder follows. */
#define MAX_DEPTH 32

/* ---- times -------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's method). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + (int64_t)doe - 719468;
}

static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* "2015-05-08T01:15:02.123Z" (the writer's form) to milliseconds; BK_EVENT_NONE otherwise. */
static int64_t
parse_rfc3339(const char *s, size_t n)
{
	int y, mo, d, h, mi, se, ms = 0;

	if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return BK_EVENT_NONE;
	y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 ||
	    mi > 59 || se < 0 || se > 60)
		return BK_EVENT_NONE;
	if (n == 24 && s[19] == '.' && s[23] == 'Z')
		ms = digits(s + 20, 3);
	else if (!(n == 20 && s[19] == 'Z'))
		return BK_EVENT_NONE;
	if (ms < 0)
		return BK_EVENT_NONE;
	return ((days_from_civil(y, (unsigned)mo, (unsigned)d) * 24 + h) * 60 + mi) * 60000 +
	       (int64_t)se * 1000 + ms;
}

/* ---- the jansson path --------------------------------------------------- */

/* JSON keys of the string fields, by enum bk_event_str. */
static const char *const str_key[BK_EV_NSTR] = {
	"actor", "ip", "dst", "action", "object", "method", "stmt",
};

int
bk_event_from_record(const bk_record *rec, bk_event *ev, bk_span *ids, size_t ids_cap,
    size_t *ids_dropped)
{
	json_t *o = bk__record_json(rec), *v;
	size_t n;
	const char *s;
	int64_t i;

	bk_event_clear(ev);
	if (ids_dropped != NULL)
		*ids_dropped = 0;
	if (strcmp(bk_record_type(rec), "event") != 0)
		return BK_ERROR;
	if ((s = bk_record_strn(rec, "ts", &n)) != NULL)
		ev->ts = parse_rfc3339(s, n);
	ev->format = bk_record_str(rec, "format");
	ev->file = bk_record_str(rec, "file");
	if (bk_record_int(rec, "line", &i) == BK_OK && i > 0)
		ev->line = (uint64_t)i;
	for (int k = 0; k < BK_EV_NSTR; k++)
		if ((s = bk_record_strn(rec, str_key[k], &n)) != NULL)
			ev->str[k] = (bk_span){ s, n };
	if (bk_record_int(rec, "rows", &i) == BK_OK)
		ev->rows = i;
	if (bk_record_int(rec, "bytes_in", &i) == BK_OK)
		ev->bytes_in = i;
	if (bk_record_int(rec, "bytes_out", &i) == BK_OK)
		ev->bytes_out = i;
	if (bk_record_int(rec, "status", &i) == BK_OK)
		ev->status = i;
	if ((v = json_object_get(o, "where")) != NULL && json_is_boolean(v))
		ev->where = json_is_true(v);
	if ((v = json_object_get(o, "ids")) != NULL && json_is_array(v)) {
		size_t k;
		json_t *id;

		json_array_foreach(v, k, id) {
			if (!json_is_string(id))
				continue;
			if (ev->nids < ids_cap)
				ids[ev->nids++] = (bk_span){ json_string_value(id), json_string_length(id) };
			else if (ids_dropped != NULL)
				(*ids_dropped)++;
		}
		ev->ids = ids;
	}
	if ((s = bk_record_strn(rec, "raw", &n)) != NULL)
		ev->raw = (bk_span){ s, n };
	return BK_OK;
}

/* ---- the direct decoder ------------------------------------------------- */

/* The keys bk_event_from_record reads; the string fields in enum bk_event_str's order. */
enum key {
	K_TYPE, K_TS, K_FORMAT, K_FILE, K_LINE,
	K_ACTOR, K_IP, K_DST, K_ACTION, K_OBJECT, K_METHOD, K_STMT,
	K_ROWS, K_BYTES_IN, K_BYTES_OUT, K_STATUS, K_WHERE, K_IDS, K_RAW,
	K_OTHER
};

static bool
key_is(const char *s, size_t n, const char *k)
{
	return memcmp(s, k, n) == 0 && k[n] == '\0';
}

/* Which key the N bytes at S are (K_OTHER for one the event does not read). */
static enum key
key_of(const char *s, size_t n)
{
	switch (n) {
	case 2:
		return key_is(s, n, "ts") ? K_TS : key_is(s, n, "ip") ? K_IP : K_OTHER;
	case 3:
		return key_is(s, n, "ids") ? K_IDS : key_is(s, n, "dst") ? K_DST :
		    key_is(s, n, "raw") ? K_RAW : K_OTHER;
	case 4:
		return key_is(s, n, "type") ? K_TYPE : key_is(s, n, "file") ? K_FILE :
		    key_is(s, n, "line") ? K_LINE : key_is(s, n, "stmt") ? K_STMT :
		    key_is(s, n, "rows") ? K_ROWS : K_OTHER;
	case 5:
		return key_is(s, n, "actor") ? K_ACTOR : key_is(s, n, "where") ? K_WHERE : K_OTHER;
	case 6:
		return key_is(s, n, "format") ? K_FORMAT : key_is(s, n, "action") ? K_ACTION :
		    key_is(s, n, "object") ? K_OBJECT : key_is(s, n, "method") ? K_METHOD :
		    key_is(s, n, "status") ? K_STATUS : K_OTHER;
	case 8:
		return key_is(s, n, "bytes_in") ? K_BYTES_IN : K_OTHER;
	case 9:
		return key_is(s, n, "bytes_out") ? K_BYTES_OUT : K_OTHER;
	default:
		return K_OTHER;
	}
}

struct dec {
	const char *p, *end;	/* what is left of the line */
	char *out;		/* the next free byte of the scratch buffer */
};

/* What a byte is inside a string: 0 itself, or what stops the plain copy. */
enum { C_PLAIN, C_QUOTE, C_ESCAPE, C_CONTROL, C_HIGH };

/* clang-format off */
static const unsigned char str_class[256] = {
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,	/* 0x00 */
	3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3,	/* 0x10 */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x20 '"' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,	/* 0x50 '\\' */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 0x70 (DEL is allowed) */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,	/* 0x80 */
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
	4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4,
};
/* clang-format on */

/* Whether the eight bytes of X hold none but plain string bytes (no '"', '\\', control, >= 0x80). */
static inline bool
plain8(uint64_t x)
{
	return bk__json_special8(x) == 0;
}

/* Past the plain bytes from P (before END): where a '"', '\\', control or non-ASCII byte is, or END. */
static inline const char *
plain_run(const char *p, const char *end)
{
	uint64_t x;

#ifdef __SSE2__
	/* Sixteen at a time: a signed compare below 0x20 catches the bytes >= 0x80 too. */
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		int m = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
		    _mm_cmpeq_epi8(v, bslash)), _mm_cmplt_epi8(v, space)));

		if (m != 0)
			return p + __builtin_ctz((unsigned)m);
		p += 16;
	}
#endif
	while (end - p >= 8) {
		memcpy(&x, p, 8);
		if (!plain8(x))
			break;
		p += 8;
	}
	while (p < end && str_class[(unsigned char)*p] == C_PLAIN)
		p++;
	return p;
}

/* Code point CP (not a surrogate) as UTF-8 at O; returns the end. */
static char *
put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		*o++ = (char)cp;
	} else if (cp < 0x800) {
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
	return o;
}

/*
 * The escapes from P (at a backslash) to the closing quote of a string,
 * decoded to O when O is not NULL. Returns the position past the closing
 * quote and sets *OEND, or NULL where jansson would refuse the string or
 * it does not end on the line.
 */
static const char *
unescape(const char *p, const char *end, char *o, char **oend)
{
	int k;

	for (;;) {
		const char *q = plain_run(p, end);

		if (o != NULL) {
			memcpy(o, p, (size_t)(q - p));
			o += q - p;
		}
		p = q;
		if (p == end)
			return NULL;
		switch (str_class[(unsigned char)*p]) {
		case C_QUOTE:
			*oend = o;
			return p + 1;
		case C_CONTROL:
			return NULL;
		case C_HIGH:
			if ((k = bk__utf8_check((const unsigned char *)p, (const unsigned char *)end)) <= 0)
				return NULL;
			if (o != NULL) {
				memcpy(o, p, (size_t)k);
				o += k;
			}
			p += k;
			continue;
		default:
			break;
		}
		/* A backslash. */
		if (end - p < 2)
			return NULL;
		if (p[1] == 'u') {
			int cp, lo;

			if (end - p < 6 || (cp = bk__hex4(p + 2)) < 0)
				return NULL;
			p += 6;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return NULL;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (end - p < 6 || p[0] != '\\' || p[1] != 'u' || (lo = bk__hex4(p + 2)) < 0 ||
				    lo < 0xDC00 || lo > 0xDFFF)
					return NULL;
				p += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			if (o != NULL)
				o = put_utf8(o, (unsigned)cp);
			continue;
		}
		switch (p[1]) {
		case '"':
		case '\\':
		case '/':
			k = p[1];
			break;
		case 'b':
			k = '\b';
			break;
		case 'f':
			k = '\f';
			break;
		case 'n':
			k = '\n';
			break;
		case 'r':
			k = '\r';
			break;
		case 't':
			k = '\t';
			break;
		default:
			return NULL;
		}
		if (o != NULL)
			*o++ = (char)k;
		p += 2;
	}
}

/* How string() hands back a value. */
enum str_want {
	S_CHECK,	/* only check it */
	S_SPAN,		/* its bytes, in the line where they need no decoding */
	S_CSTR,		/* a NUL-terminated copy */
	S_KEY,		/* its bytes in the line; refused when it has an escape */
};

/*
 * The string whose opening quote is at D->p, as WANT says, into *S; D->p
 * goes past its closing quote. False when jansson would refuse it (a raw
 * control byte, invalid UTF-8, a bad escape, a lone surrogate), when it
 * does not end on the line, or (S_KEY) when it has an escape.
 */
static bool
string(struct dec *d, enum str_want want, bk_span *s)
{
	const char *start = d->p + 1, *p = start, *end = d->end;
	char *o = NULL;
	int k;

	for (;;) {
		p = plain_run(p, end);
		if (p == end)
			return false;
		switch (str_class[(unsigned char)*p]) {
		case C_QUOTE:
			d->p = p + 1;
			if (want == S_CSTR) {
				memcpy(d->out, start, (size_t)(p - start));
				*s = (bk_span){ d->out, (size_t)(p - start) };
				d->out += p - start;
				*d->out++ = '\0';
			} else if (want != S_CHECK) {
				*s = (bk_span){ start, (size_t)(p - start) };
			}
			return true;
		case C_HIGH:
			if ((k = bk__utf8_check((const unsigned char *)p, (const unsigned char *)end)) <= 0)
				return false;
			p += k;
			continue;
		case C_CONTROL:
			return false;
		default:
			break;
		}
		break;
	}
	/* A backslash: the rest is decoded into the scratch buffer. */
	if (want == S_KEY)
		return false;
	if (want != S_CHECK) {
		o = d->out;
		memcpy(o, start, (size_t)(p - start));
		o += p - start;
	}
	if ((p = unescape(p, end, o, &o)) == NULL)
		return false;
	d->p = p;
	if (want != S_CHECK) {
		*s = (bk_span){ d->out, (size_t)(o - d->out) };
		*o++ = '\0';
		d->out = o;
	}
	return true;
}

static inline void
skip_ws(struct dec *d)
{
	/* Records as the writer makes them have none: one test says so. */
	while (d->p < d->end && (unsigned char)*d->p <= ' ' &&
	    (*d->p == ' ' || *d->p == '\t' || *d->p == '\n' || *d->p == '\r'))
		d->p++;
}

/*
 * The number at D->p: *INTEGER and *V when it is an integer, or a real.
 * False when it is not a number as JSON writes them, or one jansson might
 * refuse: an integer outside int64, a real with an exponent or with more
 * than 300 digits before the point (neither need be in range).
 */
static bool
number(struct dec *d, bool *integer, int64_t *v)
{
	const char *p = d->p, *end = d->end;
	bool neg = false;
	uint64_t u = 0;
	size_t n = 0;

	if (p < end && *p == '-') {
		neg = true;
		p++;
	}
	if (p == end || !bk__is_digit(*p))
		return false;
	if (*p == '0') {
		p++;
		n = 1;
		if (p < end && bk__is_digit(*p))
			return false;
	} else {
		for (; p < end && bk__is_digit(*p); p++, n++)
			if (n < 19)
				u = u * 10 + (uint64_t)(*p - '0');
	}
	if (p < end && (*p == 'e' || *p == 'E'))
		return false;
	if (p < end && *p == '.') {
		p++;
		if (p == end || !bk__is_digit(*p))
			return false;
		while (p < end && bk__is_digit(*p))
			p++;
		if ((p < end && (*p == 'e' || *p == 'E')) || n > 300)
			return false;
		*integer = false;
		d->p = p;
		return true;
	}
	/* Up to 19 digits fit in a uint64_t; more cannot be in range. */
	if (n > 19 || u > (uint64_t)INT64_MAX + neg)
		return false;
	*integer = true;
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	d->p = p;
	return true;
}

/* Whether the literal WORD (true, false, null) is at D->p; D->p goes past it. */
static bool
literal(struct dec *d, const char *word, size_t n)
{
	if ((size_t)(d->end - d->p) < n || memcmp(d->p, word, n) != 0)
		return false;
	d->p += n;
	return true;
}

/* Checks and skips the value at D->p, DEPTH levels deep. */
static bool
skip_value(struct dec *d, int depth)
{
	bool integer;
	int64_t v;

	if (d->p == d->end)
		return false;
	switch (*d->p) {
	case '"':
		return string(d, S_CHECK, NULL);
	case 't':
		return literal(d, "true", 4);
	case 'f':
		return literal(d, "false", 5);
	case 'n':
		return literal(d, "null", 4);
	case '[':
		if (depth >= MAX_DEPTH)
			return false;
		d->p++;
		skip_ws(d);
		if (d->p < d->end && *d->p == ']') {
			d->p++;
			return true;
		}
		for (;;) {
			if (!skip_value(d, depth + 1))
				return false;
			skip_ws(d);
			if (d->p == d->end)
				return false;
			if (*d->p++ == ']')
				return true;
			if (d->p[-1] != ',')
				return false;
			skip_ws(d);
		}
	case '{':
		if (depth >= MAX_DEPTH)
			return false;
		d->p++;
		skip_ws(d);
		if (d->p < d->end && *d->p == '}') {
			d->p++;
			return true;
		}
		for (;;) {
			bk_span k;

			/* A key without escapes cannot hold the NUL jansson refuses in keys. */
			if (d->p == d->end || *d->p != '"' || !string(d, S_KEY, &k))
				return false;
			skip_ws(d);
			if (d->p == d->end || *d->p++ != ':')
				return false;
			skip_ws(d);
			if (!skip_value(d, depth + 1))
				return false;
			skip_ws(d);
			if (d->p == d->end)
				return false;
			if (*d->p++ == '}')
				return true;
			if (d->p[-1] != ',')
				return false;
			skip_ws(d);
		}
	default:
		return number(d, &integer, &v);
	}
}

/* The "ids" array at D->p: its strings into EV's ids, as bk_event_from_record takes them. */
static bool
ids_array(struct dec *d, bk_event *ev, bk_span *ids, size_t cap, size_t *dropped)
{
	bk_span s;

	d->p++;
	ev->ids = ids;
	skip_ws(d);
	if (d->p < d->end && *d->p == ']') {
		d->p++;
		return true;
	}
	for (;;) {
		if (d->p < d->end && *d->p == '"') {
			if (!string(d, S_SPAN, &s))
				return false;
			if (ev->nids < cap)
				ids[ev->nids++] = s;
			else if (dropped != NULL)
				(*dropped)++;
		} else if (!skip_value(d, 1)) {
			return false;
		}
		skip_ws(d);
		if (d->p == d->end)
			return false;
		if (*d->p++ == ']')
			return true;
		if (d->p[-1] != ',')
			return false;
		skip_ws(d);
	}
}

/* The value of key K at D->p into EV; false where the line must go to jansson. */
static bool
field(struct dec *d, enum key k, bk_event *ev, bk_span *ids, size_t cap, size_t *dropped)
{
	char c = *d->p;
	bk_span s;
	int64_t v;
	bool integer;

	switch (k) {
	case K_TYPE:
		/* Only the plain "event": anything else is jansson's (and the caller's) business. */
		return c == '"' && string(d, S_KEY, &s) && s.len == 5 && memcmp(s.ptr, "event", 5) == 0;
	case K_TS:
		if (c != '"')
			break;
		if (!string(d, S_SPAN, &s))
			return false;
		ev->ts = parse_rfc3339(s.ptr, s.len);
		return true;
	case K_FORMAT:
	case K_FILE:
		if (c != '"')
			break;
		if (!string(d, S_CSTR, &s))
			return false;
		if (k == K_FORMAT)
			ev->format = s.ptr;
		else
			ev->file = s.ptr;
		return true;
	case K_RAW:
		if (c != '"')
			break;
		return string(d, S_SPAN, &ev->raw);
	case K_ACTOR:
	case K_IP:
	case K_DST:
	case K_ACTION:
	case K_OBJECT:
	case K_METHOD:
	case K_STMT:
		if (c != '"')
			break;
		return string(d, S_SPAN, &ev->str[k - K_ACTOR]);
	case K_LINE:
	case K_ROWS:
	case K_BYTES_IN:
	case K_BYTES_OUT:
	case K_STATUS:
		if (c != '-' && !bk__is_digit(c))
			break;
		if (!number(d, &integer, &v))
			return false;
		if (!integer)
			return true;
		if (k == K_LINE) {
			if (v > 0)
				ev->line = (uint64_t)v;
		} else {
			*(k == K_ROWS ? &ev->rows : k == K_BYTES_IN ? &ev->bytes_in :
			    k == K_BYTES_OUT ? &ev->bytes_out : &ev->status) = v;
		}
		return true;
	case K_WHERE:
		if (c == 't' && literal(d, "true", 4)) {
			ev->where = 1;
			return true;
		}
		if (c == 'f' && literal(d, "false", 5)) {
			ev->where = 0;
			return true;
		}
		break;
	case K_IDS:
		if (c != '[')
			break;
		return ids_array(d, ev, ids, cap, dropped);
	case K_OTHER:
		break;
	}
	/* A key the event does not read, or a value of a type it ignores. */
	return skip_value(d, 1);
}

bool
bk__event_json_decode(const char *line, size_t len, struct bk__strbuf *scratch, bk_event *ev,
    bk_span *ids, size_t ids_cap, size_t *ids_dropped)
{
	struct dec d = { line, line + len, NULL };
	uint32_t seen = 0;
	bk_span key;
	enum key k;

	scratch->len = 0;
	if ((d.out = bk__strbuf_reserve(scratch, len + 1)) == NULL)
		return false;
	bk_event_clear(ev);
	if (ids_dropped != NULL)
		*ids_dropped = 0;
	skip_ws(&d);
	if (d.p == d.end || *d.p++ != '{')
		return false;
	for (;;) {
		skip_ws(&d);
		if (d.p == d.end || *d.p != '"' || !string(&d, S_KEY, &key))
			return false;
		skip_ws(&d);
		if (d.p == d.end || *d.p++ != ':')
			return false;
		skip_ws(&d);
		if (d.p == d.end)
			return false;
		if ((k = key_of(key.ptr, key.len)) != K_OTHER) {
			/* Given twice, jansson keeps the last value: not worth following. */
			if (seen & (1u << k))
				return false;
			seen |= 1u << k;
		}
		if (!field(&d, k, ev, ids, ids_cap, ids_dropped))
			return false;
		skip_ws(&d);
		if (d.p == d.end)
			return false;
		if (*d.p++ == '}')
			break;
		if (d.p[-1] != ',')
			return false;
	}
	skip_ws(&d);
	return d.p == d.end && (seen & (1u << K_TYPE));
}

int
bk_reader_next_event(bk_reader *rd, const bk_record **rec, bk_event *ev, bk_span *ids,
    size_t ids_cap, size_t *ids_dropped)
{
	const char *line;
	size_t len;
	int rc;

	*rec = NULL;
	if ((rc = bk__reader_line(rd, &line, &len)) != BK_OK)
		return rc;
	if (bk__event_json_decode(line, len, bk__reader_scratch(rd), ev, ids, ids_cap, ids_dropped))
		return BK_OK;
	if ((rc = bk__reader_parse(rd, line, len, bk_reader_lineno(rd), rec)) != BK_OK)
		return rc;
	if (strcmp(bk_record_type(*rec), "event") == 0) {
		/* The record stays the reader's, and the event's strings with it. */
		(void)bk_event_from_record(*rec, ev, ids, ids_cap, ids_dropped);
		*rec = NULL;
	}
	return BK_OK;
}
