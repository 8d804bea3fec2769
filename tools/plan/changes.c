/* changes.c - every change this machine and this Proxmox version need, computed before anything is written */
#include "lib/file.h"
#include "lib/strbuf.h"
#include "plan/changes.h"
#include "rom/fit.h"
#include "pve/configdb.h"
#include "pve/pcimap.h"
#include "pve/vmconf.h"
#include "lib/reader.h"
#include "lib/sha256.h"
#include "lib/shsplit.h"
#include "rom/check.h"
#include "plan/decide.h"

#include <ctype.h>
#include <stdarg.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TEXT_MAX (1024 * 1024)
#define ROM_MAX (16 * 1024 * 1024)

static const char grub_dropin[] = "/etc/default/grub.d/igdkit.cfg";
static const char modules_dropin[] = "/etc/modules-load.d/igdkit-vfio.conf";
static const char modprobe_dropin[] = "/etc/modprobe.d/igdkit-vfio.conf";

/* ---- helpers --------------------------------------------------------- */

static int add_change(struct install_plan *p, enum change_kind kind, const char *path, const char *label, const unsigned char *old,
		      size_t oldlen, bool existed, const char *new, size_t newlen, mode_t mode, bool binary, struct diag *d)
{
	if (existed && oldlen == newlen && memcmp(old, new, newlen) == 0)
		return 0;	/* already right: idempotent */
	if (p->n >= INST_MAX_CHANGES)
		return diag_err(d, DIAG_NO_OFFSET, "internal: too many changes");
	struct change *c = &p->ch[p->n];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(c->label, sizeof(c->label), "%s", label ? label : path);
	c->existed = existed;
	c->old = malloc(oldlen + 1);
	c->new = malloc(newlen + 1);
	if (!c->old || !c->new) {
		free(c->old);
		free(c->new);
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	}
	if (oldlen)
		memcpy(c->old, old, oldlen);
	c->old[oldlen] = 0;
	memcpy(c->new, new, newlen);
	c->new[newlen] = 0;
	c->oldlen = oldlen;
	c->newlen = newlen;
	c->mode = mode;
	c->binary = binary;
	p->n++;
	return 1;
}

int install_plan_add(struct install_plan *p, enum change_kind kind, const char *path, const char *label,
		     const unsigned char *old, size_t oldlen, bool existed, const char *new, size_t newlen, mode_t mode,
		     struct diag *d)
{
	return add_change(p, kind, path, label, old, oldlen, existed, new, newlen, mode, false, d);
}

int install_plan_add_vm_row(struct install_plan *p, unsigned vmid, const char *node, const unsigned char *old,
			    size_t oldlen, bool existed, const char *new, size_t newlen, struct diag *d)
{
	char label[400];
	snprintf(label, sizeof(label), "VM %u config (nodes/%s/qemu-server/%u.conf in %s)", vmid, node, vmid, INST_CONFIGDB);
	int k = add_change(p, CH_CONFIGDB, INST_CONFIGDB, label, old, oldlen, existed, new, newlen, 0600, false, d);
	if (k > 0) {
		p->ch[p->n - 1].vmid = vmid;
		snprintf(p->ch[p->n - 1].node, sizeof(p->ch[0].node), "%s", node);
	}
	return k;
}

static int file_change(const struct pve_target *t, struct install_plan *p, const char *path, const char *new, size_t newlen,
		       mode_t mode, bool binary, struct diag *d)
{
	unsigned char *old;
	size_t oldlen;
	int ex = target_read(t, path, binary ? ROM_MAX : TEXT_MAX, &old, &oldlen, d);
	if (ex < 0)
		return -1;
	int rc = add_change(p, CH_FILE, path, NULL, old, oldlen, ex == 1, new, newlen, mode, binary, d);
	free(old);
	return rc;
}

void install_plan_opts(const struct pve_target *t, struct plan_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (t->qemu_major > 0) {
		o->qemu_major = t->qemu_major;
		o->qemu_minor = t->qemu_minor;
	}
	for (size_t i = 0; i < t->nkernels && o->nkernels < PLAN_KERNELS_MAX; i++) {
		o->kernel_major[o->nkernels] = t->kernels[i].major;
		o->kernel_minor[o->nkernels] = t->kernels[i].minor;
		o->nkernels++;
	}
}

