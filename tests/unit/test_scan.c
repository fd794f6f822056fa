/*
 * test_scan.c - unit tests of lib/scan.c and lib/summary.c with small rule
 * sets written inline: triggers (digit runs per separator set and bound,
 * literal alternatives), context before and after within the distance,
 * context words at every offset and in any case (the index reads two bytes
 * at a time), digit groups across 64-byte blocks, CSV header context,
 * rules that need context skipping lines without it,
 * the same bytes claimed by two rules, offsets of folded text, and the
 * distinct counts of a summary.
 */
#include "testutil.h"

/* A rule stanza with the keys every rule needs. */
#define RULE(id, extra) \
	"[" id "]\ndescription = d\ncategory = contact\nseverity = medium\n" extra "\n"

/* Findings of one line as "rule start-end value confidence why;" */
struct collect {
	char out[1024];
	size_t len;
};

static int
collect(void *ctx, const struct bk_finding *f)
{
	struct collect *c = ctx;

	c->len += (size_t)snprintf(c->out + c->len, sizeof c->out - c->len, "%s %zu-%zu %.*s %s%s%s%s;",
	    bk_rule_id(f->rule), f->start, f->end, (int)f->value_len, f->value,
	    bk_confidence_name(f->confidence), f->why & BK_WHY_VALIDATOR ? " v" : "",
	    f->why & BK_WHY_CONTEXT ? " ctx:" : f->why & BK_WHY_HEADER ? " hdr:" : "",
	    f->context != NULL ? f->context : "");
	return 0;
}

static bk_ruleset *
rules(const char *text)
{
	bk_ruleset *rs = bk_ruleset_new();

	assert_non_null(rs);
	assert_int_equal(bk_ruleset_load_string(rs, "t.rules", text, strlen(text)), BK_OK);
	return rs;
}

/* Scans LINE with SC and compares the findings with WANT. */
static void
check(bk_scanner *sc, const char *line, const char *want)
{
	struct collect c = { "", 0 };

	assert_int_equal(bk_scanner_line(sc, line, strlen(line), collect, &c), BK_OK);
	assert_string_equal(c.out, want);
}

static void
test_digit_runs_and_separators(void **state)
{
	bk_ruleset *rs = rules(
	    RULE("t.dash", "pattern = (?<![0-9])[0-9]{4}-[0-9]{6}(?![0-9])\n"
			   "trigger = digits 10-10 sep dash")
	    RULE("t.loose", "pattern = [0-9]{4}-[0-9]{6}\ntrigger = digits 10-10 sep dash")
	    RULE("t.any", "pattern = (?<![0-9])[0-9]{3}[./][0-9]{3}(?![0-9])\ntrigger = digits 6"));
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);

	(void)state;
	check(sc, "id 7511-669041 ok", "t.dash 3-14 7511-669041 medium;");
	/* Joined to another number by a space: a dash-only run is still 10 digits. */
	check(sc, "2015 7511-669041", "t.dash 5-16 7511-669041 medium;");
	/*
	 * Inside a longer dash chain the run is 14 digits, but whole groups of it
	 * hold 10: those are tried, and the pattern decides.
	 */
	check(sc, "2015-7511-669041", "t.dash 5-16 7511-669041 medium;");
	/* No run of whole groups holds 10 digits: not tried, though the pattern would match. */
	check(sc, "12345-669041", "");
	/* Dots join digits only for rules that allow them. */
	check(sc, "v 123.456 and 123/456", "t.any 2-9 123.456 medium;t.any 14-21 123/456 medium;");
	check(sc, "no digits here", "");
	bk_scanner_free(sc);
	bk_ruleset_free(rs);
}

