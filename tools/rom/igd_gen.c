/* igd_gen.c - IGD id -> generation for the ROM checks, from the one id table igdkit keeps
 * (tools/check/igd_ids.c, written from reference/intel-igd-ids.md) */
#include "igd_gen.h"

#include <stddef.h>

#include "check/igd_ids.h"

struct igd_gen igd_gen_lookup(uint16_t device)
{
	const struct igd_id_info *x = igd_id_lookup(device);
	if (!x || !x->gen)
		return (struct igd_gen){ 0, NULL };
	return (struct igd_gen){ x->gen, x->platform };
}
