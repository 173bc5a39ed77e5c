#include "aws/sigv4.h"

#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Headers a proxy or the HTTP library may add or rewrite on the way: the
 * SDKs leave them out of the signature, and so do we. */
static const char *const UNSIGNED_HEADERS[] = {"expect", "user-agent", "x-amzn-trace-id"};

void Sigv4_format_amz_date(time_t when, char *buf, size_t size)
{
    struct tm tm;
    gmtime_r(&when, &tm);
    strftime(buf, size, "%Y%m%dT%H%M%SZ", &tm);
}

time_t Sigv4_parse_amz_date(const char *s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *end = s ? strptime(s, "%Y%m%dT%H%M%SZ", &tm) : NULL;
    if (!end || *end)
        return (time_t)-1;
    return timegm(&tm);
}

void Sigv4_sha256_hex(const void *data, size_t len, char hex[65])
{
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(data, len, md);
    for (size_t i = 0; i < sizeof md; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static bool is_unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

void Sigv4_uri_encode(Awsbuf *out, const char *s, size_t len, bool keep_slash)
{
    static const char HEX[] = "0123456789ABCDEF";
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && (is_unreserved(c) || (keep_slash && c == '/'))) {
            Awsbuf_putc(out, (char)c);
        } else {
            char esc[3] = {'%', HEX[c >> 4], HEX[c & 15]};
            Awsbuf_append(out, esc, 3);
        }
    }
}

void Sigv4_form_pair(Awsbuf *out, const char *key, const char *value)
{
    if (out->len)
        Awsbuf_putc(out, '&');
    Awsbuf_puts(out, key);
    Awsbuf_putc(out, '=');
    Sigv4_uri_encode(out, value, strlen(value), false);
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void Sigv4_uri_decode(Awsbuf *out, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' && i + 2 < len) {
            int hi = hex_value(s[i + 1]);
            int lo = hex_value(s[i + 2]);
            if (hi >= 0 && lo >= 0) {
                Awsbuf_putc(out, (char)(hi * 16 + lo));
                i += 2;
                continue;
            }
        }
        Awsbuf_putc(out, s[i]);
    }
}

/* RFC 3986 section 5.2.4, plus what AWS adds: empty segments go too, so
 * "//a//" is "/a/". A trailing slash survives only on a non-empty path. */
static void remove_dot_segments(Awsbuf *out, const char *path)
{
    size_t n = strlen(path);
    const char **seg = calloc(n / 2 + 2, sizeof *seg);
    size_t *seglen = calloc(n / 2 + 2, sizeof *seglen);
    size_t count = 0;
    if (!seg || !seglen) {
        fputs("cutover: out of memory\n", stderr);
        abort();
    }
    for (const char *p = path; *p;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (len == 2 && p[0] == '.' && p[1] == '.') {
            if (count)
                count--;
        } else if (len && !(len == 1 && p[0] == '.')) {
            seg[count] = p;
            seglen[count++] = len;
        }
        p += len + (slash ? 1 : 0);
    }
    if (path[0] == '/')
        Awsbuf_putc(out, '/');
    for (size_t i = 0; i < count; i++) {
        if (i)
            Awsbuf_putc(out, '/');
        Awsbuf_append(out, seg[i], seglen[i]);
    }
    if (count && path[n - 1] == '/')
        Awsbuf_putc(out, '/');
    free(seg);
    free(seglen);
}

void Sigv4_canonical_uri(Awsbuf *out, const char *path)
{
    if (!path || !*path) {
        Awsbuf_putc(out, '/');
        return;
    }
    Awsbuf norm;
    Awsbuf_init(&norm);
    remove_dot_segments(&norm, path);
    Sigv4_uri_encode(out, norm.data ? norm.data : "", norm.len, true);
    Awsbuf_free(&norm);
}

typedef struct {
    char *name;
    char *value;
} Pair;

static int compare_pairs(const void *a, const void *b)
{
    const Pair *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->value, y->value);
}

/* Decodes then re-encodes one query component, so raw and already encoded
 * input give the same canonical form. */
