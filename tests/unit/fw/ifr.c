/* tests for tools/fw/ifr.c and tools/fw/hii.c on packages built here byte by byte (UEFI spec
 * layouts): scopes, varstores per form set, defaults and their precedence, conditions, form paths,
 * string blocks, package lists and arrays, pairing, and hostile bytes that must give findings. */
#include "helpers.h"
#include "fw/hii.h"
#include "fw/ifr.h"
#include "fw/setup.h"
#include "fwbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint8_t g1[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static void op(struct tbuf *b, uint8_t code, bool scope, const void *payload, size_t n)
{
	tb_u8(b, code);
	tb_u8(b, (uint8_t)((2 + n) | (scope ? 0x80 : 0)));
	tb_put(b, payload, n);
}

static void end(struct tbuf *b) { op(b, IFR_END, false, NULL, 0); }

static void formset(struct tbuf *b, uint32_t a, uint16_t title)
{
	struct tbuf p = { 0 };
	tb_guid(&p, a, 0x1111, 0x2222, g1);
	tb_u16(&p, title);
	tb_u16(&p, 0);
	tb_u8(&p, 0);
	op(b, IFR_FORM_SET, true, p.p, p.len);
	tb_free(&p);
}

static void form(struct tbuf *b, uint16_t id, uint16_t title)
{
	uint8_t p[4] = { (uint8_t)id, (uint8_t)(id >> 8), (uint8_t)title, (uint8_t)(title >> 8) };
	op(b, IFR_FORM, true, p, 4);
}

static void varstore(struct tbuf *b, uint16_t id, uint16_t size, const char *name)
{
	struct tbuf p = { 0 };
	tb_guid(&p, 0xEC87D643, 0xEBA4, 0x4BB5, g1);
	tb_u16(&p, id);
	tb_u16(&p, size);
	tb_put(&p, name, strlen(name) + 1);
	op(b, IFR_VARSTORE, false, p.p, p.len);
	tb_free(&p);
}

static void varstore_efi(struct tbuf *b, uint16_t id, uint32_t attr, uint16_t size, const char *name)
{
	struct tbuf p = { 0 };
	tb_u16(&p, id);
	tb_guid(&p, 0x6339D487, 0x26BA, 0x424B, g1);
	tb_u32(&p, attr);
	tb_u16(&p, size);
	tb_put(&p, name, strlen(name) + 1);
	op(b, IFR_VARSTORE_EFI, false, p.p, p.len);
	tb_free(&p);
}

/* question header (+ the op's own bytes in extra) */
static void question(struct tbuf *b, uint8_t code, bool scope, uint16_t prompt, uint16_t qid, uint16_t vs, uint16_t off,
		     const void *extra, size_t n)
{
	struct tbuf p = { 0 };
	tb_u16(&p, prompt);
	tb_u16(&p, 0);
	tb_u16(&p, qid);
	tb_u16(&p, vs);
	tb_u16(&p, off);
	tb_u8(&p, 0);
	tb_put(&p, extra, n);
	op(b, code, scope, p.p, p.len);
	tb_free(&p);
}

static void option(struct tbuf *b, uint16_t text, uint8_t flags, uint8_t value)
{
	uint8_t p[5] = { (uint8_t)text, (uint8_t)(text >> 8), flags, 0 /* u8 */, value };
	op(b, IFR_ONE_OF_OPTION, false, p, 5);
}

static void dflt(struct tbuf *b, uint16_t id, uint8_t value)
{
	uint8_t p[4] = { (uint8_t)id, (uint8_t)(id >> 8), 0, value };
	op(b, IFR_DEFAULT, false, p, 4);
}

static void dflt_expr(struct tbuf *b, uint16_t id, bool constant)
{
	uint8_t p[3] = { (uint8_t)id, (uint8_t)(id >> 8), 8 /* other */ };
	op(b, IFR_DEFAULT, true, p, 3);
	op(b, IFR_VALUE, true, NULL, 0);
	uint8_t seven = 7;
	if (constant) {
		op(b, IFR_UINT8, false, &seven, 1);
	} else {
		uint8_t eq[4] = { 0x10, 0, 1, 0 };	/* question 0x10 == 1 */
		op(b, 0x12, false, eq, 4);
		op(b, IFR_UINT8, false, &seven, 1);
		op(b, IFR_ZERO, false, NULL, 0);
		op(b, 0x50, false, NULL, 0);	/* conditional */
	}
	end(b);
	end(b);
}

