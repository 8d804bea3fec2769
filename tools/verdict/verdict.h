/* verdict.h - one verdict (ok / fix / unknown, evidence, advice) per prerequisite
 *
 * host/collect.c reads the machine into a host_data; each verdict file (vtx.c, vtd.c,
 * iommu.c, igd.c, bootmode.c, gms.c, hostkernel.c, breakages.c) turns part of it into
 * verdicts. The check command prints them; the menu shows the same list. bios_setup.h adds the
 * BIOS Setup values of a firmware file to them (check_bios_setup, after check_all).
 */
#ifndef IGDKIT_VERDICT_H
#define IGDKIT_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "host/collect.h"
#include "lib/diag.h"

enum verdict_status { V_OK, V_FIX, V_UNKNOWN };

struct verdict {
	const char *id;
	enum verdict_status status;
	char evidence[1200];
	char advice[800];
};

#define VERDICTS_MAX 40
struct verdict_list {
	struct verdict v[VERDICTS_MAX];
	size_t n;
};


/* verdicts.c */
struct verdict *verdict_add(struct verdict_list *l, const char *id, enum verdict_status s);
void verdict_evidence(struct verdict *v, const char *fmt, ...) PRINTF_LIKE(2, 3);
/* Appends to the evidence (cut at its size like verdict_evidence). */
void verdict_evidence_add(struct verdict *v, const char *fmt, ...) PRINTF_LIKE(2, 3);
void verdict_advice(struct verdict *v, const char *fmt, ...) PRINTF_LIKE(2, 3);
const struct verdict *verdict_find(const struct verdict_list *l, const char *id);
const char *verdict_status_name(enum verdict_status s);
bool verdicts_need_fix(const struct verdict_list *l);

/* one file each */
void check_vtx(const struct host_data *c, struct verdict_list *l);
void check_vtd(const struct host_data *c, struct verdict_list *l);
void check_iommu(const struct host_data *c, struct verdict_list *l);
void check_igd(const struct host_data *c, struct verdict_list *l);
void check_bootmode(const struct host_data *c, struct verdict_list *l);
void check_gms(const struct host_data *c, struct verdict_list *l);
void check_hostkernel(const struct host_data *c, struct verdict_list *l);
void check_breakages(const struct host_data *c, struct verdict_list *l);
/* All of the above in report order. */
void check_all(const struct host_data *c, struct verdict_list *l);

/* cmdline helpers (hostkernel.c): is a word (or "word=" prefix) on the command line? */
bool cmdline_has(const char *cmdline, const char *word);
bool cmdline_has_prefix(const char *cmdline, const char *prefix, char *found, size_t len);

#endif
