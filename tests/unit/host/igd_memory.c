/* tests for tools/host/iomem.c and tools/host/igd_memory.c: /proc/iomem, and the OpRegion at ASLS and
 * the stolen memory at BDSM read from a --root tree (proc/iomem, a sparse dev/mem), up to the verdicts */
#include "scenario.h"

#include <errno.h>
#include <fcntl.h>

#include "host/collect.h"
#include "host/iomem.h"
#include "verdict/verdict.h"

/* ivb-dell-latitude-e6430-nvs: ASLS 0xca7d7018, BDSM 0xcda00000, GGC 32 MiB (its lspci dump). */
#define IVB "hw/ivb-dell-latitude-e6430-nvs/pci-host-igd.dump"
#define ASLS 0xca7d7018u
#define BDSM 0xcda00000u
/* The ranges as an e820 map of such a laptop lays them out (hand-written: no capture has one). */
#define IOMEM_OK                                            \
	"00000000-00000fff : Reserved\n"                    \
	"00001000-0009ffff : System RAM\n"                  \
	"00100000-ca6bdfff : System RAM\n"                  \
	"  0a000000-0ae02626 : Kernel code\n"               \
	"ca6be000-ca7fefff : ACPI Non-volatile Storage\n"   \
	"ca7ff000-ca7fffff : ACPI Tables\n"                 \
	"cda00000-cf9fffff : Reserved\n"                    \
	"  cda00000-cf9fffff : Graphics Stolen Memory\n"    \
	"d0000000-febfffff : PCI Bus 0000:00\n"             \
	"  d0000000-dfffffff : 0000:00:02.0\n"

static void put32(uint8_t *b, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(v >> (8 * i));
}

/* An 8 KiB OpRegion 2.0 with the T430's VBT in mailbox 4, written into dev/mem at ASLS. */
static void put_opregion(const char *root, bool bad_signature)
{
	uint8_t op[0x2000] = { 0 };
	memcpy(op, bad_signature ? "IntelGraphicsMeM" : "IntelGraphicsMem", 16);
	put32(op + 0x10, 8);
	op[0x17] = 2;
	put32(op + 0x58, 0x1f);	/* mailboxes 1-5: the ASLE extension caps mailbox 4 at 6 KiB */
	struct file_buf vbt = fixture_read("vbt/ivb-t430.vbt");
	assert_true(vbt.len <= 0x1800);
	memcpy(op + 0x400, vbt.data, vbt.len);
	file_buf_free(&vbt);
	char p[8400];
	scn_mkdirs(root, "dev/x");
	snprintf(p, sizeof(p), "%s/dev/mem", root);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, op, sizeof(op), ASLS), (ssize_t)sizeof(op));
	close(fd);
}

static void collect_ivb(const char *iomem, int opregion, struct host_data *c, struct verdict_list *l)
{
	rm_rf(unit_dir);
	struct scn s = scn_all_ok();
	scn_build(unit_dir, &s);
	scn_text(unit_dir, "proc/iomem", iomem);
	if (opregion >= 0)
		put_opregion(unit_dir, opregion == 1);
	struct diag d;
	diag_init(&d);
	assert_int_equal(host_collect(unit_dir, fixture_path(IVB), c, &d), 0);
	diag_free(&d);
	memset(l, 0, sizeof(*l));
	check_all(c, l);
}

