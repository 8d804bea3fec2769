/* ids.c - the device id table (sources: see ids.h)
 *
 * QEMU columns: <= 9.1 knew SNB/IVB/HSW/VLV as gen 6 and BDW/CHV/SKL/KBL/BXT
 * as gen 8 and took any other id as gen 8; 9.2 added only CFL (0x3e), EHL
 * (0x45) and TGL (0x9a) and refuses the rest; 10.x matches on the high byte
 * (id & 0xff00) for every platform up to Raptor Lake.
 */
#include "igd/ids.h"

#include <stddef.h>

enum plat {
	P_GM45, P_G45, P_ILK, P_SNB, P_IVB, P_HSW, P_VLV, P_BDW, P_CHV, P_SKL, P_BXT, P_GLK, P_KBL, P_AML_KBL,
	P_CFL, P_AML_CFL, P_WHL, P_CML, P_CNL, P_ICL, P_EHL, P_JSL, P_TGL, P_RKL, P_ADLS, P_ADLP, P_ADLN,
	P_RPLS, P_RPLP, P_MTL, P_ARL, P_LNL, P_PTL,
};

static const struct igd_id_info plats[] = {
	/*                 platform                 cpu                       gen q10 q92 q91 vbios gvt  sriov */
	[P_GM45] =    { "GM45 (Core 2 mobile)",     "Core 2",                  4, -1, -1, 8, false, false, false },
	[P_G45] =     { "G45/G41 (Eaglelake)",      "Core 2",                  4, -1, -1, 8, false, false, false },
	[P_ILK] =     { "Ironlake (Arrandale/Clarkdale)", "1st gen Core",     5, -1, -1, 8, false, false, false },
	[P_SNB] =     { "Sandy Bridge",             "2nd gen Core",            6, 6, 6, 6, true, false, false },
	[P_IVB] =     { "Ivy Bridge",               "3rd gen Core",            7, 6, 6, 6, true, false, false },
	[P_HSW] =     { "Haswell",                  "4th gen Core",            7, 7, 6, 6, true, false, false },
	[P_VLV] =     { "Valleyview (Bay Trail)",   "Atom/Celeron",            7, 7, 6, 6, true, false, false },
	[P_BDW] =     { "Broadwell",                "5th gen Core",            8, 8, 8, 8, true, true, false },
	[P_CHV] =     { "Cherryview (Braswell)",    "Atom/Celeron",            8, 8, 8, 8, true, false, false },
	[P_SKL] =     { "Skylake",                  "6th gen Core",            9, 9, 8, 8, true, true, false },
	[P_BXT] =     { "Broxton (Apollo Lake)",    "Atom/Celeron/Pentium",    9, 9, 8, 8, true, true, false },
	[P_GLK] =     { "Gemini Lake",              "Celeron/Pentium Silver",  9, 9, -1, 8, true, false, false },
	[P_KBL] =     { "Kaby Lake",                "7th gen Core",            9, 9, 8, 8, true, true, false },
	[P_AML_KBL] = { "Amber Lake (KBL)",         "8th gen Core Y",          9, -1, -1, 8, true, true, false },
	[P_CFL] =     { "Coffee Lake",              "8th/9th gen Core",        9, 9, 9, 8, true, true, false },
	[P_AML_CFL] = { "Amber Lake (CFL)",         "8th gen Core Y",          9, -1, -1, 8, true, true, false },
	[P_WHL] =     { "Whiskey Lake",             "8th gen Core U",          9, 9, 9, 8, true, true, false },
	[P_CML] =     { "Comet Lake",               "10th gen Core",           9, 9, -1, 8, true, true, false },
	[P_CNL] =     { "Cannon Lake",              "8th gen Core (i3-8121U)", 10, -1, -1, 8, false, false, false },
	[P_ICL] =     { "Ice Lake",                 "10th gen Core (mobile)",  11, 11, -1, 8, false, false, false },
	[P_EHL] =     { "Elkhart Lake",             "Atom x6000",              11, 11, 11, 8, false, false, false },
	[P_JSL] =     { "Jasper Lake",              "Celeron/Pentium N",       11, 11, -1, 8, false, false, false },
	[P_TGL] =     { "Tiger Lake",               "11th gen Core (mobile)",  12, 12, 12, 8, false, false, true },
	[P_RKL] =     { "Rocket Lake",              "11th gen Core (desktop)", 12, 12, -1, 8, false, false, true },
	[P_ADLS] =    { "Alder Lake-S",             "12th gen Core (desktop)", 12, 12, -1, 8, false, false, true },
	[P_ADLP] =    { "Alder Lake-P",             "12th gen Core (mobile)",  12, 12, -1, 8, false, false, true },
	[P_ADLN] =    { "Alder Lake-N / Twin Lake", "N95-N355, i3-N305",       12, 12, -1, 8, false, false, true },
	[P_RPLS] =    { "Raptor Lake-S",            "13th/14th gen Core",      12, 12, -1, 8, false, false, true },
	[P_RPLP] =    { "Raptor Lake-P/U",          "13th gen Core (mobile)",  12, 12, -1, 8, false, false, true },
	[P_MTL] =     { "Meteor Lake",              "Core Ultra series 1",     12, -1, -1, 8, false, false, true },
	[P_ARL] =     { "Arrow Lake",               "Core Ultra series 2",     12, -1, -1, 8, false, false, true },
	[P_LNL] =     { "Lunar Lake",               "Core Ultra 200V",         20, -1, -1, 8, false, false, false },
	[P_PTL] =     { "Panther Lake",             "Core Ultra series 3",     30, -1, -1, 8, false, false, false },
};

