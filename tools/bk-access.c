/*
 * bk-access - flag accounts and hosts that read far more personal records
 * than they should, and say when.
 *
 * Reads `event` records (bk-parse's NDJSON), or raw server logs with -f
 * FORMAT through the same parsers bk-parse uses, and runs lib/access.c's
 * detectors over them: bulk-distinct, full-read, enumeration, volume,
 * off-hours, new-access. Thresholds come from patterns/detect/access.conf
 * and the command line; --learn --baseline FILE stores what is normal,
 * --baseline FILE scores against it; --emit-state / --merge split the work.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "breachkit.h"
#include "common.h"
#include "events.h"
#include "pipeline.h"

static const char usage_text[] =
    "Usage: bk-access [OPTION]... [PATH]...\n"
    "Find bulk personal-record access in the event records (bk-parse output) or,\n"
    "with -f, the raw server logs in each PATH (file, directory with -r, or - for\n"
    "standard input): bulk-distinct, full-read, enumeration, volume, off-hours and\n"
    "new-access alerts, one incident per entity and detector.\n"
    "\n"
    "  -f, --input-format=F  read raw logs in format F (as bk-parse -f; no auto)\n"
    "      --pg-prefix=P     PostgreSQL's log_line_prefix (with -f postgres)\n"
    "      --ids=SPEC        record ids in URLs, as bk-parse --ids\n"
    "      --map=M           field map for -f json and csv, as bk-parse --map\n"
    "      --year=Y          year of each file's first time logged without one; a\n"
    "                        time over 7 days behind the latest starts the next year\n"
    "  -j, --jobs=N          with -f, parse on N threads while another counts\n"
    "                        (default: every processor, up to 8; 1: one thread)\n"
    "      --by=E            an entity is an actor, an ip, or both (default both)\n"
    "      --window=D        the sliding window, e.g. 1h, 30m (default 1h)\n"
    "      --threshold=N     distinct records in a window that alert (default 200)\n"
    "      --tz=ZONE         zone of the business hours and of times logged without one\n"
    "      --hours=H         business hours, e.g. 08:00-20:00\n"
    "      --workdays=D      business days, e.g. Mon-Fri\n"
    "      --max-entities=N  entities held at once (default 100000)\n"
    "      --set=KEY=VALUE   any setting of access.conf (repeatable)\n"
    "      --config=FILE     settings instead of patterns/detect/access.conf\n"
    "      --list-settings   print every setting with its value, and exit\n"
    "      --sensitive-from=FILE  tables and files named by bk-scan or bk-records\n"
    "                        records in FILE hold personal data (repeatable)\n"
    "      --baseline=FILE   score against the baseline in FILE\n"
    "      --learn           learn a baseline from the input into --baseline FILE\n"
    "      --emit-state      write mergeable state records instead of alerts\n"
    "      --merge           read state records (from --emit-state) and alert\n"
    "      --summary         end with a summary record (json) or lines (text)\n"
    "      --show-values     show record ids in evidence unmasked\n"
    "      --patterns=DIR    also load DIR's format definitions (DIR/formats/*.fmt)\n"
    "  -r, --recursive       read directories, recursively\n"
    "      --format=F        text or json (default: text on a terminal)\n"
    "      --progress        show progress on stderr (default: on a terminal)\n"
    "      --no-progress     never show progress\n"
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and exit\n"
    "\n"
    "Exit status: 0 alerts written (or, with --learn and --emit-state, success),\n"
    "1 no alert, 2 an error happened.\n";

#define MAX_IDS 256

struct run {
	bk_access *acc;
	bool merge;
	bool state_said;	/* this input's state records were said to be skipped */
	uint64_t bad;		/* records that are not events */
	const char *path;
};

static void
fail_rc(struct run *r, int rc, uint64_t line)
{
	if (rc == BK_NOMEM) {
		tool_error(r->path, line, "out of memory");
		tool_exit(TOOL_TROUBLE);
	}
	if (rc == BK_ERROR)
		tool_error(r->path, line, "%s", bk_access_error(r->acc));
}

static int
on_event(void *ctx, const bk_event *ev)
{
	struct run *r = ctx;
	int rc = bk_access_add(r->acc, ev);

	if (rc != BK_OK) {
		fail_rc(r, rc, ev->line);
		if (rc == BK_ERROR)
			tool_exit(TOOL_TROUBLE);	/* a state write failed */
	}
	return 0;
}

