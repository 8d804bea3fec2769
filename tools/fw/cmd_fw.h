/* cmd_fw.h - igdkit fw: the front end of the firmware walker */
#ifndef IGDKIT_FW_CMD_H
#define IGDKIT_FW_CMD_H

#include <stdbool.h>

#include "lib/cli.h"

int cmd_fw(struct ctx *ctx, int argc, char **argv);
/* igdkit fw setup FILE [--find]: the setup verb's front end (cmd_setup.c), called by cmd_fw. */
int fw_setup_cmd(struct ctx *ctx, const char *path, bool find);

#endif
