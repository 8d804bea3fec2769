/* tests for tools/menu/flow.c: the menu's screen order, back steps and defaults, walked
 * without a terminal the way a person walks the stick */
#include "helpers.h"

#include "menu/flow.h"

/* The whole happy path: check -> firmware -> ROM -> target -> VM -> plan -> confirm -> write ->
 * result -> home with Report preselected. */
static void test_happy_path(void **state)
{
	(void)state;
	struct menu_flow f;
	menu_flow_init(&f, false, true);
	assert_int_equal(menu_flow_start(&f), MS_CHECK);
	assert_int_equal(menu_flow_suggest(&f), MI_CHECK);
	f.checked = f.host_ready = true;
	assert_int_equal(menu_flow_next(&f, MS_CHECK, MK_OK), MS_FIRMWARE);
	assert_int_equal(menu_flow_suggest(&f), MI_FIRMWARE);
	f.firmware_picked = true;
	assert_int_equal(menu_flow_next(&f, MS_FIRMWARE, MK_OK), MS_ROM);
	assert_int_equal(menu_flow_suggest(&f), MI_ROM);
	f.rom_ready = true;
	assert_int_equal(menu_flow_next(&f, MS_ROM, MK_OK), MS_TARGET);
	assert_int_equal(menu_flow_suggest(&f), MI_INSTALL);
	f.target_picked = true;
	assert_int_equal(menu_flow_next(&f, MS_TARGET, MK_OK), MS_VM);
	f.vm_picked = true;
	assert_int_equal(menu_flow_next(&f, MS_VM, MK_OK), MS_PLAN);
	f.plan_has_changes = true;
	assert_int_equal(menu_flow_next(&f, MS_PLAN, MK_OK), MS_CONFIRM);
	assert_int_equal(menu_flow_next(&f, MS_CONFIRM, MK_OK), MS_WRITE);
	assert_int_equal(menu_flow_next(&f, MS_WRITE, MK_OK), MS_RESULT);
	assert_true(f.written);
	assert_int_equal(menu_flow_next(&f, MS_RESULT, MK_OK), MS_HOME);
	assert_int_equal(f.home_item, MI_REPORT);
	assert_int_equal(menu_flow_open(&f, MI_REPORT), MS_REPORT);
	assert_int_equal(menu_flow_next(&f, MS_REPORT, MK_OK), MS_HOME);
}

/* "Write these changes?" defaults to No, and No or Esc goes back to the plan: only an explicit
 * Yes reaches the write screen. */
static void test_confirm_never_writes_by_default(void **state)
{
	(void)state;
	struct menu_flow f;
	menu_flow_init(&f, false, true);
	assert_false(menu_flow_confirm_default());
	f.plan_has_changes = f.vm_picked = f.target_picked = true;
	assert_int_equal(menu_flow_next(&f, MS_CONFIRM, MK_BACK), MS_PLAN);
	assert_int_equal(menu_flow_next(&f, MS_CONFIRM, MK_EXTRA), MS_PLAN);
	assert_int_equal(menu_flow_next(&f, MS_CONFIRM, MK_FAIL), MS_PLAN);
	assert_false(f.written);
	/* Shell from the question comes back to the question, not to the write */
	assert_int_equal(menu_flow_next(&f, MS_CONFIRM, MK_SHELL), MS_SHELL);
	assert_int_equal(menu_flow_next(&f, MS_SHELL, MK_OK), MS_CONFIRM);
	/* a failed write is not "written": the home screen still suggests the install */
	f.rom_ready = f.checked = true;
	assert_int_equal(menu_flow_next(&f, MS_WRITE, MK_FAIL), MS_RESULT);
	assert_false(f.written);
	assert_int_equal(menu_flow_next(&f, MS_RESULT, MK_OK), MS_HOME);
	assert_int_equal(f.home_item, MI_INSTALL);
}

