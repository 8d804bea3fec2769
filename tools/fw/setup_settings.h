/* setup_settings.h - the passthrough settings of a firmware file with their current values
 *
 * From the questions setup_open() resolved, keeps those setup_match() names (VT-d, CSM, primary
 * display, ...) once per key and storage place (a prompt often appears several times, in other forms
 * or under suppress-if TRUE, at the same byte) and reads each value through the caller's variable
 * reader (setup_value.h). Only the variables these questions name are asked for; password variables
 * never are. What the values mean for the machine is judged in verdict/bios_setup.c.
 */
#ifndef IGDKIT_FW_SETUP_SETTINGS_H
#define IGDKIT_FW_SETUP_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>

#include "fw/setup.h"
#include "fw/setup_value.h"

struct setup_setting {
	const char *key;			/* "vtd", ..., or a vendor analogue's own key */
	bool analogue;
	const struct setup_question *q;		/* the copy the browser shows, else the first one */
	size_t copies;				/* questions of this key at this storage place */
	struct setup_value v;			/* v.status SV_UNREADABLE with v.detail when not read */
};

struct setup_settings {
	struct setup_setting *v;		/* targets in setup_target_keys order, then analogues */
	size_t n;
	const char *absent[16];			/* target keys without any question */
	size_t nabsent;
};

/* rd NULL: nothing is read (every status SV_UNREADABLE, detail no_read_why). -1 when memory ran out. */
int setup_settings_read(const struct setup *s, setup_var_reader rd, void *ctx, const char *no_read_why,
			struct setup_settings *out);
void setup_settings_free(struct setup_settings *out);

/* What a read value means for an on/off question: 1 on, 0 off, -1 not a value of that kind or not
   read. From the option text ("Enabled", "Disabled", "On", ...), or the value of a checkbox. */
int setup_setting_on(const struct setup_setting *st);
/* The first option of q whose text begins with one of words (case-folded), or NULL. */
const struct setup_option *setup_option_like(const struct setup_question *q, const char *const *words);
/* `SaSetup(72C5E28C-…)+0xF9`: where the value lives, as the evidence names it. */
const char *setup_setting_place(const struct setup_setting *st, char *buf, size_t len);

#endif
