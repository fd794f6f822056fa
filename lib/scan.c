/*
 * scan.c - find personal data in lines of text; see scan.h.
 *
 * The work per line is shaped by what logs look like: nearly every line is
 * ASCII, full of short digit groups (times, addresses, status codes, sizes)
 * and almost never personal. So a line is first folded (free for ASCII),
 * then read as bit masks of its digits, 64 bytes at a time; the context
 * words in it are found in one pass (the context index: a byte map of the
 * words' anchor pairs that also says which bytes may follow each), and the
 * first bytes of the ASCII literal triggers in another. From these the
 * line is planned with sets of rules, 64 to a word: which rules can fire
 * at all (a rule that needs context and has none, whose literal's lead is
 * not in the line, or whose trigger no digit run of the line fits by its
 * shape), and only those are run, only in windows around what fired
 * (merged when they overlap), never over the whole line.
 * Everything a line needs is kept on the scanner and reused, so scanning
 * allocates nothing once warmed up.
 *
 * Findings of a line are collected first, then ordered and deduplicated
 * (several rules claiming the same bytes: the most confident wins), then
 * mapped back to original offsets and handed to the caller.
 */
#include "config.h"

#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include "normalize.h"
#include "rules-private.h"
#include "scan.h"
#include "scan-private.h"
#include "util-private.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* How far around a trigger a match may start or end (bytes of folded text). */
#define DIGIT_MARGIN 64
#define LITERAL_MARGIN 256

/* A maximal run of ASCII digits in the folded line: [start, end). */
struct group {
	size_t start, end;
	unsigned join;		/* the BK__SEP_* bit of the one byte before the next group, or 0 */
};

struct span {
	size_t start, end;	/* a digit run [start, end) */
	unsigned digits;
	size_t g0, ng;		/* the groups it is made of */
};

/*
 * What the line plan asks of a rule before it is worth a look: nothing (an
 * ASCII literal is searched in any line), a digit run that fits it, a byte
 * that is not ASCII (kanji, kana), a context word in the line, or both.
 */
enum gate {
	GATE_NONE,
	GATE_DIGITS,
	GATE_HIGH,
	GATE_CONTEXT,
	GATE_HIGH_CONTEXT,
	GATE_LEADS,		/* an ASCII literal: one of its leads in the line */
	GATE_LEADS_CONTEXT,	/* and a context word */
	NGATES
};

/*
 * The first two bytes (or the one) of the ASCII literal triggers'
 * alternatives, looked for in one pass over the line before the plan, so a
 * literal rule costs a memchr only in the lines that hold its lead. The
 * pass compares each 16 bytes with at most LEAD_BYTES first bytes.
 */
#define LEAD_BYTES 4
#define MAX_LEADS 32

struct lead {
	unsigned char a, b;
	bool one;		/* a literal of one byte: B is not asked */
};

/* A digits trigger as the line plan asks it. */
struct digits_rule {
	unsigned need;		/* digits at least */
	unsigned seps;		/* BK__SEP_*, never 0 */
	uint64_t alone;		/* bit L: a single group of L digits may be a candidate */
};

/* What the rules ask of a run of the line before they look at its groups. */
struct run_shape {
	unsigned seps;		/* BK__SEP_*: the separators between its groups */
	uint16_t firsts;	/* bit D: a group of it starts with digit D */
	uint64_t lengths;	/* bit L (at most 63): a group of it has L digits */
};

/*
 * Which digits rules a run may wake, by its shape, as sets of rules (bit I
 * for rule I, sc->rwords words a set): one set per value of each
 * feature, so a run is judged for every rule at once with a few loads and
 * ANDs (run_may). Each is a bound, never a verdict: windows_for decides.
 */
struct shape_sets {
	uint64_t *need_le;	/* [digits 0..64]: the rules that need at most that many */
	uint64_t *first;	/* [2][32]: allowed by the run's first digits 0-4, and 5-9 */
	uint64_t *after;	/* [256]: allowed by the byte before the run (no "after": all) */
	uint64_t *after2;	/* [256]: and by the byte before that */
	uint64_t *after_sep;	/* [32 seps]: whose AFTER holds one of these separators */
	uint64_t *sep;		/* [32 seps]: whose separators join a group of these (0: all) */
	uint64_t *alone;	/* [64]: that take a single group of so many digits */
	uint64_t *may;		/* the current line's: some run may wake it */
};

/*
 * The digit runs of a line under one set of separators. Rules may narrow
 * the separators their numbers use (a pension number: dashes only), and
 * runs are built per set, so an IP address or a version string does not
 * wake a rule whose numbers never have dots.
 */
struct spanset {
	unsigned seps;		/* BK__SEP_* */
	bool built;		/* for the current line: sets are built when first used */
	unsigned built_min;	/* the current line's spans have at least this many digits */
	struct span *spans;
	size_t nspans, spancap;
};

#define MAX_SPANSETS (BK__SEP_NONE << 1)	/* one per combination of BK__SEP_* bits */

struct window {
	size_t start, end;
};

struct hit {
	const bk_rule *rule;
	size_t order;		/* the rule's place in the set, for ties */
	size_t start, end;	/* the value in folded text */
	enum bk_confidence confidence;
	unsigned why;
	const char *context;
};

/*
 * The context index: where the context words of the rules in use occur in
 * the current line, found once per line and asked by every rule. Each
 * distinct word of three bytes or more (ASCII-lowercased) is given an
 * anchor: the two overlapping pairs of adjacent bytes in it least likely in
 * logs (see commonness). One pass over the line reads the pair at every
 * even offset, two bytes in one load, and tests it in a bitmap of every
 * anchor pair in every mix of letter case; one of a word's two pairs is at
 * an even offset wherever the word is. Only at a set bit (rare, by the
 * choice of anchors) are the words it stands for compared. That is a few
 * instructions per two bytes with no branch taken on most lines, and the
 * answer is exact: context questions ("is a word of this rule within reach
 * of that value?") then scan the line's few occurrences. Shorter words are
 * searched directly.
 */
#define PAIR_BITS 12

struct ctx_word {
	const char *lower;	/* points into the rule; ASCII-lowercased */
	size_t len;
	uint32_t *rules;	/* the rules (indexes) that use it */
	size_t nrules, rulecap;
};

struct anchor {
	uint32_t word;
	uint32_t at;		/* the pair is the word's bytes [AT, AT + 1] */
};

struct occurrence {
	uint32_t word;
	uint32_t pos;
};

/* A literal trigger "A|B|C": any of the alternatives fires it. */
struct literals {
	char *buf;		/* the trigger text, '|' replaced by NUL */
	const char **alt;
	size_t *len;
	size_t n;
	bool ascii;		/* every alternative is ASCII: worth looking for in any line */
	uint32_t leads;		/* bit K: an alternative starts with sc->leads[K]; 0: not gated */
};

struct column {
	char *name;		/* the header field, ASCII-lowercased */
	size_t len;
};

struct bk_scanner {
	enum bk_confidence min;
	struct group *groups;	/* the current line's digit groups */
	size_t ngroups, groupcap;
	struct span *runs;	/* the current line's runs worth a look (find_groups) */
	struct run_shape *shapes;	/* [run] */
	size_t nruns, runcap, shapecap;
	uint64_t *dmask, *rmask, *ymask;	/* the current line's digits, runs, long runs */
	size_t nmask, maskcap;	/* words */
	size_t *digit_rules;	/* the rules (indexes) with a digits trigger */
	size_t ndigit_rules;
	/*
	 * Sets of rules, bit I for rule I, RWORDS words each, so the plan
	 * decides for 64 rules at a time.
	 */
	size_t rwords;
	uint64_t *rulesets;	/* the one allocation of the sets below */
	uint64_t *live;		/* digits rules that can fire in the current line */
	uint64_t *present;	/* rules with a context word in the current line, once indexed */
	uint64_t *live_any;	/* digits rules live in any line (for the current header) */
	uint64_t *gated_set;	/* digits rules live only with a context word in the line */
	uint64_t *gate_set[NGATES];	/* the rules of each gate (for the current header) */
	struct digits_rule *dr;	/* [rule]: its digits trigger, as the line plan asks */
	struct shape_sets ss;
	bool keep_ready;	/* the gates and the keep_* below are for the current header */
	size_t ngated;
	size_t *after_rules, nafter;	/* digits rules with AFTER bytes */
	unsigned keep_seps, keep_min;	/* of the digits rules live in any line, AFTER aside */
	unsigned *after_seps;	/* [rule]: the separators its trigger's AFTER holds */
	size_t *active;		/* the rules worth a look in the current line, in set order */
	size_t nactive;
	size_t *margin;		/* [rule]: how far a match may reach past its trigger */
	bool no_context;	/* bk__scanner_no_context: no word is looked for */
	struct lead leads[MAX_LEADS];
	unsigned nleads;
	unsigned char lead_byte[LEAD_BYTES];	/* the leads' first bytes, the last repeated */
	unsigned nlead_bytes;
	uint32_t line_leads;	/* the leads in the current line */
	uint16_t pair_first[256], pair_second[256];
	const bk_rule **rules;	/* the rules that can reach min, in set order */
	size_t nrules;
	bool *needs_ctx;	/* [rule]: reaches min only with context */
	struct literals *lits;	/* [rule]: the alternatives of a literal trigger */
	bool *hdr_ctx;		/* [rule]: a column header of the current file is context */
	struct spanset sets[MAX_SPANSETS];	/* one per separator set in use */
	size_t nsets;
	size_t *rule_set;	/* [rule]: its spanset, for digits triggers */
	uint64_t (*after)[4];	/* [rule]: its trigger's AFTER bytes as bits, 64 a word */

	struct bk__matcher matcher;
	pcre2_match_data *md;
	bk_norm *norm;

	struct window *wins;
	size_t nwins, wincap;
	struct window *cells, *clip;	/* clip_to_header's */
	size_t ncells, cellcap, nclip, clipcap;
	struct window *linecells;	/* the current line's cells by column, once asked */
	size_t *cellends;	/* and where each ends in the line as given (its delimiter) */
	size_t nlinecells, linecellcap;
	bool cells_ready;
	struct hit *hits;
	size_t nhits, hitcap;

	struct ctx_word *words;	/* the context index */
	size_t nwords;
	uint32_t **rule_words;	/* [rule][context word]: index in words, or UINT32_MAX (short) */
	/*
	 * Not 0: two bytes as read by load16 are an anchor, and 1 + the
	 * index in next_sets of the bytes its words may have after it (ANY:
	 * any). A byte a pair, not a bit: the line pass then costs a load a
	 * pair, and the pairs of log text, nearly all ASCII, touch a few
	 * lines of it. The byte after a pair settles most of the pairs that
	 * are only like a word's, before any word is compared.
	 */
	uint8_t pair_map[65536];
	uint64_t (*next_sets)[4];
	size_t nnext;
	uint32_t *anchor_from;	/* [hash]: its anchors are anchors[from[h], from[h + 1]) */
	struct anchor *anchors;
	bool high;		/* the current line has bytes >= 0x80 */
	struct occurrence *occ;	/* the current line's, once indexed */
	size_t nocc, occcap;
	bool indexed;
	bool *has_short;	/* [rule]: it has context words too short to anchor, searched directly */
	size_t *short_rules;	/* the rules with has_short */
	size_t nshort;

