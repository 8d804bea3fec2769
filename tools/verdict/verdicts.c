/* verdicts.c - the verdict list and the order check reports in */
#include "verdict/verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct verdict *verdict_add(struct verdict_list *l, const char *id, enum verdict_status s)
{
	static struct verdict overflow;
	if (l->n >= VERDICTS_MAX) {
		memset(&overflow, 0, sizeof(overflow));
		return &overflow;	/* a programming error; never shown */
	}
	struct verdict *v = &l->v[l->n++];
	memset(v, 0, sizeof(*v));
	v->id = id;
	v->status = s;
	return v;
}

void verdict_evidence(struct verdict *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->evidence, sizeof(v->evidence), fmt, ap);
	va_end(ap);
}

void verdict_evidence_add(struct verdict *v, const char *fmt, ...)
{
	size_t n = strlen(v->evidence);
	if (n + 1 >= sizeof(v->evidence))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->evidence + n, sizeof(v->evidence) - n, fmt, ap);
	va_end(ap);
}

void verdict_advice(struct verdict *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->advice, sizeof(v->advice), fmt, ap);
	va_end(ap);
}

const struct verdict *verdict_find(const struct verdict_list *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].id, id))
			return &l->v[i];
	return NULL;
}

const char *verdict_status_name(enum verdict_status s)
{
	return s == V_OK ? "ok" : s == V_FIX ? "fix" : "unknown";
}

bool verdicts_need_fix(const struct verdict_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].status == V_FIX)
			return true;
	return false;
}

void check_all(const struct host_data *c, struct verdict_list *l)
{
	l->n = 0;
	check_vtx(c, l);
	check_vtd(c, l);
	check_iommu(c, l);
	check_igd(c, l);
	check_bootmode(c, l);
	check_gms(c, l);
	check_hostkernel(c, l);
	check_breakages(c, l);
}
