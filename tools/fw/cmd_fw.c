/* cmd_fw.c - igdkit fw list|extract: the command layer over fw.h (the only place that prints) */
#include "fw/cmd_fw.h"
#include "fw/fw.h"
#include "fw/setup.h"
#include "fw/tree.h"
#include "lib/atomic.h"
#include "lib/file.h"
#include "lib/json.h"

#include <stdlib.h>
#include <string.h>

static const char synopsis[] =
	"usage: igdkit fw list IMAGE [--json]\n"
	"       igdkit fw extract IMAGE --gop|--vbt|--vbios|--guid GUID [-o OUT] [--device 8086:DEVID]\n"
	"       igdkit fw setup FILE [--find] [--json]\n"
	"\n"
	"Walks a firmware image (SPI flash with descriptor, BIOS region, UEFI/FMP/AMI capsule,\n"
	"firmware volume or FFS file): 'list' prints every region, volume, file and section with\n"
	"its findings; 'extract' writes the Intel GOP driver (PE32 body), the VBT, the legacy VBIOS\n"
	"or any file's body; 'setup' lists the BIOS Setup questions (HII forms) with their variable,\n"
	"offset, options and defaults ('--find': only those that matter for IGD passthrough).";

#define MAX_LIST 16

static const char *blob_kind_key(enum fw_blob_kind k)
{
	switch (k) {
	case FW_BLOB_GOP: return "gop";
	case FW_BLOB_VBT: return "vbt";
	case FW_BLOB_VBIOS: return "vbios";
	case FW_BLOB_GUID: return "guid";
	}
	return "?";
}

static void json_blob(struct json *j, const struct fw_blob *b, bool device)
{
	char g[GUID_STR_LEN], where[128];
	json_obj(j, NULL);
	fw_blob_where(b, where, sizeof(where));
	json_str(j, "offset", where);
	json_uint(j, "size", b->len);
	if (b->file) {
		guid_fmt(&b->file_guid, g);
		json_str(j, "file_guid", g);
		json_str(j, "ui_name", b->ui_name[0] ? b->ui_name : NULL);
	}
	json_str(j, "version", b->version[0] ? b->version : NULL);
	if (b->kind == FW_BLOB_VBIOS) {
		json_hex(j, "vendor", b->vendor);
		json_hex(j, "device", b->device);
	}
	if (device)
		json_str(j, "serves_device", fw_match_name(b->match));
	json_obj_end(j);
}

static int parse_device(const char *s, uint16_t *dev)
{
	unsigned long v;
	const char *colon = strchr(s, ':');
	if (colon) {
		char vendor[16];
		size_t n = (size_t)(colon - s);
		if (n >= sizeof(vendor))
			return -1;
		memcpy(vendor, s, n);
		vendor[n] = 0;
		if (opts_parse_ulong(vendor, 16, &v) < 0 || v != 0x8086)
			return -1;
		s = colon + 1;
	}
	if (opts_parse_ulong(s, 16, &v) < 0 || v == 0 || v > 0xFFFF)
		return -1;
	*dev = (uint16_t)v;
	return 0;
}

static int open_image(struct ctx *ctx, const char *path, struct file_buf *fb, struct fw_image **img, struct diag *d)
{
	char err[512];
	if (file_read(path, FILE_MAX_FIRMWARE, fb, err, sizeof(err)) < 0)
		return cmd_fail(ctx, EXIT_INPUT, "%s", err);
	if (fw_open(fb->data, fb->len, img, d) < 0) {
		char msg[DIAG_MSG_MAX + 32] = "cannot walk the image";
		if (d->n)
			diag_format(&d->v[d->n - 1], msg, sizeof(msg));
		file_buf_free(fb);
		return cmd_fail(ctx, EXIT_INPUT, "%s: %s", path, msg);
	}
	return 0;
}

