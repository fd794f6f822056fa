/*
 * test_inventory.c - unit tests of lib/inventory.c over the shipped rules:
 * column classes decided by values and by header names, rows with personal
 * data, values per rule, and distinct subjects by the strongest identifier
 * (duplicates and other tables count once; phones and dates in other
 * spellings agree), keyed hashes included; and the cell-by-cell reading of
 * inventory-cells.c against the whole row's.
 */
#include "testutil.h"

#include "export.h"
#include "inventory.h"
#include "inventory-private.h"
#include "scan.h"

static bk_ruleset *rules;

static int
setup(void **state)
{
	(void)state;
	tu_setup_dir(state);
	rules = bk_ruleset_new();
	assert_non_null(rules);
	assert_int_equal(bk_ruleset_load_dir(rules, BK_SRCDIR "/patterns/pii"), BK_OK);
	return 0;
}

static int
teardown(void **state)
{
	bk_ruleset_free(rules);
	return tu_teardown_dir(state);
}

/* Reads TEXT as one input into INV. */
static void
feed(bk_inventory *inv, const char *text)
{
	char *path = tu_write(tu_dir, "in", text, strlen(text));
	bk_input *in = bk_input_new();
	bk_export *x = bk_export_new();

	assert_int_equal(bk_input_open(in, path), BK_OK);
	bk_inventory_begin(inv);
	assert_int_equal(bk_export_read(x, in, BK_EXPORT_AUTO, BK_CHARSET_AUTO, bk_inventory_row,
	    NULL, inv), BK_OK);
	bk_export_free(x);
	bk_input_free(in);
	free(path);
}

static const char persons[] =
    "id,氏名,生年月日,基礎年金番号,電話,連絡先メモ,note\n"
    "1,山田 太郎,1970/03/01,4120-385617,090-3817-2946,,a\n"
    "2,佐藤 花子,昭和45年3月1日,1032-784512,03-3581-4321,x,b\n"
    "3,山田 太郎,1970-03-01,4120-385617,+81 90 3817 2946,,c\n"
    "4,鈴木 一郎,S45.3.1,,080-5172-3094,,d\n";

static void
test_classes(void **state)
{
	bk_inventory *inv = bk_inventory_new(rules, 1000, 14);
	struct bk_inventory_table t;

	(void)state;
	feed(inv, persons);
	assert_int_equal(bk_inventory_ntables(inv), 1);
	assert_int_equal(bk_inventory_table(inv, 0, &t), BK_OK);
	assert_null(t.table);
	assert_int_equal(t.rows, 4);
	assert_int_equal(t.rows_with_pii, 4);
	assert_int_equal(t.ncols, 7);
	assert_null(t.cols[0].category);
	assert_string_equal(t.cols[1].category, "name");
	assert_string_equal(bk_rule_id(t.cols[2].rule), "jp.date_of_birth");
	assert_string_equal(bk_rule_id(t.cols[3].rule), "jp.pension_number");
	assert_true(t.cols[3].support == 1.0 && !t.cols[3].by_header);
	assert_int_equal(t.cols[3].values, 3);
	assert_string_equal(bk_rule_id(t.cols[4].rule), "jp.phone");
	/* one value that is not a contact, but the header says 連絡先 */
	assert_string_equal(t.cols[5].category, "contact");
	assert_true(t.cols[5].by_header);
	assert_null(t.cols[6].category);
	/* Rows 1 and 3 are one person (pension number); 2 another; 4 by phone. */
	assert_int_equal(t.subjects, 3);
	assert_true(t.subjects_exact);
	bk_inventory_free(inv);
}

static void
test_across_inputs(void **state)
{
	bk_inventory *inv = bk_inventory_new(rules, 1000, 14);

	(void)state;
	feed(inv, persons);
	/* The same people in a dump: counted once; a new email is a new person. */
	feed(inv, "CREATE TABLE p (kiso_nenkin_no text, email text);\n"
	    "INSERT INTO p VALUES ('4120385617','t@example.jp'),('1032-784512',NULL),"
	    "(NULL,'new@example.jp');\n");
	assert_int_equal(bk_inventory_total_tables(inv), 2);
	assert_int_equal(bk_inventory_total_rows(inv), 7);
	assert_int_equal(bk_distinct_count(bk_inventory_subjects(inv)), 4);
	assert_int_equal(bk_inventory_nkinds(inv), 4);
	for (size_t k = 0; k < bk_inventory_nkinds(inv); k++) {
		const char *name = bk_inventory_kind_name(inv, k);
		uint64_t n = bk_distinct_count(bk_inventory_kind_count(inv, k));

		if (strcmp(name, "jp.pension_number") == 0)
			assert_int_equal(n, 2);
		else if (strcmp(name, "phone") == 0)
			assert_int_equal(n, 3);	/* +81 90 3817 2946 is 090-3817-2946 */
		else if (strcmp(name, "email") == 0)
			assert_int_equal(n, 2);
		else if (strcmp(name, "name+date_of_birth") == 0)
			assert_int_equal(n, 3);	/* 昭和45年3月1日 is 1970/03/01 */
		else
			fail_msg("unexpected kind %s", name);
	}
	bk_inventory_free(inv);
}

