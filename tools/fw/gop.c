/* gop.c - finding what an IGD option ROM is made of: the Intel GOP driver, the VBT, the legacy VBIOS
 *
 * GOP: a DXE driver file whose GUID is a known Intel GOP GUID, or whose UI name says IntelGopDriver,
 * or whose PE32 body carries the UTF-16 name "Intel(R) GOP Driver". PEI modules (IntelGraphicsPeim
 * in FSP images) never qualify. The driver's data holds its build number as a UTF-16 string after
 * the name, and a table of the PCI device IDs it drives (u16 runs sharing a high byte).
 * VBT: a raw section (or raw/freeform file body) starting with "$VBT".
 * VBIOS: a raw or 16-bit section starting with 55 AA whose PCIR says vendor 8086, class 03.
 */
#define _GNU_SOURCE /* memmem, strcasestr */
#include "fw/walk.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MAX_LISTED 16

static const struct guid gop_guids[] = {
	GUID_INIT(0x1647B4F3, 0x3E8A, 0x4FDD, 0x81, 0xC8, 0x32, 0x8E, 0xD6, 0x47, 0xAB, 0x1A),
	GUID_INIT(0x5BBA83E6, 0xF027, 0x4CA7, 0xBF, 0xD0, 0x16, 0x35, 0x8C, 0xC9, 0xE1, 0x23),
	GUID_INIT(0x7755CA7B, 0xCA8F, 0x43C5, 0x88, 0x9B, 0xE1, 0xF5, 0x9A, 0x93, 0xD5, 0x75),
};

/* "Intel(R) GOP Driver" in UTF-16LE */
static const uint8_t gop_name16[] = {
	'I', 0, 'n', 0, 't', 0, 'e', 0, 'l', 0, '(', 0, 'R', 0, ')', 0, ' ', 0, 'G', 0,
	'O', 0, 'P', 0, ' ', 0, 'D', 0, 'r', 0, 'i', 0, 'v', 0, 'e', 0, 'r', 0,
};

bool gop_is_intel_gop(const uint8_t *pe, size_t len)
{
	return len >= 2 && pe[0] == 'M' && pe[1] == 'Z' && memmem(pe, len, gop_name16, sizeof(gop_name16));
}

/* A UTF-16 run of ASCII digits at p (even-aligned), NUL-terminated; its digit count or 0. */
static size_t digits16(const uint8_t *p, size_t left, char *out, size_t outlen)
{
	size_t k = 0;
	while (2 * k + 1 < left && p[2 * k] >= '0' && p[2 * k] <= '9' && p[2 * k + 1] == 0)
		k++;
	if (!k || 2 * k + 1 >= left || p[2 * k] || p[2 * k + 1] || k >= outlen)
		return 0;
	for (size_t i = 0; i < k; i++)
		out[i] = (char)p[2 * i];
	out[k] = 0;
	return k;
}

static bool is_digit16(const uint8_t *p) { return p[0] >= '0' && p[0] <= '9' && p[1] == 0; }

/* Backwards from *q: 1..3 UTF-16 NULs, then 1..2 UTF-16 digits; moves *q before them. */
static bool back_number(const uint8_t *pe, size_t *q, char out[4])
{
	size_t p = *q, nul = 0, k = 0;
	while (p >= 2 && nul < 3 && !pe[p - 2] && !pe[p - 1])
		p -= 2, nul++;
	if (!nul)
		return false;
	while (p >= 2 && k < 2 && is_digit16(pe + p - 2))
		p -= 2, k++;
	if (!k || (p >= 2 && is_digit16(pe + p - 2)))
		return false;
	for (size_t i = 0; i < k; i++)
		out[i] = (char)pe[p + 2 * i];
	out[k] = 0;
	*q = p;
	return true;
}

const char *gop_version(const uint8_t *pe, size_t len, char *buf, size_t buflen)
{
	buf[0] = 0;
	const uint8_t *name = memmem(pe, len, gop_name16, sizeof(gop_name16));
	if (!name)
		return buf;
	size_t at = (size_t)(name - pe) + sizeof(gop_name16);
	size_t end = len - at < 0x200 ? len : at + 0x200;
	/* The build number is the first 3..6-digit UTF-16 string after the name (after a NUL). */
	for (size_t o = at; o + 2 <= end; o += 2) {
		char build[8];
		size_t k;
		if (o < 2 || pe[o - 1] || pe[o - 2] || !(k = digits16(pe + o, len - o, build, sizeof(build))) || k < 3 || k > 6)
			continue;
		/* Some builds keep major and minor as short UTF-16 strings just before the build. */
		char major[4] = "", minor[4] = "";
		size_t q = o;
		if (back_number(pe, &q, minor) && back_number(pe, &q, major))
			;
		else
			major[0] = 0;
		if (major[0])
			snprintf(buf, buflen, "%s.%s.%s", major, minor, build);
		else
			snprintf(buf, buflen, "build %s", build);
		return buf;
	}
	return buf;
}