/* A form package: header then the ops. */
static void package(struct tbuf *out, const struct tbuf *ops)
{
	tb_u32(out, (uint32_t)(4 + ops->len) | (uint32_t)HII_PKG_FORMS << 24);
	tb_put(out, ops->p, ops->len);
}

static struct ifr walk(const struct tbuf *pkg, uint64_t base, struct diag *d)
{
	struct ifr ifr;
	struct reader r;
	memset(&ifr, 0, sizeof(ifr));
	rd_init(&r, pkg->p, pkg->len, base, d);
	assert_int_equal(ifr_walk(&ifr, &r), 0);
	return ifr;
}

static const struct ifr_question *qid(const struct ifr *ifr, uint16_t id)
{
	for (size_t i = 0; i < ifr->nq; i++)
		if (ifr->q[i].qid == id)
			return &ifr->q[i];
	fail_msg("question 0x%x not found", id);
	return NULL;
}

static void test_walk(void **state)
{
	(void)state;
	struct tbuf o = { 0 }, pkg = { 0 };
	uint8_t oneof[4] = { 0x00 /* 1 byte */, 0, 2, 0 }, cb = 0x01, num[4] = { 0x00, 0, 200, 1 };
	formset(&o, 0x7B59104A, 1);
	varstore(&o, 1, 0x20, "Setup");
	varstore_efi(&o, 2, 3, 1, "Tcg");
	form(&o, 1, 2);
	op(&o, IFR_SUPPRESS_IF, true, NULL, 0);
	op(&o, IFR_TRUE, false, NULL, 0);
	question(&o, IFR_ONE_OF, true, 3, 0x10, 1, 5, oneof, 4);
	option(&o, 4, 0x10, 1);	/* flagged default 1 ... */
	option(&o, 5, 0x20, 2);
	dflt(&o, 0, 2);		/* ... but the DEFAULT op says 2 and wins */
	end(&o);
	end(&o);
	question(&o, IFR_CHECKBOX, false, 6, 0x11, 2, 0, &cb, 1);
	question(&o, IFR_NUMERIC, true, 7, 0x12, 1, 6, num, 4);
	dflt_expr(&o, 1, true);
	dflt_expr(&o, 0, false);
	end(&o);
	uint8_t ref[2] = { 2, 0 };	/* REF to form 2 */
	question(&o, IFR_REF, false, 8, 0x13, 0, 0, ref, 2);
	end(&o);	/* form 1 */
	form(&o, 2, 9);
	op(&o, IFR_GRAY_OUT_IF, true, NULL, 0);
	op(&o, IFR_FALSE, false, NULL, 0);
	question(&o, IFR_ONE_OF, false, 10, 0x14, 1, 7, oneof, 4);
	end(&o);
	question(&o, IFR_ONE_OF, false, 11, 0x15, 3, 0, oneof, 4);	/* varstore 3 is not declared */
	end(&o);	/* form 2 */
	end(&o);	/* form set */
	/* a second form set reusing varstore id 1 for another store */
	formset(&o, 0x11111111, 12);
	varstore(&o, 1, 0x40, "Other");
	form(&o, 1, 13);
	question(&o, IFR_ONE_OF, false, 14, 0x20, 1, 1, oneof, 4);
	end(&o);
	end(&o);
	package(&pkg, &o);

	struct diag d;
	diag_init(&d);
	struct ifr ifr = walk(&pkg, 0, &d);
	assert_int_equal(d.n, 0);
	assert_int_equal(ifr.findings, 0);
	assert_int_equal(ifr.nfs, 2);
	assert_int_equal(ifr.nform, 3);
	assert_int_equal(ifr.nvs, 3);
	assert_int_equal(ifr.max_string, 14);

	const struct ifr_question *q = qid(&ifr, 0x10);
	assert_true(q->suppress_if);
	assert_false(q->gray_out_if);
	assert_int_equal(q->voff, 5);
	assert_int_equal(q->width, 1);
	assert_int_equal(q->max, 2);
	assert_int_equal(q->def[0].kind, IFR_DEF_VALUE);
	assert_int_equal(q->def[0].src, IFR_SRC_OPCODE);
	assert_int_equal(q->def[0].value, 2);
	assert_int_equal(q->def[1].src, IFR_SRC_OPTION_FLAG);
	assert_int_equal(q->def[1].value, 2);
	assert_int_equal(ifr.opt[q->opt_first].value, 1);
	assert_int_equal(ifr.opt[ifr.opt[q->opt_first].next].text, 5);
	assert_int_equal(ifr.opt[q->opt_first].off, q->off + 17);	/* right after the 17-byte ONE_OF */
	const struct ifr_varstore *vs = ifr_question_store(&ifr, q);
	assert_non_null(vs);
	assert_string_equal(vs->name, "Setup");
	assert_int_equal(vs->size, 0x20);

	q = qid(&ifr, 0x11);
	assert_false(q->suppress_if);	/* the suppress-if closed before it */
	assert_int_equal(q->def[0].src, IFR_SRC_CHECKBOX_FLAG);
	assert_int_equal(q->def[0].value, 1);
	vs = ifr_question_store(&ifr, q);
	assert_int_equal(vs->kind, IFR_VS_EFI);
	assert_int_equal(vs->attr, 3);
	assert_string_equal(vs->name, "Tcg");

	q = qid(&ifr, 0x12);
	assert_int_equal(q->def[1].kind, IFR_DEF_VALUE);	/* an expression that is one constant */
	assert_int_equal(q->def[1].value, 7);
	assert_int_equal(q->def[0].kind, IFR_DEF_COMPUTED);
	assert_int_equal(q->max, 200);
	assert_int_equal(q->step, 1);

	q = qid(&ifr, 0x14);
	assert_true(q->gray_out_if);
	assert_false(q->suppress_if);
	assert_int_equal(ifr.form[q->form].id, 2);
	assert_int_equal(ifr.form[ifr.form[q->form].parent].id, 1);	/* reached by the REF */
	assert_null(ifr_question_store(&ifr, qid(&ifr, 0x15)));

	q = qid(&ifr, 0x20);
	vs = ifr_question_store(&ifr, q);
	assert_string_equal(vs->name, "Other");	/* ids are per form set */
	assert_int_equal(ifr.form[q->form].parent, -1);
	ifr_free(&ifr);
	diag_free(&d);
	tb_free(&o);
	tb_free(&pkg);
}

