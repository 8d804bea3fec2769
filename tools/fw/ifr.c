/* ifr.c - walking the IFR of a form package: scopes, form sets, forms, varstores, questions */
#include "fw/ifr.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ifr_ref {
	long from;		/* form holding the REF */
	size_t formset;
	uint16_t to;		/* FormId in the same form set */
};

/* EDK2 VfrCompile wraps questions stored in bit fields in a GUID op with this GUID. */
static const struct guid bitfield_guid = GUID_INIT(0x82DDD68B, 0x9163, 0x4187, 0x9B, 0x27, 0x20, 0xA8, 0xFD, 0x60, 0xA7, 0x1D);

struct scope {
	uint8_t op;
	bool bitfield;
	bool always;		/* a suppress-if whose condition is the constant TRUE */
	long q;			/* question whose scope this is, or -1 */
	long prev_fs, prev_form;
	/* DEFAULT with a scope: its value is an expression; a lone constant is still known */
	int def_id;
	unsigned nconst, nother;
	uint64_t cvalue;
};

struct walk {
	struct ifr *ifr;
	const struct reader *r;
	struct scope st[IFR_MAX_DEPTH];
	unsigned depth, overflow;
	long fs, form;
};

static void PRINTF_LIKE(3, 4) finding(struct walk *w, size_t pos, const char *fmt, ...)
{
	char msg[DIAG_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	w->ifr->findings++;
	diag_err(w->r->d, rd_abs(w->r, pos), "IFR: %s", msg);
}

/* Grows an array of elements of size sz to hold n+1; NULL when memory ran out. */
static void *more(void **v, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return (char *)*v + n * sz;
	size_t nc = *cap ? *cap * 2 : 64;
	void *p = realloc(*v, nc * sz);
	if (!p)
		return NULL;
	*v = p;
	*cap = nc;
	return (char *)p + n * sz;
}

#define MORE(w, arr, n, cap) more((void **)&(w)->ifr->arr, &(w)->ifr->cap, (w)->ifr->n, sizeof(*(w)->ifr->arr))

static void use_string(struct walk *w, uint16_t id)
{
	if (id > w->ifr->max_string)
		w->ifr->max_string = id;
}

static long open_question(const struct walk *w)
{
	for (unsigned i = w->depth; i-- > 0;)
		if (w->st[i].q >= 0)
			return w->st[i].q;
	return -1;
}

static bool in_scope(const struct walk *w, uint8_t op)
{
	for (unsigned i = 0; i < w->depth; i++)
		if (w->st[i].op == op)
			return true;
	return false;
}

static bool always_suppressed(const struct walk *w)
{
	for (unsigned i = 0; i < w->depth; i++)
		if (w->st[i].always)
			return true;
	return false;
}

/* Opcodes that belong to an expression (operands and operators in postfix order). */
static bool is_expr_op(uint8_t op)
{
	return (op >= 0x12 && op <= 0x17) || (op >= 0x20 && op <= 0x22) || op == 0x2A || op == 0x2B || op == 0x2C ||
	       (op >= 0x2F && op <= 0x59) || op == 0x5E || op == 0x60 || op == 0x64;
}

/* Is the condition of the scope op at pos the lone constant TRUE ("suppressif TRUE")? */
static bool condition_is_true(const struct reader *r, size_t pos, size_t l)
{
	size_t next = pos + l;
	if (next > r->len || r->len - next < 2 || r->p[next] != IFR_TRUE)
		return false;
	size_t after = next + (r->p[next + 1] & 0x7F);
	if ((r->p[next + 1] & 0x7F) < 2 || after > r->len || r->len - after < 2)
		return false;
	return !is_expr_op(r->p[after]);
}

static bool in_bitfield(const struct walk *w)
{
	for (unsigned i = 0; i < w->depth; i++)
		if (w->st[i].bitfield)
			return true;
	return false;
}

static uint64_t le_n(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = n; i-- > 0;)
		v = v << 8 | p[i];
	return v;
}

