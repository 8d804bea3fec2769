/* helpers.c - the embedded EFI drivers and their test-accept record (see helpers.h) */
#include "rom/helpers.h"

#include <string.h>

#include "efi/igd.h"
#include "lib/reader.h"

/* tools/rom/efi_blobs.S */
extern const uint8_t igdkit_efi_igd_assign[], igdkit_efi_igd_assign_end[];
extern const uint8_t igdkit_efi_gop_policy[], igdkit_efi_gop_policy_end[];

const struct igd_helper *igd_helpers(void)
{
	static struct igd_helper h[IGD_HELPERS];
	h[0] = (struct igd_helper){ "igdkit:igd-assign.efi", igdkit_efi_igd_assign,
				    (size_t)(igdkit_efi_igd_assign_end - igdkit_efi_igd_assign) };
	h[1] = (struct igd_helper){ "igdkit:gop-policy.efi", igdkit_efi_gop_policy,
				    (size_t)(igdkit_efi_gop_policy_end - igdkit_efi_gop_policy) };
	return h;
}

/* Offset of the one hook record in pe, or -1 when there is none or more than one. */
static long find_record(const uint8_t *pe, size_t len)
{
	static const char magic[IGD_TEST_ACCEPT_MAGIC_LEN] = IGD_TEST_ACCEPT_MAGIC;
	const size_t rec = sizeof(struct igd_test_accept);
	long found = -1;

	if (len < rec)
		return -1;
	for (size_t i = 0; i <= len - rec; i++) {
		if (pe[i] != (uint8_t)magic[0] || memcmp(pe + i, magic, IGD_TEST_ACCEPT_MAGIC_LEN))
			continue;
		if (found >= 0)
			return -1;
		found = (long)i;
	}
	return found;
}

int igd_helper_set_test_accept(uint8_t *pe, size_t len, uint16_t vendor, uint16_t device)
{
	long at = find_record(pe, len);
	if (at < 0)
		return -1;
	put_le16(pe + at + IGD_TEST_ACCEPT_MAGIC_LEN, vendor);
	put_le16(pe + at + IGD_TEST_ACCEPT_MAGIC_LEN + 2, device);
	return 0;
}

int igd_helper_test_accept(const uint8_t *pe, size_t len, uint16_t *vendor, uint16_t *device)
{
	long at = find_record(pe, len);
	if (at < 0)
		return -1;
	*vendor = le16(pe + at + IGD_TEST_ACCEPT_MAGIC_LEN);
	*device = le16(pe + at + IGD_TEST_ACCEPT_MAGIC_LEN + 2);
	return *vendor || *device;
}
