/* cmd_rom.c - igdkit rom: nested table of build | check | make | vbios | flash */
#include "rom/rom.h"

#include <string.h>

static const struct {
	const char *name;
	int (*fn)(struct ctx *, int, char **);
	const char *summary;
} rom_cmds[] = {
	{ "build", cmd_rom_build, "wrap EFI drivers (and a legacy VBIOS) into a PCI option ROM" },
	{ "check", cmd_rom_check, "validate every image in an option ROM (superset of rom-parser)" },
	{ "make", cmd_rom_make, "firmware image in, checked igd.rom out, in one step" },
	{ "vbios", cmd_rom_vbios, "save the legacy VBIOS this machine's BIOS shadowed (CSM boots)" },
	{ "flash", cmd_rom_flash, "save this machine's BIOS region, read from its SPI flash" },
};

static void rom_usage(FILE *f)
{
	fprintf(f, "usage: igdkit rom build|check|make|vbios|flash [OPTIONS]\n\n");
	for (size_t i = 0; i < sizeof(rom_cmds) / sizeof(rom_cmds[0]); i++)
		fprintf(f, "  %-6s %s\n", rom_cmds[i].name, rom_cmds[i].summary);
	fprintf(f, "\nCommon options: --json, -v, -q. 'igdkit rom SUBCOMMAND --help' for the rest.\n");
}

int cmd_rom(struct ctx *ctx, int argc, char **argv)
{
	if (argc < 1) {
		rom_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
		rom_usage(stdout);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(rom_cmds) / sizeof(rom_cmds[0]); i++) {
		if (!strcmp(argv[0], rom_cmds[i].name)) {
			static char name[32];
			snprintf(name, sizeof(name), "rom %s", rom_cmds[i].name);
			ctx->cmd = name;
			return rom_cmds[i].fn(ctx, argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "igdkit rom: '%s' is not a rom subcommand (build, check, make, vbios, flash)\n", argv[0]);
	return EXIT_USAGE;
}
