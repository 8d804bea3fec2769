/* install.c - igdkit install */
#include "../igdkit.h"

static const char synopsis[] = "usage: igdkit install [OPTIONS]";

int cmd_install(struct ctx *ctx, int argc, char **argv)
{
	return cmd_not_implemented(ctx, synopsis, argc, argv);
}
