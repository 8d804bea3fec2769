/* capsule.c - update capsules: EFI_CAPSULE_HEADER, FMP capsules, AMI Aptio capsules
 *
 * EFI_CAPSULE_HEADER: CapsuleGuid, HeaderSize u32 @0x10, Flags u32 @0x14, CapsuleImageSize u32 @0x18.
 * AMI Aptio capsules add RomImageOffset u16 @0x1C (where the BIOS image starts). FMP capsules carry
 * after the header an EFI_FIRMWARE_MANAGEMENT_CAPSULE_HEADER (Version u32, EmbeddedDriverCount u16,
 * PayloadItemCount u16, ItemOffsetList u64[]) whose payload items each start with an image header
 * (Version u32, UpdateImageTypeId, UpdateImageIndex u8, 3 reserved, UpdateImageSize u32,
 * UpdateVendorCodeSize u32, then UpdateHardwareInstance u64 from version 2 and ImageCapsuleSupport
 * u64 from version 3), optionally followed by an EFI_FIRMWARE_IMAGE_AUTHENTICATION.
 */
#include "fw/walk.h"

#include <string.h>

#define FMP_MAX_ITEMS 64
#define WIN_CERT_TYPE_EFI_GUID 0x0EF1

static const struct {
	struct guid g;
	enum capsule_kind kind;
} capsule_guids[] = {
	{ GUID_INIT(0x3B6686BD, 0x0D76, 0x4030, 0xB7, 0x0E, 0xB5, 0x51, 0x9E, 0x2F, 0xC5, 0xA0), CAPSULE_UEFI },
	{ GUID_INIT(0x539182B9, 0xABB5, 0x4391, 0xB6, 0x9A, 0xE3, 0xA9, 0x43, 0xF7, 0x2F, 0xCC), CAPSULE_UEFI },
	{ GUID_INIT(0x6DCBD5ED, 0xE82D, 0x4C44, 0xBD, 0xA1, 0x71, 0x94, 0x19, 0x9A, 0xD9, 0x2A), CAPSULE_FMP },
	{ GUID_INIT(0x4A3CA68B, 0x7723, 0x48FB, 0x80, 0x3D, 0x57, 0x8C, 0xC1, 0xFE, 0xC4, 0x4D), CAPSULE_AMI },
	{ GUID_INIT(0x14EEBB90, 0x890A, 0x43DB, 0xAE, 0xD1, 0x5D, 0x3C, 0x45, 0x88, 0xA4, 0x18), CAPSULE_AMI },
};

enum capsule_kind capsule_detect(const uint8_t *data, size_t len)
{
	if (len < 0x1C)
		return CAPSULE_NONE;
	for (size_t i = 0; i < sizeof(capsule_guids) / sizeof(capsule_guids[0]); i++)
		if (!memcmp(data, capsule_guids[i].g.b, 16))
			return capsule_guids[i].kind;
	return CAPSULE_NONE;
}

/* What a capsule carries: a full flash image, or volumes. */
static void payload_walk(struct fw_image *img, struct fw_node *parent, const struct reader *r)
{
	if (ifd_detect(r->p, r->len) >= 0)
		ifd_walk(img, parent, r);
	else
		fv_scan(img, parent, r);
}

static void fmp_walk(struct fw_image *img, struct fw_node *cap, const struct reader *r)
{
	size_t mark = walk_mark(img);
	uint32_t ver;
	uint16_t ndrv, npay;
	if (rd_u32le_at(r, 0, &ver, "FMP capsule Version") < 0 || rd_u16le_at(r, 4, &ndrv, "FMP EmbeddedDriverCount") < 0 ||
	    rd_u16le_at(r, 6, &npay, "FMP PayloadItemCount") < 0) {
		walk_adopt(img, cap, mark);
		return;
	}
	unsigned total = (unsigned)ndrv + npay;
	if (total > FMP_MAX_ITEMS) {
		walk_err(img, cap, rd_abs(r, 4), "FMP capsule lists %u items; more than %d is not believable", total, FMP_MAX_ITEMS);
		return;
	}
	for (unsigned i = 0; i < total; i++) {
		uint64_t off, next = r->len;
		mark = walk_mark(img);
		if (rd_u64le_at(r, 8 + 8 * (size_t)i, &off, "FMP ItemOffsetList entry") < 0) {
			walk_adopt(img, cap, mark);
			return;
		}
		if (i + 1 < total && rd_u64le_at(r, 8 + 8 * (size_t)(i + 1), &next, "FMP ItemOffsetList entry") < 0) {
			walk_adopt(img, cap, mark);
			return;
		}
		if (off >= r->len || next > r->len || next < off) {
			walk_err(img, cap, rd_abs(r, 8 + 8 * (size_t)i), "FMP item %u at 0x%llx lies outside the 0x%zx-byte capsule body",
				 i, (unsigned long long)off, r->len);
			continue;
		}
		if (i < ndrv) {
			struct fw_node *drv = walk_node(img, cap, FWN_PADDING, r, (size_t)off, (size_t)(next - off));
			if (drv)
				drv->name = "FMP embedded driver";
			continue;
		}
		struct reader it;
		if (rd_sub_at(r, (size_t)off, r->len - (size_t)off, &it, "FMP payload item") < 0) {
			walk_adopt(img, cap, mark);
			continue;
		}
		uint32_t iver, isize;
		struct guid type;
		if (rd_u32le_at(&it, 0, &iver, "FMP image header Version") < 0 || rd_guid_at(&it, 4, &type, "FMP UpdateImageTypeId") < 0 ||
		    rd_u32le_at(&it, 24, &isize, "FMP UpdateImageSize") < 0) {
			walk_adopt(img, cap, mark);
			continue;
		}
		size_t ihdr = iver >= 3 ? 48 : iver == 2 ? 40 : 32;
		if (ihdr > it.len) {
			walk_err(img, cap, it.base, "FMP image header (version %u, 0x%zx bytes) overruns the capsule (0x%zx bytes left)",
				 iver, ihdr, it.len);
			continue;
		}
		if (isize > it.len - ihdr) {
			walk_err(img, cap, it.base + 24, "FMP UpdateImageSize 0x%x overruns the capsule (0x%zx bytes left)", isize,
				 it.len > ihdr ? it.len - ihdr : 0);
			isize = (uint32_t)(it.len > ihdr ? it.len - ihdr : 0);
		}
		struct fw_node *pn = walk_node(img, cap, FWN_CAPSULE, &it, 0, ihdr + isize);
		if (!pn)
			return;
		pn->guid = type;
		pn->flags |= FWN_HAS_GUID;
		pn->name = "FMP payload";
		size_t skip = ihdr;
		/* EFI_FIRMWARE_IMAGE_AUTHENTICATION: MonotonicCount u64, then WIN_CERTIFICATE_UEFI_GUID. */
		if (isize >= 24) {
			const uint8_t *a = it.p + ihdr;
			uint32_t certlen = le32(a + 8);
			if (le16(a + 12) == 0x0200 && le16(a + 14) == WIN_CERT_TYPE_EFI_GUID && certlen >= 24 && certlen <= isize - 8) {
				skip += 8 + certlen;
				walk_note(img, pn, pn->off + ihdr, "signed payload: 0x%x-byte certificate not checked", certlen);
			}
		}
		pn->hdr_len = (uint32_t)skip;
		struct reader body;
		if (rd_sub_at(&it, skip, ihdr + isize - skip, &body, "FMP payload") < 0) {
			walk_adopt(img, pn, mark);
			continue;
		}
		payload_walk(img, pn, &body);
	}
}

