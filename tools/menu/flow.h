/* flow.h - the menu's flow as plain data: which screen follows which, with which defaults
 *
 * The libdialog screens (menu.c) only draw and read keys; every decision about where the
 * person goes next is made here, so the unit tests walk the whole flow without a terminal.
 */
#ifndef IGDKIT_MENU_FLOW_H
#define IGDKIT_MENU_FLOW_H

#include <stdbool.h>

enum menu_screen {
	MS_HOME,	/* the step list: check, firmware, ROM, install, repair, report, shell, power off */
	MS_CHECK,	/* the verdicts, one per line; Enter shows evidence and advice */
	MS_FIRMWARE,	/* firmware files found, or "from this machine" */
	MS_ROM,		/* rom make for this iGPU, its check verdict, save to the stick */
	MS_TARGET,	/* the Proxmox VE installs found on the disks */
	MS_VM,		/* the VMs of that install, or a new one */
	MS_NEW_VM,	/* VMID and name of the new VM */
	MS_PLAN,	/* the plan and the diff, scrollable */
	MS_CONFIRM,	/* "Write these changes?", default No */
	MS_WRITE,	/* apply, then rebuild, with a gauge */
	MS_RESULT,	/* what was written and how to undo it */
	MS_REPAIR,	/* repair's findings and their diff (or "not available" without the engine) */
	MS_REPORT,	/* the forum report on the IGDKIT partition */
	MS_SHELL,	/* a root shell; the flow resumes where it was */
	MS_POWEROFF,	/* asks, then powers the machine off */
	MS_QUIT,	/* leave the menu (to the shell that started it) */
};

/* What the person did on a screen. */
enum menu_key {
	MK_OK,		/* Enter on the default button / the chosen item */
	MK_BACK,	/* Esc, or the Back / No button */
	MK_EXTRA,	/* the screen's extra button (check: save report; VM: new VM) */
	MK_SHELL,	/* the Shell button every screen carries */
	MK_FAIL,	/* the screen's work failed (its message was shown) */
};

/* The entries of the home screen, in display order. */
enum menu_item {
	MI_CHECK, MI_FIRMWARE, MI_ROM, MI_INSTALL, MI_REPAIR, MI_REPORT, MI_SHELL, MI_POWEROFF, MI_QUIT,
	MI_COUNT
};

struct menu_flow {
	/* what is known so far; the screens set these */
	bool checked;		/* the verdicts were read */
	bool host_ready;	/* no verdict says "fix" */
	bool firmware_picked;	/* a firmware image (file or this machine's) is chosen */
	bool rom_ready;		/* a ROM was made and passed its check */
	bool target_picked;
	bool vm_picked;		/* an existing VM or a new one */
	bool plan_has_changes;
	bool written;		/* the last write went through */
	bool repair_available;	/* the repair engine is in this build */
	bool can_quit;		/* started from a shell: "leave" is offered */
	bool repairing;		/* the target pick leads to repair's findings, not to the VM pick */
	/* where the flow is */
	enum menu_screen resume;	/* screen to return to after MS_SHELL */
	enum menu_item home_item;	/* preselected entry when MS_HOME shows */
};

void menu_flow_init(struct menu_flow *f, bool repair_available, bool can_quit);
/* The first screen after start: the check verdicts. */
enum menu_screen menu_flow_start(struct menu_flow *f);
/* The screen after cur when the person did k. */
enum menu_screen menu_flow_next(struct menu_flow *f, enum menu_screen cur, enum menu_key k);
/* The screen a home entry opens. */
enum menu_screen menu_flow_open(struct menu_flow *f, enum menu_item it);
/* The next step that fits what is known (the home screen's preselected entry). */
enum menu_item menu_flow_suggest(const struct menu_flow *f);
/* Whether an entry is shown on the home screen (quit only when started from a shell). */
bool menu_flow_item_shown(const struct menu_flow *f, enum menu_item it);
/* The final write question's default answer: always No, so Enter or Esc writes nothing. */
bool menu_flow_confirm_default(void);
/* Going back past this screen throws away what the later steps chose (a new target means the
 * VM pick and plan are stale). */
void menu_flow_forget_after(struct menu_flow *f, enum menu_screen s);
const char *menu_screen_name(enum menu_screen s);

#endif
