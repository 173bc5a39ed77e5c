#include "aws/fetch.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void init_curl(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t collect(char *data, size_t size, size_t nmemb, void *userdata)
{
    Awsbuf_append(userdata, data, size * nmemb);
    return size * nmemb;
}

/* libcurl asks about once a second and at every chunk: an abort stops the
 * transfer within that. */
static int cancelled(void *arg, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
    (void)a;
    (void)b;
    (void)c;
    (void)d;
    atomic_bool *cancel = arg;
    return cancel && atomic_load(cancel) ? 1 : 0;
}

static struct curl_slist *header_list(const Fetch_request *req)
{
    /* An empty "Expect:" stops curl from waiting for 100-continue on
     * larger bodies, which AWS endpoints never need. */
    struct curl_slist *list = curl_slist_append(NULL, "Expect:");
    for (size_t i = 0; i < req->n_headers && list; i++) {
        struct curl_slist *next = curl_slist_append(list, req->headers[i]);
        if (!next) {
            curl_slist_free_all(list);
            return NULL;
        }
        list = next;
    }
    return list;
}

static void set_options(CURL *c, const Fetch_request *req, Fetch_response *resp,
                        struct curl_slist *headers, char *curl_err)
{
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     req->connect_timeout_ms > 0 ? req->connect_timeout_ms : 3000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms > 0 ? req->timeout_ms : 10000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &resp->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp->headers);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
    if (req->cancel) {
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, cancelled);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, req->cancel);
    }
    if (!strcmp(req->method, "HEAD"))
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (req->body_len || strcmp(req->method, "GET")) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? (const char *)req->body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    }
}

/* The failures botocore's standard mode retries as ConnectionError or
 * HTTPClientError: the network or the peer, not the request. A certificate
 * that does not verify is not among them: it will not verify on the next
 * attempt either, and a retry would only hide an interception. */
static bool transient(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM: return true;
    default: return false;
    }
}

int Fetch_perform(const Fetch_request *req, Fetch_response *resp, char *err, size_t errlen)
{
    memset(resp, 0, sizeof *resp);
    Awsbuf_init(&resp->body);
    Awsbuf_init(&resp->headers);
    Awsbuf_puts(&resp->body, "");
    pthread_once(&curl_once, init_curl);
    CURL *c = curl_easy_init();
    struct curl_slist *headers = c ? header_list(req) : NULL;
    if (!c || !headers) {
        snprintf(err, errlen, "%s %s: cannot set up libcurl", req->method, req->url);
        curl_slist_free_all(headers);
        curl_easy_cleanup(c);
        return -1;
    }
    char curl_err[CURL_ERROR_SIZE] = "";
    set_options(c, req, resp, headers, curl_err);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) {
        resp->transient = transient(rc);
        snprintf(err, errlen, "%s %s: %s", req->method, req->url,
                 rc == CURLE_ABORTED_BY_CALLBACK ? "cancelled"
                 : curl_err[0]                   ? curl_err
                                                 : curl_easy_strerror(rc));
        return -1;
    }
    return 0;
}

const char *Fetch_response_header(const Fetch_response *resp, const char *name, char *buf,
                                  size_t size)
{
    size_t nlen = strlen(name);
    /* Only the last header block counts (a 100 Continue may precede it). */
    const char *block = resp->headers.data ? resp->headers.data : "";
    for (const char *p = strstr(block, "\r\n\r\nHTTP/"); p; p = strstr(p + 4, "\r\n\r\nHTTP/"))
        block = p + 4;
    for (const char *line = block; *line;) {
        size_t len = strcspn(line, "\r\n");
        if (len > nlen && line[nlen] == ':' && !strncasecmp(line, name, nlen)) {
            const char *v = line + nlen + 1;
            while (*v == ' ' || *v == '\t')
                v++;
            size_t vlen = (size_t)(line + len - v);
            while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                vlen--;
            snprintf(buf, size, "%.*s", (int)vlen, v);
            return buf;
        }
        line += len;
        line += strspn(line, "\r\n");
    }
    return NULL;
}

void Fetch_response_free(Fetch_response *resp)
{
    Awsbuf_free(&resp->body);
    Awsbuf_free(&resp->headers);
    resp->status = 0;
}
