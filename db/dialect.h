/* The statements that differ between the servers the console meets, chosen
 * in one place from the version string the server sends at connect:
 * MariaDB (SHOW MASTER/SLAVE STATUS, MASTER_GTID_WAIT, @@gtid_binlog_pos),
 * MySQL before 8.0.22 (SHOW MASTER/SLAVE STATUS, STOP SLAVE), MySQL 8.0.22 to
 * 8.3 (SHOW REPLICA STATUS, STOP REPLICA; SHOW MASTER STATUS still there) and
 * MySQL 8.4 and later, where SHOW MASTER STATUS, SHOW SLAVE STATUS and STOP
 * SLAVE are gone (SHOW BINARY LOG STATUS). On MySQL the GTID position is
 * @@global.gtid_executed and "has the target reached it" is GTID_SUBSET,
 * which answers at once (WAIT_FOR_EXECUTED_GTID_SET would block). RDS for
 * MySQL and Aurora MySQL answer as MySQL. The replica status columns differ
 * too (Slave_IO_Running / Replica_IO_Running ...): callers read both names
 * with DbRow_either. */
#ifndef CUTOVER_DB_DIALECT_H
#define CUTOVER_DB_DIALECT_H

#include <stddef.h>

typedef enum { DIALECT_MARIADB = 0, DIALECT_MYSQL } DialectFlavor;

typedef struct Dialect {
    DialectFlavor flavor;
    int major, minor, patch;
    const char *binlog_status;  /* SHOW MASTER STATUS | SHOW BINARY LOG STATUS */
    const char *replica_status; /* SHOW SLAVE STATUS | SHOW REPLICA STATUS */
    const char *stop_replica;   /* STOP SLAVE | STOP REPLICA */
    const char *start_replica;  /* START SLAVE | START REPLICA */
    const char *gtid_position;  /* SELECT of the server's executed GTID position */
} Dialect;

/* From a version string ("10.11.19-MariaDB-0+deb12u1-log", "8.4.3",
 * "5.5.5-10.6.16-MariaDB" as some proxies send it); an unreadable one is
 * taken as MariaDB 10.0 (the lab's statements) and returns -1. */
int Dialect_from_version(const char *version, Dialect *out);

/* A query answering 1 when this server has executed every transaction of
 * gtid (a position read on the source with the same dialect), 0 when not. */
void Dialect_gtid_reached_sql(const Dialect *d, const char *gtid, char *sql, size_t size);

/* "MariaDB 10.11.19", "MySQL 8.4.3": for messages. */
void Dialect_describe(const Dialect *d, char *out, size_t size);

#endif
