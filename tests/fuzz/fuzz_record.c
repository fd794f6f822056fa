/*
 * fuzz_record.c - libFuzzer harness of the NDJSON reader and writer
 * (lib/record.c).
 *
 * The bytes are NDJSON read with bk_reader over a bk_input (so a gzip'd
 * record stream works too). Every record read is written straight back with
 * a bk_writer, the way a tool passes through what it does not know:
 * bk_writer_begin with its type, bk_writer_fields, bk_writer_end, into a
 * memory stream. DESIGN.md promises valid JSON whatever the input held, so
 * jansson must load every line written as an object with a string "type"
 * (JSON_ALLOW_NUL: the writer escapes NUL bytes as \u0000, which is valid
 * JSON). Then the output is read and written once more: the reader must take
 * all of its own output without an error, and the second output must equal
 * the first byte for byte (pass-through is a fixed point, so records that
 * merely travel through a pipe of tools do not change).
 */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "breachkit.h"
#include "fuzz.h"

/* Decoded bytes read per pass at most, against compression bombs. */
#define READ_MAX ((uint64_t)1 << 20)

struct pass {
	char *out;		/* what the writer wrote */
	size_t len;
	size_t records, errors;
	bool cut;		/* stopped at READ_MAX */
};

/* Reads DATA as records and writes each back into PS->out. */
static void
pass_through(const uint8_t *data, size_t size, struct pass *ps)
{
	bk_input *in = bk_input_new();
	bk_reader *rd = bk_reader_new();
	FILE *mem = open_memstream(&ps->out, &ps->len);
	bk_writer *w = mem != NULL ? bk_writer_new(mem) : NULL;
	const bk_record *rec;
	uint64_t lineno = 0;
	int64_t iv;
	double dv;
	int rc = BK_EOF;

	FUZZ_CHECK(in != NULL && rd != NULL && mem != NULL && w != NULL);
	ps->records = ps->errors = 0;
	ps->cut = false;
	if (bk_input_open_fd(in, fuzz_memfd(data, size), "fuzz-record") != BK_OK)
		goto out;
	bk_reader_reset(rd, in);
	for (;;) {
		if (bk_input_offset(in) > READ_MAX) {
			ps->cut = true;
			break;
		}
		rc = bk_reader_next(rd, &rec);
		if (rc == BK_ERROR) {
			FUZZ_CHECK(bk_reader_error(rd)[0] != '\0');
			ps->errors++;
			continue;
		}
		if (rc != BK_OK)
			break;
		FUZZ_CHECK(rec != NULL);
		FUZZ_CHECK(bk_reader_lineno(rd) > lineno);
		lineno = bk_reader_lineno(rd);
		/* The accessors tools use, on keys records often have. */
		(void)bk_record_str(rec, "ts");
		(void)bk_record_int(rec, "rows", &iv);
		(void)bk_record_double(rec, "score", &dv);
		(void)bk_record_has(rec, "ids");
		bk_writer_begin(w, bk_record_type(rec));
		bk_writer_fields(w, rec);
		FUZZ_CHECK(bk_writer_end(w) == BK_OK);
		ps->records++;
	}
	FUZZ_CHECK(ps->cut || rc == BK_EOF || rc == BK_NOMEM);
out:
	bk_writer_free(w);
	FUZZ_CHECK(fclose(mem) == 0);
	bk_reader_free(rd);
	bk_input_free(in);
}

/* Every line of OUT is a JSON object with a string "type"; returns the count. */
static size_t
check_json(const char *out, size_t len)
{
	const char *p = out, *end = out + len;
	size_t lines = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		json_error_t err;
		json_t *j;

		FUZZ_CHECK(nl != NULL);	/* every record ends with its newline */
		j = json_loadb(p, (size_t)(nl - p), JSON_ALLOW_NUL, &err);
		if (j == NULL)
			fprintf(stderr, "invalid JSON written: %s\n", err.text);
		FUZZ_CHECK(j != NULL);
		FUZZ_CHECK(json_is_object(j) && json_is_string(json_object_get(j, "type")));
		json_decref(j);
		lines++;
		p = nl + 1;
	}
	return lines;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pass one = { 0 }, two = { 0 };

	pass_through(data, size, &one);
	FUZZ_CHECK(check_json(one.out, one.len) == one.records);
	pass_through((const uint8_t *)one.out, one.len, &two);
	if (!one.cut && !two.cut) {
		FUZZ_CHECK(two.errors == 0 && two.records == one.records);
		FUZZ_CHECK(two.len == one.len && memcmp(two.out, one.out, one.len) == 0);
	}
	free(one.out);
	free(two.out);
	return 0;
}
