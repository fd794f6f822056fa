/*
 * sql.c - what an SQL statement does, from its tokens; see sql.h.
 *
 * A database log shows statements, and an incident responder asks of each:
 * did it read (or export) whole tables, which ones, with or without a filter,
 * and which records did it name. A grammar for every dialect is neither
 * needed nor possible here; a tokenizer that gets quoting and comments right
 * in PostgreSQL and MySQL, and a walk over the tokens that knows where table
 * names stand (after FROM, JOIN, INTO, UPDATE, COPY, TABLE) and how deep in
 * parentheses it is, answers those questions for the statements clients and
 * dump tools send, and never misreads a keyword inside a string or comment.
 *
 * Choices, for the statements the header does not name: MERGE is an update;
 * LOAD DATA is an insert; SELECT ... INTO table (PostgreSQL) stays a select
 * with both tables; DECLARE ... CURSOR FOR q is q, and pg_dump's own cursor
 * (_pg_dump_cursor, used with --inserts) is dump-client; EXPLAIN, SHOW, SET
 * and the like are "other" with no tables. A COPY (query) TO counts the
 * query's WHERE and LIMIT as its own. Backslash escapes in '...' strings
 * (MySQL's default, PostgreSQL's E'...') are always honoured: a PostgreSQL
 * standard string that ends in a backslash is the one thing misread.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "sql.h"
#include "util-private.h"

const char *
bk_stmt_name(enum bk_stmt_kind k)
{
	switch (k) {
	case BK_STMT_SELECT: return "select";
	case BK_STMT_COPY_OUT: return "copy-out";
	case BK_STMT_OUTFILE: return "select-into-outfile";
	case BK_STMT_INSERT: return "insert";
	case BK_STMT_UPDATE: return "update";
	case BK_STMT_DELETE: return "delete";
	case BK_STMT_DDL: return "ddl";
	case BK_STMT_DUMP: return "dump-client";
	default: return "other";
	}
}

/* ---- keywords ------------------------------------------------------------ */

/*
 * The words the walk acts on. A keyword also ends a table's alias, so words
 * that are often column or table names (data, comment, top) are not here but
 * compared where they matter.
 */
enum kw {
	K_NONE, K_ALTER, K_AND, K_AS, K_BETWEEN, K_COPY, K_CREATE, K_CROSS, K_CURSOR,
	K_DECLARE, K_DELETE, K_DELAYED, K_DISTINCT, K_DO, K_DROP, K_DUMPFILE, K_EXCEPT, K_EXPLAIN,
	K_FETCH, K_FOR, K_FORCE, K_FROM, K_FULL, K_GRANT, K_GROUP, K_HAVING,
	K_HIGH_PRIORITY, K_IGNORE, K_IN, K_INNER, K_INSERT, K_INTERSECT, K_INTO, K_JOIN,
	K_LATERAL, K_LEFT, K_LIMIT, K_LOAD, K_LOCK, K_LOW_PRIORITY, K_MATERIALIZED,
	K_MERGE, K_NATURAL, K_NOT, K_OFFSET, K_ON, K_ONLY, K_OR, K_ORDER, K_OUTER,
	K_OUTFILE, K_PARTITION, K_QUICK, K_RECURSIVE, K_RENAME, K_REPLACE, K_RETURNING,
	K_REVOKE, K_RIGHT, K_SELECT, K_SET, K_SQL_NO_CACHE, K_STDOUT, K_STRAIGHT_JOIN,
	K_TABLE, K_TABLESAMPLE, K_TEMP, K_TEMPORARY, K_TO, K_TRUNCATE, K_UNION,
	K_UNLOGGED, K_UPDATE, K_USE, K_USING, K_VALUES, K_WHERE, K_WINDOW, K_WITH,
	K_COUNT
};

static const char *const kw_names[K_COUNT] = {
	[K_ALTER] = "alter", [K_AND] = "and", [K_AS] = "as", [K_BETWEEN] = "between",
	[K_COPY] = "copy", [K_CREATE] = "create", [K_CROSS] = "cross",
	[K_CURSOR] = "cursor", [K_DECLARE] = "declare", [K_DELETE] = "delete",
	[K_DELAYED] = "delayed", [K_DISTINCT] = "distinct", [K_DO] = "do", [K_DROP] = "drop",
	[K_DUMPFILE] = "dumpfile", [K_EXCEPT] = "except", [K_EXPLAIN] = "explain",
	[K_FETCH] = "fetch", [K_FOR] = "for", [K_FORCE] = "force", [K_FROM] = "from",
	[K_FULL] = "full", [K_GRANT] = "grant", [K_GROUP] = "group",
	[K_HAVING] = "having", [K_HIGH_PRIORITY] = "high_priority",
	[K_IGNORE] = "ignore", [K_IN] = "in", [K_INNER] = "inner", [K_INSERT] = "insert",
	[K_INTERSECT] = "intersect", [K_INTO] = "into", [K_JOIN] = "join",
	[K_LATERAL] = "lateral", [K_LEFT] = "left", [K_LIMIT] = "limit",
	[K_LOAD] = "load", [K_LOCK] = "lock", [K_LOW_PRIORITY] = "low_priority",
	[K_MATERIALIZED] = "materialized", [K_MERGE] = "merge",
	[K_NATURAL] = "natural", [K_NOT] = "not", [K_OFFSET] = "offset", [K_ON] = "on",
	[K_ONLY] = "only", [K_OR] = "or", [K_ORDER] = "order", [K_OUTER] = "outer",
	[K_OUTFILE] = "outfile", [K_PARTITION] = "partition", [K_QUICK] = "quick",
	[K_RECURSIVE] = "recursive", [K_RENAME] = "rename", [K_REPLACE] = "replace",
	[K_RETURNING] = "returning", [K_REVOKE] = "revoke", [K_RIGHT] = "right",
	[K_SELECT] = "select", [K_SET] = "set", [K_SQL_NO_CACHE] = "sql_no_cache",
	[K_STDOUT] = "stdout", [K_STRAIGHT_JOIN] = "straight_join", [K_TABLE] = "table",
	[K_TABLESAMPLE] = "tablesample", [K_TEMP] = "temp", [K_TEMPORARY] = "temporary",
	[K_TO] = "to", [K_TRUNCATE] = "truncate", [K_UNION] = "union",
	[K_UNLOGGED] = "unlogged", [K_UPDATE] = "update", [K_USE] = "use",
	[K_USING] = "using", [K_VALUES] = "values", [K_WHERE] = "where",
	[K_WINDOW] = "window", [K_WITH] = "with",
};

