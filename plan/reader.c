#include "plan/reader.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool Reader_fail(const Reader *r, JsoncPos at, const char *fmt, ...)
{
    int n = snprintf(r->err, r->errsize, "%s:%d:%d: ", r->name, at.line, at.col);
    if (n >= 0 && (size_t)n < r->errsize) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err + n, r->errsize - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

bool Reader_out_of_memory(const Reader *r)
{
    return Reader_fail(r, Jsonc_root_pos(r->doc), "out of memory while reading the plan");
}

JsoncPos Reader_obj_pos(const Reader *r, const ReaderObj *o)
{
    JsoncPos pos = Jsonc_root_pos(r->doc);
    if (o->jso)
        Jsonc_value_pos(r->doc, o->jso, &pos);
    return pos;
}

JsoncPos Reader_key_pos(const Reader *r, const ReaderObj *o, const char *key)
{
    JsoncPos pos = Reader_obj_pos(r, o);
    Jsonc_member_pos(r->doc, o->jso, key, &pos, NULL);
    return pos;
}

JsoncPos Reader_value_pos(const Reader *r, const ReaderObj *o, const char *key)
{
    JsoncPos pos = Reader_obj_pos(r, o);
    Jsonc_member_pos(r->doc, o->jso, key, NULL, &pos);
    return pos;
}

void Reader_path(const ReaderObj *o, const char *key, char *out, size_t size)
{
    if (o->path[0])
        snprintf(out, size, "%s.%s", o->path, key);
    else
        snprintf(out, size, "%s", key);
}

ReaderObj Reader_root(const Reader *r)
{
    ReaderObj root = {.jso = Jsonc_root(r->doc)};
    return root;
}

bool Reader_has(const ReaderObj *o, const char *key)
{
    return o->jso && json_object_object_get_ex(o->jso, key, NULL);
}

static const char *Reader_kind(json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null: return "null";
    case json_type_boolean: return json_object_get_boolean(v) ? "true" : "false";
    case json_type_double: return "a number with a fraction or exponent";
    case json_type_int: return "an integer";
    case json_type_object: return "an object";
    case json_type_array: return "an array";
    case json_type_string: return json_object_get_string_len(v) ? "a string" : "an empty string";
    }
    return "a value";
}

