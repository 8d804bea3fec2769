/* pcimap.h - /etc/pve/mapping/pci.cfg: PCI resource mappings (PVE 8 and later)
 *
 * A VM may name its device as `hostpciN: mapping=ID,...`; qemu-server then takes the device from
 * the mapping's `map` entry for the VM's node (path = one or more ';'-separated PCI addresses,
 * the first present one used). The file is a section config whose headers are the bare IDs:
 *
 *   igpu
 *   	map id=8086:46d4,iommugroup=0,node=pve,path=0000:00:02.0
 *
 * install and repair must treat such an entry as the iGPU's, or they add a second hostpci for
 * it (qemu-server refuses to start a VM that names one device twice) or miss what to repair.
 */
#ifndef IGDKIT_PVE_PCIMAP_H
#define IGDKIT_PVE_PCIMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "pve/vmconf.h"

/* Whether mapping id (idlen bytes) in cfg[0..len) maps 00:02.0 (or all of slot 00:02) on node. */
bool pcimap_names_igd(const char *cfg, size_t len, const char *id, size_t idlen, const char *node);

/* vmconf_hostpci_kind, with mapping=ID resolved against cfg for node: VMCONF_HOSTPCI_IGD when
 * the mapping holds the iGPU there, VMCONF_HOSTPCI_OTHER when it holds something else, and
 * VMCONF_HOSTPCI_MAPPING when that cannot be told (no cfg, or no such ID). */
enum vmconf_hostpci pcimap_hostpci_kind(const char *value, const char *cfg, size_t len, const char *node);

#endif
