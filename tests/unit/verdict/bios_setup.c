/* tests for tools/verdict/bios_setup.c (and fw/setup_settings.c): the real Setup modules of the
 * fixture boards (ifr/<board>/, offsets from their expected.json) against synthetic efivars trees
 * with chosen values, read through host/efivars.h efivar_read; the values as evidence, the
 * contradictions with the hardware, and what cannot be read */
#include "scenario.h"

#include <stdarg.h>

#include "verdict/bios_setup.h"
#include "verdict/verdict.h"

#define IVB "hw/ivb-dell-latitude-e6430-nvs/pci-host-igd.dump"
#define DELL "ifr/kbl-r-dell-inspiron-5370/Setup.pe32.sct"
#define RAZER "ifr/icl-razer-blade-stealth-13-2020/Setup.pe32.sct"
#define HP "ifr/cfl-hp-zhan-99-pro-g1-mt/Setup.ffs"
#define SETUP_GUID "ec87d643-eba4-4bb5-a1e5-3f3e36b20da9"
#define SASETUP_GUID "72c5e28c-7783-43a1-8767-fad73fccafa4"

struct world {
	struct host_data c;
	struct verdict_list l;
	struct bios_setup b;
};

/* An efivarfs file: the attribute word, then data. */
static void put_var(const char *name, const char *guid, uint32_t attr, const uint8_t *data, size_t len)
{
	char rel[300];
	uint8_t *f = malloc(len + 4);
	f[0] = (uint8_t)attr, f[1] = (uint8_t)(attr >> 8), f[2] = f[3] = 0;
	memcpy(f + 4, data, len);
	snprintf(rel, sizeof(rel), "sys/firmware/efi/efivars/%s-%s", name, guid);
	scn_write(unit_dir, rel, f, len + 4);
	free(f);
}

/* A variable of `size` zero bytes with chosen bytes: pairs of (offset, value), ending with -1. */
static void put_setup(const char *name, const char *guid, size_t size, ...)
{
	uint8_t *d = calloc(1, size);
	va_list ap;
	va_start(ap, size);
	for (int off; (off = va_arg(ap, int)) >= 0;)
		d[off] = (uint8_t)va_arg(ap, int);
	va_end(ap);
	put_var(name, guid, 7, d, size);
	free(d);
}

static void build(const struct scn *s, const char *bios_version)
{
	rm_rf(unit_dir);
	scn_build(unit_dir, s);
	if (bios_version)
		scn_text(unit_dir, "sys/class/dmi/id/bios_version", bios_version);
}

static void run(struct world *w, const char *dump, const char *firmware)
{
	struct diag d;
	diag_init(&d);
	memset(w, 0, sizeof(*w));
	assert_int_equal(host_collect(unit_dir, dump[0] == '/' ? dump : fixture_path(dump), &w->c, &d), 0);
	diag_free(&d);
	check_all(&w->c, &w->l);
	assert_int_equal(bios_setup_collect(&w->c.host, firmware ? fixture_path(firmware) : NULL, NULL, &w->b), 0);
	check_bios_setup(&w->c, &w->b, &w->l);
}

static void done(struct world *w)
{
	bios_setup_free(&w->b);
	host_data_free(&w->c);
}

static const struct verdict *verdict(const struct world *w, const char *id)
{
	const struct verdict *v = verdict_find(&w->l, id);
	if (!v)
		fail_msg("no verdict %s", id);
	return v;
}

static void has(const char *text, const char *needle)
{
	if (!strstr(text, needle))
		fail_msg("'%s' lacks '%s'", text, needle);
}

static const struct setup_setting *setting(const struct world *w, const char *key)
{
	for (size_t i = 0; i < w->b.set.n; i++)
		if (!strcmp(w->b.set.v[i].key, key))
			return &w->b.set.v[i];
	fail_msg("no setting %s", key);
	return NULL;
}

/* Dell 5370 (expected.json): Setup 0x14fb bytes; VT-d 0x7ec, CSM Support 0x104a, Primary Display 0x80d,
   Internal Graphics 0x813, Above 4GB MMIO 0x7ed, CFG Lock 0x527. */