static size_t type_width(uint8_t type)
{
	/* EFI_IFR_TYPE_NUM_SIZE_8..64, BOOLEAN, TIME, DATE, STRING, OTHER, UNDEFINED, ACTION */
	static const uint8_t w[] = { 1, 2, 4, 8, 1, 3, 4, 2, 0, 0, 2 };
	return type < sizeof(w) ? w[type] : 0;
}

static void copy_name(char *dst, size_t cap, const uint8_t *p, size_t n)
{
	size_t i = 0;
	for (; i < n && i + 1 < cap && p[i]; i++)
		dst[i] = isprint(p[i]) ? (char)p[i] : '?';
	dst[i] = 0;
}

static int varstore(struct walk *w, const uint8_t *o, size_t l, size_t pos)
{
	uint8_t op = o[0];
	size_t need = op == IFR_VARSTORE ? 22 : op == IFR_VARSTORE_EFI ? 24 : 20;
	if (l < need) {
		finding(w, pos, "varstore op 0x%02x of %zu bytes is shorter than its %zu-byte minimum", op, l, need);
		return 0;
	}
	if (w->fs < 0) {
		finding(w, pos, "varstore outside any form set");
		return 0;
	}
	struct ifr_varstore *v = MORE(w, vs, nvs, cap_vs);
	if (!v)
		return -1;
	memset(v, 0, sizeof(*v));
	v->off = rd_abs(w->r, pos);
	v->formset = (size_t)w->fs;
	switch (op) {
	case IFR_VARSTORE:
		v->kind = IFR_VS_BUFFER;
		memcpy(v->guid.b, o + 2, 16);
		v->id = le16(o + 18);
		v->size = le16(o + 20);
		copy_name(v->name, sizeof(v->name), o + 22, l - 22);
		break;
	case IFR_VARSTORE_EFI:
		v->kind = IFR_VS_EFI;
		v->id = le16(o + 2);
		memcpy(v->guid.b, o + 4, 16);
		v->attr = le32(o + 20);
		if (l >= 26) {	/* UEFI 2.3.1 added Size and Name */
			v->size = le16(o + 24);
			copy_name(v->name, sizeof(v->name), o + 26, l - 26);
		}
		break;
	default:
		v->kind = IFR_VS_NAME_VALUE;
		v->id = le16(o + 2);
		memcpy(v->guid.b, o + 4, 16);
		break;
	}
	w->ifr->nvs++;
	return 0;
}

