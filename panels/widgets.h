/* Small drawing pieces the panels share: a figure coloured by its alarm and
 * freshness, a label/value pair, a sparkline of a series, a trend arrow. */
#ifndef CUTOVER_PANELS_WIDGETS_H
#define CUTOVER_PANELS_WIDGETS_H

#include "model/model.h"
#include "tui/canvas.h"

/* A figure older than this is drawn as stale. */
#define WIDGET_STALE_MS 5000
/* ... unless it comes from CloudWatch, which has one point a minute, or
 * the DMS API, read every 5-10 s. */
#define WIDGET_STALE_CLOUDWATCH_MS 180000
#define WIDGET_STALE_DMS_MS        30000

/* ROLE_ALARM when an alarm on key is active, ROLE_WARN when stale or
 * missing, else ROLE_VALUE. */
Role Widget_role(const Model *m, const char *key);

/* The series' latest value through format, or "-" when there is none. */
void Widget_figure(const Model *m, const char *key, char *buf, size_t size,
                   void (*format)(double, char *, size_t));

/* "label value" with the label muted; returns the columns used. */
int Widget_pair(Canvas *c, int x, int y, int maxw, const char *label, const char *value,
                Role value_role);

/* A sparkline of the series over the window, scaled from 0 to its max (or to
 * floor_max when that is larger, so noise does not fill the graph). */
void Widget_spark(Canvas *c, const Model *m, const char *key, int x, int y, int w, double floor_max,
                  Role role);

/* The same as a graph filling r. */
void Widget_graph(Canvas *c, const Model *m, const char *key, Rect r, double floor_max, Role role);

/* "↑", "↓" or "→" (ASCII "^", "v", "=") comparing the last 10 s with the 10 s
 * before; "" without enough data. */
const char *Widget_trend(const Model *m, const char *key, bool ascii);

/* "origin, age" for a figure, e.g. "heartbeat, now". */
void Widget_source(const Model *m, const char *key, char *buf, size_t size);

#endif
