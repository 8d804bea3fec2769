/* vbios.c - igdkit rom vbios: the legacy VBIOS this machine's BIOS shadowed, saved to a file
 *
 * On a CSM (legacy) boot the BIOS copies the iGPU's VBIOS to 0xC0000 and runs it; the kernel shows
 * that copy as 00:02.0's sysfs `rom` (an iGPU has no ROM BAR of its own; another device's `rom` is
 * its ROM BAR). It is the one VBIOS known to drive this board's outputs, so it is a source for
 * `rom build --legacy` when no vendor file is at hand.
 */
#include "rom/rom.h"
#include "rom/fit.h"
#include "host/firmware_access.h"
#include "lib/atomic.h"
#include "lib/json.h"

#include <string.h>

static const char synopsis[] =
	"usage: igdkit rom vbios -o FILE [--bdf 0000:00:02.0] [--json]\n"
	"\n"
	"Saves the legacy VBIOS the BIOS shadowed for the iGPU (its sysfs rom): only a legacy/CSM boot\n"
	"has one. Check it with 'igdkit rom check FILE'; build an igd.rom from it with 'rom build --legacy'.\n"
	"Exit status: 0 saved, 2 usage, 3 no shadowed VBIOS here, 4 the file could not be written.";

int cmd_rom_vbios(struct ctx *ctx, int argc, char **argv)
{
	const char *out = NULL, *bdf = "0000:00:02.0";
	const struct opt own[] = {
		{ "output", 'o', OPT_STR, &out, "FILE", "where to write the VBIOS" },
		{ "bdf", 0, OPT_STR, &bdf, "DDDD:BB:DD.F", "the PCI function whose ROM to read (default 0000:00:02.0)" },
		{ 0 },
	};
	int rc = cmd_parse_noargs(ctx, synopsis, own, argc, argv);
	if (rc != CMD_PARSED)
		return rc;
	if (!out)
		return cmd_fail(ctx, EXIT_USAGE, "say where to write the VBIOS with -o FILE");
	if (strlen(bdf) != 12 || bdf[4] != ':' || bdf[7] != ':' || bdf[10] != '.' || strchr(bdf, '/'))
		return cmd_fail(ctx, EXIT_USAGE, "--bdf '%s': expected a PCI address like 0000:00:02.0", bdf);
	struct diag d;
	diag_init(&d);
	struct file_buf fb;
	if (host_read_pci_rom(bdf, &fb, &d) < 0) {
		rc = cmd_fail(ctx, EXIT_INPUT, "%s", diag_last(&d));
		diag_free(&d);
		return rc;
	}
	struct rom_summary rs;
	bool summarized = rom_summarize(fb.data, fb.len, &rs, &d) == 0;
	if (atomic_write(out, fb.data, fb.len, 0644, (uid_t)-1, (gid_t)-1, &d) < 0) {
		rc = cmd_fail(ctx, EXIT_WRITE, "%s: %s", out, diag_last(&d));
		file_buf_free(&fb);
		diag_free(&d);
		return rc;
	}
	if (ctx->json) {
		struct json j;
		json_init(&j, ctx->out, true);
		json_obj(&j, NULL);
		json_str(&j, "bdf", bdf);
		json_str(&j, "output", out);
		json_uint(&j, "size", fb.len);
		if (summarized && rs.has_legacy) {
			json_hex(&j, "vendor", rs.legacy_pcir.vendor);
			json_hex(&j, "device", rs.legacy_pcir.device);
		} else {
			json_null(&j, "vendor");
			json_null(&j, "device");
		}
		json_obj_end(&j);
		json_end(&j);
	} else if (summarized && rs.has_legacy) {
		fprintf(ctx->out, "%s: the ROM of %s as the kernel shows it, %zu bytes, x86 image for PCIR %04x:%04x\n", out, bdf,
			fb.len, rs.legacy_pcir.vendor, rs.legacy_pcir.device);
	} else {
		fprintf(ctx->out, "%s: the ROM of %s as the kernel shows it, %zu bytes, no x86 image in it (check it with "
				  "'igdkit rom check')\n", out, bdf, fb.len);
	}
	file_buf_free(&fb);
	diag_free(&d);
	return EXIT_OK;
}
