/*
 * bk-parse - turn server logs into normalised event records.
 *
 * Detection is only as good as parsing: this reads the logs of the servers
 * that hold and move personal data (web servers, proxies, databases, file
 * servers, sshd and sudo through syslog) and writes one `event` per entry, so
 * the tools after it never look at raw log text again. The format is named
 * with -f, derived from the server's own format directive (--nginx-conf,
 * --apache-conf, --squid-conf, --log-format), or detected per file from its
 * first lines. Lines that do not parse are counted and reported per file,
 * and kept as `unparsed` records with --keep-unparsed.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "breachkit.h"
#include "common.h"
#include "events.h"

static const char usage_text[] =
    "Usage: bk-parse [OPTION]... [PATH]...\n"
    "Parse the server logs in each PATH (file, directory with -r, or - for standard\n"
    "input), plain or compressed, into event records: time (UTC), actor, address,\n"
    "action, object, record ids, status, bytes each way.\n"
    "\n"
    "  -f, --input-format=F  the log format (bk-parse --list-formats), or auto\n"
    "                        (default): chosen per file from its first lines\n"
    "      --log-format=L    a server format: a name defined in the config file\n"
    "                        given below (or predefined), or the format string\n"
    "      --nginx-conf=FILE read --log-format's log_format from nginx's config\n"
    "      --apache-conf=FILE  read --log-format's LogFormat from Apache's config\n"
    "      --squid-conf=FILE read --log-format's logformat from Squid's config\n"
    "      --pg-prefix=P     PostgreSQL's log_line_prefix, e.g. '%m [%p] %q%u@%d '\n"
    "      --map=M           field map for json and csv, e.g. user=username,ts=@timestamp\n"
    "      --ids=SPEC        record ids in URLs: path:/api/persons/{id},query:person_id\n"
    "                        (default: numbers after a word segment, id/ids/*_id)\n"
    "      --tz=ZONE         zone of times logged without one (default UTC)\n"
    "      --year=Y          year of each file's first time logged without one; a\n"
    "                        time over 7 days behind the latest starts the next year\n"
    "                        (default: each in this year, unless that is ahead)\n"
    "      --keep-raw        add each entry's text to its event (\"raw\")\n"
    "      --keep-unparsed   write lines that do not parse as unparsed records,\n"
    "                        with their text\n"
    "      --summary         after each file, a summary record: format, events, first\n"
    "                        and last time, how many times lacked a zone or a year\n"
    "      --patterns=DIR    also load DIR's format definitions (DIR/formats/*.fmt)\n"
    "  -r, --recursive       read directories, recursively\n"
    "  -j, --jobs=N          parse each file with N threads where its lines parse\n"
    "                        alone; the output is the same (default: the online\n"
    "                        CPUs, at most 8; -j 1: one thread)\n"
    "      --format=F        text, json or tsv (default: text on a terminal)\n"
    "      --list-formats    list the formats with an example line each, and exit\n"
    "      --check-formats   parse every format's examples and compare, and exit\n"
    "      --progress        show progress on stderr (default: on a terminal)\n"
    "      --no-progress     never show progress\n"
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and exit\n"
    "\n"
    "Exit status: 0 events written, 1 none, 2 an error happened (unreadable input,\n"
    "unknown format); lines that do not parse alone are not an error.\n";

#define SAMPLE_LINES 100
#define SAMPLE_BYTES ((size_t)1 << 20)
#define MAX_PARSERS 32

/*
 * -j: by default every online CPU, up to JOBS_DEFAULT_MAX, as a responder
 * mostly has one big log to read; the workers take chunks of CHUNK_BYTES,
 * two each in flight, so memory stays near 3 chunks of input and output a
 * worker.
 */
#define JOBS_DEFAULT_MAX 8
#define CHUNK_BYTES ((size_t)1 << 20)

/*
 * -j: the years of the yearless times up to the last chunk written, which
 * a worker's chunk takes for those before it.
 */
struct hint {
	pthread_mutex_t lock;
	bk_years years;
};

struct run {
	const bk_formats *fs;
	bk_parse_opts popts;
	const char *format;	/* NULL: auto */
	enum tool_format out;
	bool keep_unparsed;
	bool summary;
	bk_writer *w;
	char *buf;		/* TSV and text lines */
	size_t bufsize;
	/* One parser per format in use (auto may pick several). */
	struct {
		const char *name;
		bk_parser *p;
	} parsers[MAX_PARSERS];
	size_t nparsers;
	uint64_t events;	/* over the whole run */
	int64_t first, last;	/* the current input's event times; BK_EVENT_NONE: none yet */
	const char *path;
	uint64_t done, total;	/* raw bytes, for progress */
	/* -j: the workers' own runs, and where one writes its chunk. */
	long jobs;
	struct run *workers;
	FILE *mem;		/* a worker's chunk output; NULL: standard output */
	struct bk_chunk *chunk;	/* the chunk a worker is on */
	bool chunk_oom;		/* its output did not fit in memory */
	struct hint *hint;	/* the years of the last chunk written, for a worker's guess */
	/*
	 * TSV and text lines are formatted straight into STAGE and leave it a
	 * STAGE_SIZE at a time: a worker's to its chunk's stream, not one
	 * stdio call (and lock) per line; the main thread's to standard output
	 * through tool_out, which passes a block that large on uncopied.
	 * Everything else written to standard output goes through out() too,
	 * so the order holds; stage_flush before the tool exits.
	 */
	char *stage;
	size_t stagelen;
};

