/* opts.c - GNU-style long/short option parsing driven by struct opt tables */
#include "lib/opts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int opts_parse_ulong(const char *s, int base, unsigned long *out)
{
	char *end;
	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	unsigned long v = strtoul(s, &end, base);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

static const struct opt *find_long(const struct opt *t, const char *name, size_t n)
{
	for (; t && t->type != OPT_END; t++)
		if (strlen(t->lng) == n && !strncmp(t->lng, name, n))
			return t;
	return NULL;
}

static const struct opt *find_short(const struct opt *t, char c)
{
	for (; t && t->type != OPT_END; t++)
		if (t->shrt && t->shrt == c)
			return t;
	return NULL;
}

static int set_value(const char *cmd, const struct opt *o, const char *arg)
{
	switch (o->type) {
	case OPT_BOOL:
		*(bool *)o->val = true;
		return 0;
	case OPT_STR:
		*(const char **)o->val = arg;
		return 0;
	case OPT_ULONG:
		if (opts_parse_ulong(arg, 0, o->val) < 0) {
			fprintf(stderr, "igdkit %s: --%s: '%s' is not a number\n", cmd, o->lng, arg);
			return -1;
		}
		return 0;
	case OPT_LIST: {
		struct opt_list *l = o->val;
		const char **nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
		if (!nv) {
			fprintf(stderr, "igdkit %s: out of memory\n", cmd);
			return -1;
		}
		nv[l->n++] = arg;
		l->v = nv;
		return 0;
	}
	case OPT_END:
		break;
	}
	return -1;
}

static int usage_error(const char *cmd, const char *what, const char *arg)
{
	fprintf(stderr, "igdkit %s: %s '%s'\nTry 'igdkit %s --help'.\n", cmd, what, arg, cmd);
	return -1;
}

int opts_parse(const char *cmd, const char *synopsis, const struct opt *common,
	       const struct opt *own, int argc, char **argv, struct opts_result *res)
{
	memset(res, 0, sizeof(*res));
	res->pos = calloc((size_t)argc + 1, sizeof(char *));
	if (!res->pos)
		return -1;
	bool only_pos = false;
	for (int i = 0; i < argc; i++) {
		char *a = argv[i];
		if (only_pos || a[0] != '-' || !a[1]) {
			res->pos[res->npos++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = true;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			res->help = true;
			opts_usage(stdout, cmd, synopsis, common, own);
			return 0;
		}
		const struct opt *o;
		const char *val = NULL;
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			o = find_long(own, name, n);
			if (!o)
				o = find_long(common, name, n);
			if (!o)
				goto unknown;
			if (eq) {
				if (o->type == OPT_BOOL)
					return usage_error(cmd, "this option takes no value:", a);
				val = eq + 1;
			}
		} else {
			o = find_short(own, a[1]);
			if (!o)
				o = find_short(common, a[1]);
			if (!o)
				goto unknown;
			if (a[2]) {
				if (o->type == OPT_BOOL)
					return usage_error(cmd, "unknown option", a);
				val = a + 2;
			}
		}
		if (o->type != OPT_BOOL && !val) {
			if (i + 1 >= argc)
				return usage_error(cmd, "this option needs a value:", a);
			val = argv[++i];
		}
		if (set_value(cmd, o, val) < 0)
			return -1;
		continue;
unknown:
		return usage_error(cmd, "unknown option", a);
	}
	return 0;
}

void opts_result_free(struct opts_result *res)
{
	free(res->pos);
	res->pos = NULL;
	res->npos = 0;
}

static void print_table(FILE *f, const struct opt *t)
{
	for (; t && t->type != OPT_END; t++) {
		char left[64];
		int n = 0;
		if (t->shrt)
			n = snprintf(left, sizeof(left), "-%c, --%s", t->shrt, t->lng);
		else
			n = snprintf(left, sizeof(left), "    --%s", t->lng);
		if (t->type != OPT_BOOL && n > 0 && (size_t)n < sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", t->argname ? t->argname : "VALUE");
		fprintf(f, "  %-26s %s\n", left, t->help);
	}
}

void opts_usage(FILE *f, const char *cmd, const char *synopsis, const struct opt *common,
		const struct opt *own)
{
	fprintf(f, "%s\n", synopsis);
	if (own && own->type != OPT_END) {
		fprintf(f, "\nOptions:\n");
		print_table(f, own);
	}
	if (common && common->type != OPT_END) {
		fprintf(f, "\nCommon options:\n");
		print_table(f, common);
	}
	fprintf(f, "  %-26s %s\n", "-h, --help", "show this help");
	fprintf(f, "\nSee igdkit(1) for exit codes and the JSON schema of 'igdkit %s'.\n", cmd);
}
