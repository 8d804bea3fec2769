/* tree.c - node tree of a firmware walk: allocation within limits, findings, naming, rendering */
#include "fw/walk.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- allocation: one arena per image, freed at once by fw_close ---- */

struct fw_arena_chunk {
	struct fw_arena_chunk *next;
	size_t used, cap;
	_Alignas(16) unsigned char mem[];
};

#define ARENA_CHUNK ((size_t)64 << 10)
#define MAX_FINDINGS ((size_t)1 << 16)

void *walk_alloc(struct fw_image *img, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	struct fw_arena_chunk *c = img->arena;
	if (!c || c->cap - c->used < n) {
		size_t cap = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		/* A big private chunk goes behind the current one so the current keeps filling. */
		if (cap != ARENA_CHUNK && img->arena) {
			c->next = img->arena->next;
			img->arena->next = c;
		} else {
			c->next = img->arena;
			img->arena = c;
		}
	}
	void *p = c->mem + c->used;
	c->used += n;
	return p;
}

char *walk_strdup(struct fw_image *img, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = walk_alloc(img, n);
	if (p)
		memcpy(p, s, n);
	return p;
}

void fw_tree_free_arena(struct fw_image *img);
void fw_tree_free_arena(struct fw_image *img)
{
	while (img->arena) {
		struct fw_arena_chunk *c = img->arena;
		img->arena = c->next;
		free(c);
	}
	while (img->streams) {
		struct fw_stream *s = img->streams;
		img->streams = s->next;
		free(s->data);
		free(s);
	}
}

/* ---- nodes ---- */

struct fw_node *walk_node(struct fw_image *img, struct fw_node *parent, enum fw_node_kind kind,
			  const struct reader *r, size_t at, size_t len)
{
	unsigned depth = parent ? parent->depth + 1u : 0u;
	if (depth > FW_MAX_DEPTH) {
		walk_err(img, parent, parent->off, "nesting deeper than %d levels: contents not walked", FW_MAX_DEPTH);
		return NULL;
	}
	if (img->nodes >= img->max_nodes) {
		if (!img->node_cap_hit && parent)
			walk_err(img, parent, rd_abs(r, at), "more than %zu nodes: rest of the image not walked", img->max_nodes);
		img->node_cap_hit = true;
		return NULL;
	}
	struct fw_node *n = walk_alloc(img, sizeof(*n));
	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->depth = (uint16_t)depth;
	n->data = r->p + at;
	n->len = len;
	n->off = rd_abs(r, at);
	n->stream = img->cur_stream;
	n->parent = parent;
	if (parent) {
		if (parent->last)
			parent->last->next = n;
		else
			parent->first = n;
		parent->last = n;
	}
	img->nodes++;
	return n;
}

void walk_reader(const struct fw_image *img, const struct fw_node *n, struct reader *r)
{
	rd_init(r, n->data, n->len, n->off, img->d);
}

/* ---- findings ---- */

static void add_finding(struct fw_image *img, struct fw_node *n, enum diag_level lvl, uint64_t off, const char *msg)
{
	if (!n || img->findings >= MAX_FINDINGS)
		return;
	size_t ml = strlen(msg) + 1;
	struct fw_finding *f = walk_alloc(img, sizeof(*f) + ml);
	if (!f)
		return;
	f->level = lvl;
	f->off = off;
	memcpy(f->msg, msg, ml);
	f->next = NULL;
	struct fw_finding **pp = &n->findings;
	while (*pp)
		pp = &(*pp)->next;
	*pp = f;
	img->findings++;
}

int walk_adopt(struct fw_image *img, struct fw_node *n, size_t mark)
{
	if (!img->d)
		return -1;
	for (size_t i = mark; i < img->d->n; i++)
		add_finding(img, n, img->d->v[i].level, img->d->v[i].off, img->d->v[i].msg);
	return -1;
}

static int vrecord(struct fw_image *img, struct fw_node *n, enum diag_level lvl, uint64_t off,
		   const char *fmt, va_list ap)
{
	char msg[DIAG_MSG_MAX];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t mark = walk_mark(img);
	switch (lvl) {
	case DIAG_ERROR: diag_err(img->d, off, "%s", msg); break;
	case DIAG_WARN: diag_warn(img->d, off, "%s", msg); break;
	case DIAG_NOTE: diag_note(img->d, off, "%s", msg); break;
	}
	if (walk_mark(img) > mark)
		walk_adopt(img, n, mark);
	else
		add_finding(img, n, lvl, off, msg);	/* the diag is full; the tree still tells */
	return -1;
}