void install_cmdline_words(const struct pve_target *t, const struct machine_facts *f, char *buf, size_t len)
{
	struct plan_opts o;
	struct igd_plan *ip = calloc(1, sizeof(*ip));
	buf[0] = 0;
	if (!ip)
		return;
	install_plan_opts(t, &o);
	plan_compute(f, &o, ip);
	for (size_t i = 0; i < ip->nneed; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", *buf ? " " : "", ip->need[i].word);
	free(ip);
}

/* Non-comment text of /etc/default/grub and grub.d/NAME.cfg except ours: what GRUB already gets. */
static char *grub_existing(const struct pve_target *t, struct diag *d)
{
	struct strbuf b = { 0 };
	strbuf_addf(&b, "%s", "");
	unsigned char *s;
	size_t n;
	if (target_read(t, "/etc/default/grub", TEXT_MAX, &s, &n, d) == 1) {
		strbuf_addf(&b, "%s\n", (char *)s);
		free(s);
	}
	char dir[INST_PATH];
	target_path(t, "/etc/default/grub.d", dir, sizeof(dir));
	DIR *dd = opendir(dir);
	if (dd) {
		struct dirent *e;
		while ((e = readdir(dd))) {
			size_t l = strlen(e->d_name);
			if (l < 5 || strcmp(e->d_name + l - 4, ".cfg") != 0 || strcmp(e->d_name, "igdkit.cfg") == 0)
				continue;
			char abs[600];
			snprintf(abs, sizeof(abs), "/etc/default/grub.d/%s", e->d_name);
			if (target_read(t, abs, TEXT_MAX, &s, &n, d) == 1) {
				strbuf_addf(&b, "%s\n", (char *)s);
				free(s);
			}
		}
		closedir(dd);
	}
	/* drop comment lines */
	struct strbuf o = { 0 };
	strbuf_addf(&o, "%s", "");
	for (char *l = strtok(b.s, "\n"); l; l = strtok(NULL, "\n")) {
		const char *q = l;
		while (isspace((unsigned char)*q))
			q++;
		if (*q != '#')
			strbuf_addf(&o, "%s\n", l);
	}
	free(b.s);
	return o.s;
}

const char *install_target_cmdline_name(const struct pve_target *t)
{
	return t->boot == BOOT_PROXMOX_BOOT_TOOL && t->kernel_cmdline_present ? "/etc/kernel/cmdline"
									       : "/etc/default/grub(.d)";
}

char *install_target_cmdline(const struct pve_target *t, struct diag *d)
{
	if (t->boot == BOOT_PROXMOX_BOOT_TOOL && t->kernel_cmdline_present)
		return strdup(t->kernel_cmdline);
	/* what GRUB gets: the other files plus igdkit's own drop-in (words it already added count) */
	char *have = grub_existing(t, d);
	unsigned char *ours;
	size_t n;
	if (have && target_read(t, grub_dropin, TEXT_MAX, &ours, &n, NULL) == 1) {
		struct strbuf b = { 0 };
		strbuf_addf(&b, "%s%s\n", have, (char *)ours);
		free(ours);
		free(have);
		have = b.s;
	}
	return have;
}

/* Why a word has to leave the command line (the decision itself is plan_word_must_go). */
static const char *must_go_reason(const char *w)
{
	if (strstr(w, "igfx_off"))
		return "it hides the iGPU from the IOMMU";
	if (!strncmp(w, "intel_iommu=", 12) || !strcmp(w, "iommu=off"))
		return "it switches the IOMMU off";
	if (!strncmp(w, "pcie_acs_override=", 18))
		return "the iGPU is alone in its IOMMU group and the override removes isolation";
	if (!strncmp(w, "vfio_iommu_type1.", 17))
		return "interrupt remapping is there, so unsafe interrupts are not needed";
	return "GVT-g / SR-IOV sharing conflicts with passing the whole iGPU";
}

static int plan_grub(const struct pve_target *t, const struct machine_facts *f, const char *words, struct install_plan *p,
		     struct diag *d)
{
	char *have = grub_existing(t, d);
	if (!have)
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	/* /etc/default/grub is never rewritten: words that must go are for the user to remove. */
	char *tmp = strdup(have);
	for (char *tok = tmp ? strtok(tmp, " \t\n\"'") : NULL; tok; tok = strtok(NULL, " \t\n\"'"))
		if (plan_word_must_go(f, tok))
			diag_warn(d, DIAG_NO_OFFSET, "GRUB command line has %s: %s; remove it by hand from /etc/default/grub",
				  tok, must_go_reason(tok));
	free(tmp);
	char need[512] = "";
	char w[512];
	snprintf(w, sizeof(w), "%s", words);
	for (char *tok = strtok(w, " "); tok; tok = strtok(NULL, " "))
		if (!plan_has_word(have, tok))
			snprintf(need + strlen(need), sizeof(need) - strlen(need), "%s%s", *need ? " " : "", tok);
	free(have);
	if (!*need) {
		/* Nothing to add. An old drop-in of ours would now be redundant: leave it (undo owns it). */
		return 0;
	}
	struct strbuf b = { 0 };
	strbuf_addf(&b, "# Written by igdkit: kernel command line for Intel iGPU passthrough (00:02.0 -> vfio-pci).\n");
	if (strstr(need, "intel_iommu=on"))
		strbuf_addf(&b, "# intel_iommu=on: kernels before 6.8 leave the Intel IOMMU off.\n");
	if (strstr(need, "initcall_blacklist=sysfb_init"))
		strbuf_addf(&b, "# initcall_blacklist=sysfb_init: no firmware framebuffer on the iGPU's memory (BAR 2).\n");
	strbuf_addf(&b, "# To take it back: igdkit install --undo, or delete this file and run update-grub.\n");
	strbuf_addf(&b, "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT %s\"\n", need);
	int rc = b.failed ? diag_err(d, DIAG_NO_OFFSET, "out of memory composing a file") : file_change(t, p, grub_dropin, b.s, b.len, 0644, false, d);
	free(b.s);
	if (rc > 0) {
		if (t->boot == BOOT_PROXMOX_BOOT_TOOL)
			p->rebuild_pbt = true;
		else
			p->rebuild_grub = true;
	}
	return rc < 0 ? -1 : 0;
}

static int plan_kernel_cmdline(const struct pve_target *t, const struct machine_facts *f, const char *words,
			       struct install_plan *p, struct diag *d)
{
	unsigned char *old;
	size_t oldlen;
	int ex = target_read(t, "/etc/kernel/cmdline", TEXT_MAX, &old, &oldlen, d);
	if (ex <= 0)
		return ex;
	char *first = (char *)old;
	size_t fl = strcspn(first, "\n");
	const char *rest = first + fl;
	char line[4096];
	if (fl >= sizeof(line)) {
		free(old);
		return diag_err(d, DIAG_NO_OFFSET, "/etc/kernel/cmdline: first line longer than %zu bytes", sizeof(line));
	}
	memcpy(line, first, fl);
	line[fl] = 0;
	if (!strstr(line, "root=")) {
		free(old);
		return diag_err(d, DIAG_NO_OFFSET,
				"/etc/kernel/cmdline has no root=: proxmox-boot-tool refresh would abort; fix that file first");
	}
	/* Rebuild the line word by word: keep everything, drop the words that must go, append what is missing. */
	struct strbuf b = { 0 };
	strbuf_addf(&b, "%s", "");
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s", line);
	for (char *tok = strtok(tmp, " \t"); tok; tok = strtok(NULL, " \t")) {
		if (plan_word_must_go(f, tok)) {
			diag_note(d, DIAG_NO_OFFSET, "/etc/kernel/cmdline: removing %s (%s)", tok, must_go_reason(tok));
			continue;
		}
		strbuf_addf(&b, "%s%s", b.len ? " " : "", tok);
	}
	char w[512];
	snprintf(w, sizeof(w), "%s", words);
	for (char *tok = strtok(w, " "); tok; tok = strtok(NULL, " "))
		if (!plan_has_word(line, tok))
			strbuf_addf(&b, " %s", tok);
	strbuf_addf(&b, "%s", *rest ? rest : "\n");
	int rc = b.failed ? diag_err(d, DIAG_NO_OFFSET, "out of memory composing a file") : add_change(p, CH_FILE, "/etc/kernel/cmdline", NULL, old, oldlen, true, b.s, b.len, 0644, false, d);
	free(old);
	free(b.s);
	if (rc > 0)
		p->rebuild_pbt = true;
	return rc < 0 ? -1 : 0;
}

/* Scan /etc/modprobe.d for settings that fight ours. */
static void modprobe_warnings(const struct pve_target *t, struct diag *d)
{
	char dir[INST_PATH];
	target_path(t, "/etc/modprobe.d", dir, sizeof(dir));
	DIR *dd = opendir(dir);
	if (!dd)
		return;
	struct dirent *e;
	while ((e = readdir(dd))) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, "igdkit-vfio.conf") == 0)
			continue;
		char abs[600];
		unsigned char *s;
		size_t n;
		snprintf(abs, sizeof(abs), "/etc/modprobe.d/%s", e->d_name);
		if (target_read(t, abs, TEXT_MAX, &s, &n, NULL) != 1)
			continue;
		for (char *l = strtok((char *)s, "\n"); l; l = strtok(NULL, "\n")) {
			if (*l == '#')
				continue;
			if (strstr(l, "disable_vga=1"))
				diag_warn(d, DIAG_NO_OFFSET, "%s: 'disable_vga=1' breaks legacy IGD mode (no VGA region); remove it", abs);
			else if (strstr(l, "options vfio-pci") && strstr(l, "ids="))
				diag_warn(d, DIAG_NO_OFFSET, "%s: another 'options vfio-pci ids=' line; the two lists do not merge", abs);
		}
		free(s);
	}
	closedir(dd);
}

