/* cmd_fw.c - igdkit fw */
#include "../igdkit.h"

static const char synopsis[] = "usage: igdkit fw [OPTIONS]";

int cmd_fw(struct ctx *ctx, int argc, char **argv)
{
	return cmd_not_implemented(ctx, synopsis, argc, argv);
}
