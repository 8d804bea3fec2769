/* build.c - igdkit rom build: EFI drivers (and a legacy VBIOS) in, one PCI option ROM out
 *
 * Without --legacy the bytes are EDK2's `EfiRom -f VENDOR -i DEVICE -e|-ec [-l CLASS] FILE...`.
 * --igd-helpers puts igdkit's own IGD assignment and GOP policy drivers (embedded) in front of
 * the --efi files, each wrapped the same way.
 */
#include "rom/rom.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/atomic.h"
#include "lib/file.h"
#include "lib/json.h"
#include "lib/sha256.h"
#include "rom/check.h"
#include "rom/efirom.h"
#include "rom/helpers.h"

static const char synopsis[] =
	"usage: igdkit rom build [--igd-helpers] --efi GOP.efi [--efi MORE.efi ...] [--legacy VBIOS.rom]\n"
	"                        [--vendor 0x8086] --device 0xDEVID [--compress] [--class 0x030000]\n"
	"                        [--test-accept VID:DID] -o igd.rom [--json]";

static const char *machine_str(uint16_t m)
{
	return m == 0x8664 ? "x64" : m == 0x014c ? "ia32" : m == 0xaa64 ? "aarch64" : "unknown";
}

struct build_extra {
	bool helpers;
	bool test_accept;
	uint16_t test_vendor, test_device;
};

