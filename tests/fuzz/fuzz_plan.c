/* libFuzzer harness: the plan parser (JSONC reader and validation) on
 * arbitrary bytes. A plan is operator input read on the worst night of the
 * year: anything that is not a valid plan must come back as NULL with a
 * message naming where it went wrong, never a crash, hang or leak.
 * Built and run by tests/integration/fuzz_parsers.sh. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Plan_parse takes a length, but a NUL-terminated copy also catches a
     * reader that runs past it looking for one. */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[1024] = "";
    Plan *plan = Plan_parse("fuzz.jsonc", text, size, err, sizeof err);
    if (!plan && !err[0]) {
        fprintf(stderr, "fuzz_plan: a plan was refused without a message\n");
        abort();
    }
    Plan_free(plan);
    free(text);
    return 0;
}
