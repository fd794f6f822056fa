/* charset.c - placeholder until the module lands; see charset.h for its contract. */
#include "config.h"

#include "charset.h"
