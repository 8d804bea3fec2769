/* fuzz_dmar.c - the ACPI DMAR parser on arbitrary bytes, plus the lookups check runs on its result */
#include <stddef.h>
#include <stdint.h>

#include "host/dmar.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d;
	struct dmar_table t;
	diag_init(&d);
	if (dmar_parse(data, size, &t, &d) == 0) {
		(void)dmar_graphics_drhd(&t);
		(void)dmar_drhd_for(&t, 0, 2, 0);
		(void)dmar_rmrr_for(&t, 0, 2, 0);
		for (size_t i = 0; i < t.nunits; i++)
			for (size_t k = 0; k < t.units[i].nscope; k++) {
				const struct dmar_scope *s = dmar_unit_scope(&t, &t.units[i], k);
				for (size_t h = 0; s && h < s->npath; h++)
					(void)dmar_scope_hop(&t, s, h);
			}
	}
	dmar_free(&t);
	diag_free(&d);
	return 0;
}
