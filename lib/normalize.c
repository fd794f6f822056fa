/* normalize.c - placeholder until the module lands; see normalize.h for its contract. */
#include "config.h"

#include "normalize.h"