/* What "first", "after", "paren" and "whole" let through, with patterns looser than they are. */
static void
test_trigger_narrowing(void **state)
{
	bk_ruleset *rs = rules(
	    RULE("t.first", "pattern = [0-9]{10}\ntrigger = digits 10-10 first 0")
	    RULE("t.after", "pattern = [0-9]{4}\ntrigger = digits 4-4 after +")
	    RULE("t.paren", "pattern = \\(0[0-9]\\)[0-9]{4}\ntrigger = digits 6-6 sep paren first 0")
	    RULE("t.whole", "pattern = [0-9]{6}\nvalidator = luhn\ntrigger = digits 6-6 sep dash whole")
	    RULE("t.two", "pattern = [0-9]{5}\ntrigger = digits 5-5 after A-Z A-Z")
	    RULE("t.none", "pattern = (?<![0-9.])[0-9.]{3,4}(?![0-9.])\ntrigger = digits 3-3 sep none")
	    RULE("t.groups", "pattern = (?<![0-9-])[0-9-]{9,10}(?![0-9-])\ntrigger = digits 9-9 sep dash groups 2"));
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);

	(void)state;
	check(sc, "call 0312345678", "t.first 5-15 0312345678 medium;");
	check(sc, "call 1312345678", "");
	check(sc, "tz +0900", "t.after 4-8 0900 medium;");
	check(sc, "tz 0900", "");
	check(sc, "(03)1234", "t.paren 0-8 (03)1234 medium;");
	check(sc, "(13)1234", "");
	/* The run is validated before the pattern runs: 123455 passes Luhn, 123456 does not. */
	check(sc, "id 123455", "t.whole 3-9 123455 medium v;");
	check(sc, "id 123456", "");
	/* A run of whole groups inside a longer chain is validated on its own. */
	check(sc, "id 12-123455", "t.whole 6-12 123455 medium v;");
	/* Two letters before the run, as an IBAN's; one is not enough. */
	check(sc, "id XY12345", "t.two 5-10 12345 medium;");
	check(sc, "id (Y12345", "");
	check(sc, "id XY12345 and then (Z54321", "t.two 5-10 12345 medium;");
	/* "sep none": a group of its own, not one joined to others. */
	check(sc, "v 123 and 4-5", "t.none 2-5 123 medium;");
	check(sc, "v 1.23 and 12.3", "");
	/* "groups 2": two groups joined, not one, not three. */
	check(sc, "n 1234-56789", "t.groups 2-12 1234-56789 medium;");
	check(sc, "n 123456789 and 12-34567-89", "");
	check(sc, "Y12345", "");
	bk_scanner_free(sc);
	bk_ruleset_free(rs);
}

static void
test_literal_alternatives(void **state)
{
	bk_ruleset *rs = rules(RULE("t.key", "pattern = (?:AKIA|ASIA)[A-Z2-7]{4}\ntrigger = literal AKIA|ASIA"));
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);

	(void)state;
	/* The second alternative occurs first: windows come out in order anyway. */
	check(sc, "ASIAABCD then AKIAWXYZ", "t.key 0-8 ASIAABCD medium;t.key 14-22 AKIAWXYZ medium;");
	bk_scanner_free(sc);
	bk_ruleset_free(rs);
}

/*
 * Literal triggers are gated by a pass over their first bytes (four at
 * most; the rules past them are tried in every line): each literal at every
 * offset of lines as short as itself and longer than the pass's 16 bytes,
 * a first byte without its second, and more first bytes than the pass holds.
 */