enum fw_match gop_supports(const uint8_t *pe, size_t len, uint16_t device)
{
	if (!device)
		return FW_MATCH_UNKNOWN;
	/* A table entry: the device ID with a neighbour from the same family (same high byte). */
	for (size_t o = 0; o + 2 <= len; o += 2) {
		if (le16(pe + o) != device)
			continue;
		uint16_t prev = o >= 2 ? le16(pe + o - 2) : 0, next = o + 4 <= len ? le16(pe + o + 2) : 0;
		if ((prev && prev >> 8 == device >> 8 && prev != device) || (next && next >> 8 == device >> 8 && next != device))
			return FW_MATCH_YES;
	}
	return FW_MATCH_NO;
}

/* ---- walking the tree for candidates ---- */

static const struct fw_node *next_node(const struct fw_node *n, const struct fw_node *root)
{
	if (n->first)
		return n->first;
	while (n && n != root && !n->next)
		n = n->parent;
	return n && n != root ? n->next : NULL;
}

/* The first section of a type inside a file, not descending into nested files. */
static const struct fw_node *file_section(const struct fw_node *file, uint8_t type)
{
	for (const struct fw_node *n = file->first; n; ) {
		if (n->kind == FWN_SECTION && n->type == type)
			return n;
		if (n->first && n->kind == FWN_SECTION)
			n = n->first;
		else {
			while (n && n != file && !n->next)
				n = n->parent;
			n = n && n != file ? n->next : NULL;
		}
	}
	return NULL;
}

static bool is_gop_guid(const struct guid *g)
{
	for (size_t i = 0; i < sizeof(gop_guids) / sizeof(gop_guids[0]); i++)
		if (guid_eq(g, &gop_guids[i]))
			return true;
	return false;
}

static void blob_from(struct fw_blob *b, enum fw_blob_kind kind, const struct fw_node *file, const struct fw_node *sec,
		      const uint8_t *data, size_t len)
{
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->file = file;
	b->section = sec;
	b->data = data;
	b->len = len;
	if (file) {
		b->file_guid = file->guid;
		if (file->name)
			snprintf(b->ui_name, sizeof(b->ui_name), "%s", file->name);
	}
}

static bool vbios_pcir(const uint8_t *p, size_t len, uint16_t *vendor, uint16_t *device)
{
	if (len < 0x1A || p[0] != 0x55 || p[1] != 0xAA)
		return false;
	size_t pcir = le16(p + 0x18);
	if (pcir > len || len - pcir < 0x18 || memcmp(p + pcir, "PCIR", 4))
		return false;
	*vendor = le16(p + pcir + 4);
	*device = le16(p + pcir + 6);
	return p[pcir + 0x0F] == 0x03 && p[pcir + 0x14] == 0x00;	/* display controller, x86 code */
}

static bool volume_has_gop_for(const struct fw_node *n, uint16_t device);

