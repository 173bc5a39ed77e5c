#include "aws/route53.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/sigv4.h"
#include "aws/xml.h"

#define R53_NS "https://route53.amazonaws.com/doc/2013-04-01/"
/* One name's record sets fit: a routing policy has at most a few dozen. */
#define R53_LIST_MAX "100"

int R53_parse_id(const char *id, R53_record_id *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *p = id ? id : "";
    if (!strncmp(p, "/hostedzone/", 12))
        p += 12;
    else if (!strncmp(p, "hostedzone/", 11))
        p += 11;
    const char *slash = strchr(p, '/');
    if (!slash || slash == p || !slash[1] || (size_t)(slash - p) >= sizeof out->zone) {
        snprintf(err, errlen,
                 "Route 53 record \"%s\": expected \"ZONE_ID/record.name\" (e.g. "
                 "Z0123456789ABC/db.example.internal)",
                 id ? id : "");
        return -1;
    }
    snprintf(out->zone, sizeof out->zone, "%.*s", (int)(slash - p), p);
    size_t n = strlen(slash + 1);
    snprintf(out->name, sizeof out->name, "%s%s", slash + 1,
             slash[n] == '.' ? "" : "."); /* slash[n] is the name's last char */
    return 0;
}

char *R53_upsert_body(const char *name, const char *value, long ttl)
{
    Awsbuf b;
    Awsbuf_init(&b);
    Awsbuf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<ChangeResourceRecordSetsRequest xmlns=\"" R53_NS "\"><ChangeBatch>"
                    "<Comment>cutover</Comment><Changes><Change><Action>UPSERT</Action>"
                    "<ResourceRecordSet><Name>");
    Xml_escape(&b, name);
    Awsbuf_printf(&b,
                  "</Name><Type>CNAME</Type><TTL>%ld</TTL><ResourceRecords><ResourceRecord>"
                  "<Value>",
                  ttl);
    Xml_escape(&b, value);
    Awsbuf_puts(&b, "</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change>"
                    "</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>");
    return Awsbuf_steal(&b);
}

static bool R53_same_name(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la && a[la - 1] == '.')
        la--;
    if (lb && b[lb - 1] == '.')
        lb--;
    return la == lb && !strncasecmp(a, b, la);
}

/* The routing policy a record set with a SetIdentifier has, in words. */
static const char *R53_policy(Xml_span set)
{
    static const struct {
        const char *element, *words;
    } POLICIES[] = {{"Weight", "weighted"},
                    {"Failover", "failover"},
                    {"Region", "latency"},
                    {"GeoLocation", "geolocation"},
                    {"GeoProximityLocation", "geoproximity"},
                    {"CidrRoutingConfig", "IP-based"},
                    {"MultiValueAnswer", "multivalue answer"}};
    Xml_span inner;
    for (size_t i = 0; i < sizeof POLICIES / sizeof POLICIES[0]; i++)
        if (Xml_find(set, POLICIES[i].element, &inner))
            return POLICIES[i].words;
    return "routing-policy";
}

/* A record set the swap must not touch: an alias (its target is not a
 * CNAME value that an UPSERT could set) or one of several record sets of
 * a routing policy (a plain UPSERT conflicts with them, and would fail
 * inside the downtime window). -1 with the reason in err. */
static int R53_refuse(Xml_span set, const char *name, const char *type, char *err, size_t errlen)
{
    char target[256] = "", id[128] = "";
    Xml_span alias;
    if (Xml_find(set, "AliasTarget", &alias)) {
        Xml_text(alias, "DNSName", target, sizeof target);
        snprintf(err, errlen,
                 "Route 53 record %s is an alias %s record (to %s), not a CNAME: cutover swaps "
                 "a simple CNAME; point the application at one, or move the alias by hand",
                 name, type, target);
        return -1;
    }
    if (Xml_text(set, "SetIdentifier", id, sizeof id)) {
        snprintf(err, errlen,
                 "Route 53 record %s is a %s %s record (SetIdentifier %s): cutover swaps a "
                 "simple CNAME; an UPSERT of one would conflict with the policy's record sets",
                 name, R53_policy(set), type, id);
        return -1;
    }
    return 0;
}