static char *canonical_component(const char *s, size_t len)
{
    Awsbuf raw, enc;
    Awsbuf_init(&raw);
    Awsbuf_init(&enc);
    Sigv4_uri_decode(&raw, s, len);
    Sigv4_uri_encode(&enc, raw.data ? raw.data : "", raw.len, false);
    Awsbuf_free(&raw);
    return Awsbuf_steal(&enc);
}

void Sigv4_canonical_query(Awsbuf *out, const char *query)
{
    if (!query || !*query)
        return;
    size_t max = 1;
    for (const char *p = query; *p; p++)
        max += *p == '&';
    Pair *pairs = calloc(max, sizeof *pairs);
    if (!pairs) {
        fputs("cutover: out of memory\n", stderr);
        abort();
    }
    size_t count = 0;
    for (const char *p = query; *p;) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len) {
            const char *eq = memchr(p, '=', len);
            size_t name_len = eq ? (size_t)(eq - p) : len;
            pairs[count].name = canonical_component(p, name_len);
            pairs[count].value =
                eq ? canonical_component(eq + 1, len - name_len - 1) : canonical_component("", 0);
            count++;
        }
        p += len + (amp ? 1 : 0);
    }
    qsort(pairs, count, sizeof *pairs, compare_pairs);
    for (size_t i = 0; i < count; i++) {
        Awsbuf_printf(out, "%s%s=%s", i ? "&" : "", pairs[i].name, pairs[i].value);
        free(pairs[i].name);
        free(pairs[i].value);
    }
    free(pairs);
}

typedef struct {
    char *name; /* lower case */
    char *value;
    size_t order; /* keeps repeated headers in the order they were given */
} Entry;

