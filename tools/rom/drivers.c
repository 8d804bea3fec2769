/* drivers.c - recognise the EFI drivers that matter for IGD passthrough */
#include "rom/drivers.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "lib/guid.h"

/* PLATFORM_GOP_POLICY_PROTOCOL; the Intel GOP looks it up, a policy driver installs it. */
static const struct guid gop_policy_guid =
	GUID_INIT(0xec2e931b, 0x3281, 0x48a5, 0x81, 0x07, 0xdf, 0x8a, 0x8b, 0xed, 0x3c, 0x5d);

static const uint8_t *find_bytes(const uint8_t *p, size_t len, const void *pat, size_t n)
{
	if (!n || n > len)
		return NULL;
	const uint8_t *end = p + len - n + 1, *q = p;
	while (q < end) {
		q = memchr(q, ((const uint8_t *)pat)[0], (size_t)(end - q));
		if (!q)
			return NULL;
		if (!memcmp(q, pat, n))
			return q;
		q++;
	}
	return NULL;
}

static bool has_ascii(const uint8_t *p, size_t len, const char *s)
{
	return find_bytes(p, len, s, strlen(s)) != NULL;
}

/* UTF-16LE form of an ASCII string, for component names. */
static const uint8_t *find_utf16(const uint8_t *p, size_t len, const char *s)
{
	uint8_t buf[128];
	size_t n = strlen(s);
	if (2 * n > sizeof(buf))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		buf[2 * i] = (uint8_t)s[i];
		buf[2 * i + 1] = 0;
	}
	return find_bytes(p, len, buf, 2 * n);
}

static bool u16_digit(const uint8_t *q)
{
	return q[1] == 0 && q[0] >= '0' && q[0] <= '9';
}

static bool u16_zero(const uint8_t *q)
{
	return q[0] == 0 && q[1] == 0;
}

/*
 * Reads backwards from just before `at` (exclusive, within [lo, at)): skips up
 * to 4 UTF-16 NULs, then takes a 1-3 digit UTF-16 string. Returns its start.
 */
static const uint8_t *digits_before(const uint8_t *lo, const uint8_t *at, char *out, size_t outlen)
{
	const uint8_t *q = at;
	int zeros = 0;
	while (q - lo >= 2 && u16_zero(q - 2) && zeros < 4) {
		q -= 2;
		zeros++;
	}
	if (!zeros)
		return NULL;
	const uint8_t *end = q;
	while (q - lo >= 2 && u16_digit(q - 2) && end - q < 6)
		q -= 2;
	if (q == end || (q - lo >= 2 && u16_digit(q - 2)))
		return NULL;
	size_t n = (size_t)(end - q) / 2;
	if (n + 1 > outlen)
		return NULL;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)q[2 * i];
	out[n] = 0;
	return q;
}

/*
 * Intel GOPs keep the component name "Intel(R) GOP Driver" in a fixed UTF-16
 * buffer, and near it the version parts as separate UTF-16 strings; the
 * UEFI shell shows them as "Intel(R) GOP Driver [major.minor.build]". Every
 * build carries the build number (3+ digits, within 0x100 bytes after the
 * name); older ones (HSW, APL) also store major and minor right before it.
 */
static void gop_version_scan(const uint8_t *p, size_t len, const uint8_t *name, struct driver_id *id)
{
	const uint8_t *end = p + len;
	const uint8_t *q = name + 2 * strlen("Intel(R) GOP Driver");
	const uint8_t *stop = (end - q > 0x100) ? q + 0x100 : end;

	for (; stop - q >= 2; q += 2) {
		if (!u16_digit(q) || !u16_zero(q - 2))
			continue;
		const uint8_t *s = q;
		while (stop - s >= 2 && u16_digit(s) && s - q < 2 * 8)
			s += 2;
		size_t n = (size_t)(s - q) / 2;
		if (n < 3 || n > 6 || stop - s < 2 || !u16_zero(s)) {
			q = s;
			continue;
		}
		for (size_t i = 0; i < n; i++)
			id->gop_build[i] = (char)q[2 * i];
		id->gop_build[n] = 0;

		char minor[8], major[8];
		const uint8_t *m = digits_before(name, q, minor, sizeof(minor));
		if (m && digits_before(name, m, major, sizeof(major)))
			snprintf(id->gop_version, sizeof(id->gop_version), "%s.%s.%s", major, minor, id->gop_build);
		return;
	}
}

