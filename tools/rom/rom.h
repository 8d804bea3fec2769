/* rom.h - the `igdkit rom` subcommands (one file each) */
#ifndef IGDKIT_ROM_CMD_H
#define IGDKIT_ROM_CMD_H

#include "lib/cli.h"
#include "rom/make.h"

int cmd_rom(struct ctx *ctx, int argc, char **argv);		/* rom/cmd_rom.c: the table */
int cmd_rom_build(struct ctx *ctx, int argc, char **argv);	/* rom/build.c */
int cmd_rom_check(struct ctx *ctx, int argc, char **argv);	/* rom/check.c */
int cmd_rom_make(struct ctx *ctx, int argc, char **argv);	/* rom/make.c */
int cmd_rom_vbios(struct ctx *ctx, int argc, char **argv);	/* rom/vbios.c */
int cmd_rom_flash(struct ctx *ctx, int argc, char **argv);	/* rom/flash.c */

/* A failed rom_make as `igdkit rom make` reports it, under ctx's command name; the exit code. */
int rom_make_fail(const struct ctx *ctx, const char *image, enum rom_make_status st, const struct diag *d);

#endif
