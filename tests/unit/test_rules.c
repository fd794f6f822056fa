/*
 * test_rules.c - unit tests of lib/rules.c.
 *
 * Rule files are written by people, so most of this file is about what they
 * get back: one table of broken rule files with the exact "file:line:
 * message" each must produce, then the good paths (every key of
 * tests/data/rules/good.rules read back through the getters and the private
 * struct), loading directories, selecting, overriding, and the trigger each
 * representative pattern gets. The engine's side of the contract (match
 * limits, invalid UTF-8 subjects, ASCII-only \d) is checked with PCRE2
 * directly.
 */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "rules-private.h"

/* ---- helpers ------------------------------------------------------------ */

/* Every message reported, as a tool would print it, one per line. */
static char errs[8192];

static void
on_error(void *ctx, const char *path, unsigned long line, const char *message)
{
	size_t n = strlen(errs);

	(void)ctx;
	if (path == NULL)
		snprintf(errs + n, sizeof errs - n, "%s\n", message);
	else if (line == 0)
		snprintf(errs + n, sizeof errs - n, "%s: %s\n", path, message);
	else
		snprintf(errs + n, sizeof errs - n, "%s:%lu: %s\n", path, line, message);
	assert_true(strlen(errs) < sizeof errs - 1);
}

static bk_ruleset *
new_set(void)
{
	bk_ruleset *rs = bk_ruleset_new();

	assert_non_null(rs);
	errs[0] = '\0';
	bk_ruleset_on_error(rs, on_error, NULL);
	return rs;
}

static int
load(bk_ruleset *rs, const char *text)
{
	return bk_ruleset_load_string(rs, "t.rules", text, strlen(text));
}

/* The ids of the rules in use, separated by spaces. */
static const char *
ids(const bk_ruleset *rs)
{
	static char buf[1024];
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < bk_ruleset_count(rs); i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i > 0 ? " " : "",
		    bk_rule_id(bk_ruleset_rule(rs, i)));
	return buf;
}

/* A complete rule: lines 1-5 of its stanza. */
#define RULE(id) "[" id "]\ndescription = d\ncategory = contact\nseverity = high\npattern = x\n"

/* ---- errors ------------------------------------------------------------- */

