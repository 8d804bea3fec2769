/* tests for tools/rom/efirom.c: EfiRom's exact bytes, chained ROMs, legacy VBIOS preparation */
#include "helpers.h"
#include "lib/reader.h"
#include "rom/efirom.h"

#include <stdlib.h>
#include <string.h>

/* sha256 and size of `EfiRom -f 0x8086 -i 0x9bc8 -e|-ec FILE`, copied from EXPECTED.md. */
static const struct {
	const char *efi;
	bool compress;
	const char *sha256;
	size_t size;
} efirom_expected[] = {
	{ "gop-efi/adl-n.efi", false, "a5bac2a7e6eabed7bd13f23766c4e19eb9e2d031618bc5881d34a06e660fe118", 190464 },
	{ "gop-efi/adl-n.efi", true, "f059fe8606b358bf0e15bc26edab052f7837afb69edd5c8f0c2e2a7a54d416f8", 98816 },
	{ "gop-efi/adl-p.efi", false, "78901bec36a42746964bb21ef95fb280b44210286c39ffd4a4a534adfd91652b", 152064 },
	{ "gop-efi/adl-p.efi", true, "bcd7991eccc068d3156d538c3232b267cd34cf476a4a471314f8239ff8b0bfcd", 81408 },
	{ "gop-efi/adl-s-rpl.efi", false, "625b5398143bef7e2bb54e4cdd4ddf6d68a11a6974ddc7d31927a5538bf8a01c", 162816 },
	{ "gop-efi/adl-s-rpl.efi", true, "9c6a24a62fd60828b7ce9b6ffd45ef5134b4dba81e93945aae5f97c72452c4dd", 83968 },
	{ "gop-efi/apl.efi", false, "d827f3072e363c528cb8db0646f17b703ebbb865004b2fb7a9ffb21bfae635f6", 78848 },
	{ "gop-efi/apl.efi", true, "92dacb3c1d8998c26f7e6799d3b78a77636ca1d7b846ec07420aa560c99befe4", 43520 },
	{ "gop-efi/byt.efi", false, "8e3e5a1010485a77f8e1f43e006cd157bc829a907e7509ef755cc3ff52856203", 65536 },
	{ "gop-efi/byt.efi", true, "3793562eb4568ca94272cc3baf35873ea2fef62db3fa62d4d26c7c612c5c6b40", 34816 },
	{ "gop-efi/cml.efi", false, "ce14aad78d5290c5ad204085caeb33c48df8f96568d7cf43de0d7f1eb9988600", 74240 },
	{ "gop-efi/cml.efi", true, "ee925305a9e0eb7bcef1c34f78b007917131bd03b455f1b051c83f2858d60e41", 41472 },
	{ "gop-efi/ehl.efi", false, "bf696e9e32a16ba15712549c37bca5cf64b57eff2e0515801a6199035ee5dffb", 112640 },
	{ "gop-efi/ehl.efi", true, "34ddee3ff9c8c7d96ae755642e786bfde0a5845f594f2e3c38504a62922df5ae", 59904 },
	{ "gop-efi/glk.efi", false, "17ea006dd305f7c80b48596cbbb4528aa6a91d96e0d8c403d1c06376aecd80ad", 89600 },
	{ "gop-efi/glk.efi", true, "8d290aff6aa11b755d7a889b6fb5b0cdff0ce8298c6cf4331e3b4ef11e60f121", 49152 },
	{ "gop-efi/hsw-bdw.efi", false, "e04247cf49954eb8abd81f6c8fa21a8a50ec6ac99207e0c39b3189bb3f3ec312", 46592 },
	{ "gop-efi/hsw-bdw.efi", true, "38d2869b10fb15b1ce584391566995098d6a76111d3351bb1f5cbde2eed3e4f0", 25600 },
	{ "gop-efi/jsl.efi", false, "8f1a741b1a30f34645ae724f11ceb2aac90510566ef7fc01bda128e7b7434a96", 114176 },
	{ "gop-efi/jsl.efi", true, "2cf3ef9fe023dcee57402bde5042ab387f6e74bd108c4145afcf3d6d6313abff", 60928 },
	{ "gop-efi/rkl.efi", false, "c8881d21ff0ddf4d6f439798ae5caeb1781066437a298b7188b2c8fdf359d942", 152576 },
	{ "gop-efi/rkl.efi", true, "ee2bb9f29e001c627c603f0ba05c22b218de926297cc1069c47357945ba0e3b7", 78336 },
	{ "gop-efi/rpl-h.efi", false, "98808aac524bc92a4a0e7f176942d416f9e465dc4ca8f48722d40dea40db46c4", 157696 },
	{ "gop-efi/rpl-h.efi", true, "cecc07401683101e486f4c68cd5a5d1888cdfd7778db82cc4e3288e72250d2ca", 83456 },
	{ "gop-efi/skl-cfl.efi", false, "6e8cc1a19eb548ac875a1f2fad5b0678a4d7f0a790e55abb5b20a3e70c6d86a6", 71168 },
	{ "gop-efi/skl-cfl.efi", true, "555ee88f313296d3e99c9a04bb1d011d5b88d0eecd0378cc3aab0c86764482bd", 39424 },
	{ "gop-efi/tgl.efi", false, "15b05c09d36775d2322fb921d86bfb5263f5a04a2332cd6baf77fee905039ce4", 161280 },
	{ "gop-efi/tgl.efi", true, "a00927e3af8cdc466dba506fb3bcf981302eec5d5184d17947146ed99d9fb0fb", 83456 },
	{ "gop-n150-adln/IntelGopDriver.efi", false, "d62d7765d7cad790ae9f1d07b3267c20fb66064cd0cd6cc075b1a6229347bfa8", 166400 },
	{ "gop-n150-adln/IntelGopDriver.efi", true, "36bbb89d1095c52312d5d070bc3e90784e1fb9d0a0458a5b67d2541b16d46eba", 88064 },
	{ "ovmf-gop-cml/IntelGopDriver.efi", false, "debbb669ed1e1d1921b936dfa1661ef7f116888041c799b3859e35c9051481af", 73728 },
	{ "ovmf-gop-cml/IntelGopDriver.efi", true, "4069f5dd6324c281b94fe155564bc4f50521c005c4f212c74cfd17945b919891", 40960 },
};

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s = (uint8_t)(s + *p++);
	return s;
}