static void
test_keyed(void **state)
{
	char *key = tu_write(tu_dir, "key", "0123456789abcdef0123", 20);
	bk_hasher *h = bk_hasher_new();
	bk_inventory *a = bk_inventory_new(rules, 1000, 14);
	bk_inventory *b = bk_inventory_new(rules, 1000, 14);

	(void)state;
	assert_int_equal(bk_hasher_load_key(h, key), BK_OK);
	bk_inventory_set_hasher(a, h);
	bk_inventory_set_hasher(b, h);
	feed(a, persons);
	feed(b, "基礎年金番号,email\n4120-385617,z@example.jp\n5820-194736,\n");
	/* Merged, the counters count the union: 3 + 1 new. */
	bk_distinct *all = bk_distinct_new(1000, 14);
	char *s = bk_distinct_encode(bk_inventory_subjects(b));
	assert_int_equal(bk_distinct_merge(all, bk_inventory_subjects(a)), BK_OK);
	assert_int_equal(bk_distinct_decode(all, s, strlen(s)), BK_OK);
	assert_int_equal(bk_distinct_count(all), 4);
	free(s);
	bk_distinct_free(all);
	bk_inventory_free(a);
	bk_inventory_free(b);
	bk_hasher_free(h);
	free(key);
}

/* A and B read the same input: every figure of every table must agree. */
static void
assert_same(bk_inventory *a, bk_inventory *b)
{
	assert_int_equal(bk_inventory_ntables(a), bk_inventory_ntables(b));
	for (size_t i = 0; i < bk_inventory_ntables(a); i++) {
		struct bk_inventory_table ta, tb;

		assert_int_equal(bk_inventory_table(a, i, &ta), BK_OK);
		assert_int_equal(bk_inventory_table(b, i, &tb), BK_OK);
		assert_int_equal(ta.rows, tb.rows);
		assert_int_equal(ta.rows_with_pii, tb.rows_with_pii);
		assert_int_equal(ta.subjects, tb.subjects);
		assert_int_equal(ta.ncols, tb.ncols);
		for (size_t c = 0; c < ta.ncols; c++) {
			assert_ptr_equal(ta.cols[c].rule, tb.cols[c].rule);
			assert_true(ta.cols[c].support == tb.cols[c].support);
			assert_int_equal(ta.cols[c].values, tb.cols[c].values);
		}
		assert_int_equal(ta.nkinds, tb.nkinds);
		for (size_t k = 0; k < ta.nkinds; k++) {
			assert_string_equal(ta.kinds[k].id, tb.kinds[k].id);
			assert_int_equal(ta.kinds[k].count, tb.kinds[k].count);
		}
	}
	assert_int_equal(bk_inventory_end(a), BK_OK);
	assert_int_equal(bk_inventory_end(b), BK_OK);
	assert_int_equal(bk_distinct_count(bk_inventory_subjects(a)),
	    bk_distinct_count(bk_inventory_subjects(b)));
	assert_int_equal(bk_inventory_nkinds(a), bk_inventory_nkinds(b));
}

/*
 * Rows scanned on a second thread count as on one: thousands of rows (many
 * batches), repeated cells (the memo), rows with a context word in another
 * column (read whole), and a dump switching between two tables.
 */
