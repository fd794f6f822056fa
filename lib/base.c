/*
 * base.c - what every module shares: the version string.
 */
#include "config.h"

#include "base.h"

const char *
bk_version(void)
{
	return PACKAGE_VERSION;
}