#define STAGE_SIZE ((size_t)256 << 10)

/* ---- output ------------------------------------------------------------- */

/* Whether the run is a worker's whose TSV or text goes straight into its chunk's buffer. */
static bool
to_chunk(const struct run *r)
{
	return r->mem != NULL && r->out != TOOL_FORMAT_JSON;
}

/*
 * LEN bytes to where the run writes: standard output, or a worker's chunk
 * - its byte buffer, except for JSON, which the record writer puts in the
 * chunk's stream (a chunk's output is one or the other).
 */
static void
out_direct(struct run *r, const void *data, size_t len)
{
	if (to_chunk(r)) {
		char *room = bk_chunk_room(r->chunk, len);

		if (room == NULL) {
			r->chunk_oom = true;	/* the chunk fails: said by the writer */
			return;
		}
		memcpy(room, data, len);
		r->chunk->buflen += len;
	} else if (r->mem != NULL) {
		fwrite(data, 1, len, r->mem);
	} else {
		tool_out(data, len);
	}
}

/* The staged lines out. */
static void
stage_flush(struct run *r)
{
	if (r->stagelen > 0)
		out_direct(r, r->stage, r->stagelen);
	r->stagelen = 0;
}

/* TSV and text output, through the stage (a worker's: into its chunk). */
static void
out(struct run *r, const void *data, size_t len)
{
	if (to_chunk(r)) {
		out_direct(r, data, len);
		return;
	}
	if (len > STAGE_SIZE - r->stagelen) {
		stage_flush(r);
		if (len > STAGE_SIZE) {
			out_direct(r, data, len);
			return;
		}
	}
	memcpy(r->stage + r->stagelen, data, len);
	r->stagelen += len;
}

/* A TSV or text line, formatted into the run's buffer (grown when a line needs it). */
static void
put_line(struct run *r, size_t (*fmt)(const bk_event *, char *, size_t), const bk_event *ev)
{
	size_t n;

	if (to_chunk(r) && !r->popts.keep_raw) {
		/* Straight into the chunk's buffer: formatted in place, never copied. */
		struct bk_chunk *c = r->chunk;

		if (c->bufcap - c->buflen < 4096 && bk_chunk_room(c, 4096) == NULL) {
			r->chunk_oom = true;
			return;
		}
		n = fmt(ev, c->buf + c->buflen, c->bufcap - c->buflen);
		if (n > c->bufcap - c->buflen) {
			if (bk_chunk_room(c, n) == NULL) {
				r->chunk_oom = true;
				return;
			}
			fmt(ev, c->buf + c->buflen, n);
		}
		c->buflen += n;
		return;
	}
	if (!r->popts.keep_raw) {
		/* Straight into the stage, when the line fits. */
		n = fmt(ev, r->stage + r->stagelen, STAGE_SIZE - r->stagelen);
		if (n <= STAGE_SIZE - r->stagelen) {
			r->stagelen += n;
			return;
		}
		stage_flush(r);
		n = fmt(ev, r->stage, STAGE_SIZE);
		if (n <= STAGE_SIZE) {
			r->stagelen = n;
			return;
		}
	}
	n = fmt(ev, r->buf, r->bufsize);

	if (n > r->bufsize) {
		char *b = realloc(r->buf, n);

		if (b == NULL) {
			tool_error(r->path, ev->line, "out of memory");
			return;
		}
		r->buf = b;
		r->bufsize = n;
		fmt(ev, r->buf, r->bufsize);
	}
	if (r->popts.keep_raw && ev->raw.ptr != NULL && fmt == bk_event_tsv) {
		out(r, r->buf, n - 1);
		out(r, "\t", 1);
		for (size_t i = 0, start = 0; i <= ev->raw.len; i++)
			if (i == ev->raw.len || (unsigned char)ev->raw.ptr[i] < 0x20) {
				out(r, ev->raw.ptr + start, i - start);
				if (i < ev->raw.len)
					out(r, " ", 1);
				start = i + 1;
			}
		out(r, "\n", 1);
		return;
	}
	out(r, r->buf, n);
}

static int
on_event(void *ctx, const bk_event *ev)
{
	struct run *r = ctx;

	r->events++;
	if (ev->ts != BK_EVENT_NONE) {
		if (r->first == BK_EVENT_NONE || ev->ts < r->first)
			r->first = ev->ts;
		if (r->last == BK_EVENT_NONE || ev->ts > r->last)
			r->last = ev->ts;
	}
	switch (r->out) {
	case TOOL_FORMAT_JSON:
		if (bk_event_write(r->w, ev) != BK_OK)
			tool_write_failed(errno);
		break;
	case TOOL_FORMAT_TSV:
		put_line(r, bk_event_tsv, ev);
		break;
	case TOOL_FORMAT_TEXT:
		put_line(r, bk_event_text, ev);
		break;
	}
	return 0;
}

