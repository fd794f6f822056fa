/*
 * testutil.h - what every cmocka unit test needs: the cmocka includes in the
 * order cmocka demands, the library, and small helpers for temporary files.
 */
#ifndef BK_TESTUTIL_H
#define BK_TESTUTIL_H

#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "breachkit.h"

#endif
