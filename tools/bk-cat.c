/*
 * bk-cat - write the decompressed lines of every input, in order.
 *
 * `zcat -f` done right for investigations: compression is recognised by
 * content, directories and rotated sets read in time order, a damaged file
 * gives up everything before the damage and an error, and with --state a
 * cron job reads only what was added since its last run. Without -H and
 * --state the bytes are copied exactly, in large blocks; the only change is a
 * newline added after an input whose last line had none, so inputs never run
 * together.
 */
#include "config.h"

#include <getopt.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "breachkit.h"
#include "common.h"

static const char usage_text[] =
    "Usage: bk-cat [OPTION]... [PATH]...\n"
    "Write the decompressed lines of each PATH (file, directory with -r, or - for\n"
    "standard input) in order. gzip, zstd, xz and bzip2 are recognised by content.\n"
    "\n"
    "  -H, --with-filename   prefix each line with its file name and a colon\n"
    "  -r, --recursive       read directories, recursively\n"
    "      --rotated         read rotated logs oldest first (access.log.2.gz,\n"
    "                        access.log.1, access.log)\n"
    "      --include=GLOB    read only files whose name matches GLOB\n"
    "      --exclude=GLOB    skip files whose name matches GLOB\n"
    "      --state=FILE      read only what was added since the run that wrote FILE\n"
    "      --max-line=BYTES  split longer lines (with -H; default 64M)\n"
    "      --progress        show progress on stderr (default: when it is a terminal)\n"
    "      --no-progress     never show progress\n"
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and the decoders built in\n"
    "\n"
    "Exit status: 0 success, 2 if any input could not be read (all others still are).\n";

struct opts {
	bool with_filename;
	const char *state_path;
	size_t max_line;
	uint64_t done;		/* raw bytes of the inputs finished, for progress */
	uint64_t total;		/* raw bytes of all regular inputs */
};

/* Copies one input as it is: the fast path. */
static void
copy_blocks(const struct opts *o, bk_input *in)
{
	const char *data;
	size_t len;
	char last = '\n';
	int rc;

	while ((rc = bk_input_next(in, &data, &len)) == BK_OK) {
		tool_out(data, len);
		last = data[len - 1];
		tool_progress(bk_input_name(in), o->done + bk_input_raw_offset(in), o->total);
	}
	if (last != '\n')
		tool_out("\n", 1);
	if (rc == BK_ERROR)
		tool_error(bk_input_name(in), 0, "%s", bk_input_error(in));
	else if (rc == BK_NOMEM)
		tool_error(bk_input_name(in), 0, "out of memory");
}

/* Writes one line (or piece of a split line) as -H asks. */
static void
put_line(const struct opts *o, const char *name, size_t name_len, const struct bk_line *line)
{
	if (o->with_filename) {
		/* Each piece of a split line becomes an output line of its own. */
		tool_out(name, name_len);
		tool_out(":", 1);
		if ((line->flags & (BK_LINE_SPLIT | BK_LINE_CONT)) == BK_LINE_SPLIT)
			tool_warn(name, line->lineno, "line longer than %zu bytes, split", o->max_line);
	}
	tool_out(line->data, line->len);
	/* Without -H the pieces of a split line join up again: bytes stay as they were. */
	if (line->flags & BK_LINE_CRLF)
		tool_out("\r\n", 2);
	else if (!(line->flags & BK_LINE_SPLIT) || o->with_filename)
		tool_out("\n", 1);
}

/*
 * Copies one input line by line, for -H and --state. With a state, an
 * unterminated last line is held back while it may still grow: in a plain
 * (live) file, and in a compressed file that ends early (logrotate may still
 * be compressing it). It is read whole next time.
 */
static void
copy_lines(const struct opts *o, bk_input *in, bk_lines *lr, bk_state *st)
{
	const char *name = bk_input_name(in);
	size_t name_len = strlen(name);
	bool live = bk_input_codec(in) == BK_CODEC_PLAIN;
	uint64_t lineno = 1;
	struct bk_line line;
	int rc;

	if (st != NULL) {
		rc = bk_state_resume(st, in, &lineno);
		if (rc == BK_EOF)
			return;
		if (rc != BK_OK) {
			tool_error(name, 0, "%s", rc == BK_NOMEM ? "out of memory" : bk_input_error(in));
			return;
		}
	}
	bk_lines_reset(lr, in, lineno);
	while ((rc = bk_lines_next(lr, &line)) == BK_OK) {
		if ((line.flags & BK_LINE_NOEOL) && st != NULL) {
			struct bk_line held = line;
			char *copy;

			if (live)
				break;
			/* Whether the stream ends cleanly is known only after this line. */
			if ((copy = malloc(line.len + 1)) == NULL) {
				rc = BK_NOMEM;
				break;
			}
			memcpy(copy, line.data, line.len);
			held.data = copy;
			rc = bk_lines_next(lr, &line);
			if (rc == BK_EOF)
				put_line(o, name, name_len, &held);
			free(copy);
			break;
		}
		put_line(o, name, name_len, &line);
		tool_progress(name, o->done + bk_input_raw_offset(in), o->total);
	}
	if (rc == BK_ERROR)
		tool_error(name, 0, "%s", bk_input_error(in));
	else if (rc == BK_NOMEM)
		tool_error(name, 0, "out of memory");
	if (st == NULL || rc == BK_NOMEM)
		return;
	/*
	 * A compressed file read to its clean end cannot grow: it is complete,
	 * and later runs skip it by its size and time without decoding it.
	 */
	if (!live && rc == BK_EOF)
		rc = bk_state_consumed(st, in, bk_input_offset(in), bk_lines_next_lineno(lr), true);
	else
		rc = bk_state_consumed(st, in, bk_lines_offset(lr), bk_lines_next_lineno(lr), false);
	if (rc != BK_OK)
		tool_error(name, 0, "out of memory");
}

