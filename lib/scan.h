/*
 * scan.h - find personal data in lines of text with a rule set.
 *
 * Running every rule's regular expression over every byte is what makes
 * `grep -P` crawl at 60 MB/s. A scanner instead makes one cheap pass over a
 * line to find candidates (runs of digits, required literals such as '@' or
 * 〒, context words in non-ASCII lines) and runs a rule's PCRE2 pattern (JIT)
 * and validator only in a window around a candidate that rule can use. Lines
 * holding full-width forms or dash look-alikes are folded first (normalize.h)
 * and offsets are mapped back to the original bytes.
 *
 * A match becomes a finding when its validator passes; a context word within
 * the rule's distance (or the CSV column header, see bk_scanner_set_header)
 * raises it to the rule's context confidence; findings below the minimum
 * confidence are dropped before any work is spent on them where possible (a
 * rule that cannot reach the minimum is never run). Where several rules
 * claim the same bytes, the most confident (then most severe, then first
 * loaded) wins.
 */
#ifndef BK_SCAN_H
#define BK_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "rules.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bk_scanner bk_scanner;

/* Why a finding fired, for people: which checks passed and which context was seen. */
enum {
	BK_WHY_PATTERN = 1 << 0,	/* the pattern matched (always set) */
	BK_WHY_VALIDATOR = 1 << 1,	/* the rule's validator passed */
	BK_WHY_CONTEXT = 1 << 2,	/* a context word was near: see context */
	BK_WHY_HEADER = 1 << 3,		/* the CSV column's header is a context word */
};

struct bk_finding {
	const bk_rule *rule;
	size_t start, end;	/* the value's bytes in the original line */
	const char *value;	/* the value as matched, after folding (not NUL-terminated) */
	size_t value_len;
	enum bk_confidence confidence;
	unsigned why;		/* BK_WHY_* */
	const char *context;	/* the context word or header that raised it, or NULL */
};

/* Receives each finding of a line, in order of start; nonzero stops the line. */
typedef int (*bk_finding_fn)(void *ctx, const struct bk_finding *f);

/*
 * A scanner over the selected rules of RS (which must outlive it), keeping
 * findings of MIN confidence or more. NULL on OOM. A scanner is not shared
 * between threads: make one per thread.
 */
bk_scanner *bk_scanner_new(const bk_ruleset *rs, enum bk_confidence min);

/* Accepts NULL. */
void bk_scanner_free(bk_scanner *sc);

/*
 * Declares the next lines to be records of a delimited file whose header is
 * HEADER (LEN bytes, UTF-8) with fields separated by DELIM (',' or '\t';
 * RFC 4180 quoting understood): a finding in a column whose header contains a
 * rule's context word counts as having context. HEADER NULL ends it (a new
 * file). BK_OK or BK_NOMEM.
 */
int bk_scanner_set_header(bk_scanner *sc, const char *header, size_t len, char delim);

/*
 * Scans one line (UTF-8, without terminator; invalid bytes are tolerated)
 * and calls FN for each finding. Returns BK_OK, BK_NOMEM, or the nonzero
 * value FN returned.
 */
int bk_scanner_line(bk_scanner *sc, const char *line, size_t len, bk_finding_fn fn, void *ctx);

/*
 * Rules whose pattern hit PCRE2's match limit (catastrophic backtracking)
 * since the scanner was made; such a match is given up and scanning goes on.
 * *N receives the count of distinct rules; the tool warns once per rule.
 */
const bk_rule *const *bk_scanner_limited(const bk_scanner *sc, size_t *n);

#ifdef __cplusplus
}
#endif
#endif /* BK_SCAN_H */
