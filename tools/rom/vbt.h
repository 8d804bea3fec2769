/* vbt.h - Intel Video BIOS Table: "$VBT" header, BIOS Data Block header, block chain
 *
 * The VBT describes the board's display outputs to the GOP, the legacy VBIOS
 * and i915. It sits in its own FFS file in board firmware, inside a legacy
 * VBIOS image, or in the OpRegion mailbox. Layout:
 *   0x00 "$VBT <platform>" (20 bytes)  0x14 version  0x16 header size
 *   0x18 VBT size  0x1A checksum  0x1C BDB offset  then "BIOS_DATA_BLOCK "
 *   header (version, header size, BDB size) and blocks {id u8, size u16, data}.
 */
#ifndef IGDKIT_ROM_VBT_H
#define IGDKIT_ROM_VBT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/reader.h"

#define VBT_HEADER_LEN 0x30
#define VBT_BDB_HEADER_LEN 22

struct vbt_info {
	uint64_t off;			/* absolute offset of "$VBT" */
	char signature[21];		/* the 20 signature bytes, NUL-terminated, unprintables as '?' */
	char platform[17];		/* signature after "$VBT ", trailing blanks dropped: "ALDERLAKE-P" */
	uint16_t version;
	uint16_t header_size;
	uint16_t vbt_size;
	uint8_t checksum;		/* the stored byte */
	uint8_t sum;			/* sum of vbt_size bytes mod 256; 0 when the checksum is right */
	bool checksum_ok;
	uint32_t bdb_offset;
	uint16_t bdb_version;
	uint16_t bdb_header_size;
	uint16_t bdb_size;
	size_t nblocks;			/* blocks walked inside the BDB */
	uint8_t blocks_seen[32];	/* bitmap by block id */
	bool last_block_past_bdb;	/* the last block ends past bdb_size but inside vbt_size */
};

/*
 * Validates the VBT that starts at position 0 of r (the window may be longer
 * than the VBT, as inside a VBIOS). Errors make it invalid (-1); a wrong
 * checksum and a last block past the BDB are notes only (0): Intel's own and
 * VBIOS-embedded VBTs have them, and i915 does not verify either. Messages carry absolute offsets.
 */
int vbt_parse(const struct reader *r, struct vbt_info *out);

/* First "$VBT" at or after `from` in r's window; true and *at set when found. */
bool vbt_find(const struct reader *r, size_t from, size_t *at);

static inline bool vbt_has_block(const struct vbt_info *v, uint8_t id)
{
	return v->blocks_seen[id / 8] & (1u << (id % 8));
}

#endif
