/*
 * event-json.h - `event` records read back fast, for the detectors.
 *
 * bk-access and bk-exfil read millions of event records from a pipe or a
 * file bk-parse wrote. Building a jansson tree for each line and then
 * looking fields up in it is most of what they would spend; the records
 * are flat objects the library itself writes, so this reader decodes them
 * straight into a bk_event instead, with no tree and no allocation per
 * line. Whatever line it does not fully understand (another record type,
 * nested values it cannot vouch for, numbers jansson might refuse, a key
 * given twice) it hands to the jansson path, bk_reader_next and
 * bk_event_from_record, so no input is ever read differently from the way
 * those read it: the same events, the same records, the same errors.
 */
#ifndef BK_EVENT_JSON_H
#define BK_EVENT_JSON_H

#include <stddef.h>

#include "event.h"
#include "record.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The next record of RD, as bk_reader_next returns it, except that an
 * `event` record comes decoded into *EV (as bk_event_from_record decodes
 * it: ids beyond IDS_CAP dropped and counted in *IDS_DROPPED, which may be
 * NULL) and *REC is NULL; any other record is *REC, and *EV is left
 * undefined. EV's spans and strings live until the next call on RD (or its
 * reset or free). Returns what bk_reader_next returns.
 */
int bk_reader_next_event(bk_reader *rd, const bk_record **rec, bk_event *ev, bk_span *ids,
			 size_t ids_cap, size_t *ids_dropped);

#ifdef __cplusplus
}
#endif
#endif /* BK_EVENT_JSON_H */