/*
 * Keywords are found through a small open-addressing table keyed by the
 * word folded to lower case and packed into two 64-bit integers, so a lookup
 * is a few arithmetic steps and one or two integer compares. The table is
 * built once, on first use.
 */
#define KW_MAXLEN 16
#define KW_SLOTS 256

struct kw_slot {
	uint64_t a, b;
	unsigned char len, kw;
};

static struct kw_slot kw_table[KW_SLOTS];

/* Bit N of kw_first[c] is set when a keyword of N bytes starts with c (lower
 * case): most identifiers are ruled out with one load. */
static uint32_t kw_first[32];

/* Byte classes for the tokenizer, filled with the keyword table. */
enum { C_SPACE = 1, C_IDSTART = 2, C_IDCHAR = 4, C_DIGIT = 8, C_OP = 16, C_COMMENT = 32,
	C_REST = 64 /* starts a token lex_rest reads */ };
static unsigned char cclass[256];
static pthread_once_t kw_once = PTHREAD_ONCE_INIT;

#define ONES UINT64_C(0x0101010101010101)

/* X as read from little-endian bytes, whatever the host. */
static inline uint64_t
le64(uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return __builtin_bswap64(x);
#else
	return x;
#endif
}

/* Eight ASCII bytes with A-Z folded to a-z, all at once. */
static inline uint64_t
fold8(uint64_t x)
{
	uint64_t h = x & (ONES * 0x7f);
	uint64_t upper = ((h + ONES * (0x80 - 'A')) & ~(h + ONES * (0x80 - 'Z' - 1))) &
	    ONES * 0x80 & ~x;

	return x | upper >> 2;
}

/* Up to eight bytes at P (N of them), little-endian, zero above. */
static inline uint64_t
load8(const char *p, size_t n, const char *e)
{
	uint64_t x = 0;

	if (n == 0)
		return 0;
	if (e - p >= 8) {
		memcpy(&x, p, 8);
		x = le64(x);
		return n >= 8 ? x : x & ((UINT64_C(1) << (n * 8)) - 1);
	}
	for (size_t i = 0; i < n; i++)
		x |= (uint64_t)(unsigned char)p[i] << (i * 8);
	return x;
}

/*
 * Packs N (<= KW_MAXLEN) bytes at P, folded to lower case, into *A and *B;
 * bytes up to E may be read (not used) to load eight at once.
 */
static inline void
kw_pack(const char *p, size_t n, const char *e, uint64_t *a, uint64_t *b)
{
	*a = fold8(load8(p, n < 8 ? n : 8, e));
	*b = n > 8 ? fold8(load8(p + 8, n - 8, e)) : 0;
}

static inline size_t
kw_hash(uint64_t a, uint64_t b, size_t n)
{
	uint64_t h = (a * UINT64_C(0x9e3779b97f4a7c15)) ^ (b * UINT64_C(0xc2b2ae3d27d4eb4f)) ^ n;

	return (size_t)(h >> 56) & (KW_SLOTS - 1);
}

static void
kw_build(void)
{
	for (int c = 0; c < 256; c++) {
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
		bool digit = c >= '0' && c <= '9';

		cclass[c] = (unsigned char)((c == ' ' || (c >= '\t' && c <= '\r') ? C_SPACE : 0) |
		    (alpha ? C_IDSTART | C_IDCHAR : 0) | (digit ? C_DIGIT | C_IDCHAR : 0) |
		    (c == '$' ? C_IDCHAR : 0) |
		    (c != 0 && strchr("<>=!:|&~^%", c) != NULL ? C_OP : 0) |
		    (c != 0 && strchr("-#/*", c) != NULL ? C_COMMENT : 0) |
		    (digit || (c != 0 && strchr("'\"`$?@:.<>=!|&~^%", c) != NULL) ? C_REST : 0));
	}
	for (int k = 1; k < K_COUNT; k++) {
		size_t n = strlen(kw_names[k]), i;
		uint64_t a, b;

		kw_pack(kw_names[k], n, kw_names[k] + n, &a, &b);
		for (i = kw_hash(a, b, n); kw_table[i].len != 0; i = (i + 1) & (KW_SLOTS - 1))
			;
		kw_table[i] = (struct kw_slot){a, b, (unsigned char)n, (unsigned char)k};
		kw_first[kw_names[k][0] & 31] |= UINT32_C(1) << n;
	}
}

