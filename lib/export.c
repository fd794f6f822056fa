/*
 * export.c - streaming readers of database exports (see export.h).
 *
 * Everything goes through one loop: bk_lines splits the (decompressed)
 * input, the decoder turns each line into UTF-8, and the format's line
 * handler advances a state machine that may span lines (a quoted CSV field,
 * a SQL string or statement, a COPY block). Decoding before parsing matters
 * for Shift_JIS, whose second bytes include 0x5C, the backslash of SQL
 * escapes. Cells are appended to one byte buffer and described by offsets;
 * at the end of a row the pointer arrays are filled and the row is handed
 * over. Column names live in a second such buffer (the CSV header, the
 * column list of the current SQL statement, the keys of the current JSON
 * line), so no row allocates once the buffers have grown.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "lines.h"
#include "util-private.h"

#define SNIFF_BYTES (64 * 1024)
#define HEAD_MAX (256 * 1024)	/* a statement's text kept up to VALUES or ';' */

/* ---- growable name lists ------------------------------------------------- */

/* Strings in one buffer, by offset, with pointer arrays made on demand. */
struct names {
	char *buf;
	size_t len, cap;
	size_t *off, *lens;
	size_t n, ncap;
	const char **ptr;
	size_t pcap;
};

static void
names_free(struct names *s)
{
	free(s->buf);
	free(s->off);
	free(s->lens);
	free(s->ptr);
}

static int
names_add(struct names *s, const char *p, size_t n)
{
	if (bk__grow(&s->buf, &s->cap, s->len + n, 1) != BK_OK ||
	    bk__grow(&s->off, &s->ncap, s->n, sizeof *s->off) != BK_OK)
		return BK_NOMEM;
	/* off and lens share ncap: grow lens to the same size. */
	size_t *l = realloc(s->lens, s->ncap * sizeof *l);
	if (l == NULL)
		return BK_NOMEM;
	s->lens = l;
	memcpy(s->buf + s->len, p, n);
	s->off[s->n] = s->len;
	s->lens[s->n++] = n;
	s->len += n;
	return BK_OK;
}

/* Names "colN" for columns N+1... that have none, up to N in all. */
static int
names_fill(struct names *s, size_t n)
{
	char tmp[32];

	while (s->n < n) {
		int k = snprintf(tmp, sizeof tmp, "col%zu", s->n + 1);

		if (names_add(s, tmp, (size_t)k) != BK_OK)
			return BK_NOMEM;
	}
	return BK_OK;
}

static int
names_ptrs(struct names *s)
{
	if (bk__grow(&s->ptr, &s->pcap, s->n, sizeof *s->ptr) != BK_OK)
		return BK_NOMEM;
	for (size_t i = 0; i < s->n; i++)
		s->ptr[i] = s->buf + s->off[i];
	return BK_OK;
}

/* ---- the reader ----------------------------------------------------------- */

struct table {
	char *name;
	size_t len;
	struct names cols;	/* from CREATE TABLE */
};

enum sql_state {
	SQL_TOP, SQL_COMMENT, SQL_HEAD, SQL_SKIP, SQL_COPY,
	SQL_ROW,	/* in VALUES, before '(' of a row, or ';' */
	SQL_VAL,	/* before a value */
	SQL_STR,	/* inside '...' */
	SQL_AFTER,	/* after a value */
	SQL_BARE,	/* inside a bare value: number, NULL, function call */
};

struct bk_export {
	bk_lines *lr;
	size_t lr_max;
	bk_decoder *dec;
	size_t max_field;
	enum bk_export_format format;
	enum bk_charset cs;
	bk_export_row_fn fn;
	bk_export_error_fn err;
	void *ctx;
	int stop;		/* nonzero returned by fn, or BK_NOMEM */
	bool failed;
	uint64_t lineno;
	bool bad_charset;	/* reported once per input */

	/* the row being assembled */
	char *buf;
	size_t len, cap;
	size_t *cstart, *clen;
	bool *cnull;
	const char **cptr;
	size_t cpcap;
	size_t ncells, ccap;
	bool open_cell, cut;
	uint64_t row_line;

	/* names of the current row's columns */
	struct names names;
	unsigned table_id;
	const char *table;
	size_t table_len;

	/* csv */
	char delim;
	bool header;		/* the first record is a header, not yet read */
	bool quoted;		/* inside a quoted field */
	bool cell_quoted;	/* the current cell started with a quote */
	uint64_t quote_line;

	/* sql */
	enum sql_state st;
	char *head;
	size_t hlen, hcap;
	bool head_over;
	char qchar;		/* the quote we are in, in HEAD and SKIP */
	int depth;
	bool backslash;		/* MySQL-style backslash escapes in strings */
	bool estr;		/* this string is E'...' */
	bool str_in_bare;	/* the string is inside a bare value (function call) */
	bool bare_locked;	/* a bare value took its first string: ignore the rest */
	bool pending_quote;	/* a quote closed at the end of a line ('' may follow) */
	uint64_t stmt_line;
	struct table *tables;
	size_t ntables, tcap;
	struct names stmt;	/* the current statement's column names */

	/* ndjson */
	char *key;
	size_t klen, kcap;
};

bk_export *
bk_export_new(void)
{
	bk_export *x = calloc(1, sizeof *x);

	if (x == NULL)
		return NULL;
	x->max_field = BK_EXPORT_DEFAULT_MAX_FIELD;
	x->dec = bk_decoder_new(BK_CHARSET_AUTO);
	if (x->dec == NULL) {
		free(x);
		return NULL;
	}
	return x;
}

static void
drop_tables(bk_export *x)
{
	for (size_t i = 0; i < x->ntables; i++) {
		free(x->tables[i].name);
		names_free(&x->tables[i].cols);
	}
	x->ntables = 0;
}

void
bk_export_free(bk_export *x)
{
	if (x == NULL)
		return;
	bk_lines_free(x->lr);
	bk_decoder_free(x->dec);
	free(x->buf);
	free(x->cstart);
	free(x->clen);
	free(x->cnull);
	free(x->cptr);
	names_free(&x->names);
	free(x->head);
	drop_tables(x);
	free(x->tables);
	names_free(&x->stmt);
	free(x->key);
	free(x);
}

void
bk_export_set_max_field(bk_export *x, size_t max)
{
	x->max_field = max != 0 ? max : BK_EXPORT_DEFAULT_MAX_FIELD;
}

static const char *const format_names[] = {
	"auto", "csv", "tsv", "mysqldump", "pg_dump", "sqlite", "ndjson",
};

