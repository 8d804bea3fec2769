/* menu.h - igdkit menu: the guided front end of the stick */
#ifndef IGDKIT_MENU_CMD_H
#define IGDKIT_MENU_CMD_H

#include "lib/cli.h"

int cmd_menu(struct ctx *ctx, int argc, char **argv);

#endif