static void
test_threads(void **state)
{
	static const char *const notes[] = { "a", "電話で受付", "mail", "b", "" };
	size_t cap = 1 << 20, n = 0;
	char *csv = malloc(cap), *sql = malloc(cap);
	bk_inventory *one = bk_inventory_new(rules, 1000, 14);
	bk_inventory *two = bk_inventory_new(rules, 1000, 14);

	(void)state;
	assert_non_null(csv);
	assert_non_null(sql);
	assert_int_equal(bk_inventory_set_threads(two, 2), BK_OK);
	n = (size_t)snprintf(csv, cap, "id,氏名,生年月日,基礎年金番号,電話,連絡先メモ,note\n");
	for (int i = 0; i < 3000; i++)
		n += (size_t)snprintf(csv + n, cap - n, "%d,山田 %s,1970/03/%02d,4120-385617,"
		    "090-3817-%04d,,%s\n", i, i % 3 == 0 ? "太郎" : "花子", 1 + i % 28, 1000 + i % 7000,
		    notes[i % 5]);
	n = (size_t)snprintf(sql, cap, "CREATE TABLE p (kiso_nenkin_no text, email text);\n"
	    "CREATE TABLE q (tel text, note text);\n");
	for (int i = 0; i < 1500; i++)
		n += (size_t)snprintf(sql + n, cap - n, i % 2 == 0 ?
		    "INSERT INTO p VALUES ('4120385617','u%d@example.jp');\n" :
		    "INSERT INTO q VALUES ('03-3581-%04d','x');\n", 1000 + i);
	feed(one, csv);
	feed(two, csv);
	assert_same(one, two);
	feed(one, sql);
	feed(two, sql);
	assert_same(one, two);
	bk_inventory_free(one);
	bk_inventory_free(two);
	free(csv);
	free(sql);
}

/* ---- cell by cell as the whole row -------------------------------------- */

struct fnd {
	const bk_rule *rule;
	size_t start, end;
	char value[96];
	size_t vlen;
};

struct fnds {
	struct fnd f[64];
	size_t n;
};

static int
collect(void *ctx, const struct bk_finding *f)
{
	struct fnds *l = ctx;
	struct fnd *o = &l->f[l->n];

	assert_true(l->n < 64);
	assert_true(f->value_len <= sizeof o->value);
	*o = (struct fnd){ f->rule, f->start, f->end, { 0 }, f->value_len };
	memcpy(o->value, f->value, f->value_len);
	l->n++;
	return 0;
}

static int
fnd_cmp(const void *a, const void *b)
{
	const struct fnd *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return strcmp(bk_rule_id(x->rule), bk_rule_id(y->rule));
}

/* Pieces of cells: every shape and script the cell reader plans by, and the traps. */
static const char *const pieces[] = {
	"4120-385617", "1032-784512", "4120385617", "１２３４－５６７８９０", "090-3817-2946",
	"０９０－３８１７－２９４６", "09038172946", "03-3581-4321", "+81 90 3817 2946",
	"(045)212-3456", "u1@example.jp", "a%40b.example.jp", "東京都千代田区1-2-3",
	"大阪府大阪市北区8-11-21", "北海道札幌市", "昭和45年3月1日", "平成元年1月8日", "1970/03/01",
	"S45.3.1", "山田 太郎", "ヤマダ タロウ", "受付 17991163, 窓口", "\xe5\xb9", "\xff\xfe",
	"〒100-0001", "$2y$10$abcdefghijklmnopqrstuv", "AKIAABCDEFGHIJKLMNOP", "3915-0427-6812",
	"8010401082455", "TK3095821", "AB30918472CD", "192.168.1.10", "4111 1111 1111 1111",
	"123-45-6789", "x", "ー", "12", "1-2-3-4-5-6-7", "2015-05-08 10:12:41",
};

/* Context words, some behind a lead byte whose character never came: rarer, they send rows back. */
static const char *const words[] = {
	"電話", "年金番号", "氏名", "tel", "TEL", "Phone", "\xe3tel", "password=hunter2",
	"\xe3\xe5\xb9\xb4\xe9\x87\x91\xe7\x95\xaa\xe5\x8f\xb7", "個人番号", "マイナンバー",
};

static const char *const seps[] = { "", " ", "-", "/", "、", "." };

/* A cell of up to three pieces from SEED's generator, into BUF. */
static size_t
make_cell(unsigned *seed, char *buf, size_t cap)
{
	size_t n = 0, np = sizeof pieces / sizeof pieces[0];
	unsigned k = (*seed = *seed * 1103515245u + 12345u) >> 16 & 3;

	for (unsigned i = 0; i < k; i++) {
		unsigned r = (*seed = *seed * 1103515245u + 12345u) >> 8;
		const char *p = pieces[r % np], *s = seps[(r >> 12) % 6];

		if ((r >> 16) % 40 == 0)
			p = words[(r >> 6) % (sizeof words / sizeof words[0])];

		if (i > 0 && n + strlen(s) < cap) {
			memcpy(buf + n, s, strlen(s));
			n += strlen(s);
		}
		if (n + strlen(p) < cap) {
			memcpy(buf + n, p, strlen(p));
			n += strlen(p);
		}
	}
	return n;
}

