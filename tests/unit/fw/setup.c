/* tests for tools/fw/setup.c (and hii.c, ifr.c underneath) on real modules: three boards' Setup
 * drivers against the values their publishers' IFR dumps give (expected.json, read with python3),
 * and Debian's OVMF, whose forms come from EDK2 sources we can read. */
#include "helpers.h"
#include "fw/fw.h"
#include "fw/hii.h"
#include "fw/setup.h"
#include "fw/tree.h"
#include "fwbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OVMF "/usr/share/OVMF/OVMF_CODE_4M.fd"

static struct setup *open_setup(const uint8_t *data, size_t len)
{
	struct diag d;
	struct setup *s = NULL;
	diag_init(&d);
	if (setup_open(data, len, &s, &d) < 0)
		fail_msg("setup_open: %s", diag_last(&d));
	diag_free(&d);
	return s;
}

/* expected.json flattened by python, one tab-separated line per expected entry:
   section key prompt opcode qid fs_title fs_guid vs_id vs_name vs_guid vs_size vs_kind var_offset width
   min max step options def_std def_mfg dump_offset; plus "absent KEY" and "related PROMPT". Defaults
   are "unknown" where the dump's dialect prints no option flags and shows no default opcode. */
static char *flatten(const char *board)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys\n"
		 "e=json.load(open(sys.argv[1]))\n"
		 "old=any(f.get(\"dialect\")==\"rs_old\" for f in e[\"files\"])\n"
		 "def dv(q,k):\n"
		 "  d=q[\"default\"]; v=d[k]; src=d.get(k+\"_source\") or \"\"\n"
		 "  if \"expression\" in src: return \"computed\"\n"
		 "  if v is None: return \"unknown\" if old else \"none\"\n"
		 "  return str(v)\n"
		 "def line(sec,key,q):\n"
		 "  v=q[\"varstore\"]; o=\";\".join(\"%%d=%%s\"%%(x[\"value\"],x[\"text\"]) for x in q[\"options\"])\n"
		 "  print(\"\\t\".join(map(str,[sec,key,q[\"prompt\"],q[\"opcode\"],q[\"question_id\"],q[\"formset\"][\"title\"],q[\"formset\"][\"guid\"],"
		 "v[\"id\"],v[\"name\"],v[\"guid\"],v[\"size\"],v[\"kind\"],q[\"var_offset\"],q[\"width_bytes\"],q[\"min\"],q[\"max\"],q[\"step\"],o,"
		 "dv(q,\"standard\"),dv(q,\"manufacturing\"),q[\"dump_offset\"] or \"-\"])))\n"
		 "for k,l in e[\"questions\"].items():\n"
		 "  for q in l: line(\"questions\",k,q)\n"
		 "for k,l in e[\"analogues\"].items():\n"
		 "  for q in l: line(\"analogues\",k,q)\n"
		 "for k in e[\"absent\"]: print(\"absent\\t\"+k)\n"
		 "for r in e[\"related_prompts\"]: print(\"related\\t\"+r[\"prompt\"])\n"
		 "' '%s/expected.json'",
		 fixture_path(board));
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 16, n = 0;
	char *out = malloc(cap);
	assert_non_null(out);
	size_t k;
	while ((k = fread(out + n, 1, cap - n - 1, p)) > 0) {
		n += k;
		if (cap - n < 2) {
			cap *= 2;
			out = realloc(out, cap);
			assert_non_null(out);
		}
	}
	out[n] = 0;
	assert_int_equal(pclose(p), 0);
	assert_true(n > 0);
	return out;
}

static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;
	for (char *t = line; n < max;) {
		f[n++] = t;
		char *tab = strchr(t, '\t');
		if (!tab)
			break;
		*tab = 0;
		t = tab + 1;
	}
	return n;
}

static void hexeq(const char *want, unsigned long got, const char *what, const char *prompt)
{
	if (strtoul(want, NULL, 16) != got)
		fail_msg("%s: %s: expected %s, got 0x%lx", prompt, what, want, got);
}

static void def_eq(const char *want, const struct ifr_default *d, const char *what, const char *prompt)
{
	if (!strcmp(want, "unknown"))
		return;	/* the dump did not say; nothing to hold the parser to */
	char buf[32];
	const char *got = setup_default_text(d, buf, sizeof(buf));
	if (!got)
		got = "none";
	if (strcmp(want, got))
		fail_msg("%s: %s default: expected %s, got %s", prompt, what, want, got);
}