static const struct bad_case {
	const char *text;
	size_t len;		/* 0: strlen */
	const char *errors;
	size_t loaded;		/* rules that still load */
} bad_cases[] = {
	{RULE("t.a") "sevrity = high\n", 0,
	 "t.rules:6: rule t.a: unknown key 'sevrity' (did you mean 'severity'?)\n", 0},
	{RULE("t.a") "colour = red\n", 0,
	 "t.rules:6: rule t.a: unknown key 'colour'\n", 0},
	{RULE("t.a") "Pattern = y\n", 0,
	 "t.rules:6: rule t.a: unknown key 'Pattern' (did you mean 'pattern'?)\n", 0},
	{"[t.a]\ndescription = d\nseverity = high\n", 0,
	 "t.rules:1: rule t.a: missing required key 'category'\n"
	 "t.rules:1: rule t.a: missing required key 'pattern'\n", 0},
	{"# header\n\n[t.a]\ndescription = d\ncategory = contact\nseverity = hgih\npattern = x\n", 0,
	 "t.rules:6: rule t.a: bad severity 'hgih' (low, medium, high or critical)\n", 0},
	{RULE("t.a") "confidence = sure\n", 0,
	 "t.rules:6: rule t.a: bad confidence 'sure' (low, medium or high)\n", 0},
	{RULE("t.a") "context-confidence = High\n", 0,
	 "t.rules:6: rule t.a: bad context-confidence 'High' (low, medium or high)\n", 0},
	{RULE("t.a") "confidence = high\ncontext-confidence = low\n", 0,
	 "t.rules:7: rule t.a: context-confidence low is below confidence high\n", 0},
	{RULE("t.a") "category = contacts\n", 0,
	 "t.rules:6: rule t.a: duplicate key 'category' (first on line 3)\n", 0},
	{"[t.a]\ndescription = d\ncategory = contacts\nseverity = high\npattern = x\n", 0,
	 "t.rules:3: rule t.a: unknown category 'contacts' (national_id, contact, financial, "
	 "name, address, date_of_birth, network or credential)\n", 0},
	{"[JP.Foo]\ndescription = d\nnonsense = ignored with the rule\n" RULE("t.b"), 0,
	 "t.rules:1: bad rule id 'JP.Foo': ids are lowercase dotted words (a-z, 0-9, _ and .)\n", 1},
	{"[a..b]\n[.a]\n[a.]\n[ ]\n[a b]\n", 0,
	 "t.rules:1: bad rule id 'a..b': ids are lowercase dotted words (a-z, 0-9, _ and .)\n"
	 "t.rules:2: bad rule id '.a': ids are lowercase dotted words (a-z, 0-9, _ and .)\n"
	 "t.rules:3: bad rule id 'a.': ids are lowercase dotted words (a-z, 0-9, _ and .)\n"
	 "t.rules:4: bad rule id '': ids are lowercase dotted words (a-z, 0-9, _ and .)\n"
	 "t.rules:5: bad rule id 'a b': ids are lowercase dotted words (a-z, 0-9, _ and .)\n", 0},
	{"[t.a\ndescription = d\n", 0,
	 "t.rules:1: expected ']' at the end of the rule's [id]\n", 0},
	{RULE("t.a") RULE("t.a"), 0,
	 "t.rules:6: rule t.a: already defined on line 1\n", 1},
	{"[t.a]\ndescription = d\ncategory = contact\nseverity = high\npattern = ab(c\n", 0,
	 "t.rules:5: rule t.a: pattern error at offset 4: missing closing parenthesis\n", 0},
	{"[t.a]\ndescription = d\ncategory = contact\nseverity = high\npattern = [0-9]{4\n"
	 "  }-?(?<value>[0-9]{4}\n", 0,
	 "t.rules:5: rule t.a: pattern error at offset 27: missing closing parenthesis\n", 0},
	{"[t.a]\ndescription = d\ncategory = contact\nseverity = high\npattern = (*UCP)\\d\n", 0,
	 "t.rules:5: rule t.a: pattern error at offset 6: using UCP is disabled by the application\n",
	 0},
	{"[t.a]\ndescription = d\ncategory = contact\nseverity = high\npattern = x*\n", 0,
	 "t.rules:5: rule t.a: pattern can match an empty string\n", 0},
	{"[t.a]\ndescription = d\ncategory = contact\nseverity = high\n"
	 "pattern = (?J)(?<value>a)|(?<value>b)\n", 0,
	 "t.rules:5: rule t.a: more than one group is named 'value'\n", 0},
	{RULE("t.a") "validator = my_numbr\n", 0,
	 "t.rules:6: rule t.a: unknown validator 'my_numbr' (did you mean 'my_number'?)\n", 0},
	{RULE("t.a") "validator = nope\n", 0,
	 "t.rules:6: rule t.a: unknown validator 'nope'\n", 0},
	{RULE("t.a") "require-context = yes\n", 0,
	 "t.rules:6: rule t.a: require-context needs a context key\n", 0},
	{RULE("t.a") "require-context = maybe\n", 0,
	 "t.rules:6: rule t.a: require-context must be yes or no, not 'maybe'\n", 0},
	{RULE("t.a") "trigger = sometimes\n", 0,
	 "t.rules:6: rule t.a: bad trigger 'sometimes' (digits N, literal TEXT, context, nonascii or always)\n",
	 0},
	{RULE("t.a") "trigger = always now\n", 0,
	 "t.rules:6: rule t.a: bad trigger 'always now' (digits N, literal TEXT, context, "
	 "nonascii or always)\n", 0},
	{RULE("t.a") "trigger = digits 0\n", 0,
	 "t.rules:6: rule t.a: trigger digits needs a number N from 1 to 64, or N-M\n", 0},
	{RULE("t.a") "trigger = digits 65\n", 0,
	 "t.rules:6: rule t.a: trigger digits needs a number N from 1 to 64, or N-M\n", 0},
	{RULE("t.a") "trigger = digits 4x\n", 0,
	 "t.rules:6: rule t.a: trigger digits needs a number N from 1 to 64, or N-M\n", 0},
	{RULE("t.a") "trigger = digits 10-5\n", 0,
	 "t.rules:6: rule t.a: trigger digits needs a number N from 1 to 64, or N-M\n", 0},
	{RULE("t.a") "trigger = digits 10 sep comma\n", 0,
	 "t.rules:6: rule t.a: trigger digits: unknown separator 'comma' (dash, dot, slash, "
	 "space, paren, none)\n", 0},
	{RULE("t.a") "trigger = digits 10 groups 0\n", 0,
	 "t.rules:6: rule t.a: trigger digits: 'groups' needs a number N from 1 to 64, or N-M "
	 "(groups 2)\n", 0},
	{RULE("t.a") "trigger = digits 10 groups 3-2\n", 0,
	 "t.rules:6: rule t.a: trigger digits: 'groups' needs a number N from 1 to 64, or N-M "
	 "(groups 2)\n", 0},
	{RULE("t.a") "trigger = digits 10 sep none dash\n", 0,
	 "t.rules:6: rule t.a: trigger digits: 'sep none' takes no other separator\n", 0},
	{RULE("t.a") "trigger = digits 10 seps dash\n", 0,
	 "t.rules:6: rule t.a: trigger digits: expected 'sep' and separator names, 'first', "
	 "'after', 'groups' or 'whole', not 'seps dash'\n", 0},
	{RULE("t.a") "trigger = digits 10 whole\n", 0,
	 "t.rules:6: rule t.a: trigger digits ... whole needs a validator\n", 0},
	{RULE("t.a") "trigger = digits 10 sep dash whole dot\n", 0,
	 "t.rules:6: rule t.a: trigger digits: expected 'sep' and separator names, 'first', "
	 "'after', 'groups' or 'whole', not 'dot'\n", 0},
	{RULE("t.a") "trigger = digits 10 first 0x\n", 0,
	 "t.rules:6: rule t.a: trigger digits: 'first' needs the digits a run may start with "
	 "(first 08)\n", 0},
	{RULE("t.a") "trigger = digits 10 after\n", 0,
	 "t.rules:6: rule t.a: trigger digits: 'after' needs the ASCII bytes that may come "
	 "before a run (after +, after A-Z)\n", 0},
	{RULE("t.a") "trigger = digits 2 after A-Z a-Z\n", 0,
	 "t.rules:6: rule t.a: trigger digits: 'after' takes one or two sets of bytes "
	 "(after A-Z A-Z), not 'a-Z'\n", 0},
	{RULE("t.a") "trigger = digits 2 after A-Z A-Z A-Z\n", 0,
	 "t.rules:6: rule t.a: trigger digits: expected 'sep' and separator names, 'first', "
	 "'after', 'groups' or 'whole', not 'A-Z'\n", 0},
	{RULE("t.a") "trigger = literal\n", 0,
	 "t.rules:6: rule t.a: trigger literal needs a text\n", 0},
	{RULE("t.a") "trigger = context\n", 0,
	 "t.rules:6: rule t.a: trigger 'context' needs a context key\n", 0},
	{RULE("t.a") "distance = far\n", 0,
	 "t.rules:6: rule t.a: distance must be a whole number from 0 to 1024, not 'far'\n", 0},
	{RULE("t.a") "distance = 2000\n", 0,
	 "t.rules:6: rule t.a: distance must be a whole number from 0 to 1024, not '2000'\n", 0},
	{RULE("t.a") "distance = -1\n", 0,
	 "t.rules:6: rule t.a: distance must be a whole number from 0 to 1024, not '-1'\n", 0},
	{RULE("t.a") "context = a \"b c\n", 0,
	 "t.rules:6: rule t.a: unterminated quote in context\n", 0},
	{RULE("t.a") "context = a \"\" c\n", 0,
	 "t.rules:6: rule t.a: empty word in context\n", 0},
	{RULE("t.a") "context = my\"number\"\n", 0,
	 "t.rules:6: rule t.a: context: '\"' inside a word (quote the whole word)\n", 0},
	{RULE("t.a") "context = \"my\"number\n", 0,
	 "t.rules:6: rule t.a: context: a space must follow the closing quote\n", 0},
	{RULE("t.a") "context = 個人番号 番号： ＭＹ－ＮＯ\n", 0,
	 "t.rules:6: rule t.a: context word '番号：' is never seen as written: text is matched "
	 "after normalisation, where '：' is ':'\n"
	 "t.rules:6: rule t.a: context word 'ＭＹ－ＮＯ' is never seen as written: text is "
	 "matched after normalisation, where 'Ｍ' is 'M'\n", 0},
	{RULE("t.a") "context = \"a\u2212b\"\n", 0,
	 "t.rules:6: rule t.a: context word 'a\u2212b' is never seen as written: text is "
	 "matched after normalisation, where '\u2212' is '-'\n", 0},
	{RULE("t.a") "trigger = literal 〒１\n", 0,
	 "t.rules:6: rule t.a: trigger literal '〒１' is never seen as written: text is matched "
	 "after normalisation, where '１' is '1'\n", 0},
	{RULE("t.a") "example =\n", 0,
	 "t.rules:6: rule t.a: empty value for 'example'\n", 0},
	{RULE("t.a") "severity high\n", 0,
	 "t.rules:6: rule t.a: expected 'key = value', '[id]' or a comment\n", 0},
	{"description = d\n" RULE("t.a"), 0,
	 "t.rules:1: key 'description' before the first [id]\n", 1},
	{"  continued\n" RULE("t.a"), 0,
	 "t.rules:1: continuation line with no key before it\n", 1},
	{"[t.a]\n  continued\n  more\ndescription = d\ncategory = contact\nseverity = high\n"
	 "pattern = x\n", 0,
	 "t.rules:2: rule t.a: continuation line with no key before it\n", 0},
	{RULE("t.a") "example = caf\xe9\n", 0,
	 "t.rules:6: rule t.a: invalid UTF-8 at column 14 (rule files are UTF-8)\n", 0},
	{"# caf\xc3\n" RULE("t.a"), 0,
	 "t.rules:1: invalid UTF-8 at column 6 (rule files are UTF-8)\n", 1},
	{"# overlong \xc0\xaf, surrogate \xed\xa0\x80\n# \xed\xa0\x80\n# \xf4\x90\x80\x80\n", 0,
	 "t.rules:1: invalid UTF-8 at column 12 (rule files are UTF-8)\n"
	 "t.rules:2: invalid UTF-8 at column 3 (rule files are UTF-8)\n"
	 "t.rules:3: invalid UTF-8 at column 3 (rule files are UTF-8)\n", 0},
	{RULE("t.a") "example = a\0b\n", sizeof(RULE("t.a") "example = a\0b\n") - 1,
	 "t.rules:6: rule t.a: NUL byte at column 12\n", 0},
};

