/* vmconf.h - a qemu-server VM config (/etc/pve/qemu-server/VMID.conf), edited in place
 *
 * The text is kept line by line: comments (the VM description), key order,
 * snapshot sections ([name]), [PENDING] and anything igdkit does not know stay
 * byte-identical. Only the main section (before the first "[...]" line) is edited.
 */
#ifndef IGDKIT_INSTALL_VMCONF_H
#define IGDKIT_INSTALL_VMCONF_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/diag.h"

struct vmconf {
	char **lines;		/* without the newline */
	size_t n, cap;
	size_t main_end;	/* index of the first section header, or n */
	int final_newline;	/* the text ended with '\n' */
};

int vmconf_parse(struct vmconf *c, const char *text, size_t len, struct diag *d);
void vmconf_free(struct vmconf *c);
/* Value of key in the main section (after "key: "), or NULL. */
const char *vmconf_get(const struct vmconf *c, const char *key);
/*
 * Sets key to value in the main section: replaces the line in place, or inserts
 * it where qemu-server's sorted order puts it (after the description comments).
 */
int vmconf_set(struct vmconf *c, const char *key, const char *value);
/* Removes key from the main section; 0 whether or not it was there. */
int vmconf_delete(struct vmconf *c, const char *key);
/* The text; allocated, NUL-terminated, length in *len. */
char *vmconf_format(const struct vmconf *c, size_t *len);

enum vmconf_hostpci {
	VMCONF_HOSTPCI_OTHER,	/* some other host device (or not readable as a hostpci value) */
	VMCONF_HOSTPCI_IGD,	/* host 00:02.0, or the whole slot 00:02 */
	VMCONF_HOSTPCI_MAPPING,	/* mapping=ID: the device is in /etc/pve/mapping/pci.cfg */
};

/*
 * What a hostpciN value passes through, read as qemu-server's hostpci format reads it: a
 * property string whose default key is host (host=LIST or a bare LIST, at any position),
 * LIST being ';'-separated [domain:]bus:dev[.fn] with no function meaning every function
 * of the slot. qemu-server refuses to start a VM that names one device in two hostpciN
 * entries, so every spelling of 00:02.0 has to be found, not just igdkit's own.
 */
enum vmconf_hostpci vmconf_hostpci_kind(const char *value);
/* One [domain:]bus:dev[.fn] of a host list (n bytes): is it 00:02.0, or all of slot 00:02? */
bool vmconf_pci_id_is_igd(const char *s, size_t n);
/* The ID of a mapping=ID hostpci value (a pointer into value, its length in *len); NULL if none. */
const char *vmconf_hostpci_mapping(const char *value, size_t *len);

#endif