static int question(struct walk *w, const uint8_t *o, size_t l, size_t pos, long *qi)
{
	*qi = -1;
	if (l < 13) {
		finding(w, pos, "%s of %zu bytes is shorter than a question header (13)", ifr_op_name(o[0]), l);
		return 0;
	}
	if (w->ifr->nq >= IFR_MAX_QUESTIONS) {
		if (!w->ifr->capped)
			finding(w, pos, "more than %zu questions: the rest are not listed", IFR_MAX_QUESTIONS);
		w->ifr->capped = true;
		return 0;
	}
	struct ifr_question *q = MORE(w, q, nq, cap_q);
	if (!q)
		return -1;
	memset(q, 0, sizeof(*q));
	q->op = o[0];
	q->off = rd_abs(w->r, pos);
	q->prompt = le16(o + 2);
	q->help = le16(o + 4);
	q->qid = le16(o + 6);
	q->vsid = le16(o + 8);
	q->voff = le16(o + 10);
	q->qflags = o[12];
	q->opt_first = q->opt_last = -1;
	q->formset = w->fs;
	q->form = w->form;
	q->suppress_if = in_scope(w, IFR_SUPPRESS_IF);
	q->suppress_always = always_suppressed(w);
	q->gray_out_if = in_scope(w, IFR_GRAY_OUT_IF);
	q->disable_if = in_scope(w, IFR_DISABLE_IF);
	q->bits = in_bitfield(w);
	use_string(w, q->prompt);
	use_string(w, q->help);
	if (l > 13)
		q->flags = o[13];
	switch (q->op) {
	case IFR_ONE_OF:
	case IFR_NUMERIC: {
		size_t vw = q->bits ? 4 : (size_t)1 << (q->flags & 3);
		if (q->bits)
			q->bit_width = q->flags & 0x3F;
		else
			q->width = (uint16_t)vw;
		if (l < 14 || l - 14 < 3 * vw) {
			finding(w, pos, "%s of %zu bytes has no room for min/max/step of %zu bytes", ifr_op_name(q->op), l, vw);
			break;
		}
		q->min = le_n(o + 14, vw);
		q->max = le_n(o + 14 + vw, vw);
		q->step = le_n(o + 14 + 2 * vw, vw);
		q->has_range = true;
		break;
	}
	case IFR_CHECKBOX:
		if (q->bits)
			q->bit_width = 1;
		else
			q->width = 1;
		if (q->flags & 0x01)
			q->def[0] = (struct ifr_default){ IFR_DEF_VALUE, IFR_SRC_CHECKBOX_FLAG, 1 };
		if (q->flags & 0x02)
			q->def[1] = (struct ifr_default){ IFR_DEF_VALUE, IFR_SRC_CHECKBOX_FLAG, 1 };
		break;
	case IFR_STRING:
		if (l >= 16)
			q->width = (uint16_t)(o[14] * 2);
		break;
	case IFR_DATE:
		q->width = 4;
		break;
	case IFR_TIME:
		q->width = 3;
		break;
	case IFR_REF:
		if (l >= 15 && w->form >= 0) {
			bool same = l < 33 || w->fs < 0 || !memcmp(o + 17, w->ifr->fs[w->fs].guid.b, 16) ||
				    guid_is_zero((const struct guid *)(o + 17));
			if (same) {
				struct ifr_ref *rf = MORE(w, refs, nref, cap_ref);
				if (!rf)
					return -1;
				*rf = (struct ifr_ref){ w->form, (size_t)(w->fs < 0 ? 0 : w->fs), le16(o + 13) };
				w->ifr->nref++;
			}
		}
		break;
	default:
		break;
	}
	*qi = (long)w->ifr->nq++;
	return 0;
}

static void set_default(struct ifr_question *q, unsigned id, uint8_t kind, uint8_t src, uint64_t v)
{
	if (id > 1)
		return;
	/* An EFI_IFR_DEFAULT for a DefaultId wins over option and checkbox flags. */
	if (src != IFR_SRC_OPCODE && q->def[id].src == IFR_SRC_OPCODE)
		return;
	if (src == IFR_SRC_OPTION_FLAG && q->def[id].src == IFR_SRC_OPTION_FLAG)
		return;	/* the first flagged option */
	q->def[id] = (struct ifr_default){ kind, src, v };
}

static int option(struct walk *w, const uint8_t *o, size_t l, size_t pos)
{
	if (l < 6) {
		finding(w, pos, "one-of option of %zu bytes is shorter than its 6-byte minimum", l);
		return 0;
	}
	long qi = open_question(w);
	if (qi < 0) {
		finding(w, pos, "one-of option outside any question");
		return 0;
	}
	if (w->ifr->nopt >= IFR_MAX_OPTIONS) {
		if (!w->ifr->capped)
			finding(w, pos, "more than %zu options: the rest are not listed", IFR_MAX_OPTIONS);
		w->ifr->capped = true;
		return 0;
	}
	struct ifr_option *op = MORE(w, opt, nopt, cap_opt);
	if (!op)
		return -1;
	memset(op, 0, sizeof(*op));
	op->off = rd_abs(w->r, pos);
	op->text = le16(o + 2);
	op->flags = o[4];
	op->type = o[5];
	op->next = -1;
	use_string(w, op->text);
	size_t vw = type_width(op->type);
	if (vw > l - 6) {
		finding(w, pos, "one-of option value of type %u needs %zu bytes, the op has %zu", op->type, vw, l - 6);
		vw = l - 6 > 8 ? 8 : l - 6;
	}
	op->value = le_n(o + 6, vw);
	long idx = (long)w->ifr->nopt++;
	struct ifr_question *q = &w->ifr->q[qi];
	if (q->opt_last >= 0)
		w->ifr->opt[q->opt_last].next = idx;
	else
		q->opt_first = idx;
	q->opt_last = idx;
	if (op->flags & 0x10)
		set_default(q, 0, IFR_DEF_VALUE, IFR_SRC_OPTION_FLAG, op->value);
	if (op->flags & 0x20)
		set_default(q, 1, IFR_DEF_VALUE, IFR_SRC_OPTION_FLAG, op->value);
	return 0;
}

