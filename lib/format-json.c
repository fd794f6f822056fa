/*
 * format-json.c - generic JSON lines (application logs, exports from log
 * platforms) with a field map.
 *
 * Each line is one JSON object. Its leaves are named by dotted paths
 * ("client.ip" for {"client":{"ip":...}}) and mapped to event fields by
 * --map TARGET=SOURCE,... (e.g. "actor=usr.login,ts=@timestamp"); targets are
 * the event's fields (ts, actor or user, ip, dst, action, object, method,
 * stmt, status, rows, bytes_in, bytes_out, ids, where), "sql" for a
 * statement to classify like a database log's, or any other snake_case name,
 * which becomes an extra of that name. Without a mapping, the well-known
 * names are taken (the first present wins; a --map entry always wins):
 *   ts        ts, @timestamp, timestamp, time, datetime, date, eventTime
 *   actor     user, username, user_name, userName, user.name, actor, login, account,
 *             remote_user
 *   ip        ip, client_ip, clientip, client.ip, remote_addr, remote_ip, src_ip,
 *             source.ip, sourceIPAddress, src
 *   dst       dst, dst_ip, dest_ip, destination.ip, server_ip
 *   action    action, event.action, operation
 *   object    object, path, uri, url, request_uri, url.path, url.original, table,
 *             file, resource
 *   method    method, request_method, http.request.method, verb
 *   status    status, status_code, http.response.status_code, response_code
 *   rows      rows, row_count, rows_sent
 *   bytes_in  bytes_in, request_length, bytes_received, http.request.bytes
 *   bytes_out bytes_out, bytes_sent, body_bytes_sent, http.response.bytes,
 *             response_size
 *   sql       sql, query, statement
 *   request   request, http_request (an HTTP request line, nginx's $request:
 *             method, protocol, and the URL's path as object, its record ids
 *             as ids, by --ids)
 *   user_agent (extra) http_user_agent, user_agent, userAgent, user_agent.original
 * Times are read with timefmt's "auto" layouts (RFC 3339, epoch seconds,
 * ...); a 13-digit number is epoch milliseconds. The same map drives the
 * csv format (format-csv.c), with header names as sources.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "format-util-private.h"

struct jsonf {
	const bk_parser *p;
	struct bk__map map;
	bk_timefmt *tf;
	bk_urlids *ux;		/* record ids in request URLs */
	struct bk__text unq, tables;
	struct bk__evb evb;
	size_t prios[BK__MAP_NPRIO];
};

static int
leaf(void *ctx, const char *path, size_t plen, bk_span val, enum bk__json_type type)
{
	struct jsonf *j = ctx;
	const struct bk__map_entry *e = bk__map_find(&j->map, path, plen);

	if (e != NULL)
		bk__map_apply(j->p, j->tf, &j->evb, e, (size_t)(e - j->map.e), j->prios, val, type,
		    &j->tables);
	return 0;
}

static bool
blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!bk__is_space(s[i]))
			return false;
	return true;
}

static int
json_line(bk_parser *p, const char *s, size_t n, uint64_t lineno, bk_event_fn fn, void *ctx)
{
	struct jsonf *j = p->impl;

	if (blank(s, n))
		return BK_OK;
	j->p = p;
	bk__evb_reset(&j->evb, p, lineno);
	for (size_t i = 0; i < BK__MAP_NPRIO; i++)
		j->prios[i] = SIZE_MAX;
	j->unq.len = j->tables.len = 0;
	if (bk__text_reserve(&j->unq, n) != BK_OK)
		return BK_NOMEM;
	if (bk__json_walk(s, n, &j->unq, leaf, j) != BK_OK)
		return 1;
	bk__evb_url(&j->evb, j->ux);
	if (p->opts.keep_raw)
		j->evb.ev.raw = bk__span(s, n);
	return fn(ctx, &j->evb.ev);
}

static void
json_free(bk_parser *p)
{
	struct jsonf *j = p->impl;

	if (j == NULL)
		return;
	bk__map_free(&j->map);
	bk_timefmt_free(j->tf);
	bk_urlids_free(j->ux);
	bk__text_free(&j->unq);
	bk__text_free(&j->tables);
	free(j);
	p->impl = NULL;
}

static int
json_init(bk_parser *p, char **err)
{
	struct jsonf *j = calloc(1, sizeof *j);

	*err = NULL;
	if (j == NULL)
		return BK_NOMEM;
	p->impl = j;
	if (bk__map_init(&j->map, p->opts.map, p->ops->name, err) != BK_OK ||
	    (j->tf = bk_timefmt_new("auto", err)) == NULL ||
	    (j->ux = bk_urlids_new(p->opts.ids, err)) == NULL) {
		if (*err == NULL)
			*err = bk__errf("%s: out of memory", p->ops->name);
		json_free(p);
		return BK_ERROR;
	}
	return BK_OK;
}

const struct bk__parser_ops bk__json_ops = {
	.name = "json",
	.description = "JSON lines; keys become event fields by name or --map (dotted paths into objects)",
	.example = "{\"@timestamp\":\"2026-11-22T10:00:00.123Z\",\"user\":\"app\","
		   "\"client\":{\"ip\":\"10.0.0.5\"},\"action\":\"export\",\"object\":\"persons\","
		   "\"rows\":3000}",
	.priority = -10,
	.independent = true,
	.init = json_init,
	.line = json_line,
	.free = json_free,
};
