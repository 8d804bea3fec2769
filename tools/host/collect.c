/* collect.c - read everything igdkit needs from a machine, once, through host_ops and libpci */
#include "host/collect.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IGD_SYS "/sys/bus/pci/devices/0000:00:02.0"

static bool read_small(const struct host *h, const char *path, char *buf, size_t len)
{
	char err[256];
	return host_read_text(h, path, buf, len, err, sizeof(err)) == 0;
}

static void collect_pci(const char *pci_dump, struct host_data *c, struct diag *d)
{
	struct diag pd;
	diag_init(&pd);
	int rc = -1;
	if (pci_dump) {
		rc = pci_snapshot_read(pci_dump, NULL, &c->pci, &pd);
	} else if (host_is_live(&c->host)) {
		rc = pci_snapshot_read(NULL, NULL, &c->pci, &pd);
	} else {
		char dir[PATH_MAX];
		if (host_real_path(&c->host, "/sys/bus/pci", dir, sizeof(dir)) == 0 &&
		    c->host.ops->exists(&c->host, "/sys/bus/pci/devices"))
			rc = pci_snapshot_read(NULL, dir, &c->pci, &pd);
		else
			diag_err(&pd, DIAG_NO_OFFSET, "no PCI devices under %s/sys/bus/pci (give --pci-dump FILE)",
				 c->host.root);
	}
	c->pci_ok = rc == 0;
	if (!c->pci_ok)
		snprintf(c->pci_err, sizeof(c->pci_err), "%s", diag_last(&pd));
	for (size_t i = 0; i < pd.n; i++)
		diag_warn(d, DIAG_NO_OFFSET, "%s", pd.v[i].msg);
	diag_free(&pd);
	if (!c->pci_ok)
		return;
	/* Client host bridges keep the capability fuses in a vendor capability (id 0x09) at 0xE0;
	 * server parts use the space for other things, so nothing is read without that header. */
	const struct pci_fn *hb = pci_find(&c->pci, 0, 0, 0);
	if (hb && hb->vendor == 0x8086 && hb->cfg_len >= 256 && hb->cfg[0xe0] == 0x09) {
		c->capid_ok = true;
		c->capid0_a = pci_cfg32(hb, 0xe4);
	}
	c->dev02 = pci_find(&c->pci, 0, 2, 0);
	if (c->dev02 && c->dev02->vendor == 0x8086 && pci_is_display(c->dev02))
		c->igd = c->dev02;
	else if (c->dev02 && c->test_vendor && c->dev02->vendor == c->test_vendor &&
		 c->dev02->device == c->test_device)
		c->igd = c->dev02;	/* --test-accept: an emulated device standing in for the iGPU */
	for (size_t i = 0; i < c->pci.n; i++) {
		const struct pci_fn *p = &c->pci.v[i];
		if (pci_is_display(p) && !(p->bus == 0 && p->dev == 2)) {
			c->other_display = p;
			break;
		}
	}
}

static void collect_igd_regs(struct host_data *c)
{
	struct machine_facts *f = &c->f;
	const struct pci_fn *g = c->igd;
	f->igd_present = g != NULL;
	f->gms_value = -1;
	if (!g)
		return;
	f->igd_device_id = g->device;
	f->igd_class = (uint16_t)(g->class_code >> 8);
	c->id = c->test_vendor ? NULL : igd_id_lookup(g->device);
	f->igd_gen = c->id ? c->id->gen : 0;
	f->igd_platform = c->id ? c->id->platform : NULL;
	if (c->test_vendor) {
		/* Registers as igdkit's assignment driver writes them for a test device (efi/igd.h). */
		f->igd_gen = 12;
		f->igd_platform = "test device (--test-accept)";
	}
	f->igd_legacy_vbios = c->id && c->id->legacy_vbios;
	if (g->cfg_len >= 256) {
		f->ggc = pci_cfg16(g, 0x50);
		ggc_decode(f->igd_gen, c->id && c->id->gen == 8 && (g->device & 0xfffc) == 0x22b0, f->ggc, &c->ggc);
		if (c->ggc.valid) {
			f->igd_ivd = c->ggc.ivd;	/* before gen 6, 0x50 of 00:02.0 is not GGC */
			f->gms_mib = c->ggc.gms_mib;
			f->ggms_mib = c->ggc.ggms_mib;
			f->gms_value = c->ggc.x_igd_gms;
		}
		f->bdsm = bdsm_from_cfg(f->igd_gen, pci_cfg32(g, 0x5c), pci_cfg32(g, 0xc0), pci_cfg32(g, 0xc4));
		f->asls = pci_cfg32(g, 0xfc);
	}
	uint32_t lo = pci_cfg32(g, 0x18), hi = (lo & 6) == 4 ? pci_cfg32(g, 0x1c) : 0;
	c->bar2 = ((uint64_t)hi << 32 | lo) & ~(uint64_t)0xf;
}

