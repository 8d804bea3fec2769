/* menu.c - igdkit menu: the libdialog screens of the guided stick
 *
 * flow.c decides which screen comes next; this file draws the screens and calls the engines
 * the commands use (verdicts, rom_make, the pve target probe and mount, the plan, the change
 * engine), never the igdkit binary and never another command's front end. Nothing is written
 * to a Proxmox disk before the final "Write these changes?" (default No) is answered Yes.
 */
#include "menu/menu.h"

#include <curses.h>
#include <dialog.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "change/diff.h"
#include "change/manifest.h"
#include "change/rebuild.h"
#include "change/write.h"
#include "diagnose/diagnose.h"
#include "fw/fw.h"
#include "host/collect.h"
#include "host/firmware_access.h"
#include "lib/atomic.h"
#include "menu/flow.h"
#include "menu/scan.h"
#include "plan/changes.h"
#include "pve/target.h"
#include "pve/target_dev.h"
#include "report/check_report.h"
#include "report/forum.h"
#include "rom/make.h"
#include "verdict/bios_setup.h"

static const char synopsis[] =
	"usage: igdkit menu [--pci-dump FILE]\n"
	"\n"
	"The guided stick: check -> firmware -> ROM -> install (or repair), then the report, on an\n"
	"80x24 terminal with arrows, Tab, Enter and Esc. Every screen has Back and Shell; nothing is\n"
	"written to a Proxmox disk before the final \"Write these changes?\" (default No), and then\n"
	"through the same engine, backup and manifest as igdkit install. Started on tty1 and ttyS0\n"
	"when the stick boots. --json has no meaning here.\n"
	"Exit status: 0 left the menu, 2 usage or no terminal.";

/* 80x24 with the back title line: the boxes leave a margin. */
#define BOX_H 20
#define BOX_W 76
#define LIST_H 11
#define TARGET_MNT "/run/igdkit-menu-target"
#define WRITE_LOCK "/run/igdkit-menu.lock"

struct menu {
	struct ctx *ctx;
	struct menu_flow flow;
	const char *stick;		/* IGDKIT partition mount, or NULL */
	FILE *log;			/* logs/menu.log on the stick (or /run) */
	char tmp[64];			/* scratch file for text boxes */

	struct check_run cr;
	bool have_check;

	struct scan_hit *hits;
	size_t nhits;
	char fw_name[1100];		/* what the firmware is called in texts */
	unsigned char *fw;
	size_t fwlen;

	unsigned char *rom;		/* the made ROM (rom_ready) */
	size_t romlen;

	struct pve_install *inst;
	size_t ninst;
	char target_uuid[64];
	char target_label[160];
	bool mounted;
	struct pve_target t;
	bool have_target;
	struct machine_facts facts;

	unsigned vmid;
	bool create;

	struct install_plan plan;
	bool have_plan;
	char *plan_text;
	struct diagnosis *dx;		/* repair's findings; its plan is the one written */

	struct install_written w;
	char result[2400];
};

