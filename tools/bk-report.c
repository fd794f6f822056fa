/*
 * bk-report - the incident picture from the other tools' records.
 *
 * Reads any mix of alert (bk-access, bk-exfil), finding (bk-scan),
 * inventory (bk-records) and summary records from files or standard input
 * into the report model (lib/report.c) and renders it once everything was
 * read: text for a terminal, one JSON summary record for machines, or a
 * self-contained HTML page for people. The exit status tells cron whether
 * anything reached --fail-on's severity.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "breachkit.h"
#include "common.h"

static const char usage_text[] =
    "Usage: bk-report [OPTION]... [FILE]...\n"
    "Read alert, finding, inventory and summary records (NDJSON, from bk-access,\n"
    "bk-exfil, bk-scan and bk-records) from each FILE (- or none: standard input)\n"
    "and report the incident: people affected, records read, bytes out, incidents\n"
    "ranked with their reasons, a timeline, entities and exposed files and tables.\n"
    "\n"
    "      --fail-on=SEVERITY  exit 3 when an alert or finding is at SEVERITY or\n"
    "                          above: low, medium, high (default) or critical\n"
    "      --format=F          text, json (one summary record) or html (a\n"
    "                          self-contained page with charts); default: text on\n"
    "                          a terminal, else json, or by -o's extension\n"
    "  -o, --output=FILE       write the report to FILE (mode 0600, replaced\n"
    "                          atomically) instead of standard output\n"
    "      --width=N           fit the text report in N columns (default 100)\n"
    "  -h, --help              show this help and exit\n"
    "  -V, --version           show the version and exit\n"
    "\n"
    "Exit status: 0 nothing at or above --fail-on, 3 something is, 2 an error\n"
    "happened (bad records are reported, skipped, and the report still written).\n";

enum { TOOL_SEVERE = 3 };

/* "html" from "report.html": the format a file name asks for, or -1. */
static int
format_of_name(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL)
		return -1;
	if (strcmp(dot, ".html") == 0 || strcmp(dot, ".htm") == 0)
		return BK_REPORT_HTML;
	if (strcmp(dot, ".json") == 0 || strcmp(dot, ".ndjson") == 0)
		return BK_REPORT_JSON;
	if (strcmp(dot, ".txt") == 0)
		return BK_REPORT_TEXT;
	return -1;
}

static int
format_parse(const char *arg)
{
	if (strcmp(arg, "text") == 0)
		return BK_REPORT_TEXT;
	if (strcmp(arg, "json") == 0)
		return BK_REPORT_JSON;
	if (strcmp(arg, "html") == 0)
		return BK_REPORT_HTML;
	tool_usage_error("unknown format '%s' (text, json or html)", arg);
}

/*
 * The reader's message without its leading "LINE: ", which the tool puts
 * after the path ("FILE:LINE: message"); *LINE is 0 when it has none.
 */
static const char *
split_line(const char *msg, uint64_t *line)
{
	const char *p = msg;
	uint64_t n = 0;

	while (*p >= '0' && *p <= '9')
		n = n * 10 + (uint64_t)(*p++ - '0');
	if (p == msg || p[0] != ':' || p[1] != ' ') {
		*line = 0;
		return msg;
	}
	*line = n;
	return p + 2;
}

/* Reads every record of PATH into R; problems are reported and skipped. */
static void
read_input(bk_report *r, bk_input *in, bk_reader *rd, const char *path)
{
	const bk_record *rec;
	const char *name;
	int rc;

	if (bk_input_open(in, path) != BK_OK) {
		tool_error(strcmp(path, "-") == 0 ? bk_input_name(in) : path, 0, "%s",
		    bk_input_error(in));
		return;
	}
	name = strcmp(path, "-") == 0 ? bk_input_name(in) : path;
	bk_reader_reset(rd, in);
	while ((rc = bk_reader_next(rd, &rec)) != BK_EOF) {
		uint64_t line;
		const char *msg;

		switch (rc) {
		case BK_OK:
			rc = bk_report_add(r, rec);
			if (rc == BK_ERROR)
				tool_error(name, bk_reader_lineno(rd), "%s", bk_report_error(r));
			else if (rc == BK_NOMEM)
				tool_error(name, bk_reader_lineno(rd), "out of memory");
			break;
		case BK_ERROR:
			msg = split_line(bk_reader_error(rd), &line);
			if (line > 0)
				bk_report_bad_line(r);
			tool_error(name, line, "%s", msg);
			break;
		default:
			tool_error(name, bk_reader_lineno(rd), "out of memory");
			break;
		}
	}
	bk_input_close(in);
}

