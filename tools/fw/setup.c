/* setup.c - from a firmware file to resolved Setup questions: modules, package pairing, names */
#include "fw/setup.h"
#include "fw/fw.h"
#include "fw/hii.h"
#include "fw/tree.h"
#include "lib/reader.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEC_PE32 0x10
#define MAX_PATH_DEPTH 16
#define TEXT_MAX 512
#define SETUP_MAX_QUESTIONS ((size_t)1 << 18)

/* ---- string pool ---- */

static const char *keep(struct setup *s, const char *text)
{
	if (!text)
		return NULL;
	if (s->npool == s->cap_pool) {
		size_t nc = s->cap_pool ? s->cap_pool * 2 : 1024;
		char **p = realloc(s->pool, nc * sizeof(*p));
		if (!p)
			return NULL;
		s->pool = p;
		s->cap_pool = nc;
	}
	char *c = strdup(text);
	if (!c)
		return NULL;
	s->pool[s->npool++] = c;
	return c;
}

/* ---- pairing forms with strings ---- */

struct strtab {
	struct hii_strings *pk;		/* one per string package of the scan, in scan order */
	size_t n;
};

/* The package of a group to read names from: English first, then the first one present. */
static const struct hii_strings *pick_lang(const struct hii_scan *sc, const struct strtab *st, unsigned group)
{
	const struct hii_strings *first = NULL, *en = NULL;
	for (size_t i = 0, k = 0; i < sc->npkg; i++) {
		if (sc->pkg[i].type != HII_PKG_STRINGS)
			continue;
		const struct hii_strings *h = &st->pk[k++];
		if (sc->pkg[i].group != group || !h->count)
			continue;
		if (!first)
			first = h;
		if (!en && hii_lang_is_english(h->lang))
			en = h;
		if (!strcmp(h->lang, "en-US"))
			return h;
	}
	return en ? en : first;
}

/* A form package's strings: those of its own package list; else (EDK2 arrays) the module's string
   group whose ids cover every id the forms use, the tightest fit, then the nearest. */
static const struct hii_strings *pair(const struct hii_scan *sc, const struct strtab *st, const struct hii_package *fp,
				      uint16_t max_id, struct diag *d, uint64_t where)
{
	if (sc->grp[fp->group].nstrings)
		return pick_lang(sc, st, fp->group);
	const struct hii_strings *best = NULL, *widest = NULL;
	size_t best_dist = SIZE_MAX;
	for (unsigned g = 0; g < sc->ngrp; g++) {
		if (!sc->grp[g].nstrings || sc->grp[g].nforms)
			continue;
		const struct hii_strings *h = pick_lang(sc, st, g);
		if (!h)
			continue;
		if (!widest || h->count > widest->count)
			widest = h;
		if (h->count < max_id)
			continue;
		size_t dist = sc->grp[g].at > fp->at ? sc->grp[g].at - fp->at : fp->at - sc->grp[g].at;
		if (!best || h->count < best->count || (h->count == best->count && dist < best_dist)) {
			best = h;
			best_dist = dist;
		}
	}
	if (!best && widest)
		diag_warn(d, where, "form package uses string ids up to %u; the largest string package of the module has %u",
			  max_id, widest->count);
	return best ? best : widest;
}

/* ---- resolving one form package ---- */

static const char *text_of(struct setup *s, const struct hii_strings *h, uint16_t id)
{
	char buf[TEXT_MAX];
	const char *t = h ? hii_string(h, id, buf, sizeof(buf)) : NULL;
	/* AMI and EDK2 strings often carry padding spaces at either end. */
	if (!t)
		return keep(s, "");
	while (*t == ' ')
		t++;
	size_t n = strlen(t);
	while (n && t[n - 1] == ' ')
		n--;
	char tmp[TEXT_MAX];
	memcpy(tmp, t, n);
	tmp[n] = 0;
	return keep(s, tmp);
}