static void mlog(struct menu *m, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void mlog(struct menu *m, const char *fmt, ...)
{
	if (!m->log)
		return;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char when[32];
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(m->log, "%s [%d] ", when, (int)getpid());
	va_list ap;
	va_start(ap, fmt);
	vfprintf(m->log, fmt, ap);
	va_end(ap);
	fputc('\n', m->log);
	fflush(m->log);
}

static void mlog_diag(struct menu *m, const char *what, const struct diag *d)
{
	for (size_t i = 0; i < d->n; i++) {
		char buf[DIAG_MSG_MAX + 64];
		diag_format(&d->v[i], buf, sizeof(buf));
		mlog(m, "%s: %s", what, buf);
	}
}

/* Engines' child processes (lvm, the chroot rebuild) talk on stderr: into the log, not over
 * the screen. */
static int quiet_begin(struct menu *m)
{
	fflush(stderr);
	int saved = dup(2);
	if (m->log)
		dup2(fileno(m->log), 2);
	else {
		int nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (nul >= 0) {
			dup2(nul, 2);
			close(nul);
		}
	}
	return saved;
}

static void quiet_end(int saved)
{
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
}

/* ---- libdialog helpers ---------------------------------------------------- */

static char label_ok[32], label_cancel[32], label_extra[32], label_shell[] = "Shell", label_exit[32];

static void dlg_setup(const char *ok, const char *cancel, const char *extra)
{
	dlg_clr_result();
	dialog_vars.defaultno = false;
	dialog_vars.default_button = -1;	/* the first button; libdialog's zeroed default would mean "OK" anyway */
	dialog_vars.default_item = NULL;
	dialog_vars.nocancel = cancel == NULL;
	dialog_vars.extra_button = extra != NULL;
	dialog_vars.help_button = true;
	snprintf(label_ok, sizeof(label_ok), "%s", ok ? ok : "OK");
	snprintf(label_cancel, sizeof(label_cancel), "%s", cancel ? cancel : "Back");
	snprintf(label_extra, sizeof(label_extra), "%s", extra ? extra : "");
	dialog_vars.ok_label = label_ok;
	dialog_vars.yes_label = label_ok;
	dialog_vars.cancel_label = label_cancel;
	dialog_vars.no_label = label_cancel;
	dialog_vars.extra_label = extra ? label_extra : NULL;
	dialog_vars.help_label = label_shell;
	dialog_vars.exit_label = NULL;
	/* every screen starts from a clean terminal: a serial console may have seen other output */
	clearok(curscr, TRUE);
	dlg_clear();
	dlg_put_backtitle();
}

static enum menu_key key_of(int rc)
{
	switch (rc) {
	case DLG_EXIT_OK:
		return MK_OK;
	case DLG_EXIT_EXTRA:
		return MK_EXTRA;
	case DLG_EXIT_HELP:
	case DLG_EXIT_ITEM_HELP:
		return MK_SHELL;
	default:
		return MK_BACK;
	}
}

/* The next yes/no box starts on No. libdialog ignores defaultno when used as a library
 * (default_button wins, and nothing sets it to -1 for us), so both are set. */
static void default_no(void)
{
	dialog_vars.defaultno = true;
	dialog_vars.default_button = DLG_EXIT_CANCEL;
}

/* A box that stays while the engine works (what is happening, in words). */
static void busy(const char *title, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void busy(const char *title, const char *fmt, ...)
{
	char text[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	dlg_setup(NULL, NULL, NULL);
	dialog_vars.help_button = false;
	dialog_msgbox(title, text, 8, 64, 0);
}

/* A long engine call (machine check, firmware search, ROM make, LVM scan) runs on a worker
 * thread while the screen's last line turns a bar and counts the seconds, so a slow capsule or
 * disk never looks like a hang. Only this thread draws. */
struct spin_job {
	void (*fn)(void *);
	void *arg;
	atomic_int done;
};

static void *spin_worker(void *p)
{
	struct spin_job *j = p;
	j->fn(j->arg);
	atomic_store(&j->done, 1);
	return NULL;
}

static void spin(void (*fn)(void *), void *arg)
{
	struct spin_job j = { fn, arg, 0 };
	pthread_t th;
	if (pthread_create(&th, NULL, spin_worker, &j) != 0) {
		fn(arg);
		return;
	}
	static const char bar[] = "|/-\\";
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned i = 0; !atomic_load(&j.done); i++) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		mvprintw(LINES - 1, 1, "working %c %ld s ", bar[i % 4], (long)(t.tv_sec - t0.tv_sec));
		refresh();
		napms(250);
	}
	pthread_join(th, NULL);
	move(LINES - 1, 0);
	clrtoeol();
	refresh();
}

/* A message with OK (and Shell). */
static enum menu_key message(const char *title, const char *text)
{
	dlg_setup("OK", NULL, NULL);
	return key_of(dialog_msgbox(title, text, BOX_H - 4, BOX_W, 1));
}

/* Long text, scrollable (arrows, PgUp/PgDn); exit_label names the way on. */
static enum menu_key textview(struct menu *m, const char *title, const char *text, const char *exit_label)
{
	FILE *f = fopen(m->tmp, "w");
	if (!f)
		return message(title, text);
	fputs(text, f);
	fclose(f);
	dlg_setup(exit_label, NULL, NULL);
	snprintf(label_exit, sizeof(label_exit), "%s", exit_label);
	dialog_vars.exit_label = label_exit;
	int rc = dialog_textbox(title, m->tmp, BOX_H, BOX_W);
	unlink(m->tmp);
	return key_of(rc);
}

/* A list; returns the key and, for MK_OK, the chosen tag in *tag. */
static enum menu_key pick(const char *title, const char *prompt, char **items, int n, const char *def, const char *ok,
			  const char *extra, char *tag, size_t taglen)
{
	dlg_setup(ok, "Back", extra);
	dialog_vars.default_item = (char *)def;
	int rc = dialog_menu(title, prompt, BOX_H, BOX_W, n < LIST_H ? n : LIST_H, n, items);
	snprintf(tag, taglen, "%s", dialog_vars.input_result ? dialog_vars.input_result : "");
	return key_of(rc);
}

static char *text_of(FILE **f, char **buf, size_t *len)
{
	if (fclose(*f) != 0) {
		free(*buf);
		*buf = NULL;
	}
	*f = NULL;
	(void)len;
	return *buf;
}

/* One tag/label pair of a dialog menu's item list. */
static void item_add(char **items, int *n, const char *tag, const char *label)
{
	items[2 * *n] = (char *)tag;
	items[2 * *n + 1] = (char *)label;
	(*n)++;
}

/* A findings file on the stick's logs/ (the report gathers the newest of each kind). */
static void save_log_file(struct menu *m, const char *prefix, const char *text)
{
	if (!m->stick || !text)
		return;
	char dir[1200], path[1400], st[32];
	snprintf(dir, sizeof(dir), "%s/logs", m->stick);
	mkdir(dir, 0755);
	report_stamp(st, sizeof(st));
	snprintf(path, sizeof(path), "%s/%s-%s.txt", dir, prefix, st);
	struct diag d;
	diag_init(&d);
	if (atomic_write(path, text, strlen(text), 0644, (uid_t)-1, (gid_t)-1, &d) < 0)
		mlog_diag(m, path, &d);
	else
		mlog(m, "saved %s", path);
	diag_free(&d);
}

/* ---- the screens ---------------------------------------------------------- */

static const char *const item_tag[MI_COUNT] = {
	[MI_CHECK] = "Check", [MI_FIRMWARE] = "Firmware", [MI_ROM] = "ROM", [MI_INSTALL] = "Install",
	[MI_REPAIR] = "Repair", [MI_REPORT] = "Report", [MI_SHELL] = "Shell", [MI_POWEROFF] = "Power off",
	[MI_QUIT] = "Quit",
};

static enum menu_screen screen_home(struct menu *m)
{
	static const char *const what[MI_COUNT] = {
		[MI_CHECK] = "BIOS and host prerequisites (VT-x, VT-d, iGPU, boot mode)",
		[MI_FIRMWARE] = "find the board's firmware (stick, other disks, this machine)",
		[MI_ROM] = "make and check igd.rom for this iGPU",
		[MI_INSTALL] = "write the Proxmox VE setup (diff first, undo later)",
		[MI_REPAIR] = "find and fix what keeps a host or its VM from starting",
		[MI_REPORT] = "one text file for a forum post, on the stick",
		[MI_SHELL] = "a root shell; 'exit' comes back here",
		[MI_POWEROFF] = "turn the machine off",
		[MI_QUIT] = "leave the menu for the shell",
	};
	char *items[2 * MI_COUNT];
	int n = 0;
	for (int i = 0; i < MI_COUNT; i++) {
		if (!menu_flow_item_shown(&m->flow, (enum menu_item)i))
			continue;
		item_add(items, &n, item_tag[i], what[i]);
	}
	char tag[64];
	enum menu_key k = pick("igdkit", "The highlighted step is the next one.", items, n,
			       item_tag[m->flow.home_item], "Open", NULL, tag, sizeof(tag));
	if (k == MK_SHELL) {
		m->flow.resume = MS_HOME;
		return MS_SHELL;
	}
	if (k != MK_OK)
		return MS_HOME;
	for (int i = 0; i < MI_COUNT; i++)
		if (!strcmp(tag, item_tag[i])) {
			m->flow.home_item = (enum menu_item)i;
			return menu_flow_open(&m->flow, (enum menu_item)i);
		}
	return MS_HOME;
}

struct check_job {
	const char *pci_dump;
	struct check_run *cr;
	struct diag *d;
	int rc;
};

static void check_job_run(void *p)
{
	struct check_job *j = p;
	j->rc = check_run("/", j->pci_dump, j->cr, j->d);
}

static void run_check(struct menu *m)
{
	if (m->have_check)
		check_run_free(&m->cr);
	busy("Check", "Reading this machine: PCI, ACPI DMAR, CPU and MSRs, IOMMU groups, EFI variables ...");
	struct diag d;
	diag_init(&d);
	struct check_job cj = { m->ctx->pci_dump, &m->cr, &d, -1 };
	int saved = quiet_begin(m);
	spin(check_job_run, &cj);
	quiet_end(saved);
	m->have_check = cj.rc == 0;
	mlog_diag(m, "check", &d);
	diag_free(&d);
	m->flow.checked = m->have_check;
	m->flow.host_ready = m->have_check && !verdicts_need_fix(m->cr.l);
	if (m->have_check) {
		char *text = check_run_text(&m->cr);
		save_log_file(m, "check", text);
		free(text);
		mlog(m, "check: %s", m->flow.host_ready ? "ready" : "something to fix");
	}
}

static enum menu_screen screen_check(struct menu *m)
{
	if (!m->have_check)
		run_check(m);
	if (!m->have_check)
		return menu_flow_next(&m->flow, MS_CHECK, message("Check", "Out of memory while reading the machine.") == MK_SHELL ? MK_SHELL : MK_BACK);
	const struct verdict_list *l = m->cr.l;
	bool uefi = access("/sys/firmware/efi", F_OK) == 0;
	for (;;) {
		char *items[2 * (VERDICTS_MAX + 4)];
		char lines[VERDICTS_MAX][96];
		int n = 0;
		const char *def = "Next";
		items[n * 2] = "Next";
		items[n * 2 + 1] = m->flow.host_ready ? "continue: find the firmware and make the ROM"
						      : "continue anyway (fix the BIOS first, see the lines below)";
		n++;
		for (size_t i = 0; i < l->n; i++) {
			const struct verdict *v = &l->v[i];
			snprintf(lines[i], sizeof(lines[i]), "%-7s %.80s", verdict_status_name(v->status), v->evidence);
			items[n * 2] = (char *)v->id;
			items[n * 2 + 1] = lines[i];
			if (v->status == V_FIX && !strcmp(def, "Next") && !m->flow.host_ready)
				def = v->id;
			n++;
		}
		items[n * 2] = "Save";
		items[n * 2 + 1] = "save this report on the stick (logs/)";
		n++;
		if (!m->flow.host_ready && uefi) {
			items[n * 2] = "Setup";
			items[n * 2 + 1] = "reboot into the BIOS setup to change the settings";
			n++;
		}
		char tag[64], title[96];
		snprintf(title, sizeof(title), "Check: %s", m->flow.host_ready ? "this machine is ready" : "the BIOS needs changes");
		enum menu_key k = pick(title, "Enter on a line shows the evidence and what to do.", items, n, def, "Select", NULL,
				       tag, sizeof(tag));
		if (k != MK_OK)
			return menu_flow_next(&m->flow, MS_CHECK, k);
		if (!strcmp(tag, "Next"))
			return menu_flow_next(&m->flow, MS_CHECK, MK_OK);
		if (!strcmp(tag, "Save")) {
			char path[4400], err[512];
			if (!m->stick)
				message("Save", "The IGDKIT partition is not mounted: the report cannot be saved.");
			else if (report_write_stick(m->stick, m->cr.c, NULL, m->cr.l, m->cr.p, path, sizeof(path), err, sizeof(err)) < 0)
				message("Save", err);
			else {
				char text[4600];
				snprintf(text, sizeof(text), "Saved to %s", path);
				message("Save", text);
			}
			continue;
		}
		if (!strcmp(tag, "Setup")) {
			struct diag d;
			diag_init(&d);
			if (fw_request_setup_on_next_boot(&d) < 0)
				message("BIOS setup", diag_last(&d));
			else {
				dlg_setup("Reboot", "Not now", NULL);
				default_no();
				if (dialog_yesno("BIOS setup", "The machine will start the BIOS setup on the next boot. Reboot now?", 8, 64) ==
				    DLG_EXIT_OK) {
					mlog(m, "rebooting into the firmware setup");
					sync();
					reboot(RB_AUTOBOOT);
				}
			}
			diag_free(&d);
			continue;
		}
		const struct verdict *v = verdict_find(l, tag);
		if (v) {
			char text[sizeof(v->evidence) + sizeof(v->advice) + 128];
			snprintf(text, sizeof(text), "%s: %s\n\nEvidence: %s\n\nWhat to do: %s", v->id, verdict_status_name(v->status),
				 v->evidence, v->advice[0] ? v->advice : "nothing");
			if (message(v->id, text) == MK_SHELL) {
				m->flow.resume = MS_CHECK;
				return MS_SHELL;
			}
		}
	}
}

static void forget_firmware(struct menu *m)
{
	free(m->fw);
	m->fw = NULL;
	m->fwlen = 0;
	free(m->rom);
	m->rom = NULL;
	m->romlen = 0;
	m->flow.firmware_picked = m->flow.rom_ready = false;
}

struct scan_job {
	struct menu *m;
	struct diag *d;
};

static void scan_job_run(void *p)
{
	struct scan_job *j = p;
	scan_firmware(j->m->stick, &j->m->hits, &j->m->nhits, j->d);
}

static bool need_facts(struct menu *m);

struct flash_job {
	struct diag *d;
	struct file_buf fb;
	int rc;
};

static void flash_job_run(void *p)
{
	struct flash_job *j = p;
	j->rc = host_flash_read_bios(&j->fb, j->d);
}

struct walk_job {
	struct menu *m;
	struct fw_image *img;
	struct diag *d;
	int rc;
};

static void walk_job_run(void *p)
{
	struct walk_job *j = p;
	j->rc = fw_open(j->m->fw, j->m->fwlen, &j->img, j->d);
}

/* The running machine's board and BIOS strings (DMI), and which of them occur in the file: a vendor
 * file for another board or BIOS version is no use for its Setup offsets, and a warning sign. */
static void firmware_vs_machine(FILE *f, const struct fw_image *img)
{
	static const char *const keys[] = { "board_vendor", "board_name", "bios_version", "bios_date" };
	char v[4][128];
	const char *texts[4];
	bool found[4] = { false, false, false, false };
	struct host h;
	host_open_live(&h);
	for (size_t i = 0; i < 4; i++) {
		dmi_read(&h, keys[i], v[i], sizeof(v[i]));
		texts[i] = v[i][0] ? v[i] : NULL;
	}
	if (!texts[1] && !texts[2]) {
		fprintf(f, "\nThis machine shows no board or BIOS strings (DMI) to compare the file with.\n");
		return;
	}
	fw_search_texts(img, texts, 4, found);
	fprintf(f, "\nThis machine:");
	if (texts[0] || texts[1])
		fprintf(f, " board \"%s%s%s\",", v[0], texts[0] && texts[1] ? " " : "", v[1]);
	fprintf(f, " BIOS \"%s\"%s%s.\nIn the file:", v[2], v[3][0] ? " of " : "", v[3]);
	static const char *const what[] = { "board vendor", "board name", "BIOS version", "BIOS date" };
	int shown = 0;
	for (size_t i = 0; i < 4; i++)
		if (texts[i])
			fprintf(f, "%s %s %s", shown++ ? "," : "", what[i], found[i] ? "found" : "not found");
	fprintf(f, ".\n%s\n", bios_version_found(v[2], found[2], found[3]) ? "It carries the running BIOS version."
			    : found[1] ? "It names this board, but not the running BIOS version (another version?)."
				       : "Neither this board nor the running BIOS version occurs in it: make sure it is this "
					 "board's firmware (a single module, like an OVMF build or a GOP file, names neither).");
}

/* What the picked file holds (its kind, every GOP, VBT and VBIOS, whether each serves this iGPU),
 * before it is used: MK_OK to use it, anything else to pick again. */
static enum menu_key firmware_details(struct menu *m)
{
	uint16_t dev = need_facts(m) ? m->facts.igd_device_id : 0;
	busy("Firmware", "Looking into %s (decompressing volumes may take a while) ...", m->fw_name);
	struct diag d;
	diag_init(&d);
	struct walk_job wj = { m, NULL, &d, -1 };
	spin(walk_job_run, &wj);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		fw_close(wj.img);
		diag_free(&d);
		return MK_OK;
	}
	if (wj.rc < 0) {
		fprintf(f, "%s (%zu bytes) is not a firmware image igdkit can walk: %s\n", m->fw_name, m->fwlen, diag_last(&d));
	} else {
		fprintf(f, "%s\n%s, %zu bytes, %zu bytes after decompression\n\n", m->fw_name,
			fw_input_name(fw_input_kind(wj.img)), m->fwlen, fw_inflated_bytes(wj.img));
		if (dev)
			fprintf(f, "What it holds, and whether each serves this iGPU (8086:%04x):\n", dev);
		else
			fprintf(f, "What it holds (this machine shows no Intel iGPU to match them against):\n");
		fw_blobs_print(f, wj.img, dev, true);
		firmware_vs_machine(f, wj.img);
		fprintf(f, "\nThe ROM is made from the GOP (and a legacy VBIOS, for the SeaBIOS route) that serve the "
			   "iGPU. Use this file, or go back (Esc) and pick another.\n");
	}
	text_of(&f, &text, &len);
	mlog(m, "firmware details of %s: %s", m->fw_name, wj.rc < 0 ? diag_last(&d) : "walked");
	fw_close(wj.img);
	diag_free(&d);
	enum menu_key k = textview(m, wj.rc < 0 ? "Firmware: not usable" : "Firmware: what the file holds", text ? text : "",
				   wj.rc < 0 ? "Back" : "Use");
	free(text);
	return wj.rc < 0 && k == MK_OK ? MK_BACK : k;
}

