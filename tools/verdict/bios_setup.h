/* bios_setup.h - the BIOS Setup values behind the verdicts: VT-d, CSM, primary display, iGPU
 *
 * The board's own firmware file names where each passthrough option lives (fw/setup.h: HII forms,
 * varstore, offset, options); its current value is read from the machine's UEFI variables through
 * host/efivars.h efivar_read, so a --root tree is read the same way as the live machine. The file is
 * compared with the running BIOS (DMI bios_version and bios_date searched in the file), then
 * check_bios_setup() adds each value as evidence to the vtd, boot_mode, primary and igd verdicts, says
 * when a value contradicts what the hardware shows, and names the option with its form path in the
 * advice. fw/ cannot read the machine and host/ cannot read firmware, so they meet here.
 */
#ifndef IGDKIT_VERDICT_BIOS_SETUP_H
#define IGDKIT_VERDICT_BIOS_SETUP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "fw/setup_settings.h"
#include "host/collect.h"
#include "verdict/verdict.h"

struct bios_setup {
	bool used;			/* a firmware file was given, or found on the stick */
	char path[PATH_MAX];
	bool from_stick;		/* found by bios_setup_collect on the IGDKIT partition */
	char stick_note[600];		/* what the look on the stick found, when it chose nothing */
	char err[400];			/* the file could not be read or is no firmware: why */
	struct setup *s;
	struct setup_settings set;
	char vars_why[300];		/* why no variable can be read ("" when they can) */
	char vars_dir[PATH_MAX];	/* where the variables are, for the JSON "source" */
	/* the file against the running BIOS */
	char dmi_version[128], dmi_date[64];
	bool version_found, date_found;
	enum tristate same_bios;	/* YES: DMI version found in the file; NO: not in a whole image; UNKNOWN */
	char bios_note[400];
};

/*
 * Reads the settings of firmware file `path` for machine h. With path NULL and stick_dir set (the
 * mounted IGDKIT partition), takes the one plausible firmware file at the partition's top level: a
 * regular file of 64 KiB to 256 MiB, not a text or log file, whose forms hold a passthrough question;
 * none or several: b->used stays false and stick_note says so. Never fails as a whole: what cannot be
 * read is said in b. -1 only when memory ran out.
 */
int bios_setup_collect(const struct host *h, const char *path, const char *stick_dir, struct bios_setup *b);
void bios_setup_free(struct bios_setup *b);

/* The running machine's DMI string name ("bios_version", "board_name") from /sys/class/dmi/id,
 * trailing blanks cut; "" when unreadable. */
void dmi_read(const struct host *h, const char *name, char *buf, size_t len);
/* Whether a firmware file carries the running BIOS version: the version string occurs in it, and
 * is long enough not to occur by chance, or the BIOS date occurs too. */
bool bios_version_found(const char *version, bool version_in_file, bool date_in_file);

/* After check_all: the values as evidence in the vtd, boot_mode, primary and igd verdicts, and a
   "bios_setup" verdict about the file and the reading itself. Nothing when b->used is false. */
void check_bios_setup(const struct host_data *c, const struct bios_setup *b, struct verdict_list *l);

/* "VT-d" = 1 "Enabled", or why it was not read: one setting as evidence text. */
const char *bios_setting_text(const struct setup_setting *st, char *buf, size_t len);
/* The efivarfs path a setting's value came from, or NULL when it was not read. */
const char *bios_setting_source(const struct bios_setup *b, const struct setup_setting *st, char *buf, size_t len);

#endif
