/* fw.h - firmware images for the other modules: open, walk once, find the GOP, VBT and VBIOS
 *
 * fw_open() detects what the bytes are (SPI image with Intel Flash Descriptor, bare BIOS region,
 * UEFI/FMP capsule, AMI Aptio capsule, single firmware volume, single FFS file), walks every
 * volume, file and section once, inflates compressed sections within a budget, and keeps the
 * result as a node tree (tree.h). Problems found on the way are findings on the nodes and
 * entries in the diag; the walk always goes on. The image borrows `data`: keep it alive until
 * fw_close().
 */
#ifndef IGDKIT_FW_H
#define IGDKIT_FW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/diag.h"
#include "lib/guid.h"

struct fw_image;
struct fw_node;

enum fw_input {
	FW_INPUT_UNKNOWN = 0,
	FW_INPUT_SPI_IFD,	/* full SPI flash with an Intel Flash Descriptor */
	FW_INPUT_BIOS_REGION,	/* volumes (and padding) without a descriptor */
	FW_INPUT_CAPSULE,	/* EFI_CAPSULE_HEADER */
	FW_INPUT_FMP_CAPSULE,	/* EFI_CAPSULE_HEADER with the FMP capsule GUID */
	FW_INPUT_AMI_CAPSULE,	/* AMI Aptio (signed or unsigned) capsule */
	FW_INPUT_FV,		/* exactly one firmware volume */
	FW_INPUT_FFS,		/* one FFS file */
};

/* The limits that keep a hostile image from costing unbounded memory. */
#define FW_MAX_DEPTH 24			/* node nesting (volumes in sections in files in volumes ...) */
#define FW_MAX_NODES ((size_t)1 << 18)
#define FW_INFLATE_EXTRA ((size_t)64 << 20)	/* total inflated bytes <= 8 * input + this */

/* Tighter limits for callers that walk many small images (the fuzz target): same walk, less room. */
struct fw_limits {
	size_t inflate_extra;	/* total inflated bytes <= 8 * input + this */
	size_t max_nodes;	/* 0: FW_MAX_NODES */
};

/*
 * Walks data. Returns 0 when the bytes are a firmware image igdkit knows (findings may still have
 * been recorded: d->errors counts them), -1 when they are not ("not a firmware image I know: ..."
 * in d) or memory ran out; *out is NULL then.
 */
int fw_open(const uint8_t *data, size_t len, struct fw_image **out, struct diag *d);
/* fw_open within the given limits (each at most the default; NULL: the defaults). */
int fw_open_limited(const uint8_t *data, size_t len, const struct fw_limits *lim, struct fw_image **out,
		    struct diag *d);
void fw_close(struct fw_image *img);

enum fw_input fw_input_kind(const struct fw_image *img);
const char *fw_input_name(enum fw_input k);	/* "SPI flash image with Intel Flash Descriptor" */
const struct fw_node *fw_root(const struct fw_image *img);
size_t fw_inflated_bytes(const struct fw_image *img);
size_t fw_node_count(const struct fw_image *img);

enum fw_blob_kind { FW_BLOB_GOP, FW_BLOB_VBT, FW_BLOB_VBIOS, FW_BLOB_GUID };

/* Whether a candidate serves a PCI device: from the GOP's device table or the VBIOS PCIR. */
enum fw_match { FW_MATCH_UNKNOWN = 0, FW_MATCH_YES, FW_MATCH_NO };

/* One extractable body; the bytes live inside the image (input or inflated data) until fw_close. */
struct fw_blob {
	enum fw_blob_kind kind;
	const uint8_t *data;
	size_t len;
	const struct fw_node *file;	/* the FFS file carrying it (NULL for a bare option ROM) */
	const struct fw_node *section;	/* the section whose body this is (NULL: whole file body) */
	struct guid file_guid;
	char ui_name[64];		/* UTF-8 of the file's UI section, or "" */
	char version[48];		/* GOP "9.0.1107" or "build 1107"; VBT "$VBT SKYLAKE"; VBIOS "8086:0406" */
	uint16_t vendor, device;	/* VBIOS: from PCIR */
	enum fw_match match;		/* against the device asked for (UNKNOWN when none asked) */
};

