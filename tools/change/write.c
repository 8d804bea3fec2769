/* write.c - one write run: remount, apply with backup and manifest, rebuild, remount read-only */
#include "change/write.h"

#include <signal.h>
#include <string.h>

#include "change/apply.h"
#include "change/rebuild.h"
#include "pve/target_dev.h"

int install_write(const struct pve_target *t, const struct install_plan *p, const struct install_opts *o,
		  const char *mnt, install_step_fn step, void *arg, struct install_written *w, struct diag *d)
{
	memset(w, 0, sizeof(*w));
	struct rebuild_req rr = { p->rebuild_initramfs, p->rebuild_grub, p->rebuild_pbt };
	rebuild_describe(t->root, &rr, w->rebuild_what, sizeof(w->rebuild_what));
	/* From the first write to the end of the rebuild a Ctrl-C must not cut the run in half
	 * (the manifest makes that recoverable, but a whole run is better): hold the signals. */
	sigset_t hold, prev;
	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	sigaddset(&hold, SIGQUIT);
	sigprocmask(SIG_BLOCK, &hold, &prev);
	int rc = 0;
	if (step)
		step(arg, INSTALL_STEP_WRITE, "writing the changes (backup and manifest first)");
	if (mnt && targetdev_remount(mnt, true, d) < 0)
		rc = -1;
	else if (p->n && install_apply(t, p, o, w->id, d) < 0)
		rc = -1;
	else if (w->rebuild_what[0] && !o->no_rebuild) {
		if (step)
			step(arg, INSTALL_STEP_REBUILD, w->rebuild_what);
		if (rebuild_run(t->root, &rr, d) < 0)
			w->rebuild_failed = true;
	}
	if (rc < 0)
		w->id[0] = 0;
	if (mnt)
		targetdev_remount(mnt, false, NULL);
	if (step)
		step(arg, INSTALL_STEP_END, rc < 0 ? "nothing was written" : "done");
	sigprocmask(SIG_SETMASK, &prev, NULL);
	return rc;
}
