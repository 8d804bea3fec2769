/* dmar.c - ACPI DMAR table parser (layout: reference/acpi-dmar.md)
 *
 * Hostile-input rules: every read goes through the bounds-checked reader;
 * every Length is checked against its container before use; a zero or short
 * Length is an error, never a loop; arrays grow only with what the bytes
 * actually hold (a scope needs >= 6 bytes, a hop 2), so memory stays
 * proportional to the table.
 */
#include "host/dmar.h"

#include <stdlib.h>
#include <string.h>

#include "lib/reader.h"

/* Real tables are a few hundred bytes; 1 MiB leaves room and bounds the work. */
#define DMAR_MAX_LEN (1u << 20)

static const struct {
	const char *name, *key;
	uint16_t fixed;	/* bytes after the 4-byte structure header */
} type_info[] = {
	[DMAR_DRHD] = { "DMA remapping hardware unit (DRHD)", "drhd", 12 },
	[DMAR_RMRR] = { "reserved memory region (RMRR)", "rmrr", 20 },
	[DMAR_ATSR] = { "root port ATS capability (ATSR)", "atsr", 4 },
	[DMAR_RHSA] = { "remapping hardware NUMA affinity (RHSA)", "rhsa", 16 },
	[DMAR_ANDD] = { "ACPI namespace device (ANDD)", "andd", 4 },
	[DMAR_SATC] = { "SoC integrated address translation cache (SATC)", "satc", 4 },
	[DMAR_SIDP] = { "SoC integrated device property (SIDP)", "sidp", 4 },
};
#define NTYPES (sizeof(type_info) / sizeof(type_info[0]))

const char *dmar_type_name(unsigned type)
{
	return type < NTYPES ? type_info[type].name : "reserved structure type";
}

const char *dmar_type_key(unsigned type)
{
	return type < NTYPES ? type_info[type].key : "unknown";
}

const char *dmar_scope_type_name(unsigned type)
{
	static const char *const n[] = { "reserved", "PCI endpoint", "PCI bridge", "IOAPIC", "MSI-capable HPET",
					 "ACPI namespace device" };
	return type < sizeof(n) / sizeof(n[0]) ? n[type] : "reserved";
}

static void *grow(void *v, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return v;
	size_t nc = *cap ? *cap * 2 : 8;
	while (nc < need)
		nc *= 2;
	void *nv = realloc(v, nc * elem);
	if (nv)
		*cap = nc;
	return nv;
}

struct parse {
	struct dmar_table *t;
	size_t cap_units, cap_scopes, cap_hops;
	struct diag *d;
};

static int parse_scopes(struct parse *p, struct reader *r, struct dmar_unit *u)
{
	u->scope_first = p->t->nscopes;
	u->nscope = 0;
	while (rd_left(r) > 0) {
		uint64_t off = rd_off(r);
		uint8_t type, len;
		if (rd_u8_at(r, r->pos, &type, "device scope Type") < 0 ||
		    rd_u8_at(r, r->pos + 1, &len, "device scope Length") < 0)
			return -1;
		if (len < 6)
			return diag_err(p->d, off, "device scope Length %u is shorter than its 6-byte header", len);
		if (len > rd_left(r))
			return diag_err(p->d, off, "device scope Length %u runs past its structure (%zu bytes left)",
					len, rd_left(r));
		if ((len - 6) % 2)
			return diag_err(p->d, off, "device scope Length %u leaves half a path entry", len);
		struct reader s;
		if (rd_sub(r, len, &s, "device scope") < 0)
			return -1;
		struct dmar_scope sc = { .off = off, .type = type, .length = len };
		rd_skip(&s, 2, "scope header");
		if (rd_u8(&s, &sc.flags, "scope Flags") < 0 || rd_skip(&s, 1, "scope Reserved") < 0 ||
		    rd_u8(&s, &sc.enum_id, "scope Enumeration ID") < 0 || rd_u8(&s, &sc.bus, "scope Start Bus") < 0)
			return -1;
		sc.npath = (uint8_t)((len - 6) / 2);
		if (sc.npath == 0 && (type == DMAR_SCOPE_ENDPOINT || type == DMAR_SCOPE_BRIDGE))
			diag_warn(p->d, off, "PCI device scope has an empty path");
		struct dmar_table *t = p->t;
		void *nh = grow(t->hops, &p->cap_hops, t->nhops + sc.npath, sizeof(*t->hops));
		void *ns = grow(t->scopes, &p->cap_scopes, t->nscopes + 1, sizeof(*t->scopes));
		if (!nh || !ns) {
			if (nh)
				t->hops = nh;
			if (ns)
				t->scopes = ns;
			return diag_err(p->d, off, "out of memory");
		}
		t->hops = nh;
		t->scopes = ns;
		sc.path_first = t->nhops;
		for (unsigned i = 0; i < sc.npath; i++) {
			if (rd_u8(&s, &t->hops[t->nhops][0], "path Device") < 0 ||
			    rd_u8(&s, &t->hops[t->nhops][1], "path Function") < 0)
				return -1;
			if (t->hops[t->nhops][0] > 31 || t->hops[t->nhops][1] > 7)
				diag_warn(p->d, rd_off(&s) - 2, "path entry %02x.%x is not a PCI device/function",
					  t->hops[t->nhops][0], t->hops[t->nhops][1]);
			t->nhops++;
		}
		t->scopes[t->nscopes++] = sc;
		u->nscope++;
	}
	return 0;
}

