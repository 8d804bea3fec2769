/* rom.h - the `igdkit rom` subcommands (one file each) */
#ifndef IGDKIT_ROM_CMD_H
#define IGDKIT_ROM_CMD_H

#include "lib/cli.h"

int cmd_rom(struct ctx *ctx, int argc, char **argv);		/* rom/cmd_rom.c: the table */
int cmd_rom_build(struct ctx *ctx, int argc, char **argv);	/* rom/build.c */
int cmd_rom_check(struct ctx *ctx, int argc, char **argv);	/* rom/check.c */
int cmd_rom_make(struct ctx *ctx, int argc, char **argv);	/* rom/make.c */

#endif
