/* setup_value.h - the current value of a Setup question, read from its UEFI variable
 *
 * Linux shows runtime-accessible UEFI variables in efivarfs as files named Name-GUID (GUID in lower
 * case) holding the 4-byte attribute word, then the data. setup_value_decode() is the pure part:
 * the question's bytes out of such a file's contents, mapped to the option text. setup_value_read()
 * picks the file in an efivars directory (a live /sys/firmware/efi/efivars/ or a --root tree) and
 * decodes it. Variables that hold passwords (AMITSESetup, anything named like a password, password
 * questions) are never opened.
 */
#ifndef IGDKIT_FW_SETUP_VALUE_H
#define IGDKIT_FW_SETUP_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fw/setup.h"

enum setup_value_status {
	SV_OK = 0,
	SV_NO_STORE,		/* the question stores nothing (VarStoreId 0 or undeclared) */
	SV_UNSUPPORTED,		/* name/value store, or a value wider than 8 bytes (strings, dates) */
	SV_FORBIDDEN,		/* a password variable or question: never read */
	SV_MISSING,		/* no such file: absent, or not runtime-accessible (efivarfs lists only those) */
	SV_SHORT,		/* the variable ends before the question's bytes: another BIOS version? */
	SV_UNREADABLE,		/* the file exists but could not be read */
};

struct setup_value {
	enum setup_value_status status;
	char var[128];		/* "Setup-ec87d643-eba4-4bb5-a1e5-3f3e36b20da9" */
	uint32_t attr;		/* the variable's attribute word */
	size_t data_len;	/* bytes of data after the attribute word */
	bool size_differs;	/* data_len differs from the varstore size the forms declare */
	uint64_t value;
	const char *text;	/* the option with this value, or NULL when none matches (or no options) */
	char detail[320];	/* why, for anything but SV_OK; a note on size mismatch otherwise */
};

/* Is this variable one that may hold passwords (never to be read or printed)? */
bool setup_var_forbidden(const char *name, const struct guid *g);

/* The value of q in the contents of its variable's efivarfs file (attributes + data). */
enum setup_value_status setup_value_decode(const struct setup_question *q, const uint8_t *file, size_t len,
					   struct setup_value *out);

/* Reads q's variable from dir (an efivars directory) and decodes it. */
enum setup_value_status setup_value_read(const char *dir, const struct setup_question *q, struct setup_value *out);

const char *setup_value_status_name(enum setup_value_status s);

#endif
