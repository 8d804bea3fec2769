/* make.c - igdkit rom make: board firmware in, checked igd.rom out, in one step
 *
 * rom_make() is the engine (see make.h); cmd_rom_make() reads the files, prints, and writes
 * the ROM only when its check calls it usable.
 */
#include "rom/make.h"
#include "rom/helpers.h"
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
	"usage: igdkit rom make IMAGE --device 8086:DEVID -o igd.rom [--uefi] [--efi EXTRA.efi]... [--compress] [--no-legacy] [--json]";

/* The extra EFI drivers (IgdAssignmentDxe, PlatformGopPolicy) a board firmware never has. */
#define MAX_EXTRA 8

enum rom_make_status rom_make(const uint8_t *image, size_t len, const struct rom_make_opts *o, struct rom_made *m,
			      struct diag *d)
{
	memset(m, 0, sizeof(*m));
	diag_init(&m->walk);
	m->gen = o->vendor == 0x8086 ? igd_gen_lookup(o->device) : (struct igd_gen){ 0, NULL };
	if (fw_open(image, len, &m->img, &m->walk) < 0) {
		diag_err(d, DIAG_NO_OFFSET, "%s", diag_last(&m->walk));
		return ROM_MAKE_BAD_IMAGE;
	}
	m->input_kind = fw_input_name(fw_input_kind(m->img));
	struct diag gd;
	diag_init(&gd);
	int found = fw_find_gop(m->img, o->device, &m->gop, &gd);
	if (found < 0)
		diag_err(d, DIAG_NO_OFFSET, "no Intel GOP driver for %04x:%04x: %s", o->vendor, o->device, diag_last(&gd));
	diag_free(&gd);
	if (found < 0)
		return ROM_MAKE_NO_GOP;
	if (m->gop.match == FW_MATCH_NO) {
		diag_err(d, DIAG_NO_OFFSET, "the GOP driver in this image does not list %04x:%04x", o->vendor, o->device);
		return ROM_MAKE_GOP_MISMATCH;
	}
	/* Intel ships a legacy VBIOS for Gen6-9 only; take it when the image has one for this device. */
	if (!o->no_legacy && !o->uefi && (m->gen.gen == 0 || m->gen.gen <= 9)) {
		struct diag vd;
		diag_init(&vd);
		if (fw_find_vbios(m->img, o->device, &m->vbios, &vd) == 0) {
			/* another id of the same platform is rewritten by optrom_build */
			if (m->vbios.match == FW_MATCH_NO && !igd_same_platform(m->vbios.device, o->device))
				m->vbios_skipped = "its PCIR names another device";
			else
				m->have_vbios = true;
		}
		diag_free(&vd);
	}
	/* igdkit's drivers know the generations of the id table only; an unknown id keeps the GOP alone. */
	m->helpers = !o->nextra && m->gen.gen >= 6 && (o->uefi || m->gen.gen >= 11 || !m->have_vbios);

	struct optrom_efi_input in[IGD_HELPERS + 1 + MAX_EXTRA];
	size_t nin = 0;
	if (m->helpers) {
		const struct igd_helper *h = igd_helpers();
		for (size_t i = 0; i < IGD_HELPERS; i++)
			in[nin++] = (struct optrom_efi_input){ h[i].name, h[i].data, h[i].len };
	}
	in[nin++] = (struct optrom_efi_input){ "GOP driver", m->gop.data, m->gop.len };
	for (size_t i = 0; i < o->nextra && i < MAX_EXTRA; i++)
		in[nin++] = o->extra[i];
	struct optrom_efi_opts eo = { .vendor = o->vendor, .device = o->device, .class_code = 0, .compress = o->compress };
	if (optrom_build(m->have_vbios ? m->vbios.data : NULL, m->have_vbios ? m->vbios.len : 0, in, nin, &eo, &m->rom,
			 d) < 0)
		return ROM_MAKE_BUILD_FAILED;
	m->built = true;

	struct rom_check_opts co = { true, o->vendor, o->device };
	if (rom_check_run(m->rom.data, m->rom.len, &co, &m->check) < 0)
		return ROM_MAKE_NO_MEMORY;
	m->usable = rom_check_usable(m->check);
	return ROM_MADE;
}

void rom_made_free(struct rom_made *m)
{
	rom_check_free(m->check);
	if (m->built)
		optrom_rom_free(&m->rom);
	if (m->img)
		fw_close(m->img);
	diag_free(&m->walk);
	memset(m, 0, sizeof(*m));
}

