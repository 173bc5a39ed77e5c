/* plan-check: validates plan files without connecting to anything, for
 * tests and for scripts that write plans (lab/up). Prints one line per
 * plan; exit 0 when every plan is valid, 2 when any is not (the status
 * `cutover check` gives a plan error). With --json, prints instead each
 * valid plan as plain JSON (comments and trailing commas gone), for tools
 * that read JSON only: the schema test validates plans through it. */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/jsonc.h"
#include "plan/plan.h"
#include "lib/read_file.h"

static int Plan_print_json(const char *path)
{
    char err[1024];
    size_t len;
    char *text = ReadFile_all(path, PLAN_MAX_BYTES, &len, err, sizeof err);
    if (!text)
        return fprintf(stderr, "%s\n", err), 2;
    JsoncDoc *doc = Jsonc_parse(path, text, len, err, sizeof err);
    free(text);
    if (!doc)
        return fprintf(stderr, "%s\n", err), 2;
    printf("%s\n", json_object_to_json_string_ext(
                       Jsonc_root(doc), JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
    Jsonc_free(doc);
    return 0;
}

static int Plan_check_one(const char *path, bool json)
{
    char err[1024];
    Plan *plan = Plan_load(path, err, sizeof err);
    if (!plan) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    int on = 0;
    for (int i = 0; i < STEP_KIND_COUNT; i++)
        on += plan->steps[i].enabled;
    if (!json) {
        printf("%s: ok: \"%s\", %d of %d steps on, sha256 ", path, plan->name, on, STEP_KIND_COUNT);
        for (size_t i = 0; i < sizeof plan->sha256; i++)
            printf("%02x", plan->sha256[i]);
        printf("\n");
    }
    Plan_free(plan);
    return json ? Plan_print_json(path) : 0;
}

int main(int argc, char **argv)
{
    int status = 0, first = 1;
    bool json = argc > 1 && strcmp(argv[1], "--json") == 0;
    first += json;
    if (argc <= first) {
        fprintf(stderr, "usage: plan-check [--json] PLAN...\n");
        return 2;
    }
    for (int i = first; i < argc; i++) {
        if (Plan_check_one(argv[i], json) != 0)
            status = 2;
    }
    return status;
}
