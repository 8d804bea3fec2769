/* cmd_fw.h - igdkit fw: the front end of the firmware walker */
#ifndef IGDKIT_FW_CMD_H
#define IGDKIT_FW_CMD_H

#include "lib/cli.h"

int cmd_fw(struct ctx *ctx, int argc, char **argv);

#endif
