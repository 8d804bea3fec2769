/* check.c - igdkit rom check */
#include "rom.h"

static const char synopsis[] = "usage: igdkit rom check [OPTIONS]";

int cmd_rom_check(struct ctx *ctx, int argc, char **argv)
{
	return cmd_not_implemented(ctx, synopsis, argc, argv);
}
