/* MySQL option files (my.cnf) read by MariaDB Connector/C itself, so a
 * plan's server settings mean what they mean to every other client on the
 * machine: the same files, groups, quoting, escapes and !include. A plan
 * names a file ("--defaults-file" semantics: only that file) or none (the
 * library's default files: /etc/my.cnf, /etc/mysql/my.cnf, $MARIADB_HOME,
 * ~/.my.cnf), and a group read after [client], [client-server] and
 * [client-mariadb]. */
#ifndef CUTOVER_PLAN_OPTION_FILE_H
#define CUTOVER_PLAN_OPTION_FILE_H

#include <stdbool.h>
#include <stddef.h>

enum { OPTION_TEXT_MAX = 512 };

/* What the files said; "" (or 0, false) for what they did not. */
typedef struct OptionValues {
    char host[256];
    unsigned port;
    char socket[OPTION_TEXT_MAX];
    char user[256];
    char password[OPTION_TEXT_MAX];
    char ssl_ca[OPTION_TEXT_MAX], ssl_cert[OPTION_TEXT_MAX], ssl_key[OPTION_TEXT_MAX];
    bool ssl_enforce;       /* ssl-enforce / tls-enforce */
    bool ssl_verify_server; /* ssl-verify-server-cert / tls-verify-peer */
} OptionValues;

/* Reads file (NULL: the default files) for group (NULL: [client] and its
 * kin only). A named file must exist, be a regular file and be writable by
 * its owner only (as the MySQL client insists); so must every default file
 * that exists. 0 on success; -1 with err naming the file and what is wrong.
 * The password, when the files hold one, is registered with lib/redact. */
int OptionFile_read(const char *file, const char *group, OptionValues *out, char *err,
                    size_t errsize);

/* "/x/my.cnf [source]" or "the default option files [source]": safe to show. */
void OptionFile_describe(const char *file, const char *group, char *out, size_t size);

/* Wipes the password. */
void OptionValues_clear(OptionValues *v);

#endif
