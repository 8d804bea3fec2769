/* floor-init.c - /init of the bench's floor initrd: the boot of the stick with nothing of
 * igdkit's in it. Prints the autorun frame on the serial port the way the real /init
 * does, then powers off; `make bench` divides the real stick's time by this one's. */
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
	static const char frame[] = "=== igdkit autorun begin ===\n=== igdkit autorun end (rc=0) ===\n";
	mount("dev", "/dev", "devtmpfs", 0, NULL);
	int fd = open("/dev/ttyS0", O_WRONLY | O_NOCTTY);
	if (fd >= 0) {
		if (write(fd, frame, strlen(frame)) < 0)
			fd = -1;
		fsync(fd);
	}
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
