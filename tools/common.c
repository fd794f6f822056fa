/*
 * common.c - shared chrome of the bk-* tools; see common.h.
 *
 * Standard output has two users: tools that copy bytes go through tool_out's
 * own buffer (one write(2) per 256 KiB, nothing copied for large chunks),
 * tools that write records go through stdio. A tool uses one or the other;
 * tool_exit flushes both, so the order never mixes.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "breachkit.h"
#include "common.h"

const char *tool_name = "bk";

/* Tools with worker threads (-j) report from several threads at once. */
static atomic_bool failed;
static atomic_ulong warnings, warnings_held;
static pthread_mutex_t message_lock = PTHREAD_MUTEX_INITIALIZER;
#define WARN_LIMIT 20

void
tool_init(const char *name, char **argv)
{
	static char stdout_buf[1 << 16];
	static char argv0[64];

	tool_name = name;
	snprintf(argv0, sizeof argv0, "%s", name);
	argv[0] = argv0;
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, stdout_buf, _IOFBF, sizeof stdout_buf);
}

/* ---- messages ----------------------------------------------------------- */

static void vmessage(const char *path, uint64_t line, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * A path in a message, its control bytes escaped (\n, \t, \r, \ooo): one
 * message is one line, whatever names the evidence has, so a script
 * reading stderr line by line (bk-triage) is never fooled.
 */
static void
put_path(const char *path)
{
	for (const unsigned char *p = (const unsigned char *)path; *p != '\0'; p++) {
		if (*p >= 0x20 && *p != 0x7f)
			fputc(*p, stderr);
		else if (*p == '\n')
			fputs("\\n", stderr);
		else if (*p == '\t')
			fputs("\\t", stderr);
		else if (*p == '\r')
			fputs("\\r", stderr);
		else
			fprintf(stderr, "\\%03o", *p);
	}
}

static void
vmessage(const char *path, uint64_t line, const char *fmt, va_list ap)
{
	pthread_mutex_lock(&message_lock);
	tool_progress_done();
	fflush(stdout);	/* on a terminal, what came before the problem shows first */
	fprintf(stderr, "%s: ", tool_name);
	if (path != NULL) {
		put_path(path);
		if (line > 0)
			fprintf(stderr, ":%llu", (unsigned long long)line);
		fputs(": ", stderr);
	}
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&message_lock);
}

void
tool_error(const char *path, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	failed = true;
	va_start(ap, fmt);
	vmessage(path, line, fmt, ap);
	va_end(ap);
}

void
tool_warn(const char *path, uint64_t line, const char *fmt, ...)
{
	va_list ap;

	if (atomic_fetch_add(&warnings, 1) >= WARN_LIMIT) {
		atomic_fetch_add(&warnings_held, 1);
		return;
	}
	va_start(ap, fmt);
	vmessage(path, line, fmt, ap);
	va_end(ap);
}

void
tool_help(const char *text)
{
	fputs(text, stdout);
	tool_exit(TOOL_FOUND);
}

void
tool_fileset_error(void *ctx, const char *path, const char *message)
{
	(void)ctx;
	tool_error(path, 0, "%s", message);
}

void
tool_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", tool_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", tool_name);
	exit(TOOL_TROUBLE);
}

void
tool_version(const char *extra)
{
	printf("%s (breachkit) %s\n", tool_name, bk_version());
	if (extra != NULL)
		fputs(extra, stdout);
	tool_exit(TOOL_FOUND);
}

bool
tool_failed(void)
{
	return failed;
}

/* Parses "64M", "1k", "100": bytes with an optional binary suffix. */
size_t
tool_parse_size(const char *arg)
{
	char *end;
	unsigned long long v = strtoull(arg, &end, 10);
	unsigned shift = 0;

	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (end == arg || *end != '\0' || v == 0 || v > (SIZE_MAX >> shift))
		tool_usage_error("bad size '%s'", arg);
	return (size_t)(v << shift);
}

/* ---- output format ------------------------------------------------------ */

enum tool_format
tool_format_parse(const char *arg)
{
	if (strcmp(arg, "text") == 0)
		return TOOL_FORMAT_TEXT;
	if (strcmp(arg, "json") == 0)
		return TOOL_FORMAT_JSON;
	if (strcmp(arg, "tsv") == 0)
		return TOOL_FORMAT_TSV;
	tool_usage_error("unknown format '%s' (text, json or tsv)", arg);
}

enum tool_format
tool_default_format(void)
{
	return isatty(STDOUT_FILENO) ? TOOL_FORMAT_TEXT : TOOL_FORMAT_JSON;
}

