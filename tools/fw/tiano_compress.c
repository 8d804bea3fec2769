/* tiano_compress.c - EFI 1.1 compressor whose output is bit-identical to EDK2's EfiCompress
 *
 * igdkit rebuilds option ROMs that must match `EfiRom -ec` byte for byte, so this encoder makes
 * the same decisions as the EDK2 BaseTools encoder (an LHA-style lh5 coder), not merely valid ones:
 *
 *  - Matches come from a suffix tree over an 8 KiB window that is slid through a 2*8K+256 byte text
 *    buffer. Which earlier occurrence a match points at depends on how that tree remembers positions:
 *    a branch node keeps the newest position that walked through it, but after a long match the walk
 *    starts part-way down and the nodes above are only flagged as stale and refreshed later. Bytes
 *    past the end of the input (zeros or text from the previous window) take part in comparisons and
 *    so also steer the choice. We keep all of that, with our own node layout: branch nodes carry a
 *    direct 256-entry child row instead of EDK2's hashed sibling chains (same lookups, same tree).
 *  - One-step lazy matching: a match is taken only if the next position does not match longer.
 *  - Symbols are buffered as EDK2 buffers them (a flag byte per 8 symbols, 1 byte per literal, 3 per
 *    match, 16 KiB) because a block ends when that buffer would fill: block boundaries change the bits.
 *  - Huffman trees come from the same binary heap with the same tie-breaking, depths over 16 are folded
 *    the same way, and lengths are handed out in the order leaves left the heap.
 *  - The stream ends with the partial byte and then one extra zero byte, counted in CompSize.
 */
#include "fw/tiano.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum {
	WIN_BITS = 13,
	WIN = 1 << WIN_BITS,
	MAX_MATCH = 256,
	MIN_MATCH = 3,
	TEXT_LEN = 2 * WIN + MAX_MATCH,
	NO_NODE = 0,
	ROOTS = WIN,		/* node WIN + b is the root for strings starting with byte b */
	BRANCH_ROWS = WIN + 256,	/* branch nodes 1..WIN-1 and the 256 roots */
	LEAVES_END = 2 * WIN,	/* leaf WIN + (p mod WIN) stands for the string at text position p */
	STALE = 0x8000,		/* on a remembered position: the ancestors above may be older */

	CHARLEN_SYMS = 256 + MAX_MATCH - MIN_MATCH + 1,	/* 510 */
	CHARLEN_COUNT_BITS = 9,
	POS_SYMS = WIN_BITS + 1,	/* 14: distance bit lengths 0..13 */
	POS_COUNT_BITS = 4,
	EXTRA_SYMS = 19,
	EXTRA_COUNT_BITS = 5,
	SMALL_SYMS = EXTRA_SYMS,	/* max(EXTRA_SYMS, POS_SYMS) */

	SYMBUF_BYTES = 16 * 1024,	/* EDK2's symbol buffer; a block ends when it nears full */
};

/* ---- LZ77 match finder -------------------------------------------------------------------- */

/* Kept apart from struct lz so that neither allocation is large enough to be mapped afresh (and
 * faulted in page by page) on every call: short inputs are compressed many times over in tests. */
struct lz_links {
	uint16_t up[LEAVES_END];		/* parent of a branch node or leaf; NO_NODE if detached */
	uint8_t via[LEAVES_END];		/* byte on the edge from the parent */
	uint16_t moved_to[LEAVES_END];		/* a leaf displaced by a newer identical 256-byte string */
};

