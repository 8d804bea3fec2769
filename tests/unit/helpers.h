/* helpers.h - shared by unit tests: fixture paths, file slurping, running igdkit */
#ifndef IGDKIT_TEST_HELPERS_H
#define IGDKIT_TEST_HELPERS_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "host/facts.h"
#include "lib/diag.h"
#include "lib/file.h"

/* $FIXTURES/rel (FIXTURES is set by tests/run-unit.sh; default ../shared/fixtures). */
const char *fixture_path(const char *rel);
/* Reads a fixture or fails the test. */
struct file_buf fixture_read(const char *rel);
/* Lowercase hex sha256 of a buffer, via sha256sum(1) so the expected values never come from igdkit. */
void sha256_hex_ext(const void *data, size_t len, char out[65]);
/* Runs build/igdkit (or $IGDKIT_BIN) with argv; captures stdout and stderr; returns the exit status. */
int run_igdkit(char **out, char **err, const char *const *argv);
/* Runs igdkit with argv (status in *rc), then python3 EXPR over its JSON stdout as `d`, so that
 * the expected values are read with python's json module, never igdkit's; returns python's
 * output (free it). */
char *run_igdkit_json(int *rc, const char *const *argv, const char *expr);
/* The formatted shell command exits 0 and prints exactly want. */
void assert_cmd_prints(const char *want, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* run_igdkit for its exit status alone (the output is dropped). */
int run_igdkit_status(const char *const *argv);
/* Frees what run_igdkit captured. */
void run_igdkit_free(char *out, char *err);
/* A fresh temporary directory (the caller removes it with rm_tmpdir). */
char *make_tmpdir(void);
void rm_rf(const char *dir);
/* rm_rf, then frees the name make_tmpdir returned. */
void rm_tmpdir(char *dir);
void write_file(const char *path, const void *data, size_t len);
/* The ROM `igdkit rom make` writes for OVMF: igdkit's IGD assignment and GOP policy drivers, then the
 * fixture GOP driver gop_rel, each wrapped as EfiRom does, PCIR 8086:device. */
struct file_buf chain_rom(const char *gop_rel, uint16_t device);

/* Intel iGPU 8086:device of generation gen and platform (VGA class), the boot display with
 * 64 MiB DVMT (GMS 2) in its own IOMMU group; everything else unknown or zero, for the callers
 * to fill. */
struct machine_facts facts_igd(uint16_t device, int gen, const char *platform);

/* d holds a message at offset off that contains text. */
bool diag_has_at(const struct diag *d, uint64_t off, const char *text);

/* SQL that adds /etc/pve/mapping/pci.cfg (PVE 8's PCI resource mappings) to a fixture's config.db
 * as pmxcfs would hold it: directory `mapping` and file `pci.cfg` at new inodes 1000 and 1001,
 * __version__ raised to match. TEXT is an SQL text expression (the file's lines). */
#define PCIMAP_SQL(TEXT) \
	"insert into tree values (1000, 0, 1000, 0, 1700000000, 4, 'mapping', NULL); " \
	"insert into tree values (1001, 1000, 1001, 0, 1700000000, 8, 'pci.cfg', cast(" TEXT " as blob)); " \
	"update tree set version = 1001 where inode = 0;"
/* A pci.cfg whose mapping `igpu` holds this host's 00:02.0 on node NODE (a second path as an
 * alternative, as the GUI writes for several nodes' devices), and `nic` another device. */
#define PCIMAP_IGPU_ON(NODE) \
	"'# PCI resource mappings' || char(10) || 'nic' || char(10) || char(9) || " \
	"'map id=8086:15b8,iommugroup=12,node=pve,path=0000:03:00.0' || char(10) || char(10) || " \
	"'igpu' || char(10) || char(9) || 'description iGPU' || char(10) || char(9) || " \
	"'map id=8086:3e92,iommugroup=0,node=" NODE ",path=0000:01:00.0;0000:00:02.0' || char(10)"

/* Group setup and teardown for a test program whose tests share one temporary directory: its
 * path is in unit_dir between the two. */
extern char *unit_dir;
int unit_dir_setup(void **state);
int unit_dir_teardown(void **state);

/* A test program's main: runs the tests given as cmocka_unit_test(...) entries, in order, between
 * the group's setup and teardown functions (NULL: none). */
#define UNIT_MAIN(setup, teardown, ...)                                          \
	int main(void)                                                           \
	{                                                                        \
		const struct CMUnitTest unit_tests_[] = { __VA_ARGS__ };         \
		return cmocka_run_group_tests(unit_tests_, setup, teardown);     \
	}

#endif
