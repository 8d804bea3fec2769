/* setup_value.c - a Setup question's current value from its UEFI variable */
#define _GNU_SOURCE /* strcasestr */
#include "fw/setup_value.h"
#include "lib/reader.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EFI_VARIABLE_RUNTIME_ACCESS 0x4

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
	case SV_NOT_RUNTIME: return "not runtime-accessible";
	case SV_SHORT: return "variable too short";
	case SV_UNREADABLE: return "variable unreadable";
	}
	return "?";
}

/* The variable for store name `name`: its name, lower-case GUID and efivarfs file name. */
static void var_name(const struct setup_question *q, const char *name, struct setup_value *out)
{
	guid_fmt(&q->vs_guid, out->guid);
	for (char *c = out->guid; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	snprintf(out->name, sizeof(out->name), "%s", name);
	snprintf(out->var, sizeof(out->var), "%s-%s", out->name, out->guid);
}

/* What may not be read at all, before any file is touched. */
static enum setup_value_status precheck(const struct setup_question *q, struct setup_value *out)
{
	memset(out, 0, sizeof(*out));
	if (!q->has_store) {
		snprintf(out->detail, sizeof(out->detail), "the question has no variable (VarStoreId 0x%x)", q->vsid);
		return out->status = SV_NO_STORE;
	}
	var_name(q, q->vs_name ? q->vs_name : "", out);
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

/* The question's value in data (len bytes after the attribute word); precheck done. */
static enum setup_value_status decode(const struct setup_question *q, uint32_t attr, const uint8_t *data, size_t len,
				      struct setup_value *out)
{
	struct reader r;
	rd_init(&r, data, len, 0, NULL);
	out->attr = attr;
	out->data_len = len;
	out->size_differs = q->vs_size && len != q->vs_size;
	uint64_t v = 0;
	if (q->bits) {
		size_t last = (q->var_offset + (size_t)q->bit_width - 1) / 8;
		if (last >= len) {
			snprintf(out->detail, sizeof(out->detail), "%s has %zu data bytes; bit %u..%u is beyond them", out->var,
				 len, q->var_offset, q->var_offset + q->bit_width - 1);
			return out->status = SV_SHORT;
		}
		for (size_t i = 0; i < q->bit_width; i++) {
			size_t bit = q->var_offset + i;
			v |= (uint64_t)((data[bit / 8] >> (bit % 8)) & 1) << i;
		}
	} else {
		if (rd_check(&r, q->var_offset, q->width, "value") < 0) {
			snprintf(out->detail, sizeof(out->detail), "%s has %zu data bytes; the question needs 0x%x+%u", out->var,
				 len, q->var_offset, (unsigned)q->width);
			return out->status = SV_SHORT;
		}
		for (size_t i = q->width; i-- > 0;)
			v = v << 8 | data[q->var_offset + i];
	}
	out->value = v;
	for (size_t i = 0; i < q->nopt; i++)
		if (q->opt[i].value == v) {
			out->text = q->opt[i].text;
			break;
		}
	if (out->size_differs)
		snprintf(out->detail, sizeof(out->detail), "%s has %zu data bytes, the forms say 0x%x: the file may be another BIOS version",
			 out->var, len, q->vs_size);
	return out->status = SV_OK;
}

enum setup_value_status setup_value_decode_data(const struct setup_question *q, uint32_t attr, const uint8_t *data,
						size_t len, struct setup_value *out)
{
	enum setup_value_status st = precheck(q, out);
	return st != SV_OK ? st : decode(q, attr, data, len, out);
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
	return decode(q, attr, file + 4, len - 4, out);
}

enum setup_value_status setup_value_read(const struct setup_question *q, setup_var_reader rd, void *ctx,
					 struct setup_value *out)
{
	enum setup_value_status st = precheck(q, out);
	if (st != SV_OK)
		return st;
	uint8_t *data = NULL;
	size_t len = 0;
	uint32_t attr = 0;
	char why[200] = "";
	int rc = rd(ctx, out->name, out->guid, &data, &len, &attr, why, sizeof(why));
	if (rc == 0 && guid_eq(&q->vs_guid, &insyde_guid) && strcmp(out->name, "Setup")) {
		free(data);
		data = NULL;
		var_name(q, "Setup", out);
		rc = rd(ctx, out->name, out->guid, &data, &len, &attr, why, sizeof(why));
	}
	if (rc < 0) {
		snprintf(out->detail, sizeof(out->detail), "%s: %s", out->var, why[0] ? why : "cannot be read");
		free(data);
		return out->status = SV_UNREADABLE;
	}
	if (rc == 0) {
		free(data);
		if (q->vs_kind == IFR_VS_EFI && !(q->vs_attr & EFI_VARIABLE_RUNTIME_ACCESS)) {
			snprintf(out->detail, sizeof(out->detail),
				 "%s is not there: the forms declare it with attributes 0x%x, without runtime access, so "
				 "Linux never sees it", out->var, q->vs_attr);
			return out->status = SV_NOT_RUNTIME;
		}
		snprintf(out->detail, sizeof(out->detail),
			 "%s is not there: absent, or not runtime-accessible (efivarfs shows only those)", out->var);
		return out->status = SV_MISSING;
	}
	st = decode(q, attr, data, len, out);
	free(data);
	return st;
}
