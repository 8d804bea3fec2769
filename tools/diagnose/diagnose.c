/* diagnose.c - findings on an installed Proxmox VE and their fixes as one change set */
#include "diagnose/diagnose.h"
#include "change/manifest.h"
#include "igd/ids.h"
#include "lib/shsplit.h"
#include "lib/strbuf.h"
#include "plan/decide.h"
#include "pve/configdb.h"
#include "pve/configdb_fix.h"
#include "pve/pcimap.h"
#include "pve/vmconf.h"

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define TEXT_MAX (1024 * 1024)
#define MAX_PENDING 24
#define MAX_LIST 64

static const char kcmd_path[] = "/etc/kernel/cmdline";
static const char grub_repair_dropin[] = "/etc/default/grub.d/igdkit-repair.cfg";

/* A host file as read and as the fixes leave it; the plan gets it only when the two differ. */
struct pending {
	char path[512];
	unsigned char *old;
	size_t oldlen;
	bool existed;
	char *cur;		/* NULL: missing and nothing written, or not to be edited (below) */
	bool initramfs;		/* a change here must reach the initramfs */
	bool untouchable;	/* a symbolic link on the way, or NUL bytes: never edited */
};

struct guest {
	unsigned vmid;
	char node[64];
	char kind[16];
	char *text;
	size_t len;
};

struct dx {
	const struct pve_target *t;
	const struct machine_facts *f;
	struct diagnosis *x;
	struct diag *d;
	struct pending pend[MAX_PENDING];
	size_t npend;
	struct guest *guests;
	size_t nguests;
	bool db_ok;		/* VM rows can be written through config.db (valid, or repaired in this plan) */
	char db_why[300];	/* why not */
	bool vfio_binds_igd;	/* vfio-pci takes 00:02.0 at boot (modprobe.d ids or vfio-pci.ids) */
	bool i915_blacklisted;
	char i915_where[300];
	unsigned char *pcimap;	/* /etc/pve/mapping/pci.cfg, NULL when there is none */
	size_t pcimap_len;
};

/* ---- findings --------------------------------------------------------- */

static struct finding *finding(struct dx *s, const char *id, bool automatic, const char *evidence, const char *fix,
			       const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static struct finding *finding(struct dx *s, const char *id, bool automatic, const char *evidence, const char *fix,
			       const char *fmt, ...)
{
	struct diagnosis *x = s->x;
	if (x->n >= DX_MAX_FINDINGS) {
		x->truncated = true;
		return NULL;
	}
	struct finding *f = &x->f[x->n++];
	memset(f, 0, sizeof(*f));
	snprintf(f->id, sizeof(f->id), "%s", id);
	snprintf(f->evidence, sizeof(f->evidence), "%s", evidence);
	snprintf(f->fix, sizeof(f->fix), "%s", fix);
	f->automatic = automatic;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
	x->nproblems++;
	return f;
}

/* ---- host files ------------------------------------------------------- */

/* The first component of abs (below the root) that is a symbolic link, into link[]. An absolute
 * link on the target resolves into the running system (the stick, or the host a --root sits
 * on): reading through it reads the wrong file, writing through it writes another disk. */
static bool path_has_link(const struct pve_target *t, const char *abs, char *link, size_t len)
{
	if (!strcmp(t->root, "/"))
		return false;	/* the running system itself: its links are its own */
	char part[INST_PATH];
	for (const char *sl = strchr(abs + 1, '/');; sl = strchr(sl + 1, '/')) {
		size_t n = sl ? (size_t)(sl - abs) : strlen(abs);
		char rel[INST_PATH];
		snprintf(rel, sizeof(rel), "%.*s", (int)n, abs);
		struct stat st;
		if (target_path(t, rel, part, sizeof(part)) == 0 && lstat(part, &st) == 0 && S_ISLNK(st.st_mode)) {
			snprintf(link, len, "%s", rel);
			return true;
		}
		if (!sl)
			return false;
	}
}

static struct pending *pend_get(struct dx *s, const char *path)
{
	for (size_t i = 0; i < s->npend; i++)
		if (strcmp(s->pend[i].path, path) == 0)
			return &s->pend[i];
	if (s->npend >= MAX_PENDING) {
		diag_err(s->d, DIAG_NO_OFFSET, "internal: more than %d files to repair", MAX_PENDING);
		return NULL;
	}
	struct pending *p = &s->pend[s->npend];
	memset(p, 0, sizeof(*p));
	snprintf(p->path, sizeof(p->path), "%s", path);
	char link[INST_PATH];
	if (path_has_link(s->t, path, link, sizeof(link))) {
		/* not read, not written: information for the user, not a problem found */
		char ev[400];
		snprintf(ev, sizeof(ev), "%.390s", link);
		struct finding *f = finding(s, "file-symlink", false, ev, "check that file by hand (or replace the link by the file)",
					    "%.300s is reached through a symbolic link on the target; igdkit neither reads nor edits "
					    "files through links (on the target they point into the running system)", path);
		if (f) {
			f->note = true;
			s->x->nproblems--;
		}
		p->untouchable = true;
		s->npend++;
		return p;
	}
	int ex = target_read(s->t, path, TEXT_MAX, &p->old, &p->oldlen, s->d);
	if (ex < 0)
		return NULL;
	p->existed = ex == 1;
	const unsigned char *nul = p->existed ? memchr(p->old, 0, p->oldlen) : NULL;
	if (nul) {
		/* A file with NUL bytes is damaged (typically by a power loss during a write): as text
		 * it would end at the first NUL, and writing that back would cut the rest off. */
		char ev[400];
		snprintf(ev, sizeof(ev), "%.300s: byte %zu of %zu is NUL", path, (size_t)(nul - p->old), p->oldlen);
		finding(s, "file-damaged", false, ev, "restore the file from a backup or rewrite it; igdkit does not edit it",
			"%.300s holds NUL bytes: it is damaged (typically by a power loss during a write), and the settings in it "
			"may not take effect", path);
		p->untouchable = true;
	} else if (p->existed && !(p->cur = strdup((char *)p->old)))
		return NULL;
	s->npend++;
	return p;
}

/* The pending text of path for an edit, when the file is there and (needle given) mentions
 * needle: 1 with *out set, 0 nothing to edit, -1 out of memory or too many files (d says). */
static int pend_editable(struct dx *s, const char *path, const char *needle, struct pending **out)
{
	unsigned char *probe;
	size_t pl;
	if (target_read(s->t, path, TEXT_MAX, &probe, &pl, NULL) != 1)
		return 0;
	bool any = !needle || strstr((char *)probe, needle) != NULL;
	free(probe);
	if (!any)
		return 0;
	struct pending *p = pend_get(s, path);
	if (!p)
		return -1;
	if (!p->cur)
		return 0;
	*out = p;
	return 1;
}

static size_t count_lines(const char *text)
{
	size_t n = 0;
	for (const char *c = text; *c; c++)
		n += *c == '\n';
	return n;
}

/* b becomes p's pending text (b is taken either way); -1 when b ran out of memory. */
static int pend_take(struct pending *p, struct strbuf *b)
{
	if (b->failed) {
		free(b->s);
		return -1;
	}
	free(p->cur);
	p->cur = b->s;
	return 0;
}

/* Replace line number ln (1-based) of p->cur by repl (without newline); repl NULL deletes it. */
static int pend_set_line(struct pending *p, size_t ln, const char *repl)
{
	struct strbuf b = { 0 };
	strbuf_addf(&b, "%s", "");
	const char *l = p->cur;
	for (size_t k = 1; l && *l; k++) {
		size_t n = strcspn(l, "\n");
		bool nl = l[n] == '\n';
		if (k == ln) {
			if (repl)
				strbuf_addf(&b, "%s%s", repl, nl ? "\n" : "");
		} else
			strbuf_addf(&b, "%.*s%s", (int)n, l, nl ? "\n" : "");
		l += n + (nl ? 1 : 0);
	}
	return pend_take(p, &b);
}

/* Line ln of text (1-based) into buf. false when it does not fit: such a line is left alone, as
 * rewriting a cut copy would drop its end. */
static bool line_of(const char *text, size_t ln, char *buf, size_t len)
{
	buf[0] = 0;
	const char *l = text;
	for (size_t k = 1; l && *l; k++) {
		size_t n = strcspn(l, "\n");
		if (k == ln) {
			snprintf(buf, len, "%.*s", (int)n, l);
			return n < len;
		}
		l += n + (l[n] ? 1 : 0);
	}
	return true;
}

/* Sorted *.conf / *.cfg names in a directory of the target. */
static size_t list_dir(const struct pve_target *t, const char *abs, const char *ext, char names[][256], size_t max)
{
	char dir[INST_PATH];
	if (target_path(t, abs, dir, sizeof(dir)) < 0)
		return 0;
	DIR *dd = opendir(dir);
	if (!dd)
		return 0;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dd)) && n < max) {
		size_t l = strlen(e->d_name), el = strlen(ext);
		if (e->d_name[0] == '.' || l <= el || strcmp(e->d_name + l - el, ext) != 0 || l >= 256)
			continue;
		snprintf(names[n++], 256, "%s", e->d_name);
	}
	closedir(dd);
	qsort(names, n, 256, (int (*)(const void *, const void *))strcmp);
	return n;
}

