/* vmconf.c - parse and edit a qemu-server VM config without losing anything */
#include "pve/vmconf.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static int push_line(struct vmconf *c, size_t at, const char *s, size_t n)
{
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 32;
		char **nv = realloc(c->lines, nc * sizeof(*nv));
		if (!nv)
			return -1;
		c->lines = nv;
		c->cap = nc;
	}
	char *l = malloc(n + 1);
	if (!l)
		return -1;
	memcpy(l, s, n);
	l[n] = 0;
	memmove(&c->lines[at + 1], &c->lines[at], (c->n - at) * sizeof(*c->lines));
	c->lines[at] = l;
	c->n++;
	return 0;
}

void vmconf_free(struct vmconf *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->lines[i]);
	free(c->lines);
	memset(c, 0, sizeof(*c));
}

int vmconf_parse(struct vmconf *c, const char *text, size_t len, struct diag *d)
{
	memset(c, 0, sizeof(*c));
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		if (memchr(text + i, 0, n)) {
			vmconf_free(c);
			return diag_err(d, i, "VM config: NUL byte in line");
		}
		if (push_line(c, c->n, text + i, n) < 0) {
			vmconf_free(c);
			return diag_err(d, DIAG_NO_OFFSET, "out of memory");
		}
		i += n + (nl ? 1 : 0);
		c->final_newline = nl != NULL;
	}
	c->main_end = c->n;
	for (size_t k = 0; k < c->n; k++)
		if (c->lines[k][0] == '[') {
			c->main_end = k;
			break;
		}
	return 0;
}

/* Length of the key of a "key: value" line, or 0 for comments/blank/other lines. */
static size_t key_len(const char *l)
{
	size_t n = 0;
	while (isalnum((unsigned char)l[n]) || l[n] == '_' || l[n] == '-')
		n++;
	return (n && l[n] == ':') ? n : 0;
}

static long find_key(const struct vmconf *c, const char *key)
{
	size_t kl = strlen(key);
	for (size_t i = 0; i < c->main_end; i++)
		if (key_len(c->lines[i]) == kl && strncmp(c->lines[i], key, kl) == 0)
			return (long)i;
	return -1;
}

const char *vmconf_get(const struct vmconf *c, const char *key)
{
	long i = find_key(c, key);
	if (i < 0)
		return NULL;
	const char *v = c->lines[i] + strlen(key) + 1;
	while (*v == ' ')
		v++;
	return v;
}

int vmconf_set(struct vmconf *c, const char *key, const char *value)
{
	size_t n = strlen(key) + 2 + strlen(value);
	char *l = malloc(n + 1);
	if (!l)
		return -1;
	strcpy(l, key);
	strcat(l, ": ");
	strcat(l, value);
	long i = find_key(c, key);
	if (i >= 0) {
		free(c->lines[i]);
		c->lines[i] = l;
		return 0;
	}
	/* qemu-server writes keys sorted; put ours where it would. */
	size_t at = 0, last_key = 0;
	int any = 0, placed = 0;
	for (size_t k = 0; k < c->main_end; k++) {
		size_t kl = key_len(c->lines[k]);
		if (!kl)
			continue;
		any = 1;
		last_key = k;
		if (!placed && strncmp(c->lines[k], key, kl) > 0) {
			at = k;
			placed = 1;
		}
	}
	if (!placed) {
		if (any)
			at = last_key + 1;
		else {
			/* only comments (or nothing): after the leading comment block */
			at = 0;
			while (at < c->main_end && c->lines[at][0] == '#')
				at++;
		}
	}
	int rc = push_line(c, at, l, n);
	free(l);
	if (rc < 0)
		return -1;
	c->main_end++;
	if (c->n == 1)
		c->final_newline = 1;
	return 0;
}

int vmconf_delete(struct vmconf *c, const char *key)
{
	long i = find_key(c, key);
	if (i < 0)
		return 0;
	free(c->lines[i]);
	memmove(&c->lines[i], &c->lines[i + 1], (c->n - (size_t)i - 1) * sizeof(*c->lines));
	c->n--;
	c->main_end--;
	return 0;
}

char *vmconf_format(const struct vmconf *c, size_t *len)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		n += strlen(c->lines[i]) + 1;
	char *s = malloc(n + 1), *p = s;
	if (!s)
		return NULL;
	for (size_t i = 0; i < c->n; i++) {
		size_t k = strlen(c->lines[i]);
		memcpy(p, c->lines[i], k);
		p += k;
		if (i + 1 < c->n || c->final_newline)
			*p++ = '\n';
	}
	*p = 0;
	*len = (size_t)(p - s);
	return s;
}

bool vmconf_pci_id_is_igd(const char *s, size_t n)
{
	const char *c1 = memchr(s, ':', n);
	if (c1 && memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - s))) {
		/* a domain: qemu-server wants 4 or more hex digits; only domain 0 holds the iGPU */
		size_t dl = (size_t)(c1 - s);
		if (dl < 4 || strspn(s, "0") < dl)
			return false;
		n -= dl + 1;
		s = c1 + 1;
	}
	return (n == 5 && strncmp(s, "00:02", 5) == 0) || (n == 7 && strncmp(s, "00:02.0", 7) == 0);
}

enum vmconf_hostpci vmconf_hostpci_kind(const char *value)
{
	if (!value)
		return VMCONF_HOSTPCI_OTHER;
	enum vmconf_hostpci kind = VMCONF_HOSTPCI_OTHER;
	for (const char *p = value; *p;) {
		size_t n = strcspn(p, ",");
		const char *eq = memchr(p, '=', n);
		const char *list = NULL;
		size_t ln = 0;
		if (!eq) {
			list = p;	/* the default key's bare value */
			ln = n;
		} else if ((size_t)(eq - p) == 4 && strncmp(p, "host", 4) == 0) {
			list = eq + 1;
			ln = n - 5;
		} else if ((size_t)(eq - p) == 7 && strncmp(p, "mapping", 7) == 0) {
			kind = VMCONF_HOSTPCI_MAPPING;
		}
		for (size_t i = 0; list && i < ln;) {
			size_t k = strcspn(list + i, ";,");
			if (k > ln - i)
				k = ln - i;
			if (vmconf_pci_id_is_igd(list + i, k))
				return VMCONF_HOSTPCI_IGD;
			i += k + 1;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return kind;
}

const char *vmconf_hostpci_mapping(const char *value, size_t *len)
{
	for (const char *p = value; p && *p;) {
		size_t n = strcspn(p, ",");
		if (n > 8 && strncmp(p, "mapping=", 8) == 0) {
			*len = n - 8;
			return p + 8;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return NULL;
}