static void
test_literal_leads(void **state)
{
	bk_ruleset *rs = rules(
	    RULE("t.key", "pattern = (?:AKIA|ASIA)[A-Z]{2}\ntrigger = literal AKIA|ASIA")
	    RULE("t.usd", "pattern = \\$[0-9]\ntrigger = literal $")
	    RULE("t.at", "pattern = [a-z](?:@|%40)[a-z]\ntrigger = literal @|%40")
	    RULE("t.e", "pattern = E#[0-9]\ntrigger = literal E#")
	    RULE("t.f", "pattern = F![0-9]\ntrigger = literal F!"));
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);
	static const struct {
		const char *text, *rule;
	} cases[] = {
		{ "AKIAXY", "t.key" }, { "ASIAXY", "t.key" }, { "$5", "t.usd" }, { "a@b", "t.at" },
		{ "a%40b", "t.at" }, { "E#1", "t.e" }, { "F!2", "t.f" },
	};
	char line[64], want[128];

	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
		for (size_t at = 0; at <= 40; at++) {
			size_t len = strlen(cases[c].text);

			memset(line, '.', at);
			memcpy(line + at, cases[c].text, len + 1);
			snprintf(want, sizeof want, "%s %zu-%zu %s medium;", cases[c].rule, at, at + len,
			    cases[c].text);
			check(sc, line, want);
		}
	check(sc, "AK AS AKI. ASI. % %4 E F", "");
	bk_scanner_free(sc);
	bk_ruleset_free(rs);
}

static void
test_context_raises_and_is_required(void **state)
{
	bk_ruleset *rs = rules(
	    RULE("t.num", "pattern = (?<![0-9])[0-9]{8}(?![0-9])\nconfidence = low\n"
			  "context-confidence = high\ncontext = 番号 \"card no\"\ndistance = 4")
	    RULE("t.req", "pattern = (?<![0-9])[0-9]{5}(?![0-9])\nrequire-context = yes\n"
			  "context = zip\ndistance = 2"));
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);
	bk_scanner *low = bk_scanner_new(rs, BK_CONFIDENCE_LOW);

	(void)state;
	/* Alone the number is low: below the minimum, not reported. */
	check(sc, "order 12345678", "");
	check(low, "order 12345678", "t.num 6-14 12345678 low;");
	/* A word ending within 4 characters before, or starting within 4 after. */
	check(sc, "番号: 12345678", "t.num 8-16 12345678 high ctx:番号;");
	check(sc, "12345678 (card no)", "t.num 0-8 12345678 high ctx:card no;");
	check(sc, "CARD NO 12345678", "t.num 8-16 12345678 high ctx:card no;");
	/* Five characters away is too far. */
	check(sc, "番号 is: 12345678", "");
	/* A rule that requires context finds nothing without it. */
	check(sc, "zip 12345", "t.req 4-9 12345 high ctx:zip;");
	check(sc, "ref 12345", "");
	bk_scanner_free(sc);
	bk_scanner_free(low);
	bk_ruleset_free(rs);
}

/*
 * The context index reads the line two bytes at a time: a word must be
 * found at every offset, in any mix of ASCII case, at the very start and
 * the very end of the line, whatever its length (two bytes: searched
 * directly; three: the shortest with an anchor).
 */
static void
test_context_every_offset(void **state)
{
	bk_ruleset *rs = rules(
	    RULE("t.req", "pattern = (?<![0-9])[0-9]{5}(?![0-9])\nrequire-context = yes\n"
			  "context = \"card no\" 番号 ab xyz\ndistance = 3"));
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);
	static const char *const words[][2] = {
		{ "card no", "card no" }, { "CaRd No", "card no" }, { "番号", "番号" },
		{ "AB", "ab" }, { "xYz", "xyz" },
	};
	char line[128], want[128];

	(void)state;
	for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
		for (int pad = 0; pad < 9; pad++) {
			size_t len = strlen(words[w][0]);

			/* Before the value, the word PAD bytes into the line. */
			snprintf(line, sizeof line, "%.*s%s: 12345", pad, "--------", words[w][0]);
			snprintf(want, sizeof want, "t.req %zu-%zu 12345 high ctx:%s;", pad + len + 2,
			    pad + len + 7, words[w][1]);
			check(sc, line, want);
			/* After it, the word ending the line. */
			snprintf(line, sizeof line, "%.*s12345 %s", pad, "--------", words[w][0]);
			snprintf(want, sizeof want, "t.req %d-%d 12345 high ctx:%s;", pad, pad + 5,
			    words[w][1]);
			check(sc, line, want);
		}
	}
	/* Near misses: a word cut short at the end, or a byte changed. */
	check(sc, "12345 card n", "");
	check(sc, "12345 xy", "");
	check(sc, "12345 ard no", "");
	check(sc, "番 12345", "");
	bk_scanner_free(sc);
	bk_ruleset_free(rs);
}

