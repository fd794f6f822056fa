/*
 * bk-exfil - find the data leaving: volume, beacons, tunnels, archive uploads.
 *
 * Reads `event` records (bk-parse's output, or bk-exfil's own state records
 * to merge), or raw proxy, web, firewall-like and Zeek logs with -f, and
 * runs the detectors of lib/exfil (exfil.h) over them: thresholds from
 * patterns/detect/exfil.conf, --config files and --set, known-good traffic
 * left out with --allow, baselines learnt with --learn. It writes one alert
 * per incident (source and destination), the state to merge elsewhere with
 * --emit-state, and a summary for bk-report with --summary.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "breachkit.h"
#include "common.h"
#include "events.h"

static const char usage_text[] =
    "Usage: bk-exfil [OPTION]... [PATH]...\n"
    "Find data leaving in the events of each PATH (event records from bk-parse, or\n"
    "bk-exfil state records; raw logs with -f), or standard input: outbound volume,\n"
    "archive uploads, beacons, long connections, DNS tunnels, rare destinations and\n"
    "after-hours transfers, one alert per source and destination.\n"
    "\n"
    "  -f, --input-format=F  read raw logs of format F (as bk-parse names them)\n"
    "      --log-format=L    a server format: a name defined in the config file\n"
    "                        given below, or the format string\n"
    "      --nginx-conf=FILE read --log-format's log_format from nginx's config\n"
    "      --apache-conf=FILE  read --log-format's LogFormat from Apache's config\n"
    "      --squid-conf=FILE read --log-format's logformat from Squid's config\n"
    "      --tz=ZONE         zone of raw log times written without one (default UTC)\n"
    "      --year=Y          year of each raw log's first time written without one;\n"
    "                        a time over 7 days behind the latest starts the next\n"
    "                        year\n"
    "      --allow=FILE      known-good traffic: addresses, networks, hosts, ua:TEXT\n"
    "      --config=FILE     settings read over patterns/detect/exfil.conf\n"
    "      --set=KEY=VALUE   one setting (repeatable; bk-exfil --list-settings)\n"
    "      --baseline=FILE   what is normal: read it, or with --learn write it\n"
    "      --learn           learn the baseline from the input instead of alerting\n"
    "      --emit-state      write the partial aggregate as state records\n"
    "      --merge           the inputs are state records of other runs (any mix\n"
    "                        of state and event records is read in any case)\n"
    "      --summary         end with a summary record (json only)\n"
    "      --show-values     do not mask evidence ids\n"
    "      --patterns=DIR    also load DIR's formats and detect/exfil.conf\n"
    "  -r, --recursive       read directories, recursively\n"
    "      --format=F        text, json or tsv (default: text on a terminal)\n"
    "      --list-settings   list the settings with their values, and exit\n"
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and exit\n"
    "\n"
    "Exit status: 0 alerts written (or state, or a baseline learnt), 1 no alert,\n"
    "2 an error happened.\n";

struct run {
	bk_exfil *x;
	bk_writer *w;
	enum tool_format out;
	bool show_values;
	const char *path;
	uint64_t alerts;
};

/* ---- output ---------------------------------------------------------------- */

static int
on_incident(void *ctx, const bk_exfil_incident *inc)
{
	struct run *r = ctx;
	const bk_alert *a = &inc->alert;

	r->alerts++;
	switch (r->out) {
	case TOOL_FORMAT_JSON:
		if (bk_exfil_incident_write(r->w, inc, r->show_values) != BK_OK)
			tool_write_failed(errno);
		break;
	case TOOL_FORMAT_TSV:
		printf("%s\t%s\t%.3f\t%s\t%s\t", bk_severity_name(a->severity), a->detector,
		    a->score, a->ip, a->dst != NULL ? a->dst : "");
		for (size_t i = 0; i < inc->ndetectors; i++)
			printf("%s%s", i ? "," : "", inc->detectors[i]);
		printf("\t%s\n", a->reason);
		break;
	case TOOL_FORMAT_TEXT:
		printf("%s %s: %s\n", bk_severity_name(a->severity), a->detector, a->reason);
		break;
	}
	return 0;
}

