/* section.c - FFS file sections, including the ones that wrap other sections or whole volumes
 *
 * EFI_COMMON_SECTION_HEADER: Size u24, Type u8; Size 0xFFFFFF means an ExtendedSize u32 follows.
 * Sections sit on 4-byte boundaries. Compression sections (type 0x01) add UncompressedLength u32 and
 * CompressionType u8 (0 none, 1 EFI 1.1 or Tiano, 2 LZMA as AMI uses it). GUID-defined sections
 * (0x02) add SectionDefinitionGuid, DataOffset u16 and Attributes u16; the GUID says how the data
 * is packed (LZMA, LZMA with the x86 BCJ filter, Brotli, Tiano, CRC32 check, RSA signature).
 * Volume-image sections (0x17) hold a whole firmware volume.
 */
#include "fw/walk.h"
#include "fw/tiano.h"

#include <stdlib.h>
#include <string.h>

enum {
	SEC_COMPRESSION = 0x01, SEC_GUID_DEFINED = 0x02, SEC_DISPOSABLE = 0x03, SEC_PE32 = 0x10, SEC_PIC = 0x11,
	SEC_TE = 0x12, SEC_DXE_DEPEX = 0x13, SEC_VERSION = 0x14, SEC_UI = 0x15, SEC_COMPAT16 = 0x16,
	SEC_FV_IMAGE = 0x17, SEC_FREEFORM_GUID = 0x18, SEC_RAW = 0x19, SEC_PEI_DEPEX = 0x1B, SEC_MM_DEPEX = 0x1C,
};

#define GUIDED_PROCESSING_REQUIRED 0x01

enum guided { G_UNKNOWN, G_LZMA, G_LZMA_F86, G_BROTLI, G_TIANO, G_CRC32, G_RSA };
static const struct {
	struct guid g;
	enum guided what;
} guided[] = {
	{ GUID_INIT(0xEE4E5898, 0x3914, 0x4259, 0x9D, 0x6E, 0xDC, 0x7B, 0xD7, 0x94, 0x03, 0xCF), G_LZMA },
	{ GUID_INIT(0xD42AE6BD, 0x1352, 0x4BFB, 0x90, 0x9A, 0xCA, 0x72, 0xA6, 0xEA, 0xE8, 0x89), G_LZMA_F86 },
	{ GUID_INIT(0x3D532050, 0x5CDA, 0x4FD0, 0x87, 0x9E, 0x0F, 0x7F, 0x63, 0x0D, 0x5A, 0xFB), G_BROTLI },
	{ GUID_INIT(0xA31280AD, 0x481E, 0x41B6, 0x95, 0xE8, 0x12, 0x7F, 0x4C, 0x98, 0x47, 0x79), G_TIANO },
	{ GUID_INIT(0xFC1BCDB0, 0x7D31, 0x49AA, 0x93, 0x6A, 0xA4, 0x60, 0x0D, 0x9D, 0xD0, 0x83), G_CRC32 },
	{ GUID_INIT(0xA7717414, 0xC616, 0x4977, 0x94, 0x20, 0x84, 0x47, 0x12, 0xA7, 0x35, 0xBF), G_RSA },
};

/* UCS-2 (as UI and version sections hold it) to UTF-8, up to the first NUL; returns out. */
static char *ucs2_to_utf8(const uint8_t *p, size_t n, char *out, size_t outlen)
{
	size_t o = 0;
	for (size_t i = 0; i + 1 < n; i += 2) {
		unsigned c = le16(p + i);
		if (!c)
			break;
		if (c >= 0xD800 && c <= 0xDFFF)
			c = '?';
		char enc[3];
		size_t k;
		if (c < 0x80)
			enc[0] = (char)c, k = 1;
		else if (c < 0x800)
			enc[0] = (char)(0xC0 | c >> 6), enc[1] = (char)(0x80 | (c & 0x3F)), k = 2;
		else
			enc[0] = (char)(0xE0 | c >> 12), enc[1] = (char)(0x80 | ((c >> 6) & 0x3F)), enc[2] = (char)(0x80 | (c & 0x3F)), k = 3;
		if (c < 0x20)
			enc[0] = '?', k = 1;
		if (o + k >= outlen)
			break;
		memcpy(out + o, enc, k);
		o += k;
	}
	out[o] = 0;
	return out;
}

