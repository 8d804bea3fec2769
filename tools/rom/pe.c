/* pe.c - PE/COFF header validation for EFI drivers carried in option ROMs */
#include "rom/pe.h"

#include <string.h>

#define COFF_HDR_LEN 20
#define SECTION_HDR_LEN 40
#define IMAGE_FILE_EXECUTABLE_IMAGE 0x0002
#define PE_DIR_SECURITY 4

const char *pe_machine_name(uint16_t machine)
{
	switch (machine) {
	case PE_MACHINE_I386: return "IA-32";
	case PE_MACHINE_IA64: return "Itanium";
	case PE_MACHINE_EBC: return "EFI Byte Code";
	case PE_MACHINE_X64: return "X64";
	case PE_MACHINE_ARM: return "ARM";
	case PE_MACHINE_ARM64: return "ARM 64-bit";
	case PE_MACHINE_RISCV64: return "RISC-V 64-bit";
	case PE_MACHINE_LOONGARCH64: return "LoongArch 64-bit";
	}
	return NULL;
}

const char *pe_subsystem_name(uint16_t subsystem)
{
	switch (subsystem) {
	case PE_SUBSYSTEM_EFI_APPLICATION: return "Application";
	case PE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER: return "Boot";
	case PE_SUBSYSTEM_EFI_RUNTIME_DRIVER: return "Runtime";
	}
	return NULL;
}

static void keep_max(size_t *m, uint64_t v)
{
	if (v > *m)
		*m = (size_t)v;
}

/* Section headers: raw data must lie in the file, virtual ranges in SizeOfImage. */
static int parse_sections(const struct reader *r, size_t at, struct pe_info *pe)
{
	int bad = 0;
	uint32_t prev_va_end = 0;

	if (rd_check(r, at, (size_t)pe->nsections * SECTION_HDR_LEN, "PE section table") < 0)
		return -1;
	for (size_t i = 0; i < pe->nsections; i++) {
		const uint8_t *h = r->p + at + i * SECTION_HDR_LEN;
		uint64_t hoff = rd_abs(r, at + i * SECTION_HDR_LEN);
		struct pe_section s;

		memset(&s, 0, sizeof(s));
		memcpy(s.name, h, 8);
		for (size_t k = 0; k < 8; k++)	/* names are for messages: keep them printable */
			if (s.name[k] && (s.name[k] < 0x20 || s.name[k] > 0x7e))
				s.name[k] = '?';
		s.virtual_size = le32(h + 8);
		s.virtual_address = le32(h + 12);
		s.raw_size = le32(h + 16);
		s.raw_offset = le32(h + 20);
		if (i < PE_MAX_SECTIONS) {
			pe->sec[i] = s;
			pe->nsec_kept = i + 1;
		}

		if (s.raw_size) {
			if (s.raw_offset > r->len || s.raw_size > r->len - s.raw_offset) {
				diag_err(r->d, hoff, "PE section %zu '%s': raw data 0x%x+0x%x runs past the %zu bytes available",
					 i, s.name, s.raw_offset, s.raw_size, r->len);
				bad = 1;
			} else {
				keep_max(&pe->file_size, (uint64_t)s.raw_offset + s.raw_size);
			}
		}
		uint64_t vend = (uint64_t)s.virtual_address + (s.virtual_size > s.raw_size ? s.virtual_size : s.raw_size);
		/* Raw size is rounded to FileAlignment and may poke past SizeOfImage; only the virtual size must fit. */
		uint64_t vneed = (uint64_t)s.virtual_address + (s.virtual_size ? s.virtual_size : s.raw_size);
		if (vneed > pe->size_of_image) {
			diag_err(r->d, hoff, "PE section %zu '%s': RVA 0x%x+0x%x beyond SizeOfImage 0x%x",
				 i, s.name, s.virtual_address, s.virtual_size, pe->size_of_image);
			bad = 1;
		}
		if (s.virtual_address < prev_va_end)
			diag_warn(r->d, hoff, "PE section %zu '%s': RVA 0x%x overlaps the previous section (ends 0x%x)",
				  i, s.name, s.virtual_address, prev_va_end);
		if (vend > prev_va_end)
			prev_va_end = (uint32_t)(vend > UINT32_MAX ? UINT32_MAX : vend);
	}
	return bad ? -1 : 0;
}

