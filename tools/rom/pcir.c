/* pcir.c - walk the image chain of a PCI expansion ROM */
#include "rom/pcir.h"

#include <string.h>

#include "rom/pe.h"

#define ROM_HDR_LEN 0x1a		/* through the PCIR pointer */
#define EFI_ROM_HDR_LEN 0x1a
#define PCIR_MIN_LEN 0x18		/* PCI 2.2 */
#define PCIR_30_LEN 0x1c

const char *optrom_code_type_name(uint8_t t)
{
	switch (t) {
	case OPTROM_CODE_X86: return "x86 PC-AT";
	case OPTROM_CODE_OPENFIRMWARE: return "Open Firmware";
	case OPTROM_CODE_HPPA: return "HP PA RISC";
	case OPTROM_CODE_EFI: return "EFI";
	}
	return NULL;
}

const char *efi_rom_compression_name(uint16_t c)
{
	switch (c) {
	case EFI_ROM_UNCOMPRESSED: return "none";
	case EFI_ROM_EFI_COMPRESSED: return "EFI compression";
	}
	return NULL;
}

bool pcir_matches(const struct pcir_info *p, uint16_t vendor, uint16_t device)
{
	if (!p->valid || p->vendor != vendor)
		return false;
	if (p->device == device)
		return true;
	for (size_t i = 0; i < p->ndevlist; i++)
		if (p->devlist[i] == device)
			return true;
	return false;
}

void pcir_class_str(const struct pcir_info *p, char out[7])
{
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 3; i++) {
		out[2 * i] = hex[p->class_code[2 - i] >> 4];
		out[2 * i + 1] = hex[p->class_code[2 - i] & 15];
	}
	out[6] = 0;
}

static bool is_55aa(const struct reader *r, size_t at)
{
	return at <= r->len && r->len - at >= 2 && r->p[at] == 0x55 && r->p[at + 1] == 0xaa;
}

/* PCIR 3.0 device list: u16 ids up to a 0 terminator, inside the image. */
static void parse_devlist(const struct reader *img, struct pcir_info *p, size_t pcir_at)
{
	size_t at = pcir_at + p->devlist_ptr;
	uint64_t abs = rd_abs(img, at);

	for (;;) {
		uint16_t id;
		if (at > img->len || img->len - at < 2) {
			diag_err(img->d, abs, "PCIR device list at 0x%llx: no 0000 terminator before the image ends",
				 (unsigned long long)rd_abs(img, pcir_at + p->devlist_ptr));
			return;
		}
		id = le16(img->p + at);
		if (!id)
			return;
		if (p->ndevlist == PCIR_MAX_DEVLIST) {
			diag_warn(img->d, abs, "PCIR device list: more than %d ids; the rest is not checked", PCIR_MAX_DEVLIST);
			return;
		}
		p->devlist[p->ndevlist++] = id;
		at += 2;
		abs += 2;
	}
}

