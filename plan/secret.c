#include "plan/secret.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/redact.h"
#include "plan/option_file.h"

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
        snprintf(out, size, "option file ");
        OptionFile_describe(ref->file, ref->group, out + strlen(out), size - strlen(out));
        return;
    case SECRET_AWS_SECRET:
        snprintf(out, size, "AWS secret %s%s%s%s", ref->secret_id,
                 ref->field && *ref->field ? " (field " : "", ref->field ? ref->field : "",
                 ref->field && *ref->field ? ")" : "");
        return;
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

/* Read through Connector/C (plan/option_file.h): the password it would
 * use for [client] and the group, the last line read winning. */
static int Secret_from_option_file(const SecretRef *ref, char *out, size_t outsize, char *err,
                                   size_t errsize)
{
    OptionValues v;
    char where[700];
    if (OptionFile_read(ref->file, ref->group, &v, err, errsize) != 0)
        return -1;
    OptionFile_describe(ref->file, ref->group, where, sizeof where);
    int rc = -1;
    if (!v.password[0])
        snprintf(err, errsize,
                 "%s: no password; expected a password= line in [%s] (or in [client])", where,
                 ref->group ? ref->group : "client");
    else
        rc = Secret_copy(v.password, where, out, outsize, err, errsize);
    OptionValues_clear(&v);
    return rc;
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
    return resolver(ref->secret_id, ref->field, ref->aws_side, out, outsize, err, errsize);
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
    if (ref->kind != SECRET_OPTION_FILE || !ref->file || stat(ref->file, &st) != 0)
        return false;
    if (!(st.st_mode & (S_IRGRP | S_IROTH)))
        return false;
    snprintf(msg, size, "%s: readable by %s; expected it readable by its owner only (chmod 600)",
             ref->file, (st.st_mode & S_IROTH) ? "every user" : "its group");
    return true;
}