static int plan_modules(const struct pve_target *t, const struct machine_facts *f, const struct igd_plan *ip,
			struct install_plan *p, struct diag *d)
{
	struct strbuf b = { 0 };
	strbuf_addf(&b, "# Written by igdkit: VFIO modules, so vfio-pci can claim the iGPU (00:02.0) at boot.\n");
	strbuf_addf(&b, "%s", ip->modules_load);
	int rc = b.failed ? diag_err(d, DIAG_NO_OFFSET, "out of memory composing a file") : file_change(t, p, modules_dropin, b.s, b.len, 0644, false, d);
	free(b.s);
	if (rc < 0)
		return -1;
	if (rc > 0)
		p->rebuild_initramfs = true;
	unsigned char *m;
	size_t mlen;
	if (!ip->vfio_virqfd && target_read(t, "/etc/modules", TEXT_MAX, &m, &mlen, NULL) == 1) {
		if (plan_has_word((char *)m, "vfio_virqfd"))
			diag_note(d, DIAG_NO_OFFSET, "/etc/modules lists vfio_virqfd, which kernels >= 6.2 no longer have (harmless 'Failed to find module' at boot); left as it is");
		free(m);
	}

	b = (struct strbuf){ 0 };
	const char *plat = f->igd_platform ? f->igd_platform : "Intel iGPU";
	strbuf_addf(&b, "# Written by igdkit: hand the iGPU (8086:%04x, %s) to vfio-pci before i915 can bind it.\n", f->igd_device_id, plat);
	strbuf_addf(&b, "%s", ip->modprobe_conf);
	rc = b.failed ? diag_err(d, DIAG_NO_OFFSET, "out of memory composing a file") : file_change(t, p, modprobe_dropin, b.s, b.len, 0644, false, d);
	free(b.s);
	if (rc < 0)
		return -1;
	if (rc > 0)
		p->rebuild_initramfs = true;
	modprobe_warnings(t, d);
	return 0;
}

/* ---- the VM ---------------------------------------------------------- */

