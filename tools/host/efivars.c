/* efivars.c - UEFI variables: libefivar for the live machine, efivarfs files for a tree */
#include "host/efivars.h"

#include <efivar/efivar.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EFIVARS_DIR "/sys/firmware/efi/efivars"

int efivars_dir_for_root(const char *root, char *buf, size_t len)
{
	size_t r = strlen(root);
	while (r > 1 && root[r - 1] == '/')
		r--;
	int n = snprintf(buf, len, "%.*s" EFIVARS_DIR "/", (int)(r == 1 && root[0] == '/' ? 0 : r), root);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int read_live(const char *name, const char *guid, uint8_t **data, size_t *len, uint32_t *attr, char *why,
		     size_t whylen)
{
	efi_guid_t g;
	if (efi_str_to_guid(guid, &g) < 0) {
		efi_error_clear();
		snprintf(why, whylen, "%s: bad GUID %s", name, guid);
		return -1;
	}
	if (efi_get_variable(g, name, data, len, attr) < 0) {
		int e = errno;
		efi_error_clear();
		if (e == ENOENT) {
			snprintf(why, whylen, "%s variable not present", name);
			return 0;
		}
		snprintf(why, whylen, "%s: %s", name, strerror(e));
		return -1;
	}
	return 1;
}

/* efivarfs shows a variable as one file: a 32-bit attribute word, then the data. */
static int read_tree(const struct host *h, const char *name, const char *guid, uint8_t **data, size_t *len,
		     uint32_t *attr, char *why, size_t whylen)
{
	char path[600], err[300];
	snprintf(path, sizeof(path), EFIVARS_DIR "/%s-%s", name, guid);
	if (!h->ops->exists(h, path)) {
		snprintf(why, whylen, "%s variable not present", name);
		return 0;
	}
	struct file_buf fb;
	if (h->ops->read_file(h, path, EFIVAR_MAX_SIZE + 4, &fb, err, sizeof(err)) < 0) {
		snprintf(why, whylen, "%s: %s", name, err);
		return -1;
	}
	if (fb.len < 4) {
		snprintf(why, whylen, "%s: %zu byte(s), need 4 bytes of attributes", name, fb.len);
		file_buf_free(&fb);
		return -1;
	}
	*attr = (uint32_t)fb.data[0] | (uint32_t)fb.data[1] << 8 | (uint32_t)fb.data[2] << 16 | (uint32_t)fb.data[3] << 24;
	*len = fb.len - 4;
	*data = malloc(*len ? *len : 1);
	if (!*data) {
		file_buf_free(&fb);
		snprintf(why, whylen, "out of memory");
		return -1;
	}
	memcpy(*data, fb.data + 4, *len);
	file_buf_free(&fb);
	return 1;
}

bool efivars_available(const struct host *h, char *why, size_t whylen)
{
	why[0] = 0;
	if (host_is_live(h)) {
		if (efi_variables_supported())
			return true;
		snprintf(why, whylen, "no EFI variable access (efivarfs not mounted or not a UEFI boot)");
		return false;
	}
	if (h->ops->exists(h, EFIVARS_DIR))
		return true;
	char dir[4200];
	efivars_dir_for_root(h->root, dir, sizeof(dir));
	snprintf(why, whylen, "%.200s does not exist (efivarfs not mounted)", dir);
	return false;
}

int efivar_read(const struct host *h, const char *name, const char *guid, uint8_t **data, size_t *len,
		uint32_t *attr, char *why, size_t whylen)
{
	*data = NULL;
	*len = 0;
	*attr = 0;
	if (!efivars_available(h, why, whylen))
		return -1;
	if (host_is_live(h))
		return read_live(name, guid, data, len, attr, why, whylen);
	return read_tree(h, name, guid, data, len, attr, why, whylen);
}

static enum tristate read_flag(const struct host *h, const char *name, char *why, size_t whylen)
{
	uint8_t *data;
	size_t size;
	uint32_t attr;
	if (efivar_read(h, name, EFI_GLOBAL_VARIABLE_GUID, &data, &size, &attr, why, whylen) <= 0)
		return TRI_UNKNOWN;
	enum tristate t = size >= 1 ? (data[0] == 1 ? TRI_YES : TRI_NO) : TRI_UNKNOWN;
	if (size < 1)
		snprintf(why, whylen, "%s variable is empty", name);
	free(data);
	return t;
}

void efivars_read_secure_state(const struct host *h, struct efi_secure_state *s)
{
	s->secure_boot = s->setup_mode = TRI_UNKNOWN;
	s->why[0] = 0;
	if (!efivars_available(h, s->why, sizeof(s->why)))
		return;
	char w1[120] = "", w2[120] = "";
	s->secure_boot = read_flag(h, "SecureBoot", w1, sizeof(w1));
	s->setup_mode = read_flag(h, "SetupMode", w2, sizeof(w2));
	if (w1[0] || w2[0])
		snprintf(s->why, sizeof(s->why), "%s%s%s", w1, w1[0] && w2[0] ? "; " : "", w2);
}
