/*
 * bk-scan - find personal data in logs, exports and file shares.
 *
 * The tool a responder points at a file server or a folder of exports to
 * learn which files hold personal records and how many. It reads every input
 * through the library's input layer (compressed or not, any Japanese
 * encoding), hands each line to a scanner (lib/scan.c) and prints what it
 * finds as finding records, masked unless --show-values; --summary and
 * --min-count turn that into one record per file for sweeps.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "breachkit.h"
#include "common.h"

static const char usage_text[] =
    "Usage: bk-scan [OPTION]... [PATH]...\n"
    "Find personal data (national ids, pension numbers, phones, addresses, cards,\n"
    "emails, credentials, ...) in each PATH (file, directory with -r, or - for\n"
    "standard input), plain or compressed, in UTF-8, CP932, Shift_JIS or EUC-JP.\n"
    "\n"
    "  -r, --recursive          read directories, recursively\n"
    "  -j, --jobs=N             scan N files at a time; files then appear in the\n"
    "                           order they finish; a single input is shared out\n"
    "                           in chunks, output unchanged (default: 1, and for\n"
    "                           a single input the online CPUs, at most 8)\n"
    "  -l, --files-with-matches print only the names of files with findings\n"
    "      --summary            one summary record per file: counts and distinct\n"
    "                           values per rule\n"
    "      --min-count=N        only files holding at least N distinct identifiers\n"
    "                           (a summary record each)\n"
    "      --min-confidence=C   low, medium (default) or high\n"
    "      --rules=LIST         only these rules: ids, categories, globs (a leading\n"
    "                           minus removes what it matches)\n"
    "      --patterns=DIR       also load DIR's rules (DIR/pii/*.rules or DIR/*.rules)\n"
    "      --encoding=E         auto (default), utf-8, cp932, shift_jis, euc-jp\n"
    "      --binary             also scan files that look binary\n"
    "      --include=GLOB       read only files whose name matches GLOB\n"
    "      --exclude=GLOB       skip files whose name matches GLOB\n"
    "      --show-values        print personal values unmasked\n"
    "      --allow=FILE         never report the values FILE lists (test data)\n"
    "      --baseline=FILE      report only findings not in FILE, then add them\n"
    "                           (keyed hashes: needs --hash-key)\n"
    "      --hash-key=FILE      add a keyed hash of each value (\"key\")\n"
    "      --format=F           text, json or tsv (default: text on a terminal)\n"
    "      --list-rules         list the rules in use and exit\n"
    "      --max-line=BYTES     scan longer lines in pieces, with a warning\n"
    "                           (default 64M)\n"
    "      --check-rules        run every rule's examples and counterexamples\n"
    "      --progress           show progress on stderr (default: on a terminal)\n"
    "      --no-progress        never show progress\n"
    "  -h, --help               show this help and exit\n"
    "  -V, --version            show the version and exit\n"
    "\n"
    "Exit status: 0 something found, 1 nothing found, 2 an error happened.\n";

struct opts {
	size_t max_line;	/* longer lines are scanned in pieces */
	bk_valueset *allow;	/* --allow: values never reported (canonical form) */
	bk_valueset *baseline;	/* --baseline: keyed hashes already reported */
	const char *baseline_path;
	bool list_only;		/* -l */
	bool summary;
	uint64_t min_count;	/* 0: off */
	bool show_values;
	bool binary;
	enum tool_format format;
	bk_hasher *hasher;
};

/*
 * One per thread. With -j 1 a worker writes straight to stdout; with more,
 * each file's output is collected in the worker's own buffer and written
 * whole when the file is done (files appear in the order they finish), or
 * streamed under the output lock once it passes OUT_HOLD, so memory stays
 * bounded whatever a file holds.
 */
struct run {
	const struct opts *o;
	const bk_ruleset *rs;
	bk_input *in;
	bk_lines *lr;
	bk_scanner *sc;
	bk_decoder *dec;
	bk_writer *w;
	bk_summary *sum;
	FILE *out;		/* stdout, or the memory stream below */
	char *buf;		/* the memory stream's buffer (-j 2 and more) */
	size_t bufsize;
	bool streaming;		/* holds the output lock until the file is done */
	const char *path;
	const struct bk_line *line;
	uint64_t findings;	/* over the whole run */
	bool file_matched;
	pthread_t thread;
};

#define OUT_HOLD ((size_t)4 << 20)

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t baseline_lock = PTHREAD_MUTEX_INITIALIZER;

/* The shared list of inputs; workers take the next one. */
static bk_fileset *inputs;
static size_t next_input;
static pthread_mutex_t input_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- output ------------------------------------------------------------- */

/* The value as printed: masked unless asked, into BUF (LEN + BK_MASK_EXTRA). */
static size_t
shown_value(const struct opts *o, const struct bk_finding *f, char *buf)
{
	if (o->show_values) {
		memcpy(buf, f->value, f->value_len);
		return f->value_len;
	}
	return bk_mask(f->value, f->value_len, buf);
}

/* Appends S (K bytes) to BUF (of SIZE bytes) at *N, cutting at the end. */
static void
append(char *buf, size_t size, size_t *n, const char *s, size_t k)
{
	if (k > size - 1 - *n)
		k = size - 1 - *n;
	memcpy(buf + *n, s, k);
	*n += k;
	buf[*n] = '\0';
}

/* append() of a string literal, whose length is known. */
#define APPEND_LIT(buf, size, n, lit) append(buf, size, n, lit, sizeof lit - 1)

/*
 * "validator", "context:個人番号": why a finding fired, for people; returns
 * its length. Once per finding, so by hand: snprintf alone was a tenth of a
 * CSV scan.
 */
static size_t
why_text(const struct bk_finding *f, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (f->why & BK_WHY_VALIDATOR)
		APPEND_LIT(buf, size, &n, "validator");
	if (f->why & (BK_WHY_CONTEXT | BK_WHY_HEADER)) {
		if (n > 0)
			APPEND_LIT(buf, size, &n, " ");
		if (f->why & BK_WHY_CONTEXT)
			APPEND_LIT(buf, size, &n, "context:");
		else
			APPEND_LIT(buf, size, &n, "header:");
		if (f->context != NULL)
			append(buf, size, &n, f->context, strlen(f->context));
	}
	if (!(f->why & (BK_WHY_VALIDATOR | BK_WHY_CONTEXT | BK_WHY_HEADER)))
		APPEND_LIT(buf, size, &n, "pattern");
	return n;
}

