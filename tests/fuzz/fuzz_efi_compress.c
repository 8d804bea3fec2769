/* fuzz_efi_compress.c - the EFI compressor (rom build --compress): any input inflates back to itself
 *
 * The output must decompress, through the same decoder the walker uses, to exactly the input.
 * Rate: about 750 runs/s on one core, below the 1,000 of the other targets, and that is the
 * compressor's own work, not the harness: EfiRom's match finder compares up to 256 bytes at every
 * position and each block builds three Huffman code sets, all of it under comparison tracing.
 * Campaigns cap inputs at 512 bytes (efi_compress.options); the 8 KiB window's wrap and full
 * 16 Ki-symbol blocks are covered by the unit tests' round trips of real drivers and by the
 * byte-for-byte EfiRom comparisons. Inputs beyond 64 KiB are skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "fw/tiano.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > (64u << 10))
		return 0;
	uint8_t *c = NULL, *back = NULL;
	size_t clen = 0, blen = 0;
	struct diag d;
	struct reader r;
	if (efi_compress(data, size, &c, &clen) < 0)
		abort();
	diag_init(&d);
	rd_init(&r, c, clen, 0, &d);
	if (tiano_decompress(&r, TIANO_ALGO_EFI, size, &back, &blen, &d) < 0 || blen != size ||
	    (size && memcmp(back, data, size)))
		abort();
	free(back);
	free(c);
	diag_free(&d);
	return 0;
}
