/*
 * common.h - the chrome every bk-* tool shares, so each tool is only its
 * options and its library calls: the program name, messages in the form
 * "bk-NAME: PATH[:LINE]: message", rate-limited warnings, the exit status,
 * --version, the output format switch, progress on stderr, and a checked,
 * buffered standard output that ends quietly on a closed pipe.
 *
 * Not part of libbreachkit: tools link it as a convenience library.
 */
#ifndef BK_TOOL_COMMON_H
#define BK_TOOL_COMMON_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdnoreturn.h>

/* Exit statuses, as grep's. */
enum {
	TOOL_FOUND = 0,		/* something found, or plain success */
	TOOL_NOTHING = 1,	/* ran fine, found nothing */
	TOOL_TROUBLE = 2,	/* an error happened (everything else was still processed) */
};

enum tool_format { TOOL_FORMAT_TEXT, TOOL_FORMAT_JSON, TOOL_FORMAT_TSV };

/* The tool's name ("bk-cat"), set by tool_init. */
extern const char *tool_name;

/*
 * Sets the name (also as ARGV[0], so getopt's messages name the tool and not
 * a libtool wrapper path), ignores SIGPIPE (so a closed pipe shows up as EPIPE on
 * write and the tool can end quietly), and makes standard output fully
 * buffered.
 */
void tool_init(const char *name, char **argv);

/*
 * "bk-NAME: PATH:LINE: message" on stderr. PATH may be NULL, LINE 0 for none.
 * tool_error also sets the exit status to TOOL_TROUBLE. Warnings past the
 * 20th are counted, not printed; tool_exit says how many were held back.
 */
void tool_error(const char *path, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tool_warn(const char *path, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A command-line mistake: the message, a pointer to --help, exit 2. */
noreturn void tool_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --help: TEXT to stdout, then exit 0. */
noreturn void tool_help(const char *text);

/* A bk_fileset error callback: "bk-NAME: PATH: MESSAGE", exit status 2 at the end. */
void tool_fileset_error(void *ctx, const char *path, const char *message);

/* --year's argument: a year from 1970 to 9999, or a usage error. */
int tool_year_arg(const char *arg);

/* --jobs' argument: a number of threads from 1 to MAX, or a usage error. */
long tool_jobs_arg(const char *arg, long max);

/* Prints "bk-NAME (breachkit) VERSION" and EXTRA lines (may be NULL) to stdout, exits 0. */
noreturn void tool_version(const char *extra);

/* "64M", "1k", "100": bytes with an optional binary suffix; a usage error otherwise. */
size_t tool_parse_size(const char *arg);

/* True once tool_error was called. */
bool tool_failed(void);

/*
 * Parses --format's argument; exits with a usage error on an unknown one.
 * tool_default_format is text on a terminal, json otherwise.
 */
enum tool_format tool_format_parse(const char *arg);
enum tool_format tool_default_format(void);

/*
 * Buffered raw output to stdout for tools that copy bytes (bk-cat): large
 * writes bypass the buffer. On EPIPE the tool exits 0 at once (the reader
 * went away, nothing is wrong here); any other write error is fatal, exit 2.
 */
void tool_out(const void *data, size_t len);
void tool_out_flush(void);

/* A failed write to stdout: quietly 0 on EPIPE, else a message and exit 2. */
noreturn void tool_write_failed(int err);

/*
 * Flushes and checks stdout (a full disk is an error, never a silent
 * truncation), reports held-back warnings, and exits with STATUS, or
 * TOOL_TROUBLE if an error was reported.
 */
noreturn void tool_exit(int status);

/*
 * Progress on stderr, at most a few times a second: bytes done, of TOTAL if
 * known (0: unknown), and the rate. tool_progress_done clears the line.
 */
void tool_progress_enable(bool on);
bool tool_progress_enabled(void);
void tool_progress(const char *label, uint64_t done, uint64_t total);
void tool_progress_done(void);

/*
 * The directory of the shipped patterns (pii/, formats/, detect/): the
 * BK_PATTERNS environment variable if set, else the source tree's patterns/
 * when the tool runs from its build tree, else the installed
 * $(pkgdatadir)/patterns.
 */
const char *tool_patterns_dir(void);

/*
 * For the tools that scan with the personal-data rules (bk-scan,
 * bk-records): a bk_ruleset error callback ("bk-NAME: FILE:LINE: message",
 * exit status 2 at the end), and the rule files of a patterns directory,
 * DIR/pii, or DIR itself when it has no pii/ (a --patterns of bare rules).
 */
void tool_rules_error(void *ctx, const char *path, unsigned long line, const char *message);
struct bk_ruleset;
void tool_load_rules(struct bk_ruleset *rs, const char *dir);

/* Use colour on stdout: a terminal and no NO_COLOR. */
bool tool_color(void);

#endif /* BK_TOOL_COMMON_H */
