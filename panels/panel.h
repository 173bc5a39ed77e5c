/* A panel is a const table of functions (htop's PanelClass style): how tall
 * it would like to be at a width, and how to draw the model into a rectangle
 * of the canvas. Panels read the model and write the canvas; nothing else. */
#ifndef CUTOVER_PANELS_PANEL_H
#define CUTOVER_PANELS_PANEL_H

#include "model/model.h"
#include "tui/canvas.h"

typedef struct PanelView {
    const Model *model;
    int selected_step; /* checklist selection, -1 for none */
    bool ascii;
} PanelView;

typedef struct PanelClass {
    const char *name;
    const char *title;
    int min_height;                                   /* rows including the frame */
    int (*measure)(const PanelView *view, int width); /* preferred rows incl. frame */
    void (*draw)(const PanelView *view, Canvas *canvas, Rect inner);
} PanelClass;

extern const PanelClass LagPanel_class;
extern const PanelClass CdcPanel_class;
extern const PanelClass EndpointPanel_class;
extern const PanelClass ServersPanel_class;
extern const PanelClass ChecklistPanel_class;
extern const PanelClass EventsPanel_class;

/* Draws a panel: its frame with the title, then its content. */
void Panel_draw(const PanelClass *cls, const PanelView *view, Canvas *canvas, Rect r);

#endif
