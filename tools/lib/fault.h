/* fault.h - named fault points for tests (SQLite's SimulateIOError idea)
 *
 * Code that writes to a user's disk marks each step with FAULT("install.rename").
 * Normally a fault point costs one getenv. Tests set:
 *   IGDKIT_FAULT=NAME        the point NAME fails (FAULT() returns true: the caller
 *                            takes its error path and rolls back), or
 *   IGDKIT_FAULT=NAME:crash  the process _exits(FAULT_CRASH_STATUS) at NAME, like a
 *                            power cut: nothing is rolled back, --undo must cope;
 *   IGDKIT_FAULT_TRACE=FILE  every point reached is appended to FILE, one name a line,
 *                            so a test can enumerate the points and fail each in turn.
 * Test-only: nothing on the stick sets these variables.
 */
#ifndef IGDKIT_FAULT_H
#define IGDKIT_FAULT_H

#include <stdbool.h>

#define FAULT_CRASH_STATUS 86

/* True when the point named name must fail now. */
bool fault_hit(const char *name);

#define FAULT(name) fault_hit(name)

#endif
