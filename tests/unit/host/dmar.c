/* tests for tools/host/dmar.c: every fixture machine's DMAR against iasl's decode, and hostile input
 *
 * Expected values come from expected.json, which the fixture set derived from
 * `iasl -d` output (dmar.dsl); python3 flattens it to one line per fact so the
 * C side only compares strings. SATC/SIDP contents (which iasl 20200925 cannot
 * decode) are typed in from the "Raw Table Data" hex that iasl printed.
 */
#include "helpers.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/dmar.h"
#include "lib/reader.h"

static const char flatten_py[] =
	"import json,sys\n"
	"e=json.load(open(sys.argv[1]))\n"
	"d=e.get('dmar')\n"
	"if not e.get('dmar_present') or not d: print('absent'); sys.exit(0)\n"
	"h=lambda x: '0x%x' % int(x,16)\n"
	"def sc(k,i,ss):\n"
	"  for j,s in enumerate(ss):\n"
	"    print(k,i,'scope',j,s['type'],s['enumeration_id'],s['bus'],','.join('%x.%x'%(p[0],p[1]) for p in s['path']))\n"
	"print('length',d['table_length']); print('revision',d['revision'])\n"
	"print('oem [%s] [%s]' % (d['oem_id'], d['oem_table_id']))\n"
	"print('haw',d['host_address_width_bits']); print('flags',d['flags_raw'])\n"
	"for i,u in enumerate(d['drhd']):\n"
	"  print('drhd',i,h(u['base']),int(u['include_pci_all']),u['segment'],len(u['scopes'])); sc('drhd',i,u['scopes'])\n"
	"for i,u in enumerate(d['rmrr']):\n"
	"  print('rmrr',i,h(u['base']),h(u['end']),u['segment'],len(u['scopes'])); sc('rmrr',i,u['scopes'])\n"
	"for i,u in enumerate(d['atsr']):\n"
	"  print('atsr',i,int(u['all_ports']),u['segment'],len(u['scopes'])); sc('atsr',i,u['scopes'])\n"
	"for i,u in enumerate(d['rhsa']):\n"
	"  print('rhsa',i,h(u['base']),u['proximity_domain'])\n"
	"for i,u in enumerate(d['andd']):\n"
	"  f=u['fields']; print('andd',i,int(f['Device Number'],16),f['Device Name'].strip('\"'))\n"
	"print('satc',len(d['satc']))\n"
	"print('graphics_drhd',h(d['graphics_drhd']) if d['graphics_drhd'] else 'none')\n"
	"print('igd_rmrr',int(d['igd_rmrr']))\n";

static char *run_flatten(const char *expected_json)
{
	char script[] = "/tmp/igdkit-dmar-py-XXXXXX";
	int fd = mkstemp(script);
	assert_true(fd >= 0);
	FILE *sf = fdopen(fd, "w");
	fputs(flatten_py, sf);
	fclose(sf);
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "python3 %s '%s'", script, expected_json);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);
	size_t k;
	while ((k = fread(out + len, 1, cap - len - 1, p)) > 0)
		len += k;
	out[len] = 0;
	assert_int_equal(pclose(p), 0);
	unlink(script);
	return out;
}

static void put(char **buf, size_t *len, size_t *cap, const char *fmt, ...) PRINTF_LIKE(4, 5);
static void put(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if ((size_t)n < *cap - *len) {
			*len += (size_t)n;
			return;
		}
		*cap *= 2;
		*buf = realloc(*buf, *cap);
	}
}

static void put_scopes(char **b, size_t *l, size_t *c, const char *k, size_t i, const struct dmar_table *t,
		       const struct dmar_unit *u)
{
	for (size_t j = 0; j < u->nscope; j++) {
		const struct dmar_scope *s = dmar_unit_scope(t, u, j);
		put(b, l, c, "%s %zu scope %zu %u %u %u ", k, i, j, s->type, s->enum_id, s->bus);
		for (size_t h = 0; h < s->npath; h++) {
			const uint8_t *hop = dmar_scope_hop(t, s, h);
			put(b, l, c, "%s%x.%x", h ? "," : "", hop[0], hop[1]);
		}
		put(b, l, c, "\n");
	}
}

