/* ffs.c - FFS files in a volume: headers, checksums, state bits, large files, pad files, alignment
 *
 * EFI_FFS_FILE_HEADER: Name GUID, HeaderChecksum u8 @0x10, FileChecksum u8 @0x11, Type u8 @0x12,
 * Attributes u8 @0x13, Size u24 @0x14, State u8 @0x17; FFSv3 large files (attribute 0x01) add
 * ExtendedSize u64 @0x18. Files start on 8-byte boundaries of the volume. The header's bytes sum to
 * zero with FileChecksum and State counted as 0; the data's bytes plus FileChecksum sum to zero when
 * attribute 0x40 is set, else FileChecksum is the fixed 0xAA. State bits are stored inverted when
 * the volume's erase polarity is 1.
 */
#include "fw/walk.h"

#include <string.h>

#define FFS_HEADER 24
#define FFS_HEADER_LARGE 32
#define FFS_ATTR_LARGE 0x01
#define FFS_ATTR_ALIGN2 0x02
#define FFS_ATTR_CHECKSUM 0x40
#define FFS_TYPE_RAW 0x01
#define FFS_TYPE_PAD 0xF0

static const struct guid vtf_guid = GUID_INIT(0x1BA0062E, 0xC779, 0x4582, 0x85, 0x66, 0x33, 0x6A, 0xE8, 0xF7, 0x8F, 0x09);

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	for (size_t i = 0; i < n; i++)
		s = (uint8_t)(s + p[i]);
	return s;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t b, size_t *first_other)
{
	/* Megabytes of free space: memcmp of the run against itself shifted by one is the fast test. */
	if (!n || (p[0] == b && !memcmp(p, p + 1, n - 1)))
		return true;
	for (size_t i = 0; i < n; i++)
		if (p[i] != b) {
			if (first_other)
				*first_other = i;
			return false;
		}
	return true;
}

static uint8_t header_sum(const uint8_t *h, size_t hlen)
{
	/* FileChecksum (0x11) and State (0x17) are not covered. */
	return (uint8_t)(sum8(h, hlen) - h[0x11] - h[0x17]);
}

bool ffs_plausible_file(const uint8_t *p, size_t len)
{
	if (len < FFS_HEADER || header_sum(p, FFS_HEADER) != 0)
		return false;
	uint8_t type = p[0x12];
	uint32_t size = le24(p + 0x14);
	if (!((type >= 0x01 && type <= 0x0F) || type == FFS_TYPE_PAD))
		return false;
	if (size == 0xFFFFFF || size == 0)
		return (p[0x13] & FFS_ATTR_LARGE) && len >= FFS_HEADER_LARGE && header_sum(p, FFS_HEADER_LARGE) == 0;
	return size >= FFS_HEADER && size <= len;
}

static bool has_sections(uint8_t type)
{
	return type != FFS_TYPE_RAW && type != FFS_TYPE_PAD && type != 0x00 && type < 0xF0;
}

