/* fv.c - firmware volumes: header, checksum, block map, extended header, and finding volumes in a region
 *
 * EFI_FIRMWARE_VOLUME_HEADER: ZeroVector[16], FileSystemGuid @0x10, FvLength u64 @0x20, "_FVH" @0x28,
 * Attributes u32 @0x2C, HeaderLength u16 @0x30, Checksum u16 @0x32, ExtHeaderOffset u16 @0x34,
 * Revision u8 @0x37, block map {NumBlocks u32, Length u32}... ending in {0, 0} @0x38. The 16-bit words
 * of the header sum to zero. Files begin after the extended header (FvName GUID, ExtHeaderSize u32),
 * or after the header, on an 8-byte boundary.
 */
#define _GNU_SOURCE /* memmem, strcasestr */
#include "fw/walk.h"

#include <string.h>

#define FVB2_ERASE_POLARITY 0x800u
#define FV_MAX_BLOCKMAP 4096	/* entries walked before the map is declared unterminated */

static const struct guid fs_ffs2 = GUID_INIT(0x8C8CE578, 0x8A3D, 0x4F1C, 0x99, 0x35, 0x89, 0x61, 0x85, 0xC3, 0x2D, 0xD3);
static const struct guid fs_ffs3 = GUID_INIT(0x5473C07A, 0x3DCB, 0x4DCA, 0xBD, 0x6F, 0x1E, 0x96, 0x89, 0xE7, 0x34, 0x9A);
/* Vendor file systems that use the FFSv2 file format (Apple, Intel, Sony). */
static const struct guid fs_ffs2_like[] = {
	GUID_INIT(0x04ADEEAD, 0x61FF, 0x4D31, 0xB6, 0xBA, 0x64, 0xF8, 0xBF, 0x90, 0x1F, 0x5A),
	GUID_INIT(0xBD001B8C, 0x6A71, 0x487B, 0xA1, 0x4F, 0x0C, 0x2A, 0x2D, 0xCF, 0x7A, 0x5D),
	GUID_INIT(0xAD3FFFFF, 0xD28B, 0x44C4, 0x9F, 0x13, 0x9E, 0xA9, 0x8A, 0x97, 0xF9, 0xF0),
	GUID_INIT(0xD6A1CD70, 0x4B33, 0x4994, 0xA6, 0xEA, 0x37, 0x5F, 0x2C, 0xCC, 0x54, 0x37),
	GUID_INIT(0x4F494156, 0xAED6, 0x4D64, 0xA5, 0x37, 0xB8, 0xA5, 0x55, 0x7B, 0xCE, 0xEC),
};

/* Why the header at r[at] is no volume (NULL when it is one); *field is the offending field's position. */
static const char *fv_implausible(const struct reader *r, size_t at, size_t *field)
{
	*field = at;
	if (at > r->len || r->len - at < FV_HEADER_MIN)
		return "too few bytes for a volume header";
	const uint8_t *h = r->p + at;
	if (memcmp(h + FV_SIGNATURE_AT, "_FVH", 4) != 0)
		return "no \"_FVH\" signature";
	uint64_t fvlen = le64(h + 0x20);
	uint16_t hlen = le16(h + 0x30);
	uint8_t rev = h[0x37];
	*field = at + 0x30;
	if (hlen < FV_HEADER_MIN)
		return "HeaderLength below the minimum 0x48";
	*field = at + 0x20;
	if (fvlen < hlen)
		return "FvLength shorter than HeaderLength";
	*field = at + 0x37;
	if (rev != 1 && rev != 2)
		return "Revision neither 1 nor 2";
	return NULL;
}

bool fv_plausible(const struct reader *r, size_t at)
{
	size_t field;
	return fv_implausible(r, at, &field) == NULL;
}

static bool fs_is_ffs(const struct guid *g, bool *ffs3)
{
	*ffs3 = guid_eq(g, &fs_ffs3);
	if (*ffs3 || guid_eq(g, &fs_ffs2))
		return true;
	for (size_t i = 0; i < sizeof(fs_ffs2_like) / sizeof(fs_ffs2_like[0]); i++)
		if (guid_eq(g, &fs_ffs2_like[i]))
			return true;
	return false;
}

