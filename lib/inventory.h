/*
 * inventory.h - what an export holds: personal-data columns, rows, and how
 * many distinct people.
 *
 * "How many people does this breach affect" is the first question after a
 * leak. An inventory takes the rows an export reader (export.h) delivers and
 * scans each row with the personal-data rules (scan.h), its column names
 * given as the header (so 氏名 or 基礎年金番号 above a column count as context,
 * as they do for a CSV file in bk-scan). From the findings it keeps, per
 * table: rows, rows holding any personal data, findings per rule, and per
 * column how many non-empty values each rule found; a column's class is the
 * category of the rule that found at least half of its values, or, failing
 * that, of a rule one of whose context words names the column (氏名, dob).
 *
 * A data subject is counted by the strongest identifier of the row, in the
 * order national id (My Number, SSN, passport...) > basic pension number >
 * email > phone > name with date of birth, under a kind that is the same
 * across tables and files ("jp.pension_number", "email", "phone",
 * "name+date_of_birth", or the national id rule's id), so duplicate rows and
 * the same person in another table or file count once. A person known by a
 * pension number in one table and only by an email in another is counted
 * twice: identifiers of different kinds are not linked. Values are reduced to
 * a canonical form (phone numbers to international digits, dates to
 * YYYYMMDD, era dates included) and hashed: with a key (privacy.h) when one
 * is set, so counts can be merged with other machines' (bk_distinct, exact up
 * to a bound and HyperLogLog beyond).
 */
#ifndef BK_INVENTORY_H
#define BK_INVENTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base.h"
#include "export.h"
#include "privacy.h"
#include "rules.h"
#include "sketch.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A column's class is kept when its rule found at least this share of the values. */
#define BK_INVENTORY_MIN_SUPPORT 0.5

typedef struct bk_inventory bk_inventory;

struct bk_inventory_column {
	const char *name;	/* NUL-terminated UTF-8 */
	size_t index;		/* 0-based position in the table */
	const char *category;	/* the rule's category, NULL when not personal */
	const bk_rule *rule;	/* the rule that decided, NULL when not personal */
	double support;		/* share of non-empty values found; 1.0 when decided by the header */
	bool by_header;
	uint64_t values;	/* non-empty values */
};

struct bk_inventory_kind {
	const char *id;		/* a rule id */
	uint64_t count;		/* values it found */
};

struct bk_inventory_table {
	const char *table;	/* NULL for CSV and NDJSON */
	uint64_t rows, rows_with_pii;
	size_t ncols;
	const struct bk_inventory_column *cols;
	size_t nkinds;		/* rules that found anything, in rule order */
	const struct bk_inventory_kind *kinds;
	uint64_t subjects;	/* distinct subjects in this table */
	bool subjects_exact;
	double subjects_error;
};

/*
 * An inventory over the rules of RS (which must outlive it), counting
 * subjects exactly up to EXACT_MAX per counter and with HyperLogLogs of
 * 2^PRECISION registers beyond. NULL on OOM.
 */
bk_inventory *bk_inventory_new(const bk_ruleset *rs, size_t exact_max, unsigned precision);

/* Accepts NULL. */
void bk_inventory_free(bk_inventory *inv);

/*
 * Hashes subject identifiers with H's key from now on (H must outlive the
 * inventory): the hashes are the first 64 bits of bk_hasher_hash(), so
 * counts from machines sharing the key merge. Set before the first row.
 */
void bk_inventory_set_hasher(bk_inventory *inv, const bk_hasher *h);

/*
 * Scans rows on N - 1 more threads (at most one more for now; N < 2: none,
 * the default) as well as on the caller's, which also reads the rows and
 * counts them (a batch of rows at a time, see inventory.c; the figures are
 * the same as without threads). Set before the first row. The counts are then complete only after
 * bk_inventory_end or bk_inventory_table. BK_OK, BK_NOMEM, or BK_ERROR when
 * no thread could be started (rows are then scanned on the caller's).
 */
int bk_inventory_set_threads(bk_inventory *inv, unsigned n);

/*
 * Counts every row given so far (a no-op without threads): call at the end
 * of an input before reading its totals. BK_OK, or BK_NOMEM when counting a
 * row ran out of memory.
 */
int bk_inventory_end(bk_inventory *inv);

/* Starts an input: forgets the tables of the last one (the run's totals stay). */
void bk_inventory_begin(bk_inventory *inv);

/*
 * Takes one row (a bk_export_row_fn: pass the inventory as CTX). Returns
 * BK_OK or BK_NOMEM.
 */
int bk_inventory_row(void *inv, const struct bk_export_row *row);

/* Tables of the current input, in order of first appearance. */
size_t bk_inventory_ntables(const bk_inventory *inv);

/*
 * Table I of the current input with its columns classified, into *OUT,
 * valid until the next row or begin. BK_OK or BK_NOMEM.
 */
int bk_inventory_table(bk_inventory *inv, size_t i, struct bk_inventory_table *out);

/* Totals of the run: inputs begun, tables and rows seen. */
uint64_t bk_inventory_total_tables(const bk_inventory *inv);
uint64_t bk_inventory_total_rows(const bk_inventory *inv);

/* Distinct subjects over everything so far. */
const bk_distinct *bk_inventory_subjects(const bk_inventory *inv);

/*
 * Subject kinds seen so far, and the distinct identifiers of each (every
 * identifier of the kind that rows carried, not only the strongest).
 */
size_t bk_inventory_nkinds(const bk_inventory *inv);
const char *bk_inventory_kind_name(const bk_inventory *inv, size_t i);
const bk_distinct *bk_inventory_kind_count(const bk_inventory *inv, size_t i);

#ifdef __cplusplus
}
#endif
#endif /* BK_INVENTORY_H */
