/* fuzz_fw.c - the whole firmware walker from raw bytes: detect, walk, search, render
 *
 * Invariants checked beyond "no crash": a walk that succeeds stays within its inflate budget, every
 * error names an offset, and every blob a search returns lies inside the image's own bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw/fw.h"
#include "fw/tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

/* The walker's own limits, set small: instrumented decoders cost about 100 ns an output byte, so a
 * hostile stream inflating to the default budget would cost seconds per run and teach nothing the
 * first 64 KiB do not. */
static const struct fw_limits limits = { .inflate_extra = (size_t)64 << 10, .max_nodes = 4096 };

static void search(const struct fw_image *img, enum fw_blob_kind kind, const struct guid *g)
{
	struct fw_blob c[4], b;
	struct diag d;
	diag_init(&d);
	size_t n = fw_candidates(img, kind, g, 0x3185, c, 4);
	for (size_t i = 0; i < n && i < 4; i++)
		if (!c[i].data && c[i].len)
			abort();
	if (fw_find(img, kind, g, 0, &b, &d) == 0 && !b.data && b.len)
		abort();
	diag_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d;
	struct fw_image *img;
	if (!devnull)
		devnull = fopen("/dev/null", "w");
	diag_init(&d);
	if (fw_open_limited(data, size, &limits, &img, &d) == 0) {
		if (fw_inflated_bytes(img) > 8 * size + limits.inflate_extra)
			abort();
		for (size_t i = 0; i < d.n; i++)
			if (d.v[i].level == DIAG_ERROR && d.v[i].off == DIAG_NO_OFFSET)
				abort();
		search(img, FW_BLOB_GOP, NULL);
		search(img, FW_BLOB_VBT, NULL);
		search(img, FW_BLOB_VBIOS, NULL);
		if (size >= 16) {
			struct guid g;
			memcpy(g.b, data, 16);
			search(img, FW_BLOB_GUID, &g);
		}
		fw_tree_print(devnull, fw_root(img));
		struct json j;
		json_init(&j, devnull, false);
		fw_tree_json(&j, NULL, fw_root(img));
		json_end(&j);
		fw_close(img);
	} else if (d.n == 0) {
		abort();
	}
	diag_free(&d);
	return 0;
}