static void test_hostile_ifr(void **state)
{
	(void)state;
	struct diag d;
	diag_init(&d);
	uint8_t oneof[4] = { 0, 0, 1, 0 };

	/* an op of length 0 stops the walk there, naming the offset (base 0x1000 added) */
	struct tbuf o = { 0 }, pkg = { 0 };
	formset(&o, 1, 1);
	form(&o, 1, 1);
	size_t bad = 4 + o.len;
	tb_u8(&o, IFR_ONE_OF);
	tb_u8(&o, 0x80);
	tb_fill(&o, 0, 10);
	package(&pkg, &o);
	struct ifr ifr = walk(&pkg, 0x1000, &d);
	assert_true(diag_has_at(&d, 0x1000 + bad, "has length 0"));
	assert_true(diag_has_at(&d, 0x1000 + pkg.len, "scopes still open"));
	ifr_free(&ifr);
	tb_free(&o);
	tb_free(&pkg);

	/* an op running past the package, an END with nothing open, an option outside a question,
	   a question too short for its header */
	diag_clear(&d);
	end(&o);
	option(&o, 1, 0, 1);
	question(&o, IFR_ONE_OF, false, 1, 1, 0, 0, NULL, 0);
	o.p[o.len - 13 + 1] = 7;	/* shrink that question's length to 7 */
	o.len = o.len - 13 + 7;
	bad = 4 + o.len;
	tb_u8(&o, IFR_FORM);
	tb_u8(&o, 0x7F);
	package(&pkg, &o);
	ifr = walk(&pkg, 0, &d);
	assert_true(diag_has_at(&d, 4, "END closes no open scope"));
	assert_true(diag_has_at(&d, 6, "outside any question"));
	assert_true(diag_has_at(&d, 13, "shorter than a question header"));
	assert_true(diag_has_at(&d, bad, "overruns the package"));
	assert_int_equal(ifr.nq, 0);
	ifr_free(&ifr);
	tb_free(&o);
	tb_free(&pkg);

	/* scopes nested far deeper than the stack: one finding, the walk goes on and stays in step */
	diag_clear(&d);
	formset(&o, 1, 1);
	varstore(&o, 1, 8, "S");
	form(&o, 1, 1);
	for (int i = 0; i < 500; i++)
		op(&o, IFR_SUPPRESS_IF, true, NULL, 0);
	question(&o, IFR_ONE_OF, false, 1, 0x30, 1, 2, oneof, 4);
	for (int i = 0; i < 500; i++)
		end(&o);
	question(&o, IFR_ONE_OF, false, 1, 0x31, 1, 3, oneof, 4);
	end(&o);
	end(&o);
	package(&pkg, &o);
	ifr = walk(&pkg, 0, &d);
	size_t deep = 0;
	for (size_t i = 0; i < d.n; i++)
		deep += strstr(d.v[i].msg, "nest deeper") != NULL;
	assert_int_equal(deep, 1);
	assert_int_equal(ifr.findings, 1);
	assert_int_equal(ifr.nq, 2);
	assert_true(qid(&ifr, 0x30)->suppress_if);
	assert_false(qid(&ifr, 0x31)->suppress_if);	/* every scope closed again */
	assert_non_null(ifr_question_store(&ifr, qid(&ifr, 0x31)));
	ifr_free(&ifr);
	tb_free(&o);
	tb_free(&pkg);

	/* "suppressif TRUE" hides for good; "suppressif TRUE AND x" (postfix: TRUE, x, AND) does not */
	diag_clear(&d);
	formset(&o, 1, 1);
	form(&o, 1, 1);
	op(&o, IFR_SUPPRESS_IF, true, NULL, 0);
	op(&o, IFR_TRUE, false, NULL, 0);
	question(&o, IFR_ONE_OF, false, 1, 0x50, 0, 0, oneof, 4);
	end(&o);
	op(&o, IFR_SUPPRESS_IF, true, NULL, 0);
	op(&o, IFR_TRUE, false, NULL, 0);
	uint8_t eq[4] = { 0x50, 0, 1, 0 };
	op(&o, 0x12, false, eq, 4);
	op(&o, 0x15, false, NULL, 0);	/* AND */
	question(&o, IFR_ONE_OF, false, 1, 0x51, 0, 0, oneof, 4);
	end(&o);
	end(&o);
	end(&o);
	package(&pkg, &o);
	ifr = walk(&pkg, 0, &d);
	assert_int_equal(d.n, 0);
	assert_true(qid(&ifr, 0x50)->suppress_always);
	assert_true(qid(&ifr, 0x51)->suppress_if);
	assert_false(qid(&ifr, 0x51)->suppress_always);
	ifr_free(&ifr);
	tb_free(&o);
	tb_free(&pkg);

	/* forms referring to each other in a ring, and one to itself: parents never loop */
	diag_clear(&d);
	formset(&o, 1, 1);
	for (uint16_t f = 1; f <= 4; f++) {
		form(&o, f, f);
		uint8_t to[2] = { (uint8_t)(f % 4 + 1), 0 }, self[2] = { (uint8_t)f, 0 };
		question(&o, IFR_REF, false, 1, f, 0, 0, to, 2);
		question(&o, IFR_REF, false, 1, (uint16_t)(f + 10), 0, 0, self, 2);
		end(&o);
	}
	end(&o);
	package(&pkg, &o);
	ifr = walk(&pkg, 0, &d);
	assert_int_equal(d.n, 0);
	assert_int_equal(ifr.form[0].parent, -1);	/* the entry form keeps no parent */
	for (size_t f = 1; f < 4; f++)
		assert_int_equal(ifr.form[f].parent, (long)f - 1);
	ifr_free(&ifr);
	tb_free(&o);
	tb_free(&pkg);
	diag_free(&d);
}

