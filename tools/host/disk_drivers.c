/* disk_drivers.c - wait for the stick's background driver step before looking at disks
 *
 * A polled marker file, not an inotify watch: the wait is normally over before anyone gets to a
 * disk picker, and polling every 50 ms needs no more than stat(2).
 */
#include "host/disk_drivers.h"

#include <errno.h>
#include <sys/stat.h>
#include <time.h>

bool host_disk_drivers_settle(const char *pending, unsigned timeout_ms)
{
	const struct timespec step = { 0, 50 * 1000 * 1000 };
	for (unsigned waited = 0;; waited += 50) {
		struct stat st;
		if (stat(pending, &st) != 0 && errno == ENOENT)
			return true;
		if (waited >= timeout_ms)
			return false;
		nanosleep(&step, NULL);
	}
}

bool host_disk_drivers_wait(void)
{
	return host_disk_drivers_settle(HOST_DISK_DRIVERS_PENDING, 120000);
}
