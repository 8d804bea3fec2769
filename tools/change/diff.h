/* diff.h - showing a plan before anything is written: unified diffs */
#ifndef IGDKIT_CHANGE_DIFF_H
#define IGDKIT_CHANGE_DIFF_H

#include <stddef.h>

#include "lib/json.h"
#include "plan/changes.h"

/* Unified diff (3 lines of context) of old -> new, with --- a/PATH +++ b/PATH headers.
 * Allocated text; "" when equal. */
char *diff_unified(const char *label_a, const char *label_b, const char *old, size_t oldlen, const char *new,
		   size_t newlen);
/* The whole plan as text, one diff per change. */
char *diff_plan(const struct install_plan *p);
/* The plan's changes as a JSON array under key: path, what, new_file (install's and repair's). */
void diff_plan_json(struct json *j, const char *key, const struct install_plan *p);

#endif
