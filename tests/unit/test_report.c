/*
 * test_report.c - unit tests of lib/report.c and its renderers: alerts
 * merged into incidents and ranked, the headline figures (detectors that
 * measure the same traffic are not added up), findings replaced by a
 * bk-scan summary of the same file, people from inventories and summaries,
 * the memory bounds (capped lists, counted rest), contract errors, display
 * width, and the renderers' promises: text within the width and free of
 * control characters, HTML with every string escaped, JSON that reads back.
 */
#include "testutil.h"

#include <jansson.h>
#include <math.h>

#include "record-private.h"
#include "report-private.h"

/* Adds one NDJSON line to R; returns bk_report_add's result. */
static int
add(bk_report *r, const char *line)
{
	bk_reader *rd = bk_reader_new();
	const bk_record *rec;
	int rc;

	assert_non_null(rd);
	assert_int_equal(bk__reader_parse(rd, line, strlen(line), 1, &rec), BK_OK);
	rc = bk_report_add(r, rec);
	bk_reader_free(rd);
	return rc;
}

/* Renders R with FN into a string (caller frees). */
static char *
render(const bk_report *r, int format, unsigned width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct bk_report_text_opts o = { .width = width };

	assert_non_null(f);
	if (format == BK_REPORT_TEXT)
		assert_int_equal(bk_report_text(r, f, &o), BK_OK);
	else if (format == BK_REPORT_JSON)
		assert_int_equal(bk_report_json(r, f), BK_OK);
	else
		assert_int_equal(bk_report_html(r, f), BK_OK);
	assert_int_equal(fclose(f), 0);
	return buf;
}

#define ALERT(det, sev, actor, extra) \
	"{\"type\":\"alert\",\"detector\":\"" det "\",\"severity\":\"" sev "\",\"actor\":\"" actor \
	"\",\"first\":\"2015-05-08T01:00:00.000Z\",\"last\":\"2015-05-08T01:30:00.000Z\"" extra "}"

static void
test_incidents(void **state)
{
	bk_report *r = bk_report_new();
	const struct bk__incident *in;

	(void)state;
	assert_int_equal(add(r, ALERT("bulk-distinct", "medium", "a", ",\"score\":0.4,"
	    "\"metric\":\"distinct_records\",\"value\":100,\"reason\":\"weak\"")), BK_OK);
	assert_int_equal(add(r, ALERT("bulk-distinct", "high", "a", ",\"score\":0.9,"
	    "\"metric\":\"distinct_records\",\"value\":700,\"reason\":\"strong\"")), BK_OK);
	assert_int_equal(add(r, ALERT("off-hours", "low", "a", "")), BK_OK);
	/* Rows stand in for distinct records only where none were counted. */
	assert_int_equal(
	    add(r, ALERT("bulk-rows", "low", "a", ",\"metric\":\"rows\",\"value\":9000")), BK_OK);
	assert_int_equal(
	    add(r, ALERT("bulk-rows", "low", "c", ",\"metric\":\"rows\",\"value\":9000")), BK_OK);
	assert_int_equal(add(r, ALERT("bulk-distinct", "critical", "b", ",\"object\":\"persons\"")),
	    BK_OK);
	/* Two detectors measuring the same upload: the larger figure, not the sum. */
	assert_int_equal(add(r, "{\"type\":\"alert\",\"detector\":\"upload-volume\",\"severity\":"
	                        "\"high\",\"ip\":\"10.0.0.5\",\"dst\":\"x.example\",\"first\":"
	                        "\"2015-05-08T10:00:00+09:00\","
	                        "\"metric\":\"bytes_out\",\"value\":5000,\"bytes\":5000}"),
	    BK_OK);
	assert_int_equal(add(r, "{\"type\":\"alert\",\"detector\":\"new-destination\",\"severity\":"
	                        "\"medium\",\"ip\":\"10.0.0.5\",\"dst\":\"x.example\",\"first\":"
	                        "\"2015-05-08T01:00:00Z\","
	                        "\"bytes\":4000}"),
	    BK_OK);
	bk_report_finish(r);

	assert_int_equal(r->nincidents, 4);
	in = &r->incidents[0];
	assert_string_equal(in->actor, "b");
	assert_int_equal(in->rank, 1);
	assert_int_equal(in->severity, BK_SEVERITY_CRITICAL);
	/* Then by score: a's 0.9 before the upload's none. */
	in = &r->incidents[1];
	assert_string_equal(in->actor, "a");
	assert_int_equal(in->alerts, 4);
	assert_int_equal(in->nitems, 3);	/* one per detector, the strongest kept */
	assert_string_equal(in->items[0].reason, "strong");
	assert_int_equal(in->records, 800);	/* both windows of bulk-distinct */
	in = &r->incidents[2];
	assert_null(in->actor);
	assert_string_equal(in->dst, "x.example");
	assert_int_equal(in->bytes, 5000);
	assert_int_equal(in->first, INT64_C(1431046800000));	/* 10:00+09:00 is 01:00Z */
	assert_string_equal(r->incidents[3].actor, "c");
	assert_int_equal(r->incidents[3].records, 9000);
	assert_int_equal(r->records_read, 9800);
	assert_int_equal(r->bytes_out, 5000);
	assert_true(bk_report_reaches(r, BK_SEVERITY_CRITICAL));

	/* The timeline: by time, then rank. */
	assert_int_equal(r->ntimeline, 7);
	for (size_t i = 1; i < r->ntimeline; i++)
		assert_true(r->timeline[i - 1]->first <= r->timeline[i]->first);
	assert_string_equal(r->timeline[0]->incident->actor, "b");
	bk_report_free(r);
}

