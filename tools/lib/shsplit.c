/* shsplit.c - POSIX sh word splitting (quoting only; nothing is expanded) */
#include "lib/shsplit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void shsplit_free(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

int shsplit(const char *s, char ***argv_out, const char **err)
{
	size_t cap = 8, n = 0, len = strlen(s);
	char **v = calloc(cap, sizeof(*v));
	/* A word is never longer than the input, so one buffer of that size suffices. */
	char *w = malloc(len + 1);
	*err = NULL;
	if (!v || !w)
		goto oom;
	const char *p = s;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		size_t wl = 0;
		bool in_word = true;
		while (in_word && *p) {
			char c = *p;
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
				in_word = false;
			} else if (c == '\\') {
				p++;
				if (!*p)
					break;	/* trailing backslash: taken as nothing, like sh at EOF */
				if (*p != '\n')
					w[wl++] = *p;
				p++;
			} else if (c == '\'') {
				const char *q = strchr(p + 1, '\'');
				if (!q) {
					*err = "unterminated single quote";
					goto fail;
				}
				memcpy(w + wl, p + 1, (size_t)(q - p - 1));
				wl += (size_t)(q - p - 1);
				p = q + 1;
			} else if (c == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && p[1] && strchr("\"\\$`\n", p[1])) {
						if (p[1] != '\n')
							w[wl++] = p[1];
						p += 2;
					} else {
						w[wl++] = *p++;
					}
				}
				if (*p != '"') {
					*err = "unterminated double quote";
					goto fail;
				}
				p++;
			} else {
				w[wl++] = c;
				p++;
			}
		}
		if (n + 2 > cap) {
			cap *= 2;
			char **nv = realloc(v, cap * sizeof(*nv));
			if (!nv)
				goto oom;
			v = nv;
		}
		v[n] = malloc(wl + 1);
		if (!v[n])
			goto oom;
		memcpy(v[n], w, wl);
		v[n][wl] = 0;
		v[++n] = NULL;
	}
	free(w);
	*argv_out = v;
	return (int)n;
oom:
	*err = "out of memory";
fail:
	free(w);
	if (v) {
		for (size_t i = 0; i < n; i++)
			free(v[i]);
		free(v);
	}
	return -1;
}
