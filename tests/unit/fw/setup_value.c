/* tests for tools/fw/setup_value.c: current values from synthetic efivarfs directories (attribute word
 * then data), for real questions of the Dell 5370 Setup module and for hand-made ones
 *
 * fw/ reads variables through a reader the caller passes (igdkit passes host/efivars.h efivar_read;
 * tests/unit/verdict/bios_setup.c covers that path): here a small one over a directory. */
#include "helpers.h"
#include "fw/setup.h"
#include "fw/setup_value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SETUP_VAR "Setup-ec87d643-eba4-4bb5-a1e5-3f3e36b20da9"

/* efivarfs file: attributes (NV|BS|RT = 7) then data */
static void put_var(const char *name, const uint8_t *data, size_t len)
{
	char path[700];
	uint8_t *b = malloc(len + 4);
	b[0] = 7, b[1] = b[2] = b[3] = 0;
	memcpy(b + 4, data, len);
	snprintf(path, sizeof(path), "%s/%s", unit_dir, name);
	write_file(path, b, len + 4);
	free(b);
}

static const char *asked[8];
static size_t nasked;

/* What efivar_read does for a tree: Name-GUID file, attribute word then data; 0 when absent. */
static int dir_reader(void *ctx, const char *name, const char *guid, uint8_t **data, size_t *len, uint32_t *attr,
		      char *why, size_t whylen)
{
	char path[800];
	if (nasked < 8)
		asked[nasked++] = strdup(name);
	snprintf(path, sizeof(path), "%s/%s-%s", (const char *)ctx, name, guid);
	struct stat st;
	if (stat(path, &st) < 0) {
		snprintf(why, whylen, "%s variable not present", name);
		return 0;
	}
	struct file_buf fb;
	char err[300];
	if (!S_ISREG(st.st_mode) || file_read(path, 1 << 20, &fb, err, sizeof(err)) < 0 || fb.len < 4) {
		snprintf(why, whylen, "%s: not a variable file", name);
		return -1;
	}
	*attr = fb.data[0] | (uint32_t)fb.data[1] << 8;
	*len = fb.len - 4;
	*data = malloc(*len + 1);
	memcpy(*data, fb.data + 4, *len);
	file_buf_free(&fb);
	return 1;
}

static void asked_reset(void)
{
	for (size_t i = 0; i < nasked; i++)
		free((void *)asked[i]);
	nasked = 0;
}

static enum setup_value_status read_q(const struct setup_question *q, struct setup_value *v)
{
	return setup_value_read(q, dir_reader, unit_dir, v);
}

static const struct setup_question *find(const struct setup *s, const char *key)
{
	for (size_t i = 0; i < s->nq; i++) {
		bool an;
		const char *k = setup_match(s->q[i].prompt, &an);
		if (k && !strcmp(k, key))
			return &s->q[i];
	}
	fail_msg("no %s", key);
	return NULL;
}