/* Returns the DefaultId the scope it opens stands for (or -1). */
static int dflt(struct walk *w, const uint8_t *o, size_t l, size_t pos, bool scope)
{
	if (l < 5) {
		finding(w, pos, "default op of %zu bytes is shorter than its 5-byte minimum", l);
		return -1;
	}
	long qi = open_question(w);
	if (qi < 0)
		return -1;
	uint16_t id = le16(o + 2);
	uint8_t type = o[4];
	struct ifr_question *q = &w->ifr->q[qi];
	if (scope) {
		set_default(q, id, IFR_DEF_COMPUTED, IFR_SRC_OPCODE, 0);
		return id <= 1 ? id : -1;
	}
	size_t vw = type_width(type);
	if (type > 4 || !vw)
		return -1;
	if (vw > l - 5) {
		finding(w, pos, "default value of type %u needs %zu bytes, the op has %zu", type, vw, l - 5);
		return -1;
	}
	set_default(q, id, IFR_DEF_VALUE, IFR_SRC_OPCODE, le_n(o + 5, vw));
	return -1;
}

static bool is_constant(uint8_t op, const uint8_t *o, size_t l, uint64_t *v)
{
	switch (op) {
	case IFR_UINT8: case IFR_UINT16: case IFR_UINT32: case IFR_UINT64: {
		size_t n = (size_t)1 << (op - IFR_UINT8);
		if (l < 2 + n)
			return false;
		*v = le_n(o + 2, n);
		return true;
	}
	case IFR_TRUE: case IFR_ONE: *v = 1; return true;
	case IFR_FALSE: case IFR_ZERO: *v = 0; return true;
	case IFR_ONES: *v = UINT64_MAX; return true;
	default: return false;
	}
}

static void end_scope(struct walk *w, size_t pos)
{
	if (w->overflow) {
		w->overflow--;
		return;
	}
	if (!w->depth) {
		finding(w, pos, "END closes no open scope");
		return;
	}
	struct scope *s = &w->st[--w->depth];
	if (s->op == IFR_FORM_SET)
		w->fs = s->prev_fs;
	if (s->op == IFR_FORM || s->op == IFR_FORM_MAP)
		w->form = s->prev_form;
	if (s->op == IFR_DEFAULT && s->def_id >= 0 && s->nconst == 1 && !s->nother) {
		long qi = open_question(w);
		if (qi >= 0)
			w->ifr->q[qi].def[s->def_id] = (struct ifr_default){ IFR_DEF_VALUE, IFR_SRC_OPCODE, s->cvalue };
	}
}

static void count_in_default(struct walk *w, uint8_t op, const uint8_t *o, size_t l)
{
	for (unsigned i = w->depth; i-- > 0;) {
		struct scope *s = &w->st[i];
		if (s->op != IFR_DEFAULT)
			continue;
		uint64_t v;
		if (op == IFR_VALUE)
			return;
		if (is_constant(op, o, l, &v)) {
			s->nconst++;
			s->cvalue = v;
		} else {
			s->nother++;
		}
		return;
	}
}

