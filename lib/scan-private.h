/*
 * scan-private.h - what other library modules see of the scan engine beyond
 * scan.h; not installed.
 *
 * inventory-cells.c reads an export cell by cell, and for each kind of cell
 * only a few rules can fire (a pension number column's cells wake the
 * pension rule and nothing else): a scanner over just those rules skips the
 * per-rule work of all the others on every cell. And it has already made
 * sure that no context word is in the row, so the scanner need not look.
 */
#ifndef BK_SCAN_PRIVATE_H
#define BK_SCAN_PRIVATE_H

#include <stdbool.h>

#include "scan.h"

/*
 * As bk_scanner_new, over only the rules I of RS (in bk_ruleset_rule order)
 * with USE[I] set; USE NULL: all of them. A rule left out costs nothing and
 * finds nothing; the others find what a full scanner would have them find,
 * except where a rule left out would have claimed the same bytes and won.
 */
bk_scanner *bk__scanner_new_subset(const bk_ruleset *rs, enum bk_confidence min, const bool *use);

/*
 * With ON, reads the lines that follow as if no context word were in them:
 * only a column of the header gives context (the caller has looked for the
 * words that could change a finding and found none), and the scanner spends
 * nothing looking for them.
 */
void bk__scanner_no_context(bk_scanner *sc, bool on);

#endif /* BK_SCAN_PRIVATE_H */
