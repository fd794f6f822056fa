/* record.c - placeholder until the module lands; see record.h for its contract. */
#include "config.h"

#include "record.h"