static void
test_errors(void **state)
{
	const struct bad_case *c;
	bk_ruleset *rs;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		c = &bad_cases[i];
		rs = new_set();
		if (bk_ruleset_load_string(rs, "t.rules", c->text,
			c->len != 0 ? c->len : strlen(c->text)) != BK_ERROR ||
		    strcmp(errs, c->errors) != 0 || bk_ruleset_count(rs) != c->loaded)
			fail_msg("case %zu:\n%s\nreported:\n%sexpected:\n%sloaded %zu, expected %zu",
			    i, c->text, errs, c->errors, bk_ruleset_count(rs), c->loaded);
		bk_ruleset_free(rs);
	}
}

/* A file with errors loads every rule that has none. */
static void
test_rest_of_file_loads(void **state)
{
	bk_ruleset *rs = new_set();

	(void)state;
	assert_int_equal(load(rs, RULE("t.a") "\n[t.b]\ndescription = d\ncategory = contact\n"
	    "severity = extreme\npattern = y\nfrobnicate = yes\n\n" RULE("t.c")), BK_ERROR);
	assert_string_equal(errs,
	    "t.rules:10: rule t.b: bad severity 'extreme' (low, medium, high or critical)\n"
	    "t.rules:12: rule t.b: unknown key 'frobnicate'\n");
	assert_string_equal(ids(rs), "t.a t.c");
	assert_int_equal(bk_rule_line(bk_ruleset_find(rs, "t.c")), 14);
	bk_ruleset_free(rs);
}

/* Long values in messages are cut at a character boundary. */
static void
test_long_value_in_message(void **state)
{
	bk_ruleset *rs = new_set();

	(void)state;
	assert_int_equal(load(rs, RULE("t.a") "validator = "
	    "ああああああああああああああああああああ\n"), BK_ERROR);
	/* 16 characters of 3 bytes are 48 bytes. */
	assert_string_equal(errs, "t.rules:6: rule t.a: unknown validator '"
	    "ああああああああああああああああ...'\n");
	bk_ruleset_free(rs);
}

/* ---- the good file ------------------------------------------------------ */

static void
test_good_file(void **state)
{
	const char *path = BK_TESTDATA "/rules/good.rules";
	const struct bk__context_word *cw;
	const char *const *ex;
	bk_ruleset *rs = new_set();
	const bk_rule *r;
	size_t n;

	(void)state;
	assert_int_equal(bk_ruleset_load_file(rs, path), BK_OK);
	assert_string_equal(errs, "");
	assert_string_equal(ids(rs), "test.jp.my_number test.email test.jp.postal test.jp.name");

	r = bk_ruleset_find(rs, "test.jp.my_number");
	assert_non_null(r);
	assert_ptr_equal(r, bk_ruleset_rule(rs, 0));
	assert_string_equal(bk_rule_id(r), "test.jp.my_number");
	assert_string_equal(bk_rule_description(r),
	    "Individual Number (マイナンバー): 12 digits, check digit");
	assert_string_equal(bk_rule_category(r), "national_id");
	assert_int_equal(bk_rule_severity(r), BK_SEVERITY_HIGH);
	assert_int_equal(bk_rule_confidence(r), BK_CONFIDENCE_LOW);
	assert_int_equal(bk_rule_context_confidence(r), BK_CONFIDENCE_HIGH);
	assert_false(bk_rule_requires_context(r));
	assert_non_null(bk_rule_validator(r));
	assert_ptr_equal(bk_rule_validator(r), bk_validator_find("my_number"));
	assert_string_equal(bk_rule_pattern(r),
	    "(?<![0-9])(?<value>[0-9]{4}-?[0-9]{4}-?[0-9]{4})(?![0-9])");
	assert_int_equal(bk_rule_trigger(r), BK_TRIGGER_DIGITS);
	assert_int_equal(r->trigger.digits, 12);
	assert_int_equal(r->trigger.max_digits, 12);
	assert_int_equal(r->trigger.seps, BK__SEP_DASH | BK__SEP_SPACE);
	{
		char buf[64];

		assert_string_equal(bk_rule_trigger_text(r, buf, sizeof buf),
		    "digits 12-12 sep dash space");
	}
	assert_false(r->trigger.derived);
	assert_string_equal(bk_rule_file(r), path);
	assert_int_equal(bk_rule_line(r), 4);
	assert_int_equal(r->distance, 24);
	assert_int_equal(r->value_group, 1);
	assert_int_equal(r->captures, 1);
	assert_int_equal(r->max_lookbehind, 1);
	assert_int_equal(r->ncontext, 5);
	cw = r->context;
	assert_string_equal(cw[0].word, "マイナンバー");
	assert_string_equal(cw[0].lower, "マイナンバー");
	assert_int_equal(cw[0].len, strlen("マイナンバー"));
	assert_string_equal(cw[1].word, "個人番号");
	assert_string_equal(cw[2].word, "my number");
	assert_string_equal(cw[3].word, "MyNumber");
	assert_string_equal(cw[3].lower, "mynumber");
	assert_string_equal(cw[4].word, "say \"hi\" \\o/");
	assert_int_equal(cw[4].len, 12);
	ex = bk_rule_examples(r, &n);
	assert_int_equal(n, 2);
	assert_string_equal(ex[0], "個人番号: 1234-5678-9018");
	assert_string_equal(ex[1], "マイナンバー 123456789018");
	ex = bk_rule_counterexamples(r, &n);
	assert_int_equal(n, 1);
	assert_string_equal(ex[0], "order 123456789018 shipped");

	/* Defaults, and a derived trigger. */
	r = bk_ruleset_find(rs, "test.email");
	assert_non_null(r);
	assert_string_equal(bk_rule_category(r), "contact");
	assert_int_equal(bk_rule_severity(r), BK_SEVERITY_MEDIUM);
	assert_int_equal(bk_rule_confidence(r), BK_CONFIDENCE_MEDIUM);
	assert_int_equal(bk_rule_context_confidence(r), BK_CONFIDENCE_HIGH);
	assert_false(bk_rule_requires_context(r));
	assert_ptr_equal(bk_rule_validator(r), bk_validator_find("email"));
	assert_int_equal(bk_rule_trigger(r), BK_TRIGGER_LITERAL);
	assert_string_equal(r->trigger.literal, "@");
	assert_int_equal(r->trigger.len, 1);
	assert_true(r->trigger.derived);
	assert_int_equal(r->distance, BK__DISTANCE_DEFAULT);
	assert_int_equal(r->value_group, 0);
	assert_int_equal(r->ncontext, 0);
	assert_null(bk_rule_examples(r, &n));
	assert_int_equal(n, 0);
	assert_null(bk_rule_counterexamples(r, &n));
	assert_int_equal(n, 0);
	assert_int_equal(bk_rule_line(r), 27);

	/* Confidence high: context cannot raise it further. */
	r = bk_ruleset_find(rs, "test.jp.postal");
	assert_non_null(r);
	assert_int_equal(bk_rule_severity(r), BK_SEVERITY_LOW);
	assert_int_equal(bk_rule_confidence(r), BK_CONFIDENCE_HIGH);
	assert_int_equal(bk_rule_context_confidence(r), BK_CONFIDENCE_HIGH);
	assert_null(bk_rule_validator(r));
	assert_int_equal(bk_rule_trigger(r), BK_TRIGGER_LITERAL);
	assert_string_equal(r->trigger.literal, "〒");
	assert_int_equal(r->trigger.len, 3);
	assert_false(r->trigger.derived);

	/* Context words split at an ideographic space and across a continuation line. */
	r = bk_ruleset_find(rs, "test.jp.name");
	assert_non_null(r);
	assert_int_equal(bk_rule_severity(r), BK_SEVERITY_CRITICAL);
	assert_true(bk_rule_requires_context(r));
	assert_int_equal(bk_rule_trigger(r), BK_TRIGGER_CONTEXT);
	assert_int_equal(r->distance, 0);
	assert_int_equal(r->ncontext, 3);
	assert_string_equal(r->context[0].word, "氏名");
	assert_string_equal(r->context[1].word, "フリガナ");
	assert_string_equal(r->context[2].word, "NAME");
	assert_string_equal(r->context[2].lower, "name");

	assert_null(bk_ruleset_find(rs, "test.nothing"));
	assert_null(bk_ruleset_rule(rs, 4));
	bk_ruleset_free(rs);
}

