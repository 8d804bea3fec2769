/* cmd.c - the subcommand table (cbfstool style: each row says what the command may touch) */
#include "igdkit.h"

#include <stddef.h>

const struct cmd igdkit_cmds[] = {
	{ "check", cmd_check, CMD_READS_HOST, "prove every IGD passthrough prerequisite of this machine" },
	{ "fw", cmd_fw, 0, "walk a firmware image; extract the GOP driver, VBT or VBIOS" },
	{ "rom", cmd_rom, 0, "build, check or make an igd.rom option ROM" },
	{ "install", cmd_install, CMD_READS_HOST | CMD_WRITES, "write the Proxmox passthrough setup onto an installed host (diff, backup, undo)" },
	{ "repair", cmd_repair, CMD_WRITES, "bring back a Proxmox host that no longer boots after a passthrough change" },
	{ "menu", cmd_menu, CMD_READS_HOST | CMD_WRITES, "guided menu: check -> firmware -> rom -> install, repair, report" },
	{ "report", cmd_report, CMD_READS_HOST, "one text file for a forum post: check, ROM, plan, what was written, logs (masked)" },
};
const size_t igdkit_ncmds = sizeof(igdkit_cmds) / sizeof(igdkit_cmds[0]);