	struct column *cols;	/* set by bk_scanner_set_header */
	const char *line;	/* the current line as given (cells are counted in it) */
	size_t line_len;
	size_t ncols, colcap;
	const char **colctx;	/* [column * nrules + rule]: the context word the column's name is, or NULL */
	char delim;

	const bk_rule **limited;
	size_t nlimited, limcap;
};

/* ---- helpers ------------------------------------------------------------ */

static inline void
add_rule(uint64_t *set, size_t i)
{
	set[i >> 6] |= UINT64_C(1) << (i & 63);
}

static inline bool
rule_in(const uint64_t *set, size_t i)
{
	return set[i >> 6] >> (i & 63) & 1;
}

/* The BK__SEP_* bit of C, or 0 for a byte that is no separator. */
static unsigned
sep_bit(unsigned char c)
{
	static const unsigned char bits[256] = {
		['-'] = BK__SEP_DASH, ['.'] = BK__SEP_DOT, ['/'] = BK__SEP_SLASH,
		[' '] = BK__SEP_SPACE, ['('] = BK__SEP_PAREN, [')'] = BK__SEP_PAREN,
	};

	return bits[c];
}

/* The separators (BK__SEP_*) with a byte in AFTER (bits by byte). */
static unsigned
after_seps(const uint64_t after[4])
{
	static const unsigned char chars[] = "-./ ()";
	unsigned seps = 0;

	for (const unsigned char *c = chars; *c != '\0'; c++)
		if (after[*c >> 6] >> (*c & 63) & 1)
			seps |= sep_bit(*c);
	return seps;
}

/* Moves OFF back to the start of the UTF-8 character it is in. */
static size_t
char_start(const char *t, size_t off)
{
	while (off > 0 && ((unsigned char)t[off] & 0xc0) == 0x80)
		off--;
	return off;
}

/*
 * The UTF-8 characters that start in the 8 bytes at P: the bytes that are
 * not continuation bytes (10xxxxxx). Context distances are counted in
 * characters over runs of kana and kanji: eight bytes a step, not one.
 */
static inline unsigned
starts8(const char *p)
{
	uint64_t x, one = UINT64_C(0x0101010101010101);

	memcpy(&x, p, sizeof x);
	return (unsigned)((((~x >> 7) | (x >> 6)) & one) * one >> 56);
}

/* The offset N characters before OFF (or 0). */
static size_t
back_chars(const char *t, size_t off, unsigned n)
{
	unsigned c;

	while (off >= 8 && n > 0 && (c = starts8(t + off - 8)) < n) {
		off -= 8;
		n -= c;
	}
	while (off > 0 && n > 0) {
		off--;
		if (((unsigned char)t[off] & 0xc0) != 0x80)
			n--;
	}
	return char_start(t, off);
}

/* The offset N characters after OFF (or LEN): where the Nth character after it starts. */
static size_t
fwd_chars(const char *t, size_t len, size_t off, unsigned n)
{
	size_t p = off + 1;
	unsigned c;

	if (n == 0 || off >= len)
		return off;
	while (p + 8 <= len && (c = starts8(t + p)) < n) {
		p += 8;
		n -= c;
	}
	for (; p < len; p++)
		if (((unsigned char)t[p] & 0xc0) != 0x80 && --n == 0)
			return p;
	return len;
}

/*
 * WORD (already lowercased) in H[0, N), ASCII letters of H compared
 * lowercased. Candidates for the first byte are found with memchr, once for
 * each case, so a line without the word costs two or three fast passes.
 */
static bool
contains_ci(const char *h, size_t n, const char *word, size_t len)
{
	unsigned char lo = (unsigned char)word[0];
	unsigned char up = lo >= 'a' && lo <= 'z' ? lo - 32 : lo;
	const char *end = h + n, *pl = NULL, *pu = NULL;
	bool lo_done = false, up_done = up == lo;

	if (len == 0 || len > n)
		return len == 0;
	end -= len - 1;	/* one past the last place the word can start */
	for (const char *p = h; p < end;) {
		if (!lo_done && (pl == NULL || pl < p))
			lo_done = (pl = memchr(p, lo, (size_t)(end - p))) == NULL;
		if (!up_done && (pu == NULL || pu < p))
			up_done = (pu = memchr(p, up, (size_t)(end - p))) == NULL;
		const char *c = lo_done ? NULL : pl;
		if (!up_done && (c == NULL || pu < c))
			c = pu;
		if (c == NULL)
			return false;
		size_t j = 1;
		while (j < len && (unsigned char)bk__lower(c[j]) == (unsigned char)word[j])
			j++;
		if (j == len)
			return true;
		p = c + 1;
	}
	return false;
}

/* ---- the context index ------------------------------------------------ */

static inline unsigned char
fold_byte(unsigned char c)
{
	return (unsigned char)(c | ((unsigned)(c - 'A') < 26u) << 5);
}

/*
 * The two halves of a pair's hash, by table: ASCII letters fold to lower
 * case, and no two pairs of ASCII bytes share a hash.
 */
static void
pair_tables(bk_scanner *sc)
{
	for (unsigned c = 0; c < 256; c++) {
		sc->pair_first[c] = (uint16_t)((fold_byte((unsigned char)c) & 0x7fu) << 5);
		sc->pair_second[c] = (uint16_t)(fold_byte((unsigned char)c) & 0x1fu);
	}
}

static inline unsigned
pair_hash(const bk_scanner *sc, unsigned char a, unsigned char b)
{
	return sc->pair_first[a] | sc->pair_second[b];
}

/*
 * What logs are made of, for choosing anchors: a word's anchor should be a
 * pair that log lines seldom hold, and which pairs those are is learnt from
 * this text (user agents, request lines, proxy, database and system log
 * phrases) when a scanner is made. It needs no more than to be typical.
 */
static const char log_text[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.109 Safari/537.36 Edg/120.0.2210.91\n"
    "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0\n"
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
    "like Gecko) Version/17.1 Mobile/15E148 Safari/604.1\n"
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) curl/7.88.1 Wget/1.21.3 "
    "python-requests/2.31.0 Go-http-client/1.1 Googlebot/2.1 bingbot/2.0\n"
    "\"GET /index.html HTTP/1.1\" 200 \"POST /api/v1/login HTTP/2.0\" 302 \"HEAD /static/"
    "js/app.min.js?v=3\" 304 \"PUT /images/logo.png\" /favicon.ico /wp-admin/admin-ajax.php "
    "/search?q=query&page=2&sort=desc /assets/css/style.css /robots.txt /health /metrics "
    "https://www.example.com/products/item?id=1234 text/html application/json image/jpeg\n"
    "TCP_MISS/200 TCP_HIT/200 TCP_TUNNEL/200 CONNECT DIRECT/ HIER_NONE/- ORIGINAL_DST\n"
    "LOG:  statement: SELECT name, created_at FROM orders WHERE id = $1 ORDER BY time LIMIT 10\n"
    "LOG:  duration: 0.512 ms  connection authorized: user=app database=production "
    "application_name=psql\n"
    "Query\tINSERT INTO sessions (token, expires) VALUES ('x', NOW()) Connect\tapp@localhost "
    "on shop using TCP/IP Quit Init DB\n"
    "sshd[1234]: Accepted publickey for root from port 52314 ssh2: RSA SHA256 "
    "systemd[1]: Started Session of User. kernel: audit: type=1400 CRON[999]: (root) CMD "
    "smbd_audit: open ok r share|path|file.xlsx\n"
    "{\"timestamp\":\"2015-05-08T10:11:12.345+09:00\",\"level\":\"info\",\"message\":\"request "
    "completed\",\"method\":\"GET\",\"status\":200,\"bytes\":5120,\"duration_ms\":12,"
    "\"user_agent\":\"Mozilla\",\"referer\":\"-\",\"trace_id\":\"4bf92f3577b34da6\"}\n";

/*
 * How common byte C is in log text when the pairs of log_text do not tell:
 * letters by their frequency in English, the punctuation of URLs and
 * timestamps very common; of UTF-8, lead bytes (the same few for all of
 * kana and most kanji) more than the bytes that follow them.
 */
static unsigned
commonness(unsigned char c)
{
	static const char order[] = "etaoinsrhldcumfpgwybvkxjqz";
	const char *at;

	if (c >= 0xc0)
		return 8;
	if (c >= 0x80)
		return 2;
	if (c == ' ' || c == '/' || c == '.' || c == '-' || c == ':' || bk__is_digit((char)c))
		return 40;
	if (c >= 'a' && c <= 'z' && (at = strchr(order, c)) != NULL)
		return 30 - (unsigned)(at - order);
	return 6;	/* = _ and other punctuation */
}

/*
 * The offset in word W of its best anchor: the two overlapping pairs of
 * bytes that occur least in log_text together (COUNT, by pair hash), the
 * rarer bytes when that ties. W is at least three bytes long.
 */
static uint32_t
anchor_at(const bk_scanner *sc, const uint16_t *count, const struct ctx_word *w)
{
	const unsigned char *s = (const unsigned char *)w->lower;
	unsigned long best = ULONG_MAX;
	uint32_t at = 0;

	for (size_t k = 0; k + 2 < w->len; k++) {
		unsigned long c = ((unsigned long)count[pair_hash(sc, s[k], s[k + 1])] +
		    count[pair_hash(sc, s[k + 1], s[k + 2])]) * 1000 +
		    commonness(s[k]) + commonness(s[k + 1]) + commonness(s[k + 2]);

		if (c < best)
			best = c, at = (uint32_t)k;
	}
	return at;
}

/* Two bytes as one number, the same on any machine for the same bytes. */
static inline unsigned
load16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof v);
	return v;
}

#define ANY_NEXT 255

/* Sets the map value of pair A, B, in every mix of ASCII letter case, to VALUE. */
static void
map_pair(bk_scanner *sc, unsigned char a, unsigned char b, uint8_t value)
{
	unsigned char as[2] = { a, bk__is_alpha((char)a) ? (unsigned char)(a & ~0x20u) : a };
	unsigned char bs[2] = { b, bk__is_alpha((char)b) ? (unsigned char)(b & ~0x20u) : b };

	for (int x = 0; x < 2; x++)
		for (int y = 0; y < 2; y++) {
			unsigned char two[2] = { as[x], bs[y] };
			unsigned v = load16(two);

			sc->pair_map[v] = value;
		}
}

/*
 * The pair_map value of the anchors in bucket H (sorted): the bytes their
 * words may have after the pair, as a set in next_sets (shared with the
 * buckets of the same set), or ANY_NEXT.
 */
static uint8_t
next_value(bk_scanner *sc, unsigned h)
{
	uint64_t set[4] = { 0, 0, 0, 0 };
	size_t k;

	for (uint32_t a = sc->anchor_from[h]; a < sc->anchor_from[h + 1]; a++) {
		const struct ctx_word *cw = &sc->words[sc->anchors[a].word];
		size_t at = sc->anchors[a].at;
		unsigned char c;

		if (at + 2 >= cw->len)
			return ANY_NEXT;	/* the word ends with the pair */
		c = (unsigned char)cw->lower[at + 2];
		set[c >> 6] |= UINT64_C(1) << (c & 63);
		if (bk__is_alpha((char)c)) {
			c &= (unsigned char)~0x20u;
			set[c >> 6] |= UINT64_C(1) << (c & 63);
		}
	}
	for (k = 0; k < sc->nnext && memcmp(sc->next_sets[k], set, sizeof set) != 0; k++)
		;
	if (k == ANY_NEXT - 1)
		return ANY_NEXT;	/* no room: compared as before */
	if (k == sc->nnext)
		memcpy(sc->next_sets[sc->nnext++], set, sizeof set);
	return (uint8_t)(k + 1);
}