/* ---- kernel command line ------------------------------------------------ */

/* Words that matter for passthrough (moved to the file the layout reads when found elsewhere). */
static bool passthrough_word(const char *w)
{
	static const char *const pfx[] = { "intel_iommu=", "iommu=", "initcall_blacklist=", "video=", "vfio-pci.", "vfio_pci.",
					   "vfio_iommu_type1.", "pcie_acs_override=", "i915.", "modprobe.blacklist=",
					   "kvm.ignore_msrs=" };
	for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		if (strncmp(w, pfx[i], strlen(pfx[i])) == 0)
			return true;
	return false;
}

/* What a command-line word must become: "" to remove it, w itself to keep, or a shorter
 * intel_iommu= value without igfx_off. why receives the reason when it changes. */
static void judge_word(const struct dx *s, const char *w, char *out, size_t len, char *why, size_t wlen)
{
	snprintf(out, len, "%s", w);
	why[0] = 0;
	if (!strcmp(w, "intel_iommu=off") || !strcmp(w, "iommu=off")) {
		out[0] = 0;
		snprintf(why, wlen, "%s switches the IOMMU off: no IOMMU group, no passthrough", w);
	} else if (!strncmp(w, "intel_iommu=", 12) && strstr(w, "igfx_off")) {
		/* keep the other items (on, sm_on, ...) */
		char val[256], keep[256] = "";
		snprintf(val, sizeof(val), "%s", w + 12);
		for (char *sv1, *it = strtok_r(val, ",", &sv1); it; it = strtok_r(NULL, ",", &sv1))
			if (strcmp(it, "igfx_off") != 0)
				snprintf(keep + strlen(keep), sizeof(keep) - strlen(keep), "%s%s", *keep ? "," : "", it);
		if (*keep)
			snprintf(out, len, "intel_iommu=%s", keep);
		else
			out[0] = 0;
		snprintf(why, wlen, "igfx_off makes the IOMMU ignore the iGPU: 00:02.0 gets no IOMMU group");
	} else if (!strcmp(w, "nomodeset") && s->vfio_binds_igd) {
		out[0] = 0;
		snprintf(why, wlen, "nomodeset together with vfio-pci taking the iGPU leaves the host without any console");
	}
}

/* The first line of /etc/kernel/cmdline, word by word: bad words and repeats out. */
static int fix_kernel_cmdline_words(struct dx *s, const char *add_words, const char *add_from)
{
	struct pending *p = pend_get(s, kcmd_path);
	if (!p)
		return -1;
	if (!p->cur)
		return 0;
	size_t fl = strcspn(p->cur, "\n");
	char line[4096], tmp[4096];
	if (fl >= sizeof(line))
		return diag_err(s->d, DIAG_NO_OFFSET, "%s: first line longer than %zu bytes", kcmd_path, sizeof(line));
	snprintf(line, sizeof(line), "%.*s", (int)fl, p->cur);
	snprintf(tmp, sizeof(tmp), "%s", line);
	struct strbuf b = { 0 };
	strbuf_addf(&b, "%s", "");
	char seen[MAX_LIST][256];
	size_t nseen = 0;
	char ev[400];
	snprintf(ev, sizeof(ev), "%s:1: %.300s", kcmd_path, line);
	for (char *sv2, *w = strtok_r(tmp, " \t", &sv2); w; w = strtok_r(NULL, " \t", &sv2)) {
		char nw[256], why[200];
		judge_word(s, w, nw, sizeof(nw), why, sizeof(why));
		if (*why) {
			char fix[400];
			snprintf(fix, sizeof(fix), *nw ? "replace it by %s in %s (read by proxmox-boot-tool)" : "remove it from %s (read by proxmox-boot-tool)",
				 *nw ? nw : kcmd_path, kcmd_path);
			if (!*nw)
				snprintf(fix, sizeof(fix), "remove it from %s (read by proxmox-boot-tool)", kcmd_path);
			finding(s, "cmdline-bad-word", true, ev, fix, "kernel command line has %s: %s", w, why);
		}
		if (!*nw)
			continue;
		bool dup = false;
		for (size_t k = 0; k < nseen; k++)
			dup |= strcmp(seen[k], nw) == 0;
		if (dup) {
			finding(s, "cmdline-duplicate", true, ev, "keep the first, remove the repeat", "kernel command line has %s twice", nw);
			continue;
		}
		if (nseen < MAX_LIST)
			snprintf(seen[nseen++], sizeof(seen[0]), "%s", nw);
		strbuf_addf(&b, "%s%s", b.len ? " " : "", nw);
	}
	if (add_words && *add_words) {
		char aw[1024];
		snprintf(aw, sizeof(aw), "%s", add_words);
		for (char *sv3, *w = strtok_r(aw, " ", &sv3); w; w = strtok_r(NULL, " ", &sv3)) {
			char fix[400];
			snprintf(fix, sizeof(fix), "add it to %s, the file this proxmox-boot-tool/systemd-boot host reads (%s is left as it is)",
				 kcmd_path, add_from);
			finding(s, "cmdline-wrong-file", true, add_from, fix,
				"%s is only in the GRUB files, which this proxmox-boot-tool/systemd-boot host does not read", w);
			strbuf_addf(&b, " %s", w);
		}
	}
	strbuf_addf(&b, "%s", p->cur + fl);
	if (pend_take(p, &b) < 0)
		return diag_err(s->d, DIAG_NO_OFFSET, "out of memory");
	return 0;
}

/* The two variables GRUB puts on a Linux entry's command line (LINUX first, then DEFAULT). */
static const char *const grub_var[2] = { "GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT" };

/* The value of a GRUB_CMDLINE_LINUX(_DEFAULT)= line: start/end offsets of what is inside the
 * quotes (or the bare value), and which of the two variables it sets. false for other lines. */
static bool grub_cmdline_value(const char *line, size_t *vs, size_t *ve, int *var)
{
	const char *q = line;
	while (*q == ' ' || *q == '\t')
		q++;
	if (strncmp(q, "GRUB_CMDLINE_LINUX", 18) != 0)
		return false;
	const char *e = q + 18;
	*var = 0;
	if (!strncmp(e, "_DEFAULT", 8)) {
		e += 8;
		*var = 1;
	}
	if (*e != '=')
		return false;
	e++;
	char quote = (*e == '"' || *e == '\'') ? *e : 0;
	if (quote)
		e++;
	const char *end = quote ? strchr(e, quote) : e + strcspn(e, " \t#");
	if (!end)
		end = e + strlen(e);
	*vs = (size_t)(e - line);
	*ve = (size_t)(end - line);
	return true;
}

struct grub_files {
	char paths[MAX_LIST][300];
	size_t n;
};

static void grub_file_list(const struct pve_target *t, struct grub_files *g)
{
	static char names[MAX_LIST][256];
	g->n = 0;
	snprintf(g->paths[g->n++], sizeof(g->paths[0]), "/etc/default/grub");
	size_t n = list_dir(t, "/etc/default/grub.d", ".cfg", names, MAX_LIST - 1);
	for (size_t i = 0; i < n; i++)
		snprintf(g->paths[g->n++], sizeof(g->paths[0]), "/etc/default/grub.d/%.200s", names[i]);
}

