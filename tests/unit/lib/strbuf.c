/* tests for tools/lib/strbuf.c */
#include "helpers.h"
#include "lib/strbuf.h"

#include <stdlib.h>
#include <string.h>

static void test_appends_and_grows(void **state)
{
	(void)state;
	struct strbuf b = { 0 };
	strbuf_addf(&b, "%s", "");
	assert_non_null(b.s);
	assert_string_equal(b.s, "");
	for (int i = 0; i < 1000; i++)
		strbuf_addf(&b, "%d,", i % 10);
	assert_int_equal(b.len, 2000);
	assert_int_equal(strlen(b.s), 2000);
	assert_memory_equal(b.s + 1990, "5,6,7,8,9,", 10);
	assert_false(b.failed);
	free(b.s);
}

static void test_failed_buffer_stays_failed(void **state)
{
	(void)state;
	struct strbuf b = { 0 };
	strbuf_addf(&b, "kept");
	b.failed = true;	/* as after an allocation failure */
	strbuf_addf(&b, " dropped");
	assert_string_equal(b.s, "kept");
	free(b.s);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_appends_and_grows), cmocka_unit_test(test_failed_buffer_stays_failed))
