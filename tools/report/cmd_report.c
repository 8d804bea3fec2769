/* cmd_report.c - igdkit report: check this machine, gather the stick's findings and logs, mask,
 * write one text file (the menu's Report entry does the same through forum.h) */
#include "report/cmd_report.h"

#include <stdlib.h>
#include <string.h>

#include "lib/atomic.h"
#include "lib/json.h"
#include "report/check_report.h"
#include "report/forum.h"

static const char synopsis[] =
	"usage: igdkit report [-o FILE] [--root DIR] [--pci-dump FILE] [--json]\n"
	"\n"
	"One text file to paste into a forum post: igdkit check's report of this machine, then from the\n"
	"stick (IGDKIT_STICK) the newest firmware/ROM findings, plan and diff, install manifest, the\n"
	"menu's log, the last autorun and the kernel's messages about the iGPU and IOMMU. Serial\n"
	"numbers, MAC addresses and UUIDs are masked. Saved as $IGDKIT_STICK/igdkit-report-<UTC time>.txt\n"
	"unless -o says where (-o - prints it); without a stick and -o it is printed.\n"
	"Exit status: 0 written, 2 usage, 4 the file could not be written, 5 internal.";

int cmd_report(struct ctx *ctx, int argc, char **argv)
{
	const char *out = NULL;
	const struct opt own[] = {
		{ "output", 'o', OPT_STR, &out, "FILE", "write the report here (- for stdout)" },
		{ 0 },
	};
	int rc = cmd_parse_noargs(ctx, synopsis, own, argc, argv);
	if (rc != CMD_PARSED)
		return rc;
	const char *stick = getenv("IGDKIT_STICK");
	if (stick && !*stick)
		stick = NULL;

	struct diag d;
	diag_init(&d);
	struct check_run cr;
	if (check_run(ctx->root, ctx->pci_dump, &cr, &d) < 0) {
		diag_free(&d);
		return cmd_fail(ctx, EXIT_INTERNAL, "out of memory");
	}
	if (ctx->verbose)
		cmd_print_diag(ctx, "check", &d);
	char *check_text = check_run_text(&cr);
	size_t masked = 0;
	char *text = check_text ? forum_report_build(stick, check_text, &masked, &d) : NULL;
	free(check_text);
	check_run_free(&cr);
	if (!text) {
		diag_free(&d);
		return cmd_fail(ctx, EXIT_INTERNAL, "out of memory");
	}
	char path[4400] = "";
	int code = EXIT_OK;
	bool to_stdout = (out && !strcmp(out, "-")) || (!out && !stick);
	if (to_stdout) {
		if (!ctx->json)
			fputs(text, ctx->out);
	} else {
		struct diag wd;
		diag_init(&wd);
		int wrc;
		if (out) {
			snprintf(path, sizeof(path), "%s", out);
			wrc = atomic_write(path, text, strlen(text), 0644, (uid_t)-1, (gid_t)-1, &wd);
		} else
			wrc = forum_report_save(stick, text, path, sizeof(path), &wd);
		if (wrc < 0)
			code = cmd_fail(ctx, EXIT_WRITE, "%s: %s", path, diag_last(&wd));
		else if (!ctx->json)
			fprintf(ctx->out, "Report written to %s (%zu bytes, %zu identifiers masked)\n", path, strlen(text), masked);
		diag_free(&wd);
	}
	if (ctx->json) {
		struct json j;
		json_init(&j, ctx->out, true);
		json_obj(&j, NULL);
		json_str(&j, "path", path[0] && code == EXIT_OK ? path : NULL);
		json_uint(&j, "bytes", strlen(text));
		json_uint(&j, "masked", masked);
		json_bool(&j, "written", path[0] && code == EXIT_OK);
		json_str(&j, "text", to_stdout ? text : NULL);
		json_obj_end(&j);
		json_end(&j);
	}
	free(text);
	diag_free(&d);
	return code;
}