const char *
bk_export_format_name(enum bk_export_format f)
{
	return (size_t)f < sizeof format_names / sizeof format_names[0] ? format_names[f] : "unknown";
}

int
bk_export_format_parse(const char *name, enum bk_export_format *f)
{
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (strcmp(name, format_names[i]) == 0) {
			*f = (enum bk_export_format)i;
			return BK_OK;
		}
	if (strcmp(name, "pgdump") == 0 || strcmp(name, "mysql") == 0 ||
	    strcmp(name, "postgres") == 0 || strcmp(name, "json") == 0) {
		*f = name[0] == 'm' ? BK_EXPORT_MYSQLDUMP : name[0] == 'j' ? BK_EXPORT_NDJSON :
		    BK_EXPORT_PGDUMP;
		return BK_OK;
	}
	return BK_ERROR;
}

enum bk_export_format
bk_export_last_format(const bk_export *x)
{
	return x->format;
}

enum bk_charset
bk_export_last_charset(const bk_export *x)
{
	return x->cs;
}

const char *
bk_export_table_name(const bk_export *x, unsigned id)
{
	return id < x->ntables ? x->tables[id].name : NULL;
}

uint64_t
bk_export_lines(const bk_export *x)
{
	return x->lineno;
}

static void problem(bk_export *x, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
problem(bk_export *x, uint64_t line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	x->failed = true;
	if (x->err == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	x->err(x->ctx, line, msg);
}

/* ---- cells and rows ------------------------------------------------------ */

static void
row_begin(bk_export *x)
{
	x->len = 0;
	x->ncells = 0;
	x->open_cell = false;
	x->row_line = x->lineno;
}

static int
cell_begin(bk_export *x)
{
	if (x->ncells >= x->ccap) {
		/* The three arrays grow together, once per new widest row only. */
		if (bk__grow(&x->cstart, &x->ccap, x->ncells, sizeof *x->cstart) != BK_OK)
			return x->stop = BK_NOMEM;
		size_t cap = x->ccap;
		size_t *l = realloc(x->clen, cap * sizeof *l);
		bool *nl = l != NULL ? realloc(x->cnull, cap * sizeof *nl) : NULL;

		if (l != NULL)
			x->clen = l;
		if (nl == NULL)
			return x->stop = BK_NOMEM;
		x->cnull = nl;
	}
	x->cstart[x->ncells] = x->len;
	x->clen[x->ncells] = 0;
	x->cnull[x->ncells] = false;
	x->open_cell = true;
	x->cut = false;
	return BK_OK;
}

/* Appends to the open cell, up to the field limit. */
static void
cell_add(bk_export *x, const char *p, size_t n)
{
	size_t have = x->len - x->cstart[x->ncells];

	if (have + n > x->max_field) {
		if (!x->cut)
			problem(x, x->lineno, "field longer than %zu bytes (cut)", x->max_field);
		x->cut = true;
		n = have < x->max_field ? x->max_field - have : 0;
	}
	if (n == 0)
		return;
	if (bk__grow(&x->buf, &x->cap, x->len + n, 1) != BK_OK) {
		x->stop = BK_NOMEM;
		return;
	}
	memcpy(x->buf + x->len, p, n);
	x->len += n;
}

static inline void
cell_byte(bk_export *x, char c)
{
	if (x->len < x->cap && x->len - x->cstart[x->ncells] < x->max_field)
		x->buf[x->len++] = c;
	else
		cell_add(x, &c, 1);
}

static void
cell_end(bk_export *x)
{
	if (!x->open_cell)
		return;
	x->clen[x->ncells] = x->len - x->cstart[x->ncells];
	x->ncells++;
	x->open_cell = false;
}

/* Hands the row over with the names in x->names (filled up to the cells). */
static void
row_emit(bk_export *x)
{
	if (x->stop != 0)
		return;
	if (names_fill(&x->names, x->ncells) != BK_OK || names_ptrs(&x->names) != BK_OK) {
		x->stop = BK_NOMEM;
		return;
	}
	/*
	 * cptr has its own capacity: growing it through ccap (which cstart,
	 * clen and cnull share) once let those three be written past their end.
	 */
	if (bk__grow(&x->cptr, &x->cpcap, x->ncells, sizeof *x->cptr) != BK_OK) {
		x->stop = BK_NOMEM;
		return;
	}
	for (size_t i = 0; i < x->ncells; i++)
		x->cptr[i] = x->buf + x->cstart[i];
	struct bk_export_row row = {
		.table = x->table,
		.table_len = x->table_len,
		.table_id = x->table_id,
		.ncols = x->ncells,
		.names = x->names.ptr,
		.name_lens = x->names.lens,
		.values = x->cptr,
		.value_lens = x->clen,
		.is_null = x->cnull,
		.lineno = x->row_line,
	};
	int rc = x->fn(x->ctx, &row);
	if (rc != 0)
		x->stop = rc;
}

/* ---- CSV ----------------------------------------------------------------- */

/* The fields of one record of a sample line, quote-aware; -1 when a quote stays open. */
static long
count_fields(const char *p, size_t n, char delim)
{
	long k = 1;
	bool q = false;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"')
			q = !q;
		else if (p[i] == delim && !q)
			k++;
	}
	return q ? -1 : k;
}

/* Whether a header cell looks like data: a number of 4+ digits (full-width too) or an '@'. */
static bool
looks_like_data(const char *p, size_t n)
{
	size_t digits = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '@')
			return true;
		if (c >= '0' && c <= '9')
			digits++;
		else if (c == 0xef && i + 2 < n && (unsigned char)p[i + 1] == 0xbc &&
		    (unsigned char)p[i + 2] >= 0x90 && (unsigned char)p[i + 2] <= 0x99)
			digits++, i += 2;
	}
	return digits >= 4;
}

/*
 * Settles the delimiter and whether the first record is a header from the
 * first lines of SAMPLE (already decoded: the decoder is reset afterwards).
 * The delimiter is the candidate that splits the most lines into the same
 * number (>1) of fields; the first record is a header unless a cell of it
 * looks like data.
 */
