/* cmd_setup.c - igdkit fw setup FILE [--find]: print the Setup questions of a firmware file */
#include "fw/cmd_fw.h"
#include "lib/file.h"
#include "lib/json.h"
#include "fw/setup.h"

#include <stdlib.h>
#include <string.h>

static void json_question(struct json *j, const struct setup *s, const struct setup_question *q)
{
	char g[GUID_STR_LEN], buf[32];
	json_obj(j, NULL);
	json_str(j, "prompt", q->prompt);
	json_str(j, "help", q->help);
	json_str(j, "path", q->path);
	json_str(j, "opcode", ifr_op_name(q->op));
	json_hex(j, "question_id", q->qid);
	json_obj(j, "formset");
	json_str(j, "title", q->formset_title);
	guid_fmt(&q->formset_guid, g);
	json_str(j, "guid", q->formset_title ? g : NULL);
	json_obj_end(j);
	if (q->has_store) {
		json_obj(j, "varstore");
		json_hex(j, "id", q->vsid);
		json_str(j, "name", q->vs_name);
		guid_fmt(&q->vs_guid, g);
		json_str(j, "guid", g);
		json_hex(j, "size", q->vs_size);
		json_str(j, "kind", ifr_vs_kind_name(q->vs_kind));
		if (q->vs_kind == IFR_VS_EFI)
			json_hex(j, "attributes", q->vs_attr);
		json_obj_end(j);
	} else {
		json_null(j, "varstore");
	}
	json_hex(j, "varstore_id", q->vsid);
	json_hex(j, "var_offset", q->var_offset);
	if (q->bits) {
		json_null(j, "width_bytes");
		json_uint(j, "width_bits", q->bit_width);
		json_bool(j, "offset_in_bits", true);
	} else if (q->width) {
		json_uint(j, "width_bytes", q->width);
	} else {
		json_null(j, "width_bytes");
	}
	if (q->has_range) {
		json_uint(j, "min", q->min);
		json_uint(j, "max", q->max);
		json_uint(j, "step", q->step);
	} else {
		json_null(j, "min");
		json_null(j, "max");
		json_null(j, "step");
	}
	json_arr(j, "options");
	for (size_t i = 0; i < q->nopt; i++) {
		json_obj(j, NULL);
		json_uint(j, "value", q->opt[i].value);
		json_str(j, "text", q->opt[i].text);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj(j, "default");
	static const char *const names[2] = { "standard", "manufacturing" };
	for (int k = 0; k < 2; k++) {
		if (q->def[k].kind == IFR_DEF_VALUE)
			json_uint(j, names[k], q->def[k].value);
		else
			json_str(j, names[k], setup_default_text(&q->def[k], buf, sizeof(buf)));
	}
	json_str(j, "standard_source", setup_default_source(&q->def[0]));
	json_str(j, "manufacturing_source", setup_default_source(&q->def[1]));
	json_obj_end(j);
	json_obj(j, "conditions");
	json_bool(j, "suppress_if", q->suppress_if);
	json_bool(j, "always_suppressed", q->suppress_always);
	json_bool(j, "gray_out_if", q->gray_out_if);
	json_bool(j, "disable_if", q->disable_if);
	json_obj_end(j);
	json_str(j, "module", s->mod[q->module].where);
	char where[128];
	json_str(j, "offset", setup_where(s, q, where, sizeof(where)));
	json_obj_end(j);
}

static void print_question(FILE *f, const struct setup *s, const struct setup_question *q)
{
	char g[GUID_STR_LEN], b0[32], b1[32], where[128];
	fprintf(f, "%s  [%s, question 0x%x, at %s]\n", q->path, ifr_op_name(q->op), q->qid, setup_where(s, q, where, sizeof(where)));
	if (q->has_store) {
		guid_fmt(&q->vs_guid, g);
		fprintf(f, "    %s %s(%s) id 0x%x size 0x%x: ", ifr_vs_kind_name(q->vs_kind), q->vs_name, g, q->vsid, q->vs_size);
	} else if (q->vsid) {
		fprintf(f, "    varstore id 0x%x (not declared in the form set): ", q->vsid);
	} else {
		fprintf(f, "    no variable");
	}
	if (!q->has_store && !q->vsid)
		;
	else if (q->bits)
		fprintf(f, "bit offset 0x%x, %u bits", q->var_offset, q->bit_width);
	else
		fprintf(f, "offset 0x%x, %u byte%s", q->var_offset, (unsigned)q->width, q->width == 1 ? "" : "s");
	if (q->has_range)
		fprintf(f, ", min %llu max %llu step %llu", (unsigned long long)q->min, (unsigned long long)q->max,
			(unsigned long long)q->step);
	const char *d0 = setup_default_text(&q->def[0], b0, sizeof(b0)), *d1 = setup_default_text(&q->def[1], b1, sizeof(b1));
	fprintf(f, ", default %s, manufacturing %s\n", d0 ? d0 : "none", d1 ? d1 : "none");
	if (q->nopt) {
		fprintf(f, "    options:");
		for (size_t i = 0; i < q->nopt; i++)
			fprintf(f, "%s %llu \"%s\"", i ? "," : "", (unsigned long long)q->opt[i].value, q->opt[i].text);
		fputc('\n', f);
	}
	if (q->suppress_if || q->gray_out_if || q->disable_if)
		fprintf(f, "    inside:%s%s%s%s\n", q->suppress_if ? " suppress-if" : "", q->suppress_always ? " (TRUE: never shown)" : "",
			q->gray_out_if ? " gray-out-if" : "",
			q->disable_if ? " disable-if" : "");
}

/* The keys found, in first-seen order for analogues, after the targets. */
static size_t analogue_keys(const struct setup *s, const char **keys, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nq; i++) {
		bool an;
		const char *k = setup_match(s->q[i].prompt, &an);
		if (!k || !an)
			continue;
		size_t j = 0;
		while (j < n && strcmp(keys[j], k))
			j++;
		if (j == n && n < max)
			keys[n++] = k;
	}
	return n;
}

