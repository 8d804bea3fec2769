/* hii.c - HII package lists and arrays in a driver image, and the string packages' blocks */
#include "fw/hii.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define IFR_FORM_SET_OP 0x0E
#define IFR_END_OP 0x29
#define STR_HDR_MIN 47		/* fixed part of the string package header plus a NUL tag */
#define TILE_MAX 64		/* packages in one list or array; real ones hold a few dozen */

/* ---- finding packages ---- */

static bool tag_ok(const uint8_t *p, size_t n)
{
	if (n > 64)
		n = 64;
	/* RFC 4646 tags and UEFI's "x-UEFI-..." ones: letters, digits, '-', then NUL. */
	for (size_t i = 0; i < n; i++) {
		if (!p[i])
			return i > 0;
		if (!isalnum(p[i]) && p[i] != '-')
			return false;
	}
	return false;
}

/* Is p[0..len) (header included) a package of its declared type that looks whole? */
static bool package_ok(const uint8_t *p, size_t len, uint8_t type)
{
	switch (type) {
	case HII_PKG_FORMS:
		/* A form package holds one or more form sets; EDK2 and AMI close the last one with END. */
		return len >= 4 + 24 && p[4] == IFR_FORM_SET_OP && (p[5] & 0x7F) >= 22 && (size_t)(p[5] & 0x7F) <= len - 4 &&
		       p[len - 2] == IFR_END_OP && p[len - 1] == 0x02;
	case HII_PKG_STRINGS: {
		if (len < STR_HDR_MIN + 1)
			return false;
		uint32_t hdr = le32(p + 4), info = le32(p + 8);
		return hdr >= STR_HDR_MIN && hdr < len && info >= hdr && info < len && tag_ok(p + 46, hdr - 46) &&
		       p[len - 1] == 0x00;
	}
	case HII_PKG_END:
		return len == 4;
	default:
		return true;
	}
}

/* Packages tiling r[from..to) exactly. list: any types, the last one the end package; otherwise
   (an EDK2 array) only form or only string packages. Returns how many, 0 when they do not tile. */
static size_t tile(const struct reader *r, size_t from, size_t to, bool list, unsigned *nforms, unsigned *nstrings)
{
	size_t pos = from, n = 0;
	uint8_t first = 0;
	*nforms = *nstrings = 0;
	while (pos < to) {
		if (to - pos < 4 || n >= TILE_MAX)
			return 0;
		uint32_t h = le32(r->p + pos), len = h & 0xFFFFFF;
		uint8_t type = (uint8_t)(h >> 24);
		if (len < 4 || len > to - pos || !package_ok(r->p + pos, len, type))
			return 0;
		if (list) {
			if (type == HII_PKG_END)
				return pos + len == to && (*nforms || *nstrings) ? n : 0;
		} else {
			if ((type != HII_PKG_FORMS && type != HII_PKG_STRINGS) || (n && type != first))
				return 0;
			first = type;
		}
		*nforms += type == HII_PKG_FORMS;
		*nstrings += type == HII_PKG_STRINGS;
		n++;
		pos += len;
	}
	return list ? 0 : n;
}

static int add_group(struct hii_scan *s, const struct reader *r, size_t at, size_t len, size_t from, bool list)
{
	if (s->npkg >= HII_MAX_PACKAGES) {
		s->capped = true;
		return 0;
	}
	struct hii_group *g = realloc(s->grp, (s->ngrp + 1) * sizeof(*g));
	if (!g)
		return -1;
	s->grp = g;
	g = &s->grp[s->ngrp];
	memset(g, 0, sizeof(*g));
	g->is_list = list;
	g->at = at;
	g->len = len;
	if (list)
		memcpy(g->guid.b, r->p + at, 16);
	for (size_t pos = from; pos < at + len;) {
		uint32_t h = le32(r->p + pos), plen = h & 0xFFFFFF;
		uint8_t type = (uint8_t)(h >> 24);
		if (type == HII_PKG_FORMS || type == HII_PKG_STRINGS) {
			if (s->npkg >= HII_MAX_PACKAGES) {
				s->capped = true;
				break;
			}
			struct hii_package *p = realloc(s->pkg, (s->npkg + 1) * sizeof(*p));
			if (!p)
				return -1;
			s->pkg = p;
			s->pkg[s->npkg++] = (struct hii_package){ .type = type, .at = pos, .len = plen, .group = (unsigned)s->ngrp };
			g->nforms += type == HII_PKG_FORMS;
			g->nstrings += type == HII_PKG_STRINGS;
		}
		pos += plen;
	}
	s->ngrp++;
	return 0;
}