static void test_efirom_hashes(void **state)
{
	(void)state;
	size_t n = sizeof(efirom_expected) / sizeof(efirom_expected[0]);
	assert_int_equal(n, 32);
	for (size_t i = 0; i < n; i++) {
		struct file_buf fb = fixture_read(efirom_expected[i].efi);
		struct optrom_efi_opts o = { .vendor = 0x8086, .device = 0x9bc8, .compress = efirom_expected[i].compress,
					     .last = true };
		struct diag d;
		uint8_t *rom;
		size_t len;
		char hex[65];
		diag_init(&d);
		if (optrom_build_efi(fb.data, fb.len, &o, &rom, &len, &d) < 0)
			fail_msg("%s: %s", efirom_expected[i].efi, diag_last(&d));
		sha256_hex_ext(rom, len, hex);
		if (strcmp(hex, efirom_expected[i].sha256) || len != efirom_expected[i].size)
			fail_msg("%s %s: got %s (%zu bytes), EfiRom gives %s (%zu)", efirom_expected[i].efi,
				 efirom_expected[i].compress ? "-ec" : "-e", hex, len, efirom_expected[i].sha256,
				 efirom_expected[i].size);
		free(rom);
		diag_free(&d);
		file_buf_free(&fb);
	}
}

/* EXPECTED.md: gop-rom/adlp-46a6-gop.rom == EfiRom -f 0x8086 -i 0x46a6 -e gop-efi/adl-p.efi */
static void test_adlp_46a6_rom_identical(void **state)
{
	(void)state;
	struct file_buf efi = fixture_read("gop-efi/adl-p.efi"), ref = fixture_read("gop-rom/adlp-46a6-gop.rom");
	struct optrom_efi_opts o = { .vendor = 0x8086, .device = 0x46a6, .last = true };
	uint8_t *rom;
	size_t len;
	assert_int_equal(optrom_build_efi(efi.data, efi.len, &o, &rom, &len, NULL), 0);
	assert_int_equal(len, ref.len);
	assert_memory_equal(rom, ref.data, len);
	free(rom);
	file_buf_free(&efi);
	file_buf_free(&ref);
}

