/* vbt.c - Intel VBT header, BDB header and block chain validation */
#include "rom/vbt.h"

#include <string.h>

#define BDB_MIPI_SEQUENCE 53

bool vbt_find(const struct reader *r, size_t from, size_t *at)
{
	if (from >= r->len || r->len - from < 4)
		return false;
	for (size_t i = from; i + 4 <= r->len; i++) {
		const uint8_t *q = memchr(r->p + i, '$', r->len - i - 3);
		if (!q)
			return false;
		i = (size_t)(q - r->p);
		if (!memcmp(q, "$VBT", 4)) {
			*at = i;
			return true;
		}
	}
	return false;
}

static void copy_printable(char *dst, const uint8_t *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] <= 0x7e) ? (char)src[i] : '?';
	dst[n] = 0;
}

/*
 * The block chain the way i915 walks it: {id, u16 size} headers from the end of
 * the BDB header to bdb_size; MIPI sequence blocks v3+ carry a u32 size inside.
 */
static int walk_blocks(const struct reader *vbt, struct vbt_info *v)
{
	size_t bdb = v->bdb_offset;
	size_t pos = v->bdb_header_size, end = v->bdb_size;

	/* Each block needs 3 header bytes, so the loop runs at most bdb_size/3 times. */
	while (pos + 3 <= end) {
		uint8_t id = vbt->p[bdb + pos];
		uint32_t size = le16(vbt->p + bdb + pos + 1);
		uint64_t hoff = rd_abs(vbt, bdb + pos);

		if (id == BDB_MIPI_SEQUENCE && size >= 5 && bdb + pos + 3 + 5 <= v->vbt_size &&
		    vbt->p[bdb + pos + 3] >= 3)
			size = le32(vbt->p + bdb + pos + 4);
		v->nblocks++;
		v->blocks_seen[id / 8] |= (uint8_t)(1u << (id % 8));
		if (size > end - pos - 3) {
			/* Intel's tools count the last block one byte past bdb_size; vbt_size covers it. */
			if ((uint64_t)bdb + pos + 3 + size <= v->vbt_size) {
				v->last_block_past_bdb = true;
				diag_note(vbt->d, hoff,
					  "VBT block %u (0x%x bytes) ends %llu byte(s) past BDB size 0x%x but inside VBT size 0x%x",
					  id, size, (unsigned long long)(pos + 3 + size - end), v->bdb_size, v->vbt_size);
				return 0;
			}
			return diag_err(vbt->d, hoff, "VBT block %u: size 0x%x runs past the BDB (0x%zx bytes left)", id,
					size, end - pos - 3);
		}
		pos += 3 + size;
	}
	return 0;
}

int vbt_parse(const struct reader *r, struct vbt_info *v)
{
	uint8_t h[VBT_HEADER_LEN];
	struct reader hdr;

	memset(v, 0, sizeof(*v));
	v->off = rd_abs(r, 0);
	if (rd_sub_at(r, 0, VBT_HEADER_LEN, &hdr, "VBT header") < 0)
		return -1;
	memcpy(h, hdr.p, sizeof(h));
	if (memcmp(h, "$VBT", 4))
		return diag_err(r->d, v->off, "VBT: expected '$VBT', found %02x %02x %02x %02x", h[0], h[1], h[2], h[3]);
	copy_printable(v->signature, h, 20);
	size_t n = 20;
	while (n > 5 && (h[n - 1] == ' ' || h[n - 1] == 0))
		n--;
	copy_printable(v->platform, h + 5, n > 5 ? n - 5 : 0);
	v->version = le16(h + 0x14);
	v->header_size = le16(h + 0x16);
	v->vbt_size = le16(h + 0x18);
	v->checksum = h[0x1a];
	v->bdb_offset = le32(h + 0x1c);

	if (v->header_size < VBT_HEADER_LEN)
		diag_warn(r->d, v->off + 0x16, "VBT header size 0x%x below the 0x%x-byte header", v->header_size,
			  VBT_HEADER_LEN);
	if (v->vbt_size < VBT_HEADER_LEN)
		return diag_err(r->d, v->off + 0x18, "VBT size 0x%x smaller than its own header", v->vbt_size);
	if (v->vbt_size > r->len)
		return diag_err(r->d, v->off + 0x18, "VBT size 0x%x runs past the %zu bytes available", v->vbt_size,
				r->len);
	if (v->bdb_offset < VBT_HEADER_LEN || v->bdb_offset > v->vbt_size ||
	    v->vbt_size - v->bdb_offset < VBT_BDB_HEADER_LEN)
		return diag_err(r->d, v->off + 0x1c, "VBT: BDB offset 0x%x leaves no room for a BDB header in VBT size 0x%x",
				v->bdb_offset, v->vbt_size);

	unsigned sum = 0;
	for (size_t i = 0; i < v->vbt_size; i++)
		sum += r->p[i];
	v->sum = (uint8_t)sum;
	v->checksum_ok = v->sum == 0;
	if (!v->checksum_ok)
		diag_note(r->d, v->off + 0x1a,
			  "VBT checksum byte 0x%02x leaves a byte sum of 0x%02x over 0x%x bytes, not 0 (common after edits; i915 does not check it)",
			  v->checksum, v->sum, v->vbt_size);

	const uint8_t *b = r->p + v->bdb_offset;
	uint64_t boff = v->off + v->bdb_offset;
	if (memcmp(b, "BIOS_DATA_BLOCK ", 16))
		return diag_err(r->d, boff, "VBT: expected 'BIOS_DATA_BLOCK ' at BDB offset 0x%x", v->bdb_offset);
	v->bdb_version = le16(b + 16);
	v->bdb_header_size = le16(b + 18);
	v->bdb_size = le16(b + 20);
	if (v->bdb_header_size < VBT_BDB_HEADER_LEN)
		return diag_err(r->d, boff + 18, "BDB header size 0x%x below 0x%x", v->bdb_header_size,
				VBT_BDB_HEADER_LEN);
	if (v->bdb_size < v->bdb_header_size)
		return diag_err(r->d, boff + 20, "BDB size 0x%x smaller than the BDB header (0x%x)", v->bdb_size,
				v->bdb_header_size);
	if (v->bdb_size > v->vbt_size - v->bdb_offset)
		return diag_err(r->d, boff + 20, "BDB size 0x%x runs past VBT size 0x%x (BDB at 0x%x)", v->bdb_size,
				v->vbt_size, v->bdb_offset);
	return walk_blocks(r, v);
}