void Reader_join(const char *const names[], char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; names[i] && used < size; i++) {
        int n = snprintf(out + used, size - used, "%s%s", i ? ", " : "", names[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

void Reader_free_strings(char **strings)
{
    for (size_t i = 0; strings && strings[i]; i++)
        free(strings[i]);
    free(strings);
}

/* Edit distance, capped: enough to say "did you mean" for a typo. */
static size_t Reader_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t row[33];
    if (la > 32 || lb > 32)
        return SIZE_MAX;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (tolower((unsigned char)a[i - 1]) != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static const char *Reader_near_miss(const char *key, const char *const allowed[])
{
    const char *best = NULL;
    size_t best_distance = 3;
    for (size_t i = 0; allowed[i]; i++) {
        size_t d = Reader_distance(key, allowed[i]);
        if (d < best_distance) {
            best = allowed[i];
            best_distance = d;
        }
    }
    return best;
}

static bool Reader_allowed(const char *key, const char *const allowed[])
{
    for (size_t i = 0; allowed[i]; i++) {
        if (strcmp(key, allowed[i]) == 0)
            return true;
    }
    return false;
}

static bool Reader_unknown_key(const Reader *r, const ReaderObj *o, const char *key,
                               const char *const allowed[], const char *method)
{
    char list[512], where[160], hint[96] = "";
    Reader_join(allowed, list, sizeof list);
    if (method)
        snprintf(where, sizeof where, "%s with method \"%s\"", o->path, method);
    else
        snprintf(where, sizeof where, "%s", o->path[0] ? o->path : "the top level");
    const char *near = Reader_near_miss(key, allowed);
    if (near)
        snprintf(hint, sizeof hint, " (did you mean \"%s\"?)", near);
    return Reader_fail(r, Reader_key_pos(r, o, key),
                       "unknown key \"%.64s\" in %s%s; expected one of: %s", key, where, hint,
                       list);
}

bool Reader_allow_keys(const Reader *r, const ReaderObj *o, const char *const allowed[],
                       const char *method)
{
    if (!o->jso)
        return true;
    struct json_object_iterator it = json_object_iter_begin(o->jso);
    struct json_object_iterator end = json_object_iter_end(o->jso);
    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
        const char *key = json_object_iter_peek_name(&it);
        if (!Reader_allowed(key, allowed))
            return Reader_unknown_key(r, o, key, allowed, method);
    }
    return true;
}

bool Reader_missing(const Reader *r, const ReaderObj *o, const char *key)
{
    return Reader_fail(r, Reader_obj_pos(r, o), "%s: missing required key \"%s\"",
                       o->path[0] ? o->path : "the plan", key);
}

bool Reader_type_error(const Reader *r, const ReaderObj *o, const char *key, const char *expected)
{
    char path[160];
    json_object *v = NULL;
    json_object_object_get_ex(o->jso, key, &v);
    Reader_path(o, key, path, sizeof path);
    return Reader_fail(r, Reader_value_pos(r, o, key), "%s: expected %s, got %s", path, expected,
                       Reader_kind(v));
}

/* The member's value, or false when the key is absent. */
static bool Reader_get(const ReaderObj *o, const char *key, json_object **v)
{
    *v = NULL;
    return o->jso && json_object_object_get_ex(o->jso, key, v);
}

static bool Reader_copy(const Reader *r, const char *value, char **out)
{
    char *copy = strdup(value);
    if (!copy)
        return Reader_out_of_memory(r);
    free(*out);
    *out = copy;
    return true;
}

/* Escaped control characters (\u001b, \n) would reach the terminal, the
 * audit log and HTTP headers as they are; only texts may hold line breaks. */
static int Reader_control_char(const char *s, bool text)
{
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        bool allowed = text && (*c == '\t' || *c == '\n' || *c == '\r');
        if ((*c < 0x20 || *c == 0x7F) && !allowed)
            return *c;
    }
    return -1;
}

static bool Reader_printable(const Reader *r, const ReaderObj *o, const char *key,
                             const char *value, bool text)
{
    char path[160];
    int c = Reader_control_char(value, text);
    if (c < 0)
        return true;
    Reader_path(o, key, path, sizeof path);
    return Reader_fail(r, Reader_value_pos(r, o, key),
                       "%s: control character 0x%02X in the string; expected %s", path, (unsigned)c,
                       text ? "text (tabs and line breaks allowed)" : "one line of text");
}

bool Reader_string(const Reader *r, const ReaderObj *o, const char *key, bool required, char **out)
{
    json_object *v;
    if (!Reader_get(o, key, &v))
        return required ? Reader_missing(r, o, key) : true;
    if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) == 0)
        return Reader_type_error(r, o, key, "a non-empty string");
    return Reader_printable(r, o, key, json_object_get_string(v), false) &&
           Reader_copy(r, json_object_get_string(v), out);
}

bool Reader_text(const Reader *r, const ReaderObj *o, const char *key, char **out)
{
    json_object *v;
    if (!Reader_get(o, key, &v))
        return true;
    if (!json_object_is_type(v, json_type_string))
        return Reader_type_error(r, o, key, "a string");
    return Reader_printable(r, o, key, json_object_get_string(v), true) &&
           Reader_copy(r, json_object_get_string(v), out);
}

bool Reader_int(const Reader *r, const ReaderObj *o, const char *key, int min, int max, int *out)
{
    json_object *v;
    char expected[64], path[160];
    if (!Reader_get(o, key, &v))
        return true;
    snprintf(expected, sizeof expected, "an integer %d-%d", min, max);
    if (!json_object_is_type(v, json_type_int))
        return Reader_type_error(r, o, key, expected);
    int64_t value = json_object_get_int64(v);
    if (value < min || value > max) {
        Reader_path(o, key, path, sizeof path);
        return Reader_fail(r, Reader_value_pos(r, o, key), "%s: expected %s, got %lld", path,
                           expected, (long long)value);
    }
    *out = (int)value;
    return true;
}

