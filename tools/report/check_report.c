/* report.c - text table, JSON document and the report file on the stick */
#include "report/check_report.h"
#include "report/forum.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/json.h"

static const char *colour_of(enum verdict_status s)
{
	return s == V_OK ? "\033[32m" : s == V_FIX ? "\033[1;31m" : "\033[33m";
}

/* One line per remapping structure, scopes as bus:dev.fn paths: what a forum helper wants to see. */
static void text_dmar(FILE *f, const struct dmar_table *t)
{
	fprintf(f, "\nDMAR (%s %s), host address width %u bits, flags 0x%x:\n", t->oem_id, t->oem_table_id,
		t->haw_raw + 1u, t->flags);
	for (size_t i = 0; i < t->nunits; i++) {
		const struct dmar_unit *u = &t->units[i];
		fprintf(f, "  %-4s", u->type < 7 ? dmar_type_key(u->type) : "?");
		switch (u->type) {
		case DMAR_DRHD:
			fprintf(f, " base 0x%llx%s", (unsigned long long)u->base, (u->flags & 1) ? " INCLUDE_PCI_ALL" : "");
			break;
		case DMAR_RMRR:
			fprintf(f, " 0x%llx-0x%llx", (unsigned long long)u->base, (unsigned long long)u->limit);
			break;
		case DMAR_ATSR:
			fprintf(f, "%s", (u->flags & 1) ? " ALL_PORTS" : "");
			break;
		case DMAR_RHSA:
			fprintf(f, " base 0x%llx proximity %u", (unsigned long long)u->base, u->proximity);
			break;
		case DMAR_ANDD:
			fprintf(f, " device %u %s", u->acpi_dev, u->name);
			break;
		case DMAR_SATC:
			fprintf(f, "%s", (u->flags & 1) ? " ATC_REQUIRED" : "");
			break;
		case DMAR_SIDP:
			break;
		default:
			fprintf(f, " type %u, %u bytes", u->type, u->length);
			break;
		}
		for (size_t k = 0; k < u->nscope; k++) {
			const struct dmar_scope *s = dmar_unit_scope(t, u, k);
			static const char *const kind[] = { "?", "endpoint", "bridge", "ioapic", "hpet", "acpi" };
			fprintf(f, "%s %s%s", k ? "," : ":", s->type < 6 ? kind[s->type] : "?",
				s->type == 3 || s->type == 4 || s->type == 5 ? "" : " ");
			if (s->type >= 3 && s->type <= 5)
				fprintf(f, "#%u ", s->enum_id);
			fprintf(f, "%02x", s->bus);
			for (size_t h = 0; h < s->npath; h++) {
				const uint8_t *hop = dmar_scope_hop(t, s, h);
				fprintf(f, "%s%02x.%x", h ? "/" : ":", hop[0], hop[1]);
			}
		}
		fputc('\n', f);
	}
}

static const char *option_text(const struct setup_question *q, uint64_t v)
{
	for (size_t i = 0; i < q->nopt; i++)
		if (q->opt[i].value == v)
			return q->opt[i].text;
	return NULL;
}

/* Where each passthrough option is in the BIOS setup, its storage, current value and choices. */
static void text_bios_setup(FILE *f, const struct bios_setup *b)
{
	if (!b)
		return;	/* a check run without the Setup part (the menu's, report's) */
	if (!b->used) {
		if (b->stick_note[0])
			fprintf(f, "\nBIOS Setup: %s\n", b->stick_note);
		return;
	}
	if (!b->s)
		return;
	fprintf(f, "\nBIOS Setup from %s (%s%s):\n  %s\n", b->path, b->s->input_kind, b->from_stick ? ", found on the stick" : "",
		b->bios_note);
	for (size_t i = 0; i < b->set.n; i++) {
		const struct setup_setting *st = &b->set.v[i];
		const struct setup_question *q = st->q;
		char t[400], d[32];
		fprintf(f, "  %-30s %s\n", st->key, q->path);
		fprintf(f, "  %-30s %s\n", "", bios_setting_text(st, t, sizeof(t)));
		if (st->v.status != SV_OK || st->v.size_differs)
			fprintf(f, "  %-30s (%s)\n", "", st->v.detail);
		const char *dt = setup_default_text(&q->def[0], d, sizeof(d));
		const char *dn = q->def[0].kind == IFR_DEF_VALUE ? option_text(q, q->def[0].value) : NULL;
		fprintf(f, "  %-30s default %s%s%s%s; options:", "", dt ? dt : "none", dn ? " \"" : "", dn ? dn : "", dn ? "\"" : "");
		for (size_t k = 0; k < q->nopt; k++)
			fprintf(f, "%s %llu \"%s\"", k ? "," : "", (unsigned long long)q->opt[k].value, q->opt[k].text);
		fprintf(f, "%s\n", q->nopt ? "" : (q->op == IFR_CHECKBOX ? " 0 off, 1 on" : " (a number)"));
	}
	if (b->set.nabsent) {
		fprintf(f, "  not in these forms:");
		for (size_t i = 0; i < b->set.nabsent; i++)
			fprintf(f, " %s", b->set.absent[i]);
		fputc('\n', f);
	}
}

