/* cmd_rom.c - igdkit rom */
#include "../igdkit.h"

static const char synopsis[] = "usage: igdkit rom [OPTIONS]";

int cmd_rom(struct ctx *ctx, int argc, char **argv)
{
	return cmd_not_implemented(ctx, synopsis, argc, argv);
}