/* Adds the context words of rule I to the index; RW receives each word's index. */
static bool
index_words(bk_scanner *sc, size_t i, uint32_t *rw)
{
	const bk_rule *r = sc->rules[i];

	for (size_t w = 0; w < r->ncontext; w++) {
		const struct bk__context_word *cw = &r->context[w];
		size_t k;

		rw[w] = UINT32_MAX;
		if (cw->len < 3) {
			sc->has_short[i] = true;
			continue;	/* no two pairs to anchor it: searched directly */
		}
		for (k = 0; k < sc->nwords; k++)
			if (sc->words[k].len == cw->len && memcmp(sc->words[k].lower, cw->lower, cw->len) == 0)
				break;
		if (k == sc->nwords) {
			size_t cap = sc->nwords;

			if (bk__grow(&sc->words, &cap, sc->nwords, sizeof *sc->words) != BK_OK)
				return false;
			sc->words[k] = (struct ctx_word){ cw->lower, cw->len, NULL, 0, 0 };
			sc->nwords++;
		}
		rw[w] = (uint32_t)k;
		struct ctx_word *x = &sc->words[k];
		if (x->nrules == 0 || x->rules[x->nrules - 1] != i) {
			if (bk__grow(&x->rules, &x->rulecap, x->nrules, sizeof *x->rules) != BK_OK)
				return false;
			x->rules[x->nrules++] = (uint32_t)i;
		}
	}
	return true;
}

/*
 * Builds the anchor table once every rule's words are in: the words' two
 * anchor pairs grouped by a 12-bit hash (letters folded) for the
 * comparison at a hit, and the bitmap for the line pass.
 */
static bool
build_anchors(bk_scanner *sc)
{
	size_t nh = (size_t)1 << PAIR_BITS;

	sc->anchor_from = calloc(nh + 1, sizeof *sc->anchor_from);
	sc->anchors = calloc(2 * sc->nwords + 1, sizeof *sc->anchors);
	uint16_t *count = calloc(nh, sizeof *count);
	if (sc->anchor_from == NULL || sc->anchors == NULL || count == NULL) {
		free(count);
		return false;
	}
	for (size_t k = 0; k + 2 < sizeof log_text; k++) {
		unsigned h = pair_hash(sc, (unsigned char)log_text[k], (unsigned char)log_text[k + 1]);

		count[h] += count[h] < UINT16_MAX;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < sc->nwords; k++) {
			const unsigned char *w = (const unsigned char *)sc->words[k].lower;
			uint32_t at = anchor_at(sc, count, &sc->words[k]);

			for (uint32_t d = 0; d < 2; d++) {
				unsigned h = pair_hash(sc, w[at + d], w[at + d + 1]);

				if (pass == 0) {
					sc->anchor_from[h + 1]++;
				} else {
					sc->anchors[sc->anchor_from[h]++] = (struct anchor){ (uint32_t)k, at + d };
				}
			}
		}
		if (pass == 0) {
			for (size_t h = 0; h < nh; h++)
				sc->anchor_from[h + 1] += sc->anchor_from[h];
		}
	}
	free(count);
	/* The second pass advanced each from[h] to the start of h + 1: shifted back. */
	memmove(sc->anchor_from + 1, sc->anchor_from, nh * sizeof *sc->anchor_from);
	sc->anchor_from[0] = 0;
	if ((sc->next_sets = calloc(ANY_NEXT - 1, sizeof *sc->next_sets)) == NULL)
		return false;
	for (size_t a = 0; a < sc->anchor_from[nh]; a++) {
		const unsigned char *w = (const unsigned char *)sc->words[sc->anchors[a].word].lower;
		size_t at = sc->anchors[a].at;

		map_pair(sc, w[at], w[at + 1], next_value(sc, pair_hash(sc, w[at], w[at + 1])));
	}
	return true;
}

/* Whether the pair_map VALUE of a pair lets C follow it. */
static inline bool
may_follow(const bk_scanner *sc, uint8_t value, unsigned char c)
{
	return value == ANY_NEXT || (sc->next_sets[value - 1][c >> 6] >> (c & 63) & 1);
}

/* The words anchored at the pair T[I], T[I + 1]: compared, and noted where they are. */
static bool
verify_anchor(bk_scanner *sc, const char *t, size_t n, size_t i)
{
	unsigned h = pair_hash(sc, (unsigned char)t[i], (unsigned char)t[i + 1]);

	for (uint32_t a = sc->anchor_from[h]; a < sc->anchor_from[h + 1]; a++) {
		const struct ctx_word *cw = &sc->words[sc->anchors[a].word];
		size_t at = sc->anchors[a].at, j;

		if (i < at || i - at + cw->len > n)
			continue;
		size_t pos = i - at;
		for (j = 0; j < cw->len; j++)
			if (fold_byte((unsigned char)t[pos + j]) != (unsigned char)cw->lower[j])
				break;
		if (j < cw->len)
			continue;
		if (bk__grow(&sc->occ, &sc->occcap, sc->nocc, sizeof *sc->occ) != BK_OK)
			return false;
		sc->occ[sc->nocc++] = (struct occurrence){ sc->anchors[a].word, (uint32_t)pos };
		for (size_t k = 0; k < cw->nrules; k++)
			add_rule(sc->present, cw->rules[k]);
	}
	return true;
}

/* Finds every context word in T, once per line. */
static bool
index_line(bk_scanner *sc, const char *t, size_t n)
{
	const unsigned char *p = (const unsigned char *)t;
	const uint8_t *map = sc->pair_map;

	sc->indexed = true;
	sc->nocc = 0;
	memset(sc->present, 0, sc->rwords * sizeof *sc->present);
	if (sc->no_context)
		return true;
	for (size_t k = 0; k < sc->nshort; k++) {
		size_t r = sc->short_rules[k];

		for (size_t w = 0; w < sc->rules[r]->ncontext && !rule_in(sc->present, r); w++) {
			const struct bk__context_word *cw = &sc->rules[r]->context[w];

			if (cw->len < 3 && contains_ci(t, n, cw->lower, cw->len))
				add_rule(sc->present, r);
		}
	}
	if (sc->nwords == 0 || n < 3)
		return true;
	size_t i = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/*
	 * Four pairs from one load, one branch for the four: the pair at
	 * I + 2K is bits 16K..16K+15 of the little-endian word, as load16
	 * reads it.
	 */
	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, sizeof w);
		if (!(map[w & 0xffffu] | map[w >> 16 & 0xffffu] | map[w >> 32 & 0xffffu] | map[w >> 48]))
			continue;
		for (size_t k = i; k < i + 8; k += 2) {
			uint8_t v = map[load16(p + k)];

			if (v != 0 && (k + 2 >= n || may_follow(sc, v, p[k + 2])) && !verify_anchor(sc, t, n, k))
				return false;
		}
	}
#endif
	for (; i + 1 < n; i += 2) {
		uint8_t v = map[load16(p + i)];

		if (v != 0 && (i + 2 >= n || may_follow(sc, v, p[i + 2])) && !verify_anchor(sc, t, n, i))
			return false;
	}
	return true;
}

/* Whether a context word of rule I is in the line. */
static bool
line_has_context(bk_scanner *sc, size_t i, const char *t, size_t n)
{
	if (!sc->indexed && !index_line(sc, t, n))
		return false;	/* out of memory: as if no context, never a crash */
	return rule_in(sc->present, i);
}

/* The rules with a context word in the line, or NULL when out of memory (as if none). */
static const uint64_t *
context_set(bk_scanner *sc, const char *t, size_t n)
{
	if (!sc->indexed && !index_line(sc, t, n))
		return NULL;
	return sc->present;
}

/* Where a context word must lie relative to [FROM, TO). */
enum placement {
	OVERLAPS,	/* any part of it inside */
	ENDS_IN,	/* its end inside: (FROM, TO] */
	STARTS_IN,	/* its start inside: [FROM, TO) */
};

static bool
placed(size_t pos, size_t len, size_t from, size_t to, enum placement where)
{
	switch (where) {
	case OVERLAPS:
		return pos + len > from && pos < to;
	case ENDS_IN:
		return pos + len > from && pos + len <= to;
	case STARTS_IN:
		return pos >= from && pos < to;
	}
	return false;
}

/*
 * A context word of rule I placed WHERE relative to [FROM, TO) of T: from the
 * line's occurrences for indexed words, by a direct search for short ones.
 * NULL if none.
 */
static const char *
find_context(bk_scanner *sc, size_t i, const char *t, size_t n, size_t from, size_t to,
    enum placement where)
{
	const bk_rule *r = sc->rules[i];

	if (sc->no_context)
		return NULL;
	if (!sc->indexed && !index_line(sc, t, n))
		return NULL;	/* out of memory: as if no context, never a crash */
	for (size_t w = 0; w < r->ncontext; w++) {
		const struct bk__context_word *cw = &r->context[w];
		uint32_t id = sc->rule_words[i][w];

		if (id == UINT32_MAX) {
			/* Widen the searched range so a placed word lies wholly inside it. */
			size_t a = where == STARTS_IN ? from : from > cw->len - 1 ? from - (cw->len - 1) : 0;
			size_t b = where == ENDS_IN ? to : to + cw->len - 1 < n ? to + cw->len - 1 : n;

			if (b > a && contains_ci(t + a, b - a, cw->lower, cw->len))
				return cw->word;
			continue;
		}
		for (size_t k = 0; k < sc->nocc; k++)
			if (sc->occ[k].word == id && placed(sc->occ[k].pos, cw->len, from, to, where))
				return cw->word;
	}
	return NULL;
}

/*
 * The leads of literals L, into sc->leads; L->leads stays 0 (the rule is
 * tried in every line) when there is no room for them.
 */
static void
lead_literals(bk_scanner *sc, struct literals *l)
{
	uint32_t leads = 0;

	for (size_t k = 0; k < l->n; k++) {
		struct lead ld = { (unsigned char)l->alt[k][0], (unsigned char)l->alt[k][1], l->len[k] == 1 };
		unsigned j, b;

		for (b = 0; b < sc->nlead_bytes && sc->lead_byte[b] != ld.a; b++)
			;
		if (b == LEAD_BYTES)
			return;
		for (j = 0; j < sc->nleads; j++)
			if (sc->leads[j].a == ld.a && sc->leads[j].one == ld.one && (ld.one || sc->leads[j].b == ld.b))
				break;
		if (j == MAX_LEADS)
			return;
		if (b == sc->nlead_bytes) {
			sc->nlead_bytes++;
			for (unsigned x = b; x < LEAD_BYTES; x++)
				sc->lead_byte[x] = ld.a;
		}
		if (j == sc->nleads)
			sc->leads[sc->nleads++] = ld;
		leads |= UINT32_C(1) << j;
	}
	l->leads = leads;
}

