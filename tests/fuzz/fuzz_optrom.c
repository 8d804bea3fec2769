/* fuzz_optrom.c - the whole `rom check` core on arbitrary bytes: chain walk, EFI inflation,
 * PE headers, VBT, driver identification, device matching, and both report printers */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/json.h"
#include "rom/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	struct rom_check *c;
	/* The last byte picks a device so the matching paths run too. */
	struct rom_check_opts o = { size && (data[size - 1] & 1), 0x8086, size && (data[size - 1] & 2) ? 0x46a6 : 0x9bc8 };

	if (!sink)
		sink = fopen("/dev/null", "w");
	if (rom_check_run(data, size, &o, &c) < 0)
		return 0;
	if (sink) {
		struct json j;
		rom_check_text(c, sink);
		json_init(&j, sink, false);
		json_obj(&j, NULL);
		rom_check_json(c, &j);
		json_obj_end(&j);
		json_end(&j);
	}
	rom_check_free(c);
	return 0;
}
