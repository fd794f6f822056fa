/*
 * inventory-private.h - scanning a row of an export cell by cell (for
 * inventory.c); not installed.
 *
 * inventory.c lays a row out as one line, its cells in column order with a
 * tab between, and the scanner reads it with the table's column names as
 * its CSV header. Read so, every rule runs over the whole row: a rule that
 * only reports next to a context word (a date of birth, a name) wakes up for
 * every digit or kanji of the row as soon as one column is named 生年月日 or
 * 氏名, though it can only report in that column. Most rows of an export hold
 * no context word at all (the header says what the columns are), and for
 * those the row's findings are exactly the findings of its cells read one
 * by one, each under its own column name:
 *
 *   - no digit run, literal or match of the rules crosses a tab (a tab is
 *     no separator of a digit run, and no shipped pattern matches or looks
 *     past one; a user's pattern that did is the one way the two readings
 *     could part), so a value lies in one cell and is found from it alone;
 *   - without a context word in the row, a rule that needs context reports
 *     only under a column whose name is one of its words, and the scanner
 *     decides that from the column the value is in;
 *   - a rule triggered by context runs over the whole row when any column
 *     is named by one of its words, so such columns' names are kept in the
 *     header of every cell's scanner;
 *   - a context word that only raises a rule's confidence changes nothing
 *     an inventory counts, unless two rules may claim the same bytes of a
 *     cell (the more confident one wins).
 *
 * So a cell is handed to a scanner over just the rules that can report in
 * its column and may fire on its bytes (a digit run of the right shape, a
 * literal, a byte of another script), whose header is its column's name
 * (and those names); a cell no rule can report in costs a look at its bytes
 * and nothing more, and a cell read before in the same column costs a
 * lookup. A row with a context word that matters, or needing a scanner when
 * as many are kept as may be, is scanned whole, as before. The findings
 * handed on are the whole row's (rule, bytes, value); the confidence may be
 * lower where a word that only raises it was not looked for.
 */
#ifndef BK_INVENTORY_PRIVATE_H
#define BK_INVENTORY_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "rules.h"
#include "scan.h"

typedef struct bk__cells bk__cells;

/*
 * A cell reader over the rules of RS (which must outlive it) for findings
 * of MIN confidence or more, as bk_scanner_new. NULL on OOM.
 */
bk__cells *bk__cells_new(const bk_ruleset *rs, enum bk_confidence min);

/* Accepts NULL. */
void bk__cells_free(bk__cells *cs);

/*
 * Prepares for the rows of a table whose header is HDR (LEN bytes: the
 * column names with a tab between, none holding a tab or a quote, as given
 * to bk_scanner_set_header). BK_OK, or BK_NOMEM.
 */
int bk__cells_table(bk__cells *cs, const char *hdr, size_t len);

/*
 * Scans the row LINE (LEN bytes: NCOLS cells in the order of the header,
 * cell C at OFF[C] for CLEN[C] bytes, one tab between, no tab or quote in a
 * cell) and calls FN for each finding, its offsets in LINE, as
 * bk_scanner_line would with the table's header (see above for the
 * confidence). When the row cannot be
 * read cell by cell, nothing is scanned and *WHOLE is set: the caller scans
 * the row itself. Returns BK_OK, BK_NOMEM, or the nonzero value FN returned.
 */
int bk__cells_row(bk__cells *cs, const char *line, size_t len, const size_t *off,
    const size_t *clen, size_t ncols, bk_finding_fn fn, void *ctx, bool *whole);

#endif /* BK_INVENTORY_PRIVATE_H */