/* Splits rule I's literal trigger into its alternatives. */
static bool
split_literals(bk_scanner *sc, size_t i)
{
	const bk_rule *r = sc->rules[i];
	struct literals *l = &sc->lits[i];
	size_t n = 1;

	if (r->trigger.kind != BK_TRIGGER_LITERAL)
		return true;
	for (size_t k = 0; k < r->trigger.len; k++)
		n += r->trigger.literal[k] == '|';
	l->ascii = true;
	l->buf = bk__dup_bytes(r->trigger.literal, r->trigger.len);
	l->alt = calloc(n, sizeof *l->alt);
	l->len = calloc(n, sizeof *l->len);
	if (l->buf == NULL || l->alt == NULL || l->len == NULL)
		return false;
	for (char *p = l->buf, *bar;; p = bar + 1) {
		bar = strchr(p, '|');
		if (bar != NULL)
			*bar = '\0';
		if (*p != '\0') {
			l->alt[l->n] = p;
			l->len[l->n++] = strlen(p);
		}
		for (const char *q = p; *q != '\0'; q++)
			l->ascii = l->ascii && (unsigned char)*q < 0x80;
		if (bar == NULL)
			break;
	}
	if (l->ascii)
		lead_literals(sc, l);
	return true;
}

/* ---- setup -------------------------------------------------------------- */

/* The highest confidence RULE can give: with context if it has any. */
static enum bk_confidence
best_confidence(const bk_rule *r)
{
	if (r->ncontext > 0 && r->context_confidence > r->confidence)
		return r->context_confidence;
	return r->require_context ? r->context_confidence : r->confidence;
}

/* The shape sets of the digits rules, once their triggers are read. */
static bool
build_shape_sets(bk_scanner *sc)
{
	struct shape_sets *ss = &sc->ss;
	size_t nw = sc->rwords;
	uint64_t *m = calloc((65 + 64 + 256 + 256 + 32 + 32 + 64 + 1) * nw, sizeof *m);

	if (m == NULL)
		return false;
	ss->need_le = m;
	ss->first = ss->need_le + 65 * nw;
	ss->after = ss->first + 64 * nw;
	ss->after2 = ss->after + 256 * nw;
	ss->after_sep = ss->after2 + 256 * nw;
	ss->sep = ss->after_sep + 32 * nw;
	ss->alone = ss->sep + 32 * nw;
	ss->may = ss->alone + 64 * nw;
	for (size_t d = 0; d < sc->ndigit_rules; d++) {
		size_t i = sc->digit_rules[d];
		const struct bk__trigger *tr = &sc->rules[i]->trigger;
		const struct digits_rule *dr = &sc->dr[i];

		for (unsigned k = dr->need; k <= 64; k++)
			add_rule(ss->need_le + k * nw, i);
		for (unsigned f = 0; f < 32; f++) {
			if (tr->first == 0 || (tr->first & f))
				add_rule(ss->first + f * nw, i);
			if (tr->first == 0 || (tr->first >> 5 & f))
				add_rule(ss->first + (32 + f) * nw, i);
		}
		for (unsigned b = 0; b < 256; b++) {
			if (!tr->has_after || (tr->after[b >> 3] >> (b & 7) & 1))
				add_rule(ss->after + b * nw, i);
			if (!tr->has_after2 || (tr->after2[b >> 3] >> (b & 7) & 1))
				add_rule(ss->after2 + b * nw, i);
		}
		for (unsigned sp = 0; sp < 32; sp++) {
			if (sc->after_seps[i] & sp)
				add_rule(ss->after_sep + sp * nw, i);
			if (sp == 0 || (sp & dr->seps))
				add_rule(ss->sep + sp * nw, i);
		}
		for (unsigned l = 0; l < 64; l++)
			if (dr->alone >> l & 1)
				add_rule(ss->alone + l * nw, i);
	}
	return true;
}

bk_scanner *
bk_scanner_new(const bk_ruleset *rs, enum bk_confidence min)
{
	return bk__scanner_new_subset(rs, min, NULL);
}

bk_scanner *
bk__scanner_new_subset(const bk_ruleset *rs, enum bk_confidence min, const bool *use)
{
	bk_scanner *sc = calloc(1, sizeof *sc);
	size_t n = bk_ruleset_count(rs);

	if (sc == NULL)
		return NULL;
	sc->min = min;
	pair_tables(sc);
	sc->rules = calloc(n > 0 ? n : 1, sizeof *sc->rules);
	sc->needs_ctx = calloc(n > 0 ? n : 1, sizeof *sc->needs_ctx);
	sc->rule_words = calloc(n > 0 ? n : 1, sizeof *sc->rule_words);
	sc->lits = calloc(n > 0 ? n : 1, sizeof *sc->lits);
	sc->rule_set = calloc(n > 0 ? n : 1, sizeof *sc->rule_set);
	sc->after = calloc(n > 0 ? n : 1, sizeof *sc->after);
	sc->has_short = calloc(n > 0 ? n : 1, sizeof *sc->has_short);
	sc->hdr_ctx = calloc(n > 0 ? n : 1, sizeof *sc->hdr_ctx);
	sc->margin = calloc(n > 0 ? n : 1, sizeof *sc->margin);
	sc->digit_rules = calloc(n > 0 ? n : 1, sizeof *sc->digit_rules);
	sc->after_seps = calloc(n > 0 ? n : 1, sizeof *sc->after_seps);
	sc->dr = calloc(n > 0 ? n : 1, sizeof *sc->dr);
	sc->after_rules = calloc(n > 0 ? n : 1, sizeof *sc->after_rules);
	sc->active = calloc(n > 0 ? n : 1, sizeof *sc->active);
	sc->short_rules = calloc(n > 0 ? n : 1, sizeof *sc->short_rules);
	sc->norm = bk_norm_new();
	sc->md = pcre2_match_data_create(bk__ruleset_max_captures(rs) + 1, NULL);
	if (sc->rules == NULL || sc->needs_ctx == NULL || sc->hdr_ctx == NULL ||
	    sc->rule_words == NULL || sc->has_short == NULL || sc->lits == NULL ||
	    sc->rule_set == NULL || sc->after == NULL || sc->margin == NULL || sc->norm == NULL ||
	    sc->md == NULL || sc->digit_rules == NULL ||
	    sc->after_seps == NULL || sc->active == NULL || sc->short_rules == NULL ||
	    sc->dr == NULL || sc->after_rules == NULL ||
	    bk__matcher_init(&sc->matcher) != BK_OK)
		goto fail;
	for (size_t i = 0; i < n; i++) {
		const bk_rule *r = bk_ruleset_rule(rs, i);

		/* A rule that cannot reach the minimum costs nothing: it is never run. */
		if (best_confidence(r) < min || (use != NULL && !use[i]))
			continue;
		/*
		 * A rule that reaches the minimum only with context (a bare
		 * 12-digit number, a name) first looks for a context word near a
		 * candidate, which is far cheaper than running its pattern.
		 */
		sc->needs_ctx[sc->nrules] = r->require_context || r->confidence < min;
		sc->rule_words[sc->nrules] = calloc(r->ncontext > 0 ? r->ncontext : 1, sizeof(uint32_t));
		sc->rules[sc->nrules++] = r;	/* counted now, so a failure frees it */
		/* The longest match bounds how far from its trigger the pattern is tried. */
		sc->margin[sc->nrules - 1] = r->reach > 0 && r->reach < DIGIT_MARGIN ? r->reach : DIGIT_MARGIN;
		if (sc->rule_words[sc->nrules - 1] == NULL ||
		    !index_words(sc, sc->nrules - 1, sc->rule_words[sc->nrules - 1]) ||
		    !split_literals(sc, sc->nrules - 1))
			goto fail;
		if (sc->has_short[sc->nrules - 1])
			sc->short_rules[sc->nshort++] = sc->nrules - 1;
		if (r->trigger.kind == BK_TRIGGER_DIGITS) {
			unsigned seps = r->trigger.seps != 0 ? r->trigger.seps : BK__SEP_ALL;
			unsigned need = r->trigger.digits > 0 ? r->trigger.digits : 1;
			size_t k;

			for (k = 0; k < sc->nsets && sc->sets[k].seps != seps; k++)
				;
			if (k == sc->nsets)	/* at most MAX_SPANSETS sets exist */
				sc->sets[sc->nsets++] = (struct spanset){ .seps = seps };
			sc->rule_set[sc->nrules - 1] = k;
			sc->digit_rules[sc->ndigit_rules++] = sc->nrules - 1;
			for (unsigned c = 0; c < 256; c++)
				if (r->trigger.after[c >> 3] >> (c & 7) & 1)
					sc->after[sc->nrules - 1][c >> 6] |= UINT64_C(1) << (c & 63);
			sc->after_seps[sc->nrules - 1] = after_seps(sc->after[sc->nrules - 1]);
			unsigned most = r->trigger.max_digits > 0 && r->trigger.max_digits < 63 ?
			    r->trigger.max_digits : 63;
			sc->dr[sc->nrules - 1] = (struct digits_rule){ need, seps,
				need > 63 ? 0 : (~UINT64_C(0) << need) & (~UINT64_C(0) >> (63 - most)) };
		}
	}
	sc->rwords = sc->nrules > 0 ? (sc->nrules + 63) / 64 : 1;
	if ((sc->rulesets = calloc((4 + NGATES) * sc->rwords, sizeof *sc->rulesets)) == NULL)
		goto fail;
	sc->live = sc->rulesets;
	sc->present = sc->live + sc->rwords;
	sc->live_any = sc->present + sc->rwords;
	sc->gated_set = sc->live_any + sc->rwords;
	for (int g = 0; g < NGATES; g++)
		sc->gate_set[g] = sc->gated_set + (size_t)(1 + g) * sc->rwords;
	if (!build_anchors(sc) || !build_shape_sets(sc))
		goto fail;
	return sc;
fail:
	bk_scanner_free(sc);
	return NULL;
}

static void
free_columns(bk_scanner *sc)
{
	for (size_t i = 0; i < sc->ncols; i++)
		free(sc->cols[i].name);
	sc->ncols = 0;
	free(sc->colctx);
	sc->colctx = NULL;
}

void
bk_scanner_free(bk_scanner *sc)
{
	if (sc == NULL)
		return;
	free_columns(sc);
	free(sc->cols);
	bk__matcher_fini(&sc->matcher);
	pcre2_match_data_free(sc->md);
	bk_norm_free(sc->norm);
	for (size_t i = 0; i < sc->nrules; i++) {
		free(sc->rule_words[i]);
		if (sc->lits != NULL) {
			free(sc->lits[i].buf);
			free(sc->lits[i].alt);
			free(sc->lits[i].len);
		}
	}
	free(sc->lits);
	free(sc->rule_words);
	for (size_t k = 0; k < sc->nwords; k++)
		free(sc->words[k].rules);
	free(sc->words);
	free(sc->has_short);
	free(sc->occ);
	free(sc->rules);
	free(sc->needs_ctx);
	free(sc->hdr_ctx);
	for (size_t k = 0; k < sc->nsets; k++)
		free(sc->sets[k].spans);
	free(sc->rule_set);
	free(sc->after);
	free(sc->groups);
	free(sc->runs);
	free(sc->shapes);
	free(sc->margin);
	free(sc->digit_rules);
	free(sc->after_seps);
	free(sc->dr);
	free(sc->rulesets);
	free(sc->ss.need_le);
	free(sc->after_rules);
	free(sc->active);
	free(sc->short_rules);
	free(sc->dmask);
	free(sc->rmask);
	free(sc->ymask);
	free(sc->anchor_from);
	free(sc->anchors);
	free(sc->next_sets);
	free(sc->wins);
	free(sc->cells);
	free(sc->linecells);
	free(sc->cellends);
	free(sc->clip);
	free(sc->hits);
	free(sc->limited);
	free(sc);
}