/* "device.hostpciN[.F].x-igd-...": a -set value for an x-igd-* property of any hostpci device.
 * Those properties exist only on the IGD's vfio-pci device; left on another device (the iGPU
 * moved, or another GPU took its slot) QEMU stops at start, so none of them is kept. */
static bool igd_property_set(const char *w)
{
	if (strncmp(w, "device.hostpci", 14) != 0)
		return false;
	w += 14;
	size_t n = strspn(w, "0123456789");
	if (n == 0)
		return false;
	w += n;
	if (w[0] == '.' && isdigit((unsigned char)w[1]))
		w += 1 + strspn(w + 1, "0123456789");
	return strncmp(w, ".x-igd-", 7) == 0;
}

/* Keep every args: word except -set device.hostpciN.x-igd-* pairs (stale or ours) and our
 * device's .addr pair. */
static int merge_args(const char *old, const char *dev, const char *ours, char *out, size_t len, struct diag *d)
{
	out[0] = 0;
	char **w = NULL;
	const char *err = NULL;
	int n = old ? shsplit(old, &w, &err) : 0;
	if (n < 0)
		return diag_err(d, DIAG_NO_OFFSET, "VM args: cannot split '%s': %s", old, err ? err : "?");
	char pfx2[64];
	snprintf(pfx2, sizeof(pfx2), "device.%s.addr=", dev);
	for (int i = 0; i < n; i++) {
		if (strcmp(w[i], "-set") == 0 && i + 1 < n && (igd_property_set(w[i + 1]) ||
							       strncmp(w[i + 1], pfx2, strlen(pfx2)) == 0)) {
			i++;
			continue;
		}
		bool plain = strcspn(w[i], " \t'\"\\$`") == strlen(w[i]) && *w[i];
		size_t at = strlen(out);
		snprintf(out + at, len - at, plain ? "%s%s" : "%s'%s'", at ? " " : "", w[i]);
	}
	if (w)
		shsplit_free(w);
	if (ours && *ours) {
		size_t at = strlen(out);
		snprintf(out + at, len - at, "%s%s", at ? " " : "", ours);
	}
	return 0;
}

static void gen_uuid(char *out, size_t len, int64_t seed)
{
	unsigned char b[16];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, b, 16) != 16) {
		for (int i = 0; i < 16; i++)
			b[i] = (unsigned char)(seed >> ((i % 8) * 8)) ^ (unsigned char)(i * 37);
	}
	if (fd >= 0)
		close(fd);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(out, len, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4],
		 b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* /etc/pve/mapping/pci.cfg, read only for a VM that has a mapping=ID hostpci (text NULL: none). */
struct vm_pcimap {
	unsigned char *text;
	size_t len;
	const char *node;
};

static void vm_pcimap_load(const struct pve_target *t, const struct vmconf *vc, struct vm_pcimap *m)
{
	memset(m, 0, sizeof(*m));
	m->node = t->hostname;
	for (int i = 0; i < 16; i++) {
		char k[16];
		snprintf(k, sizeof(k), "hostpci%d", i);
		if (vmconf_hostpci_kind(vmconf_get(vc, k)) == VMCONF_HOSTPCI_MAPPING) {
			if (target_read_pve(t, "mapping/pci.cfg", TEXT_MAX, &m->text, &m->len, NULL) != 1) {
				free(m->text);
				m->text = NULL;
			}
			return;
		}
	}
}

/* The hostpciN slot holding 00:02.0 (in any spelling qemu-server reads, or through a mapping
 * that maps it on this node), else the first free one. */
static int hostpci_slot(const struct vmconf *vc, const struct vm_pcimap *m)
{
	int free_slot = -1;
	for (int i = 0; i < 16; i++) {
		char k[16];
		snprintf(k, sizeof(k), "hostpci%d", i);
		const char *v = vmconf_get(vc, k);
		if (!v) {
			if (free_slot < 0)
				free_slot = i;
			continue;
		}
		if (pcimap_hostpci_kind(v, (const char *)m->text, m->len, m->node) == VMCONF_HOSTPCI_IGD)
			return i;
	}
	return free_slot;
}

/* VM vmid's config text (it exists: target_guest found it), through /etc/pve on a live host,
 * else from a private copy of config.db. */
static int read_vm_text(const struct pve_target *t, unsigned vmid, unsigned char **old, size_t *oldlen, struct diag *d)
{
	char conf_path[256];
	snprintf(conf_path, sizeof(conf_path), "/etc/pve/nodes/%s/qemu-server/%u.conf", t->hostname, vmid);
	*old = NULL;
	*oldlen = 0;
	if (t->etc_pve_mounted) {
		if (target_read(t, conf_path, TEXT_MAX, old, oldlen, d) != 1)
			return diag_err(d, DIAG_NO_OFFSET, "%s: cannot read", conf_path);
		return 0;
	}
	struct configdb c;
	char tmp[INST_PATH];
	struct cdb_guest cg;
	if (target_snapshot_configdb(t, &c, tmp, d) < 0)
		return -1;
	int found = configdb_find_guest(&c, vmid, &cg, d);
	if (found == 1 && cg.row->data) {
		*old = malloc(cg.row->len + 1);
		if (*old) {
			memcpy(*old, cg.row->data, cg.row->len + 1);
			*oldlen = cg.row->len;
		}
	}
	target_snapshot_done(&c, tmp);
	if (!*old)
		return diag_err(d, DIAG_NO_OFFSET, "VM %u: config row has no data", vmid);
	return 0;
}

