/* pcimap.c - which PCI resource mappings name the iGPU (see pcimap.h) */
#include "pve/pcimap.h"

#include <string.h>

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Does one map entry ("node=pve,path=0000:00:02.0,id=...") put 00:02.0 on node? */
static bool map_entry_names_igd(const char *v, size_t n, const char *node)
{
	bool on_node = false, igd = false;
	size_t nl = strlen(node);
	for (size_t i = 0; i < n;) {
		size_t k = i;
		while (k < n && v[k] != ',')
			k++;
		const char *kv = v + i;
		size_t kvl = k - i;
		if (kvl > 5 && !strncmp(kv, "node=", 5))
			on_node = kvl - 5 == nl && !strncmp(kv + 5, node, nl);
		else if (kvl > 5 && !strncmp(kv, "path=", 5))
			for (size_t a = 5; a < kvl;) {
				size_t b = a;
				while (b < kvl && kv[b] != ';')
					b++;
				if (vmconf_pci_id_is_igd(kv + a, b - a))
					igd = true;
				a = b + 1;
			}
		i = k + 1;
	}
	return on_node && igd;
}

/* One pass over cfg: whether section id exists (*section, may be NULL) and maps the iGPU on node. */
static bool lookup(const char *cfg, size_t len, const char *id, size_t idlen, const char *node, bool *section)
{
	bool in_section = false, igd = false;
	if (section)
		*section = false;
	for (size_t i = 0; cfg && i < len && !igd;) {
		size_t e = i;
		while (e < len && cfg[e] != '\n')
			e++;
		const char *l = cfg + i;
		size_t n = e - i;
		while (n && is_space(l[n - 1]))
			n--;
		if (n && !is_space(l[0]) && l[0] != '#') {
			/* a section header: the mapping's ID alone on its line */
			in_section = n == idlen && !memcmp(l, id, idlen);
			if (in_section && section)
				*section = true;
		} else if (n && in_section) {
			size_t s = 0;
			while (s < n && is_space(l[s]))
				s++;
			if (n - s > 4 && !strncmp(l + s, "map", 3) && is_space(l[s + 3])) {
				s += 4;
				while (s < n && is_space(l[s]))
					s++;
				igd = map_entry_names_igd(l + s, n - s, node);
			}
		}
		i = e + 1;
	}
	return igd;
}

bool pcimap_names_igd(const char *cfg, size_t len, const char *id, size_t idlen, const char *node)
{
	return lookup(cfg, len, id, idlen, node, NULL);
}

enum vmconf_hostpci pcimap_hostpci_kind(const char *value, const char *cfg, size_t len, const char *node)
{
	enum vmconf_hostpci k = vmconf_hostpci_kind(value);
	if (k != VMCONF_HOSTPCI_MAPPING || !cfg || !node)
		return k;
	size_t idlen;
	const char *id = vmconf_hostpci_mapping(value, &idlen);
	bool section;
	if (!id || !idlen)
		return VMCONF_HOSTPCI_MAPPING;
	if (lookup(cfg, len, id, idlen, node, &section))
		return VMCONF_HOSTPCI_IGD;
	return section ? VMCONF_HOSTPCI_OTHER : VMCONF_HOSTPCI_MAPPING;
}