/* A line that did not parse, kept because --keep-unparsed asked for it. */
static void
put_unparsed(struct run *r, const char *format, const struct bk_line *line)
{
	bk_event ev;

	if (r->out == TOOL_FORMAT_JSON) {
		bk_writer_begin(r->w, "unparsed");
		bk_writer_cstr(r->w, "file", r->path);
		bk_writer_uint(r->w, "line", line->lineno);
		if (format != NULL)
			bk_writer_cstr(r->w, "format", format);
		bk_writer_str(r->w, "raw", line->data, line->len);
		if (bk_writer_end(r->w) != BK_OK)
			tool_write_failed(errno);
		return;
	}
	/* TSV and text: a row whose format is "unparsed" and whose object is the text. */
	bk_event_clear(&ev);
	ev.format = "unparsed";
	ev.file = r->path;
	ev.line = line->lineno;
	ev.str[BK_EV_OBJECT] = (bk_span){ line->data, line->len };
	put_line(r, r->out == TOOL_FORMAT_TSV ? bk_event_tsv : bk_event_text, &ev);
}

/* ---- parsing ------------------------------------------------------------ */

static bk_parser *
parser_for(struct run *r, const char *name)
{
	char *err = NULL;
	bk_parser *p;

	for (size_t i = 0; i < r->nparsers; i++)
		if (strcmp(r->parsers[i].name, name) == 0)
			return r->parsers[i].p;
	p = bk_parser_new(r->fs, name, &r->popts, &err);
	if (p == NULL) {
		tool_error(NULL, 0, "%s", err != NULL ? err : "out of memory");
		free(err);
		stage_flush(r);
		tool_exit(TOOL_TROUBLE);
	}
	if (r->nparsers < MAX_PARSERS) {
		r->parsers[r->nparsers].name = name;
		r->parsers[r->nparsers++].p = p;
	}
	return p;
}

/* What one input gave. */
struct tally {
	uint64_t lines, unparsed, first_unparsed;
	uint64_t events;
	bk_clock clock;		/* of the workers, with -j */
};

static void
warn_long(const char *path, uint64_t lineno)
{
	tool_warn(path, lineno, "line longer than %zu bytes, not parsed", (size_t)BK_LINES_DEFAULT_MAX);
}

/*
 * What a worker leaves with its chunk for the writer (bk_chunk.data): how
 * it read the chunk's years, from a guess, which the writer checks against
 * the chunks before; what the chunk's times said and spanned; the lines
 * past the maximum, for the writer to say in order.
 */
struct note {
	bk_years years;
	bk_clock clock;
	int64_t first, last;	/* BK_EVENT_NONE: no time */
	uint64_t nlong;
	uint64_t longs[];
};

/* A line past the maximum: said at once, or by a worker noted in its chunk. */
static void
long_line(struct run *r, uint64_t lineno)
{
	struct bk_chunk *c = r->chunk;
	struct note *n = c != NULL ? c->data : NULL;

	if (n == NULL) {
		warn_long(r->path, lineno);
		return;
	}
	n = realloc(n, sizeof *n + (n->nlong + 1) * sizeof n->longs[0]);
	if (n == NULL)
		return;	/* the warning is lost, not the line: it is counted unparsed */
	n->longs[n->nlong++] = lineno;
	c->data = n;
}

static void
one_line(struct run *r, bk_parser *p, const char *format, const struct bk_line *line,
    struct tally *t)
{
	int rc;

	if (line->len == 0)
		return;	/* an empty line carries nothing to lose */
	t->lines++;
	if (line->flags & (BK_LINE_SPLIT | BK_LINE_CONT)) {
		/* Pieces of a line past --max-line: no entry is that long. */
		if ((line->flags & (BK_LINE_SPLIT | BK_LINE_CONT)) == BK_LINE_SPLIT)
			long_line(r, line->lineno);
		rc = 1;
	} else
		rc = bk_parser_line(p, line->data, line->len, line->lineno, on_event, r);
	if (rc != BK_OK) {
		if (t->unparsed++ == 0)
			t->first_unparsed = line->lineno;
		if (r->keep_unparsed)
			put_unparsed(r, format, line);
	}
}

/*
 * Reads up to SAMPLE_LINES lines into a private copy (the line reader's
 * buffers move on) and picks the format that parses most of them.
 */
struct sample {
	char *data;
	size_t len, cap;
	struct bk_line lines[SAMPLE_LINES];
	size_t n;
	bool eof;
	int rc;
};

static void
take_sample(bk_lines *lr, struct sample *s)
{
	struct bk_line line;
	size_t offs[SAMPLE_LINES];

	s->n = 0;
	s->len = 0;
	s->eof = false;
	while (s->n < SAMPLE_LINES && s->len < SAMPLE_BYTES) {
		s->rc = bk_lines_next(lr, &line);
		if (s->rc != BK_OK) {
			s->eof = true;
			break;
		}
		if (s->len + line.len > s->cap) {
			size_t cap = (s->len + line.len) * 2 + 4096;
			char *d = realloc(s->data, cap);

			if (d == NULL) {
				s->rc = BK_NOMEM;
				s->eof = true;
				break;
			}
			s->data = d;
			s->cap = cap;
		}
		if (line.len > 0)
			memcpy(s->data + s->len, line.data, line.len);
		offs[s->n] = s->len;
		s->lines[s->n++] = line;
		s->len += line.len;
	}
	for (size_t i = 0; i < s->n; i++)
		s->lines[i].data = s->data + offs[i];
}

