/* fuzz_ifd.c - Intel Flash Descriptors: the region table parser, then the whole SPI-image walk
 *
 * The input gets a descriptor signature at 0x10 so every run takes the descriptor path.
 */
#include <stdlib.h>
#include <string.h>

#include "fw/walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The walker's own limits, set small as in fuzz_fw: the layout is what this target is about. */
static const struct fw_limits limits = { .inflate_extra = (size_t)64 << 10, .max_nodes = 4096 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d;
	struct reader r;
	struct ifd ifd;
	diag_init(&d);
	rd_init(&r, data, size, 0, &d);
	if (ifd_parse(&r, &ifd) == 0) {
		if (ifd.nregions > IFD_MAX_REGIONS)
			abort();
		for (unsigned i = 0; i < ifd.nregions; i++)
			if (ifd.region[i].base > ifd.region[i].limit)
				abort();
	}
	if (size >= 0x20 && size <= (64u << 20)) {	/* ifd_detect wants 0x20 bytes */
		uint8_t *p = malloc(size);
		memcpy(p, data, size);
		p[0x10] = 0x5A, p[0x11] = 0xA5, p[0x12] = 0xF0, p[0x13] = 0x0F;
		struct fw_image *img;
		if (fw_open_limited(p, size, &limits, &img, &d) == 0) {
			if (fw_input_kind(img) != FW_INPUT_SPI_IFD)
				abort();
			fw_close(img);
		}
		free(p);
	}
	diag_free(&d);
	return 0;
}