/*
 * Digit groups are read 64 bytes at a time: a number on either side of a
 * block's edge, ending one, or running through one is whole.
 */
static void
test_groups_across_blocks(void **state)
{
	bk_ruleset *rs = rules(RULE("t.ten", "pattern = (?<![0-9])[0-9]{10}(?![0-9])\n"
					     "trigger = digits 10-10"));
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);
	char line[200], want[64];

	(void)state;
	for (int at = 50; at <= 130; at++) {
		memset(line, 'x', (size_t)at);
		memcpy(line + at, "1234567890", 10);
		line[at + 10] = '\0';
		snprintf(want, sizeof want, "t.ten %d-%d 1234567890 medium;", at, at + 10);
		check(sc, line, want);	/* the number ends the line */
		memcpy(line + at + 10, "y7", 3);
		check(sc, line, want);	/* a group follows */
		line[at + 9] = '\0';
		check(sc, line, "");	/* nine digits */
	}
	/* 64 digits and more are one group, not a candidate of ten. */
	memset(line, '1', 130);
	line[130] = '\0';
	check(sc, line, "");
	bk_scanner_free(sc);
	bk_ruleset_free(rs);
}

/*
 * The line plan passes rules over by the shapes of the line's digit runs:
 * separators of other rules joining a run, numbers after given bytes, rules
 * live only with context. Every case sits at offsets across the first
 * 64-byte edge of the line's masks, and must find exactly what the rules say.
 */
static void
test_line_plan(void **state)
{
	bk_ruleset *rs = rules(
	    RULE("t.dash", "pattern = (?<![0-9])[0-9]{3}-[0-9]{4}(?![0-9])\ntrigger = digits 7-7 sep dash")
	    RULE("t.space", "pattern = (?<![0-9])[0-9]{3} [0-9]{3} [0-9]{3}(?![0-9])\n"
		 "trigger = digits 9-9 sep space")
	    RULE("t.after", "pattern = (?<![A-Za-z0-9])[A-Z]{2}[0-9]{4}(?![0-9])\n"
		 "trigger = digits 4-4 after A-Z")
	    RULE("t.ctx", "pattern = (?<![0-9])[0-9]{8}(?![0-9])\nrequire-context = yes\n"
		 "context = acct\ntrigger = digits 8-8")
	    RULE("t.two", "pattern = (?<![0-9])[0-9]{5}(?![0-9])\ntrigger = digits 5-5 after A-Z A-Z"));
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);
	static const struct {
		const char *text;
		int from, to;		/* of the finding in TEXT; from < 0: none */
		const char *rule, *rest;	/* its rule; its value, confidence and why */
	} cases[] = {
		{ "123-4567", 0, 8, "t.dash", "123-4567 medium" },
		{ "123 4567", -1, 0, NULL, NULL },
		{ "555 123-4567", 4, 12, "t.dash", "123-4567 medium" },
		{ "12 345 678 901", 3, 14, "t.space", "345 678 901 medium" },
		{ "AB1234", 0, 6, "t.after", "AB1234 medium" },
		{ "ab1234", -1, 0, NULL, NULL },
		{ "A 1234", -1, 0, NULL, NULL },
		{ "acct 12345678", 5, 13, "t.ctx", "12345678 high ctx:acct" },
		{ "12345678", -1, 0, NULL, NULL },
		{ "XY12345", 2, 7, "t.two", "12345 medium" },
		{ "(Y12345", -1, 0, NULL, NULL },
	};
	char line[256], want[128];

	(void)state;
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
		for (int at = 50; at <= 72; at++) {
			memset(line, ' ', (size_t)at);
			snprintf(line + at, sizeof line - (size_t)at, "%s z", cases[c].text);
			if (cases[c].from < 0)
				want[0] = '\0';
			else
				snprintf(want, sizeof want, "%s %d-%d %s;", cases[c].rule,
				    at + cases[c].from, at + cases[c].to, cases[c].rest);
			check(sc, line, want);
		}
	bk_scanner_free(sc);
	bk_ruleset_free(rs);
}

