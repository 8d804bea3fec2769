/* report.h - check's output: aligned text (colour on a terminal), JSON, the stick's report file */
#ifndef IGDKIT_CHECK_REPORT_H
#define IGDKIT_CHECK_REPORT_H

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

#endif
