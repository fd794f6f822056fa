/*
 * rules.h - personal-data rules: read from plain-text files, compiled once.
 *
 * A rule file (patterns/pii/NAME.rules, UTF-8; a byte order mark and CRLF
 * line ends are tolerated) is a list of stanzas a person can read and extend
 * without recompiling:
 *
 *     # Comments start with '#'; blank lines are ignored.
 *     [jp.my_number]
 *     description = Individual Number (マイナンバー): 12 digits, check digit
 *     category    = national_id
 *     severity    = high
 *     confidence  = low
 *     pattern     = (?<![0-9])[0-9]{4}-?[0-9]{4}-?[0-9]{4}(?![0-9])
 *     validator   = my_number
 *     context     = マイナンバー 個人番号 "my number" mynumber
 *     distance    = 24
 *     example     = 個人番号: 1234-5678-9018
 *     counterexample = order 123456789018 shipped
 *
 * Lines: a line whose first non-blank character is '#' is a comment, blank
 * lines are ignored (neither ends a value), and white space is trimmed from
 * both ends of every line. A line starting with white space continues the
 * value before it: a pattern gets the continuation as it is, with nothing in
 * between (so "(?x)" decides what white space means, and a continuation
 * cannot start with '#': write "\#"); other values are joined with one
 * space. Lines being joined without a newline, a '#' comment in a (?x)
 * pattern runs to the end of the pattern: use (?#...) there. Keys are
 * written exactly as below.
 *
 * Keys:
 *   [ID]            starts a rule; ids are lowercase dotted words (a-z 0-9 _ .);
 *                   an id may appear once per file
 *   description     one line for people (required)
 *   category        national_id contact financial name address date_of_birth
 *                   network credential (required)
 *   severity        low medium high critical (required)
 *   confidence      low medium high: how sure a match is when the pattern and
 *                   the validator agree and no context word is near (default
 *                   medium)
 *   context-confidence  the same when a context word is near, or the CSV
 *                   column's header is one (default: one level above
 *                   confidence; never below it)
 *   require-context yes|no: without context there is no finding at all
 *                   (default no)
 *   pattern         a PCRE2 pattern (UTF, compiled with JIT), matched on text
 *                   after normalisation (normalize.h: full-width forms and
 *                   dash look-alikes folded to ASCII), which may hold invalid
 *                   UTF-8 (PCRE2_MATCH_INVALID_UTF: never an error). \d, \w
 *                   and \b are ASCII only and (*UCP) is refused: digits of
 *                   other scripts are not personal numbers here. Long
 *                   patterns can use (?x) and span lines. A named group
 *                   (?<value>...) marks the part that is the personal value;
 *                   otherwise the whole match is. A pattern that can match
 *                   an empty string is an error.
 *   validator       a built-in validator (validate.h), applied to the value
 *   context         words that count as context, separated by spaces (or the
 *                   ideographic space U+3000); "double quotes" for words with
 *                   spaces, \" and \\ inside them. Matched as plain
 *                   substrings of the normalised text, case-insensitively
 *                   for ASCII, without a tokenizer; so written as that text
 *                   reads ("番号:", not "番号："; the same for a trigger
 *                   literal), and the full-width form is an error.
 *   distance        how far (in characters, not bytes) before or after the
 *                   value a context word may start or end: 0 to 1024
 *                   (default 32)
 *   trigger         the cheap pre-check that decides where the pattern is
 *                   tried: "digits N[-M]" (1 to 64: a run of whole digit
 *                   groups holding N to M digits, one of - . / and space
 *                   between two groups; then optionally "sep" and the
 *                   separators allowed, from dash dot slash space paren,
 *                   or none (a single group);
 *                   "first 08", the digits the run may start with; "after
 *                   A-Z", the bytes that may come just before it ("after
 *                   A-Z A-Z": the two bytes before it); "groups N[-M]",
 *                   how many groups the run has; "whole",
 *                   the value is the run itself, validated before the
 *                   pattern runs, which needs a validator; at most 64
 *                   digits when no M is given), "literal TEXT"
 *                   (TEXT occurs in the line; "literal A|B" fires on any of
 *                   the alternatives), "context" (a context word occurs;
 *                   needs a context key), "nonascii" (the line has a byte
 *                   of 0x80 or more), or "always".
 *                   Default: derived from the pattern: the longest literal
 *                   every match holds if it is distinctive ('@', '〒', three
 *                   bytes or more), else "digits N" when every match holds
 *                   a run of N digits, else a weak literal ('-'), else always.
 *   example         a line the rule must find at medium confidence or above
 *   counterexample  a line it must not find at medium confidence or above
 *                   (both may repeat; `make check` runs every one)
 *
 * Errors name the file and line, and the rule when they are inside one
 * ("pii/jp.rules:14: rule jp.my_number: unknown key 'sevrity' (did you mean
 * 'severity'?)"; a missing key is reported at the [id] line, a pattern error
 * as "pattern error at offset N: ..." with N counted in bytes of the joined
 * pattern), in line order, and go to the error callback; the rule in error
 * is dropped, the rest of the file still loads, and the load call returns
 * BK_ERROR. A rule whose id was loaded by an earlier call (another file, or
 * the same file again) replaces the earlier one, so a user's --patterns
 * directory can override a shipped rule.
 */
