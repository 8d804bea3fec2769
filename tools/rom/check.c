/* check.c - igdkit rom check: every image of an option ROM, and whether it serves the device */
#include "rom/check.h"

#include <stdlib.h>
#include <string.h>

#include "fw/fw.h"
#include "fw/tiano.h"
#include "lib/file.h"
#include "lib/sha256.h"
#include "rom/rom.h"

/* ---- the core -------------------------------------------------------------- */

/* Inflate (when compressed) and validate the PE payload of EFI image i. */
static void check_payload(struct rom_check *c, const uint8_t *data, size_t i)
{
	const struct optrom_image *m = &c->rom.img[i];
	struct rom_payload *pl = &c->pay[i];
	size_t start = (size_t)m->off, in_file, len;
	struct reader r;

	if (!m->efi_sig_ok || !efi_rom_compression_name(m->efi.compression))
		return;
	in_file = m->len < m->avail ? m->len : m->avail;
	if (m->efi.image_off < 0x1a || m->efi.image_off >= in_file)
		return;
	pl->present = true;
	pl->off = m->off + m->efi.image_off;
	pl->stored_len = in_file - m->efi.image_off;
	rd_init(&r, data + start + m->efi.image_off, pl->stored_len, pl->off, &c->d);

	if (m->efi.compression == EFI_ROM_EFI_COMPRESSED) {
		uint8_t *out = NULL;
		size_t out_len = 0;
		if (tiano_decompress(&r, TIANO_ALGO_EFI, ROM_PAYLOAD_MAX, &out, &out_len, &c->d) < 0) {
			free(out);
			diag_err(&c->d, pl->off, "EFI payload of image %zu does not inflate (EFI compression)", i);
			return;
		}
		pl->owned = out;
		pl->data = out;
		pl->len = out_len;
		pl->inflated = true;
		rd_init(&r, out, out_len, 0, NULL);
	} else {
		pl->data = r.p;
		pl->len = r.len;
	}
	pl->usable = true;

	/* Offsets inside inflated data are relative to it; say so in the messages. */
	struct diag pd;
	diag_init(&pd);
	r.d = &pd;
	pl->pe_ok = pe_parse(&r, &pl->pe) == 0;
	for (size_t k = 0; k < pd.n; k++) {
		const struct diag_entry *e = &pd.v[k];
		if (pl->inflated) {
			if (e->level == DIAG_ERROR)
				diag_err(&c->d, pl->off, "image %zu inflated payload +0x%llx: %s", i, (unsigned long long)e->off, e->msg);
			else
				diag_warn(&c->d, pl->off, "image %zu inflated payload +0x%llx: %s", i, (unsigned long long)e->off, e->msg);
		} else if (e->level == DIAG_ERROR) {
			diag_err(&c->d, e->off, "image %zu payload: %s", i, e->msg);
		} else {
			diag_warn(&c->d, e->off, "image %zu payload: %s", i, e->msg);
		}
	}
	diag_free(&pd);
	if (!pl->pe_ok) {
		diag_err(&c->d, pl->off, "EFI payload of image %zu is not a valid PE/COFF image", i);
		pl->pe_len = pl->len;
	} else {
		pl->pe_len = pl->pe.file_size;
		if (pl->pe.machine != m->efi.machine)
			diag_err(&c->d, m->off + 10, "image %zu: ROM header says machine 0x%04x, the PE is 0x%04x", i,
				 m->efi.machine, pl->pe.machine);
		if (pl->pe.subsystem != m->efi.subsystem)
			diag_warn(&c->d, m->off + 8, "image %zu: ROM header says subsystem %u, the PE says %u", i,
				  m->efi.subsystem, pl->pe.subsystem);
		len = pl->len - pl->pe_len;
		if (len && pl->inflated)
			diag_warn(&c->d, pl->off, "image %zu: inflated payload is 0x%zx bytes, the PE only 0x%zx", i, pl->len,
				  pl->pe_len);
	}
	if (sha256_buf_hex(pl->data, pl->pe_len, pl->sha256) < 0)
		pl->sha256[0] = 0;
	driver_identify(pl->data, pl->pe_len, &pl->drv);
	c->roles |= pl->drv.roles;
	if (pl->drv.test_accept) {
		if (c->test_accept_image < 0)
			c->test_accept_image = (int)i;
		diag_err(&c->d, pl->off,
			 "image %zu: igdkit's IGD assignment driver built with --test-accept %04x:%04x: a test-only ROM "
			 "that sets up that device as an IGD; rebuild it without --test-accept",
			 i, pl->drv.test_vendor, pl->drv.test_device);
	}
}