/*
 * The uploader's n150_vfio_igd.rom (SOURCE.md: 3 chained images, device FFFF, payloads equal to the
 * loose files) turns out to be exactly EfiRom -e over the three files in order: rebuild it.
 */
static void test_n150_chain_identical(void **state)
{
	(void)state;
	struct file_buf gop = fixture_read("gop-n150-adln/IntelGopDriver.efi"),
			igd = fixture_read("gop-n150-adln/IgdAssignmentDxe.efi"),
			pol = fixture_read("gop-n150-adln/PlatformGOPPolicy.efi"),
			ref = fixture_read("gop-n150-adln/n150_vfio_igd.rom");
	struct optrom_efi_input in[3] = {
		{ "IntelGopDriver.efi", gop.data, gop.len },
		{ "IgdAssignmentDxe.efi", igd.data, igd.len },
		{ "PlatformGOPPolicy.efi", pol.data, pol.len },
	};
	struct optrom_efi_opts o = { .vendor = 0x8086, .device = 0xffff };
	struct optrom_rom rom;
	struct diag d;
	char hex[65];
	diag_init(&d);
	if (optrom_build(NULL, 0, in, 3, &o, &rom, &d) < 0)
		fail_msg("%s", diag_last(&d));
	assert_int_equal(rom.nimages, 3);
	/* offsets from SOURCE.md / EXPECTED.md: @0 (efi@0x200), @0x28A00 (efi@0x140), @0x2D000 (efi@0x80) */
	assert_int_equal(rom.images[0].offset, 0);
	assert_int_equal(rom.images[0].payload_offset, 0x200);
	assert_int_equal(rom.images[1].offset, 0x28A00);
	assert_int_equal(rom.images[1].payload_offset, 0x28A00 + 0x140);
	assert_int_equal(rom.images[2].offset, 0x2D000);
	assert_int_equal(rom.images[2].payload_offset, 0x2D000 + 0x80);
	assert_false(rom.images[0].last);
	assert_false(rom.images[1].last);
	assert_true(rom.images[2].last);
	assert_int_equal(rom.len, ref.len);
	sha256_hex_ext(rom.data, rom.len, hex);
	assert_string_equal(hex, "185df62b8b25f8e29b8d4c72840a596f42f1e44b6e14f94a65090be033185245");
	assert_memory_equal(rom.data, ref.data, rom.len);
	optrom_rom_free(&rom);
	diag_free(&d);
	file_buf_free(&gop);
	file_buf_free(&igd);
	file_buf_free(&pol);
	file_buf_free(&ref);
}

static void test_class_code_and_compressed_layout(void **state)
{
	(void)state;
	struct file_buf efi = fixture_read("gop-efi/cml.efi");
	struct optrom_efi_opts o = { .vendor = 0x8086, .device = 0x9bc8, .class_code = 0x030000, .compress = true };
	uint8_t *rom;
	size_t len;
	assert_int_equal(optrom_build_efi(efi.data, efi.len, &o, &rom, &len, NULL), 0);
	/* PCIR class code bytes are little endian: prog-if, subclass, base class */
	assert_int_equal(rom[0x1c + 0x0d], 0x00);
	assert_int_equal(rom[0x1c + 0x0e], 0x00);
	assert_int_equal(rom[0x1c + 0x0f], 0x03);
	assert_int_equal(rom[0x1c + 0x15], 0x00);	/* not last */
	assert_int_equal(le16(rom + 0x0c), 1);		/* compressed */
	assert_int_equal(le16(rom + 0x16), 0x38);	/* image right after the PCIR */
	assert_int_equal(le16(rom + 2) * 512, len);
	assert_int_equal(rom[len - 1], 0xff);		/* padding after */
	free(rom);
	file_buf_free(&efi);
}

