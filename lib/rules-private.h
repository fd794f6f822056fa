/*
 * rules-private.h - what the scan engine (scan.c) and the unit tests see of
 * a loaded rule; not installed.
 *
 * A ruleset is built once (load, then select) and is read-only afterwards,
 * so one set can be shared by every scanning thread: a compiled pcre2_code
 * (JIT code included) may be used by many threads at once. What is mutable
 * while matching lives with the caller, one per thread: the match data
 * (sized with bk__ruleset_max_captures) and a bk__matcher, which holds the
 * match context with this library's limits and a JIT stack.
 *
 * Every byte string here is what the engine compares with normalised text
 * (normalize.h), and every pattern is compiled with PCRE2_MATCH_INVALID_UTF,
 * so the subject may hold invalid UTF-8 and needs no check before matching.
 */
#ifndef BK_RULES_PRIVATE_H
#define BK_RULES_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef PCRE2_CODE_UNIT_WIDTH
#define PCRE2_CODE_UNIT_WIDTH 8
#endif
#include <pcre2.h>

#include "rules.h"

/* The longest literal a derived trigger keeps; any part of a required literal is required too. */
#define BK__LITERAL_MAX 64
/* The range of N in "trigger = digits N". */
#define BK__DIGITS_MAX 64
/* The range of "distance". */
#define BK__DISTANCE_MAX 1024
#define BK__DISTANCE_DEFAULT 32

/*
 * Where a rule's pattern is worth trying. The engine runs the pattern only
 * on lines that pass this cheap test:
 * - DIGITS: the line holds a run of whole digit groups (maximal runs of
 *   ASCII digits) joined by exactly one of '-', '.', '/', ' ' (or only those
 *   in SEPS when the rule file says so; "paren", '(' and ')', only then;
 *   "none": a single group),
 *   with DIGITS to MAX_DIGITS digits in all (no upper bound when 0). The
 *   rule file may narrow it further: FIRST, the digits the run may start
 *   with; AFTER, the bytes that may come just before it (AFTER2, those
 *   that may come before that one: an IBAN's two letters); MIN_GROUPS to
 *   MAX_GROUPS, the groups it has (a pension number's 4-6: two); WHOLE, the value
 *   is that run itself, so the validator is tried on it before the pattern.
 *   A derived N is a proven lower bound: every match of the pattern
 *   contains such a run, so an engine that allows more between digits (any
 *   number of separators) only tries more lines, never fewer.
 * - LITERAL: the line holds LITERAL (LEN bytes, byte for byte).
 * - CONTEXT: one of the rule's context words occurs (as the engine matches
 *   them: ASCII case-insensitively).
 * - ALWAYS: every line.
 * DERIVED says the rule file did not choose it (for --explain style output).
 */
/* Separators a digits trigger allows between two digits (default: all). */
enum {
	BK__SEP_DASH = 1 << 0,
	BK__SEP_DOT = 1 << 1,
	BK__SEP_SLASH = 1 << 2,
	BK__SEP_SPACE = 1 << 3,
	BK__SEP_ALL = 0xf,
	BK__SEP_PAREN = 1 << 4,	/* '(' and ')': only when named */
	BK__SEP_NONE = 1 << 5,	/* "sep none": no byte joins groups (no other bit with it) */
};

struct bk__trigger {
	enum bk_trigger kind;
	unsigned digits;
	unsigned max_digits;	/* DIGITS: runs with more are not candidates; 0: no bound */
	unsigned seps;		/* DIGITS: BK__SEP_* a run may have between digits */
	bool whole;		/* DIGITS: the value is whole digit groups: validate them first */
	unsigned min_groups, max_groups;	/* DIGITS: how many groups the run has (0: any) */
	uint16_t first;		/* DIGITS: bit D set: the run may start with digit D; 0: any */
	uint8_t after[32];	/* DIGITS: bytes that may precede the run; all zero: any */
	uint8_t after2[32];	/* DIGITS: and the byte before that one ("after A-Z A-Z") */
	bool has_after, has_after2;
	char *literal;		/* NUL-terminated too, for messages */
	size_t len;
	bool derived;
};