/* Every screen has a way back, and Esc walks the install steps backwards to the home screen. */
static void test_back_from_every_screen(void **state)
{
	(void)state;
	struct menu_flow f;
	menu_flow_init(&f, false, true);
	static const struct {
		enum menu_screen from, to;
	} back[] = {
		{ MS_CHECK, MS_HOME }, { MS_FIRMWARE, MS_CHECK }, { MS_ROM, MS_FIRMWARE }, { MS_TARGET, MS_HOME },
		{ MS_VM, MS_TARGET }, { MS_NEW_VM, MS_VM }, { MS_PLAN, MS_VM }, { MS_CONFIRM, MS_PLAN },
		{ MS_REPAIR, MS_HOME }, { MS_REPORT, MS_HOME }, { MS_POWEROFF, MS_HOME }, { MS_RESULT, MS_HOME },
		{ MS_HOME, MS_HOME },
	};
	for (size_t i = 0; i < sizeof(back) / sizeof(back[0]); i++) {
		enum menu_screen got = menu_flow_next(&f, back[i].from, MK_BACK);
		if (got != back[i].to)
			fail_msg("Esc on %s went to %s, expected %s", menu_screen_name(back[i].from), menu_screen_name(got),
				 menu_screen_name(back[i].to));
	}
	/* the shell returns to the screen it was opened from, on every screen but the write */
	for (int s = MS_CHECK; s <= MS_POWEROFF; s++) {
		if (s == MS_SHELL)
			continue;
		assert_int_equal(menu_flow_next(&f, (enum menu_screen)s, MK_SHELL), MS_SHELL);
		enum menu_screen want = s == MS_WRITE ? MS_RESULT : (enum menu_screen)s;
		assert_int_equal(menu_flow_next(&f, MS_SHELL, MK_OK), want);
	}
}

/* Steps that cannot go on stay or lead to where the missing input comes from. */
static void test_missing_inputs(void **state)
{
	(void)state;
	struct menu_flow f;
	menu_flow_init(&f, false, true);
	/* ROM from the home screen without a firmware: pick the firmware first */
	assert_int_equal(menu_flow_open(&f, MI_ROM), MS_FIRMWARE);
	f.firmware_picked = true;
	assert_int_equal(menu_flow_open(&f, MI_ROM), MS_ROM);
	/* a firmware that gave no usable ROM: back to the firmware list */
	assert_int_equal(menu_flow_next(&f, MS_ROM, MK_OK), MS_FIRMWARE);
	assert_int_equal(menu_flow_next(&f, MS_ROM, MK_FAIL), MS_FIRMWARE);
	/* nothing picked on the firmware screen (shadow VBIOS missing): stay */
	f.firmware_picked = false;
	assert_int_equal(menu_flow_next(&f, MS_FIRMWARE, MK_FAIL), MS_FIRMWARE);
	/* no install found: home */
	assert_int_equal(menu_flow_next(&f, MS_TARGET, MK_FAIL), MS_HOME);
	/* "New VM" on the VM list, and back from it */
	assert_int_equal(menu_flow_next(&f, MS_VM, MK_EXTRA), MS_NEW_VM);
	assert_int_equal(menu_flow_next(&f, MS_NEW_VM, MK_BACK), MS_VM);
	f.vm_picked = true;
	assert_int_equal(menu_flow_next(&f, MS_NEW_VM, MK_OK), MS_PLAN);
	/* a plan without changes ends at home, never at the question */
	f.plan_has_changes = false;
	assert_int_equal(menu_flow_next(&f, MS_PLAN, MK_OK), MS_HOME);
	/* a check that needs fixes can still be passed, and its "save" stays on the verdicts */
	f.checked = true;
	assert_int_equal(menu_flow_next(&f, MS_CHECK, MK_EXTRA), MS_CHECK);
	assert_int_equal(menu_flow_next(&f, MS_CHECK, MK_OK), MS_FIRMWARE);
}

