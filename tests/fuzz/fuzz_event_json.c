/*
 * fuzz_event_json.c - libFuzzer harness of the direct event decoder
 * (lib/event-json.c).
 *
 * Each line of the bytes is decoded both ways: by bk__event_json_decode and
 * by jansson with bk_event_from_record, as bk_reader_next_event would fall
 * back to. Wherever the decoder takes a line, jansson must take it too, as
 * an event record, and the two events must agree field by field: the
 * decoder may decline anything, but never read a line differently.
 */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "event-json-private.h"
#include "event-eq.h"
#include "fuzz.h"

#define IDCAP 3

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bk_reader *rd;
	static struct bk__strbuf scratch;
	const char *p = (const char *)data, *end = p + size;

	if (rd == NULL)
		FUZZ_CHECK((rd = bk_reader_new()) != NULL);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		bk_event fast, slow;
		bk_span fids[IDCAP], sids[IDCAP];
		size_t fdrop, sdrop;
		const bk_record *rec;

		if (bk__event_json_decode(p, n, &scratch, &fast, fids, IDCAP, &fdrop)) {
			FUZZ_CHECK(bk__reader_parse(rd, p, n, 1, &rec) == BK_OK);
			FUZZ_CHECK(strcmp(bk_record_type(rec), "event") == 0);
			FUZZ_CHECK(bk_event_from_record(rec, &slow, sids, IDCAP, &sdrop) == BK_OK);
			FUZZ_CHECK(event_eq(&fast, &slow) && fdrop == sdrop);
		}
		p += n + 1;
	}
	return 0;
}