static void
sniff_csv(bk_export *x, const char *sample, size_t slen, bool tsv)
{
	static const char cands[] = { ',', '\t', ';', '|' };
	const char *lines[24];
	size_t offs[24], lens[24], nl = 0, pos = 0;
	int best = -1;
	long best_score = 0;

	bk_decoder_reset(x->dec, sample, slen);
	while (pos < slen && nl < 24) {
		const char *e = memchr(sample + pos, '\n', slen - pos);

		if (e == NULL && nl > 0)
			break;	/* an incomplete last line says little */
		size_t n = (e != NULL ? (size_t)(e - sample) : slen) - pos;
		const char *t;
		size_t tl;

		if (n > 0 && sample[pos + n - 1] == '\r')
			n--;
		if (bk_decoder_line(x->dec, sample + pos, n, &t, &tl) != BK_OK)
			break;
		/* Keep the decoded line: copy it (the decoder's buffer is reused). */
		if (bk__grow(&x->head, &x->hcap, x->hlen + tl, 1) != BK_OK)
			break;
		memcpy(x->head + x->hlen, t, tl);
		offs[nl] = x->hlen;
		lens[nl++] = tl;
		x->hlen += tl;
		pos += (e != NULL ? (size_t)(e - sample) + 1 : slen) - pos;
	}
	for (size_t i = 0; i < nl; i++)
		lines[i] = x->head + offs[i];
	for (int c = 0; c < (int)sizeof cands; c++) {
		long counts[24], score = 0, mode = 0;

		if (tsv && cands[c] != '\t')
			continue;
		for (size_t i = 0; i < nl; i++)
			counts[i] = count_fields(lines[i], lens[i], cands[c]);
		for (size_t i = 0; i < nl; i++) {
			long same = 0;

			for (size_t j = 0; j < nl; j++)
				same += counts[j] == counts[i];
			if (counts[i] > 1 && same > score)
				score = same, mode = counts[i];
		}
		/* More consistent lines win, then more fields. */
		score = score * 1024 + mode;
		if (mode > 1 && score > best_score)
			best_score = score, best = c;
	}
	x->delim = tsv ? '\t' : best >= 0 ? cands[best] : ',';
	x->header = true;
	if (nl > 0) {
		const char *p = lines[0];
		size_t n = lens[0], start = 0;
		bool q = false;

		for (size_t i = 0; i <= n; i++) {
			if (i < n && p[i] == '"')
				q = !q;
			if (i < n && (p[i] != x->delim || q))
				continue;
			if (looks_like_data(p + start, i - start))
				x->header = false;
			start = i + 1;
		}
	}
	x->hlen = 0;
}

static void
csv_row_end(bk_export *x)
{
	cell_end(x);
	if (x->ncells == 1 && x->clen[0] == 0 && !x->cell_quoted)
		return;	/* a blank line */
	if (x->header) {
		/* The header's cells become the names. */
		x->names.n = x->names.len = 0;
		for (size_t i = 0; i < x->ncells; i++) {
			const char *p = x->buf + x->cstart[i];
			size_t n = x->clen[i];

			while (n > 0 && (*p == ' ' || *p == '\t'))
				p++, n--;
			while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
				n--;
			if (names_add(&x->names, p, n) != BK_OK) {
				x->stop = BK_NOMEM;
				return;
			}
		}
		x->header = false;
		return;
	}
	row_emit(x);
}

static void
csv_line(bk_export *x, const char *p, size_t n, bool eol)
{
	size_t i = 0;
	char d = x->delim;

	if (!x->open_cell && !x->quoted) {
		row_begin(x);
		if (cell_begin(x) != BK_OK)
			return;
		x->cell_quoted = false;
	}
	while (i < n) {
		if (x->quoted) {
			const char *q = memchr(p + i, '"', n - i);

			if (q == NULL) {
				cell_add(x, p + i, n - i);
				i = n;
				break;
			}
			cell_add(x, p + i, (size_t)(q - (p + i)));
			i = (size_t)(q - p) + 1;
			if (i < n && p[i] == '"') {
				cell_byte(x, '"');
				i++;
			} else {
				x->quoted = false;
			}
			continue;
		}
		/* A quote opens a quoted field only as a cell's first byte. */
		if (p[i] == '"' && x->len == x->cstart[x->ncells] && !x->cell_quoted) {
			x->quoted = x->cell_quoted = true;
			x->quote_line = x->lineno;
			i++;
			continue;
		}
		/* Else the cell runs to the next delimiter, quotes and all: one copy. */
		const char *dp = memchr(p + i, d, n - i);
		size_t stop = dp != NULL ? (size_t)(dp - p) : n;

		cell_add(x, p + i, stop - i);
		i = stop;
		if (dp != NULL) {
			i++;
			cell_end(x);
			if (cell_begin(x) != BK_OK)
				return;
			x->cell_quoted = false;
		}
	}
	if (!eol)
		return;
	if (x->quoted)
		cell_byte(x, '\n');
	else
		csv_row_end(x);
}

static void
csv_finish(bk_export *x)
{
	if (x->quoted) {
		problem(x, x->quote_line, "quoted field never closed (read to the end of the input)");
		x->quoted = false;
	}
	if (x->open_cell)
		csv_row_end(x);
}

/* ---- SQL ----------------------------------------------------------------- */

static bool
starts_ci(const char *p, size_t n, const char *word)
{
	size_t k = strlen(word);

	if (n < k)
		return false;
	for (size_t i = 0; i < k; i++)
		if (bk__lower(p[i]) != word[i])
			return false;
	return n == k || !(bk__is_alpha(p[k]) || p[k] == '_' || bk__is_digit(p[k]));
}

static size_t
skip_ws(const char *p, size_t n, size_t i)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	return i;
}

/*
 * Reads an identifier at P[I]: `a`, "a", [a] or a bare word, and dotted
 * qualifications of them ("public"."t" becomes public.t), into OUT.
 * Returns the index after it; *OUTLEN 0 when there was none.
 */
static size_t
read_ident(const char *p, size_t n, size_t i, char *out, size_t outcap, size_t *outlen)
{
	size_t k = 0;

	for (;;) {
		i = skip_ws(p, n, i);
		if (i >= n)
			break;
		char open = p[i], close = open == '[' ? ']' : open;

		if (open == '`' || open == '"' || open == '[') {
			for (i++; i < n; i++) {
				if (p[i] == close) {
					if (i + 1 < n && p[i + 1] == close && close != ']') {
						i++;
					} else {
						i++;
						break;
					}
				}
				if (k < outcap)
					out[k++] = p[i];
			}
		} else if (bk__is_alpha(open) || open == '_' || (unsigned char)open >= 0x80) {
			while (i < n && (bk__is_alpha(p[i]) || bk__is_digit(p[i]) || p[i] == '_' ||
			    p[i] == '$' || (unsigned char)p[i] >= 0x80)) {
				if (k < outcap)
					out[k++] = p[i];
				i++;
			}
		} else {
			break;
		}
		if (i < n && p[i] == '.' && k < outcap) {
			out[k++] = '.';
			i++;
			continue;
		}
		break;
	}
	*outlen = k;
	return i;
}