/* The ROM name the VM already uses when that file is in /usr/share/kvm ("" otherwise). */
static void kept_rom_name(const struct pve_target *t, const char *hostpci, char *name, size_t len, unsigned char **data,
			  size_t *dlen)
{
	name[0] = 0;
	const char *rf = hostpci ? strstr(hostpci, "romfile=") : NULL;
	if (!rf)
		return;
	char n[90], abs[256];
	snprintf(n, sizeof(n), "%.*s", (int)strcspn(rf + 8, ","), rf + 8);
	snprintf(abs, sizeof(abs), "/usr/share/kvm/%s", n);
	unsigned char *buf = NULL;
	size_t blen = 0;
	if (!strchr(n, '/') && target_read(t, abs, ROM_MAX, &buf, &blen, NULL) == 1) {
		snprintf(name, len, "%s", n);
		if (data) {
			*data = buf;
			*dlen = blen;
			return;
		}
	}
	free(buf);
}

/* efidisk0's pre-enrolled-keys=1 (qemu-server's property string: comma-separated key=value). */
static bool efidisk_has_keys(const char *efidisk)
{
	for (const char *p = efidisk; p && *p;) {
		size_t n = strcspn(p, ",");
		if (n == 19 && !strncmp(p, "pre-enrolled-keys=1", 19))
			return true;
		p += n;
		if (*p == ',')
			p++;
	}
	return false;
}

int install_vm_now(const struct pve_target *t, unsigned vmid, uint16_t device, struct install_vm_now *v, struct diag *d)
{
	memset(v, 0, sizeof(*v));
	const struct pve_guest *g = target_guest(t, vmid);
	if (!g)
		return 0;
	if (strcmp(g->kind, "qemu-server") != 0)
		return diag_err(d, DIAG_NO_OFFSET, "%u is a container (%s), not a VM", vmid, g->kind);
	unsigned char *old;
	size_t oldlen;
	if (read_vm_text(t, vmid, &old, &oldlen, d) < 0)
		return -1;
	struct vmconf vc;
	if (vmconf_parse(&vc, (char *)old, oldlen, d) < 0) {
		free(old);
		return -1;
	}
	v->exists = true;
	const char *s;
	if ((s = vmconf_get(&vc, "bios")))
		snprintf(v->bios, sizeof(v->bios), "%s", s);
	if ((s = vmconf_get(&vc, "machine")))
		snprintf(v->machine, sizeof(v->machine), "%s", s);
	v->efi_keys = efidisk_has_keys(vmconf_get(&vc, "efidisk0"));
	struct vm_pcimap map;
	vm_pcimap_load(t, &vc, &map);
	v->slot = hostpci_slot(&vc, &map);
	free(map.text);
	if (v->slot >= 0) {
		char key[24];
		snprintf(key, sizeof(key), "hostpci%d", v->slot);
		unsigned char *data = NULL;
		size_t dlen = 0;
		kept_rom_name(t, vmconf_get(&vc, key), v->rom_name, sizeof(v->rom_name), &data, &dlen);
		struct rom_summary rs;
		if (data && rom_summarize(data, dlen, &rs, NULL) == 0) {
			v->rom_ok = true;
			v->rom_legacy = rs.has_legacy;
			v->rom_efi = rs.has_efi;
			v->rom_chain = rs.ovmf_chain;
			v->rom_legacy_other = device && rs.has_legacy && !rom_legacy_runs_on(&rs, device);
		}
		free(data);
	}
	vmconf_free(&vc);
	free(old);
	return 1;
}

/* pmxcfs's /etc/pve/.members says "quorate": 1 while the cluster has quorum. */
static bool live_quorate(const struct pve_target *t)
{
	char path[INST_PATH];
	struct file_buf fb;
	char err[256];
	if (target_path(t, "/etc/pve/.members", path, sizeof(path)) < 0 || file_read(path, 1 << 20, &fb, err, sizeof(err)) < 0)
		return false;
	bool q = false;
	const char *end = (const char *)fb.data + fb.len;
	const char *k = NULL;
	for (const char *c = (const char *)fb.data; !k && c + 9 <= end; c++)
		if (!memcmp(c, "\"quorate\"", 9))
			k = c;
	if (k) {
		for (k += 9; k < end && (*k == ' ' || *k == ':' || *k == '\t'); k++)
			;
		q = k < end && *k == '1';
	}
	file_buf_free(&fb);
	return q;
}


