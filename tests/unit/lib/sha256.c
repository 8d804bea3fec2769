/* tests for tools/lib/sha256.c: FIPS 180-2 vectors, a file read in several chunks, a missing file */
#include "helpers.h"
#include "lib/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_known_vectors(void **state)
{
	(void)state;
	char h[65];
	assert_int_equal(sha256_buf_hex("", 0, h), 0);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(sha256_buf_hex("abc", 3, h), 0);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	assert_int_equal(sha256_buf_hex(two, strlen(two), h), 0);
	assert_string_equal(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

/* 300000 bytes: more than one 64 KiB read, and a tail that is not a multiple of the block size */
static void test_file_matches_sha256sum(void **state)
{
	(void)state;
	size_t n = 300000;
	unsigned char *data = malloc(n);
	assert_non_null(data);
	for (size_t i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 131 + (i >> 9));
	char *dir = make_tmpdir();
	char path[4096];
	snprintf(path, sizeof(path), "%s/blob", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
	char want[65], got[65], buf[65];
	sha256_hex_ext(data, n, want);
	assert_int_equal(sha256_file_hex(path, got), 0);
	assert_string_equal(got, want);
	assert_int_equal(sha256_buf_hex(data, n, buf), 0);
	assert_string_equal(buf, want);
	snprintf(path, sizeof(path), "%s/missing", dir);
	errno = 0;
	assert_int_equal(sha256_file_hex(path, got), -1);
	assert_int_equal(errno, ENOENT);
	free(data);
	rm_tmpdir(dir);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_known_vectors), cmocka_unit_test(test_file_matches_sha256sum))
