/* diff.c - unified diffs for the dry run (what `diff -u` would print) */
#include "lib/strbuf.h"
#include "change/diff.h"
#include "lib/sha256.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct lines {
	const char **s;
	size_t *len;
	size_t n;
	bool no_eol;		/* last line lacks '\n' */
};

static int split(const char *t, size_t tl, struct lines *l)
{
	memset(l, 0, sizeof(*l));
	size_t cap = 16;
	l->s = malloc(cap * sizeof(*l->s));
	l->len = malloc(cap * sizeof(*l->len));
	if (!l->s || !l->len)
		return -1;
	size_t i = 0;
	while (i < tl) {
		const char *nl = memchr(t + i, '\n', tl - i);
		size_t n = nl ? (size_t)(nl - (t + i)) : tl - i;
		if (l->n == cap) {
			cap *= 2;
			const char **ns = realloc(l->s, cap * sizeof(*ns));
			if (!ns)
				return -1;
			l->s = ns;
			size_t *nlen = realloc(l->len, cap * sizeof(*nlen));
			if (!nlen)
				return -1;
			l->len = nlen;
		}
		l->s[l->n] = t + i;
		l->len[l->n++] = n;
		l->no_eol = !nl;
		i += n + 1;
	}
	return 0;
}

static bool eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	/* a last line without '\n' differs from the same text with one (diff -u agrees) */
	bool ea = i + 1 == a->n && a->no_eol, eb = j + 1 == b->n && b->no_eol;
	return ea == eb && a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], a->len[i]) == 0;
}

enum op { OP_EQ, OP_DEL, OP_ADD };

/* Edit script by LCS; files here are small config files (the DP is capped). */
static enum op *edit_script(const struct lines *a, const struct lines *b, size_t *nops)
{
	size_t n = a->n, m = b->n;
	enum op *ops = malloc((n + m + 1) * sizeof(*ops));
	if (!ops)
		return NULL;
	size_t k = 0;
	if ((n + 1) * (m + 1) > 16u * 1024 * 1024) {
		/* too big to align: everything old out, everything new in */
		for (size_t i = 0; i < n; i++)
			ops[k++] = OP_DEL;
		for (size_t j = 0; j < m; j++)
			ops[k++] = OP_ADD;
		*nops = k;
		return ops;
	}
	unsigned *L = calloc((n + 1) * (m + 1), sizeof(*L));
	if (!L) {
		free(ops);
		return NULL;
	}
#define AT(i, j) L[(i) * (m + 1) + (j)]
	for (size_t i = n; i-- > 0;)
		for (size_t j = m; j-- > 0;)
			AT(i, j) = eq(a, i, b, j) ? AT(i + 1, j + 1) + 1 : (AT(i + 1, j) >= AT(i, j + 1) ? AT(i + 1, j) : AT(i, j + 1));
	size_t i = 0, j = 0;
	while (i < n || j < m) {
		if (i < n && j < m && eq(a, i, b, j)) {
			ops[k++] = OP_EQ;
			i++;
			j++;
		} else if (i < n && (j == m || AT(i + 1, j) >= AT(i, j + 1))) {
			ops[k++] = OP_DEL;	/* like diff -u: removed lines before added ones */
			i++;
		} else {
			ops[k++] = OP_ADD;
			j++;
		}
	}
#undef AT
	free(L);
	*nops = k;
	return ops;
}

static void put_line(struct strbuf *o, char c, const struct lines *l, size_t i)
{
	strbuf_addf(o, "%c%.*s\n", c, (int)l->len[i], l->s[i]);
	if (i + 1 == l->n && l->no_eol)
		strbuf_addf(o, "\\ No newline at end of file\n");
}

