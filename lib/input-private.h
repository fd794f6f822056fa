/*
 * input-private.h - internals of the input layer shared with lines.c and
 * state.c; not installed.
 */
#ifndef BK_INPUT_PRIVATE_H
#define BK_INPUT_PRIVATE_H

#include "input.h"

#endif