/* "Setup > Chipset > " for a form: the titles of the forms leading to it, each with " > ". */
static const char *form_prefix(struct setup *s, const struct ifr *ifr, const struct hii_strings *h, long form)
{
	long chain[MAX_PATH_DEPTH];
	size_t n = 0;
	for (long f = form; f >= 0 && n < MAX_PATH_DEPTH; f = ifr->form[f].parent)
		chain[n++] = f;
	char buf[1024];
	size_t o = 0;
	buf[0] = 0;
	for (size_t i = n; i-- > 0;) {
		char t[TEXT_MAX];
		const char *title = h ? hii_string(h, ifr->form[chain[i]].title, t, sizeof(t)) : NULL;
		if (!title)
			continue;
		while (*title == ' ')
			title++;
		if (!*title)
			continue;
		int k = snprintf(buf + o, sizeof(buf) - o, "%s > ", title);
		if (k < 0 || (size_t)k >= sizeof(buf) - o) {
			buf[o] = 0;
			break;
		}
		o += (size_t)k;
	}
	return keep(s, buf);
}

static const char *path_of(struct setup *s, const char *prefix, const char *prompt)
{
	char buf[1024 + TEXT_MAX];
	size_t o = strlen(prefix);
	memcpy(buf, prefix, o + 1);
	if (*prompt)
		snprintf(buf + o, sizeof(buf) - o, "%s", prompt);
	else if (o >= 3)
		buf[o - 3] = 0;	/* an unnamed question: the path of its form */
	return keep(s, buf);
}

static int resolve(struct setup *s, const struct ifr *ifr, const struct hii_strings *h, size_t module)
{
	const char **prefix = calloc(ifr->nform ? ifr->nform : 1, sizeof(*prefix));
	if (!prefix)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < ifr->nq && rc == 0; i++) {
		const struct ifr_question *q = &ifr->q[i];
		if (s->nq >= SETUP_MAX_QUESTIONS) {
			diag_err(&s->findings, q->off, "more than %zu questions in this file: the rest are not listed", SETUP_MAX_QUESTIONS);
			break;
		}
		if (q->form >= 0 && !prefix[q->form] && !(prefix[q->form] = form_prefix(s, ifr, h, q->form))) {
			rc = -1;
			break;
		}
		if (s->nq % 256 == 0) {
			struct setup_question *v = realloc(s->q, (s->nq + 256) * sizeof(*v));
			if (!v) {
				rc = -1;
				break;
			}
			s->q = v;
		}
		struct setup_question *o = &s->q[s->nq];
		memset(o, 0, sizeof(*o));
		o->op = q->op;
		o->qid = q->qid;
		o->prompt = text_of(s, h, q->prompt);
		o->help = text_of(s, h, q->help);
		if (!o->prompt || !o->help) {
			rc = -1;
			break;
		}
		o->path = path_of(s, q->form >= 0 ? prefix[q->form] : "", o->prompt);
		if (!o->path) {
			rc = -1;
			break;
		}
		if (q->formset >= 0) {
			o->formset_title = text_of(s, h, ifr->fs[q->formset].title);
			o->formset_guid = ifr->fs[q->formset].guid;
		}
		const struct ifr_varstore *vs = ifr_question_store(ifr, q);
		o->vsid = q->vsid;
		if (vs) {
			o->has_store = true;
			o->vs_kind = vs->kind;
			o->vs_name = keep(s, vs->name);
			o->vs_guid = vs->guid;
			o->vs_size = vs->size;
			o->vs_attr = vs->attr;
		}
		o->var_offset = q->voff;
		o->width = q->width;
		o->bits = q->bits;
		o->bit_width = q->bit_width;
		o->has_range = q->has_range;
		o->min = q->min;
		o->max = q->max;
		o->step = q->step;
		o->def[0] = q->def[0];
		o->def[1] = q->def[1];
		o->suppress_if = q->suppress_if;
		o->gray_out_if = q->gray_out_if;
		o->disable_if = q->disable_if;
		o->suppress_always = q->suppress_always;
		o->offset = q->off;
		o->module = module;
		size_t n = 0;
		for (long k = q->opt_first; k >= 0; k = ifr->opt[k].next)
			n++;
		if (n) {
			o->opt = calloc(n, sizeof(*o->opt));
			if (!o->opt) {
				rc = -1;
				break;
			}
			for (long k = q->opt_first; k >= 0; k = ifr->opt[k].next) {
				o->opt[o->nopt].value = ifr->opt[k].value;
				o->opt[o->nopt].text = text_of(s, h, ifr->opt[k].text);
				o->nopt++;
			}
		}
		s->nq++;
	}
	free(prefix);
	return rc;
}