/* ---- string packages ---- */

static void ucs2(struct tbuf *b, const char *s)
{
	for (; *s; s++)
		tb_u16(b, (uint8_t)*s);
	tb_u16(b, 0);
}

static void strings_pkg(struct tbuf *out, const char *lang, const struct tbuf *blocks)
{
	uint32_t hdr = 46 + (uint32_t)strlen(lang) + 1;
	tb_u32(out, (uint32_t)(hdr + blocks->len) | (uint32_t)HII_PKG_STRINGS << 24);
	tb_u32(out, hdr);
	tb_u32(out, hdr);
	tb_fill(out, 0, 32);
	tb_u16(out, 0);
	tb_put(out, lang, strlen(lang) + 1);
	tb_put(out, blocks->p, blocks->len);
}

static void test_strings(void **state)
{
	(void)state;
	struct tbuf b = { 0 }, pkg = { 0 };
	tb_u8(&b, 0x14);
	ucs2(&b, "Hello");		/* id 1 */
	tb_u8(&b, 0x22);
	tb_u8(&b, 2);			/* ids 2, 3 skipped */
	tb_u8(&b, 0x16);
	tb_u16(&b, 2);
	ucs2(&b, "A");			/* id 4 */
	ucs2(&b, "B");			/* id 5 */
	tb_u8(&b, 0x20);
	tb_u16(&b, 1);			/* id 6 = id 1 */
	tb_u8(&b, 0x30);		/* an extended (font) block, no id */
	tb_u8(&b, 0x40);
	tb_u8(&b, 5);
	tb_u16(&b, 0);
	tb_u8(&b, 0x10);
	tb_put(&b, "caf\xe9", 5);	/* id 7, SCSU (Latin-1 window) */
	tb_u8(&b, 0x15);
	tb_u8(&b, 3);
	ucs2(&b, "  Padded  ");		/* id 8, with a font */
	tb_u8(&b, 0x14);		/* id 9: U+00E9, U+20AC, U+1F600 (a surrogate pair), a lone surrogate */
	tb_u16(&b, 0xE9);
	tb_u16(&b, 0x20AC);
	tb_u16(&b, 0xD83D);
	tb_u16(&b, 0xDE00);
	tb_u16(&b, 0xDC00);
	tb_u16(&b, 0);
	tb_u8(&b, 0x00);
	strings_pkg(&pkg, "fr-FR", &b);

	struct diag d;
	diag_init(&d);
	struct reader r;
	rd_init(&r, pkg.p, pkg.len, 0x500, &d);
	struct hii_strings h;
	assert_int_equal(hii_strings_parse(&r, &h), 0);
	assert_int_equal(d.n, 0);
	assert_string_equal(h.lang, "fr-FR");
	assert_int_equal(h.count, 9);
	char buf[64];
	assert_string_equal(hii_string(&h, 1, buf, sizeof(buf)), "Hello");
	assert_null(hii_string(&h, 2, buf, sizeof(buf)));
	assert_null(hii_string(&h, 3, buf, sizeof(buf)));
	assert_string_equal(hii_string(&h, 4, buf, sizeof(buf)), "A");
	assert_string_equal(hii_string(&h, 5, buf, sizeof(buf)), "B");
	assert_string_equal(hii_string(&h, 6, buf, sizeof(buf)), "Hello");
	assert_string_equal(hii_string(&h, 7, buf, sizeof(buf)), "caf\xC3\xA9");
	assert_string_equal(hii_string(&h, 8, buf, sizeof(buf)), "  Padded  ");
	assert_null(hii_string(&h, 0, buf, sizeof(buf)));
	assert_string_equal(hii_string(&h, 9, buf, sizeof(buf)), "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80?");
	assert_null(hii_string(&h, 10, buf, sizeof(buf)));
	assert_string_equal(hii_string(&h, 1, buf, 4), "Hel");	/* cut to fit */
	assert_false(hii_lang_is_english(h.lang));
	assert_true(hii_lang_is_english("en-US"));
	assert_true(hii_lang_is_english("eng"));
	assert_false(hii_lang_is_english("x-UEFI-ns"));
	hii_strings_free(&h);
	tb_free(&b);
	tb_free(&pkg);

	/* an unknown block type: a finding at its offset; what came before stays */
	tb_u8(&b, 0x14);
	ucs2(&b, "Ok");
	size_t at = b.len;
	tb_u8(&b, 0x99);
	tb_u8(&b, 0x00);
	strings_pkg(&pkg, "en-US", &b);
	diag_clear(&d);
	rd_init(&r, pkg.p, pkg.len, 0x500, &d);
	assert_int_equal(hii_strings_parse(&r, &h), 0);
	assert_true(diag_has_at(&d, 0x500 + 46 + 6 + at, "unknown string block type"));
	assert_string_equal(hii_string(&h, 1, buf, sizeof(buf)), "Ok");
	hii_strings_free(&h);
	tb_free(&b);
	tb_free(&pkg);

	/* a string without its terminator, and ids past 65535 */
	tb_u8(&b, 0x21);
	tb_u16(&b, 0xFFFF);
	tb_u8(&b, 0x14);
	ucs2(&b, "X");
	tb_u8(&b, 0x14);
	tb_u16(&b, 'Y');
	strings_pkg(&pkg, "en-US", &b);
	diag_clear(&d);
	rd_init(&r, pkg.p, pkg.len, 0, &d);
	assert_int_equal(hii_strings_parse(&r, &h), 0);
	assert_true(diag_has_at(&d, 46 + 6 + 4, "more than 65535 string ids"));
	assert_null(hii_string(&h, 0xFFFF, buf, sizeof(buf)));
	hii_strings_free(&h);
	tb_free(&b);
	tb_free(&pkg);

	/* not a string package at all */
	uint8_t junk[60] = { 0x3C, 0, 0, 0x02 };
	diag_clear(&d);
	rd_init(&r, junk, sizeof(junk), 0x40, &d);
	assert_int_equal(hii_strings_parse(&r, &h), -1);
	assert_true(diag_has_at(&d, 0x43, "not a string package"));
	diag_free(&d);
}

