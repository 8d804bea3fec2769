/* repair.c - igdkit repair */
#include "repair/repair.h"

static const char synopsis[] = "usage: igdkit repair [OPTIONS]";

int cmd_repair(struct ctx *ctx, int argc, char **argv)
{
	return cmd_not_implemented(ctx, synopsis, argc, argv);
}