/* ---- one PE image ---- */

static bool is_pe(const uint8_t *p, size_t len)
{
	struct reader r;
	uint32_t lfanew, sig;
	rd_init(&r, p, len, 0, NULL);
	return len >= 0x40 && p[0] == 'M' && p[1] == 'Z' && rd_u32le_at(&r, 0x3C, &lfanew, "e_lfanew") == 0 &&
	       rd_u32le_at(&r, lfanew, &sig, "PE signature") == 0 && sig == 0x00004550;
}

static int scan_module(struct setup *s, const struct reader *pe, const char *where, const char *prefix,
		       const struct fw_node *file)
{
	struct hii_scan sc;
	if (hii_scan(pe, &sc) < 0)
		return diag_err(&s->findings, DIAG_NO_OFFSET, "out of memory");
	unsigned nforms = 0, nstrings = 0;
	for (size_t i = 0; i < sc.npkg; i++) {
		nforms += sc.pkg[i].type == HII_PKG_FORMS;
		nstrings += sc.pkg[i].type == HII_PKG_STRINGS;
	}
	if (!nforms) {
		hii_scan_free(&sc);
		return 0;
	}
	int rc = 0;
	struct setup_module *m = realloc(s->mod, (s->nmod + 1) * sizeof(*m));
	if (!m) {
		hii_scan_free(&sc);
		return diag_err(&s->findings, DIAG_NO_OFFSET, "out of memory");
	}
	s->mod = m;
	m = &s->mod[s->nmod];
	memset(m, 0, sizeof(*m));
	snprintf(m->where, sizeof(m->where), "%s", where);
	snprintf(m->prefix, sizeof(m->prefix), "%s", prefix);
	m->forms = nforms;
	m->strings = nstrings;
	if (file) {
		m->has_file = true;
		m->file_guid = file->guid;
		m->ui_name = file->name ? keep(s, file->name) : NULL;
	}
	size_t module = s->nmod++;
	struct strtab st = { calloc(nstrings ? nstrings : 1, sizeof(struct hii_strings)), 0 };
	if (!st.pk) {
		hii_scan_free(&sc);
		return diag_err(&s->findings, DIAG_NO_OFFSET, "out of memory");
	}
	for (size_t i = 0; i < sc.npkg; i++) {
		if (sc.pkg[i].type != HII_PKG_STRINGS)
			continue;
		struct reader r;
		rd_sub_at(pe, sc.pkg[i].at, sc.pkg[i].len, &r, "string package");
		r.d = &s->findings;
		hii_strings_parse(&r, &st.pk[st.n++]);
	}
	for (size_t i = 0; i < sc.npkg && rc == 0; i++) {
		if (sc.pkg[i].type != HII_PKG_FORMS)
			continue;
		struct reader r;
		rd_sub_at(pe, sc.pkg[i].at, sc.pkg[i].len, &r, "form package");
		r.d = &s->findings;
		struct ifr ifr;
		memset(&ifr, 0, sizeof(ifr));
		if (ifr_walk(&ifr, &r) < 0) {
			ifr_free(&ifr);
			rc = -1;
			break;
		}
		const struct hii_strings *h = pair(&sc, &st, &sc.pkg[i], ifr.max_string, &s->findings, r.base);
		if (!s->mod[module].lang && h)
			s->mod[module].lang = keep(s, h->lang);
		if (resolve(s, &ifr, h, module) < 0)
			rc = diag_err(&s->findings, DIAG_NO_OFFSET, "out of memory");
		ifr_free(&ifr);
	}
	for (size_t i = 0; i < st.n; i++)
		hii_strings_free(&st.pk[i]);
	free(st.pk);
	hii_scan_free(&sc);
	return rc;
}

