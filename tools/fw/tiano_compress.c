/* tiano_compress.c - EFI 1.1 compressor (placeholder until the EfiRom-identical encoder lands) */
#include "tiano.h"

int efi_compress(const uint8_t *src, size_t len, uint8_t **out, size_t *out_len)
{
	(void)src;
	(void)len;
	*out = NULL;
	*out_len = 0;
	return -1;
}
