/* igdkit.h - the subcommand table and the commands it dispatches to (main.c, cmd.c) */
#ifndef IGDKIT_H
#define IGDKIT_H

#include <stddef.h>

#include "check/check.h"
#include "fw/cmd_fw.h"
#include "install/install.h"
#include "lib/cli.h"
#include "menu/menu.h"
#include "repair/repair.h"
#include "report/cmd_report.h"
#include "rom/rom.h"

/* Subcommand flags say what a command may touch (cbfstool style). */
enum cmd_flags {
	CMD_READS_HOST = 1 << 0,	/* reads the running machine (PCI, ACPI, MSR, efivars) */
	CMD_WRITES = 1 << 1,		/* may write to a user's disk: plan first, confirm, atomic commit */
	CMD_HIDDEN = 1 << 2,		/* not listed in --help */
};

struct cmd {
	const char *name;
	int (*fn)(struct ctx *ctx, int argc, char **argv);
	unsigned flags;
	const char *summary;
};

/* The table lives in cmd.c; exported for the tests that check man page against it. */
extern const struct cmd igdkit_cmds[];
extern const size_t igdkit_ncmds;

#endif