struct lz {
	uint8_t text[TEXT_LEN];
	/* The edges (parent, byte) -> child, an open-addressing table sized from the input: a child
	 * table of 256 entries per node would cost 4 MiB a call, of which a short input uses little. */
	uint32_t *edge_key;	/* (parent << 8 | byte) + 1; 0: empty */
	uint16_t *edge_node;
	unsigned edge_bits;
	size_t edges;
	struct lz_links *l;
	uint8_t depth[BRANCH_ROWS];		/* string length a branch node stands for (roots: 1) */
	uint16_t seen[BRANCH_ROWS];		/* newest position through the node, maybe | STALE */
	uint16_t nkids[BRANCH_ROWS];
	uint16_t spare[WIN];			/* branch node ids freed again */
	unsigned nspare;
	int fresh;				/* lowest id never handed out */

	int cur;		/* leaf id of the current position, WIN..2*WIN-1 */
	int mlen, mpos;		/* the match found for the current position */
	long ahead;		/* input bytes from cur to the end */
	const uint8_t *src;
	size_t src_len, src_at;
	bool broken;		/* an invariant failed: refuse rather than emit bytes EfiRom would not */
};

/* Edge lookup: the child of `parent` by `byte`, NO_NODE when there is none. */
static size_t edge_slot(const struct lz *z, uint32_t key)
{
	return (size_t)((key * 0x9E3779B1u) >> (32 - z->edge_bits));
}

static uint16_t kid(const struct lz *z, int parent, uint8_t byte)
{
	uint32_t key = ((uint32_t)parent << 8 | byte) + 1;
	size_t mask = ((size_t)1 << z->edge_bits) - 1;
	for (size_t i = edge_slot(z, key);; i = (i + 1) & mask) {
		if (z->edge_key[i] == key)
			return z->edge_node[i];
		if (z->edge_key[i] == 0)
			return NO_NODE;
	}
}

/* Sets the child of `parent` by `byte` to node; NO_NODE removes the edge. */
static void set_kid(struct lz *z, int parent, uint8_t byte, int node)
{
	uint32_t key = ((uint32_t)parent << 8 | byte) + 1;
	size_t mask = ((size_t)1 << z->edge_bits) - 1, i = edge_slot(z, key);
	while (z->edge_key[i] != 0 && z->edge_key[i] != key)
		i = (i + 1) & mask;
	if (node != NO_NODE) {
		if (z->edge_key[i] == 0) {
			/* Sized for every edge the input can make at half load; more is a broken invariant. */
			if (2 * (z->edges + 1) > mask + 1) {
				z->broken = true;
				return;
			}
			z->edges++;
			z->edge_key[i] = key;
		}
		z->edge_node[i] = (uint16_t)node;
		return;
	}
	if (z->edge_key[i] == 0)
		return;
	z->edges--;
	/* Linear probing without tombstones: pull later entries of the run back over the hole. */
	for (size_t j = (i + 1) & mask; z->edge_key[j] != 0; j = (j + 1) & mask) {
		size_t home = edge_slot(z, z->edge_key[j]);
		bool stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
		if (stays)
			continue;
		z->edge_key[i] = z->edge_key[j];
		z->edge_node[i] = z->edge_node[j];
		i = j;
	}
	z->edge_key[i] = 0;
}

static size_t lz_read(struct lz *z, uint8_t *dst, size_t n)
{
	size_t k = z->src_len - z->src_at;
	if (k > n)
		k = n;
	memcpy(dst, z->src + z->src_at, k);
	z->src_at += k;
	return k;
}

/* A stored position is a leaf id; ids at or after cur belong to the previous lap of the buffer. */
static int lz_unwrap(const struct lz *z, int p)
{
	return p >= z->cur ? p - WIN : p;
}

static void lz_attach(struct lz *z, int parent, uint8_t byte, int node)
{
	set_kid(z, parent, byte, node);
	z->l->up[node] = (uint16_t)parent;
	z->l->via[node] = byte;
	z->nkids[parent]++;
}

/* Put `fresh` where `old` hangs, under the same parent and edge byte. */
static void lz_take_place(struct lz *z, int old, int fresh)
{
	int parent = z->l->up[old];
	set_kid(z, parent, z->l->via[old], fresh);
	z->l->up[fresh] = (uint16_t)parent;
	z->l->via[fresh] = z->l->via[old];
	z->l->up[old] = NO_NODE;
}

