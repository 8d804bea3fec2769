/* gms.c - GGC decode (layout per Linux arch/x86/kernel/early-quirks.c, reference/qemu-igd.md) */
#include "igd/gms.h"

#include <stdio.h>
#include <string.h>


void ggc_decode(int gen, bool chv, uint16_t ggc, struct ggc_decode *g)
{
	memset(g, 0, sizeof(*g));
	g->ggc = ggc;
	g->x_igd_gms = -1;
	g->ivd = ggc & 2;
	g->locked = ggc & 1;
	if (gen < 6)
		return;
	g->valid = true;
	if (gen < 8) {
		/* SNB/IVB/HSW/VLV: GMS bits 7:3 in 32 MiB units, GGMS bits 9:8 in MiB */
		g->gms_field = (ggc >> 3) & 0x1f;
		g->gms_mib = g->gms_field * 32;
		g->ggms_mib = (ggc >> 8) & 3;
	} else {
		/* BDW and later: GMS bits 15:8, GGMS bits 7:6 as 2^n MiB */
		unsigned gms = ggc >> 8, ggms = (ggc >> 6) & 3;
		g->gms_field = gms;
		g->ggms_mib = ggms ? 1u << ggms : 0;
		if (chv) {
			if (gms < 0x11)
				g->gms_mib = gms * 32;
			else if (gms < 0x17)
				g->gms_mib = (gms - 0x11) * 4 + 8;
			else
				g->gms_mib = (gms - 0x17) * 4 + 4;
		} else if (gen >= 9 && gms >= 0xf0) {
			g->gms_mib = (gms - 0xf0) * 4 + 4;
		} else {
			g->gms_mib = gms * 32;
		}
	}
	/* QEMU's x-igd-gms counts 32 MiB units; up to 0x10 works on every QEMU version. */
	if (g->gms_mib && g->gms_mib % 32 == 0 && g->gms_mib / 32 <= 0x10)
		g->x_igd_gms = (int)(g->gms_mib / 32);
}

uint64_t bdsm_from_cfg(int gen, uint32_t cfg5c, uint32_t cfgc0, uint32_t cfgc4)
{
	if (gen >= 11)
		return ((uint64_t)cfgc4 << 32 | cfgc0) & ~(uint64_t)0xfffff;
	return cfg5c & 0xfff00000u;
}