void report_text(FILE *f, const struct host_data *c, const struct bios_setup *bs, const struct verdict_list *l,
		 const struct igd_plan *p, bool colour)
{
	size_t n[3] = { 0, 0, 0 };
	for (size_t i = 0; i < l->n; i++)
		n[l->v[i].status]++;
	fprintf(f, "igdkit %s check: %zu ok, %zu to fix, %zu unknown\n", IGDKIT_VERSION, n[V_OK], n[V_FIX],
		n[V_UNKNOWN]);
	if (c->cpu_model[0])
		fprintf(f, "CPU: %s\n", c->cpu_model);
	fprintf(f, "PCI: %s\n", c->pci_ok ? c->pci.source : c->pci_err);
	if (c->test_vendor)
		fprintf(f, "TEST ONLY: %04x:%04x at 00:02.0 is taken as a Gen12 iGPU (--test-accept)\n", c->test_vendor,
			c->test_device);
	fputc('\n', f);
	fprintf(f, "%-8s %-17s %s\n", "STATUS", "CHECK", "EVIDENCE / WHAT TO DO");
	for (size_t i = 0; i < l->n; i++) {
		const struct verdict *v = &l->v[i];
		if (colour)
			fprintf(f, "%s%-8s\033[0m", colour_of(v->status), verdict_status_name(v->status));
		else
			fprintf(f, "%-8s", verdict_status_name(v->status));
		fprintf(f, " %-17s %s\n", v->id, v->evidence);
		fprintf(f, "%-8s %-17s -> %s\n", "", "", v->advice);
	}
	if (c->dmar_parsed)
		text_dmar(f, &c->dmar);
	text_bios_setup(f, bs);
	fprintf(f, "\nWhat igdkit install would write (%s):\n", p->route_name);
	fprintf(f, "  why:                 %s\n", p->why);
	if (p->route == ROUTE_NONE)
		return;
	if (p->qemu_depends[0])
		fprintf(f, "  QEMU:                %s\n", p->qemu_depends);
	fprintf(f, "  kernel cmdline needs:%s\n", p->nneed ? "" : " (nothing)");
	for (size_t i = 0; i < p->nneed; i++)
		fprintf(f, "    %s  (%s)\n", p->need[i].word, p->need[i].why);
	fprintf(f, "  kernel cmdline add:  ");
	for (size_t i = 0; i < p->nadd; i++)
		fprintf(f, "%s%s", i ? " " : "", p->cmdline_add[i]);
	fprintf(f, "%s  (not yet in %s)\n", p->nadd ? "" : "(nothing)", p->compared_with);
	fprintf(f, "  cmdline remove:      ");
	for (size_t i = 0; i < p->nremove; i++)
		fprintf(f, "%s%s", i ? " " : "", p->cmdline_remove[i]);
	fprintf(f, "%s\n", p->nremove ? "  (install drops them from /etc/kernel/cmdline; in /etc/default/grub it warns"
					 " and leaves them to you)"
				       : "(nothing)");
	fprintf(f, "  vfio-pci ids:        %s\n", p->vfio_ids);
	static const char *const files[] = { "/etc/modules-load.d/igdkit-vfio.conf", "/etc/modprobe.d/igdkit-vfio.conf" };
	const char *texts[] = { p->modules_load, p->modprobe_conf };
	for (int k = 0; k < 2; k++) {
		fprintf(f, "  %s:%s%s%s\n", files[k], !k && p->modules_note[0] ? " (" : "", !k ? p->modules_note : "",
			!k && p->modules_note[0] ? ")" : "");
		for (const char *s = texts[k]; *s;) {
			const char *e = strchr(s, '\n');
			int len = e ? (int)(e - s) : (int)strlen(s);
			fprintf(f, "    %.*s\n", len, s);
			s += len + (e != NULL);
		}
	}
	fprintf(f, "  ROM:                 /usr/share/kvm/%s\n", p->rom_name);
	if (p->rom_note[0])
		fprintf(f, "                       (%s)\n", p->rom_note);
	if (p->vmid)
		fprintf(f, "  VM %u config lines:\n", p->vmid);
	else
		fprintf(f, "  VM config (for a new VM; with --vmid N an existing one keeps its own i440fx pin if this QEMU has it):\n");
	fprintf(f, "    machine: %s%s\n    bios: %s\n    vga: %s\n    %s: %s\n", p->vm_machine,
		p->machine_kept ? "  (the VM's own pin, kept)" : "", p->vm_bios, p->vm_vga, p->hostpci_key, p->hostpci0);
	if (p->args[0])
		fprintf(f, "    args: %s%s\n", p->args, p->vmid ? "  (the VM's other args words stay)" : "");
	for (size_t i = 0; i < p->nnotes; i++)
		fprintf(f, "  note: %s\n", p->notes[i]);
}

