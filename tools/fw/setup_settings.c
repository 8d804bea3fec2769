/* setup_settings.c - matched passthrough questions, one per key and storage place, with their values */
#include "fw/setup_settings.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool same_place(const struct setup_question *a, const struct setup_question *b)
{
	return a->has_store == b->has_store && a->var_offset == b->var_offset && a->bits == b->bits &&
	       guid_eq(&a->vs_guid, &b->vs_guid) && !strcmp(a->vs_name ? a->vs_name : "", b->vs_name ? b->vs_name : "");
}

static int add(struct setup_settings *out, size_t *cap, const char *key, bool analogue, const struct setup_question *q)
{
	for (size_t i = 0; i < out->n; i++) {
		struct setup_setting *st = &out->v[i];
		if (strcmp(st->key, key) || !same_place(st->q, q))
			continue;
		st->copies++;
		if (st->q->suppress_always && !q->suppress_always)
			st->q = q;	/* name the copy a user can find in the browser */
		return 0;
	}
	if (out->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 16;
		struct setup_setting *v = realloc(out->v, nc * sizeof(*v));
		if (!v)
			return -1;
		out->v = v;
		*cap = nc;
	}
	struct setup_setting *st = &out->v[out->n++];
	memset(st, 0, sizeof(*st));
	st->key = key;
	st->analogue = analogue;
	st->q = q;
	st->copies = 1;
	return 0;
}

int setup_settings_read(const struct setup *s, setup_var_reader rd, void *ctx, const char *no_read_why,
			struct setup_settings *out)
{
	memset(out, 0, sizeof(*out));
	size_t cap = 0;
	for (size_t k = 0; setup_target_keys[k]; k++) {
		size_t before = out->n;
		for (size_t i = 0; i < s->nq; i++) {
			bool an;
			const char *key = setup_match(s->q[i].prompt, &an);
			if (key && !strcmp(key, setup_target_keys[k]) && add(out, &cap, setup_target_keys[k], false, &s->q[i]) < 0)
				goto oom;
		}
		if (out->n == before && out->nabsent < sizeof(out->absent) / sizeof(out->absent[0]))
			out->absent[out->nabsent++] = setup_target_keys[k];
	}
	for (size_t i = 0; i < s->nq; i++) {
		bool an;
		const char *key = setup_match(s->q[i].prompt, &an);
		if (key && an && add(out, &cap, key, true, &s->q[i]) < 0)
			goto oom;
	}
	for (size_t i = 0; i < out->n; i++) {
		struct setup_setting *st = &out->v[i];
		if (rd) {
			setup_value_read(st->q, rd, ctx, &st->v);
			continue;
		}
		/* The checks before any read still apply (no storage, password), then why nothing was read. */
		uint8_t none[4] = { 0 };
		if (setup_value_decode(st->q, none, 0, &st->v) == SV_SHORT) {
			st->v.status = SV_UNREADABLE;
			snprintf(st->v.detail, sizeof(st->v.detail), "%s", no_read_why ? no_read_why : "not read");
		}
	}
	return 0;
oom:
	setup_settings_free(out);
	return -1;
}

void setup_settings_free(struct setup_settings *out)
{
	free(out->v);
	memset(out, 0, sizeof(*out));
}

static bool starts_with(const char *text, const char *word)
{
	while (*text == ' ')
		text++;
	size_t n = strlen(word);
	for (size_t i = 0; i < n; i++)
		if (tolower((unsigned char)text[i]) != word[i])
			return false;
	return true;
}

const struct setup_option *setup_option_like(const struct setup_question *q, const char *const *words)
{
	for (size_t i = 0; i < q->nopt; i++)
		for (size_t w = 0; words[w]; w++)
			if (starts_with(q->opt[i].text, words[w]))
				return &q->opt[i];
	return NULL;
}

int setup_setting_on(const struct setup_setting *st)
{
	if (st->v.status != SV_OK)
		return -1;
	if (st->q->op == IFR_CHECKBOX)
		return st->v.value != 0;
	if (!st->v.text)
		return -1;
	static const char *const on[] = { "enable", "on", NULL }, *const off[] = { "disable", "off", NULL };
	char t[16];
	snprintf(t, sizeof(t), "%s", st->v.text);
	for (int k = 0; on[k]; k++)
		if (starts_with(t, on[k]) && (k == 0 || !t[2] || t[2] == ' '))
			return 1;
	for (int k = 0; off[k]; k++)
		if (starts_with(t, off[k]))
			return 0;
	return -1;
}

const char *setup_setting_place(const struct setup_setting *st, char *buf, size_t len)
{
	const struct setup_question *q = st->q;
	char g[GUID_STR_LEN];
	guid_fmt(&q->vs_guid, g);
	g[8] = 0;
	const char *name = st->v.status == SV_OK && st->v.name[0] ? st->v.name : q->vs_name ? q->vs_name : "?";
	if (!q->has_store)
		snprintf(buf, len, "no variable (VarStoreId 0x%x)", q->vsid);
	else if (q->bits)
		snprintf(buf, len, "%s(%s-\u2026)+bit 0x%x", name, g, q->var_offset);
	else
		snprintf(buf, len, "%s(%s-\u2026)+0x%X", name, g, q->var_offset);
	return buf;
}