/* ---- input ----------------------------------------------------------------- */

static int
on_event(void *ctx, const bk_event *ev)
{
	struct run *r = ctx;

	if (bk_exfil_add(r->x, ev) == BK_NOMEM) {
		tool_error(r->path, ev->line, "out of memory");
		tool_exit(TOOL_TROUBLE);
	}
	return 0;
}

/* Event and state records from IN. */
static void
read_records(struct run *r, bk_reader *rd, bk_input *in)
{
	const bk_record *rec;
	bk_event ev;
	bk_span ids[1];
	int rc;

	bk_reader_reset(rd, in);
	/* Event lines are decoded straight into EV (event-json.h); the rest come as records. */
	while ((rc = bk_reader_next_event(rd, &rec, &ev, ids, 1, NULL)) != BK_EOF) {
		const char *type;

		if (rc == BK_NOMEM) {
			tool_error(r->path, 0, "out of memory");
			tool_exit(TOOL_TROUBLE);
		}
		if (rc == BK_ERROR) {
			/* The reader's message starts "LINE: "; the line goes where ours go. */
			const char *m = bk_reader_error(rd), *p = m;

			while (*p >= '0' && *p <= '9')
				p++;
			if (p > m && p[0] == ':' && p[1] == ' ')
				m = p + 2;
			tool_error(r->path, bk_reader_lineno(rd), "%s", m);
			continue;
		}
		if (rec == NULL) {
			if (ev.file == NULL)
				ev.file = r->path;
			on_event(r, &ev);
			continue;
		}
		type = bk_record_type(rec);
		if (strcmp(type, "state") == 0) {
			rc = bk_exfil_state_merge(r->x, rec);
			if (rc == BK_NOMEM) {
				tool_error(r->path, bk_reader_lineno(rd), "out of memory");
				tool_exit(TOOL_TROUBLE);
			}
			if (rc != BK_OK)
				tool_error(r->path, bk_reader_lineno(rd), "%s", bk_exfil_error(r->x));
		}
		/* Other records (findings, alerts, summaries) are not ours: skipped. */
	}
}

/* Raw log lines through parser P. */
static void
read_raw(struct run *r, bk_parser *p, bk_lines *lr, bk_input *in)
{
	struct bk_line line;
	uint64_t unparsed = 0, lines = 0, first = 0;
	int rc;

	bk_lines_reset(lr, in, 1);
	bk_parser_begin(p, r->path);
	while ((rc = bk_lines_next(lr, &line)) == BK_OK) {
		if (line.len == 0)
			continue;
		lines++;
		if ((line.flags & (BK_LINE_SPLIT | BK_LINE_CONT)) ||
		    bk_parser_line(p, line.data, line.len, line.lineno, on_event, r) != BK_OK) {
			if (unparsed++ == 0)
				first = line.lineno;
		}
	}
	bk_parser_finish(p, on_event, r);
	tool_log_end(r->path, rc, in, lines, unparsed, first);
}

static void
conf_fail(bk_detectconf *c)
{
	tool_error(NULL, 0, "%s", bk_detectconf_error(c));
	tool_exit(TOOL_TROUBLE);
}

