/*
 * event.c - events out: the `event` record (DESIGN.md, Records) and its
 * TSV and text forms for people and awk; event-json.c reads records back.
 *
 * Every tool that prints events (bk-parse, and bk-access or bk-exfil when
 * asked to show what they read) prints them with these functions, so the
 * three forms agree on field names, order and what "absent" looks like. The
 * writers never allocate: JSON goes through bk_writer; TSV and text are
 * formatted into the caller's buffer, snprintf-style.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <jansson.h>

#include "event.h"
#include "record-private.h"

void
bk_event_clear(bk_event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->ts = BK_EVENT_NONE;
	ev->status = BK_EVENT_NONE;
	ev->rows = BK_EVENT_NONE;
	ev->bytes_in = BK_EVENT_NONE;
	ev->bytes_out = BK_EVENT_NONE;
	ev->where = -1;
}

/* JSON keys of the string fields, by enum bk_event_str. */
static const char *const str_key[BK_EV_NSTR] = {
	"actor", "ip", "dst", "action", "object", "method", "stmt",
};

static void
put_span(bk_writer *w, enum bk_event_str i, const bk_event *ev)
{
	if (ev->str[i].ptr != NULL)
		bk_writer_str(w, str_key[i], ev->str[i].ptr, ev->str[i].len);
}

static void
put_num(bk_writer *w, const char *key, int64_t v)
{
	if (v != BK_EVENT_NONE)
		bk_writer_int(w, key, v);
}

/*
 * A number as the log wrote it: an integer exactly, a decimal as the
 * nearest double. False (nothing written) when S is not a number.
 */
static bool
put_number(bk_writer *w, const char *key, const char *s, size_t n)
{
	char buf[40], *end;
	int64_t v = 0;
	size_t i = s[0] == '-';
	bool integer = n > i && n - i <= 18;
	double d;

	for (size_t k = i; k < n && integer; k++) {
		integer = s[k] >= '0' && s[k] <= '9';
		v = v * 10 + (s[k] - '0');
	}
	if (integer) {
		bk_writer_int(w, key, s[0] == '-' ? -v : v);
		return true;
	}
	if (n == 0 || n >= sizeof buf)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	d = strtod(buf, &end);
	if (end != buf + n || !(d == d) || d > 1e300 || d < -1e300)
		return false;
	bk_writer_double(w, key, d);
	return true;
}

int
bk_event_write(bk_writer *w, const bk_event *ev)
{
	bk_writer_begin(w, "event");
	if (ev->ts != BK_EVENT_NONE)
		bk_writer_time(w, "ts", ev->ts);
	if (ev->format != NULL)
		bk_writer_cstr(w, "format", ev->format);
	if (ev->file != NULL)
		bk_writer_cstr(w, "file", ev->file);
	if (ev->line > 0)
		bk_writer_uint(w, "line", ev->line);
	put_span(w, BK_EV_ACTOR, ev);
	put_span(w, BK_EV_IP, ev);
	put_span(w, BK_EV_DST, ev);
	put_span(w, BK_EV_ACTION, ev);
	put_span(w, BK_EV_OBJECT, ev);
	if (ev->nids > 0) {
		bk_writer_array_begin(w, "ids");
		for (size_t i = 0; i < ev->nids; i++)
			bk_writer_str(w, NULL, ev->ids[i].ptr, ev->ids[i].len);
		bk_writer_array_end(w);
	}
	put_num(w, "rows", ev->rows);
	put_num(w, "bytes_in", ev->bytes_in);
	put_num(w, "bytes_out", ev->bytes_out);
	put_num(w, "status", ev->status);
	put_span(w, BK_EV_METHOD, ev);
	put_span(w, BK_EV_STMT, ev);
	if (ev->where >= 0)
		bk_writer_bool(w, "where", ev->where != 0);
	for (size_t i = 0; i < ev->nextra; i++) {
		const bk_event_extra *x = &ev->extra[i];

		if (!x->number || !put_number(w, x->key, x->val.ptr, x->val.len))
			bk_writer_str(w, x->key, x->val.ptr, x->val.len);
	}
	if (ev->raw.ptr != NULL)
		bk_writer_str(w, "raw", ev->raw.ptr, ev->raw.len);
	return bk_writer_end(w);
}

/* ---- TSV and text ------------------------------------------------------- */

/*
 * The writers run once per event of a parse (millions a second), so they
 * come in two builds from one text: each helper takes CHK, a constant at
 * every call site. With CHK the buffer's end is checked at every byte put,
 * counting what would not fit as snprintf does; without it nothing is
 * checked, which is right when the line's bound (what the widest rendering
 * of each field can take) was seen to fit first - the usual case.
 */
#define BK__WRITER static inline __attribute__((always_inline))

