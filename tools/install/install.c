/* install.c - igdkit install: the command layer (options, output, exit codes); the work is in
 * pve/ (the target and its disks), plan/ (what to change) and change/ (diff, apply, undo, rebuild) */
#include "install/install.h"
#include "host/collect.h"
#include "pve/target.h"
#include "pve/target_dev.h"
#include "plan/changes.h"
#include "rom/fit.h"
#include "change/diff.h"
#include "change/manifest.h"
#include "change/apply.h"
#include "change/rebuild.h"
#include "change/write.h"
#include "lib/atomic.h"
#include "lib/file.h"
#include "lib/json.h"
#include "rom/rom.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


static const char synopsis[] =
	"usage: igdkit install [--target UUID | --root DIR] [--pci-dump FILE] [--rom FILE | --firmware IMAGE]\n"
	"                      [--vmid N [--create]] [--yes] [--no-rebuild] [--json]\n"
	"       igdkit install --list [--target UUID | --root DIR]\n"
	"       igdkit install --undo [ID] [--target UUID | --root DIR] [--no-rebuild]";

struct install_args {
	const char *target, *rom, *firmware;
	unsigned long vmid;
	bool create, yes, no_rebuild, list, undo;
};

static void print_diag_list(const struct ctx *ctx, const struct diag *d)
{
	cmd_print_diag(ctx, "plan", d);
}

static const char *boot_name(enum boot_layout b)
{
	return b == BOOT_GRUB ? "GRUB (/etc/default/grub)" : b == BOOT_PROXMOX_BOOT_TOOL ? "proxmox-boot-tool (ESPs)" : "unknown";
}

static void print_target_text(const struct ctx *ctx, const struct pve_target *t)
{
	FILE *o = ctx->out;
	fprintf(o, "Target %s: node %s, Proxmox VE %s (Debian %s), pve-qemu-kvm %s\n", t->root, t->hostname,
		t->pve_manager[0] ? t->pve_manager : "?", t->debian_version[0] ? t->debian_version : "?",
		t->qemu_pkg[0] ? t->qemu_pkg : "not installed");
	fprintf(o, "  boot: %s", boot_name(t->boot));
	if (t->nesps) {
		fprintf(o, ", %d ESP%s (", t->nesps, t->nesps == 1 ? "" : "s");
		for (int i = 0; i < t->nesps && i < 8; i++)
			fprintf(o, "%s%s", i ? " " : "", t->esp_uuids[i][0] ? t->esp_uuids[i] : "?");
		fprintf(o, "%s)", t->nesps > 8 ? " ..." : "");
	}
	if (t->kernel_cmdline_present)
		fprintf(o, ", /etc/kernel/cmdline \"%s\"", t->kernel_cmdline);
	fprintf(o, "; kernels:");
	for (size_t i = 0; i < t->nkernels; i++)
		fprintf(o, " %s", t->kernels[i].release);
	fprintf(o, "%s\n", target_clustered(t) ? "; cluster member" : "");
	if (t->etc_pve_mounted)
		fprintf(o, "  live host: /etc/pve is pmxcfs's mount; VM configs are read and written through it, config.db is left alone\n");
	for (size_t i = 0; i < t->nguests; i++) {
		const struct pve_guest *g = &t->guests[i];
		if (strcmp(g->kind, "qemu-server") != 0)
			continue;
		fprintf(o, "  VM %u %s on %s: machine %s, bios %s%s%s%s\n", g->vmid, g->name[0] ? g->name : "-", g->node,
			g->machine[0] ? g->machine : "default", g->bios[0] ? g->bios : "seabios", g->hostpci0[0] ? ", hostpci0 " : "",
			g->hostpci0, g->locked ? " (locked)" : "");
	}
}

static void print_indented(FILE *o, const char *text)
{
	if (!text || !*text) {
		fprintf(o, "    (none: a new VM)\n");
		return;
	}
	for (const char *l = text; *l;) {
		size_t n = strcspn(l, "\n");
		fprintf(o, "    %.*s\n", (int)n, l);
		l += n + (l[n] ? 1 : 0);
	}
}