static const char *gen_str(const struct igd_gen *g, char *buf, size_t n)
{
	if (!g->gen)
		snprintf(buf, n, "unknown generation");
	else
		snprintf(buf, n, "%s, Gen%d", g->platform, g->gen);
	return buf;
}

/* Does the ROM name the device, and is it an Intel ROM at all? */
static void check_device(struct rom_check *c)
{
	const struct optrom *rom = &c->rom;
	bool vendor_seen = false, any_pcir = false;
	char a[64], b[64];

	c->device_image = -1;
	for (size_t i = 0; i < rom->nimages; i++) {
		const struct pcir_info *p = &rom->img[i].pcir;
		if (!p->valid)
			continue;
		any_pcir = true;
		if (p->vendor == (c->opt.have_device ? c->opt.vendor : 0x8086))
			vendor_seen = true;
		if (c->opt.have_device && c->device_image < 0 && pcir_matches(p, c->opt.vendor, c->opt.device))
			c->device_image = (int)i;
	}
	if (!any_pcir)
		return;
	/* A device list of another platform than the PCIR device hints at an edited header. */
	for (size_t i = 0; i < rom->nimages; i++) {
		const struct pcir_info *p = &rom->img[i].pcir;
		if (!p->valid || p->vendor != 0x8086 || !p->ndevlist)
			continue;
		struct igd_gen own = igd_gen_lookup(p->device), other = { 0, NULL };
		bool listed = false;
		for (size_t k = 0; k < p->ndevlist; k++) {
			struct igd_gen g = igd_gen_lookup(p->devlist[k]);
			if (p->devlist[k] == p->device || (own.gen && g.gen == own.gen && !strcmp(g.platform, own.platform)))
				listed = true;
			else if (g.gen && !other.gen)
				other = g;
		}
		if (own.gen && !listed && other.gen)
			diag_warn(&c->d, p->off + 8,
				  "image %zu: PCIR device %04x is %s, but its device list names only other platforms (%s, ...): an edited header?",
				  i, p->device, gen_str(&own, a, sizeof(a)), gen_str(&other, b, sizeof(b)));
	}
	if (!vendor_seen) {
		const struct pcir_info *p = &rom->img[0].pcir;
		if (!c->opt.have_device)
			diag_warn(&c->d, p->off + 4, "not an Intel IGD ROM: PCIR vendor %04x, device %04x", p->vendor, p->device);
		else if (c->opt.vendor == 0x8086)
			diag_err(&c->d, p->off + 4, "not an Intel IGD ROM: PCIR vendor %04x, device %04x; the device is 8086:%04x",
				 p->vendor, p->device, c->opt.device);
		else
			diag_err(&c->d, p->off + 4, "ROM is for vendor %04x, the device is %04x:%04x", p->vendor,
				 c->opt.vendor, c->opt.device);
		return;
	}
	if (!c->opt.have_device)
		return;

	for (size_t i = 0; i < rom->nimages; i++) {
		const struct optrom_image *m = &rom->img[i];
		const struct pcir_info *p = &m->pcir;
		struct rom_payload *pl = &c->pay[i];
		bool gop = pl->usable && pl->drv.kind == DRV_INTEL_GOP && c->opt.vendor == 0x8086;

		/* The GOP's own device table decides whether it drives the device, whatever the PCIR says. */
		if (gop) {
			enum fw_match s = gop_supports(pl->data, pl->pe_len, c->opt.device);
			pl->supports_device = s == FW_MATCH_YES ? 1 : s == FW_MATCH_NO ? 0 : -1;
			if (s == FW_MATCH_NO)
				diag_err(&c->d, pl->off, "image %zu: the Intel GOP does not list 8086:%04x among the devices it drives",
					 i, c->opt.device);
		}
		if (!p->valid || pcir_matches(p, c->opt.vendor, c->opt.device))
			continue;
		if (p->device == 0xffff) {
			diag_warn(&c->d, p->off + 6,
				  "image %zu: PCIR device ffff names no real device; it works only where the firmware ignores the PCIR device id",
				  i);
			continue;
		}
		if (gop) {
			if (pl->supports_device == 1)
				diag_warn(&c->d, p->off + 6,
					  "image %zu names %04x:%04x, not %04x:%04x, though its GOP drives that device (OVMF does not compare PCIR ids of EFI images)",
					  i, p->vendor, p->device, c->opt.vendor, c->opt.device);
			continue;
		}
		struct igd_gen rg = igd_gen_lookup(p->device);
		if (m->is_legacy && p->vendor == 0x8086 && rg.gen && c->gen.gen && rg.gen != c->gen.gen)
			diag_err(&c->d, p->off + 6, "legacy image %zu is for 8086:%04x (%s), the device is 8086:%04x (%s)", i,
				 p->device, gen_str(&rg, a, sizeof(a)), c->opt.device, gen_str(&c->gen, b, sizeof(b)));
		else if (m->is_legacy)
			diag_warn(&c->d, p->off + 6,
				  "legacy image %zu names %04x:%04x, not %04x:%04x: a BIOS matching PCIR ids skips it", i,
				  p->vendor, p->device, c->opt.vendor, c->opt.device);
		else
			diag_warn(&c->d, p->off + 6, "image %zu names %04x:%04x, not %04x:%04x", i, p->vendor, p->device,
				  c->opt.vendor, c->opt.device);
	}
}

