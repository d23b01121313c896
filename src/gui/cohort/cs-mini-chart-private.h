/* cs-mini-chart-private.h: what the tests do with a mini chart's pointer,
 * and what it says to a screen reader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-mini-chart.h"

G_BEGIN_DECLS

/* Bars: the start of the bar of level (a value or display) in the chart's
 * coordinates; FALSE when there is no such bar. */
gboolean _cs_mini_chart_get_bar_center (CsMiniChart *self,
                                        const char  *level,
                                        double      *x,
                                        double      *y);
/* What a click at (x, y) does: a bar toggles its value, on a histogram it
 * clears the range. TRUE when it hit something. */
gboolean _cs_mini_chart_click          (CsMiniChart *self,
                                        double       x,
                                        double       y);
/* A drag on a histogram from x0 to x1 px in steps (one undo step). */
void     _cs_mini_chart_brush          (CsMiniChart *self,
                                        double       x0,
                                        double       x1,
                                        guint        steps);
/* The accessible description it last set (the counts in words). */
const char *_cs_mini_chart_get_description (CsMiniChart *self);

G_END_DECLS