static enum menu_screen screen_firmware(struct menu *m)
{
	if (!m->hits) {
		busy("Firmware", "Looking for firmware files on the IGDKIT partition and on the other disks (mounted read-only) ...");
		struct diag d;
		diag_init(&d);
		struct scan_job sj = { m, &d };
		int saved = quiet_begin(m);
		spin(scan_job_run, &sj);
		quiet_end(saved);
		mlog_diag(m, "firmware search", &d);
		diag_free(&d);
		mlog(m, "firmware search: %zu file(s)", m->nhits);
	}
	char *items[2 * (SCAN_MAX_FILES + 3)];
	char labels[SCAN_MAX_FILES][160], tags[SCAN_MAX_FILES][24];
	int n = 0;
	for (size_t i = 0; i < m->nhits && i < SCAN_MAX_FILES; i++) {
		const struct scan_hit *h = &m->hits[i];
		const char *base = strrchr(h->f.path, '/');
		snprintf(tags[i], sizeof(tags[i]), "%zu", i + 1);
		snprintf(labels[i], sizeof(labels[i]), "%.16s:%.40s  %.1f MB  %.50s", h->where, base ? base + 1 : h->f.path,
			 (double)h->f.size / 1e6, h->f.kind);
		item_add(items, &n, tags[i], labels[i]);
	}
	item_add(items, &n, "VBIOS", "this machine: the legacy VBIOS the BIOS shadowed (CSM boots)");
	item_add(items, &n, "Flash", "this machine: read the BIOS region of the flash chip");
	item_add(items, &n, "Rescan", "look again (after plugging in a stick with the BIOS file)");
	char tag[64];
	enum menu_key k = pick("Firmware", m->nhits ? "Pick the firmware of this board (a vendor BIOS update, capsule or SPI dump)."
						    : "No firmware file found. Copy the vendor's BIOS file onto the IGDKIT partition, or:",
			       items, n, m->nhits ? "1" : "VBIOS", "Use", NULL, tag, sizeof(tag));
	if (k != MK_OK)
		return menu_flow_next(&m->flow, MS_FIRMWARE, k);
	if (!strcmp(tag, "Rescan")) {
		free(m->hits);
		m->hits = NULL;
		m->nhits = 0;
		return MS_FIRMWARE;
	}
	struct diag d;
	diag_init(&d);
	forget_firmware(m);
	enum menu_key res = MK_OK;
	if (!strcmp(tag, "VBIOS")) {
		struct file_buf fb;
		if (host_read_pci_rom("0000:00:02.0", &fb, &d) < 0)
			res = message("Firmware: shadow VBIOS", diag_last(&d)) == MK_SHELL ? MK_SHELL : MK_FAIL;
		else {
			m->fw = fb.data;
			m->fwlen = fb.len;
			snprintf(m->fw_name, sizeof(m->fw_name), "the shadow VBIOS of 00:02.0");
		}
	} else if (!strcmp(tag, "Flash")) {
		char why[600];
		if (!host_flash_readable(why, sizeof(why))) {
			res = message("Firmware: flash", why) == MK_SHELL ? MK_SHELL : MK_FAIL;
		} else {
			busy("Firmware", "Reading the BIOS region of the flash chip through flashrom (read only; this takes a while) ...");
			struct flash_job fj = { &d, { NULL, 0 }, -1 };
			int saved = quiet_begin(m);
			spin(flash_job_run, &fj);
			quiet_end(saved);
			if (fj.rc < 0) {
				res = message("Firmware: flash", diag_last(&d)) == MK_SHELL ? MK_SHELL : MK_FAIL;
			} else {
				m->fw = fj.fb.data;
				m->fwlen = fj.fb.len;
				snprintf(m->fw_name, sizeof(m->fw_name), "the BIOS region of this machine's flash");
				if (m->stick) {
					/* kept on the stick: the report names it, and it is the board's own firmware */
					char path[1200];
					snprintf(path, sizeof(path), "%s/flash-bios-region.bin", m->stick);
					struct diag wd;
					diag_init(&wd);
					if (atomic_write(path, m->fw, m->fwlen, 0644, (uid_t)-1, (gid_t)-1, &wd) == 0)
						mlog(m, "saved %s (%zu bytes)", path, m->fwlen);
					mlog_diag(m, path, &wd);
					diag_free(&wd);
				}
				enum menu_key dk = firmware_details(m);
				if (dk != MK_OK) {
					forget_firmware(m);
					diag_free(&d);
					return dk == MK_SHELL ? menu_flow_next(&m->flow, MS_FIRMWARE, MK_SHELL) : MS_FIRMWARE;
				}
			}
		}
	} else {
		size_t i = (size_t)strtoul(tag, NULL, 10);
		if (i >= 1 && i <= m->nhits) {
			const struct scan_hit *h = &m->hits[i - 1];
			busy("Firmware", "Reading %s ...", h->f.path);
			if (scan_read(h, m->stick, &m->fw, &m->fwlen, &d) < 0)
				res = message("Firmware", diag_last(&d)) == MK_SHELL ? MK_SHELL : MK_FAIL;
			else {
				snprintf(m->fw_name, sizeof(m->fw_name), "%s", h->f.path);
				enum menu_key dk = firmware_details(m);
				if (dk != MK_OK) {
					forget_firmware(m);
					diag_free(&d);
					return dk == MK_SHELL ? menu_flow_next(&m->flow, MS_FIRMWARE, MK_SHELL) : MS_FIRMWARE;
				}
			}
		} else
			res = MK_FAIL;
	}
	mlog_diag(m, "firmware", &d);
	diag_free(&d);
	m->flow.firmware_picked = m->fw != NULL;
	if (m->fw)
		mlog(m, "firmware: %s (%zu bytes)", m->fw_name, m->fwlen);
	return menu_flow_next(&m->flow, MS_FIRMWARE, res);
}

