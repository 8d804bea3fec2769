/* firmware_access.h - what the menu may ask of this machine's firmware: boot into setup next
 * time (OsIndications), the shadowed legacy VBIOS through sysfs, and why the flash itself
 * cannot be read from here
 */
#ifndef IGDKIT_HOST_FIRMWARE_ACCESS_H
#define IGDKIT_HOST_FIRMWARE_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"
#include "lib/file.h"

/* Sets EFI_OS_INDICATIONS_BOOT_TO_FW_UI in OsIndications (as `systemctl reboot
 * --firmware-setup` does) when OsIndicationsSupported allows it. The caller reboots. */
int fw_request_setup_on_next_boot(struct diag *d);

/* Reads the ROM the kernel exposes for PCI function bdf ("0000:00:02.0") through sysfs: on a
 * CSM boot that is the shadowed legacy VBIOS at 0xC0000. Enables the attribute, reads, disables. */
int host_read_pci_rom(const char *bdf, struct file_buf *out, struct diag *d);

/* Whether this stick can read the BIOS region of the SPI flash, and in plain words why not:
 * kernel lockdown (Secure Boot), no /dev/mem, or no flash reader in this build. */
bool host_flash_readable(char *why, size_t len);

#endif
