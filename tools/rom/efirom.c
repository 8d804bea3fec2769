/* efirom.c - PCI expansion ROM images laid out byte for byte as EDK2's EfiRom lays them out */
#include "rom/efirom.h"

#include <stdlib.h>
#include <string.h>

#include "fw/tiano.h"
#include "igd/ids.h"
#include "lib/reader.h"

enum {
	ROM_HDR_LEN = 0x1A,		/* EFI_PCI_EXPANSION_ROM_HEADER */
	PCIR_OFF = 0x1C,		/* after the header, padded to 4 */
	PCIR30_LEN = 0x1C,		/* PCI_3_0_DATA_STRUCTURE */
	EFI_HDR_TOTAL = PCIR_OFF + PCIR30_LEN,	/* 0x38: where a compressed image starts */
	ROM_BLOCK = 512,
	EFI_ROM_SIGNATURE = 0x0EF1,
	PCIR_CODE_LEGACY = 0,
	PCIR_CODE_EFI = 3,
	PCIR_LAST = 0x80,
	VBIOS_CHECKSUM_BYTE = 6,	/* the byte QEMU adjusts in a VBIOS it patches; we do the same */
};

static const char *machine_name(uint16_t m)
{
	switch (m) {
	case 0x8664: return "x64";
	case 0x014c: return "ia32";
	case 0xaa64: return "aarch64";
	}
	return NULL;
}

int optrom_pe_check(const uint8_t *efi, size_t len, uint64_t base, struct optrom_pe *pe, struct diag *d)
{
	struct reader r;
	uint16_t mz, machine, opt_len, magic, subsystem;
	uint32_t lfanew, sig;

	rd_init(&r, efi, len, base, d);
	if (rd_u16le_at(&r, 0, &mz, "EFI image DOS signature") < 0)
		return -1;
	if (mz != 0x5a4d)
		return diag_err(d, base, "EFI image: DOS signature is 0x%04x, expected \"MZ\" (not a PE/COFF image)", mz);
	if (rd_u32le_at(&r, 0x3c, &lfanew, "EFI image e_lfanew") < 0)
		return -1;
	if (rd_u32le_at(&r, lfanew, &sig, "EFI image PE signature") < 0)
		return -1;
	if (sig != 0x00004550)
		return diag_err(d, base + lfanew, "EFI image: PE signature is 0x%08x, expected \"PE\\0\\0\"", sig);
	if (rd_u16le_at(&r, (size_t)lfanew + 4, &machine, "EFI image COFF machine") < 0 ||
	    rd_u16le_at(&r, (size_t)lfanew + 20, &opt_len, "EFI image SizeOfOptionalHeader") < 0)
		return -1;
	if (!machine_name(machine))
		return diag_err(d, base + lfanew + 4, "EFI image: machine 0x%04x is not x64, ia32 or aarch64", machine);
	if (opt_len < 70)
		return diag_err(d, base + lfanew + 20, "EFI image: optional header of %u bytes has no Subsystem field",
				opt_len);
	if (rd_u16le_at(&r, (size_t)lfanew + 24, &magic, "EFI image optional header magic") < 0 ||
	    rd_u16le_at(&r, (size_t)lfanew + 24 + 68, &subsystem, "EFI image Subsystem") < 0)
		return -1;
	if (magic != 0x10b && magic != 0x20b)
		return diag_err(d, base + lfanew + 24, "EFI image: optional header magic 0x%04x, expected 0x10b or 0x20b",
				magic);
	if (subsystem < 10 || subsystem > 13)
		return diag_err(d, base + lfanew + 24 + 68, "EFI image: subsystem %u is not an EFI subsystem (10-13)",
				subsystem);
	pe->machine = machine;
	pe->subsystem = subsystem;
	pe->pe32plus = magic == 0x20b;
	return 0;
}