static bool candidate(const struct fw_node *n, enum fw_blob_kind kind, const struct guid *guid, struct fw_blob *b)
{
	if (kind == FW_BLOB_GOP) {
		if (n->kind != FWN_FILE || (n->type != 0x07 && n->type != 0x08 && n->type != 0x0C))
			return false;
		const struct fw_node *pe = file_section(n, 0x10);
		if (!pe)
			return false;
		bool named = n->name && strcasestr(n->name, "gop") && strcasestr(n->name, "intel");
		if (!is_gop_guid(&n->guid) && !named && !gop_is_intel_gop(fwn_body(pe), fwn_body_len(pe)))
			return false;
		blob_from(b, kind, n, pe, fwn_body(pe), fwn_body_len(pe));
		gop_version(b->data, b->len, b->version, sizeof(b->version));
		return true;
	}
	if (kind == FW_BLOB_GUID) {
		if (n->kind != FWN_FILE || !guid_eq(&n->guid, guid))
			return false;
		const struct fw_node *s = file_section(n, 0x10);
		if (!s)
			s = file_section(n, 0x12);
		if (!s)
			s = file_section(n, 0x19);
		if (s)
			blob_from(b, kind, n, s, fwn_body(s), fwn_body_len(s));
		else
			blob_from(b, kind, n, NULL, fwn_body(n), fwn_body_len(n));
		return true;
	}
	/* VBT and VBIOS: raw sections, and bodies of raw files. */
	const uint8_t *p;
	size_t len;
	const struct fw_node *file, *sec = NULL;
	if (n->kind == FWN_SECTION && (n->type == 0x19 || (kind == FW_BLOB_VBIOS && n->type == 0x16))) {
		sec = n;
		for (file = n->parent; file && file->kind != FWN_FILE; file = file->parent)
			;
	} else if (n->kind == FWN_FILE && n->type == 0x01) {
		file = n;
	} else {
		return false;
	}
	p = fwn_body(n);
	len = fwn_body_len(n);
	if (kind == FW_BLOB_VBT) {
		if (len < 0x20 || memcmp(p, "$VBT", 4))
			return false;
		blob_from(b, kind, file, sec, p, len);
		size_t k = 20;
		while (k > 0 && (p[k - 1] == ' ' || p[k - 1] == 0))
			k--;
		for (size_t i = 0; i < k; i++)
			b->version[i] = p[i] >= 0x20 && p[i] < 0x7F ? (char)p[i] : '?';
		b->version[k] = 0;
		return true;
	}
	uint16_t vendor = 0, device = 0;
	if (!vbios_pcir(p, len, &vendor, &device) || vendor != 0x8086) {
		/* CSM modules keep several option ROMs in one raw body, each on a 512-byte boundary. */
		size_t at = 512;
		while (at < len && !(vbios_pcir(p + at, len - at, &vendor, &device) && vendor == 0x8086))
			at += 512;
		if (at >= len)
			return false;
		size_t img = (size_t)p[at + 2] * 512;
		p += at;
		len = img && img < len - at ? img : len - at;
	}
	blob_from(b, kind, file, sec, p, len);
	b->vendor = vendor;
	b->device = device;
	snprintf(b->version, sizeof(b->version), "%04x:%04x", vendor, device);
	return true;
}

static const struct fw_node *volume_of(const struct fw_node *n)
{
	while (n && n->kind != FWN_VOLUME)
		n = n->parent;
	return n;
}

static bool volume_has_gop_for(const struct fw_node *vbt, uint16_t device)
{
	const struct fw_node *vol = volume_of(vbt);
	if (!vol)
		return false;
	struct fw_blob b;
	for (const struct fw_node *n = vol->first; n; n = next_node(n, vol))
		if (candidate(n, FW_BLOB_GOP, NULL, &b) && gop_supports(b.data, b.len, device) == FW_MATCH_YES)
			return true;
	return false;
}

size_t fw_candidates(const struct fw_image *img, enum fw_blob_kind kind, const struct guid *guid, uint16_t device,
		     struct fw_blob *out, size_t max)
{
	size_t k = 0;
	struct fw_blob b;
	if (!img->root)
		return 0;
	for (const struct fw_node *n = img->root; n; n = next_node(n, img->root)) {
		if (!candidate(n, kind, guid, &b))
			continue;
		if (device) {
			if (kind == FW_BLOB_GOP)
				b.match = gop_supports(b.data, b.len, device);
			else if (kind == FW_BLOB_VBIOS)
				b.match = b.device == device ? FW_MATCH_YES : FW_MATCH_NO;
			else if (kind == FW_BLOB_VBT)
				b.match = volume_has_gop_for(b.file ? b.file : b.section, device) ? FW_MATCH_YES : FW_MATCH_UNKNOWN;
		}
		if (out && k < max)
			out[k] = b;
		k++;
	}
	return k;
}

static const char *kind_name(enum fw_blob_kind k)
{
	switch (k) {
	case FW_BLOB_GOP: return "Intel GOP driver";
	case FW_BLOB_VBT: return "VBT";
	case FW_BLOB_VBIOS: return "Intel legacy VBIOS";
	case FW_BLOB_GUID: return "file with that GUID";
	}
	return "?";
}

static bool same_bytes(const struct fw_blob *a, const struct fw_blob *b)
{
	return a->len == b->len && !memcmp(a->data, b->data, a->len);
}