/* What is not an event: state records with --merge, the rest skipped (said once). */
static void
on_record(void *ctx, const bk_record *rec, uint64_t line)
{
	struct run *r = ctx;
	const char *type = bk_record_type(rec);

	if (strcmp(type, "state") == 0) {
		if (!r->merge) {
			if (!r->state_said)
				tool_error(r->path, line, "state records are read with --merge; skipped");
			r->state_said = true;
			return;
		}
		fail_rc(r, bk_access_merge(r->acc, rec), line);
	} else if (r->bad++ == 0) {
		tool_warn(r->path, line, "skipping %s records", *type != '\0' ? type : "untyped");
	}
}

/* ---- raw logs on worker threads ----------------------------------------- */

/*
 * With -j, a log whose lines parse alone is shared out in chunks
 * (pipeline.h): each worker parses a chunk with its own parser and makes
 * its events ready for the detectors (bk_access_batch_add) into the chunk's
 * buffer; the main thread counts the chunks' batches in input order
 * (bk_access_add_batch), so the alerts are those of one thread. A worker's
 * part (parsing, then making the events ready) is two to three times the
 * main thread's, so by default every processor parses and the main thread
 * takes its share of a processor between them.
 */
#define CHUNK_BYTES ((size_t)1 << 20)
#define JOBS_DEFAULT_MAX 8

enum { ST_LINES, ST_UNPARSED, ST_FIRST_UNPARSED };

struct worker {
	bk_parser *p;
	bk_access_batch *batch;
	const bk_access *acc;
	bool oom;
};

struct shared {
	struct run *r;
	bk_input *in;
	uint64_t lines, unparsed, first;
};

static int
batch_event(void *ctx, const bk_event *ev)
{
	struct worker *w = ctx;

	if (bk_access_batch_add(w->batch, w->acc, ev) != BK_OK)
		w->oom = true;
	return 0;
}

static int
work_chunk(void *state, struct bk_chunk *c)
{
	struct worker *w = state;
	uint64_t lines = 0, unparsed = 0, first = 0;
	const void *data;
	size_t len;
	char *room;

	bk_access_batch_clear(w->batch);
	for (size_t i = 0; i < c->nlines; i++) {
		const struct bk_line *line = &c->lines[i];

		if (line->len == 0)
			continue;
		lines++;
		if ((line->flags & (BK_LINE_SPLIT | BK_LINE_CONT)) ||
		    bk_parser_line(w->p, line->data, line->len, line->lineno, batch_event, w) !=
		    BK_OK) {
			if (unparsed++ == 0)
				first = line->lineno;
		}
	}
	c->stats[ST_LINES] = lines;
	c->stats[ST_UNPARSED] = unparsed;
	c->stats[ST_FIRST_UNPARSED] = first;
	data = bk_access_batch_data(w->batch, &len);
	if (w->oom || (len > 0 && (room = bk_chunk_room(c, len)) == NULL))
		return BK_NOMEM;
	if (len > 0)
		memcpy(room, data, len);
	c->buflen += len;
	return 0;
}

static int
write_chunk(void *ctx, struct bk_chunk *c)
{
	struct shared *sh = ctx;
	uint64_t line;
	int rc;

	if (c->status != 0) {
		tool_error(sh->r->path, 0, "out of memory");
		tool_exit(TOOL_TROUBLE);
	}
	if ((rc = bk_access_add_batch(sh->r->acc, c->text, c->len, &line)) != BK_OK) {
		fail_rc(sh->r, rc, line);
		tool_exit(TOOL_TROUBLE);
	}
	if (sh->unparsed == 0 && c->stats[ST_UNPARSED] > 0)
		sh->first = c->stats[ST_FIRST_UNPARSED];
	sh->lines += c->stats[ST_LINES];
	sh->unparsed += c->stats[ST_UNPARSED];
	tool_progress(sh->r->path, bk_input_raw_offset(sh->in), 0);
	return 0;
}

/*
 * Reads IN's lines with LR through the workers' parsers (W, NW of them),
 * as tool_read_log reads them through one: the same events in the same
 * order, the same message on unparsed lines.
 */