static bool need_facts(struct menu *m)
{
	if (m->facts.igd_device_id)
		return true;
	struct diag d;
	diag_init(&d);
	int saved = quiet_begin(m);
	facts_collect("/", m->ctx->pci_dump, &m->facts, &d);
	quiet_end(saved);
	mlog_diag(m, "facts", &d);
	diag_free(&d);
	return m->facts.igd_device_id != 0;
}

struct rom_job {
	struct menu *m;
	const struct rom_make_opts *o;
	struct rom_made *made;
	struct diag *d;
	enum rom_make_status st;
};

static void rom_job_run(void *p)
{
	struct rom_job *j = p;
	j->st = rom_make(j->m->fw, j->m->fwlen, j->o, j->made, j->d);
}

static enum menu_screen screen_rom(struct menu *m)
{
	if (!m->fw)
		return MS_FIRMWARE;
	if (!need_facts(m))
		return menu_flow_next(&m->flow, MS_ROM,
				      message("ROM", "This machine shows no Intel iGPU at 00:02.0, so there is no device to make the ROM for. "
						     "Enable the internal graphics in the BIOS setup (see Check).") == MK_SHELL
					      ? MK_SHELL
					      : MK_FAIL);
	busy("ROM", "Walking %s and building the ROM for 8086:%04x (decompressing volumes may take a while) ...", m->fw_name,
	     m->facts.igd_device_id);
	struct rom_make_opts o = { .vendor = 0x8086, .device = m->facts.igd_device_id };
	struct rom_made made;
	struct diag d;
	diag_init(&d);
	struct rom_job rj = { m, &o, &made, &d, ROM_MAKE_NO_MEMORY };
	spin(rom_job_run, &rj);
	enum rom_make_status st = rj.st;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f) {
		rom_made_free(&made);
		diag_free(&d);
		return MS_FIRMWARE;
	}
	if (st == ROM_MADE) {
		rom_made_text(f, m->fw_name, &made, &o);
		fprintf(f, "\nChecking the new ROM (%zu bytes):\n", made.rom.len);
		rom_check_text(made.check, f);
		fprintf(f, "\n%s\n", made.usable ? "Save igd.rom to the stick and go on to the install."
						 : "This ROM did not pass its check: pick another firmware file.");
	} else
		fprintf(f, "%s: no ROM could be made: %s\n", m->fw_name, diag_last(&d));
	text_of(&f, &text, &len);
	save_log_file(m, "rom", text);
	mlog(m, "rom make: status %d, usable %d", (int)st, st == ROM_MADE && made.usable);
	enum menu_key k;
	if (st == ROM_MADE && made.usable) {
		k = textview(m, "ROM: ok", text ? text : "", "Save");
		if (k == MK_OK) {
			m->rom = made.rom.data;
			m->romlen = made.rom.len;
			made.rom.data = NULL;	/* now m's */
			m->flow.rom_ready = true;
			if (m->stick) {
				char path[1200];
				snprintf(path, sizeof(path), "%s/igd.rom", m->stick);
				struct diag wd;
				diag_init(&wd);
				if (atomic_write(path, m->rom, m->romlen, 0644, (uid_t)-1, (gid_t)-1, &wd) < 0) {
					mlog_diag(m, path, &wd);
					message("ROM", diag_last(&wd));
				} else
					mlog(m, "saved %s (%zu bytes)", path, m->romlen);
				diag_free(&wd);
			}
		}
	} else {
		k = textview(m, "ROM: not usable", text ? text : "", "Back");
		if (k == MK_OK)
			k = MK_FAIL;
	}
	free(text);
	rom_made_free(&made);
	diag_free(&d);
	return menu_flow_next(&m->flow, MS_ROM, k);
}