static void
test_errors(void **state)
{
	bk_report *r = bk_report_new();

	(void)state;
	assert_int_equal(add(r, "{\"type\":\"alert\",\"severity\":\"severe\",\"first\":"
	    "\"2015-05-08T01:00:00.000Z\"}"), BK_ERROR);
	assert_string_equal(bk_report_error(r),
	    "alert without a known severity (low, medium, high, critical)");
	assert_int_equal(add(r, "{\"type\":\"alert\",\"severity\":\"low\",\"first\":"
	    "\"2015-02-30T01:00:00Z\"}"), BK_ERROR);
	assert_string_equal(bk_report_error(r), "alert without a valid 'first' time");
	assert_int_equal(add(r, "{\"type\":\"alert\",\"severity\":\"low\",\"first\":"
	    "\"2015-05-08T01:00:00\"}"), BK_ERROR);
	assert_int_equal(add(r, "{\"type\":\"alert\",\"severity\":\"low\",\"first\":"
	    "\"2015-05-08T01:00:00Z\",\"last\":\"2015-05-07T01:00:00Z\"}"), BK_ERROR);
	assert_string_equal(bk_report_error(r), "alert with a bad 'last' time");
	assert_int_equal(
	    add(r, "{\"type\":\"finding\",\"file\":\"a\",\"severity\":\"?\"}"), BK_ERROR);
	assert_int_equal(add(r, "{\"type\":\"summary\",\"tool\":\"bk-records\"}"), BK_ERROR);
	assert_int_equal(add(r, "{\"type\":\"summary\",\"tool\":\"bk-access\",\"activity\":"
	    "[{\"actor\":\"a\",\"hours\":[{\"t\":\"bad\"}]}]}"), BK_ERROR);
	assert_int_equal(add(r, "{\"type\":\"event\"}"), BK_OK);
	assert_int_equal(add(r, "{\"type\":\"summary\",\"tool\":\"bk-report\"}"), BK_OK);
	bk_report_finish(r);
	assert_int_equal(r->n_invalid, 7);
	assert_int_equal(r->n_ignored, 2);
	assert_int_equal(r->n_alerts, 0);
	assert_false(bk_report_reaches(r, BK_SEVERITY_LOW));
	bk_report_free(r);
}