int fw_find(const struct fw_image *img, enum fw_blob_kind kind, const struct guid *guid, uint16_t device,
	    struct fw_blob *out, struct diag *d)
{
	struct fw_blob c[MAX_LISTED];
	size_t n = fw_candidates(img, kind, guid, device, c, MAX_LISTED);
	size_t shown = n < MAX_LISTED ? n : MAX_LISTED;
	if (!n)
		return diag_err(d, DIAG_NO_OFFSET, "no %s in this image", kind_name(kind));
	/* Identical copies (backup volumes, duplicated regions) are one candidate: keep the first of each. */
	size_t u[MAX_LISTED], nu = 0;
	for (size_t i = 0; i < shown; i++) {
		size_t k = 0;
		while (k < nu && !same_bytes(&c[u[k]], &c[i]))
			k++;
		if (k == nu)
			u[nu++] = i;
	}
	if (nu == 1 && n <= MAX_LISTED) {
		*out = c[0];
		if (device && c[0].match == FW_MATCH_NO) {
			char where[96];
			fw_node_where(c[0].section ? c[0].section : c[0].file, where, sizeof(where));
			diag_warn(d, DIAG_NO_OFFSET, "the %s at %s does not list device 8086:%04x", kind_name(kind), where, device);
		}
		return 0;
	}
	size_t yes = 0, pick = 0;
	for (size_t k = 0; k < nu; k++)
		if (c[u[k]].match == FW_MATCH_YES && !yes++)
			pick = u[k];
	if (device && yes == 1) {
		*out = c[pick];
		return 0;
	}
	char list[DIAG_MSG_MAX - 100];
	size_t o = 0;
	for (size_t k = 0; k < nu && o < sizeof(list); k++) {
		char where[64];
		const struct fw_blob *b = &c[u[k]];
		fw_node_where(b->section ? b->section : b->file, where, sizeof(where));
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s%s%s", k ? "; " : "", where, b->version[0] ? " " : "", b->version);
	}
	const char *more = n > MAX_LISTED ? "at least " : "";
	if (!device)
		return diag_err(d, DIAG_NO_OFFSET, "%s%zu different %ss in this image (%s): choose one with --device 8086:DEVID", more,
				nu, kind_name(kind), list);
	return diag_err(d, DIAG_NO_OFFSET, "%s%zu different %ss in this image (%s), %s device 8086:%04x: choose with --guid", more,
			nu, kind_name(kind), list, yes ? "several serve" : "none says it serves", device);
}

const char *fw_match_name(enum fw_match m)
{
	return m == FW_MATCH_YES ? "yes" : m == FW_MATCH_NO ? "no" : "unknown";
}

void fw_blob_where(const struct fw_blob *b, char *buf, size_t len)
{
	const struct fw_node *n = b->section ? b->section : b->file;
	if (n)
		fw_node_where(n, buf, len);
	else
		snprintf(buf, len, "?");
}

static void blob_line(FILE *f, const char *label, const struct fw_blob *b, bool device, bool brief)
{
	const char *q = b->ui_name[0] ? "\"" : "";
	if (brief) {
		fprintf(f, "%s: %zu bytes%s%s%s%s", label, b->len, b->ui_name[0] ? ", " : "", q, b->ui_name, q);
	} else {
		char where[128];
		fw_blob_where(b, where, sizeof(where));
		fprintf(f, "%s at %s: %zu bytes", label, where, b->len);
		if (b->file) {
			char g[GUID_STR_LEN];
			guid_fmt(&b->file_guid, g);
			fprintf(f, ", file %s%s%s%s%s", g, b->ui_name[0] ? " " : "", q, b->ui_name, q);
		}
	}
	if (b->version[0])
		fprintf(f, ", %s", b->version);
	if (device)
		fprintf(f, ", serves the device: %s", fw_match_name(b->match));
	fputc('\n', f);
}

void fw_blob_print(FILE *f, const char *label, const struct fw_blob *b, bool device)
{
	blob_line(f, label, b, device, false);
}

void fw_blobs_print(FILE *f, const struct fw_image *img, uint16_t device, bool brief)
{
	static const enum fw_blob_kind kinds[] = { FW_BLOB_GOP, FW_BLOB_VBT, FW_BLOB_VBIOS };
	static const char *const labels[] = { "GOP", "VBT", "VBIOS" };
	struct fw_blob c[FW_BLOBS_PRINT_MAX];
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t n = fw_candidates(img, kinds[k], NULL, device, c, FW_BLOBS_PRINT_MAX);
		for (size_t i = 0; i < n && i < FW_BLOBS_PRINT_MAX; i++)
			blob_line(f, labels[k], &c[i], device != 0, brief);
		if (n > FW_BLOBS_PRINT_MAX)
			fprintf(f, "%s: %zu more\n", labels[k], n - FW_BLOBS_PRINT_MAX);
		if (!n)
			fprintf(f, "%s: none\n", labels[k]);
	}
}
