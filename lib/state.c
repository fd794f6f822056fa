/* state.c - placeholder until the module lands; see state.h for its contract. */
#include "config.h"

#include "state.h"