#define RECORD_FN(name, lvl)                                                                   \
	int name(struct fw_image *img, struct fw_node *n, uint64_t off, const char *fmt, ...) \
	{                                                                                      \
		va_list ap;                                                                    \
		va_start(ap, fmt);                                                             \
		vrecord(img, n, lvl, off, fmt, ap);                                            \
		va_end(ap);                                                                    \
		return -1;                                                                     \
	}
RECORD_FN(walk_err, DIAG_ERROR)
RECORD_FN(walk_warn, DIAG_WARN)
RECORD_FN(walk_note, DIAG_NOTE)

/* ---- inflated blocks ---- */

struct fw_stream *walk_stream(struct fw_image *img, uint8_t *data, size_t len, const struct fw_node *origin)
{
	struct fw_stream *s = malloc(sizeof(*s));
	if (!s) {
		free(data);
		return NULL;
	}
	s->data = data;
	s->len = len;
	s->origin = origin;
	s->next = img->streams;
	img->streams = s;
	return s;
}

void walk_stream_end(struct fw_image *img, const struct fw_stream *s, size_t mark)
{
	if (!img->d)
		return;
	char msg[DIAG_MSG_MAX + 48];	/* the prefix may push the tail of a long message out */
	for (size_t i = mark; i < img->d->n; i++) {
		struct diag_entry *e = &img->d->v[i];
		if (e->off == DIAG_NO_OFFSET)
			snprintf(msg, sizeof(msg), "inflated: %s", e->msg);
		else
			snprintf(msg, sizeof(msg), "inflated +0x%llx: %s", (unsigned long long)e->off, e->msg);
		memcpy(e->msg, msg, sizeof(e->msg) - 1);
		e->msg[sizeof(e->msg) - 1] = 0;
		e->off = s->origin->off;
	}
}

void fw_node_where(const struct fw_node *n, char *buf, size_t len)
{
	if (!len)
		return;
	if (!n->stream) {
		snprintf(buf, len, "0x%llx", (unsigned long long)n->off);
		return;
	}
	fw_node_where(n->stream->origin, buf, len);
	size_t used = strlen(buf);
	if (used < len)
		snprintf(buf + used, len - used, "+0x%llx", (unsigned long long)n->off);
}

/* ---- names (one table per enum) ---- */