/* Which variable a word of a GRUB value refers to ($GRUB_CMDLINE_LINUX or ${...}), -1 none. */
static int grub_var_ref(const char *w)
{
	for (int k = 1; k >= 0; k--) {
		char a[64], b[64];
		snprintf(a, sizeof(a), "$%s", grub_var[k]);
		snprintf(b, sizeof(b), "${%s}", grub_var[k]);
		if (!strcmp(w, a) || !strcmp(w, b))
			return k;
	}
	return -1;
}

/* Does a value keep what the variable held before (a reference to itself)? Without one, the line
 * replaces every earlier assignment: /etc/default/grub and its drop-ins are sourced in order. */
static bool grub_value_appends(const char *val, int var)
{
	char tmp[2048];
	snprintf(tmp, sizeof(tmp), "%s", val);
	for (char *sv, *w = strtok_r(tmp, " \t", &sv); w; w = strtok_r(NULL, " \t", &sv))
		if (grub_var_ref(w) == var)
			return true;
	return false;
}

/* The words GRUB puts on the command line: both variables as they are after every file is
 * sourced (a later assignment replaces an earlier one unless it refers to it). Read-only. */
static void grub_words(struct dx *s, char *out, size_t len)
{
	char val[2][2048] = { "", "" };
	out[0] = 0;
	struct grub_files g;
	grub_file_list(s->t, &g);
	for (size_t i = 0; i < g.n; i++) {
		unsigned char *text;
		size_t tl;
		if (target_read(s->t, g.paths[i], TEXT_MAX, &text, &tl, NULL) != 1)
			continue;
		for (const char *l = (char *)text; *l;) {
			size_t n = strcspn(l, "\n");
			char line[2048];
			snprintf(line, sizeof(line), "%.*s", (int)n, l);
			size_t vs, ve;
			int var;
			if (grub_cmdline_value(line, &vs, &ve, &var)) {
				line[ve] = 0;
				char nv[2048] = "";
				for (char *sv, *w = strtok_r(line + vs, " \t", &sv); w; w = strtok_r(NULL, " \t", &sv)) {
					int ref = grub_var_ref(w);
					const char *add = ref >= 0 ? val[ref] : w;
					if (*add)
						snprintf(nv + strlen(nv), sizeof(nv) - strlen(nv), "%s%s", *nv ? " " : "", add);
				}
				snprintf(val[var], sizeof(val[var]), "%s", nv);
			}
			l += n + (l[n] ? 1 : 0);
		}
		free(text);
	}
	snprintf(out, len, "%s%s%s", val[0], *val[0] && *val[1] ? " " : "", val[1]);
}

static bool has_word(const char *words, const char *w)
{
	return plan_has_word(words, w);
}

/* GRUB's files: bad words and repeats out of GRUB_CMDLINE_LINUX(_DEFAULT), line by line. */
static int fix_grub_words(struct dx *s)
{
	struct grub_files g;
	grub_file_list(s->t, &g);
	/* the words each variable holds so far: a repeat is a word already there (in either) */
	static char seen[2][MAX_LIST][256];
	size_t nseen[2] = { 0, 0 };
	for (size_t i = 0; i < g.n; i++) {
		struct pending *p;
		int e = pend_editable(s, g.paths[i], NULL, &p);
		if (e <= 0) {
			if (e < 0)
				return -1;
			continue;
		}
		size_t nlines = count_lines(p->cur);
		for (size_t ln = 1; ln <= nlines + 1; ln++) {
			char line[2048];
			size_t vs, ve;
			int var;
			if (!line_of(p->cur, ln, line, sizeof(line)) || !line[0] || !grub_cmdline_value(line, &vs, &ve, &var))
				continue;
			char val[2048];
			snprintf(val, sizeof(val), "%.*s", (int)(ve - vs), line + vs);
			if (!grub_value_appends(val, var))
				nseen[var] = 0;	/* this line replaces the variable: its words repeat nothing */
			struct strbuf nv = { 0 };
			strbuf_addf(&nv, "%s", "");
			bool changed = false;
			char ev[400];
			snprintf(ev, sizeof(ev), "%s:%zu: %.300s", g.paths[i], ln, line);
			for (char *sv4, *w = strtok_r(val, " \t", &sv4); w; w = strtok_r(NULL, " \t", &sv4)) {
				if (w[0] == '$') {	/* $GRUB_CMDLINE_LINUX_DEFAULT: the earlier value */
					strbuf_addf(&nv, "%s%s", nv.len ? " " : "", w);
					continue;
				}
				char nw[256], why[200];
				judge_word(s, w, nw, sizeof(nw), why, sizeof(why));
				if (*why) {
					char fix[400];
					if (*nw)
						snprintf(fix, sizeof(fix), "replace it by %s on that line (GRUB reads %s)", nw, g.paths[i]);
					else
						snprintf(fix, sizeof(fix), "remove it from that line (GRUB reads %s)", g.paths[i]);
					finding(s, "cmdline-bad-word", true, ev, fix, "kernel command line has %s: %s", w, why);
					changed = true;
				}
				if (!*nw)
					continue;
				bool dup = false;
				for (int v = 0; v < 2; v++)
					for (size_t k = 0; k < nseen[v]; k++)
						dup |= strcmp(seen[v][k], nw) == 0;
				if (dup) {
					finding(s, "cmdline-duplicate", true, ev, "remove the repeat (the first stays)",
						"kernel command line has %s twice", nw);
					changed = true;
					continue;
				}
				if (nseen[var] < MAX_LIST)
					snprintf(seen[var][nseen[var]++], sizeof(seen[0][0]), "%s", nw);
				strbuf_addf(&nv, "%s%s", nv.len ? " " : "", nw);
			}
			if (changed && !nv.failed) {
				char nl[4096];
				snprintf(nl, sizeof(nl), "%.*s%s%s", (int)vs, line, nv.s, line + ve);
				if (pend_set_line(p, ln, nl) < 0) {
					free(nv.s);
					return diag_err(s->d, DIAG_NO_OFFSET, "out of memory");
				}
			}
			free(nv.s);
		}
	}
	return 0;
}

static int check_cmdline(struct dx *s)
{
	const struct pve_target *t = s->t;
	bool reads_kcmd = t->boot == BOOT_PROXMOX_BOOT_TOOL && t->kernel_cmdline_present;
	if (reads_kcmd) {
		/* Words in the GRUB files this layout does not read: moved to /etc/kernel/cmdline. */
		char gw[4096], add[1024] = "", from[400] = "";
		grub_words(s, gw, sizeof(gw));
		char tmp[4096];
		snprintf(tmp, sizeof(tmp), "%s", gw);
		for (char *sv5, *w = strtok_r(tmp, " \t", &sv5); w; w = strtok_r(NULL, " \t", &sv5)) {
			char nw[256], why[200];
			judge_word(s, w, nw, sizeof(nw), why, sizeof(why));
			if (!passthrough_word(w) || *why || has_word(t->kernel_cmdline, w) || has_word(add, w))
				continue;
			snprintf(add + strlen(add), sizeof(add) - strlen(add), "%s%s", *add ? " " : "", w);
		}
		if (*add)
			snprintf(from, sizeof(from), "GRUB_CMDLINE_LINUX(_DEFAULT) in /etc/default/grub(.d): %.300s", add);
		if (fix_kernel_cmdline_words(s, add, from) < 0)
			return -1;
		return 0;
	}
	if (fix_grub_words(s) < 0)
		return -1;
	/* Words only in /etc/kernel/cmdline, which a GRUB host does not read: a GRUB drop-in. */
	if (t->kernel_cmdline_present) {
		char gw[4096], add[1024] = "", tmp[2048];
		grub_words(s, gw, sizeof(gw));
		snprintf(tmp, sizeof(tmp), "%s", t->kernel_cmdline);
		for (char *sv6, *w = strtok_r(tmp, " \t", &sv6); w; w = strtok_r(NULL, " \t", &sv6)) {
			char nw[256], why[200];
			judge_word(s, w, nw, sizeof(nw), why, sizeof(why));
			if (!passthrough_word(w) || *why || has_word(gw, w) || has_word(add, w))
				continue;
			snprintf(add + strlen(add), sizeof(add) - strlen(add), "%s%s", *add ? " " : "", w);
		}
		if (*add) {
			struct pending *p = pend_get(s, grub_repair_dropin);
			if (!p)
				return -1;
			char ev[400], fix[400];
			snprintf(ev, sizeof(ev), "%s:1: %.300s", kcmd_path, t->kernel_cmdline);
			if (p->untouchable)
				snprintf(fix, sizeof(fix), "add them to GRUB by hand (%s cannot be written, see above)", grub_repair_dropin);
			else
				snprintf(fix, sizeof(fix), "add them to GRUB in %s (%s is left as it is)", grub_repair_dropin, kcmd_path);
			finding(s, "cmdline-wrong-file", !p->untouchable, ev, fix, "%s only in %s, which this GRUB host does not read", add,
				kcmd_path);
			if (p->untouchable)
				return 0;
			struct strbuf b = { 0 };
			strbuf_addf(&b, "# Written by igdkit repair: kernel command-line words found only in %s,\n", kcmd_path);
			strbuf_addf(&b, "# which GRUB does not read. To take it back: igdkit install --undo, or delete this file and run update-grub.\n");
			strbuf_addf(&b, "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT %s\"\n", add);
			if (pend_take(p, &b) < 0)
				return diag_err(s->d, DIAG_NO_OFFSET, "out of memory");
		}
	}
	return 0;
}

