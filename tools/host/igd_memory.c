/* igd_memory.c - the OpRegion at ASLS and the stolen memory at BDSM, as the OS sees them (see igd_memory.h) */
#include "host/igd_memory.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sha256.h"

static void range_at(const struct iomem_map *map, uint64_t addr, struct igd_mem_range *r)
{
	const struct iomem_entry *e = map ? iomem_top_at(map, addr) : NULL;
	if (!e)
		return;
	r->known = true;
	r->start = e->start;
	r->end = e->end;
	snprintf(r->type, sizeof(r->type), "%s", e->name);
}

/* Where firmware keeps an OpRegion: ACPI NVS (the spec), reserved memory, or next to the ACPI tables. */
static bool firmware_memory(const struct igd_mem_range *r)
{
	return r->known && (!strcmp(r->type, "ACPI Non-volatile Storage") || !strcmp(r->type, "Reserved") ||
			    !strcmp(r->type, "ACPI Tables"));
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void read_opregion(const struct host *h, uint32_t asls, struct igd_memory *m)
{
	uint8_t head[OPREGION_HEADER_LEN];
	size_t bad = 0;
	m->read_rc = h->ops->read_phys(h, asls, head, sizeof(head), m->read_err, sizeof(m->read_err));
	if (m->read_rc < 0)
		return;
	m->status = opregion_header(head, sizeof(head), &m->oi, &bad);
	m->bad_off = bad;
	if (m->status != OPR_OK)
		return;
	/* The extent is capped at OPREGION_MAX_SIZE by opregion_header, and must stay below 4 GiB. */
	if ((uint64_t)asls + m->oi.extent > (1ull << 32)) {
		m->status = OPR_TOO_LARGE;
		m->bad_off = 0x10;
		return;
	}
	uint8_t *op = malloc(m->oi.extent);
	if (!op) {
		m->read_rc = -ENOMEM;
		snprintf(m->read_err, sizeof(m->read_err), "out of memory for %zu bytes", m->oi.extent);
		return;
	}
	m->read_rc = h->ops->read_phys(h, asls, op, m->oi.extent, m->read_err, sizeof(m->read_err));
	if (m->read_rc == 0) {
		m->status = opregion_find_vbt(op, m->oi.extent, &m->vbt, &bad);
		m->bad_off = bad;
		sha256_buf_hex(op, m->oi.extent, m->opregion_sha256);
		if (m->status == OPR_OK) {
			const uint8_t *v = op + m->vbt.off;
			uint8_t sum = 0;
			for (size_t i = 0; i < m->vbt.size; i++)
				sum = (uint8_t)(sum + v[i]);
			m->vbt_sums_to_zero = sum == 0;
			size_t bdb = (size_t)(v[0x1c] | v[0x1d] << 8 | v[0x1e] << 16 | (uint32_t)v[0x1f] << 24);
			/* vbt_validate checked that the BDB header lies inside the VBT. */
			m->bdb_version = le16(v + bdb + 16);
			sha256_buf_hex(v, m->vbt.size, m->vbt_sha256);
		}
	}
	free(op);
}

void igd_memory_read(const struct host *h, const struct iomem_map *map, uint32_t asls, uint64_t bdsm,
		     uint64_t stolen_bytes, struct igd_memory *out)
{
	memset(out, 0, sizeof(*out));
	out->map_read = map && map->addresses;
	if (!out->map_read)
		map = NULL;
	out->stolen_bytes = stolen_bytes;
	out->read_rc = -ENODATA;
	if (asls) {
		range_at(map, asls, &out->opregion);
		/* Only firmware memory is read: a stray ASLS could point at a device's registers, where a
		 * read can have side effects; System RAM would read as zeros anyway. */
		if (firmware_memory(&out->opregion))
			read_opregion(h, asls, out);
		else if (out->opregion.known)
			snprintf(out->read_err, sizeof(out->read_err), "ASLS points into \"%s\", not firmware memory",
				 out->opregion.type);
		else
			snprintf(out->read_err, sizeof(out->read_err), "no memory map (/proc/iomem) says what ASLS "
								       "points at");
	} else {
		snprintf(out->read_err, sizeof(out->read_err), "ASLS is 0: no OpRegion to read");
	}
	if (bdsm) {
		range_at(map, bdsm, &out->stolen);
		out->stolen_covered = out->stolen.known && stolen_bytes &&
				      stolen_bytes - 1 <= out->stolen.end - bdsm;
	}
}

const char *igd_memory_read_hint(const struct igd_memory *m)
{
	if (m->read_rc == -EPERM)
		return "the kernel refuses /dev/mem on this range (STRICT_DEVMEM): boot the stick's "
		       "\"firmware access\" entry (iomem=relaxed; not possible under Secure Boot) to read it";
	if (m->read_rc == -EACCES)
		return "/dev/mem needs root";
	if (m->read_rc == -ENOENT)
		return "no /dev/mem here";
	return "";
}
