/*
 * test_event.c - unit tests of lib/event.c: the event record, its TSV and
 * text forms, and reading records back.
 *
 * Output is compared byte for byte; the JSON an event gives is read back
 * with bk_event_from_record and written again, which must give the same
 * bytes (the round trip bk-access and bk-exfil rely on).
 */
#include "testutil.h"

#include "event.h"

/* A full event, with extras of both kinds and raw text holding invalid UTF-8. */
static void
full_event(bk_event *ev, bk_span *ids, bk_event_extra *x)
{
	bk_event_clear(ev);
	ev->format = "nginx";
	ev->file = "access.log";
	ev->line = 7;
	ev->ts = 1795309200123;
	ev->str[BK_EV_ACTOR] = (bk_span){ "alice", 5 };
	ev->str[BK_EV_IP] = (bk_span){ "203.0.113.7", 11 };
	ev->str[BK_EV_DST] = (bk_span){ "files.example.net", 17 };
	ev->str[BK_EV_ACTION] = (bk_span){ "read", 4 };
	ev->str[BK_EV_OBJECT] = (bk_span){ "/api/persons/1234\t", 18 };
	ev->str[BK_EV_METHOD] = (bk_span){ "GET", 3 };
	ev->str[BK_EV_STMT] = (bk_span){ "select", 6 };
	ids[0] = (bk_span){ "1234", 4 };
	ids[1] = (bk_span){ "42", 2 };
	ev->ids = ids;
	ev->nids = 2;
	ev->rows = 10;
	ev->bytes_in = 512;
	ev->bytes_out = 5120;
	ev->status = 200;
	ev->where = 1;
	x[0] = (bk_event_extra){ "user_agent", { "curl/8.5.0", 10 }, false };
	x[1] = (bk_event_extra){ "duration_ms", { "0.25", 4 }, true };
	x[2] = (bk_event_extra){ "pid", { "812", 3 }, true };
	x[3] = (bk_event_extra){ "odd", { "1.2.3", 5 }, true };
	ev->extra = x;
	ev->nextra = 4;
	ev->raw = (bk_span){ "caf\xe9", 4 };
}

static char *
json_of(const bk_event *ev)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	bk_writer *w;

	assert_non_null(mem);
	w = bk_writer_new(mem);
	assert_non_null(w);
	assert_int_equal(bk_event_write(w, ev), BK_OK);
	bk_writer_free(w);
	assert_int_equal(fclose(mem), 0);
	return text;
}

static void
test_write_full(void **state)
{
	bk_event ev;
	bk_span ids[2];
	bk_event_extra x[4];
	char *text;

	(void)state;
	full_event(&ev, ids, x);
	text = json_of(&ev);
	assert_string_equal(text,
	    "{\"type\":\"event\",\"ts\":\"2026-11-22T01:00:00.123Z\",\"format\":\"nginx\","
	    "\"file\":\"access.log\",\"line\":7,\"actor\":\"alice\",\"ip\":\"203.0.113.7\","
	    "\"dst\":\"files.example.net\",\"action\":\"read\",\"object\":\"/api/persons/1234\\t\","
	    "\"ids\":[\"1234\",\"42\"],\"rows\":10,\"bytes_in\":512,\"bytes_out\":5120,"
	    "\"status\":200,\"method\":\"GET\",\"stmt\":\"select\",\"where\":true,"
	    "\"user_agent\":\"curl/8.5.0\",\"duration_ms\":0.25,\"pid\":812,\"odd\":\"1.2.3\","
	    "\"raw\":\"caf\xEF\xBF\xBD\"}\n");
	free(text);
}

static void
test_write_empty(void **state)
{
	bk_event ev;
	char *text;

	(void)state;
	bk_event_clear(&ev);
	assert_true(ev.ts == BK_EVENT_NONE && ev.status == BK_EVENT_NONE && ev.where == -1);
	text = json_of(&ev);
	assert_string_equal(text, "{\"type\":\"event\"}\n");
	free(text);
}