int optrom_build_efi(const uint8_t *efi, size_t len, const struct optrom_efi_opts *o,
		     uint8_t **out, size_t *out_len, struct diag *d)
{
	struct optrom_pe pe;
	uint8_t *packed = NULL;
	const uint8_t *payload = efi;
	size_t plen = len;

	*out = NULL;
	*out_len = 0;
	if (optrom_pe_check(efi, len, 0, &pe, d) < 0)
		return -1;
	if (len > OPTROM_MAX_SIZE)
		return diag_err(d, DIAG_NO_OFFSET, "EFI image of %zu bytes exceeds the 16 MiB option ROM limit", len);
	if (o->compress) {
		if (efi_compress(efi, len, &packed, &plen) < 0)
			return diag_err(d, DIAG_NO_OFFSET, "EFI compression of %zu bytes failed", len);
		payload = packed;
	}
	/* EfiRom rounds with (n + 0x200) & ~0x1ff, which is a plain round-up once n & 0x1ff != 0. */
	size_t total = (plen + EFI_HDR_TOTAL + ROM_BLOCK - 1) / ROM_BLOCK * ROM_BLOCK;
	if (total > OPTROM_MAX_SIZE) {
		free(packed);
		return diag_err(d, DIAG_NO_OFFSET, "option ROM image of %zu bytes exceeds the 16 MiB limit", total);
	}
	size_t pad = total - plen - EFI_HDR_TOTAL;
	/* EfiRom's workaround: padding before an uncompressed image, after a compressed one. */
	size_t pad_before = o->compress ? 0 : pad;
	uint8_t *b = malloc(total);
	if (!b) {
		free(packed);
		return diag_err(d, DIAG_NO_OFFSET, "out of memory for a %zu-byte ROM image", total);
	}
	memset(b, 0, EFI_HDR_TOTAL);
	memset(b + EFI_HDR_TOTAL, 0xff, total - EFI_HDR_TOTAL);

	b[0] = 0x55;
	b[1] = 0xaa;
	put_le16(b + 0x02, (uint16_t)(total / ROM_BLOCK));
	put_le32(b + 0x04, EFI_ROM_SIGNATURE);
	put_le16(b + 0x08, pe.subsystem);
	put_le16(b + 0x0A, pe.machine);
	put_le16(b + 0x0C, o->compress ? 1 : 0);
	put_le16(b + 0x16, (uint16_t)(EFI_HDR_TOTAL + pad_before));
	put_le16(b + 0x18, PCIR_OFF);

	uint8_t *p = b + PCIR_OFF;
	memcpy(p, "PCIR", 4);
	put_le16(p + 0x04, o->vendor);
	put_le16(p + 0x06, o->device);
	put_le16(p + 0x0A, PCIR30_LEN);
	p[0x0C] = 3;
	put_le24(p + 0x0D, o->class_code & 0xffffff);
	put_le16(p + 0x10, (uint16_t)(total / ROM_BLOCK));
	put_le16(p + 0x12, o->code_revision);
	p[0x14] = PCIR_CODE_EFI;
	p[0x15] = o->last ? PCIR_LAST : 0;

	memcpy(b + EFI_HDR_TOTAL + pad_before, payload, plen);
	free(packed);
	*out = b;
	*out_len = total;
	return 0;
}

/*
 * The Gen6-9 VBIOS routine that returns BDSM keeps it in a dword of its own code segment:
 *   cmp dword [cs:v], 0 / je compute / mov eax, [cs:v] / jmp done / compute: mov ax, 0x105e ...
 * Matching those 19 bytes, with both cs: displacements equal, finds v. The same anchor QEMU's
 * vfio uses, so we clear exactly what QEMU would have cleared had it read the ROM itself.
 */
int optrom_vbios_find_saved_bdsm(const uint8_t *img, size_t len, uint32_t *off)
{
	static const uint8_t cmp_cs[] = { 0x66, 0x2e, 0x83, 0x3e };		/* cmpl $0, %cs:disp16 */
	static const uint8_t je_mov[] = { 0x00, 0x74, 0x07, 0x66, 0x2e, 0xa1 };	/* imm 0; je +7; mov %cs:disp16,%eax */
	static const uint8_t jmp_pci[] = { 0xeb, 0x0f, 0xb8, 0x5e, 0x10 };	/* jmp +15; mov $0x105e,%ax */
	enum { PATTERN_LEN = 19 };
	unsigned hits = 0;
	uint32_t at = 0;

	if (len < PATTERN_LEN)
		return 1;
	for (size_t i = 0; i <= len - PATTERN_LEN; i++) {
		const uint8_t *c = img + i;
		if (c[0] != 0x66 || memcmp(c, cmp_cs, sizeof(cmp_cs)) || memcmp(c + 6, je_mov, sizeof(je_mov)) ||
		    memcmp(c + 14, jmp_pci, sizeof(jmp_pci)))
			continue;
		if (c[4] != c[12] || c[5] != c[13])
			continue;
		uint32_t v = le16(c + 4);
		if (v > len || len - v < 4)
			continue;
		hits++;
		at = v;
	}
	if (hits != 1)
		return 1;	/* none, or more than one: not sure which, so touch nothing */
	*off = at;
	return 0;
}

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

