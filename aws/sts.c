#include "aws/sts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/sigv4.h"
#include "aws/xml.h"
#include "lib/redact.h"

#define STS_VERSION "2011-06-15"

char *Sts_body(const char *action, const Sts_role *role, const char *token)
{
    Awsbuf b;
    Awsbuf_init(&b);
    Sigv4_form_pair(&b, "Action", action);
    Sigv4_form_pair(&b, "Version", STS_VERSION);
    if (role) {
        char session[64], duration[16];
        if (role->session_name && role->session_name[0])
            snprintf(session, sizeof session, "%s", role->session_name);
        else
            snprintf(session, sizeof session, "cutover-%lld", (long long)time(NULL));
        snprintf(duration, sizeof duration, "%d", role->duration_s > 0 ? role->duration_s : 3600);
        Sigv4_form_pair(&b, "RoleArn", role->role_arn);
        Sigv4_form_pair(&b, "RoleSessionName", session);
        Sigv4_form_pair(&b, "DurationSeconds", duration);
        if (role->external_id && role->external_id[0])
            Sigv4_form_pair(&b, "ExternalId", role->external_id);
    }
    if (token)
        Sigv4_form_pair(&b, "WebIdentityToken", token);
    return Awsbuf_steal(&b);
}

static int Sts_post(Aws_client *c, const char *action, const char *body, Aws_response *resp,
                    char *err, size_t errlen)
{
    Aws_call call = {
        .service = &AWS_STS, .operation = action, .body = body, .body_len = strlen(body)};
    return Aws_perform(c, &call, resp, err, errlen);
}

int Sts_get_caller_identity(Aws_client *c, Sts_identity *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char *body = Sts_body("GetCallerIdentity", NULL, NULL);
    Aws_response resp;
    int rc = Sts_post(c, "GetCallerIdentity", body, &resp, err, errlen);
    free(body);
    if (rc == 0) {
        Xml_span doc = Xml_doc(resp.body);
        Xml_text(doc, "Account", out->account, sizeof out->account);
        Xml_text(doc, "Arn", out->arn, sizeof out->arn);
        Xml_text(doc, "UserId", out->user_id, sizeof out->user_id);
        if (!out->account[0] || !out->arn[0]) {
            snprintf(err, errlen, "STS GetCallerIdentity: the reply names no Account or Arn");
            rc = -1;
        }
    }
    Aws_response_free(&resp);
    return rc;
}

int Sts_parse_credentials(const char *body, const char *what, Credentials *out, char *err,
                          size_t errlen)
{
    Xml_span doc = Xml_doc(body), creds;
    char akid[160], secret[160], token[4096], expiration[64], arn[STS_ARN_MAX];
    memset(out, 0, sizeof *out);
    if (!Xml_find(doc, "Credentials", &creds) ||
        !Xml_text(creds, "AccessKeyId", akid, sizeof akid) ||
        !Xml_text(creds, "SecretAccessKey", secret, sizeof secret) ||
        !Xml_text(creds, "SessionToken", token, sizeof token)) {
        snprintf(err, errlen, "%s: the reply carries no whole Credentials element", what);
        return -1;
    }
    Redact_register(secret);
    Redact_register(token);
    Xml_text(creds, "Expiration", expiration, sizeof expiration);
    int64_t expires = Credentials_parse_time(expiration);
    if (expires <= 0) {
        snprintf(err, errlen, "%s: Expiration \"%.40s\" is not an ISO 8601 time", what, expiration);
        return -1;
    }
    Xml_span user;
    arn[0] = '\0';
    if (Xml_find(doc, "AssumedRoleUser", &user))
        Xml_text(user, "Arn", arn, sizeof arn);
    out->access_key_id = strdup(akid);
    out->secret_access_key = strdup(secret);
    out->session_token = strdup(token);
    out->expires_ms = expires;
    snprintf(out->source, sizeof out->source, "%s", arn[0] ? arn : what);
    return 0;
}

static int Sts_assume(Aws_client *c, const char *action, const Sts_role *role, const char *token,
                      Credentials *out, char *err, size_t errlen)
{
    char *body = Sts_body(action, role, token);
    Aws_response resp;
    int rc = Sts_post(c, action, body, &resp, err, errlen);
    free(body);
    if (rc == 0) {
        char what[400];
        snprintf(what, sizeof what, "STS %s %s", action, role->role_arn);
        rc = Sts_parse_credentials(resp.body, what, out, err, errlen);
    }
    Aws_response_free(&resp);
    return rc;
}

int Sts_assume_role(Aws_client *c, const Sts_role *role, Credentials *out, char *err, size_t errlen)
{
    return Sts_assume(c, "AssumeRole", role, NULL, out, err, errlen);
}

int Sts_assume_role_with_web_identity(Aws_client *c, const Sts_role *role, const char *token,
                                      Credentials *out, char *err, size_t errlen)
{
    return Sts_assume(c, "AssumeRoleWithWebIdentity", role, token, out, err, errlen);
}