static const struct fw_node *preorder_next(const struct fw_node *n, const struct fw_node *root)
{
	if (n->first)
		return n->first;
	while (n != root && !n->next)
		n = n->parent;
	return n == root ? NULL : n->next;
}

static int scan_image(struct setup *s, const struct fw_image *img)
{
	const struct fw_node *root = fw_root(img);
	for (const struct fw_node *n = root; n; n = preorder_next(n, root)) {
		if (n->kind != FWN_SECTION || n->type != SEC_PE32 || !is_pe(fwn_body(n), fwn_body_len(n)))
			continue;
		const struct fw_node *file = n->parent;
		while (file && file->kind != FWN_FILE)
			file = file->parent;
		char where[96], prefix[88] = "";
		fw_node_where(n, where, sizeof(where));
		if (n->stream) {
			fw_node_where(n->stream->origin, prefix, sizeof(prefix) - 1);
			strcat(prefix, "+");
		}
		struct reader r;
		rd_init(&r, fwn_body(n), fwn_body_len(n), n->off + n->hdr_len, &s->findings);
		if (scan_module(s, &r, where, prefix, file) < 0)
			return -1;
	}
	return 0;
}

int setup_open(const uint8_t *data, size_t len, struct setup **out, struct diag *d)
{
	return setup_open_search(data, len, NULL, 0, NULL, out, d);
}

