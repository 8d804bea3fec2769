/* bios_setup.c - BIOS Setup values (firmware forms + UEFI variables) as evidence for the verdicts */
#include "verdict/bios_setup.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "lib/file.h"

#define STICK_MIN_FILE ((off_t)64 << 10)
#define STICK_MAX_CANDIDATES 8

/* ---- reading ---- */

/* efivar_read in the shape fw/setup_value.h asks for; a password variable is refused here too. */
static int read_var(void *ctx, const char *name, const char *guid, uint8_t **data, size_t *len, uint32_t *attr,
		    char *why, size_t whylen)
{
	struct guid g;
	if (guid_parse(guid, &g) == 0 && setup_var_forbidden(name, &g)) {
		snprintf(why, whylen, "%s may hold passwords: never read", name);
		return -1;
	}
	return efivar_read(ctx, name, guid, data, len, attr, why, whylen);
}

void dmi_read(const struct host *h, const char *name, char *buf, size_t len)
{
	char err[256], path[128];
	snprintf(path, sizeof(path), "/sys/class/dmi/id/%s", name);
	if (host_read_text(h, path, buf, len, err, sizeof(err)) < 0)
		buf[0] = 0;
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == ' ' || buf[n - 1] == '\t'))
		buf[--n] = 0;
}

static bool has_target(const struct setup *s)
{
	for (size_t i = 0; i < s->nq; i++) {
		bool an;
		if (setup_match(s->q[i].prompt, &an))
			return true;
	}
	return false;
}

/* Parses one file; 0 with b->s set, -1 with b->err. found[] as setup_open_search. */
static int open_file(const char *path, const char *const *texts, bool *found, struct bios_setup *b)
{
	struct file_buf fb;
	char err[300];
	if (file_read(path, FILE_MAX_FIRMWARE, &fb, err, sizeof(err)) < 0) {
		snprintf(b->err, sizeof(b->err), "%s", err);
		return -1;
	}
	struct diag d;
	diag_init(&d);
	int rc = setup_open_search(fb.data, fb.len, texts, 2, found, &b->s, &d);
	if (rc < 0)
		snprintf(b->err, sizeof(b->err), "%.200s: %.190s", path, d.n ? diag_last(&d) : "not a firmware file");
	diag_free(&d);
	file_buf_free(&fb);
	return rc;
}