/* The current string diverges from `old`'s edge after mlen bytes: insert a branch there. */
static void lz_split(struct lz *z, int old)
{
	/* Freed ids first, newest first, then the lowest fresh one: the order EDK2's free list gives. */
	int b = z->nspare ? z->spare[z->nspare - 1] : z->fresh;
	if (b >= WIN) {
		z->broken = true;
		return;
	}
	if (z->nspare)
		z->nspare--;
	else
		z->fresh++;
	z->nkids[b] = 0;
	lz_take_place(z, old, b);
	z->depth[b] = (uint8_t)z->mlen;
	z->seen[b] = (uint16_t)z->cur;
	lz_attach(z, b, z->text[z->mpos + z->mlen], old);
	lz_attach(z, b, z->text[z->cur + z->mlen], z->cur);
}

/* Add the string at cur and find its longest earlier match (mlen, mpos). */
static void lz_insert(struct lz *z)
{
	int parent, node;

	if (z->mlen >= 4) {
		/*
		 * The previous position matched mpos for mlen bytes, so this one matches mpos+1 for
		 * mlen-1: start from that leaf (or whatever newer leaf displaced it) and climb to the
		 * deepest node above that depth instead of walking down from the root.
		 */
		z->mlen--;
		node = (z->mpos + 1) | WIN;
		for (int steps = 0; (parent = z->l->up[node]) == NO_NODE; steps++) {
			node = z->l->moved_to[node];
			if (node < ROOTS || steps > WIN) {
				z->broken = true;
				z->mlen = 0;
				return;
			}
		}
		while (z->depth[parent] >= z->mlen) {
			node = parent;
			parent = z->l->up[parent];
		}
		/* Refresh flagged ancestors now; flag the first unflagged one for later. */
		int a = parent;
		while (z->seen[a] & STALE) {
			z->seen[a] = (uint16_t)z->cur;
			a = z->l->up[a];
		}
		if (a < ROOTS)
			z->seen[a] = (uint16_t)(z->cur | STALE);
	} else {
		parent = ROOTS + z->text[z->cur];
		uint8_t next = z->text[z->cur + 1];
		node = kid(z, parent, next);
		if (node == NO_NODE) {
			lz_attach(z, parent, next, z->cur);
			z->mlen = 1;
			return;
		}
		z->mlen = 2;
	}

	for (;;) {
		int limit;
		if (node >= ROOTS) {
			limit = MAX_MATCH;
			z->mpos = node;
		} else {
			limit = z->depth[node];
			z->mpos = z->seen[node] & ~STALE;
		}
		if (z->mpos >= z->cur)
			z->mpos -= WIN;
		const uint8_t *a = z->text + z->cur, *b = z->text + z->mpos;
		while (z->mlen < limit) {
			if (a[z->mlen] != b[z->mlen]) {
				lz_split(z, node);
				return;
			}
			z->mlen++;
		}
		if (z->mlen >= MAX_MATCH)
			break;
		z->seen[node] = (uint16_t)z->cur;
		parent = node;
		uint8_t next = a[z->mlen];
		node = kid(z, parent, next);
		if (node == NO_NODE) {
			lz_attach(z, parent, next, z->cur);
			return;
		}
		z->mlen++;
	}
	/* A full-length duplicate: the new leaf replaces the old one, which remembers who took over. */
	lz_take_place(z, node, z->cur);
	z->l->moved_to[node] = (uint16_t)z->cur;
}

