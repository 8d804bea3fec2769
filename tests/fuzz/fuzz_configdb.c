/* fuzz_configdb.c - pmxcfs config.db bytes: open (integrity check, load, pmxcfs's rules), list the
 * guests, dump, and when it is accepted, one VM write and re-validation, as install does.
 * The bytes go to a private scratch file (scratch_db.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pve/configdb.h"
#include "scratch_db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[128];
	scratch_write("config.db", data, size, path);
	struct diag d;
	struct configdb c;
	diag_init(&d);
	if (configdb_open(&c, path, true, &d) == 0) {
		if (configdb_validate(&c, &d) != 0)
			abort();	/* open already validated it */
		struct cdb_guest *g;
		int n = configdb_guests(&c, &g, &d);
		free(g);
		char *dump = configdb_dump_rows(&c);
		free(dump);
		configdb_clustered(&c);
		static const char conf[] = "name: fuzz\nvga: none\n";
		if (configdb_put_vm(&c, "pve", 100, conf, sizeof(conf) - 1, 1800000000, &d) == 0) {
			struct cdb_guest one;
			if (configdb_find_guest(&c, 100, &one, &d) != 1 || one.row->len != sizeof(conf) - 1 ||
			    memcmp(one.row->data, conf, one.row->len) != 0)
				abort();	/* what was written reads back */
			if (configdb_delete_vm(&c, 100, 1800000001, &d) != 1)
				abort();
		}
		(void)n;
		configdb_close(&c);
	}
	diag_free(&d);
	scratch_cleanup(path);
	return 0;
}
