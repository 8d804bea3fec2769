/* setup.h - the BIOS Setup questions a firmware file carries, with names, storage and defaults
 *
 * setup_open() takes a whole firmware image, a capsule, one FFS file (all through fw_open), a PE32
 * image section (4-byte section header then the PE32+ image) or a bare PE32+ image; finds the HII
 * packages in every PE image (hii.h), pairs each form package with its string packages, walks the
 * IFR (ifr.h) and resolves every question into plain facts: prompt and help in English (else the
 * first language present), form set, form path, varstore, offset, width, options and defaults.
 */
#ifndef IGDKIT_FW_SETUP_H
#define IGDKIT_FW_SETUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/diag.h"
#include "lib/guid.h"
#include "fw/ifr.h"

struct setup_option {
	uint64_t value;
	const char *text;	/* never NULL: "" when the string id is undefined */
};

struct setup_question {
	const char *prompt, *help;	/* never NULL */
	const char *path;		/* form titles from the top form down, then the prompt: "Advanced > Video > VT-d" */
	uint8_t op;			/* IFR opcode: ifr_op_name() */
	uint16_t qid;
	const char *formset_title;
	struct guid formset_guid;
	bool has_store;			/* the VarStoreId names a varstore of the form set */
	uint16_t vsid;
	uint8_t vs_kind;		/* enum ifr_vs_kind */
	const char *vs_name;
	struct guid vs_guid;
	uint16_t vs_size;
	uint32_t vs_attr;
	uint16_t var_offset;		/* bytes, or bits when bits is set; a string id for name/value stores */
	uint16_t width;			/* bytes (0 when unknown or a bit field) */
	bool bits;
	uint8_t bit_width;
	bool has_range;
	uint64_t min, max, step;
	struct setup_option *opt;
	size_t nopt;
	struct ifr_default def[2];	/* standard, manufacturing */
	bool suppress_if, gray_out_if, disable_if;
	bool suppress_always;		/* a suppress-if TRUE around it: the browser never shows it */
	uint64_t offset;		/* of the opcode: in the input, or in the module's inflated block */
	size_t module;
};

struct setup_module {
	char where[96];			/* "0x1234" or "0x90+0x1a2b0" (inside inflated data) */
	char prefix[88];		/* "" or "0x90+": what question offsets are relative to */
	struct guid file_guid;
	bool has_file;
	const char *ui_name;		/* the FFS file's UI name, or NULL */
	size_t forms, strings;		/* packages found */
	const char *lang;		/* language of the strings used (of the first form package) */
};

struct setup {
	const char *input_kind;		/* "PE32+ image", "PE32 image section" or fw_input_name() */
	struct setup_question *q;
	size_t nq;
	struct setup_module *mod;
	size_t nmod;
	struct diag findings;		/* problems in the HII/IFR bytes, with offsets */
	/* private */
	char **pool;
	size_t npool, cap_pool;
};

/* Returns 0 with *out set (questions may be 0), or -1 with the reason in d when the input is
   neither firmware nor a PE image, or memory ran out. */
int setup_open(const uint8_t *data, size_t len, struct setup **out, struct diag *d);
void setup_free(struct setup *s);

/* The passthrough key a prompt stands for ("vtd", "csm", ...), or NULL. *analogue is set when it is
   a vendor's different question serving the same purpose (its key is then the vendor's own). */
const char *setup_match(const char *prompt, bool *analogue);
/* The target keys, in report order; NULL-terminated. */
extern const char *const setup_target_keys[];

/* "0x31acb", or "0x90+0x20959f" for a question in inflated data. */
const char *setup_where(const struct setup *s, const struct setup_question *q, char *buf, size_t len);
/* Default as JSON-ish text into buf: "1", "computed" or NULL (none). */
const char *setup_default_text(const struct ifr_default *d, char *buf, size_t len);
const char *setup_default_source(const struct ifr_default *d);

#endif