/* ---- modules and vfio options -------------------------------------------- */

static bool all_kernels_at_least(const struct pve_target *t, int maj, int min)
{
	if (!t->nkernels)
		return false;
	for (size_t i = 0; i < t->nkernels; i++)
		if (t->kernels[i].major < maj || (t->kernels[i].major == maj && t->kernels[i].minor < min))
			return false;
	return true;
}

static bool is_options_vfio(const char *l, size_t *after)
{
	const char *q = l;
	while (*q == ' ' || *q == '\t')
		q++;
	if (strncmp(q, "options", 7) != 0 || (q[7] != ' ' && q[7] != '\t'))
		return false;
	q += 7;
	while (*q == ' ' || *q == '\t')
		q++;
	if (strncmp(q, "vfio-pci", 8) != 0 && strncmp(q, "vfio_pci", 8) != 0)
		return false;
	if (q[8] != ' ' && q[8] != '\t' && q[8])
		return false;
	*after = (size_t)(q + 8 - l);
	return true;
}

/* First pass over modprobe.d: does vfio-pci take the iGPU, is i915 blacklisted (for the
 * cmdline and LXC findings). */
static void scan_modprobe(struct dx *s)
{
	static char names[MAX_LIST][256];
	size_t n = list_dir(s->t, "/etc/modprobe.d", ".conf", names, MAX_LIST);
	char id[16];
	snprintf(id, sizeof(id), "8086:%04x", s->f->igd_device_id);
	for (size_t i = 0; i < n; i++) {
		char abs[300];
		snprintf(abs, sizeof(abs), "/etc/modprobe.d/%s", names[i]);
		unsigned char *text;
		size_t tl;
		if (target_read(s->t, abs, TEXT_MAX, &text, &tl, NULL) != 1)
			continue;
		size_t ln = 1;
		for (char *l = (char *)text; *l; ln++) {
			size_t len = strcspn(l, "\n");
			char line[1024];
			snprintf(line, sizeof(line), "%.*s", (int)len, l);
			size_t at;
			if (s->f->igd_present && is_options_vfio(line, &at) && strstr(line + at, id))
				s->vfio_binds_igd = true;
			char w1[32], w2[32];
			if (sscanf(line, "%31s %31s", w1, w2) == 2 && !strcmp(w1, "blacklist") && !strcmp(w2, "i915")) {
				s->i915_blacklisted = true;
				snprintf(s->i915_where, sizeof(s->i915_where), "%.200s:%zu: %.70s", abs, ln, line);
			}
			l += len + (l[len] ? 1 : 0);
		}
		free(text);
	}
	/* the command line the boot layout reads: vfio-pci.ids= and modprobe.blacklist= word by word */
	bool kcmd = s->t->boot == BOOT_PROXMOX_BOOT_TOOL && s->t->kernel_cmdline_present;
	char words[4096];
	if (kcmd)
		snprintf(words, sizeof(words), "%s", s->t->kernel_cmdline);
	else
		grub_words(s, words, sizeof(words));
	for (char *sv, *w = strtok_r(words, " \t", &sv); w; w = strtok_r(NULL, " \t", &sv)) {
		const char *list = NULL;
		bool ids = false;
		if (!strncmp(w, "vfio-pci.ids=", 13) || !strncmp(w, "vfio_pci.ids=", 13)) {
			list = w + 13;
			ids = true;
		} else if (!strncmp(w, "modprobe.blacklist=", 19))
			list = w + 19;
		if (!list)
			continue;
		char items[512];
		snprintf(items, sizeof(items), "%s", list);
		for (char *sv2, *it = strtok_r(items, ",", &sv2); it; it = strtok_r(NULL, ",", &sv2)) {
			if (ids && s->f->igd_present && !strcasecmp(it, id))
				s->vfio_binds_igd = true;
			if (!ids && !strcmp(it, "i915") && !s->i915_blacklisted) {
				s->i915_blacklisted = true;
				snprintf(s->i915_where, sizeof(s->i915_where), "kernel command line: %.200s", w);
			}
		}
	}
}

static int check_vfio_options(struct dx *s)
{
	static char names[MAX_LIST][256];
	size_t n = list_dir(s->t, "/etc/modprobe.d", ".conf", names, MAX_LIST);
	uint16_t igd = s->f->igd_present ? s->f->igd_device_id : 0;
	for (size_t i = 0; i < n; i++) {
		char abs[300];
		snprintf(abs, sizeof(abs), "/etc/modprobe.d/%s", names[i]);
		struct pending *p;
		int k = pend_editable(s, abs, "vfio", &p);
		if (k <= 0) {
			if (k < 0)
				return -1;
			continue;
		}
		p->initramfs = true;
		size_t nlines = count_lines(p->cur);
		for (size_t ln = nlines + 1; ln >= 1; ln--) {	/* from the end: deleting keeps earlier numbers */
			char line[1024];
			size_t at;
			if (!line_of(p->cur, ln, line, sizeof(line)) || !is_options_vfio(line, &at))
				continue;
			char ev[400];
			snprintf(ev, sizeof(ev), "%.200s:%zu: %.170s", abs, ln, line);
			struct strbuf b = { 0 };
			strbuf_addf(&b, "%.*s", (int)at, line);
			bool changed = false, kept_any = false;
			char rest[1024];
			snprintf(rest, sizeof(rest), "%s", line + at);
			for (char *sv7, *w = strtok_r(rest, " \t", &sv7); w; w = strtok_r(NULL, " \t", &sv7)) {
				if (!strcmp(w, "disable_vga=1")) {
					finding(s, "vfio-disable-vga", true, ev, "remove disable_vga=1 from that line",
						"vfio-pci has disable_vga=1: QEMU gets no VGA region and legacy IGD mode is off (black screen / Code 43)");
					changed = true;
					continue;
				}
				if (!strncmp(w, "ids=", 4) && igd) {
					char ids[512], out[512] = "", mine[16];
					snprintf(ids, sizeof(ids), "%s", w + 4);
					snprintf(mine, sizeof(mine), "8086:%04x", igd);
					bool has_mine = strstr(w, mine) != NULL, idchanged = false;
					for (char *sv8, *it = strtok_r(ids, ",", &sv8); it; it = strtok_r(NULL, ",", &sv8)) {
						unsigned ven = 0, dev = 0;
						char tail;
						if (sscanf(it, "%x:%x%c", &ven, &dev, &tail) == 2 && ven == 0x8086 && dev != igd &&
						    igd_id_lookup((uint16_t)dev)) {
							char fix[400];
							snprintf(fix, sizeof(fix), has_mine ? "remove %s from ids=" : "replace %s by %s (this machine's iGPU)",
								 it, mine);
							finding(s, "vfio-wrong-id", true, ev, fix,
								"vfio-pci ids= names %s, an Intel iGPU this machine does not have (its iGPU is %s)", it, mine);
							idchanged = true;
							if (!has_mine) {
								snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", *out ? "," : "", mine);
								has_mine = true;
							}
							continue;
						}
						snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s", *out ? "," : "", it);
					}
					if (idchanged) {
						changed = true;
						if (*out) {
							strbuf_addf(&b, " ids=%s", out);
							kept_any = true;
						}
						continue;
					}
				}
				strbuf_addf(&b, " %s", w);
				kept_any = true;
			}
			if (changed && !b.failed && pend_set_line(p, ln, kept_any ? b.s : NULL) < 0) {
				free(b.s);
				return diag_err(s->d, DIAG_NO_OFFSET, "out of memory");
			}
			free(b.s);
		}
	}
	return 0;
}

