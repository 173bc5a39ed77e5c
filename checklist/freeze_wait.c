/* The freeze gate's wait: a bus queue of its own, attached for the wait
 * only, so the gate judges exactly the figures the lead sees (and the
 * recording keeps), taken after the key was pressed. */
#include <stdio.h>

#include "checklist/freeze_gate.h"
#include "lib/clock.h"
#include "session/bus.h"
#include "verify/verifier.h"

enum { GATE_POLL_MS = 100, GATE_PROGRESS_MS = 1000, GATE_BATCH = 64 };

static void FreezeGate_take(FreezeGate *g, BusQueue *q, Verifier *verifier)
{
    Event evs[GATE_BATCH];
    size_t n = BusQueue_wait(q, evs, GATE_BATCH, GATE_POLL_MS);
    while (n > 0) {
        for (size_t i = 0; i < n; i++)
            FreezeGate_feed(g, &evs[i]);
        n = BusQueue_take(q, evs, GATE_BATCH);
    }
    if (verifier) {
        VerifyCoverage cov = Verifier_coverage(verifier);
        FreezeGate_verify(g, cov.chunks, cov.never);
    }
}

void FreezeGate_wait(const PlanFreeze *cfg, Bus *bus, Verifier *verifier, atomic_bool *cancel,
                     void (*progress)(void *ctx, const char *text), void *ctx, GateOutcome *out)
{
    FreezeGate g;
    int64_t start = Clock_mono_ms(), now = start, told = 0;
    FreezeGate_init(&g, cfg, verifier && cfg->wait_for_verify, start);
    BusQueue *q = Bus_attach(bus, 0);
    out->state = GATE_WAITING;
    if (!q) {
        snprintf(out->text, sizeof out->text, "cannot read the figures (no bus queue left)");
        out->state = GATE_TIMED_OUT;
        out->waited_ms = 0;
        return;
    }
    while (!atomic_load(cancel)) {
        FreezeGate_take(&g, q, verifier);
        now = Clock_mono_ms();
        out->state = FreezeGate_state(&g, now);
        if (out->state != GATE_WAITING)
            break;
        if (progress && now - told >= GATE_PROGRESS_MS) {
            char line[EVENT_TEXT_MAX];
            told = now;
            FreezeGate_describe(&g, out->text, sizeof out->text);
            snprintf(line, sizeof line, "%lld s left: %s", (long long)FreezeGate_left_s(&g, now),
                     out->text);
            progress(ctx, line);
        }
    }
    Bus_detach(bus, q);
    out->waited_ms = now - start;
    FreezeGate_describe(&g, out->text, sizeof out->text);
}