int
main(int argc, char **argv)
{
	enum { OPT_EXCLUDE = 256, OPT_INCLUDE, OPT_MAX_LINE, OPT_NO_PROGRESS, OPT_PROGRESS,
		OPT_ROTATED, OPT_STATE };
	static const struct option longopts[] = {
		{ "exclude", required_argument, NULL, OPT_EXCLUDE },
		{ "help", no_argument, NULL, 'h' },
		{ "include", required_argument, NULL, OPT_INCLUDE },
		{ "max-line", required_argument, NULL, OPT_MAX_LINE },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "recursive", no_argument, NULL, 'r' },
		{ "rotated", no_argument, NULL, OPT_ROTATED },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "version", no_argument, NULL, 'V' },
		{ "with-filename", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .max_line = BK_LINES_DEFAULT_MAX };
	bk_fileset *fs;
	bk_input *in;
	bk_lines *lr;
	bk_state *st = NULL;
	int progress = -1, c;

	tool_init("bk-cat", argv);
	fs = bk_fileset_new();
	in = bk_input_new();
	if (fs == NULL || in == NULL)
		tool_usage_error("out of memory");
	bk_fileset_on_error(fs, tool_fileset_error, NULL);
	while ((c = getopt_long(argc, argv, "HVhr", longopts, NULL)) != -1) {
		switch (c) {
		case 'H':
			o.with_filename = true;
			break;
		case 'V': {
			char extra[256];

			snprintf(extra, sizeof extra, "decoders: %s\n", bk_input_decoders());
			tool_version(extra);
		}
		case 'h':
			tool_help(usage_text);
		case 'r':
			bk_fileset_set_recursive(fs, true);
			break;
		case OPT_EXCLUDE:
			if (bk_fileset_exclude(fs, optarg) != BK_OK)
				tool_usage_error("out of memory");
			break;
		case OPT_INCLUDE:
			if (bk_fileset_include(fs, optarg) != BK_OK)
				tool_usage_error("out of memory");
			break;
		case OPT_MAX_LINE:
			o.max_line = tool_parse_size(optarg);
			break;
		case OPT_NO_PROGRESS:
			progress = 0;
			break;
		case OPT_PROGRESS:
			progress = 1;
			break;
		case OPT_ROTATED:
			bk_fileset_set_rotated(fs, true);
			break;
		case OPT_STATE:
			o.state_path = optarg;
			break;
		default:
			fprintf(stderr, "Try 'bk-cat --help' for more information.\n");
			exit(TOOL_TROUBLE);
		}
	}
	tool_progress_enable(progress < 0 ? isatty(STDERR_FILENO) : progress == 1);

	if (optind == argc)
		bk_fileset_add(fs, "-");
	for (int i = optind; i < argc; i++)
		if (bk_fileset_add(fs, argv[i]) == BK_NOMEM)
			tool_usage_error("out of memory");
	bk_fileset_finish(fs);

	if (o.state_path != NULL) {
		st = bk_state_new(o.state_path);
		if (st == NULL)
			tool_usage_error("out of memory");
		if (bk_state_load(st) != BK_OK) {
			/* Reading everything again would flood the pipeline: stop here. */
			tool_error(NULL, 0, "%s", bk_state_error(st));
			tool_exit(TOOL_TROUBLE);
		}
	}
	lr = bk_lines_new(o.max_line);
	if (lr == NULL)
		tool_usage_error("out of memory");
	if (tool_progress_enabled()) {
		for (size_t i = 0; i < bk_fileset_count(fs); i++) {
			struct stat sb;

			if (stat(bk_fileset_path(fs, i), &sb) == 0 && S_ISREG(sb.st_mode))
				o.total += (uint64_t)sb.st_size;
		}
	}

	for (size_t i = 0; i < bk_fileset_count(fs); i++) {
		const char *path = bk_fileset_path(fs, i);

		if (bk_input_open(in, path) != BK_OK) {
			tool_error(strcmp(path, "-") == 0 ? bk_input_name(in) : path, 0, "%s",
			    bk_input_error(in));
			continue;
		}
		if (o.with_filename || st != NULL)
			copy_lines(&o, in, lr, st);
		else
			copy_blocks(&o, in);
		o.done += bk_input_raw_offset(in);
		if (bk_input_close(in) != BK_OK)
			tool_error(path, 0, "%s", bk_input_error(in));
	}

	/* The state moves on only once everything it covers has been written out. */
	tool_out_flush();
	if (st != NULL) {
		if (fflush(stdout) != 0) {
			tool_error(NULL, 0, "write error");
		} else if (bk_state_save(st) != BK_OK)
			tool_error(o.state_path, 0, "%s", bk_state_error(st));
	}
	bk_state_free(st);
	bk_lines_free(lr);
	bk_input_free(in);
	bk_fileset_free(fs);
	tool_exit(TOOL_FOUND);
}