#ifndef BK_RULES_H
#define BK_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "base.h"
#include "validate.h"

#ifdef __cplusplus
extern "C" {
#endif

enum bk_severity { BK_SEVERITY_LOW, BK_SEVERITY_MEDIUM, BK_SEVERITY_HIGH, BK_SEVERITY_CRITICAL };
enum bk_confidence { BK_CONFIDENCE_LOW = 1, BK_CONFIDENCE_MEDIUM, BK_CONFIDENCE_HIGH };
enum bk_trigger {
	BK_TRIGGER_DIGITS, BK_TRIGGER_LITERAL, BK_TRIGGER_CONTEXT, BK_TRIGGER_ALWAYS,
	BK_TRIGGER_NONASCII,	/* lines holding a byte >= 0x80 */
};

/* "low" ... "critical", "low" ... "high" ("unknown" out of range); and back (BK_OK or BK_ERROR). */
const char *bk_severity_name(enum bk_severity s);
const char *bk_confidence_name(enum bk_confidence c);
int bk_severity_parse(const char *name, enum bk_severity *s);
int bk_confidence_parse(const char *name, enum bk_confidence *c);

typedef struct bk_rule bk_rule;
typedef struct bk_ruleset bk_ruleset;

/*
 * Called once per problem; LINE is 0 for problems with the whole file, PATH
 * is NULL for problems that are not about a file (bk_ruleset_select).
 */
typedef void (*bk_rules_error_fn)(void *ctx, const char *path, unsigned long line,
    const char *message);

/* An empty set; NULL on OOM. */
bk_ruleset *bk_ruleset_new(void);

/* Accepts NULL. */
void bk_ruleset_free(bk_ruleset *rs);

/* Where problems are reported (default: nowhere; the load still fails). */
void bk_ruleset_on_error(bk_ruleset *rs, bk_rules_error_fn fn, void *ctx);

/*
 * Loads the rules of one file, of every *.rules file of a directory (in byte
 * order of the names, whatever the locale; hidden files and subdirectories
 * are not read, symlinks are followed), or of a string (NAME is used in
 * messages; for tests and embedded rules). BK_OK, BK_ERROR when anything was
 * reported, or BK_NOMEM (the set then holds what was loaded before).
 */
int bk_ruleset_load_file(bk_ruleset *rs, const char *path);
int bk_ruleset_load_dir(bk_ruleset *rs, const char *dir);
int bk_ruleset_load_string(bk_ruleset *rs, const char *name, const char *text, size_t len);

/*
 * Keeps only the rules LIST names: comma-separated fnmatch globs matched
 * against ids and category names ("jp.*,email,financial"); an item starting
 * with '-' removes what it matches ("-network"). An item that matches no rule
 * is an error (reported, BK_ERROR) so typos do not pass silently; the other
 * items still apply. A list of exclusions only starts from every rule, a
 * list with any inclusion starts from none; items apply left to right.
 */
int bk_ruleset_select(bk_ruleset *rs, const char *list);

/* The rules in use, in load order (replaced rules keep the earlier place). The set owns them. */
size_t bk_ruleset_count(const bk_ruleset *rs);
const bk_rule *bk_ruleset_rule(const bk_ruleset *rs, size_t i);

/* The rule with ID, or NULL. */
const bk_rule *bk_ruleset_find(const bk_ruleset *rs, const char *id);

const char *bk_rule_id(const bk_rule *r);
const char *bk_rule_description(const bk_rule *r);
const char *bk_rule_category(const bk_rule *r);
enum bk_severity bk_rule_severity(const bk_rule *r);
enum bk_confidence bk_rule_confidence(const bk_rule *r);
enum bk_confidence bk_rule_context_confidence(const bk_rule *r);
bool bk_rule_requires_context(const bk_rule *r);
const struct bk_validator *bk_rule_validator(const bk_rule *r);	/* NULL: none */
const char *bk_rule_pattern(const bk_rule *r);
enum bk_trigger bk_rule_trigger(const bk_rule *r);
/* The trigger as a rule file writes it: "digits 10-10 sep dash whole", "literal @", "context". */
const char *bk_rule_trigger_text(const bk_rule *r, char *buf, size_t size);
/* Where the rule was defined: "patterns/pii/jp.rules" and the line of its [id]. */
const char *bk_rule_file(const bk_rule *r);
unsigned long bk_rule_line(const bk_rule *r);
/* The rule's examples and counterexamples; *N receives the count (NULL when 0). */
const char *const *bk_rule_examples(const bk_rule *r, size_t *n);
const char *const *bk_rule_counterexamples(const bk_rule *r, size_t *n);

#ifdef __cplusplus
}
#endif
#endif /* BK_RULES_H */
