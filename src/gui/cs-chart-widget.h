/* cs-chart-widget.h: a widget that draws any CsChart kind
 *
 * The chart is drawn once into a cached surface in the light or dark style
 * of AdwStyleManager; hover feedback (ring, band, cell) is an overlay on
 * top, so moving the pointer never redraws the chart. Hovering shows a
 * tooltip; on a scatter whose points have store rows, the tooltip names the
 * patient and its ImagingStudy UIDs. Dragging on a scatter draws a brush
 * rectangle and emits "rows-selected"; clicking (or Enter on the focused
 * cell) on a heat map emits "cell-activated".
 *
 * The widget copies the model struct, not the arrays it points to: the
 * caller passes an owner that keeps them alive and a function to free it.
 *
 * Accessible name: the "accessible-label" property ("Chart" unless set). The accessible description
 * says in words what the chart shows (cs_chart_describe(), with the test
 * result the page gives with cs_chart_widget_set_statistics()), and follows
 * every new model. On a heat map the arrow keys, Home, End, Page Up and Page
 * Down move a focus cell, whose row, column, effect and q become the
 * accessible label (announced as it moves); Enter activates it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>
#include "cs-chart.h"
#include "cs-store.h"

G_BEGIN_DECLS

#define CS_TYPE_CHART_WIDGET (cs_chart_widget_get_type ())
G_DECLARE_FINAL_TYPE (CsChartWidget, cs_chart_widget, CS, CHART_WIDGET, GtkWidget)

GtkWidget    *cs_chart_widget_new            (void);
/* model is a CsChart*Model of kind (copied by value); owner (may be NULL)
 * keeps its arrays alive and is freed with owner_free when replaced. */
void          cs_chart_widget_set_model      (CsChartWidget  *self,
                                              CsChartKind     kind,
                                              gconstpointer   model,
                                              gpointer        owner,
                                              GDestroyNotify  owner_free);
/* Clears the model and the statistics. */
void          cs_chart_widget_clear          (CsChartWidget  *self);
/* The test and its result on one line ("Spearman ρ = 0.84, n = 97, p =
 * 0.0012"), the last clause of the accessible description; NULL for none.
 * Set it after the model (a new model keeps it until clear). */
void          cs_chart_widget_set_statistics (CsChartWidget  *self,
                                              const char     *statistics);
/* What the accessible description says (cs_chart_describe()); NULL
 * without a model. */
char         *cs_chart_widget_dup_description (CsChartWidget *self);
gboolean      cs_chart_widget_has_model      (CsChartWidget  *self);
CsChartKind   cs_chart_widget_get_kind       (CsChartWidget  *self);
/* The widget's copy of the model (NULL without one). */
gconstpointer cs_chart_widget_get_model      (CsChartWidget  *self);
/* Scatter: point i is patient row rows[i] of store (n entries, copied). */
void          cs_chart_widget_set_rows       (CsChartWidget  *self,
                                              CsStore        *store,
                                              const guint    *rows,
                                              guint           n);
/* The layout of the last drawing at the widget's size. */
gboolean      cs_chart_widget_get_layout     (CsChartWidget  *self,
                                              CsChartLayout  *layout);
/* The tooltip text for (x, y) in widget coordinates; NULL if nothing there. */
char         *cs_chart_widget_describe_at    (CsChartWidget  *self,
                                              double          x,
                                              double          y);
/* Heat map: the centre of the cell of model row and column, in widget
 * coordinates; FALSE when it is not shown. */
gboolean      cs_chart_widget_get_cell_center (CsChartWidget *self,
                                              guint           row,
                                              guint           col,
                                              double         *x,
                                              double         *y);
/* What a primary click at (x, y) does (heat map: emits cell-activated;
 * scatter: clears the brush). TRUE when it hit something. */
gboolean      cs_chart_widget_click          (CsChartWidget  *self,
                                              double          x,
                                              double          y);
/* Scatter: a brush over the data rectangle [x0, x1] × [y0, y1]; emits
 * rows-selected. Returns the number of points inside. */
guint         cs_chart_widget_brush_data     (CsChartWidget  *self,
                                              double          x0,
                                              double          x1,
                                              double          y0,
                                              double          y1);
/* The current brush in data values; FALSE when there is none. */
gboolean      cs_chart_widget_get_brush      (CsChartWidget  *self,
                                              double         *x0,
                                              double         *x1,
                                              double         *y0,
                                              double         *y1);
/* Heat map: the model row and column of the keyboard focus cell; FALSE
 * when there is none. */
gboolean      cs_chart_widget_get_focus_cell (CsChartWidget  *self,
                                              guint          *row,
                                              guint          *col);
/* The accessible label, property "accessible-label" (NULL: "Chart"); a
 * heat map's focus cell replaces it while there is one. */
void          cs_chart_widget_set_accessible_label (CsChartWidget *self,
                                                    const char    *label);
const char   *cs_chart_widget_get_accessible_label (CsChartWidget *self);
/* What an export says besides the chart (CsChartCaption): the test ("Spearman
 * ρ = 0.84, n = 97, p < 0.001") and the variables of this chart, and the
 * stem of its file name ("km-os-by-jointentropy"); any may be NULL. Kept
 * until set again or cleared. */
void          cs_chart_widget_set_caption    (CsChartWidget  *self,
                                              const char     *test,
                                              const char     *variables,
                                              const char     *file_stem);
/* A heat map scrolls its rows instead of shrinking their labels: this
 * adjustment (rows; value = the display row at the top, page = the rows in
 * view) drives a scroll bar beside it; the wheel and the keyboard's focus
 * cell move it too. */
GtkAdjustment *cs_chart_widget_get_heat_adjustment (CsChartWidget *self);
/* The heat map's row label size in px (the caption size of the widget's
 * font, at least 10); 0 for another chart */
double        cs_chart_widget_get_heat_label_size (CsChartWidget *self);
/* The test set with the caption (NULL if none); "caption-changed" tells when it changes */
const char   *cs_chart_widget_get_caption_test (CsChartWidget *self);
/* The stem set with the caption, or "chart" */
const char   *cs_chart_widget_get_file_stem  (CsChartWidget  *self);
/* The caption an export carries, with cohort (in words), the filter
 * expression (for the metadata) and source; each may be NULL */
void          cs_chart_widget_get_caption    (CsChartWidget  *self,
                                              const char     *cohort,
                                              const char     *filter,
                                              const char     *source,
                                              CsChartCaption *caption);
/* Renders the model to a PNG, SVG or PDF file (light style) with the
 * caption (test and variables; no cohort or source). */
gboolean      cs_chart_widget_export         (CsChartWidget  *self,
                                              const char     *path,
                                              double          width,
                                              double          height,
                                              GError        **error);
/* As cs_chart_widget_export(), the caption naming the cohort (the filter
 * in words under the chart, its expression in the metadata) and the source. */
gboolean      cs_chart_widget_export_captioned (CsChartWidget  *self,
                                                const char     *path,
                                                double          width,
                                                double          height,
                                                const char     *cohort,
                                                const char     *filter,
                                                const char     *source,
                                                GError        **error);

G_END_DECLS