static void
test_people_and_exposures(void **state)
{
	bk_report *r = bk_report_new();
	bool exact, known;

	(void)state;
	bk__report_people(r, &exact, &known);
	assert_false(known);
	assert_int_equal(add(r, "{\"type\":\"inventory\",\"file\":\"a.csv\",\"rows\":10,"
	    "\"subjects\":8,\"kinds\":{\"email\":3,\"jp.pension\":8}}"), BK_OK);
	assert_int_equal(bk__report_people(r, &exact, &known), 8);
	assert_true(exact && known);
	assert_int_equal(
	    add(r, "{\"type\":\"inventory\",\"file\":\"b.csv\",\"subjects\":5}"), BK_OK);
	assert_int_equal(bk__report_people(r, &exact, &known), 8);
	assert_false(exact);	/* two inventories may share people */
	assert_int_equal(add(r, "{\"type\":\"summary\",\"tool\":\"bk-records\",\"subjects\":11,"
	    "\"subjects_exact\":true}"), BK_OK);
	assert_int_equal(bk__report_people(r, &exact, &known), 11);
	assert_true(exact);

	/* Findings counted one by one give way to the file's bk-scan summary. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(
		    add(r, "{\"type\":\"finding\",\"file\":\"c.txt\",\"rule\":\"email\","
		           "\"severity\":\"medium\"}"),
		    BK_OK);
	assert_int_equal(add(r, "{\"type\":\"summary\",\"file\":\"c.txt\",\"findings\":40,"
	                        "\"distinct\":7,\"rules\":{\"email\":{\"findings\":30},\"jp."
	                        "phone\":{\"findings\":10}}}"),
	    BK_OK);
	assert_int_equal(add(r, "{\"type\":\"finding\",\"file\":\"c.txt\",\"rule\":\"email\","
	    "\"severity\":\"high\"}"), BK_OK);
	bk_report_finish(r);
	assert_int_equal(r->nexposures, 3);
	assert_string_equal(r->exposures[0].file, "a.csv");	/* most people first */
	assert_string_equal(r->exposures[0].kinds[0].name, "jp.pension");
	assert_string_equal(r->exposures[2].file, "c.txt");
	assert_int_equal(r->exposures[2].findings, 40);
	assert_int_equal(r->exposures[2].distinct, 7);
	assert_int_equal(r->exposures[2].severity, BK_SEVERITY_HIGH);
	assert_int_equal(r->exposures[2].nkinds, 2);
	assert_true(bk_report_reaches(r, BK_SEVERITY_HIGH));
	assert_false(bk_report_reaches(r, BK_SEVERITY_CRITICAL));
	bk_report_free(r);
}

static void
test_bounds(void **state)
{
	bk_report *r = bk_report_new();
	char line[256];

	(void)state;
	for (int i = 0; i < BK_REPORT_MAX_INCIDENTS + 44; i++) {
		snprintf(line, sizeof line, ALERT("bulk-distinct", "high", "user%d",
		    ",\"metric\":\"distinct_records\",\"value\":10"), i);
		assert_int_equal(add(r, line), BK_OK);
	}
	for (int i = 0; i < 12; i++) {
		snprintf(line, sizeof line, "{\"type\":\"finding\",\"file\":\"f\",\"rule\":\"r%d\","
		    "\"severity\":\"low\"}", i);
		assert_int_equal(add(r, line), BK_OK);
	}
	bk_report_finish(r);
	assert_int_equal(r->n_alerts, BK_REPORT_MAX_INCIDENTS + 44);
	assert_int_equal(r->nincidents, BK_REPORT_MAX_INCIDENTS);
	assert_int_equal(r->incidents_more, 44);
	assert_int_equal(r->nentities, BK_REPORT_MAX_ENTITIES);
	assert_int_equal(r->entities_more, 44);
	assert_int_equal(r->exposures[0].nkinds, BK__KINDS);
	assert_int_equal(r->exposures[0].kinds_other, 12 - BK__KINDS);
	assert_int_equal(r->exposures[0].findings, 12);
	bk_report_free(r);
}