static const char *
detect(struct run *r, const struct sample *s)
{
	bk_span spans[SAMPLE_LINES];
	size_t n = 0, nonblank = 0;
	double score;
	const char *name;

	for (size_t i = 0; i < s->n; i++)
		if (!(s->lines[i].flags & (BK_LINE_SPLIT | BK_LINE_CONT))) {
			spans[n++] = (bk_span){ s->lines[i].data, s->lines[i].len };
			nonblank += s->lines[i].len > 0;
		}
	if (nonblank == 0)
		return NULL;
	name = bk_formats_detect(r->fs, spans, n, &score);
	if (name == NULL) {
		tool_error(r->path, 0, "no known format fits its first lines (give one with -f; "
				       "bk-parse --list-formats)");
		return NULL;
	}
	tool_warn(r->path, 0, "format %s (%zu of %zu sample lines)", name,
	    (size_t)(score * (double)nonblank + 0.5), nonblank);
	return name;
}

/* ---- one input, several workers ---------------------------------------- */

/*
 * With -j, the lines of a format whose lines parse alone are shared out
 * (pipeline.h): each worker parses its chunks with its own parser into the
 * chunk's output, with its tally in the chunk's counters and note, and the
 * main thread writes the chunks in input order, so the output is the same
 * as one pass.
 *
 * Times without a year are the exception: with --year, theirs depends on
 * every yearless time before (a New Year in the log starts the next), and
 * a worker does not know those of the chunks still being parsed. It reads
 * its chunk on a guess, that the times before it ended as those of the
 * last chunk written did (struct hint), which is right unless nearly a
 * year went by in the chunks between (a few MiB of log: only a log that
 * small writes that little in a year); the writer, which knows the years
 * before the chunk, checks it (bk_years_join) and when it was wrong parses
 * the chunk again itself, in the right years. A worker's own years are not
 * passed on: one read on a wrong guess would mislead the next.
 */
enum { ST_LINES, ST_UNPARSED, ST_FIRST_UNPARSED, ST_EVENTS };

struct shared {
	struct run *r;
	bk_input *in;
	struct tally *t;
	const char *format;
	bk_years years;		/* read up to the chunk to be written */
	struct hint hint;
	bk_parser *redo;	/* the writer's, for chunks read again; NULL until one is */
};

/* The years the chunks written so far end in, for the workers. */
static void
hint_put(struct hint *h, const bk_years *ys)
{
	pthread_mutex_lock(&h->lock);
	h->years = *ys;
	pthread_mutex_unlock(&h->lock);
}

static int
work_chunk(void *state, struct bk_chunk *c)
{
	struct run *w = state;
	struct tally t = { 0 };
	bk_parser *p = w->parsers[0].p;
	uint64_t events = w->events;
	struct note *n;
	bk_years before;

	if ((n = malloc(sizeof *n)) == NULL)
		return BK_NOMEM;
	n->nlong = 0;
	c->data = n;
	w->mem = c->out;
	w->chunk = c;
	w->chunk_oom = false;
	w->first = w->last = BK_EVENT_NONE;
	/* Each chunk's clock and years its own, for the writer to add up in order. */
	bk_parser_begin(p, w->path);
	pthread_mutex_lock(&w->hint->lock);
	before = w->hint->years;
	pthread_mutex_unlock(&w->hint->lock);
	bk_years_guess(bk_parser_years(p), &before);
	if (w->out == TOOL_FORMAT_JSON && (w->w = bk_writer_new(c->out)) == NULL)
		return BK_NOMEM;
	for (size_t i = 0; i < c->nlines; i++)
		one_line(w, p, w->parsers[0].name, &c->lines[i], &t);
	stage_flush(w);
	bk_writer_free(w->w);
	w->w = NULL;
	c->stats[ST_LINES] = t.lines;
	c->stats[ST_UNPARSED] = t.unparsed;
	c->stats[ST_FIRST_UNPARSED] = t.first_unparsed;
	c->stats[ST_EVENTS] = w->events - events;
	n = c->data;	/* long_line may have moved it */
	n->years = *bk_parser_years(p);
	bk_parser_clock(p, &n->clock);
	n->first = w->first;
	n->last = w->last;
	return w->chunk_oom ? BK_NOMEM : 0;
}

/*
 * Parses chunk C again in the writer, after the years before it: its
 * output, counts and warnings as one pass would have made them there.
 */
static int
redo_chunk(struct shared *sh, struct bk_chunk *c)
{
	struct run *r = sh->r;
	char *err = NULL;
	bk_clock clock;

	if (sh->redo == NULL &&
	    (sh->redo = bk_parser_new(r->fs, sh->format, &r->popts, &err)) == NULL) {
		tool_error(r->path, 0, "%s", err != NULL ? err : "out of memory");
		free(err);
		return 1;
	}
	bk_parser_begin(sh->redo, r->path);
	*bk_parser_years(sh->redo) = sh->years;
	for (size_t i = 0; i < c->nlines; i++)
		one_line(r, sh->redo, sh->format, &c->lines[i], sh->t);
	sh->years = *bk_parser_years(sh->redo);
	bk_parser_clock(sh->redo, &clock);
	bk_clock_add(&sh->t->clock, &clock);
	return 0;
}

