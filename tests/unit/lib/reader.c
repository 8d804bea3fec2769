/* tests for tools/lib/reader.c: every read is bounded and every failure names its offset */
#include "helpers.h"
#include "lib/reader.h"

#include <string.h>

static const uint8_t bytes[] = { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa };

static void test_sequential_le(void **state)
{
	(void)state;
	struct diag d;
	struct reader r;
	uint8_t b;
	uint16_t w;
	uint32_t l;
	diag_init(&d);
	rd_init(&r, bytes, sizeof(bytes), 0x1000, &d);
	assert_int_equal(rd_u8(&r, &b, "b"), 0);
	assert_int_equal(b, 0x11);
	assert_int_equal(rd_u16le(&r, &w, "w"), 0);
	assert_int_equal(w, 0x3322);
	assert_int_equal(rd_u32le(&r, &l, "l"), 0);
	assert_int_equal(l, 0x77665544);
	assert_int_equal(rd_off(&r), 0x1007);
	assert_int_equal(rd_left(&r), 3);
	/* 4 bytes wanted, 3 left: fails, names the absolute offset, does not advance */
	assert_int_equal(rd_u32le(&r, &l, "FV HeaderLength"), -1);
	assert_int_equal(rd_left(&r), 3);
	char msg[300];
	diag_format(&d.v[0], msg, sizeof(msg));
	assert_string_equal(msg, "0x1007: FV HeaderLength: need 4 bytes, 3 left");
	assert_int_equal(d.errors, 1);
	diag_free(&d);
}

static void test_u64_u24(void **state)
{
	(void)state;
	struct reader r;
	uint64_t q;
	uint32_t t;
	rd_init(&r, bytes, sizeof(bytes), 0, NULL);
	assert_int_equal(rd_u24le(&r, &t, "t"), 0);
	assert_int_equal(t, 0x332211);
	assert_int_equal(rd_u64le_at(&r, 2, &q, "q"), 0);
	assert_true(q == 0xaa99887766554433ULL);
	assert_int_equal(rd_u64le_at(&r, 3, &q, "q"), -1); /* diag NULL: still fails safely */
}

static void test_sub_keeps_absolute_offsets(void **state)
{
	(void)state;
	struct diag d;
	struct reader r, s, s2;
	uint16_t w;
	diag_init(&d);
	rd_init(&r, bytes, sizeof(bytes), 0x7f0000, &d);
	assert_int_equal(rd_skip(&r, 4, "skip"), 0);
	assert_int_equal(rd_sub(&r, 4, &s, "body"), 0);
	assert_int_equal(rd_off(&r), 0x7f0008);
	assert_int_equal(s.base, 0x7f0004);
	assert_int_equal(rd_sub_at(&s, 2, 2, &s2, "tail"), 0);
	assert_int_equal(rd_u16le(&s2, &w, "w"), 0);
	assert_int_equal(w, 0x8877);
	assert_int_equal(rd_u16le(&s2, &w, "w2"), -1);
	char msg[300];
	diag_format(&d.v[0], msg, sizeof(msg));
	assert_string_equal(msg, "0x7f0008: w2: need 2 bytes, 0 left");
	/* a sub-window larger than what is left is refused */
	assert_int_equal(rd_sub(&r, 3, &s, "file"), -1);
	diag_free(&d);
}

static void test_no_overflow_on_huge_sizes(void **state)
{
	(void)state;
	struct diag d;
	struct reader r, s;
	diag_init(&d);
	rd_init(&r, bytes, sizeof(bytes), 0, &d);
	assert_int_equal(rd_skip(&r, 2, "x"), 0);
	assert_int_equal(rd_sub(&r, SIZE_MAX, &s, "huge"), -1);
	assert_int_equal(rd_sub_at(&r, SIZE_MAX - 1, 4, &s, "huge at"), -1);
	assert_int_equal(rd_seek(&r, 11, "seek"), -1);
	assert_int_equal(rd_seek(&r, 10, "seek end"), 0);
	assert_int_equal(rd_left(&r), 0);
	assert_int_equal(d.errors, 3);
	assert_non_null(strstr(d.v[1].msg, "offset beyond end"));
	diag_free(&d);
}

static void test_align_is_absolute(void **state)
{
	(void)state;
	struct reader r;
	uint8_t buf[32] = { 0 };
	rd_init(&r, buf, sizeof(buf), 0x13, NULL);
	assert_int_equal(rd_align(&r, 8, "align"), 0);
	assert_int_equal(rd_off(&r), 0x18);
	assert_int_equal(rd_align(&r, 8, "align"), 0);
	assert_int_equal(rd_off(&r), 0x18);
	rd_init(&r, buf, 3, 0x11, NULL);
	assert_int_equal(rd_align(&r, 8, "align"), -1);
}

static void test_guid_roundtrip(void **state)
{
	(void)state;
	/* EFI global variable GUID: on-disk bytes are little-endian in the first three groups */
	static const uint8_t raw[16] = { 0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
					 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c };
	struct reader r;
	struct guid g, p;
	char s[GUID_STR_LEN];
	rd_init(&r, raw, sizeof(raw), 0, NULL);
	assert_int_equal(rd_guid(&r, &g, "guid"), 0);
	guid_fmt(&g, s);
	assert_string_equal(s, "8BE4DF61-93CA-11D2-AA0D-00E098032B8C");
	assert_int_equal(guid_parse("{8be4df61-93ca-11d2-aa0d-00e098032b8c}", &p), 0);
	assert_true(guid_eq(&g, &p));
	const struct guid c = GUID_INIT(0x8BE4DF61, 0x93CA, 0x11D2, 0xAA, 0x0D, 0x00, 0xE0, 0x98, 0x03, 0x2B, 0x8C);
	assert_true(guid_eq(&c, &g));
	assert_int_equal(guid_parse("8BE4DF61-93CA-11D2-AA0D-00E098032B8", &p), -1);
	assert_int_equal(guid_parse("8BE4DF61-93CA-11D2-AA0D-00E098032B8G", &p), -1);
	assert_int_equal(guid_parse("8BE4DF6193CA-11D2-AA0D-00E098032B8C0", &p), -1);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_sequential_le), cmocka_unit_test(test_u64_u24),
	  cmocka_unit_test(test_sub_keeps_absolute_offsets), cmocka_unit_test(test_no_overflow_on_huge_sizes),
	  cmocka_unit_test(test_align_is_absolute), cmocka_unit_test(test_guid_roundtrip))