static void test_dell_values_agree(void **state)
{
	(void)state;
	struct scn s = scn_all_ok();
	build(&s, "1.22.0\n");
	put_setup("Setup", SETUP_GUID, 0x14fb, 0x7ec, 1, 0x104a, 0, 0x80d, 0, 0x813, 1, 0x7ed, 1, 0x527, 0, -1);
	struct world *w = calloc(1, sizeof(*w));
	run(w, IVB, DELL);
	assert_true(w->b.used);
	assert_int_equal(w->b.set.n, 6);
	assert_int_equal(w->b.set.nabsent, 2);
	assert_string_equal(w->b.set.absent[0], "igpu_multi_monitor");
	assert_string_equal(w->b.set.absent[1], "above_4g_decoding");
	const struct setup_setting *vtd = setting(w, "vtd");
	assert_int_equal(vtd->v.status, SV_OK);
	assert_int_equal(vtd->v.value, 1);
	assert_string_equal(vtd->v.text, "Enabled");
	assert_int_equal(vtd->v.attr, 7);
	assert_string_equal(setting(w, "internal_graphics")->v.text, "Enabled");
	assert_string_equal(setting(w, "above_4gb_mmio_bios_assignment")->v.text, "Enabled");
	assert_string_equal(setting(w, "cfg_lock")->v.text, "Disabled");
	assert_int_equal(verdict(w, "vtd")->status, V_OK);
	has(verdict(w, "vtd")->evidence, "; BIOS Setup: Setup(EC87D643-\u2026)+0x7EC = 1 \"Enabled\" (VT-d)");
	assert_null(strstr(verdict(w, "vtd")->evidence, "contradiction"));
	assert_int_equal(verdict(w, "boot_mode")->status, V_OK);
	has(verdict(w, "boot_mode")->evidence, "UEFI boot (/sys/firmware/efi present), CSM disabled according to the BIOS Setup");
	has(verdict(w, "boot_mode")->evidence, "Setup(EC87D643-\u2026)+0x104A = 0 \"Disabled\" (CSM Support)");
	has(verdict(w, "primary")->evidence, "+0x80D = 0 \"IGFX\" (Primary Display)");
	has(verdict(w, "igd")->evidence, "+0x813 = 1 \"Enabled\" (Internal Graphics)");
	/* the Dell module names the running version string itself: the file is this BIOS */
	assert_int_equal(w->b.same_bios, TRI_YES);
	assert_int_equal(verdict(w, "bios_setup")->status, V_OK);
	has(verdict(w, "bios_setup")->evidence, "Setup.pe32.sct (PE32 image section): 6 passthrough settings, 6 read");
	char src[700], want[700];
	snprintf(want, sizeof(want), "%s/sys/firmware/efi/efivars/Setup-" SETUP_GUID, unit_dir);
	assert_string_equal(bios_setting_source(&w->b, vtd, src, sizeof(src)), want);
	done(w);
	free(w);
}