struct fw_node *fv_walk(struct fw_image *img, struct fw_node *parent, const struct reader *r, size_t at)
{
	size_t mark = walk_mark(img);
	struct guid fs;
	uint64_t fvlen;
	uint32_t attr;
	uint16_t hlen, extoff;
	uint8_t rev;
	if (rd_guid_at(r, at + 0x10, &fs, "FV FileSystemGuid") < 0 || rd_u64le_at(r, at + 0x20, &fvlen, "FV FvLength") < 0 ||
	    rd_u32le_at(r, at + 0x2C, &attr, "FV Attributes") < 0 || rd_u16le_at(r, at + 0x30, &hlen, "FV HeaderLength") < 0 ||
	    rd_u16le_at(r, at + 0x34, &extoff, "FV ExtHeaderOffset") < 0 || rd_u8_at(r, at + 0x37, &rev, "FV Revision") < 0) {
		walk_adopt(img, parent, mark);
		return NULL;
	}
	size_t left = r->len - at;
	size_t len = fvlen < left ? (size_t)fvlen : left;
	struct fw_node *n = walk_node(img, parent, FWN_VOLUME, r, at, len);
	if (!n)
		return NULL;
	n->guid = fs;
	n->flags |= FWN_HAS_GUID;
	n->extra = fvlen;
	if (attr & FVB2_ERASE_POLARITY)
		n->flags |= FWN_ERASE_ONE;
	if (fvlen > left)
		walk_err(img, n, n->off + 0x20, "volume of 0x%llx bytes overruns its parent: only 0x%zx bytes left",
			 (unsigned long long)fvlen, left);
	if (hlen < FV_HEADER_MIN || hlen > len || (hlen & 1)) {
		walk_err(img, n, n->off + 0x30, "FV HeaderLength 0x%x is impossible (volume 0x%zx bytes)", hlen, len);
		return n;
	}
	n->hdr_len = hlen;
	struct reader vr;
	if (rd_sub_at(r, at, len, &vr, "volume") < 0)
		return n;
	uint16_t sum = 0;
	for (size_t i = 0; i < hlen; i += 2)
		sum = (uint16_t)(sum + le16(vr.p + i));
	if (sum)
		walk_err(img, n, n->off + 0x32, "FV header checksum 0x%04x is wrong (words sum to 0x%04x, not 0)",
			 le16(vr.p + 0x32), sum);
	if (rev != 2)
		walk_note(img, n, n->off + 0x37, "FV revision %u (PI volumes are revision 2)", rev);

	/* The block map: a list of {NumBlocks, Length} inside the header, ended by {0, 0}. */
	uint64_t mapped = 0;
	bool ended = false;
	for (size_t o = 0x38, k = 0; o + 8 <= hlen && k < FV_MAX_BLOCKMAP; o += 8, k++) {
		uint32_t nb = le32(vr.p + o), bl = le32(vr.p + o + 4);
		if (!nb && !bl) {
			ended = true;
			break;
		}
		mapped += (uint64_t)nb * bl;
	}
	if (!ended)
		walk_warn(img, n, n->off + 0x38, "FV block map has no {0, 0} terminator inside the 0x%x-byte header", hlen);
	else if (mapped != fvlen)
		walk_warn(img, n, n->off + 0x38, "FV block map covers 0x%llx bytes, FvLength says 0x%llx",
			  (unsigned long long)mapped, (unsigned long long)fvlen);

	size_t files = hlen;
	if (extoff) {
		size_t m2 = walk_mark(img);
		uint32_t extsize;
		if (rd_guid_at(&vr, extoff, &n->guid2, "FV extended header FvName") < 0 ||
		    rd_u32le_at(&vr, (size_t)extoff + 16, &extsize, "FV ExtHeaderSize") < 0) {
			walk_adopt(img, n, m2);
		} else if (extoff < hlen || extsize < 20 || extsize > len - extoff) {
			walk_err(img, n, n->off + 0x34, "FV extended header at 0x%x of 0x%x bytes does not fit the volume",
				 extoff, extsize);
		} else {
			n->flags |= FWN_EXT_HEADER;
			files = (size_t)extoff + extsize;
		}
	}
	files = (files + 7) & ~(size_t)7;
	bool ffs3;
	if (!fs_is_ffs(&fs, &ffs3)) {
		char g[GUID_STR_LEN];
		guid_fmt(&fs, g);
		const char *name = fw_guid_name(&fs);
		walk_note(img, n, n->off + 0x10, "file system %s%s%s%s has no FFS files: contents not walked", g,
			  name ? " (" : "", name ? name : "", name ? ")" : "");
		return n;
	}
	n->flags |= FWN_FFS;
	if (ffs3)
		n->flags |= FWN_FFS3;
	if (files < len)
		ffs_walk(img, n, &vr, files);
	return n;
}

static void padding_node(struct fw_image *img, struct fw_node *parent, const struct reader *r, size_t from, size_t to)
{
	if (to <= from)
		return;
	struct fw_node *n = walk_node(img, parent, FWN_PADDING, r, from, to - from);
	if (!n)
		return;
	const uint8_t *p = r->p + from;
	size_t len = to - from, i = 0;
	uint8_t b = p[0];
	while (i < len && p[i] == b)
		i++;
	n->name = i < len ? "non-volume data" : b == 0xFF ? "erased (0xFF)" : b == 0 ? "zeros" : "filler";
}

void fv_scan(struct fw_image *img, struct fw_node *parent, const struct reader *r)
{
	size_t pos = 0, search = FV_SIGNATURE_AT;
	while (search < r->len) {
		const uint8_t *hit = memmem(r->p + search, r->len - search, "_FVH", 4);
		if (!hit)
			break;
		size_t sig = (size_t)(hit - r->p), start = sig - FV_SIGNATURE_AT;
		search = sig + 4;
		if (start < pos)
			continue;
		size_t field;
		const char *why = fv_implausible(r, start, &field);
		if (why) {
			/* A signature where a volume could start, with a header that cannot be one. */
			walk_warn(img, parent, rd_abs(r, field), "\"_FVH\" at 0x%llx but no volume header there: %s",
				  (unsigned long long)rd_abs(r, sig), why);
			continue;
		}
		padding_node(img, parent, r, pos, start);
		struct fw_node *v = fv_walk(img, parent, r, start);
		if (!v)
			return;
		pos = start + v->len;
		if (pos < search)
			pos = search;
		search = pos + FV_SIGNATURE_AT;
	}
	padding_node(img, parent, r, pos, r->len);
}
