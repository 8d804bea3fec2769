/* tests for tools/fw/tree.c: where nodes say they are, findings inside inflated data, rendering */
#include "helpers.h"
#include "fw/fw.h"
#include "fw/tree.h"
#include "fwbuild.h"

#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t lzma_guid[16] = { 0x98, 0x58, 0x4E, 0xEE, 0x14, 0x39, 0x59, 0x42, 0x9D, 0x6E, 0xDC, 0x7B, 0xD7, 0x94, 0x03, 0xCF };
static const uint8_t name_a[16] = { 0xA0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

/* volume { file { LZMA section { raw section "ok", raw section claiming 0x100 bytes it does not have } } } */
static void build(struct tbuf *v)
{
	struct tbuf inner = { 0 }, packed = { 0 }, secs = { 0 }, files = { 0 };
	tb_section(&inner, 0x19, "ok", 2);
	tb_align(&inner, 4, 0);
	tb_u24(&inner, 0x100);
	tb_u8(&inner, 0x19);
	tb_put(&inner, "short", 5);
	lzma_options_lzma opt;
	assert_false(lzma_lzma_preset(&opt, 1));
	lzma_filter f[2] = { { .id = LZMA_FILTER_LZMA1, .options = &opt }, { .id = LZMA_VLI_UNKNOWN, .options = NULL } };
	uint8_t props[5], buf[4096];
	size_t pos = 0;
	assert_int_equal(lzma_properties_encode(&f[0], props), LZMA_OK);
	assert_int_equal(lzma_raw_buffer_encode(f, NULL, inner.p, inner.len, buf, &pos, sizeof(buf)), LZMA_OK);
	tb_put(&packed, props, 5);
	tb_u64(&packed, inner.len);
	tb_put(&packed, buf, pos);
	tb_section_guided(&secs, lzma_guid, 0x01, NULL, 0, packed.p, packed.len);
	tb_ffs(&files, name_a, 0x02, secs.p, secs.len, 1);
	memset(v, 0, sizeof(*v));
	tb_volume(v, 0x1000, &files);
	tb_free(&inner);
	tb_free(&packed);
	tb_free(&secs);
	tb_free(&files);
}

static void test_findings_inside_inflated_data(void **state)
{
	(void)state;
	struct tbuf v;
	build(&v);
	struct diag d;
	struct fw_image *img;
	diag_init(&d);
	assert_int_equal(fw_open(v.p, v.len, &img, &d), 0);
	/* LZMA section at 0x48 + 24: the error inside its data names that section, then the place inside */
	const uint64_t lz = 0x48 + 24;
	assert_int_equal(d.errors, 1);
	assert_int_equal(d.v[0].off, lz);
	assert_non_null(strstr(d.v[0].msg, "inflated +0x8: section of 0x100 bytes overruns its parent"));
	/* in the tree: the sections inside carry block offsets and say where they are */
	const struct fw_node *sec = fw_root(img)->first->first->first;
	assert_int_equal(sec->off, lz);
	assert_int_equal(sec->comp, FW_COMP_LZMA);
	const struct fw_node *bad = sec->first->next;
	assert_non_null(bad->stream);
	assert_int_equal(bad->off, 8);
	char where[64];
	fw_node_where(bad, where, sizeof(where));
	assert_string_equal(where, "0x60+0x8");
	assert_int_equal(bad->findings->off, 8);
	assert_int_equal(fw_tree_count_findings(fw_root(img)), 1);
	/* text: one line per node, the finding below its node with the block offset */
	char *text = NULL;
	size_t tlen = 0;
	FILE *f = open_memstream(&text, &tlen);
	fw_tree_print(f, fw_root(img));
	fclose(f);
	assert_non_null(strstr(text, "        0x60+0x8   section  raw  size 0x9\n          ! error: +0x8: section of 0x100 bytes"));
	free(text);
	/* JSON: parsed by python, not by igdkit */
	char *js = NULL;
	size_t jlen = 0;
	f = open_memstream(&js, &jlen);
	struct json j;
	json_init(&j, f, false);
	fw_tree_json(&j, NULL, fw_root(img));
	json_end(&j);
	fclose(f);
	char *dir = make_tmpdir(), path[600];
	snprintf(path, sizeof(path), "%s/t.json", dir);
	write_file(path, js, jlen);
	assert_cmd_prints("LZMA LZMA 0x60+0x8 True 0x8\n",
		 "python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); s=t[\"children\"][0][\"children\"][0][\"children\"][0]; "
		 "b=s[\"children\"][1]; print(s[\"compression\"], s[\"guid_name\"], b[\"offset\"], b[\"inflated\"], b[\"findings\"][0][\"offset\"])' %s",
		 path);
	rm_tmpdir(dir);
	free(js);
	fw_close(img);
	diag_free(&d);
	tb_free(&v);
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(fw_file_type_name(0x07), "DXE driver");
	assert_string_equal(fw_file_type_name(0xF0), "pad");
	assert_string_equal(fw_section_type_name(0x17), "volume image");
	assert_string_equal(fw_section_type_name(0x42), "unknown");
	assert_string_equal(fw_region_name(2), "ME");
	assert_string_equal(fw_file_state_name(0x07), "valid");
	assert_string_equal(fw_file_state_name(0x03), "header only");
	assert_string_equal(fw_file_state_name(0x1F), "deleted");
	const struct guid ffs2 = GUID_INIT(0x8C8CE578, 0x8A3D, 0x4F1C, 0x99, 0x35, 0x89, 0x61, 0x85, 0xC3, 0x2D, 0xD3);
	assert_string_equal(fw_guid_name(&ffs2), "FFSv2");
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_findings_inside_inflated_data), cmocka_unit_test(test_names))
