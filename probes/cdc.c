#include "probes/cdc.h"

#include <stdio.h>
#include <string.h>

#include "session/metrics.h"

void Cdc_init(Cdc *c)
{
    memset(c, 0, sizeof *c);
    RateWindow_reset(&c->rows);
    RateWindow_reset(&c->bytes);
}

void Cdc_advance(Cdc *c, const BinlogFile *files, size_t nfiles, const char *file, uint64_t pos,
                 int64_t mono_ms)
{
    uint64_t step;
    if (c->have_last &&
        Binlog_distance(files, nfiles, c->last_file, c->last_pos, file, pos, &step) == 0) {
        c->total_bytes += (double)step;
    } else {
        /* First reading, or a jump we cannot measure: start the rate over. */
        RateWindow_reset(&c->bytes);
    }
    c->have_last = true;
    snprintf(c->last_file, sizeof c->last_file, "%s", file);
    c->last_pos = pos;
    RateWindow_add(&c->bytes, mono_ms, c->total_bytes);
}

double Cdc_drain_seconds(double backlog_bytes, double apply_bytes_per_s)
{
    if (backlog_bytes <= 0)
        return 0;
    if (apply_bytes_per_s <= 0)
        return -1;
    return backlog_bytes / apply_bytes_per_s;
}

double Cdc_backlog(const CdcBinlog *source, const char *exec_file, uint64_t exec_pos)
{
    uint64_t bytes;
    if (!source->have_pos)
        return -1;
    if (Binlog_distance(source->files, source->nfiles, exec_file, exec_pos, source->file,
                        source->pos, &bytes) == 0)
        return (double)bytes;
    /* The replica read after the source's last reading and is past it. */
    if (Binlog_distance(source->files, source->nfiles, source->file, source->pos, exec_file,
                        exec_pos, &bytes) == 0)
        return 0;
    return -1;
}

static void Cdc_rows(Probe *p, Cdc *c, double rows, const char *key, const char *origin,
                     int64_t mono_ms)
{
    double per_s;
    RateWindow_add(&c->rows, mono_ms, rows);
    if (RateWindow_rate(&c->rows, 0, &per_s))
        Probe_sample(p, key, per_s, origin);
}

double Cdc_applied_rows(double handler_rows, double gtid_total)
{
    return handler_rows - CDC_GTID_ROWS_PER_TRX * gtid_total;
}

void Cdc_source(Probe *p, Cdc *c, const ServerStatus *st, const ReplicaSnapshot *snap,
                const CdcBinlog *source, int64_t mono_ms)
{
    double per_s;
    if (st->have_rows)
        Cdc_rows(p, c, st->rows, M_CDC_SOURCE_ROWS_PS, st->rows_origin, mono_ms);
    if (!snap->have_pos)
        return;
    Cdc_advance(c, source->files, source->nfiles, snap->file, snap->pos, mono_ms);
    if (RateWindow_rate(&c->bytes, 0, &per_s))
        Probe_sample(p, M_CDC_SOURCE_BINLOG_BPS, per_s, "binlog position");
}

static void Cdc_post_backlog(Probe *p, double backlog, double apply_bps)
{
    Probe_sample(p, M_CDC_BACKLOG_BYTES, backlog, "binlog position");
    double drain = Cdc_drain_seconds(backlog, apply_bps);
    if (drain >= 0)
        Probe_sample(p, M_CDC_DRAIN_S, drain, "backlog / apply rate");
    else
        Probe_text(p, M_CDC_DRAIN_S, "not draining", "backlog / apply rate");
}

void Cdc_target(Probe *p, Cdc *c, const ServerStatus *st, const ReplicaSnapshot *snap,
                const CdcBinlog *source, int64_t mono_ms)
{
    double apply_bps = 0;
    if (st->have_rows && st->innodb_parts != 3 && snap->have_gtid_total)
        Cdc_rows(p, c, Cdc_applied_rows(st->rows, snap->gtid_total), M_CDC_TARGET_ROWS_PS,
                 "Handler_* - gtid_slave_pos", mono_ms);
    else if (st->have_rows)
        Cdc_rows(p, c, st->rows, M_CDC_TARGET_ROWS_PS, st->rows_origin, mono_ms);
    if (!snap->have_pos)
        return;
    Cdc_advance(c, source->files, source->nfiles, snap->file, snap->pos, mono_ms);
    if (RateWindow_rate(&c->bytes, CDC_APPLY_WINDOW_MS, &apply_bps))
        Probe_sample(p, M_CDC_TARGET_APPLY_BPS, apply_bps, "Exec_Master_Log_Pos");
    double backlog = Cdc_backlog(source, snap->file, snap->pos);
    if (backlog >= 0)
        Cdc_post_backlog(p, backlog, apply_bps);
}
