/* tests for tools/change/diff.c: hunks identical to GNU diff -u (the reference tool) */
#include "pvefixture.h"
#include "pve/target.h"
#include "pve/target_dev.h"
#include "plan/changes.h"
#include "rom/fit.h"
#include "change/diff.h"
#include "change/manifest.h"
#include "change/apply.h"
#include "change/rebuild.h"

static char *gnu_diff(const char *a, const char *b)
{
	char *dir = make_tmpdir();
	char pa[4200], pb[4200], cmd[9000];
	snprintf(pa, sizeof(pa), "%s/a", dir);
	snprintf(pb, sizeof(pb), "%s/b", dir);
	write_file(pa, a, strlen(a));
	write_file(pb, b, strlen(b));
	/* drop diff's own ---/+++ lines (they carry file times); ours are checked separately */
	snprintf(cmd, sizeof(cmd), "diff -u '%s' '%s' | tail -n +3", pa, pb);
	char *s = sh_capture(cmd);
	rm_tmpdir(dir);
	return s;
}

static void check_pair(const char *a, const char *b)
{
	char *ours = diff_unified("a/x", "b/x", a, strlen(a), b, strlen(b));
	char *ref = gnu_diff(a, b);
	if (!*ref) {
		assert_string_equal(ours, "");
	} else {
		assert_true(strncmp(ours, "--- a/x\n+++ b/x\n", 16) == 0);
		assert_string_equal(ours + 16, ref);
	}
	free(ours);
	free(ref);
}

static void test_matches_gnu_diff(void **state)
{
	(void)state;
	char big_a[4096] = "", big_b[4096] = "";
	for (int i = 1; i <= 40; i++) {
		char l[32];
		snprintf(l, sizeof(l), "line %d\n", i);
		strcat(big_a, l);
		if (i == 3)
			strcat(big_b, "changed 3\n");
		else if (i == 20)
			strcat(big_b, "inserted\nline 20\n");
		else if (i == 27 || i == 38)
			continue;
		else
			strcat(big_b, l);
	}
	const char *pairs[][2] = {
		{ "a\nb\nc\n", "a\nb\nc\n" },
		{ "", "new\nfile\n" },
		{ "old\n", "" },
		{ "a\nb\nc\n", "a\nB\nc\n" },
		{ "a\nb", "a\nb\n" },
		{ "a\nb\n", "a\nc" },
		{ "1\n2\n3\n4\n5\n6\n7\n8\n", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n" },
		{ big_a, big_b },
	};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		check_pair(pairs[i][0], pairs[i][1]);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_matches_gnu_diff))
