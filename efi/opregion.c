/* opregion.c - OpRegion header, extent and VBT location (see opregion.h) */
#include "opregion.h"

#include "bytes.h"

static const char *const status_text[] = {
	[OPR_OK] = "ok",
	[OPR_TRUNCATED] = "OpRegion header truncated",
	[OPR_BAD_SIGNATURE] = "no IntelGraphicsMem signature",
	[OPR_BAD_SIZE] = "OpRegion size field out of range",
	[OPR_TOO_LARGE] = "OpRegion larger than 1 MiB",
	[OPR_RVDA_RANGE] = "RVDA/RVDS outside the OpRegion",
	[OPR_RVDA_ABSOLUTE] = "VBT at an absolute RVDA (OpRegion 2.0), none in mailbox 4",
	[OPR_NO_VBT] = "no $VBT in mailbox 4 or at RVDA",
	[OPR_VBT_TRUNCATED] = "VBT runs past its window",
	[OPR_VBT_BAD_SIZE] = "VBT size smaller than its header",
	[OPR_VBT_BAD_BDB] = "VBT BIOS data block missing or out of range",
};

const char *opr_status_str(enum opr_status s)
{
	if ((size_t)s < sizeof(status_text) / sizeof(status_text[0]) && status_text[s])
		return status_text[s];
	return "unknown OpRegion error";
}

static enum opr_status fail(enum opr_status s, size_t off, size_t *bad_off)
{
	if (bad_off)
		*bad_off = off;
	return s;
}

/* OpRegion 2.1 and later keep RVDA relative to the OpRegion. */
static bool rvda_relative(const struct opregion_info *oi)
{
	return oi->major > 2 || (oi->major == 2 && oi->minor >= 1);
}

enum opr_status opregion_header(const uint8_t *p, size_t len, struct opregion_info *oi, size_t *bad_off)
{
	uint32_t kib;

	*oi = (struct opregion_info){ 0 };
	if (len < OPREGION_HEADER_LEN)
		return fail(OPR_TRUNCATED, len, bad_off);
	if (!bx_same(p, OPREGION_SIGNATURE, 16))
		return fail(OPR_BAD_SIGNATURE, 0, bad_off);
	kib = bx_le32(p + 0x10);
	if (kib < OPREGION_MIN_SIZE / 1024 || kib > OPREGION_MAX_SIZE / 1024)
		return fail(OPR_BAD_SIZE, 0x10, bad_off);
	oi->size = kib * 1024;
	oi->minor = p[0x16];
	oi->major = p[0x17];
	oi->mbox = bx_le32(p + 0x58);
	oi->rvda = bx_le64(p + OPREGION_RVDA_OFF);
	oi->rvds = bx_le32(p + OPREGION_RVDS_OFF);
	oi->extent = oi->size;
	if (oi->major >= 2 && oi->rvda && oi->rvds && rvda_relative(oi)) {
		/* Both are checked against the cap first, so the sum cannot wrap. */
		if (oi->rvda > OPREGION_MAX_SIZE || oi->rvds > OPREGION_MAX_SIZE - oi->rvda)
			return fail(OPR_TOO_LARGE, OPREGION_RVDA_OFF, bad_off);
		if (oi->rvda < OPREGION_HEADER_LEN)
			return fail(OPR_RVDA_RANGE, OPREGION_RVDA_OFF, bad_off);
		if (oi->rvda + oi->rvds > oi->extent)
			oi->extent = (size_t)(oi->rvda + oi->rvds);
	}
	return OPR_OK;
}

enum opr_status vbt_validate(const uint8_t *p, size_t avail, uint16_t *size, size_t *bad_off)
{
	uint16_t hsize, vsize;
	uint32_t bdb;

	if (avail < VBT_HEADER_SIZE)
		return fail(avail >= 4 && bx_same(p, "$VBT", 4) ? OPR_VBT_TRUNCATED : OPR_NO_VBT, 0, bad_off);
	if (!bx_same(p, "$VBT", 4))
		return fail(OPR_NO_VBT, 0, bad_off);
	hsize = bx_le16(p + 0x16);
	vsize = bx_le16(p + 0x18);
	bdb = bx_le32(p + 0x1c);
	if (vsize < VBT_HEADER_SIZE || hsize > vsize)
		return fail(OPR_VBT_BAD_SIZE, 0x18, bad_off);
	if (vsize > avail)
		return fail(OPR_VBT_TRUNCATED, 0x18, bad_off);
	if (bdb < VBT_HEADER_SIZE || !bx_fits(vsize, bdb, VBT_BDB_HEADER_SIZE))
		return fail(OPR_VBT_BAD_BDB, 0x1c, bad_off);
	if (!bx_same(p + bdb, "BIOS_DATA_BLOCK ", 16))
		return fail(OPR_VBT_BAD_BDB, bdb, bad_off);
	*size = vsize;
	return OPR_OK;
}

enum opr_status opregion_find_vbt(const uint8_t *p, size_t len, struct opregion_vbt *v, size_t *bad_off)
{
	struct opregion_info oi;
	enum opr_status s;
	size_t off = 0;

	*v = (struct opregion_vbt){ 0 };
	if ((s = opregion_header(p, len, &oi, bad_off)) != OPR_OK)
		return s;
	if (oi.size > len)
		return fail(OPR_BAD_SIZE, 0x10, bad_off);

	if (oi.major >= 2 && oi.rvda && oi.rvds && rvda_relative(&oi)) {
		if (oi.rvda > len || oi.rvds > len - oi.rvda)
			return fail(OPR_RVDA_RANGE, OPREGION_RVDA_OFF, bad_off);
		v->source = OPR_VBT_RVDA;
		v->off = (size_t)oi.rvda;
		v->window = oi.rvds;
		s = vbt_validate(p + v->off, v->window, &v->size, &off);
		if (s != OPR_OK)
			return fail(s, v->off + off, bad_off);
		return OPR_OK;
	}

	v->source = OPR_VBT_MAILBOX4;
	v->off = OPREGION_MBOX4_OFF;
	v->window = ((oi.mbox & (1u << 4)) ? OPREGION_ASLE_EXT_OFF : OPREGION_MIN_SIZE) - OPREGION_MBOX4_OFF;
	s = vbt_validate(p + v->off, v->window, &v->size, &off);
	if (s == OPR_NO_VBT && oi.major == 2 && oi.rvda && oi.rvds)
		return fail(OPR_RVDA_ABSOLUTE, OPREGION_RVDA_OFF, bad_off);
	if (s != OPR_OK)
		return fail(s, v->off + off, bad_off);
	return OPR_OK;
}

void vbt_fix_checksum(uint8_t *vbt, uint16_t size)
{
	uint8_t sum = 0;

	if (size <= 0x1a)
		return;
	vbt[0x1a] = 0;
	for (uint16_t i = 0; i < size; i++)
		sum = (uint8_t)(sum + vbt[i]);
	vbt[0x1a] = (uint8_t)(0x100 - sum);
}
