/* facts.h - what igdkit learned about a machine, in the form the plan consumes
 *
 * The contract between host/collect.c (which fills it from the live machine or from
 * --root/--pci-dump fixtures) and the plan (which turns it into settings and files).
 */
#ifndef IGDKIT_FACTS_H
#define IGDKIT_FACTS_H

#include <stdbool.h>
#include <stdint.h>

enum tristate { TRI_UNKNOWN = -1, TRI_NO = 0, TRI_YES = 1 };

struct machine_facts {
	/* 00:02.0 */
	bool igd_present;		/* an Intel display controller at 00:02.0 */
	uint16_t igd_device_id;		/* 0x9bc8 */
	uint16_t igd_class;		/* 0x0300 VGA, 0x0380 other display (not primary / IVD set) */
	int igd_gen;			/* graphics generation (6..12+, Xe = 12), 0 = unknown */
	const char *igd_platform;	/* "Comet Lake", from the id table; NULL if unknown */
	uint16_t ggc;			/* config 0x50 */
	uint32_t gms_mib;		/* pre-allocated graphics memory (DVMT) in MiB */
	int gms_value;			/* matching x-igd-gms value for QEMU, or -1 */
	uint32_t asls;			/* config 0xFC; 0 = no OpRegion */
	uint64_t bdsm;			/* base of data stolen memory */
	enum tristate boot_vga;		/* sysfs boot_vga of 00:02.0 */
	bool dgpu_present;		/* another display-class device exists */

	/* IOMMU */
	enum tristate dmar_present;	/* ACPI DMAR table found */
	enum tristate igd_has_drhd;	/* a DRHD whose scope is 00:02.0 */
	enum tristate iommu_active;	/* /sys/class/iommu populated */
	int igd_iommu_group;		/* -1 unknown */
	enum tristate igd_group_alone;	/* 00:02.0 alone in its group (no ACS override needed) */
	enum tristate intr_remap;	/* DMAR flags bit 0 */

	/* CPU / firmware */
	enum tristate vmx_capable;	/* CPUID.1:ECX.VMX */
	enum tristate vmx_enabled;	/* IA32_FEATURE_CONTROL locked with VMX on, or kernel vmx flag */
	enum tristate uefi_boot;	/* /sys/firmware/efi exists */
	enum tristate secure_boot;	/* SecureBoot efivar */
	enum tristate csm_likely;	/* legacy boot, or shadowed legacy VBIOS */

	/* Host kernel (installed host or --root) */
	char cmdline[1024];		/* /proc/cmdline */
	enum tristate vfio_bound;	/* vfio-pci driver bound to 00:02.0 */
	enum tristate i915_loaded;

	/* Added by check (additive only). */
	bool igd_ivd;			/* GGC bit 1: IGD VGA disabled (not the primary display) */
	bool igd_legacy_vbios;		/* generation has a legacy VBIOS (gen 6-9): legacy-igd + SeaBIOS route */
	uint32_t ggms_mib;		/* GTT stolen memory */
	enum tristate setup_mode;	/* SetupMode efivar (no platform key enrolled) */
	enum tristate igd_rmrr;		/* an RMRR names 00:02.0 (stolen memory) */
	enum tristate fb_owns_bar2;	/* a firmware framebuffer sits in 00:02.0's BAR2 (/proc/iomem) */
	enum tristate igd_reset;	/* 00:02.0 has a reset method */
	enum tristate i915_blacklisted;	/* "blacklist i915" in /etc/modprobe.d */
	char igd_group_members[256];	/* "0000:00:02.0 0000:00:1f.0" (space-separated) */
	char igd_driver[64];		/* driver bound to 00:02.0 now, "" if none/unknown */
};

#endif