/*
 * A context word as written (UTF-8, at least one byte) and an ASCII-lowercased
 * copy of the same length: the engine lowercases the subject's ASCII letters
 * on the fly and compares with LOWER, which makes "My Number" find "MY NUMBER"
 * and leaves every non-ASCII byte exact (there is no case in kanji).
 */
struct bk__context_word {
	char *word;
	char *lower;
	size_t len;
};

struct bk_rule {
	char *id;
	char *description;
	const char *category;	/* one of the static category names */
	enum bk_severity severity;
	enum bk_confidence confidence;
	enum bk_confidence context_confidence;
	bool require_context;
	const struct bk_validator *validator;	/* NULL: none */

	char *pattern;		/* the source, continuation lines joined */
	pcre2_code *code;
	bool jit;		/* JIT code exists (PCRE2_INFO_JITSIZE > 0) */
	uint32_t value_group;	/* the (?<value>...) group's number; 0: the whole match */
	uint32_t captures;	/* PCRE2_INFO_CAPTURECOUNT */
	uint32_t max_lookbehind;	/* characters a match may look back before its start */
	unsigned reach;		/* the longest match in bytes; 0: unbounded or not known */

	struct bk__trigger trigger;
	struct bk__context_word *context;
	size_t ncontext;
	unsigned distance;	/* in characters */

	char **examples;
	size_t nexamples;
	char **counterexamples;
	size_t ncounterexamples;

	const char *file;	/* owned by the ruleset: shared by the rules of one file */
	unsigned long line;	/* of the [id] */
};

/*
 * Match limits. A rule that backtracks catastrophically on some line hits
 * BK__MATCH_LIMIT (pcre2_match returns PCRE2_ERROR_MATCHLIMIT after a few
 * milliseconds) and the engine warns once with the rule's id and goes on.
 * The heap limit bounds the interpreter's backtracking memory per thread, so
 * peak memory stays bounded with -j; JIT uses its stack instead, which
 * starts small and may grow to BK__JIT_STACK_MAX.
 */
#define BK__MATCH_LIMIT 1000000u
#define BK__HEAP_LIMIT_KIB 8192u
#define BK__JIT_STACK_MIN (32u << 10)
#define BK__JIT_STACK_MAX (1u << 20)

/* One per matching thread: zero-initialise, init, and fini when done. */
struct bk__matcher {
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit_stack;	/* NULL when JIT is unavailable */
};

/* BK_OK or BK_NOMEM (M is then empty and fini is still safe). */
int bk__matcher_init(struct bk__matcher *m);
void bk__matcher_fini(struct bk__matcher *m);

/*
 * The highest capture count among the rules in use: match data created with
 * pcre2_match_data_create(max + 1, NULL) serves every rule of the set.
 */
uint32_t bk__ruleset_max_captures(const bk_ruleset *rs);

/*
 * The trigger derived for PATTERN (not compiled: the caller compiled CODE
 * from it with the library's options). Exposed for the unit tests; T's
 * literal is allocated (bk__trigger_fini frees it). BK_OK or BK_NOMEM.
 */
int bk__trigger_derive(const char *pattern, const pcre2_code *code, struct bk__trigger *t);

/*
 * The most bytes a match of PATTERN can span (lookarounds excluded), from the
 * same parse: 0 when it is unbounded or the parser cannot tell. The scanner
 * uses it to size the window it runs the pattern in around a trigger.
 */
unsigned bk__pattern_reach(const char *pattern);
void bk__trigger_fini(struct bk__trigger *t);

/* The options every rule pattern is compiled with. */
#define BK__PCRE2_OPTIONS \
	(PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_NEVER_UCP | PCRE2_NEVER_BACKSLASH_C)

#endif /* BK_RULES_PRIVATE_H */