static int compare_entries(const void *a, const void *b)
{
    const Entry *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static bool is_header_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Trimall: no leading or trailing white space, inner runs (including the
 * line breaks of a folded value) become one space. */
static char *trim_all(const char *v)
{
    Awsbuf b;
    Awsbuf_init(&b);
    bool pending_space = false;
    for (const char *p = v; *p; p++) {
        if (is_header_space(*p)) {
            pending_space = b.len > 0;
            continue;
        }
        if (pending_space)
            Awsbuf_putc(&b, ' ');
        pending_space = false;
        Awsbuf_putc(&b, *p);
    }
    return Awsbuf_steal(&b);
}

static char *lower_dup(const char *s)
{
    char *d = strdup(s);
    if (!d) {
        fputs("cutover: out of memory\n", stderr);
        abort();
    }
    for (char *p = d; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return d;
}

static bool is_unsigned_header(const char *lname)
{
    for (size_t i = 0; i < sizeof UNSIGNED_HEADERS / sizeof UNSIGNED_HEADERS[0]; i++)
        if (!strcmp(lname, UNSIGNED_HEADERS[i]))
            return true;
    return false;
}

static bool has_token(const Sigv4_credentials *cred)
{
    return cred->session_token && *cred->session_token;
}

/* The signer owns X-Amz-Date, X-Amz-Security-Token (when it has a token)
 * and Authorization: copies from the caller are replaced, as a retry would
 * otherwise sign stale values. */
static bool replaced_by_signer(const char *lname, const Sigv4_credentials *cred)
{
    return !strcmp(lname, "x-amz-date") || !strcmp(lname, "authorization") ||
           (has_token(cred) && !strcmp(lname, "x-amz-security-token"));
}

static void add_entry(Entry *e, size_t *count, const char *lname, const char *value)
{
    e[*count].name = lower_dup(lname);
    e[*count].value = trim_all(value);
    e[*count].order = *count;
    (*count)++;
}

static size_t collect_headers(const Sigv4_request *req, const Sigv4_credentials *cred,
                              const char *amz_date, Entry *e)
{
    size_t count = 0;
    for (size_t i = 0; i < req->n_headers; i++) {
        char *lname = lower_dup(req->headers[i].name);
        if (!is_unsigned_header(lname) && !replaced_by_signer(lname, cred))
            add_entry(e, &count, lname, req->headers[i].value ? req->headers[i].value : "");
        free(lname);
    }
    add_entry(e, &count, "x-amz-date", amz_date);
    if (has_token(cred))
        add_entry(e, &count, "x-amz-security-token", cred->session_token);
    qsort(e, count, sizeof *e, compare_entries);
    return count;
}

/* Appends "name:v1,v2\n" lines to creq and "name;name" to signed. */
static void canonical_headers(const Entry *e, size_t count, Awsbuf *creq, Awsbuf *signed_list)
{
    for (size_t i = 0; i < count; i++) {
        bool first = i == 0 || strcmp(e[i - 1].name, e[i].name);
        bool last = i + 1 == count || strcmp(e[i + 1].name, e[i].name);
        if (first) {
            Awsbuf_printf(creq, "%s:", e[i].name);
            Awsbuf_printf(signed_list, "%s%s", i ? ";" : "", e[i].name);
        } else {
            Awsbuf_putc(creq, ',');
        }
        Awsbuf_puts(creq, e[i].value);
        if (last)
            Awsbuf_putc(creq, '\n');
    }
}

static const char *find_header(const Sigv4_request *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++)
        if (!strcasecmp(req->headers[i].name, name))
            return req->headers[i].value ? req->headers[i].value : "";
    return NULL;
}

static int check_request(const Sigv4_request *req, const Sigv4_credentials *cred,
                         const char *region, const char *service, char *err, size_t errlen)
{
    const char *missing =
        !req || !req->method || !*req->method                    ? "the method"
        : !cred || !cred->access_key_id || !*cred->access_key_id ? "the access key id"
        : !cred->secret_access_key || !*cred->secret_access_key  ? "the secret access key"
        : !region || !*region                                    ? "the region"
        : !service || !*service                                  ? "the service name"
        : !find_header(req, "host")                              ? "the Host header"
        : req->body_len && !req->body                            ? "the body"
                                                                 : NULL;
    if (!missing)
        return 0;
    snprintf(err, errlen, "SigV4: cannot sign a request without %s", missing);
    return -1;
}

static void build_canonical_request(const Sigv4_request *req, const Sigv4_credentials *cred,
                                    Sigv4_result *out, Awsbuf *signed_list)
{
    Awsbuf creq;
    Awsbuf_init(&creq);
    char *method = lower_dup(req->method);
    for (char *p = method; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    Awsbuf_printf(&creq, "%s\n", method);
    free(method);
    Sigv4_canonical_uri(&creq, req->path);
    Awsbuf_putc(&creq, '\n');
    Sigv4_canonical_query(&creq, req->query);
    Awsbuf_putc(&creq, '\n');

    Entry *e = calloc(req->n_headers + 2, sizeof *e);
    if (!e) {
        fputs("cutover: out of memory\n", stderr);
        abort();
    }
    size_t count = collect_headers(req, cred, out->amz_date, e);
    canonical_headers(e, count, &creq, signed_list);
    for (size_t i = 0; i < count; i++) {
        free(e[i].name);
        free(e[i].value);
    }
    free(e);

    /* A caller that sends X-Amz-Content-SHA256 has hashed the body itself. */
    const char *given = find_header(req, "x-amz-content-sha256");
    if (given)
        snprintf(out->payload_hash, sizeof out->payload_hash, "%s", given);
    else
        Sigv4_sha256_hex(req->body ? req->body : "", req->body_len, out->payload_hash);
    Awsbuf_printf(&creq, "\n%s\n%s", signed_list->data ? signed_list->data : "", out->payload_hash);
    out->canonical_request = Awsbuf_steal(&creq);
}

static void hmac(const unsigned char *key, size_t key_len, const char *msg, unsigned char md[32])
{
    unsigned int md_len = 32;
    HMAC(EVP_sha256(), key, (int)key_len, (const unsigned char *)msg, strlen(msg), md, &md_len);
}

/* kSigning = HMAC chain "AWS4"+secret -> date -> region -> service ->
 * "aws4_request"; then the signature over the string to sign. */
static void compute_signature(const char *secret, const char *date8, const char *region,
                              const char *service, const char *sts, char hex[65])
{
    Awsbuf k0;
    Awsbuf_init(&k0);
    Awsbuf_printf(&k0, "AWS4%s", secret);
    unsigned char k[32], sig[32];
    hmac((const unsigned char *)k0.data, k0.len, date8, k);
    Awsbuf_wipe(&k0);
    hmac(k, sizeof k, region, k);
    hmac(k, sizeof k, service, k);
    hmac(k, sizeof k, "aws4_request", k);
    hmac(k, sizeof k, sts, sig);
    OPENSSL_cleanse(k, sizeof k);
    for (size_t i = 0; i < sizeof sig; i++)
        snprintf(hex + 2 * i, 3, "%02x", sig[i]);
}

int Sigv4_sign(const Sigv4_request *req, const Sigv4_credentials *cred, const char *region,
               const char *service, time_t when, Sigv4_result *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (check_request(req, cred, region, service, err, errlen) < 0)
        return -1;
    Sigv4_format_amz_date(when, out->amz_date, sizeof out->amz_date);
    char date8[9];
    snprintf(date8, sizeof date8, "%.8s", out->amz_date);

    Awsbuf signed_list;
    Awsbuf_init(&signed_list);
    build_canonical_request(req, cred, out, &signed_list);

    char creq_hash[65];
    Sigv4_sha256_hex(out->canonical_request, strlen(out->canonical_request), creq_hash);
    Awsbuf sts;
    Awsbuf_init(&sts);
    Awsbuf_printf(&sts, "AWS4-HMAC-SHA256\n%s\n%s/%s/%s/aws4_request\n%s", out->amz_date, date8,
                  region, service, creq_hash);
    out->string_to_sign = Awsbuf_steal(&sts);

    compute_signature(cred->secret_access_key, date8, region, service, out->string_to_sign,
                      out->signature);
    Awsbuf authz;
    Awsbuf_init(&authz);
    Awsbuf_printf(&authz,
                  "AWS4-HMAC-SHA256 Credential=%s/%s/%s/%s/aws4_request, SignedHeaders=%s, "
                  "Signature=%s",
                  cred->access_key_id, date8, region, service, signed_list.data, out->signature);
    out->authorization = Awsbuf_steal(&authz);
    Awsbuf_free(&signed_list);
    return 0;
}

void Sigv4_result_free(Sigv4_result *r)
{
    free(r->canonical_request);
    free(r->string_to_sign);
    free(r->authorization);
    memset(r, 0, sizeof *r);
}

static int default_port(const char *scheme, size_t len)
{
    if (len == 5 && !strncasecmp(scheme, "https", 5))
        return 443;
    if (len == 4 && !strncasecmp(scheme, "http", 4))
        return 80;
    return -1;
}

int Sigv4_host_from_url(const char *url, char *buf, size_t size)
{
    const char *sep = url ? strstr(url, "://") : NULL;
    if (!sep)
        return -1;
    const char *host = sep + 3;
    size_t hlen = strcspn(host, "/?#");
    const char *at = memchr(host, '@', hlen);
    if (at) {
        hlen -= (size_t)(at + 1 - host);
        host = at + 1;
    }
    /* An IPv6 literal keeps its brackets; its colons are not a port. */
    const char *close = host[0] == '[' ? memchr(host, ']', hlen) : NULL;
    const char *colon =
        memchr(close ? close : host, ':', hlen - (size_t)((close ? close : host) - host));
    size_t name_len = colon ? (size_t)(colon - host) : hlen;
    if (!name_len || name_len >= size)
        return -1;
    for (size_t i = 0; i < name_len; i++)
        buf[i] = (char)tolower((unsigned char)host[i]);
    buf[name_len] = '\0';
    if (colon && colon + 1 < host + hlen) {
        int port = atoi(colon + 1);
        if (port != default_port(url, (size_t)(sep - url))) {
            size_t used = strlen(buf);
            snprintf(buf + used, size - used, ":%d", port);
        }
    }
    return 0;
}