int rom_make_fail(const struct ctx *ctx, const char *image, enum rom_make_status st, const struct diag *d)
{
	switch (st) {
	case ROM_MADE:
		return EXIT_OK;
	case ROM_MAKE_BAD_IMAGE:
		return cmd_fail(ctx, EXIT_INPUT, "%s: %s", image, diag_last(d));
	case ROM_MAKE_NO_GOP:
	case ROM_MAKE_GOP_MISMATCH:
		return cmd_fail(ctx, EXIT_FINDINGS, "%s: %s", image, diag_last(d));
	case ROM_MAKE_BUILD_FAILED:
		cmd_print_diag(ctx, image, d);
		return cmd_fail(ctx, EXIT_FINDINGS, "could not build the ROM: %s", diag_last(d));
	case ROM_MAKE_NO_MEMORY:
		break;
	}
	return cmd_fail(ctx, EXIT_INTERNAL, "out of memory");
}

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

void rom_made_text(FILE *f, const char *image_name, const struct rom_made *m, const struct rom_make_opts *o)
{
	fprintf(f, "%s: %s\n", image_name, m->input_kind);
	blob_text(f, "GOP", &m->gop);
	if (m->have_vbios)
		blob_text(f, "Legacy VBIOS", &m->vbios);
	else if (o->uefi)
		fprintf(f, "Legacy VBIOS: left out (--uefi)\n");
	else if (m->vbios_skipped)
		fprintf(f, "Legacy VBIOS: found, not used: %s\n", m->vbios_skipped);
	else if (m->gen.gen >= 11)
		fprintf(f, "Legacy VBIOS: none (Gen%d has none)\n", m->gen.gen);
	else
		fprintf(f, "Legacy VBIOS: %s\n", o->no_legacy ? "left out (--no-legacy)" : "none in this image");
	if (m->helpers)
		fprintf(f, "IGD helpers: igdkit's IGD assignment and GOP policy drivers lead the chain (OVMF route)\n");
	if (m->have_vbios && m->rom.legacy.bdsm_cleared)
		fprintf(f, "Legacy VBIOS: cleared the host's cached stolen-memory base 0x%08x at 0x%x\n",
			m->rom.legacy.bdsm_value, m->rom.legacy.bdsm_offset);
}

/* Extra drivers carry what a board firmware lacks for OVMF; say what is still missing. */
static void advise_gen11(const struct ctx *ctx, const struct rom_made *p, const struct rom_check *c)
{
	if (p->gen.gen < 11 || ctx->json)
		return;
	bool opregion = c->roles & ROLE_OPREGION, policy = c->roles & ROLE_VBT_POLICY;
	if (opregion && policy)
		return;
	fprintf(ctx->out,
		"Note: %s (Gen%d) has no legacy VBIOS, so the guest needs OVMF, and OVMF needs an IGD assignment driver\n"
		"and a GOP policy driver in front of the GOP. The --efi drivers given replace igdkit's own; without --efi,\n"
		"rom make puts igdkit's in.%s%s\n",
		p->gen.platform, p->gen.gen, opregion ? "" : " (IGD assignment driver missing)",
		policy ? "" : " (GOP policy driver missing)");
}