int install_stage_vm(const struct pve_target *t, struct install_plan *p, unsigned vmid, struct diag *d)
{
	int rc = 0;
	p->vm_staged = true;
	struct strbuf u = { 0 };
	strbuf_addf(&u, "# Written by igdkit: this node is in a cluster, so the VM %u change is applied once,\n", vmid);
	strbuf_addf(&u, "# through the live /etc/pve, on the next boot (an offline config.db edit would be\n");
	strbuf_addf(&u, "# reverted or would override the cluster). Delete this file to cancel.\n");
	strbuf_addf(&u, "[Unit]\nDescription=igdkit: change VM %u (qm set, once)\n", vmid);
	strbuf_addf(&u, "Wants=pve-cluster.service\nAfter=pve-cluster.service pvedaemon.service\nBefore=pve-guests.service\n");
	strbuf_addf(&u, "ConditionPathExists=!/var/lib/igdkit/vm%u-applied\n\n", vmid);
	strbuf_addf(&u, "[Service]\nType=oneshot\nExecStart=%s\n", p->qm_set);
	strbuf_addf(&u, "ExecStartPost=/usr/bin/touch /var/lib/igdkit/vm%u-applied\nRemainAfterExit=yes\n\n", vmid);
	strbuf_addf(&u, "[Install]\nWantedBy=multi-user.target\n");
	char unit[128], link[160], target[128];
	snprintf(unit, sizeof(unit), "/etc/systemd/system/igdkit-vm%u.service", vmid);
	snprintf(link, sizeof(link), "/etc/systemd/system/multi-user.target.wants/igdkit-vm%u.service", vmid);
	snprintf(target, sizeof(target), "%s", unit);
	if (file_change(t, p, unit, u.s, u.len, 0644, false, d) < 0)
		rc = -1;
	free(u.s);
	if (!rc) {
		char lp[INST_PATH], cur[256] = "";
		target_path(t, link, lp, sizeof(lp));
		ssize_t ln = readlink(lp, cur, sizeof(cur) - 1);
		if (ln >= 0)
			cur[ln] = 0;
		if (add_change(p, CH_SYMLINK, link, NULL, (unsigned char *)cur, ln >= 0 ? (size_t)ln : 0, ln >= 0, target,
			       strlen(target), 0777, false, d) < 0)
			rc = -1;
	}
	return rc;
}

static int plan_vm(const struct pve_target *t, const struct machine_facts *f, const struct install_opts *o,
		   struct install_plan *p, struct diag *d)
{
	const struct pve_guest *g = target_guest(t, o->vmid);
	if (g && strcmp(g->kind, "qemu-server") != 0)
		return diag_err(d, DIAG_NO_OFFSET, "%u is a container (%s), not a VM", o->vmid, g->kind);
	if (!g && !o->create)
		return diag_err(d, DIAG_NO_OFFSET, "VM %u does not exist on %s (VMs: use --list; --create makes a new one)",
				o->vmid, t->hostname);
	if (g && strcmp(g->node, t->hostname) != 0)
		return diag_err(d, DIAG_NO_OFFSET, "VM %u belongs to node %s, not to this host (%s)", o->vmid, g->node, t->hostname);
	if (g && g->locked)
		return diag_err(d, DIAG_NO_OFFSET, "VM %u is locked (lock: in its config: backup, migration or snapshot in progress); unlock it first", o->vmid);
	if (t->qemu_major < 0)
		return diag_err(d, DIAG_NO_OFFSET, "pve-qemu-kvm is not installed on %s: cannot tell which QEMU runs the VM", t->root);
	if (!f->igd_present || !f->igd_device_id)
		return diag_err(d, DIAG_NO_OFFSET, "no Intel iGPU at 00:02.0 in the machine facts");

	/* Live-host guard: a running VM has /var/run/qemu-server/N.pid naming a live process.
	 * Both paths are read under the target root, so fixtures can stand in for the host. */
	if (t->etc_pve_mounted) {
		char rel[64], pidf[PATH_MAX], proc[PATH_MAX];
		snprintf(rel, sizeof(rel), "/var/run/qemu-server/%u.pid", o->vmid);
		FILE *pf = target_path(t, rel, pidf, sizeof(pidf)) == 0 ? fopen(pidf, "r") : NULL;
		long pid = 0;
		if (pf) {
			if (fscanf(pf, "%ld", &pid) != 1)
				pid = 0;
			fclose(pf);
			snprintf(rel, sizeof(rel), "/proc/%ld", pid);
			if (pid > 0 && target_path(t, rel, proc, sizeof(proc)) == 0 && access(proc, F_OK) == 0)
				return diag_err(d, DIAG_NO_OFFSET, "VM %u is running (pid %ld); shut it down first", o->vmid, pid);
		}
	}

	/* Current config text. */
	unsigned char *old = NULL;
	size_t oldlen = 0;
	char conf_path[256];
	snprintf(conf_path, sizeof(conf_path), "/etc/pve/nodes/%s/qemu-server/%u.conf", t->hostname, o->vmid);
	if (g && read_vm_text(t, o->vmid, &old, &oldlen, d) < 0)
		return -1;

	struct vmconf vc;
	if (vmconf_parse(&vc, old ? (char *)old : "", oldlen, d) < 0) {
		free(old);
		return -1;
	}

