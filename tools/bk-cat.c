/* bk-cat.c - placeholder until the input layer lands. */
#include "config.h"

#include "breachkit.h"
#include "common.h"

int
main(void)
{
	tool_init("bk-cat");
	tool_exit(TOOL_FOUND);
}
