/*
 * bk-records - what a database export holds, and how many people a breach
 * affects.
 *
 * Reads CSV/TSV, mysqldump, pg_dump, SQLite .dump and NDJSON exports (plain
 * or compressed, any Japanese encoding) through lib/export.c, classifies
 * their columns and counts distinct data subjects through lib/inventory.c,
 * and prints one inventory record per table and a summary for the run. With
 * --hash-key and --emit-subjects it writes the subject counters instead, as
 * a state record of keyed hashes that --count-subjects merges with others'.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "breachkit.h"
#include "export.h"
#include "inventory.h"
#include "common.h"

static const char usage_text[] =
    "Usage: bk-records [OPTION]... [PATH]...\n"
    "       bk-records --count-subjects [OPTION]... FILE...\n"
    "Say which tables and columns of database exports hold personal data, how\n"
    "many rows, and how many distinct people (by the strongest identifier: national\n"
    "id > pension number > email > phone > name with date of birth), over CSV/TSV,\n"
    "mysqldump, pg_dump, SQLite .dump and NDJSON files, plain or compressed.\n"
    "\n"
    "  -r, --recursive          read directories, recursively\n"
    "  -t, --type=T             auto (default), csv, tsv, mysqldump, pg_dump,\n"
    "                           sqlite, ndjson\n"
    "      --encoding=E         auto (default), utf-8, cp932, shift_jis, euc-jp\n"
    "      --rules=LIST         only these rules: ids, categories, globs\n"
    "      --patterns=DIR       also load DIR's rules (DIR/pii/*.rules or DIR/*.rules)\n"
    "  -j, --jobs=N             scan rows on two threads, the first also reading\n"
    "                           and counting, when N >= 2 (default: 2 when the\n"
    "                           machine has two processors or more)\n"
    "      --exact-max=N        count subjects exactly up to N per counter, then\n"
    "                           with a HyperLogLog (default 1000000)\n"
    "      --max-field=BYTES    cut longer fields, with an error (default 1M)\n"
    "      --hash-key=FILE      hash subject identifiers with this key\n"
    "      --emit-subjects      write the subject counters (keyed hashes, never\n"
    "                           values) as one state record instead (needs\n"
    "                           --hash-key)\n"
    "      --count-subjects     merge the state records of FILEs into one count\n"
    "      --include=GLOB       read only files whose name matches GLOB\n"
    "      --exclude=GLOB       skip files whose name matches GLOB\n"
    "      --format=F           text, json or tsv (default: text on a terminal)\n"
    "      --progress           show progress on stderr (default: on a terminal)\n"
    "      --no-progress        never show progress\n"
    "  -h, --help               show this help and exit\n"
    "  -V, --version            show the version and exit\n"
    "\n"
    "Exit status: 0 personal data found, 1 none found, 2 an error happened.\n";

struct run {
	enum tool_format format;
	enum bk_export_format type;
	enum bk_charset cs;
	bool emit;
	bk_export *x;
	bk_inventory *inv;
	bk_input *in;
	bk_writer *w;
	const char *path;
	uint64_t files, pii_rows;
};

/* ---- output ------------------------------------------------------------- */

/* "1,010,000" for text, in one of a few rotating buffers (several per printf). */
static const char *
fmt_count(uint64_t n)
{
	static char buf[8][32];
	static unsigned i;

	i = (i + 1) % 8;
	return bk_fmt_count(buf[i], sizeof buf[i], n);
}

static void
write_record(bk_writer *w)
{
	if (bk_writer_end(w) != BK_OK)
		tool_write_failed(errno);
}

/* Columns of display: CJK and other non-ASCII characters count two. */
static size_t
display_width(const char *s)
{
	size_t w = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x80)
			w++;
		else if (*p >= 0xc0)
			w += 2;
	return w;
}

static void
pad(const char *s, size_t width)
{
	size_t w = display_width(s);

	fputs(s, stdout);
	while (w++ < width)
		putchar(' ');
}