/* The same facts, in the same order, from igdkit's parser. */
static char *flatten_ours(const struct dmar_table *t)
{
	size_t cap = 4096, len = 0;
	char *b = malloc(cap);
	b[0] = 0;
	put(&b, &len, &cap, "length %u\nrevision %u\noem [%s] [%s]\nhaw %u\nflags %u\n", t->length, t->revision,
	    t->oem_id, t->oem_table_id, t->haw_raw + 1u, t->flags);
	static const char *const keys[] = { "drhd", "rmrr", "atsr", "rhsa", "andd" };
	for (unsigned type = 0; type < 5; type++) {
		size_t i = 0;
		for (size_t n = 0; n < t->nunits; n++) {
			const struct dmar_unit *u = &t->units[n];
			if (u->type != type)
				continue;
			switch (type) {
			case DMAR_DRHD:
				put(&b, &len, &cap, "drhd %zu 0x%llx %d %u %zu\n", i, (unsigned long long)u->base,
				    u->flags & 1, u->segment, u->nscope);
				break;
			case DMAR_RMRR:
				put(&b, &len, &cap, "rmrr %zu 0x%llx 0x%llx %u %zu\n", i, (unsigned long long)u->base,
				    (unsigned long long)u->limit, u->segment, u->nscope);
				break;
			case DMAR_ATSR:
				put(&b, &len, &cap, "atsr %zu %d %u %zu\n", i, u->flags & 1, u->segment, u->nscope);
				break;
			case DMAR_RHSA:
				put(&b, &len, &cap, "rhsa %zu 0x%llx %u\n", i, (unsigned long long)u->base, u->proximity);
				break;
			case DMAR_ANDD:
				put(&b, &len, &cap, "andd %zu %u %s\n", i, u->acpi_dev, u->name);
				break;
			}
			if (type != DMAR_RHSA && type != DMAR_ANDD)
				put_scopes(&b, &len, &cap, keys[type], i, t, u);
			i++;
		}
	}
	put(&b, &len, &cap, "satc %zu\n", dmar_count(t, DMAR_SATC));
	const struct dmar_unit *g = dmar_graphics_drhd(t);
	if (g)
		put(&b, &len, &cap, "graphics_drhd 0x%llx\n", (unsigned long long)g->base);
	else
		put(&b, &len, &cap, "graphics_drhd none\n");
	put(&b, &len, &cap, "igd_rmrr %d\n", dmar_rmrr_for(t, 0, 2, 0) != NULL);
	return b;
}

static void test_every_fixture_machine_matches_iasl(void **state)
{
	(void)state;
	DIR *dir = opendir(fixture_path("hw"));
	assert_non_null(dir);
	struct dirent *e;
	int machines = 0, with_dmar = 0;
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char rel[512];
		snprintf(rel, sizeof(rel), "hw/%s/expected.json", e->d_name);
		FILE *probe = fopen(fixture_path(rel), "r");
		if (!probe)
			continue;
		fclose(probe);
		machines++;
		char *want = run_flatten(fixture_path(rel));
		if (!strcmp(want, "absent\n")) {
			free(want);
			continue;
		}
		with_dmar++;
		snprintf(rel, sizeof(rel), "hw/%s/dmar.bin", e->d_name);
		struct file_buf fb = fixture_read(rel);
		struct dmar_table t;
		struct diag d;
		diag_init(&d);
		assert_int_equal(dmar_parse(fb.data, fb.len, &t, &d), 0);
		if (d.errors)
			fail_msg("%s: %s", e->d_name, diag_last(&d));
		assert_true(t.checksum_ok);
		char *got = flatten_ours(&t);
		if (strcmp(got, want))
			fail_msg("%s: DMAR decode differs from iasl\n--- iasl\n%s--- igdkit\n%s", e->d_name, want, got);
		free(got);
		free(want);
		dmar_free(&t);
		diag_free(&d);
		file_buf_free(&fb);
	}
	closedir(dir);
	assert_int_equal(machines, 16);
	assert_int_equal(with_dmar, 11);
}

/* iasl 20200925 cannot decode types 5 and 6; the bytes come from its "Raw Table Data" dump:
 *   0060: ... 05 00 18 00 01 00 00 00   SATC, length 0x18, flags 1, segment 0
 *   0070: 01 08 00 00 00 00 02 00 01 08 00 00 00 00 0B 00   endpoint 0:02.0, endpoint 0:0b.0
 *   0080: 06 00 18 00 00 00 00 00 01 08 1F 00 00 00 02 00   SIDP, length 0x18; endpoint flags 0x1f 0:02.0
 *   0090: 01 08 1C 00 00 00 0B 00                           endpoint flags 0x1c 0:0b.0 */
