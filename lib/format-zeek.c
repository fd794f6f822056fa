/*
 * format-zeek.c - Zeek's logs: the ASCII (TSV) writer's files, keyed on
 * their own #fields header (columns move between Zeek versions and sites
 * add their own, so never by position), and the JSON writer's lines (zeek-json,
 * one object per line with dotted keys such as "id.orig_h").
 *
 * TSV. Each file starts with its header: #separator (as \x09), #set_separator,
 * #empty_field, #unset_field, #path, #fields, #types; a file may hold several
 * headers (#close then #separator again when the writer rotates in place),
 * and each one applies to the lines after it. Values escape the separator
 * and unprintable bytes as \xHH; unset and empty fields are absent.
 *
 * The event, whatever the path (conn, http, dns, files, and any other: the
 * fields below are taken wherever they appear):
 *   ts -> ts; id.orig_h -> ip; id.resp_h -> dst; id.orig_p, id.resp_p ->
 *   extras src_port, dst_port; uid, proto, service, conn_state,
 *   duration (seconds) -> extras.
 *   conn: a sensor is neither end, so the responder is taken as "the server"
 *     of DESIGN.md's byte directions: bytes_in = orig_bytes (what the
 *     originator sent), bytes_out = resp_bytes. No action.
 *   http: method, uri -> object (ids from bk_urlids), host -> dst (the
 *     responder's address then goes to extra dst_ip), status_code -> status,
 *     request_body_len -> bytes_in, response_body_len -> bytes_out,
 *     username -> actor, user_agent -> extra.
 *   dns: action "dns", query -> object and dst, qtype_name, rcode_name ->
 *     extras qtype, rcode.
 *   files: filename (else mime_type) -> object; seen_bytes -> bytes_in when
 *     is_orig (the originator sent it: action "upload"), bytes_out otherwise
 *     ("download"); without id.* (older files.log) ip and dst come from
 *     tx_hosts / rx_hosts by the same rule; fuid, source, mime_type -> extras.
 * JSON lines carry no header: the log is "_path" when present, else told by
 * its keys (query: dns; fuid: files; method, uri or status_code: http;
 * conn_state or orig_bytes: conn). ts is epoch seconds or an ISO 8601
 * string, as the writer was configured.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "format-util-private.h"

enum role {
	R_NONE,
	R_TS, R_UID, R_ORIG_H, R_ORIG_P, R_RESP_H, R_RESP_P, R_PROTO, R_SERVICE, R_DURATION,
	R_ORIG_BYTES, R_RESP_BYTES, R_CONN_STATE, R_METHOD, R_HOST, R_URI, R_STATUS, R_REQ_LEN,
	R_RESP_LEN, R_USERNAME, R_UA, R_QUERY, R_QTYPE, R_RCODE, R_FILENAME, R_MIME, R_SEEN,
	R_IS_ORIG, R_TX, R_RX, R_FUID, R_SOURCE, R_PATH,
	R_COUNT
};

static const struct {
	const char *name;
	enum role role;
} roles[] = {
	{"ts", R_TS}, {"uid", R_UID}, {"id.orig_h", R_ORIG_H}, {"id.orig_p", R_ORIG_P},
	{"id.resp_h", R_RESP_H}, {"id.resp_p", R_RESP_P}, {"proto", R_PROTO},
	{"service", R_SERVICE}, {"duration", R_DURATION}, {"orig_bytes", R_ORIG_BYTES},
	{"resp_bytes", R_RESP_BYTES}, {"conn_state", R_CONN_STATE}, {"method", R_METHOD},
	{"host", R_HOST}, {"uri", R_URI}, {"status_code", R_STATUS},
	{"request_body_len", R_REQ_LEN}, {"response_body_len", R_RESP_LEN},
	{"username", R_USERNAME}, {"user_agent", R_UA}, {"query", R_QUERY},
	{"qtype_name", R_QTYPE}, {"rcode_name", R_RCODE}, {"filename", R_FILENAME},
	{"mime_type", R_MIME}, {"seen_bytes", R_SEEN}, {"is_orig", R_IS_ORIG},
	{"tx_hosts", R_TX}, {"rx_hosts", R_RX}, {"fuid", R_FUID}, {"source", R_SOURCE},
	{"_path", R_PATH},
};

static enum role
role_of(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
		if (strlen(roles[i].name) == n && memcmp(roles[i].name, s, n) == 0)
			return roles[i].role;
	return R_NONE;
}

#define ZEEK_MAXCOLS 256

struct zeek {
	bk_timefmt *tf_epoch, *tf_iso;
	bk_urlids *urlids;

	/* The current TSV header. */
	bool has_fields;
	char sep, set_sep;
	char empty[32], unset[32], path[32];
	unsigned char col[ZEEK_MAXCOLS];	/* enum role per column */
	size_t ncols;

	bk_span val[R_COUNT];
	struct bk__text unq;
	struct bk__evb evb;
};