int setup_open_search(const uint8_t *data, size_t len, const char *const *texts, size_t ntexts, bool *found,
		      struct setup **out, struct diag *d)
{
	for (size_t i = 0; i < ntexts; i++)
		found[i] = false;
	fw_search_bytes(data, len, texts, ntexts, found);
	*out = NULL;
	struct setup *s = calloc(1, sizeof(*s));
	if (!s)
		return diag_err(d, DIAG_NO_OFFSET, "out of memory");
	diag_init(&s->findings);
	int rc;
	size_t at = 0;
	/* A PE32 image section on its own: 4-byte header (or 8 with the extended size), type 0x10. */
	if (len >= 8 && data[3] == SEC_PE32 && le24(data) == 0xFFFFFF && is_pe(data + 8, len - 8))
		at = 8;
	else if (len >= 4 && data[3] == SEC_PE32 && is_pe(data + 4, len - 4))
		at = 4;
	if (at || is_pe(data, len)) {
		s->input_kind = at ? "PE32 image section" : "PE32+ image";
		size_t plen = len - at;
		if (at) {
			uint32_t sz = at == 8 ? le32(data + 4) : le24(data);
			if (sz >= at && sz - at < plen)
				plen = sz - at;
			else if (sz < at || sz - at > plen)
				diag_warn(&s->findings, 0, "section size 0x%x does not match the 0x%zx-byte file", sz, len);
		}
		struct reader r;
		char where[32];
		snprintf(where, sizeof(where), "0x%zx", at);
		rd_init(&r, data + at, plen, at, &s->findings);
		rc = scan_module(s, &r, where, "", NULL);
	} else {
		struct fw_image *img;
		if (fw_open(data, len, &img, d) < 0) {
			setup_free(s);
			return -1;
		}
		s->input_kind = fw_input_name(fw_input_kind(img));
		/* A lone FFS file is one module; a single volume (OVMF_CODE.fd) is a whole BIOS. */
		s->whole_image = fw_input_kind(img) != FW_INPUT_FFS;
		rc = scan_image(s, img);
		if (rc == 0)
			fw_search_texts(img, texts, ntexts, found);
		fw_close(img);
	}
	if (rc < 0) {
		diag_err(d, DIAG_NO_OFFSET, "%s", diag_last(&s->findings));
		setup_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void setup_free(struct setup *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nq; i++)
		free(s->q[i].opt);
	free(s->q);
	free(s->mod);
	for (size_t i = 0; i < s->npool; i++)
		free(s->pool[i]);
	free(s->pool);
	diag_free(&s->findings);
	free(s);
}

/* ---- what a prompt stands for ---- */

const char *const setup_target_keys[] = {
	"vtd", "csm", "primary_display", "igpu_multi_monitor", "internal_graphics", "above_4g_decoding",
	"above_4gb_mmio_bios_assignment", "cfg_lock", NULL,
};

static const struct {
	const char *prompt;	/* normalized: lower case, single spaces, no trailing ':' */
	const char *key;
	bool analogue;
} prompts[] = {
	{ "vt-d", "vtd", false },
	{ "csm support", "csm", false },
	{ "launch csm", "csm", false },
	{ "csm", "csm", false },
	{ "primary display", "primary_display", false },
	{ "primary graphics adapter", "primary_display", false },
	{ "primary video adaptor", "primary_display", false },
	{ "initial display output", "primary_display", false },
	{ "igpu multi-monitor", "igpu_multi_monitor", false },
	{ "internal graphics", "internal_graphics", false },
	{ "above 4g decoding", "above_4g_decoding", false },
	{ "above 4gb mmio bios assignment", "above_4gb_mmio_bios_assignment", false },
	{ "cfg lock", "cfg_lock", false },
	/* Vendors' own questions for the same purpose: HP, AMD, MSI. */
	{ "virtualization technology (vtx/vtd)", "hp_virtualization_vtx_vtd", true },
	{ "legacy support", "legacy_support_csm_analogue", true },
	{ "iommu", "amd_iommu", true },
	{ "intel vt-d tech", "msi_intel_vt_d_tech", true },
	{ "igd multi-monitor", "msi_igd_multi_monitor", true },
	{ "initiate graphic adapter", "msi_initiate_graphic_adapter", true },
	{ "boot mode select", "msi_boot_mode_select", true },
};

static void normalize(const char *in, char *out, size_t len)
{
	size_t o = 0;
	bool space = false;
	while (*in == ' ' || *in == '\t')
		in++;
	for (; *in && o + 1 < len; in++) {
		unsigned char c = (unsigned char)*in;
		if (c == ' ' || c == '\t') {
			space = true;
			continue;
		}
		if (space && o + 2 < len)
			out[o++] = ' ';
		space = false;
		out[o++] = (char)tolower(c);
	}
	while (o && out[o - 1] == ':')
		o--;
	while (o && out[o - 1] == ' ')
		o--;
	out[o] = 0;
}

const char *setup_match(const char *prompt, bool *analogue)
{
	char p[160];
	normalize(prompt, p, sizeof(p));
	*analogue = false;
	for (size_t i = 0; i < sizeof(prompts) / sizeof(prompts[0]); i++)
		if (!strcmp(p, prompts[i].prompt)) {
			*analogue = prompts[i].analogue;
			return prompts[i].key;
		}
	/* "Intel(R) VT for Directed I/O (VT-d)" and its spellings */
	if (!strncmp(p, "intel", 5) && strstr(p, "vt for directed i/o"))
		return "vtd";
	return NULL;
}

const char *setup_where(const struct setup *s, const struct setup_question *q, char *buf, size_t len)
{
	snprintf(buf, len, "%s0x%llx", s->mod[q->module].prefix, (unsigned long long)q->offset);
	return buf;
}

const char *setup_default_text(const struct ifr_default *d, char *buf, size_t len)
{
	if (d->kind == IFR_DEF_COMPUTED)
		return "computed";
	if (d->kind != IFR_DEF_VALUE)
		return NULL;
	snprintf(buf, len, "%llu", (unsigned long long)d->value);
	return buf;
}

const char *setup_default_source(const struct ifr_default *d)
{
	switch (d->src) {
	case IFR_SRC_OPCODE: return d->kind == IFR_DEF_COMPUTED ? "EFI_IFR_DEFAULT expression" : "EFI_IFR_DEFAULT";
	case IFR_SRC_OPTION_FLAG: return "option flag";
	case IFR_SRC_CHECKBOX_FLAG: return "checkbox flag";
	default: return NULL;
	}
}