static void json_tri(struct json *j, const char *key, enum tristate t)
{
	if (t == TRI_UNKNOWN)
		json_null(j, key);
	else
		json_bool(j, key, t == TRI_YES);
}

static void json_scopes(struct json *j, const struct dmar_table *t, const struct dmar_unit *u)
{
	json_arr(j, "scopes");
	for (size_t i = 0; i < u->nscope; i++) {
		const struct dmar_scope *s = dmar_unit_scope(t, u, i);
		if (!s)
			break;
		json_obj(j, NULL);
		json_uint(j, "type", s->type);
		json_str(j, "type_name", dmar_scope_type_name(s->type));
		json_uint(j, "enumeration_id", s->enum_id);
		json_uint(j, "flags", s->flags);
		json_uint(j, "bus", s->bus);
		json_arr(j, "path");
		for (size_t k = 0; k < s->npath; k++) {
			const uint8_t *h = dmar_scope_hop(t, s, k);
			json_arr(j, NULL);
			json_uint(j, NULL, h[0]);
			json_uint(j, NULL, h[1]);
			json_arr_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* The tail of every structure that names devices (all but DRHD, whose size comes between). */
static void json_segment_scopes(struct json *j, const struct dmar_table *t, const struct dmar_unit *u)
{
	json_uint(j, "segment", u->segment);
	json_scopes(j, t, u);
}

static void json_dmar(struct json *j, const struct host_data *c)
{
	const struct dmar_table *t = &c->dmar;
	json_obj(j, "dmar");
	json_tri(j, "present", c->f.dmar_present);
	if (!c->dmar_parsed) {
		json_str(j, "error", c->dmar_err[0] ? c->dmar_err : NULL);
		json_obj_end(j);
		return;
	}
	json_uint(j, "length", t->length);
	json_uint(j, "revision", t->revision);
	json_bool(j, "checksum_ok", t->checksum_ok);
	json_str(j, "oem_id", t->oem_id);
	json_str(j, "oem_table_id", t->oem_table_id);
	json_uint(j, "host_address_width", t->haw_raw + 1u);
	json_obj(j, "flags");
	json_uint(j, "raw", t->flags);
	json_bool(j, "intr_remap", t->flags & DMAR_FLAG_INTR_REMAP);
	json_bool(j, "x2apic_opt_out", t->flags & DMAR_FLAG_X2APIC_OPT_OUT);
	json_bool(j, "dma_ctrl_platform_opt_in", t->flags & DMAR_FLAG_DMA_CTRL_PLATFORM_OPT_IN);
	json_obj_end(j);
	json_uint(j, "decode_errors", c->dmar_errors);
	if (c->dmar_errors)
		json_str(j, "error", c->dmar_err);
	for (unsigned type = 0; type <= 7; type++) {
		json_arr(j, type < 7 ? dmar_type_key(type) : "unknown");
		for (size_t i = 0; i < t->nunits; i++) {
			const struct dmar_unit *u = &t->units[i];
			if (type < 7 ? u->type != type : u->type < 7)
				continue;
			json_obj(j, NULL);
			json_hex(j, "offset", u->off);
			switch (u->type) {
			case DMAR_DRHD:
				json_hex(j, "base", u->base);
				json_bool(j, "include_pci_all", u->flags & 1);
				json_uint(j, "segment", u->segment);
				json_uint(j, "size", u->size);
				json_scopes(j, t, u);
				break;
			case DMAR_RMRR:
				json_hex(j, "base", u->base);
				json_hex(j, "end", u->limit);
				json_segment_scopes(j, t, u);
				break;
			case DMAR_ATSR:
				json_bool(j, "all_ports", u->flags & 1);
				json_segment_scopes(j, t, u);
				break;
			case DMAR_RHSA:
				json_hex(j, "base", u->base);
				json_uint(j, "proximity_domain", u->proximity);
				break;
			case DMAR_ANDD:
				json_uint(j, "device_number", u->acpi_dev);
				json_str(j, "name", u->name);
				break;
			case DMAR_SATC:
				json_bool(j, "atc_required", u->flags & 1);
				json_segment_scopes(j, t, u);
				break;
			case DMAR_SIDP:
				json_segment_scopes(j, t, u);
				break;
			default:
				json_uint(j, "type", u->type);
				json_uint(j, "length", u->length);
				break;
			}
			json_obj_end(j);
		}
		json_arr_end(j);
	}
	const struct dmar_unit *g = dmar_graphics_drhd(t), *r = dmar_rmrr_for(t, 0, 2, 0);
	if (g)
		json_hex(j, "graphics_drhd", g->base);
	else
		json_null(j, "graphics_drhd");
	json_bool(j, "igd_rmrr", r != NULL);
	json_obj_end(j);
}

static void json_mem_range(struct json *j, const struct igd_mem_range *r)
{
	json_str(j, "memory_type", r->known ? r->type : NULL);
	if (r->known) {
		json_hex(j, "range_start", r->start);
		json_hex(j, "range_end", r->end);
	} else {
		json_null(j, "range_start");
		json_null(j, "range_end");
	}
}

/* The OpRegion at ASLS and the stolen memory at BDSM as this OS sees them (null: not looked at). */
static void json_igd_memory(struct json *j, const struct host_data *c)
{
	const struct igd_memory *m = &c->mem;
	if (!c->mem_read || !c->f.asls) {
		json_null(j, "opregion");
	} else {
		json_obj(j, "opregion");
		json_hex(j, "address", c->f.asls);
		json_mem_range(j, &m->opregion);
		json_bool(j, "read", m->read_rc == 0);
		json_str(j, "read_error", m->read_rc < 0 ? m->read_err : NULL);
		const char *hint = igd_memory_read_hint(m);
		json_str(j, "read_hint", *hint ? hint : NULL);
		if (m->read_rc == 0) {
			json_str(j, "status", m->status == OPR_OK ? "ok" : opr_status_str(m->status));
			if (m->status != OPR_OK)
				json_hex(j, "bad_offset", m->bad_off);
		}
		if (m->read_rc == 0 && (m->status == OPR_OK || m->oi.size)) {
			char ver[16];
			snprintf(ver, sizeof(ver), "%u.%u", m->oi.major, m->oi.minor);
			json_str(j, "version", ver);
			json_uint(j, "size", m->oi.size);
			json_uint(j, "extent", m->oi.extent);
			json_str(j, "sha256", m->opregion_sha256[0] ? m->opregion_sha256 : NULL);
		}
		if (m->read_rc == 0 && m->status == OPR_OK) {
			json_obj(j, "vbt");
			json_str(j, "source", m->vbt.source == OPR_VBT_RVDA ? "rvda" : "mailbox4");
			json_hex(j, "offset", m->vbt.off);
			json_uint(j, "size", m->vbt.size);
			json_uint(j, "bdb_version", m->bdb_version);
			json_bool(j, "checksum_ok", m->vbt_sums_to_zero);
			json_str(j, "sha256", m->vbt_sha256);
			json_obj_end(j);
		}
		json_obj_end(j);
	}
	if (!c->mem_read || !c->f.bdsm) {
		json_null(j, "stolen");
		return;
	}
	json_obj(j, "stolen");
	json_hex(j, "address", c->f.bdsm);
	if (m->stolen_bytes)
		json_uint(j, "expected_bytes", m->stolen_bytes);
	else
		json_null(j, "expected_bytes");
	json_mem_range(j, &m->stolen);
	if (m->stolen_bytes)
		json_bool(j, "covered", m->stolen_covered);
	else
		json_null(j, "covered");
	json_obj_end(j);
}

static void json_igd(struct json *j, const struct host_data *c)
{
	const struct machine_facts *f = &c->f;
	json_obj(j, "igd");
	json_bool(j, "present", f->igd_present);
	if (!f->igd_present) {
		json_null(j, "device_id");
		json_null(j, "generation");
		json_null(j, "ggc");
		json_null(j, "gms_mib");
		json_null(j, "asls");
		json_obj_end(j);
		return;
	}
	bool regs = c->igd->cfg_len >= 256;
	json_hex(j, "device_id", f->igd_device_id);
	json_hex(j, "class", c->igd->class_code);
	json_str(j, "platform", f->igd_platform);
	if (f->igd_gen)
		json_int(j, "generation", f->igd_gen);
	else
		json_null(j, "generation");
	if (regs)
		json_hex(j, "ggc", f->ggc);
	else
		json_null(j, "ggc");
	if (regs && c->ggc.valid) {
		json_uint(j, "gms_mib", f->gms_mib);
		json_uint(j, "ggms_mib", f->ggms_mib);
	} else {
		json_null(j, "gms_mib");
		json_null(j, "ggms_mib");
	}
	if (f->gms_value > 0)
		json_hex(j, "x_igd_gms", (uint64_t)f->gms_value);
	else
		json_null(j, "x_igd_gms");
	json_bool(j, "ivd", f->igd_ivd);
	if (regs) {
		json_hex(j, "bdsm", f->bdsm);
		json_hex(j, "asls", f->asls);
	} else {
		json_null(j, "bdsm");
		json_null(j, "asls");
	}
	json_tri(j, "boot_vga", f->boot_vga);
	if (f->igd_iommu_group >= 0)
		json_int(j, "iommu_group", f->igd_iommu_group);
	else
		json_null(j, "iommu_group");
	json_str(j, "driver", f->igd_driver[0] ? f->igd_driver : NULL);
	if (c->test_vendor) {
		char id[16];
		snprintf(id, sizeof(id), "%04x:%04x", c->test_vendor, c->test_device);
		json_str(j, "test_accept", id);
	}
	json_igd_memory(j, c);
	json_obj_end(j);
}

static void json_plan(struct json *j, const struct igd_plan *p)
{
	json_obj(j, "plan");
	json_str(j, "route", p->route == ROUTE_LEGACY_SEABIOS ? "legacy-seabios"
			     : p->route == ROUTE_OVMF_EFIROM ? "ovmf-efirom"
			     : p->route == ROUTE_SEABIOS_EFIROM ? "seabios-efirom"
							      : "none");
	json_str(j, "why", p->why);
	json_bool(j, "qemu_known", p->qemu_known);
	json_str(j, "qemu_depends", p->qemu_depends[0] ? p->qemu_depends : NULL);
	json_arr(j, "cmdline_needs");
	for (size_t i = 0; i < p->nneed; i++) {
		json_obj(j, NULL);
		json_str(j, "word", p->need[i].word);
		json_str(j, "why", p->need[i].why);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_str(j, "cmdline_compared_with", p->compared_with[0] ? p->compared_with : NULL);
	json_arr(j, "cmdline_add");
	for (size_t i = 0; i < p->nadd; i++)
		json_str(j, NULL, p->cmdline_add[i]);
	json_arr_end(j);
	json_arr(j, "cmdline_remove");
	for (size_t i = 0; i < p->nremove; i++)
		json_str(j, NULL, p->cmdline_remove[i]);
	json_arr_end(j);
	if (p->route != ROUTE_NONE) {
		json_str(j, "vfio_ids", p->vfio_ids);
		json_str(j, "modprobe_conf", p->modprobe_conf);
		json_str(j, "modules_load", p->modules_load);
		json_str(j, "modules_note", p->modules_note[0] ? p->modules_note : NULL);
		json_str(j, "rom_name", p->rom_name);
		json_str(j, "rom_note", p->rom_note[0] ? p->rom_note : NULL);
		json_obj(j, "vm");
		if (p->vmid)
			json_uint(j, "vmid", p->vmid);
		else
			json_null(j, "vmid");
		json_str(j, "machine", p->vm_machine);
		json_str(j, "bios", p->vm_bios);
		json_str(j, "vga", p->vm_vga);
		json_str(j, "hostpci_key", p->hostpci_key);
		json_str(j, "hostpci0", p->hostpci0);
		json_str(j, "args", p->args[0] ? p->args : NULL);
		json_obj_end(j);
		json_arr(j, "notes");
		for (size_t i = 0; i < p->nnotes; i++)
			json_str(j, NULL, p->notes[i]);
		json_arr_end(j);
	}
	json_obj_end(j);
}

static void json_bios_setup(struct json *j, const struct bios_setup *b)
{
	static const struct bios_setup none;
	if (!b)
		b = &none;
	json_arr(j, "bios_setup");
	for (size_t i = 0; b->s && i < b->set.n; i++) {
		const struct setup_setting *st = &b->set.v[i];
		const struct setup_question *q = st->q;
		char g[GUID_STR_LEN], buf[PATH_MAX + 200];
		json_obj(j, NULL);
		json_str(j, "key", st->key);
		json_bool(j, "analogue", st->analogue);
		json_str(j, "prompt", q->prompt);
		json_str(j, "path", q->path);
		json_hex(j, "question_id", q->qid);
		json_str(j, "varstore", q->has_store ? q->vs_name : NULL);
		guid_fmt(&q->vs_guid, g);
		json_str(j, "guid", q->has_store ? g : NULL);
		json_str(j, "variable", st->v.var[0] ? st->v.var : NULL);
		json_hex(j, "offset", q->var_offset);
		if (q->bits) {
			json_null(j, "width");
			json_uint(j, "width_bits", q->bit_width);
		} else {
			json_uint(j, "width", q->width);
		}
		if (st->v.status == SV_OK) {
			json_uint(j, "value", st->v.value);
			json_str(j, "text", st->v.text);
		} else {
			json_null(j, "value");
			json_null(j, "text");
		}
		if (q->def[0].kind == IFR_DEF_VALUE) {
			json_uint(j, "default", q->def[0].value);
			json_str(j, "default_text", option_text(q, q->def[0].value));
		} else {
			json_str(j, "default", q->def[0].kind == IFR_DEF_COMPUTED ? "computed" : NULL);
			json_null(j, "default_text");
		}
		json_str(j, "source", bios_setting_source(b, st, buf, sizeof(buf)));
		json_str(j, "status", setup_value_status_name(st->v.status));
		json_str(j, "detail", st->v.detail[0] ? st->v.detail : NULL);
		json_arr(j, "options");
		for (size_t k = 0; k < q->nopt; k++) {
			json_obj(j, NULL);
			json_uint(j, "value", q->opt[k].value);
			json_str(j, "text", q->opt[k].text);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	if (!b->used) {
		json_null(j, "bios_setup_file");
		return;
	}
	json_obj(j, "bios_setup_file");
	json_str(j, "path", b->path);
	json_bool(j, "found_on_stick", b->from_stick);
	json_str(j, "detected", b->s ? b->s->input_kind : NULL);
	json_str(j, "error", b->s ? NULL : b->err);
	json_str(j, "dmi_bios_version", b->dmi_version[0] ? b->dmi_version : NULL);
	json_str(j, "dmi_bios_date", b->dmi_date[0] ? b->dmi_date : NULL);
	json_bool(j, "version_found", b->version_found);
	json_bool(j, "date_found", b->date_found);
	json_tri(j, "same_bios", b->same_bios);
	json_str(j, "bios_note", b->bios_note[0] ? b->bios_note : NULL);
	json_str(j, "variables_unreadable", b->vars_why[0] ? b->vars_why : NULL);
	json_arr(j, "absent");
	for (size_t i = 0; i < b->set.nabsent; i++)
		json_str(j, NULL, b->set.absent[i]);
	json_arr_end(j);
	json_obj_end(j);
}

void report_json(FILE *f, const struct host_data *c, const struct bios_setup *bs, const struct verdict_list *l,
		 const struct igd_plan *p, int exit_code)
{
	struct json j;
	json_init(&j, f, true);
	json_obj(&j, NULL);
	json_str(&j, "igdkit", IGDKIT_VERSION);
	json_str(&j, "command", "check");
	json_int(&j, "exit_code", exit_code);
	json_str(&j, "pci_source", c->pci_ok ? c->pci.source : NULL);
	json_arr(&j, "verdicts");
	for (size_t i = 0; i < l->n; i++) {
		json_obj(&j, NULL);
		json_str(&j, "id", l->v[i].id);
		json_str(&j, "status", verdict_status_name(l->v[i].status));
		json_str(&j, "evidence", l->v[i].evidence);
		json_str(&j, "advice", l->v[i].advice);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_dmar(&j, c);
	json_igd(&j, c);
	json_obj(&j, "cpu");
	json_str(&j, "model", c->cpu_model[0] ? c->cpu_model : NULL);
	json_tri(&j, "vmx_capable", c->f.vmx_capable);
	json_tri(&j, "vmx_enabled", c->f.vmx_enabled);
	if (c->msr_ok == TRI_YES)
		json_hex(&j, "msr_feature_control", c->msr_feature_control);
	else
		json_null(&j, "msr_feature_control");
	json_obj_end(&j);
	json_obj(&j, "firmware");
	json_tri(&j, "uefi_boot", c->f.uefi_boot);
	json_tri(&j, "secure_boot", c->f.secure_boot);
	json_tri(&j, "setup_mode", c->f.setup_mode);
	json_obj_end(&j);
	json_bios_setup(&j, bs);
	json_plan(&j, p);
	json_obj_end(&j);
	json_end(&j);
}

int report_write_stick(const char *dir, const struct host_data *c, const struct bios_setup *bs, const struct verdict_list *l,
		       const struct igd_plan *p, char *path, size_t pathlen, char *err, size_t errlen)
{
	char logs[4096], tmp[4200];
	snprintf(logs, sizeof(logs), "%s/logs", dir);
	if (mkdir(logs, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", logs, strerror(errno));
		return -1;
	}
	char stamp[32];
	report_stamp(stamp, sizeof(stamp));
	snprintf(path, pathlen, "%s/check-%s.txt", logs, stamp);
	snprintf(tmp, sizeof(tmp), "%s/.check-%s.txt.tmp", logs, stamp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	report_text(f, c, bs, l, p, false);
	/* The stick is FAT and may be pulled: data on disk, then rename, then the directory. */
	bool bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
	if (fclose(f) != 0)
		bad = true;
	if (bad || rename(tmp, path) < 0) {
		snprintf(err, errlen, "%s: %s", bad ? tmp : path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	int dfd = open(logs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

int check_run(const char *root, const char *pci_dump, struct check_run *r, struct diag *d)
{
	memset(r, 0, sizeof(*r));
	r->c = calloc(1, sizeof(*r->c));
	r->l = calloc(1, sizeof(*r->l));
	r->p = calloc(1, sizeof(*r->p));
	if (!r->c || !r->l || !r->p) {
		check_run_free(r);
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	}
	r->collect_rc = host_collect(root, pci_dump, r->c, d);
	check_all(r->c, r->l);
	struct plan_opts po = { 0 };
	plan_compute(&r->c->f, &po, r->p);
	return 0;
}

void check_run_free(struct check_run *r)
{
	if (r->c)
		host_data_free(r->c);
	free(r->c);
	free(r->l);
	free(r->p);
	memset(r, 0, sizeof(*r));
}

char *check_run_text(const struct check_run *r)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return NULL;
	report_text(f, r->c, NULL, r->l, r->p, false);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
