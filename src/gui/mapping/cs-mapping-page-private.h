/* cs-mapping-page-private.h: test hooks of the Mapping page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-mapping-page.h"
#include "cs-mapping-structure-pane.h"
#include "cs-mapping-value-maps-pane.h"

G_BEGIN_DECLS

/* TRUE while a table is read, the preview waits for its debounce, or a
 * validation or run is going. */
gboolean       cs_mapping_page_get_busy            (CsMappingPage *self);
GtkTextBuffer *cs_mapping_page_get_mapping_buffer  (CsMappingPage *self);
/* The tables pane's switcher of the mapping's input tables */
GtkDropDown   *cs_mapping_page_get_table_switcher  (CsMappingPage *self);
/* The preview's text (owned by the caller) */
char          *cs_mapping_page_get_preview_text    (CsMappingPage *self);
/* The message shown under the mapping (a parse error), or NULL. */
const char    *cs_mapping_page_get_mapping_error   (CsMappingPage *self);
/* The line of the mapping the error is marked at, or -1. */
int            cs_mapping_page_get_error_line      (CsMappingPage *self);
guint64        cs_mapping_page_get_n_rows          (CsMappingPage *self);
guint          cs_mapping_page_get_n_columns       (CsMappingPage *self);
const char    *cs_mapping_page_get_column_name     (CsMappingPage *self,
                                                    guint          column);
void           cs_mapping_page_select_row          (CsMappingPage *self,
                                                    guint64        row);
void           cs_mapping_page_select_column       (CsMappingPage *self,
                                                    guint          column);
/* Lines of the preview highlighted as fed by the selected column. */
guint          cs_mapping_page_get_n_highlighted   (CsMappingPage *self);
/* Moves the preview's cursor to a line; returns the source label's text. */
const char    *cs_mapping_page_place_preview_cursor (CsMappingPage *self,
                                                     int            line);
/* Problems found by the last validation, and each as text. */
guint          cs_mapping_page_get_n_problems      (CsMappingPage *self);
const char    *cs_mapping_page_get_problem_text    (CsMappingPage *self,
                                                    guint          index);
/* Activates problem index: the row and column it names are selected. */
void           cs_mapping_page_activate_problem    (CsMappingPage *self,
                                                    guint          index);
guint64        cs_mapping_page_get_selected_row    (CsMappingPage *self);
guint          cs_mapping_page_get_selected_column (CsMappingPage *self);
/* Saves to a path without a dialog (Save As). */
gboolean       cs_mapping_page_save_to             (CsMappingPage *self,
                                                    const char    *path,
                                                    GError       **error);
/* Writes every row's resources without a dialog (Run). */
void           cs_mapping_page_run_to              (CsMappingPage *self,
                                                    const char    *path);
const char    *cs_mapping_page_get_output_path     (CsMappingPage *self);
/* The last error shown to the user in a dialog (table or file), or NULL. */
const char    *cs_mapping_page_get_last_error      (CsMappingPage *self);
/* Value maps: the coverage line and the values listed, for the value map
 * index of the current mapping. */
void           cs_mapping_page_show_value_map      (CsMappingPage *self,
                                                    guint          index);
const char    *cs_mapping_page_get_coverage_text   (CsMappingPage *self);
/* Selects n_rows rows from first: the preview lists them all */
void           cs_mapping_page_select_rows         (CsMappingPage *self,
                                                    guint64        first,
                                                    guint          n_rows);
guint          cs_mapping_page_get_n_previewed_rows (CsMappingPage *self);
/* Chooses the index-th of the selected rows in the preview's selector */
void           cs_mapping_page_choose_previewed_row (CsMappingPage *self,
                                                     guint          index);
/* The problems marked at a cell of the grid (row 0-based; column
 * cs_mapping_page_get_n_columns() for the row number), or NULL. */
const char    *cs_mapping_page_get_cell_problem    (CsMappingPage *self,
                                                    guint64        row,
                                                    guint          column);
/* Shows the Rows tab; returns its grid (the GtkColumnView). */
GtkWidget     *cs_mapping_page_show_rows           (CsMappingPage *self);

/* The editor's Structure view, shown; the value maps pane. */
CsMappingStructurePane *cs_mapping_page_show_structure (CsMappingPage *self);
CsMappingValueMapsPane *cs_mapping_page_get_value_maps_pane (CsMappingPage *self);

G_END_DECLS