/* The leaf id cur is about to be reused: drop the string that left the window. */
static void lz_forget(struct lz *z)
{
	int leaf = z->cur, r = z->l->up[leaf];
	if (r == NO_NODE)
		return;
	set_kid(z, r, z->l->via[leaf], NO_NODE);
	z->l->up[leaf] = NO_NODE;
	if (r >= ROOTS || --z->nkids[r] > 1)
		return;

	/*
	 * r has one child left and goes away. Positions flagged STALE above it may have been the
	 * string just dropped, so push the newest position known below them upwards.
	 */
	int t = lz_unwrap(z, z->seen[r] & ~STALE);
	int newest = t, q = z->l->up[r], u;
	while ((u = z->seen[q]) & STALE) {
		u = lz_unwrap(z, u & ~STALE);
		if (u > newest)
			newest = u;
		z->seen[q] = (uint16_t)(newest | WIN);
		q = z->l->up[q];
	}
	if (q < ROOTS) {
		u = lz_unwrap(z, u);
		if (u > newest)
			newest = u;
		z->seen[q] = (uint16_t)(newest | WIN | STALE);
	}
	uint8_t via_last = z->text[t + z->depth[r]];
	int last = kid(z, r, via_last);
	if (last == NO_NODE) {
		z->broken = true;
		return;
	}
	set_kid(z, r, via_last, NO_NODE);
	lz_take_place(z, r, last);
	z->spare[z->nspare++] = (uint16_t)r;
}

static void lz_advance(struct lz *z)
{
	z->ahead--;
	if (++z->cur == 2 * WIN) {
		memmove(z->text, z->text + WIN, WIN + MAX_MATCH);
		z->ahead += (long)lz_read(z, z->text + WIN + MAX_MATCH, WIN);
		z->cur = WIN;
	}
	lz_forget(z);
	lz_insert(z);
}

/* ---- bit output ---------------------------------------------------------------------------- */

struct bitout {
	uint8_t *p;
	size_t len, cap;
	uint32_t acc;		/* pending bits, right-aligned */
	unsigned have;
	bool oom;
};

