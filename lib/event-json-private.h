/*
 * event-json-private.h - the direct decoder of event lines behind
 * bk_reader_next_event, for the unit tests that prove it reads every line
 * it accepts as jansson and bk_event_from_record do. Not installed.
 */
#ifndef BK_EVENT_JSON_PRIVATE_H
#define BK_EVENT_JSON_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "event-json.h"
#include "record-private.h"

/*
 * Decodes LINE (LEN bytes, no newline) into EV when it is an `event` record
 * whose every byte the decoder understands; strings that need unescaping
 * or a terminating NUL go to SCRATCH (emptied first; EV points into it and
 * into LINE). IDS, IDS_CAP and IDS_DROPPED as for bk_event_from_record.
 * False when the line must be left to the jansson path: not an event, not
 * valid JSON, or valid in a way this decoder does not handle (a key with
 * an escape or given twice, a number with an exponent or out of range,
 * nesting past 32 levels), or SCRATCH could not grow; EV is then undefined.
 */
bool bk__event_json_decode(const char *line, size_t len, struct bk__strbuf *scratch,
    bk_event *ev, bk_span *ids, size_t ids_cap, size_t *ids_dropped);

#endif /* BK_EVENT_JSON_PRIVATE_H */