static void test_dell_setup_variable(void **state)
{
	(void)state;
	struct file_buf fb = fixture_read("ifr/kbl-r-dell-inspiron-5370/Setup.pe32.sct");
	struct setup *s;
	struct diag d;
	diag_init(&d);
	assert_int_equal(setup_open(fb.data, fb.len, &s, &d), 0);
	const struct setup_question *vtd = find(s, "vtd"), *csm = find(s, "csm"), *pd = find(s, "primary_display");
	/* Setup is 0x14fb bytes; VT-d at 0x7ec, CSM Support at 0x104a, Primary Display at 0x80d */
	uint8_t *data = calloc(1, 0x14fb);
	data[0x7ec] = 1;
	data[0x104a] = 0;
	data[0x80d] = 3;
	put_var(SETUP_VAR, data, 0x14fb);
	struct setup_value v;
	assert_int_equal(read_q(vtd, &v), SV_OK);
	assert_string_equal(v.var, SETUP_VAR);
	assert_int_equal(v.attr, 7);
	assert_int_equal(v.data_len, 0x14fb);
	assert_false(v.size_differs);
	assert_int_equal(v.value, 1);
	assert_string_equal(v.text, "Enabled");
	assert_int_equal(read_q(csm, &v), SV_OK);
	assert_string_equal(v.text, "Disabled");
	assert_int_equal(read_q(pd, &v), SV_OK);
	assert_string_equal(v.text, "Auto");
	/* a value no option has: reported raw, no text */
	data[0x80d] = 9;
	put_var(SETUP_VAR, data, 0x14fb);
	assert_int_equal(read_q(pd, &v), SV_OK);
	assert_int_equal(v.value, 9);
	assert_null(v.text);
	/* a shorter variable (another BIOS version): the byte is past its end */
	put_var(SETUP_VAR, data, 0x700);
	assert_int_equal(read_q(vtd, &v), SV_SHORT);
	assert_non_null(strstr(v.detail, "has 1792 data bytes; the question needs 0x7ec+1"));
	/* a longer one: read, with the mismatch said */
	uint8_t *big = calloc(1, 0x1600);
	big[0x7ec] = 0;
	put_var(SETUP_VAR, big, 0x1600);
	assert_int_equal(read_q(vtd, &v), SV_OK);
	assert_string_equal(v.text, "Disabled");
	assert_true(v.size_differs);
	assert_non_null(strstr(v.detail, "another BIOS version"));
	/* no file: not there, or not runtime-accessible */
	char path[700];
	snprintf(path, sizeof(path), "%s/%s", unit_dir, SETUP_VAR);
	unlink(path);
	assert_int_equal(read_q(vtd, &v), SV_MISSING);
	assert_non_null(strstr(v.detail, "runtime-accessible"));
	/* a directory where the file should be is not read */
	mkdir(path, 0700);
	assert_int_equal(read_q(vtd, &v), SV_UNREADABLE);
	rmdir(path);
	free(big);
	free(data);
	setup_free(s);
	diag_free(&d);
	file_buf_free(&fb);
}

static struct setup_question synthetic(const char *store, uint16_t off, uint8_t width)
{
	static struct setup_option opts[2] = { { 0, "Off" }, { 5, "On" } };
	struct setup_question q;
	memset(&q, 0, sizeof(q));
	q.prompt = q.help = q.path = "";
	q.op = IFR_ONE_OF;
	q.has_store = true;
	q.vsid = 1;
	q.vs_kind = IFR_VS_EFI;
	q.vs_name = store;
	guid_parse("72C5E28C-7783-43A1-8767-FAD73FCCAFA4", &q.vs_guid);
	q.var_offset = off;
	q.width = width;
	q.opt = opts;
	q.nopt = 2;
	return q;
}