int
main(int argc, char **argv)
{
	enum { OPT_ALLOW = 256, OPT_APACHE_CONF, OPT_BASELINE, OPT_CONFIG, OPT_EMIT_STATE,
		OPT_FORMAT, OPT_LEARN, OPT_LIST_SETTINGS, OPT_LOG_FORMAT, OPT_MERGE, OPT_NGINX_CONF,
		OPT_PATTERNS, OPT_SET, OPT_SHOW_VALUES, OPT_SQUID_CONF, OPT_SUMMARY, OPT_TZ,
		OPT_YEAR };
	static const struct option longopts[] = {
		{ "allow", required_argument, NULL, OPT_ALLOW },
		{ "apache-conf", required_argument, NULL, OPT_APACHE_CONF },
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "emit-state", no_argument, NULL, OPT_EMIT_STATE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ "input-format", required_argument, NULL, 'f' },
		{ "learn", no_argument, NULL, OPT_LEARN },
		{ "list-settings", no_argument, NULL, OPT_LIST_SETTINGS },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "merge", no_argument, NULL, OPT_MERGE },
		{ "nginx-conf", required_argument, NULL, OPT_NGINX_CONF },
		{ "patterns", required_argument, NULL, OPT_PATTERNS },
		{ "recursive", no_argument, NULL, 'r' },
		{ "set", required_argument, NULL, OPT_SET },
		{ "show-values", no_argument, NULL, OPT_SHOW_VALUES },
		{ "squid-conf", required_argument, NULL, OPT_SQUID_CONF },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "tz", required_argument, NULL, OPT_TZ },
		{ "version", no_argument, NULL, 'V' },
		{ "year", required_argument, NULL, OPT_YEAR },
		{ NULL, 0, NULL, 0 },
	};
	struct run r = { .out = tool_default_format() };
	const char *dirs[17], *format = NULL, *log_format = NULL, *conf = NULL;
	const char *conf_notation = NULL, *baseline_path = NULL, *configs[16], *sets[64];
	const char *allows[16];
	size_t ndirs = 1, nconfigs = 0, nsets = 0, nallows = 0, nkeys;
	bool learn = false, emit_state = false, summary = false, list_settings = false;
	/* The detectors read no record ids: the parser need not look for them. */
	bk_parse_opts popts = { .no_ids = true };
	bk_detectconf *dc;
	bk_allow *allow = NULL;
	bk_baseline *base = NULL;
	bk_formats *fs = NULL;
	bk_parser *parser = NULL;
	/* Static: still reachable when a usage error exits (LeakSanitizer). */
	static bk_fileset *set;
	static bk_input *in;
	bk_lines *lr = NULL;
	bk_reader *rd = NULL;
	char *err = NULL, path[4096];
	int c, status;

	tool_init("bk-exfil", argv);
	if ((set = bk_fileset_new()) == NULL || (in = bk_input_new()) == NULL)
		tool_usage_error("out of memory");
	bk_fileset_on_error(set, tool_fileset_error, NULL);
	dirs[0] = tool_patterns_dir();
	while ((c = getopt_long(argc, argv, "Vf:hr", longopts, NULL)) != -1) {
		switch (c) {
		case 'V':
			tool_version(NULL);
		case 'f':
			format = optarg;
			break;
		case 'h':
			tool_help(usage_text);
		case 'r':
			bk_fileset_set_recursive(set, true);
			break;
		case OPT_ALLOW:
			if (nallows == sizeof allows / sizeof allows[0])
				tool_usage_error("too many --allow");
			allows[nallows++] = optarg;
			break;
		case OPT_APACHE_CONF:
		case OPT_NGINX_CONF:
		case OPT_SQUID_CONF:
			if (conf != NULL)
				tool_usage_error("one server config file at a time");
			conf = optarg;
			conf_notation = c == OPT_APACHE_CONF ? "apache" : c == OPT_NGINX_CONF ?
			    "nginx" : "squid";
			break;
		case OPT_BASELINE:
			baseline_path = optarg;
			break;
		case OPT_CONFIG:
			if (nconfigs == sizeof configs / sizeof configs[0])
				tool_usage_error("too many --config");
			configs[nconfigs++] = optarg;
			break;
		case OPT_EMIT_STATE:
			emit_state = true;
			break;
		case OPT_FORMAT:
			r.out = tool_format_parse(optarg);
			break;
		case OPT_LEARN:
			learn = true;
			break;
		case OPT_LIST_SETTINGS:
			list_settings = true;
			break;
		case OPT_LOG_FORMAT:
			log_format = optarg;
			break;
		case OPT_MERGE:
			break;	/* state records are always merged; the option says so */
		case OPT_PATTERNS:
			if (ndirs == sizeof dirs / sizeof dirs[0])
				tool_usage_error("too many --patterns");
			dirs[ndirs++] = optarg;
			break;
		case OPT_SET:
			if (nsets == sizeof sets / sizeof sets[0])
				tool_usage_error("too many --set");
			sets[nsets++] = optarg;
			break;
		case OPT_SHOW_VALUES:
			r.show_values = true;
			break;
		case OPT_SUMMARY:
			summary = true;
			break;
		case OPT_TZ:
			popts.tz = optarg;
			break;
		case OPT_YEAR:
			popts.year = tool_year_arg(optarg);
			break;
		default:
			fprintf(stderr, "Try 'bk-exfil --help' for more information.\n");
			exit(TOOL_TROUBLE);
		}
	}
	if (learn && baseline_path == NULL)
		tool_usage_error("--learn needs --baseline FILE");
	if (learn && emit_state)
		tool_usage_error("--learn and --emit-state do not go together");

	/* Settings: the shipped file, then each --patterns DIR's, --config, --set. */
	{
		const bk_conf_key *keys = bk_exfil_conf_keys(&nkeys);

		if ((dc = bk_detectconf_new(keys, nkeys, &err)) == NULL)
			tool_usage_error("%s", err != NULL ? err : "out of memory");
	}
	for (size_t i = 0; i < ndirs; i++) {
		snprintf(path, sizeof path, "%s/detect/exfil.conf", dirs[i]);
		if (access(path, F_OK) == 0 && bk_detectconf_load(dc, path) != BK_OK)
			conf_fail(dc);
	}
	for (size_t i = 0; i < nconfigs; i++)
		if (bk_detectconf_load(dc, configs[i]) != BK_OK)
			conf_fail(dc);
	for (size_t i = 0; i < nsets; i++)
		if (bk_detectconf_set_arg(dc, sets[i]) != BK_OK)
			conf_fail(dc);
	if (list_settings) {
		const bk_conf_key *keys = bk_detectconf_keys(dc, &nkeys);

		for (size_t i = 0; i < nkeys; i++)
			printf("%s = %s\t# %s\n", keys[i].name, bk_detectconf_text(dc, keys[i].name),
			    keys[i].help != NULL ? keys[i].help : "");
		bk_detectconf_free(dc);
		tool_exit(TOOL_FOUND);
	}
	if ((r.x = bk_exfil_new(dc, &err)) == NULL) {
		tool_error(NULL, 0, "%s", err != NULL ? err : "out of memory");
		tool_exit(TOOL_TROUBLE);
	}
	bk_detectconf_free(dc);

	if (nallows > 0) {
		if ((allow = bk_allow_new()) == NULL)
			tool_usage_error("out of memory");
		for (size_t i = 0; i < nallows; i++)
			if (bk_allow_load(allow, allows[i], &err) != BK_OK) {
				tool_error(NULL, 0, "%s", err != NULL ? err : "out of memory");
				tool_exit(TOOL_TROUBLE);
			}
		bk_exfil_set_allow(r.x, allow);
	}
	if ((base = bk_baseline_new()) == NULL)
		tool_usage_error("out of memory");
	if (baseline_path != NULL && !learn) {
		if (bk_baseline_load(base, baseline_path) != BK_OK) {
			tool_error(NULL, 0, "%s", bk_baseline_error(base));
			tool_exit(TOOL_TROUBLE);
		}
		bk_exfil_set_baseline(r.x, base);
	}

	/* Raw logs: a parser for the format, as bk-parse makes it. */
	if (log_format != NULL || conf != NULL || format != NULL) {
		if ((fs = bk_formats_load(dirs, ndirs, &err)) == NULL) {
			tool_error(NULL, 0, "%s", err != NULL ? err : "out of memory");
			tool_exit(TOOL_TROUBLE);
		}
		if (conf != NULL && log_format == NULL)
			tool_usage_error("--%s-conf needs --log-format NAME", conf_notation);
		if (log_format != NULL) {
			const char *note = conf_notation;

			if (note == NULL && format != NULL)
				note = bk_formats_notation(fs, format);
			if (note == NULL)
				note = tool_guess_notation(log_format);
			if ((format = bk_formats_define(fs, note, conf, log_format, &err)) == NULL) {
				tool_error(NULL, 0, "%s", err != NULL ? err : "out of memory");
				tool_exit(TOOL_TROUBLE);
			}
		}
		if ((parser = bk_parser_new(fs, format, &popts, &err)) == NULL) {
			tool_error(NULL, 0, "%s", err != NULL ? err : "out of memory");
			tool_exit(TOOL_TROUBLE);
		}
		if ((lr = bk_lines_new(0)) == NULL)
			tool_usage_error("out of memory");
	} else if ((rd = bk_reader_new()) == NULL)
		tool_usage_error("out of memory");

	if (optind == argc)
		bk_fileset_add(set, "-");
	for (int i = optind; i < argc; i++)
		if (bk_fileset_add(set, argv[i]) == BK_NOMEM)
			tool_usage_error("out of memory");
	bk_fileset_finish(set);
	if ((r.w = bk_writer_new(stdout)) == NULL)
		tool_usage_error("out of memory");

	for (size_t i = 0; i < bk_fileset_count(set); i++) {
		const char *p = bk_fileset_path(set, i);

		if (bk_input_open(in, p) != BK_OK) {
			tool_error(strcmp(p, "-") == 0 ? bk_input_name(in) : p, 0, "%s",
			    bk_input_error(in));
			continue;
		}
		r.path = bk_input_name(in);
		if (parser != NULL)
			read_raw(&r, parser, lr, in);
		else
			read_records(&r, rd, in);
		if (bk_input_close(in) != BK_OK)
			tool_error(p, 0, "%s", bk_input_error(in));
	}
	{
		bk_exfil_counts n;

		bk_exfil_get_counts(r.x, &n);
		if (n.skipped > 0)
			tool_warn(NULL, 0, "%llu events without a source address or time left out",
			    (unsigned long long)n.skipped);
		if (n.evicted > 0)
			tool_warn(NULL, 0, "%llu quiet pairs (%llu events) evicted to keep within "
					   "limits.max_pairs", (unsigned long long)n.evicted,
			    (unsigned long long)n.evicted_events);
		if (n.dropped > 0)
			tool_warn(NULL, 0, "%llu events of pairs beyond limits.max_pairs left out of "
					   "the pair detectors", (unsigned long long)n.dropped);
	}

	status = TOOL_NOTHING;
	if (learn) {
		if (bk_exfil_learn(r.x, base) != BK_OK)
			tool_usage_error("out of memory");
		if (bk_baseline_save(base, baseline_path) != BK_OK)
			tool_error(NULL, 0, "%s", bk_baseline_error(base));
		status = TOOL_FOUND;
	} else if (emit_state) {
		if (bk_exfil_state_write(r.x, r.w) != BK_OK)
			tool_write_failed(errno);
		status = TOOL_FOUND;
	} else {
		int rc;

		if (r.out == TOOL_FORMAT_TSV)
			printf("severity\tdetector\tscore\tip\tdst\tdetectors\treason\n");
		rc = bk_exfil_incidents(r.x, on_incident, &r);
		if (rc == BK_NOMEM)
			tool_usage_error("out of memory");
		if (summary && r.out == TOOL_FORMAT_JSON &&
		    bk_exfil_summary_write(r.x, r.w, r.alerts) != BK_OK)
			tool_write_failed(errno);
		status = r.alerts > 0 ? TOOL_FOUND : TOOL_NOTHING;
	}

	bk_writer_free(r.w);
	bk_parser_free(parser);
	bk_formats_free(fs);
	bk_lines_free(lr);
	bk_reader_free(rd);
	bk_exfil_free(r.x);
	bk_allow_free(allow);
	bk_baseline_free(base);
	bk_input_free(in);
	bk_fileset_free(set);
	tool_exit(status);
}
