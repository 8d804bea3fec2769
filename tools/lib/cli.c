/* cli.c - the command front ends' shared part: common options, parsing, errors, progress */
#include "lib/cli.h"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

const struct opt *ctx_common_opts(struct ctx *ctx)
{
	/* One table per process is enough: there is one ctx. */
	static struct opt t[6];
	struct opt v[] = {
		{ "root", 0, OPT_STR, &ctx->root, "DIR", "read sysfs, procfs, ACPI tables and efivars under DIR instead of /" },
		{ "pci-dump", 0, OPT_STR, &ctx->pci_dump, "FILE", "read PCI devices from an 'lspci -xxx' dump instead of the live bus" },
		{ "json", 0, OPT_BOOL, &ctx->json, NULL, "print a JSON document on stdout instead of text" },
		{ "verbose", 'v', OPT_BOOL, &ctx->verbose, NULL, "say more" },
		{ "quiet", 'q', OPT_BOOL, &ctx->quiet, NULL, "no progress messages" },
		{ 0 },
	};
	memcpy(t, v, sizeof(v));
	return t;
}

int cmd_parse(struct ctx *ctx, const char *synopsis, const struct opt *own, int argc, char **argv,
	      struct opts_result *res)
{
	int rc = opts_parse(ctx->cmd, synopsis, ctx_common_opts(ctx), own, argc, argv, res);
	if (rc == 0 && !res->help)
		return CMD_PARSED;
	opts_result_free(res);
	return rc < 0 ? EXIT_USAGE : EXIT_OK;
}

int cmd_parse_noargs(struct ctx *ctx, const char *synopsis, const struct opt *own, int argc, char **argv)
{
	struct opts_result res;
	int rc = cmd_parse(ctx, synopsis, own, argc, argv, &res);
	if (rc != CMD_PARSED)
		return rc;
	int npos = res.npos;
	opts_result_free(&res);
	if (npos)
		return cmd_fail(ctx, EXIT_USAGE, "%s takes no arguments (see igdkit %s --help)", ctx->cmd, ctx->cmd);
	return CMD_PARSED;
}

int cmd_fail(const struct ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "igdkit %s: error: ", ctx->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

void cmd_warn(const struct ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "igdkit %s: warning: ", ctx->cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cmd_progress(const struct ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	if (ctx->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cmd_print_diag(const struct ctx *ctx, const char *input, const struct diag *d)
{
	char buf[DIAG_MSG_MAX + 32];
	for (size_t i = 0; i < d->n; i++) {
		diag_format(&d->v[i], buf, sizeof(buf));
		fprintf(stderr, "igdkit %s: %s: %s: %s\n", ctx->cmd, input, diag_level_name(d->v[i].level), buf);
	}
	if (d->dropped)
		fprintf(stderr, "igdkit %s: %s: %zu more messages not shown\n", ctx->cmd, input, d->dropped);
}

int cmd_not_implemented(struct ctx *ctx, const char *synopsis, int argc, char **argv)
{
	struct opts_result res;
	int rc = cmd_parse(ctx, synopsis, NULL, argc, argv, &res);
	if (rc != CMD_PARSED)
		return rc;
	opts_result_free(&res);
	return cmd_fail(ctx, EXIT_USAGE, "not yet implemented in igdkit %s", IGDKIT_VERSION);
}
