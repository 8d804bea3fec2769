/* reader.h - the one bounds-checked little-endian reader for untrusted bytes
 *
 * Every parser of firmware, ROM, ACPI or database bytes reads through this.
 * A reader is a window [p, p+len) whose first byte sits at absolute offset
 * `base` of the original input, so every error names the absolute offset of
 * the field that did not fit: "0x7f0030: FV HeaderLength: need 4 bytes, 2 left".
 * Reads never advance on failure.
 */
#ifndef IGDKIT_READER_H
#define IGDKIT_READER_H

#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"
#include "lib/guid.h"

struct reader {
	const uint8_t *p;
	size_t len;
	size_t pos;
	uint64_t base;		/* absolute offset of p[0] in the outermost input */
	struct diag *d;		/* where failures are recorded; may be NULL */
};

void rd_init(struct reader *r, const void *p, size_t len, uint64_t base, struct diag *d);

static inline size_t rd_left(const struct reader *r) { return r->len - r->pos; }
static inline uint64_t rd_off(const struct reader *r) { return r->base + r->pos; }
static inline uint64_t rd_abs(const struct reader *r, size_t pos) { return r->base + pos; }
static inline const uint8_t *rd_ptr(const struct reader *r) { return r->p + r->pos; }

/* Sequential reads at pos; on success pos advances. `what` names the field. */
int rd_u8(struct reader *r, uint8_t *v, const char *what);
int rd_u16le(struct reader *r, uint16_t *v, const char *what);
int rd_u24le(struct reader *r, uint32_t *v, const char *what);
int rd_u32le(struct reader *r, uint32_t *v, const char *what);
int rd_u64le(struct reader *r, uint64_t *v, const char *what);
int rd_guid(struct reader *r, struct guid *g, const char *what);
int rd_bytes(struct reader *r, void *dst, size_t n, const char *what);
int rd_skip(struct reader *r, size_t n, const char *what);
/* Borrow n bytes in place (no copy). */
int rd_take(struct reader *r, size_t n, const uint8_t **out, const char *what);

/* Random access relative to the window start; pos is not changed. */
int rd_u8_at(const struct reader *r, size_t at, uint8_t *v, const char *what);
int rd_u16le_at(const struct reader *r, size_t at, uint16_t *v, const char *what);
int rd_u24le_at(const struct reader *r, size_t at, uint32_t *v, const char *what);
int rd_u32le_at(const struct reader *r, size_t at, uint32_t *v, const char *what);
int rd_u64le_at(const struct reader *r, size_t at, uint64_t *v, const char *what);
int rd_guid_at(const struct reader *r, size_t at, struct guid *g, const char *what);
int rd_check(const struct reader *r, size_t at, size_t n, const char *what);

int rd_seek(struct reader *r, size_t pos, const char *what);
int rd_align(struct reader *r, size_t align, const char *what);

/* Sub-windows keep absolute offsets. rd_sub consumes n bytes; rd_sub_at does not. */
int rd_sub(struct reader *r, size_t n, struct reader *out, const char *what);
int rd_sub_at(const struct reader *r, size_t at, size_t n, struct reader *out, const char *what);
/* The rest of the window from pos, without consuming. */
void rd_rest(const struct reader *r, struct reader *out);

/* Plain little-endian decoders for bytes already bounds-checked. */
static inline uint16_t le16(const uint8_t *b) { return (uint16_t)(b[0] | b[1] << 8); }
static inline uint32_t le24(const uint8_t *b) { return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16; }
static inline uint32_t le32(const uint8_t *b) { return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24; }
static inline uint64_t le64(const uint8_t *b) { return (uint64_t)le32(b) | (uint64_t)le32(b + 4) << 32; }
static inline void put_le16(uint8_t *b, uint16_t v) { b[0] = (uint8_t)v; b[1] = (uint8_t)(v >> 8); }
static inline void put_le24(uint8_t *b, uint32_t v) { b[0] = (uint8_t)v; b[1] = (uint8_t)(v >> 8); b[2] = (uint8_t)(v >> 16); }
static inline void put_le32(uint8_t *b, uint32_t v) { put_le16(b, (uint16_t)v); put_le16(b + 2, (uint16_t)(v >> 16)); }
static inline void put_le64(uint8_t *b, uint64_t v) { put_le32(b, (uint32_t)v); put_le32(b + 4, (uint32_t)(v >> 32)); }

#endif
