/* forum.c - the forum report: gathering, masking, saving */
#include "report/forum.h"

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <time.h>

#include "lib/atomic.h"
#include "lib/file.h"
#include "lib/strbuf.h"

#define LOG_MAX ((size_t)4 << 20)

/* Does s (at least n bytes left before the NUL) hold hex groups of these lengths joined by sep? */
static bool groups_at(const char *s, const int *len, size_t ng, char sep, bool hex_only)
{
	for (size_t g = 0; g < ng; g++) {
		for (int i = 0; i < len[g]; i++, s++)
			if (!(hex_only ? isxdigit((unsigned char)*s) : isalnum((unsigned char)*s)))
				return false;
		if (g + 1 < ng && *s++ != sep)
			return false;
	}
	return !isalnum((unsigned char)*s);
}

static size_t span_of(const int *len, size_t ng)
{
	size_t n = ng - 1;
	for (size_t g = 0; g < ng; g++)
		n += (size_t)len[g];
	return n;
}

static void blank(char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (isalnum((unsigned char)s[i]))
			s[i] = 'x';
}

/* After "serial" (any case) and an optional word such as "Number", a ':' or '=' and the value. */
static size_t serial_value(char *s, char **val)
{
	char *p = s + 6;
	while (isalpha((unsigned char)*p) || *p == '_' || *p == ' ')
		p++;
	if (*p != ':' && *p != '=')
		return 0;
	p++;
	while (*p == ' ' || *p == '\t' || *p == '"')
		p++;
	size_t n = 0;
	/* one token: serials carry no blanks, and what follows ("(board)") is not part of them */
	while (p[n] && !isspace((unsigned char)p[n]) && p[n] != '"' && p[n] != ',')
		n++;
	*val = p;
	return n;
}

size_t report_mask(char *text)
{
	static const int uuid[] = { 8, 4, 4, 4, 12 }, lvm[] = { 6, 4, 4, 4, 4, 4, 6 }, mac[] = { 2, 2, 2, 2, 2, 2 };
	size_t count = 0;
	for (char *s = text; *s; s++) {
		if (s != text && isalnum((unsigned char)s[-1]))
			continue;
		size_t n = 0;
		if (groups_at(s, uuid, 5, '-', true))
			n = span_of(uuid, 5);
		else if (groups_at(s, lvm, 7, '-', false))
			n = span_of(lvm, 7);
		else if (groups_at(s, mac, 6, ':', true) || groups_at(s, mac, 6, '-', true))
			n = span_of(mac, 6);
		else if (!strncasecmp(s, "serial", 6)) {
			char *val;
			size_t vn = serial_value(s, &val);
			if (vn) {
				blank(val, vn);
				count++;
				s = val + vn - 1;
			}
			continue;
		}
		if (n) {
			blank(s, n);
			count++;
			s += n - 1;
		}
	}
	return count;
}

/* The newest file in dir whose name starts with prefix and ends with suffix (names carry a UTC
 * stamp, so the greatest name is the newest). */
static bool newest(const char *dir, const char *prefix, const char *suffix, char *name, size_t len)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return false;
	name[0] = 0;
	struct dirent *e;
	size_t pl = strlen(prefix), sl = strlen(suffix);
	while ((e = readdir(dp))) {
		size_t n = strlen(e->d_name);
		if (n < pl + sl || strncmp(e->d_name, prefix, pl) || strcmp(e->d_name + n - sl, suffix))
			continue;
		if (strcmp(e->d_name, name) > 0 && n < len)
			snprintf(name, len, "%s", e->d_name);
	}
	closedir(dp);
	return name[0] != 0;
}

static bool has_word_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (!strncasecmp(hay, needle, n))
			return true;
	return false;
}

