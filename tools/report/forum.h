/* forum.h - the report a person pastes into a forum post: check, firmware and ROM findings, the
 * plan, what was written and the logs, in one text file with identifying numbers masked
 *
 * `igdkit report` and the menu's Report entry both build it here. The menu leaves its findings
 * on the stick (logs/rom-*.txt, logs/plan-*.txt, logs/menu.log), install leaves its manifests
 * (logs/install-*.manifest); the report gathers the newest of each.
 */
#ifndef IGDKIT_REPORT_FORUM_H
#define IGDKIT_REPORT_FORUM_H

#include <stddef.h>

#include "lib/diag.h"

/* Masks in place, keeping the length: MAC addresses, UUIDs/GUIDs (8-4-4-4-12), LVM UUIDs
 * (6-4-4-4-4-4-6) and the value after a "serial" key (Serial Number:, SerialNumber=, ...)
 * become x's. Returns how many were masked. */
size_t report_mask(char *text);

/* The whole report (allocated, already masked; NULL when memory ran out): a header, check_text,
 * then the stick's findings and logs under stick (NULL: none). masked gets report_mask's count. */
char *forum_report_build(const char *stick, const char *check_text, size_t *masked, struct diag *d);

/* Saves text as DIR/igdkit-report-<UTC time>.txt atomically; path gets the name. */
int forum_report_save(const char *dir, const char *text, char *path, size_t pathlen, struct diag *d);
/* Now, UTC, as the stick's file names carry it (20260307T101500Z): names sort by time. */
void report_stamp(char *buf, size_t len);

#endif
