/* fwbuild.h - test-side builder of firmware volumes, FFS files and sections
 *
 * Written from the PI specification independently of tools/fw (no igdkit code is used), so tests
 * can make images with exactly the structures (and the damage) they need and know every offset.
 */
#ifndef IGDKIT_TEST_FWBUILD_H
#define IGDKIT_TEST_FWBUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct tbuf {
	uint8_t *p;
	size_t len, cap;
};

static inline void tb_reserve(struct tbuf *b, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
	}
}
static inline void tb_put(struct tbuf *b, const void *d, size_t n)
{
	if (!n)
		return;
	tb_reserve(b, n);
	memcpy(b->p + b->len, d, n);
	b->len += n;
}
static inline void tb_fill(struct tbuf *b, uint8_t v, size_t n)
{
	tb_reserve(b, n);
	memset(b->p + b->len, v, n);
	b->len += n;
}
static inline void tb_align(struct tbuf *b, size_t a, uint8_t v)
{
	while (b->len % a)
		tb_fill(b, v, 1);
}
static inline void tb_u8(struct tbuf *b, uint8_t v) { tb_put(b, &v, 1); }
static inline void tb_u16(struct tbuf *b, uint16_t v) { uint8_t x[2] = { (uint8_t)v, (uint8_t)(v >> 8) }; tb_put(b, x, 2); }
static inline void tb_u24(struct tbuf *b, uint32_t v) { uint8_t x[3] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16) }; tb_put(b, x, 3); }
static inline void tb_u32(struct tbuf *b, uint32_t v) { tb_u16(b, (uint16_t)v); tb_u16(b, (uint16_t)(v >> 16)); }
static inline void tb_u64(struct tbuf *b, uint64_t v) { tb_u32(b, (uint32_t)v); tb_u32(b, (uint32_t)(v >> 32)); }
static inline void tb_free(struct tbuf *b) { free(b->p); memset(b, 0, sizeof(*b)); }

/* GUID from the text-form numbers, as stored on disk. */
static inline void tb_guid(struct tbuf *b, uint32_t a, uint16_t c, uint16_t d, const uint8_t e[8])
{
	tb_u32(b, a);
	tb_u16(b, c);
	tb_u16(b, d);
	tb_put(b, e, 8);
}

/* A section: common header (extended when asked) + body, then padding to 4 (caller's buffer is 4-aligned). */
static inline void tb_section(struct tbuf *b, uint8_t type, const void *body, size_t n)
{
	tb_align(b, 4, 0);
	tb_u24(b, (uint32_t)(4 + n));
	tb_u8(b, type);
	tb_put(b, body, n);
}

/* GUID-defined section with DataOffset right after the header (+ extra header bytes). */
static inline void tb_section_guided(struct tbuf *b, const uint8_t guid[16], uint16_t attrs, const void *extra, size_t nextra,
				     const void *body, size_t n)
{
	tb_align(b, 4, 0);
	tb_u24(b, (uint32_t)(24 + nextra + n));
	tb_u8(b, 0x02);
	tb_put(b, guid, 16);
	tb_u16(b, (uint16_t)(24 + nextra));
	tb_u16(b, attrs);
	tb_put(b, extra, nextra);
	tb_put(b, body, n);
}

static inline void tb_section_ui(struct tbuf *b, const char *name)
{
	struct tbuf u = { 0 };
	for (const char *c = name; *c; c++)
		tb_u16(&u, (uint16_t)*c);
	tb_u16(&u, 0);
	tb_section(b, 0x15, u.p, u.len);
	tb_free(&u);
}

