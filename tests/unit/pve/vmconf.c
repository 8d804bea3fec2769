/* tests for tools/pve/vmconf.c: edits keep everything the user had */
#include "helpers.h"
#include "pve/vmconf.h"

#include <stdlib.h>
#include <string.h>

/* 101.conf's snapshot section: no edit of the main section may change it. */
#define SNAPSHOT_101                     \
	"[pre-upgrade]\n"                \
	"boot: order=scsi0;ide2;net0\n"  \
	"cores: 2\n"                     \
	"machine: pc-q35-8.1\n"          \
	"snaptime: 1714100000\n"

/* 101.conf from pve-configdb/SOURCE.md: description comment, main section, one snapshot. */
static const char conf101[] =
	"#Debian 12 test VM\n"
	"boot: order=scsi0;ide2;net0\n"
	"cores: 2\n"
	"cpu: x86-64-v2-AES\n"
	"ide2: none,media=cdrom\n"
	"memory: 2048\n"
	"name: debian12\n"
	"parent: pre-upgrade\n"
	"vmgenid: 7f3e2d1c-4b5a-4968-8776-655443322110\n"
	"\n"
	SNAPSHOT_101;

static char *edit(const char *in, void (*fn)(struct vmconf *))
{
	struct vmconf c;
	assert_int_equal(vmconf_parse(&c, in, strlen(in), NULL), 0);
	fn(&c);
	size_t len;
	char *s = vmconf_format(&c, &len);
	assert_int_equal(strlen(s), len);
	vmconf_free(&c);
	return s;
}

static void nothing(struct vmconf *c)
{
	(void)c;
}

static void test_round_trip(void **state)
{
	(void)state;
	char *s = edit(conf101, nothing);
	assert_string_equal(s, conf101);
	free(s);
	s = edit("a: 1\nb: 2", nothing);	/* no final newline stays so */
	assert_string_equal(s, "a: 1\nb: 2");
	free(s);
	s = edit("", nothing);
	assert_string_equal(s, "");
	free(s);
}

static void igd(struct vmconf *c)
{
	assert_int_equal(vmconf_set(c, "hostpci0", "0000:00:02.0,legacy-igd=1,romfile=igd.rom"), 0);
	assert_int_equal(vmconf_set(c, "vga", "none"), 0);
	assert_int_equal(vmconf_set(c, "machine", "pc-i440fx-8.1"), 0);
	assert_int_equal(vmconf_set(c, "args", "-set device.hostpci0.x-igd-gms=0x2"), 0);
	assert_int_equal(vmconf_set(c, "cores", "4"), 0);
}

static void test_set_in_sorted_place_main_section_only(void **state)
{
	(void)state;
	char *s = edit(conf101, igd);
	assert_string_equal(s, "#Debian 12 test VM\n"
			       "args: -set device.hostpci0.x-igd-gms=0x2\n"
			       "boot: order=scsi0;ide2;net0\n"
			       "cores: 4\n"
			       "cpu: x86-64-v2-AES\n"
			       "hostpci0: 0000:00:02.0,legacy-igd=1,romfile=igd.rom\n"
			       "ide2: none,media=cdrom\n"
			       "machine: pc-i440fx-8.1\n"
			       "memory: 2048\n"
			       "name: debian12\n"
			       "parent: pre-upgrade\n"
			       "vga: none\n"
			       "vmgenid: 7f3e2d1c-4b5a-4968-8776-655443322110\n"
			       "\n"
			       SNAPSHOT_101);
	free(s);
}

static void get_and_delete(struct vmconf *c)
{
	assert_string_equal(vmconf_get(c, "cores"), "2");
	assert_string_equal(vmconf_get(c, "name"), "debian12");
	assert_null(vmconf_get(c, "machine"));	/* only in the snapshot */
	assert_null(vmconf_get(c, "snaptime"));
	assert_int_equal(vmconf_delete(c, "cpu"), 0);
	assert_int_equal(vmconf_delete(c, "machine"), 0);	/* not in main: snapshot untouched */
}

static void test_get_delete(void **state)
{
	(void)state;
	char *s = edit(conf101, get_and_delete);
	const char *cpu = strstr(conf101, "cpu: x86-64-v2-AES\n");
	char want[sizeof(conf101)];
	size_t k = (size_t)(cpu - conf101);
	memcpy(want, conf101, k);
	strcpy(want + k, cpu + strlen("cpu: x86-64-v2-AES\n"));
	assert_string_equal(s, want);
	free(s);
}

static void only_comment(struct vmconf *c)
{
	assert_int_equal(vmconf_set(c, "vga", "none"), 0);
}

static void test_empty_and_comment_only(void **state)
{
	(void)state;
	char *s = edit("#just a note\n", only_comment);
	assert_string_equal(s, "#just a note\nvga: none\n");
	free(s);
	s = edit("", only_comment);
	assert_string_equal(s, "vga: none\n");
	free(s);
}

static void test_nul_rejected(void **state)
{
	(void)state;
	struct vmconf c;
	struct diag d;
	diag_init(&d);
	assert_int_equal(vmconf_parse(&c, "a: 1\n\0b", 8, &d), -1);
	assert_non_null(strstr(diag_last(&d), "NUL"));
	diag_free(&d);
}

/* Every way qemu-server's hostpci format (PVE::QemuServer::PCI: default key host, a ';' list of
 * [domain:]bus:dev[.fn], keys in any order) can name the iGPU; qemu-server refuses a VM that
 * names one device in two hostpciN, so install must find each of them. */
static void test_hostpci_kind(void **state)
{
	(void)state;
	static const char *const igd[] = {
		"0000:00:02.0,legacy-igd=1,romfile=igd.rom", "00:02.0", "00:02", "0000:00:02", "00:02.0;00:02.1",
		"host=0000:00:02.0,rombar=0", "rombar=0,00:02", "x-vga=1,host=00000:00:02.0", "0000:01:00.0;0000:00:02.0",
		"pcie=1,host=01:00.0;00:02",
	};
	for (size_t i = 0; i < sizeof(igd) / sizeof(igd[0]); i++)
		if (vmconf_hostpci_kind(igd[i]) != VMCONF_HOSTPCI_IGD)
			fail_msg("'%s' names 00:02.0", igd[i]);
	static const char *const other[] = {
		"01:00.0", "0000:01:00.0,x-vga=1", "00:02.1", "0001:00:02.0", "000:00:02.0", "00:02.00", "00:020",
		"romfile=00:02.0", "01:00.0;00:03", "", "host=", ",,,", "00:0", "0000:00:02.0x",
	};
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (vmconf_hostpci_kind(other[i]) != VMCONF_HOSTPCI_OTHER)
			fail_msg("'%s' does not name 00:02.0", other[i]);
	assert_int_equal(vmconf_hostpci_kind(NULL), VMCONF_HOSTPCI_OTHER);
	assert_int_equal(vmconf_hostpci_kind("mapping=igpu"), VMCONF_HOSTPCI_MAPPING);
	assert_int_equal(vmconf_hostpci_kind("mapping=igpu,pcie=1"), VMCONF_HOSTPCI_MAPPING);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_round_trip), cmocka_unit_test(test_set_in_sorted_place_main_section_only),
	  cmocka_unit_test(test_get_delete), cmocka_unit_test(test_empty_and_comment_only),
	  cmocka_unit_test(test_nul_rejected), cmocka_unit_test(test_hostpci_kind))