static void
print_text(const struct run *r, const struct bk_inventory_table *t)
{
	size_t wname = 6;

	printf("%s%s%s: %s, %s\n", r->path, t->table != NULL ? " " : "",
	    t->table != NULL ? t->table : "", bk_export_format_name(bk_export_last_format(r->x)),
	    bk_charset_name(bk_export_last_charset(r->x)));
	printf("  %s rows, %s with personal data, %s%s distinct subjects\n",
	    fmt_count(t->rows), fmt_count(t->rows_with_pii),
	    t->subjects_exact ? "" : "~", fmt_count(t->subjects));
	for (size_t c = 0; c < t->ncols; c++)
		if (display_width(t->cols[c].name) > wname)
			wname = display_width(t->cols[c].name);
	printf("  ");
	pad("column", wname + 2);
	printf("%-15s%-26s%s\n", "class", "rule", "support");
	for (size_t c = 0; c < t->ncols; c++) {
		const struct bk_inventory_column *col = &t->cols[c];

		printf("  ");
		pad(col->name, wname + 2);
		if (col->category == NULL) {
			printf("-\n");
			continue;
		}
		printf("%-15s%-26s", col->category, bk_rule_id(col->rule));
		if (col->by_header)
			printf("header\n");
		else
			printf("%.1f%%\n", col->support * 100);
	}
	if (t->nkinds > 0) {
		printf("  values:");
		for (size_t k = 0; k < t->nkinds; k++)
			printf("%s %s %s", k > 0 ? "," : "", t->kinds[k].id,
			    fmt_count(t->kinds[k].count));
		printf("\n");
	}
}

static void
print_tsv(const struct run *r, const struct bk_inventory_table *t)
{
	for (size_t c = 0; c < t->ncols; c++) {
		const struct bk_inventory_column *col = &t->cols[c];

		printf("%s\t%s\t%s\t%llu\t%llu\t%s\t%zu\t%s\t%s\t%.4f\n", r->path,
		    t->table != NULL ? t->table : "", bk_export_format_name(bk_export_last_format(r->x)),
		    (unsigned long long)t->rows, (unsigned long long)t->subjects, col->name, col->index,
		    col->category != NULL ? col->category : "", col->rule != NULL ?
		    bk_rule_id(col->rule) : "", col->category != NULL ? col->support : 0.0);
	}
}

static void
write_inventory(const struct run *r, const struct bk_inventory_table *t)
{
	bk_writer *w = r->w;

	bk_writer_begin(w, "inventory");
	bk_writer_cstr(w, "file", r->path);
	if (t->table != NULL)
		bk_writer_cstr(w, "table", t->table);
	bk_writer_cstr(w, "format", bk_export_format_name(bk_export_last_format(r->x)));
	bk_writer_cstr(w, "encoding", bk_charset_name(bk_export_last_charset(r->x)));
	bk_writer_uint(w, "rows", t->rows);
	bk_writer_uint(w, "rows_with_pii", t->rows_with_pii);
	bk_writer_array_begin(w, "columns");
	for (size_t c = 0; c < t->ncols; c++) {
		const struct bk_inventory_column *col = &t->cols[c];

		bk_writer_object_begin(w, NULL);
		bk_writer_cstr(w, "name", col->name);
		bk_writer_uint(w, "index", col->index);
		if (col->category != NULL) {
			bk_writer_cstr(w, "class", col->category);
			bk_writer_cstr(w, "rule", bk_rule_id(col->rule));
			/* Four decimals are enough for people and stable in tests. */
			bk_writer_double(w, "support", (double)(long)(col->support * 10000 + 0.5) / 10000);
		}
		bk_writer_object_end(w);
	}
	bk_writer_array_end(w);
	bk_writer_object_begin(w, "kinds");
	for (size_t k = 0; k < t->nkinds; k++)
		bk_writer_uint(w, t->kinds[k].id, t->kinds[k].count);
	bk_writer_object_end(w);
	bk_writer_uint(w, "subjects", t->subjects);
	bk_writer_bool(w, "subjects_exact", t->subjects_exact);
	bk_writer_double(w, "subjects_error", t->subjects_error);
	write_record(w);
}