void
bk__scanner_no_context(bk_scanner *sc, bool on)
{
	sc->no_context = on;
}

const bk_rule *const *
bk_scanner_limited(const bk_scanner *sc, size_t *n)
{
	*n = sc->nlimited;
	return sc->limited;
}

/* ---- delimited files ---------------------------------------------------- */

static const char *column_context(const bk_rule *r, const struct column *c);

int
bk_scanner_set_header(bk_scanner *sc, const char *header, size_t len, char delim)
{
	size_t start = 0;
	bool quoted = false;

	free_columns(sc);
	memset(sc->hdr_ctx, 0, sc->nrules * sizeof *sc->hdr_ctx);
	sc->keep_ready = false;
	if (header == NULL)
		return BK_OK;
	sc->delim = delim;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && header[i] == '"') {
			quoted = !quoted;
			continue;
		}
		if (i < len && (header[i] != delim || quoted))
			continue;
		if (bk__grow(&sc->cols, &sc->colcap, sc->ncols + 1, sizeof *sc->cols))
			return BK_NOMEM;
		struct column *c = &sc->cols[sc->ncols];
		const char *f = header + start;

		size_t n = i - start;

		/* Header names match context words folded and lowercased, quotes stripped. */
		if (n >= 2 && f[0] == '"' && f[n - 1] == '"')
			f++, n -= 2;
		const char *folded;
		size_t flen;
		if (bk_norm_fold(sc->norm, f, n, &folded, &flen) != BK_OK)
			return BK_NOMEM;
		if ((c->name = malloc(flen + 1)) == NULL)
			return BK_NOMEM;
		for (size_t k = 0; k < flen; k++)
			c->name[k] = (char)bk__lower((char)folded[k]);
		c->name[flen] = '\0';
		c->len = flen;
		sc->ncols++;
		start = i + 1;
	}
	/* Which word names each column for each rule, once: findings ask it again and again. */
	if ((sc->colctx = calloc(sc->ncols * sc->nrules + 1, sizeof *sc->colctx)) == NULL) {
		free_columns(sc);
		return BK_NOMEM;
	}
	for (size_t r = 0; r < sc->nrules; r++)
		for (size_t k = 0; k < sc->ncols; k++)
			if ((sc->colctx[k * sc->nrules + r] = column_context(sc->rules[r], &sc->cols[k])) != NULL)
				sc->hdr_ctx[r] = true;
	return BK_OK;
}

/* The context word of R that column C is named by, or NULL. */
static const char *
column_context(const bk_rule *r, const struct column *c)
{
	for (size_t w = 0; w < r->ncontext; w++)
		if (contains_ci(c->name, c->len, r->context[w].lower, r->context[w].len))
			return r->context[w].word;
	return NULL;
}

static bool line_cells(bk_scanner *sc, size_t n);

/*
 * The first of the line's cells (line_cells) that ends at or after AT, in
 * the line as given (ORIG) or in the folded text: the cells are in order,
 * so a wide export's many columns cost a binary search a question.
 */
static size_t
cell_at(const bk_scanner *sc, size_t at, bool orig)
{
	size_t lo = 0, hi = sc->nlinecells;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((orig ? sc->cellends[mid] : sc->linecells[mid].end) < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The context word of rule I that the CSV column at ORIGIN (in the line as given) is named by. */
static const char *
header_context(bk_scanner *sc, size_t i, size_t n, size_t origin)
{
	if (sc->colctx == NULL || !line_cells(sc, n))
		return NULL;
	/* A cell runs up to its delimiter; the first that reaches ORIGIN holds it. */
	size_t col = cell_at(sc, origin, true);

	return col < sc->nlinecells ? sc->colctx[col * sc->nrules + i] : NULL;
}

/* ---- candidates --------------------------------------------------------- */

/*
 * The digits among the (at most 64) bytes at P as bits, bit I for P[I]. On
 * x86-64 sixteen bytes are compared at once (SSE2 is always there), the
 * last 16 of the line too when BACK bytes before P make them 16 (the bits
 * of the bytes read twice dropped); the byte loop elsewhere gives the same
 * bits.
 */
static inline uint64_t
digit_bits(const unsigned char *p, size_t n, size_t back, unsigned *high)
{
	uint64_t m = 0;
	unsigned h = 0;
	size_t i = 0;

#if defined(__SSE2__)
	const __m128i bias = _mm_set1_epi8((char)(0x80 - '0')), top = _mm_set1_epi8(-118);

	/* '0'..'9' moved to -128..-119: one signed comparison tells a digit. */
	for (; i + 16 <= n; i += 16) {
		__m128i raw = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i v = _mm_add_epi8(raw, bias);

		m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, top)) << i;
		h |= (unsigned)_mm_movemask_epi8(raw);
	}
	if (i < n && n + back >= 16) {
		__m128i raw = _mm_loadu_si128((const __m128i *)(const void *)(p + n - 16));
		__m128i v = _mm_add_epi8(raw, bias);
		unsigned d = (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, top));

		m |= (uint64_t)(d >> (16 - (n - i))) << i;
		h |= (unsigned)_mm_movemask_epi8(raw);
		i = n;
	}
#else
	(void)back;
#endif
	for (; i < n; i++) {
		m |= (uint64_t)((unsigned)(p[i] - '0') < 10u) << i;
		h |= p[i] & 0x80u;
	}
	*high |= h;
	return m;
}

static inline unsigned
ctz64(uint64_t m)
{
	return (unsigned)__builtin_ctzll(m);
}

/* The position of the first clear bit of M at or after AT; M ends in a zero word. */
static inline size_t
next_clear(const uint64_t *m, size_t at)
{
	size_t w = at >> 6;
	uint64_t x = ~m[w] & (~UINT64_C(0) << (at & 63));

	while (x == 0)
		x = ~m[++w];
	return w * 64 + ctz64(x);
}

static inline bool
has_byte(const uint64_t bits[4], unsigned char c)
{
	return bits[c >> 6] >> (c & 63) & 1;
}

/*
 * What runs of digits the current line's rules could use: a digits rule
 * that needs a context word and has none in the line cannot fire, and each
 * of the others asks for so many digits, joined by its separators. A run
 * (under the separators of all of them) is worth its groups when it holds
 * MIN digits, or AFTER_MIN after a byte of AFTER: the rules whose numbers
 * follow given bytes (an IBAN's country code) wake only there.
 */
struct keep {
	unsigned seps;
	unsigned min, after_min;	/* UINT_MAX: no such rule */
	uint64_t after[4];
};

/*
 * What the line plan needs that changes only with the header (a column may
 * give a rule its context): each rule's gate, and which digits rules are
 * live in any line, which only with a context word, which follow bytes.
 */
static void
ready_keep(bk_scanner *sc)
{
	memset(sc->live_any, 0, (2 + NGATES) * sc->rwords * sizeof *sc->live_any);
	for (size_t i = 0; i < sc->nrules; i++) {
		const struct bk__trigger *tr = &sc->rules[i]->trigger;
		bool ctx = sc->needs_ctx[i] && !sc->hdr_ctx[i];
		enum gate g = GATE_NONE;

		switch (tr->kind) {
		case BK_TRIGGER_DIGITS:
			g = GATE_DIGITS;
			break;
		case BK_TRIGGER_LITERAL:
			/* A kanji literal cannot be in a line of ASCII. */
			if (sc->lits[i].leads != 0)
				g = ctx ? GATE_LEADS_CONTEXT : GATE_LEADS;
			else
				g = sc->lits[i].ascii ? (ctx ? GATE_CONTEXT : GATE_NONE) :
				    ctx ? GATE_HIGH_CONTEXT : GATE_HIGH;
			break;
		case BK_TRIGGER_CONTEXT:
			g = sc->hdr_ctx[i] ? GATE_NONE : GATE_CONTEXT;
			break;
		case BK_TRIGGER_NONASCII:
			g = ctx ? GATE_HIGH_CONTEXT : GATE_HIGH;
			break;
		case BK_TRIGGER_ALWAYS:
			g = ctx ? GATE_CONTEXT : GATE_NONE;
			break;
		}
		add_rule(sc->gate_set[g], i);
	}
	sc->ngated = sc->nafter = 0;
	sc->keep_seps = 0;
	sc->keep_min = UINT_MAX;
	for (size_t d = 0; d < sc->ndigit_rules; d++) {
		size_t i = sc->digit_rules[d];
		bool live = !sc->needs_ctx[i] || sc->hdr_ctx[i];

		if (live) {
			add_rule(sc->live_any, i);
			sc->keep_seps |= sc->dr[i].seps;
		} else {
			add_rule(sc->gated_set, i);
			sc->ngated++;
		}
		if (sc->rules[i]->trigger.has_after)
			sc->after_rules[sc->nafter++] = i;
		else if (live && sc->dr[i].need < sc->keep_min)
			sc->keep_min = sc->dr[i].need;
	}
	sc->keep_ready = true;
}

/* The keep of the current line: the digits rules live in any line, and those with context in it. */
static void
live_digits(bk_scanner *sc, const char *t, size_t n, struct keep *k)
{
	const uint64_t *present;

	if (!sc->keep_ready)
		ready_keep(sc);
	*k = (struct keep){ sc->keep_seps, sc->keep_min, UINT_MAX, { 0, 0, 0, 0 } };
	memcpy(sc->live, sc->live_any, sc->rwords * sizeof *sc->live);
	if (sc->ngated > 0 && (present = context_set(sc, t, n)) != NULL)
		for (size_t w = 0; w < sc->rwords; w++) {
			uint64_t on = sc->gated_set[w] & present[w];

			sc->live[w] |= on;
			for (; on != 0; on &= on - 1) {
				size_t i = 64 * w + ctz64(on);

				k->seps |= sc->dr[i].seps;
				if (!sc->rules[i]->trigger.has_after && sc->dr[i].need < k->min)
					k->min = sc->dr[i].need;
			}
		}
	for (size_t a = 0; a < sc->nafter; a++) {
		size_t i = sc->after_rules[a];
		unsigned need = sc->dr[i].need;

		if (!rule_in(sc->live, i))
			continue;
		/* A number after a separator may start inside a run: no help there. */
		if (!(sc->after_seps[i] & k->seps)) {
			k->after_min = need < k->after_min ? need : k->after_min;
			for (int w = 0; w < 4; w++)
				k->after[w] |= sc->after[i][w];
		} else {
			k->min = need < k->min ? need : k->min;
		}
	}
}

/*
 * The digits of the line's 64-byte blocks as bits (bit I for byte I, and a
 * zero word past the end), read with whether any byte is not ASCII (a
 * kanji literal or a name cannot be in a line without). Whether it has any
 * digit at all.
 */