/* The id of table NAME, made when new. */
static int
table_id(bk_export *x, const char *name, size_t len, unsigned *id)
{
	for (size_t i = 0; i < x->ntables; i++)
		if (x->tables[i].len == len && memcmp(x->tables[i].name, name, len) == 0) {
			*id = (unsigned)i;
			return BK_OK;
		}
	if (bk__grow(&x->tables, &x->tcap, x->ntables, sizeof *x->tables) != BK_OK)
		return BK_NOMEM;
	struct table *t = &x->tables[x->ntables];
	memset(t, 0, sizeof *t);
	if ((t->name = bk__dup_bytes(name, len)) == NULL)
		return BK_NOMEM;
	t->len = len;
	*id = (unsigned)x->ntables++;
	return BK_OK;
}

/* Reads "(a, b, c)" at P[I] into NAMES; returns the index after ')' (I when none). */
static size_t
read_column_list(const char *p, size_t n, size_t i, struct names *names, int *rc)
{
	char id[256];
	size_t idl, j = skip_ws(p, n, i);

	if (j >= n || p[j] != '(')
		return i;
	j++;
	names->n = names->len = 0;
	for (;;) {
		j = read_ident(p, n, j, id, sizeof id, &idl);
		if (idl > 0 && names_add(names, id, idl) != BK_OK)
			*rc = BK_NOMEM;
		j = skip_ws(p, n, j);
		if (j < n && p[j] == ',') {
			j++;
			continue;
		}
		break;
	}
	if (j < n && p[j] == ')')
		j++;
	return j;
}

/* Columns of a CREATE TABLE body: the first word of each top-level item that is not a constraint. */
static void
create_table(bk_export *x, const char *p, size_t n, size_t i)
{
	static const char *const not_columns[] = { "primary", "key", "unique", "constraint",
		"index", "foreign", "check", "fulltext", "spatial", "exclude", "like", NULL };
	char name[256], id[256];
	size_t nl, idl;
	unsigned tid;

	i = skip_ws(p, n, i);
	if (starts_ci(p + i, n - i, "if")) {	/* IF NOT EXISTS */
		i = skip_ws(p, n, i + 2);
		if (starts_ci(p + i, n - i, "not"))
			i = skip_ws(p, n, i + 3);
		if (starts_ci(p + i, n - i, "exists"))
			i += 6;
	}
	i = read_ident(p, n, i, name, sizeof name, &nl);
	i = skip_ws(p, n, i);
	if (nl == 0 || i >= n || p[i] != '(')
		return;
	if (table_id(x, name, nl, &tid) != BK_OK) {
		x->stop = BK_NOMEM;
		return;
	}
	struct names *cols = &x->tables[tid].cols;
	cols->n = cols->len = 0;
	i++;
	while (i < n) {
		size_t j = skip_ws(p, n, i);
		bool skip = false;

		for (int k = 0; not_columns[k] != NULL; k++)
			if (starts_ci(p + j, n - j, not_columns[k]))
				skip = true;
		j = read_ident(p, n, j, id, sizeof id, &idl);
		if (!skip && idl > 0 && names_add(cols, id, idl) != BK_OK) {
			x->stop = BK_NOMEM;
			return;
		}
		/* On to the next top-level ',' (or the closing ')'). */
		int depth = 0;
		char q = 0;

		for (; j < n; j++) {
			char c = p[j];

			if (q != 0) {
				if (c == q)
					q = 0;
				else if (c == '\\' && x->backslash)
					j++;
			} else if (c == '\'' || c == '"' || c == '`') {
				q = c;
			} else if (c == '(') {
				depth++;
			} else if (c == ')') {
				if (depth-- == 0)
					return;
			} else if (c == ',' && depth == 0) {
				break;
			}
		}
		i = j + 1;
	}
}

/* Makes table NAME current for the rows that follow, with its names or LIST's. */
static int
use_table(bk_export *x, const char *name, size_t nl, const char *p, size_t n, size_t i,
    size_t *after)
{
	unsigned tid;
	int rc = BK_OK;

	if (table_id(x, name, nl, &tid) != BK_OK)
		return BK_NOMEM;
	x->table_id = tid;
	x->table = x->tables[tid].name;
	x->table_len = x->tables[tid].len;
	x->names.n = x->names.len = 0;
	size_t j = read_column_list(p, n, i, &x->names, &rc);
	struct names *tc = &x->tables[tid].cols;
	/* A COPY or INSERT column list names a table no CREATE TABLE named. */
	bool adopt = j != i && tc->n == 0;
	for (size_t k = 0; adopt && k < x->names.n && rc == BK_OK; k++)
		rc = names_add(tc, x->names.buf + x->names.off[k], x->names.lens[k]);
	if (j == i) {
		const struct names *c = &x->tables[tid].cols;

		for (size_t k = 0; k < c->n && rc == BK_OK; k++)
			rc = names_add(&x->names, c->buf + c->off[k], c->lens[k]);
	}
	if (after != NULL)
		*after = j;
	return rc;
}

/* A statement ended with ';' (its text is in head): CREATE TABLE or COPY matter. */
static void
statement_done(bk_export *x)
{
	const char *p = x->head;
	size_t n = x->hlen, i = 0;
	char name[256];
	size_t nl;

	if (x->head_over && !starts_ci(p, n, "copy")) {
		x->hlen = 0;
		return;
	}
	if (starts_ci(p, n, "create")) {
		i = skip_ws(p, n, 6);
		/* CREATE [TEMPORARY|TEMP|UNLOGGED] TABLE */
		if (starts_ci(p + i, n - i, "temporary") || starts_ci(p + i, n - i, "temp") ||
		    starts_ci(p + i, n - i, "unlogged"))
			while (i < n && bk__is_alpha(p[i]))
				i++;
		i = skip_ws(p, n, i);
		if (starts_ci(p + i, n - i, "table"))
			create_table(x, p, n, i + 5);
	} else if (starts_ci(p, n, "copy")) {
		i = read_ident(p, n, 4, name, sizeof name, &nl);
		size_t j;

		if (nl > 0 && use_table(x, name, nl, p, n, i, &j) != BK_OK) {
			x->stop = BK_NOMEM;
		} else if (nl > 0) {
			j = skip_ws(p, n, j);
			if (starts_ci(p + j, n - j, "from")) {
				j = skip_ws(p, n, j + 4);
				if (starts_ci(p + j, n - j, "stdin")) {
					x->st = SQL_COPY;
					x->stmt_line = x->lineno;
				}
			}
		}
	}
	x->hlen = 0;
}

/*
 * At a top-level '(' in a statement's head: if the head is "INSERT|REPLACE
 * [IGNORE] INTO t [(cols)] VALUES", the rows start here.
 */