static bk_span
cspan(const char *s)
{
	return bk__span(s, strlen(s));
}

/* The first element of a set or JSON array value. */
static bk_span
first_of(bk_span s, char set_sep)
{
	const char *c;

	if (s.len >= 2 && s.ptr[0] == '[') {
		s = bk__span(s.ptr + 1, s.len - 2);
		set_sep = ',';
	}
	if (s.ptr != NULL && (c = memchr(s.ptr, set_sep, s.len)) != NULL)
		s.len = (size_t)(c - s.ptr);
	s = bk__trim(s);
	if (s.len >= 2 && s.ptr[0] == '"' && s.ptr[s.len - 1] == '"')
		s = bk__span(s.ptr + 1, s.len - 2);
	return s;
}

static int64_t
count(bk_span s)
{
	int64_t v = bk__span_uint(s);

	return v >= 0 ? v : BK_EVENT_NONE;
}

/* Builds and emits the event of one log line from z->val. */
static int
zeek_event(bk_parser *p, struct zeek *z, const char *path, uint64_t lineno, bk_span raw,
    char set_sep, bk_event_fn fn, void *ctx)
{
	struct bk__evb *b = &z->evb;
	bk_span *v = z->val;
	bool orig;
	int64_t ms = BK_EVENT_NONE;

	bk__evb_reset(b, p, lineno);
	if (v[R_TS].ptr != NULL) {
		size_t used = bk__time(p, z->tf_epoch, v[R_TS].ptr, v[R_TS].len, &ms);

		if (used != v[R_TS].len)
			ms = bk__time_span(p, z->tf_iso, v[R_TS]);
		b->ev.ts = ms;
	}
	if (path[0] == '\0') {
		path = v[R_PATH].ptr != NULL && v[R_PATH].len < 32 ? NULL :
		    v[R_QUERY].ptr != NULL ? "dns" : v[R_FUID].ptr != NULL ? "files" :
		    v[R_METHOD].ptr != NULL || v[R_URI].ptr != NULL || v[R_STATUS].ptr != NULL ? "http" :
		    v[R_CONN_STATE].ptr != NULL || v[R_ORIG_BYTES].ptr != NULL ? "conn" : "";
	}
	bk__evb_str(b, BK_EV_IP, v[R_ORIG_H]);
	bk__evb_str(b, BK_EV_DST, v[R_RESP_H]);
	bk__evb_str(b, BK_EV_METHOD, v[R_METHOD]);
	bk__evb_str(b, BK_EV_ACTOR, v[R_USERNAME]);
	if (v[R_HOST].ptr != NULL) {
		b->ev.str[BK_EV_DST] = v[R_HOST];
		bk__evb_extra(b, "dst_ip", v[R_RESP_H], false);
	}
	if (v[R_URI].ptr != NULL) {
		b->ev.str[BK_EV_OBJECT] = v[R_URI];
		b->ev.nids = bk_urlids_find(z->urlids, v[R_URI].ptr, v[R_URI].len, b->ids,
		    BK__EVB_IDS);
		if (b->ev.nids > BK__EVB_IDS)
			b->ev.nids = BK__EVB_IDS;
	}
	if (v[R_STATUS].ptr != NULL)
		b->ev.status = count(v[R_STATUS]);
	if (v[R_ORIG_BYTES].ptr != NULL)
		b->ev.bytes_in = count(v[R_ORIG_BYTES]);
	if (v[R_RESP_BYTES].ptr != NULL)
		b->ev.bytes_out = count(v[R_RESP_BYTES]);
	if (v[R_REQ_LEN].ptr != NULL)
		b->ev.bytes_in = count(v[R_REQ_LEN]);
	if (v[R_RESP_LEN].ptr != NULL)
		b->ev.bytes_out = count(v[R_RESP_LEN]);
	if (v[R_QUERY].ptr != NULL) {
		b->ev.str[BK_EV_ACTION] = cspan("dns");
		b->ev.str[BK_EV_OBJECT] = v[R_QUERY];
		b->ev.str[BK_EV_DST] = v[R_QUERY];
		bk__evb_extra(b, "dns_server", v[R_RESP_H], false);
	}
	if (v[R_SEEN].ptr != NULL || v[R_FUID].ptr != NULL) {
		orig = v[R_IS_ORIG].ptr != NULL && (v[R_IS_ORIG].ptr[0] == 'T' ||
		    v[R_IS_ORIG].ptr[0] == 't');
		if (v[R_IS_ORIG].ptr != NULL)
			b->ev.str[BK_EV_ACTION] = cspan(orig ? "upload" : "download");
		if (v[R_SEEN].ptr != NULL) {
			if (orig)
				b->ev.bytes_in = count(v[R_SEEN]);
			else
				b->ev.bytes_out = count(v[R_SEEN]);
		}
		if (v[R_ORIG_H].ptr == NULL) {
			bk__evb_str(b, BK_EV_IP, first_of(orig ? v[R_TX] : v[R_RX], set_sep));
			bk__evb_str(b, BK_EV_DST, first_of(orig ? v[R_RX] : v[R_TX], set_sep));
		}
		bk__evb_str(b, BK_EV_OBJECT, v[R_FILENAME].ptr != NULL ? v[R_FILENAME] : v[R_MIME]);
	}
	bk__evb_extra(b, "uid", v[R_UID], false);
	bk__evb_extra(b, "src_port", v[R_ORIG_P], bk__span_uint(v[R_ORIG_P]) >= 0);
	bk__evb_extra(b, "dst_port", v[R_RESP_P], bk__span_uint(v[R_RESP_P]) >= 0);
	bk__evb_extra(b, "proto", v[R_PROTO], false);
	bk__evb_extra(b, "service", v[R_SERVICE], false);
	bk__evb_extra(b, "duration", v[R_DURATION], v[R_DURATION].len > 0 &&
	    bk__is_digit(v[R_DURATION].ptr[0]));
	bk__evb_extra(b, "conn_state", v[R_CONN_STATE], false);
	bk__evb_extra(b, "user_agent", v[R_UA], false);
	bk__evb_extra(b, "qtype", v[R_QTYPE], false);
	bk__evb_extra(b, "rcode", v[R_RCODE], false);
	bk__evb_extra(b, "fuid", v[R_FUID], false);
	bk__evb_extra(b, "source", v[R_SOURCE], false);
	if (v[R_FILENAME].ptr != NULL)
		bk__evb_extra(b, "mime_type", v[R_MIME], false);
	if (path == NULL)
		bk__evb_extra(b, "log", v[R_PATH], false);
	else if (path[0] != '\0')
		bk__evb_extra(b, "log", cspan(path), false);
	if (p->opts.keep_raw)
		b->ev.raw = raw;
	return fn(ctx, &b->ev);
}

