#include "plan/secret.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/redact.h"

static pthread_mutex_t Secret_lock = PTHREAD_MUTEX_INITIALIZER;
static SecretAwsResolver Secret_aws_resolver;

void Secret_set_aws_resolver(SecretAwsResolver resolver)
{
    pthread_mutex_lock(&Secret_lock);
    Secret_aws_resolver = resolver;
    pthread_mutex_unlock(&Secret_lock);
}

void Secret_describe(const SecretRef *ref, char *out, size_t size)
{
    switch (ref->kind) {
    case SECRET_NONE: snprintf(out, size, "no password"); return;
    case SECRET_ENV: snprintf(out, size, "environment variable %s", ref->env); return;
    case SECRET_OPTION_FILE:
        snprintf(out, size, "option file %s [%s]", ref->file, ref->group);
        return;
    case SECRET_AWS_SECRET: snprintf(out, size, "AWS secret %s", ref->secret_id); return;
    }
    snprintf(out, size, "unknown password source");
}

static int Secret_copy(const char *value, const char *where, char *out, size_t outsize, char *err,
                       size_t errsize)
{
    size_t len = strlen(value);
    if (len >= outsize) {
        snprintf(err, errsize, "the password in %s is longer than %zu bytes", where, outsize - 1);
        return -1;
    }
    memcpy(out, value, len + 1);
    return 0;
}

static int Secret_from_env(const SecretRef *ref, char *out, size_t outsize, char *err,
                           size_t errsize)
{
    const char *value = getenv(ref->env);
    char where[160];
    snprintf(where, sizeof where, "environment variable %s", ref->env);
    if (!value || !*value) {
        snprintf(err, errsize, "environment variable %s is %s; expected the password in it",
                 ref->env, value ? "empty" : "not set");
        return -1;
    }
    return Secret_copy(value, where, out, outsize, err, errsize);
}

/* The value part of "password = value" in MySQL option file syntax: quotes
 * optional; \b \t \n \r \\ \s (space) escapes; an unquoted '#' starts a
 * comment. Works in place. */
static void Secret_option_value(char *value)
{
    static const char from[] = "btnr\\s\"'";
    static const char to[] = "\b\t\n\r\\ \"'";
    char quote = (*value == '"' || *value == '\'') ? *value++ : '\0';
    char *w = value - (quote ? 1 : 0);
    char *start = w;
    for (char *c = value; *c; c++) {
        if (quote ? *c == quote : *c == '#')
            break;
        const char *esc = c[0] == '\\' && c[1] ? strchr(from, c[1]) : NULL;
        if (esc) {
            *w++ = to[esc - from];
            c++;
        } else {
            *w++ = *c;
        }
    }
    *w = '\0';
    if (!quote) {
        while (w > start && isspace((unsigned char)w[-1]))
            *--w = '\0';
    }
}

static char *Secret_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

/* "[source]" -> true with *in_group telling whether it is ours. */
static bool Secret_group_line(char *line, const char *group, bool *in_group)
{
    if (line[0] != '[')
        return false;
    char *close = strchr(line, ']');
    if (close) {
        *close = '\0';
        *in_group = strcasecmp(Secret_trim(line + 1), group) == 0;
    }
    return true;
}

/* Matches "password", "password=..." and the loose-/_ spellings MySQL
 * accepts; *value is NULL for a bare "password" line. */
static bool Secret_password_line(char *line, char **value)
{
    if (strncmp(line, "loose-", 6) == 0 || strncmp(line, "loose_", 6) == 0)
        line += 6;
    if (strncmp(line, "password", 8) != 0)
        return false;
    char *rest = Secret_trim(line + 8);
    if (*rest == '\0' || *rest == '#') {
        *value = NULL;
        return true;
    }
    if (*rest != '=')
        return false;
    *value = Secret_trim(rest + 1);
    Secret_option_value(*value);
    return true;
}

typedef struct OptionSearch {
    bool saw_group;
    bool found;
    bool bare;
} OptionSearch;

static void Secret_scan_line(char *raw, const SecretRef *ref, bool *in_group, OptionSearch *s,
                             char *out, size_t outsize)
{
    char *line = Secret_trim(raw);
    char *value;
    if (*line == '#' || *line == ';' || *line == '!' || *line == '\0')
        return;
    if (Secret_group_line(line, ref->group, in_group)) {
        s->saw_group = s->saw_group || *in_group;
        return;
    }
    if (!*in_group || !Secret_password_line(line, &value))
        return;
    /* The last password line of the group wins, as in the MySQL client. */
    s->bare = value == NULL;
    s->found = value && strlen(value) < outsize;
    if (s->found)
        memcpy(out, value, strlen(value) + 1);
}