static int
write_chunk(void *ctx, struct bk_chunk *c)
{
	struct shared *sh = ctx;
	struct run *r = sh->r;
	struct note *n = c->data;
	int rc = 0;

	if (c->status != 0 || n == NULL) {
		for (uint64_t i = 0; n != NULL && i < n->nlong; i++)
			warn_long(r->path, n->longs[i]);
		free(n);
		tool_error(r->path, 0, "out of memory");
		return 1;
	}
	if (!bk_years_join(&sh->years, &n->years)) {
		rc = redo_chunk(sh, c);
		goto out;
	}
	for (uint64_t i = 0; i < n->nlong; i++)
		warn_long(r->path, n->longs[i]);
	if (r->out == TOOL_FORMAT_JSON) {
		if (c->len > 0 && fwrite(c->text, 1, c->len, stdout) != c->len)
			tool_write_failed(errno);
	} else {
		out(r, c->text, c->len);
	}
	if (sh->t->unparsed == 0 && c->stats[ST_UNPARSED] > 0)
		sh->t->first_unparsed = c->stats[ST_FIRST_UNPARSED];
	sh->t->lines += c->stats[ST_LINES];
	sh->t->unparsed += c->stats[ST_UNPARSED];
	r->events += c->stats[ST_EVENTS];
	bk_clock_add(&sh->t->clock, &n->clock);
	if (n->first != BK_EVENT_NONE && (r->first == BK_EVENT_NONE || n->first < r->first))
		r->first = n->first;
	if (n->last != BK_EVENT_NONE && (r->last == BK_EVENT_NONE || n->last > r->last))
		r->last = n->last;
out:
	free(n);
	hint_put(&sh->hint, &sh->years);
	tool_progress(r->path, r->done + bk_input_raw_offset(sh->in), r->total);
	return rc;
}

/*
 * Parses the rest of IN (read by LR) with the run's workers, the years of
 * its yearless times going on from P's; the status of the reading.
 */
static int
parse_shared(struct run *r, const char *format, bk_parser *p, bk_lines *lr, bk_input *in,
    struct tally *t)
{
	void *states[BK_PIPELINE_MAX_JOBS];
	struct shared sh = { .r = r, .in = in, .t = t, .format = format };
	int rc;

	/* What the lines before (the format's sample) read, for the first chunks. */
	sh.years = sh.hint.years = *bk_parser_years(p);
	pthread_mutex_init(&sh.hint.lock, NULL);
	for (long i = 0; i < r->jobs; i++) {
		struct run *w = &r->workers[i];

		w->path = r->path;
		/* Each worker has one parser: the format of this input. */
		if (w->nparsers > 0 && strcmp(w->parsers[0].name, format) != 0) {
			bk_parser_free(w->parsers[0].p);
			w->nparsers = 0;
		}
		parser_for(w, format);
		w->hint = &sh.hint;
		states[i] = w;
	}
	rc = bk_pipeline_run(lr, (size_t)r->jobs, states, work_chunk, write_chunk, &sh,
	    CHUNK_BYTES);
	bk_parser_free(sh.redo);
	pthread_mutex_destroy(&sh.hint.lock);
	/* Stopped (1): what stopped it was said. */
	return rc == BK_OK || rc == 1 ? BK_EOF : rc;
}

/*
 * What one input gave (--summary): its format, counts, time range, and what
 * its times said of zone and year, so that a caller with several logs can
 * tell which were read in an assumed zone or year (bk-triage infers them).
 */
#define TEXT_SUMMARY "%s: %s, %llu events from %llu lines (%llu unparsed), %s .. %s; " \
	"times: %llu zoned%s%s, %llu without zone, %llu without year\n"

static void
put_summary(struct run *r, const char *format, const struct tally *t)
{
	char first[32] = "-", last[32] = "-", off[16] = "", *text;
	int o, n;

	if (bk_clock_offset(&t->clock, &o))
		snprintf(off, sizeof off, "%c%02d:%02d", o < 0 ? '-' : '+', abs(o) / 3600 % 100,
		    abs(o) / 60 % 60);
	if (r->out == TOOL_FORMAT_JSON) {
		bk_writer_begin(r->w, "summary");
		bk_writer_cstr(r->w, "tool", "bk-parse");
		bk_writer_cstr(r->w, "file", r->path);
		bk_writer_cstr(r->w, "format", format);
		bk_writer_uint(r->w, "lines", t->lines);
		bk_writer_uint(r->w, "events", t->events);
		bk_writer_uint(r->w, "unparsed", t->unparsed);
		if (r->first != BK_EVENT_NONE) {
			bk_writer_time(r->w, "first", r->first);
			bk_writer_time(r->w, "last", r->last);
		}
		bk_writer_object_begin(r->w, "times");
		bk_writer_uint(r->w, "zoned", t->clock.zoned);
		if (*off != '\0')
			bk_writer_cstr(r->w, "offset", off);
		bk_writer_uint(r->w, "naive", t->clock.naive);
		bk_writer_uint(r->w, "yearless", t->clock.yearless);
		bk_writer_object_end(r->w);
		if (bk_writer_end(r->w) != BK_OK)
			tool_write_failed(errno);
		return;
	}
	if (r->first != BK_EVENT_NONE) {
		bk_time_rfc3339(first, r->first);
		bk_time_rfc3339(last, r->last);
	}
	n = snprintf(NULL, 0, TEXT_SUMMARY, r->path, format, (unsigned long long)t->events,
	    (unsigned long long)t->lines, (unsigned long long)t->unparsed, first, last,
	    (unsigned long long)t->clock.zoned, *off != '\0' ? " mostly " : "", off,
	    (unsigned long long)t->clock.naive, (unsigned long long)t->clock.yearless);
	if (n < 0 || (text = malloc((size_t)n + 1)) == NULL) {
		tool_error(r->path, 0, "out of memory");
		return;
	}
	snprintf(text, (size_t)n + 1, TEXT_SUMMARY, r->path, format, (unsigned long long)t->events,
	    (unsigned long long)t->lines, (unsigned long long)t->unparsed, first, last,
	    (unsigned long long)t->clock.zoned, *off != '\0' ? " mostly " : "", off,
	    (unsigned long long)t->clock.naive, (unsigned long long)t->clock.yearless);
	out(r, text, (size_t)n);
	free(text);
}