static void unmount_target(struct menu *m)
{
	if (m->have_target)
		target_free(&m->t);
	m->have_target = false;
	if (m->mounted) {
		int saved = quiet_begin(m);
		targetdev_umount(m->target_uuid, TARGET_MNT, NULL);
		quiet_end(saved);
	}
	m->mounted = false;
	m->flow.target_picked = false;
}

static void forget_plan(struct menu *m)
{
	if (m->have_plan)
		install_plan_free(&m->plan);
	m->have_plan = false;
	if (m->dx) {
		diagnosis_free(m->dx);
		free(m->dx);
		m->dx = NULL;
	}
	free(m->plan_text);
	m->plan_text = NULL;
}

struct targets_job {
	struct menu *m;
	struct diag *d;
	int rc;
};

static void targets_job_run(void *p)
{
	struct targets_job *j = p;
	j->rc = targetdev_scan(&j->m->inst, &j->m->ninst, j->d);
}

static enum menu_screen screen_target(struct menu *m)
{
	forget_plan(m);
	unmount_target(m);
	busy("Install", "Looking for Proxmox VE installs: scanning and activating LVM volume groups, btrfs and ZFS ...");
	struct diag d;
	diag_init(&d);
	free(m->inst);
	m->inst = NULL;
	m->ninst = 0;
	struct targets_job tj = { m, &d, -1 };
	int saved = quiet_begin(m);
	spin(targets_job_run, &tj);
	quiet_end(saved);
	int rc = tj.rc;
	mlog_diag(m, "scan", &d);
	mlog(m, "installs found: %zu", m->ninst);
	if (rc < 0 || !m->ninst) {
		char text[1200];
		snprintf(text, sizeof(text), "No Proxmox VE install was found on the disks.%s%s", d.n ? "\n\n" : "",
			 d.n ? diag_last(&d) : "");
		diag_free(&d);
		return menu_flow_next(&m->flow, MS_TARGET, message("Install", text) == MK_SHELL ? MK_SHELL : MK_FAIL);
	}
	diag_free(&d);
	char *items[2 * 16];
	char labels[16][160], tags[16][24];
	int n = 0;
	for (size_t i = 0; i < m->ninst && i < 16; i++) {
		const struct pve_install *p = &m->inst[i];
		char when[32] = "?";
		if (p->last_boot) {
			time_t tt = (time_t)p->last_boot;
			struct tm tm;
			gmtime_r(&tt, &tm);
			strftime(when, sizeof(when), "%Y-%m-%d", &tm);
		}
		snprintf(tags[i], sizeof(tags[i]), "%zu", i + 1);
		if (p->zfs)
			snprintf(labels[i], sizeof(labels[i]), "ZFS %s: cannot be imported from this stick", p->vg_name);
		else
			snprintf(labels[i], sizeof(labels[i]), "%.24s  PVE %.16s  %.1f GiB  %.20s  last boot %.12s",
				 p->hostname[0] ? p->hostname : "?", p->pve_version[0] ? p->pve_version : "?",
				 (double)p->size / (1024.0 * 1024 * 1024), p->btrfs ? "btrfs" : p->vg_name, when);
		item_add(items, &n, tags[i], labels[i]);
	}
	char tag[64];
	enum menu_key k = pick("Install: which Proxmox VE install?", "The installs found on this machine's disks:", items, n, "1",
			       "Use", NULL, tag, sizeof(tag));
	if (k != MK_OK)
		return menu_flow_next(&m->flow, MS_TARGET, k);
	size_t i = (size_t)strtoul(tag, NULL, 10);
	if (i < 1 || i > m->ninst || m->inst[i - 1].zfs)
		return menu_flow_next(&m->flow, MS_TARGET,
				      message("Install", "ZFS pools cannot be imported from this stick: boot the host itself and run igdkit there.") ==
						      MK_SHELL
					      ? MK_SHELL
					      : MK_FAIL);
	const struct pve_install *p = &m->inst[i - 1];
	snprintf(m->target_uuid, sizeof(m->target_uuid), "%s", p->vg_uuid);
	snprintf(m->target_label, sizeof(m->target_label), "%s (PVE %s)", p->hostname[0] ? p->hostname : "?", p->pve_version);
	busy("Install", "Mounting %s read-only and reading its configuration ...", m->target_label);
	diag_init(&d);
	mkdir(TARGET_MNT, 0700);
	saved = quiet_begin(m);
	rc = targetdev_mount(m->target_uuid, TARGET_MNT, false, &d);
	quiet_end(saved);
	if (rc == 0) {
		m->mounted = true;
		if (target_probe(TARGET_MNT, &m->t, &d) == 0 && !d.errors)
			m->have_target = true;
		else
			target_free(&m->t);
	}
	mlog_diag(m, "target", &d);
	if (!m->have_target) {
		char text[1200];
		snprintf(text, sizeof(text), "%s cannot be used: %s\n\nNothing was written.", m->target_label, diag_last(&d));
		diag_free(&d);
		unmount_target(m);
		return menu_flow_next(&m->flow, MS_TARGET, message("Install", text) == MK_SHELL ? MK_SHELL : MK_FAIL);
	}
	diag_free(&d);
	mlog(m, "target %s mounted read-only at %s", m->target_label, TARGET_MNT);
	m->flow.target_picked = true;
	return menu_flow_next(&m->flow, MS_TARGET, MK_OK);
}

