/*
 * events.c - the detectors' event source; see events.h.
 */
#include "config.h"

#include <string.h>

#include "common.h"
#include "events.h"

void
tool_reader_error(const char *path, const bk_reader *rd)
{
	const char *m = bk_reader_error(rd), *p = m;

	while (*p >= '0' && *p <= '9')
		p++;
	if (p > m && p[0] == ':' && p[1] == ' ')
		tool_error(path, bk_reader_lineno(rd), "%s", p + 2);
	else
		tool_error(path, 0, "%s", m);
}

void
tool_read_records(const struct tool_source *s, bk_input *in, bk_reader *rd)
{
	const bk_record *rec;
	bk_event ev;
	int rc;

	bk_reader_reset(rd, in);
	/* Event lines are decoded straight into EV; the other records come as records. */
	while ((rc = bk_reader_next_event(rd, &rec, &ev, s->ids, s->idcap, NULL)) != BK_EOF) {
		if (rc == BK_NOMEM) {
			tool_error(s->path, 0, "out of memory");
			tool_exit(TOOL_TROUBLE);
		}
		if (rc == BK_ERROR) {
			tool_reader_error(s->path, rd);
			continue;
		}
		if (rec != NULL) {
			if (s->on_record != NULL)
				s->on_record(s->ctx, rec, bk_reader_lineno(rd));
			continue;
		}
		if (ev.file == NULL)
			ev.file = s->path;
		(void)s->on_event(s->ctx, &ev);
	}
}

void
tool_read_log(const struct tool_source *s, bk_input *in, bk_lines *lr, bk_parser *p)
{
	struct bk_line line;
	uint64_t lines = 0, unparsed = 0, first = 0;
	int rc;

	bk_lines_reset(lr, in, 1);
	bk_parser_begin(p, s->path);
	while ((rc = bk_lines_next(lr, &line)) == BK_OK) {
		if (line.len == 0)
			continue;
		lines++;
		if ((line.flags & (BK_LINE_SPLIT | BK_LINE_CONT)) ||
		    bk_parser_line(p, line.data, line.len, line.lineno, s->on_event, s->ctx) != BK_OK) {
			if (unparsed++ == 0)
				first = line.lineno;
		}
		if ((line.lineno & 0xFFFF) == 0)
			tool_progress(s->path, bk_input_raw_offset(in), 0);
	}
	bk_parser_finish(p, s->on_event, s->ctx);
	tool_log_end(s->path, rc, in, lines, unparsed, first);
}

void
tool_log_end(const char *path, int rc, bk_input *in, uint64_t lines, uint64_t unparsed,
    uint64_t first)
{
	if (rc == BK_ERROR)
		tool_error(path, 0, "%s", bk_input_error(in));
	else if (rc == BK_NOMEM)
		tool_error(path, 0, "out of memory");
	if (unparsed > 0)
		tool_warn(path, 0, "%llu of %llu lines unparsed (first at line %llu)",
		    (unsigned long long)unparsed, (unsigned long long)lines,
		    (unsigned long long)first);
}

const char *
tool_guess_notation(const char *s)
{
	static const char *const squid_only[] = { "%>a", "%ts", "%Ss", "%ru", "%rm", "%<st",
		"%>Hs", "%tr", "%un", "%tl" };

	if (strchr(s, '$') != NULL)
		return "nginx";
	for (size_t i = 0; i < sizeof squid_only / sizeof squid_only[0]; i++)
		if (strstr(s, squid_only[i]) != NULL)
			return "squid";
	return "apache";
}
