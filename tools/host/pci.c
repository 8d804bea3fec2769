/* pci.c - libpci glue: live sysfs access, or libpci's dump method for fixtures
 *
 * libpci's error callback is declared noreturn and the library does not
 * expect it to come back, so ours jumps back to pci_snapshot_read instead of
 * exiting: a bad dump file becomes a diag, never the end of igdkit.
 */
#include "host/hostpci.h"

#include <pci/pci.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf pci_jump;
static char pci_errmsg[DIAG_MSG_MAX];
static struct diag *pci_diag;

static void PCI_NONRET pci_on_error(char *msg, ...)
{
	va_list ap;
	va_start(ap, msg);
	vsnprintf(pci_errmsg, sizeof(pci_errmsg), msg, ap);
	va_end(ap);
	longjmp(pci_jump, 1);
}

static void pci_on_warning(char *msg, ...)
{
	char buf[DIAG_MSG_MAX];
	va_list ap;
	va_start(ap, msg);
	vsnprintf(buf, sizeof(buf), msg, ap);
	va_end(ap);
	diag_warn(pci_diag, DIAG_NO_OFFSET, "libpci: %s", buf);
}

static void pci_on_debug(char *msg, ...)
{
	(void)msg;
}

static int fn_cmp(const void *a, const void *b)
{
	const struct pci_fn *x = a, *y = b;
	uint64_t kx = (uint64_t)x->domain << 24 | (uint32_t)x->bus << 16 | (uint32_t)x->dev << 8 | x->fn;
	uint64_t ky = (uint64_t)y->domain << 24 | (uint32_t)y->bus << 16 | (uint32_t)y->dev << 8 | y->fn;
	return kx < ky ? -1 : kx > ky;
}

int pci_snapshot_read(const char *dump_file, const char *sysfs_dir, struct pci_snapshot *s, struct diag *d)
{
	memset(s, 0, sizeof(*s));
	/* static: the values must survive the longjmp back here */
	static struct pci_access *a;
	static struct pci_fn *v;
	static size_t n, cap;
	static int cleaning;
	a = NULL;
	v = NULL;
	n = cap = 0;
	cleaning = 0;
	pci_diag = d;
	if (setjmp(pci_jump)) {
		if (!cleaning) {
			diag_err(d, DIAG_NO_OFFSET, "libpci: %s", pci_errmsg);
			free(v);
			v = NULL;
			/* If cleanup itself fails we land here again and give the access up. */
			cleaning = 1;
			if (a)
				pci_cleanup(a);
		}
		return -1;
	}
	a = pci_alloc();
	a->error = pci_on_error;
	a->warning = pci_on_warning;
	a->debug = pci_on_debug;
	if (dump_file) {
		a->method = PCI_ACCESS_DUMP;
		pci_set_param(a, "dump.name", (char *)dump_file);
		snprintf(s->source, sizeof(s->source), "libpci dump method: %s", dump_file);
	} else {
		a->method = PCI_ACCESS_SYS_BUS_PCI;
		if (sysfs_dir)
			pci_set_param(a, "sysfs.path", (char *)sysfs_dir);
		snprintf(s->source, sizeof(s->source), "libpci sysfs: %s", sysfs_dir ? sysfs_dir : "/sys/bus/pci");
	}
	pci_init(a);
	pci_scan_bus(a);
	for (struct pci_dev *p = a->devices; p; p = p->next) {
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			struct pci_fn *nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				diag_err(d, DIAG_NO_OFFSET, "out of memory reading PCI devices");
				break;
			}
			v = nv;
		}
		struct pci_fn *f = &v[n];
		memset(f, 0, sizeof(*f));
		f->domain = (uint16_t)p->domain;
		f->bus = p->bus;
		f->dev = p->dev;
		f->fn = p->func;
		memset(f->cfg, 0xff, sizeof(f->cfg));
		if (pci_read_block(p, 0, f->cfg, 256))
			f->cfg_len = 256;
		else if (pci_read_block(p, 0, f->cfg, 64))
			f->cfg_len = 64;
		else
			continue;	/* not even the header: skip the function */
		f->vendor = (uint16_t)(f->cfg[0] | f->cfg[1] << 8);
		f->device = (uint16_t)(f->cfg[2] | f->cfg[3] << 8);
		f->class_code = (uint32_t)f->cfg[0xb] << 16 | (uint32_t)f->cfg[0xa] << 8 | f->cfg[9];
		n++;
	}
	pci_cleanup(a);
	if (n)
		qsort(v, n, sizeof(*v), fn_cmp);
	s->v = v;
	s->n = n;
	return 0;
}

void pci_snapshot_free(struct pci_snapshot *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

const struct pci_fn *pci_find(const struct pci_snapshot *s, unsigned bus, unsigned dev, unsigned fn)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].domain == 0 && s->v[i].bus == bus && s->v[i].dev == dev && s->v[i].fn == fn)
			return &s->v[i];
	return NULL;
}