static int one_op(struct walk *w, const uint8_t *o, size_t l, size_t pos, struct scope *s)
{
	uint8_t op = o[0];
	if (in_scope(w, IFR_DEFAULT))
		count_in_default(w, op, o, l);
	switch (op) {
	case IFR_FORM_SET: {
		if (l < 22) {
			finding(w, pos, "form set op of %zu bytes is shorter than its 22-byte minimum", l);
			return 0;
		}
		struct ifr_formset *f = MORE(w, fs, nfs, cap_fs);
		if (!f)
			return -1;
		memcpy(f->guid.b, o + 2, 16);
		f->title = le16(o + 18);
		f->help = le16(o + 20);
		f->off = rd_abs(w->r, pos);
		use_string(w, f->title);
		s->prev_fs = w->fs;
		w->fs = (long)w->ifr->nfs++;
		return 0;
	}
	case IFR_FORM:
	case IFR_FORM_MAP: {
		size_t need = op == IFR_FORM ? 6 : 22;
		if (l < need) {
			finding(w, pos, "form op of %zu bytes is shorter than its %zu-byte minimum", l, need);
			return 0;
		}
		if (w->fs < 0) {
			finding(w, pos, "form outside any form set");
			return 0;
		}
		struct ifr_form *f = MORE(w, form, nform, cap_form);
		if (!f)
			return -1;
		f->id = le16(o + 2);
		f->title = le16(o + 4);
		f->formset = (size_t)w->fs;
		f->parent = -1;
		f->off = rd_abs(w->r, pos);
		use_string(w, f->title);
		s->prev_form = w->form;
		w->form = (long)w->ifr->nform++;
		return 0;
	}
	case IFR_VARSTORE:
	case IFR_VARSTORE_EFI:
	case IFR_VARSTORE_NAME_VALUE:
		return varstore(w, o, l, pos);
	case IFR_ONE_OF_OPTION:
		return option(w, o, l, pos);
	case IFR_DEFAULT:
		s->def_id = dflt(w, o, l, pos, (o[1] & 0x80) != 0);
		return 0;
	case IFR_GUID:
		if (l >= 18 && !memcmp(o + 2, bitfield_guid.b, 16))
			s->bitfield = true;
		return 0;
	default:
		if (ifr_is_question(op))
			return question(w, o, l, pos, &s->q);
		return 0;
	}
}

static bool linked(const struct ifr *ifr, long from, size_t to)
{
	/* Would `to` become its own ancestor? */
	unsigned hops = 0;
	for (long a = from; a >= 0 && hops < 256; a = ifr->form[a].parent, hops++)
		if (a == (long)to)
			return true;
	return false;
}

static const struct ifr *sort_ctx;

static int by_key(const void *a, const void *b)
{
	const struct ifr_form *x = &sort_ctx->form[*(const size_t *)a], *y = &sort_ctx->form[*(const size_t *)b];
	if (x->formset != y->formset)
		return x->formset < y->formset ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

/* The first form (in package order) with this form set and id, or -1. */
static long find_form(const struct ifr *ifr, const size_t *order, size_t n, size_t formset, uint16_t id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ifr_form *f = &ifr->form[order[mid]];
		if (f->formset < formset || (f->formset == formset && f->id < id))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && ifr->form[order[lo]].formset == formset && ifr->form[order[lo]].id == id)
		return (long)order[lo];
	return -1;
}

/* A form's parent is the form whose REF reaches it first, going breadth-first from the first form
   of each form set (a browser's entry point), so back links ("return to the main page") never
   become parents; forms not reached that way take the first REF that names them. */