static enum kw
kw_lookup(const char *p, size_t n, const char *e)
{
	uint64_t a, b;

	if (n < 2 || n > KW_MAXLEN || !(kw_first[*p & 31] >> n & 1))
		return K_NONE;
	kw_pack(p, n, e, &a, &b);
	for (size_t i = kw_hash(a, b, n); kw_table[i].len != 0; i = (i + 1) & (KW_SLOTS - 1))
		if (kw_table[i].a == a && kw_table[i].b == b && kw_table[i].len == n)
			return (enum kw)kw_table[i].kw;
	return K_NONE;
}

/* Whether the N bytes at P are WORD (lower case) in any case. */
static bool
word_is(const char *p, size_t n, const char *word)
{
	for (size_t i = 0; i < n; i++)
		if (word[i] == '\0' || bk__lower(p[i]) != word[i])
			return false;
	return word[n] == '\0';
}

/* ---- tokens -------------------------------------------------------------- */

enum tk {
	TK_END,
	TK_WORD,	/* an unquoted identifier or keyword (kw) */
	TK_QUOTED,	/* "identifier" or `identifier`: p/n inside the quotes */
	TK_STRING,	/* '...', E'...', $tag$...$tag$: p/n inside the quotes */
	TK_NUM,
	TK_PARAM,	/* $1, ?, :name, @var, @@var */
	TK_OP,		/* a run of operator characters: = <> >= :: ... */
	TK_PUNCT,	/* one character: ( ) , ; . * and the rest */
};

struct tok {
	enum tk kind;
	enum kw kw;
	const char *p;
	size_t n;
	bool exec;	/* read inside a MySQL executable comment */
};

struct lexer {
	const char *p, *e;
	bool exec;	/* inside a MySQL executable comment */
};

static inline bool
ident_start(unsigned char c)
{
	return cclass[c] & C_IDSTART;
}

static inline bool
ident_char(unsigned char c)
{
	return cclass[c] & C_IDCHAR;
}

static inline bool
op_char(char c)
{
	return cclass[(unsigned char)c] & C_OP;
}

/*
 * The end of a string whose body starts at P and ends with QUOTE: a doubled
 * quote is one quote, a backslash (when BACKSLASH) escapes the next byte.
 * Sets *BODY_END to where the body stops (E when unterminated).
 */
static const char *
quoted_end(const char *p, const char *e, char quote, bool backslash, const char **body_end)
{
	while (p < e) {
		const char *q = memchr(p, quote, (size_t)(e - p));
		const char *bs = backslash ? memchr(p, '\\', (size_t)((q ? q : e) - p)) : NULL;

		if (bs != NULL) {
			p = bs + 2;
			continue;
		}
		if (q == NULL)
			break;
		if (q + 1 < e && q[1] == quote) {
			p = q + 2;
			continue;
		}
		*body_end = q;
		return q + 1;
	}
	*body_end = e;
	return e;
}

/* $tag$ ... $tag$ starting at P (at the first '$'); NULL if P is no tag. */
static const char *
dollar_string(const char *p, const char *e, struct tok *t)
{
	const char *q = p + 1, *end;
	size_t tag;

	while (q < e && *q != '$' && ident_char((unsigned char)*q) && *q != '$')
		q++;
	if (q >= e || *q != '$' || (q > p + 1 && bk__is_digit(p[1])))
		return NULL;
	tag = (size_t)(q - p) + 1;	/* "$tag$" */
	t->kind = TK_STRING;
	t->p = q + 1;
	for (end = q + 1; end < e; end++) {
		end = memchr(end, '$', (size_t)(e - end));
		if (end == NULL)
			break;
		if ((size_t)(e - end) >= tag && memcmp(end, p, tag) == 0) {
			t->n = (size_t)(end - t->p);
			return end + tag;
		}
	}
	t->n = (size_t)(e - t->p);
	return e;
}

/*
 * The comment at P, if one starts there: returns what follows it (P itself
 * never), or NULL when P starts no comment. An executable comment's opening
 * and closing are skipped as comments, its content read as SQL.
 */
static const char *__attribute__((noinline))
skip_comment(struct lexer *lx, const char *p)
{
	const char *e = lx->e, *q;

	if ((*p == '-' && p + 1 < e && p[1] == '-') ||
	    (*p == '#' && !(p + 1 < e && (p[1] == '>' || p[1] == '-')))) {
		q = memchr(p, '\n', (size_t)(e - p));
		return q ? q + 1 : e;
	}
	if (*p == '/' && p + 1 < e && p[1] == '*') {
		/* MySQL's executable comments (slash-star-bang, an optional
		 * version, SQL, star-slash) and MariaDB's (star-M-bang) hold SQL. */
		if (p + 2 < e && (p[2] == '!' || (p[2] == 'M' && p + 3 < e && p[3] == '!'))) {
			p += p[2] == '!' ? 3 : 4;
			while (p < e && bk__is_digit(*p))
				p++;
			lx->exec = true;
			return p;
		}
		for (q = p + 2; q + 1 < e && !(q[0] == '*' && q[1] == '/'); q++)
			;
		return q + 1 < e ? q + 2 : e;
	}
	if (*p == '*' && lx->exec && p + 1 < e && p[1] == '/') {
		lx->exec = false;
		return p + 2;
	}
	return NULL;
}