/* One remapping structure; r is its whole window (header included). */
static int parse_unit(struct parse *p, struct reader *r, struct dmar_unit *u)
{
	uint16_t fixed = u->type < NTYPES ? type_info[u->type].fixed : 0;
	if (u->length - 4u < fixed)
		return diag_err(p->d, u->off, "%s Length %u is shorter than its %u-byte fixed part",
				dmar_type_name(u->type), u->length, 4u + fixed);
	rd_skip(r, 4, "structure header");
	uint8_t b;
	switch (u->type) {
	case DMAR_DRHD:
		if (rd_u8(r, &u->flags, "DRHD Flags") < 0 || rd_u8(r, &u->size, "DRHD Size") < 0 ||
		    rd_u16le(r, &u->segment, "DRHD Segment") < 0 || rd_u64le(r, &u->base, "DRHD Register Base") < 0)
			return -1;
		break;
	case DMAR_RMRR:
		if (rd_skip(r, 2, "RMRR Reserved") < 0 || rd_u16le(r, &u->segment, "RMRR Segment") < 0 ||
		    rd_u64le(r, &u->base, "RMRR Base") < 0 || rd_u64le(r, &u->limit, "RMRR Limit") < 0)
			return -1;
		if (u->limit < u->base)
			diag_warn(p->d, u->off + 16, "RMRR limit 0x%llx is below its base 0x%llx",
				  (unsigned long long)u->limit, (unsigned long long)u->base);
		else if ((u->base & 0xfff) || ((u->limit - u->base + 1) & 0xfff))
			diag_warn(p->d, u->off + 8, "RMRR 0x%llx-0x%llx is not 4 KiB aligned",
				  (unsigned long long)u->base, (unsigned long long)u->limit);
		break;
	case DMAR_ATSR:
	case DMAR_SATC:
		if (rd_u8(r, &u->flags, "Flags") < 0 || rd_u8(r, &b, "Reserved") < 0 ||
		    rd_u16le(r, &u->segment, "Segment") < 0)
			return -1;
		break;
	case DMAR_RHSA:
		if (rd_skip(r, 4, "RHSA Reserved") < 0 || rd_u64le(r, &u->base, "RHSA Register Base") < 0 ||
		    rd_u32le(r, &u->proximity, "RHSA Proximity Domain") < 0)
			return -1;
		return 0;
	case DMAR_ANDD: {
		if (rd_skip(r, 3, "ANDD Reserved") < 0 || rd_u8(r, &u->acpi_dev, "ANDD Device Number") < 0)
			return -1;
		size_t n = rd_left(r), k = 0;
		const uint8_t *name;
		rd_take(r, n, &name, "ANDD Object Name");
		while (k < n && name[k])
			k++;
		if (k == n)
			diag_warn(p->d, rd_abs(r, r->pos - n), "ANDD object name is not NUL-terminated");
		size_t c = k < sizeof(u->name) - 1 ? k : sizeof(u->name) - 1;
		for (size_t i = 0; i < c; i++)
			u->name[i] = (name[i] >= 0x20 && name[i] < 0x7f) ? (char)name[i] : '?';
		u->name[c] = 0;
		return 0;
	}
	case DMAR_SIDP:
		if (rd_skip(r, 2, "SIDP Reserved") < 0 || rd_u16le(r, &u->segment, "SIDP Segment") < 0)
			return -1;
		break;
	default:
		return 0;	/* reserved types: known only by type and length */
	}
	return parse_scopes(p, r, u);
}