const char *fw_kind_name(enum fw_node_kind k)
{
	static const char *const names[] = {
		[FWN_IMAGE] = "image", [FWN_REGION] = "region", [FWN_CAPSULE] = "capsule",
		[FWN_VOLUME] = "volume", [FWN_FILE] = "file", [FWN_SECTION] = "section",
		[FWN_FREE] = "free", [FWN_PADDING] = "padding",
	};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

const char *fw_comp_name(enum fw_comp c)
{
	static const char *const names[] = {
		[FW_COMP_NONE] = "none", [FW_COMP_EFI] = "EFI 1.1", [FW_COMP_TIANO] = "Tiano",
		[FW_COMP_LZMA] = "LZMA", [FW_COMP_LZMA_F86] = "LZMA x86", [FW_COMP_BROTLI] = "Brotli",
		[FW_COMP_FAILED] = "did not inflate",
	};
	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

const char *fw_file_type_name(uint8_t t)
{
	static const char *const names[] = {
		[0x00] = "all", [0x01] = "raw", [0x02] = "freeform", [0x03] = "SEC core",
		[0x04] = "PEI core", [0x05] = "DXE core", [0x06] = "PEI module", [0x07] = "DXE driver",
		[0x08] = "combined PEI/DXE", [0x09] = "application", [0x0A] = "MM module",
		[0x0B] = "volume image", [0x0C] = "combined MM/DXE", [0x0D] = "MM core",
		[0x0E] = "MM standalone", [0x0F] = "MM core standalone",
	};
	if (t < sizeof(names) / sizeof(names[0]))
		return names[t];
	if (t == 0xF0)
		return "pad";
	if (t >= 0xC0 && t <= 0xDF)
		return "OEM";
	if (t >= 0xE0 && t <= 0xEF)
		return "debug";
	if (t >= 0xF1)
		return "FFS";
	return "unknown";
}

const char *fw_section_type_name(uint8_t t)
{
	static const char *const names[] = {
		[0x01] = "compression", [0x02] = "GUID-defined", [0x03] = "disposable",
		[0x10] = "PE32", [0x11] = "PIC", [0x12] = "TE", [0x13] = "DXE dependency",
		[0x14] = "version", [0x15] = "UI", [0x16] = "16-bit", [0x17] = "volume image",
		[0x18] = "freeform subtype GUID", [0x19] = "raw", [0x1B] = "PEI dependency",
		[0x1C] = "MM dependency",
	};
	if (t < sizeof(names) / sizeof(names[0]) && names[t])
		return names[t];
	return "unknown";
}

const char *fw_region_name(unsigned i)
{
	static const char *const names[IFD_MAX_REGIONS] = {
		"descriptor", "BIOS", "ME", "GbE", "platform data", "device expansion", "secondary BIOS",
		"microcode", "EC", "device expansion 2", "IE", "10GbE 0", "10GbE 1", "reserved 13",
		"reserved 14", "PTT",
	};
	return i < IFD_MAX_REGIONS ? names[i] : "?";
}

static const struct {
	struct guid g;
	const char *name;
} guid_names[] = {
	{ GUID_INIT(0x8C8CE578, 0x8A3D, 0x4F1C, 0x99, 0x35, 0x89, 0x61, 0x85, 0xC3, 0x2D, 0xD3), "FFSv2" },
	{ GUID_INIT(0x5473C07A, 0x3DCB, 0x4DCA, 0xBD, 0x6F, 0x1E, 0x96, 0x89, 0xE7, 0x34, 0x9A), "FFSv3" },
	{ GUID_INIT(0xFFF12B8D, 0x7696, 0x4C8B, 0xA9, 0x85, 0x27, 0x47, 0x07, 0x5B, 0x4F, 0x50), "NVRAM" },
	{ GUID_INIT(0x04ADEEAD, 0x61FF, 0x4D31, 0xB6, 0xBA, 0x64, 0xF8, 0xBF, 0x90, 0x1F, 0x5A), "Apple boot volume" },
	{ GUID_INIT(0xBD001B8C, 0x6A71, 0x487B, 0xA1, 0x4F, 0x0C, 0x2A, 0x2D, 0xCF, 0x7A, 0x5D), "Apple boot volume 2" },
	{ GUID_INIT(0xAD3FFFFF, 0xD28B, 0x44C4, 0x9F, 0x13, 0x9E, 0xA9, 0x8A, 0x97, 0xF9, 0xF0), "Intel FS" },
	{ GUID_INIT(0xD6A1CD70, 0x4B33, 0x4994, 0xA6, 0xEA, 0x37, 0x5F, 0x2C, 0xCC, 0x54, 0x37), "Intel FS 2" },
	{ GUID_INIT(0x4F494156, 0xAED6, 0x4D64, 0xA5, 0x37, 0xB8, 0xA5, 0x55, 0x7B, 0xCE, 0xEC), "Sony FS" },
	{ GUID_INIT(0xEE4E5898, 0x3914, 0x4259, 0x9D, 0x6E, 0xDC, 0x7B, 0xD7, 0x94, 0x03, 0xCF), "LZMA" },
	{ GUID_INIT(0xD42AE6BD, 0x1352, 0x4BFB, 0x90, 0x9A, 0xCA, 0x72, 0xA6, 0xEA, 0xE8, 0x89), "LZMA x86" },
	{ GUID_INIT(0x3D532050, 0x5CDA, 0x4FD0, 0x87, 0x9E, 0x0F, 0x7F, 0x63, 0x0D, 0x5A, 0xFB), "Brotli" },
	{ GUID_INIT(0xA31280AD, 0x481E, 0x41B6, 0x95, 0xE8, 0x12, 0x7F, 0x4C, 0x98, 0x47, 0x79), "Tiano" },
	{ GUID_INIT(0xFC1BCDB0, 0x7D31, 0x49AA, 0x93, 0x6A, 0xA4, 0x60, 0x0D, 0x9D, 0xD0, 0x83), "CRC32" },
	{ GUID_INIT(0xA7717414, 0xC616, 0x4977, 0x94, 0x20, 0x84, 0x47, 0x12, 0xA7, 0x35, 0xBF), "RSA2048/SHA256 signed" },
	{ GUID_INIT(0x1BA0062E, 0xC779, 0x4582, 0x85, 0x66, 0x33, 0x6A, 0xE8, 0xF7, 0x8F, 0x09), "Volume Top File" },
	{ GUID_INIT(0x3B6686BD, 0x0D76, 0x4030, 0xB7, 0x0E, 0xB5, 0x51, 0x9E, 0x2F, 0xC5, 0xA0), "EFI capsule" },
	{ GUID_INIT(0x6DCBD5ED, 0xE82D, 0x4C44, 0xBD, 0xA1, 0x71, 0x94, 0x19, 0x9A, 0xD9, 0x2A), "FMP capsule" },
	{ GUID_INIT(0x539182B9, 0xABB5, 0x4391, 0xB6, 0x9A, 0xE3, 0xA9, 0x43, 0xF7, 0x2F, 0xCC), "Intel capsule" },
	{ GUID_INIT(0x4A3CA68B, 0x7723, 0x48FB, 0x80, 0x3D, 0x57, 0x8C, 0xC1, 0xFE, 0xC4, 0x4D), "AMI Aptio signed capsule" },
	{ GUID_INIT(0x14EEBB90, 0x890A, 0x43DB, 0xAE, 0xD1, 0x5D, 0x3C, 0x45, 0x88, 0xA4, 0x18), "AMI Aptio capsule" },
	{ GUID_INIT(0x1647B4F3, 0x3E8A, 0x4FDD, 0x81, 0xC8, 0x32, 0x8E, 0xD6, 0x47, 0xAB, 0x1A), "Intel GOP driver" },
	{ GUID_INIT(0x5BBA83E6, 0xF027, 0x4CA7, 0xBF, 0xD0, 0x16, 0x35, 0x8C, 0xC9, 0xE1, 0x23), "Intel GOP driver" },
	{ GUID_INIT(0x7755CA7B, 0xCA8F, 0x43C5, 0x88, 0x9B, 0xE1, 0xF5, 0x9A, 0x93, 0xD5, 0x75), "Intel GOP driver" },
};

const char *fw_guid_name(const struct guid *g)
{
	for (size_t i = 0; i < sizeof(guid_names) / sizeof(guid_names[0]); i++)
		if (guid_eq(&guid_names[i].g, g))
			return guid_names[i].name;
	return NULL;
}

const char *fw_file_state_name(uint8_t s)
{
	/* The highest state bit set is where the file's life ended. */
	if (s & 0x20)
		return "header invalid";
	if (s & 0x10)
		return "deleted";
	if (s & 0x08)
		return "marked for update";
	if (s & 0x04)
		return "valid";
	if (s & 0x02)
		return "header only";
	if (s & 0x01)
		return "under construction";
	return "empty";
}

/* ---- rendering ---- */

static void describe(const struct fw_node *n, char *buf, size_t len)
{
	char g[GUID_STR_LEN], g2[GUID_STR_LEN];
	const char *gn = fw_guid_name(&n->guid);
	guid_fmt(&n->guid, g);
	switch (n->kind) {
	case FWN_IMAGE:
		snprintf(buf, len, "%s", n->name ? n->name : "");
		break;
	case FWN_REGION:
		snprintf(buf, len, "%s (region %u) 0x%llx-0x%llx", n->name ? n->name : "", n->type,
			 (unsigned long long)n->off, (unsigned long long)(n->off + n->extra - 1));
		break;
	case FWN_CAPSULE:
		snprintf(buf, len, "%s%s%s%s", g, gn ? " (" : "", gn ? gn : "", gn ? ")" : "");
		break;
	case FWN_VOLUME:
		if (n->flags & FWN_EXT_HEADER) {
			guid_fmt(&n->guid2, g2);
			snprintf(buf, len, "%s %s", g2, gn ? gn : g);
		} else {
			snprintf(buf, len, "%s", gn ? gn : g);
		}
		break;
	case FWN_FILE: {
		const char *st = fw_file_state_name(n->state);
		snprintf(buf, len, "%s %s%s%s%s%s%s%s", g, fw_file_type_name(n->type),
			 n->name ? " \"" : "", n->name ? n->name : "", n->name ? "\"" : "",
			 strcmp(st, "valid") ? " [" : "", strcmp(st, "valid") ? st : "", strcmp(st, "valid") ? "]" : "");
		break;
	}
	case FWN_SECTION:
		if (n->type == 0x02 || n->type == 0x18)
			snprintf(buf, len, "%s %s%s%s", fw_section_type_name(n->type), g, gn ? " " : "", gn ? gn : "");
		else if ((n->type == 0x15 || n->type == 0x14) && n->name)
			snprintf(buf, len, "%s \"%s\"", fw_section_type_name(n->type), n->name);
		else
			snprintf(buf, len, "%s", fw_section_type_name(n->type));
		break;
	case FWN_FREE:
	case FWN_PADDING:
		snprintf(buf, len, "%s", n->name ? n->name : "");
		break;
	}
}

static void print_node(FILE *f, const struct fw_node *n)
{
	char where[128], what[256];
	fw_node_where(n, where, sizeof(where));
	describe(n, what, sizeof(what));
	fprintf(f, "%*s%-10s %-8s %s  size 0x%zx", (int)n->depth * 2, "", where, fw_kind_name(n->kind), what, n->len);
	if (n->comp)
		fprintf(f, "  compression %s", fw_comp_name((enum fw_comp)n->comp));
	fputc('\n', f);
	for (const struct fw_finding *fi = n->findings; fi; fi = fi->next) {
		if (fi->off == DIAG_NO_OFFSET)
			fprintf(f, "%*s  ! %s: %s\n", (int)n->depth * 2, "", diag_level_name(fi->level), fi->msg);
		else
			fprintf(f, "%*s  ! %s: %s0x%llx: %s\n", (int)n->depth * 2, "", diag_level_name(fi->level),
				n->stream ? "+" : "", (unsigned long long)fi->off, fi->msg);
	}
}

/* The node after n in a pre-order walk of root's subtree, or NULL: iterative, so
 * no recursion depth to think about. */
static const struct fw_node *preorder_next(const struct fw_node *n, const struct fw_node *root)
{
	if (n->first)
		return n->first;
	while (n != root && !n->next)
		n = n->parent;
	return n == root ? NULL : n->next;
}

void fw_tree_print(FILE *f, const struct fw_node *root)
{
	for (const struct fw_node *n = root; n; n = preorder_next(n, root))
		print_node(f, n);
}

static void json_node(struct json *j, const char *key, const struct fw_node *n)
{
	char buf[256], g[GUID_STR_LEN];
	json_obj(j, key);
	json_str(j, "kind", fw_kind_name(n->kind));
	fw_node_where(n, buf, sizeof(buf));
	json_str(j, "offset", buf);
	json_bool(j, "inflated", n->stream != NULL);
	json_uint(j, "size", n->len);
	json_uint(j, "header_size", n->hdr_len);
	switch (n->kind) {
	case FWN_REGION:
		json_uint(j, "index", n->type);
		json_str(j, "name", n->name);
		json_hex(j, "base", n->off);
		json_hex(j, "limit", n->off + n->extra - 1);
		break;
	case FWN_IMAGE:
	case FWN_FREE:
	case FWN_PADDING:
		json_str(j, "name", n->name);
		break;
	case FWN_CAPSULE:
	case FWN_VOLUME:
		guid_fmt(&n->guid, g);
		json_str(j, "guid", g);
		json_str(j, "guid_name", fw_guid_name(&n->guid));
		if (n->kind == FWN_VOLUME) {
			if (n->flags & FWN_EXT_HEADER) {
				guid_fmt(&n->guid2, g);
				json_str(j, "fv_name", g);
			}
			json_bool(j, "erase_polarity_1", n->flags & FWN_ERASE_ONE);
		}
		break;
	case FWN_FILE:
		guid_fmt(&n->guid, g);
		json_str(j, "guid", g);
		json_str(j, "guid_name", fw_guid_name(&n->guid));
		json_uint(j, "type", n->type);
		json_str(j, "type_name", fw_file_type_name(n->type));
		json_str(j, "ui_name", n->name);
		json_str(j, "state", fw_file_state_name(n->state));
		json_bool(j, "large", n->flags & FWN_LARGE);
		break;
	case FWN_SECTION:
		json_uint(j, "type", n->type);
		json_str(j, "type_name", fw_section_type_name(n->type));
		if (n->type == 0x02 || n->type == 0x18) {
			guid_fmt(&n->guid, g);
			json_str(j, "guid", g);
			json_str(j, "guid_name", fw_guid_name(&n->guid));
		}
		if (n->name)
			json_str(j, "text", n->name);
		break;
	}
	if (n->comp)
		json_str(j, "compression", fw_comp_name((enum fw_comp)n->comp));
	if (n->findings) {
		json_arr(j, "findings");
		for (const struct fw_finding *fi = n->findings; fi; fi = fi->next) {
			json_obj(j, NULL);
			json_str(j, "level", diag_level_name(fi->level));
			if (fi->off != DIAG_NO_OFFSET)
				json_hex(j, "offset", fi->off);
			json_str(j, "message", fi->msg);
			json_obj_end(j);
		}
		json_arr_end(j);
	}
	if (n->first) {
		json_arr(j, "children");
		for (const struct fw_node *c = n->first; c; c = c->next)
			json_node(j, NULL, c);
		json_arr_end(j);
	}
	json_obj_end(j);
}

void fw_tree_json(struct json *j, const char *key, const struct fw_node *root)
{
	json_node(j, key, root);
}

size_t fw_tree_count_findings(const struct fw_node *root)
{
	size_t k = 0;
	for (const struct fw_node *n = root; n; n = preorder_next(n, root))
		for (const struct fw_finding *fi = n->findings; fi; fi = fi->next)
			k += fi->level != DIAG_NOTE;
	return k;
}
