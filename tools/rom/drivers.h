/* drivers.h - which known EFI driver a PE image is, by the text it carries
 *
 * An OVMF guest on an Intel IGD needs three things from the ROM: a driver that
 * sets up the OpRegion and stolen memory QEMU offers over fw_cfg
 * (IgdAssignmentDxe), a policy driver that hands the VBT to the GOP
 * (PlatformGopPolicy), and the GOP itself. Some ROMs combine roles in one
 * driver. Identification is by strings found in the real binaries (UTF-16
 * component names, fw_cfg file names, debug messages, PDB paths), because
 * none of them carries its FFS file GUID once it is inside an option ROM.
 */
#ifndef IGDKIT_ROM_DRIVERS_H
#define IGDKIT_ROM_DRIVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum driver_kind {
	DRV_UNKNOWN = 0,
	DRV_INTEL_GOP,		/* Intel's IntelGopDriver */
	DRV_IGD_ASSIGNMENT,	/* IgdAssignmentDxe (OvmfPkg / VfioIgdPkg) */
	DRV_GOP_POLICY,		/* PlatformGopPolicy: gives the GOP its VBT */
	DRV_IGD_LEGACY_DISPLAY,	/* IgdLegacyModeDisplay: OpRegion + BDSM + VBT policy in one */
	DRV_I915OVMF,		/* i915ovmfPkg: an open GOP replacement doing its own OpRegion/BDSM */
	DRV_IGDKIT_ASSIGNMENT,	/* igdkit's own (efi/igd_assign.c): OpRegion + BDSM */
	DRV_IGDKIT_GOP_POLICY,	/* igdkit's own (efi/gop_policy.c): the VBT for the GOP */
};

/* What a driver provides to an OVMF guest. */
enum driver_role {
	ROLE_GOP = 1 << 0,		/* graphics output in the guest firmware */
	ROLE_OPREGION = 1 << 1,		/* copies etc/igd-opregion and writes ASLS */
	ROLE_BDSM = 1 << 2,		/* reserves stolen memory from etc/igd-bdsm-size and writes BDSM */
	ROLE_VBT_POLICY = 1 << 3,	/* installs the platform GOP policy (VBT) */
};

struct driver_id {
	enum driver_kind kind;
	unsigned roles;			/* enum driver_role bits */
	const char *name;		/* "Intel GOP driver", ... ; "unknown EFI driver" */
	char gop_version[32];		/* "10.0.1036" when major/minor are stored as text */
	char gop_build[12];		/* "1109": the build number every Intel GOP stores */
	bool test_accept;		/* igdkit's assignment driver built with --test-accept */
	uint16_t test_vendor, test_device;
};

/* Identifies the (uncompressed) PE image in pe[0..len). Never fails. */
void driver_identify(const uint8_t *pe, size_t len, struct driver_id *out);

const char *driver_kind_key(enum driver_kind k);	/* "intel-gop", "igd-assignment", ... */

#endif
