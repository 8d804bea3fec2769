/* igd.h - which PCI device the assignment driver sets up, and how much stolen memory it gets
 *
 * Plain C without EFI headers (unit-tested on the host). The device id table
 * is igdkit's one table (check/igd_ids.c), compiled into the driver as well.
 */
#ifndef IGDKIT_EFI_IGD_H
#define IGDKIT_EFI_IGD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IGD_CFG_GGC 0x50
#define IGD_CFG_BDSM32 0x5c
#define IGD_CFG_BDSM64 0xc0
#define IGD_CFG_ASLS 0xfc
#define IGD_STOLEN_ALIGN 0x100000u
/* Stolen memory is at most 2 GiB (Gen9 GMS 0x40 x 32 MiB); more from fw_cfg is refused. */
#define IGD_STOLEN_MAX ((uint64_t)2 << 30)

/* Where the stolen-memory base goes: 0x5C through Gen9.5/Gemini Lake (and Cannon Lake),
   0xC0 for Gen11-12, nowhere from Meteor Lake on (stolen memory sits in a BAR there). */
enum igd_bdsm { IGD_BDSM_NONE, IGD_BDSM_32, IGD_BDSM_64 };

struct igd_target {
	bool accept;		/* an IGD this driver sets up */
	bool test_device;	/* accepted only through the test-accept hook */
	int gen;		/* graphics version (0 for a test device) */
	bool chv;		/* Cherryview's own GMS encoding */
	enum igd_bdsm bdsm;
};

/*
 * The test-only hook. The driver keeps this record in its data section with
 * vendor = device = 0 (off). `igdkit rom build --test-accept VID:DID` finds it by
 * its magic and fills in an emulated device's ids, which the driver then
 * treats as a Gen12 IGD (64-bit BDSM): QEMU has no emulated IGD to test with.
 * `igdkit rom check` reports any ROM in which it is set.
 */
#define IGD_TEST_ACCEPT_MAGIC "igdkit:test-accept:v1\n"	/* 22 bytes + NUL pad */
#define IGD_TEST_ACCEPT_MAGIC_LEN 24
struct igd_test_accept {
	char magic[IGD_TEST_ACCEPT_MAGIC_LEN];
	uint8_t vendor[2], device[2];	/* little-endian; 0 = hook off */
};

/* Decides for a function at bus:dev.fn with the given ids and 24-bit class code. */
void igd_classify(uint16_t vendor, uint16_t device, uint32_t class_code, uint8_t bus, uint8_t dev, uint8_t fn,
		  uint16_t test_vendor, uint16_t test_device, struct igd_target *t);

/* Data stolen memory in bytes from GGC (config 0x50), the same decode as igdkit check. */
uint64_t igd_gms_bytes(int gen, bool chv, uint16_t ggc);

/* etc/igd-bdsm-size: 8 bytes little-endian. false when too short or above IGD_STOLEN_MAX. */
bool igd_bdsm_size_parse(const uint8_t *p, size_t len, uint64_t *size);

/*
 * Carving a 1 MiB-aligned block of size bytes out of an allocation of
 * size (rounded up to 4 KiB) + 1 MiB at alloc (4 KiB aligned): the aligned base, and the pages to
 * give back in front of it and after it.
 */
void igd_stolen_carve(uint64_t alloc, uint64_t size, uint64_t *base, uint64_t *head_pages, uint64_t *tail_pages);

#endif
