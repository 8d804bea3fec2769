/* libload.c - dlopen with the stick's second part unpacked on demand */
#include "host/libload.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXTRA_UNPACKER "/usr/libexec/igdkit-extra"

void *libload_open(const char *soname, char *why, size_t len)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h && access(EXTRA_UNPACKER, X_OK) == 0) {
		/* the stick: the library comes with the initrd's second part */
		int st = system(EXTRA_UNPACKER " >/dev/null 2>&1");
		if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)
			h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	}
	if (!h)
		snprintf(why, len, "%s is not available here (%s)%s", soname, dlerror(),
			 access(EXTRA_UNPACKER, X_OK) == 0 ? ": keep the IGDKIT stick plugged in, it carries it" : "");
	return h;
}

bool libload_resolve(void *h, const struct libload_sym *syms, size_t n, void *api, const char *soname, char *why,
		     size_t len)
{
	for (size_t i = 0; i < n; i++) {
		void *p = dlsym(h, syms[i].name);
		if (!p) {
			snprintf(why, len, "this %s lacks %s", soname, syms[i].name);
			return false;
		}
		/* POSIX guarantees that dlsym's object pointers convert to function pointers; every
		 * member of the table is a function pointer of the same size. */
		memcpy((char *)api + syms[i].off, &p, sizeof(p));
	}
	return true;
}
