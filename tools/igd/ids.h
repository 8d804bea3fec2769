/* ids.h - Intel IGD PCI device id -> platform, generation, what QEMU makes of it
 *
 * Written from Linux's i915 PCI id list (include/drm/i915_pciids.h) as
 * summarised in reference/intel-igd-ids.md, plus QEMU's igd_gen() per version.
 */
#ifndef IGDKIT_IGD_IDS_H
#define IGDKIT_IGD_IDS_H

#include <stdbool.h>
#include <stdint.h>

struct igd_id_info {
	const char *platform;	/* "Comet Lake" */
	const char *cpu_gen;	/* "10th gen Core" or similar, for users */
	int gen;		/* i915 graphics version, major (Haswell 7, Meteor Lake 12, Lunar Lake 20) */
	int qemu10_gen;		/* QEMU >= 10.0 igd_gen(): -1 = unknown to QEMU */
	int qemu92_gen;		/* QEMU 9.2 */
	int qemu91_gen;		/* QEMU <= 9.1 (unknown ids are treated as gen 8 there) */
	bool legacy_vbios;	/* Intel shipped a legacy (CSM) VBIOS for it: gen 6-9 */
	bool gvt_g;		/* GVT-g mdev support in upstream i915 */
	bool sriov;		/* SR-IOV VFs (out-of-tree i915-sriov-dkms only) */
};

/* NULL for ids not in the table (including every discrete GPU). */
const struct igd_id_info *igd_id_lookup(uint16_t device_id);

/* The two facts option-ROM work needs: Gen6-9 have a legacy VBIOS, Gen11+ need OVMF with
 * the IGD helper drivers and the GOP. A value type where gen 0 means unknown. */
struct igd_gen {
	int gen;		/* i915 graphics version major: 6..12, 20 (Xe2), 30 (Xe3); 0 = unknown */
	const char *platform;	/* "Comet Lake"; NULL when unknown */
};
struct igd_gen igd_gen_lookup(uint16_t device);

/* Are a and b two ids of one platform (same table entry platform and generation)? A legacy
 * VBIOS made for one of them then serves the other: Intel builds one VBIOS per platform and
 * the board vendor's copy names one id, e.g. 0406 in an image for an 0416 Haswell. */
bool igd_same_platform(uint16_t a, uint16_t b);

#endif