int hii_scan(const struct reader *r, struct hii_scan *out)
{
	memset(out, 0, sizeof(*out));
	const uint8_t *p = r->p;
	size_t len = r->len;
	unsigned nf, ns;
	for (size_t o = 0; len >= 24 && o <= len - 24 && !out->capped;) {
		size_t left = len - o;
		/* A package list: GUID, u32 length, packages, end package. */
		uint32_t l = le32(p + o + 16);
		if (l >= 24 + 4 && l <= left && tile(r, o + 20, o + l, true, &nf, &ns)) {
			if (add_group(out, r, o, l, o + 20, true) < 0)
				return -1;
			o += l;
			continue;
		}
		/* An EDK2 array: u32 length (itself included), then packages of one type. */
		uint32_t n = le32(p + o);
		uint8_t t = p[o + 7];
		if ((t == HII_PKG_FORMS || t == HII_PKG_STRINGS) && n >= 4 + 28 && n <= left &&
		    tile(r, o + 4, o + n, false, &nf, &ns)) {
			if (add_group(out, r, o, n, o + 4, false) < 0)
				return -1;
			o += n;
			continue;
		}
		o++;
	}
	return 0;
}

void hii_scan_free(struct hii_scan *s)
{
	free(s->pkg);
	free(s->grp);
	memset(s, 0, sizeof(*s));
}

/* ---- string packages ---- */

bool hii_lang_is_english(const char *lang)
{
	return (lang[0] == 'e' || lang[0] == 'E') && (lang[1] == 'n' || lang[1] == 'N') &&
	       (lang[2] == 0 || lang[2] == '-' || ((lang[2] == 'g' || lang[2] == 'G') && lang[3] == 0));
}

static int grow(struct hii_strings *s, uint32_t need, uint32_t *cap)
{
	if (need < *cap)
		return 0;
	uint32_t nc = *cap ? *cap : 256;
	while (nc <= need)
		nc *= 2;
	if (nc > HII_MAX_STRING_ID + 1)
		nc = HII_MAX_STRING_ID + 1;
	uint32_t *a = realloc(s->at, nc * sizeof(*a));
	if (!a)
		return -1;
	s->at = a;
	uint8_t *e = realloc(s->enc, nc);
	if (!e)
		return -1;
	s->enc = e;
	memset(s->enc + *cap, 0, nc - *cap);
	*cap = nc;
	return 0;
}

/* Length in bytes of a NUL-terminated string of unit bytes at r[pos], terminator included; 0 when
   it runs off the package. */
static size_t str_len(const struct reader *r, size_t pos, size_t unit)
{
	for (size_t i = pos; i < r->len && unit <= r->len - i; i += unit) {
		if (r->p[i] == 0 && (unit == 1 || r->p[i + 1] == 0))
			return i + unit - pos;
	}
	return 0;
}

static int finding(struct hii_strings *s, size_t pos, const char *what)
{
	s->findings++;
	return diag_err(s->r.d, rd_abs(&s->r, pos), "string package %s: %s", s->lang, what);
}

int hii_strings_parse(const struct reader *r, struct hii_strings *out)
{
	memset(out, 0, sizeof(*out));
	out->r = *r;
	out->r.pos = 0;
	uint32_t h, hdr, info;
	if (rd_u32le_at(r, 0, &h, "string package header") < 0 || rd_u32le_at(r, 4, &hdr, "string package HdrSize") < 0 ||
	    rd_u32le_at(r, 8, &info, "string package StringInfoOffset") < 0)
		return -1;
	if (h >> 24 != HII_PKG_STRINGS)
		return diag_err(r->d, rd_abs(r, 3), "package type 0x%02x is not a string package (0x04)", h >> 24);
	if (hdr < STR_HDR_MIN || hdr > r->len || info < hdr || info > r->len)
		return diag_err(r->d, rd_abs(r, 4), "string package HdrSize 0x%x / StringInfoOffset 0x%x do not fit its 0x%zx bytes",
				hdr, info, r->len);
	size_t i = 0;
	for (; i + 1 < sizeof(out->lang) && 46 + i < hdr && r->p[46 + i]; i++)
		out->lang[i] = isprint(r->p[46 + i]) ? (char)r->p[46 + i] : '?';
	out->lang[i] = 0;
	uint32_t cap = 0, id = 1;
	size_t pos = info;
	while (pos < r->len) {
		uint8_t type = r->p[pos];
		size_t unit = 2, font = 0, n = 1, body = pos + 1;
		uint16_t cnt16;
		switch (type) {
		case 0x00:	/* end */
			return 0;
		case 0x10: unit = 1; break;
		case 0x11: unit = 1; font = 1; break;
		case 0x12: unit = 1; n = 0; break;
		case 0x13: unit = 1; font = 1; n = 0; break;
		case 0x14: break;
		case 0x15: font = 1; break;
		case 0x16: n = 0; break;
		case 0x17: font = 1; n = 0; break;
		case 0x20: {	/* duplicate */
			if (rd_u16le_at(r, pos + 1, &cnt16, "duplicate string block") < 0) {
				out->findings++;
				return 0;
			}
			if (id > HII_MAX_STRING_ID)
				return finding(out, pos, "more than 65535 string ids"), 0;
			if (grow(out, id, &cap) < 0)
				return diag_err(r->d, DIAG_NO_OFFSET, "out of memory");
			out->at[id] = cnt16;
			out->enc[id] = HII_ENC_DUP;
			out->count = id++;
			pos += 3;
			continue;
		}
		case 0x21:
		case 0x22: {	/* skip ids */
			uint16_t k;
			uint8_t k8;
			if (type == 0x21 ? rd_u16le_at(r, pos + 1, &k, "skip-2 string block") < 0
					 : rd_u8_at(r, pos + 1, &k8, "skip-1 string block") < 0) {
				out->findings++;
				return 0;
			}
			id += type == 0x21 ? k : k8;
			pos += type == 0x21 ? 3 : 2;
			continue;
		}
		case 0x30:
		case 0x31:
		case 0x32: {	/* extended blocks (fonts): length at offset 2, no id */
			uint32_t l = 0;
			uint8_t l8;
			uint16_t l16;
			int rc = type == 0x30 ? rd_u8_at(r, pos + 2, &l8, "extended string block length")
			       : type == 0x31 ? rd_u16le_at(r, pos + 2, &l16, "extended string block length")
					      : rd_u32le_at(r, pos + 2, &l, "extended string block length");
			if (rc < 0) {
				out->findings++;
				return 0;
			}
			l = type == 0x30 ? l8 : type == 0x31 ? l16 : l;
			if (l < 3 || l > r->len - pos)
				return finding(out, pos, "extended block length does not fit the package"), 0;
			pos += l;
			continue;
		}
		default:
			return finding(out, pos, "unknown string block type"), 0;
		}
		body += font;
		if (!n) {
			if (rd_u16le_at(r, body, &cnt16, "string block count") < 0) {
				out->findings++;
				return 0;
			}
			n = cnt16;
			body += 2;
		}
		if (body > r->len)
			return finding(out, pos, "string block runs off the package"), 0;
		for (size_t k = 0; k < n; k++) {
			size_t l = str_len(r, body, unit);
			if (!l)
				return finding(out, body, "string without a terminator"), 0;
			if (id > HII_MAX_STRING_ID)
				return finding(out, body, "more than 65535 string ids"), 0;
			if (grow(out, id, &cap) < 0)
				return diag_err(r->d, DIAG_NO_OFFSET, "out of memory");
			out->at[id] = (uint32_t)body;
			out->enc[id] = unit == 2 ? HII_ENC_UCS2 : HII_ENC_SCSU;
			out->count = id++;
			body += l;
		}
		pos = body;
	}
	finding(out, pos, "no end block");
	return 0;
}