static void collect_dmar(struct host_data *c, struct diag *d)
{
	struct machine_facts *f = &c->f;
	struct file_buf fb;
	char err[256];
	f->igd_has_drhd = f->intr_remap = f->igd_rmrr = TRI_UNKNOWN;
	if (c->host.ops->read_file(&c->host, "/sys/firmware/acpi/tables/DMAR", 1 << 20, &fb, err, sizeof(err)) < 0) {
		bool missing = !c->host.ops->exists(&c->host, "/sys/firmware/acpi/tables/DMAR");
		if (missing && c->host.ops->exists(&c->host, "/sys/firmware/acpi/tables")) {
			f->dmar_present = TRI_NO;
			snprintf(c->dmar_err, sizeof(c->dmar_err), "no /sys/firmware/acpi/tables/DMAR");
		} else {
			f->dmar_present = TRI_UNKNOWN;
			snprintf(c->dmar_err, sizeof(c->dmar_err), "%.200s",
				 missing ? "ACPI tables not visible: /sys/firmware/acpi/tables is missing" : err);
		}
		return;
	}
	f->dmar_present = TRI_YES;
	struct diag dd;
	diag_init(&dd);
	if (dmar_parse(fb.data, fb.len, &c->dmar, &dd) == 0) {
		c->dmar_parsed = true;
		c->dmar_errors = dd.errors;
		f->intr_remap = (c->dmar.flags & DMAR_FLAG_INTR_REMAP) ? TRI_YES : TRI_NO;
		f->igd_has_drhd = dmar_drhd_for(&c->dmar, 0, 2, 0) ? TRI_YES : TRI_NO;
		f->igd_rmrr = dmar_rmrr_for(&c->dmar, 0, 2, 0) ? TRI_YES : TRI_NO;
	}
	if (dd.errors)
		snprintf(c->dmar_err, sizeof(c->dmar_err), "%s", diag_last(&dd));
	char msg[DIAG_MSG_MAX + 32];
	for (size_t i = 0; i < dd.n; i++) {
		diag_format(&dd.v[i], msg, sizeof(msg));
		diag_warn(d, DIAG_NO_OFFSET, "DMAR: %s", msg);
	}
	diag_free(&dd);
	file_buf_free(&fb);
}