/* ---- reading exports ---------------------------------------------------- */

static void
export_error(void *ctx, uint64_t line, const char *message)
{
	const struct run *r = ctx;

	tool_error(r->path, line, "%s", message);
}

static int
on_row(void *ctx, const struct bk_export_row *row)
{
	struct run *r = ctx;

	if (tool_progress_enabled() && (row->lineno & 0x3fff) == 0)
		tool_progress(r->path, bk_input_raw_offset(r->in), bk_input_stat(r->in)->st_size);
	return bk_inventory_row(r->inv, row);
}

static void
read_one(struct run *r, const char *path)
{
	int rc;

	if (bk_input_open(r->in, path) != BK_OK) {
		tool_error(path, 0, "%s", bk_input_error(r->in));
		return;
	}
	r->path = bk_input_name(r->in);
	r->files++;
	bk_inventory_begin(r->inv);
	rc = bk_export_read(r->x, r->in, r->type, r->cs, on_row, export_error, r);
	/* Rows still with the scanning thread are counted before the totals are read. */
	if (bk_inventory_end(r->inv) != BK_OK && rc != BK_NOMEM)
		rc = BK_NOMEM;
	if (rc == BK_NOMEM)
		tool_error(r->path, 0, "out of memory");
	tool_progress_done();
	for (size_t i = 0; i < bk_inventory_ntables(r->inv); i++) {
		struct bk_inventory_table t;

		if (bk_inventory_table(r->inv, i, &t) != BK_OK) {
			tool_error(r->path, 0, "out of memory");
			break;
		}
		r->pii_rows += t.rows_with_pii;
		if (r->emit)
			continue;
		if (r->format == TOOL_FORMAT_JSON)
			write_inventory(r, &t);
		else if (r->format == TOOL_FORMAT_TSV)
			print_tsv(r, &t);
		else
			print_text(r, &t);
	}
	if (bk_input_close(r->in) != BK_OK)
		tool_error(r->path, 0, "%s", bk_input_error(r->in));
}

/* ---- totals ------------------------------------------------------------- */

struct totals {
	uint64_t files, tables, rows;
	const bk_distinct *all;
	size_t nkinds;
	const char **names;
	const bk_distinct **kinds;
};

static void
write_summary(enum tool_format format, bk_writer *w, const struct totals *t)
{
	if (format == TOOL_FORMAT_JSON) {
		bk_writer_begin(w, "summary");
		bk_writer_cstr(w, "tool", "bk-records");
		bk_writer_uint(w, "files", t->files);
		bk_writer_uint(w, "tables", t->tables);
		bk_writer_uint(w, "rows", t->rows);
		bk_writer_uint(w, "subjects", bk_distinct_count(t->all));
		bk_writer_bool(w, "subjects_exact", bk_distinct_is_exact(t->all));
		bk_writer_double(w, "subjects_error", bk_distinct_error(t->all));
		bk_writer_object_begin(w, "subjects_by_kind");
		for (size_t k = 0; k < t->nkinds; k++)
			bk_writer_uint(w, t->names[k], bk_distinct_count(t->kinds[k]));
		bk_writer_object_end(w);
		write_record(w);
		return;
	}
	if (format == TOOL_FORMAT_TSV)
		return;
	printf("total: %s files, %s tables, %s rows, %s%s distinct subjects", fmt_count(t->files),
	    fmt_count(t->tables), fmt_count(t->rows), bk_distinct_is_exact(t->all) ? "" : "~",
	    fmt_count(bk_distinct_count(t->all)));
	if (bk_distinct_is_exact(t->all))
		printf(" (exact)\n");
	else
		printf(" (HyperLogLog, standard error %.2f%%)\n", bk_distinct_error(t->all) * 100);
	for (size_t k = 0; k < t->nkinds; k++)
		printf("  %s%s with %s\n", bk_distinct_is_exact(t->kinds[k]) ? "" : "~",
		    fmt_count(bk_distinct_count(t->kinds[k])), t->names[k]);
}

