/* ifr.h - the IFR opcodes of a form package: form sets, forms, varstores, questions, options, defaults
 *
 * Op header: u8 opcode, u8 length (bits 0-6) | scope (bit 7); an op with scope opens a scope that
 * nests until an END op (0x29). Question header after the op header: u16 Prompt, u16 Help,
 * u16 QuestionId, u16 VarStoreId, u16 VarOffset (or VarName string id), u8 Flags. Varstore ids are
 * per form set. The walk keeps facts as numbers and string ids; names are resolved by the caller
 * with the paired string package (hii.h).
 *
 * Hostile packages (lengths of 0 or past the end, scopes never closed or closed too often, nesting
 * past IFR_MAX_DEPTH, form references in cycles) give findings with offsets, never a crash; the
 * walk stops only where it cannot know where the next op starts.
 */
#ifndef IGDKIT_FW_IFR_H
#define IGDKIT_FW_IFR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/reader.h"

enum {
	IFR_FORM = 0x01, IFR_SUBTITLE = 0x02, IFR_TEXT = 0x03, IFR_ONE_OF = 0x05, IFR_CHECKBOX = 0x06,
	IFR_NUMERIC = 0x07, IFR_PASSWORD = 0x08, IFR_ONE_OF_OPTION = 0x09, IFR_SUPPRESS_IF = 0x0A,
	IFR_ACTION = 0x0C, IFR_RESET_BUTTON = 0x0D, IFR_FORM_SET = 0x0E, IFR_REF = 0x0F, IFR_GRAY_OUT_IF = 0x19,
	IFR_DATE = 0x1A, IFR_TIME = 0x1B, IFR_STRING = 0x1C, IFR_DISABLE_IF = 0x1E, IFR_ORDERED_LIST = 0x23,
	IFR_VARSTORE = 0x24, IFR_VARSTORE_NAME_VALUE = 0x25, IFR_VARSTORE_EFI = 0x26, IFR_VARSTORE_DEVICE = 0x27,
	IFR_END = 0x29, IFR_UINT8 = 0x42, IFR_UINT16 = 0x43, IFR_UINT32 = 0x44, IFR_UINT64 = 0x45, IFR_TRUE = 0x46,
	IFR_FALSE = 0x47, IFR_ZERO = 0x52, IFR_ONE = 0x53, IFR_ONES = 0x54, IFR_VALUE = 0x5A, IFR_DEFAULT = 0x5B,
	IFR_FORM_MAP = 0x5D, IFR_GUID = 0x5F,
};

#define IFR_MAX_DEPTH 64
/* Per form package; real Setup modules have a few thousand questions and options each. */
#define IFR_MAX_QUESTIONS ((size_t)1 << 16)
#define IFR_MAX_OPTIONS ((size_t)1 << 18)

enum ifr_vs_kind { IFR_VS_BUFFER = 1, IFR_VS_EFI, IFR_VS_NAME_VALUE };

struct ifr_varstore {
	uint16_t id;
	uint8_t kind;		/* enum ifr_vs_kind */
	struct guid guid;
	uint16_t size;		/* 0 for name/value stores */
	uint32_t attr;		/* EFI stores */
	char name[64];
	uint64_t off;
	size_t formset;
};

struct ifr_formset {
	struct guid guid;
	uint16_t title, help;
	uint64_t off;
};

struct ifr_form {
	uint16_t id, title;
	size_t formset;
	long parent;		/* the form whose REF leads here first, or -1 */
	uint64_t off;
};

enum ifr_def_kind { IFR_DEF_NONE = 0, IFR_DEF_VALUE, IFR_DEF_COMPUTED };
enum ifr_def_src { IFR_SRC_NONE = 0, IFR_SRC_OPCODE, IFR_SRC_OPTION_FLAG, IFR_SRC_CHECKBOX_FLAG };

struct ifr_default {
	uint8_t kind;		/* enum ifr_def_kind */
	uint8_t src;		/* enum ifr_def_src */
	uint64_t value;
};

struct ifr_option {
	uint16_t text;
	uint8_t flags, type;
	uint64_t value;
	uint64_t off;
	long next;		/* the question's next option, or -1 */
};

struct ifr_question {
	uint8_t op;
	uint64_t off;
	uint16_t prompt, help, qid, vsid, voff;
	uint8_t qflags, flags;
	uint16_t width;		/* bytes the value takes in its store (0: none or unknown) */
	bool bits;		/* inside EDK2's bit-field GUID op: voff and bit_width are in bits */
	uint8_t bit_width;
	uint64_t min, max, step;
	bool has_range;
	long opt_first, opt_last;
	struct ifr_default def[2];	/* [0] standard (DefaultId 0), [1] manufacturing (DefaultId 1) */
	bool suppress_if, gray_out_if, disable_if;
	bool suppress_always;	/* inside a suppress-if whose condition is TRUE: never shown */
	long formset;		/* -1 when outside any form set */
	long form;		/* -1 when outside any form */
};

struct ifr {
	struct ifr_formset *fs;
	size_t nfs;
	struct ifr_form *form;
	size_t nform;
	struct ifr_varstore *vs;
	size_t nvs;
	struct ifr_question *q;
	size_t nq;
	struct ifr_option *opt;
	size_t nopt;
	uint16_t max_string;	/* the highest string id the package uses */
	size_t findings;
	bool capped;		/* IFR_MAX_QUESTIONS or IFR_MAX_OPTIONS reached: the rest is not listed */
	/* private */
	struct ifr_ref *refs;
	size_t nref;
	size_t *vs_order;	/* varstores sorted by (form set, id, declaration) */
	size_t cap_fs, cap_form, cap_vs, cap_q, cap_opt, cap_ref;
};

/* Walks one form package (r spans it, the 4-byte package header included) into ifr (zeroed first
   by the caller, or reused to collect several packages). Findings go to r->d. Returns -1 only when
   memory ran out. */
int ifr_walk(struct ifr *ifr, const struct reader *r);
void ifr_free(struct ifr *ifr);

/* "OneOf", "CheckBox", "Numeric", "String", ... (the names IFR dumps use). */
const char *ifr_op_name(uint8_t op);
bool ifr_is_question(uint8_t op);
/* The varstore a question names inside its own form set, or NULL. */
const struct ifr_varstore *ifr_question_store(const struct ifr *ifr, const struct ifr_question *q);
const char *ifr_vs_kind_name(uint8_t kind);	/* "VarStore", "VarStoreEfi", "VarStoreNameValue" */

#endif