static void
test_display_width(void **state)
{
	(void)state;
	assert_int_equal(bk_display_width("abc", 3), 3);
	assert_int_equal(bk_display_width("氏名", strlen("氏名")), 4);
	assert_int_equal(bk_display_width("ｶﾅ", strlen("ｶﾅ")), 2);	/* half-width katakana */
	assert_int_equal(bk_display_width("０９０", strlen("０９０")), 6);
	assert_int_equal(bk_display_width("e\xcc\x81", 3), 1);		/* combining acute */
	assert_int_equal(bk_display_width("\xff", 1), 1);
}

/* Every line of S at most WIDTH columns; no escape or other control byte but newline. */
static void
check_lines(const char *s, size_t width)
{
	const char *p = s;

	while (*p != '\0') {
		const char *nl = strchr(p, '\n');

		assert_non_null(nl);
		assert_true(bk_display_width(p, (size_t)(nl - p)) <= width);
		for (const char *q = p; q < nl; q++)
			assert_true((unsigned char)*q >= 0x20 && *q != 0x7f);
		p = nl + 1;
	}
}

static void
test_renderers(void **state)
{
	bk_report *r = bk_report_new();
	char *text, *html, *json;
	json_t *doc;
	json_error_t err;

	(void)state;
	assert_int_equal(add(r, "{\"type\":\"alert\",\"detector\":\"bulk-distinct\",\"severity\":"
	    "\"high\",\"actor\":\"<script>x</script>\",\"ip\":\"\\u001b[2J\",\"first\":"
	    "\"2015-05-08T01:00:00Z\",\"reason\":\"\\u202e\\u0007 山田太郎の事務用アカウントが"
	    "被保険者台帳から1時間に3,012件の異なる記録を読み出しました。本人の中央値は14件、"
	    "同僚の中央値は11件で、通常の業務量を大きく上回っています。\"}"), BK_OK);
	assert_int_equal(add(r, "{\"type\":\"inventory\",\"file\":\"共有/被保険者一覧_最終版_修正済み_"
	    "本当に最終_これが最後_もう変えない_二〇一五年五月八日版.csv\",\"subjects\":3,"
	    "\"table\":\"a'b\\\"c&d\"}"), BK_OK);
	bk_report_finish(r);

	text = render(r, BK_REPORT_TEXT, 60);
	check_lines(text, 60);
	free(text);
	text = render(r, BK_REPORT_TEXT, 100);
	check_lines(text, 100);
	assert_non_null(strstr(text, "<script>x</script> @ ?[2J"));
	assert_non_null(strstr(text, "- ?? 山田太郎"));
	free(text);

	html = render(r, BK_REPORT_HTML, 0);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "\x1b"));
	assert_non_null(strstr(html, "&lt;script&gt;x&lt;/script&gt; @ ?[2J"));
	assert_non_null(strstr(html, "a&#39;b&quot;c&amp;d"));
	assert_non_null(strstr(html, "content=\"default-src 'none'; style-src 'sha256-"));
	assert_non_null(strstr(html, "class=\"bk-chart bk-chart-activity\""));
	free(html);

	json = render(r, BK_REPORT_JSON, 0);
	doc = json_loads(json, 0, &err);
	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "type")), "summary");
	assert_int_equal(json_integer_value(json_object_get(doc, "people")), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(doc, "incidents"), 0), "ip")), "\x1b[2J");
	json_decref(doc);
	free(json);
	bk_report_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_incidents),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_people_and_exposures),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_display_width),
		cmocka_unit_test(test_renderers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