/* An FFS file (header checksum right, data checksum attribute set) appended 8-aligned to a volume's files. */
static inline size_t tb_ffs(struct tbuf *b, const uint8_t name[16], uint8_t type, const void *body, size_t n, int erase_one)
{
	tb_align(b, 8, erase_one ? 0xFF : 0x00);
	size_t at = b->len;
	uint8_t h[24];
	memcpy(h, name, 16);
	h[0x12] = type;
	h[0x13] = 0x40;	/* FFS_ATTRIB_CHECKSUM */
	uint32_t size = (uint32_t)(24 + n);
	h[0x14] = (uint8_t)size, h[0x15] = (uint8_t)(size >> 8), h[0x16] = (uint8_t)(size >> 16);
	h[0x10] = 0, h[0x11] = 0, h[0x17] = 0;
	uint8_t s = 0;
	for (int i = 0; i < 24; i++)
		s = (uint8_t)(s + h[i]);
	h[0x10] = (uint8_t)(0x100 - s);
	uint8_t ds = 0;
	for (size_t i = 0; i < n; i++)
		ds = (uint8_t)(ds + ((const uint8_t *)body)[i]);
	h[0x11] = (uint8_t)(0x100 - ds);
	/* state: header construction, header valid, data valid (inverted when erased is 0xFF) */
	h[0x17] = erase_one ? (uint8_t)~0x07 : 0x07;
	tb_put(b, h, 24);
	tb_put(b, body, n);
	return at;
}

static const uint8_t tb_ffs2_guid[16] = { 0x78, 0xE5, 0x8C, 0x8C, 0x3D, 0x8A, 0x1C, 0x4F, 0x99, 0x35, 0x89, 0x61, 0x85, 0xC3, 0x2D, 0xD3 };

static const uint8_t tb_ffs3_guid[16] = { 0x7A, 0xC0, 0x73, 0x54, 0xCB, 0x3D, 0xCA, 0x4D, 0xBD, 0x6F, 0x1E, 0x96, 0x89, 0xE7, 0x34, 0x9A };

/* A volume of `size` bytes (file system fs, attributes attrs; erased bytes 0xFF when attrs has 0x800)
   holding `files` (already 8-aligned from 0). */
static inline void tb_volume_ex(struct tbuf *b, size_t size, const struct tbuf *files, const uint8_t fs[16], uint32_t attrs)
{
	size_t at = b->len;
	tb_fill(b, 0, 16);
	tb_put(b, fs, 16);
	tb_u64(b, size);
	tb_put(b, "_FVH", 4);
	tb_u32(b, attrs);
	tb_u16(b, 0x48);	/* HeaderLength */
	tb_u16(b, 0);		/* Checksum, below */
	tb_u16(b, 0);		/* ExtHeaderOffset */
	tb_u8(b, 0);
	tb_u8(b, 2);		/* Revision */
	tb_u32(b, (uint32_t)(size / 0x1000));
	tb_u32(b, 0x1000);
	tb_u32(b, 0);
	tb_u32(b, 0);
	uint16_t s = 0;
	for (size_t i = 0; i < 0x48; i += 2)
		s = (uint16_t)(s + (b->p[at + i] | b->p[at + i + 1] << 8));
	s = (uint16_t)(0x10000 - s);
	b->p[at + 0x32] = (uint8_t)s;
	b->p[at + 0x33] = (uint8_t)(s >> 8);
	tb_put(b, files->p, files->len);
	tb_fill(b, (attrs & 0x800) ? 0xFF : 0x00, size - (b->len - at));
}

/* FFSv2, erase polarity 1 */
static inline void tb_volume(struct tbuf *b, size_t size, const struct tbuf *files)
{
	tb_volume_ex(b, size, files, tb_ffs2_guid, 0x0004FEFF);
}

/* Recompute a volume header checksum after a test changed the header at b[at]. */
static inline void tb_fv_fix_checksum(uint8_t *v)
{
	v[0x32] = v[0x33] = 0;
	uint16_t s = 0, hl = (uint16_t)(v[0x30] | v[0x31] << 8);
	for (size_t i = 0; i < hl; i += 2)
		s = (uint16_t)(s + (v[i] | v[i + 1] << 8));
	s = (uint16_t)(0x10000 - s);
	v[0x32] = (uint8_t)s;
	v[0x33] = (uint8_t)(s >> 8);
}

/* Recompute an FFS header checksum (24-byte header) after a test changed it. */
static inline void tb_ffs_fix_checksum(uint8_t *h)
{
	h[0x10] = 0;
	uint8_t s = 0;
	for (int i = 0; i < 24; i++)
		if (i != 0x11 && i != 0x17)
			s = (uint8_t)(s + h[i]);
	h[0x10] = (uint8_t)(0x100 - s);
}

#endif
