/* strbuf.c - growable string; a failed append marks the buffer instead of truncating silently */
#include "lib/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	if (b->failed)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = true;
		return;
	}
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t nc = (b->len + (size_t)n + 1) * 2;
		char *ns = realloc(b->s, nc);
		if (!ns) {
			b->failed = true;
			return;
		}
		b->s = ns;
		b->cap = nc;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}