static void print_json(struct ctx *ctx, const char *out, const struct optrom_rom *rom, const char *sha,
		       const struct optrom_efi_opts *o, const char *legacy_path, const char *const *names,
		       const struct build_extra *x)
{
	struct json j;
	json_init(&j, ctx->out, true);
	json_obj(&j, NULL);
	json_str(&j, "output", out);
	json_uint(&j, "size", rom->len);
	json_str(&j, "sha256", sha);
	json_hex(&j, "vendor", o->vendor);
	json_hex(&j, "device", o->device);
	json_hex(&j, "class_code", o->class_code);
	json_bool(&j, "compressed", o->compress);
	json_bool(&j, "igd_helpers", x->helpers);
	if (x->test_accept) {
		char id[16];
		snprintf(id, sizeof(id), "%04x:%04x", x->test_vendor, x->test_device);
		json_str(&j, "test_accept", id);
	} else {
		json_null(&j, "test_accept");
	}
	json_arr(&j, "images");
	size_t efi_i = 0;
	for (size_t i = 0; i < rom->nimages; i++) {
		const struct optrom_image_info *im = &rom->images[i];
		json_obj(&j, NULL);
		json_uint(&j, "index", i);
		json_str(&j, "kind", im->kind == OPTROM_LEGACY ? "legacy" : "efi");
		json_str(&j, "input", im->kind == OPTROM_LEGACY ? legacy_path : names[efi_i++]);
		json_uint(&j, "offset", im->offset);
		json_uint(&j, "size", im->size);
		json_hex(&j, "vendor", im->vendor);
		json_hex(&j, "device", im->device);
		json_bool(&j, "last", im->last);
		if (im->kind == OPTROM_EFI) {
			json_uint(&j, "efi_offset", im->payload_offset);
			json_uint(&j, "stored_size", im->payload_size);
			json_uint(&j, "efi_size", im->efi_size);
			json_str(&j, "machine", machine_str(im->machine));
			json_uint(&j, "subsystem", im->subsystem);
			json_bool(&j, "compressed", im->compressed);
		} else {
			const struct optrom_legacy_fix *f = &rom->legacy;
			json_uint(&j, "init_size", f->init_len);
			json_bool(&j, "device_mismatch", f->device_mismatch);
			json_bool(&j, "last_flag_cleared", f->was_last);
			json_obj(&j, "saved_bdsm");
			json_bool(&j, "found", f->bdsm_slot_found);
			if (f->bdsm_slot_found) {
				json_uint(&j, "offset", f->bdsm_offset);
				json_hex(&j, "value", f->bdsm_value);
			}
			json_bool(&j, "cleared", f->bdsm_cleared);
			json_obj_end(&j);
			json_hex(&j, "checksum_byte_old", f->checksum_old);
			json_hex(&j, "checksum_byte_new", f->checksum_new);
		}
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
}

static void print_text(struct ctx *ctx, const char *out, const struct optrom_rom *rom, const char *sha,
		       const char *legacy_path, const char *const *names, const struct build_extra *x)
{
	size_t efi_i = 0;
	for (size_t i = 0; i < rom->nimages; i++) {
		const struct optrom_image_info *im = &rom->images[i];
		if (im->kind == OPTROM_LEGACY) {
			const struct optrom_legacy_fix *f = &rom->legacy;
			fprintf(ctx->out, "0x%06zx  legacy VBIOS %04x:%04x  %zu bytes  %s\n", im->offset, im->vendor,
				im->device, im->size, legacy_path);
			if (f->bdsm_cleared)
				fprintf(ctx->out, "          cleared the host's saved BDSM 0x%08x at 0x%x (shadow copy of a "
					"CSM-booted host)\n", f->bdsm_value, f->bdsm_offset);
			if (f->was_last)
				fprintf(ctx->out, "          cleared its last-image flag\n");
			fprintf(ctx->out, "          checksum byte 0x%02x -> 0x%02x\n", f->checksum_old, f->checksum_new);
		} else {
			fprintf(ctx->out, "0x%06zx  EFI %s %04x:%04x  %zu bytes (%s %zu of %zu)%s  %s\n", im->offset,
				machine_str(im->machine), im->vendor, im->device, im->size,
				im->compressed ? "compressed" : "image", im->payload_size, im->efi_size,
				im->last ? "  last" : "", names[efi_i]);
			efi_i++;
		}
	}
	if (x->test_accept)
		fprintf(ctx->out, "TEST ONLY: the IGD assignment driver also takes %04x:%04x at 00:02.0 for an IGD; "
			"never give this ROM to a real VM\n", x->test_vendor, x->test_device);
	fprintf(ctx->out, "wrote %zu bytes to %s\nsha256 %s\n", rom->len, out, sha);
}

static int parse_id(const char *s, unsigned long max, unsigned long *v)
{
	return s && opts_parse_ulong(s, 16, v) == 0 && *v <= max ? 0 : -1;
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	if (!strcmp(a, b))
		return true;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cmd_rom_build(struct ctx *ctx, int argc, char **argv)
{
	struct opt_list efis = { 0 };
	const char *legacy_path = NULL, *out = NULL, *vendor_s = "0x8086", *device_s = NULL, *class_s = NULL;
	const char *test_accept_s = NULL;
	bool compress = false, helpers = false;
	const struct opt own[] = {
		{ "igd-helpers", 0, OPT_BOOL, &helpers, NULL,
		  "put igdkit's IGD assignment and GOP policy drivers first (what an OVMF guest needs)" },
		{ "efi", 0, OPT_LIST, &efis, "FILE", "an EFI driver (PE32+); repeat to chain several, in order" },
		{ "legacy", 0, OPT_STR, &legacy_path, "FILE", "a legacy VGA BIOS (55AA, PCIR code type 0) to put first" },
		{ "vendor", 0, OPT_STR, &vendor_s, "0xVVVV", "PCI vendor ID for the PCIR (default 0x8086)" },
		{ "device", 0, OPT_STR, &device_s, "0xDDDD", "PCI device ID of the IGD, like 0x9bc8" },
		{ "compress", 0, OPT_BOOL, &compress, NULL, "EFI-compress the drivers (as EfiRom -ec)" },
		{ "class", 0, OPT_STR, &class_s, "0xCCCCCC", "PCI class code for the EFI images (EfiRom -l; default 000000)" },
		{ "output", 'o', OPT_STR, &out, "FILE", "the option ROM to write (replaced atomically)" },
		{ "test-accept", 0, OPT_STR, &test_accept_s, "VID:DID",
		  "TEST ONLY (QEMU): the assignment driver also takes this device at 00:02.0 for an IGD" },
		{ 0 },
	};
	struct build_extra x = { 0 };
	const char **names = NULL;
	uint8_t *patched = NULL;
	struct opts_result res;
	struct file_buf *inputs = NULL, legacy = { 0 };
	struct optrom_efi_input *in = NULL;
	struct optrom_rom rom = { 0 };
	struct diag d;
	int rc;
	size_t nin = 0;

	diag_init(&d);
	if ((rc = cmd_parse(ctx, synopsis, own, argc, argv, &res)) != CMD_PARSED) {
		free(efis.v);
		return rc;
	}
	unsigned long vendor, device, class_code = 0;
	if (res.npos) {
		rc = cmd_fail(ctx, EXIT_USAGE, "unexpected argument '%s' (inputs are given with --efi and --legacy)",
			      res.pos[0]);
		goto done;
	}
	if (!efis.n && !helpers) {
		rc = cmd_fail(ctx, EXIT_USAGE, "at least one --efi FILE (or --igd-helpers) is needed");
		goto done;
	}
	if (test_accept_s && !helpers) {
		rc = cmd_fail(ctx, EXIT_USAGE, "--test-accept changes igdkit's own assignment driver: it needs --igd-helpers");
		goto done;
	}
	if (test_accept_s) {
		if (rom_parse_device_id(test_accept_s, &x.test_vendor, &x.test_device) < 0 ||
		    (!x.test_vendor && !x.test_device)) {
			rc = cmd_fail(ctx, EXIT_USAGE, "--test-accept '%s': expected VID:DID in hex, e.g. 8086:100e",
				      test_accept_s);
			goto done;
		}
		x.test_accept = true;
	}
	x.helpers = helpers;
	if (!out) {
		rc = cmd_fail(ctx, EXIT_USAGE, "say where to write the ROM with -o FILE");
		goto done;
	}
	if (!device_s) {
		rc = cmd_fail(ctx, EXIT_USAGE, "--device 0xDEVID is needed (the IGD's PCI device ID, see lspci -nn)");
		goto done;
	}
	if (parse_id(vendor_s, 0xffff, &vendor) < 0 || parse_id(device_s, 0xffff, &device) < 0) {
		rc = cmd_fail(ctx, EXIT_USAGE, "--vendor/--device take a 16-bit hex ID like 0x8086 or 9bc8");
		goto done;
	}
	if (class_s && parse_id(class_s, 0xffffff, &class_code) < 0) {
		rc = cmd_fail(ctx, EXIT_USAGE, "--class takes a 24-bit hex class code like 0x030000");
		goto done;
	}
	for (size_t i = 0; i < efis.n; i++) {
		if (same_file(efis.v[i], out)) {
			rc = cmd_fail(ctx, EXIT_USAGE, "the output %s is also an input", out);
			goto done;
		}
	}
	if (legacy_path && same_file(legacy_path, out)) {
		rc = cmd_fail(ctx, EXIT_USAGE, "the output %s is also an input", out);
		goto done;
	}

	inputs = calloc(efis.n + 1, sizeof(*inputs));
	in = calloc(efis.n + IGD_HELPERS, sizeof(*in));
	names = calloc(efis.n + IGD_HELPERS, sizeof(*names));
	if (!inputs || !in || !names) {
		rc = cmd_fail(ctx, EXIT_INTERNAL, "out of memory");
		goto done;
	}
	if (helpers) {
		const struct igd_helper *h = igd_helpers();
		for (size_t i = 0; i < IGD_HELPERS; i++) {
			names[nin] = h[i].name;
			in[nin++] = (struct optrom_efi_input){ h[i].name, h[i].data, h[i].len };
		}
		if (x.test_accept) {
			patched = malloc(h[0].len);
			if (!patched) {
				rc = cmd_fail(ctx, EXIT_INTERNAL, "out of memory");
				goto done;
			}
			memcpy(patched, h[0].data, h[0].len);
			if (igd_helper_set_test_accept(patched, h[0].len, x.test_vendor, x.test_device) < 0) {
				rc = cmd_fail(ctx, EXIT_INTERNAL, "the embedded assignment driver has no test-accept record");
				goto done;
			}
			in[0].data = patched;
		}
	}
	char err[600];
	for (size_t i = 0; i < efis.n; i++) {
		if (file_read(efis.v[i], OPTROM_MAX_SIZE, &inputs[i], err, sizeof(err)) < 0) {
			rc = cmd_fail(ctx, EXIT_INPUT, "%s", err);
			goto done;
		}
		names[nin] = efis.v[i];
		in[nin++] = (struct optrom_efi_input){ efis.v[i], inputs[i].data, inputs[i].len };
		struct optrom_pe pe;
		struct diag pd;
		diag_init(&pd);
		if (optrom_pe_check(inputs[i].data, inputs[i].len, 0, &pe, &pd) < 0) {
			cmd_print_diag(ctx, efis.v[i], &pd);
			diag_free(&pd);
			rc = cmd_fail(ctx, EXIT_INPUT, "%s is not an EFI driver an option ROM can carry", efis.v[i]);
			goto done;
		}
		diag_free(&pd);
	}
	if (legacy_path && file_read(legacy_path, OPTROM_MAX_SIZE, &legacy, err, sizeof(err)) < 0) {
		rc = cmd_fail(ctx, EXIT_INPUT, "%s", err);
		goto done;
	}

	struct optrom_efi_opts o = {
		.vendor = (uint16_t)vendor, .device = (uint16_t)device,
		.class_code = (uint32_t)class_code, .compress = compress,
	};
	if (compress)
		cmd_progress(ctx, "compressing %zu EFI image%s", nin, nin > 1 ? "s" : "");
	if (optrom_build(legacy_path ? legacy.data : NULL, legacy.len, in, nin, &o, &rom, &d) < 0) {
		bool about_legacy = legacy_path && d.n && !strncmp(d.v[0].msg, "legacy ROM", 10);
		cmd_print_diag(ctx, about_legacy ? legacy_path : "rom build", &d);
		rc = cmd_fail(ctx, EXIT_INPUT, "no ROM written");
		goto done;
	}
	if (d.n)
		cmd_print_diag(ctx, legacy_path ? legacy_path : "rom build", &d);

	char sha[65];
	if (sha256_buf_hex(rom.data, rom.len, sha) < 0) {
		rc = cmd_fail(ctx, EXIT_INTERNAL, "sha256 through libcrypto failed");
		goto done;
	}
	/* A half-written ROM is worse than none (QEMU would load it): temp file, fsync, rename. */
	struct diag wd;
	diag_init(&wd);
	if (atomic_write(out, rom.data, rom.len, 0644, (uid_t)-1, (gid_t)-1, &wd) < 0) {
		rc = cmd_fail(ctx, EXIT_WRITE, "%s (nothing was replaced)", diag_last(&wd));
		diag_free(&wd);
		goto done;
	}
	diag_free(&wd);
	if (ctx->json)
		print_json(ctx, out, &rom, sha, &o, legacy_path, names, &x);
	else
		print_text(ctx, out, &rom, sha, legacy_path, names, &x);
	rc = EXIT_OK;
done:
	if (inputs)
		for (size_t i = 0; i < efis.n; i++)
			file_buf_free(&inputs[i]);
	free(inputs);
	free(in);
	free(names);
	free(patched);
	file_buf_free(&legacy);
	optrom_rom_free(&rom);
	diag_free(&d);
	free(efis.v);
	opts_result_free(&res);
	return rc;
}