/* The PCI data structure of the image whose window is img. */
static int parse_pcir(const struct reader *img, struct optrom_image *m)
{
	struct pcir_info *p = &m->pcir;
	size_t at = m->pcir_ptr;
	uint64_t hdr = rd_abs(img, 0x18);
	uint8_t b[PCIR_30_LEN];

	p->off = rd_abs(img, at);
	if (at < ROM_HDR_LEN && at)
		diag_warn(img->d, hdr, "PCIR pointer 0x%x points into the ROM header", m->pcir_ptr);
	if (at > img->len || img->len - at < PCIR_MIN_LEN)
		return diag_err(img->d, hdr, "PCIR pointer 0x%x: no room for a PCI data structure (%zu bytes in the image)",
				m->pcir_ptr, img->len);
	memset(b, 0, sizeof(b));
	memcpy(b, img->p + at, img->len - at < PCIR_30_LEN ? img->len - at : PCIR_30_LEN);
	if (memcmp(b, "PCIR", 4))
		return diag_err(img->d, p->off, "expected 'PCIR' where the header points (0x%x), found %02x %02x %02x %02x",
				m->pcir_ptr, b[0], b[1], b[2], b[3]);
	p->valid = true;
	p->vendor = le16(b + 4);
	p->device = le16(b + 6);
	p->devlist_ptr = le16(b + 8);
	p->length = le16(b + 10);
	p->revision = b[12];
	memcpy(p->class_code, b + 13, 3);
	p->image_len_units = le16(b + 16);
	p->code_rev = le16(b + 18);
	p->code_type = b[20];
	p->indicator = b[21];
	if (p->revision >= 3) {
		p->max_runtime_units = le16(b + 22);
		p->config_util_ptr = le16(b + 24);
		p->dmtf_clp_ptr = le16(b + 26);
	}

	size_t need = p->revision >= 3 ? PCIR_30_LEN : PCIR_MIN_LEN;
	if (p->length < need)
		diag_warn(img->d, p->off + 10, "PCIR length 0x%x below the 0x%zx bytes of a revision %u structure",
			  p->length, need, p->revision);
	if (p->revision >= 3 && img->len - at < PCIR_30_LEN)
		diag_err(img->d, p->off, "PCIR 3.0 structure runs past the end of the image");
	if (p->revision != 0 && p->revision != 3)
		diag_warn(img->d, p->off + 12, "PCIR revision %u: PCI defines 0 (PCI 2.x) and 3 (PCI 3.0)", p->revision);
	if (p->revision >= 3 && p->devlist_ptr)
		parse_devlist(img, p, at);
	if (p->indicator & 0x7f)
		diag_warn(img->d, p->off + 21, "PCIR indicator 0x%02x: reserved bits set (bit 7 alone marks the last image)",
			  p->indicator);
	return 0;
}

/* Legacy x86 image: initialization size, checksum, entry jump, embedded VBT. */
static void check_legacy(const struct reader *img, struct optrom_image *m)
{
	uint64_t o = rd_abs(img, 0);
	m->is_legacy = true;
	m->init_size = (uint32_t)img->p[2] * OPTROM_BLOCK;
	if (!m->init_size) {
		diag_err(img->d, o + 2, "legacy image: initialization size 0");
	} else if (m->init_size > m->len && m->len) {
		diag_err(img->d, o + 2, "legacy image: initialization size 0x%x exceeds the image length 0x%x",
			 m->init_size, m->len);
	}
	/* The BIOS sums the initialization size; the window is clamped to the file. */
	m->checksum_len = m->init_size < img->len ? m->init_size : img->len;
	unsigned sum = 0;
	for (size_t i = 0; i < m->checksum_len; i++)
		sum += img->p[i];
	m->checksum_sum = (uint8_t)sum;
	m->checksum_ok = m->checksum_len == m->init_size && m->checksum_sum == 0;
	if (m->checksum_len < m->init_size)
		diag_err(img->d, o + 2, "legacy image: initialization size 0x%x but only 0x%zx bytes left in the file",
			 m->init_size, m->checksum_len);
	else if (m->checksum_sum)
		diag_err(img->d, o, "legacy image checksum wrong: the 0x%zx bytes sum to 0x%02x, not 0 (a BIOS refuses it)",
			 m->checksum_len, m->checksum_sum);
	if (img->len > 3 && img->p[3] != 0xe9 && img->p[3] != 0xeb)
		diag_warn(img->d, o + 3, "legacy image: entry point at 0x3 is %02x, not a jump (e9/eb)", img->p[3]);

	size_t at;
	if (vbt_find(img, 0, &at)) {
		struct reader v;
		struct diag vd;
		diag_init(&vd);
		rd_sub_at(img, at, img->len - at, &v, "VBT");
		v.d = &vd;
		m->has_vbt = true;
		m->vbt_valid = vbt_parse(&v, &m->vbt) == 0;
		/* A bad VBT spoils the display setup, not the ROM: keep its messages as warnings. */
		for (size_t i = 0; i < vd.n; i++) {
			const struct diag_entry *e = &vd.v[i];
			if (e->level == DIAG_NOTE)
				diag_note(img->d, e->off, "%s", e->msg);
			else
				diag_warn(img->d, e->off, "%s", e->msg);
		}
		diag_free(&vd);
	}
}