/*
 * More rules than one word of a rule set holds: 70 digits rules, each for
 * 7-digit numbers that start with its own two digits (10 to 79), the
 * first digit also in its trigger. Rules past the 64th are planned from
 * the second word of every set, and the plan keeps the set's order.
 */
static void
test_many_rules(void **state)
{
	static char text[70 * 160];
	size_t len = 0;

	(void)state;
	for (int k = 0; k < 70; k++)
		len += (size_t)snprintf(text + len, sizeof text - len,
		    RULE("t.r%02d", "pattern = (?<![0-9])%d[0-9]{5}(?![0-9])\ntrigger = digits 7-7 first %d"),
		    k, 10 + k, (10 + k) / 10);
	bk_ruleset *rs = rules(text);
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);

	assert_int_equal(bk_ruleset_count(rs), 70);
	check(sc, "id 7712345 and 1012345", "t.r67 3-10 7712345 medium;t.r00 15-22 1012345 medium;");
	check(sc, "7912345", "t.r69 0-7 7912345 medium;");
	check(sc, "id 771234 and 80123456", "");
	bk_scanner_free(sc);
	bk_ruleset_free(rs);
}

static void
test_header_context(void **state)
{
	bk_ruleset *rs = rules(RULE("t.req", "pattern = (?<![0-9])[0-9]{5}(?![0-9])\n"
					     "require-context = yes\ncontext = zip"));
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);
	const char *hdr = "name,\"ZIP code\",note";

	(void)state;
	assert_int_equal(bk_scanner_set_header(sc, hdr, strlen(hdr), ','), BK_OK);
	/* The column under a header naming a context word counts; the others do not. */
	check(sc, "\"a, b\",12345,54321", "t.req 7-12 12345 high hdr:zip;");
	/* Cells past the header's columns have no header; an empty cell before is still a cell. */
	check(sc, "x,,y,12345", "");
	check(sc, ",12345", "t.req 1-6 12345 high hdr:zip;");
	/* Doubled quotes inside a quoted cell; a quote never closed runs to the end. */
	check(sc, "\"a \"\"x\"\", b\",12345", "t.req 13-18 12345 high hdr:zip;");
	check(sc, "\"a, b,12345,54321", "");
	assert_int_equal(bk_scanner_set_header(sc, NULL, 0, 0), BK_OK);
	check(sc, "\"a, b\",12345,54321", "");
	bk_scanner_free(sc);
	bk_ruleset_free(rs);
}

/* In a file with a header, a value is looked for within the cell of its trigger, not across cells. */
static void
test_csv_cells(void **state)
{
	bk_ruleset *rs = rules(RULE("t.cross", "pattern = (?<![0-9])[0-9]{3},[0-9]{3}(?![0-9])\n"
					       "trigger = digits 3-3 sep none"));
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);
	const char *hdr = "a,b,c";

	(void)state;
	check(sc, "x 123,456", "t.cross 2-9 123,456 medium;");
	assert_int_equal(bk_scanner_set_header(sc, hdr, strlen(hdr), ','), BK_OK);
	check(sc, "x 123,456", "");
	check(sc, "\"x 123,456\",7", "t.cross 3-10 123,456 medium;");
	bk_scanner_free(sc);
	bk_ruleset_free(rs);
}

static void
test_same_bytes_two_rules(void **state)
{
	bk_ruleset *rs = rules(
	    RULE("t.weak", "pattern = [0-9]{6}\nconfidence = medium")
	    RULE("t.strong", "pattern = [0-9]{6}\nconfidence = high"));
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);

	(void)state;
	/* One finding: the more confident rule's, though it was loaded second. */
	check(sc, "x 123456 y", "t.strong 2-8 123456 high;");
	bk_scanner_free(sc);
	bk_ruleset_free(rs);
}

