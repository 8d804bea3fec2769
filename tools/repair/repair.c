/* repair.c - igdkit repair: the command layer; the findings and their fixes come from
 * diagnose/, the writing, manifest and undo from change/ (the same runs as install's) */
#include "repair/repair.h"
#include "change/apply.h"
#include "change/diff.h"
#include "change/rebuild.h"
#include "change/write.h"
#include "diagnose/diagnose.h"
#include "host/collect.h"
#include "lib/atomic.h"
#include "lib/json.h"
#include "pve/target.h"
#include "pve/target_dev.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char synopsis[] =
	"usage: igdkit repair [--target UUID | --root DIR] [--pci-dump FILE] [--yes] [--no-rebuild] [--json]\n"
	"       (runs are listed and undone with: igdkit install --list / --undo ID)";

struct repair_args {
	const char *target;
	bool yes, no_rebuild;
};

static bool root_given(const struct ctx *ctx)
{
	return ctx->root && strcmp(ctx->root, "/") != 0;
}

static void print_findings(const struct ctx *ctx, const struct diagnosis *x)
{
	FILE *o = ctx->out;
	if (!x->nproblems)
		fprintf(o, "Nothing wrong found.\n");
	for (size_t i = 0; i < x->n; i++) {
		const struct finding *f = &x->f[i];
		fprintf(o, "%s [%s] %s\n", f->note ? "note" : f->automatic ? "fix " : "todo", f->id, f->what);
		fprintf(o, "    evidence: %s\n", f->evidence);
		fprintf(o, "    %s %s\n", f->note ? "undo:" : f->automatic ? "fix:" : "you:", f->fix);
	}
	if (x->truncated)
		fprintf(o, "(more findings than shown: run again after these are fixed)\n");
}

