/* check.h - igdkit check: the verdicts and the plan for this machine, printed */
#ifndef IGDKIT_CHECK_CMD_H
#define IGDKIT_CHECK_CMD_H

#include "lib/cli.h"

int cmd_check(struct ctx *ctx, int argc, char **argv);

#endif
