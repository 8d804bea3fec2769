/* menu.c - igdkit menu */
#include "menu/menu.h"

static const char synopsis[] = "usage: igdkit menu [OPTIONS]";

int cmd_menu(struct ctx *ctx, int argc, char **argv)
{
	return cmd_not_implemented(ctx, synopsis, argc, argv);
}