void capsule_walk(struct fw_image *img, struct fw_node *parent, const struct reader *r)
{
	size_t mark = walk_mark(img);
	enum capsule_kind kind = capsule_detect(r->p, r->len);
	uint32_t hsize, flags, isize;
	if (rd_u32le_at(r, 0x10, &hsize, "capsule HeaderSize") < 0 || rd_u32le_at(r, 0x14, &flags, "capsule Flags") < 0 ||
	    rd_u32le_at(r, 0x18, &isize, "capsule CapsuleImageSize") < 0) {
		walk_adopt(img, parent, mark);
		return;
	}
	if (kind == CAPSULE_AMI) {
		uint16_t rom;
		if (rd_u16le_at(r, 0x1C, &rom, "AMI capsule RomImageOffset") < 0) {
			walk_adopt(img, parent, mark);
			return;
		}
		hsize = rom;
	}
	size_t len = isize <= r->len ? isize : r->len;
	bool size_bad = isize < 0x1C;
	if (size_bad)
		len = r->len;
	struct fw_node *n = walk_node(img, parent, FWN_CAPSULE, r, 0, len);
	if (!n)
		return;
	memcpy(n->guid.b, r->p, 16);
	n->flags |= FWN_HAS_GUID;
	if (size_bad)
		walk_err(img, n, n->off + 0x18, "CapsuleImageSize 0x%x is smaller than the capsule header: taking the whole 0x%zx-byte file",
			 isize, r->len);
	else if (isize > r->len)
		walk_err(img, n, n->off + 0x18, "CapsuleImageSize 0x%x overruns the 0x%zx-byte file", isize, r->len);
	else if (isize < r->len)
		walk_note(img, n, n->off + isize, "0x%zx bytes after the capsule image", r->len - isize);
	if (hsize < 0x1C || hsize > len) {
		/* The payload is somewhere after the fixed header: look for volumes there, as UEFIExtract does. */
		walk_err(img, n, n->off + (kind == CAPSULE_AMI ? 0x1C : 0x10),
			 "capsule %s 0x%x does not fit the 0x%zx-byte capsule: scanning the rest for volumes",
			 kind == CAPSULE_AMI ? "RomImageOffset" : "HeaderSize", hsize, len);
		n->hdr_len = 0x1C;
		struct reader rest;
		if (rd_sub_at(r, 0x1C, len - 0x1C, &rest, "capsule body") < 0) {
			walk_adopt(img, n, mark);
			return;
		}
		fv_scan(img, n, &rest);
		return;
	}
	n->hdr_len = hsize;
	struct reader body;
	if (rd_sub_at(r, hsize, len - hsize, &body, "capsule body") < 0) {
		walk_adopt(img, n, mark);
		return;
	}
	if (kind == CAPSULE_FMP) {
		fmp_walk(img, n, &body);
		return;
	}
	/* A BIOS region may start with erased space before its first volume. */
	bool erased = body.len >= 16 && (body.p[0] == 0xFF || body.p[0] == 0x00) && !memcmp(body.p, body.p + 1, 15);
	if (hsize == 0x1C || erased || ifd_detect(body.p, body.len) >= 0 || fv_plausible(&body, 0)) {
		payload_walk(img, n, &body);
		return;
	}
	/* No volume or flash image where the header says the image starts: the offset is wrong, the
	   volumes may not be. Everything after the fixed header is searched, as UEFIExtract does. */
	walk_err(img, n, n->off + (kind == CAPSULE_AMI ? 0x1C : 0x10),
		 "no firmware volume or flash image at the capsule %s 0x%x: scanning from the end of the fixed header",
		 kind == CAPSULE_AMI ? "RomImageOffset" : "HeaderSize", hsize);
	n->hdr_len = 0x1C;
	struct reader rest;
	if (rd_sub_at(r, 0x1C, len - 0x1C, &rest, "capsule body") == 0)
		fv_scan(img, n, &rest);
}