static void
test_tsv_text(void **state)
{
	bk_event ev;
	bk_span ids[2];
	bk_event_extra x[4];
	char buf[512], small[8];
	size_t n;

	(void)state;
	full_event(&ev, ids, x);
	assert_string_equal(bk_event_tsv_header(),
	    "ts\tformat\tfile\tline\tactor\tip\tdst\taction\tobject\tids\trows\tbytes_in\t"
	    "bytes_out\tstatus\tmethod\tstmt\twhere\n");
	n = bk_event_tsv(&ev, buf, sizeof buf);
	assert_int_equal(n, strlen("2026-11-22T01:00:00.123Z\tnginx\taccess.log\t7\talice\t"
				  "203.0.113.7\tfiles.example.net\tread\t/api/persons/1234 \t1234,42\t10\t"
				  "512\t5120\t200\tGET\tselect\ttrue\n"));
	buf[n] = '\0';
	assert_string_equal(buf, "2026-11-22T01:00:00.123Z\tnginx\taccess.log\t7\talice\t"
				 "203.0.113.7\tfiles.example.net\tread\t/api/persons/1234 \t1234,42\t10\t"
				 "512\t5120\t200\tGET\tselect\ttrue\n");
	/* Too small: the length needed, as snprintf. */
	assert_int_equal(bk_event_tsv(&ev, small, sizeof small), n);
	n = bk_event_text(&ev, buf, sizeof buf);
	buf[n] = '\0';
	assert_string_equal(buf, "access.log:7: 2026-11-22T01:00:00.123Z format=nginx actor=alice "
				 "ip=203.0.113.7 dst=files.example.net action=read "
				 "object=/api/persons/1234  method=GET stmt=select ids=1234,42 rows=10 "
				 "bytes_in=512 bytes_out=5120 status=200 where=true "
				 "user_agent=curl/8.5.0 duration_ms=0.25 pid=812 odd=1.2.3\n");
	bk_event_clear(&ev);
	n = bk_event_tsv(&ev, buf, sizeof buf);
	buf[n] = '\0';
	assert_string_equal(buf, "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\n");
}

static void
test_round_trip(void **state)
{
	bk_event ev, back;
	bk_span ids[2], got[1];
	bk_event_extra x[4];
	char *text, *again;
	const bk_record *rec;
	bk_reader *rd = bk_reader_new();
	bk_input *in = bk_input_new();
	size_t dropped;
	char *path;

	(void)state;
	full_event(&ev, ids, x);
	ev.nextra = 0;	/* extras pass through as unknown fields, not as event members */
	text = json_of(&ev);
	path = tu_write(tu_dir, "ev.json", text, strlen(text));
	assert_int_equal(bk_input_open(in, path), BK_OK);
	bk_reader_reset(rd, in);
	assert_int_equal(bk_reader_next(rd, &rec), BK_OK);
	assert_int_equal(bk_event_from_record(rec, &back, got, 1, &dropped), BK_OK);
	assert_int_equal(dropped, 1);
	assert_int_equal(back.nids, 1);
	back.ids = ids;
	back.nids = 2;	/* what did not fit is counted; the rest as written */
	again = json_of(&back);
	assert_string_equal(again, text);
	free(again);
	free(text);
	bk_input_close(in);
	free(path);
	/* Not an event. */
	path = tu_write(tu_dir, "f.json", "{\"type\":\"finding\"}\n", 19);
	assert_int_equal(bk_input_open(in, path), BK_OK);
	bk_reader_reset(rd, in);
	assert_int_equal(bk_reader_next(rd, &rec), BK_OK);
	assert_int_equal(bk_event_from_record(rec, &back, got, 1, NULL), BK_ERROR);
	bk_input_close(in);
	free(path);
	bk_input_free(in);
	bk_reader_free(rd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_full),
		cmocka_unit_test(test_write_empty),
		cmocka_unit_test(test_tsv_text),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, tu_setup_dir, tu_teardown_dir);
}
