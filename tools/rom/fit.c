/* fit.c - the summary install and check need of a ROM file, read through optrom_parse
 *
 * The summary is stricter than `rom check`: the chain must be walkable from image to image
 * the way firmware walks it (PCIR present, a length, the next 55 AA where the length says),
 * because install copies the file as it is. Findings that only matter for one image's
 * contents are rom check's business and appear here as warnings.
 */
#include "rom/fit.h"

#include <stdlib.h>
#include <string.h>

#include "rom/check.h"
#include "rom/pcir.h"

/* The walk's first error, for a message with its offset. */
static const struct diag_entry *first_error(const struct diag *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].level == DIAG_ERROR)
			return &w->v[i];
	return NULL;
}

int rom_summarize(const unsigned char *data, size_t len, struct rom_summary *s, struct diag *d)
{
	memset(s, 0, sizeof(*s));
	struct optrom *rom = malloc(sizeof(*rom));
	if (!rom)
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	struct diag w;
	diag_init(&w);
	struct reader r;
	rd_init(&r, data, len, 0, &w);
	int rc = -1;
	if (optrom_parse(&r, rom) < 0) {
		diag_err(d, 0, "%s", diag_last(&w));
		goto out;
	}
	for (size_t i = 0; i < rom->nimages; i++) {
		const struct optrom_image *m = &rom->img[i];
		if (m->found_by_scan) {
			diag_err(d, m->off, "no 55 AA where image %zu ends; the chain is broken there", i - 1);
			goto out;
		}
		if (!m->pcir.valid || !m->len) {
			const struct diag_entry *e = first_error(&w);
			diag_err(d, e ? e->off : m->off, "image %zu: %s", i, e ? e->msg : "no usable PCI data structure");
			goto out;
		}
		if (m->truncated && !m->last) {
			diag_err(d, m->pcir.off + 16, "image length 0x%x runs past the end of the ROM (0x%zx)", m->len, len);
			goto out;
		}
		if (i == 0) {
			s->vendor = m->pcir.vendor;
			s->device = m->pcir.device;
		}
		if (m->pcir.code_type == OPTROM_CODE_X86 && !s->has_legacy) {
			s->has_legacy = true;
			s->legacy_pcir = m->pcir;
		}
		else if (m->pcir.code_type == OPTROM_CODE_EFI)
			s->has_efi = true;
	}
	if (!rom->nimages) {
		diag_err(d, 0, "no ROM image");
		goto out;
	}
	/* Which drivers the EFI images are is rom check's knowledge (PE payloads, GUIDs, behaviour). */
	struct rom_check *c = NULL;
	struct rom_check_opts co = { 0 };
	if (s->has_efi && rom_check_run(data, len, &co, &c) == 0 && c)
		s->ovmf_chain = (c->roles & ROM_OVMF_CHAIN_ROLES) == ROM_OVMF_CHAIN_ROLES;
	rom_check_free(c);
	s->ok = true;
	s->len = len;
	rc = 0;
out:
	diag_free(&w);
	free(rom);
	return rc;
}

bool rom_legacy_runs_on(const struct rom_summary *s, uint16_t device)
{
	return s->has_legacy && pcir_matches(&s->legacy_pcir, 0x8086, device);
}

int rom_fits_igd(const unsigned char *rom, size_t romlen, uint16_t device, struct rom_summary *rs, struct diag *d)
{
	if (rom_summarize(rom, romlen, rs, d) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "the ROM is not a valid PCI option ROM");
	/* The same checks as `igdkit rom check --device`: its findings are shown, and its PCIR
	 * matching (PCI 3.0 device lists) decides, with device 0xFFFF (VfioIgdPkg-style ROMs made
	 * for any Intel iGPU) accepted as well. */
	bool listed = false;
	struct rom_check *rc = NULL;
	struct rom_check_opts ro = { .have_device = true, .vendor = 0x8086, .device = device };
	if (rom_check_run(rom, romlen, &ro, &rc) == 0 && rc) {
		listed = rc->device_image >= 0;
		int shown = 0;
		for (size_t i = 0; i < rc->d.n && shown < 3; i++)
			if (rc->d.v[i].level == DIAG_ERROR) {
				diag_warn(d, DIAG_NO_OFFSET, "rom check: %s (see 'igdkit rom check --device 8086:%04x')",
					  rc->d.v[i].msg, device);
				shown++;
			}
		rom_check_free(rc);
	}
	if (!listed && (rs->vendor != 0x8086 || (rs->device != device && rs->device != 0xffff)))
		return diag_err(d, DIAG_NO_OFFSET, "the ROM is for %04x:%04x, this iGPU is 8086:%04x: firmware would not run it",
				rs->vendor, rs->device, device);
	return 0;
}