static void test_decode(void **state)
{
	(void)state;
	struct setup_value v;
	/* attributes, then little-endian values of 1, 2, 4 and 8 bytes */
	const uint8_t file[] = { 3, 0, 0, 0, 0x05, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct setup_question q = synthetic("SaSetup", 0, 1);
	assert_int_equal(setup_value_decode(&q, file, sizeof(file), &v), SV_OK);
	assert_int_equal(v.attr, 3);
	assert_int_equal(v.value, 5);
	assert_string_equal(v.text, "On");
	assert_string_equal(v.var, "SaSetup-72c5e28c-7783-43a1-8767-fad73fccafa4");
	q = synthetic("SaSetup", 1, 2);
	assert_int_equal(setup_value_decode(&q, file, sizeof(file), &v), SV_OK);
	assert_int_equal(v.value, 0x1234);
	q = synthetic("SaSetup", 3, 4);
	assert_int_equal(setup_value_decode(&q, file, sizeof(file), &v), SV_OK);
	assert_int_equal(v.value, 0x12345678);
	q = synthetic("SaSetup", 7, 8);
	assert_int_equal(setup_value_decode(&q, file, sizeof(file), &v), SV_OK);
	assert_int_equal(v.value, 0x0807060504030201ull);
	q = synthetic("SaSetup", 8, 8);	/* one byte past the end */
	assert_int_equal(setup_value_decode(&q, file, sizeof(file), &v), SV_SHORT);
	assert_int_equal(setup_value_decode(&q, file, 3, &v), SV_SHORT);	/* not even the attributes */
	/* a bit field: 3 bits from bit 9 (byte 1 = 0x34: bits 9..11 = 0b010) */
	q = synthetic("SaSetup", 9, 0);
	q.bits = true;
	q.bit_width = 3;
	assert_int_equal(setup_value_decode(&q, file, sizeof(file), &v), SV_OK);
	assert_int_equal(v.value, 2);
	/* what is never read, or cannot be */
	q = synthetic("AMITSESetup", 0, 1);
	assert_int_equal(setup_value_decode(&q, file, sizeof(file), &v), SV_FORBIDDEN);
	q = synthetic("SetupPassword", 0, 1);
	assert_int_equal(setup_value_decode(&q, file, sizeof(file), &v), SV_FORBIDDEN);
	q = synthetic("Setup", 0, 1);
	guid_parse("C811FA38-42C8-4579-A9BB-60E94EDDFB34", &q.vs_guid);
	assert_int_equal(setup_value_decode(&q, file, sizeof(file), &v), SV_FORBIDDEN);
	q = synthetic("Setup", 0, 1);
	q.op = IFR_PASSWORD;
	assert_int_equal(setup_value_decode(&q, file, sizeof(file), &v), SV_FORBIDDEN);
	q = synthetic("Setup", 0, 1);
	q.has_store = false;
	assert_int_equal(setup_value_decode(&q, file, sizeof(file), &v), SV_NO_STORE);
	q = synthetic("Setup", 0, 1);
	q.vs_kind = IFR_VS_NAME_VALUE;
	assert_int_equal(setup_value_decode(&q, file, sizeof(file), &v), SV_UNSUPPORTED);
	q = synthetic("Setup", 0, 40);	/* a string */
	assert_int_equal(setup_value_decode(&q, file, sizeof(file), &v), SV_UNSUPPORTED);
}

/* A password variable is refused before the reader is ever asked for it. */
static void test_password_never_asked(void **state)
{
	(void)state;
	asked_reset();
	struct setup_question q = synthetic("AMITSESetup", 0, 1);
	guid_parse("C811FA38-42C8-4579-A9BB-60E94EDDFB34", &q.vs_guid);
	struct setup_value v;
	assert_int_equal(read_q(&q, &v), SV_FORBIDDEN);
	assert_non_null(strstr(v.detail, "may hold passwords"));
	q = synthetic("Setup", 0, 1);
	q.op = IFR_PASSWORD;
	assert_int_equal(read_q(&q, &v), SV_FORBIDDEN);
	assert_int_equal(nasked, 0);
	/* a reader that cannot read at all: said, with its reason */
	char path[700];
	snprintf(path, sizeof(path), "%s/SaSetup-72c5e28c-7783-43a1-8767-fad73fccafa4", unit_dir);
	assert_int_equal(mkfifo(path, 0600), 0);
	q = synthetic("SaSetup", 0, 1);
	assert_int_equal(read_q(&q, &v), SV_UNREADABLE);
	assert_non_null(strstr(v.detail, "SaSetup-72c5e28c-7783-43a1-8767-fad73fccafa4: SaSetup: not a variable file"));
	unlink(path);
	/* an EFI varstore the forms declare without runtime access: absent for Linux, and said why */
	q = synthetic("TCG2_CONFIGURATION", 0, 1);
	q.vs_attr = 3;
	assert_int_equal(read_q(&q, &v), SV_NOT_RUNTIME);
	assert_non_null(strstr(v.detail, "attributes 0x3, without runtime access"));
	q.vs_attr = 7;
	assert_int_equal(read_q(&q, &v), SV_MISSING);
	asked_reset();
}

/* Insyde stores its SystemConfig varstore as the variable "Setup". */
static void test_insyde_name(void **state)
{
	(void)state;
	struct setup_question q = synthetic("SystemConfig", 2, 1);
	guid_parse("A04A27F4-DF00-4D42-B552-39511302113D", &q.vs_guid);
	const uint8_t data[4] = { 0, 0, 5, 0 };
	put_var("Setup-a04a27f4-df00-4d42-b552-39511302113d", data, 4);
	struct setup_value v;
	asked_reset();
	assert_int_equal(read_q(&q, &v), SV_OK);
	assert_string_equal(v.var, "Setup-a04a27f4-df00-4d42-b552-39511302113d");
	assert_string_equal(v.name, "Setup");
	assert_int_equal(nasked, 2);
	assert_string_equal(asked[0], "SystemConfig");
	asked_reset();
	assert_string_equal(v.text, "On");
}

UNIT_MAIN(unit_dir_setup, unit_dir_teardown, cmocka_unit_test(test_dell_setup_variable), cmocka_unit_test(test_decode),
	  cmocka_unit_test(test_password_never_asked), cmocka_unit_test(test_insyde_name))
