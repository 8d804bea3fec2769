/* igdkit.h - the command layer: exit codes, shared context, the subcommand table */
#ifndef IGDKIT_H
#define IGDKIT_H

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

/* Subcommand flags say what a command may touch (cbfstool style). */
enum cmd_flags {
	CMD_READS_HOST = 1 << 0,	/* reads the running machine (PCI, ACPI, MSR, efivars) */
	CMD_WRITES = 1 << 1,		/* may write to a user's disk: plan first, confirm, atomic commit */
	CMD_HIDDEN = 1 << 2,		/* not listed in --help */
};

struct cmd {
	const char *name;
	int (*fn)(struct ctx *ctx, int argc, char **argv);
	unsigned flags;
	const char *summary;
};

/* The table lives in main.c; exported for the tests that check man page against it. */
extern const struct cmd igdkit_cmds[];
extern const size_t igdkit_ncmds;

/* The common options, bound to a ctx, as an opts table (terminated). */
const struct opt *ctx_common_opts(struct ctx *ctx);

/*
 * Parse a subcommand's own options together with the common ones.
 * Returns -1 on usage error (message printed), 0 on success; res->help means
 * the usage was printed and the command should return EXIT_OK.
 */
int cmd_parse(struct ctx *ctx, const char *synopsis, const struct opt *own, int argc, char **argv,
	      struct opts_result *res);

/* The one error path: "igdkit CMD: error: ..." on stderr; returns code. */
int cmd_fail(const struct ctx *ctx, int code, const char *fmt, ...) PRINTF_LIKE(3, 4);
void cmd_warn(const struct ctx *ctx, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Progress for long work; silent with -q, --json doesn't matter (stderr). */
void cmd_progress(const struct ctx *ctx, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Print every diag entry to stderr, prefixed with the input name. */
void cmd_print_diag(const struct ctx *ctx, const char *input, const struct diag *d);

/* Subcommands, one module each. */
int cmd_check(struct ctx *ctx, int argc, char **argv);
int cmd_fw(struct ctx *ctx, int argc, char **argv);
int cmd_rom(struct ctx *ctx, int argc, char **argv);
int cmd_install(struct ctx *ctx, int argc, char **argv);
int cmd_repair(struct ctx *ctx, int argc, char **argv);
int cmd_menu(struct ctx *ctx, int argc, char **argv);

/* For commands whose implementation has not landed yet. */
int cmd_not_implemented(struct ctx *ctx, const char *synopsis, int argc, char **argv);

#endif