/*
 * Rows of random cells under several headers: the cell reader's findings
 * (or the whole row's, when it sends the row back) are the whole row's.
 * Cells repeat within a column half of the time, so the memo and the plan
 * memo answer too; the headers switch, so both are dropped with the table.
 */
static void
test_cells_as_whole(void **state)
{
	static const char *const headers[] = {
		"id\t氏名\t生年月日\t基礎年金番号\t電話番号\tメールアドレス\t住所\t備考",
		"a\tb\tc\td",
		"password\tnote\ttel\temail",
		"kiso_nenkin_no\tmynumber\tname\tmemo",
	};
	bk_scanner *sc = bk_scanner_new(rules, BK_CONFIDENCE_MEDIUM);
	bk__cells *cs = bk__cells_new(rules, BK_CONFIDENCE_MEDIUM);
	static char pool[8][16][128];
	static size_t plen[8][16];
	unsigned seed = 4711;
	size_t by_cells = 0, rows = 0;

	(void)state;
	assert_non_null(sc);
	assert_non_null(cs);
	for (int round = 0; round < 2; round++)
	for (size_t h = 0; h < sizeof headers / sizeof headers[0]; h++) {
		const char *hdr = headers[h];
		size_t ncols = 1;

		for (const char *p = hdr; *p != '\0'; p++)
			ncols += *p == '\t';
		assert_int_equal(bk_scanner_set_header(sc, hdr, strlen(hdr), '\t'), BK_OK);
		assert_int_equal(bk__cells_table(cs, hdr, strlen(hdr)), BK_OK);
		for (size_t c = 0; c < ncols; c++)
			for (size_t k = 0; k < 16; k++)
				plen[c][k] = make_cell(&seed, pool[c][k], sizeof pool[c][k]);
		for (int row = 0; row < 3000; row++) {
			char line[1024];
			size_t off[8], clen[8], len = 0;
			struct fnds whole = { .n = 0 }, cells = { .n = 0 };
			bool back;

			for (size_t c = 0; c < ncols; c++) {
				char cell[128];
				size_t n;
				unsigned r = (seed = seed * 1103515245u + 12345u) >> 16;

				if (r & 1) {
					n = plen[c][(r >> 1) % 16];
					memcpy(cell, pool[c][(r >> 1) % 16], n);
				} else {
					n = make_cell(&seed, cell, sizeof cell);
				}
				if (c > 0)
					line[len++] = '\t';
				off[c] = len;
				clen[c] = n;
				memcpy(line + len, cell, n);
				len += n;
			}
			assert_int_equal(bk_scanner_line(sc, line, len, collect, &whole), BK_OK);
			assert_int_equal(bk__cells_row(cs, line, len, off, clen, ncols, collect, &cells,
			    &back), BK_OK);
			if (back)
				assert_int_equal(bk_scanner_line(sc, line, len, collect, &cells), BK_OK);
			else
				by_cells++;
			rows++;
			qsort(whole.f, whole.n, sizeof whole.f[0], fnd_cmp);
			qsort(cells.f, cells.n, sizeof cells.f[0], fnd_cmp);
			if (whole.n != cells.n)
				fail_msg("row %.*s: %zu findings whole, %zu by cells", (int)len, line,
				    whole.n, cells.n);
			for (size_t i = 0; i < whole.n; i++) {
				const struct fnd *a = &whole.f[i], *b = &cells.f[i];

				if (a->rule != b->rule || a->start != b->start || a->end != b->end ||
				    a->vlen != b->vlen || memcmp(a->value, b->value, a->vlen) != 0)
					fail_msg("row %.*s: %s at %zu-%zu whole, %s at %zu-%zu by cells",
					    (int)len, line, bk_rule_id(a->rule), a->start, a->end,
					    bk_rule_id(b->rule), b->start, b->end);
			}
		}
	}
	/*
	 * The cell reader must have done its part, not sent everything back
	 * (rows this dense often hold a word that raises a confidence in one
	 * cell and two rules on the same bytes in another: about a fifth go by
	 * cells).
	 */
	assert_true(by_cells > rows / 8);
	bk__cells_free(cs);
	bk_scanner_free(sc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_across_inputs),
		cmocka_unit_test(test_keyed),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_cells_as_whole),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
