/* igd.c - IGD device selection and stolen-memory sizing for the assignment driver */
#include "igd.h"

#include "bytes.h"
#include "igd/ids.h"

static bool starts_with(const char *s, const char *prefix)
{
	while (*prefix)
		if (*s++ != *prefix++)
			return false;
	return true;
}

void igd_classify(uint16_t vendor, uint16_t device, uint32_t class_code, uint8_t bus, uint8_t dev, uint8_t fn,
		  uint16_t test_vendor, uint16_t test_device, struct igd_target *t)
{
	const struct igd_id_info *x;
	bool at_02 = bus == 0 && dev == 2 && fn == 0;

	*t = (struct igd_target){ 0 };
	if (test_vendor && vendor == test_vendor && device == test_device && at_02) {
		t->accept = true;
		t->test_device = true;
		t->bdsm = IGD_BDSM_64;
		return;
	}
	/* Display controllers only: VGA (03/00/00) or "other display" (03/80/xx). */
	if (vendor != 0x8086 || !((class_code >> 8) == 0x0300 ? (class_code & 0xff) == 0 : (class_code >> 8) == 0x0380))
		return;
	x = igd_id_lookup(device);
	if (!x || x->gen < 6)
		return;
	t->accept = true;
	t->gen = x->gen;
	t->chv = device >= 0x22b0 && device <= 0x22b3;
	/* Stolen memory is set up only for the device at 00:02.0, which is where the IGD sits on
	   the host and where QEMU's quirks (and the Windows driver) expect it. */
	if (!at_02)
		t->bdsm = IGD_BDSM_NONE;
	else if (x->gen <= 10)
		t->bdsm = IGD_BDSM_32;
	else if (x->gen <= 12 && !starts_with(x->platform, "Meteor Lake") && !starts_with(x->platform, "Arrow Lake"))
		t->bdsm = IGD_BDSM_64;
	else
		t->bdsm = IGD_BDSM_NONE;
}

uint64_t igd_gms_bytes(int gen, bool chv, uint16_t ggc)
{
	uint64_t mib;
	unsigned gms;

	if (gen < 6)
		return 0;
	if (gen < 8) {
		mib = (uint64_t)((ggc >> 3) & 0x1f) * 32;
	} else {
		gms = ggc >> 8;
		if (chv)
			mib = gms < 0x11 ? gms * 32u : gms < 0x17 ? (gms - 0x11) * 4u + 8 : (gms - 0x17) * 4u + 4;
		else if (gen >= 9 && gms >= 0xf0)
			mib = (gms - 0xf0) * 4u + 4;
		else
			mib = gms * 32u;
	}
	return mib << 20;
}

bool igd_bdsm_size_parse(const uint8_t *p, size_t len, uint64_t *size)
{
	uint64_t v;

	if (!bx_u64(p, len, 0, &v) || v > IGD_STOLEN_MAX)
		return false;
	*size = v;
	return true;
}

void igd_stolen_carve(uint64_t alloc, uint64_t size, uint64_t *base, uint64_t *head_pages, uint64_t *tail_pages)
{
	uint64_t b = (alloc + IGD_STOLEN_ALIGN - 1) & ~(uint64_t)(IGD_STOLEN_ALIGN - 1);
	size = (size + 0xfff) & ~(uint64_t)0xfff;
	uint64_t end = alloc + size + IGD_STOLEN_ALIGN;
	*base = b;
	*head_pages = (b - alloc) >> 12;
	*tail_pages = (end - (b + size)) >> 12;
}