/* A byte order mark, CRLF line ends and trailing blanks are what Windows editors leave. */
static void
test_bom_and_crlf(void **state)
{
	static const char text[] = "\xef\xbb\xbf# made on Windows\r\n[t.a]\r\n"
	    "description = d  \r\ncategory = contact\r\nseverity = high\t\r\n"
	    "pattern = \\d{3}\r\n  -\\d{4}\r\n";
	bk_ruleset *rs = new_set();
	const bk_rule *r;

	(void)state;
	assert_int_equal(load(rs, text), BK_OK);
	assert_string_equal(errs, "");
	r = bk_ruleset_find(rs, "t.a");
	assert_non_null(r);
	assert_string_equal(bk_rule_description(r), "d");
	assert_string_equal(bk_rule_pattern(r), "\\d{3}-\\d{4}");
	assert_int_equal(bk_rule_line(r), 2);
	bk_ruleset_free(rs);
}

static void
test_no_rules(void **state)
{
	bk_ruleset *rs = new_set();

	(void)state;
	assert_int_equal(load(rs, ""), BK_OK);
	assert_int_equal(load(rs, "# only a comment\n\n   \n"), BK_OK);
	assert_int_equal(bk_ruleset_count(rs), 0);
	assert_int_equal(bk_ruleset_load_string(rs, "x", "", 0), BK_OK);
	assert_string_equal(errs, "");
	bk_ruleset_free(rs);
	bk_ruleset_free(NULL);
}

/* ---- files and directories ---------------------------------------------- */

static void
test_load_file_missing(void **state)
{
	bk_ruleset *rs = new_set();

	(void)state;
	assert_int_equal(bk_ruleset_load_file(rs, "/nonexistent/x.rules"), BK_ERROR);
	assert_string_equal(errs, "/nonexistent/x.rules: No such file or directory\n");
	errs[0] = '\0';
	assert_int_equal(bk_ruleset_load_file(rs, "/"), BK_ERROR);
	assert_string_equal(errs, "/: Is a directory\n");
	bk_ruleset_free(rs);
}

static void
write_rule(const char *dir, const char *name, const char *id)
{
	char text[256];

	snprintf(text, sizeof text, RULE("%s"), id);
	free(tu_write(dir, name, text, strlen(text)));
}

static void
test_load_dir(void **state)
{
	char *dir = tu_mkdtemp(), *sub, *path, *slash;
	bk_ruleset *rs = new_set();

	(void)state;
	write_rule(dir, "b.rules", "r.b");
	write_rule(dir, "a.rules", "r.a");
	write_rule(dir, "Z.rules", "r.z");	/* byte order: 'Z' sorts before 'a' */
	write_rule(dir, "c.txt", "r.c");
	write_rule(dir, "a.rules~", "r.backup");
	write_rule(dir, ".hidden.rules", "r.hidden");
	write_rule(dir, ".rules", "r.dot");
	assert_true(asprintf(&sub, "%s/sub.rules", dir) > 0);
	assert_int_equal(mkdir(sub, 0755), 0);
	write_rule(sub, "x.rules", "r.sub");

	assert_int_equal(bk_ruleset_load_dir(rs, dir), BK_OK);
	assert_string_equal(errs, "");
	assert_string_equal(ids(rs), "r.z r.a r.b");
	assert_true(asprintf(&path, "%s/Z.rules", dir) > 0);
	assert_string_equal(bk_rule_file(bk_ruleset_rule(rs, 0)), path);
	free(path);
	bk_ruleset_free(rs);

	/* A trailing slash does not double; a dangling link is an error, the rest still loads. */
	assert_true(asprintf(&slash, "%s/", dir) > 0);
	assert_true(asprintf(&path, "%s/d.rules", dir) > 0);
	assert_int_equal(symlink("/nonexistent/d.rules", path), 0);
	rs = new_set();
	assert_int_equal(bk_ruleset_load_dir(rs, slash), BK_ERROR);
	assert_string_equal(ids(rs), "r.z r.a r.b");
	assert_true(strstr(errs, "//") == NULL);
	free(slash);
	assert_true(asprintf(&slash, "%s: No such file or directory\n", path) > 0);
	assert_string_equal(errs, slash);
	assert_string_equal(bk_rule_file(bk_ruleset_rule(rs, 2)) + strlen(dir), "/b.rules");
	bk_ruleset_free(rs);
	free(slash);
	free(path);
	free(sub);
	tu_rmdir(dir);
}

static void
test_load_dir_errors(void **state)
{
	char *dir = tu_mkdtemp(), *path, *msg;
	bk_ruleset *rs = new_set();

	(void)state;
	assert_int_equal(bk_ruleset_load_dir(rs, dir), BK_OK);	/* empty: nothing to do */
	assert_int_equal(bk_ruleset_count(rs), 0);
	assert_int_equal(bk_ruleset_load_dir(rs, "/nonexistent/patterns"), BK_ERROR);
	assert_string_equal(errs, "/nonexistent/patterns: No such file or directory\n");

	/* An error in one file: the others load; messages name the file. */
	errs[0] = '\0';
	write_rule(dir, "a.rules", "r.a");
	free(tu_write(dir, "b.rules", "[r.b]\nseverity = hi\n", 20));
	write_rule(dir, "c.rules", "r.c");
	assert_int_equal(bk_ruleset_load_dir(rs, dir), BK_ERROR);
	assert_string_equal(ids(rs), "r.a r.c");
	assert_true(asprintf(&msg, "%s/b.rules:1: rule r.b: missing required key 'description'\n"
	    "%s/b.rules:1: rule r.b: missing required key 'category'\n"
	    "%s/b.rules:1: rule r.b: missing required key 'pattern'\n"
	    "%s/b.rules:2: rule r.b: bad severity 'hi' (low, medium, high or critical)\n",
	    dir, dir, dir, dir) > 0);
	assert_string_equal(errs, msg);
	free(msg);

	/* Unreadable (root reads everything, so only when not root). */
	if (geteuid() != 0) {
		bk_ruleset_free(rs);
		rs = new_set();
		assert_true(asprintf(&path, "%s/c.rules", dir) > 0);
		assert_int_equal(chmod(path, 0), 0);
		assert_int_equal(bk_ruleset_load_dir(rs, dir), BK_ERROR);
		assert_true(asprintf(&msg, "%s: Permission denied\n", path) > 0);
		assert_non_null(strstr(errs, msg));
		assert_string_equal(ids(rs), "r.a");
		free(msg);
		free(path);
	}
	bk_ruleset_free(rs);
	tu_rmdir(dir);
}

