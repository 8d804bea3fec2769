/* inflate.c - the library-backed decoders of GUID-defined sections: LZMA (liblzma), Brotli (libbrotlidec)
 *
 * EDK2's LZMA sections are .lzma ("LZMA alone") streams: a properties byte (lc/lp/pb), the
 * dictionary size u32 and the uncompressed size u64, then LZMA1 data, usually without an end
 * marker. They are decoded as raw LZMA1EXT with that size, so the output buffer is allocated once
 * at its final size, and the dictionary never exceeds the output (back references cannot reach
 * further). The x86 variant runs liblzma's BCJ x86 filter (start offset 0) after LZMA.
 * EDK2's Brotli sections start with the decoded size u64 and a scratch size u64 (unused here).
 */
#include "fw/walk.h"

#include <brotli/decode.h>
#include <lzma.h>
#include <stdlib.h>

#define LZMA_ALONE_HEADER 13
#define BROTLI_SECTION_HEADER 16

int inflate_lzma(const struct reader *src, bool x86, size_t max_out, uint8_t **out, size_t *out_len, struct diag *d)
{
	uint64_t size;
	uint8_t props[5];
	*out = NULL;
	*out_len = 0;
	if (rd_check(src, 0, LZMA_ALONE_HEADER, "LZMA header") < 0)
		return -1;
	for (int i = 0; i < 5; i++)
		props[i] = src->p[i];
	size = le64(src->p + 5);
	if (size == UINT64_MAX)
		return diag_err(d, rd_abs(src, 5), "LZMA stream without an uncompressed size");
	if (size > max_out)
		return diag_err(d, rd_abs(src, 5), "LZMA uncompressed size 0x%llx is over the budget of 0x%zx bytes",
				(unsigned long long)size, max_out);
	lzma_filter filters[3];
	int k = 0;
	if (x86)
		filters[k++] = (lzma_filter){ .id = LZMA_FILTER_X86, .options = NULL };
	filters[k].id = LZMA_FILTER_LZMA1EXT;
	filters[k].options = NULL;
	if (lzma_properties_decode(&filters[k], NULL, props, sizeof(props)) != LZMA_OK)
		return diag_err(d, rd_abs(src, 0), "LZMA properties 0x%02x, dictionary 0x%x are invalid", props[0], le32(props + 1));
	lzma_options_lzma *opt = filters[k].options;
	opt->ext_flags = LZMA_LZMA1EXT_ALLOW_EOPM;
	opt->ext_size_low = (uint32_t)size;
	opt->ext_size_high = (uint32_t)(size >> 32);
	if (opt->dict_size > size)
		opt->dict_size = size < LZMA_DICT_SIZE_MIN ? LZMA_DICT_SIZE_MIN : (uint32_t)size;
	filters[++k] = (lzma_filter){ .id = LZMA_VLI_UNKNOWN, .options = NULL };

	uint8_t *buf = malloc(size ? (size_t)size : 1);
	if (!buf) {
		free(opt);
		return diag_err(d, rd_abs(src, 5), "LZMA: cannot allocate 0x%llx bytes", (unsigned long long)size);
	}
	size_t in_pos = LZMA_ALONE_HEADER, out_pos = 0;
	lzma_ret ret = lzma_raw_buffer_decode(filters, NULL, src->p, &in_pos, src->len, buf, &out_pos, (size_t)size);
	free(opt);
	if (ret != LZMA_OK || out_pos != size) {
		free(buf);
		const char *why = ret == LZMA_DATA_ERROR ? "corrupt data" : ret == LZMA_BUF_ERROR ? "data ends early"
				: ret == LZMA_MEM_ERROR ? "out of memory" : ret == LZMA_OK ? "short output" : "decoder error";
		return diag_err(d, rd_abs(src, in_pos < src->len ? in_pos : src->len),
				"LZMA%s: %s after 0x%zx of 0x%llx bytes", x86 ? " x86" : "", why, out_pos, (unsigned long long)size);
	}
	*out = buf;
	*out_len = (size_t)size;
	return 0;
}

int inflate_brotli(const struct reader *src, size_t max_out, uint8_t **out, size_t *out_len, struct diag *d)
{
	uint64_t size;
	*out = NULL;
	*out_len = 0;
	if (rd_u64le_at(src, 0, &size, "Brotli decoded size") < 0 || rd_check(src, 0, BROTLI_SECTION_HEADER, "Brotli header") < 0)
		return -1;
	if (size > max_out)
		return diag_err(d, rd_abs(src, 0), "Brotli decoded size 0x%llx is over the budget of 0x%zx bytes",
				(unsigned long long)size, max_out);
	uint8_t *buf = malloc(size ? (size_t)size : 1);
	if (!buf)
		return diag_err(d, rd_abs(src, 0), "Brotli: cannot allocate 0x%llx bytes", (unsigned long long)size);
	size_t got = (size_t)size;
	BrotliDecoderResult res = BrotliDecoderDecompress(src->len - BROTLI_SECTION_HEADER, src->p + BROTLI_SECTION_HEADER, &got, buf);
	if (res != BROTLI_DECODER_RESULT_SUCCESS || got != size) {
		free(buf);
		return diag_err(d, rd_abs(src, BROTLI_SECTION_HEADER), "Brotli: %s (0x%zx of 0x%llx bytes)",
				res == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT ? "more data than the header says"
				: res == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT ? "data ends early" : "corrupt data",
				got, (unsigned long long)size);
	}
	*out = buf;
	*out_len = got;
	return 0;
}

uint32_t inflate_crc32(const uint8_t *p, size_t len)
{
	return lzma_crc32(p, len, 0);
}
