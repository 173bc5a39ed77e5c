#include "panels/panel.h"

void Panel_draw(const PanelClass *cls, const PanelView *view, Canvas *canvas, Rect r)
{
    Canvas_box(canvas, r, ROLE_BORDER, cls->title, ROLE_TITLE);
    Rect inner = Rect_inner(r);
    if (inner.w > 0 && inner.h > 0)
        cls->draw(view, canvas, inner);
}