int cmd_rom_make(struct ctx *ctx, int argc, char **argv)
{
	const char *device = NULL, *out = NULL;
	bool compress = false, no_legacy = false, uefi = false;
	struct opt_list efis = { 0 };
	const struct opt own[] = {
		{ "uefi", 0, OPT_BOOL, &uefi, NULL, "build the OVMF chain (igdkit's drivers + GOP) also for a Gen6-9 iGPU with a VBIOS" },
		{ "device", 0, OPT_STR, &device, "8086:DEVID", "the IGD's PCI id (required): picks the GOP/VBIOS and checks the ROM" },
		{ "output", 'o', OPT_STR, &out, "FILE", "where to write the ROM (required)" },
		{ "efi", 0, OPT_LIST, &efis, "EXTRA.efi", "add an EFI driver after the GOP (repeatable); replaces igdkit's own drivers" },
		{ "compress", 0, OPT_BOOL, &compress, NULL, "EFI-compress the drivers (as EfiRom -ec)" },
		{ "no-legacy", 0, OPT_BOOL, &no_legacy, NULL, "leave out the legacy VBIOS even if the image has one" },
		{ 0 },
	};
	struct opts_result res;
	struct rom_make_opts o = { 0 };
	struct rom_made m;
	struct file_buf fb = { 0 }, extra[MAX_EXTRA];
	struct optrom_efi_input in[MAX_EXTRA];
	size_t nextra = 0;
	struct diag d;
	char err[512];
	int rc;

	memset(&m, 0, sizeof(m));
	diag_init(&d);
	if ((rc = cmd_parse(ctx, synopsis, own, argc, argv, &res)) != CMD_PARSED) {
		free(efis.v);
		return rc;
	}
	if (res.npos != 1 || !device || !out) {
		rc = cmd_fail(ctx, EXIT_USAGE, "need IMAGE, --device and -o (%s)", synopsis + 7);
		goto out;
	}
	if (rom_parse_device_id(device, &o.vendor, &o.device) < 0) {
		rc = cmd_fail(ctx, EXIT_USAGE, "--device '%s': expected VENDOR:DEVICE in hex, e.g. 8086:9bc8", device);
		goto out;
	}
	if (efis.n > MAX_EXTRA) {
		rc = cmd_fail(ctx, EXIT_USAGE, "at most %d --efi drivers", MAX_EXTRA);
		goto out;
	}
	const char *image_path = res.pos[0];
	for (size_t i = 0; i < efis.n; i++) {
		if (file_read(efis.v[i], OPTROM_MAX_SIZE, &extra[i], err, sizeof(err)) < 0) {
			rc = cmd_fail(ctx, EXIT_INPUT, "%s", err);
			goto out;
		}
		in[i] = (struct optrom_efi_input){ efis.v[i], extra[i].data, extra[i].len };
		nextra++;
	}
	o.compress = compress;
	o.no_legacy = no_legacy;
	o.uefi = uefi;
	o.extra = in;
	o.nextra = nextra;
	if (file_read(image_path, FILE_MAX_FIRMWARE, &fb, err, sizeof(err)) < 0) {
		rc = cmd_fail(ctx, EXIT_INPUT, "%s", err);
		goto out;
	}
	cmd_progress(ctx, "walking %s ...", image_path);
	enum rom_make_status st = rom_make(fb.data, fb.len, &o, &m, &d);
	/* Findings of the walk (a bad checksum elsewhere in the image) do not stop the make. */
	if (st != ROM_MAKE_BAD_IMAGE && ctx->verbose)
		cmd_print_diag(ctx, image_path, &m.walk);
	if (st != ROM_MADE) {
		rc = rom_make_fail(ctx, image_path, st, &d);
		goto out;
	}
	const struct rom_check *c = m.check;
	bool written = false;
	struct diag wd;
	diag_init(&wd);
	if (m.usable)
		written = atomic_write(out, m.rom.data, m.rom.len, 0644, (uid_t)-1, (gid_t)-1, &wd) == 0;

	if (ctx->json) {
		struct json j;
		json_init(&j, ctx->out, true);
		json_obj(&j, NULL);
		json_str(&j, "input", image_path);
		json_str(&j, "input_kind", m.input_kind);
		blob_json(&j, "gop", &m.gop);
		if (m.have_vbios)
			blob_json(&j, "vbios", &m.vbios);
		else
			json_null(&j, "vbios");
		json_bool(&j, "igd_helpers", m.helpers);
		json_arr(&j, "extra_efi");
		for (size_t i = 0; i < nextra; i++)
			json_str(&j, NULL, in[i].name);
		json_arr_end(&j);
		json_bool(&j, "compressed", compress);
		json_str(&j, "output", out);
		json_uint(&j, "output_size", m.rom.len);
		json_bool(&j, "written", written);
		json_obj(&j, "check");
		rom_check_json(c, &j);
		json_obj_end(&j);
		json_obj_end(&j);
		json_end(&j);
	} else {
		rom_made_text(ctx->out, image_path, &m, &o);
		for (size_t i = 0; i < nextra; i++)
			fprintf(ctx->out, "Extra EFI driver: %s (%zu bytes)\n", in[i].name, in[i].len);
		fprintf(ctx->out, "\nChecking the new ROM (%zu bytes):\n", m.rom.len);
		rom_check_text(c, ctx->out);
		advise_gen11(ctx, &m, c);
	}
	if (!m.usable) {
		rc = cmd_fail(ctx, EXIT_FINDINGS, "the ROM did not pass its check; %s not written", out);
	} else if (!written) {
		cmd_print_diag(ctx, out, &wd);
		rc = cmd_fail(ctx, EXIT_WRITE, "%s: %s", out, diag_last(&wd));
	} else {
		if (!ctx->json)
			fprintf(ctx->out, "Wrote %s (%zu bytes)\n", out, m.rom.len);
		rc = EXIT_OK;
	}
	diag_free(&wd);

out:
	rom_made_free(&m);
	for (size_t i = 0; i < nextra; i++)
		file_buf_free(&extra[i]);
	file_buf_free(&fb);
	diag_free(&d);
	free(efis.v);
	opts_result_free(&res);
	return rc;
}