/* The counters as one state record: keyed hashes only, mergeable by --count-subjects. */
static void
write_state(bk_writer *w, const struct totals *t)
{
	char *s;

	bk_writer_begin(w, "state");
	bk_writer_cstr(w, "tool", "bk-records");
	bk_writer_int(w, "version", 1);
	bk_writer_uint(w, "files", t->files);
	bk_writer_uint(w, "tables", t->tables);
	bk_writer_uint(w, "rows", t->rows);
	if ((s = bk_distinct_encode(t->all)) == NULL)
		tool_usage_error("out of memory");
	bk_writer_cstr(w, "subjects", s);
	free(s);
	/* Flat keys, so that a reader needs no more than top-level string fields. */
	size_t len = 1;
	for (size_t k = 0; k < t->nkinds; k++)
		len += strlen(t->names[k]) + 1;
	char *list = calloc(1, len);
	if (list == NULL)
		tool_usage_error("out of memory");
	for (size_t k = 0; k < t->nkinds; k++) {
		if (k > 0)
			strcat(list, " ");
		strcat(list, t->names[k]);
	}
	bk_writer_cstr(w, "kinds_list", list);
	free(list);
	for (size_t k = 0; k < t->nkinds; k++) {
		char key[160];

		if ((s = bk_distinct_encode(t->kinds[k])) == NULL)
			tool_usage_error("out of memory");
		snprintf(key, sizeof key, "kind.%s", t->names[k]);
		bk_writer_cstr(w, key, s);
		free(s);
	}
	write_record(w);
}

/* ---- --count-subjects --------------------------------------------------- */

struct merged {
	size_t n, cap;
	char **names;
	bk_distinct **d;
};

static bk_distinct *
merged_kind(struct merged *m, const char *name, size_t exact_max)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->names[i], name) == 0)
			return m->d[i];
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 8;
		m->names = realloc(m->names, m->cap * sizeof *m->names);
		m->d = realloc(m->d, m->cap * sizeof *m->d);
		if (m->names == NULL || m->d == NULL)
			tool_usage_error("out of memory");
	}
	m->names[m->n] = strdup(name);
	m->d[m->n] = bk_distinct_new(exact_max, BK_SKETCH_DEFAULT_PRECISION);
	if (m->names[m->n] == NULL || m->d[m->n] == NULL)
		tool_usage_error("out of memory");
	return m->d[m->n++];
}

/* Merges one encoded counter; a bad one is reported with its line. */
static void
merge_counter(bk_distinct *d, const char *s, const char *path, uint64_t line, const char *what)
{
	int rc;

	if (s == NULL) {
		tool_error(path, line, "state record without %s", what);
		return;
	}
	if ((rc = bk_distinct_decode(d, s, strlen(s))) == BK_NOMEM)
		tool_error(path, line, "out of memory");
	else if (rc != BK_OK)
		tool_error(path, line, "%s: not a distinct counter", what);
}

