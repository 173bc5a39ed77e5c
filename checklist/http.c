#include "checklist/http.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/fetch.h"
#include "lib/env_expand.h"
#include "lib/redact.h"

void Http_describe(const PlanHttp *req, char *out, size_t size)
{
    int n = snprintf(out, size, "%s %s", req->method ? req->method : "POST",
                     req->url ? req->url : "(no url)");
    for (size_t i = 0; i < req->nheaders && n > 0 && (size_t)n < size; i++)
        n += snprintf(out + n, size - (size_t)n, "  %s: %s", req->headers[i].name,
                      req->headers[i].value);
    if (n > 0 && (size_t)n < size && req->body)
        snprintf(out + n, size - (size_t)n, "  body %zu bytes: %s", strlen(req->body), req->body);
    Redact_url_password(out, size);
}

static int Http_headers(const PlanHttp *req, char lines[][2300], const char **headers, char *err,
                        size_t errsize)
{
    for (size_t i = 0; i < req->nheaders; i++) {
        char value[2048];
        if (EnvExpand_text(req->headers[i].value, value, sizeof value, err, errsize) != 0)
            return -1;
        snprintf(lines[i], sizeof lines[i], "%s: %s", req->headers[i].name, value);
        memset(value, 0, sizeof value);
        headers[i] = lines[i];
    }
    return 0;
}

/* Through the one libcurl wrapper (aws/fetch.h); the expanded URL, headers
 * and body may hold secrets, so they are wiped and never quoted. */
int Http_send(const PlanHttp *req, atomic_bool *cancel, long *status, char *err, size_t errsize)
{
    enum { MAX_HEADERS = 32 };
    static char lines[MAX_HEADERS][2300]; /* under the executor's one thread */
    const char *headers[MAX_HEADERS];
    char url[2048], body[8192], why[2600];
    *status = 0;
    if (req->nheaders > MAX_HEADERS)
        return snprintf(err, errsize, "more than %d headers", MAX_HEADERS), -1;
    if (EnvExpand_text(req->url, url, sizeof url, err, errsize) != 0 ||
        EnvExpand_text(req->body, body, sizeof body, err, errsize) != 0 ||
        Http_headers(req, lines, headers, err, errsize) != 0)
        return -1;
    long timeout = req->timeout_ms > 0 ? req->timeout_ms : 5000;
    const char *method = req->method ? req->method : "POST";
    Fetch_request fr = {.method = method,
                        .url = url,
                        .headers = headers,
                        .n_headers = req->nheaders,
                        .body = req->body ? body : NULL,
                        .body_len = req->body ? strlen(body) : 0,
                        .connect_timeout_ms = timeout,
                        .timeout_ms = timeout,
                        .cancel = cancel};
    Fetch_response resp;
    int rc = Fetch_perform(&fr, &resp, why, sizeof why);
    *status = resp.status;
    Fetch_response_free(&resp);
    size_t prefix = strlen(method) + 1 + strlen(url) + 2; /* "METHOD URL: " */
    memset(url, 0, sizeof url);
    memset(body, 0, sizeof body);
    memset(lines, 0, sizeof lines);
    if (rc != 0) {
        snprintf(err, errsize, "%s", strlen(why) > prefix ? why + prefix : why);
        return -1;
    }
    if (*status < 200 || *status > 299) {
        snprintf(err, errsize, "answered HTTP %ld (2xx expected)", *status);
        return -1;
    }
    return 0;
}