static void
print_finding(struct run *r, const struct bk_finding *f, uint64_t lineno, uint64_t offset)
{
	const struct opts *o = r->o;
	const bk_rule *rule = f->rule;
	/* Values are short: the heap only for a long one. */
	char small[256], *val = small;
	size_t vlen, wlen;
	char why[256], key[BK_HASH_HEX + 1];

	if (f->value_len > sizeof small - BK_MASK_EXTRA &&
	    (val = malloc(f->value_len + BK_MASK_EXTRA)) == NULL) {
		tool_error(r->path, lineno, "out of memory");
		return;
	}
	vlen = shown_value(o, f, val);
	wlen = why_text(f, why, sizeof why);
	if (o->hasher != NULL)
		bk_hasher_hash(o->hasher, bk_rule_category(rule), f->value, f->value_len, key);
	switch (o->format) {
	case TOOL_FORMAT_JSON:
		bk_writer_begin(r->w, "finding");
		bk_writer_cstr(r->w, "file", r->path);
		bk_writer_uint(r->w, "line", lineno);
		bk_writer_uint(r->w, "offset", offset);
		bk_writer_cstr(r->w, "rule", bk_rule_id(rule));
		bk_writer_cstr(r->w, "category", bk_rule_category(rule));
		bk_writer_cstr(r->w, "severity", bk_severity_name(bk_rule_severity(rule)));
		bk_writer_cstr(r->w, "confidence", bk_confidence_name(f->confidence));
		bk_writer_str(r->w, "value", val, vlen);
		bk_writer_str(r->w, "why", why, wlen);
		if (o->hasher != NULL)
			bk_writer_cstr(r->w, "key", key);
		if (bk_writer_end(r->w) != BK_OK)
			tool_write_failed(errno);
		break;
	case TOOL_FORMAT_TSV:
		/* Tabs and newlines in a value would break the columns. */
		for (size_t i = 0; i < vlen; i++)
			if (val[i] == '\t' || val[i] == '\n' || val[i] == '\r')
				val[i] = ' ';
		fprintf(r->out, "%s\t%llu\t%llu\t%s\t%s\t%s\t%s\t%.*s\t%s%s%s\n", r->path,
		    (unsigned long long)lineno, (unsigned long long)offset,
		    bk_rule_id(rule), bk_rule_category(rule),
		    bk_severity_name(bk_rule_severity(rule)), bk_confidence_name(f->confidence),
		    (int)vlen, val, why, o->hasher != NULL ? "\t" : "", o->hasher != NULL ? key : "");
		break;
	case TOOL_FORMAT_TEXT:
		fprintf(r->out, "%s:%llu: %s %.*s (%s confidence; %s)\n", r->path,
		    (unsigned long long)lineno, bk_rule_id(rule), (int)vlen, val,
		    bk_confidence_name(f->confidence), why);
		break;
	}
	if (val != small)
		free(val);
}

#define SUMMARY_TSV_HEADER "file\tlines\tfindings\tdistinct\trules\n"

/* One record per file: counts and distinct values per rule. */
static void
print_summary(struct run *r)
{
	size_t n;
	const struct bk_summary_rule *rules = bk_summary_rules(r->sum, &n);

	switch (r->o->format) {
	case TOOL_FORMAT_JSON:
		bk_writer_begin(r->w, "summary");
		bk_writer_cstr(r->w, "file", r->path);
		bk_writer_uint(r->w, "lines", bk_summary_lines(r->sum));
		bk_writer_uint(r->w, "findings", bk_summary_findings(r->sum));
		bk_writer_uint(r->w, "distinct", bk_summary_distinct(r->sum));
		if (bk_summary_capped(r->sum))
			bk_writer_bool(r->w, "distinct_capped", true);
		bk_writer_object_begin(r->w, "rules");
		for (size_t i = 0; i < n; i++) {
			bk_writer_object_begin(r->w, bk_rule_id(rules[i].rule));
			bk_writer_uint(r->w, "findings", rules[i].findings);
			bk_writer_uint(r->w, "distinct", rules[i].distinct);
			bk_writer_object_end(r->w);
		}
		bk_writer_object_end(r->w);
		if (bk_writer_end(r->w) != BK_OK)
			tool_write_failed(errno);
		break;
	case TOOL_FORMAT_TSV:
	case TOOL_FORMAT_TEXT:
		fprintf(r->out, r->o->format == TOOL_FORMAT_TSV ? "%s\t%llu\t%llu\t%llu%s\t" :
		    "%s: %llu lines, %llu findings, %llu distinct%s:", r->path,
		    (unsigned long long)bk_summary_lines(r->sum),
		    (unsigned long long)bk_summary_findings(r->sum),
		    (unsigned long long)bk_summary_distinct(r->sum),
		    bk_summary_capped(r->sum) ? "+" : "");
		for (size_t i = 0; i < n; i++)
			fprintf(r->out, r->o->format == TOOL_FORMAT_TSV ? "%s%s=%llu/%llu" :
			    "%s %s %llu/%llu",
			    i > 0 && r->o->format == TOOL_FORMAT_TSV ? "," : "",
			    bk_rule_id(rules[i].rule), (unsigned long long)rules[i].findings,
			    (unsigned long long)rules[i].distinct);
		fputc('\n', r->out);
		break;
	}
}

/* Writes what a worker collected so far (nothing to do when it writes to stdout). */
static void
flush_out(struct run *r)
{
	off_t n;

	if (r->out == stdout)
		return;
	if (fflush(r->out) != 0 || (n = ftello(r->out)) < 0) {
		tool_error(r->path, 0, "out of memory");
		return;
	}
	if (n == 0)
		return;
	if (!r->streaming)
		pthread_mutex_lock(&out_lock);
	if (fwrite(r->buf, 1, (size_t)n, stdout) != (size_t)n)
		tool_write_failed(errno);
	if (!r->streaming)
		pthread_mutex_unlock(&out_lock);
	rewind(r->out);
}

/*
 * A file with very many findings would fill memory: past OUT_HOLD its
 * worker takes the output lock and streams the rest of that file.
 */
static void
hold_check(struct run *r)
{
	off_t n;

	if (r->out == stdout || (n = ftello(r->out)) < (off_t)(r->streaming ? 64 << 10 : OUT_HOLD))
		return;
	if (!r->streaming) {
		pthread_mutex_lock(&out_lock);
		r->streaming = true;
	}
	flush_out(r);
}

/* A file is done: its output goes out whole, and the lock is given back. */
static void
file_done(struct run *r)
{
	flush_out(r);
	if (r->streaming) {
		r->streaming = false;
		pthread_mutex_unlock(&out_lock);
	}
}

/*
 * Whether F is to be left out: an allowed value, or (with --baseline) one
 * already reported by an earlier run. A new one joins the baseline.
 */
