/* fuzz_tiano.c - EFI/Tiano decompression of arbitrary bytes (the compressor: fuzz_efi_compress)
 *
 * Decompression must fail cleanly or produce exactly OrigSize bytes (abort() otherwise, so libFuzzer
 * reports it). The output budget is 64 KiB, not the walker's megabytes: a header may claim any size,
 * and filling a megabyte per run would cost more than the bit stream the fuzzer is mutating.
 */
#include <stdlib.h>
#include <string.h>

#include "fw/tiano.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inflate_any(const uint8_t *p, size_t n, enum tiano_algo algo)
{
	struct diag d;
	struct reader r;
	uint8_t *out = NULL;
	size_t out_len = 0;
	diag_init(&d);
	rd_init(&r, p, n, 0x10000, &d);
	int rc = tiano_decompress(&r, algo, 1 << 16, &out, &out_len, &d);
	if (rc == 0 && (n < 8 || out_len != ((size_t)p[4] | (size_t)p[5] << 8 | (size_t)p[6] << 16 | (size_t)p[7] << 24)))
		abort();
	if (rc < 0 && (out || d.errors == 0))
		abort();
	free(out);
	diag_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	inflate_any(data, size, TIANO_ALGO_EFI);
	inflate_any(data, size, TIANO_ALGO_TIANO);

	/* Same bytes with a header that fits them, so the fuzzer reaches the bit stream quickly. */
	if (size >= 8) {
		uint8_t *fixed = malloc(size);
		memcpy(fixed, data, size);
		put_le32(fixed, (uint32_t)(size - 8));
		put_le32(fixed + 4, le32(data + 4) & 0xffff);
		inflate_any(fixed, size, TIANO_ALGO_EFI);
		inflate_any(fixed, size, TIANO_ALGO_TIANO);
		free(fixed);
	}

	return 0;
}
