/* opregion.h - the Intel IGD OpRegion and the VBT it carries, as QEMU hands them to the guest
 *
 * Plain C with no EFI headers, so the host build can unit-test and fuzz it.
 * Layout (Intel IGD OpRegion spec, as Linux i915/vfio read it):
 *   0x000 "IntelGraphicsMem"  0x010 size in KiB  0x016 minor  0x017 major
 *   0x058 mailbox bits (bit 4: ASLE extension at 0x1C00 shortens mailbox 4)
 *   0x300 mailbox 3 (ASLE): RVDA u64 at 0x3BA, RVDS u32 at 0x3C2
 *   0x400 mailbox 4: the VBT, up to 6 KiB (7 KiB without the ASLE extension)
 * From version 2.0 a VBT too large for mailbox 4 lives elsewhere: RVDA/RVDS.
 * In 2.0 RVDA is a physical address; from 2.1 it is relative to the OpRegion.
 * Linux vfio presents a 2.0 OpRegion with such a VBT as 2.1, the VBT appended
 * right after the 8 KiB region, and QEMU passes exactly those bytes on.
 */
#ifndef IGDKIT_EFI_OPREGION_H
#define IGDKIT_EFI_OPREGION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OPREGION_SIGNATURE "IntelGraphicsMem"
#define OPREGION_HEADER_LEN 0x3c6	/* through RVDS: what is needed to know the extent */
#define OPREGION_MIN_SIZE 0x2000	/* every OpRegion version is at least 8 KiB */
#define OPREGION_MAX_SIZE 0x100000	/* 8 KiB + a VBT (u16 size): far below 1 MiB */
#define OPREGION_MBOX4_OFF 0x400
#define OPREGION_ASLE_EXT_OFF 0x1c00
#define OPREGION_RVDA_OFF 0x3ba
#define OPREGION_RVDS_OFF 0x3c2
#define VBT_HEADER_SIZE 0x30
#define VBT_BDB_HEADER_SIZE 22

enum opr_status {
	OPR_OK = 0,
	OPR_TRUNCATED,		/* fewer bytes than the header needs */
	OPR_BAD_SIGNATURE,	/* no "IntelGraphicsMem" */
	OPR_BAD_SIZE,		/* size field below 8 KiB or past the bytes given */
	OPR_TOO_LARGE,		/* extent beyond OPREGION_MAX_SIZE */
	OPR_RVDA_RANGE,		/* RVDA/RVDS point outside the OpRegion */
	OPR_RVDA_ABSOLUTE,	/* a 2.0 RVDA (physical address) and no VBT in mailbox 4 */
	OPR_NO_VBT,		/* neither mailbox 4 nor RVDA hold "$VBT" */
	OPR_VBT_TRUNCATED,	/* the VBT header or its stated size runs past its window */
	OPR_VBT_BAD_SIZE,	/* VBT size smaller than its header */
	OPR_VBT_BAD_BDB,	/* BDB offset or "BIOS_DATA_BLOCK " signature wrong */
};

enum opr_vbt_source { OPR_VBT_MAILBOX4, OPR_VBT_RVDA };

struct opregion_info {
	uint8_t major, minor;
	uint32_t size;		/* the header's size, in bytes */
	uint32_t mbox;		/* mailbox bits at 0x58 */
	uint64_t rvda;		/* as stored */
	uint32_t rvds;
	size_t extent;		/* bytes the OpRegion occupies, VBT behind it included */
};

struct opregion_vbt {
	enum opr_vbt_source source;
	size_t off;		/* of "$VBT", relative to the OpRegion start */
	size_t window;		/* bytes the OpRegion reserves for it (mailbox 4 or RVDS) */
	uint16_t size;		/* the VBT header's own size: what GetVbtData hands out */
};

/*
 * The header's facts and the OpRegion's extent, from its first len bytes
 * (len >= OPREGION_HEADER_LEN). *bad_off is set to the offset of the field
 * that was wrong, for messages.
 */
enum opr_status opregion_header(const uint8_t *p, size_t len, struct opregion_info *oi, size_t *bad_off);

/* The VBT inside an OpRegion of len bytes: RVDA for 2.1+, else mailbox 4. */
enum opr_status opregion_find_vbt(const uint8_t *p, size_t len, struct opregion_vbt *v, size_t *bad_off);

/* Checks a VBT at p, at most avail bytes; *size is its header's size. */
enum opr_status vbt_validate(const uint8_t *p, size_t avail, uint16_t *size, size_t *bad_off);

/* Rewrites the checksum byte (0x1A) so the VBT's bytes sum to 0; the OpRegion copy's can be stale. */
void vbt_fix_checksum(uint8_t *vbt, uint16_t size);

const char *opr_status_str(enum opr_status s);

#endif