int
main(int argc, char **argv)
{
	enum { OPT_FAIL_ON = 256, OPT_FORMAT, OPT_WIDTH };
	static const struct option longopts[] = {
		{ "fail-on", required_argument, NULL, OPT_FAIL_ON },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ "version", no_argument, NULL, 'V' },
		{ "width", required_argument, NULL, OPT_WIDTH },
		{ NULL, 0, NULL, 0 },
	};
	enum bk_severity fail_on = BK_SEVERITY_HIGH;
	struct bk_report_text_opts topts = { .width = 100 };
	const char *output = NULL;
	int format = -1, c, rc;
	bk_report *r;
	bk_input *in;
	bk_reader *rd;

	tool_init("bk-report", argv);
	while ((c = getopt_long(argc, argv, "Vho:", longopts, NULL)) != -1) {
		switch (c) {
		case 'V':
			tool_version(NULL);
		case 'h':
			tool_help(usage_text);
		case 'o':
			output = optarg;
			break;
		case OPT_FAIL_ON:
			if (bk_severity_parse(optarg, &fail_on) != BK_OK)
				tool_usage_error(
				    "unknown severity '%s' (low, medium, high, critical)", optarg);
			break;
		case OPT_FORMAT:
			format = format_parse(optarg);
			break;
		case OPT_WIDTH: {
			char *end;
			long w = strtol(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || w < 60 || w > 1000)
				tool_usage_error("bad width '%s' (60 to 1000)", optarg);
			topts.width = (unsigned)w;
			break;
		}
		default:
			fprintf(stderr, "Try 'bk-report --help' for more information.\n");
			exit(TOOL_TROUBLE);
		}
	}
	if (format < 0 && output != NULL)
		format = format_of_name(output);
	if (format < 0)	/* -o NAME of no known extension: a file for people */
		format = output != NULL || tool_default_format() == TOOL_FORMAT_TEXT ? BK_REPORT_TEXT :
		    BK_REPORT_JSON;
	topts.color = output == NULL && format == BK_REPORT_TEXT && tool_color();

	r = bk_report_new();
	in = bk_input_new();
	rd = bk_reader_new();
	if (r == NULL || in == NULL || rd == NULL)
		tool_usage_error("out of memory");
	if (optind == argc)
		read_input(r, in, rd, "-");
	for (int i = optind; i < argc; i++)
		read_input(r, in, rd, argv[i]);
	bk_report_finish(r);

	if (output != NULL) {
		if (bk_report_save(r, (enum bk_report_format)format, &topts, output) != BK_OK)
			tool_error(NULL, 0, "%s", bk_report_error(r));
	} else {
		switch (format) {
		case BK_REPORT_TEXT:
			rc = bk_report_text(r, stdout, &topts);
			break;
		case BK_REPORT_JSON:
			rc = bk_report_json(r, stdout);
			break;
		default:
			rc = bk_report_html(r, stdout);
			break;
		}
		if (rc == BK_ERROR)
			tool_write_failed(errno != 0 ? errno : EIO);
		else if (rc != BK_OK)
			tool_error(NULL, 0, "out of memory");
	}
	rc = bk_report_reaches(r, fail_on) ? TOOL_SEVERE : TOOL_FOUND;
	bk_reader_free(rd);
	bk_input_free(in);
	bk_report_free(r);
	tool_exit(rc);
}
