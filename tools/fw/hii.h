/* hii.h - HII packages inside a driver image: package lists, form and string packages, strings by id
 *
 * Package header: u32 whose bits 0-23 are the package length (header included) and bits 24-31
 * its type (0x02 forms, 0x04 strings, 0xDF end of list). A package list is a GUID, a u32 total
 * length, then packages ending in an end package; drivers built with HII resources keep one in the
 * PE resource section. EDK2's build puts each form package and each module's string packages in
 * the data section as an array: a u32 (array length, itself included) then the packages back to
 * back. hii_scan finds both shapes anywhere in an image's bytes; a candidate counts only when its
 * packages tile its length exactly, so random bytes rarely pass.
 *
 * String package: header, u32 HdrSize @4, u32 StringInfoOffset @8, CHAR16 LanguageWindow[16] @12,
 * u16 LanguageName @44, ASCII language tag @46; then string blocks (ids count from 1) up to an end
 * block.
 */
#ifndef IGDKIT_FW_HII_H
#define IGDKIT_FW_HII_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/reader.h"

#define HII_PKG_FORMS 0x02
#define HII_PKG_STRINGS 0x04
#define HII_PKG_END 0xDF

#define HII_MAX_PACKAGES 4096	/* per image; more is not a driver */
#define HII_MAX_STRING_ID 0xFFFF

struct hii_package {
	uint8_t type;
	size_t at, len;		/* in the scanned window (header included) */
	unsigned group;		/* packages found together (one list or one array) share a group */
};

struct hii_group {
	bool is_list;		/* a package list (with GUID), else an EDK2 array */
	struct guid guid;	/* package list GUID */
	size_t at, len;
	unsigned nforms, nstrings;
};

struct hii_scan {
	struct hii_package *pkg;
	size_t npkg;
	struct hii_group *grp;
	size_t ngrp;
	bool capped;		/* HII_MAX_PACKAGES reached */
};

/* Every package list and EDK2 package array in r. Returns 0, or -1 when memory ran out. */
int hii_scan(const struct reader *r, struct hii_scan *out);
void hii_scan_free(struct hii_scan *s);

enum hii_enc { HII_ENC_NONE = 0, HII_ENC_UCS2, HII_ENC_SCSU, HII_ENC_DUP };

struct hii_strings {
	struct reader r;	/* the package's bytes, header included */
	char lang[48];		/* "en-US" */
	uint32_t count;		/* highest id defined */
	uint32_t *at;		/* per id (index id): position of the text in r, or the target id for HII_ENC_DUP */
	uint8_t *enc;		/* per id: enum hii_enc */
	size_t findings;	/* problems met while indexing (recorded in r.d) */
};

/* Indexes one string package (r spans the package, header included). Problems are findings in r->d
   with their offsets; what was read before them stays usable. Returns -1 only when the header is
   not a string package's or memory ran out. */
int hii_strings_parse(const struct reader *r, struct hii_strings *out);
void hii_strings_free(struct hii_strings *s);
/* UTF-8 text of string id (control characters as '?', surrogates as '?'); NULL when the id is
   undefined. The text is cut to fit buf. */
const char *hii_string(const struct hii_strings *s, uint16_t id, char *buf, size_t len);
/* Is lang English ("en", "en-US", "eng")? */
bool hii_lang_is_english(const char *lang);

#endif