static void clean_name(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == 0) {
			memset(s + i, 0, n - i);
			return;
		}
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			s[i] = '?';
	}
}

int dmar_parse(const uint8_t *buf, size_t len, struct dmar_table *t, struct diag *d)
{
	memset(t, 0, sizeof(*t));
	struct reader r;
	rd_init(&r, buf, len, 0, d);
	uint8_t sig[4];
	if (rd_bytes(&r, sig, 4, "DMAR Signature") < 0)
		return -1;
	if (memcmp(sig, "DMAR", 4))
		return diag_err(d, 0, "signature is not \"DMAR\" (not a DMA remapping table)");
	if (rd_u32le(&r, &t->length, "DMAR Length") < 0)
		return -1;
	if (t->length < 48)
		return diag_err(d, 4, "table Length %u is shorter than the 48-byte DMAR header", t->length);
	if (t->length > DMAR_MAX_LEN)
		return diag_err(d, 4, "table Length %u is larger than any real DMAR table (limit %u)", t->length,
				DMAR_MAX_LEN);
	if (t->length > len)
		return diag_err(d, 4, "table Length %u but only %zu bytes present (truncated table)", t->length, len);
	if (t->length < len)
		diag_note(d, t->length, "%zu bytes after the table's Length ignored", len - t->length);
	struct reader tr;
	if (rd_sub_at(&r, 0, t->length, &tr, "DMAR table") < 0)
		return -1;
	uint8_t sum = 0;
	for (size_t i = 0; i < t->length; i++)
		sum = (uint8_t)(sum + buf[i]);
	t->checksum_ok = sum == 0;
	rd_seek(&tr, 8, "Revision");
	rd_u8(&tr, &t->revision, "Revision");
	rd_u8(&tr, &t->checksum, "Checksum");
	if (!t->checksum_ok)
		diag_warn(d, 9, "checksum byte 0x%02x does not make the table sum to zero (sum 0x%02x)", t->checksum,
			  sum);
	rd_bytes(&tr, t->oem_id, 6, "OEM ID");
	rd_bytes(&tr, t->oem_table_id, 8, "OEM Table ID");
	/* Shown to users: NUL ends the name (some firmware pads with NULs), other control bytes become '?'. */
	clean_name(t->oem_id, 6);
	clean_name(t->oem_table_id, 8);
	rd_u32le(&tr, &t->oem_revision, "OEM Revision");
	rd_seek(&tr, 36, "Host Address Width");
	rd_u8(&tr, &t->haw_raw, "Host Address Width");
	rd_u8(&tr, &t->flags, "Flags");
	if (t->haw_raw > 63)
		diag_warn(d, 36, "host address width %u bits is more than 64", t->haw_raw + 1u);
	if ((t->flags & DMAR_FLAG_X2APIC_OPT_OUT) && !(t->flags & DMAR_FLAG_INTR_REMAP))
		diag_note(d, 37, "X2APIC_OPT_OUT is set without INTR_REMAP (meaningless)");
	rd_seek(&tr, 48, "remapping structures");

	struct parse p = { .t = t, .d = d };
	unsigned last_type = 0;
	while (rd_left(&tr) > 0) {
		uint64_t off = rd_off(&tr);
		uint16_t type, slen;
		if (rd_u16le_at(&tr, tr.pos, &type, "structure Type") < 0 ||
		    rd_u16le_at(&tr, tr.pos + 2, &slen, "structure Length") < 0)
			break;	/* 1-3 stray bytes at the end: the reader recorded where */
		if (slen < 4) {
			diag_err(d, off + 2, "%s Length %u is shorter than the 4-byte structure header",
				 dmar_type_name(type), slen);
			break;	/* no way to find the next structure */
		}
		if (slen > rd_left(&tr)) {
			diag_err(d, off + 2, "%s Length %u runs past the table end (%zu bytes left)", dmar_type_name(type),
				 slen, rd_left(&tr));
			break;
		}
		if (type < last_type)
			diag_note(d, off, "structure type %u after type %u: the spec wants them sorted by type", type,
				  last_type);
		last_type = type;
		struct reader s;
		rd_sub(&tr, slen, &s, "structure");
		void *nu = grow(t->units, &p.cap_units, t->nunits + 1, sizeof(*t->units));
		if (!nu) {
			diag_err(d, off, "out of memory");
			break;
		}
		t->units = nu;
		struct dmar_unit *u = &t->units[t->nunits];
		memset(u, 0, sizeof(*u));
		u->off = off;
		u->type = type;
		u->length = slen;
		u->scope_first = t->nscopes;
		if (type >= NTYPES)
			diag_note(d, off, "reserved structure type %u (%u bytes) skipped", type, slen);
		/* A broken structure still counts (with what was read); the walk goes on from its Length. */
		parse_unit(&p, &s, u);
		t->nunits++;
	}
	return 0;
}

