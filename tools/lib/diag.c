/* diag.c - bounded list of findings with absolute offsets */
#include "lib/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIAG_DEFAULT_MAX 4096

void diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
	d->max = DIAG_DEFAULT_MAX;
}

void diag_free(struct diag *d)
{
	free(d->v);
	diag_init(d);
}

void diag_clear(struct diag *d)
{
	d->n = 0;
	d->dropped = 0;
	d->errors = 0;
}

static void diag_add(struct diag *d, enum diag_level lvl, uint64_t off, const char *fmt, va_list ap)
{
	if (!d)
		return;
	if (lvl == DIAG_ERROR)
		d->errors++;
	if (d->n >= d->max) {
		d->dropped++;
		return;
	}
	if (d->n == d->cap) {
		size_t ncap = d->cap ? d->cap * 2 : 16;
		struct diag_entry *nv;
		if (ncap > d->max)
			ncap = d->max;
		nv = realloc(d->v, ncap * sizeof(*nv));
		if (!nv) {
			d->dropped++;
			return;
		}
		d->v = nv;
		d->cap = ncap;
	}
	struct diag_entry *e = &d->v[d->n++];
	e->level = lvl;
	e->off = off;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
}

#define DIAG_FN(name, lvl)                                              \
	int name(struct diag *d, uint64_t off, const char *fmt, ...)    \
	{                                                               \
		va_list ap;                                             \
		va_start(ap, fmt);                                      \
		diag_add(d, lvl, off, fmt, ap);                         \
		va_end(ap);                                             \
		return -1;                                              \
	}

DIAG_FN(diag_err, DIAG_ERROR)
DIAG_FN(diag_warn, DIAG_WARN)
DIAG_FN(diag_note, DIAG_NOTE)

const char *diag_last(const struct diag *d)
{
	if (!d)
		return "";
	for (size_t i = d->n; i > 0; i--)
		if (d->v[i - 1].level == DIAG_ERROR)
			return d->v[i - 1].msg;
	return "";
}

const char *diag_level_name(enum diag_level l)
{
	switch (l) {
	case DIAG_ERROR: return "error";
	case DIAG_WARN: return "warning";
	case DIAG_NOTE: return "note";
	}
	return "?";
}

void diag_format(const struct diag_entry *e, char *buf, size_t len)
{
	if (e->off == DIAG_NO_OFFSET)
		snprintf(buf, len, "%s", e->msg);
	else
		snprintf(buf, len, "0x%llx: %s", (unsigned long long)e->off, e->msg);
}