static void test_pe_check_errors(void **state)
{
	(void)state;
	struct file_buf efi = fixture_read("gop-efi/cml.efi");
	struct optrom_pe pe;
	struct diag d;
	diag_init(&d);
	assert_int_equal(optrom_pe_check(efi.data, efi.len, 0, &pe, &d), 0);
	assert_int_equal(pe.machine, 0x8664);
	assert_int_equal(pe.subsystem, 11);
	assert_true(pe.pe32plus);

	uint32_t lfanew = le32(efi.data + 0x3c);
	uint8_t *bad = malloc(efi.len);
	memcpy(bad, efi.data, efi.len);
	bad[0] = 'X';
	assert_int_equal(optrom_pe_check(bad, efi.len, 0, &pe, &d), -1);
	assert_int_equal(d.v[d.n - 1].off, 0);
	assert_non_null(strstr(diag_last(&d), "expected \"MZ\""));

	memcpy(bad, efi.data, efi.len);
	bad[lfanew + 1] = 'X';
	assert_int_equal(optrom_pe_check(bad, efi.len, 0x1000, &pe, &d), -1);
	assert_int_equal(d.v[d.n - 1].off, 0x1000 + lfanew);

	memcpy(bad, efi.data, efi.len);
	put_le16(bad + lfanew + 4, 0x01c2);	/* ARM Thumb: not a machine an option ROM may carry here */
	assert_int_equal(optrom_pe_check(bad, efi.len, 0, &pe, &d), -1);
	assert_int_equal(d.v[d.n - 1].off, lfanew + 4);
	assert_non_null(strstr(diag_last(&d), "machine 0x01c2"));

	/* truncated inside the headers */
	assert_int_equal(optrom_pe_check(efi.data, lfanew + 21, 0, &pe, &d), -1);
	assert_non_null(strstr(diag_last(&d), "SizeOfOptionalHeader: need 2 bytes, 1 left"));
	assert_int_equal(d.v[d.n - 1].off, lfanew + 20);
	assert_int_equal(optrom_pe_check(efi.data, 0x20, 0, &pe, &d), -1);
	free(bad);
	diag_free(&d);
	file_buf_free(&efi);
}

/* Offsets of the cached-BDSM dword, found independently with a python3 scan for the routine. */
static const struct {
	const char *rom;
	uint32_t slot;
	uint32_t value;		/* as shipped in the fixture */
	uint16_t device;
} vbios[] = {
	{ "vbios-legacy/hsw-0406-vbios.rom", 0x687f, 0, 0x0406 },
	{ "vbios-legacy/bsw-22b0-vbios.rom", 0x5c69, 0, 0x22b0 },
	{ "vbios-legacy/snb-0102-vbios.rom", 0x4d7c, 0xbba00000, 0x0102 },	/* a real shadow copy */
};

static void test_vbios_saved_bdsm_slot(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vbios) / sizeof(vbios[0]); i++) {
		struct file_buf fb = fixture_read(vbios[i].rom);
		uint32_t off = 0;
		assert_int_equal(optrom_vbios_find_saved_bdsm(fb.data, fb.len, &off), 0);
		assert_int_equal(off, vbios[i].slot);
		assert_int_equal(le32(fb.data + off), vbios[i].value);
		file_buf_free(&fb);
	}
	/* the AMD VBIOS has no such routine */
	struct file_buf amd = fixture_read("vbios-legacy/amd-kabini-vbios.rom");
	uint32_t off;
	assert_int_equal(optrom_vbios_find_saved_bdsm(amd.data, amd.len, &off), 1);
	file_buf_free(&amd);
}