static int check_virqfd(struct dx *s)
{
	if (!all_kernels_at_least(s->t, 6, 2))
		return 0;
	static char names[MAX_LIST][256];
	char paths[MAX_LIST + 2][300];
	size_t np = 0;
	snprintf(paths[np++], sizeof(paths[0]), "/etc/modules");
	snprintf(paths[np++], sizeof(paths[0]), "/etc/initramfs-tools/modules");
	size_t n = list_dir(s->t, "/etc/modules-load.d", ".conf", names, MAX_LIST);
	for (size_t i = 0; i < n; i++)
		snprintf(paths[np++], sizeof(paths[0]), "/etc/modules-load.d/%.200s", names[i]);
	for (size_t i = 0; i < np; i++) {
		struct pending *p;
		int k = pend_editable(s, paths[i], "vfio_virqfd", &p);
		if (k <= 0) {
			if (k < 0)
				return -1;
			continue;
		}
		p->initramfs = true;
		size_t nlines = count_lines(p->cur);
		for (size_t ln = nlines + 1; ln >= 1; ln--) {
			char line[512], w[64] = "";
			if (!line_of(p->cur, ln, line, sizeof(line)) || sscanf(line, "%63s", w) != 1 || strcmp(w, "vfio_virqfd") != 0)
				continue;
			char ev[400];
			snprintf(ev, sizeof(ev), "%.200s:%zu: %.170s", paths[i], ln, line);
			finding(s, "modules-virqfd", true, ev, "remove the line",
				"vfio_virqfd is listed, but every installed kernel is 6.2 or newer, where it is part of vfio "
				"(\"Failed to find module\" at every boot)");
			if (pend_set_line(p, ln, NULL) < 0)
				return diag_err(s->d, DIAG_NO_OFFSET, "out of memory");
		}
	}
	return 0;
}

/* An initramfs older than a vfio/i915 file it copies (modprobe.d, modules): vfio-pci may not
 * take the iGPU early, i915 grabs it. */
static void check_initramfs(struct dx *s, bool *rebuild)
{
	static char names[MAX_LIST][256];
	char paths[3 * MAX_LIST + 2][300];
	size_t np = 0;
	snprintf(paths[np++], sizeof(paths[0]), "/etc/modules");
	snprintf(paths[np++], sizeof(paths[0]), "/etc/initramfs-tools/modules");
	static const char *const dirs[] = { "/etc/modprobe.d", "/etc/modules-load.d" };
	for (int k = 0; k < 2; k++) {
		size_t n = list_dir(s->t, dirs[k], ".conf", names, MAX_LIST);
		for (size_t i = 0; i < n; i++)
			snprintf(paths[np++], sizeof(paths[0]), "%s/%.200s", dirs[k], names[i]);
	}
	time_t newest = 0;
	char newest_path[300] = "";
	for (size_t i = 0; i < np; i++) {
		unsigned char *text;
		size_t tl;
		char full[INST_PATH];
		struct stat st;
		if (target_path(s->t, paths[i], full, sizeof(full)) < 0 || stat(full, &st) < 0)
			continue;
		if (target_read(s->t, paths[i], TEXT_MAX, &text, &tl, NULL) != 1)
			continue;
		bool rel = strstr((char *)text, "vfio") || strstr((char *)text, "i915");
		free(text);
		if (rel && st.st_mtime > newest) {
			newest = st.st_mtime;
			snprintf(newest_path, sizeof(newest_path), "%.299s", paths[i]);
		}
	}
	if (!newest)
		return;
	char stale[600] = "";
	for (size_t i = 0; i < s->t->nkernels; i++) {
		char abs[128], full[INST_PATH];
		struct stat st;
		snprintf(abs, sizeof(abs), "/boot/initrd.img-%s", s->t->kernels[i].release);
		if (target_path(s->t, abs, full, sizeof(full)) < 0 || stat(full, &st) < 0)
			continue;
		if (st.st_mtime < newest)
			snprintf(stale + strlen(stale), sizeof(stale) - strlen(stale), "%s%s", *stale ? ", " : "", abs);
	}
	if (!*stale)
		return;
	char ev[400];
	snprintf(ev, sizeof(ev), "%.200s is newer than %.180s", newest_path, stale);
	finding(s, "initramfs-stale", true, ev, "rebuild: update-initramfs -u -k all in the target (chroot)",
		"the initramfs was built before the vfio/i915 settings it should carry: vfio-pci may not take the iGPU before i915");
	*rebuild = true;
}

/* ---- guests -------------------------------------------------------------- */

/* PVE 8's PCI resource mappings: a VM may name the iGPU as hostpciN: mapping=ID. */
static void load_pcimap(struct dx *s, const struct configdb *c)
{
	const struct cdb_row *r = configdb_lookup(c, "mapping/pci.cfg");
	if (!r || r->type != CDB_DT_REG || !r->data || !(s->pcimap = malloc(r->len + 1)))
		return;
	memcpy(s->pcimap, r->data, r->len);
	s->pcimap[r->len] = 0;
	s->pcimap_len = r->len;
}

static int load_guests(struct dx *s, const struct configdb *c)
{
	load_pcimap(s, c);
	struct cdb_guest *g;
	int n = configdb_guests(c, &g, s->d);
	if (n < 0)
		return -1;
	s->guests = calloc((size_t)n + 1, sizeof(*s->guests));
	if (!s->guests) {
		free(g);
		return diag_err(s->d, DIAG_NO_OFFSET, "out of memory");
	}
	for (int i = 0; i < n; i++) {
		struct guest *q = &s->guests[s->nguests];
		q->vmid = g[i].vmid;
		snprintf(q->node, sizeof(q->node), "%s", g[i].node);
		snprintf(q->kind, sizeof(q->kind), "%s", g[i].kind);
		q->len = g[i].row->data ? g[i].row->len : 0;
		q->text = malloc(q->len + 1);
		if (!q->text)
			break;
		if (q->len)
			memcpy(q->text, g[i].row->data, q->len);
		q->text[q->len] = 0;
		s->nguests++;
	}
	free(g);
	return 0;
}

/* A live host: the guests are files under /etc/pve. */
static int load_guests_live(struct dx *s)
{
	if (target_read_pve(s->t, "mapping/pci.cfg", TEXT_MAX, &s->pcimap, &s->pcimap_len, NULL) != 1) {
		free(s->pcimap);
		s->pcimap = NULL;
	}
	s->guests = calloc(s->t->nguests + 1, sizeof(*s->guests));
	if (!s->guests)
		return diag_err(s->d, DIAG_NO_OFFSET, "out of memory");
	for (size_t i = 0; i < s->t->nguests; i++) {
		const struct pve_guest *pg = &s->t->guests[i];
		char abs[256];
		snprintf(abs, sizeof(abs), "/etc/pve/nodes/%s/%s/%u.conf", pg->node, pg->kind, pg->vmid);
		unsigned char *text;
		size_t tl;
		if (target_read(s->t, abs, TEXT_MAX, &text, &tl, s->d) != 1)
			continue;
		struct guest *q = &s->guests[s->nguests++];
		q->vmid = pg->vmid;
		snprintf(q->node, sizeof(q->node), "%s", pg->node);
		snprintf(q->kind, sizeof(q->kind), "%s", pg->kind);
		q->text = (char *)text;
		q->len = tl;
	}
	return 0;
}

/* 1-based line of "key:" in a VM text (for the evidence), 0 when absent. */
static size_t key_line(const char *text, const char *key)
{
	size_t kl = strlen(key), ln = 1;
	for (const char *l = text; *l; ln++) {
		if (*l == '[')
			return 0;
		if (!strncmp(l, key, kl) && l[kl] == ':')
			return ln;
		l += strcspn(l, "\n");
		if (*l)
			l++;
	}
	return 0;
}

static void vm_evidence(const struct dx *s, const struct guest *g, const char *key, char *buf, size_t len)
{
	char line[300] = "";
	size_t ln = key_line(g->text, key);
	if (ln)
		line_of(g->text, ln, line, sizeof(line));
	if (s->t->etc_pve_mounted)
		snprintf(buf, len, "/etc/pve/nodes/%s/qemu-server/%u.conf:%zu: %.250s", g->node, g->vmid, ln, ln ? line : "(no such line)");
	else
		snprintf(buf, len, "%s nodes/%s/qemu-server/%u.conf:%zu: %.250s", INST_CONFIGDB, g->node, g->vmid, ln,
			 ln ? line : "(no such line)");
}