static void iomem_lines_depth_and_errors(void **state)
{
	(void)state;
	static const char text[] = "00000000-000fffff : Reserved\n"
				   "  000a0000-000bffff : PCI Bus 0000:00\n"
				   "garbage line\n"
				   "\n"
				   "fed00000-fed003ff : HPET 0\n"
				   "0000100-00000ff : backwards\n"
				   "100000000-46fffffff : System RAM";
	struct iomem_map m;
	struct diag d;
	diag_init(&d);
	assert_int_equal(iomem_parse(text, strlen(text), &m, &d), 0);
	assert_int_equal(m.n, 4);
	assert_true(m.addresses);
	assert_int_equal(m.v[1].depth, 1);
	assert_string_equal(m.v[1].name, "PCI Bus 0000:00");
	assert_int_equal(m.v[3].start, 0x100000000ull);
	assert_int_equal(m.v[3].end, 0x46fffffffull);
	assert_string_equal(m.v[3].name, "System RAM");
	/* the bad lines are named with the offset they start at */
	assert_int_equal(d.n, 2);
	assert_true(diag_has_at(&d, strchr(text, 'g') - text, "line 3"));
	assert_true(diag_has_at(&d, strstr(text, "0000100-") - text, "line 6"));
	assert_non_null(iomem_top_at(&m, 0x200000000ull));
	assert_string_equal(iomem_top_at(&m, 0xa0000)->name, "Reserved");	/* top level, not the nested bus */
	assert_null(iomem_top_at(&m, 0x80000000ull));
	iomem_free(&m);
	diag_free(&d);

	/* an unprivileged reader sees zeros; seventeen hex digits are not an address */
	static const char zeros[] = "00000000-00000000 : Reserved\n00000000-00000000 : System RAM\n"
				    "10000000000000000-10000000000000001 : too wide\n";
	diag_init(&d);
	assert_int_equal(iomem_parse(zeros, strlen(zeros), &m, &d), 0);
	assert_int_equal(m.n, 2);
	assert_false(m.addresses);
	assert_int_equal(d.n, 1);
	iomem_free(&m);
	diag_free(&d);
}

