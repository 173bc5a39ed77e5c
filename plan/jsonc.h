/* JSON with comments, parsed into json-c objects, remembering where every
 * value and every object key starts so that the plan's semantic checks can
 * point at the exact line and column.
 *
 * The grammar is RFC 8259 JSON plus // line comments and block comments,
 * a comma after the last member or element (so that commenting out the last
 * line of a list keeps the file valid), and a UTF-8 byte order mark at the
 * start is skipped. Rejected, each with a message naming the place: a lone
 * comma (",]" after "[" or two in a row), duplicate keys, \u0000 and raw
 * control characters in strings, invalid UTF-8, lone surrogates, numbers
 * outside the double range, nesting deeper than JSONC_MAX_DEPTH.
 * Lines and columns count from 1; a column counts characters (UTF-8 code
 * points), a tab counting as one. */
#ifndef CUTOVER_PLAN_JSONC_H
#define CUTOVER_PLAN_JSONC_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

#define JSONC_MAX_DEPTH 64

typedef struct JsoncPos {
    int line;
    int col;
} JsoncPos;

typedef struct JsoncDoc JsoncDoc;

/* Parses len bytes of text (NUL bytes inside are errors, not ends). On
 * failure returns NULL and writes "NAME:LINE:COL: what; expected what" into
 * err. */
JsoncDoc *Jsonc_parse(const char *name, const char *text, size_t len, char *err, size_t errsize);

void Jsonc_free(JsoncDoc *doc);

/* The top-level value (NULL for a document that is just `null`); owned by
 * the document. */
json_object *Jsonc_root(const JsoncDoc *doc);

/* Where the top-level value starts. */
JsoncPos Jsonc_root_pos(const JsoncDoc *doc);

/* Where the member `key` of object obj starts (its key) and where its value
 * starts. Works for null values too. False when obj has no such member. */
bool Jsonc_member_pos(const JsoncDoc *doc, const json_object *obj, const char *key,
                      JsoncPos *key_pos, JsoncPos *value_pos);

/* Where element index of array arr starts. */
bool Jsonc_element_pos(const JsoncDoc *doc, const json_object *arr, size_t index, JsoncPos *pos);

/* Where a (non-null) value of the document starts. */
bool Jsonc_value_pos(const JsoncDoc *doc, const json_object *value, JsoncPos *pos);

#endif
