/* flow.c - the menu's flow: screen order, back steps and defaults (no terminal here) */
#include "menu/flow.h"

#include <string.h>

void menu_flow_init(struct menu_flow *f, bool repair_available, bool can_quit)
{
	memset(f, 0, sizeof(*f));
	f->repair_available = repair_available;
	f->can_quit = can_quit;
	f->resume = MS_HOME;
	f->home_item = MI_CHECK;
}

enum menu_screen menu_flow_start(struct menu_flow *f)
{
	/* The verdicts come first: whether this box can pass the iGPU through at all decides
	 * everything after. */
	f->resume = MS_CHECK;
	return MS_CHECK;
}

enum menu_item menu_flow_suggest(const struct menu_flow *f)
{
	if (!f->checked)
		return MI_CHECK;
	if (f->written)
		return MI_REPORT;
	if (!f->rom_ready)
		return f->firmware_picked ? MI_ROM : MI_FIRMWARE;
	return MI_INSTALL;
}

bool menu_flow_item_shown(const struct menu_flow *f, enum menu_item it)
{
	if (it == MI_QUIT)
		return f->can_quit;
	return it < MI_COUNT;
}

bool menu_flow_confirm_default(void)
{
	return false;
}

void menu_flow_forget_after(struct menu_flow *f, enum menu_screen s)
{
	switch (s) {
	case MS_FIRMWARE:
		f->rom_ready = false;
		/* fall through */
	case MS_ROM:
	case MS_TARGET:
		f->vm_picked = false;
		/* fall through */
	case MS_VM:
	case MS_NEW_VM:
		f->plan_has_changes = false;
		break;
	default:
		break;
	}
}

static enum menu_screen go_home(struct menu_flow *f)
{
	f->home_item = menu_flow_suggest(f);
	return MS_HOME;
}

enum menu_screen menu_flow_open(struct menu_flow *f, enum menu_item it)
{
	switch (it) {
	case MI_CHECK:
		return MS_CHECK;
	case MI_FIRMWARE:
		return MS_FIRMWARE;
	case MI_ROM:
		/* a ROM is made from a firmware image: without one, pick it first */
		return f->firmware_picked ? MS_ROM : MS_FIRMWARE;
	case MI_INSTALL:
		f->repairing = false;
		f->target_picked = f->vm_picked = f->plan_has_changes = false;
		return MS_TARGET;
	case MI_REPAIR:
		/* the same target pick as the install, then the findings */
		f->repairing = f->repair_available;
		f->target_picked = f->vm_picked = f->plan_has_changes = false;
		return f->repair_available ? MS_TARGET : MS_REPAIR;
	case MI_REPORT:
		return MS_REPORT;
	case MI_SHELL:
		f->resume = MS_HOME;
		return MS_SHELL;
	case MI_POWEROFF:
		return MS_POWEROFF;
	case MI_QUIT:
		return f->can_quit ? MS_QUIT : MS_HOME;
	case MI_COUNT:
		break;
	}
	return MS_HOME;
}

enum menu_screen menu_flow_next(struct menu_flow *f, enum menu_screen cur, enum menu_key k)
{
	if (k == MK_SHELL && cur != MS_SHELL) {
		f->resume = cur == MS_WRITE ? MS_RESULT : cur;	/* never re-run a write */
		return MS_SHELL;
	}
	switch (cur) {
	case MS_HOME:
		return MS_HOME;	/* the home screen maps its entries through menu_flow_open */
	case MS_CHECK:
		if (k == MK_OK)
			return MS_FIRMWARE;
		if (k == MK_EXTRA)
			return MS_CHECK;	/* report saved; stay on the verdicts */
		return go_home(f);
	case MS_FIRMWARE:
		if (k == MK_OK && f->firmware_picked) {
			menu_flow_forget_after(f, MS_FIRMWARE);
			return MS_ROM;
		}
		if (k == MK_OK || k == MK_FAIL)
			return MS_FIRMWARE;
		return MS_CHECK;
	case MS_ROM:
		if (k == MK_OK && f->rom_ready)
			return MS_TARGET;
		if (k == MK_OK || k == MK_FAIL || k == MK_BACK)
			return MS_FIRMWARE;	/* no usable ROM from this image: pick another */
		return MS_ROM;
	case MS_TARGET:
		if (k == MK_OK && f->target_picked) {
			menu_flow_forget_after(f, MS_TARGET);
			return f->repairing ? MS_REPAIR : MS_VM;
		}
		return go_home(f);	/* back, or no install found */
	case MS_VM:
		if (k == MK_OK && f->vm_picked)
			return MS_PLAN;
		if (k == MK_EXTRA)
			return MS_NEW_VM;
		return MS_TARGET;
	case MS_NEW_VM:
		if (k == MK_OK && f->vm_picked)
			return MS_PLAN;
		return MS_VM;
	case MS_PLAN:
		if (k == MK_OK && f->plan_has_changes)
			return MS_CONFIRM;
		if (k == MK_OK)
			return go_home(f);	/* nothing to change: the install already has it all */
		return MS_VM;
	case MS_CONFIRM:
		/* only an explicit Yes writes; No and Esc go back to the plan with the disk untouched */
		if (k == MK_OK)
			return MS_WRITE;
		return f->repairing ? MS_REPAIR : MS_PLAN;
	case MS_WRITE:
		f->written = k == MK_OK;
		return MS_RESULT;
	case MS_RESULT:
		return go_home(f);
	case MS_REPAIR:
		if (!f->repairing)
			return go_home(f);	/* the "not available" note */
		if (k == MK_OK && f->plan_has_changes)
			return MS_CONFIRM;
		if (k == MK_OK)
			return go_home(f);	/* nothing igdkit can fix by itself */
		return MS_TARGET;
	case MS_REPORT:
	case MS_POWEROFF:
		return go_home(f);
	case MS_SHELL:
		return f->resume;
	case MS_QUIT:
		return MS_QUIT;
	}
	return go_home(f);
}

const char *menu_screen_name(enum menu_screen s)
{
	static const char *const names[] = {
		[MS_HOME] = "home", [MS_CHECK] = "check", [MS_FIRMWARE] = "firmware", [MS_ROM] = "rom",
		[MS_TARGET] = "target", [MS_VM] = "vm", [MS_NEW_VM] = "new-vm", [MS_PLAN] = "plan",
		[MS_CONFIRM] = "confirm", [MS_WRITE] = "write", [MS_RESULT] = "result", [MS_REPAIR] = "repair",
		[MS_REPORT] = "report", [MS_SHELL] = "shell", [MS_POWEROFF] = "poweroff", [MS_QUIT] = "quit",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) && names[s] ? names[s] : "?";
}
