/* tests for tools/pve/configdb.c against a config.db written by the real pmxcfs */
#include "pvefixture.h"
#include "pve/configdb.h"
#include "lib/sha256.h"

#include <sys/resource.h>
#include <unistd.h>

/* Expected rows from pve-configdb/SOURCE.md (inode|parent|version|writer|type|name|length). */
static const char fixture_rows[] =
	"0|0|36|0|8|__version__|\n"
	"2|0|2|0|4|priv|\n"
	"3|0|3|0|4|nodes|\n"
	"4|3|4|0|4|pve|\n"
	"5|4|5|0|4|lxc|\n"
	"6|4|6|0|4|qemu-server|\n"
	"7|4|7|0|4|openvz|\n"
	"8|4|8|0|4|priv|\n"
	"9|0|12|0|8|user.cfg|38\n"
	"13|0|15|0|8|datacenter.cfg|16\n"
	"16|2|16|0|4|lock|\n"
	"18|0|20|0|8|storage.cfg|128\n"
	"28|6|30|0|8|101.conf|897\n"
	"33|6|35|0|8|100.conf|484\n";

static char *copy_db(char **dir)
{
	*dir = make_tmpdir();
	char *p = malloc(4200);
	snprintf(p, 4200, "%s/config.db", *dir);
	sh("cp '%s' '%s' && chmod 600 '%s'", fixture_path("pve-configdb/config.db"), p, p);
	return p;
}

static char *rows_of(const char *db)
{
	char cmd[4400];
	snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'select inode,parent,version,writer,type,name,length(data) from tree order by inode'", db);
	return sh_capture(cmd);
}

static void test_open_fixture(void **state)
{
	(void)state;
	char *dir, *db = copy_db(&dir);
	struct configdb c;
	struct diag d;
	diag_init(&d);
	assert_int_equal(configdb_open(&c, db, false, &d), 0);
	assert_int_equal(c.nrows, 14);
	assert_int_equal(c.counter, 36);
	assert_false(configdb_clustered(&c));
	struct cdb_guest *g;
	assert_int_equal(configdb_guests(&c, &g, &d), 2);
	assert_int_equal(g[0].vmid, 100);
	assert_int_equal(g[1].vmid, 101);
	assert_string_equal(g[0].node, "pve");
	assert_string_equal(g[0].kind, "qemu-server");
	assert_int_equal(g[0].row->inode, 33);
	assert_int_equal(g[0].row->len, 484);
	free(g);
	configdb_close(&c);
	char *rows = rows_of(db);
	assert_string_equal(rows, fixture_rows);
	free(rows);
	diag_free(&d);
	rm_tmpdir(dir);
	free(db);
}

static void test_update_existing_vm(void **state)
{
	(void)state;
	char *dir, *db = copy_db(&dir);
	struct configdb c;
	struct diag d;
	diag_init(&d);
	assert_int_equal(configdb_open(&c, db, true, &d), 0);
	const char conf[] = "memory: 4096\nvga: none\n";
	assert_int_equal(configdb_put_vm(&c, "pve", 100, conf, strlen(conf), 1800000000, &d), 0);
	configdb_close(&c);
	/* pmxcfs's rules: same inode, version = old counter + 1, __version__ follows. */
	char *rows = rows_of(db);
	char want[sizeof(fixture_rows) + 64];
	snprintf(want, sizeof(want), "%s", fixture_rows);
	char *v = strstr(want, "0|0|36|");
	memcpy(v, "0|0|37|", 7);
	v = strstr(want, "33|6|35|0|8|100.conf|484");
	memcpy(v, "33|6|37|0|8|100.conf|23\n", 25);
	assert_string_equal(rows, want);
	free(rows);
	assert_sh_prints("1800000000\n1800000000\nblob|memory: 4096\nvga: none\n\nwal\nok\n",
			 "sqlite3 '%s' \"select mtime from tree where inode in (0,33); select typeof(data), data from tree where inode=33;"
			 " pragma journal_mode; pragma integrity_check\"", db);
	/* the WAL was checkpointed and removed on close */
	char wal[4200];
	snprintf(wal, sizeof(wal), "%s-wal", db);
	assert_int_not_equal(access(wal, F_OK), 0);
	diag_free(&d);
	rm_tmpdir(dir);
	free(db);
}

