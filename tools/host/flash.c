/* flash.c - the BIOS region of this machine's SPI flash, through libflashrom's internal programmer
 *
 * libflashrom is loaded when asked for (libload.c), not linked: it and its USB programmer
 * libraries are a megabyte the stick would otherwise unpack at every boot. Only reading is done:
 * the flash is never erased or written.
 */
#include "host/firmware_access.h"
#include "host/libload.h"

#include <dlfcn.h>
#include <libflashrom.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct flashrom_api {
	int (*init)(int);
	int (*shutdown)(void);
	void (*set_log_callback)(flashrom_log_callback *);
	int (*programmer_init)(struct flashrom_programmer **, const char *, const char *);
	int (*programmer_shutdown)(struct flashrom_programmer *);
	int (*flash_probe)(struct flashrom_flashctx **, const struct flashrom_programmer *, const char *);
	size_t (*flash_getsize)(const struct flashrom_flashctx *);
	void (*flash_release)(struct flashrom_flashctx *);
	int (*layout_read_from_ifd)(struct flashrom_layout **, struct flashrom_flashctx *, const void *, size_t);
	int (*layout_include_region)(struct flashrom_layout *, const char *);
	void (*layout_set)(struct flashrom_flashctx *, const struct flashrom_layout *);
	void (*layout_release)(struct flashrom_layout *);
	int (*image_read)(struct flashrom_flashctx *, void *, size_t);
};

/* What the person is shown when a step fails: the first line of libflashrom's first error
 * message, else its last warning (later lines of a message are advice for other systems). */
static char first_err[300], last_warn[300];

static int log_cb(enum flashrom_log_level level, const char *fmt, va_list ap)
{
	if (level > FLASHROM_MSG_WARN || (level == FLASHROM_MSG_ERROR && first_err[0]))
		return 0;
	char line[sizeof(first_err)];
	vsnprintf(line, sizeof(line), fmt, ap);
	char *s = line;
	while (*s == '\n' || *s == ' ')
		s++;
	s[strcspn(s, "\n")] = 0;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		s[--n] = 0;
	if (n)
		memcpy(level == FLASHROM_MSG_ERROR ? first_err : last_warn, s, n + 1);
	return 0;
}

static const char *flashrom_said(void)
{
	return first_err[0] ? first_err : last_warn[0] ? last_warn : "no reason given";
}

#define FR(member) LIBLOAD_SYM("flashrom_", struct flashrom_api, member)
static const struct libload_sym flashrom_syms[] = {
	FR(init), FR(shutdown), FR(set_log_callback), FR(programmer_init), FR(programmer_shutdown),
	FR(flash_probe), FR(flash_getsize), FR(flash_release), FR(layout_read_from_ifd), FR(layout_include_region),
	FR(layout_set), FR(layout_release), FR(image_read),
};
#undef FR

int host_flash_read_bios(struct file_buf *out, struct diag *d)
{
	char why[600];
	memset(out, 0, sizeof(*out));
	if (!host_flash_readable(why, sizeof(why)))
		return diag_err(d, DIAG_NO_OFFSET, "%s", why);
	void *h = libload_open("libflashrom.so.1", why, sizeof(why));
	if (!h)
		return diag_err(d, DIAG_NO_OFFSET, "%s", why);
	struct flashrom_api a;
	if (!libload_resolve(h, flashrom_syms, sizeof(flashrom_syms) / sizeof(flashrom_syms[0]), &a, "libflashrom", why,
			     sizeof(why))) {
		dlclose(h);
		return diag_err(d, DIAG_NO_OFFSET, "%s", why);
	}
	first_err[0] = last_warn[0] = 0;
	a.set_log_callback(log_cb);
	struct flashrom_programmer *prog = NULL;
	struct flashrom_flashctx *ctx = NULL;
	struct flashrom_layout *layout = NULL;
	uint8_t *buf = NULL;
	int rc = -1;
	if (a.init(0) != 0) {
		diag_err(d, DIAG_NO_OFFSET, "libflashrom did not start: %s", flashrom_said());
		goto done;
	}
	if (a.programmer_init(&prog, "internal", NULL) != 0) {
		prog = NULL;
		diag_err(d, DIAG_NO_OFFSET,
			 "flashrom's internal programmer could not reach the flash (%s). It needs a chipset flashrom "
			 "knows and, with this kernel, the stick's \"firmware access\" boot entry (iomem=relaxed); "
			 "otherwise download the BIOS file for this board and copy it onto the IGDKIT partition",
			 flashrom_said());
		goto done;
	}
	int pr = a.flash_probe(&ctx, prog, NULL);
	if (pr != 0) {
		ctx = NULL;
		diag_err(d, DIAG_NO_OFFSET, "%s (%s): download the BIOS file for this board instead",
			 pr == 2 ? "no flash chip found" : pr == 3 ? "several flash chips match: flashrom cannot tell which"
								 : "probing the flash chip failed",
			 flashrom_said());
		goto done;
	}
	size_t size = a.flash_getsize(ctx);
	if (size == 0 || size > FILE_MAX_FIRMWARE) {
		diag_err(d, DIAG_NO_OFFSET, "flashrom reports a flash chip of %zu bytes", size);
		goto done;
	}
	buf = malloc(size);
	if (!buf) {
		diag_err(d, DIAG_NO_OFFSET, "out of memory for %zu bytes", size);
		goto done;
	}
	memset(buf, 0xff, size);	/* regions left out read as erased flash */
	/* With a descriptor, only the descriptor and the BIOS region: the ME region is read-locked on
	 * most boards, and reading it would fail the whole read. */
	if (a.layout_read_from_ifd(&layout, ctx, NULL, 0) == 0) {
		if (a.layout_include_region(layout, "fd") != 0 || a.layout_include_region(layout, "bios") != 0) {
			diag_err(d, DIAG_NO_OFFSET, "the flash descriptor names no BIOS region");
			goto done;
		}
		a.layout_set(ctx, layout);
	} else {
		layout = NULL;
	}
	if (a.image_read(ctx, buf, size) != 0) {
		diag_err(d, DIAG_NO_OFFSET, "reading the flash failed (%s): the BIOS region may be read-protected; "
					    "download the BIOS file for this board instead",
			 flashrom_said());
		goto done;
	}
	out->data = buf;
	out->len = size;
	buf = NULL;
	rc = 0;
done:
	if (layout) {
		a.layout_set(ctx, NULL);
		a.layout_release(layout);
	}
	if (ctx)
		a.flash_release(ctx);
	if (prog)
		a.programmer_shutdown(prog);
	a.shutdown();
	free(buf);
	a.set_log_callback(NULL);
	/* libflashrom stays loaded: unloading a library that registered shutdown hooks is unsafe */
	return rc;
}
