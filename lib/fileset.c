/* fileset.c - placeholder until the module lands; see fileset.h for its contract. */
#include "config.h"

#include "fileset.h"
