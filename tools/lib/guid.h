/* guid.h - EFI GUIDs as their 16 on-disk bytes (mixed-endian text form) */
#ifndef IGDKIT_GUID_H
#define IGDKIT_GUID_H

#include <stdbool.h>
#include <stdint.h>

struct guid {
	uint8_t b[16];
};

#define GUID_STR_LEN 37		/* "8BE4DF61-93CA-11D2-AA0D-00E098032B8C" + NUL */

/* Builds the on-disk bytes from the text-form fields, for constant tables. */
#define GUID_INIT(a, b_, c, d0, d1, d2, d3, d4, d5, d6, d7)                              \
	{ { (uint8_t)(a), (uint8_t)((a) >> 8), (uint8_t)((a) >> 16), (uint8_t)((a) >> 24), \
	    (uint8_t)(b_), (uint8_t)((b_) >> 8), (uint8_t)(c), (uint8_t)((c) >> 8),        \
	    d0, d1, d2, d3, d4, d5, d6, d7 } }

void guid_fmt(const struct guid *g, char out[GUID_STR_LEN]);
/* Accepts upper or lower case, with or without surrounding braces. */
int guid_parse(const char *s, struct guid *g);
bool guid_eq(const struct guid *a, const struct guid *b);
bool guid_is_zero(const struct guid *g);

#endif