static struct fw_node *owning_file(struct fw_node *n)
{
	while (n && n->kind != FWN_FILE)
		n = n->parent;
	return n;
}

static size_t budget_left(const struct fw_image *img)
{
	size_t used = img->inflated + img->inflate_failed;
	return used < img->inflate_budget ? img->inflate_budget - used : 0;
}

/* Re-records a scratch diag's entries (the failed attempts) in the walk's diag, prefixed. */
static void replay(struct fw_image *img, struct fw_node *n, const struct diag *tmp, const char *prefix)
{
	for (size_t i = 0; i < tmp->n; i++)
		walk_err(img, n, tmp->v[i].off, "%s%s%s", prefix ? prefix : "", prefix ? ": " : "", tmp->v[i].msg);
	if (!tmp->n)
		walk_err(img, n, n->off, "%s: did not inflate", prefix ? prefix : fw_comp_name((enum fw_comp)n->comp));
}

/* Walks inflated bytes as sections (or as a volume, for nothing today) under sec. Takes out. */
static void walk_inflated(struct fw_image *img, struct fw_node *sec, uint8_t *out, size_t out_len)
{
	img->inflated += out_len;
	struct fw_stream *s = walk_stream(img, out, out_len, sec);
	if (!s)
		return;
	const struct fw_stream *saved = img->cur_stream;
	img->cur_stream = s;
	struct reader sr;
	rd_init(&sr, s->data, s->len, 0, img->d);
	size_t mark = walk_mark(img);
	section_walk(img, sec, &sr, 0);
	walk_stream_end(img, s, mark);
	img->cur_stream = saved;
}

static void inflate_section(struct fw_image *img, struct fw_node *sec, const struct reader *src, enum guided how,
			    uint64_t declared)
{
	struct diag tmp;
	uint8_t *out = NULL;
	size_t out_len = 0;
	int rc = -1;
	struct reader r = *src;
	size_t max = budget_left(img);
	diag_init(&tmp);
	tmp.max = 8;
	r.d = &tmp;
	switch (how) {
	case G_LZMA:
	case G_LZMA_F86:
		rc = inflate_lzma(&r, how == G_LZMA_F86, max, &out, &out_len, &tmp);
		sec->comp = how == G_LZMA ? FW_COMP_LZMA : FW_COMP_LZMA_F86;
		break;
	case G_BROTLI:
		rc = inflate_brotli(&r, max, &out, &out_len, &tmp);
		sec->comp = FW_COMP_BROTLI;
		break;
	case G_TIANO:
		rc = tiano_decompress(&r, TIANO_ALGO_TIANO, max, &out, &out_len, &tmp);
		sec->comp = FW_COMP_TIANO;
		break;
	case G_UNKNOWN:	/* compression section type 1: EFI 1.1 first, then Tiano, as UEFITool does */
		rc = tiano_decompress(&r, TIANO_ALGO_EFI, max, &out, &out_len, &tmp);
		sec->comp = FW_COMP_EFI;
		if (rc < 0) {
			struct diag tmp2;
			diag_init(&tmp2);
			tmp2.max = 8;
			r.d = &tmp2;
			rc = tiano_decompress(&r, TIANO_ALGO_TIANO, max, &out, &out_len, &tmp2);
			if (rc == 0)
				sec->comp = FW_COMP_TIANO;
			else
				replay(img, sec, &tmp2, "Tiano");
			diag_free(&tmp2);
		}
		break;
	default:
		break;
	}
	if (rc < 0) {
		/* A decoder may produce most of what the header claims before the stream turns out bad
		 * (a one-symbol code costs no input bits): without this charge, many small failing
		 * sections would each cost up to the whole budget in work. */
		uint64_t claimed = 0;
		if ((how == G_LZMA || how == G_LZMA_F86) && src->len >= 13)
			claimed = le64(src->p + 5);
		else if (how == G_BROTLI && src->len >= 8)
			claimed = le64(src->p);
		else if ((how == G_TIANO || how == G_UNKNOWN) && src->len >= 8)
			claimed = le32(src->p + 4);
		img->inflate_failed += claimed < max ? (size_t)claimed : max;
		bool named = sec->comp != FW_COMP_EFI && sec->comp != FW_COMP_TIANO;	/* liblzma/brotli messages say what they are */
		replay(img, sec, &tmp, named ? NULL : fw_comp_name((enum fw_comp)sec->comp));
		sec->comp = FW_COMP_FAILED;
		diag_free(&tmp);
		return;
	}
	diag_free(&tmp);
	if (declared != UINT64_MAX && declared != out_len)
		walk_warn(img, sec, sec->off, "section says 0x%llx bytes uncompressed, the data inflated to 0x%zx",
			  (unsigned long long)declared, out_len);
	walk_inflated(img, sec, out, out_len);
}

