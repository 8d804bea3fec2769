/* image.c - what kind of firmware image the input is, and the one walk over it */
#define _GNU_SOURCE /* memmem, strcasestr */
#include "fw/walk.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fw_tree_free_arena(struct fw_image *img);	/* tree.c */

const char *fw_input_name(enum fw_input k)
{
	static const char *const names[] = {
		[FW_INPUT_UNKNOWN] = "unknown",
		[FW_INPUT_SPI_IFD] = "SPI flash image with Intel Flash Descriptor",
		[FW_INPUT_BIOS_REGION] = "BIOS region (firmware volumes without a descriptor)",
		[FW_INPUT_CAPSULE] = "UEFI capsule",
		[FW_INPUT_FMP_CAPSULE] = "UEFI FMP capsule",
		[FW_INPUT_AMI_CAPSULE] = "AMI Aptio capsule",
		[FW_INPUT_FV] = "single firmware volume",
		[FW_INPUT_FFS] = "single FFS file",
	};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

static bool fv_header_sums(const uint8_t *p, size_t len)
{
	uint16_t hlen = le16(p + 0x30), sum = 0;
	if (hlen > len || (hlen & 1))
		return false;
	for (size_t i = 0; i < hlen; i += 2)
		sum = (uint16_t)(sum + le16(p + i));
	return sum == 0;
}

static enum fw_input detect(const uint8_t *data, size_t len)
{
	struct reader r;
	rd_init(&r, data, len, 0, NULL);
	if (ifd_detect(data, len) >= 0)
		return FW_INPUT_SPI_IFD;
	switch (capsule_detect(data, len)) {
	case CAPSULE_UEFI: return FW_INPUT_CAPSULE;
	case CAPSULE_FMP: return FW_INPUT_FMP_CAPSULE;
	case CAPSULE_AMI: return FW_INPUT_AMI_CAPSULE;
	case CAPSULE_NONE: break;
	}
	if (fv_plausible(&r, 0))
		return le64(data + 0x20) == len ? FW_INPUT_FV : FW_INPUT_BIOS_REGION;
	if (ffs_plausible_file(data, len))
		return FW_INPUT_FFS;
	/* A region whose first volume is not at 0: the first volume found must have a sound header. */
	for (const uint8_t *hit = data; len >= FV_HEADER_MIN && (hit = memmem(hit, len - (size_t)(hit - data), "_FVH", 4));
	     hit += 4) {
		size_t at = (size_t)(hit - data);
		if (at >= FV_SIGNATURE_AT && fv_plausible(&r, at - FV_SIGNATURE_AT) &&
		    fv_header_sums(data + at - FV_SIGNATURE_AT, len - (at - FV_SIGNATURE_AT)))
			return FW_INPUT_BIOS_REGION;
	}
	return FW_INPUT_UNKNOWN;
}

/* "what was seen at offset 0", for the refusal message. */
static void describe_start(const uint8_t *data, size_t len, char *buf, size_t blen)
{
	if (!len) {
		snprintf(buf, blen, "the file is empty");
		return;
	}
	size_t n = len < 64 ? len : 64, i = 0;
	while (i < n && data[i] == data[0])
		i++;
	if (i == n && (data[0] == 0xFF || data[0] == 0x00)) {
		snprintf(buf, blen, "the first %zu bytes are all 0x%02X (erased or empty)", n, data[0]);
		return;
	}
	if (len >= 2 && data[0] == 0x55 && data[1] == 0xAA) {
		snprintf(buf, blen, "55 AA: a PCI option ROM (try 'igdkit rom check')");
		return;
	}
	if (len >= 2 && data[0] == 'M' && data[1] == 'Z') {
		snprintf(buf, blen, "\"MZ\": a PE/COFF executable such as an EFI driver (use it with 'igdkit rom build --efi')");
		return;
	}
	if (len >= 4 && !memcmp(data, "$VBT", 4)) {
		snprintf(buf, blen, "\"$VBT\": a Video BIOS Table on its own");
		return;
	}
	const uint8_t *fvh = len > FV_SIGNATURE_AT ? memmem(data, len, "_FVH", 4) : NULL;
	size_t o = 0;
	o += (size_t)snprintf(buf + o, blen - o, "bytes");
	for (size_t k = 0; k < 16 && k < len && o < blen; k++)
		o += (size_t)snprintf(buf + o, blen - o, " %02x", data[k]);
	if (o < blen) {
		o += (size_t)snprintf(buf + o, blen - o, " \"");
		for (size_t k = 0; k < 16 && k < len && o + 2 < blen; k++)
			buf[o++] = isprint(data[k]) ? (char)data[k] : '.';
		if (o + 2 < blen)
			buf[o++] = '"';
		buf[o] = 0;
	}
	if (fvh && o < blen)
		snprintf(buf + o, blen - o, "; a damaged volume header (\"_FVH\") at 0x%zx", (size_t)(fvh - data));
}

int fw_open(const uint8_t *data, size_t len, struct fw_image **out, struct diag *d)
{
	return fw_open_limited(data, len, NULL, out, d);
}

int fw_open_limited(const uint8_t *data, size_t len, const struct fw_limits *lim, struct fw_image **out,
		    struct diag *d)
{
	struct diag local;
	*out = NULL;
	enum fw_input kind = detect(data, len);
	if (kind == FW_INPUT_UNKNOWN) {
		char what[200];
		describe_start(data, len, what, sizeof(what));
		return diag_err(d, 0, "not a firmware image I know: %s", what);
	}
	struct fw_image *img = calloc(1, sizeof(*img));
	if (!img)
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	img->data = data;
	img->len = len;
	img->input = kind;
	size_t extra = lim && lim->inflate_extra < FW_INFLATE_EXTRA ? lim->inflate_extra : FW_INFLATE_EXTRA;
	img->inflate_budget = len > (SIZE_MAX - extra) / 8 ? SIZE_MAX : 8 * len + extra;
	img->max_nodes = lim && lim->max_nodes && lim->max_nodes < FW_MAX_NODES ? lim->max_nodes : FW_MAX_NODES;
	if (!d) {
		diag_init(&local);
		d = &local;
	}
	img->d = d;
	struct reader r;
	rd_init(&r, data, len, 0, d);
	img->root = walk_node(img, NULL, FWN_IMAGE, &r, 0, len);
	if (!img->root) {
		fw_close(img);
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	}
	img->root->name = fw_input_name(kind);
	size_t used;
	switch (kind) {
	case FW_INPUT_SPI_IFD:
		ifd_walk(img, img->root, &r);
		break;
	case FW_INPUT_CAPSULE:
	case FW_INPUT_FMP_CAPSULE:
	case FW_INPUT_AMI_CAPSULE:
		capsule_walk(img, img->root, &r);
		break;
	case FW_INPUT_FV:
	case FW_INPUT_BIOS_REGION:
		fv_scan(img, img->root, &r);
		break;
	case FW_INPUT_FFS:
		/* No volume says the erase polarity: an erased-is-0xFF file has its state's high bits set. */
		ffs_file(img, img->root, &r, 0, (data[0x17] & 0x80) != 0, true, &used);
		if (used < len) {
			struct fw_node *pad = walk_node(img, img->root, FWN_PADDING, &r, used, len - used);
			if (pad)
				pad->name = "after the file";
		}
		break;
	case FW_INPUT_UNKNOWN:
		break;
	}
	img->d = NULL;
	if (d == &local)
		diag_free(&local);
	*out = img;
	return 0;
}

void fw_close(struct fw_image *img)
{
	if (!img)
		return;
	fw_tree_free_arena(img);
	free(img);
}

enum fw_input fw_input_kind(const struct fw_image *img) { return img->input; }
const struct fw_node *fw_root(const struct fw_image *img) { return img->root; }
size_t fw_inflated_bytes(const struct fw_image *img) { return img->inflated; }
size_t fw_node_count(const struct fw_image *img) { return img->nodes; }

/* ---- text search (BIOS version and board strings) ---- */

static bool has_text(const uint8_t *p, size_t n, const char *t)
{
	size_t tl = strlen(t);
	if (!tl || tl > 255)
		return false;
	if (memmem(p, n, t, tl))
		return true;
	uint8_t w[512];
	for (size_t i = 0; i < tl; i++) {
		w[2 * i] = (uint8_t)t[i];
		w[2 * i + 1] = 0;
	}
	return memmem(p, n, w, 2 * tl) != NULL;
}

void fw_search_bytes(const uint8_t *p, size_t n, const char *const *texts, size_t ntexts, bool *found)
{
	for (size_t i = 0; i < ntexts; i++)
		if (!found[i] && texts[i])
			found[i] = has_text(p, n, texts[i]);
}

void fw_search_texts(const struct fw_image *img, const char *const *texts, size_t ntexts, bool *found)
{
	fw_search_bytes(img->data, img->len, texts, ntexts, found);
	for (const struct fw_stream *st = img->streams; st; st = st->next)
		fw_search_bytes(st->data, st->len, texts, ntexts, found);
}
