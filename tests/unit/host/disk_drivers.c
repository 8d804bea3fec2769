/* tests for tools/host/disk_drivers.c: the wait for the stick's background driver step
 *
 * The marker is a real file that a child process removes after a while, as the stick's
 * /usr/libexec/igdkit-drivers does when its modprobe returns.
 */
#include "helpers.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "host/disk_drivers.h"

static char marker[600];

static long ms_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void make_marker(void)
{
	int fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	close(fd);
}

/* No marker (a normal host, or the step already done): no wait at all. */
static void test_no_marker_returns_at_once(void **state)
{
	(void)state;
	unlink(marker);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_true(host_disk_drivers_settle(marker, 5000));
	assert_true(ms_since(&t0) < 50);
}

/* The step ends while igdkit waits: it returns soon after, with true. */
static void test_waits_until_marker_goes(void **state)
{
	(void)state;
	make_marker();
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		usleep(300 * 1000);
		unlink(marker);
		_exit(0);
	}
	assert_true(host_disk_drivers_settle(marker, 10000));
	long waited = ms_since(&t0);
	int st;
	waitpid(pid, &st, 0);
	assert_true(waited >= 290);
	assert_true(waited < 5000);
}

/* A step that never ends: false after the timeout, not a hang. */
static void test_times_out(void **state)
{
	(void)state;
	make_marker();
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_false(host_disk_drivers_settle(marker, 200));
	long waited = ms_since(&t0);
	assert_true(waited >= 190);
	assert_true(waited < 3000);
	unlink(marker);
}

static int setup(void **state)
{
	unit_dir_setup(state);
	snprintf(marker, sizeof(marker), "%s/drivers.pending", unit_dir);
	return 0;
}

UNIT_MAIN(setup, unit_dir_teardown, cmocka_unit_test(test_no_marker_returns_at_once),
	  cmocka_unit_test(test_waits_until_marker_goes), cmocka_unit_test(test_times_out))