/* ---- replacing and selecting -------------------------------------------- */

static void
test_replacement_keeps_place(void **state)
{
	bk_ruleset *rs = new_set();
	const bk_rule *r;

	(void)state;
	assert_int_equal(bk_ruleset_load_string(rs, "shipped.rules",
	    RULE("r.a") RULE("r.b") RULE("r.c"), strlen(RULE("r.a") RULE("r.b") RULE("r.c"))),
	    BK_OK);
	static const char user[] = "[r.d]\ndescription = new\ncategory = network\n"
	    "severity = low\npattern = y\n"
	    "[r.b]\ndescription = mine\ncategory = financial\nseverity = low\npattern = z\n";
	assert_int_equal(bk_ruleset_load_string(rs, "user.rules", user, strlen(user)), BK_OK);
	assert_string_equal(errs, "");
	assert_string_equal(ids(rs), "r.a r.b r.c r.d");
	r = bk_ruleset_rule(rs, 1);
	assert_string_equal(bk_rule_description(r), "mine");
	assert_string_equal(bk_rule_category(r), "financial");
	assert_string_equal(bk_rule_file(r), "user.rules");
	assert_int_equal(bk_rule_line(r), 6);
	assert_string_equal(bk_rule_file(bk_ruleset_rule(rs, 0)), "shipped.rules");
	bk_ruleset_free(rs);
}

static bk_ruleset *
select_set(void)
{
	static const char text[] =
	    "[jp.my_number]\ndescription = d\ncategory = national_id\nseverity = high\npattern = a\n"
	    "[jp.passport]\ndescription = d\ncategory = national_id\nseverity = high\npattern = b\n"
	    "[jp.phone]\ndescription = d\ncategory = contact\nseverity = low\npattern = c\n"
	    "[email]\ndescription = d\ncategory = contact\nseverity = low\npattern = d\n"
	    "[ipv4]\ndescription = d\ncategory = network\nseverity = low\npattern = e\n";
	bk_ruleset *rs = new_set();

	assert_int_equal(load(rs, text), BK_OK);
	return rs;
}

static void
check_select(const char *list, int rc, const char *expect, const char *errors)
{
	bk_ruleset *rs = select_set();

	if (bk_ruleset_select(rs, list) != rc || strcmp(ids(rs), expect) != 0 ||
	    strcmp(errs, errors) != 0)
		fail_msg("select '%s': got '%s', errors:\n%s", list, ids(rs), errs);
	bk_ruleset_free(rs);
}

static void
test_select(void **state)
{
	(void)state;
	check_select("jp.*", BK_OK, "jp.my_number jp.passport jp.phone", "");
	check_select("email,network", BK_OK, "email ipv4", "");
	check_select(" ipv4 , email ", BK_OK, "email ipv4", "");
	check_select("contact", BK_OK, "jp.phone email", "");
	check_select("jp.*,-contact", BK_OK, "jp.my_number jp.passport", "");
	check_select("jp.*,-jp.p*", BK_OK, "jp.my_number", "");
	check_select("-network", BK_OK, "jp.my_number jp.passport jp.phone email", "");
	check_select("-network,-jp.phone", BK_OK, "jp.my_number jp.passport email", "");
	check_select("-contact,jp.phone", BK_OK, "jp.phone", "");
	check_select("*", BK_OK, "jp.my_number jp.passport jp.phone email ipv4", "");
	check_select("", BK_OK, "jp.my_number jp.passport jp.phone email ipv4", "");
	check_select("email,,", BK_OK, "email", "");
	check_select("national_id,jp.pasport", BK_ERROR, "jp.my_number jp.passport",
	    "no rule matches 'jp.pasport' (did you mean 'jp.passport'?)\n");
	check_select("-netwrok", BK_ERROR, "jp.my_number jp.passport jp.phone email ipv4",
	    "no rule matches 'netwrok' (did you mean 'network'?)\n");
	check_select("us.*", BK_ERROR, "", "no rule matches 'us.*'\n");
	check_select("email,-", BK_ERROR, "email", "empty item '-' in the rule list\n");
}

/* ---- triggers ----------------------------------------------------------- */