/*
 * The tokens other than words and punctuation, at P: strings, quoted
 * names, numbers, parameters, operators. Kept out of lex so that its
 * common path stays small.
 */
static void __attribute__((noinline))
lex_rest(struct lexer *lx, struct tok *t, const char *p)
{
	const char *e = lx->e, *q;
	unsigned char c = (unsigned char)*p;

	if (ident_start(c)) {
		/* E'..', N'..', X'..', B'..', _utf8mb4'..': a string with a prefix. */
		q = memchr(p, '\'', (size_t)(e - p));
		t->kind = TK_STRING;
		t->p = q + 1;
		lx->p = quoted_end(q + 1, e, '\'', true, &q);
		t->n = (size_t)(q - t->p);
		return;
	}
	if (c == '\'') {
		t->kind = TK_STRING;
		t->p = p + 1;
		lx->p = quoted_end(p + 1, e, '\'', true, &q);
		t->n = (size_t)(q - t->p);
		return;
	}
	if (c == '"' || c == '`') {
		t->kind = TK_QUOTED;
		t->p = p + 1;
		lx->p = quoted_end(p + 1, e, (char)c, c == '"', &q);
		t->n = (size_t)(q - t->p);
		return;
	}
	if (bk__is_digit((char)c) || (c == '.' && p + 1 < e && bk__is_digit(p[1]))) {
		for (q = p + 1; q < e && (ident_char((unsigned char)*q) || *q == '.'); q++)
			if ((*q == 'e' || *q == 'E') && q + 1 < e && (q[1] == '+' || q[1] == '-'))
				q++;
		t->kind = TK_NUM;
		t->n = (size_t)(q - p);
		lx->p = q;
		return;
	}
	if (c == '$') {
		if (p + 1 < e && bk__is_digit(p[1])) {
			for (q = p + 1; q < e && bk__is_digit(*q); q++)
				;
			t->kind = TK_PARAM;
			t->n = (size_t)(q - p);
			lx->p = q;
			return;
		}
		if ((q = dollar_string(p, e, t)) != NULL) {
			lx->p = q;
			return;
		}
	}
	if (c == '?' || c == '@' || (c == ':' && p + 1 < e && ident_start((unsigned char)p[1]))) {
		for (q = p + 1; q < e && (*q == '@' || ident_char((unsigned char)*q) ||
					     (*q == '.' && c == '@')); q++)
			;
		t->kind = TK_PARAM;
		t->n = (size_t)(q - p);
		lx->p = q;
		return;
	}
	if (op_char((char)c)) {
		for (q = p + 1; q < e && op_char(*q); q++)
			;
		t->kind = TK_OP;
		t->n = (size_t)(q - p);
		lx->p = q;
		return;
	}
	t->kind = TK_PUNCT;
	t->n = 1;
	lx->p = p + 1;
}

/* The next token of LX into *T. */
static void
lex(struct lexer *lx, struct tok *t)
{
	const char *p = lx->p, *e = lx->e, *q;
	unsigned cls;

	for (;;) {
		while (p < e && (cclass[(unsigned char)*p] & C_SPACE))
			p++;
		if (p >= e) {
			t->kind = TK_END;
			t->kw = K_NONE;
			t->p = e;
			t->n = 0;
			t->exec = false;
			lx->p = e;
			return;
		}
		if (!(cclass[(unsigned char)*p] & C_COMMENT) || (q = skip_comment(lx, p)) == NULL)
			break;
		p = q;
	}
	t->exec = lx->exec;
	t->kw = K_NONE;
	t->p = p;
	cls = cclass[(unsigned char)*p];
	if (cls & C_IDSTART) {
		for (q = p + 1; q < e && ident_char((unsigned char)*q); q++)
			;
		if ((q - p == 1 || *p == '_') && q < e && *q == '\'') {
			lex_rest(lx, t, p);
			return;
		}
		t->kind = TK_WORD;
		t->n = (size_t)(q - p);
		t->kw = kw_lookup(p, t->n, e);
		lx->p = q;
		return;
	}
	if (cls & C_REST) {
		lex_rest(lx, t, p);
		return;
	}
	t->kind = TK_PUNCT;
	t->n = 1;
	lx->p = p + 1;
}

static inline bool
is_punct(const struct tok *t, char c)
{
	return t->kind == TK_PUNCT && *t->p == c;
}

/* ---- the walk ------------------------------------------------------------ */

#define MAX_DEPTH 64
#define MAX_CTES 8

/* A lexer with one token of lookahead, so peeking costs one lex. */
struct cursor {
	struct lexer lx;	/* before AHEAD */
	struct lexer after;	/* after AHEAD */
	struct tok ahead;
	bool has;
};

struct walk {
	struct cursor cur;
	struct bk_sql_info *info;
	bk_span *ids;
	size_t cap;
	int depth;		/* parentheses open */
	int base;		/* the depth of the outermost statement's clauses */
	bool done;		/* ';' or the end was reached */
	/* Per depth: in a condition (WHERE, ON, HAVING); a table list resumes at ')'. */
	bool cond[MAX_DEPTH];
	bool from_paren[MAX_DEPTH];
	/* Per depth: a SELECT, UPDATE or DELETE was seen, so FROM is a table list
	 * (and not EXTRACT(x FROM y) or TRIM(' ' FROM y)). */
	bool query[MAX_DEPTH];
	bk_span ctes[MAX_CTES];
	size_t nctes;
};