char *diff_unified(const char *label_a, const char *label_b, const char *old, size_t oldlen, const char *new, size_t newlen)
{
	struct strbuf o = { 0 };
	strbuf_addf(&o, "%s", "");
	if (oldlen == newlen && memcmp(old, new, oldlen) == 0)
		return o.s;
	struct lines a, b;
	if (split(old, oldlen, &a) < 0 || split(new, newlen, &b) < 0)
		return o.s;
	size_t nops;
	enum op *ops = edit_script(&a, &b, &nops);
	if (!ops)
		goto done;
	strbuf_addf(&o, "--- %s\n+++ %s\n", label_a, label_b);
	const size_t ctx = 3;
	size_t k = 0;
	/* positions (old line, new line) before each op */
	size_t *ai = malloc((nops + 1) * sizeof(*ai)), *bi = malloc((nops + 1) * sizeof(*bi));
	if (!ai || !bi) {
		free(ai);
		free(bi);
		free(ops);
		goto done;
	}
	ai[0] = bi[0] = 0;
	for (size_t q = 0; q < nops; q++) {
		ai[q + 1] = ai[q] + (ops[q] != OP_ADD);
		bi[q + 1] = bi[q] + (ops[q] != OP_DEL);
	}
	while (k < nops) {
		while (k < nops && ops[k] == OP_EQ)
			k++;
		if (k == nops)
			break;
		size_t start = k >= ctx ? k - ctx : 0;
		/* extend the hunk while changes are within 2*ctx equal lines of each other */
		size_t end = k;
		for (;;) {
			while (end < nops && ops[end] != OP_EQ)
				end++;
			size_t run = end;
			while (run < nops && ops[run] == OP_EQ)
				run++;
			if (run < nops && run - end <= 2 * ctx) {
				end = run;
				continue;
			}
			end = end + ctx < nops ? end + ctx : nops;
			if (end > run)
				end = run;
			break;
		}
		size_t na = ai[end] - ai[start], nb = bi[end] - bi[start];
		strbuf_addf(&o, "@@ -%zu", na ? ai[start] + 1 : ai[start]);
		if (na != 1)
			strbuf_addf(&o, ",%zu", na);
		strbuf_addf(&o, " +%zu", nb ? bi[start] + 1 : bi[start]);
		if (nb != 1)
			strbuf_addf(&o, ",%zu", nb);
		strbuf_addf(&o, " @@\n");
		for (size_t q = start; q < end; q++) {
			if (ops[q] == OP_EQ)
				put_line(&o, ' ', &a, ai[q]);
			else if (ops[q] == OP_DEL)
				put_line(&o, '-', &a, ai[q]);
			else
				put_line(&o, '+', &b, bi[q]);
		}
		k = end;
	}
	free(ai);
	free(bi);
	free(ops);
done:
	free(a.s);
	free(a.len);
	free(b.s);
	free(b.len);
	return o.s;
}

char *diff_plan(const struct install_plan *p)
{
	struct strbuf o = { 0 };
	strbuf_addf(&o, "%s", "");
	for (size_t i = 0; i < p->n; i++) {
		const struct change *c = &p->ch[i];
		if (c->kind == CH_CONFIGDB || strcmp(c->label, c->path) != 0)
			strbuf_addf(&o, "# %s\n", c->label);
		if (c->binary) {
			char hb[65] = "-", ha[65] = "-";
			if (c->existed)
				sha256_buf_hex(c->old, c->oldlen, hb);
			sha256_buf_hex(c->new, c->newlen, ha);
			if (c->existed)
				strbuf_addf(&o, "Binary %s: %zu bytes, sha256 %s -> %zu bytes, sha256 %s\n", c->path, c->oldlen, hb, c->newlen, ha);
			else
				strbuf_addf(&o, "Binary %s: new file, %zu bytes, sha256 %s\n", c->path, c->newlen, ha);
			continue;
		}
		if (c->kind == CH_SYMLINK) {
			strbuf_addf(&o, "Symlink %s -> %s%s\n", c->path, (char *)c->new, c->existed ? " (replaces the old link)" : "");
			continue;
		}
		/* A VM config is shown under the path it has in /etc/pve, whatever stores it. */
		char shown[600], la[700], lb[700];
		if (c->kind == CH_CONFIGDB)
			snprintf(shown, sizeof(shown), "/etc/pve/nodes/%s/qemu-server/%u.conf", c->node, c->vmid);
		else
			snprintf(shown, sizeof(shown), "%s", c->path);
		if (c->existed)
			snprintf(la, sizeof(la), "a%s", shown);
		else
			snprintf(la, sizeof(la), "/dev/null");
		snprintf(lb, sizeof(lb), "b%s", shown);
		char *u = diff_unified(la, lb, (char *)c->old, c->oldlen, (char *)c->new, c->newlen);
		strbuf_addf(&o, "%s", u ? u : "");
		free(u);
	}
	return o.s;
}

void diff_plan_json(struct json *j, const char *key, const struct install_plan *p)
{
	json_arr(j, key);
	for (size_t i = 0; i < p->n; i++) {
		json_obj(j, NULL);
		json_str(j, "path", p->ch[i].path);
		json_str(j, "what", p->ch[i].label);
		json_bool(j, "new_file", !p->ch[i].existed);
		json_obj_end(j);
	}
	json_arr_end(j);
}
