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