static void
parse_input(struct run *r, bk_input *in, bk_lines *lr, struct sample *s)
{
	const char *format = r->format;
	struct tally t = { 0 };
	uint64_t events = r->events;
	struct bk_line line;
	bk_parser *p = NULL;
	int rc = BK_OK;

	bk_lines_reset(lr, in, 1);
	r->first = r->last = BK_EVENT_NONE;
	if (format == NULL) {
		take_sample(lr, s);
		format = detect(r, s);
		if (format == NULL) {
			/* Nothing is read from a file whose format is unknown. */
			if (s->rc == BK_ERROR)
				tool_error(r->path, 0, "%s", bk_input_error(in));
			return;
		}
		p = parser_for(r, format);
		bk_parser_begin(p, r->path);
		for (size_t i = 0; i < s->n; i++)
			one_line(r, p, format, &s->lines[i], &t);
		rc = s->eof ? s->rc : BK_OK;
		if (s->eof)
			goto done;
	} else {
		p = parser_for(r, format);
		bk_parser_begin(p, r->path);
	}
	if (r->jobs > 1 && bk_parser_independent(p)) {
		rc = parse_shared(r, format, p, lr, in, &t);
		goto done;
	}
	while ((rc = bk_lines_next(lr, &line)) == BK_OK) {
		one_line(r, p, format, &line, &t);
		if ((line.lineno & 0xFFFF) == 0)
			tool_progress(r->path, r->done + bk_input_raw_offset(in), r->total);
	}
done:
	bk_parser_finish(p, on_event, r);
	if (r->summary) {
		bk_clock c;

		bk_parser_clock(p, &c);
		bk_clock_add(&t.clock, &c);
		t.events = r->events - events;
		put_summary(r, format, &t);
	}
	tool_log_end(r->path, rc, in, t.lines, t.unparsed, t.first_unparsed);
}

/* ---- --list-formats, --check-formats ------------------------------------ */

static void
list_formats(const bk_formats *fs)
{
	for (const char *const *n = bk_formats_names(fs); *n != NULL; n++) {
		const char *d = bk_formats_description(fs, *n);

		const char *ex = bk_formats_example(fs, *n);

		printf("%s\t%s\n", *n, d != NULL ? d : "");
		/* Each line of an example entry indented, so names stay apart. */
		do {
			size_t len = strcspn(ex, "\n");

			printf("\t%.*s\n", (int)len, ex);
			ex += len + (ex[len] == '\n');
		} while (*ex != '\0');
	}
}

static int
collect(void *ctx, const bk_event *ev)
{
	return bk_event_write(ctx, ev) == BK_OK ? 0 : 1;
}

/*
 * Parses one example, line by line when it is an entry of several (a code
 * format's header and row, a slow-log entry): BK_OK when every line parsed.
 * The events are numbered LINENO, the example's rank.
 */
static int
parse_example(bk_parser *p, const char *ex, uint64_t lineno, bk_writer *w)
{
	int rc = BK_OK;

	do {
		size_t len = strcspn(ex, "\n");

		if (bk_parser_line(p, ex, len, lineno, collect, w) != BK_OK)
			rc = BK_ERROR;
		ex += len + (ex[len] == '\n');
	} while (*ex != '\0');
	return rc;
}

/* Parses every example of every format; prints what differs. Returns the exit status. */
static int
check_formats(const bk_formats *fs, const bk_parse_opts *o)
{
	size_t formats = 0, examples = 0, wrong = 0;

	for (const char *const *n = bk_formats_names(fs); *n != NULL; n++) {
		const char *const *lines, *const *expect;
		size_t k = bk_formats_examples(fs, *n, &lines, &expect);
		char *err = NULL;
		bk_parser *p = bk_parser_new(fs, *n, o, &err);

		formats++;
		if (p == NULL) {
			printf("%s: %s\n", *n, err != NULL ? err : "out of memory");
			free(err);
			wrong++;
			continue;
		}
		for (size_t i = 0; i < k; i++) {
			char *text = NULL;
			size_t len = 0;
			FILE *mem = open_memstream(&text, &len);
			bk_writer *w = mem != NULL ? bk_writer_new(mem) : NULL;
			int rc;

			examples++;
			if (w == NULL)
				tool_usage_error("out of memory");
			bk_parser_begin(p, "example");
			rc = parse_example(p, lines[i], i + 1, w);
			if (bk_parser_finish(p, collect, w) != BK_OK)
				rc = BK_ERROR;
			bk_writer_free(w);
			fclose(mem);
			if (rc != BK_OK || len == 0) {
				printf("%s: example %zu does not parse: %s\n", *n, i + 1, lines[i]);
				wrong++;
			} else if (expect[i] != NULL &&
			    (len != strlen(expect[i]) + 1 || memcmp(text, expect[i], len - 1) != 0)) {
				printf("%s: example %zu gives\n%s  expected\n%s\n", *n, i + 1, text,
				    expect[i]);
				wrong++;
			}
			free(text);
		}
		bk_parser_free(p);
	}
	printf("%zu examples of %zu formats checked, %zu wrong\n", examples, formats, wrong);
	return wrong == 0 ? TOOL_FOUND : TOOL_TROUBLE;
}

