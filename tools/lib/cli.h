/* cli.h - what every igdkit command front end shares: exit codes, the common options,
 * option parsing that ends in an exit code, and the one way errors reach the user
 *
 * Engines (fw, rom, pve, plan, change, ...) never include this: they record diags and
 * return. Only the front ends (cmd_*.c, the command folders, main.c) print and decide
 * exit codes.
 */
#ifndef IGDKIT_CLI_H
#define IGDKIT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "lib/diag.h"
#include "lib/opts.h"

/* Exit codes: listed in man/igdkit.1.in under EXIT STATUS; keep both in step. */
enum exit_code {
	EXIT_OK = 0,		/* done; every verdict ok */
	EXIT_FINDINGS = 1,	/* done, but something needs fixing (check), or a file failed validation (rom check) */
	EXIT_USAGE = 2,		/* bad command line, or a command not implemented yet */
	EXIT_INPUT = 3,		/* cannot read an input: missing file, not a format igdkit knows, unreadable hardware */
	EXIT_WRITE = 4,		/* a write failed; everything written so far was rolled back */
	EXIT_INTERNAL = 5,	/* a bug in igdkit: please report it */
};

/* Options every subcommand understands; declared once (see ctx_common_opts). */
struct ctx {
	const char *cmd;	/* "rom build" etc., for messages */
	const char *root;	/* --root: fixture tree standing in for / (default "/") */
	const char *pci_dump;	/* --pci-dump: lspci -xxx text instead of live PCI */
	bool json;		/* --json: machine-readable stdout */
	bool verbose;		/* -v */
	bool quiet;		/* -q: no progress on stderr */
	FILE *out;		/* stdout */
};

/* The common options, bound to a ctx, as an opts table (terminated). */
const struct opt *ctx_common_opts(struct ctx *ctx);

/* cmd_parse's "carry on": every other value is the exit code to return at once. */
#define CMD_PARSED (-1)

/*
 * Parses a subcommand's own options together with the common ones. Returns CMD_PARSED with
 * res filled (free it with opts_result_free), or, with res already freed, the exit code the
 * command returns now: EXIT_USAGE after a usage error (message printed), EXIT_OK after --help
 * (usage printed).
 */
int cmd_parse(struct ctx *ctx, const char *synopsis, const struct opt *own, int argc, char **argv,
	      struct opts_result *res);

/* cmd_parse for a command that takes options only: CMD_PARSED, or the exit code to return now
 * (a positional argument is a usage error). */
int cmd_parse_noargs(struct ctx *ctx, const char *synopsis, const struct opt *own, int argc, char **argv);

/* The one error path: "igdkit CMD: error: ..." on stderr; returns code. */
int cmd_fail(const struct ctx *ctx, int code, const char *fmt, ...) PRINTF_LIKE(3, 4);
void cmd_warn(const struct ctx *ctx, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Progress for long work; silent with -q, --json doesn't matter (stderr). */
void cmd_progress(const struct ctx *ctx, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Print every diag entry to stderr, prefixed with the input name. */
void cmd_print_diag(const struct ctx *ctx, const char *input, const struct diag *d);

/* For commands whose implementation has not landed yet. */
int cmd_not_implemented(struct ctx *ctx, const char *synopsis, int argc, char **argv);

#endif
