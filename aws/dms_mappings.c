#include "aws/dms_mappings.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { RULE_INCLUDE, RULE_EXCLUDE } RuleAction;

typedef struct {
    RuleAction action;
    char schema[128];
    char table[128];
} Rule;

struct DmsMappings {
    Rule *rules;
    size_t n;
};

bool DmsMappings_like(const char *p, const char *s)
{
    if (*p == '\0')
        return *s == '\0';
    if (*p == '%') {
        for (const char *t = s;; t++) {
            if (DmsMappings_like(p + 1, t))
                return true;
            if (*t == '\0')
                return false;
        }
    }
    return *s == *p && DmsMappings_like(p + 1, s + 1);
}

static const char *Map_str(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* One selection rule into r; 1 taken, 0 not a selection rule, -1 error. */
static int Map_rule(json_object *o, size_t i, Rule *r, char *err, size_t errlen)
{
    const char *type = Map_str(o, "rule-type");
    if (!type) {
        snprintf(err, errlen, "TableMappings: rule %zu has no \"rule-type\"", i + 1);
        return -1;
    }
    if (strcmp(type, "selection") != 0)
        return 0;
    const char *action = Map_str(o, "rule-action");
    json_object *loc = NULL;
    json_object_object_get_ex(o, "object-locator", &loc);
    const char *schema = Map_str(loc, "schema-name"), *table = Map_str(loc, "table-name");
    if (!action || !schema || !table) {
        snprintf(err, errlen,
                 "TableMappings: selection rule %zu needs \"rule-action\" and an "
                 "\"object-locator\" with \"schema-name\" and \"table-name\"",
                 i + 1);
        return -1;
    }
    if (strcmp(action, "include") == 0 || strcmp(action, "explicit") == 0)
        r->action = RULE_INCLUDE;
    else if (strcmp(action, "exclude") == 0)
        r->action = RULE_EXCLUDE;
    else {
        snprintf(err, errlen, "TableMappings: selection rule %zu: unknown rule-action \"%s\"",
                 i + 1, action);
        return -1;
    }
    snprintf(r->schema, sizeof r->schema, "%s", schema);
    snprintf(r->table, sizeof r->table, "%s", table);
    return 1;
}

static int Map_rules(DmsMappings *m, json_object *rules, char *err, size_t errlen)
{
    size_t n = json_object_array_length(rules);
    m->rules = calloc(n ? n : 1, sizeof *m->rules);
    if (!m->rules) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        int rc = Map_rule(json_object_array_get_idx(rules, i), i, &m->rules[m->n], err, errlen);
        if (rc < 0)
            return -1;
        m->n += (size_t)rc;
    }
    return 0;
}

DmsMappings *DmsMappings_parse(const char *json, char *err, size_t errlen)
{
    json_object *root = json ? json_tokener_parse(json) : NULL, *rules = NULL;
    if (!root || !json_object_object_get_ex(root, "rules", &rules) ||
        !json_object_is_type(rules, json_type_array)) {
        snprintf(err, errlen, "TableMappings: %s", root ? "no \"rules\" array" : "not valid JSON");
        json_object_put(root);
        return NULL;
    }
    DmsMappings *m = calloc(1, sizeof *m);
    if (!m || Map_rules(m, rules, err, errlen) != 0) {
        DmsMappings_free(m);
        m = NULL;
    }
    json_object_put(root);
    return m;
}

void DmsMappings_free(DmsMappings *m)
{
    if (!m)
        return;
    free(m->rules);
    free(m);
}

bool DmsMappings_carries(const DmsMappings *m, const char *schema, const char *table)
{
    bool included = false;
    for (size_t i = 0; m && i < m->n; i++) {
        const Rule *r = &m->rules[i];
        if (!DmsMappings_like(r->schema, schema) || !DmsMappings_like(r->table, table))
            continue;
        if (r->action == RULE_EXCLUDE)
            return false;
        included = true;
    }
    return included;
}

bool DmsMappings_carries_table(const DmsMappings *m, const char *qualified)
{
    char schema[256];
    const char *dot = strchr(qualified, '.');
    if (!dot || (size_t)(dot - qualified) >= sizeof schema)
        return false;
    memcpy(schema, qualified, (size_t)(dot - qualified));
    schema[dot - qualified] = '\0';
    return DmsMappings_carries(m, schema, dot + 1);
}

bool DmsMappings_carries_schema(const DmsMappings *m, const char *schema)
{
    for (size_t i = 0; m && i < m->n; i++)
        if (m->rules[i].action == RULE_INCLUDE && DmsMappings_like(m->rules[i].schema, schema))
            return true;
    return false;
}
