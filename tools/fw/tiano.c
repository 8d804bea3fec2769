/* tiano.c - EFI 1.1 / Tiano decompression, written for hostile input
 *
 * Every code-length set is checked to form a complete prefix code before it is used (the EDK2
 * decoder accepts over-subscribed and incomplete sets and then walks uninitialised tree nodes),
 * every run of zero lengths is bounded by its set, every match must point inside the output
 * produced so far, and reading past CompSize is an error rather than an endless supply of zero
 * bits. Each decoded symbol emits at least one byte, so the work is bounded by OrigSize, which the
 * caller bounds with max_out.
 */
#include "fw/tiano.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum {
	LITERALS = 256,
	MATCH_MIN = 3,
	MATCH_MAX = 256,
	CHARLEN_SYMS = LITERALS + MATCH_MAX - MATCH_MIN + 1,	/* 510: literals, then lengths 3..256 */
	CHARLEN_COUNT_BITS = 9,
	/* The "extra" set codes the char+length code lengths: 0..2 are zero runs, 3..18 lengths 1..16. */
	EXTRA_SYMS = 19,
	EXTRA_COUNT_BITS = 5,
	EXTRA_RUN_AFTER = 3,	/* after the third extra length comes a 2-bit count of zero lengths */
	MAX_CODE_LEN = 16,
	LUT_BITS = 10,
	HEADER_LEN = 8,
};

/* MSB-first bit input over CompSize bytes; `used` counts consumed bits for offsets and limits. */
struct bits {
	const uint8_t *p;
	size_t n;
	size_t next;
	uint64_t acc;		/* the low `have` bits are the next bits of the stream */
	unsigned have;
	uint64_t used;
	uint64_t base;		/* absolute offset of p[0] */
	struct diag *d;
};

static void bits_refill(struct bits *b)
{
	while (b->have <= 56) {
		uint8_t byte = b->next < b->n ? b->p[b->next] : 0;
		b->next++;
		b->acc = b->acc << 8 | byte;
		b->have += 8;
	}
}

static inline uint32_t bits_peek(const struct bits *b, unsigned k)
{
	return (uint32_t)((b->acc >> (b->have - k)) & ((1ull << k) - 1));
}

static uint64_t bits_off(const struct bits *b)
{
	return b->base + b->used / 8;
}

static inline int bits_drop(struct bits *b, unsigned k, const char *what)
{
	if (k > (uint64_t)b->n * 8 - b->used)
		return diag_err(b->d, bits_off(b), "%s: compressed stream ends (need %u bits, %llu left)", what, k,
				(unsigned long long)((uint64_t)b->n * 8 - b->used));
	b->have -= k;
	b->used += k;
	bits_refill(b);
	return 0;
}

static inline int bits_take(struct bits *b, unsigned k, uint32_t *v, const char *what)
{
	*v = k ? bits_peek(b, k) : 0;
	return bits_drop(b, k, what);
}

/* A canonical prefix code: codes of each length are consecutive and ordered by symbol. */
struct huff {
	bool single;		/* the set was sent as one symbol that costs no bits */
	uint16_t single_sym;
	uint16_t lut[1 << LUT_BITS];	/* sym | len << 9 for codes up to LUT_BITS long; 0 = longer */
	uint16_t count[MAX_CODE_LEN + 1];
	uint32_t first[MAX_CODE_LEN + 1];	/* first code of each length */
	uint16_t rank0[MAX_CODE_LEN + 1];	/* index in by_code of that first code */
	uint16_t by_code[CHARLEN_SYMS];
};

static int huff_build(struct huff *h, const uint8_t *len, unsigned nsym, uint64_t off, const char *what,
		      struct diag *d)
{
	int32_t room = 1;
	uint32_t code = 0;
	unsigned rank = 0;
	uint32_t next[MAX_CODE_LEN + 1];

	h->single = false;
	memset(h->count, 0, sizeof(h->count));
	for (unsigned s = 0; s < nsym; s++)
		h->count[len[s]]++;
	for (unsigned l = 1; l <= MAX_CODE_LEN; l++) {
		room = room * 2 - h->count[l];
		if (room < 0)
			return diag_err(d, off, "%s: code lengths over-subscribed at length %u", what, l);
	}
	if (room != 0)
		return diag_err(d, off, "%s: code lengths do not form a complete prefix code", what);
	for (unsigned l = 1; l <= MAX_CODE_LEN; l++) {
		h->first[l] = code;
		h->rank0[l] = (uint16_t)rank;
		next[l] = code;
		code = (code + h->count[l]) << 1;
		rank += h->count[l];
	}
	memset(h->lut, 0, sizeof(h->lut));
	for (unsigned s = 0; s < nsym; s++) {
		unsigned l = len[s];
		if (!l)
			continue;
		uint32_t c = next[l]++;
		h->by_code[h->rank0[l] + (c - h->first[l])] = (uint16_t)s;
		if (l <= LUT_BITS) {
			uint32_t lo = c << (LUT_BITS - l), span = 1u << (LUT_BITS - l);
			for (uint32_t i = 0; i < span; i++)
				h->lut[lo + i] = (uint16_t)(s | l << 9);
		}
	}
	return 0;
}

