/* make.c - igdkit rom make */
#include "rom.h"

static const char synopsis[] = "usage: igdkit rom make [OPTIONS]";

int cmd_rom_make(struct ctx *ctx, int argc, char **argv)
{
	return cmd_not_implemented(ctx, synopsis, argc, argv);
}
