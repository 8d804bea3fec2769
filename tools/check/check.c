/* check.c - igdkit check */
#include "../igdkit.h"

static const char synopsis[] = "usage: igdkit check [OPTIONS]";

int cmd_check(struct ctx *ctx, int argc, char **argv)
{
	return cmd_not_implemented(ctx, synopsis, argc, argv);
}