static bool
known(struct run *r, const struct bk_finding *f, uint64_t lineno)
{
	const struct opts *o = r->o;

	if (o->allow != NULL) {
		char *canon = malloc(f->value_len + 1);
		bool allowed;

		if (canon == NULL)
			return false;
		allowed = bk_valueset_has(o->allow, canon, bk_canonical(f->value, f->value_len, canon));
		free(canon);
		if (allowed)
			return true;
	}
	if (o->baseline != NULL) {
		char key[BK_HASH_HEX + 1];
		bool seen;

		/* The rule is part of the key: the same digits as two kinds are two findings. */
		bk_hasher_hash(o->hasher, bk_rule_id(f->rule), f->value, f->value_len, key);
		pthread_mutex_lock(&baseline_lock);
		seen = bk_valueset_has(o->baseline, key, BK_HASH_HEX);
		if (!seen && bk_valueset_add(o->baseline, key, BK_HASH_HEX) != BK_OK)
			tool_error(r->path, lineno, "out of memory");
		pthread_mutex_unlock(&baseline_lock);
		if (seen)
			return true;
	}
	return false;
}

/*
 * What becomes of a finding at LINENO, OFFSET of the file: left out when
 * known, counted, summed, printed. Nonzero: stop reading the file (-l).
 */
static int
deliver(struct run *r, const struct bk_finding *f, uint64_t lineno, uint64_t offset)
{
	if (known(r, f, lineno))
		return 0;
	r->findings++;
	r->file_matched = true;
	if (r->sum != NULL && bk_summary_add(r->sum, f) != BK_OK) {
		tool_error(r->path, lineno, "out of memory");
		return 1;
	}
	if (r->o->list_only)
		return 1;	/* one finding names the file: stop reading it */
	if (!r->o->summary && r->o->min_count == 0) {
		print_finding(r, f, lineno, offset);
		hold_check(r);
	}
	return 0;
}

static int
on_finding(void *ctx, const struct bk_finding *f)
{
	struct run *r = ctx;
	/* Offsets count the file's own bytes, whatever its encoding. */
	uint64_t offset = r->line->offset +
	    bk_decoder_origin(r->dec, r->line->data, r->line->len, f->start);

	return deliver(r, f, r->line->lineno, offset);
}

/* ---- one input ---------------------------------------------------------- */

/* A file whose first bytes hold NUL is binary, as grep decides. */
static bool
looks_binary(bk_input *in)
{
	const char *d;
	size_t n;

	if (bk_input_peek(in, 32 << 10, &d, &n) != BK_OK)
		return false;
	return memchr(d, '\0', n) != NULL;
}

/* CSV and TSV by name; the first line is then the header. */
static char
delimiter_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	char ext[8];
	size_t n;

	if (dot == NULL)
		return 0;
	/* access.csv.gz is still a CSV file. */
	if (strcasecmp(dot, ".gz") == 0 || strcasecmp(dot, ".zst") == 0 ||
	    strcasecmp(dot, ".xz") == 0 || strcasecmp(dot, ".bz2") == 0) {
		const char *p = dot;
		while (p > path && p[-1] != '.')
			p--;
		if (p == path)
			return 0;
		n = (size_t)(dot - p);
		if (n >= sizeof ext)
			return 0;
		memcpy(ext, p, n);
		ext[n] = '\0';
	} else {
		snprintf(ext, sizeof ext, "%s", dot + 1);
	}
	if (strcasecmp(ext, "csv") == 0)
		return ',';
	if (strcasecmp(ext, "tsv") == 0 || strcasecmp(ext, "tab") == 0)
		return '\t';
	return 0;
}

/* What is said of a file once all of it was read: its name (-l), its summary. */
static void
file_end(struct run *r)
{
	const struct opts *o = r->o;

	if (o->list_only && r->file_matched)
		fprintf(r->out, "%s\n", r->path);
	if (r->sum != NULL && (o->min_count == 0 || bk_summary_distinct(r->sum) >= o->min_count)) {
		if (o->min_count > 0 && !o->list_only)
			r->findings++;	/* the file is what was found */
		if (!o->list_only)
			print_summary(r);
	}
}

/*
 * Scans the lines R's reader gives until the end; the decoder and the
 * header are set up. Returns BK_EOF, or BK_ERROR or BK_NOMEM (not yet said).
 */
static int
scan_lines(struct run *r)
{
	bk_lines *lr = r->lr;
	bk_decoder *dec = r->dec;
	const struct opts *o = r->o;
	char delim = delimiter_of(r->path);
	struct bk_line line;
	int rc;

	while ((rc = bk_lines_next(lr, &line)) == BK_OK) {
		const char *text;
		size_t tlen;

		if (bk_decoder_line(dec, line.data, line.len, &text, &tlen) != BK_OK)
			return BK_NOMEM;
		if (line.lineno == 1 && delim != 0 &&
		    bk_scanner_set_header(r->sc, text, tlen, delim) != BK_OK)
			return BK_NOMEM;
		/* Never silent: a value across the cut of a split line can be missed. */
		if ((line.flags & (BK_LINE_SPLIT | BK_LINE_CONT)) == BK_LINE_SPLIT)
			tool_warn(r->path, line.lineno,
			    "line longer than %zu bytes, scanned in pieces (a value across a cut is missed)",
			    o->max_line);
		r->line = &line;
		if (r->sum != NULL)
			bk_summary_line(r->sum);
		rc = bk_scanner_line(r->sc, text, tlen, on_finding, r);
		if (rc == BK_NOMEM)
			return rc;
		if (rc != BK_OK)	/* -l: the file is named, the rest need not be read */
			return BK_EOF;
	}
	return rc;
}

static void
scan_input(struct run *r)
{
	bk_input *in = r->in;
	bk_lines *lr = r->lr;
	bk_decoder *dec = r->dec;
	const struct opts *o = r->o;
	const char *sample;
	size_t slen;
	int rc;

	if (!o->binary && looks_binary(in))
		return;
	if (bk_input_peek(in, 64 << 10, &sample, &slen) == BK_NOMEM) {
		tool_error(r->path, 0, "out of memory");
		return;
	}
	bk_decoder_reset(dec, sample, slen);
	bk_scanner_set_header(r->sc, NULL, 0, 0);
	r->file_matched = false;
	if (r->sum != NULL)
		bk_summary_reset(r->sum);
	bk_lines_reset(lr, in, 1);
	rc = scan_lines(r);
	if (rc == BK_ERROR)
		tool_error(r->path, 0, "%s", bk_input_error(in));
	else if (rc == BK_NOMEM)
		tool_error(r->path, 0, "out of memory");
	file_end(r);
}

/* ---- rules -------------------------------------------------------------- */

