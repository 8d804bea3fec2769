/* efivars.c - SecureBoot / SetupMode via libefivar (bios-settings.md section 4 lists its traps) */
#include "host/efivars.h"

#include <efivar/efivar.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int efivars_dir_for_root(const char *root, char *buf, size_t len)
{
	size_t r = strlen(root);
	while (r > 1 && root[r - 1] == '/')
		r--;
	/* libefivar builds paths by plain concatenation: the trailing '/' is required. */
	int n = snprintf(buf, len, "%.*s/sys/firmware/efi/efivars/", (int)(r == 1 && root[0] == '/' ? 0 : r), root);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int is_live_root(const char *root)
{
	return !root || !*root || !strcmp(root, "/");
}

int efivars_reexec_for_root(const char *root)
{
	char dir[4096];
	struct stat st;
	if (is_live_root(root) || efivars_dir_for_root(root, dir, sizeof(dir)) < 0)
		return 0;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return 0;
	const char *cur = getenv("EFIVARFS_PATH");
	if (cur && !strcmp(cur, dir))
		return 0;
	/* The original argv, NUL-separated, as the kernel keeps it. */
	FILE *f = fopen("/proc/self/cmdline", "rb");
	if (!f)
		return -1;
	static char args[65536];
	size_t len = fread(args, 1, sizeof(args) - 1, f);
	fclose(f);
	if (len == 0 || len == sizeof(args) - 1)
		return -1;
	args[len] = 0;
	char *argv[256];
	int argc = 0;
	for (size_t i = 0; i < len && argc < 255; i += strlen(args + i) + 1)
		argv[argc++] = args + i;
	argv[argc] = NULL;
	if (setenv("EFIVARFS_PATH", dir, 1) < 0 || setenv("LIBEFIVAR_OPS", "efivarfs", 1) < 0)
		return -1;
	execv("/proc/self/exe", argv);
	return -1;
}

static enum tristate read_flag(const char *name, char *why, size_t whylen)
{
	uint8_t *data = NULL;
	size_t size = 0;
	uint32_t attr = 0;
	efi_guid_t g = EFI_GLOBAL_GUID;
	if (efi_get_variable(g, name, &data, &size, &attr) < 0) {
		int e = errno;
		if (e == ENOENT)
			snprintf(why, whylen, "%s variable not present", name);
		else
			snprintf(why, whylen, "%s: %s", name, strerror(e));
		efi_error_clear();
		return TRI_UNKNOWN;
	}
	enum tristate t = size >= 1 ? (data[0] == 1 ? TRI_YES : TRI_NO) : TRI_UNKNOWN;
	if (size < 1)
		snprintf(why, whylen, "%s variable is empty", name);
	free(data);
	return t;
}

void efivars_read_secure_state(const char *root, struct efi_secure_state *s)
{
	s->secure_boot = s->setup_mode = TRI_UNKNOWN;
	s->why[0] = 0;
	if (!is_live_root(root)) {
		char dir[4096];
		const char *cur = getenv("EFIVARFS_PATH");
		struct stat st;
		if (efivars_dir_for_root(root, dir, sizeof(dir)) == 0 && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
			snprintf(s->why, sizeof(s->why), "%.200s does not exist (efivarfs not mounted)", dir);
			return;
		}
		if (!cur || strcmp(cur, dir)) {
			snprintf(s->why, sizeof(s->why),
				 "libefivar was not started with EFIVARFS_PATH=%.180s", dir);
			return;
		}
	}
	if (!efi_variables_supported()) {
		snprintf(s->why, sizeof(s->why), "no EFI variable access (efivarfs not mounted or not a UEFI boot)");
		return;
	}
	char w1[120] = "", w2[120] = "";
	s->secure_boot = read_flag("SecureBoot", w1, sizeof(w1));
	s->setup_mode = read_flag("SetupMode", w2, sizeof(w2));
	if (w1[0] || w2[0])
		snprintf(s->why, sizeof(s->why), "%s%s%s", w1, w1[0] && w2[0] ? "; " : "", w2);
}