int optrom_legacy_prepare(const uint8_t *vbios, size_t len, uint16_t vendor, uint16_t device,
			  uint8_t **out, size_t *out_len, struct optrom_legacy_fix *fix, struct diag *d)
{
	struct reader r;
	uint16_t sig, pcir_off, ven, dev, pcir_len, img_blocks;
	uint8_t init_blocks, code_type, indicator;
	uint32_t pcir_sig;

	*out = NULL;
	*out_len = 0;
	memset(fix, 0, sizeof(*fix));
	rd_init(&r, vbios, len, 0, d);
	if (rd_u16le_at(&r, 0, &sig, "legacy ROM signature") < 0)
		return -1;
	if (sig != 0xaa55)
		return diag_err(d, 0, "legacy ROM: signature is 0x%04x, expected 0xAA55", sig);
	if (rd_u8_at(&r, 2, &init_blocks, "legacy ROM initialization size") < 0 ||
	    rd_u16le_at(&r, 0x18, &pcir_off, "legacy ROM PCIR offset") < 0)
		return -1;
	if (rd_u32le_at(&r, pcir_off, &pcir_sig, "legacy ROM PCIR signature") < 0)
		return -1;
	if (pcir_sig != 0x52494350)
		return diag_err(d, pcir_off, "legacy ROM: no \"PCIR\" at the PCIR offset 0x%x", pcir_off);
	if (rd_u16le_at(&r, (size_t)pcir_off + 4, &ven, "PCIR vendor") < 0 ||
	    rd_u16le_at(&r, (size_t)pcir_off + 6, &dev, "PCIR device") < 0 ||
	    rd_u16le_at(&r, (size_t)pcir_off + 0x0A, &pcir_len, "PCIR length") < 0 ||
	    rd_u16le_at(&r, (size_t)pcir_off + 0x10, &img_blocks, "PCIR image length") < 0 ||
	    rd_u8_at(&r, (size_t)pcir_off + 0x14, &code_type, "PCIR code type") < 0 ||
	    rd_u8_at(&r, (size_t)pcir_off + 0x15, &indicator, "PCIR indicator") < 0)
		return -1;
	if (code_type != PCIR_CODE_LEGACY)
		return diag_err(d, pcir_off + 0x14, "legacy ROM: PCIR code type %u, a legacy VBIOS has 0 (x86 PC-AT)",
				code_type);
	if (ven != vendor)
		return diag_err(d, pcir_off + 4, "legacy ROM: PCIR vendor %04x, expected %04x (not a VBIOS for this GPU)",
				ven, vendor);
	if (pcir_len < 0x18)
		return diag_err(d, pcir_off + 0x0A, "legacy ROM: PCIR length %u, at least 0x18 expected", pcir_len);
	if (img_blocks == 0 || init_blocks == 0)
		return diag_err(d, img_blocks ? 2 : pcir_off + 0x10u, "legacy ROM: zero image length");
	size_t image_len = (size_t)img_blocks * ROM_BLOCK, init_len = (size_t)init_blocks * ROM_BLOCK;
	if (image_len > len)
		return diag_err(d, pcir_off + 0x10, "legacy ROM: PCIR image length %zu bytes, but the file has %zu",
				image_len, len);
	if (init_len > image_len)
		return diag_err(d, 2, "legacy ROM: initialization size %zu bytes is larger than the image length %zu",
				init_len, image_len);
	if ((size_t)pcir_off + pcir_len > init_len)
		return diag_err(d, pcir_off, "legacy ROM: PCIR ends past the initialization size");

	uint8_t *b = malloc(image_len);
	if (!b)
		return diag_err(d, DIAG_NO_OFFSET, "out of memory for a %zu-byte legacy image", image_len);
	memcpy(b, vbios, image_len);

	fix->vendor = ven;
	fix->device = dev;
	fix->image_len = image_len;
	fix->init_len = init_len;
	if (dev != device && vendor == 0x8086 && igd_same_platform(dev, device)) {
		fix->device_patched = true;
		put_le16(b + pcir_off + 6, device);
		diag_note(d, pcir_off + 6, "legacy ROM: PCIR device %04x rewritten to %04x (one %s VBIOS serves both; "
			  "SeaBIOS runs it only for the id its PCIR names)", dev, device, igd_gen_lookup(device).platform);
	} else if (dev != device) {
		fix->device_mismatch = true;
		diag_warn(d, pcir_off + 6, "legacy ROM: PCIR device %04x differs from %04x; the VBIOS may refuse the GPU, "
			  "and SeaBIOS will not run it for %04x", dev, device, device);
	}
	if (indicator & PCIR_LAST) {
		fix->was_last = true;
		b[pcir_off + 0x15] = (uint8_t)(indicator & ~PCIR_LAST);
	}
	uint32_t slot;
	if (optrom_vbios_find_saved_bdsm(b, init_len, &slot) == 0) {
		fix->bdsm_slot_found = true;
		fix->bdsm_offset = slot;
		fix->bdsm_value = le32(b + slot);
		if (fix->bdsm_value) {
			put_le32(b + slot, 0);
			fix->bdsm_cleared = true;
		}
	}
	fix->checksum_old = b[VBIOS_CHECKSUM_BYTE];
	b[VBIOS_CHECKSUM_BYTE] = (uint8_t)(b[VBIOS_CHECKSUM_BYTE] - sum8(b, init_len));
	fix->checksum_new = b[VBIOS_CHECKSUM_BYTE];
	*out = b;
	*out_len = image_len;
	return 0;
}