static enum menu_screen screen_vm(struct menu *m)
{
	forget_plan(m);
	if (!m->have_target)
		return MS_TARGET;
	char *items[2 * 34];
	char labels[32][160], tags[32][16];
	int n = 0;
	/* by VMID, as the Proxmox VE web interface lists them */
	size_t order[256], no = 0;
	for (size_t i = 0; i < m->t.nguests && no < 256; i++)
		if (!strcmp(m->t.guests[i].kind, "qemu-server"))
			order[no++] = i;
	for (size_t a = 1; a < no; a++)
		for (size_t b = a; b > 0 && m->t.guests[order[b - 1]].vmid > m->t.guests[order[b]].vmid; b--) {
			size_t tmp = order[b];
			order[b] = order[b - 1];
			order[b - 1] = tmp;
		}
	for (size_t oi = 0; oi < no && n < 32; oi++) {
		const struct pve_guest *g = &m->t.guests[order[oi]];
		snprintf(tags[n], sizeof(tags[n]), "%u", g->vmid);
		snprintf(labels[n], sizeof(labels[n]), "%-20.20s machine %s, bios %s%s%s", g->name[0] ? g->name : "-",
			 g->machine[0] ? g->machine : "default", g->bios[0] ? g->bios : "seabios", g->hostpci0[0] ? ", has hostpci0" : "",
			 g->locked ? " (locked)" : "");
		item_add(items, &n, tags[n], labels[n]);
	}
	item_add(items, &n, "Host", "no VM now: only the host side (vfio, IOMMU, kernel command line)");
	char tag[64];
	enum menu_key k = pick("Install: which VM gets the iGPU?", m->target_label, items, n, n > 1 ? tags[0] : "Host", "Use",
			       "New VM", tag, sizeof(tag));
	if (k == MK_OK) {
		m->create = false;
		m->vmid = strcmp(tag, "Host") ? (unsigned)strtoul(tag, NULL, 10) : 0;
		m->flow.vm_picked = true;
		mlog(m, "vm: %s", m->vmid ? tag : "host side only");
	}
	return menu_flow_next(&m->flow, MS_VM, k);
}

static enum menu_screen screen_new_vm(struct menu *m)
{
	unsigned next = 100;
	for (bool again = true; again;) {
		again = false;
		for (size_t i = 0; i < m->t.nguests; i++)
			if (m->t.guests[i].vmid == next) {
				next++;
				again = true;
			}
	}
	char init[16];
	snprintf(init, sizeof(init), "%u", next);
	for (;;) {
		dlg_setup("OK", "Back", NULL);
		int rc = dialog_inputbox("Install: new VM", "VMID of the new VM (100 to 999999999):", 9, 60, init, 0);
		enum menu_key k = key_of(rc);
		if (k != MK_OK)
			return menu_flow_next(&m->flow, MS_NEW_VM, k);
		char *end;
		unsigned long v = strtoul(dialog_vars.input_result ? dialog_vars.input_result : "", &end, 10);
		bool taken = false;
		for (size_t i = 0; i < m->t.nguests; i++)
			taken |= m->t.guests[i].vmid == v;
		if (v < 100 || v > 999999999 || (*end && *end != '\n') || taken) {
			message("Install: new VM", taken ? "That VMID is taken: pick it from the list instead." : "A VMID is a number from 100 to 999999999.");
			continue;
		}
		m->vmid = (unsigned)v;
		m->create = true;
		m->flow.vm_picked = true;
		mlog(m, "vm: new %u", m->vmid);
		return menu_flow_next(&m->flow, MS_NEW_VM, MK_OK);
	}
}

static struct install_opts install_opts_of(const struct menu *m)
{
	struct install_opts io = { .root = TARGET_MNT, .rom = m->rom, .romlen = m->rom ? m->romlen : 0, .vmid = m->vmid,
				   .create = m->create, .stick = m->stick };
	return io;
}

/* What the final question and the write act on: repair's fixes or the install's plan. */
static struct install_plan *active_plan(struct menu *m)
{
	return m->dx ? &m->dx->plan : &m->plan;
}

static enum menu_screen screen_plan(struct menu *m)
{
	forget_plan(m);
	if (!m->have_target)
		return MS_TARGET;
	busy("Install", "Working out the plan for %s ...", m->target_label);
	need_facts(m);
	struct install_opts io = install_opts_of(m);
	struct diag d;
	diag_init(&d);
	if (install_plan_compute(&m->t, &m->facts, &io, &m->plan, &d) < 0) {
		char text[1200];
		snprintf(text, sizeof(text), "No plan: %s\n\nNothing was written.", diag_last(&d));
		mlog_diag(m, "plan", &d);
		diag_free(&d);
		return menu_flow_next(&m->flow, MS_PLAN, message("Install", text) == MK_SHELL ? MK_SHELL : MK_FAIL);
	}
	m->have_plan = true;
	rebuild_firmware_trap(&m->t, &m->facts, &d);
	mlog_diag(m, "plan", &d);
	struct rebuild_req rr = { m->plan.rebuild_initramfs, m->plan.rebuild_grub, m->plan.rebuild_pbt };
	char what[600];
	rebuild_describe(TARGET_MNT, &rr, what, sizeof(what));
	char *diff = diff_plan(&m->plan);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f) {
		fprintf(f, "Target: %s, node %s, pve-qemu-kvm %s\n", m->target_label, m->t.hostname,
			m->t.qemu_pkg[0] ? m->t.qemu_pkg : "not installed");
		if (m->vmid)
			fprintf(f, "VM %u%s: %s\n", m->vmid, m->create ? " (new)" : "", m->plan.route);
		fprintf(f, "ROM: %s\n", m->rom ? "the one made from the firmware" : "none given");
		fprintf(f, "%zu change%s; afterwards: %s\n\n", m->plan.n, m->plan.n == 1 ? "" : "s", what[0] ? what : "nothing to rebuild");
		for (size_t i = 0; i < d.n; i++) {
			char buf[DIAG_MSG_MAX + 64];
			diag_format(&d.v[i], buf, sizeof(buf));
			fprintf(f, "%s\n", buf);
		}
		fputs(diff ? diff : "", f);
		if (m->plan.vm_after && m->plan.n)
			fprintf(f, "\nVM %u config after%s:\n%s\n", m->vmid, m->plan.vm_staged ? " the qm set on next boot" : "", m->plan.vm_after);
		text_of(&f, &text, &len);
	}
	free(diff);
	diag_free(&d);
	m->plan_text = text;
	save_log_file(m, "plan", text);
	m->flow.plan_has_changes = m->plan.n > 0;
	mlog(m, "plan: %zu change(s)", m->plan.n);
	if (!m->plan.n)
		return menu_flow_next(&m->flow, MS_PLAN,
				      message("Install", "Nothing to change: this install already has every setting.") == MK_SHELL ? MK_SHELL : MK_OK);
	enum menu_key k = textview(m, "Install: the plan and the diff (arrows scroll)", text ? text : "", "Next");
	return menu_flow_next(&m->flow, MS_PLAN, k);
}