void hii_strings_free(struct hii_strings *s)
{
	free(s->at);
	free(s->enc);
	s->at = NULL;
	s->enc = NULL;
	s->count = 0;
}

static size_t put_utf8(char *buf, size_t o, size_t len, unsigned c)
{
	char enc[4];
	size_t k;
	if (c < 0x20 || c == 0x7F || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		c = '?';
	if (c < 0x80)
		enc[0] = (char)c, k = 1;
	else if (c < 0x800)
		enc[0] = (char)(0xC0 | c >> 6), enc[1] = (char)(0x80 | (c & 0x3F)), k = 2;
	else if (c < 0x10000)
		enc[0] = (char)(0xE0 | c >> 12), enc[1] = (char)(0x80 | ((c >> 6) & 0x3F)), enc[2] = (char)(0x80 | (c & 0x3F)), k = 3;
	else
		enc[0] = (char)(0xF0 | c >> 18), enc[1] = (char)(0x80 | ((c >> 12) & 0x3F)), enc[2] = (char)(0x80 | ((c >> 6) & 0x3F)),
		enc[3] = (char)(0x80 | (c & 0x3F)), k = 4;
	if (o + k >= len)
		return o;
	memcpy(buf + o, enc, k);
	return o + k;
}

const char *hii_string(const struct hii_strings *s, uint16_t id, char *buf, size_t len)
{
	if (!len)
		return NULL;
	for (int hops = 0; hops < 8; hops++) {
		if (!id || id > s->count || !s->at)
			return NULL;
		if (s->enc[id] != HII_ENC_DUP)
			break;
		id = (uint16_t)s->at[id];
	}
	if (!id || id > s->count || s->enc[id] == HII_ENC_NONE || s->enc[id] == HII_ENC_DUP)
		return NULL;
	size_t o = 0, pos = s->at[id];
	const struct reader *r = &s->r;
	if (s->enc[id] == HII_ENC_UCS2) {
		for (; pos < r->len && r->len - pos >= 2; pos += 2) {
			unsigned c = le16(r->p + pos);
			if (!c)
				break;
			/* UTF-16 surrogate pairs, which UCS-2 text sometimes carries anyway */
			if (c >= 0xD800 && c < 0xDC00 && r->len - pos >= 4) {
				unsigned lo = le16(r->p + pos + 2);
				if (lo >= 0xDC00 && lo < 0xE000) {
					c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
					pos += 2;
				}
			}
			size_t was = o;
			o = put_utf8(buf, o, len, c);
			if (o == was)
				break;
		}
	} else {
		/* SCSU's default window maps bytes to Latin-1; tags (below 0x20) are not decoded. */
		for (; pos < r->len && r->p[pos]; pos++) {
			size_t was = o;
			o = put_utf8(buf, o, len, r->p[pos]);
			if (o == was)
				break;
		}
	}
	buf[o] = 0;
	return buf;
}
