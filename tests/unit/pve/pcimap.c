/* tests for tools/pve/pcimap.c: which /etc/pve/mapping/pci.cfg mappings name the iGPU on a node */
#include "helpers.h"

#include <string.h>

#include "pve/pcimap.h"

/* As the PVE 8 GUI writes it: bare IDs as headers, tab-indented properties, a blank line between. */
static const char cfg[] = "# written by pve\n"
			  "nic\n"
			  "\tmap id=8086:15b8,iommugroup=12,node=pve,path=0000:03:00.0\n"
			  "\n"
			  "igpu\n"
			  "\tdescription the iGPU of both nodes\n"
			  "\tmap id=8086:46d4,iommugroup=0,node=pve,path=0000:00:02.0\n"
			  "\tmap id=8086:46d4,iommugroup=1,node=pve2,path=0000:01:00.0;0000:00:02\n"
			  "\tmdev 1\n"
			  "\n"
			  "wide \n"
			  "\tmap node=pve,path=0000:00:02.1,id=8086:46d4\n"
			  "igpu-other\n"
			  "\tmap node=pve3,path=00000:00:02.0,id=8086:46d4\n";

static bool names(const char *id, const char *node)
{
	return pcimap_names_igd(cfg, strlen(cfg), id, strlen(id), node);
}

static void mappings_by_node_and_path(void **state)
{
	(void)state;
	assert_true(names("igpu", "pve"));
	assert_true(names("igpu", "pve2"));	/* the whole slot 00:02, second of two paths */
	assert_false(names("igpu", "pve3"));	/* no map entry for that node */
	assert_false(names("nic", "pve"));
	assert_false(names("wide", "pve"));	/* 00:02.1 is not the iGPU; trailing space after the ID */
	assert_true(names("igpu-other", "pve3"));	/* a five-digit domain is still domain 0 */
	assert_false(names("igp", "pve"));	/* IDs match whole, not as prefixes */
	assert_false(pcimap_names_igd(NULL, 0, "igpu", 4, "pve"));
	/* a cut file: the last line without its newline still counts */
	static const char cut[] = "igpu\n\tmap node=pve,path=0000:00:02.0";
	assert_true(pcimap_names_igd(cut, strlen(cut), "igpu", 4, "pve"));
	/* a property named like map but longer, and a map line outside any section */
	static const char odd[] = "\tmap node=pve,path=0000:00:02.0\nx\n\tmapping node=pve,path=0000:00:02.0\n";
	assert_false(pcimap_names_igd(odd, strlen(odd), "x", 1, "pve"));
}

static void hostpci_kinds(void **state)
{
	(void)state;
	size_t n = strlen(cfg);
	assert_int_equal(pcimap_hostpci_kind("mapping=igpu,legacy-igd=1", cfg, n, "pve"), VMCONF_HOSTPCI_IGD);
	assert_int_equal(pcimap_hostpci_kind("pcie=1,mapping=nic", cfg, n, "pve"), VMCONF_HOSTPCI_OTHER);
	assert_int_equal(pcimap_hostpci_kind("mapping=igpu", cfg, n, "pve3"), VMCONF_HOSTPCI_OTHER);
	assert_int_equal(pcimap_hostpci_kind("mapping=gone", cfg, n, "pve"), VMCONF_HOSTPCI_MAPPING);
	assert_int_equal(pcimap_hostpci_kind("mapping=igpu", NULL, 0, "pve"), VMCONF_HOSTPCI_MAPPING);
	assert_int_equal(pcimap_hostpci_kind("0000:00:02.0", cfg, n, "pve"), VMCONF_HOSTPCI_IGD);
	assert_int_equal(pcimap_hostpci_kind(NULL, cfg, n, "pve"), VMCONF_HOSTPCI_OTHER);
	size_t len;
	const char *id = vmconf_hostpci_mapping("rombar=0,mapping=igpu,pcie=1", &len);
	assert_non_null(id);
	assert_int_equal(len, 4);
	assert_memory_equal(id, "igpu", 4);
	assert_null(vmconf_hostpci_mapping("0000:00:02.0", &len));
	assert_null(vmconf_hostpci_mapping("mapping=", &len));
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(mappings_by_node_and_path), cmocka_unit_test(hostpci_kinds))
