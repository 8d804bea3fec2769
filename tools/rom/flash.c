/* flash.c - igdkit rom flash: this machine's BIOS region, read from its SPI flash, saved to a file
 *
 * The other way to the board's own GOP and VBT when no vendor file is at hand: the result is an
 * image `igdkit fw list` and `igdkit rom make` read like a vendor SPI dump.
 */
#include "rom/rom.h"
#include "fw/fw.h"
#include "host/firmware_access.h"
#include "lib/atomic.h"
#include "lib/json.h"

static const char synopsis[] =
	"usage: igdkit rom flash -o FILE [--json]\n"
	"\n"
	"Reads the flash descriptor and the BIOS region of this machine's SPI flash through flashrom's\n"
	"internal programmer (read only; other regions are saved as 0xFF) and says what the image holds.\n"
	"Secure Boot's lockdown refuses the access; Debian's kernel also wants the stick's \"firmware\n"
	"access\" boot entry (iomem=relaxed). Then 'igdkit rom make FILE --device ...'.\n"
	"Exit status: 0 saved, 2 usage, 3 the flash could not be read here, 4 the file could not be written.";

int cmd_rom_flash(struct ctx *ctx, int argc, char **argv)
{
	const char *out = NULL;
	const struct opt own[] = {
		{ "output", 'o', OPT_STR, &out, "FILE", "where to write the image" },
		{ 0 },
	};
	int rc = cmd_parse_noargs(ctx, synopsis, own, argc, argv);
	if (rc != CMD_PARSED)
		return rc;
	if (!out)
		return cmd_fail(ctx, EXIT_USAGE, "say where to write the image with -o FILE");
	struct diag d;
	diag_init(&d);
	struct file_buf fb;
	cmd_progress(ctx, "reading the BIOS region of the flash (this takes a while) ...");
	if (host_flash_read_bios(&fb, &d) < 0) {
		rc = cmd_fail(ctx, EXIT_INPUT, "%s", diag_last(&d));
		diag_free(&d);
		return rc;
	}
	if (atomic_write(out, fb.data, fb.len, 0644, (uid_t)-1, (gid_t)-1, &d) < 0) {
		rc = cmd_fail(ctx, EXIT_WRITE, "%s: %s", out, diag_last(&d));
		file_buf_free(&fb);
		diag_free(&d);
		return rc;
	}
	struct fw_image *img = NULL;
	struct diag wd;
	diag_init(&wd);
	bool walked = fw_open(fb.data, fb.len, &img, &wd) == 0;
	if (ctx->json) {
		struct json j;
		json_init(&j, ctx->out, true);
		json_obj(&j, NULL);
		json_str(&j, "output", out);
		json_uint(&j, "size", fb.len);
		json_str(&j, "detected", walked ? fw_input_name(fw_input_kind(img)) : NULL);
		json_obj_end(&j);
		json_end(&j);
	} else {
		fprintf(ctx->out, "%s: %zu bytes from the flash, %s\n", out, fb.len,
			walked ? fw_input_name(fw_input_kind(img)) : "not an image igdkit can walk");
		if (walked)
			fw_blobs_print(ctx->out, img, 0, true);
	}
	fw_close(img);
	diag_free(&wd);
	file_buf_free(&fb);
	diag_free(&d);
	return EXIT_OK;
}