/* ---- options ------------------------------------------------------------ */

int
main(int argc, char **argv)
{
	enum { OPT_APACHE_CONF = 256, OPT_CHECK_FORMATS, OPT_FORMAT, OPT_KEEP_RAW,
		OPT_IDS, OPT_KEEP_UNPARSED, OPT_LIST_FORMATS, OPT_LOG_FORMAT, OPT_MAP, OPT_NGINX_CONF,
		OPT_NO_PROGRESS, OPT_PATTERNS, OPT_PG_PREFIX, OPT_PROGRESS, OPT_SQUID_CONF, OPT_SUMMARY,
		OPT_TZ, OPT_YEAR };
	static const struct option longopts[] = {
		{ "apache-conf", required_argument, NULL, OPT_APACHE_CONF },
		{ "check-formats", no_argument, NULL, OPT_CHECK_FORMATS },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ "input-format", required_argument, NULL, 'f' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "keep-raw", no_argument, NULL, OPT_KEEP_RAW },
		{ "keep-unparsed", no_argument, NULL, OPT_KEEP_UNPARSED },
		{ "list-formats", no_argument, NULL, OPT_LIST_FORMATS },
		{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
		{ "ids", required_argument, NULL, OPT_IDS },
		{ "map", required_argument, NULL, OPT_MAP },
		{ "nginx-conf", required_argument, NULL, OPT_NGINX_CONF },
		{ "no-progress", no_argument, NULL, OPT_NO_PROGRESS },
		{ "patterns", required_argument, NULL, OPT_PATTERNS },
		{ "pg-prefix", required_argument, NULL, OPT_PG_PREFIX },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "recursive", no_argument, NULL, 'r' },
		{ "squid-conf", required_argument, NULL, OPT_SQUID_CONF },
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "tz", required_argument, NULL, OPT_TZ },
		{ "version", no_argument, NULL, 'V' },
		{ "year", required_argument, NULL, OPT_YEAR },
		{ NULL, 0, NULL, 0 },
	};
	struct run r = { .out = tool_default_format() };
	const char *dirs[17], *conf = NULL, *conf_notation = NULL, *log_format = NULL;
	size_t ndirs = 1;
	bool list = false, check = false;
	int progress = -1, c, status;
	bk_formats *fs;
	bk_fileset *set;
	bk_input *in;
	bk_lines *lr;
	struct sample sample = { 0 };
	char *err = NULL;

	tool_init("bk-parse", argv);
	if ((set = bk_fileset_new()) == NULL || (in = bk_input_new()) == NULL)
		tool_usage_error("out of memory");
	bk_fileset_on_error(set, tool_fileset_error, NULL);
	dirs[0] = tool_patterns_dir();
	r.jobs = 0;	/* not given */
	while ((c = getopt_long(argc, argv, "Vf:hj:r", longopts, NULL)) != -1) {
		switch (c) {
		case 'V':
			tool_version(NULL);
		case 'f':
			r.format = strcmp(optarg, "auto") == 0 ? NULL : optarg;
			break;
		case 'h':
			tool_help(usage_text);
		case 'j':
			r.jobs = tool_jobs_arg(optarg, BK_PIPELINE_MAX_JOBS);
			break;
		case 'r':
			bk_fileset_set_recursive(set, true);
			break;
		case OPT_APACHE_CONF:
		case OPT_NGINX_CONF:
		case OPT_SQUID_CONF:
			if (conf != NULL)
				tool_usage_error("one config file at a time");
			conf = optarg;
			conf_notation = c == OPT_APACHE_CONF ? "apache" : c == OPT_NGINX_CONF ?
			    "nginx" : "squid";
			break;
		case OPT_CHECK_FORMATS:
			check = true;
			break;
		case OPT_FORMAT:
			r.out = tool_format_parse(optarg);
			break;
		case OPT_KEEP_RAW:
			r.popts.keep_raw = true;
			break;
		case OPT_KEEP_UNPARSED:
			r.keep_unparsed = true;
			break;
		case OPT_LIST_FORMATS:
			list = true;
			break;
		case OPT_LOG_FORMAT:
			log_format = optarg;
			break;
		case OPT_MAP:
			r.popts.map = optarg;
			break;
		case OPT_IDS:
			r.popts.ids = optarg;
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
			r.popts.pg_prefix = optarg;
			break;
		case OPT_PROGRESS:
			progress = 1;
			break;
		case OPT_SUMMARY:
			r.summary = true;
			break;
		case OPT_TZ:
			r.popts.tz = optarg;
			break;
		case OPT_YEAR:
			r.popts.year = tool_year_arg(optarg);
			break;
		default:
			fprintf(stderr, "Try 'bk-parse --help' for more information.\n");
			exit(TOOL_TROUBLE);
		}
	}
	if (r.jobs == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		r.jobs = n < 1 ? 1 : n > JOBS_DEFAULT_MAX ? JOBS_DEFAULT_MAX : n;
	}
	tool_progress_enable(progress < 0 ? isatty(STDERR_FILENO) : progress == 1);
	if (r.summary && r.out == TOOL_FORMAT_TSV)
		tool_usage_error("--summary: not in TSV, whose rows are events (use json or text)");

	fs = bk_formats_load(dirs, ndirs, &err);
	if (fs == NULL) {
		tool_error(NULL, 0, "%s", err != NULL ? err : "out of memory");
		tool_exit(TOOL_TROUBLE);
	}
	r.fs = fs;
	if (list || check) {
		status = TOOL_FOUND;
		if (list)
			list_formats(fs);
		else
			status = check_formats(fs, &r.popts);
		bk_formats_free(fs);
		bk_input_free(in);
		bk_fileset_free(set);
		tool_exit(status);
	}

	/* A format from the server's own directive. */
	if (conf != NULL && log_format == NULL)
		tool_usage_error("--%s-conf needs --log-format NAME", conf_notation);
	if (log_format != NULL) {
		const char *note = conf_notation, *name;

		if (note == NULL && r.format != NULL)
			note = bk_formats_notation(fs, r.format);
		if (note == NULL && r.format != NULL)
			tool_usage_error("--log-format: format %s is not written in a server's "
					 "notation (nginx, apache, squid)", r.format);
		if (note == NULL)
			note = tool_guess_notation(log_format);
		name = bk_formats_define(fs, note, conf, log_format, &err);
		if (name == NULL) {
			tool_error(NULL, 0, "%s", err != NULL ? err : "out of memory");
			tool_exit(TOOL_TROUBLE);
		}
		r.format = name;
	}
	if (r.format != NULL)
		(void)parser_for(&r, r.format);	/* a wrong name or option fails before any input */

	if (optind == argc)
		bk_fileset_add(set, "-");
	for (int i = optind; i < argc; i++)
		if (bk_fileset_add(set, argv[i]) == BK_NOMEM)
			tool_usage_error("out of memory");
	bk_fileset_finish(set);
	if ((lr = bk_lines_new(0)) == NULL || (r.w = bk_writer_new(stdout)) == NULL ||
	    (r.buf = malloc(r.bufsize = 64 << 10)) == NULL || (r.stage = malloc(STAGE_SIZE)) == NULL)
		tool_usage_error("out of memory");
	if (r.jobs > 1) {
		if ((r.workers = calloc((size_t)r.jobs, sizeof *r.workers)) == NULL)
			tool_usage_error("out of memory");
		for (long i = 0; i < r.jobs; i++) {
			struct run *w = &r.workers[i];

			w->fs = r.fs;
			w->popts = r.popts;
			w->out = r.out;
			w->keep_unparsed = r.keep_unparsed;
			if ((w->buf = malloc(w->bufsize = 64 << 10)) == NULL ||
			    (w->stage = malloc(STAGE_SIZE)) == NULL)
				tool_usage_error("out of memory");
		}
	}
	if (tool_progress_enabled()) {
		for (size_t i = 0; i < bk_fileset_count(set); i++) {
			struct stat sb;

			if (stat(bk_fileset_path(set, i), &sb) == 0 && S_ISREG(sb.st_mode))
				r.total += (uint64_t)sb.st_size;
		}
	}
	if (r.out == TOOL_FORMAT_TSV) {
		const char *h = bk_event_tsv_header();

		if (r.popts.keep_raw) {
			out(&r, h, strlen(h) - 1);
			out(&r, "\traw\n", 5);
		} else
			out(&r, h, strlen(h));
	}

	for (size_t i = 0; i < bk_fileset_count(set); i++) {
		const char *path = bk_fileset_path(set, i);

		if (bk_input_open(in, path) != BK_OK) {
			tool_error(strcmp(path, "-") == 0 ? bk_input_name(in) : path, 0, "%s",
			    bk_input_error(in));
			continue;
		}
		r.path = bk_input_name(in);
		parse_input(&r, in, lr, &sample);
		r.done += bk_input_raw_offset(in);
		if (bk_input_close(in) != BK_OK)
			tool_error(path, 0, "%s", bk_input_error(in));
	}
	tool_progress_done();
	stage_flush(&r);
	tool_out_flush();
	status = r.events > 0 ? TOOL_FOUND : TOOL_NOTHING;

	for (size_t i = 0; i < r.nparsers; i++)
		bk_parser_free(r.parsers[i].p);
	for (long i = 0; r.workers != NULL && i < r.jobs; i++) {
		for (size_t k = 0; k < r.workers[i].nparsers; k++)
			bk_parser_free(r.workers[i].parsers[k].p);
		free(r.workers[i].buf);
		free(r.workers[i].stage);
	}
	free(r.workers);
	free(sample.data);
	free(r.buf);
	free(r.stage);
	bk_writer_free(r.w);
	bk_lines_free(lr);
	bk_input_free(in);
	bk_fileset_free(set);
	bk_formats_free(fs);
	tool_exit(status);
}
