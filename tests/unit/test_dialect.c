/* The statements by server version: version strings as the servers send
 * them at connect (MariaDB from Debian, RDS for MySQL 8.0 before and after
 * 8.0.22, 8.4, a 5.5.5- prefixed MariaDB behind a proxy, something
 * unreadable). No MySQL server exists in Debian, so these are the documented
 * version strings and statement names, not recorded sessions. */
#include <check.h>
#include <string.h>

#include "db/dialect.h"
#include "tests/unit/unit.h"

START_TEST(mariadb_keeps_its_words)
{
    Dialect d;
    ck_assert_int_eq(Dialect_from_version("10.11.19-MariaDB-0+deb12u1-log", &d), 0);
    ck_assert_int_eq(d.flavor, DIALECT_MARIADB);
    ck_assert_str_eq(d.binlog_status, "SHOW MASTER STATUS");
    ck_assert_str_eq(d.replica_status, "SHOW SLAVE STATUS");
    ck_assert_str_eq(d.stop_replica, "STOP SLAVE");
    ck_assert_str_eq(d.gtid_position, "SELECT @@global.gtid_binlog_pos");
    char sql[200];
    Dialect_gtid_reached_sql(&d, "0-1-42", sql, sizeof sql);
    ck_assert_str_eq(sql, "SELECT MASTER_GTID_WAIT('0-1-42', 0) = 0");
    ck_assert_int_eq(Dialect_from_version("5.5.5-10.6.16-MariaDB-log", &d), 0);
    ck_assert_int_eq(d.flavor, DIALECT_MARIADB);
    ck_assert_int_eq(d.major, 10);
    ck_assert_int_eq(d.minor, 6);
}
END_TEST

START_TEST(mysql_by_version)
{
    Dialect d;
    char sql[200], what[64];
    ck_assert_int_eq(Dialect_from_version("8.0.21", &d), 0);
    ck_assert_str_eq(d.replica_status, "SHOW SLAVE STATUS");
    ck_assert_str_eq(d.stop_replica, "STOP SLAVE");
    ck_assert_str_eq(d.binlog_status, "SHOW MASTER STATUS");
    ck_assert_int_eq(Dialect_from_version("8.0.36", &d), 0);
    ck_assert_str_eq(d.replica_status, "SHOW REPLICA STATUS");
    ck_assert_str_eq(d.stop_replica, "STOP REPLICA");
    ck_assert_str_eq(d.start_replica, "START REPLICA");
    ck_assert_str_eq(d.binlog_status, "SHOW MASTER STATUS");
    ck_assert_int_eq(Dialect_from_version("8.4.3", &d), 0);
    ck_assert_int_eq(d.flavor, DIALECT_MYSQL);
    ck_assert_str_eq(d.binlog_status, "SHOW BINARY LOG STATUS");
    ck_assert_str_eq(d.replica_status, "SHOW REPLICA STATUS");
    ck_assert_str_eq(d.gtid_position, "SELECT @@global.gtid_executed");
    Dialect_gtid_reached_sql(&d, "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5", sql, sizeof sql);
    ck_assert_str_eq(sql, "SELECT GTID_SUBSET('3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5', "
                          "@@global.gtid_executed)");
    Dialect_describe(&d, what, sizeof what);
    ck_assert_str_eq(what, "MySQL 8.4.3");
    ck_assert_int_eq(Dialect_from_version("9.1.0", &d), 0);
    ck_assert_str_eq(d.binlog_status, "SHOW BINARY LOG STATUS");
}
END_TEST

START_TEST(unreadable_version_says_so)
{
    Dialect d;
    ck_assert_int_eq(Dialect_from_version("garbage", &d), -1);
    ck_assert_int_eq(d.flavor, DIALECT_MARIADB);
    ck_assert_int_eq(Dialect_from_version(NULL, &d), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("dialect");
    TCase *tc = tcase_create("versions");
    tcase_add_test(tc, mariadb_keeps_its_words);
    tcase_add_test(tc, mysql_by_version);
    tcase_add_test(tc, unreadable_version_says_so);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
