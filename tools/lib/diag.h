/* diag.h - findings and errors collected by parsers; main.c decides how to show them */
#ifndef IGDKIT_DIAG_H
#define IGDKIT_DIAG_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

enum diag_level { DIAG_ERROR, DIAG_WARN, DIAG_NOTE };

#define DIAG_NO_OFFSET UINT64_MAX
#define DIAG_MSG_MAX 240

struct diag_entry {
	enum diag_level level;
	uint64_t off;			/* absolute offset in the input, or DIAG_NO_OFFSET */
	char msg[DIAG_MSG_MAX];
};

/*
 * A bounded list: a hostile input can produce at most `max` entries (the rest
 * are counted in `dropped`), so reporting never costs unbounded memory.
 */
struct diag {
	struct diag_entry *v;
	size_t n, cap, max;
	size_t dropped;
	size_t errors;
};

void diag_init(struct diag *d);
void diag_free(struct diag *d);
void diag_clear(struct diag *d);

/* Each returns -1 so a parser can write `return diag_err(d, off, ...)`. d may be NULL. */
int diag_err(struct diag *d, uint64_t off, const char *fmt, ...) PRINTF_LIKE(3, 4);
int diag_warn(struct diag *d, uint64_t off, const char *fmt, ...) PRINTF_LIKE(3, 4);
int diag_note(struct diag *d, uint64_t off, const char *fmt, ...) PRINTF_LIKE(3, 4);

/* The newest error message, or "" (handy in tests and one-line reports). */
const char *diag_last(const struct diag *d);
/* "0x7f0030: FV HeaderLength: need 4 bytes, 2 left" (no offset prefix when unknown). */
void diag_format(const struct diag_entry *e, char *buf, size_t len);
const char *diag_level_name(enum diag_level l);

#endif