static bool has_key(const struct setup *s, const char *key)
{
	for (size_t i = 0; i < s->nq; i++) {
		bool an;
		const char *k = setup_match(s->q[i].prompt, &an);
		if (k && !strcmp(k, key))
			return true;
	}
	return false;
}

static void json_group(struct json *j, const struct setup *s, const char *key)
{
	json_arr(j, key);
	for (size_t i = 0; i < s->nq; i++) {
		bool an;
		const char *k = setup_match(s->q[i].prompt, &an);
		if (k && !strcmp(k, key))
			json_question(j, s, &s->q[i]);
	}
	json_arr_end(j);
}

static void print_group(FILE *f, const struct setup *s, const char *key)
{
	fprintf(f, "== %s\n", key);
	for (size_t i = 0; i < s->nq; i++) {
		bool an;
		const char *k = setup_match(s->q[i].prompt, &an);
		if (k && !strcmp(k, key))
			print_question(f, s, &s->q[i]);
	}
}

int fw_setup_cmd(struct ctx *ctx, const char *path, bool find)
{
	char err[512];
	struct file_buf fb;
	if (file_read(path, FILE_MAX_FIRMWARE, &fb, err, sizeof(err)) < 0)
		return cmd_fail(ctx, EXIT_INPUT, "%s", err);
	struct diag d;
	diag_init(&d);
	struct setup *s;
	if (setup_open(fb.data, fb.len, &s, &d) < 0) {
		int rc = cmd_fail(ctx, EXIT_INPUT, "%s: %s", path, d.n ? diag_last(&d) : "cannot read it");
		diag_free(&d);
		file_buf_free(&fb);
		return rc;
	}
	const char *an[32];
	size_t nan = analogue_keys(s, an, 32);
	size_t found = 0;
	for (size_t k = 0; setup_target_keys[k]; k++)
		found += has_key(s, setup_target_keys[k]);
	if (ctx->json) {
		struct json j;
		json_init(&j, ctx->out, true);
		json_obj(&j, NULL);
		json_str(&j, "input", path);
		json_str(&j, "detected", s->input_kind);
		json_arr(&j, "modules");
		for (size_t i = 0; i < s->nmod; i++) {
			char g[GUID_STR_LEN];
			const struct setup_module *m = &s->mod[i];
			json_obj(&j, NULL);
			json_str(&j, "offset", m->where);
			guid_fmt(&m->file_guid, g);
			json_str(&j, "file_guid", m->has_file ? g : NULL);
			json_str(&j, "ui_name", m->ui_name);
			json_uint(&j, "form_packages", m->forms);
			json_uint(&j, "string_packages", m->strings);
			json_str(&j, "language", m->lang);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		if (find) {
			json_obj(&j, "questions");
			for (size_t k = 0; setup_target_keys[k]; k++)
				if (has_key(s, setup_target_keys[k]))
					json_group(&j, s, setup_target_keys[k]);
			json_obj_end(&j);
			json_obj(&j, "analogues");
			for (size_t k = 0; k < nan; k++)
				json_group(&j, s, an[k]);
			json_obj_end(&j);
			json_arr(&j, "absent");
			for (size_t k = 0; setup_target_keys[k]; k++)
				if (!has_key(s, setup_target_keys[k]))
					json_str(&j, NULL, setup_target_keys[k]);
			json_arr_end(&j);
		} else {
			json_arr(&j, "questions");
			for (size_t i = 0; i < s->nq; i++)
				json_question(&j, s, &s->q[i]);
			json_arr_end(&j);
		}
		json_arr(&j, "findings");
		for (size_t i = 0; i < s->findings.n; i++) {
			json_obj(&j, NULL);
			json_str(&j, "level", diag_level_name(s->findings.v[i].level));
			if (s->findings.v[i].off != DIAG_NO_OFFSET)
				json_hex(&j, "offset", s->findings.v[i].off);
			json_str(&j, "message", s->findings.v[i].msg);
			json_obj_end(&j);
		}
		json_arr_end(&j);
		json_obj_end(&j);
		json_end(&j);
	} else {
		fprintf(ctx->out, "%s: %s, %zu module%s with forms, %zu questions\n", path, s->input_kind, s->nmod,
			s->nmod == 1 ? "" : "s", s->nq);
		for (size_t i = 0; i < s->nmod; i++) {
			char g[GUID_STR_LEN];
			const struct setup_module *m = &s->mod[i];
			guid_fmt(&m->file_guid, g);
			fprintf(ctx->out, "module at %s%s%s%s%s%s: %zu form, %zu string packages, strings in %s\n", m->where,
				m->has_file ? ", file " : "", m->has_file ? g : "", m->ui_name ? " \"" : "",
				m->ui_name ? m->ui_name : "", m->ui_name ? "\"" : "", m->forms, m->strings, m->lang ? m->lang : "none");
		}
		if (find) {
			for (size_t k = 0; setup_target_keys[k]; k++)
				if (has_key(s, setup_target_keys[k]))
					print_group(ctx->out, s, setup_target_keys[k]);
			for (size_t k = 0; k < nan; k++)
				print_group(ctx->out, s, an[k]);
			fprintf(ctx->out, "absent:");
			for (size_t k = 0; setup_target_keys[k]; k++)
				if (!has_key(s, setup_target_keys[k]))
					fprintf(ctx->out, " %s", setup_target_keys[k]);
			fputc('\n', ctx->out);
		} else {
			for (size_t i = 0; i < s->nq; i++)
				print_question(ctx->out, s, &s->q[i]);
		}
		cmd_print_diag(ctx, path, &s->findings);
	}
	int rc = (find ? found == 0 : s->nq == 0) ? EXIT_FINDINGS : EXIT_OK;
	setup_free(s);
	diag_free(&d);
	file_buf_free(&fb);
	return rc;
}