static void test_vtd_contradictions_and_advice(void **state)
{
	(void)state;
	struct world *w = calloc(1, sizeof(*w));
	/* Setup says Disabled, no DMAR: the fix names the option with its form path */
	struct scn s = scn_all_ok();
	s.no_dmar = true;
	s.no_iommu = true;
	build(&s, "1.22.0");
	put_setup("Setup", SETUP_GUID, 0x14fb, 0x7ec, 0, -1);
	run(w, IVB, DELL);
	assert_int_equal(verdict(w, "vtd")->status, V_FIX);
	assert_string_equal(verdict(w, "vtd")->advice,
			    "in the BIOS setup set \"VT-d\" to \"Enabled\" (Setup > Chipset > System Agent (SA) Configuration > "
			    "VT-d; it is \"Disabled\" now); without VT-d nothing can be passed through");
	assert_null(strstr(verdict(w, "vtd")->evidence, "contradiction"));
	done(w);

	/* Setup says Enabled, no DMAR: said, not hidden */
	put_setup("Setup", SETUP_GUID, 0x14fb, 0x7ec, 1, -1);
	run(w, IVB, DELL);
	assert_int_equal(verdict(w, "vtd")->status, V_FIX);
	has(verdict(w, "vtd")->evidence, "contradiction: Setup says \"Enabled\" but the firmware installed no DMAR table");
	has(verdict(w, "vtd")->advice, "\"VT-d\" is already \"Enabled\" in the BIOS setup (Setup > Chipset > System Agent "
				       "(SA) Configuration > VT-d), yet there is no DMAR table");
	done(w);

	/* Setup says Disabled while a DMAR table exists: the hardware wins, the doubt is said */
	s = scn_all_ok();
	build(&s, "1.22.0");
	put_setup("Setup", SETUP_GUID, 0x14fb, 0x7ec, 0, -1);
	run(w, IVB, DELL);
	assert_int_equal(verdict(w, "vtd")->status, V_OK);
	has(verdict(w, "vtd")->evidence, "contradiction: Setup says \"Disabled\" although the DMAR table is present");
	done(w);
	free(w);
}

/* Ice Lake Razer: VT-d and graphics in SaSetup (0x37c bytes: VT-d 0xa7, Primary Display 0xd9, Internal
   Graphics 0xde), CSM in Setup (0x7a0), CFG Lock in CpuSetup; only SaSetup is written. */
static void test_razer_several_variables_and_missing_ones(void **state)
{
	(void)state;
	struct world *w = calloc(1, sizeof(*w));
	struct scn s = scn_all_ok();
	build(&s, "1.04");
	put_setup("SaSetup", SASETUP_GUID, 0x37c, 0xa7, 1, 0xd9, 4, 0xde, 2, -1);
	run(w, IVB, RAZER);
	has(verdict(w, "vtd")->evidence, "SaSetup(72C5E28C-\u2026)+0xA7 = 1 \"Enabled\" (VT-d)");
	has(verdict(w, "primary")->evidence, "SaSetup(72C5E28C-\u2026)+0xD9 = 4 \"HG\" (Primary Display)");
	const struct setup_setting *csm = setting(w, "csm");
	assert_int_equal(csm->v.status, SV_MISSING);
	has(csm->v.detail, "Setup-" SETUP_GUID " is not there: absent, or not runtime-accessible");
	has(verdict(w, "boot_mode")->evidence, "Setup(EC87D643-\u2026)+0x7A0 not read: variable not found (CSM Support)");
	/* with CSM unread, boot_mode keeps its own words */
	has(verdict(w, "boot_mode")->evidence, "CSM state is not visible from a UEFI boot");
	assert_int_equal(setting(w, "cfg_lock")->v.status, SV_MISSING);
	/* a single module carries no BIOS version: not confirmed, not denied */
	assert_int_equal(w->b.same_bios, TRI_UNKNOWN);
	has(w->b.bios_note, "single module (PE32 image section)");
	assert_int_equal(verdict(w, "bios_setup")->status, V_UNKNOWN);
	has(verdict(w, "bios_setup")->evidence, "6 passthrough settings, 4 read from the UEFI variables");
	done(w);
	free(w);
}

/* A variable of another layout: a byte past its end is never guessed; a size the forms do not declare is said. */
static void test_short_and_resized_variables(void **state)
{
	(void)state;
	struct world *w = calloc(1, sizeof(*w));
	struct scn s = scn_all_ok();
	build(&s, "1.04");
	put_setup("SaSetup", SASETUP_GUID, 0xa0, -1);	/* ends before VT-d at 0xa7 */
	run(w, IVB, RAZER);
	assert_int_equal(setting(w, "vtd")->v.status, SV_SHORT);
	has(setting(w, "vtd")->v.detail, "has 160 data bytes; the question needs 0xa7+1");
	has(verdict(w, "vtd")->evidence, "+0xA7 not read: variable too short (VT-d)");
	done(w);
	put_setup("SaSetup", SASETUP_GUID, 0x400, 0xa7, 1, -1);	/* longer than the forms' 0x37c */
	run(w, IVB, RAZER);
	assert_int_equal(setting(w, "vtd")->v.status, SV_OK);
	assert_true(setting(w, "vtd")->v.size_differs);
	assert_int_equal(verdict(w, "bios_setup")->status, V_UNKNOWN);
	has(verdict(w, "bios_setup")->evidence, "a variable's size differs from what the forms declare");
	has(verdict(w, "bios_setup")->advice, "take the firmware file of exactly the running BIOS version");
	done(w);
	free(w);
}

