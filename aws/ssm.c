#include "aws/ssm.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int Ssm_call(Aws_client *c, const char *op, json_object *req, Aws_response *resp, char *err,
                    size_t errlen)
{
    char target[64];
    snprintf(target, sizeof target, "AmazonSSM.%s", op);
    const char *text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
    Aws_call call = {.service = &AWS_SSM,
                     .operation = op,
                     .target = target,
                     .body = text,
                     .body_len = strlen(text)};
    int rc = Aws_perform(c, &call, resp, err, errlen);
    json_object_put(req);
    return rc;
}

int Ssm_parse_get(const char *body, Ssm_parameter *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    json_object *o = json_tokener_parse(body ? body : ""), *p, *v;
    if (!o || !json_object_object_get_ex(o, "Parameter", &p) ||
        !json_object_object_get_ex(p, "Value", &v) || !json_object_is_type(v, json_type_string)) {
        snprintf(err, errlen, "SSM reply has no Parameter.Value");
        json_object_put(o);
        return -1;
    }
    size_t len = (size_t)json_object_get_string_len(v);
    if (len > SSM_VALUE_MAX) {
        snprintf(err, errlen, "SSM reply: the value is %zu bytes, over the %d AWS allows", len,
                 SSM_VALUE_MAX);
        json_object_put(o);
        return -1;
    }
    memcpy(out->value, json_object_get_string(v), len + 1);
    if (json_object_object_get_ex(p, "Type", &v) && json_object_is_type(v, json_type_string))
        snprintf(out->type, sizeof out->type, "%s", json_object_get_string(v));
    if (json_object_object_get_ex(p, "Version", &v))
        out->version = (long)json_object_get_int64(v);
    json_object_put(o);
    return 0;
}

int Ssm_get(Aws_client *c, const char *name, Ssm_parameter *out, char *err, size_t errlen)
{
    json_object *req = json_object_new_object();
    json_object_object_add(req, "Name", json_object_new_string(name));
    json_object_object_add(req, "WithDecryption", json_object_new_boolean(1));
    Aws_response resp;
    int rc = Ssm_call(c, "GetParameter", req, &resp, err, errlen);
    if (rc == 0)
        rc = Ssm_parse_get(resp.body, out, err, errlen);
    Aws_response_free(&resp);
    return rc;
}

int Ssm_put(Aws_client *c, const char *name, const char *value, const char *type, long *version,
            char *err, size_t errlen)
{
    json_object *req = json_object_new_object();
    json_object_object_add(req, "Name", json_object_new_string(name));
    json_object_object_add(req, "Value", json_object_new_string(value));
    if (type && *type)
        json_object_object_add(req, "Type", json_object_new_string(type));
    json_object_object_add(req, "Overwrite", json_object_new_boolean(1));
    Aws_response resp;
    int rc = Ssm_call(c, "PutParameter", req, &resp, err, errlen);
    if (rc == 0 && version) {
        json_object *o = json_tokener_parse(resp.body), *v;
        *version = o && json_object_object_get_ex(o, "Version", &v) ? json_object_get_int64(v) : 0;
        json_object_put(o);
    }
    Aws_response_free(&resp);
    return rc;
}
