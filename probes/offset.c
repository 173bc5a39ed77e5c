#include "probes/offset.h"

double Offset_sample(double server_now_s, double local_send_s, double rtt_s)
{
    return server_now_s - (local_send_s + rtt_s / 2.0);
}

void OffsetFilter_reset(OffsetFilter *f)
{
    f->count = 0;
    f->next = 0;
}

void OffsetFilter_add(OffsetFilter *f, double offset_s, double rtt_s)
{
    f->offset_s[f->next] = offset_s;
    f->rtt_s[f->next] = rtt_s;
    f->next = (f->next + 1) % OFFSET_SAMPLES;
    if (f->count < OFFSET_SAMPLES)
        f->count++;
}

bool OffsetFilter_best(const OffsetFilter *f, double *offset_s)
{
    if (f->count == 0)
        return false;
    size_t best = 0;
    for (size_t i = 1; i < f->count; i++)
        if (f->rtt_s[i] < f->rtt_s[best])
            best = i;
    *offset_s = f->offset_s[best];
    return true;
}

double Offset_lag(double target_now_s, double heartbeat_s, double target_offset_s,
                  double source_offset_s)
{
    return (target_now_s - heartbeat_s) - (target_offset_s - source_offset_s);
}
