/* cmd_report.h - igdkit report: the forum report as a command */
#ifndef IGDKIT_REPORT_CMD_REPORT_H
#define IGDKIT_REPORT_CMD_REPORT_H

#include "lib/cli.h"

int cmd_report(struct ctx *ctx, int argc, char **argv);

#endif
