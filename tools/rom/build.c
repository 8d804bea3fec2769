/* build.c - igdkit rom build */
#include "rom.h"

static const char synopsis[] = "usage: igdkit rom build [OPTIONS]";

int cmd_rom_build(struct ctx *ctx, int argc, char **argv)
{
	return cmd_not_implemented(ctx, synopsis, argc, argv);
}