/* "flags\t\t: fpu vme ..." -> value after ": " for the first processor only. */
static const char *cpuinfo_value(const char *text, const char *key, char *buf, size_t len)
{
	size_t kl = strlen(key);
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t ll = nl ? (size_t)(nl - line) : strlen(line);
		if (ll == 0 && line != text)
			break;	/* end of the first processor block */
		if (!strncmp(line, key, kl) && (line[kl] == '\t' || line[kl] == ' ' || line[kl] == ':')) {
			const char *colon = memchr(line, ':', ll);
			if (colon) {
				const char *v = colon + 1;
				while (*v == ' ')
					v++;
				size_t n = (size_t)(line + ll - v);
				if (n >= len)
					n = len - 1;
				memcpy(buf, v, n);
				buf[n] = 0;
				return buf;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

static bool has_flag(const char *flags, const char *flag)
{
	size_t n = strlen(flag);
	for (const char *p = flags; (p = strstr(p, flag)) != NULL; p += n)
		if ((p == flags || p[-1] == ' ') && (p[n] == 0 || p[n] == ' '))
			return true;
	return false;
}

static void collect_cpu(struct host_data *c)
{
	struct machine_facts *f = &c->f;
	struct file_buf fb;
	char err[256];
	f->vmx_capable = f->vmx_enabled = TRI_UNKNOWN;
	c->msr_ok = TRI_UNKNOWN;
	if (c->host.ops->read_file(&c->host, "/proc/cpuinfo", 4 << 20, &fb, err, sizeof(err)) == 0) {
		char *text = calloc(1, fb.len + 1);
		if (text) {
			memcpy(text, fb.data, fb.len);
			static char flags[8192];
			c->cpuinfo_ok = true;
			if (cpuinfo_value(text, "flags", flags, sizeof(flags))) {
				c->cpu_vmx_flag = has_flag(flags, "vmx");
				c->cpu_hypervisor = has_flag(flags, "hypervisor");
			}
			if (!cpuinfo_value(text, "vmx flags", c->vmx_flags, sizeof(c->vmx_flags)))
				c->vmx_flags[0] = 0;
			if (!cpuinfo_value(text, "model name", c->cpu_model, sizeof(c->cpu_model)))
				c->cpu_model[0] = 0;
			char vendor[32];
			c->cpu_intel = cpuinfo_value(text, "vendor_id", vendor, sizeof(vendor)) &&
				       !strcmp(vendor, "GenuineIntel");
			free(text);
		}
		file_buf_free(&fb);
	}
	uint32_t r[4];
	if (c->host.ops->cpuid(&c->host, 1, r, c->cpuid_err, sizeof(c->cpuid_err)) == 0) {
		f->vmx_capable = (r[2] & (1u << 5)) ? TRI_YES : TRI_NO;
		if (r[2] & (1u << 31))
			c->cpu_hypervisor = true;
	} else if (c->cpuinfo_ok && c->cpu_vmx_flag) {
		f->vmx_capable = TRI_YES;
	}
	c->msr_odd_cpu = -1;
	if (c->host.ops->read_msr(&c->host, 0, 0x3a, &c->msr_feature_control, c->msr_err, sizeof(c->msr_err)) == 0) {
		c->msr_ok = TRI_YES;
		c->msr_cpus = 1;
		/* Firmware bugs can leave application processors configured differently from CPU 0. */
		char **names;
		size_t n;
		if (c->host.ops->list_dir(&c->host, "/dev/cpu", &names, &n) == 0) {
			for (size_t i = 0; i < n && i < 4096; i++) {
				char *end, merr[160];
				long cpu = strtol(names[i], &end, 10);
				uint64_t v;
				if (*end || cpu <= 0 || cpu > 65535 ||
				    c->host.ops->read_msr(&c->host, (unsigned)cpu, 0x3a, &v, merr, sizeof(merr)) < 0)
					continue;
				c->msr_cpus++;
				if (v != c->msr_feature_control && (c->msr_odd_cpu < 0 || cpu < c->msr_odd_cpu))
					c->msr_odd_cpu = (int)cpu;
			}
			host_names_free(names, n);
		}
	} else {
		c->msr_ok = TRI_NO;
	}
	/* The kernel's view wins: no vmx flag = KVM cannot run, whatever the MSR says. */
	if (c->cpuinfo_ok)
		f->vmx_enabled = c->cpu_vmx_flag ? TRI_YES : TRI_NO;
	else if (c->msr_ok == TRI_YES && (c->msr_feature_control & 1))
		f->vmx_enabled = (c->msr_feature_control & 4) ? TRI_YES : TRI_NO;
}

static void collect_iommu(struct host_data *c)
{
	struct machine_facts *f = &c->f;
	char **names;
	size_t n;
	f->iommu_active = TRI_UNKNOWN;
	f->igd_iommu_group = -1;
	f->igd_group_alone = TRI_UNKNOWN;
	if (c->host.ops->list_dir(&c->host, "/sys/class/iommu", &names, &n) == 0) {
		c->n_iommu_units = n;
		if (n) {
			/* MGAW, cap bits 21:16, + 1: what QEMU's host-phys-bits-limit must not exceed */
			char path[300], cap[64];
			snprintf(path, sizeof(path), "/sys/class/iommu/%.64s/intel-iommu/cap", names[0]);
			if (read_small(&c->host, path, cap, sizeof(cap))) {
				unsigned long long v = strtoull(cap, NULL, 16);
				c->iommu_aw = (int)((v >> 16) & 0x3f) + 1;
			}
		}
		size_t used = 0;
		for (size_t i = 0; i < n && used + strlen(names[i]) + 2 < sizeof(c->iommu_units); i++)
			used += (size_t)snprintf(c->iommu_units + used, sizeof(c->iommu_units) - used, "%s%s",
						 used ? " " : "", names[i]);
		host_names_free(names, n);
	}
	if (c->host.ops->list_dir(&c->host, "/sys/kernel/iommu_groups", &names, &n) == 0) {
		c->n_groups = n;
		host_names_free(names, n);
	}
	if (c->host.ops->exists(&c->host, "/sys/class") || c->host.ops->exists(&c->host, "/sys/kernel"))
		f->iommu_active = c->n_iommu_units > 0 && c->n_groups > 0 ? TRI_YES : TRI_NO;
	char grp[32];
	if (!c->dump_only && c->host.ops->link_name(&c->host, IGD_SYS "/iommu_group", grp, sizeof(grp)) == 0) {
		char *end;
		long g = strtol(grp, &end, 10);
		if (*grp && !*end && g >= 0 && g < 1000000) {
			f->igd_iommu_group = (int)g;
			char path[96];
			snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%ld/devices", g);
			if (c->host.ops->list_dir(&c->host, path, &names, &n) == 0) {
				size_t used = 0;
				bool alone = true;
				for (size_t i = 0; i < n; i++) {
					if (strcmp(names[i], "0000:00:02.0"))
						alone = false;
					if (used + strlen(names[i]) + 2 < sizeof(f->igd_group_members))
						used += (size_t)snprintf(f->igd_group_members + used,
									 sizeof(f->igd_group_members) - used, "%s%s",
									 used ? " " : "", names[i]);
				}
				f->igd_group_alone = alone ? TRI_YES : TRI_NO;
				host_names_free(names, n);
			}
		}
	}
}

static void collect_sysfs_igd(struct host_data *c)
{
	struct machine_facts *f = &c->f;
	char buf[128];
	f->boot_vga = TRI_UNKNOWN;
	f->igd_reset = TRI_UNKNOWN;
	f->vfio_bound = TRI_UNKNOWN;
	c->sriov_numvfs = -1;
	if (c->dump_only)
		return;
	bool have_dev = c->host.ops->exists(&c->host, IGD_SYS);
	if (read_small(&c->host, IGD_SYS "/boot_vga", buf, sizeof(buf)))
		f->boot_vga = !strcmp(buf, "1") ? TRI_YES : TRI_NO;
	if (read_small(&c->host, IGD_SYS "/reset_method", c->igd_reset_method, sizeof(c->igd_reset_method)))
		f->igd_reset = c->igd_reset_method[0] ? TRI_YES : TRI_NO;
	else if (have_dev && c->host.ops->exists(&c->host, IGD_SYS "/config"))
		f->igd_reset = TRI_NO;	/* the attribute exists only when some reset method does (Linux >= 6.0) */
	if (c->host.ops->link_name(&c->host, IGD_SYS "/driver", f->igd_driver, sizeof(f->igd_driver)) == 0)
		f->vfio_bound = !strcmp(f->igd_driver, "vfio-pci") ? TRI_YES : TRI_NO;
	else if (have_dev)
		f->vfio_bound = TRI_NO;
	if (read_small(&c->host, IGD_SYS "/sriov_numvfs", buf, sizeof(buf)))
		c->sriov_numvfs = atoi(buf);
	c->mdev_types = c->host.ops->exists(&c->host, IGD_SYS "/mdev_supported_types");
}

static void collect_firmware(struct host_data *c)
{
	struct machine_facts *f = &c->f;
	f->secure_boot = f->setup_mode = TRI_UNKNOWN;
	f->csm_likely = TRI_UNKNOWN;
	if (c->host.ops->exists(&c->host, "/sys/firmware/efi"))
		f->uefi_boot = TRI_YES;
	else if (c->host.ops->exists(&c->host, "/sys/firmware"))
		f->uefi_boot = TRI_NO;
	else
		f->uefi_boot = TRI_UNKNOWN;
	if (f->uefi_boot == TRI_NO)
		f->csm_likely = TRI_YES;	/* a legacy boot ran through the CSM */
	if (f->uefi_boot == TRI_YES) {
		efivars_read_secure_state(&c->host, &c->sb);
		f->secure_boot = c->sb.secure_boot;
		f->setup_mode = c->sb.setup_mode;
	} else {
		c->sb.secure_boot = c->sb.setup_mode = TRI_UNKNOWN;
		snprintf(c->sb.why, sizeof(c->sb.why), "not a UEFI boot");
	}
}

static void collect_kernel(struct host_data *c)
{
	struct machine_facts *f = &c->f;
	char err[256];
	c->cmdline_ok = host_read_text(&c->host, "/proc/cmdline", f->cmdline, sizeof(f->cmdline), err, sizeof(err)) == 0;
	if (c->host.ops->exists(&c->host, "/sys/module"))
		f->i915_loaded = c->host.ops->exists(&c->host, "/sys/module/i915") ? TRI_YES : TRI_NO;
	else
		f->i915_loaded = TRI_UNKNOWN;
	f->i915_blacklisted = TRI_UNKNOWN;
	char **names;
	size_t n;
	if (c->host.ops->list_dir(&c->host, "/etc/modprobe.d", &names, &n) == 0) {
		f->i915_blacklisted = TRI_NO;
		for (size_t i = 0; i < n; i++) {
			char path[600];
			struct file_buf fb;
			size_t nl = strlen(names[i]);
			if (nl < 5 || strcmp(names[i] + nl - 5, ".conf"))
				continue;
			snprintf(path, sizeof(path), "/etc/modprobe.d/%s", names[i]);
			if (c->host.ops->read_file(&c->host, path, 1 << 20, &fb, err, sizeof(err)) < 0)
				continue;
			char *t = calloc(1, fb.len + 1);
			if (t) {
				memcpy(t, fb.data, fb.len);
				for (char *line = strtok(t, "\n"); line; line = strtok(NULL, "\n")) {
					while (*line == ' ' || *line == '\t')
						line++;
					if (!strncmp(line, "blacklist", 9) && strstr(line, "i915"))
						f->i915_blacklisted = TRI_YES;
				}
				free(t);
			}
			file_buf_free(&fb);
		}
		host_names_free(names, n);
	}
}

/* /proc/iomem, read once: a boot framebuffer inside BAR2 holds it busy; the ranges under ASLS and BDSM. */
static void collect_iomem(struct host_data *c, struct diag *d)
{
	struct machine_facts *f = &c->f;
	struct file_buf fb;
	char err[256];
	f->fb_owns_bar2 = TRI_UNKNOWN;
	if (c->dump_only) {
		snprintf(c->iomem_err, sizeof(c->iomem_err), "the PCI dump is not from this machine's /proc/iomem");
		return;
	}
	if (c->host.ops->read_file(&c->host, "/proc/iomem", 4 << 20, &fb, err, sizeof(err)) < 0) {
		snprintf(c->iomem_err, sizeof(c->iomem_err), "%.119s", err);
		return;
	}
	int rc = iomem_parse((const char *)fb.data, fb.len, &c->iomem, d);
	file_buf_free(&fb);
	if (rc < 0) {
		snprintf(c->iomem_err, sizeof(c->iomem_err), "/proc/iomem: %.100s", diag_last(d));
		return;
	}
	if (!c->iomem.addresses) {
		snprintf(c->iomem_err, sizeof(c->iomem_err), "/proc/iomem shows only zero addresses (run as root)");
		return;
	}
	if (!c->igd || !c->bar2) {
		snprintf(c->iomem_err, sizeof(c->iomem_err), "no iGPU BAR2 to look for");
		return;
	}
	uint64_t bar_end = c->bar2 + (256ull << 20) - 1;	/* refined from the BAR's own entry */
	for (size_t i = 0; i < c->iomem.n; i++) {
		const struct iomem_entry *e = &c->iomem.v[i];
		if (e->start == c->bar2 && !strcmp(e->name, "0000:00:02.0") && e->end > e->start)
			bar_end = e->end;
	}
	f->fb_owns_bar2 = TRI_NO;
	for (size_t i = 0; i < c->iomem.n; i++) {
		const struct iomem_entry *e = &c->iomem.v[i];
		const char *name = e->name;
		bool fbname = strstr(name, "BOOTFB") || strstr(name, "simple-framebuffer") || strstr(name, "efifb") ||
			      strstr(name, "vesafb") || strstr(name, "simpledrm");
		if (fbname && e->start <= bar_end && e->end >= c->bar2) {
			f->fb_owns_bar2 = TRI_YES;
			snprintf(c->fb_name, sizeof(c->fb_name), "%.24s at %llx-%llx", name, (unsigned long long)e->start,
				 (unsigned long long)e->end);
			break;
		}
	}
}

/* Only from this machine's own memory (not a --pci-dump of another), and only with ASLS/BDSM readable. */
static void collect_igd_memory(struct host_data *c)
{
	const struct machine_facts *f = &c->f;
	if (!c->igd || c->igd->cfg_len < 256 || c->dump_only || (!f->asls && !f->bdsm))
		return;
	c->mem_read = true;
	uint64_t stolen = c->ggc.valid ? (uint64_t)c->ggc.gms_mib << 20 : 0;
	igd_memory_read(&c->host, &c->iomem, f->asls, f->bdsm, stolen, &c->mem);
}

int host_collect(const char *root, const char *pci_dump, struct host_data *c, struct diag *d)
{
	return host_collect_opts(root, pci_dump, NULL, c, d);
}

int host_collect_opts(const char *root, const char *pci_dump, const struct collect_opts *o, struct host_data *c,
		      struct diag *d)
{
	memset(c, 0, sizeof(*c));
	if (o && o->test_vendor) {
		c->test_vendor = o->test_vendor;
		c->test_device = o->test_device;
	}
	host_open(&c->host, root);
	const char *stick = getenv("IGDKIT_STICK");
	c->on_stick = stick && *stick;
	c->dump_only = pci_dump && host_is_live(&c->host);
	collect_pci(pci_dump, c, d);
	collect_igd_regs(c);
	collect_dmar(c, d);
	collect_cpu(c);
	collect_iommu(c);
	collect_sysfs_igd(c);
	collect_firmware(c);
	collect_kernel(c);
	collect_iomem(c, d);
	collect_igd_memory(c);
	struct machine_facts *f = &c->f;
	f->dgpu_present = c->other_display != NULL;
	return c->pci_ok ? 0 : -1;
}

void host_data_free(struct host_data *c)
{
	pci_snapshot_free(&c->pci);
	dmar_free(&c->dmar);
	iomem_free(&c->iomem);
}

int facts_collect(const char *root, const char *pci_dump, struct machine_facts *f, struct diag *d)
{
	struct host_data *c = calloc(1, sizeof(*c));
	if (!c)
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	if (host_collect(root, pci_dump, c, d) < 0)
		diag_err(d, DIAG_NO_OFFSET, "PCI devices not readable: %s", c->pci_err);
	*f = c->f;
	/* igd_platform points into the static id table, so it survives host_data_free. */
	host_data_free(c);
	free(c);
	return 0;
}

void facts_collect_cmd(const struct ctx *ctx, bool target_mounted, struct machine_facts *f)
{
	struct diag d;
	diag_init(&d);
	memset(f, 0, sizeof(*f));
	facts_collect(target_mounted ? "/" : ctx->root, ctx->pci_dump, f, &d);
	if (ctx->verbose)
		cmd_print_diag(ctx, "facts", &d);
	diag_free(&d);
}