/* An output buffer that counts what would not fit, as snprintf does. */
struct out {
	char *p;
	size_t size, len;
};

BK__WRITER void
out_put(struct out *o, const char *s, size_t n, bool chk)
{
	if (!chk || o->len + n <= o->size)
		memcpy(o->p + o->len, s, n);
	o->len += n;
}

BK__WRITER void
out_char(struct out *o, char c, bool chk)
{
	if (!chk || o->len < o->size)
		o->p[o->len] = c;
	o->len++;
}

/* Whether one of the N (4 or 8) bytes at S is a control byte (below 0x20). */
static inline bool
has_control(const char *s, size_t n)
{
	uint64_t x = 0;

	memcpy(&x, s, n);
	if (n < 8)
		x |= UINT64_C(0x2020202020202020) << (8 * n);
	/* A byte below 0x20 sets its high bit here (bytes are < 0x80 or have it in x). */
	return ((x - UINT64_C(0x2020202020202020)) & ~x & UINT64_C(0x8080808080808080)) != 0;
}

/* N bytes from S to D, each control byte (below 0x20) as a space. */
static inline void
clean_bytes(char *d, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
}

/*
 * clean_bytes for any N, a word at a time: the last word of a value is
 * taken to end at its end, overlapping the one before it, so no value
 * needs a byte-by-byte tail (cleaning twice gives the same bytes).
 */
BK__WRITER void
clean_copy(char *d, const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 16) {
#ifdef __SSE2__
		const __m128i space = _mm_set1_epi8(' ');

		for (;; i += 16) {
			if (i + 16 > n)
				i = n - 16;
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			/* max(x, ' ') == x exactly where x >= ' ' (unsigned). */
			__m128i ok = _mm_cmpeq_epi8(_mm_max_epu8(x, space), x);

			if (_mm_movemask_epi8(ok) != 0xFFFF)
				x = _mm_or_si128(_mm_and_si128(ok, x), _mm_andnot_si128(ok, space));
			_mm_storeu_si128((__m128i *)(void *)(d + i), x);
			if (i + 16 == n)
				return;
		}
#else
		for (;; i += 8) {
			if (i + 8 > n)
				i = n - 8;
			if (has_control(s + i, 8))
				clean_bytes(d + i, s + i, 8);
			else
				memcpy(d + i, s + i, 8);
			if (i + 8 == n)
				return;
		}
#endif
	}
	if (n >= 8) {
		if (has_control(s, 8) || has_control(s + n - 8, 8)) {
			clean_bytes(d, s, n);
			return;
		}
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		if (has_control(s, 4) || has_control(s + n - 4, 4)) {
			clean_bytes(d, s, n);
			return;
		}
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else {
		clean_bytes(d, s, n);
	}
}

/* Bytes as they are, except tabs, newlines and other controls, which would break a line into columns. */
BK__WRITER void
out_clean(struct out *o, const char *s, size_t n, bool chk)
{
	if (!chk || o->len + n <= o->size) {
		clean_copy(o->p + o->len, s, n);
		o->len += n;
		return;
	}
	for (size_t i = 0; i < n; i++)
		out_char(o, (unsigned char)s[i] < 0x20 ? ' ' : s[i], true);
}