/* Opening the install again starts from the target pick; a new firmware makes the ROM stale. */
static void test_stale_choices_are_dropped(void **state)
{
	(void)state;
	struct menu_flow f;
	menu_flow_init(&f, false, true);
	f.checked = f.firmware_picked = f.rom_ready = f.target_picked = f.vm_picked = f.plan_has_changes = true;
	assert_int_equal(menu_flow_open(&f, MI_INSTALL), MS_TARGET);
	assert_false(f.target_picked);
	assert_false(f.vm_picked);
	assert_false(f.plan_has_changes);
	assert_true(f.rom_ready);
	f.vm_picked = f.plan_has_changes = true;
	assert_int_equal(menu_flow_next(&f, MS_FIRMWARE, MK_OK), MS_ROM);
	assert_false(f.rom_ready);
	assert_false(f.vm_picked);
}

static void test_home_entries(void **state)
{
	(void)state;
	struct menu_flow f;
	menu_flow_init(&f, false, false);
	assert_false(menu_flow_item_shown(&f, MI_QUIT));
	assert_int_equal(menu_flow_open(&f, MI_QUIT), MS_HOME);
	menu_flow_init(&f, false, true);
	assert_true(menu_flow_item_shown(&f, MI_QUIT));
	assert_int_equal(menu_flow_open(&f, MI_QUIT), MS_QUIT);
	assert_true(menu_flow_item_shown(&f, MI_REPAIR));
	/* without the repair engine the entry only says so */
	assert_int_equal(menu_flow_open(&f, MI_REPAIR), MS_REPAIR);
	assert_int_equal(menu_flow_next(&f, MS_REPAIR, MK_OK), MS_HOME);
	assert_int_equal(menu_flow_open(&f, MI_SHELL), MS_SHELL);
	assert_int_equal(menu_flow_next(&f, MS_SHELL, MK_OK), MS_HOME);
	assert_int_equal(menu_flow_open(&f, MI_POWEROFF), MS_POWEROFF);
	assert_string_equal(menu_screen_name(MS_CONFIRM), "confirm");
}

/* Repair: the install's target pick, then the findings, the same final question and write. */
static void test_repair_path(void **state)
{
	(void)state;
	struct menu_flow f;
	menu_flow_init(&f, true, true);
	f.checked = true;
	assert_int_equal(menu_flow_open(&f, MI_REPAIR), MS_TARGET);
	assert_true(f.repairing);
	f.target_picked = true;
	assert_int_equal(menu_flow_next(&f, MS_TARGET, MK_OK), MS_REPAIR);
	assert_int_equal(menu_flow_next(&f, MS_REPAIR, MK_BACK), MS_TARGET);
	f.target_picked = true;
	assert_int_equal(menu_flow_next(&f, MS_TARGET, MK_OK), MS_REPAIR);
	f.plan_has_changes = true;
	assert_int_equal(menu_flow_next(&f, MS_REPAIR, MK_OK), MS_CONFIRM);
	/* No or Esc at the question: back to the findings, nothing written */
	assert_int_equal(menu_flow_next(&f, MS_CONFIRM, MK_BACK), MS_REPAIR);
	assert_int_equal(menu_flow_next(&f, MS_REPAIR, MK_OK), MS_CONFIRM);
	assert_int_equal(menu_flow_next(&f, MS_CONFIRM, MK_OK), MS_WRITE);
	assert_int_equal(menu_flow_next(&f, MS_WRITE, MK_OK), MS_RESULT);
	assert_int_equal(menu_flow_next(&f, MS_RESULT, MK_OK), MS_HOME);
	assert_int_equal(f.home_item, MI_REPORT);
	/* nothing to fix automatically: home */
	f.plan_has_changes = false;
	assert_int_equal(menu_flow_next(&f, MS_REPAIR, MK_OK), MS_HOME);
	/* the install afterwards goes to the VM pick again */
	assert_int_equal(menu_flow_open(&f, MI_INSTALL), MS_TARGET);
	f.target_picked = true;
	assert_int_equal(menu_flow_next(&f, MS_TARGET, MK_OK), MS_VM);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_happy_path), cmocka_unit_test(test_confirm_never_writes_by_default),
	  cmocka_unit_test(test_back_from_every_screen), cmocka_unit_test(test_missing_inputs),
	  cmocka_unit_test(test_stale_choices_are_dropped), cmocka_unit_test(test_home_entries),
	  cmocka_unit_test(test_repair_path))