static int link_forms(struct ifr *ifr, size_t first_form, size_t first_ref)
{
	size_t nf = ifr->nform - first_form, nr = ifr->nref - first_ref;
	if (!nf || !nr)
		return 0;
	bool *root = calloc(nf, sizeof(*root));
	size_t *queue = calloc(nf, sizeof(*queue)), *order = calloc(nf, sizeof(*order));
	size_t *by_from = calloc(nr, sizeof(*by_from)), *start = calloc(nf + 1, sizeof(*start));
	int rc = -1;
	if (!root || !queue || !order || !by_from || !start)
		goto out;
	for (size_t k = 0; k < nf; k++)
		order[k] = first_form + k;
	sort_ctx = ifr;
	qsort(order, nf, sizeof(*order), by_key);
	/* refs grouped by the form holding them (counting sort keeps their order) */
	for (size_t i = 0; i < nr; i++)
		start[ifr->refs[first_ref + i].from - (long)first_form + 1]++;
	for (size_t k = 0; k < nf; k++)
		start[k + 1] += start[k];
	size_t *fill = queue;	/* borrowed as the per-form write cursor, reset below */
	memcpy(fill, start, nf * sizeof(*fill));
	for (size_t i = 0; i < nr; i++)
		by_from[fill[ifr->refs[first_ref + i].from - (long)first_form]++] = first_ref + i;
	size_t head = 0, tail = 0;
	for (size_t k = 0; k < nf; k++)
		if (k == 0 || ifr->form[first_form + k].formset != ifr->form[first_form + k - 1].formset) {
			root[k] = true;
			queue[tail++] = k;
		}
	while (head < tail) {
		size_t from = queue[head++];
		for (size_t j = start[from]; j < start[from + 1]; j++) {
			const struct ifr_ref *rf = &ifr->refs[by_from[j]];
			long t = find_form(ifr, order, nf, rf->formset, rf->to);
			if (t < 0 || ifr->form[t].parent >= 0 || root[t - (long)first_form] || (size_t)t == first_form + from)
				continue;
			ifr->form[t].parent = (long)(first_form + from);
			queue[tail++] = (size_t)t - first_form;
		}
	}
	for (size_t i = first_ref; i < ifr->nref; i++) {
		const struct ifr_ref *rf = &ifr->refs[i];
		long t = find_form(ifr, order, nf, rf->formset, rf->to);
		if (t >= 0 && ifr->form[t].parent < 0 && !root[t - (long)first_form] && !linked(ifr, rf->from, (size_t)t))
			ifr->form[t].parent = rf->from;
	}
	rc = 0;
out:
	free(root);
	free(queue);
	free(order);
	free(by_from);
	free(start);
	return rc;
}

