/* make.c - igdkit rom make: board firmware in, checked igd.rom out, in one step
 *
 * fw_open() walks the image, fw_find_gop()/fw_find_vbios() pick the bodies for the device,
 * optrom_build() lays out [legacy VBIOS] + GOP + any --efi extras the way EfiRom does, and
 * the result goes through the same check as `igdkit rom check` before it is written. A ROM
 * the check calls unusable is not written.
 */
#include "rom/rom.h"

#include <stdlib.h>
#include <string.h>

#include "rom/check.h"
#include "rom/efirom.h"
#include "fw/fw.h"
#include "lib/atomic.h"
#include "lib/file.h"
#include "lib/json.h"

static const char synopsis[] =
	"usage: igdkit rom make IMAGE --device 8086:DEVID -o igd.rom [--efi EXTRA.efi]... [--compress] [--no-legacy] [--json]";

/* The extra EFI drivers (IgdAssignmentDxe, PlatformGopPolicy) a board firmware never has. */
#define MAX_EXTRA 8

struct make_plan {
	const char *image_path;
	uint16_t vendor, device;
	struct igd_gen gen;
	const char *input_kind;
	struct fw_blob gop;
	bool have_vbios;
	struct fw_blob vbios;
	const char *vbios_skipped;	/* why a VBIOS found in the image is not used */
	struct file_buf extra[MAX_EXTRA];
	const char *extra_name[MAX_EXTRA];
	size_t nextra;
	struct optrom_rom rom;
	bool built;
};

static void blob_json(struct json *j, const char *key, const struct fw_blob *b)
{
	char g[GUID_STR_LEN], where[64];
	json_obj(j, key);
	json_uint(j, "size", b->len);
	guid_fmt(&b->file_guid, g);
	json_str(j, "file_guid", b->file ? g : NULL);
	json_str(j, "ui_name", b->ui_name[0] ? b->ui_name : NULL);
	json_str(j, "version", b->version[0] ? b->version : NULL);
	where[0] = 0;
	if (b->section)
		fw_node_where(b->section, where, sizeof(where));
	else if (b->file)
		fw_node_where(b->file, where, sizeof(where));
	json_str(j, "where", where[0] ? where : NULL);
	json_str(j, "device_match", b->match == FW_MATCH_YES ? "yes" : b->match == FW_MATCH_NO ? "no" : "unknown");
	json_obj_end(j);
}

static void blob_text(FILE *f, const char *what, const struct fw_blob *b)
{
	char g[GUID_STR_LEN], where[64] = "";
	guid_fmt(&b->file_guid, g);
	if (b->section)
		fw_node_where(b->section, where, sizeof(where));
	else if (b->file)
		fw_node_where(b->file, where, sizeof(where));
	fprintf(f, "%s: %zu bytes at %s", what, b->len, where[0] ? where : "?");
	if (b->file)
		fprintf(f, ", file %s", g);
	if (b->ui_name[0])
		fprintf(f, " \"%s\"", b->ui_name);
	if (b->version[0])
		fprintf(f, ", %s", b->version);
	fprintf(f, "%s\n", b->match == FW_MATCH_YES ? ", supports the device" : b->match == FW_MATCH_NO ? ", does NOT list the device" : "");
}

static void plan_free(struct make_plan *p)
{
	for (size_t i = 0; i < p->nextra; i++)
		file_buf_free(&p->extra[i]);
	if (p->built)
		optrom_rom_free(&p->rom);
}

/* Extra drivers carry what a board firmware lacks for OVMF; say what is still missing. */
static void advise_gen11(const struct ctx *ctx, const struct make_plan *p, const struct rom_check *c)
{
	if (p->gen.gen < 11 || ctx->json)
		return;
	bool opregion = c->roles & ROLE_OPREGION, policy = c->roles & ROLE_VBT_POLICY;
	if (opregion && policy)
		return;
	fprintf(ctx->out,
		"Note: %s (Gen%d) has no legacy VBIOS, so the guest needs OVMF, and OVMF needs IgdAssignmentDxe and\n"
		"PlatformGopPolicy in the ROM; a board firmware does not contain them. Build them from VfioIgdPkg and add\n"
		"them with --efi IgdAssignmentDxe.efi --efi PlatformGopPolicy.efi.%s%s\n",
		p->gen.platform, p->gen.gen, opregion ? "" : " (IgdAssignmentDxe missing)",
		policy ? "" : " (PlatformGopPolicy missing)");
}

