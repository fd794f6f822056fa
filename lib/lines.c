/* lines.c - placeholder until the module lands; see lines.h for its contract. */
#include "config.h"

#include "lines.h"