/* EFI image header fields; the payload itself is checked by rom check. */
static void check_efi(const struct reader *img, struct optrom_image *m)
{
	uint64_t o = rd_abs(img, 0);
	struct efi_rom_header *e = &m->efi;

	m->is_efi = true;
	if (img->len < EFI_ROM_HDR_LEN) {
		diag_err(img->d, o, "EFI image header: need 0x%x bytes, %zu in the image", EFI_ROM_HDR_LEN, img->len);
		return;
	}
	m->init_size = (uint32_t)le16(img->p + 2) * OPTROM_BLOCK;
	e->signature = le32(img->p + 4);
	e->subsystem = le16(img->p + 8);
	e->machine = le16(img->p + 10);
	e->compression = le16(img->p + 12);
	e->image_off = le16(img->p + 0x16);
	m->efi_sig_ok = e->signature == EFI_ROM_SIGNATURE;
	if (!m->efi_sig_ok) {
		diag_err(img->d, o + 4, "EFI signature 0x%08x, expected 0x00000ef1", e->signature);
		return;
	}
	if (!m->init_size)
		diag_err(img->d, o + 2, "EFI image: initialization size 0");
	else if (m->init_size > m->len && m->len)
		diag_err(img->d, o + 2, "EFI image: initialization size 0x%x exceeds the image length 0x%x", m->init_size,
			 m->len);
	if (e->subsystem == PE_SUBSYSTEM_EFI_APPLICATION)
		diag_err(img->d, o + 8, "EFI subsystem 10 (application): firmware does not start applications from an option ROM");
	else if (!pe_subsystem_name(e->subsystem))
		diag_err(img->d, o + 8, "EFI subsystem %u is not a driver subsystem (11 boot, 12 runtime)", e->subsystem);
	if (!pe_machine_name(e->machine))
		diag_err(img->d, o + 10, "EFI machine 0x%04x is unknown", e->machine);
	if (!efi_rom_compression_name(e->compression))
		diag_err(img->d, o + 12, "EFI compression type %u is unknown (0 none, 1 EFI)", e->compression);
	if (e->image_off < EFI_ROM_HDR_LEN || e->image_off >= img->len)
		diag_err(img->d, o + 0x16, "EFI image offset 0x%x outside the 0x%zx-byte image", e->image_off, img->len);
	else if (m->pcir.valid && e->image_off < m->pcir_ptr + m->pcir.length &&
		 (size_t)e->image_off + 2 > m->pcir_ptr)
		diag_err(img->d, o + 0x16, "EFI image offset 0x%x overlaps the PCIR at 0x%x", e->image_off, m->pcir_ptr);
}