struct id_range {
	uint16_t lo, hi;
	uint8_t plat;
};

/* Ranges are used only where i915_pciids.h lists every id in between. */
static const struct id_range ids[] = {
	{ 0x2a42, 0x2a42, P_GM45 },
	{ 0x2e02, 0x2e02, P_G45 }, { 0x2e12, 0x2e12, P_G45 }, { 0x2e22, 0x2e22, P_G45 }, { 0x2e32, 0x2e32, P_G45 },
	{ 0x2e42, 0x2e42, P_G45 }, { 0x2e92, 0x2e92, P_G45 },
	{ 0x0042, 0x0042, P_ILK }, { 0x0046, 0x0046, P_ILK },
	{ 0x0102, 0x0102, P_SNB }, { 0x010a, 0x010a, P_SNB }, { 0x0112, 0x0112, P_SNB }, { 0x0122, 0x0122, P_SNB },
	{ 0x0106, 0x0106, P_SNB }, { 0x0116, 0x0116, P_SNB }, { 0x0126, 0x0126, P_SNB },
	{ 0x0152, 0x0152, P_IVB }, { 0x015a, 0x015a, P_IVB }, { 0x0156, 0x0156, P_IVB }, { 0x0162, 0x0162, P_IVB },
	{ 0x016a, 0x016a, P_IVB }, { 0x0166, 0x0166, P_IVB },
	/* Haswell: GT1/2/3 x desktop/server/reserved/mobile in the 04, 0A, 0C, 0D families */
	{ 0x0402, 0x0402, P_HSW }, { 0x0406, 0x0406, P_HSW }, { 0x040a, 0x040b, P_HSW }, { 0x040e, 0x040e, P_HSW },
	{ 0x0412, 0x0412, P_HSW }, { 0x0416, 0x0416, P_HSW }, { 0x041a, 0x041b, P_HSW }, { 0x041e, 0x041e, P_HSW },
	{ 0x0422, 0x0422, P_HSW }, { 0x0426, 0x0426, P_HSW }, { 0x042a, 0x042b, P_HSW }, { 0x042e, 0x042e, P_HSW },
	{ 0x0a02, 0x0a02, P_HSW }, { 0x0a06, 0x0a06, P_HSW }, { 0x0a0a, 0x0a0b, P_HSW }, { 0x0a0e, 0x0a0e, P_HSW },
	{ 0x0a12, 0x0a12, P_HSW }, { 0x0a16, 0x0a16, P_HSW }, { 0x0a1a, 0x0a1b, P_HSW }, { 0x0a1e, 0x0a1e, P_HSW },
	{ 0x0a22, 0x0a22, P_HSW }, { 0x0a26, 0x0a26, P_HSW }, { 0x0a2a, 0x0a2b, P_HSW }, { 0x0a2e, 0x0a2e, P_HSW },
	{ 0x0c02, 0x0c02, P_HSW }, { 0x0c06, 0x0c06, P_HSW }, { 0x0c0a, 0x0c0b, P_HSW }, { 0x0c0e, 0x0c0e, P_HSW },
	{ 0x0c12, 0x0c12, P_HSW }, { 0x0c16, 0x0c16, P_HSW }, { 0x0c1a, 0x0c1b, P_HSW }, { 0x0c1e, 0x0c1e, P_HSW },
	{ 0x0c22, 0x0c22, P_HSW }, { 0x0c26, 0x0c26, P_HSW }, { 0x0c2a, 0x0c2b, P_HSW }, { 0x0c2e, 0x0c2e, P_HSW },
	{ 0x0d02, 0x0d02, P_HSW }, { 0x0d06, 0x0d06, P_HSW }, { 0x0d0a, 0x0d0b, P_HSW }, { 0x0d0e, 0x0d0e, P_HSW },
	{ 0x0d12, 0x0d12, P_HSW }, { 0x0d16, 0x0d16, P_HSW }, { 0x0d1a, 0x0d1b, P_HSW }, { 0x0d1e, 0x0d1e, P_HSW },
	{ 0x0d22, 0x0d22, P_HSW }, { 0x0d26, 0x0d26, P_HSW }, { 0x0d2a, 0x0d2b, P_HSW }, { 0x0d2e, 0x0d2e, P_HSW },
	{ 0x0f30, 0x0f33, P_VLV },
	{ 0x1602, 0x1602, P_BDW }, { 0x1606, 0x1606, P_BDW }, { 0x160a, 0x160b, P_BDW }, { 0x160d, 0x160e, P_BDW },
	{ 0x1612, 0x1612, P_BDW }, { 0x1616, 0x1616, P_BDW }, { 0x161a, 0x161b, P_BDW }, { 0x161d, 0x161e, P_BDW },
	{ 0x1622, 0x1622, P_BDW }, { 0x1626, 0x1626, P_BDW }, { 0x162a, 0x162b, P_BDW }, { 0x162d, 0x162e, P_BDW },
	{ 0x1632, 0x1632, P_BDW }, { 0x1636, 0x1636, P_BDW }, { 0x163a, 0x163b, P_BDW }, { 0x163d, 0x163e, P_BDW },
	{ 0x22b0, 0x22b3, P_CHV },
	{ 0x1902, 0x1902, P_SKL }, { 0x1906, 0x1906, P_SKL }, { 0x190a, 0x190b, P_SKL }, { 0x190e, 0x190e, P_SKL },
	{ 0x1912, 0x1913, P_SKL }, { 0x1915, 0x1917, P_SKL }, { 0x191a, 0x191b, P_SKL }, { 0x191d, 0x191e, P_SKL },
	{ 0x1921, 0x1921, P_SKL }, { 0x1923, 0x1923, P_SKL }, { 0x1926, 0x1927, P_SKL }, { 0x192a, 0x192b, P_SKL },
	{ 0x192d, 0x192d, P_SKL }, { 0x1932, 0x1932, P_SKL }, { 0x193a, 0x193b, P_SKL }, { 0x193d, 0x193d, P_SKL },
	{ 0x0a84, 0x0a84, P_BXT }, { 0x1a84, 0x1a85, P_BXT }, { 0x5a84, 0x5a85, P_BXT },
	{ 0x3184, 0x3185, P_GLK },
	{ 0x5902, 0x5902, P_KBL }, { 0x5906, 0x5906, P_KBL }, { 0x5908, 0x5908, P_KBL }, { 0x590a, 0x590b, P_KBL },
	{ 0x590e, 0x590e, P_KBL }, { 0x5912, 0x5913, P_KBL }, { 0x5915, 0x5917, P_KBL }, { 0x591a, 0x591b, P_KBL },
	{ 0x591d, 0x591e, P_KBL }, { 0x5921, 0x5921, P_KBL }, { 0x5923, 0x5923, P_KBL }, { 0x5926, 0x5927, P_KBL },
	{ 0x593b, 0x593b, P_KBL }, { 0x591c, 0x591c, P_KBL }, { 0x87c0, 0x87c0, P_AML_KBL },
	{ 0x3e90, 0x3e94, P_CFL }, { 0x3e96, 0x3e96, P_CFL }, { 0x3e98, 0x3e9c, P_CFL }, { 0x3ea5, 0x3ea9, P_CFL },
	{ 0x87ca, 0x87ca, P_AML_CFL },
	{ 0x3ea0, 0x3ea4, P_WHL },
	{ 0x9b21, 0x9b21, P_CML }, { 0x9b41, 0x9b41, P_CML }, { 0x9ba2, 0x9ba2, P_CML }, { 0x9ba4, 0x9ba5, P_CML },
	{ 0x9ba8, 0x9ba8, P_CML }, { 0x9baa, 0x9baa, P_CML }, { 0x9bac, 0x9bac, P_CML }, { 0x9bc2, 0x9bc2, P_CML },
	{ 0x9bc4, 0x9bc6, P_CML }, { 0x9bc8, 0x9bc8, P_CML }, { 0x9bca, 0x9bca, P_CML }, { 0x9bcc, 0x9bcc, P_CML },
	{ 0x9be6, 0x9be6, P_CML }, { 0x9bf6, 0x9bf6, P_CML },
	{ 0x5a40, 0x5a42, P_CNL }, { 0x5a44, 0x5a44, P_CNL }, { 0x5a49, 0x5a4a, P_CNL }, { 0x5a4c, 0x5a4c, P_CNL },
	{ 0x5a50, 0x5a52, P_CNL }, { 0x5a54, 0x5a54, P_CNL }, { 0x5a59, 0x5a5a, P_CNL }, { 0x5a5c, 0x5a5c, P_CNL },
	{ 0x8a50, 0x8a54, P_ICL }, { 0x8a56, 0x8a5d, P_ICL }, { 0x8a70, 0x8a71, P_ICL },
	{ 0x4500, 0x4500, P_EHL }, { 0x4541, 0x4541, P_EHL }, { 0x4551, 0x4551, P_EHL }, { 0x4555, 0x4555, P_EHL },
	{ 0x4557, 0x4557, P_EHL }, { 0x4570, 0x4571, P_EHL },
	{ 0x4e51, 0x4e51, P_JSL }, { 0x4e55, 0x4e55, P_JSL }, { 0x4e57, 0x4e57, P_JSL }, { 0x4e61, 0x4e61, P_JSL },
	{ 0x4e71, 0x4e71, P_JSL },
	{ 0x9a40, 0x9a40, P_TGL }, { 0x9a49, 0x9a49, P_TGL }, { 0x9a59, 0x9a59, P_TGL }, { 0x9a60, 0x9a60, P_TGL },
	{ 0x9a68, 0x9a68, P_TGL }, { 0x9a70, 0x9a70, P_TGL }, { 0x9a78, 0x9a78, P_TGL }, { 0x9ac0, 0x9ac0, P_TGL },
	{ 0x9ac9, 0x9ac9, P_TGL }, { 0x9ad9, 0x9ad9, P_TGL }, { 0x9af8, 0x9af8, P_TGL },
	{ 0x4c80, 0x4c80, P_RKL }, { 0x4c8a, 0x4c8c, P_RKL }, { 0x4c90, 0x4c90, P_RKL }, { 0x4c9a, 0x4c9a, P_RKL },
	{ 0x4680, 0x4680, P_ADLS }, { 0x4682, 0x4682, P_ADLS }, { 0x4688, 0x4688, P_ADLS }, { 0x468a, 0x468b, P_ADLS },
	{ 0x4690, 0x4690, P_ADLS }, { 0x4692, 0x4693, P_ADLS },
	{ 0x46a0, 0x46a3, P_ADLP }, { 0x46a6, 0x46a6, P_ADLP }, { 0x46a8, 0x46a8, P_ADLP }, { 0x46aa, 0x46aa, P_ADLP },
	{ 0x462a, 0x462a, P_ADLP }, { 0x4626, 0x4626, P_ADLP }, { 0x4628, 0x4628, P_ADLP }, { 0x46b0, 0x46b3, P_ADLP },
	{ 0x46c0, 0x46c3, P_ADLP },
	{ 0x46d0, 0x46d4, P_ADLN },
	{ 0xa780, 0xa783, P_RPLS }, { 0xa788, 0xa78b, P_RPLS },
	{ 0xa720, 0xa721, P_RPLP }, { 0xa7a0, 0xa7a1, P_RPLP }, { 0xa7a8, 0xa7a9, P_RPLP }, { 0xa7aa, 0xa7ad, P_RPLP },
	{ 0x7d40, 0x7d40, P_MTL }, { 0x7d45, 0x7d45, P_MTL }, { 0x7d55, 0x7d55, P_MTL }, { 0x7d60, 0x7d60, P_MTL },
	{ 0x7dd5, 0x7dd5, P_MTL },
	{ 0x7d41, 0x7d41, P_ARL }, { 0x7d51, 0x7d51, P_ARL }, { 0x7d67, 0x7d67, P_ARL }, { 0x7dd1, 0x7dd1, P_ARL },
	{ 0xb640, 0xb640, P_ARL },
	{ 0x6420, 0x6420, P_LNL }, { 0x64a0, 0x64a0, P_LNL }, { 0x64b0, 0x64b0, P_LNL },
	{ 0xb080, 0xb082, P_PTL }, { 0xb090, 0xb092, P_PTL }, { 0xb0a0, 0xb0a2, P_PTL },
};

const struct igd_id_info *igd_id_lookup(uint16_t device_id)
{
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (device_id >= ids[i].lo && device_id <= ids[i].hi)
			return &plats[ids[i].plat];
	return NULL;
}

struct igd_gen igd_gen_lookup(uint16_t device)
{
	const struct igd_id_info *x = igd_id_lookup(device);
	if (!x || !x->gen)
		return (struct igd_gen){ 0, NULL };
	return (struct igd_gen){ x->gen, x->platform };
}

/* No libc: this file is also linked into igdkit's EFI assignment driver. */
static bool same_text(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

bool igd_same_platform(uint16_t a, uint16_t b)
{
	const struct igd_id_info *x = igd_id_lookup(a), *y = igd_id_lookup(b);
	return x && y && x->gen && x->gen == y->gen && x->platform && y->platform && same_text(x->platform, y->platform);
}