static enum menu_screen screen_confirm(struct menu *m)
{
	const struct install_plan *p = active_plan(m);
	char text[1600];
	int n = snprintf(text, sizeof(text), "Write these changes to %s?\n\n", m->target_label);
	for (size_t i = 0; i < p->n && n < (int)sizeof(text) - 200; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "  %s%s\n", p->ch[i].path, p->ch[i].existed ? "" : " (new)");
	snprintf(text + n, sizeof(text) - (size_t)n, "\nEvery file is backed up first; the install can be undone.");
	dlg_setup("Yes", "No", NULL);
	if (!menu_flow_confirm_default())
		default_no();
	int rc = dialog_yesno("Write these changes?", text, BOX_H - 2, BOX_W);
	enum menu_key k = key_of(rc);
	mlog(m, "confirm: %s", k == MK_OK ? "yes" : "no");
	return menu_flow_next(&m->flow, MS_CONFIRM, k);
}

/* The write's progress: libdialog's mixed gauge, drawn once per step. (Its gauge object is not
 * used: after dlg_free_gauge the next dialog returns at once, as if Esc had been pressed.) */
struct gauge_ctx {
	struct menu *m;
	bool rebuild;		/* the plan has a rebuild step */
};

static void gauge_step(void *arg, int percent, const char *what)
{
	struct gauge_ctx *gc = arg;
	mlog(gc->m, "write: %d%% %s", percent, what);
	/* dialog's status codes: "0" done, "7" in progress, "8" pending, "-N" N percent */
	char *items[4] = { "Backup, manifest, write the files", percent < INSTALL_STEP_REBUILD ? "7" : "0",
			   "Rebuild initramfs and boot loader", !gc->rebuild ? "0" : percent < INSTALL_STEP_REBUILD ? "8" : percent < INSTALL_STEP_END ? "7" : "0" };
	char text[700];
	snprintf(text, sizeof(text), "%.600s", what);
	dlg_setup(NULL, NULL, NULL);
	dialog_vars.help_button = false;
	dialog_mixedgauge("Writing", text, 14, 72, percent, 2, items);
}

static enum menu_screen screen_write(struct menu *m)
{
	int lock = open(WRITE_LOCK, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0) {
		if (lock >= 0)
			close(lock);
		snprintf(m->result, sizeof(m->result), "The other console is writing right now. Nothing was written here.");
		return menu_flow_next(&m->flow, MS_WRITE, MK_FAIL);
	}
	struct install_plan *p = active_plan(m);
	struct install_opts io = install_opts_of(m);
	if (m->dx) {
		/* repair's fixes carry their own contents: no ROM, no VM of the menu's */
		io.rom = NULL;
		io.romlen = 0;
		io.vmid = 0;
		io.create = false;
	}
	struct diag d;
	diag_init(&d);
	struct gauge_ctx gc = { m, p->rebuild_initramfs || p->rebuild_grub || p->rebuild_pbt };
	int saved = quiet_begin(m);
	int rc = install_write(&m->t, p, &io, TARGET_MNT, gauge_step, &gc, &m->w, &d);
	quiet_end(saved);
	flock(lock, LOCK_UN);
	close(lock);
	mlog_diag(m, "write", &d);
	if (rc < 0)
		snprintf(m->result, sizeof(m->result), "Nothing was written: %s\n\nThe log is logs/menu.log on the stick.", diag_last(&d));
	else {
		int n = snprintf(m->result, sizeof(m->result),
				 "Written to %s; backup and manifest in %s/%s (a copy is in the stick's logs/).\n\n", m->target_label,
				 INST_BACKUP_DIR, m->w.id);
		if (m->w.rebuild_failed)
			n += snprintf(m->result + n, sizeof(m->result) - (size_t)n,
				      "The rebuild failed (%s): run it on the host after booting it.\n\n", diag_last(&d));
		if (p->vm_staged && !m->dx)
			n += snprintf(m->result + n, sizeof(m->result) - (size_t)n, "Cluster member: VM %u is changed on the next boot (%s).\n\n",
				      m->vmid, p->qm_set);
		snprintf(m->result + n, sizeof(m->result) - (size_t)n,
			 "To undo, from this stick's shell:\n  igdkit install --undo %s --target %s\nor on the host: igdkit install --undo %s",
			 m->w.id, m->target_uuid, m->w.id);
	}
	mlog(m, "write: %s", rc < 0 ? "nothing written" : m->w.id);
	diag_free(&d);
	return menu_flow_next(&m->flow, MS_WRITE, rc < 0 ? MK_FAIL : MK_OK);
}

static enum menu_screen screen_result(struct menu *m)
{
	enum menu_key k = message(m->flow.written ? "Done" : "Not written", m->result);
	forget_plan(m);
	unmount_target(m);
	return menu_flow_next(&m->flow, MS_RESULT, k);
}

static enum menu_screen screen_repair(struct menu *m)
{
	if (!m->flow.repairing) {
		enum menu_key k = message("Repair", "Repair is not available in this igdkit.\n\n"
						    "To take back what igdkit install wrote, use the shell:\n"
						    "  igdkit install --list          the installs on the disks\n"
						    "  igdkit install --undo --target UUID");
		return menu_flow_next(&m->flow, MS_REPAIR, k);
	}
	forget_plan(m);
	if (!m->have_target)
		return MS_TARGET;
	busy("Repair", "Looking for what keeps %s from booting or starting its VM ...", m->target_label);
	need_facts(m);
	struct diag d;
	diag_init(&d);
	m->dx = calloc(1, sizeof(*m->dx));
	if (!m->dx || diagnose_run(&m->t, &m->facts, m->dx, &d) < 0) {
		char text[1200];
		snprintf(text, sizeof(text), "%s cannot be read: %s\n\nNothing was written.", m->target_label,
			 m->dx ? diag_last(&d) : "out of memory");
		free(m->dx);
		m->dx = NULL;
		mlog_diag(m, "repair", &d);
		diag_free(&d);
		return menu_flow_next(&m->flow, MS_REPAIR, message("Repair", text) == MK_SHELL ? MK_SHELL : MK_BACK);
	}
	mlog_diag(m, "repair", &d);
	const struct diagnosis *x = m->dx;
	char *diff = diff_plan(&x->plan);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f) {
		fprintf(f, "Target: %s; %zu problem%s found, %zu fix%s igdkit makes\n\n", m->target_label, x->nproblems,
			x->nproblems == 1 ? "" : "s", x->plan.n, x->plan.n == 1 ? "" : "es");
		for (size_t i = 0; i < x->n; i++) {
			const struct finding *fd = &x->f[i];
			fprintf(f, "%s %s: %s\n    where: %s\n    %s: %s\n\n", fd->note ? "note" : fd->automatic ? "FIX " : "todo", fd->id,
				fd->what, fd->evidence, fd->automatic ? "igdkit writes" : "what to do", fd->fix);
		}
		if (x->truncated)
			fprintf(f, "(more findings than fit on this list)\n");
		fputs(diff ? diff : "", f);
		text_of(&f, &text, &len);
	}
	free(diff);
	diag_free(&d);
	save_log_file(m, "repair", text);
	m->flow.plan_has_changes = x->plan.n > 0;
	mlog(m, "repair: %zu finding(s), %zu fix(es)", x->n, x->plan.n);
	enum menu_key k = textview(m, x->plan.n ? "Repair: the findings and the diff" : "Repair: the findings (nothing for igdkit to write)",
				   text ? text : "", x->plan.n ? "Next" : "OK");
	free(text);
	return menu_flow_next(&m->flow, MS_REPAIR, k);
}