	/* The ROM: given, or the one the VM already uses from /usr/share/kvm. */
	const unsigned char *rom = o->rom;
	size_t romlen = o->romlen;
	unsigned char *kept = NULL;
	struct vm_pcimap map;
	vm_pcimap_load(t, &vc, &map);
	int slot = hostpci_slot(&vc, &map);
	if (slot < 0) {
		free(map.text);
		vmconf_free(&vc);
		free(old);
		return diag_err(d, DIAG_NO_OFFSET, "VM %u: all 16 hostpci slots are in use", o->vmid);
	}
	char key[24];
	snprintf(key, sizeof(key), "hostpci%d", slot);
	/* A mapping names its device in /etc/pve/mapping/pci.cfg; another entry that is the iGPU
	 * too, or a mapping that cannot be resolved, would make the VM name 00:02.0 twice, and
	 * qemu-server refuses to start it. */
	for (int i = 0; i < 16; i++) {
		char k[16];
		snprintf(k, sizeof(k), "hostpci%d", i);
		const char *hv = vmconf_get(&vc, k);
		if (i == slot || vmconf_hostpci_kind(hv) != VMCONF_HOSTPCI_MAPPING)
			continue;
		enum vmconf_hostpci mk = pcimap_hostpci_kind(hv, (const char *)map.text, map.len, map.node);
		if (mk == VMCONF_HOSTPCI_IGD)
			diag_warn(d, DIAG_NO_OFFSET, "VM %u: %s: %.200s maps the iGPU (00:02.0) on %s as %s does: delete one of "
				  "them, qemu-server will not start a VM that names one device twice", o->vmid, k, hv, map.node, key);
		else if (mk == VMCONF_HOSTPCI_MAPPING)
			diag_warn(d, DIAG_NO_OFFSET, "VM %u: %s: %.200s is a PCI mapping not found in /etc/pve/mapping/pci.cfg; if it "
				  "maps the iGPU (00:02.0), delete it: qemu-server will not start a VM that names one device twice",
				  o->vmid, k, hv);
	}
	free(map.text);
	map.text = NULL;
	if (!rom) {
		kept_rom_name(t, vmconf_get(&vc, key), p->rom_name, sizeof(p->rom_name), &kept, &romlen);
		if (kept)
			rom = kept;
	}
	if (!rom) {
		vmconf_free(&vc);
		free(old);
		return diag_err(d, DIAG_NO_OFFSET, "VM %u needs an option ROM for the iGPU: give --rom FILE (made by 'igdkit rom make')", o->vmid);
	}
	struct rom_summary rs;
	if (rom_fits_igd(rom, romlen, f->igd_device_id, &rs, d) < 0) {
		free(kept);
		vmconf_free(&vc);
		free(old);
		return -1;
	}

	/* Every decision (route, ROM name, machine, bios, args) comes from the plan engine that
	 * `igdkit check` prints, given this target, this ROM and this VM. */
	const char *cur_bios = vmconf_get(&vc, "bios");
	bool guest_uefi = cur_bios && strcmp(cur_bios, "ovmf") == 0;
	struct plan_opts po;
	install_plan_opts(t, &po);
	plan_opts_use_rom(&po, &rs, f->igd_device_id);
	/* a new VM gets no EFI disk from igdkit, so no keys */
	po.vm_efi_known = true;
	po.vm_efi_keys = efidisk_has_keys(vmconf_get(&vc, "efidisk0"));
	po.vmid = g ? o->vmid : 0;
	po.vm_bios = cur_bios;
	po.vm_machine = vmconf_get(&vc, "machine");
	po.hostpci_slot = slot;
	po.rom_name = p->rom_name[0] ? p->rom_name : NULL;
	struct igd_plan *ip = calloc(1, sizeof(*ip));
	if (!ip) {
		free(kept);
		vmconf_free(&vc);
		free(old);
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	}
	plan_compute(f, &po, ip);
	if (ip->route == ROUTE_NONE) {
		diag_err(d, DIAG_NO_OFFSET, "%s", ip->why);
		free(ip);
		free(kept);
		vmconf_free(&vc);
		free(old);
		return -1;
	}
	bool legacy = plan_route_seabios(ip->route);
	if (!legacy && g && !guest_uefi)
		diag_warn(d, DIAG_NO_OFFSET, "VM %u switches from SeaBIOS to OVMF (UEFI): its guest OS must be able to boot UEFI", o->vmid);
	if (!legacy && g && !vmconf_get(&vc, "efidisk0"))
		diag_note(d, DIAG_NO_OFFSET, "VM %u has no efidisk0: OVMF settings will not persist (add an EFI disk in the GUI)", o->vmid);
	for (size_t i = 0; i < ip->nnotes; i++)
		diag_warn(d, DIAG_NO_OFFSET, "%s", ip->notes[i]);
	snprintf(p->rom_name, sizeof(p->rom_name), "%s", ip->rom_name);

	const char *ours = ip->args;
	const char *dev = ip->hostpci_key;
	char args[1024];
	if (merge_args(vmconf_get(&vc, "args"), dev, ours, args, sizeof(args), d) < 0) {
		free(ip);
		free(kept);
		vmconf_free(&vc);
		free(old);
		return -1;
	}
	const char *hostpci = ip->hostpci0;
	const char *machine = ip->vm_machine;

	if (!g) {
		char uuid[40], line[128];
		gen_uuid(uuid, sizeof(uuid), o->now);
		vmconf_set(&vc, "cores", "2");
		vmconf_set(&vc, "memory", "4096");
		snprintf(line, sizeof(line), "igd-vm%u", o->vmid);
		vmconf_set(&vc, "name", line);
		vmconf_set(&vc, "ostype", "l26");
		vmconf_set(&vc, "scsihw", "virtio-scsi-single");
		vmconf_set(&vc, "sockets", "1");
		snprintf(line, sizeof(line), "uuid=%s", uuid);
		vmconf_set(&vc, "smbios1", line);
	}
	vmconf_set(&vc, key, hostpci);
	vmconf_set(&vc, "vga", "none");
	vmconf_set(&vc, "machine", machine);
	if (legacy) {
		if (cur_bios)
			vmconf_set(&vc, "bios", "seabios");
	} else
		vmconf_set(&vc, "bios", "ovmf");
	if (*args)
		vmconf_set(&vc, "args", args);
	else
		vmconf_delete(&vc, "args");