static const struct trigger_case {
	const char *pattern;
	enum bk_trigger kind;
	unsigned digits;
	const char *literal;
	const char *subject;	/* a line the pattern matches */
} trigger_cases[] = {
	/* A literal every match holds: '@' beats the weak '.'. */
	{"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}", BK_TRIGGER_LITERAL, 0, "@",
	    "mail to a.b@example.com now"},
	{"(?<value>[\\w.+-]+@[\\w-]+\\.[\\w.-]+)", BK_TRIGGER_LITERAL, 0, "@",
	    "x a+b@c-d.jp"},
	/* A multibyte literal is kept whole, with its neighbours. */
	{"〒\\s*(?<value>\\d{3}-?\\d{4})", BK_TRIGGER_LITERAL, 0, "〒",
	    "住所 〒 100-0001 東京都"},
	{"(?:郵便番号|〒)[:：]?\\s*\\d{3}-\\d{4}", BK_TRIGGER_DIGITS, 7, NULL,
	    "郵便番号：123-4567"},
	{"氏名[:：]?\\s*(?<value>\\S+)", BK_TRIGGER_LITERAL, 0, "氏名",
	    "氏名:山田"},
	{"基礎年金番号\\s*[:：]?\\s*(?<value>\\d{4}-?\\d{6})", BK_TRIGGER_LITERAL, 0, "基礎年金番号",
	    "基礎年金番号 1234-567890"},
	{"(?:氏名|フリガナ)\\s*[:：]\\s*(?<value>\\S+)", BK_TRIGGER_ALWAYS, 0, NULL,
	    "フリガナ：ヤマダ"},
	{"AKIA[0-9A-Z]{16}", BK_TRIGGER_LITERAL, 0, "AKIA",
	    "key=AKIAABCDEFGHIJKLMNOP"},
	{"\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}", BK_TRIGGER_LITERAL, 0, "$2",
	    "$2b$12$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
	{"\\+81[- ]?\\d{1,4}", BK_TRIGGER_LITERAL, 0, "+81",
	    "tel +81 3"},
	{"password=(?<value>[^&\\s]+)", BK_TRIGGER_LITERAL, 0, "password=",
	    "?user=a&password=hunter2"},
	{"(?:ab){2}c", BK_TRIGGER_LITERAL, 0, "abc",
	    "xxababcx"},
	{"x+yz", BK_TRIGGER_LITERAL, 0, "xyz",
	    "xxxyz"},
	{"foo(?:bar)?bazz", BK_TRIGGER_LITERAL, 0, "bazz",
	    "foobazz"},
	{"(?=.*@)\\w+", BK_TRIGGER_ALWAYS, 0, NULL,
	    "a@b"},
	{"(?i)akia[0-9a-z]{16}", BK_TRIGGER_ALWAYS, 0, NULL,
	    "AkIa0123456789abcdef"},
	{"(?i:ab)c@", BK_TRIGGER_LITERAL, 0, "c@",
	    "ABc@"},
	{"(?i)ab(?-i)c@", BK_TRIGGER_LITERAL, 0, "c@",
	    "aBc@"},
	{"(a(?i)b|c)@@", BK_TRIGGER_LITERAL, 0, "@@",
	    "C@@"},
	{"(?x) a b c # comment", BK_TRIGGER_LITERAL, 0, "abc",
	    "abc"},
	{"(?x) \\d{3} - \\d{4}  # postal", BK_TRIGGER_DIGITS, 7, NULL,
	    "123-4567"},
	/* Runs of digits: at most one separator between two digits. */
	{"(?<![0-9])[0-9]{4}-?[0-9]{4}-?[0-9]{4}(?![0-9])", BK_TRIGGER_DIGITS, 12, NULL,
	    "no 1234-56789012 x"},
	{"(?<![0-9])(?<value>\\d{3}-\\d{4})", BK_TRIGGER_DIGITS, 7, NULL,
	    "a 123-4567"},
	{"(?:\\d{4}[- ]?){3}\\d{4}", BK_TRIGGER_DIGITS, 16, NULL,
	    "4111 1111-11111111"},
	{"(?:\\d{4}[- ]?){3,4}\\d{2}", BK_TRIGGER_DIGITS, 12, NULL,
	    "1234 5678 9012 3456 78"},
	{"(?:\\+81|0)\\d{1,4}-\\d{1,4}-\\d{4}", BK_TRIGGER_DIGITS, 7, NULL,
	    "+8190-1-2345"},
	{"\\d{3}(?:-|\\.)\\d{4}", BK_TRIGGER_DIGITS, 7, NULL,
	    "123.4567"},
	{"\\d+-+\\d+", BK_TRIGGER_DIGITS, 1, NULL,
	    "1---2"},
	{"\\d{2}--?\\d{2}", BK_TRIGGER_DIGITS, 2, NULL,
	    "12--34"},
	{"\\d{3}-?-?\\d{3}", BK_TRIGGER_DIGITS, 3, NULL,
	    "123--456"},
	{"\\d{3}[0-9-]\\d{3}", BK_TRIGGER_DIGITS, 3, NULL,
	    "123-456"},
	{"[0-9]{3}(?:-[0-9]{4})?", BK_TRIGGER_DIGITS, 3, NULL,
	    "x123y"},
	{"(?:19|20)\\d\\d[-/.](?:0[1-9]|1[0-2])", BK_TRIGGER_DIGITS, 6, NULL,
	    "1970/01"},
	{"\\d\\w{10}", BK_TRIGGER_DIGITS, 1, NULL,
	    "1abcdefghij"},
	{"\\d{100}", BK_TRIGGER_DIGITS, 64, NULL,
	    "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111"},
	{"[[:digit:]]{5}", BK_TRIGGER_DIGITS, 5, NULL,
	    "12345"},
	{"[^0-9]{5}", BK_TRIGGER_ALWAYS, 0, NULL,
	    "abcde"},
	/* A weak literal loses to digits, but is better than nothing. */
	{"\\d{2}-\\d{2}", BK_TRIGGER_DIGITS, 4, NULL,
	    "12-34"},
	{"[a-z]+-[a-z]+", BK_TRIGGER_LITERAL, 0, "-",
	    "ab-cd"},
	/* Nothing required. */
	{"a|b", BK_TRIGGER_ALWAYS, 0, NULL,
	    "b"},
	{"[a-z]{3}", BK_TRIGGER_ALWAYS, 0, NULL,
	    "abc"},
	/* The parser gives up; PCRE2's own first or last code unit, if punctuation. */
	{"\\Q@\\E\\w+", BK_TRIGGER_LITERAL, 0, "@",
	    "@home"},
	{"(*UTF)[a-z]+#", BK_TRIGGER_LITERAL, 0, "#",
	    "abc#"},
	{"(?(?=a)ab|cd)", BK_TRIGGER_ALWAYS, 0, NULL,
	    "cd"},
	{"\\Q12\\E[a-z]", BK_TRIGGER_DIGITS, 1, NULL,
	    "12a"},
};

/* The trigger as rules-private.h defines it, the slow and obvious way. */
static bool
trigger_passes(const struct bk__trigger *t, const char *text, size_t len)
{
	size_t i, run = 0, best = 0;
	bool sep = false;	/* a separator follows the run's last digit */

	switch (t->kind) {
	case BK_TRIGGER_LITERAL:
		return memmem(text, len, t->literal, t->len) != NULL;
	case BK_TRIGGER_DIGITS:
		for (i = 0; i < len; i++) {
			if (text[i] >= '0' && text[i] <= '9') {
				sep = false;
				if (++run > best)
					best = run;
			} else if (run > 0 && !sep && text[i] != '\0' && strchr("-./ ", text[i])) {
				sep = true;
			} else {
				run = 0;
				sep = false;
			}
		}
		return best >= t->digits;
	case BK_TRIGGER_NONASCII:
		for (i = 0; i < len; i++)
			if ((unsigned char)text[i] >= 0x80)
				return true;
		return false;
	case BK_TRIGGER_CONTEXT:
	case BK_TRIGGER_ALWAYS:
		break;
	}
	return true;
}

/*
 * Each pattern gets the expected trigger, and that trigger lets the sample
 * match through: checked on the matched text alone, which is stricter than
 * the engine's check on the whole line.
 */
static void
test_trigger_derivation(void **state)
{
	const struct trigger_case *c;
	struct bk__trigger t;
	pcre2_match_data *md;
	pcre2_code *code;
	PCRE2_SIZE off, *ov;
	size_t i;
	int err;

	(void)state;
	for (i = 0; i < sizeof trigger_cases / sizeof trigger_cases[0]; i++) {
		c = &trigger_cases[i];
		code = pcre2_compile((PCRE2_SPTR)c->pattern, PCRE2_ZERO_TERMINATED,
		    BK__PCRE2_OPTIONS, &err, &off, NULL);
		if (code == NULL)
			fail_msg("case %zu: %s does not compile (%d at %zu)", i, c->pattern, err,
			    (size_t)off);
		assert_int_equal(bk__trigger_derive(c->pattern, code, &t), BK_OK);
		if (t.kind != c->kind || !t.derived ||
		    (c->kind == BK_TRIGGER_DIGITS && t.digits != c->digits) ||
		    (c->kind == BK_TRIGGER_LITERAL &&
			(t.literal == NULL || strcmp(t.literal, c->literal) != 0 ||
			    t.len != strlen(c->literal))))
			fail_msg("case %zu: %s: kind %d digits %u literal '%s'", i, c->pattern,
			    (int)t.kind, t.digits, t.literal != NULL ? t.literal : "");
		md = pcre2_match_data_create_from_pattern(code, NULL);
		assert_non_null(md);
		if (pcre2_match(code, (PCRE2_SPTR)c->subject, strlen(c->subject), 0, 0, md,
			NULL) <= 0)
			fail_msg("case %zu: %s does not match '%s'", i, c->pattern, c->subject);
		ov = pcre2_get_ovector_pointer(md);
		if (!trigger_passes(&t, c->subject + ov[0], ov[1] - ov[0]))
			fail_msg("case %zu: the trigger of %s rejects '%s'", i, c->pattern,
			    c->subject);
		pcre2_match_data_free(md);
		bk__trigger_fini(&t);
		pcre2_code_free(code);
	}
}

/* ---- random patterns: a trigger never hides a match ---------------------- */

static unsigned long rng_state = 20150508;

static unsigned
rng(unsigned n)
{
	rng_state = rng_state * 6364136223846793005u + 1442695040888963407u;
	return (unsigned)((rng_state >> 33) % n);
}

static void
gen_pattern(char *buf, size_t cap, int depth)
{
	static const char *const atoms[] = {
		"\\d", "[0-9]", "[1-9]", "-", "\\.", "/", " ", "[- ]", "[-.]", "[0-9-]", "a", "@",
		"〒", ".", "\\w", "[a-z]", "x", "1", "(?<![0-9])", "(?!x)", "\\b", "(?i)a",
	};
	static const char *const quants[] = {
		"", "", "", "", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "{3,}", "??", "++",
	};
	unsigned i, n = 1 + rng(4);

	for (i = 0; i < n && strlen(buf) + 40 < cap; i++) {
		if (depth < 3 && rng(5) == 0) {
			strcat(buf, "(?:");
			gen_pattern(buf, cap, depth + 1);
			if (rng(2) == 0) {
				strcat(buf, "|");
				gen_pattern(buf, cap, depth + 1);
			}
			strcat(buf, ")");
		} else {
			strcat(buf, atoms[rng(sizeof atoms / sizeof atoms[0])]);
		}
		/* A quantified assertion may not compile; such patterns are skipped. */
		strcat(buf, quants[rng(sizeof quants / sizeof quants[0])]);
	}
}

static void
test_trigger_never_hides_a_match(void **state)
{
	static const char *const pieces[] = {
		"0", "1", "2", "5", "9", "-", ".", "/", " ", "a", "A", "@", "x", "〒", "b",
	};
	char pattern[512], subject[128];
	unsigned p, k, j, n, matches = 0, kinds[4] = {0};
	struct bk__trigger t;
	pcre2_match_context *mctx = pcre2_match_context_create(NULL);
	pcre2_match_data *md;
	pcre2_code *code;
	PCRE2_SIZE off, *ov;
	uint32_t empty;
	int err;

	(void)state;
	/* Random nested repeats can backtrack for ages; such cases prove nothing here. */
	assert_non_null(mctx);
	pcre2_set_match_limit(mctx, 20000);
	for (p = 0; p < 3000; p++) {
		pattern[0] = '\0';
		gen_pattern(pattern, sizeof pattern, 0);
		code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, BK__PCRE2_OPTIONS,
		    &err, &off, NULL);
		if (code == NULL)
			continue;
		pcre2_pattern_info(code, PCRE2_INFO_MATCHEMPTY, &empty);
		if (empty) {
			pcre2_code_free(code);
			continue;
		}
		assert_int_equal(bk__trigger_derive(pattern, code, &t), BK_OK);
		kinds[t.kind]++;
		md = pcre2_match_data_create_from_pattern(code, NULL);
		assert_non_null(md);
		for (k = 0; k < 100; k++) {
			subject[0] = '\0';
			n = rng(24);
			for (j = 0; j < n; j++)
				strcat(subject, pieces[rng(sizeof pieces / sizeof pieces[0])]);
			if (pcre2_match(code, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md, mctx) <= 0)
				continue;
			matches++;
			ov = pcre2_get_ovector_pointer(md);
			if (!trigger_passes(&t, subject + ov[0], ov[1] - ov[0]))
				fail_msg("the trigger (kind %d, digits %u, literal '%s') of %s rejects "
				    "'%.*s'", (int)t.kind, t.digits, t.literal ? t.literal : "",
				    pattern, (int)(ov[1] - ov[0]), subject + ov[0]);
		}
		pcre2_match_data_free(md);
		bk__trigger_fini(&t);
		pcre2_code_free(code);
	}
	pcre2_match_context_free(mctx);
	/* The test means something only if the patterns matched often. */
	print_message("%u matches checked; triggers: %u digits, %u literal, %u always\n", matches,
	    kinds[BK_TRIGGER_DIGITS], kinds[BK_TRIGGER_LITERAL], kinds[BK_TRIGGER_ALWAYS]);
	assert_true(matches > 20000);
	assert_true(kinds[BK_TRIGGER_DIGITS] > 200 && kinds[BK_TRIGGER_LITERAL] > 200);
}