/* What an OVMF guest needs from the ROM (see reference/qemu-igd.md), by generation. */
static void check_ovmf_needs(struct rom_check *c)
{
	size_t nefi = 0, nlegacy = 0, ngop = 0;
	bool intel_gop = false;
	char g[64];
	uint64_t where = 0;

	for (size_t i = 0; i < c->rom.nimages; i++) {
		const struct optrom_image *m = &c->rom.img[i];
		if (m->is_efi)
			nefi++;
		if (m->is_legacy)
			nlegacy++;
		if (c->pay[i].drv.roles & ROLE_GOP)
			ngop++;
		if (c->pay[i].drv.kind == DRV_INTEL_GOP)
			intel_gop = true;
	}
	if (ngop > 1)
		diag_warn(&c->d, DIAG_NO_OFFSET, "%zu GOP drivers in one ROM: the firmware starts them all", ngop);
	if (!c->gen.gen)
		return;
	gen_str(&c->gen, g, sizeof(g));
	if (c->gen.gen >= 11) {
		if (nlegacy)
			diag_warn(&c->d, DIAG_NO_OFFSET, "a legacy image for %s: Intel ships no legacy VBIOS from Gen11 on", g);
		if (!nefi) {
			diag_err(&c->d, where, "%s needs OVMF and an EFI ROM; this ROM has no EFI image", g);
			return;
		}
		if (!(c->roles & ROLE_OPREGION))
			diag_warn(&c->d, DIAG_NO_OFFSET,
				  "%s under OVMF needs IgdAssignmentDxe (OpRegion and stolen memory set-up) in the ROM; none found", g);
		if (intel_gop && !(c->roles & ROLE_VBT_POLICY))
			diag_warn(&c->d, DIAG_NO_OFFSET,
				  "the Intel GOP needs PlatformGopPolicy (hands it the VBT) in the ROM for %s under OVMF; none found", g);
		if (!ngop)
			diag_warn(&c->d, DIAG_NO_OFFSET,
				  "no GOP driver: an OVMF guest on %s shows no picture until the OS driver loads", g);
	} else if (c->gen.gen <= 9) {
		if (!nlegacy)
			diag_note(&c->d, DIAG_NO_OFFSET, "no legacy VBIOS image: %s under SeaBIOS needs one; OVMF guests need the EFI images", g);
		if (nefi && !(c->roles & ROLE_OPREGION))
			diag_note(&c->d, DIAG_NO_OFFSET, "OVMF guests also need IgdAssignmentDxe in the ROM; none found");
	}
}

/* Whether the EFI images form the whole chain an OVMF guest needs for an assigned IGD. */
static void check_ovmf_chain(struct rom_check *c)
{
	for (size_t i = 0; i < c->rom.nimages; i++)
		if (c->rom.img[i].is_efi)
			c->has_efi = true;
	if (!c->has_efi)
		return;
	c->chain_missing = ROM_OVMF_CHAIN_ROLES & ~c->roles;
	if (!c->chain_missing)
		diag_note(&c->d, DIAG_NO_OFFSET, "complete chain for OVMF: IGD assignment, GOP policy and GOP");
}

