/* strbuf.h - a growable string built with printf-style appends */
#ifndef IGDKIT_STRBUF_H
#define IGDKIT_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"

struct strbuf {
	char *s;		/* NUL-terminated once anything was added; owned by the caller */
	size_t len, cap;
	bool failed;		/* an append ran out of memory: the text is incomplete, never write it */
};

void strbuf_addf(struct strbuf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);

#endif
