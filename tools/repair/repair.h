/* repair.h - igdkit repair: bring back a host that no longer boots after a passthrough change */
#ifndef IGDKIT_REPAIR_CMD_H
#define IGDKIT_REPAIR_CMD_H

#include "lib/cli.h"

int cmd_repair(struct ctx *ctx, int argc, char **argv);

#endif
