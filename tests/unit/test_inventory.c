/*
 * test_inventory.c - unit tests of lib/inventory.c over the shipped rules:
 * column classes decided by values and by header names, rows with personal
 * data, values per rule, and distinct subjects by the strongest identifier
 * (duplicates and other tables count once; phones and dates in other
 * spellings agree), keyed hashes included.
 */
#include "testutil.h"

#include "export.h"
#include "inventory.h"

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_across_inputs),
		cmocka_unit_test(test_keyed),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
