/*
 * summary.h - what one file holds: findings per rule and how many distinct
 * values, for bk-scan --summary and the file-server sweep (--min-count).
 *
 * Distinct values are counted exactly by a 64-bit hash of each value's
 * canonical form (privacy.h), held in a set of at most BK_SUMMARY_MAX_DISTINCT
 * entries per file so memory stays bounded; past that the count is a lower
 * bound and says so (capped).
 */
#ifndef BK_SUMMARY_H
#define BK_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "base.h"
#include "scan.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BK_SUMMARY_MAX_DISTINCT ((size_t)1 << 20)

typedef struct bk_summary bk_summary;

struct bk_summary_rule {
	const bk_rule *rule;
	uint64_t findings;
	uint64_t distinct;
};

/* An empty summary; NULL on OOM. */
bk_summary *bk_summary_new(void);

/* Accepts NULL. */
void bk_summary_free(bk_summary *s);

/* Starts counting a new file (the rules' order is first appearance). */
void bk_summary_reset(bk_summary *s);

/* Counts a line read. */
void bk_summary_line(bk_summary *s);

/* Counts a finding. BK_OK or BK_NOMEM. */
int bk_summary_add(bk_summary *s, const struct bk_finding *f);

uint64_t bk_summary_lines(const bk_summary *s);
uint64_t bk_summary_findings(const bk_summary *s);
/* Distinct values over all rules (a value found by two rules counts twice). */
uint64_t bk_summary_distinct(const bk_summary *s);
/* True when the distinct set filled up and the counts are lower bounds. */
bool bk_summary_capped(const bk_summary *s);

/* The rules with findings, in order of first finding; *N receives the count. */
const struct bk_summary_rule *bk_summary_rules(const bk_summary *s, size_t *n);

#ifdef __cplusplus
}
#endif
#endif /* BK_SUMMARY_H */