struct fw_node *ffs_file(struct fw_image *img, struct fw_node *parent, const struct reader *r, size_t at,
			 bool erase_one, bool ffs3, size_t *consumed)
{
	size_t mark = walk_mark(img);
	const uint8_t *h;
	*consumed = 0;
	struct reader hr;
	if (rd_sub_at(r, at, FFS_HEADER, &hr, "FFS file header") < 0) {
		walk_adopt(img, parent, mark);
		return NULL;
	}
	h = hr.p;
	uint8_t attr = h[0x13], type = h[0x12];
	uint64_t size = le24(h + 0x14);
	size_t hlen = FFS_HEADER;
	bool large = false;
	if (attr & FFS_ATTR_LARGE) {
		if (ffs3) {
			uint64_t ext;
			if (rd_u64le_at(r, at + 0x18, &ext, "FFS ExtendedSize") < 0) {
				walk_adopt(img, parent, mark);
				return NULL;
			}
			large = true;
			size = ext;
			hlen = FFS_HEADER_LARGE;
		}
	}
	size_t left = r->len - at;
	if (size < hlen) {
		walk_err(img, parent, rd_abs(r, at + 0x14), "FFS file size 0x%llx is smaller than its 0x%zx-byte header%s",
			 (unsigned long long)size, hlen, size == 0xFFFFFF && !ffs3 ? " (large file outside an FFSv3 volume)" : "");
		return NULL;
	}
	size_t len = size < left ? (size_t)size : left;
	struct fw_node *n = walk_node(img, parent, FWN_FILE, r, at, len);
	if (!n)
		return NULL;
	*consumed = len;
	memcpy(n->guid.b, h, 16);
	n->flags |= FWN_HAS_GUID | (large ? FWN_LARGE : 0) | (erase_one ? FWN_ERASE_ONE : 0);
	n->type = type;
	n->attr = attr;
	n->state = erase_one ? (uint8_t)~h[0x17] : h[0x17];
	n->hdr_len = (uint32_t)hlen;
	if (guid_eq(&n->guid, &vtf_guid))
		n->name = "Volume Top File";
	if (size > left)
		walk_err(img, n, n->off + 0x14, "FFS file of 0x%llx bytes overruns its volume: only 0x%zx bytes left",
			 (unsigned long long)size, left);

	uint8_t hs = header_sum(n->data, hlen);
	if (hs)
		walk_err(img, n, n->off + 0x10, "FFS header checksum 0x%02x is wrong (header sums to 0x%02x, not 0)", h[0x10], hs);
	const char *st = fw_file_state_name(n->state);
	if (strcmp(st, "valid") && strcmp(st, "marked for update"))
		walk_note(img, n, n->off + 0x17, "FFS file state: %s", st);
	if (size <= left && strcmp(st, "valid") == 0) {
		if (attr & FFS_ATTR_CHECKSUM) {
			uint8_t ds = (uint8_t)(sum8(n->data + hlen, len - hlen) + h[0x11]);
			if (ds)
				walk_err(img, n, n->off + 0x11, "FFS data checksum 0x%02x is wrong (data sums to 0x%02x with it, not 0)",
					 h[0x11], ds);
		} else if (h[0x11] != 0xAA && h[0x11] != 0x5A) {
			walk_warn(img, n, n->off + 0x11, "FFS file checksum 0x%02x: without the checksum attribute it must be 0xAA",
				  h[0x11]);
		}
	}
	/* Alignment of the data, relative to the volume (r starts at the volume). */
	static const uint32_t align[8] = { 1, 16, 128, 512, 1024, 4096, 32768, 65536 };
	uint64_t a = align[(attr >> 3) & 7];
	if (attr & FFS_ATTR_ALIGN2 && ffs3)
		a = (uint64_t)128 << 10 << ((attr >> 3) & 7);
	if ((at + hlen) % a)
		walk_warn(img, n, n->off, "FFS file data at volume offset 0x%zx is not %llu-byte aligned as its attributes require",
			  at + hlen, (unsigned long long)a);

	if (type == FFS_TYPE_PAD) {
		size_t q;
		if (!all_bytes(fwn_body(n), fwn_body_len(n), erase_one ? 0xFF : 0x00, &q))
			walk_warn(img, n, n->off + hlen + q, "pad file holds data");
		return n;
	}
	if (has_sections(type)) {
		struct reader fr;
		walk_reader(img, n, &fr);
		section_walk(img, n, &fr, hlen);
	}
	return n;
}

void ffs_walk(struct fw_image *img, struct fw_node *volume, const struct reader *r, size_t from)
{
	bool erase_one = volume->flags & FWN_ERASE_ONE, ffs3 = volume->flags & FWN_FFS3;
	uint8_t empty = erase_one ? 0xFF : 0x00;
	size_t pos = from;
	while (pos < r->len) {
		size_t left = r->len - pos, q;
		size_t probe = left < FFS_HEADER ? left : FFS_HEADER;
		if (all_bytes(r->p + pos, probe, empty, NULL)) {
			/* Free space runs to the end of the volume; data after it is a finding, and we resume there. */
			if (all_bytes(r->p + pos, left, empty, &q)) {
				struct fw_node *f = walk_node(img, volume, FWN_FREE, r, pos, left);
				if (f)
					f->name = erase_one ? "erased (0xFF)" : "erased (0x00)";
				return;
			}
			/* Files may follow free space only when they look like files; other data ends the walk. */
			size_t resume = (pos + q) & ~(size_t)7;
			bool file_follows = resume < r->len && ffs_plausible_file(r->p + resume, r->len - resume);
			size_t end = file_follows ? resume : r->len;
			struct fw_node *f = walk_node(img, volume, FWN_FREE, r, pos, end - pos);
			if (!f)
				return;
			f->name = file_follows ? "free space" : "free space with data in it";
			walk_warn(img, f, rd_abs(r, pos + q), "data inside the free space of the volume%s",
				  file_follows ? "; a file follows" : "");
			if (!file_follows)
				return;
			pos = resume;
			continue;
		}
		if (left < FFS_HEADER) {
			walk_err(img, volume, rd_abs(r, pos), "0x%zx bytes at the end of the volume are neither a file nor free space", left);
			return;
		}
		size_t used;
		struct fw_node *f = ffs_file(img, volume, r, pos, erase_one, ffs3, &used);
		if (!f || !used)
			return;
		pos += used;
		pos = (pos + 7) & ~(size_t)7;
	}
}
