/*
 * util.c - the library's one way of making an error message: modules that
 * hand a caller a malloc'd "what is wrong" (time layouts, zones, URL id
 * specs, log formats) all format it here, so out-of-memory while formatting
 * a message means the same thing everywhere: no message, *ERR NULL.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "util-private.h"

char *
bk__verrf(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	return s;
}

char *
bk__errf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = bk__verrf(fmt, ap);
	va_end(ap);
	return s;
}

void
bk__set_err(char **err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	*err = bk__verrf(fmt, ap);
	va_end(ap);
}
