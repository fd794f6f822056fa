/*
 * fuzz_rotation.c - libFuzzer harness of rotated-name ordering
 * (bk_rotation_cmp in lib/fileset.c).
 *
 * The bytes are two file names separated by a NUL ("access.log.2.gz\0
 * access.log.1"), or, without a NUL, cut in the middle; a second NUL starts a
 * third name. A file set sorts directory entries with this comparison through
 * qsort, which needs a total order, so it is held to one: cmp(a, a) is 0,
 * cmp(a, b) is 0 exactly when the names are equal (header: "zero only when
 * they are equal"), sign(cmp(a, b)) == -sign(cmp(b, a)), and with three names
 * the order is transitive.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "breachkit.h"
#include "fuzz.h"

static int
sign(int v)
{
	return (v > 0) - (v < 0);
}

/* The bytes from P up to a NUL or END as a new string; *NEXT is past the NUL, or NULL. */
static char *
take(const char *p, const char *end, const char **next)
{
	const char *nul = memchr(p, '\0', (size_t)(end - p));
	size_t n = (size_t)((nul != NULL ? nul : end) - p);
	char *s = malloc(n + 1);

	FUZZ_CHECK(s != NULL);
	memcpy(s, p, n);
	s[n] = '\0';
	*next = nul != NULL ? nul + 1 : NULL;
	return s;
}

static void
check_pair(const char *a, const char *b)
{
	int ab = sign(bk_rotation_cmp(a, b)), ba = sign(bk_rotation_cmp(b, a));

	FUZZ_CHECK(ab == -ba);
	FUZZ_CHECK((ab == 0) == (strcmp(a, b) == 0));
}

/* X <= Y <= Z must give X <= Z, and strictly when either step is strict. */
static void
check_chain(const char *x, const char *y, const char *z)
{
	int xy = sign(bk_rotation_cmp(x, y)), yz = sign(bk_rotation_cmp(y, z));
	int xz = sign(bk_rotation_cmp(x, z));

	if (xy <= 0 && yz <= 0)
		FUZZ_CHECK(xz <= 0 && (xz < 0 || (xy == 0 && yz == 0)));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *next;
	char *a, *b, *c = NULL;

	if (memchr(p, '\0', size) != NULL) {
		a = take(p, end, &next);
		b = take(next, end, &next);
		if (next != NULL)
			c = take(next, end, &next);
	} else {
		a = take(p, p + size / 2, &next);
		b = take(p + size / 2, end, &next);
	}
	FUZZ_CHECK(bk_rotation_cmp(a, a) == 0);
	check_pair(a, b);
	if (c != NULL) {
		check_pair(a, c);
		check_pair(b, c);
		check_chain(a, b, c);
		check_chain(a, c, b);
		check_chain(b, a, c);
		check_chain(b, c, a);
		check_chain(c, a, b);
		check_chain(c, b, a);
	}
	free(a);
	free(b);
	free(c);
	return 0;
}
