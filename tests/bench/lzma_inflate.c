/* lzma_inflate.c - bench baseline: what liblzma alone needs to inflate given
 * LZMA sections of a firmware image (the floor for `igdkit fw extract`).
 * usage: lzma_inflate IMAGE OFFSET:LENGTH... (the LZMA stream of each section,
 * EDK2's LzmaCompress format = the .lzma "alone" format). One pass, like one
 * igdkit run; the bench times the whole process both ways. Bench-only; not
 * part of igdkit. */
#include <lzma.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s IMAGE OFFSET:LENGTH...\n", argv[0]);
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f)
		return 1;
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *img = malloc((size_t)size);
	if (!img || fread(img, 1, (size_t)size, f) != (size_t)size)
		return 1;
	fclose(f);
	double best = 1e9;
	size_t total = 0;
	for (int round = 0; round < 1; round++) {
		double t0 = now();
		total = 0;
		for (int i = 2; i < argc; i++) {
			unsigned long off, len;
			if (sscanf(argv[i], "%li:%li", &off, &len) != 2 || off + len > (unsigned long)size)
				return 2;
			/* the output size is in the header (bytes 5..12) */
			uint64_t out_len = 0;
			for (int b = 0; b < 8; b++)
				out_len |= (uint64_t)img[off + 5 + b] << (8 * b);
			uint8_t *out = malloc(out_len ? out_len : 1);
			lzma_stream s = LZMA_STREAM_INIT;
			if (lzma_alone_decoder(&s, UINT64_MAX) != LZMA_OK)
				return 1;
			s.next_in = img + off;
			s.avail_in = len;
			s.next_out = out;
			s.avail_out = out_len;
			lzma_ret r = lzma_code(&s, LZMA_FINISH);
			if (r != LZMA_STREAM_END && r != LZMA_OK)
				return 1;
			total += out_len - s.avail_out;
			lzma_end(&s);
			free(out);
		}
		double dt = now() - t0;
		if (dt < best)
			best = dt;
	}
	printf("%.4f %zu\n", best, total);
	free(img);
	return 0;
}