bool Reader_number(const Reader *r, const ReaderObj *o, const char *key, double min, double max,
                   double *out)
{
    json_object *v;
    char expected[64], path[160];
    if (!Reader_get(o, key, &v))
        return true;
    snprintf(expected, sizeof expected, "a number %g-%g", min, max);
    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
        return Reader_type_error(r, o, key, expected);
    double value = json_object_get_double(v);
    if (value < min || value > max) {
        Reader_path(o, key, path, sizeof path);
        return Reader_fail(r, Reader_value_pos(r, o, key), "%s: expected %s, got %g", path,
                           expected, value);
    }
    *out = value;
    return true;
}

bool Reader_bool(const Reader *r, const ReaderObj *o, const char *key, bool *out)
{
    json_object *v;
    if (!Reader_get(o, key, &v))
        return true;
    if (!json_object_is_type(v, json_type_boolean))
        return Reader_type_error(r, o, key, "true or false");
    *out = json_object_get_boolean(v);
    return true;
}

bool Reader_enum(const Reader *r, const ReaderObj *o, const char *key, const char *const names[],
                 bool required, int *out)
{
    json_object *v;
    char list[256], expected[300], path[160];
    if (!Reader_get(o, key, &v))
        return required ? Reader_missing(r, o, key) : true;
    Reader_join(names, list, sizeof list);
    snprintf(expected, sizeof expected, "one of: %s", list);
    if (!json_object_is_type(v, json_type_string))
        return Reader_type_error(r, o, key, expected);
    const char *value = json_object_get_string(v);
    for (int i = 0; names[i]; i++) {
        if (strcmp(value, names[i]) == 0) {
            *out = i;
            return true;
        }
    }
    Reader_path(o, key, path, sizeof path);
    return Reader_fail(r, Reader_value_pos(r, o, key), "%s: unknown value \"%.40s\"; expected %s",
                       path, value, expected);
}

bool Reader_object(const Reader *r, const ReaderObj *o, const char *key, bool required,
                   ReaderObj *out)
{
    json_object *v;
    out->jso = NULL;
    Reader_path(o, key, out->path, sizeof out->path);
    if (!Reader_get(o, key, &v))
        return required ? Reader_missing(r, o, key) : true;
    if (!json_object_is_type(v, json_type_object))
        return Reader_type_error(r, o, key, "an object { ... }");
    out->jso = v;
    return true;
}

static bool Reader_element_string(const Reader *r, const ReaderObj *o, const char *key,
                                  json_object *arr, size_t i, char **out)
{
    json_object *e = json_object_array_get_idx(arr, i);
    if (json_object_is_type(e, json_type_string) && json_object_get_string_len(e) > 0 &&
        Reader_control_char(json_object_get_string(e), false) < 0) {
        *out = strdup(json_object_get_string(e));
        return *out ? true : Reader_out_of_memory(r);
    }
    char path[160];
    JsoncPos at = Reader_value_pos(r, o, key);
    Jsonc_element_pos(r->doc, arr, i, &at);
    Reader_path(o, key, path, sizeof path);
    if (json_object_is_type(e, json_type_string) && json_object_get_string_len(e) > 0)
        return Reader_fail(r, at,
                           "%s[%zu]: control character in the string; expected one line "
                           "of text",
                           path, i);
    return Reader_fail(r, at, "%s[%zu]: expected a non-empty string, got %s", path, i,
                       Reader_kind(e));
}

bool Reader_strings(const Reader *r, const ReaderObj *o, const char *key, bool required,
                    char ***out, size_t *count)
{
    json_object *v;
    if (!Reader_get(o, key, &v))
        return required ? Reader_missing(r, o, key) : true;
    if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) == 0)
        return Reader_type_error(r, o, key, "a non-empty array of strings");
    size_t n = json_object_array_length(v);
    char **strings = calloc(n + 1, sizeof *strings);
    if (!strings)
        return Reader_out_of_memory(r);
    for (size_t i = 0; i < n; i++) {
        if (!Reader_element_string(r, o, key, v, i, &strings[i])) {
            Reader_free_strings(strings);
            return false;
        }
    }
    Reader_free_strings(*out);
    *out = strings;
    *count = n;
    return true;
}

