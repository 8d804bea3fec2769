/* igd_gen.h - Intel IGD device id -> platform and graphics generation
 *
 * A thin view of tools/check/igd_ids.h (the one id table). Used to decide what
 * an option ROM must carry: Gen6-9 have a legacy VBIOS, Gen11+ need OVMF with
 * IgdAssignmentDxe + PlatformGopPolicy + the GOP.
 */
#ifndef IGDKIT_ROM_IGD_GEN_H
#define IGDKIT_ROM_IGD_GEN_H

#include <stdint.h>

struct igd_gen {
	int gen;		/* i915 graphics version major: 6..12, 20 (Xe2), 30 (Xe3); 0 = unknown */
	const char *platform;	/* "Comet Lake"; NULL when unknown */
};

/* Looks up an Intel (8086) IGD device id; gen 0 when the id is not an IGD we know. */
struct igd_gen igd_gen_lookup(uint16_t device);

#endif
