/* setup_value.c - a Setup question's current value from its efivarfs file */
#define _GNU_SOURCE /* strcasestr */
#include "fw/setup_value.h"
#include "lib/reader.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_VAR (0x10000 + 4)	/* a varstore's size is a u16: its variable cannot be larger */

/* AMI TSE keeps the password hashes in AMITSESetup under this GUID (bios-settings.md). */
static const struct guid ami_tse_guid = GUID_INIT(0xC811FA38, 0x42C8, 0x4579, 0xA9, 0xBB, 0x60, 0xE9, 0x4E, 0xDD, 0xFB, 0x34);
/* Insyde's "SystemConfig" varstore is stored as the variable "Setup" under this GUID. */
static const struct guid insyde_guid = GUID_INIT(0xA04A27F4, 0xDF00, 0x4D42, 0xB5, 0x52, 0x39, 0x51, 0x13, 0x02, 0x11, 0x3D);

bool setup_var_forbidden(const char *name, const struct guid *g)
{
	if (g && guid_eq(g, &ami_tse_guid))
		return true;
	return !strcasecmp(name, "AMITSESetup") || strcasestr(name, "passw") || strcasestr(name, "pwd");
}

const char *setup_value_status_name(enum setup_value_status s)
{
	switch (s) {
	case SV_OK: return "ok";
	case SV_NO_STORE: return "no storage";
	case SV_UNSUPPORTED: return "not readable this way";
	case SV_FORBIDDEN: return "password variable, not read";
	case SV_MISSING: return "variable not found";
	case SV_SHORT: return "variable too short";
	case SV_UNREADABLE: return "variable unreadable";
	}
	return "?";
}

static void var_name(const struct setup_question *q, const char *name, char *buf, size_t len)
{
	char g[GUID_STR_LEN];
	guid_fmt(&q->vs_guid, g);
	for (char *c = g; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	snprintf(buf, len, "%s-%s", name, g);
}

/* What may not be read at all, before any file is touched. */
static enum setup_value_status precheck(const struct setup_question *q, struct setup_value *out)
{
	memset(out, 0, sizeof(*out));
	if (!q->has_store) {
		snprintf(out->detail, sizeof(out->detail), "the question has no variable (VarStoreId 0x%x)", q->vsid);
		return out->status = SV_NO_STORE;
	}
	var_name(q, q->vs_name ? q->vs_name : "", out->var, sizeof(out->var));
	if (q->op == IFR_PASSWORD || setup_var_forbidden(q->vs_name ? q->vs_name : "", &q->vs_guid)) {
		snprintf(out->detail, sizeof(out->detail), "%s may hold passwords: not read", q->vs_name ? q->vs_name : "the variable");
		return out->status = SV_FORBIDDEN;
	}
	if (q->vs_kind == IFR_VS_NAME_VALUE) {
		snprintf(out->detail, sizeof(out->detail), "name/value store: each value is its own variable");
		return out->status = SV_UNSUPPORTED;
	}
	if (q->bits ? (q->bit_width == 0 || q->bit_width > 64) : (q->width == 0 || q->width > 8)) {
		snprintf(out->detail, sizeof(out->detail), "a %u-%s value is not a number", q->bits ? q->bit_width : q->width,
			 q->bits ? "bit" : "byte");
		return out->status = SV_UNSUPPORTED;
	}
	return SV_OK;
}

enum setup_value_status setup_value_decode(const struct setup_question *q, const uint8_t *file, size_t len,
					   struct setup_value *out)
{
	enum setup_value_status st = precheck(q, out);
	if (st != SV_OK)
		return st;
	struct reader r;
	uint32_t attr;
	rd_init(&r, file, len, 0, NULL);
	if (rd_u32le(&r, &attr, "attributes") < 0) {
		snprintf(out->detail, sizeof(out->detail), "%s has %zu bytes, not even the 4-byte attribute word", out->var, len);
		return out->status = SV_SHORT;
	}
	out->attr = attr;
	out->data_len = rd_left(&r);
	out->size_differs = q->vs_size && out->data_len != q->vs_size;
	uint64_t v = 0;
	if (q->bits) {
		size_t last = (q->var_offset + (size_t)q->bit_width - 1) / 8;
		if (last >= out->data_len) {
			snprintf(out->detail, sizeof(out->detail), "%s has %zu data bytes; bit %u..%u is beyond them", out->var,
				 out->data_len, q->var_offset, q->var_offset + q->bit_width - 1);
			return out->status = SV_SHORT;
		}
		for (size_t i = 0; i < q->bit_width; i++) {
			size_t bit = q->var_offset + i;
			v |= (uint64_t)((r.p[r.pos + bit / 8] >> (bit % 8)) & 1) << i;
		}
	} else {
		uint8_t b[8];
		if (rd_check(&r, r.pos + q->var_offset, q->width, "value") < 0) {
			snprintf(out->detail, sizeof(out->detail), "%s has %zu data bytes; the question needs 0x%x+%u", out->var,
				 out->data_len, q->var_offset, (unsigned)q->width);
			return out->status = SV_SHORT;
		}
		memcpy(b, r.p + r.pos + q->var_offset, q->width);
		for (size_t i = q->width; i-- > 0;)
			v = v << 8 | b[i];
	}
	out->value = v;
	for (size_t i = 0; i < q->nopt; i++)
		if (q->opt[i].value == v) {
			out->text = q->opt[i].text;
			break;
		}
	if (out->size_differs)
		snprintf(out->detail, sizeof(out->detail), "%s has %zu data bytes, the forms say 0x%x: the file may be another BIOS version",
			 out->var, out->data_len, q->vs_size);
	return out->status = SV_OK;
}

/* Reads dir/name into buf; returns bytes read, or -1 with errno. */
static long slurp(const char *dir, const char *name, uint8_t *buf, size_t cap)
{
	char path[4096];
	size_t dl = strlen(dir);
	if (snprintf(path, sizeof(path), "%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", name) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	size_t n = 0;
	while (n < cap) {
		ssize_t k = read(fd, buf + n, cap - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	return (long)n;
}

enum setup_value_status setup_value_read(const char *dir, const struct setup_question *q, struct setup_value *out)
{
	enum setup_value_status st = precheck(q, out);
	if (st != SV_OK)
		return st;
	uint8_t *buf = malloc(MAX_VAR);
	if (!buf) {
		snprintf(out->detail, sizeof(out->detail), "out of memory");
		return out->status = SV_UNREADABLE;
	}
	long n = slurp(dir, out->var, buf, MAX_VAR);
	if (n < 0 && errno == ENOENT && guid_eq(&q->vs_guid, &insyde_guid)) {
		var_name(q, "Setup", out->var, sizeof(out->var));
		n = slurp(dir, out->var, buf, MAX_VAR);
	}
	if (n < 0) {
		int e = errno;
		char var[sizeof(out->var)];
		memcpy(var, out->var, sizeof(var));
		if (e == ENOENT) {
			snprintf(out->detail, sizeof(out->detail),
				 "%s is not there: absent, or not runtime-accessible (efivarfs shows only those)", var);
			out->status = SV_MISSING;
		} else {
			snprintf(out->detail, sizeof(out->detail), "%s: %s", var, strerror(e));
			out->status = SV_UNREADABLE;
		}
		free(buf);
		return out->status;
	}
	char var[sizeof(out->var)];
	memcpy(var, out->var, sizeof(var));
	st = setup_value_decode(q, buf, (size_t)n, out);
	free(buf);
	memcpy(out->var, var, sizeof(var));	/* decode names the GUID form; keep the file actually read */
	return st;
}