static void
list_rules(const bk_ruleset *rs)
{
	char trig[96];

	printf("%-26s %-13s %-8s %-13s %-16s %s\n", "rule", "category", "severity",
	    "confidence", "trigger", "description");
	for (size_t i = 0; i < bk_ruleset_count(rs); i++) {
		const bk_rule *r = bk_ruleset_rule(rs, i);
		char conf[32];

		/* "low>high": alone, then with context; "-" alone: context is required. */
		if (bk_rule_context_confidence(r) == bk_rule_confidence(r) && !bk_rule_requires_context(r))
			snprintf(conf, sizeof conf, "%s", bk_confidence_name(bk_rule_confidence(r)));
		else
			snprintf(conf, sizeof conf, "%s>%s", bk_rule_requires_context(r) ? "-" :
			    bk_confidence_name(bk_rule_confidence(r)),
			    bk_confidence_name(bk_rule_context_confidence(r)));
		printf("%-26s %-13s %-8s %-13s %-16s %s\n", bk_rule_id(r), bk_rule_category(r),
		    bk_severity_name(bk_rule_severity(r)), conf,
		    bk_rule_trigger_text(r, trig, sizeof trig), bk_rule_description(r));
	}
}

/* Counts the findings of RULE in TEXT at medium confidence or more. */
struct check {
	const bk_rule *rule;
	unsigned found;
};

static int
on_check(void *ctx, const struct bk_finding *f)
{
	struct check *c = ctx;

	c->found += f->rule == c->rule;
	return 0;
}

/* --check-rules: every example found, no counterexample found. */
static int
check_rules(const bk_ruleset *rs)
{
	bk_scanner *sc = bk_scanner_new(rs, BK_CONFIDENCE_MEDIUM);
	unsigned bad = 0, total = 0;

	if (sc == NULL)
		tool_usage_error("out of memory");
	for (size_t i = 0; i < bk_ruleset_count(rs); i++) {
		const bk_rule *r = bk_ruleset_rule(rs, i);
		size_t n;

		for (int kind = 0; kind < 2; kind++) {
			const char *const *ex = kind == 0 ? bk_rule_examples(r, &n) :
							    bk_rule_counterexamples(r, &n);
			for (size_t k = 0; k < n; k++) {
				struct check c = { r, 0 };

				total++;
				bk_scanner_set_header(sc, NULL, 0, 0);
				bk_scanner_line(sc, ex[k], strlen(ex[k]), on_check, &c);
				if ((kind == 0) == (c.found > 0))
					continue;
				bad++;
				tool_error(bk_rule_file(r), bk_rule_line(r), "rule %s: %s %s: %s",
				    bk_rule_id(r), kind == 0 ? "example" : "counterexample",
				    kind == 0 ? "not found" : "found", ex[k]);
			}
		}
	}
	bk_scanner_free(sc);
	printf("%u examples and counterexamples of %zu rules checked, %u wrong\n", total,
	    bk_ruleset_count(rs), bad);
	return bad == 0 ? TOOL_FOUND : TOOL_TROUBLE;
}

/* ---- workers ------------------------------------------------------------ */

static int
worker_init(struct run *r, const struct opts *o, const bk_ruleset *rs, enum bk_charset cs,
    enum bk_confidence min, bool threaded)
{
	r->o = o;
	r->rs = rs;
	r->in = bk_input_new();
	r->lr = bk_lines_new(o->max_line);
	r->dec = bk_decoder_new(cs);
	r->sc = bk_scanner_new(rs, min);
	r->out = threaded ? open_memstream(&r->buf, &r->bufsize) : stdout;
	r->w = r->out != NULL ? bk_writer_new(r->out) : NULL;
	if (o->summary || o->min_count > 0)
		r->sum = bk_summary_new();
	if (r->in == NULL || r->lr == NULL || r->dec == NULL || r->sc == NULL || r->w == NULL ||
	    ((o->summary || o->min_count > 0) && r->sum == NULL))
		return BK_NOMEM;
	return BK_OK;
}

static void
worker_fini(struct run *r)
{
	bk_summary_free(r->sum);
	bk_writer_free(r->w);
	if (r->out != NULL && r->out != stdout)
		fclose(r->out);
	free(r->buf);
	bk_scanner_free(r->sc);
	bk_decoder_free(r->dec);
	bk_lines_free(r->lr);
	bk_input_free(r->in);
}

static void *
worker_main(void *arg)
{
	struct run *r = arg;

	for (;;) {
		size_t i;

		pthread_mutex_lock(&input_lock);
		i = next_input++;
		pthread_mutex_unlock(&input_lock);
		if (i >= bk_fileset_count(inputs))
			break;
		const char *path = bk_fileset_path(inputs, i);

		if (bk_input_open(r->in, path) != BK_OK) {
			tool_error(strcmp(path, "-") == 0 ? bk_input_name(r->in) : path, 0, "%s",
			    bk_input_error(r->in));
			continue;
		}
		r->path = bk_input_name(r->in);
		scan_input(r);
		if (r->out == stdout)
			tool_progress(r->path, bk_input_raw_offset(r->in), 0);
		bk_input_close(r->in);
		file_done(r);
	}
	return NULL;
}

/* ---- one input, several workers ----------------------------------------- */

/*
 * A single input with -j 2 or more is cut into chunks at line boundaries;
 * each worker scans whole chunks with its own scanner and decoder, keeping
 * what it finds, and the main thread writes each chunk out in input order,
 * so the output is the same as one pass: line numbers are counted on as
 * chunks are written, and the baseline, --allow and --summary see findings
 * in the order of the input. A large plain file is cut by offset and each
 * worker reads its chunks itself; anything else (compressed, a pipe) is
 * read and decompressed by the main thread, which hands out the text in
 * chunks. At most AHEAD chunks are in flight, so memory stays bounded.
 */
#define CHUNK_SIZE ((size_t)4 << 20)
#define SPLIT_MIN (4 * (uint64_t)CHUNK_SIZE)
#define AHEAD_MAX 64

struct kept {
	const bk_rule *rule;	/* NULL: a line was cut at --max-line (a warning) */
	uint64_t line;		/* counted from the chunk's first line, 0-based */
	uint64_t offset;	/* in the input */
	size_t value, value_len;	/* in the chunk's values */
	enum bk_confidence confidence;
	unsigned why;
	const char *context;
};

struct chunk {
	uint64_t from, to;	/* the lines that start in [from, to) of the input */
	char *data;		/* the text itself when the main thread read it, or NULL */
	size_t len;
	uint64_t lines;
	struct kept *k;
	size_t nk, kcap;
	char *values;
	size_t nvalues, valcap;
	char *error;		/* why reading it failed, or NULL */
	bool done;
};