/* A shadow-like copy: the host's BDSM in the cached dword. It must come out cleared and summing to 0. */
static void test_legacy_shadow_copy_cleared(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vbios) / sizeof(vbios[0]); i++) {
		struct file_buf fb = fixture_read(vbios[i].rom);
		uint8_t *shadow = malloc(fb.len), *out;
		size_t out_len;
		struct optrom_legacy_fix fix;
		struct diag d;
		diag_init(&d);
		memcpy(shadow, fb.data, fb.len);
		put_le32(shadow + vbios[i].slot, 0x7b800001u + (uint32_t)i);
		if (optrom_legacy_prepare(shadow, fb.len, 0x8086, vbios[i].device, &out, &out_len, &fix, &d) < 0)
			fail_msg("%s: %s", vbios[i].rom, diag_last(&d));
		assert_int_equal(d.errors, 0);
		assert_true(fix.bdsm_slot_found);
		assert_true(fix.bdsm_cleared);
		assert_int_equal(fix.bdsm_offset, vbios[i].slot);
		assert_int_equal(fix.bdsm_value, 0x7b800001u + (uint32_t)i);
		assert_int_equal(le32(out + vbios[i].slot), 0);
		assert_true(fix.was_last);
		assert_false(fix.device_mismatch);
		uint16_t pcir = le16(out + 0x18);
		assert_int_equal(out[pcir + 0x15] & 0x80, 0);
		assert_int_equal(out_len, (size_t)le16(out + pcir + 0x10) * 512);
		assert_int_equal(fix.init_len, (size_t)out[2] * 512);
		assert_int_equal(sum8(out, fix.init_len), 0);
		assert_int_equal(sum8(out, out_len), 0);
		/* everything else is the original: header, PCIR, code */
		for (size_t k = 0; k < out_len; k++) {
			if (k == 6 || k == pcir + 0x15u || (k >= vbios[i].slot && k < vbios[i].slot + 4u))
				continue;
			if (out[k] != fb.data[k])
				fail_msg("%s: byte 0x%zx changed", vbios[i].rom, k);
		}
		free(out);
		free(shadow);
		diag_free(&d);
		file_buf_free(&fb);
	}
}

static void test_legacy_untouched_slot_and_mismatch(void **state)
{
	(void)state;
	struct file_buf fb = fixture_read("vbios-legacy/hsw-0406-vbios.rom");
	uint8_t *out;
	size_t n;
	struct optrom_legacy_fix fix;
	struct diag d;
	diag_init(&d);
	/* a clean dump: slot found, already 0, nothing cleared; a device of another platform (Comet
	 * Lake) -> kept as it is, with a warning */
	assert_int_equal(optrom_legacy_prepare(fb.data, fb.len, 0x8086, 0x9bc8, &out, &n, &fix, &d), 0);
	assert_true(fix.bdsm_slot_found);
	assert_false(fix.bdsm_cleared);
	assert_true(fix.device_mismatch);
	assert_false(fix.device_patched);
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].level, DIAG_WARN);
	assert_int_equal(d.v[0].off, 0x40 + 6);
	assert_int_equal(out[0x40 + 6] | out[0x40 + 7] << 8, 0x0406);
	assert_int_equal(sum8(out, n), 0);
	free(out);
	diag_free(&d);
	diag_init(&d);
	/* another Haswell id (0412 desktop GT2): SeaBIOS would skip a VBIOS whose PCIR says 0406, so
	 * the PCIR is rewritten and the checksum made right again; nothing else changes */
	assert_int_equal(optrom_legacy_prepare(fb.data, fb.len, 0x8086, 0x0412, &out, &n, &fix, &d), 0);
	assert_true(fix.device_patched);
	assert_false(fix.device_mismatch);
	assert_int_equal(fix.device, 0x0406);
	assert_int_equal(out[0x40 + 6] | out[0x40 + 7] << 8, 0x0412);
	assert_int_equal(sum8(out, n), 0);
	size_t differ = 0;
	for (size_t i = 0; i < n; i++)
		differ += out[i] != fb.data[i];
	assert_in_range(differ, 2, 3);	/* the device id's low byte(s) and the checksum byte */
	assert_int_equal(d.errors, 0);
	assert_int_equal(d.v[0].level, DIAG_NOTE);
	assert_non_null(strstr(d.v[0].msg, "PCIR device 0406 rewritten to 0412"));
	free(out);

	/* the AMD VBIOS is refused: vendor 1002 in its PCIR (at 0x1c4 + 4) */
	struct file_buf amd = fixture_read("vbios-legacy/amd-kabini-vbios.rom");
	assert_int_equal(optrom_legacy_prepare(amd.data, amd.len, 0x8086, 0x0406, &out, &n, &fix, &d), -1);
	assert_int_equal(d.v[d.n - 1].off, 0x1c8);
	assert_non_null(strstr(diag_last(&d), "vendor 1002"));

	/* truncated: the PCIR says 64 KiB */
	assert_int_equal(optrom_legacy_prepare(fb.data, 40000, 0x8086, 0x0406, &out, &n, &fix, &d), -1);
	assert_non_null(strstr(diag_last(&d), "PCIR image length 65536 bytes, but the file has 40000"));
	/* not a ROM at all */
	struct file_buf efi = fixture_read("gop-efi/cml.efi");
	assert_int_equal(optrom_legacy_prepare(efi.data, efi.len, 0x8086, 0x0406, &out, &n, &fix, &d), -1);
	assert_int_equal(d.v[d.n - 1].off, 0);
	/* an EFI ROM is not a legacy VBIOS */
	struct file_buf gop = fixture_read("gop-rom/adlp-46a6-gop.rom");
	assert_int_equal(optrom_legacy_prepare(gop.data, gop.len, 0x8086, 0x46a6, &out, &n, &fix, &d), -1);
	assert_non_null(strstr(diag_last(&d), "code type 3"));
	diag_free(&d);
	file_buf_free(&fb);
	file_buf_free(&amd);
	file_buf_free(&efi);
	file_buf_free(&gop);
}

