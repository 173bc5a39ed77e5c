#include "checklist/http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/redact.h"

int Http_expand(const char *in, char *out, size_t size, char *err, size_t errsize)
{
    size_t len = 0;
    out[0] = '\0';
    for (const char *p = in ? in : ""; *p;) {
        const char *close = (p[0] == '$' && p[1] == '{') ? strchr(p, '}') : NULL;
        const char *piece = p;
        size_t n = 1;
        if (close) {
            char name[128];
            snprintf(name, sizeof name, "%.*s", (int)(close - p - 2), p + 2);
            piece = getenv(name);
            if (!piece)
                return snprintf(err, errsize, "environment variable %s is not set", name), -1;
            Redact_register(piece);
            n = strlen(piece);
        }
        if (len + n + 1 > size)
            return snprintf(err, errsize, "expanded text too long (over %zu bytes)", size - 1), -1;
        memcpy(out + len, piece, n);
        len += n;
        out[len] = '\0';
        p = close ? close + 1 : p + 1;
    }
    return 0;
}

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

static size_t Http_discard(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    (void)ptr;
    (void)userdata;
    return size * nmemb;
}

/* Returning non-zero makes libcurl stop the transfer: abort is immediate. */
static int Http_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)a;
    (void)b;
    (void)c;
    (void)d;
    atomic_bool *cancel = arg;
    return cancel && atomic_load(cancel) ? 1 : 0;
}

static pthread_once_t http_once = PTHREAD_ONCE_INIT;

static void Http_global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static struct curl_slist *Http_headers(const PlanHttp *req, char *err, size_t errsize, bool *ok)
{
    struct curl_slist *list = NULL;
    *ok = true;
    for (size_t i = 0; i < req->nheaders; i++) {
        char value[2048], line[2300];
        if (Http_expand(req->headers[i].value, value, sizeof value, err, errsize) != 0) {
            *ok = false;
            break;
        }
        snprintf(line, sizeof line, "%s: %s", req->headers[i].name, value);
        list = curl_slist_append(list, line);
        memset(value, 0, sizeof value);
        memset(line, 0, sizeof line);
    }
    return list;
}

int Http_send(const PlanHttp *req, atomic_bool *cancel, long *status, char *err, size_t errsize)
{
    *status = 0;
    pthread_once(&http_once, Http_global_init);
    char url[2048], body[8192];
    if (Http_expand(req->url, url, sizeof url, err, errsize) != 0 ||
        Http_expand(req->body, body, sizeof body, err, errsize) != 0)
        return -1;
    bool ok;
    struct curl_slist *headers = Http_headers(req, err, errsize, &ok);
    CURL *curl = ok ? curl_easy_init() : NULL;
    if (!curl) {
        curl_slist_free_all(headers);
        if (ok)
            snprintf(err, errsize, "libcurl could not start a request");
        return -1;
    }
    long timeout = req->timeout_ms > 0 ? req->timeout_ms : 5000;
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, req->method ? req->method : "POST");
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (req->body)
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Http_discard);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, Http_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, cancel);
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(curl);
    curl_slist_free_all(headers);
    memset(body, 0, sizeof body);
    if (rc != CURLE_OK) {
        snprintf(err, errsize, "%s",
                 rc == CURLE_ABORTED_BY_CALLBACK ? "cancelled" : curl_easy_strerror(rc));
        return -1;
    }
    if (*status < 200 || *status > 299) {
        snprintf(err, errsize, "answered HTTP %ld (2xx expected)", *status);
        return -1;
    }
    return 0;
}
