#include "db/dialect.h"

#include <stdio.h>
#include <string.h>

static void Dialect_mariadb(Dialect *d)
{
    d->flavor = DIALECT_MARIADB;
    d->binlog_status = "SHOW MASTER STATUS";
    d->replica_status = "SHOW SLAVE STATUS";
    d->stop_replica = "STOP SLAVE";
    d->start_replica = "START SLAVE";
    d->gtid_position = "SELECT @@global.gtid_binlog_pos";
}

static int Dialect_at_least(const Dialect *d, int major, int minor, int patch)
{
    if (d->major != major)
        return d->major > major;
    if (d->minor != minor)
        return d->minor > minor;
    return d->patch >= patch;
}

static void Dialect_mysql(Dialect *d)
{
    int replica_words = Dialect_at_least(d, 8, 0, 22);
    d->flavor = DIALECT_MYSQL;
    d->binlog_status =
        Dialect_at_least(d, 8, 2, 0) ? "SHOW BINARY LOG STATUS" : "SHOW MASTER STATUS";
    d->replica_status = replica_words ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS";
    d->stop_replica = replica_words ? "STOP REPLICA" : "STOP SLAVE";
    d->start_replica = replica_words ? "START REPLICA" : "START SLAVE";
    d->gtid_position = "SELECT @@global.gtid_executed";
}

int Dialect_from_version(const char *version, Dialect *out)
{
    memset(out, 0, sizeof *out);
    const char *v = version ? version : "";
    /* "5.5.5-10.6.16-MariaDB": the real version follows the 5.5.5 prefix
     * that old replication protocol versions demand. */
    if (strncmp(v, "5.5.5-", 6) == 0 && strstr(v, "MariaDB"))
        v += 6;
    int n = sscanf(v, "%d.%d.%d", &out->major, &out->minor, &out->patch);
    if (strstr(v, "MariaDB") || n < 2) {
        Dialect_mariadb(out);
        if (n < 2) {
            out->major = 10;
            out->minor = out->patch = 0;
            return -1;
        }
        return 0;
    }
    Dialect_mysql(out);
    return 0;
}

void Dialect_gtid_reached_sql(const Dialect *d, const char *gtid, char *sql, size_t size)
{
    if (d->flavor == DIALECT_MYSQL)
        snprintf(sql, size, "SELECT GTID_SUBSET('%s', @@global.gtid_executed)", gtid);
    else
        snprintf(sql, size, "SELECT MASTER_GTID_WAIT('%s', 0) = 0", gtid);
}

void Dialect_describe(const Dialect *d, char *out, size_t size)
{
    snprintf(out, size, "%s %d.%d.%d", d->flavor == DIALECT_MYSQL ? "MySQL" : "MariaDB", d->major,
             d->minor, d->patch);
}
