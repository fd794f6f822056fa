/*
 * format-pg-private.h - what the PostgreSQL stderr log (format-postgres.c)
 * and csvlog (format-pgcsv.c) parsers share: one server message, taken
 * apart into the same pieces whichever file layout carried it, and its
 * meaning as an event. Not installed.
 */
#ifndef BK_FORMAT_PG_PRIVATE_H
#define BK_FORMAT_PG_PRIVATE_H

#include "format-util-private.h"

/* One message of the server, with the secondary parts that came with it. */
struct bk__pg_msg {
	uint64_t line;		/* the first line */
	int64_t ts;
	bk_span user, db, host, app, pid, sqlstate, cmdtag;
	bk_span sev;		/* "LOG", "ERROR", ... */
	bk_span body;		/* the message text after "SEV:  " */
	bk_span detail;		/* DETAIL, where the parameters of execute are */
	bk_span context;	/* CONTEXT, where parameters on error are */
	bk_span statement;	/* STATEMENT (stderr) or query (csvlog) */
	bk_span raw;
	bool truncated;
	bk_span duration;	/* a later "duration: N ms" attached to this statement */
};

/* The buffers bk__pg_event reuses. */
struct bk__pg_work {
	struct bk__text sub;	/* a statement with its parameters substituted */
	struct bk__text tables;
	struct bk__text unq;	/* pgaudit fields with "" undone */
};

void bk__pg_work_free(struct bk__pg_work *w);

/*
 * Builds the event M stands for into B. Returns 1 when M makes an event,
 * 0 when it is a message that does not (checkpoints, parse and bind steps,
 * connection received), BK_NOMEM when a buffer could not grow.
 */
int bk__pg_event(const bk_parser *p, struct bk__pg_work *w, const struct bk__pg_msg *m,
    struct bk__evb *b);

/*
 * When M is a bare "duration: N ms" (log_duration), the number in *DUR;
 * when M is a statement that such a line would belong to, false with *DUR
 * untouched. bk__pg_wants_duration says whether M is such a statement.
 */
bool bk__pg_bare_duration(const struct bk__pg_msg *m, bk_span *dur);
bool bk__pg_wants_duration(const struct bk__pg_msg *m);

/* Whether the N bytes at S are a severity word: LOG, ERROR, DETAIL, ... */
bool bk__pg_primary(const char *s, size_t n);
bool bk__pg_secondary(const char *s, size_t n);

#endif /* BK_FORMAT_PG_PRIVATE_H */
