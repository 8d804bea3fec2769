/* romparser_expected.h - rom-parser's verbatim output on the ROM fixtures, typed in from
 * ../shared/fixtures/EXPECTED.md ("rom-parser on the ROM fixtures"), as text and as fields.
 * Included by tests/unit/rom/pcir.c and tests/unit/rom/check_cli.c.
 */
#ifndef ROMPARSER_EXPECTED_H
#define ROMPARSER_EXPECTED_H

#include <stdbool.h>
#include <stdint.h>

struct rp_image {
	uint32_t off;
	uint16_t pcir;
	uint8_t type;
	uint16_t vendor, device;
	const char *cls;
	uint8_t revision;
	uint16_t vendor_revision;
	bool efi;		/* "EFI: Signature Valid, Subsystem: Boot, Machine: X64" */
	bool last;
};

struct rp_rom {
	const char *path;
	const char *text;	/* rom-parser's stdout, without the "rc=0" line */
	unsigned n;
	struct rp_image img[3];
};

#define RP_EFI_LINE "\t\tEFI: Signature Valid, Subsystem: Boot, Machine: X64\n"
#define RP_EFI_ROM(p, dev, cls_)                                                                      \
	{ p,                                                                                          \
	  "Valid ROM signature found @0h, PCIR offset 1ch\n"                                          \
	  "\tPCIR: type 3 (EFI), vendor: 8086, device: " #dev ", class: " cls_ "\n"                    \
	  "\tPCIR: revision 3, vendor revision: 0\n" RP_EFI_LINE "\tLast image\n",                      \
	  1, { { 0, 0x1c, 3, 0x8086, 0x##dev, cls_, 3, 0, true, true } } }
#define RP_LEGACY_INTEL(p, dev)                                                                       \
	{ p,                                                                                          \
	  "Valid ROM signature found @0h, PCIR offset 40h\n"                                          \
	  "\tPCIR: type 0 (x86 PC-AT), vendor: 8086, device: " #dev ", class: 030000\n"                \
	  "\tPCIR: revision 3, vendor revision: 0\n\tLast image\n",                                   \
	  1, { { 0, 0x40, 0, 0x8086, 0x##dev, "030000", 3, 0, false, true } } }

static const struct rp_rom rp_roms[] = {
	RP_EFI_ROM("gop-rom/adlp-46a6-gop.rom", 46a6, "000000"),
	RP_EFI_ROM("gop-rom/cfl-3e91-gop.rom", 3e91, "000000"),
	RP_EFI_ROM("gop-rom/gen12-a780-igd.rom", a780, "000000"),
	RP_EFI_ROM("gop-rom/i915ovmf-1926.rom", 1926, "030000"),
	RP_EFI_ROM("gop-rom/jsl-4e61-gop.rom", 4e61, "000000"),
	{ "vbios-legacy/amd-kabini-vbios.rom",
	  "Valid ROM signature found @0h, PCIR offset 1c4h\n"
	  "\tPCIR: type 0 (x86 PC-AT), vendor: 1002, device: 9850, class: 030000\n"
	  "\tPCIR: revision 0, vendor revision: f2a\n\tLast image\n",
	  1, { { 0, 0x1c4, 0, 0x1002, 0x9850, "030000", 0, 0xf2a, false, true } } },
	RP_LEGACY_INTEL("vbios-legacy/bsw-22b0-vbios.rom", 22b0),
	RP_LEGACY_INTEL("vbios-legacy/hsw-0406-vbios.rom", 0406),
	RP_LEGACY_INTEL("vbios-legacy/snb-0102-vbios.rom", 0102),
	{ "gop-n150-adln/n150_vfio_igd.rom",
	  "Valid ROM signature found @0h, PCIR offset 1ch\n"
	  "\tPCIR: type 3 (EFI), vendor: 8086, device: ffff, class: 000000\n"
	  "\tPCIR: revision 3, vendor revision: 0\n" RP_EFI_LINE
	  "Valid ROM signature found @28a00h, PCIR offset 1ch\n"
	  "\tPCIR: type 3 (EFI), vendor: 8086, device: ffff, class: 000000\n"
	  "\tPCIR: revision 3, vendor revision: 0\n" RP_EFI_LINE
	  "Valid ROM signature found @2d000h, PCIR offset 1ch\n"
	  "\tPCIR: type 3 (EFI), vendor: 8086, device: ffff, class: 000000\n"
	  "\tPCIR: revision 3, vendor revision: 0\n" RP_EFI_LINE "\tLast image\n",
	  3,
	  { { 0, 0x1c, 3, 0x8086, 0xffff, "000000", 3, 0, true, false },
	    { 0x28a00, 0x1c, 3, 0x8086, 0xffff, "000000", 3, 0, true, false },
	    { 0x2d000, 0x1c, 3, 0x8086, 0xffff, "000000", 3, 0, true, true } } },
	RP_EFI_ROM("ovmf-gop-glk/igd.rom", 3185, "000000"),
};

#define RP_NROMS (sizeof(rp_roms) / sizeof(rp_roms[0]))

#endif
