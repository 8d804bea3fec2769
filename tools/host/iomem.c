/* iomem.c - /proc/iomem (see iomem.h) */
#include "host/iomem.h"

#include <stdlib.h>
#include <string.h>

/* Hex digits at *p (at most 16), advancing it; false when there are none or too many. */
static bool hex_u64(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int n = 0;
	for (; s < end; s++, n++) {
		int c = (unsigned char)*s, h;
		if (c >= '0' && c <= '9')
			h = c - '0';
		else if (c >= 'a' && c <= 'f')
			h = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			h = c - 'A' + 10;
		else
			break;
		if (n == 16)
			return false;
		x = x << 4 | (uint64_t)h;
	}
	if (n == 0)
		return false;
	*p = s;
	*v = x;
	return true;
}

/* One line without its newline: "<indent>START-END : NAME". */
static bool parse_line(const char *s, const char *end, struct iomem_entry *e)
{
	const char *p = s;
	while (p < end && *p == ' ')
		p++;
	e->depth = (unsigned)(p - s) / 2;
	if (!hex_u64(&p, end, &e->start) || p >= end || *p++ != '-' || !hex_u64(&p, end, &e->end) ||
	    e->end < e->start)
		return false;
	if (end - p < 3 || memcmp(p, " : ", 3) != 0)
		return false;
	p += 3;
	size_t n = (size_t)(end - p);
	if (n >= sizeof(e->name))
		n = sizeof(e->name) - 1;
	memcpy(e->name, p, n);
	e->name[n] = 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)e->name[i] < 0x20)
			e->name[i] = '?';
	return true;
}

int iomem_parse(const char *text, size_t len, struct iomem_map *m, struct diag *d)
{
	memset(m, 0, sizeof(*m));
	size_t cap = 0, lineno = 0;
	for (const char *s = text, *end = text + len; s < end;) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		lineno++;
		struct iomem_entry e;
		if (le > s) {
			if (!parse_line(s, le, &e)) {
				diag_warn(d, (size_t)(s - text), "/proc/iomem line %zu: not \"START-END : NAME\"", lineno);
			} else {
				if (m->n == cap) {
					if (cap == IOMEM_MAX_ENTRIES) {
						iomem_free(m);
						return diag_err(d, (size_t)(s - text), "/proc/iomem: more than %d ranges",
								IOMEM_MAX_ENTRIES);
					}
					size_t nc = cap ? cap * 2 : 64;
					struct iomem_entry *v = realloc(m->v, nc * sizeof(*v));
					if (!v) {
						iomem_free(m);
						return diag_err(d, DIAG_NO_OFFSET, "out of memory");
					}
					m->v = v;
					cap = nc;
				}
				if (e.start || e.end)
					m->addresses = true;
				m->v[m->n++] = e;
			}
		}
		s = nl ? nl + 1 : end;
	}
	return 0;
}

void iomem_free(struct iomem_map *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

const struct iomem_entry *iomem_top_at(const struct iomem_map *m, uint64_t addr)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].depth == 0 && m->v[i].start <= addr && addr <= m->v[i].end)
			return &m->v[i];
	return NULL;
}
