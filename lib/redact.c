#include "lib/redact.h"

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Kept sorted longest first, so a secret that contains another is masked
 * whole rather than leaving its remainder visible. */
static struct {
    pthread_mutex_t lock;
    char **secrets;
    size_t count;
    size_t capacity;
} Redact_registry = {PTHREAD_MUTEX_INITIALIZER, NULL, 0, 0};

static bool Redact_known(const char *secret)
{
    for (size_t i = 0; i < Redact_registry.count; i++) {
        if (strcmp(Redact_registry.secrets[i], secret) == 0)
            return true;
    }
    return false;
}

static bool Redact_grow(void)
{
    if (Redact_registry.count < Redact_registry.capacity)
        return true;
    size_t capacity = Redact_registry.capacity ? Redact_registry.capacity * 2 : 16;
    char **secrets = realloc(Redact_registry.secrets, capacity * sizeof *secrets);
    if (!secrets)
        return false;
    Redact_registry.secrets = secrets;
    Redact_registry.capacity = capacity;
    return true;
}

static void Redact_insert_sorted(char *copy)
{
    size_t len = strlen(copy);
    size_t at = Redact_registry.count;
    while (at > 0 && strlen(Redact_registry.secrets[at - 1]) < len) {
        Redact_registry.secrets[at] = Redact_registry.secrets[at - 1];
        at--;
    }
    Redact_registry.secrets[at] = copy;
    Redact_registry.count++;
}

void Redact_register(const char *secret)
{
    if (!secret || !secret[0])
        return;
    pthread_mutex_lock(&Redact_registry.lock);
    if (!Redact_known(secret) && Redact_grow()) {
        char *copy = strdup(secret);
        if (copy)
            Redact_insert_sorted(copy);
    }
    pthread_mutex_unlock(&Redact_registry.lock);
}

/* The mask is never longer than a registered secret, so the text only
 * shrinks and the buffer size is not needed here. */
static size_t Redact_splice(char *text, size_t size, size_t from, size_t to);

static bool Redact_word_char(char c)
{
    return isalnum((unsigned char)c) != 0;
}

/* A short secret counts only as a whole word: "ab" in "tab" is not it. */
static bool Redact_stands_alone(const char *text, const char *hit, size_t slen)
{
    if (slen >= REDACT_MIN_LENGTH)
        return true;
    bool before = hit > text && Redact_word_char(hit[-1]);
    bool after = Redact_word_char(hit[slen]);
    return !before && !after;
}

static void Redact_mask_one(char *text, size_t size, const char *secret)
{
    size_t slen = strlen(secret);
    size_t mlen = strlen(REDACT_MASK);
    char *hit = text;
    while ((hit = strstr(hit, secret)) != NULL) {
        if (!Redact_stands_alone(text, hit, slen)) {
            hit += slen;
            continue;
        }
        if (slen >= mlen) {
            memcpy(hit, REDACT_MASK, mlen);
            memmove(hit + mlen, hit + slen, strlen(hit + slen) + 1);
            hit += mlen;
        } else {
            hit =
                text + Redact_splice(text, size, (size_t)(hit - text), (size_t)(hit - text) + slen);
        }
    }
}

void Redact_apply(char *text, size_t size)
{
    if (!text || size == 0)
        return;
    text[size - 1] = '\0';
    pthread_mutex_lock(&Redact_registry.lock);
    for (size_t i = 0; i < Redact_registry.count; i++)
        Redact_mask_one(text, size, Redact_registry.secrets[i]);
    pthread_mutex_unlock(&Redact_registry.lock);
    Redact_url_password(text, size);
    Redact_keyed_password(text, size);
}

/* Characters that may appear in the user:password part of a URL we hide.
 * Stopping at blanks and quotes keeps "://" inside prose from eating text. */
static bool Redact_userinfo_char(char c)
{
    return c != '\0' && c != '/' && c != '@' && c != ' ' && c != '\t' && c != '\n' && c != '"' &&
           c != '\'' && c != '?' && c != '#';
}

/* A password may itself hold an unencoded '@': the userinfo ends at the
 * last '@' before the host, so nothing of the password stays visible. */