/* ---- TSV ------------------------------------------------------------------- */

/* Undoes \xHH escapes of S into Z's scratch (room reserved by the caller). */
static bk_span
unescape_hex(struct zeek *z, bk_span s)
{
	char *o;
	size_t k = 0;

	if (memchr(s.ptr, '\\', s.len) == NULL)
		return s;
	o = z->unq.data + z->unq.len;
	for (size_t i = 0; i < s.len; i++) {
		int hi, lo;

		if (s.ptr[i] == '\\' && i + 3 < s.len && s.ptr[i + 1] == 'x' &&
		    (hi = bk__hexval(s.ptr[i + 2])) >= 0 && (lo = bk__hexval(s.ptr[i + 3])) >= 0) {
			o[k++] = (char)(hi << 4 | lo);
			i += 3;
		} else {
			o[k++] = s.ptr[i];
		}
	}
	z->unq.len += k;
	return bk__span(o, k);
}

/* A header value into DST (at most CAP-1 bytes), escapes undone. */
static void
header_value(struct zeek *z, bk_span s, char *dst, size_t cap)
{
	bk_span v;

	z->unq.len = 0;
	if (bk__text_reserve(&z->unq, s.len) != BK_OK) {
		dst[0] = '\0';
		return;
	}
	v = unescape_hex(z, s);
	if (v.len >= cap)
		v.len = cap - 1;
	memcpy(dst, v.ptr, v.len);
	dst[v.len] = '\0';
}

