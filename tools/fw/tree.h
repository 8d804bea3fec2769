/* tree.h - the node tree a firmware walk produces, and its text/JSON rendering
 *
 * Every node borrows its bytes from the input or from a block of inflated data (a stream) and
 * knows its offset in that block, so no undecompressed byte is ever copied. Facts are kept as
 * fields, never as display text: rendering is a separate pass (fw_tree_print, fw_tree_json).
 */
#ifndef IGDKIT_FW_TREE_H
#define IGDKIT_FW_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/diag.h"
#include "lib/guid.h"
#include "lib/json.h"

enum fw_node_kind {
	FWN_IMAGE,	/* the whole input */
	FWN_REGION,	/* a flash descriptor region */
	FWN_CAPSULE,	/* a capsule header and its payload */
	FWN_VOLUME,	/* a firmware volume */
	FWN_FILE,	/* an FFS file */
	FWN_SECTION,	/* a file section */
	FWN_FREE,	/* erased space at the end of a volume */
	FWN_PADDING,	/* bytes between volumes, or a payload that is not a volume */
};

/* What a section's payload was packed with. */
enum fw_comp {
	FW_COMP_NONE = 0,
	FW_COMP_EFI,		/* EFI 1.1 compression (compression section type 1) */
	FW_COMP_TIANO,		/* Tiano compression */
	FW_COMP_LZMA,
	FW_COMP_LZMA_F86,	/* LZMA with the x86 BCJ filter */
	FW_COMP_BROTLI,
	FW_COMP_FAILED,		/* compressed, but it did not inflate */
};

/* Inflated bytes: an owned block, made from the section node `origin`. */
struct fw_stream {
	uint8_t *data;
	size_t len;
	const struct fw_node *origin;
	struct fw_stream *next;		/* the image's list of blocks */
};

struct fw_finding {
	struct fw_finding *next;
	enum diag_level level;
	uint64_t off;			/* in the node's block (input or stream) */
	char msg[];
};

enum fw_node_flag {
	FWN_ERASE_ONE = 1 << 0,		/* volume/file: erased bytes are 0xFF */
	FWN_FFS3 = 1 << 1,		/* volume: FFSv3 file system */
	FWN_FFS = 1 << 2,		/* volume: a file system whose files we walk */
	FWN_LARGE = 1 << 3,		/* file: large-file header */
	FWN_HAS_GUID = 1 << 4,
	FWN_EXT_HEADER = 1 << 5,	/* volume: extended header, guid2 is its FvName */
	FWN_AUTH = 1 << 6,		/* GUID-defined section: carries a signature igdkit does not check */
};

struct fw_node {
	enum fw_node_kind kind;
	uint8_t type;		/* region index, file type or section type */
	uint8_t comp;		/* enum fw_comp, for compression and GUID-defined sections */
	uint8_t state;		/* file: state bits, erase polarity already removed */
	uint8_t attr;		/* file attributes */
	uint16_t flags;		/* enum fw_node_flag */
	uint16_t depth;
	uint32_t hdr_len;	/* header bytes before the body */
	struct guid guid;	/* volume FS GUID, file name, GUID-defined or freeform section GUID */
	struct guid guid2;	/* volume FvName from the extended header */
	uint64_t off;		/* offset of data[0] in its block */
	const uint8_t *data;	/* the node's bytes, header included */
	size_t len;
	const struct fw_stream *stream;	/* NULL: the input */
	const char *name;	/* file: UI name (UTF-8); region: its name; section: UI/version text */
	uint64_t extra;		/* volume: FvLength; compression: declared uncompressed length */
	struct fw_node *parent, *first, *last, *next;
	struct fw_finding *findings;
};

static inline const uint8_t *fwn_body(const struct fw_node *n) { return n->data + n->hdr_len; }
static inline size_t fwn_body_len(const struct fw_node *n) { return n->len - n->hdr_len; }

const char *fw_kind_name(enum fw_node_kind k);
const char *fw_comp_name(enum fw_comp c);
const char *fw_file_type_name(uint8_t type);
const char *fw_section_type_name(uint8_t type);
const char *fw_region_name(unsigned index);
/* Known names of GUIDs (volume file systems, GUID-defined sections, well-known files) or NULL. */
const char *fw_guid_name(const struct guid *g);
/* "valid", "deleted", "header only", ... from the normalized file state bits. */
const char *fw_file_state_name(uint8_t state);

/* Text tree: one line per node, indented by depth, findings below their node. */
void fw_tree_print(FILE *f, const struct fw_node *root);
/* The same facts as JSON: {"kind":..., "offset":..., ..., "children":[...]} */
void fw_tree_json(struct json *j, const char *key, const struct fw_node *root);
/* Nodes whose findings are errors or warnings. */
size_t fw_tree_count_findings(const struct fw_node *root);

#endif
