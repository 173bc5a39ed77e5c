/* Signs requests read as JSON lines on stdin with aws/sigv4 and prints, per
 * line, {"creq","sts","authz"} (or {"error"}), for botocore_agree.py to
 * compare with botocore. Input fields: method, url (scheme://host[:port]
 * and path; any query there is ignored), query (wire form), headers
 * ([[name, value], ...]), body_hex, akid, secret, token, region, service,
 * time (epoch seconds). A Host header is derived from the URL when the
 * request has none, as botocore does. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/sigv4.h"

#define MAX_HEADERS 64

static const char *field(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
        return NULL;
    return json_object_get_string(v);
}

static size_t unhex(const char *hex, unsigned char *out)
{
    size_t n = 0;
    for (; hex && hex[0] && hex[1]; hex += 2) {
        unsigned int byte;
        sscanf(hex, "%2x", &byte);
        out[n++] = (unsigned char)byte;
    }
    return n;
}

/* The path of a URL: from the first '/' after "://" to '?' or '#'. */
static char *url_path(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    if (!p)
        return strdup("");
    return strndup(p, strcspn(p, "?#"));
}

static json_object *sign_line(json_object *in)
{
    json_object *out = json_object_new_object();
    json_object *harr = NULL;
    Sigv4_header headers[MAX_HEADERS + 1];
    size_t n = 0;
    bool have_host = false;
    if (json_object_object_get_ex(in, "headers", &harr))
        for (size_t i = 0; i < json_object_array_length(harr) && n < MAX_HEADERS; i++) {
            json_object *pair = json_object_array_get_idx(harr, i);
            headers[n].name = json_object_get_string(json_object_array_get_idx(pair, 0));
            headers[n].value = json_object_get_string(json_object_array_get_idx(pair, 1));
            have_host |= !strcasecmp(headers[n].name, "host");
            n++;
        }
    const char *url = field(in, "url");
    char host[512];
    if (!have_host && url && Sigv4_host_from_url(url, host, sizeof host) == 0)
        headers[n++] = (Sigv4_header){"Host", host};

    const char *hex = field(in, "body_hex");
    unsigned char *body = malloc(hex ? strlen(hex) / 2 + 1 : 1);
    size_t body_len = unhex(hex, body);
    char *path = url_path(url ? url : "");
    Sigv4_request req = {field(in, "method"), path, field(in, "query"), headers, n, body, body_len};
    Sigv4_credentials cred = {field(in, "akid"), field(in, "secret"), field(in, "token")};
    json_object *t = NULL;
    json_object_object_get_ex(in, "time", &t);
    Sigv4_result r;
    char err[256];
    if (Sigv4_sign(&req, &cred, field(in, "region"), field(in, "service"),
                   (time_t)json_object_get_int64(t), &r, err, sizeof err) == 0) {
        json_object_object_add(out, "creq", json_object_new_string(r.canonical_request));
        json_object_object_add(out, "sts", json_object_new_string(r.string_to_sign));
        json_object_object_add(out, "authz", json_object_new_string(r.authorization));
    } else {
        json_object_object_add(out, "error", json_object_new_string(err));
    }
    Sigv4_result_free(&r);
    free(path);
    free(body);
    return out;
}

int main(void)
{
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    while (getline(&line, &cap, stdin) > 0) {
        lineno++;
        json_object *in = json_tokener_parse(line);
        if (!in) {
            fprintf(stderr, "sigv4_agree: line %ld is not JSON\n", lineno);
            free(line);
            return 2;
        }
        json_object *out = sign_line(in);
        puts(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN |
                                                     JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(out);
        json_object_put(in);
    }
    free(line);
    return 0;
}