static bool
digit_masks(bk_scanner *sc, const char *t, size_t n, bool *nomem)
{
	const unsigned char *p = (const unsigned char *)t;
	size_t nw = (n + 63) / 64 + 1;
	uint64_t any = 0;
	unsigned high = 0;

	sc->high = true;	/* until known: a line is never passed over by mistake */
	if (nw > sc->maskcap) {
		size_t cap = nw + nw / 4 + 16;	/* 3 masks, 8 bytes each a 64 of line: little to spare */
		uint64_t *m[3];

		for (int i = 0; i < 3; i++)
			m[i] = malloc(cap * sizeof *m[i]);
		free(sc->dmask), free(sc->rmask), free(sc->ymask);
		sc->dmask = m[0], sc->rmask = m[1], sc->ymask = m[2];
		sc->maskcap = m[0] != NULL && m[1] != NULL && m[2] != NULL ? cap : 0;
		if (sc->maskcap == 0) {
			*nomem = true;
			return false;
		}
	}
	for (size_t w = 0; w + 1 < nw; w++)
		any |= sc->dmask[w] = digit_bits(p + 64 * w, n - 64 * w < 64 ? n - 64 * w : 64, 64 * w, &high);
	sc->dmask[nw - 1] = 0;
	sc->nmask = nw;
	sc->high = high != 0;
	return any != 0;
}

/* The runs of the line into sc->rmask: digits and the single separators of SEPS between two. */
static void
run_masks(bk_scanner *sc, const char *t, unsigned seps)
{
	const unsigned char *p = (const unsigned char *)t;
	const uint64_t *d = sc->dmask;
	uint64_t *r = sc->rmask;
	size_t nw = sc->nmask;

	for (size_t w = 0; w < nw; w++) {
		uint64_t left = d[w] << 1 | (w > 0 ? d[w - 1] >> 63 : 0);
		uint64_t right = d[w] >> 1 | (w + 1 < nw ? d[w + 1] << 63 : 0);
		uint64_t j = ~d[w] & left & right;	/* one byte between two digits */

		r[w] = d[w];
		for (; j != 0; j &= j - 1) {
			unsigned b = ctz64(j);

			if (sep_bit(p[64 * w + b]) & seps)
				r[w] |= UINT64_C(1) << b;
		}
	}
}

/*
 * Where runs of at least LEN bytes start, into sc->ymask: a run shorter
 * than a trigger's digits cannot hold them. Doubling steps, so a 13-digit
 * trigger costs four passes over a few words.
 */
static void
long_runs(bk_scanner *sc, unsigned len)
{
	uint64_t *y = sc->ymask;
	size_t nw = sc->nmask;

	memcpy(y, sc->rmask, nw * sizeof *y);
	if (len > 64)
		len = 64;	/* still a bound: 64 bytes at least */
	for (unsigned have = 1; have < len;) {
		unsigned s = len - have < have ? len - have : have;

		for (size_t w = 0; w + 1 < nw; w++)
			y[w] &= y[w] >> s | (s < 64 ? y[w + 1] << (64 - s) : 0);
		have += s;
	}
}

/*
 * The digits rules run K may wake, by its shape (struct shape_sets), added
 * to the line's: one with enough digits, after one of its bytes (where the
 * run's groups are not joined by such a byte: a candidate then starts at
 * the run), holding a group that starts with one of its digits, and, where
 * its groups are joined by separators the rule does not allow, a group
 * long enough alone.
 */
static inline void
run_may_words(bk_scanner *sc, size_t k, const char *t, size_t nw)
{
	const struct shape_sets *ss = &sc->ss;
	const struct span *run = &sc->runs[k];
	const struct run_shape *sh = &sc->shapes[k];
	size_t at = run->start;
	unsigned b1 = at > 0 ? (unsigned char)t[at - 1] : 0, b2 = at > 1 ? (unsigned char)t[at - 2] : 0;
	const uint64_t *need = ss->need_le + (run->digits < 64 ? run->digits : 64) * nw;
	const uint64_t *f0 = ss->first + (sh->firsts & 31u) * nw, *f1 = ss->first + (32 + (sh->firsts >> 5)) * nw;
	const uint64_t *a1 = ss->after + b1 * nw, *a2 = ss->after2 + b2 * nw;
	const uint64_t *as = ss->after_sep + (sh->seps & 31u) * nw, *sp = ss->sep + (sh->seps & 31u) * nw;

	for (size_t w = 0; w < nw; w++) {
		uint64_t alone = 0;

		for (uint64_t l = sh->lengths; l != 0; l &= l - 1)
			alone |= ss->alone[ctz64(l) * nw + w];
		ss->may[w] |= need[w] & (f0[w] | f1[w]) & ((a1[w] & a2[w]) | as[w]) & (sp[w] | alone);
	}
}

/* Up to 64 digits rules (the default set has a dozen): one word, known to the compiler. */
static void
run_may(bk_scanner *sc, size_t k, const char *t)
{
	if (sc->rwords == 1)
		run_may_words(sc, k, t, 1);
	else
		run_may_words(sc, k, t, sc->rwords);
}

/*
 * Collects the digit groups of the runs of T that the line's live rules
 * could use (struct keep), once per line: every separator set's runs are
 * then made of whole groups, so the bytes are looked at once however many
 * sets the rules use. Logs are full of short numbers (times, addresses,
 * versions, sizes) that no rule can use: the line's digits are read as
 * bit masks 64 bytes at a time, and runs too short for every live rule are
 * passed over without a look at their groups. Kept on the way, so rules can
 * be passed over without looking at the groups again: the runs (a set's run
 * lies within one of them) and the rules their shapes may wake (run_may).
 */
static bool
find_groups(bk_scanner *sc, const char *t, size_t n)
{
	const unsigned char *p = (const unsigned char *)t;
	struct keep k;
	size_t ng = 0, nr = 0;
	bool nomem = false;

	sc->ngroups = sc->nruns = 0;
	memset(sc->ss.may, 0, sc->rwords * sizeof *sc->ss.may);
	/* Digits first: a line without any asks no rule about its context. */
	if (!digit_masks(sc, t, n, &nomem) || sc->ndigit_rules == 0)
		return !nomem;
	live_digits(sc, t, n, &k);
	if (k.min == UINT_MAX && k.after_min == UINT_MAX)
		return true;
	run_masks(sc, t, k.seps);
	long_runs(sc, k.min == UINT_MAX ? 64 : k.min);

	const uint64_t *r = sc->rmask, *y = sc->ymask;
	for (size_t w = 0; w + 1 < sc->nmask; w++) {
		uint64_t starts = r[w] & ~(r[w] << 1 | (w > 0 ? r[w - 1] >> 63 : 0));
		uint64_t cand = starts & y[w];

		if (k.after_min != UINT_MAX)
			for (uint64_t o = starts & ~cand; o != 0; o &= o - 1) {
				size_t at = 64 * w + ctz64(o);

				if (at > 0 && has_byte(k.after, p[at - 1]))
					cand |= o & -o;
			}
		for (; cand != 0; cand &= cand - 1) {
			size_t at = 64 * w + ctz64(cand), end = next_clear(r, at), g0 = ng;
			bool after = k.after_min != UINT_MAX && at > 0 && has_byte(k.after, p[at - 1]);
			unsigned digits = 0, need = after && k.after_min < k.min ? k.after_min : k.min;
			struct run_shape shape = { 0, 0, 0 };

			/* Its digits, counted with its groups: fewer than its bytes. */
			if (end - at < need)
				continue;
			for (size_t gs = at; gs < end;) {
				size_t ge = next_clear(sc->dmask, gs);
				unsigned join = ge < end ? sep_bit(p[ge]) : 0;

				if (bk__grow(&sc->groups, &sc->groupcap, ng + 1, sizeof *sc->groups))
					return false;
				sc->groups[ng++] = (struct group){ gs, ge, join };
				digits += (unsigned)(ge - gs);
				shape.seps |= join;
				shape.firsts |= (uint16_t)(1u << (p[gs] - '0'));
				shape.lengths |= UINT64_C(1) << (ge - gs < 63 ? ge - gs : 63);
				gs = ge + 1;
			}
			if (digits < need) {
				ng = g0;	/* too few for any rule: its groups are dropped */
				continue;
			}
			if (bk__grow(&sc->runs, &sc->runcap, nr + 1, sizeof *sc->runs) ||
			    bk__grow(&sc->shapes, &sc->shapecap, nr + 1, sizeof *sc->shapes))
				return false;
			sc->shapes[nr] = shape;
			sc->runs[nr++] = (struct span){ at, end, digits, g0, ng - g0 };
			sc->nruns = nr;
			run_may(sc, nr - 1, t);
		}
	}
	sc->ngroups = ng;
	sc->nruns = nr;
	return true;
}

/*
 * The runs of S: consecutive groups joined where one separator of S->seps
 * lies between them, kept when they hold at least S->built_min digits:
 * the shape the digits triggers promise (rules-private.h).
 */
static bool
find_spans(bk_scanner *sc, struct spanset *set)
{
	const struct group *g = sc->groups;

	set->nspans = 0;
	for (size_t k = 0; k < sc->nruns; k++) {
		const struct span *run = &sc->runs[k];
		size_t a = run->g0, last = run->g0 + run->ng - 1;

		if (run->digits < set->built_min)
			continue;	/* no run of fewer separators holds more digits */
		while (a <= last) {
			size_t b = a;
			unsigned digits = (unsigned)(g[a].end - g[a].start);

			while (b < last && (g[b].join & set->seps)) {
				b++;
				digits += (unsigned)(g[b].end - g[b].start);
			}
			if (digits >= set->built_min) {
				if (bk__grow(&set->spans, &set->spancap, set->nspans, sizeof *set->spans))
					return false;
				set->spans[set->nspans++] = (struct span){ g[a].start, g[b].end, digits, a, b - a + 1 };
			}
			a = b + 1;
		}
	}
	return true;
}

/* Adds [A, B) to the windows *W, merging with the last one when it follows and touches it. */
static bool
add_window_to(struct window **w, size_t *nw, size_t *cap, size_t a, size_t b)
{
	if (*nw > 0 && a >= (*w)[*nw - 1].start && a <= (*w)[*nw - 1].end) {
		if (b > (*w)[*nw - 1].end)
			(*w)[*nw - 1].end = b;
		return true;
	}
	if (bk__grow(w, cap, *nw + 1, sizeof **w))
		return false;
	(*w)[(*nw)++] = (struct window){ a, b };
	return true;
}

static bool
add_window(bk_scanner *sc, size_t a, size_t b)
{
	return add_window_to(&sc->wins, &sc->nwins, &sc->wincap, a, b);
}

/*
 * Whether a context word of rule I occurs in T around [A, B), as far out as
 * a context word of a value there may be: the rule's distance in characters
 * beyond the margin the value itself may lie from the trigger.
 */
static bool
context_around(bk_scanner *sc, size_t i, const char *t, size_t n, size_t a, size_t b,
    size_t margin)
{
	const bk_rule *r = sc->rules[i];
	size_t from, to;

	if (sc->no_context)
		return false;
	from = back_chars(t, a > margin ? a - margin : 0, r->distance);
	to = fwd_chars(t, n, b + margin < n ? b + margin : n, r->distance);
	return find_context(sc, i, t, n, from, to, OVERLAPS) != NULL;
}

