/* reader.c - bounds-checked little-endian reads with absolute offsets in every error */
#include "lib/reader.h"

#include <string.h>

void rd_init(struct reader *r, const void *p, size_t len, uint64_t base, struct diag *d)
{
	r->p = p;
	r->len = p ? len : 0;
	r->pos = 0;
	r->base = base;
	r->d = d;
}

/* Written as `n > len - at` so no sum can overflow. */
int rd_check(const struct reader *r, size_t at, size_t n, const char *what)
{
	if (at > r->len)
		return diag_err(r->d, rd_abs(r, at), "%s: offset beyond end of %zu-byte window", what, r->len);
	if (n > r->len - at)
		return diag_err(r->d, rd_abs(r, at), "%s: need %zu bytes, %zu left", what, n, r->len - at);
	return 0;
}

int rd_take(struct reader *r, size_t n, const uint8_t **out, const char *what)
{
	if (rd_check(r, r->pos, n, what) < 0)
		return -1;
	*out = r->p + r->pos;
	r->pos += n;
	return 0;
}

int rd_bytes(struct reader *r, void *dst, size_t n, const char *what)
{
	const uint8_t *b;
	if (rd_take(r, n, &b, what) < 0)
		return -1;
	if (n)
		memcpy(dst, b, n);
	return 0;
}

int rd_skip(struct reader *r, size_t n, const char *what)
{
	const uint8_t *b;
	return rd_take(r, n, &b, what);
}

int rd_u8(struct reader *r, uint8_t *v, const char *what)
{
	const uint8_t *b;
	if (rd_take(r, 1, &b, what) < 0)
		return -1;
	*v = b[0];
	return 0;
}

int rd_u16le(struct reader *r, uint16_t *v, const char *what)
{
	const uint8_t *b;
	if (rd_take(r, 2, &b, what) < 0)
		return -1;
	*v = le16(b);
	return 0;
}

int rd_u24le(struct reader *r, uint32_t *v, const char *what)
{
	const uint8_t *b;
	if (rd_take(r, 3, &b, what) < 0)
		return -1;
	*v = le24(b);
	return 0;
}

int rd_u32le(struct reader *r, uint32_t *v, const char *what)
{
	const uint8_t *b;
	if (rd_take(r, 4, &b, what) < 0)
		return -1;
	*v = le32(b);
	return 0;
}

int rd_u64le(struct reader *r, uint64_t *v, const char *what)
{
	const uint8_t *b;
	if (rd_take(r, 8, &b, what) < 0)
		return -1;
	*v = le64(b);
	return 0;
}

int rd_guid(struct reader *r, struct guid *g, const char *what)
{
	return rd_bytes(r, g->b, sizeof(g->b), what);
}

int rd_u8_at(const struct reader *r, size_t at, uint8_t *v, const char *what)
{
	if (rd_check(r, at, 1, what) < 0)
		return -1;
	*v = r->p[at];
	return 0;
}

int rd_u16le_at(const struct reader *r, size_t at, uint16_t *v, const char *what)
{
	if (rd_check(r, at, 2, what) < 0)
		return -1;
	*v = le16(r->p + at);
	return 0;
}

int rd_u24le_at(const struct reader *r, size_t at, uint32_t *v, const char *what)
{
	if (rd_check(r, at, 3, what) < 0)
		return -1;
	*v = le24(r->p + at);
	return 0;
}

int rd_u32le_at(const struct reader *r, size_t at, uint32_t *v, const char *what)
{
	if (rd_check(r, at, 4, what) < 0)
		return -1;
	*v = le32(r->p + at);
	return 0;
}

int rd_u64le_at(const struct reader *r, size_t at, uint64_t *v, const char *what)
{
	if (rd_check(r, at, 8, what) < 0)
		return -1;
	*v = le64(r->p + at);
	return 0;
}

int rd_guid_at(const struct reader *r, size_t at, struct guid *g, const char *what)
{
	if (rd_check(r, at, sizeof(g->b), what) < 0)
		return -1;
	memcpy(g->b, r->p + at, sizeof(g->b));
	return 0;
}

int rd_seek(struct reader *r, size_t pos, const char *what)
{
	if (rd_check(r, pos, 0, what) < 0)
		return -1;
	r->pos = pos;
	return 0;
}

int rd_align(struct reader *r, size_t align, const char *what)
{
	if (align <= 1)
		return 0;
	/* Alignment is of the absolute offset: FFS files align within the volume image. */
	size_t mis = (size_t)(rd_off(r) % align);
	if (!mis)
		return 0;
	return rd_skip(r, align - mis, what);
}

int rd_sub_at(const struct reader *r, size_t at, size_t n, struct reader *out, const char *what)
{
	if (rd_check(r, at, n, what) < 0)
		return -1;
	rd_init(out, r->p + at, n, rd_abs(r, at), r->d);
	return 0;
}

int rd_sub(struct reader *r, size_t n, struct reader *out, const char *what)
{
	if (rd_sub_at(r, r->pos, n, out, what) < 0)
		return -1;
	r->pos += n;
	return 0;
}

void rd_rest(const struct reader *r, struct reader *out)
{
	rd_init(out, r->p + r->pos, r->len - r->pos, rd_off(r), r->d);
}
