/* fuzz_ifr.c - the HII/IFR readers from raw bytes: IFR walk, string package, package scan and pairing
 *
 * A PE image or PE32 section goes through setup_open whole (scan, pairing, walk, names). Any other
 * input is read three ways: as the body of a form package, as a string package, and as the data of
 * a PE image. Invariants beyond "no crash": every finding names an offset, option lists end, every
 * resolved text is a bounded string, and form paths do not loop.
 */
#include <stdlib.h>
#include <string.h>

#include "fw/hii.h"
#include "fw/ifr.h"
#include "fw/setup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_diag(const struct diag *d)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].level == DIAG_ERROR && d->v[i].off == DIAG_NO_OFFSET && !strstr(d->v[i].msg, "out of memory"))
			abort();
}

static void check_setup(const uint8_t *p, size_t n)
{
	struct diag d;
	struct setup *s;
	diag_init(&d);
	if (setup_open(p, n, &s, &d) == 0) {
		for (size_t i = 0; i < s->nq; i++) {
			const struct setup_question *q = &s->q[i];
			if (strlen(q->prompt) > 4096 || strlen(q->path) > 4096 || q->module >= s->nmod)
				abort();
			for (size_t k = 0; k < q->nopt; k++)
				if (!q->opt[k].text)
					abort();
		}
		check_diag(&s->findings);
		setup_free(s);
	}
	diag_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if ((size >= 2 && data[0] == 'M' && data[1] == 'Z') || (size >= 6 && data[3] == 0x10 && data[4] == 'M' && data[5] == 'Z')) {
		check_setup(data, size);
		return 0;
	}
	struct diag d;
	diag_init(&d);
	uint8_t *buf = malloc(size + 0x80);
	if (!buf)
		return 0;

	/* a form package: the input after a header that says its length */
	uint32_t len = (uint32_t)((size + 4) & 0xFFFFFF);
	buf[0] = (uint8_t)len;
	buf[1] = (uint8_t)(len >> 8);
	buf[2] = (uint8_t)(len >> 16);
	buf[3] = HII_PKG_FORMS;
	memcpy(buf + 4, data, size);
	struct reader r;
	rd_init(&r, buf, size + 4, 0x10000, &d);
	struct ifr ifr;
	memset(&ifr, 0, sizeof(ifr));
	ifr_walk(&ifr, &r);
	size_t seen = 0;
	for (size_t i = 0; i < ifr.nq; i++) {
		for (long k = ifr.q[i].opt_first; k >= 0; k = ifr.opt[k].next)
			if (++seen > ifr.nopt)
				abort();	/* an option list that loops */
		(void)ifr_question_store(&ifr, &ifr.q[i]);
	}
	for (size_t f = 0; f < ifr.nform; f++) {
		size_t hops = 0;
		for (long a = (long)f; a >= 0; a = ifr.form[a].parent)
			if (++hops > ifr.nform)
				abort();	/* a form that is its own ancestor */
	}
	ifr_free(&ifr);

	/* a string package: the input as its bytes, header included */
	rd_init(&r, data, size, 0, &d);
	struct hii_strings h;
	if (hii_strings_parse(&r, &h) == 0) {
		char text[128];
		for (uint32_t id = 0; id <= h.count && id <= 0xFFFF; id++)
			if (hii_string(&h, (uint16_t)id, text, sizeof(text)) && strlen(text) >= sizeof(text))
				abort();
		hii_strings_free(&h);
	}
	check_diag(&d);

	/* the data section of a PE image */
	memset(buf, 0, 0x80);
	buf[0] = 'M';
	buf[1] = 'Z';
	buf[0x3C] = 0x40;
	memcpy(buf + 0x40, "PE\0\0", 4);
	memcpy(buf + 0x80, data, size);
	check_setup(buf, size + 0x80);
	free(buf);
	diag_free(&d);
	return 0;
}