/* A literal longer than the trigger keeps is cut at a character boundary. */
static void
test_trigger_long_literal(void **state)
{
	const char *pattern = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほ\\d";
	struct bk__trigger t;

	(void)state;
	assert_int_equal(bk__trigger_derive(pattern, NULL, &t), BK_OK);
	assert_int_equal(t.kind, BK_TRIGGER_LITERAL);
	assert_int_equal(t.len, 63);
	assert_int_equal(memcmp(t.literal, pattern, 63), 0);
	bk__trigger_fini(&t);
}

/* The default trigger through the loader: derived only when the file does not choose one. */
static void
test_trigger_in_rules(void **state)
{
	bk_ruleset *rs = new_set();
	const bk_rule *r;

	(void)state;
	assert_int_equal(load(rs, "[t.a]\ndescription = d\ncategory = contact\nseverity = low\n"
	    "pattern = \\d{3}-\\d{4}\n"
	    "[t.b]\ndescription = d\ncategory = contact\nseverity = low\n"
	    "pattern = \\d{3}-\\d{4}\ntrigger = always\n"
	    "[t.c]\ndescription = d\ncategory = contact\nseverity = low\n"
	    "pattern = \\d{3}-\\d{4}\ntrigger = literal   TEL:  x\n"), BK_OK);
	r = bk_ruleset_find(rs, "t.a");
	assert_int_equal(bk_rule_trigger(r), BK_TRIGGER_DIGITS);
	assert_int_equal(r->trigger.digits, 7);
	assert_true(r->trigger.derived);
	r = bk_ruleset_find(rs, "t.b");
	assert_int_equal(bk_rule_trigger(r), BK_TRIGGER_ALWAYS);
	assert_false(r->trigger.derived);
	r = bk_ruleset_find(rs, "t.c");
	assert_int_equal(bk_rule_trigger(r), BK_TRIGGER_LITERAL);
	assert_string_equal(r->trigger.literal, "TEL:  x");
	assert_int_equal(r->trigger.len, 7);
	bk_ruleset_free(rs);
}