static bool text_like_name(const char *n)
{
	static const char *const ext[] = { ".txt", ".log", ".json", ".md", ".cfg", ".conf", ".sh", ".csv", ".html", NULL };
	size_t l = strlen(n);
	for (size_t i = 0; ext[i]; i++) {
		size_t e = strlen(ext[i]);
		if (l > e && !strcasecmp(n + l - e, ext[i]))
			return true;
	}
	return n[0] == '.';
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The stick's top level: the one file whose forms hold a passthrough question. */
static void find_on_stick(const char *dir, const char *const *texts, bool *found, struct bios_setup *b)
{
	DIR *dp = opendir(dir);
	if (!dp) {
		snprintf(b->stick_note, sizeof(b->stick_note), "%.300s: cannot list it", dir);
		return;
	}
	char *names[64];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(dp)) && n < 64) {
		char p[PATH_MAX];
		struct stat st;
		if (text_like_name(e->d_name) || snprintf(p, sizeof(p), "%s/%s", dir, e->d_name) >= (int)sizeof(p) ||
		    stat(p, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size < STICK_MIN_FILE ||
		    (uint64_t)st.st_size > FILE_MAX_FIRMWARE)
			continue;
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	closedir(dp);
	qsort(names, n, sizeof(names[0]), cmp_str);
	char chosen[256] = "", others[400] = "";
	size_t plausible = 0;
	for (size_t i = 0; i < n && i < STICK_MAX_CANDIDATES; i++) {
		struct bios_setup tmp;
		bool f[2];
		memset(&tmp, 0, sizeof(tmp));
		snprintf(tmp.path, sizeof(tmp.path), "%s/%s", dir, names[i]);
		if (open_file(tmp.path, texts, f, &tmp) < 0 || !has_target(tmp.s)) {
			setup_free(tmp.s);
			continue;
		}
		if (++plausible == 1) {
			snprintf(chosen, sizeof(chosen), "%s", names[i]);
			b->s = tmp.s;
			memcpy(b->path, tmp.path, sizeof(b->path));
			found[0] = f[0];
			found[1] = f[1];
		} else {
			size_t o = strlen(others);
			snprintf(others + o, sizeof(others) - o, "%s%s", o ? ", " : "", names[i]);
			setup_free(tmp.s);
		}
	}
	if (plausible == 1) {
		b->used = b->from_stick = true;
	} else if (plausible > 1) {
		setup_free(b->s);
		b->s = NULL;
		b->path[0] = 0;
		snprintf(b->stick_note, sizeof(b->stick_note),
			 "%zu firmware files with Setup forms on the stick (%s, %s): give igdkit check --firmware FILE",
			 plausible, chosen, others);
	} else {
		snprintf(b->stick_note, sizeof(b->stick_note),
			 "no firmware file with Setup forms at the top of the stick (%zu file%s looked at)",
			 n < STICK_MAX_CANDIDATES ? n : STICK_MAX_CANDIDATES, n == 1 ? "" : "s");
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
}

bool bios_version_found(const char *version, bool version_in_file, bool date_in_file)
{
	/* a short version ("1.0") occurs in many files by chance: it counts with the date only */
	return version[0] && version_in_file && (strlen(version) >= 4 || date_in_file);
}

static void compare_bios(const bool *found, struct bios_setup *b)
{
	b->version_found = b->dmi_version[0] && found[0];
	b->date_found = b->dmi_date[0] && found[1];
	b->same_bios = TRI_UNKNOWN;
	if (!b->dmi_version[0]) {
		snprintf(b->bios_note, sizeof(b->bios_note),
			 "the running BIOS version is not readable (/sys/class/dmi/id/bios_version): the file cannot be "
			 "compared with it");
	} else if (bios_version_found(b->dmi_version, b->version_found, b->date_found)) {
		b->same_bios = TRI_YES;
		snprintf(b->bios_note, sizeof(b->bios_note), "the running BIOS version \"%.100s\"%s%.40s%s occurs in the file",
			 b->dmi_version, b->date_found ? " and date \"" : "", b->date_found ? b->dmi_date : "",
			 b->date_found ? "\"" : "");
	} else if (!b->s->whole_image) {
		snprintf(b->bios_note, sizeof(b->bios_note),
			 "the file is a single module (%s), which carries no BIOS version: make sure it comes from the "
			 "running BIOS \"%.100s\"", b->s->input_kind, b->dmi_version);
	} else if (b->version_found || b->date_found) {
		snprintf(b->bios_note, sizeof(b->bios_note),
			 "only the running BIOS %s \"%.100s\" occurs in the file, not its %s: it may be another BIOS version",
			 b->version_found ? "version" : "date", b->version_found ? b->dmi_version : b->dmi_date,
			 b->version_found ? "date" : "version");
	} else {
		b->same_bios = TRI_NO;
		snprintf(b->bios_note, sizeof(b->bios_note),
			 "neither the running BIOS version \"%.100s\" nor its date \"%.40s\" occurs in the file (or in its "
			 "compressed parts): it is likely another BIOS version, whose options may sit at other offsets",
			 b->dmi_version, b->dmi_date);
	}
}

int bios_setup_collect(const struct host *h, const char *path, const char *stick_dir, struct bios_setup *b)
{
	memset(b, 0, sizeof(*b));
	b->same_bios = TRI_UNKNOWN;
	/* DMI first: its strings are what the file is searched for while it is open. */
	dmi_read(h, "bios_version", b->dmi_version, sizeof(b->dmi_version));
	dmi_read(h, "bios_date", b->dmi_date, sizeof(b->dmi_date));
	const char *texts[2] = { b->dmi_version, b->dmi_date };
	bool found[2] = { false, false };
	if (path) {
		b->used = true;
		snprintf(b->path, sizeof(b->path), "%s", path);
		if (open_file(path, texts, found, b) < 0)
			return 0;
	} else if (stick_dir && *stick_dir) {
		find_on_stick(stick_dir, texts, found, b);
		if (!b->used)
			return 0;
	} else {
		return 0;
	}
	compare_bios(found, b);
	if (!efivars_available(h, b->vars_why, sizeof(b->vars_why)) && !b->vars_why[0])
		snprintf(b->vars_why, sizeof(b->vars_why), "UEFI variables are not readable");
	if (host_is_live(h))
		snprintf(b->vars_dir, sizeof(b->vars_dir), "/sys/firmware/efi/efivars/");
	else
		efivars_dir_for_root(h->root, b->vars_dir, sizeof(b->vars_dir));
	if (setup_settings_read(b->s, b->vars_why[0] ? NULL : read_var, (void *)h, b->vars_why, &b->set) < 0)
		return -1;
	return 0;
}

void bios_setup_free(struct bios_setup *b)
{
	setup_settings_free(&b->set);
	setup_free(b->s);
	b->s = NULL;
}

/* ---- as evidence ---- */

const char *bios_setting_text(const struct setup_setting *st, char *buf, size_t len)
{
	char place[160];
	setup_setting_place(st, place, sizeof(place));
	if (st->v.status == SV_OK && st->v.text)
		snprintf(buf, len, "%s = %llu \"%s\" (%s)", place, (unsigned long long)st->v.value, st->v.text, st->q->prompt);
	else if (st->v.status == SV_OK)
		snprintf(buf, len, "%s = %llu, which no option has (%s)", place, (unsigned long long)st->v.value,
			 st->q->prompt);
	else
		snprintf(buf, len, "%s not read: %s (%s)", place, setup_value_status_name(st->v.status), st->q->prompt);
	return buf;
}

const char *bios_setting_source(const struct bios_setup *b, const struct setup_setting *st, char *buf, size_t len)
{
	if (st->v.status != SV_OK)
		return NULL;
	snprintf(buf, len, "%s%s", b->vars_dir, st->v.var);
	return buf;
}

static void append(struct verdict *v, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void append(struct verdict *v, const char *fmt, ...)
{
	size_t o = strlen(v->evidence);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->evidence + o, sizeof(v->evidence) - o, fmt, ap);
	va_end(ap);
}

static struct verdict *find_verdict(struct verdict_list *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->v[i].id, id))
			return &l->v[i];
	return NULL;
}

