/* bytes.h - bounds-checked little/big-endian field access for the EFI drivers' parsers
 *
 * The drivers run without libc, so tools/lib/reader.c (which records its
 * failures through malloc'ed diagnostics) cannot come along. These helpers
 * keep its rule instead: every field is checked against the window before
 * it is read, with checks that cannot overflow (n > len - off).
 */
#ifndef IGDKIT_EFI_BYTES_H
#define IGDKIT_EFI_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when [off, off+n) lies inside a window of len bytes. */
static inline bool bx_fits(size_t len, size_t off, size_t n)
{
	return off <= len && n <= len - off;
}

static inline uint16_t bx_le16(const uint8_t *b) { return (uint16_t)(b[0] | b[1] << 8); }
static inline uint32_t bx_le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}
static inline uint64_t bx_le64(const uint8_t *b) { return (uint64_t)bx_le32(b) | (uint64_t)bx_le32(b + 4) << 32; }
static inline uint16_t bx_be16(const uint8_t *b) { return (uint16_t)(b[0] << 8 | b[1]); }
static inline uint32_t bx_be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | (uint32_t)b[3];
}
static inline void bx_put_be16(uint8_t *b, uint16_t v) { b[0] = (uint8_t)(v >> 8); b[1] = (uint8_t)v; }
static inline void bx_put_be32(uint8_t *b, uint32_t v)
{
	bx_put_be16(b, (uint16_t)(v >> 16));
	bx_put_be16(b + 2, (uint16_t)v);
}
static inline void bx_put_be64(uint8_t *b, uint64_t v)
{
	bx_put_be32(b, (uint32_t)(v >> 32));
	bx_put_be32(b + 4, (uint32_t)v);
}

/* Reads that fail (return false, *v untouched) instead of running past the window. */
static inline bool bx_u8(const uint8_t *p, size_t len, size_t off, uint8_t *v)
{
	if (!bx_fits(len, off, 1))
		return false;
	*v = p[off];
	return true;
}
static inline bool bx_u16(const uint8_t *p, size_t len, size_t off, uint16_t *v)
{
	if (!bx_fits(len, off, 2))
		return false;
	*v = bx_le16(p + off);
	return true;
}
static inline bool bx_u32(const uint8_t *p, size_t len, size_t off, uint32_t *v)
{
	if (!bx_fits(len, off, 4))
		return false;
	*v = bx_le32(p + off);
	return true;
}
static inline bool bx_u64(const uint8_t *p, size_t len, size_t off, uint64_t *v)
{
	if (!bx_fits(len, off, 8))
		return false;
	*v = bx_le64(p + off);
	return true;
}

static inline bool bx_same(const uint8_t *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)s[i])
			return false;
	return true;
}

#endif
