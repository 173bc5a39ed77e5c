/* The AWS DMS panel (panels/dms.c). */
#ifndef CUTOVER_PANELS_DMS_H
#define CUTOVER_PANELS_DMS_H

#include "panels/panel.h"

extern const PanelClass DmsPanel_class;

/* Whether the model has a DMS task to show (the probe names it at start). */
bool DmsPanel_wanted(const Model *m);

#endif