static int
count_subjects(int argc, char **argv, bk_fileset *fs, enum tool_format format, size_t exact_max)
{
	bk_distinct *all = bk_distinct_new(exact_max, BK_SKETCH_DEFAULT_PRECISION);
	struct merged m = { 0 };
	struct totals t = { 0 };
	bk_input *in = bk_input_new();
	bk_reader *rd = bk_reader_new();
	bk_writer *w = bk_writer_new(stdout);
	const bk_record *rec;
	int rc;

	if (all == NULL || in == NULL || rd == NULL || w == NULL)
		tool_usage_error("out of memory");
	if (argc == 0)
		bk_fileset_add(fs, "-");
	for (int i = 0; i < argc; i++)
		bk_fileset_add(fs, argv[i]);
	bk_fileset_finish(fs);
	for (size_t f = 0; f < bk_fileset_count(fs); f++) {
		const char *path = bk_fileset_path(fs, f);

		if (bk_input_open(in, path) != BK_OK) {
			tool_error(path, 0, "%s", bk_input_error(in));
			continue;
		}
		path = bk_input_name(in);
		bk_reader_reset(rd, in);
		while ((rc = bk_reader_next(rd, &rec)) != BK_EOF) {
			uint64_t line = bk_reader_lineno(rd);
			int64_t v;

			if (rc == BK_NOMEM)
				tool_usage_error("out of memory");
			if (rc == BK_ERROR) {
				tool_error(path, 0, "%s", bk_reader_error(rd));
				continue;
			}
			if (strcmp(bk_record_type(rec), "state") != 0 ||
			    bk_record_str(rec, "tool") == NULL ||
			    strcmp(bk_record_str(rec, "tool"), "bk-records") != 0)
				continue;
			if (bk_record_int(rec, "version", &v) != BK_OK || v != 1) {
				tool_error(path, line, "state record of an unknown version");
				continue;
			}
			if (bk_record_int(rec, "files", &v) == BK_OK && v > 0)
				t.files += (uint64_t)v;
			if (bk_record_int(rec, "tables", &v) == BK_OK && v > 0)
				t.tables += (uint64_t)v;
			if (bk_record_int(rec, "rows", &v) == BK_OK && v > 0)
				t.rows += (uint64_t)v;
			merge_counter(all, bk_record_str(rec, "subjects"), path, line, "subjects");
			/* The kinds: "kinds.NAME" fields are not reachable by name; walk known ones. */
			const char *kinds = bk_record_str(rec, "kinds_list");
			if (kinds != NULL) {
				char *copy = strdup(kinds), *save = NULL;

				if (copy == NULL)
					tool_usage_error("out of memory");
				for (char *k = strtok_r(copy, " ", &save); k != NULL;
				    k = strtok_r(NULL, " ", &save)) {
					char key[160];

					snprintf(key, sizeof key, "kind.%s", k);
					merge_counter(merged_kind(&m, k, exact_max), bk_record_str(rec, key),
					    path, line, key);
				}
				free(copy);
			}
		}
		bk_input_close(in);
	}
	const char **names = calloc(m.n + 1, sizeof *names);
	const bk_distinct **kinds = calloc(m.n + 1, sizeof *kinds);
	if (names == NULL || kinds == NULL)
		tool_usage_error("out of memory");
	for (size_t i = 0; i < m.n; i++)
		names[i] = m.names[i], kinds[i] = m.d[i];
	t.all = all;
	t.nkinds = m.n;
	t.names = names;
	t.kinds = kinds;
	write_summary(format, w, &t);
	free(names);
	free(kinds);
	int status = bk_distinct_count(all) > 0 ? TOOL_FOUND : TOOL_NOTHING;
	bk_distinct_free(all);
	for (size_t i = 0; i < m.n; i++) {
		free(m.names[i]);
		bk_distinct_free(m.d[i]);
	}
	free(m.names);
	free(m.d);
	bk_writer_free(w);
	bk_reader_free(rd);
	bk_input_free(in);
	return status;
}

/* ---- main --------------------------------------------------------------- */