static const char two_digits[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* The most out_int writes: "-9223372036854775808". */
#define INT_MAX_LEN 20

/*
 * The digits of U (below 2^32: statuses, sizes, line numbers, where 32-bit
 * division by 100 is cheaper) written to end at E, two a step.
 */
static inline void
put_digits32(char *e, uint32_t u)
{
	while (u >= 100) {
		e -= 2;
		memcpy(e, two_digits + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10)
		memcpy(e - 2, two_digits + 2 * u, 2);
	else
		e[-1] = (char)('0' + u);
}

/* How many digits U has, without a loop: from its bit length, then one comparison. */
static inline size_t
digits32(uint32_t u)
{
	static const uint32_t ten[] = { 1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u,
		10000000u, 100000000u, 1000000000u };
	unsigned t = (unsigned)(32 - __builtin_clz(u | 1)) * 1233 >> 12;

	return t + 1 - ((u | 1) < ten[t]);
}

BK__WRITER void
out_int(struct out *o, int64_t v, bool chk)
{
	char buf[24], *e = buf + sizeof buf, *p = e;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	if (!chk && v >= 0 && u <= UINT32_MAX) {
		/* Straight into place: count the digits, then write them from the end. */
		size_t n = digits32((uint32_t)u);

		put_digits32(o->p + o->len + n, (uint32_t)u);
		o->len += n;
		return;
	}
	/* Two digits a step: statuses, sizes and line numbers are most of what is written. */
	while (u >= 100) {
		p -= 2;
		memcpy(p, two_digits + 2 * (u % 100), 2);
		u /= 100;
	}
	if (u >= 10) {
		p -= 2;
		memcpy(p, two_digits + 2 * u, 2);
	} else
		*--p = (char)('0' + u);
	if (v < 0)
		*--p = '-';
	out_put(o, p, (size_t)(e - p), chk);
}

/* What out_time writes. */
#define TIME_LEN 24

/*
 * The time as RFC 3339. Log lines come in time order, so the last second
 * formatted is kept (per thread): only the milliseconds change, or the
 * seconds' two digits within the same minute. Nothing when the time is
 * out of RFC 3339's years.
 */
BK__WRITER void
out_time(struct out *o, int64_t ms, bool chk)
{
	static _Thread_local int64_t last_sec = INT64_MIN;
	static _Thread_local char last[25];
	static _Thread_local unsigned last_s60;
	int64_t sec = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
	unsigned frac = (unsigned)(ms - sec * 1000);
	char *d;

	if (sec != last_sec) {
		int64_t s60 = sec >= 0 ? sec % 60 : (sec % 60 + 60) % 60;

		/*
		 * The range is whole minutes: a second in a good one's minute is
		 * good too. LAST keeps the minute's text; the seconds are put in
		 * as it is copied (a store into LAST just before the copy loads it
		 * would stall the copy).
		 */
		if (last_sec == INT64_MIN || sec - s60 > last_sec || last_sec >= sec - s60 + 60) {
			if (bk__time_rfc3339(last, sec * 1000) == 0)
				return;
		}
		last_s60 = (unsigned)s60;
		last_sec = sec;
	}
	if (chk && o->len + TIME_LEN > o->size) {
		char t[20];

		memcpy(t, last, 20);
		memcpy(t + 17, two_digits + 2 * last_s60, 2);
		out_put(o, t, 20, true);
		out_char(o, (char)('0' + frac / 100), true);
		out_char(o, (char)('0' + frac / 10 % 10), true);
		out_char(o, (char)('0' + frac % 10), true);
		out_char(o, 'Z', true);
		return;
	}
	d = o->p + o->len;
	memcpy(d, last, 20);
	memcpy(d + 17, two_digits + 2 * last_s60, 2);
	d[20] = (char)('0' + frac / 100);
	memcpy(d + 21, two_digits + 2 * (frac % 100), 2);
	d[23] = 'Z';
	o->len += TIME_LEN;
}

BK__WRITER void
out_ids(struct out *o, const bk_event *ev, bool chk)
{
	for (size_t i = 0; i < ev->nids; i++) {
		if (i > 0)
			out_char(o, ',', chk);
		out_clean(o, ev->ids[i].ptr, ev->ids[i].len, chk);
	}
}

/* The most the ids take: each and a comma. */
static size_t
ids_bound(const bk_event *ev)
{
	size_t n = 0;

	for (size_t i = 0; i < ev->nids; i++)
		n += ev->ids[i].len + 1;
	return n;
}

const char *
bk_event_tsv_header(void)
{
	return "ts\tformat\tfile\tline\tactor\tip\tdst\taction\tobject\tids\trows\tbytes_in\t"
	       "bytes_out\tstatus\tmethod\tstmt\twhere\n";
}

/* The TSV columns, in the header's order. FLEN, FILELEN: of ev->format and ev->file. */
BK__WRITER void
tsv_line(struct out *o, const bk_event *ev, size_t flen, size_t filelen, bool chk)
{
	static const enum bk_event_str mid[] = { BK_EV_ACTOR, BK_EV_IP, BK_EV_DST, BK_EV_ACTION,
		BK_EV_OBJECT };
	const int64_t nums[] = { ev->rows, ev->bytes_in, ev->bytes_out, ev->status };

	if (ev->ts != BK_EVENT_NONE)
		out_time(o, ev->ts, chk);
	out_char(o, '\t', chk);
	if (ev->format != NULL)
		out_clean(o, ev->format, flen, chk);
	out_char(o, '\t', chk);
	if (ev->file != NULL)
		out_clean(o, ev->file, filelen, chk);
	out_char(o, '\t', chk);
	if (ev->line > 0)
		out_int(o, (int64_t)ev->line, chk);
	for (size_t i = 0; i < sizeof mid / sizeof mid[0]; i++) {
		out_char(o, '\t', chk);
		if (ev->str[mid[i]].ptr != NULL)
			out_clean(o, ev->str[mid[i]].ptr, ev->str[mid[i]].len, chk);
	}
	out_char(o, '\t', chk);
	out_ids(o, ev, chk);
	for (size_t i = 0; i < 4; i++) {
		out_char(o, '\t', chk);
		if (nums[i] != BK_EVENT_NONE)
			out_int(o, nums[i], chk);
	}
	out_char(o, '\t', chk);
	if (ev->str[BK_EV_METHOD].ptr != NULL)
		out_clean(o, ev->str[BK_EV_METHOD].ptr, ev->str[BK_EV_METHOD].len, chk);
	out_char(o, '\t', chk);
	if (ev->str[BK_EV_STMT].ptr != NULL)
		out_clean(o, ev->str[BK_EV_STMT].ptr, ev->str[BK_EV_STMT].len, chk);
	out_char(o, '\t', chk);
	if (ev->where >= 0)
		out_put(o, ev->where ? "true" : "false", ev->where ? 4 : 5, chk);
	out_char(o, '\n', chk);
}

size_t
bk_event_tsv(const bk_event *ev, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	size_t flen = ev->format != NULL ? strlen(ev->format) : 0;
	size_t filelen = ev->file != NULL ? strlen(ev->file) : 0;
	/* 17 columns: 16 tabs and the newline; "false" is the widest where. */
	size_t bound = TIME_LEN + flen + filelen + 5 * INT_MAX_LEN + ids_bound(ev) + 17 + 5;

	for (int i = 0; i < BK_EV_NSTR; i++)
		bound += ev->str[i].len;
	if (bound <= size)
		tsv_line(&o, ev, flen, filelen, false);
	else
		tsv_line(&o, ev, flen, filelen, true);
	return o.len;
}

BK__WRITER void
text_field(struct out *o, const char *key, size_t klen, const char *s, size_t n, bool chk)
{
	out_char(o, ' ', chk);
	out_put(o, key, klen, chk);
	out_char(o, '=', chk);
	out_clean(o, s, n, chk);
}

BK__WRITER void
text_num(struct out *o, const char *key, size_t klen, int64_t v, bool chk)
{
	if (v == BK_EVENT_NONE)
		return;
	out_char(o, ' ', chk);
	out_put(o, key, klen, chk);
	out_char(o, '=', chk);
	out_int(o, v, chk);
}

/* The text line: FLEN, FILELEN as for tsv_line. */
BK__WRITER void
text_line(struct out *o, const bk_event *ev, size_t flen, size_t filelen, bool chk)
{
	if (ev->file != NULL)
		out_clean(o, ev->file, filelen, chk);
	out_char(o, ':', chk);
	out_int(o, (int64_t)ev->line, chk);
	out_put(o, ": ", 2, chk);
	if (ev->ts != BK_EVENT_NONE)
		out_time(o, ev->ts, chk);
	else
		out_char(o, '-', chk);
	if (ev->format != NULL)
		text_field(o, "format", 6, ev->format, flen, chk);
	for (int i = 0; i < BK_EV_NSTR; i++)
		if (ev->str[i].ptr != NULL)
			text_field(o, str_key[i], strlen(str_key[i]), ev->str[i].ptr, ev->str[i].len,
			    chk);
	if (ev->nids > 0) {
		out_put(o, " ids=", 5, chk);
		out_ids(o, ev, chk);
	}
	text_num(o, "rows", 4, ev->rows, chk);
	text_num(o, "bytes_in", 8, ev->bytes_in, chk);
	text_num(o, "bytes_out", 9, ev->bytes_out, chk);
	text_num(o, "status", 6, ev->status, chk);
	if (ev->where >= 0)
		text_field(o, "where", 5, ev->where ? "true" : "false", ev->where ? 4 : 5, chk);
	for (size_t i = 0; i < ev->nextra; i++)
		text_field(o, ev->extra[i].key, strlen(ev->extra[i].key), ev->extra[i].val.ptr,
		    ev->extra[i].val.len, chk);
	out_char(o, '\n', chk);
}

size_t
bk_event_text(const bk_event *ev, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	size_t flen = ev->format != NULL ? strlen(ev->format) : 0;
	size_t filelen = ev->file != NULL ? strlen(ev->file) : 0;
	/*
	 * "FILE:LINE: TS" and " key=" before each value (the longest keys are
	 * 9 bytes: 11 with ' ' and '='), numbers at their widest, the newline.
	 */
	size_t bound = filelen + INT_MAX_LEN + 3 + TIME_LEN + 11 + flen + ids_bound(ev) + 5 +
	    4 * (11 + INT_MAX_LEN) + 11 + 5 + 1;

	for (int i = 0; i < BK_EV_NSTR; i++)
		bound += 11 + ev->str[i].len;
	for (size_t i = 0; i < ev->nextra; i++)
		bound += 2 + strlen(ev->extra[i].key) + ev->extra[i].val.len;
	if (bound <= size)
		text_line(&o, ev, flen, filelen, false);
	else
		text_line(&o, ev, flen, filelen, true);
	return o.len;
}
