/* validate.c - placeholder until the module lands; see validate.h for its contract. */
#include "config.h"

#include "validate.h"
