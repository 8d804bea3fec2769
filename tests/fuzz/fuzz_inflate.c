/* fuzz_inflate.c - the library-backed section decoders alone (fw/inflate.c): LZMA, LZMA with the x86
 * filter, Brotli, each on the bytes of a GUID-defined section's data, without a volume around them.
 *
 * fuzz_fw reaches this code only through valid volume, file and section headers; here every
 * mutation lands in the stream itself. The first byte picks the decoder, the rest is the data.
 * Invariants: success means exactly the declared size (the header's u64) within the budget; failure
 * means no buffer and an error naming an offset inside the input.
 */
#include <stdlib.h>

#include "fw/walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BUDGET ((size_t)1 << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct diag d;
	struct reader r;
	uint8_t *out = NULL;
	size_t out_len = 0;
	int rc;
	diag_init(&d);
	/* The data sits at 0x1000 of an imagined image, as a section body would. */
	rd_init(&r, data + 1, size - 1, 0x1000, &d);
	unsigned pick = data[0] % 3;
	if (pick == 2)
		rc = inflate_brotli(&r, BUDGET, &out, &out_len, &d);
	else
		rc = inflate_lzma(&r, pick == 1, BUDGET, &out, &out_len, &d);
	if (rc == 0) {
		if (size - 1 < 8 || out_len > BUDGET || out_len != (size_t)le64(data + 1 + (pick == 2 ? 0 : 5)) ||
		    (out_len && !out))
			abort();
		(void)inflate_crc32(out, out_len);
	} else {
		if (out || d.errors == 0)
			abort();
		for (size_t i = 0; i < d.n; i++)
			if (d.v[i].level == DIAG_ERROR &&
			    (d.v[i].off == DIAG_NO_OFFSET || d.v[i].off < 0x1000 || d.v[i].off > 0x1000 + size - 1))
				abort();
	}
	free(out);
	diag_free(&d);
	return 0;
}