static struct {
	const char *path;
	const char *sample;	/* the input's first bytes, for the decoder and the header */
	size_t sample_len;
	const char *header;	/* a CSV file's first line, decoded, or NULL */
	size_t header_len;
	char delim;
	struct chunk ring[AHEAD_MAX];
	size_t ahead;		/* chunks in flight at most */
	uint64_t next;		/* the next chunk a worker takes */
	uint64_t handed;	/* chunks handed out so far */
	uint64_t written;	/* chunks written out so far */
	bool last;		/* no chunk follows those handed out */
	bool stop;
	pthread_mutex_t lock;
	pthread_cond_t cond;
} big = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

struct chunk_scan {
	struct run *r;
	struct chunk *c;
	uint64_t first;		/* the line number of the chunk's first line, as read */
	bool nomem;
};

static int
keep_finding(void *ctx, const struct bk_finding *f)
{
	struct chunk_scan *cs = ctx;
	struct chunk *c = cs->c;
	struct run *r = cs->r;

	if (c->nk == c->kcap) {
		size_t cap = c->kcap ? 2 * c->kcap : 64;
		struct kept *k = realloc(c->k, cap * sizeof *k);

		if (k == NULL)
			goto nomem;
		c->k = k, c->kcap = cap;
	}
	if (c->valcap - c->nvalues < f->value_len) {
		size_t cap = c->valcap ? 2 * c->valcap : 4096;
		char *v;

		while (cap - c->nvalues < f->value_len)
			cap *= 2;
		if ((v = realloc(c->values, cap)) == NULL)
			goto nomem;
		c->values = v, c->valcap = cap;
	}
	if (f->value_len > 0)	/* a warning's kept finding has no value (and no buffer yet) */
		memcpy(c->values + c->nvalues, f->value, f->value_len);
	c->k[c->nk++] = (struct kept){ f->rule, r->line->lineno - cs->first,
		r->line->offset + bk_decoder_origin(r->dec, r->line->data, r->line->len, f->start),
		c->nvalues, f->value_len, f->confidence, f->why, f->context };
	c->nvalues += f->value_len;
	return 0;
nomem:
	cs->nomem = true;
	return 1;
}

static void
chunk_fail(struct chunk *c, const char *msg)
{
	if (c->error == NULL)
		c->error = strdup(msg != NULL ? msg : "out of memory");
}

/* Scans the lines of chunk C: from its text, or from the file with worker R's own reader. */
static void
scan_chunk(struct run *r, struct chunk *c)
{
	struct chunk_scan cs = { r, c, 1, false };
	struct bk_line line;
	bool skipping = c->data == NULL && c->from > 0;
	const char *text;
	size_t tlen;
	int rc;

	bk_decoder_reset(r->dec, big.sample, big.sample_len);
	bk_scanner_set_header(r->sc, big.header, big.header_len, big.delim);
	/* Not the input's first line: no byte-order mark to drop. */
	if (c->from > 0)
		(void)bk_decoder_line(r->dec, "", 0, &text, &tlen);
	if (c->data != NULL) {
		bk_lines_reset_mem(r->lr, c->data, c->len, c->from, 1, NULL);
	} else {
		if (bk_input_open(r->in, big.path) != BK_OK) {
			chunk_fail(c, bk_input_error(r->in));
			return;
		}
		/* From the byte before: the line it ends is the previous chunk's. */
		if (c->from > 0 && bk_input_skip(r->in, c->from - 1) != BK_OK) {
			chunk_fail(c, bk_input_error(r->in));
			bk_input_close(r->in);
			return;
		}
		bk_lines_reset(r->lr, r->in, 1);
	}
	while ((rc = bk_lines_next(r->lr, &line)) == BK_OK) {
		if (skipping) {
			if (line.offset < c->from || (line.flags & BK_LINE_CONT))
				continue;
			skipping = false;
			cs.first = line.lineno;
		}
		if (!(line.flags & BK_LINE_CONT) && line.offset >= c->to)
			break;
		c->lines = line.lineno - cs.first + 1;
		if (bk_decoder_line(r->dec, line.data, line.len, &text, &tlen) != BK_OK) {
			rc = BK_NOMEM;
			break;
		}
		r->line = &line;
		if ((line.flags & (BK_LINE_SPLIT | BK_LINE_CONT)) == BK_LINE_SPLIT) {
			struct bk_finding cut = { .value = "" };

			if (keep_finding(&cs, &cut) != 0)
				break;
			c->k[c->nk - 1].rule = NULL;
		}
		if (bk_scanner_line(r->sc, text, tlen, keep_finding, &cs) == BK_NOMEM || cs.nomem) {
			rc = BK_NOMEM;
			break;
		}
		if (big.stop)
			break;
	}
	if (rc == BK_ERROR)
		chunk_fail(c, bk_input_error(r->in));
	else if (rc == BK_NOMEM || cs.nomem)
		chunk_fail(c, "out of memory");
	if (c->data == NULL)
		bk_input_close(r->in);
}

static void *
chunk_worker(void *arg)
{
	struct run *r = arg;

	pthread_mutex_lock(&big.lock);
	for (;;) {
		while (!big.stop && big.next >= big.handed && !big.last)
			pthread_cond_wait(&big.cond, &big.lock);
		if (big.stop || big.next >= big.handed)
			break;
		struct chunk *c = &big.ring[big.next++ % big.ahead];

		pthread_mutex_unlock(&big.lock);
		scan_chunk(r, c);
		pthread_mutex_lock(&big.lock);
		c->done = true;
		pthread_cond_broadcast(&big.cond);
	}
	pthread_mutex_unlock(&big.lock);
	return NULL;
}

/*
 * Writes the oldest chunk in flight out through R once it is done, its lines
 * numbered on from *BASE, and frees its slot. Nonzero: stop reading.
 */
static int
write_next(struct run *r, uint64_t *base, uint64_t size)
{
	struct chunk *c = &big.ring[big.written % big.ahead];
	int stop = 0;

	pthread_mutex_lock(&big.lock);
	while (!c->done)
		pthread_cond_wait(&big.cond, &big.lock);
	pthread_mutex_unlock(&big.lock);
	for (size_t i = 0; i < c->nk && !stop; i++) {
		const struct kept *k = &c->k[i];
		struct bk_finding f = { 0 };

		if (k->rule == NULL) {
			tool_warn(r->path, *base + k->line,
			    "line longer than %zu bytes, scanned in pieces (a value across a cut is missed)",
			    r->o->max_line);
			continue;
		}
		f.rule = k->rule;
		f.value = c->values + k->value;
		f.value_len = k->value_len;
		f.confidence = k->confidence;
		f.why = k->why;
		f.context = k->context;
		stop = deliver(r, &f, *base + k->line, k->offset);
	}
	if (r->sum != NULL)
		for (uint64_t l = 0; l < c->lines; l++)
			bk_summary_line(r->sum);
	if (c->error != NULL) {
		tool_error(r->path, 0, "%s", c->error);
		stop = 1;	/* what follows the damage is not read, as in one pass */
	}
	*base += c->lines;
	if (c->to != UINT64_MAX)
		tool_progress(r->path, c->to < size ? c->to : size, size);
	free(c->k);
	free(c->values);
	free(c->error);
	free(c->data);
	pthread_mutex_lock(&big.lock);
	big.written++;
	big.stop = big.stop || stop;
	stop = big.stop;
	pthread_cond_broadcast(&big.cond);
	pthread_mutex_unlock(&big.lock);
	return stop;
}

