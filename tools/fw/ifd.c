/* ifd.c - Intel Flash Descriptor: the region map of a full SPI flash image
 *
 * The descriptor starts with the signature 0x0FF0A55A at 0x10 (PCH era) or at 0 (ICH8/9). The
 * word after it (FLMAP0) gives the region table's base (FRBA) in 16-byte units; each table entry
 * holds a region's base and limit in 4 KiB units (limit inclusive). Which entries exist depends on
 * the descriptor version: version 1 (read clock 20 MHz in the component section) knows regions
 * 0..6, version 2 (Skylake and later) 0..9; the rest of the table is read as unused, as UEFITool
 * does.
 */
#include "fw/walk.h"

#include <string.h>

#define IFD_V1_REGIONS 7
#define IFD_V2_REGIONS 10

long ifd_detect(const uint8_t *data, size_t len)
{
	if (len >= 0x20 && le32(data + 0x10) == IFD_SIGNATURE)
		return 0x10;
	/* ICH8/9 descriptors: signature at 0, and FLMAP0 must point inside the first 4 KiB. */
	if (len >= 0x20 && le32(data) == IFD_SIGNATURE && ((le32(data + 4) >> 16) & 0xFF) != 0)
		return 0;
	return -1;
}

int ifd_parse(const struct reader *r, struct ifd *out)
{
	uint32_t sig, flmap0, flmap1, flcomp;
	memset(out, 0, sizeof(*out));
	long so = ifd_detect(r->p, r->len);
	if (so < 0)
		return diag_err(r->d, rd_abs(r, 0x10), "no flash descriptor signature 0x%08X at 0x10 or 0", IFD_SIGNATURE);
	out->sig_off = (size_t)so;
	if (rd_u32le_at(r, out->sig_off, &sig, "descriptor signature") < 0 ||
	    rd_u32le_at(r, out->sig_off + 4, &flmap0, "descriptor FLMAP0") < 0 ||
	    rd_u32le_at(r, out->sig_off + 8, &flmap1, "descriptor FLMAP1") < 0)
		return -1;
	size_t fcba = (flmap0 & 0xFF) << 4;
	size_t frba = ((flmap0 >> 16) & 0xFF) << 4;
	size_t fmba = (flmap1 & 0xFF) << 4;
	size_t fpsba = ((flmap1 >> 16) & 0xFF) << 4;
	if (rd_u32le_at(r, fcba, &flcomp, "descriptor component section (FCBA)") < 0)
		return -1;
	unsigned version = ((flcomp >> 17) & 7) == 0 ? 1 : 2;
	size_t max = version == 1 ? IFD_V1_REGIONS : IFD_V2_REGIONS;
	/* The table ends where the next descriptor section begins. */
	size_t end = SIZE_MAX;
	size_t bases[3] = { fcba, fmba, fpsba };
	for (int i = 0; i < 3; i++)
		if (bases[i] > frba && bases[i] < end)
			end = bases[i];
	if (end != SIZE_MAX && (end - frba) / 4 < max)
		max = (end - frba) / 4;
	for (unsigned i = 0; i < max; i++) {
		uint32_t v;
		if (rd_u32le_at(r, frba + 4 * i, &v, "descriptor region table (FRBA)") < 0)
			return -1;
		uint32_t base = v & 0x7FFF, limit = (v >> 16) & 0x7FFF;
		if (base == 0x7FFF || limit == 0x7FFF || base > limit || (i > 0 && limit == 0))
			continue;
		struct ifd_region *g = &out->region[out->nregions++];
		g->index = i;
		g->base = base << 12;
		g->limit = limit << 12 | 0xFFF;
	}
	return 0;
}

void ifd_walk(struct fw_image *img, struct fw_node *parent, const struct reader *r)
{
	struct ifd ifd;
	size_t mark = walk_mark(img);
	if (ifd_parse(r, &ifd) < 0) {
		walk_adopt(img, parent, mark);
		fv_scan(img, parent, r);	/* a broken descriptor still leaves volumes to find */
		return;
	}
	/* Shown in flash order, as the chip holds them. */
	for (unsigned i = 1; i < ifd.nregions; i++)
		for (unsigned k = i; k > 0 && ifd.region[k - 1].base > ifd.region[k].base; k--) {
			struct ifd_region t = ifd.region[k];
			ifd.region[k] = ifd.region[k - 1];
			ifd.region[k - 1] = t;
		}
	const struct ifd_region *bios = NULL, *me = NULL;
	bool bios_cut = false;
	for (unsigned i = 0; i < ifd.nregions; i++) {
		if (ifd.region[i].index == 1)
			bios = &ifd.region[i];
		if (ifd.region[i].index == 2)
			me = &ifd.region[i];
	}
	for (unsigned i = 0; i < ifd.nregions; i++) {
		const struct ifd_region *g = &ifd.region[i];
		uint64_t base = g->base, size = (uint64_t)g->limit - g->base + 1;
		/* Gigabyte descriptors give the BIOS region the whole chip; it really starts after ME. */
		if (g == bios && g->base == 0 && size == r->len && me)
			base = (uint64_t)me->limit + 1, size = r->len - base;
		size_t have = base >= r->len ? 0 : (size_t)(size < r->len - base ? size : r->len - base);
		struct fw_node *n = walk_node(img, parent, FWN_REGION, r, base >= r->len ? r->len : (size_t)base, have);
		if (!n)
			return;
		n->type = (uint8_t)g->index;
		n->name = fw_region_name(g->index);
		n->extra = size;
		n->off = rd_abs(r, 0) + base;
		if (!have)
			walk_warn(img, n, n->off, "%s region 0x%llx-0x%llx lies beyond the end of the 0x%zx-byte image",
				  n->name, (unsigned long long)base, (unsigned long long)(base + size - 1), r->len);
		else if (have < size)
			walk_err(img, n, n->off, "%s region 0x%llx-0x%llx is cut off: the 0x%zx-byte image ends 0x%llx bytes early",
				 n->name, (unsigned long long)base, (unsigned long long)(base + size - 1), r->len,
				 (unsigned long long)(size - have));
		for (unsigned k = 0; k < i; k++) {
			const struct ifd_region *o = &ifd.region[k];
			if (g->base <= o->limit && o->base <= g->limit)
				walk_warn(img, n, n->off, "%s region overlaps the %s region", n->name, fw_region_name(o->index));
		}
		if (g == bios && have < size)
			bios_cut = true;	/* the descriptor does not describe this file: searched whole below */
		else if (g == bios && have) {
			struct reader br;
			if (rd_sub_at(r, (size_t)base, have, &br, "BIOS region") == 0)
				fv_scan(img, n, &br);
		}
	}
	/* A descriptor that puts the BIOS nowhere or only partly in this file is wrong about the file,
	   not proof that it holds no volumes: look everywhere, as UEFIExtract does. */
	if (!bios)
		walk_err(img, parent, rd_abs(r, ifd.sig_off), "flash descriptor lists no BIOS region: scanning the whole image for volumes");
	else if (bios_cut)
		walk_err(img, parent, rd_abs(r, ifd.sig_off), "the descriptor's BIOS region 0x%x-0x%x %s the 0x%zx-byte image: "
			 "scanning the whole image for volumes", bios->base, bios->limit,
			 bios->base >= r->len ? "starts past the end of" : "runs past the end of", r->len);
	if (!bios || bios_cut) {
		struct fw_node *all = walk_node(img, parent, FWN_PADDING, r, 0, r->len);
		if (!all)
			return;
		all->name = "whole image, scanned for volumes";
		fv_scan(img, all, r);
	}
}
