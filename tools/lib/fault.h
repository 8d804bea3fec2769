/* fault.h - named fault points for tests (SQLite's SimulateIOError idea)
 *
 * Code that writes to a user's disk marks each step with FAULT("install.rename").
 * Normally a fault point costs one getenv. Tests set:
 *   IGDKIT_FAULT=NAME        the point NAME fails every time (FAULT() returns true: the
 *                            caller takes its error path and rolls back);
 *   IGDKIT_FAULT=NAME#K      only its K-th pass fails (1-based);
 *   ...:crash suffix         the process _exits(FAULT_CRASH_STATUS) there instead, like a
 *                            power cut: nothing is rolled back, --undo must cope;
 *   IGDKIT_FAULT_TRACE=FILE  every pass is appended to FILE as "NAME#K", one a line,
 *                            so a test can enumerate them and fail each in turn.
 * Test-only: nothing on the stick sets these variables.
 */
#ifndef IGDKIT_FAULT_H
#define IGDKIT_FAULT_H

#include <stdbool.h>

#define FAULT_CRASH_STATUS 86

/* True when the point named name must fail now. */
bool fault_hit(const char *name);

#define FAULT(name) fault_hit(name)

/* Starts the pass counts over (tests: one run = one count). */
void fault_reset(void);

#endif