static void test_new_vm_and_missing_dirs(void **state)
{
	(void)state;
	char *dir, *db = copy_db(&dir);
	struct configdb c;
	struct diag d;
	diag_init(&d);
	assert_int_equal(configdb_open(&c, db, true, &d), 0);
	assert_int_equal(configdb_put_vm(&c, "pve", 102, "name: x\n", 8, 1800000001, &d), 0);
	configdb_close(&c);
	char *rows = rows_of(db);
	assert_non_null(strstr(rows, "0|0|37|0|8|__version__|\n"));
	assert_non_null(strstr(rows, "37|6|37|0|8|102.conf|8\n"));
	free(rows);

	/* a never-booted install: no nodes/ tree yet -> nodes, pve, qemu-server, file = 4 bumps */
	sh("sqlite3 '%s' 'delete from tree where inode in (3,4,5,6,7,8,28,33,37)'", db);
	assert_int_equal(configdb_open(&c, db, true, &d), 0);
	assert_int_equal(configdb_put_vm(&c, "pve", 100, "name: y\n", 8, 1800000002, &d), 0);
	configdb_close(&c);
	rows = rows_of(db);
	assert_string_equal(rows, "0|0|41|0|8|__version__|\n2|0|2|0|4|priv|\n9|0|12|0|8|user.cfg|38\n13|0|15|0|8|datacenter.cfg|16\n"
				  "16|2|16|0|4|lock|\n18|0|20|0|8|storage.cfg|128\n38|0|38|0|4|nodes|\n39|38|39|0|4|pve|\n"
				  "40|39|40|0|4|qemu-server|\n41|40|41|0|8|100.conf|8\n");
	free(rows);
	assert_sh_prints("0\n", "sqlite3 '%s' \"select count(*) from tree where type=4 and data is not null\"", db);
	diag_free(&d);
	rm_tmpdir(dir);
	free(db);
}