static void
tsv_reset(struct zeek *z)
{
	z->has_fields = false;
	z->sep = '\t';
	z->set_sep = ',';
	strcpy(z->empty, "(empty)");
	strcpy(z->unset, "-");
	z->path[0] = '\0';
	z->ncols = 0;
}

static int
tsv_header(struct zeek *z, const char *s, size_t n)
{
	const char *sp;
	bk_span name, rest;
	char buf[32];

	if (bk__starts(s, n, "#separator ")) {
		header_value(z, bk__span(s + 11, n - 11), buf, sizeof buf);
		if (strlen(buf) != 1)
			return 1;
		tsv_reset(z);
		z->sep = buf[0];
		return BK_OK;
	}
	sp = memchr(s, z->sep, n);
	if (sp == NULL)
		return bk__starts(s, n, "#close") || bk__starts(s, n, "#open") ? BK_OK : 1;
	name = bk__span(s, (size_t)(sp - s));
	rest = bk__span(sp + 1, n - (size_t)(sp + 1 - s));
	if (bk__span_is(name, "#set_separator")) {
		header_value(z, rest, buf, sizeof buf);
		if (strlen(buf) == 1)
			z->set_sep = buf[0];
	} else if (bk__span_is(name, "#empty_field")) {
		header_value(z, rest, z->empty, sizeof z->empty);
	} else if (bk__span_is(name, "#unset_field")) {
		header_value(z, rest, z->unset, sizeof z->unset);
	} else if (bk__span_is(name, "#path")) {
		header_value(z, rest, z->path, sizeof z->path);
	} else if (bk__span_is(name, "#fields")) {
		const char *p = rest.ptr, *end = rest.ptr + rest.len;

		z->ncols = 0;
		while (p <= end && z->ncols < ZEEK_MAXCOLS) {
			const char *c = memchr(p, z->sep, (size_t)(end - p));

			if (c == NULL)
				c = end;
			z->col[z->ncols++] = (unsigned char)role_of(p, (size_t)(c - p));
			p = c + 1;
		}
		z->has_fields = true;
	} else if (!bk__span_is(name, "#types") && !bk__span_is(name, "#open") &&
	    !bk__span_is(name, "#close")) {
		return 1;
	}
	return BK_OK;
}

static int
tsv_line(bk_parser *p, const char *s, size_t n, uint64_t lineno, bk_event_fn fn, void *ctx)
{
	struct zeek *z = p->impl;
	const char *q = s, *end;
	size_t i = 0;
	bool esc;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n > 0 && s[0] == '#')
		return tsv_header(z, s, n);
	if (!z->has_fields || n == 0)
		return 1;
	end = s + n;
	memset(z->val, 0, sizeof z->val);
	z->unq.len = 0;
	esc = memchr(s, '\\', n) != NULL;
	if (esc && bk__text_reserve(&z->unq, n) != BK_OK)
		return BK_NOMEM;
	for (;;) {
		const char *c = memchr(q, z->sep, (size_t)(end - q));
		size_t len = (size_t)((c != NULL ? c : end) - q);

		if (i < z->ncols && z->col[i] != R_NONE) {
			bk_span v = bk__span(q, len);

			if (!bk__span_is(v, z->unset) && !bk__span_is(v, z->empty) && len > 0)
				z->val[z->col[i]] = esc ? unescape_hex(z, v) : v;
		}
		i++;
		if (c == NULL)
			break;
		q = c + 1;
	}
	if (i != z->ncols || z->val[R_TS].ptr == NULL)
		return 1;
	return zeek_event(p, z, z->path, lineno, bk__span(s, n), z->set_sep, fn, ctx);
}