/* Appends the last max_lines lines of path (only lines containing one of keep[], when given). */
static void add_file(struct strbuf *b, const char *title, const char *path, size_t max_lines, const char *const *keep)
{
	struct file_buf fb;
	char err[300];
	strbuf_addf(b, "\n==== %s (%s) ====\n", title, path);
	if (file_read(path, LOG_MAX, &fb, err, sizeof(err)) < 0) {
		strbuf_addf(b, "(not there: %s)\n", err);
		return;
	}
	/* copy out with NULs dropped: a log is text, but the stick may hold anything */
	char *t = malloc(fb.len + 1);
	if (!t) {
		b->failed = true;
		file_buf_free(&fb);
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < fb.len; i++)
		if (fb.data[i] && fb.data[i] != '\r')
			t[n++] = (char)fb.data[i];
	t[n] = 0;
	file_buf_free(&fb);
	size_t lines = 0, shown = 0;
	for (char *p = t; *p; p++)
		lines += *p == '\n';
	size_t skip = 0;
	if (!keep && lines > max_lines)
		skip = lines - max_lines;
	if (skip)
		strbuf_addf(b, "(the first %zu lines left out)\n", skip);
	char *save = NULL;
	for (char *l = strtok_r(t, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (skip) {
			skip--;
			continue;
		}
		bool ok = !keep;
		for (size_t k = 0; keep && keep[k] && !ok; k++)
			ok = has_word_ci(l, keep[k]);
		if (ok && shown++ < max_lines)
			strbuf_addf(b, "%s\n", l);
	}
	if (keep && shown > max_lines)
		strbuf_addf(b, "(%zu more matching lines left out)\n", shown - max_lines);
	free(t);
}

char *forum_report_build(const char *stick, const char *check_text, size_t *masked, struct diag *d)
{
	struct strbuf b = { 0 };
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	char when[40];
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	strbuf_addf(&b, "igdkit %s report, %s\n", IGDKIT_VERSION, when);
	strbuf_addf(&b, "(serial numbers, MAC addresses and UUIDs are masked with x)\n");
	strbuf_addf(&b, "\n==== check ====\n%s", check_text ? check_text : "(no check ran)\n");
	if (stick && *stick) {
		char logs[4096], name[256], path[4400];
		snprintf(logs, sizeof(logs), "%s/logs", stick);
		static const struct {
			const char *title, *prefix, *suffix;
		} latest[] = {
			{ "firmware and ROM", "rom-", ".txt" },
			{ "plan and diff", "plan-", ".txt" },
			{ "repair findings and diff", "repair-", ".txt" },
			{ "what was written (newest manifest)", "install-", ".manifest" },
		};
		for (size_t i = 0; i < sizeof(latest) / sizeof(latest[0]); i++) {
			if (!newest(logs, latest[i].prefix, latest[i].suffix, name, sizeof(name))) {
				strbuf_addf(&b, "\n==== %s ====\n(none on the stick)\n", latest[i].title);
				continue;
			}
			snprintf(path, sizeof(path), "%s/%s", logs, name);
			add_file(&b, latest[i].title, path, 400, NULL);
		}
		snprintf(path, sizeof(path), "%s/menu.log", logs);
		add_file(&b, "menu log", path, 150, NULL);
		snprintf(path, sizeof(path), "%s/autorun.log", stick);
		if (access(path, R_OK) == 0)
			add_file(&b, "last autorun", path, 100, NULL);
		static const char *const kernel_words[] = { "DMAR", "IOMMU", "vfio", "i915", "secureboot", "Lockdown",
							    "VMX", "efifb", "simple-framebuffer", "igdkit", NULL };
		snprintf(path, sizeof(path), "%s/dmesg.txt", logs);
		add_file(&b, "kernel messages about the iGPU, IOMMU and firmware", path, 120, kernel_words);
	} else
		strbuf_addf(&b, "\n(no IGDKIT partition: the stick's logs are not included)\n");
	if (b.failed) {
		free(b.s);
		diag_err(d, DIAG_NO_OFFSET, "out of memory while building the report");
		return NULL;
	}
	size_t m = report_mask(b.s);
	if (masked)
		*masked = m;
	return b.s;
}

void report_stamp(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
}

int forum_report_save(const char *dir, const char *text, char *path, size_t pathlen, struct diag *d)
{
	char stamp[32];
	report_stamp(stamp, sizeof(stamp));
	snprintf(path, pathlen, "%s/igdkit-report-%s.txt", dir, stamp);
	return atomic_write(path, text, strlen(text), 0644, (uid_t)-1, (gid_t)-1, d);
}