int
main(int argc, char **argv)
{
	enum { OPT_COUNT = 256, OPT_EMIT, OPT_ENCODING, OPT_EXACT_MAX, OPT_EXCLUDE, OPT_FORMAT,
		OPT_HASH_KEY, OPT_INCLUDE, OPT_MAX_FIELD, OPT_NO_PROGRESS, OPT_PATTERNS,
		OPT_PROGRESS, OPT_RULES };
	static const struct option longopts[] = {
		{ "count-subjects", no_argument, NULL, OPT_COUNT },
		{ "emit-subjects", no_argument, NULL, OPT_EMIT },
		{ "encoding", required_argument, NULL, OPT_ENCODING },
		{ "exact-max", required_argument, NULL, OPT_EXACT_MAX },
		{ "exclude", required_argument, NULL, OPT_EXCLUDE },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "hash-key", required_argument, NULL, OPT_HASH_KEY },
		{ "help", no_argument, NULL, 'h' },
		{ "include", required_argument, NULL, OPT_INCLUDE },
		{ "jobs", required_argument, NULL, 'j' },
		{ "max-field", required_argument, NULL, OPT_MAX_FIELD },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "patterns", required_argument, NULL, OPT_PATTERNS },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "recursive", no_argument, NULL, 'r' },
		{ "rules", required_argument, NULL, OPT_RULES },
		{ "type", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct run r = { .format = tool_default_format() };
	const char *rules_list = NULL, *extra[16];
	size_t nextra = 0, exact_max = 1000000, max_field = 0;
	bool count = false;
	int progress = -1, c;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN), jobs = ncpu >= 2 ? 2 : 1;
	bk_hasher *hasher = NULL;
	bk_fileset *fs = bk_fileset_new();
	bk_ruleset *rs = bk_ruleset_new();

	tool_init("bk-records", argv);
	if (fs == NULL || rs == NULL)
		tool_usage_error("out of memory");
	bk_fileset_on_error(fs, tool_fileset_error, NULL);
	bk_ruleset_on_error(rs, tool_rules_error, NULL);
	while ((c = getopt_long(argc, argv, "Vhj:rt:", longopts, NULL)) != -1) {
		switch (c) {
		case 'V':
			tool_version(NULL);
		case 'h':
			tool_help(usage_text);
		case 'j':
			jobs = tool_jobs_arg(optarg, 256);
			break;
		case 'r':
			bk_fileset_set_recursive(fs, true);
			break;
		case 't':
			if (bk_export_format_parse(optarg, &r.type) != BK_OK)
				tool_usage_error("unknown type '%s' (auto, csv, tsv, mysqldump, pg_dump, "
				    "sqlite, ndjson)", optarg);
			break;
		case OPT_COUNT:
			count = true;
			break;
		case OPT_EMIT:
			r.emit = true;
			break;
		case OPT_ENCODING:
			if (bk_charset_parse(optarg, &r.cs) != BK_OK)
				tool_usage_error("unknown encoding '%s' (auto, utf-8, cp932, shift_jis, "
				    "euc-jp)", optarg);
			break;
		case OPT_EXACT_MAX: {
			char *end;
			unsigned long long v = strtoull(optarg, &end, 10);

			if (*optarg == '\0' || *end != '\0' || v == 0 || v > ((size_t)1 << 32))
				tool_usage_error("bad count '%s'", optarg);
			exact_max = (size_t)v;
			break;
		}
		case OPT_EXCLUDE:
			if (bk_fileset_exclude(fs, optarg) != BK_OK)
				tool_usage_error("out of memory");
			break;
		case OPT_FORMAT:
			r.format = tool_format_parse(optarg);
			break;
		case OPT_HASH_KEY:
			if ((hasher = bk_hasher_new()) == NULL)
				tool_usage_error("out of memory");
			if (bk_hasher_load_key(hasher, optarg) != BK_OK)
				tool_usage_error("%s: %s", optarg, bk_hasher_error(hasher));
			break;
		case OPT_INCLUDE:
			if (bk_fileset_include(fs, optarg) != BK_OK)
				tool_usage_error("out of memory");
			break;
		case OPT_MAX_FIELD:
			max_field = tool_parse_size(optarg);
			if (max_field == 0)
				tool_usage_error("bad size '%s'", optarg);
			break;
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
		default:
			fprintf(stderr, "Try 'bk-records --help' for more information.\n");
			exit(TOOL_TROUBLE);
		}
	}
	tool_progress_enable(progress < 0 ? isatty(STDERR_FILENO) : progress == 1);
	if (r.emit && hasher == NULL)
		tool_usage_error("--emit-subjects needs --hash-key (the counters hold keyed hashes, "
		    "never values)");
	if (r.emit && count)
		tool_usage_error("--emit-subjects and --count-subjects do not go together");
	if (count) {
		int status = count_subjects(argc - optind, argv + optind, fs, r.format, exact_max);

		bk_fileset_free(fs);
		bk_ruleset_free(rs);
		bk_hasher_free(hasher);
		tool_exit(status);
	}

	tool_load_rules(rs, tool_patterns_dir());
	for (size_t i = 0; i < nextra; i++)
		tool_load_rules(rs, extra[i]);
	if (rules_list != NULL)
		bk_ruleset_select(rs, rules_list);
	if (tool_failed()) {
		/* A broken rule file is never silently skipped: nothing is read. */
		bk_ruleset_free(rs);
		bk_fileset_free(fs);
		bk_hasher_free(hasher);
		tool_exit(TOOL_TROUBLE);
	}
	r.x = bk_export_new();
	r.inv = bk_inventory_new(rs, exact_max, BK_SKETCH_DEFAULT_PRECISION);
	r.in = bk_input_new();
	r.w = bk_writer_new(stdout);
	if (r.x == NULL || r.inv == NULL || r.in == NULL || r.w == NULL)
		tool_usage_error("out of memory");
	bk_export_set_max_field(r.x, max_field);
	if (hasher != NULL)
		bk_inventory_set_hasher(r.inv, hasher);
	/* No thread to be had: the rows are scanned on this one, as with -j 1. */
	if (bk_inventory_set_threads(r.inv, (unsigned)jobs) == BK_NOMEM)
		tool_usage_error("out of memory");
	if (r.format == TOOL_FORMAT_TSV && !r.emit)
		fputs("file\ttable\tformat\trows\tsubjects\tcolumn\tindex\tclass\trule\tsupport\n",
		    stdout);

	if (optind == argc)
		bk_fileset_add(fs, "-");
	for (int i = optind; i < argc; i++)
		bk_fileset_add(fs, argv[i]);
	bk_fileset_finish(fs);
	for (size_t i = 0; i < bk_fileset_count(fs); i++)
		read_one(&r, bk_fileset_path(fs, i));

	size_t nk = bk_inventory_nkinds(r.inv);
	const char **names = calloc(nk + 1, sizeof *names);
	const bk_distinct **kinds = calloc(nk + 1, sizeof *kinds);
	if (names == NULL || kinds == NULL)
		tool_usage_error("out of memory");
	for (size_t k = 0; k < nk; k++) {
		names[k] = bk_inventory_kind_name(r.inv, k);
		kinds[k] = bk_inventory_kind_count(r.inv, k);
	}
	struct totals t = {
		.files = r.files,
		.tables = bk_inventory_total_tables(r.inv),
		.rows = bk_inventory_total_rows(r.inv),
		.all = bk_inventory_subjects(r.inv),
		.nkinds = nk,
		.names = names,
		.kinds = kinds,
	};
	if (r.emit)
		write_state(r.w, &t);
	else
		write_summary(r.format, r.w, &t);
	free(names);
	free(kinds);
	bk_writer_free(r.w);
	bk_input_free(r.in);
	bk_inventory_free(r.inv);
	bk_export_free(r.x);
	bk_ruleset_free(rs);
	bk_fileset_free(fs);
	bk_hasher_free(hasher);
	tool_exit(r.pii_rows > 0 ? TOOL_FOUND : TOOL_NOTHING);
}
