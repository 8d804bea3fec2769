/* gms.h - GGC (IGD config 0x50) per generation: stolen memory size, x-igd-gms, BDSM */
#ifndef IGDKIT_GMS_H
#define IGDKIT_GMS_H

#include <stdbool.h>
#include <stdint.h>

struct ggc_decode {
	bool valid;		/* generation known and >= 6 (older parts keep GGC in the host bridge) */
	uint16_t ggc;
	unsigned gms_field;	/* raw GMS field */
	uint32_t gms_mib;	/* data stolen memory (DVMT pre-allocated) */
	uint32_t ggms_mib;	/* GTT stolen memory */
	bool ivd;		/* bit 1: IGD VGA disable (not primary display) */
	bool locked;		/* bit 0: GGC lock */
	int x_igd_gms;		/* QEMU x-igd-gms for this size (32 MiB units, 1..0x10), -1 if none fits */
};

/* gen: i915 graphics version (6, 7, 8, 9, 11, 12, ...); chv: Cherryview's own GMS encoding. */
void ggc_decode(int gen, bool chv, uint16_t ggc, struct ggc_decode *g);
/* BDSM from IGD config space: 32-bit at 0x5C up to gen 10, 64-bit at 0xC0 from gen 11 (low 20 bits are flags). */
uint64_t bdsm_from_cfg(int gen, uint32_t cfg5c, uint32_t cfgc0, uint32_t cfgc4);

#endif