static int fw_list(struct ctx *ctx, const char *path)
{
	struct diag d;
	struct file_buf fb;
	struct fw_image *img;
	diag_init(&d);
	int rc = open_image(ctx, path, &fb, &img, &d);
	if (rc) {
		diag_free(&d);
		return rc;
	}
	static const enum fw_blob_kind kinds[] = { FW_BLOB_GOP, FW_BLOB_VBT, FW_BLOB_VBIOS };
	struct fw_blob c[MAX_LIST];
	size_t findings = fw_tree_count_findings(fw_root(img));
	if (ctx->json) {
		struct json j;
		json_init(&j, ctx->out, true);
		json_obj(&j, NULL);
		json_str(&j, "input", path);
		json_uint(&j, "size", fb.len);
		json_str(&j, "detected", fw_input_name(fw_input_kind(img)));
		json_uint(&j, "nodes", fw_node_count(img));
		json_uint(&j, "inflated_bytes", fw_inflated_bytes(img));
		json_uint(&j, "findings", findings);
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			size_t n = fw_candidates(img, kinds[k], NULL, 0, c, MAX_LIST);
			json_arr(&j, blob_kind_key(kinds[k]));
			for (size_t i = 0; i < n && i < MAX_LIST; i++)
				json_blob(&j, &c[i], false);
			json_arr_end(&j);
		}
		fw_tree_json(&j, "tree", fw_root(img));
		json_obj_end(&j);
		json_end(&j);
	} else {
		fprintf(ctx->out, "%s: %s, %zu bytes, %zu nodes, %zu bytes inflated, %zu findings\n", path,
			fw_input_name(fw_input_kind(img)), fb.len, fw_node_count(img), fw_inflated_bytes(img), findings);
		fw_tree_print(ctx->out, fw_root(img));
		fw_blobs_print(ctx->out, img, 0, false);
	}
	fw_close(img);
	file_buf_free(&fb);
	diag_free(&d);
	return findings ? EXIT_FINDINGS : EXIT_OK;
}

static int fw_extract(struct ctx *ctx, const char *path, enum fw_blob_kind kind, const struct guid *guid,
		      uint16_t device, const char *outpath)
{
	struct diag d;
	struct file_buf fb;
	struct fw_image *img;
	diag_init(&d);
	int rc = open_image(ctx, path, &fb, &img, &d);
	if (rc) {
		diag_free(&d);
		return rc;
	}
	struct fw_blob b, c[MAX_LIST];
	size_t n = fw_candidates(img, kind, guid, device, c, MAX_LIST);
	if (n > 1 && !ctx->json)
		for (size_t i = 0; i < n && i < MAX_LIST; i++)
			fw_blob_print(stderr, "candidate", &c[i], device != 0);
	struct diag fd;
	diag_init(&fd);
	if (fw_find(img, kind, guid, device, &b, &fd) < 0) {
		rc = cmd_fail(ctx, n ? EXIT_USAGE : EXIT_FINDINGS, "%s: %s", path, diag_last(&fd));
		goto out;
	}
	for (size_t i = 0; i < fd.n; i++)
		cmd_warn(ctx, "%s: %s", path, fd.v[i].msg);
	char def[64];
	if (!outpath) {
		char g[GUID_STR_LEN];
		guid_fmt(&b.file_guid, g);
		snprintf(def, sizeof(def), "%s", kind == FW_BLOB_GOP ? "IntelGopDriver.efi" : kind == FW_BLOB_VBT ? "vbt.bin"
						 : kind == FW_BLOB_VBIOS ? "vbios.rom" : g);
		if (kind == FW_BLOB_GUID)
			strcat(def, ".bin");
		outpath = def;
	}
	struct diag wd;
	diag_init(&wd);
	if (atomic_write(outpath, b.data, b.len, 0644, (uid_t)-1, (gid_t)-1, &wd) < 0) {
		rc = cmd_fail(ctx, EXIT_WRITE, "%s", diag_last(&wd));
		diag_free(&wd);
		goto out;
	}
	diag_free(&wd);
	if (ctx->json) {
		struct json j;
		json_init(&j, ctx->out, true);
		json_obj(&j, NULL);
		json_str(&j, "input", path);
		json_str(&j, "detected", fw_input_name(fw_input_kind(img)));
		json_str(&j, "kind", blob_kind_key(kind));
		json_str(&j, "output", outpath);
		json_arr(&j, "chosen");
		json_blob(&j, &b, device != 0);
		json_arr_end(&j);
		json_arr(&j, "candidates");
		for (size_t i = 0; i < n && i < MAX_LIST; i++)
			json_blob(&j, &c[i], device != 0);
		json_arr_end(&j);
		json_obj_end(&j);
		json_end(&j);
	} else {
		fprintf(ctx->out, "%s: %s\n", path, fw_input_name(fw_input_kind(img)));
		fw_blob_print(ctx->out, kind == FW_BLOB_GOP ? "GOP" : kind == FW_BLOB_VBT ? "VBT" : kind == FW_BLOB_VBIOS ? "VBIOS" : "file",
			   &b, device != 0);
		if (kind == FW_BLOB_GOP)
			fprintf(ctx->out, "GOP version: %s\n", b.version[0] ? b.version : "no version string found");
		fprintf(ctx->out, "wrote %zu bytes to %s\n", b.len, outpath);
	}
	rc = EXIT_OK;
out:
	diag_free(&fd);
	fw_close(img);
	file_buf_free(&fb);
	diag_free(&d);
	return rc;
}

