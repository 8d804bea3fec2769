/* find.c - firmware files in a folder tree */
#include "fw/find.h"

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "fw/fw.h"
#include "lib/file.h"

#define FIND_DEPTH 3
#define FIND_MIN ((uint64_t)64 << 10)

static bool name_looks_like_firmware(const char *name)
{
	static const char *const ext[] = { "bin", "rom", "fd", "cap", "upd", "img", "fl1", "fl2", "hdr", "ami", "dmp", NULL };
	const char *dot = strrchr(name, '.');
	if (!dot || dot == name)
		return true;	/* vendors ship "E7B79IMS" style names too */
	dot++;
	for (size_t i = 0; ext[i]; i++)
		if (!strcasecmp(dot, ext[i]))
			return true;
	/* numbered releases: Gigabyte .F20, MSI .1A0, ASRock .P2.30 (last part) */
	size_t n = strlen(dot);
	bool digit = false;
	for (size_t i = 0; i < n; i++)
		digit |= isdigit((unsigned char)dot[i]) != 0;
	return n >= 1 && n <= 3 && digit;
}

static bool skip_dir(const char *name, int depth)
{
	if (name[0] == '.')
		return true;
	if (depth == 0 && (!strcasecmp(name, "EFI") || !strcasecmp(name, "boot") || !strcasecmp(name, "logs")))
		return true;
	return !strcasecmp(name, "System Volume Information") || !strcmp(name, "lost+found");
}

static void walk(const char *dir, int depth, struct fw_found **v, size_t *n, size_t max, struct diag *d)
{
	DIR *dp = opendir(dir);
	if (!dp) {
		diag_note(d, DIAG_NO_OFFSET, "%s: cannot list it", dir);
		return;
	}
	struct dirent *e;
	while ((e = readdir(dp)) && *n < max) {
		char path[1024];
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path))
			continue;
		struct stat st;
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth + 1 < FIND_DEPTH && !skip_dir(e->d_name, depth))
				walk(path, depth + 1, v, n, max, d);
			continue;
		}
		if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size < FIND_MIN || (uint64_t)st.st_size > FILE_MAX_FIRMWARE ||
		    !name_looks_like_firmware(e->d_name))
			continue;
		struct file_buf fb;
		char err[256];
		if (file_read(path, FILE_MAX_FIRMWARE, &fb, err, sizeof(err)) < 0) {
			diag_note(d, DIAG_NO_OFFSET, "%s", err);
			continue;
		}
		struct fw_image *img = NULL;
		struct diag wd;
		diag_init(&wd);
		if (fw_open(fb.data, fb.len, &img, &wd) == 0) {
			struct fw_found *nv = realloc(*v, (*n + 1) * sizeof(**v));
			if (nv) {
				*v = nv;
				struct fw_found *f = &nv[(*n)++];
				memset(f, 0, sizeof(*f));
				snprintf(f->path, sizeof(f->path), "%s", path);
				f->size = (uint64_t)st.st_size;
				snprintf(f->kind, sizeof(f->kind), "%s", fw_input_name(fw_input_kind(img)));
			}
			fw_close(img);
		}
		diag_free(&wd);
		file_buf_free(&fb);
	}
	closedir(dp);
}

int fw_find_files(const char *dir, struct fw_found **v, size_t *n, size_t max, struct diag *d)
{
	walk(dir, 0, v, n, max, d);
	return 0;
}
