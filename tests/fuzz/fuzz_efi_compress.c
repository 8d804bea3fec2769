/* fuzz_efi_compress.c - the EFI compressor (rom build --compress): any input inflates back to itself
 *
 * The output must decompress, through the same decoder the walker uses, to exactly the input.
 * Rate: about 700 runs/s on one core, below the 1,000 the other targets reach, and that is the
 * compressor's own fixed cost, not the harness: every call builds three Huffman code sets over the
 * 510-symbol alphabet and sets up the match finder's window (some 300 KiB), and with comparison
 * tracing on that work dominates a short input. Inputs beyond 64 KiB add nothing small ones do not
 * reach (the window is 8 KiB, a block 16 Ki symbols), so they are skipped.
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