int rom_check_run(const uint8_t *data, size_t len, const struct rom_check_opts *o, struct rom_check **out)
{
	struct rom_check *c = calloc(1, sizeof(*c));
	struct reader r;

	*out = c;
	if (!c)
		return -1;
	diag_init(&c->d);
	if (o)
		c->opt = *o;
	c->device_image = -1;
	c->test_accept_image = -1;
	for (size_t i = 0; i < OPTROM_MAX_IMAGES; i++)
		c->pay[i].supports_device = -1;
	rd_init(&r, data, len, 0, &c->d);
	if (optrom_parse(&r, &c->rom) < 0)
		return 0;
	c->is_rom = true;
	for (size_t i = 0; i < c->rom.nimages; i++)
		if (c->rom.img[i].is_efi)
			check_payload(c, data, i);

	if (c->opt.have_device) {
		c->gen_device = c->opt.device;
		c->gen_from_option = true;
		c->gen = c->opt.vendor == 0x8086 ? igd_gen_lookup(c->opt.device) : (struct igd_gen){ 0, NULL };
	} else {
		for (size_t i = 0; i < c->rom.nimages && !c->gen.gen; i++) {
			const struct pcir_info *p = &c->rom.img[i].pcir;
			if (p->valid && p->vendor == 0x8086) {
				c->gen = igd_gen_lookup(p->device);
				c->gen_device = c->gen.gen ? p->device : 0;
			}
		}
	}
	check_device(c);
	check_ovmf_needs(c);
	check_ovmf_chain(c);
	return 0;
}

void rom_check_free(struct rom_check *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < OPTROM_MAX_IMAGES; i++)
		free(c->pay[i].owned);
	diag_free(&c->d);
	free(c);
}

const char *rom_check_verdict(const struct rom_check *c)
{
	if (!c->is_rom)
		return "unreadable";
	for (size_t i = 0; i < c->d.n; i++)
		if (c->d.v[i].level != DIAG_NOTE)
			return "findings";
	return "ok";
}

/* ---- output ---------------------------------------------------------------- */

static void hex4(char *buf, uint16_t v)
{
	snprintf(buf, 5, "%04x", v);
}