/* The next token, as it is (';' included). */
static void
take(struct walk *w, struct tok *t)
{
	if (w->cur.has) {
		*t = w->cur.ahead;
		w->cur.lx = w->cur.after;
		w->cur.has = false;
	} else {
		lex(&w->cur.lx, t);
	}
}

/* The next token; ';' ends the statement as the end of the text does. */
static void
next(struct walk *w, struct tok *t)
{
	take(w, t);
	if (t->kind == TK_END || is_punct(t, ';')) {
		w->done = true;
		t->kind = TK_END;
	}
}

/* The next token without taking it (';' as TK_END). */
static void
peek(struct walk *w, struct tok *t)
{
	if (!w->cur.has) {
		w->cur.after = w->cur.lx;
		lex(&w->cur.after, &w->cur.ahead);
		w->cur.has = true;
	}
	*t = w->cur.ahead;
	if (is_punct(t, ';'))
		t->kind = TK_END;
}

static void
open_paren(struct walk *w, bool from_list)
{
	w->depth++;
	if (w->depth < MAX_DEPTH) {
		w->cond[w->depth] = w->cond[w->depth - 1];
		w->from_paren[w->depth] = from_list;
		w->query[w->depth] = false;
	}
}

static bool
span_eq_ci(const char *a, size_t an, const char *b, size_t bn)
{
	if (an != bn)
		return false;
	for (size_t i = 0; i < an; i++)
		if (bk__lower(a[i]) != bk__lower(b[i]))
			return false;
	return true;
}

static void
add_table(struct walk *w, const char *p, size_t n)
{
	struct bk_sql_info *in = w->info;

	if (n == 0 || word_is(p, n, "dual"))
		return;
	for (size_t i = 0; i < w->nctes; i++)
		if (span_eq_ci(p, n, w->ctes[i].ptr, w->ctes[i].len))
			return;
	for (size_t i = 0; i < in->ntables; i++)
		if (span_eq_ci(p, n, in->tables[i].ptr, in->tables[i].len))
			return;
	if (in->ntables < BK_SQL_MAX_TABLES)
		in->tables[in->ntables++] = (bk_span){p, n};
}

static bool
is_name(const struct tok *t)
{
	return (t->kind == TK_WORD && t->kw == K_NONE) || t->kind == TK_QUOTED;
}

/*
 * A name starting with FIRST, continued by ".part" (schema.table,
 * db.schema.table) into *SPAN: unquoted when it is one part or has no
 * quoted parts, otherwise as written. *PARTS gets the number of parts and
 * *LAST the last part (unquoted).
 */
static void
read_name(struct walk *w, const struct tok *first, bk_span *span, bk_span *last, int *parts)
{
	const char *start = first->kind == TK_QUOTED ? first->p - 1 : first->p;
	const char *end = first->p + first->n;
	struct cursor save;
	struct tok t;

	if (first->kind == TK_QUOTED && end < w->cur.lx.e)
		end++;	/* the closing quote */
	*last = (bk_span){first->p, first->n};
	*parts = 1;
	for (;;) {
		peek(w, &t);
		if (!is_punct(&t, '.') || t.p != end)
			break;
		save = w->cur;
		take(w, &t);
		peek(w, &t);
		if (t.kind != TK_WORD && t.kind != TK_QUOTED && !(t.kind == TK_PUNCT && *t.p == '*')) {
			w->cur = save;
			break;
		}
		take(w, &t);
		end = t.p + t.n;
		if (t.kind == TK_QUOTED && end < w->cur.lx.e)
			end++;
		*last = (bk_span){t.p, t.n};
		(*parts)++;
	}
	/* One part unquoted; several as written (with their quotes, if any). */
	*span = *parts == 1 ? *last : (bk_span){start, (size_t)(end - start)};
}

/* Whether the column name N bytes at P holds record ids: "id" or "..._id". */
static bool
id_column(const char *p, size_t n)
{
	return (n == 2 && word_is(p, 2, "id")) ||
	    (n > 3 && p[n - 3] == '_' && word_is(p + n - 2, 2, "id"));
}

static void
add_id(struct walk *w, const struct tok *v)
{
	struct bk_sql_info *in = w->info;

	if (v->n == 0)
		return;
	for (size_t i = 0; i < in->nids; i++)
		if (w->ids[i].len == v->n && memcmp(w->ids[i].ptr, v->p, v->n) == 0)
			return;
	if (in->nids < w->cap)
		w->ids[in->nids++] = (bk_span){v->p, v->n};
	else
		in->ids_dropped++;
}

static bool
id_value(const struct tok *t)
{
	return t->kind == TK_NUM || t->kind == TK_STRING ||
	    (t->kind == TK_QUOTED && t->p[-1] == '"');
}

/* A decimal integer token into *V. */
static bool
int_value(const struct tok *t, int64_t *v)
{
	int64_t x = 0;

	if (t->kind != TK_NUM && t->kind != TK_STRING)
		return false;
	if (t->n == 0 || t->n > 18)
		return false;
	for (size_t i = 0; i < t->n; i++) {
		if (!bk__is_digit(t->p[i]))
			return false;
		x = x * 10 + (t->p[i] - '0');
	}
	*v = x;
	return true;
}