void optrom_rom_free(struct optrom_rom *rom)
{
	free(rom->data);
	free(rom->images);
	memset(rom, 0, sizeof(*rom));
}

static int rom_append(struct optrom_rom *rom, const uint8_t *img, size_t n, struct diag *d)
{
	if (n > OPTROM_MAX_SIZE - rom->len)
		return diag_err(d, DIAG_NO_OFFSET, "option ROM would exceed the 16 MiB limit");
	uint8_t *p = realloc(rom->data, rom->len + n);
	if (!p)
		return diag_err(d, DIAG_NO_OFFSET, "out of memory for a %zu-byte option ROM", rom->len + n);
	memcpy(p + rom->len, img, n);
	rom->data = p;
	rom->len += n;
	return 0;
}

int optrom_build(const uint8_t *legacy, size_t legacy_len, const struct optrom_efi_input *efi, size_t nefi,
		 const struct optrom_efi_opts *o, struct optrom_rom *rom, struct diag *d)
{
	memset(rom, 0, sizeof(*rom));
	if (nefi == 0)
		return diag_err(d, DIAG_NO_OFFSET, "option ROM: at least one EFI image is needed");
	rom->images = calloc(nefi + 1, sizeof(*rom->images));
	if (!rom->images)
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");

	if (legacy) {
		uint8_t *img;
		size_t n;
		if (optrom_legacy_prepare(legacy, legacy_len, o->vendor, o->device, &img, &n, &rom->legacy, d) < 0)
			goto fail;
		int rc = rom_append(rom, img, n, d);
		free(img);
		if (rc < 0)
			goto fail;
		rom->has_legacy = true;
		rom->images[rom->nimages++] = (struct optrom_image_info){
			.kind = OPTROM_LEGACY, .offset = 0, .size = n,
			.vendor = rom->legacy.vendor, .device = rom->legacy.device_patched ? o->device : rom->legacy.device,
		};
	}
	for (size_t i = 0; i < nefi; i++) {
		struct optrom_efi_opts eo = *o;
		struct optrom_pe pe;
		uint8_t *img;
		size_t n;
		eo.last = i + 1 == nefi;
		size_t before = d ? d->n : 0;
		if (optrom_pe_check(efi[i].data, efi[i].len, 0, &pe, d) < 0 ||
		    optrom_build_efi(efi[i].data, efi[i].len, &eo, &img, &n, d) < 0) {
			/* say which input: the reader's message only knows the offset */
			if (d && d->n > before)
				diag_err(d, DIAG_NO_OFFSET, "%s: not wrapped into the ROM", efi[i].name ? efi[i].name : "EFI image");
			goto fail;
		}
		size_t at = rom->len;
		int rc = rom_append(rom, img, n, d);
		size_t payload_off = le16(img + 0x16);
		free(img);
		if (rc < 0)
			goto fail;
		rom->images[rom->nimages++] = (struct optrom_image_info){
			.kind = OPTROM_EFI, .offset = at, .size = n,
			.payload_offset = at + payload_off,
			.payload_size = efi[i].len,
			.efi_size = efi[i].len,
			.vendor = o->vendor, .device = o->device,
			.machine = pe.machine, .subsystem = pe.subsystem,
			.compressed = o->compress, .last = eo.last,
		};
		if (o->compress) {
			/* the stored stream length is in its own header */
			rom->images[rom->nimages - 1].payload_size = 8 + (size_t)le32(rom->data + at + payload_off);
		}
	}
	return 0;
fail:
	optrom_rom_free(rom);
	return -1;
}