static bool
values_start(bk_export *x)
{
	const char *p = x->head;
	size_t n = x->hlen, i;
	char name[256];
	size_t nl;

	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\n' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	if (n < 6 || !starts_ci(p + n - 6, 6, "values"))
		return false;
	if (starts_ci(p, n, "insert"))
		i = 6;
	else if (starts_ci(p, n, "replace"))
		i = 7;
	else
		return false;
	i = skip_ws(p, n, i);
	while (starts_ci(p + i, n - i, "ignore") || starts_ci(p + i, n - i, "low_priority") ||
	    starts_ci(p + i, n - i, "delayed") || starts_ci(p + i, n - i, "high_priority") ||
	    starts_ci(p + i, n - i, "or")) {
		while (i < n && (bk__is_alpha(p[i]) || p[i] == '_'))
			i++;
		i = skip_ws(p, n, i);
		/* INSERT OR REPLACE / OR IGNORE (SQLite) */
		if (starts_ci(p + i, n - i, "replace") || starts_ci(p + i, n - i, "ignore"))
			while (i < n && bk__is_alpha(p[i]))
				i++;
		i = skip_ws(p, n, i);
	}
	if (starts_ci(p + i, n - i, "into"))
		i += 4;
	i = read_ident(p, n, i, name, sizeof name, &nl);
	if (nl == 0)
		return false;
	if (use_table(x, name, nl, p, n - 6, i, NULL) != BK_OK) {
		x->stop = BK_NOMEM;
		return false;
	}
	x->stmt_line = x->lineno;
	return true;
}

/* Whether the bare value just ended is NULL. */
static void
bare_end(bk_export *x)
{
	size_t s = x->cstart[x->ncells], n = x->len - s;
	const char *p = x->buf + s;

	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	x->len = s + n;
	if (!x->bare_locked && n == 4 && starts_ci(p, 4, "null")) {
		x->len = s;
		x->cnull[x->ncells] = true;
	}
	cell_end(x);
}

/* One escape of a string after '\\': C is the escaped byte. */
static char
mysql_unescape(char c)
{
	switch (c) {
	case '0': return '\0';
	case 'b': return '\b';
	case 'n': return '\n';
	case 'r': return '\r';
	case 't': return '\t';
	case 'Z': return '\032';
	default: return c;	/* \' \" \\ \% \_ and anything else: the byte */
	}
}

/* The COPY text format's escapes on one line of a COPY block. */
static void
copy_line(bk_export *x, const char *p, size_t n)
{
	row_begin(x);
	if (cell_begin(x) != BK_OK)
		return;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c == '\t') {
			cell_end(x);
			if (cell_begin(x) != BK_OK)
				return;
			continue;
		}
		if (c != '\\' || i + 1 >= n) {
			cell_byte(x, c);
			continue;
		}
		c = p[++i];
		if (c == 'N' && x->len == x->cstart[x->ncells] &&
		    (i + 1 == n || p[i + 1] == '\t')) {
			x->cnull[x->ncells] = true;
		} else if (c >= '0' && c <= '7') {
			int v = 0, k = 0;

			while (k < 3 && i < n && p[i] >= '0' && p[i] <= '7')
				v = v * 8 + (p[i++] - '0'), k++;
			i--;
			cell_byte(x, (char)v);
		} else if (c == 'x' && i + 1 < n && isxdigit((unsigned char)p[i + 1])) {
			int v = 0, k = 0;

			while (k < 2 && i + 1 < n && isxdigit((unsigned char)p[i + 1])) {
				char h = p[++i];

				v = v * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
				k++;
			}
			cell_byte(x, (char)v);
		} else {
			switch (c) {
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'v': c = '\v'; break;
			default: break;
			}
			cell_byte(x, c);
		}
	}
	cell_end(x);
	row_emit(x);
}