/* Volumes inside raw sections and volume-image sections. */
static void nested_volume(struct fw_image *img, struct fw_node *sec, const struct reader *r, size_t at, bool must)
{
	if (!fv_plausible(r, at)) {
		if (must)
			walk_err(img, sec, rd_abs(r, at), "volume-image section holds no firmware volume (no plausible \"_FVH\" header)");
		return;
	}
	struct reader body;
	if (rd_sub_at(r, at, r->len - at, &body, "volume image") == 0)
		fv_walk(img, sec, &body, 0);
}

static void guid_defined(struct fw_image *img, struct fw_node *n, const struct reader *sr, size_t base_hdr)
{
	size_t mark = walk_mark(img);
	uint16_t data_off, attrs;
	if (rd_guid_at(sr, base_hdr, &n->guid, "GUID-defined section GUID") < 0 ||
	    rd_u16le_at(sr, base_hdr + 16, &data_off, "GUID-defined DataOffset") < 0 ||
	    rd_u16le_at(sr, base_hdr + 18, &attrs, "GUID-defined Attributes") < 0) {
		walk_adopt(img, n, mark);
		return;
	}
	n->flags |= FWN_HAS_GUID;
	if (data_off < base_hdr + 20 || data_off > sr->len) {
		walk_err(img, n, n->off + base_hdr + 16, "GUID-defined DataOffset 0x%x outside the 0x%zx-byte section", data_off, sr->len);
		return;
	}
	n->hdr_len = data_off;
	enum guided how = G_UNKNOWN;
	bool known = false;
	for (size_t i = 0; i < sizeof(guided) / sizeof(guided[0]); i++)
		if (guid_eq(&guided[i].g, &n->guid))
			how = guided[i].what, known = true;
	struct reader body;
	if (rd_sub_at(sr, data_off, sr->len - data_off, &body, "GUID-defined data") < 0)
		return;
	if (!known) {
		if (attrs & GUIDED_PROCESSING_REQUIRED)
			walk_note(img, n, n->off, "GUID-defined section needs processing igdkit does not know: contents not walked");
		else
			section_walk(img, n, &body, 0);
		return;
	}
	switch (how) {
	case G_CRC32: {
		uint32_t want;
		if (rd_u32le_at(sr, base_hdr + 20, &want, "CRC32 section checksum") < 0) {
			walk_adopt(img, n, mark);
			return;
		}
		uint32_t got = inflate_crc32(body.p, body.len);
		if (got != want)
			walk_err(img, n, n->off + base_hdr + 20, "CRC32 0x%08x is wrong: the data's CRC32 is 0x%08x", want, got);
		section_walk(img, n, &body, 0);
		break;
	}
	case G_RSA:
		n->flags |= FWN_AUTH;
		walk_note(img, n, n->off, "RSA2048/SHA256-signed section: signature not checked");
		section_walk(img, n, &body, 0);
		break;
	default:
		inflate_section(img, n, &body, how, UINT64_MAX);
		break;
	}
}