/* Hands chunk C (in the next slot) to the workers; false when reading is to stop. */
static bool
hand_out(struct run *r, const struct chunk *c, uint64_t *base, uint64_t size)
{
	while (big.handed - big.written >= big.ahead)
		if (write_next(r, base, size) != 0)
			return false;
	pthread_mutex_lock(&big.lock);
	big.ring[big.handed % big.ahead] = *c;
	big.handed++;
	pthread_cond_broadcast(&big.cond);
	pthread_mutex_unlock(&big.lock);
	return true;
}

/*
 * The main thread reads IN itself: text is gathered to the last newline of
 * each CHUNK_SIZE and handed out. A line longer than a chunk may be is
 * read by the main thread alone, on from where the chunks stopped, after
 * all before it are written; it returns its status (BK_EOF when all went).
 */
static int
read_chunks(struct run *r, bk_input *in, uint64_t *base)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	uint64_t off = 0;
	const char *d;
	size_t n;
	int rc;

	while ((rc = bk_input_next(in, &d, &n)) == BK_OK) {
		if (cap - len < n) {
			size_t ncap = cap ? cap : CHUNK_SIZE + (CHUNK_SIZE >> 2);
			char *nb;

			while (ncap - len < n)
				ncap *= 2;
			if ((nb = realloc(buf, ncap)) == NULL) {
				rc = BK_NOMEM;
				break;
			}
			buf = nb, cap = ncap;
		}
		memcpy(buf + len, d, n);
		len += n;
		if (len < CHUNK_SIZE)
			continue;
		const char *nl = memrchr(buf, '\n', len);

		if (nl == NULL) {
			if (len < 4 * CHUNK_SIZE)
				continue;
			/* A very long line: the rest is read here, in one pass. */
			while (big.written < big.handed)
				if (write_next(r, base, 0) != 0) {
					free(buf);
					return BK_EOF;
				}
			bk_decoder_reset(r->dec, big.sample, big.sample_len);
			if (off > 0) {
				(void)bk_decoder_line(r->dec, "", 0, &d, &n);
				if (bk_scanner_set_header(r->sc, big.header, big.header_len, big.delim) != BK_OK)
					rc = BK_NOMEM;
			}
			bk_lines_reset_mem(r->lr, buf, len, off, *base, in);
			if (rc != BK_NOMEM)
				rc = scan_lines(r);
			free(buf);
			return rc;
		}
		size_t take = (size_t)(nl - buf) + 1;
		struct chunk c = { .from = off, .to = UINT64_MAX, .data = buf, .len = take };
		char *rest = malloc(cap);

		if (rest == NULL) {
			rc = BK_NOMEM;
			break;
		}
		memcpy(rest, buf + take, len - take);
		if (!hand_out(r, &c, base, 0)) {
			free(rest);
			return BK_EOF;
		}
		buf = rest;
		len -= take;
		off += take;
	}
	if (len > 0 && rc != BK_NOMEM) {
		struct chunk c = { .from = off, .to = UINT64_MAX, .data = buf, .len = len };

		if (!hand_out(r, &c, base, 0))
			return BK_EOF;
		buf = NULL;
	}
	free(buf);
	return rc;
}

/*
 * Scans R's open input with JOBS workers and writes through R: a regular
 * plain file of SIZE bytes (SIZE 0: anything else) by offset, otherwise
 * through the main thread's reading. The workers must be set up.
 */
static void
scan_shared(struct run *r, struct run *workers, long jobs, uint64_t size)
{
	char *sample = NULL, *header = NULL;
	const char *peek;
	size_t plen;
	uint64_t base = 1;
	int rc = BK_EOF;

	if (bk_input_peek(r->in, 64 << 10, &peek, &plen) == BK_NOMEM ||
	    (sample = malloc(plen + 1)) == NULL) {
		tool_error(r->path, 0, "out of memory");
		return;
	}
	memcpy(sample, peek, plen);
	big.path = r->path;
	big.sample = sample;
	big.sample_len = plen;
	big.delim = delimiter_of(r->path);
	big.header = NULL;
	big.header_len = 0;
	if (big.delim != 0) {
		/* The header as the scanner reads it: decoded, as the first line is in one pass. */
		const char *nl = memchr(sample, '\n', plen), *text;
		size_t len = nl != NULL ? (size_t)(nl - sample) : plen, tlen;

		if (len > 0 && sample[len - 1] == '\r')
			len--;
		bk_decoder_reset(r->dec, sample, plen);
		if (bk_decoder_line(r->dec, sample, len, &text, &tlen) != BK_OK ||
		    (header = malloc(tlen + 1)) == NULL) {
			free(sample);
			tool_error(r->path, 0, "out of memory");
			return;
		}
		memcpy(header, text, tlen);
		big.header = header;
		big.header_len = tlen;
	}
	big.ahead = 2 * (size_t)jobs < AHEAD_MAX ? 2 * (size_t)jobs : AHEAD_MAX;
	r->file_matched = false;
	if (r->sum != NULL)
		bk_summary_reset(r->sum);
	for (long i = 0; i < jobs; i++)
		if (pthread_create(&workers[i].thread, NULL, chunk_worker, &workers[i]) != 0)
			tool_usage_error("cannot start a thread");
	if (size > 0) {
		for (uint64_t from = 0; from < size; from += CHUNK_SIZE) {
			struct chunk c = { .from = from, .to = from + CHUNK_SIZE < size ? from + CHUNK_SIZE : UINT64_MAX };

			if (!hand_out(r, &c, &base, size))
				break;
		}
	} else {
		rc = read_chunks(r, r->in, &base);
	}
	pthread_mutex_lock(&big.lock);
	big.last = true;
	pthread_cond_broadcast(&big.cond);
	pthread_mutex_unlock(&big.lock);
	while (big.written < big.handed && write_next(r, &base, size) == 0)
		;
	pthread_mutex_lock(&big.lock);
	big.stop = true;	/* workers waiting for more go home */
	pthread_cond_broadcast(&big.cond);
	pthread_mutex_unlock(&big.lock);
	for (long i = 0; i < jobs; i++)
		pthread_join(workers[i].thread, NULL);
	for (; big.written < big.handed; big.written++) {
		struct chunk *c = &big.ring[big.written % big.ahead];

		free(c->k);
		free(c->values);
		free(c->error);
		free(c->data);
	}
	if (rc == BK_ERROR)
		tool_error(r->path, 0, "%s", bk_input_error(r->in));
	else if (rc == BK_NOMEM)
		tool_error(r->path, 0, "out of memory");
	file_end(r);
	free(sample);
	free(header);
}