static void
test_offsets_of_folded_text(void **state)
{
	bk_ruleset *rs = rules(RULE("t.tel", "pattern = 0[789]0-[0-9]{4}-[0-9]{4}"));
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);

	(void)state;
	/* Full-width digits and dashes: found folded, offsets in the original bytes. */
	check(sc, "電話 ０９０－３８１７－２９４６", "t.tel 7-46 090-3817-2946 medium;");
	bk_scanner_free(sc);
	bk_ruleset_free(rs);
}

static void
test_validator_filters(void **state)
{
	bk_ruleset *rs = rules(RULE("t.mn", "pattern = (?<![0-9])[0-9]{12}(?![0-9])\nvalidator = my_number"));
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);

	(void)state;
	check(sc, "391504276812 391504276813", "t.mn 0-12 391504276812 medium v;");
	bk_scanner_free(sc);
	bk_ruleset_free(rs);
}

static int
add_to_summary(void *ctx, const struct bk_finding *f)
{
	assert_int_equal(bk_summary_add(ctx, f), BK_OK);
	return 0;
}

static void
test_summary_distinct(void **state)
{
	bk_ruleset *rs = rules(
	    RULE("t.tel", "pattern = 0[789]0-?[0-9]{4}-?[0-9]{4}")
	    RULE("t.mail", "pattern = [A-Za-z]+@[A-Za-z]+\\.example"));
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);
	bk_summary *sum = bk_summary_new();
	const char *lines[] = { "090-3817-2946 a@b.example", "09038172946", "A@B.example",
		"c@d.example 080-1111-2222" };
	const struct bk_summary_rule *r;
	size_t n;

	(void)state;
	bk_summary_reset(sum);
	for (size_t i = 0; i < 4; i++) {
		bk_summary_line(sum);
		assert_int_equal(bk_scanner_line(sc, lines[i], strlen(lines[i]), add_to_summary, sum),
		    BK_OK);
	}
	assert_int_equal(bk_summary_lines(sum), 4);
	assert_int_equal(bk_summary_findings(sum), 6);
	/* Spellings agree (090-3817-2946 = 09038172946, A@B = a@b): 2 phones, 2 mails. */
	assert_int_equal(bk_summary_distinct(sum), 4);
	r = bk_summary_rules(sum, &n);
	assert_int_equal(n, 2);
	assert_string_equal(bk_rule_id(r[0].rule), "t.tel");
	assert_int_equal(r[0].findings, 3);
	assert_int_equal(r[0].distinct, 2);
	assert_int_equal(r[1].distinct, 2);
	assert_false(bk_summary_capped(sum));
	/* A new file starts from nothing. */
	bk_summary_reset(sum);
	assert_int_equal(bk_summary_distinct(sum), 0);
	bk_summary_rules(sum, &n);
	assert_int_equal(n, 0);
	bk_summary_free(sum);
	bk_scanner_free(sc);
	bk_ruleset_free(rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digit_runs_and_separators),
		cmocka_unit_test(test_trigger_narrowing),
		cmocka_unit_test(test_literal_alternatives),
		cmocka_unit_test(test_literal_leads),
		cmocka_unit_test(test_context_raises_and_is_required),
		cmocka_unit_test(test_context_every_offset),
		cmocka_unit_test(test_groups_across_blocks),
		cmocka_unit_test(test_line_plan),
		cmocka_unit_test(test_many_rules),
		cmocka_unit_test(test_header_context),
		cmocka_unit_test(test_csv_cells),
		cmocka_unit_test(test_same_bytes_two_rules),
		cmocka_unit_test(test_offsets_of_folded_text),
		cmocka_unit_test(test_validator_filters),
		cmocka_unit_test(test_summary_distinct),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