/* Each corruption is one pmxcfs refuses (or would destroy data with); open must fail. */
static void test_refuses_broken_dbs(void **state)
{
	(void)state;
	static const struct {
		const char *sql, *msg;
	} cases[] = {
		{ "update tree set version=37 where inode=0; insert into tree values (37,5,37,0,1,8,'100.conf',x'00')", "VMID 100 exists twice" },
		{ "update tree set data=x'41' where inode=6", "carries data" },
		{ "update tree set version=37 where inode=0; insert into tree values (37,99,37,0,1,8,'x.cfg',x'00')", "does not exist" },
		{ "update tree set version=37 where inode=0; insert into tree values (37,9,37,0,1,8,'x.cfg',x'00')", "not a directory" },
		{ "update tree set version=20 where inode=0", "above __version__" },
		{ "delete from tree where inode=0", "no __version__" },
		{ "update tree set version=37 where inode=0; insert into tree values (37,0,37,0,1,8,'user.cfg',x'00')", "two entries named user.cfg" },
		{ "update tree set type=5 where inode=9", "accepts only 4 and 8" },
		{ "update tree set name='' where inode=9", "empty name" },
		{ "update tree set parent=16 where inode=2", "parent loop" },
		{ "update tree set name='x' where inode=0", "requires __version__" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *dir, *db = copy_db(&dir);
		sh("sqlite3 '%s' \"%s\"", db, cases[i].sql);
		char before[65], after[65];
		assert_int_equal(sha256_file_hex(db, before), 0);
		struct configdb c;
		struct diag d;
		diag_init(&d);
		assert_int_equal(configdb_open(&c, db, true, &d), -1);
		if (!strstr(diag_last(&d), cases[i].msg) && !(d.n && strstr(d.v[0].msg, cases[i].msg)))
			fail_msg("case %zu: '%s' not in '%s'", i, cases[i].msg, diag_last(&d));
		assert_int_equal(sha256_file_hex(db, after), 0);
		assert_string_equal(before, after);
		diag_free(&d);
		rm_tmpdir(dir);
		free(db);
	}
}

static void test_refuses_vmid_of_container(void **state)
{
	(void)state;
	char *dir, *db = copy_db(&dir);
	sh("sqlite3 '%s' \"update tree set version=37 where inode=0; insert into tree values (37,5,37,0,1,8,'105.conf',x'00')\"", db);
	struct configdb c;
	struct diag d;
	diag_init(&d);
	assert_int_equal(configdb_open(&c, db, true, &d), 0);
	assert_int_equal(configdb_put_vm(&c, "pve", 105, "x\n", 2, 1, &d), -1);
	assert_non_null(strstr(diag_last(&d), "already belongs to nodes/pve/lxc"));
	assert_int_equal(configdb_put_vm(&c, "bad_name", 106, "x\n", 2, 1, &d), -1);
	assert_int_equal(configdb_put_vm(&c, "pve", 99, "x\n", 2, 1, &d), -1);
	configdb_close(&c);
	diag_free(&d);
	rm_tmpdir(dir);
	free(db);
}

static void test_fault_before_commit_changes_nothing(void **state)
{
	(void)state;
	static const char *const points[] = { "configdb.commit", "configdb.insert" };
	for (int k = 0; k < 2; k++) {
		char *dir, *db = copy_db(&dir);
		char cmd[4400];
		snprintf(cmd, sizeof(cmd), "sqlite3 '%s' .dump", db);
		char *before = sh_capture(cmd);
		struct configdb c;
		struct diag d;
		diag_init(&d);
		assert_int_equal(configdb_open(&c, db, true, &d), 0);
		setenv("IGDKIT_FAULT", points[k], 1);
		assert_int_equal(configdb_put_vm(&c, "pve", 102, "name: x\n", 8, 5, &d), -1);
		unsetenv("IGDKIT_FAULT");
		configdb_close(&c);
		char *after = sh_capture(cmd);
		assert_string_equal(before, after);
		free(before);
		free(after);
		diag_free(&d);
		rm_tmpdir(dir);
		free(db);
	}
}

/* config.db is untrusted bytes: a schema pmxcfs never makes (a view named tree that never ends,
 * a trigger that would run on our write, an index, a table without the inode key holding one
 * inode twice) is refused quickly, before any write; a CHECK that would build a 500 MB string
 * costs no memory. The DBs
 * are made with the sqlite3 tool. */
static void test_refuses_hostile_schemas(void **state)
{
	(void)state;
	static const char cols[] = "parent INTEGER NOT NULL, version INTEGER NOT NULL, writer INTEGER NOT NULL, "
				   "mtime INTEGER NOT NULL, type INTEGER NOT NULL, name TEXT NOT NULL, data BLOB";
	char sql[6][1024];
	snprintf(sql[0], sizeof(sql[0]),
		 "CREATE VIEW tree AS WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x+1 FROM c) SELECT x AS inode, 0 AS parent, "
		 "x AS version, 0 AS writer, 0 AS mtime, 8 AS type, 'f'||x AS name, NULL AS data FROM c;");
	snprintf(sql[1], sizeof(sql[1]), "CREATE TABLE log(x); CREATE TRIGGER t AFTER UPDATE ON tree BEGIN INSERT INTO log VALUES (1); END;");
	snprintf(sql[2], sizeof(sql[2]), "CREATE INDEX byname ON tree(name);");
	snprintf(sql[3], sizeof(sql[3]),
		 "CREATE TABLE tree (inode INTEGER PRIMARY KEY NOT NULL, parent INTEGER NOT NULL CHECK(length(printf('%%.*c', 500000000, 'x')) > 0), "
		 "version INTEGER NOT NULL, writer INTEGER NOT NULL, mtime INTEGER NOT NULL, type INTEGER NOT NULL, name TEXT NOT NULL, data BLOB); "
		 "PRAGMA ignore_check_constraints=1; INSERT INTO tree VALUES (0,0,1,0,0,8,'__version__',NULL);");
	snprintf(sql[4], sizeof(sql[4]),
		 "CREATE TABLE tree (inode INTEGER NOT NULL, %s); INSERT INTO tree VALUES (0,0,9,0,0,8,'__version__',NULL),"
		 "(5,0,5,0,0,8,'a.cfg',x'31'),(5,0,6,0,0,8,'b.cfg',x'32');", cols);
	snprintf(sql[5], sizeof(sql[5]), "CREATE TABLE other (x);");
	static const char *const want[] = { "schema has view 'tree'", "schema has table 'log'", "schema has index 'byname'",
					    NULL, "inode 5 appears twice", "schema has table 'other'" };
	/* on the fixture's DB (1, 2, 5) or a fresh file (0, 3, 4) */
	static const bool on_fixture[] = { false, true, true, false, false, true };
	for (int i = 0; i < 6; i++) {
		char *dir = make_tmpdir();
		char db[4200];
		snprintf(db, sizeof(db), "%s/config.db", dir);
		if (on_fixture[i])
			sh("cp '%s' '%s' && chmod 600 '%s'", fixture_path("pve-configdb/config.db"), db, db);
		sh("sqlite3 '%s' \"%s\"", db, sql[i]);
		char sha[65], sha2[65];
		assert_int_equal(sha256_file_hex(db, sha), 0);
		struct configdb c;
		struct diag d;
		diag_init(&d);
		alarm(30);	/* the view never ends: without the schema check this would hang */
		int rc = configdb_open(&c, db, true, &d);
		alarm(0);
		if (!want[i]) {
			/* SQLite evaluates the CHECK in integrity_check: with values capped at 2 MiB the
			 * 500 MB string is never built (the DB itself is acceptable to pmxcfs's rules) */
			struct rusage ru;
			assert_int_equal(getrusage(RUSAGE_SELF, &ru), 0);
			if (ru.ru_maxrss > 300 * 1024)
				fail_msg("case %d: peak memory %ld KiB", i, ru.ru_maxrss);
			assert_int_equal(rc, 0);
			configdb_close(&c);
		} else if (rc != -1)
			fail_msg("case %d: opened", i);
		else if (!strstr(diag_last(&d), want[i]))
			fail_msg("case %d: '%s' does not say '%s'", i, diag_last(&d), want[i]);
		assert_int_equal(sha256_file_hex(db, sha2), 0);
		assert_string_equal(sha, sha2);
		diag_free(&d);
		rm_tmpdir(dir);
	}
}

UNIT_MAIN(NULL, NULL, cmocka_unit_test(test_open_fixture), cmocka_unit_test(test_update_existing_vm),
	  cmocka_unit_test(test_new_vm_and_missing_dirs), cmocka_unit_test(test_refuses_broken_dbs),
	  cmocka_unit_test(test_refuses_vmid_of_container), cmocka_unit_test(test_fault_before_commit_changes_nothing),
	  cmocka_unit_test(test_refuses_hostile_schemas))
