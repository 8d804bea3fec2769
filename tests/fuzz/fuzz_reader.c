/* fuzz_reader.c - the bounds-checked reader itself: random read programs never escape the window */
#include <stddef.h>
#include <stdint.h>

#include "lib/reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d;
	struct reader r, s;
	diag_init(&d);
	rd_init(&r, data, size, 0x1000, &d);
	/* Interpret the input as a program of reads over itself. */
	for (int steps = 0; steps < 256 && rd_left(&r); steps++) {
		uint8_t op;
		uint32_t v32;
		uint64_t v64;
		uint16_t v16;
		if (rd_u8(&r, &op, "op") < 0)
			break;
		switch (op % 8) {
		case 0: rd_u16le(&r, &v16, "u16"); break;
		case 1: rd_u32le(&r, &v32, "u32"); break;
		case 2: rd_u64le(&r, &v64, "u64"); break;
		case 3: if (rd_u32le(&r, &v32, "len") == 0 && rd_sub(&r, v32, &s, "sub") == 0) rd_u32le(&s, &v32, "in sub"); break;
		case 4: if (rd_u16le(&r, &v16, "at") == 0) rd_u64le_at(&r, v16, &v64, "at"); break;
		case 5: if (rd_u8(&r, &op, "al") == 0) rd_align(&r, (size_t)1 << (op % 13), "align"); break;
		case 6: if (rd_u32le(&r, &v32, "seek") == 0) rd_seek(&r, v32, "seek"); break;
		default: rd_rest(&r, &s); rd_skip(&s, rd_left(&s), "rest"); break;
		}
	}
	diag_free(&d);
	return 0;
}
