/* check_report.h - check's output: aligned text (colour on a terminal), JSON, the stick's report file */
#ifndef IGDKIT_REPORT_CHECK_REPORT_H
#define IGDKIT_REPORT_CHECK_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "verdict/verdict.h"
#include "plan/decide.h"
#include "verdict/bios_setup.h"

void report_text(FILE *f, const struct host_data *c, const struct bios_setup *bs, const struct verdict_list *l, const struct igd_plan *p,
		 bool colour);
void report_json(FILE *f, const struct host_data *c, const struct bios_setup *bs, const struct verdict_list *l, const struct igd_plan *p,
		 int exit_code);
/* Writes the text report to DIR/logs/check-<UTC timestamp>.txt atomically; path gets the file name. */
int report_write_stick(const char *dir, const struct host_data *c, const struct bios_setup *bs, const struct verdict_list *l,
		       const struct igd_plan *p, char *path, size_t pathlen, char *err, size_t errlen);

/* One check of a machine, as `igdkit check` makes it without a target: the facts, the verdicts
 * and the plan for an unknown QEMU version. The menu and `igdkit report` start from this. */
struct check_run {
	struct host_data *c;
	struct verdict_list *l;
	struct igd_plan *p;
	int collect_rc;		/* host_collect's: -1 when PCI could not be read */
};
/* -1 only when memory ran out; everything unreadable stays "unknown" with a note in d. */
int check_run(const char *root, const char *pci_dump, struct check_run *r, struct diag *d);
void check_run_free(struct check_run *r);
/* report_text of the run without colour (allocated; NULL when memory ran out). */
char *check_run_text(const struct check_run *r);

#endif
