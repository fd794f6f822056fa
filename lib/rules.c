/* rules.c - placeholder until the module lands; see rules.h for its contract. */
#include "config.h"

#include "rules.h"