static void out_byte(struct bitout *o, uint8_t b)
{
	if (o->len == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 4096;
		uint8_t *p = realloc(o->p, cap);
		if (!p) {
			o->oom = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	o->p[o->len++] = b;
}

static void put_bits(struct bitout *o, unsigned n, uint32_t v)
{
	for (unsigned i = n; i-- > 0;) {
		o->acc = o->acc << 1 | ((v >> i) & 1);
		if (++o->have == 8) {
			out_byte(o, (uint8_t)o->acc);
			o->acc = 0;
			o->have = 0;
		}
	}
}

/* ---- Huffman coding of blocks --------------------------------------------------------------- */

struct coder {
	/* block symbols: literal byte or 256+len-3, plus the distance field for matches */
	uint16_t sym[SYMBUF_BYTES];
	uint16_t dist[SYMBUF_BYTES];
	unsigned nsym;
	unsigned buf_bytes;	/* what EDK2's buffer would hold */

	uint16_t cfreq[2 * CHARLEN_SYMS - 1];
	uint16_t pfreq[2 * POS_SYMS - 1];
	uint16_t tfreq[2 * EXTRA_SYMS - 1];
	uint8_t clen[CHARLEN_SYMS];
	uint16_t ccode[CHARLEN_SYMS];
	uint8_t slen[SMALL_SYMS];	/* extra or position set, whichever is being written */
	uint16_t scode[SMALL_SYMS];

	/* tree scratch */
	uint16_t left[2 * CHARLEN_SYMS - 1], right[2 * CHARLEN_SYMS - 1];
	int heap[CHARLEN_SYMS + 1];
	uint16_t leaf_order[CHARLEN_SYMS];
	uint16_t per_len[17];
	struct bitout out;
};

static void heap_sift(struct coder *c, const uint16_t *freq, int size, int i)
{
	int item = c->heap[i], j;
	while ((j = 2 * i) <= size) {
		if (j < size && freq[c->heap[j]] > freq[c->heap[j + 1]])
			j++;
		if (freq[item] <= freq[c->heap[j]])
			break;
		c->heap[i] = c->heap[j];
		i = j;
	}
	c->heap[i] = item;
}

static void count_depths(struct coder *c, int nleaves, int node, int depth)
{
	if (node < nleaves) {
		c->per_len[depth < 16 ? depth : 16]++;
		return;
	}
	count_depths(c, nleaves, c->left[node], depth + 1);
	count_depths(c, nleaves, c->right[node], depth + 1);
}

/*
 * Code lengths and canonical codes for n symbols. Returns the root: a symbol number (< n) when at
 * most one symbol occurs, which is then sent as a zero-length "single symbol" set.
 */
static int build_code(struct coder *c, int n, uint16_t *freq, uint8_t *len, uint16_t *code)
{
	int size = 0, next = n, taken = 0, root = 0;

	c->heap[1] = 0;
	for (int s = 0; s < n; s++) {
		len[s] = 0;
		if (freq[s])
			c->heap[++size] = s;
	}
	if (size < 2) {
		code[c->heap[1]] = 0;
		return c->heap[1];
	}
	for (int i = size / 2; i >= 1; i--)
		heap_sift(c, freq, size, i);
	do {
		int a = c->heap[1];
		if (a < n)
			c->leaf_order[taken++] = (uint16_t)a;
		c->heap[1] = c->heap[size--];
		heap_sift(c, freq, size, 1);
		int b = c->heap[1];
		if (b < n)
			c->leaf_order[taken++] = (uint16_t)b;
		root = next++;
		freq[root] = (uint16_t)(freq[a] + freq[b]);
		c->heap[1] = root;
		heap_sift(c, freq, size, 1);
		c->left[root] = (uint16_t)a;
		c->right[root] = (uint16_t)b;
	} while (size > 1);

	memset(c->per_len, 0, sizeof(c->per_len));
	count_depths(c, n, root, 0);
	/* Leaves deeper than 16 were counted at 16; fold until the Kraft sum is exactly 1 again. */
	uint32_t kraft = 0;
	for (int l = 16; l > 0; l--)
		kraft += (uint32_t)c->per_len[l] << (16 - l);
	for (; kraft != 1u << 16; kraft--) {
		c->per_len[16]--;
		for (int l = 15; l > 0; l--) {
			if (c->per_len[l]) {
				c->per_len[l]--;
				c->per_len[l + 1] += 2;
				break;
			}
		}
	}
	/* The rarest leaves (first out of the heap) get the longest codes. */
	int k = 0;
	for (int l = 16; l > 0; l--)
		for (int m = c->per_len[l]; m > 0; m--)
			len[c->leaf_order[k++]] = (uint8_t)l;

	uint16_t first[18];
	first[1] = 0;
	for (int l = 1; l <= 16; l++)
		first[l + 1] = (uint16_t)((first[l] + c->per_len[l]) << 1);
	for (int s = 0; s < n; s++)
		code[s] = len[s] ? first[len[s]]++ : 0;
	return root;
}

/* Number of leading charlen entries that matter (trailing zero lengths are not sent). */
static int charlen_used(const struct coder *c)
{
	int n = CHARLEN_SYMS;
	while (n > 0 && c->clen[n - 1] == 0)
		n--;
	return n;
}

static void count_extra_freq(struct coder *c)
{
	int n = charlen_used(c);
	memset(c->tfreq, 0, EXTRA_SYMS * sizeof(c->tfreq[0]));
	for (int i = 0; i < n;) {
		int l = c->clen[i++];
		if (l) {
			c->tfreq[l + 2]++;
			continue;
		}
		int run = 1;
		while (i < n && c->clen[i] == 0)
			i++, run++;
		if (run <= 2)
			c->tfreq[0] = (uint16_t)(c->tfreq[0] + run);
		else if (run <= 18)
			c->tfreq[1]++;
		else if (run == 19)
			c->tfreq[0]++, c->tfreq[1]++;
		else
			c->tfreq[2]++;
	}
}

static void write_small_lengths(struct coder *c, int n, unsigned count_bits, int run_after)
{
	while (n > 0 && c->slen[n - 1] == 0)
		n--;
	put_bits(&c->out, count_bits, (uint32_t)n);
	for (int i = 0; i < n;) {
		int l = c->slen[i++];
		if (l <= 6)
			put_bits(&c->out, 3, (uint32_t)l);
		else
			put_bits(&c->out, (unsigned)(l - 3), (1u << (l - 3)) - 2);
		if (i == run_after) {
			while (i < 6 && c->slen[i] == 0)
				i++;
			put_bits(&c->out, 2, (uint32_t)(i - 3) & 3);
		}
	}
}

static void put_extra(struct coder *c, int s)
{
	put_bits(&c->out, c->slen[s], c->scode[s]);
}

static void write_charlen_lengths(struct coder *c)
{
	int n = charlen_used(c);
	put_bits(&c->out, CHARLEN_COUNT_BITS, (uint32_t)n);
	for (int i = 0; i < n;) {
		int l = c->clen[i++];
		if (l) {
			put_extra(c, l + 2);
			continue;
		}
		int run = 1;
		while (i < n && c->clen[i] == 0)
			i++, run++;
		if (run <= 2) {
			while (run-- > 0)
				put_extra(c, 0);
		} else if (run <= 18) {
			put_extra(c, 1);
			put_bits(&c->out, 4, (uint32_t)(run - 3));
		} else if (run == 19) {
			put_extra(c, 0);
			put_extra(c, 1);
			put_bits(&c->out, 4, 15);
		} else {
			put_extra(c, 2);
			put_bits(&c->out, CHARLEN_COUNT_BITS, (uint32_t)(run - 20));
		}
	}
}

static unsigned bit_length(unsigned v)
{
	unsigned n = 0;
	while (v) {
		v >>= 1;
		n++;
	}
	return n;
}

static void send_block(struct coder *c)
{
	int root = build_code(c, CHARLEN_SYMS, c->cfreq, c->clen, c->ccode);
	put_bits(&c->out, 16, c->cfreq[root]);
	if (root >= CHARLEN_SYMS) {
		count_extra_freq(c);
		int troot = build_code(c, EXTRA_SYMS, c->tfreq, c->slen, c->scode);
		if (troot >= EXTRA_SYMS) {
			write_small_lengths(c, EXTRA_SYMS, EXTRA_COUNT_BITS, 3);
		} else {
			put_bits(&c->out, EXTRA_COUNT_BITS, 0);
			put_bits(&c->out, EXTRA_COUNT_BITS, (uint32_t)troot);
		}
		write_charlen_lengths(c);
	} else {
		put_bits(&c->out, EXTRA_COUNT_BITS, 0);
		put_bits(&c->out, EXTRA_COUNT_BITS, 0);
		put_bits(&c->out, CHARLEN_COUNT_BITS, 0);
		put_bits(&c->out, CHARLEN_COUNT_BITS, (uint32_t)root);
	}
	int proot = build_code(c, POS_SYMS, c->pfreq, c->slen, c->scode);
	if (proot >= POS_SYMS) {
		write_small_lengths(c, POS_SYMS, POS_COUNT_BITS, -1);
	} else {
		put_bits(&c->out, POS_COUNT_BITS, 0);
		put_bits(&c->out, POS_COUNT_BITS, (uint32_t)proot);
	}
	for (unsigned i = 0; i < c->nsym; i++) {
		unsigned s = c->sym[i];
		put_bits(&c->out, c->clen[s], c->ccode[s]);
		if (s >= 256) {
			unsigned d = c->dist[i], nb = bit_length(d);
			put_bits(&c->out, c->slen[nb], c->scode[nb]);
			if (nb > 1)
				put_bits(&c->out, nb - 1, d & ((1u << (nb - 1)) - 1));
		}
	}
	memset(c->cfreq, 0, CHARLEN_SYMS * sizeof(c->cfreq[0]));
	memset(c->pfreq, 0, POS_SYMS * sizeof(c->pfreq[0]));
	c->nsym = 0;
	c->buf_bytes = 0;
}

static void emit(struct coder *c, unsigned sym, unsigned dist)
{
	if (c->nsym % 8 == 0) {
		/* a new flag byte; EDK2 ends the block here when fewer than 24 bytes would be left */
		if (c->buf_bytes >= SYMBUF_BYTES - 24)
			send_block(c);
		c->buf_bytes++;
	}
	c->sym[c->nsym] = (uint16_t)sym;
	c->dist[c->nsym] = (uint16_t)dist;
	c->nsym++;
	c->cfreq[sym]++;
	if (sym >= 256) {
		c->buf_bytes += 3;
		c->pfreq[bit_length(dist)]++;
	} else {
		c->buf_bytes += 1;
	}
}

int efi_compress(const uint8_t *src, size_t len, uint8_t **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (len > 0x7fffffff)
		return -1;
	struct lz *z = calloc(1, sizeof(*z));
	struct coder *c = calloc(1, sizeof(*c));
	if (z) {
		/* Live edges: one per attached leaf and branch node, each at most one per position
		 * in the window; twice that keeps the table at most half full. */
		size_t live = 2 * (len < WIN ? len : WIN) + 2, slots = 1024;
		z->edge_bits = 10;
		while (slots < 2 * live) {
			slots *= 2;
			z->edge_bits++;
		}
		z->edge_key = calloc(slots, sizeof(*z->edge_key));
		z->edge_node = calloc(slots, sizeof(*z->edge_node));
		z->l = calloc(1, sizeof(*z->l));
	}
	if (!z || !c || !z->edge_key || !z->edge_node || !z->l) {
		if (z) {
			free(z->edge_key);
			free(z->edge_node);
			free(z->l);
		}
		free(z);
		free(c);
		return -1;
	}
	z->src = src;
	z->src_len = len;
	z->fresh = 1;
	for (int b = 0; b < 256; b++)
		z->depth[ROOTS + b] = 1;

	for (int i = 0; i < 8; i++)
		out_byte(&c->out, 0);	/* header, filled in at the end */

	z->ahead = (long)lz_read(z, z->text + WIN, WIN + MAX_MATCH);
	z->cur = WIN;
	z->mlen = 0;
	lz_insert(z);
	if (z->mlen > z->ahead)
		z->mlen = (int)z->ahead;
	while (z->ahead > 0 && !z->broken) {
		int prev_len = z->mlen, prev_pos = z->mpos;
		lz_advance(z);
		if (z->mlen > z->ahead)
			z->mlen = (int)z->ahead;
		if (z->mlen > prev_len || prev_len < MIN_MATCH) {
			emit(c, z->text[z->cur - 1], 0);
			continue;
		}
		emit(c, (unsigned)(prev_len + 256 - MIN_MATCH), (unsigned)(z->cur - prev_pos - 2) & (WIN - 1));
		while (--prev_len > 0)
			lz_advance(z);
		if (z->mlen > z->ahead)
			z->mlen = (int)z->ahead;
	}
	send_block(c);
	put_bits(&c->out, 7, 0);	/* flush the partial byte */
	out_byte(&c->out, 0);		/* EDK2's trailing zero byte, part of CompSize */
	bool broken = z->broken;
	free(z->edge_key);
	free(z->edge_node);
	free(z->l);
	free(z);

	int rc = -1;
	if (!c->out.oom && !broken) {
		put_le32(c->out.p, (uint32_t)(c->out.len - 8));
		put_le32(c->out.p + 4, (uint32_t)len);
		*out = c->out.p;
		*out_len = c->out.len;
		rc = 0;
	} else {
		free(c->out.p);
	}
	free(c);
	return rc;
}