void dmar_free(struct dmar_table *t)
{
	free(t->units);
	free(t->scopes);
	free(t->hops);
	memset(t, 0, sizeof(*t));
}

const struct dmar_scope *dmar_unit_scope(const struct dmar_table *t, const struct dmar_unit *u, size_t i)
{
	return i < u->nscope && u->scope_first + i < t->nscopes ? &t->scopes[u->scope_first + i] : NULL;
}

const uint8_t *dmar_scope_hop(const struct dmar_table *t, const struct dmar_scope *s, size_t i)
{
	return i < s->npath && s->path_first + i < t->nhops ? t->hops[s->path_first + i] : NULL;
}

bool dmar_scope_is(const struct dmar_table *t, const struct dmar_scope *s, unsigned bus, unsigned dev, unsigned fn)
{
	const uint8_t *h = dmar_scope_hop(t, s, 0);
	return s->type == DMAR_SCOPE_ENDPOINT && s->npath == 1 && h && s->bus == bus && h[0] == dev && h[1] == fn;
}

static bool unit_names(const struct dmar_table *t, const struct dmar_unit *u, unsigned bus, unsigned dev, unsigned fn)
{
	for (size_t i = 0; i < u->nscope; i++) {
		const struct dmar_scope *s = dmar_unit_scope(t, u, i);
		if (s && dmar_scope_is(t, s, bus, dev, fn))
			return true;
	}
	return false;
}

const struct dmar_unit *dmar_graphics_drhd(const struct dmar_table *t)
{
	for (size_t i = 0; i < t->nunits; i++) {
		const struct dmar_unit *u = &t->units[i];
		if (u->type != DMAR_DRHD || (u->flags & 1) || u->nscope == 0)
			continue;
		bool only_igd = true;
		for (size_t k = 0; k < u->nscope; k++) {
			const struct dmar_scope *s = dmar_unit_scope(t, u, k);
			if (!s || !dmar_scope_is(t, s, 0, 2, 0))
				only_igd = false;
		}
		if (only_igd)
			return u;
	}
	return NULL;
}

const struct dmar_unit *dmar_drhd_for(const struct dmar_table *t, unsigned bus, unsigned dev, unsigned fn)
{
	for (size_t i = 0; i < t->nunits; i++)
		if (t->units[i].type == DMAR_DRHD && unit_names(t, &t->units[i], bus, dev, fn))
			return &t->units[i];
	return NULL;
}

const struct dmar_unit *dmar_rmrr_for(const struct dmar_table *t, unsigned bus, unsigned dev, unsigned fn)
{
	for (size_t i = 0; i < t->nunits; i++)
		if (t->units[i].type == DMAR_RMRR && unit_names(t, &t->units[i], bus, dev, fn))
			return &t->units[i];
	return NULL;
}

size_t dmar_count(const struct dmar_table *t, unsigned type)
{
	size_t n = 0;
	for (size_t i = 0; i < t->nunits; i++)
		n += t->units[i].type == type;
	return n;
}
