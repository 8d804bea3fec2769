/* manifest.h - the record of one run: every entry written, its backup and hashes, so it can be undone */
#ifndef IGDKIT_CHANGE_MANIFEST_H
#define IGDKIT_CHANGE_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/diag.h"
#include "plan/changes.h"

#define INST_BACKUP_DIR "/var/lib/igdkit/backup"

enum manifest_state { MAN_PENDING, MAN_APPLIED, MAN_ROLLED_BACK, MAN_UNDONE };

struct manifest_entry {
	char kind[16];			/* file, symlink, configdb, sidecar, dir */
	char path[512];
	bool existed;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	char sha_before[65], sha_after[65];	/* "-" none / unknown */
	char backup[64];		/* name inside the backup folder, or "-" */
};

struct manifest {
	char id[64];
	enum manifest_state state;
	int64_t created;
	char rebuild[64];		/* "initramfs grub pbt" words */
	char summary[400];
	unsigned vmid;			/* VM whose config.db row was written (0: none) */
	char node[64];
	struct manifest_entry e[INST_MAX_CHANGES * 4];
	size_t n;
};

const char *manifest_state_name(enum manifest_state s);
/* Writes ROOT/var/lib/igdkit/backup/ID/manifest atomically (and a copy to $stick/logs). */
int manifest_save(const char *root, const struct manifest *m, const char *stick, struct diag *d);
int manifest_load(const char *root, const char *id, struct manifest *m, struct diag *d);
/* IDs of every run, oldest first (allocated array of allocated strings). */
int manifest_list(const char *root, char ***ids, size_t *n, struct diag *d);
void manifest_list_free(char **ids, size_t n);
/* "-" for a missing file. */
int manifest_sha_of(const char *path, bool symlink, char out[65]);

#endif