/*
 * Candidates of one kind, in walk order; fills at most max (out may be NULL to count). For
 * FW_BLOB_GUID pass the file GUID in guid (NULL otherwise). device (or 0) sets blob.match.
 */
size_t fw_candidates(const struct fw_image *img, enum fw_blob_kind kind, const struct guid *guid,
		     uint16_t device, struct fw_blob *out, size_t max);

/*
 * The one candidate to use: the only one, or the only one matching device (0 = none given).
 * Returns 0 with *out filled; -1 with a diag saying none was found, or that several were found
 * and --device must choose (the message lists them).
 */
int fw_find(const struct fw_image *img, enum fw_blob_kind kind, const struct guid *guid,
	    uint16_t device, struct fw_blob *out, struct diag *d);
static inline int fw_find_gop(const struct fw_image *img, uint16_t device, struct fw_blob *out, struct diag *d)
{
	return fw_find(img, FW_BLOB_GOP, NULL, device, out, d);
}
static inline int fw_find_vbt(const struct fw_image *img, uint16_t device, struct fw_blob *out, struct diag *d)
{
	return fw_find(img, FW_BLOB_VBT, NULL, device, out, d);
}
static inline int fw_find_vbios(const struct fw_image *img, uint16_t device, struct fw_blob *out, struct diag *d)
{
	return fw_find(img, FW_BLOB_VBIOS, NULL, device, out, d);
}

/* Where a node sits, for messages: "0x348000" in the input, or "0x90+0x1a2b0" inside data inflated
   from the section at 0x90 (nested inflation chains the offsets). */
void fw_node_where(const struct fw_node *n, char *buf, size_t len);

/* found[i] is set when texts[i] occurs, as ASCII or UCS-2, in p[0..n) (fw_search_bytes) or in img's
 * input or any block inflated from it (fw_search_texts): BIOS version, date and board strings, to
 * tell whether a file belongs to the running machine. found[] is only ever set, never cleared;
 * empty or NULL texts are never found. */
void fw_search_bytes(const uint8_t *p, size_t n, const char *const *texts, size_t ntexts, bool *found);
void fw_search_texts(const struct fw_image *img, const char *const *texts, size_t ntexts, bool *found);

/* "yes", "no", "unknown". */
const char *fw_match_name(enum fw_match m);
/* Where a blob sits ("region BIOS > volume @0x1000 > ..."), "?" when nowhere. */
void fw_blob_where(const struct fw_blob *b, char *buf, size_t len);
/* "LABEL at WHERE: N bytes, file GUID "name", version[, serves the device: yes]" and a newline. */
void fw_blob_print(FILE *f, const char *label, const struct fw_blob *b, bool device);
/* Every GOP, VBT and legacy VBIOS of img, a line each (at most FW_BLOBS_PRINT_MAX of a kind),
 * "GOP: none" for a kind it lacks; with device (non-zero) each says whether it serves it.
 * brief: without where and file GUID, for an 80-column screen. */
#define FW_BLOBS_PRINT_MAX 16
void fw_blobs_print(FILE *f, const struct fw_image *img, uint16_t device, bool brief);

/* GOP facts from a PE32 body alone (also used by `rom check`). */
bool gop_is_intel_gop(const uint8_t *pe, size_t len);
/* "9.0.1107", "build 1107", or "" when no version string is found. Returns buf. */
const char *gop_version(const uint8_t *pe, size_t len, char *buf, size_t buflen);
/* Does the GOP's table of supported device IDs list device? */
enum fw_match gop_supports(const uint8_t *pe, size_t len, uint16_t device);

#endif