/* ---- JSON ------------------------------------------------------------------- */

static int
json_leaf(void *ctx, const char *path, size_t plen, bk_span val, enum bk__json_type type)
{
	struct zeek *z = ctx;
	enum role r = role_of(path, plen);

	if (r != R_NONE && type != BK__JSON_NULL) {
		if (r == R_IS_ORIG)
			val = type == BK__JSON_TRUE ? bk__span("T", 1) : bk__span("F", 1);
		z->val[r] = val;
	}
	return 0;
}

static int
json_line(bk_parser *p, const char *s, size_t n, uint64_t lineno, bk_event_fn fn, void *ctx)
{
	struct zeek *z = p->impl;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	memset(z->val, 0, sizeof z->val);
	z->unq.len = 0;
	if (bk__text_reserve(&z->unq, n) != BK_OK)
		return BK_NOMEM;
	if (bk__json_walk(s, n, &z->unq, json_leaf, z) != BK_OK || z->val[R_TS].ptr == NULL)
		return 1;
	return zeek_event(p, z, "", lineno, bk__span(s, n), ',', fn, ctx);
}

/* ---- setup ---------------------------------------------------------------------- */

static void
zeek_begin(bk_parser *p)
{
	tsv_reset(p->impl);
}

static void
zeek_free(bk_parser *p)
{
	struct zeek *z = p->impl;

	if (z == NULL)
		return;
	bk_timefmt_free(z->tf_epoch);
	bk_timefmt_free(z->tf_iso);
	bk_urlids_free(z->urlids);
	bk__text_free(&z->unq);
	free(z);
	p->impl = NULL;
}

static int
zeek_init(bk_parser *p, char **err)
{
	struct zeek *z = calloc(1, sizeof *z);

	*err = NULL;
	if (z == NULL)
		return BK_NOMEM;
	p->impl = z;
	tsv_reset(z);
	if ((z->tf_epoch = bk_timefmt_new("epoch", err)) == NULL ||
	    (z->tf_iso = bk_timefmt_new("iso8601", err)) == NULL ||
	    (z->urlids = bk_urlids_new(p->opts.ids, err)) == NULL) {
		if (*err == NULL)
			*err = bk__errf("%s: out of memory", p->ops->name);
		zeek_free(p);
		return BK_ERROR;
	}
	return BK_OK;
}

const struct bk__parser_ops bk__zeek_ops = {
	.name = "zeek",
	.description = "Zeek TSV logs (conn, http, dns, files), columns named by the #fields header",
	/* A data row means nothing without the header that names its columns. */
	.example = "#separator \\x09\n"
		   "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\t"
		   "duration\torig_bytes\tresp_bytes\tconn_state\n"
		   "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\t"
		   "count\tstring\n"
		   "1763805600.123456\tCHhAvVGS1DHFjwGM9\t10.0.0.5\t51234\t10.0.0.9\t443\ttcp\tssl\t"
		   "1.234567\t1024\t20480\tSF",
	.init = zeek_init,
	.begin = zeek_begin,
	.line = tsv_line,
	.free = zeek_free,
};

const struct bk__parser_ops bk__zeek_json_ops = {
	.name = "zeek-json",
	.description = "Zeek JSON logs (LogAscii::use_json) with dotted keys such as id.orig_h",
	.example = "{\"ts\":1763805600.123456,\"uid\":\"CHhAvVGS1DHFjwGM9\",\"id.orig_h\":\"10.0.0.5\","
		   "\"id.orig_p\":51234,\"id.resp_h\":\"10.0.0.9\",\"id.resp_p\":80,"
		   "\"method\":\"GET\",\"host\":\"crm.example\",\"uri\":\"/api/persons/1001\","
		   "\"status_code\":200,\"response_body_len\":5120}",
	.init = zeek_init,
	.begin = zeek_begin,
	.line = json_line,
	.free = zeek_free,
};