static int vs_by_key(const void *a, const void *b)
{
	const struct ifr_varstore *x = &sort_ctx->vs[*(const size_t *)a], *y = &sort_ctx->vs[*(const size_t *)b];
	if (x->formset != y->formset)
		return x->formset < y->formset ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int sort_varstores(struct ifr *ifr)
{
	free(ifr->vs_order);
	ifr->vs_order = NULL;
	if (!ifr->nvs)
		return 0;
	ifr->vs_order = malloc(ifr->nvs * sizeof(*ifr->vs_order));
	if (!ifr->vs_order)
		return -1;
	for (size_t i = 0; i < ifr->nvs; i++)
		ifr->vs_order[i] = i;
	sort_ctx = ifr;
	qsort(ifr->vs_order, ifr->nvs, sizeof(*ifr->vs_order), vs_by_key);
	return 0;
}

int ifr_walk(struct ifr *ifr, const struct reader *r)
{
	struct walk *w = calloc(1, sizeof(*w));
	if (!w)
		return diag_err(r->d, DIAG_NO_OFFSET, "out of memory");
	w->ifr = ifr;
	w->r = r;
	w->fs = w->form = -1;
	size_t first_form = ifr->nform, first_ref = ifr->nref;
	size_t pos = 4;
	int rc = 0;
	if (r->len < 4)
		finding(w, 0, "form package of %zu bytes has no header", r->len);
	while (pos < r->len) {
		if (r->len - pos < 2) {
			finding(w, pos, "op header needs 2 bytes, 1 left");
			break;
		}
		const uint8_t *o = r->p + pos;
		size_t l = o[1] & 0x7F;
		bool scope = o[1] & 0x80;
		if (l < 2) {
			finding(w, pos, "op 0x%02x has length %zu: the walk cannot go on", o[0], l);
			break;
		}
		if (l > r->len - pos) {
			finding(w, pos, "op 0x%02x of %zu bytes overruns the package (0x%zx left)", o[0], l, r->len - pos);
			break;
		}
		if (o[0] == IFR_END) {
			end_scope(w, pos);
			pos += l;
			continue;
		}
		struct scope s = { .op = o[0], .q = -1, .prev_fs = w->fs, .prev_form = w->form, .def_id = -1 };
		if (o[0] == IFR_SUPPRESS_IF && scope)
			s.always = condition_is_true(r, pos, l);
		if (one_op(w, o, l, pos, &s) < 0) {
			rc = diag_err(r->d, DIAG_NO_OFFSET, "out of memory");
			break;
		}
		if (scope) {
			if (w->depth >= IFR_MAX_DEPTH) {
				if (!w->overflow)
					finding(w, pos, "scopes nest deeper than %d", IFR_MAX_DEPTH);
				w->overflow++;
			} else {
				w->st[w->depth++] = s;
			}
		} else if (s.prev_fs != w->fs || s.prev_form != w->form) {
			/* a form set or form without a scope holds nothing */
			w->fs = s.prev_fs;
			w->form = s.prev_form;
		}
		pos += l;
	}
	if (w->depth || w->overflow)
		finding(w, r->len, "%u scopes still open at the end of the package", w->depth + w->overflow);
	if (link_forms(ifr, first_form, first_ref) < 0 || sort_varstores(ifr) < 0)
		rc = diag_err(r->d, DIAG_NO_OFFSET, "out of memory");
	free(w);
	return rc;
}

void ifr_free(struct ifr *ifr)
{
	free(ifr->fs);
	free(ifr->form);
	free(ifr->vs);
	free(ifr->q);
	free(ifr->opt);
	free(ifr->refs);
	free(ifr->vs_order);
	memset(ifr, 0, sizeof(*ifr));
}

bool ifr_is_question(uint8_t op)
{
	switch (op) {
	case IFR_ONE_OF: case IFR_CHECKBOX: case IFR_NUMERIC: case IFR_PASSWORD: case IFR_ACTION: case IFR_REF:
	case IFR_DATE: case IFR_TIME: case IFR_STRING: case IFR_ORDERED_LIST:
		return true;
	default:
		return false;
	}
}

const char *ifr_op_name(uint8_t op)
{
	switch (op) {
	case IFR_ONE_OF: return "OneOf";
	case IFR_CHECKBOX: return "CheckBox";
	case IFR_NUMERIC: return "Numeric";
	case IFR_PASSWORD: return "Password";
	case IFR_ACTION: return "Action";
	case IFR_REF: return "Ref";
	case IFR_DATE: return "Date";
	case IFR_TIME: return "Time";
	case IFR_STRING: return "String";
	case IFR_ORDERED_LIST: return "OrderedList";
	case IFR_FORM_SET: return "FormSet";
	case IFR_FORM: return "Form";
	default: return "?";
	}
}

const struct ifr_varstore *ifr_question_store(const struct ifr *ifr, const struct ifr_question *q)
{
	if (q->formset < 0 || !ifr->vs_order)
		return NULL;
	size_t lo = 0, hi = ifr->nvs, fs = (size_t)q->formset;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct ifr_varstore *v = &ifr->vs[ifr->vs_order[mid]];
		if (v->formset < fs || (v->formset == fs && v->id < q->vsid))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ifr->nvs && ifr->vs[ifr->vs_order[lo]].formset == fs && ifr->vs[ifr->vs_order[lo]].id == q->vsid)
		return &ifr->vs[ifr->vs_order[lo]];
	return NULL;
}

const char *ifr_vs_kind_name(uint8_t kind)
{
	switch (kind) {
	case IFR_VS_BUFFER: return "VarStore";
	case IFR_VS_EFI: return "VarStoreEfi";
	case IFR_VS_NAME_VALUE: return "VarStoreNameValue";
	default: return "?";
	}
}
