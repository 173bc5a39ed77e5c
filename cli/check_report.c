/* The table or the JSON document of a check (check_report.h). */
#include "cli/check_report.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "lib/redact.h"

void CheckReport_begin(CheckReport *r, bool json, int width, const char *title)
{
    memset(r, 0, sizeof *r);
    r->json = json;
    r->width = width;
    if (json)
        r->checks = json_object_new_array();
    else
        printf("%s\n", title);
}

void CheckReport_line(CheckReport *r, const char *verdict, const char *check, const char *why)
{
    char text[600];
    snprintf(text, sizeof text, "%s", why);
    Redact_apply(text, sizeof text);
    if (strcmp(verdict, "FAIL") == 0)
        r->failed++;
    if (!r->json) {
        printf("%-4s  %-*s  %s\n", verdict, r->width, check, text);
        fflush(stdout); /* a slow check shows the ones before it */
        return;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "check", json_object_new_string(check));
    json_object_object_add(o, "verdict", json_object_new_string(verdict));
    json_object_object_add(o, "why", json_object_new_string(text));
    json_object_array_add(r->checks, o);
}

void CheckReport_end(CheckReport *r, const char *plan, const char *mode, const char *go_word,
                     const char *nogo_word)
{
    if (!r->json) {
        printf("%s\n", r->failed ? nogo_word : go_word);
        return;
    }
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "plan", json_object_new_string(plan ? plan : ""));
    json_object_object_add(doc, "mode", json_object_new_string(mode));
    json_object_object_add(doc, "go", json_object_new_boolean(r->failed == 0));
    json_object_object_add(doc, "failed", json_object_new_int(r->failed));
    json_object_object_add(doc, "checks", r->checks);
    printf("%s\n", json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
                                                           JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(doc);
    r->checks = NULL;
}
