/* disk_drivers.h - on the stick, the disk controllers' drivers arrive after the menu starts
 *
 * The stick's /init loads only what finding its own partition needs before the menu or the
 * autorun starts; the drivers of SATA, NVMe, eMMC and virtio controllers come from the initrd's
 * second part, loaded in the background while a marker file exists. Whatever looks for disks
 * waits for that first, so no disk is missed because its driver was still on the way.
 */
#ifndef IGDKIT_HOST_DISK_DRIVERS_H
#define IGDKIT_HOST_DISK_DRIVERS_H

#include <stdbool.h>

/* The marker the stick's background driver step holds while it works. */
#define HOST_DISK_DRIVERS_PENDING "/run/igdkit/drivers.pending"

/* Waits until the file `pending` is gone, at most timeout_ms; true when it is (at once where it
 * never existed: a normal Linux host, the unit tests), false after the timeout. */
bool host_disk_drivers_settle(const char *pending, unsigned timeout_ms);

/* host_disk_drivers_settle(HOST_DISK_DRIVERS_PENDING, two minutes): what callers use. A timeout
 * is not an error for them: they look at the disks there are. */
bool host_disk_drivers_wait(void);

#endif