void driver_identify(const uint8_t *p, size_t len, struct driver_id *id)
{
	const uint8_t *gop;
	memset(id, 0, sizeof(*id));
	id->name = "unknown EFI driver";

	if (has_ascii(p, len, "etc/igd-opregion") || has_ascii(p, len, "OpRegion @ 0x"))
		id->roles |= ROLE_OPREGION;
	if (has_ascii(p, len, "etc/igd-bdsm-size") || has_ascii(p, len, "BDSM @ 0x"))
		id->roles |= ROLE_BDSM;
	if (has_ascii(p, len, "PlatformGopPolicy") || has_ascii(p, len, "VBT Header reports larger size"))
		id->roles |= ROLE_VBT_POLICY;

	/* igdkit's own drivers name themselves in their debug banner. Their roles are fixed:
	   the policy driver also names etc/igd-opregion (it checks for it) without copying it. */
	if (has_ascii(p, len, "igdkit IGD assignment driver ")) {
		id->kind = DRV_IGDKIT_ASSIGNMENT;
		id->name = "igdkit IGD assignment";
		id->roles = ROLE_OPREGION | ROLE_BDSM;
		id->test_accept = igd_helper_test_accept(p, len, &id->test_vendor, &id->test_device) == 1;
		return;
	}
	if (has_ascii(p, len, "igdkit GOP policy driver ")) {
		id->kind = DRV_IGDKIT_GOP_POLICY;
		id->name = "igdkit GOP policy";
		id->roles = ROLE_VBT_POLICY;
		return;
	}
	if ((gop = find_utf16(p, len, "Intel(R) GOP Driver")) != NULL) {
		id->kind = DRV_INTEL_GOP;
		id->name = "Intel GOP driver";
		id->roles = ROLE_GOP;	/* it references the policy GUID; it does not provide it */
		gop_version_scan(p, len, gop, id);
		return;
	}
	if (find_utf16(p, len, "i915 Driver")) {
		id->kind = DRV_I915OVMF;
		id->name = "i915ovmf GOP replacement";
		id->roles |= ROLE_GOP;
		return;
	}
	/* A driver other than the GOP that carries the policy GUID installs it. */
	if (find_bytes(p, len, gop_policy_guid.b, sizeof(gop_policy_guid.b)))
		id->roles |= ROLE_VBT_POLICY;
	if (has_ascii(p, len, "IgdLegacyModeDisplay")) {
		id->kind = DRV_IGD_LEGACY_DISPLAY;
		id->name = "IgdLegacyModeDisplay";
	} else if (id->roles & ROLE_OPREGION) {
		id->kind = DRV_IGD_ASSIGNMENT;
		id->name = "IgdAssignmentDxe";
	} else if (id->roles & ROLE_VBT_POLICY) {
		id->kind = DRV_GOP_POLICY;
		id->name = "PlatformGopPolicy";
	}
}

const char *driver_kind_key(enum driver_kind k)
{
	switch (k) {
	case DRV_INTEL_GOP: return "intel-gop";
	case DRV_IGD_ASSIGNMENT: return "igd-assignment";
	case DRV_GOP_POLICY: return "gop-policy";
	case DRV_IGD_LEGACY_DISPLAY: return "igd-legacy-mode-display";
	case DRV_I915OVMF: return "i915ovmf";
	case DRV_IGDKIT_ASSIGNMENT: return "igdkit-igd-assignment";
	case DRV_IGDKIT_GOP_POLICY: return "igdkit-gop-policy";
	case DRV_UNKNOWN: break;
	}
	return "unknown";
}
