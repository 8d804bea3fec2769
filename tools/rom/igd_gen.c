/* igd_gen.c - the IGD id table (see igd_gen.h for where it comes from) */
#include "igd_gen.h"

#include <stddef.h>

struct id_range {
	uint16_t lo, hi;
	int gen;
	const char *platform;
};

#define ONE(id, g, p) { id, id, g, p }

/* Exact ids and small ranges first; the coarse Haswell ranges last. */
static const struct id_range igd_ids[] = {
	ONE(0x0102, 6, "Sandy Bridge"), ONE(0x010a, 6, "Sandy Bridge"), ONE(0x0112, 6, "Sandy Bridge"),
	ONE(0x0122, 6, "Sandy Bridge"), ONE(0x0106, 6, "Sandy Bridge"), ONE(0x0116, 6, "Sandy Bridge"),
	ONE(0x0126, 6, "Sandy Bridge"),
	ONE(0x0152, 7, "Ivy Bridge"), ONE(0x015a, 7, "Ivy Bridge"), ONE(0x0162, 7, "Ivy Bridge"),
	ONE(0x016a, 7, "Ivy Bridge"), ONE(0x0156, 7, "Ivy Bridge"), ONE(0x0166, 7, "Ivy Bridge"),
	{ 0x0f30, 0x0f33, 7, "Valleyview/Bay Trail" },
	ONE(0x0a84, 9, "Broxton/Apollo Lake"), ONE(0x1a84, 9, "Broxton/Apollo Lake"),
	ONE(0x1a85, 9, "Broxton/Apollo Lake"), ONE(0x5a84, 9, "Broxton/Apollo Lake"),
	ONE(0x5a85, 9, "Broxton/Apollo Lake"),
	{ 0x1602, 0x163e, 8, "Broadwell" },
	{ 0x22b0, 0x22b3, 8, "Cherryview/Braswell" },
	{ 0x1902, 0x193d, 9, "Skylake" },
	ONE(0x3184, 9, "Gemini Lake"), ONE(0x3185, 9, "Gemini Lake"),
	{ 0x5902, 0x593b, 9, "Kaby Lake" }, ONE(0x87c0, 9, "Kaby Lake (Amber Lake)"),
	{ 0x3e90, 0x3e9c, 9, "Coffee Lake" }, { 0x3ea0, 0x3ea4, 9, "Whiskey Lake" },
	{ 0x3ea5, 0x3ea9, 9, "Coffee Lake" }, ONE(0x87ca, 9, "Coffee Lake (Amber Lake)"),
	{ 0x9b21, 0x9b21, 9, "Comet Lake" }, ONE(0x9b41, 9, "Comet Lake"), { 0x9ba2, 0x9bac, 9, "Comet Lake" },
	{ 0x9bc2, 0x9bcc, 9, "Comet Lake" }, ONE(0x9be6, 9, "Comet Lake"), ONE(0x9bf6, 9, "Comet Lake"),
	{ 0x5a40, 0x5a5c, 10, "Cannon Lake" },
	{ 0x8a50, 0x8a5d, 11, "Ice Lake" }, ONE(0x8a70, 11, "Ice Lake"), ONE(0x8a71, 11, "Ice Lake"),
	ONE(0x4541, 11, "Elkhart Lake"), ONE(0x4551, 11, "Elkhart Lake"), ONE(0x4555, 11, "Elkhart Lake"),
	ONE(0x4557, 11, "Elkhart Lake"), ONE(0x4570, 11, "Elkhart Lake"), ONE(0x4571, 11, "Elkhart Lake"),
	ONE(0x4e51, 11, "Jasper Lake"), ONE(0x4e55, 11, "Jasper Lake"), ONE(0x4e57, 11, "Jasper Lake"),
	ONE(0x4e61, 11, "Jasper Lake"), ONE(0x4e71, 11, "Jasper Lake"),
	ONE(0x9a40, 12, "Tiger Lake"), ONE(0x9a49, 12, "Tiger Lake"), ONE(0x9a59, 12, "Tiger Lake"),
	ONE(0x9a60, 12, "Tiger Lake"), ONE(0x9a68, 12, "Tiger Lake"), ONE(0x9a70, 12, "Tiger Lake"),
	ONE(0x9a78, 12, "Tiger Lake"), ONE(0x9ac0, 12, "Tiger Lake"), ONE(0x9ac9, 12, "Tiger Lake"),
	ONE(0x9ad9, 12, "Tiger Lake"), ONE(0x9af8, 12, "Tiger Lake"),
	ONE(0x4c80, 12, "Rocket Lake"), { 0x4c8a, 0x4c8c, 12, "Rocket Lake" }, ONE(0x4c90, 12, "Rocket Lake"),
	ONE(0x4c9a, 12, "Rocket Lake"),
	ONE(0x4680, 12, "Alder Lake-S"), ONE(0x4682, 12, "Alder Lake-S"), ONE(0x4688, 12, "Alder Lake-S"),
	ONE(0x468a, 12, "Alder Lake-S"), ONE(0x468b, 12, "Alder Lake-S"), ONE(0x4690, 12, "Alder Lake-S"),
	ONE(0x4692, 12, "Alder Lake-S"), ONE(0x4693, 12, "Alder Lake-S"),
	{ 0x46a0, 0x46a3, 12, "Alder Lake-P" }, ONE(0x46a6, 12, "Alder Lake-P"), ONE(0x46a8, 12, "Alder Lake-P"),
	ONE(0x46aa, 12, "Alder Lake-P"), ONE(0x462a, 12, "Alder Lake-P"), ONE(0x4626, 12, "Alder Lake-P"),
	ONE(0x4628, 12, "Alder Lake-P"), { 0x46b0, 0x46b3, 12, "Alder Lake-P" },
	{ 0x46c0, 0x46c3, 12, "Alder Lake-P" },
	{ 0x46d0, 0x46d4, 12, "Alder Lake-N/Twin Lake" },
	{ 0xa780, 0xa783, 12, "Raptor Lake-S" }, { 0xa788, 0xa78b, 12, "Raptor Lake-S" },
	ONE(0xa720, 12, "Raptor Lake-P"), ONE(0xa7a0, 12, "Raptor Lake-P"), ONE(0xa7a8, 12, "Raptor Lake-P"),
	ONE(0xa7aa, 12, "Raptor Lake-P"), ONE(0xa7ab, 12, "Raptor Lake-P"),
	ONE(0xa721, 12, "Raptor Lake-U"), ONE(0xa7a1, 12, "Raptor Lake-U"), ONE(0xa7a9, 12, "Raptor Lake-U"),
	ONE(0xa7ac, 12, "Raptor Lake-U"), ONE(0xa7ad, 12, "Raptor Lake-U"),
	ONE(0x7d40, 12, "Meteor Lake"), ONE(0x7d45, 12, "Meteor Lake"), ONE(0x7d55, 12, "Meteor Lake"),
	ONE(0x7d60, 12, "Meteor Lake"), ONE(0x7dd5, 12, "Meteor Lake"),
	ONE(0x7d41, 12, "Arrow Lake"), ONE(0x7d51, 12, "Arrow Lake"), ONE(0x7d67, 12, "Arrow Lake"),
	ONE(0x7dd1, 12, "Arrow Lake"), ONE(0xb640, 12, "Arrow Lake"),
	ONE(0x6420, 20, "Lunar Lake"), ONE(0x64a0, 20, "Lunar Lake"), ONE(0x64b0, 20, "Lunar Lake"),
	{ 0xb080, 0xb082, 30, "Panther Lake" }, { 0xb090, 0xb092, 30, "Panther Lake" },
	{ 0xb0a0, 0xb0a2, 30, "Panther Lake" },
	/* Haswell: 04x2/6/A/B/E, 0A.., 0C.., 0D.. (GT1/2/3 desktop, mobile, ULT, ULX, SDV, CRW) */
	{ 0x0402, 0x042e, 7, "Haswell" }, { 0x0a02, 0x0a2e, 7, "Haswell" },
	{ 0x0c02, 0x0c2e, 7, "Haswell" }, { 0x0d02, 0x0d2e, 7, "Haswell" },
};

struct igd_gen igd_gen_lookup(uint16_t device)
{
	for (size_t i = 0; i < sizeof(igd_ids) / sizeof(igd_ids[0]); i++)
		if (device >= igd_ids[i].lo && device <= igd_ids[i].hi)
			return (struct igd_gen){ igd_ids[i].gen, igd_ids[i].platform };
	return (struct igd_gen){ 0, NULL };
}