	snprintf(p->route, sizeof(p->route), "%s: %s, %.63s, hostpci%d at guest 00:02.0 (legacy-igd=1), ROM %.95s%s%.160s",
		 legacy ? "legacy" : "UEFI", legacy ? "SeaBIOS" : "OVMF", machine, slot, p->rom_name,
		 *ours ? ", args " : "", ours);
	if (!legacy && *ip->legacy_refused)
		diag_note(d, DIAG_NO_OFFSET, "not the legacy route: %s", ip->legacy_refused);

	size_t newlen;
	char *newtext = vmconf_format(&vc, &newlen);
	int rc = 0;
	if (!newtext)
		rc = diag_err(d, DIAG_NO_OFFSET, "out of memory");

	/* ROM file to /usr/share/kvm (qemu-server resolves romfile= there). */
	if (!rc) {
		char abs[200];
		snprintf(abs, sizeof(abs), "/usr/share/kvm/%s", p->rom_name);
		if (file_change(t, p, abs, (const char *)rom, romlen, 0644, true, d) < 0)
			rc = -1;
	}

	if (!rc) {
		p->vm_before = strdup(old ? (char *)old : "");
		p->vm_after = strdup(newtext);
	}
	char label[400];
	/* A live cluster member with quorum takes the change through /etc/pve like any live
	 * host (pmxcfs replicates it); offline, or without quorum (/etc/pve is read-only then),
	 * the change waits for the next boot. */
	if (!rc && target_clustered(t) && !(t->etc_pve_mounted && live_quorate(t))) {
		/* Never edit a cluster member's DB offline (dcdb leader election would revert or
		 * override it): a one-shot unit runs qm set through the live /etc/pve on next boot. */
		p->vm_staged = true;
		struct strbuf q = { 0 };
		strbuf_addf(&q, "/usr/sbin/qm set %u --%s \"%s\" --vga none --machine %s --bios %s", o->vmid, key, hostpci, machine,
		       legacy ? "seabios" : "ovmf");
		if (*args)
			strbuf_addf(&q, " --args \"%s\"", args);
		else if (vmconf_get(&vc, "args") == NULL && old && strstr((char *)old, "\nargs:"))
			strbuf_addf(&q, " --delete args");
		snprintf(p->qm_set, sizeof(p->qm_set), "%s", q.s ? q.s : "");
		free(q.s);
		if (install_stage_vm(t, p, o->vmid, d) < 0)
			rc = -1;
		/* Show the VM config as it will be after qm set (not written by igdkit). */
		diag_note(d, DIAG_NO_OFFSET, "cluster member: config.db is left alone; VM %u is changed on next boot by /etc/systemd/system/igdkit-vm%u.service", o->vmid, o->vmid);
	} else if (!rc && t->etc_pve_mounted) {
		snprintf(label, sizeof(label), "VM %u config (%s, through pmxcfs)", o->vmid, conf_path);
		if (add_change(p, CH_FILE, conf_path, label, old, oldlen, g != NULL, newtext, newlen, 0, false, d) < 0)
			rc = -1;
	} else if (!rc && install_plan_add_vm_row(p, o->vmid, t->hostname, old, oldlen, g != NULL, newtext, newlen, d) < 0) {
		rc = -1;
	}
	free(newtext);
	free(ip);
	free(kept);
	vmconf_free(&vc);
	free(old);
	return rc;
}

int install_plan_compute(const struct pve_target *t, const struct machine_facts *f, const struct install_opts *o,
		 struct install_plan *p, struct diag *d)
{
	memset(p, 0, sizeof(*p));
	if (!f->igd_present || !f->igd_device_id)
		return diag_err(d, DIAG_NO_OFFSET, "no Intel iGPU at 00:02.0: nothing to pass through");
	if (t->root_on_zfs)
		diag_note(d, DIAG_NO_OFFSET, "root on ZFS (rpool): this plan was made on an already imported pool");
	if (f->igd_group_alone == TRI_NO)
		diag_warn(d, DIAG_NO_OFFSET, "00:02.0 shares its IOMMU group; igdkit does not add pcie_acs_override (it removes isolation)");
	/* The host side: the same decisions `igdkit check` prints for this target. */
	struct plan_opts po;
	install_plan_opts(t, &po);
	struct igd_plan *ip = calloc(1, sizeof(*ip));
	if (!ip)
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	plan_compute(f, &po, ip);
	char words[PLAN_WORDS_MAX * (PLAN_WORD_LEN + 1)] = "";
	for (size_t i = 0; i < ip->nneed; i++)
		snprintf(words + strlen(words), sizeof(words) - strlen(words), "%s%s", *words ? " " : "", ip->need[i].word);
	int hrc = plan_grub(t, f, words, p, d);
	if (!hrc && t->boot == BOOT_PROXMOX_BOOT_TOOL)
		hrc = plan_kernel_cmdline(t, f, words, p, d);
	if (!hrc)
		hrc = plan_modules(t, f, ip, p, d);
	free(ip);
	if (hrc < 0)
		goto fail;
	if (o->vmid && plan_vm(t, f, o, p, d) < 0)
		goto fail;
	if (p->rebuild_grub && t->boot == BOOT_PROXMOX_BOOT_TOOL)
		p->rebuild_pbt = true;
	return 0;
fail:
	install_plan_free(p);
	return -1;
}

void install_plan_free(struct install_plan *p)
{
	free(p->vm_before);
	free(p->vm_after);
	p->vm_before = p->vm_after = NULL;
	for (size_t i = 0; i < p->n; i++) {
		free(p->ch[i].old);
		free(p->ch[i].new);
	}
	p->n = 0;
}