static void json_target(struct json *j, const struct pve_target *t)
{
	json_obj(j, "target");
	json_str(j, "root", t->root);
	json_str(j, "node", t->hostname);
	json_str(j, "pve_manager", t->pve_manager);
	json_int(j, "pve_major", t->pve_major);
	json_str(j, "pve_qemu_kvm", t->qemu_pkg[0] ? t->qemu_pkg : NULL);
	json_str(j, "boot", t->boot == BOOT_GRUB ? "grub" : t->boot == BOOT_PROXMOX_BOOT_TOOL ? "proxmox-boot-tool" : "unknown");
	json_bool(j, "clustered", target_clustered(t));
	json_bool(j, "etc_pve_mounted", t->etc_pve_mounted);
	json_str(j, "kernel_cmdline", t->kernel_cmdline_present ? t->kernel_cmdline : NULL);
	json_arr(j, "esps");
	for (int i = 0; i < t->nesps && i < 8; i++)
		json_str(j, NULL, t->esp_uuids[i]);
	json_arr_end(j);
	json_arr(j, "kernels");
	for (size_t i = 0; i < t->nkernels; i++)
		json_str(j, NULL, t->kernels[i].release);
	json_arr_end(j);
	json_arr(j, "vms");
	for (size_t i = 0; i < t->nguests; i++) {
		const struct pve_guest *g = &t->guests[i];
		json_obj(j, NULL);
		json_uint(j, "vmid", g->vmid);
		json_str(j, "kind", g->kind);
		json_str(j, "node", g->node);
		json_str(j, "name", g->name);
		json_str(j, "machine", g->machine[0] ? g->machine : NULL);
		json_str(j, "bios", g->bios[0] ? g->bios : NULL);
		json_str(j, "hostpci0", g->hostpci0[0] ? g->hostpci0 : NULL);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

static void json_diags(struct json *j, const struct diag *d)
{
	json_arr(j, "messages");
	for (size_t i = 0; i < d->n; i++) {
		json_obj(j, NULL);
		json_str(j, "level", diag_level_name(d->v[i].level));
		json_str(j, "text", d->v[i].msg);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* main.c defaults --root to "/": only another directory counts as given. */
static bool root_given(const struct ctx *ctx)
{
	return ctx->root && strcmp(ctx->root, "/") != 0;
}

/* --target: the menu's and autorun's way in. Mounted read-only until we write. */
struct mounted {
	bool active;
	char uuid[64];
	char mnt[96];
};

static int open_root(const struct ctx *ctx, const struct install_args *a, struct mounted *mt, const char **root, struct diag *d)
{
	memset(mt, 0, sizeof(*mt));
	if (a->target && root_given(ctx))
		return diag_err(d, DIAG_NO_OFFSET, "--target and --root exclude each other");
	if (!a->target) {
		*root = ctx->root ? ctx->root : "/";
		return 0;
	}
	snprintf(mt->uuid, sizeof(mt->uuid), "%s", a->target);
	snprintf(mt->mnt, sizeof(mt->mnt), "/run/igdkit-target-%d", (int)getpid());
	if (targetdev_mount(mt->uuid, mt->mnt, false, d) < 0)
		return -1;
	mt->active = true;
	*root = mt->mnt;
	return 0;
}

static void close_root(struct mounted *mt)
{
	if (mt->active)
		targetdev_umount(mt->uuid, mt->mnt, NULL);
	mt->active = false;
}

static int do_list(struct ctx *ctx, const char *root)
{
	struct diag d;
	diag_init(&d);
	char **ids;
	size_t n;
	int rc = EXIT_OK;
	if (manifest_list(root, &ids, &n, &d) < 0) {
		print_diag_list(ctx, &d);
		diag_free(&d);
		return EXIT_INPUT;
	}
	struct json j;
	if (ctx->json) {
		json_init(&j, ctx->out, true);
		json_obj(&j, NULL);
		json_arr(&j, "runs");
	} else if (!n)
		fprintf(ctx->out, "No igdkit install runs under %s%s\n", strcmp(root, "/") ? root : "", INST_BACKUP_DIR);
	for (size_t i = 0; i < n; i++) {
		struct manifest *m = calloc(1, sizeof(*m));
		bool ok = m && manifest_load(root, ids[i], m, NULL) == 0;
		if (ctx->json) {
			json_obj(&j, NULL);
			json_str(&j, "id", ids[i]);
			json_str(&j, "state", ok ? manifest_state_name(m->state) : "incomplete");
			if (ok) {
				json_int(&j, "created", m->created);
				json_str(&j, "summary", m->summary);
				json_arr(&j, "files");
				for (size_t k = 0; k < m->n; k++)
					if (strcmp(m->e[k].kind, "sidecar") && strcmp(m->e[k].kind, "dir"))
						json_str(&j, NULL, m->e[k].path);
				json_arr_end(&j);
			}
			json_obj_end(&j);
		} else {
			char when[32] = "?";
			if (ok) {
				time_t tt = (time_t)m->created;
				struct tm tm;
				gmtime_r(&tt, &tm);
				strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
			}
			fprintf(ctx->out, "%s  %-11s %s  %s\n", ids[i], ok ? manifest_state_name(m->state) : "incomplete", when,
				ok ? m->summary : "(no manifest: interrupted before anything was written)");
			for (size_t k = 0; ok && k < m->n; k++)
				if (strcmp(m->e[k].kind, "sidecar") && strcmp(m->e[k].kind, "dir"))
					fprintf(ctx->out, "    %s%s\n", m->e[k].path, m->e[k].existed ? "" : " (new)");
		}
		free(m);
	}
	if (ctx->json) {
		json_arr_end(&j);
		json_obj_end(&j);
		json_end(&j);
	}
	manifest_list_free(ids, n);
	diag_free(&d);
	return rc;
}

static void rebuild_from_words(const char *words, struct rebuild_req *r)
{
	memset(r, 0, sizeof(*r));
	r->initramfs = strstr(words, "initramfs") != NULL;
	r->grub = strstr(words, "grub") != NULL;
	r->pbt = strstr(words, "pbt") != NULL;
}

static int do_undo(struct ctx *ctx, const char *root, const char *id, const struct install_args *a, struct mounted *mt)
{
	struct diag d;
	diag_init(&d);
	if (mt->active && targetdev_remount(mt->mnt, true, &d) < 0) {
		print_diag_list(ctx, &d);
		diag_free(&d);
		return EXIT_WRITE;
	}
	struct manifest *m = calloc(1, sizeof(*m));
	if (!m)
		return cmd_fail(ctx, EXIT_INTERNAL, "out of memory");
	int rc = install_undo(root, id, m, &d);
	int code = EXIT_OK;
	if (rc < 0) {
		print_diag_list(ctx, &d);
		code = m->id[0] ? EXIT_WRITE : EXIT_INPUT;
		cmd_fail(ctx, code, "undo %s incomplete: files named above were left as they are", m->id[0] ? m->id : "");
	} else if (rc == 1) {
		if (!ctx->json)
			fprintf(ctx->out, "%s was already %s: nothing to do\n", m->id, manifest_state_name(m->state));
	} else {
		struct rebuild_req r;
		rebuild_from_words(m->rebuild, &r);
		char what[600];
		rebuild_describe(root, &r, what, sizeof(what));
		if (!ctx->json)
			fprintf(ctx->out, "Undid %s: every file is back as it was.\n", m->id);
		if (*what && a->no_rebuild) {
			if (!ctx->json)
				fprintf(ctx->out, "Still to run (--no-rebuild): %s\n", what);
		} else if (*what && rebuild_run(root, &r, &d) < 0) {
			print_diag_list(ctx, &d);
			cmd_warn(ctx, "files are restored, but the rebuild failed; run: %s", what);
			code = EXIT_FINDINGS;
		}
	}
	if (ctx->json) {
		struct json j;
		json_init(&j, ctx->out, true);
		json_obj(&j, NULL);
		json_str(&j, "undo", m->id);
		json_str(&j, "state", manifest_state_name(m->state));
		json_bool(&j, "ok", code == EXIT_OK);
		json_diags(&j, &d);
		json_obj_end(&j);
		json_end(&j);
	}
	free(m);
	diag_free(&d);
	return code;
}

static int list_installs(struct ctx *ctx)
{
	struct diag d;
	diag_init(&d);
	struct pve_install *v;
	size_t n;
	if (targetdev_scan(&v, &n, &d) < 0) {
		print_diag_list(ctx, &d);
		diag_free(&d);
		return EXIT_INPUT;
	}
	print_diag_list(ctx, &d);
	for (size_t i = 0; i < n; i++) {
		if (v[i].zfs) {
			fprintf(ctx->out, "ZFS %s on %s: cannot be imported from this stick (see above)\n", v[i].vg_name, v[i].lv_path);
			continue;
		}
		char when[32] = "?";
		if (v[i].last_boot) {
			time_t tt = (time_t)v[i].last_boot;
			struct tm tm;
			gmtime_r(&tt, &tm);
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
		}
		char what[200];
		if (v[i].btrfs)
			snprintf(what, sizeof(what), "btrfs on %s", v[i].lv_path);
		else
			snprintf(what, sizeof(what), "VG %s", v[i].vg_name);
		fprintf(ctx->out, "--target %s  %s, %.1f GiB, host %s, PVE %s, last boot %s\n", v[i].vg_uuid, what,
			(double)v[i].size / (1024.0 * 1024 * 1024), v[i].hostname[0] ? v[i].hostname : "?",
			v[i].pve_version[0] ? v[i].pve_version : "?", when);
	}
	if (!n)
		fprintf(ctx->out, "No Proxmox VE install found on the disks.\n");
	free(v);
	diag_free(&d);
	return EXIT_OK;
}

/* --firmware IMAGE: the ROM `igdkit rom make IMAGE --device 8086:DEVID` would write, made in
 * memory. Its report is not shown (`igdkit rom make` shows it all); its errors read as rom make's. */
static int make_rom_from_firmware(struct ctx *ctx, const char *image, uint16_t device, struct file_buf *rom)
{
	struct ctx mc = *ctx;
	mc.cmd = "rom make";
	struct file_buf fb;
	char err[512];
	if (file_read(image, FILE_MAX_FIRMWARE, &fb, err, sizeof(err)) < 0) {
		cmd_fail(&mc, EXIT_INPUT, "%s", err);
		return cmd_fail(ctx, EXIT_INPUT, "--firmware %s: no ROM could be made (see 'igdkit rom make')", image);
	}
	cmd_progress(&mc, "walking %s ...", image);
	struct rom_make_opts o = { .vendor = 0x8086, .device = device };
	struct rom_made m;
	struct diag d;
	diag_init(&d);
	enum rom_make_status st = rom_make(fb.data, fb.len, &o, &m, &d);
	int rc = rom_make_fail(&mc, image, st, &d);
	if (rc == EXIT_OK && !m.usable)
		rc = cmd_fail(&mc, EXIT_FINDINGS, "the ROM did not pass its check; not used");
	if (rc == EXIT_OK) {
		rom->data = m.rom.data;
		rom->len = m.rom.len;
		m.rom.data = NULL;	/* now rom's */
	}
	rom_made_free(&m);
	diag_free(&d);
	file_buf_free(&fb);
	if (rc != EXIT_OK)
		return cmd_fail(ctx, rc, "--firmware %s: no ROM could be made (see 'igdkit rom make')", image);
	return 0;
}

static int load_rom(struct ctx *ctx, const struct install_args *a, const struct machine_facts *f, struct file_buf *rom)
{
	memset(rom, 0, sizeof(*rom));
	if (a->firmware) {
		if (!f->igd_device_id)
			return cmd_fail(ctx, EXIT_INPUT, "--firmware: no iGPU device id in the machine facts to make the ROM for");
		return make_rom_from_firmware(ctx, a->firmware, f->igd_device_id, rom);
	}
	if (!a->rom)
		return 0;
	char err[512];
	if (file_read(a->rom, 16u << 20, rom, err, sizeof(err)) < 0)
		return cmd_fail(ctx, EXIT_INPUT, "%s", err);
	return 0;
}

int cmd_install(struct ctx *ctx, int argc, char **argv)
{
	struct install_args a = { 0 };
	const struct opt own[] = {
		{ "target", 0, OPT_STR, &a.target, "UUID", "the PVE install to work on: LVM VG UUID, or btrfs UUID (see --list as root)" },
		{ "rom", 0, OPT_STR, &a.rom, "FILE", "option ROM for the VM (from 'igdkit rom make'), copied to /usr/share/kvm" },
		{ "firmware", 0, OPT_STR, &a.firmware, "IMAGE", "make the ROM from this BIOS image (as 'igdkit rom make' does)" },
		{ "vmid", 0, OPT_ULONG, &a.vmid, "N", "set up this VM (default: host side only)" },
		{ "create", 0, OPT_BOOL, &a.create, NULL, "create VM N when it does not exist" },
		{ "yes", 'y', OPT_BOOL, &a.yes, NULL, "write the changes (default: dry run, show the diff)" },
		{ "no-rebuild", 0, OPT_BOOL, &a.no_rebuild, NULL, "do not run update-initramfs/update-grub; print what still has to run" },
		{ "list", 0, OPT_BOOL, &a.list, NULL, "show past install runs (and, as root on the stick, the PVE installs)" },
		{ "undo", 0, OPT_BOOL, &a.undo, NULL, "restore the files of run ID (default: the newest)" },
		{ 0 },
	};
	struct opts_result res;
	int parsed = cmd_parse(ctx, synopsis, own, argc, argv, &res);
	if (parsed != CMD_PARSED)
		return parsed;
	const char *undo_id = NULL;
	if (res.npos > (a.undo ? 1 : 0)) {
		int code = cmd_fail(ctx, EXIT_USAGE, "unexpected argument '%s'", res.pos[a.undo ? 1 : 0]);
		opts_result_free(&res);
		return code;
	}
	char idbuf[64] = "";
	if (a.undo && res.npos == 1) {
		snprintf(idbuf, sizeof(idbuf), "%s", res.pos[0]);
		undo_id = idbuf;
	}
	opts_result_free(&res);
	if (a.rom && a.firmware)
		return cmd_fail(ctx, EXIT_USAGE, "--rom and --firmware exclude each other");
	if (a.vmid && (a.vmid < 100 || a.vmid > 999999999))
		return cmd_fail(ctx, EXIT_USAGE, "--vmid %lu: Proxmox VMIDs are 100..999999999", a.vmid);
	if (a.create && !a.vmid)
		return cmd_fail(ctx, EXIT_USAGE, "--create needs --vmid");
	atexit(atomic_cleanup);

	struct diag d;
	diag_init(&d);
	struct mounted mt;
	const char *root = "/";
	if (a.list && !a.target && !root_given(ctx) && geteuid() == 0 && access(INST_CONFIGDB, F_OK) != 0) {
		diag_free(&d);
		return list_installs(ctx);	/* on the stick: which installs are there */
	}
	if (open_root(ctx, &a, &mt, &root, &d) < 0) {
		print_diag_list(ctx, &d);
		diag_free(&d);
		return EXIT_INPUT;
	}
	int code;
	if (a.list) {
		code = do_list(ctx, root);
		goto out;
	}
	if (a.undo) {
		code = do_undo(ctx, root, undo_id, &a, &mt);
		goto out;
	}

	struct pve_target t;
	if (target_probe(root, &t, &d) < 0 || d.errors) {
		print_diag_list(ctx, &d);
		code = cmd_fail(ctx, EXIT_INPUT, "%s: cannot use this Proxmox VE install; nothing was written%s", root,
				!a.target && !root_given(ctx) ? " (on the stick: 'igdkit install --list' shows the installs, then --target UUID)" : "");
		target_free(&t);
		goto out;
	}

	struct machine_facts f;
	facts_collect_cmd(ctx, a.target != NULL, &f);

	struct file_buf rom;
	if ((code = load_rom(ctx, &a, &f, &rom)) != 0) {
		target_free(&t);
		goto out;
	}
	struct install_opts io = { .root = root, .rom = rom.data, .romlen = rom.len, .vmid = (unsigned)a.vmid,
				   .create = a.create, .no_rebuild = a.no_rebuild, .stick = getenv("IGDKIT_STICK") };
	struct install_plan p;
	if (install_plan_compute(&t, &f, &io, &p, &d) < 0) {
		print_diag_list(ctx, &d);
		code = cmd_fail(ctx, EXIT_INPUT, "no plan; nothing was written");
		file_buf_free(&rom);
		target_free(&t);
		goto out;
	}
	rebuild_firmware_trap(&t, &f, &d);
	struct rebuild_req rr = { p.rebuild_initramfs, p.rebuild_grub, p.rebuild_pbt };
	char what[600];
	rebuild_describe(root, &rr, what, sizeof(what));
	char *diff = diff_plan(&p);

	if (!ctx->json) {
		print_target_text(ctx, &t);
		if (p.route[0])
			fprintf(ctx->out, "VM %lu: %s\n", a.vmid, p.route);
		fputs(diff ? diff : "", ctx->out);
		if (p.vm_after && p.n) {
			fprintf(ctx->out, "VM %lu config before:\n", a.vmid);
			print_indented(ctx->out, p.vm_before);
			fprintf(ctx->out, "VM %lu config after%s:\n", a.vmid, p.vm_staged ? " the qm set on next boot" : "");
			print_indented(ctx->out, p.vm_after);
		}
	}
	char id[64] = "";
	code = EXIT_OK;
	bool written = false;
	if (!p.n) {
		if (!ctx->json)
			fprintf(ctx->out, "Nothing to change: this install already has every setting.\n");
	} else if (!a.yes) {
		install_preflight(&t, &p, &d);	/* warn now about a full or read-only disk */
		if (!ctx->json)
			fprintf(ctx->out, "Dry run: nothing was written. Run again with --yes to write %zu change%s.\n", p.n,
				p.n == 1 ? "" : "s");
	} else {
		struct install_written w;
		if (*what && !a.no_rebuild)
			cmd_progress(ctx, "running after the write: %s", what);
		if (install_write(&t, &p, &io, mt.active ? mt.mnt : NULL, NULL, NULL, &w, &d) < 0)
			code = EXIT_WRITE;
		else {
			written = true;
			snprintf(id, sizeof(id), "%s", w.id);
			if (!ctx->json)
				fprintf(ctx->out, "Written; backup and manifest in %s/%s (undo: igdkit install --undo %s).\n",
					INST_BACKUP_DIR, id, id);
			if (p.vm_staged && !ctx->json)
				fprintf(ctx->out, "Cluster member: VM %lu is changed on the next boot by igdkit-vm%lu.service (%s).\n",
					a.vmid, a.vmid, p.qm_set);
			if (*what && a.no_rebuild) {
				if (!ctx->json)
					fprintf(ctx->out, "Still to run (--no-rebuild): %s\n", what);
			} else if (w.rebuild_failed) {
				cmd_warn(ctx, "changes are written, but the rebuild failed; run: %s", what);
				code = EXIT_FINDINGS;
			}
		}
	}
	if (ctx->json) {
		struct json j;
		json_init(&j, ctx->out, true);
		json_obj(&j, NULL);
		json_target(&j, &t);
		json_obj(&j, "plan");
		json_str(&j, "route", p.route[0] ? p.route : NULL);
		json_str(&j, "rom_name", p.rom_name[0] ? p.rom_name : NULL);
		json_bool(&j, "vm_staged_for_next_boot", p.vm_staged);
		diff_plan_json(&j, "changes", &p);
		json_str(&j, "diff", diff);
		json_str(&j, "vm_before", p.vm_before);
		json_str(&j, "vm_after", p.vm_after);
		json_str(&j, "rebuild", *what ? what : NULL);
		json_obj_end(&j);
		json_bool(&j, "written", written);
		json_str(&j, "backup_id", id[0] ? id : NULL);
		json_diags(&j, &d);
		json_obj_end(&j);
		json_end(&j);
	}
	print_diag_list(ctx, &d);
	free(diff);
	install_plan_free(&p);
	file_buf_free(&rom);
	target_free(&t);
out:
	close_root(&mt);
	diag_free(&d);
	return code;
}