/* One image at r's offset `at`; returns the byte length to step over, 0 to stop the walk. */
static size_t parse_image(const struct reader *r, size_t at, struct optrom_image *m)
{
	struct reader rest, img;
	uint64_t o = rd_abs(r, at);

	m->off = o;
	m->avail = r->len - at;
	rd_sub_at(r, at, m->avail, &rest, "ROM image");
	if (m->avail < ROM_HDR_LEN) {
		diag_err(r->d, o, "ROM header: need 0x%x bytes, %zu left in the file", ROM_HDR_LEN, m->avail);
		return 0;
	}
	m->pcir_ptr = le16(rest.p + 0x18);
	/* Until the PCIR says how long the image is, everything to the end of the file is fair game. */
	if (parse_pcir(&rest, m) < 0)
		return 0;
	m->len = (uint32_t)m->pcir.image_len_units * OPTROM_BLOCK;
	m->last = (m->pcir.indicator & 0x80) != 0;
	if (!m->len) {
		diag_err(r->d, m->pcir.off + 16, "PCIR image length 0");
		return 0;
	}
	if (m->len > m->avail) {
		m->truncated = true;
		diag_err(r->d, m->pcir.off + 16, "image length 0x%x runs past the end of the file (0x%zx bytes left): truncated",
			 m->len, m->avail);
	}
	size_t in_file = m->len < m->avail ? m->len : m->avail;
	rd_sub_at(r, at, in_file, &img, "ROM image");
	if ((size_t)m->pcir_ptr + (m->pcir.length > PCIR_MIN_LEN ? m->pcir.length : PCIR_MIN_LEN) > m->len)
		diag_err(r->d, o + 0x18, "PCIR at 0x%x lies outside the 0x%x-byte image", m->pcir_ptr, m->len);

	switch (m->pcir.code_type) {
	case OPTROM_CODE_X86:
		check_legacy(&img, m);
		break;
	case OPTROM_CODE_EFI:
		check_efi(&img, m);
		break;
	default:
		diag_note(r->d, m->pcir.off + 20, "image of code type %u (%s) is not checked further", m->pcir.code_type,
			  optrom_code_type_name(m->pcir.code_type) ? optrom_code_type_name(m->pcir.code_type) : "unknown");
	}
	return m->len;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

int optrom_parse(const struct reader *r, struct optrom *rom)
{
	size_t at = 0, expect = 0;

	memset(rom, 0, sizeof(*rom));
	rom->file_len = r->len;
	if (!is_55aa(r, 0)) {
		if (r->len < 2)
			return diag_err(r->d, rd_abs(r, 0), "not a PCI option ROM: %zu byte(s), need 55 AA at 0x0", r->len);
		return diag_err(r->d, rd_abs(r, 0), "not a PCI option ROM: expected 55 AA at 0x0, found %02x %02x",
				r->p[0], r->p[1]);
	}
	/* Each step advances at least 512 bytes, so the walk ends. */
	while (at < r->len) {
		if (!is_55aa(r, at)) {
			size_t scan = at;
			while (scan < r->len && !is_55aa(r, scan))
				scan += OPTROM_BLOCK;
			if (scan >= r->len)
				break;
			diag_warn(r->d, rd_abs(r, expect),
				  "no 55 AA where the previous image ends (0x%zx); next image found at 0x%zx by a 512-byte scan",
				  expect, scan);
			at = scan;
		}
		if (rom->nimages == OPTROM_MAX_IMAGES) {
			diag_err(r->d, rd_abs(r, at), "more than %d images: the rest is not checked", OPTROM_MAX_IMAGES);
			return 0;
		}
		struct optrom_image *m = &rom->img[rom->nimages++];
		m->found_by_scan = at != expect;
		size_t step = parse_image(r, at, m);
		if (!step) {
			rom->chain_end = rd_abs(r, at);
			return 0;
		}
		if (m->last) {
			rom->last_seen = true;
			rom->chain_end = m->off + m->len;
			break;
		}
		if (step > r->len - at) {
			at = r->len;
			break;
		}
		at += step;
		expect = at;
	}
	if (!rom->last_seen) {
		rom->chain_end = rd_abs(r, at < r->len ? at : r->len);
		diag_err(r->d, rom->chain_end, "no image is flagged last: the chain runs off the end of the file");
		return 0;
	}

	size_t end = (size_t)(rom->chain_end - rd_abs(r, 0));
	if (end < r->len) {
		size_t tail = r->len - end;
		size_t next = end;
		while (next < r->len && !is_55aa(r, next))
			next += OPTROM_BLOCK;
		if (next < r->len)
			diag_warn(r->d, rd_abs(r, next), "55 AA image after the image flagged last: firmware never sees it");
		else if (all_bytes(r->p + end, tail, 0xff) || all_bytes(r->p + end, tail, 0x00))
			diag_note(r->d, rd_abs(r, end), "0x%zx bytes of padding after the last image", tail);
		else
			diag_warn(r->d, rd_abs(r, end), "0x%zx bytes after the last image belong to no image", tail);
	}
	return 0;
}