static int Secret_option_result(const SecretRef *ref, const OptionSearch *s, size_t outsize,
                                char *err, size_t errsize)
{
    if (s->found)
        return 0;
    if (!s->saw_group)
        snprintf(err, errsize, "%s: no group [%s]; expected a [%s] group with a password= line",
                 ref->file, ref->group, ref->group);
    else if (s->bare)
        snprintf(err, errsize, "%s: [%s] has \"password\" without a value; expected password=...",
                 ref->file, ref->group);
    else
        snprintf(err, errsize,
                 "%s: [%s] has no usable password line; expected password=... (under %zu "
                 "bytes)",
                 ref->file, ref->group, outsize);
    return -1;
}

static int Secret_open_option_file(const SecretRef *ref, FILE **fp, char *err, size_t errsize)
{
    struct stat st;
    /* O_NONBLOCK: a FIFO in the file's place must not hang a probe. */
    int fd = open(ref->file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    *fp = fd >= 0 ? fdopen(fd, "r") : NULL;
    if (!*fp && fd >= 0)
        close(fd);
    if (!*fp || fstat(fileno(*fp), &st) != 0) {
        snprintf(err, errsize, "%s: cannot open the option file: %s", ref->file, strerror(errno));
    } else if (!S_ISREG(st.st_mode)) {
        snprintf(err, errsize, "%s: not a regular file; expected a MySQL option file", ref->file);
    } else if (st.st_mode & S_IWOTH) {
        snprintf(err, errsize,
                 "%s: anyone can write this option file; expected it writable by its owner only "
                 "(chmod 600)",
                 ref->file);
    } else {
        return 0;
    }
    if (*fp)
        fclose(*fp);
    return -1;
}

static int Secret_from_option_file(const SecretRef *ref, char *out, size_t outsize, char *err,
                                   size_t errsize)
{
    FILE *fp;
    if (Secret_open_option_file(ref, &fp, err, errsize) != 0)
        return -1;
    char *line = NULL;
    size_t cap = 0;
    bool in_group = false;
    OptionSearch search = {0};
    out[0] = '\0';
    while (getline(&line, &cap, fp) >= 0)
        Secret_scan_line(line, ref, &in_group, &search, out, outsize);
    if (line)
        explicit_bzero(line, cap);
    free(line);
    fclose(fp);
    return Secret_option_result(ref, &search, outsize, err, errsize);
}

static int Secret_from_aws(const SecretRef *ref, char *out, size_t outsize, char *err,
                           size_t errsize)
{
    pthread_mutex_lock(&Secret_lock);
    SecretAwsResolver resolver = Secret_aws_resolver;
    pthread_mutex_unlock(&Secret_lock);
    if (!resolver) {
        snprintf(err, errsize,
                 "AWS secret %s: AWS Secrets Manager secrets need the aws module, which is not "
                 "loaded",
                 ref->secret_id);
        return -1;
    }
    return resolver(ref->secret_id, ref->aws_side, out, outsize, err, errsize);
}

int Secret_resolve(const SecretRef *ref, char *out, size_t outsize, char *err, size_t errsize)
{
    int rc = -1;
    if (!out || outsize == 0) {
        snprintf(err, errsize, "no room for the password");
        return -1;
    }
    out[0] = '\0';
    switch (ref->kind) {
    case SECRET_NONE: return 0;
    case SECRET_ENV: rc = Secret_from_env(ref, out, outsize, err, errsize); break;
    case SECRET_OPTION_FILE: rc = Secret_from_option_file(ref, out, outsize, err, errsize); break;
    case SECRET_AWS_SECRET: rc = Secret_from_aws(ref, out, outsize, err, errsize); break;
    }
    if (rc == 0)
        Redact_register(out);
    else
        explicit_bzero(out, outsize);
    return rc;
}

bool Secret_file_warning(const SecretRef *ref, char *msg, size_t size)
{
    struct stat st;
    if (ref->kind != SECRET_OPTION_FILE || stat(ref->file, &st) != 0)
        return false;
    if (!(st.st_mode & (S_IRGRP | S_IROTH)))
        return false;
    snprintf(msg, size, "%s: readable by %s; expected it readable by its owner only (chmod 600)",
             ref->file, (st.st_mode & S_IROTH) ? "every user" : "its group");
    return true;
}