static size_t count_key(const struct setup *s, const char *key, bool *analogue)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nq; i++) {
		bool an;
		const char *k = setup_match(s->q[i].prompt, &an);
		if (k && !strcmp(k, key)) {
			n++;
			*analogue = an;
		}
	}
	return n;
}

static void check_board(const char *board, const char *module)
{
	char rel[256];
	snprintf(rel, sizeof(rel), "%s/%s", board, module);
	struct file_buf fb = fixture_read(rel);
	struct setup *s = open_setup(fb.data, fb.len);
	assert_int_equal(s->nmod, 1);
	assert_true(s->nq > 3000);
	assert_int_equal(s->findings.errors, 0);
	char *flat = flatten(board);
	size_t entries = 0, absent = 0;
	char *save = NULL;
	for (char *line = strtok_r(flat, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[24];
		size_t nf = split(line, f, 24);
		if (!strcmp(f[0], "absent")) {
			bool an;
			if (count_key(s, f[1], &an))
				fail_msg("%s: %s should be absent", board, f[1]);
			absent++;
			continue;
		}
		if (!strcmp(f[0], "related")) {
			bool an = false;
			const char *k = setup_match(f[1], &an);
			if (k && !an)
				fail_msg("%s: related prompt \"%s\" reported as target %s", board, f[1], k);
			continue;
		}
		assert_int_equal(nf, 21);
		entries++;
		const struct setup_question *q = NULL;
		for (size_t i = 0; i < s->nq; i++) {
			bool an;
			const char *k = setup_match(s->q[i].prompt, &an);
			if (k && !strcmp(k, f[1]) && s->q[i].qid == strtoul(f[4], NULL, 16)) {
				if (q)
					fail_msg("%s: question %s found twice", board, f[4]);
				q = &s->q[i];
				if (an != !strcmp(f[0], "analogues"))
					fail_msg("%s: %s under the wrong group", board, f[2]);
			}
		}
		if (!q)
			fail_msg("%s: %s (%s, question %s) not found", board, f[1], f[2], f[4]);
		assert_string_equal(q->prompt, f[2]);
		assert_string_equal(ifr_op_name(q->op), f[3]);
		assert_string_equal(q->formset_title, f[5]);
		char g[GUID_STR_LEN];
		guid_fmt(&q->formset_guid, g);
		assert_string_equal(g, f[6]);
		assert_true(q->has_store);
		hexeq(f[7], q->vsid, "varstore id", f[2]);
		assert_string_equal(q->vs_name, f[8]);
		guid_fmt(&q->vs_guid, g);
		assert_string_equal(g, f[9]);
		hexeq(f[10], q->vs_size, "varstore size", f[2]);
		assert_string_equal(ifr_vs_kind_name(q->vs_kind), f[11]);
		hexeq(f[12], q->var_offset, "var offset", f[2]);
		assert_int_equal(q->width, strtoul(f[13], NULL, 10));
		assert_true(q->has_range);
		assert_int_equal(q->min, strtoull(f[14], NULL, 10));
		assert_int_equal(q->max, strtoull(f[15], NULL, 10));
		assert_int_equal(q->step, strtoull(f[16], NULL, 10));
		char opts[1024] = "";
		for (size_t i = 0; i < q->nopt; i++) {
			size_t o = strlen(opts);
			snprintf(opts + o, sizeof(opts) - o, "%s%llu=%s", i ? ";" : "", (unsigned long long)q->opt[i].value, q->opt[i].text);
		}
		assert_string_equal(opts, f[17]);
		def_eq(f[18], &q->def[0], "standard", f[2]);
		def_eq(f[19], &q->def[1], "manufacturing", f[2]);
		if (strcmp(f[20], "-"))
			hexeq(f[20], (unsigned long)q->offset, "opcode offset", f[2]);
	}
	assert_true(entries >= 6);
	assert_true(absent >= 1);
	/* no more questions under a key than the dump lists */
	free(flat);
	flat = flatten(board);
	for (size_t k = 0; setup_target_keys[k]; k++) {
		size_t want = 0;
		char pat[64];
		snprintf(pat, sizeof(pat), "questions\t%s\t", setup_target_keys[k]);
		for (const char *p = flat; (p = strstr(p, pat)); p++)
			if (p == flat || p[-1] == '\n')
				want++;
		bool an;
		if (count_key(s, setup_target_keys[k], &an) != want)
			fail_msg("%s: %zu questions under %s, the dump has %zu", board, count_key(s, setup_target_keys[k], &an),
				 setup_target_keys[k], want);
	}
	free(flat);
	setup_free(s);
	file_buf_free(&fb);
}

static void test_kbl_dell(void **state)
{
	(void)state;
	check_board("ifr/kbl-r-dell-inspiron-5370", "Setup.pe32.sct");
}

static void test_icl_razer(void **state)
{
	(void)state;
	check_board("ifr/icl-razer-blade-stealth-13-2020", "Setup.pe32.sct");
}

static void test_cfl_hp_ffs(void **state)
{
	(void)state;
	check_board("ifr/cfl-hp-zhan-99-pro-g1-mt", "Setup.ffs");
}

static const struct setup_question *by_prompt(const struct setup *s, const char *path)
{
	const struct setup_question *hit = NULL;
	for (size_t i = 0; i < s->nq; i++)
		if (!strcmp(s->q[i].path, path)) {
			if (hit)
				fail_msg("%s: more than one question", path);
			hit = &s->q[i];
		}
	if (!hit)
		fail_msg("%s: not found", path);
	return hit;
}

/* The same module without its section header, and inside a firmware volume: same questions. */
static void test_bare_pe_and_volume(void **state)
{
	(void)state;
	struct file_buf fb = fixture_read("ifr/kbl-r-dell-inspiron-5370/Setup.pe32.sct");
	struct setup *sect = open_setup(fb.data, fb.len), *pe = open_setup(fb.data + 4, fb.len - 4);
	assert_string_equal(sect->input_kind, "PE32 image section");
	assert_string_equal(pe->input_kind, "PE32+ image");
	assert_int_equal(pe->nq, sect->nq);
	const char *vtd = "Setup > Chipset > System Agent (SA) Configuration > VT-d";
	assert_int_equal(by_prompt(pe, vtd)->offset + 4, by_prompt(sect, vtd)->offset);
	assert_int_equal(by_prompt(sect, vtd)->offset, 0x31acb);

	static const uint8_t name[16] = { 0xD7, 0x07, 0x94, 0x89, 0xFE, 0x99, 0xD8, 0x43, 0x9A, 0x21, 0x79, 0xEC, 0x32, 0x8C, 0xAC, 0x21 };
	struct tbuf secs = { 0 }, files = { 0 }, v = { 0 };
	tb_section(&secs, 0x10, fb.data + 4, fb.len - 4);
	tb_section_ui(&secs, "Setup");
	size_t at = tb_ffs(&files, name, 0x07, secs.p, secs.len, 1);
	(void)at;
	tb_volume(&v, (0x48 + files.len + 0xFFF) & ~(size_t)0xFFF, &files);
	struct setup *img = open_setup(v.p, v.len);
	assert_string_equal(img->input_kind, "single firmware volume");
	assert_int_equal(img->nq, sect->nq);
	assert_int_equal(img->nmod, 1);
	assert_true(img->mod[0].has_file);
	assert_string_equal(img->mod[0].ui_name, "Setup");
	assert_memory_equal(img->mod[0].file_guid.b, name, 16);
	/* the volume header (0x48) and the FFS and section headers (0x18 + 4) come before the image */
	assert_int_equal(by_prompt(img, vtd)->offset, 0x31acb - 4 + 0x48 + 0x18 + 4);
	setup_free(img);
	/* and that volume inside a UEFI capsule (HeaderSize 0x20) */
	static const uint8_t capsule_guid[16] = { 0xBD, 0x86, 0x66, 0x3B, 0x76, 0x0D, 0x30, 0x40, 0xB7, 0x0E, 0xB5, 0x51, 0x9E, 0x2F, 0xC5, 0xA0 };
	struct tbuf cap = { 0 };
	tb_put(&cap, capsule_guid, 16);
	tb_u32(&cap, 0x20);
	tb_u32(&cap, 0);
	tb_u32(&cap, (uint32_t)(0x20 + v.len));
	tb_u32(&cap, 0);
	tb_put(&cap, v.p, v.len);
	img = open_setup(cap.p, cap.len);
	assert_string_equal(img->input_kind, "UEFI capsule");
	assert_int_equal(img->nq, sect->nq);
	assert_int_equal(by_prompt(img, vtd)->offset, 0x20 + 0x31acb - 4 + 0x48 + 0x18 + 4);
	setup_free(img);
	tb_free(&cap);
	tb_free(&secs);
	tb_free(&files);
	tb_free(&v);
	setup_free(sect);
	setup_free(pe);
	file_buf_free(&fb);
}

static void test_match(void **state)
{
	(void)state;
	bool an;
	assert_string_equal(setup_match("VT-d", &an), "vtd");
	assert_false(an);
	assert_string_equal(setup_match("  Intel(R) VT for Directed I/O (VT-d) :", &an), "vtd");
	assert_string_equal(setup_match("Launch  CSM", &an), "csm");
	assert_string_equal(setup_match("Primary Graphics Adapter", &an), "primary_display");
	assert_string_equal(setup_match("IGPU Multi-Monitor", &an), "igpu_multi_monitor");
	assert_string_equal(setup_match("Virtualization Technology (VTx/VTd)", &an), "hp_virtualization_vtx_vtd");
	assert_true(an);
	assert_string_equal(setup_match("IOMMU", &an), "amd_iommu");
	assert_true(an);
	assert_null(setup_match("iTBT PCIe VTd", &an));
	assert_null(setup_match("VT-d Support for Thunderbolt", &an));
	assert_null(setup_match("CSM16 Module Version", &an));
	assert_null(setup_match("Above 4GB MMIO BIOS assignment for PCIe", &an));
}

/* Debian's OVMF: EDK2 forms in LZMA-packed modules. Facts from EDK2's Tcg2Config.vfr and
   the package census in bios-settings.md (20 form and 49 string packages). */
static void test_ovmf(void **state)
{
	(void)state;
	struct file_buf fb;
	char err[256];
	if (file_read(OVMF, FILE_MAX_FIRMWARE, &fb, err, sizeof(err)) < 0)
		fail_msg("%s (install Debian's ovmf package)", err);
	struct setup *s = open_setup(fb.data, fb.len);
	assert_int_equal(s->findings.errors, 0);

	const struct setup_question *q = by_prompt(s, "TCG2 Configuration > Attempt TPM Device");
	assert_int_equal(q->op, IFR_ONE_OF);
	assert_true(q->has_store);
	assert_int_equal(q->vs_kind, IFR_VS_EFI);
	assert_string_equal(q->vs_name, "TCG2_CONFIGURATION");
	char g[GUID_STR_LEN];
	guid_fmt(&q->vs_guid, g);
	assert_string_equal(g, "6339D487-26BA-424B-9A5D-687E25D740BC");
	assert_int_equal(q->vs_attr, 3);	/* non-volatile | boot service */
	assert_int_equal(q->vs_size, 1);
	assert_int_equal(q->var_offset, 0);
	assert_int_equal(q->width, 1);
	assert_int_equal(q->nopt, 2);
	assert_int_equal(q->opt[0].value, 1);
	assert_string_equal(q->opt[0].text, "TPM 1.2");
	assert_int_equal(q->opt[1].value, 2);
	assert_int_equal(q->def[0].kind, IFR_DEF_VALUE);
	assert_int_equal(q->def[0].value, 1);
	assert_int_equal(q->def[1].value, 1);
	assert_false(q->suppress_if);
	guid_fmt(&q->formset_guid, g);
	assert_string_equal(q->formset_title, "TCG2 Configuration");

	q = by_prompt(s, "TCG2 Configuration > Attempt PTP TPM Device Interface");
	assert_true(q->suppress_if);
	assert_string_equal(q->vs_name, "TCG2_CONFIGURATION_INFO");
	assert_int_equal(q->vs_attr, 2);	/* boot service only: not visible from Linux */
	assert_int_equal(q->nopt, 3);
	assert_string_equal(q->opt[2].text, "PTP CRB");
	assert_int_equal(q->def[0].value, 2);

	/* defaults given by EFI_IFR_DEFAULT ops on checkboxes and a numeric */
	q = by_prompt(s, "TCG2 Configuration > PCR Bank: SHA1");
	assert_int_equal(q->op, IFR_CHECKBOX);
	assert_int_equal(q->def[0].src, IFR_SRC_OPCODE);
	assert_int_equal(q->def[0].value, 1);
	assert_true(q->suppress_if);
	q = by_prompt(s, "TCG2 Configuration > PCR Bank: SHA256");
	assert_int_equal(q->def[0].value, 0);
	q = by_prompt(s, "TCG2 Configuration > TPM2 Operation Parameter");
	assert_int_equal(q->op, IFR_NUMERIC);
	assert_false(q->has_store);	/* a question without storage: VarStoreId 0 */
	assert_int_equal(q->width, 4);
	assert_int_equal(q->max, 0xFFFFFFFFu);
	assert_int_equal(q->def[0].kind, IFR_DEF_VALUE);
	assert_int_equal(q->def[0].value, 0);

	/* a buffer varstore, a gray-out-if, a form reached by REF */
	q = by_prompt(s, "Secure Boot Configuration > Attempt Secure Boot");
	assert_int_equal(q->vs_kind, IFR_VS_BUFFER);
	assert_string_equal(q->vs_name, "SECUREBOOT_CONFIGURATION");
	assert_true(q->gray_out_if);
	size_t refs = 0, disabled = 0;
	for (size_t i = 0; i < s->nq; i++) {
		refs += s->q[i].op == IFR_REF;
		disabled += s->q[i].disable_if;
	}
	assert_true(refs > 10);
	assert_true(disabled > 0);
	/* DriverHealthManagerVfr.Vfr: an interactive text (an action) inside "suppressif TRUE" */
	size_t never = 0, shown_tcg = 0;
	for (size_t i = 0; i < s->nq; i++) {
		if (!strncmp(s->q[i].path, "Driver Health Manager", 21) && s->q[i].op == IFR_ACTION) {
			assert_true(s->q[i].suppress_always);
			never++;
		}
		shown_tcg += !strncmp(s->q[i].path, "TCG2 Configuration", 18) && s->q[i].suppress_always;
	}
	assert_true(never >= 1);
	assert_int_equal(shown_tcg, 0);	/* Tcg2Config.vfr's conditions read variables, none is TRUE */

	/* every module with forms found its English strings among several languages */
	size_t forms = 0;
	for (size_t i = 0; i < s->nmod; i++) {
		forms += s->mod[i].forms;
		assert_string_equal(s->mod[i].lang, "en-US");
	}
	assert_int_equal(forms, 20);
	setup_free(s);

	/* the census of string packages over every PE image, and the languages among them */
	struct fw_image *img;
	struct diag d;
	diag_init(&d);
	assert_int_equal(fw_open(fb.data, fb.len, &img, &d), 0);
	size_t nstr = 0, nform = 0, fr = 0;
	bool langs[5] = { 0 };
	static const char *const want[5] = { "en-US", "fr-FR", "en", "fr", "x-UEFI-ns" };
	const struct fw_node *root = fw_root(img);
	const struct fw_node *n = root;
	while (n) {
		if (n->kind == FWN_SECTION && n->type == 0x10) {
			struct reader r;
			rd_init(&r, fwn_body(n), fwn_body_len(n), 0, &d);
			struct hii_scan sc;
			assert_int_equal(hii_scan(&r, &sc), 0);
			for (size_t i = 0; i < sc.npkg; i++) {
				nform += sc.pkg[i].type == HII_PKG_FORMS;
				if (sc.pkg[i].type != HII_PKG_STRINGS)
					continue;
				nstr++;
				struct reader pr;
				assert_int_equal(rd_sub_at(&r, sc.pkg[i].at, sc.pkg[i].len, &pr, "pkg"), 0);
				struct hii_strings h;
				assert_int_equal(hii_strings_parse(&pr, &h), 0);
				assert_int_equal(h.findings, 0);
				for (int k = 0; k < 5; k++)
					langs[k] |= !strcmp(h.lang, want[k]);
				if (!strcmp(h.lang, "fr-FR")) {
					/* French strings really are French: some carry non-ASCII letters */
					char buf[256];
					for (uint32_t id = 1; id <= h.count; id++) {
						const char *t = hii_string(&h, (uint16_t)id, buf, sizeof(buf));
						if (t && strstr(t, "\xC3\xA9"))	/* é */
							fr++;
					}
				}
				hii_strings_free(&h);
			}
			hii_scan_free(&sc);
		}
		if (n->first)
			n = n->first;
		else {
			while (n != root && !n->next)
				n = n->parent;
			n = n == root ? NULL : n->next;
		}
	}
	assert_int_equal(nform, 20);
	assert_int_equal(nstr, 49);
	for (int k = 0; k < 5; k++)
		if (!langs[k])
			fail_msg("no string package in %s", want[k]);
	assert_true(fr > 0);
	fw_close(img);
	diag_free(&d);
	file_buf_free(&fb);
}

/* The command: --find --json gives expected.json's field names and values (compared by python). */
static void cli_board(const char *board, const char *module)
{
	char path[600], *out, *err;
	snprintf(path, sizeof(path), "%s/%s", fixture_path(board), module);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "setup", path, "--find", "--json", NULL }), 0);
	char *dir = make_tmpdir(), js[700];
	snprintf(js, sizeof(js), "%s/out.json", dir);
	write_file(js, out, strlen(out));
	assert_cmd_prints("same\n",
		 "python3 -c 'import json,sys\n"
		 "e=json.load(open(sys.argv[1])); o=json.load(open(sys.argv[2])); bad=[]\n"
		 "F=[\"prompt\",\"opcode\",\"question_id\",\"formset\",\"varstore\",\"var_offset\",\"width_bytes\",\"min\",\"max\",\"step\",\"options\"]\n"
		 "for grp in (\"questions\",\"analogues\"):\n"
		 "  for k,l in e[grp].items():\n"
		 "    got={q[\"question_id\"]:q for q in o[grp].get(k,[])}\n"
		 "    if len(got)!=len(l): bad.append(\"count \"+k)\n"
		 "    for q in l:\n"
		 "      g=got.get(q[\"question_id\"])\n"
		 "      if not g: bad.append(\"missing \"+k); continue\n"
		 "      bad+=[k+\".\"+f for f in F if g[f]!=q[f]]\n"
		 "      for d in (\"standard\",\"manufacturing\"):\n"
		 "        if q[\"default\"][d] is not None and g[\"default\"][d]!=q[\"default\"][d]: bad.append(k+\".default.\"+d)\n"
		 "bad+=[\"absent \"+k for k in e[\"absent\"] if k not in o[\"absent\"] or k in o[\"questions\"]]\n"
		 "print(\" \".join(bad) or \"same\")' '%s/expected.json' '%s'",
		 fixture_path(board), js);
	rm_tmpdir(dir);
	run_igdkit_free(out, err);
}