int cmd_rom_make(struct ctx *ctx, int argc, char **argv)
{
	const char *device = NULL, *out = NULL;
	bool compress = false, no_legacy = false;
	struct opt_list efis = { 0 };
	const struct opt own[] = {
		{ "device", 0, OPT_STR, &device, "8086:DEVID", "the IGD's PCI id (required): picks the GOP/VBIOS and checks the ROM" },
		{ "output", 'o', OPT_STR, &out, "FILE", "where to write the ROM (required)" },
		{ "efi", 0, OPT_LIST, &efis, "EXTRA.efi", "add an EFI driver after the GOP (repeatable): IgdAssignmentDxe, PlatformGopPolicy" },
		{ "compress", 0, OPT_BOOL, &compress, NULL, "EFI-compress the drivers (as EfiRom -ec)" },
		{ "no-legacy", 0, OPT_BOOL, &no_legacy, NULL, "leave out the legacy VBIOS even if the image has one" },
		{ 0 },
	};
	struct opts_result res;
	struct make_plan p;
	struct file_buf fb = { 0 };
	struct fw_image *img = NULL;
	struct rom_check *c = NULL;
	struct diag d;
	char err[512];
	int rc = EXIT_INTERNAL;

	memset(&p, 0, sizeof(p));
	diag_init(&d);
	if ((rc = cmd_parse(ctx, synopsis, own, argc, argv, &res)) != CMD_PARSED) {
		free(efis.v);
		return rc;
	}
	if (res.npos != 1 || !device || !out) {
		rc = cmd_fail(ctx, EXIT_USAGE, "need IMAGE, --device and -o (%s)", synopsis + 7);
		goto out;
	}
	if (rom_parse_device_id(device, &p.vendor, &p.device) < 0) {
		rc = cmd_fail(ctx, EXIT_USAGE, "--device '%s': expected VENDOR:DEVICE in hex, e.g. 8086:9bc8", device);
		goto out;
	}
	if (efis.n > MAX_EXTRA) {
		rc = cmd_fail(ctx, EXIT_USAGE, "at most %d --efi drivers", MAX_EXTRA);
		goto out;
	}
	p.image_path = res.pos[0];
	p.gen = p.vendor == 0x8086 ? igd_gen_lookup(p.device) : (struct igd_gen){ 0, NULL };

	for (size_t i = 0; i < efis.n; i++) {
		if (file_read(efis.v[i], OPTROM_MAX_SIZE, &p.extra[i], err, sizeof(err)) < 0) {
			rc = cmd_fail(ctx, EXIT_INPUT, "%s", err);
			goto out;
		}
		p.extra_name[i] = efis.v[i];
		p.nextra++;
	}
	if (file_read(p.image_path, FILE_MAX_FIRMWARE, &fb, err, sizeof(err)) < 0) {
		rc = cmd_fail(ctx, EXIT_INPUT, "%s", err);
		goto out;
	}
	cmd_progress(ctx, "walking %s ...", p.image_path);
	if (fw_open(fb.data, fb.len, &img, &d) < 0) {
		rc = cmd_fail(ctx, EXIT_INPUT, "%s: %s", p.image_path, diag_last(&d));
		goto out;
	}
	p.input_kind = fw_input_name(fw_input_kind(img));
	/* Findings of the walk (a bad checksum elsewhere in the image) do not stop the make. */
	if (ctx->verbose)
		cmd_print_diag(ctx, p.image_path, &d);
	diag_clear(&d);

	if (fw_find_gop(img, p.device, &p.gop, &d) < 0) {
		rc = cmd_fail(ctx, EXIT_FINDINGS, "%s: no Intel GOP driver for %04x:%04x: %s", p.image_path, p.vendor,
			      p.device, diag_last(&d));
		goto out;
	}
	if (p.gop.match == FW_MATCH_NO) {
		rc = cmd_fail(ctx, EXIT_FINDINGS, "%s: the GOP driver in this image does not list %04x:%04x", p.image_path,
			      p.vendor, p.device);
		goto out;
	}
	/* Intel ships a legacy VBIOS for Gen6-9 only; take it when the image has one for this device. */
	if (!no_legacy && (p.gen.gen == 0 || p.gen.gen <= 9)) {
		struct diag vd;
		diag_init(&vd);
		if (fw_find_vbios(img, p.device, &p.vbios, &vd) == 0) {
			if (p.vbios.match == FW_MATCH_NO)
				p.vbios_skipped = "its PCIR names another device";
			else
				p.have_vbios = true;
		}
		diag_free(&vd);
	}

	struct optrom_efi_input in[1 + MAX_EXTRA];
	size_t nin = 0;
	in[nin++] = (struct optrom_efi_input){ "GOP driver", p.gop.data, p.gop.len };
	for (size_t i = 0; i < p.nextra; i++)
		in[nin++] = (struct optrom_efi_input){ p.extra_name[i], p.extra[i].data, p.extra[i].len };
	struct optrom_efi_opts eo = { .vendor = p.vendor, .device = p.device, .class_code = 0, .compress = compress };
	if (optrom_build(p.have_vbios ? p.vbios.data : NULL, p.have_vbios ? p.vbios.len : 0, in, nin, &eo, &p.rom, &d) < 0) {
		cmd_print_diag(ctx, p.image_path, &d);
		rc = cmd_fail(ctx, EXIT_FINDINGS, "could not build the ROM: %s", diag_last(&d));
		goto out;
	}
	p.built = true;

	struct rom_check_opts co = { true, p.vendor, p.device };
	if (rom_check_run(p.rom.data, p.rom.len, &co, &c) < 0) {
		rc = cmd_fail(ctx, EXIT_INTERNAL, "out of memory");
		goto out;
	}
	bool usable = rom_check_usable(c);
	bool written = false;
	struct diag wd;
	diag_init(&wd);
	if (usable)
		written = atomic_write(out, p.rom.data, p.rom.len, 0644, (uid_t)-1, (gid_t)-1, &wd) == 0;

	if (ctx->json) {
		struct json j;
		json_init(&j, ctx->out, true);
		json_obj(&j, NULL);
		json_str(&j, "input", p.image_path);
		json_str(&j, "input_kind", p.input_kind);
		blob_json(&j, "gop", &p.gop);
		if (p.have_vbios)
			blob_json(&j, "vbios", &p.vbios);
		else
			json_null(&j, "vbios");
		json_arr(&j, "extra_efi");
		for (size_t i = 0; i < p.nextra; i++)
			json_str(&j, NULL, p.extra_name[i]);
		json_arr_end(&j);
		json_bool(&j, "compressed", compress);
		json_str(&j, "output", out);
		json_uint(&j, "output_size", p.rom.len);
		json_bool(&j, "written", written);
		json_obj(&j, "check");
		rom_check_json(c, &j);
		json_obj_end(&j);
		json_obj_end(&j);
		json_end(&j);
	} else {
		fprintf(ctx->out, "%s: %s\n", p.image_path, p.input_kind);
		blob_text(ctx->out, "GOP", &p.gop);
		if (p.have_vbios)
			blob_text(ctx->out, "Legacy VBIOS", &p.vbios);
		else if (p.vbios_skipped)
			fprintf(ctx->out, "Legacy VBIOS: found, not used: %s\n", p.vbios_skipped);
		else if (p.gen.gen >= 11)
			fprintf(ctx->out, "Legacy VBIOS: none (Gen%d has none)\n", p.gen.gen);
		else
			fprintf(ctx->out, "Legacy VBIOS: %s\n", no_legacy ? "left out (--no-legacy)" : "none in this image");
		for (size_t i = 0; i < p.nextra; i++)
			fprintf(ctx->out, "Extra EFI driver: %s (%zu bytes)\n", p.extra_name[i], p.extra[i].len);
		if (p.have_vbios && p.rom.legacy.bdsm_cleared)
			fprintf(ctx->out, "Legacy VBIOS: cleared the host's cached stolen-memory base 0x%08x at 0x%x\n",
				p.rom.legacy.bdsm_value, p.rom.legacy.bdsm_offset);
		fprintf(ctx->out, "\nChecking the new ROM (%zu bytes):\n", p.rom.len);
		rom_check_text(c, ctx->out);
		advise_gen11(ctx, &p, c);
	}
	if (!usable) {
		rc = cmd_fail(ctx, EXIT_FINDINGS, "the ROM did not pass its check; %s not written", out);
	} else if (!written) {
		cmd_print_diag(ctx, out, &wd);
		rc = cmd_fail(ctx, EXIT_WRITE, "%s: %s", out, diag_last(&wd));
	} else {
		if (!ctx->json)
			fprintf(ctx->out, "Wrote %s (%zu bytes)\n", out, p.rom.len);
		rc = EXIT_OK;
	}
	diag_free(&wd);

out:
	rom_check_free(c);
	if (img)
		fw_close(img);
	file_buf_free(&fb);
	plan_free(&p);
	diag_free(&d);
	free(efis.v);
	opts_result_free(&res);
	return rc;
}
