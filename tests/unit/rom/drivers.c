/* tests for tools/rom/drivers.c: which driver each fixture is, and the GOP version it carries
 *
 * GOP build numbers and versions read by hand with `strings -el` and xxd: the UTF-16
 * component name "Intel(R) GOP Driver" is followed by the build number as a UTF-16
 * string; HSW and APL builds also store major and minor right before it ("5","0","1025";
 * "10","0","1036"). The N150 GOP stores none.
 */
#include "helpers.h"
#include "rom/drivers.h"

#include <string.h>

static const struct {
	const char *path;
	const char *build, *version;
} gops[] = {
	{ "gop-efi/adl-n.efi", "1056", "" },
	{ "gop-efi/adl-p.efi", "1048", "" },
	{ "gop-efi/adl-s-rpl.efi", "1075", "" },
	{ "gop-efi/apl.efi", "1036", "10.0.1036" },
	{ "gop-efi/byt.efi", "1007", "" },
	{ "gop-efi/cml.efi", "1109", "" },
	{ "gop-efi/ehl.efi", "1031", "" },
	{ "gop-efi/glk.efi", "1017", "" },
	{ "gop-efi/hsw-bdw.efi", "1025", "5.0.1025" },
	{ "gop-efi/jsl.efi", "1037", "" },
	{ "gop-efi/rkl.efi", "1060", "" },
	{ "gop-efi/rpl-h.efi", "1065", "" },
	{ "gop-efi/skl-cfl.efi", "1084", "" },
	{ "gop-efi/tgl.efi", "1071", "" },
	{ "ovmf-gop-cml/IntelGopDriver.efi", "1107", "" },
	{ "gop-n150-adln/IntelGopDriver.efi", "", "" },
};

static void test_gops(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(gops) / sizeof(gops[0]); k++) {
		struct file_buf fb = fixture_read(gops[k].path);
		struct driver_id id;
		driver_identify(fb.data, fb.len, &id);
		assert_int_equal(id.kind, DRV_INTEL_GOP);
		assert_int_equal(id.roles, ROLE_GOP);
		assert_string_equal(driver_kind_key(id.kind), "intel-gop");
		assert_string_equal(id.gop_build, gops[k].build);
		assert_string_equal(id.gop_version, gops[k].version);
		file_buf_free(&fb);
	}
}

static void test_helpers(void **state)
{
	(void)state;
	struct driver_id id;
	struct file_buf fb = fixture_read("gop-n150-adln/IgdAssignmentDxe.efi");
	driver_identify(fb.data, fb.len, &id);
	assert_int_equal(id.kind, DRV_IGD_ASSIGNMENT);
	assert_true(id.roles & ROLE_OPREGION);
	assert_false(id.roles & ROLE_GOP);
	file_buf_free(&fb);

	fb = fixture_read("gop-n150-adln/PlatformGOPPolicy.efi");
	driver_identify(fb.data, fb.len, &id);
	assert_int_equal(id.kind, DRV_GOP_POLICY);
	assert_int_equal(id.roles, ROLE_VBT_POLICY);
	file_buf_free(&fb);

	/* the EfiRom-made glk ROM wraps an OvmfPkg IgdAssignmentDxe (SOURCE.md) with both fw_cfg files */
	fb = fixture_read("ovmf-gop-glk/igd.rom");
	driver_identify(fb.data + 0x180, fb.len - 0x180, &id);
	assert_int_equal(id.kind, DRV_IGD_ASSIGNMENT);
	assert_int_equal(id.roles, ROLE_OPREGION | ROLE_BDSM);
	file_buf_free(&fb);

	/* gangqizai's gen12 helper does OpRegion, BDSM and the GOP policy in one */
	fb = fixture_read("gop-rom/gen12-a780-igd.rom");
	driver_identify(fb.data + 0x80, fb.len - 0x80, &id);
	assert_int_equal(id.kind, DRV_IGD_LEGACY_DISPLAY);
	assert_int_equal(id.roles, ROLE_OPREGION | ROLE_BDSM | ROLE_VBT_POLICY);
	file_buf_free(&fb);

	fb = fixture_read("gop-rom/i915ovmf-1926.rom");
	driver_identify(fb.data + 0x80, fb.len - 0x80, &id);
	assert_int_equal(id.kind, DRV_I915OVMF);
	assert_true(id.roles & ROLE_GOP);
	file_buf_free(&fb);

	uint8_t junk[300];
	memset(junk, 0x41, sizeof(junk));
	driver_identify(junk, sizeof(junk), &id);
	assert_int_equal(id.kind, DRV_UNKNOWN);
	assert_int_equal(id.roles, 0);
	driver_identify(junk, 0, &id);
	assert_int_equal(id.kind, DRV_UNKNOWN);
}

/* A name at the very end of the buffer: the version scan must stop at the edge. */
static void test_edges(void **state)
{
	(void)state;
	const char *name = "Intel(R) GOP Driver";
	uint8_t b[64];
	size_t n = strlen(name);
	memset(b, 0, sizeof(b));
	for (size_t i = 0; i < n; i++)
		b[2 * i] = (uint8_t)name[i];
	struct driver_id id;
	driver_identify(b, 2 * n, &id);
	assert_int_equal(id.kind, DRV_INTEL_GOP);
	assert_string_equal(id.gop_build, "");
	/* "123" right after the name, NUL-terminated inside the buffer */
	b[2 * n + 2] = '1';
	b[2 * n + 4] = '2';
	b[2 * n + 6] = '3';
	driver_identify(b, 2 * n + 10, &id);
	assert_string_equal(id.gop_build, "123");
	driver_identify(b, 2 * n + 8, &id);	/* no terminator inside */
	assert_string_equal(id.gop_build, "");
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_gops), cmocka_unit_test(test_helpers), cmocka_unit_test(test_edges))
