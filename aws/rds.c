#include "aws/rds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "aws/xml.h"

#define RDS_VERSION   "2014-10-31"
#define RDS_MAX_PAGES 50

char *Rds_modify_body(const char *group, const char *name, const char *value,
                      const char *apply_method)
{
    Awsbuf b;
    Awsbuf_init(&b);
    Sigv4_form_pair(&b, "Action", "ModifyDBParameterGroup");
    Sigv4_form_pair(&b, "Version", RDS_VERSION);
    Sigv4_form_pair(&b, "DBParameterGroupName", group);
    Sigv4_form_pair(&b, "Parameters.Parameter.1.ParameterName", name);
    Sigv4_form_pair(&b, "Parameters.Parameter.1.ParameterValue", value);
    Sigv4_form_pair(&b, "Parameters.Parameter.1.ApplyMethod", apply_method);
    return Awsbuf_steal(&b);
}

static int Rds_post(Aws_client *c, const char *op, const char *body, Aws_response *resp, char *err,
                    size_t errlen)
{
    Aws_call call = {.service = &AWS_RDS, .operation = op, .body = body, .body_len = strlen(body)};
    return Aws_perform(c, &call, resp, err, errlen);
}

int Rds_modify_parameter(Aws_client *c, const char *group, const char *name, const char *value,
                         const char *apply_method, char *err, size_t errlen)
{
    char *body = Rds_modify_body(group, name, value, apply_method);
    Aws_response resp;
    int rc = Rds_post(c, "ModifyDBParameterGroup", body, &resp, err, errlen);
    free(body);
    Aws_response_free(&resp);
    return rc;
}

int Rds_parse_parameter(const char *body, const char *name, char *value, size_t size, char *marker,
                        size_t marker_size)
{
    Xml_span doc = Xml_doc(body), p, params;
    value[0] = '\0';
    Xml_text(doc, "Marker", marker, marker_size);
    if (!Xml_find(doc, "Parameters", &params))
        return 0;
    const char *cursor = params.start;
    while (Xml_next(params, "Parameter", &cursor, &p)) {
        char n[128];
        Xml_text(p, "ParameterName", n, sizeof n);
        if (!strcmp(n, name)) {
            Xml_text(p, "ParameterValue", value, size);
            return 1;
        }
    }
    return 0;
}

int Rds_parameter(Aws_client *c, const char *group, const char *name, char *value, size_t size,
                  char *err, size_t errlen)
{
    char marker[512] = "";
    for (int page = 0; page < RDS_MAX_PAGES; page++) {
        Awsbuf b;
        Awsbuf_init(&b);
        Sigv4_form_pair(&b, "Action", "DescribeDBParameters");
        Sigv4_form_pair(&b, "Version", RDS_VERSION);
        Sigv4_form_pair(&b, "DBParameterGroupName", group);
        if (marker[0])
            Sigv4_form_pair(&b, "Marker", marker);
        Aws_response resp;
        int rc = Rds_post(c, "DescribeDBParameters", b.data, &resp, err, errlen);
        Awsbuf_free(&b);
        if (rc == 0)
            rc = Rds_parse_parameter(resp.body, name, value, size, marker, sizeof marker);
        Aws_response_free(&resp);
        if (rc != 0 || !marker[0])
            return rc;
    }
    snprintf(err, errlen, "RDS DescribeDBParameters: more than %d pages", RDS_MAX_PAGES);
    return -1;
}