int R53_parse_list(const char *body, const char *name, char *value, size_t size, long *ttl,
                   char *err, size_t errlen)
{
    Xml_span doc = Xml_doc(body), set;
    const char *cursor = doc.start;
    int found = 0;
    value[0] = '\0';
    while (Xml_next(doc, "ResourceRecordSet", &cursor, &set)) {
        char n[256], type[16], t[32];
        Xml_text(set, "Name", n, sizeof n);
        Xml_text(set, "Type", type, sizeof type);
        if (!R53_same_name(n, name))
            continue;
        if (R53_refuse(set, name, type, err, errlen) < 0)
            return -1;
        if (strcmp(type, "CNAME") != 0)
            continue;
        Xml_text(set, "TTL", t, sizeof t);
        *ttl = atol(t);
        Xml_text(set, "Value", value, size);
        found = 1;
    }
    return found;
}

int R53_get_cname(Aws_client *c, const R53_record_id *r, char *value, size_t size, long *ttl,
                  char *err, size_t errlen)
{
    char path[256];
    Awsbuf q;
    Awsbuf_init(&q);
    Awsbuf_puts(&q, "name=");
    Sigv4_uri_encode(&q, r->name, strlen(r->name), false);
    /* Every record set of the name, whatever its type: an alias A record or
     * a routing policy's sets there must be seen to be refused. */
    Awsbuf_puts(&q, "&maxitems=" R53_LIST_MAX);
    snprintf(path, sizeof path, "/2013-04-01/hostedzone/%s/rrset", r->zone);
    Aws_call call = {.service = &AWS_ROUTE53,
                     .operation = "ListResourceRecordSets",
                     .method = "GET",
                     .path = path,
                     .query = q.data};
    Aws_response resp;
    int rc = Aws_perform(c, &call, &resp, err, errlen);
    Awsbuf_free(&q);
    if (rc == 0)
        rc = R53_parse_list(resp.body, r->name, value, size, ttl, err, errlen);
    Aws_response_free(&resp);
    return rc;
}

/* "/change/C123" -> "C123" */
static void R53_change_id(const char *raw, char *out, size_t size)
{
    const char *slash = strrchr(raw, '/');
    snprintf(out, size, "%s", slash ? slash + 1 : raw);
}

int R53_upsert_cname(Aws_client *c, const R53_record_id *r, const char *value, long ttl,
                     char *change, size_t change_size, char *err, size_t errlen)
{
    char path[256], raw[128];
    snprintf(path, sizeof path, "/2013-04-01/hostedzone/%s/rrset/", r->zone);
    char *body = R53_upsert_body(r->name, value, ttl);
    Aws_call call = {.service = &AWS_ROUTE53,
                     .operation = "ChangeResourceRecordSets",
                     .path = path,
                     .content_type = "text/xml",
                     .body = body,
                     .body_len = strlen(body)};
    Aws_response resp;
    int rc = Aws_perform(c, &call, &resp, err, errlen);
    free(body);
    if (rc == 0 && !Xml_text(Xml_doc(resp.body), "Id", raw, sizeof raw)) {
        snprintf(err, errlen, "Route 53 ChangeResourceRecordSets: the reply has no ChangeInfo Id");
        rc = -1;
    }
    if (rc == 0)
        R53_change_id(raw, change, change_size);
    Aws_response_free(&resp);
    return rc;
}

int R53_change_status(Aws_client *c, const char *change, char *status, size_t size, char *err,
                      size_t errlen)
{
    char path[256];
    snprintf(path, sizeof path, "/2013-04-01/change/%s", change);
    Aws_call call = {
        .service = &AWS_ROUTE53, .operation = "GetChange", .method = "GET", .path = path};
    Aws_response resp;
    int rc = Aws_perform(c, &call, &resp, err, errlen);
    if (rc == 0 && !Xml_text(Xml_doc(resp.body), "Status", status, size)) {
        snprintf(err, errlen, "Route 53 GetChange: the reply has no Status");
        rc = -1;
    }
    Aws_response_free(&resp);
    return rc;
}