int
tool_year_arg(const char *arg)
{
	char *end;
	long y = strtol(arg, &end, 10);

	if (end == arg || *end != '\0' || y < 1970 || y > 9999)
		tool_usage_error("--year: a year from 1970 to 9999, not '%s'", arg);
	return (int)y;
}

long
tool_jobs_arg(const char *arg, long max)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (end == arg || *end != '\0' || n < 1 || n > max)
		tool_usage_error("--jobs: a number from 1 to %ld, not '%s'", max, arg);
	return n;
}

void
tool_rules_error(void *ctx, const char *path, unsigned long line, const char *message)
{
	(void)ctx;
	tool_error(path, line, "%s", message);
}

void
tool_load_rules(bk_ruleset *rs, const char *dir)
{
	char *pii;
	struct stat sb;

	if (asprintf(&pii, "%s/pii", dir) < 0)
		tool_usage_error("out of memory");
	if (stat(pii, &sb) == 0 && S_ISDIR(sb.st_mode))
		bk_ruleset_load_dir(rs, pii);
	else
		bk_ruleset_load_dir(rs, dir);
	free(pii);
}

const char *
tool_patterns_dir(void)
{
	static char exe[4096];
	const char *env = getenv("BK_PATTERNS");
	ssize_t n;

	if (env != NULL && *env != '\0')
		return env;
	/* Straight from the build tree: tools/ of the build directory. */
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			if (strcmp(exe, BK_BUILDDIR "/tools") == 0)
				return BK_SRCDIR "/patterns";
		}
	}
	return BK_PKGDATADIR "/patterns";
}

bool
tool_color(void)
{
	const char *nc = getenv("NO_COLOR");

	return (nc == NULL || *nc == '\0') && isatty(STDOUT_FILENO);
}

/* ---- raw output --------------------------------------------------------- */

static char out_buf[256 << 10] __attribute__((aligned(4096)));
static size_t out_len;

noreturn void
tool_write_failed(int err)
{
	if (err == EPIPE)
		exit(TOOL_FOUND);	/* the reader is gone; that is its business */
	tool_progress_done();
	fprintf(stderr, "%s: write error: %s\n", tool_name, strerror(err));
	exit(TOOL_TROUBLE);
}

static void
write_all(const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			tool_write_failed(errno);
		}
		p += n;
		len -= (size_t)n;
	}
}

void
tool_out_flush(void)
{
	write_all(out_buf, out_len);
	out_len = 0;
}

void
tool_out(const void *data, size_t len)
{
	/* Large chunks (a whole input block) go out as they are, never copied. */
	if (len >= sizeof out_buf / 2) {
		tool_out_flush();
		write_all(data, len);
		return;
	}
	if (out_len + len > sizeof out_buf)
		tool_out_flush();
	memcpy(out_buf + out_len, data, len);
	out_len += len;
}

noreturn void
tool_exit(int status)
{
	tool_out_flush();
	tool_progress_done();
	if (fflush(stdout) != 0 || ferror(stdout))
		tool_write_failed(errno ? errno : EIO);
	if (warnings_held > 0)
		fprintf(stderr, "%s: %lu further warnings not shown\n", tool_name,
		    (unsigned long)warnings_held);
	if (failed)
		status = TOOL_TROUBLE;
	exit(status);
}

/* ---- progress ----------------------------------------------------------- */

static bool progress_on;
static bool progress_shown;
static struct timespec progress_start, progress_last;

void
tool_progress_enable(bool on)
{
	progress_on = on;
	clock_gettime(CLOCK_MONOTONIC, &progress_start);
	progress_last = progress_start;
}

bool
tool_progress_enabled(void)
{
	return progress_on;
}

static double
seconds_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
human_bytes(char *buf, size_t size, double v)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
}

void
tool_progress(const char *label, uint64_t done, uint64_t total)
{
	struct timespec now;
	char d[32], r[32], t[32];
	double elapsed;

	if (!progress_on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (seconds_between(&progress_last, &now) < 0.25)
		return;
	progress_last = now;
	elapsed = seconds_between(&progress_start, &now);
	human_bytes(d, sizeof d, (double)done);
	human_bytes(r, sizeof r, elapsed > 0 ? (double)done / elapsed : 0);
	if (total > 0) {
		human_bytes(t, sizeof t, (double)total);
		fprintf(stderr, "\r\033[K%s: %s / %s, %s/s", label, d, t, r);
	} else
		fprintf(stderr, "\r\033[K%s: %s, %s/s", label, d, r);
	progress_shown = true;
}

void
tool_progress_done(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = false;
	}
}
