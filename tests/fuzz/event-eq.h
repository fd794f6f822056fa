/*
 * event-eq.h - whether two events are the same, field by field: what the
 * event decoder's unit test and its fuzz harness both ask of the fast
 * decoder against jansson. No cmocka here: the fuzzers build without it.
 */
#ifndef BK_EVENT_EQ_H
#define BK_EVENT_EQ_H

#include <stdbool.h>
#include <string.h>

#include "event.h"

static inline bool
span_eq(const bk_span *a, const bk_span *b)
{
	if ((a->ptr == NULL) != (b->ptr == NULL))
		return false;
	return a->ptr == NULL || (a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0));
}

static inline bool
cstr_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static inline bool
event_eq(const bk_event *a, const bk_event *b)
{
	if (!cstr_eq(a->format, b->format) || !cstr_eq(a->file, b->file) || a->line != b->line ||
	    a->ts != b->ts || a->status != b->status || a->rows != b->rows ||
	    a->bytes_in != b->bytes_in || a->bytes_out != b->bytes_out || a->where != b->where ||
	    (a->ids == NULL) != (b->ids == NULL) || a->nids != b->nids ||
	    a->nextra != b->nextra || !span_eq(&a->raw, &b->raw))
		return false;
	for (int i = 0; i < BK_EV_NSTR; i++)
		if (!span_eq(&a->str[i], &b->str[i]))
			return false;
	for (size_t i = 0; i < a->nids; i++)
		if (!span_eq(&a->ids[i], &b->ids[i]))
			return false;
	return true;
}

#endif /* BK_EVENT_EQ_H */