/* The settings of one verdict: the target key first, then its vendor analogues. */
static size_t pick(const struct bios_setup *b, const char *const *keys, const struct setup_setting **out, size_t max)
{
	size_t n = 0;
	for (size_t k = 0; keys[k]; k++)
		for (size_t i = 0; i < b->set.n && n < max; i++)
			if (!strcmp(b->set.v[i].key, keys[k]))
				out[n++] = &b->set.v[i];
	return n;
}

/* Evidence "; Setup: A; B" for the settings of a verdict. */
static void add_evidence(struct verdict *v, const struct setup_setting *const *st, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char t[400];
		append(v, "%s%s", i ? "; " : "; BIOS Setup: ", bios_setting_text(st[i], t, sizeof(t)));
	}
}

/* `set "VT-d" to "Enabled" (Setup > Chipset > ... > VT-d; now "Disabled")` */
static void advise_set(char *buf, size_t len, const struct setup_setting *st, const struct setup_option *want)
{
	char now[160] = "";
	if (st->v.status == SV_OK)
		snprintf(now, sizeof(now), "; it is \"%.120s\" now", st->v.text ? st->v.text : "an undefined value");
	else
		snprintf(now, sizeof(now), "; its current value was not read");
	if (want)
		snprintf(buf, len, "in the BIOS setup set \"%s\" to \"%s\" (%s%s)", st->q->prompt, want->text, st->q->path, now);
	else
		snprintf(buf, len, "in the BIOS setup change \"%s\" (%s%s)", st->q->prompt, st->q->path, now);
}

static const char *const enabled_words[] = { "enable", NULL };
static const char *const igfx_words[] = { "igfx", "igd", "igpu", "onboard", "internal", "integrated", "cpu graphics", NULL };

