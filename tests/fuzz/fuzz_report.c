/*
 * fuzz_report.c - libFuzzer harness of the report model and its renderers
 * (lib/report.c, report-text.c, report-html.c).
 *
 * The bytes are NDJSON records, the way bk-report reads them: each is added
 * to a report (contract errors are fine, crashes and leaks are not), then
 * the report is rendered in every format into memory. The renderers'
 * promises are checked, since the records are log contents an attacker
 * could have written: the text report has no control byte but newline and
 * no line wider than asked; the HTML report has no element or attribute
 * that could run or fetch anything; the JSON report loads as one object.
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "breachkit.h"
#include "fuzz.h"

#define READ_MAX ((uint64_t)1 << 20)

/* Renders R in FORMAT into a malloc'd string. */
static char *
render(const bk_report *r, int format, unsigned width)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct bk_report_text_opts o = { .width = width };
	int rc;

	FUZZ_CHECK(f != NULL);
	rc = format == BK_REPORT_TEXT ? bk_report_text(r, f, &o) :
	    format == BK_REPORT_JSON ? bk_report_json(r, f) : bk_report_html(r, f);
	FUZZ_CHECK(rc == BK_OK);
	FUZZ_CHECK(fclose(f) == 0);
	return buf;
}

static void
check_text(const char *s, size_t width)
{
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');

		FUZZ_CHECK(nl != NULL);
		FUZZ_CHECK(bk_display_width(s, (size_t)(nl - s)) <= width);
		for (const char *p = s; p < nl; p++)
			FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
		s = nl + 1;
	}
}

/*
 * Every '<' in the page must be the renderer's own (the records' are
 * escaped): a tag from the short list the renderer writes, with no event
 * handler, link or script in it.
 */
static void
check_html(const char *s)
{
	static const char *const tags[] = {"!DOCTYPE", "html", "head", "meta", "title", "style",
	    "body", "header", "section", "div", "span", "p", "h1", "h2", "h3", "ul", "li", "table",
	    "thead", "tbody", "tr", "th", "td", "svg", "g", "rect", "line", "path", "text",
	    "footer"};
	static const char *const banned[] = { " href", " src", "url(", "javascript:", "xlink:" };
	const char *p = s;

	while ((p = strchr(p, '<')) != NULL) {
		const char *end = strchr(p, '>'), *name = p + 1;
		size_t len = 0;
		bool known = false;

		FUZZ_CHECK(end != NULL);
		if (*name == '/')
			name++;
		while (name[len] != '\0' && strchr(" />\n", name[len]) == NULL)
			len++;
		for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
			known |= strlen(tags[i]) == len && strncmp(tags[i], name, len) == 0;
		FUZZ_CHECK(known);
		for (const char *q = name + len; q < end; q++) {
			if (q[0] == ' ' && q[1] == 'o' && q[2] == 'n') {
				const char *k = q + 3;

				while (*k >= 'a' && *k <= 'z')
					k++;
				FUZZ_CHECK(*k != '=');
			}
			for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
				FUZZ_CHECK(strncmp(q, banned[i], strlen(banned[i])) != 0);
		}
		/* The style sheet is the renderer's own text: skip to its end. */
		if (len == 5 && strncmp(name, "style", 5) == 0 && name[-1] != '/')
			end = strstr(end, "</style>");
		FUZZ_CHECK(end != NULL);
		p = end;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bk_input *in = bk_input_new();
	bk_reader *rd = bk_reader_new();
	bk_report *r = bk_report_new();
	const bk_record *rec;
	json_t *doc;
	json_error_t err;
	char *out;
	int rc;

	FUZZ_CHECK(in != NULL && rd != NULL && r != NULL);
	if (bk_input_open_fd(in, fuzz_memfd(data, size), "fuzz-report") == BK_OK) {
		bk_reader_reset(rd, in);
		while (
		    bk_input_offset(in) <= READ_MAX && (rc = bk_reader_next(rd, &rec)) != BK_EOF) {
			FUZZ_CHECK(rc != BK_NOMEM);
			if (rc == BK_OK)
				FUZZ_CHECK(bk_report_add(r, rec) != BK_NOMEM);
			else
				bk_report_bad_line(r);
		}
		bk_input_close(in);
	}
	bk_report_finish(r);

	out = render(r, BK_REPORT_TEXT, 60);
	check_text(out, 60);
	free(out);
	out = render(r, BK_REPORT_TEXT, 100);
	check_text(out, 100);
	free(out);
	out = render(r, BK_REPORT_HTML, 0);
	check_html(out);
	free(out);
	out = render(r, BK_REPORT_JSON, 0);
	doc = json_loads(out, JSON_ALLOW_NUL, &err);
	FUZZ_CHECK(json_is_object(doc));
	json_decref(doc);
	free(out);

	bk_report_free(r);
	bk_reader_free(rd);
	bk_input_free(in);
	return 0;
}