static void json_out(const struct ctx *ctx, const struct pve_target *t, const struct diagnosis *x, const char *diff,
		     const char *rebuild, bool written, const char *id, const struct diag *d)
{
	struct json j;
	json_init(&j, ctx->out, true);
	json_obj(&j, NULL);
	json_str(&j, "root", t->root);
	json_str(&j, "node", t->hostname);
	json_int(&j, "pve_major", t->pve_major);
	json_bool(&j, "clustered", x->clustered);
	json_arr(&j, "findings");
	for (size_t i = 0; i < x->n; i++) {
		const struct finding *f = &x->f[i];
		json_obj(&j, NULL);
		json_str(&j, "id", f->id);
		json_str(&j, "what", f->what);
		json_str(&j, "evidence", f->evidence);
		json_str(&j, "fix", f->fix);
		json_bool(&j, "automatic", f->automatic);
		json_bool(&j, "note", f->note);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	diff_plan_json(&j, "changes", &x->plan);
	json_str(&j, "diff", diff);
	json_str(&j, "rebuild", rebuild && *rebuild ? rebuild : NULL);
	json_bool(&j, "vm_staged_for_next_boot", x->plan.vm_staged);
	json_bool(&j, "written", written);
	json_str(&j, "backup_id", id && *id ? id : NULL);
	json_arr(&j, "messages");
	for (size_t i = 0; i < d->n; i++) {
		json_obj(&j, NULL);
		json_str(&j, "level", diag_level_name(d->v[i].level));
		json_str(&j, "text", d->v[i].msg);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
}

/* What the write run has done, told once: before the rebuild starts, or after the run when there
 * is no rebuild to run. */
struct repair_run {
	const struct ctx *ctx;
	const struct install_plan *p;
	const struct install_written *w;
	const char *what;	/* the rebuild commands ("" none) */
	bool no_rebuild;
	bool told;
};

static void tell_written(struct repair_run *r)
{
	if (r->told || r->ctx->json)
		return;
	r->told = true;
	FILE *o = r->ctx->out;
	if (r->p->n)
		fprintf(o, "Written; backup and manifest in %s/%s (undo: igdkit install --undo %s).\n", INST_BACKUP_DIR,
			r->w->id, r->w->id);
	if (r->p->vm_staged)
		fprintf(o, "Cluster member: the VM changes run on the next boot (igdkit-vmN.service, qm set).\n");
	if (*r->what && r->no_rebuild)
		fprintf(o, "Still to run (--no-rebuild): %s\n", r->what);
}

static void repair_step(void *arg, int percent, const char *what)
{
	struct repair_run *r = arg;
	(void)what;	/* the same commands as r->what, which was described from the root as given */
	if (percent != INSTALL_STEP_REBUILD)
		return;
	tell_written(r);
	cmd_progress(r->ctx, "running: %s", r->what);
}

int cmd_repair(struct ctx *ctx, int argc, char **argv)
{
	struct repair_args a = { 0 };
	const struct opt own[] = {
		{ "target", 0, OPT_STR, &a.target, "UUID", "the PVE install to repair: LVM VG UUID or btrfs UUID (igdkit install --list)" },
		{ "yes", 'y', OPT_BOOL, &a.yes, NULL, "make the automatic fixes (default: dry run, show findings and the diff)" },
		{ "no-rebuild", 0, OPT_BOOL, &a.no_rebuild, NULL, "do not run update-initramfs/update-grub; print what still has to run" },
		{ 0 },
	};
	struct opts_result res;
	int parsed = cmd_parse(ctx, synopsis, own, argc, argv, &res);
	if (parsed != CMD_PARSED)
		return parsed;
	if (res.npos) {
		int code = cmd_fail(ctx, EXIT_USAGE, "unexpected argument '%s'", res.pos[0]);
		opts_result_free(&res);
		return code;
	}
	opts_result_free(&res);
	if (a.target && root_given(ctx))
		return cmd_fail(ctx, EXIT_USAGE, "--target and --root exclude each other");
	atexit(atomic_cleanup);

	struct diag d;
	diag_init(&d);
	const char *root = ctx->root ? ctx->root : "/";
	char mnt[96] = "";
	bool mounted = false;
	if (a.target) {
		snprintf(mnt, sizeof(mnt), "/run/igdkit-target-%d", (int)getpid());
		if (targetdev_mount(a.target, mnt, false, &d) < 0) {
			cmd_print_diag(ctx, "repair", &d);
			diag_free(&d);
			return cmd_fail(ctx, EXIT_INPUT, "--target %s: cannot mount it; nothing was written", a.target);
		}
		mounted = true;
		root = mnt;
	}
	int code = EXIT_OK;
	struct pve_target t;
	struct diag pd;
	diag_init(&pd);
	/* A broken config.db is a finding here, not a reason to stop: only a root that is not a
	 * PVE install at all ends the run. */
	if (target_probe(root, &t, &pd) < 0) {
		cmd_print_diag(ctx, "repair", &pd);
		diag_free(&pd);
		code = cmd_fail(ctx, EXIT_INPUT, "%s: not a Proxmox VE install; nothing was written", root);
		target_free(&t);
		goto out;
	}
	diag_free(&pd);

	struct machine_facts f;
	facts_collect_cmd(ctx, a.target != NULL, &f);

	struct diagnosis *x = calloc(1, sizeof(*x));
	if (!x) {
		code = cmd_fail(ctx, EXIT_INTERNAL, "out of memory");
		target_free(&t);
		goto out;
	}
	if (diagnose_run(&t, &f, x, &d) < 0) {
		cmd_print_diag(ctx, "repair", &d);
		code = cmd_fail(ctx, EXIT_INPUT, "%s: cannot read the install; nothing was written", root);
		free(x);
		target_free(&t);
		goto out;
	}
	struct install_plan *p = &x->plan;
	struct rebuild_req rr = { p->rebuild_initramfs, p->rebuild_grub, p->rebuild_pbt };
	char what[600];
	rebuild_describe(root, &rr, what, sizeof(what));
	char *diff = diff_plan(p);
	if (!ctx->json) {
		print_findings(ctx, x);
		fputs(diff ? diff : "", ctx->out);
	}
	code = x->nproblems ? EXIT_FINDINGS : EXIT_OK;
	bool written = false, work = p->n || *what;
	char id[64] = "";
	if (work && !a.yes) {
		install_preflight(&t, p, &d);
		if (!ctx->json)
			fprintf(ctx->out, "Dry run: nothing was written. Run again with --yes to make the %zu automatic fix%s.\n",
				p->n, p->n == 1 ? "" : "es");
	} else if (work) {
		struct install_opts io = { .root = root, .no_rebuild = a.no_rebuild, .stick = getenv("IGDKIT_STICK") };
		struct install_written w;
		struct repair_run r = { ctx, p, &w, what, a.no_rebuild, false };
		if (install_write(&t, p, &io, mounted ? mnt : NULL, repair_step, &r, &w, &d) < 0)
			code = EXIT_WRITE;
		else {
			written = p->n > 0;
			snprintf(id, sizeof(id), "%s", w.id);
			tell_written(&r);
			if (w.rebuild_failed)
				cmd_warn(ctx, "files are written, but the rebuild failed; run: %s", what);
		}
	}
	if (ctx->json)
		json_out(ctx, &t, x, diff, what, written, id, &d);
	cmd_print_diag(ctx, "repair", &d);
	free(diff);
	diagnosis_free(x);
	free(x);
	target_free(&t);
out:
	if (mounted)
		targetdev_umount(a.target, mnt, NULL);
	diag_free(&d);
	return code;
}
