/*
 * util-private.h - the small byte-level helpers several library files need,
 * written once. Character classes are ASCII-only on purpose: tolower() and
 * isdigit() follow the locale, and neither rule files nor log lines may
 * change meaning with the user's LANG.
 */
#ifndef BK_UTIL_PRIVATE_H
#define BK_UTIL_PRIVATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base.h"

static inline bool
bk__is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static inline bool
bk__is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
bk__is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The value of the 4 hex digits at S (a JSON \uXXXX escape), or -1. */
static inline int
bk__hex4(const char *s)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

static inline char
bk__lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* A NUL-terminated copy of N bytes of S, or NULL. */
static inline char *
bk__dup_bytes(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

/*
 * Nonzero when one of the eight bytes of X must be escaped in a JSON string
 * ('"', '\\', a control byte) or is not ASCII: the writers copy words that
 * are not as they are. The subtractions may also flag a byte above a true
 * hit (a borrow runs upward) but never flag a word without one, which is all
 * a yes/no question needs; where the hit is, the caller finds by other means.
 */
static inline uint64_t
bk__json_special8(uint64_t x)
{
	const uint64_t ones = UINT64_C(0x0101010101010101);
	uint64_t q = x ^ (ones * '"'), bs = x ^ (ones * '\\');

	return (x | ((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((bs - ones) & ~bs)) &
	    (ones * 0x80);
}

/*
 * Makes the array *VPP (of *CAP elements of SIZE bytes) hold more than N
 * elements, doubling. BK_OK or BK_NOMEM (the array is then unchanged).
 */
static inline int
bk__grow(void *vpp, size_t *cap, size_t n, size_t size)
{
	void **pp = vpp;
	size_t ncap;
	void *p;

	if (n < *cap)
		return BK_OK;
	ncap = *cap != 0 ? *cap : 8;
	while (ncap <= n) {
		if (ncap > SIZE_MAX / 2 / size)
			return BK_NOMEM;
		ncap *= 2;
	}
	p = realloc(*pp, ncap * size);
	if (p == NULL)
		return BK_NOMEM;
	*pp = p;
	*cap = ncap;
	return BK_OK;
}

/*
 * The length of the well-formed UTF-8 character at S (at most N bytes), or 0:
 * no overlong forms, no surrogates, nothing above U+10FFFF.
 */
static inline size_t
bk__utf8_char(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/*
 * A malloc'd message formatted as printf does, or NULL when memory ran out
 * (util.c). bk__set_err stores it in *ERR, and does nothing when ERR is NULL.
 */
char *bk__verrf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
char *bk__errf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void bk__set_err(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif /* BK_UTIL_PRIVATE_H */
