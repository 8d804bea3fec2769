/* tests for tools/lib/atomic.c and tools/lib/fault.c */
#include "helpers.h"
#include "lib/atomic.h"
#include "lib/fault.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *slurp(const char *p)
{
	struct file_buf fb;
	char err[256];
	if (file_read(p, 1 << 20, &fb, err, sizeof(err)) < 0)
		return NULL;
	char *s = malloc(fb.len + 1);
	memcpy(s, fb.data, fb.len);
	s[fb.len] = 0;
	file_buf_free(&fb);
	return s;
}

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write_replace_mode(void **state)
{
	(void)state;
	char *dir = make_tmpdir();
	char p[4200];
	snprintf(p, sizeof(p), "%s/f.conf", dir);
	struct diag d;
	diag_init(&d);
	assert_int_equal(atomic_write(p, "one\n", 4, 0640, (uid_t)-1, (gid_t)-1, &d), 0);
	char *s = slurp(p);
	assert_string_equal(s, "one\n");
	free(s);
	struct stat st;
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(atomic_write(p, "two\n", 4, 0600, (uid_t)-1, (gid_t)-1, &d), 0);
	s = slurp(p);
	assert_string_equal(s, "two\n");
	free(s);
	assert_int_equal(count_entries(dir), 1);	/* no temp file left */
	char l[4200];
	snprintf(l, sizeof(l), "%s/link", dir);
	assert_int_equal(atomic_symlink("/etc/x", l, &d), 0);
	assert_int_equal(atomic_symlink("/etc/y", l, &d), 0);
	char t[64];
	ssize_t n = readlink(l, t, sizeof(t) - 1);
	assert_true(n > 0);
	t[n] = 0;
	assert_string_equal(t, "/etc/y");
	assert_int_equal(atomic_unlink(l, &d), 0);
	assert_int_equal(atomic_unlink(l, &d), 0);	/* missing is fine */
	assert_int_equal(count_entries(dir), 1);
	/* no such directory: an error naming the path */
	snprintf(p, sizeof(p), "%s/nodir/f", dir);
	assert_int_equal(atomic_write(p, "x", 1, 0644, (uid_t)-1, (gid_t)-1, &d), -1);
	assert_non_null(strstr(diag_last(&d), "nodir/f"));
	diag_free(&d);
	rm_tmpdir(dir);
}

/* Each fault point in the write path: the old content stays, no temp file stays behind. */
static void test_faults_keep_old(void **state)
{
	(void)state;
	static const char *const pts[] = { "atomic.write", "atomic.fsync", "atomic.rename" };
	for (size_t i = 0; i < 3; i++) {
		char *dir = make_tmpdir();
		char p[4200];
		snprintf(p, sizeof(p), "%s/f", dir);
		write_file(p, "old\n", 4);
		struct diag d;
		diag_init(&d);
		setenv("IGDKIT_FAULT", pts[i], 1);
		assert_int_equal(atomic_write(p, "new\n", 4, 0644, (uid_t)-1, (gid_t)-1, &d), -1);
		unsetenv("IGDKIT_FAULT");
		assert_non_null(strstr(diag_last(&d), "injected fault"));
		char *s = slurp(p);
		assert_string_equal(s, "old\n");
		free(s);
		assert_int_equal(count_entries(dir), 1);
		/* crash mode: the process ends at the point, exit status 86 */
		pid_t pid = fork();
		if (pid == 0) {
			setenv("IGDKIT_FAULT", pts[i], 1);
			char spec[64];
			snprintf(spec, sizeof(spec), "%s:crash", pts[i]);
			setenv("IGDKIT_FAULT", spec, 1);
			atomic_write(p, "new\n", 4, 0644, (uid_t)-1, (gid_t)-1, NULL);
			_exit(0);
		}
		int st;
		waitpid(pid, &st, 0);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), FAULT_CRASH_STATUS);
		s = slurp(p);
		assert_string_equal(s, "old\n");	/* the crash left the old file (a temp file may remain) */
		free(s);
		diag_free(&d);
		rm_tmpdir(dir);
	}
}

static void test_cleanup_removes_pending_temp(void **state)
{
	(void)state;
	/* the dirsync point comes after the rename: the new file is complete */
	char *dir = make_tmpdir();
	char p[4200];
	snprintf(p, sizeof(p), "%s/f", dir);
	struct diag d;
	diag_init(&d);
	setenv("IGDKIT_FAULT", "atomic.dirsync", 1);
	assert_int_equal(atomic_write(p, "new\n", 4, 0644, (uid_t)-1, (gid_t)-1, &d), -1);
	unsetenv("IGDKIT_FAULT");
	char *s = slurp(p);
	assert_string_equal(s, "new\n");
	free(s);
	atomic_cleanup();
	assert_int_equal(count_entries(dir), 1);
	diag_free(&d);
	rm_tmpdir(dir);
}

static void test_fault_trace(void **state)
{
	(void)state;
	char tr[] = "/tmp/igdkit-trace-XXXXXX";
	int fd = mkstemp(tr);
	close(fd);
	setenv("IGDKIT_FAULT_TRACE", tr, 1);
	assert_false(FAULT("a.one"));
	assert_false(FAULT("a.two"));
	unsetenv("IGDKIT_FAULT_TRACE");
	char *s = slurp(tr);
	assert_string_equal(s, "a.one#1\na.two#1\n");
	free(s);
	unlink(tr);
	setenv("IGDKIT_FAULT", "a.one", 1);
	assert_true(FAULT("a.one"));
	assert_false(FAULT("a.on"));
	assert_false(FAULT("a.one.x"));
	/* only the 3rd pass of b.x fails (passes are counted per name from the start) */
	setenv("IGDKIT_FAULT", "b.x#3", 1);
	assert_false(FAULT("b.x"));
	assert_false(FAULT("b.x"));
	assert_true(FAULT("b.x"));
	assert_false(FAULT("b.x"));
	unsetenv("IGDKIT_FAULT");
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_write_replace_mode), cmocka_unit_test(test_faults_keep_old),
	  cmocka_unit_test(test_cleanup_removes_pending_temp), cmocka_unit_test(test_fault_trace))
