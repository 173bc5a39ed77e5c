#include "plan/option_file.h"

#include <arpa/inet.h>
#include <errno.h>
#include <mysql.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/redact.h"

void OptionFile_describe(const char *file, const char *group, char *out, size_t size)
{
    snprintf(out, size, "%s [%s]", file ? file : "the default option files",
             group ? group : "client");
}

void OptionValues_clear(OptionValues *v)
{
    explicit_bzero(v->password, sizeof v->password);
}

/* The MySQL client ignores an option file anyone can write; we refuse it,
 * since whoever wrote it would choose where the password goes. */
static int OptionFile_check_mode(const char *path, bool must_exist, char *err, size_t errsize)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (!must_exist && errno == ENOENT)
            return 0;
        snprintf(err, errsize, "%s: cannot read the option file: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errsize, "%s: not a regular file; expected a MySQL option file", path);
        return -1;
    }
    if (st.st_mode & S_IWOTH) {
        snprintf(err, errsize,
                 "%s: anyone can write this option file; expected it writable by its owner only "
                 "(chmod 600)",
                 path);
        return -1;
    }
    if (must_exist && access(path, R_OK) != 0) {
        snprintf(err, errsize, "%s: cannot read the option file: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* The files Connector/C reads when no file is named (ma_default.c). */
static int OptionFile_check_defaults(char *err, size_t errsize)
{
    const char *home = getenv("MARIADB_HOME") ? getenv("MARIADB_HOME") : getenv("MYSQL_HOME");
    char path[3][4096];
    snprintf(path[0], sizeof path[0], "%s/my.cnf", home ? home : "/etc");
    snprintf(path[1], sizeof path[1], "%s/.my.cnf", getenv("HOME") ? getenv("HOME") : "/");
    snprintf(path[2], sizeof path[2], "/etc/mysql/my.cnf");
    const char *fixed[] = {"/etc/my.cnf", path[0], path[1], path[2]};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (OptionFile_check_mode(fixed[i], false, err, errsize) != 0)
            return -1;
    return 0;
}

/* A loopback port held bound and never listening: a connection to it is
 * refused at once, so nothing is reached. */
static int OptionFile_closed_port(int *fd, unsigned *port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    *fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (*fd >= 0 && bind(*fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(*fd, (struct sockaddr *)&a, &len) == 0) {
        *port = ntohs(a.sin_port);
        return 0;
    }
    if (*fd >= 0)
        close(*fd);
    return -1;
}

/* Connector/C reads option files only as it connects (mysql_real_connect)
 * and has no call that reads them alone. So it is let read them on a
 * connection to a loopback port we hold closed: the attempt is refused
 * before a byte is sent, and CLIENT_REMEMBER_OPTIONS keeps what it read. */
static MYSQL *OptionFile_load(const char *file, const char *group, char *err, size_t errsize)
{
    int fd;
    unsigned port;
    MYSQL *m = mysql_init(NULL);
    if (!m || OptionFile_closed_port(&fd, &port) != 0) {
        snprintf(err, errsize, "cannot read option files: %s",
                 m ? strerror(errno) : "out of memory");
        if (m)
            mysql_close(m);
        return NULL;
    }
    unsigned tcp = MYSQL_PROTOCOL_TCP, timeout = 1;
    mysql_optionsv(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    if (file)
        mysql_optionsv(m, MYSQL_READ_DEFAULT_FILE, file);
    mysql_optionsv(m, MYSQL_READ_DEFAULT_GROUP, group ? group : "client");
    mysql_optionsv(m, MYSQL_OPT_PROTOCOL, &tcp);
    if (mysql_real_connect(m, "127.0.0.1", NULL, NULL, NULL, port, NULL, CLIENT_REMEMBER_OPTIONS)) {
        /* Cannot happen: nothing listens on that port. */
        snprintf(err, errsize, "reading option files reached a server on 127.0.0.1:%u", port);
        mysql_close(m);
        m = NULL;
    }
    close(fd);
    return m;
}

static bool OptionFile_copy(char *out, size_t size, const char *value, const char *what,
                            const char *where, char *err, size_t errsize)
{
    if (!value)
        return true;
    if (strlen(value) < size) {
        memcpy(out, value, strlen(value) + 1);
        return true;
    }
    snprintf(err, errsize, "%s: the %s is longer than %zu bytes", where, what, size - 1);
    return false;
}

/* A switch the files turned on: set on m and not on fresh, a handle that
 * read none (the library's own default can be either). */
static bool OptionFile_flag(MYSQL *m, MYSQL *fresh, enum mysql_option option)
{
    my_bool set = 0, plain = 0;
    mysql_get_optionv(m, option, &set);
    if (fresh)
        mysql_get_optionv(fresh, option, &plain);
    return set && !plain;
}

static int OptionFile_take(MYSQL *m, const char *where, OptionValues *out, char *err,
                           size_t errsize)
{
    const struct st_mysql_options *o = &m->options;
    MYSQL *fresh = mysql_init(NULL);
    out->port = o->port;
    out->ssl_enforce = OptionFile_flag(m, fresh, MYSQL_OPT_SSL_ENFORCE);
    out->ssl_verify_server = OptionFile_flag(m, fresh, MYSQL_OPT_SSL_VERIFY_SERVER_CERT);
    if (fresh)
        mysql_close(fresh);
    bool ok = OptionFile_copy(out->host, sizeof out->host, o->host, "host", where, err, errsize) &&
              OptionFile_copy(out->socket, sizeof out->socket, o->unix_socket, "socket", where, err,
                              errsize) &&
              OptionFile_copy(out->user, sizeof out->user, o->user, "user", where, err, errsize) &&
              OptionFile_copy(out->password, sizeof out->password, o->password, "password", where,
                              err, errsize) &&
              OptionFile_copy(out->ssl_ca, sizeof out->ssl_ca, o->ssl_ca, "ssl-ca", where, err,
                              errsize) &&
              OptionFile_copy(out->ssl_cert, sizeof out->ssl_cert, o->ssl_cert, "ssl-cert", where,
                              err, errsize) &&
              OptionFile_copy(out->ssl_key, sizeof out->ssl_key, o->ssl_key, "ssl-key", where, err,
                              errsize);
    if (o->password)
        explicit_bzero(o->password, strlen(o->password));
    return ok ? 0 : -1;
}

int OptionFile_read(const char *file, const char *group, OptionValues *out, char *err,
                    size_t errsize)
{
    char where[600];
    memset(out, 0, sizeof *out);
    OptionFile_describe(file, group, where, sizeof where);
    if (file ? OptionFile_check_mode(file, true, err, errsize) != 0
             : OptionFile_check_defaults(err, errsize) != 0)
        return -1;
    MYSQL *m = OptionFile_load(file, group, err, errsize);
    if (!m)
        return -1;
    int rc = OptionFile_take(m, where, out, err, errsize);
    mysql_close(m);
    if (rc != 0)
        OptionValues_clear(out);
    else if (out->password[0])
        Redact_register(out->password);
    return rc;
}
