/* main.c - igdkit: one binary, a table of subcommands, one exit-code policy */
#include "igdkit.h"
#include "lib/file.h"
#include "lib/shsplit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: igdkit [--version] [--help] COMMAND [ARGS]\n"
		   "       igdkit @FILE    (read the command line from FILE, split like sh)\n\n"
		   "Intel iGPU (IGD) passthrough for Proxmox VE, from the board's own firmware.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < igdkit_ncmds; i++)
		if (!(igdkit_cmds[i].flags & CMD_HIDDEN))
			fprintf(f, "  %-9s %s\n", igdkit_cmds[i].name, igdkit_cmds[i].summary);
	fprintf(f, "\n'igdkit COMMAND --help' describes each command; igdkit(1) has exit codes and JSON schemas.\n"
		   "Exit status: 0 ok, 1 something needs fixing, 2 usage, 3 cannot read input, 4 write failed, 5 internal error.\n");
}

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < igdkit_ncmds; i++)
		if (!strcmp(igdkit_cmds[i].name, name))
			return &igdkit_cmds[i];
	return NULL;
}

/* "@FILE": the autorun path, where QEMU's fw_cfg hands us one string. */
static int load_argfile(const char *path, int *argc, char ***argv)
{
	struct file_buf fb;
	char errbuf[256];
	const char *err;
	if (file_read(path, 1 << 20, &fb, errbuf, sizeof(errbuf)) < 0) {
		fprintf(stderr, "igdkit: %s\n", errbuf);
		return -1;
	}
	char *text = malloc(fb.len + 1);
	if (!text) {
		file_buf_free(&fb);
		return -1;
	}
	size_t len = fb.len;
	memcpy(text, fb.data, len);
	text[len] = 0;
	file_buf_free(&fb);
	if (strlen(text) != len) {
		fprintf(stderr, "igdkit: %s: NUL byte in argument file\n", path);
		free(text);
		return -1;
	}
	char **words;
	int n = shsplit(text, &words, &err);
	free(text);
	if (n < 0) {
		fprintf(stderr, "igdkit: %s: %s\n", path, err);
		return -1;
	}
	/* argv[0] stays the program name. */
	char **nv = calloc((size_t)n + 2, sizeof(char *));
	if (!nv) {
		shsplit_free(words);
		return -1;
	}
	nv[0] = (*argv)[0];
	for (int i = 0; i < n; i++)
		nv[i + 1] = words[i];
	free(words);	/* the strings now belong to nv and live until exit */
	*argc = n + 1;
	*argv = nv;
	return 0;
}

/* git's rule: a report that did not reach stdout is a failure, not a success. */
static int finish_stdout(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "igdkit: write failure on standard output: %s\n", strerror(errno));
		return rc ? rc : EXIT_WRITE;
	}
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && argv[1][0] == '@' && argv[1][1]) {
		if (argc > 2) {
			fprintf(stderr, "igdkit: @FILE takes no further arguments\n");
			return EXIT_USAGE;
		}
		if (load_argfile(argv[1] + 1, &argc, &argv) < 0)
			return EXIT_USAGE;
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *a = argv[1];
	if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
		printf("igdkit %s\n", IGDKIT_VERSION);
		return finish_stdout(EXIT_OK);
	}
	if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
		usage(stdout);
		return finish_stdout(EXIT_OK);
	}
	if (!strcmp(a, "help")) {
		if (argc < 3) {
			usage(stdout);
			return finish_stdout(EXIT_OK);
		}
		a = argv[2];
	}
	const struct cmd *c = find_cmd(a);
	if (!c) {
		fprintf(stderr, "igdkit: '%s' is not an igdkit command. See 'igdkit --help'.\n", a);
		return EXIT_USAGE;
	}
	struct ctx ctx = { .cmd = c->name, .root = "/", .out = stdout };
	static char help_arg[] = "--help";
	char *help_argv[] = { help_arg, NULL };
	int rc = argv[1] == a ? c->fn(&ctx, argc - 2, argv + 2) : c->fn(&ctx, 1, help_argv);
	return finish_stdout(rc);
}