/* ---- finding packages and pairing them ---- */

static void strings_n(struct tbuf *out, const char *lang, int n, const char *prefix)
{
	struct tbuf b = { 0 };
	for (int i = 1; i <= n; i++) {
		char s[32];
		snprintf(s, sizeof(s), "%s%d", prefix, i);
		tb_u8(&b, 0x14);
		ucs2(&b, s);
	}
	tb_u8(&b, 0);
	strings_pkg(out, lang, &b);
	tb_free(&b);
}

/* A minimal PE image: DOS header with e_lfanew, the PE signature, then data. */
static void pe_header(struct tbuf *b)
{
	tb_u8(b, 'M');
	tb_u8(b, 'Z');
	tb_fill(b, 0, 0x3A);
	tb_u32(b, 0x40);
	tb_put(b, "PE\0\0", 4);
	tb_fill(b, 0, 0x3C);
}

static void test_scan_and_pair(void **state)
{
	(void)state;
	uint8_t oneof[4] = { 0, 0, 1, 0 };
	struct tbuf o = { 0 }, form_pkg = { 0 }, img = { 0 }, s3 = { 0 }, s10 = { 0 }, s10fr = { 0 };
	formset(&o, 0x22222222, 1);
	varstore(&o, 1, 4, "Cfg");
	form(&o, 1, 2);
	question(&o, IFR_ONE_OF, true, 8, 0x40, 1, 0, oneof, 4);	/* prompt id 8: needs the 10-string package */
	option(&o, 9, 0x10, 0);
	option(&o, 10, 0, 1);
	end(&o);
	end(&o);
	end(&o);
	package(&form_pkg, &o);
	strings_n(&s3, "en-US", 3, "short");
	strings_n(&s10fr, "fr-FR", 10, "fr");
	strings_n(&s10, "en-US", 10, "en");

	pe_header(&img);
	/* EDK2 arrays: the 3-string array first (nearest to the forms), then the forms, then the
	   10-string one with French before English */
	tb_u32(&img, (uint32_t)(4 + s3.len));
	tb_put(&img, s3.p, s3.len);
	tb_fill(&img, 0xCC, 13);
	tb_u32(&img, (uint32_t)(4 + form_pkg.len));
	tb_put(&img, form_pkg.p, form_pkg.len);
	tb_fill(&img, 0xCC, 64);
	tb_u32(&img, (uint32_t)(4 + s10fr.len + s10.len));
	tb_put(&img, s10fr.p, s10fr.len);
	tb_put(&img, s10.p, s10.len);
	tb_fill(&img, 0, 16);

	struct reader r;
	struct hii_scan sc;
	rd_init(&r, img.p, img.len, 0, NULL);
	assert_int_equal(hii_scan(&r, &sc), 0);
	assert_int_equal(sc.ngrp, 3);
	assert_int_equal(sc.npkg, 4);
	assert_false(sc.grp[0].is_list);
	assert_int_equal(sc.grp[1].nforms, 1);
	assert_int_equal(sc.grp[2].nstrings, 2);
	hii_scan_free(&sc);

	struct diag d;
	diag_init(&d);
	struct setup *s;
	assert_int_equal(setup_open(img.p, img.len, &s, &d), 0);
	assert_int_equal(s->nq, 1);
	assert_string_equal(s->q[0].prompt, "en8");	/* English of the package that covers id 8 */
	assert_string_equal(s->q[0].path, "en2 > en8");
	assert_string_equal(s->q[0].opt[0].text, "en9");
	assert_string_equal(s->q[0].formset_title, "en1");
	assert_string_equal(s->mod[0].lang, "en-US");
	setup_free(s);

	/* the same packages as one package list (GUID, length, packages, end package) in a resource */
	struct tbuf list = { 0 }, img2 = { 0 };
	tb_guid(&list, 0xABCDEF01, 1, 2, g1);
	tb_u32(&list, (uint32_t)(20 + form_pkg.len + s3.len + 4));
	tb_put(&list, form_pkg.p, form_pkg.len);
	tb_put(&list, s3.p, s3.len);
	tb_u32(&list, 4u | (uint32_t)HII_PKG_END << 24);
	pe_header(&img2);
	tb_fill(&img2, 0x55, 7);
	tb_put(&img2, list.p, list.len);
	rd_init(&r, img2.p, img2.len, 0, NULL);
	assert_int_equal(hii_scan(&r, &sc), 0);
	assert_int_equal(sc.ngrp, 1);
	assert_true(sc.grp[0].is_list);
	assert_int_equal(sc.grp[0].at, 0x80 + 7);
	hii_scan_free(&sc);
	/* inside a list the list's own strings are used, even when they lack the id: text "" */
	assert_int_equal(setup_open(img2.p, img2.len, &s, &d), 0);
	assert_int_equal(s->nq, 1);
	assert_string_equal(s->q[0].prompt, "");
	assert_string_equal(s->q[0].formset_title, "short1");
	setup_free(s);

	/* a damaged list (length one byte short) is not taken */
	img2.p[0x80 + 7 + 16] -= 1;
	rd_init(&r, img2.p, img2.len, 0, NULL);
	assert_int_equal(hii_scan(&r, &sc), 0);
	for (size_t i = 0; i < sc.ngrp; i++)
		assert_false(sc.grp[i].is_list);
	hii_scan_free(&sc);

	diag_free(&d);
	tb_free(&list);
	tb_free(&img2);
	tb_free(&o);
	tb_free(&form_pkg);
	tb_free(&img);
	tb_free(&s3);
	tb_free(&s10);
	tb_free(&s10fr);
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_walk), cmocka_unit_test(test_hostile_ifr), cmocka_unit_test(test_strings),
	  cmocka_unit_test(test_scan_and_pair))