static void
read_log_shared(struct run *r, bk_input *in, bk_lines *lr, struct worker *w, size_t nw)
{
	void *states[BK_PIPELINE_MAX_JOBS];
	struct shared sh = { r, in, 0, 0, 0 };
	int rc;

	bk_lines_reset(lr, in, 1);
	for (size_t i = 0; i < nw; i++) {
		bk_parser_begin(w[i].p, r->path);
		w[i].oom = false;
		states[i] = &w[i];
	}
	rc = bk_pipeline_run(lr, nw, states, work_chunk, write_chunk, &sh, CHUNK_BYTES);
	/* Lines that parse alone leave nothing pending; whatever would, comes last. */
	for (size_t i = 0; i < nw; i++)
		bk_parser_finish(w[i].p, on_event, r);
	tool_log_end(r->path, rc, in, sh.lines, sh.unparsed, sh.first);
}

/* Records naming tables and files that hold personal data. */
static void
load_sensitive(bk_access *acc, const char *path, bk_input *in, bk_reader *rd)
{
	const bk_record *rec;
	int rc;

	if (bk_input_open(in, path) != BK_OK) {
		tool_error(path, 0, "%s", bk_input_error(in));
		return;
	}
	bk_reader_reset(rd, in);
	while ((rc = bk_reader_next(rd, &rec)) != BK_EOF) {
		if (rc == BK_NOMEM)
			tool_usage_error("out of memory");
		if (rc == BK_ERROR) {
			tool_reader_error(path, rd);
			continue;
		}
		bk_access_sensitive_record(acc, rec);
	}
	bk_input_close(in);
}

/* ---- text output -------------------------------------------------------- */

static const char *
time_text(char *buf, size_t size, int64_t ms)
{
	time_t s = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    (int)(ms - (int64_t)s * 1000));
	return buf;
}

static void
print_text(const bk_alert *al)
{
	char t1[64], t2[64], ent[300];

	if (al->actor != NULL && al->ip != NULL)
		snprintf(ent, sizeof ent, "%s@%s", al->actor, al->ip);
	else
		snprintf(ent, sizeof ent, "%s", al->actor != NULL ? al->actor : al->ip);
	printf("%-24s  %-24s  %-8s  %-13s  %s\n    %s\n", time_text(t1, sizeof t1, al->first),
	    time_text(t2, sizeof t2, al->last), bk_severity_name(al->severity), al->detector,
	    ent, al->reason);
}

/* ---- options ------------------------------------------------------------ */

/* Sets KEY from a named option, or stops with the message. */
static void
set_opt(bk_detectconf *c, const char *key, const char *value, const char *opt)
{
	if (bk_detectconf_set(c, key, value, opt) != BK_OK)
		tool_usage_error("%s", bk_detectconf_error(c));
}

static void
list_settings(const bk_detectconf *c)
{
	size_t n;
	const bk_conf_key *k = bk_detectconf_keys(c, &n);

	for (size_t i = 0; i < n; i++)
		printf("%s = %s\n", k[i].name, bk_detectconf_text(c, k[i].name));
}

