/* helpers.c - test-side utilities; nothing here is used by igdkit itself */
#include "helpers.h"

#include "rom/efirom.h"
#include "rom/helpers.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *fixture_path(const char *rel)
{
	static char buf[4][4096];
	static int k;
	const char *root = getenv("FIXTURES");
	if (!root)
		root = "../shared/fixtures";
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", root, rel);
	return buf[k];
}

struct file_buf fixture_read(const char *rel)
{
	struct file_buf fb;
	char err[512];
	if (file_read(fixture_path(rel), FILE_MAX_FIRMWARE, &fb, err, sizeof(err)) < 0)
		fail_msg("fixture: %s", err);
	return fb;
}

static char *slurp_fd(int fd)
{
	size_t cap = 4096, len = 0;
	char *b = malloc(cap);
	for (;;) {
		if (len + 1 >= cap)
			b = realloc(b, cap *= 2);
		ssize_t n = read(fd, b + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	b[len] = 0;
	return b;
}

void sha256_hex_ext(const void *data, size_t len, char out[65])
{
	char tmpl[] = "/tmp/igdkit-sha-XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "sha256sum %s", tmpl);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(out, 65, p));
	pclose(p);
	unlink(tmpl);
	out[64] = 0;
}

int run_igdkit(char **out, char **err, const char *const *argv)
{
	const char *bin = getenv("IGDKIT_BIN");
	if (!bin)
		bin = "build/igdkit";
	int po[2], pe[2];
	assert_int_equal(pipe(po), 0);
	assert_int_equal(pipe(pe), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		int n = 0;
		while (argv[n])
			n++;
		char **v = calloc((size_t)n + 2, sizeof(char *));
		v[0] = (char *)bin;
		for (int i = 0; i < n; i++)
			v[i + 1] = (char *)argv[i];
		execv(bin, v);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	/* stderr is small; read stdout first, then stderr (no deadlock for our sizes). */
	char *o = slurp_fd(po[0]);
	char *e = slurp_fd(pe[0]);
	close(po[0]);
	close(pe[0]);
	int st;
	waitpid(pid, &st, 0);
	if (out)
		*out = o;
	else
		free(o);
	if (err)
		*err = e;
	else
		free(e);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

char *make_tmpdir(void)
{
	char *t = strdup("/tmp/igdkit-test-XXXXXX");
	assert_non_null(mkdtemp(t));
	return t;
}

void rm_rf(const char *dir)
{
	char cmd[4200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

char *run_igdkit_json(int *rc, const char *const *argv, const char *expr)
{
	char *out, *err;
	*rc = run_igdkit(&out, &err, argv);
	char *dir = make_tmpdir();
	char jpath[512], cmd[2048];
	snprintf(jpath, sizeof(jpath), "%s/out.json", dir);
	write_file(jpath, out, strlen(out));
	snprintf(cmd, sizeof(cmd), "python3 -c 'import json,sys\nd=json.load(open(sys.argv[1]))\n%s' %s", expr, jpath);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 16, len = 0, got;
	char *res = calloc(1, cap);
	while ((got = fread(res + len, 1, cap - len - 1, p)) > 0)
		len += got;
	assert_int_equal(pclose(p), 0);
	rm_tmpdir(dir);
	run_igdkit_free(out, err);
	return res;
}

void assert_cmd_prints(const char *want, const char *fmt, ...)
{
	char cmd[16384];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 16, len = 0, got;
	char *out = calloc(1, cap);
	assert_non_null(out);
	while ((got = fread(out + len, 1, cap - len - 1, p)) > 0)
		len += got;
	assert_int_equal(pclose(p), 0);
	assert_string_equal(out, want);
	free(out);
}

int run_igdkit_status(const char *const *argv)
{
	return run_igdkit(NULL, NULL, argv);
}

void rm_tmpdir(char *dir)
{
	rm_rf(dir);
	free(dir);
}

void run_igdkit_free(char *out, char *err)
{
	free(out);
	free(err);
}

void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

struct file_buf chain_rom(const char *gop_rel, uint16_t device)
{
	struct file_buf gop = fixture_read(gop_rel);
	const struct igd_helper *h = igd_helpers();
	struct optrom_efi_input in[] = {
		{ h[0].name, h[0].data, h[0].len },
		{ h[1].name, h[1].data, h[1].len },
		{ gop_rel, gop.data, gop.len },
	};
	struct optrom_efi_opts o = { .vendor = 0x8086, .device = device };
	struct optrom_rom rom;
	struct diag d;
	diag_init(&d);
	if (optrom_build(NULL, 0, in, 3, &o, &rom, &d) < 0)
		fail_msg("chain ROM from %s: %s", gop_rel, diag_last(&d));
	diag_free(&d);
	file_buf_free(&gop);
	struct file_buf out = { rom.data, rom.len };
	free(rom.images);
	return out;
}

char *unit_dir;

int unit_dir_setup(void **state)
{
	(void)state;
	unit_dir = make_tmpdir();
	return 0;
}

int unit_dir_teardown(void **state)
{
	(void)state;
	rm_rf(unit_dir);
	free(unit_dir);
	unit_dir = NULL;
	return 0;
}

struct machine_facts facts_igd(uint16_t device, int gen, const char *platform)
{
	struct machine_facts f;
	memset(&f, 0, sizeof(f));
	f.igd_present = true;
	f.igd_device_id = device;
	f.igd_gen = gen;
	f.igd_platform = platform;
	f.igd_class = 0x0300;
	f.gms_mib = 64;
	f.gms_value = 2;
	f.boot_vga = TRI_YES;
	f.igd_group_alone = TRI_YES;
	return f;
}

bool diag_has_at(const struct diag *d, uint64_t off, const char *text)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].off == off && strstr(d->v[i].msg, text))
			return true;
	return false;
}