/*
 * LIT in H[0, N): memchr for its first byte, then a comparison. For the
 * short needles of triggers this beats memmem, which sets up a two-way
 * search on every call.
 */
static const char *
find_literal(const char *h, size_t n, const char *lit, size_t len)
{
	const char *end = h + n;

	if (len == 0 || len > n)
		return NULL;
	end -= len - 1;
	for (const char *p = h; p < end; p++) {
		p = memchr(p, lit[0], (size_t)(end - p));
		if (p == NULL)
			return NULL;
		if (memcmp(p + 1, lit + 1, len - 1) == 0)
			return p;
	}
	return NULL;
}

static int
window_cmp(const void *a, const void *b)
{
	const struct window *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Orders the windows and merges those that touch. */
static void
sort_windows(bk_scanner *sc)
{
	size_t o = 0;

	qsort(sc->wins, sc->nwins, sizeof *sc->wins, window_cmp);
	for (size_t i = 1; i < sc->nwins; i++) {
		if (sc->wins[i].start <= sc->wins[o].end) {
			if (sc->wins[i].end > sc->wins[o].end)
				sc->wins[o].end = sc->wins[i].end;
		} else {
			sc->wins[++o] = sc->wins[i];
		}
	}
	sc->nwins = o + 1;
}

/* Whether a run at T[AT] starts with a digit, and after a byte, that trigger T allows. */
static inline bool
starts_well(const struct bk__trigger *tr, const char *t, size_t at)
{
	unsigned char d = (unsigned char)t[at] - '0', b = at > 0 ? (unsigned char)t[at - 1] : 0;

	if (tr->first != 0 && !(tr->first >> d & 1))
		return false;
	if (tr->has_after2 && (at < 2 || !(tr->after2[(unsigned char)t[at - 2] >> 3] >>
	    ((unsigned char)t[at - 2] & 7) & 1)))
		return false;
	return !tr->has_after || (at > 0 && (tr->after[b >> 3] >> (b & 7) & 1));
}

/*
 * In a line of a CSV or TSV file with a header, narrows the window
 * [*FROM, *TO) around a trigger at AT to the cell that holds it: a value
 * does not run on into the next cell, and the patterns of names and
 * addresses would otherwise be tried over most of each line.
 */
static void
clip_to_cell(bk_scanner *sc, size_t n, size_t at, size_t *from, size_t *to)
{
	size_t c;

	if (sc->ncols == 0 || !line_cells(sc, n) || (c = cell_at(sc, at, false)) == sc->nlinecells ||
	    at < sc->linecells[c].start)
		return;
	*from = *from > sc->linecells[c].start ? *from : sc->linecells[c].start;
	*to = *to < sc->linecells[c].end ? *to : sc->linecells[c].end;
}

/*
 * A candidate [A, B) of rule I: a window MARGIN bytes around it, unless the
 * rule needs context (CHECK_CTX) and none is within its distance. The
 * window always reaches as far as the rule's longest match.
 */
static bool
candidate(bk_scanner *sc, size_t i, const char *t, size_t n, size_t a, size_t b, size_t margin,
    bool check_ctx)
{
	size_t reach = sc->margin[i], from = a > reach ? a - reach : 0, to = b + reach < n ? b + reach : n;

	if (check_ctx && !context_around(sc, i, t, n, a, b, margin))
		return true;
	clip_to_cell(sc, n, a, &from, &to);
	return add_window(sc, from, to);
}

/* The offset in the folded text of the byte at ORIGIN of the line: the first that maps there. */
static size_t
folded_at(const bk_scanner *sc, size_t origin, size_t n)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (bk_norm_origin(sc->norm, mid) < origin)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The cells of the current line, in the folded text, one per column of the
 * header (fewer when the line has fewer): read once a line, for every rule
 * that asks. A quoted delimiter is inside its cell.
 */
static bool
line_cells(bk_scanner *sc, size_t n)
{
	const char *line = sc->line;
	size_t col = 0, len = sc->line_len, ncols = sc->ncols;
	char delim = sc->delim;
	bool same = n == len;	/* nothing folded: offsets are the line's */

	if (sc->cells_ready)
		return true;
	sc->nlinecells = 0;
	if (sc->ncols >= sc->linecellcap) {
		size_t cap = sc->linecellcap;

		if (bk__grow(&sc->linecells, &cap, sc->ncols, sizeof *sc->linecells) ||
		    bk__grow(&sc->cellends, &sc->linecellcap, sc->ncols, sizeof *sc->cellends))
			return false;
	}
	/* A delimiter at a time; a cell with a quote is walked byte by byte. */
	for (const char *p = line, *end = line + len; col < ncols;) {
		const char *d = memchr(p, delim, (size_t)(end - p));

		if (memchr(p, '"', (size_t)((d != NULL ? d : end) - p)) != NULL) {
			bool quoted = false;

			for (d = p; d < end && (*d != delim || quoted); d++)
				quoted ^= *d == '"';
			if (d == end)
				d = NULL;
		}
		size_t a = (size_t)(p - line), e = d != NULL ? (size_t)(d - line) : len;

		sc->cellends[col] = e;
		sc->linecells[col++] = (struct window){ same ? a : folded_at(sc, a, n), same ? e : folded_at(sc, e, n) };
		if (d == NULL)
			break;
		p = d + 1;
	}
	sc->nlinecells = col;
	sc->cells_ready = true;
	return true;
}

/*
 * Windows over the cells of the columns whose header is a context word of
 * rule I, into *W: with no context word in the line, a value anywhere else
 * could not be reported, and a value does not run on into the next cell.
 */
static bool
header_cells(bk_scanner *sc, size_t i, size_t n, struct window **w, size_t *nw, size_t *cap)
{
	if (sc->colctx == NULL)
		return true;	/* no header: no cells */
	if (!line_cells(sc, n))
		return false;
	for (size_t col = 0; col < sc->nlinecells; col++)
		if (sc->colctx[col * sc->nrules + i] != NULL &&
		    !add_window_to(w, nw, cap, sc->linecells[col].start, sc->linecells[col].end))
			return false;
	return true;
}

static bool
header_windows(bk_scanner *sc, size_t i, size_t n)
{
	return header_cells(sc, i, n, &sc->wins, &sc->nwins, &sc->wincap);
}

/*
 * Narrows rule I's windows (in order, merged) to its header's cells when
 * only the header can give it context: the triggers of a CSV line full of
 * numbers would otherwise have its pattern tried over most of the line.
 */
static bool
clip_to_header(bk_scanner *sc, size_t i, const char *t, size_t n)
{
	size_t c = 0;

	if (!sc->needs_ctx[i] || !sc->hdr_ctx[i] || sc->nwins == 0 || line_has_context(sc, i, t, n))
		return true;
	sc->ncells = sc->nclip = 0;
	if (!header_cells(sc, i, n, &sc->cells, &sc->ncells, &sc->cellcap))
		return false;
	for (size_t w = 0; w < sc->nwins && c < sc->ncells;) {
		size_t a = sc->wins[w].start > sc->cells[c].start ? sc->wins[w].start : sc->cells[c].start;
		size_t b = sc->wins[w].end < sc->cells[c].end ? sc->wins[w].end : sc->cells[c].end;

		if (a < b && !add_window_to(&sc->clip, &sc->nclip, &sc->clipcap, a, b))
			return false;
		if (sc->wins[w].end < sc->cells[c].end)
			w++;
		else
			c++;
	}
	/* The clipped list becomes the windows; the old array is kept for the next clip. */
	struct window *old = sc->wins;
	size_t oldcap = sc->wincap;

	sc->wins = sc->clip, sc->nwins = sc->nclip, sc->wincap = sc->clipcap;
	sc->clip = old, sc->clipcap = oldcap;
	return true;
}

/* The window of a rule whose trigger is the line itself: all of it, or its header's cells. */
static bool
whole_line(bk_scanner *sc, size_t i, const char *t, size_t n, bool check_ctx)
{
	if (check_ctx && find_context(sc, i, t, n, 0, n, OVERLAPS) == NULL)
		return true;
	/* Only a header can give context here: only its columns are worth trying. */
	if (sc->needs_ctx[i] && sc->hdr_ctx[i] && !line_has_context(sc, i, t, n))
		return header_windows(sc, i, n);
	return add_window(sc, 0, n);
}

/* The leads that start at T[I] (of N bytes). */
static inline uint32_t
leads_at(const bk_scanner *sc, const unsigned char *t, size_t n, size_t i)
{
	uint32_t found = 0;

	for (unsigned k = 0; k < sc->nleads; k++)
		if (t[i] == sc->leads[k].a && (sc->leads[k].one || (i + 1 < n && t[i + 1] == sc->leads[k].b)))
			found |= UINT32_C(1) << k;
	return found;
}

/*
 * The leads in T, as bits: on x86-64 16 bytes are compared with the lead
 * bytes at once (a short tail in a copy padded with NULs, which no literal
 * starts with), and only the few bytes that are one are looked at closer.
 */
static uint32_t
find_leads(const bk_scanner *sc, const char *t, size_t n)
{
	const unsigned char *p = (const unsigned char *)t;
	uint32_t found = 0;
	size_t i = 0;

#if defined(__SSE2__)
	const __m128i b0 = _mm_set1_epi8((char)sc->lead_byte[0]), b1 = _mm_set1_epi8((char)sc->lead_byte[1]);
	const __m128i b2 = _mm_set1_epi8((char)sc->lead_byte[2]), b3 = _mm_set1_epi8((char)sc->lead_byte[3]);

	while (i < n) {
		unsigned char tail[16] = { 0 };
		const unsigned char *q = p + i;

		if (n - i < 16)
			q = memcpy(tail, p + i, n - i);
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
		unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(v, b0), _mm_cmpeq_epi8(v, b1)),
		    _mm_or_si128(_mm_cmpeq_epi8(v, b2), _mm_cmpeq_epi8(v, b3))));

		for (; m != 0; m &= m - 1)
			found |= leads_at(sc, p, n, i + (unsigned)__builtin_ctz(m));
		i += 16;
	}
#else
	for (; i < n; i++)
		for (unsigned b = 0; b < sc->nlead_bytes; b++)
			if (p[i] == sc->lead_byte[b]) {
				found |= leads_at(sc, p, n, i);
				break;
			}
#endif
	return found;
}

/*
 * The rules worth a look in the current line, into sc->active: what the
 * line's digit groups, its bytes and its context words allow, decided with
 * a few tests a rule, so that the many rules a typical line gives nothing
 * to cost almost nothing.
 */
