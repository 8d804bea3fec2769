/* firmware_access.c - boot to setup, the sysfs ROM, and the flash question */
#include "host/firmware_access.h"

#include <efivar/efivar.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OS_INDICATIONS_BOOT_TO_FW_UI 0x1ull

int fw_request_setup_on_next_boot(struct diag *d)
{
	if (access("/sys/firmware/efi", F_OK) != 0)
		return diag_err(d, DIAG_NO_OFFSET, "this is a legacy (CSM) boot: press the setup key (often Del, F2 or F10) while the machine starts");
	uint8_t *data = NULL;
	size_t size = 0;
	uint32_t attr = 0;
	uint64_t supported = 0;
	if (efi_get_variable(EFI_GLOBAL_GUID, "OsIndicationsSupported", &data, &size, &attr) < 0 || size < 8)
		supported = 0;
	else
		memcpy(&supported, data, 8);
	free(data);
	if (!(supported & OS_INDICATIONS_BOOT_TO_FW_UI))
		return diag_err(d, DIAG_NO_OFFSET, "the firmware does not offer \"boot to setup\": press the setup key (often Del, F2 or F10) while the machine starts");
	uint64_t ind = 0;
	data = NULL;
	if (efi_get_variable(EFI_GLOBAL_GUID, "OsIndications", &data, &size, &attr) == 0 && size >= 8)
		memcpy(&ind, data, 8);
	free(data);
	ind |= OS_INDICATIONS_BOOT_TO_FW_UI;
	if (efi_set_variable(EFI_GLOBAL_GUID, "OsIndications", (uint8_t *)&ind, sizeof(ind),
			     EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS,
			     0644) < 0)
		return diag_err(d, DIAG_NO_OFFSET, "could not set OsIndications: %s", strerror(errno));
	return 0;
}

static int write_attr(const char *path, const char *v)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, v, strlen(v));
	close(fd);
	return n == (ssize_t)strlen(v) ? 0 : -1;
}

int host_read_pci_rom(const char *bdf, struct file_buf *out, struct diag *d)
{
	char path[128], err[256];
	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/rom", bdf);
	if (access(path, F_OK) != 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s has no ROM attribute: no device there, or the kernel shows no ROM for it", bdf);
	if (write_attr(path, "1") < 0)
		return diag_err(d, DIAG_NO_OFFSET, "%s: cannot enable the ROM: %s", path, strerror(errno));
	int rc = file_read(path, 16u << 20, out, err, sizeof(err));
	write_attr(path, "0");
	if (rc < 0)
		/* the kernel answers EIO when no 55AA image was shadowed: a UEFI boot (no CSM) */
		return diag_err(d, DIAG_NO_OFFSET,
				"no legacy VBIOS was shadowed (%s): this happens on UEFI boots without CSM. Boot the stick in legacy/CSM mode, or use a firmware file",
				err);
	if (out->len < 3 || out->data[0] != 0x55 || out->data[1] != 0xaa) {
		file_buf_free(out);
		return diag_err(d, DIAG_NO_OFFSET, "%s: what the kernel returned is not an option ROM (no 55AA at offset 0)", path);
	}
	return 0;
}

bool host_flash_readable(char *why, size_t len)
{
	char lock[128] = "";
	FILE *f = fopen("/sys/kernel/security/lockdown", "r");
	if (f) {
		if (!fgets(lock, sizeof(lock), f))
			lock[0] = 0;
		fclose(f);
	}
	if (strstr(lock, "[integrity]") || strstr(lock, "[confidentiality]")) {
		snprintf(why, len,
			 "Secure Boot is on, so the kernel is locked down: it refuses /dev/mem and raw port access, which "
			 "reading the flash needs. Download the BIOS file for this board from its vendor instead and copy it "
			 "onto the IGDKIT partition (or boot the stick with Secure Boot off).");
		return false;
	}
	snprintf(why, len, "the flash is read through flashrom's internal programmer; with this kernel that needs "
			   "the stick's \"firmware access\" boot entry (iomem=relaxed)");
	return true;
}
