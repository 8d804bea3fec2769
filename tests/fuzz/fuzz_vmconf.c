/* fuzz_vmconf.c - qemu-server VM config text: parse, read every hostpci value the way qemu-server
 * does (mapping=ID resolved with the same bytes read as /etc/pve/mapping/pci.cfg), edit the main
 * section, format again.
 * Invariants: an untouched config formats back byte-identical; edits keep every section line; a
 * hostpci value's kind is one of the three. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pve/pcimap.h"
#include "pve/vmconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d;
	struct vmconf c;
	diag_init(&d);
	if (vmconf_parse(&c, (const char *)data, size, &d) < 0) {
		if (!memchr(data, 0, size))
			abort();	/* only a NUL byte is refused */
		diag_free(&d);
		return 0;
	}
	size_t len;
	char *s = vmconf_format(&c, &len);
	if (!s || len != size || memcmp(s, data, size) != 0)
		abort();	/* parse + format must be the identity */
	free(s);
	size_t sections = c.n - c.main_end;
	/* Every line's value after "key: " read as a hostpci value (vmconf_hostpci_kind must take any text). */
	for (size_t i = 0; i < c.n; i++) {
		const char *colon = strchr(c.lines[i], ':');
		enum vmconf_hostpci k = vmconf_hostpci_kind(colon ? colon + 1 : c.lines[i]);
		if (k != VMCONF_HOSTPCI_OTHER && k != VMCONF_HOSTPCI_IGD && k != VMCONF_HOSTPCI_MAPPING)
			abort();
		/* the input as pci.cfg: a resolved kind only refines MAPPING */
		enum vmconf_hostpci r = pcimap_hostpci_kind(colon ? colon + 1 : c.lines[i], (const char *)data, size, "pve");
		if (r != k && k != VMCONF_HOSTPCI_MAPPING)
			abort();
	}
	/* What plan.c does to a VM: read, set, delete keys. */
	vmconf_get(&c, "hostpci0");
	vmconf_set(&c, "hostpci0", "0000:00:02.0,legacy-igd=1,romfile=igd.rom");
	vmconf_set(&c, "vga", "none");
	vmconf_set(&c, "args", "-set device.hostpci0.x-igd-gms=0x2");
	vmconf_delete(&c, "args");
	vmconf_set(&c, "description", "x");
	const char *v = vmconf_get(&c, "vga");
	if (!v || strcmp(v, "none") != 0)
		abort();
	if (c.n - c.main_end != sections)
		abort();	/* snapshot/pending sections are never touched */
	s = vmconf_format(&c, &len);
	if (!s || strlen(s) != len)
		abort();
	/* The edited text parses again to the same values. */
	struct vmconf c2;
	if (vmconf_parse(&c2, s, len, NULL) < 0)
		abort();
	v = vmconf_get(&c2, "hostpci0");
	if (!v || strcmp(v, "0000:00:02.0,legacy-igd=1,romfile=igd.rom") != 0)
		abort();
	vmconf_free(&c2);
	free(s);
	vmconf_free(&c);
	diag_free(&d);
	return 0;
}
