/* firmware_access.h - what the menu may ask of this machine's firmware: boot into setup next
 * time (OsIndications), the shadowed legacy VBIOS through sysfs, and the BIOS region of the
 * flash (libflashrom)
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

/* Whether reading the SPI flash may work here, and in plain words why not (kernel lockdown under
 * Secure Boot refuses the raw memory and port access it needs) or what it needs. */
bool host_flash_readable(char *why, size_t len);

/* The flash descriptor and BIOS region of this machine's SPI flash (the rest reads as 0xFF), as
 * an image `fw` and `rom make` walk, through libflashrom's internal programmer (loaded at run
 * time; flash.c). Read only. -1 with the reason and what to do instead in d. */
int host_flash_read_bios(struct file_buf *out, struct diag *d);

#endif