int
main(int argc, char **argv)
{
	static bk_span ids[MAX_IDS];	/* an event record's ids */
	enum { OPT_BASELINE = 256, OPT_BY, OPT_CONFIG, OPT_EMIT_STATE, OPT_FORMAT, OPT_HOURS,
		OPT_IDS, OPT_LEARN, OPT_LIST_SETTINGS, OPT_MAP, OPT_MAX_ENTITIES, OPT_MERGE,
		OPT_NO_PROGRESS, OPT_PATTERNS, OPT_PG_PREFIX, OPT_PROGRESS, OPT_SENSITIVE_FROM,
		OPT_SET, OPT_SHOW_VALUES, OPT_SUMMARY, OPT_THRESHOLD, OPT_TZ, OPT_WINDOW,
		OPT_WORKDAYS, OPT_YEAR };
	static const struct option longopts[] = {
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "by", required_argument, NULL, OPT_BY },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "emit-state", no_argument, NULL, OPT_EMIT_STATE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ "hours", required_argument, NULL, OPT_HOURS },
		{ "ids", required_argument, NULL, OPT_IDS },
		{ "input-format", required_argument, NULL, 'f' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "learn", no_argument, NULL, OPT_LEARN },
		{ "list-settings", no_argument, NULL, OPT_LIST_SETTINGS },
		{ "map", required_argument, NULL, OPT_MAP },
		{ "max-entities", required_argument, NULL, OPT_MAX_ENTITIES },
		{ "merge", no_argument, NULL, OPT_MERGE },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "patterns", required_argument, NULL, OPT_PATTERNS },
		{ "pg-prefix", required_argument, NULL, OPT_PG_PREFIX },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "recursive", no_argument, NULL, 'r' },
		{ "sensitive-from", required_argument, NULL, OPT_SENSITIVE_FROM },
		{ "set", required_argument, NULL, OPT_SET },
		{ "show-values", no_argument, NULL, OPT_SHOW_VALUES },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "threshold", required_argument, NULL, OPT_THRESHOLD },
		{ "tz", required_argument, NULL, OPT_TZ },
		{ "version", no_argument, NULL, 'V' },
		{ "window", required_argument, NULL, OPT_WINDOW },
		{ "workdays", required_argument, NULL, OPT_WORKDAYS },
		{ "year", required_argument, NULL, OPT_YEAR },
		{ NULL, 0, NULL, 0 },
	};
	/* Named options and --set, applied in order after the config file. */
	struct { const char *key, *value, *opt; } sets[64];
	size_t nsets = 0, nsens = 0;
	const char *sens[16], *dirs[17], *config = NULL, *baseline = NULL, *format = NULL;
	size_t ndirs = 1;
	bool learn = false, emit = false, merge = false, summary = false, show = false;
	bool list = false, recursive = false;
	int progress = -1, c, status;
	long jobs = -1;
	struct worker workers[BK_PIPELINE_MAX_JOBS];
	size_t nworkers = 0;
	enum tool_format out = tool_default_format();
	bk_parse_opts popts = { 0 };
	struct run r = { 0 };
	bk_detectconf *conf;
	bk_baseline *base = NULL;
	bk_writer *w;
	bk_fileset *set;
	bk_input *in;
	bk_reader *rd;
	bk_lines *lr = NULL;
	bk_formats *fs = NULL;
	bk_parser *parser = NULL;
	char *err = NULL, confpath[4096];
	const bk_alert *const *alerts;
	size_t nalerts;

	tool_init("bk-access", argv);
	dirs[0] = tool_patterns_dir();
	while ((c = getopt_long(argc, argv, "Vf:hj:r", longopts, NULL)) != -1) {
		const char *key = NULL;

		switch (c) {
		case 'V':
			tool_version(NULL);
		case 'f':
			format = optarg;
			break;
		case 'h':
			tool_help(usage_text);
		case 'j':
			jobs = tool_jobs_arg(optarg, BK_PIPELINE_MAX_JOBS);
			break;
		case 'r':
			recursive = true;
			break;
		case OPT_BASELINE:
			baseline = optarg;
			break;
		case OPT_BY:
			key = "entity.by";
			break;
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_EMIT_STATE:
			emit = true;
			break;
		case OPT_FORMAT:
			out = tool_format_parse(optarg);
			if (out == TOOL_FORMAT_TSV)
				tool_usage_error("--format: text or json");
			break;
		case OPT_HOURS:
			key = "off_hours.hours";
			break;
		case OPT_IDS:
			popts.ids = optarg;
			break;
		case OPT_LEARN:
			learn = true;
			break;
		case OPT_LIST_SETTINGS:
			list = true;
			break;
		case OPT_MAP:
			popts.map = optarg;
			break;
		case OPT_MAX_ENTITIES:
			key = "state.max_entities";
			break;
		case OPT_MERGE:
			merge = true;
			break;
		case OPT_NO_PROGRESS:
			progress = 0;
			break;
		case OPT_PATTERNS:
			if (ndirs == sizeof dirs / sizeof dirs[0])
				tool_usage_error("too many --patterns");
			dirs[ndirs++] = optarg;
			break;
		case OPT_PG_PREFIX:
			popts.pg_prefix = optarg;
			break;
		case OPT_PROGRESS:
			progress = 1;
			break;
		case OPT_SENSITIVE_FROM:
			if (nsens == sizeof sens / sizeof sens[0])
				tool_usage_error("too many --sensitive-from");
			sens[nsens++] = optarg;
			break;
		case OPT_SET:
			if (nsets == sizeof sets / sizeof sets[0])
				tool_usage_error("too many settings");
			sets[nsets].key = NULL;
			sets[nsets].value = optarg;
			sets[nsets++].opt = "--set";
			break;
		case OPT_SHOW_VALUES:
			show = true;
			break;
		case OPT_SUMMARY:
			summary = true;
			break;
		case OPT_THRESHOLD:
			key = "bulk_distinct.threshold";
			break;
		case OPT_TZ:
			key = "off_hours.tz";
			popts.tz = optarg;
			break;
		case OPT_WINDOW:
			key = "bulk_distinct.window";
			break;
		case OPT_WORKDAYS:
			key = "off_hours.workdays";
			break;
		case OPT_YEAR:
			popts.year = tool_year_arg(optarg);
			break;
		default:
			fprintf(stderr, "Try 'bk-access --help' for more information.\n");
			exit(TOOL_TROUBLE);
		}
		if (key != NULL) {
			if (nsets == sizeof sets / sizeof sets[0])
				tool_usage_error("too many settings");
			sets[nsets].key = key;
			sets[nsets].value = optarg;
			sets[nsets++].opt = longopts[0].name;	/* replaced below */
			for (const struct option *o = longopts; o->name != NULL; o++)
				if (o->val == c)
					sets[nsets - 1].opt = o->name;
		}
	}
	tool_progress_enable(progress < 0 ? isatty(STDERR_FILENO) : progress == 1);
	if (learn + emit + merge > 1)
		tool_usage_error("--learn, --emit-state and --merge exclude each other");
	if (learn && baseline == NULL)
		tool_usage_error("--learn needs --baseline FILE");
	if (merge && format != NULL)
		tool_usage_error("--merge reads state records, not raw logs (-f)");

	/* Settings: declared defaults, the conf file, then the command line in order. */
	if ((conf = bk_detectconf_new(bk_access_keys, bk_access_nkeys, &err)) == NULL)
		tool_usage_error("%s", err != NULL ? err : "out of memory");
	if (config == NULL) {
		snprintf(confpath, sizeof confpath, "%s/detect/access.conf", dirs[0]);
		if (access(confpath, F_OK) == 0)
			config = confpath;
	}
	if (config != NULL && bk_detectconf_load(conf, config) != BK_OK) {
		tool_error(NULL, 0, "%s", bk_detectconf_error(conf));
		tool_exit(TOOL_TROUBLE);
	}
	for (size_t i = 0; i < nsets; i++) {
		char opt[64];

		if (sets[i].key == NULL) {
			if (bk_detectconf_set_arg(conf, sets[i].value) != BK_OK)
				tool_usage_error("%s", bk_detectconf_error(conf));
			continue;
		}
		snprintf(opt, sizeof opt, "--%s", sets[i].opt);
		set_opt(conf, sets[i].key, sets[i].value, opt);
	}
	if (list) {
		list_settings(conf);
		bk_detectconf_free(conf);
		tool_exit(TOOL_FOUND);
	}

	if ((set = bk_fileset_new()) == NULL || (in = bk_input_new()) == NULL ||
	    (rd = bk_reader_new()) == NULL || (w = bk_writer_new(stdout)) == NULL)
		tool_usage_error("out of memory");
	bk_fileset_on_error(set, tool_fileset_error, NULL);
	bk_fileset_set_recursive(set, recursive);
	if (baseline != NULL) {
		if ((base = bk_baseline_new()) == NULL)
			tool_usage_error("out of memory");
		if (!learn && bk_baseline_load(base, baseline) != BK_OK) {
			tool_error(NULL, 0, "%s", bk_baseline_error(base));
			tool_exit(TOOL_TROUBLE);
		}
	}
	r.acc = bk_access_new(conf, learn ? BK_ACCESS_LEARN : emit ? BK_ACCESS_STATE :
	    BK_ACCESS_DETECT, base, emit ? w : NULL, &err);
	if (r.acc == NULL)
		tool_usage_error("%s", err != NULL ? err : "out of memory");
	r.merge = merge;
	if (summary)
		bk_access_keep_activity(r.acc);
	for (size_t i = 0; i < nsens; i++)
		load_sensitive(r.acc, sens[i], in, rd);

	if (format != NULL) {
		if ((fs = bk_formats_load(dirs, ndirs, &err)) == NULL) {
			tool_error(NULL, 0, "%s", err != NULL ? err : "out of memory");
			tool_exit(TOOL_TROUBLE);
		}
		if ((parser = bk_parser_new(fs, format, &popts, &err)) == NULL)
			tool_usage_error("%s", err != NULL ? err : "out of memory");
		if ((lr = bk_lines_new(0)) == NULL)
			tool_usage_error("out of memory");
		if (jobs < 0) {
			long n = sysconf(_SC_NPROCESSORS_ONLN);

			jobs = n < 1 ? 1 : n > JOBS_DEFAULT_MAX ? JOBS_DEFAULT_MAX : n;
		}
		if (jobs == 1 || !bk_parser_independent(parser))
			jobs = 0;
		for (long i = 0; i < jobs; i++) {
			struct worker *wk = &workers[nworkers];

			wk->acc = r.acc;
			if ((wk->p = bk_parser_new(fs, format, &popts, &err)) == NULL ||
			    (wk->batch = bk_access_batch_new()) == NULL)
				tool_usage_error("%s", err != NULL ? err : "out of memory");
			nworkers++;
		}
	}

	if (optind == argc)
		bk_fileset_add(set, "-");
	for (int i = optind; i < argc; i++)
		if (bk_fileset_add(set, argv[i]) == BK_NOMEM)
			tool_usage_error("out of memory");
	bk_fileset_finish(set);
	for (size_t i = 0; i < bk_fileset_count(set); i++) {
		const char *path = bk_fileset_path(set, i);

		if (bk_input_open(in, path) != BK_OK) {
			tool_error(strcmp(path, "-") == 0 ? bk_input_name(in) : path, 0, "%s",
			    bk_input_error(in));
			continue;
		}
		struct tool_source src = { bk_input_name(in), on_event, &r, on_record, ids, MAX_IDS };

		r.path = src.path;
		r.state_said = false;
		if (parser != NULL && nworkers > 0)
			read_log_shared(&r, in, lr, workers, nworkers);
		else if (parser != NULL)
			tool_read_log(&src, in, lr, parser);
		else
			tool_read_records(&src, in, rd);
		if (bk_input_close(in) != BK_OK)
			tool_error(path, 0, "%s", bk_input_error(in));
	}
	tool_progress_done();
	r.path = NULL;
	fail_rc(&r, bk_access_finish(r.acc), 0);
	if (bk_access_evicted(r.acc) > 0)
		tool_warn(NULL, 0, "%llu entities evaluated early and dropped: more than %s "
				   "at once (--max-entities)",
		    (unsigned long long)bk_access_evicted(r.acc),
		    bk_detectconf_text(conf, "state.max_entities"));
	if (bk_access_late(r.acc) > 0)
		tool_warn(NULL, 0, "%llu events came later than the tolerance (state.tolerance %s); "
				   "they were counted in windows of their own",
		    (unsigned long long)bk_access_late(r.acc),
		    bk_detectconf_text(conf, "state.tolerance"));

	status = TOOL_FOUND;
	if (learn) {
		if (bk_baseline_save(base, baseline) != BK_OK) {
			tool_error(NULL, 0, "%s", bk_baseline_error(base));
			status = TOOL_TROUBLE;
		}
	} else if (!emit) {
		nalerts = bk_access_alerts(r.acc, &alerts);
		for (size_t i = 0; i < nalerts; i++) {
			if (out == TOOL_FORMAT_TEXT)
				print_text(alerts[i]);
			else if (bk_access_write_alert(r.acc, i, w, show) != BK_OK)
				tool_write_failed(errno);
		}
		if (summary) {
			if (out == TOOL_FORMAT_TEXT)
				printf("%llu events, %zu alerts\n",
				    (unsigned long long)bk_access_events(r.acc), nalerts);
			else if (bk_access_write_summary(r.acc, w) != BK_OK)
				tool_write_failed(errno);
		}
		status = nalerts > 0 ? TOOL_FOUND : TOOL_NOTHING;
	}

	bk_access_free(r.acc);
	bk_baseline_free(base);
	bk_detectconf_free(conf);
	bk_parser_free(parser);
	for (size_t i = 0; i < nworkers; i++) {
		bk_parser_free(workers[i].p);
		bk_access_batch_free(workers[i].batch);
	}
	bk_formats_free(fs);
	bk_lines_free(lr);
	bk_writer_free(w);
	bk_reader_free(rd);
	bk_input_free(in);
	bk_fileset_free(set);
	tool_exit(status);
}
