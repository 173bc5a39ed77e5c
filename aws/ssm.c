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

static void Ssm_copy_field(json_object *o, const char *key, char *out, size_t size)
{
    json_object *v;
    if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        snprintf(out, size, "%s", json_object_get_string(v));
}

int Ssm_parse_describe(const char *body, const char *name, Ssm_meta *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    json_object *o = json_tokener_parse(body ? body : ""), *list, *n;
    size_t count = o && json_object_object_get_ex(o, "Parameters", &list) &&
                           json_object_is_type(list, json_type_array)
                       ? json_object_array_length(list)
                       : 0;
    for (size_t i = 0; i < count; i++) {
        json_object *p = json_object_array_get_idx(list, i);
        if (!json_object_object_get_ex(p, "Name", &n) || strcmp(json_object_get_string(n), name))
            continue;
        Ssm_copy_field(p, "Type", out->type, sizeof out->type);
        Ssm_copy_field(p, "KeyId", out->key_id, sizeof out->key_id);
        Ssm_copy_field(p, "Tier", out->tier, sizeof out->tier);
        json_object_put(o);
        return 0;
    }
    snprintf(err, errlen, "SSM DescribeParameters: no parameter %s in the reply", name);
    json_object_put(o);
    return -1;
}

int Ssm_describe(Aws_client *c, const char *name, Ssm_meta *out, char *err, size_t errlen)
{
    json_object *req = json_object_new_object(), *filters = json_object_new_array(),
                *filter = json_object_new_object(), *values = json_object_new_array();
    json_object_array_add(values, json_object_new_string(name));
    json_object_object_add(filter, "Key", json_object_new_string("Name"));
    json_object_object_add(filter, "Option", json_object_new_string("Equals"));
    json_object_object_add(filter, "Values", values);
    json_object_array_add(filters, filter);
    json_object_object_add(req, "ParameterFilters", filters);
    Aws_response resp;
    int rc = Ssm_call(c, "DescribeParameters", req, &resp, err, errlen);
    if (rc == 0)
        rc = Ssm_parse_describe(resp.body, name, out, err, errlen);
    Aws_response_free(&resp);
    return rc;
}

int Ssm_put(Aws_client *c, const char *name, const char *value, const Ssm_meta *meta, long *version,
            char *err, size_t errlen)
{
    json_object *req = json_object_new_object();
    json_object_object_add(req, "Name", json_object_new_string(name));
    json_object_object_add(req, "Value", json_object_new_string(value));
    if (meta && meta->type[0])
        json_object_object_add(req, "Type", json_object_new_string(meta->type));
    if (meta && meta->key_id[0] && !strcmp(meta->type, "SecureString"))
        json_object_object_add(req, "KeyId", json_object_new_string(meta->key_id));
    if (meta && meta->tier[0] && strcmp(meta->tier, "Standard") != 0)
        json_object_object_add(req, "Tier", json_object_new_string(meta->tier));
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