/* hostpciN whose host address is 00:02.0 (or the whole slot 00:02), directly or through a
 * mapping that maps it on the guest's node; -1 none. */
static int igd_slot(const struct dx *s, const struct guest *g, const struct vmconf *vc)
{
	for (int i = 0; i < 16; i++) {
		char k[16];
		snprintf(k, sizeof(k), "hostpci%d", i);
		if (pcimap_hostpci_kind(vmconf_get(vc, k), (const char *)s->pcimap, s->pcimap_len, g->node) ==
		    VMCONF_HOSTPCI_IGD)
			return i;
	}
	return -1;
}

/* Does property prop of the IGD's vfio-pci device exist in this QEMU (qemu-igd.md)? */
static bool qemu_knows(const struct pve_target *t, const char *prop)
{
	if (!strcmp(prop, "x-igd-legacy-mode") || !strcmp(prop, "x-igd-lpc"))
		return t->qemu_major >= 10;
	return true;
}

static void quote_word(struct strbuf *b, const char *w)
{
	bool plain = *w && strcspn(w, " \t'\"\\$`") == strlen(w);
	strbuf_addf(b, plain ? "%s%s" : "%s'%s'", b->len ? " " : "", w);
}

/* args: -set device.hostpciN.PROP=V pairs QEMU rejects on this pve-qemu-kvm go; the rest stays. */
static int fix_args(struct dx *s, const struct guest *g, struct vmconf *vc, bool automatic, bool *changed)
{
	const char *old = vmconf_get(vc, "args");
	if (!old || !strstr(old, "device.hostpci") || s->t->qemu_major <= 0)
		return 0;
	char **w = NULL;
	const char *err = NULL;
	int n = shsplit(old, &w, &err);
	char ev[400];
	vm_evidence(s, g, "args", ev, sizeof(ev));
	if (n < 0) {
		finding(s, "vm-args-unparsable", false, ev, "fix the quoting of args: by hand (qm set --args)",
			"VM %u: args: cannot be split as qemu-server does (%s)", g->vmid, err ? err : "?");
		return 0;
	}
	struct strbuf b = { 0 };
	strbuf_addf(&b, "%s", "");
	bool any = false;
	int qmaj = s->t->qemu_major, qmin = s->t->qemu_minor;
	bool new_qemu = qmaj > 9 || (qmaj == 9 && qmin >= 2);
	for (int i = 0; i < n; i++) {
		unsigned slot;
		int off = 0;
		if (!strcmp(w[i], "-set") && i + 1 < n && sscanf(w[i + 1], "device.hostpci%u.%n", &slot, &off) == 1 && off > 0) {
			const char *prop = w[i + 1] + off;
			char key[24], pname[64];
			snprintf(key, sizeof(key), "hostpci%u", slot);
			snprintf(pname, sizeof(pname), "%.*s", (int)strcspn(prop, "="), prop);
			const char *val = strchr(prop, '=') ? strchr(prop, '=') + 1 : "";
			const char *why = NULL;
			char whyb[300];
			if (!vmconf_get(vc, key)) {
				snprintf(whyb, sizeof(whyb), "-set %s names %s, which this VM does not have: QEMU refuses to start", w[i + 1], key);
				why = whyb;
			} else if (!strcmp(pname, "x-igd-gms")) {
				unsigned long gms = strtoul(val, NULL, 0);
				if (new_qemu) {
					snprintf(whyb, sizeof(whyb), "x-igd-gms on pve-qemu-kvm %s: QEMU 9.2+ uses the host's stolen memory size, "
						 "and 10.x refuses values it does not accept (the VM no longer starts)", s->t->qemu_pkg);
					why = whyb;
				} else if (gms < 1 || gms > 0x10) {
					snprintf(whyb, sizeof(whyb), "x-igd-gms=%s is outside 1..0x10, which QEMU %d.%d accepts", val, qmaj, qmin);
					why = whyb;
				}
			} else if (!qemu_knows(s->t, pname)) {
				snprintf(whyb, sizeof(whyb), "%s is unknown to pve-qemu-kvm %s (added in QEMU 10.0): QEMU refuses to start",
					 pname, s->t->qemu_pkg);
				why = whyb;
			}
			if (why) {
				char fix[400];
				snprintf(fix, sizeof(fix), "remove '-set %.200s' from args:, keep the other args", w[i + 1]);
				if (!strcmp(pname, "x-igd-gms") && !new_qemu && s->f->gms_value >= 1 && s->f->gms_value <= 0x10 &&
				    vmconf_get(vc, key)) {
					char nv[96];
					snprintf(nv, sizeof(nv), "device.%s.x-igd-gms=0x%x", key, (unsigned)s->f->gms_value);
					snprintf(fix, sizeof(fix), "set it to the host's value: -set %s", nv);
					finding(s, "vm-args", automatic, ev, fix, "VM %u: %s", g->vmid, why);
					quote_word(&b, "-set");
					quote_word(&b, nv);
				} else
					finding(s, "vm-args", automatic, ev, fix, "VM %u: %s", g->vmid, why);
				any = true;
				i++;
				continue;
			}
		}
		quote_word(&b, w[i]);
	}
	shsplit_free(w);
	if (any && automatic && !b.failed) {
		if (b.len)
			vmconf_set(vc, "args", b.s);
		else
			vmconf_delete(vc, "args");
		*changed = true;
	}
	free(b.s);
	return 0;
}

/* The hostpci line: misspelt options make qemu-server drop the whole line. */
static void fix_hostpci(struct dx *s, const struct guest *g, struct vmconf *vc, int slot, bool automatic, bool *changed,
			bool *legacy)
{
	char key[24];
	snprintf(key, sizeof(key), "hostpci%d", slot);
	const char *v = vmconf_get(vc, key);
	char ev[400];
	vm_evidence(s, g, key, ev, sizeof(ev));
	char buf[512];
	if (strlen(v) >= sizeof(buf))
		return;	/* longer than any real hostpci line: left alone rather than rewritten cut */
	snprintf(buf, sizeof(buf), "%s", v);
	struct strbuf b = { 0 };
	strbuf_addf(&b, "%s", "");
	bool fixed = false;
	int k = 0;
	char *sv9;
	for (char *it = strtok_r(buf, ",", &sv9); it; it = strtok_r(NULL, ",", &sv9), k++) {
		char out[300];
		snprintf(out, sizeof(out), "%s", it);
		if (k > 0) {
			static const char *const wrong[][2] = { { "legacy_igd=", "legacy-igd=" }, { "rom_file=", "romfile=" },
								 { "rom-file=", "romfile=" }, { "x_vga=", "x-vga=" } };
			for (size_t m = 0; m < sizeof(wrong) / sizeof(wrong[0]); m++)
				if (!strncmp(it, wrong[m][0], strlen(wrong[m][0]))) {
					snprintf(out, sizeof(out), "%s%s", wrong[m][1], it + strlen(wrong[m][0]));
					char fix[400];
					snprintf(fix, sizeof(fix), "write %s", out);
					finding(s, "vm-hostpci-option", automatic, ev, fix,
						"VM %u: %s is not a qemu-server option: the whole %s line is dropped and the VM starts without the iGPU",
						g->vmid, it, key);
					fixed = true;
				}
			if (!strncmp(out, "romfile=/usr/share/kvm/", 23)) {
				char nw[300];
				snprintf(nw, sizeof(nw), "romfile=%s", out + 23);
				char fix[400];
				snprintf(fix, sizeof(fix), "write %s (qemu-server looks in /usr/share/kvm itself)", nw);
				finding(s, "vm-hostpci-option", automatic, ev, fix,
					"VM %u: %s is a path: qemu-server makes it /usr/share/kvm//usr/share/kvm/..., which does not exist",
					g->vmid, out);
				snprintf(out, sizeof(out), "%s", nw);
				fixed = true;
			}
			if (!strcmp(out, "legacy-igd=1"))
				*legacy = true;
		}
		strbuf_addf(&b, "%s%s", k ? "," : "", out);
	}
	if (fixed && automatic && !b.failed) {
		vmconf_set(vc, key, b.s);
		*changed = true;
	}
	/* romfile= must be in the target's /usr/share/kvm (only checked for a bare name) */
	const char *rf = strstr(b.s ? b.s : "", "romfile=");
	if (rf) {
		char name[200], abs[260];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(rf + 8, ","), rf + 8);
		snprintf(abs, sizeof(abs), "/usr/share/kvm/%s", name);
		char full[INST_PATH];
		struct stat st;
		if (!strchr(name, '/') && target_path(s->t, abs, full, sizeof(full)) == 0 && stat(full, &st) < 0) {
			char fix[400];
			snprintf(fix, sizeof(fix), "make the ROM on the stick: igdkit rom make IMAGE --device 8086:%04x, then "
				 "igdkit install --vmid %u --rom FILE (copies it to %s)", s->f->igd_device_id, g->vmid, abs);
			finding(s, "vm-romfile-missing", false, ev, fix, "VM %u: romfile %s is missing from /usr/share/kvm: QEMU refuses to start",
				g->vmid, name);
		}
	}
	free(b.s);
}