int pe_parse(const struct reader *r, struct pe_info *pe)
{
	uint16_t mz, optsize;
	uint32_t sig;
	size_t opt, fixed, ndir_at, dir_at;
	uint32_t ndirs;

	memset(pe, 0, sizeof(*pe));
	if (rd_u16le_at(r, 0, &mz, "PE: DOS header") < 0)
		return -1;
	if (mz != 0x5a4d)
		return diag_err(r->d, rd_abs(r, 0), "PE: expected 'MZ', found %02x %02x", mz & 0xff, mz >> 8);
	if (rd_u32le_at(r, 0x3c, &pe->e_lfanew, "PE: e_lfanew") < 0)
		return -1;
	if (pe->e_lfanew < 0x40 || pe->e_lfanew > r->len)
		return diag_err(r->d, rd_abs(r, 0x3c), "PE: e_lfanew 0x%x outside the %zu-byte image", pe->e_lfanew, r->len);
	if (rd_u32le_at(r, pe->e_lfanew, &sig, "PE signature") < 0)
		return -1;
	if (sig != 0x00004550)
		return diag_err(r->d, rd_abs(r, pe->e_lfanew), "PE: expected 'PE\\0\\0', found %08x", sig);
	if (rd_check(r, pe->e_lfanew + 4, COFF_HDR_LEN, "PE: COFF header") < 0)
		return -1;
	const uint8_t *c = r->p + pe->e_lfanew + 4;
	pe->machine = le16(c);
	pe->nsections = le16(c + 2);
	optsize = le16(c + 16);
	pe->characteristics = le16(c + 18);
	if (!pe_machine_name(pe->machine))
		diag_warn(r->d, rd_abs(r, pe->e_lfanew + 4), "PE: machine 0x%04x is not one EFI runs", pe->machine);
	if (!(pe->characteristics & IMAGE_FILE_EXECUTABLE_IMAGE))
		diag_warn(r->d, rd_abs(r, pe->e_lfanew + 22), "PE: characteristics 0x%04x lack EXECUTABLE_IMAGE",
			  pe->characteristics);
	if (pe->nsections == 0)
		return diag_err(r->d, rd_abs(r, pe->e_lfanew + 6), "PE: no sections");

	opt = pe->e_lfanew + 4 + COFF_HDR_LEN;
	if (rd_u16le_at(r, opt, &pe->opt_magic, "PE: optional header magic") < 0)
		return -1;
	if (pe->opt_magic == PE_OPT_MAGIC_PE32) {
		fixed = 96;
		ndir_at = 92;
	} else if (pe->opt_magic == PE_OPT_MAGIC_PE32PLUS) {
		fixed = 112;
		ndir_at = 108;
	} else {
		return diag_err(r->d, rd_abs(r, opt), "PE: optional header magic 0x%04x is neither PE32 (0x10b) nor PE32+ (0x20b)",
				pe->opt_magic);
	}
	if (optsize < fixed)
		return diag_err(r->d, rd_abs(r, pe->e_lfanew + 20), "PE: SizeOfOptionalHeader %u below the %zu bytes of a %s header",
				optsize, fixed, pe->opt_magic == PE_OPT_MAGIC_PE32 ? "PE32" : "PE32+");
	if (rd_check(r, opt, optsize, "PE: optional header") < 0)
		return -1;
	const uint8_t *o = r->p + opt;
	pe->entry_point = le32(o + 16);
	pe->section_alignment = le32(o + 32);
	pe->file_alignment = le32(o + 36);
	pe->size_of_image = le32(o + 56);
	pe->size_of_headers = le32(o + 60);
	pe->subsystem = le16(o + 68);
	ndirs = le32(o + ndir_at);
	dir_at = fixed;
	if (ndirs > (optsize - fixed) / 8) {
		diag_warn(r->d, rd_abs(r, opt + ndir_at), "PE: NumberOfRvaAndSizes %u does not fit SizeOfOptionalHeader %u",
			  ndirs, optsize);
		ndirs = (optsize - fixed) / 8;
	}
	if (!pe_subsystem_name(pe->subsystem))
		diag_warn(r->d, rd_abs(r, opt + 68), "PE: subsystem %u is not an EFI subsystem (10, 11, 12)", pe->subsystem);
	if (pe->size_of_headers > r->len)
		return diag_err(r->d, rd_abs(r, opt + 60), "PE: SizeOfHeaders 0x%x beyond the %zu bytes available",
				pe->size_of_headers, r->len);
	if (pe->size_of_image < pe->size_of_headers)
		return diag_err(r->d, rd_abs(r, opt + 56), "PE: SizeOfImage 0x%x smaller than SizeOfHeaders 0x%x",
				pe->size_of_image, pe->size_of_headers);
	if (pe->entry_point >= pe->size_of_image)
		diag_err(r->d, rd_abs(r, opt + 16), "PE: entry point RVA 0x%x beyond SizeOfImage 0x%x", pe->entry_point,
			 pe->size_of_image);
	keep_max(&pe->file_size, pe->size_of_headers);
	keep_max(&pe->file_size, opt + optsize + (size_t)pe->nsections * SECTION_HDR_LEN);

	/* Certificates are addressed by file offset and belong to the file. */
	if (ndirs > PE_DIR_SECURITY) {
		uint32_t coff = le32(o + dir_at + PE_DIR_SECURITY * 8), clen = le32(o + dir_at + PE_DIR_SECURITY * 8 + 4);
		if (clen) {
			if (coff > r->len || clen > r->len - coff)
				diag_err(r->d, rd_abs(r, opt + dir_at + PE_DIR_SECURITY * 8),
					 "PE: certificate table 0x%x+0x%x beyond the %zu bytes available", coff, clen, r->len);
			else
				keep_max(&pe->file_size, (uint64_t)coff + clen);
		}
	}
	int rc = parse_sections(r, opt + optsize, pe);
	if (pe->file_size > r->len)
		pe->file_size = r->len;
	if (rc < 0 || pe->entry_point >= pe->size_of_image)
		return -1;
	return 0;
}
