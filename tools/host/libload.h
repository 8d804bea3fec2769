/* libload.h - shared libraries loaded when a command needs them, not at every start
 *
 * libsqlite3 (config.db: install, repair) and libflashrom (reading the flash) are megabytes most
 * runs never touch. igdkit loads them with dlopen; the stick carries them in the initrd's second
 * part, which /usr/libexec/igdkit-extra unpacks on first use, so its boot does not unpack them.
 */
#ifndef IGDKIT_HOST_LIBLOAD_H
#define IGDKIT_HOST_LIBLOAD_H

#include <stdbool.h>
#include <stddef.h>

/* One function of a library's API: its symbol and where its pointer goes in the caller's table
 * (a struct of function pointers only). */
struct libload_sym {
	const char *name;
	size_t off;
};

/* The entry for table member `member` of struct type `api`, whose symbol is prefix + member. */
#define LIBLOAD_SYM(prefix, api, member) { prefix #member, offsetof(api, member) }

/* dlopen(soname), unpacking the stick's second part first when the library is not there yet.
 * NULL with the reason (and, on the stick, what to do) in why. */
void *libload_open(const char *soname, char *why, size_t len);

/* Fills the table api from h; false with the missing symbol in why. */
bool libload_resolve(void *h, const struct libload_sym *syms, size_t n, void *api, const char *soname, char *why,
		     size_t len);

#endif