static void test_legacy_plus_efi_chain(void **state)
{
	(void)state;
	struct file_buf vb = fixture_read("vbios-legacy/hsw-0406-vbios.rom"), efi = fixture_read("gop-efi/hsw-bdw.efi");
	struct optrom_efi_input in = { "hsw-bdw.efi", efi.data, efi.len };
	struct optrom_efi_opts o = { .vendor = 0x8086, .device = 0x0406, .compress = true };
	struct optrom_rom rom;
	struct diag d;
	diag_init(&d);
	if (optrom_build(vb.data, vb.len, &in, 1, &o, &rom, &d) < 0)
		fail_msg("%s", diag_last(&d));
	assert_true(rom.has_legacy);
	assert_int_equal(rom.nimages, 2);
	assert_int_equal(rom.images[0].kind, OPTROM_LEGACY);
	assert_int_equal(rom.images[0].size, 65536);
	assert_false(rom.images[0].last);
	assert_int_equal(rom.images[1].kind, OPTROM_EFI);
	assert_int_equal(rom.images[1].offset, 65536);
	assert_true(rom.images[1].last);
	assert_true(rom.images[1].compressed);
	assert_int_equal(rom.images[1].payload_offset, 65536 + 0x38);
	/* the EFI part is EfiRom's -ec image for this device */
	uint8_t *alone;
	size_t n;
	o.last = true;
	assert_int_equal(optrom_build_efi(efi.data, efi.len, &o, &alone, &n, NULL), 0);
	assert_int_equal(rom.len, 65536 + n);
	assert_memory_equal(rom.data + 65536, alone, n);
	/* legacy first: 55AA, last flag clear, sums to 0 */
	assert_int_equal(rom.data[0], 0x55);
	assert_int_equal(rom.data[0x40 + 0x15], 0);
	assert_int_equal(sum8(rom.data, 65536), 0);
	free(alone);
	optrom_rom_free(&rom);

	/* no EFI image at all is refused */
	assert_int_equal(optrom_build(vb.data, vb.len, NULL, 0, &o, &rom, &d), -1);
	diag_free(&d);
	file_buf_free(&vb);
	file_buf_free(&efi);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_efirom_hashes), cmocka_unit_test(test_adlp_46a6_rom_identical),
	  cmocka_unit_test(test_n150_chain_identical), cmocka_unit_test(test_class_code_and_compressed_layout),
	  cmocka_unit_test(test_pe_check_errors), cmocka_unit_test(test_vbios_saved_bdsm_slot),
	  cmocka_unit_test(test_legacy_shadow_copy_cleared), cmocka_unit_test(test_legacy_untouched_slot_and_mismatch),
	  cmocka_unit_test(test_legacy_plus_efi_chain))
