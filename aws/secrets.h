/* Secrets Manager: the RDS-style database secret
 * {"engine","host","port","username","password","dbname"} read with
 * GetSecretValue and rewritten with PutSecretValue (the connection-string
 * swap, and its rollback to the previous string). The password is
 * registered with the redactor as soon as it is read. */
#ifndef CUTOVER_AWS_SECRETS_H
#define CUTOVER_AWS_SECRETS_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/http.h"

typedef struct {
    char *secret_string; /* the whole SecretString, kept for rollback */
    char *host;
    int port; /* 0 when the secret has none */
    char *username;
    char *password;
    char *dbname;
    char *engine;
    char version_id[80];
} Secret_db;

/* Parses an RDS-style SecretString ("port" as a number or a string).
 * Returns 0, or -1 with err saying what is missing (never a value). */
int Secrets_parse_db(const char *secret_string, Secret_db *out, char *err, size_t errlen);

/* The secret string with host and port replaced and every other field kept;
 * NULL with err when it is not a JSON object. free() the result. */
char *Secrets_with_endpoint(const char *secret_string, const char *host, int port, char *err,
                            size_t errlen);

/* Whether `after` is exactly `before` with host:port set to host:port by
 * Secrets_with_endpoint, and `before` named another endpoint: the test that
 * a version is the one a swap replaced (a secret changed again since, or
 * one that already named host:port, is not). */
bool Secrets_is_endpoint_change(const char *before, const char *after, const char *host, int port);

/* GetSecretValue (AWSCURRENT) into out. */
int Secrets_get(Aws_client *c, const char *secret_id, Secret_db *out, char *err, size_t errlen);

/* GetSecretValue of the version holding a staging label ("AWSPREVIOUS"). */
int Secrets_get_stage(Aws_client *c, const char *secret_id, const char *stage, Secret_db *out,
                      char *err, size_t errlen);

/* value of SecretString text: field "" takes a plain-text secret whole;
 * otherwise the string field of a JSON object. 0, or -1 with err saying
 * what the secret is or lacks (never a value). */
int Secrets_text_field(const char *text, const char *field, char *out, size_t outsize, char *err,
                       size_t errlen);

/* GetSecretValue (AWSCURRENT) and Secrets_text_field of it; err starts
 * with "secret ID". */
int Secrets_get_field(Aws_client *c, const char *secret_id, const char *field, char *out,
                      size_t outsize, char *err, size_t errlen);

/* PutSecretValue with a fresh ClientRequestToken (a UUID); the new
 * version's id into version_id. */
int Secrets_put(Aws_client *c, const char *secret_id, const char *secret_string, char *version_id,
                size_t version_size, char *err, size_t errlen);

/* A random UUID (version 4) into buf (37 bytes). */
void Secrets_uuid(char buf[37]);

void Secrets_db_clear(Secret_db *s);

#endif