/* HP: an FFS file (one module) with HP's own VT switch and "Legacy Support" next to AMI's questions. */
static void test_hp_analogues_and_legacy_boot(void **state)
{
	(void)state;
	struct world *w = calloc(1, sizeof(*w));
	struct scn s = scn_all_ok();
	build(&s, NULL);
	/* Setup 0x1338: VT-d 0xa18, HP VTx/VTd 0x766, CSM Support = Legacy Support 0x12fb */
	put_setup("Setup", SETUP_GUID, 0x1338, 0xa18, 1, 0x766, 1, 0x12fb, 1, -1);
	run(w, IVB, HP);
	has(verdict(w, "vtd")->evidence, "+0xA18 = 1 \"Enabled\" (VT-d); Setup(EC87D643-\u2026)+0x766 = 1 \"Enable\" "
					 "(Virtualization Technology (VTx/VTd))");
	has(verdict(w, "boot_mode")->evidence, "+0x12FB = 1 \"Enabled\" (CSM Support); Setup(EC87D643-\u2026)+0x12FB = 1 "
					       "\"Enable\" (Legacy Support)");
	assert_true(setting(w, "hp_virtualization_vtx_vtd")->analogue);
	/* no DMI in the tree: the file cannot be compared */
	assert_int_equal(w->b.same_bios, TRI_UNKNOWN);
	has(w->b.bios_note, "not readable (/sys/class/dmi/id/bios_version)");
	done(w);

	/* a legacy boot: no UEFI variables at all, every place still named */
	s.legacy_boot = true;
	build(&s, "F.20");
	run(w, IVB, HP);
	assert_int_equal(setting(w, "vtd")->v.status, SV_UNREADABLE);
	has(setting(w, "vtd")->v.detail, "efivarfs not mounted");
	has(verdict(w, "vtd")->evidence, "Setup(EC87D643-\u2026)+0xA18 not read: variable unreadable (VT-d)");
	assert_int_equal(verdict(w, "bios_setup")->status, V_UNKNOWN);
	has(verdict(w, "bios_setup")->evidence, "legacy boot: Linux sees no UEFI variables");
	done(w);
	free(w);
}

