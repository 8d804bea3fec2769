/* fuzz_vbt.c - VBT header, BDB header and block walk on arbitrary bytes, and the $VBT search */
#include <stddef.h>
#include <stdint.h>

#include "rom/vbt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d;
	struct reader r;
	struct vbt_info v;
	size_t at;

	diag_init(&d);
	rd_init(&r, data, size, 0x10000, &d);
	vbt_parse(&r, &v);
	/* Also as found inside a larger image. */
	if (vbt_find(&r, 1, &at)) {
		struct reader s;
		if (rd_sub_at(&r, at, size - at, &s, "VBT") == 0)
			vbt_parse(&s, &v);
	}
	diag_free(&d);
	return 0;
}
