/* Typed, position-aware reading of the plan's JSON objects. Every reader
 * returns true when the key was absent (leaving the default in place) or
 * read correctly, and false after writing one message of the form
 * "FILE:LINE:COL: PATH: what was wrong; expected ..." into the reader's
 * error buffer. Readers chain with &&, so the first error stops the load. */
#ifndef CUTOVER_PLAN_READER_H
#define CUTOVER_PLAN_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "plan/jsonc.h"
#include "plan/plan.h"

typedef struct Reader {
    const char *name; /* the file, as messages name it */
    const JsoncDoc *doc;
    char *err;
    size_t errsize;
} Reader;

/* An object of the plan and its dotted path ("source", "maintenance.on";
 * "" for the top level). jso is NULL when an optional object is absent. */
typedef struct ReaderObj {
    json_object *jso;
    char path[96];
} ReaderObj;

/* Writes "FILE:LINE:COL: message" and returns false. */
bool Reader_fail(const Reader *r, JsoncPos at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

bool Reader_out_of_memory(const Reader *r);

/* Where things start, for messages: the object itself, a member's key, a
 * member's value (each falling back to the object's position). */
JsoncPos Reader_obj_pos(const Reader *r, const ReaderObj *o);
JsoncPos Reader_key_pos(const Reader *r, const ReaderObj *o, const char *key);
JsoncPos Reader_value_pos(const Reader *r, const ReaderObj *o, const char *key);

/* "source.port" for key "port" of "source". */
void Reader_path(const ReaderObj *o, const char *key, char *out, size_t size);

/* The top-level object. */
ReaderObj Reader_root(const Reader *r);

/* True when the object has the member (even if its value is null). */
bool Reader_has(const ReaderObj *o, const char *key);

/* Unknown keys are errors: names the first key of o not in allowed (a NULL
 * terminated list), suggests a near miss, lists the allowed keys. method,
 * when not NULL, says which method the list belongs to. */
bool Reader_allow_keys(const Reader *r, const ReaderObj *o, const char *const allowed[],
                       const char *method);

bool Reader_missing(const Reader *r, const ReaderObj *o, const char *key);
bool Reader_type_error(const Reader *r, const ReaderObj *o, const char *key, const char *expected);

/* A non-empty string without control characters, copied into *out
 * (replacing and freeing a default). */
bool Reader_string(const Reader *r, const ReaderObj *o, const char *key, bool required, char **out);
/* Like Reader_string, but the empty string, tabs and line breaks are
 * allowed (an HTTP body). */
bool Reader_text(const Reader *r, const ReaderObj *o, const char *key, char **out);
bool Reader_int(const Reader *r, const ReaderObj *o, const char *key, int min, int max, int *out);
bool Reader_number(const Reader *r, const ReaderObj *o, const char *key, double min, double max,
                   double *out);
bool Reader_bool(const Reader *r, const ReaderObj *o, const char *key, bool *out);

/* A string from names (NULL terminated); *out is its index. */
bool Reader_enum(const Reader *r, const ReaderObj *o, const char *key, const char *const names[],
                 bool required, int *out);

/* A nested object; out->jso stays NULL when it is absent and optional. */
bool Reader_object(const Reader *r, const ReaderObj *o, const char *key, bool required,
                   ReaderObj *out);

/* A non-empty array of non-empty strings, as a NULL-terminated copy. */
bool Reader_strings(const Reader *r, const ReaderObj *o, const char *key, bool required,
                    char ***out, size_t *count);

/* A password reference: { "env": V } | { "option_file": F, "group": G } |
 * { "aws_secret": ID }. A plain string is refused, never echoed. */
bool Reader_secret(const Reader *r, const ReaderObj *o, const char *key, bool required,
                   SecretRef *out);

/* "a, b, c" from a NULL-terminated list. */
/* An environment variable's name: letters, digits and _, not a digit first. */
bool Reader_env_name(const char *name);

void Reader_join(const char *const names[], char *out, size_t size);

/* Frees a NULL-terminated string array. */
void Reader_free_strings(char **strings);

#endif
