#include "aws/secrets.h"

#include <json-c/json.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/redact.h"

static char *string_field(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return strdup(json_object_get_string(v));
}

static int port_field(json_object *o)
{
    json_object *v;
    if (!json_object_object_get_ex(o, "port", &v))
        return 0;
    if (json_object_is_type(v, json_type_int))
        return json_object_get_int(v);
    if (json_object_is_type(v, json_type_string))
        return atoi(json_object_get_string(v));
    return -1;
}

int Secrets_parse_db(const char *secret_string, Secret_db *out, char *err, size_t errlen)
{
    char keep_version[sizeof out->version_id];
    memcpy(keep_version, out->version_id, sizeof keep_version);
    memset(out, 0, sizeof *out);
    memcpy(out->version_id, keep_version, sizeof keep_version);
    json_object *o = json_tokener_parse(secret_string ? secret_string : "");
    if (!o || !json_object_is_type(o, json_type_object)) {
        snprintf(err, errlen, "the secret is not a JSON object (RDS-style secret expected)");
        json_object_put(o);
        return -1;
    }
    out->secret_string = strdup(secret_string);
    out->host = string_field(o, "host");
    out->username = string_field(o, "username");
    out->password = string_field(o, "password");
    out->dbname = string_field(o, "dbname");
    out->engine = string_field(o, "engine");
    out->port = port_field(o);
    json_object_put(o);
    Redact_register(out->password);
    const char *missing = !out->host                           ? "host"
                          : out->port < 0 || out->port > 65535 ? "valid port"
                          : !out->username                     ? "username"
                          : !out->password                     ? "password"
                                                               : NULL;
    if (missing) {
        snprintf(err, errlen, "the secret has no %s", missing);
        Secrets_db_clear(out);
        return -1;
    }
    return 0;
}

char *Secrets_with_endpoint(const char *secret_string, const char *host, int port, char *err,
                            size_t errlen)
{
    json_object *o = json_tokener_parse(secret_string ? secret_string : "");
    if (!o || !json_object_is_type(o, json_type_object)) {
        snprintf(err, errlen, "the secret is not a JSON object (RDS-style secret expected)");
        json_object_put(o);
        return NULL;
    }
    json_object_object_add(o, "host", json_object_new_string(host));
    json_object_object_add(o, "port", json_object_new_int(port));
    char *s = strdup(
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return s;
}

void Secrets_uuid(char buf[37])
{
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1)
        for (size_t i = 0; i < sizeof b; i++)
            b[i] = (unsigned char)rand();
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13],
             b[14], b[15]);
}

static int call_json(Aws_client *c, const char *op, json_object *req, Aws_response *resp, char *err,
                     size_t errlen)
{
    char target[64];
    snprintf(target, sizeof target, "secretsmanager.%s", op);
    const char *body = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
    Aws_call call = {.service = &AWS_SECRETS_MANAGER,
                     .operation = op,
                     .target = target,
                     .body = body,
                     .body_len = strlen(body)};
    int rc = Aws_perform(c, &call, resp, err, errlen);
    /* The request held the secret string: wipe it before json-c frees it. */
    OPENSSL_cleanse((void *)body, strlen(body));
    return rc;
}

static void wipe_free(char *s)
{
    if (s) {
        OPENSSL_cleanse(s, strlen(s));
        free(s);
    }
}

bool Secrets_is_endpoint_change(const char *before, const char *after, const char *host, int port)
{
    Secret_db b;
    memset(&b, 0, sizeof b);
    char err[256];
    if (Secrets_parse_db(before, &b, err, sizeof err) != 0)
        return false;
    bool other = strcmp(b.host, host) != 0 || (b.port ? b.port : 3306) != port;
    Secrets_db_clear(&b);
    char *expect = other ? Secrets_with_endpoint(before, host, port, err, sizeof err) : NULL;
    bool same = expect && after && !strcmp(expect, after);
    wipe_free(expect);
    return same;
}

int Secrets_get(Aws_client *c, const char *secret_id, Secret_db *out, char *err, size_t errlen)
{
    return Secrets_get_stage(c, secret_id, NULL, out, err, errlen);
}