static void
sql_line(bk_export *x, const char *p, size_t n, bool eol)
{
	size_t i = 0;

	if (x->st == SQL_COPY) {
		if (n == 2 && p[0] == '\\' && p[1] == '.') {
			x->st = SQL_TOP;
			return;
		}
		copy_line(x, p, n);
		return;
	}
	if (x->pending_quote) {
		/* A string closed at the end of the last line: it stays closed. */
		x->pending_quote = false;
	}
	while (i < n && x->stop == 0) {
		char c = p[i];

		switch (x->st) {
		case SQL_TOP:
			if (c == ' ' || c == '\t' || c == '\r' || c == ';') {
				i++;
			} else if ((c == '-' && i + 1 < n && p[i + 1] == '-') || c == '\\') {
				/* a comment, or a psql meta-command (pg_dump's \restrict): to the line's end */
				i = n;
			} else if (c == '/' && i + 1 < n && p[i + 1] == '*') {
				x->st = SQL_COMMENT;
				i += 2;
			} else {
				x->st = SQL_HEAD;
				x->hlen = 0;
				x->head_over = false;
				x->qchar = 0;
				x->depth = 0;
				x->stmt_line = x->lineno;
			}
			break;
		case SQL_COMMENT: {
			const char *e = memchr(p + i, '*', n - i);

			if (e == NULL) {
				i = n;
			} else {
				i = (size_t)(e - p) + 1;
				if (i < n && p[i] == '/') {
					x->st = SQL_TOP;
					i++;
				}
			}
			break;
		}
		case SQL_HEAD:
		case SQL_SKIP:
			i++;
			if (x->qchar != 0) {
				if (c == '\\' && x->backslash && x->qchar == '\'' && i < n) {
					if (x->st == SQL_HEAD && x->hlen + 2 <= HEAD_MAX &&
					    bk__grow(&x->head, &x->hcap, x->hlen + 2, 1) == BK_OK) {
						x->head[x->hlen++] = c;
						x->head[x->hlen++] = p[i];
					}
					i++;
					continue;
				}
				if (c == x->qchar)
					x->qchar = 0;
			} else if (c == '\'' || c == '"' || c == '`') {
				x->qchar = c;
			} else if (c == ';') {
				if (x->st == SQL_HEAD)
					statement_done(x);
				if (x->st != SQL_COPY)
					x->st = SQL_TOP;
				continue;
			} else if (c == '(' && x->st == SQL_HEAD && x->depth == 0 && values_start(x)) {
				x->st = SQL_VAL;
				row_begin(x);
				x->row_line = x->lineno;
				continue;
			} else if (c == '(') {
				x->depth++;
			} else if (c == ')') {
				x->depth--;
			}
			if (x->st == SQL_HEAD) {
				if (x->hlen >= HEAD_MAX)
					x->head_over = true;
				else if (bk__grow(&x->head, &x->hcap, x->hlen, 1) != BK_OK)
					x->stop = BK_NOMEM;
				else
					x->head[x->hlen++] = c;
			}
			break;
		case SQL_ROW:
			i++;
			if (c == '(') {
				row_begin(x);
				x->st = SQL_VAL;
			} else if (c == ';') {
				x->st = SQL_TOP;
			} else if (c != ',' && c != ' ' && c != '\t' && c != '\r') {
				problem(x, x->lineno, "unexpected '%c' between rows of INSERT INTO %.*s",
				    c, (int)x->table_len, x->table);
				x->st = SQL_SKIP;
				x->qchar = 0;
			}
			break;
		case SQL_VAL:
			if (c == ' ' || c == '\t' || c == '\r') {
				i++;
				break;
			}
			if (cell_begin(x) != BK_OK)
				return;
			x->bare_locked = false;
			if (c == '\'') {
				x->st = SQL_STR;
				x->estr = false;
				x->str_in_bare = false;
				i++;
			} else if ((c == 'E' || c == 'e') && i + 1 < n && p[i + 1] == '\'') {
				x->st = SQL_STR;
				x->estr = true;
				x->str_in_bare = false;
				i += 2;
			} else if (c == ')' && x->ncells == 0) {
				x->open_cell = false;	/* "()": a row of no values */
				row_emit(x);
				x->st = SQL_ROW;
				i++;
			} else {
				x->st = SQL_BARE;
				x->depth = 0;
			}
			break;
		case SQL_STR: {
			bool esc = x->backslash || x->estr;
			size_t j = i;

			while (j < n && p[j] != '\'' && !(esc && p[j] == '\\'))
				j++;
			if (!x->bare_locked)
				cell_add(x, p + i, j - i);
			i = j;
			if (i >= n)
				break;
			if (p[i] == '\\') {
				if (i + 1 < n && !x->bare_locked)
					cell_byte(x, x->estr ? (p[i + 1] == 'n' ? '\n' : p[i + 1] == 't' ?
					    '\t' : p[i + 1] == 'r' ? '\r' : p[i + 1]) :
					    mysql_unescape(p[i + 1]));
				i += 2;
				break;
			}
			/* a quote: doubled, or the end of the string */
			if (i + 1 < n && p[i + 1] == '\'') {
				if (!x->bare_locked)
					cell_byte(x, '\'');
				i += 2;
				break;
			}
			i++;
			if (x->str_in_bare) {
				x->bare_locked = true;
				x->st = SQL_BARE;
			} else {
				x->st = SQL_AFTER;
			}
			break;
		}
		case SQL_AFTER:
			i++;
			if (c == ',') {
				cell_end(x);
				x->st = SQL_VAL;
			} else if (c == ')') {
				cell_end(x);
				row_emit(x);
				x->st = SQL_ROW;
			} else if (c != ' ' && c != '\t' && c != '\r') {
				/* 'a'::text, 'a' || 'b': keep the string, skip the rest */
				x->bare_locked = true;
				x->depth = 0;
				x->st = SQL_BARE;
				i--;
			}
			break;
		case SQL_BARE:
			i++;
			if (c == '\'') {
				x->str_in_bare = true;
				x->estr = false;
				if (!x->bare_locked)
					x->len = x->cstart[x->ncells];	/* the first string is the value */
				x->st = SQL_STR;
			} else if (c == '(') {
				x->depth++;
				if (!x->bare_locked)
					cell_byte(x, c);
			} else if (c == ')' && x->depth > 0) {
				x->depth--;
				if (!x->bare_locked)
					cell_byte(x, c);
			} else if (c == ',' && x->depth == 0) {
				bare_end(x);
				x->st = SQL_VAL;
			} else if (c == ')') {
				bare_end(x);
				row_emit(x);
				x->st = SQL_ROW;
			} else if (!x->bare_locked) {
				cell_byte(x, c);
			}
			break;
		case SQL_COPY:
			return;
		}
	}
	if (!eol)
		return;
	/* The line's end: inside strings it is part of the value. */
	if (x->st == SQL_STR && !x->bare_locked)
		cell_byte(x, '\n');
	else if (x->st == SQL_HEAD && x->hlen < HEAD_MAX &&
	    bk__grow(&x->head, &x->hcap, x->hlen, 1) == BK_OK)
		x->head[x->hlen++] = '\n';
	else if (x->st == SQL_BARE && !x->bare_locked)
		cell_byte(x, ' ');
}

static void
sql_finish(bk_export *x)
{
	switch (x->st) {
	case SQL_COPY:
		problem(x, x->lineno, "COPY of %.*s not ended by \\. (the dump is cut off)",
		    (int)x->table_len, x->table);
		break;
	case SQL_ROW:
	case SQL_VAL:
	case SQL_STR:
	case SQL_AFTER:
	case SQL_BARE:
		problem(x, x->lineno, "INSERT INTO %.*s (from line %llu) cut off%s",
		    (int)x->table_len, x->table, (unsigned long long)x->stmt_line,
		    x->st == SQL_ROW ? "" : "; its last row is not counted");
		break;
	case SQL_HEAD:
		if (x->hlen > 0)
			problem(x, x->stmt_line, "statement not ended by ';' (the dump is cut off)");
		break;
	default:
		break;
	}
	x->st = SQL_TOP;
}

/* ---- NDJSON -------------------------------------------------------------- */

struct json {
	const char *p;
	size_t n, i;
};

