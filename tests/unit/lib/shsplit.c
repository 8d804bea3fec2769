/* tests for tools/lib/shsplit.c: words split as sh splits them, nothing expanded */
#include "helpers.h"
#include "lib/shsplit.h"

#include <string.h>

static void expect(const char *in, int n, const char *const *want)
{
	char **v;
	const char *err;
	int got = shsplit(in, &v, &err);
	assert_int_equal(got, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(v[i], want[i]);
	assert_null(v[n]);
	shsplit_free(v);
}

static void test_plain_and_quotes(void **state)
{
	(void)state;
	expect("  rom make  /mnt/stick/BIOS.CAP --device 8086:9bc8\n", 5,
	       (const char *const[]){ "rom", "make", "/mnt/stick/BIOS.CAP", "--device", "8086:9bc8" });
	expect("fw list 'My Board/bios file.bin'", 3, (const char *const[]){ "fw", "list", "My Board/bios file.bin" });
	expect("a\"b c\"d 'x'\"y\"", 2, (const char *const[]){ "ab cd", "xy" });
	expect("\"a \\\" \\\\ \\n\"", 1, (const char *const[]){ "a \" \\ \\n" });
	expect("a\\ b c\\'d", 2, (const char *const[]){ "a b", "c'd" });
	expect("''", 1, (const char *const[]){ "" });
	expect("", 0, (const char *const[]){ NULL });
}

static void test_no_expansion(void **state)
{
	(void)state;
	expect("$HOME `id` $(id) * ~", 5, (const char *const[]){ "$HOME", "`id`", "$(id)", "*", "~" });
	expect("'$HOME'", 1, (const char *const[]){ "$HOME" });
}

static void test_unterminated(void **state)
{
	(void)state;
	char **v;
	const char *err;
	assert_int_equal(shsplit("check 'oops", &v, &err), -1);
	assert_string_equal(err, "unterminated single quote");
	assert_int_equal(shsplit("check \"oops", &v, &err), -1);
	assert_string_equal(err, "unterminated double quote");
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_plain_and_quotes), cmocka_unit_test(test_no_expansion),
	  cmocka_unit_test(test_unterminated))