int cmd_fw(struct ctx *ctx, int argc, char **argv)
{
	bool gop = false, vbt = false, vbios = false, find = false;
	const char *guid_s = NULL, *out = NULL, *device_s = NULL;
	const struct opt own[] = {
		{ "gop", 0, OPT_BOOL, &gop, NULL, "extract: the Intel GOP driver (PE32 body)" },
		{ "vbt", 0, OPT_BOOL, &vbt, NULL, "extract: the Video BIOS Table" },
		{ "vbios", 0, OPT_BOOL, &vbios, NULL, "extract: the legacy VGA BIOS (55AA image, PCIR 8086 class 03)" },
		{ "guid", 0, OPT_STR, &guid_s, "GUID", "extract: the file with this GUID (its PE32, TE or raw body)" },
		{ "output", 'o', OPT_STR, &out, "OUT", "write here (default IntelGopDriver.efi, vbt.bin, vbios.rom, GUID.bin)" },
		{ "device", 0, OPT_STR, &device_s, "8086:DEVID", "choose among several candidates by the IGD's PCI device ID" },
		{ "find", 0, OPT_BOOL, &find, NULL, "setup: only the questions for passthrough (VT-d, CSM, primary display, ...)" },
		{ 0 },
	};
	struct opts_result res;
	int rc = cmd_parse(ctx, synopsis, own, argc, argv, &res);
	if (rc != CMD_PARSED)
		return rc;
	if (res.npos < 1) {
		rc = cmd_fail(ctx, EXIT_USAGE, "say 'list IMAGE', 'extract IMAGE --gop|--vbt|--vbios|--guid GUID' or 'setup FILE'");
		goto done;
	}
	const char *verb = res.pos[0];
	if (strcmp(verb, "list") && strcmp(verb, "extract") && strcmp(verb, "setup")) {
		rc = cmd_fail(ctx, EXIT_USAGE, "'%s' is not a fw subcommand (list, extract, setup)", verb);
		goto done;
	}
	if (res.npos != 2) {
		rc = cmd_fail(ctx, EXIT_USAGE, "fw %s takes exactly one IMAGE", verb);
		goto done;
	}
	static char name[16];
	snprintf(name, sizeof(name), "fw %s", verb);
	ctx->cmd = name;
	if (!strcmp(verb, "list")) {
		rc = fw_list(ctx, res.pos[1]);
		goto done;
	}
	if (!strcmp(verb, "setup")) {
		rc = fw_setup_cmd(ctx, res.pos[1], find);
		goto done;
	}
	int nkinds = gop + vbt + vbios + (guid_s != NULL);
	if (nkinds != 1) {
		rc = cmd_fail(ctx, EXIT_USAGE, "fw extract needs exactly one of --gop, --vbt, --vbios, --guid GUID");
		goto done;
	}
	struct guid g;
	if (guid_s && guid_parse(guid_s, &g) < 0) {
		rc = cmd_fail(ctx, EXIT_USAGE, "--guid '%s' is not a GUID (like 1647B4F3-3E8A-4FDD-81C8-328ED647AB1A)", guid_s);
		goto done;
	}
	uint16_t device = 0;
	if (device_s && parse_device(device_s, &device) < 0) {
		rc = cmd_fail(ctx, EXIT_USAGE, "--device '%s' is not 8086:DEVID (an Intel PCI device ID, like 8086:9bc8)", device_s);
		goto done;
	}
	rc = fw_extract(ctx, res.pos[1], gop ? FW_BLOB_GOP : vbt ? FW_BLOB_VBT : vbios ? FW_BLOB_VBIOS : FW_BLOB_GUID,
			guid_s ? &g : NULL, device, out);
done:
	opts_result_free(&res);
	return rc;
}
