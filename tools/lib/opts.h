/* opts.h - options as data: one parser, one usage printer for every subcommand */
#ifndef IGDKIT_OPTS_H
#define IGDKIT_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum opt_type {
	OPT_END = 0,
	OPT_BOOL,	/* bool *: set to true */
	OPT_STR,	/* const char **: last one wins */
	OPT_ULONG,	/* unsigned long *: decimal or 0x hex */
	OPT_LIST,	/* struct opt_list *: repeatable, kept in order */
};

struct opt_list {
	const char **v;
	size_t n;
};

struct opt {
	const char *lng;	/* "json" for --json */
	char shrt;		/* 'o' for -o, or 0 */
	enum opt_type type;
	void *val;
	const char *argname;	/* "FILE" in the usage, for options that take a value */
	const char *help;
};

struct opts_result {
	char **pos;		/* positional arguments, in order */
	int npos;
	bool help;		/* --help or -h was given: usage has been printed to stdout */
};

/*
 * Parses argv[0..argc) (argv[0] is NOT the program name: it is the first
 * argument). Options and positionals may be mixed; "--" ends options. Two
 * tables: the common ones (--root, --json, ...) and the command's own.
 * Returns 0, or -1 after printing "igdkit CMD: ..." and a usage hint to stderr.
 * The positional array is allocated; free it with opts_result_free().
 */
int opts_parse(const char *cmd, const char *synopsis, const struct opt *common,
	       const struct opt *own, int argc, char **argv, struct opts_result *res);
void opts_result_free(struct opts_result *res);
void opts_usage(FILE *f, const char *cmd, const char *synopsis, const struct opt *common,
		const struct opt *own);
/* Parses "0x1f", "31" or "8086" (with base given); -1 on junk or overflow. */
int opts_parse_ulong(const char *s, int base, unsigned long *out);

#endif