static size_t Redact_last_at(const char *text, size_t at)
{
    while (text[at] == '@') {
        size_t next = at + 1;
        while (Redact_userinfo_char(text[next]))
            next++;
        if (text[next] != '@')
            break;
        at = next;
    }
    return at;
}

/* Replaces text[from, to) with the mask, cutting the end of the text if the
 * mask is longer and the buffer is full. Returns the index after the mask. */
static size_t Redact_splice(char *text, size_t size, size_t from, size_t to)
{
    size_t mlen = strlen(REDACT_MASK);
    size_t tail = strlen(text + to);
    if (from + mlen >= size) {
        text[from] = '\0';
        return from;
    }
    if (from + mlen + tail >= size)
        tail = size - 1 - from - mlen;
    memmove(text + from + mlen, text + to, tail);
    memcpy(text + from, REDACT_MASK, mlen);
    text[from + mlen + tail] = '\0';
    return from + mlen;
}

void Redact_url_password(char *text, size_t size)
{
    if (!text || size == 0)
        return;
    size_t i = 0;
    char *scheme;
    while ((scheme = strstr(text + i, "://")) != NULL) {
        size_t start = (size_t)(scheme - text) + 3;
        size_t end = start;
        size_t colon = 0;
        while (Redact_userinfo_char(text[end])) {
            if (text[end] == ':' && colon == 0)
                colon = end;
            end++;
        }
        end = Redact_last_at(text, end);
        i = end;
        if (text[end] != '@' || colon == 0)
            continue;
        if (strncmp(text + colon + 1, REDACT_MASK "@", strlen(REDACT_MASK) + 1) == 0)
            continue;
        i = Redact_splice(text, size, colon + 1, end);
    }
}

static const char *const Redact_password_keys[] = {"pwd", "password", "passwd"};

/* The key ending at text[eq] ('=' there), when it is a password key that
 * starts a field (after the start, ';', a blank, '?' or '&'). */
static bool Redact_is_password_key(const char *text, size_t eq)
{
    for (size_t k = 0; k < sizeof Redact_password_keys / sizeof Redact_password_keys[0]; k++) {
        size_t n = strlen(Redact_password_keys[k]);
        if (eq < n || strncasecmp(text + eq - n, Redact_password_keys[k], n) != 0)
            continue;
        char before = eq == n ? ';' : text[eq - n - 1];
        if (before == ';' || before == ' ' || before == '\t' || before == '?' || before == '&')
            return true;
    }
    return false;
}

/* Where a keyed value starting at text[from] ends. */
static size_t Redact_value_end(const char *text, size_t from)
{
    char open = text[from];
    char close = open == '{' ? '}' : (open == '"' || open == '\'') ? open : 0;
    if (close) {
        const char *end = strchr(text + from + 1, close);
        return end ? (size_t)(end - text) + 1 : strlen(text);
    }
    size_t end = from;
    while (text[end] && text[end] != ';' && text[end] != ' ' && text[end] != '\t' &&
           text[end] != '\n' && text[end] != '&' && text[end] != '"')
        end++;
    return end;
}

void Redact_keyed_password(char *text, size_t size)
{
    if (!text || size == 0)
        return;
    for (size_t i = 0; text[i]; i++) {
        if (text[i] != '=' || !Redact_is_password_key(text, i))
            continue;
        size_t from = i + 1, end = Redact_value_end(text, from);
        if (end == from || (end - from == strlen(REDACT_MASK) &&
                            strncmp(text + from, REDACT_MASK, end - from) == 0))
            continue;
        i = Redact_splice(text, size, from, end) - 1;
    }
}

size_t Redact_count(void)
{
    pthread_mutex_lock(&Redact_registry.lock);
    size_t count = Redact_registry.count;
    pthread_mutex_unlock(&Redact_registry.lock);
    return count;
}

void Redact_clear(void)
{
    pthread_mutex_lock(&Redact_registry.lock);
    for (size_t i = 0; i < Redact_registry.count; i++) {
        explicit_bzero(Redact_registry.secrets[i], strlen(Redact_registry.secrets[i]));
        free(Redact_registry.secrets[i]);
    }
    free(Redact_registry.secrets);
    Redact_registry.secrets = NULL;
    Redact_registry.count = Redact_registry.capacity = 0;
    pthread_mutex_unlock(&Redact_registry.lock);
}