/* Is this value the iGPU as primary display: 1 yes, 0 another adapter or Auto, -1 not read. */
static int primary_is_igd(const struct setup_setting *st)
{
	if (st->v.status != SV_OK || !st->v.text)
		return -1;
	const char *const *w = igfx_words;
	for (size_t i = 0; w[i]; i++)
		if (!strncasecmp(st->v.text, w[i], strlen(w[i])))
			return 1;
	return 0;
}

static const char *version_hint(const struct bios_setup *b)
{
	return b->same_bios == TRI_NO ? " (and the firmware file looks like another BIOS version, see bios_setup)"
				      : " (or the firmware file is not this BIOS version)";
}

static void setup_vtd(const struct host_data *c, const struct bios_setup *b, struct verdict_list *l)
{
	static const char *const keys[] = { "vtd", "hp_virtualization_vtx_vtd", "msi_intel_vt_d_tech", "amd_iommu", NULL };
	const struct setup_setting *st[8];
	size_t n = pick(b, keys, st, 8);
	struct verdict *v = find_verdict(l, "vtd");
	if (!v || !n)
		return;
	add_evidence(v, st, n);
	const struct setup_setting *first = st[0];
	int on = setup_setting_on(first);
	char adv[640];
	if (c->f.dmar_present == TRI_NO) {
		if (on == 1) {
			append(v, "; contradiction: Setup says \"%s\" but the firmware installed no DMAR table", first->v.text ? first->v.text : "on");
			verdict_advice(v, "\"%s\" is already \"%s\" in the BIOS setup (%s), yet there is no DMAR table: the CPU "
					  "or chipset may lack VT-d%s, another option may override it%s",
				       first->q->prompt, first->v.text ? first->v.text : "on", first->q->path,
				       c->capid_ok && (c->capid0_a & (1u << 23)) ? " (CAPID0_A bit 23 says it is disabled in hardware)" : "",
				       version_hint(b));
		} else {
			advise_set(adv, sizeof(adv), first, setup_option_like(first->q, enabled_words));
			verdict_advice(v, "%s; without VT-d nothing can be passed through", adv);
		}
	} else if (c->f.dmar_present == TRI_YES && on == 0) {
		append(v, "; contradiction: Setup says \"%s\" although the DMAR table is present%s", first->v.text,
		       version_hint(b));
	}
}

static void setup_bootmode(const struct host_data *c, const struct bios_setup *b, struct verdict_list *l)
{
	static const char *const keys[] = { "csm", "legacy_support_csm_analogue", "msi_boot_mode_select", NULL };
	const struct setup_setting *st[8];
	size_t n = pick(b, keys, st, 8);
	struct verdict *v = find_verdict(l, "boot_mode");
	if (!v || !n)
		return;
	const struct setup_setting *first = st[0];
	int on = setup_setting_on(first);
	if (c->f.uefi_boot == TRI_YES && first->v.status == SV_OK)
		verdict_evidence(v, "UEFI boot (/sys/firmware/efi present), CSM %s according to the BIOS Setup",
				 on == 1 ? "enabled" : on == 0 ? "disabled" : "state in Setup below");
	add_evidence(v, st, n);
	if (c->f.uefi_boot == TRI_NO && on == 0)
		append(v, "; contradiction: Setup says \"%s\" but this was a legacy boot, which needs the CSM%s", first->v.text,
		       version_hint(b));
	else if (c->f.uefi_boot == TRI_YES && c->f.secure_boot == TRI_YES && on == 1)
		append(v, "; contradiction: Setup says \"%s\" while Secure Boot is on (firmware turns the CSM off then)%s",
		       first->v.text, version_hint(b));
}

static void setup_primary(const struct host_data *c, const struct bios_setup *b, struct verdict_list *l)
{
	static const char *const keys[] = { "primary_display", "msi_initiate_graphic_adapter", NULL };
	const struct setup_setting *st[8];
	size_t n = pick(b, keys, st, 8);
	struct verdict *v = find_verdict(l, "primary");
	if (!v || !n)
		return;
	add_evidence(v, st, n);
	const struct setup_setting *first = st[0];
	int igd = primary_is_igd(first);
	if (v->status != V_FIX || !c->igd)
		return;
	if (igd == 1) {
		append(v, "; contradiction: Setup already says \"%s\" but the iGPU is not the primary display%s", first->v.text,
		       version_hint(b));
		return;
	}
	char adv[640];
	advise_set(adv, sizeof(adv), first, setup_option_like(first->q, igfx_words));
	verdict_advice(v, "%s; QEMU's legacy IGD mode needs the iGPU as a VGA-class device", adv);
}