static void Rds_parse_one(Xml_span inst, Rds_instance *out)
{
    char text[64];
    Xml_span endpoint, groups, group;
    memset(out, 0, sizeof *out);
    Xml_text(inst, "DBInstanceIdentifier", out->id, sizeof out->id);
    Xml_text(inst, "DBInstanceStatus", out->status, sizeof out->status);
    if (Xml_find(inst, "Endpoint", &endpoint)) {
        Xml_text(endpoint, "Address", out->address, sizeof out->address);
        if (Xml_text(endpoint, "Port", text, sizeof text))
            out->port = atoi(text);
    }
    if (Xml_find(inst, "DBParameterGroups", &groups) &&
        Xml_find(groups, "DBParameterGroup", &group)) {
        Xml_text(group, "DBParameterGroupName", out->parameter_group, sizeof out->parameter_group);
        Xml_text(group, "ParameterApplyStatus", out->parameter_apply, sizeof out->parameter_apply);
    }
    if (Xml_text(inst, "BackupRetentionPeriod", text, sizeof text))
        out->backup_retention_days = atoi(text);
    out->multi_az = Xml_text(inst, "MultiAZ", text, sizeof text) && !strcmp(text, "true");
}

int Rds_parse_instance(const char *body, const char **cursor, Rds_instance *out, char *marker,
                       size_t marker_size)
{
    Xml_span doc = Xml_doc(body), list, inst;
    if (!*cursor) {
        Xml_text(doc, "Marker", marker, marker_size);
        if (!Xml_find(doc, "DBInstances", &list))
            return 0;
        *cursor = list.start;
    }
    if (!Xml_find(doc, "DBInstances", &list) || !Xml_next(list, "DBInstance", cursor, &inst))
        return 0;
    Rds_parse_one(inst, out);
    return 1;
}

/* One page of DescribeDBInstances (id NULL: all) into resp. */
static int Rds_describe_page(Aws_client *c, const char *id, const char *marker, Aws_response *resp,
                             char *err, size_t errlen)
{
    Awsbuf b;
    Awsbuf_init(&b);
    Sigv4_form_pair(&b, "Action", "DescribeDBInstances");
    Sigv4_form_pair(&b, "Version", RDS_VERSION);
    if (id)
        Sigv4_form_pair(&b, "DBInstanceIdentifier", id);
    if (marker && marker[0])
        Sigv4_form_pair(&b, "Marker", marker);
    int rc = Rds_post(c, "DescribeDBInstances", b.data, resp, err, errlen);
    Awsbuf_free(&b);
    return rc;
}

int Rds_describe_instance(Aws_client *c, const char *id, Rds_instance *out, char *err,
                          size_t errlen)
{
    Aws_response resp;
    char marker[512];
    const char *cursor = NULL;
    int rc = Rds_describe_page(c, id, NULL, &resp, err, errlen);
    if (rc == 0 && Rds_parse_instance(resp.body, &cursor, out, marker, sizeof marker) != 1) {
        snprintf(err, errlen, "RDS DescribeDBInstances: no instance %s in the reply", id);
        rc = -1;
    }
    Aws_response_free(&resp);
    return rc;
}

static void Rds_join(char *out, size_t size, size_t *len, const char *id)
{
    if (*len < size)
        *len += (size_t)snprintf(out + *len, size - *len, "%s%s", *len ? ", " : "", id);
}

int Rds_instances_using_group(Aws_client *c, const char *group, const char *except, char *out,
                              size_t size, char *err, size_t errlen)
{
    char marker[512] = "";
    size_t len = 0;
    int n = 0;
    out[0] = '\0';
    for (int page = 0; page < RDS_MAX_PAGES; page++) {
        Aws_response resp;
        if (Rds_describe_page(c, NULL, marker, &resp, err, errlen) != 0) {
            Aws_response_free(&resp);
            return -1;
        }
        const char *cursor = NULL;
        Rds_instance inst;
        marker[0] = '\0';
        while (Rds_parse_instance(resp.body, &cursor, &inst, marker, sizeof marker) == 1)
            if (!strcmp(inst.parameter_group, group) && (!except || strcmp(inst.id, except))) {
                Rds_join(out, size, &len, inst.id);
                n++;
            }
        Aws_response_free(&resp);
        if (!marker[0])
            return n;
    }
    snprintf(err, errlen, "RDS DescribeDBInstances: more than %d pages", RDS_MAX_PAGES);
    return -1;
}