static void huff_single(struct huff *h, uint16_t sym)
{
	h->single = true;
	h->single_sym = sym;
}

static inline int huff_decode(struct bits *b, const struct huff *h, unsigned *sym, const char *what)
{
	*sym = 0;
	if (h->single) {
		*sym = h->single_sym;
		return 0;
	}
	uint32_t v = bits_peek(b, MAX_CODE_LEN);
	uint16_t e = h->lut[v >> (MAX_CODE_LEN - LUT_BITS)];
	if (e) {
		*sym = e & 0x1ff;
		return bits_drop(b, e >> 9, what);
	}
	for (unsigned l = LUT_BITS + 1; l <= MAX_CODE_LEN; l++) {
		uint32_t c = v >> (MAX_CODE_LEN - l);
		if (c - h->first[l] < h->count[l]) {
			*sym = h->by_code[h->rank0[l] + (c - h->first[l])];
			return bits_drop(b, l, what);
		}
	}
	/* unreachable for a complete code, kept so a logic slip cannot read out of bounds */
	return diag_err(b->d, bits_off(b), "%s: no code matches", what);
}

/*
 * The extra set and the position set share one encoding: a count, then that many lengths written
 * as 3 bits, or for 7 and above as 7 + the number of 1 bits that follow a 111 prefix up to a 0.
 * A count of 0 means the set is a single symbol given in the next field.
 */
static int read_short_set(struct bits *b, struct huff *h, unsigned nsym, unsigned count_bits, unsigned run_after,
			  const char *what)
{
	uint8_t len[32] = { 0 };
	uint64_t off = bits_off(b);
	uint32_t n, v;

	if (bits_take(b, count_bits, &n, what) < 0)
		return -1;
	if (n == 0) {
		if (bits_take(b, count_bits, &v, what) < 0)
			return -1;
		if (v >= nsym)
			return diag_err(b->d, off, "%s: single symbol %u, only %u exist", what, v, nsym);
		huff_single(h, (uint16_t)v);
		return 0;
	}
	if (n > nsym)
		return diag_err(b->d, off, "%s: %u code lengths for %u symbols", what, n, nsym);
	for (unsigned i = 0; i < n;) {
		uint32_t w = bits_peek(b, MAX_CODE_LEN);
		unsigned l = w >> (MAX_CODE_LEN - 3);
		if (l == 7) {
			for (uint32_t m = 1u << (MAX_CODE_LEN - 4); w & m; m >>= 1) {
				if (++l > MAX_CODE_LEN)
					return diag_err(b->d, bits_off(b), "%s: code length of symbol %u above %u", what, i,
							MAX_CODE_LEN);
			}
		}
		if (bits_drop(b, l < 7 ? 3 : l - 3, what) < 0)
			return -1;
		len[i++] = (uint8_t)l;
		if (i == run_after) {
			if (bits_take(b, 2, &v, what) < 0)
				return -1;
			if (v > nsym - i)
				return diag_err(b->d, bits_off(b), "%s: zero run of %u past symbol %u", what, v, nsym);
			i += v;
		}
	}
	return huff_build(h, len, nsym, off, what, b->d);
}

static int read_charlen_set(struct bits *b, struct huff *h, const struct huff *extra)
{
	static const char what[] = "char/length code lengths";
	uint8_t len[CHARLEN_SYMS] = { 0 };
	uint64_t off = bits_off(b);
	uint32_t n, v;

	if (bits_take(b, CHARLEN_COUNT_BITS, &n, what) < 0)
		return -1;
	if (n == 0) {
		if (bits_take(b, CHARLEN_COUNT_BITS, &v, what) < 0)
			return -1;
		if (v >= CHARLEN_SYMS)
			return diag_err(b->d, off, "%s: single symbol %u, only %u exist", what, v, CHARLEN_SYMS);
		huff_single(h, (uint16_t)v);
		return 0;
	}
	if (n > CHARLEN_SYMS)
		return diag_err(b->d, off, "%s: %u code lengths for %u symbols", what, n, CHARLEN_SYMS);
	for (unsigned i = 0; i < n;) {
		unsigned x;
		uint64_t at = bits_off(b);
		if (huff_decode(b, extra, &x, what) < 0)
			return -1;
		if (x >= 3) {
			len[i++] = (uint8_t)(x - 2);
			continue;
		}
		uint32_t run = 1;
		if (x == 1) {
			if (bits_take(b, 4, &run, what) < 0)
				return -1;
			run += 3;
		} else if (x == 2) {
			if (bits_take(b, CHARLEN_COUNT_BITS, &run, what) < 0)
				return -1;
			run += 20;
		}
		if (run > CHARLEN_SYMS - i)
			return diag_err(b->d, at, "%s: zero run of %u at symbol %u passes the last symbol", what, run, i);
		i += run;
	}
	return huff_build(h, len, CHARLEN_SYMS, off, what, b->d);
}

