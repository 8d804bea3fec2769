/* guid.c - GUID text form <-> on-disk bytes */
#include "lib/guid.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

void guid_fmt(const struct guid *g, char out[GUID_STR_LEN])
{
	const uint8_t *b = g->b;
	snprintf(out, GUID_STR_LEN, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X",
		 (unsigned)(b[0] | b[1] << 8 | b[2] << 16 | (unsigned)b[3] << 24),
		 (unsigned)(b[4] | b[5] << 8), (unsigned)(b[6] | b[7] << 8),
		 b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int guid_parse(const char *s, struct guid *g)
{
	/* byte order of the text digits: first three groups are little-endian */
	static const int order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	size_t len = strlen(s);
	if (len == 38 && s[0] == '{' && s[37] == '}') {
		s++;
		len = 36;
	}
	if (len != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-')
		return -1;
	int k = 0;
	for (size_t i = 0; i < 36; i += 2) {
		if (s[i] == '-')
			i++;
		int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);
		if (hi < 0 || lo < 0 || k >= 16)
			return -1;
		g->b[order[k++]] = (uint8_t)(hi << 4 | lo);
	}
	return k == 16 ? 0 : -1;
}

bool guid_eq(const struct guid *a, const struct guid *b)
{
	return memcmp(a->b, b->b, sizeof(a->b)) == 0;
}

bool guid_is_zero(const struct guid *g)
{
	static const struct guid zero;
	return guid_eq(g, &zero);
}
