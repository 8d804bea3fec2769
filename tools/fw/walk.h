/* walk.h - shared state of one firmware walk, and the entry point of each format file
 *
 * Each format file (ifd.c, capsule.c, fv.c, ffs.c, section.c) turns bytes under a reader into
 * nodes under a parent and never looks at its neighbours' formats: a volume hands its file area to
 * ffs.c, a file hands its body to section.c, a section hands a nested volume back to fv.c.
 *
 * Findings: every problem is first a diag entry (the reader records bounds failures itself), then
 * adopted by the node it belongs to (walk_adopt), so the tree and the diag tell the same story.
 */
#ifndef IGDKIT_FW_WALK_H
#define IGDKIT_FW_WALK_H

#include "lib/reader.h"
#include "fw/fw.h"
#include "fw/tree.h"

struct fw_arena_chunk;

struct fw_image {
	const uint8_t *data;
	size_t len;
	enum fw_input input;
	struct fw_node *root;
	struct fw_stream *streams;
	struct fw_arena_chunk *arena;
	size_t nodes, max_nodes;
	size_t inflated, inflate_budget;
	size_t inflate_failed;	/* output size failed decodes claimed: charged to the budget too */
	size_t findings;
	bool node_cap_hit;
	const struct fw_stream *cur_stream;	/* the block new nodes are in (NULL: the input) */
	struct diag *d;		/* during fw_open only */
};

/* ---- tree.c: nodes, findings, blocks of inflated data ---- */
/* A new last child of parent (NULL for the root). NULL when a limit is hit (recorded on parent). */
struct fw_node *walk_node(struct fw_image *img, struct fw_node *parent, enum fw_node_kind kind,
			  const struct reader *r, size_t at, size_t len);
void *walk_alloc(struct fw_image *img, size_t n);
char *walk_strdup(struct fw_image *img, const char *s);
/* Moves diag entries recorded since mark into the node's findings. Returns -1. */
int walk_adopt(struct fw_image *img, struct fw_node *n, size_t mark);
static inline size_t walk_mark(const struct fw_image *img) { return img->d ? img->d->n : 0; }
int walk_err(struct fw_image *img, struct fw_node *n, uint64_t off, const char *fmt, ...) PRINTF_LIKE(4, 5);
int walk_warn(struct fw_image *img, struct fw_node *n, uint64_t off, const char *fmt, ...) PRINTF_LIKE(4, 5);
int walk_note(struct fw_image *img, struct fw_node *n, uint64_t off, const char *fmt, ...) PRINTF_LIKE(4, 5);
/* Takes ownership of data; the block's diag entries are re-anchored by walk_stream_end. */
struct fw_stream *walk_stream(struct fw_image *img, uint8_t *data, size_t len, const struct fw_node *origin);
/* Diag entries recorded since mark inside a stream now name the origin's offset plus theirs. */
void walk_stream_end(struct fw_image *img, const struct fw_stream *s, size_t mark);
/* Reader over a node's bytes (absolute offsets when in the input, block offsets when inflated). */
void walk_reader(const struct fw_image *img, const struct fw_node *n, struct reader *r);

/* ---- ifd.c ---- */
#define IFD_SIGNATURE 0x0FF0A55Au
#define IFD_MAX_REGIONS 16
struct ifd_region {
	unsigned index;
	uint32_t base, limit;	/* limit inclusive */
};
struct ifd {
	size_t sig_off;		/* 0x10 on PCH-era descriptors, 0 on ICH8/9 */
	unsigned nregions;
	struct ifd_region region[IFD_MAX_REGIONS];	/* used regions only, in index order */
};
/* Where the descriptor signature is (0x10 or 0), or -1. */
long ifd_detect(const uint8_t *data, size_t len);
int ifd_parse(const struct reader *r, struct ifd *out);
void ifd_walk(struct fw_image *img, struct fw_node *parent, const struct reader *r);

/* ---- capsule.c ---- */
enum capsule_kind { CAPSULE_NONE = 0, CAPSULE_UEFI, CAPSULE_FMP, CAPSULE_AMI };
enum capsule_kind capsule_detect(const uint8_t *data, size_t len);
void capsule_walk(struct fw_image *img, struct fw_node *parent, const struct reader *r);

/* ---- fv.c ---- */
#define FV_SIGNATURE_AT 0x28
#define FV_HEADER_MIN 0x48	/* fixed part plus one block map entry and the terminator */
/* Is there a plausible volume header at r[at]? (signature, lengths, revision; checksum not required) */
bool fv_plausible(const struct reader *r, size_t at);
/* Walks one volume starting at r[at]; returns its node (NULL if no node could be made). */
struct fw_node *fv_walk(struct fw_image *img, struct fw_node *parent, const struct reader *r, size_t at);
/* Volumes anywhere in r (a region or payload): volumes, and padding nodes between them. */
void fv_scan(struct fw_image *img, struct fw_node *parent, const struct reader *r);

/* ---- ffs.c ---- */
/* The file area of a volume. */
void ffs_walk(struct fw_image *img, struct fw_node *volume, const struct reader *r, size_t from);
/* One FFS file at r[0] as the whole input. */
struct fw_node *ffs_file(struct fw_image *img, struct fw_node *parent, const struct reader *r, size_t at,
			 bool erase_one, bool ffs3, size_t *consumed);
bool ffs_plausible_file(const uint8_t *p, size_t len);

/* ---- section.c ---- */
/* The sections in r[from..] of a file (or of inflated data). */
void section_walk(struct fw_image *img, struct fw_node *parent, const struct reader *r, size_t from);

/* ---- inflate.c: the library-backed decoders ---- */
int inflate_lzma(const struct reader *src, bool x86, size_t max_out, uint8_t **out, size_t *out_len,
		 struct diag *d);
int inflate_brotli(const struct reader *src, size_t max_out, uint8_t **out, size_t *out_len, struct diag *d);
uint32_t inflate_crc32(const uint8_t *p, size_t len);

#endif
