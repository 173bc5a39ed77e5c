#include "aws/elbv2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"
#include "aws/xml.h"

#define ELB_VERSION "2015-12-01"

size_t Elb_parse_targets(const char *body, Elb_target *out, size_t max)
{
    Xml_span doc = Xml_doc(body), list, member, target, health;
    size_t n = 0;
    if (!Xml_find(doc, "TargetHealthDescriptions", &list))
        return 0;
    const char *cursor = list.start;
    while (n < max && Xml_next(list, "member", &cursor, &member)) {
        Elb_target *t = &out[n++];
        char port[16] = "";
        memset(t, 0, sizeof *t);
        if (Xml_find(member, "Target", &target)) {
            Xml_text(target, "Id", t->id, sizeof t->id);
            Xml_text(target, "Port", port, sizeof port);
            t->port = atoi(port);
        }
        if (Xml_find(member, "TargetHealth", &health)) {
            Xml_text(health, "State", t->state, sizeof t->state);
            Xml_text(health, "Reason", t->reason, sizeof t->reason);
        }
    }
    return n;
}

int Elb_target_health(Aws_client *c, const char *target_group_arn, Elb_target *out, size_t max,
                      char *err, size_t errlen)
{
    Awsbuf b;
    Awsbuf_init(&b);
    Sigv4_form_pair(&b, "Action", "DescribeTargetHealth");
    Sigv4_form_pair(&b, "Version", ELB_VERSION);
    Sigv4_form_pair(&b, "TargetGroupArn", target_group_arn);
    Aws_call call = {.service = &AWS_ELBV2,
                     .operation = "DescribeTargetHealth",
                     .body = b.data,
                     .body_len = b.len};
    Aws_response resp;
    int rc = Aws_perform(c, &call, &resp, err, errlen);
    Awsbuf_free(&b);
    int n = rc == 0 ? (int)Elb_parse_targets(resp.body, out, max) : -1;
    Aws_response_free(&resp);
    return n;
}