static void
json_ws(struct json *j)
{
	while (j->i < j->n && (j->p[j->i] == ' ' || j->p[j->i] == '\t' || j->p[j->i] == '\r'))
		j->i++;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool
json_hex4(struct json *j, unsigned *v)
{
	*v = 0;
	if (j->i + 4 > j->n)
		return false;
	for (int k = 0; k < 4; k++) {
		int h = hexval(j->p[j->i++]);

		if (h < 0)
			return false;
		*v = *v << 4 | (unsigned)h;
	}
	return true;
}

/* A JSON string at j->i (after its '"') into the open cell (OUT_KEY: into x->key). */
static bool
json_string(bk_export *x, struct json *j, bool out_key)
{
	for (;;) {
		size_t s = j->i;

		while (j->i < j->n && j->p[j->i] != '"' && j->p[j->i] != '\\')
			j->i++;
		if (out_key) {
			if (bk__grow(&x->key, &x->kcap, x->klen + (j->i - s), 1) != BK_OK)
				return false;
			memcpy(x->key + x->klen, j->p + s, j->i - s);
			x->klen += j->i - s;
		} else {
			cell_add(x, j->p + s, j->i - s);
		}
		if (j->i >= j->n)
			return false;
		if (j->p[j->i++] == '"')
			return true;
		if (j->i >= j->n)
			return false;
		char c = j->p[j->i++], buf[4];
		size_t bl = 1;
		unsigned v;

		switch (c) {
		case 'b': buf[0] = '\b'; break;
		case 'f': buf[0] = '\f'; break;
		case 'n': buf[0] = '\n'; break;
		case 'r': buf[0] = '\r'; break;
		case 't': buf[0] = '\t'; break;
		case 'u':
			if (!json_hex4(j, &v))
				return false;
			if (v >= 0xd800 && v < 0xdc00 && j->i + 6 <= j->n && j->p[j->i] == '\\' &&
			    j->p[j->i + 1] == 'u') {
				unsigned lo;

				j->i += 2;
				if (!json_hex4(j, &lo) || lo < 0xdc00 || lo > 0xdfff)
					return false;
				v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
			}
			if (v >= 0xd800 && v <= 0xdfff)
				v = 0xfffd;
			if (v < 0x80) {
				buf[0] = (char)v;
			} else if (v < 0x800) {
				buf[0] = (char)(0xc0 | v >> 6), buf[1] = (char)(0x80 | (v & 0x3f));
				bl = 2;
			} else if (v < 0x10000) {
				buf[0] = (char)(0xe0 | v >> 12), buf[1] = (char)(0x80 | (v >> 6 & 0x3f));
				buf[2] = (char)(0x80 | (v & 0x3f));
				bl = 3;
			} else {
				buf[0] = (char)(0xf0 | v >> 18), buf[1] = (char)(0x80 | (v >> 12 & 0x3f));
				buf[2] = (char)(0x80 | (v >> 6 & 0x3f)), buf[3] = (char)(0x80 | (v & 0x3f));
				bl = 4;
			}
			break;
		default: buf[0] = c; break;
		}
		if (out_key) {
			if (bk__grow(&x->key, &x->kcap, x->klen + bl, 1) != BK_OK)
				return false;
			memcpy(x->key + x->klen, buf, bl);
			x->klen += bl;
		} else {
			cell_add(x, buf, bl);
		}
	}
}

static bool json_object(bk_export *x, struct json *j, int depth);

/* A value under the key in x->key. */
static bool
json_value(bk_export *x, struct json *j, int depth)
{
	json_ws(j);
	if (j->i >= j->n || depth > 32)
		return false;
	char c = j->p[j->i];

	if (c == '{') {
		size_t kl = x->klen;

		if (bk__grow(&x->key, &x->kcap, x->klen + 1, 1) != BK_OK)
			return false;
		x->key[x->klen++] = '.';
		bool ok = json_object(x, j, depth + 1);
		x->klen = kl;
		return ok;
	}
	if (c == '[') {
		size_t kl = x->klen;

		j->i++;
		if (bk__grow(&x->key, &x->kcap, x->klen + 2, 1) != BK_OK)
			return false;
		x->key[x->klen++] = '[';
		x->key[x->klen++] = ']';
		json_ws(j);
		if (j->i < j->n && j->p[j->i] == ']') {
			j->i++;
			x->klen = kl;
			return true;
		}
		for (;;) {
			if (!json_value(x, j, depth + 1))
				return false;
			json_ws(j);
			if (j->i < j->n && j->p[j->i] == ',') {
				j->i++;
				continue;
			}
			if (j->i < j->n && j->p[j->i] == ']') {
				j->i++;
				x->klen = kl;
				return true;
			}
			return false;
		}
	}
	/* A scalar: one cell named by the key. */
	if (names_add(&x->names, x->key, x->klen) != BK_OK || cell_begin(x) != BK_OK) {
		x->stop = BK_NOMEM;
		return false;
	}
	if (c == '"') {
		j->i++;
		if (!json_string(x, j, false))
			return false;
	} else {
		size_t s = j->i;

		while (j->i < j->n && j->p[j->i] != ',' && j->p[j->i] != '}' && j->p[j->i] != ']' &&
		    j->p[j->i] != ' ' && j->p[j->i] != '\t' && j->p[j->i] != '\r')
			j->i++;
		if (j->i == s)
			return false;
		if (j->i - s == 4 && memcmp(j->p + s, "null", 4) == 0)
			x->cnull[x->ncells] = true;
		else
			cell_add(x, j->p + s, j->i - s);
	}
	cell_end(x);
	return true;
}

static bool
json_object(bk_export *x, struct json *j, int depth)
{
	size_t kl = x->klen;

	json_ws(j);
	if (j->i >= j->n || j->p[j->i] != '{')
		return false;
	j->i++;
	json_ws(j);
	if (j->i < j->n && j->p[j->i] == '}') {
		j->i++;
		return true;
	}
	for (;;) {
		json_ws(j);
		if (j->i >= j->n || j->p[j->i] != '"')
			return false;
		j->i++;
		x->klen = kl;
		if (!json_string(x, j, true))
			return false;
		json_ws(j);
		if (j->i >= j->n || j->p[j->i] != ':')
			return false;
		j->i++;
		if (!json_value(x, j, depth))
			return false;
		json_ws(j);
		if (j->i < j->n && j->p[j->i] == ',') {
			j->i++;
			continue;
		}
		if (j->i < j->n && j->p[j->i] == '}') {
			j->i++;
			x->klen = kl;
			return true;
		}
		return false;
	}
}

static void
ndjson_line(bk_export *x, const char *p, size_t n)
{
	struct json j = { p, n, 0 };

	json_ws(&j);
	if (j.i == n)
		return;
	row_begin(x);
	x->names.n = x->names.len = 0;
	x->klen = 0;
	if (!json_object(x, &j, 0)) {
		if (x->stop == 0)
			problem(x, x->lineno, "%s (column %zu); line skipped",
			    p[skip_ws(p, n, 0)] == '{' ? "invalid JSON" : "not a JSON object", j.i + 1);
		return;
	}
	json_ws(&j);
	if (j.i < n) {
		problem(x, x->lineno, "text after the JSON object (column %zu); line skipped", j.i + 1);
		return;
	}
	row_emit(x);
}

/* ---- the loop ------------------------------------------------------------ */

static bool
contains(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; i + k <= n; i++)
		if (p[i] == s[0] && memcmp(p + i, s, k) == 0)
			return true;
	return false;
}