static const char *roles_str(unsigned roles, char *buf, size_t n)
{
	buf[0] = 0;
	static const struct { unsigned bit; const char *name; } t[] = {
		{ ROLE_GOP, "gop" }, { ROLE_OPREGION, "opregion" }, { ROLE_BDSM, "bdsm" }, { ROLE_VBT_POLICY, "vbt-policy" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (roles & t[i].bit) {
			size_t l = strlen(buf);
			snprintf(buf + l, n - l, "%s%s", l ? "," : "", t[i].name);
		}
	return buf;
}

static void json_vbt(struct json *j, const struct vbt_info *v, bool valid)
{
	json_obj(j, "vbt");
	json_hex(j, "offset", v->off);
	json_bool(j, "valid", valid);
	json_str(j, "signature", v->signature);
	json_str(j, "platform", v->platform);
	json_uint(j, "version", v->version);
	json_uint(j, "vbt_size", v->vbt_size);
	json_bool(j, "checksum_ok", v->checksum_ok);
	json_uint(j, "bdb_version", v->bdb_version);
	json_uint(j, "bdb_size", v->bdb_size);
	json_uint(j, "blocks", v->nblocks);
	json_obj_end(j);
}

static void json_driver(struct json *j, const struct driver_id *d, int supports)
{
	char buf[64];
	json_obj(j, "driver");
	json_str(j, "kind", driver_kind_key(d->kind));
	json_str(j, "name", d->name);
	json_arr(j, "roles");
	roles_str(d->roles, buf, sizeof(buf));
	for (char *s = buf, *e; *s; s = e + (*e != 0)) {
		e = strchr(s, ',');
		if (!e)
			e = s + strlen(s);
		json_strn(j, NULL, s, (size_t)(e - s));
	}
	json_arr_end(j);
	if (d->kind == DRV_INTEL_GOP) {
		json_str(j, "gop_version", d->gop_version[0] ? d->gop_version : NULL);
		json_str(j, "gop_build", d->gop_build[0] ? d->gop_build : NULL);
		if (supports < 0)
			json_null(j, "supports_device");
		else
			json_bool(j, "supports_device", supports == 1);
	}
	json_obj_end(j);
}

static void json_image(struct json *j, const struct rom_check *c, size_t i)
{
	const struct optrom_image *m = &c->rom.img[i];
	const struct pcir_info *p = &m->pcir;
	const struct rom_payload *pl = &c->pay[i];
	char buf[8];

	json_obj(j, NULL);
	json_uint(j, "index", i);
	json_uint(j, "offset", m->off);
	json_uint(j, "pcir_offset", m->pcir_ptr);
	json_bool(j, "found_by_scan", m->found_by_scan);
	json_uint(j, "init_size", m->init_size);
	json_uint(j, "length", m->len);
	json_bool(j, "truncated", m->truncated);
	json_bool(j, "last", m->last);
	json_obj(j, "pcir");
	json_bool(j, "valid", p->valid);
	if (p->valid) {
		hex4(buf, p->vendor);
		json_str(j, "vendor", buf);
		hex4(buf, p->device);
		json_str(j, "device", buf);
		pcir_class_str(p, buf);
		json_str(j, "class", buf);
		json_uint(j, "revision", p->revision);
		snprintf(buf, sizeof(buf), "%x", p->code_rev);
		json_str(j, "vendor_revision", buf);
		json_uint(j, "code_type", p->code_type);
		json_str(j, "code_type_name", optrom_code_type_name(p->code_type));
		json_uint(j, "indicator", p->indicator);
		json_uint(j, "length", p->length);
		json_uint(j, "image_length_units", p->image_len_units);
		if (p->revision >= 3) {
			json_uint(j, "max_runtime_length_units", p->max_runtime_units);
			json_uint(j, "config_utility_ptr", p->config_util_ptr);
			json_uint(j, "dmtf_clp_ptr", p->dmtf_clp_ptr);
			json_uint(j, "device_list_ptr", p->devlist_ptr);
			json_arr(j, "device_list");
			for (size_t k = 0; k < p->ndevlist; k++) {
				hex4(buf, p->devlist[k]);
				json_str(j, NULL, buf);
			}
			json_arr_end(j);
		}
	}
	json_obj_end(j);
	if (m->is_legacy) {
		json_obj(j, "legacy");
		json_uint(j, "checksum_length", m->checksum_len);
		json_bool(j, "checksum_ok", m->checksum_ok);
		json_bool(j, "has_vbt", m->has_vbt);
		if (m->has_vbt)
			json_vbt(j, &m->vbt, m->vbt_valid);
		json_obj_end(j);
	}
	if (m->is_efi) {
		json_obj(j, "efi");
		json_bool(j, "signature_valid", m->efi_sig_ok);
		json_hex(j, "signature", m->efi.signature);
		json_uint(j, "subsystem", m->efi.subsystem);
		json_str(j, "subsystem_name", pe_subsystem_name(m->efi.subsystem));
		snprintf(buf, sizeof(buf), "%04x", m->efi.machine);
		json_str(j, "machine", buf);
		json_str(j, "machine_name", pe_machine_name(m->efi.machine));
		json_uint(j, "compression", m->efi.compression);
		json_str(j, "compression_name", efi_rom_compression_name(m->efi.compression));
		json_uint(j, "image_offset", m->efi.image_off);
		if (pl->present) {
			json_obj(j, "payload");
			json_uint(j, "offset", pl->off);
			json_uint(j, "stored_length", pl->stored_len);
			json_bool(j, "inflated", pl->inflated);
			json_uint(j, "length", pl->len);
			json_bool(j, "pe_valid", pl->pe_ok);
			if (pl->pe_ok) {
				json_uint(j, "pe_length", pl->pe_len);
				snprintf(buf, sizeof(buf), "%04x", pl->pe.machine);
				json_str(j, "pe_machine", buf);
				json_uint(j, "pe_subsystem", pl->pe.subsystem);
				json_str(j, "pe_format", pl->pe.opt_magic == PE_OPT_MAGIC_PE32PLUS ? "PE32+" : "PE32");
				json_uint(j, "size_of_image", pl->pe.size_of_image);
				json_uint(j, "sections", pl->pe.nsections);
			}
			json_str(j, "sha256", pl->usable ? pl->sha256 : NULL);
			json_obj_end(j);
			if (pl->usable)
				json_driver(j, &pl->drv, pl->supports_device);
		}
		json_obj_end(j);
	}
	json_obj_end(j);
}

void rom_check_json(const struct rom_check *c, struct json *j)
{
	char buf[64];

	json_str(j, "verdict", rom_check_verdict(c));
	json_bool(j, "usable", rom_check_usable(c));
	json_uint(j, "size", c->rom.file_len);
	if (c->opt.have_device) {
		json_obj(j, "device");
		snprintf(buf, sizeof(buf), "%04x:%04x", c->opt.vendor, c->opt.device);
		json_str(j, "id", buf);
		json_bool(j, "matched", c->device_image >= 0);
		if (c->device_image >= 0)
			json_uint(j, "image", (uint64_t)c->device_image);
		json_obj_end(j);
	}
	if (c->gen.gen) {
		json_obj(j, "generation");
		hex4(buf, c->gen_device);
		json_str(j, "from_device", buf);
		json_uint(j, "gen", (uint64_t)c->gen.gen);
		json_str(j, "platform", c->gen.platform);
		json_obj_end(j);
	}
	json_arr(j, "images");
	for (size_t i = 0; i < c->rom.nimages; i++)
		json_image(j, c, i);
	json_arr_end(j);
	json_bool(j, "last_image_seen", c->rom.last_seen);
	json_arr(j, "roles");
	roles_str(c->roles, buf, sizeof(buf));
	for (char *s = buf, *e; *s; s = e + (*e != 0)) {
		e = strchr(s, ',');
		if (!e)
			e = s + strlen(s);
		json_strn(j, NULL, s, (size_t)(e - s));
	}
	json_arr_end(j);
	if (c->has_efi) {
		json_obj(j, "ovmf_chain");
		json_bool(j, "complete", !c->chain_missing);
		json_arr(j, "missing");
		roles_str(c->chain_missing, buf, sizeof(buf));
		for (char *s = buf, *e; *s; s = e + (*e != 0)) {
			e = strchr(s, ',');
			if (!e)
				e = s + strlen(s);
			json_strn(j, NULL, s, (size_t)(e - s));
		}
		json_arr_end(j);
		if (c->test_accept_image >= 0) {
			const struct driver_id *t = &c->pay[c->test_accept_image].drv;
			snprintf(buf, sizeof(buf), "%04x:%04x", t->test_vendor, t->test_device);
			json_str(j, "test_accept", buf);
		} else {
			json_null(j, "test_accept");
		}
		json_obj_end(j);
	}
	json_arr(j, "findings");
	for (size_t i = 0; i < c->d.n; i++) {
		const struct diag_entry *e = &c->d.v[i];
		json_obj(j, NULL);
		json_str(j, "level", diag_level_name(e->level));
		if (e->off == DIAG_NO_OFFSET)
			json_null(j, "offset");
		else
			json_hex(j, "offset", e->off);
		json_str(j, "message", e->msg);
		json_obj_end(j);
	}
	json_arr_end(j);
	if (c->d.dropped)
		json_uint(j, "findings_dropped", c->d.dropped);
}

/* rom-parser's own lines first (same text), so its users find what they know. */
static void text_image(const struct rom_check *c, FILE *f, size_t i)
{
	const struct optrom_image *m = &c->rom.img[i];
	const struct pcir_info *p = &m->pcir;
	const struct rom_payload *pl = &c->pay[i];
	char cls[7];

	fprintf(f, "Valid ROM signature found @%llxh, PCIR offset %xh\n", (unsigned long long)m->off, m->pcir_ptr);
	if (!p->valid) {
		fprintf(f, "\tPCIR: not found\n");
		return;
	}
	pcir_class_str(p, cls);
	fprintf(f, "\tPCIR: type %x%s, vendor: %04x, device: %04x, class: %s\n", p->code_type,
		p->code_type == 0 ? " (x86 PC-AT)" : p->code_type == 3 ? " (EFI)" : "", p->vendor, p->device, cls);
	fprintf(f, "\tPCIR: revision %x, vendor revision: %x\n", p->revision, p->code_rev);
	if (m->is_efi) {
		fprintf(f, "\t\tEFI: Signature %sValid", m->efi_sig_ok ? "" : "NOT ");
		if (m->efi_sig_ok) {
			const char *s = m->efi.subsystem == 11 ? "Boot" : m->efi.subsystem == 12 ? "Runtime" : NULL;
			const char *mn = pe_machine_name(m->efi.machine);
			if (s)
				fprintf(f, ", Subsystem: %s", s);
			else
				fprintf(f, ", Subsystem: Unknown (%x)", m->efi.subsystem);
			if (mn && m->efi.machine != PE_MACHINE_RISCV64 && m->efi.machine != PE_MACHINE_LOONGARCH64)
				fprintf(f, ", Machine: %s", mn);
			else
				fprintf(f, ", Machine: Unknown (%x)", m->efi.machine);
		}
		fprintf(f, "\n");
	}
	if (m->last)
		fprintf(f, "\tLast image\n");

	/* igdkit's additions */
	fprintf(f, "\t+ length 0x%x (%u x 512)%s, initialization size 0x%x, PCIR length 0x%x", m->len,
		p->image_len_units, m->truncated ? " TRUNCATED" : "", m->init_size, p->length);
	if (p->revision >= 3)
		fprintf(f, ", max runtime %u x 512", p->max_runtime_units);
	fprintf(f, "\n");
	if (p->ndevlist) {
		fprintf(f, "\t+ device list:");
		for (size_t k = 0; k < p->ndevlist; k++)
			fprintf(f, " %04x", p->devlist[k]);
		fprintf(f, "\n");
	}
	if (m->is_legacy) {
		fprintf(f, "\t+ legacy checksum over 0x%zx bytes: %s\n", m->checksum_len,
			m->checksum_ok ? "ok" : "WRONG");
		if (m->has_vbt)
			fprintf(f, "\t+ VBT @%llxh: '%s', version %u, size 0x%x, BDB version %u, %zu blocks, checksum %s%s\n",
				(unsigned long long)m->vbt.off, m->vbt.signature, m->vbt.version, m->vbt.vbt_size,
				m->vbt.bdb_version, m->vbt.nblocks, m->vbt.checksum_ok ? "ok" : "wrong",
				m->vbt_valid ? "" : ", INVALID");
		else
			fprintf(f, "\t+ no VBT inside\n");
	}
	if (m->is_efi && m->efi_sig_ok) {
		const char *cn = efi_rom_compression_name(m->efi.compression);
		fprintf(f, "\t+ EFI image @%xh, compression %s\n", m->efi.image_off, cn ? cn : "unknown");
	}
	if (pl->present) {
		if (!pl->usable)
			fprintf(f, "\t+ payload: does not inflate\n");
		else if (!pl->pe_ok)
			fprintf(f, "\t+ payload: 0x%zx bytes, NOT a valid PE/COFF image\n", pl->len);
		else
			fprintf(f, "\t+ payload: %s %s %s driver, 0x%zx bytes%s, sha256 %s\n",
				pl->pe.opt_magic == PE_OPT_MAGIC_PE32PLUS ? "PE32+" : "PE32",
				pe_machine_name(pl->pe.machine) ? pe_machine_name(pl->pe.machine) : "?",
				pe_subsystem_name(pl->pe.subsystem) ? pe_subsystem_name(pl->pe.subsystem) : "?", pl->pe_len,
				pl->inflated ? " (inflated)" : "", pl->sha256);
		if (pl->usable) {
			fprintf(f, "\t+ driver: %s", pl->drv.name);
			if (pl->drv.gop_version[0])
				fprintf(f, " %s", pl->drv.gop_version);
			else if (pl->drv.gop_build[0])
				fprintf(f, " build %s", pl->drv.gop_build);
			if (pl->supports_device >= 0)
				fprintf(f, ", %s %04x:%04x", pl->supports_device ? "drives" : "does NOT drive", c->opt.vendor,
					c->opt.device);
			fprintf(f, "\n");
		}
	}
}

void rom_check_text(const struct rom_check *c, FILE *f)
{
	char buf[DIAG_MSG_MAX + 32], roles[64];

	for (size_t i = 0; i < c->rom.nimages; i++)
		text_image(c, f, i);
	if (c->is_rom) {
		fprintf(f, "Images: %zu, %s\n", c->rom.nimages,
			c->rom.last_seen ? "chain ends at an image flagged last" : "NO image flagged last");
		fprintf(f, "Drivers provide: %s\n", c->roles ? roles_str(c->roles, roles, sizeof(roles)) : "nothing known");
		if (c->has_efi) {
			if (!c->chain_missing)
				fprintf(f, "OVMF chain: complete (IGD assignment, GOP policy, GOP)\n");
			else {
				static const struct { unsigned role; const char *what; } need[] = {
					{ ROLE_OPREGION, "an IGD assignment driver (OpRegion, stolen memory)" },
					{ ROLE_VBT_POLICY, "a GOP policy driver (VBT)" },
					{ ROLE_GOP, "a GOP (picture before the OS)" },
				};
				const char *sep = "OVMF chain: incomplete, missing ";
				for (size_t k = 0; k < sizeof(need) / sizeof(need[0]); k++)
					if (c->chain_missing & need[k].role) {
						fprintf(f, "%s%s", sep, need[k].what);
						sep = ", ";
					}
				fprintf(f, "\n");
			}
			if (c->test_accept_image >= 0)
				fprintf(f, "TEST-ONLY ROM: image %d accepts %04x:%04x as an IGD\n", c->test_accept_image,
					c->pay[c->test_accept_image].drv.test_vendor,
					c->pay[c->test_accept_image].drv.test_device);
		}
		if (c->gen.gen)
			fprintf(f, "Generation: Gen%d (%s, from %04x%s)\n", c->gen.gen, c->gen.platform, c->gen_device,
				c->gen_from_option ? ", --device" : ", PCIR");
		if (c->opt.have_device) {
			if (c->device_image >= 0)
				fprintf(f, "Device %04x:%04x: named by image %d\n", c->opt.vendor, c->opt.device, c->device_image);
			else
				fprintf(f, "Device %04x:%04x: named by no image\n", c->opt.vendor, c->opt.device);
		}
	}
	if (c->d.n)
		fprintf(f, "Findings:\n");
	for (size_t i = 0; i < c->d.n; i++) {
		diag_format(&c->d.v[i], buf, sizeof(buf));
		fprintf(f, "  %s: %s\n", diag_level_name(c->d.v[i].level), buf);
	}
	if (c->d.dropped)
		fprintf(f, "  (%zu more not shown)\n", c->d.dropped);
	fprintf(f, "Verdict: %s%s\n", rom_check_verdict(c),
		!c->is_rom ? "" : rom_check_usable(c) ? "" : " (unusable)");
}

/* ---- the command ----------------------------------------------------------- */

static const char synopsis[] = "usage: igdkit rom check ROM [--device 8086:DEVID] [--json]";

int rom_parse_device_id(const char *s, uint16_t *vendor, uint16_t *device)
{
	unsigned long v = 0x8086, d;
	const char *colon = strchr(s, ':');
	char vb[16];
	if (colon) {
		size_t n = (size_t)(colon - s);
		if (!n || n >= sizeof(vb))
			return -1;
		memcpy(vb, s, n);
		vb[n] = 0;
		if (opts_parse_ulong(vb, 16, &v) < 0 || v > 0xffff)
			return -1;
		s = colon + 1;
	}
	if (!*s || opts_parse_ulong(s, 16, &d) < 0 || d > 0xffff)
		return -1;
	*vendor = (uint16_t)v;
	*device = (uint16_t)d;
	return 0;
}

int cmd_rom_check(struct ctx *ctx, int argc, char **argv)
{
	const char *device = NULL;
	const struct opt own[] = {
		{ "device", 0, OPT_STR, &device, "VENDOR:DEVICE", "check the ROM against this PCI device (e.g. 8086:9bc8)" },
		{ 0 },
	};
	struct opts_result res;
	struct rom_check_opts o = { 0 };
	struct file_buf fb;
	struct rom_check *c = NULL;
	char err[512];
	int rc;

	if ((rc = cmd_parse(ctx, synopsis, own, argc, argv, &res)) != CMD_PARSED)
		return rc;
	if (res.npos != 1) {
		opts_result_free(&res);
		return cmd_fail(ctx, EXIT_USAGE, "need exactly one ROM file (%s)", synopsis + 7);
	}
	const char *path = res.pos[0];
	if (device && rom_parse_device_id(device, &o.vendor, &o.device) < 0) {
		opts_result_free(&res);
		return cmd_fail(ctx, EXIT_USAGE, "--device '%s': expected VENDOR:DEVICE in hex, e.g. 8086:9bc8", device);
	}
	o.have_device = device != NULL;
	if (file_read(path, FILE_MAX_FIRMWARE, &fb, err, sizeof(err)) < 0) {
		opts_result_free(&res);
		return cmd_fail(ctx, EXIT_INPUT, "%s", err);
	}
	if (rom_check_run(fb.data, fb.len, &o, &c) < 0) {
		file_buf_free(&fb);
		opts_result_free(&res);
		return cmd_fail(ctx, EXIT_INTERNAL, "out of memory");
	}
	if (ctx->json) {
		struct json j;
		json_init(&j, ctx->out, true);
		json_obj(&j, NULL);
		json_str(&j, "file", path);
		rom_check_json(c, &j);
		json_obj_end(&j);
		json_end(&j);
	}
	if (!c->is_rom) {
		rc = cmd_fail(ctx, EXIT_INPUT, "%s: %s", path, diag_last(&c->d));
	} else {
		if (!ctx->json) {
			fprintf(ctx->out, "%s: %zu bytes\n", path, fb.len);
			rom_check_text(c, ctx->out);
		}
		rc = rom_check_usable(c) ? EXIT_OK : EXIT_FINDINGS;
	}
	rom_check_free(c);
	file_buf_free(&fb);
	opts_result_free(&res);
	return rc;
}
