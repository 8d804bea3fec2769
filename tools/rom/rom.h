/* rom.h - the `igdkit rom` subcommands (one file each) */
#ifndef IGDKIT_ROM_CMD_H
#define IGDKIT_ROM_CMD_H

#include "../igdkit.h"

int cmd_rom_build(struct ctx *ctx, int argc, char **argv);	/* rom/build.c */
int cmd_rom_check(struct ctx *ctx, int argc, char **argv);	/* rom/check.c */
int cmd_rom_make(struct ctx *ctx, int argc, char **argv);	/* rom/make.c */

#endif