/* Without an iGPU in the facts (another machine, a dump without one) nothing says it is the
 * boot display: the VM keeps starting at boot. */
static bool igd_is_boot_display(const struct machine_facts *f)
{
	return f->igd_present && (f->boot_vga == TRI_YES || (f->boot_vga == TRI_UNKNOWN && !f->dgpu_present));
}

/* The qm set that makes old into new for the keys repair touches (cluster members). */
static void qm_set_of(unsigned vmid, const struct vmconf *a, const struct vmconf *b, char *out, size_t len)
{
	struct strbuf q = { 0 };
	strbuf_addf(&q, "/usr/sbin/qm set %u", vmid);
	static const char *const keys[] = { "onboot", "machine", "vga", "args", "hostpci0", "hostpci1", "hostpci2", "hostpci3",
					    "hostpci4", "hostpci5", "hostpci6", "hostpci7", "hostpci8", "hostpci9", "hostpci10",
					    "hostpci11", "hostpci12", "hostpci13", "hostpci14", "hostpci15" };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *x = vmconf_get(a, keys[i]), *y = vmconf_get(b, keys[i]);
		if (y && (!x || strcmp(x, y) != 0))
			strbuf_addf(&q, " --%s \"%s\"", keys[i], y);
		else if (!y && x)
			strbuf_addf(&q, " --delete %s", keys[i]);
	}
	snprintf(out, len, "%s", q.s && !q.failed ? q.s : "");
	free(q.s);
}

static int check_vm(struct dx *s, const struct guest *g)
{
	struct vmconf vc, orig;
	if (vmconf_parse(&vc, g->text, g->len, s->d) < 0 || vmconf_parse(&orig, g->text, g->len, s->d) < 0)
		return -1;
	bool locked = vmconf_get(&vc, "lock") != NULL;
	bool automatic = s->db_ok && !locked;
	bool changed = false, legacy = false;
	int slot = igd_slot(s, g, &vc);
	char ev[400];
	if (slot >= 0) {
		fix_hostpci(s, g, &vc, slot, automatic, &changed, &legacy);
		const char *onboot = vmconf_get(&vc, "onboot");
		if (onboot && !strcmp(onboot, "1") && igd_is_boot_display(s->f)) {
			vm_evidence(s, g, "onboot", ev, sizeof(ev));
			char fix[400];
			snprintf(fix, sizeof(fix), "write onboot: 0; once the host is reachable over the network and the VM works, "
				 "turn it back on with: qm set %u --onboot 1", g->vmid);
			finding(s, "vm-onboot", automatic, ev, fix,
				"VM %u holds the iGPU, which is this host's boot display, and starts at boot: the console goes dark "
				"and the host looks hung", g->vmid);
			if (automatic) {
				vmconf_set(&vc, "onboot", "0");
				changed = true;
			}
		}
		if (legacy) {
			const char *machine = vmconf_get(&vc, "machine");
			if (machine && strstr(machine, "q35")) {
				struct plan_opts po;
				install_plan_opts(s->t, &po);
				struct igd_plan *ip = calloc(1, sizeof(*ip));
				if (!ip)
					return diag_err(s->d, DIAG_NO_OFFSET, "out of memory");
				plan_compute(s->f, &po, ip);
				char want[64];
				snprintf(want, sizeof(want), "%s", strstr(ip->vm_machine, "X.Y") || !ip->vm_machine[0] ? "pc" : ip->vm_machine);
				free(ip);
				vm_evidence(s, g, "machine", ev, sizeof(ev));
				char fix[400];
				snprintf(fix, sizeof(fix), "write machine: %s (i440fx, as legacy-igd needs)", want);
				finding(s, "vm-legacy-q35", automatic, ev, fix,
					"VM %u: legacy-igd=1 with machine %s: qemu-server refuses legacy IGD on q35, the VM does not start",
					g->vmid, machine);
				if (automatic) {
					vmconf_set(&vc, "machine", want);
					changed = true;
				}
			}
			const char *vga = vmconf_get(&vc, "vga");
			if (!vga || strcmp(vga, "none") != 0) {
				char hk[24];
				snprintf(hk, sizeof(hk), "hostpci%d", slot);
				vm_evidence(s, g, vga ? "vga" : hk, ev, sizeof(ev));
				finding(s, "vm-legacy-vga", automatic, ev, "write vga: none",
					"VM %u: legacy-igd=1 without vga: none (it is %s): qemu-server refuses to start the VM", g->vmid,
					vga ? vga : "not set");
				if (automatic) {
					vmconf_set(&vc, "vga", "none");
					changed = true;
				}
			}
		}
	}
	if (fix_args(s, g, &vc, automatic, &changed) < 0)
		return -1;
	int rc = 0;
	if (changed) {
		size_t nl;
		char *nt = vmconf_format(&vc, &nl);
		char label[400];
		struct install_plan *p = &s->x->plan;
		if (!nt)
			rc = diag_err(s->d, DIAG_NO_OFFSET, "out of memory");
		else if (s->x->clustered) {
			qm_set_of(g->vmid, &orig, &vc, p->qm_set, sizeof(p->qm_set));
			rc = install_stage_vm(s->t, p, g->vmid, s->d) < 0 ? -1 : 0;
		} else if (s->t->etc_pve_mounted) {
			char path[256];
			snprintf(path, sizeof(path), "/etc/pve/nodes/%s/qemu-server/%u.conf", g->node, g->vmid);
			snprintf(label, sizeof(label), "VM %u config (%s, through pmxcfs)", g->vmid, path);
			rc = install_plan_add(p, CH_FILE, path, label, (unsigned char *)g->text, g->len, true, nt, nl, 0, s->d) < 0 ? -1 : 0;
		} else if (install_plan_add_vm_row(p, g->vmid, g->node, (unsigned char *)g->text, g->len, true, nt, nl, s->d) < 0) {
			rc = -1;
		}
		free(nt);
	}
	if (locked && !changed) {
		for (size_t i = 0; i < s->x->n; i++)
			if (!s->x->f[i].automatic && strstr(s->x->f[i].what, "VM ") && !strstr(s->x->f[i].fix, "locked")) {
				char vmtag[32];
				snprintf(vmtag, sizeof(vmtag), "VM %u:", g->vmid);
				if (!strncmp(s->x->f[i].what, vmtag, strlen(vmtag)) || strstr(s->x->f[i].what, vmtag))
					snprintf(s->x->f[i].fix + strlen(s->x->f[i].fix), sizeof(s->x->f[i].fix) - strlen(s->x->f[i].fix),
						 " (not written: VM %u is locked)", g->vmid);
			}
	}
	vmconf_free(&vc);
	vmconf_free(&orig);
	return rc;
}

static void check_lxc_dri(struct dx *s)
{
	if (!s->i915_blacklisted)
		return;
	for (size_t i = 0; i < s->nguests; i++) {
		const struct guest *g = &s->guests[i];
		if (strcmp(g->kind, "lxc") != 0 || (!strstr(g->text, "/dev/dri") && !strstr(g->text, "c 226:")))
			continue;
		char fix[400];
		snprintf(fix, sizeof(fix), "choose: pass the iGPU to a VM (container %u loses /dev/dri) or give it to containers "
			 "(remove the blacklist and the vfio-pci binding); igdkit changes neither", g->vmid);
		finding(s, "lxc-dri-i915-blacklisted", false, s->i915_where, fix,
			"container %u uses /dev/dri, but i915 is blacklisted: the host has no /dev/dri and the container fails or "
			"loses QuickSync", g->vmid);
	}
}

