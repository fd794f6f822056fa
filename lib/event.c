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

/* An output buffer that counts what would not fit, as snprintf does. */
struct out {
	char *p;
	size_t size, len;
};

static inline void
out_put(struct out *o, const char *s, size_t n)
{
	if (o->len + n <= o->size)
		memcpy(o->p + o->len, s, n);
	o->len += n;
}

static inline void
out_char(struct out *o, char c)
{
	if (o->len < o->size)
		o->p[o->len] = c;
	o->len++;
}

/* Bytes as they are, except tabs, newlines and other controls, which would break a line into columns. */
static void
out_clean(struct out *o, const char *s, size_t n)
{
	size_t start = 0;

	if (o->len + n <= o->size) {
		/* The common case: copy and check in one pass, 16 bytes at a time. */
		char *d = o->p + o->len;
		size_t i = 0;
#ifdef __SSE2__
		const __m128i space = _mm_set1_epi8(' ');

		for (; i + 16 <= n; i += 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			/* max(x, ' ') == x exactly where x >= ' ' (unsigned). */
			__m128i ok = _mm_cmpeq_epi8(_mm_max_epu8(x, space), x);

			if (_mm_movemask_epi8(ok) != 0xFFFF)
				x = _mm_or_si128(_mm_and_si128(ok, x), _mm_andnot_si128(ok, space));
			_mm_storeu_si128((__m128i *)(void *)(d + i), x);
		}
#endif
		for (; i + 8 <= n; i += 8) {
			uint64_t x;

			memcpy(&x, s + i, 8);
			/* A byte below 0x20 sets its high bit here (bytes are < 0x80 or have it in x). */
			if (((x - 0x2020202020202020u) & ~x & 0x8080808080808080u) != 0)
				break;
			memcpy(d + i, &x, 8);
		}
		for (; i < n; i++) {
			char c = s[i];

			d[i] = (unsigned char)c < 0x20 ? ' ' : c;
		}
		o->len += n;
		return;
	}

	for (size_t i = 0; i < n; i++) {
		if ((unsigned char)s[i] >= 0x20)
			continue;
		out_put(o, s + start, i - start);
		out_char(o, ' ');
		start = i + 1;
	}
	out_put(o, s + start, n - start);
}

static const char two_digits[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static void
out_int(struct out *o, int64_t v)
{
	char buf[24], *e = buf + sizeof buf, *p = e;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

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
	out_put(o, p, (size_t)(e - p));
}

/*
 * The time as RFC 3339. Log lines come in time order, so the last second
 * formatted is kept (per thread) and only the milliseconds change.
 */
static void
out_time(struct out *o, int64_t ms)
{
	static _Thread_local int64_t last_sec = INT64_MIN;
	static _Thread_local char last[25];
	int64_t sec = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
	unsigned frac = (unsigned)(ms - sec * 1000);

	if (sec != last_sec) {
		if (bk__time_rfc3339(last, sec * 1000) == 0)
			return;
		last_sec = sec;
	}
	out_put(o, last, 20);
	out_char(o, (char)('0' + frac / 100));
	out_char(o, (char)('0' + frac / 10 % 10));
	out_char(o, (char)('0' + frac % 10));
	out_char(o, 'Z');
}

static void
out_ids(struct out *o, const bk_event *ev)
{
	for (size_t i = 0; i < ev->nids; i++) {
		if (i > 0)
			out_char(o, ',');
		out_clean(o, ev->ids[i].ptr, ev->ids[i].len);
	}
}

const char *
bk_event_tsv_header(void)
{
	return "ts\tformat\tfile\tline\tactor\tip\tdst\taction\tobject\tids\trows\tbytes_in\t"
	       "bytes_out\tstatus\tmethod\tstmt\twhere\n";
}

size_t
bk_event_tsv(const bk_event *ev, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };
	static const enum bk_event_str mid[] = { BK_EV_ACTOR, BK_EV_IP, BK_EV_DST, BK_EV_ACTION,
		BK_EV_OBJECT };

	if (ev->ts != BK_EVENT_NONE)
		out_time(&o, ev->ts);
	out_char(&o, '\t');
	if (ev->format != NULL)
		out_clean(&o, ev->format, strlen(ev->format));
	out_char(&o, '\t');
	if (ev->file != NULL)
		out_clean(&o, ev->file, strlen(ev->file));
	out_char(&o, '\t');
	if (ev->line > 0)
		out_int(&o, (int64_t)ev->line);
	for (size_t i = 0; i < sizeof mid / sizeof mid[0]; i++) {
		out_char(&o, '\t');
		if (ev->str[mid[i]].ptr != NULL)
			out_clean(&o, ev->str[mid[i]].ptr, ev->str[mid[i]].len);
	}
	out_char(&o, '\t');
	out_ids(&o, ev);
	const int64_t nums[] = { ev->rows, ev->bytes_in, ev->bytes_out, ev->status };
	for (size_t i = 0; i < 4; i++) {
		out_char(&o, '\t');
		if (nums[i] != BK_EVENT_NONE)
			out_int(&o, nums[i]);
	}
	out_char(&o, '\t');
	if (ev->str[BK_EV_METHOD].ptr != NULL)
		out_clean(&o, ev->str[BK_EV_METHOD].ptr, ev->str[BK_EV_METHOD].len);
	out_char(&o, '\t');
	if (ev->str[BK_EV_STMT].ptr != NULL)
		out_clean(&o, ev->str[BK_EV_STMT].ptr, ev->str[BK_EV_STMT].len);
	out_char(&o, '\t');
	if (ev->where >= 0)
		out_put(&o, ev->where ? "true" : "false", ev->where ? 4 : 5);
	out_char(&o, '\n');
	return o.len;
}

static void
text_field(struct out *o, const char *key, const char *s, size_t n)
{
	out_char(o, ' ');
	out_put(o, key, strlen(key));
	out_char(o, '=');
	out_clean(o, s, n);
}

static void
text_num(struct out *o, const char *key, int64_t v)
{
	if (v == BK_EVENT_NONE)
		return;
	out_char(o, ' ');
	out_put(o, key, strlen(key));
	out_char(o, '=');
	out_int(o, v);
}

size_t
bk_event_text(const bk_event *ev, char *buf, size_t size)
{
	struct out o = { buf, size, 0 };

	if (ev->file != NULL)
		out_clean(&o, ev->file, strlen(ev->file));
	out_char(&o, ':');
	out_int(&o, (int64_t)ev->line);
	out_put(&o, ": ", 2);
	if (ev->ts != BK_EVENT_NONE)
		out_time(&o, ev->ts);
	else
		out_char(&o, '-');
	if (ev->format != NULL)
		text_field(&o, "format", ev->format, strlen(ev->format));
	for (int i = 0; i < BK_EV_NSTR; i++)
		if (ev->str[i].ptr != NULL)
			text_field(&o, str_key[i], ev->str[i].ptr, ev->str[i].len);
	if (ev->nids > 0) {
		out_put(&o, " ids=", 5);
		out_ids(&o, ev);
	}
	text_num(&o, "rows", ev->rows);
	text_num(&o, "bytes_in", ev->bytes_in);
	text_num(&o, "bytes_out", ev->bytes_out);
	text_num(&o, "status", ev->status);
	if (ev->where >= 0)
		text_field(&o, "where", ev->where ? "true" : "false", ev->where ? 4 : 5);
	for (size_t i = 0; i < ev->nextra; i++)
		text_field(&o, ev->extra[i].key, ev->extra[i].val.ptr, ev->extra[i].val.len);
	out_char(&o, '\n');
	return o.len;
}