/* GetSecretValue: the SecretString (free with its wipe) and VersionId. */
static int Secrets_get_text(Aws_client *c, const char *secret_id, const char *stage, char **text,
                            char *version, size_t vsize, char *err, size_t errlen)
{
    json_object *req = json_object_new_object();
    json_object_object_add(req, "SecretId", json_object_new_string(secret_id));
    if (stage)
        json_object_object_add(req, "VersionStage", json_object_new_string(stage));
    Aws_response resp;
    char why[600];
    int rc = call_json(c, "GetSecretValue", req, &resp, why, sizeof why);
    json_object_put(req);
    if (rc != 0)
        snprintf(err, errlen, "secret %s: %s", secret_id, why);
    json_object *o = rc == 0 ? json_tokener_parse(resp.body) : NULL;
    char *v = o ? string_field(o, "VersionId") : NULL;
    *text = o ? string_field(o, "SecretString") : NULL;
    if (rc == 0 && !*text) {
        snprintf(err, errlen, "secret %s has no SecretString", secret_id);
        rc = -1;
    }
    snprintf(version, vsize, "%s", v ? v : "");
    free(v);
    json_object_put(o);
    if (resp.body)
        OPENSSL_cleanse(resp.body, strlen(resp.body));
    Aws_response_free(&resp);
    return rc;
}

int Secrets_get_stage(Aws_client *c, const char *secret_id, const char *stage, Secret_db *out,
                      char *err, size_t errlen)
{
    char *text = NULL, inner[512];
    memset(out, 0, sizeof *out);
    int rc = Secrets_get_text(c, secret_id, stage, &text, out->version_id, sizeof out->version_id,
                              err, errlen);
    if (rc == 0 && Secrets_parse_db(text, out, inner, sizeof inner) != 0) {
        snprintf(err, errlen, "secret %s: %s", secret_id, inner);
        rc = -1;
    }
    wipe_free(text);
    return rc;
}

int Secrets_text_field(const char *text, const char *field, char *out, size_t outsize, char *err,
                       size_t errlen)
{
    json_object *o = json_tokener_parse(text);
    bool object = o && json_object_is_type(o, json_type_object);
    json_object *v = NULL;
    const char *value = text;
    int rc = -1;
    if (object && !*field)
        snprintf(err, errlen, "is a JSON object; expected \"field\" naming the value to take");
    else if (!object && *field)
        snprintf(err, errlen,
                 "is not a JSON object, so it has no field \"%s\"; leave \"field\" "
                 "out to take it whole",
                 field);
    else if (object && (!json_object_object_get_ex(o, field, &v) ||
                        !json_object_is_type(v, json_type_string)))
        snprintf(err, errlen, "has no string field \"%s\"", field);
    else if (strlen(value = object ? json_object_get_string(v) : text) >= outsize)
        snprintf(err, errlen, "the value is longer than %zu bytes", outsize - 1);
    else {
        snprintf(out, outsize, "%s", value);
        rc = 0;
    }
    json_object_put(o);
    return rc;
}

int Secrets_get_field(Aws_client *c, const char *secret_id, const char *field, char *out,
                      size_t outsize, char *err, size_t errlen)
{
    char *text = NULL, version[80], inner[300];
    int rc = Secrets_get_text(c, secret_id, NULL, &text, version, sizeof version, err, errlen);
    if (rc == 0 && Secrets_text_field(text, field, out, outsize, inner, sizeof inner) != 0) {
        snprintf(err, errlen, "secret %s %s", secret_id, inner);
        rc = -1;
    }
    wipe_free(text);
    return rc;
}

int Secrets_put(Aws_client *c, const char *secret_id, const char *secret_string, char *version_id,
                size_t version_size, char *err, size_t errlen)
{
    char token[37];
    Secrets_uuid(token);
    json_object *req = json_object_new_object();
    json_object_object_add(req, "SecretId", json_object_new_string(secret_id));
    json_object_object_add(req, "ClientRequestToken", json_object_new_string(token));
    json_object_object_add(req, "SecretString", json_object_new_string(secret_string));
    Aws_response resp;
    int rc = call_json(c, "PutSecretValue", req, &resp, err, errlen);
    json_object_put(req);
    json_object *o = rc == 0 ? json_tokener_parse(resp.body) : NULL;
    char *version = o ? string_field(o, "VersionId") : NULL;
    snprintf(version_id, version_size, "%s", version ? version : token);
    free(version);
    json_object_put(o);
    Aws_response_free(&resp);
    return rc;
}

void Secrets_db_clear(Secret_db *s)
{
    wipe_free(s->secret_string);
    wipe_free(s->password);
    free(s->host);
    free(s->username);
    free(s->dbname);
    free(s->engine);
    memset(s, 0, sizeof *s);
}
