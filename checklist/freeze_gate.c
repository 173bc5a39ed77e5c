#include "checklist/freeze_gate.h"

#include <stdio.h>
#include <string.h>

#include "session/metrics.h"

void FreezeGate_init(FreezeGate *g, const PlanFreeze *cfg, bool verify_needed, int64_t now_ms)
{
    memset(g, 0, sizeof *g);
    g->cfg = *cfg;
    g->start_ms = now_ms;
    g->lag_s = -1;
    g->drain_s = -1;
    g->verify_needed = verify_needed;
}

static bool FreezeGate_under(const FreezeGate *g, double seconds)
{
    return seconds >= 0 && seconds * 1000.0 <= (double)g->cfg.max_lag_ms;
}

void FreezeGate_feed(FreezeGate *g, const Event *ev)
{
    if (ev->kind != EVENT_SAMPLE)
        return;
    if (strcmp(ev->key, M_LAG_HEARTBEAT_S) == 0 && ev->has_value) {
        g->lag_s = ev->value;
        g->lag_samples++;
        g->below = FreezeGate_under(g, ev->value) ? g->below + 1 : 0;
    } else if (strcmp(ev->key, M_CDC_DRAIN_S) == 0) {
        /* Text only: a backlog that nothing applies never drains. */
        g->drain_s = ev->has_value ? ev->value : -2;
    }
}

void FreezeGate_verify(FreezeGate *g, size_t chunks, size_t never)
{
    g->verify_known = true;
    g->verify_chunks = chunks;
    g->verify_never = never;
}

static bool FreezeGate_lag_ok(const FreezeGate *g)
{
    return g->below >= g->cfg.samples;
}

/* Only a topology that posts it (a native replica's backlog over its apply
 * rate) has a drain estimate apart from the lag; without one the lag is it. */
static bool FreezeGate_drain_ok(const FreezeGate *g)
{
    return g->drain_s == -1 || FreezeGate_under(g, g->drain_s);
}

static bool FreezeGate_verify_ok(const FreezeGate *g)
{
    return !g->verify_needed || (g->verify_known && g->verify_chunks > 0 && g->verify_never == 0);
}

GateState FreezeGate_state(const FreezeGate *g, int64_t now_ms)
{
    if (FreezeGate_lag_ok(g) && FreezeGate_drain_ok(g) && FreezeGate_verify_ok(g))
        return GATE_OPEN;
    return now_ms - g->start_ms >= g->cfg.timeout_ms ? GATE_TIMED_OUT : GATE_WAITING;
}

static void FreezeGate_seconds(double s, char *buf, size_t size)
{
    if (s < 1)
        snprintf(buf, size, "%.0f ms", s * 1000.0);
    else
        snprintf(buf, size, "%.1f s", s);
}

static void FreezeGate_lag_text(const FreezeGate *g, char *buf, size_t size)
{
    char fig[32];
    if (g->lag_s < 0) {
        snprintf(buf, size, "no heartbeat lag figure yet");
        return;
    }
    FreezeGate_seconds(g->lag_s, fig, sizeof fig);
    snprintf(buf, size, "lag %s %s %d ms (%d/%d below)", fig,
             FreezeGate_under(g, g->lag_s) ? "<=" : ">", g->cfg.max_lag_ms,
             g->below < g->cfg.samples ? g->below : g->cfg.samples, g->cfg.samples);
}

static void FreezeGate_drain_text(const FreezeGate *g, char *buf, size_t size)
{
    char fig[32];
    buf[0] = '\0';
    if (g->drain_s == -2) {
        snprintf(buf, size, ", not draining");
    } else if (g->drain_s >= 0) {
        FreezeGate_seconds(g->drain_s, fig, sizeof fig);
        snprintf(buf, size, ", drain %s%s", fig, FreezeGate_under(g, g->drain_s) ? "" : " (over)");
    }
}

static void FreezeGate_verify_text(const FreezeGate *g, char *buf, size_t size)
{
    buf[0] = '\0';
    if (!g->verify_needed)
        return;
    if (!g->verify_known || g->verify_chunks == 0)
        snprintf(buf, size, ", verify not started");
    else if (g->verify_never > 0)
        snprintf(buf, size, ", verify first pass, %zu to compare", g->verify_never);
    else
        snprintf(buf, size, ", verify %zu chunks compared", g->verify_chunks);
}

void FreezeGate_describe(const FreezeGate *g, char *buf, size_t size)
{
    char lag[96], drain[48], verify[64];
    FreezeGate_lag_text(g, lag, sizeof lag);
    FreezeGate_drain_text(g, drain, sizeof drain);
    FreezeGate_verify_text(g, verify, sizeof verify);
    snprintf(buf, size, "%s%s%s", lag, drain, verify);
}

int64_t FreezeGate_left_s(const FreezeGate *g, int64_t now_ms)
{
    int64_t rest = g->cfg.timeout_ms - (now_ms - g->start_ms);
    return rest > 0 ? (rest + 999) / 1000 : 0;
}
