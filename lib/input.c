/* input.c - placeholder until the module lands; see input.h for its contract. */
#include "config.h"

#include "input.h"