static void test_cli_json(void **state)
{
	(void)state;
	cli_board("ifr/kbl-r-dell-inspiron-5370", "Setup.pe32.sct");
	cli_board("ifr/icl-razer-blade-stealth-13-2020", "Setup.pe32.sct");
	cli_board("ifr/cfl-hp-zhan-99-pro-g1-mt", "Setup.ffs");
}

static void test_cli_text_and_errors(void **state)
{
	(void)state;
	char path[600], *out, *err;
	snprintf(path, sizeof(path), "%s/Setup.pe32.sct", fixture_path("ifr/kbl-r-dell-inspiron-5370"));
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "setup", path, "--find", NULL }), 0);
	assert_non_null(strstr(out, "Setup > Chipset > System Agent (SA) Configuration > VT-d  [OneOf, question 0x492, at 0x31acb]\n"
				    "    VarStore Setup(EC87D643-EBA4-4BB5-A1E5-3F3E36B20DA9) id 0x1 size 0x14fb: offset 0x7ec, 1 byte"));
	assert_non_null(strstr(out, "absent: igpu_multi_monitor above_4g_decoding\n"));
	run_igdkit_free(out, err);
	/* not firmware, not PE: exit 3 with what the bytes look like */
	char *dir = make_tmpdir();
	snprintf(path, sizeof(path), "%s/junk.bin", dir);
	write_file(path, "hello, world, this is no firmware at all", 40);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "setup", path, NULL }), 3);
	assert_non_null(strstr(err, "not a firmware image I know"));
	run_igdkit_free(out, err);
	/* a PE image without forms: nothing found is exit 1 */
	struct file_buf gop = fixture_read("gop-efi/jsl.efi");
	snprintf(path, sizeof(path), "%s/gop.efi", dir);
	write_file(path, gop.data, gop.len);
	assert_int_equal(run_igdkit(&out, &err, (const char *const[]){ "fw", "setup", path, "--json", NULL }), 1);
	assert_non_null(strstr(out, "\"questions\": []"));
	run_igdkit_free(out, err);
	file_buf_free(&gop);
	rm_tmpdir(dir);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_kbl_dell), cmocka_unit_test(test_icl_razer),
	  cmocka_unit_test(test_cfl_hp_ffs), cmocka_unit_test(test_bare_pe_and_volume), cmocka_unit_test(test_match),
	  cmocka_unit_test(test_ovmf), cmocka_unit_test(test_cli_json), cmocka_unit_test(test_cli_text_and_errors))