/*
 * After an id column in a condition: "= v", "IN (v, ...)" or
 * "BETWEEN lo AND hi". Takes the tokens only when one of those is there.
 */
static void
predicate(struct walk *w)
{
	struct cursor save = w->cur;
	struct tok t, v, lo, hi;

	take(w, &t);
	if (t.kind == TK_OP && t.n == 1 && *t.p == '=') {
		take(w, &v);
		if (id_value(&v)) {
			/* "id = 4 + 1" or "id = '4' || x" is an expression, not an id. */
			struct tok after;

			peek(w, &after);
			if (after.kind == TK_PUNCT && (*after.p == '+' || *after.p == '-' ||
							  *after.p == '*' || *after.p == '/'))
				return;
			add_id(w, &v);
			return;
		}
	} else if (t.kw == K_IN) {
		take(w, &t);
		if (!is_punct(&t, '('))
			goto back;
		for (;;) {
			take(w, &v);
			if (!id_value(&v))
				break;
			take(w, &t);
			if (is_punct(&t, ')')) {
				/* Take the whole list only now that it is one. */
				struct cursor end = w->cur;

				w->cur = save;
				take(w, &t);	/* IN */
				take(w, &t);	/* ( */
				for (;;) {
					take(w, &v);
					add_id(w, &v);
					take(w, &t);
					if (is_punct(&t, ')'))
						break;
				}
				w->cur = end;
				return;
			}
			if (!is_punct(&t, ','))
				break;
		}
	} else if (t.kw == K_BETWEEN) {
		take(w, &lo);
		take(w, &t);
		take(w, &hi);
		if (t.kw == K_AND && int_value(&lo, &w->info->range_lo) &&
		    int_value(&hi, &w->info->range_hi)) {
			if (!w->info->has_range)
				w->info->has_range = true;
			return;
		}
	}
back:
	w->cur = save;
}

/*
 * After a table name: an optional alias (AS x, or a word that is no keyword)
 * and, in a list, ", next table". Returns whether another table follows.
 */
static bool
after_table(struct walk *w, bool list)
{
	struct tok t;

	peek(w, &t);
	if (t.kw == K_AS) {
		next(w, &t);
		peek(w, &t);
	}
	if (is_name(&t)) {
		next(w, &t);
		peek(w, &t);
	}
	if (list && is_punct(&t, ',')) {
		next(w, &t);
		return true;
	}
	return false;
}

/*
 * Table references after FROM, JOIN, USING, UPDATE or TRUNCATE: names
 * (a name followed by '(' is a function), with aliases; LIST for
 * comma-separated lists. A '(' (a subquery) is left to the walk, which
 * resumes the list when it closes.
 */
static void
table_list(struct walk *w, bool list)
{
	struct tok t, after;
	bk_span span, last;
	int parts;

	do {
		peek(w, &t);
		while (t.kw == K_ONLY || t.kw == K_LATERAL) {
			next(w, &t);
			peek(w, &t);
		}
		if (is_punct(&t, '(')) {
			next(w, &t);
			open_paren(w, list);
			return;
		}
		if (!is_name(&t))
			return;
		next(w, &t);
		read_name(w, &t, &span, &last, &parts);
		peek(w, &after);
		if (is_punct(&after, '('))
			return;		/* a function: generate_series(1, 9) */
		add_table(w, span.ptr, span.len);
	} while (after_table(w, list));
}

/* One table name (after INTO, TABLE, COPY), skipping modifiers; *QUALIFIED. */
static bool
one_table(struct walk *w, bool *qualified)
{
	struct tok t;
	bk_span span, last;
	int parts;

	peek(w, &t);
	while (t.kw == K_TEMP || t.kw == K_TEMPORARY || t.kw == K_UNLOGGED || t.kw == K_ONLY ||
	    t.kw == K_TABLE || t.kw == K_NOT ||
	    (t.kind == TK_WORD && (word_is(t.p, t.n, "if") || word_is(t.p, t.n, "exists")))) {
		next(w, &t);
		peek(w, &t);
	}
	if (!is_name(&t))
		return false;
	next(w, &t);
	read_name(w, &t, &span, &last, &parts);
	add_table(w, span.ptr, span.len);
	if (qualified != NULL)
		*qualified = parts > 1;
	return true;
}

/*
 * Walks tokens until the end of the statement, or until the parenthesis
 * open at depth STOP closes: tables, WHERE and LIMIT at the base depth,
 * record ids in conditions, INTO OUTFILE.
 */