/*
 * Opens PATH in IN to be shared out: *SIZE is its size when it is a regular
 * plain file worth cutting by offset (SPLIT_MIN bytes or more), 0 when the
 * main thread is to read it. False when it cannot be opened, or is binary
 * (unless --binary): the ordinary path then reports it.
 */
static bool
shareable(const struct opts *o, bk_input *in, const char *path, uint64_t *size)
{
	const struct stat *st;

	if (bk_input_open(in, path) != BK_OK)
		return false;
	if (!o->binary && looks_binary(in)) {
		bk_input_close(in);
		return false;
	}
	st = bk_input_stat(in);
	*size = 0;
	/* Workers open the file again by name: not standard input, even when it is a file. */
	if (bk_input_codec(in) == BK_CODEC_PLAIN && st != NULL && S_ISREG(st->st_mode) &&
	    (uint64_t)st->st_size >= SPLIT_MIN && strcmp(path, "-") != 0)
		*size = (uint64_t)st->st_size;
	return true;
}

/* A rule that backtracked past PCRE2's limit: said once, whichever workers saw it. */
static void
warn_limited(const bk_rule *rule)
{
	static const bk_rule *said[64];
	static size_t nsaid;

	for (size_t i = 0; i < nsaid; i++)
		if (said[i] == rule)
			return;
	if (nsaid < sizeof said / sizeof said[0])
		said[nsaid++] = rule;
	tool_warn(NULL, 0, "rule %s: pattern hit the match limit; such matches were skipped",
	    bk_rule_id(rule));
}

/* ---- main --------------------------------------------------------------- */

