/* tiano.h - EFI 1.1 and Tiano compression (the LZ77 + Huffman format of UEFI PI compressed sections)
 *
 * Stream: 8-byte header (u32 CompSize, u32 OrigSize, little endian), then CompSize bytes of an
 * MSB-first bit stream made of blocks. Each block carries three canonical Huffman code-length sets
 * (the "extra" set that codes the char+length lengths, the char+length set itself, the position
 * set) and then block-size symbols. The two variants differ only in the width of the position-set
 * count field: 4 bits for EFI 1.1, 5 bits for Tiano.
 */
#ifndef IGDKIT_TIANO_H
#define IGDKIT_TIANO_H

#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"
#include "lib/reader.h"

enum tiano_algo { TIANO_ALGO_EFI = 1, TIANO_ALGO_TIANO = 2 };

/*
 * The stream starts at src's current position; the rest of its window must hold the header and
 * CompSize bytes (bytes after that are ignored, as in a section padded to 4). Every code-length set
 * must form a complete prefix code, matches must stay inside the output, and running out of bits
 * is an error at the offset where it happened. On failure *out is NULL and d has the reason.
 */

/* Decompress an EFI 1.1 ("EFI standard compression", 4-bit PBit) or Tiano (5-bit PBit) stream
   (8-byte header CompSize, OrigSize). src is read through a reader whose base gives absolute offsets
   in errors. Output size comes from the header and is refused above max_out. *out is malloc'ed. */
int tiano_decompress(const struct reader *src, enum tiano_algo algo, size_t max_out,
                     uint8_t **out, size_t *out_len, struct diag *d);

/* EFI 1.1 compressor producing exactly the bytes EDK2's EfiRom -ec produces. */
int efi_compress(const uint8_t *src, size_t len, uint8_t **out, size_t *out_len);

#endif