static void setup_igd(const struct host_data *c, const struct bios_setup *b, struct verdict_list *l)
{
	static const char *const keys[] = { "internal_graphics", "igpu_multi_monitor", "msi_igd_multi_monitor", NULL };
	const struct setup_setting *st[8];
	size_t n = pick(b, keys, st, 8);
	struct verdict *v = find_verdict(l, "igd");
	if (!v || !n)
		return;
	add_evidence(v, st, n);
	if (!c->pci_ok)
		return;
	const struct setup_setting *first = st[0];
	int on = setup_setting_on(first);
	bool fused = c->capid_ok && (c->capid0_a & (1u << 11));
	if (c->igd && on == 0) {
		append(v, "; contradiction: Setup says \"%s\" but the iGPU is present%s", first->v.text, version_hint(b));
	} else if (!c->igd && on == 1 && !fused) {
		append(v, "; contradiction: Setup says \"%s\" but there is no iGPU at 00:02.0%s", first->v.text,
		       version_hint(b));
	} else if (!c->igd && !fused) {
		char adv[640];
		advise_set(adv, sizeof(adv), first, setup_option_like(first->q, enabled_words));
		verdict_advice(v, "%s: with it the iGPU stays on next to a discrete GPU", adv);
	}
}

void check_bios_setup(const struct host_data *c, const struct bios_setup *b, struct verdict_list *l)
{
	if (!b->used)
		return;
	if (!b->s) {
		struct verdict *v = verdict_add(l, "bios_setup", V_UNKNOWN);
		verdict_evidence(v, "%s", b->err);
		verdict_advice(v, "give the board's firmware file (the vendor's BIOS update, or an SPI dump) with --firmware");
		return;
	}
	setup_vtd(c, b, l);
	setup_bootmode(c, b, l);
	setup_primary(c, b, l);
	setup_igd(c, b, l);

	size_t read = 0, unread = 0, differs = 0;
	for (size_t i = 0; i < b->set.n; i++) {
		if (b->set.v[i].v.status == SV_OK)
			read++;
		else
			unread++;
		differs += b->set.v[i].v.status == SV_OK && b->set.v[i].v.size_differs;
	}
	const char *name = strrchr(b->path, '/') ? strrchr(b->path, '/') + 1 : b->path;
	bool doubtful = b->same_bios == TRI_NO || differs;
	struct verdict *v = verdict_add(l, "bios_setup", !b->set.n || unread || doubtful ? V_UNKNOWN : V_OK);
	char why[400] = "";
	for (size_t i = 0; i < b->set.n && !why[0]; i++)
		if (b->set.v[i].v.status != SV_OK)
			snprintf(why, sizeof(why), "; %s", b->set.v[i].v.detail);
	verdict_evidence(v, "%.200s%s (%s): %zu passthrough setting%s, %zu read from the UEFI variables%s%s; %s%s",
			 name, b->from_stick ? ", found on the stick" : "", b->s->input_kind, b->set.n, b->set.n == 1 ? "" : "s",
			 read, why, differs ? "; a variable's size differs from what the forms declare" : "", b->bios_note,
			 c->f.uefi_boot == TRI_NO ? "; legacy boot: Linux sees no UEFI variables" : "");
	if (!b->set.n)
		verdict_advice(v, "this file's forms have no VT-d, CSM or graphics question: it may be another module "
				  "than Setup, or a vendor's own forms igdkit does not know");
	else if (doubtful)
		verdict_advice(v, "the values are read at this file's offsets: take the firmware file of exactly the "
				  "running BIOS version (or update the BIOS to the file's version) before trusting them");
	else if (unread)
		verdict_advice(v, "the options are where the file says (see bios_setup); their values could only be "
				  "read from a UEFI boot with efivarfs mounted, and only for runtime-accessible variables");
	else
		verdict_advice(v, "the Setup values are this machine's own; see the vtd, boot_mode, primary and igd verdicts");
}