bool Reader_env_name(const char *name)
{
    if (!isalpha((unsigned char)name[0]) && name[0] != '_')
        return false;
    for (const char *c = name; *c; c++) {
        if (!isalnum((unsigned char)*c) && *c != '_')
            return false;
    }
    return true;
}

static const char *const Reader_secret_sources[] = {"env", "option_file", "aws_secret", NULL};

/* Exactly one of env / option_file / aws_secret. */
static bool Reader_secret_kind(const Reader *r, const ReaderObj *ref, SecretKind *kind)
{
    const char *first = NULL;
    *kind = SECRET_NONE;
    for (int i = 0; Reader_secret_sources[i]; i++) {
        const char *source = Reader_secret_sources[i];
        if (!Reader_has(ref, source))
            continue;
        if (first)
            return Reader_fail(r, Reader_key_pos(r, ref, source),
                               "%s: both \"%s\" and \"%s\" given; expected exactly one source",
                               ref->path, first, source);
        first = source;
        *kind = (SecretKind)(SECRET_ENV + i);
    }
    if (!first)
        return Reader_fail(r, Reader_obj_pos(r, ref),
                           "%s: no password source; expected \"env\", \"option_file\" or "
                           "\"aws_secret\"",
                           ref->path);
    if (Reader_has(ref, "group") && *kind != SECRET_OPTION_FILE)
        return Reader_fail(r, Reader_key_pos(r, ref, "group"),
                           "%s.group: only used with \"option_file\"; expected no \"group\" here",
                           ref->path);
    if (Reader_has(ref, "field") && *kind != SECRET_AWS_SECRET)
        return Reader_fail(r, Reader_key_pos(r, ref, "field"),
                           "%s.field: only used with \"aws_secret\"; expected no \"field\" here",
                           ref->path);
    return true;
}

static bool Reader_secret_fields(const Reader *r, const ReaderObj *ref, SecretRef *out)
{
    switch (out->kind) {
    case SECRET_ENV:
        if (!Reader_string(r, ref, "env", true, &out->env))
            return false;
        if (!Reader_env_name(out->env))
            return Reader_fail(r, Reader_value_pos(r, ref, "env"),
                               "%s.env: \"%.64s\" is not a variable name; expected letters, "
                               "digits and _",
                               ref->path, out->env);
        return true;
    case SECRET_OPTION_FILE:
        if (!Reader_string(r, ref, "option_file", true, &out->file))
            return false;
        if (!Reader_has(ref, "group"))
            return Reader_copy(r, "client", &out->group);
        return Reader_string(r, ref, "group", true, &out->group);
    case SECRET_AWS_SECRET:
        return Reader_string(r, ref, "aws_secret", true, &out->secret_id) &&
               Reader_string(r, ref, "field", false, &out->field);
    case SECRET_NONE: break;
    }
    return false;
}

bool Reader_secret(const Reader *r, const ReaderObj *o, const char *key, bool required,
                   SecretRef *out)
{
    static const char *const keys[] = {"env", "option_file", "group", "aws_secret", "field", NULL};
    json_object *v;
    char path[160];
    if (!Reader_get(o, key, &v))
        return required ? Reader_missing(r, o, key) : true;
    if (json_object_is_type(v, json_type_string)) {
        Reader_path(o, key, path, sizeof path);
        return Reader_fail(r, Reader_value_pos(r, o, key),
                           "%s: passwords are never inline; expected a reference: "
                           "{ \"env\": \"VARIABLE\" }, { \"option_file\": \"FILE\", \"group\": "
                           "\"GROUP\" } or { \"aws_secret\": \"ARN\" }",
                           path);
    }
    ReaderObj ref;
    return Reader_object(r, o, key, true, &ref) && Reader_allow_keys(r, &ref, keys, NULL) &&
           Reader_secret_kind(r, &ref, &out->kind) && Reader_secret_fields(r, &ref, out);
}