static void iomem_refuses_endless_maps(void **state)
{
	(void)state;
	size_t n = IOMEM_MAX_ENTRIES + 1, len = n * 16;
	char *t = malloc(len + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(t + 16 * i, "0-1 : xxxxxxxxx\n", 16);
	t[len] = 0;
	struct iomem_map m;
	struct diag d;
	diag_init(&d);
	assert_int_equal(iomem_parse(t, len, &m, &d), -1);
	assert_non_null(strstr(diag_last(&d), "more than 65536 ranges"));
	assert_null(m.v);
	assert_int_equal(m.n, 0);
	diag_free(&d);
	free(t);
}

static void opregion_and_stolen_memory_on_a_host(void **state)
{
	(void)state;
	struct host_data *c = calloc(1, sizeof(*c));
	struct verdict_list *l = calloc(1, sizeof(*l));
	collect_ivb(IOMEM_OK, 0, c, l);
	const struct igd_memory *m = &c->mem;
	assert_true(c->mem_read);
	assert_true(m->map_read);
	assert_string_equal(m->opregion.type, "ACPI Non-volatile Storage");
	assert_int_equal(m->opregion.start, 0xca6be000);
	assert_string_equal(m->stolen.type, "Reserved");
	assert_int_equal(m->stolen_bytes, 32u << 20);
	assert_true(m->stolen_covered);
	assert_int_equal(m->read_rc, 0);
	assert_int_equal(m->status, OPR_OK);
	assert_int_equal(m->oi.major, 2);
	assert_int_equal(m->vbt.source, OPR_VBT_MAILBOX4);
	/* the fixture's own header: 0x116b bytes, BDB 168 (SOURCE.md); its checksum byte is stale */
	assert_int_equal(m->vbt.size, 0x116b);
	assert_int_equal(m->bdb_version, 168);
	assert_false(m->vbt_sums_to_zero);
	struct file_buf vbt = fixture_read("vbt/ivb-t430.vbt");
	char want[65];
	sha256_hex_ext(vbt.data, 0x116b, want);
	assert_string_equal(m->vbt_sha256, want);
	file_buf_free(&vbt);

	const struct verdict *o = verdict_find(l, "opregion"), *g = verdict_find(l, "gms");
	assert_int_equal(o->status, V_OK);
	assert_non_null(strstr(o->evidence, "ASLS (0xFC) = 0xca7d7018 in \"ACPI Non-volatile Storage\" 0xca6be000-0xca7fefff"));
	assert_non_null(strstr(o->evidence, "OpRegion 2.0, 8 KiB, VBT 4459 bytes (mailbox 4, BDB version 168, checksum stale)"));
	assert_int_equal(g->status, V_OK);
	assert_non_null(strstr(g->evidence, "BDSM 0xcda00000; in \"Reserved\" 0xcda00000-0xcf9fffff"));
	assert_null(strstr(g->evidence, "shorter"));
	host_data_free(c);

	/* a stolen range shorter than GGC's 32 MiB is named */
	collect_ivb("cda00000-cdbfffff : Reserved\n", 0, c, l);
	assert_false(c->mem.stolen_covered);
	assert_non_null(strstr(verdict_find(l, "gms")->evidence, "(shorter than the stolen memory GGC gives)"));
	host_data_free(c);
	free(c);
	free(l);
}

static void broken_opregion_and_memory_in_ram(void **state)
{
	(void)state;
	struct host_data *c = calloc(1, sizeof(*c));
	struct verdict_list *l = calloc(1, sizeof(*l));

	collect_ivb(IOMEM_OK, 1, c, l);
	assert_int_equal(c->mem.status, OPR_BAD_SIGNATURE);
	const struct verdict *o = verdict_find(l, "opregion");
	assert_int_equal(o->status, V_FIX);
	assert_non_null(strstr(o->evidence, "not valid: no IntelGraphicsMem signature (offset 0x0)"));
	host_data_free(c);

	/* both in System RAM: the kernel would hand them out; and the bytes there are not read (only
	 * firmware memory is: ASLS could as well point at a device's registers) */
	collect_ivb("00100000-dfffffff : System RAM\n", 0, c, l);
	assert_int_equal(c->mem.read_rc, -ENODATA);
	assert_string_equal(c->mem.read_err, "ASLS points into \"System RAM\", not firmware memory");
	assert_int_equal(verdict_find(l, "opregion")->status, V_FIX);
	assert_non_null(strstr(verdict_find(l, "opregion")->advice, "the OpRegion lies in System RAM"));
	assert_int_equal(verdict_find(l, "gms")->status, V_FIX);
	assert_non_null(strstr(verdict_find(l, "gms")->advice, "stolen memory at BDSM is System RAM"));
	host_data_free(c);

	/* no dev/mem: the verdict stays ok on ASLS and says why the bytes were not read */
	collect_ivb(IOMEM_OK, -1, c, l);
	assert_int_equal(c->mem.read_rc, -ENOENT);
	o = verdict_find(l, "opregion");
	assert_int_equal(o->status, V_OK);
	assert_non_null(strstr(o->evidence, "its bytes not read: "));
	assert_non_null(strstr(o->evidence, "/dev/mem: No such file or directory - no /dev/mem here"));
	host_data_free(c);

	/* a non-root reader: /proc/iomem with zero addresses */
	collect_ivb("00000000-00000000 : Reserved\n", 0, c, l);
	assert_false(c->mem.map_read);
	assert_string_equal(c->mem.read_err, "no memory map (/proc/iomem) says what ASLS points at");
	assert_non_null(strstr(verdict_find(l, "gms")->evidence, "memory map: /proc/iomem shows only zero addresses (run as root)"));
	host_data_free(c);
	free(c);
	free(l);
}

static void refused_read_says_how_to_allow_it(void **state)
{
	(void)state;
	struct igd_memory m = { .read_rc = -EPERM };
	assert_non_null(strstr(igd_memory_read_hint(&m), "iomem=relaxed"));
	m.read_rc = 0;
	assert_string_equal(igd_memory_read_hint(&m), "");
}

UNIT_MAIN(unit_dir_setup, unit_dir_teardown, cmocka_unit_test(iomem_lines_depth_and_errors),
	  cmocka_unit_test(iomem_refuses_endless_maps), cmocka_unit_test(opregion_and_stolen_memory_on_a_host),
	  cmocka_unit_test(broken_opregion_and_memory_in_ram), cmocka_unit_test(refused_read_says_how_to_allow_it))