/* The password store is never read: a FIFO in its place would hang any reader. */
static void test_password_variable_never_touched(void **state)
{
	(void)state;
	struct world *w = calloc(1, sizeof(*w));
	struct scn s = scn_all_ok();
	build(&s, "1.22.0");
	put_setup("Setup", SETUP_GUID, 0x14fb, 0x7ec, 1, -1);
	char p[700];
	snprintf(p, sizeof(p), "%s/sys/firmware/efi/efivars/AMITSESetup-c811fa38-42c8-4579-a9bb-60e94eddfb34", unit_dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	run(w, IVB, DELL);
	assert_string_equal(setting(w, "vtd")->v.text, "Enabled");
	for (size_t i = 0; i < w->b.set.n; i++)
		assert_null(strstr(w->b.set.v[i].v.var, "AMITSE"));
	done(w);
	free(w);
}

/* cfl-ecs: a dGPU and no device at 00:02.0; the fix names Internal Graphics with its path. */
static void test_igd_hidden_internal_graphics(void **state)
{
	(void)state;
	struct world *w = calloc(1, sizeof(*w));
	struct scn s = scn_all_ok();
	s.machine = "cfl-ecs-h310ch5-es-nvidia";
	build(&s, "1.22.0");
	put_setup("Setup", SETUP_GUID, 0x14fb, 0x7ec, 1, 0x813, 2, 0x80d, 1, -1);
	run(w, "hw/cfl-ecs-h310ch5-es-nvidia/lspci-full.dump", DELL);
	assert_int_equal(verdict(w, "igd")->status, V_FIX);
	has(verdict(w, "igd")->evidence, "+0x813 = 2 \"Auto\" (Internal Graphics)");
	assert_string_equal(verdict(w, "igd")->advice,
			    "in the BIOS setup set \"Internal Graphics\" to \"Enabled\" (Setup > Chipset > System Agent (SA) "
			    "Configuration > Graphics Configuration > Internal Graphics; it is \"Auto\" now): with it the iGPU "
			    "stays on next to a discrete GPU");
	done(w);
	/* Enabled, yet no iGPU: a contradiction */
	put_setup("Setup", SETUP_GUID, 0x14fb, 0x813, 1, -1);
	run(w, "hw/cfl-ecs-h310ch5-es-nvidia/lspci-full.dump", DELL);
	has(verdict(w, "igd")->evidence, "contradiction: Setup says \"Enabled\" but there is no iGPU at 00:02.0");
	done(w);
	free(w);
}

/* The IVB dump turned into a non-primary IGD (class 0x038000, GGC.IVD): Primary Display decides the fix. */
static void test_primary_display(void **state)
{
	(void)state;
	struct world *w = calloc(1, sizeof(*w));
	struct scn s = scn_all_ok();
	s.boot_vga = -1;
	build(&s, "1.22.0");
	struct file_buf fb = fixture_read(IVB);
	char *t = calloc(1, fb.len + 1);
	memcpy(t, fb.data, fb.len);
	char *igd = strstr(t, "\n00:02.0 ");
	char *l0 = strstr(igd, "\n00: 86 80 66 01 07 04 90 00 09 00 00 03");
	char *l5 = strstr(igd, "\n50: 09 02");
	memcpy(l0 + strlen("\n00: 86 80 66 01 07 04 90 00 09 00 "), "80", 2);
	memcpy(l5 + strlen("\n50: "), "0b", 2);
	char dump[700];
	snprintf(dump, sizeof(dump), "%s/ivb-0380.dump", unit_dir);
	write_file(dump, t, fb.len);
	put_setup("Setup", SETUP_GUID, 0x14fb, 0x80d, 1, -1);
	run(w, dump, DELL);
	assert_int_equal(verdict(w, "primary")->status, V_FIX);
	assert_string_equal(verdict(w, "primary")->advice,
			    "in the BIOS setup set \"Primary Display\" to \"IGFX\" (Setup > Chipset > System Agent (SA) "
			    "Configuration > Graphics Configuration > Primary Display; it is \"PEG\" now); QEMU's legacy IGD "
			    "mode needs the iGPU as a VGA-class device");
	done(w);
	put_setup("Setup", SETUP_GUID, 0x14fb, 0x80d, 0, -1);
	run(w, dump, DELL);
	has(verdict(w, "primary")->evidence, "contradiction: Setup already says \"IGFX\" but the iGPU is not the primary display");
	done(w);
	free(w);
	free(t);
	file_buf_free(&fb);
}

/* A whole image (OVMF's code volume) whose version strings are not the running BIOS: said. */
static void test_other_bios_version(void **state)
{
	(void)state;
	if (access("/usr/share/OVMF/OVMF_CODE_4M.fd", R_OK) < 0)
		skip();
	struct world *w = calloc(1, sizeof(*w));
	struct scn s = scn_all_ok();
	build(&s, "1.22.0");
	scn_text(unit_dir, "sys/class/dmi/id/bios_date", "07/19/2021\n");
	struct diag d;
	diag_init(&d);
	assert_int_equal(host_collect(unit_dir, fixture_path(IVB), &w->c, &d), 0);
	diag_free(&d);
	check_all(&w->c, &w->l);
	assert_int_equal(bios_setup_collect(&w->c.host, "/usr/share/OVMF/OVMF_CODE_4M.fd", NULL, &w->b), 0);
	check_bios_setup(&w->c, &w->b, &w->l);
	assert_true(w->b.s->whole_image);
	assert_int_equal(w->b.same_bios, TRI_NO);
	has(w->b.bios_note, "neither the running BIOS version \"1.22.0\" nor its date \"07/19/2021\" occurs in the file");
	/* OVMF's forms have no passthrough question */
	assert_int_equal(w->b.set.n, 0);
	assert_int_equal(verdict(w, "bios_setup")->status, V_UNKNOWN);
	has(verdict(w, "bios_setup")->advice, "no VT-d, CSM or graphics question");
	done(w);
	free(w);
}

/* On the stick: the one plausible firmware file is taken, several are refused with their names. */
static void test_found_on_stick(void **state)
{
	(void)state;
	char *stick = make_tmpdir();
	struct scn s = scn_all_ok();
	build(&s, "1.22.0");
	put_setup("Setup", SETUP_GUID, 0x14fb, 0x7ec, 1, -1);
	struct file_buf fb = fixture_read(DELL);
	char p[700];
	snprintf(p, sizeof(p), "%s/5370.bin", stick);
	write_file(p, fb.data, fb.len);
	snprintf(p, sizeof(p), "%s/autorun.log", stick);	/* text: never looked at */
	write_file(p, fb.data, fb.len);
	uint8_t junk[70000];
	memset(junk, 0xff, sizeof(junk));
	snprintf(p, sizeof(p), "%s/other.rom", stick);	/* no forms: not plausible */
	write_file(p, junk, sizeof(junk));
	snprintf(p, sizeof(p), "%s/logs", stick);
	mkdir(p, 0755);
	struct world *w = calloc(1, sizeof(*w));
	struct diag d;
	diag_init(&d);
	assert_int_equal(host_collect(unit_dir, fixture_path(IVB), &w->c, &d), 0);
	diag_free(&d);
	assert_int_equal(bios_setup_collect(&w->c.host, NULL, stick, &w->b), 0);
	assert_true(w->b.used);
	assert_true(w->b.from_stick);
	has(w->b.path, "/5370.bin");
	assert_string_equal(setting(w, "vtd")->v.text, "Enabled");
	check_all(&w->c, &w->l);
	check_bios_setup(&w->c, &w->b, &w->l);
	has(verdict(w, "bios_setup")->evidence, "5370.bin, found on the stick (PE32 image section)");
	bios_setup_free(&w->b);

	snprintf(p, sizeof(p), "%s/copy.cap", stick);
	write_file(p, fb.data, fb.len);
	assert_int_equal(bios_setup_collect(&w->c.host, NULL, stick, &w->b), 0);
	assert_false(w->b.used);
	assert_null(w->b.s);
	has(w->b.stick_note, "2 firmware files with Setup forms on the stick (5370.bin, copy.cap)");
	bios_setup_free(&w->b);

	rm_rf(stick);
	mkdir(stick, 0700);
	assert_int_equal(bios_setup_collect(&w->c.host, NULL, stick, &w->b), 0);
	assert_false(w->b.used);
	has(w->b.stick_note, "no firmware file with Setup forms at the top of the stick");
	done(w);
	free(w);
	file_buf_free(&fb);
	rm_tmpdir(stick);
}

UNIT_MAIN(unit_dir_setup, unit_dir_teardown, cmocka_unit_test(test_dell_values_agree),
	  cmocka_unit_test(test_vtd_contradictions_and_advice),
	  cmocka_unit_test(test_razer_several_variables_and_missing_ones),
	  cmocka_unit_test(test_short_and_resized_variables), cmocka_unit_test(test_hp_analogues_and_legacy_boot),
	  cmocka_unit_test(test_password_variable_never_touched), cmocka_unit_test(test_igd_hidden_internal_graphics),
	  cmocka_unit_test(test_primary_display), cmocka_unit_test(test_other_bios_version),
	  cmocka_unit_test(test_found_on_stick))
