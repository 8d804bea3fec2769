/* tests for tools/lib/json.c: valid JSON with escaping, checked by python's parser */
#include "helpers.h"
#include "lib/json.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_document(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;
	json_init(&j, f, false);
	json_obj(&j, NULL);
	json_str(&j, "name", "a\"b\\c\n\x01");
	json_hex(&j, "base", 0xfed90000);
	json_bool(&j, "ok", true);
	json_arr(&j, "list");
	json_int(&j, NULL, -3);
	json_uint(&j, NULL, 18446744073709551615ULL);
	json_null(&j, NULL);
	json_obj(&j, NULL);
	json_obj_end(&j);
	json_arr_end(&j);
	json_arr(&j, "empty");
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
	fclose(f);
	assert_string_equal(buf, "{\"name\":\"a\\\"b\\\\c\\n\\u0001\",\"base\":\"0xfed90000\",\"ok\":true,"
				 "\"list\":[-3,18446744073709551615,null,{}],\"empty\":[]}\n");
	free(buf);
}

static void test_pretty_parses(void **state)
{
	(void)state;
	char path[] = "/tmp/igdkit-json-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct json j;
	json_init(&j, f, true);
	json_obj(&j, NULL);
	json_arr(&j, "drhd");
	json_obj(&j, NULL);
	json_hex(&j, "base", 0xfed91000);
	json_bool(&j, "include_pci_all", true);
	json_obj_end(&j);
	json_arr_end(&j);
	json_obj_end(&j);
	json_end(&j);
	fclose(f);
	char cmd[200];
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; d=json.load(open(\"%s\")); sys.exit(0 if d[\"drhd\"][0][\"include_pci_all\"] else 1)'",
		 path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_document), cmocka_unit_test(test_pretty_parses))