static void check_runs(struct dx *s)
{
	char **ids;
	size_t n;
	if (manifest_list(s->t->root, &ids, &n, NULL) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		struct manifest *m = calloc(1, sizeof(*m));
		if (m && manifest_load(s->t->root, ids[i], m, NULL) == 0 && (m->state == MAN_APPLIED || m->state == MAN_PENDING)) {
			char ev[400], fix[400];
			snprintf(ev, sizeof(ev), "%s/%s/manifest", INST_BACKUP_DIR, m->id);
			snprintf(fix, sizeof(fix), "if that run caused this, take it back: igdkit install --undo %s", m->id);
			struct finding *f = finding(s, "earlier-run", false, ev, fix, "igdkit run %s is %s: %.300s", m->id,
						    manifest_state_name(m->state), m->summary);
			if (f) {
				f->note = true;
				s->x->nproblems--;
			}
		}
		free(m);
	}
	manifest_list_free(ids, n);
}

/* ---- config.db ------------------------------------------------------------ */

static int check_db(struct dx *s)
{
	const struct pve_target *t = s->t;
	struct configdb c;
	char tmp[INST_PATH];
	if (target_snapshot_configdb_unchecked(t, &c, tmp, s->d) < 0) {
		snprintf(s->db_why, sizeof(s->db_why), "config.db cannot be read");
		return -1;
	}
	s->x->clustered = configdb_clustered(&c) || t->corosync_file;
	struct cdb_fix fx;
	if (configdb_fix_plan(&c, &fx, s->d) < 0) {
		target_snapshot_done(&c, tmp);
		return -1;
	}
	bool fixable = configdb_fix_all_fixable(&fx) && !s->x->clustered;
	for (size_t i = 0; i < fx.np; i++) {
		char ev[400], fix[400];
		const struct cdb_problem *p = &fx.p[i];
		snprintf(ev, sizeof(ev), "%s: tree row inode %lld", INST_CONFIGDB, (long long)p->inode);
		if (s->x->clustered)
			snprintf(fix, sizeof(fix), "left as it is: this node is in a cluster, an offline edit would be reverted or "
				 "override the cluster; copy config.db from a healthy node (%s)", p->fix);
		else if (p->fixable && !fixable)
			snprintf(fix, sizeof(fix), "not done: another problem of this DB cannot be repaired safely (%s)", p->fix);
		else
			snprintf(fix, sizeof(fix), "%s", p->fix);
		finding(s, p->id, fixable && p->fixable, ev, fix, "config.db: %s", p->what);
	}
	if (fx.truncated)
		finding(s, "db-unfixable", false, INST_CONFIGDB, "left as it is: too many problems for a safe repair",
			"config.db has more than %d problems", CDB_PROBLEMS_MAX);
	int rc = 0;
	char copy[INST_PATH + 16];
	snprintf(copy, sizeof(copy), "%s/config.db", tmp);
	if (fx.np && fixable) {
		/* Repair the private copy: the exact rows the plan will write, checked by pmxcfs's rules. */
		configdb_close(&c);
		char *before = NULL, *after = NULL;
		struct diag vd;
		diag_init(&vd);
		if (configdb_fix_file(copy, NULL, &before, &after, &vd) < 0) {
			for (size_t i = 0; i < s->x->n; i++)
				if (!strncmp(s->x->f[i].id, "db-", 3) && s->x->f[i].automatic) {
					s->x->f[i].automatic = false;
					snprintf(s->x->f[i].fix, sizeof(s->x->f[i].fix), "left as it is: after the repair the DB would still be refused: %.300s",
						 diag_last(&vd));
				}
			s->db_ok = false;
			snprintf(s->db_why, sizeof(s->db_why), "config.db cannot be repaired safely");
			rc = configdb_open_unchecked(&c, copy, true, s->d) < 0 ? -1 : load_guests(s, &c);
		} else {
			int k = install_plan_add(&s->x->plan, CH_CONFIGDB_FIX, INST_CONFIGDB,
						 "config.db rows (pmxcfs's tree table: inode|parent|version|writer|mtime|type|name|data)",
						 (unsigned char *)before, strlen(before), true, after, strlen(after), 0600, s->d);
			s->db_ok = k >= 0;
			rc = k < 0 ? -1 : (configdb_open(&c, copy, true, s->d) < 0 ? -1 : load_guests(s, &c));
		}
		diag_free(&vd);
		free(before);
		free(after);
	} else {
		s->db_ok = !fx.np && !s->x->clustered;
		if (fx.np)
			snprintf(s->db_why, sizeof(s->db_why), "config.db has problems igdkit does not repair");
		rc = load_guests(s, &c);
	}
	configdb_fix_free(&fx);
	target_snapshot_done(&c, tmp);
	return rc;
}

/* ---- the whole ---------------------------------------------------------- */

int diagnose_run(const struct pve_target *t, const struct machine_facts *f, struct diagnosis *x, struct diag *d)
{
	memset(x, 0, sizeof(*x));
	struct dx *s = calloc(1, sizeof(*s));
	if (!s)
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	s->t = t;
	s->f = f;
	s->x = x;
	s->d = d;
	int rc = 0;
	/* config.db first: its repair must be the first change (the VM rows are written after it). */
	if (t->etc_pve_mounted) {
		x->clustered = target_clustered(t);
		s->db_ok = true;
		rc = load_guests_live(s);
	} else if (t->configdb_present)
		rc = check_db(s);
	else
		snprintf(s->db_why, sizeof(s->db_why), "no config.db");
	if (x->clustered)
		s->db_ok = true;	/* VM fixes are staged as qm set for the next boot */
	scan_modprobe(s);
	bool rebuild_initramfs = false;
	if (!rc)
		rc = check_cmdline(s);
	if (!rc)
		rc = check_vfio_options(s);
	if (!rc)
		rc = check_virqfd(s);
	if (!rc)
		check_initramfs(s, &rebuild_initramfs);
	for (size_t i = 0; !rc && i < s->nguests; i++)
		if (!strcmp(s->guests[i].kind, "qemu-server") && !strcmp(s->guests[i].node, t->hostname))
			rc = check_vm(s, &s->guests[i]);
	if (!rc)
		check_lxc_dri(s);
	if (!rc)
		check_runs(s);

	/* Host files that a finding changed go into the plan, in the order they were first read. */
	struct install_plan *p = &x->plan;
	for (size_t i = 0; !rc && i < s->npend; i++) {
		struct pending *q = &s->pend[i];
		if (!q->cur)
			continue;
		int k = install_plan_add(p, CH_FILE, q->path, NULL, q->old, q->oldlen, q->existed, q->cur, strlen(q->cur), 0644, d);
		if (k < 0)
			rc = -1;
		else if (k > 0) {
			if (q->initramfs)
				rebuild_initramfs = true;
			if (!strcmp(q->path, kcmd_path) || t->boot == BOOT_PROXMOX_BOOT_TOOL)
				p->rebuild_pbt = true;
			else if (!strncmp(q->path, "/etc/default/grub", 17))
				p->rebuild_grub = true;
		}
	}
	p->rebuild_initramfs = rebuild_initramfs;
	/* update-initramfs refreshes the ESPs itself on proxmox-boot-tool hosts; a cmdline change
	 * still needs its own refresh (the summary lists what runs). */
	struct strbuf sum = { 0 };
	strbuf_addf(&sum, "repair:");
	for (size_t i = 0; i < x->n; i++)
		if (x->f[i].automatic && !strstr(sum.s, x->f[i].id))
			strbuf_addf(&sum, " %s", x->f[i].id);
	snprintf(p->route, sizeof(p->route), "%s", sum.s && !sum.failed ? sum.s : "repair");
	free(sum.s);

	for (size_t i = 0; i < s->npend; i++) {
		free(s->pend[i].old);
		free(s->pend[i].cur);
	}
	for (size_t i = 0; i < s->nguests; i++)
		free(s->guests[i].text);
	free(s->guests);
	free(s->pcimap);
	free(s);
	if (rc < 0)
		diagnosis_free(x);
	return rc;
}

void diagnosis_free(struct diagnosis *x)
{
	install_plan_free(&x->plan);
}