struct tables {
	struct huff extra, charlen, pos;
};

int tiano_decompress(const struct reader *src, enum tiano_algo algo, size_t max_out,
		     uint8_t **out, size_t *out_len, struct diag *d)
{
	struct reader r;
	uint32_t comp_size, orig_size;
	const uint8_t *payload;
	unsigned pos_count_bits;

	*out = NULL;
	*out_len = 0;
	if (algo == TIANO_ALGO_EFI)
		pos_count_bits = 4;
	else if (algo == TIANO_ALGO_TIANO)
		pos_count_bits = 5;
	else
		return diag_err(d, rd_off(src), "compressed stream: unknown algorithm %d", (int)algo);

	rd_rest(src, &r);
	r.d = d;
	if (rd_u32le(&r, &comp_size, "compressed stream CompSize") < 0 ||
	    rd_u32le(&r, &orig_size, "compressed stream OrigSize") < 0)
		return -1;
	if (comp_size > rd_left(&r))
		return diag_err(d, rd_off(src), "compressed stream: CompSize %u but only %zu bytes follow the header",
				comp_size, rd_left(&r));
	if (orig_size > max_out)
		return diag_err(d, rd_off(src) + 4, "compressed stream: OrigSize %u above the limit of %zu bytes",
				orig_size, max_out);
	if (rd_take(&r, comp_size, &payload, "compressed stream data") < 0)
		return -1;

	uint8_t *o = malloc(orig_size ? orig_size : 1);
	struct tables *t = malloc(sizeof(*t));
	if (!o || !t) {
		free(o);
		free(t);
		return diag_err(d, rd_off(src), "compressed stream: out of memory for %u bytes", orig_size);
	}

	struct bits b = { .p = payload, .n = comp_size, .base = rd_off(src) + HEADER_LEN, .d = d };
	bits_refill(&b);
	const unsigned pos_syms = (1u << pos_count_bits) - 1;
	uint32_t block_left = 0;
	size_t at = 0;
	while (at < orig_size) {
		unsigned c;
		if (block_left == 0) {
			if (bits_take(&b, 16, &block_left, "block size") < 0)
				goto fail;
			if (block_left == 0)
				block_left = 65536;	/* EDK2 decrements a 16-bit counter before testing it */
			if (read_short_set(&b, &t->extra, EXTRA_SYMS, EXTRA_COUNT_BITS, EXTRA_RUN_AFTER,
					   "extra code lengths") < 0 ||
			    read_charlen_set(&b, &t->charlen, &t->extra) < 0 ||
			    read_short_set(&b, &t->pos, pos_syms, pos_count_bits, 0, "position code lengths") < 0)
				goto fail;
		}
		block_left--;
		if (huff_decode(&b, &t->charlen, &c, "char/length code") < 0)
			goto fail;
		if (c < LITERALS) {
			o[at++] = (uint8_t)c;
			continue;
		}
		uint64_t moff = bits_off(&b);
		unsigned p;
		uint32_t dist, extra;
		if (huff_decode(&b, &t->pos, &p, "position code") < 0)
			goto fail;
		dist = p;
		if (p > 1) {
			if (bits_take(&b, p - 1, &extra, "position bits") < 0)
				goto fail;
			dist = (1u << (p - 1)) + extra;
		}
		if (dist >= at) {
			diag_err(d, moff, "compressed stream: match %u bytes back at output offset %zu", dist + 1, at);
			goto fail;
		}
		size_t n = c - (LITERALS - MATCH_MIN);
		if (n > orig_size - at)
			n = orig_size - at;	/* as EDK2: a match is cut at OrigSize */
		const uint8_t *from = o + at - dist - 1;
		for (size_t i = 0; i < n; i++)
			o[at + i] = from[i];
		at += n;
	}
	free(t);
	*out = o;
	*out_len = orig_size;
	return 0;
fail:
	free(t);
	free(o);
	return -1;
}