static void
walk(struct walk *w, int stop)
{
	struct tok t, n;
	bool c, distinct, after_distinct = false;

	while (!w->done) {
		next(w, &t);
		c = w->depth < MAX_DEPTH && w->cond[w->depth];
		distinct = after_distinct;
		after_distinct = t.kw == K_DISTINCT;
		switch (t.kind) {
		case TK_END:
			return;
		case TK_PUNCT:
			if (*t.p == '(') {
				open_paren(w, false);
			} else if (*t.p == ')') {
				bool resume = w->depth < MAX_DEPTH && w->from_paren[w->depth];

				if (w->depth > 0)
					w->depth--;
				if (w->depth < stop)
					return;
				if (resume && after_table(w, true))
					table_list(w, true);
			}
			continue;
		case TK_WORD:
			break;
		case TK_QUOTED:
			goto name;
		default:
			continue;
		}
		switch (t.kw) {
		case K_NONE:
			goto name;
		case K_FROM:
			/* Not IS DISTINCT FROM, nor FROM in a function's arguments. */
			if (distinct || w->depth >= MAX_DEPTH || !w->query[w->depth])
				break;
			w->cond[w->depth] = false;
			table_list(w, true);
			break;
		case K_JOIN:
		case K_STRAIGHT_JOIN:
			if (w->depth < MAX_DEPTH)
				w->cond[w->depth] = false;
			table_list(w, false);
			break;
		case K_USING:
			peek(w, &n);
			if (!is_punct(&n, '('))
				table_list(w, true);
			break;
		case K_INTO:
			peek(w, &n);
			if (n.kw == K_OUTFILE || n.kw == K_DUMPFILE) {
				if (w->depth == w->base && w->info->kind == BK_STMT_SELECT)
					w->info->kind = BK_STMT_OUTFILE;
			} else {
				one_table(w, NULL);
			}
			break;
		case K_TABLE:
			one_table(w, NULL);
			break;
		case K_WHERE:
			if (w->depth == w->base)
				w->info->where = true;
			if (w->depth < MAX_DEPTH)
				w->cond[w->depth] = true;
			break;
		case K_ON:
			peek(w, &n);
			if (w->depth < MAX_DEPTH)
				w->cond[w->depth] = !(n.kind == TK_WORD &&
						      word_is(n.p, n.n, "duplicate"));
			break;
		case K_HAVING:
			if (w->depth < MAX_DEPTH)
				w->cond[w->depth] = true;
			break;
		case K_LIMIT:
			if (w->depth == w->base)
				w->info->limit = true;
			break;
		case K_FETCH:
			peek(w, &n);
			if (w->depth == w->base && n.kind == TK_WORD &&
			    (word_is(n.p, n.n, "first") || word_is(n.p, n.n, "next")))
				w->info->limit = true;
			break;
		case K_SELECT:
		case K_UPDATE:
		case K_DELETE:
			if (w->depth < MAX_DEPTH)
				w->query[w->depth] = true;
			if (w->depth < MAX_DEPTH)
				w->cond[w->depth] = false;
			break;
		case K_SET:
		case K_VALUES:
		case K_GROUP:
		case K_ORDER:
		case K_RETURNING:
		case K_UNION:
		case K_EXCEPT:
		case K_INTERSECT:
		case K_WINDOW:
		case K_FOR:
			if (w->depth < MAX_DEPTH)
				w->cond[w->depth] = false;
			break;
		default:
			break;
		}
		continue;
name:
		/* A column in a condition may name record ids. */
		if (c) {
			bk_span span, last;
			int parts;

			read_name(w, &t, &span, &last, &parts);
			if (id_column(last.ptr, last.len))
				predicate(w);
		} else if (t.n == 3 && t.kind == TK_WORD && w->depth == w->base &&
		    word_is(t.p, t.n, "top")) {
			/* SELECT TOP 10 / TOP (10) */
			peek(w, &n);
			if (n.kind == TK_NUM || is_punct(&n, '('))
				w->info->limit = true;
		}
	}
}

/* Skips the modifiers MySQL allows after INSERT, UPDATE, DELETE. */
static void
skip_modifiers(struct walk *w)
{
	struct tok t;

	for (;;) {
		peek(w, &t);
		if (t.kw != K_LOW_PRIORITY && t.kw != K_HIGH_PRIORITY && t.kw != K_DELAYED &&
		    t.kw != K_IGNORE && t.kw != K_QUICK && t.kw != K_ONLY)
			return;
		next(w, &t);
	}
}

/*
 * WITH name [(cols)] AS [NOT] [MATERIALIZED] (query), ...: the names are
 * remembered (they are not tables), the queries walked. Returns the token
 * after the last one, the main statement's keyword.
 */
static void
ctes(struct walk *w, struct tok *t)
{
	next(w, t);
	if (t->kw == K_RECURSIVE)
		next(w, t);
	while (is_name(t)) {
		if (w->nctes < MAX_CTES)
			w->ctes[w->nctes++] = (bk_span){t->p, t->n};
		next(w, t);
		if (is_punct(t, '(')) {
			open_paren(w, false);
			walk(w, w->depth);
			next(w, t);
		}
		if (t->kw != K_AS)
			return;
		next(w, t);
		if (t->kw == K_NOT)
			next(w, t);
		if (t->kw == K_MATERIALIZED)
			next(w, t);
		if (!is_punct(t, '('))
			return;
		open_paren(w, false);
		if (w->depth < MAX_DEPTH)
			w->cond[w->depth] = false;
		walk(w, w->depth);
		next(w, t);
		if (!is_punct(t, ','))
			return;
		next(w, t);
	}
}

/*
 * COPY name [(cols)] TO|FROM ..., or COPY (query) TO ...: copy-out, insert,
 * or dump-client for pg_dump's form (a schema-qualified table with its
 * column list, TO stdout).
 */