int
main(int argc, char **argv)
{
	enum { OPT_ALLOW = 256, OPT_BASELINE, OPT_BINARY, OPT_CHECK_RULES, OPT_ENCODING, OPT_EXCLUDE, OPT_FORMAT,
		OPT_HASH_KEY, OPT_INCLUDE, OPT_LIST_RULES, OPT_MAX_LINE, OPT_MIN_CONFIDENCE, OPT_MIN_COUNT,
		OPT_NO_PROGRESS, OPT_PATTERNS, OPT_PROGRESS, OPT_RULES, OPT_SHOW_VALUES,
		OPT_SUMMARY };
	static const struct option longopts[] = {
		{ "allow", required_argument, NULL, OPT_ALLOW },
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "binary", no_argument, NULL, OPT_BINARY },
		{ "check-rules", no_argument, NULL, OPT_CHECK_RULES },
		{ "encoding", required_argument, NULL, OPT_ENCODING },
		{ "exclude", required_argument, NULL, OPT_EXCLUDE },
		{ "files-with-matches", no_argument, NULL, 'l' },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "hash-key", required_argument, NULL, OPT_HASH_KEY },
		{ "help", no_argument, NULL, 'h' },
		{ "include", required_argument, NULL, OPT_INCLUDE },
		{ "jobs", required_argument, NULL, 'j' },
		{ "list-rules", no_argument, NULL, OPT_LIST_RULES },
		{ "max-line", required_argument, NULL, OPT_MAX_LINE },
		{ "min-confidence", required_argument, NULL, OPT_MIN_CONFIDENCE },
		{ "min-count", required_argument, NULL, OPT_MIN_COUNT },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "patterns", required_argument, NULL, OPT_PATTERNS },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "recursive", no_argument, NULL, 'r' },
		{ "rules", required_argument, NULL, OPT_RULES },
		{ "show-values", no_argument, NULL, OPT_SHOW_VALUES },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .format = tool_default_format(), .max_line = BK_LINES_DEFAULT_MAX };
	enum bk_confidence min = BK_CONFIDENCE_MEDIUM;
	enum bk_charset cs = BK_CHARSET_AUTO;
	const char *rules_list = NULL, *extra[16];
	size_t nextra = 0;
	bool list = false, check = false;
	int progress = -1, c;
	long jobs = 0;	/* not given */
	bk_fileset *fs = bk_fileset_new();
	bk_ruleset *rs = bk_ruleset_new();

	tool_init("bk-scan", argv);
	if (fs == NULL || rs == NULL)
		tool_usage_error("out of memory");
	bk_fileset_on_error(fs, tool_fileset_error, NULL);
	bk_ruleset_on_error(rs, tool_rules_error, NULL);
	while ((c = getopt_long(argc, argv, "Vhj:lr", longopts, NULL)) != -1) {
		switch (c) {
		case 'V':
			tool_version(NULL);
		case 'h':
			tool_help(usage_text);
		case 'j':
			jobs = tool_jobs_arg(optarg, 256);
			break;
		case 'l':
			o.list_only = true;
			break;
		case 'r':
			bk_fileset_set_recursive(fs, true);
			break;
		case OPT_ALLOW:
			if (o.allow == NULL && (o.allow = bk_valueset_new()) == NULL)
				tool_usage_error("out of memory");
			if (bk_valueset_load(o.allow, optarg, BK_VALUESET_CANONICAL) != BK_OK)
				tool_usage_error("%s", bk_valueset_error(o.allow));
			break;
		case OPT_BASELINE:
			o.baseline_path = optarg;
			break;
		case OPT_BINARY:
			o.binary = true;
			break;
		case OPT_CHECK_RULES:
			check = true;
			break;
		case OPT_ENCODING:
			if (bk_charset_parse(optarg, &cs) != BK_OK)
				tool_usage_error("unknown encoding '%s' (auto, utf-8, cp932, shift_jis, "
				    "euc-jp)", optarg);
			break;
		case OPT_EXCLUDE:
			if (bk_fileset_exclude(fs, optarg) != BK_OK)
				tool_usage_error("out of memory");
			break;
		case OPT_FORMAT:
			o.format = tool_format_parse(optarg);
			break;
		case OPT_HASH_KEY:
			if ((o.hasher = bk_hasher_new()) == NULL)
				tool_usage_error("out of memory");
			if (bk_hasher_load_key(o.hasher, optarg) != BK_OK)
				tool_usage_error("%s: %s", optarg, bk_hasher_error(o.hasher));
			break;
		case OPT_INCLUDE:
			if (bk_fileset_include(fs, optarg) != BK_OK)
				tool_usage_error("out of memory");
			break;
		case OPT_LIST_RULES:
			list = true;
			break;
		case OPT_MAX_LINE:
			o.max_line = tool_parse_size(optarg);
			break;
		case OPT_MIN_CONFIDENCE:
			if (bk_confidence_parse(optarg, &min) != BK_OK)
				tool_usage_error("unknown confidence '%s' (low, medium, high)", optarg);
			break;
		case OPT_MIN_COUNT: {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || v == 0)
				tool_usage_error("bad count '%s'", optarg);
			o.min_count = v;
			break;
		}
		case OPT_NO_PROGRESS:
			progress = 0;
			break;
		case OPT_PATTERNS:
			if (nextra == sizeof extra / sizeof extra[0])
				tool_usage_error("too many --patterns");
			extra[nextra++] = optarg;
			break;
		case OPT_PROGRESS:
			progress = 1;
			break;
		case OPT_RULES:
			rules_list = optarg;
			break;
		case OPT_SHOW_VALUES:
			o.show_values = true;
			break;
		case OPT_SUMMARY:
			o.summary = true;
			break;
		default:
			fprintf(stderr, "Try 'bk-scan --help' for more information.\n");
			exit(TOOL_TROUBLE);
		}
	}
	tool_progress_enable(progress < 0 ? isatty(STDERR_FILENO) : progress == 1);
	if (o.baseline_path != NULL) {
		/* Never values on disk: the baseline holds keyed hashes, so it needs the key. */
		if (o.hasher == NULL)
			tool_usage_error("--baseline needs --hash-key (the baseline keeps keyed hashes, "
			    "never values)");
		if ((o.baseline = bk_valueset_new()) == NULL)
			tool_usage_error("out of memory");
		if (bk_valueset_load(o.baseline, o.baseline_path, BK_VALUESET_MISSING_OK) != BK_OK)
			tool_usage_error("%s", bk_valueset_error(o.baseline));
	}

	tool_load_rules(rs, tool_patterns_dir());
	for (size_t i = 0; i < nextra; i++)
		tool_load_rules(rs, extra[i]);
	if (rules_list != NULL)
		bk_ruleset_select(rs, rules_list);
	if (tool_failed() || list || check) {
		/* A broken rule file is never silently skipped: nothing is scanned. */
		int status = tool_failed() ? TOOL_TROUBLE : TOOL_FOUND;

		if (status == TOOL_FOUND && list)
			list_rules(rs);
		else if (status == TOOL_FOUND)
			status = check_rules(rs);
		bk_ruleset_free(rs);
		bk_fileset_free(fs);
		bk_hasher_free(o.hasher);
		bk_valueset_free(o.baseline);
		bk_valueset_free(o.allow);
		tool_exit(status);
	}

	if (o.format == TOOL_FORMAT_TSV && !o.list_only)
		fputs(o.summary || o.min_count > 0 ? SUMMARY_TSV_HEADER :
		    "file\tline\toffset\trule\tcategory\tseverity\tconfidence\tvalue\twhy\n", stdout);
	if (optind == argc)
		bk_fileset_add(fs, "-");
	for (int i = optind; i < argc; i++)
		bk_fileset_add(fs, argv[i]);
	bk_fileset_finish(fs);
	inputs = fs;

	/*
	 * By default a single input is shared by every online CPU (its output
	 * is the same whatever the number), but files are scanned one at a
	 * time, so they come out in the order given.
	 */
	if (jobs == 0) {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

		jobs = bk_fileset_count(fs) != 1 || o.list_only || ncpu < 1 ? 1 : ncpu > 8 ? 8 : ncpu;
	}

	/* One input and several workers: they share it, chunk by chunk. */
	uint64_t big_size;
	struct run lead = { 0 };

	if (jobs > 1 && bk_fileset_count(fs) == 1 && !o.list_only &&
	    worker_init(&lead, &o, rs, cs, min, false) == BK_OK &&
	    shareable(&o, lead.in, bk_fileset_path(fs, 0), &big_size)) {
		struct run *workers = calloc((size_t)jobs, sizeof *workers);

		if (workers == NULL)
			tool_usage_error("out of memory");
		for (long i = 0; i < jobs; i++)
			if (worker_init(&workers[i], &o, rs, cs, min, false) != BK_OK)
				tool_usage_error("out of memory");
		lead.path = bk_input_name(lead.in);
		scan_shared(&lead, workers, jobs, big_size);
		bk_input_close(lead.in);
		for (long i = 0; i < jobs; i++) {
			size_t nlimited;
			const bk_rule *const *limited = bk_scanner_limited(workers[i].sc, &nlimited);

			for (size_t k = 0; k < nlimited; k++)
				warn_limited(limited[k]);
			worker_fini(&workers[i]);
		}
		free(workers);
		jobs = 0;	/* done: no input is left for the workers below */
	}

	/* More workers than files would only cost memory. */
	if (jobs == 0)
		;
	else if ((size_t)jobs > bk_fileset_count(fs))
		jobs = bk_fileset_count(fs) > 0 ? (long)bk_fileset_count(fs) : 1;
	struct run *workers = calloc(jobs > 0 ? (size_t)jobs : 1, sizeof *workers);
	if (workers == NULL)
		tool_usage_error("out of memory");
	for (long i = 0; i < jobs; i++)
		if (worker_init(&workers[i], &o, rs, cs, min, jobs > 1) != BK_OK)
			tool_usage_error("out of memory");
	if (jobs == 0) {
		/* The file was shared out above. */
	} else if (jobs == 1) {
		worker_main(&workers[0]);
	} else {
		for (long i = 0; i < jobs; i++)
			if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0)
				tool_usage_error("cannot start a thread");
		for (long i = 0; i < jobs; i++)
			pthread_join(workers[i].thread, NULL);
	}

	uint64_t findings = lead.findings;
	if (lead.o != NULL)
		worker_fini(&lead);
	for (long i = 0; i < jobs; i++) {
		size_t nlimited;
		const bk_rule *const *limited = bk_scanner_limited(workers[i].sc, &nlimited);

		findings += workers[i].findings;
		for (size_t k = 0; k < nlimited; k++)
			warn_limited(limited[k]);
		worker_fini(&workers[i]);
	}
	free(workers);
	/* The baseline moves on only once everything it covers was written out. */
	if (o.baseline != NULL) {
		if (fflush(stdout) != 0)
			tool_write_failed(errno);
		if (bk_valueset_save(o.baseline, o.baseline_path,
		    "breachkit baseline: keyed hashes of findings already reported") != BK_OK)
			tool_error(NULL, 0, "%s", bk_valueset_error(o.baseline));
	}
	bk_valueset_free(o.baseline);
	bk_valueset_free(o.allow);
	bk_ruleset_free(rs);
	bk_fileset_free(fs);
	bk_hasher_free(o.hasher);
	tool_exit(findings > 0 ? TOOL_FOUND : TOOL_NOTHING);
}