static void
plan_line(bk_scanner *sc, const char *t, size_t n)
{
	uint64_t *const *g = sc->gate_set;

	if (!sc->keep_ready)
		ready_keep(sc);
	sc->nactive = 0;
	sc->line_leads = sc->nleads > 0 ? find_leads(sc, t, n) : 0;
	for (size_t w = 0; w < sc->rwords; w++) {
		/* live_digits has asked the digits rules about context */
		uint64_t on = g[GATE_NONE][w] | (g[GATE_DIGITS][w] & sc->live[w] & sc->ss.may[w]);
		uint64_t ctx = g[GATE_CONTEXT][w];
		const uint64_t *present;

		if (sc->high) {
			on |= g[GATE_HIGH][w];
			ctx |= g[GATE_HIGH_CONTEXT][w];
		}
		for (uint64_t l = g[GATE_LEADS][w] | g[GATE_LEADS_CONTEXT][w]; l != 0; l &= l - 1) {
			size_t i = 64 * w + ctz64(l);

			if (!(sc->line_leads & sc->lits[i].leads))
				continue;
			if (rule_in(g[GATE_LEADS], i))
				on |= l & -l;
			else
				ctx |= l & -l;
		}
		if (ctx != 0 && (present = context_set(sc, t, n)) != NULL)
			on |= ctx & present[w];
		for (; on != 0; on &= on - 1)
			sc->active[sc->nactive++] = 64 * w + ctz64(on);
	}
}

/* Where rule I's pattern is worth trying in T, as merged windows. */
static bool
windows_for(bk_scanner *sc, size_t i_rule, const char *t, size_t n)
{
	const bk_rule *r = sc->rules[i_rule];
	/* Without context in reach there is nothing this rule may report. */
	bool check_ctx = sc->needs_ctx[i_rule] && !sc->hdr_ctx[i_rule];
	size_t margin = sc->margin[i_rule];

	sc->nwins = 0;
	switch (r->trigger.kind) {
	case BK_TRIGGER_DIGITS: {
		struct spanset *set = &sc->sets[sc->rule_set[i_rule]];
		unsigned min = r->trigger.digits, max = r->trigger.max_digits;

		/*
		 * Spans as short as this rule's are enough; a rule after it
		 * with a shorter trigger builds them again. Most lines then
		 * keep only the few long runs, not every group.
		 */
		if (!set->built || set->built_min > min) {
			set->built_min = min > 0 ? min : 1;
			if (!find_spans(sc, set))
				return false;
			set->built = true;
		}

		for (size_t i = 0; i < set->nspans; i++) {
			const struct span *s = &set->spans[i];

			if (s->digits < min)
				continue;
			if (!r->trigger.whole && (max == 0 || s->digits <= max) &&
			    r->trigger.first == 0 && !r->trigger.has_after && r->trigger.min_groups == 0) {
				if (!candidate(sc, i_rule, t, n, s->start, s->end, margin, check_ctx))
					return false;
				continue;
			}
			/*
			 * Runs of whole groups of the span with MIN..MAX digits. A
			 * match holding a run that starts at group A lies within
			 * the rule's reach of A, so without "whole" the first run
			 * from each A is all it takes; with it, each run is
			 * validated, up to BK__DIGITS_MAX digits when MAX is open.
			 * "groups" bounds how many groups the run has.
			 */
			unsigned most = max > 0 ? max : r->trigger.whole ? BK__DIGITS_MAX : UINT_MAX;
			size_t gmin = r->trigger.min_groups, gmax = gmin > 0 ? r->trigger.max_groups : SIZE_MAX;

			for (size_t a = s->g0; a < s->g0 + s->ng; a++) {
				unsigned digits = 0;

				for (size_t b = a; b < s->g0 + s->ng; b++) {
					size_t cs = sc->groups[a].start, ce = sc->groups[b].end;

					digits += (unsigned)(sc->groups[b].end - sc->groups[b].start);
					if (digits > most || b - a + 1 > gmax)
						break;
					if (digits < min || b - a + 1 < gmin)
						continue;
					if (!starts_well(&r->trigger, t, cs))
						break;	/* the same start for every B */
					if (r->trigger.whole && !r->validator->fn(t + cs, ce - cs))
						continue;
					if (!candidate(sc, i_rule, t, n, cs, ce,
					    r->trigger.whole ? 0 : margin, check_ctx))
						return false;
					if (!r->trigger.whole)
						break;
				}
			}
		}
		if (sc->nwins > 1)
			sort_windows(sc);
		return clip_to_header(sc, i_rule, t, n);
	}
	case BK_TRIGGER_LITERAL:
		margin = r->reach > 0 && r->reach < LITERAL_MARGIN ? r->reach : LITERAL_MARGIN;
		/* A kanji literal cannot be in a line of ASCII. */
		for (size_t k = 0; k < sc->lits[i_rule].n; k++) {
			const char *lit = sc->lits[i_rule].alt[k], *p = t, *end = t + n;
			size_t len = sc->lits[i_rule].len[k];

			while ((p = find_literal(p, (size_t)(end - p), lit, len)) != NULL) {
				size_t at = (size_t)(p - t);

				p += len;
				if (check_ctx && !context_around(sc, i_rule, t, n, at, at + len, margin))
					continue;
				size_t from = at > margin ? at - margin : 0, to = at + len + margin < n ? at + len + margin : n;

				clip_to_cell(sc, n, at, &from, &to);
				if (!add_window(sc, from, to))
					return false;
			}
		}
		/* Alternatives found out of order: put the windows in order, merged. */
		if (sc->lits[i_rule].n > 1 && sc->nwins > 1)
			sort_windows(sc);
		return clip_to_header(sc, i_rule, t, n);
	case BK_TRIGGER_CONTEXT:
		if (sc->hdr_ctx[i_rule] || find_context(sc, i_rule, t, n, 0, n, OVERLAPS) != NULL)
			return add_window(sc, 0, n);
		return true;
	case BK_TRIGGER_NONASCII:
		return whole_line(sc, i_rule, t, n, check_ctx);
	case BK_TRIGGER_ALWAYS:
		return whole_line(sc, i_rule, t, n, check_ctx);
	}
	return true;
}

/* ---- matching ----------------------------------------------------------- */

/*
 * The context word of rule I within its distance of the value [VS, VE) in
 * T: one that ends at most DISTANCE characters before the value, or starts
 * at most DISTANCE characters after it. The value itself does not count.
 */
static const char *
near_context(bk_scanner *sc, size_t i, const char *t, size_t n, size_t vs, size_t ve)
{
	const bk_rule *r = sc->rules[i];
	const char *w;
	size_t a, b;

	if (r->ncontext == 0)
		return NULL;
	a = back_chars(t, vs, r->distance);
	b = fwd_chars(t, n, ve, r->distance);
	w = find_context(sc, i, t, n, a, vs, ENDS_IN);
	return w != NULL ? w : find_context(sc, i, t, n, ve, b, STARTS_IN);
}

static void
note_limited(bk_scanner *sc, const bk_rule *r)
{
	for (size_t i = 0; i < sc->nlimited; i++)
		if (sc->limited[i] == r)
			return;
	if (bk__grow(&sc->limited, &sc->limcap, sc->nlimited + 1, sizeof *sc->limited) == BK_OK)
		sc->limited[sc->nlimited++] = r;
}

/* Judges one match of R: validator, context, confidence; keeps it as a hit. */
static bool
judge(bk_scanner *sc, const bk_rule *r, size_t order, const char *t, size_t n, size_t vs,
    size_t ve)
{
	unsigned why = BK_WHY_PATTERN;
	const char *ctx;
	enum bk_confidence conf;

	if (ve <= vs)
		return true;
	if (r->validator != NULL) {
		if (!r->validator->fn(t + vs, ve - vs))
			return true;
		why |= BK_WHY_VALIDATOR;
	}
	ctx = near_context(sc, order, t, n, vs, ve);
	if (ctx != NULL) {
		why |= BK_WHY_CONTEXT;
	} else if ((ctx = header_context(sc, order, n, bk_norm_origin(sc->norm, vs))) != NULL) {
		why |= BK_WHY_HEADER;
	}
	if (ctx == NULL && r->require_context)
		return true;
	conf = ctx != NULL ? r->context_confidence : r->confidence;
	if (conf < sc->min)
		return true;
	if (bk__grow(&sc->hits, &sc->hitcap, sc->nhits + 1, sizeof *sc->hits))
		return false;
	sc->hits[sc->nhits++] = (struct hit){ r, order, vs, ve, conf, why, ctx };
	return true;
}

/* Runs R's pattern over window W of T. */
static bool
match_window(bk_scanner *sc, const bk_rule *r, size_t order, const char *t, size_t n,
    const struct window *w)
{
	size_t end = w->end, off;

	/* Do not cut a number or word in two at the window's end. */
	while (end < n && (bk__is_digit(t[end]) || bk__is_alpha(t[end])))
		end++;
	off = char_start(t, w->start);
	while (off < end) {
		int rc = pcre2_match(r->code, (PCRE2_SPTR)t, end, off, 0, sc->md,
		    sc->matcher.mctx);

		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
		    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
			note_limited(sc, r);
			break;
		}
		if (rc < 0)
			break;
		PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);
		size_t ms = ov[0], me = ov[1], vs = ms, ve = me;

		if (r->value_group > 0 && (uint32_t)rc > r->value_group &&
		    ov[2 * r->value_group] != PCRE2_UNSET) {
			vs = ov[2 * r->value_group];
			ve = ov[2 * r->value_group + 1];
		}
		if (!judge(sc, r, order, t, n, vs, ve))
			return false;
		off = me > ms ? me : fwd_chars(t, end, ms, 1);
	}
	return true;
}

/* ---- a line ------------------------------------------------------------- */

static int
hit_cmp(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->confidence != y->confidence)
		return x->confidence > y->confidence ? -1 : 1;
	if (x->rule->severity != y->rule->severity)
		return x->rule->severity > y->rule->severity ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

int
bk_scanner_line(bk_scanner *sc, const char *line, size_t len, bk_finding_fn fn, void *ctx)
{
	const char *t;
	size_t n;

	if (sc->nrules == 0)
		return BK_OK;
	sc->line = line;
	sc->line_len = len;
	if (bk_norm_fold(sc->norm, line, len, &t, &n) != BK_OK)
		return BK_NOMEM;
	sc->indexed = false;	/* the context index is built when first asked */
	sc->cells_ready = false;
	if (!find_groups(sc, t, n))
		return BK_NOMEM;
	for (size_t k = 0; k < sc->nsets; k++)
		sc->sets[k].built = false;
	sc->nhits = 0;
	plan_line(sc, t, n);
	for (size_t a = 0; a < sc->nactive; a++) {
		size_t i = sc->active[a];
		const bk_rule *r = sc->rules[i];

		if (!windows_for(sc, i, t, n))
			return BK_NOMEM;
		for (size_t w = 0; w < sc->nwins; w++)
			if (!match_window(sc, r, i, t, n, &sc->wins[w]))
				return BK_NOMEM;
	}
	if (sc->nhits == 0)
		return BK_OK;
	qsort(sc->hits, sc->nhits, sizeof *sc->hits, hit_cmp);
	for (size_t i = 0; i < sc->nhits; i++) {
		const struct hit *h = &sc->hits[i];
		struct bk_finding f;
		int rc;

		/* The same bytes claimed twice (two windows, or two rules): the first is best. */
		if (i > 0 && h->start == sc->hits[i - 1].start && h->end == sc->hits[i - 1].end)
			continue;
		f.rule = h->rule;
		f.start = bk_norm_origin(sc->norm, h->start);
		f.end = bk_norm_origin(sc->norm, h->end);
		f.value = t + h->start;
		f.value_len = h->end - h->start;
		f.confidence = h->confidence;
		f.why = h->why;
		f.context = h->context;
		if ((rc = fn(ctx, &f)) != 0)
			return rc;
	}
	return BK_OK;
}
