/* fuzz_capsule.c - capsules: the first input byte picks a capsule GUID (EFI, FMP, AMI Aptio), the
 * rest is the header and body after that GUID, so every run goes through capsule.c. */
#include <stdlib.h>
#include <string.h>

#include "fw/fw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The walker's own limits, set small as in fuzz_fw: the layout is what this target is about. */
static const struct fw_limits limits = { .inflate_extra = (size_t)64 << 10, .max_nodes = 4096 };

static const uint8_t guids[3][16] = {
	{ 0xBD, 0x86, 0x66, 0x3B, 0x76, 0x0D, 0x30, 0x40, 0xB7, 0x0E, 0xB5, 0x51, 0x9E, 0x2F, 0xC5, 0xA0 },
	{ 0xED, 0xD5, 0xCB, 0x6D, 0x2D, 0xE8, 0x44, 0x4C, 0xBD, 0xA1, 0x71, 0x94, 0x19, 0x9A, 0xD9, 0x2A },
	{ 0x90, 0xBB, 0xEE, 0x14, 0x0A, 0x89, 0xDB, 0x43, 0xAE, 0xD1, 0x5D, 0x3C, 0x45, 0x88, 0xA4, 0x18 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size || size > (64u << 20))
		return 0;
	size_t n = 16 + size - 1;
	uint8_t *p = malloc(n);
	memcpy(p, guids[data[0] % 3], 16);
	memcpy(p + 16, data + 1, size - 1);
	struct diag d;
	struct fw_image *img;
	diag_init(&d);
	if (fw_open_limited(p, n, &limits, &img, &d) == 0) {
		struct fw_blob b;
		fw_find_gop(img, 0, &b, &d);
		fw_close(img);
	}
	diag_free(&d);
	free(p);
	return 0;
}