static void test_meteor_lake_satc_and_sidp(void **state)
{
	(void)state;
	struct file_buf fb = fixture_read("hw/mtl-msi-claw-a1m-E9FB50149AEE/dmar.bin");
	struct dmar_table t;
	struct diag d;
	diag_init(&d);
	assert_int_equal(dmar_parse(fb.data, fb.len, &t, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(dmar_count(&t, DMAR_SATC), 1);
	assert_int_equal(dmar_count(&t, DMAR_SIDP), 1);
	const struct dmar_unit *satc = NULL, *sidp = NULL;
	for (size_t i = 0; i < t.nunits; i++) {
		if (t.units[i].type == DMAR_SATC)
			satc = &t.units[i];
		if (t.units[i].type == DMAR_SIDP)
			sidp = &t.units[i];
	}
	assert_int_equal(satc->off, 0x68);
	assert_int_equal(satc->length, 0x18);
	assert_int_equal(satc->flags, 1);
	assert_int_equal(satc->nscope, 2);
	assert_true(dmar_scope_is(&t, dmar_unit_scope(&t, satc, 0), 0, 2, 0));
	assert_true(dmar_scope_is(&t, dmar_unit_scope(&t, satc, 1), 0, 0xb, 0));
	assert_int_equal(sidp->off, 0x80);
	assert_int_equal(sidp->nscope, 2);
	assert_int_equal(dmar_unit_scope(&t, sidp, 0)->flags, 0x1f);
	assert_int_equal(dmar_unit_scope(&t, sidp, 1)->flags, 0x1c);
	assert_true(dmar_scope_is(&t, dmar_unit_scope(&t, sidp, 1), 0, 0xb, 0));
	assert_string_equal(t.oem_id, "MSI_NB");
	dmar_free(&t);
	diag_free(&d);
	file_buf_free(&fb);
}

static void fix_checksum(uint8_t *b, size_t len)
{
	uint8_t s = 0;
	b[9] = 0;
	for (size_t i = 0; i < len; i++)
		s = (uint8_t)(s + b[i]);
	b[9] = (uint8_t)(0x100 - s);
}

/* A small valid table: header + DRHD(00:02.0) + RMRR(00:02.0). */
static size_t make_table(uint8_t *b)
{
	memset(b, 0, 128);
	memcpy(b, "DMAR", 4);
	b[8] = 1;
	memcpy(b + 10, "IGDKIT", 6);
	b[36] = 38;
	b[37] = 1;
	size_t o = 48;
	uint8_t drhd[24] = { 0, 0, 24, 0, 0, 0, 0, 0, 0, 0, 0xd9, 0xfe, 0, 0, 0, 0, 1, 8, 0, 0, 0, 0, 2, 0 };
	memcpy(b + o, drhd, sizeof(drhd));
	o += sizeof(drhd);
	uint8_t rmrr[32] = { 1, 0, 32, 0, 0, 0, 0, 0, 0, 0, 0x80, 0xcd, 0, 0, 0, 0,
			     0xff, 0xff, 0x9f, 0xcf, 0, 0, 0, 0, 1, 8, 0, 0, 0, 0, 2, 0 };
	memcpy(b + o, rmrr, sizeof(rmrr));
	o += sizeof(rmrr);
	put_le32(b + 4, (uint32_t)o);
	fix_checksum(b, o);
	return o;
}

static void test_small_table_and_every_truncation(void **state)
{
	(void)state;
	uint8_t b[128];
	size_t len = make_table(b);
	struct dmar_table t;
	struct diag d;
	diag_init(&d);
	assert_int_equal(dmar_parse(b, len, &t, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(t.haw_raw, 38);
	assert_non_null(dmar_graphics_drhd(&t));
	assert_non_null(dmar_rmrr_for(&t, 0, 2, 0));
	dmar_free(&t);
	/* Cut anywhere: the header's Length no longer fits, and the error names offset 4. */
	for (size_t cut = 0; cut < len; cut++) {
		diag_clear(&d);
		assert_int_equal(dmar_parse(b, cut, &t, &d), -1);
		assert_true(d.errors > 0);
		dmar_free(&t);
	}
	diag_clear(&d);
	dmar_parse(b, len - 1, &t, &d);
	assert_non_null(strstr(diag_last(&d), "truncated"));
	assert_int_equal(d.v[d.n - 1].off, 4);
	dmar_free(&t);
	diag_free(&d);
}

static void test_hostile_lengths(void **state)
{
	(void)state;
	uint8_t b[128];
	struct dmar_table t;
	struct diag d;
	diag_init(&d);

	/* structure Length 0 at 48: an error at 50, no endless loop */
	size_t len = make_table(b);
	b[50] = 0;
	b[51] = 0;
	fix_checksum(b, len);
	assert_int_equal(dmar_parse(b, len, &t, &d), 0);
	assert_true(d.errors > 0);
	assert_non_null(strstr(diag_last(&d), "shorter than the 4-byte structure header"));
	assert_int_equal(d.v[d.n - 1].off, 50);
	dmar_free(&t);

	/* structure Length past the end */
	diag_clear(&d);
	len = make_table(b);
	b[50] = 0xff;
	fix_checksum(b, len);
	dmar_parse(b, len, &t, &d);
	assert_non_null(strstr(diag_last(&d), "runs past the table end"));
	dmar_free(&t);

	/* device scope Length 0 inside the DRHD (scope at 64) */
	diag_clear(&d);
	len = make_table(b);
	b[65] = 0;
	fix_checksum(b, len);
	dmar_parse(b, len, &t, &d);
	assert_non_null(strstr(diag_last(&d), "shorter than its 6-byte header"));
	assert_int_equal(d.v[d.n - 1].off, 64);
	/* the RMRR after the broken DRHD is still decoded */
	assert_non_null(dmar_rmrr_for(&t, 0, 2, 0));
	dmar_free(&t);

	/* odd scope length */
	diag_clear(&d);
	len = make_table(b);
	b[65] = 7;
	fix_checksum(b, len);
	dmar_parse(b, len, &t, &d);
	assert_non_null(strstr(diag_last(&d), "half a path entry"));
	dmar_free(&t);

	/* DRHD shorter than its fixed part */
	diag_clear(&d);
	len = make_table(b);
	b[50] = 8;
	fix_checksum(b, len);
	dmar_parse(b, len, &t, &d);
	assert_true(d.errors > 0);
	assert_int_equal(d.v[0].off, 48);
	dmar_free(&t);

	/* wrong signature, bad checksum, absurd Length */
	diag_clear(&d);
	len = make_table(b);
	b[0] = 'X';
	assert_int_equal(dmar_parse(b, len, &t, &d), -1);
	assert_non_null(strstr(diag_last(&d), "signature"));
	diag_clear(&d);
	len = make_table(b);
	b[9] ^= 1;
	assert_int_equal(dmar_parse(b, len, &t, &d), 0);
	assert_false(t.checksum_ok);
	dmar_free(&t);
	diag_clear(&d);
	len = make_table(b);
	put_le32(b + 4, 0xffffffffu);
	assert_int_equal(dmar_parse(b, len, &t, &d), -1);
	diag_free(&d);
}

static void test_reserved_type_and_andd(void **state)
{
	(void)state;
	uint8_t b[128];
	memset(b, 0, sizeof(b));
	memcpy(b, "DMAR", 4);
	b[36] = 38;
	/* ANDD with an unterminated name, then a reserved type 9 */
	uint8_t andd[12] = { 4, 0, 12, 0, 0, 0, 0, 3, '\\', '_', 'S', 'B' };
	memcpy(b + 48, andd, sizeof(andd));
	uint8_t res[8] = { 9, 0, 8, 0, 1, 2, 3, 4 };
	memcpy(b + 60, res, sizeof(res));
	put_le32(b + 4, 68);
	fix_checksum(b, 68);
	struct dmar_table t;
	struct diag d;
	diag_init(&d);
	assert_int_equal(dmar_parse(b, 68, &t, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(t.nunits, 2);
	assert_int_equal(t.units[0].acpi_dev, 3);
	assert_string_equal(t.units[0].name, "\\_SB");
	assert_int_equal(t.units[1].type, 9);
	assert_int_equal(t.units[1].off, 60);
	dmar_free(&t);
	diag_free(&d);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_every_fixture_machine_matches_iasl),
	  cmocka_unit_test(test_meteor_lake_satc_and_sidp), cmocka_unit_test(test_small_table_and_every_truncation),
	  cmocka_unit_test(test_hostile_lengths), cmocka_unit_test(test_reserved_type_and_andd))