/* "after" with one set of bytes, or two: the first then for the byte two before the run. */
static void
test_trigger_after(void **state)
{
	bk_ruleset *rs = new_set();
	const bk_rule *r;
	char buf[64];

	(void)state;
	assert_int_equal(load(rs, RULE("t.one") "trigger = digits 4 after +\n"
	    RULE("t.two") "trigger = digits 2 sep space after A-Z A-Z\n"
	    RULE("t.whole") "validator = luhn\ntrigger = digits 8 after A-Z A-Z whole\n"
	    RULE("t.none") "trigger = digits 8-8 sep none after A-Z A-Z\n"
	    RULE("t.groups") "validator = luhn\ntrigger = digits 10-10 sep dash groups 2 whole\n"
	    RULE("t.range") "trigger = digits 6 groups 1-3\n"), BK_OK);
	assert_string_equal(errs, "");
	r = bk_ruleset_find(rs, "t.one");
	assert_true(r->trigger.has_after);
	assert_false(r->trigger.has_after2);
	assert_string_equal(bk_rule_trigger_text(r, buf, sizeof buf), "digits 4 after +");
	r = bk_ruleset_find(rs, "t.two");
	assert_true(r->trigger.has_after2);
	assert_true(r->trigger.after2['Q' >> 3] >> ('Q' & 7) & 1);
	assert_false(r->trigger.after2['q' >> 3] >> ('q' & 7) & 1);
	assert_string_equal(bk_rule_trigger_text(r, buf, sizeof buf),
	    "digits 2 sep space after A-Z A-Z");
	r = bk_ruleset_find(rs, "t.whole");
	assert_true(r->trigger.whole);
	assert_string_equal(bk_rule_trigger_text(r, buf, sizeof buf), "digits 8 after A-Z A-Z whole");
	r = bk_ruleset_find(rs, "t.none");
	assert_int_equal(r->trigger.seps, BK__SEP_NONE);
	assert_string_equal(bk_rule_trigger_text(r, buf, sizeof buf),
	    "digits 8-8 sep none after A-Z A-Z");
	r = bk_ruleset_find(rs, "t.groups");
	assert_int_equal(r->trigger.min_groups, 2);
	assert_int_equal(r->trigger.max_groups, 2);
	assert_string_equal(bk_rule_trigger_text(r, buf, sizeof buf),
	    "digits 10-10 sep dash groups 2 whole");
	r = bk_ruleset_find(rs, "t.range");
	assert_string_equal(bk_rule_trigger_text(r, buf, sizeof buf), "digits 6 groups 1-3");
	bk_ruleset_free(rs);
}

/* ---- what the engine relies on ------------------------------------------ */

static void
test_jit_when_available(void **state)
{
	bk_ruleset *rs = new_set();
	const bk_rule *r;
	uint32_t jit = 0;
	size_t size = 0;

	(void)state;
	assert_int_equal(load(rs, RULE("t.a")), BK_OK);
	r = bk_ruleset_rule(rs, 0);
	assert_int_equal(pcre2_config(PCRE2_CONFIG_JIT, &jit), 0);
	assert_int_equal(pcre2_pattern_info(r->code, PCRE2_INFO_JITSIZE, &size), 0);
	assert_int_equal(r->jit, jit != 0);
	assert_int_equal(size > 0, jit != 0);
	if (!jit)
		print_message("note: this PCRE2 has no JIT; rules use the interpreter\n");
	bk_ruleset_free(rs);
}

static int
match(const bk_rule *r, struct bk__matcher *m, const char *s, size_t *start, size_t *end)
{
	pcre2_match_data *md = pcre2_match_data_create(r->captures + 1, NULL);
	PCRE2_SIZE *ov;
	int rc;

	assert_non_null(md);
	rc = pcre2_match(r->code, (PCRE2_SPTR)s, strlen(s), 0, 0, md, m->mctx);
	if (rc > 0) {
		ov = pcre2_get_ovector_pointer(md);
		*start = ov[2 * r->value_group];
		*end = ov[2 * r->value_group + 1];
	}
	pcre2_match_data_free(md);
	return rc;
}

static void
test_matching_policy(void **state)
{
	static const char text[] =
	    "[t.number]\ndescription = d\ncategory = contact\nseverity = low\n"
	    "pattern = (?<![0-9])(?<value>\\d{4}-\\d{4})(?![0-9])\n"
	    "[t.evil]\ndescription = d\ncategory = contact\nseverity = low\n"
	    "pattern = ^(a|aa)+$\n";
	char evil[64];
	struct bk__matcher m;
	bk_ruleset *rs = new_set();
	const bk_rule *r;
	size_t s = 0, e = 0;

	(void)state;
	assert_int_equal(load(rs, text), BK_OK);
	assert_int_equal(bk__ruleset_max_captures(rs), 1);
	assert_int_equal(bk__matcher_init(&m), BK_OK);
	r = bk_ruleset_find(rs, "t.number");

	/* Invalid UTF-8 in the subject never makes matching fail. */
	assert_true(match(r, &m, "\xff\xfe id 1234-5678 \xc3", &s, &e) > 0);
	assert_int_equal(s, 6);
	assert_int_equal(e, 15);
	/* \d is ASCII only: Arabic-Indic and full-width digits (left by a missing fold) do not match. */
	assert_int_equal(match(r, &m, "\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4-\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4",
	    &s, &e), PCRE2_ERROR_NOMATCH);
	assert_int_equal(match(r, &m, "１２３４-５６７８", &s, &e), PCRE2_ERROR_NOMATCH);

	/* Catastrophic backtracking stops at the match limit. */
	memset(evil, 'a', sizeof evil - 2);
	evil[sizeof evil - 2] = 'b';
	evil[sizeof evil - 1] = '\0';
	assert_int_equal(match(bk_ruleset_find(rs, "t.evil"), &m, evil, &s, &e),
	    PCRE2_ERROR_MATCHLIMIT);

	bk__matcher_fini(&m);
	bk__matcher_fini(&m);	/* twice is harmless */
	bk_ruleset_free(rs);
}

static void
test_names(void **state)
{
	enum bk_severity s;
	enum bk_confidence c;

	(void)state;
	assert_string_equal(bk_severity_name(BK_SEVERITY_LOW), "low");
	assert_string_equal(bk_severity_name(BK_SEVERITY_CRITICAL), "critical");
	assert_string_equal(bk_severity_name((enum bk_severity)9), "unknown");
	assert_string_equal(bk_confidence_name(BK_CONFIDENCE_LOW), "low");
	assert_string_equal(bk_confidence_name(BK_CONFIDENCE_HIGH), "high");
	assert_string_equal(bk_confidence_name((enum bk_confidence)0), "unknown");
	assert_int_equal(bk_severity_parse("medium", &s), BK_OK);
	assert_int_equal(s, BK_SEVERITY_MEDIUM);
	assert_int_equal(bk_severity_parse("Medium", &s), BK_ERROR);
	assert_int_equal(bk_confidence_parse("medium", &c), BK_OK);
	assert_int_equal(c, BK_CONFIDENCE_MEDIUM);
	assert_int_equal(bk_confidence_parse("critical", &c), BK_ERROR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_rest_of_file_loads),
		cmocka_unit_test(test_long_value_in_message),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_bom_and_crlf),
		cmocka_unit_test(test_no_rules),
		cmocka_unit_test(test_load_file_missing),
		cmocka_unit_test(test_load_dir),
		cmocka_unit_test(test_load_dir_errors),
		cmocka_unit_test(test_replacement_keeps_place),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_trigger_derivation),
		cmocka_unit_test(test_trigger_never_hides_a_match),
		cmocka_unit_test(test_trigger_long_literal),
		cmocka_unit_test(test_trigger_in_rules),
		cmocka_unit_test(test_trigger_after),
		cmocka_unit_test(test_jit_when_available),
		cmocka_unit_test(test_matching_policy),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