static void one_section(struct fw_image *img, struct fw_node *n)
{
	struct reader sr;
	walk_reader(img, n, &sr);
	size_t h = n->hdr_len;	/* common header: 4 or 8 bytes */
	size_t mark = walk_mark(img);
	char text[256];
	switch (n->type) {
	case SEC_COMPRESSION: {
		uint32_t ulen;
		uint8_t ctype;
		if (rd_u32le_at(&sr, h, &ulen, "compression section UncompressedLength") < 0 ||
		    rd_u8_at(&sr, h + 4, &ctype, "compression section CompressionType") < 0) {
			walk_adopt(img, n, mark);
			return;
		}
		n->hdr_len = (uint32_t)(h + 5);
		n->extra = ulen;
		struct reader body;
		if (rd_sub_at(&sr, h + 5, sr.len - h - 5, &body, "compressed data") < 0)
			return;
		if (ctype == 0)
			section_walk(img, n, &body, 0);
		else if (ctype == 1)
			inflate_section(img, n, &body, G_UNKNOWN, ulen);
		else if (ctype == 2)
			inflate_section(img, n, &body, G_LZMA, ulen);
		else
			walk_err(img, n, n->off + h + 4, "unknown CompressionType %u", ctype);
		return;
	}
	case SEC_GUID_DEFINED:
		guid_defined(img, n, &sr, h);
		return;
	case SEC_FREEFORM_GUID:
		if (rd_guid_at(&sr, h, &n->guid, "freeform subtype GUID") < 0) {
			walk_adopt(img, n, mark);
			return;
		}
		n->flags |= FWN_HAS_GUID;
		n->hdr_len = (uint32_t)(h + 16);
		return;
	case SEC_UI: {
		n->name = walk_strdup(img, ucs2_to_utf8(sr.p + h, sr.len - h, text, sizeof(text)));
		struct fw_node *f = owning_file(n->parent);
		if (f && !f->name)
			f->name = n->name;
		return;
	}
	case SEC_VERSION: {
		uint16_t build;
		if (rd_u16le_at(&sr, h, &build, "version section BuildNumber") < 0) {
			walk_adopt(img, n, mark);
			return;
		}
		n->hdr_len = (uint32_t)(h + 2);
		n->extra = build;
		n->name = walk_strdup(img, ucs2_to_utf8(sr.p + h + 2, sr.len - h - 2, text, sizeof(text)));
		return;
	}
	case SEC_FV_IMAGE:
		nested_volume(img, n, &sr, h, true);
		return;
	case SEC_RAW:
		if (sr.len - h >= FV_HEADER_MIN)
			nested_volume(img, n, &sr, h, false);
		return;
	case SEC_DISPOSABLE: case SEC_PE32: case SEC_PIC: case SEC_TE: case SEC_DXE_DEPEX:
	case SEC_COMPAT16: case SEC_PEI_DEPEX: case SEC_MM_DEPEX:
		return;
	default:
		walk_warn(img, n, n->off + 3, "unknown section type 0x%02x", n->type);
		return;
	}
}

void section_walk(struct fw_image *img, struct fw_node *parent, const struct reader *r, size_t from)
{
	size_t pos = from;
	bool erase_one = parent->flags & FWN_ERASE_ONE;
	for (;;) {
		pos = (pos + 3) & ~(size_t)3;
		if (pos >= r->len)
			return;
		size_t left = r->len - pos;
		const uint8_t *p = r->p + pos;
		if (left < 4) {
			walk_warn(img, parent, rd_abs(r, pos), "0x%zx stray bytes after the last section", left);
			return;
		}
		uint32_t size = le24(p);
		uint8_t type = p[3];
		size_t h = 4;
		/* Erased filler after the last section (files padded by their builder). */
		if ((size == 0xFFFFFF && type == 0xFF) || (size == 0 && type == 0)) {
			size_t i = 0;
			uint8_t b = p[0];
			while (i < left && p[i] == b)
				i++;
			if (i == left)
				return;
		}
		if (size == 0xFFFFFF) {
			uint32_t ext;
			size_t mark = walk_mark(img);
			if (rd_u32le_at(r, pos + 4, &ext, "section ExtendedSize") < 0) {
				walk_adopt(img, parent, mark);
				return;
			}
			size = ext;
			h = 8;
		}
		if (size < h) {
			walk_err(img, parent, rd_abs(r, pos), "section size 0x%x is smaller than its 0x%zx-byte header", size, h);
			return;
		}
		size_t len = size < left ? size : left;
		struct fw_node *n = walk_node(img, parent, FWN_SECTION, r, pos, len);
		if (!n)
			return;
		n->type = type;
		n->hdr_len = (uint32_t)h;
		n->flags |= erase_one ? FWN_ERASE_ONE : 0;
		if (size > left)
			walk_err(img, n, n->off, "section of 0x%x bytes overruns its parent: only 0x%zx bytes left", size, left);
		one_section(img, n);
		if (size > left)
			return;
		pos += size;
	}
}
