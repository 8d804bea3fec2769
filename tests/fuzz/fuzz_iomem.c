/* fuzz_iomem.c - the /proc/iomem parser on arbitrary text, plus the lookups check makes on its map */
#include <stddef.h>
#include <stdint.h>

#include "host/iomem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d;
	struct iomem_map m;
	diag_init(&d);
	if (iomem_parse((const char *)data, size, &m, &d) == 0) {
		for (size_t i = 0; i < m.n && i < 64; i++) {
			(void)iomem_top_at(&m, m.v[i].start);
			(void)iomem_top_at(&m, m.v[i].end);
		}
		(void)iomem_top_at(&m, 0xca7d7018u);
		iomem_free(&m);
	}
	diag_free(&d);
	return 0;
}
