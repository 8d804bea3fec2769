/* install.h - igdkit install: the Proxmox passthrough setup written onto an installed host */
#ifndef IGDKIT_INSTALL_CMD_H
#define IGDKIT_INSTALL_CMD_H

#include "lib/cli.h"

int cmd_install(struct ctx *ctx, int argc, char **argv);

#endif