/* The format of an input from its first bytes. */
static enum bk_export_format
detect_format(const char *p, size_t n)
{
	size_t i = 0;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	i = skip_ws(p, n, i);
	if (i < n && p[i] == '{')
		return BK_EXPORT_NDJSON;
	if (contains(p, n, "-- MySQL dump") || contains(p, n, "-- MariaDB dump"))
		return BK_EXPORT_MYSQLDUMP;
	if (contains(p, n, "-- PostgreSQL database dump"))
		return BK_EXPORT_PGDUMP;
	if (starts_ci(p + i, n - i, "pragma") || starts_ci(p + i, n - i, "begin"))
		return BK_EXPORT_SQLITE;
	if (starts_ci(p + i, n - i, "create") || starts_ci(p + i, n - i, "insert") ||
	    starts_ci(p + i, n - i, "set") || starts_ci(p + i, n - i, "copy") ||
	    (i + 1 < n && ((p[i] == '-' && p[i + 1] == '-') || (p[i] == '/' && p[i + 1] == '*')))) {
		if (memchr(p, '`', n) != NULL)
			return BK_EXPORT_MYSQLDUMP;
		if (contains(p, n, "COPY ") || contains(p, n, "public."))
			return BK_EXPORT_PGDUMP;
		return BK_EXPORT_SQLITE;
	}
	return BK_EXPORT_CSV;
}

/* Whether LEN bytes at P are valid UTF-8. */
static bool
valid_utf8(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;

	for (size_t i = 0; i < n;) {
		uint64_t w;

		/* ASCII a word at a time. */
		if (i + 8 <= n && (memcpy(&w, s + i, 8), (w & UINT64_C(0x8080808080808080)) == 0)) {
			i += 8;
			continue;
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		/*
		 * Kana and kanji: a lead byte that allows any continuation
		 * (not E0, overlong below U+0800, nor ED, the surrogates) and
		 * two continuation bytes. The rest goes the careful way.
		 */
		if (i + 3 <= n && s[i] >= 0xe1 && s[i] <= 0xef && s[i] != 0xed &&
		    ((s[i + 1] & 0xc0) | (s[i + 2] & 0xc0) << 8) == (0x80 | 0x80 << 8)) {
			i += 3;
			continue;
		}
		size_t k = bk__utf8_char(s + i, n - i);

		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

static void
reset_state(bk_export *x)
{
	x->stop = 0;
	x->failed = false;
	x->lineno = 0;
	x->bad_charset = false;
	x->len = x->ncells = 0;
	x->open_cell = x->cut = false;
	x->names.n = x->names.len = 0;
	x->table = NULL;
	x->table_len = 0;
	x->table_id = 0;
	x->quoted = x->cell_quoted = false;
	x->header = false;
	x->st = SQL_TOP;
	x->hlen = 0;
	x->head_over = false;
	x->qchar = 0;
	x->pending_quote = false;
	drop_tables(x);
}

int
bk_export_read(bk_export *x, bk_input *in, enum bk_export_format format, enum bk_charset cs,
    bk_export_row_fn fn, bk_export_error_fn err, void *ctx)
{
	const char *sample;
	size_t slen;
	uint64_t replaced = 0;

	reset_state(x);
	x->fn = fn;
	x->err = err;
	x->ctx = ctx;
	/* Lines may be twice a field long before they come in pieces. */
	if (x->lr == NULL || x->lr_max != x->max_field * 2) {
		bk_lines_free(x->lr);
		x->lr_max = x->max_field * 2;
		if ((x->lr = bk_lines_new(x->lr_max)) == NULL)
			return BK_NOMEM;
	}
	/* What a failed peek saw is still good; the read reports the fault. */
	(void)bk_input_peek(in, SNIFF_BYTES, &sample, &slen);
	if (format == BK_EXPORT_AUTO)
		format = detect_format(sample, slen);
	x->format = format;
	x->backslash = format == BK_EXPORT_MYSQLDUMP;
	if (cs == BK_CHARSET_AUTO)
		cs = bk_charset_detect(sample, slen);
	x->cs = cs;
	bk_decoder_free(x->dec);
	if ((x->dec = bk_decoder_new(cs)) == NULL)
		return BK_NOMEM;
	if (format == BK_EXPORT_CSV || format == BK_EXPORT_TSV) {
		sniff_csv(x, sample, slen, format == BK_EXPORT_TSV);
		if (format == BK_EXPORT_CSV && x->delim == '\t')
			x->format = BK_EXPORT_TSV;
	}
	bk_decoder_reset(x->dec, sample, slen);
	bk_lines_reset(x->lr, in, 1);

	struct bk_line line;
	int rc;

	while (x->stop == 0 && (rc = bk_lines_next(x->lr, &line)) == BK_OK) {
		const char *t;
		size_t tl;

		if (!(line.flags & BK_LINE_CONT))
			x->lineno = line.lineno;
		if (bk_decoder_line(x->dec, line.data, line.len, &t, &tl) != BK_OK)
			return BK_NOMEM;
		if (!x->bad_charset) {
			bool bad;

			if (cs == BK_CHARSET_UTF8)
				bad = !valid_utf8(t, tl);
			else
				bad = bk_decoder_replaced(x->dec) > replaced;
			if (bad) {
				x->bad_charset = true;
				problem(x, x->lineno, "bytes that are not %s (mixed encodings?); "
				    "later ones are not reported", bk_charset_name(cs));
			}
		}
		replaced = bk_decoder_replaced(x->dec);
		bool eol = !(line.flags & BK_LINE_SPLIT);

		switch (x->format) {
		case BK_EXPORT_CSV:
		case BK_EXPORT_TSV:
			/* An unterminated last line ends its record (unless a quote is open). */
			csv_line(x, t, tl, eol);
			break;
		case BK_EXPORT_NDJSON:
			if (line.flags & BK_LINE_SPLIT) {
				problem(x, x->lineno, "JSON line longer than %zu bytes; skipped",
				    x->max_field * 2);
				break;
			}
			if (!(line.flags & BK_LINE_CONT))
				ndjson_line(x, t, tl);
			break;
		default:
			sql_line(x, t, tl, eol && !(line.flags & BK_LINE_NOEOL));
			break;
		}
	}
	if (x->stop == 0 && rc == BK_ERROR)
		problem(x, x->lineno, "%s", bk_input_error(in));
	if (x->stop == 0 && rc == BK_NOMEM)
		x->stop = BK_NOMEM;
	if (x->stop != 0)
		return x->stop;
	switch (x->format) {
	case BK_EXPORT_CSV:
	case BK_EXPORT_TSV:
		csv_finish(x);
		break;
	case BK_EXPORT_NDJSON:
		break;
	default:
		sql_finish(x);
		break;
	}
	if (x->stop != 0)
		return x->stop;
	return x->failed ? BK_ERROR : BK_OK;
}