static void
copy(struct walk *w)
{
	struct tok t;
	bool qualified = false, cols = false;

	peek(w, &t);
	if (is_punct(&t, '(')) {
		next(w, &t);
		open_paren(w, false);
		w->base = w->depth;
		walk(w, w->depth);
		w->base = w->depth;
	} else {
		if (!one_table(w, &qualified))
			return;
		peek(w, &t);
		if (is_punct(&t, '(')) {
			next(w, &t);
			open_paren(w, false);
			walk(w, w->depth);
			cols = true;
		}
	}
	next(w, &t);
	if (t.kw == K_TO) {
		w->info->kind = BK_STMT_COPY_OUT;
		peek(w, &t);
		if (qualified && cols && t.kw == K_STDOUT)
			w->info->kind = BK_STMT_DUMP;
	} else if (t.kw == K_FROM) {
		w->info->kind = BK_STMT_INSERT;
	}
}

/* The statement whose first keyword is T. */
static void
statement(struct walk *w, struct tok *t)
{
	struct bk_sql_info *in = w->info;
	struct tok n;
	bool dump_columns = false;

	switch (t->kw) {
	case K_SELECT:
		in->kind = BK_STMT_SELECT;
		/*
		 * mysqldump's SELECT, its SQL_NO_CACHE in a version-40001
		 * comment: "*", or (MariaDB 10.11's mariadb-dump) the column
		 * list, then the whole table; a probe with WHERE and LIMIT
		 * (mydumper's chunking) stays a select.
		 */
		peek(w, &n);
		if (n.kw == K_SQL_NO_CACHE && n.exec) {
			next(w, &n);
			peek(w, &n);
			if (is_punct(&n, '*'))
				in->kind = BK_STMT_DUMP;
			else
				dump_columns = true;
		}
		break;
	case K_TABLE:
		in->kind = BK_STMT_SELECT;
		one_table(w, NULL);
		break;
	case K_INSERT:
	case K_REPLACE:
		in->kind = BK_STMT_INSERT;
		skip_modifiers(w);
		peek(w, &n);
		if (n.kw != K_INTO)
			one_table(w, NULL);
		break;
	case K_UPDATE:
		in->kind = BK_STMT_UPDATE;
		skip_modifiers(w);
		table_list(w, true);
		break;
	case K_MERGE:
		in->kind = BK_STMT_UPDATE;
		break;
	case K_DELETE:
		in->kind = BK_STMT_DELETE;
		skip_modifiers(w);
		peek(w, &n);
		if (n.kw != K_FROM)
			table_list(w, true);
		break;
	case K_TRUNCATE:
		in->kind = BK_STMT_DELETE;
		peek(w, &n);
		if (n.kw == K_TABLE)
			next(w, &n);
		table_list(w, true);
		break;
	case K_COPY:
		in->kind = BK_STMT_OTHER;
		copy(w);
		break;
	case K_LOAD:
		/* LOAD DATA [LOCAL] INFILE ... INTO TABLE t; LOAD XML likewise. */
		peek(w, &n);
		if (n.kind != TK_WORD || !(word_is(n.p, n.n, "data") || word_is(n.p, n.n, "xml")))
			return;
		in->kind = BK_STMT_INSERT;
		break;
	case K_CREATE:
	case K_ALTER:
	case K_DROP:
	case K_GRANT:
	case K_REVOKE:
	case K_RENAME:
		in->kind = BK_STMT_DDL;
		break;
	case K_DECLARE:
		/* DECLARE name ... CURSOR ... FOR query */
		next(w, &n);
		if (!is_name(&n))
			return;
		{
			bool pg_dump = n.n == 15 && memcmp(n.p, "_pg_dump_cursor", 15) == 0;

			do
				next(w, t);
			while (t->kind != TK_END && t->kw != K_FOR);
			next(w, t);
			if (t->kw != K_SELECT && t->kw != K_WITH)
				return;
			if (t->kw == K_WITH)
				ctes(w, t);
			statement(w, t);
			if (pg_dump && in->kind == BK_STMT_SELECT)
				in->kind = BK_STMT_DUMP;
		}
		return;
	default:
		/* EXPLAIN, SHOW, SET, BEGIN, ... and what is not SQL at all. */
		in->kind = BK_STMT_OTHER;
		return;
	}
	walk(w, 0);
	if (dump_columns && !in->where && !in->limit)
		in->kind = BK_STMT_DUMP;
}

void
bk_sql_classify(const char *sql, size_t len, struct bk_sql_info *info, bk_span *ids,
    size_t cap)
{
	struct walk w;
	struct tok t;

	pthread_once(&kw_once, kw_build);
	memset(info, 0, sizeof *info);
	/* Only what is read before it is written: the per-depth arrays are set
	 * as parentheses open. */
	w.cur.has = false;
	w.cur.lx.exec = false;
	w.depth = w.base = 0;
	w.done = false;
	w.cond[0] = w.from_paren[0] = false;
	w.nctes = 0;
	if (sql == NULL)
		sql = "", len = 0;
	w.cur.lx.p = sql;
	w.cur.lx.e = sql + len;
	w.query[0] = true;
	w.info = info;
	w.ids = ids;
	w.cap = ids != NULL ? cap : 0;
	next(&w, &t);
	/* "(SELECT ...)": the outermost statement's clauses are inside. */
	while (is_punct(&t, '(')) {
		open_paren(&w, false);
		w.base = w.depth;
		next(&w, &t);
	}
	if (w.depth < MAX_DEPTH)
		w.query[w.depth] = true;
	/* psql's \copy reaches the server as COPY; a logged one reads the same. */
	if (is_punct(&t, '\\'))
		next(&w, &t);
	if (t.kw == K_WITH)
		ctes(&w, &t);
	statement(&w, &t);
}