static enum menu_screen screen_report(struct menu *m)
{
	if (!m->have_check)
		run_check(m);
	busy("Report", "Writing the report (check, firmware and ROM, plan, what was written, logs) ...");
	struct diag d;
	diag_init(&d);
	char *check_text = m->have_check ? check_run_text(&m->cr) : NULL;
	size_t masked = 0;
	char *text = forum_report_build(m->stick, check_text, &masked, &d);
	free(check_text);
	char msg[4800];
	char path[4400] = "";
	if (!text)
		snprintf(msg, sizeof(msg), "No report: %s", diag_last(&d));
	else if (!m->stick)
		snprintf(msg, sizeof(msg), "The IGDKIT partition is not mounted, so the report cannot be saved.");
	else if (forum_report_save(m->stick, text, path, sizeof(path), &d) < 0)
		snprintf(msg, sizeof(msg), "The report could not be saved: %s", diag_last(&d));
	else
		snprintf(msg, sizeof(msg),
			 "Saved on the stick as %s\n(%zu identifiers masked: serial numbers, MAC addresses, UUIDs).\n\n"
			 "Open it on any computer and paste it into your forum post.",
			 strrchr(path, '/') ? strrchr(path, '/') + 1 : path, masked);
	mlog(m, "report: %s", path[0] ? path : msg);
	free(text);
	diag_free(&d);
	return menu_flow_next(&m->flow, MS_REPORT, message("Report", msg));
}

static enum menu_screen screen_shell(struct menu *m)
{
	mlog(m, "shell");
	def_prog_mode();
	endwin();
	fputs("\n\nigdkit: a root shell. Type 'exit' to go back to the menu.\n\n", stdout);
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-l", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	return menu_flow_next(&m->flow, MS_SHELL, MK_OK);
}

static enum menu_screen screen_poweroff(struct menu *m)
{
	dlg_setup("Power off", "Back", NULL);
	default_no();
	if (dialog_yesno("Power off", "Turn the machine off now?", 7, 50) == DLG_EXIT_OK) {
		mlog(m, "power off");
		unmount_target(m);
		endwin();
		sync();
		reboot(RB_POWER_OFF);
	}
	return menu_flow_next(&m->flow, MS_POWEROFF, MK_BACK);
}

static void menu_free(struct menu *m)
{
	forget_plan(m);
	unmount_target(m);
	forget_firmware(m);
	free(m->hits);
	free(m->inst);
	if (m->have_check)
		check_run_free(&m->cr);
	if (m->log)
		fclose(m->log);
}

int cmd_menu(struct ctx *ctx, int argc, char **argv)
{
	int rc = cmd_parse_noargs(ctx, synopsis, (const struct opt[]){ { 0 } }, argc, argv);
	if (rc != CMD_PARSED)
		return rc;
	if (ctx->json)
		return cmd_fail(ctx, EXIT_USAGE, "the menu is interactive: --json has no meaning here (each command has its own)");
	if (!isatty(0) || !isatty(1))
		return cmd_fail(ctx, EXIT_USAGE, "the menu needs a terminal");

	struct menu *m = calloc(1, sizeof(*m));
	if (!m)
		return cmd_fail(ctx, EXIT_INTERNAL, "out of memory");
	m->ctx = ctx;
	m->stick = getenv("IGDKIT_STICK");
	if (m->stick && !*m->stick)
		m->stick = NULL;
	char logpath[1200];
	if (m->stick) {
		snprintf(logpath, sizeof(logpath), "%s/logs", m->stick);
		mkdir(logpath, 0755);
		snprintf(logpath, sizeof(logpath), "%s/logs/menu.log", m->stick);
	} else
		snprintf(logpath, sizeof(logpath), "/tmp/igdkit-menu.log");
	m->log = fopen(logpath, "a");
	snprintf(m->tmp, sizeof(m->tmp), "/tmp/igdkit-menu-%d.txt", (int)getpid());
	menu_flow_init(&m->flow, true, true);
	mlog(m, "menu started on %s (TERM=%s)", ttyname(0) ? ttyname(0) : "?", getenv("TERM") ? getenv("TERM") : "");

	init_dialog(stdin, stdout);
	set_escdelay(100);	/* Esc on a serial line: do not wait a second for a sequence */
	dialog_state.use_shadow = false;
	dialog_vars.backtitle = "igdkit " IGDKIT_VERSION " - Intel iGPU passthrough for Proxmox VE";
	dialog_vars.tab_correct = true;

	enum menu_screen s = menu_flow_start(&m->flow);
	int instant = 0;	/* screens in a row that returned without waiting for a key */
	while (s != MS_QUIT) {
		mlog(m, "screen %s", menu_screen_name(s));
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		switch (s) {
		case MS_HOME: s = screen_home(m); break;
		case MS_CHECK: s = screen_check(m); break;
		case MS_FIRMWARE: s = screen_firmware(m); break;
		case MS_ROM: s = screen_rom(m); break;
		case MS_TARGET: s = screen_target(m); break;
		case MS_VM: s = screen_vm(m); break;
		case MS_NEW_VM: s = screen_new_vm(m); break;
		case MS_PLAN: s = screen_plan(m); break;
		case MS_CONFIRM: s = screen_confirm(m); break;
		case MS_WRITE: s = screen_write(m); break;
		case MS_RESULT: s = screen_result(m); break;
		case MS_REPAIR: s = screen_repair(m); break;
		case MS_REPORT: s = screen_report(m); break;
		case MS_SHELL: s = screen_shell(m); break;
		case MS_POWEROFF: s = screen_poweroff(m); break;
		case MS_QUIT: break;
		}
		/* A terminal that is gone (hung-up serial line) makes every screen return at once:
		 * leave instead of spinning. */
		clock_gettime(CLOCK_MONOTONIC, &t1);
		long ms = (long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		instant = ms < 20 ? instant + 1 : 0;
		if (instant > 50) {
			mlog(m, "the terminal answers no more: leaving the menu");
			s = MS_QUIT;
		}
		/* leaving the install steps for elsewhere: the target goes back to unmounted */
		if (s == MS_HOME && m->mounted)
			unmount_target(m);
	}
	end_dialog();
	mlog(m, "menu left");
	menu_free(m);
	free(m);
	return EXIT_OK;
}
